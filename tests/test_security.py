"""Security: headers and a Content Security Policy without inline code, sign-in throttling per
account and per address with a cool-off, session expiry, deactivated users keep their records."""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kinerja import demo
from kinerja.models import LoginAttempt, StepRun

from .conftest import advance, start

ROOT = Path(__file__).resolve().parent.parent


def login(client, username, password=None, address="10.0.0.1"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password or demo.demo_password(username)},
        REMOTE_ADDR=address,
    )


def test_pages_carry_a_content_security_policy_and_no_inline_code(client, klego):
    client.force_login(klego.kasubag)
    response = client.get(reverse("kinerja:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    for template in (ROOT / "templates").rglob("*.html"):
        content = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content), f"inline script in {template}"
        assert not re.search(r"<(?!svg|rect|line|text|polyline)[a-z]+[^>]*\sstyle=", content), (
            f"inline style in {template}"
        )
        assert not re.search(r"\son(click|load|change|submit)=", content), f"inline handler in {template}"


def test_five_wrong_passwords_lock_the_account_for_a_while(client, klego):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        assert login(client, "camat", "salah").status_code == 200
    response = login(client, "camat")
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by the camat's failures.
    assert login(client, "sekcam").status_code == 302
    # After the cool-off the right password works again.
    LoginAttempt.objects.update(at=timezone.now() - datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1))
    client.logout()
    assert login(client, "camat").status_code == 302


def test_failures_older_than_the_lockout_window_are_pruned_at_the_next_failure(client, klego):
    for _ in range(3):
        login(client, "camat", "salah")
    LoginAttempt.objects.update(at=timezone.now() - datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1))
    login(client, "sekcam", "salah")
    assert list(LoginAttempt.objects.values_list("username", flat=True)) == ["sekcam"]


def test_many_failures_from_one_address_lock_that_address_only(client, klego):
    for i in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        login(client, f"tebakan{i}", "salah", address="10.9.9.9")
    assert "Terlalu banyak percobaan" in login(client, "kasubag", address="10.9.9.9").content.decode()
    assert login(client, "kasubag", address="10.1.1.1").status_code == 302


def test_sessions_expire_after_inactivity_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_HTTPONLY


def test_a_used_session_is_extended_at_most_once_a_minute_and_an_idle_one_ends(client, klego):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(klego.kasubag)
    home = reverse("kinerja:home")
    client.get(home)  # the first page view stamps the session
    key = client.session.session_key
    stamped = Session.objects.get(pk=key).expire_date
    assert stamped > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(home).status_code == 200
    assert not any("UPDATE" in q["sql"] and "django_session" in q["sql"] for q in queries.captured_queries)
    # A minute later the next request pushes the expiry forward.
    session = client.session
    session["_refreshed"] -= settings.SESSION_REFRESH_SECONDS
    session.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    client.get(home)
    assert Session.objects.get(pk=key).expire_date > timezone.now() + datetime.timedelta(minutes=29)
    # Idle past its expiry, the session is gone: the next page asks to sign in again.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(home)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_deactivated_user_cannot_sign_in_but_keeps_their_records(client, klego):
    cycle = start(klego)
    advance(klego, cycle, 2)
    user = klego.kasubag
    user.is_active = False
    user.save()
    assert login(client, "kasubag").status_code == 200
    assert StepRun.objects.filter(cycle=cycle, closed_by=user).exists()
    assert user.history.first().is_active is False


def test_passwords_follow_the_rules():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("12345678901", "password123", "klego"):
        try:
            validate_password(weak)
        except ValidationError:
            continue
        raise AssertionError(f"{weak} was accepted")


def test_the_audit_trail_shows_who_changed_what_by_cycle_user_and_date(client, klego):
    from .conftest import count_queries

    cycle = start(klego)
    advance(klego, cycle, 2)
    client.force_login(klego.admin)
    page = client.get(reverse("kinerja:audit") + f"?siklus={cycle.pk}&pengguna={klego.kasubag.pk}").content.decode()
    assert "Agus Setiawan" in page and "langkah siklus" in page and "dibuat" in page and "siklus:" in page
    assert "Sri Lestari" not in page.split('data-testid="audit"')[1]
    later = client.get(reverse("kinerja:audit") + "?dari=2100-01-01").content.decode()
    assert "Agus Setiawan" not in later.split('data-testid="audit"')[1]  # nothing changed after that day
    junk = client.get(reverse("kinerja:audit") + "?dari=2026-13-45&pengguna=abc", follow=True).content.decode()
    assert "Filter yang tidak sah diabaikan" in junk and "Agus Setiawan" in junk.split('data-testid="audit"')[1]
    url = reverse("kinerja:audit") + "?dari=2026-11-01&sampai=2026-11-30"
    few = count_queries(client, url)
    advance(klego, cycle, 4)
    assert count_queries(client, url) == few


def test_the_audit_trail_shows_only_the_administrators_own_organisation(client, klego):
    """Regression: the trail listed the history of every kecamatan of the installation."""
    from kinerja.models import Role

    from .factories import LetterFactory, OrganisationFactory, PositionFactory

    ampel = OrganisationFactory(name="Kecamatan Ampel")
    ampel_admin = PositionFactory(organisation=ampel, role=Role.ADMIN).user
    LetterFactory(organisation=ampel, number="005/AMPEL/777", registered_by=ampel_admin)
    LetterFactory(organisation=klego.org, number="005/KLEGO/111", registered_by=klego.kasubag)
    client.force_login(ampel_admin)
    page = client.get(reverse("kinerja:audit")).content.decode()
    assert "005/AMPEL/777" in page and "005/KLEGO/111" not in page and "Agus Setiawan" not in page
    client.force_login(klego.admin)
    page = client.get(reverse("kinerja:audit")).content.decode()
    assert "005/KLEGO/111" in page and "005/AMPEL/777" not in page and "Kecamatan Ampel" not in page


def test_the_audit_trail_lists_each_new_change_without_compiling_its_query_again(client, klego):
    """The trail's one query over every history table is built from about forty querysets, which
    cost most of the page; it depends on the kecamatan, the filters and the page, never on the
    data. Asked again after a change, the page lists the new change and compiles none of them."""
    from unittest import mock

    from django.db.models.sql.query import Query

    from .factories import LetterFactory

    client.force_login(klego.admin)
    url = reverse("kinerja:audit") + "?dari=2000-01-01"
    assert "005/BARU/2026" not in client.get(url).content.decode()
    LetterFactory(organisation=klego.org, number="005/BARU/2026", registered_by=klego.kasubag)
    with mock.patch.object(Query, "sql_with_params", autospec=True, side_effect=Query.sql_with_params) as compiled:
        page = client.get(url).content.decode()
    assert "005/BARU/2026" in page.split('data-testid="audit"')[1]
    assert compiled.call_count == 0


def test_the_audit_trails_kept_query_is_never_shared_between_kecamatan_or_filters(client, klego):
    """The same process asked for two kecamatan and two cycles in turn: each answer is its own
    (the kept query is kept per kecamatan, filter and page; the pages: the test above)."""
    from kinerja.models import Role

    from .factories import LetterFactory, OrganisationFactory, PositionFactory

    ampel = OrganisationFactory(name="Kecamatan Ampel")
    ampel_admin = PositionFactory(organisation=ampel, role=Role.ADMIN).user
    LetterFactory(organisation=ampel, number="005/AMPEL/777", registered_by=ampel_admin)
    LetterFactory(organisation=klego.org, number="005/KLEGO/111", registered_by=klego.kasubag)
    url = reverse("kinerja:audit")
    for admin, own, other in (
        (klego.admin, "005/KLEGO/111", "005/AMPEL/777"),
        (ampel_admin, "005/AMPEL/777", "005/KLEGO/111"),
        (klego.admin, "005/KLEGO/111", "005/AMPEL/777"),
    ):
        client.force_login(admin)
        trail = client.get(url).content.decode().split('data-testid="audit"')[1]
        assert own in trail and other not in trail
    first, second = start(klego, quarter=3), start(klego, quarter=4)
    for shown, hidden in ((first, second), (second, first), (first, second)):
        trail = client.get(f"{url}?siklus={shown.pk}").content.decode().split('data-testid="audit"')[1]
        assert f"siklus: #{shown.pk}<" in trail and f"siklus: #{hidden.pk}<" not in trail


def test_behind_the_proxy_the_real_client_address_is_counted(client, klego, settings):
    settings.BEHIND_PROXY = True
    for i in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        client.post(
            reverse("login"),
            {"username": f"x{i}", "password": "salah"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP="10.7.7.7",
        )
    locked = client.post(
        reverse("login"),
        {"username": "kasubag", "password": demo.demo_password("kasubag")},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="10.7.7.7",
    )
    assert "Terlalu banyak percobaan" in locked.content.decode()
    other = client.post(
        reverse("login"),
        {"username": "kasubag", "password": demo.demo_password("kasubag")},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="10.8.8.8",
    )
    assert other.status_code == 302


def test_the_admin_sign_in_page_checks_no_password_and_leads_to_the_throttled_one(client, klego):
    """/admin/login/ used to check passwords without the throttle: 30 guesses stored nothing and a
    locked account still signed in there. Now it checks none and sends the visitor to /akun/masuk/."""
    url = reverse("admin:login")
    for _ in range(30):
        response = client.post(url, {"username": "admin", "password": "tebakan"}, REMOTE_ADDR="10.0.0.7")
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        login(client, "admin", "salah")
    assert LoginAttempt.objects.filter(username="admin").count() == settings.LOGIN_FAILURES_PER_ACCOUNT
    client.post(url, {"username": "admin", "password": demo.demo_password("admin")})
    assert "_auth_user_id" not in client.session  # locked at /akun/masuk/, locked everywhere
    assert "Terlalu banyak percobaan" in login(client, "admin").content.decode()


def test_the_admin_site_sends_an_anonymous_visitor_to_the_one_sign_in_page(client, klego):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    follow = client.get(response.url)
    assert follow.status_code == 302 and follow.url == f"{reverse('login')}?next=%2Fadmin%2F"


def test_the_admin_site_refuses_a_signed_in_user_who_administers_nothing(client, klego):
    client.force_login(klego.kasubag)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    client.force_login(klego.admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_malformed_forwarded_address_falls_back_to_the_connections(client, klego, settings):
    settings.BEHIND_PROXY = True
    for header in ("bukan-alamat", "1.2.3.4, 5.6.7.8", "999.1.1.1", "x" * 500):
        response = client.post(
            reverse("login"), {"username": "camat", "password": "salah"}, REMOTE_ADDR="10.0.0.9", HTTP_X_REAL_IP=header
        )
        assert response.status_code == 200
    assert set(LoginAttempt.objects.values_list("address", flat=True)) == {"10.0.0.9"}
    client.post(reverse("login"), {"username": "sekcam", "password": "salah"}, REMOTE_ADDR="10.0.0.9",
                HTTP_X_REAL_IP="192.0.2.44")  # fmt: skip
    assert LoginAttempt.objects.filter(username="sekcam").get().address == "192.0.2.44"


def test_the_audit_trail_pages_through_every_change_once_even_when_many_share_one_instant(client, db):
    """A kecamatan with 60 letters and 60 sections, all recorded in the same microsecond (as one
    transaction can): walking "Lebih lama" from the newest page shows each of the 120 creations
    exactly once, 50 a page, and a page address that is not one shows the newest page with a
    sentence."""
    import datetime
    import re

    from django.utils import timezone

    from kinerja.models import Letter, Role, Section

    from .factories import LetterFactory, OrganisationFactory, PositionFactory, SectionFactory

    kecamatan = OrganisationFactory(name="Kecamatan Uji Audit")
    admin = PositionFactory(organisation=kecamatan, role=Role.ADMIN).user
    for n in range(60):
        LetterFactory(organisation=kecamatan, number=f"AUDIT/{n:03d}", registered_by=admin)
        SectionFactory(organisation=kecamatan, code=f"audit-{n:03d}", name=f"Seksi Audit {n:03d}")
    instant = timezone.now() + datetime.timedelta(days=1)  # the newest changes of the trail
    Letter.history.filter(organisation=kecamatan).update(history_date=instant)
    Section.history.filter(organisation=kecamatan).update(history_date=instant)
    client.force_login(admin)
    url, seen, pages = reverse("kinerja:audit"), [], 0
    query = ""
    while True:
        page = client.get(url + query).content.decode()
        pages += 1
        table = page.split('data-testid="audit"')[1].split("</table>")[0]
        seen += re.findall(r"(AUDIT/\d{3}|audit-\d{3}) \(#", table)
        older = re.search(r'href="\?(sebelum=[^"]+)">Lebih lama', page)
        if older is None:
            break
        query = "?" + older.group(1).replace("&amp;", "&")
    assert sorted(seen) == sorted([f"AUDIT/{n:03d}" for n in range(60)] + [f"audit-{n:03d}" for n in range(60)])
    assert pages == 3  # 120 at one instant and the kecamatan's own few: 50, 50, the rest
    junk = client.get(url + "?sebelum=kemarin~x~1", follow=True).content.decode()
    assert "Alamat halaman jejak audit tidak sah" in junk and "Terbaru" not in junk


def test_each_audit_entry_is_named_by_the_first_column_its_row_fills(klego):
    """The trail names a change from the row's own columns, read in the one query over every
    history table: a letter by its number, an account by its username, a position by its title, a
    cycle (which has none of these) by its id; an empty text does not name a row."""
    from infra import audit
    from kinerja.models import Letter, Section

    from .factories import LetterFactory

    cycle = start(klego)
    letter = LetterFactory(organisation=klego.org, number="005/NAMA/2026", registered_by=klego.kasubag)
    Letter.history.filter(id=letter.pk).update(number="")  # as if an older row had kept none
    section = klego.sections["pem"]
    Section.history.filter(id=section.pk).update(code="")  # named by the next column it fills
    names = {(e.model, e.obj) for e in audit.entries(organisation=klego.org, limit=100_000).entries}
    position = klego.kasubag.positions.get()
    assert ("siklus", f"#{cycle.pk}") in names
    assert ("pengguna", f"kasubag (#{klego.kasubag.pk})") in names
    assert ("jabatan", f"{position.title} (#{position.pk})") in names
    assert ("surat masuk", f"#{letter.pk}") in names  # its only naming column, emptied
    assert ("unit kerja", f"{section.name} (#{section.pk})") in names
