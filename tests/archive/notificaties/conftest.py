"""Real local servers and shared set-up for the notification tests.

* :class:`SmtpServer` / ``smtp_server`` — aiosmtpd on 127.0.0.1 (a free port), keeping every
  message it receives; ``closed_port()`` is a port where nothing listens (SMTP "down").
* :class:`Receiver` / ``receiver`` — a ``ThreadingHTTPServer`` on 127.0.0.1:0 that records
  each webhook call (path, headers, body) and answers 200, or what ``status`` says, or holds
  a chosen request until ``release()``.
* ``shared_sessions`` — a session factory for the worker's steps that hands out the test's
  own session (its commits only release the test's SAVEPOINT; closing is left to the
  ``db`` fixture), so worker code runs against the rolled-back test database.
* :class:`Opzet` / ``opzet`` — the ``world`` plus a follower, a zaak and a way to file.

The web and API tests may import these (``from tests.archive.notificaties.conftest import
Receiver, SmtpServer``).
"""

from __future__ import annotations

import email
import email.policy
import itertools
import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from archive.db import make_engine
from archive.models import Notificatie, NotificatieGebeurtenis, User, Zaak
from archive.notificaties import bezorging
from tests import corpus, factories
from tests.databases import backend

# -- SMTP ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    return free_port()


class _Collector:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's name)
        import asyncio

        self.server.arrived.set()
        if not self.server.open.is_set():  # held: wait (off the event loop) until released
            await asyncio.get_running_loop().run_in_executor(None, self.server.open.wait, 30)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd in a thread of its own on loopback; ``messages`` as parsed EmailMessages.
    ``hold()`` keeps the next message waiting (``arrived`` is set) until ``release()``."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self.arrived = threading.Event()
        self.open = threading.Event()
        self.open.set()
        self.controller = Controller(_Collector(self), hostname=self.host, port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def hold(self) -> None:
        self.arrived.clear()
        self.open.clear()

    def release(self) -> None:
        self.open.set()

    def stop(self) -> None:
        self.release()
        self.controller.stop()

    def settings(self, settings):
        """``settings`` pointing at this server, without TLS or login."""
        return replace(settings, smtp_host=self.host, smtp_port=self.port, smtp_tls="geen")

    @staticmethod
    def body(message) -> str:
        """The text part, with the wire's CRLF line ends as plain newlines."""
        return message.get_content().replace("\r\n", "\n")


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


# -- HTTP receiver -----------------------------------------------------------------------------


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def kenmerk(self) -> str:
        return self.headers["Idempotency-Key"]


class Receiver:
    """An HTTP server on loopback recording each POST. ``status`` is the answer (200, or
    e.g. 500 for a failing receiver); ``block_on(k)`` holds the k-th request (1-based)
    until ``release()``; ``wait_for(n)`` waits until n requests have arrived."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.status = 200
        self._block_at: int | None = None
        self._released = threading.Event()
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._arrived:
                    receiver.calls.append(Call(self.path, dict(self.headers.items()), body))
                    number = len(receiver.calls)
                    receiver._arrived.notify_all()
                if receiver._block_at is not None and number == receiver._block_at:
                    receiver._released.wait(60)
                status = receiver.status
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender is gone (killed, or timed out)

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def block_on(self, k: int) -> None:
        self._block_at = k
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def wait_for(self, n: int, timeout: float = 30.0) -> bool:
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.calls) >= n, timeout)

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    @property
    def kenmerken(self) -> list[str]:
        return [c.kenmerk for c in self.calls]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    try:
        yield server
    finally:
        server.stop()


def writer_blocked(url: str) -> bool:
    """Would another writer wait for the worker now? SQLite: can it take the write lock
    at once; PostgreSQL: is a connection idle in a transaction (holding its snapshot and
    locks) during the call."""
    if backend() == "sqlite":
        import sqlite3

        path = url.removeprefix("sqlite:///")
        conn = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return bool(
                conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
                    )
                )
            )
    finally:
        engine.dispose()


# -- the worker as its own process ------------------------------------------------------------

SECRET = "notify-test-secret"


def dossierhuis() -> list[str]:
    script = Path(sys.executable).with_name("dossierhuis")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from web.cli import main; main()"]


def worker_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment ``dossierhuis`` reads, and nothing of the caller's SMTP or worker
    settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SMTP_", "NOTIFY_", "DOSSIERHUIS_", "DATABASE_URL", "SECRET_KEY"))
    }
    env.update(
        DATABASE_URL=database_url,
        DOSSIERHUIS_DATA_DIR=str(data_dir),
        SECRET_KEY=SECRET,
        DOSSIERHUIS_BASE_URL="https://dossierhuis.test",
        **extra,
    )
    return env


# -- sessions and set-up -----------------------------------------------------------------------


class _SharedSession:
    """The test's session for worker code that opens and closes its own: ``close()`` is
    left to the ``db`` fixture (it would detach the test's objects)."""

    def __init__(self, session: Session):
        self._session = session

    def __getattr__(self, name):
        return getattr(self._session, name)

    def close(self) -> None:
        pass


@pytest.fixture
def shared_sessions(db):
    return lambda: _SharedSession(db)


@pytest.fixture
def notify_settings(settings):
    """Settings as the notification tests want them: quick webhook retries, a base URL."""
    return replace(
        settings,
        base_url="https://dossierhuis.test",
        webhook_max_pogingen=4,
        webhook_backoff_seconds=30,
        webhook_timeout_seconds=5,
    )


_files = itertools.count(1)


@dataclass
class Opzet:
    """``world`` plus ``volger`` (behandelen, geheim in ``afdeling``) and an open zaak in
    ``afdeling`` made by the medewerker."""

    db: Session
    world: factories.World
    store: object
    tmp_path: Path
    settings: object
    volger: User
    zaak: Zaak
    extra: dict = field(default_factory=dict)

    def file(self, actor: User, zaak: Zaak | None = None, *, titel="Brief", **gegevens):
        n = next(_files)
        pdf = corpus.normal_pdf(self.tmp_path / f"stuk{n}.pdf", text=f"Inhoud {titel} {n}")
        return factories.file(
            self.db, actor, zaak or self.zaak, pdf, self.world.iot, self.store, titel=titel,
            **gegevens,
        ).document  # fmt: skip

    def user(self, *, afdeling=None, rol="behandelen", clearance="geheim", **kwargs) -> User:
        user = factories.make_user(self.db, **kwargs)
        if afdeling is not False:
            factories.make_member(
                self.db, afdeling or self.world.afdeling, user, rol=rol, clearance=clearance
            )
        return user

    def zaak_in(self, afdeling, actor: User | None = None, **kwargs) -> Zaak:
        return factories.make_zaak(
            self.db,
            actor or self.world.medewerker,
            zaaktype=self.world.zaaktype,
            afdeling=afdeling,
            **kwargs,
        )

    def deliver(self, now=None) -> int:
        """Fan out every pending event (the worker's first step) in the test's session."""
        done = 0
        while n := bezorging.fan_out(self.db, self.settings, now=now):
            done += n
        return done

    def inbox(self, user: User) -> list[Notificatie]:
        return list(
            self.db.scalars(
                select(Notificatie).where(Notificatie.user_id == user.id).order_by(Notificatie.id)
            )
        )

    def soorten(self, user: User) -> list[str]:
        return [n.soort for n in self.inbox(user)]

    def pending(self) -> list[NotificatieGebeurtenis]:
        return list(
            self.db.scalars(
                select(NotificatieGebeurtenis)
                .where(NotificatieGebeurtenis.verwerkt_op.is_(None))
                .order_by(NotificatieGebeurtenis.id)
            )
        )


@pytest.fixture
def opzet(db, world, store, tmp_path, notify_settings) -> Opzet:
    volger = factories.make_user(db)
    factories.make_member(db, world.afdeling, volger, rol="behandelen", clearance="geheim")
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling,
        omschrijving="Overlast Kerkstraat",
    )  # fmt: skip
    db.commit()
    o = Opzet(db, world, store, tmp_path, notify_settings, volger, zaak)
    o.deliver()  # the zaak's own creation event: out of the way
    db.commit()
    return o
