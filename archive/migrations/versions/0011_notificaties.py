"""notifications: follows, the notification outbox, inbox, mail outbox, webhooks

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

``volging`` holds who follows which zaak, person or department (and whether a follow made
by a role was ended by the user). ``notificatie_gebeurtenis`` is the outbox written in the
transaction of each change; the notify worker turns it into ``notificatie`` (inbox)
rows, ``mail_bericht`` rows and ``webhook_aflevering`` rows. ``afdeling`` gets the
per-department switch for the content-free cross-department signal. See
``archive.notificaties``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import archive.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_bericht",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kenmerk", sa.String(length=120), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("onderwerp", sa.String(length=200), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pogingen", sa.Integer(), nullable=False),
        sa.Column("volgende_poging_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("geclaimd_tot", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("laatste_fout", sa.String(length=300), nullable=False),
        sa.Column("aangemaakt_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verzonden_op", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["gebruiker.id"],
            name=op.f("fk_mail_bericht_user_id_gebruiker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_bericht")),
        sa.UniqueConstraint("kenmerk", name=op.f("uq_mail_bericht_kenmerk")),
    )
    with op.batch_alter_table("mail_bericht", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_bericht_wachtend", ["status", "volgende_poging_op"], unique=False
        )

    op.create_table(
        "notificatie_gebeurtenis",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kenmerk", sa.String(length=36), nullable=False),
        sa.Column("soort", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("zaak_id", sa.BigInteger(), nullable=True),
        sa.Column("document_id", sa.BigInteger(), nullable=True),
        sa.Column("afdeling_id", sa.Integer(), nullable=True),
        sa.Column("betrokkene_id", sa.BigInteger(), nullable=True),
        sa.Column("vernietigingslijst_id", sa.Integer(), nullable=True),
        sa.Column("gegevens", sa.JSON(), nullable=False),
        sa.Column("aangemaakt_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verwerkt_op", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["gebruiker.id"],
            name=op.f("fk_notificatie_gebeurtenis_actor_id_gebruiker"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notificatie_gebeurtenis")),
        sa.UniqueConstraint("kenmerk", name=op.f("uq_notificatie_gebeurtenis_kenmerk")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("notificatie_gebeurtenis", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notificatie_gebeurtenis_verwerkt_op"), ["verwerkt_op"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notificatie_gebeurtenis_zaak_id"), ["zaak_id"], unique=False
        )

    op.create_table(
        "notificatie_voorkeur",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=12), nullable=False),
        sa.Column("digest_uur", sa.Integer(), nullable=False),
        sa.Column("laatste_digest_op", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("gewijzigd_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["gebruiker.id"],
            name=op.f("fk_notificatie_voorkeur_user_id_gebruiker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notificatie_voorkeur")),
    )
    op.create_table(
        "volging",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("soort", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.BigInteger(), nullable=False),
        sa.Column("reden", sa.String(length=16), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("aangemaakt_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("gewijzigd_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["gebruiker.id"],
            name=op.f("fk_volging_user_id_gebruiker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volging")),
        sa.UniqueConstraint(
            "user_id", "soort", "object_id", name=op.f("uq_volging_user_id_soort_object_id")
        ),
    )
    with op.batch_alter_table("volging", schema=None) as batch_op:
        batch_op.create_index("ix_volging_object", ["soort", "object_id"], unique=False)

    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("naam", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("geheim_versleuteld", sa.Text(), nullable=False),
        sa.Column("soorten", sa.JSON(), nullable=False),
        sa.Column("afdeling_ids", sa.JSON(), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("aangemaakt_door_id", sa.Integer(), nullable=True),
        sa.Column("aangemaakt_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["aangemaakt_door_id"],
            ["gebruiker.id"],
            name=op.f("fk_webhook_aangemaakt_door_id_gebruiker"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook")),
        sa.UniqueConstraint("naam", name=op.f("uq_webhook_naam")),
    )
    op.create_table(
        "notificatie",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "gebeurtenis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("soort", sa.String(length=40), nullable=False),
        sa.Column("reden", sa.String(length=16), nullable=False),
        sa.Column("zaak_id", sa.BigInteger(), nullable=True),
        sa.Column("document_id", sa.BigInteger(), nullable=True),
        sa.Column("afdeling_id", sa.Integer(), nullable=True),
        sa.Column("vernietigingslijst_id", sa.Integer(), nullable=True),
        sa.Column("mail", sa.String(length=12), nullable=False),
        sa.Column("gemaild_op", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("aangemaakt_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("gelezen_op", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["gebeurtenis_id"],
            ["notificatie_gebeurtenis.id"],
            name=op.f("fk_notificatie_gebeurtenis_id_notificatie_gebeurtenis"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["gebruiker.id"],
            name=op.f("fk_notificatie_user_id_gebruiker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notificatie")),
        sa.UniqueConstraint(
            "gebeurtenis_id", "user_id", name=op.f("uq_notificatie_gebeurtenis_id_user_id")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("notificatie", schema=None) as batch_op:
        batch_op.create_index("ix_notificatie_user", ["user_id", "gelezen_op"], unique=False)
        batch_op.create_index("ix_notificatie_aangemaakt_op", ["aangemaakt_op"], unique=False)
        batch_op.create_index(batch_op.f("ix_notificatie_zaak_id"), ["zaak_id"], unique=False)

    op.create_table(
        "webhook_aflevering",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column(
            "gebeurtenis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pogingen", sa.Integer(), nullable=False),
        sa.Column("volgende_poging_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("geclaimd_tot", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("laatste_fout", sa.String(length=300), nullable=False),
        sa.Column("laatste_http_status", sa.Integer(), nullable=True),
        sa.Column("aangemaakt_op", archive.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("afgeleverd_op", archive.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["gebeurtenis_id"],
            ["notificatie_gebeurtenis.id"],
            name=op.f("fk_webhook_aflevering_gebeurtenis_id_notificatie_gebeurtenis"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhook.id"],
            name=op.f("fk_webhook_aflevering_webhook_id_webhook"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_aflevering")),
        sa.UniqueConstraint(
            "webhook_id",
            "gebeurtenis_id",
            name=op.f("uq_webhook_aflevering_webhook_id_gebeurtenis_id"),
        ),
    )
    with op.batch_alter_table("webhook_aflevering", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_aflevering_wachtend", ["status", "volgende_poging_op"], unique=False
        )

    with op.batch_alter_table("afdeling", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signalering_actief", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("signaal_contact", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("afdeling", schema=None) as batch_op:
        batch_op.drop_column("signaal_contact")
        batch_op.drop_column("signalering_actief")

    with op.batch_alter_table("webhook_aflevering", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_aflevering_wachtend")

    op.drop_table("webhook_aflevering")
    with op.batch_alter_table("notificatie", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notificatie_zaak_id"))
        batch_op.drop_index("ix_notificatie_user")
        batch_op.drop_index("ix_notificatie_aangemaakt_op")

    op.drop_table("notificatie")
    op.drop_table("webhook")
    with op.batch_alter_table("volging", schema=None) as batch_op:
        batch_op.drop_index("ix_volging_object")

    op.drop_table("volging")
    op.drop_table("notificatie_voorkeur")
    with op.batch_alter_table("notificatie_gebeurtenis", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notificatie_gebeurtenis_zaak_id"))
        batch_op.drop_index(batch_op.f("ix_notificatie_gebeurtenis_verwerkt_op"))

    op.drop_table("notificatie_gebeurtenis")
    with op.batch_alter_table("mail_bericht", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_bericht_wachtend")

    op.drop_table("mail_bericht")
