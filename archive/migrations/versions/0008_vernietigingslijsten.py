"""vernietigingslijst: destruction lists with reviewers, items, reviews and remarks

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

A list (``vernietigingslijst``) with its named reviewers, its items (one per zaak, with a
snapshot of the zaak's retention metadata that outlives the zaak: ``zaak_id`` becomes NULL
once it is destroyed), each reviewer's verdict per round and the per-item exclusions with
the author's answers. See ``retention.vernietiging``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import archive.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = archive.db.UTCDateTime(timezone=True)


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["gebruiker.id"], name=op.f(f"fk_{table}_{column}_gebruiker")
    )


def upgrade() -> None:
    op.create_table(
        "vernietigingslijst",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("naam", sa.String(length=200), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("selectie", sa.JSON(), nullable=False),
        sa.Column("ronde", sa.Integer(), nullable=False),
        sa.Column("auteur_id", sa.Integer(), nullable=False),
        sa.Column("aangemaakt_op", WHEN, nullable=False),
        sa.Column("ingediend_op", WHEN, nullable=True),
        sa.Column("beoordeeld_op", WHEN, nullable=True),
        sa.Column("goedgekeurd_door_id", sa.Integer(), nullable=True),
        sa.Column("goedgekeurd_op", WHEN, nullable=True),
        sa.Column("bedenktijd_tot", WHEN, nullable=True),
        sa.Column("uitgevoerd_door_id", sa.Integer(), nullable=True),
        sa.Column("uitvoering_gestart_op", WHEN, nullable=True),
        sa.Column("vernietigd_op", WHEN, nullable=True),
        sa.Column("afgebroken_door_id", sa.Integer(), nullable=True),
        sa.Column("afgebroken_op", WHEN, nullable=True),
        sa.Column("afbreek_reden", sa.Text(), nullable=False),
        sa.Column("verklaring_pdf", sa.String(length=40), nullable=True),
        sa.Column("verklaring_csv", sa.String(length=40), nullable=True),
        _user_fk("vernietigingslijst", "afgebroken_door_id"),
        _user_fk("vernietigingslijst", "auteur_id"),
        _user_fk("vernietigingslijst", "goedgekeurd_door_id"),
        _user_fk("vernietigingslijst", "uitgevoerd_door_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vernietigingslijst")),
    )
    with op.batch_alter_table("vernietigingslijst", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vernietigingslijst_status"), ["status"], unique=False)

    op.create_table(
        "vernietigingslijst_beoordelaar",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("lijst_id", BIG_ID, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lijst_id"],
            ["vernietigingslijst.id"],
            name=op.f("fk_vernietigingslijst_beoordelaar_lijst_id_vernietigingslijst"),
            ondelete="CASCADE",
        ),
        _user_fk("vernietigingslijst_beoordelaar", "user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vernietigingslijst_beoordelaar")),
        sa.UniqueConstraint(
            "lijst_id", "user_id", name=op.f("uq_vernietigingslijst_beoordelaar_lijst_id_user_id")
        ),
    )
    with op.batch_alter_table("vernietigingslijst_beoordelaar", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vernietigingslijst_beoordelaar_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "vernietigingslijst_item",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("lijst_id", BIG_ID, nullable=False),
        sa.Column("zaak_id", BIG_ID, nullable=True),
        sa.Column("zaak_identificatie", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("gegevens", sa.JSON(), nullable=False),
        sa.Column("uitgevoerd_op", WHEN, nullable=True),
        sa.Column("melding", sa.Text(), nullable=False),
        sa.Column("documenten_vernietigd", sa.Integer(), nullable=False),
        sa.Column("documenten_ontkoppeld", sa.Integer(), nullable=False),
        sa.Column("blobs_te_verwijderen", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lijst_id"],
            ["vernietigingslijst.id"],
            name=op.f("fk_vernietigingslijst_item_lijst_id_vernietigingslijst"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["zaak_id"],
            ["zaak.id"],
            name=op.f("fk_vernietigingslijst_item_zaak_id_zaak"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vernietigingslijst_item")),
        sa.UniqueConstraint(
            "lijst_id",
            "zaak_identificatie",
            name=op.f("uq_vernietigingslijst_item_lijst_id_zaak_identificatie"),
        ),
    )
    with op.batch_alter_table("vernietigingslijst_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vernietigingslijst_item_lijst_id"), ["lijst_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vernietigingslijst_item_zaak_id"), ["zaak_id"], unique=False
        )

    op.create_table(
        "vernietigingslijst_beoordeling",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("lijst_id", BIG_ID, nullable=False),
        sa.Column("beoordelaar_id", sa.Integer(), nullable=False),
        sa.Column("ronde", sa.Integer(), nullable=False),
        sa.Column("besluit", sa.String(length=16), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=False),
        sa.Column("beoordeeld_op", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["lijst_id"],
            ["vernietigingslijst.id"],
            name=op.f("fk_vernietigingslijst_beoordeling_lijst_id_vernietigingslijst"),
            ondelete="CASCADE",
        ),
        _user_fk("vernietigingslijst_beoordeling", "beoordelaar_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vernietigingslijst_beoordeling")),
    )
    with op.batch_alter_table("vernietigingslijst_beoordeling", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vernietigingslijst_beoordeling_lijst_id"), ["lijst_id"], unique=False
        )

    op.create_table(
        "vernietigingslijst_opmerking",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("item_id", BIG_ID, nullable=False),
        sa.Column("beoordeling_id", BIG_ID, nullable=False),
        sa.Column("reden", sa.Text(), nullable=False),
        sa.Column("antwoord_besluit", sa.String(length=16), nullable=True),
        sa.Column("antwoord", sa.Text(), nullable=False),
        sa.Column("beantwoord_op", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["beoordeling_id"],
            ["vernietigingslijst_beoordeling.id"],
            name=op.f(
                "fk_vernietigingslijst_opmerking_beoordeling_id_vernietigingslijst_beoordeling"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["vernietigingslijst_item.id"],
            name=op.f("fk_vernietigingslijst_opmerking_item_id_vernietigingslijst_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vernietigingslijst_opmerking")),
    )
    with op.batch_alter_table("vernietigingslijst_opmerking", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vernietigingslijst_opmerking_beoordeling_id"),
            ["beoordeling_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vernietigingslijst_opmerking_item_id"), ["item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vernietigingslijst_opmerking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vernietigingslijst_opmerking_item_id"))
        batch_op.drop_index(batch_op.f("ix_vernietigingslijst_opmerking_beoordeling_id"))
    op.drop_table("vernietigingslijst_opmerking")
    with op.batch_alter_table("vernietigingslijst_beoordeling", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vernietigingslijst_beoordeling_lijst_id"))
    op.drop_table("vernietigingslijst_beoordeling")
    with op.batch_alter_table("vernietigingslijst_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vernietigingslijst_item_zaak_id"))
        batch_op.drop_index(batch_op.f("ix_vernietigingslijst_item_lijst_id"))
    op.drop_table("vernietigingslijst_item")
    with op.batch_alter_table("vernietigingslijst_beoordelaar", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vernietigingslijst_beoordelaar_user_id"))
    op.drop_table("vernietigingslijst_beoordelaar")
    with op.batch_alter_table("vernietigingslijst", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vernietigingslijst_status"))
    op.drop_table("vernietigingslijst")
