"""Fragments rendered once per content: the same values reuse the HTML, any change renders anew."""

import pytest

from kinerja import fragments
from kinerja.selectors import CycleRow

from .conftest import REDIS_CACHE


def row(period: str) -> CycleRow:
    return CycleRow(pk=1, period=period, sop="SOP", letter="1/2026", status="berjalan", status_label="x", started="")


def test_the_same_values_reuse_the_html_and_changed_values_render_anew(monkeypatch):
    calls = []
    original = fragments.render_to_string

    def counting(template_name, context):
        calls.append(context)
        return original(template_name, context)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    template = "kinerja/partials/_cycle_table.html"
    first = fragments.render_by_content(template, {"rows": [row("<b>TW I</b>")]})
    again = fragments.render_by_content(template, {"rows": [row("<b>TW I</b>")]})
    changed = fragments.render_by_content(template, {"rows": [row("TW II")]})
    assert first == again and len(calls) == 2
    assert "&lt;b&gt;TW I&lt;/b&gt;" in first and "TW II" in changed


def test_a_renamed_indicator_shows_at_once_on_the_cached_list(client, klego_data):
    from django.urls import reverse

    from kinerja.models import Indicator

    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:indicator_list") + "?tahun=2026"
    assert "Persentase desa dengan tata kelola" in client.get(url).content.decode()
    indicator = Indicator.objects.get(code="IKU-01")
    indicator.name = "Nama baru <uji>"
    indicator.save()  # every change writes a history row, which moves the data mark
    page = client.get(url).content.decode()
    assert "Nama baru &lt;uji&gt;" in page and "Persentase desa dengan tata kelola" not in page


def test_a_page_part_is_made_again_as_soon_as_any_data_changes(client, klego):
    from django.urls import reverse

    from .conftest import start

    client.force_login(klego.camat)
    assert 'data-testid="inbox-empty"' in client.get(reverse("kinerja:home")).content.decode()
    cycle = start(klego)  # opens step 1, whose first move is the Camat's disposition
    page = client.get(reverse("kinerja:home")).content.decode()
    assert page.count('data-testid="inbox-item"') == 1 and cycle.period_label in page


def test_two_users_never_share_a_kept_page_part(client, klego):
    from django.urls import reverse

    from .conftest import advance, start

    advance(klego, start(klego), 2)
    client.force_login(klego.staf_pem)
    assert client.get(reverse("kinerja:home")).content.decode().count('data-testid="inbox-item"') == 1
    client.force_login(klego.kasubag)
    assert 'data-testid="inbox-empty"' in client.get(reverse("kinerja:home")).content.decode()


def test_a_form_in_a_kept_part_carries_the_token_of_each_session(klego):
    import re

    from django.test import Client
    from django.urls import reverse

    from kinerja.models import Cycle

    from .conftest import start

    cycle = start(klego)
    url = reverse("kinerja:cycle_detail", args=[cycle.pk])
    tokens = []
    for _ in range(2):  # two sessions of the Camat: the second gets the part the first made
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(klego.camat)
        page = browser.get(url).content.decode()
        assert fragments.CSRF_PLACEHOLDER not in page
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
    response = browser.post(
        reverse("kinerja:cycle_cancel", args=[cycle.pk]), {"reason": "uji", "csrfmiddlewaretoken": tokens[1]}
    )
    assert response.status_code == 302 and Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.CANCELLED


def test_a_position_ending_at_midnight_shows_at_once_though_no_data_changed(client, klego):
    """A position ends by its date, without any write; the kept part is per positions held."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from kinerja.models import Position

    from .conftest import advance, start

    advance(klego, start(klego), 2)
    client.force_login(klego.staf_pem)
    assert client.get(reverse("kinerja:home")).content.decode().count('data-testid="inbox-item"') == 1
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Position.objects.filter(user=klego.staf_pem).update(end_date=yesterday)  # as if its last day passed
    page = client.get(reverse("kinerja:home")).content.decode()
    assert 'data-testid="inbox-item"' not in page and "Belum memegang jabatan" in page


# Data marks per organisation (issue 17) --------------------------------------------------------


def _marks() -> dict[int, int]:
    from kinerja.models import DataMark

    return dict(DataMark.objects.values_list("scope", "value"))


def _counting_builds(monkeypatch) -> list[str]:
    """Every time the inbox body is made (not taken from the cache), its user's name is noted."""
    from kinerja.views import home

    made = []
    original = home.selectors.inbox

    def counting(user, *args, **kwargs):
        made.append(user.username)
        return original(user, *args, **kwargs)

    monkeypatch.setattr(home.selectors, "inbox", counting)
    return made


def test_a_change_in_another_kecamatan_leaves_a_kept_page_as_it_was(client, klego, monkeypatch):
    from django.urls import reverse

    from .factories import OrganisationFactory, PositionFactory

    made = _counting_builds(monkeypatch)
    other = OrganisationFactory()
    official = PositionFactory(organisation=other)
    client.force_login(klego.kasubag)
    client.get(reverse("kinerja:home"))
    assert made == ["kasubag"]
    official.title = "Camat Lain"
    official.save()
    official.user.first_name = "Nama Baru"
    official.user.save()
    other.name = "Kecamatan Lain (diubah)"
    other.save()
    client.get(reverse("kinerja:home"))
    assert made == ["kasubag"], "a change in another kecamatan must not make Klego's page again"
    klego.org.name = "Kecamatan Klego (diubah)"
    klego.org.save()
    client.get(reverse("kinerja:home"))
    assert made == ["kasubag", "kasubag"], "a change in Klego must make Klego's page again"


def test_a_step_run_moves_the_mark_of_its_cycles_kecamatan_only(klego):
    from .conftest import start
    from .factories import OrganisationFactory

    other = OrganisationFactory()
    cycle = start(klego)
    before = _marks()
    run = cycle.runs.first()  # reaches its organisation through its cycle (cycle__organisation)
    run.note = "dicatat"
    run.save()
    after = _marks()
    assert after[klego.org.pk] == before[klego.org.pk] + 1
    assert after.get(other.pk) == before.get(other.pk) and after.get(0) == before.get(0)


def test_data_of_no_kecamatan_moves_the_installation_mark_every_page_depends_on(client, klego, monkeypatch):
    from django.urls import reverse

    from kinerja.models import DataKind

    made = _counting_builds(monkeypatch)
    client.force_login(klego.kasubag)
    client.get(reverse("kinerja:home"))
    before = _marks()
    kind = DataKind.objects.first()
    kind.name = kind.name + " (ubah)"
    kind.save()
    assert _marks()[0] == before.get(0, 0) + 1 and _marks()[klego.org.pk] == before[klego.org.pk]
    client.get(reverse("kinerja:home"))
    assert made == ["kasubag", "kasubag"]


def test_a_renamed_user_moves_the_marks_of_the_kecamatan_they_work_in(klego):
    from .factories import OrganisationFactory

    other = OrganisationFactory()
    before = _marks()
    klego.camat.first_name = "Nama Baru"
    klego.camat.save()
    after = _marks()
    assert after[klego.org.pk] == before[klego.org.pk] + 1 and after.get(other.pk) == before.get(other.pk)


def test_the_superusers_pages_depend_on_the_marks_of_every_kecamatan(rf, klego):
    from kinerja import fragments
    from kinerja.models import User

    from .factories import OrganisationFactory

    other = OrganisationFactory()
    other.name = "Kecamatan Lain"
    other.save()  # gives the other kecamatan its own counter
    root = User.objects.create_superuser("root-uji", "root@example.org", "x")

    def mark_for(user) -> str:
        request = rf.get("/")
        request.user = user
        return fragments.data_mark(request)

    root_before, kasubag_before = mark_for(root), mark_for(klego.kasubag)
    other.name = "Kecamatan Lain (diubah)"
    other.save()
    assert mark_for(root) != root_before, "the superuser can open every kecamatan's pages"
    assert mark_for(klego.kasubag) == kasubag_before, "the Klego Kasubag cannot open the other kecamatan"


def test_viewing_every_page_twice_moves_no_data_mark(klego):
    """Only the first opening of a letter by its recipient is a change (its read time is recorded);
    every other view, and every view after that, writes nothing that makes kept pages anew."""
    from django.test import Client
    from django.urls import reverse

    from kinerja.models import Cycle, Disposition

    from .conftest import advance, start

    cycle = advance(klego, start(klego), 6)
    cycle = Cycle.objects.get(pk=cycle.pk)
    pages = [
        reverse("kinerja:home"),
        reverse("kinerja:cycle_list"),
        reverse("kinerja:cycle_detail", args=[cycle.pk]),
        reverse("kinerja:receipt", args=[cycle.pk]),
        reverse("kinerja:completeness", args=[cycle.pk]),
        reverse("kinerja:analysis", args=[cycle.pk]),
        reverse("kinerja:database"),
        reverse("kinerja:indicator_list"),
        reverse("kinerja:dashboard"),
        reverse("kinerja:letter_list"),
        reverse("kinerja:letter_detail", args=[cycle.letter_id]),
        reverse("kinerja:statistics"),
    ]
    visitors = {}
    for name in ("camat", "sekcam", "kasubag", "staf_pem"):
        visitors[name] = Client()
        visitors[name].force_login(getattr(klego, name))

    def view_all():
        for visitor in visitors.values():
            for url in pages:
                assert visitor.get(url).status_code in (200, 403), url

    # The Kasubag's disposition back to unread (no history row): the first round opens it.
    Disposition.objects.filter(letter=cycle.letter, recipient=klego.kasubag).update(read_at=None)
    before = _marks()
    view_all()
    seen = _marks()
    assert seen[klego.org.pk] > before[klego.org.pk], "the first opening of a letter is recorded"
    view_all()
    assert _marks() == seen


def test_kept_parts_are_shared_through_a_redis_cache(client, klego, monkeypatch, settings):
    """With CACHE_URL=redis://..., a part one process made serves the others: a second cache
    client (as another process would open) finds it, and a change still makes it anew."""
    import uuid

    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache
    from django.urls import reverse

    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    from klego_kinerja.settings import cache_from_url

    config = cache_from_url(REDIS_CACHE) | {"KEY_PREFIX": f"uji-{uuid.uuid4().hex}"}
    settings.CACHES = {"default": config}  # Django's setting_changed signal reopens the cache
    try:
        made = _counting_builds(monkeypatch)
        client.force_login(klego.kasubag)
        client.get(reverse("kinerja:home"))
        client.get(reverse("kinerja:home"))
        assert made == ["kasubag"]
        assert isinstance(caches["default"], RedisCache)
        another_process = RedisCache(config["LOCATION"], {"KEY_PREFIX": config["KEY_PREFIX"]})
        stored = another_process._cache.get_client().keys(f"{config['KEY_PREFIX']}:*")
        assert [key for key in stored if b":part:" in key]
        klego.org.name = "Kecamatan Klego (diubah)"
        klego.org.save()
        client.get(reverse("kinerja:home"))
        assert made == ["kasubag", "kasubag"]
    finally:
        client_ = caches["default"]._cache.get_client()
        for key in client_.keys(f"{config['KEY_PREFIX']}:*"):
            client_.delete(key)


@pytest.mark.parametrize("page", ["analysis", "review", "grouping", "section_data"])
def test_a_step_page_is_kept_until_data_of_its_kecamatan_changes(client, klego_data, page, monkeypatch):
    """The step pages that cost most are kept like the inbox: a repeat view runs fewer queries
    than the first, and a change (an indicator renamed) makes the page again, with the new name
    where the page lists indicators. (The kept part's minute is held still: these pages are also
    made again each minute.)"""
    from types import SimpleNamespace

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from kinerja.models import Indicator

    from .test_analysis_steps import to_step_6

    cycle = to_step_6(klego_data)
    args = [cycle.pk, "pem"] if page == "section_data" else [cycle.pk]
    url = reverse(f"kinerja:{page}", args=args)
    client.force_login(klego_data.kasubag)
    client.get(url)  # the session takes its once-a-minute refresh

    def view() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    moment = fragments.timezone.now()
    monkeypatch.setattr(fragments, "timezone", SimpleNamespace(now=lambda: moment))
    cache.clear()
    built, _page = view()
    kept, _page = view()
    assert kept < built
    indicator = Indicator.objects.get(code="PEM-01")
    indicator.name = "Nama PEM-01 yang baru"
    indicator.save()
    again, shown = view()
    assert again == built
    if page in ("analysis", "section_data"):
        assert "Nama PEM-01 yang baru" in shown
