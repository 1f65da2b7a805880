"""The archivist's archiefstatus form: on the zaak page (for an archivist who may see the
zaak) and its page under /archivering (retention metadata only, for any archivist)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from archive import zaken
from archive.audit import AuditEvent
from tests import corpus, factories
from tests.fixtures_archivering import resultaat

ACTIE = "zaak.archiefstatus_gewijzigd"


def login(client, user) -> None:
    client.post("/logout")
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def url(zaak) -> str:
    return f"/archivering/zaken/{zaak.identificatie}/archiefstatus"


def events(db) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.actie == ACTIE))


@pytest.fixture
def gesloten(db, world, archief_zaaktype, store, tmp_path):
    """A closed zaak (selectielijst 7.1, retention known) with one definitief document."""
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=archief_zaaktype,
        afdeling=world.afdeling,
        omschrijving="Geheime omschrijving",
        startdatum=date(2024, 1, 10),
    )
    pdf = corpus.normal_pdf(tmp_path / "brief.pdf", text="Brief")
    filed = factories.file(db, world.medewerker, zaak, pdf, world.iot, store, status="definitief")
    zaken.close_zaak(
        db,
        world.medewerker,
        zaak,
        resultaattype_id=resultaat(archief_zaaktype, "Afgehandeld"),
        einddatum=date(2024, 3, 1),
    )
    db.commit()
    zaak.document = filed.document
    return zaak


@pytest.fixture
def kijkende_archivaris(db, world):
    """The archivist, also a reader in the zaak's department: sees the zaak page."""
    factories.make_member(db, world.afdeling, world.archivaris, rol="lezen", clearance="geheim")
    db.commit()
    return world.archivaris


def test_zaak_page_form_archives_the_zaak(client, db, world, gesloten, kijkende_archivaris):
    login(client, kijkende_archivaris)
    page = client.get(f"/zaken/{gesloten.identificatie}").get_data(as_text=True)
    assert f'action="{url(gesloten)}"' in page
    assert '<option value="gearchiveerd">' in page
    assert 'value="overgedragen"' not in page  # only the transfer sets it
    response = client.post(url(gesloten), data={"archiefstatus": "gearchiveerd"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/zaken/{gesloten.identificatie}"
    db.expire_all()
    assert gesloten.archiefstatus == "gearchiveerd" and events(db) == 1
    page = client.get(f"/zaken/{gesloten.identificatie}").get_data(as_text=True)
    assert "is nu Gearchiveerd (was Nog te archiveren)" in page
    assert f'action="{url(gesloten)}"' not in page  # nothing left to choose here


def test_no_form_for_others_or_an_open_zaak(client, db, world, gesloten, kijkende_archivaris):
    login(client, world.medewerker)
    page = client.get(f"/zaken/{gesloten.identificatie}").get_data(as_text=True)
    assert url(gesloten) not in page
    open_ = factories.make_zaak(
        db, world.medewerker, zaaktype=gesloten.zaaktype, afdeling=world.afdeling
    )
    db.commit()
    login(client, kijkende_archivaris)
    page = client.get(f"/zaken/{open_.identificatie}").get_data(as_text=True)
    assert url(open_) not in page


def test_refusals_come_back_with_the_reason(client, db, world, gesloten, kijkende_archivaris):
    login(client, kijkende_archivaris)
    gesloten.document.status = "in_bewerking"
    db.commit()
    response = client.post(url(gesloten), data={"archiefstatus": "gearchiveerd"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Niet alle documenten zijn definitief" in body
    assert gesloten.document.identificatie in body
    for value, status, text in (
        ("overgedragen", 409, "alleen door de overbrenging"),
        ("onzin", 422, "Kies een van"),
        ("", 422, "Kies de nieuwe archiefstatus"),
        ("gearchiveerd_procestermijn_onbekend", 409, "Niet alle documenten zijn definitief"),
    ):
        response = client.post(url(gesloten), data={"archiefstatus": value})
        assert response.status_code == status, (value, response.status_code)
        assert text in response.get_data(as_text=True), value
    db.expire_all()
    assert gesloten.archiefstatus == "nog_te_archiveren" and events(db) == 0


def test_archivist_without_sight_gets_metadata_only(client, db, world, gesloten):
    """Archive-wide, as the API's /archivering/zaken/{id}: no omschrijving, no zaak link."""
    login(client, world.archivaris)
    assert client.get(f"/zaken/{gesloten.identificatie}").status_code == 404
    page = client.get(url(gesloten))
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert gesloten.identificatie in body and "Geheime omschrijving" not in body
    assert f'href="/zaken/{gesloten.identificatie}"' not in body
    response = client.post(url(gesloten), data={"archiefstatus": "gearchiveerd"})
    assert response.status_code == 302 and response.headers["Location"] == url(gesloten)
    db.expire_all()
    assert gesloten.archiefstatus == "gearchiveerd"


def test_only_an_archivist_and_unknown_zaak_is_404(client, db, world, gesloten):
    for user in (world.medewerker, world.beheerder, world.auditor):
        login(client, user)
        assert client.get(url(gesloten)).status_code == 403
        response = client.post(url(gesloten), data={"archiefstatus": "gearchiveerd"})
        assert response.status_code == 403
    login(client, world.archivaris)
    assert client.get("/archivering/zaken/ZAAK-2099-0000001/archiefstatus").status_code == 404
    db.expire_all()
    assert gesloten.archiefstatus == "nog_te_archiveren" and events(db) == 0
