"""Who is told what: followers of a zaak, a person and a department, the follows a role on a
zaak makes (and that unfollowing them sticks), never the actor themself — and every event
kind comes from the service that makes the change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from archive import zaken
from archive.documents import Upload, file_new_version, link_document
from archive.models import NotificatieGebeurtenis, Volging
from archive.notificaties import soorten, volgen, worker
from retention import vernietiging
from tests import corpus
from tests import vernietiging_helpers as vh
from zaaktypen.afdelingen import AfdelingGegevens, create_department

PERSOON = zaken.BetrokkeneGegevens(
    type="natuurlijk_persoon", bsn="111222333", voornamen="Jan", geslachtsnaam="Jansen"
)


def medewerker_betrokkene(username: str) -> zaken.BetrokkeneGegevens:
    return zaken.BetrokkeneGegevens(type="medewerker", identificatie=username, naam="Collega")


def follows(db, user, zaak) -> Volging | None:
    return db.scalar(
        select(Volging).where(
            Volging.user_id == user.id, Volging.soort == "zaak", Volging.object_id == zaak.id
        )
    )


# -- followers -------------------------------------------------------------------------------


def test_zaak_followers_hear_of_a_filed_document(opzet):
    o, m = opzet, opzet.world.medewerker
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    document = o.file(m, titel="Melding buren")
    o.deliver()
    [n] = o.inbox(o.volger)
    assert (n.soort, n.reden) == (soorten.DOCUMENT_TOEGEVOEGD, "zaak")
    assert (n.zaak_id, n.document_id) == (o.zaak.id, document.id)
    # someone in the department who does not follow hears nothing
    assert o.inbox(o.world.lezer) == []


def test_the_actor_is_not_told_of_their_own_change(opzet):
    o, m = opzet, opzet.world.medewerker
    assert follows(o.db, m, o.zaak).actief  # the creator follows (melder) ...
    o.file(m)
    o.deliver()
    assert o.inbox(m) == []  # ... but not their own filing
    statustype = o.zaak.zaaktype.statustypen[1]
    zaken.set_status(o.db, o.volger, o.zaak, statustype_id=statustype.id)
    o.deliver()
    assert o.soorten(m) == [soorten.ZAAK_STATUS_GEWIJZIGD]  # someone else's change: told
    assert o.inbox(o.volger) == []


def test_person_followers_hear_of_a_new_zaak_and_its_documents(opzet):
    o, m = opzet, opzet.world.medewerker
    rol = zaken.add_betrokkene(o.db, m, o.zaak, PERSOON, rol="belanghebbende")
    o.deliver()
    volgen.follow(o.db, o.volger, "persoon", rol.betrokkene_id)
    tweede = o.zaak_in(o.world.afdeling, omschrijving="Tweede melding")
    zaken.add_betrokkene(o.db, m, tweede, PERSOON, rol="belanghebbende")
    o.deliver()
    [nieuw] = o.inbox(o.volger)
    assert (nieuw.soort, nieuw.reden, nieuw.zaak_id) == (
        soorten.PERSOON_NIEUWE_ZAAK,
        "persoon",
        tweede.id,
    )
    document = o.file(m, tweede)
    o.deliver()
    laatste = o.inbox(o.volger)[-1]
    assert (laatste.soort, laatste.reden) == (soorten.DOCUMENT_TOEGEVOEGD, "persoon")
    assert (laatste.zaak_id, laatste.document_id) == (tweede.id, document.id)
    # a zaak about someone else is not theirs to hear of
    derde = o.zaak_in(o.world.afdeling)
    o.file(m, derde)
    o.deliver()
    assert len(o.inbox(o.volger)) == 2


def test_department_followers_hear_of_its_zaken_only(opzet):
    o, w = opzet, opzet.world
    volgen.follow(o.db, o.volger, "afdeling", w.afdeling.code)
    hier = o.zaak_in(w.afdeling)
    o.zaak_in(w.andere_afdeling)
    o.deliver()
    [n] = o.inbox(o.volger)
    assert (n.soort, n.reden, n.zaak_id) == (soorten.ZAAK_AANGEMAAKT, "afdeling", hier.id)


def test_creator_and_filer_follow_as_melder(opzet):
    o, m = opzet, opzet.world.medewerker
    assert follows(o.db, m, o.zaak).reden == "melder"
    melder = o.user()
    o.file(melder)
    assert follows(o.db, melder, o.zaak).reden == "melder"
    statustype = o.zaak.zaaktype.statustypen[1]
    zaken.set_status(o.db, o.volger, o.zaak, statustype_id=statustype.id)
    o.deliver()
    assert o.soorten(melder) == [soorten.ZAAK_STATUS_GEWIJZIGD]
    assert o.soorten(m) == [soorten.DOCUMENT_TOEGEVOEGD, soorten.ZAAK_STATUS_GEWIJZIGD]


def test_medewerker_roles_follow_as_behandelaar_and_regisseur(opzet):
    o, m = opzet, opzet.world.medewerker
    behandelaar, regisseur, adviseur = o.user(), o.user(), o.user()
    zaken.add_betrokkene(
        o.db, m, o.zaak, medewerker_betrokkene(behandelaar.username), rol="behandelaar"
    )
    zaken.add_betrokkene(
        o.db, m, o.zaak, medewerker_betrokkene(regisseur.username), rol="zaakcoordinator"
    )
    zaken.add_betrokkene(o.db, m, o.zaak, medewerker_betrokkene(adviseur.username), rol="adviseur")
    zaken.add_betrokkene(
        o.db, m, o.zaak, medewerker_betrokkene("geen-gebruiker"), rol="behandelaar"
    )
    assert follows(o.db, behandelaar, o.zaak).reden == "behandelaar"
    assert follows(o.db, regisseur, o.zaak).reden == "regisseur"
    assert follows(o.db, adviseur, o.zaak) is None  # an adviser's role makes no follow
    o.deliver()
    o.file(m)
    o.deliver()
    assert soorten.DOCUMENT_TOEGEVOEGD in o.soorten(behandelaar)
    assert soorten.DOCUMENT_TOEGEVOEGD in o.soorten(regisseur)
    assert o.inbox(adviseur) == []


def test_unfollowing_sticks_whatever_role_comes_next(opzet):
    o, m = opzet, opzet.world.medewerker
    volgen.unfollow(o.db, m, "zaak", o.zaak.identificatie)
    o.file(m)  # filing would make them a melder again ...
    zaken.add_betrokkene(
        o.db, o.volger, o.zaak, medewerker_betrokkene(m.username), rol="behandelaar"
    )
    assert not follows(o.db, m, o.zaak).actief  # ... but the ended follow stays ended
    o.deliver()
    statustype = o.zaak.zaaktype.statustypen[1]
    zaken.set_status(o.db, o.volger, o.zaak, statustype_id=statustype.id)
    o.deliver()
    assert o.inbox(m) == []
    assert not volgen.is_following(o.db, m, "zaak", o.zaak.id)
    # following by hand resumes it
    volgen.follow(o.db, m, "zaak", o.zaak.identificatie)
    assert follows(o.db, m, o.zaak).actief and follows(o.db, m, o.zaak).reden == "handmatig"


# -- every event kind from its service -------------------------------------------------------


def _file(o):
    return o.file(o.world.medewerker), soorten.DOCUMENT_TOEGEVOEGD


def _new_version(o):
    document = o.file(o.world.medewerker)
    o.deliver()
    pdf = corpus.normal_pdf(o.tmp_path / "v2.pdf", text="Versie twee")
    file_new_version(
        o.db,
        o.world.medewerker,
        document,
        Upload(path=pdf, bestandsnaam=pdf.name),
        store=o.store,
        max_bytes=5 * 1024 * 1024,
    )
    return document, soorten.DOCUMENT_NIEUWE_VERSIE


def _link(o):
    elders = o.zaak_in(o.world.afdeling)
    document = o.file(o.world.medewerker, elders)
    o.deliver()
    link_document(o.db, o.world.medewerker, document, o.zaak)
    return document, soorten.DOCUMENT_TOEGEVOEGD


def _status(o):
    statustype = o.zaak.zaaktype.statustypen[1]
    zaken.set_status(o.db, o.world.medewerker, o.zaak, statustype_id=statustype.id)
    return None, soorten.ZAAK_STATUS_GEWIJZIGD


def _close(o):
    resultaattype = o.zaak.zaaktype.resultaattypen[0]
    zaken.close_zaak(o.db, o.world.medewerker, o.zaak, resultaattype_id=resultaattype.id)
    return None, soorten.ZAAK_AFGESLOTEN


def _reopen(o):
    _close(o)
    o.deliver()
    zaken.reopen_zaak(o.db, o.world.medewerker, o.zaak, toelichting="Nieuwe feiten")
    return None, soorten.ZAAK_HEROPEND


def _betrokkene(o):
    zaken.add_betrokkene(o.db, o.world.medewerker, o.zaak, PERSOON, rol="belanghebbende")
    return None, soorten.ZAAK_BETROKKENE_TOEGEVOEGD


@pytest.mark.parametrize(
    "action",
    [_file, _new_version, _link, _status, _close, _reopen, _betrokkene],
    ids=lambda f: f.__name__.strip("_"),
)
def test_each_change_emits_its_event_and_reaches_the_follower(opzet, action):
    o = opzet
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    document, soort = action(o)
    [ev] = o.pending()
    assert (ev.soort, ev.zaak_id, ev.actor_id) == (soort, o.zaak.id, o.world.medewerker.id)
    assert ev.document_id == (document.id if document is not None else None)
    assert ev.gegevens["zaak"] == o.zaak.identificatie
    o.deliver()
    assert [n.soort for n in o.inbox(o.volger) if n.gebeurtenis_id == ev.id] == [soort]


def test_a_new_zaak_is_an_event_for_the_department(opzet):
    o = opzet
    volgen.follow(o.db, o.volger, "afdeling", o.world.afdeling.code)
    zaak = o.zaak_in(o.world.afdeling)
    [ev] = o.pending()
    assert (ev.soort, ev.zaak_id, ev.afdeling_id) == (
        soorten.ZAAK_AANGEMAAKT,
        zaak.id,
        o.world.afdeling.id,
    )
    o.deliver()
    assert o.soorten(o.volger) == [soorten.ZAAK_AANGEMAAKT]


def test_a_submitted_destruction_list_reaches_its_reviewers(db, world, store, tmp_path, opzet):
    o = opzet
    c = vh.cast(db, world)
    zaaktype = vh.make_zaaktype(db, world)
    vh.build(db, world, zaaktype, store, tmp_path, n=1, commit=False)
    o.deliver()
    lijst = vernietiging.create_list(
        db,
        c.auteur,
        naam="Lijst notificaties",
        selectie=vernietiging.Selectie(),
        beoordelaars=[c.beoordelaar.username],
    )
    assert o.pending() == []  # drafting tells nobody
    vernietiging.submit(db, c.auteur, lijst)
    [ev] = o.pending()
    assert (ev.soort, ev.vernietigingslijst_id) == (
        soorten.VERNIETIGINGSLIJST_TER_BEOORDELING,
        lijst.id,
    )
    o.deliver()
    [n] = o.inbox(c.beoordelaar)
    assert (n.soort, n.reden, n.vernietigingslijst_id) == (
        soorten.VERNIETIGINGSLIJST_TER_BEOORDELING,
        "beoordelaar",
        lijst.id,
    )
    assert o.inbox(c.auteur) == [] and o.inbox(c.tweede) == []


def test_a_department_end_is_announced_once_per_date(db, world, opzet):
    o = opzet
    today = date(2031, 5, 1)
    tijdelijk = create_department(
        db,
        None,
        AfdelingGegevens(
            code="OPVANG",
            naam="Opvang",
            startdatum=date(2031, 1, 1),
            geplande_einddatum=today + timedelta(days=10),
        ),
    )
    later = create_department(
        db,
        None,
        AfdelingGegevens(
            code="LATER",
            naam="Later",
            startdatum=date(2031, 1, 1),
            geplande_einddatum=today + timedelta(days=60),
        ),
    )
    regie, lid = o.user(afdeling=tijdelijk, rol="regie"), o.user(afdeling=tijdelijk, rol="lezen")
    buiten = o.user(afdeling=later, rol="regie")
    assert worker.warn_department_ends(db, o.settings, today=today) == 1
    assert worker.warn_department_ends(db, o.settings, today=today) == 0  # once per date
    assert worker.warn_department_ends(db, o.settings, today=today + timedelta(days=1)) == 0
    [ev] = o.pending()
    assert (ev.soort, ev.afdeling_id) == (soorten.AFDELING_EINDE_NADERT, tijdelijk.id)
    assert ev.gegevens["geplande_einddatum"] == (today + timedelta(days=10)).isoformat()
    o.deliver()
    assert o.soorten(regie) == [soorten.AFDELING_EINDE_NADERT]
    assert o.soorten(world.beheerder) == [soorten.AFDELING_EINDE_NADERT]
    assert o.inbox(lid) == [] and o.inbox(buiten) == []
    # the end moves: a new date is a new warning
    tijdelijk.geplande_einddatum = today + timedelta(days=12)
    db.flush()
    assert worker.warn_department_ends(db, o.settings, today=today) == 1
    total = db.scalar(
        select(func.count()).where(NotificatieGebeurtenis.soort == soorten.AFDELING_EINDE_NADERT)
    )
    assert total == 2
