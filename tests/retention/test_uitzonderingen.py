"""Uitzonderingen (hotspots): every scope flips a closed zaak to blijvend_bewaren with its
source and back when removed; overlapping exceptions; newly closed zaken; bad input."""

from __future__ import annotations

from datetime import date

import pytest

from archive import zaken
from archive.audit import AuditEvent
from archive.errors import Conflict, Forbidden, NotFound, ValidationFailed
from archive.models import Uitzondering
from retention import uitzonderingen as u
from retention.uitzonderingen import UitzonderingGegevens
from tests import factories
from tests.fixtures_archivering import resultaat

EIND = date(2024, 2, 29)


def gegevens(scope: str, **kwargs) -> UitzonderingGegevens:
    base = dict(
        scope=scope,
        omschrijving="hotspot Asielopvang 2026",
        toelichting="Maatschappelijk belang: opvang vluchtelingen",
        besluitkenmerk="B&W 2026/123",
    )
    base.update(kwargs)
    return UitzonderingGegevens(**base)


@pytest.fixture
def make_closed(db, world, archief_zaaktype):
    def make(*, startdatum=date(2024, 1, 10), afdeling=None, omschrijving="Afgehandeld"):
        zaak = factories.make_zaak(
            db,
            world.medewerker,
            zaaktype=archief_zaaktype,
            afdeling=afdeling or world.afdeling,
            startdatum=startdatum,
        )
        zaken.close_zaak(
            db,
            world.medewerker,
            zaak,
            resultaattype_id=resultaat(archief_zaaktype, omschrijving),
            einddatum=EIND,
        )
        return zaak

    return make


def assert_calculated(zaak):
    assert zaak.archiefnominatie == "vernietigen"
    assert zaak.archiefactiedatum == date(2029, 2, 28)
    assert "7.1" in zaak.archiefnominatie_bron


def assert_kept(zaak, uitzondering):
    assert zaak.archiefnominatie == "blijvend_bewaren"
    assert zaak.archiefactiedatum == date(2044, 2, 29)  # transfer after P20Y
    assert zaak.archiefnominatie_bron == (
        f"uitzondering {uitzondering.id}: hotspot Asielopvang 2026, besluit B&W 2026/123"
    )


@pytest.mark.parametrize("scope", ["afdeling", "zaaktype", "periode", "zaken"])
def test_each_scope_flips_the_nominatie_and_removing_flips_it_back(
    db, world, archief_zaaktype, make_closed, scope
):
    zaak = make_closed()
    other = make_closed(afdeling=world.andere_afdeling, startdatum=date(2023, 5, 1))
    other.zaaktype_id  # noqa: B018 - loaded
    assert_calculated(zaak)
    assert not u.is_exempted(db, zaak)
    extra = {
        "afdeling": {"afdeling": world.afdeling.code},
        "zaaktype": {"zaaktype": archief_zaaktype.identificatie},
        "periode": {"periode_van": date(2024, 1, 1), "periode_tot": date(2024, 1, 31)},
        "zaken": {"zaken": [zaak.identificatie]},
    }[scope]
    uitzondering, changed = u.add_exception(db, world.archivaris, gegevens(scope, **extra))
    assert_kept(zaak, uitzondering)
    assert u.is_exempted(db, zaak)
    if scope == "zaaktype":  # the other zaak has the same zaaktype
        assert changed == 2
    else:
        assert changed == 1
        assert_calculated(other)
        assert not u.is_exempted(db, other)
    event = db.query(AuditEvent).filter_by(actie="uitzondering.toegevoegd").one()
    assert event.na["scope"] == scope and event.user_id == world.archivaris.id

    removed, changed = u.remove_exception(db, world.archivaris, uitzondering.id)
    assert not removed.actief and removed.verwijderd_door_id == world.archivaris.id
    assert_calculated(zaak)
    assert not u.is_exempted(db, zaak)
    assert db.get(Uitzondering, uitzondering.id) is not None  # the row stays
    with pytest.raises(Conflict):
        u.remove_exception(db, world.archivaris, uitzondering.id)


def test_search_selection_resolves_once_and_stores_the_zaken(db, world, make_closed, tmp_path):
    from search.whoosh_backend import WhooshBackend
    from search.worker import rebuild_from_database

    factories.make_member(db, world.afdeling, world.archivaris, rol="lezen")
    zaak = make_closed()
    zaak.omschrijving = "Opvang azc Zuid"
    other = make_closed()
    other.omschrijving = "Bouwvergunning"
    db.flush()
    backend = WhooshBackend(tmp_path / "index")
    rebuild_from_database(lambda: db, backend, close_sessions=False)

    uitzondering, changed = u.add_exception(
        db, world.archivaris, gegevens("zoekselectie", zoekvraag="azc"), backend=backend
    )
    assert changed == 1
    assert u.zaak_identificaties(db, uitzondering) == [zaak.identificatie]
    assert_kept(zaak, uitzondering)
    assert_calculated(other)
    # deterministic: a zaak matching later is not covered
    other.omschrijving = "Ook azc"
    db.flush()
    rebuild_from_database(lambda: db, backend, close_sessions=False)
    assert not u.is_exempted(db, other)

    with pytest.raises(ValidationFailed) as nothing:
        u.add_exception(
            db, world.archivaris, gegevens("zoekselectie", zoekvraag="xyzzy"), backend=backend
        )
    assert "zoekvraag" in nothing.value.errors
    with pytest.raises(ValidationFailed):  # without a backend it cannot be resolved
        u.add_exception(db, world.archivaris, gegevens("zoekselectie", zoekvraag="azc"))


def test_overlapping_exceptions_keep_the_zaak_until_the_last_goes(db, world, make_closed):
    zaak = make_closed()
    first, _ = u.add_exception(
        db, world.archivaris, gegevens("afdeling", afdeling=world.afdeling.code)
    )
    second, changed = u.add_exception(
        db, world.archivaris, gegevens("zaken", zaken=[zaak.identificatie])
    )
    assert changed == 0  # already kept by the first; the source stays the oldest
    assert_kept(zaak, first)
    u.remove_exception(db, world.archivaris, first.id)
    assert_kept(zaak, second)  # the other still applies
    u.remove_exception(db, world.archivaris, second.id)
    assert_calculated(zaak)


def test_department_policy_and_exception_together(db, world, make_closed):
    world.afdeling.retentiebeleid = "blijvend_bewaren"
    world.afdeling.retentie_reden = "Vluchtelingenopvang"
    zaak = make_closed()
    assert "hotspot afdeling" in zaak.archiefnominatie_bron
    uitzondering, _ = u.add_exception(
        db, world.archivaris, gegevens("zaken", zaken=[zaak.identificatie])
    )
    assert "hotspot afdeling" in zaak.archiefnominatie_bron  # the department comes first
    world.afdeling.retentiebeleid = None
    u.remove_exception(db, world.archivaris, uitzondering.id)
    assert_calculated(zaak)
    assert [a.code for a in u.department_policies(db, world.archivaris)] == []


def test_a_zaak_closed_later_under_an_active_exception_gets_it(
    db, world, archief_zaaktype, make_closed
):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=archief_zaaktype,
        afdeling=world.afdeling,
        startdatum=date(2024, 1, 10),
    )
    uitzondering, changed = u.add_exception(
        db, world.archivaris, gegevens("periode", periode_van=EIND, periode_tot=EIND)
    )
    assert changed == 0
    u.remove_exception(db, world.archivaris, uitzondering.id)
    uitzondering, changed = u.add_exception(
        db,
        world.archivaris,
        gegevens("periode", periode_van=date(2024, 1, 10), periode_tot=date(2024, 1, 10)),
    )
    assert changed == 0 and zaak.archiefnominatie is None  # open: nothing to compute yet
    zaken.close_zaak(
        db,
        world.medewerker,
        zaak,
        resultaattype_id=resultaat(archief_zaaktype, "Afgehandeld"),
        einddatum=EIND,
    )
    assert_kept(zaak, uitzondering)
    # reopening and closing again keeps it
    zaken.reopen_zaak(db, world.medewerker, zaak, toelichting="Bezwaar")
    assert zaak.archiefnominatie is None
    zaken.close_zaak(
        db,
        world.medewerker,
        zaak,
        resultaattype_id=resultaat(archief_zaaktype, "Afgehandeld"),
        einddatum=EIND,
    )
    assert_kept(zaak, uitzondering)


def test_periode_counts_the_startdatum_inclusive(db, world, make_closed):
    binnen = make_closed(startdatum=date(2024, 1, 31))
    buiten = make_closed(startdatum=date(2024, 2, 1))
    u.add_exception(
        db,
        world.archivaris,
        gegevens("periode", periode_van=date(2024, 1, 1), periode_tot=date(2024, 1, 31)),
    )
    assert binnen.archiefnominatie == "blijvend_bewaren"
    assert buiten.archiefnominatie == "vernietigen"  # closed in the period, started after


@pytest.mark.parametrize(
    ("scope", "extra", "veld"),
    [
        ("afdeling", {"afdeling": "BESTAATNIET"}, "afdeling"),
        ("afdeling", {}, "afdeling"),
        ("zaaktype", {"zaaktype": "ZTONBEKEND"}, "zaaktype"),
        (
            "periode",
            {"periode_van": date(2024, 2, 1), "periode_tot": date(2024, 1, 1)},
            "periode_tot",
        ),
        ("periode", {"periode_van": date(2024, 2, 1)}, "periode_tot"),
        ("zaken", {"zaken": ["ZAAK-2099-0000999"]}, "zaken"),
        ("zaken", {"zaken": []}, "zaken"),
        ("zoekselectie", {"zoekvraag": " "}, "zoekvraag"),
        ("alles", {}, "scope"),
        ("zaken", {"toelichting": "  "}, "toelichting"),
        ("zaken", {"besluitkenmerk": ""}, "besluitkenmerk"),
        ("zaken", {"omschrijving": ""}, "omschrijving"),
    ],
)
def test_bad_input_is_refused_and_leaves_nothing(db, world, make_closed, scope, extra, veld):
    zaak = make_closed()
    extra = {"zaken": [zaak.identificatie], **extra} if scope == "zaken" else extra
    with pytest.raises(ValidationFailed) as refused:
        u.add_exception(db, world.archivaris, gegevens(scope, **extra))
    assert veld in refused.value.errors
    assert db.query(Uitzondering).count() == 0
    assert db.query(AuditEvent).filter_by(actie="uitzondering.toegevoegd").count() == 0
    assert_calculated(zaak)


def test_only_the_archivaris(db, world, make_closed):
    zaak = make_closed()
    for user in (world.medewerker, world.beheerder, world.auditor):
        with pytest.raises(Forbidden):
            u.add_exception(db, user, gegevens("zaken", zaken=[zaak.identificatie]))
        with pytest.raises(Forbidden):
            u.list_exceptions(db, user)
    uitzondering, _ = u.add_exception(
        db, world.archivaris, gegevens("zaken", zaken=[zaak.identificatie])
    )
    with pytest.raises(Forbidden):
        u.remove_exception(db, world.medewerker, uitzondering.id)
    with pytest.raises(NotFound):
        u.remove_exception(db, world.archivaris, 987654)
    assert [x.id for x in u.list_exceptions(db, world.archivaris)] == [uitzondering.id]
    u.remove_exception(db, world.archivaris, uitzondering.id)
    assert u.list_exceptions(db, world.archivaris) == []
    assert [x.id for x in u.list_exceptions(db, world.archivaris, actief=None)] == [uitzondering.id]


def test_transferred_zaken_are_not_recomputed(db, world, make_closed):
    zaak = make_closed()
    zaak.archiefstatus = "overgedragen"
    db.flush()
    _, changed = u.add_exception(
        db, world.archivaris, gegevens("afdeling", afdeling=world.afdeling.code)
    )
    assert changed == 0 and zaak.archiefnominatie == "vernietigen"
