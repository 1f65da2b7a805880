"""The person's dossier (``search.service.person_dossier``): exact at once, from the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from archive import machtigingen
from archive.errors import NotFound
from archive.models import ToegangslogRegel
from search import service
from tests import factories

BSN = "123456782"


@pytest.fixture
def persoon(db, world, build):
    """One person in a zaak of each department; a document in each zaak."""
    zaak_a = build.zaak("Zorgmelding noord")
    doc_a = build.document(zaak_a, "verslag", titel="Verslag noord")
    zaak_b = build.zaak("Zorgmelding zuid", afdeling=world.andere_afdeling)
    doc_b = build.document(zaak_b, "brief", titel="Brief zuid", ontvangstdatum=date(2020, 3, 1))
    betrokkene = build.persoon(zaak_a, bsn=BSN)
    build.persoon(zaak_b, bsn=BSN)
    db.commit()
    return betrokkene, zaak_a, doc_a, zaak_b, doc_b


def regels(dossier) -> list[tuple[str, str]]:
    return [(r.type, r.object.identificatie) for r in dossier.regels]


def test_by_bsn_and_by_betrokkene_id_in_time_order(db, world, persoon):
    betrokkene, zaak_a, doc_a, zaak_b, doc_b = persoon
    by_bsn = service.person_dossier(db, world.medewerker, BSN)
    by_id = service.person_dossier(db, world.medewerker, betrokkene_id=betrokkene.id)
    assert by_bsn.betrokkene is by_id.betrokkene is betrokkene
    assert regels(by_bsn) == regels(by_id)
    # oldest first (the letter received in 2020); on one day zaken before documents
    assert regels(by_bsn) == [
        ("document", doc_b.identificatie),
        ("zaak", zaak_a.identificatie),
        ("zaak", zaak_b.identificatie),
        ("document", doc_a.identificatie),
    ]
    datums = [r.datum for r in by_bsn.regels]
    assert datums == sorted(datums)
    assert by_bsn.regels[0].zaak is zaak_b  # the zaak through which the document appears


def test_bsn_or_id_not_both(db, world, persoon):
    betrokkene = persoon[0]
    with pytest.raises(TypeError):
        service.person_dossier(db, world.medewerker)
    with pytest.raises(TypeError):
        service.person_dossier(db, world.medewerker, BSN, betrokkene_id=betrokkene.id)


def test_only_what_the_user_sees_and_404_when_nothing(db, world, persoon):
    betrokkene, zaak_a, doc_a, zaak_b, doc_b = persoon
    buiten = service.person_dossier(db, world.buitenstaander, BSN)
    assert regels(buiten) == [("document", doc_b.identificatie), ("zaak", zaak_b.identificatie)]
    nobody = factories.make_user(db)
    db.commit()
    for user in (world.lezer, world.beheerder, nobody):
        with pytest.raises(NotFound) as seen:
            service.person_dossier(db, user, BSN)
        with pytest.raises(NotFound) as unknown:
            service.person_dossier(db, user, "999999990")
        assert seen.value.message == unknown.value.message  # hidden looks like unknown
    for missing in (betrokkene.id + 10_000, 0, -1, 2**70):
        with pytest.raises(NotFound):
            service.person_dossier(db, world.medewerker, betrokkene_id=missing)


def test_document_above_the_clearance_is_left_out(db, world, build):
    zaak = build.zaak("Zorgmelding")
    build.persoon(zaak, bsn=BSN)
    gewoon = build.document(zaak, "verslag", titel="Verslag")
    geheim = build.document(zaak, "rapport", titel="Rapport", vertrouwelijkheidaanduiding="geheim")
    beperkt = factories.make_user(db)
    factories.make_member(db, world.afdeling, beperkt, clearance="vertrouwelijk")
    db.commit()
    shown = {ident for _t, ident in regels(service.person_dossier(db, beperkt, BSN))}
    assert gewoon.identificatie in shown and geheim.identificatie not in shown
    full = service.person_dossier(db, world.medewerker, BSN)
    assert geheim.identificatie in {ident for _t, ident in regels(full)}


def test_a_grant_opens_the_persons_zaak(db, world, build):
    zaak = build.zaak("Zorgmelding")
    build.persoon(zaak, bsn=BSN)
    regisseur = factories.make_user(db)
    factories.make_member(db, world.afdeling, regisseur, rol="regie", clearance="geheim")
    partner = factories.make_user(db)
    db.commit()
    with pytest.raises(NotFound):
        service.person_dossier(db, partner, BSN)
    machtigingen.grant(
        db, regisseur, zaak, partner, reden="Ketenpartner", verloopt_op=date.today() + timedelta(7)
    )
    db.commit()
    assert regels(service.person_dossier(db, partner, BSN)) == [("zaak", zaak.identificatie)]


def test_regie_sees_other_departments_and_their_contacts_only(db, world, persoon):
    _betrokkene, zaak_a, _doc_a, zaak_b, _doc_b = persoon
    regie_zuid = factories.make_user(db)
    factories.make_member(db, world.andere_afdeling, regie_zuid, rol="regie", clearance="geheim")
    contact = factories.make_user(db)
    factories.make_member(db, world.afdeling, contact, rol="regie", clearance="geheim")
    db.commit()

    dossier = service.person_dossier(db, regie_zuid, BSN)
    assert {r.zaak.id for r in dossier.regels} == {zaak_b.id}
    [andere] = dossier.andere_afdelingen
    assert andere.afdeling.id == world.afdeling.id
    # only the regie of that department; the medewerker and lezer there are no contacts
    assert [u.id for u in andere.contactpersonen] == [contact.id]

    off = service.person_dossier(db, regie_zuid, BSN, toon_andere_afdelingen=False)
    assert off.andere_afdelingen == [] and regels(off) == regels(dossier)
    # not regie: no hint at all
    assert service.person_dossier(db, world.buitenstaander, BSN).andere_afdelingen == []
    # regie who sees every zaak: nothing "other" to point at
    factories.make_member(db, world.afdeling, regie_zuid, rol="lezen", clearance="geheim")
    db.commit()
    assert service.person_dossier(db, regie_zuid, BSN).andere_afdelingen == []


def test_logging_the_dossier_shown(db, world, persoon):
    user = world.buitenstaander
    dossier = service.person_dossier(db, user, BSN)
    assert service.log_shown_dossier(db, user, dossier) == 2  # zaakvertrouwelijk: logged
    db.flush()
    rows = db.scalars(select(ToegangslogRegel).where(ToegangslogRegel.user_id == user.id)).all()
    assert {(r.object_type, r.pad) for r in rows} == {("zaak", "zoeken"), ("document", "zoeken")}
    zaak_b = persoon[3]
    assert {r.zaak_id for r in rows} == {zaak_b.id}
