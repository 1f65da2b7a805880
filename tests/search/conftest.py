"""Fixtures for search tests: every test that asks for ``backend`` runs twice, on a real
Whoosh index in tmp_path and on the PostgreSQL backend (its tables in the test's own
database, inside the test's transaction) — the latter only when the tests run on
PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import date

import pytest

from archive.zaken import BetrokkeneGegevens, add_betrokkene
from search.backend import SearchBackend
from search.worker import process_outbox, rebuild_from_database
from tests import corpus, factories
from tests.databases import backend as database_backend

BACKENDS = ["whoosh", "postgres"]


def make_backend(kind: str, request, tmp_path) -> SearchBackend:
    """A fresh, empty backend of ``kind`` for this test (``postgres`` needs PostgreSQL)."""
    if kind == "whoosh":
        from search.whoosh_backend import WhooshBackend

        return WhooshBackend(tmp_path / "index")
    if database_backend() != "postgresql":
        pytest.skip("the PostgreSQL search backend needs TEST_DATABASE_URL=postgresql+…")
    from search.postgres_backend import PostgresBackend

    db = request.getfixturevalue("db")
    made = PostgresBackend(lambda: db, close_sessions=False)
    made.ensure_schema()
    return made


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> SearchBackend:
    return make_backend(request.param, request, tmp_path)


@pytest.fixture
def sync(db, backend):
    """Apply the outbox of the test's session to the index (what the worker does)."""

    def run() -> int:
        return process_outbox(lambda: db, backend, close_sessions=False)

    rebuild_from_database(lambda: db, backend, close_sessions=False)
    return run


class Builder:
    """Zaken, persons and documents through the real services."""

    def __init__(self, db, world, store, tmp_path):
        self.db, self.world, self.store, self.tmp = db, world, store, tmp_path
        self.n = 0

    def zaak(self, omschrijving="Testzaak", *, afdeling=None, actor=None, **kwargs):
        return factories.make_zaak(
            self.db,
            actor or self.world.medewerker,
            zaaktype=kwargs.pop("zaaktype", self.world.zaaktype),
            afdeling=afdeling or self.world.afdeling,
            omschrijving=omschrijving,
            **kwargs,
        )

    def persoon(self, zaak, *, bsn=None, voornamen="Piet", geslachtsnaam="Jansen", **kw):
        return add_betrokkene(
            self.db,
            self.world.medewerker,
            zaak,
            BetrokkeneGegevens(
                type="natuurlijk_persoon",
                bsn=bsn,
                voornamen=voornamen,
                geslachtsnaam=geslachtsnaam,
                geboortedatum=kw.pop("geboortedatum", date(1980, 5, 17)),
                **kw,
            ),
            rol="belanghebbende",
        ).betrokkene

    def document(self, zaak, text, *, titel=None, actor=None, iot=None, **gegevens):
        self.n += 1
        path = corpus.normal_pdf(self.tmp / f"doc{self.n}.pdf", text=text, pages=1)
        return factories.file(
            self.db,
            actor or self.world.medewerker,
            zaak,
            path,
            iot or self.world.iot,
            self.store,
            titel=titel or f"Document {self.n}",
            **gegevens,
        ).document


@pytest.fixture
def build(db, world, store, tmp_path) -> Builder:
    return Builder(db, world, store, tmp_path)
