"""Page-number pagination for every list: `?page=` (from 1), `?page_size=` (1 to 100).

Both are checked as the schema documents them: anything else (0, 1001, "abc", empty, given
twice) is a 400 naming the parameter, never silently replaced by a default or the cap, so
the OpenAPI schema says exactly what the server accepts. A page past the last is a 404.
"""

import re

from rest_framework import exceptions, pagination

MAX_PAGE_SIZE = 100
_DIGITS = re.compile(r"[0-9]+")  # any size: a page past the last is a 404, not a 400


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()  # no "?page=last": the schema says an integer

    def get_page_size(self, request):
        return _whole_number(request, self.page_size_query_param, maximum=MAX_PAGE_SIZE, default=self.page_size)

    def get_page_number(self, request, paginator):
        return _whole_number(request, self.page_query_param, maximum=None, default=1)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = MAX_PAGE_SIZE
                parameter["description"] = f"Number of results per page (default {self.page_size}, at most 100)."
        return parameters


def _whole_number(request, name, *, maximum, default) -> int:
    values = request.query_params.getlist(name)
    if not values:
        return default
    upper = f" and {maximum}" if maximum else ""
    problem = f"Give a whole number from 1{upper}." if maximum else "Give a whole number from 1."
    if len(values) > 1:
        raise exceptions.ValidationError({name: [f"Give {name} once."]})
    value = values[0].strip()
    if not _DIGITS.fullmatch(value) or int(value) < 1 or (maximum and int(value) > maximum):
        raise exceptions.ValidationError({name: [f'"{values[0][:50]}" is not allowed: {problem}']})
    return int(value)
