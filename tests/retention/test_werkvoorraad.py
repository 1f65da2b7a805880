"""The archivist's work queue: due for destruction and transfer, missing and pending."""

from __future__ import annotations

from datetime import date

import pytest

from archive import zaken
from archive.errors import Forbidden
from retention import werkvoorraad
from tests import factories
from tests.fixtures_archivering import resultaat

TODAY = date(2031, 6, 1)


@pytest.fixture
def archivaris(db):
    return factories.make_user(db, roles=("archivaris",))


@pytest.fixture
def closed(db, world, archief_zaaktype):
    """Four closed zaken: due for destruction, kept (due for transfer later), pending, and
    one without retention data (as an old import would leave it)."""

    def make(omschrijving, result, einddatum):
        zaak = factories.make_zaak(
            db,
            world.medewerker,
            zaaktype=archief_zaaktype,
            afdeling=world.afdeling,
            omschrijving=omschrijving,
            startdatum=date(2020, 1, 2),
        )
        zaken.close_zaak(
            db,
            world.medewerker,
            zaak,
            resultaattype_id=resultaat(archief_zaaktype, result),
            einddatum=einddatum,
        )
        return zaak

    due = make("Te vernietigen", "Afgehandeld", date(2024, 5, 1))  # P5Y → 2029
    later = make("Nog niet", "Afgehandeld", date(2026, 11, 1))  # → 2031-11-01
    kept = make("Bewaren", "Bewaren", date(2020, 3, 1))  # P20Y → 2040
    waiting = make("Wacht", "Hand", date(2024, 5, 1))
    missing = make("Oud", "Afgehandeld", date(2021, 1, 1))
    missing.archiefnominatie = None
    missing.archiefactiedatum = None
    db.flush()
    return {"due": due, "later": later, "kept": kept, "waiting": waiting, "missing": missing}


def ids(rows):
    return {r.identificatie for r in rows}


def test_due_lists_per_soort(db, world, archivaris, closed):
    total, rows = werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)
    assert total == 1 and ids(rows) == {closed["due"].identificatie}
    assert rows[0].archiefactiedatum == date(2029, 5, 1)
    assert werkvoorraad.due(db, archivaris, "overbrengen", today=TODAY)[0] == 0
    assert ids(werkvoorraad.due(db, archivaris, "overbrengen", today=date(2040, 3, 1))[1]) == {
        closed["kept"].identificatie
    }
    assert ids(werkvoorraad.due(db, archivaris, "wachtend", today=TODAY)[1]) == {
        closed["waiting"].identificatie
    }
    assert ids(werkvoorraad.due(db, archivaris, "ontbrekend", today=TODAY)[1]) == {
        closed["missing"].identificatie
    }
    assert werkvoorraad.counts(db, archivaris, today=TODAY) == {
        "vernietigen": 1,
        "overbrengen": 0,
        "ontbrekend": 1,
        "wachtend": 1,
    }


def test_archivist_sees_retention_metadata_but_no_omschrijving(db, world, archivaris, closed):
    _total, rows = werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)
    assert rows[0].omschrijving is None  # not a member of the department
    factories.make_member(db, world.afdeling, archivaris, rol="lezen", clearance="geheim")
    _total, rows = werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)
    assert rows[0].omschrijving == "Te vernietigen"


def test_per_year_chart(db, archivaris, closed):
    chart = werkvoorraad.per_jaar(db, archivaris)
    assert chart[2029]["vernietigen"] == 1
    assert chart[2031]["vernietigen"] == 1
    assert chart[2040]["blijvend_bewaren"] == 1


def test_only_an_archivaris(db, world, closed):
    for user in (world.medewerker, world.beheerder, world.auditor):
        with pytest.raises(Forbidden):
            werkvoorraad.due(db, user, "vernietigen")
        with pytest.raises(Forbidden):
            werkvoorraad.counts(db, user)
