"""Input checks every API view shares, before anything reaches the database."""

from rest_framework import exceptions

from server.models.validators import NUL_MESSAGE


def _first_nul(value, path):
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if "\x00" in str(key):
            return path or str(key)
        found = _first_nul(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


class RejectNulCharacters:
    """A NUL character is never valid text here, and PostgreSQL refuses it with an error
    that would surface as a 500: answer 400 naming the parameter or field instead."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any("\x00" in str(value) for value in kwargs.values()):
            raise exceptions.NotFound("No such item.")
        for name in request.query_params:
            if "\x00" in name or any("\x00" in value for value in request.query_params.getlist(name)):
                raise exceptions.ValidationError({name.replace("\x00", ""): [NUL_MESSAGE]})
        if request.method in ("POST", "PUT", "PATCH"):
            field = _first_nul(request.data, "")
            if field is not None:
                raise exceptions.ValidationError({field or "detail": [NUL_MESSAGE]})
