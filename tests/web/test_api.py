"""The JSON API end to end: real app, real database, real files, real blob store."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from archive.db import utcnow
from archive.models import Document, Rol, Zaak
from archive.users import create_token, revoke_token
from tests import corpus, factories

PROBLEM = "application/problem+json"


def _commit(db) -> None:
    """Release the test's SAVEPOINT so a refused request (rollback) keeps the test data."""
    db.commit()


@pytest.fixture
def token(db, world) -> str:
    _token, secret = create_token(db, None, world.medewerker, "test", None)
    _commit(db)
    return secret


@pytest.fixture
def auth(token) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def zaak(db, world):
    made = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    _commit(db)
    return made


def _zaak_body(world, **overrides) -> dict:
    body = {
        "zaaktype": world.zaaktype.identificatie,
        "afdeling": world.afdeling.code,
        "omschrijving": "Melding overlast",
        "toelichting": "Via de API",
        "startdatum": date.today().isoformat(),
        "vertrouwelijkheidaanduiding": "vertrouwelijk",
    }
    body.update(overrides)
    return body


def _assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    return body


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


# --- authentication ----------------------------------------------------------------------


def test_no_token_is_401_problem_with_challenge(client):
    response = client.get("/api/v1/zaken")
    body = _assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in body["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer dh_onbekend", "Basic dXNlcjpwdw==", "Bearer " + "x" * 5000, "Token abc"],
)
def test_malformed_or_unknown_tokens_are_401(client, header):
    response = client.get("/api/v1/zaken", headers={"Authorization": header})
    _assert_problem(response, 401)
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_revoked_token_is_401(client, db, world):
    token, secret = create_token(db, None, world.medewerker, "weg", None)
    revoke_token(db, None, token.id)
    _commit(db)
    response = client.get("/api/v1/zaken", headers={"Authorization": f"Bearer {secret}"})
    _assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_expired_token_is_401(client, db, world):
    token, secret = create_token(
        db, None, world.medewerker, "kort", utcnow() + timedelta(minutes=5)
    )
    token.verloopt_op = utcnow() - timedelta(seconds=1)
    _commit(db)
    response = client.get("/api/v1/zaken", headers={"Authorization": f"Bearer {secret}"})
    _assert_problem(response, 401)


def test_inactive_user_token_is_401(client, db, world, token):
    world.medewerker.active = False
    _commit(db)
    response = client.get("/api/v1/zaken", headers={"Authorization": f"Bearer {token}"})
    _assert_problem(response, 401)


def test_web_session_cookie_is_not_api_authentication(client, world):
    login = client.post(
        "/login", data={"username": world.medewerker.username, "password": factories.PASSWORD}
    )
    assert login.status_code == 302
    _assert_problem(client.get("/api/v1/zaken"), 401)
    _assert_problem(client.post("/api/v1/zaken", json=_zaak_body(world)), 401)


def test_api_is_exempt_from_csrf(app, client, world, auth):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/zaken", json=_zaak_body(world), headers=auth)
    assert response.status_code == 201, response.get_json()
    # the web forms are still protected
    assert client.post("/login", data={"username": "x", "password": "y"}).status_code == 400


# --- zaken ---------------------------------------------------------------------------------


def test_create_zaak_returns_201_with_location_and_detail(client, world, auth, db):
    response = client.post("/api/v1/zaken", json=_zaak_body(world), headers=auth)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["identificatie"].startswith("ZAAK-")
    assert response.headers["Location"].endswith(f"/api/v1/zaken/{body['identificatie']}")
    assert body["zaaktype"] == world.zaaktype.identificatie
    assert body["afdeling"] == world.afdeling.code
    assert body["vertrouwelijkheidaanduiding"] == "vertrouwelijk"
    assert body["status"]["volgnummer"] == 1
    assert body["einddatum"] is None
    assert body["url"] == response.headers["Location"]
    assert db.scalar(select(Zaak).where(Zaak.identificatie == body["identificatie"]))

    detail = client.get(response.headers["Location"], headers=auth)
    assert detail.status_code == 200
    assert detail.get_json()["omschrijving"] == "Melding overlast"
    assert detail.get_json()["statussen"][0]["omschrijving"] == "Ontvangen"


def test_create_zaak_defaults_optional_fields(client, world, auth):
    body = {
        "zaaktype": world.zaaktype.identificatie,
        "afdeling": world.afdeling.code,
        "omschrijving": "Kort",
    }
    response = client.post("/api/v1/zaken", json=body, headers=auth)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["startdatum"] == date.today().isoformat()
    assert data["vertrouwelijkheidaanduiding"] == world.zaaktype.vertrouwelijkheidaanduiding


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"startdatum": "2026-13-45"}, "startdatum"),
        ({"vertrouwelijkheidaanduiding": "superheimelijk"}, "vertrouwelijkheidaanduiding"),
        ({"omschrijving": 42}, "omschrijving"),
        ({"omschrijving": ""}, "omschrijving"),
        ({"omschrijving": "x" * 201}, "omschrijving"),
        ({"omschrijving": "nul\x00byte"}, "omschrijving"),
        ({"zaaktype": "BESTAAT-NIET"}, "zaaktype"),
        ({"afdeling": "GEEN"}, "afdeling"),
        ({"zaaktype": None}, "zaaktype"),
        ({"startdatum": (date.today() + timedelta(days=3)).isoformat()}, "startdatum"),
        ({"onbekend_veld": 1}, "onbekend_veld"),
    ],
)
def test_create_zaak_bad_fields_are_422_with_field_messages(
    client, world, auth, db, overrides, field
):
    before = _count(db, Zaak)
    response = client.post("/api/v1/zaken", json=_zaak_body(world, **overrides), headers=auth)
    body = _assert_problem(response, 422)
    assert field in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert _count(db, Zaak) == before


def test_create_zaak_missing_fields_lists_each(client, auth):
    body = _assert_problem(client.post("/api/v1/zaken", json={}, headers=auth), 422)
    assert {"zaaktype", "afdeling", "omschrijving"} <= body["errors"].keys()
    assert body["errors"]["omschrijving"] == ["Dit veld is verplicht."]


@pytest.mark.parametrize("payload", ["[]", "[1, 2]", "42", '"tekst"', "null"])
def test_create_zaak_non_object_body_is_422(client, auth, payload):
    response = client.post(
        "/api/v1/zaken", data=payload, content_type="application/json", headers=auth
    )
    body = _assert_problem(response, 422)
    assert body["errors"]


def test_create_zaak_invalid_json_is_400_problem(client, auth):
    response = client.post(
        "/api/v1/zaken", data="{niet: json", content_type="application/json", headers=auth
    )
    _assert_problem(response, 400)


def test_auditor_may_not_create_zaak(client, db, world):
    _token, secret = create_token(db, None, world.auditor, "audit", None)
    _commit(db)
    response = client.post(
        "/api/v1/zaken", json=_zaak_body(world), headers={"Authorization": f"Bearer {secret}"}
    )
    _assert_problem(response, 403)


def test_list_zaken_paginates_with_count_and_links(client, db, world, auth):
    made = [
        factories.make_zaak(
            db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
        ).identificatie
        for _ in range(3)
    ]
    _commit(db)
    first = client.get("/api/v1/zaken?page_size=2", headers=auth)
    assert first.status_code == 200
    page1 = first.get_json()
    assert page1["count"] == 3
    assert page1["previous"] is None
    assert [z["identificatie"] for z in page1["results"]] == made[::-1][:2]
    assert page1["next"].startswith("http://localhost/api/v1/zaken?")
    assert "page=2" in page1["next"] and "page_size=2" in page1["next"]

    page2 = client.get(page1["next"], headers=auth).get_json()
    assert page2["count"] == 3
    assert [z["identificatie"] for z in page2["results"]] == [made[0]]
    assert page2["next"] is None
    assert "page=1" in page2["previous"]


def test_list_zaken_filters(client, db, world, auth):
    other_type = factories.make_zaaktype(db)
    open_zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    closed = factories.make_zaak(
        db, world.medewerker, zaaktype=other_type, afdeling=world.andere_afdeling
    )
    _commit(db)
    client.post(
        f"/api/v1/zaken/{closed.identificatie}/afsluiten",
        json={"resultaattype": "Toegekend"},
        headers=auth,
    )

    def ids(query: str) -> list[str]:
        response = client.get(f"/api/v1/zaken?{query}", headers=auth)
        assert response.status_code == 200, response.get_json()
        return [z["identificatie"] for z in response.get_json()["results"]]

    assert ids(f"zaaktype={other_type.identificatie}") == [closed.identificatie]
    assert ids(f"afdeling={world.afdeling.code}") == [open_zaak.identificatie]
    assert ids("open=true") == [open_zaak.identificatie]
    assert ids("open=false") == [closed.identificatie]
    assert ids("zaaktype=BESTAAT-NIET") == []
    next_link = client.get("/api/v1/zaken?open=true&page_size=1", headers=auth).get_json()
    assert next_link["next"] is None


def test_list_zaken_query_count_does_not_grow_with_zaken(client, db, world, auth):
    """N+1 guard: a page of many zaken costs as many queries as a page of one."""

    def make(n: int) -> None:
        for i in range(n):
            factories.make_zaak(
                db,
                world.medewerker,
                zaaktype=world.zaaktype,
                afdeling=world.afdeling if i % 2 else world.andere_afdeling,
                omschrijving=f"Zaak {i}",
            )
        _commit(db)

    def queries_for_list() -> int:
        db.expire_all()
        statements: list[str] = []

        def count_statement(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        bind = db.get_bind()
        sa_event.listen(bind, "before_cursor_execute", count_statement)
        try:
            response = client.get("/api/v1/zaken?page_size=50", headers=auth)
            assert response.status_code == 200
        finally:
            sa_event.remove(bind, "before_cursor_execute", count_statement)
        return len(statements)

    make(1)
    queries_for_list()
    few = queries_for_list()
    make(12)
    many = queries_for_list()
    assert many == few, (few, many)
    assert few <= 12


def test_the_list_shows_each_zaaks_current_status_and_url(client, db, world, auth):
    """The list joins only the latest status (``Zaak.laatste_status``); it must be the one
    the zaak's own page shows, also after the statuses went back and forth."""
    heen_en_weer, een = (
        factories.make_zaak(db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling)
        for _ in range(2)
    )
    _commit(db)
    for statustype in (2, 1, 2):
        url = f"/api/v1/zaken/{heen_en_weer.identificatie}/status"
        assert client.post(url, json={"statustype": statustype}, headers=auth).status_code == 201
    listed = {
        z["identificatie"]: z
        for z in client.get("/api/v1/zaken", headers=auth).get_json()["results"]
    }
    for zaak in (heen_en_weer, een):
        detail = client.get(listed[zaak.identificatie]["url"], headers=auth).get_json()
        assert listed[zaak.identificatie]["status"] == detail["status"]
        assert detail["url"] == listed[zaak.identificatie]["url"]
    assert listed[heen_en_weer.identificatie]["status"]["omschrijving"] == "In behandeling"
    assert listed[een.identificatie]["status"]["volgnummer"] == 1


def test_the_token_lookup_brings_the_rights_and_every_request_reads_them_afresh(client, db, world):
    """Memberships and grants come with the token (one statement fewer per request), are
    the same as read on their own, and a change shows at the next request."""
    from datetime import date, timedelta

    from archive import access, machtigingen
    from archive.users import user_for_token

    partner = factories.make_user(db)
    factories.make_member(db, world.andere_afdeling, partner, rol="lezen", clearance="intern")
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    regie = factories.make_user(db)
    factories.make_member(db, world.afdeling, regie, rol="regie", clearance="geheim")
    machtigingen.grant(
        db, regie, zaak, partner, reden="casus", verloopt_op=date.today() + timedelta(days=9)
    )
    _token, secret = create_token(db, None, partner, "test", None)
    _commit(db)

    db.info.clear()
    user = user_for_token(db, secret)
    remembered = access.toegang(user)
    db.info.clear()
    assert access.toegang(user) == remembered  # as read on its own
    assert remembered.afdelingen == {world.andere_afdeling.id: ("lezen", "intern")}
    assert set(remembered.zaken) == {zaak.id}

    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    auth = {"Authorization": f"Bearer {secret}"}
    sa_event.listen(db.get_bind(), "before_cursor_execute", seen)
    try:
        listed = client.get("/api/v1/zaken", headers=auth).get_json()
    finally:
        sa_event.remove(db.get_bind(), "before_cursor_execute", seen)
    assert zaak.identificatie in {z["identificatie"] for z in listed["results"]}
    assert len([s for s in statements if "afdeling_lid" in s and "api_token" in s]) == 1
    assert not [s for s in statements if "afdeling_lid" in s and "api_token" not in s]

    machtigingen.revoke(db, regie, _grant_of(db, partner).id)
    _commit(db)
    listed = client.get("/api/v1/zaken", headers=auth).get_json()
    assert zaak.identificatie not in {z["identificatie"] for z in listed["results"]}


def _grant_of(db, user):
    from archive.models import Machtiging

    return db.scalar(select(Machtiging).where(Machtiging.user_id == user.id))


@pytest.mark.parametrize("identificatie", ["ZAAK-2026-0000001", "a/b c?d#e%f", "é ü;=@", "x" * 80])
def test_api_urls_are_those_of_url_for(app, identificatie):
    """The URL pattern cached per request quotes as werkzeug does."""
    from flask import url_for

    from web.api.schemas import _url

    with app.test_request_context("/api/v1/zaken"):
        for endpoint in ("zaken.ZaakDetail", "documenten.DocumentInhoud"):
            expected = url_for(endpoint, identificatie=identificatie, _external=True)
            assert _url(endpoint, identificatie=identificatie) == expected
            assert _url(endpoint, identificatie=identificatie) == expected  # from the cache
        # a value that is not in the path goes into the query string, quoted as such
        expected = url_for("zaken.ZaakCollection", page=identificatie, _external=True)
        assert _url("zaken.ZaakCollection", page=identificatie) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=99999999999999999999", "page"),
        ("page_size=1000", "page_size"),
        ("open=misschien", "open"),
    ],
)
def test_list_zaken_bad_query_is_422(client, auth, query, field):
    body = _assert_problem(client.get(f"/api/v1/zaken?{query}", headers=auth), 422)
    assert field in body["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/zaken/ZAAK-1999-999999",
        "/api/v1/zaken/ZAAK-1999-999999/betrokkenen",
        "/api/v1/zaken/ZAAK-1999-999999/documenten",
        "/api/v1/zaken/%00",
        "/api/v1/zaken/" + "A" * 300,
        "/api/v1/documenten/DOC-1999-999999",
        "/api/v1/documenten/DOC-1999-999999/inhoud",
        "/api/v1/documenten/%27%3B--",
    ],
)
def test_unknown_identificatie_is_404_problem(client, auth, path):
    body = _assert_problem(client.get(path, headers=auth), 404)
    assert "bestaat niet" in body["detail"]


def test_unknown_zaak_on_post_is_404(client, auth):
    response = client.post(
        "/api/v1/zaken/ZAAK-1999-999999/status", json={"statustype": 2}, headers=auth
    )
    _assert_problem(response, 404)


def test_unknown_route_under_api_is_problem(client, auth):
    _assert_problem(client.get("/api/v1/bestaat-niet", headers=auth), 404)
    _assert_problem(client.delete("/api/v1/zaken", headers=auth), 405)


# --- status and closing -----------------------------------------------------------------


def test_set_status_by_volgnummer_and_by_omschrijving(client, zaak, auth):
    url = f"/api/v1/zaken/{zaak.identificatie}/status"
    response = client.post(url, json={"statustype": 2, "toelichting": "Opgepakt"}, headers=auth)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"]["omschrijving"] == "In behandeling"
    assert body["status"]["toelichting"] == "Opgepakt"
    assert response.headers["Location"].endswith(f"/api/v1/zaken/{zaak.identificatie}")

    response = client.post(url, json={"statustype": "ontvangen"}, headers=auth)
    assert response.status_code == 201, response.get_json()
    assert [s["volgnummer"] for s in response.get_json()["statussen"]] == [1, 2, 1]


@pytest.mark.parametrize(
    "statustype", [3, "Afgehandeld", 9, "Bestaat niet", True, None, [], {"a": 1}, 0]
)
def test_set_status_refusals_are_422(client, zaak, auth, statustype):
    response = client.post(
        f"/api/v1/zaken/{zaak.identificatie}/status", json={"statustype": statustype}, headers=auth
    )
    body = _assert_problem(response, 422)
    assert "statustype" in body["errors"]


def test_close_zaak_then_changes_are_409(client, zaak, auth):
    url = f"/api/v1/zaken/{zaak.identificatie}"
    response = client.post(
        f"{url}/afsluiten",
        json={"resultaattype": "Toegekend", "toelichting": "Klaar"},
        headers=auth,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["einddatum"] == date.today().isoformat()
    assert body["resultaat"]["omschrijving"] == "Toegekend"
    assert body["status"]["omschrijving"] == "Afgehandeld"

    _assert_problem(client.post(f"{url}/status", json={"statustype": 2}, headers=auth), 409)
    again = client.post(f"{url}/afsluiten", json={"resultaattype": "Toegekend"}, headers=auth)
    _assert_problem(again, 409)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"resultaattype": "Onbekend"}, "resultaattype"),
        ({"resultaattype": "Toegekend", "einddatum": "gisteren"}, "einddatum"),
        ({"resultaattype": "Toegekend", "einddatum": "1990-01-01"}, "einddatum"),
        ({}, "resultaattype"),
    ],
)
def test_close_zaak_refusals_are_422(client, zaak, auth, body, field):
    response = client.post(f"/api/v1/zaken/{zaak.identificatie}/afsluiten", json=body, headers=auth)
    assert field in _assert_problem(response, 422)["errors"]


# --- betrokkenen ----------------------------------------------------------------------------


def test_add_and_list_betrokkenen(client, zaak, auth):
    url = f"/api/v1/zaken/{zaak.identificatie}/betrokkenen"
    persoon = {
        "type": "natuurlijk_persoon",
        "rol": "belanghebbende",
        "bsn": "111222333",
        "voornamen": "Jan",
        "geslachtsnaam": "Jansen",
        "geboortedatum": "1980-02-29",
    }
    response = client.post(url, json=persoon, headers=auth)
    assert response.status_code == 201, response.get_json()
    rol = response.get_json()
    assert rol["rol"] == "belanghebbende"
    assert rol["betrokkene"]["bsn"] == "111222333"
    assert rol["betrokkene"]["weergavenaam"] == "Jan Jansen"

    organisatie = {"type": "niet_natuurlijk_persoon", "rol": "initiator", "naam": "Woonstichting"}
    assert client.post(url, json=organisatie, headers=auth).status_code == 201

    listed = client.get(url, headers=auth)
    assert listed.status_code == 200
    assert [r["rol"] for r in listed.get_json()] == ["belanghebbende", "initiator"]

    _assert_problem(client.post(url, json=persoon, headers=auth), 409)


def test_add_betrokkene_in_a_roltype(client, db, world, zaak, auth):
    url = f"/api/v1/zaken/{zaak.identificatie}/betrokkenen"
    behandelaar, initiator = world.zaaktype.roltypen
    body = {"type": "niet_natuurlijk_persoon", "kvk_nummer": "12345678", "naam": "GGD"}
    response = client.post(url, json=body | {"roltype": "initiator"}, headers=auth)  # by name
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["rol"] == "initiator"
    assert response.get_json()["roltype"] == initiator.omschrijving
    response = client.post(url, json=body | {"roltype": behandelaar.id}, headers=auth)  # by id
    assert response.status_code == 201, response.get_json()
    rollen = db.scalars(select(Rol).where(Rol.zaak_id == zaak.id).order_by(Rol.id)).all()
    assert [r.roltype_id for r in rollen] == [initiator.id, behandelaar.id]
    _assert_problem(client.post(url, json=body | {"roltype": behandelaar.id}, headers=auth), 409)

    ander = factories.make_zaaktype(db).roltypen[0]
    _commit(db)
    for roltype in (ander.id, "Procesregie (gemeente)"):
        problem = _assert_problem(
            client.post(url, json=body | {"roltype": roltype}, headers=auth), 422
        )
        assert "Behandelaar" in problem["errors"]["roltype"][0]
    problem = _assert_problem(client.post(url, json=body, headers=auth), 422)  # neither
    assert "rol" in problem["errors"]
    problem = _assert_problem(
        client.post(url, json=body | {"roltype": initiator.id, "rol": "adviseur"}, headers=auth),
        422,
    )
    assert "rol" in problem["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "natuurlijk_persoon", "rol": "initiator", "bsn": "123456789"}, "bsn"),
        ({"type": "alien", "rol": "initiator", "naam": "X"}, "type"),
        ({"type": "natuurlijk_persoon", "rol": "koning", "geslachtsnaam": "X"}, "rol"),
        ({"type": "natuurlijk_persoon", "rol": "initiator"}, "geslachtsnaam"),
        ({"type": "niet_natuurlijk_persoon", "rol": "initiator", "naam": "x" * 301}, "naam"),
        ({"type": "niet_natuurlijk_persoon", "rol": "initiator", "kvk_nummer": "1"}, "kvk_nummer"),
        (
            {"type": "natuurlijk_persoon", "rol": "initiator", "geslachtsnaam": "A",
             "geboortedatum": "1980-02-30"},
            "geboortedatum",
        ),
    ],
)  # fmt: skip
def test_add_betrokkene_refusals_are_422(client, zaak, auth, body, field):
    response = client.post(
        f"/api/v1/zaken/{zaak.identificatie}/betrokkenen", json=body, headers=auth
    )
    assert field in _assert_problem(response, 422)["errors"]


# --- catalogue -------------------------------------------------------------------------


def test_catalogue_lists(client, world, auth):
    zaaktypen = client.get("/api/v1/zaaktypen", headers=auth).get_json()
    mine = next(z for z in zaaktypen if z["identificatie"] == world.zaaktype.identificatie)
    assert [s["omschrijving"] for s in mine["statustypen"]] == [
        "Ontvangen",
        "In behandeling",
        "Afgehandeld",
    ]
    iots = client.get("/api/v1/informatieobjecttypen", headers=auth).get_json()
    assert world.iot.omschrijving in [i["omschrijving"] for i in iots]
    afdelingen = client.get("/api/v1/afdelingen", headers=auth).get_json()
    assert {world.afdeling.code, world.andere_afdeling.code} <= {a["code"] for a in afdelingen}


# --- documents ------------------------------------------------------------------------------


def _upload(client, zaak, auth, data: bytes, filename: str, iot, **fields):
    """POST a multipart body encoded in memory (the test client spools big ones to a
    temporary file it never closes, which strict warnings turn into an error)."""
    form = {
        "bestand": FileStorage(io.BytesIO(data), filename=filename),
        "titel": "Brief",
        "informatieobjecttype": iot.omschrijving,
        "vertrouwelijkheidaanduiding": "vertrouwelijk",
        "richting": "inkomend",
    }
    form.update(fields)
    boundary, body = encode_multipart(form)
    return client.post(
        f"/api/v1/zaken/{zaak.identificatie}/documenten",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=auth,
    )


def _download(client, url: str, headers: dict):
    """GET a download and close it (the body is a file from the blob store)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def _tmp_files(settings) -> list:
    tmp = settings.data_dir / "tmp"
    return list(tmp.iterdir()) if tmp.exists() else []


def test_file_pdf_and_download_byte_identical(client, zaak, world, auth, tmp_path, settings):
    pdf = corpus.normal_pdf(tmp_path / "brief.pdf", text="Geachte heer, betreft uw melding")
    data = pdf.read_bytes()
    response = _upload(client, zaak, auth, data, "brief.pdf", world.iot, auteur="Team Wijk")
    assert response.status_code == 201, response.get_json()
    doc = response.get_json()
    assert doc["identificatie"].startswith("DOC-")
    assert response.headers["Location"].endswith(f"/api/v1/documenten/{doc['identificatie']}")
    assert doc["titel"] == "Brief"
    assert doc["auteur"] == "Team Wijk"
    assert doc["vertrouwelijkheidaanduiding"] == "vertrouwelijk"
    assert doc["zaken"] == [zaak.identificatie]
    assert doc["bijlagen"] == []
    versie = doc["versies"][0]
    sha = hashlib.sha256(data).hexdigest()
    assert versie["sha256"] == sha
    assert versie["formaat"] == "application/pdf"
    assert versie["bestandsomvang"] == len(data)
    assert _tmp_files(settings) == []

    detail = client.get(f"/api/v1/documenten/{doc['identificatie']}", headers=auth)
    assert detail.status_code == 200
    assert detail.get_json()["versies"][0]["sha256"] == sha

    listed = client.get(f"/api/v1/zaken/{zaak.identificatie}/documenten", headers=auth)
    assert [d["identificatie"] for d in listed.get_json()] == [doc["identificatie"]]

    content = _download(client, doc["inhoud"], auth)
    assert content.status_code == 200
    assert content.data == data
    assert content.mimetype == "application/pdf"
    assert content.headers["Content-Disposition"].startswith("attachment")
    assert "brief.pdf" in content.headers["Content-Disposition"]
    assert content.headers["X-Content-Type-Options"] == "nosniff"
    assert content.headers["ETag"].strip('"') == sha
    assert "no-store" in content.headers["Cache-Control"]

    versioned = _download(client, f"{doc['url']}/inhoud?versie=1", auth)
    assert versioned.data == data
    not_modified = _download(
        client, doc["inhoud"], {**auth, "If-None-Match": content.headers["ETag"]}
    )
    assert not_modified.status_code == 304
    _assert_problem(client.get(f"{doc['url']}/inhoud?versie=2", headers=auth), 404)
    _assert_problem(client.get(f"{doc['url']}/inhoud?versie=nul", headers=auth), 422)
    _assert_problem(client.get(doc["inhoud"]), 401)


def test_file_email_with_attachments(client, zaak, world, auth, tmp_path):
    pdf_bytes = corpus.normal_pdf(tmp_path / "bijlage.pdf", text="Bijlage een").read_bytes()
    docx_bytes = corpus.docx(tmp_path / "verslag.docx", text="Verslag").read_bytes()
    eml = corpus.eml_with_attachments(
        tmp_path / "melding.eml",
        attachments=[
            ("bijlage.pdf", pdf_bytes, "application/pdf"),
            (
                "verslag.docx",
                docx_bytes,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
        ],
    )
    data = eml.read_bytes()
    response = _upload(client, zaak, auth, data, "melding.eml", world.iot, titel="")
    assert response.status_code == 201, response.get_json()
    doc = response.get_json()
    assert doc["titel"] == "Melding overlast Dorpsstraat"
    assert len(doc["bijlagen"]) == 2
    assert {b["bijlage_van"] for b in doc["bijlagen"]} == {doc["identificatie"]}
    assert doc["geweigerde_bijlagen"] == []

    assert _download(client, doc["inhoud"], auth).data == data
    by_name = {b["versies"][0]["bestandsnaam"]: b for b in doc["bijlagen"]}
    assert _download(client, by_name["bijlage.pdf"]["inhoud"], auth).data == pdf_bytes
    assert _download(client, by_name["verslag.docx"]["inhoud"], auth).data == docx_bytes

    listed = client.get(f"/api/v1/zaken/{zaak.identificatie}/documenten", headers=auth).get_json()
    assert len(listed) == 3


def test_png_named_pdf_is_refused_and_nothing_stored(
    client, zaak, world, auth, tmp_path, db, store, settings
):
    data = corpus.png(tmp_path / "plaatje.png").read_bytes()
    response = _upload(client, zaak, auth, data, "scan.pdf", world.iot)
    body = _assert_problem(response, 422)
    assert body["errors"]["bestand"]
    assert body["detail"] == body["errors"]["bestand"][0]
    assert _count(db, Document) == 0
    assert list(store.iter_hashes()) == []
    assert _tmp_files(settings) == []


def test_oversized_upload_is_413(client, zaak, world, auth, tmp_path, db, store, settings):
    big = corpus.oversized(tmp_path / "groot.txt", settings.max_upload_bytes + 1)
    response = _upload(client, zaak, auth, big.read_bytes(), "groot.txt", world.iot)
    body = _assert_problem(response, 413)
    assert "bestand" in body["errors"]
    assert _count(db, Document) == 0
    assert list(store.iter_hashes()) == []
    assert _tmp_files(settings) == []


def test_request_over_content_length_limit_is_413_problem(app, client, zaak, world, auth):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = _upload(client, zaak, auth, b"x" * 5000, "groot.txt", world.iot)
    _assert_problem(response, 413)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"informatieobjecttype": "Bestaat niet"}, "informatieobjecttype"),
        ({"informatieobjecttype": "999999"}, "informatieobjecttype"),
        ({"vertrouwelijkheidaanduiding": "superheimelijk"}, "vertrouwelijkheidaanduiding"),
        ({"richting": "zijwaarts"}, "richting"),
        ({"ontvangstdatum": "2026-13-45"}, "ontvangstdatum"),
        ({"status": "gearchiveerd"}, "status"),
        ({"titel": "t" * 301}, "titel"),
    ],
)
def test_file_document_bad_fields_are_422(client, zaak, world, auth, tmp_path, db, fields, field):
    data = corpus.normal_pdf(tmp_path / "brief.pdf").read_bytes()
    response = _upload(client, zaak, auth, data, "brief.pdf", world.iot, **fields)
    assert field in _assert_problem(response, 422)["errors"]
    assert _count(db, Document) == 0


def test_file_document_without_file_is_422(client, zaak, world, auth):
    response = client.post(
        f"/api/v1/zaken/{zaak.identificatie}/documenten",
        data={"titel": "Zonder bestand", "informatieobjecttype": world.iot.omschrijving},
        content_type="multipart/form-data",
        headers=auth,
    )
    assert "bestand" in _assert_problem(response, 422)["errors"]


def test_file_document_into_closed_zaak_is_409(client, zaak, world, auth, tmp_path, db):
    closed = client.post(
        f"/api/v1/zaken/{zaak.identificatie}/afsluiten",
        json={"resultaattype": "Afgewezen"},
        headers=auth,
    )
    assert closed.status_code == 200
    data = corpus.normal_pdf(tmp_path / "brief.pdf").read_bytes()
    _assert_problem(_upload(client, zaak, auth, data, "brief.pdf", world.iot), 409)
    assert _count(db, Document) == 0


def test_hostile_filename_is_served_safely(client, zaak, world, auth, tmp_path):
    data = corpus.normal_pdf(tmp_path / "brief.pdf").read_bytes()
    name = '../../etc/passwd"\r\nX-Injected: 1;.pdf'
    response = _upload(client, zaak, auth, data, name, world.iot)
    assert response.status_code == 201, response.get_json()
    download = _download(client, response.get_json()["inhoud"], auth)
    assert download.data == data
    assert "X-Injected" not in download.headers
    disposition = download.headers["Content-Disposition"]
    assert (
        disposition.startswith("attachment") and "/" not in disposition and "\r" not in disposition
    )


def test_file_document_by_iot_id(client, zaak, world, auth, tmp_path):
    data = corpus.normal_pdf(tmp_path / "brief.pdf").read_bytes()
    response = _upload(
        client, zaak, auth, data, "brief.pdf", world.iot, informatieobjecttype=str(world.iot.id)
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["informatieobjecttype"] == world.iot.omschrijving


# --- OpenAPI --------------------------------------------------------------------------------


def test_openapi_document_is_valid_and_complete(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    expected = {
        "/api/v1/zaken": {"get", "post"},
        "/api/v1/zaken/{identificatie}": {"get"},
        "/api/v1/zaken/{identificatie}/status": {"post"},
        "/api/v1/zaken/{identificatie}/afsluiten": {"post"},
        "/api/v1/zaken/{identificatie}/betrokkenen": {"get", "post"},
        "/api/v1/zaken/{identificatie}/documenten": {"get", "post"},
        "/api/v1/documenten/{identificatie}": {"get"},
        "/api/v1/documenten/{identificatie}/inhoud": {"get"},
        "/api/v1/zaaktypen": {"get"},
        "/api/v1/informatieobjecttypen": {"get"},
        "/api/v1/afdelingen": {"get"},
    }
    paths = spec["paths"]
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Een API-token (dossierhuis token create).",
    }
    assert spec["security"] == [{"bearerAuth": []}]
    upload = paths["/api/v1/zaken/{identificatie}/documenten"]["post"]["requestBody"]
    form = upload["content"]["multipart/form-data"]["schema"]
    assert "$ref" in form or "properties" in form
    create = paths["/api/v1/zaken"]["post"]
    assert "201" in create["responses"] and "422" in create["responses"]
    problem = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert PROBLEM in problem
    every_op = [op for item in paths.values() for op in item.values() if isinstance(op, dict)]
    assert all("401" in op["responses"] for op in every_op)


# --- fuzzing ---------------------------------------------------------------------------------

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
)


def _containers(inner):
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


_json_values = st.recursive(_json_scalars, _containers, max_leaves=6)


@hsettings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())  # fmt: skip
def test_fuzz_create_zaak_never_500(client, world, auth, data):
    good = {
        "zaaktype": st.just(world.zaaktype.identificatie),
        "afdeling": st.just(world.afdeling.code),
        "omschrijving": st.text(min_size=1, max_size=250),
        "toelichting": st.text(max_size=100) | st.none(),
        "startdatum": st.dates(max_value=date.today()).map(date.isoformat) | st.text(max_size=12),
        "vertrouwelijkheidaanduiding": st.sampled_from(["openbaar", "geheim", "intern"]),
    }
    shape = data.draw(st.sampled_from(["goed", "goed", "deels fout", "vrij", "willekeurig"]))
    if shape == "vrij":
        body = data.draw(st.dictionaries(st.text(max_size=10), _json_values, max_size=4))
    elif shape == "willekeurig":
        body = data.draw(_json_values)
    else:
        # well-formed bodies (so zaken really get created) with a few fields replaced by
        # any JSON value or left out
        broken = set()
        if shape == "deels fout":
            broken = data.draw(st.sets(st.sampled_from(sorted(good)), min_size=1, max_size=3))
        body = {}
        for name, strategy in good.items():
            if name in broken:
                value = data.draw(st.one_of(st.just(None), _json_values, st.just("<weg>")))
                if value != "<weg>":
                    body[name] = value
            else:
                body[name] = data.draw(strategy)
    response = client.post(
        "/api/v1/zaken",
        data=json.dumps(body),
        content_type="application/json",
        headers=auth,
    )
    event(f"status {response.status_code}")
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code != 201:
        assert 400 <= response.status_code < 500
        assert response.mimetype == PROBLEM
        assert response.get_json()["status"] == response.status_code
