"""PostgreSQL connections run without JIT compilation (issue 8: compiling the work queue's
count over a million zaken cost as long as running it)."""

import pytest
from sqlalchemy import text

from archive.db import make_engine
from tests.databases import backend

pytestmark = pytest.mark.skipif(backend() != "postgresql", reason="JIT is PostgreSQL's")


def test_app_connections_have_jit_off(database_url):
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW jit")).scalar() == "off"
    finally:
        engine.dispose()


def test_other_connection_options_are_kept(database_url):
    engine = make_engine(database_url, connect_args={"options": "-c statement_timeout=12345"})
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW jit")).scalar() == "off"
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "12345ms"
    finally:
        engine.dispose()
