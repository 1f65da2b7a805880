"""Keeping the index right: outbox worker, destruction, reindex, recovery, concurrency."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date

import pytest

from archive.db import make_engine, make_session_factory, transaction
from archive.migrate import upgrade
from archive.models import Document, SearchOutbox, Zaak
from search import service
from search.backend import IndexDocument, Rechten, ZaakLink, Zoekvraag
from search.whoosh_backend import WhooshBackend
from search.worker import (
    ensure_index,
    process_outbox,
    rebuild_from_database,
    start_in_process_worker,
)
from tests import corpus, factories
from tests.databases import backend as database_backend
from tests.search.conftest import BACKENDS


def run(db, backend, user, q=""):
    return service.search(db, user, q, backend=backend)


def snapshot(db, backend, users, queries):
    out = {}
    for user in users:
        for q in queries:
            r = run(db, backend, user, q)
            out[(user.id, q)] = (r.total, sorted(h.key for h in r.hits), r.facets)
    return out


def test_filed_document_is_found_after_the_worker_ran(db, world, build, backend, sync):
    zaak = build.zaak("Leerplicht")
    doc = build.document(zaak, "verzuimmelding van de school", titel="Verzuim")
    assert run(db, backend, world.medewerker, "verzuimmelding").total == 0
    assert sync() >= 2  # zaak and document rows
    assert [h.key for h in run(db, backend, world.medewerker, "verzuimmelding").hits] == [
        f"document:{doc.id}"
    ]
    assert db.query(SearchOutbox).filter(SearchOutbox.verwerkt_op.is_(None)).count() == 0
    assert sync() == 0  # idempotent: nothing left


def test_reprocessing_rows_is_harmless(db, world, build, backend, sync):
    zaak = build.zaak("Leerplicht")
    build.document(zaak, "verzuimmelding")
    sync()
    before = backend.all_keys()
    db.query(SearchOutbox).update({SearchOutbox.verwerkt_op: None})
    sync()
    assert backend.all_keys() == before


def test_status_change_and_betrokkene_reach_the_index(db, world, build, backend, sync):
    zaak = build.zaak("Huisbezoek")
    sync()
    build.persoon(zaak, bsn="111222333", voornamen="Karin", geslachtsnaam="Ünal")
    sync()
    hits = run(db, backend, world.medewerker, "unal").hits
    assert {h.type for h in hits} == {"zaak", "persoon"}
    assert [h.key for h in run(db, backend, world.medewerker, "111222333").hits][0] in {
        f"zaak:{zaak.id}",
        hits[0].key,
    }


def test_destroyed_records_disappear(db, world, build, backend, sync):
    zaak = build.zaak("Te vernietigen")
    doc = build.document(zaak, "vernietigbaar stuk")
    sync()
    assert run(db, backend, world.medewerker, "vernietigbaar").total == 1
    db.delete(db.get(Document, doc.id))
    db.flush()
    # before the worker ran, the page is checked against the database
    assert run(db, backend, world.medewerker, "vernietigbaar").hits == []
    db.add(SearchOutbox(object_type="document", object_id=doc.id, actie="index"))
    db.delete(db.get(Zaak, zaak.id))
    db.add(SearchOutbox(object_type="zaak", object_id=zaak.id, actie="index"))
    db.flush()
    sync()
    assert f"document:{doc.id}" not in backend.all_keys()
    assert f"zaak:{zaak.id}" not in backend.all_keys()


def test_reindex_gives_the_same_results(db, world, build, backend, sync):
    w = world
    a = build.zaak("Overlast hennepkwekerij", vertrouwelijkheidaanduiding="intern")
    b = build.zaak(
        "Hennep nazorg", afdeling=w.andere_afdeling, vertrouwelijkheidaanduiding="geheim"
    )
    build.persoon(a, bsn="111222333")
    build.document(
        a, "hennepkwekerij aangetroffen in de woning", vertrouwelijkheidaanduiding="intern"
    )
    build.document(b, "hennep en schulden", vertrouwelijkheidaanduiding="geheim")
    sync()
    users = [w.medewerker, w.lezer, w.buitenstaander, w.beheerder]
    queries = ["hennep", "woning", "111222333", "jansen", "", "type:document"]
    before = snapshot(db, backend, users, queries)
    old = backend.health().detail
    rebuild_from_database(lambda: db, backend, close_sessions=False)
    assert backend.health().detail != old
    assert snapshot(db, backend, users, queries) == before


def test_missing_index_is_detected_and_rebuilt(db, world, build, backend, sync, caplog):
    zaak = build.zaak("Signaal Informatieplein")
    sync()
    backend.destroy()
    assert backend.health().status == "missing"
    result = run(db, backend, world.medewerker, "informatieplein")
    assert result.total == 0 and result.fout
    with caplog.at_level("WARNING"):
        assert ensure_index(lambda: db, backend, close_sessions=False) == "missing"
    assert "opnieuw opgebouwd" in caplog.text
    assert [h.key for h in run(db, backend, world.medewerker, "informatieplein").hits] == [
        f"zaak:{zaak.id}"
    ]
    assert ensure_index(lambda: db, backend, close_sessions=False) == "ok"


def _corrupt(backend, db):
    """Damage the live index the way each engine can be damaged; returns the backend as a
    server would open it at start-up."""
    if isinstance(backend, WhooshBackend):
        live = backend.root / backend.health().detail
        for path in live.iterdir():
            if path.suffix in (".seg", ".trm", ".pst", ".toc"):
                path.write_bytes(b"kapot")
        return WhooshBackend(backend.root)
    from sqlalchemy import text

    from search.postgres_backend import PostgresBackend

    db.execute(text("DROP TABLE zoekitem_zaak"))  # a table lost (say, a careless restore)
    return PostgresBackend(lambda: db, close_sessions=False)


def test_corrupt_index_is_detected_and_rebuilt(db, world, build, backend, sync):
    build.zaak("Signaal Informatieplein")
    sync()
    fresh = _corrupt(backend, db)
    assert fresh.health().status == "corrupt"
    ensure_index(lambda: db, fresh, close_sessions=False)
    assert fresh.health().ok
    assert run(db, fresh, world.medewerker, "informatieplein").total == 1


def test_worker_rebuilds_when_the_index_is_gone(db, world, build, backend, sync):
    build.zaak("Nieuwe casus")
    backend.destroy()
    from search.worker import _step

    _step(lambda: db, backend, 500, False)
    assert run(db, backend, world.medewerker, "casus").total == 1


def _item(n: int) -> IndexDocument:
    return IndexDocument(
        "document",
        n,
        f"DOC-{n}",
        f"stuk {n}",
        [ZaakLink(1, 1, "A", "ZT", 0)],
        tekst=f"gelijktijdig geschreven woord{n}",
        datum=date(2024, 1, 1),
    )


WRITER = """
import sys
from datetime import date
from search.backend import IndexDocument, ZaakLink
from search.whoosh_backend import WhooshBackend
b = WhooshBackend(sys.argv[1])
for n in range(int(sys.argv[2]), int(sys.argv[3])):
    b.index([IndexDocument("document", n, f"DOC-{n}", f"stuk {n}", [ZaakLink(1, 1, "A", "ZT", 0)],
                           tekst=f"gelijktijdig geschreven woord{n}", datum=date(2024, 1, 1))])
"""


def test_concurrent_writers_queue_and_lose_nothing(tmp_path):
    """Whoosh only: the fcntl file lock between threads and a second process (the
    PostgreSQL backend's advisory lock: tests/search/test_postgres_backend.py)."""
    root = tmp_path / "index"
    WhooshBackend(root).rebuild([])
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(root), "1000", "1030"])
    errors = []

    def write(start):
        backend = WhooshBackend(root)  # its own lock file handle, like another process
        try:
            for n in range(start, start + 30):
                backend.index([_item(n)])
            backend.remove([f"document:{start}"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i * 100,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert process.wait(timeout=120) == 0
    assert errors == []
    backend = WhooshBackend(root)
    assert backend.health().ok
    expected = {f"document:{n}" for i in range(4) for n in range(i * 100 + 1, i * 100 + 30)}
    expected |= {f"document:{n}" for n in range(1000, 1030)}
    assert backend.all_keys() == expected
    rechten = Rechten({1: ("lezen", "openbaar")}, {})
    assert backend.search(Zoekvraag(q="woord1029"), rechten).total == 1


def test_search_keeps_working_during_a_rebuild(backend):
    backend.rebuild([_item(1)])
    rechten = Rechten({1: ("lezen", "openbaar")}, {})
    seen = []

    def progress(count):
        seen.append(backend.search(Zoekvraag(q="stuk"), rechten).total)

    backend.rebuild((_item(n) for n in range(1, 1200)), progress)
    assert seen and seen[0] == 1  # the old index answered while the new one was built
    assert backend.search(Zoekvraag(q="stuk"), rechten).total == 1199


@pytest.mark.concurrency
@pytest.mark.parametrize("kind", BACKENDS)
def test_in_process_worker_makes_a_filed_document_findable_quickly(
    kind, isolated_database, tmp_path
):
    if kind == "postgres" and database_backend() != "postgresql":
        pytest.skip("the PostgreSQL search backend needs TEST_DATABASE_URL=postgresql+…")
    engine = make_engine(isolated_database)
    upgrade(engine)
    factory = make_session_factory(engine)
    if kind == "whoosh":
        backend = WhooshBackend(tmp_path / "index")
    else:
        from search.postgres_backend import PostgresBackend

        backend = PostgresBackend(factory)
    with transaction(factory) as s:
        world = factories.World.build(s)
        zaak = factories.make_zaak(
            s, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
        )
    ensure_index(factory, backend)
    worker = start_in_process_worker(factory, backend, poll_interval=0.2)
    try:
        from archive.blobstore import BlobStore

        store = BlobStore(tmp_path / "blobs")
        path = corpus.normal_pdf(
            tmp_path / "brief.pdf", text="spoedeisende brief aan de burgemeester"
        )
        with transaction(factory) as s:
            user = s.merge(world.medewerker)
            factories.file(s, user, s.get(Zaak, zaak.id), path, s.merge(world.iot), store)
        assert worker.sync(timeout=2.0)
        with transaction(factory) as s:
            user = s.merge(world.medewerker)
            result = service.search(s, user, "burgemeester", backend=backend)
        assert result.total == 1 and result.hits[0].type == "document"
        worker.stop()
        assert process_outbox(factory, backend) == 0  # everything was marked
    finally:
        worker.stop()
        engine.dispose()
