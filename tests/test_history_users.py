"""Audit: every create and change of workflow data in a whole cycle has a history row that names
the user who made it."""

from kinerja import audit, filing

from .conftest import MONDAY, advance, open_runs
from .test_analysis_steps import to_step_6


def test_every_history_row_of_a_whole_cycle_names_its_user(klego_data):
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    filing.file_database(open_runs(cycle)[0], by=klego_data.kasubag, at=MONDAY)
    entries = audit.entries(cycle=cycle, limit=100_000)
    assert len(entries) > 50
    kinds = {e.model for e in entries}
    for expected in ("siklus", "langkah siklus", "kiriman data seksi", "data base kinerja", "arsip siklus"):
        assert expected in kinds, expected
    anonymous = [f"{e.model}: {e.obj} ({e.change})" for e in entries if e.user is None]
    assert anonymous == []
