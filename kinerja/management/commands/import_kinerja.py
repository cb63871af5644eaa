"""Import (or with --dry-run only validate) one section's performance workbook, with the same
code as the upload form. Exit 0 when accepted; otherwise one readable line per problem and a
non-zero exit, never a traceback."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...engine import workflow
from ...models import Cycle, DataKind, Section
from ...spreadsheets.screening import MAX_FILE_BYTES
from ...steps import submissions


class Command(BaseCommand):
    help = "Mengimpor (atau dengan --dry-run hanya memeriksa) satu berkas data kinerja seksi."
    # Django's system checks (models, URLs, admin, deployment settings) are the application
    # server's to run at its start; here they cost a quarter of a second of every import.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="berkas .xlsx")
        parser.add_argument("--seksi", help="kode seksi, mis. pem")
        parser.add_argument("--jenis", help="kode jenis data, mis. realisasi")
        parser.add_argument("--periode", help="2026 (tahunan) atau 2026-TW2 (triwulan)")
        parser.add_argument("--organisasi", help="kode organisasi bila ada lebih dari satu")
        parser.add_argument("--dry-run", action="store_true", help="hanya memeriksa, tidak menyimpan")
        parser.add_argument(
            "--json", action="store_true", help="cetak satu objek JSON (apa yang terbaca, dari sel mana) di stdout"
        )
        parser.add_argument(
            "--alasan-wajar",
            default="",
            help="alasan bila angka yang tampak tidak wajar (mis. lebih dari 10× target) memang benar",
        )
        parser.add_argument(
            "--list", action="store_true", help="cetak nilai yang sah untuk --seksi, --jenis, --periode"
        )

    def handle(self, *args, **options):
        try:
            return self._handle(options)
        except CommandError as exc:
            if options.get("json"):
                self._json_refusal(str(exc), options)
            raise
        except workflow.WorkflowError as exc:
            if options.get("json"):
                self._json_refusal(str(exc), options)
            raise CommandError(str(exc)) from exc
        except Exception as exc:  # whatever the file or the database does, never a traceback
            message = f"Gagal mengimpor: {exc.__class__.__name__}: {exc}"
            if options.get("json"):
                self._json_refusal(message, options)
            raise CommandError(message) from exc

    def _json_refusal(self, message, options):
        """With --json, a refusal before the file is read is one JSON object too (exit 1)."""
        problem = {"sheet": "", "cell": "", "message": message}
        document = {"ok": False, "period": options.get("periode"), "sheet": "", "rows": [], "skipped": [],
                    "problems": [problem]}  # fmt: skip
        self.stdout.write(json.dumps(document, ensure_ascii=False))
        sys.exit(1)

    def _handle(self, options):
        if options["list"]:
            self._list(options.get("organisasi"))
            return
        missing = [name for name in ("file", "seksi", "jenis", "periode") if not options.get(name)]
        if missing:
            raise CommandError("Wajib diisi: " + ", ".join(missing) + ". Lihat nilai yang sah dengan --list.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path.name}: berkas terlalu besar; batasnya {MAX_FILE_BYTES // 1048576} MB.")
        year, quarter = submissions.parse_period(options["periode"])
        cycles = Cycle.objects.filter(year=year, quarter=quarter, status=Cycle.Status.RUNNING)
        if options.get("organisasi"):
            cycles = cycles.filter(organisation__code=options["organisasi"])
        cycle = cycles.select_related("organisation").first()
        if cycle is None:
            raise CommandError(f"Tidak ada siklus berjalan untuk periode {options['periode']}.")
        section = Section.objects.filter(organisation=cycle.organisation, code=options["seksi"]).first()
        if section is None:
            raise CommandError(f"Seksi '{options['seksi']}' tidak dikenal. Lihat --list.")
        kind = DataKind.objects.filter(code=options["jenis"]).first()
        if kind is None:
            raise CommandError(f"Jenis data '{options['jenis']}' tidak dikenal. Lihat --list.")
        outcome = submissions.submit(
            cycle=cycle,
            section=section,
            kind=kind,
            data=path.read_bytes(),
            filename=path.name,
            by=None,
            source="cli",
            dry_run=options["dry_run"],
            confirmation=options["alasan_wajar"],
        )
        result = outcome.result
        if options["json"]:
            self.stdout.write(json.dumps(as_json(result, submissions.period_code(cycle)), ensure_ascii=False))
            if not result.ok:
                sys.exit(1)
            return
        for note in result.notes:
            self.stdout.write(f"{path.name}: {note}")
        if result.ok:
            if options["dry_run"]:
                self.stdout.write(f"{path.name}: berkas sah, {len(result.rows)} indikator terbaca (tidak disimpan).")
            else:
                s = outcome.submission
                self.stdout.write(f"{path.name}: diterima sebagai versi {s.version}, {s.row_count} indikator.")
            return
        for problem in result.problems:
            self.stderr.write(f"{path.name}: {problem}")
        if outcome.submission is not None:
            self.stderr.write(f"{path.name}: disimpan sebagai versi {outcome.submission.version} (ditolak).")
        sys.exit(1)

    def _list(self, organisation_code):
        sections = Section.objects.owing_data().select_related("organisation")
        if organisation_code:
            sections = sections.filter(organisation__code=organisation_code)
        for section in sections.order_by("organisation__code", "order"):
            self.stdout.write(f"seksi {section.code} {section.name}")
        for kind in DataKind.objects.order_by("order"):
            self.stdout.write(f"jenis {kind.code} {kind.name}")
        cycles = Cycle.objects.filter(status=Cycle.Status.RUNNING)
        if organisation_code:
            cycles = cycles.filter(organisation__code=organisation_code)
        for cycle in cycles.order_by("year", "quarter"):
            self.stdout.write(f"periode {submissions.period_code(cycle)} {cycle.period_label}")


def _number(value):
    """A Decimal as a JSON number (a whole number as an integer), None as null."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def as_json(result, period: str) -> dict:
    """What was read, from which sheet and cell, as the README documents it."""
    rows = []
    for row in result.rows:
        cells = {f"TW{q}": row.cells[f"real_q{q}"] for q in (1, 2, 3, 4) if f"real_q{q}" in row.cells}
        target = {f"TW{q}": _number(row.targets.get(q)) for q in (1, 2, 3, 4) if f"target_q{q}" in row.cells}
        if "annual_target" in row.cells:
            target["tahunan"] = _number(row.annual_target)
        rows.append(
            {
                "code": row.indicator.code,
                "sheet": row.sheet,
                "row": row.row_number,
                "realisasi": {f"TW{q}": _number(row.realisations.get(q)) for q in (1, 2, 3, 4)},
                "target": target,
                "cells": cells,
            }
        )
    return {
        "ok": result.ok,
        "period": period,
        "sheet": result.sheet,
        "rows": rows,
        "skipped": [s.as_dict() for s in result.skipped],
        "problems": [p.as_dict() for p in result.problems],
    }
