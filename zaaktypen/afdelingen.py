"""Departments, standing and virtual: creation, members, zaaktypen, lifecycle.

Closing a department for good (``gesloten``) needs the zaken, which live in the records core:
see ``archive.afdelingen.close``. Here: actief → sluitend, and the rules on who may use what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.enums import Vertrouwelijkheid
from archive.errors import Conflict, NotFound, ValidationFailed
from zaaktypen.models import Afdeling, AfdelingLid, AfdelingZaakType, ZaakType
from zaaktypen.services import beheerder_only, create_afdeling

LIDROLLEN = ("lezen", "behandelen", "regie")
STATUSSEN = ("actief", "sluitend", "gesloten")


@dataclass
class AfdelingGegevens:
    code: str
    naam: str
    virtueel: bool = True
    doel: str = ""
    startdatum: date | None = None
    geplande_einddatum: date | None = None
    vertrouwelijkheidaanduiding: str | None = None
    retentiebeleid: str | None = None  # None | "blijvend_bewaren"
    retentie_reden: str = ""
    retentie_besluit: str = ""
    sjabloon: str | None = None
    generieke_zaaktypen: list[str] = field(default_factory=list)


def validate_afdeling(g: AfdelingGegevens) -> None:
    errors: dict[str, list[str]] = {}
    if g.virtueel:
        if g.startdatum is None:
            errors["startdatum"] = ["Een virtuele afdeling heeft een startdatum."]
        if g.geplande_einddatum is None:
            errors["geplande_einddatum"] = ["Geef een geplande einddatum; die kan later schuiven."]
    if g.startdatum and g.geplande_einddatum and g.geplande_einddatum < g.startdatum:
        errors["geplande_einddatum"] = ["De geplande einddatum ligt vóór de startdatum."]
    if g.vertrouwelijkheidaanduiding and (
        g.vertrouwelijkheidaanduiding not in Vertrouwelijkheid.__members__
    ):
        errors["vertrouwelijkheidaanduiding"] = ["Onbekend vertrouwelijkheidsniveau."]
    if g.retentiebeleid not in (None, "", "blijvend_bewaren"):
        errors["retentiebeleid"] = ["Kies geen uitzondering of 'blijvend_bewaren'."]
    if g.retentiebeleid == "blijvend_bewaren":
        if not g.retentie_reden.strip():
            errors["retentie_reden"] = ["Een uitzondering van vernietiging heeft een reden."]
        if not g.retentie_besluit.strip():
            errors["retentie_besluit"] = ["Noem het besluit (kenmerk) van de uitzondering."]
    if errors:
        raise ValidationFailed(errors)


@beheerder_only
def create_department(session: Session, actor, gegevens: AfdelingGegevens) -> Afdeling:
    validate_afdeling(gegevens)
    afdeling = create_afdeling(
        session, actor, code=gegevens.code, naam=gegevens.naam, virtueel=gegevens.virtueel
    )
    afdeling.doel = gegevens.doel
    afdeling.startdatum = gegevens.startdatum
    afdeling.geplande_einddatum = gegevens.geplande_einddatum
    afdeling.vertrouwelijkheidaanduiding = gegevens.vertrouwelijkheidaanduiding or None
    afdeling.retentiebeleid = gegevens.retentiebeleid or None
    afdeling.retentie_reden = gegevens.retentie_reden
    afdeling.retentie_besluit = gegevens.retentie_besluit
    afdeling.sjabloon = gegevens.sjabloon
    for ident in gegevens.generieke_zaaktypen:
        choose_generic_zaaktype(session, actor, afdeling, ident)
    session.flush()
    audit.record(
        session,
        actor,
        "afdeling.ingericht",
        "afdeling",
        afdeling.code,
        na={
            "virtueel": afdeling.virtueel,
            "sjabloon": afdeling.sjabloon,
            "vertrouwelijkheidaanduiding": afdeling.vertrouwelijkheidaanduiding,
            "retentiebeleid": afdeling.retentiebeleid,
        },
    )
    return afdeling


@beheerder_only
def choose_generic_zaaktype(session: Session, actor, afdeling: Afdeling, identificatie: str):
    _require_not_closed(afdeling)
    versions = list(
        session.scalars(select(ZaakType).where(ZaakType.identificatie == identificatie))
    )
    if not versions:
        raise NotFound(f"Zaaktype '{identificatie}' bestaat niet.", field="zaaktypen")
    if any(v.afdeling_id is not None for v in versions):
        raise ValidationFailed(
            {
                "zaaktypen": [
                    f"Zaaktype '{identificatie}' hoort bij één afdeling en is niet generiek."
                ]
            }
        )
    if any(k.zaaktype_identificatie == identificatie for k in afdeling.generieke_zaaktypen):
        return None
    keuze = AfdelingZaakType(zaaktype_identificatie=identificatie)
    afdeling.generieke_zaaktypen.append(keuze)
    session.flush()
    audit.record(
        session,
        actor,
        "afdeling.zaaktype_gekozen",
        "afdeling",
        afdeling.code,
        na={"zaaktype": identificatie},
    )
    return keuze


@beheerder_only
def set_member(
    session: Session, actor, afdeling: Afdeling, user, *, rol: str, clearance: str
) -> AfdelingLid:
    """Add a member or change their role and clearance."""
    _require_not_closed(afdeling)
    errors: dict[str, list[str]] = {}
    if rol not in LIDROLLEN:
        errors["rol"] = [f"Kies een van: {', '.join(LIDROLLEN)}."]
    if clearance not in Vertrouwelijkheid.__members__:
        errors["clearance"] = ["Onbekend vertrouwelijkheidsniveau."]
    if errors:
        raise ValidationFailed(errors)
    lid = next((m for m in afdeling.leden if m.user_id == user.id), None)
    voor = {"rol": lid.rol, "clearance": lid.clearance} if lid else None
    if lid is None:
        lid = AfdelingLid(user_id=user.id, rol=rol, clearance=clearance)
        afdeling.leden.append(lid)
    else:
        lid.rol, lid.clearance = rol, clearance
    session.flush()
    audit.record(
        session,
        actor,
        "afdeling.lid_gezet",
        "afdeling",
        afdeling.code,
        voor=voor,
        na={"user_id": user.id, "rol": rol, "clearance": clearance},
    )
    return lid


@beheerder_only
def remove_member(session: Session, actor, afdeling: Afdeling, user) -> None:
    _require_not_closed(afdeling)
    lid = next((m for m in afdeling.leden if m.user_id == user.id), None)
    if lid is None:
        raise NotFound("Deze gebruiker is geen lid van de afdeling.")
    afdeling.leden.remove(lid)
    session.flush()
    audit.record(
        session,
        actor,
        "afdeling.lid_verwijderd",
        "afdeling",
        afdeling.code,
        voor={"user_id": user.id, "rol": lid.rol},
    )


def _require_not_closed(afdeling: Afdeling) -> None:
    if afdeling.status == "gesloten":
        raise Conflict(f"Afdeling {afdeling.naam} is gesloten en alleen nog te raadplegen.")


@beheerder_only
def start_closing(session: Session, actor, afdeling: Afdeling) -> Afdeling:
    """actief → sluitend: no new zaken from now on; existing zaken continue."""
    if afdeling.status != "actief":
        raise Conflict(f"Afdeling {afdeling.naam} is al {afdeling.status}.")
    afdeling.status = "sluitend"
    session.flush()
    audit.record(
        session,
        actor,
        "afdeling.sluitend",
        "afdeling",
        afdeling.code,
        voor={"status": "actief"},
        na={"status": "sluitend"},
    )
    return afdeling


def check_can_open_zaak(afdeling: Afdeling, zaaktype: ZaakType) -> None:
    """The department rules a new zaak must meet (raised as field errors)."""
    if afdeling.status != "actief":
        raise ValidationFailed(
            {
                "afdeling": [
                    f"Afdeling {afdeling.naam} is {afdeling.status}: "
                    "er komen geen nieuwe zaken meer bij."
                ]
            }
        )
    if zaaktype.afdeling_id is not None:
        if zaaktype.afdeling_id != afdeling.id:
            raise ValidationFailed({"zaaktype": ["Dit zaaktype hoort bij een andere afdeling."]})
        return
    if afdeling.virtueel and not any(
        k.zaaktype_identificatie == zaaktype.identificatie for k in afdeling.generieke_zaaktypen
    ):
        raise ValidationFailed(
            {
                "zaaktype": [
                    f"Zaaktype '{zaaktype.omschrijving}' is niet gekozen "
                    f"voor afdeling {afdeling.naam}."
                ]
            }
        )


def zaaktypen_for(session: Session, afdeling: Afdeling, on: date | None = None) -> list[ZaakType]:
    """The published zaaktypen a new zaak in ``afdeling`` may use on ``on``."""
    on = on or date.today()
    query = select(ZaakType).where(
        ZaakType.concept.is_(False),
        ZaakType.datum_begin_geldigheid <= on,
        (ZaakType.datum_einde_geldigheid.is_(None)) | (ZaakType.datum_einde_geldigheid >= on),
    )
    chosen = {k.zaaktype_identificatie for k in afdeling.generieke_zaaktypen}
    result = []
    for zt in session.scalars(query.order_by(ZaakType.omschrijving)):
        if zt.afdeling_id == afdeling.id or (
            zt.afdeling_id is None and (not afdeling.virtueel or zt.identificatie in chosen)
        ):
            result.append(zt)
    return result


def departments_near_end(session: Session, today: date | None = None, *, days: int = 30):
    """Virtual departments whose planned end is near or past (for the DIV dashboard)."""
    today = today or date.today()
    afdelingen = session.scalars(
        select(Afdeling)
        .where(
            Afdeling.virtueel.is_(True),
            Afdeling.status != "gesloten",
            Afdeling.geplande_einddatum.is_not(None),
        )
        .order_by(Afdeling.geplande_einddatum)
    )
    return [
        (a, (a.geplande_einddatum - today).days)
        for a in afdelingen
        if (a.geplande_einddatum - today).days <= days
    ]


@beheerder_only
def update_department(session: Session, actor, afdeling: Afdeling, gegevens: AfdelingGegevens):
    """Change name, purpose, dates, default confidentiality or retention policy (the code
    stays: zaken and exports refer to it). Moving the planned end is the usual reason.
    Surfaces call ``archive.afdelingen.update_department``, which also recomputes the
    closed zaken when the retention policy changed (the zaken are out of reach here)."""
    _require_not_closed(afdeling)
    gegevens.code = afdeling.code
    gegevens.virtueel = afdeling.virtueel
    validate_afdeling(gegevens)
    fields = (
        "naam",
        "doel",
        "startdatum",
        "geplande_einddatum",
        "vertrouwelijkheidaanduiding",
        "retentiebeleid",
        "retentie_reden",
        "retentie_besluit",
    )

    def snapshot() -> dict:
        return {
            f: (v.isoformat() if isinstance(v, date) else v)
            for f in fields
            for v in [getattr(afdeling, f)]
        }

    voor = snapshot()
    afdeling.naam = gegevens.naam.strip() or afdeling.naam
    afdeling.doel = gegevens.doel
    afdeling.startdatum = gegevens.startdatum
    afdeling.geplande_einddatum = gegevens.geplande_einddatum
    afdeling.vertrouwelijkheidaanduiding = gegevens.vertrouwelijkheidaanduiding or None
    afdeling.retentiebeleid = gegevens.retentiebeleid or None
    afdeling.retentie_reden = gegevens.retentie_reden
    afdeling.retentie_besluit = gegevens.retentie_besluit
    session.flush()
    na = snapshot()
    audit.record(
        session,
        actor,
        "afdeling.gewijzigd",
        "afdeling",
        afdeling.code,
        voor={k: v for k, v in voor.items() if na[k] != v},
        na={k: v for k, v in na.items() if voor[k] != v},
    )
    return afdeling


@beheerder_only
def unchoose_generic_zaaktype(session: Session, actor, afdeling: Afdeling, identificatie: str):
    """New zaken can no longer use it here; existing zaken keep their zaaktype."""
    _require_not_closed(afdeling)
    keuze = next(
        (k for k in afdeling.generieke_zaaktypen if k.zaaktype_identificatie == identificatie), None
    )
    if keuze is None:
        raise NotFound(f"Zaaktype '{identificatie}' is niet gekozen voor deze afdeling.")
    afdeling.generieke_zaaktypen.remove(keuze)
    session.flush()
    audit.record(
        session,
        actor,
        "afdeling.zaaktype_verwijderd",
        "afdeling",
        afdeling.code,
        voor={"zaaktype": identificatie},
    )


@beheerder_only
def set_signalering(
    session: Session, actor, afdeling: Afdeling, *, actief: bool, contact: str = ""
) -> Afdeling:
    """Switch the content-free network signal of a department: a new registration about a
    person here tells the regisseurs of that person's zaken elsewhere to contact
    ``contact`` (a role and a phone number or mailbox, never a person's case)."""
    from archive.validation import check_text

    _require_not_closed(afdeling)
    contact = (contact or "").strip()
    errors: dict[str, list[str]] = {}
    check_text(errors, "signaal_contact", contact, max_len=300)
    if actief and not contact:
        errors["signaal_contact"] = [
            "Noem wie de andere afdelingen kunnen bellen of mailen, bijvoorbeeld "
            "'Regie Veiligheidshuis, 053 123 45 67'."
        ]
    if errors:
        raise ValidationFailed(errors)
    voor = {
        "signalering_actief": afdeling.signalering_actief,
        "signaal_contact": afdeling.signaal_contact,
    }
    afdeling.signalering_actief = bool(actief)
    afdeling.signaal_contact = contact
    session.flush()
    audit.record(
        session,
        actor,
        "afdeling.signalering_gewijzigd",
        "afdeling",
        afdeling.code,
        voor=voor,
        na={"signalering_actief": afdeling.signalering_actief, "signaal_contact": contact},
    )
    return afdeling
