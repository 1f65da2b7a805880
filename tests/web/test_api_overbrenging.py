"""The transfer API: export into the data directory, download the zip, confirm receipt;
only for an archivaris, unknown ids are 404."""

from __future__ import annotations

import io
import zipfile

from tests.fixtures_archivering import bearer

PROBLEM = "application/problem+json"
URL = "/api/v1/archivering/overbrengingen"


def test_export_download_and_confirm(client, db, world, over_te_brengen, settings):
    headers = bearer(db, world.archivaris)
    assert client.get(URL, headers=headers).get_json() == {
        "count": 0,
        "next": None,
        "results": [],
    }
    created = client.post(URL, json={"zaken": [over_te_brengen.identificatie]}, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "geexporteerd" and body["zaken"] == [over_te_brengen.identificatie]
    assert body["aantal_documenten"] == 2 and body["aantal_bestanden"] == 2
    assert (settings.data_dir / "overbrengingen" / body["naam"] / "bagit.txt").is_file()

    listed = client.get(URL, headers=headers).get_json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    detail = client.get(f"{URL}/{body['id']}", headers=headers)
    assert detail.status_code == 200 and detail.get_json()["naam"] == body["naam"]

    download = client.get(body["zip"].replace("http://localhost", ""), headers=headers)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    download.close()
    assert f"{body['naam']}/manifest-sha256.txt" in names

    again = client.post(URL, json={"zaken": [over_te_brengen.identificatie]}, headers=headers)
    assert again.status_code == 422 and again.mimetype == PROBLEM  # already in a package

    confirmed = client.post(
        f"{URL}/{body['id']}/bevestigen", json={"toelichting": "Ontvangen"}, headers=headers
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    result = confirmed.get_json()
    assert result["overbrenging"]["status"] == "bevestigd"
    assert result["inhoud_verwijderd"] == 0
    zaak = client.get(
        f"/api/v1/zaken/{over_te_brengen.identificatie}", headers=bearer(db, world.medewerker)
    )
    assert zaak.get_json()["archiefstatus"] == "overgedragen"
    twice = client.post(f"{URL}/{body['id']}/bevestigen", json={}, headers=headers)
    assert twice.status_code == 409 and twice.mimetype == PROBLEM


def test_only_an_archivaris(client, db, world, over_te_brengen):
    for user in (world.medewerker, world.beheerder, world.auditor):
        headers = bearer(db, user)
        assert client.get(URL, headers=headers).status_code == 403
        refused = client.post(URL, json={"zaken": ["x" * 500]}, headers=headers)
        assert refused.status_code == 403  # before the body is read
        assert client.post(f"{URL}/1/bevestigen", json={}, headers=headers).status_code == 403
        assert client.get(f"{URL}/1/zip", headers=headers).status_code == 403
    assert client.get(URL).status_code == 401


def test_unknown_ids_and_bad_input(client, db, world, over_te_brengen):
    headers = bearer(db, world.archivaris)
    for path in ("/999999", "/0", "/999999/zip", "/99999999999999999999"):
        response = client.get(f"{URL}{path}", headers=headers)
        assert response.status_code == 404, path
    assert client.post(f"{URL}/999999/bevestigen", json={}, headers=headers).status_code == 404
    bad = client.post(URL, json={"limit": 0, "onbekend": 1}, headers=headers)
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    assert "limit" in str(bad.get_json()) and "onbekend" in str(bad.get_json())
    none = client.post(URL, json={"afdeling": "GEEN"}, headers=headers)
    assert none.status_code == 409 and "geen zaken" in none.get_json()["detail"]
