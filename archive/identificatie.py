"""Identificaties like ZAAK-2026-0000000001: unique under concurrency on both databases."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from archive.models import IdentificatieTeller


def next_identificatie(session: Session, soort: str, jaar: int) -> str:
    """Take the next number for (soort, jaar).

    The UPDATE takes a row lock (PostgreSQL) or the write lock (SQLite) held until commit,
    so two transactions can never receive the same number; a rolled-back transaction only
    leaves a gap. The unique constraint on the identificatie columns is the last guard.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(IdentificatieTeller)
        .values(soort=soort, jaar=jaar, waarde=0)
        .on_conflict_do_nothing(index_elements=["soort", "jaar"])
    )
    waarde = session.execute(
        update(IdentificatieTeller)
        .where(IdentificatieTeller.soort == soort, IdentificatieTeller.jaar == jaar)
        .values(waarde=IdentificatieTeller.waarde + 1)
        .returning(IdentificatieTeller.waarde)
    ).scalar_one()
    return f"{soort}-{jaar}-{waarde:010d}"
