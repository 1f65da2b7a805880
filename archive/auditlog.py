"""The auditor's view of the audit trail: events across the whole system, filtered and paged.

Kept apart from ``archive.audit`` (the kernel, which must stay import-light). An auditor is
no member of any department and sees no zaak content: the rows carry identificaties,
actions, actors and times only — never the ``voor``/``na`` payloads or descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from archive import rollen
from archive.audit import AuditEvent, ChainReport, verify_chain
from archive.errors import Forbidden, ValidationFailed
from archive.models import User, Zaak
from archive.zaken import Page

AUDIT_ROLES = rollen.AUDIT
MAX_PER_PAGE = 200


def is_auditor(user: User | None) -> bool:
    return rollen.is_auditor(user)


def require_auditor(user: User | None) -> None:
    if not is_auditor(user):
        raise Forbidden("Alleen een auditor mag de audittrail raadplegen.")


@dataclass
class AuditFilter:
    object: str | None = None  # a zaak's or document's identificatie (or any object id)
    gebruiker: str | None = None  # username
    actie: str | None = None  # exact, or a prefix ending in "." such as "zaak."
    vanaf: date | None = None
    tot: date | None = None  # inclusive


@dataclass(frozen=True)
class AuditRegel:
    volgnummer: int | None
    tijdstip: datetime
    actie: str
    object_type: str
    object_id: str
    zaak_identificatie: str | None
    gebruiker: str | None
    naam: str | None


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the server's time zone (a day as people mean it)."""
    return datetime.combine(day, time.min).astimezone()


def _check(filters: AuditFilter) -> None:
    if filters.vanaf and filters.tot and filters.tot < filters.vanaf:
        raise ValidationFailed({"tot": ["De einddatum ligt vóór de begindatum."]})


def list_events(
    session: Session, auditor: User, filters: AuditFilter, page: int = 1, per_page: int = 50
) -> Page:
    """One page of events, newest first, with the actor and zaak in the same query."""
    require_auditor(auditor)
    _check(filters)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    conditions = []
    if filters.object:
        ident = filters.object.strip()
        zaak_ids = select(Zaak.id).where(Zaak.identificatie == ident)
        conditions.append(or_(AuditEvent.object_id == ident, AuditEvent.zaak_id.in_(zaak_ids)))
    if filters.gebruiker:
        user_ids = select(User.id).where(User.username == filters.gebruiker.strip().lower())
        conditions.append(AuditEvent.user_id.in_(user_ids))
    if filters.actie:
        actie = filters.actie.strip()
        if actie.endswith("."):
            conditions.append(AuditEvent.actie.startswith(actie, autoescape=True))
        else:
            conditions.append(AuditEvent.actie == actie)
    if filters.vanaf:
        conditions.append(AuditEvent.tijdstip >= _start_of(filters.vanaf))
    if filters.tot:
        conditions.append(AuditEvent.tijdstip < _start_of(filters.tot + timedelta(days=1)))
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    query = (
        select(AuditEvent, Zaak.identificatie)
        .outerjoin(Zaak, Zaak.id == AuditEvent.zaak_id)
        .where(*conditions)
        .options(selectinload(AuditEvent.user))
        .order_by(AuditEvent.volgnummer.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [
        AuditRegel(
            e.volgnummer,
            e.tijdstip,
            e.actie,
            e.object_type,
            e.object_id,
            zaak_ident,
            e.user.username if e.user else None,
            e.user.naam if e.user else None,
        )
        for e, zaak_ident in session.execute(query)
    ]
    return Page(items=items, total=total, page=page, per_page=per_page)


def acties(session: Session, auditor: User) -> list[str]:
    """The actions that occur in the trail, for the filter's choices."""
    require_auditor(auditor)
    return list(session.scalars(select(AuditEvent.actie).distinct().order_by(AuditEvent.actie)))


def verify(session: Session, auditor: User) -> ChainReport:
    """Recompute the hash chain in a session of its own on the same connection and
    transaction: ``verify_chain`` empties its session as it goes, which must not detach
    the objects of the caller (the logged-in user, say)."""
    require_auditor(auditor)
    checker = Session(bind=session.connection())
    try:
        return verify_chain(checker)
    finally:
        checker.close()


def document_trail(session: Session, user: User, document) -> list[AuditEvent]:
    """A document's own history (filed, versions, links), for whoever may see it."""
    from archive import access
    from archive.errors import NotFound

    if not access.can_view_document(user, document):
        raise NotFound(f"Document '{document.identificatie}' bestaat niet.")
    return list(
        session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "document",
                AuditEvent.object_id == document.identificatie,
            )
            .options(selectinload(AuditEvent.user))
            .order_by(AuditEvent.id)
        )
    )
