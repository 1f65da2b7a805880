"""The API for exceptions, legal holds and archiefstatus: archivaris only; bad input 422,
unknown ids 404, wrong states 409, problem details throughout."""

from __future__ import annotations

import pytest

from archive.models import Bevriezing, Uitzondering
from tests.fixtures_archivering import bearer

PROBLEM = "application/problem+json"
BASE = "/api/v1/archivering"


def body(**kwargs) -> dict:
    base = {
        "scope": "zaken",
        "omschrijving": "hotspot Asielopvang 2026",
        "toelichting": "Maatschappelijk belang",
        "besluitkenmerk": "B&W 2026/123",
    }
    base.update(kwargs)
    return base


def test_exception_round_trip(client, db, world, gesloten):
    headers = bearer(db, world.archivaris)
    created = client.post(
        f"{BASE}/uitzonderingen", json=body(zaken=[gesloten.identificatie]), headers=headers
    )
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert data["zaken"] == [gesloten.identificatie] and data["herberekend"] == 1
    assert created.headers["Location"].endswith(f"/uitzonderingen/{data['id']}")
    zaak = client.get(f"{BASE}/zaken/{gesloten.identificatie}", headers=headers).get_json()
    assert zaak["archiefnominatie"] == "blijvend_bewaren" and zaak["uitgezonderd"] is True
    assert zaak["archiefnominatie_bron"].startswith(f"uitzondering {data['id']}: hotspot")

    listed = client.get(f"{BASE}/uitzonderingen", headers=headers).get_json()
    assert listed["count"] == 1 and listed["results"][0]["bereik"] == "1 zaak/zaken"
    detail = client.get(f"{BASE}/uitzonderingen/{data['id']}", headers=headers)
    assert detail.status_code == 200

    removed = client.delete(f"{BASE}/uitzonderingen/{data['id']}", headers=headers)
    assert removed.status_code == 200 and removed.get_json()["actief"] is False
    zaak = client.get(f"{BASE}/zaken/{gesloten.identificatie}", headers=headers).get_json()
    assert zaak["archiefnominatie"] == "vernietigen" and zaak["uitgezonderd"] is False
    again = client.delete(f"{BASE}/uitzonderingen/{data['id']}", headers=headers)
    assert again.status_code == 409 and again.mimetype == PROBLEM
    assert client.get(f"{BASE}/uitzonderingen", headers=headers).get_json()["count"] == 0
    alle = client.get(f"{BASE}/uitzonderingen?actief=alle", headers=headers).get_json()
    assert alle["count"] == 1


def test_periode_and_afdeling_scopes(client, db, world, gesloten):
    headers = bearer(db, world.archivaris)
    response = client.post(
        f"{BASE}/uitzonderingen",
        json=body(scope="periode", periode_van="2024-01-01", periode_tot="2024-01-31"),
        headers=headers,
    )
    assert response.status_code == 201 and response.get_json()["herberekend"] == 1
    response = client.post(
        f"{BASE}/uitzonderingen",
        json=body(scope="afdeling", afdeling=world.afdeling.code),
        headers=headers,
    )
    assert response.status_code == 201 and response.get_json()["herberekend"] == 0


@pytest.mark.parametrize(
    ("payload", "veld"),
    [
        (body(scope="periode", periode_van="2024-02-30", periode_tot="2024-03-01"), "periode_van"),
        (body(scope="periode", periode_van="2024-03-01", periode_tot="2024-02-01"), "periode_tot"),
        (body(toelichting=""), "toelichting"),
        (body(zaken=["ZAAK-2099-0000001"]), "zaken"),
        (body(scope="afdeling", afdeling="NIETS"), "afdeling"),
        (body(scope="overal"), "scope"),
        ({"scope": "zaken"}, "omschrijving"),
        (body(onbekend=1), "onbekend"),
    ],
)
def test_bad_exception_input(client, db, world, gesloten, payload, veld):
    response = client.post(
        f"{BASE}/uitzonderingen", json=payload, headers=bearer(db, world.archivaris)
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert veld in str(response.get_json())
    assert db.query(Uitzondering).count() == 0


def test_hold_round_trip(client, db, world, gesloten):
    headers = bearer(db, world.archivaris)
    placed = client.post(
        f"{BASE}/bevriezingen",
        json={
            "zaak": gesloten.identificatie,
            "grond": "woo_verzoek",
            "reden": "Woo-verzoek over de opvang",
            "eigenaar": world.medewerker.username,
            "kenmerk": "WOO-2026-7",
        },
        headers=headers,
    )
    assert placed.status_code == 201, placed.get_json()
    hold = placed.get_json()
    assert hold["actief"] and hold["eigenaar"] == world.medewerker.username
    assert hold["geplaatst_door"] == world.archivaris.username
    zaak = client.get(f"{BASE}/zaken/{gesloten.identificatie}", headers=headers).get_json()
    assert zaak["bevroren"] is True
    rapport = client.get(f"{BASE}/bevriezingen/rapport", headers=headers).get_json()
    assert rapport["totaal"] == 1 and rapport["per_grond"]["woo_verzoek"] == 1
    csv = client.get(f"{BASE}/bevriezingen.csv", headers=headers)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert gesloten.identificatie in csv.get_data(as_text=True)

    url = f"{BASE}/bevriezingen/{hold['id']}/opheffen"
    assert client.post(url, json={}, headers=headers).status_code == 422
    lifted = client.post(url, json={"toelichting": "Besluit verzonden"}, headers=headers)
    assert lifted.status_code == 200 and lifted.get_json()["actief"] is False
    assert lifted.get_json()["opgeheven_door"] == world.archivaris.username
    again = client.post(url, json={"toelichting": "x"}, headers=headers)
    assert again.status_code == 409
    assert client.get(f"{BASE}/bevriezingen", headers=headers).get_json()["count"] == 0
    history = client.get(f"{BASE}/bevriezingen?actief=alle", headers=headers).get_json()
    assert history["count"] == 1


def test_bad_hold_input(client, db, world, gesloten):
    headers = bearer(db, world.archivaris)
    for payload, veld in (
        ({"zaak": gesloten.identificatie, "grond": "x", "reden": "r", "eigenaar": "u"}, "grond"),
        (
            {
                "zaak": "ZAAK-1",
                "grond": "rechtszaak",
                "reden": "r",
                "eigenaar": world.medewerker.username,
            },
            "zaak",
        ),  # fmt: skip
        (
            {
                "zaak": gesloten.identificatie,
                "grond": "rechtszaak",
                "reden": " ",
                "eigenaar": world.medewerker.username,
            },
            "reden",
        ),  # fmt: skip
        (
            {
                "zaak": gesloten.identificatie,
                "grond": "rechtszaak",
                "reden": "r",
                "eigenaar": world.medewerker.username,
                "startdatum": "2999-01-01",
            },
            "startdatum",
        ),  # fmt: skip
    ):
        response = client.post(f"{BASE}/bevriezingen", json=payload, headers=headers)
        assert response.status_code == 422, payload
        assert veld in str(response.get_json())
    assert db.query(Bevriezing).count() == 0


def test_unknown_ids_are_404(client, db, world):
    headers = bearer(db, world.archivaris)
    for method, url in (
        ("get", f"{BASE}/uitzonderingen/999999"),
        ("delete", f"{BASE}/uitzonderingen/999999"),
        ("get", f"{BASE}/uitzonderingen/99999999999999999999999"),
        ("get", f"{BASE}/bevriezingen/999999"),
        ("get", f"{BASE}/zaken/ZAAK-2099-0000001"),
    ):
        response = getattr(client, method)(url, headers=headers)
        assert response.status_code == 404, url
        assert response.mimetype == PROBLEM
    response = client.post(
        f"{BASE}/bevriezingen/999999/opheffen", json={"toelichting": "x"}, headers=headers
    )
    assert response.status_code == 404


def test_others_are_refused(client, db, world, gesloten):
    for user in (world.medewerker, world.beheerder, world.auditor):
        headers = bearer(db, user)
        for method, url in (
            ("get", f"{BASE}/uitzonderingen"),
            ("post", f"{BASE}/uitzonderingen"),
            ("delete", f"{BASE}/uitzonderingen/1"),
            ("get", f"{BASE}/bevriezingen"),
            ("post", f"{BASE}/bevriezingen"),
            ("post", f"{BASE}/bevriezingen/1/opheffen"),
            ("get", f"{BASE}/bevriezingen/rapport"),
            ("get", f"{BASE}/zaken/{gesloten.identificatie}"),
            ("put", f"{BASE}/zaken/{gesloten.identificatie}/archiefstatus"),
        ):
            response = getattr(client, method)(url, json={}, headers=headers)
            assert response.status_code == 403, (user.username, url)
    assert client.get(f"{BASE}/uitzonderingen").status_code == 401


def test_archiefstatus_through_the_api(client, db, world, gesloten):
    headers = bearer(db, world.archivaris)
    url = f"{BASE}/zaken/{gesloten.identificatie}/archiefstatus"
    refused = client.put(url, json={"archiefstatus": "overgedragen"}, headers=headers)
    assert refused.status_code == 409 and refused.mimetype == PROBLEM
    bad = client.put(url, json={"archiefstatus": "weg"}, headers=headers)
    assert bad.status_code == 422
    ok = client.put(url, json={"archiefstatus": "gearchiveerd"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["archiefstatus"] == "gearchiveerd"
