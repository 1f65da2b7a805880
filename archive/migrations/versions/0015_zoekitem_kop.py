"""Scale (issue 8): the PostgreSQL search index ranks on a small vector kept in the row

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

``zoekitem`` kept its full ``tsvector`` in the row (``STORAGE MAIN``, rows up to 8 KB), so
that ranking every visible match would not fetch it from the TOAST table. At 1,000,000
items a common word's 137,000 visible matches were then 92,000 heap pages of 4.6 KB rows,
read for the total and the facets as much as for the rank. Now the row holds ``tsv_kop``
— titel, ids, names, file name and the first ``KOP_WOORDEN`` words of the text, which is
what ranks — and the full ``tsv`` and ``tekst`` go to TOAST like any large value.

Existing rows get an empty ``tsv_kop``; ``search.postgres_backend.SCHEMA_VERSION`` 2 makes the
index report itself as in need of a rebuild, which ``dossierhuis reindex`` (or the first
server start) does: the rebuild's fresh tables have the new layout from the start. SQLite:
nothing to do (that backend needs PostgreSQL).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    "ALTER TABLE zoekitem ADD COLUMN tsv_kop tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE zoekitem ALTER COLUMN tsv_kop SET STORAGE MAIN",
    "ALTER TABLE zoekitem ALTER COLUMN tsv SET STORAGE EXTENDED",
    "ALTER TABLE zoekitem RESET (toast_tuple_target)",
]
DOWNGRADE = [
    "ALTER TABLE zoekitem DROP COLUMN tsv_kop",
    "ALTER TABLE zoekitem ALTER COLUMN tsv SET STORAGE MAIN",
    "ALTER TABLE zoekitem SET (toast_tuple_target = 8160)",
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
