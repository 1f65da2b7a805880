"""Several notify workers at once (more app servers, or ``dossierhuis serve`` beside
``dossierhuis notify worker``): each event is fanned out once and each call made once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from archive import zaken
from archive.config import Settings
from archive.db import make_engine, make_session_factory, transaction
from archive.models import Notificatie, NotificatieGebeurtenis, User, WebhookAflevering
from archive.notificaties import volgen, webhooks, worker
from tests import factories

pytestmark = pytest.mark.concurrency
WORKERS = 3


def test_workers_running_at_once_share_the_work(isolated_database, tmp_path, receiver):
    engine = make_engine(isolated_database)
    factory = make_session_factory(engine)
    settings = Settings(
        data_dir=tmp_path, database_url=isolated_database, secret_key="samen", max_upload_mb=5
    )
    try:
        with transaction(factory) as s:
            world = factories.World.build(s)
            volgers = []
            for _ in range(2):
                v = factories.make_user(s)
                factories.make_member(s, world.afdeling, v)
                volgen.follow(s, v, "afdeling", world.afdeling.code)
                volgers.append(v.id)
            webhooks.create_webhook(
                s, s.get(User, world.beheerder.id), settings, naam="Samen", url=receiver.url
            )
            m = s.get(User, world.medewerker.id)
            for i in range(8):
                zaak = factories.make_zaak(
                    s, m, zaaktype=world.zaaktype, afdeling=world.afdeling, omschrijving=f"Z{i}"
                )
                statustype = zaak.zaaktype.statustypen[1]
                zaken.set_status(s, m, zaak, statustype_id=statustype.id)
        start = threading.Barrier(WORKERS)
        errors: list[BaseException] = []

        def run():
            try:
                start.wait(10)
                worker.run_once(factory, settings)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        with transaction(factory) as s:
            kenmerken = set(s.scalars(select(NotificatieGebeurtenis.kenmerk)))
            pairs = list(s.execute(select(Notificatie.gebeurtenis_id, Notificatie.user_id)))
            events = list(s.scalars(select(NotificatieGebeurtenis.id)))
            states = Counter(s.scalars(select(WebhookAflevering.status)))
            pending = s.scalar(
                select(func.count()).where(NotificatieGebeurtenis.verwerkt_op.is_(None))
            )
        assert len(kenmerken) == 16 and pending == 0
        assert sorted(pairs) == sorted((e, u) for e in events for u in volgers)
        assert states == {"afgeleverd": 16}
        assert Counter(receiver.kenmerken) == Counter(kenmerken)  # each exactly once
    finally:
        engine.dispose()
