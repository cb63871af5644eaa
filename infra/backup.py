"""Backups: the database (SQLite online backup, or pg_dump) and every uploaded file in one dated
zip with a manifest of SHA-256 checksums, signed with a key the installation keeps outside the
backup, written readable by its owner only, and optionally encrypted with a passphrase; restore
checks the whole backup first and brings it back into an empty installation, or changes nothing.

What a backup holds is sensitive (password hashes, two-factor keys and recovery codes, rahasia
scans), so: file mode 0600, sessions left out, encryption offered (BACKUP_PASSPHRASE). What
restore trusts is only what the installation's key signed: a forged or re-made manifest is refused
unless the operator says otherwise explicitly (and that is logged).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, connections
from django.utils import timezone

from kinerja.fragments import renew_data_marks

FORMAT = 2
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SESSION_TABLE = "django_session"
CHUNK = 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")

logger = logging.getLogger(__name__)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Indonesian."""


# Signing and encryption ------------------------------------------------------------------------


def signing_key() -> bytes:
    """BACKUP_SIGNING_KEY, or else a key derived from SECRET_KEY: either way a secret that lives in
    the installation's environment, never inside a backup."""
    explicit = getattr(settings, "BACKUP_SIGNING_KEY", "")
    if explicit:
        return explicit.encode()
    return hashlib.sha256(b"infra.backup.manifest:" + settings.SECRET_KEY.encode()).digest()


def sign(manifest: bytes) -> str:
    return hmac.new(signing_key(), manifest, hashlib.sha256).hexdigest()


MAGIC = b"KINERJA-CADANGAN-TERENKRIPSI-1\n"
SALT_BYTES = 16
NONCE_BYTES = 12


def _key_from(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def encrypt_file(source: Path, target, passphrase: str) -> None:
    """AES-256-GCM in 1 MB records, each authenticated with its position and whether it is the
    last, so records cannot be dropped, reordered or cut off unnoticed."""
    salt = os.urandom(SALT_BYTES)
    cipher = AESGCM(_key_from(passphrase, salt))
    target.write(MAGIC + salt)
    with open(source, "rb") as handle:
        index, chunk = 0, handle.read(CHUNK)
        while True:
            following = handle.read(CHUNK)
            last = not following
            nonce = os.urandom(NONCE_BYTES)
            sealed = cipher.encrypt(nonce, chunk, _aad(index, last))
            target.write(bytes([last]) + len(sealed).to_bytes(4, "big") + nonce + sealed)
            if last:
                return
            index, chunk = index + 1, following


def _aad(index: int, last: bool) -> bytes:
    return MAGIC + index.to_bytes(8, "big") + bytes([last])


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def decrypt_file(source: Path, target, passphrase: str) -> None:
    wrong = "Kata sandi cadangan salah, atau berkas cadangan terenkripsi ini rusak atau terpotong."
    with open(source, "rb") as handle:
        handle.read(len(MAGIC))
        salt = handle.read(SALT_BYTES)
        cipher = AESGCM(_key_from(passphrase, salt))
        index = 0
        while True:
            header = handle.read(5)
            if len(header) != 5:
                raise BackupError(wrong)
            last, size = header[0], int.from_bytes(header[1:], "big")
            nonce, sealed = handle.read(NONCE_BYTES), handle.read(size)
            if last not in (0, 1) or len(sealed) != size or size > CHUNK + 16:
                raise BackupError(wrong)
            try:
                target.write(cipher.decrypt(nonce, sealed, _aad(index, bool(last))))
            except InvalidTag as exc:
                raise BackupError(wrong) from exc
            if last:
                if handle.read(1):
                    raise BackupError(wrong)
                return
            index += 1


def _private_file(path: Path):
    """Open a new file readable and writable by its owner only (0600), whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, "wb")


# Making a backup -------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return args


def dump_database(target: Path) -> str:
    """Write the database, without its sessions, to `target`; returns the file name used inside
    the archive."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        source = sqlite3.connect(db["NAME"])
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)  # consistent even while the application writes
        source.close()
        tables = {row[0] for row in destination.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if SESSION_TABLE in tables:
            with destination:
                destination.execute(f"DELETE FROM {SESSION_TABLE}")
            destination.execute("VACUUM")  # no trace of the deleted sessions left in free pages
        destination.close()
        return DATABASE_FILES["sqlite"]
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            raise BackupError("pg_dump tidak ditemukan; pasang klien PostgreSQL (postgresql-client).")
        result = subprocess.run(
            [
                "pg_dump", "--format=custom", "--no-owner", f"--exclude-table-data={SESSION_TABLE}", *_pg_args(db),
                "-f", str(target), db["NAME"],
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
            timeout=3600,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_dump gagal: {result.stderr.strip()[:500]}")
        return DATABASE_FILES["postgresql"]
    raise BackupError(f"Basis data {connection.vendor} belum didukung untuk cadangan.")


def create(output_dir: Path, *, passphrase: str | None = None) -> Path:
    """Write one dated, signed backup (0600; encrypted when a passphrase is given) into
    `output_dir` and return its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive_path = output_dir / f"kinerja-cadangan-{stamp}.zip"
    media = Path(settings.MEDIA_ROOT)
    entries = []
    with tempfile.TemporaryDirectory() as tmp:  # 0700: the dump is never readable by others
        dump = Path(tmp) / "db"
        db_name = dump_database(dump)
        plain = Path(tmp) / "cadangan.zip" if passphrase else archive_path
        with _private_file(plain) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
            z.write(dump, db_name)
            entries.append({"path": db_name, "sha256": _sha256(dump), "size": dump.stat().st_size})
            if not _on_disk():
                entries += _write_stored_files(z, storages["default"])
            elif media.exists():
                for path in sorted(p for p in media.rglob("*") if p.is_file()):
                    name = "media/" + path.relative_to(media).as_posix()
                    z.write(path, name)
                    entries.append({"path": name, "sha256": _sha256(path), "size": path.stat().st_size})
            manifest = json.dumps(
                {
                    "format": FORMAT,
                    "created_at": timezone.localtime().isoformat(timespec="seconds"),
                    "database": connection.vendor,
                    "files": entries,
                },
                indent=2,
            ).encode()
            z.writestr(MANIFEST, manifest)
            z.writestr(SIGNATURE, sign(manifest))
        if passphrase:
            archive_path = archive_path.with_suffix(".zip.enc")
            with _private_file(archive_path) as target:
                encrypt_file(plain, target, passphrase)
    return archive_path


def _on_disk() -> bool:
    """Are uploads in MEDIA_ROOT (the default), rather than in an object store (S3_BUCKET)?"""
    return isinstance(storages["default"], FileSystemStorage)


def _stored_names(storage, folder: str = ""):
    """Every file of a storage, depth first, sorted (the object store's listing, folder by folder)."""
    folders, names = storage.listdir(folder)
    for name in sorted(names):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _stored_names(storage, f"{folder}/{sub}" if folder else sub)


def _write_stored_files(z: zipfile.ZipFile, storage) -> list[dict]:
    """Each file of the object store into the zip under media/, hashed as it streams."""
    entries = []
    for stored in _stored_names(storage):
        name = "media/" + stored
        digest, size = hashlib.sha256(), 0
        with storage.open(stored, "rb") as source, z.open(name, "w", force_zip64=True) as member:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                member.write(chunk)
                size += len(chunk)
        entries.append({"path": name, "sha256": digest.hexdigest(), "size": size})
    return entries


def _put_stored_file(storage, name: str, path: Path) -> None:
    """A restored file into the object store under its own name (a file there of that name, left
    by a forced restore, is replaced)."""
    if storage.exists(name):
        storage.delete(name)
    with open(path, "rb") as handle:
        saved = storage.save(name, File(handle))
    if saved != name:
        raise BackupError(f"Berkas {name} tersimpan sebagai {saved} di penyimpanan objek; pemulihan dihentikan.")


# Checking and restoring ------------------------------------------------------------------------


@contextmanager
def opened(archive_path: Path, *, passphrase: str | None = None):
    """The backup as a ZipFile (an encrypted one decrypted into a private temporary file)."""
    try:
        encrypted = is_encrypted(archive_path)
    except OSError as exc:
        raise BackupError(f"Berkas cadangan {archive_path} tidak dapat dibaca.") from exc
    with tempfile.TemporaryDirectory() as tmp:
        path = archive_path
        if encrypted:
            if not passphrase:
                raise BackupError(
                    "Cadangan ini terenkripsi; isi BACKUP_PASSPHRASE dengan kata sandi yang dipakai saat membuatnya."
                )
            path = Path(tmp) / "cadangan.zip"
            with _private_file(path) as target:
                decrypt_file(archive_path, target, passphrase)
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BackupError("Berkas cadangan rusak atau bukan cadangan aplikasi ini.") from exc
        with archive:
            yield archive


def _safe_media_name(name: str) -> bool:
    parts = name.split("/")
    return (
        name.startswith("media/")
        and len(parts) >= 2
        and all(part not in ("", ".", "..") for part in parts)
        and "\\" not in name
        and "\x00" not in name
    )


def _manifest_of(archive: zipfile.ZipFile, *, accept_unsigned: bool) -> dict:
    """The manifest, after its signature, its shape and every file it names have been checked."""
    try:
        raw = archive.read(MANIFEST)
    except KeyError as exc:
        raise BackupError("Manifes cadangan tidak ada; ini bukan cadangan aplikasi ini.") from exc
    try:
        signature = archive.read(SIGNATURE).decode("ascii").strip()
    except (KeyError, UnicodeDecodeError):
        signature = ""
    if not hmac.compare_digest(signature, sign(raw)):
        problem = (
            "Cadangan ini tidak bertanda tangan."
            if not signature
            else "Tanda tangan cadangan tidak cocok dengan kunci "
            "instalasi ini: cadangan diubah, dibuat ulang, atau berasal dari instalasi lain."
        )
        if not accept_unsigned:
            raise BackupError(
                f"{problem} Pemulihan dibatalkan. Bila Anda yakin akan asal-usulnya, jalankan lagi dengan "
                "--accept-unsigned (dicatat di log)."
            )
        logger.warning("Cadangan dipulihkan tanpa tanda tangan yang sah atas kehendak operator: %s", problem)
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise BackupError("Manifes cadangan rusak (bukan JSON).") from exc
    if not isinstance(manifest, dict) or manifest.get("database") not in DATABASE_FILES:
        raise BackupError("Manifes cadangan tidak menyebut basis datanya (sqlite atau postgresql).")
    items = manifest.get("files")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BackupError("Manifes cadangan rusak: daftar berkasnya tidak sah.")
    paths = []
    for item in items:
        path, digest, size = item.get("path"), item.get("sha256"), item.get("size")
        if not isinstance(path, str) or not isinstance(digest, str) or not SHA256.fullmatch(digest):
            raise BackupError("Manifes cadangan rusak: ada berkas tanpa nama atau checksum yang sah.")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise BackupError(f"Manifes cadangan rusak: ukuran {path} tidak sah.")
        if path not in DATABASE_FILES.values() and not _safe_media_name(path):
            raise BackupError(f"Nama berkas berbahaya atau tidak dikenal di cadangan: {path!r}")
        paths.append(path)
    if len(set(paths)) != len(paths):
        raise BackupError("Manifes cadangan menyebut satu berkas dua kali.")
    databases = [p for p in paths if p in DATABASE_FILES.values()]
    if databases != [DATABASE_FILES[manifest["database"]]]:
        raise BackupError("Cadangan harus berisi tepat satu salinan basis data yang sesuai dengan manifesnya.")
    files = set(paths)
    for path in paths:
        parts = path.split("/")
        if any("/".join(parts[:i]) in files for i in range(1, len(parts))):
            raise BackupError(f"Cadangan rusak: {path} berada di bawah nama yang juga sebuah berkas.")
    names = set(archive.namelist())
    extra = names - files - {MANIFEST, SIGNATURE}
    if extra:
        raise BackupError(f"Cadangan berisi berkas yang tidak tercantum di manifes: {sorted(extra)[0]}")
    for item in items:
        if item["path"] not in names:
            raise BackupError(f"{item['path']} tercantum di manifes tetapi tidak ada di cadangan.")
        digest, size = hashlib.sha256(), 0
        with archive.open(item["path"]) as member:
            for chunk in iter(lambda m=member: m.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
        if digest.hexdigest() != item["sha256"] or size != item["size"]:
            raise BackupError(f"{item['path']}: checksum tidak cocok; cadangan berubah atau rusak.")
    return manifest


def verify(archive_path: Path, *, passphrase: str | None = None, accept_unsigned: bool = False) -> dict:
    """Check a whole backup (signature, manifest, every file); returns the manifest."""
    with opened(archive_path, passphrase=passphrase) as archive:
        return _manifest_of(archive, accept_unsigned=accept_unsigned)


def _installation_is_empty() -> bool:
    tables = connection.introspection.table_names()
    if "kinerja_user" not in tables:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kinerja_user")
        return cursor.fetchone()[0] == 0


def _check_media_targets(media: Path, paths: list[str]) -> None:
    """Refuse before anything is written when a file would land where a folder is, or under a file."""
    for name in paths:
        target = media / name[len("media/") :]
        if target.is_dir():
            raise BackupError(f"Tidak dapat memulihkan {name}: di {target} sudah ada folder.")
        for parent in target.relative_to(media).parents:
            folder = media / parent
            if folder.exists() and not folder.is_dir():
                raise BackupError(f"Tidak dapat memulihkan {name}: {folder} adalah berkas, bukan folder.")


def restore(
    archive_path: Path, *, force: bool = False, passphrase: str | None = None, accept_unsigned: bool = False
) -> dict:
    """Bring a backup back into this installation (empty unless `force`). Everything is checked
    first and the files are unpacked beside MEDIA_ROOT before the database is touched: a refused
    restore leaves the installation as it was."""
    media = Path(settings.MEDIA_ROOT)
    with opened(archive_path, passphrase=passphrase) as archive:
        manifest = _manifest_of(archive, accept_unsigned=accept_unsigned)
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"Cadangan ini dari basis data {manifest['database']}, instalasi ini memakai {connection.vendor}."
            )
        if not force and not _installation_is_empty():
            raise BackupError("Instalasi ini sudah berisi data. Pulihkan ke instalasi kosong, atau pakai --force.")
        media_names = sorted(item["path"] for item in manifest["files"] if item["path"].startswith("media/"))
        on_disk = _on_disk()
        if on_disk:
            _check_media_targets(media, media_names)
            media.mkdir(parents=True, exist_ok=True)
        # Beside MEDIA_ROOT (the files are then moved in place on the same disk), or for the
        # object store in a private temporary folder (they are uploaded from it).
        staging = Path(tempfile.mkdtemp(prefix=".pemulihan-", dir=media.parent if on_disk else None))
        try:
            for name in media_names:
                staged = staging / name[len("media/") :]
                staged.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as member, open(staged, "wb") as out:
                    shutil.copyfileobj(member, out, CHUNK)
            db_name = DATABASE_FILES[manifest["database"]]
            dump = staging.parent / f"{staging.name}.db"
            with archive.open(db_name) as member, _private_file(dump) as out:
                shutil.copyfileobj(member, out, CHUNK)
            try:
                _restore_database(dump)
            finally:
                dump.unlink(missing_ok=True)
            # Page parts kept under the old counters (any process, a shared cache) never match again.
            renew_data_marks()
            for name in media_names:
                if not on_disk:
                    _put_stored_file(storages["default"], name[len("media/") :], staging / name[len("media/") :])
                    continue
                target = media / name[len("media/") :]
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name[len("media/") :], target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _restore_database(dump: Path) -> None:
    db = settings.DATABASES["default"]
    connections.close_all()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(dump)
        destination = sqlite3.connect(db["NAME"])
        with destination:
            source.backup(destination)
        source.close()
        destination.close()
        return
    if not shutil.which("pg_restore"):
        raise BackupError("pg_restore tidak ditemukan; pasang klien PostgreSQL (postgresql-client).")
    result = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_args(db), "-d", db["NAME"], str(dump)],
        env=_pg_env(db),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore gagal: {result.stderr.strip()[:500]}")


__all__ = ["BackupError", "create", "restore", "verify"]
