"""Catalogue services: create departments, zaaktypen and document types."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.enums import Vertrouwelijkheid
from archive.errors import Conflict, NotFound, ValidationFailed
from zaaktypen.models import (
    Afdeling,
    InformatieObjectType,
    ResultaatType,
    StatusType,
    ZaakType,
)


def _check_level(value: str, field: str) -> str:
    try:
        return Vertrouwelijkheid(value).value
    except ValueError:
        allowed = ", ".join(v.value for v in Vertrouwelijkheid)
        raise ValidationFailed({field: [f"Kies een van: {allowed}."]}) from None


def create_afdeling(session: Session, actor, *, code: str, naam: str, virtueel: bool = False):
    if session.scalar(select(Afdeling.id).where(Afdeling.code == code)) is not None:
        raise Conflict(f"Afdeling '{code}' bestaat al.", field="code")
    afdeling = Afdeling(code=code, naam=naam, virtueel=virtueel)
    session.add(afdeling)
    session.flush()
    audit.record(session, actor, "afdeling.aangemaakt", "afdeling", code, na={"naam": naam})
    return afdeling


def create_zaaktype(
    session: Session,
    actor,
    *,
    identificatie: str,
    omschrijving: str,
    vertrouwelijkheidaanduiding: str,
    statustypen: list[str],
    resultaattypen: list[str],
    afdeling: Afdeling | None = None,
    toelichting: str = "",
) -> ZaakType:
    _check_level(vertrouwelijkheidaanduiding, "vertrouwelijkheidaanduiding")
    if len(statustypen) < 1:
        raise ValidationFailed({"statustypen": ["Een zaaktype heeft minstens één status."]})
    exists = select(ZaakType.id).where(ZaakType.identificatie == identificatie)
    if session.scalar(exists) is not None:
        raise Conflict(f"Zaaktype '{identificatie}' bestaat al.", field="identificatie")
    zaaktype = ZaakType(
        identificatie=identificatie,
        omschrijving=omschrijving,
        toelichting=toelichting,
        vertrouwelijkheidaanduiding=vertrouwelijkheidaanduiding,
        afdeling=afdeling,
        statustypen=[
            StatusType(volgnummer=i, omschrijving=naam) for i, naam in enumerate(statustypen, 1)
        ],
        resultaattypen=[ResultaatType(omschrijving=naam) for naam in resultaattypen],
    )
    session.add(zaaktype)
    session.flush()
    audit.record(
        session,
        actor,
        "zaaktype.aangemaakt",
        "zaaktype",
        identificatie,
        na={"omschrijving": omschrijving},
    )
    return zaaktype


def create_informatieobjecttype(
    session: Session, actor, *, omschrijving: str, vertrouwelijkheidaanduiding: str
) -> InformatieObjectType:
    _check_level(vertrouwelijkheidaanduiding, "vertrouwelijkheidaanduiding")
    exists = select(InformatieObjectType.id).where(
        InformatieObjectType.omschrijving == omschrijving
    )
    if session.scalar(exists) is not None:
        raise Conflict(f"Documenttype '{omschrijving}' bestaat al.", field="omschrijving")
    iot = InformatieObjectType(
        omschrijving=omschrijving, vertrouwelijkheidaanduiding=vertrouwelijkheidaanduiding
    )
    session.add(iot)
    session.flush()
    audit.record(
        session,
        actor,
        "informatieobjecttype.aangemaakt",
        "informatieobjecttype",
        str(iot.id),
        na={"omschrijving": omschrijving},
    )
    return iot


def list_zaaktypen(session: Session) -> list[ZaakType]:
    return list(session.scalars(select(ZaakType).order_by(ZaakType.omschrijving)))


def list_afdelingen(session: Session) -> list[Afdeling]:
    return list(session.scalars(select(Afdeling).order_by(Afdeling.naam)))


def list_informatieobjecttypen(session: Session) -> list[InformatieObjectType]:
    return list(
        session.scalars(select(InformatieObjectType).order_by(InformatieObjectType.omschrijving))
    )


def get_zaaktype(session: Session, ref: int | str) -> ZaakType:
    """By id or by identificatie (latest version)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        found = session.get(ZaakType, int(ref))
    else:
        found = session.scalar(
            select(ZaakType).where(ZaakType.identificatie == ref).order_by(ZaakType.versie.desc())
        )
    if found is None:
        raise NotFound(f"Zaaktype '{ref}' bestaat niet.", field="zaaktype")
    return found


def get_afdeling(session: Session, ref: int | str) -> Afdeling:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        found = session.get(Afdeling, int(ref))
    else:
        found = session.scalar(select(Afdeling).where(Afdeling.code == ref))
    if found is None:
        raise NotFound(f"Afdeling '{ref}' bestaat niet.", field="afdeling")
    return found


def get_informatieobjecttype(session: Session, ref: int | str) -> InformatieObjectType:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        found = session.get(InformatieObjectType, int(ref))
    else:
        found = session.scalar(
            select(InformatieObjectType).where(InformatieObjectType.omschrijving == ref)
        )
    if found is None:
        raise NotFound(f"Documenttype '{ref}' bestaat niet.", field="informatieobjecttype")
    return found
