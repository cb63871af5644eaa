"""The SOP sheet as printed (issue 18): the heading as the office writes it with the year after
the SOP number, the performer columns as printed, every text inside its row, and the returns
drawn as arrows from each decision up to the step it sends the work back to. Expected routes
worked out by hand from the seed SOP (steps 1, 2, 4-10; performers Kepala, Sekretaris, Kasubag,
Bidang/Seksi)."""

import io

from django.urls import reverse
from pypdf import PdfReader
from reportlab.lib.units import mm

from kinerja.models import SopVersion
from kinerja.reports import sop_document
from kinerja.sopflow import Return, flow_rows

ROW = {1: 0, 2: 1, 4: 2, 5: 3, 6: 4, 7: 5, 8: 6, 9: 7, 10: 8}
KEPALA, SEKRETARIS, KASUBAG, SEKSI = 0, 1, 2, 3


def routes(klego):
    version = SopVersion.objects.get()
    steps = list(version.steps.all())
    rows = flow_rows(version.performers, steps)
    return {(step, column): rows[ROW[step]][column].returns for step in ROW for column in range(4)}


def test_tidak_lengkap_is_an_arrow_from_step_5_up_to_the_sections_step_2(klego):
    cells = routes(klego)
    assert cells[(5, KASUBAG)] == [Return("start", 0, 0, "right", "Tidak lengkap → 2")]
    assert cells[(4, KASUBAG)] == [Return("up", 0, 0, "right")]
    assert cells[(2, KASUBAG)] == [Return("turn", 0, 0, "right")]
    assert cells[(2, SEKSI)] == [Return("end", 0, 0, "right")]


def test_each_review_return_is_its_own_arrow_into_the_grouping_or_the_analysis(klego):
    cells = routes(klego)
    assert cells[(8, SEKRETARIS)] == [
        Return("start", 0, 0, "right", "revisi pengelompokan → 7"),
        Return("start", 1, 0, "right", "revisi analisis → 6"),
    ]
    assert cells[(9, KEPALA)] == [
        Return("start", 0, 1, "right", "revisi pengelompokan → 7"),
        Return("start", 1, 1, "right", "revisi analisis → 6"),
    ]
    # Row 7 (grouping): the Sekretaris's arrow turns in her own column, the Camat's crosses it.
    assert cells[(7, KEPALA)] == [Return("turn", 0, 1, "right"), Return("up", 1, 1, "right")]
    assert cells[(7, SEKRETARIS)] == [Return("turn", 0, 0, "right"), Return("up", 1, 0, "right"),
                                      Return("across", 0, 1, "right")]  # fmt: skip
    assert cells[(7, KASUBAG)] == [Return("end", 0, 0, "right"), Return("end", 0, 1, "right")]
    assert cells[(6, KASUBAG)] == [Return("end", 1, 0, "right"), Return("end", 1, 1, "right")]
    assert cells[(8, KEPALA)] == [Return("up", 0, 1, "right"), Return("up", 1, 1, "right")]
    assert cells[(10, KASUBAG)] == [] and cells[(1, KEPALA)] == []


def test_the_printed_sheet_reads_as_the_office_writes_it(client, klego):
    client.force_login(klego.kasubag)
    response = client.get(reverse("kinerja:sop_pdf", args=[SopVersion.objects.get().pk]))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "PEMERINTAH KECAMATAN KLEGO KABUPATEN BOYOLALI" in text
    assert "Nomor SOP 050.2.1/343.116.151 2023" in text
    assert "Kepala Sekretaris Kasubag Perencanaan dan Pelaporan Bidang/Seksi" in text
    assert "30 menit" in text  # on one line: not "30 / menit"
    assert "Camat (Kepala)" not in text


def test_every_text_of_the_flow_table_fits_inside_its_row(klego):
    """reportlab's own measure of every paragraph at its column's width, less the cell's padding
    (6 pt each side, 3 pt above and below), against the row's height."""
    version = SopVersion.objects.get()
    table = sop_document._flow_table(version, 273 * mm)
    widths, heights = table._colWidths, table._argH
    for r, row in enumerate(table._cellvalues[2:], start=2):
        for c, cell in enumerate(row):
            if hasattr(cell, "wrap") and not isinstance(cell, sop_document.FlowSymbol):
                needed = cell.wrap(widths[c] - 12, 10_000)[1] + 6
                assert needed <= heights[r], (r, c, needed, heights[r])
