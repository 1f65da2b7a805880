"""Shared plumbing for the benchmark scripts: figures, tables, JSON, and the production
server (``dossierhuis serve``, waitress) as a subprocess on loopback.

Not a test helper and not part of the application: the scripts under ``benchmarks/`` import
it as a sibling module (``python benchmarks/<script>.py`` puts this directory on the path).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOSSIERHUIS = str(BIN / "dossierhuis")


# -- figures --------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (as ``search_bench.py``): the value below which ``q`` of
    the sorted sample lies; the maximum for q=1."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def p50(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: Sequence[float]) -> float:
    return percentile(values, 0.95)


def median_of(runs: Iterable[dict], key: str) -> float:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else float("nan")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "") -> str:
    """A small Markdown table (so a run pastes straight into BENCHMARKS.md)."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            if value != value:  # NaN
                return "-"
            return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    body = [[cell(v) for v in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)
    ]
    lines = []
    if title:
        lines += [title, ""]
    lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    lines.append(
        "|"
        + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths))
        + "|"
    )
    for row in body:
        cells = [
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def argument_parser(doc: str) -> argparse.ArgumentParser:
    """A script's parser: its docstring's first line as the description, the rest (the
    commands and what is measured) as ``--help``'s epilog, line breaks kept."""
    lines = doc.splitlines()
    return argparse.ArgumentParser(
        description=lines[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(lines[1:]),
    )


def emit_json(payload: dict) -> None:
    print(json.dumps(payload, indent=2, ensure_ascii=False, default=str))


def dialect_of(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def vm_hwm_kb(pid: int) -> int | None:
    """Peak resident set size (VmHWM, kB) of a running process, from /proc."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def vm_rss_kb(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


# -- the CLI and the server -----------------------------------------------------------------


def app_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for ``dossierhuis`` subprocesses on this database and data dir."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DOSSIERHUIS_DATA_DIR": str(data_dir),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def cli(env: dict[str, str], *args: str, timeout: float | None = 600) -> str:
    """Run ``dossierhuis <args>``; its stdout (raises with stderr on failure)."""
    proc = subprocess.run(
        [DOSSIERHUIS, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dossierhuis {' '.join(args)} failed:\n{proc.stderr}{proc.stdout}")
    return proc.stdout


def create_token(env: dict[str, str], username: str) -> str:
    """A fresh API token for ``username`` through the CLI (the secret is its last line)."""
    out = cli(env, "token", "create", username, "--naam", "benchmark")
    return out.strip().splitlines()[-1].strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """``dossierhuis serve`` (waitress) in a subprocess on loopback."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(
    env: dict[str, str], log_path: Path, *, threads: int = 8, ready_timeout: float = 600
) -> Server:
    """Start the server and wait until it answers (the index check at start-up may take a
    while on a large archive: it rebuilds a missing index first)."""
    port = free_port()
    log = open(log_path, "ab")  # noqa: SIM115 - handed to the child, closed with it
    process = subprocess.Popen(
        [
            DOSSIERHUIS,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    server = Server(process, port, log_path)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"{server.base}/api/v1/openapi.json", timeout=5) as r:
                if r.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server did not answer within {ready_timeout}s; see {log_path}")


class StatementProfile:
    """Counts the statements an engine runs and the time until each returned, per shape
    (the statement's first line with its literals folded): which queries a step spends its
    time on, without a profiler in the way."""

    _LITERALS = re.compile(r"\(\s*[%$:?][^)]*\)|\d+")

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.engine = engine
        self.shapes: dict[str, list[float]] = {}
        self._event = event
        self._started: list[float] = []

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._started.append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        took = time.perf_counter() - self._started.pop()
        shape = self._LITERALS.sub("?", " ".join(statement.split())[:90])
        entry = self.shapes.setdefault(shape, [0, 0.0])
        entry[0] += 1
        entry[1] += took

    def __enter__(self) -> StatementProfile:
        self._event.listen(self.engine, "before_cursor_execute", self._before)
        self._event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc) -> None:
        self._event.remove(self.engine, "before_cursor_execute", self._before)
        self._event.remove(self.engine, "after_cursor_execute", self._after)

    def report(self, per: int, top: int = 20) -> str:
        """The ``top`` shapes by time, with counts and milliseconds per ``per`` units."""
        rows = sorted(self.shapes.items(), key=lambda kv: -kv[1][1])
        count = sum(c for c, _ in self.shapes.values())
        seconds = sum(t for _, t in self.shapes.values())
        lines = [f"{count / per:.1f} statements and {seconds * 1000 / per:.2f} ms in them per unit"]
        for shape, (c, t) in rows[:top]:
            lines.append(f"  {c / per:6.2f} × {t * 1000 / per:6.3f} ms  {shape}")
        return "\n".join(lines)
