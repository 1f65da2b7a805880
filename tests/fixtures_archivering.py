"""Fixtures for retention tests: a published zaaktype with one resultaattype per
afleidingswijze, and a closed zaak whose calculation waits for a date (a pytest plugin
registered in tests/conftest.py, so test modules share them without importing)."""

from __future__ import annotations

from datetime import date

import pytest

from archive import zaken
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


@pytest.fixture
def wachtende_zaak(db, world, archief_zaaktype):
    """A committed zaak closed in 2020 whose calculation waits for a hand-entered date."""
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=archief_zaaktype,
        afdeling=world.afdeling,
        omschrijving="Vergunning",
        startdatum=date(2020, 1, 2),
    )
    zaken.close_zaak(
        db,
        world.medewerker,
        zaak,
        resultaattype_id=resultaat(archief_zaaktype, "Hand"),
        einddatum=date(2020, 6, 1),
    )
    db.commit()
    return zaak
