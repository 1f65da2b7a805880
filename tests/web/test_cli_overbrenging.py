"""`dossierhuis transfer export | confirm | list` against a committed database."""

from __future__ import annotations

import json
from pathlib import Path

import bagit
from sqlalchemy import select

from archive.models import Overbrenging, Zaak
from tests import factories
from tests.overbrenging_helpers import PEILDATUM, configure, due_zaak, kept_zaaktype
from tests.web.test_cli import cli as cli  # noqa: F401 (fixture)


def _setup(cli, tmp_path):  # noqa: F811
    with cli.session() as s:
        world = factories.World.build(s)
        zaak = due_zaak(s, world, kept_zaaktype(s, world.afdeling), cli.store, tmp_path)
        return zaak.identificatie, world.archivaris.username, world.medewerker.username


def test_export_confirm_and_list(cli, tmp_path, monkeypatch):  # noqa: F811
    configure(monkeypatch)
    identificatie, archivaris, _ = _setup(cli, tmp_path)
    out = tmp_path / "sip"
    result = cli(
        "transfer", "export", "--out", str(out), "--zip", "--op", PEILDATUM.isoformat(),
        "--door", archivaris,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Pakket samenstellen" in result.output  # the progress bar (stderr, mixed in)
    with cli.session() as s:
        transfer = s.scalars(select(Overbrenging)).one()
        package, overbrenging_id = Path(transfer.pakket_pad), transfer.id
        assert Path(transfer.zip_pad).is_file()
    assert f"Overbrenging {overbrenging_id} geëxporteerd" in result.output
    bagit.Bag(str(package)).validate()

    listed = cli("transfer", "list", "--json")
    assert listed.exit_code == 0, listed.output
    body = json.loads(listed.output)
    assert body["count"] == 1 and body["results"][0]["zaken"] == [identificatie]
    assert body["results"][0]["status"] == "geexporteerd"

    confirmed = cli("transfer", "confirm", str(overbrenging_id), "--toelichting", "OK e-Depot")
    assert confirmed.exit_code == 0, confirmed.output
    assert identificatie in confirmed.output
    with cli.session() as s:
        zaak = s.scalars(select(Zaak).where(Zaak.identificatie == identificatie)).one()
        assert zaak.archiefstatus == "overgedragen"
    again = cli("transfer", "confirm", str(overbrenging_id))
    assert again.exit_code == 1 and "al bevestigd" in again.output
    assert "Traceback" not in again.output
    assert "bevestigd" in cli("transfer", "list").output


def test_refusals_are_messages_not_tracebacks(cli, tmp_path, monkeypatch):  # noqa: F811
    configure(monkeypatch)
    _, archivaris, medewerker = _setup(cli, tmp_path)
    out = tmp_path / "sip"
    forbidden = cli("transfer", "export", "--out", str(out), "--door", medewerker)
    assert forbidden.exit_code == 1 and "archivaris" in forbidden.output
    nothing = cli("transfer", "export", "--out", str(out), "--op", "2030-01-01")
    assert nothing.exit_code == 1 and "geen zaken" in nothing.output
    assert not out.exists() or list(out.iterdir()) == []
    unknown = cli("transfer", "confirm", "4242")
    assert unknown.exit_code == 1 and "bestaat niet" in unknown.output
    bad = cli("transfer", "confirm", "abc")
    assert bad.exit_code == 2
    monkeypatch.delenv("ARCHIEFVORMER")
    missing = cli("transfer", "export", "--out", str(out), "--op", PEILDATUM.isoformat())
    assert missing.exit_code == 1 and "ARCHIEFVORMER" in missing.output
    for result in (forbidden, nothing, unknown, missing):
        assert "Traceback" not in result.output
