"""Emitting events: one outbox row in the transaction of the change that caused it."""

from __future__ import annotations

import uuid

from sqlalchemy import event
from sqlalchemy.orm import Session

from archive.models import Betrokkene, Document, NotificatieGebeurtenis, User, Zaak
from archive.notificaties import soorten

# set in session.info when a transaction wrote events: the boundary wakes the worker
WAKE_FLAG = "notificatie_outbox"


def emit(
    session: Session,
    soort: str,
    actor: User | None,
    *,
    zaak: Zaak | None = None,
    document: Document | None = None,
    betrokkene: Betrokkene | None = None,
    afdeling=None,
    vernietigingslijst_id: int | None = None,
    gegevens: dict | None = None,
    kenmerk: str | None = None,
) -> NotificatieGebeurtenis:
    """Queue an event. ``gegevens`` and the identificaties kept here are what webhooks
    receive: ids and codes only, never names, BSNs or content."""
    if soort not in soorten.EVENTS:
        raise ValueError(f"unknown event kind {soort!r}")
    afdeling = afdeling if afdeling is not None else (zaak.afdeling if zaak is not None else None)
    data: dict = {}
    if zaak is not None:
        data["zaak"] = zaak.identificatie
        data["zaaktype"] = zaak.zaaktype.identificatie
    if document is not None:
        data["document"] = document.identificatie
    if afdeling is not None:
        data["afdeling"] = afdeling.code
    data.update(gegevens or {})
    row = NotificatieGebeurtenis(
        kenmerk=kenmerk or str(uuid.uuid4()),
        soort=soort,
        actor_id=actor.id if actor is not None else None,
        zaak_id=zaak.id if zaak is not None else None,
        document_id=document.id if document is not None else None,
        afdeling_id=afdeling.id if afdeling is not None else None,
        betrokkene_id=betrokkene.id if betrokkene is not None else None,
        vernietigingslijst_id=vernietigingslijst_id,
        gegevens=data,
    )
    session.add(row)
    return row


@event.listens_for(Session, "after_flush")
def _note_notificatie_outbox(session: Session, _flush_context) -> None:
    if not session.info.get(WAKE_FLAG) and any(
        isinstance(obj, NotificatieGebeurtenis) for obj in session.new
    ):
        session.info[WAKE_FLAG] = True
