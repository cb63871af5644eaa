"""The read API: every endpoint × every token scope (a kecamatan, its kabupaten, another
kabupaten): no row of another scope, through filters or pages; values after amendments and as
filed; tokens stored hashed, revocable, rate-limited, every call logged; the OpenAPI description
validates; made and revoked in the admin by whom the rules allow."""

import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from kinerja.api.auth import TokenRateThrottle
from kinerja.models import ApiCall, ApiToken, Kabupaten, Role, User
from kinerja.steps import filing

from .factories import PositionFactory
from .test_kabupaten import closed_run, filed, kecamatan

ENDPOINTS = {
    "api:organisations": "kode",
    "api:indicators": "organisasi",
    "api:cycles": "organisasi",
    "api:records": "organisasi",
    "api:amendments": "organisasi",
}


def make_token(*, organisation=None, kabupaten=None, revoked=False) -> tuple[ApiToken, str]:
    token = ApiToken(
        name="Uji", organisation=organisation, kabupaten=kabupaten, created_by=User.objects.order_by("pk").first(),
        created_at=timezone.now(), revoked_at=timezone.now() if revoked else None,
    )  # fmt: skip
    key = token.issue_key()
    token.save()
    return token, key


def call(client, name, key=None, **query):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.get(reverse(name), query, **headers)


def every_row(client, name, key, **query) -> list[dict]:
    """Every row of an endpoint, page by page (two rows a page, so the pages are exercised)."""
    rows, page = [], 1
    while True:
        body = call(client, name, key, per_halaman=2, halaman=page, **query).json()
        rows += body["results"]
        if not body["next"]:
            assert body["count"] == len(rows)
            return rows
        page += 1


@pytest.fixture
def world(klego_data):
    """Klego and Andong in Kabupaten Boyolali, Bayat in Kabupaten Klaten; each with an IKU filed
    for TW III 2026 (amended in Andong), a cycle with a closed step run; a token for Klego, one
    for Boyolali, one for Klaten."""
    boyolali = klego_data.org.kabupaten
    klaten = Kabupaten.objects.create(code="klaten", name="Pemerintah Kabupaten Klaten")
    andong, bayat = kecamatan(boyolali, "Andong"), kecamatan(klaten, "Bayat")
    records = {}
    for organisation, value in ((klego_data.org, "90"), (andong, "80"), (bayat, "70")):
        records[organisation.code] = filed(organisation, "IKU-01", value)
        closed_run(records[organisation.code].cycle, 1, 45)
    kasubag = PositionFactory(organisation=andong, role=Role.KASUBAG).user
    filing.amend(records[andong.code], by=kasubag, field="capaian", raw="85", reason="Salah hitung", approver="Camat")
    filing.amend(records[bayat.code], by=PositionFactory(organisation=bayat, role=Role.KASUBAG).user,
                 field="capaian", raw="75", reason="Salah ketik", approver="Camat")  # fmt: skip
    return {
        "klego": make_token(organisation=klego_data.org)[1],
        "boyolali": make_token(kabupaten=boyolali)[1],
        "klaten": make_token(kabupaten=klaten)[1],
        "andong": andong,
        "bayat": bayat,
        "records": records,
    }


SCOPES = {"klego": {"klego"}, "boyolali": {"klego", "andong"}, "klaten": {"bayat"}}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_endpoint_answers_each_scope_only_its_own_rows_on_every_page(client, world, name):
    for scope, expected in SCOPES.items():
        rows = every_row(client, name, world[scope])
        assert {row[ENDPOINTS[name]] for row in rows} == (
            expected if name != "api:amendments" else expected - {"klego"}  # Klego amended nothing
        ), (name, scope)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_filter_never_reaches_outside_the_scope(client, world, name):
    for code in ("bayat", "andong", "tidak-ada"):
        body = call(client, name, world["klego"], organisasi=code).json()
        assert body["count"] == 0 and body["results"] == [], (name, code)
    body = call(client, name, world["boyolali"], organisasi="bayat").json()
    assert body["count"] == 0


def test_a_kabupaten_token_filters_one_of_its_kecamatan(client, world):
    rows = every_row(client, "api:records", world["boyolali"], organisasi="andong")
    assert [(r["organisasi"], r["kode"]) for r in rows] == [("andong", "IKU-01")]


def test_a_filed_record_gives_its_values_after_the_latest_amendment_and_as_filed(client, world):
    (row,) = call(client, "api:records", world["boyolali"], organisasi="andong").json()["results"]
    assert row["diamandemen"] is True
    assert (row["terkini"]["capaian"], row["asli"]["capaian"]) == ("85", "80")
    assert (row["terkini"]["target"], row["terkini"]["target_teks"]) == ("100", "")
    assert (row["tahun"], row["triwulan"], row["iku"]) == (2026, 3, True)
    (klego,) = call(client, "api:records", world["klego"]).json()["results"]
    assert klego["diamandemen"] is False and klego["terkini"] == klego["asli"]


def test_the_amendments_name_the_field_the_values_and_the_reason(client, world):
    capaian, category = call(client, "api:amendments", world["boyolali"]).json()["results"]
    row = capaian
    keys = ("organisasi", "kode", "isian", "nilai_lama", "nilai_baru", "alasan", "disetujui_oleh")
    assert {k: row[k] for k in keys} == {
        "organisasi": "andong", "kode": "IKU-01", "isian": "capaian", "nilai_lama": "80", "nilai_baru": "85",
        "alasan": "Salah hitung", "disetujui_oleh": "Camat",
    }  # fmt: skip
    # The category follows the capaian: an amendment of its own, naming the one it was recomputed from.
    assert (category["isian"], category["teks_baru"], category["dihitung_ulang_dari"]) == (
        "category",
        "Tinggi",
        row["id"],
    )


def test_cycles_come_with_their_step_runs(client, world):
    (cycle,) = call(client, "api:cycles", world["boyolali"], organisasi="andong").json()["results"]
    assert (cycle["tahun"], cycle["triwulan"], cycle["status"], cycle["periode"]) == (2026, 3, "selesai", "TW III 2026")
    assert [(r["langkah"], r["realisasi_menit"], r["target_menit"], r["terlambat"]) for r in cycle["langkah"]] == [
        (1, 45, 60, False)
    ]


def test_indicators_come_with_their_targets(client, klego_data, world):
    rows = every_row(client, "api:indicators", world["klego"], kode="IKU-01")
    (row,) = rows
    annual = [t for t in row["target"] if t["tahun"] == 2026 and t["triwulan"] is None]
    assert row["iku"] is True and len(annual) == 1
    from kinerja.models import Target

    stored = Target.objects.get(indicator__organisation=klego_data.org, indicator__code="IKU-01", year=2026,
                                quarter__isnull=True)  # fmt: skip
    assert Decimal(annual[0]["nilai"]) == stored.value


def test_numbers_are_exact_decimal_text():
    from kinerja.api.serializers import decimal_text

    assert [decimal_text(Decimal(v)) for v in ("97.5000", "100.0000", "0.0001", "1234567.8900", "-3")] == [
        "97.5", "100", "0.0001", "1234567.89", "-3",
    ]  # fmt: skip


def test_an_unknown_or_malformed_parameter_is_refused_not_ignored(client, world):
    response = call(client, "api:records", world["klego"], tahn="2026")
    assert response.status_code == 400 and "Parameter tidak dikenal: tahn" in response.json()["detail"]
    for name, value in (("tahun", "dua ribu"), ("tahun", "99999"), ("triwulan", "5"), ("iku", "ya")):
        response = call(client, "api:records", world["klego"], **{name: value})
        assert response.status_code == 400, (name, value)
        assert f"Parameter {name}" in response.json()["detail"]
    assert call(client, "api:cycles", world["klego"], status="hampir").status_code == 400
    assert call(client, "api:records", world["klego"], halaman="99").status_code == 404


def test_the_annual_period_is_asked_with_quarter_zero(client, world):
    filed(world["andong"], "IKU-02", "60", quarter=None)
    rows = every_row(client, "api:records", world["boyolali"], triwulan=0)
    assert [(r["organisasi"], r["kode"], r["triwulan"]) for r in rows] == [("andong", "IKU-02", None)]


def test_no_token_an_unknown_one_and_a_revoked_one_are_refused_alike(client, klego_data, world):
    _token, revoked = make_token(organisation=klego_data.org, revoked=True)
    assert call(client, "api:records").status_code == 401
    unknown = call(client, "api:records", "skk_" + "x" * 43)
    refused = call(client, "api:records", revoked)
    assert unknown.status_code == refused.status_code == 401
    assert unknown.json() == refused.json() == {"detail": "Token tidak dikenal atau sudah dicabut."}
    assert refused["WWW-Authenticate"] == 'Bearer realm="api"'
    assert ApiCall.objects.filter(token=_token, status=401).count() == 1  # the revoked token's call is logged


def test_a_signed_in_session_does_not_open_the_api(client, klego_data, world):
    client.force_login(klego_data.kasubag)
    assert call(client, "api:records").status_code == 401


def test_the_api_takes_no_post_even_with_a_token(client, world):
    for name in ENDPOINTS:
        response = client.post(reverse(name), {}, HTTP_AUTHORIZATION=f"Bearer {world['klego']}")
        assert response.status_code == 405, name


def test_a_token_is_stored_only_as_its_hash(klego_data):
    token, key = make_token(organisation=klego_data.org)
    stored = json.dumps(list(ApiToken.objects.values()), default=str) + json.dumps(
        list(ApiToken.history.values()), default=str
    )
    assert key not in stored and key[12:] not in stored
    assert re.fullmatch(r"skk_[A-Za-z0-9_-]{43}", key) and token.prefix == key[:12]
    assert re.fullmatch(r"[0-9a-f]{64}", token.key_hash)


def test_every_call_is_logged_and_moves_the_tokens_last_use(client, klego_data, world):
    from kinerja.models import DataMark

    token = ApiToken.objects.get(organisation=klego_data.org)
    assert token.last_used_at is None
    marks = sorted(DataMark.objects.values_list("scope", "value"))
    call(client, "api:records", world["klego"], tahun=2026)
    call(client, "api:records", world["klego"], tahun="x")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert list(ApiCall.objects.filter(token=token).order_by("pk").values_list("path", "query", "status")) == [
        ("/api/v1/data-kinerja/", "tahun=2026", 200),
        ("/api/v1/data-kinerja/", "tahun=x", 400),
    ]
    assert ApiToken.history.filter(id=token.pk).count() == 1  # a call writes no history row
    assert sorted(DataMark.objects.values_list("scope", "value")) == marks  # and empties nobody's kept pages


def test_calls_beyond_the_rate_are_refused_and_logged(client, world, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api_token": "3/minute"})
    cache.clear()
    answers = [call(client, "api:organisations", world["klego"]).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert call(client, "api:organisations", world["boyolali"]).status_code == 200  # counted per token
    assert ApiCall.objects.filter(status=429).count() == 2


def test_the_openapi_description_validates_and_names_every_endpoint(client, db):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    spec = json.loads(response.content)
    validate(spec)
    assert set(spec["paths"]) == {
        "/api/v1/organisasi/", "/api/v1/indikator/", "/api/v1/siklus/", "/api/v1/data-kinerja/", "/api/v1/amandemen/",
    }  # fmt: skip
    assert spec["components"]["securitySchemes"]["token"] == {
        "type": "http", "scheme": "bearer", "description": "Token API dari administrator (skk_…).",
    }  # fmt: skip
    parameters = {p["name"] for p in spec["paths"]["/api/v1/data-kinerja/"]["get"]["parameters"]}
    assert parameters == {"organisasi", "tahun", "triwulan", "kode", "iku", "halaman", "per_halaman"}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_each_endpoint_runs_as_many_queries_for_many_rows_as_for_few(
    client, world, name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert call(client, name, world["boyolali"]).status_code == 200
        return len(queries)

    few = count()
    for label in ("Banyudono", "Cepogo", "Juwangi"):
        organisation = kecamatan(world["andong"].kabupaten, label)
        record = filed(organisation, "IKU-01", "70")
        closed_run(record.cycle, 1, 30)
        closed_run(record.cycle, 4, 30)
        by = PositionFactory(organisation=organisation, role=Role.KASUBAG).user
        filing.amend(record, by=by, field="capaian", raw="71", reason="Uji", approver="Camat")
    assert count() == few, name


# Made and revoked in the admin -----------------------------------------------------------------------


def test_a_kecamatan_administrator_makes_a_token_for_their_kecamatan_and_sees_it_once(client, klego_data, world):
    client.force_login(klego_data.admin)
    response = client.post(
        reverse("admin:kinerja_apitoken_add"),
        {"name": "Dasbor Bagian Organisasi", "organisation": klego_data.org.pk,
         "kabupaten": klego_data.org.kabupaten_id},  # a kabupaten scope is not theirs to give: ignored
    )  # fmt: skip
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = re.search(r'value="(skk_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(name="Dasbor Bagian Organisasi")
    assert (token.organisation, token.kabupaten, token.created_by) == (klego_data.org, None, klego_data.admin)
    assert {r["organisasi"] for r in every_row(client, "api:records", key)} == {"klego"}
    page = client.get(reverse("admin:kinerja_apitoken_change", args=[token.pk])).content.decode()
    assert key not in page and token.prefix in page  # shown once, then only its prefix


def test_a_kecamatan_administrator_cannot_make_or_see_a_kabupaten_token(client, klego_data, world):
    client.force_login(klego_data.admin)
    before = ApiToken.objects.count()
    response = client.post(
        reverse("admin:kinerja_apitoken_add"), {"name": "Semua", "kabupaten": klego_data.org.kabupaten_id}
    )
    assert ApiToken.objects.count() == before
    assert "Pilih satu cakupan" in response.content.decode()
    listed = client.get(reverse("admin:kinerja_apitoken_changelist")).content.decode()
    kabupaten_tokens = ApiToken.objects.filter(kabupaten__isnull=False)
    assert kabupaten_tokens.count() == 2 and not any(t.prefix in listed for t in kabupaten_tokens)
    other = ApiToken.objects.get(kabupaten__code="klaten")
    assert client.get(reverse("admin:kinerja_apitoken_change", args=[other.pk])).status_code == 302


def test_a_revoked_token_is_refused_at_once_and_its_revocation_is_in_the_history(client, klego_data, world):
    token = ApiToken.objects.get(organisation=klego_data.org)
    assert call(client, "api:organisations", world["klego"]).status_code == 200
    client.force_login(klego_data.admin)
    client.post(reverse("admin:kinerja_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    client.logout()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == klego_data.admin
    assert token.history.first().revoked_at is not None
    assert call(client, "api:organisations", world["klego"]).status_code == 401
    assert client.post(reverse("admin:kinerja_apitoken_delete", args=[token.pk]), {"post": "yes"}).status_code == 302
    assert ApiToken.objects.filter(pk=token.pk).exists()  # never deleted: its calls stay


def test_a_token_whose_scope_would_be_both_or_neither_is_refused(klego_data):
    from django.core.exceptions import ValidationError

    token = ApiToken(name="x", organisation=klego_data.org, kabupaten=klego_data.org.kabupaten)
    with pytest.raises(ValidationError):
        token.clean()
    token.organisation = token.kabupaten = None
    with pytest.raises(ValidationError):
        token.clean()
