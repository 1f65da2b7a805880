"""The archiefstatus of a zaak and the transitions between its values.

    nog_te_archiveren ──► gearchiveerd ──────────────────────┐
            │                  ▲                             ▼
            └──► gearchiveerd_procestermijn_onbekend ──► overgedragen (transfer only)

- to *gearchiveerd*: the zaak is closed, its retention is complete (nominatie and
  archiefactiedatum known) and every document of the zaak is definitief (or already
  gearchiveerd) — an archived dossier no longer changes.
- to *gearchiveerd_procestermijn_onbekend*: closed and every document definitief, but the
  archiefactiedatum cannot be computed yet (the calculation waits for a date).
- from *gearchiveerd_procestermijn_onbekend* to *gearchiveerd*: once the date is known.
- to *overgedragen*: only by the transfer to the e-Depot (``via_overbrenging=True``), of a
  zaak kept permanently and archived. Nothing leaves *overgedragen*.

Only an archivist (or the system, ``user=None``) changes it; every change is audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.enums import Archiefstatus, DocumentStatus
from archive.errors import Conflict, DomainError, ValidationFailed
from archive.models import Document, User, Zaak, ZaakDocument
from retention.werkvoorraad import require_archivaris

ALLOWED: dict[str, frozenset[str]] = {
    Archiefstatus.nog_te_archiveren: frozenset(
        {Archiefstatus.gearchiveerd, Archiefstatus.gearchiveerd_procestermijn_onbekend}
    ),
    Archiefstatus.gearchiveerd_procestermijn_onbekend: frozenset(
        {Archiefstatus.gearchiveerd, Archiefstatus.overgedragen}
    ),
    Archiefstatus.gearchiveerd: frozenset({Archiefstatus.overgedragen}),
    Archiefstatus.overgedragen: frozenset(),
}
DEFINITIEF = (DocumentStatus.definitief.value, DocumentStatus.gearchiveerd.value)


class ArchiefstatusRefused(DomainError):
    """A transition the rules do not allow (wrong order, missing preconditions)."""

    status = 409


def _label(value: str) -> str:
    return value.replace("_", " ")


def unfinished_documents(session: Session, zaak: Zaak) -> list[str]:
    """Identificaties of the zaak's documents that are not definitief yet."""
    return list(
        session.scalars(
            select(Document.identificatie)
            .join(ZaakDocument, ZaakDocument.document_id == Document.id)
            .where(ZaakDocument.zaak_id == zaak.id, Document.status.not_in(DEFINITIEF))
            .order_by(Document.identificatie)
        )
    )


def check_transition(session: Session, zaak: Zaak, nieuw: str, *, via_overbrenging=False):
    """Raise what refuses going from the zaak's archiefstatus to ``nieuw``."""
    values = [s.value for s in Archiefstatus]
    if nieuw not in values:
        raise ValidationFailed({"archiefstatus": [f"Kies een van: {', '.join(values)}."]})
    huidig = zaak.archiefstatus
    if nieuw == huidig:
        raise Conflict(f"Zaak {zaak.identificatie} is al {_label(huidig)}.")
    if nieuw not in ALLOWED.get(huidig, frozenset()):
        raise ArchiefstatusRefused(
            f"Van {_label(huidig)} naar {_label(nieuw)} is geen toegestane overgang.",
            field="archiefstatus",
        )
    if nieuw == Archiefstatus.overgedragen:
        if not via_overbrenging:
            raise ArchiefstatusRefused(
                "Overgedragen wordt een zaak alleen door de overbrenging naar het e-Depot.",
                field="archiefstatus",
            )
        if zaak.archiefnominatie != "blijvend_bewaren":
            raise ArchiefstatusRefused(
                "Alleen een blijvend te bewaren zaak wordt overgedragen.", field="archiefstatus"
            )
        return
    if zaak.is_open:
        raise ArchiefstatusRefused(
            "Sluit de zaak eerst af; een open zaak wordt niet gearchiveerd.",
            field="archiefstatus",
        )
    open_docs = unfinished_documents(session, zaak)
    if open_docs:
        shown = ", ".join(open_docs[:10]) + (" …" if len(open_docs) > 10 else "")
        raise ArchiefstatusRefused(
            f"Niet alle documenten zijn definitief: {shown}. Maak ze eerst definitief.",
            field="archiefstatus",
        )
    known = zaak.archiefnominatie is not None and zaak.archiefactiedatum is not None
    if nieuw == Archiefstatus.gearchiveerd and not known:
        raise ArchiefstatusRefused(
            "De archiefactiedatum is nog niet bekend; kies gearchiveerd procestermijn "
            "onbekend of vul eerst de brondatum in.",
            field="archiefstatus",
        )
    if nieuw == Archiefstatus.gearchiveerd_procestermijn_onbekend and known:
        raise ArchiefstatusRefused(
            "De archiefactiedatum is bekend; kies gearchiveerd.", field="archiefstatus"
        )


def set_archiefstatus(
    session: Session, zaak: Zaak, nieuw: str, user: User | None, *, via_overbrenging=False
) -> Zaak:
    """Move ``zaak`` to archiefstatus ``nieuw`` if the rules allow it, else a DomainError.
    The transfer (overbrenging) passes ``via_overbrenging=True``."""
    require_archivaris(user)
    check_transition(session, zaak, nieuw, via_overbrenging=via_overbrenging)
    voor = zaak.archiefstatus
    zaak.archiefstatus = nieuw
    session.flush()
    audit.record(
        session,
        user,
        "zaak.archiefstatus_gewijzigd",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        voor={"archiefstatus": voor},
        na={"archiefstatus": nieuw},
    )
    return zaak


def zaak_for_archivaris(session: Session, user: User | None, identificatie: str) -> Zaak:
    """A zaak by identificatie for the archivist's retention work (archive-wide metadata,
    as in the work queue); NotFound when there is none."""
    from archive.errors import NotFound

    require_archivaris(user)
    zaak = session.scalar(select(Zaak).where(Zaak.identificatie == (identificatie or "")[:40]))
    if zaak is None:
        raise NotFound(f"Zaak '{identificatie}' bestaat niet.")
    return zaak
