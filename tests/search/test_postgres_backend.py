"""The PostgreSQL backend's own concerns: choosing it (SEARCH_BACKEND), its schema (migration
0012 = what a rebuild creates), several app servers on one index (shared writes, the
advisory writer lock, a rebuild seen atomically), and the limits of PostgreSQL's text
search (what it refuses, the tsvector size)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from archive.config import Settings
from archive.db import make_engine, make_session_factory
from archive.migrate import MIGRATIONS_DIR, alembic_config, upgrade
from search import make_backend
from search import postgres_backend as pg
from search.backend import IndexDocument, Rechten, ZaakLink, Zoekvraag
from search.whoosh_backend import WhooshBackend
from tests.databases import backend as database_backend

needs_postgres = pytest.mark.skipif(
    database_backend() != "postgresql", reason="the PostgreSQL search backend needs PostgreSQL"
)
ALLES = Rechten({1: ("lezen", "zeer_geheim")}, {})
MIGRATION = MIGRATIONS_DIR / "versions" / "0012_zoekindex_postgres.py"
STEEKPROEF_MIGRATION = MIGRATIONS_DIR / "versions" / "0016_zoekitem_steekproef.py"


def item(n: int, tekst: str = "gedeelde zoekindex", **kw) -> IndexDocument:
    return IndexDocument(
        "document",
        n,
        f"DOC-{n}",
        f"stuk {n}",
        [ZaakLink(1, 1, "A", "ZT", 0)],
        tekst=tekst,
        **{"datum": date(2024, 1, 1), **kw},
    )


def total(backend, q: str) -> int:
    result = backend.search(Zoekvraag(q=q), ALLES)
    assert result.fout is None, result.fout
    return result.total


# -- configuration ----------------------------------------------------------------------------


def test_search_backend_setting(tmp_path):
    base = {"DOSSIERHUIS_DATA_DIR": str(tmp_path), "SECRET_KEY": "x"}
    assert Settings.from_env(base).search_backend == "whoosh"
    pg_url = "postgresql+psycopg://u@127.0.0.1:5432/d"
    chosen = Settings.from_env({**base, "DATABASE_URL": pg_url, "SEARCH_BACKEND": " Postgres "})
    assert chosen.search_backend == "postgres"
    with pytest.raises(SystemExit, match="DATABASE_URL"):
        Settings.from_env({**base, "SEARCH_BACKEND": "postgres"})  # SQLite by default
    with pytest.raises(SystemExit, match="'whoosh' of 'postgres'"):
        Settings.from_env({**base, "SEARCH_BACKEND": "elastic"})

    made = make_backend(chosen, lambda: None)
    assert isinstance(made, pg.PostgresBackend) and made.exact_limit == pg.EXACT_LIMIT
    exact = Settings.from_env(
        {**base, "DATABASE_URL": pg_url, "SEARCH_BACKEND": "postgres", "SEARCH_EXACT_LIMIT": "0"}
    )
    assert make_backend(exact, lambda: None).exact_limit is None
    with pytest.raises(SystemExit, match="SEARCH_EXACT_LIMIT moet een geheel getal"):
        Settings.from_env({**base, "SEARCH_EXACT_LIMIT": "veel"})
    with pytest.raises(SystemExit, match="SEARCH_EXACT_LIMIT moet ten minste 0"):
        Settings.from_env({**base, "SEARCH_EXACT_LIMIT": "-5"})
    whoosh = make_backend(Settings.from_env(base), lambda: None)
    assert isinstance(whoosh, WhooshBackend) and whoosh.root == tmp_path / "index"
    sqlite_settings = Settings.from_env(base)
    forced = Settings(**{**sqlite_settings.__dict__, "search_backend": "postgres"})
    with pytest.raises(SystemExit):
        make_backend(forced, lambda: None)


@needs_postgres
def test_the_app_uses_the_configured_backend(settings, db):
    from dataclasses import replace

    from web.app import create_app

    app = create_app(
        replace(settings, search_backend="postgres"),
        session_factory=lambda: db,
        close_sessions=False,
        testing=True,
    )
    backend = app.extensions["dossierhuis.search"]
    assert isinstance(backend, pg.PostgresBackend) and backend.close_sessions is False
    assert "PostgreSQL" in backend.location


# -- schema -----------------------------------------------------------------------------------


def _migration_module(path=MIGRATION):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql.replace("IF NOT EXISTS ", "")).strip()


def test_the_migration_creates_what_the_backend_creates():
    """A rebuild makes its tables from the backend's definitions; migration 0012 makes the
    same extension, configuration, sequence and indexes (the data tables as they were then:
    0015 changes them; ``test_the_migrated_database_has_the_index_tables`` compares the
    migrated tables with a rebuild's, column by column)."""
    module = _migration_module()
    assert module.revision == "0012" and module.down_revision == "0011"
    migration = {_normal(s) for s in module.STATEMENTS}
    # 0016 adds btree_gin and the sample bucket to the GIN index
    later = {_normal(s) for s in _migration_module(STEEKPROEF_MIGRATION).UPGRADE}
    backend = pg.BASE_DDL + pg.CONFIG_DDL + pg.data_index_ddl()
    assert {_normal(s) for s in backend} <= migration | later
    assert {_normal(s) for s in backend} & later == {
        "CREATE EXTENSION btree_gin",
        "CREATE INDEX ix_zoekitem_acl_tsv ON zoekitem USING gin (acl, tsv, (hashint8(id) & 63))",
    }
    tables = {s.split()[2] for s in migration if s.startswith("CREATE TABLE")}
    assert set(pg.DATA_TABLES) <= tables


@needs_postgres
def test_the_migrated_database_has_the_index_tables(db):
    columns = {c["name"] for c in inspect(db.connection()).get_columns("zoekitem")}
    assert {"key", "tsv", "acl", "afdeling_enkel", "iot_sleutel"} <= columns
    indexes = set(
        db.execute(text("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'zoek%'")).scalars()
    )
    assert set(pg.DATA_INDEXES) <= indexes
    # the rebuild's copies, renamed into place, have the same names (the next rebuild
    # finds them) and the same structure
    before = _structure(db)
    backend = pg.PostgresBackend(lambda: db, close_sessions=False)
    backend.rebuild([item(1)])
    assert _structure(db) == before
    assert not db.execute(text("SELECT to_regclass('zoekitem_nieuw')")).scalar()


def _structure(db) -> dict:
    rows = db.execute(
        text(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), co.collname, a.attstorage, "
            "array_to_string(c.reloptions, ',') "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100 "
            "WHERE c.relname = ANY(:t) AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        {"t": list(pg.DATA_TABLES)},
    ).all()
    constraints = db.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(SELECT oid FROM pg_class WHERE relname = ANY(:t))"
        ),
        {"t": list(pg.DATA_TABLES)},
    ).all()
    indexes = db.execute(
        text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:t)"),
        {"t": list(pg.DATA_TABLES)},
    ).all()
    return {"columns": sorted(rows), "constraints": sorted(constraints), "indexes": sorted(indexes)}


@needs_postgres
def test_migration_down_and_up(isolated_database):
    engine = make_engine(isolated_database)
    try:
        upgrade(engine)
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT to_regclass('zoekitem')")).scalar() is None
            assert not conn.execute(
                text("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'dossierhuis_nl'")
            ).scalar()
        upgrade(engine)
        backend = pg.PostgresBackend(make_session_factory(engine))
        assert backend.health().status == "missing"  # tables there, never built
        backend.rebuild([item(1)])
        assert backend.health().ok and total(backend, "zoekindex") == 1
    finally:
        engine.dispose()


@needs_postgres
def test_an_index_of_before_0015_asks_for_a_rebuild(isolated_database):
    engine = make_engine(isolated_database)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0014")
            conn.execute(
                text("INSERT INTO zoekindex (id, generatie, schema_versie) VALUES (1, 'oud', 1)")
            )
        upgrade(engine)
        backend = pg.PostgresBackend(make_session_factory(engine))
        health = backend.health()
        assert health.status == "corrupt" and "schemaversie 1" in health.detail
        backend.rebuild([item(1, "woning")])
        assert backend.health().ok and total(backend, "woning") == 1
    finally:
        engine.dispose()


@pytest.mark.skipif(database_backend() != "sqlite", reason="SQLite only")
def test_the_migration_does_nothing_on_sqlite(db):
    assert "zoekitem" not in inspect(db.connection()).get_table_names()


# -- several app servers ----------------------------------------------------------------------


@pytest.fixture
def servers(isolated_database):
    """Two "app servers": each its own engine (connection pool) on the one database."""
    engines = [make_engine(isolated_database) for _ in range(2)]
    upgrade(engines[0])
    backends = [pg.PostgresBackend(make_session_factory(e)) for e in engines]
    try:
        yield backends
    finally:
        for engine in engines:
            engine.dispose()


@needs_postgres
def test_two_servers_share_one_index(servers):
    a, b = servers
    a.rebuild([item(1)])
    assert b.health().ok and b.health().detail == a.health().detail
    a.index([item(2, "alleen op server a geschreven")])
    assert total(b, "geschreven") == 1  # at once: there is only one index
    b.remove(["document:2"])
    assert total(a, "geschreven") == 0
    b.rebuild([item(3, "nieuwe generatie")])
    assert a.health().detail == b.health().detail
    assert a.all_keys() == {"document:3"} and total(a, "generatie") == 1


WRITER = """
import sys
from datetime import date
from archive.db import make_engine, make_session_factory
from search.backend import IndexDocument, ZaakLink
from search.postgres_backend import PostgresBackend
b = PostgresBackend(make_session_factory(make_engine(sys.argv[1])))
for n in range(int(sys.argv[2]), int(sys.argv[3])):
    b.index([IndexDocument("document", n, f"DOC-{n}", f"stuk {n}", [ZaakLink(1, 1, "A", "ZT", 0)],
                           tekst=f"gelijktijdig geschreven woord{n}", datum=date(2024, 1, 1))])
"""


@needs_postgres
@pytest.mark.concurrency
def test_concurrent_writers_on_several_servers_lose_nothing(isolated_database, servers):
    servers[0].rebuild([])
    process = subprocess.Popen([sys.executable, "-c", WRITER, isolated_database, "1000", "1030"])
    errors = []

    def write(start):
        engine = make_engine(isolated_database)
        backend = pg.PostgresBackend(make_session_factory(engine))
        try:
            for n in range(start, start + 30):
                backend.index([item(n, f"gelijktijdig geschreven woord{n}")])
            backend.remove([f"document:{start}"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=write, args=(i * 100,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert process.wait(timeout=120) == 0
    assert errors == []
    expected = {f"document:{n}" for i in range(4) for n in range(i * 100 + 1, i * 100 + 30)}
    expected |= {f"document:{n}" for n in range(1000, 1030)}
    assert servers[1].all_keys() == expected
    assert total(servers[1], "woord1029") == 1


@needs_postgres
def test_a_rebuild_is_invisible_until_it_switches(isolated_database, servers):
    a, b = servers
    a.rebuild([item(1, "oude generatie")])
    old = a.health().detail
    during = []

    def progress(count):
        # another server searches while this one fills the new tables
        during.append((b.health().detail, total(b, "generatie"), total(b, "nieuwe")))

    def catch_up():
        # called holding the writer lock: no other server can write now
        engine = make_engine(isolated_database)
        try:
            with engine.connect() as conn:
                free = conn.execute(
                    text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": pg.WRITE_LOCK}
                ).scalar()
        finally:
            engine.dispose()
        during.append(("lock free", free))
        return [], []

    docs = (item(n, "nieuwe generatie") for n in range(1, 1200))
    assert a.rebuild(docs, progress, catch_up) == 1199
    assert during[0] == (old, 1, 0)  # the old index answered while the new one was built
    assert ("lock free", False) in during
    assert b.health().detail != old and total(b, "nieuwe") == 1199
    b.index([item(5000, "na de wissel")])  # the writer lock is free again
    assert total(a, "wissel") == 1


# -- health -----------------------------------------------------------------------------------


@needs_postgres
def test_wrong_schema_version_or_lost_table_is_corrupt(db):
    backend = pg.PostgresBackend(lambda: db, close_sessions=False)
    backend.rebuild([item(1)])
    db.execute(text("UPDATE zoekindex SET schema_versie = 0"))
    assert backend.health().status == "corrupt" and "schemaversie" in backend.health().detail
    backend.rebuild([item(1)])
    assert backend.health().ok
    db.execute(text("DROP TABLE zoeknaam"))
    assert backend.health().status == "corrupt" and "zoeknaam" in backend.health().detail
    backend.rebuild([item(1)])
    assert backend.health().ok and total(backend, "zoekindex") == 1


# -- limits of PostgreSQL text search --------------------------------------------------------


@needs_postgres
def test_what_postgresql_cannot_answer_says_so(db, tmp_path):
    backend = pg.PostgresBackend(lambda: db, close_sessions=False)
    whoosh = WhooshBackend(tmp_path / "index")
    docs = [item(1, "de woning wordt gesloopt"), item(2, "een kamer")]
    backend.rebuild(docs)
    whoosh.rebuild(docs)
    for q in ("wo?ning", "*ning", "titel:[a to z]"):
        result = backend.search(Zoekvraag(q=q), ALLES)
        assert result.fout and result.total == 0, q
        assert whoosh.search(Zoekvraag(q=q), ALLES).fout is None  # Whoosh answers these
    assert "eind van een woord" in backend.search(Zoekvraag(q="wo?ning"), ALLES).fout


@needs_postgres
def test_a_text_too_big_for_one_tsvector_is_cut_not_refused(db):
    """PostgreSQL refuses a tsvector over 1 MB; such a text is indexed up to that."""
    backend = pg.PostgresBackend(lambda: db, close_sessions=False)
    huge = "begintekst " + " ".join(f"w{i:07d}" for i in range(150_000)) + " eindtekst"
    backend.rebuild([item(1, huge), item(2, "gewone tekst")])
    assert total(backend, "begintekst") == 1
    assert total(backend, "eindtekst") == 0  # beyond what fits
    assert total(backend, "gewone") == 1
    assert pg.text_for_tsvector("gewone tekst") == "gewone tekst"
    assert len(pg.text_for_tsvector(huge)) < len(huge)


def test_access_tokens_keep_kinds_and_levels_apart():
    tokens = pg.tokens(Rechten({5: ("lezen", "intern")}, {5: ("lezen", "intern")}))
    assert len(tokens) == 2  # afdeling 5 and zaak 5 are different tokens
    doc = IndexDocument("document", 1, "D", "t", [ZaakLink(5, 5, "A", "Z", 2)], niveau=6)
    acl = pg.item_acl(doc)
    assert set(pg.tokens(Rechten({5: ("lezen", "geheim")}, {}))) <= set(acl)
    assert not set(pg.tokens(Rechten({5: ("lezen", "vertrouwelijk")}, {}))) & set(acl)
    assert Path(MIGRATION).is_file()


# -- ranking on the row's small vector (migration 0015) ---------------------------------------


@needs_postgres
def test_ranking_reads_titel_and_the_first_words_and_finds_the_rest(db):
    """``tsv_kop`` ranks: titel, ids, names and the first KOP_WOORDEN words of the text. A
    match further in the text is found and counted, and ranks after those, newest first."""
    from datetime import timedelta

    filler = " ".join(f"vul{i}" for i in range(pg.KOP_WOORDEN + 20))
    docs = [
        item(1, f"{filler} woning", datum=date(2023, 1, 1)),  # only deep in the text
        item(2, "woning aan het begin"),
        IndexDocument(
            "document",
            3,
            "DOC-3",
            "Woning in de titel",
            [ZaakLink(1, 1, "A", "ZT", 0)],
            tekst="een brief",
            datum=date(2020, 1, 1),
        ),  # fmt: skip
        item(4, f"{filler} woning", datum=date(2023, 1, 1) + timedelta(days=30)),
    ]
    backend = pg.PostgresBackend(lambda: db, close_sessions=False)
    backend.rebuild(docs)
    result = backend.search(Zoekvraag(q="woning"), ALLES)
    assert result.total == 4
    order = [hit.key for hit in result.hits]
    assert order[:2] == ["document:3", "document:2"]  # titel before text
    assert order[2:] == ["document:4", "document:1"]  # after the lead: newest first
    assert [hit.score for hit in result.hits][2:] == [0.0, 0.0]
    assert total(backend, '"vul3 vul4"') == 2  # phrases still read the whole text


@needs_postgres
def test_the_full_text_lives_out_of_the_row_the_ranking_vector_in_it(db):
    backend = pg.PostgresBackend(lambda: db, close_sessions=False)
    backend.rebuild([item(1)])
    storage = dict(
        db.execute(
            text(
                "SELECT attname, attstorage FROM pg_attribute "
                "WHERE attrelid = 'zoekitem'::regclass AND attname IN ('tsv', 'tsv_kop', 'tekst')"
            )
        ).all()
    )
    assert storage == {"tsv": "x", "tsv_kop": "m", "tekst": "x"}
    options = db.execute(
        text("SELECT reloptions FROM pg_class WHERE oid = 'zoekitem'::regclass")
    ).scalar()
    assert not options  # the default TOAST threshold: large values leave the row


@needs_postgres
def test_the_search_settings_hold_for_the_search_transaction_only(isolated_database):
    from sqlalchemy import event

    engine = make_engine(isolated_database)
    try:
        backend = pg.PostgresBackend(make_session_factory(engine))
        backend.rebuild([item(1, "woning"), item(2, "woning en tuin")])
        seen: list[tuple[str, str, str]] = []

        def settings_at(conn, _cursor, statement, *_args):
            if statement.lstrip().startswith("WITH m AS"):
                with conn.connection.dbapi_connection.cursor() as cur:
                    cur.execute(
                        "SELECT current_setting('work_mem'), current_setting('enable_seqscan')"
                    )
                    seen.append((*cur.fetchone(), "search"))

        event.listen(engine, "before_cursor_execute", settings_at)
        try:
            assert total(backend, "woning") == 2
        finally:
            event.remove(engine, "before_cursor_execute", settings_at)
        assert seen == [("64MB", "off", "search")]
        with engine.connect() as conn:  # the pool's connection, after the search's rollback
            after = conn.execute(
                text("SELECT current_setting('work_mem'), current_setting('enable_seqscan')")
            ).one()
        assert tuple(after) != ("64MB", "off")
    finally:
        engine.dispose()
