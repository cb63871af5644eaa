"""Master data: the indicator list, editing an indicator and its targets, import and export."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kinerja import masterdata
from kinerja.engine import workflow
from kinerja.models import Indicator, Target

from .conftest import count_queries, workbook_bytes

HEADER = [
    "Kode",
    "Indikator",
    "Satuan",
    "Polaritas",
    "Seksi",
    "Induk",
    "Sasaran",
    "IKU",
    "Target tahunan",
    "Target TW I",
]


def test_everyone_in_the_office_reads_the_indicator_list(client, klego_data):
    client.force_login(klego_data.staf_pmd)
    page = client.get(reverse("kinerja:indicator_list") + "?tahun=2026").content.decode()
    assert "PEM-01" in page and "IKU-04" in page and 'href="/indikator/baru/' not in page
    page = client.get(reverse("kinerja:indicator_list") + "?tahun=2026&seksi=pmd").content.decode()
    assert "PMD-01" in page and "PEM-01" not in page


@pytest.mark.parametrize("name", ["indicator_create", "indicator_import"])
def test_only_the_kasubag_and_the_admin_edit_master_data(client, klego_data, name):
    for username, status in (("staf.pem", 403), ("camat", 403), ("kasubag", 200), ("admin", 200)):
        client.force_login(klego_data.users[username])
        assert client.get(reverse(f"kinerja:{name}")).status_code == status, username


def test_the_kasubag_edits_an_indicator_and_its_targets(client, klego_data):
    indicator = Indicator.objects.get(code="PEM-02")
    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:indicator_edit", args=[indicator.pk]) + "?tahun=2026"
    page = client.get(url).content.decode()
    assert 'value="100' in page
    data = {
        "code": "pem-02", "name": indicator.name, "unit": "%", "polarity": "higher", "aggregation": "latest",
        "quarter_form": "triwulan", "cascade_rule": "average",
        "section": indicator.section_id, "parent": indicator.parent_id or "", "objective": indicator.objective_id,
        "definition": "", "data_source": "DPMD", "active": "on",
        "annual": "98,5", "q1": "", "q2": "", "q3": "", "q4": "99",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.code == "PEM-02" and indicator.data_source == "DPMD"
    targets = {t.quarter: t.value for t in Target.objects.filter(indicator=indicator, year=2026)}
    assert targets == {None: Decimal("98.5"), 4: Decimal("99")}
    assert indicator.history.first().history_user == klego_data.kasubag


def test_a_cascade_that_loops_is_refused(client, klego_data):
    parent = Indicator.objects.get(code="IKU-01")
    client.force_login(klego_data.kasubag)
    child = Indicator.objects.get(code="PEM-01")
    data = {
        "code": "IKU-01", "name": parent.name, "unit": parent.unit, "polarity": "higher", "aggregation": "latest",
        "quarter_form": "triwulan", "cascade_rule": "average",
        "section": parent.section_id, "parent": child.pk, "objective": "", "active": "on",
    }  # fmt: skip
    page = client.post(reverse("kinerja:indicator_edit", args=[parent.pk]), data).content.decode()
    assert "cascade berputar" in page
    assert Indicator.objects.get(code="IKU-01").parent is None


def test_export_then_import_round_trips_and_changes_nothing(klego_data):
    data = masterdata.export_workbook(klego_data.org, 2026)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "Kode" and sheet.max_row == 15
    before = {
        (t.indicator.code, t.quarter): t.value for t in Target.objects.filter(year=2026).select_related("indicator")
    }
    histories = Indicator.history.count()
    result = masterdata.import_workbook(data, organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert result.ok and len(result.updated) == 14 and not result.created
    after = {
        (t.indicator.code, t.quarter): t.value for t in Target.objects.filter(year=2026).select_related("indicator")
    }
    assert after == before
    assert Indicator.objects.get(code="PEM-01").parent.code == "IKU-01"
    assert Indicator.history.count() == histories + 14  # one save each, with the user on record


def test_import_creates_new_indicators_with_their_cascade_and_targets(client, klego_data):
    rows = [
        HEADER,
        ["PEM-03", "Jumlah desa dengan Perdes RPJMDes", "desa", "tinggi", "pem", "PEM-04", "SS1", "tidak", "13", "3"],
        ["PEM-04", "Persentase desa dengan RPJMDes", "%", "rendah", "pem", "IKU-01", "SS1", "ya", "100,5", ""],
    ]
    client.force_login(klego_data.kasubag)
    response = client.post(
        reverse("kinerja:indicator_import"),
        {"year": "2027", "file": SimpleUploadedFile("induk.xlsx", workbook_bytes(rows))},
    )
    assert response.status_code == 302
    new = Indicator.objects.get(code="PEM-03")
    assert new.parent.code == "PEM-04" and new.objective.code == "SS1" and not new.is_iku
    assert Indicator.objects.get(code="PEM-04").polarity == "lower"
    assert Target.objects.get(indicator=new, year=2027, quarter=None).value == 13
    assert Target.objects.get(indicator=new, year=2027, quarter=1).value == 3


def test_import_with_problems_writes_nothing_and_names_every_cell(client, klego_data):
    rows = [
        HEADER,
        ["X-1", "Satu", "unit", "tinggi", "tidak-ada", "", "", "", "10", ""],
        ["X-2", "Dua", "", "miring", "pem", "X-9", "", "", "sepuluh", ""],
        ["X-3", "Tiga", "kali", "tinggi", "pem", "X-4", "", "", "1", ""],
        ["X-4", "Empat", "kali", "tinggi", "pem", "X-3", "", "", "1", ""],
    ]
    client.force_login(klego_data.kasubag)
    page = client.post(
        reverse("kinerja:indicator_import"),
        {"year": "2026", "file": SimpleUploadedFile("x.xlsx", workbook_bytes(rows))},
    ).content.decode()
    for expected in (
        "sel E2",
        "Seksi &#x27;tidak-ada&#x27; tidak dikenal",
        "sel C3",
        "sel D3",
        "sel I3",
        "Induk X-9",
        "berputar",
    ):
        assert expected in page, expected
    assert not Indicator.objects.filter(code__startswith="X-").exists()


def test_import_refuses_hostile_files_and_other_roles(klego_data):
    result = masterdata.import_workbook(
        b"PK\x03\x04garbage", organisation=klego_data.org, year=2026, by=klego_data.kasubag
    )
    assert not result.ok and "rusak" in str(result.problems[0])
    with pytest.raises(workflow.NotAllowed):
        masterdata.import_workbook(
            workbook_bytes([HEADER]), organisation=klego_data.org, year=2026, by=klego_data.staf_pem
        )


def test_exported_text_is_neutralised_against_formulas(klego_data):
    indicator = Indicator.objects.get(code="PEM-01")
    indicator.name = '=HYPERLINK("http://contoh","klik")'
    indicator.save()
    sheet = load_workbook(io.BytesIO(masterdata.export_workbook(klego_data.org, 2026))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://contoh","klik")' in names
    assert all(not str(n).startswith("=") for n in names)


def test_indicator_list_query_count_does_not_grow_with_indicators(client, klego_data):
    client.force_login(klego_data.camat)
    url = reverse("kinerja:indicator_list") + "?tahun=2026"
    few = count_queries(client, url)
    pem = klego_data.sections["pem"]
    parent = Indicator.objects.get(code="IKU-01")
    for i in range(100):
        indicator = Indicator.objects.create(
            organisation=klego_data.org, code=f"Z-{i:03d}", name=f"Z {i}", unit="x", section=pem, parent=parent
        )
        Target.objects.create(indicator=indicator, year=2026, value=i)
    assert count_queries(client, url) == few


def test_the_kasubag_adds_and_changes_strategic_objectives(client, klego_data):
    from kinerja.models import StrategicObjective

    url = reverse("kinerja:objective_save")
    client.force_login(klego_data.staf_pem)
    assert client.post(url, {"code": "SS4", "name": "x"}).status_code == 403
    client.force_login(klego_data.kasubag)
    client.post(url, {"code": "ss4", "name": "Meningkatnya akuntabilitas kinerja kecamatan", "order": "4"})
    client.post(url, {"code": "SS1", "name": "Sasaran satu yang diperbaiki", "order": "1"})
    assert StrategicObjective.objects.get(code="SS4").name == "Meningkatnya akuntabilitas kinerja kecamatan"
    assert StrategicObjective.objects.get(code="SS1").name == "Sasaran satu yang diperbaiki"
    assert StrategicObjective.objects.filter(organisation=klego_data.org).count() == 4


def test_range_and_text_targets_are_edited_shown_and_saved_in_one_form_each(client, klego_data):
    """Regression: editing an indicator with a range target answered 500."""
    indicator = Indicator.objects.get(code="PEM-02")
    Target.objects.filter(indicator=indicator, year=2026, quarter=4).update(value=None, low=90, high=100)
    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:indicator_edit", args=[indicator.pk]) + "?tahun=2026"
    page = client.get(url)
    assert page.status_code == 200 and 'value="90–100"' in page.content.decode()
    data = {
        "code": "PEM-02", "name": indicator.name, "unit": "%", "polarity": "range", "aggregation": "latest",
        "quarter_form": "triwulan", "cascade_rule": "average", "section": indicator.section_id,
        "parent": indicator.parent_id or "",
        "objective": indicator.objective_id, "active": "on",
        "annual": "BB", "q1": "80 s.d. 90", "q2": "85,5", "q3": "", "q4": "90–100",
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    saved = {t.quarter: (t.value, t.low, t.high, t.text) for t in Target.objects.filter(indicator=indicator, year=2026)}
    assert saved == {
        None: (None, None, None, "BB"),
        1: (None, Decimal("80"), Decimal("90"), ""),
        2: (Decimal("85.5"), None, None, ""),
        4: (None, Decimal("90"), Decimal("100"), ""),
    }
    page = client.post(url, {**data, "q1": "90-80"}).content.decode()
    assert "Rentang &#x27;90-80&#x27; terbalik" in page or "Rentang '90-80' terbalik" in page


def test_a_target_with_two_forms_at_once_is_refused_by_the_database(klego_data):
    from django.db import IntegrityError, transaction

    target = Target.objects.filter(indicator__code="PEM-02", year=2026, quarter=1).get()
    target.low, target.high = 80, 90  # value 100 still set
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_the_master_workbook_keeps_range_and_text_targets_both_ways(klego_data):
    indicator = Indicator.objects.get(code="PEM-02")
    Target.objects.filter(indicator=indicator, year=2026, quarter=4).update(value=None, low=90, high=100)
    Target.objects.filter(indicator=indicator, year=2026, quarter=None).update(value=None, text="BB")
    data = masterdata.export_workbook(klego_data.org, 2026)
    sheet = load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "PEM-02")
    assert row[headers.index("Target tahunan")] == "BB" and row[headers.index("Target TW IV")] == "90–100"
    Target.objects.filter(indicator=indicator).delete()
    done = masterdata.import_workbook(data, organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert not done.problems
    assert Target.objects.get(indicator=indicator, year=2026, quarter=4).shown == "90–100"
    assert Target.objects.get(indicator=indicator, year=2026, quarter=None).shown == "BB"
    assert Target.objects.get(indicator=indicator, year=2026, quarter=1).value == 100


TWIN = (
    "Kode {code} sama dengan kode {twin} bila huruf besar/kecil, spasi dan tanda baca diabaikan; berkas seksi tidak "
    "dapat membedakan keduanya. Pakai kode lain."
)


@pytest.mark.parametrize("code", ["PEM 01", "PEM.01", "pem01"])
def test_a_code_a_workbook_cannot_tell_from_another_is_refused_on_the_page(client, klego_data, code):
    """A section's workbook matches codes case and punctuation aside: "PEM 01" beside "PEM-01" would
    make rows of both refused as unknown, so the second code is never made."""
    import html

    indicator = Indicator.objects.get(code="PEM-02")
    client.force_login(klego_data.kasubag)
    data = {
        "code": code, "name": "Indikator kembar", "unit": "desa", "polarity": "higher", "aggregation": "latest",
        "quarter_form": "triwulan", "cascade_rule": "average", "section": indicator.section_id, "parent": "",
        "objective": "", "active": "on",
    }  # fmt: skip
    page = html.unescape(client.post(reverse("kinerja:indicator_create") + "?tahun=2026", data).content.decode())
    assert TWIN.format(code=code.upper(), twin="PEM-01") in page
    assert not Indicator.objects.filter(name="Indikator kembar").exists()


def test_a_code_a_workbook_cannot_tell_from_another_is_refused_by_the_import(klego_data):
    rows = [
        HEADER,
        ["PEM 01", "Indikator kembar", "desa", "tinggi", "pem", "", "", "", "13", ""],
        ["PEM-05", "Indikator baru", "desa", "tinggi", "pem", "", "", "", "13", ""],
        ["pem.05", "Indikator baru lagi", "desa", "tinggi", "pem", "", "", "", "13", ""],
    ]
    result = masterdata.import_workbook(
        workbook_bytes(rows, title="Induk"), organisation=klego_data.org, year=2026, by=klego_data.kasubag
    )
    assert [str(p) for p in result.problems] == [
        "Lembar 'Induk', sel A2: " + TWIN.format(code="PEM 01", twin="PEM-01"),
        "Lembar 'Induk', sel A4: " + TWIN.format(code="PEM.05", twin="PEM-05"),
    ]
    assert not Indicator.objects.filter(name__in=["Indikator kembar", "Indikator baru", "Indikator baru lagi"]).exists()


def _master_file(rows, *, percent_cells=(), hidden_rows=(), old_sheet_first=False, formula_cells=()) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Indikator"
    if old_sheet_first:  # an old, hidden copy before the one the Kasubag sees
        old = workbook.create_sheet("Lama", 0)
        old.sheet_state = "hidden"
        for row in rows:
            old.append([("999" if isinstance(v, (int, float)) else v) for v in row])
    for row in rows:
        sheet.append(row)
    for ref in percent_cells:
        sheet[ref].number_format = "0.00%"
    for ref, formula in formula_cells:
        sheet[ref] = formula
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_percent_formatted_target_is_read_as_shown_for_an_indicator_in_percent(klego_data):
    """98,5% typed in Excel is stored 0.985: the target is 98,5, never 0,985 (every capaian of the
    year would be a hundred times too high)."""
    rows = [HEADER, ["PEM-02", "Persentase desa yang menetapkan APBDes tepat waktu", "%", "tinggi", "pem", "IKU-01",
                     "SS1", "tidak", 0.985, 0.25]]  # fmt: skip
    data = _master_file(rows, percent_cells=("I2", "J2"))
    result = masterdata.import_workbook(data, organisation=klego_data.org, year=2027, by=klego_data.kasubag)
    assert result.ok, [str(p) for p in result.problems]
    indicator = Indicator.objects.get(code="PEM-02")
    assert Target.objects.get(indicator=indicator, year=2027, quarter=None).value == Decimal("98.5")
    assert Target.objects.get(indicator=indicator, year=2027, quarter=1).value == Decimal("25")


def test_a_percent_formatted_target_of_a_count_is_refused_and_nothing_written(klego_data):
    rows = [HEADER, ["PEM-01", "Jumlah desa yang menyampaikan LPPDes tepat waktu", "desa", "tinggi", "pem", "IKU-01",
                     "SS1", "tidak", 0.13, None]]  # fmt: skip
    result = masterdata.import_workbook(
        _master_file(rows, percent_cells=("I2",)), organisation=klego_data.org, year=2027, by=klego_data.kasubag
    )
    assert [str(p) for p in result.problems] == [
        "Lembar 'Indikator', sel I2: Kolom Target tahunan PEM-01 berformat persen (tampil 13%), padahal satuannya "
        "'desa'. Ubah format selnya menjadi angka biasa dan isi nilainya."
    ]
    assert not Target.objects.filter(year=2027).exists()


def test_a_hidden_old_sheet_and_hidden_rows_are_not_read_into_the_master_data(klego_data):
    rows = [
        HEADER,
        ["PEM-01", "Jumlah desa yang menyampaikan LPPDes tepat waktu", "desa", "tinggi", "pem", "IKU-01", "SS1",
         "tidak", 13, 3],
        ["PEM-09", "Indikator draf", "desa", "tinggi", "pem", "", "", "tidak", 5, None],
    ]  # fmt: skip
    data = _master_file(rows, hidden_rows=(3,), old_sheet_first=True)
    result = masterdata.import_workbook(data, organisation=klego_data.org, year=2027, by=klego_data.kasubag)
    assert result.ok, [str(p) for p in result.problems]
    assert result.created == [] and result.updated == ["PEM-01"]
    assert Target.objects.get(indicator__code="PEM-01", year=2027, quarter=None).value == Decimal("13")  # not 999
    assert not Indicator.objects.filter(code="PEM-09").exists()


def test_a_target_formula_without_a_stored_result_is_refused_never_read_as_empty(klego_data):
    rows = [HEADER, ["PEM-01", "Jumlah desa yang menyampaikan LPPDes tepat waktu", "desa", "tinggi", "pem", "IKU-01",
                     "SS1", "tidak", None, 3]]  # fmt: skip
    data = _master_file(rows, formula_cells=(("I2", "=J2*4+1"),))  # openpyxl stores no result
    result = masterdata.import_workbook(data, organisation=klego_data.org, year=2027, by=klego_data.kasubag)
    assert [str(p) for p in result.problems] == [
        "Lembar 'Indikator', sel I2: Kolom Target tahunan PEM-01: rumus tanpa hasil tersimpan. Simpan ulang berkas "
        "di Excel/LibreOffice agar nilai rumusnya tersimpan, lalu unggah lagi."
    ]
    assert not Target.objects.filter(year=2027).exists()
