"""The kabupaten's SAKIP coordinators: every kecamatan's cycle of a period side by side, each IKU's
capaian across kecamatan with its median and range, the step times, their Excel exports; read
only, their own kabupaten only; no kecamatan administrator reaches their accounts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from infra import twofactor
from kinerja import kabupaten as oversight
from kinerja.models import (
    Coordinator,
    Cycle,
    Indicator,
    Kabupaten,
    Organisation,
    PerformanceRecord,
    Role,
    Section,
    SopStep,
    SopVersion,
    StepRun,
)
from kinerja.steps import filing

from .conftest import MONDAY, count_queries, open_runs, start
from .factories import LetterFactory, OrganisationFactory, PositionFactory, SectionFactory, coordinator_of

WIB = datetime.timezone(datetime.timedelta(hours=7))
NAME = "Persentase desa dengan dokumen perencanaan tepat waktu"


@pytest.fixture
def boyolali(klego_data):
    """Klego's kabupaten (from the organisation fixture)."""
    assert klego_data.org.kabupaten.name == "Pemerintah Kabupaten Boyolali"
    return klego_data.org.kabupaten


@pytest.fixture
def coordinator(boyolali):
    return coordinator_of(kabupaten=boyolali)


def kecamatan(kabupaten, name: str) -> Organisation:
    return OrganisationFactory(code=name.lower(), name=name, kabupaten=kabupaten)


def filed_cycle(organisation, *, year=2026, quarter=3, status=Cycle.Status.DONE) -> Cycle:
    user = PositionFactory(organisation=organisation, role=Role.KASUBAG).user
    return Cycle.objects.create(
        organisation=organisation, sop_version=SopVersion.objects.order_by("pk").first(),
        letter=LetterFactory(organisation=organisation, registered_by=user), year=year, quarter=quarter or None,
        status=status, started_by=user, started_at=MONDAY, finished_at=MONDAY if status != "berjalan" else None,
    )  # fmt: skip


def filed(organisation, code, capaian, *, name=NAME, unit="%", year=2026, quarter=3, cycle=None):
    """One filed IKU record of the organisation for the period, with this capaian."""
    section = Section.objects.filter(organisation=organisation).first() or SectionFactory(organisation=organisation)
    indicator, _ = Indicator.objects.get_or_create(
        organisation=organisation, code=code, defaults={"name": name, "unit": unit, "section": section, "is_iku": True}
    )
    cycle = cycle or filed_cycle(organisation, year=year, quarter=quarter)
    return PerformanceRecord.objects.create(
        organisation=organisation, cycle=cycle, indicator=indicator, year=year, quarter=quarter or None, code=code,
        name=name, unit=unit, is_iku=True, target=Decimal(100), realisation=capaian,
        capaian=None if capaian is None else Decimal(capaian), filed_by=cycle.started_by, filed_at=MONDAY,
    )  # fmt: skip


def page(client, user, name, **query):
    client.force_login(user)
    response = client.get(reverse(f"kinerja:{name}"), query)
    assert response.status_code == 200
    return response.content.decode()


# Capaian per IKU across kecamatan ----------------------------------------------------------------


@pytest.fixture
def three_filed(boyolali):
    """Andong 80, Banyudono 95,50, Cepogo 110,25 for IKU-01 TW III 2026; Klego filed nothing; a
    kecamatan of another kabupaten filed 10."""
    for name, value in (("Andong", "80"), ("Banyudono", "95.50"), ("Cepogo", "110.25")):
        filed(kecamatan(boyolali, name), "IKU-01", value)
    other = Kabupaten.objects.create(code="klaten", name="Pemerintah Kabupaten Klaten")
    filed(kecamatan(other, "Bayat"), "IKU-01", "10")


def test_each_iku_is_compared_across_the_kecamatan_with_its_median_and_range(three_filed, boyolali):
    (comparison,) = oversight.iku_comparison(boyolali, 2026, 3)
    assert (comparison.code, comparison.unit) == ("IKU-01", "%")
    assert [(v.name, v.capaian, v.state) for v in comparison.values] == [
        ("Andong", Decimal("80.00"), ""),
        ("Banyudono", Decimal("95.50"), ""),
        ("Cepogo", Decimal("110.25"), ""),
        ("Kecamatan Klego", None, "belum diarsipkan"),
    ]
    assert comparison.count == 3
    assert (comparison.median, comparison.minimum, comparison.maximum, comparison.spread) == (
        Decimal("95.50"), Decimal("80.00"), Decimal("110.25"), Decimal("30.25"),
    )  # fmt: skip


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values(boyolali):
    for name, value in (("Andong", "80"), ("Banyudono", "90"), ("Cepogo", "95.25"), ("Juwangi", "100")):
        filed(kecamatan(boyolali, name), "IKU-01", value)
    (comparison,) = oversight.iku_comparison(boyolali, 2026, 3)
    assert comparison.median == Decimal("92.63")  # (90 + 95.25) / 2 = 92.625, rounded half up


def test_the_capaian_page_shows_the_summary_the_bars_and_who_has_not_filed(client, three_filed, coordinator):
    html = page(client, coordinator, "kabupaten_capaian")
    assert "TW III 2026" in html
    assert "Median <strong>95,50%</strong> · terendah 80,00% · tertinggi 110,25% · rentang 30,25 poin" in html
    assert "3 dari 4 kecamatan" in html
    assert "Kecamatan Klego (belum diarsipkan)" in html
    assert "Bayat" not in html and "10,00%" not in html  # another kabupaten's kecamatan


def test_sorting_by_capaian_orders_the_kecamatan_and_keeps_the_period(client, three_filed, coordinator):
    html = page(client, coordinator, "kabupaten_capaian", periode="2026-3", urut="capaian")
    bars = html[html.index('data-testid="capaian-iku"') :]
    assert bars.index("Cepogo") < bars.index("Banyudono") < bars.index("Andong")
    assert "periode=2026-3&amp;urut=capaian-naik" in html  # the other orders keep the period
    html = page(client, coordinator, "kabupaten_capaian", periode="2026-3", urut="capaian-naik")
    bars = html[html.index('data-testid="capaian-iku"') :]
    assert bars.index("Andong") < bars.index("Banyudono") < bars.index("Cepogo")


def test_an_amended_capaian_is_compared_after_its_latest_amendment(klego_data, three_filed, boyolali):
    record = filed(klego_data.org, "IKU-01", "50")
    filing.amend(record, by=klego_data.kasubag, field="capaian", raw="99", reason="Salah hitung", approver="Camat")
    (comparison,) = oversight.iku_comparison(boyolali, 2026, 3)
    assert [v.capaian for v in comparison.values if v.name == "Kecamatan Klego"] == [Decimal("99.00")]
    assert comparison.median == Decimal("97.25")  # 80, 95,50, 99, 110,25


def test_only_records_of_the_chosen_period_are_compared(boyolali):
    andong = kecamatan(boyolali, "Andong")
    filed(andong, "IKU-01", "70", quarter=3)
    filed(andong, "IKU-01", "88", quarter=None)  # the year's own record
    assert [v.capaian for v in oversight.iku_comparison(boyolali, 2026, 3)[0].values][0] == Decimal("70.00")
    assert [v.capaian for v in oversight.iku_comparison(boyolali, 2026, 0)[0].values][0] == Decimal("88.00")
    assert oversight.periods(boyolali, PerformanceRecord) == [(2026, 0), (2026, 3)]


def test_a_code_that_names_another_indicator_elsewhere_is_not_merged(boyolali):
    filed(kecamatan(boyolali, "Andong"), "IKU-01", "80")
    filed(
        kecamatan(boyolali, "Banyudono"),
        "iku-01",
        "90",
        name="  persentase desa dengan dokumen  perencanaan tepat waktu",
    )
    filed(kecamatan(boyolali, "Cepogo"), "IKU-01", "60", name="Indeks kepuasan masyarakat", unit="indeks")
    comparisons = oversight.iku_comparison(boyolali, 2026, 3)
    assert [(c.name, c.count, c.median) for c in comparisons] == [
        ("Indeks kepuasan masyarakat", 1, Decimal("60.00")),
        (NAME, 2, Decimal("85.00")),  # the same name, written with other spaces and case: one indicator
    ]
    assert all("dipakai untuk 2 indikator berbeda" in c.notes[0] for c in comparisons)


def test_an_iku_whose_unit_is_written_another_way_is_one_indicator(boyolali):
    """ "%" and "Persen" are one unit, as an upload reads them (importer.unit_key); "indeks" is not."""
    filed(kecamatan(boyolali, "Andong"), "IKU-01", "80", unit="%")
    filed(kecamatan(boyolali, "Banyudono"), "IKU-01", "90", unit="Persen")
    (comparison,) = oversight.iku_comparison(boyolali, 2026, 3)
    assert (comparison.unit, comparison.count, comparison.median) == ("%", 2, Decimal("85.00"))


def test_a_kecamatan_that_filed_an_iku_twice_for_the_period_is_named_and_left_out(boyolali):
    andong = kecamatan(boyolali, "Andong")
    filed(andong, "IKU-01", "80")
    filed(andong, "IKU-01", "95")  # a second cycle of the same period, filed again
    filed(kecamatan(boyolali, "Banyudono"), "IKU-01", "70")
    (comparison,) = oversight.iku_comparison(boyolali, 2026, 3)
    assert [(v.name, v.capaian, v.state) for v in comparison.values][0] == ("Andong", None, "diarsipkan 2 kali")
    assert comparison.median == Decimal("70.00") and comparison.count == 1
    assert comparison.notes == [
        "Andong mengarsipkan indikator ini lebih dari sekali untuk periode ini: tidak dihitung dalam median. "
        "Periksa data base kecamatan itu."
    ]


def test_a_record_without_a_capaian_number_is_shown_and_not_counted(boyolali):
    filed(kecamatan(boyolali, "Andong"), "IKU-01", None)
    filed(kecamatan(boyolali, "Banyudono"), "IKU-01", "75")
    (comparison,) = oversight.iku_comparison(boyolali, 2026, 3)
    assert comparison.values[0].state == "tanpa angka capaian" and comparison.median == Decimal("75.00")


def test_the_capaian_export_has_a_column_per_kecamatan_and_the_summary(client, three_filed, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("kinerja:kabupaten_capaian"), {"periode": "2026-3", "unduh": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="capaian-iku-kecamatan-2026-3.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(min_row=4, max_row=5, values_only=True)]
    assert rows[0] == [
        "Kode", "Indikator", "Satuan", "Andong", "Banyudono", "Cepogo", "Kecamatan Klego", "Jumlah kecamatan",
        "Median", "Terendah", "Tertinggi", "Rentang",
    ]  # fmt: skip
    assert rows[1] == ["IKU-01", NAME, "%", 80, 95.5, 110.25, "belum diarsipkan", 3, 95.5, 80, 110.25, 30.25]


# Every kecamatan's cycle of a period --------------------------------------------------------------


def test_the_overview_shows_each_kecamatan_its_step_and_who_is_late_since_when(client, klego_data, coordinator):
    boyolali = klego_data.org.kabupaten
    cycle = start(klego_data, quarter=3)  # opened on 2 November 2026: its first step is long overdue
    (run,) = open_runs(cycle)
    filed(kecamatan(boyolali, "Andong"), "IKU-01", "80")  # a finished cycle of TW III 2026
    kecamatan(boyolali, "Banyudono")
    html = page(client, coordinator, "kabupaten", periode="2026-3")
    rows = html.split('data-testid="overview-row"')[1:]
    assert [r[r.index("<th") : r.index("</th>")].split(">")[1] for r in rows] == [
        "Andong", "Banyudono", "Kecamatan Klego",
    ]  # fmt: skip
    assert "Selesai" in rows[0] and "02-11-2026 08:00" in rows[0]
    assert "Belum dimulai" in rows[1]
    due = timezone.localtime(run.due_at).strftime("%d-%m-%Y %H:%M")
    assert "Berjalan" in rows[2]
    # Step 1 closes when the Kasubag receives the disposition: the Kasubag's turn.
    assert (
        f"Langkah 1 Disposisi surat · Kasubag Perencanaan dan Pelaporan: Agus Setiawan, S.E. · sejak {due}" in rows[2]
    )
    assert "3 kecamatan · 1 dengan langkah terlambat" in html


def test_a_late_step_of_a_vacant_post_says_so(klego_data, boyolali):
    cycle = start(klego_data, quarter=3)
    klego_data.kasubag.is_active = False  # the only Kasubag's account closed: nobody holds the step
    klego_data.kasubag.save()
    (line,) = oversight.cycle_overview(boyolali, 2026, 3, now=cycle.started_at + datetime.timedelta(days=30))
    assert [(late.role, late.holders) for late in line.late] == [
        ("Kasubag Perencanaan dan Pelaporan", "jabatan kosong")
    ]


def test_a_running_cycle_is_shown_before_a_cancelled_one_of_the_same_period(boyolali):
    andong = kecamatan(boyolali, "Andong")
    filed_cycle(andong, status=Cycle.Status.CANCELLED)
    running = filed_cycle(andong, status=Cycle.Status.RUNNING)
    andong_line, klego_line = oversight.cycle_overview(boyolali, 2026, 3)
    assert (andong_line.cycle_pk, andong_line.status, andong_line.other_cycles) == (running.pk, "Berjalan", 1)
    assert (klego_line.cycle_pk, klego_line.status) == (None, "Belum dimulai")


# Step times across kecamatan ----------------------------------------------------------------------


def closed_run(cycle, number, minutes, *, late=False):
    step = SopStep.objects.get(version=cycle.sop_version, number=number)
    opened = MONDAY
    due = opened + datetime.timedelta(hours=1)
    closed = due + datetime.timedelta(minutes=5) if late else due - datetime.timedelta(minutes=5)
    return StepRun.objects.create(
        cycle=cycle, step=step, opened_at=opened, due_at=due, target_minutes=60, closed_at=closed,
        actual_minutes=minutes, outcome="selesai",
    )  # fmt: skip


def test_step_times_are_given_per_kecamatan_and_over_the_kabupaten(client, boyolali, coordinator):
    andong = filed_cycle(kecamatan(boyolali, "Andong"))
    closed_run(andong, 1, 60)
    closed_run(andong, 1, 120)
    cepogo = filed_cycle(kecamatan(boyolali, "Cepogo"))
    closed_run(cepogo, 1, 30, late=True)
    closed_run(cepogo, 4, 45)
    times = oversight.step_times(boyolali)
    assert [(s.number, s.median_minutes, s.late_count, s.count) for s in times.steps] == [(1, 60, 1, 3), (4, 45, 0, 1)]
    cells = {name: [(c.median_minutes, c.late_count) if c else None for c in row] for name, row in times.rows}
    assert cells == {"Andong": [(90, 0), None], "Cepogo": [(30, 1), (45, 0)], "Kecamatan Klego": [None, None]}
    html = page(client, coordinator, "kabupaten_steps")
    assert "1/3 terlambat" in html and "Seluruh kabupaten" in html
    assert oversight.step_times(boyolali, year=2025).steps == []


def test_the_step_times_export_names_each_step(client, boyolali, coordinator):
    closed_run(filed_cycle(kecamatan(boyolali, "Andong")), 1, 60)
    client.force_login(coordinator)
    response = client.get(reverse("kinerja:kabupaten_steps"), {"unduh": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(min_row=4, max_row=7, values_only=True)]
    assert rows[0] == ["Kecamatan", "Langkah 1 median (menit)", "Langkah 1 terlambat"]
    assert rows[1] == ["Andong", 60, 0]
    assert rows[2] == ["Kecamatan Klego", "—", "—"]
    assert rows[3] == ["Seluruh kabupaten", 60, 0]


def test_the_overview_export_lists_each_kecamatan(client, klego_data, coordinator):
    start(klego_data, quarter=3)
    client.force_login(coordinator)
    response = client.get(reverse("kinerja:kabupaten"), {"periode": "2026-3", "unduh": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, line = (list(r) for r in sheet.iter_rows(min_row=4, max_row=5, values_only=True))
    assert header == ["Kecamatan", "Status", "Langkah terbuka", "Selesai", "Terlambat"]
    assert (
        line[:2] == ["Kecamatan Klego", "Berjalan"]
        and "Langkah 1 Disposisi surat: Kasubag Perencanaan dan Pelaporan (Agus Setiawan, S.E.), terlambat sejak"
        in line[4]
    )


# Queries -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kabupaten", "kabupaten_capaian", "kabupaten_steps"])
def test_each_kabupaten_page_runs_as_many_queries_for_five_kecamatan_as_for_two(client, boyolali, coordinator, name):
    def add(label):
        organisation = kecamatan(boyolali, label)
        cycle = filed_cycle(organisation, status=Cycle.Status.RUNNING)
        closed_run(cycle, 1, 60, late=True)
        StepRun.objects.create(
            cycle=cycle, step=SopStep.objects.get(version=cycle.sop_version, number=4), opened_at=MONDAY,
            due_at=MONDAY, target_minutes=60,
        )  # fmt: skip
        PositionFactory(organisation=organisation, role=Role.KASUBAG)
        filed(organisation, "IKU-01", "80", cycle=filed_cycle(organisation))
        filed(organisation, "IKU-02", "90", cycle=filed_cycle(organisation, quarter=None), quarter=None)

    add("Andong")
    url = reverse(f"kinerja:{name}")
    client.force_login(coordinator)
    few = count_queries(client, url)
    for label in ("Banyudono", "Cepogo", "Juwangi"):
        add(label)
    assert count_queries(client, url) == few
    assert few <= 14, few


def test_a_kept_kabupaten_page_shows_a_change_in_any_of_its_kecamatan_at_once(client, boyolali, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    andong = kecamatan(boyolali, "Andong")
    record = filed(andong, "IKU-01", "80")
    url = reverse("kinerja:kabupaten_capaian")
    client.force_login(coordinator)
    assert "80,00%" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as repeat:
        assert "80,00%" in client.get(url).content.decode()
    kasubag = PositionFactory(organisation=andong, role=Role.KASUBAG).user
    filing.amend(record, by=kasubag, field="capaian", raw="91", reason="Salah hitung", approver="Camat")
    with CaptureQueriesContext(connection) as changed:
        html = client.get(url).content.decode()
    assert "91,00%" in html and "80,00%" not in html
    assert len(repeat) < len(changed)  # the repeat view was kept; the change made it anew


# Who reads what --------------------------------------------------------------------------------------


def test_a_coordinator_of_another_kabupaten_sees_only_their_own(client, klego_data, three_filed, boyolali):
    klaten_coordinator = coordinator_of(kabupaten=Kabupaten.objects.get(code="klaten"))
    html = page(client, klaten_coordinator, "kabupaten_capaian")
    assert "Bayat" in html and "Andong" not in html and "Kecamatan Klego" not in html
    for name in ("kabupaten", "kabupaten_capaian", "kabupaten_steps"):
        assert client.get(reverse(f"kinerja:{name}"), {"kabupaten": "boyolali"}).status_code == 404
        assert client.get(reverse(f"kinerja:{name}"), {"kabupaten": "tidak-ada"}).status_code == 404


def test_a_coordinator_of_two_kabupaten_chooses_between_them(client, three_filed, boyolali, coordinator):
    Coordinator.objects.create(
        user=coordinator, kabupaten=Kabupaten.objects.get(code="klaten"), unit="inspektorat", title="Auditor",
        start_date=datetime.date(2025, 1, 2),
    )  # fmt: skip
    assert "Bayat" in page(client, coordinator, "kabupaten_capaian", kabupaten="klaten")
    html = page(client, coordinator, "kabupaten_capaian", kabupaten="boyolali")
    assert "Andong" in html and "Bayat" not in html and 'name="kabupaten"' in html


def test_a_coordinator_whose_post_ended_reads_nothing(client, boyolali):
    ended = coordinator_of(kabupaten=boyolali, end_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(ended)
    for name in ("kabupaten", "kabupaten_capaian", "kabupaten_steps"):
        assert client.get(reverse(f"kinerja:{name}")).status_code == 403
    assert not twofactor.required_for(ended)


def test_the_kabupaten_pages_take_no_post(client, coordinator):
    client.force_login(coordinator)
    for name in ("kabupaten", "kabupaten_capaian", "kabupaten_steps"):
        assert client.post(reverse(f"kinerja:{name}")).status_code == 405


def test_a_coordinator_sees_no_kecamatan_data_on_the_kecamatan_pages(client, klego_data, coordinator):
    """The lists a coordinator may open (they hold no kecamatan position) are empty, Klego's
    running cycle and its letter included."""
    cycle = start(klego_data, quarter=3)
    client.force_login(coordinator)
    for name in ("cycle_list", "letter_list", "sop_list"):
        html = client.get(reverse(f"kinerja:{name}")).content.decode()
        assert cycle.letter.number not in html and cycle.period_label not in html and "Kecamatan Klego" not in html


def test_a_coordinator_goes_home_to_the_kabupaten_and_has_its_menu(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("kinerja:home"))
    assert response.status_code == 302 and response.url == reverse("kinerja:kabupaten")
    html = client.get(response.url).content.decode()
    assert 'data-testid="menu-kabupaten"' in html and ">Tugas saya<" not in html
    footer = html.split("<footer", 1)[1]
    assert "Pemerintah Kabupaten Boyolali · koordinator SAKIP" in footer and "Sistem Kinerja Kecamatan" not in footer


def test_kecamatan_staff_have_no_kabupaten_menu(client, klego_data, coordinator):
    client.force_login(klego_data.kasubag)
    html = client.get(reverse("kinerja:home")).content.decode()
    assert "menu-kabupaten" not in html and ">Tugas saya<" in html


def test_coordinators_must_use_a_second_factor(coordinator):
    assert twofactor.required_for(coordinator)


# The admin and the audit trail ------------------------------------------------------------------------


def test_a_kecamatan_administrator_cannot_reach_a_coordinators_account(client, klego_data, coordinator):
    admin_user = klego_data.admin
    client.force_login(admin_user)
    change = reverse("admin:kinerja_user_change", args=[coordinator.pk])
    response = client.get(change)
    assert response.status_code == 302 and response.url == reverse("admin:index")  # "does not exist"
    password = reverse("admin:auth_user_password_change", args=[coordinator.pk])
    client.post(password, {"password1": "diambil-alih-2026", "password2": "diambil-alih-2026"})
    coordinator.refresh_from_db()
    assert not coordinator.check_password("diambil-alih-2026")
    users = client.get(reverse("admin:kinerja_user_changelist")).content.decode()
    assert coordinator.username not in users
    role = Coordinator.objects.get(user=coordinator)
    for model, pk in (("coordinator", role.pk), ("kabupaten", role.kabupaten_id)):
        assert client.get(reverse(f"admin:kinerja_{model}_changelist")).status_code == 403
        for page in ("change", "history", "delete"):
            assert client.get(reverse(f"admin:kinerja_{model}_{page}", args=[pk])).status_code == 403, (model, page)
        assert client.post(reverse(f"admin:kinerja_{model}_delete", args=[pk]), {"post": "yes"}).status_code == 403
    assert Coordinator.objects.filter(pk=role.pk).exists()


def test_only_the_superuser_moves_a_kecamatan_to_another_kabupaten(klego_data, boyolali):
    from kinerja.models import User

    model_admin = admin.site._registry[Organisation]
    request = RequestFactory().get("/")
    request.user = klego_data.admin
    assert "kabupaten" not in model_admin.get_form(request, klego_data.org).base_fields
    request.user = User.objects.create_superuser("super", "super@example.id", "rahasia-uji-123")
    assert "kabupaten" in model_admin.get_form(request, klego_data.org).base_fields


def test_a_kecamatan_audit_trail_leaves_out_the_kabupatens_coordinators(client, klego_data, coordinator):
    klego_data.org.phone = "(0276) 123456"
    klego_data.org.save()  # a change of Klego's own, after the coordinator was made
    client.force_login(klego_data.admin)
    html = client.get(reverse("kinerja:audit")).content.decode()
    assert "organisasi (PD)" in html
    assert "koordinator SAKIP" not in html and "Analis Bagian Organisasi" not in html


def test_the_demo_has_a_kabupaten_and_a_coordinator_who_reads_klego(client, db):
    from kinerja import demo

    organisation, _users, _cycle, _filed = demo.seed()
    user, password, coordinator = demo.ensure_kabupaten(organisation)
    assert organisation.kabupaten.name == "Pemerintah Kabupaten Boyolali"
    assert (user.username, password) == ("koordinator.kab", "klego-koordinator-kab-2026")
    assert client.login(username=user.username, password=password)
    html = client.get(reverse("kinerja:kabupaten_capaian")).content.decode()
    assert "Kecamatan Klego" in html and "IKU-01" in html


def test_no_kabupaten_page_fails_on_junk_parameters(client, three_filed, coordinator):
    """Whatever the query string holds, each page answers with a page or a refusal, never an error;
    a period that does not parse falls back to the latest one."""
    from .test_access_matrix import JUNK, JUNK_HUGE

    client.force_login(coordinator)
    client.raise_request_exception = False
    junk = [JUNK, JUNK_HUGE, {"periode": "2026-9"}, {"periode": "abc-def"}, {"periode": "9" * 25 + "-1"},
            {"urut": "<script>"}, {"tahun": "-1"}, {"unduh": "xlsx", "periode": "1999-1"}]  # fmt: skip
    for name in ("kabupaten", "kabupaten_capaian", "kabupaten_steps"):
        for query in junk:
            response = client.get(reverse(f"kinerja:{name}"), query)
            assert response.status_code in (200, 404), (name, query, response.status_code)
    html = client.get(reverse("kinerja:kabupaten_capaian"), {"periode": "abc-def"}).content.decode()
    assert "TW III 2026" in html  # the latest period with data
