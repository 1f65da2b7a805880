"""Claiming outgoing messages (mail, webhook calls) so that one sender works on each.

A claim is a lease (``geclaimd_tot``) committed before sending: a sender killed while
sending leaves the message claimed until the lease runs out, then another sends it again.
That is at-least-once delivery; receivers drop the repeat by its key (Message-ID,
Idempotency-Key).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from datetime import datetime, timedelta

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=6)
MAX_PER_ROUND = 200  # then the worker's round goes on (fan-out, digests) and comes back


def claim_due(
    session_factory: Callable[[], Session],
    model,
    now: datetime,
    *,
    limit: int = 50,
    lease: timedelta = LEASE,
    exclude: Collection[int] = (),
) -> list[int]:
    """Claim up to ``limit`` due rows of ``model`` (status wachtend, not in ``exclude``);
    commits the claim."""
    session = session_factory()
    try:
        rows = list(
            session.scalars(
                select(model)
                .where(
                    model.status == "wachtend",
                    model.volgende_poging_op <= now,
                    or_(model.geclaimd_tot.is_(None), model.geclaimd_tot < now),
                    model.id.not_in(list(exclude)) if exclude else true(),
                )
                .order_by(model.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for row in rows:
            row.geclaimd_tot = now + lease
        ids = [row.id for row in rows]
        session.commit()
        return ids
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def claimed(
    session_factory: Callable[[], Session],
    model,
    now: datetime,
    *,
    timeout_seconds: float,
    lease: timedelta = LEASE,
    most: int = MAX_PER_ROUND,
) -> Iterator[int]:
    """Claim due rows a few at a time and yield their ids, each at most once per round.

    A claim holds no more rows than one sender gets through within the lease when every
    call takes its full timeout (twice: connecting, then sending): so a slow receiver
    never lets the lease of rows still waiting in this sender's hands run out, and another
    sender never takes them over while this one is alive. A retry that is due at once
    waits for the next round."""
    per_claim = max(1, int(lease.total_seconds() // (2 * max(timeout_seconds, 1))))
    seen: set[int] = set()
    while len(seen) < most:
        ids = claim_due(
            session_factory,
            model,
            now,
            limit=min(per_claim, most - len(seen)),
            lease=lease,
            exclude=seen,
        )
        if not ids:
            return
        for row_id in ids:
            seen.add(row_id)
            yield row_id


def backoff(base_seconds: int, pogingen: int) -> timedelta:
    """base · 2^(attempt − 1), at most six hours."""
    return min(timedelta(seconds=base_seconds * (2 ** max(pogingen - 1, 0))), MAX_BACKOFF)
