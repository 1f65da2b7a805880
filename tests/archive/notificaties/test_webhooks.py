"""Outgoing webhooks against a real HTTP receiver on loopback: signed bodies with an
idempotency key, retries with exponential backoff, dead letters and their replay, filters,
and who may manage them."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from archive import zaken
from archive.audit import AuditEvent
from archive.db import make_engine, make_session_factory, transaction, utcnow
from archive.errors import Forbidden, NotFound, ValidationFailed
from archive.models import NotificatieGebeurtenis, User, Webhook, WebhookAflevering
from archive.notificaties import bezorging, soorten, wachtrij, webhooks, worker
from tests import factories
from tests.archive.notificaties.conftest import writer_blocked
from zaaktypen.afdelingen import AfdelingGegevens, create_department


def _one_event(o):
    statustype = o.zaak.zaaktype.statustypen[1]
    zaken.set_status(o.db, o.world.medewerker, o.zaak, statustype_id=statustype.id)
    [ev] = o.pending()
    return ev


def _hook(o, url, **kwargs):
    return webhooks.create_webhook(
        o.db, o.world.beheerder, o.settings, naam=kwargs.pop("naam", "Zaaksysteem"), url=url,
        **kwargs,
    )  # fmt: skip


def test_the_call_is_signed_and_carries_the_events_kenmerk(opzet, receiver, shared_sessions):
    o = opzet
    hook, geheim = _hook(o, receiver.url)
    assert geheim not in hook.geheim_versleuteld  # stored encrypted only
    ev = _one_event(o)
    o.deliver()
    o.db.commit()
    assert webhooks.send_pending(shared_sessions, o.settings) == {
        "afgeleverd": 1,
        "opnieuw": 0,
        "dood": 0,
    }
    [call] = receiver.calls
    h = call.headers
    assert h["Idempotency-Key"] == ev.kenmerk == call.json["kenmerk"]
    assert h["X-Dossierhuis-Event"] == soorten.ZAAK_STATUS_GEWIJZIGD == call.json["actie"]
    assert h["Content-Type"] == "application/json"
    ts, sig = h["X-Dossierhuis-Timestamp"], h["X-Dossierhuis-Signature"]
    assert webhooks.verify(geheim, ts, call.body, sig)
    assert not webhooks.verify("een-ander-geheim", ts, call.body, sig)
    assert not webhooks.verify(geheim, ts, call.body + b" ", sig)  # the body was changed
    assert not webhooks.verify(geheim, "1", call.body, sig)  # so was the timestamp
    assert call.json["hoofdObject"] == f"{o.settings.base_url}/api/v1/zaken/{o.zaak.identificatie}"
    assert call.json["kenmerken"]["zaak"] == o.zaak.identificatie
    row = o.db.scalar(select(WebhookAflevering))
    assert (row.status, row.pogingen, row.laatste_http_status) == ("afgeleverd", 1, 200)

    # a new secret signs from now on; the old one no longer verifies
    nieuw = webhooks.rotate_secret(o.db, o.world.beheerder, o.settings, hook)
    o.file(o.world.medewerker)
    o.deliver()
    o.db.commit()
    webhooks.send_pending(shared_sessions, o.settings)
    last = receiver.calls[-1]
    ts, sig = last.headers["X-Dossierhuis-Timestamp"], last.headers["X-Dossierhuis-Signature"]
    assert webhooks.verify(nieuw, ts, last.body, sig) and not webhooks.verify(
        geheim, ts, last.body, sig
    )


def test_a_failing_receiver_is_retried_with_backoff_then_dead_then_replayed(
    opzet, receiver, shared_sessions
):
    o = opzet  # webhook_max_pogingen=4, webhook_backoff_seconds=30
    receiver.status = 500
    _hook(o, receiver.url)
    ev = _one_event(o)
    t0 = utcnow()
    o.deliver(now=t0)
    o.db.commit()

    def send(at):
        return webhooks.send_pending(shared_sessions, o.settings, now=at)

    row = o.db.scalar(select(WebhookAflevering))
    seen = []
    at = t0
    for poging, wacht in ((1, 30), (2, 60), (3, 120)):
        assert send(at) == {"afgeleverd": 0, "opnieuw": 1, "dood": 0}
        assert len(receiver.calls) == poging
        assert (row.status, row.pogingen, row.laatste_http_status) == ("wachtend", poging, 500)
        assert row.volgende_poging_op - at == timedelta(seconds=wacht)  # 30 · 2^(n−1)
        # not a moment before its time
        assert send(row.volgende_poging_op - timedelta(seconds=1)) == {
            "afgeleverd": 0,
            "opnieuw": 0,
            "dood": 0,
        }
        assert len(receiver.calls) == poging
        seen.append(row.volgende_poging_op)
        at = row.volgende_poging_op
    assert send(at) == {"afgeleverd": 0, "opnieuw": 0, "dood": 1}
    assert (row.status, row.pogingen, row.laatste_fout) == ("dood", 4, "HTTP 500")
    assert send(at + timedelta(days=1))["dood"] == 0 and len(receiver.calls) == 4
    dead = webhooks.list_deliveries(o.db, o.world.beheerder, status="dood")
    assert [d.id for d in dead] == [row.id]
    assert dead[0].gebeurtenis.kenmerk == ev.kenmerk
    assert webhooks.delivery_counts(o.db, o.world.beheerder)[row.webhook_id]["dood"] == 1

    receiver.status = 200
    assert webhooks.replay(o.db, o.world.beheerder, aflevering_ids=[row.id], now=at) == 1
    o.db.commit()
    assert send(at) == {"afgeleverd": 1, "opnieuw": 0, "dood": 0}
    assert row.status == "afgeleverd"
    assert webhooks.list_deliveries(o.db, o.world.beheerder, status="dood") == []
    assert receiver.kenmerken == [ev.kenmerk] * 5  # one key however often it is tried
    assert send(at + timedelta(days=1))["afgeleverd"] == 0  # delivered once, done
    assert (
        o.db.scalar(select(func.count()).where(AuditEvent.actie == "webhook.opnieuw_aangeboden"))
        == 1
    )


def test_replay_refuses_what_is_not_a_dead_letter(opzet, receiver, shared_sessions):
    o = opzet
    _hook(o, receiver.url)
    _one_event(o)
    o.deliver()
    o.db.commit()
    webhooks.send_pending(shared_sessions, o.settings)
    row = o.db.scalar(select(WebhookAflevering))
    with pytest.raises(NotFound):
        webhooks.replay(o.db, o.world.beheerder, aflevering_ids=[row.id])
    assert webhooks.replay(o.db, o.world.beheerder) == 0
    assert row.status == "afgeleverd"


def test_a_hanging_receiver_times_out_and_is_retried(opzet, receiver, shared_sessions):
    o = opzet
    o.settings = replace(o.settings, webhook_timeout_seconds=0.3)
    receiver.block_on(1)
    _hook(o, receiver.url)
    _one_event(o)
    o.deliver()
    o.db.commit()
    assert webhooks.send_pending(shared_sessions, o.settings)["opnieuw"] == 1
    row = o.db.scalar(select(WebhookAflevering))
    assert row.status == "wachtend" and row.laatste_http_status is None
    assert "timed out" in row.laatste_fout.lower() or "timeout" in row.laatste_fout.lower()
    receiver.release()


def test_webhooks_get_the_kinds_and_departments_they_asked_for(opzet, receiver, shared_sessions):
    o, w = opzet, opzet.world
    alleen_documenten, _ = _hook(
        o, receiver.url + "?h=doc", naam="Documenten", soort_lijst=[soorten.DOCUMENT_TOEGEVOEGD]
    )
    alleen_andere, _ = _hook(
        o, receiver.url + "?h=andere", naam="Andere", afdeling_codes=[w.andere_afdeling.code]
    )
    alles, _ = _hook(o, receiver.url + "?h=alles", naam="Alles")
    uit, _ = _hook(o, receiver.url + "?h=uit", naam="Uit")
    webhooks.update_webhook(
        o.db, w.beheerder, uit, naam="Uit", url=uit.url, soort_lijst=[], afdeling_codes=[],
        actief=False,
    )  # fmt: skip
    o.file(w.medewerker)  # document.toegevoegd in afdeling
    _one_status = o.zaak.zaaktype.statustypen[1]
    zaken.set_status(o.db, w.medewerker, o.zaak, statustype_id=_one_status.id)
    o.zaak_in(w.andere_afdeling)  # zaak.aangemaakt in andere_afdeling
    o.deliver()
    o.db.commit()

    def kinds(hook):
        return sorted(
            o.db.scalars(
                select(NotificatieGebeurtenis.soort)
                .join(
                    WebhookAflevering, WebhookAflevering.gebeurtenis_id == NotificatieGebeurtenis.id
                )
                .where(WebhookAflevering.webhook_id == hook.id)
            )
        )

    assert kinds(alleen_documenten) == [soorten.DOCUMENT_TOEGEVOEGD]
    assert kinds(alleen_andere) == [soorten.ZAAK_AANGEMAAKT]
    assert kinds(alles) == sorted(
        [soorten.DOCUMENT_TOEGEVOEGD, soorten.ZAAK_STATUS_GEWIJZIGD, soorten.ZAAK_AANGEMAAKT]
    )
    assert kinds(uit) == []
    webhooks.send_pending(shared_sessions, o.settings)
    paths = sorted(c.path for c in receiver.calls)
    assert paths == ["/hook?h=alles"] * 3 + ["/hook?h=andere", "/hook?h=doc"]


def test_only_administrators_manage_webhooks(opzet, receiver):
    o, m = opzet, opzet.world.medewerker
    hook, _ = _hook(o, receiver.url)
    attempts = [
        lambda: webhooks.create_webhook(o.db, m, o.settings, naam="X", url=receiver.url),
        lambda: webhooks.update_webhook(
            o.db,
            m,
            hook,
            naam="X",
            url=receiver.url,
            soort_lijst=[],
            afdeling_codes=[],
            actief=True,
        ),  # fmt: skip
        lambda: webhooks.rotate_secret(o.db, m, o.settings, hook),
        lambda: webhooks.delete_webhook(o.db, m, hook),
        lambda: webhooks.get_webhook(o.db, m, hook.id),
        lambda: webhooks.list_webhooks(o.db, m),
        lambda: webhooks.delivery_counts(o.db, m),
        lambda: webhooks.list_deliveries(o.db, m),
        lambda: webhooks.replay(o.db, m),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden):
            attempt()
    for other in (o.world.archivaris, o.world.auditor, None):
        with pytest.raises(Forbidden):
            webhooks.list_webhooks(o.db, other)
    assert hook.naam == "Zaaksysteem" and o.db.get(Webhook, hook.id) is not None


INVALID = [
    ({"url": "ftp://systeem.example/hook"}, "url"),
    ({"url": "geen url"}, "url"),
    ({"url": "https://gebruiker:wachtwoord@systeem.example/hook"}, "url"),
    ({"naam": "Bestaand"}, "naam"),
    ({"naam": "  "}, "naam"),
    ({"soort_lijst": ["zaak.gestolen"]}, "soorten"),
    ({"soort_lijst": [soorten.PERSOON_SIGNAAL]}, "soorten"),  # no event of its own
    ({"afdeling_codes": ["GEEN-AFDELING"]}, "afdelingen"),
]


def test_invalid_webhooks_are_refused_per_field_and_nothing_is_stored(opzet):
    o = opzet
    _hook(o, "https://bestaand.example/hook", naam="Bestaand")

    def stored():
        return (
            o.db.scalar(select(func.count()).select_from(Webhook)),
            o.db.scalar(select(func.count()).where(AuditEvent.actie == "webhook.aangemaakt")),
        )

    before = stored()
    for invoer, veld in INVALID:
        values = {"naam": "Nieuw", "url": "https://systeem.example/hook", **invoer}
        with pytest.raises(ValidationFailed) as refused:
            webhooks.create_webhook(o.db, o.world.beheerder, o.settings, **values)
        errors = refused.value.field_errors()
        assert list(errors) == [veld] and errors[veld][0], invoer
        assert stored() == before, invoer


def test_all_field_errors_come_at_once(opzet):
    o = opzet
    with pytest.raises(ValidationFailed) as refused:
        webhooks.create_webhook(
            o.db, o.world.beheerder, o.settings, naam="", url="x", soort_lijst=["nee"],
            afdeling_codes=["NEE"],
        )  # fmt: skip
    assert set(refused.value.field_errors()) == {"naam", "url", "soorten", "afdelingen"}


# -- no transaction open while calling out ------------------------------------------------------


def test_no_transaction_stays_open_during_the_call(isolated_database, notify_settings, receiver):
    engine = make_engine(isolated_database)
    factory = make_session_factory(engine)
    settings = replace(notify_settings, database_url=isolated_database)
    try:
        with transaction(factory) as s:
            world = factories.World.build(s)
            zaak = factories.make_zaak(
                s, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
            )
            beheerder = s.get(User, world.beheerder.id)
            webhooks.create_webhook(s, beheerder, settings, naam="Traag", url=receiver.url)
            assert zaak.id
        with transaction(factory) as s:
            bezorging.fan_out(s, settings)
        receiver.block_on(1)
        done = {}
        sender = threading.Thread(
            target=lambda: done.update(webhooks.send_pending(factory, settings)), daemon=True
        )
        sender.start()
        assert receiver.wait_for(1)
        try:
            assert not writer_blocked(isolated_database)
        finally:
            receiver.release()
            sender.join(30)
        assert done == {"afgeleverd": 1, "opnieuw": 0, "dood": 0}
    finally:
        engine.dispose()


def test_a_webhook_switched_off_after_fan_out_sends_nothing_until_switched_on(
    opzet, receiver, shared_sessions
):
    o, b = opzet, opzet.world.beheerder
    hook, _ = _hook(o, receiver.url)
    ev = _one_event(o)
    t0 = utcnow()
    o.deliver(now=t0)

    def switch(actief):
        webhooks.update_webhook(
            o.db, b, hook, naam=hook.naam, url=hook.url, soort_lijst=[], afdeling_codes=[],
            actief=actief,
        )  # fmt: skip
        o.db.commit()

    switch(False)
    for minutes in (0, 10, 60 * 24):
        webhooks.send_pending(shared_sessions, o.settings, now=t0 + timedelta(minutes=minutes))
    assert receiver.calls == []
    row = o.db.scalar(select(WebhookAflevering))
    assert (row.status, row.pogingen, row.geclaimd_tot) == ("wachtend", 0, None)
    switch(True)
    assert webhooks.send_pending(shared_sessions, o.settings)["afgeleverd"] == 1
    assert receiver.kenmerken == [ev.kenmerk]


def test_a_department_end_reaches_webhooks_with_its_date(opzet, receiver, shared_sessions):
    o = opzet
    _hook(o, receiver.url, soort_lijst=[soorten.AFDELING_EINDE_NADERT])
    einde = date.today() + timedelta(days=3)
    create_department(
        o.db, None,
        AfdelingGegevens(code="TIJDELIJK", naam="Tijdelijk", startdatum=date.today(),
                         geplande_einddatum=einde),
    )  # fmt: skip
    o.db.commit()
    worker.run_once(shared_sessions, o.settings)
    [call] = receiver.calls
    assert call.json["actie"] == soorten.AFDELING_EINDE_NADERT
    assert call.json["resourceUrl"].endswith("/afdelingen/TIJDELIJK")
    assert call.json["kenmerken"] == {
        "afdeling": "TIJDELIJK",
        "geplande_einddatum": einde.isoformat(),
    }


def test_a_sender_claims_no_more_than_it_can_send_within_its_lease(opzet, shared_sessions):
    """With a 30 s timeout a call may take a minute: two per two-minute lease. Claiming
    more would let the lease of the last ones run out while they wait their turn, and a
    second worker would send them too."""
    o = opzet
    _hook(o, "http://127.0.0.1:9/hook")
    for _ in range(5):
        o.zaak_in(o.world.afdeling)
    o.deliver()
    o.db.commit()

    def claimed_now() -> int:
        return o.db.scalar(select(func.count()).where(WebhookAflevering.geclaimd_tot.is_not(None)))

    rows = wachtrij.claimed(shared_sessions, WebhookAflevering, utcnow(), timeout_seconds=30)
    first = next(rows)
    assert claimed_now() == 2
    rest = list(rows)
    assert len({first, *rest}) == 5 == 1 + len(rest)  # each once
