"""Reindex benchmark: time and peak memory of a full ``dossierhuis reindex``.

    .venv/bin/python benchmarks/reindex_memory.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m --repeat 1
    .venv/bin/python benchmarks/reindex_memory.py --database-url … --search-backend postgres

Runs the real command as a subprocess (so exactly what an operator runs, with its own
batching and progress bar) and reports its wall time, the items it indexed (its last
line) and its peak resident set size: VmHWM from /proc/<pid>/status while it runs, and the
kernel's ru_maxrss of that child when it exits (``os.wait4``; the same figure, read once
more at the end). The Whoosh index goes to a fresh temporary SEARCH_INDEX_DIR (removed
afterwards), so a running server's index is never touched; with ``--search-backend
postgres`` the command rebuilds the index tables in the database itself — point it at a
copy when others use that database.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _benchlib as bl


def run_once(env: dict[str, str], log: Path) -> dict:
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [bl.DOSSIERHUIS, "reindex"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        peak = 0
        while True:
            hwm = bl.vm_hwm_kb(proc.pid)
            if hwm:
                peak = max(peak, hwm)
            waited, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if waited:
                break
            time.sleep(0.2)
        took = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"dossierhuis reindex failed ({proc.returncode}):\n{text[-3000:]}")
    match = re.search(r":\s*(\d+) item\(s\)", text)
    items = int(match.group(1)) if match else None
    return {
        "seconds": took,
        "items": items,
        "items_per_s": items / took if items else None,
        "vmhwm_mb": peak / 1024,
        "maxrss_mb": usage.ru_maxrss / 1024,
    }


def main() -> None:
    parser = bl.argument_parser(__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--search-backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    runs = []
    with tempfile.TemporaryDirectory(prefix="reindex-bench-") as tmp:
        workdir = Path(tmp)
        for r in range(args.repeat):
            index_dir = workdir / f"index-{r}"
            env = bl.app_env(
                args.database_url,
                workdir / "data",
                SEARCH_BACKEND=args.search_backend,
                SEARCH_INDEX_DIR=str(index_dir),
            )
            print(f"reindex run {r + 1}/{args.repeat} …", file=sys.stderr, flush=True)
            runs.append(run_once(env, workdir / f"reindex-{r}.log"))
            shutil.rmtree(index_dir, ignore_errors=True)
    summary = {
        "benchmark": "reindex",
        "database": bl.dialect_of(args.database_url),
        "search_backend": args.search_backend,
        "runs": runs,
        "median": {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "vmhwm_mb": statistics.median(r["vmhwm_mb"] for r in runs),
        },
    }
    if args.json:
        bl.emit_json(summary)
        return
    print(
        bl.table(
            ["run", "items", "seconds", "items/s", "peak RSS (VmHWM) MB", "ru_maxrss MB"],
            [
                [i + 1, r["items"], r["seconds"], r["items_per_s"], r["vmhwm_mb"], r["maxrss_mb"]]
                for i, r in enumerate(runs)
            ],
            title=f"dossierhuis reindex ({summary['database']}, {args.search_backend})",
        )
    )


if __name__ == "__main__":
    main()
