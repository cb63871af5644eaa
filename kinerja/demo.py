"""The demo installation: the Klego organisation, one user per role, the SOP, working hours, the
previous quarter's cycle filed as the performance database, and an open cycle. Used by
`manage.py seed_demo` and by the tests' shared cast."""

from __future__ import annotations

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from . import notices, scenario
from .engine import workflow
from .engine.calendar import DEFAULT_HOURS, WorkCalendar
from .measurement import results
from .models import (
    BudgetItem,
    Coordinator,
    Cycle,
    DataKind,
    Indicator,
    Kabupaten,
    Letter,
    Organisation,
    Position,
    ReviewNote,
    Role,
    Section,
    SopStep,
    SopVersion,
    StepRun,
    StrategicObjective,
    Target,
    User,
    WorkingHours,
    WorkSchedule,
)
from .steps import analysis_steps, dispositions, review, submissions
from .steps.dispositions import ensure_instructions as ensure

Kind = SopStep.Kind
FIXTURES = ["organisation_klego", "sop_050_2_1_343_116_151", "data_kinds"]
ORG_CODE = "klego"
POSITIONS_SINCE = datetime.date(2025, 1, 2)

# username, full name, NIP, role, section code, position title
DEMO_USERS = [
    ("camat", "Drs. Haryanto Wibowo, M.Si.", "196805121994031007", Role.KEPALA, "pimpinan", "Camat Klego"),
    ("sekcam", "Sri Lestari, S.Sos.", "197203081998032004", Role.SEKRETARIS, "sekretariat", "Sekretaris Kecamatan"),
    (
        "kasubag",
        "Agus Setiawan, S.E.",
        "198011172006041012",
        Role.KASUBAG,
        "perencanaan",
        "Kasubag Perencanaan dan Pelaporan",
    ),
    ("staf.pem", "Dwi Rahmawati", "199004022015032001", Role.STAF, "pem", "Staf Seksi Pemerintahan"),
    (
        "staf.trantib",
        "Joko Prasetyo",
        "198807212014031003",
        Role.STAF,
        "trantib",
        "Staf Seksi Ketenteraman dan Ketertiban Umum",
    ),
    ("staf.pmd", "Nur Aini", "199106112019032008", Role.STAF, "pmd", "Staf Seksi Pemberdayaan Masyarakat dan Desa"),
    ("staf.kesos", "Bayu Nugroho", "199203302020121005", Role.STAF, "kesos", "Staf Seksi Kesejahteraan Sosial"),
    ("staf.pelum", "Rina Kurniasih", "198912192015032006", Role.STAF, "pelum", "Staf Seksi Pelayanan Umum"),
    ("admin", "Administrator Sistem", "", Role.ADMIN, "sekretariat", "Administrator Sistem Kinerja"),
]


# Printed under the demo officials' signatures (made up, as their names and NIPs are).
DEMO_PANGKAT = {
    "camat": "Pembina Tk. I, IV/b",
    "sekcam": "Pembina, IV/a",
    "kasubag": "Penata Tk. I, III/d",
}


# The demo SAKIP coordinator of the kabupaten over the demo kecamatan (made up).
COORDINATOR = ("koordinator.kab", "Sri Lestari", "Analis Kebijakan Bagian Organisasi Setda")


def demo_password(username: str) -> str:
    return f"klego-{username.replace('.', '-')}-2026"


def load_fixtures() -> None:
    """Load the organisation and SOP fixtures (natural keys: loading twice changes nothing) and
    give every loaded row its first history record, which loaddata's raw saves skip."""
    call_command("loaddata", *FIXTURES, verbosity=0)
    for model in (Kabupaten, Organisation, Section, SopVersion, SopStep, DataKind):
        missing = [obj for obj in model.objects.all() if not obj.history.exists()]
        if missing:
            model.history.bulk_history_create(missing, default_change_reason="dimuat dari fixture")


def ensure_schedule(organisation: Organisation) -> None:
    if WorkSchedule.objects.filter(organisation=organisation, valid_from__isnull=True).exists():
        return
    schedule = WorkSchedule.objects.create(organisation=organisation, name="Jam kerja bawaan")
    for weekday, (start, end, break_start, break_end) in DEFAULT_HOURS.items():
        WorkingHours.objects.create(
            schedule=schedule,
            weekday=weekday,
            start=datetime.time.fromisoformat(start),
            end=datetime.time.fromisoformat(end),
            break_start=datetime.time.fromisoformat(break_start) if break_start else None,
            break_end=datetime.time.fromisoformat(break_end) if break_end else None,
        )


def ensure_instructions(organisation: Organisation) -> None:
    ensure(organisation)


def ensure_users(organisation: Organisation) -> list[tuple[User, str, Position]]:
    """One user per role, created once; an existing demo user is left exactly as it is."""
    result = []
    for username, full_name, nip, role, section_code, title in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, first_name=full_name, nip=nip, email=f"{username}@klego.example.id",
                pangkat=DEMO_PANGKAT.get(username, ""),
            )  # fmt: skip
            user.set_password(demo_password(username))
            user.is_staff = role == Role.ADMIN  # Klego's administrator: the admin site, for Klego only
            user.save()
        elif role == Role.ADMIN and user.is_superuser:
            # Demo databases made before administrators were scoped had an installation-wide
            # superuser here, with a public password.
            user.is_superuser = False
            user.save()
        section = Section.objects.get(organisation=organisation, code=section_code)
        position = Position.objects.filter(user=user, organisation=organisation, role=role).first()
        if position is None:
            position = Position.objects.create(
                user=user,
                organisation=organisation,
                section=section,
                role=role,
                title=title,
                start_date=POSITIONS_SINCE,
            )
        result.append((user, demo_password(username), position))
    return result


def ensure_kabupaten(organisation: Organisation) -> tuple[User, str, Coordinator]:
    """The demo's SAKIP coordinator of the organisation's kabupaten (from the fixture): reads
    every kecamatan of it and holds no position in any."""
    username, full_name, title = COORDINATOR
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=full_name, email=f"{username}@boyolali.example.id")
        user.set_password(demo_password(username))
        user.save()
    coordinator = Coordinator.objects.filter(user=user).first() or Coordinator.objects.create(
        user=user, kabupaten=organisation.kabupaten, unit=Coordinator.Unit.ORGANISASI, title=title,
        start_date=POSITIONS_SINCE,
    )  # fmt: skip
    return user, demo_password(username), coordinator


def ensure_open_cycle(organisation: Organisation) -> Cycle:
    """An open cycle for the current quarter, started by the Kasubag on a demo letter."""
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    existing = Cycle.objects.filter(organisation=organisation, year=today.year, quarter=quarter).order_by("pk").first()
    if existing:
        return existing
    kasubag = User.objects.get(username="kasubag")
    letter = dispositions.register_letter(
        organisation=organisation,
        by=kasubag,
        number=f"050/{today.year}/BAPPEDA/{quarter:02d}",
        date=today,
        sender="Bappeda Kabupaten Boyolali",
        subject=f"Permintaan laporan kinerja triwulan {quarter} tahun {today.year}",
        nature=Letter.Nature.SEGERA,
        received_date=today,
    )
    return workflow.start_cycle(organisation=organisation, letter=letter, year=today.year, quarter=quarter, by=kasubag)


# code, name, unit, polarity, aggregation, section, parent, objective, IKU, evidence, annual target,
# quarterly targets (Rencana Aksi)
DEMO_OBJECTIVES = [
    ("SS1", "Meningkatnya kualitas penyelenggaraan pemerintahan kecamatan dan desa"),
    ("SS2", "Meningkatnya kualitas pelayanan publik kecamatan"),
    ("SS3", "Meningkatnya keberdayaan dan kesejahteraan masyarakat"),
]
DEMO_INDICATORS = [
    (
        "IKU-01",
        "Persentase desa dengan tata kelola pemerintahan desa kategori baik",
        "%",
        "higher",
        "latest",
        "perencanaan",
        None,
        "SS1",
        True,
        False,
        85,
        (70, 75, 80, 85),
    ),
    (
        "IKU-02",
        "Indeks Kepuasan Masyarakat (IKM) pelayanan kecamatan",
        "nilai",
        "higher",
        "latest",
        "perencanaan",
        None,
        "SS2",
        True,
        False,
        82,
        (80, 80, 82, 82),
    ),
    (
        "IKU-03",
        "Persentase pelanggaran ketenteraman dan ketertiban umum yang ditangani",
        "%",
        "higher",
        "latest",
        "perencanaan",
        None,
        "SS1",
        True,
        False,
        90,
        (90, 90, 90, 90),
    ),
    (
        "IKU-04",
        "Jumlah kegiatan pemberdayaan masyarakat dan kesejahteraan sosial yang terlaksana",
        "kegiatan",
        "higher",
        "sum",
        "perencanaan",
        None,
        "SS3",
        True,
        False,
        40,
        (8, 18, 30, 40),
    ),
    (
        "PEM-01",
        "Jumlah desa yang menyampaikan LPPDes tepat waktu",
        "desa",
        "higher",
        "latest",
        "pem",
        "IKU-01",
        "SS1",
        False,
        True,
        13,
        (13, 13, 13, 13),
    ),
    (
        "PEM-02",
        "Persentase desa yang menetapkan APBDes tepat waktu",
        "%",
        "higher",
        "latest",
        "pem",
        "IKU-01",
        "SS1",
        False,
        False,
        100,
        (100, 100, 100, 100),
    ),
    (
        "TRA-01",
        "Persentase pelanggaran Perda yang ditangani",
        "%",
        "higher",
        "latest",
        "trantib",
        "IKU-03",
        "SS1",
        False,
        False,
        90,
        (90, 90, 90, 90),
    ),
    (
        "TRA-02",
        "Jumlah gangguan ketenteraman dan ketertiban",
        "kejadian",
        "lower",
        "sum",
        "trantib",
        "IKU-03",
        "SS1",
        False,
        False,
        12,
        (3, 6, 9, 12),
    ),
    (
        "PMD-01",
        "Jumlah kegiatan pemberdayaan masyarakat yang difasilitasi",
        "kegiatan",
        "higher",
        "sum",
        "pmd",
        "IKU-04",
        "SS3",
        False,
        True,
        24,
        (5, 11, 18, 24),
    ),
    (
        "PMD-02",
        "Persentase BUMDes yang aktif",
        "%",
        "higher",
        "latest",
        "pmd",
        None,
        "SS3",
        False,
        False,
        77,
        (70, 70, 77, 77),
    ),
    (
        "KES-01",
        "Jumlah kegiatan kesejahteraan sosial yang terlaksana",
        "kegiatan",
        "higher",
        "sum",
        "kesos",
        "IKU-04",
        "SS3",
        False,
        False,
        16,
        (3, 7, 12, 16),
    ),
    (
        "KES-02",
        "Persentase data DTKS yang diverifikasi dan divalidasi",
        "%",
        "higher",
        "latest",
        "kesos",
        None,
        "SS3",
        False,
        False,
        95,
        (25, 50, 75, 95),
    ),
    (
        "PEL-01",
        "Persentase layanan PATEN yang selesai tepat waktu",
        "%",
        "higher",
        "latest",
        "pelum",
        "IKU-02",
        "SS2",
        False,
        False,
        95,
        (95, 95, 95, 95),
    ),
    (
        "PEL-02",
        "Rata-rata waktu penyelesaian layanan administrasi",
        "hari",
        "lower",
        "average",
        "pelum",
        "IKU-02",
        "SS2",
        False,
        False,
        2,
        (2, 2, 2, 2),
    ),
]


def ensure_indicators(organisation: Organisation, years: tuple[int, ...]) -> None:
    """Demo objectives, indicators with their cascade, annual and quarterly targets."""
    objectives = {}
    for order, (code, name) in enumerate(DEMO_OBJECTIVES, 1):
        objectives[code], _ = StrategicObjective.objects.get_or_create(
            organisation=organisation, code=code, defaults={"name": name, "order": order}
        )
    sections = {s.code: s for s in Section.objects.filter(organisation=organisation)}
    indicators = {}
    for row in DEMO_INDICATORS:
        code, name, unit, polarity, aggregation, section, parent, objective, iku, evidence, annual, quarters = row
        indicator = Indicator.objects.filter(organisation=organisation, code=code).first()
        if indicator is None:
            indicator = Indicator.objects.create(
                organisation=organisation,
                code=code,
                name=name,
                unit=unit,
                polarity=polarity,
                aggregation=aggregation,
                section=sections[section],
                parent=indicators.get(parent),
                objective=objectives[objective],
                is_iku=iku,
                evidence_required=evidence,
                # The demo's quarterly targets of summed indicators are running totals (s.d.).
                quarter_form="sd" if aggregation == "sum" else "triwulan",
                # IKU-04 is the sum of PMD-01 and KES-01; the other IKU are measured on their own
                # (their cascade supports them in other units), so they are not reconciled.
                cascade_rule="sum" if aggregation == "sum" else ("none" if iku else "average"),
                definition=f"Definisi operasional {name.lower()}.",
                data_source="Laporan seksi",
            )
        if aggregation == "sum" and indicator.quarter_form != "sd":
            # A demo seeded before the setting existed: its targets were always running totals
            # (rows already read keep the form they were read in, SubmissionRow.running).
            indicator.quarter_form = "sd"
            indicator.save(update_fields=["quarter_form"])
        indicators[code] = indicator
        for year in years:
            if not Target.objects.filter(indicator=indicator, year=year).exists():
                Target.objects.create(indicator=indicator, year=year, quarter=None, value=annual)
                for quarter, value in enumerate(quarters, 1):
                    Target.objects.create(indicator=indicator, year=year, quarter=quarter, value=value)


# How far each section's realisation stands from its quarterly target in the filed demo cycle.
DEMO_REALISATION = {
    "PEM-01": 1.0, "PEM-02": 0.96, "TRA-01": 1.02, "TRA-02": 0.9, "PMD-01": 1.05, "PMD-02": 0.94,
    "KES-01": 0.8, "KES-02": 1.0, "PEL-01": 0.99, "PEL-02": 0.85,
}  # fmt: skip
# What the Kasubag entered as the office's own IKU figure, as a share of the IKU's quarterly
# target, and why it differs from what the sections' indicators add up to.
DEMO_OFFICE = {
    "IKU-01": (0.97, "IKU-01 diukur dari hasil evaluasi tata kelola desa oleh Inspektorat; PEM-01 dan PEM-02 "
                     "adalah indikator pendukung dengan satuan lain, bukan komponen penjumlahnya."),
    "IKU-02": (1.01, "IKU-02 adalah nilai survei IKM; PEL-01 (persen) dan PEL-02 (hari) mendukungnya tetapi "
                     "tidak dirata-rata menjadi nilai IKM."),
    "IKU-03": (1.0, "IKU-03 dihitung dari register penanganan pelanggaran; TRA-02 menghitung kejadian, sehingga "
                    "rata-rata angka seksi tidak sebanding."),
    "IKU-04": (None, ""),  # the sum of PMD-01 and KES-01: the office enters exactly that
}  # fmt: skip


def previous_period(day: datetime.date) -> tuple[int, int]:
    quarter = (day.month - 1) // 3 + 1
    return (day.year, quarter - 1) if quarter > 1 else (day.year - 1, 4)


def _realised(indicator: Indicator, targets: dict, quarter: int, share: float):
    """A quarter's demo realisation: `share` of its Rencana Aksi target. The demo's targets of
    summed indicators are cumulative, so such a quarter realises the step from the one before."""
    target = Decimal(targets[(indicator.pk, quarter)])
    if indicator.aggregation == "sum" and quarter > 1:
        target -= Decimal(targets[(indicator.pk, quarter - 1)])
    places = Decimal("1") if indicator.unit in ("desa", "kegiatan", "kejadian") else Decimal("0.1")
    return (target * Decimal(str(share))).quantize(places, rounding=ROUND_HALF_UP)


def _as_written(indicator: Indicator, own: list) -> list:
    """Quarters' own values as the indicator is written: running totals for an s.d. indicator."""
    if not indicator.written_running:
        return own
    running, total = [], 0
    for value in own:
        total += value
        running.append(total)
    return running


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ensure_filed_cycle(organisation: Organisation) -> Cycle:
    """The quarter before the current one, taken through every step of the SOP by the demo users
    (a return by the Sekretaris included) and filed as the performance database, so the database,
    the dashboard, the statistics and the archive have something to show. Each action is placed
    inside its step's working-time target, a few weeks back."""
    year, quarter = previous_period(timezone.localdate())
    existing = Cycle.objects.filter(organisation=organisation, year=year, quarter=quarter).order_by("pk").first()
    if existing:
        return existing
    users = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in DEMO_USERS])}
    sekcam, kasubag = users["sekcam"], users["kasubag"]
    calendar = WorkCalendar.for_organisation(organisation)
    tz = calendar.tz
    ended = datetime.date(year, quarter * 3, 1) + datetime.timedelta(days=31)
    ended = ended.replace(day=1)  # the first day after the quarter
    begin = datetime.datetime.combine(ended + datetime.timedelta(days=7), datetime.time(7, 30), tzinfo=tz)
    begin = min(begin, timezone.now().astimezone(tz) - datetime.timedelta(days=21))
    begin = calendar.add_working_minutes(begin.replace(hour=7, minute=30, second=0, microsecond=0), 30)

    def within(run: StepRun, share: float) -> datetime.datetime:
        return calendar.add_working_minutes(run.opened_at, max(1, int(run.target_minutes * share)))

    def the_open(cycle: Cycle, kind: str) -> StepRun:
        return StepRun.objects.select_related("step", "section", "cycle").get(
            cycle=cycle, step__kind=kind, closed_at__isnull=True
        )

    letter = dispositions.register_letter(
        organisation=organisation,
        by=kasubag,
        number=f"050/{begin.year}/BAPPEDA/{quarter:02d}",
        date=begin.date(),
        sender="Bappeda Kabupaten Boyolali",
        subject=f"Permintaan laporan kinerja triwulan {quarter} tahun {year}",
        nature=Letter.Nature.SEGERA,
        received_date=begin.date(),
    )
    cycle = workflow.start_cycle(
        organisation=organisation, letter=letter, year=year, quarter=quarter, by=kasubag, at=begin
    )

    # Steps 1 to 5 as the office works them (kinerja.scenario): the disposition down the chain,
    # every section uploads its realisation (with evidence links where the indicator asks for
    # them) and hands in, the receipt is confirmed and every section found complete.
    targets = {
        (t.indicator_id, t.quarter): t.value
        for t in Target.objects.filter(indicator__organisation=organisation, year=year).exclude(value=None)
    }
    quarters = range(1, quarter + 1)

    def at(run: StepRun) -> datetime.datetime:
        share = 0.2 + 0.1 * run.section.order if run.section_id else 0.5
        return within(run, min(share, 0.9))

    def workbook(cycle: Cycle, section: Section, kind: DataKind) -> bytes:
        realisations = [f"Realisasi TW {'I II III IV'.split()[q - 1]}" for q in quarters]
        header = ["Kode", "Indikator", "Target Tahunan", *realisations]
        rows = [
            [i.code, i.name, targets.get((i.pk, None)),
             *_as_written(i, [_realised(i, targets, q, DEMO_REALISATION.get(i.code, 1.0)) for q in quarters])]
            for i in Indicator.objects.filter(organisation=organisation, section=section).order_by("code")
        ]  # fmt: skip
        return _workbook([header, *rows])

    def evidence(run: StepRun, staff: User) -> None:
        for indicator in Indicator.objects.filter(section=run.section, evidence_required=True).order_by("code"):
            submissions.add_evidence(
                cycle=cycle, section=run.section, indicator=indicator, by=staff,
                url=f"https://klego.boyolali.go.id/bukti/{indicator.code.lower()}-tw{quarter}-{year}",
                note="Rekap dan dokumen pendukung",
            )  # fmt: skip

    scenario.take_cycle_to(cycle, Kind.ANALYSIS, at=at, workbook=workbook, on_collection=evidence)

    # Step 6: the office's IKU figures, every difference explained, the narrative per objective.
    by_code = {r.indicator.code: r for r in results.indicator_results(cycle)}
    for code, (share, _why) in DEMO_OFFICE.items():
        indicator = by_code[code].indicator
        children = [r for r in by_code.values() if r.indicator.parent_id == indicator.pk]
        for q in quarters:
            if share is None:
                value = sum((c.realisations.get(q) or Decimal(0) for c in children), Decimal(0))
            else:
                value = _realised(indicator, targets, q, share)
            analysis_steps.set_office_figure(cycle=cycle, indicator=indicator, quarter=q, value=value, by=kasubag)
    for difference in results.differences(cycle):
        analysis_steps.explain(
            cycle=cycle, key=difference.key, text=DEMO_OFFICE[difference.indicator.code][1], by=kasubag
        )
    for objective in StrategicObjective.objects.filter(organisation=organisation):
        analysis_steps.save_narrative(
            cycle=cycle, by=kasubag, objective=objective,
            analysis=f"Capaian sasaran {objective.code} pada triwulan {quarter} sesuai rencana aksi.",
            causes="Koordinasi seksi dengan pemerintah desa berjalan baik.",
            obstacles="Sebagian data desa terlambat masuk.",
            follow_up="Pendampingan desa dan rekap data tiap bulan.",
        )  # fmt: skip

    # The analysis closes and the grouping is made; the Sekretaris returns it with a note, the
    # Kasubag completes the narrative; the grouping again, both reviews approve, the filing.
    scenario.take_cycle_to(cycle, Kind.REVIEW, at=at)
    run = the_open(cycle, Kind.REVIEW)
    iku_02 = by_code["IKU-02"].indicator
    review.review(
        run, by=sekcam, outcome=workflow.outcome_towards(run.step, Kind.GROUPING), at=within(run, 0.4),
        notes=[review.NoteInput(text="Tambahkan narasi IKU-02: jelaskan hasil survei IKM triwulan ini.",
                                indicator=iku_02, topic=ReviewNote.Topic.NARRATIVE)],
    )  # fmt: skip
    analysis_steps.save_narrative(
        cycle=cycle, by=kasubag, indicator=iku_02,
        analysis="Nilai IKM naik karena layanan PATEN makin cepat; survei diikuti 400 responden.",
        follow_up="Survei IKM berikutnya memakai formulir daring.",
    )  # fmt: skip
    scenario.take_cycle_to(cycle, None, at=at)
    return cycle


# The demo's budget (made up): one programme, two kegiatan, their sub kegiatan, each linked to the
# indicators it supports; realisation per quarter up to the filed quarter.
DEMO_BUDGET = [
    ("7.01.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA", 850_000_000, ""),
    ("7.01.01.2.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah", 150_000_000, "IKU-01"),
    ("7.01.01.2.01.0001", "Penyusunan Dokumen Perencanaan Perangkat Daerah", 90_000_000, "IKU-01, PEM-01, PEM-02"),
    ("7.01.01.2.01.0007", "Evaluasi Kinerja Perangkat Daerah", 60_000_000, "IKU-02, PEL-01, PEL-02"),
    ("7.01.01.2.02", "Administrasi Umum Perangkat Daerah", 700_000_000, ""),
    ("7.01.01.2.02.0001", "Penyediaan Bahan Logistik Kantor", 700_000_000, ""),
    ("7.01.02", "PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK", 400_000_000, ""),
    ("7.01.02.2.01", "Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Tingkat Kecamatan", 400_000_000, "IKU-03"),
    ("7.01.02.2.01.0002", "Koordinasi Ketenteraman dan Ketertiban Umum", 150_000_000, "IKU-03, TRA-01, TRA-02"),
    ("7.01.02.2.01.0005", "Pemberdayaan Masyarakat Desa dan Kesejahteraan Sosial", 250_000_000,
     "IKU-04, PMD-01, PMD-02, KES-01, KES-02"),
]  # fmt: skip
# The share of each sub kegiatan's pagu spent in TW I, II and III.
DEMO_SPENT = (Decimal("0.2"), Decimal("0.25"), Decimal("0.25"))


def ensure_budget(organisation: Organisation, year: int, by: User) -> None:
    """The demo's budget of a year, imported as the Kasubag would (a workbook through kinerja.budget)."""
    from . import budget

    if BudgetItem.objects.filter(organisation=organisation, year=year).exists():
        return
    leaves = {code for code, *_ in DEMO_BUDGET if len(code.split(".")) == 6}
    spent: dict[str, list] = {}
    for code, _name, pagu, _links in DEMO_BUDGET:
        if code in leaves:
            spent[code] = [(Decimal(pagu) * share).quantize(Decimal(1)) for share in DEMO_SPENT]
    for code, *_ in DEMO_BUDGET:  # a kegiatan's or programme's figures are the sums of those under it
        if code not in leaves:
            under = [spent[leaf] for leaf in leaves if leaf.startswith(code + ".")]
            spent[code] = [sum(q[i] for q in under) for i in range(3)]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kode", "Nomenklatur", "Pagu", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Indikator"])
    for code, name, pagu, links in DEMO_BUDGET:
        sheet.append([code, name, pagu, *spent[code], links])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = budget.import_budget(
        buffer.getvalue(), organisation=organisation, year=year, by=by, filename=f"anggaran-{year}.xlsx"
    )
    if not outcome.ok:
        raise RuntimeError("; ".join(outcome.read.problems))


@transaction.atomic
def seed() -> tuple[Organisation, list[tuple[User, str, Position]], Cycle, Cycle]:
    """Everything the demo needs; returns the organisation, the users (with their passwords and
    positions), the open cycle and the filed one."""
    load_fixtures()
    organisation = Organisation.objects.get(code=ORG_CODE)
    ensure_schedule(organisation)
    ensure_instructions(organisation)
    today = timezone.localdate()
    ensure_indicators(organisation, (today.year - 1, today.year))
    users = ensure_users(organisation)
    # The demo's cycles are a made-up past: their notices are shown in the application, never mailed.
    with notices.without_mail():
        filed = ensure_filed_cycle(organisation)
        cycle = ensure_open_cycle(organisation)
    kasubag = next(user for user, _password, position in users if position.role == Role.KASUBAG)
    ensure_budget(organisation, today.year, kasubag)
    ensure_kabupaten(organisation)
    return organisation, users, cycle, filed
