"""The notification pages (issue 7): the unread badge on every page, the inbox with its
sentences, links and buttons, follow buttons on zaak, person and department pages, the
preferences page, the department's network signal and the webhook administration.

Events are delivered by the real fan-out (``bezorging.fan_out``) in the test's session;
the pages are driven through the Flask test client, as a browser without JavaScript would.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from archive import zaken as zaken_service
from archive.audit import AuditEvent
from archive.models import (
    Notificatie,
    NotificatieVoorkeur,
    Vernietigingslijst,
    VernietigingslijstBeoordelaar,
    Volging,
    Webhook,
    WebhookAflevering,
)
from archive.notificaties import bezorging, inbox, soorten, volgen, webhooks, worker
from archive.notificaties.gebeurtenissen import emit
from tests import corpus, factories
from tests.fixtures_archivering import login
from zaaktypen import afdelingen as afdeling_service

BSN = "111222333"  # passes the elfproef


# --- helpers ------------------------------------------------------------------------------


def deliver(db, settings) -> None:
    """The notify worker's fan-out, in the test's session (committed: a SAVEPOINT)."""
    while bezorging.fan_out(db, settings, batch=500):
        pass
    db.commit()


def make_zaak(db, world, actor=None, afdeling=None, **kwargs):
    return factories.make_zaak(
        db,
        actor or world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=afdeling or world.afdeling,
        **kwargs,
    )


def file_pdf(db, actor, zaak, world, store, tmp_path, name="brief.pdf"):
    pdf = corpus.normal_pdf(tmp_path / name, text="Brief")
    return factories.file(db, actor, zaak, pdf, world.iot, store, titel="Brief").document


def collega(db, world, **kwargs):
    """Another member of world.afdeling who may change its zaken."""
    user = factories.make_user(db)
    factories.make_member(db, world.afdeling, user, **kwargs)
    return user


def html(response) -> str:
    return response.get_data(as_text=True)


def teller(page: str) -> str | None:
    found = re.search(r'id="ongelezen-teller">([^<]+)<', page)
    return found.group(1) if found else None


def entry_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/inbox/(\d+)"', page)]


def checked(page: str, name: str) -> list[str]:
    """The values of the checked radio buttons or checkboxes called ``name``."""
    return re.findall(rf'<input checked id="{name}-\d+" name="{name}" [^>]*value="([^"]+)"', page)


def csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def gevolgd(db, world, store, tmp_path, settings):
    """A follower (collega) of a zaak of the medewerker, and a document the medewerker
    then filed into it: one notification for the follower."""
    follower = collega(db, world)
    zaak = make_zaak(db, world, omschrijving="Gevolgde zaak")
    db.commit()
    deliver(db, settings)  # the zaak's creation: before anyone else follows it
    volgen.follow(db, follower, "zaak", zaak.identificatie)
    document = file_pdf(db, world.medewerker, zaak, world, store, tmp_path)
    db.commit()
    deliver(db, settings)
    return follower, zaak, document


# --- the badge ----------------------------------------------------------------------------


def test_badge_counts_unread_on_every_page_and_links_to_the_inbox(client, db, world, gevolgd):
    follower, zaak, _document = gevolgd
    login(client, follower)
    for url in ("/zaken", f"/zaken/{zaak.identificatie}", "/zoeken", "/tokens", "/inbox"):
        page = html(client.get(url))
        assert teller(page) == "1", url
        assert '<a class="navigatie__inbox" href="/inbox"' in page
        assert '1</span><span class="visually-hidden"> ongelezen notificatie</span>' in page
    login(client, world.medewerker)  # the actor is not told of their own document
    assert teller(html(client.get("/zaken"))) is None


def test_badge_shows_99_plus(client, db, world, settings):
    follower = collega(db, world)
    zaak = make_zaak(db, world)
    db.commit()
    deliver(db, settings)
    volgen.follow(db, follower, "zaak", zaak.identificatie)
    for _ in range(inbox.MAX_TELLING + 2):
        emit(db, soorten.ZAAK_STATUS_GEWIJZIGD, world.medewerker, zaak=zaak)
    db.flush()
    deliver(db, settings)
    login(client, follower)
    page = html(client.get("/zaken"))
    assert teller(page) == "99+"
    assert "ongelezen notificaties" in page
    assert "U hebt meer dan 99 ongelezen notificaties." in html(client.get("/inbox"))


def test_badge_adds_a_constant_number_of_queries(client, db, world, store, tmp_path, settings):
    """N+1 guard: the badge (and the inbox) cost as many queries with 1 unread entry as
    with 30."""
    follower = collega(db, world)
    zaken = [make_zaak(db, world, omschrijving=f"Zaak {i}") for i in range(6)]
    db.commit()
    deliver(db, settings)
    for zaak in zaken:
        volgen.follow(db, follower, "zaak", zaak.identificatie)
    deliver(db, settings)
    file_pdf(db, world.medewerker, zaken[0], world, store, tmp_path)
    db.commit()
    deliver(db, settings)
    login(client, follower)

    def queries(url: str = "/zaken") -> int:
        db.expire_all()
        statements: list[str] = []

        def count_statement(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        bind = db.get_bind()
        event.listen(bind, "before_cursor_execute", count_statement)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(bind, "before_cursor_execute", count_statement)
        return len(statements)

    queries()  # warm up
    one, inbox_one = queries(), queries("/inbox")
    assert teller(html(client.get("/zaken"))) == "1"
    for i in range(29):
        zaak = zaken[i % len(zaken)]
        if i % 3:
            file_pdf(db, world.medewerker, zaak, world, store, tmp_path, name=f"b{i}.pdf")
        else:
            zaken_service.set_status(
                db, world.medewerker, zaak, statustype_id=world.zaaktype.statustypen[1].id
            )
    db.commit()
    deliver(db, settings)
    assert teller(html(client.get("/zaken"))) == "30"
    many, inbox_many = queries(), queries("/inbox")
    assert many == one, (one, many)
    assert inbox_many == inbox_one, (inbox_one, inbox_many)  # the inbox itself: no N+1


# --- the inbox ----------------------------------------------------------------------------


def test_inbox_lists_sentences_newest_first_and_marks_unread(client, db, world, gevolgd):
    follower, zaak, document = gevolgd
    zaken_service.set_status(
        db, world.medewerker, zaak, statustype_id=world.zaaktype.statustypen[1].id
    )
    db.commit()
    deliver(db, client.application.extensions["dossierhuis.settings"])
    login(client, follower)
    page = html(client.get("/inbox"))
    status_zin = f"Status van zaak {zaak.identificatie} gewijzigd"
    document_zin = f"Nieuw document {document.identificatie} in zaak {zaak.identificatie}"
    assert status_zin in page and document_zin in page
    assert page.index(status_zin) < page.index(document_zin)  # newest first
    assert page.count(">Ongelezen</span>") == 2  # not by colour alone
    assert "U hebt 2 ongelezen notificaties." in page
    assert "U volgt deze zaak." in page  # why it is here
    ids = entry_ids(page)
    assert ids == sorted(ids, reverse=True) and len(ids) == 2


def test_opening_an_entry_marks_it_read_and_leads_to_its_object(client, db, world, gevolgd):
    follower, zaak, document = gevolgd
    login(client, follower)
    (entry,) = entry_ids(html(client.get("/inbox")))
    response = client.get(f"/inbox/{entry}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/documenten/{document.identificatie}"
    assert db.get(Notificatie, entry).gelezen_op is not None
    page = html(client.get("/inbox"))
    assert teller(page) is None and "U hebt 0 ongelezen notificaties." in page
    assert ">Ongelezen</span>" not in page
    assert "Markeer als ongelezen" in page


def test_mark_read_unread_and_all_read(client, db, world, gevolgd, settings):
    follower, zaak, _document = gevolgd
    zaken_service.set_status(
        db, world.medewerker, zaak, statustype_id=world.zaaktype.statustypen[1].id
    )
    db.commit()
    deliver(db, settings)
    login(client, follower)
    newest, oldest = entry_ids(html(client.get("/inbox")))
    response = client.post(f"/inbox/{oldest}/gelezen", data={"volgende": "/inbox?ongelezen=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/inbox?ongelezen=1"
    page = html(client.get("/inbox?ongelezen=1"))
    assert entry_ids(page) == [newest]  # the filter: only unread
    assert 'name="ongelezen" value="1" checked' in page
    assert client.post(f"/inbox/{oldest}/ongelezen").status_code == 302
    assert db.get(Notificatie, oldest).gelezen_op is None
    assert teller(html(client.get("/zaken"))) == "2"
    # an outside target for "volgende" is not followed
    response = client.post("/inbox/alles-gelezen", data={"volgende": "https://elders.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert teller(html(client.get("/zaken"))) is None
    assert "Geen ongelezen notificaties." in html(client.get("/inbox?ongelezen=1"))


def test_inbox_pages(client, db, world, settings):
    follower = collega(db, world)
    zaak = make_zaak(db, world)
    db.commit()
    deliver(db, settings)
    volgen.follow(db, follower, "zaak", zaak.identificatie)
    for _ in range(inbox.PER_PAGINA + 5):
        emit(db, soorten.ZAAK_STATUS_GEWIJZIGD, world.medewerker, zaak=zaak)
    db.flush()
    deliver(db, settings)
    login(client, follower)
    first = html(client.get("/inbox"))
    assert len(entry_ids(first)) == inbox.PER_PAGINA
    assert 'href="/inbox?pagina=2" rel="next"' in first
    second = html(client.get("/inbox?pagina=2"))
    assert len(entry_ids(second)) == 5
    assert 'href="/inbox" rel="prev"' in second
    assert set(entry_ids(first)).isdisjoint(entry_ids(second))
    assert min(entry_ids(first)) > max(entry_ids(second))
    assert client.get("/inbox?pagina=x").status_code == 200  # junk: the first page


def test_entry_of_someone_else_or_out_of_sight_is_absent(client, db, world, gevolgd):
    follower, zaak, _document = gevolgd
    login(client, follower)
    (entry,) = entry_ids(html(client.get("/inbox")))
    login(client, world.lezer)
    for response in (
        client.get(f"/inbox/{entry}"),
        client.post(f"/inbox/{entry}/gelezen"),
        client.post(f"/inbox/{entry}/ongelezen"),
        client.get("/inbox/999999"),
    ):
        assert response.status_code == 404
    assert db.get(Notificatie, entry).gelezen_op is None
    # the follower loses access to the department: the entry is gone from everything
    afdeling_service.remove_member(db, None, world.afdeling, follower)
    db.commit()
    login(client, follower)
    assert client.get(f"/inbox/{entry}").status_code == 404
    page = html(client.get("/inbox"))
    assert entry_ids(page) == [] and teller(page) is None


def test_sentences_and_targets_of_the_other_kinds(client, db, world, settings):
    """A destruction list to review, a department's end, a new zaak about a followed
    person: each its sentence and its target (a department: the beheer page for DIV,
    the preferences page for a member)."""
    regie = collega(db, world, rol="regie")
    lijst = Vernietigingslijst(naam="Lijst 2024", auteur=world.archivaris, status="ter_beoordeling")
    db.add(lijst)
    db.flush()
    db.add(VernietigingslijstBeoordelaar(lijst_id=lijst.id, user_id=regie.id))
    emit(
        db,
        soorten.VERNIETIGINGSLIJST_TER_BEOORDELING,
        world.archivaris,
        vernietigingslijst_id=lijst.id,
    )
    world.afdeling.geplande_einddatum = date.today() + timedelta(days=5)
    db.flush()
    worker.warn_department_ends(db, settings)
    db.commit()
    deliver(db, settings)

    login(client, regie)
    page = html(client.get("/inbox"))
    assert "Vernietigingslijst Lijst 2024 wacht op uw beoordeling" in page
    assert f"De geplande einddatum van afdeling {world.afdeling.naam}" in page
    targets = {client.get(f"/inbox/{i}").headers["Location"] for i in entry_ids(page)}
    assert targets == {
        f"/archivering/vernietigingslijsten/{lijst.id}",
        "/voorkeuren/notificaties#afdelingen",
    }
    login(client, world.beheerder)
    page = html(client.get("/inbox"))
    (entry,) = entry_ids(page)
    location = client.get(f"/inbox/{entry}").headers["Location"]
    assert location == f"/beheer/afdelingen/{world.afdeling.code}"


def test_new_zaak_about_a_followed_person(client, db, world, settings):
    follower = collega(db, world)
    eerste = make_zaak(db, world)
    rol = zaken_service.add_betrokkene(
        db,
        world.medewerker,
        eerste,
        zaken_service.BetrokkeneGegevens(
            type="natuurlijk_persoon", bsn=BSN, geslachtsnaam="Jansen"
        ),
        rol="belanghebbende",
    )
    db.commit()
    deliver(db, settings)
    login(client, follower)
    url = f"/personen/{rol.betrokkene_id}"
    assert "Volg deze persoon" in html(client.get(url))
    response = client.post(f"{url}/volgen", data={"volgende": url})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "U volgt deze persoon." in html(client.get(url))
    tweede = make_zaak(db, world, omschrijving="Tweede melding")
    zaken_service.add_betrokkene(
        db,
        world.medewerker,
        tweede,
        zaken_service.BetrokkeneGegevens(
            type="natuurlijk_persoon", bsn=BSN, geslachtsnaam="Jansen"
        ),
        rol="belanghebbende",
    )
    db.commit()
    deliver(db, settings)
    page = html(client.get("/inbox"))
    assert f"Nieuwe zaak {tweede.identificatie} over een persoon die u volgt" in page
    assert "Jansen" not in page and BSN not in page
    response = client.post(f"{url}/niet-meer-volgen")
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "Volg deze persoon" in html(client.get(url))


def test_network_signal_names_the_own_zaak_and_the_department_only(client, db, world, settings):
    """A new registration about a person in department A reaches the regie of that
    person's zaak in department B: A's name and contact, B's own zaak; nothing of A's zaak."""
    bron = factories.make_afdeling(db, naam="Veiligheidshuis Twente")
    elders = factories.make_afdeling(db, naam="Wijkteam Oost")
    melder = factories.make_user(db)
    factories.make_member(db, bron, melder)
    regisseur = factories.make_user(db)
    factories.make_member(db, elders, regisseur, rol="regie")
    behandelaar = factories.make_user(db)
    factories.make_member(db, elders, behandelaar)
    afdeling_service.set_signalering(
        db, None, bron, actief=True, contact="Regie Veiligheidshuis, 053 123 45 67"
    )
    persoon = zaken_service.BetrokkeneGegevens(
        type="natuurlijk_persoon", bsn=BSN, voornamen="Piet", geslachtsnaam="Jansen"
    )
    eigen = make_zaak(db, world, actor=behandelaar, afdeling=elders, omschrijving="Hulp thuis")
    zaken_service.add_betrokkene(db, behandelaar, eigen, persoon, rol="belanghebbende")
    db.commit()
    deliver(db, settings)
    nieuw = make_zaak(db, world, actor=melder, afdeling=bron, omschrijving="Zorgmelding overlast")
    zaken_service.add_betrokkene(db, melder, nieuw, persoon, rol="belanghebbende")
    db.commit()
    deliver(db, settings)

    login(client, regisseur)
    page = html(client.get("/inbox"))
    assert teller(page) == "1"
    assert (
        "Er is een nieuwe registratie over een persoon met wie u werkt in afdeling "
        "Veiligheidshuis Twente; neem contact op met Regie Veiligheidshuis, 053 123 45 67."
    ) in page
    assert f"uw zaak {eigen.identificatie}" in page
    for secret in (nieuw.identificatie, "Zorgmelding", "Jansen", "Piet", BSN):
        assert secret not in page, secret
    (entry,) = entry_ids(page)
    assert client.get(f"/inbox/{entry}").headers["Location"] == f"/zaken/{eigen.identificatie}"


# --- following ----------------------------------------------------------------------------


def test_zaak_page_shows_the_role_follow_and_toggles(client, db, world):
    zaak = make_zaak(db, world)
    db.commit()
    url = f"/zaken/{zaak.identificatie}"
    login(client, world.medewerker)
    assert "U volgt deze zaak (automatisch als melder)." in html(client.get(url))
    response = client.post(f"{url}/niet-meer-volgen", data={"volgende": url})
    assert response.status_code == 302 and response.headers["Location"] == url
    page = html(client.get(response.headers["Location"]))
    assert "U volgt zaak" in page and "niet meer" in page  # the flash message
    assert "Volg deze zaak" in page
    row = db.scalar(select(Volging).where(Volging.soort == "zaak", Volging.object_id == zaak.id))
    assert row.actief is False and row.reden == "melder"
    assert client.post(f"{url}/volgen", data={"volgende": url}).status_code == 302
    page = html(client.get(url))
    assert "U volgt deze zaak." in page and "automatisch" not in page
    assert f'action="{url}/niet-meer-volgen"' in page


def test_follow_buttons_answer_404_for_invisible_or_unknown(client, db, world):
    zaak = make_zaak(db, world, vertrouwelijkheidaanduiding="vertrouwelijk")
    rol = zaken_service.add_betrokkene(
        db,
        world.medewerker,
        zaak,
        zaken_service.BetrokkeneGegevens(
            type="natuurlijk_persoon", bsn=BSN, geslachtsnaam="Jansen"
        ),
        rol="belanghebbende",
    )
    db.commit()
    before = count(db, Volging)
    for user in (world.buitenstaander, world.lezer):  # other department; clearance too low
        login(client, user)
        for url in (
            f"/zaken/{zaak.identificatie}/volgen",
            f"/zaken/{zaak.identificatie}/niet-meer-volgen",
            f"/personen/{rol.betrokkene_id}/volgen",
            "/zaken/ZAAK-0000-9999999999/volgen",
            "/personen/999999/volgen",
            "/afdelingen/BESTAAT-NIET/volgen",
        ):
            assert client.post(url).status_code == 404, (user.username, url)
    login(client, world.buitenstaander)
    assert client.post(f"/afdelingen/{world.afdeling.code}/volgen").status_code == 404
    assert count(db, Volging) == before


def test_members_follow_their_departments_on_the_preferences_page(client, db, world):
    login(client, world.medewerker)
    page = html(client.get("/voorkeuren/notificaties"))
    section = page[page.index('id="afdelingen"') :]
    assert world.afdeling.naam in section and world.andere_afdeling.naam in section
    assert "u volgt deze afdeling niet" in section
    response = client.post(
        f"/afdelingen/{world.afdeling.code}/volgen",
        data={"volgende": "/voorkeuren/notificaties#afdelingen"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/voorkeuren/notificaties#afdelingen"
    page = html(client.get("/voorkeuren/notificaties"))
    assert "u volgt deze afdeling</" not in page  # text then a button
    assert f'action="/afdelingen/{world.afdeling.code}/niet-meer-volgen"' in page
    gevolgd = page[page.index('id="gevolgd"') : page.index('id="afdelingen"')]
    assert world.afdeling.naam in gevolgd
    assert client.post(f"/afdelingen/{world.afdeling.code}/niet-meer-volgen").status_code == 302
    assert f'action="/afdelingen/{world.afdeling.code}/volgen"' in html(
        client.get("/voorkeuren/notificaties")
    )


def test_beheerder_follows_a_department_on_its_beheer_page(client, db, world):
    url = f"/beheer/afdelingen/{world.afdeling.code}"
    login(client, world.beheerder)
    assert "Volg deze afdeling" in html(client.get(url))
    response = client.post(f"/afdelingen/{world.afdeling.code}/volgen", data={"volgende": url})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "U volgt deze afdeling." in html(client.get(url))
    login(client, world.medewerker)
    assert client.get(url).status_code == 403


# --- preferences --------------------------------------------------------------------------


def test_preferences_page_saves_and_shows_field_errors(client, db, world):
    login(client, world.medewerker)
    page = html(client.get("/voorkeuren/notificaties"))
    assert checked(page, "email") == ["dagelijks"] and 'value="7"' in page  # the defaults
    assert "Er is geen mailserver ingesteld" in page
    assert "Bij uw account staat geen e-mailadres" in page
    bad = client.post("/voorkeuren/notificaties", data={"email": "direct", "digest_uur": "25"})
    assert bad.status_code == 422
    body = html(bad)
    assert 'id="digest_uur-fout"' in body and "Kies een heel uur van 0 tot en met 23." in body
    assert 'href="#digest_uur"' in body  # the error summary links to the field
    assert "<title>Fout:" in body
    bad = client.post("/voorkeuren/notificaties", data={"email": "soms", "digest_uur": "8"})
    assert bad.status_code == 422 and 'id="email-fout"' in html(bad)
    assert db.get(NotificatieVoorkeur, world.medewerker.id) is None  # nothing kept
    good = client.post("/voorkeuren/notificaties", data={"email": "direct", "digest_uur": "18"})
    assert good.status_code == 302
    voorkeur = db.get(NotificatieVoorkeur, world.medewerker.id)
    assert (voorkeur.email, voorkeur.digest_uur) == ("direct", 18)
    page = html(client.get("/voorkeuren/notificaties"))
    assert checked(page, "email") == ["direct"] and 'value="18"' in page
    assert "zijn opgeslagen" in page


def test_preferences_notes_go_when_smtp_and_address_are_there(app, client, db, world, settings):
    app.extensions["dossierhuis.settings"] = replace(settings, smtp_host="127.0.0.1")
    world.medewerker.email = "medewerker@gemeente.example"
    db.commit()
    login(client, world.medewerker)
    page = html(client.get("/voorkeuren/notificaties"))
    assert "Er is geen mailserver ingesteld" not in page
    assert "Bij uw account staat geen e-mailadres" not in page


def test_preferences_list_follows_with_unfollow_buttons(client, db, world):
    zaak = make_zaak(db, world)
    db.commit()
    login(client, world.medewerker)
    page = html(client.get("/voorkeuren/notificaties"))
    gevolgd = page[page.index('id="gevolgd"') : page.index('id="afdelingen"')]
    assert f'href="/zaken/{zaak.identificatie}"' in gevolgd
    assert "automatisch als melder" in gevolgd
    row = db.scalar(select(Volging).where(Volging.soort == "zaak", Volging.object_id == zaak.id))
    login(client, world.lezer)  # someone else's follow: absent
    assert client.post(f"/voorkeuren/notificaties/volgen/{row.id}/stoppen").status_code == 404
    login(client, world.medewerker)
    response = client.post(f"/voorkeuren/notificaties/volgen/{row.id}/stoppen")
    assert response.status_code == 302
    db.refresh(row)
    assert row.actief is False
    page = html(client.get("/voorkeuren/notificaties"))
    assert "U volgt nog niets." in page


# --- the department's network signal ------------------------------------------------------


def test_signal_configuration_on_the_beheer_department_page(client, db, world):
    url = f"/beheer/afdelingen/{world.afdeling.code}"
    login(client, world.beheerder)
    page = html(client.get(url))
    assert "Netwerksignaal" in page and "geen namen, BSN" in page
    refused = client.post(f"{url}/signalering", data={"actief": "y", "contact": ""})
    assert refused.status_code == 422
    body = html(refused)
    assert 'id="contact-fout"' in body and "Noem wie de andere afdelingen" in body
    db.refresh(world.afdeling)
    assert world.afdeling.signalering_actief is False
    saved = client.post(
        f"{url}/signalering", data={"actief": "y", "contact": "Regie, 053 123 45 67"}
    )
    assert saved.status_code == 302 and saved.headers["Location"] == f"{url}#signalering"
    db.refresh(world.afdeling)
    assert world.afdeling.signalering_actief is True
    assert world.afdeling.signaal_contact == "Regie, 053 123 45 67"
    assert count(db, AuditEvent, AuditEvent.actie == "afdeling.signalering_gewijzigd") == 1
    page = html(client.get(url))
    assert "staat aan" in page and "Regie, 053 123 45 67" in page
    assert client.post(f"{url}/signalering", data={}).status_code == 302  # off again
    db.refresh(world.afdeling)
    assert world.afdeling.signalering_actief is False
    login(client, world.medewerker)
    assert (
        client.post(f"{url}/signalering", data={"actief": "y", "contact": "x"}).status_code == 403
    )


# --- webhooks -----------------------------------------------------------------------------


WEBHOOK_PAGES = [
    ("GET", "/beheer/webhooks"),
    ("GET", "/beheer/webhooks/nieuw"),
    ("POST", "/beheer/webhooks/nieuw"),
    ("GET", "/beheer/webhooks/{id}"),
    ("POST", "/beheer/webhooks/{id}"),
    ("POST", "/beheer/webhooks/{id}/geheim"),
    ("GET", "/beheer/webhooks/{id}/verwijderen"),
    ("POST", "/beheer/webhooks/{id}/verwijderen"),
    ("GET", "/beheer/webhooks/dode-afleveringen"),
    ("POST", "/beheer/webhooks/{id}/opnieuw"),
    ("POST", "/beheer/webhooks/dode-afleveringen/opnieuw"),
]


def make_hook(db, world, settings, naam="Zaaksysteem", **kwargs):
    hook, geheim = webhooks.create_webhook(
        db, world.beheerder, settings, naam=naam, url="http://127.0.0.1:9/hook", **kwargs
    )
    db.commit()
    return hook, geheim


def dead_letter(db, world, hook, zaak=None):
    zaak = zaak or make_zaak(db, world)
    db.flush()
    ev = emit(db, soorten.ZAAK_STATUS_GEWIJZIGD, world.medewerker, zaak=zaak)
    db.flush()
    row = WebhookAflevering(
        webhook_id=hook.id,
        gebeurtenis_id=ev.id,
        status="dood",
        pogingen=5,
        laatste_fout="HTTP 503",
        laatste_http_status=503,
    )
    db.add(row)
    db.commit()
    return row


def test_webhook_pages_are_for_administrators_only(client, db, world, settings):
    hook, _geheim = make_hook(db, world, settings)
    for user in (world.medewerker, world.archivaris, world.auditor):
        login(client, user)
        for method, path in WEBHOOK_PAGES:
            response = client.open(path.format(id=hook.id), method=method, data={})
            assert response.status_code == 403, (user.username, method, path)
    assert db.get(Webhook, hook.id) is not None
    client.post("/logout")
    assert client.get("/beheer/webhooks").headers["Location"].startswith("/login")
    login(client, world.beheerder)
    assert client.get("/beheer/webhooks/999999").status_code == 404
    assert client.get("/beheer/webhooks/dode-afleveringen?webhook=999999").status_code == 404
    assert "Webhooks" in html(client.get("/beheer"))  # in the beheer menu


def test_create_shows_the_secret_once(client, db, world, settings):
    login(client, world.beheerder)
    page = html(client.get("/beheer/webhooks/nieuw"))
    assert soorten.DOCUMENT_TOEGEVOEGD in page and world.afdeling.code in page
    refused = client.post(
        "/beheer/webhooks/nieuw", data={"naam": "", "url": "ftp://elders", "soort_lijst": ["x"]}
    )
    assert refused.status_code == 422
    body = html(refused)
    for field in ("naam", "url", "soort_lijst"):
        assert f'id="{field}-fout"' in body, field
    assert count(db, Webhook) == 0
    created = client.post(
        "/beheer/webhooks/nieuw",
        data={
            "naam": "Zaaksysteem",
            "url": "https://zaken.example/hook",
            "soort_lijst": [soorten.DOCUMENT_TOEGEVOEGD, soorten.ZAAK_AFGESLOTEN],
            "afdeling_codes": [world.afdeling.code],
        },
    )
    assert created.status_code == 200
    assert "no-store" in created.headers["Cache-Control"]
    body = html(created)
    geheim = re.search(r'<code class="geheim breek" id="geheim">([^<]+)</code>', body).group(1)
    assert "maar één keer getoond" in body
    hook = db.scalar(select(Webhook))
    assert webhooks.decrypt_secret(settings.secret_key, hook.geheim_versleuteld) == geheim
    assert hook.soorten == sorted([soorten.DOCUMENT_TOEGEVOEGD, soorten.ZAAK_AFGESLOTEN])
    assert hook.afdeling_ids == [world.afdeling.id]
    listing = html(client.get("/beheer/webhooks"))
    assert "Zaaksysteem" in listing and "https://zaken.example/hook" in listing
    assert world.afdeling.code in listing and "Document toegevoegd" in listing
    assert geheim not in listing and geheim not in html(client.get(f"/beheer/webhooks/{hook.id}"))


def test_edit_rotate_and_delete(client, db, world, settings):
    hook, geheim = make_hook(db, world, settings)
    login(client, world.beheerder)
    url = f"/beheer/webhooks/{hook.id}"
    page = html(client.get(url))
    assert 'value="Zaaksysteem"' in page and "Nieuw geheim maken" in page
    refused = client.post(url, data={"naam": "Zaaksysteem", "url": "https://u:p@x.example/"})
    assert refused.status_code == 422 and 'id="url-fout"' in html(refused)
    saved = client.post(
        url,
        data={
            "naam": "Archiefkoppeling",
            "url": "https://archief.example/in",
            "soort_lijst": [soorten.ZAAK_AFGESLOTEN],
            "afdeling_codes": [world.andere_afdeling.code],
        },
    )  # actief unticked
    assert saved.status_code == 302
    db.refresh(hook)
    assert (hook.naam, hook.url, hook.soorten, hook.afdeling_ids, hook.actief) == (
        "Archiefkoppeling",
        "https://archief.example/in",
        [soorten.ZAAK_AFGESLOTEN],
        [world.andere_afdeling.id],
        False,
    )
    page = html(client.get(url))
    assert checked(page, "soort_lijst") == [soorten.ZAAK_AFGESLOTEN]
    assert checked(page, "afdeling_codes") == [world.andere_afdeling.code]
    rotated = client.post(f"{url}/geheim")
    assert rotated.status_code == 200 and "no-store" in rotated.headers["Cache-Control"]
    nieuw = re.search(r'id="geheim">([^<]+)</code>', html(rotated)).group(1)
    db.refresh(hook)
    assert nieuw != geheim
    assert webhooks.decrypt_secret(settings.secret_key, hook.geheim_versleuteld) == nieuw
    confirm = html(client.get(f"{url}/verwijderen"))
    assert "Ja, webhook verwijderen" in confirm and "kan niet ongedaan" in confirm
    assert db.get(Webhook, hook.id) is not None  # asking changes nothing
    deleted = client.post(f"{url}/verwijderen")
    assert deleted.status_code == 302 and deleted.headers["Location"] == "/beheer/webhooks"
    db.expire_all()
    assert db.get(Webhook, hook.id) is None
    assert client.get(url).status_code == 404


def test_dead_letters_listed_and_replayed(client, db, world, settings):
    eerste, _ = make_hook(db, world, settings, naam="Eerste")
    tweede, _ = make_hook(db, world, settings, naam="Tweede")
    a = dead_letter(db, world, eerste)
    b = dead_letter(db, world, eerste)
    c = dead_letter(db, world, tweede)
    login(client, world.beheerder)
    listing = html(client.get("/beheer/webhooks"))
    assert f'href="/beheer/webhooks/dode-afleveringen?webhook={eerste.id}">2' in listing
    page = html(client.get("/beheer/webhooks/dode-afleveringen"))
    assert "3 dode afleveringen" in page and "HTTP 503" in page
    for row in (a, b, c):
        assert row.gebeurtenis.kenmerk in page
        assert f"/beheer/webhooks/afleveringen/{row.id}/opnieuw" in page
    filtered = html(client.get(f"/beheer/webhooks/dode-afleveringen?webhook={eerste.id}"))
    assert c.gebeurtenis.kenmerk not in filtered and "2 dode afleveringen" in filtered
    assert f"/beheer/webhooks/{eerste.id}/opnieuw" in filtered

    back = f"/beheer/webhooks/dode-afleveringen?webhook={eerste.id}"
    one = client.post(f"/beheer/webhooks/afleveringen/{a.id}/opnieuw", data={"volgende": back})
    assert one.status_code == 302 and one.headers["Location"] == back
    db.expire_all()
    assert (db.get(WebhookAflevering, a.id).status, db.get(WebhookAflevering, b.id).status) == (
        "wachtend",
        "dood",
    )
    assert db.get(WebhookAflevering, a.id).pogingen == 0
    assert client.post(f"/beheer/webhooks/afleveringen/{a.id}/opnieuw").status_code == 404
    assert client.post(f"/beheer/webhooks/{eerste.id}/opnieuw").status_code == 302
    db.expire_all()
    assert db.get(WebhookAflevering, b.id).status == "wachtend"
    assert db.get(WebhookAflevering, c.id).status == "dood"
    everything = client.post("/beheer/webhooks/dode-afleveringen/opnieuw")
    assert everything.status_code == 302
    assert "1 aflevering opnieuw aangeboden" in html(client.get(everything.headers["Location"]))
    db.expire_all()
    assert db.get(WebhookAflevering, c.id).status == "wachtend"
    assert "Geen dode afleveringen." in html(client.get("/beheer/webhooks/dode-afleveringen"))


# --- CSRF ---------------------------------------------------------------------------------


def test_buttons_need_the_csrf_token(app, client, db, world, gevolgd, settings):
    follower, zaak, _document = gevolgd
    hook, _ = make_hook(db, world, settings)
    login(client, follower)
    page = html(client.get("/inbox"))
    (entry,) = entry_ids(page)
    token = csrf_from(page)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in (
            f"/inbox/{entry}/gelezen",
            "/inbox/alles-gelezen",
            f"/zaken/{zaak.identificatie}/niet-meer-volgen",
            "/voorkeuren/notificaties",
        ):
            assert client.post(url, data={"email": "geen"}).status_code == 400, url
        assert db.get(Notificatie, entry).gelezen_op is None
        assert db.get(NotificatieVoorkeur, follower.id) is None
        response = client.post(f"/inbox/{entry}/gelezen", data={"csrf_token": token})
        assert response.status_code == 302
        assert db.get(Notificatie, entry).gelezen_op is not None
        app.config["WTF_CSRF_ENABLED"] = False
        login(client, world.beheerder)
        app.config["WTF_CSRF_ENABLED"] = True
        for url in (
            f"/beheer/webhooks/{hook.id}/verwijderen",
            f"/beheer/webhooks/{hook.id}/geheim",
        ):
            assert client.post(url).status_code == 400, url
        assert db.get(Webhook, hook.id) is not None
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
