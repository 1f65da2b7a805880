"""The destruction-list API: the whole flow, problem details for wrong states and
outsiders, and the verklaring download."""

from __future__ import annotations

import csv
import io

import pikepdf

from archive.models import Zaak
from tests.fixtures_archivering import bearer, download

PROBLEM = "application/problem+json"
BASE = "/api/v1/vernietigingslijsten"


def test_the_whole_flow_through_the_api(client, db, world, vernietiging_opzet):
    people, archief = vernietiging_opzet
    auteur, tweede, beoordelaar = (
        bearer(db, people.auteur),
        bearer(db, people.tweede),
        bearer(db, people.beoordelaar),
    )
    created = client.post(
        BASE,
        json={
            "naam": "API-lijst",
            "afdeling": world.afdeling.code,
            "beoordelaars": [people.beoordelaar.username],
        },
        headers=auteur,
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    url = f"{BASE}/{body['id']}"
    assert body["status"] == "nieuw" and len(body["zaken"]) == 2
    # the reviewer (regie of the department) sees the omschrijving of the open-level zaak
    as_reviewer = client.get(url, headers=beoordelaar).get_json()
    omschrijvingen = [z["omschrijving"] for z in as_reviewer["zaken"]]
    assert omschrijvingen == ["Te vernietigen 0", None]  # the second is vertrouwelijk
    # the archivist, no member of the department, sees metadata only
    assert [z["omschrijving"] for z in body["zaken"]] == [None, None]

    assert client.post(f"{url}/indienen", json={}, headers=auteur).status_code == 200
    first = archief.due[0].identificatie
    no_reason = client.post(
        f"{url}/beoordelen",
        json={"uitsluiten": [{"zaak": first, "reden": ""}]},
        headers=beoordelaar,
    )
    assert no_reason.status_code == 422 and no_reason.mimetype == PROBLEM
    excluded = client.post(
        f"{url}/beoordelen",
        json={"uitsluiten": [{"zaak": first, "reden": "Bezwaar loopt"}]},
        headers=beoordelaar,
    )
    assert excluded.get_json()["status"] == "wijzigingen_gevraagd"
    answered = client.post(
        f"{url}/antwoorden", json={"zaak": first, "besluit": "verwijderen"}, headers=auteur
    )
    assert answered.status_code == 200, answered.get_json()
    assert client.post(f"{url}/indienen", json={}, headers=auteur).status_code == 200
    agreed = client.post(f"{url}/beoordelen", json={}, headers=beoordelaar).get_json()
    assert agreed["status"] == "goedgekeurd"
    own = client.post(f"{url}/goedkeuren", json={}, headers=auteur)
    assert own.status_code == 403 and "vier ogen" in own.get_json()["detail"]
    assert client.post(f"{url}/goedkeuren", json={}, headers=tweede).status_code == 200

    done = client.post(f"{url}/uitvoeren", json={}, headers=tweede)
    assert done.status_code == 200, done.get_json()
    result = done.get_json()
    assert result["klaar"] and result["vernietigd"] == [archief.due[1].identificatie]
    assert db.get(Zaak, archief.due[0].id) is not None  # taken off the list: kept
    assert result["lijst"]["status"] == "vernietigd"

    pdf = download(client, result["lijst"]["verklaring"]["pdf"], auteur)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    with pikepdf.open(io.BytesIO(pdf.data)) as opened:
        assert len(opened.pages) >= 1
    table = download(client, f"{url}/verklaring?formaat=csv", beoordelaar)
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert [r["zaak"] for r in rows] == [archief.due[1].identificatie]

    listed = client.get(f"{BASE}?status=vernietigd", headers=auteur).get_json()
    assert [x["id"] for x in listed] == [body["id"]]


def test_outsiders_wrong_states_and_bad_input(client, db, world, vernietiging_opzet):
    people, _archief = vernietiging_opzet
    auteur = bearer(db, people.auteur)
    medewerker = bearer(db, world.medewerker)
    forbidden = client.post(BASE, json={"naam": "X"}, headers=medewerker)
    assert forbidden.status_code == 403 and forbidden.mimetype == PROBLEM
    assert client.get(BASE, headers=medewerker).status_code == 403
    assert client.get(BASE).status_code == 401
    bad = client.post(
        BASE, json={"naam": "", "archiefactiedatum_voor": "2024-02-30", "x": 1}, headers=auteur
    )
    assert bad.status_code == 422
    errors = str(bad.get_json())
    assert "naam" in errors and "archiefactiedatum_voor" in errors and "x" in errors
    nothing = client.post(BASE, json={"naam": "Leeg", "zaaktype": "BESTAAT-NIET"}, headers=auteur)
    assert nothing.status_code == 422 and "zaaktype" in str(nothing.get_json())
    lijst = client.post(BASE, json={"naam": "Echt"}, headers=auteur).get_json()
    url = f"{BASE}/{lijst['id']}"
    early = client.post(f"{url}/uitvoeren", json={}, headers=auteur)
    assert early.status_code == 409 and early.mimetype == PROBLEM
    assert "uitvoeren" in early.get_json()["detail"]
    no_reviewer = client.post(f"{url}/indienen", json={}, headers=auteur)
    assert no_reviewer.status_code == 409
    assert client.get(f"{url}/verklaring", headers=auteur).status_code == 409
    assert client.get(f"{BASE}/99999", headers=auteur).status_code == 404
    # a reviewer-capable user not named on this list: absent
    assert client.get(url, headers=bearer(db, people.beoordelaar)).status_code == 404
    assert client.post(f"{url}/afbreken", json={}, headers=auteur).status_code == 422
    cancelled = client.post(f"{url}/afbreken", json={"reden": "Proef"}, headers=auteur)
    assert cancelled.get_json()["status"] == "afgebroken"
