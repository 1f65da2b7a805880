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


def _closed(db, world, zaaktype, afdeling, uitkomst="Afgehandeld", **kwargs):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=zaaktype,
        afdeling=afdeling,
        startdatum=date(2024, 1, 10),
        **kwargs,
    )
    close(db, world, zaak, zaaktype, uitkomst)
    return zaak


def _berekend(db) -> int:
    return db.query(AuditEvent).filter_by(actie="zaak.archivering_berekend").count()


def test_recompute_closed_reapplies_retention_in_batches(db, world, zaaktype, monkeypatch):
    from zaaktypen.afdelingen import choose_generic_zaaktype

    monkeypatch.setattr(archivering, "RECOMPUTE_BATCH", 1)  # several batches, keyset walk
    choose_generic_zaaktype(db, None, world.andere_afdeling, zaaktype.identificatie)
    eerste = _closed(db, world, zaaktype, world.afdeling)
    tweede = _closed(db, world, zaaktype, world.afdeling, "Termijn")
    deel = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=zaaktype,
        afdeling=world.afdeling,
        omschrijving="Deel",
        startdatum=date(2024, 1, 10),
    )
    archivering.set_hoofdzaak(db, world.medewerker, deel, eerste)
    close(db, world, deel, zaaktype, "Afgehandeld")
    open_ = factories.make_zaak(db, world.medewerker, zaaktype=zaaktype, afdeling=world.afdeling)
    overgedragen = _closed(db, world, zaaktype, world.afdeling)
    overgedragen.archiefstatus = "overgedragen"
    elders = _closed(db, world, zaaktype, world.andere_afdeling)
    for afdeling in (world.afdeling, world.andere_afdeling):
        afdeling.retentiebeleid = "blijvend_bewaren"
        afdeling.retentie_reden = "Calamiteit"
    db.flush()
    before = _berekend(db)

    assert archivering.recompute_closed(db, None, afdeling_id=world.afdeling.id) == 3
    assert _berekend(db) == before + 3  # one event per changed zaak, the deelzaak once
    for zaak in (eerste, tweede, deel):
        assert zaak.archiefnominatie == "blijvend_bewaren"
        assert zaak.archiefnominatie_bron.startswith(f"hotspot afdeling {world.afdeling.code}")
    assert open_.archiefnominatie is None and open_.archiefnominatie_bron == ""
    assert overgedragen.archiefnominatie == "vernietigen"  # the e-Depot's now
    assert elders.archiefnominatie == "vernietigen"  # another department: not asked

    assert archivering.recompute_closed(db, None, afdeling_id=world.afdeling.id) == 0
    assert archivering.recompute_closed(db, None) == 1  # every department: only elders left
    assert elders.archiefnominatie == "blijvend_bewaren"
    assert archivering.recompute_closed(db, None, afdeling_id=10**9) == 0  # unknown: nothing


def _beleid(afdeling, **changes):
    from zaaktypen.afdelingen import AfdelingGegevens

    velden = {
        "code": afdeling.code,
        "naam": afdeling.naam,
        "virtueel": afdeling.virtueel,
        "doel": afdeling.doel,
        "startdatum": afdeling.startdatum,
        "geplande_einddatum": afdeling.geplande_einddatum,
        "vertrouwelijkheidaanduiding": afdeling.vertrouwelijkheidaanduiding,
        "retentiebeleid": afdeling.retentiebeleid,
        "retentie_reden": afdeling.retentie_reden,
        "retentie_besluit": afdeling.retentie_besluit,
    }
    return AfdelingGegevens(**(velden | changes))


def test_department_policy_change_recomputes_its_closed_zaken(db, world, zaaktype):
    from archive import afdelingen

    zaak = _closed(db, world, zaaktype, world.afdeling)
    open_ = factories.make_zaak(db, world.medewerker, zaaktype=zaaktype, afdeling=world.afdeling)
    assert zaak.archiefnominatie == "vernietigen"

    bewaren = _beleid(
        world.afdeling,
        retentiebeleid="blijvend_bewaren",
        retentie_reden="Vluchtelingenopvang",
        retentie_besluit="B&W 2026/123",
    )
    afdelingen.update_department(db, world.beheerder, world.afdeling, bewaren)
    assert zaak.archiefnominatie == "blijvend_bewaren"
    assert zaak.archiefactiedatum == date(2044, 2, 29)  # due for transfer after P20Y
    assert zaak.archiefnominatie_bron == (
        f"hotspot afdeling {world.afdeling.code}: Vluchtelingenopvang (B&W 2026/123)"
    )
    assert open_.archiefnominatie is None

    # a new decision reference is the source from now on
    afdelingen.update_department(
        db, world.beheerder, world.afdeling, _beleid(world.afdeling, retentie_besluit="B&W 2026/9")
    )
    assert "B&W 2026/9" in zaak.archiefnominatie_bron

    # a change that is not the policy recomputes nothing
    before = _berekend(db)
    afdelingen.update_department(
        db, world.beheerder, world.afdeling, _beleid(world.afdeling, doel="Opvang")
    )
    assert _berekend(db) == before

    afdelingen.update_department(
        db,
        world.beheerder,
        world.afdeling,
        _beleid(world.afdeling, retentiebeleid=None, retentie_reden="", retentie_besluit=""),
    )
    assert zaak.archiefnominatie == "vernietigen"
    assert zaak.archiefactiedatum == date(2029, 2, 28)
    assert "7.1" in zaak.archiefnominatie_bron


def test_only_a_beheerder_changes_the_policy_and_nothing_is_recomputed(db, world, zaaktype):
    from archive import afdelingen

    zaak = _closed(db, world, zaaktype, world.afdeling)
    bewaren = _beleid(
        world.afdeling, retentiebeleid="blijvend_bewaren", retentie_reden="R", retentie_besluit="B"
    )
    with pytest.raises(Forbidden):
        afdelingen.update_department(db, world.medewerker, world.afdeling, bewaren)
    assert world.afdeling.retentiebeleid is None and zaak.archiefnominatie == "vernietigen"
    with pytest.raises(ValidationFailed):  # a policy without its decision
        afdelingen.update_department(
            db,
            world.beheerder,
            world.afdeling,
            _beleid(world.afdeling, retentiebeleid="blijvend_bewaren", retentie_reden="R"),
        )
    assert world.afdeling.retentiebeleid is None and zaak.archiefnominatie == "vernietigen"
