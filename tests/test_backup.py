"""Backup and restore: a real installation (its database and media folder) is backed up,
restored into an empty one, and every row and every file compared: with SQLite files, and with
PostgreSQL databases through pg_dump and pg_restore when the suite runs on PostgreSQL."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite round trip runs when the suite runs on SQLite"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump"),
    reason="the PostgreSQL round trip needs the suite on PostgreSQL (DATABASE_URL) and pg_dump/pg_restore",
)


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def installation(tmp_path: Path, name: str, database_url: str | None = None) -> dict:
    folder = tmp_path / name
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    database_url = database_url or f"sqlite:///{folder / 'db.sqlite3'}"
    env.update(DATABASE_URL=database_url, MEDIA_ROOT=str(folder / "media"), DEBUG="1")
    return env


def fill(env: dict) -> None:
    """Migrate, seed the demo, and store one upload so the media folder has a file to carry."""
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", env=env)
    script = (
        "from kinerja.models import *; from kinerja import uploads;"
        "from django.core.files.uploadedfile import SimpleUploadedFile;"
        "org = Organisation.objects.get(code='klego'); u = User.objects.get(username='kasubag');"
        "uploads.store_upload(SimpleUploadedFile('surat.pdf', b'%PDF-1.4\\n%%EOF\\n'), organisation=org, by=u)"
    )
    manage("shell", "-c", script, env=env)


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


@sqlite_only
def test_backup_then_restore_into_an_empty_installation_gives_back_every_row_and_file(tmp_path):
    source = installation(tmp_path, "asal")
    fill(source)
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


def postgres_rows(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            )
        ]
        return {table: db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables}


@pytest.fixture
def two_postgres_databases():
    """Two new, empty databases on the suite's PostgreSQL server, dropped afterwards."""
    import psycopg

    server = urlparse(os.environ["DATABASE_URL"])
    admin_url = urlunparse(server._replace(path="/postgres"))
    names = [f"kinerja_cadangan_{uuid.uuid4().hex[:8]}_{role}" for role in ("asal", "tujuan")]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [urlunparse(server._replace(path=f"/{name}")) for name in names]
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@postgresql_only
def test_a_postgresql_backup_restored_into_an_empty_database_gives_back_every_row_and_file(
    tmp_path, two_postgres_databases
):
    source_url, target_url = two_postgres_databases
    source = installation(tmp_path, "asal", source_url)
    fill(source)
    manage("backup", "--output", str(tmp_path / "cadangan"), env=source)
    (archive,) = (tmp_path / "cadangan").glob("kinerja-cadangan-*.zip")
    assert "database.pgdump" in zipfile.ZipFile(archive).namelist()

    target = installation(tmp_path, "tujuan", target_url)
    manage("restore", str(archive), env=target)
    restored = postgres_rows(target_url)
    assert restored == postgres_rows(source_url) and restored["kinerja_user"]
    assert files(tmp_path / "tujuan" / "media") == files(tmp_path / "asal" / "media") != {}
