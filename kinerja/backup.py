"""Backups: the database (SQLite online backup, or pg_dump) and every uploaded file in one dated
zip with a manifest of SHA-256 checksums; restore brings them back into an empty installation."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Indonesian."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
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
    """Write the database to `target`; returns the file name used inside the archive."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        source = sqlite3.connect(db["NAME"])
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)  # consistent even while the application writes
        source.close()
        destination.close()
        return "database.sqlite3"
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            raise BackupError("pg_dump tidak ditemukan; pasang klien PostgreSQL (postgresql-client).")
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", *_pg_args(db), "-f", str(target), db["NAME"]],
            env=_pg_env(db),
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump gagal: {result.stderr.strip()[:500]}")
        return "database.pgdump"
    raise BackupError(f"Basis data {connection.vendor} belum didukung untuk cadangan.")


def create(output_dir: Path) -> Path:
    """Write one dated backup zip into `output_dir` and return its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive_path = output_dir / f"kinerja-cadangan-{stamp}.zip"
    media = Path(settings.MEDIA_ROOT)
    entries = []
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "db"
        db_name = dump_database(dump)
        with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.write(dump, db_name)
            entries.append({"path": db_name, "sha256": _sha256(dump), "size": dump.stat().st_size})
            if media.exists():
                for path in sorted(p for p in media.rglob("*") if p.is_file()):
                    name = "media/" + path.relative_to(media).as_posix()
                    archive.write(path, name)
                    entries.append({"path": name, "sha256": _sha256(path), "size": path.stat().st_size})
            manifest = {
                "format": FORMAT,
                "created_at": timezone.localtime().isoformat(timespec="seconds"),
                "database": connection.vendor,
                "files": entries,
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return archive_path


def verify(archive_path: Path) -> dict:
    """Check every file of a backup against its manifest; returns the manifest."""
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError("Berkas cadangan rusak atau bukan cadangan aplikasi ini.") from exc
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError) as exc:
            raise BackupError("Manifes cadangan tidak ada atau rusak.") from exc
        for item in manifest.get("files", []):
            name = item["path"]
            if name.startswith("/") or ".." in name.split("/"):
                raise BackupError(f"Nama berkas berbahaya di cadangan: {name}")
            try:
                data = archive.read(name)
            except KeyError as exc:
                raise BackupError(f"{name} tercantum di manifes tetapi tidak ada di cadangan.") from exc
            if hashlib.sha256(data).hexdigest() != item["sha256"]:
                raise BackupError(f"{name}: checksum tidak cocok; cadangan berubah atau rusak.")
    return manifest


def _installation_is_empty() -> bool:
    tables = connection.introspection.table_names()
    if "kinerja_user" not in tables:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kinerja_user")
        return cursor.fetchone()[0] == 0


def restore(archive_path: Path, *, force: bool = False) -> dict:
    """Bring a backup back into this installation (empty unless `force`)."""
    manifest = verify(archive_path)
    if manifest.get("database") != connection.vendor:
        raise BackupError(
            f"Cadangan ini dari basis data {manifest.get('database')}, instalasi ini memakai {connection.vendor}."
        )
    if not force and not _installation_is_empty():
        raise BackupError("Instalasi ini sudah berisi data. Pulihkan ke instalasi kosong, atau pakai --force.")
    db = settings.DATABASES["default"]
    media = Path(settings.MEDIA_ROOT)
    with zipfile.ZipFile(archive_path) as archive, tempfile.TemporaryDirectory() as tmp:
        names = {item["path"] for item in manifest["files"]}
        db_name = next(n for n in names if n.startswith("database."))
        dump = Path(tmp) / db_name
        dump.write_bytes(archive.read(db_name))
        connections.close_all()
        if connection.vendor == "sqlite":
            source = sqlite3.connect(dump)
            destination = sqlite3.connect(db["NAME"])
            with destination:
                source.backup(destination)
            source.close()
            destination.close()
        else:
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
        for name in sorted(n for n in names if n.startswith("media/")):
            target = media / name[len("media/") :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    return manifest


__all__ = ["BackupError", "create", "restore", "verify"]
