"""A cycle filed end to end, and every capaian compared, wherever it is written, with values
computed by hand: the database, the archived database workbook, the LKjIP workbook, the analysis
workbook and the archived PDFs' text.

The figures (TW IV 2026; the demo master data; targets and realisations as in
tests/test_analysis_steps.DATA), each kept to two decimals half-up:
- PEM-01 13 / 13 = 100; PEM-02 100 / 100 = 100; TRA-01 92 / 90 = 102,22; PMD-02 77 / 77 = 100;
  KES-02 95 / 95 = 100; PEL-01 97 / 95 = 102,11.
- TRA-02 (lower is better, s.d.) 20 against 12: (2 - 20/12) x 100 = 33,33.
- PMD-01 (s.d.) 22 / 24 = 91,67; KES-01 (s.d.) 16 / 16 = 100.
- PEL-02 (average, lower is better) (2 + 2 + 1,5 + 2) / 4 = 1,875 against 2: 106,25.
- IKU-01 (office figure 80) 80 / 85 = 94,12; IKU-04 (office figure s.d. 38) 38 / 40 = 95.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from kinerja.measurement import results
from kinerja.models import Indicator, PerformanceRecord
from kinerja.steps import analysis_steps, filing

from .conftest import MONDAY, advance, open_runs
from .test_analysis_steps import to_step_6

HAND = {
    "PEM-01": Decimal("100.00"), "PEM-02": Decimal("100.00"), "TRA-01": Decimal("102.22"),
    "TRA-02": Decimal("33.33"), "PMD-01": Decimal("91.67"), "PMD-02": Decimal("100.00"),
    "KES-01": Decimal("100.00"), "KES-02": Decimal("100.00"), "PEL-01": Decimal("102.11"),
    "PEL-02": Decimal("106.25"), "IKU-01": Decimal("94.12"), "IKU-04": Decimal("95.00"),
}  # fmt: skip
NOT_MEASURED = {"IKU-02", "IKU-03"}  # no office figure entered


def approved(cast):
    """The cycle of these figures through its analysis and both reviews: step 10 open."""
    cycle = to_step_6(cast)
    kasubag = cast.kasubag
    for code, value in (("IKU-01", 80), ("IKU-04", 38)):
        analysis_steps.set_office_figure(
            cycle=cycle, indicator=Indicator.objects.get(code=code), quarter=4, value=Decimal(value), by=kasubag
        )
    for difference in results.differences(cycle):  # IKU-01 against PEM-01 and PEM-02's average
        analysis_steps.explain(cycle=cycle, key=difference.key, text="Diukur dari evaluasi Inspektorat", by=kasubag)
    return advance(cast, cycle, 10)


@pytest.fixture
def filed(klego_data):
    cycle = approved(klego_data)
    (run,) = open_runs(cycle)
    archive = filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    return cycle, archive


def as_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def workbook_capaian(data: bytes, code_column: int, capaian_column: int) -> dict:
    found = {}
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows(min_row=5, values_only=True):
            if len(row) > capaian_column and row[code_column] in HAND.keys() | NOT_MEASURED:
                found[row[code_column]] = as_decimal(row[capaian_column])
    return found


def written(value: Decimal) -> str:
    """As the PDFs write a kept capaian: Indonesian decimal comma, no trailing zeros."""
    text = f"{value.normalize():f}".replace(".", ",")
    return text


def test_every_capaian_of_a_filed_cycle_is_the_hand_computed_one_wherever_it_is_written(client, klego_data, filed):
    cycle, archive = filed
    expected = {**HAND, **dict.fromkeys(NOT_MEASURED)}

    database = {r.code: r.capaian for r in PerformanceRecord.objects.filter(cycle=cycle)}
    assert database == expected

    with zipfile.ZipFile(io.BytesIO(archive.file.file.open("rb").read())) as bundle:
        table = bundle.read("laporan/07-tabel-data-base-kinerja.xlsx")
        pdfs = {name: bundle.read(name) for name in bundle.namelist() if name.endswith(".pdf")}
    assert workbook_capaian(table, 0, 10) == expected  # Kode … Capaian (%) in the 11th column

    client.force_login(klego_data.kasubag)
    lkjip = client.get(reverse("kinerja:exports", args=["lkjip.xlsx"]), {"tahun": 2026}).content
    assert workbook_capaian(lkjip, 0, 6) == expected

    analysis = client.get(reverse("kinerja:analysis", args=[cycle.pk]), {"format": "xlsx"}).content
    book = load_workbook(io.BytesIO(analysis))
    by_objective = {}
    for sheet in book.worksheets:
        if sheet.title == "Per triwulan":
            continue
        for row in sheet.iter_rows(min_row=5, values_only=True):
            if row[0] in expected:
                by_objective[row[0]] = as_decimal(row[5])
    assert by_objective == expected

    reader = PdfReader(io.BytesIO(pdfs["laporan/04-laporan-analisa.pdf"]))
    analysis_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    # in the report's order: objective (TRA-02 in SS1; IKU-04, KES-01, PMD-01 in SS3), then code
    assert "Indikator yang triwulannya dijumlah (TRA-02, IKU-04, KES-01, PMD-01)" in analysis_text
    for name in ("laporan/04-laporan-analisa.pdf", "laporan/07-tabel-data-base-kinerja.pdf"):
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdfs[name])).pages).split())
        for code, value in HAND.items():
            line = text[text.index(code) :][:400]
            assert written(value) in line, (name, code, written(value), line[:200])


def test_a_renstra_share_rounds_half_up_like_every_capaian():
    """19,449 of a Renstra target of 20 is 97,245 %: shown as 97,25 everywhere (half-up), never
    97,24 (the banker's rounding Decimal.quantize uses by default)."""
    from decimal import Decimal

    from kinerja.steps import filing

    assert filing._renstra_share(Decimal("19.449"), Decimal("20")) == Decimal("97.25")
