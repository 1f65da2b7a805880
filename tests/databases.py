"""Throw-away test databases, each a copy of one migrated template per pytest process.

Running the Alembic migrations costs about a second (more on PostgreSQL under load); copying
an SQLite file or ``CREATE DATABASE … TEMPLATE`` costs milliseconds. So each pytest process
(each xdist worker) migrates one template once, from an empty database through every real
migration, and every database a test asks for is a copy of it. A test that calls
``upgrade()`` on such a copy finds it at head, exactly as after its own migration.

On PostgreSQL every name is derived from TEST_DATABASE_URL's database and the xdist worker
(``<name>_gw0_tpl``, ``<name>_gw0``, ``<name>_gw0_<hex>``), so parallel workers never share
a database and a crashed run's leftovers are recognisable.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from archive.db import make_engine
from archive.migrate import upgrade

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
MAX_NAME = 63  # PostgreSQL's identifier length


def backend() -> str:
    return "postgresql" if TEST_DATABASE_URL.startswith("postgresql") else "sqlite"


def worker_id() -> str:
    """``gw0``, ``gw1`` … under pytest-xdist; ``""`` in a single process."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def _sqlite_copy(source: str, target: Path) -> None:
    """SQLite's online backup: a consistent copy, write-ahead log included."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


class Databases:
    """The migrated template of this pytest process and the copies made from it."""

    def __init__(self, tmp_dir: Path):
        self.tmp_dir = tmp_dir
        self._template: str | None = None
        self._admin: Engine | None = None
        self._created: list[str] = []

    # -- PostgreSQL --------------------------------------------------------------------------

    def _base_name(self) -> str:
        name = make_url(TEST_DATABASE_URL).database or "dossierhuis_test"
        return f"{name}_{worker_id()}" if worker_id() else name

    def _url(self, name: str) -> str:
        return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(False)

    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = make_engine(
                self._url("postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
            )
        return self._admin

    def _pg_create(self, name: str, template: str | None = None) -> str:
        source = f' TEMPLATE "{template}"' if template else ""
        with self.admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"{source}'))
        self._created.append(name)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        if backend() != "postgresql":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
            return
        with self.admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self._created:
            self._created.remove(name)

    # -- both --------------------------------------------------------------------------------

    def template(self) -> str:
        """The migrated template (made on first use): never connected to afterwards."""
        if self._template is None:
            if backend() == "postgresql":
                url = self._pg_create(f"{self._base_name()[: MAX_NAME - 4]}_tpl")
                engine = make_engine(url, poolclass=NullPool)
                upgrade(engine)
                engine.dispose()
            else:
                path = self.tmp_dir / "template.sqlite3"
                url = f"sqlite:///{path}"
                engine = make_engine(url)
                upgrade(engine)
                engine.dispose()
            self._template = url
        return self._template

    def copy(self, name: str | None = None) -> str:
        """A new migrated database of its own; ``name`` only for the per-worker one."""
        template = self.template()
        if backend() == "postgresql":
            base = self._base_name()
            name = name or f"{base[: MAX_NAME - 11]}_{uuid.uuid4().hex[:10]}"
            return self._pg_create(name[:MAX_NAME], make_url(template).database)
        target = self.tmp_dir / f"{name or uuid.uuid4().hex}.sqlite3"
        _sqlite_copy(make_url(template).database, target)
        return f"sqlite:///{target}"

    def worker_database(self) -> str:
        """The database of this process (PostgreSQL: ``<name>_gw0``), a copy of the template."""
        return self.copy(self._base_name() if backend() == "postgresql" else "test")

    def close(self) -> None:
        """Drop every PostgreSQL database this process made, the template last."""
        if backend() == "postgresql" and self._admin is not None:
            template = make_url(self._template).database if self._template else None
            names = [n for n in self._created if n != template]
            if template:
                names.append(template)  # last: copies of it are gone by then
            with self._admin.connect() as conn:
                for name in names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self._created.clear()
            self._admin.dispose()
            self._admin = None
