"""Explicit grants on one zaak for a user outside its department (a partner professional)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import access, audit
from archive.db import utcnow
from archive.enums import Vertrouwelijkheid
from archive.errors import Conflict, Forbidden, NotFound, ValidationFailed
from archive.models import Machtiging, User, Zaak

ROLLEN = ("lezen", "behandelen")
MAX_DAGEN = 366


def _may_grant(actor: User, zaak: Zaak) -> bool:
    """Whoever directs the zaak's department (regie) or DIV (beheerder) may grant access."""
    return access.grant_ceiling(actor, zaak) is not None


def may_grant(actor: User, zaak: Zaak) -> bool:
    """Whether ``actor`` may see and manage the grants on ``zaak`` (for pages)."""
    return _may_grant(actor, zaak)


def grant(
    session: Session,
    actor: User,
    zaak: Zaak,
    user: User,
    *,
    reden: str,
    verloopt_op: date,
    rol: str = "lezen",
    clearance: str | None = None,
    today: date | None = None,
) -> Machtiging:
    if not _may_grant(actor, zaak):
        raise Forbidden("Alleen de regie van de afdeling of een beheerder verleent toegang.")
    today = today or date.today()
    errors: dict[str, list[str]] = {}
    if not (reden or "").strip():
        errors["reden"] = ["Leg vast waarom deze persoon toegang nodig heeft."]
    if verloopt_op <= today:
        errors["verloopt_op"] = ["De vervaldatum ligt in de toekomst."]
    elif (verloopt_op - today).days > MAX_DAGEN:
        errors["verloopt_op"] = [f"Verleen toegang voor hoogstens {MAX_DAGEN} dagen."]
    if rol not in ROLLEN:
        errors["rol"] = ["Kies lezen of behandelen."]
    level = clearance or zaak.vertrouwelijkheidaanduiding
    ceiling = access.grant_ceiling(actor, zaak)
    if level not in Vertrouwelijkheid.__members__:
        errors["clearance"] = ["Onbekend vertrouwelijkheidsniveau."]
    elif Vertrouwelijkheid(level).rank < Vertrouwelijkheid(zaak.vertrouwelijkheidaanduiding).rank:
        errors["clearance"] = [
            f"Met clearance '{level}' ziet de partner deze zaak niet; kies ten minste "
            f"'{zaak.vertrouwelijkheidaanduiding}'."
        ]
    elif Vertrouwelijkheid(level).rank > Vertrouwelijkheid(ceiling).rank:
        errors["clearance"] = [
            f"U kunt hoogstens clearance '{ceiling}' doorgeven: niet meer dan u zelf via "
            "deze zaak mag zien."
        ]
    if not user.is_active:
        errors["user"] = ["Deze gebruiker is niet actief."]
    if errors:
        raise ValidationFailed(errors)
    existing = session.scalar(
        select(Machtiging).where(
            Machtiging.zaak_id == zaak.id,
            Machtiging.user_id == user.id,
            Machtiging.ingetrokken_op.is_(None),
            Machtiging.verloopt_op >= today,
        )
    )
    if existing is not None:
        raise Conflict("Deze gebruiker heeft al toegang tot deze zaak; trek die eerst in.")
    machtiging = Machtiging(
        zaak_id=zaak.id,
        user_id=user.id,
        rol=rol,
        clearance=level,
        reden=reden.strip(),
        verloopt_op=verloopt_op,
        verleend_door_id=actor.id,
    )
    session.add(machtiging)
    session.flush()
    audit.record(
        session,
        actor,
        "zaak.toegang_verleend",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        na={
            "user_id": user.id,
            "rol": rol,
            "clearance": level,
            "verloopt_op": verloopt_op.isoformat(),
        },
    )
    return machtiging


def revoke(session: Session, actor: User, machtiging_id: int) -> Machtiging:
    machtiging = session.get(Machtiging, machtiging_id)
    if machtiging is None or not _may_grant(actor, machtiging.zaak):
        raise NotFound("Deze machtiging bestaat niet.")
    if machtiging.ingetrokken_op is None:
        machtiging.ingetrokken_op = utcnow()
        audit.record(
            session,
            actor,
            "zaak.toegang_ingetrokken",
            "zaak",
            machtiging.zaak.identificatie,
            zaak_id=machtiging.zaak_id,
            voor={"user_id": machtiging.user_id},
        )
    return machtiging


def active_grants(session: Session, zaak: Zaak, today: date | None = None) -> list[Machtiging]:
    today = today or date.today()
    return list(
        session.scalars(
            select(Machtiging)
            .where(
                Machtiging.zaak_id == zaak.id,
                Machtiging.ingetrokken_op.is_(None),
                Machtiging.verloopt_op >= today,
            )
            .order_by(Machtiging.id)
        )
    )
