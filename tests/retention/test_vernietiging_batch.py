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


def test_select_due_costs_the_same_queries_for_more_zaken(
    db, people, archief, world, store, tmp_path, archief_zaaktype
):
    def statements() -> int:
        seen = []
        engine = db.get_bind()

        def count(*_args):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            vernietiging.select_due(db, people.auteur, vernietiging.Selectie())
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

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
