"""Search through a real browser: file a letter, find it from the header's search box."""

from __future__ import annotations

import re

import pytest

from tests import corpus

pytestmark = pytest.mark.e2e


def test_filed_document_is_found_from_the_header_search_box(
    live_server, page, axe_source, tmp_path
):
    from playwright.sync_api import expect

    from tests.e2e.conftest import axe_violations

    woord = "dijkgraafschapsbrief"
    pdf = corpus.normal_pdf(tmp_path / "brief.pdf", text=f"Uitnodiging {woord} voor het overleg")

    page.goto(f"{live_server.url}/login")
    page.get_by_label("Gebruikersnaam").fill(live_server.username)
    page.get_by_label("Wachtwoord").fill(live_server.password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login" not in url)

    # A zaak with one letter, filed through the forms.
    page.goto(f"{live_server.url}/zaken/nieuw")
    page.get_by_label("Zaaktype").select_option(str(live_server.zaaktype_id))
    page.get_by_label("Afdeling").select_option(str(live_server.afdeling_id))
    page.get_by_label("Omschrijving", exact=True).fill("Overleg waterschap")
    page.get_by_role("button", name="Zaak aanmaken").click()
    page.wait_for_url(re.compile(r"/zaken/ZAAK-"))
    page.goto(f"{page.url}/documenten/nieuw")
    rij = page.get_by_role("group", name="Bestand 1")
    rij.get_by_label("Bestand", exact=True).set_input_files(str(pdf))
    rij.get_by_label("Titel").fill("Uitnodiging waterschap")
    rij.get_by_label("Documenttype").select_option(str(live_server.iot_id))
    page.get_by_role("button", name="Documenten toevoegen").click()
    expect(page.get_by_role("link", name="Uitnodiging waterschap", exact=True)).to_be_visible()

    # The search box in the header, on the zaak page; the worker indexes within moments.
    zoekvak = page.get_by_role("search", name="Zoeken in Dossierhuis")
    zoekvak.get_by_label("Zoeken in het archief").fill(woord)
    zoekvak.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(re.compile(r"/zoeken\?q="))
    for _attempt in range(20):  # the in-process worker is woken by the commit
        if page.locator(".treffer").count():
            break
        page.wait_for_timeout(250)
        page.reload()
    treffer = page.locator(".treffer")
    expect(treffer).to_have_count(1)
    expect(treffer.get_by_role("link", name="Uitnodiging waterschap")).to_be_visible()
    expect(treffer.locator(".treffer__fragment mark").first).to_have_text(woord)
    expect(page.get_by_role("status")).to_contain_text("1 resultaat")
    expect(page.get_by_role("heading", name="Verfijnen")).to_be_visible()

    violations = axe_violations(page, axe_source)
    # the facet: narrowing to the document type keeps the hit
    page.locator(".facet").get_by_role("link", name="Brief").click()
    expect(page.locator(".treffer")).to_have_count(1)
    expect(page.get_by_role("heading", name="Gekozen filters")).to_be_visible()
    violations += axe_violations(page, axe_source)

    # the hit opens the document
    page.locator(".treffer").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uitnodiging waterschap")
    assert violations == [], "\n".join(violations)
