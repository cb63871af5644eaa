"""Master data the Kasubag maintains: strategic objectives, indicators with their cascade, and
targets. Edited on pages or imported from (and exported to) a workbook; every change through
the ORM so that history is written."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from . import permissions
from .engine.workflow import NotAllowed
from .measurement import targets
from .models import Indicator, Organisation, Section, StrategicObjective, Target, User
from .models.performance import code_twin_message
from .spreadsheets.exporter import safe_text
from .spreadsheets.importer import PERCENT_UNITS, Problem, code_key, normalise, title_period
from .spreadsheets.numbers import format_number
from .spreadsheets.tables import other_office, read_table

COLUMNS = [
    ("code", "Kode"),
    ("name", "Indikator"),
    ("unit", "Satuan"),
    ("polarity", "Polaritas"),
    ("aggregation", "Cara menjumlah"),
    ("quarter_form", "Cara isi triwulan"),
    ("cascade_rule", "Rekonsiliasi cascade"),
    ("section", "Seksi"),
    ("parent", "Induk"),
    ("objective", "Sasaran"),
    ("is_iku", "IKU"),
    ("evidence_required", "Wajib bukti"),
    ("annual", "Target tahunan"),
    ("q1", "Target TW I"),
    ("q2", "Target TW II"),
    ("q3", "Target TW III"),
    ("q4", "Target TW IV"),
    ("data_source", "Sumber data"),
    ("definition", "Definisi"),
]
SYNONYMS = {
    "code": {"kode", "kode indikator"},
    "name": {"indikator", "nama indikator", "indikator kinerja", "uraian"},
    "unit": {"satuan"},
    "polarity": {"polaritas", "arah"},
    "aggregation": {"cara menjumlah", "agregasi", "akumulasi"},
    "quarter_form": {"cara isi triwulan", "cara menulis triwulan", "penulisan triwulan"},
    "cascade_rule": {"rekonsiliasi cascade", "rekonsiliasi", "cara cascade"},
    "section": {"seksi", "kode seksi", "pemilik"},
    "parent": {"induk", "induk cascade", "kode induk"},
    "objective": {"sasaran", "kode sasaran", "sasaran strategis"},
    "is_iku": {"iku"},
    "evidence_required": {"wajib bukti", "bukti dukung"},
    "annual": {"target tahunan", "target pk", "target"},
    "q1": {"target tw i", "target tw 1"},
    "q2": {"target tw ii", "target tw 2"},
    "q3": {"target tw iii", "target tw 3"},
    "q4": {"target tw iv", "target tw 4"},
    "data_source": {"sumber data"},
    "definition": {"definisi", "definisi operasional"},
}


def _column(label) -> str | None:
    text = normalise(label)
    return next((key for key, names in SYNONYMS.items() if text in names), None)


POLARITY = {
    "tinggi": Indicator.Polarity.HIGHER,
    "higher": Indicator.Polarity.HIGHER,
    "semakin tinggi semakin baik": Indicator.Polarity.HIGHER,
    "rendah": Indicator.Polarity.LOWER,
    "lower": Indicator.Polarity.LOWER,
    "semakin rendah semakin baik": Indicator.Polarity.LOWER,
    "rentang": Indicator.Polarity.RANGE,
    "range": Indicator.Polarity.RANGE,
    "dalam rentang": Indicator.Polarity.RANGE,
}
QUARTER_FORM = {
    "per triwulan": Indicator.QuarterForm.PER_QUARTER,
    "triwulan": Indicator.QuarterForm.PER_QUARTER,
    "s.d. triwulan": Indicator.QuarterForm.RUNNING,
    "s.d. triwulan (kumulatif)": Indicator.QuarterForm.RUNNING,
    "s.d.": Indicator.QuarterForm.RUNNING,
    "sd": Indicator.QuarterForm.RUNNING,
    "kumulatif": Indicator.QuarterForm.RUNNING,
}
QUARTER_FORM_WRITTEN = {
    Indicator.QuarterForm.PER_QUARTER: "per triwulan",
    Indicator.QuarterForm.RUNNING: "s.d. triwulan",
}
CASCADE_RULE = {
    "jumlah": Indicator.CascadeRule.SUM,
    "rata-rata": Indicator.CascadeRule.AVERAGE,
    "tidak sebanding": Indicator.CascadeRule.NONE,
}
CASCADE_RULE_WRITTEN = {value: word for word, value in CASCADE_RULE.items()}
AGGREGATION = {
    "jumlah": Indicator.Aggregation.SUM,
    "kumulatif": Indicator.Aggregation.SUM,
    "sum": Indicator.Aggregation.SUM,
    "terakhir": Indicator.Aggregation.LATEST,
    "nilai terakhir": Indicator.Aggregation.LATEST,
    "latest": Indicator.Aggregation.LATEST,
    "rata-rata": Indicator.Aggregation.AVERAGE,
    "average": Indicator.Aggregation.AVERAGE,
}
YES = {"ya", "y", "yes", "1", "true", "iku", "wajib"}


@dataclass(frozen=True)
class IndicatorRow:
    """One line of the indicator list, as shown (plain values: the table is cached by them)."""

    pk: int
    code: str
    name: str
    unit: str
    polarity: str
    section: str
    parent: str
    objective: str
    is_iku: bool
    active: bool
    annual: str
    quarters: tuple[str, ...]


def indicator_rows(organisation: Organisation, year: int, *, section: str = "", iku_only: bool = False):
    """The organisation's indicators with their targets for a year (two queries)."""

    indicators = Indicator.objects.filter(organisation=organisation)
    if section:
        indicators = indicators.filter(section__code=section)
    if iku_only:
        indicators = indicators.filter(is_iku=True)
    shown: dict[tuple[int, int | None], str] = {
        (target.indicator_id, target.quarter): target.shown
        for target in Target.objects.filter(indicator__organisation=organisation, year=year).only(
            "indicator_id", "quarter", "value", "low", "high", "text"
        )
    }
    polarity = dict(Indicator.Polarity.choices)
    columns = ("pk", "code", "name", "unit", "polarity", "section__name", "parent__code", "objective__code")
    return [
        IndicatorRow(
            pk,
            code,
            name,
            unit,
            polarity.get(kind, kind),
            section_name,
            parent or "—",
            objective or "—",
            is_iku,
            active,
            shown.get((pk, None), "—"),
            tuple(shown.get((pk, q), "—") for q in (1, 2, 3, 4)),
        )  # fmt: skip
        for pk, code, name, unit, kind, section_name, parent, objective, is_iku, active in indicators.order_by(
            "objective__order", "code"
        ).values_list(*columns, "is_iku", "active")
    ]


def export_workbook(organisation: Organisation, year: int) -> bytes:
    """The master data as a workbook that `import_workbook` reads back (the import template)."""
    indicators = (
        Indicator.objects.filter(organisation=organisation)
        .select_related("section", "parent", "objective")
        .order_by("code")
    )
    target_rows = {
        (t.indicator_id, t.quarter): t for t in Target.objects.filter(indicator__organisation=organisation, year=year)
    }
    return _workbook(indicators, target_rows, year)


def kept_workbook(master, year: int) -> bytes:
    """The master data a cycle was approved and filed with (`measurement.basis.Master`), in the
    export's layout: the archive's account of the rules and targets behind its figures."""
    return _workbook(sorted(master.indicators, key=lambda i: i.code), master.targets, year)


def _workbook(indicators, target_rows: dict, year: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Indikator {year}"
    sheet.append([label for _key, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
    for indicator in indicators:

        def target(quarter, indicator=indicator):
            found = target_rows.get((indicator.pk, quarter))
            return found.cell if found else None

        sheet.append(
            [
                safe_text(indicator.code),
                safe_text(indicator.name),
                safe_text(indicator.unit),
                {"higher": "tinggi", "lower": "rendah", "range": "rentang"}[indicator.polarity],
                {"sum": "jumlah", "latest": "terakhir", "average": "rata-rata"}[indicator.aggregation],
                QUARTER_FORM_WRITTEN[indicator.quarter_form],
                CASCADE_RULE_WRITTEN[indicator.cascade_rule],
                indicator.section.code,
                indicator.parent.code if indicator.parent else None,
                indicator.objective.code if indicator.objective else None,
                "ya" if indicator.is_iku else "tidak",
                "ya" if indicator.evidence_required else "tidak",
                target(None),
                *[target(q) for q in (1, 2, 3, 4)],
                safe_text(indicator.data_source),
                safe_text(indicator.definition),
            ]
        )
    for column, width in zip(
        "ABCDEFGHIJKLMNOPQRS", [10, 50, 10, 10, 14, 16, 16, 12, 10, 10, 6, 10, 12, 11, 11, 11, 11, 24, 40], strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class MasterImport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_workbook(
    data: bytes, *, organisation: Organisation, year: int, by: User, dry_run: bool = False
) -> MasterImport:
    """Create or update indicators and their targets for a year from a workbook. All or
    nothing: with any problem, nothing is written."""
    if not permissions.can_edit_master_data(by, organisation):
        raise NotAllowed("Hanya Kasubag Perencanaan dan Pelaporan atau administrator yang dapat mengubah data induk.")
    result = MasterImport()
    table = read_table(
        data, meaning=_column, required={"code", "name", "unit", "section"},
        expected="Kode, Indikator, Satuan, Seksi (lihat templat)", what="data induk indikator",
    )  # fmt: skip
    if table.problems:
        result.problems = [Problem("", "", message) for message in table.problems]
        return result
    title = table.sheet
    named = sorted({int(y) for y in re.findall(r"\b(20\d\d)\b", title)})
    if named and not named[0] <= year <= named[-1]:  # "Indikator 2026", or a Renstra's "2026-2030"
        # The export names its sheet for its year ("Indikator 2026"): last year's targets are not this year's.
        result.problems.append(
            Problem(
                title,
                "",
                f"Nama lembar menyebut tahun {named[0]}, sedangkan data induk ini diimpor untuk tahun {year}. Bila "
                f"isinya target {year}, ganti nama lembarnya menjadi 'Indikator {year}', lalu unggah lagi.",
            )  # fmt: skip
        )
        return result
    elsewhere = other_office(table, organisation.name, organisation.other_names())
    if elsewhere:
        result.problems.append(Problem(title, "", elsewhere))
        return result
    named_year, _quarter, text = title_period(table.title_rows)
    if named_year is not None and named_year != year:
        result.problems.append(
            Problem(
                title,
                "",
                f'Judul berkas menyebut "{text}", sedangkan data induk ini diimpor untuk tahun {year}. Impor berkas '
                "tahun yang benar, atau perbaiki judulnya bila isinya memang target tahun itu.",
            )  # fmt: skip
        )
        return result
    sections = {s.code.lower(): s for s in Section.objects.filter(organisation=organisation)}
    objectives = {o.code.lower(): o for o in StrategicObjective.objects.filter(organisation=organisation)}
    existing = {i.code.upper(): i for i in Indicator.objects.filter(organisation=organisation).select_related("parent")}
    parsed = []
    for number, cells in table.rows:
        record = {key: c.value for key, c in cells.items()}
        if all(v in (None, "") for v in record.values()):
            continue

        def problem(key, message, number=number, cells=cells):
            result.problems.append(Problem(title, cells[key].ref if key in cells else f"A{number}", message))

        code = str(record.get("code") or "").strip().upper()
        if not code:
            problem("code", "Kode indikator kosong.")
            continue
        entry = {"code": code, "row": number}
        for key in ("name", "unit"):
            value = str(record.get(key) or "").strip()
            if not value:
                problem(key, f"Kolom {dict(COLUMNS)[key]} kosong untuk {code}.")
            entry[key] = value
        section = sections.get(str(record.get("section") or "").strip().lower())
        if section is None:
            problem("section", f"Seksi '{record.get('section')}' tidak dikenal; pakai kode seksi, mis. pem.")
        entry["section"] = section
        polarity = normalise(record.get("polarity") or "tinggi")
        entry["polarity"] = POLARITY.get(polarity)
        if entry["polarity"] is None:
            problem(
                "polarity", f"Polaritas '{record.get('polarity')}' tidak dikenal; tulis tinggi, rendah atau rentang."
            )
        aggregation = normalise(record.get("aggregation") or "terakhir")
        entry["aggregation"] = AGGREGATION.get(aggregation)
        if entry["aggregation"] is None:
            problem(
                "aggregation",
                f"Cara menjumlah '{record.get('aggregation')}' tidak dikenal; tulis jumlah, terakhir atau rata-rata.",
            )
        entry["quarter_form"] = QUARTER_FORM.get(normalise(record.get("quarter_form") or "per triwulan"))
        if entry["quarter_form"] is None:
            problem(
                "quarter_form",
                f"Cara isi triwulan '{record.get('quarter_form')}' tidak dikenal; "
                "tulis per triwulan atau s.d. triwulan.",
            )
        elif entry["quarter_form"] == Indicator.QuarterForm.RUNNING and entry["aggregation"] != "sum":
            problem("quarter_form", f"{code}: s.d. triwulan hanya untuk indikator yang cara menjumlahnya 'jumlah'.")
        default_rule = "jumlah" if entry["aggregation"] == "sum" else "rata-rata"
        entry["cascade_rule"] = CASCADE_RULE.get(normalise(record.get("cascade_rule") or default_rule))
        if entry["cascade_rule"] is None:
            problem(
                "cascade_rule",
                f"Rekonsiliasi cascade '{record.get('cascade_rule')}' tidak dikenal; "
                "tulis jumlah, rata-rata atau tidak sebanding.",
            )
        objective_code = str(record.get("objective") or "").strip().lower()
        entry["objective"] = objectives.get(objective_code) if objective_code else None
        if objective_code and entry["objective"] is None:
            problem("objective", f"Sasaran '{record.get('objective')}' tidak dikenal.")
        entry["parent"] = str(record.get("parent") or "").strip().upper() or None
        entry["is_iku"] = normalise(record.get("is_iku")) in YES
        entry["evidence_required"] = normalise(record.get("evidence_required")) in YES
        entry["data_source"] = str(record.get("data_source") or "").strip()[:300]
        entry["definition"] = str(record.get("definition") or "").strip()
        for key in ("annual", "q1", "q2", "q3", "q4"):
            entry[key] = None
            written = cells.get(key)
            if written is not None and written.uncalculated:
                problem(key, f"Kolom {dict(COLUMNS)[key]} {code}: rumus tanpa hasil tersimpan. Simpan ulang berkas "
                        "di Excel/LibreOffice agar nilai rumusnya tersimpan, lalu unggah lagi.")  # fmt: skip
                continue
            try:
                entry[key] = targets.parse_target(record.get(key), unit=entry["unit"], code=code)
            except targets.NotATarget as exc:
                problem(key, f"Kolom {dict(COLUMNS)[key]} {code}: {exc}")
                continue
            if written is not None and written.percent and entry[key] is not None and entry[key].value is not None:
                if not PERCENT_UNITS.search(entry["unit"].lower()):
                    problem(key, f"Kolom {dict(COLUMNS)[key]} {code} berformat persen (tampil "
                            f"{format_number(entry[key].value * 100)}%), padahal satuannya '{entry['unit']}'. Ubah "
                            "format selnya menjadi angka biasa dan isi nilainya.")  # fmt: skip
                    entry[key] = None
                    continue
                shown = (entry[key].value * 100).quantize(Decimal("0.0001")).normalize()  # 0.85 shown as 85%
                entry[key] = targets.TargetValue(value=shown)
        parsed.append(entry)
    codes = [e["code"] for e in parsed]
    keys: dict[str, str] = {code_key(code): code for code in existing}  # what a workbook can tell apart
    for entry in parsed:
        if codes.count(entry["code"]) > 1:
            result.problems.append(
                Problem(title, f"A{entry['row']}", f"Kode {entry['code']} muncul lebih dari sekali.")
            )
        twin = keys.setdefault(code_key(entry["code"]), entry["code"])
        if twin != entry["code"]:
            result.problems.append(Problem(title, f"A{entry['row']}", code_twin_message(entry["code"], twin)))
        parent = entry["parent"]
        if parent and parent not in codes and parent not in existing:
            result.problems.append(
                Problem(title, f"A{entry['row']}", f"Induk {parent} untuk {entry['code']} tidak dikenal.")
            )
        if parent == entry["code"]:
            result.problems.append(
                Problem(title, f"A{entry['row']}", f"{entry['code']} tidak boleh menjadi induk dirinya sendiri.")
            )
    parents = {code: (i.parent.code if i.parent_id else None) for code, i in existing.items() if i.parent_id}
    parents.update({e["code"]: e["parent"] for e in parsed})
    for entry in parsed:
        seen, node = set(), entry["code"]
        while node and node not in seen:
            seen.add(node)
            node = parents.get(node)
        if node:
            result.problems.append(
                Problem(title, f"A{entry['row']}", f"Cascade {entry['code']} berputar (induknya kembali ke dirinya).")
            )
            break
    if not parsed and not result.problems:
        result.problems.append(Problem(title, "", "Tidak ada baris indikator di bawah judul kolom."))
    if result.problems or dry_run:
        result.created = [e["code"] for e in parsed if e["code"] not in existing]
        result.updated = [e["code"] for e in parsed if e["code"] in existing]
        return result
    with transaction.atomic():
        saved = {}
        for entry in parsed:
            indicator = existing.get(entry["code"]) or Indicator(organisation=organisation, code=entry["code"])
            (result.updated if indicator.pk else result.created).append(entry["code"])
            for key in (
                "name",
                "unit",
                "polarity",
                "aggregation",
                "quarter_form",
                "cascade_rule",
                "section",
                "objective",
                "is_iku",
                "evidence_required",
                "data_source",
                "definition",
            ):
                setattr(indicator, key, entry[key])
            indicator._history_user = by
            indicator.save()
            saved[entry["code"]] = indicator
            for quarter, key in ((None, "annual"), (1, "q1"), (2, "q2"), (3, "q3"), (4, "q4")):
                set_target(indicator, year, quarter, entry[key], by=by)
        for entry in parsed:
            parent_code = entry["parent"]
            indicator = saved[entry["code"]]
            parent = saved.get(parent_code) or existing.get(parent_code) if parent_code else None
            if indicator.parent_id != (parent.pk if parent else None):
                indicator.parent = parent
                indicator._history_user = by
                indicator.save()
    return result


def set_target(indicator: Indicator, year: int, quarter: int | None, target_value, *, by: User) -> None:
    """Set one target (annual when quarter is None) to a TargetValue (a number, a range or a
    text); None removes it."""
    target = Target.objects.filter(indicator=indicator, year=year, quarter=quarter).first()
    if target_value is None:
        if target is not None:
            target._history_user = by
            target.delete()
        return
    if target is None:
        target = Target(indicator=indicator, year=year, quarter=quarter)
    if targets.of(target) != target_value:
        for name, value in target_value.fields().items():
            setattr(target, name, value)
        target._history_user = by
        target.save()
