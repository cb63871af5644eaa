"""The shared cast: Kecamatan Klego from the fixtures, with one user per role (as seed_demo
makes them) plus a second staff member of another section, and helpers to drive a cycle."""

import datetime
import os
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from kinerja import demo, scenario
from kinerja.engine import workflow
from kinerja.models import Cycle, Organisation, Section, SopStep, StepRun, User
from kinerja.spreadsheets.templates import filled_in
from kinerja.steps import completeness, submissions

from .factories import LetterFactory

Kind = SopStep.Kind
WIB = ZoneInfo("Asia/Jakarta")
# A Monday morning in working hours, well clear of holidays.
MONDAY = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=WIB)


# The machine's Redis databases, as the tests use them. 13 holds kept pages, each test under a key
# prefix of its own, never emptied. Every other database is one test process's task queue
# (pytest-xdist's gw0, gw1, …; tests in one process run one at a time, and each empties its queue
# first): a worker started by one process must never take a task queued by another, whose job
# rows live in another test database.
REDIS_CACHE = "redis://127.0.0.1:6379/13"
_QUEUES = (15, 14, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)


def process_broker() -> str:
    """This test process's own Redis database for the task queue."""
    process = int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "")) or 0)
    return f"redis://127.0.0.1:6379/{_QUEUES[process % len(_QUEUES)]}"


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
    """Klego from the fixtures and the demo: its officials, the demo objectives, indicators and
    2025-2026 targets (every section owns indicators, so its uploads have real rows)."""
    demo.load_fixtures()
    org = Organisation.objects.get(code="klego")
    demo.ensure_schedule(org)
    demo.ensure_instructions(org)
    demo.ensure_indicators(org, (2025, 2026))
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


def uploaded_to(cast: Cast, data: dict, *, header: list, until) -> Cycle:
    """A cycle of the sections in `data` (section code -> rows) taken to the step `until` (a kind
    or a printed number), each section having uploaded its rows under `header` (real uploads,
    read by the importer) on MONDAY."""
    cycle = start(cast, sections=[cast.sections[code] for code in data])
    scenario.take_cycle_to(
        cycle, until, at=lambda run: MONDAY,
        workbook=lambda cycle, section, kind: workbook_bytes([header, *data[section.code]]),
    )  # fmt: skip
    return cycle


def open_runs(cycle: Cycle) -> list[StepRun]:
    return list(cycle.runs.filter(closed_at__isnull=True).select_related("step", "section").order_by("pk"))


def actor_for(cast: Cast, run: StepRun) -> User:
    role = run.step.actor_role
    if run.section_id:
        return cast.users[f"staf.{run.section.code}"]
    return cast.users[{"kasubag": "kasubag", "sekretaris": "sekcam", "kepala": "camat"}[role]]


def dispose_down_the_chain(cast: Cast, letter, *, when=MONDAY, overdue_reason="uji"):
    """Step 1 as the SOP has it (kinerja.scenario): returns the Kasubag's disposition."""
    return scenario.dispose_down_the_chain(letter, at=when, overdue_reason=overdue_reason)


def accept_data(cycle: Cycle, section: Section, *, when=MONDAY):
    """Every kind the section owes, uploaded by its staff as its own template filled in (each
    indicator's master quarter target as the realisation) and read by the importer."""
    scenario.upload_section_data(cycle, section, at=when)


def filled_template(cycle: Cycle, section: Section, kind, *, realisation=None) -> bytes:
    """The section's template as the application hands it out, filled in as staff would:
    `realisation(code, quarter, target)` gives each figure (by default the quarter's target)."""
    return filled_in(submissions.template_for(cycle, section, kind), kind, realisation=realisation)


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
    from kinerja.steps import review

    notes = [review.NoteInput(text=note)] if workflow.needs_note(run.step, outcome) else []
    return review.review(run, by=actor_for(cast, run), outcome=outcome, notes=notes, overdue_reason="uji", at=when)


def close_run(cast: Cast, run: StepRun, *, when=MONDAY, outcome=None):
    """Close one open run as the SOP has it, through its step's own page service, as its holder."""
    return scenario.close(run, at=when, outcome=outcome, overdue_reason="uji")


def close_via_page(run: StepRun, *, by: User, at=MONDAY, overdue_reason: str = ""):
    """Try to close a run as `by`, whoever that is, through its step's own page service with the
    forward outcome (a completeness check finds every section complete): for the refusals."""
    from kinerja.steps import analysis_steps, filing, review

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


def advance(cast: Cast, cycle: Cycle, until_step, *, when=MONDAY, outcomes=None) -> Cycle:
    """Close open runs with their forward outcome (kinerja.scenario) until `until_step` (a printed
    number or a step kind) is open."""
    return scenario.take_cycle_to(cycle, until_step, at=lambda run: when, outcomes=outcomes, overdue_reason="uji")


@pytest.fixture(scope="session")
def seeded_installation(tmp_path_factory):
    """One demo installation (migrated, seeded, with a stored letter), made once per test process
    and copied by each SQLite backup round trip (tests.test_backup.filled), the object-storage one
    included: seeding it is most of a round trip's minute."""
    from .test_backup import fill, installation

    parent = tmp_path_factory.mktemp("terisi")
    fill(installation(parent, "templat"))
    return parent / "templat"


@pytest.fixture
def klego_data(klego) -> Cast:
    """Klego with its master data (the name the data-heavy tests use; the same cast as klego)."""
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

    from kinerja.engine.calendar import forget_cached

    client.get(url)
    forget_cached()
    cache.clear()  # count the whole work of the page, not a part kept from the first GET
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def text_of_pdf(data: bytes) -> str:
    """A PDF's text, every page, with white space folded to single spaces (as a reader sees it)."""
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
