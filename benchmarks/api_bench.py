"""API benchmark: zaken list and zaak detail through the production server, 1 and 16 clients.

    make bench-deps          # installs wrk (Debian package) when missing
    .venv/bin/python benchmarks/api_bench.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m
    .venv/bin/python benchmarks/api_bench.py --database-url … --duration 5 --repeat 1 --json

Starts ``dossierhuis serve`` (waitress, ``--threads``) in a subprocess on loopback against
an existing database (made with ``dossierhuis demo generate``), with SEARCH_WORKER and
NOTIFY_WORKER set to ``extern`` (the server only answers requests; no index is needed),
and drives it with wrk (``-c1 -t1`` and ``-c16 -t2``, keep-alive) through a small Lua script
that sends the bearer token and reports p50/p95/p99 and requests/s as JSON. Without wrk a
Python load generator (threads + http.client keep-alive) is used instead.

Endpoints: ``GET /api/v1/zaken`` (page 1 of 25, with the exact count), the same at page 40
(offset 975), and ``GET /api/v1/zaken/<identificatie>`` for zaken drawn at random from
those the user may see (the access log is written for confidential ones, as in production).

Users: ``--user`` (default ``medewerker001``, whom the generator makes a member of 3 of the
20 departments, clearance vertrouwelijk) and ``bench-alle``, created here through the
services if missing: a member of every department with the highest clearance (sees
everything; no beheerder rights). Tokens are made with ``dossierhuis token create``.

Every measurement is run ``--repeat`` times (after a warm-up); the tables give the median
of the runs. The server's peak RSS (VmHWM from /proc) is read after the 16-client runs.
"""

from __future__ import annotations

import http.client
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _benchlib as bl

ALLE = "bench-alle"
LUA = r"""
local token = os.getenv("BENCH_TOKEN")
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local headers = {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "non2xx": %d, "errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max))
end
"""


# -- data and users -------------------------------------------------------------------------


def ensure_alle(factory) -> None:
    """A user in every department with the highest clearance, through the services."""
    from sqlalchemy import select

    from archive import users
    from archive.access import LEVELS
    from archive.models import User
    from zaaktypen.afdelingen import set_member
    from zaaktypen.models import Afdeling, AfdelingLid

    session = factory()
    try:
        alle = session.scalar(select(User).where(User.username == ALLE))
        if alle is None:
            alle = users.create_user(
                session,
                None,
                username=ALLE,
                naam="Benchmark alle afdelingen",
                password=users.generate_password(),
                roles=["medewerker"],
            )
        beheerder = next(
            u for u in session.scalars(select(User).order_by(User.id)) if "beheerder" in u.roles
        )
        have = set(
            session.scalars(select(AfdelingLid.afdeling_id).where(AfdelingLid.user_id == alle.id))
        )
        for afdeling in session.scalars(select(Afdeling).where(Afdeling.status != "gesloten")):
            if afdeling.id not in have:
                set_member(session, beheerder, afdeling, alle, rol="lezen", clearance=LEVELS[-1])
        session.commit()
    finally:
        session.close()


def describe_user(factory, username: str) -> dict:
    from sqlalchemy import func, select

    from archive import access
    from archive.models import User, Zaak
    from zaaktypen.models import Afdeling

    session = factory()
    try:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise SystemExit(f"user {username!r} does not exist in this database")
        t = access.toegang(user)
        visible = session.scalar(
            select(func.count()).select_from(Zaak).where(access.zaak_filter(user))
        )
        return {
            "username": username,
            "afdelingen": len(t.afdelingen),
            "of_afdelingen": session.scalar(select(func.count()).select_from(Afdeling)),
            "machtigingen": len(t.zaken),
            "visible_zaken": visible,
        }
    finally:
        session.close()


def detail_paths(factory, username: str, n: int, seed: int) -> list[str]:
    """``n`` zaken ``username`` may see, spread over the whole id range."""
    from sqlalchemy import func, select

    from archive import access
    from archive.models import User, Zaak

    session = factory()
    try:
        user = session.scalar(select(User).where(User.username == username))
        low, high = session.execute(select(func.min(Zaak.id), func.max(Zaak.id))).one()
        rng = random.Random(seed)
        found: list[str] = []
        for _ in range(n * 4):
            if len(found) >= n:
                break
            start = rng.randint(low, high)
            ident = session.scalar(
                select(Zaak.identificatie)
                .where(access.zaak_filter(user), Zaak.id >= start)
                .order_by(Zaak.id)
                .limit(1)
            )
            if ident:
                found.append(ident)
        return [f"/api/v1/zaken/{i}" for i in found]
    finally:
        session.close()


# -- load -----------------------------------------------------------------------------------


def run_wrk(base: str, token: str, paths_file: Path, lua: Path, clients: int, seconds: float):
    threads = min(2, clients)
    env = {"BENCH_TOKEN": token, "BENCH_PATHS": str(paths_file), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(lua),
            base,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures:\n{proc.stdout}\n{proc.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "non2xx": raw["non2xx"],
        "errors": raw["errors"],
    }


def run_python(base: str, token: str, paths: list[str], clients: int, seconds: float):
    """The fallback: ``clients`` threads, each one keep-alive connection."""
    port = int(base.rsplit(":", 1)[1])
    times: list[float] = []
    bad = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            conn.request("GET", rng.choice(paths), headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if response.status != 200:
                with lock:
                    bad[0] += 1
        conn.close()
        with lock:
            times.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    took = time.perf_counter() - started
    return {
        "requests": len(times),
        "rps": len(times) / took,
        "p50_ms": bl.p50(times),
        "p95_ms": bl.p95(times),
        "p99_ms": bl.percentile(times, 0.99),
        "mean_ms": sum(times) / max(1, len(times)),
        "max_ms": max(times, default=0.0),
        "non2xx": bad[0],
        "errors": 0,
    }


def merge(parts: list[dict]) -> dict:
    """Figures of simultaneous runs against several servers, as one: requests and req/s
    add up; p50 is the request-weighted mean of the parts' p50s, p95/p99/max their worst
    (a conservative reading; the parts see the same load)."""
    if len(parts) == 1:
        return parts[0]
    total = sum(p["requests"] for p in parts) or 1
    return {
        "requests": sum(p["requests"] for p in parts),
        "rps": sum(p["rps"] for p in parts),
        "p50_ms": sum(p["p50_ms"] * p["requests"] for p in parts) / total,
        "p95_ms": max(p["p95_ms"] for p in parts),
        "p99_ms": max(p["p99_ms"] for p in parts),
        "mean_ms": sum(p["mean_ms"] * p["requests"] for p in parts) / total,
        "max_ms": max(p["max_ms"] for p in parts),
        "non2xx": sum(p["non2xx"] for p in parts),
        "errors": sum(p["errors"] for p in parts),
    }


# -- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = bl.argument_parser(__doc__)
    parser.add_argument("--database-url", required=True, help="an existing, generated database")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="data directory for the server (default: tmp)"
    )
    parser.add_argument("--user", default="medewerker001", help="the realistic user")
    parser.add_argument("--no-alle", action="store_true", help="skip the all-departments user")
    parser.add_argument("--clients", default="1,16", help="concurrency levels (default 1,16)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (default 8)")
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="server processes, the clients split evenly over them (as behind a proxy; default 1)",
    )
    parser.add_argument(
        "--endpoints", default="list,list-p40,detail", help="list, list-p40, detail"
    )
    parser.add_argument("--python-load", action="store_true", help="use the Python generator")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args()

    from archive.db import make_engine, make_session_factory

    log = sys.stderr
    use_wrk = not args.python_load and shutil.which("wrk") is not None
    if not use_wrk and not args.python_load:
        print("wrk not found (make bench-deps): using the Python load generator", file=log)
    engine = make_engine(args.database_url)
    factory = make_session_factory(engine)
    usernames = [args.user] + ([] if args.no_alle else [ALLE])
    if not args.no_alle:
        ensure_alle(factory)
    users = {u: describe_user(factory, u) for u in usernames}
    paths = {u: detail_paths(factory, u, 500, 7) for u in usernames}
    engine.dispose()
    clients = [int(c) for c in args.clients.split(",")]
    endpoints = {
        "list": lambda _u: ["/api/v1/zaken"],
        "list-p40": lambda _u: ["/api/v1/zaken?page=40"],
        "detail": lambda u: paths[u],
    }
    chosen = [e for e in args.endpoints.split(",") if e]

    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        workdir = Path(tmp)
        data_dir = (args.data_dir or workdir / "data").resolve()
        env = bl.app_env(
            args.database_url, data_dir, SEARCH_WORKER="extern", NOTIFY_WORKER="extern"
        )
        tokens = {u: bl.create_token(env, u) for u in usernames}
        lua = workdir / "bench.lua"
        lua.write_text(LUA)
        servers = [
            bl.start_server(env, workdir / f"server-{n}.log", threads=args.threads)
            for n in range(args.servers)
        ]
        peak_after: dict[int, int | None] = {}
        try:
            for c in sorted(clients):
                for user in usernames:
                    for endpoint in chosen:
                        endpoint_paths = endpoints[endpoint](user)
                        paths_file = workdir / f"paths-{user}-{endpoint}.txt"
                        paths_file.write_text("\n".join(endpoint_paths) + "\n")

                        def once(
                            seconds: float,
                            endpoint_paths=endpoint_paths,
                            paths_file=paths_file,
                            user=user,
                            c=c,
                        ):
                            shares = [
                                c // len(servers) + (i < c % len(servers))
                                for i in range(len(servers))
                            ]
                            jobs = [(srv, n) for srv, n in zip(servers, shares, strict=True) if n]

                            def drive(job):
                                srv, n = job
                                if use_wrk:
                                    return run_wrk(
                                        srv.base, tokens[user], paths_file, lua, n, seconds
                                    )
                                return run_python(
                                    srv.base, tokens[user], endpoint_paths, n, seconds
                                )

                            with ThreadPoolExecutor(len(jobs)) as pool:
                                return merge(list(pool.map(drive, jobs)))

                        print(f"{user} {endpoint} c={c}: warm-up …", file=log, flush=True)
                        once(args.warmup)
                        runs = []
                        for r in range(args.repeat):
                            runs.append(once(args.duration))
                            print(
                                f"  run {r + 1}: p50 {runs[-1]['p50_ms']:.1f} ms, p95 "
                                f"{runs[-1]['p95_ms']:.1f} ms, {runs[-1]['rps']:.0f} req/s",
                                file=log,
                                flush=True,
                            )
                        results.append(
                            {
                                "user": user,
                                "endpoint": endpoint,
                                "clients": c,
                                "runs": runs,
                                "p50_ms": bl.median_of(runs, "p50_ms"),
                                "p95_ms": bl.median_of(runs, "p95_ms"),
                                "rps": bl.median_of(runs, "rps"),
                                "non2xx": sum(r["non2xx"] for r in runs),
                                "errors": sum(r["errors"] for r in runs),
                            }
                        )
                peaks = [bl.vm_hwm_kb(srv.pid) or 0 for srv in servers]
                peak_after[c] = max(peaks)
        finally:
            for srv in servers:
                srv.stop()
            log_text = (workdir / "server-0.log").read_text(errors="replace")

    summary = {
        "benchmark": "api",
        "database": bl.dialect_of(args.database_url),
        "load_tool": "wrk" if use_wrk else "python",
        "waitress_threads": args.threads,
        "servers": args.servers,
        "users": users,
        "results": results,
        "server_vmhwm_mb": {str(c): (v / 1024 if v else None) for c, v in peak_after.items()},
    }
    if any(r["non2xx"] or r["errors"] for r in results):
        print("some requests failed; server log tail:\n" + log_text[-3000:], file=log)
    if args.json:
        bl.emit_json(summary)
        return
    for u, facts in users.items():
        print(
            f"{u}: member of {facts['afdelingen']} of {facts['of_afdelingen']} departments, "
            f"{facts['machtigingen']} grants, sees {facts['visible_zaken']:,} zaken"
        )
    print()
    print(
        bl.table(
            ["user", "endpoint", "clients", "p50 ms", "p95 ms", "req/s", "failed"],
            [
                [
                    r["user"],
                    r["endpoint"],
                    r["clients"],
                    r["p50_ms"],
                    r["p95_ms"],
                    r["rps"],
                    r["non2xx"] + r["errors"],
                ]
                for r in results
            ],
            title=f"API latency ({summary['database']}, {args.servers} × waitress "
            f"{args.threads} threads, "
            f"{summary['load_tool']}, median of {args.repeat} runs of {args.duration:.0f} s)",
        )
    )
    for c, mb in summary["server_vmhwm_mb"].items():
        print(f"\nserver peak RSS (VmHWM, per process) after the {c}-client runs: {mb:.0f} MB")


if __name__ == "__main__":
    main()
