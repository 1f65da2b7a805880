"""Who may manage retention: the one check every retention service starts with.

Its own module so that ``retention.werkvoorraad`` can build on the rules of
``retention.bevriezingen`` (which checks the same right) without an import cycle.
"""

from __future__ import annotations

from archive import access
from archive.errors import Forbidden
from archive.models import User


def require_archivaris(user: User | None) -> None:
    """``None`` is the system (CLI run by the operator, scheduled jobs)."""
    if user is not None and not access.is_archivaris(user):
        raise Forbidden("Alleen een archivaris beheert de bewaring en vernietiging.")
