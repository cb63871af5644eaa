"""Filters of list pages, read from the query string (so a filtered page is a link to share)."""

import django_filters
from django.db.models import Q

from .models import PerformanceRecord

PERIOD_CHOICES = [("tahunan", "Tahunan"), ("1", "TW I"), ("2", "TW II"), ("3", "TW III"), ("4", "TW IV")]


class RecordFilter(django_filters.FilterSet):
    """The data base page: year, period (a quarter or the year's own record), objective,
    indicator (code or name) and section, with the page's Indonesian parameter names. A value
    that is not one of its kind (a year of letters, a sixth quarter) filters nothing."""

    tahun = django_filters.NumberFilter(field_name="year", min_value=2000, max_value=2100)
    triwulan = django_filters.ChoiceFilter(choices=PERIOD_CHOICES, method="by_period")
    sasaran = django_filters.CharFilter(field_name="objective", lookup_expr="startswith", max_length=300)
    indikator = django_filters.CharFilter(method="by_indicator", max_length=200)
    seksi = django_filters.CharFilter(field_name="section", max_length=200)

    class Meta:
        model = PerformanceRecord
        fields = []

    def by_period(self, queryset, name, value):
        if value == "tahunan":
            return queryset.filter(quarter__isnull=True)
        return queryset.filter(quarter=int(value))

    def by_indicator(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    @property
    def valid_data(self) -> dict:
        """The filters that were applied, as the page shows them back (invalid ones empty)."""
        self.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        return {name: "" if cleaned.get(name) in (None, "") else str(cleaned[name]) for name in self.filters}
