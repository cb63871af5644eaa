"""Forms of the pages. Validation of business rules stays in kinerja.workflow."""

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from .models import Cycle, Letter, Section


class DateInput(forms.DateInput):
    """The browser's date picker wants ISO dates, whatever the display locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StartCycleForm(forms.Form):
    letter_number = forms.CharField(label="Nomor surat", max_length=120)
    letter_date = forms.DateField(label="Tanggal surat", widget=DateInput())
    letter_sender = forms.CharField(label="Pengirim", max_length=200, initial="Bappeda Kabupaten Boyolali")
    letter_subject = forms.CharField(label="Perihal", max_length=300)
    letter_nature = forms.ChoiceField(label="Sifat surat", choices=Letter.Nature.choices, initial=Letter.Nature.BIASA)
    letter_received = forms.DateField(label="Tanggal diterima", widget=DateInput(), initial=timezone.localdate)
    year = forms.IntegerField(label="Tahun periode", min_value=2000, max_value=2100)
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
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        seksi = Section.objects.filter(organisation=organisation, kind=Section.Kind.SEKSI, active=True)
        self.fields["sections"].queryset = seksi
        self.fields["sections"].initial = list(seksi)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        letter_date, received = data.get("letter_date"), data.get("letter_received")
        if letter_date and received and received < letter_date:
            self.add_error("letter_received", "Tanggal diterima tidak boleh sebelum tanggal surat.")
        if received and received > timezone.localdate() + datetime.timedelta(days=1):
            self.add_error("letter_received", "Tanggal diterima tidak boleh di masa depan.")
        return data


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
    error_messages = {
        "invalid_login": "Nama pengguna atau kata sandi salah. Periksa huruf besar/kecil lalu coba lagi.",
        "inactive": "Akun ini sudah dinonaktifkan. Hubungi administrator.",
    }
