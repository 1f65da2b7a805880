"""Search benchmark: synthetic Dutch-like corpus indexed straight into the backend.

    .venv/bin/python benchmarks/search_bench.py              # 10k documents
    .venv/bin/python benchmarks/search_bench.py --size 100000 --dir /tmp/ix100k
    .venv/bin/python benchmarks/search_bench.py --size 100000 --dir /tmp/ix100k --reuse
    .venv/bin/python benchmarks/search_bench.py --backend postgres --size 100000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_zoek [--reuse]

Generates 20 departments, zaken (1 per 8 documents), persons (1 per 4 zaken) and documents
of realistic length (log-normal, median ~350 words, a few of several thousand), indexes
them through ``WhooshBackend.rebuild`` in the order ``dossierhuis reindex`` uses (by
department; ``--unordered`` to compare) and reports indexing throughput and p50/p95 latency
of term, phrase, prefix, person (BSN and fuzzy name) and field-filter queries. The default
user is a member of 3 of the 20 departments with 2 grants (every query is access-filtered,
as in the app); "all" is a user in all 20. Every query computes the exact total, the
facets and the highlighted first page of 20, as the results page does. ``--reuse``
measures again on an index built before (the corpus is deterministic, seed 42).

``--backend postgres`` runs the same corpus and queries on ``PostgresBackend`` in the
database of ``--database-url`` (its own database: the search schema is created there and
the index tables are replaced by the build).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from search.backend import LEVELS, IndexDocument, Rechten, ZaakLink, Zoekvraag

STAMMEN = [
    "woning",
    "overlast",
    "melding",
    "bewoner",
    "gemeente",
    "zorg",
    "veilig",
    "huis",
    "buurt",
    "politie",
    "jeugd",
    "school",
    "schuld",
    "hulp",
    "verslaving",
    "wijk",
    "team",
    "casus",
    "overleg",
    "regie",
    "signaal",
    "ondermijning",
    "drugs",
    "hennep",
    "kwekerij",
    "bedrijf",
    "vergunning",
    "horeca",
    "sluiting",
    "bestuur",
    "dossier",
    "rapport",
    "verslag",
    "advies",
    "besluit",
    "bezwaar",
    "huur",
    "eigenaar",
    "pand",
    "kamer",
    "bewoning",
    "inschrijving",
    "adres",
    "briefje",
    "contact",
    "afspraak",
    "traject",
    "nazorg",
    "detentie",
    "reclassering",
    "officier",
    "justitie",
    "zitting",
    "financieel",
    "inkomen",
    "uitkering",
    "toeslag",
    "kind",
    "ouder",
    "gezin",
    "school",
    "leerplicht",
    "huiselijk",
    "geweld",
    "incident",
    "escalatie",
    "risico",
    "factor",
    "screening",
    "triage",
    "partner",
    "netwerk",
]
SUFFIXEN = ("", "", "", "en", "s", "je", "jes", "ing", "heid", "lijk", "er", "st")
VOEGWOORDEN = [
    "de",
    "het",
    "een",
    "en",
    "van",
    "in",
    "op",
    "met",
    "voor",
    "aan",
    "door",
    "over",
    "bij",
    "naar",
    "als",
    "dat",
    "die",
    "niet",
]
VOORNAMEN = [
    "Jan",
    "Piet",
    "Kees",
    "Anna",
    "Fatima",
    "Mohammed",
    "Sanne",
    "Daan",
    "Emma",
    "Noah",
    "Lotte",
    "Bram",
    "Ayoub",
    "Eva",
]
ACHTERNAMEN = [
    "Jansen",
    "de",
    "Vries",
    "van",
    "den",
    "Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de",
    "Boer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Dijkstra",
    "Yilmaz",
    "El",
    "Amrani",
    "Kaya",
    "Öztürk",
    "Verhoeven",
]


def woord(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return rng.choice(VOEGWOORDEN)
    # Zipf-like: early stems are far more common
    stam = STAMMEN[min(int(rng.paretovariate(1.1)) - 1, len(STAMMEN) - 1)]
    if rng.random() < 0.3:
        stam = rng.choice(STAMMEN)
    return stam + rng.choice(SUFFIXEN)


def tekst(rng: random.Random, woorden: int) -> str:
    zinnen, zin = [], []
    for _ in range(woorden):
        zin.append(woord(rng))
        if len(zin) > rng.randint(6, 18):
            zinnen.append(" ".join(zin).capitalize() + ".")
            zin = []
    return " ".join(zinnen)


def bsn(n: int) -> str:
    base = f"{100000000 + n * 7:09d}"[:8]
    total = sum(int(d) * w for d, w in zip(base, range(9, 1, -1), strict=True))
    return base + str(total % 11 % 10)


def generate(size: int, seed: int = 42, documents: bool = True):
    """The corpus; without ``documents`` only the zaken and persons (the same ones: the
    documents come last from the random sequence) — what ``--reuse`` needs for its queries."""
    rng = random.Random(seed)
    n_zaken = max(1, size // 8)
    zaken = []
    for z in range(1, n_zaken + 1):
        afd = rng.randint(1, 20)
        zaken.append(
            ZaakLink(
                z,
                afd,
                f"AFD{afd:02d}",
                f"ZT{rng.randint(1, 40):02d}",
                rng.choice((2, 2, 3, 3, 4, 5)),
            )
        )
    items: list[IndexDocument] = []
    start = date(2015, 1, 1)
    for z in zaken:
        items.append(
            IndexDocument(
                "zaak",
                z.zaak_id,
                f"ZAAK-2024-{z.zaak_id:07d}",
                tekst(rng, 8),
                [z],
                tekst=tekst(rng, 40),
                datum=start + timedelta(days=rng.randint(0, 3650)),
            )
        )
    personen = []
    for p in range(1, n_zaken // 4 + 1):
        naam = f"{rng.choice(VOORNAMEN)} {rng.choice(ACHTERNAMEN)}"
        pz = rng.sample(zaken, k=min(len(zaken), rng.randint(1, 3)))
        personen.append((p, naam, bsn(p), {z.afdeling_id for z in pz}))
        items.append(
            IndexDocument(
                "persoon",
                p,
                bsn(p),
                naam,
                pz,
                namen=[naam],
                bsn=[bsn(p)],
                datum=start + timedelta(days=rng.randint(0, 3650)),
            )
        )
    for d in range(1, size + 1 if documents else 1):
        woorden = int(min(8000, max(30, rng.lognormvariate(5.85, 0.8))))
        dz = [rng.choice(zaken)]
        if rng.random() < 0.05:
            dz.append(rng.choice(zaken))
        items.append(
            IndexDocument(
                "document",
                d,
                f"DOC-2024-{d:07d}",
                tekst(rng, 6),
                dz,
                niveau=rng.choice((0, 2, 2, 3, 4)),
                tekst=tekst(rng, woorden),
                informatieobjecttype=rng.choice(
                    ("Brief inkomend", "Brief uitgaand", "Verslag", "Rapport", "E-mail", "Besluit")
                ),
                bestandsnaam=f"document_{d}.pdf",
                datum=start + timedelta(days=rng.randint(0, 3650)),
            )
        )
    return items, personen


def in_rebuild_order(items: list[IndexDocument]) -> list[IndexDocument]:
    """The order ``search.documents.iter_all`` gives ``rebuild``: items in one zaak by
    department and zaak, then the items in several zaken (also by their first zaak)."""
    return sorted(
        items, key=lambda i: (len(i.links) > 1, i.links[0].afdeling_id, i.links[0].zaak_id)
    )


# the default user: 3 of the 20 departments and 2 grants; and a user in all 20
DRIE = Rechten(
    {
        1: ("behandelen", "geheim"),
        7: ("lezen", "vertrouwelijk"),
        13: ("behandelen", "zaakvertrouwelijk"),
    },
    {5: ("lezen", "geheim"), 17: ("lezen", "geheim")},
)
ALLE = Rechten({a: ("behandelen", LEVELS[-1]) for a in range(1, 21)}, {})


def query_sets(personen) -> dict[str, list[str]]:
    """The measured queries, by kind; BSNs of persons the 3-of-20 user can see (in a zaak
    of departments 1, 7 or 13)."""
    rng = random.Random(7)
    zichtbaar = [p for p in personen if p[3] & {1, 7, 13}]
    return {
        "term": ["woning", "overlast", "ondermijning", "hennepkwekerij", "verslaving"],
        "two terms": ["woning overlast", "schuld hulp", "politie melding"],
        "phrase": ['"de woning"', '"melding overlast"', '"zorg en veilig"'],
        "prefix": ["vergunn*", "escal*"],
        "person (BSN)": [p[2] for p in rng.sample(zichtbaar, 5)],
        "person (fuzzy name)": ["Jansn", "Dijkstra", "Oztürk", "Verhoven"],
        "field filter": ["woning afdeling:AFD01", "type:document jaar:2020"],
    }


def measure(backend, rechten, queries, repeat: int, **vraag) -> tuple[float, float, str]:
    """p50 and p95 in ms, and the average total ("~" when some were estimated from a
    sample: the PostgreSQL backend beyond its exact limit)."""
    times = []
    total = 0
    estimated = False
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            result = backend.search(Zoekvraag(q=q, **vraag), rechten)
            times.append((time.perf_counter() - t0) * 1000)
            total += result.total
            estimated = estimated or result.geschat
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    average = total // max(1, repeat * len(queries))
    return statistics.median(times), p95, f"{'~' if estimated else ''}{average}"


def open_backend(args, tmp: Path):
    if args.backend == "whoosh":
        from search.whoosh_backend import WhooshBackend

        return WhooshBackend(args.dir or tmp / "index")
    from archive.db import make_engine, make_session_factory
    from search.postgres_backend import PostgresBackend

    backend = PostgresBackend(make_session_factory(make_engine(args.database_url)))
    backend.ensure_schema()
    return backend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="number of documents")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="index directory (default: tmp)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the queries on the index already in --dir (built earlier with the "
        "same --size), without building it again",
    )
    parser.add_argument(
        "--unordered",
        action="store_true",
        help="index in generation order instead of the rebuild order (by department)",
    )
    parser.add_argument(
        "--backend",
        choices=("whoosh", "postgres"),
        default="whoosh",
        help="the search backend to measure (default: whoosh)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL database for --backend postgres (a database of its own)",
    )
    args = parser.parse_args()
    if args.reuse and args.dir is None and args.backend == "whoosh":
        parser.error("--reuse needs --dir")
    if args.backend == "postgres" and not (args.database_url or "").startswith("postgresql"):
        parser.error("--backend postgres needs --database-url postgresql+psycopg://…")

    t0 = time.perf_counter()
    items, personen = generate(args.size, documents=not args.reuse)
    if not args.unordered:
        items = in_rebuild_order(items)
    print(
        f"generated {len(items)} items ({args.size} documents) in {time.perf_counter() - t0:.1f}s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        backend = open_backend(args, Path(tmp))
        if not args.reuse:
            t0 = time.perf_counter()
            backend.rebuild(items)
            took = time.perf_counter() - t0
            print(f"indexing: {len(items) / took:.0f} items/s ({took:.1f}s)")
        # what the index worker does after a filing: replace a few items, one commit
        for count in (1, 1, 50):
            t0 = time.perf_counter()
            backend.index(items[-count:])
            took_ms = (time.perf_counter() - t0) * 1000
            print(f"incremental commit of {count} item(s): {took_ms:.0f} ms")

        drie, alle = DRIE, ALLE
        sets = query_sets(personen)
        print(
            f"\n{'query (user in 3 of 20 departments)':40} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'avg hits':>9}"
        )
        for name, queries in sets.items():
            measure(backend, drie, queries, 1)  # warm caches
            p50, p95, hits = measure(backend, drie, queries, args.repeat)
            print(f"{name:40} {p50:8.1f} {p95:8.1f} {hits:>9}")
        measure(backend, drie, sets["term"], 1, sort="date")
        p50, p95, hits = measure(backend, drie, sets["term"], args.repeat, sort="date")
        print(f"{'term, newest first':40} {p50:8.1f} {p95:8.1f} {hits:>9}")
        print(
            f"\n{'query (user in all 20 departments)':40} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'avg hits':>9}"
        )
        for name in ("term", "phrase", "person (BSN)"):
            measure(backend, alle, sets[name], 1)
            p50, p95, hits = measure(backend, alle, sets[name], args.repeat)
            print(f"{name:40} {p50:8.1f} {p95:8.1f} {hits:>9}")


if __name__ == "__main__":
    main()
