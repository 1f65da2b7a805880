"""The audit trail: one event per change, in the caller's transaction (part of the kernel).

Kept beside ``archive.db`` so every package, the catalogue included, can record changes
without importing the records core.

Tamper evidence: every event carries a sequence number and the sha256 of its own content
plus the previous event's hash. ``verify_chain`` recomputes the chain, so an edited,
inserted or removed event shows. The head row (``audit_kop``) is locked while an event is
added, which orders concurrent writers; on PostgreSQL a trigger also refuses UPDATE and
DELETE on the events table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, select
from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from archive.db import Base, BigId, utcnow

if TYPE_CHECKING:
    from archive.models import User

GENESIS = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    volgnummer: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    tijdstip: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    actie: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(80))
    zaak_id: Mapped[int | None] = mapped_column(BigId, index=True)
    voor: Mapped[dict | None]
    na: Mapped[dict | None]
    vorige_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User | None] = relationship("User")


class AuditKop(Base):
    """The head of the chain: one row, locked by every writer."""

    __tablename__ = "audit_kop"

    id: Mapped[int] = mapped_column(primary_key=True)
    volgnummer: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "volgnummer": event.volgnummer,
        "tijdstip": event.tijdstip.astimezone(UTC).isoformat(),
        "user_id": event.user_id,
        "actie": event.actie,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "zaak_id": event.zaak_id,
        "voor": event.voor,
        "na": event.na,
        "vorige_hash": event.vorige_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


_HEAD = "dossierhuis.audit_kop"


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_locked_head(session: Session, transaction) -> None:
    # the end of the transaction or of a savepoint (whose rollback releases its row locks);
    # not of the subtransaction every flush opens and closes
    if transaction.parent is None or transaction.nested:
        session.info.pop(_HEAD, None)


def _lock_head(session: Session) -> AuditKop:
    """The chain's head, locked until the transaction ends: selected FOR UPDATE once per
    transaction, not once per event (issue 8: a destroyed zaak writes an event per
    document and one for the zaak; the repeated lock was an eighth of destruction time)."""
    head = session.info.get(_HEAD)
    if head is not None and sa_inspect(head).persistent:  # not expunged meanwhile
        return head
    head = session.scalar(select(AuditKop).where(AuditKop.id == 1).with_for_update())
    if head is None:
        head = AuditKop(id=1, volgnummer=0, hash=GENESIS)
        session.add(head)
        session.flush()
    session.info[_HEAD] = head
    return head


@dataclass(frozen=True)
class Gebeurtenis:
    """An event still to be chained (:func:`record_all`)."""

    actor: Any
    actie: str
    object_type: str
    object_id: str
    zaak_id: int | None = None
    voor: dict[str, Any] | None = None
    na: dict[str, Any] | None = None


def record(
    session: Session,
    actor: Any,
    actie: str,
    object_type: str,
    object_id: str,
    *,
    zaak_id: int | None = None,
    voor: dict[str, Any] | None = None,
    na: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event; ``voor``/``na`` hold metadata and ids, never document content."""
    gebeurtenis = Gebeurtenis(actor, actie, object_type, object_id, zaak_id, voor, na)
    return record_all(session, [gebeurtenis])[0]


def record_all(session: Session, gebeurtenissen: list[Gebeurtenis]) -> list[AuditEvent]:
    """Chain these events in their order and write them in one flush: the head is
    written once and the events in one multi-row INSERT (a destruction batch records
    hundreds; an UPDATE of the head and an INSERT per event were a quarter of its time)."""
    if not gebeurtenissen:
        return []
    head = _lock_head(session)
    events = []
    tijdstip = utcnow().replace(microsecond=0)
    for g in gebeurtenissen:
        event = AuditEvent(
            volgnummer=head.volgnummer + 1,
            tijdstip=tijdstip,
            user_id=g.actor.id if g.actor is not None else None,
            actie=g.actie,
            object_type=g.object_type,
            object_id=str(g.object_id),
            zaak_id=g.zaak_id,
            # a JSON round trip now, so the hash covers exactly what the database returns
            voor=json.loads(json.dumps(g.voor)) if g.voor is not None else None,
            na=json.loads(json.dumps(g.na)) if g.na is not None else None,
            vorige_hash=head.hash,
        )
        event.hash = compute_hash(event)
        head.volgnummer = event.volgnummer
        head.hash = event.hash
        events.append(event)
    session.add_all(events)
    # Written at once: a head change left pending could be lost to an expire and fork
    # the chain.
    session.flush()
    return events


@dataclass
class ChainReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _events(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.volgnummer > last)
                .order_by(AuditEvent.volgnummer)
                .limit(batch)
            )
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].volgnummer
        session.expunge_all()


def verify_chain(session: Session, progress: Callable[[int], object] | None = None) -> ChainReport:
    """Recompute every link: edited, inserted, reordered or removed events are reported."""
    report = ChainReport()
    expected_prev, expected_nr = GENESIS, 1
    unchained = session.scalar(select(AuditEvent.id).where(AuditEvent.volgnummer.is_(None)))
    if unchained is not None:
        report.problems.append(f"Gebeurtenis id {unchained} heeft geen volgnummer in de keten.")
    for event in _events(session):
        report.checked += 1
        if event.volgnummer != expected_nr:
            report.problems.append(
                f"Volgnummer {expected_nr} ontbreekt (volgende is {event.volgnummer}): "
                "een gebeurtenis is verwijderd."
            )
        if event.vorige_hash != expected_prev:
            report.problems.append(
                f"Gebeurtenis {event.volgnummer} wijst niet naar de vorige: de keten is gebroken."
            )
        if compute_hash(event) != event.hash:
            report.problems.append(
                f"Gebeurtenis {event.volgnummer} ({event.actie}, {event.object_type} "
                f"{event.object_id}) is gewijzigd na het vastleggen."
            )
        expected_prev, expected_nr = event.hash, event.volgnummer + 1
        if progress is not None:
            progress(1)
    head = session.get(AuditKop, 1)
    if head is not None and (head.volgnummer, head.hash) != (expected_nr - 1, expected_prev):
        report.problems.append(
            f"De kop van de keten staat op {head.volgnummer}, de laatste gebeurtenis is "
            f"{expected_nr - 1}: gebeurtenissen aan het eind zijn verwijderd."
        )
    return report
