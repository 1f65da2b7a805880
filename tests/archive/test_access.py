"""The access policy: memberships, clearances, grants; absent means absent, in counts too."""

from datetime import date, timedelta

import pytest

from archive import access, documents, machtigingen, zaken
from archive.errors import Conflict, Forbidden, NotFound, ValidationFailed
from archive.zaken import ZaakFilter
from tests import corpus, factories


@pytest.fixture
def zaak(db, world):
    return factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        omschrijving="Vertrouwelijke zaak",
        vertrouwelijkheidaanduiding="vertrouwelijk",
    )


def test_membership_and_clearance_decide_visibility(db, world, zaak):
    assert access.can_view_zaak(world.medewerker, zaak)
    assert not access.can_view_zaak(world.lezer, zaak)  # member, but clearance intern
    assert not access.can_view_zaak(world.buitenstaander, zaak)  # other department
    assert not access.can_view_zaak(world.beheerder, zaak)  # a role is no membership
    for user in (world.lezer, world.buitenstaander, world.beheerder):
        with pytest.raises(NotFound):
            zaken.get_zaak(db, user, zaak.identificatie)


def test_lists_and_counts_contain_only_what_the_user_may_see(db, world, zaak):
    intern = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        vertrouwelijkheidaanduiding="intern",
    )
    factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.andere_afdeling
    )
    assert zaken.list_zaken(db, world.medewerker, ZaakFilter()).total == 3
    lezer = zaken.list_zaken(db, world.lezer, ZaakFilter())
    assert lezer.total == 1 and [z.id for z in lezer.items] == [intern.id]
    assert zaken.list_zaken(db, world.buitenstaander, ZaakFilter()).total == 1
    assert zaken.list_zaken(db, world.beheerder, ZaakFilter()).total == 0
    zoek = zaken.list_zaken(db, world.buitenstaander, ZaakFilter(zoek=zaak.identificatie))
    assert zoek.total == 0


def test_reading_members_cannot_change(db, world):
    openbaar = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        vertrouwelijkheidaanduiding="intern",
    )
    assert access.can_view_zaak(world.lezer, openbaar)
    assert not access.can_change_zaak(world.lezer, openbaar)
    with pytest.raises(Forbidden):
        zaken.set_status(db, world.lezer, openbaar, statustype_id=world.zaaktype.statustypen[1].id)
    with pytest.raises(Forbidden):
        zaken.open_zaak(
            db, world.lezer, zaaktype=world.zaaktype, afdeling=world.afdeling, omschrijving="x"
        )


def test_document_above_the_zaaks_level_needs_the_clearance(db, world, store, tmp_path):
    factories.make_member(
        db, world.afdeling, world.lezer, rol="lezen", clearance="zaakvertrouwelijk"
    )
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        vertrouwelijkheidaanduiding="intern",
    )
    path = corpus.normal_pdf(tmp_path / "a.pdf", text="psychiatrisch rapport")
    geheim = factories.file(
        db, world.medewerker, zaak, path, world.iot, store, vertrouwelijkheidaanduiding="geheim"
    ).document
    gewoon = factories.file(
        db, world.medewerker, zaak, path, world.iot, store, vertrouwelijkheidaanduiding="intern"
    ).document
    assert access.can_view_zaak(world.lezer, zaak)
    assert [d.id for d in documents.documents_of_zaak(db, world.lezer, zaak)] == [gewoon.id]
    with pytest.raises(NotFound):
        documents.get_document(db, world.lezer, geheim.identificatie)
    with pytest.raises(NotFound):
        documents.open_content(db, world.lezer, geheim, store=store)
    assert documents.get_document(db, world.medewerker, geheim.identificatie) == geheim


def test_grant_gives_a_partner_access_until_it_expires_or_is_revoked(db, world, zaak):
    partner = world.buitenstaander
    regisseur = factories.make_user(db)
    factories.make_member(db, world.afdeling, regisseur, rol="regie")
    with pytest.raises(Forbidden):
        machtigingen.grant(
            db,
            world.medewerker,
            zaak,
            partner,
            reden="x",
            verloopt_op=date.today() + timedelta(days=30),
        )
    with pytest.raises(ValidationFailed) as info:
        machtigingen.grant(db, regisseur, zaak, partner, reden="", verloopt_op=date.today())
    assert {"reden", "verloopt_op"} <= set(info.value.errors)
    m = machtigingen.grant(
        db,
        regisseur,
        zaak,
        partner,
        reden="Wijkagent in casusoverleg",
        verloopt_op=date.today() + timedelta(days=30),
    )
    assert m.clearance == "vertrouwelijk"
    assert zaken.get_zaak(db, partner, zaak.identificatie) == zaak
    assert not access.can_change_zaak(partner, zaak)  # lezen by default
    assert zaak.id in [z.id for z in zaken.list_zaken(db, partner, ZaakFilter()).items]
    with pytest.raises(Conflict):
        machtigingen.grant(
            db,
            regisseur,
            zaak,
            partner,
            reden="nog eens",
            verloopt_op=date.today() + timedelta(days=5),
        )
    machtigingen.revoke(db, regisseur, m.id)
    db.flush()
    with pytest.raises(NotFound):
        zaken.get_zaak(db, partner, zaak.identificatie)


def test_expired_grant_gives_nothing(db, world, zaak):
    m = machtigingen.grant(
        db,
        world.beheerder,
        zaak,
        world.buitenstaander,
        reden="kort",
        verloopt_op=date.today() + timedelta(days=1),
    )
    m.verloopt_op = date.today() - timedelta(days=1)
    db.flush()  # drops the session's cached rights: the grant changed
    assert not access.can_view_zaak(world.buitenstaander, zaak)


def test_inactive_user_sees_nothing(db, world, zaak):
    world.medewerker.active = False
    assert not access.can_view_zaak(world.medewerker, zaak)
    assert zaken.list_zaken(db, world.medewerker, ZaakFilter()).total == 0


def test_a_grant_with_more_clearance_opens_a_document_beside_a_membership(
    db, world, store, tmp_path
):
    """A member who may change (behandelen, intern) with a reading grant (geheim) on one
    zaak sees that zaak's geheim document: the clearance counts, not the stronger role."""
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        vertrouwelijkheidaanduiding="intern",
    )
    path = corpus.normal_pdf(tmp_path / "g.pdf", text="rapport")
    geheim = factories.file(
        db, world.medewerker, zaak, path, world.iot, store, vertrouwelijkheidaanduiding="geheim"
    ).document
    user = factories.make_user(db)
    factories.make_member(db, world.afdeling, user, rol="behandelen", clearance="intern")
    regisseur = factories.make_user(db)
    factories.make_member(db, world.afdeling, regisseur, rol="regie", clearance="geheim")
    assert not access.can_view_document(user, geheim)
    machtigingen.grant(
        db,
        regisseur,
        zaak,
        user,
        reden="Casusoverleg",
        verloopt_op=date.today() + timedelta(days=30),
        clearance="geheim",
    )
    db.flush()
    assert access.can_change_zaak(user, zaak)  # through the membership
    assert access.can_view_document(user, geheim)  # through the grant's clearance
    assert access.document_visible_via(user, geheim) == zaak
