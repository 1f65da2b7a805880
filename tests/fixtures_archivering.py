"""Fixtures for retention tests: a published zaaktype with one resultaattype per
afleidingswijze, closed zaken (one whose calculation waits for a date, one to destroy, one
due for transfer), a destruction-list set-up, and the helpers the web tests of the
archivist share to log in, authenticate and download (a pytest plugin registered in
tests/conftest.py, so test modules share the fixtures without importing)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from archive import zaken
from archive.users import create_token
from retention import vernietiging
from tests import factories
from zaaktypen import services as catalogus
from zaaktypen.afdelingen import choose_generic_zaaktype


@pytest.fixture
def archief_zaaktype(db, world):
    """A published zaaktype with one resultaattype per afleidingswijze under test."""
    zt = catalogus.create_concept(
        db,
        None,
        catalogus.ZaakTypeGegevens(
            identificatie="ZTARCH",
            omschrijving="Archiveringstest",
            vertrouwelijkheidaanduiding="zaakvertrouwelijk",
        ),
    )
    for naam in ("Ontvangen", "In behandeling", "Afgehandeld"):
        catalogus.add_statustype(db, None, zt, omschrijving=naam)
    catalogus.add_eigenschap(
        db, None, zt, catalogus.EigenschapGegevens(naam="vervaldatum", formaat="datum")
    )
    rt = catalogus.ResultaatTypeGegevens
    for gegevens in (
        rt(omschrijving="Afgehandeld", selectielijstklasse="7.1"),  # vernietigen P5Y
        rt(
            omschrijving="Termijn",
            selectielijstklasse="11.1",
            afleidingswijze="termijn",
            procestermijn="P1Y",
        ),  # fmt: skip
        rt(
            omschrijving="Vervaldatum",
            selectielijstklasse="3.1",
            afleidingswijze="eigenschap",
            datumkenmerk="vervaldatum",
        ),  # fmt: skip
        rt(
            omschrijving="Hand",
            selectielijstklasse="11.1.2",
            afleidingswijze="ander_datumkenmerk",
            datumkenmerk="einde vergunning",
        ),  # fmt: skip
        rt(omschrijving="Deelzaak", selectielijstklasse="2.1", afleidingswijze="hoofdzaak"),
        rt(omschrijving="Bewaren", selectielijstklasse="1.1.1"),
    ):
        catalogus.add_resultaattype(db, None, zt, gegevens)
    catalogus.add_roltype(
        db, None, zt, omschrijving="Behandelaar", omschrijving_generiek="behandelaar"
    )
    catalogus.publish(db, None, zt, datum_begin_geldigheid=date(2020, 1, 1))
    choose_generic_zaaktype(db, None, world.afdeling, zt.identificatie)
    return zt


def resultaat(zaaktype, omschrijving: str) -> int:
    """The id of the resultaattype with this omschrijving."""
    return next(r.id for r in zaaktype.resultaattypen if r.omschrijving == omschrijving)


def nieuwe_zaak(db, world, zaaktype, *, startdatum: date, **kwargs):
    """An open zaak of ``zaaktype`` in the world's department, opened by its medewerker."""
    return factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=zaaktype,
        afdeling=world.afdeling,
        startdatum=startdatum,
        **kwargs,
    )


def sluit(db, world, zaak, uitkomst: str, einddatum: date) -> None:
    """Close ``zaak`` with the resultaattype of its zaaktype named ``uitkomst``."""
    zaken.close_zaak(
        db,
        world.medewerker,
        zaak,
        resultaattype_id=resultaat(zaak.zaaktype, uitkomst),
        einddatum=einddatum,
    )


@pytest.fixture
def wachtende_zaak(db, world, archief_zaaktype):
    """A committed zaak closed in 2020 whose calculation waits for a hand-entered date."""
    zaak = nieuwe_zaak(
        db, world, archief_zaaktype, omschrijving="Vergunning", startdatum=date(2020, 1, 2)
    )
    sluit(db, world, zaak, "Hand", date(2020, 6, 1))
    db.commit()
    return zaak


@pytest.fixture
def gesloten(db, world, archief_zaaktype):
    """A committed zaak closed in February 2024 with a result to destroy (P5Y)."""
    zaak = nieuwe_zaak(db, world, archief_zaaktype, startdatum=date(2024, 1, 10))
    sluit(db, world, zaak, "Afgehandeld", date(2024, 2, 29))
    db.commit()
    return zaak


@pytest.fixture
def over_te_brengen(db, world, archief_zaaktype, store, tmp_path, monkeypatch):
    """A committed zaak due for transfer today (its date moved back, as if 20 years had
    passed), with two files, and the archive creator configured."""
    from tests.overbrenging_helpers import configure, due_zaak

    configure(monkeypatch)
    zaak = due_zaak(db, world, archief_zaaktype, store, tmp_path)
    zaak.archiefactiedatum = date.today() - timedelta(days=1)
    db.commit()
    return zaak


@pytest.fixture
def vernietiging_opzet(db, world, archief_zaaktype, store, tmp_path, monkeypatch):
    """The people of a destruction list and two zaken due for destruction, without
    bedenktijd."""
    from tests import vernietiging_helpers as vh

    monkeypatch.setenv(vernietiging.BEDENKTIJD_ENV, "0")
    people = vh.cast(db, world)
    archief = vh.build(db, world, archief_zaaktype, store, tmp_path, n=2)
    return people, archief


# -- helpers for the web tests ---------------------------------------------------------------


def login(client, user) -> None:
    """Log ``user`` in to the web UI (logging out whoever was logged in)."""
    client.post("/logout")
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def bearer(db, user) -> dict:
    """API headers with a fresh token of ``user`` (committed)."""
    _token, secret = create_token(db, None, user, "test", None)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def download(client, url, headers=None):
    """Read and close the answer (a download streams an open file)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response
