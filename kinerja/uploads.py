"""Storing uploaded files safely: type recognised from the content (never the name or the
browser's word), size limited, images and PDFs checked for being what they claim, kept under a
name the server chooses, with a SHA-256 checksum."""

from __future__ import annotations

import hashlib
import io
import os

from django.core.files import File
from django.core.files.base import ContentFile

from .models import Organisation, StoredFile, User
from .spreadsheets.screening import screen

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel scan is plenty; more is a decompression bomb

SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpeg"),
]
LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "xlsx": "Excel (.xlsx)"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadRejected(Exception):
    """The file was refused; the message says why and what to do, in Indonesian."""


def sniff(head: bytes) -> tuple[str, str] | None:
    """The (content type, kind) a file's first bytes show, or None."""
    for signature, content_type, kind in SIGNATURES:
        if head.startswith(signature):
            return content_type, kind
    return None


def _check_pdf(data: bytes) -> None:
    """A PDF is parsed, not only sniffed: it must open, have pages, be unlocked, and carry no
    active content (JavaScript, launching a program, submitting or importing data). HTML with a
    "%PDF-" header does not open; a scan never needs scripts."""
    from pypdf import PdfReader  # here, not at the top: pypdf adds 0.04 s to every process start

    if b"%%EOF" not in data[-2048:]:
        raise UploadRejected("Berkas PDF tidak utuh (terpotong). Pindai atau unduh ulang lalu unggah lagi.")
    if b"/Encrypt" in data:
        raise UploadRejected("Berkas PDF dikunci dengan kata sandi. Unggah PDF yang tidak terkunci.")
    unreadable = "Berkas ini tidak dapat dibaca sebagai PDF (rusak, atau bukan PDF walau namanya .pdf)."
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected("Berkas PDF dikunci dengan kata sandi. Unggah PDF yang tidak terkunci.")
        pages = len(reader.pages)
        active = _active_content(reader)
    except UploadRejected:
        raise
    except Exception as exc:  # pypdf raises many kinds for broken or hostile files
        raise UploadRejected(f"{unreadable} Simpan ulang sebagai PDF lalu unggah lagi.") from exc
    if pages == 0:
        raise UploadRejected(f"{unreadable} PDF ini tidak berisi halaman.")
    if active:
        raise UploadRejected(
            f"PDF berisi {active}, yang tidak diterima. Cetak ulang dokumennya ke PDF (mis. 'Microsoft Print to PDF' "
            "atau 'Simpan sebagai PDF' di peramban) lalu unggah hasilnya."
        )


ACTIVE_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/Launch": "perintah menjalankan program"}
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "perintah menjalankan program",
    "/SubmitForm": "formulir yang mengirim data",
    "/ImportData": "perintah mengimpor data",
    "/RichMediaExecute": "media aktif",
}
MAX_PDF_OBJECTS = 200_000


def _active_content(reader) -> str | None:
    """What active content the PDF's object graph holds (its first kind, in words), or None. Every
    dictionary reachable from the trailer is visited once, compressed object streams included."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject  # lazy, as above

    stack, seen = [reader.trailer], set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                return "terlalu banyak objek untuk diperiksa"
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for name, words in ACTIVE_KEYS.items():
                if name in item:
                    return words
            action = item.get("/S")
            if action in ACTIVE_ACTIONS:
                return ACTIVE_ACTIONS[action]
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


def _check_image(data: bytes, kind: str) -> bytes:
    """A picture is decoded whole and written again: whatever rides along (an HTML tail, a
    script in a comment, metadata) is not kept. Returns the new bytes, in the same format."""
    from PIL import Image, ImageOps  # lazy, as pypdf above: only image uploads need it

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    broken = "Gambar rusak atau tidak dapat dibaca. Simpan ulang sebagai JPEG atau PNG."
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadRejected("Gambar terlalu besar resolusinya. Pindai ulang dengan resolusi 300 dpi.")
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "png":
                upright.save(out, format="PNG")
            else:
                if upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                upright.save(out, format="JPEG", quality=92)
    except UploadRejected:
        raise
    except Exception as exc:  # Pillow raises many kinds for broken or hostile images
        raise UploadRejected(broken) from exc
    return out.getvalue()


def store_upload(
    uploaded,
    *,
    organisation: Organisation,
    by: User,
    allowed: tuple[str, ...] = ("pdf", "jpeg", "png"),
    max_bytes: int = MAX_ATTACHMENT_BYTES,
) -> StoredFile:
    """Check an uploaded file and keep it. Raises UploadRejected with a sentence for the user."""
    data, content_type = checked_upload(uploaded, allowed=allowed, max_bytes=max_bytes)
    return store_bytes(
        data, organisation=organisation, by=by, original_name=getattr(uploaded, "name", ""), content_type=content_type
    )


def checked_upload(
    uploaded, *, allowed: tuple[str, ...] = ("pdf", "jpeg", "png"), max_bytes: int = MAX_ATTACHMENT_BYTES
) -> tuple[bytes, str]:
    """An uploaded file's bytes as they may be kept (a picture decoded and written again) and its
    content type, by what the bytes are, never by the name; UploadRejected with a sentence."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise UploadRejected(f"Berkas terlalu besar ({size / 1048576:.1f} MB); batasnya {max_bytes // 1048576} MB.")
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRejected(f"Berkas terlalu besar; batasnya {max_bytes // 1048576} MB.")
    if not data:
        raise UploadRejected("Berkas kosong. Pilih berkas yang benar lalu unggah lagi.")
    found = sniff(data[:16])
    if found is None and "xlsx" in allowed and data.startswith(b"PK\x03\x04"):
        screening = screen(data, max_bytes=max_bytes)
        if screening.problems:
            raise UploadRejected(screening.problems[0])
        if screening.has_macros:
            raise UploadRejected("Workbook berisi makro; simpan sebagai .xlsx biasa lalu unggah lagi.")
        found = (XLSX_TYPE, "xlsx")
    wanted = ", ".join(LABELS[k] for k in allowed)
    if found is None or found[1] not in allowed:
        raise UploadRejected(f"Jenis berkas tidak diterima. Unggah {wanted} (isi berkas diperiksa, bukan namanya).")
    content_type, kind = found
    if kind == "pdf":
        _check_pdf(data)
    elif kind in ("png", "jpeg"):
        data = _check_image(data, kind)  # kept as decoded and written again, nothing riding along
    return data, content_type


def download_name(stored: StoredFile, fallback: str) -> str:
    """A safe ASCII file name for Content-Disposition, keeping the right extension."""
    extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", XLSX_TYPE: ".xlsx"}.get(
        stored.content_type, ""
    )
    base = os.path.splitext(stored.original_name)[0]
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in base).strip("._")
    return (safe or fallback)[:80] + extension


def store_file(handle, *, organisation: Organisation, by: User | None, original_name: str, content_type: str):
    """Keep a file the application made (an archive), read from `handle` in chunks."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    size = handle.tell()
    handle.seek(0)
    stored = StoredFile(
        organisation=organisation,
        original_name=_safe_original(original_name),
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    stored.file.save("upload", File(handle), save=False)
    stored._history_user = by
    stored.save()
    return stored


def _safe_original(name: str) -> str:
    return os.path.basename((name or "berkas").replace("\\", "/"))[:200] or "berkas"


def store_bytes(
    data: bytes,
    *,
    organisation: Organisation,
    by: User | None,
    original_name: str,
    content_type: str,
    history: bool = True,
):
    """Keep bytes already checked elsewhere (a screened workbook) under a server-chosen name.
    `history=False` for a generated artefact that is not the office's data (a document built
    on request): no history row, so nobody's kept pages are made anew."""
    stored = StoredFile(
        organisation=organisation,
        original_name=_safe_original(original_name),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    stored.file.save("upload", ContentFile(data), save=False)
    stored._history_user = by
    if history:
        stored.save()
    else:
        stored.save_without_historical_record()
    return stored
