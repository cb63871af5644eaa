"""Throughput of the inbox under gunicorn, measured with `wrk` on loopback, next to the trivial
view (/healthz) on the same server. Uses the installation DATABASE_URL names (the kabupaten data
set of `benchmarks/generate_kabupaten.py`), production settings (DEBUG=0) and a signed-in Kasubag's session.

    DATABASE_URL=sqlite:////tmp/kab/db.sqlite3 python benchmarks/bench_throughput.py

Needs `wrk` (apt-get install wrk). Options through the environment: WORKERS (gunicorn workers,
default 3 = 2 cores + 1), CONNECTIONS (default 8), SECONDS (default 15 per URL).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import say_load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PORT = 8123
WORKERS = int(os.environ.get("WORKERS", "3"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "8"))
SECONDS = int(os.environ.get("SECONDS", "15"))


def production_environment() -> dict[str, str]:
    static_root = tempfile.mkdtemp(prefix="kinerja-static-")
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY", "benchmark-only-" + "k" * 50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        TWO_FACTOR_ENFORCED="0",
        STATIC_ROOT=static_root,
        DJANGO_SETTINGS_MODULE="klego_kinerja.settings",
    )
    return env


def session_cookie(env: dict[str, str]) -> str:
    """A session of the Klego Kasubag, made the way a sign-in makes it."""
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from kinerja.models import User\n"
        "user = User.objects.get(username='kasubag')\n"
        "session = SessionStore()\n"
        "session[SESSION_KEY] = str(user.pk)\n"
        "session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "session[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        "session.create()\n"
        "print(session.session_key)\n"
    )
    key = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return f"sessionid={key.stdout.strip()}"


def wait_for_server(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


def check_page(url: str, cookie: str) -> None:
    """The inbox must answer 200 to the session (wrk counts redirects as successes)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 200 or response.url != url:
            raise SystemExit(f"{url} answered {response.status} at {response.url}, not the inbox")


def run_wrk(url: str, cookie: str) -> dict[str, str]:
    command = ["wrk", "-H", f"Cookie: {cookie}", f"-t{min(2, CONNECTIONS)}", f"-c{CONNECTIONS}", f"-d{SECONDS}s"]
    command += ["--latency", url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"errors while measuring {url}:\n{output}")
    return wrk_figures(output)


def wrk_figures(output: str) -> dict[str, str]:
    """Requests per second and the 50% and 99% latencies of wrk's report. The percentiles are read
    from the "Latency Distribution" block only, each at the start of its line: the thread table
    above it has a "+/- Stdev" column whose values (such as 90.50%) also end in "50%"."""
    distribution = output.split("Latency Distribution", 1)[1]
    return {
        "requests/s": re.search(r"Requests/sec:\s+([\d.]+)", output).group(1),
        "median latency": re.search(r"^\s*50%\s+(\S+)", distribution, re.M).group(1),
        "99% latency": re.search(r"^\s*99%\s+(\S+)", distribution, re.M).group(1),
    }


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    env = production_environment()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    cookie = session_cookie(env)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "klego_kinerja.wsgi", f"--workers={WORKERS}", f"--bind=127.0.0.1:{PORT}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_for_server(base + "/healthz")
        check_page(base + "/", cookie)
        database = env.get("DATABASE_URL", "sqlite (default)").split(":", 1)[0]
        print(f"gunicorn {WORKERS} workers, wrk {CONNECTIONS} connections, {SECONDS} s per URL, database {database}")
        say_load("at the start")
        # Both with the signed-in session's cookie, so both load the session and the user.
        for label, url in (("trivial (/healthz)", "/healthz"), ("inbox (/)", "/")):
            figures = run_wrk(base + url, cookie)
            print(f"{label:20} " + "  ".join(f"{name} {value}" for name, value in figures.items()))
        say_load("at the end")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
