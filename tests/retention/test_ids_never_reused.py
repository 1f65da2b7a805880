"""After a destruction, new zaken, documents, versions and persons get ids of their own, so
the audit trail and the access log of a destroyed zaak (kept for good, by id) never read as
a new zaak's. SQLite: AUTOINCREMENT (migration 0010); PostgreSQL: its sequences."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from archive import auditlog
from archive import zaken as zaken_service
from archive.models import AuditEvent, Betrokkene, Document, DocumentVersie, ToegangslogRegel, Zaak
from retention import vernietiging
from tests import corpus, factories
from tests import vernietiging_helpers as h
from tests.fixtures_archivering import resultaat

MAX = 5 * 1024 * 1024


def _highest(db, model) -> int:
    return db.scalar(select(func.max(model.id))) or 0


def _new_zaak(db, world, zaaktype, store, tmp_path, name: str) -> Zaak:
    """A zaak with a person and a document: a new row in each of the four tables."""
    m = world.medewerker
    zaak = factories.make_zaak(db, m, zaaktype=zaaktype, afdeling=world.afdeling, omschrijving=name)
    zaken_service.add_betrokkene(
        db,
        m,
        zaak,
        zaken_service.BetrokkeneGegevens(
            type="natuurlijk_persoon", voornamen="Anna", geslachtsnaam=name
        ),
        rol="belanghebbende",
    )
    pdf = corpus.normal_pdf(tmp_path / f"{name}.pdf", text=f"Brief {name}")
    factories.file(db, m, zaak, pdf, world.iot, store, titel=f"Brief {name}")
    return zaak


def test_destroyed_ids_are_not_handed_out_again(db, world, archief_zaaktype, store, tmp_path):
    people = h.cast(db, world)
    m = world.medewerker
    # the zaak to destroy is the newest row of zaak, document, documentversie and betrokkene:
    # exactly the ids SQLite without AUTOINCREMENT gives to the next row
    weg = _new_zaak(db, world, archief_zaaktype, store, tmp_path, "Weg")
    weg.startdatum = date(2020, 1, 2)
    zaken_service.close_zaak(
        db, m, weg, resultaattype_id=resultaat(archief_zaaktype, "Afgehandeld"),
        einddatum=date(2020, 6, 1),
    )  # fmt: skip
    zaken_service.get_zaak(db, m, weg.identificatie, pad="ui")  # an access-log line
    db.commit()
    document = weg.document_links[0].document
    gone = {
        Zaak: weg.id,
        Document: document.id,
        DocumentVersie: document.versies[0].id,
        Betrokkene: weg.rollen[0].betrokkene_id,
    }
    weg_ident, doc_ident = weg.identificatie, document.identificatie
    for model, row_id in gone.items():
        assert _highest(db, model) == row_id, model
    events_before = db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.zaak_id == weg.id)
    )
    assert db.scalar(
        select(func.count()).select_from(ToegangslogRegel).where(ToegangslogRegel.zaak_id == weg.id)
    )

    lijst = h.to_bedenktijd(db, people)
    run = vernietiging.execute(
        db, people.auteur, lijst, store=store, max_bytes=MAX, now=h.after_bedenktijd()
    )
    assert run.vernietigd == [weg_ident] and run.klaar
    db.expire_all()
    assert db.scalar(select(Zaak).where(Zaak.identificatie == weg_ident)) is None
    # the verklaring van vernietiging went into a new zaak with new documents, then a new
    # zaak of our own: none of them took a freed id
    nieuw = _new_zaak(db, world, archief_zaaktype, store, tmp_path, "Nieuw")
    zaken_service.get_zaak(db, m, nieuw.identificatie, pad="ui")
    db.commit()
    for model, row_id in gone.items():
        reused = db.scalar(select(func.count()).select_from(model).where(model.id == row_id))
        assert reused == 0, f"{model.__name__} {row_id} handed out again"
    assert nieuw.id > gone[Zaak]
    assert nieuw.document_links[0].document_id > gone[Document]
    assert nieuw.rollen[0].betrokkene_id > gone[Betrokkene]

    # the new zaak's audit trail and access log hold only its own events …
    trail = auditlog.list_events(
        db, world.auditor, auditlog.AuditFilter(object=nieuw.identificatie), per_page=200
    )
    assert trail.total == len(trail.items) > 0
    assert {r.zaak_identificatie for r in trail.items} == {nieuw.identificatie}
    assert not {weg_ident, doc_ident} & {r.object_id for r in trail.items}
    assert not [r for r in trail.items if r.actie.endswith(".vernietigd")]
    log = db.scalars(select(ToegangslogRegel).where(ToegangslogRegel.zaak_id == nieuw.id)).all()
    assert [r.object_id for r in log] == [nieuw.identificatie]
    # … and the destroyed zaak's events are still there, under its own id
    kept = db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.zaak_id == gone[Zaak])
    )
    assert kept > events_before  # plus the destruction's own events
    destroyed = auditlog.list_events(
        db, world.auditor, auditlog.AuditFilter(object=weg_ident), per_page=200
    )
    assert "zaak.vernietigd" in {r.actie for r in destroyed.items}
