"""Fixtures for search tests: a real Whoosh index in tmp_path on the test database."""

from __future__ import annotations

from datetime import date

import pytest

from archive.zaken import BetrokkeneGegevens, add_betrokkene
from search.whoosh_backend import WhooshBackend
from search.worker import process_outbox, rebuild_from_database
from tests import corpus, factories


@pytest.fixture
def backend(tmp_path) -> WhooshBackend:
    return WhooshBackend(tmp_path / "index")


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
