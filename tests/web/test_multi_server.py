"""Two `dossierhuis serve` processes on one PostgreSQL database (the multi-server
deployment of the README): each sees what the other changed — zaken, documents and their
blobs (one shared data directory), the search index (SEARCH_BACKEND=postgres) and the
notifications (both run the in-process notify worker; they share the outbox)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archive.db import make_engine, make_session_factory
from archive.users import create_token
from tests import factories
from tests.databases import backend

pytestmark = pytest.mark.skipif(
    backend() != "postgresql", reason="several app servers need PostgreSQL"
)

DEADLINE = 30.0  # seconds a change may take to reach the other server (worker rounds)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(method: str, url: str, token: str, body: bytes | None = None, ctype=None):
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if ctype:
        headers["Content-Type"] = ctype
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _json(method, url, token, payload=None):
    body = json.dumps(payload).encode() if payload is not None else None
    status, raw = _request(method, url, token, body, "application/json" if body else None)
    return status, (json.loads(raw) if raw else None)


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="bestand"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    body = "".join(parts).encode() + head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _wait_for(check: Callable[[], bool], what: str) -> None:
    """Poll until ``check`` holds (a worker round on either server), or fail."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"binnen {DEADLINE:.0f} s niet gezien: {what}")


class Server:
    def __init__(
        self, env: dict[str, str], log: Path, *, port: int | None = None, extra: tuple = ()
    ):
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "dossierhuis"),
                "serve",
                "--port",
                str(self.port),
                "--threads",
                "4",
                *extra,
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            if self.process.poll() is not None:
                pytest.fail(f"server stopte (code {self.process.returncode})")
            try:
                with urllib.request.urlopen(f"{self.url}/login", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        pytest.fail("server kwam niet op")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.log.close()


@pytest.fixture
def two_servers(isolated_database, tmp_path) -> Iterator[tuple[Server, Server, dict]]:
    engine = make_engine(isolated_database)
    with make_session_factory(engine)() as db:
        world = factories.World.build(db)
        volger = factories.make_user(db)
        factories.make_member(db, world.afdeling, volger)
        tokens = {
            "medewerker": create_token(db, None, world.medewerker, "a", None)[1],
            "volger": create_token(db, None, volger, "b", None)[1],
        }
        scene = {
            "zaaktype": world.zaaktype.identificatie,
            "afdeling": world.afdeling.code,
            "iot": world.iot.omschrijving,
            **tokens,
        }
        db.commit()
    engine.dispose()
    shared = tmp_path / "data"  # one data directory: the shared blob storage
    shared.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": isolated_database,
        "DOSSIERHUIS_DATA_DIR": str(shared),
        "SECRET_KEY": "gedeeld-geheim-voor-beide-servers",
        "SEARCH_BACKEND": "postgres",
        "SEARCH_WORKER": "in-process",
        "NOTIFY_WORKER": "in-process",
    }
    env.pop("TEST_DATABASE_URL", None)
    servers = [Server(env, tmp_path / f"server{i}.log") for i in (1, 2)]
    try:
        for server in servers:
            server.wait_ready()
        yield servers[0], servers[1], scene
    finally:
        for server in servers:
            server.stop()


def test_two_servers_on_one_database_see_each_others_changes(two_servers):
    een, twee, scene = two_servers
    api1, api2 = f"{een.url}/api/v1", f"{twee.url}/api/v1"

    # a zaak registered through server 1 is there on server 2
    status, zaak = _json(
        "POST",
        f"{api1}/zaken",
        scene["medewerker"],
        {"zaaktype": scene["zaaktype"], "afdeling": scene["afdeling"], "omschrijving": "Gedeeld"},
    )
    assert status == 201, zaak
    ident = zaak["identificatie"]
    status, gezien = _json("GET", f"{api2}/zaken/{ident}", scene["volger"])
    assert status == 200 and gezien["identificatie"] == ident

    # the follower follows it through server 2 …
    status, _ = _json("POST", f"{api2}/volgen", scene["volger"], {"soort": "zaak", "zaak": ident})
    assert status in (200, 201)

    # … a document is filed through server 1 …
    word = f"meerserver{uuid.uuid4().hex[:8]}"
    content = f"Verslag van het overleg. Kenwoord {word}.\n".encode() * 20
    body, ctype = _multipart(
        {
            "informatieobjecttype": scene["iot"],
            "titel": "Verslag",
            "vertrouwelijkheidaanduiding": "openbaar",
        },
        "verslag.txt",
        content,
    )
    status, raw = _request(
        "POST", f"{api1}/zaken/{ident}/documenten", scene["medewerker"], body, ctype
    )
    assert status == 201, raw
    document = json.loads(raw)["identificatie"]

    # … and server 2 serves its bytes (shared blobs), finds it (shared index) …
    status, raw = _request("GET", f"{api2}/documenten/{document}/inhoud", scene["volger"])
    assert status == 200 and raw == content

    def found() -> bool:
        status, result = _json("GET", f"{api2}/zoeken?q={word}", scene["volger"])
        return status == 200 and any(
            hit.get("identificatie") == document for hit in result.get("results", [])
        )

    _wait_for(found, "het document in de zoekresultaten van server 2")

    # … and the follower's inbox on server 2 has it, delivered once
    def delivered() -> bool:
        status, inbox = _json("GET", f"{api2}/inbox", scene["volger"])
        return status == 200 and any(
            item.get("soort") == "document.toegevoegd" for item in inbox.get("results", [])
        )

    _wait_for(delivered, "de notificatie in de inbox via server 2")
    status, inbox = _json("GET", f"{api1}/inbox", scene["volger"])
    toegevoegd = [i for i in inbox["results"] if i["soort"] == "document.toegevoegd"]
    assert len(toegevoegd) == 1  # two workers, one delivery

    # and a zaak registered through server 2 is in server 1's list
    status, tweede = _json(
        "POST",
        f"{api2}/zaken",
        scene["medewerker"],
        {"zaaktype": scene["zaaktype"], "afdeling": scene["afdeling"], "omschrijving": "Terug"},
    )
    assert status == 201, tweede
    status, lijst = _json("GET", f"{api1}/zaken", scene["medewerker"])
    assert status == 200
    assert tweede["identificatie"] in {z["identificatie"] for z in lijst["results"]}
