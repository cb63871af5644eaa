"""The Django admin obeys the application's rules: an administrator manages only their own
kecamatan, and nothing the workflow owns changes through any admin page (change, delete, bulk
action, or a history page's revert), whoever sends the POST."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from kinerja.models import (
    Amendment,
    CompletenessCheck,
    Cycle,
    CycleArchive,
    Disposition,
    Evidence,
    Explanation,
    GroupingReport,
    Letter,
    Narrative,
    Obligation,
    OfficeFigure,
    PerformanceRecord,
    Position,
    ReceiptConfirmation,
    ReviewNote,
    Role,
    SopStep,
    SopVersion,
    StepRun,
    StoredFile,
    Submission,
    SubmissionRow,
    TransitionLog,
    User,
)
from kinerja.steps import dispositions, filing

from .conftest import MONDAY, advance, open_runs
from .factories import OrganisationFactory, PositionFactory, SectionFactory
from .test_analysis_steps import to_step_6

WORKFLOW_OWNED = [
    Cycle, StepRun, TransitionLog, Letter, Disposition, StoredFile, Obligation, Submission, SubmissionRow,
    Evidence, ReceiptConfirmation, CompletenessCheck, OfficeFigure, Explanation, Narrative, GroupingReport,
    ReviewNote, PerformanceRecord, Amendment, CycleArchive, SopVersion, SopStep,
]  # fmt: skip


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WORKFLOW_OWNED}


@pytest.fixture
def filed(klego_data):
    """A filed cycle (every step, a review return included) with an amendment on one record."""
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    filing.file_database(open_runs(cycle)[0], by=klego_data.kasubag, at=MONDAY)
    record = PerformanceRecord.objects.filter(cycle=cycle).first()
    filing.amend(record, by=klego_data.kasubag, field="realisation", raw="5", reason="Salah ketik", approver="Camat")
    return cycle


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("super", "super@example.id", "rahasia-uji-123")


@pytest.fixture
def other_admin(db):
    """The administrator of another kecamatan, with the admin site open to him."""
    position = PositionFactory(organisation=OrganisationFactory(), role=Role.ADMIN)
    position.user.is_staff = True
    position.user.save()
    return position.user


def admin_urls(model, obj):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [
        ("post", reverse(f"{prefix}_change", args=[obj.pk]), {}),
        ("post", reverse(f"{prefix}_delete", args=[obj.pk]), {"post": "yes"}),
        (
            "post",
            reverse(f"{prefix}_changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        ),
    ]
    if hasattr(model, "history"):
        for version in obj.history.order_by("history_id")[:3]:  # the oldest versions differ the most
            url = reverse(f"{prefix}_simple_history", args=[obj.pk, version.history_id])
            urls.append(("post", url, {}))
            urls.append(("get", url, None))
    return urls


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_no_admin_page_changes_what_the_workflow_owns(client, klego_data, filed, superuser, who):
    """Every admin URL of every registered model, POSTed by the kecamatan's administrator and by
    the superuser: the cycle, its runs, its letter, its uploads, the filed database, the amendment
    and the archive stay exactly as they were (a history page's revert used to rewrite them), and
    no admin page answers with a server error."""
    client.force_login(klego_data.admin if who == "admin" else superuser)
    client.raise_request_exception = False
    before = snapshot()
    assert before["Amendment"] and before["CycleArchive"] and before["Disposition"]
    tried, errors = 0, []
    # The objects are chosen before anything is posted: the sweep deletes what the admin lets it
    # (the administrator's own position among them), which would hide the later models from him.
    request = _request_for(klego_data.admin if who == "admin" else superuser)
    targets = [
        (model, obj)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "kinerja"
        for obj in list(model_admin.get_queryset(request).order_by("pk"))[:2]
    ]
    for model, obj in targets:
        for method, url, data in admin_urls(model, obj):
            response = getattr(client, method)(url, data) if data is not None else client.get(url)
            tried += 1
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {url}: {response.status_code}")
    assert tried > 150, tried  # the sweep reached every model
    assert not errors, "\n".join(errors)
    after = snapshot()
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"changed through the admin: {changed}"
    filed.refresh_from_db()
    assert filed.status == Cycle.Status.DONE


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_reverting_a_filed_cycle_from_its_history_page_is_refused(client, klego_data, filed):
    client.force_login(klego_data.admin)
    first = filed.history.order_by("history_id").first()
    assert first.status == Cycle.Status.RUNNING
    url = reverse("admin:kinerja_cycle_simple_history", args=[filed.pk, first.history_id])
    assert client.get(url).status_code == 200  # an old version can be read
    assert client.post(url, {}).status_code == 403
    filed.refresh_from_db()
    assert filed.status == Cycle.Status.DONE


def test_an_approved_amendment_cannot_be_rewritten_from_its_history_page(client, klego_data, filed, superuser):
    amendment = Amendment.objects.get(field="realisation")
    client.force_login(superuser)
    url = reverse("admin:kinerja_amendment_simple_history", args=[amendment.pk, amendment.history.get().history_id])
    response = client.post(url, {"new_value": "99", "reason": "diubah", "approver": "siapa saja"})
    assert response.status_code == 403
    amendment.refresh_from_db()
    assert (amendment.new_value, amendment.reason, amendment.approver) == (5, "Salah ketik", "Camat")


def test_the_demo_administrator_is_not_an_installation_wide_superuser(klego):
    assert klego.admin.is_staff and not klego.admin.is_superuser


def test_another_kecamatans_administrator_sees_none_of_klegos_records_in_the_admin(client, klego, other_admin):
    secret = dispositions.register_letter(
        organisation=klego.org, by=klego.kasubag, number="R/9/2026", date=MONDAY.date(), sender="Inspektorat",
        subject="Pemeriksaan khusus", nature="rahasia", received_date=MONDAY.date(),
    )  # fmt: skip
    client.force_login(other_admin)
    assert client.get(reverse("admin:index")).status_code == 200
    for name in ("letter", "position", "user", "section", "indicator", "cycle"):
        page = client.get(reverse(f"admin:kinerja_{name}_changelist")).content.decode()
        assert "Klego" not in page and "R/9/2026" not in page, name
    for name, obj in (("letter", secret), ("organisation", klego.org), ("user", klego.camat)):
        response = client.get(reverse(f"admin:kinerja_{name}_change", args=[obj.pk]))
        assert response.status_code == 302 and response.url == reverse("admin:index"), name  # "does not exist"
        history = client.get(reverse(f"admin:kinerja_{name}_history", args=[obj.pk]))
        assert history.status_code in (403, 404), name


def test_another_kecamatans_administrator_cannot_make_himself_kepala_of_klego(client, klego, other_admin):
    client.force_login(other_admin)
    add = reverse("admin:kinerja_position_add")
    fields = client.get(add).context["adminform"].form.fields
    assert klego.org not in fields["organisation"].queryset  # neither offered as a choice
    assert klego.camat not in fields["user"].queryset and klego.sections["pem"] not in fields["section"].queryset
    response = client.post(
        add,
        {
            "user": other_admin.pk, "organisation": klego.org.pk, "role": Role.KEPALA, "title": "Camat Klego",
            "start_date": "02-01-2026",
        },
    )  # fmt: skip
    assert response.status_code == 200 and "organisation" in response.context["adminform"].form.errors
    assert not Position.objects.filter(user=other_admin, organisation=klego.org).exists()


def test_an_administrator_cannot_grant_superuser_rights(client, klego):
    staff = PositionFactory(organisation=klego.org, role=Role.STAF, section=klego.sections["pem"]).user
    client.force_login(klego.admin)
    url = reverse("admin:kinerja_user_change", args=[staff.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    data = {
        "username": staff.username, "first_name": "Baru", "last_name": "", "email": staff.email, "nip": "",
        "is_active": "on", "is_staff": "on", "is_superuser": "on", "last_login_0": "", "last_login_1": "",
        "date_joined_0": "02-01-2025", "date_joined_1": "08:00:00",
        "positions-TOTAL_FORMS": "0", "positions-INITIAL_FORMS": "0",
    }  # fmt: skip
    client.post(url, data)
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_an_administrator_cannot_change_a_user_who_also_serves_another_kecamatan(client, klego):
    elsewhere = OrganisationFactory()
    shared = PositionFactory(organisation=klego.org, role=Role.STAF, section=klego.sections["pem"]).user
    PositionFactory(user=shared, organisation=elsewhere, role=Role.KASUBAG)
    client.force_login(klego.admin)
    page = client.get(reverse("admin:kinerja_user_change", args=[shared.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]  # read only
    response = client.post(
        reverse("admin:auth_user_password_change", args=[shared.pk]),
        {"password1": "kata-sandi-baru-99", "password2": "kata-sandi-baru-99"},
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.check_password("rahasia-uji-123")


def test_an_administrator_whose_position_ended_loses_the_admin_site(client, klego):
    position = Position.objects.get(user=klego.admin, role=Role.ADMIN)
    position.end_date = datetime.date(2025, 12, 31)
    position.save()
    client.force_login(klego.admin)
    response = client.get(reverse("admin:kinerja_indicator_changelist"))
    assert response.status_code in (302, 403)


def test_an_sop_version_that_cycles_run_on_is_read_only(client, klego_data, filed):
    version = filed.sop_version
    step = version.steps.get(number=7)
    client.force_login(klego_data.admin)
    url = reverse("admin:kinerja_sopstep_change", args=[step.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    client.post(url, {"next_steps": '{"selesai": 99}', "number": "7"})
    step.refresh_from_db()
    assert step.next_steps == {"selesai": 8}
    version_url = reverse("admin:kinerja_sopversion_change", args=[version.pk])
    assert not client.get(version_url).context["has_change_permission"]


def test_an_sop_version_in_use_refuses_changes_from_code_too(klego_data, filed):
    from django.core.exceptions import ValidationError

    step = filed.sop_version.steps.get(number=7)
    step.next_steps = {"selesai": 99}
    with pytest.raises(ValidationError, match="versi baru"):
        step.save()
    version = filed.sop_version
    version.name = "Diubah"
    with pytest.raises(ValidationError, match="versi baru"):
        version.save()


def test_an_unused_sop_version_can_still_be_corrected(klego):
    version = SopVersion.objects.get()
    step = version.steps.get(number=7)
    step.short_name = "Kelompokkan data"
    step.save()  # no cycle runs on it yet
    assert SopStep.objects.get(pk=step.pk).short_name == "Kelompokkan data"


def test_an_administrator_manages_his_own_kecamatans_master_data(client, klego):
    section = SectionFactory(organisation=klego.org, code="baru", name="Seksi Baru")
    client.force_login(klego.admin)
    url = reverse("admin:kinerja_section_change", args=[section.pk])
    response = client.post(
        url, {"organisation": klego.org.pk, "code": "baru", "name": "Seksi Baru Sekali", "kind": "seksi", "order": 9,
              "active": "on"}
    )  # fmt: skip
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.name == "Seksi Baru Sekali"


def form_as_shown(html: str) -> dict:
    """The fields of an admin change page with the values the page shows (as a browser submits)."""
    import re

    form = {}
    for match in re.finditer(r"<(input|select|textarea)([^>]*)>", html):
        kind, attrs = match.groups()
        name = re.search(r'name="([^"]+)"', attrs)
        if not name:
            continue
        if kind == "input":
            if 'type="checkbox"' in attrs and "checked" not in attrs:
                continue
            value = re.search(r'value="([^"]*)"', attrs)
            form[name.group(1)] = value.group(1) if value else "on" if 'type="checkbox"' in attrs else ""
        elif kind == "select":
            options = html[match.end() : html.index("</select>", match.end())]
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
            form[name.group(1)] = chosen.group(1) if chosen else ""
        else:
            form[name.group(1)] = html[match.end() : html.index("</textarea>", match.end())]
    return form


def test_the_admin_refuses_a_target_with_two_forms_with_a_sentence(client, klego_data):
    """The master-data rule (a target is a number, a range or a text: one of them) holds on the
    admin's indicator page too: TW I's 100 plus a range 80–90 is refused, nothing is saved."""
    from kinerja.models import Indicator, Target

    indicator = Indicator.objects.get(code="PEM-02")
    client.force_login(klego_data.admin)
    url = reverse("admin:kinerja_indicator_change", args=[indicator.pk])
    form = form_as_shown(client.get(url).content.decode())
    prefix = next(key for key in form if key.endswith("-0-value"))[: -len("-0-value")]
    form.update({f"{prefix}-0-low": "80", f"{prefix}-0-high": "90"})
    page = client.post(url, form).content.decode()
    assert "Isi target dengan satu bentuk saja: angka, rentang (batas bawah dan atas), atau teks." in page
    assert not Target.objects.filter(indicator=indicator, low__isnull=False).exists()


def test_a_position_that_has_begun_is_ended_never_deleted_by_any_admin_path(client, klego):
    import datetime

    from django.core.exceptions import ValidationError
    from django.forms.models import model_to_dict
    from django.utils import timezone

    from kinerja.admin import PositionInline

    held = Position.objects.get(user=klego.staf_pem)  # held since before today
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    planned = Position.objects.create(
        user=klego.staf_pem, organisation=klego.org, section=held.section, role=held.role,
        title="Staf Seksi Pemerintahan (mulai besok)", start_date=tomorrow,
    )  # fmt: skip
    client.force_login(klego.admin)
    assert client.post(reverse("admin:kinerja_position_delete", args=[held.pk]), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:kinerja_position_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [held.pk, planned.pk], "post": "yes"}
    assert client.post(changelist, bulk).status_code == 403  # one of them has begun: nothing is deleted
    assert Position.objects.filter(pk__in=[held.pk, planned.pk]).count() == 2
    # The user's page: its positions' formset refuses the begun one's "hapus".
    request = _request_for(klego.admin)
    formset_class = PositionInline(User, admin.site).get_formset(request, klego.staf_pem)
    rows = [held, planned]
    data = {"positions-TOTAL_FORMS": "2", "positions-INITIAL_FORMS": "2", "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for i, position in enumerate(rows):
        values = model_to_dict(position, exclude=["user"])
        data |= {f"positions-{i}-{k}": ("" if v is None else v) for k, v in values.items() if k != "acting" or v}
        data[f"positions-{i}-id"] = position.pk
        data[f"positions-{i}-DELETE"] = "on"
    formset = formset_class(data, instance=klego.staf_pem, prefix="positions")
    assert not formset.is_valid()
    assert "Isi tanggal 'sampai' untuk mengakhirinya" in " ".join(formset.non_form_errors())
    # Nor by moving its start date to the future in the same submission that deletes it.
    data["positions-0-start_date"] = str(tomorrow)
    formset = formset_class(data, instance=klego.staf_pem, prefix="positions")
    assert not formset.is_valid() and formset.forms[0].instance.start_date == tomorrow
    assert "Isi tanggal 'sampai' untuk mengakhirinya" in " ".join(formset.non_form_errors())
    with pytest.raises(ValidationError):
        held.delete()
    # One that has not begun yet can go (nothing was done with it), alone on the bulk page.
    bulk["_selected_action"] = [planned.pk]
    assert client.post(changelist, bulk).status_code == 302
    assert not Position.objects.filter(pk=planned.pk).exists() and Position.objects.filter(pk=held.pk).exists()


def test_a_position_that_has_begun_keeps_who_what_where_and_since_when_on_every_path(client, klego):
    import datetime

    from django.core.exceptions import ValidationError
    from django.forms.models import model_to_dict
    from django.utils import timezone

    from kinerja.admin import PositionInline

    held = Position.objects.get(user=klego.staf_pem)  # held since before today
    started, section = held.start_date, held.section
    client.force_login(klego.admin)
    url = reverse("admin:kinerja_position_change", args=[held.pk])
    page = client.get(url).content.decode()
    form = form_as_shown(page)
    # Its page shows the holder, organisation, section, role, Plt. and start, and offers none of them.
    assert not {"user", "organisation", "section", "role", "acting", "start_date"} & set(form)
    assert {"title", "end_date"} <= set(form)
    # What stays editable: the title (a typo) and the end date (ending it).
    end = timezone.localdate()
    form.update({"title": "Staf Seksi Pemerintahan Kecamatan Klego", "end_date": end.isoformat()})
    form.update({"role": "kasubag", "start_date": "2020-01-01"})  # a hand-made POST: ignored, not offered
    assert client.post(url, form).status_code == 302
    held.refresh_from_db()
    assert (held.title, held.end_date) == ("Staf Seksi Pemerintahan Kecamatan Klego", end)
    assert (held.role, held.start_date, held.section) == ("staf", started, section)
    # The user's page: its positions' formset names what may not change.
    formset_class = PositionInline(User, admin.site).get_formset(_request_for(klego.admin), klego.staf_pem)
    values = model_to_dict(held, exclude=["user"])
    data = {"positions-TOTAL_FORMS": "1", "positions-INITIAL_FORMS": "1", "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000", "positions-0-id": held.pk}  # fmt: skip
    data |= {f"positions-0-{k}": ("" if v is None else v) for k, v in values.items() if k != "acting" or v}
    data |= {"positions-0-role": "sekretaris", "positions-0-section": "", "positions-0-start_date": "2026-01-05"}
    formset = formset_class(data, instance=klego.staf_pem, prefix="positions")
    assert not formset.is_valid()
    assert "Pada jabatan yang sudah mulai dipegang, isian 'seksi', 'peran', 'mulai' tidak diubah" in " ".join(
        formset.forms[0].non_field_errors()
    )
    # Any other path (a command, the shell): save() refuses, and nothing is written.
    held.acting = True
    with pytest.raises(ValidationError, match="isian 'pelaksana tugas \\(Plt.\\)' tidak diubah"):
        held.save()
    held.refresh_from_db()
    assert held.acting is False
    # A position that starts tomorrow was held by nobody yet: it may still be corrected.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    planned = Position.objects.create(
        user=klego.staf_pem, organisation=klego.org, section=section, role="staf", title="Staf (mulai besok)",
        start_date=tomorrow,
    )  # fmt: skip
    planned.start_date = tomorrow + datetime.timedelta(days=6)
    planned.acting = True
    planned.save()
    planned.refresh_from_db()
    assert (planned.start_date, planned.acting) == (tomorrow + datetime.timedelta(days=6), True)
    assert "start_date" in form_as_shown(
        client.get(reverse("admin:kinerja_position_change", args=[planned.pk])).content.decode()
    )


def test_the_admin_refuses_a_code_a_workbook_cannot_tell_from_another(client, klego_data):
    """The master-data rule on codes (case and punctuation aside, one indicator each) holds on the
    admin's indicator page too."""
    import html

    from kinerja.models import Indicator

    indicator = Indicator.objects.get(code="PEM-02")
    client.force_login(klego_data.admin)
    url = reverse("admin:kinerja_indicator_change", args=[indicator.pk])
    form = form_as_shown(client.get(url).content.decode())
    form["code"] = "pem 01"
    page = html.unescape(client.post(url, form).content.decode())
    assert "Kode pem 01 sama dengan kode PEM-01 bila huruf besar/kecil, spasi dan tanda baca diabaikan" in page
    assert Indicator.objects.get(pk=indicator.pk).code == "PEM-02"


def test_the_admin_refuses_a_parent_that_makes_the_cascade_go_round(client, klego_data):
    """The indicator page refuses a parent whose own parents lead back to the indicator; the
    admin's indicator page did not (PEM-01 under PEM-02 under PEM-01 was saved)."""
    import html

    from kinerja.models import Indicator

    upper, lower = Indicator.objects.get(code="PEM-01"), Indicator.objects.get(code="PEM-02")
    assert upper.parent.code == "IKU-01"
    Indicator.objects.filter(pk=lower.pk).update(parent=upper)
    client.force_login(klego_data.admin)
    for indicator, parent in ((upper, lower), (upper, upper)):
        url = reverse("admin:kinerja_indicator_change", args=[indicator.pk])
        form = form_as_shown(client.get(url).content.decode())
        form["parent"] = str(parent.pk)
        page = html.unescape(client.post(url, form).content.decode())
        assert "Induk ini membuat cascade berputar." in page, parent.code
    assert Indicator.objects.get(pk=upper.pk).parent.code == "IKU-01"


def test_the_admin_refuses_two_capaian_categories_from_the_same_lower_bound(client, klego_data):
    """Two categories from 90 % up: which one a capaian of 95 % took depended on the database's
    order. The second is refused with a sentence."""
    import html

    from kinerja.models import CapaianCategory

    CapaianCategory.objects.create(organisation=klego_data.org, lower_bound=90, label="Sangat baik")
    client.force_login(klego_data.admin)
    url = reverse("admin:kinerja_capaiancategory_add")
    form = form_as_shown(client.get(url).content.decode())
    form.update({"organisation": str(klego_data.org.pk), "lower_bound": "90", "label": "Baik"})
    page = html.unescape(client.post(url, form).content.decode())
    assert "Sudah ada kategori dengan batas bawah 90" in page
    assert list(CapaianCategory.objects.values_list("label", flat=True)) == ["Sangat baik"]


@pytest.mark.parametrize(
    "valid_from,valid_to,sentence",
    [
        ("", "", "Sudah ada jadwal bawaan (Jam kerja bawaan)"),
        (
            "2027-03-10",
            "2027-03-12",
            "Tanggal berlakunya beririsan dengan jadwal Ramadan 1448 H (01-03-2027 s.d. 30-03-2027)",
        ),
        (
            "2027-02-20",
            "2027-03-01",
            "Tanggal berlakunya beririsan dengan jadwal Ramadan 1448 H (01-03-2027 s.d. 30-03-2027)",
        ),
    ],
)
def test_the_admin_refuses_a_work_schedule_that_another_already_covers(client, klego, valid_from, valid_to, sentence):
    """Deadlines are counted in one schedule per day: a second default schedule (which one counted
    depended on the database's order) or dates inside another dated schedule (the earlier one won
    in silence) is refused; a schedule after the other one is kept."""
    import html

    from kinerja.models import WorkSchedule

    WorkSchedule.objects.create(
        organisation=klego.org,
        name="Ramadan 1448 H",
        valid_from=datetime.date(2027, 3, 1),
        valid_to=datetime.date(2027, 3, 30),
    )
    client.force_login(klego.admin)
    url = reverse("admin:kinerja_workschedule_add")
    form = form_as_shown(client.get(url).content.decode())
    form.update({"organisation": str(klego.org.pk), "name": "Jadwal lain", "valid_from": valid_from,
                 "valid_to": valid_to})  # fmt: skip
    page = html.unescape(client.post(url, form).content.decode())
    assert sentence in page
    assert not WorkSchedule.objects.filter(name="Jadwal lain").exists()
    form.update({"valid_from": "2027-03-31", "valid_to": "2027-04-02"})
    assert client.post(url, form).status_code == 302
    assert WorkSchedule.objects.filter(name="Jadwal lain").exists()


@pytest.mark.parametrize(
    "model,existing,fields,sentence",
    [
        ("strategicobjective", "SS-1", {"name": "Sasaran tiruan", "order": "9"},
         "Kode ss-1 sama dengan kode SS-1 bila huruf besar/kecil diabaikan"),
        ("section", "pem", {"name": "Seksi tiruan", "kind": "seksi", "order": "9", "active": "on"},
         "Kode PEM sama dengan kode pem bila huruf besar/kecil diabaikan"),
    ],
)  # fmt: skip
def test_the_admin_refuses_a_code_the_master_data_import_cannot_tell_from_another(
    client, klego_data, model, existing, fields, sentence
):
    """The master-data import finds objectives and sections by code, case aside: "ss-1" beside
    "SS-1" (or "PEM" beside "pem") made it take whichever the database listed last."""
    import html

    from kinerja.models import Section, StrategicObjective

    if model == "strategicobjective":
        StrategicObjective.objects.get_or_create(organisation=klego_data.org, code=existing, defaults={"name": "SS"})
    assert (
        {"strategicobjective": StrategicObjective, "section": Section}[model]
        .objects.filter(organisation=klego_data.org, code=existing)
        .exists()
    )
    twin = existing.swapcase()
    client.force_login(klego_data.admin)
    url = reverse(f"admin:kinerja_{model}_add")
    form = form_as_shown(client.get(url).content.decode())
    form.update({"organisation": str(klego_data.org.pk), "code": twin, **fields})
    page = html.unescape(client.post(url, form).content.decode())
    assert sentence in page
    model_class = {"strategicobjective": StrategicObjective, "section": Section}[model]
    assert not model_class.objects.filter(organisation=klego_data.org, code=twin).exists()
