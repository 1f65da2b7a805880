"""`dossierhuis hold add|lift|list` and `exception add|remove|list` on a committed database."""

from __future__ import annotations

import json
from datetime import date

from archive import zaken
from archive.models import Bevriezing, Uitzondering, Zaak
from tests import factories
from tests.web.test_cli import cli as cli  # noqa: F401 (fixture)


def _closed_zaak(cli):  # noqa: F811
    with cli.session() as s:
        user = factories.make_user(s, username="ruud")
        factories.make_user(s, roles=("archivaris",), username="anna")
        afdeling = factories.make_afdeling(s, code="OPVANG")
        zaaktype = factories.make_zaaktype(s)
        factories.make_member(s, afdeling, user)
        zaak = factories.make_zaak(
            s, user, zaaktype=zaaktype, afdeling=afdeling, startdatum=date(2024, 1, 5)
        )
        resultaat = zaaktype.resultaattypen[0]
        resultaat.archiefnominatie = "vernietigen"
        resultaat.archiefactietermijn = "P1Y"
        zaken.close_zaak(s, user, zaak, resultaattype_id=resultaat.id)
        return zaak.identificatie


def _nominatie(cli, identificatie):  # noqa: F811
    with cli.session() as s:
        zaak = s.query(Zaak).filter_by(identificatie=identificatie).one()
        return zaak.archiefnominatie, zaak.archiefnominatie_bron


def test_help_for_every_command(cli):  # noqa: F811
    for args in (
        ("hold", "--help"),
        ("hold", "add", "--help"),
        ("hold", "lift", "--help"),
        ("hold", "list", "--help"),
        ("exception", "--help"),
        ("exception", "add", "--help"),
        ("exception", "remove", "--help"),
        ("exception", "list", "--help"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)


def test_exception_add_list_remove(cli):  # noqa: F811
    ident = _closed_zaak(cli)
    assert _nominatie(cli, ident)[0] == "vernietigen"
    added = cli(
        "exception", "add", "--scope", "afdeling", "--afdeling", "OPVANG",
        "--omschrijving", "hotspot Asielopvang 2026", "--toelichting", "Belang",
        "--besluit", "B&W 2026/123", "--door", "anna",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "1 zaak/zaken herberekend" in added.output
    nominatie, bron = _nominatie(cli, ident)
    assert nominatie == "blijvend_bewaren" and bron.endswith("besluit B&W 2026/123")
    listed = cli("exception", "list", "--json")
    body = json.loads(listed.output)
    uid = body["results"][0]["id"]
    assert body["results"][0]["bereik"] == "afdeling OPVANG"
    removed = cli("exception", "remove", str(uid), "--door", "anna")
    assert removed.exit_code == 0, removed.output
    assert _nominatie(cli, ident)[0] == "vernietigen"
    assert "0 uitzondering" in cli("exception", "list").output
    again = cli("exception", "remove", str(uid), "--door", "anna")
    assert again.exit_code == 1 and "al verwijderd" in again.output


def test_exception_bad_input_and_forbidden_user(cli):  # noqa: F811
    _closed_zaak(cli)
    base = ("exception", "add", "--omschrijving", "x", "--toelichting", "y", "--besluit", "z")
    bad = cli(*base, "--scope", "periode", "--van", "2024-02-01", "--tot", "2024-01-01",
              "--door", "anna")  # fmt: skip
    assert bad.exit_code == 1 and "periode_tot" in bad.output and "Traceback" not in bad.output
    wrong_date = cli(*base, "--scope", "periode", "--van", "2024-02-30", "--door", "anna")
    assert wrong_date.exit_code == 2
    forbidden = cli(*base, "--scope", "afdeling", "--afdeling", "OPVANG", "--door", "ruud")
    assert forbidden.exit_code == 1 and "archivaris" in forbidden.output
    unknown = cli(*base, "--scope", "afdeling", "--afdeling", "OPVANG", "--door", "niemand")
    assert unknown.exit_code == 1 and "bestaat niet" in unknown.output
    with cli.session() as s:
        assert s.query(Uitzondering).count() == 0


def test_hold_add_list_lift(cli):  # noqa: F811
    ident = _closed_zaak(cli)
    added = cli(
        "hold", "add", "--zaak", ident, "--grond", "woo_verzoek", "--reden", "Woo-verzoek",
        "--eigenaar", "ruud", "--kenmerk", "WOO-7", "--door", "anna",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = cli("hold", "list")
    assert "1 geldende bevriezing" in listed.output and ident in listed.output
    body = json.loads(cli("hold", "list", "--json").output)
    hid = body["results"][0]["id"]
    assert body["rapport"]["per_grond"]["woo_verzoek"] == 1
    assert ident in cli("hold", "list", "--csv").output
    refused = cli("hold", "lift", str(hid), "--toelichting", "klaar", "--door", "ruud")
    assert refused.exit_code == 1 and "archivaris" in refused.output
    lifted = cli("hold", "lift", str(hid), "--toelichting", "Besluit verzonden", "--door", "anna")
    assert lifted.exit_code == 0, lifted.output
    assert "0 geldende" in cli("hold", "list").output
    assert "(opgeheven)" in cli("hold", "list", "--alle").output
    missing = cli("hold", "lift", "99999", "--toelichting", "x", "--door", "anna")
    assert missing.exit_code == 1 and "bestaat niet" in missing.output


def test_hold_bad_input(cli):  # noqa: F811
    ident = _closed_zaak(cli)
    base = ("hold", "add", "--grond", "rechtszaak", "--eigenaar", "ruud", "--door", "anna")
    empty = cli(*base, "--zaak", ident, "--reden", "  ")
    assert empty.exit_code == 1 and "reden" in empty.output
    unknown = cli(*base, "--zaak", "ZAAK-2099-0000001", "--reden", "r")
    assert unknown.exit_code == 1 and "bestaat niet" in unknown.output
    future = cli(*base, "--zaak", ident, "--reden", "r", "--startdatum", "2999-01-01")
    assert future.exit_code == 1 and "startdatum" in future.output
    with cli.session() as s:
        assert s.query(Bevriezing).count() == 0
