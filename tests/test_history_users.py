"""Audit: every create and change of workflow data in a whole cycle has a history row that names
the user who made it; the rows read from an upload are part of it and cannot change."""

import pytest
from django.core.exceptions import ValidationError

from infra import audit
from kinerja.filters import HistoryFilter
from kinerja.models import Cycle, SubmissionRow, User
from kinerja.steps import filing

from .conftest import MONDAY, advance, open_runs
from .test_analysis_steps import to_step_6


def test_every_history_row_of_a_whole_cycle_names_its_user(klego_data):
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    filing.file_database(open_runs(cycle)[0], by=klego_data.kasubag, at=MONDAY)
    of_cycle = {"siklus": cycle.pk}
    entries = audit.entries(
        narrow=lambda rows: (
            HistoryFilter(of_cycle, queryset=rows, cycles=Cycle.objects.all(), users=User.objects.all()).qs
        ),
        limit=100_000,
    ).entries
    assert len(entries) > 50
    kinds = {e.model for e in entries}
    expected_kinds = (
        "siklus",
        "langkah siklus",
        "kewajiban data",
        "kiriman data seksi",
        "data base kinerja",
        "arsip siklus",
    )
    for expected in expected_kinds:
        assert expected in kinds, expected
    anonymous = [f"{e.model}: {e.obj} ({e.change})" for e in entries if e.user is None]
    assert anonymous == []


def test_the_rows_read_from_an_upload_can_be_neither_changed_nor_deleted(klego_data):
    cycle = to_step_6(klego_data)
    row = SubmissionRow.objects.filter(submission__cycle=cycle).first()
    original = row.real_q1
    row.real_q1 = 1
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    row.refresh_from_db()
    assert row.real_q1 == original
