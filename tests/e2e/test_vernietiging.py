"""A destruction list in a real browser, from the selection to the verklaring: the archivist
drafts it, the department's regie excludes a zaak with a reason, the archivist takes it off
and resubmits, the regie agrees, a second archivist approves and executes (bedenktijd 0
here), and the verklaring downloads as a PDF that opens."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pikepdf
import pytest
from sqlalchemy import select

from archive.blobstore import BlobStore
from archive.db import make_engine, make_session_factory, transaction
from archive.models import Zaak
from retention import vernietiging
from tests import vernietiging_helpers as h
from tests.e2e.conftest import _axe_source, archive_world, axe_violations, login, logout

pytestmark = pytest.mark.e2e


@pytest.fixture
def opzet(live_server, isolated_database, tmp_path, monkeypatch):
    monkeypatch.setenv(vernietiging.BEDENKTIJD_ENV, "0")
    engine = make_engine(isolated_database)
    with transaction(make_session_factory(engine)) as s:
        world = archive_world(s, live_server)
        afdeling = world.afdeling
        c = h.cast(s, world)
        c.tweede.username, c.beoordelaar.username = "e2e.tweede", "e2e.regie"
        zaaktype = h.make_zaaktype(s, world)
        archief = h.build(
            s, world, zaaktype, BlobStore(live_server.data_dir / "blobs"), tmp_path, n=2,
            commit=False,
        )  # fmt: skip
        due = [z.identificatie for z in archief.due]
        code = afdeling.code
    yield SimpleNamespace(due=due, afdeling=code, engine=engine)
    engine.dispose()


def test_a_destruction_list_from_creation_to_verklaring(live_server, opzet, page):
    from playwright.sync_api import expect

    url = live_server.url
    axe = _axe_source()  # None when axe-core is not vendored: the check is skipped
    violations: list[str] = []

    def check_accessibility() -> None:
        if axe is not None:
            violations.extend(axe_violations(page, axe))

    # 1. The archivist drafts a list from a selection.
    login(page, url, "e2e.archivaris")
    page.get_by_role("link", name="Vernietiging").click()
    page.get_by_role("link", name="Nieuwe vernietigingslijst").click()
    page.get_by_label("Afdeling").select_option(opzet.afdeling)
    page.get_by_role("button", name="Toon de selectie").click()
    expect(page.get_by_role("heading", name="2 zaken in deze selectie")).to_be_visible()
    check_accessibility()
    page.get_by_label("Naam van de lijst").fill("Vernietiging e2e")
    page.get_by_label("Beoordelaars").fill("e2e.regie")
    page.get_by_role("button", name="Lijst opstellen").click()
    expect(page.locator("#lijst-status")).to_have_text(re.compile("Nieuw"))
    lijst_url = page.url
    page.get_by_role("button", name="Indienen bij de beoordelaars").click()
    expect(page.locator("#lijst-status")).to_have_text(re.compile("Ter beoordeling"))
    logout(page)

    # 2. The regie excludes the first zaak, with a reason.
    login(page, url, "e2e.regie")
    page.goto(lijst_url)
    first, second = opzet.due
    page.get_by_label(f"Uitsluiten: {first}").check()
    page.get_by_label(f"Reden bij {first}").fill("Er loopt nog een bezwaar")
    check_accessibility()
    page.get_by_role("button", name="Beoordeling versturen").click()
    expect(page.locator("#lijst-status")).to_have_text(re.compile("Wijzigingen gevraagd"))
    logout(page)

    # 3. The archivist takes it off the list and resubmits.
    login(page, url, "e2e.archivaris")
    page.goto(lijst_url)
    expect(page.get_by_text("Er loopt nog een bezwaar").first).to_be_visible()
    page.get_by_label(f"Uw besluit bij {first}").select_option("verwijderen")
    page.get_by_role("button", name="Antwoord vastleggen").click()
    page.get_by_role("button", name="Indienen bij de beoordelaars").click()
    expect(page.locator("#lijst-status")).to_have_text(re.compile("ronde 2"))
    # the author cannot give the final approval (four eyes): no button is offered
    expect(page.get_by_role("button", name="Definitief goedkeuren")).to_have_count(0)
    logout(page)

    # 4. The regie agrees with what is left.
    login(page, url, "e2e.regie")
    page.goto(lijst_url)
    page.get_by_role("button", name="Beoordeling versturen").click()
    expect(page.locator("#lijst-status")).to_have_text(re.compile("Goedgekeurd"))
    logout(page)

    # 5. A second archivist approves and, the bedenktijd over, executes.
    login(page, url, "e2e.tweede")
    page.goto(lijst_url)
    page.get_by_role("button", name="Definitief goedkeuren").click()
    expect(page.locator("#lijst-status")).to_have_text(re.compile("Bedenktijd"))
    page.get_by_role("button", name="Vernietiging uitvoeren").click()
    expect(page.locator("#lijst-status")).to_have_text(re.compile("Vernietigd"))
    expect(page.get_by_text("1 van 1 zaken verwerkt")).to_be_visible()
    check_accessibility()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de verklaring (PDF)").click()
    data = download_info.value.path().read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 1
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de verklaring (CSV)").click()
    table = download_info.value.path().read_text(encoding="utf-8")
    assert second in table and first not in table

    with transaction(make_session_factory(opzet.engine)) as s:
        left = set(s.scalars(select(Zaak.identificatie).where(Zaak.identificatie.in_(opzet.due))))
    assert left == {first}
    assert violations == []
