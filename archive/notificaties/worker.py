"""The notify worker: fan out pending events, queue due digests and department-end
warnings, then send mail and webhook calls.

Each step has its own short transactions; none stays open during a network call. Run it
in-process (a daemon thread of ``dossierhuis serve``, the embedded default) or as
``dossierhuis notify worker``; several may run at once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive.achtergrond import InProcessLoop
from archive.db import utcnow
from archive.models import NotificatieGebeurtenis
from archive.notificaties import bezorging, mail, opschonen, soorten, webhooks
from archive.notificaties.gebeurtenissen import emit
from zaaktypen.models import Afdeling

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
_EINDE_NAMESPACE = uuid.UUID("6f1c2b1e-5d0a-4d5e-9a53-7c1f0b6a2e11")


def _in_transaction(session_factory: SessionFactory, step, *args, **kwargs):
    session = session_factory()
    try:
        result = step(session, *args, **kwargs)
        session.commit()
        return result
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def fan_out_all(session_factory: SessionFactory, settings, *, batch: int = 100, now=None) -> int:
    """Deliver every pending event, one committed transaction per batch."""
    done = 0
    while True:
        n = _in_transaction(session_factory, bezorging.fan_out, settings, batch=batch, now=now)
        done += n
        if n < batch:
            return done


def warn_department_ends(session: Session, settings, *, today: date | None = None) -> int:
    """One event per department and planned end date, when that date is near. The
    kenmerk is derived from both, so repeating this (on any server) adds nothing."""
    today = today or date.today()
    limit = today + timedelta(days=settings.afdeling_einde_dagen)
    made = 0
    for afdeling in session.scalars(
        select(Afdeling).where(
            Afdeling.geplande_einddatum.is_not(None),
            Afdeling.geplande_einddatum <= limit,
            Afdeling.geplande_einddatum >= today,
            Afdeling.status != "gesloten",
        )
    ):
        kenmerk = str(uuid.uuid5(_EINDE_NAMESPACE, f"{afdeling.id}:{afdeling.geplande_einddatum}"))
        if session.scalar(
            select(NotificatieGebeurtenis.id).where(NotificatieGebeurtenis.kenmerk == kenmerk)
        ):
            continue
        try:
            with session.begin_nested():
                emit(
                    session,
                    soorten.AFDELING_EINDE_NADERT,
                    None,
                    afdeling=afdeling,
                    kenmerk=kenmerk,
                    gegevens={"geplande_einddatum": afdeling.geplande_einddatum.isoformat()},
                )
                session.flush()
            made += 1
        except IntegrityError:
            continue  # another worker was first
    return made


def run_once(session_factory: SessionFactory, settings, *, now: datetime | None = None) -> dict:
    """One round of everything; returns what it did (for the CLI and the tests)."""
    now = now or utcnow()
    counts = {
        "afdeling_einde": _in_transaction(
            session_factory,
            warn_department_ends,
            settings,
            today=now.astimezone(mail.TIJDZONE).date(),
        ),
    }
    counts["gebeurtenissen"] = fan_out_all(session_factory, settings, now=now)
    counts["samenvattingen"] = _in_transaction(
        session_factory, mail.enqueue_digests, settings, now=now
    )
    counts["mail"] = mail.send_pending(session_factory, settings, now=now)
    counts["webhooks"] = webhooks.send_pending(session_factory, settings, now=now)
    return counts


_last_prune: datetime | None = None
PRUNE_EVERY = timedelta(hours=1)


def _prune_due(now: datetime) -> bool:
    """Pruning is cheap but needs no doing every round: once an hour per process (any
    process may do it; doing it twice is harmless)."""
    global _last_prune
    if _last_prune is not None and timedelta(0) <= now - _last_prune < PRUNE_EVERY:
        return False
    _last_prune = now
    return True


def run_worker(
    stop_event: threading.Event,
    poll_interval: float,
    session_factory: SessionFactory,
    settings,
    *,
    wake_event: threading.Event | None = None,
    on_round: Callable[[str], None] | None = None,
) -> None:
    """Rounds until ``stop_event``; errors are logged and retried with a growing pause."""
    wake = wake_event or threading.Event()
    pause = poll_interval
    while not stop_event.is_set():
        wake.clear()
        if on_round:
            on_round("start")
        try:
            run_once(session_factory, settings)
            if _prune_due(utcnow()):
                _in_transaction(session_factory, opschonen.prune, settings)
            pause = poll_interval
        except Exception:
            log.exception("notificaties: ronde mislukt; opnieuw over %.0fs", pause)
            pause = min(max(pause * 2, 1.0), 60.0)
        finally:
            if on_round:
                on_round("end")
        wake.wait(pause)


class InProcessNotifyWorker(InProcessLoop):
    """:func:`run_worker` on a daemon thread; ``wake()`` after a commit with events."""

    def __init__(self, session_factory: SessionFactory, settings, poll_interval: float = 2.0):
        super().__init__(
            "dossierhuis-notificaties", run_worker, poll_interval, (session_factory, settings)
        )
