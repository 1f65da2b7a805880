"""The archivist's work queue: what is due for destruction or transfer, what lacks
retention data, which calculations wait for a date, and what becomes due per year.

An archivaris is no member of any department: these lists carry retention metadata
(identificatie, zaaktype, afdeling, dates, nominatie) for the whole archive, never the
omschrijving or documents of a zaak the archivist may not see. Every selection is one SQL
query on indexed columns, so it stays fast at a million zaken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, extract, func, select
from sqlalchemy.orm import Session, selectinload

from archive import access
from archive.errors import Forbidden
from archive.models import User, Zaak

SOORTEN = ("vernietigen", "overbrengen", "ontbrekend", "wachtend")


def require_archivaris(user: User | None) -> None:
    """``None`` is the system (CLI run by the operator, scheduled jobs)."""
    if user is not None and not access.is_archivaris(user):
        raise Forbidden("Alleen een archivaris beheert de bewaring en vernietiging.")


def _where(soort: str, today: date) -> ColumnElement[bool]:
    closed = Zaak.einddatum.is_not(None)
    if soort == "vernietigen":
        return and_(
            Zaak.archiefnominatie == "vernietigen",
            Zaak.archiefactiedatum <= today,
            Zaak.archiefstatus == "nog_te_archiveren",
        )
    if soort == "overbrengen":
        return and_(
            Zaak.archiefnominatie == "blijvend_bewaren",
            Zaak.archiefactiedatum <= today,
            Zaak.archiefstatus.in_(("nog_te_archiveren", "gearchiveerd")),
        )
    if soort == "ontbrekend":
        return and_(closed, Zaak.archiefnominatie.is_(None))
    if soort == "wachtend":
        return and_(closed, Zaak.archief_wacht_op.is_not(None))
    raise ValueError(f"onbekende soort {soort!r}; kies uit {', '.join(SOORTEN)}")


@dataclass(frozen=True)
class Regel:
    """One zaak in a work-queue list, as far as the viewer may see it."""

    identificatie: str
    zaaktype: str
    afdeling: str
    einddatum: date | None
    archiefnominatie: str | None
    archiefactiedatum: date | None
    archief_wacht_op: str | None
    bron: str
    omschrijving: str | None  # None where the viewer may not see the zaak itself


def due(
    session: Session,
    actor: User | None,
    soort: str,
    *,
    today: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[Regel]]:
    """The total and one page of zaken of one ``soort`` (see ``SOORTEN``)."""
    require_archivaris(actor)
    where = _where(soort, today or date.today())
    total = session.scalar(select(func.count()).select_from(Zaak).where(where)) or 0
    zaken = session.scalars(
        select(Zaak)
        .where(where)
        .options(selectinload(Zaak.zaaktype), selectinload(Zaak.afdeling))
        .order_by(Zaak.archiefactiedatum, Zaak.id)
        .limit(limit)
        .offset(offset)
    )
    rows = [
        Regel(
            identificatie=z.identificatie,
            zaaktype=z.zaaktype.omschrijving,
            afdeling=z.afdeling.code,
            einddatum=z.einddatum,
            archiefnominatie=z.archiefnominatie,
            archiefactiedatum=z.archiefactiedatum,
            archief_wacht_op=z.archief_wacht_op,
            bron=z.archiefnominatie_bron,
            omschrijving=(
                z.omschrijving if actor is None or access.can_view_zaak(actor, z) else None
            ),
        )
        for z in zaken
    ]
    return total, rows


def counts(session: Session, actor: User | None, *, today: date | None = None) -> dict[str, int]:
    """How many zaken there are of every soort (the dashboard's tiles)."""
    require_archivaris(actor)
    today = today or date.today()
    return {
        soort: session.scalar(select(func.count()).select_from(Zaak).where(_where(soort, today)))
        or 0
        for soort in SOORTEN
    }


def per_jaar(session: Session, actor: User | None) -> dict[int, dict[str, int]]:
    """Year → {vernietigen, blijvend_bewaren}: how many zaken reach their archiefactiedatum
    in that year (the dashboard's chart)."""
    require_archivaris(actor)
    jaar = extract("year", Zaak.archiefactiedatum)
    rows = session.execute(
        select(jaar, Zaak.archiefnominatie, func.count())
        .where(Zaak.archiefactiedatum.is_not(None), Zaak.archiefstatus == "nog_te_archiveren")
        .group_by(jaar, Zaak.archiefnominatie)
        .order_by(jaar)
    ).all()
    out: dict[int, dict[str, int]] = {}
    for year, nominatie, n in rows:
        out.setdefault(int(year), {"vernietigen": 0, "blijvend_bewaren": 0})[nominatie] = n
    return out
