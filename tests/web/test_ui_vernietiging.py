"""The destruction-list pages: overview, a list from a selection, review with exclusions,
answers, four-eyes approval, execution with progress, the verklaring download, and
refusals for outsiders and wrong states."""

from __future__ import annotations

import re

import pikepdf

from archive.models import Vernietigingslijst, Zaak
from retention import vernietiging
from tests import vernietiging_helpers as h
from tests.fixtures_archivering import download, login

BASE = "/archivering/vernietigingslijsten"


def test_from_selection_through_review_to_verklaring(
    client, db, world, vernietiging_opzet, monkeypatch
):
    people, archief = vernietiging_opzet
    login(client, people.auteur)
    assert "Vernietiging" in client.get("/zaken").get_data(as_text=True)  # in the navigation
    form = client.get(f"{BASE}/nieuw")
    assert form.status_code == 200
    preview = client.post(
        f"{BASE}/nieuw", data={"afdeling": world.afdeling.code, "voorbeeld": "1"}
    ).get_data(as_text=True)
    assert "2 zaken in deze selectie" in preview
    assert all(z.identificatie in preview for z in archief.due)
    created = client.post(
        f"{BASE}/nieuw",
        data={
            "naam": "UI-lijst",
            "afdeling": world.afdeling.code,
            "beoordelaars": people.beoordelaar.username,
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    url = created.headers["Location"]
    lijst_id = int(re.search(r"/(\d+)$", url).group(1))
    page = client.get(url).get_data(as_text=True)
    assert "Indienen bij de beoordelaars" in page
    assert client.post(f"{url}/indienen").status_code == 302

    login(client, people.beoordelaar)
    page = client.get(url).get_data(as_text=True)
    assert "Beoordeling versturen" in page
    lijst = db.get(Vernietigingslijst, lijst_id)
    first = lijst.items[0]
    missing = client.post(f"{url}/beoordelen", data={f"uitsluiten-{first.id}": "1"})
    assert missing.status_code == 422 and "reden" in missing.get_data(as_text=True)
    excluded = client.post(
        f"{url}/beoordelen",
        data={f"uitsluiten-{first.id}": "1", f"reden-{first.id}": "Nog een bezwaar"},
    )
    assert excluded.status_code == 302

    login(client, people.auteur)
    page = client.get(url).get_data(as_text=True)
    assert "Opmerkingen beantwoorden" in page and "Nog een bezwaar" in page
    no_reason = client.post(
        f"{url}/antwoorden", data={"zaak": first.zaak_identificatie, "besluit": "handhaven"}
    )
    assert no_reason.status_code == 422
    kept = client.post(
        f"{url}/antwoorden",
        data={
            "zaak": first.zaak_identificatie,
            "besluit": "handhaven",
            "antwoord": "Bezwaar is ingetrokken",
        },
    )
    assert kept.status_code == 302
    assert client.post(f"{url}/indienen").status_code == 302

    login(client, people.beoordelaar)
    assert client.post(f"{url}/beoordelen", data={}).status_code == 302
    login(client, people.auteur)
    own = client.post(f"{url}/goedkeuren")
    assert own.status_code == 403 and "vier ogen" in own.get_data(as_text=True)

    login(client, people.tweede)
    assert "Definitief goedkeuren" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/goedkeuren").status_code == 302
    # one zaak per request: the page shows the progress and offers to go on
    monkeypatch.setattr("web.ui.vernietiging.UI_BATCH", 1)
    assert client.post(f"{url}/uitvoeren").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "1 van 2 zaken verwerkt" in page and "Verder uitvoeren" in page
    assert client.post(f"{url}/uitvoeren").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "2 van 2 zaken verwerkt" in page and "Download de verklaring (PDF)" in page
    for zaak in archief.due:
        assert db.get(Zaak, zaak.id) is None or db.get(Zaak, zaak.id).identificatie != (
            zaak.identificatie
        )
    pdf = download(client, f"{url}/verklaring/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    import io

    with pikepdf.open(io.BytesIO(pdf.data)) as opened:
        assert len(opened.pages) >= 1
    table = download(client, f"{url}/verklaring/csv").get_data(as_text=True)
    assert all(z.identificatie in table for z in archief.due)
    assert client.get(f"{url}/verklaring/doc").status_code == 422
    overview = client.get(BASE).get_data(as_text=True)
    assert "UI-lijst" in overview and "Vernietigd" in overview


def test_outsiders_and_wrong_states(client, db, world, vernietiging_opzet):
    people, _archief = vernietiging_opzet
    login(client, world.medewerker)
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/nieuw").status_code == 403
    assert "Vernietiging" not in client.get("/zaken").get_data(as_text=True)
    login(client, people.beoordelaar)  # may review, may not draft
    assert client.get(BASE).status_code == 200
    assert client.get(f"{BASE}/nieuw").status_code == 403
    login(client, people.auteur)
    bad = client.post(f"{BASE}/nieuw", data={"naam": "", "archiefactiedatum_voor": "31-02-2024"})
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "Geef de lijst een naam" in body
    unknown = client.post(f"{BASE}/nieuw", data={"naam": "X", "beoordelaars": "niemand"})
    assert unknown.status_code == 422 and "niemand" in unknown.get_data(as_text=True)
    assert db.query(Vernietigingslijst).count() == 0  # nothing left behind
    created = client.post(f"{BASE}/nieuw", data={"naam": "Lijst"})
    url = created.headers["Location"]
    early = client.post(f"{url}/uitvoeren")
    assert early.status_code == 409 and "uitvoeren" in early.get_data(as_text=True)
    assert client.post(f"{url}/indienen").status_code == 409
    assert client.post(f"{url}/afbreken", data={"reden": ""}).status_code == 422
    assert client.get(f"{BASE}/99999").status_code == 404
    login(client, people.beoordelaar)
    assert client.get(url).status_code == 404  # not named on this list
    login(client, people.tweede)
    assert client.post(f"{url}/afbreken", data={"reden": "Proef"}).status_code == 302
    assert "Afgebroken" in client.get(url).get_data(as_text=True)


def test_list_page_queries_do_not_grow_with_its_zaken(
    client, db, world, archief_zaaktype, store, tmp_path
):
    from sqlalchemy import event

    people = h.cast(db, world)
    (tmp_path / "a").mkdir()
    h.build(db, world, archief_zaaktype, store, tmp_path / "a", n=2)
    small = vernietiging.create_list(
        db, people.auteur, naam="Klein", selectie=vernietiging.Selectie(),
        beoordelaars=[people.beoordelaar.username],
    )  # fmt: skip
    db.commit()
    (tmp_path / "b").mkdir()
    h.build(db, world, archief_zaaktype, store, tmp_path / "b", n=4)
    large = vernietiging.create_list(
        db, people.auteur, naam="Groot", selectie=vernietiging.Selectie(),
        beoordelaars=[people.beoordelaar.username],
    )  # fmt: skip
    db.commit()
    assert (len(small.items), len(large.items)) == (2, 4)
    login(client, people.beoordelaar)
    client.get(f"{BASE}/{small.id}")
    counts = []
    for lijst in (small, large):
        statements: list[str] = []

        def count(conn, cursor, statement, *args, statements=statements):
            statements.append(statement)

        event.listen(db.get_bind(), "before_cursor_execute", count)
        try:
            assert client.get(f"{BASE}/{lijst.id}").status_code == 200
        finally:
            event.remove(db.get_bind(), "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
