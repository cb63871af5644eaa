"""Two application servers (two gunicorn processes on two ports) on one PostgreSQL, one Redis (the
page cache and the API's counters) and one S3 bucket (a local S3 server, moto's server mode),
behind nginx as deploy/ sets them up, all on 127.0.0.1 and started by the test: a change made
through one is seen through the other at the next request (its kept page included); an upload
through one is downloaded through the other; a document asked for on one is built by a worker
(a Celery process on the same Redis) and fetched on the other; step 10 asked on one is filed by
the worker, its archive in the bucket and downloaded through the other; the API's rate is counted across both; a session
opened on one is valid on the other; stopping one server loses no request that the other can
serve.

Needs PostgreSQL (the servers are other processes: SQLite's in-memory test database is not
theirs to open), Redis, and for the failover nginx; skipped, saying which, where they are missing."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from kinerja.models import ApiToken, Submission

from .conftest import REDIS_CACHE, advance, filled_template, process_broker, start
from .test_api import make_token
from .test_object_storage import CREDENTIALS, bucket, s3_server  # noqa: F401  (the S3 server fixture)

BASE = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
CELERY = Path(sys.executable).parent / "celery"
BROKER = process_broker()  # this test process's own queue: two-server tests may run at once in two
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (DATABASE_URL=postgres://...): the servers are separate processes",
    ),
    pytest.mark.skipif(not _listening(6379), reason="needs Redis on 127.0.0.1:6379"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


class Browser:
    """A signed-in visitor speaking HTTP to any server: the session cookie made in the database,
    and the CSRF cookie, sent with every request."""

    def __init__(self, session: str):
        self.cookies = {"sessionid": session}

    def request(self, base: str, path: str, data: bytes | None = None, headers: dict | None = None):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(f"{base}{path}", data=data, headers={"Cookie": cookie, **(headers or {})})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name in ("csrftoken", "sessionid"):
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.read()

    def get(self, base, path, headers=None):
        return self.request(base, path, headers=headers)

    def post(self, base, path, fields: dict, files: dict | None = None):
        if "csrftoken" not in self.cookies:
            self.get(base, "/profil/")
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content) in (files or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(base, path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer of its own (302 after a POST)


def signed_in(user) -> Browser:
    client = Client()
    client.force_login(user)  # a session row in the shared database
    return Browser(client.cookies["sessionid"].value)


@pytest.fixture
def servers(tmp_path, settings, s3_server):  # noqa: F811
    """Two gunicorn servers (two workers each) on the test's database and Redis, their uploads in
    one bucket of a local S3 server (each its own MEDIA_ROOT, which stays empty); nginx in front
    of both when it is installed. Yields their base addresses."""
    bucket_name = f"dua-server-{uuid.uuid4().hex[:8]}"
    bucket(s3_server, bucket_name)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CACHE_URL": REDIS_CACHE,
        "CACHE_KEY_PREFIX": f"dua-server-{uuid.uuid4().hex[:8]}",
        "S3_BUCKET": bucket_name,
        "S3_ENDPOINT_URL": s3_server,
        **CREDENTIALS,
        "DEBUG": "1",
        "NOTICE_MAIL": "cron",
        "API_RATE": "3/minute",
        "TWO_FACTOR_ENFORCED": "0",
        "TASK_BROKER_URL": BROKER,
        "DJANGO_SETTINGS_MODULE": "klego_kinerja.settings",
    }
    import redis

    redis.Redis.from_url(BROKER).flushdb()  # no task left by an earlier run
    processes, bases = [], []
    for name in ("a", "b"):
        env = {**env, "MEDIA_ROOT": str(tmp_path / f"media-{name}")}  # not shared: the bucket is
        port = free_port()
        log = open(tmp_path / f"gunicorn-{name}.log", "w")  # noqa: SIM115 (closed with the process)
        processes.append(
            subprocess.Popen(
                [str(GUNICORN), "klego_kinerja.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                 "--graceful-timeout", "10", "--access-logfile", "-"],
                cwd=BASE, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        bases.append(f"http://127.0.0.1:{port}")
    worker_log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed with the process)
    worker = subprocess.Popen(
        [str(CELERY), "-A", "klego_kinerja", "worker", "--pool", "solo", "--without-heartbeat", "--without-mingle",
         "--without-gossip", "--loglevel", "INFO"],
        cwd=BASE, env={**env, "MEDIA_ROOT": str(tmp_path / "media-worker")}, stdout=worker_log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    nginx = None
    front = None
    if NGINX:
        port = free_port()
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp_path / folder).mkdir()
        config = tmp_path / "nginx.conf"
        upstreams = "\n".join(f"server {b.removeprefix('http://')} max_fails=1 fail_timeout=30s;" for b in bases)
        config.write_text(
            f"""daemon off; worker_processes 1; pid {tmp_path}/nginx.pid; error_log {tmp_path}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy; fastcgi_temp_path {tmp_path}/fastcgi;
  uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
  upstream kinerja {{ {upstreams} }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 12m;
    location / {{
      proxy_pass http://kinerja;
      proxy_set_header Host $host;
      proxy_next_upstream error timeout http_502 http_503;
    }}
  }}
}}
"""
        )
        nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path)], stderr=subprocess.STDOUT)
        front = f"http://127.0.0.1:{port}"
    try:
        for base in bases:
            wait_until_up(f"{base}/healthz")
        if front:
            wait_until_up(f"{front}/healthz")
        yield {"a": bases[0], "b": bases[1], "front": front, "processes": processes, "media": tmp_path,
               "bucket": bucket_name}  # fmt: skip
    finally:
        for process in [*processes, worker, *([nginx] if nginx else [])]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*processes, worker, *([nginx] if nginx else [])]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for_the_worker(job, servers, seconds: float = 90):
    """Wait until the worker has finished `job` (a DocumentJob or FilingJob row); past `seconds`,
    fail with where the job stands and the end of the worker's log."""
    from kinerja.models.documents import JobStatus

    deadline = time.monotonic() + seconds
    while (row := type(job).objects.get(pk=job.pk)).status in (JobStatus.WAITING, JobStatus.BUILDING):
        if time.monotonic() > deadline:
            log = (servers["media"] / "worker.log").read_text(errors="replace")[-3000:]
            where = f"{type(job).__name__} {job.pk} still {row.status} after {seconds}s"
            raise AssertionError(f"{where}; the worker's log ends:\n{log}")
        time.sleep(0.3)
    return row


def test_a_change_made_through_one_server_shows_through_the_other_at_once(klego_data, servers):
    kasubag = signed_in(klego_data.kasubag)
    for _ in range(2):  # the indicator list made and kept on B (in the shared Redis)
        status, page = kasubag.get(servers["b"], "/indikator/")
        assert status == 200 and b"Sasaran dari server A" not in page
    status, _ = kasubag.post(servers["a"], "/indikator/sasaran/", {"code": "SS9", "name": "Sasaran dari server A",
                                                                   "order": "9"})  # fmt: skip
    assert status == 302
    status, page = kasubag.get(servers["b"], "/indikator/")
    assert status == 200 and b"Sasaran dari server A" in page


def test_an_upload_through_one_server_is_downloaded_through_the_other(klego_data, servers):
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    section = klego_data.sections["pem"]
    kind = cycle.obligations.filter(section=section).first().kind
    workbook = filled_template(cycle, section, kind)
    staff = signed_in(klego_data.staf_pem)
    status, _ = staff.post(
        servers["a"], f"/siklus/{cycle.pk}/seksi/pem/unggah/", {"kind": kind.code, "on_behalf": ""},
        files={"file": ("realisasi.xlsx", workbook)},
    )  # fmt: skip
    assert status == 302
    submission = Submission.objects.get(cycle=cycle, section=section)
    status, data = staff.get(servers["b"], f"/siklus/{cycle.pk}/seksi/pem/berkas/{submission.pk}/")
    assert status == 200 and data == workbook
    assert not any(servers["media"].rglob("*.xlsx"))  # through the bucket, not a disk of either server


def test_a_document_asked_for_on_one_server_is_built_by_the_worker_and_fetched_on_the_other(klego_data, servers):
    from kinerja import budget
    from kinerja.models import DocumentJob

    from .test_agreements import docx_text
    from .test_budget import budget_file

    assert budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.kasubag).ok
    kasubag = signed_in(klego_data.kasubag)
    status, _ = kasubag.get(servers["a"], "/dokumen/perjanjian-kinerja.docx?tahun=2026&tanggal=2026-01-02")
    job = DocumentJob.objects.get()
    assert status == 302
    job = wait_for_the_worker(job, servers)
    assert job.status == DocumentJob.Status.READY, job.error
    status, page = kasubag.get(servers["b"], f"/dokumen/permintaan/{job.pk}/")
    assert status == 200 and b"Siap diunduh" in page
    status, data = kasubag.get(servers["b"], f"/dokumen/permintaan/{job.pk}/unduh/")
    assert status == 200 and "PERJANJIAN KINERJA TAHUN 2026 KECAMATAN KLEGO" in docx_text(data)


def test_step_10_asked_on_one_server_is_filed_by_the_worker_and_its_archive_downloaded_on_the_other(
    klego_data,
    servers,
    settings,
    s3_server,  # noqa: F811
):
    import io
    import json
    import zipfile

    from django.urls import reverse

    from kinerja.models import Cycle, FilingJob

    from .test_analysis_steps import to_step_6
    from .test_object_storage import s3_storages

    settings.STORAGES = s3_storages(s3_server, servers["bucket"])  # the sections' uploads in the bucket too
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    kasubag = signed_in(klego_data.kasubag)
    page = reverse("kinerja:filing", args=[cycle.pk])
    status, _ = kasubag.post(servers["a"], page, {"action": "file", "overdue_reason": "Uji dua server"})
    assert status == 302
    job = FilingJob.objects.get(cycle=cycle)
    job = wait_for_the_worker(job, servers, seconds=120)
    assert job.status == FilingJob.Status.READY, job.error
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.DONE
    status, data = kasubag.get(servers["b"], reverse("kinerja:archive_download", args=[cycle.pk, "zip"]))
    assert status == 200
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        upload = archive.read(next(n for n in names if n.startswith("asli/seksi/pem/realisasi-v1")))
    assert {item["path"] for item in manifest} | {"manifest.json"} == names
    assert "laporan/04-laporan-analisa.pdf" in names and upload[:2] == b"PK"  # the section's workbook itself
    assert not any(servers["media"].rglob("*.zip"))  # built by the worker into the bucket, not a disk


def test_the_api_rate_is_counted_across_both_servers(klego_data, servers):
    _token, key = make_token(organisation=klego_data.org)
    headers = {"Authorization": f"Bearer {key}"}
    anybody = Browser("")
    answers = [anybody.get(servers[name], "/api/v1/organisasi/", headers)[0] for name in ("a", "b", "a", "b")]
    assert answers == [200, 200, 200, 429]  # API_RATE=3/minute, one count in Redis
    assert ApiToken.objects.get(pk=_token.pk).calls.count() == 4  # each server logged its calls


def test_stopping_one_server_loses_no_request_the_other_can_serve(klego_data, servers):
    if not servers["front"]:
        pytest.skip("needs nginx (apt-get install nginx): the failover is nginx's upstream")
    camat = signed_in(klego_data.camat)
    answers = [camat.get(servers["front"], "/")[0] for _ in range(6)]
    server_a = servers["processes"][0]
    server_a.send_signal(signal.SIGTERM)  # gunicorn finishes what it is serving, then stops
    answers += [camat.get(servers["front"], "/")[0] for _ in range(10)]
    server_a.wait(timeout=20)
    answers += [camat.get(servers["front"], "/")[0] for _ in range(10)]
    assert answers == [200] * 26, answers
