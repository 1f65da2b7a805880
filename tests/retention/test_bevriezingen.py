"""Bevriezingen (legal holds): placed and lifted only by an archivist, history kept, a held
zaak or document cannot be deleted; and the archiefstatus transitions with their rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from archive import zaken
from archive.audit import AuditEvent
from archive.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from archive.models import Bevriezing, Document, Zaak
from retention import archiefstatus
from retention import bevriezingen as b
from retention.bevriezingen import BevriezingGegevens
from tests import corpus, factories
from tests.fixtures_archivering import resultaat


@pytest.fixture
def zaak(db, world):
    return factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )


@pytest.fixture
def document(db, world, zaak, store, tmp_path):
    path = corpus.normal_pdf(tmp_path / "brief.pdf", text="Brief aan de rechtbank")
    return factories.file(db, world.medewerker, zaak, path, world.iot, store).document


def hold(db, actor, *, zaak=None, document=None, **kwargs):
    base = dict(
        grond="rechtszaak",
        reden="Procedure tegen de gemeente, rolnummer 123",
        eigenaar=kwargs.pop("eigenaar", None) or "",
        zaak=zaak.identificatie if zaak else None,
        document=document.identificatie if document else None,
        kenmerk="ROL-123",
    )
    base.update(kwargs)
    return b.place_hold(db, actor, BevriezingGegevens(**base))


def test_a_held_zaak_is_held_until_lifted_and_the_history_stays(db, world, zaak, document):
    assert not b.is_held(db, zaak.id) and not b.is_document_held(db, document.id)
    placed = hold(db, world.archivaris, zaak=zaak, eigenaar=world.medewerker.username)
    assert placed.actief and placed.startdatum == date.today()
    assert placed.geplaatst_door_id == world.archivaris.id
    assert b.is_held(db, zaak.id)
    assert b.is_document_held(db, document.id)  # through its zaak
    with pytest.raises(Conflict, match="bevroren"):
        b.require_not_held(db, zaak_id=zaak.id)
    with pytest.raises(Conflict):
        b.require_not_held(db, document_id=document.id)
    assert b.held_zaak_ids(db, [zaak.id, 999999]) == {zaak.id}
    assert b.report(db, world.archivaris)["per_grond"]["rechtszaak"] == 1

    with pytest.raises(ValidationFailed):
        b.lift_hold(db, world.archivaris, placed.id, toelichting=" ")
    lifted = b.lift_hold(db, world.archivaris, placed.id, toelichting="Uitspraak onherroepelijk")
    assert not lifted.actief and lifted.opgeheven_door_id == world.archivaris.id
    assert not b.is_held(db, zaak.id)
    b.require_not_held(db, zaak_id=zaak.id, document_id=document.id)
    with pytest.raises(Conflict):
        b.lift_hold(db, world.archivaris, placed.id, toelichting="nogmaals")
    assert db.get(Bevriezing, placed.id) is not None
    assert b.list_holds(db, world.archivaris) == []
    assert [h.id for h in b.list_holds(db, world.archivaris, actief=None)] == [placed.id]
    acties = [
        e.actie
        for e in db.scalars(select(AuditEvent).where(AuditEvent.object_type == "bevriezing"))
    ]
    assert acties == ["bevriezing.geplaatst", "bevriezing.opgeheven"]


def test_a_held_document_holds_its_zaak(db, world, zaak, document):
    hold(db, world.archivaris, document=document, eigenaar=world.medewerker.username,
         grond="woo_verzoek", kenmerk="WOO-2026-7")  # fmt: skip
    assert b.is_document_held(db, document.id)
    assert b.is_held(db, zaak.id)  # destroying the zaak would take the document
    other = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    assert not b.is_held(db, other.id)


def test_deleting_a_held_zaak_or_document_is_refused(db, world, zaak, document):
    placed = hold(db, world.archivaris, document=document, eigenaar=world.medewerker.username)
    db.commit()
    db.delete(db.get(Document, document.id))
    with pytest.raises(Conflict, match="bevroren"):
        db.flush()
    db.rollback()
    hold(db, world.archivaris, zaak=zaak, eigenaar=world.medewerker.username)
    db.commit()
    db.delete(db.get(Zaak, zaak.id))
    with pytest.raises(Conflict):
        db.flush()
    db.rollback()
    # once lifted the document may go; the hold's history keeps its identificatie
    b.lift_hold(db, world.archivaris, placed.id, toelichting="Woo-besluit genomen")
    db.get(Document, document.id).zaak_links.clear()
    db.flush()
    db.delete(db.get(Document, document.id))
    db.flush()
    db.expire_all()
    kept = db.get(Bevriezing, placed.id)
    assert kept.document_id is None and kept.object_identificatie == document.identificatie


def test_only_an_archivaris_places_and_lifts(db, world, zaak):
    for user in (world.medewerker, world.beheerder, world.auditor):
        with pytest.raises(Forbidden):
            hold(db, user, zaak=zaak, eigenaar=world.medewerker.username)
    placed = hold(db, world.archivaris, zaak=zaak, eigenaar=world.medewerker.username)
    for user in (world.medewerker, world.beheerder):  # not even the owner
        with pytest.raises(Forbidden):
            b.lift_hold(db, user, placed.id, toelichting="klaar")
        with pytest.raises(Forbidden):
            b.list_holds(db, user)
    with pytest.raises(NotFound):
        b.lift_hold(db, world.archivaris, 99999, toelichting="klaar")
    assert b.is_held(db, zaak.id)


@pytest.mark.parametrize(
    ("kwargs", "veld"),
    [
        ({"grond": "ruzie"}, "grond"),
        ({"reden": "  "}, "reden"),
        ({"eigenaar": "niemand"}, "eigenaar"),
        ({"startdatum": date.today() + timedelta(days=1)}, "startdatum"),
        ({"zaak": "ZAAK-2099-0009999"}, "zaak"),
        ({"zaak": None}, "zaak"),
        ({"document": "DOC-2099-0009999"}, "zaak"),  # both named
    ],
)
def test_bad_input_is_refused_and_leaves_nothing(db, world, zaak, kwargs, veld):
    base = dict(
        grond="calamiteitenonderzoek",
        reden="Onderzoek IGJ",
        eigenaar=world.medewerker.username,
        zaak=zaak.identificatie,
    )
    base.update(kwargs)
    with pytest.raises(ValidationFailed) as refused:
        b.place_hold(db, world.archivaris, BevriezingGegevens(**base))
    assert veld in refused.value.errors
    assert db.query(Bevriezing).count() == 0


def test_the_same_hold_twice_is_a_conflict_but_another_ground_is_not(db, world, zaak):
    hold(db, world.archivaris, zaak=zaak, eigenaar=world.medewerker.username)
    with pytest.raises(Conflict):
        hold(db, world.archivaris, zaak=zaak, eigenaar=world.medewerker.username)
    hold(db, world.archivaris, zaak=zaak, eigenaar=world.medewerker.username,
         grond="woo_verzoek", kenmerk="WOO-1")  # fmt: skip
    assert len(b.holds_for_zaak(db, zaak.id)) == 2
    assert b.report(db, world.archivaris)["totaal"] == 2
    csv = b.export_csv(db, world.archivaris)
    assert csv.splitlines()[0].startswith("id,object_type,object")
    assert zaak.identificatie in csv and "Procedure" not in csv  # no reasons in the export


# -- archiefstatus --------------------------------------------------------------------------


@pytest.fixture
def gesloten(db, world, archief_zaaktype, store, tmp_path):
    """A closed zaak (vernietigen, P5Y) with one document, still in bewerking."""
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=archief_zaaktype,
        afdeling=world.afdeling,
        startdatum=date(2024, 1, 2),
    )
    path = corpus.normal_pdf(tmp_path / "besluit.pdf", text="Besluit")
    doc = factories.file(db, world.medewerker, zaak, path, world.iot, store).document
    zaken.close_zaak(
        db,
        world.medewerker,
        zaak,
        resultaattype_id=resultaat(archief_zaaktype, "Afgehandeld"),
        einddatum=date(2024, 3, 1),
    )
    return zaak, doc


def test_archiving_needs_every_document_definitief(db, world, gesloten):
    zaak, doc = gesloten
    with pytest.raises(DomainError, match=doc.identificatie):
        archiefstatus.set_archiefstatus(db, zaak, "gearchiveerd", world.archivaris)
    assert zaak.archiefstatus == "nog_te_archiveren"
    doc.status = "definitief"
    archiefstatus.set_archiefstatus(db, zaak, "gearchiveerd", world.archivaris)
    assert zaak.archiefstatus == "gearchiveerd"
    event = db.query(AuditEvent).filter_by(actie="zaak.archiefstatus_gewijzigd").one()
    assert event.voor == {"archiefstatus": "nog_te_archiveren"}
    # an archived zaak cannot be reopened (archivering's rule) nor go back
    with pytest.raises(Conflict):
        zaken.reopen_zaak(db, world.medewerker, zaak, toelichting="Bezwaar")
    with pytest.raises(archiefstatus.ArchiefstatusRefused):
        archiefstatus.set_archiefstatus(db, zaak, "nog_te_archiveren", world.archivaris)
    with pytest.raises(Conflict):
        archiefstatus.set_archiefstatus(db, zaak, "gearchiveerd", world.archivaris)


def test_overgedragen_only_through_the_transfer_and_only_when_kept(db, world, gesloten):
    zaak, doc = gesloten
    doc.status = "definitief"
    with pytest.raises(archiefstatus.ArchiefstatusRefused):  # not from nog_te_archiveren
        archiefstatus.set_archiefstatus(
            db, zaak, "overgedragen", world.archivaris, via_overbrenging=True
        )
    archiefstatus.set_archiefstatus(db, zaak, "gearchiveerd", world.archivaris)
    with pytest.raises(archiefstatus.ArchiefstatusRefused, match="overbrenging"):
        archiefstatus.set_archiefstatus(db, zaak, "overgedragen", world.archivaris)
    with pytest.raises(archiefstatus.ArchiefstatusRefused, match="blijvend"):
        archiefstatus.set_archiefstatus(
            db, zaak, "overgedragen", world.archivaris, via_overbrenging=True
        )
    zaak.archiefnominatie = "blijvend_bewaren"
    archiefstatus.set_archiefstatus(db, zaak, "overgedragen", None, via_overbrenging=True)
    assert zaak.archiefstatus == "overgedragen"
    with pytest.raises(archiefstatus.ArchiefstatusRefused):
        archiefstatus.set_archiefstatus(db, zaak, "gearchiveerd", world.archivaris)


def test_procestermijn_onbekend_while_the_calculation_waits(db, world, wachtende_zaak):
    zaak = wachtende_zaak
    assert zaak.archiefactiedatum is None
    with pytest.raises(archiefstatus.ArchiefstatusRefused, match="niet bekend"):
        archiefstatus.set_archiefstatus(db, zaak, "gearchiveerd", world.archivaris)
    archiefstatus.set_archiefstatus(
        db, zaak, "gearchiveerd_procestermijn_onbekend", world.archivaris
    )
    from archive import archivering

    zaak.handmatige_brondatum = date(2021, 1, 31)
    archivering.apply(db, None, zaak)
    archiefstatus.set_archiefstatus(db, zaak, "gearchiveerd", world.archivaris)
    assert zaak.archiefstatus == "gearchiveerd"


def test_archiefstatus_refusals(db, world, zaak, gesloten):
    with pytest.raises(archiefstatus.ArchiefstatusRefused, match="open"):
        archiefstatus.set_archiefstatus(db, zaak, "gearchiveerd", world.archivaris)
    with pytest.raises(ValidationFailed):
        archiefstatus.set_archiefstatus(db, zaak, "vernietigd", world.archivaris)
    closed, doc = gesloten
    doc.status = "definitief"
    with pytest.raises(Forbidden):
        archiefstatus.set_archiefstatus(db, closed, "gearchiveerd", world.medewerker)
    with pytest.raises(archiefstatus.ArchiefstatusRefused, match="bekend"):
        archiefstatus.set_archiefstatus(
            db, closed, "gearchiveerd_procestermijn_onbekend", world.archivaris
        )
