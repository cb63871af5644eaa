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
    Letter,
    Organisation,
    Position,
    Role,
    Section,
    SopStep,
    SopVersion,
    User,
    WorkingHours,
    WorkSchedule,
)

FIXTURES = ["organisation_klego", "sop_050_2_1_343_116_151"]
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
    for model in (Organisation, Section, SopVersion, SopStep):
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


@transaction.atomic
def seed() -> tuple[Organisation, list[tuple[User, str, Position]], Cycle]:
    load_fixtures()
    organisation = Organisation.objects.get(code=ORG_CODE)
    ensure_schedule(organisation)
    ensure_instructions(organisation)
    users = ensure_users(organisation)
    cycle = ensure_open_cycle(organisation)
    return organisation, users, cycle
