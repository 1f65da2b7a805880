"""Retention on the zaak page: the brondatum form and reopening, for the zaak's handlers."""

from __future__ import annotations

from datetime import date

from tests import factories


def login(client, user) -> None:
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def test_zaak_page_offers_brondatum_and_reopen_to_its_handler(client, world, wachtende_zaak):
    login(client, world.medewerker)
    body = client.get(f"/zaken/{wachtende_zaak.identificatie}").get_data(as_text=True)
    assert "nog niet te berekenen" in body
    assert f"/zaken/{wachtende_zaak.identificatie}/brondatum" in body
    assert f"/zaken/{wachtende_zaak.identificatie}/heropenen" in body


def test_reader_gets_no_actions_and_the_forms_are_refused(client, db, world, wachtende_zaak):
    factories.make_member(db, world.afdeling, world.buitenstaander, rol="lezen", clearance="geheim")
    db.commit()
    login(client, world.buitenstaander)
    body = client.get(f"/zaken/{wachtende_zaak.identificatie}").get_data(as_text=True)
    assert "/brondatum" not in body and "/heropenen" not in body
    assert client.get(f"/zaken/{wachtende_zaak.identificatie}/brondatum").status_code == 403


def test_entering_the_brondatum_computes_the_date(client, db, world, wachtende_zaak):
    login(client, world.medewerker)
    url = f"/zaken/{wachtende_zaak.identificatie}/brondatum"
    bad = client.post(url, data={"brondatum": "31-02-2021"})
    assert bad.status_code == 422
    response = client.post(url, data={"brondatum": "31-01-2021"})
    assert response.status_code == 302
    db.refresh(wachtende_zaak)
    assert wachtende_zaak.archiefactiedatum == date(2022, 1, 31)


def test_reopen_needs_a_reason(client, db, world, wachtende_zaak):
    login(client, world.medewerker)
    url = f"/zaken/{wachtende_zaak.identificatie}/heropenen"
    assert client.post(url, data={"toelichting": ""}).status_code == 422
    assert client.post(url, data={"toelichting": "Bezwaar gegrond"}).status_code == 302
    db.refresh(wachtende_zaak)
    assert wachtende_zaak.is_open and wachtende_zaak.archiefactiedatum is None
