"""Search benchmark on the app's own index of a generated archive (``demo generate`` +
``dossierhuis reindex``), through ``search.service.search`` as the results page calls it.

    SEARCH_BACKEND=postgres dossierhuis reindex     # on the generated database first
    .venv/bin/python benchmarks/search_app_bench.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m
    .venv/bin/python benchmarks/search_app_bench.py --database-url … --search-backend whoosh \\
        --data-dir /work/bench/1m --repeat 10 --json

Unlike ``search_bench.py`` (a synthetic corpus fed straight into a backend) this measures
the real index ``dossierhuis reindex`` built from the generated municipality, with the real
users: ``medewerker001`` (3 of the 20 departments, clearance vertrouwelijk) and
``bench-alle`` (every department, highest clearance; made by ``api_bench.py`` when
missing). Every query is access-filtered and computes the exact total, the facets and the
first page of 20 with highlights, then re-checks the page against the database, as the
results page does. The query words are drawn (seed 7) from texts, titles and persons that
user may see, so every query has hits: a common word (ranks 10–40 in a sample of 300
documents), an uncommon one (in one of those 300), two common words, a phrase of two
neighbouring words of a document, a prefix, a BSN, a surname with ``~1``, a ``titel:``
field query, the common word newest first and the common word in one department.
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

import _benchlib as bl

WORD = re.compile(r"[a-zà-ÿ]{6,}")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def build_queries(factory, username: str, rng: random.Random) -> dict[str, list[tuple]]:
    """Query strings (and filters) with hits for ``username``, from what it may see."""
    from collections import Counter

    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from archive import access
    from archive.models import Betrokkene, Document, DocumentVersie, Rol, User, Zaak, ZaakDocument
    from zaaktypen.models import Afdeling

    with factory() as s:
        user = s.scalar(select(User).where(User.username == username))
        docs = list(
            s.scalars(
                select(Document)
                .options(selectinload(Document.zaak_links).selectinload(ZaakDocument.zaak))
                .order_by(Document.id.desc())
                .limit(3000)
                .offset(rng.randrange(9))
            )
        )
        visible = [d for d in docs if access.can_view_document(user, d)][:300]
        laatste: dict[int, tuple[int, str]] = {}  # document id → (versie, tekst) of the newest
        for document_id, versie, tekst in s.execute(
            select(DocumentVersie.document_id, DocumentVersie.versie, DocumentVersie.tekst).where(
                DocumentVersie.document_id.in_([d.id for d in visible])
            )
        ):
            if versie > laatste.get(document_id, (0, ""))[0]:
                laatste[document_id] = (versie, tekst or "")
        teksten = [(d, laatste.get(d.id, (0, ""))[1]) for d in visible]
        counts = Counter(w for _, t in teksten for w in set(_words(t)))
        common = [w for w, _ in counts.most_common(40)][10:40]
        rare = sorted(w for w, n in counts.items() if n == 1)
        rare = rng.sample(rare, min(30, len(rare)))
        afdelingen = list(
            s.scalars(
                select(Afdeling.code)
                .where(Afdeling.id.in_(list(access.toegang(user).afdelingen)))
                .order_by(Afdeling.code)
            )
        )
        zichtbaar = list(
            s.scalars(
                select(Betrokkene)
                .join(Rol, Rol.betrokkene_id == Betrokkene.id)
                .join(Zaak, Zaak.id == Rol.zaak_id)
                .where(Betrokkene.bsn.is_not(None), access.zaak_filter(user))
                .order_by(Betrokkene.id)
                .limit(30)
            )
        )
    phrases = []
    for _, tekst in teksten:
        words = _words(tekst)
        if len(words) > 2:
            i = rng.randrange(len(words) - 1)
            phrases.append(f'"{words[i]} {words[i + 1]}"')
    titels = [w for d, _ in teksten for w in _words(d.titel)]
    rng.shuffle(phrases)
    return {
        "term": [(w, {}, "relevance") for w in common],
        "uncommon term": [(w, {}, "relevance") for w in rare],
        "two terms": [
            (f"{a} {b}", {}, "relevance")
            for a, b in zip(common, common[5:] + common[:5], strict=True)
        ],
        "phrase": [(p, {}, "relevance") for p in phrases[:30]],
        "prefix": [(w[:5] + "*", {}, "relevance") for w in common],
        "person (BSN)": [(p.bsn, {}, "relevance") for p in zichtbaar[:30]],
        "person (name~1)": [
            (f"{p.geslachtsnaam.split()[-1].lower()}~1", {}, "relevance")
            for p in zichtbaar[:30]
            if p.geslachtsnaam
        ],
        "field titel:": [(f"titel:{w}", {}, "relevance") for w in titels[:30]],
        "term, newest first": [(w, {}, "date") for w in common],
        "term in 1 department": [(w, {"afdeling": afdelingen[0]}, "relevance") for w in common],
    }


def measure(factory, backend, username: str, queries, repeat: int) -> list[dict]:
    from sqlalchemy import select

    from archive.models import User
    from search import service

    rows = []
    for kind, cases in queries.items():
        times, totals = [], []
        for r in range(repeat + 1):  # the first round warms the caches and is not counted
            for q, filters, sort in cases:
                with factory() as s:
                    user = s.scalar(select(User).where(User.username == username))
                    t = time.perf_counter()
                    result = service.search(s, user, q, filters, sort=sort, backend=backend)
                    elapsed = (time.perf_counter() - t) * 1000
                    if result.fout:
                        raise SystemExit(f"{kind} {q!r}: {result.fout}")
                if r:
                    times.append(elapsed)
                    totals.append(result.total)
        rows.append(
            {
                "user": username,
                "query": kind,
                "queries": len(cases) * repeat,
                "p50_ms": bl.p50(times),
                "p95_ms": bl.p95(times),
                "avg_hits": sum(totals) / len(totals),
            }
        )
        print(f"  {username} {kind}: p50 {rows[-1]['p50_ms']:.1f} ms", file=sys.stderr)
    return rows


def main() -> None:
    parser = bl.argument_parser(__doc__)
    parser.add_argument("--database-url", required=True, help="a generated, indexed database")
    parser.add_argument("--data-dir", type=Path, default=None, help="its data dir (Whoosh)")
    parser.add_argument("--search-backend", choices=("postgres", "whoosh"), default="postgres")
    parser.add_argument("--users", default="medewerker001,bench-alle")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over every query")
    parser.add_argument("--cases", type=int, default=30, help="queries of each kind (≤ 30)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()

    from archive.config import Settings
    from archive.db import make_engine, make_session_factory
    from search import make_backend

    env = {"DATABASE_URL": args.database_url, "SEARCH_BACKEND": args.search_backend}
    if args.data_dir:
        env["DOSSIERHUIS_DATA_DIR"] = str(args.data_dir)
    settings = Settings.from_env(env)
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    backend = make_backend(settings, factory)
    usernames = [u for u in args.users.split(",") if u]
    if "bench-alle" in usernames:
        from api_bench import ensure_alle

        ensure_alle(factory)
    rng = random.Random(7)
    rows = []
    for username in usernames:
        print(f"{username}: drawing queries …", file=sys.stderr, flush=True)
        queries = {k: v[: args.cases] for k, v in build_queries(factory, username, rng).items()}
        rows += measure(factory, backend, username, queries, args.repeat)
    engine.dispose()
    summary = {
        "benchmark": "search-app",
        "search_backend": args.search_backend,
        "database": bl.dialect_of(args.database_url),
        "results": rows,
    }
    if args.json:
        bl.emit_json(summary)
    else:
        print(
            bl.table(
                ["user", "query", "n", "p50 ms", "p95 ms", "avg hits"],
                [
                    [
                        r["user"],
                        r["query"],
                        r["queries"],
                        f"{r['p50_ms']:.1f}",
                        f"{r['p95_ms']:.1f}",
                        f"{r['avg_hits']:.0f}",
                    ]
                    for r in rows
                ],
                title=f"search through the app ({args.search_backend})",
            )
        )


if __name__ == "__main__":
    main()
