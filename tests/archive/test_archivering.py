"""Retention on the zaak: computed at closing, pending until a date is known, recomputed
when an input changes, flipped by a department hotspot, cleared by reopening."""

from __future__ import annotations

from datetime import date

import pytest

from archive import archivering, zaken
from archive.audit import AuditEvent
from archive.errors import Conflict, Forbidden, ValidationFailed
from tests import factories
from tests.fixtures_archivering import resultaat

EIND = date(2024, 2, 29)


@pytest.fixture
def zaaktype(archief_zaaktype):
    return archief_zaaktype


@pytest.fixture
def zaak(db, world, zaaktype):
    return factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=zaaktype,
        afdeling=world.afdeling,
        startdatum=date(2024, 1, 10),
    )


def close(db, world, zaak, zaaktype, omschrijving):
    return zaken.close_zaak(
        db,
        world.medewerker,
        zaak,
        resultaattype_id=resultaat(zaaktype, omschrijving),
        einddatum=EIND,
    )


def test_closing_computes_the_archiefactiedatum_from_the_resultaattype(db, world, zaak, zaaktype):
    close(db, world, zaak, zaaktype, "Afgehandeld")
    assert zaak.archiefnominatie == "vernietigen"
    assert zaak.brondatum == EIND
    assert zaak.archiefactiedatum == date(2029, 2, 28)  # 29 February + P5Y
    assert zaak.archief_wacht_op is None
    assert "7.1" in zaak.archiefnominatie_bron
    event = db.query(AuditEvent).filter_by(actie="zaak.archivering_berekend").one()
    assert event.na["archiefactiedatum"] == "2029-02-28"


def test_termijn_adds_the_procestermijn_first(db, world, zaak, zaaktype):
    close(db, world, zaak, zaaktype, "Termijn")
    assert zaak.brondatum == date(2025, 2, 28)
    assert zaak.archiefactiedatum == date(2026, 2, 28)


def test_eigenschap_date_unknown_at_closing_stays_pending_until_entered(db, world, zaak, zaaktype):
    close(db, world, zaak, zaaktype, "Vervaldatum")
    assert zaak.archiefactiedatum is None
    assert zaak.archief_wacht_op == "eigenschap 'vervaldatum'"
    archivering.set_brondatum(db, world.medewerker, zaak, date(2026, 1, 31))
    assert zaak.brondatum == date(2026, 1, 31)
    assert zaak.archiefactiedatum == date(2031, 1, 31)
    assert zaak.archief_wacht_op is None
    # changing the input recomputes
    archivering.set_brondatum(db, world.medewerker, zaak, date(2027, 1, 31))
    assert zaak.archiefactiedatum == date(2032, 1, 31)
    archivering.set_brondatum(db, world.medewerker, zaak, None)
    assert zaak.archiefactiedatum is None and zaak.archief_wacht_op


def test_eigenschap_set_before_closing_counts(db, world, zaak, zaaktype):
    zaken.set_eigenschappen(db, world.medewerker, zaak, {"vervaldatum": "2025-06-30"})
    close(db, world, zaak, zaaktype, "Vervaldatum")
    assert zaak.archiefactiedatum == date(2030, 6, 30)


def test_hand_entered_brondatum(db, world, zaak, zaaktype):
    close(db, world, zaak, zaaktype, "Hand")
    assert zaak.archief_wacht_op == "handmatige brondatum"
    archivering.set_brondatum(db, world.medewerker, zaak, date(2027, 12, 31))
    assert zaak.archiefactiedatum == date(2028, 12, 31)


def test_hand_entered_date_is_refused_where_the_date_is_derived(db, world, zaak, zaaktype):
    close(db, world, zaak, zaaktype, "Afgehandeld")
    with pytest.raises(ValidationFailed) as info:
        archivering.set_brondatum(db, world.medewerker, zaak, date(2030, 1, 1))
    assert "leidt de brondatum zelf af" in info.value.errors["brondatum"][0]
    with pytest.raises(Forbidden):
        archivering.set_brondatum(db, world.lezer, zaak, date(2030, 1, 1))


def test_deelzaak_follows_its_hoofdzaak(db, world, zaak, zaaktype):
    hoofd = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=zaaktype,
        afdeling=world.afdeling,
        omschrijving="Hoofd",
        startdatum=date(2024, 1, 2),
    )
    archivering.set_hoofdzaak(db, world.medewerker, zaak, hoofd)
    close(db, world, zaak, zaaktype, "Deelzaak")
    assert zaak.archief_wacht_op == "einddatum van de hoofdzaak"
    zaken.close_zaak(
        db,
        world.medewerker,
        hoofd,
        resultaattype_id=resultaat(zaaktype, "Afgehandeld"),
        einddatum=date(2025, 1, 15),
    )
    assert zaak.brondatum == date(2025, 1, 15)
    assert zaak.archiefactiedatum == date(2035, 1, 15)  # 2.1: P10Y
    with pytest.raises(ValidationFailed):
        archivering.set_hoofdzaak(db, world.medewerker, hoofd, zaak)  # no chains


def test_complete_pending_fills_in_what_became_known(db, world, zaak, zaaktype):
    close(db, world, zaak, zaaktype, "Hand")
    zaak.handmatige_brondatum = date(2026, 5, 1)  # e.g. imported; not through the service
    db.flush()
    assert archivering.complete_pending(db) == 1
    assert zaak.archiefactiedatum == date(2027, 5, 1)


def test_department_hotspot_keeps_permanently_and_says_why(db, world, zaak, zaaktype):
    world.afdeling.retentiebeleid = "blijvend_bewaren"
    world.afdeling.retentie_reden = "Vluchtelingenopvang: maatschappelijk belang"
    world.afdeling.retentie_besluit = "B&W 2026/123"
    close(db, world, zaak, zaaktype, "Afgehandeld")
    assert zaak.archiefnominatie == "blijvend_bewaren"
    assert zaak.archiefactiedatum == date(2044, 2, 29)  # due for transfer after P20Y
    assert "hotspot" in zaak.archiefnominatie_bron and "B&W 2026/123" in zaak.archiefnominatie_bron
    # removing the exception recomputes: back to the selectielijst
    world.afdeling.retentiebeleid = None
    archivering.apply(db, None, zaak)
    assert zaak.archiefnominatie == "vernietigen"
    assert zaak.archiefactiedatum == date(2029, 2, 28)


def test_transfer_term_is_configurable(db, world, zaak, zaaktype, monkeypatch):
    monkeypatch.setenv("OVERBRENGINGSTERMIJN", "P10Y")
    close(db, world, zaak, zaaktype, "Bewaren")
    assert zaak.archiefnominatie == "blijvend_bewaren"
    assert zaak.archiefactiedatum == date(2034, 2, 28)


def test_reopening_clears_the_dates_and_closing_again_computes_them(db, world, zaak, zaaktype):
    close(db, world, zaak, zaaktype, "Afgehandeld")
    with pytest.raises(ValidationFailed):
        zaken.reopen_zaak(db, world.medewerker, zaak, toelichting=" ")
    zaken.reopen_zaak(db, world.medewerker, zaak, toelichting="Bezwaar gegrond")
    assert zaak.is_open and zaak.resultaattype is None
    assert zaak.archiefnominatie is None and zaak.archiefactiedatum is None
    assert zaak.huidige_status.statustype.omschrijving != "Afgehandeld"
    with pytest.raises(Conflict):
        zaken.reopen_zaak(db, world.medewerker, zaak, toelichting="nog eens")
    close(db, world, zaak, zaaktype, "Termijn")
    assert zaak.archiefactiedatum == date(2026, 2, 28)


def test_archived_zaak_cannot_be_reopened(db, world, zaak, zaaktype):
    close(db, world, zaak, zaaktype, "Afgehandeld")
    zaak.archiefstatus = "gearchiveerd"
    with pytest.raises(Conflict):
        zaken.reopen_zaak(db, world.medewerker, zaak, toelichting="te laat")
