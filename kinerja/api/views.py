"""The read API's endpoints: each lists what the token's scope holds, filtered by parameters
that are checked (an unknown or malformed parameter is refused with 400, never ignored: a client
whose filter was dropped would take every row for the rows it asked for), paged, and logged."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import MethodNotAllowed, ParseError
from rest_framework.pagination import PageNumberPagination

from .. import views as _views
from ..models import Amendment, ApiToken, Cycle, Indicator, Organisation, PerformanceRecord, StepRun, Target
from ..steps.filing import with_amendments
from . import serializers as s
from .auth import HasToken, TokenAuthentication, TokenRateThrottle, record_call


class Pages(PageNumberPagination):
    page_size = 100
    page_query_param = "halaman"
    page_size_query_param = "per_halaman"
    max_page_size = 500
    invalid_page_message = "Halaman itu tidak ada."
    page_query_description = "Nomor halaman (100 baris per halaman bila tidak diminta lain)."
    page_size_query_description = "Baris per halaman, paling banyak 500."


PAGING = {"halaman", "per_halaman"}
ORGANISATION = OpenApiParameter("organisasi", str, description="Kode kecamatan, mis. klego.")
YEAR = OpenApiParameter("tahun", int, description="Tahun periode (2000-2100).")
QUARTER = OpenApiParameter("triwulan", int, description="1-4; 0 untuk periode tahunan.")
IKU = OpenApiParameter("iku", OpenApiTypes.BOOL, description="1: hanya IKU; 0: hanya indikator seksi.")
CODE = OpenApiParameter("kode", str, description="Kode indikator, mis. IKU-01.")
STATUS = OpenApiParameter("status", str, enum=Cycle.Status.values, description="Status siklus.")


class ScopedList(generics.ListAPIView):
    # A list of the token's scope; `filters` names the parameters the endpoint takes. (No
    # docstring: the OpenAPI description would take it; each endpoint gives its own.)

    authentication_classes = [TokenAuthentication]
    permission_classes = [HasToken]
    throttle_classes = [TokenRateThrottle]
    pagination_class = Pages
    http_method_names = ["get", "head"]
    filters: dict = {}  # parameter -> (lookup, parse)

    def initial(self, request, *args, **kwargs):
        # Read only: any other method is refused before the token is even looked at.
        if request.method.lower() not in self.http_method_names:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **s.context_now()}

    def scoped(self):
        raise NotImplementedError

    def get_queryset(self):
        params = self.request.query_params
        unknown = sorted(set(params) - set(self.filters) - PAGING)
        if unknown:
            allowed = ", ".join(sorted(set(self.filters) | PAGING))
            raise ParseError(f"Parameter tidak dikenal: {', '.join(unknown)}. Yang diterima: {allowed}.")
        queryset = self.scoped()
        for name, (lookup, parse) in self.filters.items():
            if name in params:
                queryset = queryset.filter(**parse(name, params[name], lookup))
        return queryset.order_by("pk")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(getattr(request, "auth", None), ApiToken):
            record_call(request, request.auth, response.status_code)
        return response


def _text(name, value, lookup):
    return {lookup: value}


def _year(name, value, lookup):
    number = _views.int_param(value, low=2000, high=2100)
    if number is None:
        raise ParseError(f"Parameter {name} harus tahun empat angka (2000-2100).")
    return {lookup: number}


def _quarter(name, value, lookup):
    number = _views.int_param(value, low=0, high=4)
    if number is None:
        raise ParseError(f"Parameter {name} harus 1, 2, 3, 4, atau 0 untuk periode tahunan.")
    return {f"{lookup}__isnull": True} if number == 0 else {lookup: number}


def _flag(name, value, lookup):
    choices = {"1": True, "true": True, "0": False, "false": False}
    if value.lower() not in choices:
        raise ParseError(f"Parameter {name} harus 1 atau 0.")
    return {lookup: choices[value.lower()]}


def _status(name, value, lookup):
    if value not in Cycle.Status.values:
        raise ParseError(f"Parameter {name} harus salah satu dari: {', '.join(Cycle.Status.values)}.")
    return {lookup: value}


@extend_schema(
    summary="Kecamatan yang dapat dibaca token ini",
    parameters=[ORGANISATION],
    description="Satu kecamatan untuk token kecamatan; setiap kecamatan kabupaten untuk token kabupaten.",
)
class OrganisationList(ScopedList):
    serializer_class = s.OrganisationSerializer
    filters = {"organisasi": ("code", _text)}

    def scoped(self):
        return Organisation.objects.filter(pk__in=self.request.auth.organisation_ids()).select_related("kabupaten")


@extend_schema(
    summary="Indikator dengan targetnya",
    parameters=[ORGANISATION, IKU, CODE],
    description="IKU dan indikator seksi, dengan target tahunan (triwulan kosong) dan triwulanan.",
)
class IndicatorList(ScopedList):
    serializer_class = s.IndicatorSerializer
    filters = {"organisasi": ("organisation__code", _text), "iku": ("is_iku", _flag), "kode": ("code", _text)}

    def scoped(self):
        return (
            Indicator.objects.filter(organisation__in=self.request.auth.organisation_ids())
            .select_related("organisation", "objective", "section", "parent")
            .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year", "quarter", "pk")))
        )


@extend_schema(
    summary="Siklus SOP dengan setiap langkahnya",
    parameters=[ORGANISATION, YEAR, QUARTER, STATUS],
    description="Setiap putaran setiap langkah: dibuka, batas waktu, ditutup, menit kerja, hasil.",
)
class CycleList(ScopedList):
    serializer_class = s.CycleSerializer
    filters = {
        "organisasi": ("organisation__code", _text), "tahun": ("year", _year), "triwulan": ("quarter", _quarter),
        "status": ("status", _status),
    }  # fmt: skip

    def scoped(self):
        runs = StepRun.objects.select_related("step", "section").order_by("opened_at", "pk")
        return (
            Cycle.objects.filter(organisation__in=self.request.auth.organisation_ids())
            .select_related("organisation", "sop_version")
            .prefetch_related(Prefetch("runs", queryset=runs))
        )


@extend_schema(
    summary="Data base kinerja: hasil yang diarsipkan, setelah amandemen terakhir dan seperti diarsipkan",
    parameters=[ORGANISATION, YEAR, QUARTER, CODE, IKU],
    description="`terkini`: angka yang berlaku (setelah amandemen terakhir); `asli`: seperti diarsipkan.",
)
class RecordList(ScopedList):
    serializer_class = s.RecordSerializer
    filters = {
        "organisasi": ("organisation__code", _text), "tahun": ("year", _year), "triwulan": ("quarter", _quarter),
        "kode": ("code", _text), "iku": ("is_iku", _flag),
    }  # fmt: skip

    def scoped(self):
        records = PerformanceRecord.objects.filter(organisation__in=self.request.auth.organisation_ids())
        return with_amendments(records.select_related("organisation"), Amendment.objects.order_by("created_at", "pk"))


@extend_schema(
    summary="Amandemen data base kinerja",
    parameters=[ORGANISATION, YEAR, QUARTER, CODE],
    description="Koreksi angka yang diarsipkan, dengan alasan dan pejabat yang menyetujui.",
)
class AmendmentList(ScopedList):
    serializer_class = s.AmendmentSerializer
    filters = {
        "organisasi": ("record__organisation__code", _text), "tahun": ("record__year", _year),
        "triwulan": ("record__quarter", _quarter), "kode": ("record__code", _text),
    }  # fmt: skip

    def scoped(self):
        return Amendment.objects.filter(record__organisation__in=self.request.auth.organisation_ids()).select_related(
            "record__organisation"
        )
