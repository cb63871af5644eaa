"""The SOP as printed: header block (number, dates, legal basis, qualifications, related SOPs,
equipment, warning, recording) and the flow table with one column per performer, the flowchart
symbols and their connectors, and the mutu baku columns."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from .. import wording
from ..models import SopVersion
from ..sopflow import FlowCell, flow_rows
from .layout import GRID, HEADER_FILL, STYLES, build, markup, page_size, text


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"


def _numbered(items: list[str]):
    return [text(f"{i}. {item}") for i, item in enumerate(items, 1)] or [text("-")]


# Return arrows (sopflow.Return): lanes along the left edge of a column, levels near a row's top.
LANE_X, LANE_STEP = 1.2 * mm, 1.4 * mm
LEVEL_Y, LEVEL_STEP = 1.6 * mm, 1.4 * mm
ENTRY_X, ENTRY_STEP = 3 * mm, 2 * mm
LABEL_FONT, LABEL_SIZE, LABEL_LEADING = "Helvetica-Oblique", 5, 1.85 * mm
# A decision's row is taller and its symbols sit high, leaving room under the decision for its
# return labels (right of the outgoing connector, clear of every line).
DECISION_ROW, DECISION_MIDDLE = 24 * mm, 8.5 * mm


class FlowSymbol(Flowable):
    """One performer cell of the flow table: the symbol, the connector lines to its edges and the
    pieces of return arrows that pass it, drawn over the cell's whole height (the table gives
    these cells no padding)."""

    def __init__(self, cell: FlowCell, width: float, height: float, middle: float | None = None):
        super().__init__()
        self.cell, self.width, self.height = cell, width, height
        self.cx, self.cy = width / 2, height / 2 if middle is None else middle
        self.sw, self.sh = min(width * 0.7, 22 * mm), min(height * 0.6, 8 * mm)
        self.half = {"decision": (self.sw / 2, self.sh / 2 + 1.5 * mm), "": (0, 0)}.get(
            cell.symbol, (self.sw / 2, self.sh / 2)
        )

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        c, cell = self.canv, self.cell
        w, h, cx, cy, half = self.width, self.height, self.cx, self.cy, self.half
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.7)
        if cell.line_in:
            c.line(cx, h, cx, cy + half[1])
            if cell.symbol:
                self._arrow(cx, cy + half[1], "down")
        if cell.line_out:
            c.line(cx, cy - half[1], cx, 0)
        if cell.line_left:
            c.line(0, cy, cx - half[0], cy)
            if cell.symbol:
                self._arrow(cx - half[0], cy, "right")
        if cell.line_right:
            c.line(cx + half[0], cy, w, cy)
        c.setLineWidth(0.5)
        for piece in cell.returns:
            self._return(piece)
        c.setLineWidth(0.7)
        c.setFillColor(colors.white)
        sw, sh = self.sw, self.sh
        if cell.symbol == "terminator":
            c.roundRect(cx - sw / 2, cy - sh / 2, sw, sh, sh / 2, stroke=1, fill=1)
        elif cell.symbol == "process":
            c.rect(cx - sw / 2, cy - sh / 2, sw, sh, stroke=1, fill=1)
        elif cell.symbol == "decision":
            dh = half[1]
            path = c.beginPath()
            path.moveTo(cx, cy + dh)
            path.lineTo(cx + sw / 2, cy)
            path.lineTo(cx, cy - dh)
            path.lineTo(cx - sw / 2, cy)
            path.close()
            c.drawPath(path, stroke=1, fill=1)
        for piece in cell.returns:  # arrowheads over the symbol's white fill
            if piece.part in ("end", "turn_end"):
                x = self._entry_x(piece)
                self._arrow(x, self._symbol_top(x), "down")
        self._labels([piece.label for piece in cell.returns if piece.part == "start"])

    def _return(self, piece):
        c, w, h, cx, cy = self.canv, self.width, self.height, self.cx, self.cy
        lane = LANE_X + piece.lane * LANE_STEP
        level = h - LEVEL_Y - piece.level * LEVEL_STEP
        if piece.part == "start":  # from the decision's left corner into the lane, up to the top edge
            c.line(cx - self.half[0], cy, lane, cy)
            c.line(lane, cy, lane, h)
        elif piece.part == "up":
            c.line(lane, 0, lane, h)
        elif piece.part == "turn":  # up the lane to the row's return level, then toward the target
            c.line(lane, 0, lane, level)
            c.line(lane, level, w if piece.toward == "right" else 0, level)
        elif piece.part == "across":
            c.line(0, level, w, level)
        elif piece.part in ("end", "turn_end"):
            x = self._entry_x(piece)
            if piece.part == "turn_end":
                c.line(lane, 0, lane, level)
                c.line(lane, level, x, level)
            else:
                c.line(0 if piece.toward == "right" else w, level, x, level)
            c.line(x, level, x, self._symbol_top(x))

    def _entry_x(self, piece) -> float:
        """Where a return enters its target symbol: left of the centre when it comes from the
        left (clear of the forward connector at the centre), right of it when from the right."""
        offset = ENTRY_X + piece.level * ENTRY_STEP
        return self.cx - offset if piece.toward == "right" or piece.part == "turn_end" else self.cx + offset

    def _symbol_top(self, x: float) -> float:
        if self.cell.symbol == "decision":
            return self.cy + self.half[1] * max(0.0, 1 - abs(x - self.cx) / (self.sw / 2))
        return self.cy + (self.sh / 2 if self.cell.symbol else 0)

    def _labels(self, labels: list[str]):
        """A decision's return labels, under it and right of its outgoing connector."""
        if not labels:
            return
        c = self.canv
        left = self.cx + 0.8 * mm
        width = self.width - 0.8 * mm - left
        lines = [line for label in labels for line in simpleSplit(label, LABEL_FONT, LABEL_SIZE, width)]
        c.setFillColor(colors.black)
        c.setFont(LABEL_FONT, LABEL_SIZE)
        y = 1.0 * mm + (len(lines) - 1) * LABEL_LEADING
        for line in lines:
            c.drawString(left, y, line)
            y -= LABEL_LEADING

    def _arrow(self, x, y, direction):
        c, s = self.canv, 1.3 * mm
        path = c.beginPath()
        if direction == "down":
            path.moveTo(x, y)
            path.lineTo(x - s / 2, y + s)
            path.lineTo(x + s / 2, y + s)
        else:
            path.moveTo(x, y)
            path.lineTo(x - s, y + s / 2)
            path.lineTo(x - s, y - s / 2)
        path.close()
        c.setFillColor(colors.black)
        c.drawPath(path, stroke=0, fill=1)


def _header(version: SopVersion, width: float) -> Table:
    """The header block as the office prints it: the office's heading ("PEMERINTAH KECAMATAN KLEGO
    KABUPATEN BOYOLALI"), the SOP number with its year beside it, the dates and the rest."""
    half = width / 2
    year = version.created_date.year if version.created_date else ""
    rows = [
        [
            markup(f"<b>{text(wording.office_heading(version.organisation)).text}</b>", "center"),
            text("Nomor SOP", "bold"),
            text(version.number),
            text(str(year), "center"),
        ],
        ["", text("Tanggal Pembuatan", "bold"), text(_date(version.created_date)), ""],
        ["", text("Tanggal Revisi", "bold"), text(_date(version.revised_date)), ""],
        ["", text("Tanggal Efektif", "bold"), text(_date(version.effective_date)), ""],
        ["", text("Disahkan oleh", "bold"), text(version.approved_by or "-"), ""],
        [text(version.unit, "center"), text("Nama SOP", "bold"), text(version.name, "bold"), ""],
        [text("Dasar Hukum", "bold"), text("Kualifikasi Pelaksana", "bold"), "", ""],
        [_numbered(version.legal_basis), _numbered(version.qualifications), "", ""],
        [text("Keterkaitan", "bold"), text("Peralatan/Perlengkapan", "bold"), "", ""],
        [_numbered(version.related_sops), _numbered(version.equipment), "", ""],
        [text("Peringatan", "bold"), text("Pencatatan dan Pendataan", "bold"), "", ""],
        [text(version.warning or "-"), text(version.recording or "-"), "", ""],
    ]
    table = Table(rows, colWidths=[half, half * 0.35, half * 0.5, half * 0.15])
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("SPAN", (0, 0), (0, 4)),
        ("VALIGN", (0, 0), (0, 5), "MIDDLE"),
    ]
    for r in range(1, 6):
        style.append(("SPAN", (2, r), (3, r)))
    for r in range(6, 12):
        style.append(("SPAN", (1, r), (3, r)))
    for r in (6, 8, 10):
        style.append(("BACKGROUND", (0, r), (-1, r), HEADER_FILL))
    table.setStyle(TableStyle(style))
    return table


def _flow_table(version: SopVersion, width: float) -> Table:
    steps = list(version.steps.all())
    performers = version.performers
    labels = version.performer_labels()
    n = len(performers)
    # "30 menit" on one line; the performer columns wide enough for the return labels.
    fixed = {"no": 10 * mm, "kegiatan": 42 * mm, "kelengkapan": 30 * mm, "waktu": 18 * mm, "output": 30 * mm}
    remark_w = 28 * mm
    perf_w = (width - sum(fixed.values()) - remark_w) / max(n, 1)
    col_widths = [
        fixed["no"],
        fixed["kegiatan"],
        *[perf_w] * n,
        fixed["kelengkapan"],
        fixed["waktu"],
        fixed["output"],
        remark_w,
    ]
    header1 = [
        text("No.", "center"),
        text("Kegiatan", "center"),
        text("Pelaksana", "center"),
        *[""] * (n - 1),
        text("Mutu Baku", "center"),
        "",
        "",
        text("Keterangan", "center"),
    ]
    header2 = [
        "",
        "",
        *[text(label, "small_center") for label in labels],
        text("Kelengkapan", "center"),
        text("Waktu", "center"),
        text("Output", "center"),
        "",
    ]
    data = [header1, header2]
    heights = [None, None]
    # A text cell has the table's default padding: 6 pt left and right, 3 pt above and below.
    pad_x, pad_y = 12, 6 + 2
    for step, cells in zip(steps, flow_rows(performers, steps), strict=True):
        texts = [
            text(step.number),
            text(step.activity),
            text(step.required_input),
            text(step.duration_label),
            text(step.output),
            text(step.remark, "small"),
        ]
        widths = [fixed["no"], fixed["kegiatan"], fixed["kelengkapan"], fixed["waktu"], fixed["output"], remark_w]
        tallest = max(p.wrap(w - pad_x, 10_000)[1] for p, w in zip(texts, widths, strict=True))
        least = DECISION_ROW if any(cell.symbol == "decision" for cell in cells) else 17 * mm
        height = max(tallest + pad_y, least)
        heights.append(height)
        middle = height - DECISION_MIDDLE if any(cell.symbol == "decision" for cell in cells) else None
        symbols = [FlowSymbol(cell, perf_w, height, middle) for cell in cells]
        data.append([texts[0], texts[1], *symbols, *texts[2:]])
    table = Table(data, colWidths=col_widths, rowHeights=heights, repeatRows=2)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 1), HEADER_FILL),
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (1, 0), (1, 1)),
        ("SPAN", (2, 0), (1 + n, 0)),
        ("SPAN", (2 + n, 0), (4 + n, 0)),
        ("SPAN", (5 + n, 0), (5 + n, 1)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("VALIGN", (0, 2), (-1, -1), "TOP"),
        ("LEFTPADDING", (2, 2), (1 + n, -1), 0),
        ("RIGHTPADDING", (2, 2), (1 + n, -1), 0),
        ("TOPPADDING", (2, 2), (1 + n, -1), 0),
        ("BOTTOMPADDING", (2, 2), (1 + n, -1), 0),
    ]
    table.setStyle(TableStyle(style))
    return table


def render(version: SopVersion, paper: str = "a4") -> bytes:
    """The SOP version as a landscape PDF."""
    width = page_size(paper, wide=True)[0] - 24 * mm
    story = [
        _header(version, width),
        Spacer(1, 5 * mm),
        markup(f"SOP {text(version.name).text.upper()}", "title"),
        Spacer(1, 2 * mm),
        _flow_table(version, width),
    ]
    return build(
        story,
        organisation=version.organisation,
        title=f"SOP {version.number} {version.name}",
        paper=paper,
        wide=True,
        footer=f"SOP {version.number} — {version.name}",
    )


__all__ = ["render", "STYLES"]
