"""Every URL that takes a POST, posted by every kind of visitor, with the cycle at the point where
the action is possible: the roles allowed see its effect, every other visitor is refused and
nothing changes. (A GET that answers 405 proves nothing about who may post.)

Each case builds its own world with the shared helpers (real uploads, each step closed through
its own page's service), then posts as the refused visitors first and the allowed ones last."""

from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kinerja import uploads
from kinerja.measurement import results
from kinerja.models import (
    Amendment,
    BaselineFigure,
    BudgetItem,
    CompletenessCheck,
    Cycle,
    DataKind,
    Disposition,
    Evidence,
    Explanation,
    GroupingReport,
    Indicator,
    Letter,
    Narrative,
    NoDataMark,
    OfficeFigure,
    PerformanceRecord,
    ReceiptConfirmation,
    ReportText,
    ReviewSnapshot,
    Role,
    StepRun,
    StrategicObjective,
    Submission,
)
from kinerja.steps import analysis_steps, submissions

from .conftest import MONDAY, accept_data, advance, filled_template, start, workbook_bytes
from .factories import OrganisationFactory, PositionFactory, coordinator_of
from .test_access_matrix import MATRIX, url_for
from .test_access_matrix import world as matrix_world  # noqa: F401  (the matrix's fixture, for its URLs)
from .test_masterdata import HEADER as MASTER_HEADER

ROLES = ["anonymous", "outsider", "staf_other", "staf_own", "admin", "sekcam", "camat", "kasubag", "koordinator"]
# Covered by their own tests (test_security, test_two_factor): signing in and out, the password and
# the second factor act on the visitor's own account, not on anybody's data.
# The visitor's own account and own notices (tests/test_notices.py: another user's notice is 404).
OWN_ACCOUNT = {
    "login", "logout", "password_change", "two_factor_setup", "two_factor_verify", "two_factor_recovery",
    "kinerja:notices", "kinerja:notice_open", "kinerja:profile",
}  # fmt: skip
# Takes a POST that changes nothing, open to everyone: checking a file against an issued document
# (tests/test_verification.py asserts it stores nothing).
READ_ONLY_POSTS = {"verify"}


@dataclass
class Case:
    stage: str
    data: object  # data(world, role) -> the form posted
    effect: object  # effect(world) -> what the action changes, compared before and after
    allowed: set = field(default_factory=set)
    args: object = None  # args(world) -> the URL's arguments, when the access matrix's are not these


def _pem(world):
    return world["cast"].sections["pem"]


def _open_runs(world):
    return sorted(
        StepRun.objects.filter(cycle=world["cycle"], closed_at=None).values_list("step__number", "section_id"),
        key=lambda pair: (pair[0], pair[1] or 0),
    )


def _upload(world, role):
    cycle, pem = world["cycle"], _pem(world)
    kind = DataKind.objects.get(code="realisasi")
    return {"kind": "realisasi", "file": SimpleUploadedFile("pem.xlsx", filled_template(cycle, pem, kind))}


def _mark_standing(world) -> dict:
    """Put the stage's mark back (same id, the URL names it) if an earlier visitor removed it."""
    mark = world["mark"]
    if not NoDataMark.objects.filter(pk=mark.pk).exists():
        NoDataMark.objects.create(
            pk=mark.pk, cycle=mark.cycle, section=mark.section, indicator=mark.indicator, reason=mark.reason,
            marked_by=mark.marked_by, marked_at=mark.marked_at,
        )  # fmt: skip
    return {}


def _master_row(role):
    return [f"PEM-9{ROLES.index(role)}", f"Indikator uji {role}", "%", "tinggi", "pem", "", "SS1", "tidak", "90", ""]


def _master_workbook(role) -> bytes:
    return workbook_bytes([MASTER_HEADER, _master_row(role)])


def _indicator_form(world, role):
    cast = world["cast"]
    return {
        "code": f"PEM-8{ROLES.index(role)}", "name": f"Indikator baru {role}", "unit": "%", "polarity": "higher",
        "aggregation": "latest", "quarter_form": "triwulan", "cascade_rule": "none",
        "section": cast.sections["pem"].pk, "parent": "", "objective": "", "active": "on",
    }  # fmt: skip


def _edit_form(world, role):
    indicator = Indicator.objects.get(code="PEM-01")
    return {
        **_indicator_form(world, role), "code": "PEM-01", "name": f"Jumlah desa (disunting {role})",
        "aggregation": indicator.aggregation,
    }  # fmt: skip


def _counts(*models):
    return lambda world: tuple(model.objects.count() for model in models)


def _budget_codes(world):
    return sorted(BudgetItem.objects.filter(organisation=world["cast"].org).values_list("code", "name", "pagu"))


def _budget_item(world):
    """The stage's programme (same id: the URL names it), put back if an earlier visitor removed it."""
    item = BudgetItem.objects.filter(pk=world["budget_item"].pk).first()
    if item is None:
        old = world["budget_item"]
        item = BudgetItem.objects.create(
            pk=old.pk, organisation=old.organisation, year=old.year, code=old.code, level=old.level, name=old.name,
            pagu=old.pagu,
        )  # fmt: skip
    return item


BUDGET_MANAGERS = {"kasubag", "sekcam", "admin"}


def _baseline_figure(world):
    """The stage's baseline figure (same id), put back if an earlier visitor removed it."""
    old = world["baseline"]
    if not BaselineFigure.objects.filter(pk=old.pk).exists():
        BaselineFigure.objects.create(
            pk=old.pk, organisation=old.organisation, indicator=old.indicator, year=old.year,
            realisation=old.realisation, source_file=old.source_file, imported_by=old.imported_by,
            imported_at=old.imported_at,
        )  # fmt: skip
    return {}


# Marks and evidence: the section's staff, or the Kasubag and the Sekretaris working on its behalf.
ON_BEHALF = {"staf_own", "sekcam", "kasubag"}

CASES = {
    "kinerja:cycle_act": Case(  # every step of this SOP closes on its own page: refused to all
        "step6",
        lambda w, r: {"run": w["run"].pk, "outcome": "selesai", "overdue_reason": "uji"},
        _open_runs,
    ),
    "kinerja:cycle_cancel": Case(
        "step2", lambda w, r: {"reason": "Surat ditarik"}, lambda w: Cycle.objects.get(pk=w["cycle"].pk).status,
        {"camat"},
    ),
    "kinerja:return_to_sections": Case(
        "step6", lambda w, r: {"sections": ["pem"], "reason": "Angka PEM-01 salah", "overdue_reason": "uji"},
        _open_runs, {"kasubag"},
    ),
    # Without a reason ("on_behalf") an upload or hand-in by the Kasubag or the Sekretaris is
    # refused like anybody else's (tests/test_on_behalf.py has it with one).
    "kinerja:section_upload": Case("step2", _upload, _counts(Submission), {"staf_own"}),
    "kinerja:section_hand_in": Case("step2_accepted", lambda w, r: {"overdue_reason": "uji"}, _open_runs, {"staf_own"}),
    "kinerja:section_confirm": Case(
        "step2_implausible", lambda w, r: {"reason": "Memang ada 12 kejadian triwulan ini"}, _counts(Submission),
        {"staf_own"},
    ),
    # Several roles may mark and unmark: each allowed visitor's mark writes a history row (a second mark
    # of the indicator replaces the first), and each finds a mark standing to remove (_mark_standing).
    "kinerja:section_no_data": Case(
        "step2", lambda w, r: {"indicator": "PEM-02", "reason": f"Survei belum selesai ({r})"},
        lambda w: NoDataMark.history.count(), ON_BEHALF,
    ),
    "kinerja:section_no_data_remove": Case(
        "step2_marked", lambda w, r: _mark_standing(w), lambda w: NoDataMark.history.filter(history_type="-").count(),
        ON_BEHALF,
    ),
    "kinerja:section_evidence": Case(
        "step2", lambda w, r: {"indicator": "PEM-01", "url": f"https://klego.boyolali.go.id/bukti/{r}"},
        _counts(Evidence), ON_BEHALF,
    ),
    "kinerja:receipt": Case(
        "step4", lambda w, r: {"note": "Diterima", "overdue_reason": "uji"}, _counts(ReceiptConfirmation), {"kasubag"}
    ),
    "kinerja:completeness": Case(
        "step5",
        lambda w, r: {
            **{f"verdict-{s.pk}": "lengkap" for s in w["cycle"].sections.all()}, "overdue_reason": "uji",
        },
        _counts(CompletenessCheck), {"kasubag"},
    ),
    "kinerja:analysis_office": Case(
        "step6", lambda w, r: {f"office-{w['iku'].pk}-1": str(ROLES.index(r) + 40)},
        lambda w: sorted(OfficeFigure.objects.values_list("indicator_id", "quarter", "value")), {"kasubag"},
    ),
    "kinerja:analysis_explain": Case(
        "step6_difference", lambda w, r: {"key": w["difference"], "text": f"Sumber seksi benar ({r})"},
        lambda w: sorted(Explanation.objects.values_list("key", "text")), {"kasubag"},
    ),
    "kinerja:narrative_save": Case(
        "step6", lambda w, r: {"objective": w["objective"].pk, "analysis": f"Capaian naik ({r})"},
        lambda w: sorted(Narrative.objects.values_list("objective_id", "analysis")), {"kasubag"},
    ),
    "kinerja:analysis_finish": Case("step6", lambda w, r: {"overdue_reason": "uji"}, _open_runs, {"kasubag"}),
    "kinerja:grouping": Case("step7", lambda w, r: {"groupings": ["objective"]}, _counts(GroupingReport), {"kasubag"}),
    "kinerja:review": Case(
        "step8", lambda w, r: {"outcome": "disetujui", "overdue_reason": "uji"}, _counts(ReviewSnapshot), {"sekcam"}
    ),
    "kinerja:filing": Case("step10", lambda w, r: {"overdue_reason": "uji"}, _counts(PerformanceRecord), {"kasubag"}),
    "kinerja:amend_record": Case(
        "filed",
        lambda w, r: {"field": "capaian", "new_value": str(90 + ROLES.index(r)), "reason": "Salah hitung",
                      "approver": "Camat Klego"},  # fmt: skip
        _counts(Amendment), {"kasubag", "camat"},
    ),
    "kinerja:objective_save": Case(
        "master", lambda w, r: {"code": f"SS{ROLES.index(r) + 5}", "name": f"Sasaran {r}", "order": "9"},
        lambda w: sorted(StrategicObjective.objects.filter(organisation=w["cast"].org).values_list("code", "name")),
        {"kasubag", "admin"},
    ),
    "kinerja:indicator_create": Case(
        "master", _indicator_form,
        lambda w: sorted(Indicator.objects.filter(organisation=w["cast"].org).values_list("code", flat=True)),
        {"kasubag", "admin"},
    ),
    "kinerja:indicator_edit": Case(
        "master", _edit_form, lambda w: Indicator.objects.get(code="PEM-01").name, {"kasubag", "admin"},
        args=lambda w: [Indicator.objects.get(code="PEM-01").pk],
    ),
    "kinerja:indicator_import": Case(
        "master",
        lambda w, r: {"year": "2026", "file": SimpleUploadedFile("induk.xlsx", _master_workbook(r))},
        lambda w: sorted(Indicator.objects.filter(organisation=w["cast"].org).values_list("code", flat=True)),
        {"kasubag", "admin"},
    ),  # fmt: skip
    "kinerja:budget": Case(
        "budget",
        lambda w, r: {"year": "2026", "file": SimpleUploadedFile("anggaran.xlsx", workbook_bytes(
            [["Kode", "Nomenklatur", "Pagu"], [f"7.03.0{ROLES.index(r)}", f"Program {r}", 500]]))},
        _budget_codes, BUDGET_MANAGERS,
    ),
    "kinerja:budget_create": Case(
        "budget", lambda w, r: {"code": f"7.02.0{ROLES.index(r)}", "name": f"Program {r}", "pagu": "1.000"},
        _budget_codes, BUDGET_MANAGERS,
    ),
    "kinerja:budget_edit": Case(
        "budget", lambda w, r: {"code": "7.01.01", "name": f"Program (disunting {r})", "pagu": "2.000"},
        _budget_codes, BUDGET_MANAGERS, args=lambda w: [w["budget_item"].pk],
    ),
    "kinerja:budget_delete": Case(
        # Each allowed visitor deletes the programme (put back first): one more deletion in its history.
        "budget", lambda w, r: _budget_item(w) and {}, lambda w: BudgetItem.history.filter(history_type="-").count(),
        BUDGET_MANAGERS,
        args=lambda w: [w["budget_item"].pk],
    ),
    "kinerja:baseline": Case(
        "budget",
        lambda w, r: {"file": SimpleUploadedFile("awal.xlsx", workbook_bytes(
            [["Kode", "Tahun", "Realisasi"], ["IKU-02", 2016 + ROLES.index(r), 80]]))},
        lambda w: sorted(BaselineFigure.objects.filter(organisation=w["cast"].org).values_list("year", flat=True)),
        BUDGET_MANAGERS,
    ),
    "kinerja:baseline_delete": Case(
        "budget", lambda w, r: _baseline_figure(w), lambda w: BaselineFigure.history.filter(history_type="-").count(),
        BUDGET_MANAGERS, args=lambda w: [w["baseline"].pk],
    ),
    "kinerja:lkjip_texts": Case(
        "budget", lambda w, r: {"tahun": "2026", "isu_strategis": f"Isu {r}"},
        lambda w: sorted(ReportText.objects.filter(organisation=w["cast"].org).values_list("text", flat=True)),
        BUDGET_MANAGERS,
    ),
    "kinerja:letter_create": Case(
        "master",
        lambda w, r: {"number": f"050/{r}/2026", "date": "2026-11-20", "sender": "Bappeda", "subject": "Laporan",
                      "nature": "biasa", "received_date": "2026-11-21", "year": "2026", "quarter": "4"},  # fmt: skip
        lambda w: Letter.objects.filter(organisation=w["cast"].org).count(), {"kasubag", "admin"},
    ),
    "kinerja:letter_dispose": Case(
        "letter",
        lambda w, r: {"recipients": [w["cast"].sekcam.pk], "instructions": ["Tindak lanjuti"]},
        _counts(Disposition), {"camat"},
    ),
    "kinerja:disposition_acknowledge": Case(
        "disposed", lambda w, r: {}, lambda w: Disposition.objects.get(pk=w["disposition"].pk).acknowledged_at,
        {"sekcam"},
    ),
    "kinerja:disposition_withdraw": Case(
        "disposed", lambda w, r: {"reason": "Salah alamat"},
        lambda w: Disposition.objects.get(pk=w["disposition"].pk).withdrawn_at, {"camat"},
    ),
}  # fmt: skip


def build(cast, stage: str) -> dict:
    """The world a case posts into: a cycle taken to the stage through the shared helpers."""
    world = {"cast": cast}
    if stage in ("master",):
        return world
    if stage == "budget":
        world["budget_item"] = BudgetItem.objects.create(
            organisation=cast.org, year=2026, code="7.01.01", level="program", name="Program uji", pagu=1000
        )
        source = uploads.store_bytes(b"x", organisation=cast.org, by=cast.kasubag, original_name="awal.xlsx",
                                     content_type="application/octet-stream")  # fmt: skip
        world["baseline"] = BaselineFigure.objects.create(
            organisation=cast.org, indicator=Indicator.objects.get(code="IKU-01"), year=2024, realisation=70,
            source_file=source, imported_by=cast.kasubag, imported_at=MONDAY,
        )  # fmt: skip
        return world
    if stage in ("letter", "disposed"):
        letter = Letter.objects.create(
            organisation=cast.org, number="050/1/2026", date=MONDAY.date(), sender="Bappeda", subject="Laporan",
            received_date=MONDAY.date(), registered_by=cast.kasubag,
        )  # fmt: skip
        world["letter"] = letter
        if stage == "disposed":
            from kinerja.steps import dispositions

            (world["disposition"],) = dispositions.dispose(
                letter, by=cast.camat, recipients=[cast.sekcam], instructions=["Tindak lanjuti"], at=MONDAY
            )
        return world
    cycle = start(cast)
    world["cycle"] = cycle
    number = {"filed": 10, "step10": 10, "step8": 8, "step7": 7, "step5": 5, "step4": 4}.get(stage)
    number = number or (6 if stage.startswith("step6") else 2)
    advance(cast, cycle, number)
    pem = cast.sections["pem"]
    kind = DataKind.objects.get(code="realisasi")
    if stage == "step2_accepted":
        accept_data(cycle, pem)
    if stage == "step2_implausible":
        outcome = submissions.submit(
            cycle=cycle, section=pem, kind=kind, filename="pem.xlsx", by=cast.staf_pem, at=MONDAY,
            data=filled_template(cycle, pem, kind, realisation=lambda code, q, target: (target or 1) * 1000),
        )  # fmt: skip
        assert outcome.submission.status == Submission.Status.REJECTED
        assert {p["kind"] for p in outcome.submission.problems} == {"wajar"}
        world["submission"] = outcome.submission
    if stage == "step2_marked":
        world["mark"] = submissions.mark_no_data(
            cycle=cycle, section=pem, indicator=Indicator.objects.get(code="PEM-02"), reason="Survei", by=cast.staf_pem
        )
    if stage.startswith("step6"):
        world["run"] = StepRun.objects.get(cycle=cycle, closed_at=None)
        world["iku"] = Indicator.objects.get(code="IKU-01")
        world["objective"] = StrategicObjective.objects.filter(organisation=cast.org).order_by("code").first()
        for difference in results.differences(cycle):  # the analysis can finish
            analysis_steps.explain(cycle=cycle, key=difference.key, text="Sumber seksi", by=cast.kasubag)
    if stage == "step6_difference":
        iku = Indicator.objects.get(code="IKU-04")
        analysis_steps.set_office_figure(cycle=cycle, indicator=iku, quarter=1, value=999, by=cast.kasubag)
        (difference,) = [d for d in results.differences(cycle) if not d.resolved]
        world["difference"] = difference.key
    if stage == "filed":
        from kinerja.steps import filing

        filing.file_database(StepRun.objects.get(cycle=cycle, closed_at=None), by=cast.kasubag, at=MONDAY)
        world["record"] = PerformanceRecord.objects.filter(cycle=cycle, capaian__isnull=False).first()
    return world


def url_of(name, world):
    case = CASES[name]
    if case.args:
        return reverse(name, args=case.args(world))
    cycle = world.get("cycle")
    args = {
        "kinerja:section_confirm": lambda: [cycle.pk, "pem", world["submission"].pk],
        "kinerja:section_no_data_remove": lambda: [cycle.pk, "pem", world["mark"].pk],
        "kinerja:amend_record": lambda: [world["record"].pk],
        "kinerja:letter_dispose": lambda: [world["letter"].pk],
        "kinerja:disposition_acknowledge": lambda: [world["disposition"].pk],
        "kinerja:disposition_withdraw": lambda: [world["disposition"].pk],
    }.get(name)
    if args:
        return reverse(name, args=args())
    if name in ("kinerja:objective_save", "kinerja:indicator_create", "kinerja:indicator_import",
                "kinerja:letter_create", "kinerja:budget", "kinerja:budget_create", "kinerja:baseline",
                "kinerja:lkjip_texts"):  # fmt: skip
        return reverse(name)
    if name.startswith("kinerja:section_"):
        return reverse(name, args=[cycle.pk, "pem"])
    return reverse(name, args=[cycle.pk])


def visitors(cast):
    outsider = PositionFactory(organisation=OrganisationFactory(), role=Role.KASUBAG).user
    return {
        "anonymous": None, "outsider": outsider, "staf_other": cast.staf_trantib, "staf_own": cast.staf_pem,
        "admin": cast.admin, "sekcam": cast.sekcam, "camat": cast.camat, "kasubag": cast.kasubag,
        # The SAKIP coordinator of Klego's kabupaten: reads it all, may post nothing into it.
        "koordinator": coordinator_of(cast.org),
    }  # fmt: skip


def test_every_url_that_takes_a_post_has_a_case(client, klego_data, matrix_world):  # noqa: F811
    """Posting to each URL as the Kasubag and the administrator: whatever does not answer 405
    takes a POST and must have a case here (or act only on the visitor's own account)."""
    takes_post = set()
    for name in MATRIX:
        url = url_for(name, matrix_world)
        for user in (klego_data.kasubag, klego_data.admin):
            client.force_login(user)
            if client.post(url).status_code != 405:
                takes_post.add(name)
    assert takes_post - OWN_ACCOUNT - READ_ONLY_POSTS == set(CASES), sorted(takes_post ^ set(CASES))


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_post_acts_only_for_the_roles_allowed_and_changes_nothing_for_anybody_else(client, klego_data, name):
    case = CASES[name]
    world = build(klego_data, case.stage)
    users = visitors(klego_data)
    url = url_of(name, world)
    order = [r for r in ROLES if r not in case.allowed] + [r for r in ROLES if r in case.allowed]
    wrong = []
    for role in order:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        before = case.effect(world)
        response = client.post(url, case.data(world, role))
        after = case.effect(world)
        if role in case.allowed and after == before:
            wrong.append(f"{role}: allowed, but nothing changed ({response.status_code})")
        if role not in case.allowed:
            if after != before:
                wrong.append(f"{role}: refused expected, but it changed {before!r} -> {after!r}")
            if response.status_code not in (200, 302, 403, 404):  # 200: a form page shown again with its errors
                wrong.append(f"{role}: answered {response.status_code}")
            if role == "anonymous" and not response.url.startswith(reverse("login")):
                wrong.append(f"anonymous: sent to {response.url}, not to the sign-in page")
    assert not wrong, f"{name}:\n" + "\n".join(wrong)
