"""The archivist's dashboard in a real browser: the archivist opens it from the navigation,
sees the counts, a due zaak and the chart of what becomes due per year, narrows it to one
department, and follows the shortcut to a new destruction list with that selection filled
in; axe-core finds no WCAG 2.1 AA violation on the dashboard."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from archive.blobstore import BlobStore
from archive.db import make_engine, make_session_factory, transaction
from tests import vernietiging_helpers as h
from tests.e2e.conftest import _axe_source, archive_world, axe_violations, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def opzet(live_server, isolated_database, tmp_path):
    engine = make_engine(isolated_database)
    with transaction(make_session_factory(engine)) as s:
        world = archive_world(s, live_server)
        afdeling = world.afdeling
        zaaktype = h.make_zaaktype(s, world)
        archief = h.build(
            s, world, zaaktype, BlobStore(live_server.data_dir / "blobs"), tmp_path, n=2,
            commit=False,
        )  # fmt: skip
        due = [z.identificatie for z in archief.due]
        code = afdeling.code
    engine.dispose()
    return SimpleNamespace(due=due, afdeling=code)


def test_the_dashboard_leads_to_a_destruction_list(live_server, opzet, page):
    from playwright.sync_api import expect

    axe = _axe_source()  # None when axe-core is not vendored: the check is skipped
    login(page, live_server.url, "e2e.archivaris")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Archief").click()
    expect(page).to_have_url(re.compile(r"/archivering$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("werkvoorraad")
    expect(page.locator("#aantal-vernietigen")).to_have_text("2")
    te_vernietigen = page.get_by_role("region", name=re.compile("^Te vernietigen"))
    expect(te_vernietigen.get_by_role("cell", name=opzet.due[0], exact=True)).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("Staafdiagram"))
    expect(chart).to_be_visible()
    page.get_by_text("Toon de cijfers als tabel").click()
    expect(page.locator("#per-jaar-tabel")).to_be_visible()
    if axe is not None:
        assert axe_violations(page, axe) == []

    # narrowed to the department, then the shortcut with that selection
    page.get_by_label("Afdeling").select_option(opzet.afdeling)
    page.get_by_role("button", name="Filteren").click()
    expect(page).to_have_url(re.compile(rf"afdeling={opzet.afdeling}"))
    expect(page.locator("#aantal-vernietigen")).to_have_text("2")
    page.get_by_role("button", name="Nieuwe vernietigingslijst van deze selectie").click()
    expect(page.get_by_role("heading", name="2 zaken in deze selectie")).to_be_visible()
    expect(page.get_by_label("Afdeling")).to_have_value(opzet.afdeling)
    page.get_by_label("Naam van de lijst").fill("Van het dashboard")
    page.get_by_role("button", name="Lijst opstellen").click()
    expect(page.locator("#lijst-status")).to_have_text(re.compile("Nieuw"))
    for identificatie in opzet.due:
        expect(page.get_by_text(identificatie).first).to_be_visible()
