"""Forms of the pages. Validation of business rules stays in kinerja.engine.workflow."""

import datetime
from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from infra import throttle

from . import budget, wording
from .measurement import targets
from .models import (
    BudgetItem,
    Cycle,
    DataKind,
    DispositionInstruction,
    Indicator,
    Letter,
    Position,
    Section,
    StrategicObjective,
    User,
)
from .spreadsheets.numbers import NotANumber, OtherUnit, format_number, parse_number


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
        label="Seksi dan subbagian yang menyerahkan data",
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
        units = Section.objects.owing_data(organisation).order_by("order", "name")
        self.fields["sections"].queryset = units
        # Every Seksi by default, as the SOP's step 2 has it; a Subbagian is ticked when it owes data.
        self.fields["sections"].initial = [unit for unit in units if unit.kind == Section.Kind.SEKSI]
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
            self.fields[key] = forms.CharField(
                required=False, max_length=40, label=f"{indicator.code} {wording.quarter(quarter)}"
            )

    def clean(self):
        values = {}
        for key, (indicator, quarter) in self.cells.items():
            raw = self.cleaned_data.get(key, "")
            try:
                values[(indicator, quarter)] = parse_number(raw, unit=indicator.unit)
            except OtherUnit as exc:
                self.add_error(key, f"{indicator.code} {wording.quarter(quarter)}: {exc.sentence(indicator.code)}")
            except NotANumber:
                self.add_error(key, f"{indicator.code} {wording.quarter(quarter)}: '{raw}' bukan angka.")
        self.cleaned_data["values"] = values
        return self.cleaned_data


def _whole(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


# Step pages: each POST is read by one of these, then handed to its step's service ----------------


def _text(label: str, limit: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=limit, strip=True)


class StepCloseForm(forms.Form):
    """Closing a step on its page: the reason for lateness, asked only when the step is late."""

    overdue_reason = _text("Alasan keterlambatan", 2000)


class ReceiptForm(StepCloseForm):
    note = _text("Catatan penerimaan", 2000)


class GroupingForm(StepCloseForm):
    action = forms.ChoiceField(choices=[("make", "Buat laporan"), ("finish", "Selesai")], required=False)
    groupings = forms.MultipleChoiceField(choices=(), required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groupings"].choices = choices


class ReturnToSectionsForm(StepCloseForm):
    """Send named sections back: the sections by code (of this cycle only) and the reason."""

    sections = forms.MultipleChoiceField(choices=(), error_messages={"required": "Pilih seksi yang dikembalikan."})
    reason = _text("Alasan", 4000)

    def __init__(self, *args, cycle_sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_code = {s.code: s for s in cycle_sections}
        self.fields["sections"].choices = [(code, str(s)) for code, s in self.by_code.items()]
        self.fields["sections"].error_messages["invalid_choice"] = "Seksi yang dipilih tidak termasuk dalam siklus ini."

    def clean_sections(self):
        return [self.by_code[code] for code in self.cleaned_data["sections"]]


class CompletenessForm(StepCloseForm):
    """The completeness check of a round: per section, the verdict, the manual items ticked and
    the reasons ("verdict-<section>", "manual-<section>-<item>", "reasons-<section>")."""

    def __init__(self, *args, sections, manual_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections, self.manual_items = sections, manual_items
        for section in sections:
            self.fields[f"verdict-{section.pk}"] = forms.ChoiceField(
                choices=[("lengkap", "Lengkap"), ("tidak", "Tidak lengkap")], required=False
            )
            self.fields[f"reasons-{section.pk}"] = _text(f"Alasan {section}", 2000)
            for index, _label in enumerate(manual_items):
                self.fields[f"manual-{section.pk}-{index}"] = forms.BooleanField(required=False)

    def verdicts(self, verdict) -> dict:
        """{section id: verdict(complete, manual, reasons)} of the sections given a verdict."""
        found = {}
        for section in self.sections:
            chosen = self.cleaned_data.get(f"verdict-{section.pk}")
            if not chosen:
                continue
            manual = [
                {"label": label, "ok": self.cleaned_data.get(f"manual-{section.pk}-{index}", False)}
                for index, label in enumerate(self.manual_items)
            ]
            found[section.pk] = verdict(
                complete=chosen == "lengkap", manual=manual, reasons=self.cleaned_data.get(f"reasons-{section.pk}", "")
            )
        return found


class ReviewNoteForm(forms.Form):
    """One revision note row of the review page (prefix "note-<n>")."""

    text = _text("Catatan", 4000)
    indicator = forms.ModelChoiceField(queryset=None, required=False)
    quarter = forms.TypedChoiceField(
        choices=[("", "—"), ("1", "TW I"), ("2", "TW II"), ("3", "TW III"), ("4", "TW IV")], coerce=int,
        empty_value=None, required=False,
        error_messages={"invalid_choice": "triwulan harus I, II, III atau IV (atau dikosongkan)."},
    )  # fmt: skip
    topic = forms.ChoiceField(choices=(), required=False)

    def __init__(self, *args, indicators, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].error_messages["invalid_choice"] = "indikator itu bukan milik organisasi ini."
        self.fields["topic"].choices = topics


class ReviewForm(StepCloseForm):
    outcome = forms.ChoiceField(choices=(), error_messages={"required": "Pilih keputusan pemeriksaan."})

    def __init__(self, *args, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes
        self.fields["outcome"].error_messages["invalid_choice"] = "Keputusan itu tidak tersedia pada langkah ini."


class ExplainForm(forms.Form):
    key = forms.CharField(max_length=200)
    text = _text("Penjelasan", 4000)
    standing = forms.BooleanField(required=False)  # the page sends "1"


class NarrativeForm(forms.Form):
    """A narrative of an indicator or an objective of the organisation (fields as typed: a field
    not sent is left as it is)."""

    indicator = forms.ModelChoiceField(queryset=None, required=False)
    objective = forms.ModelChoiceField(queryset=None, required=False)
    analysis = forms.CharField(required=False, max_length=20000, strip=False)
    causes = forms.CharField(required=False, max_length=20000, strip=False)
    obstacles = forms.CharField(required=False, max_length=20000, strip=False)
    follow_up = forms.CharField(required=False, max_length=20000, strip=False)

    def __init__(self, data, *, indicators, objectives):
        super().__init__(data)
        self.sent = {name for name in ("analysis", "causes", "obstacles", "follow_up") if name in data}
        self.fields["indicator"].queryset = indicators
        self.fields["objective"].queryset = objectives

    def texts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.sent}


class SectionIndicatorForm(forms.Form):
    """An action of the section page on one of its indicators (by code): "tidak ada data" and
    evidence links."""

    indicator = forms.ModelChoiceField(queryset=None, to_field_name="code", error_messages={
        "required": "Pilih indikator.", "invalid_choice": "Indikator itu bukan milik seksi ini."})  # fmt: skip
    reason = _text("Alasan", 2000)
    url = forms.CharField(required=False, max_length=500, strip=True)
    note = _text("Keterangan", 500)

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = section.indicators.all()


class ReasonForm(forms.Form):
    reason = _text("Alasan", 4000)


class ProfileForm(forms.ModelForm):
    """What a user keeps of their own record: printed under their signature on every document."""

    class Meta:
        model = User
        fields = ["nip", "pangkat"]
        help_texts = {"nip": "18 angka, tanpa spasi atau titik; dicetak di bawah tanda tangan Anda."}

    def clean_nip(self):
        return "".join(self.cleaned_data["nip"].split())


class UploadForm(forms.Form):
    kind = forms.ModelChoiceField(queryset=DataKind.objects.all(), to_field_name="code")
    file = forms.FileField()
    on_behalf = _text("Alasan mengunggah atas nama seksi", 2000)


class HandInForm(StepCloseForm):
    """A section's hand-in: the lateness reason, the reason it is handed in on the section's
    behalf, and after a return, the reason nothing needed changing."""

    on_behalf = _text("Alasan menyerahkan atas nama seksi", 2000)
    unchanged = _text("Alasan tidak ada perubahan", 2000)


class AmendmentForm(forms.Form):
    field = forms.CharField(max_length=40)
    new_value = forms.CharField(max_length=60, required=False, strip=True)
    reason = _text("Alasan", 2000)
    approver = _text("Pejabat yang menyetujui", 200)


class FilingForm(StepCloseForm):
    """The filing page: file the database (closing step 10) or verify the archive."""

    action = forms.ChoiceField(choices=[("file", "Arsipkan"), ("verify", "Periksa arsip")], required=False)


class MasterImportForm(forms.Form):
    file = forms.FileField(required=False)
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False,
                              error_messages={"min_value": "Tahun target harus antara 2000 dan 2100.",
                                              "max_value": "Tahun target harus antara 2000 dan 2100.",
                                              "invalid": "Tahun target harus antara 2000 dan 2100."})  # fmt: skip
    dry_run = forms.BooleanField(required=False)


class CodeForm(forms.Form):
    """A second-factor code (six digits, or a recovery code) and where to go next."""

    code = forms.CharField(max_length=32, required=False, strip=True)
    next = forms.CharField(max_length=500, required=False)


# Master data -------------------------------------------------------------------------------------


class TargetField(forms.CharField):
    """A target as people write it: 85, 85,5, a range 80–90, or a predicate such as BB."""

    def __init__(self, label):
        super().__init__(label=label, required=False, max_length=80, help_text=None)

    def clean(self, value):
        value = super().clean(value)
        try:
            return targets.parse_target(value)
        except targets.NotATarget as exc:
            raise forms.ValidationError(str(exc)) from exc


class IndicatorForm(forms.ModelForm):
    annual = TargetField("Target tahunan")
    q1 = TargetField("Target TW I")
    q2 = TargetField("Target TW II")
    q3 = TargetField("Target TW III")
    q4 = TargetField("Target TW IV")

    class Meta:
        model = Indicator
        fields = [
            "code", "name", "unit", "polarity", "aggregation", "quarter_form", "cascade_rule", "section", "parent",
            "objective",
            "is_iku", "evidence_required", "renstra_target", "definition", "data_source", "active",
        ]  # fmt: skip
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation, self.year = organisation, year
        self.fields["section"].queryset = Section.objects.filter(organisation=organisation)
        parents = Indicator.objects.filter(organisation=organisation)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["objective"].queryset = StrategicObjective.objects.filter(organisation=organisation)
        if self.instance.pk:
            for target in self.instance.targets.filter(year=year):
                key = "annual" if target.quarter is None else f"q{target.quarter}"
                self.fields[key].initial = target.shown  # 85,5 · 80–90 · BB, as the list shows them

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        clash = Indicator.objects.filter(organisation=self.organisation, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Kode ini sudah dipakai indikator lain.")
        return code

    def clean(self):
        """Targets read again with the unit and code of this submission: "85%" is no target for
        an indicator counted in desa (targets.parse_target)."""
        cleaned = super().clean()
        unit, code = cleaned.get("unit") or "", cleaned.get("code") or self.instance.code
        for key in ("annual", "q1", "q2", "q3", "q4"):
            if key in self.errors:
                continue
            try:
                targets.parse_target(self.data.get(self.add_prefix(key)), unit=unit, code=code)
            except targets.NotATarget as exc:
                self.add_error(key, str(exc))
        return cleaned


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = StrategicObjective
        fields = ["code", "name", "order"]

    @classmethod
    def for_post(cls, data, *, organisation) -> "ObjectiveForm":
        """Add an objective, or change the one with this code (codes are kept in capitals)."""
        code = (data.get("code") or "").strip().upper()
        instance = StrategicObjective.objects.filter(organisation=organisation, code=code).first()
        return cls({**data.dict(), "code": code}, instance=instance or StrategicObjective(organisation=organisation))


# Budget ------------------------------------------------------------------------------------------


class MoneyField(forms.CharField):
    """Rupiah as people write it: 1.250.000 or 1.250.000,50 (never negative, at most sen)."""

    def __init__(self, label, *, required=False):
        super().__init__(label=label, required=required, max_length=40)

    def prepare_value(self, value):
        return format_number(value) if isinstance(value, Decimal) else value

    def clean(self, value):
        value = super().clean(value)
        try:
            number = parse_number(value, unit="Rp")
        except OtherUnit as exc:
            raise forms.ValidationError(exc.sentence()) from exc
        except NotANumber as exc:
            raise forms.ValidationError(f"'{value}' bukan angka rupiah (tulis mis. 1.250.000).") from exc
        if number is not None and (number < 0 or number != number.quantize(Decimal("0.01"))):
            raise forms.ValidationError("Rupiah tidak boleh negatif dan paling banyak dua angka di belakang koma.")
        if number is None and self.required:
            raise forms.ValidationError("Wajib diisi (tulis 0 bila tidak ada).")
        return number


class BudgetItemForm(forms.ModelForm):
    """A programme, kegiatan or sub kegiatan entered by hand: its level and parent come from the
    code, as in an import (kinerja.budget)."""

    pagu = MoneyField("Pagu (Rp)", required=True)
    real_q1 = MoneyField("Realisasi TW I (Rp)")
    real_q2 = MoneyField("Realisasi TW II (Rp)")
    real_q3 = MoneyField("Realisasi TW III (Rp)")
    real_q4 = MoneyField("Realisasi TW IV (Rp)")

    class Meta:
        model = BudgetItem
        fields = ["code", "name", "pagu", "real_q1", "real_q2", "real_q3", "real_q4", "indicators"]
        widgets = {"indicators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation, self.year = organisation, year
        self.fields["code"].help_text = budget.CODE_HELP
        self.fields["indicators"].queryset = Indicator.objects.filter(organisation=organisation, active=True)
        self.fields["indicators"].required = False

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).rstrip(".")
        if budget.level_of(code) is None:
            raise forms.ValidationError(f"Kode '{code}' bukan kode {budget.CODE_HELP}.")
        items = BudgetItem.objects.filter(organisation=self.organisation, year=self.year)
        if items.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"Kode {code} sudah ada di anggaran {self.year}.")
        if self.instance.pk and code != self.instance.code and self.instance.children.exists():
            raise forms.ValidationError("Kode ini punya kegiatan di bawahnya; kodenya tidak dapat diubah.")
        parent = budget.parent_code(code)
        if parent:
            self.parent_item = items.filter(code=parent).first()
            if self.parent_item is None:
                raise forms.ValidationError(f"Isi dahulu induknya, {parent}, di anggaran {self.year}.")
        else:
            self.parent_item = None
        return code

    def save(self, commit=True):
        item = super().save(commit=False)
        item.organisation, item.year = self.organisation, self.year
        item.level, item.parent = budget.level_of(item.code), self.parent_item
        item.source = BudgetItem.Source.MANUAL
        if commit:
            item.save()
            self.save_m2m()
        return item


class ReportTextForm(forms.Form):
    """The office's own words in the LKjIP of a year (kinerja.lkjip)."""

    profil = forms.CharField(
        label="Gambaran umum organisasi", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
    tugas_fungsi = forms.CharField(
        label="Tugas pokok dan fungsi", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
    isu_strategis = forms.CharField(
        label="Isu strategis", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    ikhtisar = forms.CharField(
        label="Ikhtisar eksekutif (tambahan di bawah ringkasan angka)",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    penutup = forms.CharField(
        label="Penutup", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
