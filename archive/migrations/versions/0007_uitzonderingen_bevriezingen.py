"""uitzondering (hotspot: keep permanently) and bevriezing (legal hold)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

``uitzondering`` holds one exception from destruction with its scope (afdeling, zaaktype
by identificatie, a period of startdatum, a saved search or single zaken); the zaken a
search selection resolved to, and single zaken, are in ``uitzondering_zaak``. Removed
exceptions keep their row (``verwijderd_op``) for the record.

``bevriezing`` is a legal hold on one zaak or one document. Lifted holds keep their row
(``opgeheven_op``); the object's identificatie is copied so the history survives a later
destruction (the foreign key then becomes NULL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import archive.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "uitzondering",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("omschrijving", sa.String(length=200), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=False),
        sa.Column("besluitkenmerk", sa.String(length=200), nullable=False),
        sa.Column("afdeling_id", sa.Integer(), nullable=True),
        sa.Column("zaaktype_identificatie", sa.String(length=80), nullable=True),
        sa.Column("periode_van", sa.Date(), nullable=True),
        sa.Column("periode_tot", sa.Date(), nullable=True),
        sa.Column("zoekvraag", sa.Text(), nullable=True),
        sa.Column("aangemaakt_door_id", sa.Integer(), nullable=True),
        sa.Column("aangemaakt_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verwijderd_door_id", sa.Integer(), nullable=True),
        sa.Column("verwijderd_op", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["afdeling_id"], ["afdeling.id"], name=op.f("fk_uitzondering_afdeling_id_afdeling")
        ),
        sa.ForeignKeyConstraint(
            ["aangemaakt_door_id"],
            ["gebruiker.id"],
            name=op.f("fk_uitzondering_aangemaakt_door_id_gebruiker"),
        ),
        sa.ForeignKeyConstraint(
            ["verwijderd_door_id"],
            ["gebruiker.id"],
            name=op.f("fk_uitzondering_verwijderd_door_id_gebruiker"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uitzondering")),
    )
    with op.batch_alter_table("uitzondering", schema=None) as batch_op:
        batch_op.create_index("ix_uitzondering_scope", ["scope", "verwijderd_op"], unique=False)

    op.create_table(
        "uitzondering_zaak",
        sa.Column("uitzondering_id", BIG_ID, nullable=False),
        sa.Column("zaak_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["uitzondering_id"],
            ["uitzondering.id"],
            name=op.f("fk_uitzondering_zaak_uitzondering_id_uitzondering"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["zaak_id"],
            ["zaak.id"],
            name=op.f("fk_uitzondering_zaak_zaak_id_zaak"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("uitzondering_id", "zaak_id", name=op.f("pk_uitzondering_zaak")),
    )
    with op.batch_alter_table("uitzondering_zaak", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_uitzondering_zaak_zaak_id"), ["zaak_id"], unique=False)

    op.create_table(
        "bevriezing",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("object_type", sa.String(length=16), nullable=False),
        sa.Column("object_identificatie", sa.String(length=40), nullable=False),
        sa.Column("zaak_id", BIG_ID, nullable=True),
        sa.Column("document_id", BIG_ID, nullable=True),
        sa.Column("grond", sa.String(length=32), nullable=False),
        sa.Column("kenmerk", sa.String(length=200), nullable=False),
        sa.Column("reden", sa.Text(), nullable=False),
        sa.Column("eigenaar_id", sa.Integer(), nullable=False),
        sa.Column("startdatum", sa.Date(), nullable=False),
        sa.Column("geplaatst_door_id", sa.Integer(), nullable=True),
        sa.Column("geplaatst_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opgeheven_door_id", sa.Integer(), nullable=True),
        sa.Column("opgeheven_op", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("opheffing_toelichting", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(zaak_id IS NULL) OR (document_id IS NULL)",
            name=op.f("ck_bevriezing_zaak_of_document"),
        ),
        sa.ForeignKeyConstraint(
            ["zaak_id"], ["zaak.id"], name=op.f("fk_bevriezing_zaak_id_zaak"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_bevriezing_document_id_document"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["eigenaar_id"], ["gebruiker.id"], name=op.f("fk_bevriezing_eigenaar_id_gebruiker")
        ),
        sa.ForeignKeyConstraint(
            ["geplaatst_door_id"],
            ["gebruiker.id"],
            name=op.f("fk_bevriezing_geplaatst_door_id_gebruiker"),
        ),
        sa.ForeignKeyConstraint(
            ["opgeheven_door_id"],
            ["gebruiker.id"],
            name=op.f("fk_bevriezing_opgeheven_door_id_gebruiker"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bevriezing")),
    )
    with op.batch_alter_table("bevriezing", schema=None) as batch_op:
        batch_op.create_index("ix_bevriezing_zaak", ["zaak_id", "opgeheven_op"], unique=False)
        batch_op.create_index(
            "ix_bevriezing_document", ["document_id", "opgeheven_op"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("bevriezing", schema=None) as batch_op:
        batch_op.drop_index("ix_bevriezing_document")
        batch_op.drop_index("ix_bevriezing_zaak")
    op.drop_table("bevriezing")
    with op.batch_alter_table("uitzondering_zaak", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_uitzondering_zaak_zaak_id"))
    op.drop_table("uitzondering_zaak")
    with op.batch_alter_table("uitzondering", schema=None) as batch_op:
        batch_op.drop_index("ix_uitzondering_scope")
    op.drop_table("uitzondering")
