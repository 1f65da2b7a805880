"""The PostgreSQL backend: the search index in tables of the app's own database
(``DATABASE_URL``), so that several app servers share one index, one writer lock and one
rebuild — nothing of it lives in a process or on a disk of its own.

Tables (migration 0012; ``rebuild`` fills fresh copies and swaps them in)::

    zoekindex       one row: the live generation, its schema version, when it was built
    zoekitem        one row per item: what a hit shows, the filter columns, ``acl``, ``tsv``
    zoekitem_zaak   one row per (item, zaak): department, zaaktype and the level required
                    through that zaak — facets, ``afdeling:``/``zaaktype:``, ``linked_keys``
    zoeknaam        every folded word of every name indexed since the last rebuild: a fuzzy
                    name (``Jansn``, ``jansem~``) is expanded to the words within reach

**Text.** ``tsv`` holds titel (weight A) and tekst (C) analysed by the text search
configuration ``dossierhuis_nl``: PostgreSQL's Dutch Snowball stemmer (as in the ``dutch``
configuration) after accent folding (``unaccent``), and without the stop-word list of
``dutch`` — Whoosh has none either, and the phrase "een woning" must keep its "een". Names
(B, folded, not stemmed: Jansen is not Jans), file names (D) and the exact ids are lexemes
made here, with a prefix no parsed word can have (``n=jansen``, ``f=brief``,
``id=zaak-2024-0000001``, ``bsn=…``, ``kvk=…``, ``km=…``). So a query word is one tsquery
without weights (``woning | n=woning | f=woning | id=woning …``) that the GIN index answers
exactly, without reading a row; only phrases and field-bound words (``titel:``) need weights
and therefore a recheck of the rows.

**Access** is the Whoosh backend's rule, in SQL. A link (zaak Z of afdeling A, with required
level m = max(zaak level, item level)) gives the tokens (A, c) and (Z, c) for every
clearance c ≥ m; a membership (A, C) or a grant (Z, C) is the one token (A, C) or (Z, C).
Those tokens are bigints in ``acl`` of the link and, joined, of the item: the item is
visible exactly when ``acl && <the user's tokens>``, i.e. when one of its zaken is reached
by a membership or grant whose clearance covers both the zaak and the item. One GIN index
over ``(acl, tsv)`` intersects that condition with the text match before any row is read,
so the hits, the total and every facet count only what the user may see, and only the
visible matches are read (to rank them). Facets on afdeling and zaaktype
and the ``afdeling:``/``zaaktype:`` filters use only the links whose own ``acl`` meets the
user's tokens: a document in a zaak the user does not see reveals nothing about that zaak.

**Writers** queue on ``pg_advisory_xact_lock`` — across every thread, process and server.
``rebuild`` fills ``*_nieuw`` tables inside one transaction (nobody sees them; a failure
leaves nothing behind), indexes them, then takes the writer lock, applies ``catch_up`` and
swaps the tables in with the generation row, all in the same commit: a search sees the old
index or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session
from whoosh import fields, qparser
from whoosh import query as wq
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.support.charset import accent_map
from whoosh.util.times import long_to_datetime

from search.backend import (
    HIT_END,
    HIT_START,
    LEVELS,
    CatchUp,
    Gezondheid,
    IndexDocument,
    IndexMissing,
    Progress,
    Rechten,
    Treffer,
    Zoekresultaat,
    Zoekvraag,
    rank,
    segments,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: tsv_kop ranks; tsv and tekst out of the row
CONFIG = "dossierhuis_nl"  # text search configuration (see the module docstring)
STEM_DICTIONARY = "dossierhuis_nl_stem"
STORED_TEXT_CHARS = 20_000  # kept for snippets, as in the Whoosh backend
# the words of tekst that rank (``tsv_kop``): with the titel, ids, names and file name
KOP_WOORDEN = 100
# PostgreSQL refuses a tsvector whose lexemes take more than 1 MB; a text with that many
# distinct words is cut where the estimate reaches this (only pathological documents)
TSVECTOR_BUDGET = 700_000
MAX_TOP = len(LEVELS) - 1
BATCH = 500
# pg_advisory_xact_lock keys ("dossierhuis zoekindex: write" / "... rebuild")
WRITE_LOCK = 0x44485A_0001
REBUILD_LOCK = 0x44485A_0002
RANK_WEIGHTS = "{0.2, 0.1, 0.4, 1.0}"  # D file name, C tekst, B names, A titel and ids
NOTHING = "'x='"  # a lexeme no item has: matches nothing
# between titel and tekst in ``tsv``: no phrase runs from the end of one into the other
SEPARATOR = r"CAST('''x=|''\:1' AS tsvector)"  # \: is a colon in text()
MAX_FUZZY_CANDIDATES = 200
# For the search statement only (this read transaction): memory enough that a common word's
# bitmap of matches stays exact (a lossy page is checked again row by row, reading each
# row's full tsvector out of TOAST: a prefix query at 1M took 0.9 s instead of 0.4 s), and
# the matches found through the GIN index even when most rows match — a sequential scan
# then tests every row's full tsvector (a user who sees everything, 1.1M matches: 7.5 s
# instead of 3.8 s)
SEARCH_SETTINGS = (
    "SELECT set_config('work_mem', '64MB', true), set_config('enable_seqscan', 'off', true)"
)
MAX_LEXEME_BYTES = 2000  # PostgreSQL: 2047
# A query whose visible matches are well over ``EXACT_LIMIT`` is answered from a uniform
# sample of about half that many. Each item is in one of SAMPLE_BUCKETS buckets — a hash of
# its id, so that no pattern in the order of the ids (departments, zaken of so many
# documents) makes one bucket unlike another — and the bucket is a column of the GIN index,
# which hands out the matches of a few buckets without reading the others. Counting,
# ranking and faceting each of a common word's 137,000 visible matches at 1M items took
# 0.3–0.8 s; a sample costs ~16 µs a row (its rows are far apart; the index reads whole
# buckets), so it is kept small — 2,500 rows still estimate a total within ~2 %.
EXACT_LIMIT = 5_000
SAMPLE_BUCKETS = 64
# as in the index definition, so that the index serves it
BUCKET = f"(hashint8(i.id) & {SAMPLE_BUCKETS - 1})"

assert len(LEVELS) <= 8, "access tokens keep the clearance in 3 bits"
assert SAMPLE_BUCKETS & (SAMPLE_BUCKETS - 1) == 0, "a bucket is the hash's low bits"

SessionFactory = Callable[[], Session]


# -- schema -------------------------------------------------------------------------------


def data_table_ddl(suffix: str = "") -> list[str]:
    """CREATE TABLE statements of the three data tables (``suffix`` for a rebuild's
    fresh copies). Migration 0012 holds the same definitions (a test compares them)."""
    s = suffix
    return [
        f"""CREATE TABLE zoekitem{s} (
            id bigint NOT NULL DEFAULT nextval('zoekitem_id_seq'),
            key text NOT NULL,
            type text NOT NULL,
            object_id bigint NOT NULL,
            identificatie text NOT NULL DEFAULT '',
            titel text NOT NULL DEFAULT '',
            tekst text NOT NULL DEFAULT '',
            namen text[] NOT NULL DEFAULT '{{}}',
            bsn text[] NOT NULL DEFAULT '{{}}',
            kvk text[] NOT NULL DEFAULT '{{}}',
            kenmerken text[] NOT NULL DEFAULT '{{}}',
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
            tsv_kop tsvector NOT NULL DEFAULT '',
            CONSTRAINT pk_zoekitem{s} PRIMARY KEY (id),
            CONSTRAINT uq_zoekitem{s}_key UNIQUE (key)
        )""",
        # Ranking and facets read the row of every visible match; the full text and its
        # tsvector live out of the row (TOAST), only the small ranking vector in it: a
        # common word's 137,000 visible matches at 1M items were 92,000 pages of 4.6 KB
        # rows (issue 8)
        f"ALTER TABLE zoekitem{s} ALTER COLUMN tsv_kop SET STORAGE MAIN",
        f"""CREATE TABLE zoekitem_zaak{s} (
            item_id bigint NOT NULL,
            zaak_id bigint NOT NULL,
            afdeling_id bigint NOT NULL,
            afdeling text NOT NULL,
            afdeling_sleutel text NOT NULL,
            zaaktype text NOT NULL,
            zaaktype_sleutel text NOT NULL,
            niveau smallint NOT NULL,
            acl bigint[] NOT NULL,
            CONSTRAINT pk_zoekitem_zaak{s} PRIMARY KEY (item_id, zaak_id),
            CONSTRAINT fk_zoekitem_zaak{s}_item_id_zoekitem FOREIGN KEY (item_id)
                REFERENCES zoekitem{s} (id) ON DELETE CASCADE
        )""",
        f"""CREATE TABLE zoeknaam{s} (
            woord text COLLATE "C" NOT NULL,
            CONSTRAINT pk_zoeknaam{s} PRIMARY KEY (woord)
        )""",
    ]


# index name (without suffix) → table and definition; built after a rebuild's bulk load
DATA_INDEXES = {
    # one GIN index over both: access and text are intersected inside the index, so only
    # visible matches are read (two indexes: the planner takes one and filters row by row)
    # … and the sample bucket (btree_gin), so a sample is cut inside the index too
    "ix_zoekitem_acl_tsv": (
        "zoekitem",
        f"USING gin (acl, tsv, (hashint8(id) & {SAMPLE_BUCKETS - 1}))",
    ),
    "ix_zoekitem_type": ("zoekitem", "(type)"),
    "ix_zoekitem_datum": ("zoekitem", "(datum)"),
    "ix_zoekitem_jaar": ("zoekitem", "(jaar)"),
    "ix_zoekitem_iot_sleutel": ("zoekitem", "(iot_sleutel)"),
    "ix_zoekitem_zaak_zaak_id": ("zoekitem_zaak", "(zaak_id)"),
    "ix_zoekitem_zaak_afdeling_sleutel": ("zoekitem_zaak", "(afdeling_sleutel)"),
    "ix_zoekitem_zaak_zaaktype_sleutel": ("zoekitem_zaak", "(zaaktype_sleutel)"),
}
DATA_TABLES = ("zoekitem", "zoekitem_zaak", "zoeknaam")
# constraints renamed with their table when a rebuild's copy goes live
DATA_CONSTRAINTS = {
    "zoekitem": ("pk_zoekitem", "uq_zoekitem_key"),
    "zoekitem_zaak": ("pk_zoekitem_zaak", "fk_zoekitem_zaak_item_id_zoekitem"),
    "zoeknaam": ("pk_zoeknaam",),
}


def _suffixed(name: str, table: str, suffix: str) -> str:
    """``pk_zoekitem_zaak`` + ``_nieuw`` → ``pk_zoekitem_zaak_nieuw``; the suffix goes right
    after the table name, as the DDL above writes it."""
    head, sep, tail = name.partition(table)
    return f"{head}{table}{suffix}{tail}" if sep else f"{name}{suffix}"


def data_index_ddl(suffix: str = "") -> list[str]:
    return [
        f"CREATE INDEX {_suffixed(name, table, suffix)} ON {table}{suffix} {definition}"
        for name, (table, definition) in DATA_INDEXES.items()
    ]


BASE_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE SEQUENCE IF NOT EXISTS zoekitem_id_seq AS bigint",
    """CREATE TABLE IF NOT EXISTS zoekindex (
        id smallint NOT NULL DEFAULT 1,
        generatie text NOT NULL,
        schema_versie integer NOT NULL,
        gebouwd_op timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT pk_zoekindex PRIMARY KEY (id),
        CONSTRAINT ck_zoekindex_een_rij CHECK (id = 1)
    )""",
]
CONFIG_DDL = [
    f"CREATE TEXT SEARCH DICTIONARY {STEM_DICTIONARY} (TEMPLATE = snowball, Language = dutch)",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = dutch)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR asciiword, asciihword, "
    f"hword_asciipart WITH {STEM_DICTIONARY}",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR word, hword, hword_part "
    f"WITH unaccent, {STEM_DICTIONARY}",
]


# -- analysis done here (names, file names, ids) --------------------------------------------

_WORD = re.compile(r"\w+(\.?\w+)*")  # Whoosh's RegexTokenizer
_FILE_WORD = re.compile(r"[^\W_]+")  # the Whoosh backend's file-name analyser
_LETTER = re.compile(r"[^\W_]")


def fold(value: str) -> str:
    """Lower case, accents folded exactly as the Whoosh backend folds names (Ünal = unal)."""
    return value.lower().translate(accent_map)


def name_words(value: str) -> list[str]:
    return [w for m in _WORD.finditer(value or "") if (w := fold(m.group()))]


def file_words(value: str) -> list[str]:
    return [w for m in _FILE_WORD.finditer(value or "") if (w := fold(m.group()))]


def _clean(value: str) -> str:
    """As the Whoosh backend's keyword values: no commas, single spaces."""
    return " ".join((value or "").replace(",", " ").split())


def _key(value: str) -> str:
    return _clean(value).lower()


def _lexeme(value: str) -> str:
    """A quoted lexeme for tsvector/tsquery input."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _ids(doc: IndexDocument) -> list[str]:
    """The exact-id lexemes of an item (Whoosh: keyword fields, split on spaces)."""
    out = [f"id={v.lower()}" for v in (doc.identificatie or "").split()]
    out += [f"bsn={v}" for b in doc.bsn for v in b.split()]
    out += [f"kvk={v}" for k in doc.kvk for v in k.split()]
    out += [f"km={v.lower()}" for k in doc.kenmerken for v in k.split()]
    return out


def extra_tsvector(doc: IndexDocument) -> str:
    """ids (A), names (B) and file-name words (D) as tsvector input, with positions (so
    they rank and names take phrases) and a gap between two names."""
    positions: dict[str, list[str]] = {}
    pos = 1

    def put(lexeme: str, weight: str) -> None:
        if len(lexeme.encode()) <= MAX_LEXEME_BYTES:  # PostgreSQL refuses longer ones
            positions.setdefault(lexeme, []).append(f"{min(pos, 16383)}{weight}")

    for lexeme in _ids(doc):
        put(lexeme, "A")
        pos += 1
    for naam in doc.namen:
        for word in name_words(naam):
            put(f"n={word}", "B")
            pos += 1
        pos += 1
    for word in file_words(doc.bestandsnaam):
        put(f"f={word}", "D")
        pos += 1
    return " ".join(f"{_lexeme(lex)}:{','.join(ps[:256])}" for lex, ps in positions.items())


def text_for_tsvector(value: str) -> str:
    """The text as PostgreSQL may take it into one tsvector (at most 1 MB of lexemes):
    cut where an estimate of the lexeme bytes reaches ``TSVECTOR_BUDGET``."""
    if len(value) <= TSVECTOR_BUDGET // 4:  # cannot reach the budget (≥ 4 bytes a word)
        return value
    seen: dict[str, int] = {}
    budget = 0
    for match in _WORD.finditer(value):
        word = match.group().lower()
        count = seen.get(word, 0)
        if count == 0:
            budget += 2 * len(word.encode()) + 6  # compound parts, header, a position
        elif count < 256:
            budget += 2
        seen[word] = count + 1
        if budget > TSVECTOR_BUDGET:
            return value[: match.start()]
    return value


def words_text(value: str) -> str:
    """The text as Whoosh's tokenizer splits it, words joined by spaces: PostgreSQL's own
    parser keeps e-mail addresses, URLs and "ZAAK-2024-1" whole (then "2024" or "jan" of
    jan@example.nl would not be found); the words go through its Dutch analysis as
    usual. Highlighting still reads the original text."""
    return " ".join(m.group() for m in _WORD.finditer(value or ""))


def kop_words(value: str) -> str:
    """The first ``KOP_WOORDEN`` words of a text, as :func:`words_text` splits them."""
    words = []
    for match in _WORD.finditer(value or ""):
        words.append(match.group())
        if len(words) == KOP_WOORDEN:
            break
    return " ".join(words)


def _strip_markers(value: str) -> str:
    return (value or "").replace(HIT_START, " ").replace(HIT_END, " ")


def tokens(rechten: Rechten) -> list[int]:
    """A user's access tokens (see the module docstring)."""
    out = [afd * 16 + rank(c) for afd, (_rol, c) in rechten.afdelingen.items()]
    out += [zaak * 16 + 8 + rank(c) for zaak, (_rol, c) in rechten.zaken.items()]
    return sorted(set(out))


def item_acl(doc: IndexDocument) -> list[int]:
    out: set[int] = set()
    for link in doc.links:
        m = max(link.niveau, doc.niveau)
        for c in range(m, MAX_TOP + 1):
            out.add(link.afdeling_id * 16 + c)
            out.add(link.zaak_id * 16 + 8 + c)
    return sorted(out)


def _row(doc: IndexDocument) -> dict:
    tekst = _strip_markers(doc.tekst)
    return {
        "key": doc.key,
        "type": doc.type,
        "object_id": doc.object_id,
        "identificatie": doc.identificatie or "",
        "titel": _strip_markers(doc.titel),
        "tekst": tekst[:STORED_TEXT_CHARS],
        "titel_index": words_text(doc.titel),
        "tekst_index": words_text(text_for_tsvector(tekst)),
        "kop_index": kop_words(tekst),
        "namen": list(doc.namen),
        "bsn": list(doc.bsn),
        "kvk": list(doc.kvk),
        "kenmerken": list(doc.kenmerken),
        "bestandsnaam": doc.bestandsnaam or "",
        "informatieobjecttype": doc.informatieobjecttype or "",
        "iot_sleutel": _key(doc.informatieobjecttype),
        "status": _key(doc.status),
        "datum": doc.datum,
        "geboortedatum": doc.geboortedatum,
        "jaar": doc.datum.year if doc.datum and doc.type != "persoon" else None,
        "niveau": doc.niveau,
        # an item in one zaak is visible only through it: its facets need no look at links
        "afdeling_enkel": _clean(doc.links[0].afdeling) if len(doc.links) == 1 else None,
        "zaaktype_enkel": _clean(doc.links[0].zaaktype) if len(doc.links) == 1 else None,
        "acl": item_acl(doc),
        "extra": extra_tsvector(doc),
    }


_COLUMNS = (
    "key, type, object_id, identificatie, titel, tekst, namen, bsn, kvk, kenmerken, "
    "bestandsnaam, informatieobjecttype, iot_sleutel, status, datum, geboortedatum, jaar, "
    "niveau, afdeling_enkel, zaaktype_enkel, acl, tsv, tsv_kop"
)


def _upsert_sql(s: str) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ") if c != "key")
    return (
        f"INSERT INTO zoekitem{s} ({_COLUMNS}) VALUES (:key, :type, :object_id, "
        ":identificatie, :titel, :tekst, :namen, :bsn, :kvk, :kenmerken, :bestandsnaam, "
        ":informatieobjecttype, :iot_sleutel, :status, :datum, :geboortedatum, :jaar, "
        ":niveau, :afdeling_enkel, :zaaktype_enkel, :acl, "
        f"CAST(:extra AS tsvector) || setweight(to_tsvector('{CONFIG}', :titel_index), 'A') "
        f"|| {SEPARATOR} "
        f"|| setweight(to_tsvector('{CONFIG}', :tekst_index), 'C'), "
        f"CAST(:extra AS tsvector) || setweight(to_tsvector('{CONFIG}', :titel_index), 'A') "
        f"|| {SEPARATOR} "
        f"|| setweight(to_tsvector('{CONFIG}', :kop_index), 'C')) "
        f"ON CONFLICT (key) DO UPDATE SET {updates}"
    )


def _links_sql(s: str) -> str:
    acl = (
        "ARRAY(SELECT u.afdeling_id * 16 + c FROM generate_series(u.niveau, "
        f"{MAX_TOP}) AS c UNION ALL SELECT u.zaak_id * 16 + 8 + c FROM "
        f"generate_series(u.niveau, {MAX_TOP}) AS c)"
    )
    return (
        f"INSERT INTO zoekitem_zaak{s} (item_id, zaak_id, afdeling_id, afdeling, "
        "afdeling_sleutel, zaaktype, zaaktype_sleutel, niveau, acl) "
        "SELECT i.id, u.zaak_id, u.afdeling_id, u.afdeling, lower(u.afdeling), u.zaaktype, "
        f"lower(u.zaaktype), u.niveau, {acl} "
        "FROM unnest(CAST(:keys AS text[]), CAST(:zaak_ids AS bigint[]), "
        "CAST(:afdeling_ids AS bigint[]), CAST(:afdelingen AS text[]), "
        "CAST(:zaaktypen AS text[]), CAST(:niveaus AS smallint[])) "
        "AS u(key, zaak_id, afdeling_id, afdeling, zaaktype, niveau) "
        f"JOIN zoekitem{s} AS i ON i.key = u.key "
        "ON CONFLICT (item_id, zaak_id) DO UPDATE SET afdeling_id = excluded.afdeling_id, "
        "afdeling = excluded.afdeling, afdeling_sleutel = excluded.afdeling_sleutel, "
        "zaaktype = excluded.zaaktype, zaaktype_sleutel = excluded.zaaktype_sleutel, "
        "niveau = excluded.niveau, acl = excluded.acl"
    )


# -- the query language ---------------------------------------------------------------------


class Unsupported(ValueError):
    """A query construct this backend cannot answer (said to the user as ``fout``)."""


def _parse_schema() -> fields.Schema:
    """The Whoosh backend's query fields, for parsing only: words stay as typed (this
    backend analyses them itself, in PostgreSQL), the typed fields parse as there."""

    def raw():
        return fields.TEXT(analyzer=SpaceSeparatedTokenizer())

    return fields.Schema(
        alles=raw(),
        titel=raw(),
        tekst=raw(),
        namen=raw(),
        bestandsnaam=raw(),
        identificatie=fields.KEYWORD(lowercase=True),
        bsn=fields.KEYWORD(),
        kvk=fields.KEYWORD(),
        kenmerken=fields.KEYWORD(lowercase=True),
        informatieobjecttype=fields.KEYWORD(lowercase=True, commas=True),
        status=fields.KEYWORD(lowercase=True, commas=True),
        afdeling=fields.KEYWORD(lowercase=True, commas=True),
        zaaktype=fields.KEYWORD(lowercase=True, commas=True),
        type=fields.ID(),
        jaar=fields.NUMERIC(int),
        datum=fields.DATETIME(),
        geboortedatum=fields.DATETIME(),
    )


def make_parser() -> qparser.QueryParser:
    """The same plugins, operators and aliases as ``WhooshBackend._make_parser``; a bare
    word goes to the pseudo-field ``alles`` (every search field, expanded here)."""
    parser = qparser.QueryParser("alles", _parse_schema(), group=qparser.AndGroup)
    parser.remove_plugin_class(qparser.OperatorsPlugin)
    parser.add_plugin(
        qparser.OperatorsPlugin(
            And=r"(?<=\s)(AND|EN)(?=\s)",
            Or=r"(?<=\s)(OR|OF)(?=\s)",
            AndNot=r"(?<=\s)ANDNOT(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(NOT|NIET)(?=\s)",
        )
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    parser.add_plugin(
        qparser.FieldAliasPlugin(
            {
                "informatieobjecttype": ["doctype", "documenttype"],
                "namen": ["naam", "persoon"],
                "datum": ["date"],
            }
        )
    )
    return parser


@dataclass(frozen=True)
class _Part:
    """A translated query part: ``true``/``false``, a tsquery (SQL) or a predicate (SQL)."""

    kind: str
    sql: str = ""


TRUE, FALSE = _Part("true"), _Part("false")


def _tsq(sql: str) -> _Part:
    return _Part("tsq", sql)


def _pred(sql: str) -> _Part:
    return _Part("pred", sql)


def _match(part: _Part) -> str:
    return f"i.tsv @@ ({part.sql})" if part.kind == "tsq" else part.sql


def _and(parts: list[_Part]) -> _Part:
    parts = [p for p in parts if p is not TRUE]
    if any(p is FALSE for p in parts):
        return FALSE
    if not parts:
        return TRUE
    tsqs = [p.sql for p in parts if p.kind == "tsq"]
    preds = [p.sql for p in parts if p.kind == "pred"]
    merged = _tsq(" && ".join(f"({t})" for t in tsqs)) if tsqs else None
    if not preds:
        return merged
    return _pred(" AND ".join(([_match(merged)] if merged else []) + [f"({p})" for p in preds]))


def _or(parts: list[_Part]) -> _Part:
    parts = [p for p in parts if p is not FALSE]
    if any(p is TRUE for p in parts):
        return TRUE
    if not parts:
        return FALSE
    tsqs = [p.sql for p in parts if p.kind == "tsq"]
    preds = [p.sql for p in parts if p.kind == "pred"]
    merged = _tsq(" || ".join(f"({t})" for t in tsqs)) if tsqs else None
    if not preds:
        return merged
    return _pred(" OR ".join(([_match(merged)] if merged else []) + [f"({p})" for p in preds]))


def _not(part: _Part) -> _Part:
    if part is TRUE:
        return FALSE
    if part is FALSE:
        return TRUE
    if part.kind == "tsq":
        return _tsq(f"!!({part.sql})")
    return _pred(f"NOT ({part.sql})")


def _levenshtein_within(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


@dataclass
class _Translation:
    """Turns a parsed query into SQL over ``zoekitem i`` for one user; collects the bind
    parameters and, for ranking and highlighting, the tsquery pieces outside any NOT:
    analysed words as SQL, and the lexemes made here as tsquery operands (those are
    checked for existence first: every operand in ``ts_rank_cd`` costs time on every row,
    and most of them — ``id=woning``, ``bsn=woning`` — are in no item at all)."""

    acl_param: str
    vocabulary: Callable[[str, int, int], list[str]]
    params: dict = field(default_factory=dict)
    positive: list[str] = field(default_factory=list)
    positive_operands: list[str] = field(default_factory=list)
    where: _Part = TRUE
    _pieces: list[tuple[str, str]] = field(default_factory=list)

    def bind(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    # tsquery pieces -------------------------------------------------------------------

    def literal(self, expression: str) -> str:
        self._pieces += [("operand", o) for o in _OPERAND.findall(expression)]
        return f"CAST({self.bind(expression)} AS tsquery)"

    def analysed(self, function: str, value: str) -> str:
        """``plainto_tsquery``/``to_tsquery``/``phraseto_tsquery`` in this backend's
        configuration; a result without lexemes matches nothing (as in Whoosh)."""
        sql = (
            f"coalesce(nullif({function}('{CONFIG}', {self.bind(value)}), ''::tsquery), "
            f"{NOTHING}::tsquery)"
        )
        self._pieces.append(("sql", sql))
        return sql

    @staticmethod
    def quoted(value: str, suffix: str = "") -> str:
        """Text as one quoted operand of ``to_tsquery`` input (analysed there)."""
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'" + suffix

    def leaf(self, make: Callable[[], _Part], negated: bool) -> _Part:
        """A leaf of the query; its tsquery pieces count for ranking unless negated."""
        self._pieces = []
        part = make()
        if part.kind == "tsq" and not negated:
            for kind, piece in self._pieces:
                target = self.positive if kind == "sql" else self.positive_operands
                if piece not in target:
                    target.append(piece)
        self._pieces = []
        return part

    # leaves -----------------------------------------------------------------------------

    def word(self, value: str, *, weight: str = "") -> _Part:
        """One typed word in titel (A) and/or tekst (C), stemmed by PostgreSQL."""
        value = words_text(value)
        if not _LETTER.search(value):
            return FALSE
        if weight:
            return _tsq(self.analysed("to_tsquery", self.quoted(value, ":" + weight)))
        return _tsq(self.analysed("plainto_tsquery", value))

    def exact(self, value: str, *, fields_: tuple[str, ...]) -> list[str]:
        """tsquery input for the lexemes made here: names, file names and ids."""
        out = []
        for name in fields_:
            if name in ("namen", "bestandsnaam"):
                words = name_words(value) if name == "namen" else file_words(value)
                prefix = "n=" if name == "namen" else "f="
                if words:
                    out.append(" & ".join(_lexeme(prefix + w) for w in words))
            else:
                for v in value.split():
                    out.append(_lexeme(_id_lexeme(name, v)))
        return out

    def any_field(self, value: str) -> _Part:
        exact = self.exact(
            value, fields_=("namen", "bestandsnaam", "identificatie", "bsn", "kvk", "kenmerken")
        )
        parts = [self.word(value)]
        if exact:
            parts.append(_tsq(self.literal(" | ".join(f"({e})" for e in exact))))
        return _or(parts)

    def phrase(self, fieldname: str, words: list[str], slop: int) -> _Part:
        words = [w for w in words if w]
        if not words:
            return FALSE
        if len(words) == 1:
            return self.term(fieldname, words[0])
        if slop > 1:  # "a b"~3: every word in the same field (no distance in PostgreSQL)
            return _or(
                [
                    _and([self.term(f, w) for w in words])
                    for f in _PHRASE_FIELDS.get(fieldname, (fieldname,))
                ]
            )
        parts = []
        joined = words_text(" ".join(words))
        has_letters = bool(_LETTER.search(joined))
        if fieldname == "alles" and has_letters:
            # titel and tekst at once: a separator in tsv keeps a phrase inside one of them
            parts.append(_tsq(self.analysed("phraseto_tsquery", joined)))
        elif fieldname in ("titel", "tekst") and has_letters:
            weight = "A" if fieldname == "titel" else "C"
            parts.append(_tsq(self.analysed("to_tsquery", self.quoted(joined, ":" + weight))))
        for name in ("namen", "bestandsnaam"):
            if fieldname not in ("alles", name):
                continue
            analyse = name_words if name == "namen" else file_words
            prefix = "n=" if name == "namen" else "f="
            lexemes = [_lexeme(prefix + w) for word in words for w in analyse(word)]
            if lexemes:
                parts.append(_tsq(self.literal(" <-> ".join(lexemes))))
        return _or(parts)

    def term(self, fieldname: str, value) -> _Part:
        if fieldname == "alles":
            return self.any_field(value)
        if fieldname in ("titel", "tekst"):
            return self.word(value, weight="A" if fieldname == "titel" else "C")
        if fieldname in ("namen", "bestandsnaam", "identificatie", "bsn", "kvk", "kenmerken"):
            exact = self.exact(value, fields_=(fieldname,))
            return _tsq(self.literal(" | ".join(f"({e})" for e in exact))) if exact else FALSE
        if fieldname == "type":
            return _pred(f"i.type = {self.bind(value)}")
        if fieldname in ("informatieobjecttype", "status"):
            column = "iot_sleutel" if fieldname == "informatieobjecttype" else "status"
            return _pred(f"i.{column} = {self.bind(_key(value))}")
        if fieldname in ("afdeling", "zaaktype"):
            return self.via_zaak(fieldname, [value])
        if fieldname == "jaar":
            number = _PARSE_SCHEMA["jaar"].from_bytes(value) if isinstance(value, bytes) else value
            return _pred(f"i.jaar = {self.bind(int(number))}")
        return FALSE

    def via_zaak(self, fieldname: str, values: Iterable[str]) -> _Part:
        """afdeling:/zaaktype: match only through zaken the user may see."""
        keys = sorted({_key(v) for v in values})
        if not keys:
            return FALSE
        return _pred(
            "EXISTS (SELECT 1 FROM zoekitem_zaak l WHERE l.item_id = i.id AND "
            f"l.{fieldname}_sleutel = ANY(CAST({self.bind(keys)} AS text[])) AND "
            f"l.acl && CAST(:{self.acl_param} AS bigint[]))"
        )

    def prefix(self, fieldname: str, value: str) -> _Part:
        if fieldname in ("afdeling", "zaaktype"):
            return FALSE  # as in the Whoosh backend: never a way around access
        if fieldname in ("type", "informatieobjecttype", "status"):
            column = {"informatieobjecttype": "iot_sleutel"}.get(fieldname, fieldname)
            pattern = (value if fieldname == "type" else _key(value)).replace("\\", "\\\\")
            pattern = pattern.replace("%", "\\%").replace("_", "\\_") + "%"
            return _pred(f"i.{column} LIKE {self.bind(pattern)}")
        parts = []
        if fieldname in ("alles", "titel", "tekst") and _LETTER.search(value):
            weight = {"titel": "A", "tekst": "C"}.get(fieldname, "")
            parts.append(_tsq(self.analysed("to_tsquery", self.quoted(value, ":*" + weight))))
        lexemes = []
        names = ("namen", "bestandsnaam", "identificatie", "bsn", "kvk", "kenmerken")
        for name in names if fieldname == "alles" else (fieldname,):
            if name in ("namen", "bestandsnaam"):
                words = name_words(value) if name == "namen" else file_words(value)
                if len(words) == 1:
                    lexemes.append(_lexeme(("n=" if name == "namen" else "f=") + words[0]) + ":*")
            elif name in names and value.split():
                lexemes.append(_lexeme(_id_lexeme(name, value.split()[0])) + ":*")
        if lexemes:
            parts.append(_tsq(self.literal(" | ".join(lexemes))))
        return _or(parts)

    def fuzzy(self, fieldname: str, value: str, maxdist: int, prefixlength: int) -> _Part:
        """Names within ``maxdist`` edits (the words of ``zoeknaam``); in every other field
        the word itself (PostgreSQL has no fuzzy match in a tsvector)."""
        if fieldname not in ("alles", "namen"):
            return self.term(fieldname, value)
        words = name_words(value)
        parts = [self.term(fieldname, value)]
        if len(words) == 1:
            word = words[0]
            found = [
                c
                for c in self.vocabulary(word[:prefixlength], len(word) - maxdist, maxdist)
                if c[:prefixlength] == word[:prefixlength] and _levenshtein_within(word, c, maxdist)
            ][:MAX_FUZZY_CANDIDATES]
            if found:
                parts.append(_tsq(self.literal(" | ".join(_lexeme("n=" + c) for c in found))))
        return _or(parts)

    def numeric_range(self, q: wq.NumericRange) -> _Part:
        if q.fieldname == "jaar":
            conditions = []
            if q.start is not None:
                conditions.append(f"i.jaar {'>' if q.startexcl else '>='} {self.bind(q.start)}")
            if q.end is not None:
                conditions.append(f"i.jaar {'<' if q.endexcl else '<='} {self.bind(q.end)}")
            return _pred(" AND ".join(conditions)) if conditions else _pred("i.jaar IS NOT NULL")
        if q.fieldname in ("datum", "geboortedatum"):
            start = long_to_datetime(q.start) if q.start is not None else None
            end = long_to_datetime(q.end) if q.end is not None else None
            return self.dates(q.fieldname, start, end, q.startexcl, q.endexcl)
        raise Unsupported(f"een bereik kan alleen op datum, geboortedatum en jaar ({q})")

    def dates(self, column: str, start, end, startexcl=False, endexcl=False) -> _Part:
        """Whoosh compares the day at midnight with the bounds; the same, as dates."""
        conditions = [f"i.{column} IS NOT NULL"]
        if start is not None:
            first = start.date()
            at = datetime(first.year, first.month, first.day)
            if at < start or (startexcl and at == start):
                first += timedelta(days=1)
            conditions.append(f"i.{column} >= {self.bind(first)}")
        if end is not None:
            last = end.date()
            at = datetime(last.year, last.month, last.day)
            if endexcl and at == end:
                last -= timedelta(days=1)
            conditions.append(f"i.{column} <= {self.bind(last)}")
        return _pred(" AND ".join(conditions))

    # the tree ---------------------------------------------------------------------------

    def run(self, q: wq.Query, negated: bool = False) -> _Part:
        kind = type(q)
        if q is wq.NullQuery or kind is type(wq.NullQuery):
            return FALSE
        if kind is wq.Every:
            return TRUE
        if kind is wq.And:
            return _and([self.run(c, negated) for c in q.subqueries])
        if kind in (wq.Or, wq.DefaultOr):
            return _or([self.run(c, negated) for c in q.subqueries])
        if kind is wq.Not:
            return _not(self.run(q.query, not negated))
        if kind is wq.AndNot:
            return _and([self.run(q.a, negated), _not(self.run(q.b, not negated))])
        if kind is wq.Require:
            return _and([self.run(q.a, negated), self.run(q.b, negated)])
        if kind is wq.AndMaybe:
            return self.run(q.a, negated)
        if kind is wq.Term:
            return self.leaf(lambda: self.term(q.fieldname, q.text), negated)
        if kind is wq.Phrase:
            return self.leaf(lambda: self.phrase(q.fieldname, list(q.words), q.slop), negated)
        if kind is wq.Prefix:
            return self.leaf(lambda: self.prefix(q.fieldname, q.text), negated)
        if kind is wq.FuzzyTerm:
            return self.leaf(
                lambda: self.fuzzy(q.fieldname, q.text, q.maxdist, q.prefixlength), negated
            )
        if kind is wq.NumericRange:
            return self.numeric_range(q)
        if kind is wq.Wildcard:
            raise Unsupported(
                f"een * of ? kan alleen aan het eind van een woord staan ('{q.text}')"
            )
        if kind is wq.TermRange:
            raise Unsupported(f"een bereik kan alleen op datum, geboortedatum en jaar ({q})")
        raise Unsupported(f"dit deel wordt niet ondersteund: {q}")


_PARSE_SCHEMA = _parse_schema()
_PHRASE_FIELDS = {"alles": ("titel", "tekst", "namen", "bestandsnaam")}
_ID_PREFIX = {"identificatie": "id=", "bsn": "bsn=", "kvk": "kvk=", "kenmerken": "km="}


def _id_lexeme(fieldname: str, value: str) -> str:
    if fieldname in ("identificatie", "kenmerken"):
        value = value.lower()
    return _ID_PREFIX[fieldname] + value


def _plain_words(q: str) -> list[str] | None:
    """The words of a plain query (≤ 4 words, letters only, no operator): those also try
    person names with one letter off, as in the Whoosh backend."""
    words = q.split()
    plain = all(
        w.isalpha() and w.upper() not in ("AND", "OR", "NOT", "EN", "OF", "NIET") for w in words
    )
    return words if plain and len(words) <= 4 else None


def _hit_segments(marked: str | None) -> list[tuple[str, bool]]:
    if not marked or HIT_START not in marked:
        return []
    return segments(marked)


# -- the backend ----------------------------------------------------------------------------


class PostgresBackend:
    """The PostgreSQL implementation of :class:`search.backend.SearchBackend`.

    ``session_factory`` gives sessions on the app's database (the app's own factory; in
    tests the test's session, with ``close_sessions=False``). Reads use a session and leave
    it as they found it; writes commit it (on a test's session: release its SAVEPOINT).
    """

    location = "PostgreSQL (tabellen zoekindex, zoekitem, zoekitem_zaak, zoeknaam)"

    def __init__(
        self,
        session_factory: SessionFactory,
        *,
        close_sessions: bool = True,
        exact_limit: int | None = EXACT_LIMIT,
    ) -> None:
        self.session_factory = session_factory
        self.close_sessions = close_sessions
        # up to about this many visible matches a query is exact; beyond, sampled (None:
        # always exact)
        self.exact_limit = exact_limit
        self._parser = make_parser()

    @property
    def _exact_cap(self) -> int | None:
        """The most matches a query is answered exactly for: half as many again as
        ``exact_limit``, so that an estimate just over the limit need not sample."""
        return None if self.exact_limit is None else self.exact_limit * 3 // 2

    # -- sessions ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        session = self.session_factory()
        try:
            yield session
        finally:
            if self.close_sessions:
                session.rollback()
                session.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction holding the writer lock (queues every other writer)."""
        session = self.session_factory()
        try:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if self.close_sessions:
                session.close()

    @staticmethod
    def _generation(session: Session) -> str:
        found = session.execute(text("SELECT generatie FROM zoekindex WHERE id = 1")).scalar()
        if found is None:
            raise IndexMissing("er is nog geen zoekindex")
        return found

    # -- schema -----------------------------------------------------------------------------

    @staticmethod
    def _create_schema(session: Session) -> None:
        """What migration 0012 creates, for a database that has not had it (idempotent)."""
        for statement in BASE_DDL:
            session.execute(text(statement))
        exists = session.execute(
            text("SELECT count(*) FROM pg_ts_config WHERE cfgname = :c"), {"c": CONFIG}
        ).scalar()
        if not exists:
            for statement in CONFIG_DDL:
                session.execute(text(statement))
        if session.execute(text("SELECT to_regclass('zoekitem')")).scalar() is None:
            for statement in data_table_ddl() + data_index_ddl():
                session.execute(text(statement))

    def ensure_schema(self) -> None:
        """Create the tables and the text search configuration if they are missing (the
        migration does this; tests and a rebuild on an older database rely on it)."""
        session = self.session_factory()
        try:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": REBUILD_LOCK})
            self._create_schema(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if self.close_sessions:
                session.close()

    # -- writing ----------------------------------------------------------------------------

    @staticmethod
    def _store(session: Session, docs: list[IndexDocument], remove: list[str], s: str) -> int:
        """Remove ``remove`` keys and upsert ``docs`` (their links replaced) in tables with
        suffix ``s``. Idempotent: the same call twice leaves the same rows."""
        if remove:
            session.execute(
                text(f"DELETE FROM zoekitem{s} WHERE key = ANY(CAST(:keys AS text[]))"),
                {"keys": list(dict.fromkeys(remove))},
            )
        if not docs:
            return len(remove)
        latest = {doc.key: doc for doc in docs}  # the last version of a key wins
        keys = list(latest)
        session.execute(text(_upsert_sql(s)), [_row(d) for d in latest.values()])
        session.execute(
            text(
                f"DELETE FROM zoekitem_zaak{s} WHERE item_id IN "
                f"(SELECT id FROM zoekitem{s} WHERE key = ANY(CAST(:keys AS text[])))"
            ),
            {"keys": keys},
        )
        links = [
            (d.key, link, max(link.niveau, d.niveau)) for d in latest.values() for link in d.links
        ]
        if links:
            session.execute(
                text(_links_sql(s)),
                {
                    "keys": [k for k, _l, _m in links],
                    "zaak_ids": [link.zaak_id for _k, link, _m in links],
                    "afdeling_ids": [link.afdeling_id for _k, link, _m in links],
                    "afdelingen": [_clean(link.afdeling) for _k, link, _m in links],
                    "zaaktypen": [_clean(link.zaaktype) for _k, link, _m in links],
                    "niveaus": [m for _k, _l, m in links],
                },
            )
        words = sorted({w for d in latest.values() for naam in d.namen for w in name_words(naam)})
        if words:
            session.execute(
                text(
                    f"INSERT INTO zoeknaam{s} (woord) SELECT unnest(CAST(:w AS text[])) "
                    "ON CONFLICT DO NOTHING"
                ),
                {"w": words},
            )
        return len(remove) + len(latest)

    def index(self, docs: Iterable[IndexDocument]) -> int:
        docs = list(docs)
        return self.apply(docs, ()) if docs else 0

    def remove(self, keys: Iterable[str]) -> int:
        keys = list(keys)
        return self.apply((), keys) if keys else 0

    def apply(self, docs: Iterable[IndexDocument], remove: Iterable[str]) -> int:
        """Index ``docs`` and remove ``remove`` keys in one transaction."""
        docs, remove = list(docs), list(remove)
        if not docs and not remove:
            return 0
        with self._write() as session:
            self._generation(session)
            count = 0
            for start in range(0, max(len(docs), 1), BATCH):
                count += self._store(
                    session, docs[start : start + BATCH], remove if start == 0 else [], ""
                )
            return count

    def rebuild(
        self,
        docs: Iterable[IndexDocument],
        progress: Progress | None = None,
        catch_up: CatchUp | None = None,
    ) -> int:
        """Fill fresh tables in one transaction, index them, then — under the writer lock —
        apply ``catch_up`` and swap them in; searches use the old tables until the commit."""
        generation = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        suffix = "_nieuw"
        session = self.session_factory()
        count = 0
        try:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": REBUILD_LOCK})
            self._create_schema(session)
            for name in reversed(DATA_TABLES):
                session.execute(text(f"DROP TABLE IF EXISTS {name}{suffix}"))
            for statement in data_table_ddl(suffix):
                session.execute(text(statement))
            batch: list[IndexDocument] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= BATCH:
                    self._store(session, batch, [], suffix)
                    count += len(batch)
                    batch = []
                    if progress is not None:
                        progress(count)
            if batch:
                self._store(session, batch, [], suffix)
                count += len(batch)
            session.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
            for statement in data_index_ddl(suffix):
                session.execute(text(statement))
            if progress is not None:
                progress(count)
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
            if catch_up is not None:
                more, gone = catch_up()
                more, gone = list(more), list(gone)
                for start in range(0, max(len(more), 1), BATCH):
                    self._store(
                        session, more[start : start + BATCH], gone if start == 0 else [], suffix
                    )
            for name in DATA_TABLES:
                session.execute(text(f"ANALYZE {name}{suffix}"))
            self._swap(session, suffix, generation)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if self.close_sessions:
                session.close()
        log.info("zoekindex opnieuw opgebouwd: generatie %s, %d items", generation, count)
        return count

    @staticmethod
    def _swap(session: Session, suffix: str, generation: str) -> None:
        live = [
            name
            for name in DATA_TABLES
            if session.execute(text(f"SELECT to_regclass('{name}')")).scalar() is not None
        ]
        if live:
            session.execute(text(f"LOCK TABLE {', '.join(live)} IN ACCESS EXCLUSIVE MODE"))
            session.execute(text(f"DROP TABLE {', '.join(reversed(live))}"))
        for name in DATA_TABLES:
            session.execute(text(f"ALTER TABLE {name}{suffix} RENAME TO {name}"))
            for constraint in DATA_CONSTRAINTS[name]:
                session.execute(
                    text(
                        f"ALTER TABLE {name} RENAME CONSTRAINT "
                        f"{_suffixed(constraint, name, suffix)} TO {constraint}"
                    )
                )
        for index_name, (table, _definition) in DATA_INDEXES.items():
            session.execute(
                text(f"ALTER INDEX {_suffixed(index_name, table, suffix)} RENAME TO {index_name}")
            )
        session.execute(
            text(
                "INSERT INTO zoekindex (id, generatie, schema_versie, gebouwd_op) "
                "VALUES (1, :g, :v, now()) ON CONFLICT (id) DO UPDATE SET "
                "generatie = excluded.generatie, schema_versie = excluded.schema_versie, "
                "gebouwd_op = excluded.gebouwd_op"
            ),
            {"g": generation, "v": SCHEMA_VERSION},
        )

    def destroy(self) -> None:
        """Drop the index (tests; the next health check says ``missing``)."""
        with self._write() as session:
            session.execute(text(f"DROP TABLE IF EXISTS {', '.join(reversed(DATA_TABLES))}"))
            if session.execute(text("SELECT to_regclass('zoekindex')")).scalar() is not None:
                session.execute(text("DELETE FROM zoekindex"))

    # -- health -----------------------------------------------------------------------------

    def health(self) -> Gezondheid:
        with self._read() as session:
            tables = session.execute(
                text(
                    "SELECT to_regclass('zoekindex'), to_regclass('zoekitem'), "
                    "to_regclass('zoekitem_zaak'), to_regclass('zoeknaam'), "
                    "(SELECT count(*) FROM pg_ts_config WHERE cfgname = :c)"
                ),
                {"c": CONFIG},
            ).one()
            if tables[0] is None:
                return Gezondheid("missing", "tabel zoekindex ontbreekt")
            state = session.execute(
                text("SELECT generatie, schema_versie FROM zoekindex WHERE id = 1")
            ).one_or_none()
            if state is None:
                return Gezondheid("missing", "nog niet opgebouwd")
            if state.schema_versie != SCHEMA_VERSION:
                return Gezondheid(
                    "corrupt", f"schemaversie {state.schema_versie}, verwacht {SCHEMA_VERSION}"
                )
            if any(t is None for t in tables[1:4]) or not tables[4]:
                gone = [n for n, t in zip(DATA_TABLES, tables[1:4], strict=True) if t is None]
                return Gezondheid("corrupt", f"ontbreekt: {', '.join(gone) or CONFIG}")
            total = session.execute(text("SELECT count(*) FROM zoekitem")).scalar()
            return Gezondheid("ok", state.generatie, int(total or 0))

    def all_keys(self) -> set[str]:
        with self._read() as session:
            self._generation(session)
            return set(session.execute(text("SELECT key FROM zoekitem")).scalars())

    def linked_keys(self, zaak_ids: Iterable[int]) -> set[str]:
        """Keys of every item the index links to one of these zaken (also once gone)."""
        ids = sorted({int(z) for z in zaak_ids})
        if not ids:
            return set()
        with self._read() as session:
            self._generation(session)
            return set(
                session.execute(
                    text(
                        "SELECT DISTINCT i.key FROM zoekitem_zaak l "
                        "JOIN zoekitem i ON i.id = l.item_id "
                        "WHERE l.zaak_id = ANY(CAST(:ids AS bigint[]))"
                    ),
                    {"ids": ids},
                ).scalars()
            )

    # -- searching --------------------------------------------------------------------------

    def translate(self, session: Session, q: str, acl_param: str = "acl") -> _Translation:
        """The user's query as SQL (raises on an unreadable or unsupported query)."""

        def vocabulary(prefix: str, shortest: int, spread: int) -> list[str]:
            pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return list(
                session.execute(
                    text(
                        "SELECT woord FROM zoeknaam WHERE woord LIKE :p "
                        "AND length(woord) BETWEEN :lo AND :hi LIMIT 5000"
                    ),
                    {"p": pattern + "%", "lo": shortest, "hi": shortest + 2 * spread},
                ).scalars()
            )

        translation = _Translation(acl_param, vocabulary)
        q = (q or "").strip()
        if not q:
            translation.where = TRUE
            return translation
        parsed = self._parser.parse(q)
        words = _plain_words(q)
        if words:
            fuzzy = wq.And(
                [wq.FuzzyTerm("namen", w.lower(), maxdist=1, prefixlength=2) for w in words]
            )
            parsed = wq.Or([parsed, fuzzy])
        translation.where = translation.run(parsed)
        return translation

    def search(self, query: Zoekvraag, rechten: Rechten) -> Zoekresultaat:
        page = max(1, query.page)
        per_page = max(1, min(query.per_page, 100))
        empty = Zoekresultaat([], 0, page, per_page, {})
        user_tokens = tokens(rechten)
        with self._read() as session:
            self._generation(session)
            try:
                translation = self.translate(session, query.q)
            except Exception as exc:
                empty.fout = f"De zoekvraag is niet te begrijpen: {exc}"
                return empty
            if not user_tokens:
                return empty
            session.execute(text(SEARCH_SETTINGS))  # both in one round trip
            return self._search(session, query, translation, user_tokens, page, per_page)

    def _structured(self, t: _Translation, vraag: Zoekvraag) -> list[_Part]:
        out: list[_Part] = []
        if vraag.types:
            out.append(_pred(f"i.type = ANY(CAST({t.bind(list(vraag.types))} AS text[]))"))
        if vraag.afdeling:
            out.append(t.via_zaak("afdeling", vraag.afdeling))
        if vraag.zaaktype:
            out.append(t.via_zaak("zaaktype", vraag.zaaktype))
        if vraag.jaar:
            jaren = [int(j) for j in vraag.jaar]
            out.append(_pred(f"i.jaar = ANY(CAST({t.bind(jaren)} AS integer[]))"))
        if vraag.informatieobjecttype:
            values = [_key(v) for v in vraag.informatieobjecttype]
            out.append(_pred(f"i.iot_sleutel = ANY(CAST({t.bind(values)} AS text[]))"))
        if vraag.van or vraag.tot:
            start = datetime(vraag.van.year, vraag.van.month, vraag.van.day) if vraag.van else None
            end = datetime(vraag.tot.year, vraag.tot.month, vraag.tot.day) if vraag.tot else None
            out.append(t.dates("datum", start, end))
        return out

    def _search(
        self,
        session: Session,
        vraag: Zoekvraag,
        t: _Translation,
        user_tokens: list[int],
        page: int,
        per_page: int,
    ) -> Zoekresultaat:
        """Exact when few visible matches are expected and found, else from a sample
        (``_answer`` does the statements; the planner's estimate and bucket 0 decide)."""
        where = _and([t.where, *self._structured(t, vraag)])
        if where is FALSE:
            return Zoekresultaat([], 0, page, per_page, _no_facets() if vraag.facets else {})
        condition = "TRUE" if where is TRUE else _match(where)
        visible = f"i.acl && CAST(:acl AS bigint[]) AND {condition}"
        positive = self._rank_query(session, t)
        params = dict(t.params, acl=user_tokens, limit=per_page, offset=(page - 1) * per_page)
        cap = self._exact_cap
        if cap is None:
            return self._answer(session, vraag, t, visible, positive, params, SAMPLE_BUCKETS)
        # few matches expected: exact, unless more than that turn up (the planner knows
        # little of filters such as afdeling: — 700 expected, 58,000 found)
        if self._expected(session, visible, params) <= cap:
            answer = self._answer(
                session, vraag, t, visible, positive, params, SAMPLE_BUCKETS, cap=cap
            )
            if answer is not None:
                return answer
        buckets = self._buckets(session, visible, params)
        answer = self._answer(session, vraag, t, visible, positive, params, buckets)
        if answer.geschat and answer.total <= self.exact_limit:  # far fewer than bucket 0 showed
            answer = self._answer(session, vraag, t, visible, positive, params, SAMPLE_BUCKETS)
        return answer

    def _answer(
        self,
        session: Session,
        vraag: Zoekvraag,
        t: _Translation,
        visible: str,
        positive: str,
        params: dict,
        buckets: int,
        cap: int | None = None,
    ) -> Zoekresultaat | None:
        """One statement for the total, the facets and the ranked page (over the matches,
        computed once), one for the page's rows, one for their highlights — over all
        matches, or over those in the first ``buckets`` sample buckets (then the counts are
        scaled up); None if there are more than ``cap`` matches."""
        page, per_page = params["offset"] // params["limit"] + 1, params["limit"]
        sampled = buckets < SAMPLE_BUCKETS
        scale = SAMPLE_BUCKETS / buckets
        params = dict(params, buckets=buckets)
        # ranked on the small vector of titel, ids, names, file name and the first
        # KOP_WOORDEN words (kept in the row); a match only further in the text ranks
        # after those, newest first
        score = f"ts_rank_cd('{RANK_WEIGHTS}', i.tsv_kop, {positive}, 1)" if positive else "0::real"
        by_date = vraag.sort == "date" or not (vraag.q or "").strip()
        order = (
            "m.datum DESC NULLS LAST, m.score DESC, m.id"
            if by_date
            else "m.score DESC, m.datum DESC NULLS LAST, m.id"
        )
        parts = (
            []
            if vraag.facets
            else ["SELECT 'n' AS f, NULL::text AS v, count(*) AS n, NULL::real AS s FROM m"]
        )
        sample = f" AND {BUCKET} < CAST(:buckets AS integer)" if sampled else ""
        ctes = [
            "m AS MATERIALIZED (SELECT i.id, i.jaar, i.informatieobjecttype, i.datum, "
            f"i.afdeling_enkel, i.zaaktype_enkel, {score} AS score FROM zoekitem i "
            f"WHERE {visible}{sample}{' LIMIT :cap' if cap is not None else ''})"
        ]
        if cap is not None:
            params["cap"] = cap + 1
        if vraag.facets:
            # items in several zaken: only the links the user may see count
            ctes.append(
                "ml AS MATERIALIZED (SELECT l.item_id, l.afdeling, l.zaaktype FROM m "
                "JOIN zoekitem_zaak l ON l.item_id = m.id WHERE m.afdeling_enkel IS NULL "
                "AND l.acl && CAST(:acl AS bigint[]))"
            )
            parts += [
                # the total and four facets in one pass over the matches (grouping sets);
                # the empty and NULL values are left out below
                "SELECT CASE WHEN GROUPING(jaar) = 0 THEN 'jaar' "
                "WHEN GROUPING(informatieobjecttype) = 0 THEN 'informatieobjecttype' "
                "WHEN GROUPING(afdeling_enkel) = 0 THEN 'afdeling' "
                "WHEN GROUPING(zaaktype_enkel) = 0 THEN 'zaaktype' ELSE 'n' END AS f, "
                "COALESCE(jaar::text, informatieobjecttype, afdeling_enkel, zaaktype_enkel) "
                "AS v, count(*) AS n, NULL::real AS s FROM m GROUP BY GROUPING SETS ((), "
                "(jaar), (informatieobjecttype), (afdeling_enkel), (zaaktype_enkel))",
                "SELECT 'afdeling', afdeling, count(DISTINCT item_id), NULL FROM ml "
                "GROUP BY afdeling",
                "SELECT 'zaaktype', zaaktype, count(DISTINCT item_id), NULL FROM ml "
                "GROUP BY zaaktype",
            ]
        if positive:
            parts.append(f"SELECT 'q', ({positive})::text, NULL, NULL")
        if sampled and by_date:
            # the newest matches of all, not of the sample: the sample only tells from
            # which date on there are surely enough of them (twice the page's end, scaled)
            # to read just those exactly
            params["cutoff"] = int(page * per_page / scale * 2) + 10
            parts.append(
                "SELECT 'vanaf', (SELECT m.datum FROM m WHERE m.datum IS NOT NULL "
                "ORDER BY m.datum DESC LIMIT 1 OFFSET :cutoff)::text, NULL, NULL"
            )
        else:
            parts.append(
                f"(SELECT 'hit', m.id::text, NULL, m.score FROM m ORDER BY {order} "
                "LIMIT :limit OFFSET :offset)"
            )
        sql = f"WITH {', '.join(ctes)} " + " UNION ALL ".join(parts)
        total = 0
        facets: dict[str, dict[str, int]] = _no_facets()
        ranked: list[tuple[int, float]] = []
        query_text = ""
        vanaf: str | None = None
        for f, v, n, s in session.execute(text(sql), params):
            if f == "n":
                total = int(n)
            elif f == "hit":
                ranked.append((int(v), float(s or 0.0)))
            elif f == "q":
                query_text = v or ""
            elif f == "vanaf":
                vanaf = v
            elif v:  # not the NULL or empty value of a facet
                facets[f][v] = facets[f].get(v, 0) + int(n)
        if cap is not None and total > cap:
            return None
        facets = {k: _ordered(k, c) for k, c in facets.items()} if vraag.facets else {}
        bladerbaar = None
        if sampled:
            # a relevance order exists for the sample only; the newest first for
            # (about) as many hits as an exact query counts
            bladerbaar = self.exact_limit if by_date else total
            total = round(total * scale)
            facets = {k: {v: round(n * scale) for v, n in c.items()} for k, c in facets.items()}
            if by_date:
                ranked = self._newest(session, visible, score, params, vanaf)
        hits = self._hits(session, ranked, positive, query_text, t.params) if ranked else []
        return Zoekresultaat(
            hits, total, page, per_page, facets, geschat=sampled, bladerbaar=bladerbaar
        )

    @staticmethod
    def _expected(session: Session, visible: str, params: dict) -> int:
        """How many visible matches the planner expects (its statistics of the words and
        access tokens; for a common word at 1M items 143,502 expected, 137,603 found):
        no index lookup, a fraction of a millisecond."""
        plan = session.execute(
            text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM zoekitem i WHERE {visible}"), params
        ).scalar()
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def _buckets(self, session: Session, visible: str, params: dict) -> int:
        """How many sample buckets to read for about half ``exact_limit`` matches, from the
        matches in bucket 0 (one index lookup, ~10 ms for a common word at 1M items); all of
        them — exact — if bucket 0 shows there are not that many after all (a BSN for a user
        who sees everything: the planner expected thousands)."""
        assert self.exact_limit is not None and self._exact_cap is not None
        first = session.execute(
            text(f"SELECT count(*) FROM zoekitem i WHERE {visible} AND {BUCKET} < 1"), params
        ).scalar()
        estimate = int(first or 0) * SAMPLE_BUCKETS
        if estimate <= self._exact_cap:
            return SAMPLE_BUCKETS
        return max(1, -(-SAMPLE_BUCKETS * max(1, self.exact_limit // 2) // estimate))

    @staticmethod
    def _newest(
        session: Session, visible: str, score: str, params: dict, vanaf: str | None
    ) -> list[tuple[int, float]]:
        """The page of all visible matches, newest first: only those from ``vanaf`` on
        (the date index intersected with the match), or — if that leaves the page short
        — all of them."""
        select = f"SELECT i.id, {score} AS score FROM zoekitem i WHERE {visible}"
        order = " ORDER BY i.datum DESC NULLS LAST, score DESC, i.id LIMIT :limit OFFSET :offset"
        rows = []
        if vanaf is not None:
            rows = session.execute(
                text(f"{select} AND i.datum >= CAST(:vanaf AS date){order}"),
                dict(params, vanaf=vanaf),
            ).all()
        if len(rows) < params["limit"]:
            rows = session.execute(text(select + order), params).all()
        return [(int(i), float(s or 0.0)) for i, s in rows]

    @staticmethod
    def _rank_query(session: Session, t: _Translation) -> str:
        """The query for ``ts_rank_cd`` and ``ts_headline``: the positive pieces, with only
        those operands made here that some item has (one index probe each)."""
        operands = t.positive_operands
        if operands:
            operands = list(
                session.execute(
                    text(
                        "SELECT o FROM unnest(CAST(:ops AS text[])) WITH ORDINALITY AS x(o, n) "
                        "WHERE EXISTS (SELECT 1 FROM zoekitem WHERE tsv @@ CAST(x.o AS tsquery)) "
                        "ORDER BY x.n"
                    ),
                    {"ops": operands},
                ).scalars()
            )
        parts = [f"({p})" for p in t.positive]
        if operands:
            parts.append(t.literal(" | ".join(operands)))
        return " || ".join(parts)

    @staticmethod
    def _hits(
        session: Session, ranked, positive: str, query_text: str, params: dict
    ) -> list[Treffer]:
        """The page's hits with highlights: ``ts_headline`` (control-character markers,
        split into segments; the caller escapes the text) on a window around the first
        match only — over a whole long document it would cost more than the search."""
        rows = session.execute(
            text(
                "SELECT i.id, i.key, i.type, i.object_id, i.identificatie, i.titel, i.datum, "
                "i.tekst FROM zoekitem i WHERE i.id = ANY(CAST(:ids AS bigint[]))"
            ),
            {"ids": [i for i, _s in ranked]},
        ).all()
        by_id = {row.id: row for row in rows}
        page = [(by_id[i], score) for i, score in ranked if i in by_id]  # gone meanwhile: out
        marked: list[tuple[str | None, str | None]] = [(None, None)] * len(page)
        if positive and page:
            stems = _stems(query_text)
            windows = [_window(row.tekst, stems) for row, _score in page]
            marks = f"StartSel={HIT_START}, StopSel={HIT_END}"
            # a short text whole; in a longer one up to two fragments around the matches
            fragments = (
                f'{marks}, MaxFragments=2, MaxWords=35, MinWords=12, FragmentDelimiter=" … "'
            )
            whole = f"{marks}, HighlightAll=true"
            found = session.execute(
                text(
                    f"SELECT x.n, ts_headline('{CONFIG}', x.w, q.q, x.o), "
                    f"ts_headline('{CONFIG}', x.t, q.q, :whole) "
                    "FROM unnest(CAST(:w AS text[]), CAST(:t AS text[]), CAST(:o AS text[])) "
                    f"WITH ORDINALITY AS x(w, t, o, n), (SELECT {positive} AS q) AS q "
                    "ORDER BY x.n"
                ),
                dict(
                    params,
                    w=windows,
                    t=[row.titel for row, _score in page],
                    o=[whole if len(w.split()) <= 35 else fragments for w in windows],
                    whole=whole,
                ),
            ).all()
            marked = [(tekst_hl, titel_hl) for _n, tekst_hl, titel_hl in found]
        hits = []
        for (row, score), (tekst_hl, titel_hl) in zip(page, marked, strict=True):
            begin = row.tekst[:200]
            hits.append(
                Treffer(
                    key=row.key,
                    type=row.type,
                    object_id=row.object_id,
                    identificatie=row.identificatie,
                    titel=row.titel,
                    snippet=_hit_segments(tekst_hl) or ([(begin, False)] if begin else []),
                    score=score,
                    datum=row.datum,
                    titel_segments=_hit_segments(titel_hl) or [(row.titel, False)],
                )
            )
        return hits


_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_OPERAND = re.compile(r"'(?:[^']|'')*'(?::\*)?")


def _stems(query_text: str) -> list[str]:
    """The text lexemes of a tsquery (its text form), for finding where a match starts."""
    out = []
    for match in _QUOTED.finditer(query_text):
        lexeme = match.group(1).replace("''", "'").replace("\\\\", "\\")
        if lexeme and not re.match(r"^(n|f|id|bsn|kvk|km|x)=", lexeme):
            out.append(lexeme)
    return sorted(set(out))


def _window(tekst: str, stems: list[str], before: int = 80, size: int = 400) -> str:
    """The part of ``tekst`` around the first place a stem starts a word (as the Whoosh
    backend does), starting at a word boundary; the start of the text without one."""
    if not tekst:
        return ""
    folded = fold(tekst)
    spots = [m.start() for s in stems if (m := re.search(r"\b" + re.escape(s), folded))]
    if not spots:
        return tekst[:size]
    start = max(0, min(spots) - before)
    if start:
        space = tekst.find(" ", start, min(spots))
        start = space + 1 if space >= 0 else start
    return tekst[start : start + size]


_FACET_NAMES = ("zaaktype", "afdeling", "jaar", "informatieobjecttype")


def _no_facets() -> dict[str, dict[str, int]]:
    return {name: {} for name in _FACET_NAMES}


def _ordered(name: str, counts: dict[str, int]) -> dict[str, int]:
    """As the Whoosh backend: years newest first, other values by count (then name)."""
    if name == "jaar":
        return dict(sorted(counts.items(), key=lambda kv: -int(kv[0])))
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
