"""Every URL × every role, generated from the URL configuration: the expected answer of a GET
for anonymous users, each office role, staff of the URL's section and of another section, the
administrator, and the Kasubag of another kecamatan. A new URL without an entry fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kinerja.models import (
    BaselineFigure,
    BudgetItem,
    DataKind,
    Disposition,
    DocumentJob,
    Evidence,
    Indicator,
    IssuedDocument,
    NoDataMark,
    Notice,
    PerformanceRecord,
    Role,
    SopVersion,
    Submission,
)
from kinerja.steps import analysis_steps, filing, submissions

from .conftest import MONDAY, advance, open_runs, workbook_bytes
from .factories import OrganisationFactory, PositionFactory, coordinator_of, pdf_bytes
from .test_analysis_steps import to_step_6

ROLES = [
    "anonymous", "camat", "sekcam", "kasubag", "staf_own", "staf_other", "admin", "outsider", "koordinator",
    "koordinator_lain",
]  # fmt: skip
ALL_IN = {"camat": 200, "sekcam": 200, "kasubag": 200, "staf_own": 200, "staf_other": 200, "admin": 200}
OFFICE = {"camat": 200, "sekcam": 200, "kasubag": 200, "staf_own": 403, "staf_other": 403, "admin": 200}
OWN_SECTION = {**OFFICE, "staf_own": 200}
# Read by the kabupaten's coordinators only (each their own kabupaten: tests/test_kabupaten.py).
KABUPATEN_PAGE = {
    "anonymous": 302, "koordinator": 200, "koordinator_lain": 200, "outsider": 403, **{r: 403 for r in ALL_IN}
}  # fmt: skip
POST_ONLY = {role: 405 for role in ROLES if role != "anonymous"}


def row(anonymous=302, outsider=404, **roles):
    return {"anonymous": anonymous, "outsider": outsider, **roles}


# name -> expected status of a GET for each role
MATRIX = {
    "healthz": {role: 200 for role in ROLES},
    "verify": {role: 200 for role in ROLES},  # public: a known code, for anybody holding the paper
    "login": row(anonymous=200, outsider=302, **{r: 302 for r in ALL_IN}),
    "logout": {**POST_ONLY, "anonymous": 302},
    "password_change": row(outsider=200, **ALL_IN),
    "password_change_done": row(outsider=200, **ALL_IN),
    "two_factor_setup": row(outsider=200, **ALL_IN),
    "two_factor_verify": row(outsider=302, **{r: 302 for r in ALL_IN}),
    "two_factor_recovery": {**POST_ONLY, "anonymous": 302},
    "kinerja:home": row(outsider=200, **ALL_IN),
    "kinerja:sop_list": row(outsider=200, **ALL_IN),
    "kinerja:sop_detail": row(**ALL_IN),
    "kinerja:sop_pdf": row(**ALL_IN),
    "kinerja:cycle_list": row(outsider=200, **ALL_IN),
    "kinerja:cycle_start": row(
        outsider=302, camat=302, kasubag=302, sekcam=403, staf_own=403, staf_other=403, admin=403
    ),
    "kinerja:cycle_detail": row(**ALL_IN),
    "kinerja:cycle_act": {**POST_ONLY, "anonymous": 302},
    "kinerja:cycle_cancel": {**POST_ONLY, "anonymous": 302},
    "kinerja:return_to_sections": {**POST_ONLY, "anonymous": 302},
    "kinerja:statistics": row(outsider=200, **ALL_IN),
    "kinerja:section_data": row(**OWN_SECTION),
    "kinerja:section_template": row(**OWN_SECTION),
    "kinerja:section_upload": {**POST_ONLY, "anonymous": 302},
    "kinerja:section_hand_in": {**POST_ONLY, "anonymous": 302},
    "kinerja:section_confirm": {**POST_ONLY, "anonymous": 302},
    "kinerja:section_no_data": {**POST_ONLY, "anonymous": 302},
    "kinerja:section_no_data_remove": {**POST_ONLY, "anonymous": 302},
    "kinerja:submission_file": row(**OWN_SECTION),
    "kinerja:section_evidence": {**POST_ONLY, "anonymous": 302},
    "kinerja:evidence_file": row(**OWN_SECTION),
    "kinerja:receipt": row(**OFFICE),
    "kinerja:completeness": row(**OFFICE),
    "kinerja:analysis": row(**OFFICE),
    "kinerja:analysis_office": {**POST_ONLY, "anonymous": 302},
    "kinerja:analysis_explain": {**POST_ONLY, "anonymous": 302},
    "kinerja:narrative_save": {**POST_ONLY, "anonymous": 302},
    "kinerja:analysis_finish": {**POST_ONLY, "anonymous": 302},
    "kinerja:grouping": row(**OFFICE),
    "kinerja:review": row(**OFFICE),
    "kinerja:filing": row(**OFFICE),
    "kinerja:archive_download": row(**OFFICE),
    "kinerja:database": row(outsider=200, **ALL_IN),
    "kinerja:amend_record": {**POST_ONLY, "anonymous": 302},
    "kinerja:exports": row(outsider=200, **ALL_IN),
    "kinerja:dashboard": row(outsider=200, **ALL_IN),
    "kinerja:audit": row(outsider=403, camat=403, sekcam=403, kasubag=403, staf_own=403, staf_other=403, admin=200),
    "kinerja:indicator_list": row(outsider=200, **ALL_IN),
    "kinerja:indicator_create": row(
        outsider=200, camat=403, sekcam=403, kasubag=200, staf_own=403, staf_other=403, admin=200
    ),
    "kinerja:indicator_edit": row(
        outsider=404, camat=403, sekcam=403, kasubag=200, staf_own=403, staf_other=403, admin=200
    ),
    "kinerja:indicator_import": row(
        outsider=200, camat=403, sekcam=403, kasubag=200, staf_own=403, staf_other=403, admin=200
    ),
    "kinerja:indicator_export": row(outsider=200, **ALL_IN),
    "kinerja:objective_save": {**POST_ONLY, "anonymous": 302},
    "kinerja:letter_list": row(outsider=200, **ALL_IN),
    "kinerja:letter_create": row(
        outsider=200, camat=403, sekcam=403, kasubag=200, staf_own=403, staf_other=403, admin=200
    ),
    "kinerja:letter_detail": row(**ALL_IN),
    "kinerja:letter_attachment": row(**ALL_IN),
    "kinerja:letter_dispose": {**POST_ONLY, "anonymous": 302},
    "kinerja:letter_sheet": row(**ALL_IN),
    "kinerja:disposition_acknowledge": {**POST_ONLY, "anonymous": 302},
    "kinerja:disposition_withdraw": {**POST_ONLY, "anonymous": 302},
    "kinerja:notices": row(outsider=200, **ALL_IN),
    "kinerja:profile": row(outsider=200, **ALL_IN),
    "kinerja:notice_open": {**POST_ONLY, "anonymous": 302},
    "kinerja:budget": row(outsider=200, staf_own=403, staf_other=403, camat=200, sekcam=200, kasubag=200, admin=200),
    "kinerja:budget_create": row(
        outsider=200, camat=403, sekcam=200, kasubag=200, staf_own=403, staf_other=403, admin=200
    ),
    "kinerja:budget_edit": row(camat=403, sekcam=200, kasubag=200, staf_own=403, staf_other=403, admin=200),
    "kinerja:budget_delete": {**POST_ONLY, "anonymous": 302},
    "kinerja:documents": row(outsider=200, **ALL_IN),
    "kinerja:lkjip": row(outsider=302, **ALL_IN),  # the outsider's kecamatan has filed nothing: refused
    "kinerja:lkjip_texts": row(
        outsider=200, camat=403, sekcam=200, kasubag=200, staf_own=403, staf_other=403, admin=200
    ),
    "kinerja:baseline": row(outsider=200, staf_own=403, staf_other=403, camat=200, sekcam=200, kasubag=200, admin=200),
    "kinerja:baseline_delete": {**POST_ONLY, "anonymous": 302},
    # Open to every member, as the exports; the outsider's kecamatan has no IKU: refused, back to the documents page.
    "kinerja:agreement": row(outsider=302, **ALL_IN),
    # The read API opens to a token only, never to a session (tests/test_api.py: each token scope).
    "api:schema": {role: 200 for role in ROLES},  # the OpenAPI description: no data
    "api:organisations": {role: 401 for role in ROLES},
    "api:indicators": {role: 401 for role in ROLES},
    "api:cycles": {role: 401 for role in ROLES},
    "api:records": {role: 401 for role in ROLES},
    "api:amendments": {role: 401 for role in ROLES},
    # A document request, for the one who made it only (the Kasubag here): nobody else learns of it.
    "kinerja:document_job": {**{r: 404 for r in ROLES}, "anonymous": 302, "kasubag": 200},
    "kinerja:document_job_file": {**{r: 404 for r in ROLES}, "anonymous": 302, "kasubag": 200},
    "kinerja:kabupaten": KABUPATEN_PAGE,
    "kinerja:kabupaten_capaian": KABUPATEN_PAGE,
    "kinerja:kabupaten_steps": KABUPATEN_PAGE,
}

# A kabupaten coordinator holds no kecamatan position: every kecamatan page answers them as any
# account without one: its lists empty (tests/test_kabupaten.py reads them), its own account's
# pages, and the rest refused (403) or not found (404). The same for a coordinator of another
# kabupaten.
WITHOUT_POSITION = {
    200: ["kinerja:cycle_list", "kinerja:letter_list", "kinerja:sop_list", "kinerja:notices", "kinerja:profile",
          "password_change", "password_change_done", "two_factor_setup"],
    302: ["kinerja:home", "login", "two_factor_verify"],  # home: to the kabupaten's pages
    403: ["kinerja:agreement", "kinerja:audit", "kinerja:baseline", "kinerja:budget", "kinerja:budget_create",
          "kinerja:budget_edit", "kinerja:cycle_start", "kinerja:dashboard", "kinerja:database", "kinerja:documents",
          "kinerja:exports", "kinerja:indicator_create", "kinerja:indicator_edit", "kinerja:indicator_export",
          "kinerja:indicator_import", "kinerja:indicator_list", "kinerja:letter_create", "kinerja:lkjip",
          "kinerja:lkjip_texts", "kinerja:statistics"],
    404: ["kinerja:analysis", "kinerja:archive_download", "kinerja:completeness", "kinerja:cycle_detail",
          "kinerja:evidence_file", "kinerja:filing", "kinerja:grouping", "kinerja:letter_attachment",
          "kinerja:letter_detail", "kinerja:letter_sheet", "kinerja:receipt", "kinerja:review", "kinerja:section_data",
          "kinerja:section_template", "kinerja:sop_detail", "kinerja:sop_pdf", "kinerja:submission_file"],
}  # fmt: skip
for _status, _names in WITHOUT_POSITION.items():
    for _name in _names:
        assert "koordinator" not in MATRIX[_name], _name
        MATRIX[_name] = {**MATRIX[_name], "koordinator": _status, "koordinator_lain": _status}


def named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns == "admin":
                continue
            yield from named_urls(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_an_entry_in_the_matrix():
    missing = sorted(set(named_urls()) - set(MATRIX))
    assert not missing, f"add these URLs to the access matrix: {missing}"
    assert not sorted(set(MATRIX) - set(named_urls())), "the matrix names URLs that no longer exist"


@pytest.fixture
def world(klego_data):
    """A filed cycle with a letter, dispositions, a submission and evidence of Seksi Pemerintahan."""
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    run = open_runs(cycle)[0]
    filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    disposition = Disposition.objects.filter(letter=cycle.letter).first()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kinerja import uploads

    stored = uploads.store_upload(
        SimpleUploadedFile("s.pdf", pdf_bytes()), organisation=klego_data.org, by=klego_data.kasubag
    )
    cycle.letter.attachment = stored
    cycle.letter.save()
    evidence = Evidence.objects.create(
        cycle=cycle, section=klego_data.sections["pem"], indicator=Indicator.objects.get(code="PEM-01"), file=stored,
        uploaded_by=klego_data.staf_pem,
    )  # fmt: skip
    outsider = PositionFactory(organisation=OrganisationFactory(), role=Role.KASUBAG).user
    # The SAKIP coordinator of Klego's kabupaten, and one of another kabupaten (with a kecamatan).
    coordinator = coordinator_of(klego_data.org)
    other_coordinator = coordinator_of(OrganisationFactory())
    mark = NoDataMark.objects.create(
        cycle=cycle, section=klego_data.sections["pem"], indicator=Indicator.objects.get(code="PEM-02"),
        reason="uji", marked_by=klego_data.staf_pem, marked_at=MONDAY,
    )  # fmt: skip
    budget_item = BudgetItem.objects.create(
        organisation=klego_data.org, year=2026, code="7.01.01", level="program", name="Program uji", pagu=1000
    )
    figure = BaselineFigure.objects.create(
        organisation=klego_data.org, indicator=Indicator.objects.get(code="IKU-01"), year=2024, realisation=70,
        source_file=stored, imported_by=klego_data.kasubag, imported_at=MONDAY,
    )  # fmt: skip
    job = DocumentJob.objects.create(
        organisation=klego_data.org, kind=IssuedDocument.Kind.LKJIP, fmt="docx", title="LKjIP 2026 (DOCX)",
        requested_by=klego_data.kasubag, requested_at=MONDAY, status=DocumentJob.Status.READY, result=stored,
    )  # fmt: skip
    return {
        "job": job,
        "baseline": figure,
        "budget_item": budget_item,
        "mark": mark,
        "cycle": cycle,
        "disposition": disposition,
        "submission": Submission.objects.filter(cycle=cycle, section__code="pem").first(),
        "evidence": evidence,
        "record": PerformanceRecord.objects.filter(cycle=cycle).first(),
        "outsider": outsider,
        "koordinator": coordinator,
        "koordinator_lain": other_coordinator,
    }


def url_for(name, world):
    cycle = world["cycle"]
    args = {
        "kinerja:sop_detail": [SopVersion.objects.first().pk],
        "kinerja:sop_pdf": [SopVersion.objects.first().pk],
        "kinerja:section_data": [cycle.pk, "pem"],
        "kinerja:section_template": [cycle.pk, "pem", "realisasi"],
        "kinerja:section_upload": [cycle.pk, "pem"],
        "kinerja:section_hand_in": [cycle.pk, "pem"],
        "kinerja:section_evidence": [cycle.pk, "pem"],
        "kinerja:section_no_data": [cycle.pk, "pem"],
        "kinerja:section_no_data_remove": [cycle.pk, "pem", world["mark"].pk],
        "kinerja:section_confirm": [cycle.pk, "pem", world["submission"].pk],
        "kinerja:submission_file": [cycle.pk, "pem", world["submission"].pk],
        "kinerja:evidence_file": [cycle.pk, "pem", world["evidence"].pk],
        "kinerja:archive_download": [cycle.pk, "zip"],
        "kinerja:amend_record": [world["record"].pk],
        "kinerja:exports": ["lkjip.xlsx"],
        "kinerja:indicator_edit": [Indicator.objects.first().pk],
        "kinerja:letter_detail": [cycle.letter_id],
        "kinerja:letter_attachment": [cycle.letter_id],
        "kinerja:letter_dispose": [cycle.letter_id],
        "kinerja:letter_sheet": [cycle.letter_id],
        "kinerja:disposition_acknowledge": [world["disposition"].pk],
        "kinerja:disposition_withdraw": [world["disposition"].pk],
        "kinerja:notice_open": [Notice.objects.order_by("pk").first().pk],
        "verify": [IssuedDocument.objects.filter(cycle=cycle).first().code],
        "kinerja:budget_edit": [world["budget_item"].pk],
        "kinerja:budget_delete": [world["budget_item"].pk],
        "kinerja:agreement": ["docx"],
        "kinerja:lkjip": ["docx"],
        "kinerja:baseline_delete": [world["baseline"].pk],
        "kinerja:document_job": [world["job"].pk],
        "kinerja:document_job_file": [world["job"].pk],
    }.get(name)
    if args is None and name.startswith("kinerja:") and name not in (
        "kinerja:home", "kinerja:sop_list", "kinerja:cycle_list", "kinerja:cycle_start", "kinerja:statistics",
        "kinerja:database", "kinerja:dashboard", "kinerja:audit", "kinerja:indicator_list", "kinerja:indicator_create",
        "kinerja:indicator_import", "kinerja:indicator_export", "kinerja:objective_save", "kinerja:letter_list",
        "kinerja:letter_create", "kinerja:notices", "kinerja:profile", "kinerja:budget", "kinerja:budget_create",
        "kinerja:documents", "kinerja:baseline", "kinerja:lkjip_texts", "kinerja:kabupaten",
        "kinerja:kabupaten_capaian", "kinerja:kabupaten_steps",
    ):  # fmt: skip
        args = [cycle.pk]
    return reverse(name, args=args or [])


def test_every_url_answers_each_role_as_the_matrix_says(client, klego_data, world):
    users = {
        "camat": klego_data.camat, "sekcam": klego_data.sekcam, "kasubag": klego_data.kasubag,
        "staf_own": klego_data.staf_pem, "staf_other": klego_data.staf_trantib, "admin": klego_data.admin,
        "outsider": world["outsider"], "koordinator": world["koordinator"],
        "koordinator_lain": world["koordinator_lain"],
    }  # fmt: skip
    wrong = []
    for name in sorted(MATRIX):
        url = url_for(name, world)
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            status = client.get(url).status_code
            if status != MATRIX[name][role]:
                wrong.append(f"{name} as {role}: {status}, expected {MATRIX[name][role]}")
    assert not wrong, "\n".join(wrong)


__all__ = ["DataKind", "analysis_steps", "submissions", "workbook_bytes"]


JUNK = {
    "tahun": "abc", "triwulan": "9", "sasaran": "x", "seksi": "Seksi' OR 1=1", "indikator": "<script>", "kertas": "zz",
    "format": "zz", "siklus": "abc", "pengguna": "-1", "dari": "2026-13-45", "sampai": "x", "next": "//evil.example",
    "q": "'" * 300, "halaman": "-5",
}  # fmt: skip
JUNK_FORM = {
    "outcome": "lompat", "sections": ["x", "-1"], "note": "x" * 20_000, "reason": "", "overdue_reason": "<b>",
    "value": "delapan", "quarter": "7", "indicator": "abc", "key": "../../etc", "text": "", "groupings": ["zz"],
    "recipients": ["0"], "instructions": ["bukan"], "deadline": "kemarin", "field": "nama", "new_value": "1e999",
    "approver": "", "year": "-1", "kind": "zz", "number": "", "date": "31-02-2026", "file": "",
    "note-0-text": "x", "note-0-indicator": "abc", "note-0-quarter": "99", "note-0-topic": "zz", "objective": "x",
}  # fmt: skip
HUGE = "9" * 25  # beyond any integer column, and beyond what SQLite can bind
JUNK_HUGE = {key: HUGE for key in ("tahun", "triwulan", "siklus", "pengguna", "halaman")}
JUNK_FORM_HUGE = {key: HUGE for key in ("indicator", "objective", "quarter", "year", "note-0-indicator", "value")}


def test_no_page_fails_on_junk_parameters_or_forms(client, klego_data, world):
    """Whatever the query string or the form holds, each URL answers with a page, a refusal or a
    redirect: never a server error."""
    users = [klego_data.kasubag, klego_data.admin]  # between them, every page opens to its form
    client.raise_request_exception = False  # count every server error instead of stopping at the first
    failures = []
    for name in sorted(MATRIX):
        url = url_for(name, world)
        for user in users:
            client.force_login(user)
            for method, data in (("get", JUNK), ("get", JUNK_HUGE), ("post", JUNK_FORM), ("post", JUNK_FORM_HUGE)):
                response = getattr(client, method)(url, data)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {name} as {user.username}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_nul_character_in_a_query_or_form_is_refused_before_any_view(client, klego_data, world):
    """PostgreSQL fails on a NUL in a query parameter; SQLite would store it: refused with 400."""
    client.force_login(klego_data.kasubag)
    response = client.get(reverse("kinerja:database"), {"seksi": "a\x00b"})
    assert response.status_code == 400 and "karakter yang tidak sah" in response.content.decode()
    url = reverse("kinerja:narrative_save", args=[world["cycle"].pk])
    assert client.post(url, {"analysis": "x\x00"}).status_code == 400
    assert client.get(reverse("kinerja:database"), {"seksi": "Seksi Pemerintahan"}).status_code == 200


# The Django admin ------------------------------------------------------------------------------


def admin_urls(world):
    """Every page of the admin for one object of every registered model of the application: the
    list, add, change, delete, history and one history version."""
    from django.contrib import admin

    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield f"{prefix}_changelist", reverse(f"{prefix}_changelist")
        yield f"{prefix}_add", reverse(f"{prefix}_add")
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        for page in ("change", "delete", "history"):
            yield f"{prefix}_{page}", reverse(f"{prefix}_{page}", args=[obj.pk])
        if hasattr(obj, "history") and obj.history.exists():
            version = obj.history.order_by("history_id").first().history_id
            yield f"{prefix}_simple_history", reverse(f"{prefix}_simple_history", args=[obj.pk, version])


def test_only_administrators_reach_any_admin_page_by_get_or_post(client, klego_data, world):
    """Anonymous visitors go to the sign-in page; office staff and section staff (signed in) are
    refused on every admin page, GET and POST alike; the administrator reaches the index."""
    users = {
        "camat": klego_data.camat, "sekcam": klego_data.sekcam, "kasubag": klego_data.kasubag,
        "staf_own": klego_data.staf_pem, "outsider": world["outsider"],
    }  # fmt: skip
    wrong, count = [], 0
    for name, url in admin_urls(world):
        for role in ["anonymous", *users]:
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"post": "yes"} if method == "post" else None)
                count += 1
                target = reverse("login") if role == "anonymous" else reverse("admin:login")
                if response.status_code != 302 or not response.url.startswith(target):
                    wrong.append(f"{method.upper()} {name} as {role}: {response.status_code}")
    assert count > 500, count
    assert not wrong, "\n".join(wrong[:40])
    client.force_login(klego_data.camat)
    assert client.get(reverse("admin:login"), follow=True).status_code == 403  # and no way round it
    client.force_login(klego_data.admin)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("who", ["admin", "superuser"])  # two tests: the processes share them out
def test_no_admin_page_fails_on_junk_parameters_or_forms(client, klego_data, world, who):
    from kinerja.models import User

    if who == "superuser":
        user = User.objects.create_superuser("super", "super@example.id", "rahasia-uji-123")
    else:
        user = klego_data.admin
    client.raise_request_exception = False
    client.force_login(user)
    failures, count = [], 0
    for name, url in admin_urls(world):
        for method, data in (("get", JUNK), ("get", JUNK_HUGE), ("post", JUNK_FORM), ("post", JUNK_FORM_HUGE)):
            response = getattr(client, method)(url, data)
            count += 1
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {name} as {user.username}: {response.status_code}")
    assert count > 300, count  # every admin page of the world was tried
    assert not failures, "\n".join(failures)
