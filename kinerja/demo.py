"""The demo installation: the Klego organisation, one user per role, the SOP, working hours and
an open cycle. Used by `manage.py seed_demo` and by the tests' shared cast."""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from .calendar import DEFAULT_HOURS
from .models import (
    Cycle,
    DataKind,
    Indicator,
    Letter,
    Organisation,
    Position,
    Role,
    Section,
    SopStep,
    SopVersion,
    StrategicObjective,
    Target,
    User,
    WorkingHours,
    WorkSchedule,
)

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


def demo_password(username: str) -> str:
    return f"klego-{username.replace('.', '-')}-2026"


def load_fixtures() -> None:
    """Load the organisation and SOP fixtures (natural keys: loading twice changes nothing) and
    give every loaded row its first history record, which loaddata's raw saves skip."""
    call_command("loaddata", *FIXTURES, verbosity=0)
    for model in (Organisation, Section, SopVersion, SopStep, DataKind):
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
    from .dispositions import ensure_instructions as ensure

    ensure(organisation)


def ensure_users(organisation: Organisation) -> list[tuple[User, str, Position]]:
    """One user per role, created once; an existing demo user is left exactly as it is."""
    result = []
    for username, full_name, nip, role, section_code, title in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=full_name, nip=nip, email=f"{username}@klego.example.id")
            user.set_password(demo_password(username))
            if role == Role.ADMIN:
                user.is_staff = True
                user.is_superuser = True
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


def ensure_open_cycle(organisation: Organisation) -> Cycle:
    """An open cycle for the current quarter, started by the Kasubag on a demo letter."""
    from . import dispositions, workflow

    existing = Cycle.objects.filter(organisation=organisation).order_by("pk").first()
    if existing:
        return existing
    kasubag = User.objects.get(username="kasubag")
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
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
                definition=f"Definisi operasional {name.lower()}.",
                data_source="Laporan seksi",
            )
        indicators[code] = indicator
        for year in years:
            if not Target.objects.filter(indicator=indicator, year=year).exists():
                Target.objects.create(indicator=indicator, year=year, quarter=None, value=annual)
                for quarter, value in enumerate(quarters, 1):
                    Target.objects.create(indicator=indicator, year=year, quarter=quarter, value=value)


@transaction.atomic
def seed() -> tuple[Organisation, list[tuple[User, str, Position]], Cycle]:
    load_fixtures()
    organisation = Organisation.objects.get(code=ORG_CODE)
    ensure_schedule(organisation)
    ensure_instructions(organisation)
    today = timezone.localdate()
    ensure_indicators(organisation, (today.year - 1, today.year))
    users = ensure_users(organisation)
    cycle = ensure_open_cycle(organisation)
    return organisation, users, cycle
