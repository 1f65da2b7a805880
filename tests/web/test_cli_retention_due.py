"""`dossierhuis retention due` names what already has a due zaak in hand — a destruction
list, a transfer package awaiting confirmation, a legal hold — so its count and what
`destruction create` / `transfer export` take can be told apart."""

from __future__ import annotations

import json

from retention import bevriezingen, vernietiging
from retention import overbrenging as ob
from tests import factories
from tests import vernietiging_helpers as h
from tests.overbrenging_helpers import PEILDATUM, configure, due_zaak, kept_zaaktype
from tests.web.test_cli import cli as cli  # noqa: F401 (fixture)


def ok(result):
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def test_destruction_list_is_noted(cli, tmp_path):  # noqa: F811
    with cli.session() as s:
        world = factories.World.build(s)
        c = h.cast(s, world)
        archief = h.build(s, world, h.make_zaaktype(s, world), cli.store, tmp_path, n=2)
        eerste, tweede = (z.identificatie for z in archief.due)
        lijst = vernietiging.create_list(
            s, c.auteur, naam="Lijst", selectie=vernietiging.Selectie()
        )
        vernietiging.remove_item(s, c.auteur, lijst, tweede, reden="Nog nodig")
        lijst_id = lijst.id
    body = json.loads(ok(cli("retention", "due", "--json")))
    notes = {r["identificatie"]: r["in_behandeling"] for r in body["results"]}
    assert notes == {eerste: [f"op vernietigingslijst {lijst_id}"], tweede: []}
    lines = ok(cli("retention", "due")).splitlines()
    assert [line for line in lines if line.startswith(eerste)][0].endswith(
        f"[op vernietigingslijst {lijst_id}]"
    )
    assert "[" not in [line for line in lines if line.startswith(tweede)][0]


def test_transfer_package_and_hold_are_noted(cli, tmp_path, monkeypatch):  # noqa: F811
    configure(monkeypatch)
    with cli.session() as s:
        world = factories.World.build(s)
        zaaktype = kept_zaaktype(s, world.afdeling)
        verpakt, bevroren, vrij = (
            due_zaak(s, world, zaaktype, cli.store, tmp_path, omschrijving=naam)
            for naam in ("Verpakt", "Bevroren", "Vrij")
        )
        pakket = ob.export(
            s,
            world.archivaris,
            out_dir=tmp_path / "out",
            store=cli.store,
            selectie=ob.Selectie(identificaties=(verpakt.identificatie,)),
            today=PEILDATUM,
        )
        bevriezingen.place_hold(
            s,
            world.archivaris,
            bevriezingen.BevriezingGegevens(
                grond="woo_verzoek",
                reden="Woo",
                eigenaar=world.archivaris.username,
                zaak=bevroren.identificatie,
            ),
        )
        idents = verpakt.identificatie, bevroren.identificatie, vrij.identificatie
        naam = pakket.naam
    out = ok(
        cli("retention", "due", "--soort", "overbrengen", "--op", PEILDATUM.isoformat(), "--json")
    )
    notes = {r["identificatie"]: r["in_behandeling"] for r in json.loads(out)["results"]}
    # a held zaak is not due for transfer at all (as for ``transfer export``); the one in
    # an unconfirmed package is due, but noted
    assert notes == {idents[0]: [f"in overbrenging {naam}"], idents[2]: []}
