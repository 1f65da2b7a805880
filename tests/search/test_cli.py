"""The search commands: search, reindex, index worker and index status.

Like tests/web/test_cli.py: the commands open their own connections and commit, so each
test has a database of its own (``isolated_database``) and a data directory in tmp_path.
Every test runs with SEARCH_BACKEND=whoosh and (on PostgreSQL) SEARCH_BACKEND=postgres.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from archive.db import make_engine, make_session_factory, transaction
from archive.migrate import upgrade
from archive.models import SearchOutbox, ToegangslogRegel
from tests import corpus, factories
from tests.databases import backend as database_backend
from tests.search.conftest import BACKENDS
from web.cli import main


@dataclass
class Cli:
    runner: CliRunner
    factory: object
    data_dir: Path
    search_backend: str

    def __call__(self, *args: str) -> Result:
        result = self.runner.invoke(main, list(args), catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    def session(self):
        return transaction(self.factory)


@pytest.fixture(params=BACKENDS)
def cli(request, isolated_database, tmp_path, monkeypatch) -> Iterator[Cli]:
    if request.param == "postgres" and database_backend() != "postgresql":
        pytest.skip("the PostgreSQL search backend needs TEST_DATABASE_URL=postgresql+…")
    monkeypatch.setenv("SEARCH_BACKEND", request.param)
    data_dir = tmp_path / "var"
    monkeypatch.setenv("DOSSIERHUIS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DATABASE_URL", isolated_database)
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret")
    monkeypatch.setenv("MAX_UPLOAD_MB", "5")
    monkeypatch.delenv("SEARCH_INDEX_DIR", raising=False)
    engine = make_engine(isolated_database)
    upgrade(engine)
    try:
        yield Cli(CliRunner(), make_session_factory(engine), data_dir, request.param)
    finally:
        engine.dispose()


@dataclass
class Archief:
    zaak_noord: str
    zaak_zuid: str


@pytest.fixture
def archief(cli, tmp_path) -> Archief:
    """sanne works in noord, piet in zuid; a confidential letter filed in each zaak."""
    with cli.session() as s:
        sanne = factories.make_user(s, username="sanne")
        piet = factories.make_user(s, username="piet")
        noord, zuid = factories.make_afdeling(s), factories.make_afdeling(s)
        factories.make_member(s, noord, sanne)
        factories.make_member(s, zuid, piet)
        zaaktype = factories.make_zaaktype(s)
        factories.make_iot(s, omschrijving="Brief")
        zaak_noord = factories.make_zaak(
            s, sanne, zaaktype=zaaktype, afdeling=noord, omschrijving="Wateroverlast noord"
        )
        zaak_zuid = factories.make_zaak(
            s, piet, zaaktype=zaaktype, afdeling=zuid, omschrijving="Wateroverlast zuid"
        )
        ids = Archief(zaak_noord.identificatie, zaak_zuid.identificatie)
    for zaak, user in ((ids.zaak_noord, "sanne"), (ids.zaak_zuid, "piet")):
        pdf = corpus.normal_pdf(tmp_path / f"{user}.pdf", text="brief over de wateroverlast")
        result = cli("file", "--zaak", zaak, "--as", user, "--type", "Brief", str(pdf))
        assert result.exit_code == 0, result.output
    return ids


def found(cli, q: str, user: str, *extra: str) -> dict:
    result = cli("search", q, "--as", user, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def pending(cli) -> int:
    with cli.session() as s:
        return s.scalar(
            select(func.count(SearchOutbox.id)).where(SearchOutbox.verwerkt_op.is_(None))
        )


def test_status_without_index_exits_1_and_search_says_what_to_do(cli, archief):
    status = cli("index", "status")
    assert status.exit_code == 1
    assert "ontbreekt" in status.output and f"Wachtend:   {pending(cli)} " in status.output
    result = cli("search", "wateroverlast", "--as", "sanne")
    assert result.exit_code == 1 and "dossierhuis reindex" in result.output


def test_reindex_then_search_as_a_user_in_json(cli, archief):
    result = cli("reindex")
    assert result.exit_code == 0, result.output
    # two zaken, two documents (no persons)
    assert "Zoekindex opnieuw opgebouwd" in result.output and ": 4 item(s)." in result.output

    result = cli("search", "wateroverlast", "--as", "sanne", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["count"] == 2 and doc["pages"] == 1 and doc["count_exact"] is True
    types = sorted(r["type"] for r in doc["results"])
    assert types == ["document", "zaak"]
    zaak = next(r for r in doc["results"] if r["type"] == "zaak")
    assert zaak["identificatie"] == archief.zaak_noord
    assert archief.zaak_zuid not in result.output  # piet's zaak is not for sanne
    [afdeling] = doc["facets"]["afdeling"]
    assert afdeling["aantal"] == 2
    brief = next(r for r in doc["results"] if r["type"] == "document")
    assert {"tekst": "wateroverlast", "gemarkeerd": True} in brief["snippet"]["segmenten"]

    only = found(cli, "wateroverlast", "piet", "--type", "zaak")
    assert [r["identificatie"] for r in only["results"]] == [archief.zaak_zuid]

    text = cli("search", "wateroverlast", "--as", "sanne", "--page", "1")
    assert text.exit_code == 0 and "2 resultaat/resultaten" in text.output
    assert archief.zaak_noord in text.output

    # the confidential (zaakvertrouwelijk) items shown are in the access log, path zoeken
    with cli.session() as s:
        paden = set(s.scalars(select(ToegangslogRegel.pad)))
    assert paden == {"zoeken"}

    unknown = cli("search", "x", "--as", "niemand")
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output


def test_index_worker_once_applies_the_outbox(cli, archief, tmp_path):
    assert cli("reindex").exit_code == 0
    pdf = corpus.normal_pdf(tmp_path / "nieuw.pdf", text="spoedmelding dijkdoorbraak")
    filed = cli("file", "--zaak", archief.zaak_noord, "--as", "sanne", "--type", "Brief", str(pdf))
    assert filed.exit_code == 0, filed.output
    assert pending(cli) > 0
    assert found(cli, "dijkdoorbraak", "sanne")["count"] == 0

    result = cli("index", "worker", "--once")
    assert result.exit_code == 0, result.output
    assert "outbox-regel(s) verwerkt" in result.output
    assert pending(cli) == 0
    hit = found(cli, "dijkdoorbraak", "sanne")
    assert hit["count"] == 1 and hit["results"][0]["type"] == "document"
    status = cli("index", "status")
    assert (
        status.exit_code == 0 and "in orde" in status.output and "Wachtend:   0 " in status.output
    )


def test_index_worker_once_builds_a_missing_index(cli, archief):
    result = cli("index", "worker", "--once")
    assert result.exit_code == 0, result.output
    assert found(cli, "wateroverlast", "piet")["count"] == 2


def test_search_index_dir_from_the_environment(cli, archief, tmp_path, monkeypatch):
    elders = tmp_path / "elders"
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(elders))
    assert cli("reindex").exit_code == 0
    assert not (cli.data_dir / "index").exists()
    status = cli("index", "status")
    if cli.search_backend == "whoosh":
        assert (elders / "CURRENT").is_file()
        assert str(elders) in status.output
    else:  # the index is in the database: nothing on this server's disk
        assert not elders.exists()
        assert "PostgreSQL" in status.output and status.exit_code == 0


def test_serve_starts_the_in_process_worker_unless_extern(cli, monkeypatch):
    import waitress

    seen = []

    def fake_serve(app, **_kwargs):
        worker = app.extensions["dossierhuis.search_worker"]
        seen.append(worker)
        if worker is not None:
            assert worker.thread.is_alive()

    monkeypatch.setattr(waitress, "serve", fake_serve)
    result = cli("serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    [worker] = seen
    assert worker is not None and not worker.thread.is_alive()  # stopped when serving ends
    assert cli("index", "status").exit_code == 0  # the missing index was built
    assert (cli.data_dir / "index" / "CURRENT").is_file() == (cli.search_backend == "whoosh")

    monkeypatch.setenv("SEARCH_WORKER", "extern")
    seen.clear()
    result = cli("serve", "--port", "8123")
    assert result.exit_code == 0 and seen == [None]
    assert "dossierhuis index worker" in result.output
