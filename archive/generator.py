"""A synthetic municipality, fast: ``dossierhuis demo generate``.

For demos and for measuring at scale (issue 8): N zaken, M documenten and P personen in
20 departments, generated from a seed, with the invariants the services keep — but written
in bulk, not object by object through the services:

- The small part goes through the real services, once: users (the named accounts with
  ``users.create_user``), the catalogue and the departments (five from the ready-made
  templates, ``zaaktypen.sjablonen``, fifteen with the generic zaaktypen from one catalogue
  document imported through ``zaaktypen.uitwisseling``), memberships (``set_member``).
  So the catalogue rules and the audit trail apply to all of it.
- The high-volume rows (betrokkene, zaak, zaakstatus, zaak_eigenschap, rol, document,
  documentversie, zaak_document) are inserted in batches: SQLAlchemy Core ``insert()``
  executemany, or on PostgreSQL COPY through the same connection (measurably faster; the
  default there). They are not audited one by one: one ``demo.gegenereerd`` event records
  the run (counts and seed, no content).
- Identificaties have the format of ``archive.identificatie.next_identificatie``
  (ZAAK-2021-0000001234), numbered per year in registration order, and the
  ``identificatie_teller`` rows are advanced, so the services continue without collision.
  Zaken, documenten and betrokkenen get ids from a block reserved in the sequence.
- BSNs pass the elfproef, one per person (fictional, random, all starting with 9); every
  person is in 1..k zaken (at most 30), some in zaken of several departments.
- Every document version is a real file in the blob store (plain text or a small PDF with
  a text layer), stored under its sha256; ``documentversie`` holds exactly what the ingest
  pipeline would extract (tekst, formaat, bestandsomvang, paginas, kenmerken).
  Blobs are written atomically (temp file + rename) but without an fsync per file: one
  ``os.sync()`` after the last blob, before the caller commits, makes them durable before
  any row pointing to them is. A crash before the commit leaves only orphans, which
  ``dossierhuis fixity --orphans`` removes.
- Closed zaken carry einddatum, eindstatus, resultaattype and retention computed with
  ``zaaktypen.bewaring.bereken`` exactly as ``archive.archivering.apply`` would (the
  department's hotspot included), so the archivist's work queue and destruction lists
  find the due ones.
- No search outbox rows: rebuild the index afterwards (``dossierhuis reindex``).

Only into an empty database (no zaken, documents, betrokkenen, departments or zaaktypen):
numbering, uniqueness and retention are then certain, and a refusal writes nothing.
Deterministic for a seed and a date (``today``); passwords are random.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import queue
import random
import re
import secrets
import threading
import time
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from itertools import accumulate
from types import SimpleNamespace

import numpy as np
from sqlalchemy import JSON, Table, case, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from archive import archivering, audit, users
from archive.blobstore import BLOB_MODE, BlobStore
from archive.enums import Gebruikersrol, Vertrouwelijkheid
from archive.errors import Conflict, ValidationFailed
from archive.generator_data import (
    ACHTERNAMEN,
    BIJVOEGLIJK,
    EIGEN_AFDELINGEN,
    FUNCTIEWOORDEN,
    MAANDEN,
    ORGANISATIES,
    PLAATSEN,
    SJABLOON_AFDELINGEN,
    SJABLOON_RETENTIE_BESLUIT,
    STRAATDELEN,
    STRAATSOORTEN,
    VOORNAMEN,
    WERKWOORDEN,
    ZELFSTANDIG,
    catalogus_document,
)
from archive.models import (
    Betrokkene,
    Document,
    DocumentVersie,
    IdentificatieTeller,
    Rol,
    User,
    Zaak,
    ZaakDocument,
    ZaakEigenschap,
    ZaakStatus,
)
from zaaktypen import bewaring, durations, sjablonen, uitwisseling
from zaaktypen import services as catalogus
from zaaktypen.afdelingen import AfdelingGegevens, set_member
from zaaktypen.models import Afdeling, ZaakType

Progress = Callable[[int], object]

HISTORIE_JAREN = 12  # zaken are registered from 1 January, twelve years ago, until today
MEDEWERKERS = 120
MAX_ROLLEN = 4  # persons per zaak at most (slots), so --personen ≤ 4 × --zaken
MAX_ZAKEN_PER_PERSOON = 30
TEKST_CHUNK = 1000  # documents per text random stream: independent of --batch
PDF_REGEL = 90  # characters per line in a generated PDF
PDF_REGELS = 54  # lines per page
LEVELS = list(Vertrouwelijkheid)
RANK = {v.value: i for i, v in enumerate(LEVELS)}
GEHEIM = RANK["geheim"]
TXT = "text/plain"
PDF = "application/pdf"
# what ingest records for a PDF without XMP and without active content (archive.ingest.pdf)
PDF_KENMERKEN = {
    "pdfa": None,
    "xmp_titel": None,
    "xmp_auteur": None,
    "xmp_creatiedatum": None,
    "javascript": False,
    "launch": False,
    "embedded_files": False,
}


# -- the request and the answer ---------------------------------------------------------------


@dataclass(frozen=True)
class Omvang:
    """How much to generate; ``batch`` is rows per statement, not part of the content."""

    zaken: int
    documenten: int
    personen: int
    seed: int = 1
    batch: int = 5000

    def check(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.zaken < 1:
            errors["zaken"] = ["Genereer ten minste één zaak."]
        if self.documenten < 0:
            errors["documenten"] = ["Het aantal documenten kan niet negatief zijn."]
        if self.personen < 1:
            errors["personen"] = ["Genereer ten minste één persoon."]
        elif self.personen > MAX_ROLLEN * self.zaken:
            errors["personen"] = [
                f"Hoogstens {MAX_ROLLEN} personen per zaak: kies ten hoogste "
                f"{MAX_ROLLEN * max(self.zaken, 0)} personen of meer zaken."
            ]
        if self.batch < 1:
            errors["batch"] = ["Een batch heeft ten minste één rij."]
        if errors:
            raise ValidationFailed(errors)

    @property
    def eenheden(self) -> int:
        """What the progress callback counts: persons, zaken and documents."""
        return self.personen + self.zaken + self.documenten


@dataclass
class Samenvatting:
    """What was generated, for the final line and for tests."""

    rijen: dict[str, int]
    seconden: float
    methode: str  # "copy" or "insert"
    blob_bytes: int
    afgesloten: int
    te_vernietigen: int
    wachtwoorden: dict[str, str] = field(default_factory=dict)

    @property
    def totaal_rijen(self) -> int:
        return sum(self.rijen.values())

    @property
    def rijen_per_seconde(self) -> float:
        return self.totaal_rijen / self.seconden if self.seconden > 0 else 0.0


# -- refusing a database that is not empty ------------------------------------------------------


def _require_empty(session: Session, usernames: list[str]) -> None:
    present = [
        label
        for model, label in (
            (Zaak, "zaken"),
            (Document, "documenten"),
            (Betrokkene, "betrokkenen"),
            (Afdeling, "afdelingen"),
            (ZaakType, "zaaktypen"),
        )
        if session.scalar(select(model.id).limit(1)) is not None
    ]
    taken = session.scalars(select(User.username).where(User.username.in_(usernames))).all()
    if taken:
        namen = ", ".join(sorted(taken)[:3]) + (
            f" en {len(taken) - 3} meer" if len(taken) > 3 else ""
        )
        present.append(f"gebruikers met de namen die de demo gebruikt ({namen})")
    if present:
        raise Conflict(
            f"De database bevat al {', '.join(present)}. 'demo generate' vult alleen een lege "
            "database; er is niets geschreven. Maak een nieuwe database aan, zet DATABASE_URL "
            "(en DOSSIERHUIS_DATA_DIR) daarop en draai eerst 'dossierhuis db upgrade'."
        )


# -- bulk writing ---------------------------------------------------------------------------


class _Bulk:
    """Batched inserts on the session's connection (its transaction): COPY on PostgreSQL,
    Core executemany elsewhere or when asked. COPY runs in a writer thread on the same
    connection, so the database works on one batch while the next is generated; the
    caller ``drain()``s before it uses the connection itself."""

    def __init__(self, connection: Connection, methode: str):
        dialect = connection.dialect.name
        if methode == "auto":
            methode = "copy" if dialect == "postgresql" else "insert"
        if methode == "copy" and dialect != "postgresql":
            raise ValidationFailed({"methode": ["COPY bestaat alleen op PostgreSQL."]})
        if methode not in ("copy", "insert"):
            raise ValidationFailed({"methode": ["Kies auto, copy of insert."]})
        self.connection = connection
        self.dialect = dialect
        self.methode = methode
        self.rijen: dict[str, int] = {}
        self._plans: dict[tuple[str, tuple[str, ...]], tuple] = {}
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def _plan(self, table: Table, columns: tuple[str, ...]):
        """COPY needs every NOT NULL column: the model's defaults fill those not given."""
        key = (table.name, columns)
        if key not in self._plans:
            extra = []
            for column in table.columns:
                if column.name in columns or column.primary_key:
                    continue
                default = column.default
                if default is None:
                    continue
                extra.append((column.name, default))
            names = columns + tuple(name for name, _ in extra)
            json_at = tuple(i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON))
            self._plans[key] = (names, extra, json_at)
        return self._plans[key]

    def insert(self, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        self.rijen[table.name] = self.rijen.get(table.name, 0) + len(rows)
        if self.methode == "insert":
            self.connection.execute(
                insert(table), [dict(zip(columns, r, strict=True)) for r in rows]
            )
            return
        if self._thread is None:
            self._queue = queue.Queue(maxsize=4)
            self._thread = threading.Thread(target=self._run, name="copy", daemon=True)
            self._thread.start()
        self._raise()
        self._queue.put((table, columns, rows))

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                if self._error is None:
                    self._copy(*job)
            except BaseException as exc:  # handed to the generating thread
                self._error = exc
            finally:
                self._queue.task_done()

    def _copy(self, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        names, extra, json_at = self._plan(table, columns)
        tail = tuple(d.arg(None) if d.is_callable else d.arg for _, d in extra)
        raw = self.connection.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                values = row + tail if tail else row
                if json_at:
                    values = list(values)
                    for i in json_at:
                        values[i] = json.dumps(values[i])
                copy.write_row(values)

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def drain(self) -> None:
        """Wait until every queued batch is in the database (and raise what failed)."""
        if self._queue is not None:
            self._queue.join()
        self._raise()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def reserve_ids(self, table: Table, n: int) -> int:
        """The first of ``n`` consecutive ids nobody else will get (and that were never
        handed out: ids of destroyed rows are not reused)."""
        if n <= 0:
            return 0
        self.drain()
        if self.dialect == "postgresql":
            last = self.connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                    "nextval(pg_get_serial_sequence(:t, 'id')) + :n - 1)"
                ),
                {"t": table.name, "n": n},
            ).scalar_one()
            return int(last) - n + 1
        seq = self.connection.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table.name}
        ).scalar()
        highest = self.connection.execute(text(f"SELECT max(id) FROM {table.name}")).scalar()
        # explicit ids above the sequence move sqlite_sequence along (AUTOINCREMENT tables)
        return max(seq or 0, highest or 0) + 1


# -- blobs ----------------------------------------------------------------------------------


class _Blobs:
    """Content-addressed writes into the store's layout (``BlobStore.path``): temp file +
    rename, so a blob is whole or absent, but no fsync per file; ``sync`` waits for the
    writes and makes all of them durable at once (``os.sync``), before the caller commits.
    Hashing happens here, the file system work in a few threads (it releases the GIL)."""

    WRITERS = 2

    def __init__(self, store: BlobStore):
        self.store = store
        self.root = str(store.root)
        self.tmp = str(store.tmp)
        self.shards: set[str] = set()
        self.written: set[str] = set()
        self.bytes = 0
        self.token = secrets.token_hex(6)
        self.pool = ThreadPoolExecutor(self.WRITERS, thread_name_prefix="blobs")
        self.pending: list[Future] = []

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.written:
            return digest
        self.written.add(digest)
        shard = f"{self.root}/{digest[0:2]}/{digest[2:4]}"
        if shard not in self.shards:
            os.makedirs(shard, exist_ok=True)
            self.shards.add(shard)
        self.bytes += len(data)
        self.pending.append(self.pool.submit(self._write, shard, digest, data))
        if len(self.pending) >= 512:
            self.wait()
        return digest

    def _write(self, shard: str, digest: str, data: bytes) -> None:
        tmp = f"{self.tmp}/{digest}.{self.token}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, BLOB_MODE)
        try:
            os.fchmod(fd, BLOB_MODE)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except BaseException:
            os.close(fd)
            os.unlink(tmp)
            raise
        os.close(fd)
        # the same content under the same name: replacing an existing blob changes nothing
        os.replace(tmp, f"{shard}/{digest}")

    def wait(self) -> None:
        pending, self.pending = self.pending, []
        for future in pending:
            future.result()  # a failed write stops the run

    def sync(self) -> None:
        self.wait()
        os.sync()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


# -- text -----------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-zäëïöüéèáóç]+(?:-[a-zäëïöüéèáóç]+)?")


class _Woordenschat:
    """The vocabulary with Zipf–Mandelbrot frequencies: function words first, then the
    content words, the catalogue's own words, and compounds of the nouns as the long tail.
    Fixed (not from the seed), so every municipality speaks the same language.

    A token is a code ``form * size + word`` (form: plain, capitalised, with a full stop,
    with a comma); words are drawn from a table in which each word fills its share of
    2**22 slots (every word at least one), one gather per draw."""

    TABEL = 1 << 22

    def __init__(self, eigen: list[str]):
        shuffle = random.Random(20260101)
        inhoud = list(dict.fromkeys(WERKWOORDEN + BIJVOEGLIJK + ZELFSTANDIG))
        shuffle.shuffle(inhoud)
        gezien = set(FUNCTIEWOORDEN) | set(inhoud)
        extra = [w for w in dict.fromkeys(eigen) if w not in gezien]
        gezien |= set(extra)
        stammen = [w for w in dict.fromkeys(ZELFSTANDIG) if w.isalpha() and len(w) <= 12]
        samen = []
        for a in stammen:
            for b in stammen:
                if a == b:
                    continue
                tussen = "s" if a[-1] not in "se" and (len(a) + len(b)) % 4 == 0 else ""
                samen.append(a + tussen + b)
        shuffle.shuffle(samen)
        samen = [w for w in samen if w not in gezien and len(w) <= 26][:30_000]
        words = FUNCTIEWOORDEN + inhoud + extra + samen
        self.words = words
        self.size = len(words)
        self.index = {w: i for i, w in enumerate(words)}
        forms = (
            words
            + [w[:1].upper() + w[1:] for w in words]
            + [w + "." for w in words]
            + [w + "," for w in words]
        )
        self.forms = np.array(forms, dtype=object)
        self.form_len = np.array([len(f) + 1 for f in forms], dtype=np.int64)  # with a space
        # Zipf–Mandelbrot within each group; the groups get fixed shares of running text
        # (function words ~45%, content words ~47%, the rare compounds ~8%)
        parts = []
        for size, share in ((len(FUNCTIEWOORDEN), 0.45), (len(inhoud) + len(extra), 0.47),
                            (len(samen), 0.08)):  # fmt: skip
            w = 1.0 / (np.arange(size, dtype=np.float64) + 2.7)
            parts.append(w * (share / w.sum()) if size else w)
        weights = np.concatenate(parts)
        counts = np.maximum(1, np.rint(weights / weights.sum() * self.TABEL)).astype(np.int64)
        self.table = np.repeat(np.arange(self.size, dtype=np.int64), counts)
        self.content_from = len(FUNCTIEWOORDEN)

    def ids(self, words) -> list[int]:
        return [self.index[w] for w in words if w in self.index]

    def body(self, rng: np.random.Generator, n: int, focus: np.ndarray):
        """``n`` words of running text: the token codes and the paragraph boundaries;
        ``focus`` words recur (a document is about something: its terms come in bursts)."""
        idx = self.table[rng.integers(0, len(self.table), size=n)]
        burst = rng.random(n) < 0.1
        k = int(burst.sum())
        if k and len(focus):
            idx[burst] = focus[rng.integers(0, len(focus), size=k)]
        lengths = rng.integers(6, 19, size=n // 6 + 2)
        ends = np.cumsum(lengths)
        ends = ends[ends < n]
        ends = np.append(ends, n)
        form = np.zeros(n, dtype=np.int64)
        form[rng.random(n) < 0.06] = 3
        form[0] = 1
        form[ends[:-1]] = 1
        form[ends - 1] = 2
        codes = form * self.size + idx
        per_alinea = rng.integers(3, 8, size=len(ends) + 1)
        cuts = np.cumsum(per_alinea) - 1
        cuts = cuts[cuts < len(ends) - 1]
        grenzen = [0, *ends[cuts].tolist(), n]
        return codes, [(a, b) for a, b in zip(grenzen, grenzen[1:], strict=False) if b > a]

    def text(self, codes: np.ndarray) -> str:
        return " ".join(self.forms[codes].tolist())

    def lines(self, codes: np.ndarray, width: int = PDF_REGEL) -> list[str]:
        """The words of ``codes`` wrapped into lines of at most ``width`` characters (a
        longer word gets a line of its own)."""
        words = self.forms[codes].tolist()
        lengths = self.form_len[codes].tolist()
        lines, start, used = [], 0, 0
        for i, length in enumerate(lengths):
            if used + length - 1 > width and i > start:
                lines.append(" ".join(words[start:i]))
                start, used = i, 0
            used += length
        lines.append(" ".join(words[start:]))
        return lines


def _pdf_escape(line: str) -> str:
    if "(" not in line and ")" not in line and "\\" not in line:
        return line
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(lines: list[str]) -> tuple[bytes, int]:
    """A small, valid PDF 1.4 with a text layer (Helvetica, WinAnsiEncoding, one text line
    per ``lines`` entry, ``PDF_REGELS`` per page); returns (bytes, pages). pypdf extracts
    exactly ``"\\n".join(lines)`` from it (no empty lines: those it drops)."""
    pages = [lines[i : i + PDF_REGELS] for i in range(0, len(lines), PDF_REGELS)] or [[""]]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        (
            "<< /Type /Pages /Kids ["
            + " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
            + f"] /Count {len(pages)} >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, page in enumerate(pages):
        stream = "BT /F1 10 Tf 14 TL 56 790 Td " + " ".join(
            f"({_pdf_escape(line)}) '" for line in page
        )
        data = zlib.compress((stream + " ET").encode("cp1252"), 1)
        objects.append(
            (
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
                f"<< /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
            ).encode()
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out), len(pages)


def _pick(rng: random.Random, seq):
    """``rng.choice`` without its bit-by-bit rejection sampling (this runs millions of
    times); as deterministic for a seed."""
    return seq[int(rng.random() * len(seq))]


def _below(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _between(rng: random.Random, a: int, b: int) -> int:
    return a + int(rng.random() * (b - a + 1))


# -- the catalogue and the people -------------------------------------------------------------


@dataclass
class _ZT:
    """One zaaktype, flattened for the hot loops."""

    obj: ZaakType
    id: int
    omschrijving: str
    level: int
    doorlooptijd: int  # days
    statussen: list[int]
    resultaten: list  # ResultaatType objects
    resultaat_gewichten: list[float]
    rol_generiek: dict[str, tuple[int, str]]  # generic role → (roltype id, generic role)
    documenttypen: list[tuple]  # (iot id, omschrijving, richting, level, text ok, pdf ok)
    eigenschappen: list[tuple]  # (eigenschap, required)
    focus: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass
class _Afd:
    obj: Afdeling
    id: int
    code: str
    level: str | None
    van: int  # first day (ordinal) zaken may be registered
    gewicht: float
    zaaktypen: list[int]  # indices into _Wereld.zaaktypen
    zaaktype_gewichten: list[float]
    behandelaars: list[tuple[int, str]] = field(default_factory=list)  # (user id, naam)
    hotspot: str | None = None


@dataclass
class _Wereld:
    beheerder: User
    afdelingen: list[_Afd]
    zaaktypen: list[_ZT]
    wachtwoorden: dict[str, str]


NAMED = [
    ("beheerder", "Ingrid Hofstede (DIV)", [Gebruikersrol.beheerder]),
    ("archivaris", "Pieter van Dijk", [Gebruikersrol.archivaris]),
    ("archivaris2", "Joke Wolters", [Gebruikersrol.archivaris]),
    ("auditor", "Marloes Jansen", [Gebruikersrol.auditor]),
]


def _medewerker(n: int) -> str:
    return f"medewerker{n:03d}"


def _usernames() -> list[str]:
    return [u for u, _, _ in NAMED] + [_medewerker(n) for n in range(1, MEDEWERKERS + 1)]


def _naam(rng: random.Random) -> str:
    voorvoegsel, achternaam = _pick(rng, ACHTERNAMEN)
    return " ".join(p for p in (_pick(rng, VOORNAMEN), voorvoegsel, achternaam) if p)


def _users(session: Session, rng: random.Random) -> tuple[User, list[User], dict[str, str]]:
    """The named accounts through the service (their own passwords); the medewerkers share
    one password, so one argon2 hash serves them all (written to the password file)."""
    wachtwoorden: dict[str, str] = {}
    named: dict[str, User] = {}
    for username, naam, rollen in NAMED:
        password = users.generate_password()
        named[username] = users.create_user(
            session, None, username=username, naam=naam, password=password,
            roles=[r.value for r in rollen],
        )  # fmt: skip
        wachtwoorden[username] = password
    gedeeld = users.generate_password()
    eerste = users.create_user(
        session, None, username=_medewerker(1), naam=_naam(rng), password=gedeeld,
        roles=[Gebruikersrol.medewerker.value],
    )  # fmt: skip
    wachtwoorden[f"{_medewerker(1)} … {_medewerker(MEDEWERKERS)}"] = gedeeld
    rows = [
        {
            "username": _medewerker(n),
            "naam": _naam(rng),
            "password_hash": eerste.password_hash,
            "roles": [Gebruikersrol.medewerker.value],
        }
        for n in range(2, MEDEWERKERS + 1)
    ]
    session.execute(insert(User), rows)
    medewerkers = list(
        session.scalars(
            select(User)
            .where(User.username.in_([_medewerker(n) for n in range(1, MEDEWERKERS + 1)]))
            .order_by(User.username)
        )
    )
    for user in medewerkers[1:]:
        audit.record(
            session, None, "gebruiker.aangemaakt", "gebruiker", str(user.id),
            na={"username": user.username, "roles": user.roles},
        )  # fmt: skip
    return named["beheerder"], medewerkers, wachtwoorden


def _catalogue(session: Session, beheerder: User, today: date, begin: date) -> None:
    """Fifteen departments and the generic zaaktypen from one catalogue document, then the
    five template departments (with their own zaaktypen and document types)."""
    uitwisseling.import_document(
        session,
        beheerder,
        catalogus_document(today - timedelta(days=400), today + timedelta(days=200)),
    )
    for code, afdeling_code, naam, _gewicht, virtueel_jaren in SJABLOON_AFDELINGEN:
        sjabloon = sjablonen.get_sjabloon(code)
        start = begin
        einde = None
        if virtueel_jaren is not None:
            voor, na = virtueel_jaren
            start = today - timedelta(days=365 * voor)
            einde = today + timedelta(days=365 * na)
        sjablonen.apply_sjabloon(
            session,
            beheerder,
            code,
            AfdelingGegevens(
                code=afdeling_code,
                naam=naam,
                virtueel=sjabloon.virtueel,
                startdatum=start,
                geplande_einddatum=einde,
                retentie_besluit=SJABLOON_RETENTIE_BESLUIT if sjabloon.retentiebeleid else "",
            ),
        )


_CLEARANCE = {
    "regie": (["geheim", "confidentieel", "vertrouwelijk"], [5, 2, 3]),
    "behandelen": (["vertrouwelijk", "confidentieel", "zaakvertrouwelijk"], [13, 3, 4]),
    "lezen": (["intern", "zaakvertrouwelijk", "vertrouwelijk"], [3, 4, 3]),
}


def _members(
    session: Session, rng: random.Random, beheerder: User, afdelingen: list[_Afd], mensen
) -> None:
    """Every medewerker in 1–4 departments (most in one), every department with a regie
    and a behandelaar; medewerker001 is in exactly three (for measuring search)."""
    gewichten = [a.gewicht for a in afdelingen]
    lidmaatschap: dict[tuple[int, int], str] = {}
    for n in range(len(mensen)):
        if n == 0:
            keuze = [0, 1, 2]
            rollen = ["behandelen"] * 3
        else:
            k = rng.choices([1, 2, 3, 4], weights=[50, 33, 12, 5])[0]
            keuze = []
            while len(keuze) < k:
                a = rng.choices(range(len(afdelingen)), weights=gewichten)[0]
                if a not in keuze:
                    keuze.append(a)
            rollen = [rng.choices(["behandelen", "regie", "lezen"], weights=[65, 15, 20])[0]]
            rollen += [
                rng.choices(["lezen", "behandelen", "regie"], weights=[50, 40, 10])[0]
                for _ in keuze[1:]
            ]
        for a, rol in zip(keuze, rollen, strict=True):
            lidmaatschap[(a, n)] = rol
    for a in range(len(afdelingen)):
        leden = [n for (x, n) in lidmaatschap if x == a]
        while len(leden) < 3:
            n = 1 + _below(rng, len(mensen) - 1)
            if (a, n) not in lidmaatschap:
                lidmaatschap[(a, n)] = "lezen"
                leden.append(n)
        for nodig in ("regie", "behandelen"):
            if not any(lidmaatschap[(a, n)] == nodig for n in leden):
                kandidaat = next(
                    (n for n in leden if lidmaatschap[(a, n)] == "lezen" and n != 0), leden[-1]
                )
                lidmaatschap[(a, kandidaat)] = nodig
    for (a, n), rol in sorted(lidmaatschap.items()):
        niveaus, w = _CLEARANCE[rol]
        clearance = rng.choices(niveaus, weights=w)[0]
        if n == 0:
            clearance = "vertrouwelijk"
        afdeling = afdelingen[a]
        set_member(session, beheerder, afdeling.obj, mensen[n], rol=rol, clearance=clearance)
        if rol in ("behandelen", "regie"):
            afdeling.behandelaars.append((mensen[n].id, mensen[n].naam))


def _days(duur: str | None, default: int = 60) -> int:
    if not duur:
        return default
    return max(1, (durations.parse(duur).add_to(date(2001, 1, 1)) - date(2001, 1, 1)).days)


def _topic_words(teksten: list[str]) -> list[str]:
    return [w for t in teksten for w in _TOKEN.findall(t.lower()) if len(w) > 3]


def _world(session: Session, rng: random.Random, today: date) -> tuple[_Wereld, _Woordenschat]:
    begin = date(today.year - HISTORIE_JAREN, 1, 1)
    beheerder, mensen, wachtwoorden = _users(session, rng)
    _catalogue(session, beheerder, today, begin)
    session.flush()

    zaaktypen: list[_ZT] = []
    eigen_woorden: list[str] = []
    per_zt_woorden: list[list[str]] = []
    for zt in session.scalars(select(ZaakType).order_by(ZaakType.id)):
        documenttypen = []
        for link in zt.informatieobjecttypen:
            iot = link.informatieobjecttype
            formaten = list(iot.toegestane_formaten or [])
            text_ok, pdf_ok = not formaten or TXT in formaten, not formaten or PDF in formaten
            if text_ok or pdf_ok:
                documenttypen.append(
                    (iot.id, iot.omschrijving, link.richting, RANK[iot.vertrouwelijkheidaanduiding],
                     text_ok, pdf_ok)
                )  # fmt: skip
        rollen: dict[str, tuple[int, str]] = {}
        for roltype in zt.roltypen:
            rollen.setdefault(
                roltype.omschrijving_generiek, (roltype.id, roltype.omschrijving_generiek)
            )
        eigenschappen = [(e, e.verplicht) for e in zt.eigenschappen if not e.is_agenda]
        n_rt = len(zt.resultaattypen)
        woorden = _topic_words(
            [zt.omschrijving, zt.toelichting, zt.doel]
            + [s.omschrijving for s in zt.statustypen]
            + [r.omschrijving for r in zt.resultaattypen]
            + [d[1] for d in documenttypen]
        )
        eigen_woorden += woorden
        per_zt_woorden.append(woorden)
        zaaktypen.append(
            _ZT(
                obj=zt,
                id=zt.id,
                omschrijving=zt.omschrijving,
                level=RANK[zt.vertrouwelijkheidaanduiding],
                doorlooptijd=_days(zt.doorlooptijd),
                statussen=[s.id for s in sorted(zt.statustypen, key=lambda s: s.volgnummer)],
                resultaten=list(zt.resultaattypen),
                resultaat_gewichten=[5.0, 3.0] + [1.5] * max(0, n_rt - 2),
                rol_generiek=rollen,
                documenttypen=documenttypen,
                eigenschappen=eigenschappen,
            )
        )
    woordenschat = _Woordenschat(eigen_woorden)
    for zt, woorden in zip(zaaktypen, per_zt_woorden, strict=True):
        zt.focus = np.array(sorted(set(woordenschat.ids(woorden))), dtype=np.int64)

    eigen = {code: (gewicht, keuzes) for code, _n, _v, _l, gewicht, keuzes in EIGEN_AFDELINGEN}
    sjabloon = {code: gewicht for _s, code, _n, gewicht, _j in SJABLOON_AFDELINGEN}
    by_ident = {zt.obj.identificatie: i for i, zt in enumerate(zaaktypen)}
    afdelingen: list[_Afd] = []
    for afdeling in session.scalars(select(Afdeling).order_by(Afdeling.id)):
        if afdeling.code in eigen:
            gewicht, keuzes = eigen[afdeling.code]
            idx = [by_ident[ident] for ident, _ in keuzes]
            w = [float(g) for _, g in keuzes]
        else:
            gewicht = sjabloon[afdeling.code]
            own = [i for i, zt in enumerate(zaaktypen) if zt.obj.afdeling_id == afdeling.id]
            chosen = [by_ident[k.zaaktype_identificatie] for k in afdeling.generieke_zaaktypen]
            idx = own + chosen
            w = [3.0, 1.5] + [1.0] * max(0, len(own) - 2)
            w = w[: len(own)] + [0.7] * len(chosen)
        van = max(begin, afdeling.startdatum or begin)
        afdelingen.append(
            _Afd(
                obj=afdeling,
                id=afdeling.id,
                code=afdeling.code,
                level=afdeling.vertrouwelijkheidaanduiding,
                van=van.toordinal(),
                gewicht=float(gewicht),
                zaaktypen=idx,
                zaaktype_gewichten=w,
                # the department's retention policy, as archive.archivering applies it
                hotspot=archivering.hotspot_of(SimpleNamespace(afdeling=afdeling)),
            )
        )
    # medewerker001's three departments: the first three by id
    _members(session, rng, beheerder, afdelingen, mensen)
    return _Wereld(beheerder, afdelingen, zaaktypen, wachtwoorden), woordenschat


# -- generation -----------------------------------------------------------------------------


def _bsns(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct BSNs passing the elfproef, all starting with 9 (fictional)."""
    found: list[str] = []
    seen: set[str] = set()
    while len(found) < n:
        prefix = 90_000_000 + _below(rng, 10_000_000)
        digits = f"{prefix:08d}"
        total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check == 10:
            continue
        value = digits + str(check)
        if value not in seen:
            seen.add(value)
            found.append(value)
    return found


def _moment(ordinal: int, rng: random.Random) -> datetime:
    return datetime.combine(
        date.fromordinal(ordinal), dtime(8 + _below(rng, 9), _below(rng, 60)), tzinfo=UTC
    )


def _datum_tekst(d: date) -> str:
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def _adres(rng: random.Random) -> str:
    straat = _pick(rng, STRAATDELEN) + _pick(rng, STRAATSOORTEN)
    return f"{straat} {_between(rng, 1, 180)}, {_pick(rng, PLAATSEN)}"


def _bedrag(rng: random.Random) -> str:
    euro = f"{_between(rng, 50, 25_000):,}".replace(",", ".")
    return f"{euro},{_between(rng, 0, 99):02d}"


def _slug(value: str) -> str:
    folded = value.lower().translate(
        str.maketrans("àáâäèéêëìíîïòóôöùúûüç", "aaaaeeeeiiiioooouuuuc")
    )
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:80] or "document"


ZAAK_COLUMNS = (
    "id", "identificatie", "zaaktype_id", "afdeling_id", "omschrijving", "toelichting",
    "registratiedatum", "startdatum", "einddatum", "vertrouwelijkheidaanduiding",
    "resultaattype_id", "resultaat_toelichting", "archiefnominatie", "archiefactiedatum",
    "archiefstatus", "brondatum", "handmatige_brondatum", "hoofdzaak_id", "archief_wacht_op",
    "archiefnominatie_bron", "aangemaakt_door_id", "aangemaakt_op",
)  # fmt: skip
STATUS_COLUMNS = ("zaak_id", "statustype_id", "datum", "toelichting", "gezet_door_id")
EIGENSCHAP_COLUMNS = ("zaak_id", "eigenschap_id", "waarde")
ROL_COLUMNS = (
    "zaak_id",
    "betrokkene_id",
    "omschrijving",
    "roltype_id",
    "toelichting",
    "aangemaakt_op",
)
BETROKKENE_COLUMNS = (
    "id", "type", "bsn", "kvk_nummer", "rsin", "identificatie", "voornamen", "voorvoegsel",
    "geslachtsnaam", "geboortedatum", "naam", "aangemaakt_op",
)  # fmt: skip
DOCUMENT_COLUMNS = (
    "id", "identificatie", "titel", "auteur", "informatieobjecttype_id",
    "vertrouwelijkheidaanduiding", "creatiedatum", "ontvangstdatum", "verzenddatum", "richting",
    "status", "taal", "bijlage_van_id", "aangemaakt_door_id", "aangemaakt_op",
)  # fmt: skip
VERSIE_COLUMNS = (
    "document_id", "versie", "bestandsnaam", "formaat", "bestandsomvang", "sha256", "paginas",
    "tekst", "geen_tekstlaag", "kenmerken", "risico", "aangemaakt_door_id", "aangemaakt_op",
)  # fmt: skip
LINK_COLUMNS = ("zaak_id", "document_id", "aangemaakt_op")


class _Generator:
    def __init__(
        self,
        session: Session,
        store: BlobStore,
        omvang: Omvang,
        rng: random.Random,
        today: date,
        wereld: _Wereld,
        woordenschat: _Woordenschat,
        bulk: _Bulk,
        progress: Progress | None,
    ):
        self.session = session
        self.omvang = omvang
        self.rng = rng
        self.today = today
        self.vandaag = today.toordinal()
        self.w = wereld
        self.woorden = woordenschat
        self.bulk = bulk
        self.blobs = _Blobs(store)
        self.progress = progress or (lambda _n: None)
        self.tellers: dict[tuple[str, int], int] = {}
        self.afgesloten = 0
        self.te_vernietigen = 0
        self.overbrengingstermijn = archivering.overbrengingstermijn()
        self._bereken_cache: dict = {}

    # -- identificaties ----------------------------------------------------------------------

    def _start_tellers(self) -> dict[tuple[str, int], int]:
        """Numbers already taken per (soort, jaar): after destruction the counters stay up."""
        return {
            (t.soort, t.jaar): t.waarde for t in self.session.scalars(select(IdentificatieTeller))
        }

    def _number(self, soort: str, jaar: int, start: dict) -> int:
        key = (soort, jaar)
        value = self.tellers.get(key, start.get(key, 0)) + 1
        self.tellers[key] = value
        return value

    def _advance_tellers(self) -> None:
        dialect = self.bulk.dialect
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for (soort, jaar), waarde in sorted(self.tellers.items()):
            stmt = make(IdentificatieTeller).values(soort=soort, jaar=jaar, waarde=waarde)
            stmt = stmt.on_conflict_do_update(
                index_elements=["soort", "jaar"],
                set_={
                    "waarde": case(
                        (
                            IdentificatieTeller.waarde > stmt.excluded.waarde,
                            IdentificatieTeller.waarde,
                        ),
                        else_=stmt.excluded.waarde,
                    )
                },
            )
            self.session.execute(stmt)

    # -- skeleton: departments, dates and persons of every zaak ------------------------------

    def skeleton(self) -> None:
        rng, n = self.rng, self.omvang.zaken
        afdelingen = self.w.afdelingen
        cum = list(accumulate(a.gewicht for a in afdelingen))
        total = cum[-1]
        afd = array("b", [0]) * n
        registratie = array("i", [0]) * n
        for i in range(n):
            a = bisect_right(cum, rng.random() * total)
            afd[i] = a
            van = afdelingen[a].van
            # more zaken in recent years: a density growing linearly over the period
            registratie[i] = van + int(math.sqrt(rng.random()) * (self.vandaag - van + 1))
            registratie[i] = min(registratie[i], self.vandaag)
        order = sorted(range(n), key=registratie.__getitem__)
        self.afd = array("b", (afd[i] for i in order))
        self.registratie = array("i", (registratie[i] for i in order))
        self._persons_per_zaak()

    def _persons_per_zaak(self) -> None:
        """Slots per zaak (one person, sometimes more), filled so that every one of the P
        persons is used (the chance of a new person is unused/remaining slots); a returning
        person comes mostly from the same department, else from anywhere, preferring those
        already often seen (a few persons turn up in many zaken)."""
        rng, n, p = self.rng, self.omvang.zaken, self.omvang.personen
        slots = array("b", (rng.choices((1, 2, 3), weights=(70, 22, 8))[0] for _ in range(n)))
        while sum(slots) < p:
            i = _below(rng, n)
            if slots[i] < MAX_ROLLEN:
                slots[i] += 1
        remaining = sum(slots)
        self.slot_start = array("i", [0]) * (n + 1)
        self.slot_person = array("i", [0]) * remaining
        self.first_use = array("i", [0]) * p
        uses = array("i", [0]) * p
        pools: list[list[int]] = [[] for _ in self.w.afdelingen]
        overall: list[int] = []
        nieuw = 0
        pos = 0
        for i in range(n):
            self.slot_start[i] = pos
            a = self.afd[i]
            in_zaak: list[int] = []
            for _ in range(slots[i]):
                unused = p - nieuw
                person = -1
                if unused and (not overall or rng.random() * remaining < unused):
                    person = nieuw
                    nieuw += 1
                    self.first_use[person] = self.registratie[i]
                else:
                    for _try in range(6):
                        pool = pools[a] if pools[a] and rng.random() < 0.6 else overall
                        candidate = pool[_below(rng, len(pool))]
                        if candidate not in in_zaak and uses[candidate] < MAX_ZAKEN_PER_PERSOON:
                            person = candidate
                            break
                    if person < 0 and unused:  # no returning person fits: a new one
                        person = nieuw
                        nieuw += 1
                        self.first_use[person] = self.registratie[i]
                remaining -= 1
                if person < 0:
                    continue
                in_zaak.append(person)
                uses[person] += 1
                pools[a].append(person)
                overall.append(person)
                self.slot_person[pos] = person
                pos += 1
        self.slot_start[n] = pos

    # -- persons -----------------------------------------------------------------------------

    def persons(self) -> None:
        rng, p = self.rng, self.omvang.personen
        orgs = len(ORGANISATIES)
        self.person_first_id = self.bulk.reserve_ids(Betrokkene.__table__, p + orgs)
        self.org_first_id = self.person_first_id + p
        self.person_naam: list[str] = []
        rows = []
        begin = date(self.today.year - 90, 1, 1).toordinal()
        jong = self.today.toordinal() - 12 * 365
        for k, bsn in enumerate(_bsns(rng, p)):
            voornamen = _pick(rng, VOORNAMEN)
            if rng.random() < 0.2:
                voornamen += " " + _pick(rng, VOORNAMEN)
            voorvoegsel, achternaam = _pick(rng, ACHTERNAMEN)
            geboren = date.fromordinal(_between(rng, begin, jong))
            self.person_naam.append(" ".join(x for x in (voornamen, voorvoegsel, achternaam) if x))
            rows.append(
                (self.person_first_id + k, "natuurlijk_persoon", bsn, None, None, None, voornamen,
                 voorvoegsel, achternaam, geboren, "", _moment(self.first_use[k], rng))
            )  # fmt: skip
            if len(rows) >= self.omvang.batch:
                self.bulk.insert(Betrokkene.__table__, BETROKKENE_COLUMNS, rows)
                self.progress(len(rows))
                rows = []
        moment = _moment(date(self.today.year - HISTORIE_JAREN, 1, 2).toordinal(), rng)
        for k, (naam, kvk) in enumerate(ORGANISATIES):
            rows.append(
                (self.org_first_id + k, "niet_natuurlijk_persoon", None, kvk, None, None, "", "",
                 "", None, naam, moment)
            )  # fmt: skip
        self.bulk.insert(Betrokkene.__table__, BETROKKENE_COLUMNS, rows)
        self.progress(len(rows) - orgs)

    # -- zaken -------------------------------------------------------------------------------

    def _bereken(self, resultaattype, einddatum: date, eigenschappen: dict, hotspot):
        key = (
            resultaattype.id,
            einddatum,
            hotspot is not None,
            tuple(sorted(eigenschappen.items())),
        )
        uitkomst = self._bereken_cache.get(key)
        if uitkomst is None:
            uitkomst = bewaring.bereken(
                resultaattype,
                bewaring.Feiten(einddatum=einddatum, eigenschappen=eigenschappen),
                blijvend_bewaren=hotspot is not None,
                overbrengingstermijn=self.overbrengingstermijn,
            )
            self._bereken_cache[key] = uitkomst
        return uitkomst

    def _eigenschappen(self, zt: _ZT, start: int, eind: int, resultaattype) -> dict:
        """Values for required eigenschappen (and some optional ones), in their stored form;
        a date the resultaat derives its brondatum from is set on most closed zaken."""
        rng = self.rng
        waarden: dict = {}
        nodig = resultaattype.datumkenmerk if resultaattype is not None and (
            resultaattype.afleidingswijze == "eigenschap"
        ) else None  # fmt: skip
        for eigenschap, verplicht in zt.eigenschappen:
            raw = None
            if eigenschap.formaat == "keuze" and eigenschap.waardenverzameling:
                if verplicht or rng.random() < 0.3:
                    raw = _pick(rng, eigenschap.waardenverzameling)
            elif eigenschap.formaat == "datum":
                wanted = verplicht or (eigenschap.naam == nodig and rng.random() < 0.85)
                if wanted or rng.random() < 0.15:
                    raw = date.fromordinal(_between(rng, start, eind)).isoformat()
            elif eigenschap.formaat == "datum_tijd":
                if verplicht:
                    raw = _moment(_between(rng, start, eind), rng).isoformat()
            elif eigenschap.formaat == "getal":
                if verplicht or rng.random() < 0.2:
                    raw = str(_between(rng, 1, 400))
            elif verplicht:
                raw = _pick(rng, ZELFSTANDIG)
            if raw is not None:
                waarden[eigenschap] = catalogus.validate_eigenschap_value(eigenschap, raw)
        return waarden

    def zaken(self) -> None:
        rng, n = self.rng, self.omvang.zaken
        self.zaak_first_id = self.bulk.reserve_ids(Zaak.__table__, n)
        start_tellers = self._start_tellers()
        self.start_tellers = start_tellers
        self.zt_of = array("h", [0]) * n
        self.level_of = array("b", [0]) * n
        self.start_of = array("i", [0]) * n
        self.eind_of = array("i", [0]) * n  # 0 while open
        self.nummer_of = array("i", [0]) * n
        self.weight_of = array("f", [0.0]) * n
        zaken, statussen, eigenschappen, rollen = [], [], [], []
        org_cycle = len(ORGANISATIES)
        for i in range(n):
            afd = self.w.afdelingen[self.afd[i]]
            zt_index = rng.choices(afd.zaaktypen, weights=afd.zaaktype_gewichten)[0]
            zt = self.w.zaaktypen[zt_index]
            registratie = self.registratie[i]
            start = max(afd.van, registratie - _pick(rng, (0, 0, 0, 1, 2, 3, 7, 14)))
            jaar = date.fromordinal(registratie).year
            nummer = self._number("ZAAK", jaar, start_tellers)
            zaak_id = self.zaak_first_id + i
            age = self.vandaag - start
            closed = rng.random() < _kans_afgesloten(age)
            eind = 0
            if closed:
                duur = int(zt.doorlooptijd * rng.lognormvariate(0, 0.6)) + 1
                eind = start + duur
                if eind > self.vandaag:
                    eind = start + _between(rng, 0, max(0, self.vandaag - start))
                eind = max(eind, registratie)  # closed after it was registered
            level = max(zt.level, RANK[afd.level]) if afd.level else zt.level
            r = rng.random()
            if r < 0.07:
                level = min(level + 1, GEHEIM)
            elif r < 0.1:
                level = min(level + 2, GEHEIM)
            elif r < 0.12:
                level = max(level - 1, 0)
            maker, _maker_naam = _pick(rng, afd.behandelaars)
            aangemaakt = _moment(registratie, rng)
            resultaattype = None
            if closed:
                resultaattype = rng.choices(
                    zt.resultaten, weights=zt.resultaat_gewichten[: len(zt.resultaten)]
                )[0]
            waarden = self._eigenschappen(zt, start, eind or self.vandaag, resultaattype)
            nominatie = actiedatum = brondatum = wacht = None
            bron = ""
            archiefstatus = "nog_te_archiveren"
            einddatum = date.fromordinal(eind) if eind else None
            if closed:
                self.afgesloten += 1
                uitkomst = self._bereken(
                    resultaattype, einddatum, {e.naam: v for e, v in waarden.items()}, afd.hotspot
                )
                nominatie, brondatum = uitkomst.archiefnominatie, uitkomst.brondatum
                actiedatum, wacht = uitkomst.archiefactiedatum, uitkomst.wacht_op
                klasse = resultaattype.selectielijstklasse
                bron = (
                    afd.hotspot
                    or (
                        f"resultaattype {resultaattype.omschrijving}"
                        + (f" (selectielijst 2020, {klasse})" if klasse else "")
                    )[:300]
                )
                if actiedatum is not None and self.vandaag - eind > 365 and rng.random() < 0.5:
                    archiefstatus = "gearchiveerd"  # every document of a closed zaak is definitief
                if (
                    nominatie == "vernietigen"
                    and actiedatum is not None
                    and actiedatum <= self.today
                ):
                    self.te_vernietigen += 1
            zaken.append(
                (zaak_id, f"ZAAK-{jaar}-{nummer:010d}", zt.id, afd.id, self._omschrijving(zt),
                 self._toelichting(), date.fromordinal(registratie), date.fromordinal(start),
                 einddatum, LEVELS[level].value, resultaattype.id if resultaattype else None,
                 self._toelichting() if closed else "", nominatie, actiedatum, archiefstatus,
                 brondatum, None, None, wacht, bron, maker, aangemaakt)
            )  # fmt: skip
            statussen.extend(self._statussen(zt, zaak_id, aangemaakt, start, eind, afd))
            eigenschappen.extend((zaak_id, e.id, v) for e, v in waarden.items())
            rollen.extend(self._rollen(i, zt, zaak_id, aangemaakt, org_cycle))
            self.zt_of[i] = zt_index
            self.level_of[i] = level
            self.start_of[i] = start
            self.eind_of[i] = eind
            self.nummer_of[i] = nummer
            self.weight_of[i] = rng.lognormvariate(0, 0.9)
            if len(zaken) >= self.omvang.batch:
                self._flush_zaken(zaken, statussen, eigenschappen, rollen)
                zaken, statussen, eigenschappen, rollen = [], [], [], []
        self._flush_zaken(zaken, statussen, eigenschappen, rollen)

    def _flush_zaken(self, zaken, statussen, eigenschappen, rollen) -> None:
        self.bulk.insert(Zaak.__table__, ZAAK_COLUMNS, zaken)
        self.bulk.insert(ZaakStatus.__table__, STATUS_COLUMNS, statussen)
        self.bulk.insert(ZaakEigenschap.__table__, EIGENSCHAP_COLUMNS, eigenschappen)
        self.bulk.insert(Rol.__table__, ROL_COLUMNS, rollen)
        self.progress(len(zaken))

    def _omschrijving(self, zt: _ZT) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            onderwerp = _adres(rng)
        elif r < 0.75:
            onderwerp = f"{_pick(rng, ZELFSTANDIG)}, {_pick(rng, PLAATSEN)}"
        else:
            onderwerp = f"{_pick(rng, BIJVOEGLIJK)} {_pick(rng, ZELFSTANDIG)}"
        return f"{zt.omschrijving}: {onderwerp}"[:200]

    def _toelichting(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return ""
        woorden = [
            _pick(rng, FUNCTIEWOORDEN if k % 2 else ZELFSTANDIG)
            for k in range(_between(rng, 5, 14))
        ]
        zin = " ".join(woorden)
        return zin[:1].upper() + zin[1:] + "."

    def _statussen(self, zt: _ZT, zaak_id: int, aangemaakt, start: int, eind: int, afd: _Afd):
        """The first status at registration, some of the next ones spread over the zaak's
        life, and for a closed zaak the eindstatus on its einddatum (each after the one
        before, as setting them one by one gives)."""
        rng = self.rng
        n = len(zt.statussen)
        wie = afd.behandelaars
        rows = [(zaak_id, zt.statussen[0], aangemaakt, "", aangemaakt_door(wie, rng))]
        if n == 1:
            return rows
        base = aangemaakt.date().toordinal()
        tot = eind or self.vandaag
        bereikt = _between(rng, 1, n - 1)  # statuses reached before the end (1: the first)
        dagen = [base + (tot - base) * k // (bereikt + 1) for k in range(1, bereikt)]
        ids = zt.statussen[1:bereikt]
        if eind:
            dagen.append(eind)
            ids.append(zt.statussen[-1])
        vorige = aangemaakt
        for statustype_id, dag in zip(ids, dagen, strict=True):
            moment = max(_moment(dag, rng), vorige + timedelta(minutes=1))
            rows.append((zaak_id, statustype_id, moment, "", aangemaakt_door(wie, rng)))
            vorige = moment
        return rows

    def _rollen(self, i: int, zt: _ZT, zaak_id: int, aangemaakt, orgs: int):
        rng = self.rng
        rows = []
        for s in range(self.slot_start[i], self.slot_start[i + 1]):
            person = self.slot_person[s]
            if s == self.slot_start[i]:
                generiek = "belanghebbende"
            else:
                generiek = (
                    "initiator"
                    if rng.random() < 0.5 and "initiator" in zt.rol_generiek
                    else "belanghebbende"
                )
            roltype = zt.rol_generiek.get(generiek)
            rows.append(
                (zaak_id, self.person_first_id + person, generiek, roltype[0] if roltype else None,
                 "", aangemaakt)
            )  # fmt: skip
        if rng.random() < 0.2:
            roltype = zt.rol_generiek.get("adviseur")
            rows.append(
                (zaak_id, self.org_first_id + _below(rng, orgs), "adviseur",
                 roltype[0] if roltype else None, "", aangemaakt)
            )  # fmt: skip
        return rows

    # -- documents ---------------------------------------------------------------------------

    def documenten(self) -> None:
        rng, m, n = self.rng, self.omvang.documenten, self.omvang.zaken
        if m == 0:
            return
        self.doc_first_id = self.bulk.reserve_ids(Document.__table__, m)
        cum = list(accumulate(self.weight_of))
        total = cum[-1]
        zaak_of = array("i", [0]) * m
        creatie = array("i", [0]) * m
        for j in range(m):
            z = min(bisect_right(cum, rng.random() * total), n - 1)
            zaak_of[j] = z
            eind = self.eind_of[z] or self.vandaag
            creatie[j] = _between(rng, self.start_of[z], eind)
        order = sorted(range(m), key=creatie.__getitem__)
        per_afd: list[list[int]] = [[] for _ in self.w.afdelingen]
        for z in range(n):
            per_afd[self.afd[z]].append(z)
        documents, versies, links = [], [], []
        for chunk_start in range(0, m, TEKST_CHUNK):
            text_rng = np.random.default_rng([self.omvang.seed, chunk_start // TEKST_CHUNK])
            for pos in range(chunk_start, min(m, chunk_start + TEKST_CHUNK)):
                j = order[pos]
                doc = self._document(pos, zaak_of[j], creatie[j], text_rng, per_afd)
                documents.append(doc[0])
                versies.extend(doc[1])
                links.extend(doc[2])
                if len(documents) >= self.omvang.batch:
                    self._flush_documenten(documents, versies, links)
                    documents, versies, links = [], [], []
        self._flush_documenten(documents, versies, links)

    def _flush_documenten(self, documents, versies, links) -> None:
        self.bulk.insert(Document.__table__, DOCUMENT_COLUMNS, documents)
        self.bulk.insert(DocumentVersie.__table__, VERSIE_COLUMNS, versies)
        self.bulk.insert(ZaakDocument.__table__, LINK_COLUMNS, links)
        self.progress(len(documents))

    def _zaak_identificatie(self, z: int) -> str:
        return f"ZAAK-{date.fromordinal(self.registratie[z]).year}-{self.nummer_of[z]:010d}"

    def _document(self, pos: int, z: int, cre: int, text_rng, per_afd):
        rng = self.rng
        zt = self.w.zaaktypen[self.zt_of[z]]
        afd = self.w.afdelingen[self.afd[z]]
        doc_id = self.doc_first_id + pos
        creatiedatum = date.fromordinal(cre)
        nummer = self._number("DOC", creatiedatum.year, self.start_tellers)
        iot_id, iot_naam, richting, iot_level, text_ok, pdf_ok = _pick(rng, zt.documenttypen)
        formaat = PDF if pdf_ok and (not text_ok or rng.random() < 0.2) else TXT
        r = rng.random()
        level = iot_level
        if r < 0.15:
            level = max(iot_level, self.level_of[z])
        elif r < 0.2:
            level = min(iot_level + 1, GEHEIM)
        zaken = [z]
        if rng.random() < 0.03 and self.omvang.zaken > 1:
            pool = (
                per_afd[self.afd[z]]
                if rng.random() < 0.7 and len(per_afd[self.afd[z]]) > 1
                else None
            )
            other = _pick(rng, pool) if pool else _below(rng, self.omvang.zaken)
            if other != z:
                zaken.append(other)
        closed = any(self.eind_of[x] for x in zaken)
        status = "definitief" if closed else rng.choices(
            ["definitief", "in_bewerking", "ter_vaststelling"], weights=[6, 3, 1]
        )[0]  # fmt: skip
        maker, maker_naam = _pick(rng, afd.behandelaars)
        auteur = maker_naam if rng.random() < 0.7 else ""
        if rng.random() < 0.5:
            titel = f"{iot_naam} {_datum_tekst(creatiedatum)}"
        else:
            titel = f"{iot_naam}: {_pick(rng, BIJVOEGLIJK)} {_pick(rng, ZELFSTANDIG)}"
        titel = titel[:300]
        aangemaakt = _moment(cre, rng)
        document = (
            doc_id, f"DOC-{creatiedatum.year}-{nummer:010d}", titel, auteur, iot_id,
            LEVELS[level].value, creatiedatum, creatiedatum if richting == "inkomend" else None,
            creatiedatum if richting == "uitgaand" else None, richting, status, "nld", None,
            maker, aangemaakt,
        )  # fmt: skip

        kop = [
            titel,
            f"Kenmerk: {self._zaak_identificatie(z)}",
            f"Datum: {_datum_tekst(creatiedatum)}",
        ]
        persoon = (
            self.slot_person[self.slot_start[z]]
            if self.slot_start[z + 1] > self.slot_start[z]
            else -1
        )
        if persoon >= 0 and rng.random() < 0.6:
            kop.append(f"Betreft: {self.person_naam[persoon]}")
        woorden = int(min(6000, max(120, text_rng.lognormal(6.2, 0.75))))
        focus = zt.focus
        if len(focus) == 0 or rng.random() < 0.3:
            extra = text_rng.integers(self.woorden.content_from, self.woorden.size, size=4)
            focus = np.concatenate([focus, extra])
        codes, alineas = self.woorden.body(text_rng, woorden, focus)
        feit_in, feit = -1, ""
        if rng.random() < 0.5:
            feit = _pick(
                rng,
                (
                    f"Op {_datum_tekst(creatiedatum)} gesproken met de {_pick(rng, ZELFSTANDIG)}.",
                    f"Het betreft een bedrag van € {_bedrag(rng)}.",
                    f"Het adres is {_adres(rng)}.",
                    f"Zie ook zaak {self._zaak_identificatie(_below(rng, self.omvang.zaken))}.",
                )
            )  # fmt: skip
            feit_in = _below(rng, len(alineas))
        versies_n = 2 if rng.random() < 0.05 and len(alineas) > 1 else 1
        naam = _slug(titel) + (".pdf" if formaat == PDF else ".txt")
        versies = []
        for versie in range(1, versies_n + 1):
            # an earlier version is the first two thirds of the final one
            inhoud = alineas if versie == versies_n else alineas[: max(1, len(alineas) * 2 // 3)]
            if formaat == PDF:
                lines = list(kop)
                for k, (van, tot) in enumerate(inhoud):
                    lines.extend(self.woorden.lines(codes[van:tot]))
                    if k == feit_in:
                        lines.append(feit)
                data, paginas = pdf_bytes(lines)
                tekst = "\n".join(lines)
                kenmerken = PDF_KENMERKEN
            else:
                delen = []
                for k, (van, tot) in enumerate(inhoud):
                    alinea = self.woorden.text(codes[van:tot])
                    delen.append(f"{alinea} {feit}" if k == feit_in else alinea)
                tekst = "\n".join(kop) + "\n\n" + "\n\n".join(delen)
                data, paginas, kenmerken = tekst.encode("utf-8"), None, {}
            sha = self.blobs.put(data)
            versies.append(
                (doc_id, versie, naam, formaat, len(data), sha, paginas, tekst, False, kenmerken,
                 [], maker, aangemaakt + timedelta(days=versie - 1))
            )  # fmt: skip
        links = [(self.zaak_first_id + x, doc_id, aangemaakt) for x in zaken]
        return document, versies, links

    # -- the end ------------------------------------------------------------------------------

    def finish(self) -> None:
        self.bulk.drain()
        self._advance_tellers()
        audit.record(
            self.session,
            self.w.beheerder,
            "demo.gegenereerd",
            "database",
            "demo",
            na={
                "seed": self.omvang.seed,
                "zaken": self.omvang.zaken,
                "documenten": self.omvang.documenten,
                "personen": self.omvang.personen,
                "rijen": dict(sorted(self.bulk.rijen.items())),
            },
        )
        self.session.flush()
        self.blobs.sync()


def _kans_afgesloten(age: int) -> float:
    """How likely a zaak started ``age`` days ago is closed by now."""
    if age > 730:
        return 0.68  # the rest stays open: the backlog every DIV knows
    if age > 365:
        return 0.6
    if age > 120:
        return 0.4
    if age > 30:
        return 0.2
    return 0.05


def aangemaakt_door(wie: list[tuple[int, str]], rng: random.Random) -> int:
    return wie[_below(rng, len(wie))][0]


def refresh_statistics(session: Session) -> None:
    """Give the query planner statistics for the rows just loaded.

    Autovacuum analyses a table only some time after a bulk load; until then PostgreSQL
    plans with an empty table's estimates (measured at 1,000,000 zaken: the API's zaken
    list took 600 ms with a bitmap scan of every visible zaak instead of 0.5 ms walking the
    primary key backwards). SQLite's ANALYZE fills sqlite_stat1 for the same reason.
    """
    session.execute(text("ANALYZE"))


def generate(
    session: Session,
    store: BlobStore,
    omvang: Omvang,
    *,
    progress: Progress | None = None,
    today: date | None = None,
    methode: str = "auto",
) -> Samenvatting:
    """Fill an empty database with a synthetic municipality (see the module docstring).

    ``progress(n)`` is called with the number of persons, zaken or documents just
    written (``omvang.eenheden`` in all). ``methode``: auto (COPY on PostgreSQL, Core
    inserts elsewhere), copy or insert. The caller commits; everything is one transaction.
    """
    omvang.check()
    started = time.perf_counter()
    _require_empty(session, _usernames())
    today = today or date.today()
    bulk = _Bulk(session.connection(), methode)
    rng = random.Random(omvang.seed)
    wereld, woordenschat = _world(session, rng, today)
    session.flush()
    generator = _Generator(session, store, omvang, rng, today, wereld, woordenschat, bulk, progress)
    try:
        generator.skeleton()
        generator.persons()
        generator.zaken()
        generator.documenten()
        generator.finish()
    finally:
        bulk.close()
        generator.blobs.close()
    return Samenvatting(
        rijen=dict(sorted(bulk.rijen.items())),
        seconden=time.perf_counter() - started,
        methode=bulk.methode,
        blob_bytes=generator.blobs.bytes,
        afgesloten=generator.afgesloten,
        te_vernietigen=generator.te_vernietigen,
        wachtwoorden=wereld.wachtwoorden,
    )
