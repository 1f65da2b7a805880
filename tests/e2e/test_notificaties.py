"""Issue 7 in a real browser: a medewerker follows a zaak with the button, a colleague files
a document into it through the web form, the notify worker delivers, and the follower sees
the unread count and the inbox entry, which leads to the document and is then read.

The worker runs here, as one round of ``archive.notificaties.worker.run_once`` against the
live server's database (the e2e server starts no notify worker): delivery happens exactly
when the test says, and the browser only waits for what the page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from archive.config import Settings
from archive.db import make_engine, make_session_factory, transaction
from archive.models import Document, Notificatie
from archive.notificaties import worker
from tests import corpus, factories
from tests.e2e.conftest import axe_violations, login, logout

pytestmark = pytest.mark.e2e

COLLEGA = "e2e.collega"


@dataclass
class Opzet:
    zaak: str
    settings: Settings


@pytest.fixture
def opzet(live_server, isolated_database) -> Opzet:
    """A colleague in the medewerker's department and a zaak the colleague registered
    (so the medewerker does not follow it yet); its creation is delivered already."""
    from zaaktypen import services as catalogus

    engine = make_engine(isolated_database)
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        afdeling = catalogus.get_afdeling(s, live_server.afdeling_id)
        zaaktype = catalogus.get_zaaktype(s, live_server.zaaktype_id)
        collega = factories.make_user(s, username=COLLEGA, roles=("medewerker",))
        factories.make_member(s, afdeling, collega)
        zaak = factories.make_zaak(
            s, collega, zaaktype=zaaktype, afdeling=afdeling, omschrijving="Melding overlast"
        )
        identificatie = zaak.identificatie
    settings = Settings(
        data_dir=live_server.data_dir,
        database_url=isolated_database,
        secret_key="e2e-secret-key",
        max_upload_mb=5,
    )
    worker.run_once(factory, settings)
    engine.dispose()
    return Opzet(identificatie, settings)


def _deliver(settings: Settings) -> None:
    """One round of the notify worker on the live server's database."""
    engine = make_engine(settings.database_url)
    try:
        counts = worker.run_once(make_session_factory(engine), settings)
    finally:
        engine.dispose()
    assert counts["gebeurtenissen"] >= 1, counts


def _document_of(settings: Settings, zaak: str) -> str:
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            from archive.models import Zaak, ZaakDocument

            return s.scalar(
                select(Document.identificatie)
                .join(ZaakDocument, ZaakDocument.document_id == Document.id)
                .join(Zaak, Zaak.id == ZaakDocument.zaak_id)
                .where(Zaak.identificatie == zaak)
            )
    finally:
        engine.dispose()


def _unread(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            return len(list(s.scalars(select(Notificatie).where(Notificatie.gelezen_op.is_(None)))))
    finally:
        engine.dispose()


def test_follow_then_a_colleague_files_then_the_inbox(
    live_server, opzet, page, axe_source, tmp_path
):
    from playwright.sync_api import expect

    url = live_server.url
    zaak_url = f"{url}/zaken/{opzet.zaak}"
    violations: list[str] = []

    # A follows the zaak with the button on the zaak page.
    login(page, url, live_server.username)
    page.goto(zaak_url)
    expect(page.locator("#ongelezen-teller")).to_have_count(0)
    page.get_by_role("button", name="Volgen (deze zaak)").click()
    expect(page).to_have_url(zaak_url)
    expect(page.get_by_text("U volgt deze zaak.")).to_be_visible()
    expect(page.get_by_role("button", name="Niet meer volgen (deze zaak)")).to_be_visible()
    violations += axe_violations(page, axe_source)
    logout(page)

    # B files a document into it through the web form.
    login(page, url, COLLEGA)
    page.goto(zaak_url)
    page.get_by_role("link", name="Documenten toevoegen").first.click()
    rij = page.get_by_role("group", name="Bestand 1")
    pdf = corpus.normal_pdf(tmp_path / "rapportage.pdf", text="Rapportage wijkagent")
    rij.get_by_label("Bestand", exact=True).set_input_files(str(pdf))
    rij.get_by_label("Titel").fill("Rapportage wijkagent")
    rij.get_by_label("Documenttype").select_option(str(live_server.iot_id))
    page.get_by_role("button", name="Documenten toevoegen").click()
    expect(page.get_by_role("link", name="Rapportage wijkagent", exact=True)).to_be_visible()
    expect(page.locator("#ongelezen-teller")).to_have_count(0)  # not told of one's own
    logout(page)

    # The notify worker delivers.
    _deliver(opzet.settings)
    document = _document_of(opzet.settings, opzet.zaak)
    assert document and _unread(opzet.settings) == 1

    # A sees the badge and the entry; opening it leads to the document and reads it.
    login(page, url, live_server.username)
    teller = page.locator("#ongelezen-teller")
    expect(teller).to_have_text("1")
    expect(
        page.get_by_role("link", name=re.compile(r"Inbox\s+1\s+ongelezen notificatie"))
    ).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Inbox")).click()
    expect(page).to_have_url(f"{url}/inbox")
    zin = f"Nieuw document {document} in zaak {opzet.zaak}"
    entry = page.get_by_role("link", name=zin, exact=True)
    expect(entry).to_be_visible()
    expect(page.get_by_text("Ongelezen", exact=True)).to_be_visible()
    violations += axe_violations(page, axe_source)
    entry.click()
    expect(page).to_have_url(f"{url}/documenten/{document}")
    expect(page.get_by_role("heading", name=re.compile("Rapportage wijkagent"))).to_be_visible()
    expect(teller).to_have_count(0)
    assert _unread(opzet.settings) == 0

    # The inbox shows it read; the preferences page lists the follow.
    page.goto(f"{url}/inbox")
    expect(page.get_by_text("U hebt 0 ongelezen notificaties.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Markeer als ongelezen"))).to_be_visible()
    page.get_by_role("link", name="Voorkeuren", exact=True).click()
    expect(page).to_have_url(f"{url}/voorkeuren/notificaties")
    expect(page.get_by_role("link", name=opzet.zaak, exact=True)).to_be_visible()
    violations += axe_violations(page, axe_source)

    # A form shown with its errors is accessible too.
    page.get_by_label("Uur van het dagelijkse overzicht").fill("30")
    page.get_by_role("button", name="Voorkeuren opslaan").click()
    expect(page.get_by_text("Kies een heel uur van 0 tot en met 23.").first).to_be_visible()
    violations += axe_violations(page, axe_source)
    assert violations == []
