"""The selectielijst 2020 (VNG), shipped as package data, with lookup and search.

A specific resultaat (x.y.z) with an empty field takes it from its generic resultaat (x.y).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

VERSIE = "2020"


@dataclass(frozen=True)
class Resultaat:
    nummer: str
    naam: str
    omschrijving: str
    toelichting: str
    waardering: str  # vernietigen | blijvend_bewaren
    bewaartermijn: str | None  # ISO 8601 duration, None for blijvend_bewaren
    procestermijn: str | None
    procestype_nummer: int
    procestype_naam: str
    generiek: bool

    @property
    def label(self) -> str:
        extra = f" — {self.omschrijving}" if self.omschrijving else ""
        termijn = self.bewaartermijn or "blijvend"
        return f"{self.nummer} {self.naam}{extra} ({self.waardering}, {termijn})"


@dataclass(frozen=True)
class Procestype:
    nummer: int
    naam: str
    omschrijving: str
    resultaten: tuple[Resultaat, ...]


@cache
def procestypen() -> tuple[Procestype, ...]:
    raw = json.loads(
        resources.files("zaaktypen.data").joinpath("selectielijst-2020.json").read_text("utf-8")
    )
    result = []
    for pt in raw["procestypen"]:
        generic: dict[str, dict] = {}
        resultaten = []
        for r in pt["resultaten"]:
            if r["generiek"]:
                generic[r["nummer"]] = r
            parent = generic.get(".".join(r["nummer"].split(".")[:2]), {})
            waardering = r["waardering"] or parent.get("waardering")
            # blijvend bewaren has no bewaartermijn, even where the generic result has one
            bewaartermijn = (
                None
                if waardering == "blijvend_bewaren"
                else r["bewaartermijn"] or parent.get("bewaartermijn")
            )
            resultaten.append(
                Resultaat(
                    nummer=r["nummer"],
                    naam=r["naam"] or parent.get("naam", ""),
                    omschrijving=r["omschrijving"] or "",
                    toelichting=r["toelichting"] or "",
                    waardering=waardering,
                    bewaartermijn=bewaartermijn,
                    procestermijn=r["procestermijn"] or parent.get("procestermijn"),
                    procestype_nummer=pt["nummer"],
                    procestype_naam=pt["naam"],
                    generiek=r["generiek"],
                )
            )
        result.append(
            Procestype(pt["nummer"], pt["naam"], pt.get("omschrijving", ""), tuple(resultaten))
        )
    return tuple(result)


@cache
def _by_nummer() -> dict[str, Resultaat]:
    return {r.nummer: r for pt in procestypen() for r in pt.resultaten}


def resultaat(nummer: str) -> Resultaat | None:
    return _by_nummer().get((nummer or "").strip())


def procestype(nummer: int) -> Procestype | None:
    return next((p for p in procestypen() if p.nummer == nummer), None)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(query: str, *, limit: int = 50) -> list[Resultaat]:
    """By number prefix ("11.1") or by all words (case and accent folded)."""
    query = (query or "").strip()
    if not query:
        return []
    if re.fullmatch(r"\d+(\.\d+)*\.?", query):
        prefix = query.rstrip(".")
        hits = [
            r
            for r in _by_nummer().values()
            if r.nummer == prefix or r.nummer.startswith(prefix + ".")
        ]
        return hits[:limit]
    words = _fold(query).split()
    hits = []
    for r in _by_nummer().values():
        haystack = _fold(" ".join([r.naam, r.omschrijving, r.toelichting, r.procestype_naam]))
        if all(w in haystack for w in words):
            hits.append(r)
    return hits[:limit]
