"""Forms of the pages. Validation of business rules stays in kinerja.workflow."""

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from .models import Cycle, DataKind, Letter, Position, Section
from .spreadsheets.numbers import NotANumber, parse_number


class DateInput(forms.DateInput):
    """The browser's date picker wants ISO dates, whatever the display locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LetterForm(forms.Form):
    """Record an incoming letter; optionally start the performance-data cycle it asks for."""

    number = forms.CharField(label="Nomor surat", max_length=120)
    date = forms.DateField(label="Tanggal surat", widget=DateInput())
    sender = forms.CharField(label="Pengirim", max_length=200)
    subject = forms.CharField(label="Perihal", max_length=300)
    nature = forms.ChoiceField(label="Sifat surat", choices=Letter.Nature.choices, initial=Letter.Nature.BIASA)
    received_date = forms.DateField(label="Tanggal diterima", widget=DateInput(), initial=timezone.localdate)
    attachment = forms.FileField(
        label="Pindaian surat (PDF, JPEG atau PNG, paling besar 10 MB)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    start_cycle = forms.BooleanField(
        label="Surat ini meminta laporan kinerja: mulai siklus pengumpulan dan pengolahan data kinerja", required=False
    )
    year = forms.IntegerField(label="Tahun periode", min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label="Periode",
        choices=[("", "Tahunan")] + [(str(v), label) for v, label in Cycle._meta.get_field("quarter").choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    sections = forms.ModelMultipleChoiceField(
        label="Seksi yang menyerahkan data",
        queryset=Section.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    kinds = forms.ModelMultipleChoiceField(
        label="Jenis data yang diminta dari setiap seksi",
        queryset=DataKind.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, organisation, can_start: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # Requests for performance reports usually come from the region's planning agency.
        region = organisation.government.removeprefix("Pemerintah ").strip()
        self.fields["sender"].initial = f"Bappeda {region}" if region else ""
        seksi = Section.objects.filter(organisation=organisation, kind=Section.Kind.SEKSI, active=True)
        self.fields["sections"].queryset = seksi
        self.fields["sections"].initial = list(seksi)
        self.fields["kinds"].initial = list(DataKind.objects.filter(code="realisasi"))
        self.fields["year"].initial = timezone.localdate().year
        self.can_start = can_start
        if not can_start:
            for name in ("start_cycle", "year", "quarter", "sections", "kinds"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        letter_date, received = data.get("date"), data.get("received_date")
        if letter_date and received and received < letter_date:
            self.add_error("received_date", "Tanggal diterima tidak boleh sebelum tanggal surat.")
        if received and received > timezone.localdate() + datetime.timedelta(days=1):
            self.add_error("received_date", "Tanggal diterima tidak boleh di masa depan.")
        if data.get("start_cycle"):
            if not data.get("year"):
                self.add_error("year", "Isi tahun periode siklus.")
            if not data.get("sections"):
                self.add_error("sections", "Pilih setidaknya satu seksi.")
            if not data.get("kinds"):
                self.add_error("kinds", "Pilih setidaknya satu jenis data.")
        return data


def disposition_choices(organisation, exclude_user=None) -> dict:
    """Recipients (people holding a position now, with their titles) and the organisation's
    active instructions, read once for every disposition form on a page."""
    from .models import DispositionInstruction

    rank = {role: i for i, role in enumerate(["kepala", "sekretaris", "kasubag", "kasi", "staf", "admin"])}
    titles, names, ranks = {}, {}, {}
    positions = (
        Position.objects.active_now()
        .filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("start_date")
    )
    for position in positions:
        if exclude_user is not None and position.user_id == exclude_user.pk:
            continue
        titles[position.user_id] = ("Plt. " if position.acting else "") + position.title
        names[position.user_id] = str(position.user)
        ranks[position.user_id] = min(ranks.get(position.user_id, 99), rank.get(position.role, 99))
    ordered = sorted(titles, key=lambda pk: (ranks[pk], names[pk]))
    recipients = [(pk, f"{names[pk]} — {titles[pk]}") for pk in ordered]
    labels = DispositionInstruction.objects.filter(organisation=organisation, active=True).values_list(
        "label", flat=True
    )
    return {"recipients": recipients, "instructions": [(label, label) for label in labels]}


class DispositionForm(forms.Form):
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    recipients = forms.TypedMultipleChoiceField(
        label="Kepada",
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": "Pilih penerima."},
    )
    instructions = forms.MultipleChoiceField(
        label="Instruksi",
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    note = forms.CharField(
        label="Catatan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        max_length=2000,
    )
    deadline = forms.DateField(label="Batas waktu", required=False, widget=DateInput(attrs={"class": "form-control"}))

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = choices["recipients"]
        self.fields["instructions"].choices = choices["instructions"]

    def clean_recipients(self):
        from .models import User

        pks = self.cleaned_data["recipients"]
        users = {u.pk: u for u in User.objects.filter(pk__in=pks)}
        return [users[pk] for pk in pks if pk in users]


class AcknowledgeForm(forms.Form):
    overdue_reason = forms.CharField(
        label="Alasan keterlambatan langkah 1",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Alasan penarikan", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CompleteStepForm(forms.Form):
    run = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    overdue_reason = forms.CharField(
        label="Alasan keterlambatan", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    sections = forms.ModelMultipleChoiceField(queryset=Section.objects.all(), required=False)


class CancelCycleForm(forms.Form):
    reason = forms.CharField(label="Alasan pembatalan", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class LoginForm(AuthenticationForm):
    """Sign-in with throttling: a locked account or address is told when to try again, and the
    password is not even checked while it is locked."""

    error_messages = {
        "invalid_login": "Nama pengguna atau kata sandi salah. Periksa huruf besar/kecil lalu coba lagi.",
        "inactive": "Akun ini sudah dinonaktifkan. Hubungi administrator.",
        "locked": "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam %(minutes)s menit "
        "atau hubungi administrator.",
    }

    def clean(self):
        from django.core.exceptions import ValidationError

        from . import throttle

        username = self.cleaned_data.get("username", "")
        address = throttle.client_address(self.request) if self.request else None
        minutes = throttle.locked_minutes(username, address)
        if minutes:
            raise ValidationError(self.error_messages["locked"], code="locked", params={"minutes": minutes})
        try:
            return super().clean()
        except ValidationError:
            throttle.record_failure(username, address)
            raise


class OfficeFiguresForm(forms.Form):
    """The office's IKU figures of step 6 as posted: one field "office-<indicator>-<quarter>"
    for each cell the page sent (a cell not sent is left as it is; an empty one is removed).
    Every cell is read before anything is saved, so one bad cell saves none."""

    PREFIX = "office-"

    def __init__(self, data, *, indicators: dict, quarters):
        super().__init__(data)
        self.cells = {}
        for key in data:
            parts = key.split("-")
            if len(parts) != 3 or parts[0] + "-" != self.PREFIX:
                continue
            indicator = indicators.get(_whole(parts[1]))
            quarter = _whole(parts[2])
            if indicator is None or quarter not in quarters:
                continue
            self.cells[key] = (indicator, quarter)
            self.fields[key] = forms.CharField(required=False, max_length=40, label=f"{indicator.code} TW {quarter}")

    def clean(self):
        values = {}
        for key, (indicator, quarter) in self.cells.items():
            raw = self.cleaned_data.get(key, "")
            try:
                values[(indicator, quarter)] = parse_number(raw)
            except NotANumber:
                self.add_error(key, f"{indicator.code} TW {quarter}: '{raw}' bukan angka.")
        self.cleaned_data["values"] = values
        return self.cleaned_data


def _whole(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None
