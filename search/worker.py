"""The index worker: applies search-outbox rows to the index after their transaction
committed, and rebuilds the index from the database.

Each batch: read pending rows and the *current* state of the objects they name in one
short transaction (a destroyed object is simply absent, so its key is removed), write the
index, then mark the rows ``verwerkt_op`` in a second short transaction. A crash between
the two re-applies the batch, which is harmless: indexing is idempotent (replace by key).
No transaction stays open while waiting for the index write lock — on SQLite every
transaction holds the database write lock.

Modes: ``start_in_process_worker`` (a daemon thread, the embedded default; a filed
document is findable within a second) and ``run_worker`` (``dossierhuis index worker``, a
separate process). Both may run at once, also several of them: the index write lock
queues them and re-applying a row is harmless.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from archive.achtergrond import InProcessLoop
from archive.db import utcnow
from archive.models import SearchOutbox
from search import documents
from search.backend import Progress, SearchBackend

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
# rows marked this long before a rebuild started are re-applied to the new index too
# (clock differences between hosts)
CATCH_UP_MARGIN = timedelta(minutes=2)


def _targets(session: Session, backend: SearchBackend, rows) -> documents.Doelen:
    doelen = documents.Doelen()
    for _id, object_type, object_id in rows:
        doelen.add(object_type, object_id)
    zaak_ids = doelen.ids.get("zaak", set())
    if zaak_ids:
        # items the index links to these zaken (also when the zaak or link is gone) ...
        for key in backend.linked_keys(zaak_ids):
            doelen.add_key(key)
        # ... and what the database links to them now
        documents.expand_zaken(session, doelen)
    return doelen


def _end(session: Session, close_sessions: bool) -> None:
    if close_sessions:
        session.rollback()
        session.close()


def process_outbox(
    session_factory: SessionFactory,
    backend: SearchBackend,
    batch: int = 500,
    *,
    close_sessions: bool = True,
) -> int:
    """Apply every pending outbox row; returns how many rows were processed."""
    done = 0
    while True:
        session = session_factory()
        try:
            rows = session.execute(
                select(SearchOutbox.id, SearchOutbox.object_type, SearchOutbox.object_id)
                .where(SearchOutbox.verwerkt_op.is_(None))
                .order_by(SearchOutbox.id)
                .limit(batch)
            ).all()
            if rows:
                items, gone = documents.load(session, _targets(session, backend, rows))
        finally:
            _end(session, close_sessions)
        if not rows:
            return done
        backend.apply(items, gone)
        session = session_factory()
        try:
            session.execute(
                update(SearchOutbox)
                .where(SearchOutbox.id.in_([r[0] for r in rows]))
                .values(verwerkt_op=utcnow())
            )
            session.commit()
        finally:
            if close_sessions:
                session.close()
        done += len(rows)
        log.debug("zoekindex: %d outbox-regels verwerkt", len(rows))
        if len(rows) < batch:
            return done


def rebuild_from_database(
    session_factory: SessionFactory,
    backend: SearchBackend,
    progress: Progress | None = None,
    *,
    close_sessions: bool = True,
) -> int:
    """Rebuild into a fresh index and switch; changes made meanwhile are caught up.

    Objects are read batch by batch, so each reflects the moment its batch was read. A
    later change has an outbox row that is either still pending (the worker applies it
    to the new index after the switch) or was marked after the rebuild started: those
    are re-applied to the new index under the write lock just before the switch.
    """
    started = utcnow()

    def catch_up():
        session = session_factory()
        try:
            rows = session.execute(
                select(SearchOutbox.id, SearchOutbox.object_type, SearchOutbox.object_id).where(
                    or_(
                        SearchOutbox.verwerkt_op.is_(None),
                        SearchOutbox.verwerkt_op >= started - CATCH_UP_MARGIN,
                    )
                )
            ).all()
            doelen = documents.Doelen()
            for _id, object_type, object_id in rows:
                doelen.add(object_type, object_id)
            documents.expand_zaken(session, doelen)
            return documents.load(session, doelen)
        finally:
            _end(session, close_sessions)

    items = documents.iter_all(session_factory, close_sessions=close_sessions)
    return backend.rebuild(items, progress, catch_up)


def ensure_index(
    session_factory: SessionFactory,
    backend: SearchBackend,
    *,
    close_sessions: bool = True,
) -> str:
    """At start-up: rebuild a missing or corrupt index (with a log line). Returns the
    health status found."""
    health = backend.health()
    if not health.ok:
        log.warning("zoekindex %s (%s): wordt opnieuw opgebouwd", health.status, health.detail)
        count = rebuild_from_database(session_factory, backend, close_sessions=close_sessions)
        log.warning("zoekindex opnieuw opgebouwd: %d items", count)
    return health.status


def _step(session_factory, backend, batch, close_sessions) -> int:
    from search.backend import IndexMissing

    try:
        return process_outbox(session_factory, backend, batch, close_sessions=close_sessions)
    except IndexMissing:
        ensure_index(session_factory, backend, close_sessions=close_sessions)
        return process_outbox(session_factory, backend, batch, close_sessions=close_sessions)


def run_worker(
    stop_event: threading.Event,
    poll_interval: float,
    session_factory: SessionFactory,
    backend: SearchBackend,
    *,
    batch: int = 500,
    wake_event: threading.Event | None = None,
    close_sessions: bool = True,
    on_round: Callable[[str], None] | None = None,
) -> None:
    """Apply the outbox until ``stop_event`` is set; errors are logged and retried with
    a growing pause (up to a minute) so a broken database does not spin the CPU.
    ``on_round("start"|"end")`` is called around every round (used to wait for one)."""
    wake = wake_event or threading.Event()
    pause = poll_interval
    while not stop_event.is_set():
        wake.clear()
        if on_round:
            on_round("start")
        try:
            _step(session_factory, backend, batch, close_sessions)
            pause = poll_interval
        except Exception:
            log.exception("zoekindex: verwerken van de outbox mislukt; opnieuw over %.0fs", pause)
            pause = min(max(pause * 2, 1.0), 60.0)
        finally:
            if on_round:
                on_round("end")
        wake.wait(pause)


class InProcessWorker(InProcessLoop):
    """:func:`run_worker` on a daemon thread (see :class:`archive.achtergrond.InProcessLoop`)."""

    def __init__(
        self,
        session_factory: SessionFactory,
        backend: SearchBackend,
        poll_interval: float = 0.5,
        *,
        close_sessions: bool = True,
    ) -> None:
        self.session_factory = session_factory
        self.backend = backend
        self.close_sessions = close_sessions
        super().__init__(
            "dossierhuis-zoekindex",
            run_worker,
            poll_interval,
            (session_factory, backend),
            {"close_sessions": close_sessions},
        )


def start_in_process_worker(app_or_factory, backend: SearchBackend, poll_interval: float = 0.5):
    """Start the embedded worker for a Flask app (its ``dossierhuis.session_factory``
    extension) or for a session factory; returns the running :class:`InProcessWorker`."""
    extensions = getattr(app_or_factory, "extensions", None)
    if extensions is not None:
        factory = extensions["dossierhuis.session_factory"]
        close = extensions.get("dossierhuis.close_sessions", True)
    else:
        factory, close = app_or_factory, True
    return InProcessWorker(factory, backend, poll_interval, close_sessions=close).start()
