"""The search backend interface and the engine-neutral values that cross it.

Callers (worker, service, CLI, web) only see these types, so another engine can be added
later by implementing :class:`SearchBackend` without touching them.

Access is part of every search: the caller passes :class:`Rechten` (the user's memberships
and grants, converted from the access policy's ``Toegang``) and the backend must return
only items the user may see — in the hits, the total and the facet counts alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol, runtime_checkable

from archive.enums import Vertrouwelijkheid

LEVELS: list[str] = [v.value for v in Vertrouwelijkheid]
TYPES = ("zaak", "document", "persoon")
FACETS = ("zaaktype", "afdeling", "jaar", "informatieobjecttype")
Soort = Literal["zaak", "document", "persoon"]


class IndexMissing(RuntimeError):
    """There is no usable index yet (first start, its directory or tables were removed)."""


# highlight markers inside a backend: control characters no stored text contains
HIT_START, HIT_END = "\x02", "\x03"


def segments(marked: str) -> list[tuple[str, bool]]:
    """Text with HIT_START/HIT_END markers as (text, highlighted) segments: the caller
    escapes each segment, so no markup from an indexed text reaches a page."""
    out: list[tuple[str, bool]] = []
    rest = marked
    while rest:
        start = rest.find(HIT_START)
        if start < 0:
            out.append((rest, False))
            break
        if start:
            out.append((rest[:start], False))
        end = rest.find(HIT_END, start)
        end = len(rest) if end < 0 else end
        out.append((rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return [(t, h) for t, h in out if t]


def rank(level: str) -> int:
    """The position of a vertrouwelijkheidaanduiding in the ordered list (openbaar = 0)."""
    return LEVELS.index(level)


@dataclass(frozen=True)
class Rechten:
    """What one user may reach, as the access policy's ``Toegang``: afdeling id → (rol,
    clearance) for memberships, zaak id → (rol, clearance) for grants. Empty = sees nothing."""

    afdelingen: dict[int, tuple[str, str]] = field(default_factory=dict)
    zaken: dict[int, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_toegang(cls, toegang) -> Rechten:
        """Convert anything with ``afdelingen`` and ``zaken`` dicts (``access.Toegang``)."""
        return cls(dict(toegang.afdelingen), dict(toegang.zaken))

    def clearance_via(self, afdeling_id: int, zaak_id: int) -> int:
        """The highest clearance rank through which this user reaches one zaak (-1: none)."""
        best = -1
        for reach in (self.afdelingen.get(afdeling_id), self.zaken.get(zaak_id)):
            if reach is not None:
                best = max(best, rank(reach[1]))
        return best


@dataclass(frozen=True)
class ZaakLink:
    """One zaak an item belongs to, with what access needs: the zaak's department and id,
    and the level required through this zaak (max of the zaak's and the item's own)."""

    zaak_id: int
    afdeling_id: int
    afdeling: str  # afdeling code (facet value and afdeling: filter)
    zaaktype: str  # zaaktype identificatie (facet value and zaaktype: filter)
    niveau: int  # rank of the zaak's vertrouwelijkheidaanduiding


@dataclass
class IndexDocument:
    """One searchable item. ``key`` is "<type>:<database id>"."""

    type: Soort
    object_id: int
    identificatie: str
    titel: str
    links: list[ZaakLink]
    niveau: int = 0  # the item's own level rank (documents); zaken and persons: 0
    tekst: str = ""
    namen: list[str] = field(default_factory=list)
    bsn: list[str] = field(default_factory=list)
    kvk: list[str] = field(default_factory=list)
    kenmerken: list[str] = field(default_factory=list)  # other exact ids (RSIN, ...)
    bestandsnaam: str = ""
    informatieobjecttype: str = ""
    status: str = ""
    datum: date | None = None
    geboortedatum: date | None = None

    @property
    def key(self) -> str:
        return f"{self.type}:{self.object_id}"


@dataclass(frozen=True)
class Zoekvraag:
    """A query: the text in the query language plus structured filters (from facets)."""

    q: str = ""
    types: tuple[str, ...] = ()
    zaaktype: tuple[str, ...] = ()
    afdeling: tuple[str, ...] = ()
    jaar: tuple[int, ...] = ()
    informatieobjecttype: tuple[str, ...] = ()
    van: date | None = None
    tot: date | None = None
    page: int = 1
    per_page: int = 20
    sort: Literal["relevance", "date"] = "relevance"
    facets: bool = True


@dataclass
class Treffer:
    """One hit. ``snippet`` is a list of (text, highlighted) segments: the caller escapes
    the text itself, so no HTML from a document ever reaches a page unescaped."""

    key: str
    type: str
    object_id: int
    identificatie: str
    titel: str
    snippet: list[tuple[str, bool]]
    score: float
    datum: date | None
    titel_segments: list[tuple[str, bool]] = field(default_factory=list)

    def snippet_html(self, tag: str = "mark") -> str:
        from html import escape

        return "".join(
            f"<{tag}>{escape(text)}</{tag}>" if hit else escape(text) for text, hit in self.snippet
        )


@dataclass
class Zoekresultaat:
    hits: list[Treffer]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]
    fout: str | None = None  # a query that could not be parsed: what was wrong
    # facet value → display name, per facet (filled in by the service from the database)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # there is no index yet (first start, or it is being rebuilt): ``fout`` says so
    index_ontbreekt: bool = False
    # more matches than a backend counts exactly: ``total`` and the facet counts are
    # estimates from a uniform sample of the matches, and only ``bladerbaar`` hits can be
    # paged to (the PostgreSQL backend, see ``PostgresBackend.exact_limit``)
    geschat: bool = False
    bladerbaar: int | None = None

    @property
    def pages(self) -> int:
        reachable = self.total if self.bladerbaar is None else min(self.total, self.bladerbaar)
        return max(1, -(-reachable // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class Gezondheid:
    """The index state: ``ok``, ``missing`` or ``corrupt`` (also: wrong schema version)."""

    status: Literal["ok", "missing", "corrupt"]
    detail: str = ""
    documenten: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


Progress = Callable[[int], None]
CatchUp = Callable[[], tuple[Iterable[IndexDocument], Iterable[str]]]


@runtime_checkable
class SearchBackend(Protocol):
    """A search engine holding zaken, documents and persons, filtered by access."""

    @property
    def location(self) -> str:
        """Where the index lives, for status lines and logs (a directory, a database)."""

    def index(self, docs: Iterable[IndexDocument]) -> int:
        """Add or replace items (by key); returns how many were written."""

    def remove(self, keys: Iterable[str]) -> int:
        """Remove items by key; unknown keys are ignored (idempotent)."""

    def search(self, query: Zoekvraag, rechten: Rechten) -> Zoekresultaat:
        """Only items visible under ``rechten``, in hits, total and facets."""

    def rebuild(
        self,
        docs: Iterable[IndexDocument],
        progress: Progress | None = None,
        catch_up: CatchUp | None = None,
    ) -> int:
        """Build a fresh index from ``docs`` and switch to it atomically; searches keep
        using the old one meanwhile. ``catch_up`` is called under the write lock just
        before the switch, for changes that happened during the build."""

    def health(self) -> Gezondheid:
        """Detect a missing or corrupt index (at start-up, before serving)."""

    def all_keys(self) -> set[str]:
        """Every key in the index (for checks and tests)."""

    def linked_keys(self, zaak_ids: Iterable[int]) -> set[str]:
        """Keys of indexed items that belong to one of these zaken (also once deleted)."""

    def apply(self, docs: Iterable[IndexDocument], remove: Iterable[str]) -> int:
        """Index ``docs`` and remove ``remove`` keys in one write."""
