"""Notifications are kept for a while, not forever: data minimisation (they say who
worked on what) and an inbox that stays quick. Dead letters stay until an administrator
replays them; events stay while anything still refers to them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from archive.db import utcnow
from archive.models import MailBericht, Notificatie, NotificatieGebeurtenis, WebhookAflevering


def prune(session: Session, settings, *, now: datetime | None = None) -> dict[str, int]:
    """Delete what is older than ``settings.notificatie_bewaardagen``; the caller commits."""
    cutoff = (now or utcnow()) - timedelta(days=settings.notificatie_bewaardagen)
    counts = {
        "notificaties": session.execute(
            delete(Notificatie).where(Notificatie.aangemaakt_op < cutoff)
        ).rowcount,
        "mails": session.execute(
            delete(MailBericht).where(
                MailBericht.status != "wachtend", MailBericht.aangemaakt_op < cutoff
            )
        ).rowcount,
        "afleveringen": session.execute(
            delete(WebhookAflevering).where(
                WebhookAflevering.status == "afgeleverd", WebhookAflevering.aangemaakt_op < cutoff
            )
        ).rowcount,
    }
    still_used = exists(
        select(WebhookAflevering.id).where(
            WebhookAflevering.gebeurtenis_id == NotificatieGebeurtenis.id
        )
    ) | exists(
        select(Notificatie.id).where(Notificatie.gebeurtenis_id == NotificatieGebeurtenis.id)
    )
    counts["gebeurtenissen"] = session.execute(
        delete(NotificatieGebeurtenis).where(
            NotificatieGebeurtenis.verwerkt_op < cutoff, ~still_used
        )
    ).rowcount
    return counts
