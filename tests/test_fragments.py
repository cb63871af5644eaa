"""Fragments rendered once per content: the same values reuse the HTML, any change renders anew."""

from kinerja import fragments
from kinerja.selectors import CycleRow


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

    client.force_login(klego.kasubag)
    assert 'data-testid="inbox-empty"' in client.get(reverse("kinerja:home")).content.decode()
    cycle = start(klego)  # opens step 1, the Kasubag's (closed by the receipt of the disposition)
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
