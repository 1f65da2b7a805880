"""PostgreSQL search index: zoekindex, zoekitem, zoekitem_zaak, zoeknaam (SEARCH_BACKEND=postgres)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

The tables of ``search.postgres_backend``: the index lives in the app's own database, so
several app servers share it. ``zoekindex`` holds the live generation (no row: never built,
the first start or ``dossierhuis reindex`` builds it), ``zoekitem`` one row per zaak,
document or person with its access tokens and ``tsvector`` (one GIN index over both),
``zoekitem_zaak`` the zaken of each item (department, zaaktype, level: facets and access) and ``zoeknaam``
the name words for fuzzy name search. The text search configuration ``dossierhuis_nl`` is
PostgreSQL's Dutch Snowball stemmer after ``unaccent``, without the stop words of ``dutch``.
``unaccent`` is a contrib extension marked trusted: the database owner may create it.

A rebuild replaces the three data tables by fresh copies (``search.postgres_backend``
creates those from the same definitions; tests/search/test_postgres_backend.py checks that
they match these). SQLite: nothing to do — that backend needs PostgreSQL. The downgrade
leaves the extension in place (something else may use it).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENTS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE SEQUENCE IF NOT EXISTS zoekitem_id_seq AS bigint",
    """CREATE TABLE zoekindex (
        id smallint NOT NULL DEFAULT 1,
        generatie text NOT NULL,
        schema_versie integer NOT NULL,
        gebouwd_op timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT pk_zoekindex PRIMARY KEY (id),
        CONSTRAINT ck_zoekindex_een_rij CHECK (id = 1)
    )""",
    "CREATE TEXT SEARCH DICTIONARY dossierhuis_nl_stem (TEMPLATE = snowball, Language = dutch)",
    "CREATE TEXT SEARCH CONFIGURATION dossierhuis_nl (COPY = dutch)",
    "ALTER TEXT SEARCH CONFIGURATION dossierhuis_nl ALTER MAPPING FOR asciiword, asciihword, "
    "hword_asciipart WITH dossierhuis_nl_stem",
    "ALTER TEXT SEARCH CONFIGURATION dossierhuis_nl ALTER MAPPING FOR word, hword, hword_part "
    "WITH unaccent, dossierhuis_nl_stem",
    """CREATE TABLE zoekitem (
        id bigint NOT NULL DEFAULT nextval('zoekitem_id_seq'),
        key text NOT NULL,
        type text NOT NULL,
        object_id bigint NOT NULL,
        identificatie text NOT NULL DEFAULT '',
        titel text NOT NULL DEFAULT '',
        tekst text NOT NULL DEFAULT '',
        namen text[] NOT NULL DEFAULT '{}',
        bsn text[] NOT NULL DEFAULT '{}',
        kvk text[] NOT NULL DEFAULT '{}',
        kenmerken text[] NOT NULL DEFAULT '{}',
        bestandsnaam text NOT NULL DEFAULT '',
        informatieobjecttype text NOT NULL DEFAULT '',
        iot_sleutel text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT '',
        datum date,
        geboortedatum date,
        jaar integer,
        niveau smallint NOT NULL DEFAULT 0,
        afdeling_enkel text,
        zaaktype_enkel text,
        acl bigint[] NOT NULL,
        tsv tsvector NOT NULL,
        CONSTRAINT pk_zoekitem PRIMARY KEY (id),
        CONSTRAINT uq_zoekitem_key UNIQUE (key)
    ) WITH (toast_tuple_target = 8160)""",
    "ALTER TABLE zoekitem ALTER COLUMN tsv SET STORAGE MAIN",
    """CREATE TABLE zoekitem_zaak (
        item_id bigint NOT NULL,
        zaak_id bigint NOT NULL,
        afdeling_id bigint NOT NULL,
        afdeling text NOT NULL,
        afdeling_sleutel text NOT NULL,
        zaaktype text NOT NULL,
        zaaktype_sleutel text NOT NULL,
        niveau smallint NOT NULL,
        acl bigint[] NOT NULL,
        CONSTRAINT pk_zoekitem_zaak PRIMARY KEY (item_id, zaak_id),
        CONSTRAINT fk_zoekitem_zaak_item_id_zoekitem FOREIGN KEY (item_id)
            REFERENCES zoekitem (id) ON DELETE CASCADE
    )""",
    """CREATE TABLE zoeknaam (
        woord text COLLATE "C" NOT NULL,
        CONSTRAINT pk_zoeknaam PRIMARY KEY (woord)
    )""",
    "CREATE INDEX ix_zoekitem_acl_tsv ON zoekitem USING gin (acl, tsv)",
    "CREATE INDEX ix_zoekitem_type ON zoekitem (type)",
    "CREATE INDEX ix_zoekitem_datum ON zoekitem (datum)",
    "CREATE INDEX ix_zoekitem_jaar ON zoekitem (jaar)",
    "CREATE INDEX ix_zoekitem_iot_sleutel ON zoekitem (iot_sleutel)",
    "CREATE INDEX ix_zoekitem_zaak_zaak_id ON zoekitem_zaak (zaak_id)",
    "CREATE INDEX ix_zoekitem_zaak_afdeling_sleutel ON zoekitem_zaak (afdeling_sleutel)",
    "CREATE INDEX ix_zoekitem_zaak_zaaktype_sleutel ON zoekitem_zaak (zaaktype_sleutel)",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS zoekitem_zaak, zoeknaam, zoekitem, zoekindex")
    op.execute("DROP SEQUENCE IF EXISTS zoekitem_id_seq")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS dossierhuis_nl")
    op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS dossierhuis_nl_stem")
