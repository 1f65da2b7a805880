"""The outbox is written in the change's own transaction, and fan-out is one transaction
per batch: a failure half-way leaves nothing behind, and a re-run delivers each
notification exactly once."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from archive import zaken
from archive.db import make_engine, make_session_factory, transaction
from archive.models import (
    MailBericht,
    Notificatie,
    NotificatieGebeurtenis,
    User,
    WebhookAflevering,
    Zaak,
)
from archive.notificaties import bezorging, soorten, volgen, voorkeuren, webhooks, worker
from tests import factories


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_failure_half_way_through_fan_out_leaves_nothing(opzet, shared_sessions, monkeypatch):
    o = opzet
    o.settings = replace(o.settings, smtp_host="127.0.0.1")  # mail is queued, not sent here
    volgers = [o.user() for _ in range(3)]
    for v in volgers:
        v.email = f"{v.username}@example.test"
        voorkeuren.set_preferences(o.db, v, email="direct")
        volgen.follow(o.db, v, "zaak", o.zaak.identificatie)
    webhooks.create_webhook(
        o.db, o.world.beheerder, o.settings, naam="Systeem", url="http://127.0.0.1:9/hook"
    )
    o.file(o.world.medewerker)
    statustype = o.zaak.zaaktype.statustypen[1]
    zaken.set_status(o.db, o.world.medewerker, o.zaak, statustype_id=statustype.id)
    o.db.commit()
    events = [e.id for e in o.pending()]
    assert len(events) == 2

    real = bezorging._Fanout._notificatie
    calls = Counter()

    def fail_on_fifth(self, ev, user, ontvanger, afdeling_id=None):
        calls["n"] += 1
        if calls["n"] == 5:  # the second recipient of the second event
            raise RuntimeError("stroomstoring")
        return real(self, ev, user, ontvanger, afdeling_id)

    monkeypatch.setattr(bezorging._Fanout, "_notificatie", fail_on_fifth)
    with pytest.raises(RuntimeError, match="stroomstoring"):
        worker.fan_out_all(shared_sessions, o.settings)
    assert calls["n"] == 5
    for model in (Notificatie, MailBericht, WebhookAflevering):
        assert _count(o.db, model) == 0, model
    assert [e.id for e in o.pending()] == events  # still waiting, both

    monkeypatch.setattr(bezorging._Fanout, "_notificatie", real)
    assert worker.fan_out_all(shared_sessions, o.settings) == 2
    assert worker.fan_out_all(shared_sessions, o.settings) == 0  # a re-run adds nothing
    pairs = list(o.db.execute(select(Notificatie.gebeurtenis_id, Notificatie.user_id)))
    assert sorted(pairs) == sorted((e, v.id) for e in events for v in volgers)
    assert _count(o.db, MailBericht) == 6
    assert _count(o.db, WebhookAflevering) == 2
    assert o.pending() == []


@pytest.fixture
def committed(isolated_database, settings):
    """A committed world in a database of its own; yields its session factory and ids."""
    engine = make_engine(isolated_database)
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        world = factories.World.build(s)
        zaak = factories.make_zaak(
            s, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
        )
        ids = {"zaak": zaak.id, "medewerker": world.medewerker.id}
    worker.fan_out_all(factory, settings)  # the zaak's creation: out of the way
    try:
        yield factory, ids
    finally:
        engine.dispose()


def _pending(factory) -> list[NotificatieGebeurtenis]:
    with transaction(factory) as s:
        return list(
            s.scalars(
                select(NotificatieGebeurtenis).where(NotificatieGebeurtenis.verwerkt_op.is_(None))
            )
        )


def _set_status(s, ids):
    zaak = s.get(Zaak, ids["zaak"])
    actor = s.get(User, ids["medewerker"])
    statustype = zaak.zaaktype.statustypen[1]
    zaken.set_status(s, actor, zaak, statustype_id=statustype.id)


def test_a_change_rolled_back_leaves_no_event(opzet):
    """The event is part of the change's transaction: a request that fails after the
    change (and rolls back) takes its event with it."""
    o = opzet
    assert o.pending() == []
    statustype = o.zaak.zaaktype.statustypen[1]
    zaken.set_status(o.db, o.world.medewerker, o.zaak, statustype_id=statustype.id)
    o.db.flush()
    assert [e.soort for e in o.pending()] == [soorten.ZAAK_STATUS_GEWIJZIGD]
    o.db.rollback()
    assert o.pending() == []
    assert _count(o.db, NotificatieGebeurtenis) == 1  # the zaak's creation, delivered
    assert o.db.get(Zaak, o.zaak.id).huidige_status.statustype.volgnummer == 1


def test_a_committed_change_leaves_exactly_one_pending_event(committed):
    factory, ids = committed
    with transaction(factory) as s:
        _set_status(s, ids)
    [ev] = _pending(factory)
    assert (ev.soort, ev.zaak_id, ev.actor_id) == (
        soorten.ZAAK_STATUS_GEWIJZIGD,
        ids["zaak"],
        ids["medewerker"],
    )
    with transaction(factory) as s:
        assert _count(s, Notificatie) == 0  # nothing delivered before a worker runs
