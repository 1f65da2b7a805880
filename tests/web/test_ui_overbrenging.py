"""The archivist's transfer page: due zaken, export, download, confirm; 403 for others."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from archive.models import Overbrenging
from tests.fixtures_archivering import login

URL = "/archivering/overbrengingen"


def test_export_download_and_confirm_from_the_page(client, db, world, over_te_brengen):
    login(client, world.archivaris)
    page = client.get(URL)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert (
        over_te_brengen.identificatie in body and over_te_brengen.omschrijving not in body
    )  # metadata only
    done = client.post(URL, data={"zaken": over_te_brengen.identificatie, "maak_zip": "y"})
    assert done.status_code == 302, done.get_data(as_text=True)
    transfer = db.scalars(select(Overbrenging)).one()
    body = client.get(URL).get_data(as_text=True)
    assert transfer.naam in body and "Ontvangst bevestigen" in body

    download = client.get(f"{URL}/{transfer.id}/zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert f"{transfer.naam}/bagit.txt" in zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    download.close()

    confirmed = client.post(f"{URL}/{transfer.id}/bevestigen", data={"toelichting": "OK"})
    assert confirmed.status_code == 302
    db.refresh(over_te_brengen)
    assert over_te_brengen.archiefstatus == "overgedragen"
    again = client.post(f"{URL}/{transfer.id}/bevestigen", data={})
    assert again.status_code == 303
    assert "al bevestigd" in client.get(URL).get_data(as_text=True)


def test_a_refused_export_shows_why(client, db, world, over_te_brengen):
    login(client, world.archivaris)
    refused = client.post(URL, data={"zaken": "ZAAK-ONBEKEND"})
    assert refused.status_code == 422
    assert "ZAAK-ONBEKEND" in refused.get_data(as_text=True)
    assert db.scalars(select(Overbrenging)).all() == []


def test_others_are_refused_and_unknown_ids_are_absent(client, db, world, over_te_brengen):
    login(client, world.medewerker)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={}).status_code == 403
    assert client.post(f"{URL}/1/bevestigen", data={}).status_code == 403
    client.post("/logout")
    login(client, world.archivaris)
    assert client.get(f"{URL}/999999/zip").status_code == 404
    assert client.post(f"{URL}/999999/bevestigen", data={}).status_code == 404
