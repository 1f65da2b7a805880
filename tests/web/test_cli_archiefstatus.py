"""`dossierhuis retention archiefstatus ZAAK NIEUW --door USER` on a committed database:
the allowed transitions, each refusal with its reason (exit code 1, nothing changed)."""

from __future__ import annotations

from sqlalchemy import func, select

from archive import zaken
from archive.audit import AuditEvent
from archive.models import Document, Zaak
from tests import corpus, factories
from tests.web.test_cli import cli as cli  # noqa: F401 (fixture)

ACTIE = "zaak.archiefstatus_gewijzigd"


def _opzet(cli, tmp_path, *, document_status="definitief"):  # noqa: F811
    """A closed zaak with one document, an open zaak, the archivist anna and ruud."""
    with cli.session() as s:
        ruud = factories.make_user(s, username="ruud")
        factories.make_user(s, roles=("archivaris",), username="anna")
        afdeling = factories.make_afdeling(s)
        zaaktype = factories.make_zaaktype(s)
        iot = factories.make_iot(s)
        factories.make_member(s, afdeling, ruud)
        gesloten = factories.make_zaak(s, ruud, zaaktype=zaaktype, afdeling=afdeling)
        pdf = corpus.normal_pdf(tmp_path / "brief.pdf", text="Brief")
        filed = factories.file(s, ruud, gesloten, pdf, iot, cli.store, status=document_status)
        resultaat = zaaktype.resultaattypen[0]
        resultaat.archiefnominatie = "vernietigen"
        resultaat.archiefactietermijn = "P1Y"
        zaken.close_zaak(s, ruud, gesloten, resultaattype_id=resultaat.id)
        open_ = factories.make_zaak(s, ruud, zaaktype=zaaktype, afdeling=afdeling)
        return gesloten.identificatie, open_.identificatie, filed.document.identificatie


def _state(cli, identificatie):  # noqa: F811
    with cli.session() as s:
        status = s.scalar(select(Zaak.archiefstatus).where(Zaak.identificatie == identificatie))
        events = s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.actie == ACTIE)
        )
        return status, events


def refused(result, *texts):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for text in texts:
        assert text in result.output, result.output


def test_help(cli):  # noqa: F811
    for args in (("retention", "--help"), ("retention", "archiefstatus", "--help")):
        result = cli(*args)
        assert result.exit_code == 0 and "archiefstatus" in result.output, result.output


def test_archive_a_closed_zaak(cli, tmp_path):  # noqa: F811
    gesloten, _open, _doc = _opzet(cli, tmp_path)
    result = cli("retention", "archiefstatus", gesloten, "gearchiveerd", "--door", "anna")
    assert result.exit_code == 0, result.output
    assert f"Zaak {gesloten}: archiefstatus nog te archiveren → gearchiveerd." in result.output
    assert _state(cli, gesloten) == ("gearchiveerd", 1)
    with cli.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.actie == ACTIE))
        assert event.user.username == "anna"
        assert (event.voor, event.na) == (
            {"archiefstatus": "nog_te_archiveren"},
            {"archiefstatus": "gearchiveerd"},
        )
    # once is enough; and nothing leaves gearchiveerd but the transfer
    refused(
        cli("retention", "archiefstatus", gesloten, "gearchiveerd", "--door", "anna"),
        "al gearchiveerd",
    )
    refused(
        cli("retention", "archiefstatus", gesloten, "nog_te_archiveren", "--door", "anna"),
        "geen toegestane overgang",
    )
    refused(
        cli("retention", "archiefstatus", gesloten, "overgedragen", "--door", "anna"),
        "alleen door de overbrenging",
    )
    assert _state(cli, gesloten) == ("gearchiveerd", 1)


def test_refusals_name_the_reason_and_change_nothing(cli, tmp_path):  # noqa: F811
    gesloten, open_, document = _opzet(cli, tmp_path, document_status="in_bewerking")
    run = ("retention", "archiefstatus")
    refused(cli(*run, gesloten, "gearchiveerd", "--door", "anna"), "zijn definitief", document)
    refused(cli(*run, open_, "gearchiveerd", "--door", "anna"), "Sluit de zaak eerst af")
    refused(
        cli(*run, gesloten, "gearchiveerd_procestermijn_onbekend", "--door", "anna"),
        "zijn definitief",
    )
    refused(cli(*run, gesloten, "gearchiveerd", "--door", "ruud"), "archivaris")
    refused(cli(*run, gesloten, "gearchiveerd", "--door", "niemand"), "bestaat niet")
    refused(cli(*run, "ZAAK-2099-0000001", "gearchiveerd", "--door", "anna"), "bestaat niet")
    wrong = cli(*run, gesloten, "vernietigd", "--door", "anna")
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output
    missing_door = cli(*run, gesloten, "gearchiveerd")
    assert missing_door.exit_code == 2
    assert _state(cli, gesloten) == ("nog_te_archiveren", 0)
    assert _state(cli, open_)[0] == "nog_te_archiveren"

    # with the document definitief the same command succeeds
    with cli.session() as s:
        s.scalar(select(Document).where(Document.identificatie == document)).status = "definitief"
    result = cli(*run, gesloten, "gearchiveerd", "--door", "anna")
    assert result.exit_code == 0, result.output
    assert _state(cli, gesloten) == ("gearchiveerd", 1)
