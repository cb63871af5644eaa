"""Bounded load test (benchmarks/, not CI): the people of every kecamatan at work at once through
step 2 of a cycle, for a fixed time, against two application servers behind nginx, then against
one, on PostgreSQL and Redis, all on this machine:

- each seksi's staff: open their section page, upload their workbook (a new version each time,
  read by the importer), open the page again;
- the Kasubag: the inbox, the receipt page, a section's page;
- the Camat: the inbox and the dashboard; the Sekretaris: the cycle page and the letters.

It reports requests, errors (any answer but the one expected: 200 for a page, 302 for an upload),
uploads answered as stored against the versions the database holds (a lost upload is an error),
p50/p95 latency for each layout, and the most PostgreSQL connections open at once (sampled).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinerja_load
    createdb -h 127.0.0.1 -U postgres kinerja_load; python manage.py migrate
    python benchmarks/generate_kabupaten.py --years 2 --indicators 20
    python benchmarks/bench_load.py [--seconds 60] [--kecamatan 22]

Needs PostgreSQL, Redis on 127.0.0.1:6379, gunicorn and nginx. Each server runs WORKERS gunicorn
workers (default 2); with persistent connections (DB_CONN_MAX_AGE, 60 s) each worker holds one
PostgreSQL connection, so the limit stated is servers × WORKERS + 1 (this script's own).
"""

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klego_kinerja.settings")
os.environ.setdefault("NOTICE_MAIL", "cron")
# The sessions made here must be valid on the servers: the same key signs them.
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 50)

from _setup import say_load  # noqa: E402
from bench_throughput import production_environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("WORKERS", "2"))
# A section keeps at most 30 versions of a kind a cycle: each person uploads a few times a layout.
UPLOADS_PER_PERSON = 5
BIN = Path(sys.executable).parent


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(kecamatan: int):
    """Every kecamatan with a cycle open at step 2 (started and disposed as the SOP has it), its
    people's sessions and each section's filled-in workbook."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from kinerja import demo, scenario
    from kinerja.engine import workflow
    from kinerja.models import Cycle, Letter, Organisation, Role
    from kinerja.spreadsheets.templates import filled_in
    from kinerja.steps import submissions

    def session_of(user) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    people = []
    now = timezone.now()
    for organisation in Organisation.objects.order_by("name")[:kecamatan]:
        # A new cycle each run (the year after the latest), taken to step 2: its sections upload
        # afresh (a section keeps at most 30 versions of a kind a cycle).
        demo.ensure_schedule(organisation)  # the generated data set has Klego's only
        demo.ensure_instructions(organisation)
        kasubag = scenario.holder(organisation, Role.KASUBAG)
        year = max(Cycle.objects.filter(organisation=organisation).values_list("year", flat=True), default=now.year)
        letter = Letter.objects.create(
            organisation=organisation, number=f"050/{uuid.uuid4().hex[:6]}/BEBAN", date=now.date(),
            sender="Bagian Organisasi", subject="Uji beban", received_date=now.date(), registered_by=kasubag,
        )  # fmt: skip
        cycle = workflow.start_cycle(
            organisation=organisation, letter=letter, year=min(year + 1, 2100), quarter=1, by=kasubag, at=now
        )
        scenario.take_cycle_to(cycle, 2, at=lambda run: timezone.now(), overdue_reason="uji beban")
        officials = (
            ("kasubag", kasubag), ("camat", scenario.holder(organisation, Role.KEPALA)),
            ("sekcam", scenario.holder(organisation, Role.SEKRETARIS)),
        )  # fmt: skip
        people += [(role, session_of(holder), cycle.pk, None, None, None) for role, holder in officials]
        for obligation in cycle.obligations.select_related("section", "kind"):
            section, kind = obligation.section, obligation.kind
            staff = scenario.holder(organisation, Role.STAF, section)
            workbook = filled_in(submissions.template_for(cycle, section, kind), kind)
            people.append(("staf", session_of(staff), cycle.pk, section.code, kind.code, workbook))
    return people


class Visitor(threading.Thread):
    """One person, doing their part over and over until the deadline."""

    def __init__(self, base, person, deadline, record):
        super().__init__(daemon=True)
        self.base, self.deadline, self.record = base, deadline, record
        self.role, session, self.cycle, self.section, self.kind, self.workbook = person
        self.cookies = {"sessionid": session}
        self.waiting = False  # an upload whose answer the next page shows

    def call(self, path, data=None, headers=None, expected=200, label=None):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, data=data, headers={"Cookie": cookie, **(headers or {})})
        started = time.perf_counter()
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        except OSError as error:
            self.record(label or path, time.perf_counter() - started, f"connection: {error}", expected)
            return None
        body = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:  # as a browser keeps them
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0].strip('"') and rest.split(";", 1)[0]
            if value and "max-age=0" not in rest.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        self.record(label or path, time.perf_counter() - started, response.status, expected)
        return body

    def upload(self):
        boundary = uuid.uuid4().hex
        fields = {"kind": self.kind, "on_behalf": "", "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        body = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="realisasi.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + self.workbook
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base}
        return self.call(f"/siklus/{self.cycle}/seksi/{self.section}/unggah/", body, headers, 302, "upload")

    def run(self):
        pages = {
            "kasubag": ["/", f"/siklus/{self.cycle}/penerimaan/", f"/siklus/{self.cycle}/seksi/pem/"],
            "camat": ["/", "/dasbor/"],
            "sekcam": [f"/siklus/{self.cycle}/", "/surat/"],
        }
        section_page = f"/siklus/{self.cycle}/seksi/{self.section}/"
        uploads = 0
        while time.monotonic() < self.deadline:
            if self.role == "staf":
                self.read_outcome(self.call(section_page, label="section page"))
                if uploads < UPLOADS_PER_PERSON and time.monotonic() < self.deadline and self.upload() is not None:
                    self.waiting, uploads = True, uploads + 1
            else:
                for path in pages[self.role]:
                    label = {"/": "inbox"}.get(path, path.split("/")[-2] if path.count("/") > 2 else path)
                    self.call(path, label=label)
            time.sleep(random.uniform(0.2, 1.0))  # a person reads before the next click
        if self.role == "staf" and self.waiting:  # the last upload's answer, after the deadline
            self.read_outcome(self.call(section_page, label="section page (after)"))

    def read_outcome(self, body):
        """What the page said of the upload before it (the message shown once after the redirect):
        a version stored (accepted, or refused for its content: both are versions), or a refusal."""
        if not self.waiting or body is None:
            return
        self.waiting = False
        text = body.decode("utf-8", "replace")
        if re.search(r"Versi \d+ (diterima|ditolak)", text):
            self.record("upload stored", 0, "stored", "stored")
        else:
            found = re.search(r"alert-danger[^>]*>(.*?)<", text, re.S)
            self.record("upload stored", 0, f"refused: {found.group(1).strip() if found else '?'}", "stored")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_servers(env, count):
    servers, bases = [], []
    for _ in range(count):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [str(BIN / "gunicorn"), "klego_kinerja.wsgi", f"--workers={WORKERS}", f"--bind=127.0.0.1:{port}",
                 "--timeout=120"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
        bases.append(f"127.0.0.1:{port}")
    for base in bases:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
    return servers, bases


def start_nginx(bases, folder: Path):
    port = free_port()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    upstreams = " ".join(f"server {b};" for b in bases)
    config = folder / "nginx.conf"
    config.write_text(
        f"daemon off; worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log;\n"
        "events { worker_connections 512; }\n"
        f"http {{ access_log off; client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;\n"
        f"upstream kinerja {{ {upstreams} }}\n"
        f"server {{ listen 127.0.0.1:{port}; client_max_body_size 12m;\n"
        "location / { proxy_pass http://kinerja; proxy_set_header Host $host; proxy_read_timeout 120s; } } }\n"
    )
    nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(config), "-p", str(folder)])
    time.sleep(0.5)
    return nginx, f"http://127.0.0.1:{port}"


def run_layout(label, base, people, seconds, connections_max):
    from django.db import connection

    results, lock = [], threading.Lock()

    def record(name, elapsed, status, expected):
        with lock:
            results.append((name, elapsed, status, expected))

    deadline = time.monotonic() + seconds
    visitors = [Visitor(base, person, deadline, record) for person in people]
    sampling = True

    def sample():
        with connection.cursor() as cursor:
            while sampling:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
                connections_max[label] = max(connections_max.get(label, 0), cursor.fetchone()[0])
                time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for visitor in visitors:
        visitor.start()
    for visitor in visitors:
        visitor.join()
    sampling = False
    sampler.join()
    return results


def summarise(label, results, seconds, connections):
    times = sorted(r[1] for r in results if isinstance(r[2], int))
    errors = [r for r in results if r[2] != r[3]]
    uploads = sum(1 for r in results if r[0] == "upload stored" and r[2] == "stored")
    p50 = statistics.median(times) * 1000 if times else 0
    p95 = times[int(len(times) * 0.95) - 1] * 1000 if times else 0
    requests = sum(1 for r in results if r[0] != "upload stored")
    print(
        f"{label:14} {requests:6d} requests ({requests / seconds:5.1f}/s)  errors {len(errors)}  "
        f"uploads stored {uploads}  p50 {p50:6.1f} ms  p95 {p95:7.1f} ms  PostgreSQL connections ≤ {connections}"
    )
    for name, _elapsed, status, expected in errors[:5]:
        print(f"    error: {name}: {status} (expected {expected})")
    return uploads, len(errors)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--kecamatan", type=int, default=22)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (see the docstring)")
    people = prepare(options.kecamatan)
    from kinerja.models import Submission

    env = production_environment()
    env.update(CACHE_URL="redis://127.0.0.1:6379/11", CACHE_KEY_PREFIX=f"beban-{uuid.uuid4().hex[:6]}",
               NOTICE_MAIL="cron", API_RATE="100000/hour")  # fmt: skip
    env.pop("TASK_BROKER_URL", None)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    print(
        f"{options.kecamatan} kecamatan, {len(people)} people at once, {options.seconds} s per layout, "
        f"{WORKERS} gunicorn workers per server"
    )
    say_load("at the start")
    folder = Path(tempfile.mkdtemp(prefix="kinerja-beban-"))
    connections: dict[str, int] = {}
    lost = errors = 0
    for label, count in (("two servers", 2), ("one server", 1)):
        servers, bases = start_servers(env, count)
        nginx, front = start_nginx(bases, folder)
        before = Submission.objects.count()
        try:
            results = run_layout(label, front, people, options.seconds, connections)
        finally:
            for process in (nginx, *servers):
                process.terminate()
            for process in (nginx, *servers):
                process.wait(timeout=30)
        stored, failed = summarise(label, results, options.seconds, connections.get(label, 0))
        made = Submission.objects.count() - before
        lost += stored - made
        errors += failed
        print(f"{'':14} versions in the database: {made} (the pages said stored: {stored})")
    say_load("at the end")
    limit = 2 * WORKERS + 1
    print(f"lost uploads: {lost}; errors: {errors}; PostgreSQL connection limit stated: {limit}")
    if lost or errors or max(connections.values()) > limit + 1:  # +1: the sampler's own connection
        raise SystemExit(1)


if __name__ == "__main__":
    main()
