"""PostgreSQL search, exact against sampled, on an index ``search_bench.py`` built.

    .venv/bin/python benchmarks/search_sampling_bench.py \
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_zoek_1m [REPEAT]

The same queries as ``search_bench.py`` (run that first with ``--backend postgres --size
1000000``), each on two ``PostgresBackend``s of one index — ``exact_limit=None`` counts,
ranks and facets every visible match; the default answers well over ``EXACT_LIMIT`` from a
sample — interleaved query by query, so that a noisy machine slows both alike. Prints
p50/p95 of both, the p95 ratio and the average totals (the sampled ones are estimates).
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from search_bench import ALLE, DRIE, generate, query_sets  # noqa: E402

from archive.db import make_engine, make_session_factory  # noqa: E402
from search.backend import Zoekvraag  # noqa: E402
from search.postgres_backend import PostgresBackend  # noqa: E402

f = make_session_factory(make_engine(sys.argv[1]))
_, personen = generate(1000000, documents=False)
drie, alle = DRIE, ALLE
sets = query_sets(personen)
runs = [(n, drie, q, {}) for n, q in sets.items()] + [
    ("term, newest first", drie, sets["term"], {"sort": "date"})
]
runs += [("all 20: " + n, alle, sets[n], {}) for n in ("term", "phrase", "person (BSN)")]
exact, sampled = PostgresBackend(f, exact_limit=None), PostgresBackend(f)
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
print(
    f"{'query':32} {'exact p50/p95':>18} {'sampled p50/p95':>18} {'p95 ratio':>9}  "
    "hits exact / sampled"
)
for name, r, qs, kw in runs:
    t = {"e": [], "s": []}
    hits = {"e": 0, "s": 0}
    for rep in range(repeat + 1):
        for q in qs:
            for key, b in (("e", exact), ("s", sampled)):
                t0 = time.perf_counter()
                res = b.search(Zoekvraag(q=q, **kw), r)
                dt = (time.perf_counter() - t0) * 1000
                if rep:
                    t[key].append(dt)
                    hits[key] += res.total

    def pp(x):
        x = sorted(x)
        return statistics.median(x), x[min(len(x) - 1, int(len(x) * 0.95))]

    e50, e95 = pp(t["e"])
    s50, s95 = pp(t["s"])
    n = repeat * len(qs)
    print(
        f"{name:32} {e50:8.1f} /{e95:8.1f} {s50:8.1f} /{s95:8.1f} {e95 / s95:9.1f}  "
        f"{hits['e'] // n} / {hits['s'] // n}",
        flush=True,
    )
