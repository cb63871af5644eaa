"""The flowchart of an SOP's flow table: for each step row and each performer column, which
symbol stands there and which connector lines run through the cell. The page and the PDF draw
the same geometry from this one function."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Return:
    """One piece of a return arrow (a decision sending the work back to an earlier step) in one
    cell. The arrow leaves the decision's left corner into a lane along the left edge of the
    decision's column, runs up that lane to the target step's row, crosses that row near its top
    to the target symbol's column and points down into the symbol.

    part: "start" (the decision's cell), "up" (a cell the lane passes), "turn" (the lane's cell in
    the target row), "across" (a cell crossed in the target row), "end" (the target symbol's
    cell), "turn_end" (the lane's column is the target's). lane: which lane of its column (x);
    level: which return into the target row (y). toward: the direction the arrow crosses the
    target row ("right" or "left")."""

    part: str
    lane: int = 0
    level: int = 0
    toward: str = "right"
    label: str = ""


@dataclass
class FlowCell:
    symbol: str = ""  # "terminator", "process", "decision" or ""
    line_in: bool = False  # from the top edge down to the middle
    line_out: bool = False  # from the middle down to the bottom edge
    line_left: bool = False  # from the left edge to the middle
    line_right: bool = False  # from the middle to the right edge
    label: str = ""  # a branch note beside a decision symbol
    returns: list[Return] = field(default_factory=list)  # pieces of return arrows (the printed sheet)

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
    _route_returns(rows, performers, steps)
    return rows


def target_column(step, performers: list[str]) -> int:
    """The column of the symbol a step is entered at: its actor's, else its first symbol's."""
    if step.actor_role in performers and step.symbols.get(step.actor_role):
        return performers.index(step.actor_role)
    return next((i for i, role in enumerate(performers) if step.symbols.get(role)), 0)


def _route_returns(rows: list[list[FlowCell]], performers: list[str], steps: list) -> None:
    """Lay each return of each decision (an outcome going to an earlier step) into the cells its
    arrow passes (see Return)."""
    index = {s.number: i for i, s in enumerate(steps)}
    lanes: dict[int, int] = {}  # column -> returns routed in it so far
    levels: dict[int, int] = {}  # target row -> returns entering it so far
    for r, step in enumerate(steps):
        column = next((i for i, cell in enumerate(rows[r]) if cell.symbol == "decision"), None)
        if column is None:
            continue
        for outcome in step.outcomes:
            target = step.next_steps.get(outcome)
            if target is None or target not in index or index[target] >= r:
                continue
            t_row = index[target]
            t_col = target_column(steps[t_row], performers)
            lane = lanes.get(column, 0)
            lanes[column] = lane + 1
            level = levels.get(t_row, 0)
            levels[t_row] = level + 1
            label = f"{_short(step.outcome_labels.get(outcome, outcome))} → {target}"
            toward = "left" if t_col < column else "right"
            rows[r][column].returns.append(Return("start", lane, level, toward, label))
            for between in range(t_row + 1, r):
                rows[between][column].returns.append(Return("up", lane, level, toward))
            if t_col == column:
                rows[t_row][column].returns.append(Return("turn_end", lane, level, toward))
                continue
            rows[t_row][column].returns.append(Return("turn", lane, level, toward))
            step_by = 1 if t_col > column else -1
            for crossed in range(column + step_by, t_col, step_by):
                rows[t_row][crossed].returns.append(Return("across", lane, level, toward))
            rows[t_row][t_col].returns.append(Return("end", lane, level, toward))
