"""The audit trail: one event per change, in the caller's transaction (part of the kernel).

Kept beside ``archive.db`` so every package, the catalogue included, can record changes
without importing the records core.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from archive.db import Base, BigId, utcnow

if TYPE_CHECKING:
    from archive.models import User


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tijdstip: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    actie: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(80))
    zaak_id: Mapped[int | None] = mapped_column(BigId, index=True)
    voor: Mapped[dict | None]
    na: Mapped[dict | None]

    user: Mapped[User | None] = relationship("User")


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
    event = AuditEvent(
        user_id=actor.id if actor is not None else None,
        actie=actie,
        object_type=object_type,
        object_id=str(object_id),
        zaak_id=zaak_id,
        voor=voor,
        na=na,
    )
    session.add(event)
    return event
