"""Step 5's "cek list kelengkapan data": for every round and section, the automatic checks with
what failed, the Kasubag's own items, the verdict and the reasons."""

from __future__ import annotations

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from .. import signatures
from ..models import Role
from .layout import GRID, HEADER_FILL, TickBox, build, markup, page_size, signature_blocks, text


def render(cycle, checks, paper: str = "a4") -> bytes:
    paper = paper if paper in ("a4", "f4") else "a4"
    width = page_size(paper)[0] - 24 * mm
    story = [
        markup("CEK LIST KELENGKAPAN DATA", "title"),
        text(f"{cycle.sop_version.name} · {cycle.period_label} · langkah 5 SOP {cycle.sop_version.number}", "small"),
        Spacer(1, 4 * mm),
    ]
    if not checks:
        story.append(text("Belum ada pemeriksaan kelengkapan pada siklus ini."))
    for check in checks:
        rows = [[text(f"Putaran {check.run.round} · {check.section.name}", "bold"), "", ""]]
        for item in check.automatic:
            details = "; ".join(item.get("details", [])[:8])
            mark = text("info", "small") if item.get("info") else TickBox(item["ok"])
            rows.append([mark, text(item["label"]), text(details or "-", "small")])
        for item in check.manual:
            rows.append(
                [TickBox(item.get("ok", False)), text(item["label"]), text("butir pemeriksaan Kasubag", "small")]
            )
        verdict = "LENGKAP" if check.complete else "TIDAK LENGKAP — dikembalikan ke seksi"
        rows.append(["", text(f"Hasil: {verdict}", "bold"), text(check.reasons or "-")])
        rows.append(
            [
                "",
                text(f"Diperiksa oleh {check.checked_by}", "small"),
                text(timezone.localtime(check.checked_at).strftime("%d-%m-%Y %H:%M"), "small"),
            ]
        )
        table = Table(rows, colWidths=[8 * mm, width * 0.45, width - 8 * mm - width * 0.45])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                    ("SPAN", (0, 0), (-1, 0)),
                    ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [KeepTogether(table), Spacer(1, 4 * mm)]
    day = signatures.local_day(max((check.checked_at for check in checks), default=None))
    story.append(
        signature_blocks(
            signatures.signers(cycle.organisation, day, (Role.SEKRETARIS, signatures.MENGETAHUI), (Role.KASUBAG, "")),
            place=signatures.town(cycle.organisation), day=day, width=width,
        )
    )  # fmt: skip
    return build(
        story, organisation=cycle.organisation, title=f"Cek list kelengkapan {cycle.period_label}", paper=paper
    )
