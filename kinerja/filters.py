"""Filters of list pages, read from the query string (so a filtered page is a link to share)."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES

from .models import Cycle, PerformanceRecord, User

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


class HistoryFilter(django_filters.FilterSet):
    """The audit page (?siklus=&pengguna=&dari=&sampai=), applied to each history table in turn
    (infra.audit.entries): a cycle reaches a table through the cycle itself, its `cycle` or its
    step run; a table without either has no rows of a cycle. A value that is not valid is left out
    (and the page says so)."""

    siklus = django_filters.ModelChoiceFilter(queryset=Cycle.objects.none(), method="of_cycle")
    pengguna = django_filters.ModelChoiceFilter(queryset=User.objects.none(), field_name="history_user")
    dari = django_filters.DateFilter(method="since")
    sampai = django_filters.DateFilter(method="until")

    def __init__(self, data, *, queryset, cycles, users):
        super().__init__(data, queryset=queryset)
        self.filters["siklus"].queryset = cycles
        self.filters["pengguna"].queryset = users

    @property
    def applied(self) -> tuple:
        """What `filter_queryset` applies, as a key (infra.audit keeps the trail's query by it):
        each filter given a valid value, the value (a cycle or a user by its id)."""
        self.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        return tuple(
            sorted((name, getattr(value, "pk", value)) for name, value in cleaned.items() if value not in EMPTY_VALUES)
        )

    def of_cycle(self, queryset, name, cycle):
        model = queryset.model
        fields = {f.name for f in model._meta.get_fields()}
        if model.instance_type is Cycle:
            return queryset.filter(id=cycle.pk)
        if "cycle" in fields:
            return queryset.filter(cycle_id=cycle.pk)
        if "run" in fields:
            return queryset.filter(run__cycle_id=cycle.pk)
        return queryset.none()

    def since(self, queryset, name, day):
        return queryset.filter(history_date__gte=_start_of(day))

    def until(self, queryset, name, day):
        return queryset.filter(history_date__lt=_start_of(day + datetime.timedelta(days=1)))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
