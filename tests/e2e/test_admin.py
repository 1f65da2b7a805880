"""Issue 4 in a real browser: DIV creates a user and a membership, the regie grants a partner
access to one zaak, and an auditor asks who has seen anything about a person."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from archive.db import make_engine, make_session_factory, transaction
from archive.zaken import BetrokkeneGegevens, add_betrokkene
from tests import factories
from tests.e2e.conftest import _axe_source, axe_violations, login, logout

pytestmark = pytest.mark.e2e

BSN = "111222333"


@dataclass
class Opzet:
    afdeling_code: str
    afdeling_naam: str
    gedeeld: str  # the zaak the partner gets
    ander: str  # a zaak of the same department the partner must not see


@pytest.fixture
def opzet(live_server, isolated_database) -> Opzet:
    """DIV, a regie member, a partner and an auditor; two zaken, one about a person."""
    from zaaktypen import services as catalogus

    engine = make_engine(isolated_database)
    with transaction(make_session_factory(engine)) as s:
        from archive import users

        medewerker = users.get_user(s, live_server.username)
        afdeling = catalogus.get_afdeling(s, live_server.afdeling_id)
        zaaktype = catalogus.get_zaaktype(s, live_server.zaaktype_id)
        factories.make_user(s, username="e2e.beheerder", roles=("beheerder",))
        regie = factories.make_user(s, username="e2e.regie", roles=("medewerker",))
        factories.make_member(s, afdeling, regie, rol="regie", clearance="geheim")
        factories.make_user(s, username="e2e.partner", roles=("medewerker",))
        factories.make_user(s, username="e2e.auditor", roles=("auditor",))
        gedeeld = factories.make_zaak(
            s, medewerker, zaaktype=zaaktype, afdeling=afdeling, omschrijving="Gedeelde zaak"
        )
        add_betrokkene(
            s,
            medewerker,
            gedeeld,
            BetrokkeneGegevens(type="natuurlijk_persoon", bsn=BSN, geslachtsnaam="Jansen"),
            rol="belanghebbende",
        )
        ander = factories.make_zaak(
            s, medewerker, zaaktype=zaaktype, afdeling=afdeling, omschrijving="Andere zaak"
        )
        result = Opzet(afdeling.code, afdeling.naam, gedeeld.identificatie, ander.identificatie)
    engine.dispose()
    return result


def test_users_grants_and_the_bsn_report(live_server, opzet, page):
    from playwright.sync_api import expect

    axe = _axe_source()  # None when axe-core is not vendored: the check is skipped
    violations: list[str] = []

    def check_accessibility() -> None:
        if axe is not None:
            violations.extend(axe_violations(page, axe))

    url = live_server.url

    # 1. DIV creates a user and makes them a member of the department.
    login(page, url, "e2e.beheerder")
    page.get_by_role("link", name="Gebruikers", exact=True).click()
    expect(page).to_have_url(re.compile(r"/beheer/gebruikers$"))
    check_accessibility()
    page.get_by_role("link", name="Nieuwe gebruiker").click()
    page.get_by_label("Gebruikersnaam").fill("e2e.nieuw")
    page.get_by_label("Naam", exact=True).fill("Nieuwe Collega")
    page.get_by_label("Beginwachtwoord").fill("kort")
    page.get_by_role("button", name="Gebruiker aanmaken").click()
    page.get_by_role("heading", name="Er is een probleem").wait_for()
    check_accessibility()
    page.get_by_label("Beginwachtwoord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Gebruiker aanmaken").click()
    expect(page).to_have_url(re.compile(r"/beheer/gebruikers/\d+$"))
    expect(page.get_by_text("Gebruiker e2e.nieuw is aangemaakt.")).to_be_visible()
    check_accessibility()
    page.get_by_label("Afdeling", exact=True).select_option(opzet.afdeling_code)
    page.get_by_label("Rol in de afdeling").select_option("behandelen")
    page.get_by_label("Clearance", exact=True).select_option("geheim")
    page.get_by_role("button", name="Lidmaatschap opslaan").click()
    leden = page.get_by_role("region", name="Lidmaatschappen")
    expect(leden.get_by_role("link", name=opzet.afdeling_naam)).to_be_visible()
    check_accessibility()
    logout(page)

    # 2. The new user sees the department's zaken.
    login(page, url, "e2e.nieuw")
    page.goto(f"{url}/zaken")
    expect(page.get_by_role("link", name=opzet.gedeeld)).to_be_visible()
    expect(page.get_by_role("link", name=opzet.ander)).to_be_visible()
    page.get_by_role("link", name="Mijn tokens").click()
    check_accessibility()
    logout(page)

    # 3. The regie grants a partner access to one zaak.
    login(page, url, "e2e.regie")
    page.goto(f"{url}/zaken/{opzet.gedeeld}")
    toegang = page.get_by_role("region", name="Toegang voor partners")
    toegang.get_by_label("Gebruikersnaam van de partner").fill("e2e.partner")
    toegang.get_by_label("Reden").fill("Casusoverleg")
    verloopt = (date.today() + timedelta(days=30)).strftime("%d-%m-%Y")
    toegang.get_by_label("Verloopt op").fill(verloopt)
    check_accessibility()
    toegang.get_by_role("button", name="Toegang verlenen").click()
    expect(page.get_by_text("heeft toegang tot zaak")).to_be_visible()
    toegang = page.get_by_role("region", name="Toegang voor partners")
    expect(toegang.get_by_text("Casusoverleg")).to_be_visible()
    check_accessibility()
    logout(page)

    # ... and the partner sees exactly that zaak.
    login(page, url, "e2e.partner")
    page.goto(f"{url}/zaken")
    expect(page.get_by_role("link", name=opzet.gedeeld)).to_be_visible()
    expect(page.get_by_role("link", name=opzet.ander)).to_have_count(0)
    page.get_by_role("link", name=opzet.gedeeld).click()
    expect(page).to_have_url(re.compile(rf"/zaken/{opzet.gedeeld}$"))
    response = page.goto(f"{url}/zaken/{opzet.ander}")
    assert response.status == 404
    logout(page)

    # 4. The auditor asks who has seen anything about the person.
    login(page, url, "e2e.auditor")
    page.get_by_role("link", name="Audit", exact=True).click()
    check_accessibility()
    page.get_by_role("link", name="Inzage per persoon").click()
    page.get_by_label("BSN").fill(BSN)
    page.get_by_role("button", name="Opvragen").click()
    inzage = page.get_by_role("region", name="Inzage")
    expect(inzage.get_by_text("e2e.partner")).to_be_visible()
    expect(page.get_by_text("Jansen")).to_have_count(0)
    check_accessibility()
    with page.expect_download() as info:
        page.get_by_role("link", name="Downloaden als CSV").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8"))))
    assert {r["gebruiker"] for r in rows} >= {"e2e.partner", "e2e.regie"}
    page.get_by_role("link", name="Terug naar audit").click()
    page.get_by_role("link", name="Keten controleren").click()
    page.get_by_role("button", name="Keten nu controleren").click()
    expect(page.get_by_text("De keten is intact")).to_be_visible()
    check_accessibility()
    page.goto(f"{url}/audit/gebeurtenissen?object={opzet.gedeeld}")
    expect(page.get_by_text("zaak.toegang_verleend")).to_be_visible()
    check_accessibility()

    assert violations == [], "\n".join(violations)
