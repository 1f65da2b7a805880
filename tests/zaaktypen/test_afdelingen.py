from datetime import date, timedelta

import pytest

from archive import afdelingen as lifecycle
from archive import zaken
from archive.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests import factories
from zaaktypen import afdelingen
from zaaktypen.afdelingen import AfdelingGegevens


def _virtueel(db, actor, **kw):
    args = (
        dict(
            code="VLOP26",
            naam="Vluchtelingenopvang 2026",
            virtueel=True,
            startdatum=date.today(),
            geplande_einddatum=date.today() + timedelta(days=90),
            vertrouwelijkheidaanduiding="vertrouwelijk",
        )
        | kw
    )
    return afdelingen.create_department(db, actor, AfdelingGegevens(**args))


def test_virtual_department_rules(db, world):
    with pytest.raises(ValidationFailed) as info:
        _virtueel(
            db,
            world.beheerder,
            startdatum=None,
            geplande_einddatum=None,
            retentiebeleid="blijvend_bewaren",
        )
    assert {"startdatum", "geplande_einddatum", "retentie_reden", "retentie_besluit"} <= set(
        info.value.errors
    )
    with pytest.raises(ValidationFailed):
        _virtueel(db, world.beheerder, geplande_einddatum=date.today() - timedelta(days=1))
    with pytest.raises(Forbidden):
        _virtueel(db, world.medewerker)


def test_only_own_and_chosen_generic_zaaktypen_in_a_virtual_department(db, world):
    afdeling = _virtueel(db, world.beheerder)
    factories.make_member(db, afdeling, world.medewerker)
    with pytest.raises(ValidationFailed) as info:
        zaken.open_zaak(
            db, world.medewerker, zaaktype=world.zaaktype, afdeling=afdeling, omschrijving="x"
        )
    assert "niet gekozen" in info.value.errors["zaaktype"][0]
    afdelingen.choose_generic_zaaktype(db, world.beheerder, afdeling, world.zaaktype.identificatie)
    zaak = zaken.open_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=afdeling, omschrijving="x"
    )
    # the stricter of department (vertrouwelijk) and zaaktype (zaakvertrouwelijk)
    assert zaak.vertrouwelijkheidaanduiding == "vertrouwelijk"
    assert world.zaaktype in afdelingen.zaaktypen_for(db, afdeling)
    afdelingen.unchoose_generic_zaaktype(
        db, world.beheerder, afdeling, world.zaaktype.identificatie
    )
    assert world.zaaktype not in afdelingen.zaaktypen_for(db, afdeling)
    assert zaak.zaaktype == world.zaaktype  # existing zaken keep it
    with pytest.raises(NotFound):
        afdelingen.unchoose_generic_zaaktype(
            db, world.beheerder, afdeling, world.zaaktype.identificatie
        )


def test_lifecycle_actief_sluitend_gesloten_with_report(db, world):
    afdeling = _virtueel(db, world.beheerder)
    afdelingen.choose_generic_zaaktype(db, world.beheerder, afdeling, world.zaaktype.identificatie)
    factories.make_member(db, afdeling, world.medewerker)
    zaak = zaken.open_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=afdeling,
        omschrijving="opvang sporthal",
    )
    with pytest.raises(Conflict, match="sluitend"):
        lifecycle.close(db, world.beheerder, afdeling)
    afdelingen.start_closing(db, world.beheerder, afdeling)
    with pytest.raises(ValidationFailed) as info:
        zaken.open_zaak(
            db, world.medewerker, zaaktype=world.zaaktype, afdeling=afdeling, omschrijving="te laat"
        )
    assert "sluitend" in info.value.errors["afdeling"][0]
    zaken.set_status(
        db, world.medewerker, zaak, statustype_id=world.zaaktype.statustypen[1].id
    )  # existing zaken go on
    with pytest.raises(Conflict, match="open zaak"):
        lifecycle.close(db, world.beheerder, afdeling)
    zaken.close_zaak(
        db, world.medewerker, zaak, resultaattype_id=world.zaaktype.resultaattypen[0].id
    )
    rows = lifecycle.close(db, world.beheerder, afdeling)
    assert afdeling.status == "gesloten" and afdeling.gesloten_op is not None
    assert [r.identificatie for r in rows] == [zaak.identificatie]
    assert lifecycle.report_pdf(afdeling, rows)[:4] == b"%PDF"
    csv_text = lifecycle.report_csv(rows)
    assert zaak.identificatie in csv_text and "blijvend_bewaren" in csv_text
    with pytest.raises(Conflict):
        afdelingen.set_member(
            db, world.beheerder, afdeling, world.lezer, rol="lezen", clearance="intern"
        )
    with pytest.raises(Conflict):
        afdelingen.update_department(
            db,
            world.beheerder,
            afdeling,
            AfdelingGegevens(
                code=afdeling.code,
                naam="x",
                startdatum=date.today(),
                geplande_einddatum=date.today(),
            ),
        )


def test_report_csv_neutralises_formulas(db, world):
    afdeling = _virtueel(db, world.beheerder)
    afdelingen.choose_generic_zaaktype(db, world.beheerder, afdeling, world.zaaktype.identificatie)
    factories.make_member(db, afdeling, world.medewerker)
    zaken.open_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=afdeling,
        omschrijving='=HYPERLINK("http://x")',
    )
    assert "'=HYPERLINK" in lifecycle.report_csv(lifecycle.report_rows(db, afdeling))


def test_update_department_moves_the_planned_end(db, world):
    afdeling = _virtueel(db, world.beheerder)
    nieuw = date.today() + timedelta(days=365)
    afdelingen.update_department(
        db,
        world.beheerder,
        afdeling,
        AfdelingGegevens(
            code="ANDERS",
            naam="Opvang Oekraïne",
            startdatum=afdeling.startdatum,
            geplande_einddatum=nieuw,
            vertrouwelijkheidaanduiding="vertrouwelijk",
        ),
    )
    assert afdeling.code == "VLOP26"  # the code never changes
    assert afdeling.naam == "Opvang Oekraïne" and afdeling.geplande_einddatum == nieuw


def test_members_and_near_end_warning(db, world):
    afdeling = _virtueel(db, world.beheerder, geplande_einddatum=date.today() + timedelta(days=10))
    lid = afdelingen.set_member(
        db, world.beheerder, afdeling, world.lezer, rol="lezen", clearance="intern"
    )
    afdelingen.set_member(
        db, world.beheerder, afdeling, world.lezer, rol="regie", clearance="geheim"
    )
    assert (lid.rol, lid.clearance) == ("regie", "geheim") and len(afdeling.leden) == 1
    with pytest.raises(ValidationFailed):
        afdelingen.set_member(
            db, world.beheerder, afdeling, world.lezer, rol="baas", clearance="intern"
        )
    near = dict(afdelingen.departments_near_end(db))
    assert near[afdeling] == 10
    afdelingen.remove_member(db, world.beheerder, afdeling, world.lezer)
    assert afdeling.leden == []


def test_report_preview_before_closing(db, world):
    afdeling = _virtueel(db, world.beheerder)
    rows = lifecycle.report_rows(db, afdeling)
    assert lifecycle.report_pdf(afdeling, rows)[:4] == b"%PDF"


def test_closed_department_gets_no_new_zaaktypen(db, world):
    from zaaktypen import services as cat

    afdeling = _virtueel(db, world.beheerder)
    afdelingen.start_closing(db, world.beheerder, afdeling)
    lifecycle.close(db, world.beheerder, afdeling)
    with pytest.raises(Conflict):
        afdelingen.choose_generic_zaaktype(
            db, world.beheerder, afdeling, world.zaaktype.identificatie
        )
    with pytest.raises(Conflict):
        cat.create_concept(
            db,
            world.beheerder,
            cat.ZaakTypeGegevens(
                identificatie="NIEUW", omschrijving="x", vertrouwelijkheidaanduiding="intern"
            ),
            afdeling=afdeling,
        )


def test_department_lookup_by_code_is_never_an_id(db, world):
    from archive.errors import NotFound
    from zaaktypen import services as cat

    numeric = cat.create_afdeling(db, world.beheerder, code=str(world.afdeling.id), naam="N")
    assert cat.get_afdeling(db, str(world.afdeling.id)) == numeric
    assert cat.get_afdeling(db, world.afdeling.id) == world.afdeling
    with pytest.raises(NotFound):
        cat.get_afdeling(db, "BESTAATNIET")


def test_report_lists_every_zaak_but_masks_what_the_viewer_may_not_see(db, world):
    afdeling = _virtueel(db, world.beheerder)
    afdelingen.choose_generic_zaaktype(db, world.beheerder, afdeling, world.zaaktype.identificatie)
    factories.make_member(db, afdeling, world.medewerker)
    zaak = zaken.open_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=afdeling,
        omschrijving="Gezin Jansen, Kerkstraat 1",
    )
    [voor_beheerder] = lifecycle.report_rows(db, afdeling, world.beheerder)
    assert voor_beheerder.identificatie == zaak.identificatie
    assert voor_beheerder.omschrijving == lifecycle.AFGESCHERMD
    [voor_lid] = lifecycle.report_rows(db, afdeling, world.medewerker)
    assert voor_lid.omschrijving == "Gezin Jansen, Kerkstraat 1"


def test_a_closed_department_is_read_only(db, world):
    from zaaktypen import services as cat

    b = world.beheerder
    afdeling = _virtueel(db, b)
    factories.make_member(db, afdeling, world.medewerker)
    eigen = cat.create_zaaktype(
        db,
        b,
        identificatie="VLOP26-OPVANG",
        omschrijving="Opvanglocatie",
        vertrouwelijkheidaanduiding="vertrouwelijk",
        statustypen=["Aangemeld", "Gesloten"],
        resultaattypen=["Gesloten"],
        afdeling=afdeling,
    )
    concept = cat.create_zaaktype(
        db,
        b,
        identificatie="VLOP26-BRIEF",
        omschrijving="Bewonersbrief",
        vertrouwelijkheidaanduiding="vertrouwelijk",
        statustypen=["Opgesteld", "Verzonden"],
        resultaattypen=["Verzonden"],
        afdeling=afdeling,
        publiceren=False,
    )
    afdelingen.start_closing(db, b, afdeling)
    lifecycle.close(db, b, afdeling)
    refusals = [
        lambda: afdelingen.remove_member(db, b, afdeling, world.medewerker),
        lambda: cat.new_version(db, b, eigen.identificatie),
        lambda: cat.end_validity(db, b, eigen, date.today()),
        lambda: cat.publish(db, b, concept),
        lambda: cat.add_statustype(db, b, concept, omschrijving="Gearchiveerd"),
        lambda: cat.remove_part(db, b, concept, concept.roltypen[0]),
    ]
    for refuse in refusals:
        with pytest.raises(Conflict) as info:
            refuse()
        assert "gesloten" in info.value.message and afdeling.naam in info.value.message
    assert [lid.user_id for lid in afdeling.leden] == [world.medewerker.id]
    assert eigen.datum_einde_geldigheid is None and concept.concept
    assert [v.versie for v in cat._versions(db, eigen.identificatie)] == [1]
    assert len(concept.statustypen) == 2 and len(concept.roltypen) == 2


def test_choosing_a_generic_zaaktype_is_audited(db, world):
    from sqlalchemy import select

    from archive.audit import AuditEvent

    afdeling = _virtueel(db, world.beheerder)
    ident = world.zaaktype.identificatie

    def events():
        return db.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "afdeling", AuditEvent.object_id == afdeling.code)
            .where(AuditEvent.actie.like("afdeling.zaaktype_%"))
            .order_by(AuditEvent.id)
        ).all()

    afdelingen.choose_generic_zaaktype(db, world.beheerder, afdeling, ident)
    afdelingen.choose_generic_zaaktype(db, world.beheerder, afdeling, ident)  # already chosen
    afdelingen.unchoose_generic_zaaktype(db, world.beheerder, afdeling, ident)
    assert [(e.actie, e.na or e.voor, e.user_id) for e in events()] == [
        ("afdeling.zaaktype_gekozen", {"zaaktype": ident}, world.beheerder.id),
        ("afdeling.zaaktype_verwijderd", {"zaaktype": ident}, world.beheerder.id),
    ]
