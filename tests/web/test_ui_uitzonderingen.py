"""The archivist's pages for exceptions and holds, and what the zaak page shows of them."""

from __future__ import annotations

from archive.models import Bevriezing, Uitzondering
from retention import bevriezingen
from tests.fixtures_archivering import login

FORM = {
    "omschrijving": "hotspot Asielopvang 2026",
    "toelichting": "Maatschappelijk belang",
    "besluitkenmerk": "B&W 2026/123",
}


def test_archivist_adds_and_withdraws_an_exception(client, db, world, gesloten):
    login(client, world.archivaris)
    page = client.get("/archivering/uitzonderingen")
    assert page.status_code == 200
    assert "Nieuwe uitzondering" in page.get_data(as_text=True)
    response = client.post(
        "/archivering/uitzonderingen",
        data={**FORM, "scope": "zaken", "zaken": f"{gesloten.identificatie}\n"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    u = db.query(Uitzondering).one()
    assert gesloten.archiefnominatie == "blijvend_bewaren"
    body = client.get("/archivering/uitzonderingen").get_data(as_text=True)
    assert "hotspot Asielopvang 2026" in body and "1 zaak/zaken" in body
    response = client.post(f"/archivering/uitzonderingen/{u.id}/verwijderen")
    assert response.status_code == 302
    assert gesloten.archiefnominatie == "vernietigen"
    assert client.post("/archivering/uitzonderingen/999999/verwijderen").status_code == 404


def test_bad_exception_input_comes_back_on_the_form(client, db, world, gesloten):
    login(client, world.archivaris)
    for data, fout in (
        ({**FORM, "scope": "periode", "periode_van": "31-02-2024"}, "periode_van"),
        (
            {**FORM, "scope": "periode", "periode_van": "01-03-2024", "periode_tot": "01-02-2024"},
            "periode_tot",
        ),  # fmt: skip
        (
            {**FORM, "toelichting": "", "scope": "zaken", "zaken": gesloten.identificatie},
            "toelichting",
        ),  # fmt: skip
        ({**FORM, "scope": "afdeling", "afdeling": "NIETS"}, "afdeling"),
    ):
        response = client.post("/archivering/uitzonderingen", data=data)
        assert response.status_code == 422, data
        assert f'id="{fout}-fout"' in response.get_data(as_text=True)
    assert db.query(Uitzondering).count() == 0


def test_archivist_places_and_lifts_a_hold_and_the_zaak_page_shows_it(client, db, world, gesloten):
    login(client, world.archivaris)
    response = client.post(
        "/archivering/bevriezingen",
        data={
            "object_soort": "zaak",
            "identificatie": gesloten.identificatie,
            "grond": "rechtszaak",
            "kenmerk": "ROL-77",
            "reden": "Procedure",
            "eigenaar": world.medewerker.username,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    hold = db.query(Bevriezing).one()
    body = client.get("/archivering/bevriezingen").get_data(as_text=True)
    assert gesloten.identificatie in body and "ROL-77" in body
    assert client.get("/archivering/bevriezingen.csv").mimetype == "text/csv"

    client.post("/logout")
    login(client, world.medewerker)
    zaakpagina = client.get(f"/zaken/{gesloten.identificatie}").get_data(as_text=True)
    assert "Bevroren" in zaakpagina and "ROL-77" in zaakpagina
    assert "Procedure" not in zaakpagina  # the reason stays with the archivist
    assert "7.1" in zaakpagina  # the nominatie's source

    client.post("/logout")
    login(client, world.archivaris)
    url = f"/archivering/bevriezingen/{hold.id}/opheffen"
    assert client.post(url, data={"toelichting": ""}).status_code == 422
    assert client.post(url, data={"toelichting": "Zaak geschikt"}).status_code == 302
    assert not bevriezingen.is_held(db, gesloten.id)
    assert client.post(url, data={"toelichting": "nogmaals"}).status_code == 409
    assert (
        client.post("/archivering/bevriezingen/999999/opheffen", data={"toelichting": "x"})
    ).status_code == 404


def test_bad_hold_input(client, db, world, gesloten):
    login(client, world.archivaris)
    response = client.post(
        "/archivering/bevriezingen",
        data={
            "object_soort": "zaak",
            "identificatie": "ZAAK-2099-0000001",
            "grond": "rechtszaak",
            "reden": "Procedure",
            "eigenaar": world.medewerker.username,
        },
    )
    assert response.status_code == 422
    assert 'id="identificatie-fout"' in response.get_data(as_text=True)
    assert db.query(Bevriezing).count() == 0


def test_others_get_403_and_no_menu_item(client, db, world):
    for user in (world.medewerker, world.beheerder):
        client.post("/logout")
        login(client, user)
        assert "/archivering/uitzonderingen" not in client.get("/zaken").get_data(as_text=True)
        for url in ("/archivering/uitzonderingen", "/archivering/bevriezingen",
                    "/archivering/bevriezingen.csv"):  # fmt: skip
            assert client.get(url).status_code == 403
        assert client.post("/archivering/bevriezingen/1/opheffen").status_code == 403
    client.post("/logout")
    login(client, world.archivaris)
    assert "/archivering/uitzonderingen" in client.get("/zaken").get_data(as_text=True)
