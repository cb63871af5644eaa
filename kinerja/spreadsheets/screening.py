"""Screening an uploaded workbook before any parser sees it. A zip archive is checked entry by
entry (count, names, duplicates, declared and actual sizes, compression ratio, XML entity
declarations); legacy, encrypted, renamed and truncated files are recognised and named. Costs a
single pass of decompression, bounded by the limits below."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 2_000
MAX_ENTRY_BYTES = 25 * 1024 * 1024  # a 10,000-row sheet is about 3 MB of XML
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 150  # uncompressed / compressed, for entries over 1 MB
CHUNK = 1024 * 1024

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin")
# XML declarations no workbook needs (entity expansion, external entities), as UTF-8 and as UTF-16
# (an XML part may be written in either; upper-casing bytes leaves the zero bytes alone).
DECLARATIONS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
OVERLAP = max(len(marker) for marker in DECLARATIONS)


@dataclass
class Screening:
    problems: list[str] = field(default_factory=list)
    has_macros: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def screen(data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> Screening:
    """Check a workbook's bytes. Problems are Indonesian sentences saying what to do."""
    result = Screening()
    if not data:
        result.problems.append("Berkas kosong. Pilih berkas Excel (.xlsx) yang berisi data.")
        return result
    if len(data) > max_bytes:
        result.problems.append(
            f"Berkas terlalu besar ({len(data) / 1048576:.1f} MB); batasnya {max_bytes // 1048576} MB. "
            "Hapus lembar atau gambar yang tidak perlu."
        )
        return result
    if data.startswith(OLE):
        if ENCRYPTION_INFO in data:
            result.problems.append(
                "Workbook dilindungi kata sandi (terenkripsi). "
                "Buka di Excel, hapus kata sandinya, simpan sebagai .xlsx."
            )
        else:
            result.problems.append(
                "Berkas berformat Excel 97-2003 (.xls). Buka di Excel lalu simpan sebagai Excel Workbook (.xlsx)."
            )
        return result
    if not data.startswith(b"PK\x03\x04"):
        result.problems.append(_not_a_workbook(data))
        return result
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        result.problems.append("Berkas rusak atau terpotong (tidak utuh). Simpan ulang dari Excel lalu unggah lagi.")
        return result
    with archive:
        _check_entries(archive, infos, result)
    return result


def _not_a_workbook(data: bytes) -> str:
    head = data[:1024]
    if head.startswith(b"%PDF"):
        return "Berkas ini PDF, bukan Excel. Unggah workbook Excel (.xlsx); PDF dapat dilampirkan sebagai bukti dukung."
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and ("," in text or ";" in text or "\t" in text):
        return "Berkas ini teks/CSV, bukan Excel. Buka di Excel lalu simpan sebagai Excel Workbook (.xlsx)."
    return "Berkas ini bukan workbook Excel (.xlsx). Gunakan templat yang diunduh dari aplikasi."


def _check_entries(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], result: Screening) -> None:
    problems = result.problems
    if len(infos) > MAX_ENTRIES:
        problems.append(f"Isi workbook tidak wajar ({len(infos)} bagian). Simpan ulang dari Excel sebagai .xlsx.")
        return
    names = [info.filename for info in infos]
    lowered = [name.lower() for name in names]
    if len(set(lowered)) != len(lowered):
        problems.append(
            "Workbook berisi bagian bernama ganda; berkas dimanipulasi atau rusak. Simpan ulang dari Excel."
        )
        return
    for name in names:
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
            problems.append("Workbook berisi nama bagian yang berbahaya. Simpan ulang dari Excel sebagai .xlsx.")
            return
    if "[content_types].xml" not in lowered or "xl/workbook.xml" not in lowered:
        problems.append("Berkas zip ini bukan workbook Excel (.xlsx). Gunakan templat yang diunduh dari aplikasi.")
        return
    result.has_macros = any(name.rsplit("/", 1)[-1] in MACRO_PARTS for name in lowered)
    declared = sum(info.file_size for info in infos)
    if declared > MAX_TOTAL_BYTES:
        problems.append("Isi workbook terlalu besar bila dibuka (kemungkinan bom zip). Unggah berkas data yang wajar.")
        return
    for info in infos:
        if info.file_size > MAX_ENTRY_BYTES or (
            info.file_size > CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            problems.append(
                "Isi workbook terlalu besar bila dibuka (kemungkinan bom zip). Unggah berkas data yang wajar."
            )
            return
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        actual = 0
        tail = b""
        try:
            with archive.open(info) as entry:
                while True:
                    chunk = entry.read(CHUNK)
                    if not chunk:
                        break
                    # Every part, every byte (with the previous chunk's tail, so a declaration
                    # split across two reads is still seen): a DOCTYPE past the first 4 KB of a
                    # part, or in a part whose name does not end in .xml, is found too.
                    window = (tail + chunk).upper()
                    if any(marker in window for marker in DECLARATIONS):
                        problems.append(
                            "Workbook berisi deklarasi XML yang tidak diizinkan (DOCTYPE/ENTITY). "
                            "Simpan ulang dari Excel."
                        )
                        return
                    tail = window[-OVERLAP:]
                    actual += len(chunk)
                    total += len(chunk)
                    if actual > MAX_ENTRY_BYTES or actual > info.file_size or total > MAX_TOTAL_BYTES:
                        problems.append(
                            "Isi workbook lebih besar daripada yang tercatat (kemungkinan bom zip). "
                            "Unggah berkas yang wajar."
                        )
                        return
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
            problems.append("Berkas rusak atau terpotong (tidak utuh). Simpan ulang dari Excel lalu unggah lagi.")
            return


def without_macros(data: bytes) -> bytes:
    """A copy of a macro workbook without its macro parts: the data are kept, the macros never."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename.lower().rsplit("/", 1)[-1] in MACRO_PARTS:
                continue
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                )
            target.writestr(info.filename, content)
    return out.getvalue()
