"""Step 4's "ceklist penerimaan data dan/atau laporan": sections × kinds of data, with who
uploaded which version when."""

from __future__ import annotations

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from .. import signatures
from ..models import Role, SopStep, StepRun
from .layout import GRID, HEADER_FILL, build, markup, page_size, signature_blocks, text


def render(cycle, kinds, rows, paper: str = "a4") -> bytes:
    width = page_size(paper if paper in ("a4", "f4") else "a4", wide=True)[0] - 24 * mm
    first = 60 * mm
    per_kind = (width - first) / max(len(kinds), 1)
    data = [[text("Seksi", "bold"), *[text(kind.name, "bold") for kind in kinds]]]
    for row in rows:
        cells = [text(row.section.name)]
        for cell in row.cells:
            if cell is None:
                cells.append(text("tidak diminta", "small"))
            elif cell.submission is None:
                cells.append(
                    text(f"BELUM DITERIMA ({cell.versions} unggahan ditolak)" if cell.versions else "BELUM DITERIMA")
                )
            else:
                s = cell.submission
                who = s.uploader + (f" (alasan: {s.on_behalf_reason})" if s.on_behalf_reason else "")
                when = timezone.localtime(s.uploaded_at).strftime("%d-%m-%Y %H:%M")
                cells.append(text(f"Diterima, versi {s.version}\n{who}\n{when}\nSHA-256 {s.sha256[:16]}…", "small"))
        data.append(cells)
    table = Table(data, colWidths=[first] + [per_kind] * len(kinds), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    confirmation = getattr(_open_or_last_run(cycle), "receipt", None)
    footer = (
        f"Dikonfirmasi oleh {confirmation.confirmed_by} pada "
        f"{timezone.localtime(confirmation.confirmed_at):%d-%m-%Y %H:%M}"
        if confirmation
        else "Belum dikonfirmasi Kasubag Perencanaan dan Pelaporan."
    )
    story = [
        markup("CEKLIST PENERIMAAN DATA DAN/ATAU LAPORAN", "title"),
        text(f"{cycle.sop_version.name} · {cycle.period_label} · langkah 4 SOP {cycle.sop_version.number}", "small"),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        text(footer),
    ]
    if confirmation and confirmation.note:
        story.append(text(f"Catatan penerimaan: {confirmation.note}"))
    day = signatures.local_day(confirmation.confirmed_at if confirmation else None)
    story.append(
        signature_blocks(
            signatures.signers(cycle.organisation, day, (Role.KASUBAG, "")),
            place=signatures.town(cycle.organisation), day=day, width=width,
        )
    )  # fmt: skip
    return build(
        story, organisation=cycle.organisation, title=f"Ceklist penerimaan {cycle.period_label}", paper=paper, wide=True
    )


def _open_or_last_run(cycle):
    return (
        StepRun.objects.filter(cycle=cycle, step__kind=SopStep.Kind.RECEIPT, receipt__isnull=False)
        .select_related("receipt__confirmed_by")
        .order_by("-round")
        .first()
    )
