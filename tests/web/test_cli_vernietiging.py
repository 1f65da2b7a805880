"""`dossierhuis destruction …` from creation to the verklaring, against a committed
database; refusals are a message and exit code 1, never a traceback."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from archive.models import Document, Zaak
from retention import vernietiging
from tests import factories
from tests import vernietiging_helpers as h
from tests.web.test_cli import cli as cli  # noqa: F401 (fixture)


@pytest.fixture
def opzet(cli, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv(vernietiging.BEDENKTIJD_ENV, "0")
    with cli.session() as s:
        world = factories.World.build(s)
        c = h.cast(s, world)
        zaaktype = h.make_zaaktype(s, world)
        archief = h.build(s, world, zaaktype, cli.store, tmp_path, n=2, commit=False)
        names = {
            "auteur": c.auteur.username,
            "tweede": c.tweede.username,
            "beoordelaar": c.beoordelaar.username,
            "medewerker": world.medewerker.username,
            "afdeling": world.afdeling.code,
        }
        return names, [z.identificatie for z in archief.due]


def ok(result):
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def refused(result, text: str):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert text in result.output, result.output


def test_a_list_from_creation_to_verklaring(cli, opzet):  # noqa: F811
    u, due = opzet
    out = ok(
        cli(
            "destruction", "create", "--as", u["auteur"], "--naam", "CLI-lijst",
            "--afdeling", u["afdeling"], "--beoordelaar", u["beoordelaar"],
        )
    )  # fmt: skip
    assert "2 zaak/zaken" in out
    lijst = out.split()[1]
    ok(cli("destruction", "submit", lijst, "--as", u["auteur"]))
    out = ok(
        cli(
            "destruction", "review", lijst, "--as", u["beoordelaar"],
            "--uitsluiten", f"{due[0]}=Klacht loopt nog",
        )
    )  # fmt: skip
    assert "wijzigingen gevraagd" in out
    refused(cli("destruction", "submit", lijst, "--as", u["auteur"]), "Beantwoord eerst")
    refused(
        cli("destruction", "answer", lijst, due[0], "--as", u["auteur"], "--besluit", "handhaven"),
        "antwoord",
    )
    ok(
        cli(
            "destruction", "answer", lijst, due[0], "--as", u["auteur"],
            "--besluit", "handhaven", "--antwoord", "Klacht is afgehandeld",
        )
    )  # fmt: skip
    ok(cli("destruction", "submit", lijst, "--as", u["auteur"]))
    assert "goedgekeurd" in ok(cli("destruction", "review", lijst, "--as", u["beoordelaar"]))
    refused(cli("destruction", "approve", lijst, "--as", u["auteur"]), "vier ogen")
    assert "bedenktijd tot" in ok(cli("destruction", "approve", lijst, "--as", u["tweede"]))
    refused(cli("destruction", "execute", lijst, "--as", u["medewerker"]), "archivaris")
    out = ok(cli("destruction", "execute", lijst, "--as", u["tweede"]))
    assert "2 zaak/zaken vernietigd" in out and "Verklaring van vernietiging: DOC-" in out
    shown = json.loads(ok(cli("destruction", "show", lijst, "--as", u["auteur"], "--json")))
    assert shown["status"] == "vernietigd"
    assert [z["status"] for z in shown["zaken"]] == ["vernietigd", "vernietigd"]
    assert shown["zaken"][0]["opmerkingen"][0]["antwoord"] == "handhaven"
    assert len(shown["verklaring"]) == 2
    listed = ok(cli("destruction", "list", "--as", u["auteur"], "--status", "vernietigd"))
    assert "CLI-lijst" in listed
    with cli.session() as s:
        assert s.scalar(select(Zaak).where(Zaak.identificatie.in_(due))) is None
        docs = s.scalars(select(Document).where(Document.identificatie.in_(shown["verklaring"])))
        assert len(list(docs)) == 2
    refused(cli("destruction", "cancel", lijst, "--as", u["auteur"], "--reden", "x"), "afbreken")


def test_refusals_are_clear(cli, opzet):  # noqa: F811
    u, _due = opzet
    refused(cli("destruction", "create", "--as", u["medewerker"], "--naam", "X"), "archivaris")
    refused(cli("destruction", "create", "--as", "niemand", "--naam", "X"), "bestaat niet")
    refused(
        cli("destruction", "create", "--as", u["auteur"], "--naam", "X", "--zaaktype", "GEEN"),
        "zaaktype",
    )
    refused(cli("destruction", "show", "999", "--as", u["auteur"]), "bestaat niet")
    refused(cli("destruction", "list", "--as", u["medewerker"]), "archivarissen")
    out = ok(cli("destruction", "create", "--as", u["auteur"], "--naam", "Y"))
    lijst = out.split()[1]
    refused(cli("destruction", "submit", lijst, "--as", u["auteur"]), "beoordelaar")
    refused(cli("destruction", "execute", lijst, "--as", u["auteur"]), "uitvoeren")
    refused(
        cli("destruction", "review", lijst, "--as", u["auteur"], "--uitsluiten", "zonder"),
        "ZAAK-ID=reden",
    )
    # a reviewer not named on this list does not see it
    refused(cli("destruction", "review", lijst, "--as", u["beoordelaar"]), "bestaat niet")
    bad = cli("destruction", "create", "--as", u["auteur"], "--naam", "Z", "--voor", "2024-02-30")
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    ok(cli("destruction", "cancel", lijst, "--as", u["tweede"], "--reden", "Proef"))
    assert "afgebroken" in ok(cli("destruction", "show", lijst, "--as", u["auteur"]))
