"""Destruction lists: review, approval, bedenktijd, and an execution that leaves nothing of
a destroyed zaak, keeps shared documents, refuses held items and resumes when interrupted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from archive.audit import AuditEvent
from archive.db import utcnow
from archive.errors import Conflict, Forbidden, NotFound, ValidationFailed
from archive.models import (
    Betrokkene,
    Document,
    DocumentVersie,
    Machtiging,
    Rol,
    SearchOutbox,
    Vernietigingslijst,
    Zaak,
    ZaakDocument,
    ZaakEigenschap,
    ZaakStatus,
)
from retention import bevriezingen, uitzonderingen, vernietiging
from search import service as search_service
from search.backend import Zoekvraag
from search.service import rechten_voor
from search.whoosh_backend import WhooshBackend
from search.worker import process_outbox, rebuild_from_database
from tests import factories
from tests import vernietiging_helpers as h

MAX = 5 * 1024 * 1024


@pytest.fixture
def people(db, world):
    c = h.cast(db, world)
    db.commit()
    return c


@pytest.fixture
def archief(db, world, archief_zaaktype, store, tmp_path):
    return h.build(db, world, archief_zaaktype, store, tmp_path)


def run(db, c, lijst, store, **kwargs):
    return vernietiging.execute(
        db, c.auteur, lijst, store=store, max_bytes=MAX, now=h.after_bedenktijd(), **kwargs
    )


def count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def assert_gone(db, zaken, document_ids):
    """No row of these zaken and documents. SQLite may hand a freed id to a new row (the
    verklaring's zaak and documents), so only ids no new row took are checked by id."""
    identificaties = [z.identificatie for z in zaken]
    assert count(db, Zaak, Zaak.identificatie.in_(identificaties)) == 0
    reused = set(db.scalars(select(Zaak.id).where(Zaak.id.in_([z.id for z in zaken]))))
    zaak_ids = [z.id for z in zaken if z.id not in reused]
    for model in (ZaakStatus, Rol, ZaakEigenschap, ZaakDocument, Machtiging):
        assert count(db, model, model.zaak_id.in_(zaak_ids)) == 0, model
    reused = set(db.scalars(select(Document.id).where(Document.id.in_(document_ids))))
    free = [i for i in document_ids if i not in reused]
    assert count(db, DocumentVersie, DocumentVersie.document_id.in_(free)) == 0
    assert count(db, ZaakDocument, ZaakDocument.document_id.in_(free)) == 0


def test_execution_destroys_exactly_the_approved_zaken(db, world, people, archief, store, tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    rebuild_from_database(lambda: db, backend, close_sessions=False)
    keys_before = backend.all_keys()
    due_ids = [z.id for z in archief.due]
    doc_ids = [link.document_id for z in archief.due for link in z.document_links]
    doc_idents = [link.document.identificatie for z in archief.due for link in z.document_links]
    assert {f"zaak:{i}" for i in due_ids} <= keys_before
    # the archivist reads the department, so a search can find the zaken (before: it does)
    factories.make_member(db, world.afdeling, people.auteur, rol="lezen", clearance="geheim")
    db.commit()
    for zaak in archief.due:
        found = backend.search(Zoekvraag(q=f'"{zaak.omschrijving}"'), rechten_voor(people.auteur))
        assert f"zaak:{zaak.id}" in {h.key for h in found.hits}, zaak.omschrijving
        shown = search_service.search(db, people.auteur, f'"{zaak.omschrijving}"', backend=backend)
        assert zaak.identificatie in {h.identificatie for h in shown.hits}
    # a grant on a due zaak goes with it
    from archive import machtigingen

    regie = people.beoordelaar
    machtigingen.grant(
        db,
        regie,
        archief.due[2],
        world.buitenstaander,
        reden="Ketenpartner",
        verloopt_op=utcnow().date() + timedelta(days=5),
    )
    db.commit()

    lijst = h.to_bedenktijd(db, people)
    assert {i.zaak_identificatie for i in lijst.items} == {z.identificatie for z in archief.due}
    with pytest.raises(Conflict, match="bedenktijd"):
        vernietiging.execute(db, people.auteur, lijst, store=store, max_bytes=MAX)

    result = run(db, people, lijst, store)
    assert result.klaar and sorted(result.vernietigd) == sorted(
        z.identificatie for z in archief.due
    )
    assert lijst.status == "vernietigd"

    # no row of a destroyed zaak
    own = [d for d in doc_ids if d != archief.gedeeld.id]
    assert_gone(db, archief.due, own)
    own_idents = [d for d in doc_idents if d != archief.gedeeld.identificatie]
    assert count(db, Document, Document.identificatie.in_(own_idents)) == 0
    # the persons only these zaken knew are gone; their rows too
    assert count(db, Betrokkene, Betrokkene.geslachtsnaam.like("Vernietig%")) == 0
    # the shared document stays, linked only to the zaak that stays
    gedeeld = db.get(Document, archief.gedeeld.id)
    assert [link.zaak_id for link in gedeeld.zaak_links] == [archief.blijft.id]
    assert db.get(Zaak, archief.later.id) is not None

    # blobs: gone, except the shared document's and the content a surviving version shares
    kept = {v.sha256 for v in gedeeld.versies}
    kept |= {
        v.sha256
        for link in db.get(Zaak, archief.blijft.id).document_links
        for v in link.document.versies
    }
    for zaak in archief.due:
        for sha in archief.shas[zaak.identificatie]:
            assert store.exists(sha) == (sha in kept), sha
    assert kept and all(store.exists(sha) for sha in kept)

    # index: removals were queued in the same transactions; applied, nothing remains
    assert count(db, SearchOutbox, SearchOutbox.actie == "verwijderen") >= len(due_ids)
    process_outbox(lambda: db, backend, close_sessions=False)
    keys = backend.all_keys()
    new_ids = {f"zaak:{i}" for i in db.scalars(select(Zaak.id))}
    new_ids |= {f"document:{i}" for i in db.scalars(select(Document.id))}
    assert not ({f"zaak:{i}" for i in due_ids} & keys) - new_ids
    assert not ({f"document:{i}" for i in own} & keys) - new_ids
    destroyed_keys = {f"zaak:{i}" for i in due_ids} | {f"document:{i}" for i in own}
    assert not (destroyed_keys - new_ids) & keys
    # nothing findable by what the zaken were: the archivist, who found each one before,
    # finds none of them now, in the index itself nor through the service
    for zaak in archief.due:
        raw = backend.search(Zoekvraag(q=f'"{zaak.omschrijving}"'), rechten_voor(people.auteur))
        assert not {h.key for h in raw.hits} & (destroyed_keys - new_ids), zaak.omschrijving
        assert zaak.identificatie not in {h.identificatie for h in raw.hits}
        shown = search_service.search(db, people.auteur, f'"{zaak.omschrijving}"', backend=backend)
        # only the verklaring, which names what was destroyed, may still mention it
        assert all(
            h.type == "document" and "Verklaring van vernietiging" in h.titel for h in shown.hits
        ), [(h.key, h.titel) for h in shown.hits]
        assert zaak.identificatie not in {h.identificatie for h in shown.hits}
    assert f"document:{archief.gedeeld.id}" in keys

    # every destruction is in the audit trail, the trail still verifies
    events = db.scalars(select(AuditEvent.object_id).where(AuditEvent.actie == "zaak.vernietigd"))
    assert sorted(events) == sorted(z.identificatie for z in archief.due)
    from archive.audit import verify_chain

    assert verify_chain(db).ok


def test_a_hold_or_exemption_or_new_date_refuses_the_item_and_the_run_goes_on(
    db, world, people, archief, store
):
    lijst = h.to_bedenktijd(db, people)
    held, exempt, moved = archief.due
    bevriezingen.place_hold(
        db,
        people.auteur,
        bevriezingen.BevriezingGegevens(
            grond="woo_verzoek",
            reden="Woo-verzoek 2026-12",
            eigenaar=people.auteur.username,
            zaak=held.identificatie,
        ),
    )
    uitzonderingen.add_exception(
        db,
        people.auteur,
        uitzonderingen.UitzonderingGegevens(
            scope="zaken",
            omschrijving="Hotspot",
            toelichting="Maatschappelijke ophef",
            besluitkenmerk="B-1",
            zaken=[exempt.identificatie],
        ),
    )
    moved.archiefactiedatum = utcnow().date() + timedelta(days=400)
    db.commit()

    result = run(db, people, lijst, store)
    assert result.vernietigd == []
    assert set(result.geweigerd) == {z.identificatie for z in archief.due}
    assert "bevroren" in result.geweigerd[held.identificatie]
    assert "uitzondering" in result.geweigerd[exempt.identificatie]
    assert "nog niet te vernietigen" in result.geweigerd[moved.identificatie]
    for zaak in archief.due:
        assert db.get(Zaak, zaak.id) is not None
        assert all(store.exists(s) for s in archief.shas[zaak.identificatie])
    assert {i.status for i in lijst.items} == {"geweigerd"}
    assert lijst.status == "vernietigd"  # the list is done; its verklaring lists nothing


def test_a_held_document_blocks_its_zaak(db, world, people, archief, store):
    lijst = h.to_bedenktijd(db, people)
    document = archief.due[2].document_links[0].document
    bevriezingen.place_hold(
        db,
        people.auteur,
        bevriezingen.BevriezingGegevens(
            grond="rechtszaak",
            reden="Procedure",
            eigenaar=people.auteur.username,
            document=document.identificatie,
        ),
    )
    db.commit()
    result = run(db, people, lijst, store)
    assert "bevroren" in result.geweigerd[archief.due[2].identificatie]
    assert db.get(Document, document.id) is not None
    assert len(result.vernietigd) == 2


def test_an_interrupted_execution_resumes_where_it_stopped(db, world, people, archief, store):
    lijst = h.to_bedenktijd(db, people)
    seen = []

    class Stop(Exception):
        pass

    def stop_at_once(item):
        seen.append(item.zaak_identificatie)
        raise Stop

    # batches of two: the first item's callback comes once its batch of two committed
    with pytest.raises(Stop):
        run(db, people, lijst, store, after_item=stop_at_once, batch_size=2)
    db.rollback()
    lijst = db.get(Vernietigingslijst, lijst.id)
    assert lijst.status == "in_uitvoering"
    statuses = [i.status for i in lijst.items]
    assert statuses == ["vernietigd", "vernietigd", "op_lijst"]
    first, second, third = archief.due
    assert seen == [first.identificatie]
    assert db.get(Zaak, second.id) is None and db.get(Zaak, third.id) is not None
    # once execution started it can no longer be cancelled
    with pytest.raises(Conflict, match="afbreken"):
        vernietiging.cancel(db, people.auteur, lijst, reden="Toch niet")

    progress = []
    result = run(db, people, lijst, store, progress=lambda done, total: progress.append(done))
    assert result.vernietigd == [third.identificatie] and result.klaar
    assert progress == [3]
    events = list(
        db.scalars(select(AuditEvent.object_id).where(AuditEvent.actie == "zaak.vernietigd"))
    )
    assert sorted(events) == sorted(z.identificatie for z in archief.due)  # each once
    assert lijst.status == "vernietigd" and lijst.verklaring_pdf and lijst.verklaring_csv


def test_a_crash_inside_a_batch_leaves_all_of_it(db, world, people, archief, store, monkeypatch):
    """A batch is destroyed whole or not at all: a crash before its commit leaves every
    zaak, document, blob and item of it as it was, and no event claims otherwise."""
    lijst = h.to_bedenktijd(db, people)
    events_before = count(db, AuditEvent)

    def crash(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(vernietiging, "forget_zaken", crash)  # after the deletes' flush
    with pytest.raises(KeyboardInterrupt):
        run(db, people, lijst, store)
    db.rollback()
    monkeypatch.undo()
    lijst = db.get(Vernietigingslijst, lijst.id)
    assert [i.status for i in lijst.items] == ["op_lijst"] * 3
    for zaak in archief.due:
        assert db.get(Zaak, zaak.id) is not None
        assert all(store.exists(s) for s in archief.shas[zaak.identificatie])
    # only the start of the execution was recorded
    assert count(db, AuditEvent) == events_before + 1
    assert count(db, AuditEvent, AuditEvent.actie == "zaak.vernietigd") == 0

    result = run(db, people, lijst, store)
    assert sorted(result.vernietigd) == sorted(z.identificatie for z in archief.due)
    assert_gone(db, archief.due, [])
    from archive.audit import verify_chain

    assert verify_chain(db).ok


def test_blobs_left_by_a_crash_after_commit_are_removed_on_resume(
    db, world, people, archief, store
):
    lijst = h.to_bedenktijd(db, people)
    first = archief.due[0]
    # as if the process died after the item's commit and before removing its blobs
    real_remove = vernietiging._remove_blobs
    calls = []

    def crash(session, store_, outcomes):
        calls.append([o.item_id for o in outcomes])
        raise KeyboardInterrupt

    vernietiging._remove_blobs = crash
    try:
        with pytest.raises(KeyboardInterrupt):
            run(db, people, lijst, store)
    finally:
        vernietiging._remove_blobs = real_remove
    db.rollback()
    item = db.get(Vernietigingslijst, lijst.id).items[0]
    assert item.status == "vernietigd" and item.blobs_te_verwijderen
    assert db.get(Zaak, first.id) is None
    own_only = [s for s in item.blobs_te_verwijderen if store.exists(s)]
    assert own_only
    run(db, people, lijst, store)
    item = db.get(Vernietigingslijst, lijst.id).items[0]
    assert item.blobs_te_verwijderen == []
    referenced = set(db.scalars(select(DocumentVersie.sha256)))
    assert all(not store.exists(s) for s in own_only if s not in referenced)


def test_review_round_trip_with_exclusions_answers_and_four_eyes(db, world, people, archief):
    a, b, tweede = people.auteur, people.beoordelaar, people.tweede
    lijst = vernietiging.create_list(
        db,
        a,
        naam="Lijst met opmerkingen",
        selectie=vernietiging.Selectie(afdeling=world.afdeling.code),
        beoordelaars=[b.username],
    )
    assert lijst.status == "nieuw" and len(lijst.items) == 3
    with pytest.raises(Conflict, match="beoordelen"):
        vernietiging.review(db, b, lijst)  # not submitted yet
    vernietiging.submit(db, a, lijst)
    assert lijst.status == "ter_beoordeling" and lijst.ronde == 1
    with pytest.raises(Conflict, match="definitief goedkeuren"):
        vernietiging.approve(db, tweede, lijst)
    with pytest.raises(Forbidden):
        vernietiging.review(db, tweede, lijst)  # not named
    x, y, _z = (z.identificatie for z in archief.due)
    with pytest.raises(ValidationFailed) as empty:
        vernietiging.review(db, b, lijst, uitsluiten={x: "  "})
    assert "reden" in str(empty.value.errors["uitsluiten"])
    with pytest.raises(ValidationFailed):
        vernietiging.review(db, b, lijst, uitsluiten={"ZAAK-0000-9": "Onbekend"})
    vernietiging.review(db, b, lijst, uitsluiten={x: "Loopt nog een klacht", y: "Woo"})
    assert lijst.status == "wijzigingen_gevraagd"
    with pytest.raises(Conflict, match="Beantwoord"):
        vernietiging.submit(db, a, lijst)
    with pytest.raises(Forbidden):
        vernietiging.answer(db, tweede, lijst, x, besluit="verwijderen")
    with pytest.raises(ValidationFailed):
        vernietiging.answer(db, a, lijst, x, besluit="handhaven", antwoord="")
    with pytest.raises(ValidationFailed):
        vernietiging.answer(db, a, lijst, x, besluit="misschien")
    vernietiging.answer(db, a, lijst, x, besluit="verwijderen")
    vernietiging.answer(db, a, lijst, y, besluit="handhaven", antwoord="Klacht is afgehandeld")
    vernietiging.submit(db, a, lijst)
    assert lijst.ronde == 2 and lijst.status == "ter_beoordeling"
    assert [i.status for i in lijst.items].count("uitgezonderd") == 1
    vernietiging.review(db, b, lijst)
    assert lijst.status == "goedgekeurd"
    with pytest.raises(Forbidden, match="vier ogen"):
        vernietiging.approve(db, a, lijst)
    with pytest.raises(Forbidden):
        vernietiging.approve(db, b, lijst)  # a reviewer without the archivist's role
    vernietiging.approve(db, tweede, lijst)
    assert lijst.status == "bedenktijd"
    assert lijst.bedenktijd_tot - lijst.goedgekeurd_op == timedelta(days=7)
    acties = list(
        db.scalars(
            select(AuditEvent.actie)
            .where(AuditEvent.object_type == "vernietigingslijst")
            .where(AuditEvent.object_id == str(lijst.id))
            .order_by(AuditEvent.volgnummer)
        )
    )
    assert acties == [
        "vernietigingslijst.aangemaakt",
        "vernietigingslijst.ingediend",
        "vernietigingslijst.beoordeeld",
        "vernietigingslijst.beantwoord",
        "vernietigingslijst.beantwoord",
        "vernietigingslijst.ingediend",
        "vernietigingslijst.beoordeeld",
        "vernietigingslijst.goedgekeurd",
    ]


def test_cancel_during_the_bedenktijd_destroys_nothing(db, world, people, archief, store):
    lijst = h.to_bedenktijd(db, people)
    with pytest.raises(ValidationFailed):
        vernietiging.cancel(db, people.tweede, lijst, reden=" ")
    vernietiging.cancel(db, people.tweede, lijst, reden="Nieuwe selectielijst op komst")
    assert lijst.status == "afgebroken"
    with pytest.raises(Conflict, match="uitvoeren"):
        run(db, people, lijst, store)
    assert all(db.get(Zaak, z.id) is not None for z in archief.due)
    # the zaken are free for a new list again
    again = vernietiging.create_list(
        db, people.auteur, naam="Opnieuw", selectie=vernietiging.Selectie()
    )
    assert len(again.items) == 3


def test_refusals_for_outsiders_bad_input_and_wrong_states(db, world, people, archief):
    sel = vernietiging.Selectie()
    with pytest.raises(Forbidden, match="archivaris"):
        vernietiging.create_list(db, world.medewerker, naam="X", selectie=sel)
    with pytest.raises(Forbidden):
        vernietiging.create_list(db, None, naam="X", selectie=sel)
    with pytest.raises(ValidationFailed) as bad:
        vernietiging.create_list(db, people.auteur, naam="", selectie=sel)
    assert "naam" in bad.value.errors
    with pytest.raises(ValidationFailed) as reviewers:
        vernietiging.create_list(
            db,
            people.auteur,
            naam="X",
            selectie=sel,
            beoordelaars=[world.medewerker.username, "niemand", people.auteur.username],
        )
    assert len(reviewers.value.errors["beoordelaars"]) == 3
    with pytest.raises(ValidationFailed) as unknown:
        vernietiging.create_list(
            db, people.auteur, naam="X", selectie=vernietiging.Selectie(afdeling="GEENAFD")
        )
    assert "afdeling" in unknown.value.errors
    with pytest.raises(ValidationFailed, match="invoer"):
        vernietiging.create_list(
            db,
            people.auteur,
            naam="X",
            selectie=vernietiging.Selectie(
                archiefactiedatum_voor=utcnow().date().replace(year=2021)
            ),
        )
    lijst = vernietiging.create_list(db, people.auteur, naam="Echt", selectie=sel)
    with pytest.raises(Conflict, match="beoordelaar"):
        vernietiging.submit(db, people.auteur, lijst)
    with pytest.raises(Forbidden, match="opsteller"):
        vernietiging.set_reviewers(db, people.tweede, lijst, [people.beoordelaar.username])
    vernietiging.set_reviewers(db, people.auteur, lijst, [people.beoordelaar.username])
    # zaken on an active list are not taken by a second one
    with pytest.raises(ValidationFailed, match="invoer"):
        vernietiging.create_list(db, people.auteur, naam="Dubbel", selectie=sel)
    # who may see it: archivists and its reviewers; others: absent or forbidden
    assert vernietiging.get_list(db, people.beoordelaar, lijst.id) is lijst
    other_regie = factories.make_user(db)
    factories.make_member(db, world.andere_afdeling, other_regie, rol="regie")
    with pytest.raises(NotFound):
        vernietiging.get_list(db, other_regie, lijst.id)
    with pytest.raises(Forbidden):
        vernietiging.get_list(db, world.medewerker, lijst.id)
    with pytest.raises(NotFound):
        vernietiging.get_list(db, people.auteur, 999_999)
    assert vernietiging.list_lists(db, other_regie) == []
    assert vernietiging.list_lists(db, people.beoordelaar) == [lijst]
    with pytest.raises(Forbidden):
        vernietiging.execute(db, world.medewerker, lijst, store=None, max_bytes=MAX)
    with pytest.raises(Conflict, match="uitvoeren"):
        vernietiging.execute(db, people.auteur, lijst, store=None, max_bytes=MAX)


def test_bedenktijd_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(vernietiging.BEDENKTIJD_ENV, "3")
    assert vernietiging.bedenktijd() == timedelta(days=3)
    monkeypatch.setenv(vernietiging.BEDENKTIJD_ENV, "een week")
    with pytest.raises(SystemExit):
        vernietiging.bedenktijd()
    monkeypatch.delenv(vernietiging.BEDENKTIJD_ENV)
    assert vernietiging.bedenktijd() == timedelta(days=7)


def test_select_due_filters_by_zaaktype_and_date(db, world, people, archief, archief_zaaktype):
    sel = vernietiging.Selectie(zaaktype=archief_zaaktype.identificatie)
    assert len(vernietiging.select_due(db, people.auteur, sel)) == 3
    assert (
        vernietiging.select_due(
            db, people.auteur, vernietiging.Selectie(zaaktype=world.zaaktype.identificatie)
        )
        == []
    )
    later = vernietiging.Selectie(archiefactiedatum_voor=utcnow().date())
    assert len(vernietiging.select_due(db, people.auteur, later)) == 3
    with pytest.raises(ValidationFailed):
        vernietiging.select_due(db, people.auteur, vernietiging.Selectie(zaaktype="ONBEKEND"))


def test_the_author_takes_a_zaak_off_a_new_list(db, world, people, archief):
    lijst = vernietiging.create_list(
        db, people.auteur, naam="Lijst", selectie=vernietiging.Selectie()
    )
    zaak = archief.due[0].identificatie
    with pytest.raises(ValidationFailed):
        vernietiging.remove_item(db, people.auteur, lijst, zaak, reden="")
    with pytest.raises(Forbidden):
        vernietiging.remove_item(db, people.tweede, lijst, zaak, reden="Niet de mijne")
    item = vernietiging.remove_item(db, people.auteur, lijst, zaak, reden="Dossier opgevraagd")
    assert item.status == "uitgezonderd" and item.melding == "Dossier opgevraagd"
    with pytest.raises(NotFound):
        vernietiging.remove_item(db, people.auteur, lijst, zaak, reden="Nog eens")
    # off the list, the zaak can go on a new one
    again = vernietiging.create_list(
        db, people.auteur, naam="Nieuw", selectie=vernietiging.Selectie()
    )
    assert [i.zaak_identificatie for i in again.items] == [zaak]
