"""Retention benchmark: the due-for-destruction selection, executing a destruction list,
and exporting a transfer package — through the real services, on a generated archive.

    # (a) read-only, safe on the real benchmark database
    .venv/bin/python benchmarks/retention_bench.py --select \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m

    # (b) and (c) write and destroy: only on a copy, with a data directory of its own
    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE bench_1m_destroy TEMPLATE bench_1m'
    .venv/bin/python benchmarks/retention_bench.py --destroy 10000 --export 1000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m_destroy \\
        --source-data-dir /work/bench/1m --data-dir /tmp/bench_1m_destroy

(a) ``--select``: what the archivist's screens and ``dossierhuis retention due`` ask —
``retention.werkvoorraad.due`` (the exact count of everything due for destruction and the
first page of 100), ``werkvoorraad.counts`` (the dashboard tiles, four counts) — and what a
new destruction list takes, ``retention.vernietiging.select_due`` (up to 10,000 zaken,
each checked for holds and exceptions). ``--repeat`` times each; the median is reported.

(b) ``--destroy N``: a destruction list of the next N due zaken through every step of the
service — ``create_list`` (with a reviewer), ``submit``, ``review`` (akkoord), ``approve``
by a second archivaris, and ``execute`` once the bedenktijd has passed (via ``now``) —
which deletes the zaken with their rows and own documents, removes their blobs and files
the verklaring van vernietiging. Each run destroys a fresh set, so ``--repeat`` runs need
``repeat × N`` due zaken in the copy.

(c) ``--export N``: ``retention.overbrenging.export`` of the next N zaken due for
transfer (MDTO XML per zaak, document and file, validated against the XSD; blobs copied
and hashed; BagIt manifest), committed; ``--zip`` adds the zip.

Writes are refused unless the database name contains ``destroy`` or ``copy`` (or
``--allow-writes``), so bench_1m itself is never touched. Blobs: ``--data-dir`` gets a blob
store of its own; with ``--source-data-dir`` the blobs of the documents the runs will use
are hard-linked from the source store first (a hard link is a second name: destruction
removes only the copy's name, never the source's content; copied when on another file
system). The actors are created in the copy through the services: two archivarissen and a
reviewer (beheerder).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import _benchlib as bl
from sqlalchemy import func, select

from archive.blobstore import BlobStore
from archive.db import make_engine, make_session_factory
from archive.models import Document, DocumentVersie, User, Zaak, ZaakDocument

AUTEUR, GOEDKEURDER, BEOORDELAAR = "bench-archivaris", "bench-archivaris2", "bench-beoordelaar"
MAX_BYTES = 100 * 1024 * 1024


def _archivaris(session) -> User:
    """An existing archivaris (read-only runs create nobody)."""
    for user in session.scalars(select(User).order_by(User.id)):
        if "archivaris" in (user.roles or []) and user.active:
            return user
    raise SystemExit(
        "no archivaris in this database (generate it with 'dossierhuis demo generate')"
    )


def ensure_actors(factory) -> None:
    from archive import users

    session = factory()
    try:
        for username, rol in (
            (AUTEUR, "archivaris"),
            (GOEDKEURDER, "archivaris"),
            (BEOORDELAAR, "beheerder"),
        ):
            if session.scalar(select(User.id).where(User.username == username)) is None:
                users.create_user(
                    session,
                    None,
                    username=username,
                    naam=f"Benchmark {username}",
                    password=users.generate_password(),
                    roles=[rol],
                )
        session.commit()
    finally:
        session.close()


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


# -- (a) selection --------------------------------------------------------------------------


def bench_select(factory, repeat: int, today: date) -> list[dict]:
    from retention import vernietiging, werkvoorraad

    rows = []
    measures = {
        "werkvoorraad.due (count + page of 100)": lambda s, a: werkvoorraad.due(
            s, a, "vernietigen", today=today, limit=100
        )[0],
        "werkvoorraad.counts (4 tiles)": lambda s, a: werkvoorraad.counts(s, a, today=today)[
            "vernietigen"
        ],
        "vernietiging.select_due (≤ 10,000)": lambda s, a: len(
            vernietiging.select_due(s, a, vernietiging.Selectie(), today=today)
        ),
    }
    for name, fn in measures.items():
        times, found = [], None
        for r in range(repeat + 1):  # the first run warms the caches, not counted
            session = factory()
            try:
                actor = _archivaris(session)
                t0 = time.perf_counter()
                found = fn(session, actor)
                took = time.perf_counter() - t0
            finally:
                session.rollback()
                session.close()
            if r:
                times.append(took)
            print(f"  {name}: {took:.3f} s ({found:,})", file=sys.stderr, flush=True)
        rows.append(
            {"measure": name, "zaken": found, "seconds": statistics.median(times), "runs": times}
        )
    return rows


# -- blobs for the writing runs -------------------------------------------------------------


def link_blobs(factory, source: BlobStore, target: BlobStore, zaak_ids: list[int]) -> int:
    """Hard-link (or copy) the blobs of the documents in ``zaak_ids`` into ``target``."""
    session = factory()
    linked = 0
    try:
        for start in range(0, len(zaak_ids), 5000):
            chunk = zaak_ids[start : start + 5000]
            shas = session.scalars(
                select(DocumentVersie.sha256)
                .join(ZaakDocument, ZaakDocument.document_id == DocumentVersie.document_id)
                .where(ZaakDocument.zaak_id.in_(chunk))
                .distinct()
            )
            for sha in shas:
                src, dst = source.path(sha), target.path(sha)
                if dst.exists() or not src.exists():
                    continue
                dst.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(src, dst)
                except OSError:
                    shutil.copy2(src, dst)
                linked += 1
    finally:
        session.close()
    return linked


def _due_ids(factory, soort: str, n: int, today: date) -> list[int]:
    from retention import werkvoorraad

    session = factory()
    try:
        return list(
            session.scalars(
                select(Zaak.id)
                .where(werkvoorraad._where(soort, today))
                .order_by(Zaak.archiefactiedatum, Zaak.id)
                .limit(n)
            )
        )
    finally:
        session.close()


# -- (b) destruction ------------------------------------------------------------------------


def bench_destroy(
    factory, store: BlobStore, n: int, today: date, run: int, *, statements: bool = False
) -> dict:
    from retention import vernietiging

    timings: dict[str, float] = {}

    def step(name: str, fn):
        session = factory()
        try:
            t0 = time.perf_counter()
            out = fn(session)
            session.commit()
            timings[name] = time.perf_counter() - t0
            return out
        finally:
            session.close()

    def create(session):
        # the next ``n`` due zaken: those due before the day after the n-th one's
        # archiefactiedatum (select_due takes the oldest first, at most 10,000)
        ids = _due_ids(factory, "vernietigen", n, today)
        if not ids:
            raise SystemExit("nothing is due for destruction any more in this copy")
        grens = session.get(Zaak, ids[-1]).archiefactiedatum + timedelta(days=1)
        lijst = vernietiging.create_list(
            session,
            _user(session, AUTEUR),
            naam=f"Benchmark vernietiging {run}",
            selectie=vernietiging.Selectie(archiefactiedatum_voor=grens),
            beoordelaars=[BEOORDELAAR],
            today=today,
        )
        return lijst.id, len(lijst.items)

    lijst_id, items = step("create_list", create)

    def advance(session):
        lijst = vernietiging.get_list(session, _user(session, AUTEUR), lijst_id)
        vernietiging.submit(session, _user(session, AUTEUR), lijst)
        vernietiging.review(session, _user(session, BEOORDELAAR), lijst)
        vernietiging.approve(session, _user(session, GOEDKEURDER), lijst)
        return lijst.bedenktijd_tot

    bedenktijd_tot = step("submit+review+approve", advance)
    session = factory()
    try:
        from archive.models import Vernietigingslijst

        lijst = session.get(Vernietigingslijst, lijst_id)
        t0 = time.perf_counter()
        last = [t0]

        def progress(done: int, total: int) -> None:
            if done % 1000 == 0 or done == total:
                now = time.perf_counter()
                rate = 1000 / max(now - last[0], 1e-9)
                print(
                    f"  executed {done:,}/{total:,} ({rate:.0f} zaken/s)",
                    file=sys.stderr,
                    flush=True,
                )
                last[0] = now

        profile = bl.StatementProfile(session.get_bind())
        with profile if statements else contextlib.nullcontext():
            result = vernietiging.execute(
                session,
                _user(session, AUTEUR),
                lijst,
                store=store,
                max_bytes=MAX_BYTES,
                now=bedenktijd_tot + timedelta(seconds=1),
                today=today,
                progress=progress,
            )
        timings["execute"] = time.perf_counter() - t0
        if statements:
            print(profile.report(per=max(items, 1)), file=sys.stderr, flush=True)
    finally:
        session.close()
    return {
        "run": run,
        "zaken": items,
        "vernietigd": len(result.vernietigd),
        "geweigerd": len(result.geweigerd),
        **{f"{k}_s": v for k, v in timings.items()},
        "zaken_per_s": len(result.vernietigd) / timings["execute"],
    }


# -- (c) transfer ---------------------------------------------------------------------------


def exportable(factory, n: int, today: date) -> list[tuple[int, str]]:
    """The next ``n`` zaken due for transfer that the export will take: archived already,
    or archivable now (every document definitief) — one that is not would stop the export
    with a refusal, as it should."""
    from archive.errors import DomainError
    from retention import archiefstatus, overbrenging, werkvoorraad

    session = factory()
    try:
        found: list[tuple[int, str]] = []
        query = (
            select(Zaak)
            .where(werkvoorraad._where("overbrengen", today))
            .where(Zaak.id.not_in(overbrenging.in_open_transfer()))
            .order_by(Zaak.archiefstatus, Zaak.archiefactiedatum, Zaak.id)
            .execution_options(yield_per=500)
        )
        for zaak in session.scalars(query):
            if zaak.archiefstatus == "nog_te_archiveren":
                try:
                    archiefstatus.check_transition(session, zaak, "gearchiveerd")
                except DomainError:
                    continue
            found.append((zaak.id, zaak.identificatie))
            if len(found) >= n:
                break
        return found
    finally:
        session.close()


def bench_export(
    factory, store: BlobStore, out_dir: Path, n: int, today: date, zip_: bool, run: int
):
    from retention import overbrenging

    identificaties = [ident for _id, ident in exportable(factory, n, today)]
    if not identificaties:
        raise SystemExit(f"no zaak is due for transfer on {today} in this copy")
    session = factory()
    try:
        t0 = time.perf_counter()
        pakket = overbrenging.export(
            session,
            _user(session, AUTEUR),
            out_dir=out_dir,
            store=store,
            selectie=overbrenging.Selectie(identificaties=tuple(identificaties)),
            maak_zip=zip_,
            today=today,
            environ={"ARCHIEFVORMER": "Gemeente Benchmark", **os.environ},
        )
        session.commit()
        took = time.perf_counter() - t0
        row = {
            "run": run,
            "zaken": pakket.aantal_zaken,
            "documenten": pakket.aantal_documenten,
            "megabytes": pakket.omvang / 1e6,
            "seconds": took,
            "zaken_per_s": pakket.aantal_zaken / took,
        }
        shutil.rmtree(pakket.pakket_pad, ignore_errors=True)
        if pakket.zip_pad:
            Path(pakket.zip_pad).unlink(missing_ok=True)
        return row
    finally:
        session.close()


# -- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = bl.argument_parser(__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--select", action="store_true", help="(a) the due selection")
    parser.add_argument("--destroy", type=int, default=0, metavar="N", help="(b) destroy N zaken")
    parser.add_argument("--export", type=int, default=0, metavar="N", help="(c) export N zaken")
    parser.add_argument("--zip", action="store_true", help="(c) also write the zip")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="data directory of the copy (blob store)")
    parser.add_argument("--source-data-dir", type=Path, help="the original's data directory")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="peildatum")
    parser.add_argument(
        "--export-today",
        type=date.fromisoformat,
        default=date(2100, 1, 1),
        help="peildatum of the transfer (default 2100-01-01: in a generated archive of 12 "
        "years no permanent zaak has reached its transfer term of 20 years yet)",
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="(b) print the statements execute runs per zaak, by time spent in them",
    )
    parser.add_argument("--allow-writes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (args.select or args.destroy or args.export):
        parser.error("choose --select, --destroy N and/or --export N")
    name = args.database_url.rsplit("/", 1)[-1]
    writes = bool(args.destroy or args.export)
    if writes and not (args.allow_writes or "destroy" in name or "copy" in name):
        parser.error(
            f"--destroy/--export write to the database; '{name}' does not look like a copy "
            "(CREATE DATABASE bench_1m_destroy TEMPLATE bench_1m)"
        )
    if writes and args.data_dir is None:
        parser.error("--destroy/--export need --data-dir (a blob store of the copy's own)")
    today = args.today or date.today()
    engine = make_engine(args.database_url)
    factory = make_session_factory(engine)
    session = factory()
    try:
        total = session.scalar(select(func.count()).select_from(Zaak))
        documents = session.scalar(select(func.count()).select_from(Document))
    finally:
        session.close()
    summary: dict = {
        "benchmark": "retention",
        "database": bl.dialect_of(args.database_url),
        "zaken": total,
        "documenten": documents,
        "today": today.isoformat(),
    }
    if args.select:
        print("(a) selection …", file=sys.stderr, flush=True)
        summary["select"] = bench_select(factory, args.repeat, today)
    if writes:
        ensure_actors(factory)
        data_dir = args.data_dir.resolve()
        store = BlobStore(data_dir / "blobs")
        if args.source_data_dir:
            source = BlobStore(args.source_data_dir.resolve() / "blobs")
            ids = []
            if args.destroy:
                ids += _due_ids(factory, "vernietigen", args.destroy * args.repeat + 100, today)
            if args.export:  # the zaken the export runs will take, in their order
                ids += [
                    i
                    for i, _ident in exportable(
                        factory, args.export * args.repeat, args.export_today
                    )
                ]
            t0 = time.perf_counter()
            linked = link_blobs(factory, source, store, ids)
            print(f"linked {linked:,} blobs in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if args.destroy:
        print("(b) destruction …", file=sys.stderr, flush=True)
        summary["destroy"] = [
            bench_destroy(factory, store, args.destroy, today, r + 1, statements=args.statements)
            for r in range(args.repeat)
        ]
    if args.export:
        print("(c) transfer export …", file=sys.stderr, flush=True)
        summary["export"] = []
        with tempfile.TemporaryDirectory(prefix="export-", dir=data_dir) as out:
            for r in range(args.repeat):
                try:
                    summary["export"].append(
                        bench_export(
                            factory,
                            store,
                            Path(out),
                            args.export,
                            args.export_today,
                            args.zip,
                            r + 1,
                        )
                    )
                except Exception as exc:  # keep the figures of (a) and (b)
                    summary["export_error"] = str(exc)
                    print(f"export failed: {exc}", file=sys.stderr)
                    break
    engine.dispose()

    if args.json:
        bl.emit_json(summary)
        return
    print(f"{summary['database']}: {total:,} zaken, {documents:,} documenten, peildatum {today}\n")
    if "select" in summary:
        print(
            bl.table(
                ["(a) selection", "zaken", "median s", "runs s"],
                [
                    [
                        r["measure"],
                        r["zaken"],
                        r["seconds"],
                        " / ".join(f"{t:.3f}" for t in r["runs"]),
                    ]
                    for r in summary["select"]
                ],
                title="Due for destruction (target ≤ 1 s)",
            )
        )
        print()
    if "destroy" in summary:
        runs = summary["destroy"]
        print(
            bl.table(
                [
                    "run",
                    "zaken",
                    "destroyed",
                    "refused",
                    "create_list s",
                    "review+approve s",
                    "execute s",
                    "zaken/s",
                ],
                [
                    [
                        r["run"],
                        r["zaken"],
                        r["vernietigd"],
                        r["geweigerd"],
                        r["create_list_s"],
                        r["submit+review+approve_s"],
                        r["execute_s"],
                        r["zaken_per_s"],
                    ]
                    for r in runs
                ],
                title="(b) Destruction list (target: 10,000 zaken ≤ 120 s)",
            )
        )
        print(
            f"\nmedian execute: {bl.median_of(runs, 'execute_s'):.1f} s, "
            f"{bl.median_of(runs, 'zaken_per_s'):.0f} zaken/s\n"
        )
    if summary.get("export_error"):
        print(f"(c) export stopped: {summary['export_error']}\n")
    if summary.get("export"):
        runs = summary["export"]
        print(
            bl.table(
                ["run", "zaken", "documenten", "MB", "seconds", "zaken/s"],
                [
                    [
                        r["run"],
                        r["zaken"],
                        r["documenten"],
                        r["megabytes"],
                        r["seconds"],
                        r["zaken_per_s"],
                    ]
                    for r in runs
                ],
                title="(c) Transfer package export" + (" with zip" if args.zip else ""),
            )
        )
        print(
            f"\nmedian: {bl.median_of(runs, 'seconds'):.1f} s, "
            f"{bl.median_of(runs, 'zaken_per_s'):.0f} zaken/s"
        )


if __name__ == "__main__":
    main()
