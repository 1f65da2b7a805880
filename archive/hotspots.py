"""Which recorded exception from destruction (``Uitzondering``) covers a zaak.

Part of archive so that ``archive.archivering.apply`` can ask it when a zaak closes; the
rules for recording and removing exceptions live in ``retention.uitzonderingen``. The
department's own policy (``Afdeling.retentiebeleid``) is asked by ``archivering.hotspot_of``
first; this module adds the archivist's exceptions.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from archive.models import Uitzondering, UitzonderingZaak, Zaak
from zaaktypen.models import Afdeling, ZaakType

SCOPES = ("afdeling", "zaaktype", "periode", "zoekselectie", "zaken")


def zaak_clause(uitzondering: Uitzondering) -> ColumnElement[bool]:
    """A WHERE clause on ``Zaak`` selecting the zaken ``uitzondering`` covers (used to
    recompute them when it is added or removed)."""
    scope = uitzondering.scope
    if scope == "afdeling":
        return Zaak.afdeling_id == uitzondering.afdeling_id
    if scope == "zaaktype":
        return Zaak.zaaktype_id.in_(
            select(ZaakType.id).where(ZaakType.identificatie == uitzondering.zaaktype_identificatie)
        )
    if scope == "periode":
        return Zaak.startdatum.between(uitzondering.periode_van, uitzondering.periode_tot)
    if scope in ("zoekselectie", "zaken"):
        return Zaak.id.in_(
            select(UitzonderingZaak.zaak_id).where(
                UitzonderingZaak.uitzondering_id == uitzondering.id
            )
        )
    raise ValueError(f"onbekende scope {scope!r}")


def _ways() -> tuple[tuple[ColumnElement[bool], ...], ...]:
    """Per scope, the conditions (on ``Uitzondering`` and ``Zaak``) under which an
    exception covers a zaak: the one definition of coverage, for :func:`exempted` and
    :func:`exceptions_for` alike."""
    return (
        (Uitzondering.scope == "afdeling", Uitzondering.afdeling_id == Zaak.afdeling_id),
        (
            Uitzondering.scope == "zaaktype",
            ZaakType.identificatie == Uitzondering.zaaktype_identificatie,
            ZaakType.id == Zaak.zaaktype_id,
        ),
        (
            Uitzondering.scope == "periode",
            Uitzondering.periode_van <= Zaak.startdatum,
            Uitzondering.periode_tot >= Zaak.startdatum,
        ),
        (
            Uitzondering.scope.in_(("zoekselectie", "zaken")),
            UitzonderingZaak.uitzondering_id == Uitzondering.id,
            UitzonderingZaak.zaak_id == Zaak.id,
        ),
    )


def exempted() -> ColumnElement[bool]:
    """A WHERE clause on ``Zaak``: exempt from destruction right now, by its department's
    retention policy or an active exception of any scope. The one definition of "exempted",
    for ``retention.uitzonderingen.is_exempted`` and the work queue alike; one level of
    EXISTS per way, each correlated with the zaak."""
    actief = Uitzondering.verwijderd_op.is_(None)
    return or_(
        exists().where(
            Afdeling.id == Zaak.afdeling_id, Afdeling.retentiebeleid == "blijvend_bewaren"
        ),
        *(exists().where(actief, *way) for way in _ways()),
    )


def exceptions_for(session: Session, zaak: Zaak) -> list[Uitzondering]:
    """The active exceptions covering ``zaak``, oldest first."""
    covers = or_(*(exists().where(Zaak.id == zaak.id, *way) for way in _ways()))
    return list(
        session.scalars(
            select(Uitzondering)
            .where(Uitzondering.verwijderd_op.is_(None), covers)
            .order_by(Uitzondering.id)
        )
    )


def bron(uitzondering: Uitzondering) -> str:
    """How the nominatie's source reads, e.g. "uitzondering 12: hotspot Asielopvang 2026,
    besluit B&W 2026/123"."""
    text = f"uitzondering {uitzondering.id}: {uitzondering.omschrijving}"
    if uitzondering.besluitkenmerk:
        text += f", besluit {uitzondering.besluitkenmerk}"
    return text[:300]


def exception_source(session: Session, zaak: Zaak) -> str | None:
    """The source text of the oldest active exception covering ``zaak``, or ``None``."""
    found = exceptions_for(session, zaak)
    return bron(found[0]) if found else None
