"""Hash-chained audit trail; PostgreSQL refuses UPDATE and DELETE on audit events.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.create_table(
        "audit_kop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volgnummer", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_kop")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("volgnummer", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("vorige_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_volgnummer"), ["volgnummer"])
    _chain_existing_events()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(TRIGGER_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def _chain_existing_events() -> None:
    """Events written before the chain existed are sealed in id order, once.

    Uses a snapshot of the table as it is at this revision, not the ORM model, so later
    model changes cannot break this step.
    """
    from types import SimpleNamespace

    from archive.audit import GENESIS, compute_hash
    from archive.db import UTCDateTime

    events = sa.table(
        "audit_event",
        sa.column("id", sa.BigInteger()),
        sa.column("volgnummer", sa.BigInteger()),
        sa.column("tijdstip", UTCDateTime()),
        sa.column("user_id", sa.Integer()),
        sa.column("actie", sa.String()),
        sa.column("object_type", sa.String()),
        sa.column("object_id", sa.String()),
        sa.column("zaak_id", sa.BigInteger()),
        sa.column("voor", sa.JSON()),
        sa.column("na", sa.JSON()),
        sa.column("vorige_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    bind = op.get_bind()
    previous, number = GENESIS, 0
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        number += 1
        event = SimpleNamespace(**row)
        event.volgnummer = number
        event.tijdstip = row["tijdstip"].replace(microsecond=0)
        event.vorige_hash = previous
        event.hash = compute_hash(event)
        bind.execute(
            events.update()
            .where(events.c.id == row["id"])
            .values(
                volgnummer=number, tijdstip=event.tijdstip, vorige_hash=previous, hash=event.hash
            )
        )
        previous = event.hash
    kop = sa.table(
        "audit_kop",
        sa.column("id", sa.Integer()),
        sa.column("volgnummer", sa.BigInteger()),
        sa.column("hash", sa.String()),
    )
    bind.execute(kop.insert().values(id=1, volgnummer=number, hash=previous))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_volgnummer"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("vorige_hash")
        batch_op.drop_column("volgnummer")
    op.drop_table("audit_kop")
