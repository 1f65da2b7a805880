"""The search surfaces: the results page, the person page and their API, access-filtered.

A real Whoosh index in the test's data directory (the app's own backend), filled from the
test database as the index worker would.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from archive.config import Settings
from archive.db import make_engine, make_session_factory, transaction
from archive.migrate import upgrade
from archive.models import ToegangslogRegel, User
from archive.users import create_token
from search import service
from search.worker import process_outbox, rebuild_from_database
from tests import factories
from tests.search.conftest import Builder
from tests.web.test_route_coverage import login
from tests.web.test_security import FUZZ, PAYLOAD, QUERY_TEXT, injected

BSN = "123456782"
ONTVANGEN = date(2020, 1, 15)  # doc_b: received long before the zaken were registered
PROBLEM = "application/problem+json"


@pytest.fixture
def backend(app):
    return app.extensions["dossierhuis.search"]


@pytest.fixture
def sync(db, backend):
    """Build the index from the database, then apply the outbox (what the worker does)."""
    rebuild_from_database(lambda: db, backend, close_sessions=False)

    def run() -> int:
        db.commit()
        return process_outbox(lambda: db, backend, close_sessions=False)

    return run


@pytest.fixture
def build(db, world, store, tmp_path) -> Builder:
    return Builder(db, world, store, tmp_path)


def page(client, **params) -> str:
    response = client.get("/zoeken", query_string=params)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def bearer(db, user) -> dict:
    _token, secret = create_token(db, None, user, "zoeken", None)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def api(client, db, user, path="/api/v1/zoeken", **params):
    return client.get(path, query_string=params, headers=bearer(db, user))


@dataclass
class TweeAfdelingen:
    """The same words in a zaak with a document in each department, and one person in
    both zaken."""

    zaak_a: object
    doc_a: object
    zaak_b: object
    doc_b: object
    persoon: object


@pytest.fixture
def twee(db, world, build, sync) -> TweeAfdelingen:
    zaak_a = build.zaak("Overlast Kerkstraat noord")
    doc_a = build.document(zaak_a, "melding over de kerkstraat", titel="Melding noord")
    zaak_b = build.zaak("Overlast Kerkstraat zuid", afdeling=world.andere_afdeling)
    doc_b = build.document(
        zaak_b, "melding over de kerkstraat", titel="Melding zuid", ontvangstdatum=ONTVANGEN
    )
    persoon = build.persoon(zaak_a, bsn=BSN, geslachtsnaam="Kerkhof")
    build.persoon(zaak_b, bsn=BSN, geslachtsnaam="Kerkhof")
    sync()
    return TweeAfdelingen(zaak_a, doc_a, zaak_b, doc_b, persoon)


# --- the search box and the results page -------------------------------------------------------


def test_search_box_in_the_header_for_logged_in_users_only(client, world):
    assert 'role="search"' not in client.get("/login").get_data(as_text=True)
    login(client, world.medewerker)
    body = client.get("/zaken").get_data(as_text=True)
    assert '<form class="kop__zoeken" method="get" action="/zoeken" role="search"' in body
    assert '<label class="visually-hidden" for="kop-zoekvraag">' in body
    assert 'id="kop-zoekvraag" name="q"' in body
    # the empty results page explains the query language and searches nothing
    body = page(client)
    assert "Zo zoekt u" in body and 'class="treffers"' not in body


def test_results_only_what_the_user_may_see(client, db, world, twee):
    a, b = twee.zaak_a.identificatie, twee.zaak_b.identificatie
    da, dbb = twee.doc_a.identificatie, twee.doc_b.identificatie

    login(client, world.medewerker)  # member of both departments
    body = page(client, q="kerkstraat")
    assert "4 resultaten" in body
    for ident in (a, b):
        assert f'href="/zaken/{ident}"' in body
    for ident in (da, dbb):
        assert f'href="/documenten/{ident}"' in body
    assert "<mark>kerkstraat</mark>" in body or "<mark>Kerkstraat</mark>" in body

    login(client, world.buitenstaander)  # only andere_afdeling
    body = page(client, q="kerkstraat")
    assert "2 resultaten" in body
    assert f'href="/zaken/{b}"' in body and f'href="/documenten/{dbb}"' in body
    assert a not in body and da not in body
    assert f"afdeling={world.afdeling.code}&" not in body
    assert f'afdeling={world.afdeling.code}"' not in body

    login(client, world.lezer)  # clearance intern: the zaakvertrouwelijk zaken are hidden
    body = page(client, q="kerkstraat")
    assert "0 resultaten" in body and "Niets gevonden dat u mag zien" in body
    assert a not in body and b not in body


def test_api_counts_and_facets_exclude_what_is_hidden(client, db, world, twee):
    def answer(user):
        response = api(client, db, user, q="kerkstraat")
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    alles = answer(world.medewerker)
    assert alles["count"] == 4
    assert {f["waarde"] for f in alles["facets"]["afdeling"]} == {
        world.afdeling.code,
        world.andere_afdeling.code,
    }
    buiten = answer(world.buitenstaander)
    assert buiten["count"] == len(buiten["results"]) == 2
    assert {r["identificatie"] for r in buiten["results"]} == {
        twee.zaak_b.identificatie,
        twee.doc_b.identificatie,
    }
    assert buiten["facets"]["afdeling"] == [
        {"waarde": world.andere_afdeling.code, "label": world.andere_afdeling.naam, "aantal": 2}
    ]
    assert [f["aantal"] for f in buiten["facets"]["zaaktype"]] == [2]
    assert sum(f["aantal"] for f in buiten["facets"]["informatieobjecttype"]) == 1
    lezer = answer(world.lezer)
    assert lezer["count"] == 0 and lezer["results"] == []
    assert all(values == [] for values in lezer["facets"].values())


def test_snippets_and_titles_are_escaped(client, db, world, build, sync):
    zaak = build.zaak(f"Zaak kwaadaardig {PAYLOAD}")
    build.document(zaak, f"kwaadaardig {PAYLOAD} kwaadaardig", titel=f"Kwaadaardig {PAYLOAD}")
    sync()
    login(client, world.medewerker)
    body = page(client, q="kwaadaardig")
    assert "2 resultaten" in body
    assert not injected(body), injected(body)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<mark>kwaadaardig</mark>" in body and "<mark>Kwaadaardig</mark>" in body
    # the query itself is echoed escaped too
    body = page(client, q=PAYLOAD)
    assert not injected(body), injected(body)
    # and in the API the snippet is plain text with segments, never HTML
    result = api(client, db, world.medewerker, q="kwaadaardig").get_json()
    [doc] = [r for r in result["results"] if r["type"] == "document"]
    assert "<mark>" not in doc["snippet"]["tekst"]
    assert {"tekst": "kwaadaardig", "gemarkeerd": True} in doc["snippet"]["segmenten"]
    assert "".join(s["tekst"] for s in doc["snippet"]["segmenten"]) == doc["snippet"]["tekst"]


def test_facet_links_type_filter_and_sorting(client, db, world, twee):
    login(client, world.medewerker)
    body = page(client, q="kerkstraat")
    code = world.andere_afdeling.code
    assert f'href="/zoeken?q=kerkstraat&amp;afdeling={code}"' in body
    assert world.andere_afdeling.naam in body and "(2<span" in body
    body = page(client, q="kerkstraat", afdeling=code)
    assert "2 resultaten" in body and twee.zaak_a.identificatie not in body
    assert "Gekozen filters" in body and 'aria-current="true"' in body
    # the chosen filter stays in the refine form
    assert f'<input type="hidden" name="afdeling" value="{code}">' in body
    body = page(client, q="kerkstraat", type="document")
    assert "2 resultaten" in body and "/zaken/ZAAK" not in body.split('class="treffers"')[1]
    body = page(client, q="kerkstraat", sortering="date")
    assert '<option value="date" selected>' in body


def test_pagination_of_the_results_page(client, db, world, build, sync, monkeypatch):
    from web.ui import zoeken

    monkeypatch.setattr(zoeken, "PER_PAGE", 2)
    zaak = build.zaak("Paginazaak")
    for n in range(3):
        build.document(zaak, f"bladzijdewoord nummer {n}", titel=f"Blad {n}")
    sync()
    login(client, world.medewerker)
    body = page(client, q="bladzijdewoord")
    assert "3 resultaten" in body and "Pagina 1 van 2" in body
    assert 'href="/zoeken?q=bladzijdewoord&amp;pagina=2" rel="next"' in body
    body = page(client, q="bladzijdewoord", pagina=2)
    assert "Pagina 2 van 2" in body and 'rel="prev"' in body and 'rel="next"' not in body
    assert '<ol class="treffers" start="3">' in body


def test_query_error_and_bad_dates_are_shown(client, world, sync):
    login(client, world.medewerker)
    body = page(client, q="datum:>morgen")
    assert 'role="alert"' in body and "De zoekvraag is niet te begrijpen" in body
    body = page(client, q="x", van="2024-13-01")
    assert 'role="alert"' in body and "geen geldige datum" in body
    body = page(client, q="x", van="2024-05-01", tot="2024-01-01")
    assert "ligt na de datum" in body


def test_search_while_the_index_is_missing_says_so(client, world, backend):
    backend.destroy()
    login(client, world.medewerker)
    body = page(client, q="iets")
    assert "De zoekindex wordt opgebouwd" in body


def test_confidential_hits_shown_are_in_the_access_log(client, db, world, build, sync):
    geheim = build.zaak("Geheimzinnige zaak", vertrouwelijkheidaanduiding="vertrouwelijk")
    doc = build.document(
        geheim, "geheimzinnige brief", titel="Brief", vertrouwelijkheidaanduiding="vertrouwelijk"
    )
    zaaktype = factories.make_zaaktype(db, vertrouwelijkheidaanduiding="openbaar")
    openbaar = build.zaak(
        "Geheimzinnige openbare zaak", zaaktype=zaaktype, vertrouwelijkheidaanduiding="openbaar"
    )
    sync()
    login(client, world.medewerker)
    page(client, q="geheimzinnige")
    db.expire_all()
    rows = list(db.scalars(select(ToegangslogRegel).where(ToegangslogRegel.pad == "zoeken")))
    assert {(r.object_type, r.object_id) for r in rows} == {
        ("zaak", geheim.identificatie),
        ("document", doc.identificatie),
    }
    assert all(r.user_id == world.medewerker.id for r in rows)
    assert openbaar.identificatie not in {r.object_id for r in rows}
    # the outsider is shown nothing, so nothing is logged for them
    login(client, world.buitenstaander)
    page(client, q="geheimzinnige")
    db.expire_all()
    rows = db.scalars(select(ToegangslogRegel).where(ToegangslogRegel.pad == "zoeken")).all()
    assert all(r.user_id == world.medewerker.id for r in rows)


# --- the person page -------------------------------------------------------------------------


def test_person_hit_links_to_the_person_page_by_id_not_bsn(client, world, twee):
    login(client, world.medewerker)
    body = page(client, q=BSN)
    assert f'href="/personen/{twee.persoon.id}"' in body
    assert f"/personen/{BSN}" not in body


def test_person_page_shows_the_dossier_in_time_order(client, db, world, twee):
    login(client, world.medewerker)
    response = client.get(f"/personen/{twee.persoon.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert BSN in body and "Kerkhof" in body
    # oldest first; on the same day the zaken before the documents
    positions = [
        body.index(f'<td><a href="/documenten/{twee.doc_b.identificatie}"'),
        body.index(f'<td><a href="/zaken/{twee.zaak_a.identificatie}"'),
        body.index(f'<td><a href="/zaken/{twee.zaak_b.identificatie}"'),
        body.index(f'<td><a href="/documenten/{twee.doc_a.identificatie}"'),
    ]
    assert positions == sorted(positions)
    assert "Andere afdelingen" not in body  # medewerker is no regie
    # every confidential item shown is in the access log
    db.expire_all()
    logged = {
        r.object_id
        for r in db.scalars(select(ToegangslogRegel).where(ToegangslogRegel.pad == "zoeken"))
    }
    assert logged == {
        twee.zaak_a.identificatie,
        twee.doc_a.identificatie,
        twee.zaak_b.identificatie,
        twee.doc_b.identificatie,
    }


def test_person_page_is_absent_for_who_sees_none_of_their_zaken(client, db, world, twee):
    nobody = factories.make_user(db)
    db.commit()
    for user in (world.lezer, world.beheerder, nobody):
        login(client, user)
        response = client.get(f"/personen/{twee.persoon.id}")
        assert response.status_code == 404, user.username
        assert "Kerkhof" not in response.get_data(as_text=True)
    login(client, world.medewerker)
    missing = client.get(f"/personen/{twee.persoon.id + 10_000}")
    assert missing.status_code == 404
    assert client.get("/personen/99999999999999999999999").status_code == 404


@pytest.fixture
def regie(db, world):
    """A regie user in andere_afdeling, and the regie contact of world.afdeling."""
    regisseur = factories.make_user(db)
    factories.make_member(db, world.andere_afdeling, regisseur, rol="regie", clearance="geheim")
    contact = factories.make_user(db)
    factories.make_member(db, world.afdeling, contact, rol="regie", clearance="geheim")
    db.commit()
    return regisseur, contact


def test_regie_sees_other_departments_without_content(client, db, world, twee, regie):
    regisseur, contact = regie
    login(client, regisseur)
    body = client.get(f"/personen/{twee.persoon.id}").get_data(as_text=True)
    assert twee.zaak_b.identificatie in body  # the own department's zaak
    assert "Andere afdelingen" in body
    section = body.split('id="andere-kop"')[1]
    assert world.afdeling.naam in section and contact.naam in section
    # no content of the other department's zaak or document
    for secret in (
        twee.zaak_a.identificatie,
        twee.zaak_a.omschrijving,
        twee.doc_a.identificatie,
        twee.doc_a.titel,
    ):
        assert secret not in body

    # a non-regie user of the same department sees no such section
    login(client, world.buitenstaander)
    body = client.get(f"/personen/{twee.persoon.id}").get_data(as_text=True)
    assert "Andere afdelingen" not in body and contact.naam not in body


def test_other_departments_can_be_switched_off(app, client, db, world, twee, regie):
    regisseur, contact = regie
    settings = app.extensions["dossierhuis.settings"]
    app.extensions["dossierhuis.settings"] = replace(settings, search_other_departments=False)
    login(client, regisseur)
    body = client.get(f"/personen/{twee.persoon.id}").get_data(as_text=True)
    assert twee.zaak_b.identificatie in body
    assert "Andere afdelingen" not in body and contact.naam not in body
    answer = api(client, db, regisseur, f"/api/v1/personen/{BSN}").get_json()
    assert answer["andere_afdelingen"] == []


# --- the API ----------------------------------------------------------------------------------


def test_api_pagination_with_next_and_previous_links(client, db, world, build, sync):
    zaak = build.zaak("Paginazaak")
    for n in range(3):
        build.document(zaak, f"bladzijdewoord nummer {n}", titel=f"Blad {n}")
    sync()
    first = api(client, db, world.medewerker, q="bladzijdewoord", page_size=2, sortering="date")
    body = first.get_json()
    assert first.status_code == 200
    assert body["count"] == 3 and len(body["results"]) == 2 and body["previous"] is None
    query = parse_qs(urlsplit(body["next"]).query)
    assert query == {
        "q": ["bladzijdewoord"],
        "page_size": ["2"],
        "sortering": ["date"],
        "page": ["2"],
    }
    second = client.get(body["next"], headers=bearer(db, world.medewerker)).get_json()
    assert second["count"] == 3 and len(second["results"]) == 1 and second["next"] is None
    assert parse_qs(urlsplit(second["previous"]).query)["page"] == ["1"]
    keys = {r["identificatie"] for r in body["results"]} | {
        r["identificatie"] for r in second["results"]
    }
    assert len(keys) == 3
    hit = body["results"][0]
    assert set(hit) == {"type", "identificatie", "titel", "snippet", "datum", "url"}
    assert hit["url"].endswith(f"/api/v1/documenten/{hit['identificatie']}")


def test_api_filters_and_refusals(client, db, world, twee):
    user = world.medewerker
    docs = api(client, db, user, q="kerkstraat", type="document").get_json()
    assert {r["type"] for r in docs["results"]} == {"document"} and docs["count"] == 2
    code = world.andere_afdeling.code
    one = api(client, db, user, q="kerkstraat", afdeling=code, type="zaak").get_json()
    assert [r["identificatie"] for r in one["results"]] == [twee.zaak_b.identificatie]
    persoon = api(client, db, user, q=BSN, type="persoon").get_json()
    assert persoon["results"][0]["url"].endswith(f"/api/v1/personen/{BSN}")
    for params, field in (
        ({"sortering": "titel"}, "sortering"),
        ({"type": "brief"}, "type"),
        ({"page_size": "500"}, "page_size"),
        ({"van": "2024-02-30"}, "van"),
        ({"van": "2024-05-01", "tot": "2024-01-01"}, "tot"),
        ({"q": "datum:>morgen"}, "q"),
    ):
        response = api(client, db, user, **params)
        assert response.status_code == 422, (params, response.get_data(as_text=True))
        assert response.mimetype == PROBLEM and field in response.get_json()["errors"], params


def test_api_search_without_index_is_503(client, db, world, backend):
    backend.destroy()
    response = api(client, db, world.medewerker, q="iets")
    assert response.status_code == 503 and response.mimetype == PROBLEM
    assert response.headers["Retry-After"] == "60"


def test_api_person_dossier(client, db, world, twee, regie):
    response = api(client, db, world.medewerker, f"/api/v1/personen/{BSN}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["betrokkene"]["bsn"] == BSN
    assert [(r["identificatie"], r["type"]) for r in body["dossier"]] == [
        (twee.doc_b.identificatie, "document"),
        (twee.zaak_a.identificatie, "zaak"),
        (twee.zaak_b.identificatie, "zaak"),
        (twee.doc_a.identificatie, "document"),
    ]
    assert body["dossier"][0]["datum"] == ONTVANGEN.isoformat()
    assert body["dossier"][0]["zaak"] == twee.zaak_b.identificatie
    assert body["andere_afdelingen"] == []

    outsider = api(client, db, world.buitenstaander, f"/api/v1/personen/{BSN}").get_json()
    assert {r["identificatie"] for r in outsider["dossier"]} == {
        twee.zaak_b.identificatie,
        twee.doc_b.identificatie,
    }
    regisseur, contact = regie
    body = api(client, db, regisseur, f"/api/v1/personen/{BSN}").get_json()
    assert body["andere_afdelingen"] == [
        {
            "code": world.afdeling.code,
            "naam": world.afdeling.naam,
            "contactpersonen": [{"naam": contact.naam, "email": None}],
        }
    ]
    assert twee.zaak_a.identificatie not in str(body)


def test_api_person_invalid_bsn_is_422_unknown_or_hidden_is_404(client, db, world, twee):
    for bad in ("123456789", "12345678", "abcdefghi", "1234567820", "000000000"):
        response = api(client, db, world.medewerker, f"/api/v1/personen/{bad}")
        assert response.status_code == 422, bad
        assert response.mimetype == PROBLEM and "bsn" in response.get_json()["errors"]
    unknown = api(client, db, world.medewerker, "/api/v1/personen/999999990")
    hidden = api(client, db, world.lezer, f"/api/v1/personen/{BSN}")
    for response in (unknown, hidden):
        assert response.status_code == 404 and response.mimetype == PROBLEM
    assert unknown.get_json()["detail"] == hidden.get_json()["detail"]
    assert "Kerkhof" not in hidden.get_data(as_text=True)


def test_openapi_lists_the_search_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/zoeken"]) >= {"get"}
    assert set(paths["/api/v1/personen/{bsn}"]) >= {"get"}
    responses = paths["/api/v1/personen/{bsn}"]["get"]["responses"]
    assert {"200", "401", "404", "422"} <= set(responses)


# --- configuration and the worker ---------------------------------------------------------------


def test_search_settings_from_the_environment(tmp_path):
    base = {"DOSSIERHUIS_DATA_DIR": str(tmp_path), "SECRET_KEY": "x"}
    default = Settings.from_env(base)
    assert default.index_dir == tmp_path.resolve() / "index"
    assert default.search_worker == "in-process" and default.search_other_departments is True
    chosen = Settings.from_env(
        {
            **base,
            "SEARCH_INDEX_DIR": str(tmp_path / "elders"),
            "SEARCH_WORKER": "extern",
            "SEARCH_OTHER_DEPARTMENTS": "0",
        }
    )
    assert chosen.index_dir == (tmp_path / "elders").resolve()
    assert chosen.search_worker == "extern" and chosen.search_other_departments is False
    for bad in ({"SEARCH_WORKER": "thread"}, {"SEARCH_OTHER_DEPARTMENTS": "misschien"}):
        with pytest.raises(SystemExit):
            Settings.from_env({**base, **bad})


class _CountingWorker:
    def __init__(self):
        self.wakes = 0

    def wake(self):
        self.wakes += 1


def test_the_worker_is_woken_only_after_a_commit_with_outbox_rows(app, client, db, world):
    assert app.extensions["dossierhuis.search_worker"] is None  # create_app starts no thread
    worker = app.extensions["dossierhuis.search_worker"] = _CountingWorker()
    headers = bearer(db, world.medewerker)
    assert client.get("/api/v1/zaken", headers=headers).status_code == 200
    assert worker.wakes == 0
    body = {
        "zaaktype": world.zaaktype.identificatie,
        "afdeling": world.afdeling.code,
        "omschrijving": "Wekproef",
    }
    assert client.post("/api/v1/zaken", json=body, headers=headers).status_code == 201
    assert worker.wakes == 1
    refused = client.post("/api/v1/zaken", json={**body, "afdeling": "NIETS"}, headers=headers)
    assert refused.status_code == 422 and worker.wakes == 1  # rolled back: nothing to do


def test_start_search_worker_builds_the_index_and_finds_a_new_zaak(
    isolated_database, tmp_path, caplog
):
    from web.app import create_app, start_search_worker, stop_search_worker

    engine = make_engine(isolated_database)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        world = factories.World.build(s)
        _token, secret = create_token(s, None, world.medewerker, "wek", None)
    settings = Settings(
        data_dir=tmp_path / "var", database_url=isolated_database, secret_key="x", max_upload_mb=5
    )
    app = create_app(settings)
    try:
        with caplog.at_level(logging.WARNING, logger="search.worker"):
            # a long poll: only the wake after the commit makes it index in time
            worker = start_search_worker(app, poll_interval=60)
        assert "wordt opnieuw opgebouwd" in caplog.text
        assert start_search_worker(app) is worker
        response = app.test_client().post(
            "/api/v1/zaken",
            json={
                "zaaktype": world.zaaktype.identificatie,
                "afdeling": world.afdeling.code,
                "omschrijving": "Wekproef dijkversterking",
            },
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert response.status_code == 201
        deadline = time.monotonic() + 5
        total = 0
        while time.monotonic() < deadline and not total:
            with transaction(factory) as s:
                user = s.get(User, world.medewerker.id)
                total = service.search(s, user, "dijkversterking", backend=worker.backend).total
            time.sleep(0.05)
        assert total == 1
    finally:
        stop_search_worker(app)
        assert app.extensions["dossierhuis.search_worker"] is None
        app.extensions["dossierhuis.engine"].dispose()
        engine.dispose()


SEARCH_PARAMS = (
    "q",
    "type",
    "zaaktype",
    "afdeling",
    "jaar",
    "informatieobjecttype",
    "van",
    "tot",
    "sortering",
    "page",
    "page_size",
    "pagina",
)
# query-language syntax, in any order: the parser must answer, never crash a request
SYNTAX = r"( ) * ? ~ : [ ] { } ^ \ / > < to AND OR NOT NIET datum: jaar: afdeling: type:"
QUERY_WORDS = st.sampled_from(['"', *SYNTAX.split(), "kerkstraat"])


@pytest.fixture
def searcher(client, db, world, twee) -> dict:
    """The medewerker, logged in on the client and with an API token."""
    login(client, world.medewerker)
    return bearer(db, world.medewerker)


@FUZZ
@given(
    query=st.dictionaries(st.sampled_from(SEARCH_PARAMS), QUERY_TEXT, max_size=4),
    words=st.lists(QUERY_WORDS, max_size=6),
)
def test_fuzz_search_never_answers_500(client, searcher, query, words):
    """Any query string, through the API and the page: an answer, a 4xx, never a 500."""
    query = {**query, "q": query.get("q", "") + " ".join(words)}
    response = client.get("/api/v1/zoeken", query_string=query, headers=searcher)
    assert response.status_code in (200, 422), (query, response.get_data(as_text=True)[:300])
    assert response.mimetype in ("application/json", PROBLEM)
    response = client.get("/zoeken", query_string=query)
    assert response.status_code == 200, (query, response.status_code)
