"""`dossierhuis retention due` and `complete-pending` against a committed database."""

from __future__ import annotations

import json
from datetime import date

from archive import zaken
from archive.models import Zaak
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
