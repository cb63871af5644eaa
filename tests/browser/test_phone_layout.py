"""Every page a Camat, a Kasubag or a section's staff opens fits a phone's screen (390 px): the
page never scrolls sideways; a wide table scrolls inside its own box."""

import pytest
from django.urls import reverse

from kinerja.models import Letter, PerformanceRecord

from ..test_filing import filed  # noqa: F401  (fixture: a cycle filed as the performance database)
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def pages_for(username, cycle, letter, record):
    """Every page of the application that answers a GET with HTML (downloads and forms that only
    take a POST aside)."""
    every = [
        reverse("kinerja:home"),
        reverse("kinerja:cycle_detail", args=[cycle.pk]),
        reverse("kinerja:cycle_list"),
        reverse("kinerja:letter_list"),
        reverse("kinerja:letter_detail", args=[letter.pk]),
        reverse("kinerja:sop_list"),
        reverse("kinerja:sop_detail", args=[cycle.sop_version_id]),
        reverse("kinerja:indicator_list"),
        reverse("kinerja:analysis", args=[cycle.pk]),
        reverse("kinerja:grouping", args=[cycle.pk]),
        reverse("kinerja:review", args=[cycle.pk]),
        reverse("kinerja:filing", args=[cycle.pk]),
        reverse("kinerja:database"),
        reverse("kinerja:dashboard"),
        reverse("kinerja:statistics"),
        reverse("kinerja:section_data", args=[cycle.pk, "pem"]),
        reverse("kinerja:receipt", args=[cycle.pk]),
        reverse("kinerja:completeness", args=[cycle.pk]),
        reverse("kinerja:notices"),
    ]
    if username == "kasubag":
        every += [
            reverse("kinerja:letter_create"),
            reverse("kinerja:cycle_start"),
            reverse("kinerja:indicator_edit", args=[record.indicator_id]),
            reverse("kinerja:indicator_import"),
        ]
    return every


@pytest.mark.parametrize("username", ["camat", "kasubag", "staf.pem"])
def test_every_page_fits_a_phone_screen(filed, login, live_server, username):  # noqa: F811
    cycle, _archive, _expected = filed
    letter = Letter.objects.get(pk=cycle.letter_id)
    record = PerformanceRecord.objects.filter(cycle=cycle).order_by("code").first()
    page = login(username, mobile=True)
    too_wide = []
    for path in pages_for(username, cycle, letter, record):
        response = page.goto(f"{live_server.url}{path}")
        if response.status in (403, 404):
            continue  # a page this role does not see at all
        assert response.status == 200, (path, response.status)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            too_wide.append(f"{path}: {width} px")
            screenshot(page, "terlalu-lebar-" + path.strip("/").replace("/", "-"))
    assert not too_wide, too_wide


@pytest.mark.parametrize(
    ("name", "table", "expected"),
    [
        ("analysis", "analysis", "Capaian"),
        ("database", "records", "capaian"),
        ("letter_list", "letter-list", ""),
    ],
)
def test_the_key_column_and_figure_stay_in_view_when_a_wide_table_scrolls(
    filed,  # noqa: F811
    login,
    live_server,
    name,
    table,
    expected,  # noqa: F811
):
    cycle, _archive, _expected = filed
    page = login("kasubag", mobile=True)
    path = reverse(f"kinerja:{name}", args=[cycle.pk]) if name == "analysis" else reverse(f"kinerja:{name}")
    page.goto(f"{live_server.url}{path}")
    box = page.locator(f'[data-testid="{table}"]').locator("xpath=..")
    first = page.locator(f'[data-testid="{table}"] tbody tr:first-child td:first-child')
    key = first.locator('[data-testid="key-figure"]')
    assert key.is_visible() and expected in key.inner_text()
    box.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    assert box.evaluate("element => element.scrollLeft") > 0, "the table does not scroll on a phone"
    left = box.bounding_box()["x"]
    assert abs(first.bounding_box()["x"] - left) < 2, "the key column scrolled out of view"
    assert key.is_visible()


@pytest.mark.parametrize("width", [1200, 1280, 1400])
def test_the_menu_fits_a_laptop_screen_for_the_administrator(klego_data, login, live_server, width):
    """The administrator has the longest menu (Audit, Administrasi) and the menu's notices count:
    on the widths where the whole menu shows in one line, nothing runs off the screen."""
    page = login("admin")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}{reverse('kinerja:notices')}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("[data-testid=notices-link]").is_visible()
