"""`dossierhuis retention due`, `complete-pending`, `hoofdzaak` and `recompute` against a
committed database."""

from __future__ import annotations

import json
from datetime import date

from archive import zaken
from archive.models import User, Zaak
from tests import factories
from tests.web.test_cli import cli as cli  # noqa: F401 (fixture)
from zaaktypen import durations


def _closed_zaak(cli):  # noqa: F811
    with cli.session() as s:
        user = factories.make_user(s, username="ruud")
        afdeling = factories.make_afdeling(s)
        zaaktype = factories.make_zaaktype(s)
        factories.make_member(s, afdeling, user)
        zaak = factories.make_zaak(s, user, zaaktype=zaaktype, afdeling=afdeling)
        resultaat = zaaktype.resultaattypen[0]
        resultaat.archiefnominatie = "vernietigen"
        resultaat.archiefactietermijn = "P1Y"
        zaken.close_zaak(s, user, zaak, resultaattype_id=resultaat.id)
        return zaak.identificatie, zaak.archiefactiedatum


def test_retention_due_lists_what_is_due_on_a_date(cli):  # noqa: F811
    identificatie, actiedatum = _closed_zaak(cli)
    assert actiedatum == durations.parse("P1Y").add_to(date.today())
    nothing = cli("retention", "due")
    assert nothing.exit_code == 0 and nothing.output.startswith("0 ")
    later = cli("retention", "due", "--op", actiedatum.isoformat(), "--json")
    assert later.exit_code == 0, later.output
    body = json.loads(later.output)
    assert body["count"] == 1
    assert body["results"][0]["identificatie"] == identificatie
    assert body["results"][0]["archiefactiedatum"] == actiedatum.isoformat()


def test_retention_complete_pending(cli):  # noqa: F811
    identificatie, _ = _closed_zaak(cli)
    with cli.session() as s:
        zaak = s.query(Zaak).filter_by(identificatie=identificatie).one()
        zaak.archiefactiedatum = None
        zaak.archief_wacht_op = "handmatige brondatum"
    result = cli("retention", "complete-pending")
    assert result.exit_code == 0 and "1 berekening" in result.output
    with cli.session() as s:
        assert s.query(Zaak).filter_by(identificatie=identificatie).one().archiefactiedatum


def test_retention_due_refuses_a_bad_date(cli):  # noqa: F811
    result = cli("retention", "due", "--op", "2024-02-30")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# -- hoofdzaak and recompute -------------------------------------------------------------


def _deelzaak_en_hoofdzaak(cli):  # noqa: F811
    """An open hoofdzaak and a deelzaak closed with a resultaat deriving its brondatum from
    the hoofdzaak (vernietigen, P10Y); a user of another department owns a third zaak."""
    with cli.session() as s:
        user = factories.make_user(s, username="ruud")
        lezer = factories.make_user(s, username="lieke")
        ander = factories.make_user(s, username="otto")
        afdeling = factories.make_afdeling(s)
        andere = factories.make_afdeling(s)
        zaaktype = factories.make_zaaktype(s, resultaten=("Afgehandeld", "Deelzaak"))
        factories.make_member(s, afdeling, user)
        factories.make_member(s, afdeling, lezer, rol="lezen")
        factories.make_member(s, andere, ander)
        afgehandeld, deelzaak = zaaktype.resultaattypen
        for rt in (afgehandeld, deelzaak):
            rt.archiefnominatie = "vernietigen"
            rt.archiefactietermijn = "P10Y"
        deelzaak.afleidingswijze = "hoofdzaak"
        s.flush()
        hoofd = factories.make_zaak(
            s, user, zaaktype=zaaktype, afdeling=afdeling, startdatum=date(2024, 1, 2)
        )
        deel = factories.make_zaak(
            s, user, zaaktype=zaaktype, afdeling=afdeling, startdatum=date(2024, 1, 3)
        )
        verborgen = factories.make_zaak(
            s, ander, zaaktype=zaaktype, afdeling=andere, startdatum=date(2024, 1, 3)
        )
        zaken.close_zaak(s, user, deel, resultaattype_id=deelzaak.id, einddatum=date(2024, 6, 1))
        assert deel.archief_wacht_op == "einddatum van de hoofdzaak"
        return hoofd.identificatie, deel.identificatie, verborgen.identificatie, afgehandeld.id


def _zaak(cli, identificatie):  # noqa: F811
    with cli.session() as s:
        zaak = s.query(Zaak).filter_by(identificatie=identificatie).one()
        return zaak.hoofdzaak_id, zaak.brondatum, zaak.archiefactiedatum, zaak.archief_wacht_op


def test_retention_hoofdzaak_links_and_the_deelzaak_follows(cli):  # noqa: F811
    hoofd, deel, _verborgen, afgehandeld = _deelzaak_en_hoofdzaak(cli)
    linked = cli("retention", "hoofdzaak", deel, hoofd, "--door", "ruud")
    assert linked.exit_code == 0, linked.output
    assert f"deelzaak van {hoofd}" in linked.output
    assert "wacht op: einddatum van de hoofdzaak" in linked.output
    assert _zaak(cli, deel)[1:] == (None, None, "einddatum van de hoofdzaak")
    with cli.session() as s:
        zaak = s.query(Zaak).filter_by(identificatie=hoofd).one()
        ruud = s.query(User).filter_by(username="ruud").one()
        zaken.close_zaak(s, ruud, zaak, resultaattype_id=afgehandeld, einddatum=date(2025, 1, 15))
    assert _zaak(cli, deel)[1:] == (date(2025, 1, 15), date(2035, 1, 15), None)
    cleared = cli("retention", "hoofdzaak", deel, "--geen", "--door", "ruud")
    assert cleared.exit_code == 0, cleared.output
    assert _zaak(cli, deel) == (None, None, None, "einddatum van de hoofdzaak")


def test_retention_hoofdzaak_refusals(cli):  # noqa: F811
    hoofd, deel, verborgen, _ = _deelzaak_en_hoofdzaak(cli)
    with cli.session() as s:
        ruud = s.query(User).filter_by(username="ruud").one()
        zaak = s.query(Zaak).filter_by(identificatie=hoofd).one()
        derde = factories.make_zaak(
            s, ruud, zaaktype=zaak.zaaktype, afdeling=zaak.afdeling, startdatum=date(2024, 2, 1)
        ).identificatie
    cases = [
        (("retention", "hoofdzaak", deel, deel, "--door", "ruud"), 1, "niet de zaak zelf"),
        (("retention", "hoofdzaak", deel, verborgen, "--door", "ruud"), 1, "bestaat niet"),
        (("retention", "hoofdzaak", deel, "ZAAK-1999-9999", "--door", "ruud"), 1, "bestaat niet"),
        (("retention", "hoofdzaak", verborgen, hoofd, "--door", "ruud"), 1, "bestaat niet"),
        (("retention", "hoofdzaak", deel, hoofd, "--door", "lieke"), 1, "niet wijzigen"),
        (("retention", "hoofdzaak", deel, hoofd, "--door", "niemand"), 1, "bestaat niet"),
        (("retention", "hoofdzaak", deel, "--door", "ruud"), 2, "HOOFDZAAK"),
        (("retention", "hoofdzaak", deel, hoofd, "--geen", "--door", "ruud"), 2, "HOOFDZAAK"),
    ]
    for args, code, message in cases:
        result = cli(*args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.output and "Traceback" not in result.output, args
    assert _zaak(cli, deel)[0] is None
    assert cli("retention", "hoofdzaak", deel, hoofd, "--door", "ruud").exit_code == 0
    keten = cli("retention", "hoofdzaak", hoofd, deel, "--door", "ruud")
    assert keten.exit_code == 1 and "geen deelzaak" in keten.output  # no chains, no cycles
    boven = cli("retention", "hoofdzaak", hoofd, derde, "--door", "ruud")
    assert boven.exit_code == 1 and "geen deelzaak worden" in boven.output  # a hoofdzaak stays
    assert _zaak(cli, hoofd)[0] is None


def test_retention_recompute_applies_a_changed_transfer_term(cli, monkeypatch):  # noqa: F811
    monkeypatch.setenv("OVERBRENGINGSTERMIJN", "P20Y")
    with cli.session() as s:
        user = factories.make_user(s, username="ruud")
        afdeling = factories.make_afdeling(s, code="BEWAAR")
        factories.make_afdeling(s, code="LEEG")
        zaaktype = factories.make_zaaktype(s)
        factories.make_member(s, afdeling, user)
        zaak = factories.make_zaak(
            s, user, zaaktype=zaaktype, afdeling=afdeling, startdatum=date(2024, 1, 2)
        )
        resultaat = zaaktype.resultaattypen[0]
        resultaat.archiefnominatie = "blijvend_bewaren"
        zaken.close_zaak(s, user, zaak, resultaattype_id=resultaat.id, einddatum=date(2024, 2, 29))
        assert zaak.archiefactiedatum == date(2044, 2, 29)  # due for transfer after P20Y
        identificatie = zaak.identificatie
    monkeypatch.setenv("OVERBRENGINGSTERMIJN", "P10Y")
    elsewhere = cli("retention", "recompute", "--afdeling", "LEEG")
    assert elsewhere.exit_code == 0 and "0 zaak/zaken gewijzigd" in elsewhere.output
    assert _zaak(cli, identificatie)[2] == date(2044, 2, 29)
    result = cli("retention", "recompute", "--afdeling", "bewaar")
    assert result.exit_code == 0, result.output
    assert "1 zaak/zaken gewijzigd" in result.output
    assert _zaak(cli, identificatie)[2] == date(2034, 2, 28)
    again = cli("retention", "recompute")
    assert again.exit_code == 0 and "0 zaak/zaken gewijzigd" in again.output
    unknown = cli("retention", "recompute", "--afdeling", "NERGENS")
    assert unknown.exit_code == 1 and "bestaat niet" in unknown.output
    monkeypatch.setenv("OVERBRENGINGSTERMIJN", "tien jaar")
    bad = cli("retention", "recompute")
    assert bad.exit_code == 1 and "ISO 8601" in bad.output
    assert _zaak(cli, identificatie)[2] == date(2034, 2, 28)


def test_help_of_the_new_commands(cli):  # noqa: F811
    for command in ("hoofdzaak", "recompute"):
        result = cli("retention", command, "--help")
        assert result.exit_code == 0, result.output
