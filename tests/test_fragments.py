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
    Indicator.objects.filter(code="IKU-01").update(name="Nama baru <uji>")
    page = client.get(url).content.decode()
    assert "Nama baru &lt;uji&gt;" in page and "Persentase desa dengan tata kelola" not in page
