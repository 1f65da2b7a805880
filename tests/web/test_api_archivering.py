"""The retention API: brondatum and reopening for handlers, the work queue for archivists."""

from __future__ import annotations

from archive.users import create_token

PROBLEM = "application/problem+json"


def bearer(db, user) -> dict:
    _token, secret = create_token(db, None, user, "test", None)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_brondatum_completes_a_pending_calculation(client, db, world, wachtende_zaak):
    url = f"/api/v1/zaken/{wachtende_zaak.identificatie}"
    assert client.get(url, headers=bearer(db, world.medewerker)).get_json()["archief_wacht_op"]
    response = client.put(
        f"{url}/brondatum", json={"brondatum": "2021-01-31"}, headers=bearer(db, world.medewerker)
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["brondatum"] == "2021-01-31"
    assert body["archiefactiedatum"] == "2022-01-31"  # 11.1.2: P1Y
    assert body["archief_wacht_op"] is None


def test_bad_brondatum_is_a_field_error_and_a_hidden_zaak_is_absent(
    client, db, world, wachtende_zaak
):
    url = f"/api/v1/zaken/{wachtende_zaak.identificatie}/brondatum"
    response = client.put(
        url, json={"brondatum": "2021-02-30"}, headers=bearer(db, world.medewerker)
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert "brondatum" in str(response.get_json())
    hidden = client.put(url, json={"brondatum": "x"}, headers=bearer(db, world.buitenstaander))
    assert hidden.status_code == 404  # not 422: the zaak does not exist for them


def test_reopen_through_the_api(client, db, world, wachtende_zaak):
    url = f"/api/v1/zaken/{wachtende_zaak.identificatie}/heropenen"
    missing = client.post(url, json={}, headers=bearer(db, world.medewerker))
    assert missing.status_code == 422
    response = client.post(
        url, json={"toelichting": "Bezwaar"}, headers=bearer(db, world.medewerker)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["einddatum"] is None and body["archiefnominatie"] is None
    again = client.post(url, json={"toelichting": "x"}, headers=bearer(db, world.medewerker))
    assert again.status_code == 409 and again.mimetype == PROBLEM


def test_work_queue_is_for_the_archivaris(client, db, world, wachtende_zaak):
    for user in (world.medewerker, world.beheerder):
        response = client.get("/api/v1/archivering/werkvoorraad", headers=bearer(db, user))
        assert response.status_code == 403
    headers = bearer(db, world.archivaris)
    body = client.get("/api/v1/archivering/werkvoorraad?soort=wachtend", headers=headers).get_json()
    assert body["count"] == 1
    assert body["results"][0]["identificatie"] == wachtende_zaak.identificatie
    assert body["results"][0]["omschrijving"] is None  # no member: metadata only
    bad = client.get("/api/v1/archivering/werkvoorraad?soort=alles", headers=headers)
    assert bad.status_code == 422
    overzicht = client.get("/api/v1/archivering/overzicht", headers=headers).get_json()
    assert overzicht["aantallen"]["wachtend"] == 1
