"""The access policy decides at delivery and again when an entry is shown, not when a
user began to follow; following what one may not see is impossible (it looks absent)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from archive import machtigingen, zaken
from archive.documents import Upload, file_new_version, link_document
from archive.errors import NotFound
from archive.notificaties import inbox, soorten, volgen
from tests import corpus
from zaaktypen.afdelingen import remove_member, set_member


def _status(o, actor=None):
    statustype = o.zaak.zaaktype.statustypen[1]
    zaken.set_status(o.db, actor or o.world.medewerker, o.zaak, statustype_id=statustype.id)


def test_membership_removed_before_delivery_means_no_notification(opzet):
    o = opzet
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    _status(o)
    remove_member(o.db, None, o.world.afdeling, o.volger)
    o.deliver()
    assert o.inbox(o.volger) == []
    # the follow itself is untouched: given access again, they hear of what comes next
    set_member(o.db, None, o.world.afdeling, o.volger, rol="lezen", clearance="geheim")
    o.file(o.world.medewerker)
    o.deliver()
    assert o.soorten(o.volger) == [soorten.DOCUMENT_TOEGEVOEGD]


def test_clearance_lowered_before_delivery_means_no_notification(opzet):
    o = opzet
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    _status(o)
    # the zaak is zaakvertrouwelijk; 'intern' is below it
    set_member(o.db, None, o.world.afdeling, o.volger, rol="behandelen", clearance="intern")
    o.deliver()
    assert o.inbox(o.volger) == []


def test_grant_revoked_before_delivery_means_no_notification(opzet):
    o, w = opzet, opzet.world
    partner = o.user(afdeling=w.andere_afdeling)  # no membership of the zaak's department
    regie = o.user(rol="regie")
    grant = machtigingen.grant(
        o.db, regie, o.zaak, partner, reden="Casusoverleg",
        verloopt_op=date.today() + timedelta(days=30),
    )  # fmt: skip
    volgen.follow(o.db, partner, "zaak", o.zaak.identificatie)
    _status(o)
    o.deliver()
    assert o.soorten(partner) == [soorten.ZAAK_STATUS_GEWIJZIGD]  # the grant opens it ...
    o.file(w.medewerker)
    machtigingen.revoke(o.db, regie, grant.id)
    o.deliver()
    assert o.soorten(partner) == [soorten.ZAAK_STATUS_GEWIJZIGD]  # ... and its end closes it


def test_a_document_above_the_followers_clearance_is_not_told_zaak_events_are(opzet):
    o = opzet
    kijker = o.user(rol="lezen", clearance="zaakvertrouwelijk")
    volgen.follow(o.db, kijker, "zaak", o.zaak.identificatie)
    o.file(o.world.medewerker, titel="Politierapport", vertrouwelijkheidaanduiding="geheim")
    gewoon = o.file(o.world.medewerker, titel="Brief")
    _status(o)
    o.deliver()
    assert [(n.soort, n.document_id) for n in o.inbox(kijker)] == [
        (soorten.DOCUMENT_TOEGEVOEGD, gewoon.id),
        (soorten.ZAAK_STATUS_GEWIJZIGD, None),
    ]
    # the follower with clearance geheim hears of all three
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    o.file(o.world.medewerker, titel="Tweede rapport", vertrouwelijkheidaanduiding="geheim")
    o.deliver()
    assert o.soorten(o.volger) == [soorten.DOCUMENT_TOEGEVOEGD]
    assert len(o.inbox(kijker)) == 2


def test_losing_sight_after_delivery_removes_the_entry_everywhere(opzet):
    o = opzet
    volgen.follow(o.db, o.volger, "zaak", o.zaak.identificatie)
    andere = o.zaak_in(o.world.andere_afdeling)
    o.deliver()  # its creation, before anyone follows it
    set_member(o.db, None, o.world.andere_afdeling, o.volger, rol="lezen", clearance="geheim")
    volgen.follow(o.db, o.volger, "zaak", andere.identificatie)
    _status(o)
    o.file(o.world.medewerker, andere)
    o.deliver()
    [hier, daar] = o.inbox(o.volger)
    assert inbox.unread_count(o.db, o.volger) == 2
    assert [i.notificatie.id for i in inbox.list_inbox(o.db, o.volger).items] == [daar.id, hier.id]
    assert inbox.get_item(o.db, o.volger, hier.id).doel == ("zaak", o.zaak.identificatie)

    remove_member(o.db, None, o.world.afdeling, o.volger)
    pagina = inbox.list_inbox(o.db, o.volger)
    assert [i.notificatie.id for i in pagina.items] == [daar.id]
    assert pagina.ongelezen == 1 == inbox.unread_count(o.db, o.volger)
    with pytest.raises(NotFound) as absent:
        inbox.get_item(o.db, o.volger, hier.id)
    with pytest.raises(NotFound) as never:
        inbox.get_item(o.db, o.volger, 10**9)
    assert absent.value.message == never.value.message  # gone looks like never there
    with pytest.raises(NotFound):
        inbox.mark_read(o.db, o.volger, hier.id)
    # someone else's entry is absent too
    with pytest.raises(NotFound):
        inbox.get_item(o.db, o.world.medewerker, daar.id)


def test_following_what_one_cannot_see_looks_absent(opzet):
    o, w = opzet, opzet.world
    rol = zaken.add_betrokkene(
        o.db, w.medewerker, o.zaak,
        zaken.BetrokkeneGegevens(type="natuurlijk_persoon", bsn="111222333", geslachtsnaam="J"),
        rol="belanghebbende",
    )  # fmt: skip
    buiten = w.buitenstaander  # works only in the other department
    cases = [
        ("zaak", o.zaak.identificatie, "ZAAK-BESTAAT-NIET"),
        ("persoon", rol.betrokkene_id, 10**9),
        ("afdeling", w.afdeling.code, "GEEN-AFDELING"),
    ]
    for soort, ref, missing in cases:
        with pytest.raises(NotFound) as hidden:
            volgen.follow(o.db, buiten, soort, ref)
        with pytest.raises(NotFound) as absent:
            volgen.follow(o.db, buiten, soort, missing)
        assert hidden.value.message.replace(str(ref), "?") == absent.value.message.replace(
            str(missing), "?"
        ), soort
    assert volgen.list_follows(o.db, buiten) == []
    # a lezer with too low a clearance for this zaak cannot follow it either
    with pytest.raises(NotFound):
        volgen.follow(o.db, w.lezer, "zaak", o.zaak.identificatie)


def test_a_document_notification_names_a_zaak_the_follower_can_see(opzet):
    """A document in two zaken: its follower in the other department sees it through
    their zaak only, so the entry points there — not at the zaak it was first filed in."""
    o, w = opzet, opzet.world
    partner = o.user(afdeling=w.andere_afdeling)
    daar = o.zaak_in(w.andere_afdeling)
    document = o.file(w.medewerker, o.zaak)
    link_document(o.db, w.medewerker, document, daar)
    o.deliver()
    volgen.follow(o.db, partner, "zaak", daar.identificatie)
    pdf = corpus.normal_pdf(o.tmp_path / "v2.pdf", text="Tweede versie")
    file_new_version(
        o.db, w.medewerker, document, Upload(path=pdf, bestandsnaam=pdf.name),
        store=o.store, max_bytes=5 * 1024 * 1024,
    )  # fmt: skip
    o.deliver()
    [n] = o.inbox(partner)
    assert (n.soort, n.document_id, n.zaak_id) == (
        soorten.DOCUMENT_NIEUWE_VERSIE,
        document.id,
        daar.id,
    )
    [item] = inbox.list_inbox(o.db, partner).items
    assert item.zaak.id == daar.id and item.doel == ("document", document.identificatie)
