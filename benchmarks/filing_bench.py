"""Filing benchmark: throughput of the full ingest pipeline, and HTTP upload latency.

    .venv/bin/python benchmarks/filing_bench.py                       # SQLite in a temp dir
    .venv/bin/python benchmarks/filing_bench.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/h_filing
    .venv/bin/python benchmarks/filing_bench.py --count 500 --repeat 3 --json

Part 1, throughput: a mixed corpus (PDFs of 2–6 pages made with reportlab, some with a
letterhead image; DOCX; ODT; plain text; .eml messages with a PDF attachment) is filed one
file per transaction through ``archive.documents.file_document`` — exactly what the API
upload does: access-checked zaak lookup (with its access-log line), content sniffing with
python-magic, PDF inspection with pikepdf, text extraction, sha256, the blob store (fsync
and rename), document rows, audit events, search outbox and notification outbox, commit.
Then the index worker (``search.worker.process_outbox``, the configured backend) applies
the outbox. "filed/s" counts documents (an e-mail and its attachment are two) over the
filing time; "filed+indexed/s" over filing plus indexing. The notify worker's fan-out of
the same filings is timed separately. Every run files a fresh corpus (its own seed) into
fresh zaken, so no run profits from deduplicated blobs.

Part 2, upload latency: ``dossierhuis serve`` (waitress, in-process index and notify
workers) in a subprocess on loopback; ``--http-count`` sequential multipart uploads of a
~1 MB PDF (4 pages with a scanned-looking image each, all files distinct) to
``POST /api/v1/zaken/<id>/documenten`` with a bearer token, one keep-alive connection.

The database gets a small world of its own (department BENCHFILING, one zaaktype, one
document type, user ``bench-filer``), created through the services if missing, so the same
database can be reused; an empty database is migrated first.
"""

from __future__ import annotations

import http.client
import io
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import _benchlib as bl
from search_bench import tekst

from archive.blobstore import BlobStore
from archive.config import Settings
from archive.db import make_engine, make_session_factory
from archive.migrate import upgrade

AFDELING = "BENCHFILING"
ZAAKTYPE = "BENCH-FILING"
IOT = "Benchmarkdocument"
USER = "bench-filer"
DOCS_PER_ZAAK = 10


# -- the corpus -----------------------------------------------------------------------------


def _wrap(text: str, width: int = 92) -> list[str]:
    lines, line = [], []
    for word in text.split():
        if sum(len(w) + 1 for w in line) + len(word) > width:
            lines.append(" ".join(line))
            line = []
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


def _noise_jpeg(rng: random.Random, width: int, height: int, quality: int) -> bytes:
    """A JPEG that compresses like a scan (noise on paper-grey), distinct per seed."""
    from PIL import Image

    raw = bytes(200 + b % 56 for b in rng.randbytes(width * height))
    image = Image.frombytes("L", (width, height), raw).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def pdf_bytes(
    rng: random.Random, pages: int, *, logo: bool = False, scan: tuple[int, int] | None = None
) -> bytes:
    """A letter-like PDF with a text layer: ~45 lines of text per page; optionally a
    letterhead image on page 1 or a scanned-looking image on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(tekst(rng, 5)[:80])
    c.setAuthor("Gemeente Benchmark")
    logo_img = ImageReader(io.BytesIO(_noise_jpeg(rng, 480, 180, 85))) if logo else None
    for n in range(pages):
        y = 800
        if logo_img is not None and n == 0:
            c.drawImage(logo_img, 60, 770, width=160, height=60)
            y = 740
        if scan is not None:
            size, quality = scan
            img = ImageReader(io.BytesIO(_noise_jpeg(rng, size, size, quality)))
            c.drawImage(img, 60, 300, width=470, height=420)
            y = 280
        c.setFont("Helvetica", 9)
        for line in _wrap(tekst(rng, 600 if scan is None else 180))[: (y - 60) // 12]:
            c.drawString(60, y, line)
            y -= 12
        c.showPage()
    c.save()
    return buf.getvalue()


def docx_bytes(rng: random.Random, paragraphs: int) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(tekst(rng, 6)[:80], level=1)
    for _ in range(paragraphs):
        document.add_paragraph(tekst(rng, rng.randint(40, 160)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes(rng: random.Random, paragraphs: int) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=tekst(rng, 6)[:80]))
    for _ in range(paragraphs):
        document.text.addElement(P(text=tekst(rng, rng.randint(40, 160))))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def eml_bytes(rng: random.Random, n: int) -> bytes:
    message = EmailMessage()
    message["From"] = "Melder <melder@example.org>"
    message["To"] = "Team Wijk <wijk@gemeente.example>"
    message["Subject"] = tekst(rng, 6)[:90]
    message["Date"] = format_datetime(datetime(2026, 5, 6, 9, 15, tzinfo=UTC))
    message["Message-ID"] = f"<bench-{n}-{uuid.uuid4().hex}@example.org>"
    message.set_content("Beste collega,\n\n" + "\n\n".join(tekst(rng, 60) for _ in range(3)))
    message.add_attachment(
        pdf_bytes(rng, rng.randint(1, 3)),
        maintype="application",
        subtype="pdf",
        filename=f"bijlage-{n}.pdf",
    )
    return bytes(message)


# share of each kind in the corpus, and the documents one file becomes
KINDS = (("pdf", 35), ("docx", 20), ("odt", 10), ("txt", 15), ("eml", 20))


@dataclass
class Bestand:
    path: Path
    kind: str
    documents: int  # 2 for an e-mail with one attachment


def make_corpus(directory: Path, count: int, seed: int) -> list[Bestand]:
    rng = random.Random(seed)
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    files = []
    for n in range(count):
        kind = rng.choices(kinds, weights)[0]
        if kind == "pdf":
            data = pdf_bytes(rng, rng.randint(2, 6), logo=rng.random() < 0.5)
        elif kind == "docx":
            data = docx_bytes(rng, rng.randint(5, 30))
        elif kind == "odt":
            data = odt_bytes(rng, rng.randint(5, 30))
        elif kind == "txt":
            data = tekst(rng, rng.randint(150, 1500)).encode()
        else:
            data = eml_bytes(rng, n)
        path = directory / f"bestand-{seed}-{n:05d}.{kind}"
        path.write_bytes(data)
        files.append(Bestand(path, kind, 2 if kind == "eml" else 1))
    return files


def upload_pdf(rng: random.Random) -> bytes:
    """A ~1 MB scanned-looking letter of 4 pages (a text layer as well)."""
    return pdf_bytes(rng, 4, scan=(730, 85))


# -- the world ------------------------------------------------------------------------------


def ensure_world(factory) -> None:
    """Department, zaaktype, document type and the filing user, through the services."""
    from sqlalchemy import select

    from archive import users
    from archive.models import User
    from zaaktypen import services as catalogus
    from zaaktypen.afdelingen import set_member
    from zaaktypen.models import Afdeling

    session = factory()
    try:
        if session.scalar(select(Afdeling.id).where(Afdeling.code == AFDELING)) is not None:
            return
        beheerder = session.scalar(
            select(User).where(User.username == "bench-beheerder")
        ) or users.create_user(
            session,
            None,
            username="bench-beheerder",
            naam="Benchmark Beheerder",
            password=users.generate_password(),
            roles=["beheerder"],
        )
        afdeling = catalogus.create_afdeling(
            session, beheerder, code=AFDELING, naam="Benchmark filing"
        )
        catalogus.create_zaaktype(
            session,
            beheerder,
            identificatie=ZAAKTYPE,
            omschrijving="Benchmark archiveren",
            vertrouwelijkheidaanduiding="intern",
            statustypen=["Ontvangen", "Afgehandeld"],
            resultaattypen=["Afgehandeld"],
            afdeling=afdeling,
        )
        catalogus.create_informatieobjecttype(
            session, beheerder, omschrijving=IOT, vertrouwelijkheidaanduiding="intern"
        )
        filer = users.create_user(
            session,
            None,
            username=USER,
            naam="Benchmark Archiveerder",
            password=users.generate_password(),
            roles=["medewerker"],
        )
        set_member(session, beheerder, afdeling, filer, rol="behandelen", clearance="geheim")
        session.commit()
    finally:
        session.close()


def open_zaken(factory, count: int) -> list[str]:
    from sqlalchemy import select

    from archive import zaken
    from archive.models import User
    from zaaktypen.models import Afdeling, ZaakType

    session = factory()
    try:
        user = session.scalar(select(User).where(User.username == USER))
        afdeling = session.scalar(select(Afdeling).where(Afdeling.code == AFDELING))
        zaaktype = session.scalar(select(ZaakType).where(ZaakType.identificatie == ZAAKTYPE))
        ids = [
            zaken.open_zaak(
                session,
                user,
                zaaktype=zaaktype,
                afdeling=afdeling,
                omschrijving=f"Benchmark zaak {n}",
            ).identificatie
            for n in range(count)
        ]
        session.commit()
        return ids
    finally:
        session.close()


# -- part 1: throughput ---------------------------------------------------------------------


def search_backend(settings: Settings, factory):
    """The backend the configuration selects (SEARCH_BACKEND), as the app builds it."""
    from search import make_backend

    return make_backend(settings, factory)


def file_all(factory, store: BlobStore, files: list[Bestand], zaak_ids: list[str], max_bytes):
    """One transaction per file, as one API request: look up, file, commit."""
    from sqlalchemy import select

    from archive import documents, zaken
    from archive.models import User
    from zaaktypen.models import InformatieObjectType

    for n, bestand in enumerate(files):
        session = factory()
        try:
            user = session.scalar(select(User).where(User.username == USER))
            zaak = zaken.get_zaak_for_change(session, user, zaak_ids[n // DOCS_PER_ZAAK], pad="api")
            iot = session.scalar(
                select(InformatieObjectType).where(InformatieObjectType.omschrijving == IOT)
            )
            documents.file_document(
                session,
                user,
                zaak,
                documents.Upload(path=bestand.path, bestandsnaam=bestand.path.name),
                documents.DocumentGegevens(informatieobjecttype=iot),
                store=store,
                max_bytes=max_bytes,
            )
            session.commit()
        finally:
            session.close()


def _file_in_process(
    url: str, blob_dir: str, paths: list[str], kinds: list[str], zaak_ids, max_bytes
):
    """One worker process of ``--workers``: its own engine, its share of the files."""
    engine = make_engine(url)
    try:
        files = [
            Bestand(Path(p), k, 2 if k == "eml" else 1) for p, k in zip(paths, kinds, strict=True)
        ]
        file_all(
            make_session_factory(engine), BlobStore(Path(blob_dir)), files, zaak_ids, max_bytes
        )
    finally:
        engine.dispose()


def throughput_run(
    settings: Settings, factory, backend, workdir: Path, count: int, seed: int, workers: int = 1
):
    from archive.notificaties.worker import fan_out_all
    from search.worker import process_outbox

    corpus_dir = workdir / f"corpus-{seed}"
    corpus_dir.mkdir()
    files = make_corpus(corpus_dir, count, seed)
    size = sum(f.path.stat().st_size for f in files)
    documents = sum(f.documents for f in files)
    zaak_ids = open_zaken(factory, -(-count // DOCS_PER_ZAAK))
    process_outbox(factory, backend)  # the new zaken: not part of the measurement
    fan_out_all(factory, settings)
    store = BlobStore(settings.blob_dir)

    t0 = time.perf_counter()
    if workers == 1:
        file_all(factory, store, files, zaak_ids, settings.max_upload_bytes)
    else:
        from concurrent.futures import ProcessPoolExecutor

        import archive.documents  # noqa: F401  - imported before the fork, not in each child
        import archive.ingest.mail  # noqa: F401
        import archive.ingest.office  # noqa: F401
        import archive.ingest.pdf  # noqa: F401

        # each process its own zaken (DOCS_PER_ZAAK files each), as separate users would
        per = -(-len(zaak_ids) // workers) * DOCS_PER_ZAAK
        with ProcessPoolExecutor(workers) as pool:
            futures = [
                pool.submit(
                    _file_in_process,
                    settings.database_url,
                    str(settings.blob_dir),
                    [str(f.path) for f in files[i : i + per]],
                    [f.kind for f in files[i : i + per]],
                    zaak_ids[i // DOCS_PER_ZAAK :],
                    settings.max_upload_bytes,
                )
                for i in range(0, len(files), per)
            ]
            for future in futures:
                future.result()
    filing = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = process_outbox(factory, backend)
    indexing = time.perf_counter() - t0
    t0 = time.perf_counter()
    fan_out_all(factory, settings)
    notifying = time.perf_counter() - t0
    shutil.rmtree(corpus_dir)
    return {
        "seed": seed,
        "workers": workers,
        "files": count,
        "documents": documents,
        "megabytes": size / 1e6,
        "filing_s": filing,
        "indexing_s": indexing,
        "outbox_rows": rows,
        "notify_fanout_s": notifying,
        "filed_per_s": documents / filing,
        "filed_indexed_per_s": documents / (filing + indexing),
        "files_per_s": count / filing,
    }


# -- part 2: HTTP upload latency ------------------------------------------------------------


def _multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = f"----bench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = "".join(parts) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="bestand"; '
        f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload_latency(
    database_url: str, data_dir: Path, factory, workdir: Path, count: int, seed: int, backend: str
) -> dict:
    rng = random.Random(seed)
    pdfs = [upload_pdf(rng) for _ in range(count)]
    zaak_id = open_zaken(factory, 1)[0]
    env = bl.app_env(database_url, data_dir, SEARCH_BACKEND=backend)
    token = bl.create_token(env, USER)
    server = bl.start_server(env, workdir / "server.log")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        times = []
        for n, data in enumerate(pdfs):
            body, content_type = _multipart(
                {"informatieobjecttype": IOT, "titel": f"Scan {n}"}, f"scan-{seed}-{n}.pdf", data
            )
            t0 = time.perf_counter()
            conn.request(
                "POST",
                f"/api/v1/zaken/{zaak_id}/documenten",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
            )
            response = conn.getresponse()
            answer = response.read()
            times.append((time.perf_counter() - t0) * 1000)
            if response.status != 201:
                raise RuntimeError(f"upload answered {response.status}: {answer[:500]!r}")
        conn.close()
        rss = bl.vm_hwm_kb(server.pid)
    finally:
        server.stop()
    return {
        "uploads": count,
        "pdf_megabytes": statistics.mean(len(p) for p in pdfs) / 1e6,
        "p50_ms": bl.p50(times),
        "p95_ms": bl.p95(times),
        "max_ms": max(times),
        "server_vmhwm_mb": rss / 1024 if rss else None,
    }


# -- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = bl.argument_parser(__doc__)
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: a fresh SQLite database in the data directory)",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="data directory (blobs, index; default: tmp)"
    )
    parser.add_argument("--count", type=int, default=300, help="files per run (default 300)")
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs (default 3)")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="filing processes at once (PostgreSQL; on SQLite a filing holds the write lock "
        "from its first query, so they queue); default 1",
    )
    parser.add_argument("--http-count", type=int, default=50, help="uploads (default 50)")
    parser.add_argument("--http-repeat", type=int, default=3, help="upload runs (default 3)")
    parser.add_argument("--no-http", action="store_true", help="skip the upload latency")
    parser.add_argument("--no-throughput", action="store_true", help="skip the throughput")
    parser.add_argument(
        "--search-backend",
        choices=("whoosh", "postgres"),
        default="whoosh",
        help="the index the worker writes (SEARCH_BACKEND; postgres needs --database-url)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="filing-bench-") as tmp:
        workdir = Path(tmp)
        data_dir = (args.data_dir or workdir / "data").resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        url = args.database_url or f"sqlite:///{data_dir / 'dossierhuis.sqlite3'}"
        settings = Settings.from_env(
            {
                "DATABASE_URL": url,
                "DOSSIERHUIS_DATA_DIR": str(data_dir),
                "SEARCH_BACKEND": args.search_backend,
            }
        )
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        ensure_world(factory)
        backend = search_backend(settings, factory)
        from search.worker import ensure_index

        ensure_index(factory, backend)
        log = sys.stderr
        runs, uploads = [], []
        if not args.no_throughput:
            for r in range(args.repeat):
                print(f"throughput run {r + 1}/{args.repeat} …", file=log, flush=True)
                runs.append(
                    throughput_run(
                        settings, factory, backend, workdir, args.count, args.seed + r, args.workers
                    )
                )
        engine.dispose()
        if not args.no_http:
            for r in range(args.http_repeat):
                print(f"upload run {r + 1}/{args.http_repeat} …", file=log, flush=True)
                uploads.append(
                    upload_latency(
                        url,
                        data_dir,
                        factory,
                        workdir,
                        args.http_count,
                        1000 + args.seed + r,
                        args.search_backend,
                    )
                )
                engine.dispose()

    dialect = bl.dialect_of(url)
    summary = {
        "benchmark": "filing",
        "database": dialect,
        "search_backend": getattr(settings, "search_backend", "whoosh"),
        "throughput_runs": runs,
        "upload_runs": uploads,
        "median": {
            "filed_per_s": bl.median_of(runs, "filed_per_s"),
            "filed_indexed_per_s": bl.median_of(runs, "filed_indexed_per_s"),
            "upload_p50_ms": bl.median_of(uploads, "p50_ms"),
            "upload_p95_ms": bl.median_of(uploads, "p95_ms"),
        },
    }
    if args.json:
        bl.emit_json(summary)
        return
    if runs:
        print(
            bl.table(
                [
                    "run",
                    "workers",
                    "files",
                    "documents",
                    "MB",
                    "filing s",
                    "indexing s",
                    "filed/s",
                    "filed+indexed/s",
                    "notify fan-out s",
                ],
                [
                    [
                        i + 1,
                        r["workers"],
                        r["files"],
                        r["documents"],
                        r["megabytes"],
                        r["filing_s"],
                        r["indexing_s"],
                        r["filed_per_s"],
                        r["filed_indexed_per_s"],
                        r["notify_fanout_s"],
                    ]
                    for i, r in enumerate(runs)
                ],
                title=f"Filing throughput ({dialect}, {summary['search_backend']} index), "
                "documents per second",
            )
        )
        print(
            f"\nmedian: {summary['median']['filed_per_s']:.1f} filed/s, "
            f"{summary['median']['filed_indexed_per_s']:.1f} filed+indexed/s (target ≥ 50)\n"
        )
    if uploads:
        print(
            bl.table(
                ["run", "uploads", "PDF MB", "p50 ms", "p95 ms", "max ms", "server VmHWM MB"],
                [
                    [
                        i + 1,
                        u["uploads"],
                        u["pdf_megabytes"],
                        u["p50_ms"],
                        u["p95_ms"],
                        u["max_ms"],
                        u["server_vmhwm_mb"],
                    ]
                    for i, u in enumerate(uploads)
                ],
                title=f"HTTP upload of a ~1 MB PDF ({dialect}, dossierhuis serve, sequential)",
            )
        )
        print(
            f"\nmedian: p50 {summary['median']['upload_p50_ms']:.0f} ms, "
            f"p95 {summary['median']['upload_p95_ms']:.0f} ms"
        )


if __name__ == "__main__":
    main()
