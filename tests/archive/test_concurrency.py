"""Real concurrent transactions on a database of their own (not the per-test SAVEPOINT)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from archive.db import make_engine, make_session_factory, transaction
from archive.migrate import upgrade
from archive.models import Document, User, Zaak, ZaakDocument
from archive.zaken import open_zaak
from tests import factories
from zaaktypen.models import Afdeling, InformatieObjectType, ZaakType

pytestmark = pytest.mark.concurrency
WORKERS = 8


@pytest.fixture
def shared(isolated_database):
    engine = make_engine(isolated_database, pool_size=WORKERS + 2)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        world = factories.World.build(s)
        zaak = factories.make_zaak(
            s, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
        )
        ids = {
            "user": world.medewerker.id,
            "zaaktype": world.zaaktype.id,
            "afdeling": world.afdeling.id,
            "iot": world.iot.id,
            "zaak": zaak.id,
        }
    yield factory, ids
    engine.dispose()


def _run_concurrently(fn, n: int):
    barrier = threading.Barrier(n)

    def start(i):
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(start, range(n)))


def test_concurrent_zaak_creation_never_duplicates(shared):
    factory, ids = shared

    def create(_i):
        made = []
        for _ in range(5):
            with transaction(factory) as s:
                zaak = open_zaak(
                    s,
                    s.get(User, ids["user"]),
                    zaaktype=s.get(ZaakType, ids["zaaktype"]),
                    afdeling=s.get(Afdeling, ids["afdeling"]),
                    omschrijving="gelijktijdig",
                )
                made.append(zaak.identificatie)
        return made

    results = [i for chunk in _run_concurrently(create, WORKERS) for i in chunk]
    assert len(results) == WORKERS * 5
    assert len(set(results)) == len(results)
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Zaak)) == WORKERS * 5 + 1


def test_concurrent_filing_into_one_zaak_loses_nothing(shared, tmp_path, settings):
    from archive.blobstore import BlobStore
    from tests import corpus

    factory, ids = shared
    store = BlobStore(settings.blob_dir)
    paths = []
    for i in range(WORKERS * 3):
        path = tmp_path / f"brief-{i}.pdf"
        corpus.normal_pdf(path, text=f"Brief nummer {i} over de aanpak")
        paths.append(path)

    def file_some(worker):
        made = []
        for path in paths[worker * 3 : (worker + 1) * 3]:
            with transaction(factory) as s:
                result = factories.file(
                    s,
                    s.get(User, ids["user"]),
                    s.get(Zaak, ids["zaak"]),
                    path,
                    s.get(InformatieObjectType, ids["iot"]),
                    store,
                )
                made.append(result.document.identificatie)
        return made

    results = [i for chunk in _run_concurrently(file_some, WORKERS) for i in chunk]
    assert len(set(results)) == WORKERS * 3
    with transaction(factory) as s:
        linked = s.scalar(
            select(func.count())
            .select_from(ZaakDocument)
            .where(ZaakDocument.zaak_id == ids["zaak"])
        )
        assert linked == WORKERS * 3
        for doc in s.scalars(select(Document)):
            assert store.verify(doc.laatste_versie.sha256)


def test_filing_and_creating_zaken_at_the_same_time(shared, tmp_path, settings):
    """Half the workers file into one zaak while the other half open zaken: both kinds of
    write contend for the same tables at once; nothing is lost or duplicated."""
    from archive.blobstore import BlobStore
    from tests import corpus

    factory, ids = shared
    store = BlobStore(settings.blob_dir)
    paths = [
        corpus.normal_pdf(tmp_path / f"gemengd-{i}.pdf", text=f"Gemengde brief {i}")
        for i in range(WORKERS // 2 * 3)
    ]

    def work(worker):
        made = []
        for n in range(3):
            with transaction(factory) as s:
                user = s.get(User, ids["user"])
                if worker % 2:
                    zaak = open_zaak(
                        s,
                        user,
                        zaaktype=s.get(ZaakType, ids["zaaktype"]),
                        afdeling=s.get(Afdeling, ids["afdeling"]),
                        omschrijving="gemengd",
                    )
                    made.append(("zaak", zaak.identificatie))
                else:
                    result = factories.file(
                        s,
                        user,
                        s.get(Zaak, ids["zaak"]),
                        paths[worker // 2 * 3 + n],
                        s.get(InformatieObjectType, ids["iot"]),
                        store,
                    )
                    made.append(("document", result.document.identificatie))
        return made

    results = [r for chunk in _run_concurrently(work, WORKERS) for r in chunk]
    zaken_made = [i for kind, i in results if kind == "zaak"]
    documents_made = [i for kind, i in results if kind == "document"]
    assert len(set(zaken_made)) == len(zaken_made) == WORKERS // 2 * 3
    assert len(set(documents_made)) == len(documents_made) == WORKERS // 2 * 3
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Zaak)) == WORKERS // 2 * 3 + 1
        linked = s.scalar(
            select(func.count())
            .select_from(ZaakDocument)
            .where(ZaakDocument.zaak_id == ids["zaak"])
        )
        assert linked == WORKERS // 2 * 3


def test_concurrent_transactions_of_several_audit_events_keep_one_chain(shared):
    """The head is locked once per transaction and forgotten at its end: each transaction
    writes several events, and the chain stays one unbroken line."""
    from archive import audit

    factory, ids = shared
    with transaction(factory) as s:
        before = s.scalar(select(func.count()).select_from(audit.AuditEvent))

    def work(worker):
        for n in range(3):
            with transaction(factory) as s:
                user = s.get(User, ids["user"])
                for k in range(4):
                    audit.record(s, user, "test.gebeurtenis", "test", f"{worker}-{n}-{k}")

    _run_concurrently(work, WORKERS)
    with transaction(factory) as s:
        report = audit.verify_chain(s)
        assert report.ok, report.problems
        total = s.scalar(select(func.count()).select_from(audit.AuditEvent))
        assert total == before + WORKERS * 3 * 4
