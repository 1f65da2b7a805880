"""SQLite: ids of zaak, document, documentversie and betrokkene are never handed out twice

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Without AUTOINCREMENT, SQLite gives a new row ``max(id) + 1``: after a destruction removed
the newest zaak, the next zaak gets its id, and the audit events (``audit_event.zaak_id``)
and access-log lines (``toegangslog.zaak_id``) of the destroyed zaak — kept for good — would
read as the new zaak's. The same holds for documents and persons (search outbox and index
keys, ``betrokkene_id`` in audit events, person pages) and document versions. These four
tables are rebuilt with ``INTEGER PRIMARY KEY AUTOINCREMENT`` (Alembic batch mode,
``recreate="always"``), and each one's sequence starts above the highest id the database
still remembers anywhere — also ids of rows destroyed before this migration, so even those
are not handed out again.

PostgreSQL: nothing to do; its sequences never hand out a value twice.

Rebuilding a table on SQLite drops the old one, and a DROP TABLE with foreign keys
enforced first deletes every row, firing ON DELETE CASCADE in the tables that refer to it
(zaakstatus, rol, zaak_document, …). ``archive.migrate.upgrade`` therefore runs SQLite
migrations with foreign keys off and checks them before committing; this migration refuses
to run with them on rather than lose data.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("zaak", "document", "documentversie", "betrokkene")

# Per table: SQL for the ids recorded elsewhere, also of rows no longer there.
REMEMBERED = {
    "zaak": (
        "SELECT max(zaak_id) FROM audit_event",
        "SELECT max(zaak_id) FROM toegangslog",
        "SELECT max(object_id) FROM search_outbox WHERE object_type = 'zaak'",
    ),
    "document": ("SELECT max(object_id) FROM search_outbox WHERE object_type = 'document'",),
    "documentversie": (),
    "betrokkene": (
        "SELECT max(object_id) FROM search_outbox WHERE object_type = 'persoon'",
        "SELECT max(CAST(json_extract(na, '$.betrokkene_id') AS INTEGER)) FROM audit_event"
        " WHERE json_extract(na, '$.betrokkene_id') IS NOT NULL",
        "SELECT max(CAST(json_extract(voor, '$.betrokkene_id') AS INTEGER)) FROM audit_event"
        " WHERE json_extract(voor, '$.betrokkene_id') IS NOT NULL",
    ),
}


def _highest(conn, table: str) -> int:
    values = [conn.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar()]
    values += [conn.exec_driver_sql(sql).scalar() for sql in REMEMBERED[table]]
    return max((int(v) for v in values if v is not None), default=0)


def _rebuild(autoincrement: bool) -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    if conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "Migration 0010 rebuilds tables that other tables refer to; with foreign keys "
            "enforced SQLite would delete the referring rows. Run it through "
            "'dossierhuis db upgrade' (archive.migrate.upgrade), which turns them off."
        )
    for table in TABLES:
        highest = _highest(conn, table)
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
        if autoincrement:
            # the rebuilt table's sequence holds max(id); start above every remembered id
            conn.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            if highest:
                conn.exec_driver_sql(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest)
                )


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
