"""Retention on the zaak page: the brondatum form, the hoofdzaak form and reopening, for
the zaak's handlers."""

from __future__ import annotations

from datetime import date

from tests import factories
from tests.fixtures_archivering import nieuwe_zaak, sluit


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


# -- hoofdzaak -------------------------------------------------------------------------------


def _deelzaak_en_hoofdzaak(db, world, zaaktype):
    """An open hoofdzaak and a deelzaak closed with a resultaat that takes its brondatum
    from the hoofdzaak (selectielijst 2.1: P10Y), committed."""
    hoofd = nieuwe_zaak(db, world, zaaktype, omschrijving="Hoofd", startdatum=date(2024, 1, 2))
    deel = nieuwe_zaak(db, world, zaaktype, omschrijving="Deel", startdatum=date(2024, 1, 3))
    sluit(db, world, deel, "Deelzaak", date(2024, 6, 1))
    db.commit()
    return hoofd, deel


def test_deelzaak_waits_for_its_hoofdzaak_then_gets_its_dates(client, db, world, archief_zaaktype):
    hoofd, deel = _deelzaak_en_hoofdzaak(db, world, archief_zaaktype)
    assert deel.archief_wacht_op == "einddatum van de hoofdzaak"
    login(client, world.medewerker)
    page = client.get(f"/zaken/{deel.identificatie}").get_data(as_text=True)
    assert f'action="/zaken/{deel.identificatie}/hoofdzaak"' in page
    assert client.get(f"/zaken/{deel.identificatie}/hoofdzaak").status_code == 200
    response = client.post(
        f"/zaken/{deel.identificatie}/hoofdzaak", data={"hoofdzaak": f" {hoofd.identificatie} "}
    )
    assert response.status_code == 302
    db.refresh(deel)
    assert deel.hoofdzaak_id == hoofd.id
    assert deel.archiefactiedatum is None  # the hoofdzaak is still open
    assert deel.archief_wacht_op == "einddatum van de hoofdzaak"
    page = client.get(f"/zaken/{deel.identificatie}").get_data(as_text=True)
    assert f'href="/zaken/{hoofd.identificatie}"' in page
    sluit(db, world, hoofd, "Afgehandeld", date(2025, 1, 15))
    db.commit()
    db.refresh(deel)
    assert deel.brondatum == date(2025, 1, 15)
    assert deel.archiefactiedatum == date(2035, 1, 15)
    assert deel.archief_wacht_op is None
    # unlinking: the calculation waits again
    response = client.post(f"/zaken/{deel.identificatie}/hoofdzaak", data={"hoofdzaak": ""})
    assert response.status_code == 302
    db.refresh(deel)
    assert deel.hoofdzaak_id is None and deel.archiefactiedatum is None
    assert deel.archief_wacht_op == "einddatum van de hoofdzaak"


def test_hoofdzaak_refuses_itself_a_chain_and_a_hidden_or_unknown_zaak(
    client, db, world, archief_zaaktype
):
    hoofd, deel = _deelzaak_en_hoofdzaak(db, world, archief_zaaktype)
    medewerker = factories.make_user(db, roles=("medewerker",))
    factories.make_member(db, world.afdeling, medewerker)  # not in andere_afdeling
    verborgen = factories.make_zaak(
        db, world.buitenstaander, zaaktype=world.zaaktype, afdeling=world.andere_afdeling
    )
    db.commit()
    login(client, medewerker)
    url = f"/zaken/{deel.identificatie}/hoofdzaak"
    zelf = client.post(url, data={"hoofdzaak": deel.identificatie})
    assert zelf.status_code == 422
    assert client.post(url, data={"hoofdzaak": hoofd.identificatie}).status_code == 302
    keten = client.post(
        f"/zaken/{hoofd.identificatie}/hoofdzaak", data={"hoofdzaak": deel.identificatie}
    )
    assert keten.status_code == 422  # a deelzaak is no hoofdzaak: no chains, no cycles
    derde = nieuwe_zaak(db, world, archief_zaaktype, startdatum=date(2024, 2, 1))
    db.commit()
    boven = client.post(
        f"/zaken/{hoofd.identificatie}/hoofdzaak", data={"hoofdzaak": derde.identificatie}
    )
    assert boven.status_code == 409  # nor does a hoofdzaak become a deelzaak
    assert "geen deelzaak worden" in boven.get_data(as_text=True)
    for onbekend in (verborgen.identificatie, "ZAAK-1999-9999"):
        response = client.post(url, data={"hoofdzaak": onbekend})
        assert response.status_code == 404
        assert f"Zaak &#39;{onbekend}&#39; bestaat niet." in response.get_data(as_text=True)
    db.refresh(deel)
    db.refresh(hoofd)
    assert deel.hoofdzaak_id == hoofd.id and hoofd.hoofdzaak_id is None


def test_hoofdzaak_form_is_for_who_may_change_the_zaak(client, db, world, archief_zaaktype):
    hoofd, deel = _deelzaak_en_hoofdzaak(db, world, archief_zaaktype)
    factories.make_member(db, world.afdeling, world.buitenstaander, rol="lezen", clearance="geheim")
    db.commit()
    login(client, world.buitenstaander)
    page = client.get(f"/zaken/{deel.identificatie}").get_data(as_text=True)
    assert "/hoofdzaak" not in page
    url = f"/zaken/{deel.identificatie}/hoofdzaak"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"hoofdzaak": hoofd.identificatie}).status_code == 403
    db.refresh(deel)
    assert deel.hoofdzaak_id is None
