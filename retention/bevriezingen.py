"""Bevriezingen (legal holds): a temporary block on destroying or deleting a zaak or a
document, for a Woo-verzoek, a rechtszaak or a calamiteitenonderzoek.

Only an archivist places or lifts a hold; lifting records who and when and keeps the row,
so the history stays (also after the object is destroyed later: the identificatie is kept
on the hold). Destruction code asks :func:`is_held` / :func:`is_document_held` or calls
:func:`require_not_held`; as a last line of defence ``archive.models`` refuses any flush
that deletes a held zaak or document.

A zaak counts as held when it is held itself or one of its documents is (destroying the
zaak would take the document with it); a document when it is held itself or belongs to a
held zaak. Services flush; the boundary commits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from archive import audit
from archive.db import utcnow
from archive.errors import Conflict, NotFound, ValidationFailed
from archive.models import Bevriezing, Document, User, Zaak, ZaakDocument
from retention.lijsten import filter_actief
from retention.rechten import require_archivaris

GRONDEN = ("woo_verzoek", "rechtszaak", "calamiteitenonderzoek")
MAX_TEKST = 2000
MAX_ID = 2**53  # beyond any id; keeps huge numbers from the database driver


# -- the questions other code asks ---------------------------------------------------------


def held() -> ColumnElement[bool]:
    """A WHERE clause on ``Zaak``: under an active legal hold, on the zaak itself or on one
    of its documents. The one definition of "held", for :func:`is_held`, the work queue and
    transfer alike; one level of EXISTS per way, each correlated with the zaak."""
    actief = Bevriezing.opgeheven_op.is_(None)
    return or_(
        exists().where(actief, Bevriezing.zaak_id == Zaak.id),
        exists().where(
            actief,
            Bevriezing.document_id == ZaakDocument.document_id,
            ZaakDocument.zaak_id == Zaak.id,
        ),
    )


def _zaak_holds(zaak_id: int):
    """Active holds on the zaak itself or on one of its documents."""
    docs = select(ZaakDocument.document_id).where(ZaakDocument.zaak_id == zaak_id)
    return select(Bevriezing).where(
        Bevriezing.opgeheven_op.is_(None),
        or_(Bevriezing.zaak_id == zaak_id, Bevriezing.document_id.in_(docs)),
    )


def _document_holds(document_id: int):
    """Active holds on the document itself or on one of its zaken."""
    zaken = select(ZaakDocument.zaak_id).where(ZaakDocument.document_id == document_id)
    return select(Bevriezing).where(
        Bevriezing.opgeheven_op.is_(None),
        or_(Bevriezing.document_id == document_id, Bevriezing.zaak_id.in_(zaken)),
    )


def holds_for_zaak(session: Session, zaak_id: int) -> list[Bevriezing]:
    return list(session.scalars(_zaak_holds(zaak_id).order_by(Bevriezing.id)))


def holds_for_document(session: Session, document_id: int) -> list[Bevriezing]:
    return list(session.scalars(_document_holds(document_id).order_by(Bevriezing.id)))


def is_held(session: Session, zaak_id: int) -> bool:
    """Whether the zaak may not be destroyed or deleted because of a legal hold."""
    return bool(session.scalar(select(exists().where(Zaak.id == zaak_id, held()))))


def is_document_held(session: Session, document_id: int) -> bool:
    """Whether the document may not be destroyed or deleted because of a legal hold."""
    return session.scalar(_document_holds(document_id).limit(1)) is not None


def held_zaak_ids(session: Session, zaak_ids: list[int]) -> set[int]:
    """Of ``zaak_ids``, those under a hold (one query, for a destruction list)."""
    if not zaak_ids:
        return set()
    return set(session.scalars(select(Zaak.id).where(Zaak.id.in_(zaak_ids), held())))


def require_not_held(
    session: Session, *, zaak_id: int | None = None, document_id: int | None = None
) -> None:
    """Raise Conflict when the zaak or document is under a legal hold."""
    holds = []
    if zaak_id is not None:
        holds += holds_for_zaak(session, zaak_id)
    if document_id is not None:
        holds += holds_for_document(session, document_id)
    if holds:
        first = holds[0]
        raise Conflict(
            f"{first.object_identificatie} is bevroren ({first.grond.replace('_', ' ')}"
            f"{', ' + first.kenmerk if first.kenmerk else ''}, bevriezing {first.id}); "
            "hef de bevriezing eerst op.",
            code="Bevroren",
        )


# -- placing and lifting -------------------------------------------------------------------


@dataclass
class BevriezingGegevens:
    grond: str
    reden: str
    eigenaar: str  # gebruikersnaam
    zaak: str | None = None  # identificatie
    document: str | None = None  # identificatie
    kenmerk: str = ""
    startdatum: date | None = None  # default: today


def _snapshot(b: Bevriezing) -> dict:
    return {
        "object_type": b.object_type,
        "object": b.object_identificatie,
        "grond": b.grond,
        "kenmerk": b.kenmerk,
        "eigenaar_id": b.eigenaar_id,
        "startdatum": b.startdatum.isoformat(),
        "opgeheven_op": b.opgeheven_op.isoformat() if b.opgeheven_op else None,
    }


def place_hold(
    session: Session, actor: User | None, gegevens: BevriezingGegevens, *, today: date | None = None
) -> Bevriezing:
    """Freeze one zaak or one document. The archivist names the object by identificatie
    (archive-wide, as in the work queue), the ground, the reason and an owner."""
    require_archivaris(actor)
    today = today or date.today()
    errors: dict[str, list[str]] = {}
    g = gegevens
    zaak_ref, doc_ref = (g.zaak or "").strip(), (g.document or "").strip()
    zaak = document = None
    if bool(zaak_ref) == bool(doc_ref):
        errors["zaak"] = ["Noem één zaak of één document."]
    elif zaak_ref:
        zaak = session.scalar(select(Zaak).where(Zaak.identificatie == zaak_ref))
        if zaak is None:
            errors["zaak"] = [f"Zaak '{zaak_ref}' bestaat niet."]
    else:
        document = session.scalar(select(Document).where(Document.identificatie == doc_ref))
        if document is None:
            errors["document"] = [f"Document '{doc_ref}' bestaat niet."]
    if g.grond not in GRONDEN:
        errors["grond"] = [f"Kies een van: {', '.join(GRONDEN)}."]
    reden = (g.reden or "").strip()
    if not reden:
        errors["reden"] = ["Geef de reden van de bevriezing."]
    elif len(reden) > MAX_TEKST:
        errors["reden"] = [f"Gebruik hoogstens {MAX_TEKST} tekens."]
    kenmerk = (g.kenmerk or "").strip()
    if len(kenmerk) > 200:
        errors["kenmerk"] = ["Gebruik hoogstens 200 tekens."]
    eigenaar = session.scalar(select(User).where(User.username == (g.eigenaar or "").strip()))
    if eigenaar is None or not eigenaar.active:
        errors["eigenaar"] = ["Kies een bestaande, actieve gebruiker als eigenaar."]
    startdatum = g.startdatum or today
    if startdatum > today:
        errors["startdatum"] = ["Een bevriezing begint vandaag of eerder."]
    if errors:
        raise ValidationFailed(errors)
    target = zaak or document
    duplicate = session.scalar(
        select(Bevriezing.id).where(
            Bevriezing.opgeheven_op.is_(None),
            (Bevriezing.zaak_id == zaak.id) if zaak else (Bevriezing.document_id == document.id),
            Bevriezing.grond == g.grond,
            Bevriezing.kenmerk == kenmerk,
        )
    )
    if duplicate is not None:
        raise Conflict(f"Deze bevriezing bestaat al (bevriezing {duplicate}).")
    hold = Bevriezing(
        object_type="zaak" if zaak else "document",
        object_identificatie=target.identificatie,
        zaak_id=zaak.id if zaak else None,
        document_id=document.id if document else None,
        grond=g.grond,
        kenmerk=kenmerk,
        reden=reden,
        eigenaar_id=eigenaar.id,
        startdatum=startdatum,
        geplaatst_door_id=actor.id if actor else None,
        geplaatst_op=utcnow(),
        opheffing_toelichting="",
    )
    session.add(hold)
    session.flush()
    audit.record(
        session,
        actor,
        "bevriezing.geplaatst",
        "bevriezing",
        str(hold.id),
        zaak_id=zaak.id if zaak else None,
        na=_snapshot(hold),
    )
    return hold


def get_hold(session: Session, actor: User | None, hold_id: int) -> Bevriezing:
    require_archivaris(actor)
    hold = session.get(Bevriezing, hold_id) if 0 < hold_id <= MAX_ID else None
    if hold is None:
        raise NotFound(f"Bevriezing {hold_id} bestaat niet.")
    return hold


def lift_hold(
    session: Session, actor: User | None, hold_id: int, *, toelichting: str
) -> Bevriezing:
    """Lift a hold: who and when are recorded, the row stays."""
    hold = get_hold(session, actor, hold_id)
    text = (toelichting or "").strip()
    if not text:
        raise ValidationFailed({"toelichting": ["Geef aan waarom de bevriezing wordt opgeheven."]})
    if len(text) > MAX_TEKST:
        raise ValidationFailed({"toelichting": [f"Gebruik hoogstens {MAX_TEKST} tekens."]})
    if not hold.actief:
        raise Conflict(f"Bevriezing {hold.id} is al opgeheven.")
    voor = _snapshot(hold)
    hold.opgeheven_op = utcnow()
    hold.opgeheven_door_id = actor.id if actor else None
    hold.opheffing_toelichting = text
    session.flush()
    audit.record(
        session,
        actor,
        "bevriezing.opgeheven",
        "bevriezing",
        str(hold.id),
        zaak_id=hold.zaak_id,
        voor=voor,
        na=_snapshot(hold),
    )
    return hold


# -- lists and reports ---------------------------------------------------------------------


def list_holds(
    session: Session, actor: User | None, *, actief: bool | None = True
) -> list[Bevriezing]:
    """Holds, newest first; ``actief=None`` for the whole history."""
    require_archivaris(actor)
    query = select(Bevriezing).options(
        selectinload(Bevriezing.eigenaar),
        selectinload(Bevriezing.geplaatst_door),
        selectinload(Bevriezing.opgeheven_door),
    )
    query = filter_actief(query, Bevriezing.opgeheven_op, actief)
    return list(session.scalars(query.order_by(Bevriezing.id.desc())))


def report(session: Session, actor: User | None) -> dict:
    """Counts of active holds: in total, per ground and per kind of object."""
    require_archivaris(actor)
    rows = session.execute(
        select(Bevriezing.grond, Bevriezing.object_type, func.count())
        .where(Bevriezing.opgeheven_op.is_(None))
        .group_by(Bevriezing.grond, Bevriezing.object_type)
    ).all()
    per_grond = dict.fromkeys(GRONDEN, 0)
    per_object = {"zaak": 0, "document": 0}
    for grond, object_type, n in rows:
        per_grond[grond] = per_grond.get(grond, 0) + n
        per_object[object_type] = per_object.get(object_type, 0) + n
    return {"totaal": sum(per_grond.values()), "per_grond": per_grond, "per_object": per_object}


CSV_FIELDS = (
    "id",
    "object_type",
    "object",
    "grond",
    "kenmerk",
    "eigenaar",
    "startdatum",
    "geplaatst_door",
    "geplaatst_op",
    "opgeheven_door",
    "opgeheven_op",
)


def _cell(value) -> str:
    """A spreadsheet must not read a cell as a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(session: Session, actor: User | None, *, actief: bool | None = True) -> str:
    """The holds as CSV (metadata only: no reasons, which may name people)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for b in list_holds(session, actor, actief=actief):
        row = [
            b.id,
            b.object_type,
            b.object_identificatie,
            b.grond,
            b.kenmerk,
            b.eigenaar.username,
            b.startdatum.isoformat(),
            b.geplaatst_door.username if b.geplaatst_door else "",
            b.geplaatst_op.isoformat(timespec="seconds"),
            b.opgeheven_door.username if b.opgeheven_door else "",
            b.opgeheven_op.isoformat(timespec="seconds") if b.opgeheven_op else "",
        ]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
