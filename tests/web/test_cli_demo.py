"""`dossierhuis demo generate` against a committed database of its own."""

from __future__ import annotations

import json
import re
import stat

from sqlalchemy import func, select, text

from archive import access
from archive.models import Document, DocumentVersie, SearchOutbox, User, Zaak
from tests.databases import backend
from tests.web.test_cli import cli as cli  # noqa: F401 (fixture)
from web.cli import PASSWORD_FILE

ARGS = ("demo", "generate", "--zaken", "60", "--documenten", "80", "--personen", "30")


def _counts(cli):  # noqa: F811
    with cli.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Zaak, Document, User))


def test_generate_with_reindex_is_searchable_and_refuses_a_second_run(cli):  # noqa: F811
    result = cli(*ARGS, "--seed", "3", "--batch", "25", "--reindex")
    assert result.exit_code == 0, result.output
    assert "Klaar in" in result.output and "rijen/s" in result.output
    assert "60 zaken, 80 documenten" in result.output
    assert "Zoekindex opnieuw opgebouwd" in result.output
    assert "Traceback" not in result.output
    method = "copy" if backend() == "postgresql" else "insert"
    assert f"({method})" in result.output

    password_file = cli.data_dir / PASSWORD_FILE
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    lines = [line for line in password_file.read_text().splitlines() if not line.startswith("#")]
    passwords = dict(line.split(": ", 1) for line in lines)
    assert {"beheerder", "archivaris", "archivaris2", "auditor"} <= set(passwords)
    assert passwords["beheerder"] not in result.output  # only in the private file

    with cli.session() as s:
        assert s.scalar(select(func.count()).select_from(SearchOutbox)) == 0
        user = s.scalar(select(User).where(User.username == "medewerker001"))
        zichtbaar = next(
            d for d in s.scalars(select(Document).order_by(Document.id))
            if access.can_view_document(user, d)
        )  # fmt: skip
        versie = s.scalar(select(DocumentVersie).where(DocumentVersie.document_id == zichtbaar.id))
        zaak = zichtbaar.zaak_links[0].zaak.identificatie
        assert versie.tekst and zaak in versie.tekst  # the letter names its zaak
    found = cli("search", f'"{zaak}"', "--as", "medewerker001", "--type", "document")
    assert found.exit_code == 0, found.output
    assert zichtbaar.identificatie in found.output

    before = _counts(cli)
    again = cli(*ARGS)
    assert again.exit_code == 1
    assert "bevat al zaken" in again.output and "niets geschreven" in again.output
    assert "Traceback" not in again.output
    assert _counts(cli) == before


def test_generate_without_reindex_says_how_to_build_the_index(cli):  # noqa: F811
    result = cli(*ARGS)
    assert result.exit_code == 0, result.output
    assert "dossierhuis reindex" in result.output
    assert not (cli.data_dir / "index").exists()
    due = cli("retention", "due", "--json", "--limit", "1000")
    assert due.exit_code == 0, due.output
    printed = re.search(r"te vernietigen \(archiefactiedatum verstreken\): (\d+)", result.output)
    assert int(printed[1]) == json.loads(due.output)["count"] > 0


def test_generate_leaves_planner_statistics_for_the_loaded_tables(cli):  # noqa: F811
    """Without them PostgreSQL plans the zaken list as for an empty table (600 ms at 1M)."""
    result = cli(*ARGS)
    assert result.exit_code == 0, result.output
    with cli.session() as s:
        if backend() == "postgresql":
            analysed = s.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL "
                    "AND relname IN ('zaak', 'document', 'betrokkene', 'rol')"
                )
            )
            assert analysed == 4
        else:
            tables = set(s.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")))
            assert {"zaak", "document", "betrokkene", "rol"} <= tables


def test_generate_refuses_impossible_sizes_with_a_message(cli):  # noqa: F811
    result = cli("demo", "generate", "--zaken", "10", "--documenten", "5", "--personen", "100")
    assert result.exit_code == 1
    assert "Hoogstens 4 personen per zaak" in result.output
    assert "Traceback" not in result.output
    assert _counts(cli) == (0, 0, 0)


def test_bulk_copy_only_on_postgresql(cli):  # noqa: F811
    result = cli(*ARGS, "--bulk", "copy")
    if backend() == "postgresql":
        assert result.exit_code == 0, result.output
        assert "(copy)" in result.output
    else:
        assert result.exit_code == 1
        assert "COPY bestaat alleen op PostgreSQL" in result.output
        assert _counts(cli) == (0, 0, 0)
