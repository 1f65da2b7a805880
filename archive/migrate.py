"""Run the Alembic migrations from code, so the CLI and the tests share one path."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(bind: Engine | Connection, revision: str = "head") -> None:
    """Upgrade the database behind ``bind`` to ``revision``."""
    cfg = alembic_config()
    if isinstance(bind, Engine):
        if bind.dialect.name == "sqlite":
            _upgrade_sqlite(bind, cfg, revision)
            return
        with bind.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    else:
        cfg.attributes["connection"] = bind
        command.upgrade(cfg, revision)


def _upgrade_sqlite(engine: Engine, cfg: Config, revision: str) -> None:
    """SQLite changes a table by rebuilding it (create, copy, drop, rename), and a DROP TABLE
    with foreign keys enforced deletes the rows first, cascading into the tables that refer
    to it. So, as SQLite's documentation prescribes, foreign keys are off while migrating
    (the pragma only takes effect outside a transaction) and are checked before the commit:
    any violation rolls the whole upgrade back."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(
                        "Migration leaves rows whose foreign key refers to nothing "
                        f"(table, rowid, parent): {[tuple(r[:3]) for r in broken[:10]]}"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
