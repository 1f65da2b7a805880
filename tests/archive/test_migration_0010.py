"""Migration 0010 on a populated SQLite database: the rebuilt tables keep every row and
every row that refers to them, and ids of zaken destroyed before the migration are not
handed out again either (the sequence starts above what the audit trail remembers)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import delete, func, inspect, select, text

from archive import machtigingen
from archive import zaken as zaken_service
from archive.db import Base, make_engine, make_session_factory
from archive.migrate import alembic_config, upgrade
from archive.models import (
    Betrokkene,
    Document,
    DocumentVersie,
    ZaakDocument,
)
from tests import corpus, factories
from tests.databases import backend

pytestmark = pytest.mark.skipif(
    backend() != "sqlite", reason="SQLite only: on PostgreSQL the migration does nothing"
)

COUNTED = (
    "zaak",
    "zaakstatus",
    "zaak_eigenschap",
    "rol",
    "betrokkene",
    "document",
    "documentversie",
    "zaak_document",
    "machtiging",
    "audit_event",
    "toegangslog",
)


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in COUNTED}


def _revision(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _zaak_with_everything(db, world, store, tmp_path, name: str):
    m = world.medewerker
    zaak = factories.make_zaak(db, m, zaaktype=world.zaaktype, afdeling=world.afdeling)
    zaak.omschrijving = name
    zaken_service.add_betrokkene(
        db,
        m,
        zaak,
        zaken_service.BetrokkeneGegevens(
            type="natuurlijk_persoon", voornamen="Piet", geslachtsnaam=name
        ),
        rol="belanghebbende",
    )
    zaken_service.set_status(db, m, zaak, statustype_id=world.zaaktype.statustypen[1].id)
    pdf = corpus.normal_pdf(tmp_path / f"{name}.pdf", text=name)
    factories.file(db, m, zaak, pdf, world.iot, store, titel=name)
    machtigingen.grant(
        db,
        world.beheerder,
        zaak,
        world.lezer,
        reden="Ketenpartner",
        verloopt_op=date.today() + timedelta(days=30),
    )
    zaken_service.get_zaak(db, m, zaak.identificatie, pad="ui")  # access log
    return zaak


def _destroy_directly(db, zaak) -> dict:
    """As a destruction before 0010 did: the rows go, the audit and access log stay."""
    doc_ids = [link.document_id for link in zaak.document_links]
    ids = {
        "zaak": zaak.id,
        "document": max(doc_ids),
        "documentversie": db.scalar(
            select(func.max(DocumentVersie.id)).where(DocumentVersie.document_id.in_(doc_ids))
        ),
        "betrokkene": zaak.rollen[0].betrokkene_id,
    }
    zaak_id = zaak.id
    db.expunge_all()
    db.execute(delete(ZaakDocument).where(ZaakDocument.zaak_id == zaak_id))
    db.execute(delete(DocumentVersie).where(DocumentVersie.document_id.in_(doc_ids)))
    db.execute(delete(Document).where(Document.id.in_(doc_ids)))
    for table in ("zaakstatus", "rol", "zaak_eigenschap", "machtiging"):
        db.execute(text(f"DELETE FROM {table} WHERE zaak_id = :z"), {"z": zaak_id})
    db.execute(text("DELETE FROM zaak WHERE id = :z"), {"z": zaak_id})
    db.execute(delete(Betrokkene).where(Betrokkene.id == ids["betrokkene"]))
    return ids


def test_rebuild_keeps_rows_and_remembers_destroyed_ids(tmp_path):
    from archive.blobstore import BlobStore

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store = BlobStore(tmp_path / "blobs")
    upgrade(engine, "0009")
    # today's models write afdeling columns of later migrations: add them for the seeding
    # and take them out again before those migrations run
    later = (
        "signalering_actief BOOLEAN NOT NULL DEFAULT 0",
        "signaal_contact VARCHAR(300) NOT NULL DEFAULT ''",
    )
    with engine.begin() as conn:
        for column in later:
            conn.execute(text(f"ALTER TABLE afdeling ADD COLUMN {column}"))
        existing = set(inspect(conn).get_table_names())
        later_tables = [t for t in Base.metadata.sorted_tables if t.name not in existing]
        Base.metadata.create_all(conn, tables=later_tables)
    factory = make_session_factory(engine)
    with factory() as db:
        world = factories.World.build(db)
        _zaak_with_everything(db, world, store, tmp_path, "Blijft")
        newest = _zaak_with_everything(db, world, store, tmp_path, "Weg")
        gone = _destroy_directly(db, newest)
        db.commit()
    before = _counts(engine)
    assert before["zaakstatus"] and before["rol"] and before["machtiging"]

    upgrade(engine, "0010")

    assert _revision(engine) == "0010"
    assert _counts(engine) == before  # no cascade took anything with the rebuilt tables
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1  # on again
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        for table in gone:
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                {"t": table},
            ).scalar()
            assert "AUTOINCREMENT" in sql, table
    with engine.begin() as conn:
        Base.metadata.drop_all(conn, tables=later_tables)
        for column in later:
            conn.execute(text(f"ALTER TABLE afdeling DROP COLUMN {column.split()[0]}"))
    upgrade(engine)
    with factory() as db:
        world = factories.World.build(db)
        nieuw = _zaak_with_everything(db, world, store, tmp_path, "Nieuw")
        db.commit()
        # (a version's id is recorded nowhere else, so one freed before the migration is
        # not remembered; from now on AUTOINCREMENT keeps them too, see
        # tests/retention/test_ids_never_reused.py)
        assert nieuw.id > gone["zaak"]
        assert nieuw.document_links[0].document_id > gone["document"]
        assert nieuw.rollen[0].betrokkene_id > gone["betrokkene"]
    engine.dispose()


def test_refuses_to_rebuild_with_foreign_keys_enforced(tmp_path):
    """Run around archive.migrate (foreign keys on), the migration stops instead of letting
    SQLite cascade the DROP TABLE into the referring rows; nothing changes."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine, "0009")
    cfg = alembic_config()
    with pytest.raises(RuntimeError, match="foreign keys"), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert _revision(engine) == "0009"
    engine.dispose()
