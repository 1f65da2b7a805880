"""The retention API: brondatum, hoofdzaak and reopening for handlers, the work queue for
archivists."""

from __future__ import annotations

from datetime import date

from archive.users import create_token
from tests import factories
from tests.fixtures_archivering import nieuwe_zaak, resultaat, sluit

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


# -- hoofdzaak -------------------------------------------------------------------------------


def _deelzaak_en_hoofdzaak(db, world, zaaktype):
    hoofd = nieuwe_zaak(db, world, zaaktype, omschrijving="Hoofd", startdatum=date(2024, 1, 2))
    deel = nieuwe_zaak(db, world, zaaktype, omschrijving="Deel", startdatum=date(2024, 1, 3))
    sluit(db, world, deel, "Deelzaak", date(2024, 6, 1))
    db.commit()
    return hoofd, deel


def test_hoofdzaak_link_completes_when_the_hoofdzaak_closes(client, db, world, archief_zaaktype):
    hoofd, deel = _deelzaak_en_hoofdzaak(db, world, archief_zaaktype)
    headers = bearer(db, world.medewerker)
    url = f"/api/v1/zaken/{deel.identificatie}/hoofdzaak"
    response = client.put(url, json={"hoofdzaak": hoofd.identificatie}, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["hoofdzaak"] == hoofd.identificatie
    assert body["archiefactiedatum"] is None
    assert body["archief_wacht_op"] == "einddatum van de hoofdzaak"
    closed = client.post(
        f"/api/v1/zaken/{hoofd.identificatie}/afsluiten",
        json={
            "resultaattype": resultaat(archief_zaaktype, "Afgehandeld"),
            "einddatum": "2025-01-15",
        },
        headers=headers,
    )
    assert closed.status_code == 200, closed.get_json()
    after = client.get(f"/api/v1/zaken/{deel.identificatie}", headers=headers).get_json()
    assert after["brondatum"] == "2025-01-15"
    assert after["archiefactiedatum"] == "2035-01-15"  # 2.1: P10Y
    assert after["archief_wacht_op"] is None
    cleared = client.put(url, json={"hoofdzaak": None}, headers=headers)
    assert cleared.status_code == 200
    assert cleared.get_json()["hoofdzaak"] is None
    assert cleared.get_json()["archief_wacht_op"] == "einddatum van de hoofdzaak"


def test_hoofdzaak_refusals(client, db, world, archief_zaaktype):
    hoofd, deel = _deelzaak_en_hoofdzaak(db, world, archief_zaaktype)
    medewerker = factories.make_user(db, roles=("medewerker",))
    factories.make_member(db, world.afdeling, medewerker)  # not in andere_afdeling
    verborgen = factories.make_zaak(
        db, world.buitenstaander, zaaktype=world.zaaktype, afdeling=world.andere_afdeling
    )
    db.commit()
    headers = bearer(db, medewerker)
    url = f"/api/v1/zaken/{deel.identificatie}/hoofdzaak"
    for bad in ({}, {"hoofdzaak": ""}, {"hoofdzaak": 12}, {"hoofdzaak": "x" * 41}):
        response = client.put(url, json=bad, headers=headers)
        assert response.status_code == 422 and response.mimetype == PROBLEM, bad
        assert "hoofdzaak" in str(response.get_json()), bad
    zelf = client.put(url, json={"hoofdzaak": deel.identificatie}, headers=headers)
    assert zelf.status_code == 422 and "hoofdzaak" in str(zelf.get_json())
    for onbekend in (verborgen.identificatie, "ZAAK-1999-9999"):
        response = client.put(url, json={"hoofdzaak": onbekend}, headers=headers)
        assert response.status_code == 404 and response.mimetype == PROBLEM
    ok = client.put(url, json={"hoofdzaak": hoofd.identificatie}, headers=headers)
    assert ok.status_code == 200
    keten = client.put(
        f"/api/v1/zaken/{hoofd.identificatie}/hoofdzaak",
        json={"hoofdzaak": deel.identificatie},
        headers=headers,
    )
    assert keten.status_code == 422  # a deelzaak is no hoofdzaak: no chains, no cycles
    derde = nieuwe_zaak(db, world, archief_zaaktype, startdatum=date(2024, 2, 1))
    db.commit()
    boven = client.put(
        f"/api/v1/zaken/{hoofd.identificatie}/hoofdzaak",
        json={"hoofdzaak": derde.identificatie},
        headers=headers,
    )
    assert boven.status_code == 409 and boven.mimetype == PROBLEM  # a hoofdzaak stays one
    # a zaak the caller may not see is absent, whatever the body
    hidden = client.put(url, json={"hoofdzaak": 1}, headers=bearer(db, world.buitenstaander))
    assert hidden.status_code == 404
    # a reader may see the zaak but not change it
    factories.make_member(db, world.afdeling, world.lezer, rol="lezen", clearance="geheim")
    db.commit()
    lezer = client.put(url, json={"hoofdzaak": None}, headers=bearer(db, world.lezer))
    assert lezer.status_code == 403
    db.refresh(deel)
    db.refresh(hoofd)
    assert deel.hoofdzaak_id == hoofd.id and hoofd.hoofdzaak_id is None
