"""Search: the backend interface, the Whoosh and PostgreSQL backends and the index worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from archive.config import Settings
    from search.backend import SearchBackend


def make_backend(
    settings: Settings,
    session_factory: Callable[[], Session],
    *,
    close_sessions: bool = True,
) -> SearchBackend:
    """The backend ``SEARCH_BACKEND`` names: Whoosh files under ``settings.index_dir``, or
    tables in the app's PostgreSQL database through ``session_factory`` (shared by every
    app server on that database)."""
    if settings.search_backend == "postgres":
        if not settings.database_url.startswith("postgresql"):
            raise SystemExit(
                "SEARCH_BACKEND=postgres vraagt een PostgreSQL-database (DATABASE_URL)."
            )
        from search.postgres_backend import PostgresBackend

        return PostgresBackend(
            session_factory,
            close_sessions=close_sessions,
            exact_limit=settings.search_exact_limit or None,
        )
    from search.whoosh_backend import WhooshBackend

    return WhooshBackend(settings.index_dir)
