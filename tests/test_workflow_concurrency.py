"""Two requests completing the same step at the same moment, over real PostgreSQL connections:
exactly one succeeds, the other is told the step is already done, and one log row is written."""

import threading

import pytest
from django.db import connection, connections

from kinerja import workflow
from kinerja.models import StepRun, TransitionLog

from .conftest import MONDAY, advance, open_runs, start

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL=postgres://...): SQLite serialises whole transactions, "
        "so two real concurrent connections cannot be exercised on the in-memory test database",
    ),
]


def race(action) -> list[str]:
    """Run `action` in two threads with their own connections at the same moment; "ok" for each
    success, the refusal's message otherwise."""
    barrier = threading.Barrier(2)
    results = []

    def attempt():
        try:
            barrier.wait(timeout=10)
            action()
            results.append("ok")
        except workflow.WorkflowError as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_completions_of_one_step_give_one_success(klego):
    cycle = start(klego)
    advance(klego, cycle, 6)
    (run,) = open_runs(cycle)  # step 6, the Kasubag's
    results = race(lambda: workflow.complete_step(StepRun.objects.get(pk=run.pk), by=klego.kasubag, at=MONDAY))
    assert len(results) == 2
    assert results.count("ok") == 1
    (refusal,) = [r for r in results if r != "ok"]
    assert "sudah diselesaikan" in refusal
    assert TransitionLog.objects.filter(run_id=run.pk).count() == 1
    assert StepRun.objects.filter(cycle=cycle, step__number=7).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_receipt_confirmations_record_one(klego):
    from kinerja import submissions
    from kinerja.models import ReceiptConfirmation

    cycle = start(klego)
    advance(klego, cycle, 4)
    (run,) = open_runs(cycle)
    results = race(lambda: submissions.confirm_receipt(StepRun.objects.get(pk=run.pk), by=klego.kasubag, at=MONDAY))
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert ReceiptConfirmation.objects.filter(run_id=run.pk).count() == 1
    assert TransitionLog.objects.filter(run_id=run.pk).count() == 1
