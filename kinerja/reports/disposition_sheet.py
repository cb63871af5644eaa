"""The lembar disposisi: the letter's data, the instruction boxes ticked, and every hop with its
note, name, position and dates, on one page of A4 or F4 as Indonesian offices print it."""

from __future__ import annotations

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from ..models import DispositionInstruction, Letter
from .layout import (
    GRID,
    HEADER_FILL,
    build,
    checklist,
    markup,
    page_size,
    plain_type,
    signature_blocks,
    text,
    wrap_text,
)

NATURES = [("sangat_segera", "Sangat segera"), ("segera", "Segera"), ("rahasia", "Rahasia"), ("biasa", "Biasa")]
# Shrink the type, then shorten long notes, until the sheet fits on one page.
ATTEMPTS = [("body", None), ("small", None), ("small", 400), ("small", 160), ("tiny", 120), ("tiny", 50)]


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else "-"


def _clip(value: str, limit: int | None) -> str:
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"


def _story(letter: Letter, hops, labels, width: float, style: str, limit: int | None):
    """The sheet's parts. Table cells are plain text wrapped to their column in the style's type
    (a Paragraph per cell cost most of the sheet's time), headers in bold."""
    used = {label for hop in hops for label in hop.instructions}
    half = width / 2
    font, size, leading = plain_type(style)
    bold_font, bold_size, bold_leading = plain_type("bold")
    padding = 12  # a table cell's default padding, 6 points each side

    def fit(value, column: float) -> str:
        return wrap_text(str(value), font, size, column - padding)

    def head(value, column: float) -> str:
        return wrap_text(value, bold_font, bold_size, column - padding)

    letter_table = Table(
        [
            [fit(f"Surat dari: {letter.sender}", half), fit(f"Diterima tanggal: {_date(letter.received_date)}", half)],
            [fit(f"Nomor surat: {letter.number}", half), fit(f"Nomor agenda: {letter.agenda_label}", half)],
            [
                fit(f"Tanggal surat: {_date(letter.date)}", half),
                checklist(
                    [(label, letter.nature == code) for code, label in NATURES], columns=2, width=half - 6, style=style
                ),
            ],
            [fit(f"Perihal: {letter.subject}", width), ""],
        ],
        colWidths=[half, half],
    )
    letter_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, size, leading),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("SPAN", (0, 3), (1, 3)),
            ]
        )
    )
    recipients = []
    for hop in hops:
        name = f"{hop.recipient_title} ({hop.recipient})"
        if name not in recipients:
            recipients.append(name)
    listed = "\n".join(fit(f"{i}. {name}", half) for i, name in enumerate(recipients, 1)) or "-"
    routing = Table(
        [
            [head("Diteruskan kepada:", half), head("Dengan hormat harap:", half)],
            [listed, checklist([(label, label in used) for label in labels], columns=2, width=half - 6, style=style)],
        ],
        colWidths=[half, half],
    )
    routing.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, size, leading),
                ("FONT", (0, 0), (-1, 0), bold_font, bold_size, bold_leading),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ]
        )
    )
    widths = [9 * mm, 34 * mm, 34 * mm, 0, 20 * mm, 30 * mm, 13 * mm]
    widths[3] = width - sum(widths)
    headers = ("No", "Dari", "Kepada", "Instruksi dan catatan", "Batas waktu", "Dikirim / diterima", "Paraf")
    rows = [[head(h, w) for h, w in zip(headers, widths, strict=True)]]
    for i, hop in enumerate(hops, 1):
        lines = ", ".join(hop.instructions)
        if hop.note:
            lines = f"{lines}. {_clip(hop.note, limit)}" if lines else _clip(hop.note, limit)
        if hop.withdrawn_at:
            lines = f"DITARIK {_moment(hop.withdrawn_at)}: {_clip(hop.withdraw_reason, limit)}"
        cells = [
            i,
            f"{hop.sender}\n{hop.sender_title}",
            f"{hop.recipient}\n{hop.recipient_title}",
            lines or "-",
            _date(hop.deadline),
            f"kirim {_moment(hop.created_at)}\nterima {_moment(hop.acknowledged_at)}",
        ]
        rows.append([*(fit(c, w) for c, w in zip(cells, widths, strict=False)), ""])  # Paraf: by hand
    if len(rows) == 1:
        rows.append(["-", fit("Belum ada disposisi.", widths[1]), "", "", "", "", ""])
    hop_table = Table(rows, colWidths=widths, repeatRows=1)
    hop_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, size, leading),
                ("FONT", (0, 0), (-1, 0), bold_font, bold_size, bold_leading),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ]
        )
    )
    printed = timezone.localtime().strftime("%d-%m-%Y %H:%M")
    return [
        markup("<u>LEMBAR DISPOSISI</u>", "title"),
        Spacer(1, 3 * mm),
        letter_table,
        Spacer(1, 3 * mm),
        routing,
        Spacer(1, 3 * mm),
        text("Catatan disposisi", "bold"),
        Spacer(1, 1 * mm),
        hop_table,
        _signature(letter, hops, width),
        Spacer(1, 2 * mm),
        text(f"Dicetak dari Sistem Kinerja Kecamatan pada {printed} WIB.", "small"),
    ]


def _signature(letter: Letter, hops, width: float):
    """The head of the office signs the sheet he disposed: the holder of the post on the day of
    the first disposition (or of receipt, before any), Plt. where it applies."""
    from .. import signatures
    from ..models import Role

    first = next((hop.created_at for hop in hops), None)
    day = signatures.local_day(first) if first else (letter.received_date or signatures.local_day(None))
    organisation = letter.organisation
    return signature_blocks(
        signatures.signers(organisation, day, (Role.KEPALA, "")), place=signatures.town(organisation), day=day,
        width=width,
    )  # fmt: skip


def issued(letter: Letter, *, by, paper: str = "a4", cycle=None, at=None) -> bytes:
    """The sheet as an issued document (verification code and QR). Its register names the
    agenda number and year, never the subject: a rahasia letter's subject stays on paper."""
    from .. import verification
    from ..models import IssuedDocument

    year = (letter.received_date or letter.date).year
    return verification.issued(
        lambda: render(letter, paper=paper),
        organisation=letter.organisation,
        kind=IssuedDocument.Kind.DISPOSITION_SHEET,
        title=f"Lembar disposisi surat nomor agenda {letter.agenda_label}",
        period=cycle.period_label if cycle else f"Tahun {year}",
        by=by,
        cycle=cycle,
        at=at,
    )


def render(letter: Letter, paper: str = "a4") -> bytes:
    """The sheet as a one-page PDF on A4 or F4 paper."""
    hops = list(letter.dispositions.select_related("sender", "recipient").order_by("created_at", "pk"))
    labels = list(
        DispositionInstruction.objects.filter(organisation=letter.organisation, active=True).values_list(
            "label", flat=True
        )
    )
    labels += sorted({label for hop in hops for label in hop.instructions} - set(labels))
    width = page_size(paper)[0] - 24 * mm
    pdf = b""
    for style, limit in ATTEMPTS:
        stats: dict = {}
        pdf = build(
            _story(letter, hops, labels, width, style, limit),
            organisation=letter.organisation,
            title=f"Lembar Disposisi {letter.number}",
            paper=paper,
            footer=f"Lembar disposisi · surat {letter.number}",
            stats=stats,
        )
        if stats["pages"] == 1:
            break
    return pdf
