"""Every link a page shows its reader opens for that reader (issue 18: section staff saw links to
other sections' pages and to the office's checklists that answered 403)."""

import re

import pytest
from django.urls import reverse

from .conftest import advance, start
from .test_filing import filed  # noqa: F401  (fixture: a cycle filed as the performance database)


def links_of(html: str) -> set[str]:
    return {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)', html) if not h.startswith("/static/")}


def refused_links(client, cycle) -> tuple[set, dict]:
    """The links shown on the pages a user opens that answer anything but 200 or a redirect."""
    pages = [
        reverse("kinerja:home"),
        reverse("kinerja:cycle_list"),
        reverse("kinerja:cycle_detail", args=[cycle.pk]),
        reverse("kinerja:section_data", args=[cycle.pk, "pem"]),
        reverse("kinerja:letter_list"),
        reverse("kinerja:letter_detail", args=[cycle.letter_id]),
        reverse("kinerja:indicator_list"),
        reverse("kinerja:database"),
        reverse("kinerja:dashboard"),
        reverse("kinerja:sop_list"),
    ]
    refused = {}
    seen = set()
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:
            continue  # a page this reader cannot open is not one they are shown
        for link in links_of(response.content.decode()) - seen:
            seen.add(link)
            if link.startswith(("/admin", "/akun/keluar", "/logout")):
                continue
            status = client.get(link).status_code
            if status not in (200, 302):
                refused[link] = (page, status)
    return seen, refused


@pytest.mark.parametrize("who", ["staf_pem", "staf_trantib", "kasubag", "sekcam", "camat"])
def test_every_link_on_the_pages_a_user_opens_opens_for_them(client, klego_data, who):
    cycle = advance(klego_data, start(klego_data), 2)
    client.force_login(getattr(klego_data, who))
    seen, refused = refused_links(client, cycle)
    assert len(seen) > 10  # the pages did show links
    assert refused == {}


@pytest.mark.parametrize("who", ["staf_pem", "camat"])
def test_every_link_of_a_filed_cycle_opens_for_its_reader(client, klego_data, filed, who):  # noqa: F811
    cycle, _archive, _expected = filed
    client.force_login(getattr(klego_data, who))
    seen, refused = refused_links(client, cycle)
    assert len(seen) > 10 and refused == {}
