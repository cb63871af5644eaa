"""Backup and restore: a real installation (SQLite file and media folder) is backed up, restored
into an empty one, and every row and every file compared."""

import hashlib
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the round trip runs on SQLite files; on PostgreSQL the same commands call pg_dump/pg_restore",
)


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def installation(tmp_path: Path, name: str) -> dict:
    folder = tmp_path / name
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", MEDIA_ROOT=str(folder / "media"), DEBUG="1")
    return env


def rows(path: Path) -> dict:
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    data = {table: db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables}
    db.close()
    return data


def files(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_backup_then_restore_into_an_empty_installation_gives_back_every_row_and_file(tmp_path):
    source = installation(tmp_path, "asal")
    manage("migrate", "--noinput", env=source)
    manage("seed_demo", env=source)
    # An upload, so that the media folder has a file to carry.
    script = (
        "from kinerja.models import *; from kinerja import uploads;"
        "from django.core.files.uploadedfile import SimpleUploadedFile;"
        "org = Organisation.objects.get(code='klego'); u = User.objects.get(username='kasubag');"
        "uploads.store_upload(SimpleUploadedFile('surat.pdf', b'%PDF-1.4\\n%%EOF\\n'), organisation=org, by=u)"
    )
    manage("shell", "-c", script, env=source)
    out = manage("backup", "--output", str(tmp_path / "cadangan"), env=source)
    (archive,) = (tmp_path / "cadangan").glob("kinerja-cadangan-*.zip")
    assert "diperiksa" in out
    names = zipfile.ZipFile(archive).namelist()
    assert (
        "manifest.json" in names
        and "database.sqlite3" in names
        and any(n.startswith("media/berkas/klego/") for n in names)
    )

    target = installation(tmp_path, "tujuan")
    manage("restore", str(archive), env=target)
    assert rows(tmp_path / "tujuan" / "db.sqlite3") == rows(tmp_path / "asal" / "db.sqlite3")
    assert files(tmp_path / "tujuan" / "media") == files(tmp_path / "asal" / "media") != {}

    # A second restore into the now full installation is refused; a changed backup is refused.
    refused = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=target,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode != 0 and "sudah berisi data" in refused.stderr
    tampered = tmp_path / "rusak.zip"
    with zipfile.ZipFile(archive) as original, zipfile.ZipFile(tampered, "w") as copy:
        for name in original.namelist():
            data = original.read(name)
            copy.writestr(name, data + b"x" if name.startswith("media/") else data)
    refused = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tampered), "--force"], cwd=ROOT, env=target, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert refused.returncode != 0 and "checksum tidak cocok" in refused.stderr
