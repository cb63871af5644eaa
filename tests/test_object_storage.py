"""Uploads on S3-compatible object storage (S3_BUCKET), against a local S3 server (moto's server
mode, started by the test): a file uploaded lands in the bucket, not in MEDIA_ROOT, and goes out
only through the access-checked view; a backup carries the bucket's files and a restore puts
them into another bucket, every row and file the same."""

import hashlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from kinerja import uploads

from .factories import LetterFactory, pdf_bytes
from .test_backup import assert_marks_renewed, filled, installation, manage, rows, sqlite_only

MOTO = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
needs_moto = pytest.mark.skipif(not Path(MOTO).exists(), reason="needs moto's S3 server (requirements-test.txt)")
CREDENTIALS = {"S3_ACCESS_KEY_ID": "uji", "S3_SECRET_ACCESS_KEY": "rahasia-uji", "S3_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen([MOTO, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)
    log.close()


def bucket(endpoint: str, name: str):
    import boto3

    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="uji", aws_secret_access_key="rahasia-uji",
        region_name="us-east-1",
    )  # fmt: skip
    client.create_bucket(Bucket=name)
    return client


def objects(client, name: str) -> dict:
    found = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {
        o["Key"]: hashlib.sha256(client.get_object(Bucket=name, Key=o["Key"])["Body"].read()).hexdigest() for o in found
    }


def s3_storages(endpoint: str, name: str) -> dict:
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name, "endpoint_url": endpoint, "access_key": "uji", "secret_key": "rahasia-uji",
                "region_name": "us-east-1", "default_acl": "private", "file_overwrite": False,
                "addressing_style": "path",
            },
        },
    }  # fmt: skip


@needs_moto
def test_an_upload_lands_in_the_bucket_and_goes_out_only_through_the_access_checked_view(
    client, klego_data, s3_server, settings, tmp_path
):
    s3 = bucket(s3_server, "kinerja-uji")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = s3_storages(s3_server, "kinerja-uji")
    data = pdf_bytes("Surat dari Bappeda")
    stored = uploads.store_bytes(
        data, organisation=klego_data.org, by=klego_data.kasubag, original_name="surat.pdf",
        content_type="application/pdf",
    )  # fmt: skip
    letter = LetterFactory(organisation=klego_data.org, registered_by=klego_data.kasubag, attachment=stored)
    assert objects(s3, "kinerja-uji") == {stored.file.name: hashlib.sha256(data).hexdigest()}
    assert not (tmp_path / "media").exists()  # nothing on the server's disk
    url = reverse("kinerja:letter_attachment", args=[letter.pk])
    client.force_login(klego_data.kasubag)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    client.logout()
    assert client.get(url).status_code == 302  # signed out: to the sign-in page


@needs_moto
@sqlite_only
def test_a_backup_carries_the_buckets_files_and_a_restore_puts_them_into_another_bucket(
    tmp_path, s3_server, seeded_installation
):
    s3 = bucket(s3_server, "asal")
    bucket(s3_server, "tujuan")
    # The seeded demo installation of the backup tests, its files moved into the bucket under the
    # names its rows give them (as S3 storage keeps them): the server's disk keeps nothing.
    source = filled(tmp_path, "asal", seeded_installation)
    source.update(S3_BUCKET="asal", S3_ENDPOINT_URL=s3_server, **CREDENTIALS)
    media = tmp_path / "asal" / "media"
    for path in sorted(p for p in media.rglob("*") if p.is_file()):
        s3.put_object(Bucket="asal", Key=path.relative_to(media).as_posix(), Body=path.read_bytes())
    shutil.rmtree(media)
    original_files = objects(s3, "asal")
    assert len(original_files) >= 2  # the demo's budget workbook and the letter of fill()
    manage("backup", "--output", str(tmp_path / "cadangan"), env=source)
    (archive,) = (tmp_path / "cadangan").glob("kinerja-cadangan-*.zip")
    names = {n for n in zipfile.ZipFile(archive).namelist() if n.startswith("media/")}
    assert names == {f"media/{key}" for key in original_files}

    target = installation(tmp_path, "tujuan")
    target.update(S3_BUCKET="tujuan", S3_ENDPOINT_URL=s3_server, **CREDENTIALS)
    manage("restore", str(archive), env=target)
    restored, original = rows(tmp_path / "tujuan" / "db.sqlite3"), rows(tmp_path / "asal" / "db.sqlite3")
    assert_marks_renewed(restored, original)
    assert restored == original
    assert objects(s3, "tujuan") == original_files
    media = tmp_path / "tujuan" / "media"
    assert not media.exists() or not any(media.rglob("*"))  # nothing restored onto the server's disk
