"""The access policy: the one place that decides who may see or change what.

A user sees a zaak through a membership of its department, or an explicit grant on it, with
a clearance at least the zaak's vertrouwelijkheidaanduiding; a document when they see a
zaak it belongs to with a clearance at least the document's level. Changing needs the role
behandelen or regie. Everything else — pages, API, downloads, counts, exports, search —
asks these functions, and what a user may not see behaves as absent (404).

A user's memberships and grants are read once per session and kept in ``session.info``
(dropped whenever one of them is flushed), so list pages and search filters cost no extra
queries per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, event, false, literal, not_, or_, select, union_all
from sqlalchemy.orm import Session, object_session

from archive import rollen
from archive.enums import Vertrouwelijkheid
from archive.models import Document, Machtiging, User, Zaak
from zaaktypen.models import AfdelingLid

CHANGE_ROLES = ("behandelen", "regie")
LEVELS = [v.value for v in Vertrouwelijkheid]


def levels_up_to(clearance: str) -> list[str]:
    return LEVELS[: LEVELS.index(clearance) + 1]


@dataclass(frozen=True)
class Toegang:
    """What one user may reach: department → (role, clearance); zaak id → (role, clearance)."""

    afdelingen: dict[int, tuple[str, str]]
    zaken: dict[int, tuple[str, str]]


_CACHE = "dossierhuis.toegang"


@event.listens_for(Session, "after_flush")
def _invalidate_on_rights_change(session: Session, _flush_context) -> None:
    changed = session.new | session.dirty | session.deleted
    if any(isinstance(obj, AfdelingLid | Machtiging) for obj in changed):
        session.info.pop(_CACHE, None)


def _toegang_rows(user_id, today):
    """Memberships and grants as rows (soort, id, rol, clearance), of one user id (or of a
    column of an outer query)."""
    return (
        select(
            literal("afdeling"), AfdelingLid.afdeling_id, AfdelingLid.rol, AfdelingLid.clearance
        ).where(AfdelingLid.user_id == user_id),
        select(literal("zaak"), Machtiging.zaak_id, Machtiging.rol, Machtiging.clearance).where(
            Machtiging.user_id == user_id,
            Machtiging.ingetrokken_op.is_(None),
            Machtiging.verloopt_op >= today,
        ),
    )


def _as_toegang(rows) -> Toegang:
    afdelingen = {i: (rol, clearance) for soort, i, rol, clearance in rows if soort == "afdeling"}
    zaken: dict[int, tuple[str, str]] = {}
    for soort, i, rol, clearance in rows:
        if soort == "zaak":  # several grants on one zaak: the last one read, as before
            zaken[i] = (rol, clearance)
    return Toegang(afdelingen, zaken)


TOEGANG_VANDAAG = "toegang_vandaag"  # the bound parameter of toegang_columns: today


def toegang_columns(user_id) -> tuple:
    """The memberships and the grants of the user in ``user_id`` (a column of the query
    these go into) as two text columns, for :func:`remember_toegang`: the API's token
    lookup reads them with the user, a round trip fewer on every request (issue 8). Roles
    and clearances are plain words, ids numbers. Today's date is the bound parameter
    ``TOEGANG_VANDAAG``, so a statement made of these can be built once."""
    from sqlalchemy import Date, String, bindparam, cast, func

    columns = []
    for rows in _toegang_rows(user_id, bindparam(TOEGANG_VANDAAG, type_=Date)):
        soort, ident, rol, clearance = rows.selected_columns
        entry = soort + ":" + cast(ident, String) + ":" + rol + ":" + clearance
        columns.append(rows.with_only_columns(func.aggregate_strings(entry, ";")).scalar_subquery())
    return tuple(columns)


def remember_toegang(user: User, *values: str | None) -> Toegang:
    """Keep what :func:`toegang_columns` read for ``user`` as this session's answer of
    :func:`toegang` (dropped, as any, when a membership or grant changes in it)."""
    rows = []
    for value in values:
        for part in (value or "").split(";"):
            if part:
                soort, ident, rol, clearance = part.split(":")
                rows.append((soort, int(ident), rol, clearance))
    result = _as_toegang(rows)
    object_session(user).info.setdefault(_CACHE, {})[user.id] = result
    return result


def toegang(user: User, today: date | None = None) -> Toegang:
    """The user's memberships and grants, read once per session (and again after they
    change in it)."""
    session = object_session(user)
    cache = session.info.setdefault(_CACHE, {})
    if user.id in cache:
        return cache[user.id]
    today = today or date.today()
    # one round trip, plain rows (this runs on every request: issue 8)
    rows = session.execute(union_all(*_toegang_rows(user.id, today))).all()
    result = _as_toegang(rows)
    cache[user.id] = result
    return result


def _rank(level: str) -> int:
    return LEVELS.index(level)


def _reach(user: User, zaak: Zaak) -> tuple[str, str] | None:
    """The strongest (role, clearance) through which ``user`` reaches ``zaak``."""
    if not user.is_active:
        return None
    t = toegang(user)
    options = [x for x in (t.afdelingen.get(zaak.afdeling_id), t.zaken.get(zaak.id)) if x]
    options = [o for o in options if _rank(o[1]) >= _rank(zaak.vertrouwelijkheidaanduiding)]
    if not options:
        return None
    return max(options, key=lambda o: (o[0] in CHANGE_ROLES, _rank(o[1])))


def zaak_filter(user: User) -> ColumnElement[bool]:
    """A WHERE clause selecting exactly the zaken ``user`` may see (lists and counts)."""
    if not user.is_active:
        return false()
    clauses = _afdeling_clauses(user, Zaak.afdeling_id, Zaak.vertrouwelijkheidaanduiding)
    clauses += _grant_clauses(user)
    return or_(*clauses) if clauses else false()


def _afdeling_clauses(user: User, afdeling_col, niveau_col) -> list[ColumnElement[bool]]:
    """One clause per clearance, not per department: a user in 20 departments gets one
    ``afdeling IN (…) AND level IN (…)`` (issue 8: twenty ORs cost more to build and plan
    than the query took to run)."""
    by_clearance: dict[str, list[int]] = {}
    for afdeling_id, (_rol, clearance) in toegang(user).afdelingen.items():
        by_clearance.setdefault(clearance, []).append(afdeling_id)
    return [
        (afdeling_col == ids[0] if len(ids) == 1 else afdeling_col.in_(sorted(ids)))
        & niveau_col.in_(levels_up_to(clearance))
        for clearance, ids in sorted(by_clearance.items())
    ]


def _grant_clauses(user: User) -> list[ColumnElement[bool]]:
    by_clearance: dict[str, list[int]] = {}
    for zaak_id, (_rol, clearance) in toegang(user).zaken.items():
        by_clearance.setdefault(clearance, []).append(zaak_id)
    return [
        Zaak.id.in_(ids) & Zaak.vertrouwelijkheidaanduiding.in_(levels_up_to(clearance))
        for clearance, ids in by_clearance.items()
    ]


def afdeling_filter(user: User, afdeling_col, niveau_col) -> ColumnElement[bool]:
    """The department part of :func:`zaak_filter`, on any pair of columns holding a
    department id and a level (``ZaakTelling``'s, for counting without the zaken)."""
    if not user.is_active:
        return false()
    clauses = _afdeling_clauses(user, afdeling_col, niveau_col)
    return or_(*clauses) if clauses else false()


def grant_only_filter(user: User) -> ColumnElement[bool] | None:
    """On ``Zaak``: the zaken ``user`` reaches through a grant and not through a
    department; ``None`` when there are none to ask for. With :func:`afdeling_filter` on
    ``Zaak`` it selects exactly :func:`zaak_filter`, each zaak once — so a count may add a
    sum over ``ZaakTelling`` and a count of these."""
    if not user.is_active:
        return None
    grants = _grant_clauses(user)
    if not grants:
        return None
    departments = afdeling_filter(user, Zaak.afdeling_id, Zaak.vertrouwelijkheidaanduiding)
    return and_(or_(*grants), not_(departments))


def can_view_zaak(user: User, zaak: Zaak) -> bool:
    return _reach(user, zaak) is not None


def can_change_zaak(user: User, zaak: Zaak) -> bool:
    reach = _reach(user, zaak)
    return reach is not None and reach[0] in CHANGE_ROLES


def _clearance_via(user: User, zaak: Zaak) -> int:
    """The highest clearance (rank) through which ``user`` reaches ``zaak``, or -1. Not
    ``_reach``: that one prefers a changing role, and a document needs the clearance."""
    if not user.is_active:
        return -1
    t = toegang(user)
    ranks = [
        _rank(option[1])
        for option in (t.afdelingen.get(zaak.afdeling_id), t.zaken.get(zaak.id))
        if option
    ]
    best = max(ranks, default=-1)
    return best if best >= _rank(zaak.vertrouwelijkheidaanduiding) else -1


def document_visible_via(user: User, document: Document) -> Zaak | None:
    """The first zaak through which ``user`` may see ``document``, or None: reached with a
    clearance that covers both the zaak and the document (the search index's rule too)."""
    needed = _rank(document.vertrouwelijkheidaanduiding)
    for link in document.zaak_links:
        if _clearance_via(user, link.zaak) >= needed:
            return link.zaak
    return None


def can_view_document(user: User, document: Document) -> bool:
    return document_visible_via(user, document) is not None


def can_create_zaak(user: User, afdeling=None) -> bool:
    """Without an afdeling: may the user create zaken anywhere (to show the form)."""
    if not user.is_active:
        return False
    t = toegang(user)
    if afdeling is None:
        return any(rol in CHANGE_ROLES for rol, _ in t.afdelingen.values())
    reach = t.afdelingen.get(afdeling.id)
    return reach is not None and reach[0] in CHANGE_ROLES


def grant_ceiling(user: User, zaak: Zaak) -> str | None:
    """The highest clearance ``user`` may pass on with a grant on ``zaak`` (``None``: may not
    grant). The department's regie passes on at most its own clearance, and only for a
    zaak it sees itself; DIV (beheerder) at most the zaak's own level — a grant never
    opens documents that the granter could not see or that are stricter than the zaak."""
    if not user.is_active:
        return None
    options: list[str] = []
    lid = toegang(user).afdelingen.get(zaak.afdeling_id)
    if (
        lid is not None
        and lid[0] == "regie"
        and _rank(lid[1]) >= _rank(zaak.vertrouwelijkheidaanduiding)
    ):
        options.append(lid[1])
    if rollen.has_any(user, rollen.TOEGANG_VERLENEN):
        options.append(zaak.vertrouwelijkheidaanduiding)
    return max(options, key=_rank) if options else None


def can_see_members(user: User, afdeling) -> bool:
    """Who works in a department, with which clearance: for DIV and its own members."""
    return rollen.is_beheerder(user) or afdeling.id in toegang(user).afdelingen


def is_beheerder(user: User | None) -> bool:
    return rollen.is_beheerder(user)


def is_auditor(user: User | None) -> bool:
    return rollen.is_auditor(user)


def is_archivaris(user: User | None) -> bool:
    return rollen.is_archivaris(user)


def visible_afdeling_ids(user: User, *, for_change: bool = False) -> list[int]:
    t = toegang(user)
    return [a for a, (rol, _) in t.afdelingen.items() if not for_change or rol in CHANGE_ROLES]
