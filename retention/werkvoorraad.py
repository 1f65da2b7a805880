"""The archivist's work queue: what is due for destruction or transfer, what lacks
retention data, which calculations wait for a date, and what becomes due per year.

An archivaris is no member of any department: these lists carry retention metadata
(identificatie, zaaktype, afdeling, dates, nominatie) for the whole archive, never the
omschrijving or documents of a zaak the archivist may not see. Every selection is one SQL
query on indexed columns, so it stays fast at a million zaken.

*Due for destruction* leaves out what may not be destroyed now: a zaak under an active
legal hold (``retention.bevriezingen.held``) and a zaak exempt from destruction (its
department's retention policy or an active uitzondering, ``archive.hotspots.exempted``)
— asked live in the same query, so it holds even before a recompute has flipped the
nominatie. *Due for transfer* leaves out a held zaak too (a Woo request or a court case
needs the records here, as they are), as ``retention.overbrenging`` does. The same
clauses answer ``is_held`` and ``is_exempted``, so each rule has one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, extract, func, not_, or_, select
from sqlalchemy.orm import Session, selectinload

from archive import access
from archive.errors import ValidationFailed
from archive.hotspots import exempted
from archive.models import User, Zaak
from retention.bevriezingen import held
from retention.rechten import require_archivaris
from zaaktypen.models import Afdeling, ZaakType

SOORTEN = ("vernietigen", "overbrengen", "ontbrekend", "wachtend")


def _soort(soort: str) -> ColumnElement[bool]:
    """Which zaken are of ``soort``, whatever their date."""
    closed = Zaak.einddatum.is_not(None)
    # an open zaak is never due, even with a preset nominatie (archivering.preset_nominatie)
    if soort == "vernietigen":
        return and_(
            closed,
            Zaak.archiefnominatie == "vernietigen",
            # an archived dossier (gearchiveerd) is destroyed like any other; one that was
            # transferred (overgedragen) is the e-Depot's
            Zaak.archiefstatus.in_(("nog_te_archiveren", "gearchiveerd")),
            not_(held()),
            not_(exempted()),
        )
    if soort == "overbrengen":
        return and_(
            closed,
            Zaak.archiefnominatie == "blijvend_bewaren",
            Zaak.archiefstatus.in_(("nog_te_archiveren", "gearchiveerd")),
            not_(held()),
        )
    if soort == "ontbrekend":
        return and_(closed, Zaak.archiefnominatie.is_(None))
    if soort == "wachtend":
        return and_(closed, Zaak.archief_wacht_op.is_not(None))
    raise ValueError(f"onbekende soort {soort!r}; kies uit {', '.join(SOORTEN)}")


def _where(soort: str, today: date) -> ColumnElement[bool]:
    """The zaken of ``soort`` on ``today``: for destruction and transfer, those whose
    archiefactiedatum has come."""
    if soort in ("vernietigen", "overbrengen"):
        return and_(_soort(soort), Zaak.archiefactiedatum <= today)
    return _soort(soort)


@dataclass(frozen=True)
class Filter:
    """Narrow the work queue to one department (code) and/or one zaaktype
    (identificatie, every version)."""

    afdeling: str | None = None
    zaaktype: str | None = None


def filter_clauses(session: Session, filter: Filter | None) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``filter``; an unknown department or zaaktype is refused (a
    typo should not look like an empty queue)."""
    if filter is None or not (filter.afdeling or filter.zaaktype):
        return []
    errors: dict[str, list[str]] = {}
    clauses: list[ColumnElement[bool]] = []
    if filter.afdeling:
        afdeling_id = session.scalar(select(Afdeling.id).where(Afdeling.code == filter.afdeling))
        if afdeling_id is None:
            errors["afdeling"] = [f"Afdeling '{filter.afdeling}' bestaat niet."]
        clauses.append(Zaak.afdeling_id == afdeling_id)
    if filter.zaaktype:
        ids = select(ZaakType.id).where(ZaakType.identificatie == filter.zaaktype)
        if not session.scalar(select(ids.exists())):
            errors["zaaktype"] = [f"Zaaktype '{filter.zaaktype}' bestaat niet."]
        clauses.append(Zaak.zaaktype_id.in_(ids))
    if errors:
        raise ValidationFailed(errors)
    return clauses


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
    zichtbaar: bool = False  # whether the viewer may open the zaak's own page


def due(
    session: Session,
    actor: User | None,
    soort: str,
    *,
    today: date | None = None,
    limit: int = 100,
    offset: int = 0,
    filter: Filter | None = None,
) -> tuple[int, list[Regel]]:
    """The total and one page of zaken of one ``soort`` (see ``SOORTEN``)."""
    require_archivaris(actor)
    where = and_(_where(soort, today or date.today()), *filter_clauses(session, filter))
    return _due(session, actor, where, limit=limit, offset=offset)


def _due(
    session: Session, actor: User | None, where: ColumnElement[bool], *, limit: int, offset: int
) -> tuple[int, list[Regel]]:
    total = session.scalar(select(func.count()).select_from(Zaak).where(where)) or 0
    if limit <= 0:
        return total, []
    zaken = session.scalars(
        select(Zaak)
        .where(where)
        .options(selectinload(Zaak.zaaktype), selectinload(Zaak.afdeling))
        .order_by(Zaak.archiefactiedatum, Zaak.id)
        .limit(limit)
        .offset(offset)
    )
    rows = []
    for z in zaken:
        zichtbaar = actor is None or access.can_view_zaak(actor, z)
        rows.append(
            Regel(
                identificatie=z.identificatie,
                zaaktype=z.zaaktype.omschrijving,
                afdeling=z.afdeling.code,
                einddatum=z.einddatum,
                archiefnominatie=z.archiefnominatie,
                archiefactiedatum=z.archiefactiedatum,
                archief_wacht_op=z.archief_wacht_op,
                bron=z.archiefnominatie_bron,
                omschrijving=z.omschrijving if zichtbaar else None,
                zichtbaar=actor is not None and zichtbaar,
            )
        )
    return total, rows


def counts(
    session: Session,
    actor: User | None,
    *,
    today: date | None = None,
    filter: Filter | None = None,
) -> dict[str, int]:
    """How many zaken there are of every soort (the dashboard's tiles)."""
    require_archivaris(actor)
    today = today or date.today()
    extra = filter_clauses(session, filter)
    return {
        soort: session.scalar(
            select(func.count()).select_from(Zaak).where(_where(soort, today), *extra)
        )
        or 0
        for soort in SOORTEN
    }


def per_jaar(
    session: Session, actor: User | None, *, filter: Filter | None = None
) -> dict[int, dict[str, int]]:
    """Year → {vernietigen, blijvend_bewaren}: how many zaken reach their archiefactiedatum
    in that year (the dashboard's chart). The same zaken as the ``vernietigen`` and
    ``overbrengen`` lists, whatever their date: a held or exempted zaak is not counted as
    becoming due for destruction."""
    require_archivaris(actor)
    return _per_jaar(session, filter_clauses(session, filter))


def _per_jaar(session: Session, extra: list[ColumnElement[bool]]) -> dict[int, dict[str, int]]:
    jaar = extract("year", Zaak.archiefactiedatum)
    rows = session.execute(
        select(jaar, Zaak.archiefnominatie, func.count())
        .where(
            Zaak.archiefactiedatum.is_not(None),
            or_(_soort("vernietigen"), _soort("overbrengen")),
            *extra,
        )
        .group_by(jaar, Zaak.archiefnominatie)
        .order_by(jaar)
    ).all()
    out: dict[int, dict[str, int]] = {}
    for year, nominatie, n in rows:
        out.setdefault(int(year), {"vernietigen": 0, "blijvend_bewaren": 0})[nominatie] = n
    return out
