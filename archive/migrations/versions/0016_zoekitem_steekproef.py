"""Scale (issue 8): the PostgreSQL search index can hand out a sample of the matches

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02

A common word's visible matches at 1,000,000 items (137,000 for a user of 3 of 20
departments) took 0.3–0.8 s to count, rank and facet one by one. The GIN index over
``(acl, tsv)`` gets a third column, the item's sample bucket ``hashint8(id) & 63`` (``btree_gin``,
a trusted contrib extension like ``unaccent``), so that a query with far more matches than
``search.postgres_backend.EXACT_LIMIT`` reads the matches of a few buckets only — a uniform
sample, cut inside the index — and estimates its total and facets from them. The index is
rebuilt here (about 2 minutes at a million items, during which searches wait); the rows
do not change. SQLite: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "DROP INDEX IF EXISTS ix_zoekitem_acl_tsv",
    "CREATE INDEX ix_zoekitem_acl_tsv ON zoekitem USING gin (acl, tsv, (hashint8(id) & 63))",
]
DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_zoekitem_acl_tsv",
    "CREATE INDEX ix_zoekitem_acl_tsv ON zoekitem USING gin (acl, tsv)",
    "DROP EXTENSION IF EXISTS btree_gin",
]


def _run(statements: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
