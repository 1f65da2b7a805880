"""zaak: brondatum, the facts a pending retention calculation needs, the source of the nominatie

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brondatum", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("handmatige_brondatum", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("hoofdzaak_id", BIG_ID, nullable=True))
        batch_op.add_column(sa.Column("archief_wacht_op", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column(
                "archiefnominatie_bron", sa.String(length=300), nullable=False, server_default=""
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_zaak_hoofdzaak_id_zaak"), "zaak", ["hoofdzaak_id"], ["id"]
        )
        batch_op.create_index(
            "ix_zaak_archief", ["archiefnominatie", "archiefactiedatum"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.drop_index("ix_zaak_archief")
        batch_op.drop_constraint(batch_op.f("fk_zaak_hoofdzaak_id_zaak"), type_="foreignkey")
        batch_op.drop_column("archiefnominatie_bron")
        batch_op.drop_column("archief_wacht_op")
        batch_op.drop_column("hoofdzaak_id")
        batch_op.drop_column("handmatige_brondatum")
        batch_op.drop_column("brondatum")
