"""zaak_telling (migration 0013): triggers keep a count per department, zaaktype, level and
open/closed, and a zaken list's count summed from it equals counting the visible rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, update

from archive import access, machtigingen, zaken
from archive.models import User, Zaak, ZaakTelling
from tests import factories
from tests.fixtures_archivering import resultaat


def telling(db) -> dict[tuple, int]:
    db.flush()
    return {
        (t.afdeling_id, t.zaaktype_id, t.vertrouwelijkheidaanduiding, bool(t.open)): t.aantal
        for t in db.scalars(select(ZaakTelling).execution_options(populate_existing=True))
        if t.aantal
    }


def counted(db) -> dict[tuple, int]:
    open_ = Zaak.einddatum.is_(None)
    rows = db.execute(
        select(
            Zaak.afdeling_id,
            Zaak.zaaktype_id,
            Zaak.vertrouwelijkheidaanduiding,
            open_,
            func.count(),
        ).group_by(Zaak.afdeling_id, Zaak.zaaktype_id, Zaak.vertrouwelijkheidaanduiding, open_)
    )
    return {(a, z, v, bool(o)): n for a, z, v, o, n in rows}


@pytest.fixture
def twee_typen(db, world):
    andere = factories.make_zaaktype(db, vertrouwelijkheidaanduiding="intern")
    from zaaktypen.afdelingen import choose_generic_zaaktype

    for afdeling in (world.afdeling, world.andere_afdeling):
        for zt in (world.zaaktype, andere):
            if zt.afdeling_id is None:
                choose_generic_zaaktype(db, None, afdeling, zt.identificatie)
    return world.zaaktype, andere


def test_the_services_keep_it_equal_to_the_zaken(db, world):
    m = world.medewerker
    before = counted(db)
    assert telling(db) == before
    a = factories.make_zaak(db, m, zaaktype=world.zaaktype, afdeling=world.afdeling)
    b = factories.make_zaak(
        db, m, zaaktype=world.zaaktype, afdeling=world.andere_afdeling,
        vertrouwelijkheidaanduiding="geheim", startdatum=date.today() - timedelta(days=30),
    )  # fmt: skip
    assert telling(db) == counted(db) != before
    zaken.close_zaak(db, m, b, resultaattype_id=world.zaaktype.resultaattypen[0].id)
    assert telling(db) == counted(db)
    zaken.set_status(db, m, a, statustype_id=world.zaaktype.statustypen[1].id)
    assert telling(db) == counted(db)
    zaken.reopen_zaak(db, m, b, toelichting="Toch niet klaar")
    assert telling(db) == counted(db)


def test_bulk_writes_and_raw_sql_are_counted_too(db, world):
    """The generator inserts in bulk, destruction deletes, a recompute updates: the
    triggers see every statement, whoever writes it."""
    m = world.medewerker
    zaak = factories.make_zaak(db, m, zaaktype=world.zaaktype, afdeling=world.afdeling)
    db.flush()
    rows = [
        {
            "identificatie": f"BULK-{n}",
            "zaaktype_id": world.zaaktype.id,
            "afdeling_id": (world.afdeling if n % 2 else world.andere_afdeling).id,
            "omschrijving": "Bulk",
            "toelichting": "",
            "registratiedatum": date(2024, 1, 1),
            "startdatum": date(2024, 1, 1),
            "einddatum": date(2024, 2, 1) if n % 3 == 0 else None,
            "vertrouwelijkheidaanduiding": ("intern", "geheim")[n % 2],
            "resultaat_toelichting": "",
            "archiefstatus": "nog_te_archiveren",
            "archiefnominatie_bron": "",
        }
        for n in range(12)
    ]
    db.execute(insert(Zaak), rows)
    assert telling(db) == counted(db)
    db.execute(
        update(Zaak)
        .where(Zaak.identificatie.like("BULK-%"))
        .values(afdeling_id=world.afdeling.id, vertrouwelijkheidaanduiding="openbaar")
    )
    assert telling(db) == counted(db)
    db.execute(update(Zaak).where(Zaak.identificatie == "BULK-0").values(einddatum=None))
    db.execute(update(Zaak).where(Zaak.id == zaak.id).values(einddatum=date.today()))
    assert telling(db) == counted(db)
    # an update of anything else leaves the counters alone
    before = telling(db)
    db.execute(update(Zaak).where(Zaak.identificatie.like("BULK-%")).values(omschrijving="x"))
    assert telling(db) == before
    db.execute(delete(Zaak).where(Zaak.identificatie.like("BULK-%")))
    assert telling(db) == counted(db)


def _grant(db, world, zaak, user, clearance=None):
    return machtigingen.grant(
        db, world.beheerder, zaak, user, reden="Ketenpartner",
        verloopt_op=date.today() + timedelta(days=30), clearance=clearance,
    )  # fmt: skip


def test_count_zaken_equals_counting_the_visible_rows(db, world, twee_typen):
    zt1, zt2 = twee_typen
    m = world.medewerker
    made = []
    for n in range(24):
        afdeling = world.afdeling if n % 3 else world.andere_afdeling
        level = ("openbaar", "intern", "zaakvertrouwelijk", "vertrouwelijk", "geheim")[n % 5]
        zaak = factories.make_zaak(
            db, m, zaaktype=zt1 if n % 2 else zt2, afdeling=afdeling,
            vertrouwelijkheidaanduiding=level, startdatum=date.today() - timedelta(days=10),
        )  # fmt: skip
        if n % 4 == 0:
            zt = zaak.zaaktype
            zaken.close_zaak(db, m, zaak, resultaattype_id=zt.resultaattypen[0].id)
        made.append(zaak)
    partner = factories.make_user(db)
    factories.make_member(db, world.afdeling, partner, rol="lezen", clearance="zaakvertrouwelijk")
    # grants: outside the partner's departments, inside one (already visible), and one
    # whose clearance is below the zaak's level (reaches nothing)
    buiten = [z for z in made if z.afdeling_id == world.andere_afdeling.id]
    binnen = next(
        z for z in made
        if z.afdeling_id == world.afdeling.id and z.vertrouwelijkheidaanduiding == "intern"
    )  # fmt: skip
    _grant(db, world, buiten[0], partner)
    _grant(db, world, buiten[1], partner)
    _grant(db, world, binnen, partner)
    # a grant given before the zaak's level was raised above it: it reaches nothing now
    te_hoog = next(z for z in buiten[2:] if z.vertrouwelijkheidaanduiding == "intern")
    _grant(db, world, te_hoog, partner)
    te_hoog.vertrouwelijkheidaanduiding = "geheim"
    alleen_grants = factories.make_user(db)
    _grant(db, world, buiten[3], alleen_grants)
    niemand = factories.make_user(db)
    inactief = factories.make_user(db)
    factories.make_member(db, world.afdeling, inactief)
    inactief.active = False
    db.flush()

    filters = [
        zaken.ZaakFilter(),
        zaken.ZaakFilter(open=True),
        zaken.ZaakFilter(open=False),
        zaken.ZaakFilter(zaaktype_id=zt1.id),
        zaken.ZaakFilter(afdeling_id=world.andere_afdeling.id, open=True),
        zaken.ZaakFilter(zaaktype_id=zt2.id, afdeling_id=world.afdeling.id),
        zaken.ZaakFilter(zoek=buiten[0].identificatie.lower()),
    ]
    users: list[User] = [
        m, world.lezer, world.buitenstaander, partner, alleen_grants, niemand, inactief,
    ]  # fmt: skip
    seen_nonzero = set()
    for user in users:
        for filt in filters:
            conditions = [access.zaak_filter(user), *zaken._filter_conditions(filt)]
            expected = db.scalar(select(func.count()).select_from(Zaak).where(*conditions))
            assert zaken.count_zaken(db, user, filt) == expected, (user.username, filt)
            # the list's count rides along in its page query: the same, on any page,
            # and on a page past the end (no row to carry it)
            for page, per_page in ((1, 2), (2, 2), (expected // 2 + 2, 2)):
                listed = zaken.list_zaken(db, user, filt, page=page, per_page=per_page)
                assert listed.total == expected, (user.username, filt, page)
            if expected:
                seen_nonzero.add(user.username)
    # the comparison is not vacuous: the partner sees their grants, the others theirs
    assert {
        m.username,
        world.lezer.username,
        partner.username,
        alleen_grants.username,
    } <= seen_nonzero
    assert zaken.count_zaken(db, alleen_grants, zaken.ZaakFilter()) == 1
    page = zaken.list_zaken(db, partner, zaken.ZaakFilter(), per_page=200)
    assert page.total == len(page.items)


def test_the_triggers_are_in_place_after_migrating(db, world, archief_zaaktype):
    """Guards against a later migration rebuilding ``zaak`` (SQLite's move and copy) and
    dropping them: a zaak created and closed through the services is counted."""
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=archief_zaaktype, afdeling=world.afdeling,
        startdatum=date(2020, 1, 2),
    )  # fmt: skip
    key = (world.afdeling.id, archief_zaaktype.id, zaak.vertrouwelijkheidaanduiding)
    assert telling(db).get((*key, True)) == 1
    zaken.close_zaak(
        db, world.medewerker, zaak, resultaattype_id=resultaat(archief_zaaktype, "Afgehandeld"),
        einddatum=date(2020, 6, 1),
    )  # fmt: skip
    assert telling(db).get((*key, True)) is None
    assert telling(db).get((*key, False)) == 1
