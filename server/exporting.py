"""CSV export as rows, streamed: the header, then one row per object, a chunk at a time.

The cells come from the resources (server/resources.py), so the command, the admin and
seed_demo's files all share one format and one formula escaping.
"""

from collections.abc import Callable, Iterator

from server.resources import RESOURCES


def export_rows(*, kind: str, queryset=None, progress: Callable[[int], None] | None = None) -> Iterator[list[str]]:
    """The header row, then every row of `queryset` (default: all rows of the kind)."""
    resource = RESOURCES[kind]()
    if queryset is None:
        queryset = resource.get_queryset()
    queryset = resource.filter_export(queryset)
    if not queryset.query.order_by:
        queryset = queryset.order_by("pk")
    fields = resource.get_export_fields()
    yield resource.get_export_headers()
    for count, obj in enumerate(resource.iter_queryset(queryset), start=1):
        yield [resource.export_field(field, obj) for field in fields]
        if progress is not None and count % 1000 == 0:
            progress(count)
