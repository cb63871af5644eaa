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
        "uploads.store_bytes(b'%PDF-1.4 surat', organisation=org, by=u, original_name='surat.pdf',"
        " content_type='application/pdf')"
    )
    manage("shell", "-c", script, env=env)


def filled(tmp_path: Path, name: str, template: Path) -> dict:
    """A full installation in `tmp_path / name`: a copy of the template's database and media."""
    env = installation(tmp_path, name)
    for part in template.iterdir():
        if part.is_dir():
            shutil.copytree(part, tmp_path / name / part.name)
        else:
            shutil.copy2(part, tmp_path / name / part.name)
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


def assert_marks_renewed(restored: dict, original: dict) -> None:
    """Every data mark of the restored installation is above any its source counted (kept page
    parts of before never match again); the marks are then left out of the row comparison.
    1.7e18 is 2023-11 in nanoseconds: a count of changes by ones never comes near."""
    marks = restored.pop("kinerja_datamark")
    before = original.pop("kinerja_datamark")
    assert marks and all(value > 1_700_000_000_000_000_000 for _pk, value, _scope in marks)
    assert before and all(value < 1_000_000 for _pk, value, _scope in before)


@sqlite_only
def test_backup_then_restore_into_an_empty_installation_gives_back_every_row_and_file(tmp_path, seeded_installation):
    source = filled(tmp_path, "asal", seeded_installation)
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
    restored, original = rows(tmp_path / "tujuan" / "db.sqlite3"), rows(tmp_path / "asal" / "db.sqlite3")
    assert_marks_renewed(restored, original)
    assert restored == original
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
    restored, original = postgres_rows(target_url), postgres_rows(source_url)
    assert_marks_renewed(restored, original)
    assert restored == original and restored["kinerja_user"]
    assert files(tmp_path / "tujuan" / "media") == files(tmp_path / "asal" / "media") != {}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def forge(archive: Path, target: Path, *, signature: bytes | None) -> None:
    """The attack: change the database inside a backup (a section's staff made superuser, a filed
    capaian raised), recompute every checksum of the manifest, and keep or drop the signature."""
    import json

    with zipfile.ZipFile(archive) as original:
        db_file = target.parent / "palsu.sqlite3"
        db_file.write_bytes(original.read("database.sqlite3"))
        db = sqlite3.connect(db_file)
        with db:
            db.execute("UPDATE kinerja_user SET is_superuser = 1, is_staff = 1 WHERE username = 'staf.pem'")
            db.execute("UPDATE kinerja_performancerecord SET capaian = 100")
        db.close()
        forged_db = db_file.read_bytes()
        manifest = json.loads(original.read("manifest.json"))
        for item in manifest["files"]:
            if item["path"] == "database.sqlite3":
                item["sha256"], item["size"] = hashlib.sha256(forged_db).hexdigest(), len(forged_db)
        with zipfile.ZipFile(target, "w") as copy:
            for name in original.namelist():
                if name == "database.sqlite3":
                    copy.writestr(name, forged_db)
                elif name == "manifest.json":
                    copy.writestr(name, json.dumps(manifest, indent=2))
                elif name == "manifest.sig":
                    if signature is not None:
                        copy.writestr(name, signature)
                else:
                    copy.writestr(name, original.read(name))


@sqlite_only
def test_a_backup_is_private_signed_sessionless_and_a_forged_one_is_refused(tmp_path, seeded_installation):
    source = filled(tmp_path, "asal", seeded_installation)
    manage("shell", "-c", "from django.contrib.sessions.backends.db import SessionStore; s = SessionStore(); "
           "s['x'] = 1; s.create()", env=source)  # fmt: skip
    manage("backup", "--output", str(tmp_path / "cadangan"), env=source)
    (archive,) = (tmp_path / "cadangan").glob("kinerja-cadangan-*.zip")
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes, TOTP keys, rahasia scans inside
    names = zipfile.ZipFile(archive).namelist()
    assert "manifest.sig" in names

    for signature, message in ((b"0" * 64, "Tanda tangan cadangan tidak cocok"), (None, "tidak bertanda tangan")):
        forged = tmp_path / f"palsu-{bool(signature)}.zip"
        forge(archive, forged, signature=signature)
        target = installation(tmp_path, f"tujuan-{bool(signature)}")
        refused = run_manage("restore", str(forged), env=target)
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
        assert not (tmp_path / f"tujuan-{bool(signature)}" / "db.sqlite3").exists() or not rows(
            tmp_path / f"tujuan-{bool(signature)}" / "db.sqlite3"
        ).get("kinerja_user")
    # The operator may insist; it is said and logged.
    accepted = run_manage("restore", str(forged), "--accept-unsigned", env=target)
    assert accepted.returncode == 0 and "--accept-unsigned" in accepted.stderr

    # A backup of another installation (another key) is refused as well.
    other = installation(tmp_path, "lain")
    other["BACKUP_SIGNING_KEY"] = "kunci-instalasi-lain-0123456789"
    refused = run_manage("restore", str(archive), env=other)
    assert refused.returncode == 1 and "Tanda tangan cadangan tidak cocok" in refused.stderr

    restored = installation(tmp_path, "pulih")
    manage("restore", str(archive), env=restored)
    assert rows(tmp_path / "pulih" / "db.sqlite3")["django_session"] == []  # sessions are left out
    assert rows(tmp_path / "asal" / "db.sqlite3")["django_session"] != []


@sqlite_only
def test_an_encrypted_backup_needs_its_passphrase(tmp_path, seeded_installation):
    source = filled(tmp_path, "asal", seeded_installation)
    source["BACKUP_PASSPHRASE"] = "kata sandi cadangan kantor 2026"
    out = manage("backup", "--output", str(tmp_path / "cadangan"), env=source)
    assert "terenkripsi" in out
    (archive,) = (tmp_path / "cadangan").glob("kinerja-cadangan-*.zip.enc")
    assert archive.stat().st_mode & 0o777 == 0o600
    assert not zipfile.is_zipfile(archive) and b"kinerja_user" not in archive.read_bytes()
    target = installation(tmp_path, "tujuan")
    refused = run_manage("restore", str(archive), env=target)
    assert refused.returncode == 1 and "terenkripsi" in refused.stderr
    target["BACKUP_PASSPHRASE"] = "salah"
    refused = run_manage("restore", str(archive), env=target)
    assert refused.returncode == 1 and "Kata sandi cadangan salah" in refused.stderr
    target["BACKUP_PASSPHRASE"] = source["BACKUP_PASSPHRASE"]
    manage("restore", str(archive), env=target)
    assert (
        rows(tmp_path / "tujuan" / "db.sqlite3")["kinerja_user"]
        == rows(tmp_path / "asal" / "db.sqlite3")["kinerja_user"]
    )


# Malformed backups: refused whole, before anything is touched ---------------------------------


def crafted(path: Path, manifest, members: dict[str, bytes], *, signed: bool = True) -> Path:
    import json

    from infra import backup

    raw = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", raw)
        if signed:  # signed with this installation's key: only the shape is wrong
            archive.writestr("manifest.sig", backup.sign(raw))
    return path


def entry(name: str, data: bytes) -> dict:
    return {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


DB = b"SQLite format 3\x00" + b"\x00" * 100


@pytest.mark.parametrize(
    "manifest,members,message",
    [
        ({"format": 2, "database": "sqlite", "files": [entry("media/a.pdf", b"%PDF")]}, {"media/a.pdf": b"%PDF"},
         "tepat satu salinan basis data"),
        ({"format": 2, "database": "sqlite", "files": "database.sqlite3"}, {"database.sqlite3": DB},
         "daftar berkasnya tidak sah"),
        ({"format": 2, "database": "sqlite", "files": [entry("database.sqlite3", DB), entry("media/berkas", b"x"),
                                                       entry("media/berkas/a.pdf", b"%PDF")]},
         {"database.sqlite3": DB, "media/berkas": b"x", "media/berkas/a.pdf": b"%PDF"}, "juga sebuah berkas"),
        ({"format": 2, "database": "sqlite", "files": [entry("database.sqlite3", DB), entry("media/../x", b"x")]},
         {"database.sqlite3": DB, "media/../x": b"x"}, "Nama berkas berbahaya"),
        ({"format": 2, "database": "sqlite", "files": [entry("database.sqlite3", DB)]},
         {"database.sqlite3": DB, "media/tambahan.pdf": b"%PDF"}, "tidak tercantum di manifes"),
        ({"format": 2, "files": [entry("database.sqlite3", DB)]}, {"database.sqlite3": DB}, "tidak menyebut basis"),
        ([1, 2, 3], {}, "tidak menyebut basis"),
        ({"format": 2, "database": "sqlite", "files": [{"path": "database.sqlite3", "sha256": "x", "size": 1}]},
         {"database.sqlite3": DB}, "checksum yang sah"),
    ],
)  # fmt: skip
def test_a_malformed_backup_is_refused_with_a_sentence_and_nothing_is_touched(
    tmp_path, settings, db, manifest, members, message
):
    from infra import backup
    from kinerja.models import Organisation

    settings.MEDIA_ROOT = tmp_path / "media"
    before = Organisation.objects.count()
    with pytest.raises(backup.BackupError, match=message):
        backup.restore(crafted(tmp_path / "rusak.zip", manifest, members), force=True)
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*"))
    assert Organisation.objects.count() == before
    assert not list(tmp_path.glob(".pemulihan-*"))


def test_a_media_file_that_would_land_under_an_existing_file_is_refused_before_the_database(tmp_path, settings, db):
    from infra import backup

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "berkas").write_bytes(b"sudah ada")
    name = backup.DATABASE_FILES[connection.vendor]
    files = [entry(name, DB), entry("media/berkas/a.pdf", b"%PDF")]
    manifest = {"format": 2, "database": connection.vendor, "files": files}
    archive = crafted(tmp_path / "c.zip", manifest, {name: DB, "media/berkas/a.pdf": b"%PDF"})
    with pytest.raises(backup.BackupError, match="adalah berkas, bukan folder"):
        backup.restore(archive, force=True)
    assert (tmp_path / "media" / "berkas").read_bytes() == b"sudah ada"
