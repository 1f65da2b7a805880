"""The archivist's dashboard at /archivering and its per-kind lists: counts equal to the
work queue, held and exempted zaken not due, filters, a clear error for a bad peildatum or
an unknown department, archivists only, shortcuts, and no N+1 queries."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from archive import zaken
from retention import bevriezingen, uitzonderingen, vernietiging, werkvoorraad
from tests import corpus, factories
from tests.fixtures_archivering import resultaat
from zaaktypen.afdelingen import choose_generic_zaaktype

BASE = "/archivering"
LIST = "/archivering/werkvoorraad"


def login(client, user) -> None:
    client.post("/logout")
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def aantal(page: str, soort: str) -> int:
    found = re.search(rf'id="aantal-{soort}">(\d+)<', page)
    assert found, f"no count for {soort}"
    return int(found.group(1))


def section(page: str, soort: str) -> str:
    """The HTML of one kind's section on the dashboard."""
    start = page.index(f'aria-labelledby="{soort}-kop"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def maak(db, world, archief_zaaktype, monkeypatch, store):
    """Close a zaak of the archive zaaktype with a resultaat and an einddatum (what is kept
    is due for transfer one year after its brondatum here)."""
    monkeypatch.setenv("OVERBRENGINGSTERMIJN", "P1Y")
    choose_generic_zaaktype(db, None, world.andere_afdeling, archief_zaaktype.identificatie)

    def make(
        result="Afgehandeld", einddatum=date(2020, 6, 1), afdeling=None, bestand=None, **kwargs
    ):
        zaak = factories.make_zaak(
            db,
            world.medewerker,
            zaaktype=archief_zaaktype,
            afdeling=afdeling or world.afdeling,
            startdatum=kwargs.pop("startdatum", date(2020, 1, 2)),
            omschrijving=kwargs.pop("omschrijving", "Zaak in het archief"),
            **kwargs,
        )
        if bestand is not None:  # filed before closing
            factories.file(db, world.medewerker, zaak, bestand, world.iot, store)
        zaken.close_zaak(
            db,
            world.medewerker,
            zaak,
            resultaattype_id=resultaat(archief_zaaktype, result),
            einddatum=einddatum,
        )
        return zaak

    return make


@pytest.fixture
def archief(db, world, maak, tmp_path):
    """Zaken in every kind: due for destruction (two in world.afdeling, one in the other
    department), held (the zaak, or one of its documents), exempted (an uitzondering, and
    one whose nominatie is stale), due for transfer, missing data, pending, not due yet."""
    a = {
        "due": [maak(omschrijving=f"Vernietigbaar {i}") for i in range(2)],
        "elders": maak(afdeling=world.andere_afdeling),
        "bevroren": maak(),
        "document_bevroren": maak(bestand=corpus.normal_pdf(tmp_path / "b.pdf", text="Brief")),
        "uitgezonderd": maak(),
        "verouderd": maak(),
        "bewaren": maak("Bewaren"),  # transfer due 2021-06-01
        "ontbrekend": maak(),
        "wachtend": maak("Hand"),
        "later": maak(einddatum=date.today()),  # due in five years
    }
    held_document = a["document_bevroren"].document_links[0].document
    for zaak, document in ((a["bevroren"], None), (None, held_document)):
        bevriezingen.place_hold(
            db,
            world.archivaris,
            bevriezingen.BevriezingGegevens(
                grond="rechtszaak",
                reden="Procedure",
                eigenaar=world.archivaris.username,
                zaak=zaak.identificatie if zaak else None,
                document=document.identificatie if document else None,
            ),
        )
    uitzonderingen.add_exception(
        db,
        world.archivaris,
        uitzonderingen.UitzonderingGegevens(
            scope="zaken",
            omschrijving="Hotspot",
            toelichting="Maatschappelijk belang",
            besluitkenmerk="B&W 2026/1",
            zaken=[a["uitgezonderd"].identificatie, a["verouderd"].identificatie],
        ),
    )
    # as if the recompute had not run yet: the nominatie still says vernietigen
    a["verouderd"].archiefnominatie = "vernietigen"
    a["verouderd"].archiefactiedatum = date(2025, 6, 1)
    a["ontbrekend"].archiefnominatie = a["ontbrekend"].archiefactiedatum = None
    db.flush()
    return a


def test_counts_and_rows_match_the_work_queue(client, db, world, archief):
    login(client, world.archivaris)
    response = client.get(BASE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    expected = werkvoorraad.counts(db, world.archivaris)
    # the exempted zaak is kept permanently, so due for transfer like the one kept anyway
    assert expected == {"vernietigen": 3, "overbrengen": 2, "ontbrekend": 1, "wachtend": 1}
    for soort, n in expected.items():
        assert aantal(page, soort) == n
    assert aantal(page, "bevriezingen") == 2 and aantal(page, "uitzonderingen") == 1
    te_vernietigen = section(page, "vernietigen")
    for zaak in [*archief["due"], archief["elders"]]:
        assert zaak.identificatie in te_vernietigen
    # held (the zaak or a document) and exempted (also with a stale nominatie): not due
    for naam in ("bevroren", "document_bevroren", "uitgezonderd", "verouderd", "later"):
        assert archief[naam].identificatie not in te_vernietigen, naam
    over_te_brengen = section(page, "overbrengen")
    assert archief["bewaren"].identificatie in over_te_brengen
    assert archief["uitgezonderd"].identificatie in over_te_brengen
    assert archief["ontbrekend"].identificatie in section(page, "ontbrekend")
    wachtend = section(page, "wachtend")
    assert archief["wachtend"].identificatie in wachtend and "handmatige brondatum" in wachtend
    # metadata only: the archivist is no member, so no omschrijving and no link to the zaak
    assert "Vernietigbaar 0" not in page
    assert f'href="/zaken/{archief["due"][0].identificatie}"' not in page
    # the chart: this year's due zaken and the one due in five years, with a table
    assert 'role="img"' in page and "per-jaar-tabel" in page
    later = date.today().year + 5
    assert re.search(rf"<tr><td>{later}</td><td>1</td><td>0</td>", page)
    assert re.search(r"<tr><td>2021</td><td>0</td><td>2</td>", page)
    assert re.search(r"<tr><td>2025</td><td>3</td><td>0</td>", page)


def test_a_zaak_the_archivist_may_see_links_to_its_page(client, db, world, archief):
    factories.make_member(db, world.afdeling, world.archivaris, rol="lezen", clearance="geheim")
    login(client, world.archivaris)
    page = client.get(BASE).get_data(as_text=True)
    zaak = archief["due"][0]
    assert f'href="/zaken/{zaak.identificatie}"' in page and "Vernietigbaar 0" in page
    assert f'href="/zaken/{archief["elders"].identificatie}"' not in page  # other department


def test_filter_by_afdeling_zaaktype_and_peildatum(client, db, world, archief, archief_zaaktype):
    login(client, world.archivaris)
    page = client.get(f"{BASE}?afdeling={world.afdeling.code}").get_data(as_text=True)
    assert aantal(page, "vernietigen") == 2
    assert archief["elders"].identificatie not in page
    assert f'<option selected value="{world.afdeling.code}">' in page
    other = client.get(f"{BASE}?zaaktype={world.zaaktype.identificatie}").get_data(as_text=True)
    assert aantal(other, "vernietigen") == 0 and aantal(other, "overbrengen") == 0
    same = client.get(f"{BASE}?zaaktype={archief_zaaktype.identificatie}")
    assert aantal(same.get_data(as_text=True), "vernietigen") == 3
    # before the archiefactiedatum of 2025-06-01 nothing was due yet; in six years more is
    before = client.get(f"{BASE}?peildatum=31-05-2025").get_data(as_text=True)
    assert aantal(before, "vernietigen") == 0 and aantal(before, "overbrengen") == 2
    assert 'value="31-05-2025"' in before
    future = (date.today() + timedelta(days=6 * 366)).isoformat()
    assert (
        aantal(client.get(f"{BASE}?peildatum={future}").get_data(as_text=True), "vernietigen") == 4
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("peildatum=31-02-2024", "Vul een bestaande datum in"),
        ("peildatum=morgen", "Vul een bestaande datum in"),
        ("afdeling=BESTAATNIET", "Afdeling &#39;BESTAATNIET&#39; bestaat niet"),
        ("zaaktype=ZT-ONBEKEND", "Zaaktype &#39;ZT-ONBEKEND&#39; bestaat niet"),
    ],
)
def test_bad_filters_are_a_clear_form_error(client, world, archief, query, message):
    login(client, world.archivaris)
    for url in (f"{BASE}?{query}", f"{LIST}?soort=vernietigen&{query}"):
        response = client.get(url)
        assert response.status_code == 422, url
        body = response.get_data(as_text=True)
        assert message in body and "Er is een probleem" in body
        assert 'id="aantal-vernietigen"' not in body


def test_only_archivists(client, db, world, archief):
    client.post("/logout")
    assert client.get(BASE).headers["Location"].startswith("/login")
    for user in (world.medewerker, world.beheerder, world.auditor, world.lezer):
        login(client, user)
        assert client.get(BASE).status_code == 403
        assert client.get(f"{LIST}?soort=vernietigen").status_code == 403
        assert 'href="/archivering"' not in client.get("/zaken").get_data(as_text=True)
    login(client, world.archivaris)
    nav = client.get("/zaken").get_data(as_text=True)
    assert re.search(r'<a href="/archivering">Archief</a>', nav)
    assert 'href="/archivering" aria-current="page">Archief' in client.get(BASE).get_data(
        as_text=True
    )


def test_per_kind_list_is_paginated_and_keeps_the_filters(client, world, archief, monkeypatch):
    monkeypatch.setattr("web.ui.archief_dashboard.PER_PAGE", 1)
    login(client, world.archivaris)
    first = client.get(f"{LIST}?soort=vernietigen").get_data(as_text=True)
    assert "3 zaken" in first and "Pagina 1 van 3" in first
    assert "pagina=2" in first
    third = client.get(f"{LIST}?soort=vernietigen&pagina=3").get_data(as_text=True)
    assert "Pagina 3 van 3" in third and 'rel="next"' not in third
    filtered = client.get(f"{LIST}?soort=vernietigen&afdeling={world.afdeling.code}")
    body = filtered.get_data(as_text=True)
    assert "2 zaken" in body and f"afdeling={world.afdeling.code}" in body
    assert archief["elders"].identificatie not in body
    waiting = client.get(f"{LIST}?soort=wachtend").get_data(as_text=True)
    assert archief["wachtend"].identificatie in waiting and "handmatige brondatum" in waiting
    assert client.get(f"{LIST}?soort=alles").status_code == 404
    assert client.get(f"{LIST}?soort=vernietigen&pagina=99999999999999999999").status_code == 200
    # the dashboard links to the whole list of a kind when it shows only the first rows
    monkeypatch.setattr("retention.werkbank.EERSTE", 1)
    page = client.get(f"{BASE}?afdeling={world.afdeling.code}").get_data(as_text=True)
    assert "Alle 2 tonen" in page
    assert f"/archivering/werkvoorraad?soort=vernietigen&amp;afdeling={world.afdeling.code}" in page


def test_shortcuts_new_destruction_list_from_the_selection(client, db, world, archief):
    login(client, world.archivaris)
    page = client.get(f"{BASE}?afdeling={world.afdeling.code}&peildatum=01-06-2025")
    form = section(page.get_data(as_text=True), "vernietigen")
    assert 'action="/archivering/vernietigingslijsten/nieuw"' in form
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    assert fields["afdeling"] == world.afdeling.code and fields["zaaktype"] == ""
    assert fields["archiefactiedatum_voor"] == "02-06-2025"  # due on the peildatum
    # the destruction-list form opens with that selection and its preview
    preview = client.post(
        "/archivering/vernietigingslijsten/nieuw", data={**fields, "voorbeeld": "1"}
    )
    assert preview.status_code == 200
    body = preview.get_data(as_text=True)
    assert "2 zaken in deze selectie" in body
    assert f'<option selected value="{world.afdeling.code}">' in body
    # without a past peildatum: everything due today
    today = section(client.get(BASE).get_data(as_text=True), "vernietigen")
    assert "archiefactiedatum_voor" not in today
    overview = client.get(BASE).get_data(as_text=True)
    for href in (
        "/archivering/overbrengingen",
        "/archivering/bevriezingen",
        "/archivering/uitzonderingen",
        "/archivering/vernietigingslijsten",
    ):
        assert f'href="{href}"' in overview, href


def test_lists_waiting_for_the_archivist(client, db, world, archief):
    tweede = factories.make_user(db, roles=("archivaris",))
    lijst = vernietiging.create_list(
        db,
        tweede,
        naam="Lijst ter beoordeling",
        selectie=vernietiging.Selectie(afdeling=world.afdeling.code),
        beoordelaars=[world.archivaris.username],
    )
    vernietiging.submit(db, tweede, lijst)
    eigen = vernietiging.create_list(
        db, world.archivaris, naam="Eigen lijst", selectie=vernietiging.Selectie()
    )
    db.flush()
    login(client, world.archivaris)
    page = client.get(BASE).get_data(as_text=True)
    taken = page[page.index('aria-labelledby="taken-kop"') :]
    taken = taken[: taken.index("</section>")]
    assert "Lijst ter beoordeling" in taken and "Uw beoordeling wordt gevraagd" in taken
    assert f'href="/archivering/vernietigingslijsten/{lijst.id}"' in taken
    assert "Eigen lijst" not in taken  # nieuw: nothing to do for anyone but its author yet
    assert eigen.status == "nieuw"
    # reviewed: now it waits for the final approval of an archivaris who is not its author
    vernietiging.review(db, world.archivaris, lijst)
    db.flush()
    after = client.get(BASE).get_data(as_text=True)
    assert "Uw beoordeling wordt gevraagd" not in after
    assert "Wacht op definitieve goedkeuring door een tweede archivaris" in after
    vernietiging.approve(db, world.archivaris, lijst)
    db.flush()
    done = client.get(BASE).get_data(as_text=True)
    assert "Er wacht nu geen vernietigingslijst op u." in done


def test_dashboard_queries_do_not_grow_with_the_archive(client, db, world, maak, archief):
    login(client, world.archivaris)
    factories.make_member(db, world.afdeling, world.archivaris, rol="lezen", clearance="geheim")
    client.get(BASE)

    def queries() -> int:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.get_bind(), "before_cursor_execute", count)
        try:
            assert client.get(BASE).status_code == 200
            assert client.get(f"{LIST}?soort=vernietigen").status_code == 200
        finally:
            event.remove(db.get_bind(), "before_cursor_execute", count)
        # the test's own savepoints around a request are no queries of the page
        return len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))])

    few = queries()
    for i in range(4):
        maak(omschrijving=f"Meer {i}")
        maak(afdeling=world.andere_afdeling)
        maak("Bewaren")
        maak("Hand")
        later = maak(einddatum=date(2021 + i, 1, 1))
        bevriezingen.place_hold(
            db,
            world.archivaris,
            bevriezingen.BevriezingGegevens(
                grond="woo_verzoek",
                reden="Woo",
                eigenaar=world.archivaris.username,
                zaak=later.identificatie,
            ),
        )
    db.flush()
    assert werkvoorraad.counts(db, world.archivaris)["vernietigen"] == 3 + 8
    assert queries() == few
