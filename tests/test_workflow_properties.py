"""Random sequences of actions by random users: after every action the cycle's invariants hold."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kinerja import demo, workflow
from kinerja.models import Cycle, Letter, Organisation, Section, StepRun, TransitionLog, User

from .conftest import MONDAY, dispose_down_the_chain, review_round

USERNAMES = [u[0] for u in demo.DEMO_USERS]

action = st.tuples(
    st.sampled_from(USERNAMES + ["*"] * len(USERNAMES)),  # who acts; "*" is the step's own role
    st.integers(min_value=0, max_value=10),  # which open run
    st.sampled_from([0, 0, 0, 0, 1, 2]),  # which outcome, mostly the forward one
    st.sets(st.integers(min_value=0, max_value=4), max_size=5),  # which sections, for a return
    st.integers(min_value=0, max_value=600),  # minutes later
    st.booleans(),  # gives a reason for lateness
)


class CycleInvariantTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo.load_fixtures()
        cls.org = Organisation.objects.get(code="klego")
        demo.ensure_schedule(cls.org)
        demo.ensure_instructions(cls.org)
        demo.ensure_users(cls.org)
        cls.users = {u.username: u for u in User.objects.all()}
        cls.seksi = list(Section.objects.filter(organisation=cls.org, kind="seksi").order_by("code"))

    def rightful_actor(self, run):
        if run.section_id:
            return self.users[f"staf.{run.section.code}"]
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

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(action, min_size=30, max_size=120))
    def test_random_actions_keep_the_cycle_consistent(self, actions):
        kasubag = self.users["kasubag"]
        letter = Letter.objects.create(
            organisation=self.org,
            number="050/uji",
            date=MONDAY.date(),
            sender="Bappeda",
            subject="Laporan kinerja",
            received_date=MONDAY.date(),
            registered_by=kasubag,
        )
        now = MONDAY
        cycle = workflow.start_cycle(organisation=self.org, letter=letter, year=2026, quarter=4, by=kasubag, at=now)
        self.check_invariants(cycle)
        for username, run_index, outcome_index, section_indexes, minutes, gives_reason in actions:
            now = now + datetime.timedelta(minutes=minutes)
            open_runs = list(
                StepRun.objects.filter(cycle=cycle, closed_at__isnull=True)
                .select_related("step", "section")
                .order_by("pk")
            )
            if not open_runs:
                break
            run = open_runs[run_index % len(open_runs)]
            outcomes = run.step.outcomes
            actor = self.users[username] if username != "*" else self.rightful_actor(run)
            try:
                if run.step.number in (8, 9) and username == "*":
                    outcome = outcomes[outcome_index % len(outcomes)]
                    review_round(self, run, outcome, when=now)
                    self.check_invariants(cycle)
                    continue
                if run.step.number == 1 and username == "*":
                    dispose_down_the_chain(
                        self, cycle.letter, when=now, overdue_reason="alasan uji" if gives_reason else ""
                    )
                    self.check_invariants(cycle)
                    continue
                workflow.complete_step(
                    run,
                    by=actor,
                    outcome=outcomes[outcome_index % len(outcomes)],
                    note="catatan uji",
                    overdue_reason="alasan uji" if gives_reason else "",
                    sections=[self.seksi[i] for i in sorted(section_indexes)],
                    at=now,
                )
            except workflow.WorkflowError:
                pass
            self.check_invariants(cycle)
