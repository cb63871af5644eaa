"""Hostile and broken workbooks, made here: each gets a clear Indonesian message, never an
exception, a hang or a memory blow-up. The bound on time and memory is part of each test."""

import io
import struct
import time
import tracemalloc
import zipfile

import pytest

from kinerja.models import Indicator
from kinerja.spreadsheets import screening
from kinerja.spreadsheets.importer import read_workbook

from .conftest import workbook_bytes

MAX_SECONDS = 5
MAX_PEAK_BYTES = 150 * 1024 * 1024


def valid_workbook() -> bytes:
    return workbook_bytes([["Kode", "Realisasi TW I"], ["PEM-01", 10], ["PEM-02", 90]])


def rebuild(data: bytes, *, replace: dict | None = None, add: dict | None = None, drop=()) -> bytes:
    """A copy of a workbook with some parts replaced, added or dropped."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = (replace or {}).get(info.filename, source.read(info))
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def sheet_xml(rows_xml: str, dimension: str = "A1:B3") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>'
    ).encode()


HEADER_ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Kode</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Realisasi TW I</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>PEM-01</t></is></c><c r="B2"><v>10</v></c></row>'
)


def zip_bomb() -> bytes:
    """One shared-strings part that inflates to 80 MB from about 80 kB."""
    return rebuild(valid_workbook(), add={"xl/bomb.xml": b" " * (80 * 1024 * 1024)})


def lying_zip_bomb() -> bytes:
    """A part whose headers declare 1 kB while it inflates to 20 MB."""
    data = bytearray(rebuild(valid_workbook(), add={"xl/media/liar.xml": b"A" * (20 * 1024 * 1024)}))
    name = b"xl/media/liar.xml"
    # Patch the uncompressed size in both headers that name the part: the local header
    # (30 bytes before the name, size at offset 22) and the central one (46 before, offset 24).
    position = 0
    while True:
        index = data.find(name, position)
        if index < 0:
            break
        if data[index - 30 : index - 26] == b"PK\x03\x04":
            struct.pack_into("<I", data, index - 30 + 22, 1024)
        elif data[index - 46 : index - 42] == b"PK\x01\x02":
            struct.pack_into("<I", data, index - 46 + 24, 1024)
        position = index + 1
    return bytes(data)


def entity_workbook() -> bytes:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    return rebuild(valid_workbook(), add={"xl/sharedStrings.xml": evil})


def late_entity_workbook() -> bytes:
    """The DOCTYPE after 5 KB of comment: a scan of each part's first 4 KB missed it."""
    late = (
        b'<?xml version="1.0"?><!--' + b" " * 5000 + b'--><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&e;</t></si></sst>'
    )
    return rebuild(valid_workbook(), add={"xl/sharedStrings.xml": late})


def utf16_entity_workbook() -> bytes:
    evil = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "e">]><sst><si><t>&e;</t></si></sst>'
    return rebuild(valid_workbook(), add={"xl/sharedStrings.xml": b"\xff\xfe" + evil.encode("utf-16-le")})


def million_rows_declared() -> bytes:
    rows = HEADER_ROWS + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return rebuild(valid_workbook(), replace={"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:XFD1048576")})


def two_million_empty_rows() -> bytes:
    empty = "".join(f'<row r="{n}"/>' for n in range(3, 2_000_003))
    return rebuild(
        valid_workbook(), replace={"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROWS + empty, "A1:B2000002")}
    )


def many_empty_rows() -> bytes:
    empty = "".join(f'<row r="{n}"/>' for n in range(3, 200_003))
    return rebuild(valid_workbook(), replace={"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROWS + empty, "A1:B200002")})


def many_entries() -> bytes:
    return rebuild(valid_workbook(), add={f"xl/junk/{i}.xml": b"<a/>" for i in range(screening.MAX_ENTRIES + 1)})


def traversal_name() -> bytes:
    return rebuild(valid_workbook(), add={"../../evil.xml": b"<a/>"})


def duplicate_names() -> bytes:
    import warnings

    data = valid_workbook()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rebuild(data, add={"xl/workbook.xml": b"<workbook/>"})


def macro_workbook() -> bytes:
    data = valid_workbook()
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rebuild(data, replace={"[Content_Types].xml": types}, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})


def broken_sheet_xml() -> bytes:
    return rebuild(valid_workbook(), replace={"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROWS)[:-40]})


def no_workbook_part() -> bytes:
    return rebuild(valid_workbook(), drop=("xl/workbook.xml",))


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CORPUS = {
    "oversize": (lambda: b"PK\x03\x04" + b"\x00" * (screening.MAX_FILE_BYTES + 1), "terlalu besar"),
    "zip_bomb": (zip_bomb, "bom zip"),
    "lying_zip_bomb": (lying_zip_bomb, "bom zip|rusak"),
    "xml_entities": (entity_workbook, "DOCTYPE/ENTITY"),
    "xml_entities_past_4kb": (late_entity_workbook, "DOCTYPE/ENTITY"),
    "xml_entities_utf16": (utf16_entity_workbook, "DOCTYPE/ENTITY"),
    "million_rows_declared": (million_rows_declared, None),
    "two_million_empty_rows": (two_million_empty_rows, "bom zip"),
    "two_hundred_thousand_empty_rows": (many_empty_rows, None),
    "encrypted": (lambda: OLE + b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512, "kata sandi"),
    "legacy_xls": (lambda: OLE + b"\x00" * 2048, "97-2003"),
    "csv_renamed": (lambda: b"kode,indikator,realisasi\nPEM-01,desa,13\n", "CSV"),
    "pdf_renamed": (lambda: b"%PDF-1.4\n%%EOF\n", "PDF"),
    "empty": (lambda: b"", "kosong"),
    "truncated": (lambda: valid_workbook()[:700], "rusak|terpotong"),
    "garbage_after_zip_magic": (lambda: b"PK\x03\x04" + bytes(range(256)) * 40, "rusak|terpotong"),
    "many_entries": (many_entries, "tidak wajar"),
    "path_traversal": (traversal_name, "berbahaya"),
    "duplicate_names": (duplicate_names, "ganda"),
    "broken_sheet_xml": (broken_sheet_xml, "rusak"),
    "zip_but_not_a_workbook": (no_workbook_part, "bukan workbook"),
}


@pytest.fixture(scope="module")
def corpus():
    return {name: build() for name, (build, _message) in CORPUS.items()}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_file_gets_a_message_within_time_and_memory(klego_data, corpus, name):
    import re

    data = corpus[name]
    indicators = list(Indicator.objects.select_related("section"))
    tracemalloc.start()
    started = time.perf_counter()
    result = read_workbook(data, indicators=indicators, section=klego_data.sections["pem"])
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < MAX_SECONDS, f"{name} took {elapsed:.1f} s"
    assert peak < MAX_PEAK_BYTES, f"{name} peaked at {peak / 1048576:.0f} MB"
    pattern = CORPUS[name][1]
    if pattern is None:
        # Declared or padded rows are not walked: the real rows are read and nothing else.
        assert [row.indicator.code for row in result.rows] == ["PEM-01"]
    else:
        assert not result.ok
        messages = " ".join(str(p) for p in result.problems)
        assert re.search(pattern, messages), messages


def test_a_macro_workbook_is_read_and_its_macros_are_not_kept(klego_data, corpus):
    from kinerja.models import DataKind
    from kinerja.steps import submissions

    from .conftest import advance, start

    data = macro_workbook()
    result = read_workbook(data, indicators=Indicator.objects.all(), section=klego_data.sections["pem"])
    assert result.ok and result.has_macros
    assert "makro tidak dijalankan dan tidak disimpan" in result.notes[0]
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    outcome = submissions.submit(
        cycle=cycle,
        section=klego_data.sections["pem"],
        kind=DataKind.objects.get(code="realisasi"),
        data=data,
        filename="makro.xlsm",
        by=klego_data.staf_pem,
    )
    stored = outcome.submission.file.file.open("rb").read()
    names = zipfile.ZipFile(io.BytesIO(stored)).namelist()
    assert "xl/vbaProject.bin" not in names and "xl/worksheets/sheet1.xml" in names
    assert outcome.submission.status == "diterima"


def test_the_screen_is_cheap_on_a_normal_workbook():
    data = workbook_bytes([["Kode", "Realisasi TW I"]] + [[f"X-{i}", i] for i in range(5000)])
    started = time.perf_counter()
    assert screening.screen(data).ok
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_budget_and_baseline_imports_refuse_every_hostile_file_within_time_and_memory(klego_data, corpus, name):
    """The same corpus through the table reader of the budget and the baseline (kinerja.spreadsheets.tables)."""
    import re

    from kinerja import baseline, budget

    for read in (
        lambda data: budget.read_budget(data, organisation=klego_data.org).problems,
        lambda data: baseline.import_baseline(data, organisation=klego_data.org, by=klego_data.kasubag).problems,
    ):
        tracemalloc.start()
        started = time.perf_counter()
        problems = read(corpus[name])
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < MAX_SECONDS, f"{name} took {elapsed:.1f} s"
        assert peak < MAX_PEAK_BYTES, f"{name} peaked at {peak / 1048576:.0f} MB"
        assert problems, name  # never a silent success: a section workbook is no budget either
        pattern = CORPUS[name][1]
        if pattern is not None:
            assert re.search(pattern, " ".join(problems)), problems
