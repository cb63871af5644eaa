"""Playwright with Debian's Chromium (never a downloaded browser). Screenshots go to
test-artifacts/. Skipped, with the reason printed, where /usr/bin/chromium is missing."""

import base64
import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium (CI installs it)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread, while the ORM calls of the
    # tests (and the database teardown) stay synchronous. Set for the browser session only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def login(browser, live_server):
    """Open a fresh browser context signed in as a demo user; returns its page."""
    from kinerja.demo import demo_password

    contexts = []
    keys: dict[str, bytes] = {}

    def sign_in(username: str, *, mobile: bool = False):
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=viewport, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/akun/masuk/")
        page.fill("#id_username", username)
        page.fill("#id_password", demo_password(username))
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if "/akun/2fa/verifikasi/" in page.url:  # a second factor set up earlier in the test
            page.fill("#code", authenticator_code(username, keys[username]))
            page.click("form:has(#code) button[type=submit]")
        elif page.url.startswith(f"{live_server.url}/akun/2fa/"):  # the role must set one up first
            # As an authenticator app would: the key typed from the page.
            keys[username] = base64.b32decode(pad_base32(page.inner_text("[data-testid=secret]")))
            page.fill("#code", authenticator_code(username, keys[username]))
            page.click("form:has(#code) button[type=submit]")
            page.wait_for_selector("[data-testid=recovery-codes]")
            page.click("text=Lanjut ke Tugas saya")
        # Home: the inbox, or for a kabupaten coordinator the kabupaten's pages.
        page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/(kabupaten/)?$"))
        return page

    yield sign_in
    for context in contexts:
        context.close()


def pad_base32(shown: str) -> str:
    secret = "".join(shown.split()).upper()
    return secret + "=" * (-len(secret) % 8)


def authenticator_code(username: str, key: bytes) -> str:
    """The code an authenticator app shows now, or in the next 30-second step when the current
    one was already used (the server refuses a code twice; a person would wait for the next)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).order_by("-pk").first()
    totp = TOTP(key, device.step, device.t0, device.digits, device.drift)
    if device.confirmed and totp.t() <= device.last_t:
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():06d}"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
