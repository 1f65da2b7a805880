"""E-mail against a real SMTP server on loopback (aiosmtpd): one neutral mail per
notification or one daily digest at the user's hour, access re-checked when the digest
is made, retries with backoff when the server is down, the same Message-ID every time."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from archive import zaken
from archive.db import make_engine, make_session_factory, transaction, utcnow
from archive.models import MailBericht, Notificatie, User
from archive.notificaties import bezorging, mail, volgen, voorkeuren, worker
from tests import factories
from tests.archive.notificaties.conftest import SmtpServer, closed_port, writer_blocked
from zaaktypen.afdelingen import remove_member

TZ = mail.TIJDZONE
BSN = "111222333"
GEHEIM = ("Overlast Kerkstraat", "Jantje", "Verschuuren", BSN, "Verslag van de wijkagent")


@pytest.fixture
def lezer(opzet, smtp_server):
    """The follower with an e-mail address; SMTP points at the test's server."""
    o = opzet
    o.settings = smtp_server.settings(o.settings)
    o.volger.email = "volger@example.test"
    zaken.add_betrokkene(
        o.db, o.world.medewerker, o.zaak,
        zaken.BetrokkeneGegevens(
            type="natuurlijk_persoon", bsn=BSN, voornamen="Jantje", geslachtsnaam="Verschuuren"
        ),
        rol="belanghebbende",
    )  # fmt: skip
    o.deliver()
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    o.db.commit()
    return o.volger


def _status(o, index=1):
    statustype = o.zaak.zaaktype.statustypen[index]
    zaken.set_status(o.db, o.world.medewerker, o.zaak, statustype_id=statustype.id)


def test_direct_mail_is_one_neutral_message_per_notification(
    opzet, lezer, smtp_server, shared_sessions
):
    o = opzet
    voorkeuren.set_preferences(o.db, lezer, email="direct")
    document = o.file(o.world.medewerker, titel="Verslag van de wijkagent")
    _status(o)
    o.deliver()
    o.db.commit()
    counts = mail.send_pending(shared_sessions, o.settings)
    assert counts == {"verzonden": 2, "mislukt": 0, "opnieuw": 0}
    notificaties = o.inbox(lezer)
    assert [n.mail for n in notificaties] == ["direct", "direct"]
    berichten = list(o.db.scalars(select(MailBericht).order_by(MailBericht.id)))
    assert len(smtp_server.messages) == 2
    for message, n, bericht, ident in zip(
        smtp_server.messages,
        notificaties,
        berichten,
        (document.identificatie, o.zaak.identificatie),
        strict=True,
    ):
        body = SmtpServer.body(message)
        assert message["Subject"] == mail.ONDERWERP
        assert message["To"] == "volger@example.test"
        assert message["From"] == o.settings.smtp_from
        assert message["Message-ID"] == bericht.kenmerk
        assert f"Betreft: {ident}\n" in body
        assert f"{o.settings.base_url}/inbox/{n.id}" in body
        for word in GEHEIM:
            assert word not in body and word not in message["Subject"]
        assert (bericht.status, bericht.pogingen) == ("verzonden", 1)
    assert smtp_server.envelopes[0][1] == ["volger@example.test"]
    # sent is sent: another round sends nothing again
    assert mail.send_pending(shared_sessions, o.settings)["verzonden"] == 0
    assert len(smtp_server.messages) == 2


def _local(day: datetime, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def test_the_daily_digest_comes_once_at_the_users_hour(opzet, lezer, smtp_server, shared_sessions):
    o = opzet
    voorkeuren.set_preferences(o.db, lezer, email="dagelijks", digest_uur=9)
    zomer = datetime(2030, 7, 1)  # summer time: 09:00 in Amsterdam is 07:00 UTC
    o.file(o.world.medewerker, titel="Verslag van de wijkagent")
    o.file(o.world.medewerker, titel="Brief")
    _status(o)
    o.db.commit()

    def round_at(when):
        return worker.run_once(shared_sessions, o.settings, now=when)

    assert round_at(_local(zomer, 6, 30))["gebeurtenissen"] == 3  # delivered, not mailed
    assert [n.mail for n in o.inbox(lezer)] == ["digest"] * 3
    assert round_at(_local(zomer, 8, 59))["samenvattingen"] == 0
    assert smtp_server.messages == []
    done = round_at(_local(zomer, 9, 0))
    assert done["samenvattingen"] == 1 and done["mail"]["verzonden"] == 1
    [digest] = smtp_server.messages
    body = SmtpServer.body(digest)
    assert digest["Subject"] == "Dossierhuis: 3 nieuwe notificaties"
    for n in o.inbox(lezer):
        assert f"{o.settings.base_url}/inbox/{n.id}" in body
    for word in GEHEIM:
        assert word not in body
    assert round_at(_local(zomer, 15, 0))["samenvattingen"] == 0  # once a day
    assert round_at(_local(zomer, 23, 59))["samenvattingen"] == 0
    # the next day's digest holds only what came since
    _status(o, 0)
    o.db.commit()
    round_at(_local(zomer, 23, 59) + timedelta(seconds=30))
    assert round_at(_local(zomer + timedelta(days=1), 8, 0))["samenvattingen"] == 0
    assert round_at(_local(zomer + timedelta(days=1), 9, 30))["samenvattingen"] == 1
    assert len(smtp_server.messages) == 2
    tweede = smtp_server.messages[1]
    assert tweede["Subject"] == "Dossierhuis: 1 nieuwe notificatie"
    assert SmtpServer.body(tweede).count("/inbox/") == 1  # its one entry


def test_the_digest_leaves_out_what_the_user_can_no_longer_see(
    opzet, lezer, smtp_server, shared_sessions
):
    o, w = opzet, opzet.world
    voorkeuren.set_preferences(o.db, lezer, email="dagelijks", digest_uur=7)
    factories.make_member(o.db, w.andere_afdeling, lezer)
    elders = o.zaak_in(w.andere_afdeling)
    o.deliver()
    volgen.follow(o.db, lezer, "zaak", elders.identificatie)
    _status(o)
    statustype = elders.zaaktype.statustypen[1]
    zaken.set_status(o.db, w.medewerker, elders, statustype_id=statustype.id)
    o.deliver()
    [hier, daar] = o.inbox(lezer)
    remove_member(o.db, None, w.afdeling, lezer)  # before the digest is made
    o.db.commit()
    worker.run_once(shared_sessions, o.settings, now=_local(datetime(2030, 1, 6), 7, 5))
    [digest] = smtp_server.messages
    body = SmtpServer.body(digest)
    assert f"/inbox/{daar.id}" in body and elders.identificatie in body
    assert f"/inbox/{hier.id}" not in body and o.zaak.identificatie not in body
    assert digest["Subject"] == "Dossierhuis: 1 nieuwe notificatie"
    # the hidden one is not kept for a later digest either
    assert hier.gemaild_op is not None


def test_preference_geen_sends_nothing(opzet, lezer, smtp_server, shared_sessions):
    o = opzet
    voorkeuren.set_preferences(o.db, lezer, email="geen")
    o.file(o.world.medewerker)
    _status(o)
    o.db.commit()
    for hour in (6, 9, 12, 20):
        worker.run_once(shared_sessions, o.settings, now=_local(datetime(2030, 2, 3), hour))
    assert [n.mail for n in o.inbox(lezer)] == ["geen", "geen"]  # in the inbox, not mailed
    assert o.db.scalar(select(MailBericht.id)) is None
    assert smtp_server.messages == []


def test_smtp_down_is_retried_with_backoff_then_given_up(opzet, lezer, shared_sessions):
    o = opzet
    o.settings = replace(o.settings, smtp_port=closed_port())
    voorkeuren.set_preferences(o.db, lezer, email="direct")
    _status(o)
    t0 = utcnow()
    o.deliver(now=t0)
    o.db.commit()
    bericht = o.db.scalar(select(MailBericht))
    kenmerk = bericht.kenmerk
    at = t0
    for poging in range(1, mail.MAX_POGINGEN):
        assert mail.send_pending(shared_sessions, o.settings, now=at)["opnieuw"] == 1
        assert (bericht.status, bericht.pogingen) == ("wachtend", poging)
        assert bericht.laatste_fout.startswith("ConnectionRefusedError")
        wacht = timedelta(seconds=mail.BACKOFF_SECONDS * 2 ** (poging - 1))
        assert bericht.volgende_poging_op - at == wacht
        early = mail.send_pending(
            shared_sessions, o.settings, now=at + wacht - timedelta(seconds=1)
        )
        assert early == {"verzonden": 0, "mislukt": 0, "opnieuw": 0}
        at += wacht
    assert mail.send_pending(shared_sessions, o.settings, now=at)["mislukt"] == 1
    assert (bericht.status, bericht.pogingen, bericht.kenmerk) == (
        "mislukt",
        mail.MAX_POGINGEN,
        kenmerk,
    )
    assert mail.send_pending(shared_sessions, o.settings, now=at + timedelta(days=1)) == {
        "verzonden": 0,
        "mislukt": 0,
        "opnieuw": 0,
    }


def test_a_retried_mail_keeps_its_message_id(opzet, lezer, smtp_server, shared_sessions):
    o = opzet
    up = o.settings
    down = replace(up, smtp_port=closed_port())
    voorkeuren.set_preferences(o.db, lezer, email="direct")
    _status(o)
    t0 = utcnow()
    o.deliver(now=t0)
    o.db.commit()
    bericht = o.db.scalar(select(MailBericht))
    assert mail.send_pending(shared_sessions, down, now=t0)["opnieuw"] == 1
    assert mail.send_pending(shared_sessions, down, now=t0 + timedelta(minutes=1))["opnieuw"] == 1
    assert mail.send_pending(shared_sessions, up, now=t0 + timedelta(minutes=3))["verzonden"] == 1
    [message] = smtp_server.messages
    assert message["Message-ID"] == bericht.kenmerk
    assert (bericht.status, bericht.pogingen) == ("verzonden", 3)


def test_no_transaction_stays_open_while_sending(isolated_database, notify_settings, smtp_server):
    engine = make_engine(isolated_database)
    factory = make_session_factory(engine)
    settings = smtp_server.settings(replace(notify_settings, database_url=isolated_database))
    try:
        with transaction(factory) as s:
            world = factories.World.build(s)
            zaak = factories.make_zaak(
                s, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
            )
            volger = s.get(User, world.lezer.id)
            volger.email = "lezer@example.test"
            factories.make_member(s, world.afdeling, volger, clearance="geheim")
            volgen.follow(s, volger, "zaak", zaak.identificatie)
            voorkeuren.set_preferences(s, volger, email="direct")
            statustype = zaak.zaaktype.statustypen[1]
            zaken.set_status(s, s.get(User, world.medewerker.id), zaak, statustype_id=statustype.id)
        with transaction(factory) as s:
            bezorging.fan_out(s, settings)  # the zaak's creation and its status: two mails
            assert list(s.scalars(select(Notificatie.mail))) == ["direct", "direct"]
        smtp_server.hold()
        done = {}
        sender = threading.Thread(
            target=lambda: done.update(mail.send_pending(factory, settings)), daemon=True
        )
        sender.start()
        assert smtp_server.arrived.wait(30)
        try:
            assert not writer_blocked(isolated_database)
        finally:
            smtp_server.release()
            sender.join(30)
        assert done == {"verzonden": 2, "mislukt": 0, "opnieuw": 0}
    finally:
        engine.dispose()


def test_what_comes_after_the_hour_waits_for_the_next_days_digest(
    opzet, lezer, smtp_server, shared_sessions
):
    """The digest goes at the user's hour: a notification in the afternoon, on a day
    whose digest hour passed with nothing to send, is no reason for a mail at once."""
    o = opzet
    voorkeuren.set_preferences(o.db, lezer, email="dagelijks", digest_uur=8)
    dag = datetime(2030, 11, 4)  # winter time: 08:00 in Amsterdam is 07:00 UTC
    o.file(o.world.medewerker)
    o.db.commit()
    worker.run_once(shared_sessions, o.settings, now=_local(dag, 7))
    assert worker.run_once(shared_sessions, o.settings, now=_local(dag, 8, 1))["samenvattingen"]
    assert len(smtp_server.messages) == 1
    # the next day nothing waits at 08:00; a notification comes at 15:00
    volgende = dag + timedelta(days=1)
    assert (
        worker.run_once(shared_sessions, o.settings, now=_local(volgende, 8, 1))["samenvattingen"]
        == 0
    )
    _status(o)
    o.db.commit()
    for hour in (15, 16, 23):
        done = worker.run_once(shared_sessions, o.settings, now=_local(volgende, hour))
        assert done["samenvattingen"] == 0, hour
    assert len(smtp_server.messages) == 1
    overmorgen = dag + timedelta(days=2)
    assert worker.run_once(shared_sessions, o.settings, now=_local(overmorgen, 7, 59)) == {
        "afdeling_einde": 0,
        "gebeurtenissen": 0,
        "samenvattingen": 0,
        "mail": {"verzonden": 0, "mislukt": 0, "opnieuw": 0},
        "webhooks": {"afgeleverd": 0, "opnieuw": 0, "dood": 0},
    }
    assert worker.run_once(shared_sessions, o.settings, now=_local(overmorgen, 8))["samenvattingen"]
    assert len(smtp_server.messages) == 2
    assert smtp_server.messages[1]["Subject"] == "Dossierhuis: 1 nieuwe notificatie"
