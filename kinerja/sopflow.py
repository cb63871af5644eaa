"""The flowchart of an SOP's flow table: for each step row and each performer column, which
symbol stands there and which connector lines run through the cell. The page and the PDF draw
the same geometry from this one function."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FlowCell:
    symbol: str = ""  # "terminator", "process", "decision" or ""
    line_in: bool = False  # from the top edge down to the middle
    line_out: bool = False  # from the middle down to the bottom edge
    line_left: bool = False  # from the left edge to the middle
    line_right: bool = False  # from the middle to the right edge
    label: str = ""  # a branch note beside a decision symbol

    @property
    def css(self) -> str:
        names = [f"sym-{self.symbol}"] if self.symbol else []
        names += [
            name
            for name, on in (
                ("in", self.line_in),
                ("out", self.line_out),
                ("left", self.line_left),
                ("right", self.line_right),
            )
            if on
        ]
        return " ".join(f"flow-{n}" for n in names)


def _short(label: str) -> str:
    """ "Kembalikan: revisi analisis" -> "revisi analisis"; "Tidak lengkap, kembalikan" -> "Tidak lengkap"."""
    if ":" in label:
        return label.split(":", 1)[1].strip()
    return label.split(",")[0].strip()


def branch_label(step, steps_by_number) -> str:
    """For a decision: where each non-forward outcome goes, e.g. "Tidak lengkap → 2"."""
    if len(step.next_steps) < 2:
        return ""
    forward = min((n for n in step.next_steps.values() if n is not None and n > step.number), default=None)
    parts = [
        f"{_short(step.outcome_labels.get(outcome, outcome))} → {target}"
        for outcome in step.outcomes
        if (target := step.next_steps[outcome]) is not None and target != forward
    ]
    return "; ".join(parts)


def flow_rows(performers: list[str], steps: list) -> list[list[FlowCell]]:
    """One list of cells (one per performer column) for each step, in order."""
    rows = []
    entry = None
    by_number = {s.number: s for s in steps}
    for index, step in enumerate(steps):
        cells = [FlowCell(symbol=step.symbols.get(role, "")) for role in performers]
        columns = [i for i, role in enumerate(performers) if step.symbols.get(role)]
        exit_col = (
            performers.index(step.actor_role) if step.actor_role in performers else (columns[-1] if columns else 0)
        )
        span = columns + ([entry] if entry is not None else [])
        if span:
            lo, hi = min(span), max(span)
            for i in range(lo, hi + 1):
                cells[i].line_left = i > lo
                cells[i].line_right = i < hi
        if entry is not None:
            cells[entry].line_in = True
        if index < len(steps) - 1:
            cells[exit_col].line_out = True
        decision = next((c for c in cells if c.symbol == "decision"), None)
        if decision:
            decision.label = branch_label(step, by_number)
        rows.append(cells)
        entry = exit_col
    return rows
