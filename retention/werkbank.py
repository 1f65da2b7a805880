"""The archivist's workbench: one overview of the work queue (counts and the first zaken
of every kind, what becomes due per year), the active holds and exceptions, and the
destruction lists waiting for this archivist.

Metadata only, as in ``retention.werkvoorraad``: no document content, no omschrijving of a
zaak the archivist may not see. The number of queries does not depend on how many zaken,
holds, exceptions or lists there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, false, func, not_, or_, select
from sqlalchemy.orm import Session, selectinload

from archive import access
from archive.errors import Forbidden
from archive.models import (
    Bevriezing,
    Uitzondering,
    User,
    Vernietigingslijst,
    VernietigingslijstBeoordelaar,
    VernietigingslijstBeoordeling,
)
from retention import werkvoorraad

EERSTE = 10  # zaken shown per kind on the dashboard


@dataclass(frozen=True)
class Taak:
    """A destruction list waiting for this user, and for what: ``beoordelen`` (named
    reviewer, no verdict yet this round), ``goedkeuren`` (final approval by a second
    archivaris) or ``antwoorden`` (the author answers the reviewers' exclusions)."""

    lijst: Vernietigingslijst
    taak: str


@dataclass(frozen=True)
class Werkbank:
    peildatum: date
    filter: werkvoorraad.Filter
    aantallen: dict[str, int]  # soort → count on the peildatum
    eerste: dict[str, list[werkvoorraad.Regel]]  # soort → the first EERSTE zaken
    per_jaar: dict[int, dict[str, int]]  # year → {vernietigen, blijvend_bewaren}
    bevriezingen: int  # active holds
    uitzonderingen: int  # active exceptions
    taken: list[Taak]


def lists_waiting_for(session: Session, user: User) -> list[Taak]:
    """The destruction lists on which ``user`` has to act now, oldest first (one query)."""
    lijst = Vernietigingslijst
    named = exists().where(
        VernietigingslijstBeoordelaar.lijst_id == lijst.id,
        VernietigingslijstBeoordelaar.user_id == user.id,
    )
    reviewed = exists().where(
        VernietigingslijstBeoordeling.lijst_id == lijst.id,
        VernietigingslijstBeoordeling.beoordelaar_id == user.id,
        VernietigingslijstBeoordeling.ronde == lijst.ronde,
    )
    beoordelen = and_(lijst.status == "ter_beoordeling", named, not_(reviewed))
    goedkeuren = (
        and_(lijst.status == "goedgekeurd", lijst.auteur_id != user.id)
        if access.is_archivaris(user)
        else false()
    )
    antwoorden = and_(lijst.status == "wijzigingen_gevraagd", lijst.auteur_id == user.id)
    rows = session.scalars(
        select(lijst)
        .where(or_(beoordelen, goedkeuren, antwoorden))
        .options(selectinload(lijst.auteur))
        .order_by(lijst.id)
    )
    out = []
    for found in rows:
        taak = {
            "ter_beoordeling": "beoordelen",
            "goedgekeurd": "goedkeuren",
            "wijzigingen_gevraagd": "antwoorden",
        }[found.status]
        out.append(Taak(lijst=found, taak=taak))
    return out


def overzicht(
    session: Session,
    actor: User,
    *,
    peildatum: date | None = None,
    filter: werkvoorraad.Filter | None = None,
    eerste: int | None = None,
) -> Werkbank:
    """Everything the dashboard shows, for ``actor`` (an archivaris) on ``peildatum``
    (default today), narrowed by ``filter`` (department, zaaktype); ``eerste`` zaken of
    every kind (default ``EERSTE``)."""
    if actor is None or not access.is_archivaris(actor):
        raise Forbidden("De werkbank is er voor een archivaris.")
    peildatum = peildatum or date.today()
    filter = filter or werkvoorraad.Filter()
    extra = werkvoorraad.filter_clauses(session, filter)  # checks the filter once
    aantallen: dict[str, int] = {}
    rijen: dict[str, list[werkvoorraad.Regel]] = {}
    for soort in werkvoorraad.SOORTEN:
        where = and_(werkvoorraad._where(soort, peildatum), *extra)
        aantallen[soort], rijen[soort] = werkvoorraad._due(
            session, actor, where, limit=eerste or EERSTE, offset=0
        )
    bevriezingen = session.scalar(
        select(func.count()).select_from(Bevriezing).where(Bevriezing.opgeheven_op.is_(None))
    )
    uitzonderingen = session.scalar(
        select(func.count()).select_from(Uitzondering).where(Uitzondering.verwijderd_op.is_(None))
    )
    return Werkbank(
        peildatum=peildatum,
        filter=filter,
        aantallen=aantallen,
        eerste=rijen,
        per_jaar=werkvoorraad._per_jaar(session, extra),
        bevriezingen=bevriezingen or 0,
        uitzonderingen=uitzonderingen or 0,
        taken=lists_waiting_for(session, actor),
    )
