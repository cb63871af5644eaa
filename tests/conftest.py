"""The shared cast: Kecamatan Klego from the fixtures, with one user per role (as seed_demo
makes them) plus a second staff member of another section, and helpers to drive a cycle."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from kinerja import completeness, demo, dispositions, submissions, workflow
from kinerja.models import Cycle, Organisation, Section, SopStep, StepRun, User

from .factories import LetterFactory

Kind = SopStep.Kind
WIB = ZoneInfo("Asia/Jakarta")
# A Monday morning in working hours, well clear of holidays.
MONDAY = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=WIB)


def at(day: str, hhmm: str = "08:00") -> datetime.datetime:
    """A moment in Asia/Jakarta: at("2026-11-02", "09:30")."""
    return datetime.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=WIB)


@dataclass
class Cast:
    org: Organisation
    users: dict[str, User]
    sections: dict[str, Section] = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        key = name.replace("_", ".")
        if key in users:
            return users[key]
        raise AttributeError(name)

    def staff_of(self, section: Section) -> User:
        return self.users[f"staf.{section.code}"]


@pytest.fixture
def klego(db) -> Cast:
    demo.load_fixtures()
    org = Organisation.objects.get(code="klego")
    demo.ensure_schedule(org)
    demo.ensure_instructions(org)
    users = {user.username: user for user, _password, _position in demo.ensure_users(org)}
    sections = {s.code: s for s in Section.objects.filter(organisation=org)}
    return Cast(org=org, users=users, sections=sections)


def start(cast: Cast, *, when=MONDAY, by=None, sections=None, quarter=4) -> Cycle:
    letter = LetterFactory(organisation=cast.org, registered_by=cast.users["kasubag"])
    return workflow.start_cycle(
        organisation=cast.org,
        letter=letter,
        year=2026,
        quarter=quarter,
        by=by or cast.users["kasubag"],
        sections=sections,
        at=when,
    )


def open_runs(cycle: Cycle) -> list[StepRun]:
    return list(cycle.runs.filter(closed_at__isnull=True).select_related("step", "section").order_by("pk"))


def actor_for(cast: Cast, run: StepRun) -> User:
    role = run.step.actor_role
    if run.section_id:
        return cast.users[f"staf.{run.section.code}"]
    return cast.users[{"kasubag": "kasubag", "sekretaris": "sekcam", "kepala": "camat"}[role]]


def dispose_down_the_chain(cast: Cast, letter, *, when=MONDAY, overdue_reason="uji"):
    """Step 1 as the SOP has it: the Camat disposes to the Sekretaris, who receives it and passes
    it on to the Kasubag, who receives it. Returns the Kasubag's disposition. Picks up where an
    earlier, interrupted call stopped."""
    from kinerja.models import Disposition

    camat, sekcam, kasubag = cast.users["camat"], cast.users["sekcam"], cast.users["kasubag"]
    first = Disposition.objects.filter(letter=letter, parent=None, recipient=sekcam, withdrawn_at=None).first()
    if first is None:
        (first,) = dispositions.dispose(letter, by=camat, recipients=[sekcam], instructions=["Tindak lanjuti"], at=when)
    if first.acknowledged_at is None:
        dispositions.acknowledge(first, by=sekcam, at=when)
        first.refresh_from_db()
    second = Disposition.objects.filter(letter=letter, parent=first, recipient=kasubag, withdrawn_at=None).first()
    if second is None:
        (second,) = dispositions.dispose(
            letter,
            by=sekcam,
            recipients=[kasubag],
            instructions=["Siapkan bahan"],
            note="Himpun data kinerja seksi",
            parent=first,
            at=when,
        )
    dispositions.acknowledge(second, by=kasubag, at=when, overdue_reason=overdue_reason)
    return second


def accept_data(cycle: Cycle, section: Section, *, when=MONDAY):
    """Every kind the section owes, uploaded as a real workbook and read by the importer: the
    section's own template with each indicator's figures filled in (its master quarter target as
    the realisation, 1 where it has none). A section that owns no indicator (the `klego` fixture
    has no master data) has no row to write: its obligation is recorded as an accepted version
    without rows, so the workflow tests that need no figures can pass step 2."""
    from kinerja.models import Submission

    for kind in submissions.owed(cycle, section):
        if not submissions.section_indicators(section).exists():
            version = Submission.objects.filter(cycle=cycle, section=section, kind=kind).count() + 1
            Submission.objects.create(
                cycle=cycle, section=section, kind=kind, version=version, original_name="uji.xlsx",
                sha256="0" * 64, size=1, status=Submission.Status.ACCEPTED, uploaded_at=when,
            )  # fmt: skip
            continue
        outcome = submissions.submit(
            cycle=cycle, section=section, kind=kind, data=filled_template(cycle, section, kind),
            filename=f"{section.code}-{kind.code}.xlsx", by=None, source="cli", at=when,
        )  # fmt: skip
        assert outcome.submission.status == Submission.Status.ACCEPTED, outcome.submission.problems


def filled_template(cycle: Cycle, section: Section, kind, *, realisation=None) -> bytes:
    """The section's template as the application hands it out, filled in as staff would:
    `realisation(code, quarter, target)` gives each figure (by default the quarter's target)."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(submissions.template_for(cycle, section, kind)))
    sheet = book["Data Kinerja"]
    for row in range(6, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if not code:
            continue
        if kind.needs_annual_target and sheet.cell(row, 4).value is None:
            sheet.cell(row, 4).value = 1
        for quarter in (1, 2, 3, 4):
            target = sheet.cell(row, 4 + quarter).value
            if kind.needs_targets and not kind.needs_realisation and target is None:
                sheet.cell(row, 4 + quarter).value = 1
            if kind.needs_realisation:
                value = realisation(code, quarter, target) if realisation else (target if target is not None else 1)
                sheet.cell(row, 8 + quarter).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check_completeness(cast: Cast, run: StepRun, *, incomplete=(), when=MONDAY):
    """Step 5 by the Kasubag: every section of the round complete but those named."""
    verdicts = {
        section.pk: completeness.Verdict(
            complete=section.code not in incomplete,
            reasons="Realisasi belum diisi" if section.code in incomplete else "",
        )
        for section in completeness.sections_to_check(run)
    }
    return completeness.record(run, by=cast.users["kasubag"], verdicts=verdicts, overdue_reason="uji", at=when)


def review_round(cast: Cast, run: StepRun, outcome: str, *, when=MONDAY, note="Perbaiki capaian IKU-01"):
    """Steps 8 and 9: approve, or return with one general note."""
    from kinerja import review

    notes = [review.NoteInput(text=note)] if workflow.needs_note(run.step, outcome) else []
    return review.review(run, by=actor_for(cast, run), outcome=outcome, notes=notes, overdue_reason="uji", at=when)


def close_run(cast: Cast, run: StepRun, *, when=MONDAY, outcome=None):
    """Close one open run as the SOP has it, through its step's own page service (chosen by the
    step's kind, never its number); only a plain step closes with the cycle page's button."""
    from kinerja import analysis_steps, filing

    kind, kasubag = run.step.kind, cast.users["kasubag"]
    if kind == Kind.DISPOSITION:
        return dispose_down_the_chain(cast, run.cycle.letter, when=when)
    if kind == Kind.COLLECTION:
        accept_data(run.cycle, run.section, when=when)
        return submissions.hand_in(run, by=actor_for(cast, run), overdue_reason="uji", at=when)
    if kind == Kind.RECEIPT:
        return submissions.confirm_receipt(run, by=kasubag, overdue_reason="uji", at=when)
    if kind == Kind.COMPLETENESS:
        return check_completeness(cast, run, when=when)
    if kind == Kind.ANALYSIS:
        return analysis_steps.finish_analysis(run, by=kasubag, overdue_reason="uji", at=when)
    if kind == Kind.GROUPING:
        analysis_steps.make_grouping(run, by=kasubag, groupings=["objective"], at=when)
        return analysis_steps.finish_grouping(run, by=kasubag, overdue_reason="uji", at=when)
    if kind == Kind.REVIEW:
        return review_round(cast, run, outcome or run.step.forward_outcome, when=when)
    if kind == Kind.FILING:
        return filing.file_database(run, by=kasubag, overdue_reason="uji", at=when)
    outcome = outcome or run.step.forward_outcome
    return workflow.close_step(run, by=actor_for(cast, run), outcome=outcome, at=when, overdue_reason="uji")


def close_via_page(run: StepRun, *, by: User, at=MONDAY, overdue_reason: str = ""):
    """Try to close a run as `by`, whoever that is, through its step's own page service with the
    forward outcome (a completeness check finds every section complete): for the refusals."""
    from kinerja import analysis_steps, filing, review

    kind = run.step.kind
    if kind == Kind.COLLECTION:
        return submissions.hand_in(run, by=by, overdue_reason=overdue_reason, at=at)
    if kind == Kind.RECEIPT:
        return submissions.confirm_receipt(run, by=by, overdue_reason=overdue_reason, at=at)
    if kind == Kind.COMPLETENESS:
        verdicts = {s.pk: completeness.Verdict(complete=True) for s in completeness.sections_to_check(run)}
        return completeness.record(run, by=by, verdicts=verdicts, overdue_reason=overdue_reason, at=at)
    if kind == Kind.ANALYSIS:
        return analysis_steps.finish_analysis(run, by=by, overdue_reason=overdue_reason, at=at)
    if kind == Kind.GROUPING:
        return analysis_steps.finish_grouping(run, by=by, overdue_reason=overdue_reason, at=at)
    if kind == Kind.REVIEW:
        return review.review(run, by=by, outcome=run.step.forward_outcome, overdue_reason=overdue_reason, at=at)
    if kind == Kind.FILING:
        return filing.file_database(run, by=by, overdue_reason=overdue_reason, at=at)
    # The disposition step closes when the Kasubag receives a disposition; its engine entry:
    return workflow.close_step(run, by=by, kind=kind, overdue_reason=overdue_reason, at=at)


def advance(cast: Cast, cycle: Cycle, until_step: int, *, when=MONDAY, outcomes=None) -> Cycle:
    """Close open runs with their first (forward) outcome until `until_step` is open."""
    outcomes = outcomes or {}
    for _ in range(100):
        runs = open_runs(cycle)
        if not runs or any(r.step.number == until_step for r in runs):
            return cycle
        for run in runs:
            close_run(cast, run, when=when, outcome=outcomes.get(run.step.number))
    raise AssertionError("the cycle did not reach the step")


@pytest.fixture
def klego_data(klego) -> Cast:
    """Klego with the demo objectives, indicators and 2025-2026 targets."""
    demo.ensure_indicators(klego.org, (2025, 2026))
    return klego


def workbook_bytes(rows: list[list], *, title: str = "Data", merges: tuple[str, ...] = (), extra_sheets=()) -> bytes:
    """A workbook laid out as the test says, as bytes."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    for name, extra_rows in extra_sheets:
        other = workbook.create_sheet(name)
        for row in extra_rows:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def count_queries(client, url) -> int:
    """How many queries one GET of a page runs (it must answer 200), counting the working
    calendar's queries too (the per-process cache is emptied first). A first, uncounted GET
    lets the session take its once-a-minute refresh, so each count is of the same work; the
    caches are emptied before the counted one."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kinerja.calendar import forget_cached

    client.get(url)
    forget_cached()
    cache.clear()  # count the whole work of the page, not a part kept from the first GET
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)
