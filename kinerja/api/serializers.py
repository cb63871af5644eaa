"""What the API answers, in the application's words (Indonesian keys, as the archive's manifest).
Numbers are decimal strings, exact as stored ("97.5", never a float); a filed record gives its
values after the latest amendment, and as filed under `asli`."""

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Amendment, Cycle, Indicator, Organisation, PerformanceRecord, StepRun, Target
from ..steps.filing import current_value


def decimal_text(value) -> str | None:
    """A Decimal as exact text without trailing zeros after the point: 97.5000 -> "97.5"."""
    if value is None:
        return None
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "example": "97.5"})
class Number(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return decimal_text(value)


class OrganisationSerializer(serializers.ModelSerializer):
    kode = serializers.CharField(source="code")
    nama = serializers.CharField(source="name")
    pemerintah = serializers.CharField(source="government")
    kabupaten = serializers.CharField(source="kabupaten.name", allow_null=True, default=None)

    class Meta:
        model = Organisation
        fields = ["kode", "nama", "pemerintah", "kabupaten"]


class TargetSerializer(serializers.ModelSerializer):
    tahun = serializers.IntegerField(source="year")
    triwulan = serializers.IntegerField(source="quarter", allow_null=True, help_text="Kosong: target tahunan.")
    nilai = Number(source="value")
    batas_bawah = Number(source="low")
    batas_atas = Number(source="high")
    teks = serializers.CharField(source="text", help_text="Target berupa predikat, mis. BB.")

    class Meta:
        model = Target
        fields = ["tahun", "triwulan", "nilai", "batas_bawah", "batas_atas", "teks"]


class IndicatorSerializer(serializers.ModelSerializer):
    organisasi = serializers.CharField(source="organisation.code")
    kode = serializers.CharField(source="code")
    nama = serializers.CharField(source="name")
    satuan = serializers.CharField(source="unit")
    polaritas = serializers.CharField(source="polarity")
    cara_menjumlah = serializers.CharField(source="aggregation")
    iku = serializers.BooleanField(source="is_iku")
    sasaran = serializers.CharField(source="objective.code", allow_null=True, default=None)
    seksi = serializers.CharField(source="section.code")
    induk = serializers.CharField(source="parent.code", allow_null=True, default=None)
    definisi = serializers.CharField(source="definition")
    target_renstra = Number(source="renstra_target")
    aktif = serializers.BooleanField(source="active")
    target = TargetSerializer(source="targets", many=True)

    class Meta:
        model = Indicator
        fields = [
            "id", "organisasi", "kode", "nama", "satuan", "polaritas", "cara_menjumlah", "iku", "sasaran", "seksi",
            "induk", "definisi", "target_renstra", "aktif", "target",
        ]  # fmt: skip


class StepRunSerializer(serializers.ModelSerializer):
    langkah = serializers.IntegerField(source="step.number")
    nama = serializers.CharField(source="step.short_name")
    seksi = serializers.CharField(source="section.code", allow_null=True, default=None)
    putaran = serializers.IntegerField(source="round")
    dibuka = serializers.DateTimeField(source="opened_at")
    batas_waktu = serializers.DateTimeField(source="due_at")
    ditutup = serializers.DateTimeField(source="closed_at", allow_null=True)
    target_menit = serializers.IntegerField(source="target_minutes", help_text="Menit kerja.")
    realisasi_menit = serializers.IntegerField(source="actual_minutes", allow_null=True, help_text="Menit kerja.")
    hasil = serializers.CharField(source="outcome")
    terlambat = serializers.SerializerMethodField(
        help_text="Ditutup sesudah batas waktu, atau masih terbuka dan batas waktunya lewat saat panggilan ini."
    )

    class Meta:
        model = StepRun
        fields = [
            "langkah", "nama", "seksi", "putaran", "dibuka", "batas_waktu", "ditutup", "target_menit",
            "realisasi_menit", "hasil", "terlambat",
        ]  # fmt: skip

    def get_terlambat(self, run) -> bool:
        return (run.closed_at or self.context["now"]) > run.due_at


class CycleSerializer(serializers.ModelSerializer):
    organisasi = serializers.CharField(source="organisation.code")
    tahun = serializers.IntegerField(source="year")
    triwulan = serializers.IntegerField(source="quarter", allow_null=True, help_text="Kosong: siklus tahunan.")
    periode = serializers.CharField(source="period_label")
    dimulai = serializers.DateTimeField(source="started_at")
    selesai = serializers.DateTimeField(source="finished_at", allow_null=True)
    alasan_batal = serializers.CharField(source="cancel_reason")
    versi_sop = serializers.CharField(source="sop_version.number")
    langkah = StepRunSerializer(source="runs", many=True)

    class Meta:
        model = Cycle
        fields = [
            "id", "organisasi", "tahun", "triwulan", "periode", "status", "dimulai", "selesai", "alasan_batal",
            "versi_sop", "langkah",
        ]  # fmt: skip


# A filed record's figures: (key in the answer, model field).
RECORD_FIGURES = [
    ("realisasi_tw1", "real_q1"), ("realisasi_tw2", "real_q2"), ("realisasi_tw3", "real_q3"),
    ("realisasi_tw4", "real_q4"), ("realisasi", "realisation"), ("capaian", "capaian"),
]  # fmt: skip


def _figures(record, value) -> dict:
    target = value(record, "target")
    numeric = isinstance(target, Decimal)
    return {
        "target": decimal_text(target) if numeric else None,
        "target_teks": "" if numeric or target is None else str(target),
        **{key: decimal_text(value(record, field)) for key, field in RECORD_FIGURES},
        "kategori": value(record, "category") or "",
    }


def _as_filed(record, field):
    if field == "target":
        return record.target if record.target is not None else (record.target_text or None)
    return getattr(record, field)


FIGURES_SCHEMA = {
    "type": "object",
    "properties": {
        "target": {"type": "string", "format": "decimal", "nullable": True},
        "target_teks": {"type": "string"},
        **{key: {"type": "string", "format": "decimal", "nullable": True} for key, _field in RECORD_FIGURES},
        "kategori": {"type": "string"},
    },
}


class RecordSerializer(serializers.ModelSerializer):
    organisasi = serializers.CharField(source="organisation.code")
    siklus = serializers.IntegerField(source="cycle_id")
    tahun = serializers.IntegerField(source="year")
    triwulan = serializers.IntegerField(source="quarter", allow_null=True, help_text="Kosong: data tahunan.")
    kode = serializers.CharField(source="code")
    nama = serializers.CharField(source="name")
    satuan = serializers.CharField(source="unit")
    sasaran = serializers.CharField(source="objective")
    seksi = serializers.CharField(source="section")
    iku = serializers.BooleanField(source="is_iku")
    diarsipkan = serializers.DateTimeField(source="filed_at")
    terkini = serializers.SerializerMethodField(help_text="Angka setelah amandemen terakhir: yang berlaku.")
    asli = serializers.SerializerMethodField(help_text="Angka seperti diarsipkan, sebelum amandemen.")
    diamandemen = serializers.SerializerMethodField()

    class Meta:
        model = PerformanceRecord
        fields = [
            "id", "organisasi", "siklus", "tahun", "triwulan", "kode", "nama", "satuan", "sasaran", "seksi", "iku",
            "diarsipkan", "diamandemen", "terkini", "asli",
        ]  # fmt: skip

    @extend_schema_field(FIGURES_SCHEMA)
    def get_terkini(self, record) -> dict:
        return _figures(record, current_value)

    @extend_schema_field(FIGURES_SCHEMA)
    def get_asli(self, record) -> dict:
        return _figures(record, _as_filed)

    def get_diamandemen(self, record) -> bool:
        return bool(record.amendment_list)


class AmendmentSerializer(serializers.ModelSerializer):
    data_kinerja = serializers.IntegerField(source="record_id")
    organisasi = serializers.CharField(source="record.organisation.code")
    kode = serializers.CharField(source="record.code")
    tahun = serializers.IntegerField(source="record.year")
    triwulan = serializers.IntegerField(source="record.quarter", allow_null=True)
    isian = serializers.CharField(source="field")
    nilai_lama = Number(source="old_value")
    nilai_baru = Number(source="new_value")
    teks_lama = serializers.CharField(source="old_text")
    teks_baru = serializers.CharField(source="new_text")
    alasan = serializers.CharField(source="reason")
    disetujui_oleh = serializers.CharField(source="approver")
    dibuat = serializers.DateTimeField(source="created_at")
    dihitung_ulang_dari = serializers.IntegerField(source="derived_from_id", allow_null=True)

    class Meta:
        model = Amendment
        fields = [
            "id", "data_kinerja", "organisasi", "kode", "tahun", "triwulan", "isian", "nilai_lama", "nilai_baru",
            "teks_lama", "teks_baru", "alasan", "disetujui_oleh", "dibuat", "dihitung_ulang_dari",
        ]  # fmt: skip


def context_now() -> dict:
    return {"now": timezone.now()}
