"""The SOP as printed: header block (number, dates, legal basis, qualifications, related SOPs,
equipment, warning, recording) and the flow table with one column per performer, the flowchart
symbols and their connectors, and the mutu baku columns."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from ..models import SopVersion
from ..sopflow import FlowCell, flow_rows
from .layout import GRID, HEADER_FILL, STYLES, build, markup, page_size, text


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"


def _numbered(items: list[str]):
    return [text(f"{i}. {item}") for i, item in enumerate(items, 1)] or [text("-")]


class FlowSymbol(Flowable):
    """One performer cell of the flow table: the symbol and the connector lines to its edges,
    drawn over the cell's whole height (the table gives these cells no padding)."""

    def __init__(self, cell: FlowCell, width: float, height: float):
        super().__init__()
        self.cell, self.width, self.height = cell, width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        c, cell = self.canv, self.cell
        w, h = self.width, self.height
        cx, cy = w / 2, h / 2
        sw, sh = min(w * 0.7, 22 * mm), min(h * 0.6, 8 * mm)
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.7)
        half = {"decision": (sw / 2, sh / 2 + 1.5 * mm), "": (0, 0)}.get(cell.symbol, (sw / 2, sh / 2))
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
        c.setFillColor(colors.white)
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
        if cell.label:
            c.setFillColor(colors.black)
            c.setFont("Helvetica-Oblique", 5.5)
            c.drawCentredString(cx, 1.2 * mm, cell.label[:60])

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
    org = version.organisation
    half = width / 2
    rows = [
        [
            markup(f"<b>{text(org.government).text.upper()}<br/>{text(org.name).text.upper()}</b>", "center"),
            text("Nomor SOP", "bold"),
            text(version.number),
        ],
        ["", text("Tanggal Pembuatan", "bold"), text(_date(version.created_date))],
        ["", text("Tanggal Revisi", "bold"), text(_date(version.revised_date))],
        ["", text("Tanggal Efektif", "bold"), text(_date(version.effective_date))],
        ["", text("Disahkan oleh", "bold"), text(version.approved_by or "-")],
        [text(version.unit, "center"), text("Nama SOP", "bold"), text(version.name, "bold")],
        [text("Dasar Hukum", "bold"), text("Kualifikasi Pelaksana", "bold"), ""],
        [_numbered(version.legal_basis), _numbered(version.qualifications), ""],
        [text("Keterkaitan", "bold"), text("Peralatan/Perlengkapan", "bold"), ""],
        [_numbered(version.related_sops), _numbered(version.equipment), ""],
        [text("Peringatan", "bold"), text("Pencatatan dan Pendataan", "bold"), ""],
        [text(version.warning or "-"), text(version.recording or "-"), ""],
    ]
    table = Table(rows, colWidths=[half, half * 0.35, half * 0.65])
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("SPAN", (0, 0), (0, 4)),
        ("VALIGN", (0, 0), (0, 5), "MIDDLE"),
    ]
    for r in range(6, 12):
        style.append(("SPAN", (1, r), (2, r)))
    for r in (6, 8, 10):
        style.append(("BACKGROUND", (0, r), (-1, r), HEADER_FILL))
    table.setStyle(TableStyle(style))
    return table


def _flow_table(version: SopVersion, width: float) -> Table:
    steps = list(version.steps.all())
    performers = version.performers
    labels = version.performer_labels()
    n = len(performers)
    fixed = {"no": 10 * mm, "kegiatan": 52 * mm, "kelengkapan": 36 * mm, "waktu": 15 * mm, "output": 36 * mm}
    remark_w = 32 * mm
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
    pad = 6
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
        height = max(max(p.wrap(w - pad, 10_000)[1] for p, w in zip(texts, widths, strict=True)) + pad, 17 * mm)
        heights.append(height)
        symbols = [FlowSymbol(cell, perf_w, height) for cell in cells]
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
