"""Test fixtures: one schema per run (via the real migrations), one SAVEPOINT per test.

The database is SQLite by default; set TEST_DATABASE_URL to a PostgreSQL URL to run the same
suite there (``make test`` does both). With REQUIRE_POSTGRES=1 the run fails when that
database cannot be reached, so CI cannot pass while silently skipping PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from archive import users
from archive.config import Settings
from archive.db import make_engine
from archive.migrate import upgrade
from tests import factories

pytest_plugins = ["tests.fixtures_archivering"]
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
users.use_cheap_hashing_for_tests()


def backend() -> str:
    return "postgresql" if TEST_DATABASE_URL.startswith("postgresql") else "sqlite"


def pytest_report_header(config) -> str:
    return f"dossierhuis database backend: {backend()}"


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if backend() == "postgresql":
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def engine(database_url) -> Iterator[Engine]:
    if backend() == "postgresql":
        try:
            _reset_postgres(database_url)
        except Exception as exc:  # pragma: no cover - only when PostgreSQL is down
            if os.environ.get("REQUIRE_POSTGRES") == "1":
                pytest.exit(f"PostgreSQL required but unreachable: {exc}", returncode=3)
            raise
    engine = make_engine(database_url)
    upgrade(engine)
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


@pytest.fixture
def app(settings, db):
    from web.app import create_app

    application = create_app(
        settings, session_factory=lambda: db, close_sessions=False, testing=True
    )
    application.config["WTF_CSRF_ENABLED"] = False
    return application


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
def isolated_database(tmp_path) -> Iterator[str]:
    """A database of its own (committed data, many connections) for concurrency tests."""
    if backend() == "postgresql":
        base = make_url(TEST_DATABASE_URL)
        name = f"dh_conc_{uuid.uuid4().hex[:10]}"
        admin = make_engine(
            base.set(database="postgres").render_as_string(False), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
        try:
            yield url
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'isolated.sqlite3'}"
