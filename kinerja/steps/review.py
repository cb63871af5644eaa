"""Steps 8 and 9 of the SOP: the Sekretaris and then the Camat review the processed result and
approve it or return it with revision notes on exact items; every round keeps a snapshot of what
it saw, so the next round shows what changed since."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from .. import uploads, verification, wording
from ..engine import registry, workflow
from ..engine.workflow import WorkflowError
from ..measurement import basis, results
from ..models import Cycle, Indicator, IssuedDocument, Narrative, ReviewNote, ReviewSnapshot, SopStep, StepRun, User

REVIEW = SopStep.Kind.REVIEW


def _text(value) -> str | None:
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _target_text(target) -> str | None:
    """The target the capaian stands against, in the snapshot's plain number format."""
    if target is None:
        return None
    if target.low is not None and target.high is not None:
        return f"{_text(target.low)}–{_text(target.high)}"
    return _text(target.value) if target.value is not None else (target.text or None)


def snapshot(cycle: Cycle, figures: list | None = None) -> dict:
    """Every indicator's figures and narrative as they stand, as plain JSON (`figures`: the
    cycle's `results.indicator_results` when the caller has just read them)."""
    narratives = {n.indicator_id: n for n in Narrative.objects.filter(cycle=cycle, indicator__isnull=False)}
    data = {}
    for r in results.indicator_results(cycle) if figures is None else figures:
        narrative = narratives.get(r.indicator.pk)
        data[r.indicator.code] = {
            "name": r.indicator.name,
            "target": _target_text(r.period_target),
            "realisations": {str(q): _text(v) for q, v in r.realisations.items()},
            "to_date": _text(r.year_to_date),
            "capaian": _text(r.year_capaian.rounded(2)),
            "category": r.category,
            "narrative": " ".join(
                filter(None, [narrative.analysis, narrative.causes, narrative.obstacles, narrative.follow_up])
            )
            if narrative
            else "",
        }
    return data


def open_review(cycle: Cycle) -> StepRun | None:
    return workflow.open_run(cycle, REVIEW)


@dataclass
class NoteInput:
    text: str
    indicator: Indicator | None = None
    quarter: int | None = None
    topic: str = ReviewNote.Topic.GENERAL


def review(
    run: StepRun,
    *,
    by: User,
    outcome: str,
    notes: list[NoteInput] = (),
    sections: list = (),
    overdue_reason: str = "",
    at: datetime.datetime | None = None,
) -> list[StepRun]:
    """Approve (the step's forward outcome, "disetujui" in this SOP) or return (an outcome the SOP
    flags as sending work back, or workflow.RETURN_TO_SECTIONS for the named `sections`) a round,
    with notes attached to items. A return needs at least one note. The round's snapshot and the
    analysis report as decided are kept with the closing, in one transaction."""
    now = at or timezone.now()
    notes = [n for n in notes if n.text and n.text.strip()]
    if workflow.needs_note(run.step, outcome) and not notes:
        raise WorkflowError("Tuliskan catatan revisi (pada indikator, nilai, narasi, atau umum) sebelum mengembalikan.")

    def keep_decision(run: StepRun) -> None:
        final = final_review_step(run.cycle)
        # The final approval keeps the master data its figures were computed with: filing files those.
        kept = (
            basis.capture(run.cycle) if final and run.step_id == final.pk and outcome == final.forward_outcome else None
        )
        ReviewSnapshot.objects.create(
            run=run, data=snapshot(run.cycle), document=_decided_document(run, by), basis=kept, created_at=now
        )
        for item in notes:
            if item.indicator is not None and item.indicator.organisation_id != run.cycle.organisation_id:
                raise WorkflowError("Catatan harus tentang indikator organisasi ini.")
            note = ReviewNote(
                run=run,
                indicator=item.indicator,
                quarter=item.quarter if item.quarter in (1, 2, 3, 4) else None,
                topic=item.topic,
                text=item.text.strip()[:4000],
                created_by=by,
                created_at=now,
            )
            note._history_user = by
            note.save()

    summary = "; ".join(
        (f"{n.indicator.code}{f' {wording.quarter(n.quarter)}' if n.quarter else ''}: " if n.indicator else "")
        + n.text.strip()
        for n in notes
    )
    return workflow.close_step(
        run, by=by, kind=REVIEW, outcome=outcome, note=summary[:4000], sections=sections,
        overdue_reason=overdue_reason, record=keep_decision, at=now,
    )  # fmt: skip


def _decided_document(run: StepRun, by: User):
    """The analysis report as the reviewer decided on it, kept byte for byte: the archive files
    this very document for the approved round (its SHA-256 is shown on the review page)."""
    from ..reports.analysis_report import analysis_document  # lazy: reportlab costs every process 0.1 s

    cycle = run.cycle
    document = verification.issued_for_cycle(
        cycle, IssuedDocument.Kind.ANALYSIS, lambda: analysis_document(cycle), by=by
    )
    return uploads.store_bytes(
        document,
        organisation=cycle.organisation,
        by=by,
        original_name=f"laporan-analisa-{cycle.year}-{cycle.quarter or 'tahun'}-langkah-{run.step.number}"
        f"-putaran-{run.round}.pdf",
        content_type="application/pdf",
    )


def final_review_step(cycle: Cycle) -> SopStep | None:
    """The last review of the cycle's SOP (the Camat's, step 9 in this SOP): its approval is final."""
    return cycle.sop_version.steps.filter(kind=REVIEW).order_by("-order").first()


def is_final_approval(run: StepRun, final: SopStep | None) -> bool:
    return final is not None and run.step_id == final.pk and run.outcome == final.forward_outcome


def approved_document(cycle):
    """The snapshot of the final approving decision with its kept document, or None."""
    final = final_review_step(cycle)
    if final is None:
        return None
    return (
        ReviewSnapshot.objects.filter(
            run__cycle=cycle, run__step=final, run__outcome=final.forward_outcome, document__isnull=False
        )
        .select_related("document", "run")
        .order_by("-created_at", "-pk")
        .first()
    )


FIGURES = ("target", "realisations", "to_date", "capaian", "category")


def check_as_approved(cycle: Cycle, figures: list) -> None:
    """Before filing: a final approval that kept no master data (given before they were kept)
    must see its figures again in `figures` (the cycle's results as filing reads them), else
    nothing is filed and the sentence names the indicators that differ. One that kept them gives
    its figures by construction (measurement.basis)."""
    approval = approved_document(cycle)
    if approval is None or approval.basis is not None:
        return
    now = snapshot(cycle, figures)

    def shown(data: dict, code: str):
        entry = data.get(code)
        return None if entry is None else tuple(repr(entry.get(name)) for name in FIGURES)

    differ = sorted(code for code in set(now) | set(approval.data) if shown(now, code) != shown(approval.data, code))
    if differ:
        raise WorkflowError(
            f"Angka yang akan diarsipkan berbeda dari yang disetujui {approval.run.step.get_actor_role_display()} "
            f"pada {timezone.localtime(approval.created_at):%d-%m-%Y %H:%M} untuk {', '.join(differ)}: data induknya "
            "(target, cara hitung atau kategori) berubah sesudah persetujuan. Tidak ada yang diarsipkan; kembalikan "
            "data induk seperti saat disetujui, lalu arsipkan lagi."
        )


@dataclass
class Change:
    code: str
    field: str
    before: str | None
    after: str | None


FIELD_LABELS = {
    "target": "Target",
    "to_date": "Realisasi s.d. periode",
    "capaian": "Capaian (%)",
    "category": "Kategori",
    "narrative": "Narasi",
}


@dataclass(frozen=True)
class ReturnNotes:
    """A review's return behind a round of the analysis or the grouping, as the page shows it."""

    run: StepRun  # the review round that sent the work back
    notes: list


def return_behind(run: StepRun | None) -> ReturnNotes | None:
    """The review that sent the work back to the round `run` belongs to, with its notes: the
    run's own source if a review returned it, or, for a step that followed in the same round
    (the grouping after a revised analysis), the review behind the step it followed. None in a
    first round or one caused by anything but a review. Reads nothing in a first round."""
    if run is None or run.round == 1:
        return None
    current = run
    for _ in range(12):  # a round is a handful of steps long
        if current.returned_from_id is None:
            return None
        source = StepRun.objects.select_related("step", "closed_by").get(pk=current.returned_from_id)
        if workflow.sent_back(source, current):
            if source.step.kind != REVIEW:
                return None
            notes = list(source.review_notes.select_related("indicator").order_by("pk"))
            return ReturnNotes(source, notes)
        current = source
    return None


def last_return(cycle: Cycle) -> StepRun | None:
    """The latest review round that sent the work back."""
    closed = (
        StepRun.objects.filter(cycle=cycle, step__kind=REVIEW, closed_at__isnull=False)
        .select_related("step", "closed_by", "snapshot")
        .order_by("-closed_at", "-pk")
    )
    return next((run for run in closed if workflow.needs_note(run.step, run.outcome)), None)


def changes_since(cycle: Cycle, returned: StepRun | None, figures: list | None = None) -> list[Change]:
    """What changed between the snapshot of the returned round and now, side by side."""
    if returned is None or not hasattr(returned, "snapshot"):
        return []
    before = returned.snapshot.data
    now = snapshot(cycle, figures)
    found = []
    for code in sorted(set(before) | set(now)):
        old, new = before.get(code, {}), now.get(code, {})
        for key, label in FIELD_LABELS.items():
            if old.get(key) != new.get(key):
                found.append(Change(code, label, old.get(key), new.get(key)))
        old_q, new_q = old.get("realisations", {}), new.get("realisations", {})
        for q in ("1", "2", "3", "4"):
            if old_q.get(q) != new_q.get(q):
                found.append(Change(code, f"Realisasi TW {results.ROMAN[int(q)]}", old_q.get(q), new_q.get(q)))
    return found


def _reviewed_through_the_review_page(run: StepRun, outcome: str) -> str | None:
    if not ReviewSnapshot.objects.filter(run=run).exists():
        return "Putuskan pemeriksaan di halaman pemeriksaan hasil (setujui atau kembalikan dengan catatan)."
    return None


registry.register(
    registry.StepHandler(
        kind=REVIEW,
        label="Buka pemeriksaan hasil",
        page=lambda run: reverse("kinerja:review", args=[run.cycle_id]),
        input_checks=(_reviewed_through_the_review_page,),
        returns_to_sections=True,
    )
)
