"""Uitzonderingen van vernietiging (hotspots): keep permanently what would be destroyed.

An archivist records an exception with a reason (toelichting), the decision it rests on
(besluitkenmerk) and a scope:

- ``afdeling``: every zaak of a department. The department's own retention policy
  (``Afdeling.retentiebeleid``, set up by DIV with the department) keeps working beside
  it and is asked first; an exception is the archivist's decision, recorded separately.
- ``zaaktype``: every zaak of a zaaktype, by identificatie, so every version.
- ``periode``: every zaak whose **startdatum** falls in the range (inclusive). The
  startdatum, not the einddatum: a hotspot marks an event in time (a calamity, a crisis),
  and the zaken it started are its record; the startdatum is known from the moment a zaak
  exists and does not move when the zaak is reopened or handled slowly, so membership is
  stable and known before the zaak closes.
- ``zoekselectie``: a search query, resolved once through the search service as the
  archivist (what the archivist may see), at the moment of adding; the resolved zaak ids
  are stored, so the effect is deterministic and does not drift as the index changes.
- ``zaken``: single zaken by identificatie.

Effect: ``archive.archivering.apply`` (run on close and on every recompute) sets the
archiefnominatie to blijvend_bewaren with the exception as its source. Adding or removing
an exception recomputes the closed zaken it covers; removing returns them to the
calculated nominatie unless something else still exempts them. Removing keeps the row.
Services flush; the boundary commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from archive import archivering, audit, hotspots
from archive.db import utcnow
from archive.errors import Conflict, NotFound, ValidationFailed
from archive.models import Uitzondering, UitzonderingZaak, User, Zaak
from retention.lijsten import filter_actief
from retention.rechten import require_archivaris
from zaaktypen.models import Afdeling, ZaakType

SCOPES = hotspots.SCOPES
MAX_TEKST = 2000
MAX_ID = 2**53  # beyond any id; keeps huge numbers from the database driver
MAX_SELECTIE = 10_000  # zaken one search selection may resolve to
SEARCH_PAGE = 200


@dataclass
class UitzonderingGegevens:
    """What an archivist enters; which scope field counts depends on ``scope``."""

    scope: str
    omschrijving: str
    toelichting: str
    besluitkenmerk: str
    afdeling: str | None = None  # code
    zaaktype: str | None = None  # identificatie
    periode_van: date | None = None
    periode_tot: date | None = None
    zoekvraag: str | None = None
    zaken: list[str] = field(default_factory=list)  # identificaties


def is_exempted(session: Session, zaak: Zaak) -> bool:
    """Whether ``zaak`` is exempt from destruction right now: the department's policy or an
    active exception. Asked live, so it holds even before a recompute has run."""
    return bool(session.scalar(select(exists().where(Zaak.id == zaak.id, hotspots.exempted()))))


def exemption_source(session: Session, zaak: Zaak) -> str | None:
    """Why ``zaak`` is exempt (as the nominatie's source reads), or ``None``."""
    return archivering.hotspot_of(zaak) or hotspots.exception_source(session, zaak)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _validate(session: Session, g: UitzonderingGegevens) -> dict:
    """Check the input; returns the resolved scope values, raises ValidationFailed."""
    errors: dict[str, list[str]] = {}
    resolved: dict = {}
    if g.scope not in SCOPES:
        errors["scope"] = [f"Kies een van: {', '.join(SCOPES)}."]
    for naam, maximum in (("omschrijving", 200), ("toelichting", MAX_TEKST)):
        value = _text(getattr(g, naam))
        if not value:
            errors[naam] = ["Vul dit in."]
        elif len(value) > maximum:
            errors[naam] = [f"Gebruik hoogstens {maximum} tekens."]
    besluit = _text(g.besluitkenmerk)
    if not besluit:
        errors["besluitkenmerk"] = ["Noem het besluit waarop de uitzondering rust."]
    elif len(besluit) > 200:
        errors["besluitkenmerk"] = ["Gebruik hoogstens 200 tekens."]

    if g.scope == "afdeling":
        afdeling = (
            session.scalar(select(Afdeling).where(Afdeling.code == _text(g.afdeling)))
            if _text(g.afdeling)
            else None
        )
        if afdeling is None:
            errors["afdeling"] = ["Kies een bestaande afdeling (code)."]
        else:
            resolved["afdeling_id"] = afdeling.id
    elif g.scope == "zaaktype":
        ident = _text(g.zaaktype)
        bestaat = ident and session.scalar(
            select(func.count()).select_from(ZaakType).where(ZaakType.identificatie == ident)
        )
        if not bestaat:
            errors["zaaktype"] = ["Kies een bestaand zaaktype (identificatie)."]
        else:
            resolved["zaaktype_identificatie"] = ident
    elif g.scope == "periode":
        if g.periode_van is None:
            errors["periode_van"] = ["Geef de eerste dag van de periode."]
        if g.periode_tot is None:
            errors["periode_tot"] = ["Geef de laatste dag van de periode."]
        if g.periode_van and g.periode_tot and g.periode_van > g.periode_tot:
            errors["periode_tot"] = ["De periode eindigt vóór zij begint."]
        resolved["periode_van"], resolved["periode_tot"] = g.periode_van, g.periode_tot
    elif g.scope == "zoekselectie":
        vraag = _text(g.zoekvraag)
        if not vraag:
            errors["zoekvraag"] = ["Geef de zoekvraag van de selectie."]
        elif len(vraag) > MAX_TEKST:
            errors["zoekvraag"] = [f"Gebruik hoogstens {MAX_TEKST} tekens."]
        resolved["zoekvraag"] = vraag
    elif g.scope == "zaken":
        identificaties = sorted({_text(i) for i in g.zaken if _text(i)})
        if not identificaties:
            errors["zaken"] = ["Noem ten minste één zaak (identificatie)."]
        else:
            rows = dict(
                session.execute(
                    select(Zaak.identificatie, Zaak.id).where(
                        Zaak.identificatie.in_(identificaties)
                    )
                ).all()
            )
            missing = [i for i in identificaties if i not in rows]
            if missing:
                errors["zaken"] = [f"Deze zaken bestaan niet: {', '.join(missing[:20])}."]
            resolved["zaak_ids"] = sorted(rows.values())
    if errors:
        raise ValidationFailed(errors)
    return resolved


def resolve_search(session: Session, actor: User, zoekvraag: str, *, backend) -> list[int]:
    """The ids of the zaken ``zoekvraag`` finds for ``actor`` (through the search service,
    so only what the archivist may see), all pages."""
    from search import service

    ids: list[int] = []
    page = 1
    while True:
        result = service.search(
            session,
            actor,
            zoekvraag,
            {"types": "zaak"},
            page,
            backend=backend,
            per_page=SEARCH_PAGE,
            facets=False,
        )
        if result.fout:
            raise ValidationFailed({"zoekvraag": [result.fout]})
        ids.extend(h.object_id for h in result.hits if h.type == "zaak")
        if len(ids) > MAX_SELECTIE:
            raise ValidationFailed(
                {"zoekvraag": [f"De selectie is groter dan {MAX_SELECTIE} zaken; verfijn haar."]}
            )
        if not result.has_next:
            break
        page += 1
    return sorted(set(ids))


def _recompute(session: Session, actor: User | None, uitzondering: Uitzondering) -> int:
    """Recompute every closed zaak ``uitzondering`` covers (not those already transferred);
    returns how many changed."""
    changed = 0
    zaken = session.scalars(
        select(Zaak)
        .where(
            hotspots.zaak_clause(uitzondering),
            Zaak.einddatum.is_not(None),
            Zaak.archiefstatus != "overgedragen",
        )
        .order_by(Zaak.id)
    )
    for zaak in zaken:
        changed += archivering.apply(session, actor, zaak)
    return changed


def _snapshot(u: Uitzondering) -> dict:
    return {
        "scope": u.scope,
        "omschrijving": u.omschrijving,
        "besluitkenmerk": u.besluitkenmerk,
        "afdeling_id": u.afdeling_id,
        "zaaktype": u.zaaktype_identificatie,
        "periode_van": u.periode_van.isoformat() if u.periode_van else None,
        "periode_tot": u.periode_tot.isoformat() if u.periode_tot else None,
        "aantal_zaken": len(u.zaak_links),
    }


def add_exception(
    session: Session, actor: User | None, gegevens: UitzonderingGegevens, *, backend=None
) -> tuple[Uitzondering, int]:
    """Record an exception and recompute what it covers; returns it and how many zaken
    changed. A ``zoekselectie`` needs the acting archivist and the search ``backend``."""
    require_archivaris(actor)
    resolved = _validate(session, gegevens)
    zaak_ids: list[int] = resolved.pop("zaak_ids", [])
    if gegevens.scope == "zoekselectie":
        if actor is None or backend is None:
            raise ValidationFailed(
                {"zoekvraag": ["Een zoekselectie wordt opgelost als een archivaris."]}
            )
        zaak_ids = resolve_search(session, actor, resolved["zoekvraag"], backend=backend)
        if not zaak_ids:
            raise ValidationFailed({"zoekvraag": ["Deze zoekvraag vindt geen zaken."]})
    uitzondering = Uitzondering(
        scope=gegevens.scope,
        omschrijving=_text(gegevens.omschrijving),
        toelichting=_text(gegevens.toelichting),
        besluitkenmerk=_text(gegevens.besluitkenmerk),
        aangemaakt_door_id=actor.id if actor else None,
        aangemaakt_op=utcnow(),
        **resolved,
    )
    uitzondering.zaak_links = [UitzonderingZaak(zaak_id=i) for i in zaak_ids]
    session.add(uitzondering)
    session.flush()
    audit.record(
        session,
        actor,
        "uitzondering.toegevoegd",
        "uitzondering",
        str(uitzondering.id),
        na=_snapshot(uitzondering),
    )
    return uitzondering, _recompute(session, actor, uitzondering)


def get_exception(session: Session, actor: User | None, uitzondering_id: int) -> Uitzondering:
    require_archivaris(actor)
    found = session.get(Uitzondering, uitzondering_id) if 0 < uitzondering_id <= MAX_ID else None
    if found is None:
        raise NotFound(f"Uitzondering {uitzondering_id} bestaat niet.")
    return found


def remove_exception(
    session: Session, actor: User | None, uitzondering_id: int, *, toelichting: str = ""
) -> tuple[Uitzondering, int]:
    """Withdraw an exception (the row stays, marked removed) and recompute the zaken it
    covered; returns it and how many zaken changed."""
    uitzondering = get_exception(session, actor, uitzondering_id)
    if not uitzondering.actief:
        raise Conflict(f"Uitzondering {uitzondering.id} is al verwijderd.")
    uitzondering.verwijderd_op = utcnow()
    uitzondering.verwijderd_door_id = actor.id if actor else None
    session.flush()
    audit.record(
        session,
        actor,
        "uitzondering.verwijderd",
        "uitzondering",
        str(uitzondering.id),
        voor=_snapshot(uitzondering),
        na={"toelichting_gegeven": bool(_text(toelichting))},
    )
    return uitzondering, _recompute(session, actor, uitzondering)


def list_exceptions(
    session: Session, actor: User | None, *, actief: bool | None = True
) -> list[Uitzondering]:
    """Exceptions, newest first; ``actief=None`` for all, ``False`` for removed ones."""
    require_archivaris(actor)
    query = select(Uitzondering).options(
        selectinload(Uitzondering.afdeling),
        selectinload(Uitzondering.aangemaakt_door),
        selectinload(Uitzondering.verwijderd_door),
        selectinload(Uitzondering.zaak_links),
    )
    query = filter_actief(query, Uitzondering.verwijderd_op, actief)
    return list(session.scalars(query.order_by(Uitzondering.id.desc())))


def department_policies(session: Session, actor: User | None) -> list[Afdeling]:
    """Departments whose own retention policy keeps their zaken (shown beside the
    exceptions; changed by the beheerder on the department itself)."""
    require_archivaris(actor)
    return list(
        session.scalars(
            select(Afdeling)
            .where(Afdeling.retentiebeleid == "blijvend_bewaren")
            .order_by(Afdeling.code)
        )
    )


def scope_label(u: Uitzondering) -> str:
    """A short human description of what the exception covers."""
    if u.scope == "afdeling":
        return f"afdeling {u.afdeling.code if u.afdeling else u.afdeling_id}"
    if u.scope == "zaaktype":
        return f"zaaktype {u.zaaktype_identificatie}"
    if u.scope == "periode":
        return f"startdatum {u.periode_van.isoformat()} t/m {u.periode_tot.isoformat()}"
    if u.scope == "zoekselectie":
        return f"zoekselectie '{u.zoekvraag}' ({len(u.zaak_links)} zaken)"
    return f"{len(u.zaak_links)} zaak/zaken"


def zaak_identificaties(session: Session, u: Uitzondering) -> list[str]:
    """The identificaties of the zaken an exception names (single zaken, search)."""
    return list(
        session.scalars(
            select(Zaak.identificatie)
            .join(UitzonderingZaak, UitzonderingZaak.zaak_id == Zaak.id)
            .where(UitzonderingZaak.uitzondering_id == u.id)
            .order_by(Zaak.identificatie)
        )
    )
