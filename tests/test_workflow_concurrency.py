"""Two requests completing the same step at the same moment, over real PostgreSQL connections:
exactly one succeeds, the other is told the step is already done, and one log row is written."""

import threading

import pytest
from django.db import connection, connections

from kinerja.engine import workflow
from kinerja.models import StepRun, TransitionLog
from kinerja.steps import analysis_steps

from .conftest import MONDAY, advance, open_runs, start

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL=postgres://...): SQLite serialises whole transactions, "
        "so two real concurrent connections cannot be exercised on the in-memory test database",
    ),
]


def race(action, count: int = 2) -> list[str]:
    """Run `action` in `count` threads with their own connections at the same moment; "ok" for
    each success, the refusal's message otherwise, "error: …" for anything else (a server error)."""
    barrier = threading.Barrier(count)
    results = []

    def attempt(number):
        try:
            barrier.wait(timeout=20)
            action(number)
            results.append("ok")
        except workflow.WorkflowError as exc:
            results.append(str(exc))
        except Exception as exc:  # what a view would have answered with a 500
            results.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_completions_of_one_step_give_one_success(klego):
    cycle = start(klego)
    advance(klego, cycle, 6)
    (run,) = open_runs(cycle)  # step 6, the Kasubag's
    results = race(
        lambda _n: analysis_steps.finish_analysis(StepRun.objects.get(pk=run.pk), by=klego.kasubag, at=MONDAY)
    )
    assert len(results) == 2
    assert results.count("ok") == 1
    (refusal,) = [r for r in results if r != "ok"]
    assert "sudah diselesaikan" in refusal
    assert TransitionLog.objects.filter(run_id=run.pk).count() == 1
    assert StepRun.objects.filter(cycle=cycle, step__number=7).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_receipt_confirmations_record_one(klego):
    from kinerja.models import ReceiptConfirmation
    from kinerja.steps import submissions

    cycle = start(klego)
    advance(klego, cycle, 4)
    (run,) = open_runs(cycle)
    results = race(lambda _n: submissions.confirm_receipt(StepRun.objects.get(pk=run.pk), by=klego.kasubag, at=MONDAY))
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert ReceiptConfirmation.objects.filter(run_id=run.pk).count() == 1
    assert TransitionLog.objects.filter(run_id=run.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_saves_of_step_6_texts_and_figures_make_one_row_each(klego_data):
    """Autosave and the Simpan button save the same narrative, office figure or explanation at
    once; the first save used to be read-then-insert, and the second insert failed (a 500)."""
    from decimal import Decimal

    from kinerja.measurement import results
    from kinerja.models import Explanation, Indicator, Narrative, OfficeFigure
    from kinerja.steps import analysis_steps

    from .test_analysis_steps import to_step_6

    cycle = to_step_6(klego_data)
    kasubag = klego_data.kasubag
    saves = []
    for indicator in Indicator.objects.filter(organisation=klego_data.org):
        saves += race(
            lambda n, i=indicator: analysis_steps.save_narrative(
                cycle=cycle, by=kasubag, indicator=i, analysis=f"v{n}"
            ),
            count=8,
        )
    iku = Indicator.objects.get(code="IKU-04")
    for quarter in (1, 2, 3, 4):
        saves += race(
            lambda n, q=quarter: analysis_steps.set_office_figure(
                cycle=cycle, indicator=iku, quarter=q, value=Decimal(100 + n), by=kasubag
            ),
            count=8,
        )
    keys = [d.key for d in results.differences(cycle)]
    assert keys, "office figures of 100+ differ from the sections' sums"
    saves += race(lambda n: analysis_steps.explain(cycle=cycle, key=keys[0], text=f"alasan {n}", by=kasubag), count=8)
    assert len(saves) > 140 and set(saves) == {"ok"}, [s for s in saves if s != "ok"][:3]
    assert (
        Narrative.objects.filter(cycle=cycle).count() == Indicator.objects.filter(organisation=klego_data.org).count()
    )
    assert OfficeFigure.objects.filter(cycle=cycle, indicator=iku).count() == 4
    assert Explanation.objects.filter(cycle=cycle, key=keys[0]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_amendments_each_record_the_value_before_it(klego_data):
    from kinerja.models import Amendment, PerformanceRecord
    from kinerja.steps import filing

    from .test_analysis_steps import to_step_6

    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    filing.file_database(open_runs(cycle)[0], by=klego_data.kasubag, at=MONDAY)
    record = PerformanceRecord.objects.get(cycle=cycle, code="PEM-01")
    original = record.realisation
    results = race(
        lambda n: filing.amend(
            PerformanceRecord.objects.get(pk=record.pk), by=klego_data.kasubag, field="realisation",
            raw=str(1000 + n), reason="Koreksi", approver="Camat",
        ),
        count=20,
    )  # fmt: skip
    assert results == ["ok"] * 20
    chain = list(Amendment.objects.filter(record=record, field="realisation").order_by("created_at", "pk"))
    assert chain[0].old_value == original
    assert [a.old_value for a in chain[1:]] == [a.new_value for a in chain[:-1]]
    assert len({a.new_value for a in chain}) == 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_grouping_reports_record_one_for_the_round(klego_data):
    from kinerja.models import GroupingReport
    from kinerja.steps import analysis_steps

    from .test_analysis_steps import to_step_6

    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 7)
    (run,) = open_runs(cycle)
    results = race(
        lambda _n: analysis_steps.make_grouping(
            StepRun.objects.get(pk=run.pk), by=klego_data.kasubag, groupings=["objective"], at=MONDAY
        ),
        count=20,
    )
    assert results == ["ok"] * 20
    assert GroupingReport.objects.filter(run=run).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_starts_for_one_period_give_one_running_cycle(klego):
    """Both requests pass the "already running?" read at once; the partial unique constraint
    (one running cycle per organisation and period) lets only one insert through."""
    from kinerja.models import Cycle, Letter

    letters = [
        Letter.objects.create(
            organisation=klego.org, number=f"050/{n}", date=MONDAY.date(), sender="Bappeda", subject="Laporan",
            received_date=MONDAY.date(), registered_by=klego.kasubag,
        )
        for n in range(2)
    ]  # fmt: skip
    results = race(
        lambda n: workflow.start_cycle(
            organisation=klego.org, letter=letters[n], year=2026, quarter=None, by=klego.kasubag, at=MONDAY
        )
    )
    refused = [r for r in results if r != "ok"]
    assert results.count("ok") == 1 and len(refused) == 1, results
    assert refused[0].startswith("Sudah ada siklus yang berjalan untuk Tahun 2026 (dimulai 02-11-2026)"), refused
    assert Cycle.objects.filter(organisation=klego.org, year=2026, quarter=None).count() == 1
