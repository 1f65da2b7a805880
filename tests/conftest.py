"""Test fixtures: one migrated schema per pytest process (via the real migrations), one
SAVEPOINT per test.

The database is SQLite by default; set TEST_DATABASE_URL to a PostgreSQL URL to run the same
suite there (``make test`` does both, each with pytest-xdist: every worker gets a database of
its own, see tests/databases.py). With REQUIRE_POSTGRES=1 the run fails when that database
cannot be reached, so CI cannot pass while silently skipping PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from archive import users
from archive.config import Settings
from archive.db import make_engine
from archive.migrate import upgrade
from tests import factories
from tests.databases import TEST_DATABASE_URL, Databases, backend, worker_id

pytest_plugins = ["tests.fixtures_archivering"]
users.use_cheap_hashing_for_tests()


def pytest_report_header(config) -> str:
    return f"dossierhuis database backend: {backend()}"


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _postgres_unreachable(exc: Exception) -> None:
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.exit(f"PostgreSQL required but unreachable: {exc}", returncode=3)


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Iterator[Databases]:
    """This process's migrated template and its copies (see tests/databases.py)."""
    made = Databases(tmp_path_factory.mktemp("databases"))
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(scope="session")
def database_url(databases) -> str:
    """SQLite: a copy of the template. PostgreSQL in one process: TEST_DATABASE_URL itself
    (its schema is reset and migrated by ``engine``). PostgreSQL under xdist: a database of
    this worker's own (``<name>_gw0``), so workers never migrate or clean one database at the
    same time; dropped at the end of the run."""
    if backend() == "sqlite":
        return databases.worker_database()
    if not worker_id():
        return TEST_DATABASE_URL
    try:
        return databases.worker_database()
    except Exception as exc:  # pragma: no cover - only when PostgreSQL is down
        _postgres_unreachable(exc)
        raise


@pytest.fixture(scope="session")
def engine(database_url) -> Iterator[Engine]:
    if backend() == "postgresql" and not worker_id():
        try:
            _reset_postgres(database_url)
        except Exception as exc:  # pragma: no cover - only when PostgreSQL is down
            _postgres_unreachable(exc)
            raise
    engine = make_engine(database_url)
    upgrade(engine)  # a no-op on a copy of the migrated template
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine) -> Iterator[Session]:
    """A session inside an outer transaction; commits only release a SAVEPOINT."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def settings(data_dir, database_url) -> Settings:
    return Settings(
        data_dir=data_dir, database_url=database_url, secret_key="test-secret", max_upload_mb=5
    )


@pytest.fixture
def store(settings):
    from archive.blobstore import BlobStore

    return BlobStore(settings.blob_dir)


# The app's parts that depend on the test (its session, its data_dir), and those that do not
# (the flask-smorest Api); _fresh_app checks that create_app makes no others.
_SHARED_EXTENSIONS = {"dossierhuis.api"}
_PER_TEST_EXTENSIONS = {
    "dossierhuis.settings",
    "dossierhuis.store",
    "dossierhuis.search",
    "dossierhuis.search_worker",
    "dossierhuis.notify_worker",
    "dossierhuis.session_factory",
    "dossierhuis.close_sessions",
}
_APPS: dict[str, tuple[Flask, dict, dict]] = {}


def _fresh_app(settings: Settings, db: Session) -> Flask:
    """An app for this test, as ``create_app(settings, session_factory=lambda: db)`` makes it.

    Building one costs ~0.3 s of CPU (the OpenAPI spec, the URL map): hundreds of tests
    would spend minutes on it. So one app is built per distinct configuration (the settings
    apart from data_dir and database_url, which are the test's own) and handed to each test
    reset: app.config and app.extensions exactly as create_app left them, with this test's
    session, settings, blob store and search index (under its data_dir) in place.
    """
    from archive.blobstore import BlobStore
    from search.whoosh_backend import WhooshBackend
    from web.app import create_app

    key = repr(replace(settings, data_dir=Path("."), database_url=""))
    if key not in _APPS:
        application = create_app(
            settings, session_factory=lambda: db, close_sessions=False, testing=True
        )
        application.config["WTF_CSRF_ENABLED"] = False
        ours = {k for k in application.extensions if k.startswith("dossierhuis.")}
        known = _PER_TEST_EXTENSIONS | _SHARED_EXTENSIONS
        assert ours == known, (
            f"create_app has app.extensions {sorted(ours ^ known)} that the app fixture in "
            "tests/conftest.py does not know: reset them per test there, or list them as shared"
        )
        _APPS[key] = (application, dict(application.config), dict(application.extensions))
    application, config, extensions = _APPS[key]
    application.config.clear()
    application.config.update(config)
    application.extensions.clear()
    application.extensions.update(extensions)
    application.extensions.update(
        {
            "dossierhuis.settings": settings,
            "dossierhuis.store": BlobStore(settings.blob_dir),
            "dossierhuis.search": WhooshBackend(settings.index_dir),
            "dossierhuis.search_worker": None,
            "dossierhuis.notify_worker": None,
            "dossierhuis.session_factory": lambda: db,
            "dossierhuis.close_sessions": False,
        }
    )
    return application


@pytest.fixture
def app(settings, db) -> Flask:
    return _fresh_app(settings, db)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(db):
    """A small catalogue: two departments, a zaaktype, a document type, three users.

    Committed (which only releases the test's SAVEPOINT), so a request that fails and rolls
    back cannot take the test's own set-up with it.
    """
    built = factories.World.build(db)
    db.commit()
    return built


@pytest.fixture
def isolated_database(databases) -> Iterator[str]:
    """A database of its own (committed data, many connections) for concurrency, CLI and
    browser tests: a migrated copy of the template, dropped afterwards."""
    url = databases.copy()
    try:
        yield url
    finally:
        databases.drop(url)
