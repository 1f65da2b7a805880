"""rol: a betrokkene can hold one of the zaaktype's roltypen

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

A rol keeps its generic role in ``omschrijving``; ``roltype_id`` names the zaaktype's own
roltype when one was chosen. Uniqueness: once per roltype, and once per generic role for
rollen without a roltype (a partial index: NULLs never clash in a unique constraint).
Downgrading fails if a betrokkene holds two roltypen with the same generic role in a zaak.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rol", schema=None) as batch_op:
        batch_op.add_column(sa.Column("roltype_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_rol_roltype_id_roltype"), "roltype", ["roltype_id"], ["id"]
        )
        batch_op.drop_constraint(
            batch_op.f("uq_rol_zaak_id_betrokkene_id_omschrijving"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_rol_zaak_id_betrokkene_id_roltype_id"),
            ["zaak_id", "betrokkene_id", "roltype_id"],
        )
        batch_op.create_index(
            "uq_rol_generiek",
            ["zaak_id", "betrokkene_id", "omschrijving"],
            unique=True,
            sqlite_where=sa.text("roltype_id IS NULL"),
            postgresql_where=sa.text("roltype_id IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("rol", schema=None) as batch_op:
        batch_op.drop_index("uq_rol_generiek")
        batch_op.drop_constraint(
            batch_op.f("uq_rol_zaak_id_betrokkene_id_roltype_id"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_rol_zaak_id_betrokkene_id_omschrijving"),
            ["zaak_id", "betrokkene_id", "omschrijving"],
        )
        batch_op.drop_constraint(batch_op.f("fk_rol_roltype_id_roltype"), type_="foreignkey")
        batch_op.drop_column("roltype_id")
