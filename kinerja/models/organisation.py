"""The organisation (PD), its sections, its people and the positions they hold over time."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def single_line(value: str) -> None:
    """Names go into mail headers, page titles and printed headings: one line only."""
    if any(ch in LINE_BREAKS for ch in str(value)):
        raise ValidationError("Tulis dalam satu baris, tanpa baris baru.")


# A civil servant's NIP: 18 digits (birth date, appointment month, sex, serial number).
NIP = RegexValidator(r"^\d{18}$", "NIP terdiri atas 18 angka, tanpa spasi atau titik (mis. 198011172006041012).")


class User(AbstractUser):
    """A person who signs in. Roles come from Position rows, never from this table."""

    nip = models.CharField("NIP", max_length=30, blank=True, validators=[NIP])
    pangkat = models.CharField(
        "pangkat/golongan", max_length=80, blank=True, validators=[single_line],
        help_text="Seperti dicetak di bawah tanda tangan, mis. Penata Tk. I, III/d.",
    )  # fmt: skip
    # Kept equal to "has a confirmed authenticator or recovery codes" by the device signals
    # (infra.twofactor.sync_second_factor), so no page request has to query the devices.
    second_factor = models.BooleanField("verifikasi dua langkah aktif", default=False, editable=False)
    notice_mail = models.BooleanField(
        "kirim pemberitahuan lewat surel", default=True,
        help_text="Pemberitahuan selalu tampil di aplikasi; bila aktif juga dikirim ke alamat surel akun.",
    )  # fmt: skip
    # Moves (QuerySet.update, no history) whenever the user's notices change, so the menu's count
    # of unread notices is counted again (context_processors.current_roles).
    notice_stamp = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["notice_stamp"])

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def letterhead_lines_valid(value: str) -> None:
    """The kop surat's heading: one or two lines of at most 80 characters."""
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    if len(lines) > 2:
        raise ValidationError("Judul kop surat paling banyak dua baris.")
    if any(len(line) > 80 for line in lines):
        raise ValidationError("Setiap baris judul kop surat paling banyak 80 huruf.")


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Organisation(models.Model):
    """A Perangkat Daerah: here a kecamatan. Every other record is scoped to one."""

    code = models.SlugField("kode", max_length=40, unique=True)
    name = models.CharField("nama", max_length=200, validators=[single_line])
    government = models.CharField(
        "pemerintah daerah", max_length=200, help_text="mis. Pemerintah Kabupaten Boyolali", validators=[single_line]
    )
    regent_title = models.CharField(
        "jabatan kepala daerah", max_length=100, blank=True, validators=[single_line],
        help_text="mis. Bupati Boyolali; kosong: dibaca dari nama pemerintah daerah",
    )  # fmt: skip
    regent_name = models.CharField(
        "nama kepala daerah", max_length=200, blank=True, validators=[single_line],
        help_text="Pihak kedua Perjanjian Kinerja kecamatan, mis. M. Said Hidayat, S.Sos., M.H.",
    )  # fmt: skip
    letterhead = models.TextField(
        "judul kop surat", blank=True, max_length=300, validators=[letterhead_lines_valid],
        help_text="Satu atau dua baris, seperti ditulis kantor (mis. PEMERINTAH KABUPATEN BOYOLALI / KECAMATAN "
        "KLEGO). Kosong: pemerintah daerah dan nama kantor.",
    )  # fmt: skip
    address = models.CharField("alamat", max_length=300, blank=True)
    phone = models.CharField("telepon", max_length=60, blank=True)
    email = models.EmailField("surel", blank=True)
    postal_code = models.CharField("kode pos", max_length=10, blank=True)
    kabupaten = models.ForeignKey(
        "kinerja.Kabupaten", on_delete=models.PROTECT, null=True, blank=True, related_name="kecamatan",
        verbose_name="kabupaten", help_text="Koordinator SAKIP kabupaten ini dapat membaca data kecamatan ini.",
    )  # fmt: skip
    crest = models.ForeignKey(
        "kinerja.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="lambang daerah (kop surat)", editable=False,
    )  # fmt: skip
    history = HistoricalRecords()

    objects = OrganisationManager()

    class Meta:
        verbose_name = "organisasi (PD)"
        verbose_name_plural = "organisasi (PD)"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def other_names(self):
        """The names of the installation's other organisations: what the title of a file imported
        for this one may not name (a neighbour's file copied as a start)."""
        return Organisation.objects.exclude(pk=self.pk).values_list("name", flat=True)

    def natural_key(self):
        return (self.code,)


class SectionManager(models.Manager):
    def get_by_natural_key(self, organisation_code, code):
        return self.get(organisation__code=organisation_code, code=code)

    def owing_data(self, organisation=None):
        """The units that may owe performance data in a cycle: every active Subbagian and Seksi
        (the office's own IKU belong to the Subbagian Perencanaan dan Pelaporan)."""
        units = self.filter(kind__in=("subbagian", "seksi"), active=True)
        return units if organisation is None else units.filter(organisation=organisation)


class Section(models.Model):
    """A unit of the organisation: the leadership, the Sekretariat, a sub-division or a Seksi."""

    class Kind(models.TextChoices):
        PIMPINAN = "pimpinan", "Pimpinan"
        SEKRETARIAT = "sekretariat", "Sekretariat"
        SUBBAGIAN = "subbagian", "Subbagian"
        SEKSI = "seksi", "Seksi"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sections")
    code = models.SlugField("kode", max_length=40)
    name = models.CharField("nama", max_length=200, validators=[single_line])
    kind = models.CharField("jenis", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    order = models.PositiveSmallIntegerField("urutan", default=0)
    active = models.BooleanField("aktif", default=True)
    history = HistoricalRecords()

    objects = SectionManager()

    class Meta:
        verbose_name = "unit kerja"
        verbose_name_plural = "unit kerja"
        ordering = ["organisation", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="section_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        refuse_case_twin(self, "code")

    def natural_key(self):
        return (self.organisation.code, self.code)

    natural_key.dependencies = ["kinerja.organisation"]


def refuse_case_twin(instance, field: str) -> None:
    """Refuse a code that another row of the organisation has with other capitals ("ss-1" beside
    "SS-1"): the master-data import finds sections and objectives by code, case aside, and would
    take whichever the database listed last."""
    value = getattr(instance, field)
    if not instance.organisation_id or not value:
        return
    twin = (
        type(instance)
        .objects.filter(organisation_id=instance.organisation_id, **{f"{field}__iexact": value})
        .exclude(pk=instance.pk)
        .first()
    )
    if twin is not None:
        raise ValidationError(
            {
                field: f"Kode {value} sama dengan kode {getattr(twin, field)} bila huruf besar/kecil diabaikan; "
                "impor data induk tidak dapat membedakan keduanya. Pakai kode lain."
            }
        )


class Role(models.TextChoices):
    KEPALA = "kepala", "Camat (Kepala)"
    SEKRETARIS = "sekretaris", "Sekretaris Kecamatan"
    KASUBAG = "kasubag", "Kasubag Perencanaan dan Pelaporan"
    KASI = "kasi", "Kepala Seksi"
    STAF = "staf", "Staf Seksi"
    ADMIN = "admin", "Administrator"


# Roles that act for one section only; the others act for the whole organisation.
SECTION_ROLES = frozenset({Role.KASI, Role.STAF})


def held_on(day: datetime.date) -> Q:
    """A post held on a day: started by then, not ended before (positions, coordinators)."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


class PositionQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(held_on(day))

    def active_now(self):
        return self.active_on(timezone.localdate())


BEGUN_NOT_DELETED = (
    "Jabatan yang sudah mulai dipegang tidak dihapus: siapa memegangnya pada hari-hari itu menentukan hak, "
    "tanda tangan dan pemberitahuan. Isi tanggal 'sampai' untuk mengakhirinya."
)
# What a position that has begun keeps as it was: who held which post where, as Plt. or not, from
# which day. Its title (a typo) and its end date (ending it) stay editable.
FIXED_ONCE_BEGUN = ("user", "organisation", "section", "role", "acting", "start_date")
BEGUN_NOT_CHANGED = (
    "Pada jabatan yang sudah mulai dipegang, isian {fields} tidak diubah: siapa memegang jabatan apa pada "
    "hari-hari itu menentukan hak, tanda tangan dan pemberitahuan. Isi tanggal 'sampai' untuk mengakhirinya, "
    "lalu tambahkan jabatan baru."
)


class Position(models.Model):
    """A user holding a role in a section of an organisation, from a date to a date.

    Officials rotate: a role handed to someone else ends the old position (end_date) and starts a
    new one, so the record always shows who held the role on any day.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="positions", verbose_name="pengguna")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="positions", verbose_name="organisasi"
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="positions", verbose_name="seksi"
    )
    role = models.CharField("peran", max_length=20, choices=Role.choices)
    title = models.CharField(
        "jabatan", max_length=200, help_text="mis. Camat Klego, Staf Seksi Pemerintahan", validators=[single_line]
    )
    acting = models.BooleanField("pelaksana tugas (Plt.)", default=False)
    start_date = models.DateField("mulai")
    end_date = models.DateField("sampai", null=True, blank=True)
    history = HistoricalRecords()

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "jabatan"
        verbose_name_plural = "jabatan"
        ordering = ["organisation", "role", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.title}"

    def save(self, *args, **kwargs):
        self.check_unchanged_since_begun()  # every path: forms, the admin, the shell, commands
        return super().save(*args, **kwargs)

    def has_begun(self, on: datetime.date | None = None) -> bool:
        """Held on some day up to `on` (today), as stored: who held a post then decides rights,
        signatures and notices of those days, so such a position is ended (`end_date`), never
        deleted. Read from the database: a form's unsaved start date (moved to the future in the
        same submission that deletes) does not count."""
        day = on or timezone.localdate()
        return self.pk is not None and Position.objects.filter(pk=self.pk, start_date__lte=day).exists()

    def changed_since_begun(self) -> list[str]:
        """The fields of FIXED_ONCE_BEGUN this instance changes on a stored position that has begun
        (read from the database, like has_begun), by their labels; empty when it may be saved."""
        if self.pk is None:
            return []
        attnames = [self._meta.get_field(name).attname for name in FIXED_ONCE_BEGUN]
        stored = Position.objects.filter(pk=self.pk, start_date__lte=timezone.localdate()).values(*attnames).first()
        if stored is None:
            return []
        return [
            str(self._meta.get_field(name).verbose_name)
            for name, attname in zip(FIXED_ONCE_BEGUN, attnames, strict=True)
            if getattr(self, attname) != stored[attname]
        ]

    def check_unchanged_since_begun(self):
        if changed := self.changed_since_begun():
            raise ValidationError(BEGUN_NOT_CHANGED.format(fields=", ".join(f"'{label}'" for label in changed)))

    def delete(self, *args, **kwargs):
        if self.has_begun():
            raise ValidationError(BEGUN_NOT_DELETED)
        return super().delete(*args, **kwargs)

    def clean(self):
        self.check_unchanged_since_begun()  # said on the form, before save() would refuse
        if self.role in SECTION_ROLES and self.section_id is None:
            raise ValidationError({"section": "Peran ini harus terikat pada satu seksi."})
        if self.section_id and self.section.organisation_id != self.organisation_id:
            raise ValidationError({"section": "Unit kerja harus milik organisasi yang sama."})


class LoginAttempt(models.Model):
    """A failed sign-in, kept for throttling (per account and per address) for the lock-out
    window only (throttle.record_failure prunes older ones)."""

    username = models.CharField("nama pengguna", max_length=150, db_index=True)
    address = models.GenericIPAddressField("alamat", null=True, blank=True, db_index=True)
    at = models.DateTimeField("waktu", db_index=True)

    class Meta:
        verbose_name = "percobaan masuk gagal"
        verbose_name_plural = "percobaan masuk gagal"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} dari {self.address} pada {self.at:%d-%m-%Y %H:%M}"
