"""The main path through a real browser: log in, open a zaak, file two files, download one."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests import corpus

pytestmark = pytest.mark.e2e


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_file_two_documents_and_download_one_unchanged(live_server, page, tmp_path):
    from playwright.sync_api import expect

    pdf = corpus.normal_pdf(tmp_path / "besluit.pdf", text="Besluit op de aanvraag")
    word = corpus.docx(tmp_path / "verslag.docx", "Verslag van het casusoverleg")

    # Log in; an anonymous visitor is sent to the login page first.
    page.goto(f"{live_server.url}/zaken")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Gebruikersnaam").fill(live_server.username)
    page.get_by_label("Wachtwoord").fill(live_server.password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    # A new zaak through the form.
    page.goto(f"{live_server.url}/zaken/nieuw")
    page.get_by_label("Zaaktype").select_option(str(live_server.zaaktype_id))
    page.get_by_label("Afdeling").select_option(str(live_server.afdeling_id))
    page.get_by_label("Omschrijving", exact=True).fill("Melding overlast Marktstraat")
    page.get_by_role("button", name="Zaak aanmaken").click()
    expect(page).to_have_url(re.compile(r"/zaken/ZAAK-\d{4}-\d{10}$"))
    zaak_url = page.url
    expect(page.get_by_text("Melding overlast Marktstraat").first).to_be_visible()

    # Two files, each in its own row with its own title.
    page.get_by_role("link", name="Documenten toevoegen").first.click()
    expect(page).to_have_url(re.compile(r"/documenten/nieuw$"))
    for n, (path, titel) in enumerate([(pdf, "Besluit e2e"), (word, "Verslag e2e")], 1):
        rij = page.get_by_role("group", name=f"Bestand {n}")
        rij.get_by_label("Bestand", exact=True).set_input_files(str(path))
        rij.get_by_label("Titel").fill(titel)
        rij.get_by_label("Documenttype").select_option(str(live_server.iot_id))
    page.get_by_role("button", name="Documenten toevoegen").click()

    # Both are listed on the zaak page (the upload script writes the answer in place).
    expect(page.get_by_role("link", name="Besluit e2e", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Verslag e2e", exact=True)).to_be_visible()
    assert page.url.split("#")[0] == zaak_url

    # Download the Word file and compare it byte for byte.
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"Downloaden\s+Verslag e2e")).click()
    download = info.value
    saved = tmp_path / "gedownload.docx"
    download.save_as(saved)
    assert _sha256(saved) == _sha256(word)
    assert download.suggested_filename.endswith(".docx")


def _login(page, live_server) -> None:
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Gebruikersnaam").fill(live_server.username)
    page.get_by_label("Wachtwoord").fill(live_server.password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_main_pages_meet_wcag_21_aa(live_server, page, axe_source, tmp_path):
    """axe-core on each page of the main path, including a form shown with its errors."""
    from tests.e2e.conftest import axe_violations

    violations: list[str] = []
    page.goto(f"{live_server.url}/login")
    violations += axe_violations(page, axe_source)
    _login(page, live_server)

    page.goto(f"{live_server.url}/zaken")
    violations += axe_violations(page, axe_source)

    page.goto(f"{live_server.url}/zaken/nieuw")
    violations += axe_violations(page, axe_source)
    page.get_by_role("button", name="Zaak aanmaken").click()  # empty: the error summary
    page.get_by_role("heading", name="Er is een probleem").wait_for()
    violations += axe_violations(page, axe_source)

    page.get_by_label("Zaaktype").select_option(str(live_server.zaaktype_id))
    page.get_by_label("Afdeling").select_option(str(live_server.afdeling_id))
    page.get_by_label("Omschrijving", exact=True).fill("Toegankelijkheidscontrole")
    page.get_by_role("button", name="Zaak aanmaken").click()
    page.wait_for_url(re.compile(r"/zaken/ZAAK-"))
    zaak_url = page.url

    page.goto(f"{zaak_url}/documenten/nieuw")
    violations += axe_violations(page, axe_source)
    rij = page.get_by_role("group", name="Bestand 1")
    rij.get_by_label("Bestand", exact=True).set_input_files(
        str(corpus.normal_pdf(tmp_path / "brief.pdf"))
    )
    page.get_by_role("button", name="Documenten toevoegen").click()
    expect_link = page.get_by_role("link", name=re.compile(r"Downloaden"))
    expect_link.first.wait_for()
    violations += axe_violations(page, axe_source)

    assert violations == [], "\n".join(violations)
