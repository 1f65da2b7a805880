"""Destruction lists (vernietigingslijsten): from a selection of due zaken, through review
and approval and a bedenktijd, to execution and the verklaring van vernietiging.

States::

    nieuw → ter_beoordeling ⇄ wijzigingen_gevraagd
          ter_beoordeling → goedgekeurd (every named reviewer agreed)
          goedgekeurd → bedenktijd (final approval by an archivaris who is not the author)
          bedenktijd → in_uitvoering (once the bedenktijd has passed) → vernietigd
    any state before in_uitvoering → afgebroken (cancelled, with a reason)

Who: the author is an archivaris. Reviewers are named users who may judge retention:
an archivaris, a beheerder (DIV / records management) or a department's regie; never the
author. Final approval is a second archivaris (four eyes). Every transition is an audit
event. Reviewers and archivists see retention metadata only; the omschrijving of a zaak
only where the access policy lets them see the zaak.

Execution is its own transaction boundary, like the index worker: a batch of items
(``DESTROY_BATCH``; each destroyed, or refused with the reason) commits whole or not at
all, so an interrupted run resumes with the first batch that did not commit; blobs are
removed only after their batch committed.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from archive import access, audit, rollen
from archive.blobstore import BlobStore
from archive.db import utcnow
from archive.enums import Vertrouwelijkheid
from archive.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from archive.models import (
    Betrokkene,
    Document,
    DocumentVersie,
    Rol,
    SearchOutbox,
    User,
    Vernietigingslijst,
    VernietigingslijstBeoordelaar,
    VernietigingslijstBeoordeling,
    VernietigingslijstItem,
    VernietigingslijstOpmerking,
    Zaak,
    ZaakDocument,
)
from archive.notificaties import soorten as notificatiesoorten
from archive.notificaties.gebeurtenissen import emit
from archive.notificaties.inbox import forget_personen, forget_zaken
from retention import werkvoorraad
from zaaktypen import selectielijst
from zaaktypen.models import ZaakType

log = logging.getLogger(__name__)

BEDENKTIJD_ENV = "VERNIETIGING_BEDENKTIJD_DAGEN"
BEDENKTIJD_DAGEN = 7
STATUSSEN = (
    "nieuw",
    "ter_beoordeling",
    "wijzigingen_gevraagd",
    "goedgekeurd",
    "bedenktijd",
    "in_uitvoering",
    "vernietigd",
    "afgebroken",
)
AFBREEKBAAR = ("nieuw", "ter_beoordeling", "wijzigingen_gevraagd", "goedgekeurd", "bedenktijd")
AFGEROND = ("vernietigd", "afgebroken")
STATUS_LABEL = {
    "nieuw": "nieuw",
    "ter_beoordeling": "ter beoordeling",
    "wijzigingen_gevraagd": "wijzigingen gevraagd",
    "goedgekeurd": "goedgekeurd door de beoordelaars",
    "bedenktijd": "in de bedenktijd",
    "in_uitvoering": "in uitvoering",
    "vernietigd": "vernietigd",
    "afgebroken": "afgebroken",
}
# the omschrijving of a zaak at this level or above is never kept on the list nor shown
# on the verklaring: it may itself say what was confidential
GEVOELIG_VANAF = Vertrouwelijkheid.vertrouwelijk
MAX_NAAM = 200
MAX_TEKST = 2000


def bedenktijd() -> timedelta:
    """The waiting time between final approval and execution (default 7 days), from
    ``VERNIETIGING_BEDENKTIJD_DAGEN``."""
    raw = os.environ.get(BEDENKTIJD_ENV, "").strip()
    if not raw:
        return timedelta(days=BEDENKTIJD_DAGEN)
    try:
        dagen = int(raw)
    except ValueError:
        raise SystemExit(f"{BEDENKTIJD_ENV} moet een geheel aantal dagen zijn.") from None
    if dagen < 0:
        raise SystemExit(f"{BEDENKTIJD_ENV} kan niet negatief zijn.")
    return timedelta(days=dagen)


def is_gevoelig(vertrouwelijkheidaanduiding: str | None) -> bool:
    if not vertrouwelijkheidaanduiding:
        return False
    return Vertrouwelijkheid(vertrouwelijkheidaanduiding).rank >= GEVOELIG_VANAF.rank


# -- who ------------------------------------------------------------------------------------


def require_archivaris(user: User | None) -> User:
    """A person, never the system: every step of a list names who took it."""
    if user is None or not access.is_archivaris(user):
        raise Forbidden(
            "Alleen een archivaris stelt vernietigingslijsten op, keurt ze goed en voert ze uit."
        )
    return user


def may_review(user: User | None) -> bool:
    """Who may be named reviewer: an archivaris, a beheerder (DIV) or a department's
    regie — people who can judge whether a zaak may go."""
    if user is None or not user.is_active:
        return False
    if access.is_archivaris(user) or rollen.is_beheerder(user):
        return True
    return any(rol == "regie" for rol, _ in access.toegang(user).afdelingen.values())


def may_use(user: User | None) -> bool:
    """Who works with destruction lists at all (the others get 403 on every page)."""
    return may_review(user)


def require_use(user: User | None) -> User:
    if not may_use(user):
        raise Forbidden(
            "Vernietigingslijsten zijn er voor archivarissen en de beoordelaars die zij aanwijzen."
        )
    return user


def _is_reviewer(user: User, lijst: Vernietigingslijst) -> bool:
    return any(b.user_id == user.id for b in lijst.beoordelaars)


def can_view_list(user: User, lijst: Vernietigingslijst) -> bool:
    return access.is_archivaris(user) or _is_reviewer(user, lijst)


# -- reading --------------------------------------------------------------------------------


def get_list(session: Session, user: User, lijst_id: int) -> Vernietigingslijst:
    """The list if ``user`` may see it (an archivaris, or one of its reviewers)."""
    require_use(user)
    lijst = (
        session.scalar(
            select(Vernietigingslijst)
            .where(Vernietigingslijst.id == lijst_id)
            .options(
                selectinload(Vernietigingslijst.beoordelaars).selectinload(
                    VernietigingslijstBeoordelaar.user
                ),
                selectinload(Vernietigingslijst.beoordelingen).selectinload(
                    VernietigingslijstBeoordeling.beoordelaar
                ),
                selectinload(Vernietigingslijst.items).selectinload(VernietigingslijstItem.zaak),
                selectinload(Vernietigingslijst.items)
                .selectinload(VernietigingslijstItem.opmerkingen)
                .selectinload(VernietigingslijstOpmerking.beoordeling),
            )
        )
        if 0 < lijst_id < 2**62
        else None
    )
    if lijst is None or not can_view_list(user, lijst):
        raise NotFound(f"Vernietigingslijst {lijst_id} bestaat niet.")
    return lijst


def list_lists(session: Session, user: User, *, status: str | None = None) -> list:
    """The lists ``user`` may see, newest first; a reviewer only those naming them."""
    require_use(user)
    query = (
        select(Vernietigingslijst)
        .options(
            selectinload(Vernietigingslijst.auteur),
            selectinload(Vernietigingslijst.beoordelaars),
        )
        .order_by(Vernietigingslijst.id.desc())
    )
    if status:
        if status not in STATUSSEN:
            raise ValidationFailed({"status": [f"Kies een van: {', '.join(STATUSSEN)}."]})
        query = query.where(Vernietigingslijst.status == status)
    if not access.is_archivaris(user):
        query = query.where(
            Vernietigingslijst.id.in_(
                select(VernietigingslijstBeoordelaar.lijst_id).where(
                    VernietigingslijstBeoordelaar.user_id == user.id
                )
            )
        )
    return list(session.scalars(query))


def item_counts(session: Session, lijst_ids: list[int]) -> dict[int, dict[str, int]]:
    """List id → {item status: count}, in one query (overview pages)."""
    out: dict[int, dict[str, int]] = {i: {} for i in lijst_ids}
    if not lijst_ids:
        return out
    for lijst_id, status, n in session.execute(
        select(VernietigingslijstItem.lijst_id, VernietigingslijstItem.status, func.count())
        .where(VernietigingslijstItem.lijst_id.in_(lijst_ids))
        .group_by(VernietigingslijstItem.lijst_id, VernietigingslijstItem.status)
    ):
        out[lijst_id][status] = n
    return out


def visible_omschrijving(user: User | None, item: VernietigingslijstItem) -> str | None:
    """The omschrijving as far as ``user`` may read it: through the access policy while
    the zaak exists; never for a sensitive zaak."""
    if is_gevoelig(item.gegevens.get("vertrouwelijkheidaanduiding")):
        return None
    if item.zaak is not None:
        return (
            item.zaak.omschrijving
            if user is not None and access.can_view_zaak(user, item.zaak)
            else None
        )
    return item.gegevens.get("omschrijving")


def open_opmerkingen(lijst: Vernietigingslijst) -> list[VernietigingslijstOpmerking]:
    """The exclusions of the current round the author has not answered yet."""
    return [
        o
        for item in lijst.items
        for o in item.opmerkingen
        if o.beoordeling.ronde == lijst.ronde and o.antwoord_besluit is None
    ]


def reviews_of_round(lijst: Vernietigingslijst) -> list[VernietigingslijstBeoordeling]:
    return [b for b in lijst.beoordelingen if b.ronde == lijst.ronde]


def pending_reviewers(lijst: Vernietigingslijst) -> list[User]:
    done = {b.beoordelaar_id for b in reviews_of_round(lijst)}
    return [b.user for b in lijst.beoordelaars if b.user_id not in done]


# -- building a list ------------------------------------------------------------------------


@dataclass(frozen=True)
class Selectie:
    """The filter a list is built from: due zaken, optionally of one department (code),
    one zaaktype (identificatie) and with an archiefactiedatum before a date."""

    afdeling: str | None = None
    zaaktype: str | None = None
    archiefactiedatum_voor: date | None = None

    def as_dict(self) -> dict:
        return {
            "afdeling": self.afdeling,
            "zaaktype": self.zaaktype,
            "archiefactiedatum_voor": (
                self.archiefactiedatum_voor.isoformat() if self.archiefactiedatum_voor else None
            ),
        }


def _on_active_list():
    return select(VernietigingslijstItem.zaak_id).where(
        VernietigingslijstItem.zaak_id.is_not(None),
        VernietigingslijstItem.status == "op_lijst",
        VernietigingslijstItem.lijst_id.in_(
            select(Vernietigingslijst.id).where(Vernietigingslijst.status.not_in(AFGEROND))
        ),
    )


def active_lists_of(session: Session, identificaties: list[str]) -> dict[str, int]:
    """Of these zaken, those on an active destruction list, with the list's id (for the
    work queue: such a zaak is due, but no new list takes it)."""
    if not identificaties:
        return {}
    rows = session.execute(
        select(VernietigingslijstItem.zaak_identificatie, VernietigingslijstItem.lijst_id)
        .join(Vernietigingslijst, Vernietigingslijst.id == VernietigingslijstItem.lijst_id)
        .where(
            VernietigingslijstItem.zaak_identificatie.in_(identificaties),
            VernietigingslijstItem.status == "op_lijst",
            Vernietigingslijst.status.not_in(AFGEROND),
        )
    )
    return dict(rows.all())


_CHUNK = 1000  # ids per IN list (well below SQLite's limit on bound parameters)


def _document_held():
    """On ``ZaakDocument``: its document is under a hold of its own or of a zaak it is in
    (``bevriezingen.is_document_held``: destroying the zaak would touch a frozen document).
    Holds are few: their documents and those of held zaken are sets the database builds
    once per query."""
    from archive.models import Bevriezing

    actief = Bevriezing.opgeheven_op.is_(None)
    andere = aliased(ZaakDocument)
    return or_(
        ZaakDocument.document_id.in_(
            select(Bevriezing.document_id).where(actief, Bevriezing.document_id.is_not(None))
        ),
        ZaakDocument.document_id.in_(
            select(andere.document_id).where(
                andere.zaak_id.in_(
                    select(Bevriezing.zaak_id).where(actief, Bevriezing.zaak_id.is_not(None))
                )
            )
        ),
    )


def _documents_held_elsewhere(session: Session, zaak_ids: list[int]) -> dict[int, str]:
    """Of ``zaak_ids``, those with a held document (:func:`_document_held`), with the
    reason naming the first such document."""
    reasons: dict[int, str] = {}
    for start in range(0, len(zaak_ids), _CHUNK):
        for zaak_id, identificatie in session.execute(
            select(ZaakDocument.zaak_id, Document.identificatie)
            .join(Document, Document.id == ZaakDocument.document_id)
            .where(ZaakDocument.zaak_id.in_(zaak_ids[start : start + _CHUNK]), _document_held())
            .order_by(ZaakDocument.id)
        ):
            reasons.setdefault(zaak_id, f"Document {identificatie} is bevroren (legal hold).")
    return reasons


def held_or_exempted(session: Session, zaak_ids: list[int]) -> dict[int, str]:
    """Of ``zaak_ids``, those that may not be destroyed now, each with the reason: held
    itself (``bevriezingen.held``: a hold on the zaak or on one of its documents); else a
    document of it held through another zaak; else exempted (``archive.hotspots.exempted``).
    A few queries per thousand zaken, whatever their documents."""
    from archive.hotspots import exempted
    from retention import bevriezingen

    reasons: dict[int, str] = {}
    for start in range(0, len(zaak_ids), _CHUNK):
        ids = zaak_ids[start : start + _CHUNK]
        for zaak_id in bevriezingen.held_zaak_ids(session, ids):
            reasons[zaak_id] = "De zaak is bevroren (legal hold)."
        rest = [i for i in ids if i not in reasons]
        for zaak_id, reason in _documents_held_elsewhere(session, rest).items():
            reasons[zaak_id] = reason
        rest = [i for i in rest if i not in reasons]
        if rest:
            for zaak_id in session.scalars(select(Zaak.id).where(Zaak.id.in_(rest), exempted())):
                reasons[zaak_id] = "Op de zaak rust een uitzondering van vernietiging (hotspot)."
    return reasons


def _held_or_exempted(session: Session, zaak: Zaak) -> str | None:
    return held_or_exempted(session, [zaak.id]).get(zaak.id)


@dataclass(frozen=True)
class _Belemmeringen:
    """What may stand in the way of destroying one zaak, asked in one query."""

    pakket: str | None  # an exported transfer awaiting the e-Depot's confirmation
    bevroren: bool
    bevroren_document: str | None
    uitgezonderd: bool
    deelzaken: int


@functools.cache
def _belemmeringen_query():
    """Built once (with the zaak as a bound parameter): constructing these clauses costs
    more Python time per item than the database needs to answer them."""
    from archive.hotspots import exempted
    from archive.models import Overbrenging, OverbrengingZaak
    from retention.bevriezingen import held

    zaak_id = bindparam("zaak_id", type_=BigInteger)
    pakket = (
        select(Overbrenging.naam)
        .join(OverbrengingZaak, OverbrengingZaak.overbrenging_id == Overbrenging.id)
        .where(Overbrenging.status == "geexporteerd", OverbrengingZaak.zaak_id == zaak_id)
        .order_by(Overbrenging.id)
        .limit(1)
        .scalar_subquery()
    )
    document = (
        select(Document.identificatie)
        .join(ZaakDocument, ZaakDocument.document_id == Document.id)
        .where(ZaakDocument.zaak_id == zaak_id, _document_held())
        .order_by(ZaakDocument.id)
        .limit(1)
        .scalar_subquery()
    )
    deel = aliased(Zaak)
    return select(
        pakket,
        # each EXISTS has ``zaak`` of its own: held() and exempted() correlate with it
        select(Zaak.id).where(Zaak.id == zaak_id, held()).exists(),
        document,
        select(Zaak.id).where(Zaak.id == zaak_id, exempted()).exists(),
        select(func.count())
        .select_from(deel)
        .where(deel.hoofdzaak_id == zaak_id)
        .scalar_subquery(),
    )


def _belemmeringen(session: Session, zaak_id: int) -> _Belemmeringen:
    """The questions of ``overbrenging.open_transfer_of`` and :func:`held_or_exempted` and
    the deelzaken, for one zaak in one round trip (execution asks them afresh for every
    item, in its own transaction: issue 8)."""
    row = session.execute(_belemmeringen_query(), {"zaak_id": zaak_id}).one()
    return _Belemmeringen(row[0], bool(row[1]), row[2], bool(row[3]), int(row[4] or 0))


def select_due(
    session: Session,
    actor: User,
    selectie: Selectie,
    *,
    today: date | None = None,
    limit: int = 10_000,
) -> list[Zaak]:
    """The zaken a new list would take: due for destruction, matching ``selectie``, not
    held or exempted, on no other active list, and in no transfer package awaiting the
    e-Depot's confirmation."""
    from retention import overbrenging

    require_archivaris(actor)
    today = today or date.today()
    errors: dict[str, list[str]] = {}
    where = [
        werkvoorraad._where("vernietigen", today),
        Zaak.id.not_in(_on_active_list()),
        Zaak.id.not_in(overbrenging.in_open_transfer()),
    ]
    if selectie.afdeling:
        from zaaktypen.models import Afdeling

        afdeling = session.scalar(select(Afdeling).where(Afdeling.code == selectie.afdeling))
        if afdeling is None:
            errors["afdeling"] = [f"Afdeling '{selectie.afdeling}' bestaat niet."]
        else:
            where.append(Zaak.afdeling_id == afdeling.id)
    if selectie.zaaktype:
        ids = select(ZaakType.id).where(ZaakType.identificatie == selectie.zaaktype)
        if session.scalar(select(func.count()).select_from(ids.subquery())) == 0:
            errors["zaaktype"] = [f"Zaaktype '{selectie.zaaktype}' bestaat niet."]
        where.append(Zaak.zaaktype_id.in_(ids))
    if selectie.archiefactiedatum_voor:
        where.append(Zaak.archiefactiedatum < selectie.archiefactiedatum_voor)
    if errors:
        raise ValidationFailed(errors)
    zaken = list(
        session.scalars(
            select(Zaak)
            .where(and_(*where))
            .options(
                selectinload(Zaak.zaaktype),
                selectinload(Zaak.afdeling),
                selectinload(Zaak.resultaattype),
            )
            .order_by(Zaak.archiefactiedatum, Zaak.id)
            .limit(limit)
        )
    )
    # held and exempted zaken are left out by the WHERE clause already (werkvoorraad);
    # what remains is a document frozen through another zaak
    blocked = _documents_held_elsewhere(session, [z.id for z in zaken])
    return [z for z in zaken if z.id not in blocked]


def snapshot(zaak: Zaak) -> dict:
    """What the verklaring needs to say about a zaak once it is gone (no omschrijving of
    a sensitive zaak)."""
    rt = zaak.resultaattype
    klasse = rt.selectielijstklasse if rt else None
    return {
        "zaaktype": zaak.zaaktype.omschrijving,
        "zaaktype_identificatie": zaak.zaaktype.identificatie,
        "afdeling": zaak.afdeling.code,
        "omschrijving": None
        if is_gevoelig(zaak.vertrouwelijkheidaanduiding)
        else zaak.omschrijving,
        "vertrouwelijkheidaanduiding": zaak.vertrouwelijkheidaanduiding,
        "startdatum": zaak.startdatum.isoformat(),
        "einddatum": zaak.einddatum.isoformat() if zaak.einddatum else None,
        "resultaat": rt.omschrijving if rt else None,
        "selectielijstklasse": klasse,
        "selectielijst_versie": selectielijst.VERSIE if klasse else None,
        "archiefnominatie": zaak.archiefnominatie,
        "archiefactiedatum": zaak.archiefactiedatum.isoformat() if zaak.archiefactiedatum else None,
    }


def _check_text(errors: dict, name: str, value: str, *, required: bool, max_len: int = MAX_TEKST):
    value = (value or "").strip()
    if required and not value:
        errors[name] = ["Dit veld is verplicht."]
    elif len(value) > max_len:
        errors[name] = [f"Maximaal {max_len} tekens."]
    elif "\x00" in value:
        errors[name] = ["Deze tekst bevat een ongeldig teken."]
    return value


def _resolve_reviewers(session: Session, author: User, usernames: list[str]) -> list[User]:
    reviewers: list[User] = []
    problems: list[str] = []
    for name in dict.fromkeys(n.strip() for n in usernames if n and n.strip()):
        user = session.scalar(select(User).where(User.username == name))
        if user is None or not user.is_active:
            problems.append(f"Gebruiker '{name}' bestaat niet.")
        elif user.id == author.id:
            problems.append("De opsteller beoordeelt de eigen lijst niet.")
        elif not may_review(user):
            problems.append(
                f"{user.naam} kan geen beoordelaar zijn: kies een archivaris, een beheerder "
                "(DIV) of de regie van een afdeling."
            )
        else:
            reviewers.append(user)
    if problems:
        raise ValidationFailed({"beoordelaars": problems})
    return reviewers


def _record(session: Session, actor: User | None, lijst: Vernietigingslijst, actie: str, **na):
    audit.record(
        session,
        actor,
        f"vernietigingslijst.{actie}",
        "vernietigingslijst",
        str(lijst.id),
        na={"status": lijst.status, "ronde": lijst.ronde, **na},
    )


def create_list(
    session: Session,
    actor: User,
    *,
    naam: str,
    selectie: Selectie,
    beoordelaars: list[str] | None = None,
    toelichting: str = "",
    today: date | None = None,
) -> Vernietigingslijst:
    """A new list (state nieuw) holding every zaak of ``selectie`` that is due now."""
    require_archivaris(actor)
    errors: dict[str, list[str]] = {}
    naam = _check_text(errors, "naam", naam, required=True, max_len=MAX_NAAM)
    toelichting = _check_text(errors, "toelichting", toelichting, required=False)
    if errors:
        raise ValidationFailed(errors)
    reviewers = _resolve_reviewers(session, actor, beoordelaars or [])
    zaken = select_due(session, actor, selectie, today=today)
    if not zaken:
        raise ValidationFailed(
            {
                "selectie": [
                    "Geen zaken in deze selectie zijn nu te vernietigen (of ze staan al op een "
                    "andere lijst, zijn bevroren of uitgezonderd)."
                ]
            }
        )
    lijst = Vernietigingslijst(
        naam=naam, toelichting=toelichting, selectie=selectie.as_dict(), auteur=actor
    )
    lijst.items = [
        VernietigingslijstItem(zaak=z, zaak_identificatie=z.identificatie, gegevens=snapshot(z))
        for z in zaken
    ]
    lijst.beoordelaars = [VernietigingslijstBeoordelaar(user=u) for u in reviewers]
    session.add(lijst)
    session.flush()
    _record(
        session,
        actor,
        lijst,
        "aangemaakt",
        selectie=selectie.as_dict(),
        zaken=[z.identificatie for z in zaken],
        beoordelaars=[u.username for u in reviewers],
    )
    return lijst


def _require_author(actor: User, lijst: Vernietigingslijst) -> None:
    require_archivaris(actor)
    if lijst.auteur_id != actor.id:
        raise Forbidden("Alleen de opsteller van de lijst doet dit.")


def _require_status(lijst: Vernietigingslijst, *statussen: str, doing: str) -> None:
    if lijst.status not in statussen:
        allowed = " of ".join(STATUS_LABEL[s] for s in statussen)
        raise Conflict(
            f"De lijst is {STATUS_LABEL[lijst.status]}; {doing} kan alleen als ze {allowed} is."
        )


def set_reviewers(
    session: Session, actor: User, lijst: Vernietigingslijst, usernames: list[str]
) -> Vernietigingslijst:
    _require_author(actor, lijst)
    _require_status(lijst, "nieuw", "wijzigingen_gevraagd", doing="beoordelaars aanwijzen")
    reviewers = _resolve_reviewers(session, actor, usernames)
    voor = [b.user.username for b in lijst.beoordelaars]
    lijst.beoordelaars = [VernietigingslijstBeoordelaar(user=u) for u in reviewers]
    session.flush()
    _record(
        session,
        actor,
        lijst,
        "beoordelaars_gezet",
        voor=voor,
        beoordelaars=[u.username for u in reviewers],
    )
    return lijst


def remove_item(
    session: Session, actor: User, lijst: Vernietigingslijst, zaak_identificatie: str, *, reden: str
) -> VernietigingslijstItem:
    """The author takes a zaak off a list that is not in review yet."""
    _require_author(actor, lijst)
    _require_status(lijst, "nieuw", doing="een zaak van de lijst halen")
    errors: dict[str, list[str]] = {}
    reden = _check_text(errors, "reden", reden, required=True)
    if errors:
        raise ValidationFailed(errors)
    item = _item(lijst, zaak_identificatie)
    item.status = "uitgezonderd"
    item.melding = reden
    session.flush()
    _record(session, actor, lijst, "zaak_verwijderd", zaak=item.zaak_identificatie, reden=reden)
    return item


def _item(lijst: Vernietigingslijst, zaak_identificatie: str) -> VernietigingslijstItem:
    item = next(
        (
            i
            for i in lijst.items
            if i.zaak_identificatie == zaak_identificatie and i.status == "op_lijst"
        ),
        None,
    )
    if item is None:
        raise NotFound(f"Zaak '{zaak_identificatie}' staat niet op deze lijst.", field="zaak")
    return item


def submit(
    session: Session, actor: User, lijst: Vernietigingslijst, *, now: datetime | None = None
) -> Vernietigingslijst:
    """Send the list (again) to its reviewers: a new review round."""
    _require_author(actor, lijst)
    _require_status(lijst, "nieuw", "wijzigingen_gevraagd", doing="indienen")
    if not lijst.beoordelaars:
        raise Conflict("Wijs eerst ten minste één beoordelaar aan.")
    if not any(i.status == "op_lijst" for i in lijst.items):
        raise Conflict("Er staat geen zaak meer op de lijst; breek haar af.")
    if lijst.status == "wijzigingen_gevraagd" and open_opmerkingen(lijst):
        open_ids = sorted({o.item.zaak_identificatie for o in open_opmerkingen(lijst)})
        raise Conflict(f"Beantwoord eerst de opmerkingen bij: {', '.join(open_ids)}.")
    lijst.status = "ter_beoordeling"
    lijst.ronde += 1
    lijst.ingediend_op = now or utcnow()
    session.flush()
    _record(
        session,
        actor,
        lijst,
        "ingediend",
        beoordelaars=[b.user.username for b in lijst.beoordelaars],
    )
    emit(
        session,
        notificatiesoorten.VERNIETIGINGSLIJST_TER_BEOORDELING,
        actor,
        vernietigingslijst_id=lijst.id,
        gegevens={"ronde": lijst.ronde},
    )
    return lijst


def review(
    session: Session,
    actor: User,
    lijst: Vernietigingslijst,
    *,
    uitsluiten: dict[str, str] | None = None,
    toelichting: str = "",
    now: datetime | None = None,
) -> VernietigingslijstBeoordeling:
    """A named reviewer's verdict for this round: agree with every item, or exclude some,
    each with its reason (then the author must answer: wijzigingen_gevraagd)."""
    _require_status(lijst, "ter_beoordeling", doing="beoordelen")
    if actor is None or not _is_reviewer(actor, lijst) or not may_review(actor):
        raise Forbidden("Alleen een aangewezen beoordelaar beoordeelt deze lijst.")
    if any(b.beoordelaar_id == actor.id for b in reviews_of_round(lijst)):
        raise Conflict("U hebt deze ronde al beoordeeld.")
    errors: dict[str, list[str]] = {}
    toelichting = _check_text(errors, "toelichting", toelichting, required=False)
    excluded: list[tuple[VernietigingslijstItem, str]] = []
    for identificatie, reden in (uitsluiten or {}).items():
        reden = (reden or "").strip()
        try:
            item = _item(lijst, identificatie)
        except NotFound as exc:
            errors.setdefault("uitsluiten", []).append(exc.message)
            continue
        if not reden:
            errors.setdefault("uitsluiten", []).append(
                f"Geef de reden waarom {identificatie} niet vernietigd mag worden."
            )
        elif len(reden) > MAX_TEKST:
            errors.setdefault("uitsluiten", []).append(f"Maximaal {MAX_TEKST} tekens per reden.")
        else:
            excluded.append((item, reden))
    if errors:
        raise ValidationFailed(errors)
    beoordeling = VernietigingslijstBeoordeling(
        lijst=lijst,
        beoordelaar=actor,
        ronde=lijst.ronde,
        besluit="wijzigingen" if excluded else "akkoord",
        toelichting=toelichting,
        beoordeeld_op=now or utcnow(),
    )
    session.add(beoordeling)
    for item, reden in excluded:
        session.add(VernietigingslijstOpmerking(item=item, beoordeling=beoordeling, reden=reden))
    session.flush()
    session.refresh(lijst, ["beoordelingen"])
    if excluded:
        lijst.status = "wijzigingen_gevraagd"
    elif not pending_reviewers(lijst):
        lijst.status = "goedgekeurd"
        lijst.beoordeeld_op = beoordeling.beoordeeld_op
    session.flush()
    _record(
        session,
        actor,
        lijst,
        "beoordeeld",
        besluit=beoordeling.besluit,
        uitgesloten={i.zaak_identificatie: r for i, r in excluded},
    )
    return beoordeling


ANTWOORDEN = ("verwijderen", "handhaven")


def answer(
    session: Session,
    actor: User,
    lijst: Vernietigingslijst,
    zaak_identificatie: str,
    *,
    besluit: str,
    antwoord: str = "",
    now: datetime | None = None,
) -> VernietigingslijstItem:
    """The author's answer to the exclusions of one item: take it off the list
    (verwijderen), or keep it and say why (handhaven; the reviewers see it next round)."""
    _require_status(lijst, "wijzigingen_gevraagd", doing="opmerkingen beantwoorden")
    _require_author(actor, lijst)
    errors: dict[str, list[str]] = {}
    if besluit not in ANTWOORDEN:
        errors["besluit"] = ["Kies verwijderen (van de lijst) of handhaven (met uitleg)."]
    antwoord = _check_text(errors, "antwoord", antwoord, required=besluit == "handhaven")
    if errors:
        raise ValidationFailed(errors)
    item = _item(lijst, zaak_identificatie)
    opmerkingen = [
        o
        for o in item.opmerkingen
        if o.beoordeling.ronde == lijst.ronde and o.antwoord_besluit is None
    ]
    if not opmerkingen:
        raise Conflict(f"Bij {zaak_identificatie} staat geen onbeantwoorde opmerking.")
    for o in opmerkingen:
        o.antwoord_besluit, o.antwoord, o.beantwoord_op = besluit, antwoord, now or utcnow()
    if besluit == "verwijderen":
        item.status = "uitgezonderd"
        item.melding = "; ".join(o.reden for o in opmerkingen)[:MAX_TEKST]
    session.flush()
    _record(
        session,
        actor,
        lijst,
        "beantwoord",
        zaak=zaak_identificatie,
        besluit=besluit,
        antwoord=antwoord,
    )
    return item


def approve(
    session: Session, actor: User, lijst: Vernietigingslijst, *, now: datetime | None = None
) -> Vernietigingslijst:
    """Final approval by a second archivaris (never the author): the bedenktijd starts."""
    require_archivaris(actor)
    _require_status(lijst, "goedgekeurd", doing="definitief goedkeuren")
    if lijst.auteur_id == actor.id:
        raise Forbidden(
            "De opsteller keurt de eigen lijst niet goed: een tweede archivaris doet dat "
            "(vier ogen)."
        )
    now = now or utcnow()
    lijst.status = "bedenktijd"
    lijst.goedgekeurd_door = actor
    lijst.goedgekeurd_op = now
    lijst.bedenktijd_tot = now + bedenktijd()
    session.flush()
    _record(session, actor, lijst, "goedgekeurd", bedenktijd_tot=lijst.bedenktijd_tot.isoformat())
    return lijst


def cancel(
    session: Session,
    actor: User,
    lijst: Vernietigingslijst,
    *,
    reden: str,
    now: datetime | None = None,
) -> Vernietigingslijst:
    """Stop a list before execution (also during the bedenktijd); nothing is destroyed."""
    require_archivaris(actor)
    _require_status(lijst, *AFBREEKBAAR, doing="afbreken")
    errors: dict[str, list[str]] = {}
    reden = _check_text(errors, "reden", reden, required=True)
    if errors:
        raise ValidationFailed(errors)
    lijst.status = "afgebroken"
    lijst.afgebroken_door = actor
    lijst.afgebroken_op = now or utcnow()
    lijst.afbreek_reden = reden
    session.flush()
    _record(session, actor, lijst, "afgebroken", reden=reden)
    return lijst


# -- execution ------------------------------------------------------------------------------


@dataclass
class Uitvoering:
    """What one execution run did."""

    vernietigd: list[str] = field(default_factory=list)
    geweigerd: dict[str, str] = field(default_factory=dict)
    resterend: int = 0
    klaar: bool = False


def can_execute(lijst: Vernietigingslijst, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if lijst.status == "in_uitvoering":
        return True
    return (
        lijst.status == "bedenktijd"
        and lijst.bedenktijd_tot is not None
        and now >= lijst.bedenktijd_tot
    )


def allowed_actions(user: User, lijst: Vernietigingslijst) -> dict[str, bool]:
    """What ``user`` may do with ``lijst`` now, per action (for the buttons a page shows;
    the actions themselves check the same rules)."""
    is_auteur = lijst.auteur_id == user.id
    is_archivaris = access.is_archivaris(user)
    reviewed = {b.beoordelaar_id for b in reviews_of_round(lijst)}
    bewerkbaar = lijst.status in ("nieuw", "wijzigingen_gevraagd")
    return {
        "beoordelaars": is_auteur and bewerkbaar,
        "indienen": is_auteur and bewerkbaar,
        "beoordelen": lijst.status == "ter_beoordeling"
        and any(b.user_id == user.id for b in lijst.beoordelaars)
        and user.id not in reviewed,
        "antwoorden": is_auteur and lijst.status == "wijzigingen_gevraagd",
        "goedkeuren": is_archivaris and not is_auteur and lijst.status == "goedgekeurd",
        "afbreken": is_archivaris and lijst.status in AFBREEKBAAR,
        "uitvoeren": is_archivaris and can_execute(lijst),
    }


def _refusal(session: Session, zaak: Zaak | None, today: date, gone: set[int]) -> str | None:
    """Why ``zaak`` may not be destroyed now, or None; ``gone`` are the zaken of the batch
    at hand destroyed before it (a hoofdzaak may follow its deelzaken)."""
    if zaak is None:
        return "De zaak bestaat niet meer."
    if zaak.archiefstatus == "overgedragen":
        return "De zaak is overgedragen aan het e-Depot; zij wordt hier niet vernietigd."
    b = _belemmeringen(session, zaak.id)
    if b.pakket is not None:
        return (
            f"De zaak zit in overbrenging {b.pakket}, die nog op de bevestiging van het "
            "e-Depot wacht."
        )
    # the reasons and their order of held_or_exempted
    if b.bevroren:
        return "De zaak is bevroren (legal hold)."
    if b.bevroren_document is not None:
        return f"Document {b.bevroren_document} is bevroren (legal hold)."
    if b.uitgezonderd:
        return "Op de zaak rust een uitzondering van vernietiging (hotspot)."
    if zaak.is_open:
        return "De zaak is heropend."
    if zaak.archiefnominatie != "vernietigen":
        return f"De archiefnominatie is nu {zaak.archiefnominatie or 'onbekend'}."
    if zaak.archiefactiedatum is None or zaak.archiefactiedatum > today:
        datum = zaak.archiefactiedatum.isoformat() if zaak.archiefactiedatum else "onbekend"
        return f"De zaak is nog niet te vernietigen (archiefactiedatum {datum})."
    if zaak.archiefstatus not in ("nog_te_archiveren", "gearchiveerd"):
        return f"De archiefstatus is {zaak.archiefstatus.replace('_', ' ')}."
    deelzaken = (
        [
            identificatie
            for deelzaak_id, identificatie in session.execute(
                select(Zaak.id, Zaak.identificatie).where(Zaak.hoofdzaak_id == zaak.id)
            )
            if deelzaak_id not in gone
        ]
        if b.deelzaken
        else []
    )
    if deelzaken:
        return f"De zaak is hoofdzaak van {', '.join(deelzaken)}, die blijft of blijven."
    return None


def _outbox(session: Session, object_type: str, object_id: int, actie: str) -> None:
    session.add(SearchOutbox(object_type=object_type, object_id=object_id, actie=actie))


DESTROY_BATCH = 100  # zaken per transaction of an execution run

# what _destroy_batch reads of the zaken, loaded with them: a query per relationship for
# the whole batch, not per zaak or per document
_DESTROY_LOAD = (
    joinedload(Zaak.zaaktype),
    joinedload(Zaak.afdeling),
    joinedload(Zaak.resultaattype),
    selectinload(Zaak.rollen),
    selectinload(Zaak.document_links)
    .joinedload(ZaakDocument.document)
    .options(
        selectinload(Document.zaak_links),
        selectinload(Document.versies).load_only(
            DocumentVersie.document_id, DocumentVersie.versie, DocumentVersie.sha256
        ),
    ),
)


@dataclass(frozen=True)
class _Uitkomst:
    """One item's outcome in a committed batch; a destroyed one leaves its blobs to
    remove (``shas``), once no document version refers to them."""

    item_id: int
    zaak_identificatie: str
    reden: str | None
    shas: tuple[str, ...] = ()
    uitgevoerd_op: datetime | None = None


def _destroy_batch(
    session: Session,
    actor: User,
    lijst: Vernietigingslijst,
    targets: list[tuple[VernietigingslijstItem, Zaak]],
    now: datetime,
    events: list[audit.Gebeurtenis],
) -> None:
    """Delete these zaken with their rows and their own documents, in a few statements for
    the batch; a document also in a zaak that stays is only unlinked. Decided zaak by zaak
    in the list's order, as if each went before the next: a document shared by two zaken
    of the batch is unlinked from the first and destroyed with the last. Index removals go
    through the outbox, in this transaction; blob removal waits for the commit."""
    gone: set[int] = set()  # zaken of the batch decided before the one at hand
    own: dict[int, Document] = {}
    unlinked: dict[int, Document] = {}
    betrokkenen: set[int] = set()
    for item, zaak in targets:
        item.gegevens = snapshot(zaak)
        eigen: list[Document] = []
        ontkoppeld = 0
        for link in zaak.document_links:
            document = link.document
            if any(
                lnk.zaak_id != zaak.id and lnk.zaak_id not in gone for lnk in document.zaak_links
            ):
                ontkoppeld += 1
                unlinked[document.id] = document
                events.append(
                    audit.Gebeurtenis(
                        actor,
                        "document.ontkoppeld",
                        "document",
                        document.identificatie,
                        zaak_id=zaak.id,
                        na={"zaak": zaak.identificatie, "vernietigingslijst": lijst.id},
                    )
                )
            else:
                eigen.append(document)
        gone.add(zaak.id)
        for document in eigen:
            own[document.id] = document
            events.append(
                audit.Gebeurtenis(
                    actor,
                    "document.vernietigd",
                    "document",
                    document.identificatie,
                    zaak_id=zaak.id,
                    na={
                        "zaak": zaak.identificatie,
                        "vernietigingslijst": lijst.id,
                        "versies": len(document.versies),
                    },
                )
            )
        betrokkenen |= {r.betrokkene_id for r in zaak.rollen}
        events.append(
            audit.Gebeurtenis(
                actor,
                "zaak.vernietigd",
                "zaak",
                item.zaak_identificatie,
                zaak_id=zaak.id,
                na={
                    "vernietigingslijst": lijst.id,
                    "documenten_vernietigd": len(eigen),
                    "documenten_ontkoppeld": ontkoppeld,
                },
            )
        )
        item.zaak = None
        item.status = "vernietigd"
        item.uitgevoerd_op = now
        item.documenten_vernietigd = len(eigen)
        item.documenten_ontkoppeld = ontkoppeld
        item.blobs_te_verwijderen = sorted({v.sha256 for d in eigen for v in d.versies})
    zaak_ids = [zaak.id for _, zaak in targets]
    own_ids = list(own)
    session.flush()
    # The zaken and their documents are deleted through the ORM, so the legal-hold guard on
    # the session sees them; the rows below them (statuses, eigenschappen, rollen, grants,
    # versions) go with them through their foreign keys' ON DELETE CASCADE, in the same
    # statements. The links go first, explicitly, so the session forgets them too (the
    # mappers' cycles — hoofdzaak, bijlage_van — leave the unit of work no safe order of
    # its own); so does a deelzaak's link to a hoofdzaak of the same batch.
    if own_ids:
        # an attachment that stays elsewhere loses its link to a destroyed message
        session.execute(
            update(Document)
            .where(Document.bijlage_van_id.in_(own_ids), Document.id.not_in(own_ids))
            .values(bijlage_van_id=None)
        )
    session.execute(
        update(Zaak)
        .where(Zaak.id.in_(zaak_ids), Zaak.hoofdzaak_id.in_(zaak_ids))
        .values(hoofdzaak_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(ZaakDocument).where(
            or_(ZaakDocument.zaak_id.in_(zaak_ids), ZaakDocument.document_id.in_(own_ids))
            if own_ids
            else ZaakDocument.zaak_id.in_(zaak_ids)
        )
    )
    for document_id, document in unlinked.items():
        if document_id not in own:
            session.expire(document, ["zaak_links"])
            _outbox(session, "document", document_id, "index")
    # The delete cascade gets empty collections instead of loading each one to delete it
    # row by row; what was loaded of them leaves the session, as their rows leave the
    # database.
    for document in own.values():
        for versie in document.versies:
            session.expunge(versie)
        set_committed_value(document, "versies", [])
        set_committed_value(document, "zaak_links", [])
        session.delete(document)
        _outbox(session, "document", document.id, "verwijderen")
    for _, zaak in targets:
        for rol in zaak.rollen:
            session.expunge(rol)
        for name in ("statussen", "rollen", "eigenschappen", "document_links"):
            set_committed_value(zaak, name, [])
        set_committed_value(zaak, "hoofdzaak", None)
        session.delete(zaak)
        _outbox(session, "zaak", zaak.id, "verwijderen")
    session.flush()
    forget_zaken(session, zaak_ids, own_ids)
    # persons who were only in these zaken are personal data without a purpose now
    # (EXISTS, not DISTINCT: a behandelaar can be in thousands of zaken)
    elders = (
        set(
            session.scalars(
                select(Betrokkene.id).where(
                    Betrokkene.id.in_(betrokkenen),
                    select(Rol.id).where(Rol.betrokkene_id == Betrokkene.id).exists(),
                )
            )
        )
        if betrokkenen
        else set()
    )
    weg = sorted(betrokkenen - elders)
    if weg:
        session.execute(delete(Betrokkene).where(Betrokkene.id.in_(weg)))
        forget_personen(session, weg)
    for betrokkene_id in sorted(betrokkenen):
        _outbox(
            session, "persoon", betrokkene_id, "index" if betrokkene_id in elders else "verwijderen"
        )


def _refuse(
    session: Session,
    actor: User,
    item: VernietigingslijstItem,
    reason: str,
    now: datetime,
    events: list[audit.Gebeurtenis],
) -> None:
    item.status = "geweigerd"
    item.melding = reason
    item.uitgevoerd_op = now
    events.append(
        audit.Gebeurtenis(
            actor,
            "vernietigingslijst.zaak_geweigerd",
            "vernietigingslijst",
            str(item.lijst_id),
            na={"zaak": item.zaak_identificatie, "reden": reason},
        )
    )


def _run_batch(
    session: Session,
    actor_id: int,
    lijst_id: int,
    item_ids: list[int],
    *,
    cleared: list[int],
    now: datetime,
    today: date,
) -> list[_Uitkomst]:
    """Destroy or refuse these items in one transaction, committed here. The models'
    legal-hold guard refusing a delete (a hold placed a moment ago) rolls the batch back;
    it is then run item by item, so only the held one is refused."""
    _mark_removed(session, cleared)  # their blobs went after the previous commit
    # Everything is read afresh (sessions keep their objects across commits): that a
    # document is in a zaak that stays decides between unlinking and destroying it. Not
    # populate_existing: with it, the selectin-loaded links come without their documents.
    session.expire_all()
    actor = session.get(User, actor_id)
    lijst = session.get(Vernietigingslijst, lijst_id)
    # locked: a second run at the same time skips what this one took
    items = session.scalars(
        select(VernietigingslijstItem)
        .where(VernietigingslijstItem.id.in_(item_ids))
        .order_by(VernietigingslijstItem.id)
        .with_for_update()
    ).all()
    items = [i for i in items if i.status == "op_lijst"]
    zaak_ids = [i.zaak_id for i in items if i.zaak_id is not None]
    zaken = (
        {
            z.id: z
            for z in session.scalars(
                select(Zaak).where(Zaak.id.in_(zaak_ids)).options(*_DESTROY_LOAD)
            )
        }
        if zaak_ids
        else {}
    )
    gone: set[int] = set()
    targets: list[tuple[VernietigingslijstItem, Zaak]] = []
    events: list[audit.Gebeurtenis] = []
    outcomes: list[_Uitkomst] = []
    for item in items:
        zaak = zaken.get(item.zaak_id) if item.zaak_id is not None else None
        reason = _refusal(session, zaak, today, gone)
        if reason is None:
            targets.append((item, zaak))
            gone.add(zaak.id)
        else:
            _refuse(session, actor, item, reason, now, events)
        outcomes.append(_Uitkomst(item.id, item.zaak_identificatie, reason))
    try:
        if targets:
            _destroy_batch(session, actor, lijst, targets, now, events)
        audit.record_all(session, events)
        outcomes = [
            replace(o, shas=tuple(item.blobs_te_verwijderen or ()), uitgevoerd_op=now)
            if o.reden is None
            else o
            for o, item in zip(outcomes, items, strict=True)
        ]
        session.commit()
    except DomainError as exc:  # e.g. a hold placed a moment ago (models' guard)
        session.rollback()
        if len(item_ids) > 1:
            outcomes = []
            for item_id in item_ids:  # what was cleared is written with the first one
                outcomes += _run_batch(
                    session, actor_id, lijst_id, [item_id], cleared=cleared, now=now, today=today
                )
                cleared = []
            return outcomes
        # the guard refused this item's delete: what was cleared is written again
        return _refuse_alone(session, actor_id, item_ids[0], exc.message, cleared, now)
    return outcomes


def _refuse_alone(
    session: Session, actor_id: int, item_id: int, reason: str, cleared: list[int], now
) -> list[_Uitkomst]:
    _mark_removed(session, cleared)
    item = session.get(VernietigingslijstItem, item_id, with_for_update=True)
    if item.status != "op_lijst":  # a run alongside this one took it meanwhile
        session.commit()
        return []
    events: list[audit.Gebeurtenis] = []
    _refuse(session, session.get(User, actor_id), item, reason, now, events)
    audit.record_all(session, events)
    session.commit()
    return [_Uitkomst(item_id, item.zaak_identificatie, reason)]


def _mark_removed(session: Session, item_ids: list[int]) -> None:
    """These items' blobs are gone: nothing left to remove on a resume."""
    if item_ids:
        session.execute(
            update(VernietigingslijstItem)
            .where(VernietigingslijstItem.id.in_(item_ids))
            .values(blobs_te_verwijderen=[])
        )


def _remove_blobs(session: Session, store: BlobStore, outcomes: list[_Uitkomst]) -> int:
    """After the batch's commit: remove each blob no document version refers to any more
    (the store keeps one blob per content, shared by equal files). A blob touched after
    the destruction committed is being reused by a filing in flight: it stays (``fixity
    --orphans`` takes it later if that filing failed)."""
    removed = 0
    shas = sorted({sha for o in outcomes for sha in o.shas})
    in_use: set[str] = set()
    for start in range(0, len(shas), _CHUNK):
        in_use.update(
            session.scalars(
                select(DocumentVersie.sha256)
                .where(DocumentVersie.sha256.in_(shas[start : start + _CHUNK]))
                .distinct()
            )
        )
    for outcome in outcomes:
        destroyed_at = (outcome.uitgevoerd_op or utcnow()).timestamp()
        for sha in outcome.shas:
            if sha in in_use:
                continue
            try:
                if store.path(sha).stat().st_mtime > destroyed_at + 1:
                    continue
            except FileNotFoundError:
                continue
            store.delete(sha)
            removed += 1
    return removed


def execute(
    session: Session,
    actor: User,
    lijst: Vernietigingslijst,
    *,
    store: BlobStore,
    max_bytes: int,
    now: datetime | None = None,
    today: date | None = None,
    max_items: int | None = None,
    batch_size: int = DESTROY_BATCH,
    progress: Callable[[int, int], object] | None = None,
    after_item: Callable[[VernietigingslijstItem], object] | None = None,
) -> Uitvoering:
    """Destroy what the list holds, once the bedenktijd has passed, a batch of items at a
    time.

    A boundary of its own: commits after the start, after each batch of ``batch_size``
    items, and after the verklaring. An item that is now held, exempted, not yet due (or
    gone) is refused with its reason and the run goes on. Interrupted (a crash,
    ``after_item`` raising, or ``max_items`` reached), a new call carries on with the items
    still open: a batch is destroyed whole or not at all. When none is left the verklaring
    van vernietiging is written and filed and the list is vernietigd. ``progress`` and
    ``after_item`` are called for each item once its batch committed.
    """
    require_archivaris(actor)
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    now = now or utcnow()
    today = today or date.today()
    if lijst.status not in ("bedenktijd", "in_uitvoering"):
        _require_status(lijst, "bedenktijd", "in_uitvoering", doing="uitvoeren")
    if not can_execute(lijst, now):
        raise Conflict(
            f"De bedenktijd loopt tot {lijst.bedenktijd_tot:%Y-%m-%d %H:%M} (UTC); pas daarna "
            "wordt de lijst uitgevoerd."
        )
    lijst_id, actor_id = lijst.id, actor.id
    if lijst.status == "bedenktijd":
        lijst.status = "in_uitvoering"
        lijst.uitvoering_gestart_op = now
        lijst.uitgevoerd_door = actor
        session.flush()
        _record(session, actor, lijst, "uitvoering_gestart")
        session.commit()
    result = Uitvoering()

    # content of items destroyed by an earlier, interrupted run
    left = [
        _Uitkomst(
            item.id,
            item.zaak_identificatie,
            None,
            tuple(item.blobs_te_verwijderen),
            item.uitgevoerd_op,
        )
        for item in session.scalars(
            select(VernietigingslijstItem).where(
                VernietigingslijstItem.lijst_id == lijst_id,
                VernietigingslijstItem.status == "vernietigd",
            )
        )
        if item.blobs_te_verwijderen
    ]
    if left:
        _remove_blobs(session, store, left)
        _mark_removed(session, [o.item_id for o in left])
        session.commit()

    open_ids = list(
        session.scalars(
            select(VernietigingslijstItem.id)
            .where(
                VernietigingslijstItem.lijst_id == lijst_id,
                VernietigingslijstItem.status == "op_lijst",
            )
            .order_by(VernietigingslijstItem.id)
        )
    )
    total = session.scalar(
        select(func.count())
        .select_from(VernietigingslijstItem)
        .where(
            VernietigingslijstItem.lijst_id == lijst_id,
            VernietigingslijstItem.status != "uitgezonderd",
        )
    )
    done = total - len(open_ids)
    todo = open_ids if max_items is None else open_ids[:max_items]
    # the items whose content was removed last: that their lists are empty commits with the
    # next batch, not in a transaction of its own (a crash in between only repeats the
    # removal, which finds nothing left: the resume above)
    cleared: list[int] = []
    for start in range(0, len(todo), batch_size):
        outcomes = _run_batch(
            session,
            actor_id,
            lijst_id,
            todo[start : start + batch_size],
            cleared=cleared,
            now=now,
            today=today,
        )
        destroyed = [o for o in outcomes if o.reden is None]
        _remove_blobs(session, store, destroyed)
        cleared = [o.item_id for o in destroyed if o.shas]
        for outcome in outcomes:
            if outcome.reden is None:
                result.vernietigd.append(outcome.zaak_identificatie)
            else:
                result.geweigerd[outcome.zaak_identificatie] = outcome.reden
            done += 1
            if progress is not None:
                progress(done, total)
            if after_item is not None:
                after_item(session.get(VernietigingslijstItem, outcome.item_id))
    _mark_removed(session, cleared)
    if len(todo) < len(open_ids):
        session.commit()
        result.resterend = len(open_ids) - len(todo)
        return result

    lijst = session.scalar(
        select(Vernietigingslijst)
        .where(Vernietigingslijst.id == lijst_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    actor = session.get(User, actor_id)
    if lijst.status == "vernietigd":  # a run alongside this one finished it
        session.commit()
        result.klaar = True
        return result
    finish(session, actor, lijst, store=store, max_bytes=max_bytes, now=now)
    session.commit()
    result.klaar = True
    return result


def finish(
    session: Session,
    actor: User,
    lijst: Vernietigingslijst,
    *,
    store: BlobStore,
    max_bytes: int,
    now: datetime | None = None,
) -> Vernietigingslijst:
    """Write and file the verklaring van vernietiging; the list becomes vernietigd."""
    from retention import verklaring

    _require_status(lijst, "in_uitvoering", doing="afronden")
    lijst.status = "vernietigd"
    lijst.vernietigd_op = now or utcnow()
    session.flush()
    pdf, csv_doc = verklaring.file_verklaring(
        session, actor, lijst, store=store, max_bytes=max_bytes
    )
    lijst.verklaring_pdf = pdf.identificatie
    lijst.verklaring_csv = csv_doc.identificatie
    session.flush()
    counts = item_counts(session, [lijst.id])[lijst.id]
    _record(
        session,
        actor,
        lijst,
        "vernietigd",
        vernietigd=counts.get("vernietigd", 0),
        geweigerd=counts.get("geweigerd", 0),
        verklaring=[pdf.identificatie, csv_doc.identificatie],
    )
    log.info("vernietigingslijst %s uitgevoerd", lijst.id)
    return lijst
