"""A kabupaten-sized data set for the benchmarks: every kecamatan of Boyolali with its sections,
officials, SOP, indicators and targets, and years of finished quarterly cycles with section data
and filed results. Bulk inserts (no history rows, no files): benchmark data only, never production,
which is why it lives here and not among the application's commands.

    DATABASE_URL=sqlite:////tmp/kab/db.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/kab/db.sqlite3 python benchmarks/generate_kabupaten.py [--organisations 22]
        [--years 5] [--indicators 40]
"""

import argparse
import datetime
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klego_kinerja.settings")

import django  # noqa: E402  (a script: Django is set up before the models are imported)

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kinerja import demo  # noqa: E402
from kinerja.fragments import renew_data_marks  # noqa: E402
from kinerja.models import (  # noqa: E402
    Cycle,
    DataKind,
    Indicator,
    Letter,
    Obligation,
    Organisation,
    PerformanceRecord,
    Position,
    Role,
    Section,
    SopStep,
    SopVersion,
    StepRun,
    StrategicObjective,
    Submission,
    SubmissionRow,
    Target,
    User,
)

KECAMATAN = [
    "Ampel", "Andong", "Banyudono", "Boyolali", "Cepogo", "Gladagsari", "Juwangi", "Karanggede", "Kemusu", "Klego",
    "Mojosongo", "Musuk", "Ngemplak", "Nogosari", "Sambi", "Sawit", "Selo", "Simo", "Tamansari", "Teras",
    "Wonosamodro", "Wonosegoro",
]  # fmt: skip


@transaction.atomic
def generate(*, organisations: int = 22, years: int = 5, indicators: int = 40, say=print) -> int:
    """Make (or complete) the data set; returns how many organisations it holds. Running it again
    adds nothing."""
    rng = random.Random(2026)
    demo.seed()
    template = Organisation.objects.get(code="klego")
    kabupaten = template.kabupaten  # the demo's Pemerintah Kabupaten Boyolali: every kecamatan joins it
    version = SopVersion.objects.get(organisation=template)
    steps = list(version.steps.all())
    kind = DataKind.objects.get(code="realisasi")
    this_year = timezone.localdate().year
    period = list(range(this_year - years + 1, this_year + 1))
    password = User.objects.get(username="kasubag").password
    made = 0
    for name in KECAMATAN[:organisations]:
        code = name.lower()
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            org = Organisation.objects.create(code=code, name=f"Kecamatan {name}", government=template.government)
        if org.kabupaten_id is None:
            Organisation.objects.filter(pk=org.pk).update(kabupaten=kabupaten)
        if code != "klego":
            _copy_structure(template, org, version, steps, password)
        _fill(org, kind, period, indicators, rng)
        made += 1
        say(f"{org}: siap")
    renew_data_marks()  # the rows above were written without history: no kept page part stays
    say(f"{made} organisasi × {len(period)} tahun × 4 triwulan × {indicators} indikator.")
    return made


def _copy_structure(template, org, version, steps, password):
    if Section.objects.filter(organisation=org).exists():
        return
    for section in Section.objects.filter(organisation=template, parent__isnull=True):
        Section.objects.create(
            organisation=org, code=section.code, name=section.name, kind=section.kind, order=section.order
        )
    copy = SopVersion.objects.create(
        organisation=org, number=version.number, year=version.year, name=version.name, unit=version.unit,
        created_date=version.created_date, effective_date=version.effective_date, performers=version.performers,
        legal_basis=version.legal_basis,
    )  # fmt: skip
    copied = [f for f in SopStep._meta.concrete_fields if f.name not in ("id", "version")]
    SopStep.objects.bulk_create(
        [SopStep(**{f.attname: getattr(s, f.attname) for f in copied}, version=copy) for s in steps]
    )  # fmt: skip
    sections = {s.code: s for s in Section.objects.filter(organisation=org)}
    for username, full_name, _nip, role, section_code, title in demo.DEMO_USERS:
        user = User.objects.create(username=f"{org.code}.{username}", first_name=full_name, password=password)
        Position.objects.create(
            user=user, organisation=org, section=sections.get(section_code) or sections["sekretariat"], role=role,
            title=title.replace("Klego", org.name.replace("Kecamatan ", "")), start_date=demo.POSITIONS_SINCE,
        )  # fmt: skip


def _fill(org, kind, years, count, rng):
    if Cycle.objects.filter(organisation=org).count() >= len(years) * 4:
        return
    seksi = list(Section.objects.filter(organisation=org, kind=Section.Kind.SEKSI))
    objective, _ = StrategicObjective.objects.get_or_create(
        organisation=org, code="SS1", defaults={"name": "Sasaran utama"}
    )
    existing = Indicator.objects.filter(organisation=org).count()
    Indicator.objects.bulk_create(
        [
            Indicator(organisation=org, code=f"K-{i:03d}", name=f"Indikator kinerja {i}", unit="%",
                      section=seksi[i % len(seksi)], objective=objective, is_iku=i < 4)
            for i in range(existing, count)
        ]
    )  # fmt: skip
    indicators = list(Indicator.objects.filter(organisation=org).order_by("code")[:count])
    Target.objects.bulk_create(
        [Target(indicator=i, year=y, quarter=q, value=Decimal(80 + rng.randint(0, 20)))
         for i in indicators for y in years for q in (None, 1, 2, 3, 4)],
        ignore_conflicts=True,
    )  # fmt: skip
    kasubag = Position.objects.filter(organisation=org, role=Role.KASUBAG).first().user
    version = SopVersion.objects.filter(organisation=org).first()
    steps = list(version.steps.all())
    now = timezone.now()
    for year in years:
        for quarter in (1, 2, 3, 4):
            started = timezone.make_aware(datetime.datetime(year, quarter * 3, 1, 8, 0))
            if started > now:
                continue
            letter = Letter.objects.create(
                organisation=org, number=f"050/{year}/{quarter}", date=started.date(), sender="Bappeda",
                subject=f"Laporan kinerja TW {quarter} {year}", received_date=started.date(), registered_by=kasubag,
            )  # fmt: skip
            cycle = Cycle.objects.create(
                organisation=org, sop_version=version, letter=letter, year=year, quarter=quarter,
                started_by=kasubag,
                started_at=started, status=Cycle.Status.DONE, finished_at=started + datetime.timedelta(days=10),
            )  # fmt: skip
            cycle.sections.set(seksi)
            Obligation.objects.bulk_create([Obligation(cycle=cycle, section=s, kind=kind) for s in seksi])
            runs = []
            for step in steps:
                for section in seksi if step.scope == SopStep.Scope.SECTION else [None]:
                    minutes = rng.randint(5, 900)
                    runs.append(StepRun(
                        cycle=cycle, step=step, section=section, round=1, opened_at=started,
                        due_at=started + datetime.timedelta(hours=8), target_minutes=450,
                        closed_at=started + datetime.timedelta(minutes=minutes), closed_by=kasubag,
                        actual_minutes=minutes, outcome=step.forward_outcome,
                    ))  # fmt: skip
            StepRun.objects.bulk_create(runs)
            rows, records = [], []
            for section in seksi:
                submission = Submission.objects.create(
                    cycle=cycle, section=section, kind=kind, version=1, original_name="data.xlsx", sha256="0" * 64,
                    size=1, status=Submission.Status.ACCEPTED, uploaded_at=started,
                )  # fmt: skip
                for n, indicator in enumerate(i for i in indicators if i.section_id == section.pk):
                    values = {f"real_q{q}": Decimal(70 + rng.randint(0, 40)) for q in range(1, quarter + 1)}
                    rows.append(SubmissionRow(submission=submission, indicator=indicator, sheet="Data",
                                              row_number=n + 2, cells={}, **values))  # fmt: skip
            SubmissionRow.objects.bulk_create(rows)
            for indicator in indicators:
                value = Decimal(70 + rng.randint(0, 40))
                records.append(PerformanceRecord(
                    organisation=org, cycle=cycle, indicator=indicator, year=year, quarter=quarter,
                    code=indicator.code, name=indicator.name, unit=indicator.unit, objective=str(objective),
                    section=indicator.section.name,
                    is_iku=indicator.is_iku, target=Decimal(90), realisation=value, capaian=value / 90 * 100,
                    category="Tinggi", filed_by=kasubag, filed_at=started + datetime.timedelta(days=10),
                ))  # fmt: skip
            PerformanceRecord.objects.bulk_create(records)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description="Data uji sebesar satu kabupaten untuk benchmark (jangan di produksi)."
    )
    parser.add_argument("--organisations", type=int, default=22)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--indicators", type=int, default=40)
    arguments = parser.parse_args()
    generate(organisations=arguments.organisations, years=arguments.years, indicators=arguments.indicators)
