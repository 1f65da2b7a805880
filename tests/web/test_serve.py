"""`dossierhuis serve --reuse-port`: several server processes on one port of one machine,
the kernel spreading the connections (one process per core; the GIL keeps one process on
one core)."""

from __future__ import annotations

import os
import socket
import time
import urllib.request

from tests.web.test_cli import cli as cli  # noqa: F401 (fixture)
from tests.web.test_multi_server import Server


def _env(database_url: str, data_dir) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DOSSIERHUIS_DATA_DIR": str(data_dir),
        "SECRET_KEY": "gedeeld-geheim-voor-beide-servers",
        "SEARCH_WORKER": "extern",
        "NOTIFY_WORKER": "extern",
    }
    env.pop("TEST_DATABASE_URL", None)
    return env


def _listens_on(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds a listening TCP socket on ``port`` (Linux /proc)."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                    listening.add(fields[9])  # the socket's inode
    owned = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            owned.add(target[8:-1])
    return bool(listening & owned)


def _wait_listening(server: Server) -> None:
    end = time.monotonic() + 30
    while not _listens_on(server.process.pid, server.port):
        assert server.process.poll() is None, "de tweede server stopte: poort niet gedeeld"
        assert time.monotonic() < end, "de tweede server luistert niet"
        time.sleep(0.1)


def _login_page(url: str) -> int:
    with urllib.request.urlopen(f"{url}/login", timeout=10) as response:
        return response.status


def test_two_processes_serve_one_port_and_either_carries_on_alone(isolated_database, tmp_path):
    env = _env(isolated_database, tmp_path / "data")
    een = Server(env, tmp_path / "een.log", extra=("--reuse-port",))
    twee = None
    try:
        een.wait_ready()
        twee = Server(env, tmp_path / "twee.log", port=een.port, extra=("--reuse-port",))
        _wait_listening(twee)  # its own socket on the port, not only een answering
        een.stop()
        een = None
        twee.wait_ready()  # fails if the second one exited (could not bind the port)
        for _ in range(5):  # fresh connections: all reach the one left
            assert _login_page(twee.url) == 200
    finally:
        for server in (een, twee):
            if server is not None:
                server.stop()


def test_a_port_taken_without_sharing_stops_with_a_message(cli):  # noqa: F811
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--reuse-port", "--port", str(port))
    assert result.exit_code == 1
    assert f"Kan niet luisteren op 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output
