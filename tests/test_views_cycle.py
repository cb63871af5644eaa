"""Cycle pages: every view checked for method, access and effect, and for a query count that
does not grow with the data."""

import pytest
from django.urls import reverse

from kinerja.models import Cycle, Role, StepRun

from .conftest import advance, count_queries, open_runs, review_round, start
from .factories import OrganisationFactory, PositionFactory


@pytest.fixture
def outsider(klego):
    """The Kasubag of another kecamatan: may see nothing of Klego."""
    return PositionFactory(organisation=OrganisationFactory(), role=Role.KASUBAG).user


def test_cycle_start_leads_to_the_letter_form_with_a_cycle(client, klego):
    client.force_login(klego.kasubag)
    response = client.get(reverse("kinerja:cycle_start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("kinerja:letter_create") + "?siklus=1"


@pytest.mark.parametrize("username", ["staf.pem", "sekcam", "admin"])
def test_only_kasubag_and_camat_may_start_a_cycle(client, klego, username):
    client.force_login(klego.users[username])
    assert client.get(reverse("kinerja:cycle_start")).status_code == 403


def test_cycle_page_shows_the_timeline_and_whose_move_it_is(client, klego):
    cycle = start(klego)
    advance(klego, cycle, 2)
    client.force_login(klego.sekcam)
    html = client.get(reverse("kinerja:cycle_detail", args=[cycle.pk])).content.decode()
    assert 'data-testid="timeline"' in html
    assert "giliran Staf Seksi" in html
    assert "Seksi Pemerintahan" in html
    assert 'data-testid="actions"' not in html  # nothing for the Sekretaris to do now


def test_cycle_page_shows_buttons_only_to_the_role_whose_move_it_is(client, klego):
    cycle = start(klego)
    advance(klego, cycle, 2)
    client.force_login(klego.staf_pem)
    html = client.get(reverse("kinerja:cycle_detail", args=[cycle.pk])).content.decode()
    assert 'name="run"' not in html
    assert html.count("Buka halaman data seksi") == 1
    assert reverse("kinerja:section_data", args=[cycle.pk, "pem"]) in html


def test_the_cycle_page_button_refuses_a_step_that_closes_on_its_own_page(client, klego):
    cycle = start(klego)
    advance(klego, cycle, 6)
    (run,) = open_runs(cycle)
    client.force_login(klego.kasubag)
    url = reverse("kinerja:cycle_act", args=[cycle.pk])
    data = {"run": run.pk, "outcome": "selesai", "note": "Analisis selesai", "overdue_reason": "rapat"}
    response = client.post(url, data, follow=True)
    run.refresh_from_db()
    assert run.closed_at is None
    assert (
        "Langkah 6 (Menganalisis data kinerja) diselesaikan di halamannya sendiri: buka analisis data kinerja."
        in response.content.decode()
    )


def test_step_1_is_not_closed_by_a_button_but_by_receiving_the_disposition(client, klego):
    cycle = start(klego)
    (run,) = open_runs(cycle)
    client.force_login(klego.kasubag)
    html = client.get(reverse("kinerja:cycle_detail", args=[cycle.pk])).content.decode()
    assert 'name="run"' not in html
    assert reverse("kinerja:letter_detail", args=[cycle.letter_id]) in html
    data = {"run": run.pk, "outcome": "selesai", "overdue_reason": "x"}
    response = client.post(reverse("kinerja:cycle_act", args=[cycle.pk]), data, follow=True)
    assert "diselesaikan di halamannya sendiri: buka surat dan terima disposisi" in response.content.decode()
    assert StepRun.objects.get(pk=run.pk).closed_at is None


def test_act_in_someone_elses_role_is_refused_with_a_message_and_nothing_changes(client, klego):
    cycle = start(klego)
    (run,) = open_runs(cycle)
    client.force_login(klego.staf_pem)
    response = client.post(
        reverse("kinerja:cycle_act", args=[cycle.pk]), {"run": run.pk, "outcome": "selesai"}, follow=True
    )
    assert "hanya dapat diselesaikan oleh Kasubag Perencanaan dan Pelaporan" in response.content.decode()
    assert StepRun.objects.get(pk=run.pk).closed_at is None


def test_act_rejects_get(client, klego):
    cycle = start(klego)
    client.force_login(klego.kasubag)
    assert client.get(reverse("kinerja:cycle_act", args=[cycle.pk])).status_code == 405


def test_act_on_a_run_of_another_cycle_is_404(client, klego):
    first = start(klego, quarter=3)
    second = start(klego, quarter=4)
    (run,) = open_runs(second)
    client.force_login(klego.kasubag)
    response = client.post(reverse("kinerja:cycle_act", args=[first.pk]), {"run": run.pk, "outcome": "selesai"})
    assert response.status_code == 404
    assert StepRun.objects.get(pk=run.pk).closed_at is None


def test_another_organisation_sees_nothing(client, klego, outsider):
    cycle = start(klego)
    (run,) = open_runs(cycle)
    client.force_login(outsider)
    assert client.get(reverse("kinerja:cycle_detail", args=[cycle.pk])).status_code == 404
    assert (
        client.post(reverse("kinerja:cycle_act", args=[cycle.pk]), {"run": run.pk, "outcome": "selesai"}).status_code
        == 404
    )
    assert client.post(reverse("kinerja:cycle_cancel", args=[cycle.pk]), {"reason": "x"}).status_code == 404
    assert "050/" not in client.get(reverse("kinerja:cycle_list")).content.decode()
    assert StepRun.objects.get(pk=run.pk).closed_at is None


def test_camat_cancels_with_a_reason_but_the_kasubag_cannot(client, klego):
    cycle = start(klego)
    client.force_login(klego.kasubag)
    response = client.post(reverse("kinerja:cycle_cancel", args=[cycle.pk]), {"reason": "salah periode"}, follow=True)
    assert "Hanya Camat" in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.RUNNING
    client.force_login(klego.camat)
    assert client.get(reverse("kinerja:cycle_cancel", args=[cycle.pk])).status_code == 405
    client.post(reverse("kinerja:cycle_cancel", args=[cycle.pk]), {"reason": "salah periode"})
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.CANCELLED


def test_inbox_lists_the_users_open_steps_with_deadline(client, klego):
    cycle = start(klego)
    advance(klego, cycle, 2)
    client.force_login(klego.staf_trantib)
    html = client.get(reverse("kinerja:home")).content.decode()
    assert html.count('data-testid="inbox-item"') == 1
    assert "Seksi Ketenteraman dan Ketertiban Umum" in html
    assert "terlambat" in html  # due 3 November 2026, long past
    client.force_login(klego.kasubag)
    assert 'data-testid="inbox-empty"' in client.get(reverse("kinerja:home")).content.decode()


def test_cycle_page_query_count_does_not_grow_with_rounds(client, klego):
    small = start(klego, quarter=3)
    advance(klego, small, 8)
    big = start(klego, quarter=4)
    advance(klego, big, 8)
    for _ in range(3):  # three revision loops add rounds of steps 7 and 8
        (review,) = open_runs(big)
        review_round(klego, review, "revisi", note="perbaiki")
        advance(klego, big, 8)
    client.force_login(klego.kasubag)
    assert count_queries(client, reverse("kinerja:cycle_detail", args=[small.pk])) == count_queries(
        client, reverse("kinerja:cycle_detail", args=[big.pk])
    )


def test_inbox_query_count_does_not_grow_with_cycles(client, klego):
    start(klego, quarter=1)
    client.force_login(klego.kasubag)
    one = count_queries(client, reverse("kinerja:home"))
    for quarter in (2, 3, 4):
        start(klego, quarter=quarter)
    assert count_queries(client, reverse("kinerja:home")) == one


def test_statistics_page_lists_steps(client, klego):
    cycle = start(klego)
    advance(klego, cycle, 4)
    client.force_login(klego.camat)
    html = client.get(reverse("kinerja:statistics")).content.decode()
    assert "Disposisi surat" in html and "Menghimpun data kinerja seksi" in html


def test_pages_name_the_users_own_organisation(client, klego, outsider):
    client.force_login(klego.kasubag)
    page = client.get(reverse("kinerja:home")).content.decode()
    assert "Pemerintah Kabupaten Boyolali · Kecamatan Klego</footer>" in page
    client.force_login(outsider)
    page = client.get(reverse("kinerja:home")).content.decode()
    other = outsider.positions.get().organisation
    assert f"· {other.name}</title>" in page and f"{other.name}</footer>" in page and "Klego" not in page


def test_while_step_1_is_open_the_cycle_page_says_who_holds_the_letter(client, klego):
    from kinerja.steps import dispositions

    cycle = start(klego)
    client.force_login(klego.kasubag)
    url = reverse("kinerja:cycle_detail", args=[cycle.pk])

    def stage():
        page = client.get(url).content.decode()
        return page.split('data-testid="chain-stage">')[1].split("</div>")[0]

    assert stage() == "Menunggu disposisi Camat atas surat ini."
    (first,) = dispositions.dispose(
        cycle.letter, by=klego.camat, recipients=[klego.sekcam], instructions=["Tindak lanjuti"]
    )
    assert stage() == "Camat sudah mendisposisi; menunggu Sekretaris menerimanya."
    dispositions.acknowledge(first, by=klego.sekcam)
    assert stage() == "Sekretaris sudah menerima disposisi Camat; menunggu diteruskan kepada Kasubag."
    dispositions.dispose(cycle.letter, by=klego.sekcam, recipients=[klego.kasubag], parent=first, note="Siapkan")
    assert stage() == "Sekretaris sudah meneruskan disposisi; menunggu Kasubag menerimanya di halaman surat."


def test_step_1_is_the_task_of_whoever_holds_the_letter_on_the_disposition_chain(client, klego):
    """Issue 18: step 1 said "giliran Kasubag" and "Menunggu disposisi Camat" at once, offered the
    Kasubag a disposition to receive when there was none, and the Camat's Tugas saya was empty.
    Now, at each point of the chain, exactly one role has step 1 in Tugas saya, the cycle page
    names that role, and only that role is offered the letter page (with what to do there)."""
    from kinerja.steps import dispositions

    cycle = start(klego)
    users = {"camat": klego.camat, "sekcam": klego.sekcam, "kasubag": klego.kasubag}

    def inbox_notes(name) -> list[str]:
        client.force_login(users[name])
        page = client.get(reverse("kinerja:home")).content.decode()
        return [part.split("</div>")[0] for part in page.split('data-testid="inbox-note">')[1:]]

    def cycle_page(name) -> str:
        client.force_login(users[name])
        return client.get(reverse("kinerja:cycle_detail", args=[cycle.pk])).content.decode()

    def whose_turn(page) -> str:
        return page.split('data-testid="whose-move"')[1].split("</strong>")[1].split("<")[0].strip()

    # The letter waits for the Camat.
    assert inbox_notes("camat") == ["Menunggu disposisi Camat atas surat ini."]
    assert inbox_notes("sekcam") == [] and inbox_notes("kasubag") == []
    page = cycle_page("kasubag")
    assert whose_turn(page) == "— giliran Camat (Kepala)" and "Buka surat dan terima disposisi" not in page
    timeline = page.split('data-testid="timeline"')[1].split("</table>")[0]
    assert "giliran Camat (Kepala)" in timeline and "giliran Kasubag" not in timeline  # one answer per page
    assert "Buka surat dan disposisikan kepada Sekretaris" in cycle_page("camat")

    # Disposed to the Sekretaris: hers until she passes it on.
    (first,) = dispositions.dispose(
        cycle.letter, by=klego.camat, recipients=[klego.sekcam], instructions=["Tindak lanjuti"]
    )
    assert inbox_notes("sekcam") == ["Camat sudah mendisposisi; menunggu Sekretaris menerimanya."]
    assert inbox_notes("camat") == [] and inbox_notes("kasubag") == []
    assert whose_turn(cycle_page("camat")) == "— giliran Sekretaris Kecamatan"
    assert "Buka surat: terima dan teruskan disposisi kepada Kasubag" in cycle_page("sekcam")
    dispositions.acknowledge(first, by=klego.sekcam)

    # Passed on to the Kasubag: his, to receive.
    dispositions.dispose(cycle.letter, by=klego.sekcam, recipients=[klego.kasubag], parent=first, note="Siapkan")
    assert inbox_notes("kasubag") == [
        "Sekretaris sudah meneruskan disposisi; menunggu Kasubag menerimanya di halaman surat."
    ]
    assert inbox_notes("camat") == [] and inbox_notes("sekcam") == []
    page = cycle_page("kasubag")
    assert whose_turn(page) == "— giliran Kasubag Perencanaan dan Pelaporan"
    assert "giliran Kasubag Perencanaan dan Pelaporan" in page.split('data-testid="timeline"')[1]
    assert "Buka surat dan terima disposisi" in page
    assert 'data-testid="actions"' not in cycle_page("sekcam")  # nothing left for her to do here


def test_the_transition_log_names_each_outcome_as_its_step_labels_it(client, klego_data):
    """Step 5 returns Seksi Pemerintahan ("tidak_lengkap" in the SOP's data): the log on the
    cycle page says "Tidak lengkap, kembalikan ke seksi", as the SOP sheet labels it."""
    from .conftest import check_completeness

    cycle = advance(klego_data, start(klego_data), 5)
    (run,) = open_runs(cycle)
    check_completeness(klego_data, run, incomplete=("pem",))
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:cycle_detail", args=[cycle.pk])).content.decode()
    log = page.split('data-testid="transition-log"')[1].split("</table>")[0]
    assert "<td>Tidak lengkap, kembalikan ke seksi</td>" in log and "tidak_lengkap" not in log
