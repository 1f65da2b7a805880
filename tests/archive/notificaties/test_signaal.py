"""The cross-department signal: a new registration about a person in a department with
signalering on tells the regisseurs of that person's open zaken elsewhere — pointing at
their own zaak, naming the source department and whom to call, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import inspect, select

from archive import zaken
from archive.audit import AuditEvent
from archive.models import MailBericht, Notificatie, User, Zaak
from archive.notificaties import inbox, mail, soorten, volgen, voorkeuren, webhooks, worker
from tests.archive.notificaties.conftest import SmtpServer
from zaaktypen.afdelingen import remove_member, set_member, set_signalering

BSN = "111222333"
PERSOON = zaken.BetrokkeneGegevens(
    type="natuurlijk_persoon", bsn=BSN, voornamen="Jantje", geslachtsnaam="Verschuuren"
)
CONTACT = "Regie Veiligheidshuis, 053 123 45 67"
TITEL = "Verslag huiselijk geweld"
GEHEIM = ("Jantje", "Verschuuren", BSN, TITEL, "Melding Kerkstraat")


@dataclass
class Netwerk:
    bron: Zaak | None  # the new registration, in the source department (world.afdeling)
    eigen: Zaak  # the regisseur's own zaak about the same person (world.andere_afdeling)
    regisseur: User
    gezien: set[int]  # what the regisseur was told before (their own zaak's events)

    def nieuw(self, o) -> list[Notificatie]:
        return [x for x in o.inbox(self.regisseur) if x.id not in self.gezien]


@pytest.fixture
def netwerk(opzet) -> Netwerk:
    o, w = opzet, opzet.world
    regisseur = o.user(afdeling=w.andere_afdeling)
    regisseur.email = "regisseur@example.test"
    eigen = o.zaak_in(w.andere_afdeling, w.buitenstaander, omschrijving="Procesregie gezin")
    zaken.add_betrokkene(o.db, w.buitenstaander, eigen, PERSOON, rol="belanghebbende")
    zaken.add_betrokkene(
        o.db, w.buitenstaander, eigen,
        zaken.BetrokkeneGegevens(type="medewerker", identificatie=regisseur.username, naam="R"),
        rol="zaakcoordinator",
    )  # fmt: skip
    o.deliver()
    o.db.commit()
    return Netwerk(None, eigen, regisseur, {x.id for x in o.inbox(regisseur)})


def register(o, n: Netwerk) -> Zaak:
    """A new zaak about the person in the source department, with a report filed in it."""
    bron = o.zaak_in(o.world.afdeling, omschrijving="Melding Kerkstraat")
    zaken.add_betrokkene(o.db, o.world.medewerker, bron, PERSOON, rol="belanghebbende")
    o.file(o.world.medewerker, bron, titel=TITEL)
    n.bron = bron
    return bron


def _signalering(o, actief=True):
    set_signalering(o.db, o.world.beheerder, o.world.afdeling, actief=actief, contact=CONTACT)


def _text_of(row) -> str:
    return " ".join(str(getattr(row, c.key)) for c in inspect(row).mapper.column_attrs)


def test_the_regisseur_elsewhere_gets_a_signal_about_their_own_zaak(opzet, netwerk):
    o, n = opzet, netwerk
    _signalering(o)
    bron = register(o, n)
    o.deliver()
    signalen = n.nieuw(o)
    # the new person on the zaak and the report filed: two registrations, two signals
    assert [s.soort for s in signalen] == [soorten.PERSOON_SIGNAAL] * 2
    for s in signalen:
        assert (s.reden, s.zaak_id, s.afdeling_id) == ("signaal", n.eigen.id, o.world.afdeling.id)
        assert s.document_id is None and s.vernietigingslijst_id is None
        tekst = _text_of(s)
        for word in (*GEHEIM, bron.identificatie):
            assert word not in tekst
    # the regisseur cannot see the source zaak: the signals are all they get
    [item, _] = inbox.list_inbox(o.db, n.regisseur, alleen_ongelezen=True).items[:2]
    assert item.doel == ("zaak", n.eigen.identificatie)
    assert item.signaal_contact == CONTACT
    assert item.afdeling.id == o.world.afdeling.id
    assert item.document is None


def test_the_signal_mail_and_webhook_carry_no_content(
    opzet, netwerk, smtp_server, receiver, shared_sessions
):
    o, n = opzet, netwerk
    o.settings = smtp_server.settings(o.settings)
    voorkeuren.set_preferences(o.db, n.regisseur, email="direct")
    hook, _geheim = webhooks.create_webhook(
        o.db, o.world.beheerder, o.settings, naam="Netwerk", url=receiver.url
    )
    _signalering(o)
    bron = register(o, n)
    o.db.commit()
    worker.run_once(shared_sessions, o.settings)
    berichten = list(o.db.scalars(select(MailBericht).where(MailBericht.user_id == n.regisseur.id)))
    assert len(berichten) == 2 and {b.status for b in berichten} == {"verzonden"}
    assert len(smtp_server.messages) == 2
    for message in smtp_server.messages:
        body = SmtpServer.body(message)
        assert message["Subject"] == mail.ONDERWERP
        assert n.eigen.identificatie in body  # their own zaak
        for word in (*GEHEIM, bron.identificatie, CONTACT):
            assert word not in body and word not in message["Subject"]
    # the webhook has the source events themselves (identificaties), never names or titles
    assert len(receiver.calls) == 3  # zaak.aangemaakt, betrokkene_toegevoegd, document
    for call in receiver.calls:
        text = call.body.decode()
        for word in GEHEIM:
            assert word not in text
        assert call.json["actie"] in soorten.EVENTS  # a signal is no webhook event


def test_each_signal_is_logged_with_ids_only(opzet, netwerk):
    o, n = opzet, netwerk
    _signalering(o)
    register(o, n)
    o.deliver()
    logged = list(o.db.scalars(select(AuditEvent).where(AuditEvent.actie == "notificatie.signaal")))
    assert len(logged) == 2
    for event in logged:
        assert (event.object_type, event.object_id, event.zaak_id) == (
            "zaak",
            n.eigen.identificatie,
            n.eigen.id,
        )
        assert event.na["ontvanger_id"] == n.regisseur.id
        assert event.na["bron_afdeling"] == o.world.afdeling.code
        assert set(event.na) == {"ontvanger_id", "bron_afdeling", "gebeurtenis"}
        for word in (*GEHEIM, n.bron.identificatie):
            assert word not in str(event.na)


def test_no_signal_when_the_source_department_has_it_off(opzet, netwerk):
    o, n = opzet, netwerk
    _signalering(o)
    _signalering(o, actief=False)
    register(o, n)
    o.deliver()
    assert n.nieuw(o) == []
    assert not o.db.scalar(select(AuditEvent.id).where(AuditEvent.actie == "notificatie.signaal"))


def test_no_signal_about_closed_zaken_elsewhere(opzet, netwerk):
    o, n = opzet, netwerk
    resultaattype = n.eigen.zaaktype.resultaattypen[0]
    zaken.close_zaak(o.db, o.world.buitenstaander, n.eigen, resultaattype_id=resultaattype.id)
    o.deliver()
    _signalering(o)
    register(o, n)
    o.deliver()
    assert [x.soort for x in n.nieuw(o)] == [soorten.ZAAK_AFGESLOTEN]


def test_without_a_named_regisseur_the_departments_regie_is_told(opzet):
    o, w = opzet, opzet.world
    regie = o.user(afdeling=w.andere_afdeling, rol="regie")
    behandelaar = o.user(afdeling=w.andere_afdeling, rol="behandelen")
    eigen = o.zaak_in(w.andere_afdeling, w.buitenstaander)
    zaken.add_betrokkene(o.db, w.buitenstaander, eigen, PERSOON, rol="belanghebbende")
    o.deliver()
    _signalering(o)
    bron = o.zaak_in(w.afdeling)
    zaken.add_betrokkene(o.db, w.medewerker, bron, PERSOON, rol="belanghebbende")
    o.deliver()
    assert [(x.soort, x.zaak_id) for x in o.inbox(regie)] == [(soorten.PERSOON_SIGNAAL, eigen.id)]
    assert o.inbox(behandelaar) == []


def test_someone_who_cannot_see_the_source_still_gets_the_signal_when_following_it(opzet, netwerk):
    """A follower of the source zaak who lost sight of it is no recipient there, and so
    still the regisseur to signal."""
    o, n = opzet, netwerk
    _signalering(o)
    bron = o.zaak_in(o.world.afdeling)
    set_member(o.db, None, o.world.afdeling, n.regisseur, rol="lezen", clearance="geheim")
    volgen.follow(o.db, n.regisseur, "zaak", bron.identificatie)
    o.deliver()
    remove_member(o.db, None, o.world.afdeling, n.regisseur)
    zaken.add_betrokkene(o.db, o.world.medewerker, bron, PERSOON, rol="belanghebbende")
    o.deliver()
    signalen = [x for x in n.nieuw(o) if x.soort == soorten.PERSOON_SIGNAAL]
    assert [(x.zaak_id, x.afdeling_id) for x in signalen] == [(n.eigen.id, o.world.afdeling.id)]


def test_notificatie_columns_hold_ids_only():
    """The inbox row has no text column where a name or title could go."""
    text_columns = {
        c.key for c in inspect(Notificatie).column_attrs if c.columns[0].type.python_type is str
    }
    assert text_columns == {"soort", "reden", "mail"}
