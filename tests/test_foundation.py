"""Foundation: fixtures, the SOP as data, sign-in per role, health check, positions over time."""

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kinerja import demo, permissions
from kinerja.models import Organisation, Position, Role, SopStep, SopVersion, User

ROOT = Path(__file__).resolve().parent.parent


def test_sop_fixture_has_nine_steps_with_roles_and_durations(klego):
    version = SopVersion.objects.get(number="050.2.1/343.116.151")
    steps = {s.number: s for s in version.steps.all()}
    assert sorted(steps) == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    expected = {
        1: ("kasubag", 30, "minute"),
        2: ("staf", 1, "day"),
        4: ("kasubag", 5, "minute"),
        5: ("kasubag", 2, "hour"),
        6: ("kasubag", 1, "day"),
        7: ("kasubag", 30, "minute"),
        8: ("sekretaris", 1, "day"),
        9: ("kepala", 1, "day"),
        10: ("kasubag", 1, "week"),
    }
    for number, (role, amount, unit) in expected.items():
        step = steps[number]
        assert (step.actor_role, step.duration_amount, step.duration_unit) == (role, amount, unit), number
    assert steps[5].next_steps == {"lengkap": 6, "tidak_lengkap": 2}
    assert steps[8].next_steps == {"disetujui": 9, "revisi": 7, "revisi_analisis": 6}
    assert steps[10].next_steps == {"selesai": None}
    assert steps[8].outcomes == ["disetujui", "revisi", "revisi_analisis"]
    assert steps[5].outcomes == ["lengkap", "tidak_lengkap"]
    assert steps[1].symbols == {"kepala": "terminator", "sekretaris": "process", "kasubag": "process"}
    assert version.performers == ["kepala", "sekretaris", "kasubag", "staf"]
    assert len(version.legal_basis) == 2 and "Peraturan Bupati Boyolali Nomor 25 Tahun 2018" in version.legal_basis[1]


def test_loading_fixtures_twice_changes_nothing(klego):
    counts = (SopVersion.objects.count(), SopStep.objects.count(), SopStep.history.count())
    demo.load_fixtures()
    assert (SopVersion.objects.count(), SopStep.objects.count(), SopStep.history.count()) == counts


def test_a_second_sop_version_loads_beside_the_first_and_takes_over_on_its_date(klego):
    old = SopVersion.objects.get()
    new = SopVersion.objects.create(
        organisation=klego.org,
        number=old.number,
        year=2027,
        name=old.name,
        unit=old.unit,
        created_date=datetime.date(2027, 1, 5),
        revised_date=datetime.date(2027, 1, 5),
        effective_date=datetime.date(2027, 2, 1),
        performers=old.performers,
    )
    assert SopVersion.objects.filter(organisation=klego.org).count() == 2
    assert SopVersion.objects.in_force_on(klego.org, datetime.date(2027, 1, 31)) == old
    assert SopVersion.objects.in_force_on(klego.org, datetime.date(2027, 2, 1)) == new


def test_seed_demo_twice_changes_nothing(klego):
    from kinerja.models import Cycle, DataMark, PerformanceRecord, StepRun, Submission, TransitionLog

    call_command("seed_demo", stdout=io.StringIO())
    tables = [User, Position, SopStep, Organisation, Cycle, StepRun, TransitionLog, Submission, PerformanceRecord]
    before = [m.objects.count() for m in tables] + [
        User.history.count(),
        Position.history.count(),
        sorted(DataMark.objects.values_list("scope", "value")),
    ]
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    after = [m.objects.count() for m in tables] + [
        User.history.count(),
        Position.history.count(),
        sorted(DataMark.objects.values_list("scope", "value")),
    ]
    assert before == after
    assert "klego-camat-2026" in out.getvalue() and "kasubag" in out.getvalue()


def test_seed_demo_files_the_previous_quarter_through_every_step_on_time(klego):
    from kinerja.models import Cycle, CycleArchive, PerformanceRecord, ReviewNote
    from kinerja.steps import filing

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    filed = Cycle.objects.get(status=Cycle.Status.DONE)
    running = Cycle.objects.get(status=Cycle.Status.RUNNING)
    assert (filed.year, filed.quarter) == demo.previous_period(timezone.localdate())
    assert f"Siklus {filed.period_label} sudah sampai langkah 10" in out.getvalue()
    runs = list(filed.runs.select_related("step"))
    assert {r.step.number for r in runs} == {1, 2, 4, 5, 6, 7, 8, 9, 10}
    assert all(r.closed_at and r.closed_at <= r.due_at and not r.overdue_reason for r in runs)
    assert filed.finished_at < running.started_at
    # The Sekretaris's return is part of the story: step 7 and step 8 ran twice.
    assert sorted(r.step.number for r in runs if r.round == 2) == [7, 8]
    assert ReviewNote.objects.filter(run__cycle=filed).count() == 1
    records = PerformanceRecord.objects.filter(cycle=filed)
    assert records.count() == 14 and not records.filter(capaian=None).exists()
    assert filing.verify(CycleArchive.objects.get(cycle=filed)) == []


@pytest.mark.parametrize(
    "username,heading",
    [
        ("camat", "Camat Klego"),
        ("sekcam", "Sekretaris Kecamatan"),
        ("kasubag", "Kasubag Perencanaan dan Pelaporan"),
        ("staf.pem", "Staf Seksi Pemerintahan"),
        ("staf.trantib", "Staf Seksi Ketenteraman dan Ketertiban Umum"),
        ("admin", "Administrator Sistem Kinerja"),
    ],
)
def test_each_demo_role_logs_in_and_lands_on_its_home_page(client, klego, username, heading):
    response = client.post(
        reverse("login"), {"username": username, "password": demo.demo_password(username)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("kinerja:home")
    content = response.content.decode()
    assert "Tugas saya" in content
    assert heading in content


def test_wrong_password_is_refused_in_indonesian(client, klego):
    response = client.post(reverse("login"), {"username": "camat", "password": "salah"})
    assert response.status_code == 200
    assert "kata sandi" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["kinerja:home", "kinerja:sop_list", "kinerja:cycle_list", "kinerja:statistics"])
def test_anonymous_user_is_redirected_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_healthz_answers_200_with_database_check_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_fails(client, db, monkeypatch):
    from django.db import OperationalError

    from kinerja.views import home

    class DownConnection:
        def cursor(self):
            raise OperationalError("database is down")

    monkeypatch.setattr(home, "connection", DownConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_sop_page_renders_as_the_printed_sop(client, klego):
    client.force_login(klego.staf_pem)
    version = SopVersion.objects.get()
    response = client.get(reverse("kinerja:sop_detail", args=[version.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "050.2.1/343.116.151",
        "Dasar Hukum",
        "Kualifikasi Pelaksana",
        "Keterkaitan",
        "Peralatan/Perlengkapan",
        "Peringatan",
        "Pencatatan dan Pendataan",
        "Mutu Baku",
        "Kelengkapan",
        "Bidang/Seksi",
        "flow-sym-terminator",
        "flow-sym-process",
        "flow-sym-decision",
        "1 minggu",
    ]:
        assert expected in html, expected
    assert html.count('data-step="') == 9


def test_sop_pdf_parses_and_contains_the_sop_number(client, klego):
    client.force_login(klego.kasubag)
    version = SopVersion.objects.get()
    response = client.get(reverse("kinerja:sop_pdf", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "050.2.1/343.116.151" in text
    assert "Pengumpulan dan Pengolahan Data Kinerja".upper() in text
    assert "KECAMATAN KLEGO" in text


def test_sop_pdf_escapes_markup_in_sop_text(client, klego):
    version = SopVersion.objects.get()
    version.warning = 'Data <b>tebal & <img src="/etc/passwd"/>'
    version.save()
    client.force_login(klego.kasubag)
    response = client.get(reverse("kinerja:sop_pdf", args=[version.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "<b>tebal" in text


def test_sop_of_another_organisation_is_not_visible(client, klego):
    from .factories import OrganisationFactory, PositionFactory

    other = OrganisationFactory()
    outsider = PositionFactory(organisation=other, role=Role.KASUBAG).user
    client.force_login(outsider)
    version = SopVersion.objects.get()
    assert client.get(reverse("kinerja:sop_detail", args=[version.pk])).status_code == 404
    assert client.get(reverse("kinerja:sop_pdf", args=[version.pk])).status_code == 404


def test_role_handed_to_new_person_keeps_old_holder_on_record(klego):
    old_holder = klego.kasubag
    old = Position.objects.get(user=old_holder, role=Role.KASUBAG)
    new_holder = User.objects.create(username="kasubag.baru", first_name="Kasubag Baru")
    old.end_date = datetime.date(2026, 6, 30)
    old.save()
    Position.objects.create(
        user=new_holder,
        organisation=klego.org,
        section=old.section,
        role=Role.KASUBAG,
        title=old.title,
        start_date=datetime.date(2026, 7, 1),
    )
    june, july = datetime.date(2026, 6, 15), datetime.date(2026, 7, 15)
    assert permissions.holders(klego.org, Role.KASUBAG, on=june) == [old_holder]
    assert permissions.holders(klego.org, Role.KASUBAG, on=july) == [new_holder]
    assert Role.KASUBAG in permissions.roles_in(old_holder, klego.org, on=june)
    assert Role.KASUBAG not in permissions.roles_in(old_holder, klego.org, on=july)
    # The history shows the old position open, then closed.
    ends = [h.end_date for h in old.history.order_by("history_date")]
    assert ends == [None, datetime.date(2026, 6, 30)]


def test_migrations_are_complete(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "a-long-production-secret-key-" + "k8Zq2pLm9XvB7nRt4Ws6" * 2,
        "ALLOWED_HOSTS": "kinerja.klego.boyolali.go.id",
        "DATABASE_URL": "sqlite:////tmp/check-deploy.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_yes_no_setting_that_is_neither_stops_the_start_up():
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, "BEHIND_PROXY": "ture"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "BEHIND_PROXY='ture' is not a yes/no value" in result.stderr


def test_every_static_asset_is_local():
    templates = list((ROOT / "templates").rglob("*.html"))
    assert templates
    for template in templates:
        content = template.read_text()
        assert "cdn" not in content.lower(), template
        assert not re.search(r"""(src|href)=["']https?://""", content), template
    assert (ROOT / "static/vendor/bootstrap/LICENSE").exists()


def test_a_sentence_ending_in_a_title_or_a_full_stop_gets_no_second_one():
    from kinerja.wording import sentence

    assert sentence("Sri Lestari, S.Sos.") == "Sri Lestari, S.Sos."
    assert sentence("Dwi Rahmawati") == "Dwi Rahmawati."
    assert sentence("Agus Setiawan, S.E.  ") == "Agus Setiawan, S.E."
    assert sentence("Sudah?") == "Sudah?"
