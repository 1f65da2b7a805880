"""The holds-and-exemptions check of destruction lists, a set at a time (issue 8: one zaak
at a time, selecting 10,000 zaken for a list cost a query per zaak and per document)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from retention import bevriezingen, uitzonderingen, vernietiging
from tests import factories
from tests import vernietiging_helpers as h


@pytest.fixture
def people(db, world):
    c = h.cast(db, world)
    db.commit()
    return c


@pytest.fixture
def archief(db, world, archief_zaaktype, store, tmp_path):
    return h.build(db, world, archief_zaaktype, store, tmp_path)


def _hold(db, actor, *, zaak=None, document=None):
    bevriezingen.place_hold(
        db,
        actor,
        bevriezingen.BevriezingGegevens(
            grond="woo_verzoek", reden="Woo-verzoek", eigenaar=actor.username,
            zaak=zaak, document=document,
        ),
    )  # fmt: skip


def test_a_zaak_whose_document_is_frozen_through_another_zaak_is_not_selected(db, people, archief):
    """due[0] shares a document with the open zaak ``blijft``; a hold on ``blijft``
    freezes that document, so due[0] may not go on a list (the work queue's WHERE clause
    alone does not see this: the hold is on another zaak)."""
    _hold(db, people.auteur, zaak=archief.blijft.identificatie)
    selected = {
        z.identificatie for z in vernietiging.select_due(db, people.auteur, vernietiging.Selectie())
    }
    assert archief.due[0].identificatie not in selected
    assert {z.identificatie for z in archief.due[1:]} <= selected


def test_reasons_are_those_of_the_check_per_zaak(db, people, archief):
    eigen, via_document, vrijgesteld = archief.due
    _hold(db, people.auteur, zaak=eigen.identificatie)
    _hold(db, people.auteur, document=via_document.document_links[0].document.identificatie)
    uitzonderingen.add_exception(
        db,
        people.auteur,
        uitzonderingen.UitzonderingGegevens(
            scope="zaken", omschrijving="Hotspot", toelichting="Ophef", besluitkenmerk="B-1",
            zaken=[vrijgesteld.identificatie],
        ),
    )  # fmt: skip
    ids = [z.id for z in archief.due] + [archief.later.id]
    reasons = vernietiging.held_or_exempted(db, ids)
    assert reasons == {
        eigen.id: "De zaak is bevroren (legal hold).",
        # a hold on its own document counts as a hold on the zaak (bevriezingen.held)
        via_document.id: "De zaak is bevroren (legal hold).",
        vrijgesteld.id: "Op de zaak rust een uitzondering van vernietiging (hotspot).",
    }
    for zaak in archief.due:
        assert vernietiging._held_or_exempted(db, zaak) == reasons[zaak.id]
    assert vernietiging._held_or_exempted(db, archief.later) is None


def test_a_document_frozen_elsewhere_is_named(db, people, archief):
    _hold(db, people.auteur, zaak=archief.blijft.identificatie)
    reasons = vernietiging.held_or_exempted(db, [archief.due[0].id])
    assert reasons == {
        archief.due[0].id: f"Document {archief.gedeeld.identificatie} is bevroren (legal hold)."
    }


def _statements_of(db, fn) -> int:
    seen = []
    engine = db.get_bind()

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_select_due_costs_the_same_queries_for_more_zaken(
    db, people, archief, world, store, tmp_path, archief_zaaktype
):
    def statements() -> int:
        return _statements_of(
            db, lambda: vernietiging.select_due(db, people.auteur, vernietiging.Selectie())
        )

    statements()  # the first call also loads what the session had not seen yet
    few = statements()
    (tmp_path / "meer").mkdir()
    more = h.build(db, world, archief_zaaktype, store, tmp_path / "meer", n=3)
    assert len(vernietiging.select_due(db, people.auteur, vernietiging.Selectie())) == 6
    assert more.due
    assert statements() == few


# -- execution asks the same questions in one query per item ---------------------------------


def _execute(db, people, lijst, store):
    return vernietiging.execute(
        db, people.auteur, lijst, store=store, max_bytes=5 * 1024 * 1024, now=h.after_bedenktijd()
    )


def test_execution_refuses_a_zaak_whose_document_froze_through_another_zaak(
    db, people, archief, store
):
    lijst = h.to_bedenktijd(db, people)
    _hold(db, people.auteur, zaak=archief.blijft.identificatie)
    db.commit()
    result = _execute(db, people, lijst, store)
    assert result.geweigerd == {
        archief.due[0].identificatie: (
            f"Document {archief.gedeeld.identificatie} is bevroren (legal hold)."
        )
    }
    assert sorted(result.vernietigd) == sorted(z.identificatie for z in archief.due[1:])


def test_execution_refuses_a_new_hoofdzaak_and_a_zaak_in_an_open_transfer(
    db, world, people, archief, store
):
    from archive import archivering
    from archive.models import Overbrenging, OverbrengingZaak

    lijst = h.to_bedenktijd(db, people)
    hoofd, in_pakket, gewoon = archief.due
    archivering.set_hoofdzaak(db, world.medewerker, archief.blijft, hoofd)
    db.add(
        Overbrenging(
            naam="overbrenging-test", status="geexporteerd", pakket_pad="/nergens",
            manifest_sha256="0" * 64,
            zaak_links=[
                OverbrengingZaak(zaak_id=in_pakket.id, zaak_identificatie=in_pakket.identificatie)
            ],
        )
    )  # fmt: skip
    db.commit()
    result = _execute(db, people, lijst, store)
    assert result.vernietigd == [gewoon.identificatie]
    assert result.geweigerd[hoofd.identificatie] == (
        f"De zaak is hoofdzaak van {archief.blijft.identificatie}, die blijft of blijven."
    )
    assert "overbrenging-test" in result.geweigerd[in_pakket.identificatie]


def test_the_rows_below_a_destroyed_zaak_go_with_it(db, world, people, archief, store):
    """Statuses, rollen, grants and document versions leave through their foreign keys'
    ON DELETE CASCADE, in the statement that deletes the zaak or document."""
    from datetime import date, timedelta

    from sqlalchemy import func, select

    from archive import machtigingen
    from archive.models import DocumentVersie, Machtiging, Rol, ZaakStatus

    zaak = archief.due[1]
    partner = factories.make_user(db)
    machtigingen.grant(
        db, world.beheerder, zaak, partner, reden="Ketenpartner",
        verloopt_op=date.today() + timedelta(days=10),
    )  # fmt: skip
    document_ids = [link.document_id for link in zaak.document_links]
    lijst = h.to_bedenktijd(db, people)

    def rows(model, column, ids) -> int:
        return db.scalar(select(func.count()).select_from(model).where(column.in_(ids)))

    assert rows(Machtiging, Machtiging.zaak_id, [zaak.id]) == 1
    assert rows(ZaakStatus, ZaakStatus.zaak_id, [zaak.id]) > 0
    assert rows(Rol, Rol.zaak_id, [zaak.id]) == 1
    assert rows(DocumentVersie, DocumentVersie.document_id, document_ids) == 2
    zaak_id = zaak.id
    result = _execute(db, people, lijst, store)
    assert zaak.identificatie in result.vernietigd
    for model, column, ids in (
        (Machtiging, Machtiging.zaak_id, [zaak_id]),
        (ZaakStatus, ZaakStatus.zaak_id, [zaak_id]),
        (Rol, Rol.zaak_id, [zaak_id]),
        (DocumentVersie, DocumentVersie.document_id, document_ids),
    ):
        assert rows(model, column, ids) == 0, model


def test_removed_content_is_recorded_as_gone_also_when_the_run_pauses(db, people, archief, store):
    """The emptied ``blobs_te_verwijderen`` of an item commits with the next item, or when
    the run stops at ``max_items``: after a rollback nothing is left to remove."""
    from archive.models import Vernietigingslijst

    lijst = h.to_bedenktijd(db, people)
    vernietiging.execute(
        db, people.auteur, lijst, store=store, max_bytes=5 * 1024 * 1024,
        now=h.after_bedenktijd(), max_items=1,
    )  # fmt: skip
    db.rollback()  # anything not committed is gone now
    first = db.get(Vernietigingslijst, lijst.id).items[0]
    assert first.status == "vernietigd" and first.blobs_te_verwijderen == []
    _execute(db, people, db.get(Vernietigingslijst, lijst.id), store)
    db.rollback()
    items = db.get(Vernietigingslijst, lijst.id).items
    assert {i.status for i in items} == {"vernietigd"}
    assert all(i.blobs_te_verwijderen == [] for i in items)


# -- execution a batch at a time: decided zaak by zaak, written per batch --------------------


def test_a_hoofdzaak_goes_after_its_deelzaak_in_the_same_batch(db, world, people, archief, store):
    from archive import archivering
    from archive.models import Zaak

    lijst = h.to_bedenktijd(db, people)
    deel, _, hoofd = archief.due  # the deelzaak's item comes first
    archivering.set_hoofdzaak(db, world.medewerker, deel, hoofd)
    db.commit()
    result = _execute(db, people, lijst, store)
    assert sorted(result.vernietigd) == sorted(z.identificatie for z in archief.due)
    assert db.get(Zaak, deel.id) is None and db.get(Zaak, hoofd.id) is None


def test_a_hoofdzaak_before_its_deelzaak_stays(db, world, people, archief, store):
    """As one at a time: when the hoofdzaak's turn comes, its deelzaak is still there."""
    from archive import archivering

    lijst = h.to_bedenktijd(db, people)
    hoofd, _, deel = archief.due
    archivering.set_hoofdzaak(db, world.medewerker, deel, hoofd)
    db.commit()
    result = _execute(db, people, lijst, store)
    assert result.geweigerd == {
        hoofd.identificatie: (
            f"De zaak is hoofdzaak van {deel.identificatie}, die blijft of blijven."
        )
    }
    assert sorted(result.vernietigd) == sorted(z.identificatie for z in archief.due[1:])


def test_a_document_and_a_person_shared_within_a_batch(db, world, people, archief, store):
    """A document in two zaken of one batch is unlinked from the first and destroyed with
    the last; a person in both goes once, when neither zaak is left."""
    from sqlalchemy import func, select

    from archive.models import (
        Betrokkene,
        Document,
        Rol,
        SearchOutbox,
        Vernietigingslijst,
        ZaakDocument,
    )

    eerste, _, laatste = archief.due
    brief = eerste.document_links[0].document
    # links made while both zaken were open (the services refuse them on closed zaken)
    db.add(ZaakDocument(zaak_id=laatste.id, document_id=brief.id))
    rol = eerste.rollen[0]
    persoon_id = rol.betrokkene_id
    db.add(Rol(zaak_id=laatste.id, betrokkene_id=persoon_id, omschrijving=rol.omschrijving))
    db.commit()
    own_of_first = len(eerste.document_links) - 2  # not the brief, nor the rapport of blijft
    lijst = h.to_bedenktijd(db, people)
    result = _execute(db, people, lijst, store)
    assert sorted(result.vernietigd) == sorted(z.identificatie for z in archief.due)
    items = {i.zaak_identificatie: i for i in db.get(Vernietigingslijst, lijst.id).items}
    assert (
        items[eerste.identificatie].documenten_ontkoppeld,
        items[eerste.identificatie].documenten_vernietigd,
    ) == (2, own_of_first)
    assert items[laatste.identificatie].documenten_vernietigd == 2  # its own, and the brief
    assert db.get(Document, brief.id) is None
    assert all(not store.exists(s) for s in {v.sha256 for v in brief.versies} - _kept(db))
    assert db.get(Betrokkene, persoon_id) is None
    removals = db.scalar(
        select(func.count())
        .select_from(SearchOutbox)
        .where(SearchOutbox.object_type == "persoon", SearchOutbox.object_id == persoon_id)
    )
    assert removals == 1


def _kept(db) -> set[str]:
    from sqlalchemy import select

    from archive.models import DocumentVersie

    return set(db.scalars(select(DocumentVersie.sha256)))


def test_a_hold_only_the_guard_sees_refuses_that_zaak_and_the_batch_goes_on(
    db, people, archief, store, monkeypatch
):
    """The models' guard refusing a delete rolls the batch back; run again one by one,
    only the held zaak is refused, with the guard's reason."""
    from archive.audit import verify_chain
    from archive.models import Zaak

    lijst = h.to_bedenktijd(db, people)
    held = archief.due[1]
    _hold(db, people.auteur, zaak=held.identificatie)
    db.commit()
    # as if the hold was placed just after the item's check
    nothing = vernietiging._Belemmeringen(None, False, None, False, 0)
    monkeypatch.setattr(vernietiging, "_belemmeringen", lambda *_a: nothing)
    result = _execute(db, people, lijst, store)
    assert result.geweigerd == {
        held.identificatie: f"{held.identificatie} is bevroren (legal hold) en kan niet "
        "verwijderd worden."
    }
    assert sorted(result.vernietigd) == sorted(
        z.identificatie for z in archief.due if z is not held
    )
    assert db.get(Zaak, held.id) is not None
    assert all(store.exists(s) for s in archief.shas[held.identificatie])
    assert verify_chain(db).ok


def test_a_batch_costs_about_one_statement_per_zaak(
    db, world, people, archief, store, tmp_path, archief_zaaktype
):
    """The checks ask one query per zaak; the deletes, events and outbox rows are a few
    statements per batch, whatever its size."""
    eerste = h.to_bedenktijd(db, people)
    few = _statements_of(db, lambda: _execute(db, people, eerste, store))
    (tmp_path / "meer").mkdir()
    more = h.build(db, world, archief_zaaktype, store, tmp_path / "meer", n=9)
    lijst = h.to_bedenktijd(db, people, naam="Lijst 2026-2")
    assert len(lijst.items) == 9
    many = _statements_of(db, lambda: _execute(db, people, lijst, store))
    assert all(z.id for z in more.due)
    assert many - few <= 3 * 6, (few, many)  # one at a time it was 22 a zaak
