"""List filters shared by several admin pages."""

from django.contrib import messages
from django.utils.dateparse import parse_date
from unfold.contrib.filters.admin import RangeDateFilter


class DayRangeFilter(RangeDateFilter):
    """A date range on a datetime field that includes the whole last day.

    Unfold's RangeDateFilter compares the datetime with midnight, which would drop
    everything published on the "to" day itself.
    """

    def queryset(self, request, queryset):
        filters = {}
        for suffix, lookup in (("_from", "gte"), ("_to", "lte")):
            value = self.used_parameters.get(f"{self.parameter_name}{suffix}")
            if isinstance(value, str) and value:
                try:
                    day = parse_date(value)
                except ValueError:
                    day = None
                if day is None:
                    label = self.title if isinstance(self.title, str) else self.parameter_name
                    messages.error(request, f'{label}: "{value}" is not a date (YYYY-MM-DD); that bound was ignored.')
                    continue
                filters[f"{self.parameter_name}__date__{lookup}"] = day
        return queryset.filter(**filters)
