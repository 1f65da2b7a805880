"""Security of every path: IDOR, XSS, fuzzed API input, the access log, headers, bad input
and CSRF. Routes are taken from the app's URL map where possible, so new ones are covered."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from archive import toegangslog
from archive import zaken as zaken_service
from archive.afdelingen import close, report_csv, report_rows
from archive.audit import AuditEvent
from archive.models import Document, Machtiging, ToegangslogRegel, Zaak
from archive.users import create_token
from tests import corpus, factories
from tests.web.test_route_coverage import (
    _RULES,
    build_scene,
    build_url,
    kind_of,
    login,
)
from zaaktypen.afdelingen import start_closing

PROBLEM = "application/problem+json"
PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
FUZZ = hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def scene(db, world, store, tmp_path):
    return build_scene(db, world, store, tmp_path)


def bearer(db, user) -> dict:
    _token, secret = create_token(db, None, user, "security", None)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def read(response) -> str:
    body = response.get_data().decode("utf-8", "replace")
    response.close()
    return body


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def neighbour(identificatie: str, delta: int) -> str:
    prefix, _, number = identificatie.rpartition("-")
    return f"{prefix}-{int(number) + delta:0{len(number)}d}"


# --- IDOR -----------------------------------------------------------------------------------

RECORD_RULES = sorted(
    (rule, method)
    for rule, r in _RULES.items()
    if r.endpoint != "static" and "<identificatie>" in rule and kind_of(rule) == "zaak"
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
    if method in r.methods
)


@pytest.mark.parametrize(
    ("rule", "method"), RECORD_RULES, ids=[f"{m} {r}" for r, m in RECORD_RULES]
)
def test_idor_hidden_and_absent_records_answer_identically(client, db, scene, rule, method):
    """The outsider probes the hidden record and its neighbours: all 404, and the answer
    for the hidden one is the answer for a missing one with only the URL's id changed."""
    w = scene.world
    hidden_url = build_url(rule, scene)
    hidden = (
        scene.document.identificatie
        if "/documenten/<identificatie>" in rule
        else scene.zaak.identificatie
    )
    api = rule.startswith("/api/")
    headers = bearer(db, w.buitenstaander) if api else {}
    if not api:
        login(client, w.buitenstaander)
    body_kw = ({"json": {}} if api else {"data": {}}) if method != "GET" else {}

    def probe(ident: str):
        response = client.open(
            hidden_url.replace(hidden, ident), method=method, headers=headers, **body_kw
        )
        # the language form's CSRF token is signed with a timestamp: not about the record
        body = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "csrf", read(response))
        return response.status_code, body, response.mimetype

    status, body, mimetype = probe(hidden)
    assert status == 404, body[:300]
    for delta in (-1, 1, 2, 10_000):
        other = neighbour(hidden, delta)
        o_status, o_body, o_mimetype = probe(other)
        assert o_status == 404
        assert o_mimetype == mimetype
        assert o_body.replace(other, hidden) == body
    for junk in (hidden.lower(), hidden + "%00", "9" * 40, "ZAAK-0-" + "9" * 30):
        assert probe(junk)[0] == 404
    if api:
        problem = json.loads(body)
        assert problem["title"] == "Niet gevonden" and problem["status"] == 404
        # only the URL is echoed: no zaaktype, omschrijving or department of the record
        assert scene.zaak.omschrijving not in body and scene.world.afdeling.code not in body


def test_idor_numeric_ids_of_parts_members_tokens_and_grants(client, db, scene):
    """Ids of another zaaktype's parts, non-members, other users' grants: 404, untouched."""
    w = scene.world
    other = factories.make_zaaktype(db)
    db.commit()
    foreign_part = other.statustypen[0]
    headers = bearer(db, w.beheerder)
    zt = scene.zaaktype
    base = f"/api/v1/zaaktypen/{zt.identificatie}/versies/{zt.versie}"
    for part_id in (foreign_part.id, foreign_part.id + 1000, 2**31 - 1):
        response = client.delete(f"{base}/statustypen/{part_id}", headers=headers)
        assert response.status_code in (404, 409), read(response)
    login(client, w.beheerder)
    for part_id in (foreign_part.id, foreign_part.id + 1000):
        response = client.post(
            f"/beheer/zaaktypen/{zt.identificatie}/{zt.versie}/statustype/{part_id}/verwijderen"
        )
        assert response.status_code in (404, 409), read(response)
    assert db.get(type(foreign_part), foreign_part.id) is not None
    # removing a user who is no member of the department: nothing to remove
    response = client.post(
        f"/beheer/afdelingen/{w.afdeling.code}/leden/{w.buitenstaander.id}/verwijderen"
    )
    assert response.status_code in (302, 404), read(response)
    # a grant is revoked only by whoever may manage it: the outsider gets 404 from the service
    from archive import machtigingen
    from archive.errors import NotFound

    for machtiging_id in (scene.machtiging.id, scene.machtiging.id + 1):
        with pytest.raises(NotFound):
            machtigingen.revoke(db, w.buitenstaander, machtiging_id)
    assert db.get(Machtiging, scene.machtiging.id).ingetrokken_op is None
    # a token id of someone else is not the outsider's to revoke
    from archive.errors import DomainError
    from archive.users import revoke_token

    with pytest.raises(DomainError):
        revoke_token(db, w.buitenstaander, scene.token.id)


def test_hidden_zaak_is_absent_from_lists_and_counts(client, db, scene):
    w = scene.world
    for user in (w.buitenstaander, w.lezer, w.beheerder):
        response = client.get("/api/v1/zaken", headers=bearer(db, user))
        body = response.get_json()
        assert scene.zaak.identificatie not in response.get_data(as_text=True)
        assert body["count"] == len(body["results"]) == 0
        login(client, user)
        page = read(client.get(f"/zaken?zoek={scene.zaak.identificatie}"))
        assert f"/zaken/{scene.zaak.identificatie}" not in page  # (the search box echoes it)


# --- XSS ------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """What a browser would make of the page: event-handler attributes and inline scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, _value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("inline <script>")


def injected(body: str) -> list[str]:
    parser = _Tags()
    parser.feed(body)
    found = parser.found
    if "<script>alert(1)" in body:
        found.append("raw <script>alert(1)")
    return found


UI_GET_RULES = sorted(
    rule
    for rule, r in _RULES.items()
    if "GET" in r.methods and not rule.startswith(("/api/", "/static")) and r.endpoint != "static"
)


def test_xss_payload_is_escaped_on_every_page(client, db, world, store, tmp_path):
    """The payload in every text a user can set; every UI page that can show it, for every
    kind of user, renders it escaped."""
    scene = build_scene(db, world, store, tmp_path, text=PAYLOAD)
    factories.make_afdeling(db, naam=PAYLOAD[:80])
    factories.make_iot(db, omschrijving=PAYLOAD[:80])
    # the texts build_scene cannot set through its services
    world.afdeling.doel = PAYLOAD
    world.afdeling.retentiebeleid = "blijvend_bewaren"
    world.afdeling.retentie_reden = PAYLOAD
    world.afdeling.retentie_besluit = PAYLOAD[:200]
    for part in (*scene.zaaktype.statustypen, *scene.zaaktype.roltypen):
        part.omschrijving = PAYLOAD[:80]
    scene.document.auteur = PAYLOAD[:200]
    scene.token.naam = PAYLOAD[:200]
    db.commit()
    pages_checked = 0
    for user in (world.medewerker, scene.regisseur, world.beheerder, world.auditor):
        login(client, user)
        for rule in UI_GET_RULES:
            if kind_of(rule) == "public" and rule != "/login":
                continue
            url = build_url(rule, scene)
            response = client.get(url)
            if response.mimetype != "text/html":
                read(response)
                continue
            body = read(response)
            assert not injected(body), f"{user.username} {url}: {injected(body)}"
            pages_checked += 1
    assert pages_checked > 20
    # and the medewerker really sees the payload (escaped) on the zaak page
    login(client, world.medewerker)
    page = read(client.get(f"/zaken/{scene.zaak.identificatie}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_xss_payload_on_error_and_form_pages(client, world):
    login(client, world.medewerker)
    for url in (f"/zaken/{PAYLOAD}", f"/documenten/{PAYLOAD}", f"/zaken?zoek={PAYLOAD}"):
        body = read(client.get(url))
        assert not injected(body), url
    response = client.post(
        "/zaken/nieuw",
        data={"omschrijving": PAYLOAD, "toelichting": PAYLOAD, "zaaktype": PAYLOAD},
    )
    body = read(response)
    assert 400 <= response.status_code < 500
    assert not injected(body)


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_closing_report_csv_neutralises_formulas(db, world):
    afdeling = world.andere_afdeling
    zaaktype = factories.make_zaaktype(db)
    zaaktype.omschrijving = FORMULAS[0]
    zaaktype.resultaattypen[0].omschrijving = FORMULAS[1]
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=zaaktype, afdeling=afdeling, omschrijving=FORMULAS[2]
    )
    zaken_service.close_zaak(
        db, world.medewerker, zaak, resultaattype_id=zaaktype.resultaattypen[0].id
    )
    start_closing(db, None, afdeling)
    close(db, None, afdeling)
    text = report_csv(report_rows(db, afdeling, world.medewerker))
    for cell in _cells(text):
        assert cell[:1] not in ("=", "+", "-", "@", "\t"), cell


def test_access_report_csv_neutralises_formulas(db, world, store, tmp_path):
    scene = build_scene(db, world, store, tmp_path)
    world.medewerker.naam = FORMULAS[0]
    zaken_service.get_zaak(db, world.medewerker, scene.zaak.identificatie, pad="ui")
    db.flush()
    rows = toegangslog.who_has_seen_person(db, world.auditor, "111222333")
    assert rows
    for cell in _cells(toegangslog.inzage_csv(rows)):
        assert cell[:1] not in ("=", "+", "-", "@", "\t"), cell


# --- fuzzing the API ------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=300),
    st.sampled_from(["", "\x00", "2024-02-30", "9999-99-99", "0", "-1", "1" * 400, PAYLOAD]),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)


def _body(fields: list[str]):
    known = st.dictionaries(st.sampled_from(fields), JSON_VALUES, max_size=len(fields))
    return st.one_of(known, JSON_VALUES)


def _assert_answer(response) -> None:
    assert response.status_code < 500, read(response)[:500]
    if response.status_code >= 400:
        assert response.mimetype == PROBLEM
        body = response.get_json()
        assert body["status"] == response.status_code and body["title"]
    read(response)


@pytest.fixture
def api(client, db, world):
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    headers = bearer(db, world.medewerker)
    return client, headers, zaak


BETROKKENE = [
    "type",
    "rol",
    "toelichting",
    "bsn",
    "kvk_nummer",
    "rsin",
    "identificatie",
    "voornamen",
    "voorvoegsel",
    "geslachtsnaam",
    "geboortedatum",
    "naam",
]


@FUZZ
@given(body=_body(BETROKKENE))
def test_fuzz_betrokkenen_post(api, body):
    client, headers, zaak = api
    url = f"/api/v1/zaken/{zaak.identificatie}/betrokkenen"
    _assert_answer(client.post(url, json=body, headers=headers))


@FUZZ
@given(body=_body(["statustype", "toelichting"]))
def test_fuzz_status_post(api, body):
    client, headers, zaak = api
    _assert_answer(
        client.post(f"/api/v1/zaken/{zaak.identificatie}/status", json=body, headers=headers)
    )


@FUZZ
@given(body=_body(["resultaattype", "toelichting", "einddatum"]))
def test_fuzz_afsluiten_post(api, body):
    client, headers, zaak = api
    _assert_answer(
        client.post(f"/api/v1/zaken/{zaak.identificatie}/afsluiten", json=body, headers=headers)
    )


@FUZZ
@given(body=_body(["eigenschappen"]))
def test_fuzz_eigenschappen_put(api, body):
    client, headers, zaak = api
    _assert_answer(
        client.put(f"/api/v1/zaken/{zaak.identificatie}/eigenschappen", json=body, headers=headers)
    )


@FUZZ
@given(
    body=_body(
        [
            "zaaktype",
            "afdeling",
            "omschrijving",
            "toelichting",
            "startdatum",
            "vertrouwelijkheidaanduiding",
            "eigenschappen",
        ]
    )
)
def test_fuzz_zaken_post(api, body):
    client, headers, _zaak = api
    _assert_answer(client.post("/api/v1/zaken", json=body, headers=headers))


MULTIPART_TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.sampled_from(["", "\x00", "intern", "geheim", "inkomend", "9" * 30, PAYLOAD]),
)


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(
            ["titel", "informatieobjecttype", "vertrouwelijkheidaanduiding", "richting", "auteur"]
        ),
        MULTIPART_TEXT,
        max_size=5,
    ),
    content=st.sampled_from([b"", b"%PDF-1.4 truncated", b"plain text\n", b"\x89PNG\r\n"]),
    filename=MULTIPART_TEXT,
    with_file=st.booleans(),
)
def test_fuzz_documenten_multipart_post(api, fields, content, filename, with_file):
    client, headers, zaak = api
    data = dict(fields)
    if with_file:
        data["bestand"] = (io.BytesIO(content), filename or "x")
    _assert_answer(
        client.post(
            f"/api/v1/zaken/{zaak.identificatie}/documenten",
            data=data,
            headers=headers,
            content_type="multipart/form-data",
        )
    )


@pytest.fixture
def beheer_api(client, db, world):
    return client, bearer(db, world.beheerder), world


@FUZZ
@given(
    body=_body(
        [
            "code",
            "naam",
            "virtueel",
            "doel",
            "startdatum",
            "geplande_einddatum",
            "vertrouwelijkheidaanduiding",
            "sjabloon",
            "leden",
            "generieke_zaaktypen",
            "retentiebeleid",
        ]
    )
)
def test_fuzz_afdelingen_post(beheer_api, body):
    client, headers, _world = beheer_api
    _assert_answer(client.post("/api/v1/afdelingen", json=body, headers=headers))


@FUZZ
@given(body=_body(["rol", "clearance"]), who=st.sampled_from(["lezer", "niemand", "x" * 90]))
def test_fuzz_afdeling_lid_put(beheer_api, body, who):
    client, headers, world = beheer_api
    username = world.lezer.username if who == "lezer" else who
    _assert_answer(
        client.put(
            f"/api/v1/afdelingen/{world.afdeling.code}/leden/{username}",
            json=body,
            headers=headers,
        )
    )


@FUZZ
@given(
    body=_body(
        [
            "identificatie",
            "omschrijving",
            "vertrouwelijkheidaanduiding",
            "doorlooptijd",
            "servicenorm",
            "trefwoorden",
            "afdeling",
            "datum_begin_geldigheid",
        ]
    ),
    path=st.sampled_from(["/api/v1/zaaktypen", "/api/v1/informatieobjecttypen"]),
)
def test_fuzz_catalogue_posts(beheer_api, body, path):
    client, headers, _world = beheer_api
    _assert_answer(client.post(path, json=body, headers=headers))


QUERY_TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "\x00", "true", "false", "1e9", "0x10", "NaN", "-0", "1" * 500]),
)


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["page", "page_size", "zaaktype", "afdeling", "open", "zoek", "x"]),
        QUERY_TEXT,
        max_size=5,
    ),
    path=st.sampled_from(
        [
            "/api/v1/zaken",
            "/api/v1/zaaktypen",
            "/api/v1/selectielijst",
            "/api/v1/afdelingen",
            "/api/v1/informatieobjecttypen",
        ]
    ),
)
def test_fuzz_list_query_parameters(api, query, path):
    client, headers, _zaak = api
    _assert_answer(client.get(path, query_string=query, headers=headers))


# --- the access log -------------------------------------------------------------------------


def _log_rows(db, object_id: str) -> list[ToegangslogRegel]:
    db.expire_all()
    return list(db.scalars(select(ToegangslogRegel).where(ToegangslogRegel.object_id == object_id)))


def test_access_log_for_confidential_views_and_downloads(client, db, scene):
    w = scene.world
    zaak_id, doc_id = scene.zaak.identificatie, scene.document.identificatie
    base_zaak, base_doc = len(_log_rows(db, zaak_id)), len(_log_rows(db, doc_id))

    login(client, w.medewerker)
    assert client.get(f"/zaken/{zaak_id}").status_code == 200
    rows = _log_rows(db, zaak_id)
    assert (
        len(rows) == base_zaak + 1 and rows[-1].pad == "ui" and rows[-1].user_id == w.medewerker.id
    )
    response = client.get(f"/documenten/{doc_id}/inhoud")
    assert response.status_code == 200
    read(response)
    rows = _log_rows(db, doc_id)
    assert len(rows) == base_doc + 1 and rows[-1].pad == "ui"

    headers = bearer(db, w.medewerker)
    assert client.get(f"/api/v1/zaken/{zaak_id}", headers=headers).status_code == 200
    rows = _log_rows(db, zaak_id)
    assert len(rows) == base_zaak + 2 and rows[-1].pad == "api"
    response = client.get(f"/api/v1/documenten/{doc_id}/inhoud", headers=headers)
    assert response.status_code == 200
    read(response)
    rows = _log_rows(db, doc_id)
    assert len(rows) == base_doc + 2 and rows[-1].pad == "api"

    # refused views leave no trace
    total = count(db, ToegangslogRegel)
    login(client, w.buitenstaander)
    for url in (f"/zaken/{zaak_id}", f"/documenten/{doc_id}", f"/documenten/{doc_id}/inhoud"):
        assert read_status(client.get(url)) == 404
    outsider = bearer(db, w.buitenstaander)
    for url in (
        f"/api/v1/zaken/{zaak_id}",
        f"/api/v1/documenten/{doc_id}",
        f"/api/v1/documenten/{doc_id}/inhoud",
        f"/api/v1/zaken/{zaak_id}/betrokkenen",
    ):
        assert read_status(client.get(url, headers=outsider)) == 404
    db.expire_all()
    assert count(db, ToegangslogRegel) == total


def read_status(response) -> int:
    read(response)
    return response.status_code


@pytest.mark.parametrize("level", ["openbaar", "intern"])
def test_no_access_log_for_public_records(client, db, world, store, tmp_path, level):
    zaaktype = factories.make_zaaktype(db, vertrouwelijkheidaanduiding=level)
    iot = factories.make_iot(db, vertrouwelijkheidaanduiding=level)
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=zaaktype,
        afdeling=world.afdeling,
        vertrouwelijkheidaanduiding=level,
    )
    pdf = corpus.normal_pdf(tmp_path / "open.pdf")
    doc = factories.file(
        db, world.medewerker, zaak, pdf, iot, store, vertrouwelijkheidaanduiding=level
    ).document
    db.commit()
    assert zaak.vertrouwelijkheidaanduiding == level and doc.vertrouwelijkheidaanduiding == level
    total = count(db, ToegangslogRegel)
    login(client, world.medewerker)
    headers = bearer(db, world.medewerker)
    for url in (f"/zaken/{zaak.identificatie}", f"/documenten/{doc.identificatie}/inhoud"):
        assert read_status(client.get(url)) == 200
    for url in (
        f"/api/v1/zaken/{zaak.identificatie}",
        f"/api/v1/documenten/{doc.identificatie}/inhoud",
    ):
        assert read_status(client.get(url, headers=headers)) == 200
    db.expire_all()
    assert count(db, ToegangslogRegel) == total


# --- security headers and cookies -----------------------------------------------------------


def _assert_headers(response, what: str) -> None:
    h = response.headers
    csp = h.get("Content-Security-Policy", "")
    assert csp, what
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what
    assert "frame-ancestors 'none'" in csp, f"{what}: {csp}"
    assert h.get("X-Content-Type-Options") == "nosniff", what
    assert h.get("Referrer-Policy"), what
    assert h.get("X-Frame-Options") == "DENY", what
    read(response)


def test_security_headers_on_every_kind_of_response(client, db, scene):
    w = scene.world
    zaak_id, doc_id = scene.zaak.identificatie, scene.document.identificatie
    _assert_headers(client.get("/login"), "login page")
    _assert_headers(client.get("/zaken"), "redirect to login")
    login(client, w.medewerker)
    _assert_headers(client.get("/zaken"), "html page")
    _assert_headers(client.get(f"/zaken/{zaak_id}"), "zaak page")
    _assert_headers(client.get("/zaken/BESTAAT-NIET"), "error page")
    _assert_headers(client.get("/beheer"), "403 page")
    download = client.get(f"/documenten/{doc_id}/inhoud")
    assert download.headers["Content-Disposition"].startswith("attachment")
    _assert_headers(download, "ui download")
    headers = bearer(db, w.medewerker)
    _assert_headers(client.get("/api/v1/zaken", headers=headers), "api json")
    _assert_headers(client.get("/api/v1/zaken/BESTAAT-NIET", headers=headers), "api problem")
    _assert_headers(client.get("/api/v1/zaken"), "api 401")
    download = client.get(f"/api/v1/documenten/{doc_id}/inhoud", headers=headers)
    assert download.headers["Content-Disposition"].startswith("attachment")
    _assert_headers(download, "api download")


def test_report_downloads_are_attachments_with_headers(client, db, world):
    afdeling = world.andere_afdeling
    start_closing(db, None, afdeling)
    close(db, None, afdeling)
    db.commit()
    login(client, world.beheerder)
    for formaat in ("csv", "pdf"):
        response = client.get(f"/beheer/afdelingen/{afdeling.code}/rapport.{formaat}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        _assert_headers(response, f"ui rapport {formaat}")
        response = client.get(
            f"/api/v1/afdelingen/{afdeling.code}/rapport",
            query_string={"formaat": formaat},
            headers=bearer(db, world.beheerder),
        )
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        _assert_headers(response, f"api rapport {formaat}")


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_flags(client, world):
    response = client.post(
        "/login", data={"username": world.medewerker.username, "password": factories.PASSWORD}
    )
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development unless configured


def test_session_expires_after_30_minutes(app, client, world, monkeypatch):
    """The signed session carries its time; the server refuses one older than the
    lifetime, whatever the browser does with the cookie's expiry."""
    import time

    client.post(
        "/login", data={"username": world.medewerker.username, "password": factories.PASSWORD}
    )
    assert client.get("/zaken").status_code == 200
    serializer = app.session_interface.get_signing_serializer(app)
    content = serializer.loads(client.get_cookie("session").value)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 31 * 60)
    stale = serializer.dumps(content)
    monkeypatch.setattr(time, "time", real_time)
    client.set_cookie("session", stale)
    response = client.get("/zaken")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    # the same content signed just now is still a valid session
    client.set_cookie("session", serializer.dumps(content))
    assert client.get("/zaken").status_code == 200


def test_session_cookie_secure_when_configured(db, settings, world):
    from dataclasses import replace

    from web.app import create_app

    app = create_app(
        replace(settings, session_cookie_secure=True),
        session_factory=lambda: db,
        close_sessions=False,
        testing=True,
    )
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": world.medewerker.username, "password": factories.PASSWORD},
        base_url="https://localhost",
    )
    cookie = _session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    taal = client.get("/taal?taal=en", base_url="https://localhost")
    assert any("Secure" in c for c in taal.headers.getlist("Set-Cookie"))


# --- bad input to UI forms ------------------------------------------------------------------

BAD_VALUES = {
    "datum": ["2024-13-45", "0000-00-00", "31-12-2024", "9" * 30, "2024-02-30\x00"],
    "getal": ["9" * 40, "-1", "1e999", "\x00", "0x10"],
    "tekst": ["a\x00b", "x" * 100_000, "\u202e\u0000"],
}


def _ui_cases(scene) -> list[tuple[str, dict, str]]:
    w = scene.world
    z = scene.zaak.identificatie
    zaak_nieuw = {
        "zaaktype": str(w.zaaktype.id),
        "afdeling": str(w.afdeling.id),
        "omschrijving": "Zaak",
        "vertrouwelijkheidaanduiding": "",
    }
    betrokkene = {
        "type": "natuurlijk_persoon",
        "rol": "belanghebbende",
        "bsn": "111222333",
        "geslachtsnaam": "Jansen",
    }
    status = {"statustype": str(scene.zaaktype.statustypen[1].id), "toelichting": ""}
    afsluiten = {"resultaattype": str(scene.zaaktype.resultaattypen[0].id)}
    cases = []
    for v in BAD_VALUES["datum"]:
        cases += [
            ("/zaken/nieuw", {**zaak_nieuw, "startdatum": v}, "startdatum"),
            (f"/zaken/{z}/betrokkenen/nieuw", {**betrokkene, "geboortedatum": v}, "geboortedatum"),
            (f"/zaken/{z}/afsluiten", {**afsluiten, "einddatum": v}, "einddatum"),
        ]
    for v in BAD_VALUES["getal"]:
        cases += [
            ("/zaken/nieuw", {**zaak_nieuw, "zaaktype": v}, "zaaktype"),
            ("/zaken/nieuw", {**zaak_nieuw, "afdeling": v}, "afdeling"),
            (f"/zaken/{z}/status", {**status, "statustype": v}, "statustype"),
            (f"/zaken/{z}/afsluiten", {**afsluiten, "resultaattype": v}, "resultaattype"),
            (
                f"/zaken/{z}/documenten/nieuw",
                {"informatieobjecttype": v, "rijen-0-informatieobjecttype": v},
                "",
            ),
        ]
    for v in BAD_VALUES["tekst"]:
        cases += [
            ("/zaken/nieuw", {**zaak_nieuw, "omschrijving": v}, "omschrijving"),
            ("/zaken/nieuw", {**zaak_nieuw, "toelichting": v}, "toelichting"),
            (f"/zaken/{z}/betrokkenen/nieuw", {**betrokkene, "geslachtsnaam": v}, "geslachtsnaam"),
            (f"/zaken/{z}/betrokkenen/nieuw", {**betrokkene, "bsn": v}, "bsn"),
            (f"/zaken/{z}/status", {**status, "toelichting": v}, "toelichting"),
            (f"/zaken/{z}/afsluiten", {**afsluiten, "toelichting": v}, "toelichting"),
            (f"/zaken/{z}/eigenschappen", {"Kenmerk": v, "eigenschap-Kenmerk": v}, ""),
            (f"/zaken/{z}/documenten/nieuw", {"rijen-0-titel": v}, ""),
        ]
    return cases


def test_bad_input_to_ui_forms_is_4xx_with_a_message_never_500(client, db, scene):
    login(client, scene.world.medewerker)
    problems = []
    for url, data, field in _ui_cases(scene):
        response = client.post(url, data=data)
        body = read(response)
        ok_status = 400 <= response.status_code < 500 or response.status_code == 302
        if response.status_code >= 500 or not ok_status:
            problems.append(f"{url} {field}={data.get(field)!r:.40}: {response.status_code}")
        elif response.status_code != 302 and "veld__fout" not in body and "fout" not in body:
            problems.append(f"{url} {field}: {response.status_code} without a field message")
        elif (
            response.status_code == 302
            and field
            and any("\x00" in str(v) or len(str(v)) > 10_000 for v in data.values())
        ):
            problems.append(f"{url} {field}: accepted {data.get(field)!r:.40}")
    assert not problems, "\n".join(problems)


# --- CSRF -----------------------------------------------------------------------------------

UI_POST_RULES = sorted(
    rule
    for rule, r in _RULES.items()
    if "POST" in r.methods and not rule.startswith("/api/") and r.endpoint != "static"
)


def _state(db) -> tuple:
    db.expire_all()
    return tuple(count(db, m) for m in (AuditEvent, Zaak, Document, Machtiging, ToegangslogRegel))


@pytest.mark.parametrize("rule", UI_POST_RULES)
def test_csrf_refuses_state_changing_posts_without_token(app, client, db, scene, rule):
    w = scene.world
    kind = kind_of(rule)
    user = {"beheer": w.beheerder, "audit": w.auditor}.get(kind, w.medewerker)
    if re.search(r"/(toegang|machtigingen)", rule):
        user = scene.regisseur
    login(client, user)
    before = _state(db)
    app.config["WTF_CSRF_ENABLED"] = True
    url = build_url(rule, scene)
    response = client.post(url, data={"omschrijving": "x", "naam": "x"})
    body = read(response)
    assert response.status_code == 400, f"{url}: {response.status_code} {body[:300]}"
    assert _state(db) == before
    app.config["WTF_CSRF_ENABLED"] = False
    # still logged in (a refused logout did not log out either)
    assert client.get("/zaken").status_code == 200


def test_grant_reden_and_expiry_are_enforced(db, scene):
    """A grant without a reason or beyond a year is refused (the form's field messages)."""
    from archive import machtigingen
    from archive.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        machtigingen.grant(
            db,
            scene.regisseur,
            scene.zaak,
            scene.world.lezer,
            reden=" ",
            verloopt_op=date.today() + timedelta(days=400),
        )
    assert set(exc.value.field_errors()) >= {"reden", "verloopt_op"}
