"""The notify worker killed mid-batch (SIGKILL, as a crash or an OOM kill) loses nothing and
duplicates nothing but the one call that was in flight — which the receiver recognises by
its Idempotency-Key."""

from __future__ import annotations

import subprocess
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from archive import zaken
from archive.config import Settings
from archive.db import make_engine, make_session_factory, transaction, utcnow
from archive.models import Notificatie, NotificatieGebeurtenis, User, WebhookAflevering
from archive.notificaties import volgen, webhooks, worker
from tests import factories
from tests.archive.notificaties.conftest import SECRET, dossierhuis, worker_env

ZAKEN = 10  # each: created, two status changes → 30 events
BLOCK_AT = 7


def test_killed_mid_batch_nothing_lost_nothing_doubled(isolated_database, tmp_path, receiver):
    engine = make_engine(isolated_database)
    factory = make_session_factory(engine)
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=isolated_database,
        secret_key=SECRET,
        base_url="https://dossierhuis.test",
        webhook_timeout_seconds=10,
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
                s, s.get(User, world.beheerder.id), settings, naam="Ontvanger", url=receiver.url
            )
            medewerker = s.get(User, world.medewerker.id)
            for i in range(ZAKEN):
                zaak = factories.make_zaak(
                    s, medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling,
                    omschrijving=f"Zaak {i}",
                )  # fmt: skip
                for index in (1, 0):
                    statustype = zaak.zaaktype.statustypen[index]
                    zaken.set_status(s, medewerker, zaak, statustype_id=statustype.id)
        with transaction(factory) as s:
            kenmerken = set(s.scalars(select(NotificatieGebeurtenis.kenmerk)))
        assert len(kenmerken) == 3 * ZAKEN

        receiver.block_on(BLOCK_AT)
        process = subprocess.Popen(
            [*dossierhuis(), "notify", "worker", "--poll", "0.1"],
            env=worker_env(
                isolated_database, tmp_path / "var", NOTIFY_WEBHOOK_TIMEOUT_SECONDS="20"
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            arrived = receiver.wait_for(BLOCK_AT, timeout=60)
        finally:
            process.kill()
            output = process.communicate(timeout=30)[0].decode(errors="replace")
        assert arrived, output
        assert process.returncode == -9
        in_flight = receiver.calls[BLOCK_AT - 1].kenmerk
        receiver.release()

        # the killed worker claimed a few at a time (a 20 s timeout: three per two-minute
        # lease): the call in flight and the two after it are still its own
        with transaction(factory) as s:
            states = Counter(s.scalars(select(WebhookAflevering.status)))
            claimed = set(
                s.scalars(
                    select(NotificatieGebeurtenis.kenmerk)
                    .join(WebhookAflevering)
                    .where(WebhookAflevering.geclaimd_tot.is_not(None))
                )
            )
        assert states == {"afgeleverd": BLOCK_AT - 1, "wachtend": 3 * ZAKEN - BLOCK_AT + 1}
        assert in_flight in claimed and len(claimed) == 3
        # while its lease holds another worker sends the rest, but not those
        done = worker.run_once(factory, settings)
        assert done["webhooks"]["afgeleverd"] == 3 * ZAKEN - BLOCK_AT - 2
        assert not claimed & set(receiver.kenmerken[BLOCK_AT:])

        # after the lease (two minutes) those go out too, the call in flight once more
        later = utcnow() + timedelta(minutes=5)
        done = worker.run_once(factory, settings, now=later)
        assert done["webhooks"] == {"afgeleverd": 3, "opnieuw": 0, "dood": 0}

        seen = Counter(receiver.kenmerken)
        assert set(seen) == kenmerken
        assert [k for k, n in seen.items() if n > 1] == [in_flight]
        assert seen[in_flight] == 2
        with transaction(factory) as s:
            rows = list(s.scalars(select(WebhookAflevering)))
            assert len(rows) == len(kenmerken)
            assert {(r.status, r.pogingen) for r in rows} == {("afgeleverd", 1)}
            pairs = list(s.execute(select(Notificatie.gebeurtenis_id, Notificatie.user_id)))
            event_ids = list(s.scalars(select(NotificatieGebeurtenis.id)))
            assert sorted(pairs) == sorted((e, u) for e in event_ids for u in volgers)
            assert (
                s.scalar(select(func.count()).where(NotificatieGebeurtenis.verwerkt_op.is_(None)))
                == 0
            )
        # and a further round finds nothing left to do
        again = worker.run_once(factory, settings, now=later + timedelta(minutes=5))
        assert again["gebeurtenissen"] == 0 and again["webhooks"]["afgeleverd"] == 0
        assert len(receiver.calls) == 3 * ZAKEN + 1
    finally:
        engine.dispose()
