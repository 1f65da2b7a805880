"""Old notifications are pruned (data minimisation, a quick inbox); dead letters and
anything still pending stay. Plus two recipient rules found in review: a second role of
the same person is no new zaak about them, and a medewerker role matches a username
whatever its case."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from archive import zaken
from archive.db import utcnow
from archive.models import (
    Notificatie,
    NotificatieGebeurtenis,
    WebhookAflevering,
)
from archive.notificaties import opschonen, soorten, volgen, webhooks
from tests.archive.notificaties.test_wie_krijgt_wat import PERSOON, follows, medewerker_betrokkene


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_prune_removes_what_is_older_than_the_retention_and_keeps_the_rest(opzet):
    o, m = opzet, opzet.world.medewerker
    settings = replace(o.settings, notificatie_bewaardagen=30)
    hook, _geheim = webhooks.create_webhook(
        o.db, o.world.beheerder, settings, naam="extern", url="http://127.0.0.1:9/hook"
    )
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    long_ago = utcnow() - timedelta(days=40)
    o.file(m, titel="Oud")
    o.deliver(now=long_ago)
    old_notes = _count(o.db, Notificatie)
    assert old_notes == 1
    # the old delivery was made; a second old one died and waits for a replay
    [oud] = o.db.scalars(select(WebhookAflevering)).all()
    oud.status, oud.aangemaakt_op = "afgeleverd", long_ago
    o.file(m, titel="Dood")
    o.deliver(now=long_ago)
    dood = o.db.scalars(select(WebhookAflevering).order_by(WebhookAflevering.id)).all()[-1]
    dood.status, dood.aangemaakt_op = "dood", long_ago
    o.file(m, titel="Nieuw")
    o.deliver()
    o.db.flush()

    counts = opschonen.prune(o.db, settings)

    assert counts["notificaties"] == 2
    assert [n.soort for n in o.inbox(o.volger)] == [soorten.DOCUMENT_TOEGEVOEGD]
    assert o.inbox(o.volger)[0].aangemaakt_op > utcnow() - timedelta(days=1)
    statuses = sorted(a.status for a in o.db.scalars(select(WebhookAflevering)))
    assert statuses == ["dood", "wachtend"]  # the delivered old one went, the dead one stays
    kept = {e.id for e in o.db.scalars(select(NotificatieGebeurtenis))}
    assert dood.gebeurtenis_id in kept and oud.gebeurtenis_id not in kept
    assert hook.id


def test_prune_keeps_everything_younger_than_the_retention(opzet):
    o, m = opzet, opzet.world.medewerker
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    o.file(m)
    o.deliver(now=utcnow() - timedelta(days=10))
    before = (_count(o.db, Notificatie), _count(o.db, NotificatieGebeurtenis))
    counts = opschonen.prune(o.db, replace(o.settings, notificatie_bewaardagen=30))
    assert counts == {"notificaties": 0, "mails": 0, "afleveringen": 0, "gebeurtenissen": 0}
    assert (_count(o.db, Notificatie), _count(o.db, NotificatieGebeurtenis)) == before


def test_a_second_role_of_the_same_person_is_no_new_zaak_for_their_followers(opzet):
    o, m = opzet, opzet.world.medewerker
    rol = zaken.add_betrokkene(o.db, m, o.zaak, PERSOON, rol="belanghebbende")
    o.deliver()
    volgen.follow(o.db, o.volger, "persoon", rol.betrokkene_id)
    tweede = o.zaak_in(o.world.afdeling, omschrijving="Tweede")
    zaken.add_betrokkene(o.db, m, tweede, PERSOON, rol="belanghebbende")
    zaken.add_betrokkene(o.db, m, tweede, PERSOON, rol="initiator")
    o.deliver()
    assert o.soorten(o.volger).count(soorten.PERSOON_NIEUWE_ZAAK) == 1


def test_a_medewerker_role_matches_the_username_in_any_case(opzet):
    o, m = opzet, opzet.world.medewerker
    collega = o.user()
    zaken.add_betrokkene(
        o.db, m, o.zaak, medewerker_betrokkene(collega.username.upper()), rol="behandelaar"
    )
    row = follows(o.db, collega, o.zaak)
    assert row is not None and row.actief and row.reden == "behandelaar"


def test_the_running_worker_prunes_once_an_hour(opzet, shared_sessions, monkeypatch):
    import threading

    from archive.notificaties import worker

    o, m = opzet, opzet.world.medewerker
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    o.file(m)
    o.deliver(now=utcnow() - timedelta(days=400))
    o.db.commit()
    monkeypatch.setattr(worker, "_last_prune", None)
    stop = threading.Event()
    rounds = []

    def on_round(phase):
        rounds.append(phase)
        if phase == "end":
            stop.set()

    worker.run_worker(stop, 0.01, shared_sessions, o.settings, on_round=on_round)
    assert rounds == ["start", "end"]
    assert o.inbox(o.volger) == []  # 400 days > the 180-day default
    assert worker._prune_due(utcnow()) is False  # not again within the hour
