"""Page-number pagination for every list: `?page=`, `?page_size=` (capped at 100)."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    # A bigger page_size is served as 100 rather than refused, as DRF does.
    max_page_size = 100
