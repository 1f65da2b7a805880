"""DIV sets up a virtual department from the Vluchtelingenopvang template in a real browser,
then a member opens a zaak in it and gets the department's stricter confidentiality."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from archive.db import make_engine, make_session_factory, transaction
from tests import factories
from tests.e2e.conftest import _axe_source, axe_violations

pytestmark = pytest.mark.e2e


def _login(page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda current: "/login" not in current)


@pytest.fixture
def beheerder(live_server, isolated_database) -> str:
    """A DIV user in the live server's database (committed, so the server sees it)."""
    engine = make_engine(isolated_database)
    with transaction(make_session_factory(engine)) as s:
        factories.make_user(s, username="e2e.beheerder", roles=("beheerder",))
    engine.dispose()
    return "e2e.beheerder"


def test_wizard_from_template_then_a_member_opens_a_zaak(live_server, beheerder, page):
    from playwright.sync_api import expect

    axe = _axe_source()  # None when axe-core is not vendored: the check is skipped
    violations: list[str] = []

    def check_accessibility() -> None:
        if axe is not None:
            violations.extend(axe_violations(page, axe))

    _login(page, live_server.url, beheerder)
    expect(page).to_have_url(re.compile(r"/beheer$"))  # the beheerder's landing page
    page.get_by_role("link", name="Afdelingen", exact=True).click()
    page.get_by_role("link", name="Nieuwe afdeling inrichten").click()

    # 1. template
    expect(page).to_have_url(re.compile(r"/beheer/afdelingen/nieuw/sjabloon$"))
    check_accessibility()
    page.get_by_label("Vluchtelingenopvang").check()
    page.get_by_role("button", name="Volgende stap").click()

    # 2. name and dates, prefilled from the template
    expect(page).to_have_url(re.compile(r"/nieuw/gegevens$"))
    expect(page.get_by_label("Naam", exact=True)).to_have_value("Vluchtelingenopvang")
    expect(page.get_by_label("Standaard vertrouwelijkheidaanduiding")).to_have_value(
        "vertrouwelijk"
    )
    expect(page.get_by_label("Bewaarbeleid")).to_have_value("blijvend_bewaren")
    page.get_by_label("Naam", exact=True).fill("Vluchtelingenopvang 2026")
    page.get_by_label("Code").fill("OPVANG-2026")
    einde = date.today() + timedelta(days=365)
    page.get_by_label("Geplande einddatum").fill(einde.strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Volgende stap").click()
    # the decision reference is still missing: the step says so and stays
    page.get_by_role("heading", name="Er is een probleem").wait_for()
    check_accessibility()
    page.get_by_label("Besluit (kenmerk)").fill("B&W 2026-041")
    page.get_by_role("button", name="Volgende stap").click()

    # 3. members
    expect(page).to_have_url(re.compile(r"/nieuw/leden$"))
    check_accessibility()
    page.get_by_label(re.compile(re.escape(live_server.username))).check()
    page.get_by_role("button", name="Volgende stap").click()

    # 4. zaaktypen: the template's own are listed
    expect(page).to_have_url(re.compile(r"/nieuw/zaaktypen$"))
    expect(page.get_by_text("Correspondentie met COA")).to_be_visible()
    check_accessibility()
    page.get_by_role("button", name="Volgende stap").click()

    # 5. confirm
    expect(page).to_have_url(re.compile(r"/nieuw/bevestigen$"))
    expect(page.get_by_text("Vluchtelingenopvang 2026").first).to_be_visible()
    check_accessibility()
    page.get_by_role("button", name="Afdeling aanmaken").click()
    expect(page).to_have_url(re.compile(r"/beheer/afdelingen/OPVANG-2026$"))
    expect(page.get_by_text("Afdeling Vluchtelingenopvang 2026 is aangemaakt.")).to_be_visible()
    check_accessibility()

    # A member opens a zaak in it.
    page.get_by_role("button", name="Uitloggen").click()
    _login(page, live_server.url, live_server.username)
    page.goto(f"{live_server.url}/zaken/nieuw")
    page.get_by_label("Afdeling").select_option(label="Vluchtelingenopvang 2026")
    page.get_by_role("button", name="Bijwerken").click()
    page.get_by_label("Zaaktype").select_option(label="Bewonersbrief (standaard: Intern)")
    page.get_by_role("button", name="Bijwerken").click()
    page.get_by_label("doelgroep").select_option("omwonenden")  # an eigenschap
    page.get_by_label("Omschrijving", exact=True).fill("Brief aan omwonenden locatie Zuid")
    check_accessibility()
    page.get_by_role("button", name="Zaak aanmaken").click()
    expect(page).to_have_url(re.compile(r"/zaken/ZAAK-\d{4}-\d{10}$"))
    # the zaaktype says intern, the department vertrouwelijk: the stricter one wins
    gegevens = page.get_by_role("region", name="Gegevens")
    expect(gegevens.get_by_text("Vertrouwelijk", exact=True)).to_be_visible()
    expect(page.get_by_text("omwonenden", exact=True)).to_be_visible()
    check_accessibility()

    assert violations == [], "\n".join(violations)
