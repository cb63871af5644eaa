"""Return notes where the work is done (issue 18): the Sekretaris's or the Camat's notes appear on
the analysis and grouping pages of the round they caused and in Tugas saya; a section sent back
sees why in Tugas saya. Expected sentences written by hand."""

import pytest
from django.urls import reverse

from kinerja.models import Indicator
from kinerja.selectors import inbox
from kinerja.steps import analysis_steps, review

from .conftest import MONDAY, advance, check_completeness, open_runs, start
from .test_analysis_steps import to_step_6

NOTE = "Capaian tidak sesuai register desa"


@pytest.fixture
def step_8(klego_data):
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 8)
    return cycle


def returned_for_analysis(cast, cycle):
    (run,) = open_runs(cycle)
    notes = [
        review.NoteInput(NOTE, indicator=Indicator.objects.get(code="IKU-01"), quarter=4, topic="nilai"),
        review.NoteInput("Lengkapi narasi sasaran"),
    ]
    review.review(run, by=cast.sekcam, outcome="revisi_analisis", notes=notes, overdue_reason="uji", at=MONDAY)


def test_the_analysis_and_grouping_pages_of_the_round_show_the_notes_that_caused_it(client, klego_data, step_8):
    client.force_login(klego_data.kasubag)
    assert (
        'data-testid="return-notes"' not in client.get(reverse("kinerja:analysis", args=[step_8.pk])).content.decode()
    )
    returned_for_analysis(klego_data, step_8)
    page = client.get(reverse("kinerja:analysis", args=[step_8.pk])).content.decode()
    assert 'data-testid="return-notes"' in page
    assert "Dikembalikan oleh Sri Lestari, S.Sos. pada langkah 8 (Pemeriksaan Sekretaris), 02-11-2026 08:00: " \
        "Kembalikan: revisi analisis" in page  # fmt: skip
    assert f"<strong>IKU-01</strong> TW IV · Nilai: {NOTE}" in page and "Umum: Lengkapi narasi sasaran" in page

    (analysis,) = open_runs(step_8)
    analysis_steps.finish_analysis(analysis, by=klego_data.kasubag, overdue_reason="uji", at=MONDAY)
    page = client.get(reverse("kinerja:grouping", args=[step_8.pk])).content.decode()
    assert f"<strong>IKU-01</strong> TW IV · Nilai: {NOTE}" in page  # the grouping of the same round


def test_tugas_saya_says_who_sent_the_work_back_and_why(klego_data, step_8):
    returned_for_analysis(klego_data, step_8)
    (item,) = inbox(klego_data.kasubag, MONDAY)
    assert (
        item.note == f"Dikembalikan oleh Sri Lestari, S.Sos. (langkah 8): IKU-01 TW IV: {NOTE}; Lengkapi narasi sasaran"
    )


def test_a_grouping_returned_by_the_camat_shows_his_notes(client, klego_data, step_8):
    (run,) = open_runs(step_8)
    review.review(run, by=klego_data.sekcam, outcome="disetujui", overdue_reason="uji", at=MONDAY)
    (camat_run,) = open_runs(step_8)
    review.review(camat_run, by=klego_data.camat, outcome="revisi", notes=[review.NoteInput("Urutkan per sasaran")],
                  overdue_reason="uji", at=MONDAY)  # fmt: skip
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:grouping", args=[step_8.pk])).content.decode()
    assert "Dikembalikan oleh Drs. Haryanto Wibowo, M.Si. pada langkah 9 (Pemeriksaan Camat)" in page
    assert "Umum: Urutkan per sasaran" in page


def test_a_section_sent_back_sees_why_in_tugas_saya(klego_data):
    cycle = start(klego_data)
    advance(klego_data, cycle, 5)
    (check,) = open_runs(cycle)
    check_completeness(klego_data, check, incomplete=("pem",))
    (item,) = inbox(klego_data.staf_pem, MONDAY)
    assert item.note == "Dikembalikan oleh Agus Setiawan, S.E. (langkah 5): Seksi Pemerintahan: Realisasi belum diisi"
    assert [i.note for i in inbox(klego_data.staf_trantib, MONDAY)] == []
