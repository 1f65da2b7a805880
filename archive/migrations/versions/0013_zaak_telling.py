"""Scale (issue 8): zaak_telling kept by triggers; indexes on zaak.hoofdzaak_id, notificatie.document_id

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

``zaak_telling`` holds how many zaken there are per (afdeling, zaaktype,
vertrouwelijkheidaanduiding, open): the exact count of a zaken list is a sum over the few
rows a user's departments and clearances select (``archive.zaken.count_zaken``), instead of
counting up to a million rows per page. Database triggers keep it, so every way a zaak row
is written — the services, ``demo generate``'s bulk COPY, destruction, raw SQL — counts:

- PostgreSQL: statement-level triggers with transition tables for INSERT and DELETE (one
  upsert per key per statement, so a bulk COPY of a million rows costs a GROUP BY, not a
  million upserts) and a row-level trigger for an UPDATE that changes one of the four
  columns (an UPDATE of anything else — statuses, retention dates — touches no counter
  row, so concurrent changes never wait on one). Keys are upserted in key order (no
  deadlock between two statements taking the same counters).
- SQLite: row-level triggers (one writer at a time: nothing to order).

The existing zaken are counted once here. Rows may drop to 0; they are kept.

NB (SQLite): a later migration that rebuilds ``zaak`` with ``batch_alter_table`` (move and
copy) drops these triggers; it must create them again (``create_sqlite_triggers``).
``tests/archive/test_zaak_telling.py`` checks that they exist and count after migrating.

``ix_zaak_hoofdzaak``: ``zaak.hoofdzaak_id`` references ``zaak.id`` without an index, so
PostgreSQL checked that foreign key with a sequential scan of ``zaak`` for every deleted
zaak (and ``retention.vernietiging`` asked for deelzaken the same way): seconds per zaak at a
million zaken. ``ix_notificatie_document``: destruction deletes a zaak's notifications
by zaak *or* document (``archive.notificaties.inbox.forget_zaken``); without an index on
the document, that OR is a scan of every notification, once per destroyed zaak.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "afdeling_id, zaaktype_id, vertrouwelijkheidaanduiding, open"

PG_FUNCTIONS = [
    f"""CREATE FUNCTION zaak_telling_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO zaak_telling AS t ({KEY}, aantal)
    SELECT afdeling_id, zaaktype_id, vertrouwelijkheidaanduiding, einddatum IS NULL, count(*)
    FROM nieuw GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ({KEY}) DO UPDATE SET aantal = t.aantal + EXCLUDED.aantal;
    RETURN NULL;
END $$""",
    f"""CREATE FUNCTION zaak_telling_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO zaak_telling AS t ({KEY}, aantal)
    SELECT afdeling_id, zaaktype_id, vertrouwelijkheidaanduiding, einddatum IS NULL, -count(*)
    FROM oud GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ({KEY}) DO UPDATE SET aantal = t.aantal + EXCLUDED.aantal;
    RETURN NULL;
END $$""",
    f"""CREATE FUNCTION zaak_telling_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO zaak_telling AS t ({KEY}, aantal)
    SELECT a, z, v, o, d FROM (VALUES
        (OLD.afdeling_id, OLD.zaaktype_id, OLD.vertrouwelijkheidaanduiding,
         OLD.einddatum IS NULL, -1::bigint),
        (NEW.afdeling_id, NEW.zaaktype_id, NEW.vertrouwelijkheidaanduiding,
         NEW.einddatum IS NULL, 1::bigint)
    ) AS k (a, z, v, o, d)
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ({KEY}) DO UPDATE SET aantal = t.aantal + EXCLUDED.aantal;
    RETURN NULL;
END $$""",
]
PG_TRIGGERS = [
    "CREATE TRIGGER zaak_telling_ins AFTER INSERT ON zaak REFERENCING NEW TABLE AS nieuw "
    "FOR EACH STATEMENT EXECUTE FUNCTION zaak_telling_ins()",
    "CREATE TRIGGER zaak_telling_del AFTER DELETE ON zaak REFERENCING OLD TABLE AS oud "
    "FOR EACH STATEMENT EXECUTE FUNCTION zaak_telling_del()",
    "CREATE TRIGGER zaak_telling_upd AFTER UPDATE OF afdeling_id, zaaktype_id, "
    "vertrouwelijkheidaanduiding, einddatum ON zaak FOR EACH ROW WHEN ("
    "OLD.afdeling_id IS DISTINCT FROM NEW.afdeling_id OR "
    "OLD.zaaktype_id IS DISTINCT FROM NEW.zaaktype_id OR "
    "OLD.vertrouwelijkheidaanduiding IS DISTINCT FROM NEW.vertrouwelijkheidaanduiding OR "
    "(OLD.einddatum IS NULL) <> (NEW.einddatum IS NULL)) "
    "EXECUTE FUNCTION zaak_telling_upd()",
]


def _sqlite_upsert(row: str, delta: str) -> str:
    return (
        f"INSERT INTO zaak_telling ({KEY}, aantal) VALUES ({row}.afdeling_id, {row}.zaaktype_id, "
        f"{row}.vertrouwelijkheidaanduiding, {row}.einddatum IS NULL, {delta}) "
        f"ON CONFLICT ({KEY}) DO UPDATE SET aantal = aantal + ({delta});"
    )


SQLITE_TRIGGERS = [
    f"CREATE TRIGGER zaak_telling_ins AFTER INSERT ON zaak BEGIN {_sqlite_upsert('NEW', '1')} END",
    f"CREATE TRIGGER zaak_telling_del AFTER DELETE ON zaak BEGIN {_sqlite_upsert('OLD', '-1')} END",
    "CREATE TRIGGER zaak_telling_upd AFTER UPDATE OF afdeling_id, zaaktype_id, "
    "vertrouwelijkheidaanduiding, einddatum ON zaak FOR EACH ROW WHEN ("
    "OLD.afdeling_id IS NOT NEW.afdeling_id OR OLD.zaaktype_id IS NOT NEW.zaaktype_id OR "
    "OLD.vertrouwelijkheidaanduiding IS NOT NEW.vertrouwelijkheidaanduiding OR "
    "(OLD.einddatum IS NULL) <> (NEW.einddatum IS NULL)) "
    f"BEGIN {_sqlite_upsert('OLD', '-1')} {_sqlite_upsert('NEW', '1')} END",
]
TRIGGER_NAMES = ("zaak_telling_ins", "zaak_telling_del", "zaak_telling_upd")


def create_sqlite_triggers() -> None:
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "zaak_telling",
        sa.Column("afdeling_id", sa.Integer(), nullable=False),
        sa.Column("zaaktype_id", sa.Integer(), nullable=False),
        sa.Column("vertrouwelijkheidaanduiding", sa.String(length=32), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("aantal", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "afdeling_id",
            "zaaktype_id",
            "vertrouwelijkheidaanduiding",
            "open",
            name=op.f("pk_zaak_telling"),
        ),
    )
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.create_index("ix_zaak_hoofdzaak", ["hoofdzaak_id"], unique=False)
    with op.batch_alter_table("notificatie", schema=None) as batch_op:
        batch_op.create_index("ix_notificatie_document", ["document_id"], unique=False)
    op.execute(
        f"INSERT INTO zaak_telling ({KEY}, aantal) "
        "SELECT afdeling_id, zaaktype_id, vertrouwelijkheidaanduiding, einddatum IS NULL, "
        "count(*) FROM zaak GROUP BY afdeling_id, zaaktype_id, vertrouwelijkheidaanduiding, "
        "einddatum IS NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_FUNCTIONS + PG_TRIGGERS:
            op.execute(statement)
    else:
        create_sqlite_triggers()


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON zaak" if postgres else ""))
    if postgres:
        for name in TRIGGER_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    with op.batch_alter_table("notificatie", schema=None) as batch_op:
        batch_op.drop_index("ix_notificatie_document")
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.drop_index("ix_zaak_hoofdzaak")
    op.drop_table("zaak_telling")
