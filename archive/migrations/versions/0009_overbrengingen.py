"""overbrenging: transfers to the e-Depot (MDTO SIP with BagIt) and their zaken

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

``overbrenging`` holds one exported transfer package: its name and paths, the sha256 of
the BagIt manifest, what it holds (``bestanden``: document, versie, sha256), who exported
and who confirmed receipt, and whether local content was removed afterwards. The zaken
are in ``overbrenging_zaak`` with their identificatie copied. See ``retention.overbrenging``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import archive.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = archive.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "overbrenging",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("naam", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pakket_pad", sa.Text(), nullable=False),
        sa.Column("zip_pad", sa.Text(), nullable=True),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("aantal_zaken", sa.Integer(), nullable=False),
        sa.Column("aantal_documenten", sa.Integer(), nullable=False),
        sa.Column("omvang", sa.BigInteger(), nullable=False),
        sa.Column("bestanden", sa.JSON(), nullable=False),
        sa.Column("aangemaakt_door_id", sa.Integer(), nullable=True),
        sa.Column("aangemaakt_op", WHEN, nullable=False),
        sa.Column("bevestigd_door_id", sa.Integer(), nullable=True),
        sa.Column("bevestigd_op", WHEN, nullable=True),
        sa.Column("bevestiging_toelichting", sa.Text(), nullable=False),
        sa.Column("inhoud_verwijderd", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["aangemaakt_door_id"],
            ["gebruiker.id"],
            name=op.f("fk_overbrenging_aangemaakt_door_id_gebruiker"),
        ),
        sa.ForeignKeyConstraint(
            ["bevestigd_door_id"],
            ["gebruiker.id"],
            name=op.f("fk_overbrenging_bevestigd_door_id_gebruiker"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overbrenging")),
        sa.UniqueConstraint("naam", name=op.f("uq_overbrenging_naam")),
    )
    with op.batch_alter_table("overbrenging", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_overbrenging_status"), ["status"], unique=False)

    op.create_table(
        "overbrenging_zaak",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("overbrenging_id", BIG_ID, nullable=False),
        sa.Column("zaak_id", BIG_ID, nullable=True),
        sa.Column("zaak_identificatie", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["overbrenging_id"],
            ["overbrenging.id"],
            name=op.f("fk_overbrenging_zaak_overbrenging_id_overbrenging"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["zaak_id"],
            ["zaak.id"],
            name=op.f("fk_overbrenging_zaak_zaak_id_zaak"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overbrenging_zaak")),
        sa.UniqueConstraint(
            "overbrenging_id",
            "zaak_id",
            name=op.f("uq_overbrenging_zaak_overbrenging_id_zaak_id"),
        ),
    )
    with op.batch_alter_table("overbrenging_zaak", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_overbrenging_zaak_zaak_id"), ["zaak_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("overbrenging_zaak", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overbrenging_zaak_zaak_id"))
    op.drop_table("overbrenging_zaak")
    with op.batch_alter_table("overbrenging", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overbrenging_status"))
    op.drop_table("overbrenging")
