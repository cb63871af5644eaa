"""A summed indicator's quarters written the other way than its master data says, under headers
that do not say which: each quarter's own value where the indicator is filled s.d. triwulan (3, 4,
5, 6 read as running totals: the year 6 of 16, 37,5 %, when it was 18, 112,5 %), or running totals
where it is filled per quarter (5, 11, 18, 24 added up to 58 of 24). Refused as implausible when
the values sit nearer the other form's targets at every quarter from TW II on; the uploader may
confirm them with a reason. A header that says "s.d." is never second-guessed. Demo 2026 targets:
KES-01 s.d. 3 / 7 / 12 / 16 (its own 3 / 4 / 5 / 4)."""

import pytest

from kinerja.models import DataKind, Indicator, Target
from kinerja.steps import submissions

from .conftest import advance, start, workbook_bytes

PLAIN = ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"]
RUNNING = ["Kode", "Realisasi s.d. TW I", "Realisasi s.d. TW II", "Realisasi s.d. TW III", "Realisasi s.d. TW IV"]
CONFIRM = " Periksa angkanya; bila memang benar, pastikan dengan alasannya ('Angka ini memang benar')."


@pytest.fixture
def cycle(klego_data):
    """Klego's TW IV 2026 cycle with step 2 open."""
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    return cycle


def _upload(klego_data, cycle, section, rows):
    return submissions.submit(
        cycle=cycle, section=klego_data.sections[section], kind=DataKind.objects.get(code="realisasi"),
        data=workbook_bytes(rows), filename="data.xlsx", by=klego_data.users[f"staf.{section}"],
    )  # fmt: skip


def test_own_values_of_a_running_indicator_under_plain_headers_are_refused_until_confirmed(klego_data, cycle):
    outcome = _upload(klego_data, cycle, "kesos", [PLAIN, ["KES-01", 3, 4, 5, 6]])
    assert outcome.submission.status == "ditolak"
    assert [(p["cell"], p["message"]) for p in outcome.submission.problems] == [
        (
            "B2",
            "Realisasi KES-01 TW I–IV (3; 4; 5; 6) lebih dekat ke target per triwulan (3; 4; 5; 4) daripada ke target "
            "s.d. triwulan (3; 7; 12; 16), padahal KES-01 diisi s.d. triwulan (kumulatif): tampaknya yang ditulis "
            "nilai per triwulan. Tulis nilai kumulatifnya (s.d. triwulan)." + CONFIRM,
        )
    ]
    confirmed = submissions.confirm_values(
        outcome.submission, reason="Kegiatan baru berjalan TW IV", by=klego_data.staf_kesos
    )
    assert confirmed.submission.status == "diterima"


@pytest.mark.parametrize(
    "header,values",
    [(PLAIN, [3, 7, 12, 16]),  # running, as the master data says
     (PLAIN, [2, 4, 7, 10]),  # running at 60 % of the pace: TW IV is as near one form as the other
     (RUNNING, [3, 4, 5, 6]),  # the header says s.d.: read as written
     (PLAIN, [3, None, None, None])],  # one quarter tells nothing
)  # fmt: skip
def test_values_that_fit_the_indicators_own_form_or_a_header_that_says_it_are_accepted(
    klego_data, cycle, header, values
):
    outcome = _upload(klego_data, cycle, "kesos", [header, ["KES-01", *values]])
    assert outcome.submission.status == "diterima", outcome.submission.problems


def test_running_totals_of_a_per_quarter_indicator_under_plain_headers_are_refused(klego_data, cycle):
    pmd = Indicator.objects.get(code="PMD-01")
    pmd.quarter_form = Indicator.QuarterForm.PER_QUARTER
    pmd.save()
    for quarter, value in zip((1, 2, 3, 4), (5, 6, 7, 6), strict=True):
        Target.objects.filter(indicator=pmd, year=2026, quarter=quarter).update(value=value)
    outcome = _upload(klego_data, cycle, "pmd", [PLAIN, ["PMD-01", 5, 11, 18, 24]])
    assert [p["message"] for p in outcome.submission.problems] == [
        "Realisasi PMD-01 TW I–IV (5; 11; 18; 24) lebih dekat ke target s.d. triwulan (5; 11; 18; 24) daripada ke "
        "target per triwulan (5; 6; 7; 6), padahal PMD-01 diisi per triwulan: tampaknya yang ditulis nilai kumulatif. "
        "Tulis nilai per triwulan, atau beri judul kolom 'Realisasi s.d. TW …'." + CONFIRM
    ]
