"""Access filtering is part of the query: hits, totals and facets for several users."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from archive import machtigingen
from archive.documents import link_document
from archive.errors import ValidationFailed
from archive.models import Machtiging
from search import service
from tests import factories


def run(db, backend, user, q="", **kw):
    return service.search(db, user, q, backend=backend, **kw)


def keys(result):
    return sorted(h.key for h in result.hits)


def test_results_counts_and_facets_per_user(db, world, build, backend, sync):
    w = world
    intern = build.zaak("Overlast woonwagenkamp", vertrouwelijkheidaanduiding="intern")
    geheim = build.zaak("Ondermijning woonwagenkamp", vertrouwelijkheidaanduiding="geheim")
    elders = build.zaak(
        "Woonwagenkamp nazorg", afdeling=w.andere_afdeling, vertrouwelijkheidaanduiding="intern"
    )
    doc_intern = build.document(
        intern, "rapport woonwagenkamp", vertrouwelijkheidaanduiding="intern"
    )
    doc_geheim = build.document(
        intern, "rapport woonwagenkamp", vertrouwelijkheidaanduiding="geheim"
    )
    build.document(elders, "rapport woonwagenkamp", vertrouwelijkheidaanduiding="intern")
    sync()

    alles = run(db, backend, w.medewerker, "woonwagenkamp")
    assert alles.total == 6
    assert alles.facets["afdeling"] == {w.afdeling.code: 4, w.andere_afdeling.code: 2}
    assert alles.labels["afdeling"][w.afdeling.code] == w.afdeling.naam

    lezer = run(db, backend, w.lezer, "woonwagenkamp")  # afdeling only, up to intern
    assert keys(lezer) == sorted([f"zaak:{intern.id}", f"document:{doc_intern.id}"])
    assert lezer.total == 2
    assert lezer.facets["afdeling"] == {w.afdeling.code: 2}
    assert sum(lezer.facets["jaar"].values()) == 2
    assert lezer.facets["informatieobjecttype"] == {w.iot.omschrijving: 1}

    buiten = run(db, backend, w.buitenstaander, "woonwagenkamp")
    assert buiten.total == 2 and buiten.facets["afdeling"] == {w.andere_afdeling.code: 2}

    assert run(db, backend, w.beheerder, "woonwagenkamp").total == 0
    assert run(db, backend, w.auditor, "").total == 0
    assert f"document:{doc_geheim.id}" not in keys(run(db, backend, w.lezer, "rapport"))
    assert geheim.id not in [h.object_id for h in run(db, backend, w.lezer, "ondermijning").hits]


def test_grant_opens_one_zaak_and_revoking_closes_it_at_once(db, world, build, backend, sync):
    w = world
    zaak = build.zaak("Casus Veiligheidshuis", vertrouwelijkheidaanduiding="vertrouwelijk")
    build.zaak("Andere casus Veiligheidshuis", vertrouwelijkheidaanduiding="vertrouwelijk")
    partner = factories.make_user(db)
    sync()
    assert run(db, backend, partner, "veiligheidshuis").total == 0
    grant = machtigingen.grant(
        db,
        w.beheerder,
        zaak,
        partner,
        reden="casusoverleg",
        verloopt_op=date.today() + timedelta(days=30),
        clearance="vertrouwelijk",
    )
    db.flush()
    result = run(db, backend, partner, "veiligheidshuis")
    assert keys(result) == [f"zaak:{zaak.id}"] and result.total == 1
    machtigingen.revoke(db, w.beheerder, grant.id)
    db.flush()
    assert run(db, backend, partner, "veiligheidshuis").total == 0


def test_grant_with_too_low_clearance_does_not_open_the_zaak(db, world, build, backend, sync):
    zaak = build.zaak("Geheime casus", vertrouwelijkheidaanduiding="geheim")
    partner = factories.make_user(db)
    # the grant service refuses such a grant now; one from before that rule still exists
    with pytest.raises(ValidationFailed):
        machtigingen.grant(
            db,
            world.beheerder,
            zaak,
            partner,
            reden="overleg",
            verloopt_op=date.today() + timedelta(days=5),
            clearance="vertrouwelijk",
        )
    db.add(
        Machtiging(
            zaak_id=zaak.id,
            user_id=partner.id,
            rol="lezen",
            clearance="vertrouwelijk",
            reden="overleg",
            verloopt_op=date.today() + timedelta(days=5),
        )
    )
    db.flush()
    sync()
    assert run(db, backend, partner, "casus").total == 0


def test_document_in_two_zaken_shows_only_what_the_user_sees(db, world, build, backend, sync):
    """A shared report must not reveal, through facets or filters, the other zaak."""
    w = world
    hier = build.zaak("Casus hier", vertrouwelijkheidaanduiding="intern")
    daar = build.zaak(
        "Casus daar", afdeling=w.andere_afdeling, vertrouwelijkheidaanduiding="intern"
    )
    rapport = build.document(hier, "gedeeld rapport", vertrouwelijkheidaanduiding="intern")
    link_document(db, w.medewerker, rapport, daar)
    sync()
    key = f"document:{rapport.id}"

    lezer = run(db, backend, w.lezer, "gedeeld rapport")
    assert keys(lezer) == [key]
    assert lezer.facets["afdeling"] == {w.afdeling.code: 1}
    assert run(db, backend, w.lezer, f"rapport afdeling:{w.andere_afdeling.code}").total == 0
    assert (
        run(db, backend, w.lezer, "rapport", filters={"afdeling": w.andere_afdeling.code}).total
        == 0
    )
    assert run(db, backend, w.lezer, f"rapport NOT afdeling:{w.andere_afdeling.code}").total == 1

    buiten = run(db, backend, w.buitenstaander, "gedeeld rapport")
    assert keys(buiten) == [key]
    assert buiten.facets["afdeling"] == {w.andere_afdeling.code: 1}
    assert run(db, backend, w.buitenstaander, f"rapport afdeling:{w.afdeling.code}").total == 0

    beide = run(db, backend, w.medewerker, "gedeeld rapport")
    assert beide.facets["afdeling"] == {w.afdeling.code: 1, w.andere_afdeling.code: 1}


def test_document_level_applies_through_each_zaak(db, world, build, backend, sync):
    """A vertrouwelijk document in an intern zaak needs vertrouwelijk clearance."""
    w = world
    zaak = build.zaak("Casus", vertrouwelijkheidaanduiding="intern")
    doc = build.document(zaak, "medisch verslag", vertrouwelijkheidaanduiding="vertrouwelijk")
    partner = factories.make_user(db)
    regie = factories.make_user(db)
    factories.make_member(db, w.afdeling, regie, rol="regie", clearance="vertrouwelijk")
    machtigingen.grant(
        db,
        regie,
        zaak,
        partner,
        reden="overleg",
        verloopt_op=date.today() + timedelta(days=5),
        clearance="vertrouwelijk",
    )
    sync()
    assert run(db, backend, w.lezer, "verslag").total == 0  # intern clearance
    assert keys(run(db, backend, partner, "verslag")) == [f"document:{doc.id}"]


def test_structured_filters_and_facet_values(db, world, build, backend, sync):
    w = world
    zaak = build.zaak("Huisbezoek", vertrouwelijkheidaanduiding="intern")
    build.document(zaak, "verslag huisbezoek", vertrouwelijkheidaanduiding="intern")
    sync()
    r = run(db, backend, w.medewerker, "huisbezoek", filters={"types": "document"})
    assert [h.type for h in r.hits] == ["document"]
    r = run(db, backend, w.medewerker, "huisbezoek", filters={"zaaktype": w.zaaktype.identificatie})
    assert r.total == 2
    assert r.labels["zaaktype"] == {w.zaaktype.identificatie: w.zaaktype.omschrijving}
    year = date.today().year
    assert run(db, backend, w.medewerker, "", filters={"jaar": year}).total >= 2
    r = run(db, backend, w.medewerker, "", filters={"informatieobjecttype": w.iot.omschrijving})
    assert r.total == 1
