"""Remake the LibreOffice copies of corpus cases (run by hand; CI only reads the committed files).

    .venv/bin/python tests/corpus/make_libreoffice.py CASE [CASE ...]

Each case of tests/test_importer_corpus.py is written with openpyxl, then opened and saved by
LibreOffice (`soffice --headless --convert-to xlsx`, from Debian's libreoffice-calc-nogui), which
calculates every formula and stores its result, as a clerk's save would."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> None:
    sys.path.insert(0, str(HERE.parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klego_kinerja.settings")
    import django

    django.setup()
    from tests.test_importer_corpus import CASES, with_openpyxl

    with tempfile.TemporaryDirectory() as folder:
        sources = []
        for name in names:
            source = Path(folder) / f"libreoffice-{name}.xlsx"
            source.write_bytes(with_openpyxl(CASES[name].sheets))
            sources.append(str(source))
        out = Path(folder) / "out"
        subprocess.run(
            ["soffice", "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(out), *sources], check=True
        )
        for made in out.glob("*.xlsx"):
            (HERE / made.name).write_bytes(made.read_bytes())
            print(f"tests/corpus/{made.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
