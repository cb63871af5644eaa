"""Random walks through whole cycles: random users try random outcomes on random open steps,
through each step's own page service, with real uploads of the sections' filled-in templates.
After every action the cycle's invariants hold, and over the walks every step kind and every
branch of the SOP is taken and cycles are filed (counted and asserted: a walk that stalls at
step 2 proves nothing about steps 3 to 10)."""

import datetime
from collections import Counter

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kinerja import demo
from kinerja.engine import workflow
from kinerja.measurement import results
from kinerja.models import Cycle, Letter, Organisation, Section, SopStep, StepRun, TransitionLog, User
from kinerja.steps import analysis_steps, completeness, filing, review, submissions

from .conftest import MONDAY, accept_data, dispose_down_the_chain

Kind = SopStep.Kind
USERNAMES = [u[0] for u in demo.DEMO_USERS]
WALKS = 12

action = st.tuples(
    st.sampled_from(USERNAMES + ["*"] * (4 * len(USERNAMES))),  # who acts; "*" is the step's own role
    st.integers(min_value=0, max_value=10),  # which open run
    st.sampled_from([0] * 6 + [1, 2, 3]),  # which outcome: mostly the forward one
    st.sets(st.integers(min_value=0, max_value=4), min_size=1, max_size=3),  # which sections, for a return
    st.integers(min_value=0, max_value=90),  # minutes later
    st.booleans(),  # gives a reason for lateness
)


class CycleWalkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo.load_fixtures()
        cls.org = Organisation.objects.get(code="klego")
        demo.ensure_schedule(cls.org)
        demo.ensure_instructions(cls.org)
        demo.ensure_users(cls.org)
        demo.ensure_indicators(cls.org, (2025, 2026))
        cls.users = {u.username: u for u in User.objects.all()}
        cls.seksi = list(Section.objects.filter(organisation=cls.org, kind="seksi").order_by("code"))

    def staff_of(self, section):
        return self.users[f"staf.{section.code}"]

    def rightful_actor(self, run):
        if run.section_id:
            return self.staff_of(run.section)
        return self.users[{"kasubag": "kasubag", "sekretaris": "sekcam", "kepala": "camat"}[run.step.actor_role]]

    def check_invariants(self, cycle: Cycle):
        cycle.refresh_from_db()
        runs = list(cycle.runs.select_related("step"))
        open_runs = [r for r in runs if r.closed_at is None]
        if cycle.status == Cycle.Status.RUNNING:
            steps = {r.step.number for r in open_runs}
            # exactly one open step, or a set of open section submissions at step 2
            assert len(steps) == 1, steps
            if steps != {2}:
                assert len(open_runs) == 1
            else:
                sections = [r.section_id for r in open_runs]
                assert len(sections) == len(set(sections)) and None not in sections
        else:
            assert not open_runs
        for run in runs:
            assert run.closed_at is None or run.closed_at >= run.opened_at
        logged = set(TransitionLog.objects.filter(cycle=cycle, action="selesai").values_list("run_id", flat=True))
        closed = {r.pk for r in runs if r.closed_at is not None and r.outcome != "dibatalkan"}
        assert closed == logged
        if cycle.status == Cycle.Status.DONE:
            assert {r.step.number for r in runs if r.closed_at} == {1, 2, 4, 5, 6, 7, 8, 9, 10}

    def act(self, run, actor, outcome_index, section_indexes, now, reason, rightful):
        """One attempt on one open run through its step's page service, as a user would."""
        kind = run.step.kind
        named = [self.seksi[i] for i in sorted(section_indexes)]
        if kind == Kind.DISPOSITION:
            if rightful:
                return dispose_down_the_chain(self, run.cycle.letter, when=now, overdue_reason=reason)
            return workflow.close_step(run, by=actor, kind=kind, overdue_reason=reason, at=now)
        if kind == Kind.COLLECTION:
            if rightful and submissions.missing_kinds(run.cycle, run.section):
                accept_data(run.cycle, run.section, when=now)  # the section's template, filled in
            return submissions.hand_in(run, by=actor, overdue_reason=reason, at=now)
        if kind == Kind.RECEIPT:
            return submissions.confirm_receipt(run, by=actor, overdue_reason=reason, at=now)
        if kind == Kind.COMPLETENESS:
            sent_back = {s.pk for s in named} if outcome_index == 1 else set()
            verdicts = {
                s.pk: completeness.Verdict(complete=s.pk not in sent_back, reasons="Realisasi TW IV belum diisi")
                for s in completeness.sections_to_check(run)
            }
            return completeness.record(run, by=actor, verdicts=verdicts, overdue_reason=reason, at=now)
        if kind == Kind.ANALYSIS:
            if outcome_index == 1:
                return analysis_steps.return_to_sections(
                    run, by=actor, sections=named, reason="Angka seksi salah", overdue_reason=reason, at=now
                )
            if rightful:
                for difference in results.differences(run.cycle):
                    if not difference.resolved:
                        analysis_steps.explain(cycle=run.cycle, key=difference.key, text="Sumber seksi", by=actor)
            return analysis_steps.finish_analysis(run, by=actor, overdue_reason=reason, at=now)
        if kind == Kind.GROUPING:
            if rightful:
                analysis_steps.make_grouping(run, by=actor, groupings=["objective"], at=now)
            return analysis_steps.finish_grouping(run, by=actor, overdue_reason=reason, at=now)
        if kind == Kind.REVIEW:
            outcomes = workflow.available_outcomes(run)
            outcome = outcomes[outcome_index % len(outcomes)]
            notes = [review.NoteInput(text="Periksa lagi")] if workflow.needs_note(run.step, outcome) else []
            return review.review(
                run, by=actor, outcome=outcome, notes=notes, sections=named, overdue_reason=reason, at=now
            )
        if kind == Kind.FILING:
            return filing.file_database(run, by=actor, overdue_reason=reason, at=now)
        raise AssertionError(f"no page service for {kind}")

    def walk(self, actions, reached: Counter) -> None:
        kasubag = self.users["kasubag"]
        letter = Letter.objects.create(
            organisation=self.org, number="050/uji", date=MONDAY.date(), sender="Bappeda",
            subject="Laporan kinerja", received_date=MONDAY.date(), registered_by=kasubag,
        )  # fmt: skip
        now = MONDAY
        cycle = workflow.start_cycle(organisation=self.org, letter=letter, year=2026, quarter=4, by=kasubag, at=now)
        self.check_invariants(cycle)
        for username, run_index, outcome_index, section_indexes, minutes, gives_reason in actions:
            now = now + datetime.timedelta(minutes=minutes)
            open_runs = list(
                StepRun.objects.filter(cycle=cycle, closed_at__isnull=True)
                .select_related("step", "section", "cycle__letter")
                .order_by("pk")
            )
            if not open_runs:
                break
            run = open_runs[run_index % len(open_runs)]
            rightful = username == "*"
            actor = self.rightful_actor(run) if rightful else self.users[username]
            reason = "alasan uji" if gives_reason else ""
            try:
                self.act(run, actor, outcome_index, section_indexes, now, reason, rightful)
            except workflow.WorkflowError:
                pass
            self.check_invariants(cycle)
        for run in cycle.runs.filter(closed_at__isnull=False).select_related("step"):
            reached[run.step.kind] += 1
            reached[run.outcome] += 1
        cycle.refresh_from_db()
        reached[cycle.status] += 1

    def test_random_walks_keep_every_cycle_consistent_and_reach_the_end(self):
        reached: Counter = Counter()

        @settings(max_examples=WALKS, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        @given(st.lists(action, min_size=40, max_size=80))
        def walk(actions):
            # Each walk in a savepoint rolled back at its end: the next one (or hypothesis replaying
            # a failure) starts from the same database.
            savepoint = transaction.savepoint()
            try:
                self.walk(actions, reached)
            finally:
                transaction.savepoint_rollback(savepoint)

        walk()
        # Every step kind was closed, every branch taken, and walks ran all the way to the archive.
        assert {kind for kind in Kind.values if reached[kind]} == set(Kind.values) - {Kind.PLAIN}, reached
        for outcome in ("tidak_lengkap", "revisi", "revisi_analisis", workflow.RETURN_TO_SECTIONS, "disetujui"):
            assert reached[outcome] >= 1, (outcome, reached)
        assert reached[Cycle.Status.DONE] >= 2, reached
