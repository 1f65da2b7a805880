"""What the retention lists share: rows that are withdrawn (a lifted hold, a removed
exception) keep their place in the history and carry a timestamp instead of being deleted,
so "active", "withdrawn" and "all" are one filter on that column."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T", bound=Select[Any])


def filter_actief(query: T, ended_at: InstrumentedAttribute[Any], actief: bool | None) -> T:
    """``True``: not yet withdrawn; ``False``: withdrawn; ``None``: the whole history."""
    if actief is True:
        return query.where(ended_at.is_(None))
    if actief is False:
        return query.where(ended_at.is_not(None))
    return query
