"""Catalogue services: zaaktypen with their parts and versions, document types, lookups.

Rules from the ZGW Catalogi standard: a zaaktype starts as concept; publishing freezes it
(only its end of validity can change); versions of one identificatie never overlap; a zaak
uses the published version valid on its startdatum.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, rollen
from archive.enums import Archiefnominatie, Richting, Rol, Vertrouwelijkheid
from archive.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zaaktypen import durations, selectielijst
from zaaktypen.models import (
    Afdeling,
    Eigenschap,
    InformatieObjectType,
    ResultaatType,
    RolType,
    StatusType,
    ZaakType,
    ZaakTypeInformatieObjectType,
)

AFLEIDINGSWIJZEN = (
    "afgehandeld",
    "termijn",
    "eigenschap",
    "hoofdzaak",
    "ander_datumkenmerk",
    "ingangsdatum_besluit",
    "vervaldatum_besluit",
)
EIGENSCHAP_FORMATEN = ("tekst", "getal", "datum", "datum_tijd", "keuze")
IDENTIFICATIE = re.compile(r"[A-Za-z0-9._-]+")


def _errors() -> dict[str, list[str]]:
    return {}


def _check_level(value: str | None, field_name: str, errors: dict) -> None:
    if value not in Vertrouwelijkheid.__members__:
        allowed = ", ".join(v.value for v in Vertrouwelijkheid)
        errors.setdefault(field_name, []).append(f"Kies een van: {allowed}.")


def _check_duration(value: str | None, field_name: str, errors: dict) -> None:
    if value and not durations.is_valid(value):
        errors.setdefault(field_name, []).append(
            f"'{value}' is geen ISO 8601-duur (bijvoorbeeld P6W, P3M of P1Y)."
        )


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationFailed(errors)


def beheerder_only(fn):
    """Guard a service whose second argument is the acting user."""

    @functools.wraps(fn)
    def guarded(session, actor, *args, **kwargs):
        require_beheerder(actor)
        return fn(session, actor, *args, **kwargs)

    return guarded


def require_beheerder(actor) -> None:
    """Catalogue and departments are DIV's work; ``None`` is the system (CLI, migrations)."""
    if actor is None:
        return
    if not rollen.is_beheerder(actor):
        raise Forbidden("Alleen een beheerder (DIV) mag de catalogus en afdelingen wijzigen.")


def _require_department_open(zaaktype: ZaakType) -> None:
    """A closed department is read-only, its own zaaktypen (every version) included."""
    afdeling = zaaktype.afdeling
    if afdeling is not None and afdeling.status == "gesloten":
        raise Conflict(
            f"Afdeling {afdeling.naam} is gesloten en alleen nog te raadplegen; zaaktype "
            f"{zaaktype.identificatie} kan niet meer wijzigen."
        )


def _require_concept(zaaktype: ZaakType) -> None:
    _require_department_open(zaaktype)
    if not zaaktype.concept:
        raise Conflict(
            f"Zaaktype {zaaktype.identificatie} versie {zaaktype.versie} is gepubliceerd en "
            "kan niet meer wijzigen (alleen het einde van de geldigheid). Maak een nieuwe versie."
        )


# -- departments (simple lookups; the lifecycle lives in zaaktypen.afdelingen) ---------------


@beheerder_only
def create_afdeling(session: Session, actor, *, code: str, naam: str, virtueel: bool = False):
    code = (code or "").strip().upper()
    errors = _errors()
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 40:
        errors["code"] = ["Gebruik letters, cijfers, - of _ (maximaal 40 tekens)."]
    if not (naam or "").strip():
        errors["naam"] = ["Geef de afdeling een naam."]
    _raise(errors)
    if session.scalar(select(Afdeling.id).where(Afdeling.code == code)) is not None:
        raise Conflict(f"Afdeling '{code}' bestaat al.", field="code")
    afdeling = Afdeling(code=code, naam=naam.strip(), virtueel=virtueel)
    session.add(afdeling)
    session.flush()
    audit.record(session, actor, "afdeling.aangemaakt", "afdeling", code, na={"naam": naam})
    return afdeling


# -- zaaktypen -------------------------------------------------------------------------------


@dataclass
class ResultaatTypeGegevens:
    omschrijving: str
    selectielijstklasse: str | None = None
    archiefnominatie: str | None = None
    archiefactietermijn: str | None = None
    afleidingswijze: str = "afgehandeld"
    procestermijn: str | None = None
    datumkenmerk: str = ""
    toelichting: str = ""


@dataclass
class EigenschapGegevens:
    naam: str
    formaat: str = "tekst"
    definitie: str = ""
    lengte: int | None = None
    waardenverzameling: list[str] = field(default_factory=list)
    verplicht: bool = False
    agenda_weekdag: int | None = None
    agenda_capaciteit: int | None = None
    agenda_sluiting_dagen: int | None = None


@dataclass
class ZaakTypeGegevens:
    identificatie: str
    omschrijving: str
    vertrouwelijkheidaanduiding: str
    doel: str = ""
    aanleiding: str = ""
    toelichting: str = ""
    doorlooptijd: str | None = None
    servicenorm: str | None = None
    trefwoorden: list[str] = field(default_factory=list)
    referentieproces: str = ""
    selectielijst_procestype: int | None = None


def validate_zaaktype_fields(g: ZaakTypeGegevens) -> None:
    errors = _errors()
    ident = (g.identificatie or "").strip()
    if not ident or len(ident) > 80 or not IDENTIFICATIE.fullmatch(ident):
        errors["identificatie"] = [
            "Gebruik letters, cijfers, punt, - of _ (maximaal 80 tekens); "
            "de identificatie staat in adressen."
        ]
    if not (g.omschrijving or "").strip():
        errors["omschrijving"] = ["Geef een omschrijving."]
    _check_level(g.vertrouwelijkheidaanduiding, "vertrouwelijkheidaanduiding", errors)
    _check_duration(g.doorlooptijd, "doorlooptijd", errors)
    _check_duration(g.servicenorm, "servicenorm", errors)
    if (
        g.doorlooptijd
        and g.servicenorm
        and "doorlooptijd" not in errors
        and "servicenorm" not in errors
        and durations.parse(g.servicenorm).sort_key() > durations.parse(g.doorlooptijd).sort_key()
    ):
        errors["servicenorm"] = ["De servicenorm mag niet langer zijn dan de doorlooptijd."]
    if g.selectielijst_procestype is not None and not selectielijst.procestype(
        g.selectielijst_procestype
    ):
        errors["selectielijst_procestype"] = [
            f"Procestype {g.selectielijst_procestype} staat niet in de selectielijst 2020."
        ]
    _raise(errors)


@beheerder_only
def create_concept(
    session: Session, actor, gegevens: ZaakTypeGegevens, *, afdeling: Afdeling | None = None
) -> ZaakType:
    """A new zaaktype (first version, concept)."""
    validate_zaaktype_fields(gegevens)
    if afdeling is not None and afdeling.status == "gesloten":
        raise Conflict(f"Afdeling {afdeling.naam} is gesloten; er komen geen zaaktypen bij.")
    ident = gegevens.identificatie.strip()
    if session.scalar(select(ZaakType.id).where(ZaakType.identificatie == ident)) is not None:
        raise Conflict(
            f"Zaaktype '{ident}' bestaat al; maak een nieuwe versie.", field="identificatie"
        )
    zaaktype = ZaakType(
        identificatie=ident,
        versie=1,
        omschrijving=gegevens.omschrijving.strip(),
        vertrouwelijkheidaanduiding=gegevens.vertrouwelijkheidaanduiding,
        doel=gegevens.doel,
        aanleiding=gegevens.aanleiding,
        toelichting=gegevens.toelichting,
        doorlooptijd=gegevens.doorlooptijd or None,
        servicenorm=gegevens.servicenorm or None,
        trefwoorden=[t.strip() for t in gegevens.trefwoorden if t.strip()],
        referentieproces=gegevens.referentieproces,
        selectielijst_procestype=gegevens.selectielijst_procestype,
        concept=True,
        afdeling=afdeling,
    )
    session.add(zaaktype)
    session.flush()
    audit.record(
        session,
        actor,
        "zaaktype.aangemaakt",
        "zaaktype",
        f"{ident}@1",
        na={"omschrijving": zaaktype.omschrijving},
    )
    return zaaktype


@beheerder_only
def update_concept(session: Session, actor, zaaktype: ZaakType, gegevens: ZaakTypeGegevens):
    _require_concept(zaaktype)
    gegevens.identificatie = zaaktype.identificatie  # the identificatie never changes
    validate_zaaktype_fields(gegevens)
    for name in (
        "omschrijving",
        "vertrouwelijkheidaanduiding",
        "doel",
        "aanleiding",
        "toelichting",
        "referentieproces",
        "selectielijst_procestype",
    ):
        setattr(zaaktype, name, getattr(gegevens, name))
    zaaktype.doorlooptijd = gegevens.doorlooptijd or None
    zaaktype.servicenorm = gegevens.servicenorm or None
    zaaktype.trefwoorden = [t.strip() for t in gegevens.trefwoorden if t.strip()]
    session.flush()
    audit.record(session, actor, "zaaktype.gewijzigd", "zaaktype", _ref(zaaktype))
    return zaaktype


def _ref(zaaktype: ZaakType) -> str:
    return f"{zaaktype.identificatie}@{zaaktype.versie}"


def _part_soort(part) -> str:
    return {
        StatusType: "statustype",
        ResultaatType: "resultaattype",
        RolType: "roltype",
        Eigenschap: "eigenschap",
        ZaakTypeInformatieObjectType: "informatieobjecttype",
    }[type(part)]


def _part_snapshot(part) -> dict:
    """What the audit trail keeps of a part: its identity and the fields that matter."""
    soort = _part_soort(part)
    if soort == "statustype":
        velden = ("volgnummer", "omschrijving", "doorlooptijd", "informeren")
    elif soort == "resultaattype":
        velden = (
            "omschrijving",
            "selectielijstklasse",
            "archiefnominatie",
            "archiefactietermijn",
            "afleidingswijze",
            "procestermijn",
            "datumkenmerk",
        )
    elif soort == "roltype":
        velden = ("omschrijving", "omschrijving_generiek")
    elif soort == "eigenschap":
        velden = ("naam", "formaat", "lengte", "verplicht", "waardenverzameling")
    else:
        velden = ("informatieobjecttype_id", "richting", "volgnummer")
    snapshot = {"onderdeel": soort, "id": part.id} | {v: getattr(part, v) for v in velden}
    if soort == "informatieobjecttype":
        snapshot["omschrijving"] = part.informatieobjecttype.omschrijving
    return snapshot


def _record_part(session: Session, actor, zaaktype: ZaakType, part, actie: str) -> None:
    """One audit event per part added; ``remove_part`` records the removed one itself."""
    audit.record(session, actor, actie, "zaaktype", _ref(zaaktype), na=_part_snapshot(part))


@beheerder_only
def add_statustype(
    session: Session,
    actor,
    zaaktype: ZaakType,
    *,
    omschrijving: str,
    doorlooptijd: str | None = None,
    informeren: bool = False,
    toelichting: str = "",
) -> StatusType:
    _require_concept(zaaktype)
    errors = _errors()
    if not (omschrijving or "").strip():
        errors["omschrijving"] = ["Geef de status een omschrijving."]
    _check_duration(doorlooptijd, "doorlooptijd", errors)
    _raise(errors)
    volgnummer = max((s.volgnummer for s in zaaktype.statustypen), default=0) + 1
    statustype = StatusType(
        volgnummer=volgnummer,
        omschrijving=omschrijving.strip(),
        doorlooptijd=doorlooptijd or None,
        informeren=informeren,
        toelichting=toelichting,
    )
    zaaktype.statustypen.append(statustype)
    session.flush()
    _record_part(session, actor, zaaktype, statustype, "zaaktype.statustype_toegevoegd")
    return statustype


def validate_resultaattype(zaaktype: ZaakType, g: ResultaatTypeGegevens) -> dict:
    """The ZGW consistency rules; returns the fields to store (defaults filled in)."""
    errors = _errors()
    if not (g.omschrijving or "").strip():
        errors["omschrijving"] = ["Geef het resultaat een omschrijving."]
    klasse = None
    if g.selectielijstklasse:
        klasse = selectielijst.resultaat(g.selectielijstklasse)
        if klasse is None:
            errors["selectielijstklasse"] = [
                f"Resultaat {g.selectielijstklasse} staat niet in de selectielijst 2020."
            ]
        elif (
            zaaktype.selectielijst_procestype is not None
            and klasse.procestype_nummer != zaaktype.selectielijst_procestype
        ):
            errors["selectielijstklasse"] = [
                f"Resultaat {klasse.nummer} hoort bij procestype {klasse.procestype_nummer}, "
                f"niet bij procestype {zaaktype.selectielijst_procestype} van dit zaaktype."
            ]
    nominatie = g.archiefnominatie or (klasse.waardering if klasse else None)
    termijn = g.archiefactietermijn or (klasse.bewaartermijn if klasse else None)
    if nominatie and nominatie not in Archiefnominatie.__members__:
        errors["archiefnominatie"] = ["Kies blijvend_bewaren of vernietigen."]
    if not klasse and "selectielijstklasse" not in errors:
        if not nominatie:
            errors["archiefnominatie"] = [
                "Kies een selectielijstklasse of geef de archiefnominatie zelf op."
            ]
        elif nominatie == "vernietigen" and not termijn:
            errors["archiefactietermijn"] = ["Bij vernietigen hoort een archiefactietermijn."]
    _check_duration(termijn, "archiefactietermijn", errors)
    _check_duration(g.procestermijn, "procestermijn", errors)
    wijze = g.afleidingswijze
    if wijze not in AFLEIDINGSWIJZEN:
        errors["afleidingswijze"] = [f"Kies een van: {', '.join(AFLEIDINGSWIJZEN)}."]
    else:
        needs_termijn = wijze == "termijn"
        needs_kenmerk = wijze in ("eigenschap", "ander_datumkenmerk")
        if needs_termijn and not g.procestermijn:
            errors["procestermijn"] = ["Afleidingswijze 'termijn' vraagt een procestermijn."]
        if not needs_termijn and g.procestermijn:
            errors["procestermijn"] = [f"Bij afleidingswijze '{wijze}' blijft procestermijn leeg."]
        if needs_kenmerk and not g.datumkenmerk:
            errors["datumkenmerk"] = [f"Afleidingswijze '{wijze}' vraagt een datumkenmerk."]
        if not needs_kenmerk and g.datumkenmerk:
            errors["datumkenmerk"] = [f"Bij afleidingswijze '{wijze}' blijft datumkenmerk leeg."]
        if wijze == "eigenschap" and g.datumkenmerk:
            eigen = {e.naam: e for e in zaaktype.eigenschappen}
            e = eigen.get(g.datumkenmerk)
            if e is None or e.formaat not in ("datum", "datum_tijd"):
                errors["datumkenmerk"] = [
                    f"'{g.datumkenmerk}' is geen datum-eigenschap van dit zaaktype."
                ]
    _raise(errors)
    return {
        "omschrijving": g.omschrijving.strip(),
        "toelichting": g.toelichting,
        "selectielijstklasse": klasse.nummer if klasse else None,
        "archiefnominatie": nominatie,
        "archiefactietermijn": None if nominatie == "blijvend_bewaren" else termijn,
        "afleidingswijze": wijze,
        "procestermijn": g.procestermijn or None,
        "datumkenmerk": g.datumkenmerk,
    }


@beheerder_only
def add_resultaattype(
    session: Session, actor, zaaktype: ZaakType, gegevens: ResultaatTypeGegevens
) -> ResultaatType:
    _require_concept(zaaktype)
    resultaattype = ResultaatType(**validate_resultaattype(zaaktype, gegevens))
    zaaktype.resultaattypen.append(resultaattype)
    session.flush()
    _record_part(session, actor, zaaktype, resultaattype, "zaaktype.resultaattype_toegevoegd")
    return resultaattype


@beheerder_only
def add_roltype(
    session: Session, actor, zaaktype: ZaakType, *, omschrijving: str, omschrijving_generiek: str
) -> RolType:
    _require_concept(zaaktype)
    errors = _errors()
    if not (omschrijving or "").strip():
        errors["omschrijving"] = ["Geef de rol een omschrijving."]
    if omschrijving_generiek not in Rol.__members__:
        errors["omschrijving_generiek"] = [f"Kies een van: {', '.join(r.value for r in Rol)}."]
    _raise(errors)
    roltype = RolType(
        omschrijving=omschrijving.strip(), omschrijving_generiek=omschrijving_generiek
    )
    zaaktype.roltypen.append(roltype)
    session.flush()
    _record_part(session, actor, zaaktype, roltype, "zaaktype.roltype_toegevoegd")
    return roltype


@beheerder_only
def add_eigenschap(
    session: Session, actor, zaaktype: ZaakType, gegevens: EigenschapGegevens
) -> Eigenschap:
    _require_concept(zaaktype)
    errors = _errors()
    naam = (gegevens.naam or "").strip()
    if not naam or len(naam) > 80:
        errors["naam"] = ["Geef de eigenschap een naam (maximaal 80 tekens)."]
    elif any(e.naam == naam for e in zaaktype.eigenschappen):
        errors["naam"] = [f"Eigenschap '{naam}' bestaat al in dit zaaktype."]
    if gegevens.formaat not in EIGENSCHAP_FORMATEN:
        errors["formaat"] = [f"Kies een van: {', '.join(EIGENSCHAP_FORMATEN)}."]
    if gegevens.formaat == "keuze" and not gegevens.waardenverzameling:
        errors["waardenverzameling"] = ["Een keuze-eigenschap heeft een waardenverzameling."]
    if gegevens.lengte is not None and gegevens.lengte < 1:
        errors["lengte"] = ["De lengte is een positief getal."]
    agenda = (gegevens.agenda_weekdag, gegevens.agenda_capaciteit, gegevens.agenda_sluiting_dagen)
    if any(v is not None for v in agenda):
        if gegevens.formaat != "datum":
            errors["formaat"] = ["Een agenda-eigenschap heeft formaat datum."]
        if gegevens.agenda_weekdag is not None and not 0 <= gegevens.agenda_weekdag <= 6:
            errors["agenda_weekdag"] = ["Weekdag 0 (maandag) tot en met 6 (zondag)."]
        if gegevens.agenda_capaciteit is not None and gegevens.agenda_capaciteit < 1:
            errors["agenda_capaciteit"] = ["De capaciteit is minstens 1."]
        if gegevens.agenda_sluiting_dagen is not None and gegevens.agenda_sluiting_dagen < 0:
            errors["agenda_sluiting_dagen"] = ["Het aantal dagen is 0 of meer."]
    _raise(errors)
    eigenschap = Eigenschap(
        naam=naam,
        formaat=gegevens.formaat,
        definitie=gegevens.definitie,
        lengte=gegevens.lengte,
        waardenverzameling=list(gegevens.waardenverzameling),
        verplicht=gegevens.verplicht,
        agenda_weekdag=gegevens.agenda_weekdag,
        agenda_capaciteit=gegevens.agenda_capaciteit,
        agenda_sluiting_dagen=gegevens.agenda_sluiting_dagen,
    )
    zaaktype.eigenschappen.append(eigenschap)
    session.flush()
    _record_part(session, actor, zaaktype, eigenschap, "zaaktype.eigenschap_toegevoegd")
    return eigenschap


@beheerder_only
def link_informatieobjecttype(
    session: Session, actor, zaaktype: ZaakType, iot: InformatieObjectType, *, richting: str
):
    _require_concept(zaaktype)
    if richting not in Richting.__members__:
        raise ValidationFailed({"richting": ["Kies inkomend, uitgaand of intern."]})
    if any(
        link.informatieobjecttype_id == iot.id and link.richting == richting
        for link in zaaktype.informatieobjecttypen
    ):
        raise Conflict("Dit documenttype is al gekoppeld met deze richting.")
    link = ZaakTypeInformatieObjectType(
        informatieobjecttype=iot,
        richting=richting,
        volgnummer=len(zaaktype.informatieobjecttypen) + 1,
    )
    zaaktype.informatieobjecttypen.append(link)
    session.flush()
    _record_part(session, actor, zaaktype, link, "zaaktype.informatieobjecttype_gekoppeld")
    return link


@beheerder_only
def remove_part(session: Session, actor, zaaktype: ZaakType, part) -> None:
    """Remove a statustype, resultaattype, roltype, eigenschap or document-type link."""
    _require_concept(zaaktype)
    for collection in (
        zaaktype.statustypen,
        zaaktype.resultaattypen,
        zaaktype.roltypen,
        zaaktype.eigenschappen,
        zaaktype.informatieobjecttypen,
    ):
        if part in collection:
            snapshot = _part_snapshot(part)
            collection.remove(part)
            break
    else:
        raise NotFound("Dit onderdeel hoort niet bij het zaaktype.")
    for i, statustype in enumerate(zaaktype.statustypen, 1):
        statustype.volgnummer = -i  # two steps: avoid unique clashes while renumbering
    session.flush()
    for i, statustype in enumerate(zaaktype.statustypen, 1):
        statustype.volgnummer = i
    session.flush()
    audit.record(
        session, actor, "zaaktype.onderdeel_verwijderd", "zaaktype", _ref(zaaktype), voor=snapshot
    )


def publication_problems(zaaktype: ZaakType) -> list[str]:
    """What still keeps a concept from being published (empty when ready)."""
    problems = []
    if len(zaaktype.statustypen) < 2:
        problems.append(
            "Een zaaktype heeft minstens twee statustypen (de laatste is de eindstatus)."
        )
    if not zaaktype.resultaattypen:
        problems.append("Een zaaktype heeft minstens één resultaattype.")
    for rt in zaaktype.resultaattypen:
        if not rt.selectielijstklasse and not rt.archiefnominatie:
            problems.append(
                f"Resultaattype '{rt.omschrijving}' heeft geen selectielijstklasse "
                "of bewaartermijn."
            )
    if not zaaktype.roltypen:
        problems.append("Een zaaktype heeft minstens één roltype.")
    return problems


def _versions(session: Session, identificatie: str) -> list[ZaakType]:
    return list(
        session.scalars(
            select(ZaakType)
            .where(ZaakType.identificatie == identificatie)
            .order_by(ZaakType.versie)
        )
    )


def _period(zaaktype: ZaakType) -> str:
    einde = zaaktype.datum_einde_geldigheid
    return f"{zaaktype.datum_begin_geldigheid.isoformat()} – {einde.isoformat() if einde else '…'}"


def _overlaps(a_begin: date, a_end: date | None, b_begin: date, b_end: date | None) -> bool:
    return a_begin <= (b_end or date.max) and b_begin <= (a_end or date.max)


@beheerder_only
def publish(
    session: Session, actor, zaaktype: ZaakType, *, datum_begin_geldigheid: date | None = None
) -> ZaakType:
    """Freeze a concept; an open-ended earlier version is ended the day before."""
    _require_concept(zaaktype)
    problems = publication_problems(zaaktype)
    if problems:
        raise ValidationFailed(
            {"publiceren": problems}, "Dit zaaktype kan nog niet gepubliceerd worden."
        )
    begin = datum_begin_geldigheid or zaaktype.datum_begin_geldigheid or date.today()
    einde = zaaktype.datum_einde_geldigheid
    if einde is not None and einde < begin:
        raise ValidationFailed({"datum_einde_geldigheid": ["Het einde ligt vóór het begin."]})
    for other in _versions(session, zaaktype.identificatie):
        if other.id == zaaktype.id or other.concept:
            continue
        if other.datum_einde_geldigheid is None and other.datum_begin_geldigheid < begin:
            other.datum_einde_geldigheid = begin - timedelta(days=1)
            audit.record(
                session,
                actor,
                "zaaktype.einde_geldigheid",
                "zaaktype",
                _ref(other),
                na={"datum_einde_geldigheid": other.datum_einde_geldigheid.isoformat()},
            )
        if _overlaps(begin, einde, other.datum_begin_geldigheid, other.datum_einde_geldigheid):
            raise ValidationFailed(
                {
                    "datum_begin_geldigheid": [
                        f"De geldigheid overlapt met versie {other.versie} ({_period(other)})."
                    ]
                }
            )
    zaaktype.datum_begin_geldigheid = begin
    zaaktype.concept = False
    session.flush()
    audit.record(
        session,
        actor,
        "zaaktype.gepubliceerd",
        "zaaktype",
        _ref(zaaktype),
        na={"datum_begin_geldigheid": begin.isoformat()},
    )
    return zaaktype


@beheerder_only
def end_validity(session: Session, actor, zaaktype: ZaakType, einde: date | None) -> ZaakType:
    """The one change a published version still allows."""
    _require_department_open(zaaktype)
    if zaaktype.concept:
        raise Conflict("Een concept heeft nog geen geldigheid; publiceer het eerst.")
    if einde is not None and einde < zaaktype.datum_begin_geldigheid:
        raise ValidationFailed({"datum_einde_geldigheid": ["Het einde ligt vóór het begin."]})
    for other in _versions(session, zaaktype.identificatie):
        if (
            other.id != zaaktype.id
            and not other.concept
            and _overlaps(
                zaaktype.datum_begin_geldigheid,
                einde,
                other.datum_begin_geldigheid,
                other.datum_einde_geldigheid,
            )
        ):
            raise ValidationFailed(
                {
                    "datum_einde_geldigheid": [
                        f"De geldigheid zou overlappen met versie {other.versie}."
                    ]
                }
            )
    voor = zaaktype.datum_einde_geldigheid
    zaaktype.datum_einde_geldigheid = einde
    session.flush()
    audit.record(
        session,
        actor,
        "zaaktype.einde_geldigheid",
        "zaaktype",
        _ref(zaaktype),
        voor={"datum_einde_geldigheid": voor.isoformat() if voor else None},
        na={"datum_einde_geldigheid": einde.isoformat() if einde else None},
    )
    return zaaktype


@beheerder_only
def new_version(session: Session, actor, identificatie: str) -> ZaakType:
    """Copy the latest version with all its parts into a new concept."""
    versions = _versions(session, identificatie)
    if not versions:
        raise NotFound(f"Zaaktype '{identificatie}' bestaat niet.")
    if any(v.concept for v in versions):
        raise Conflict("Er is al een conceptversie; werk die af of publiceer die eerst.")
    latest = versions[-1]
    _require_department_open(latest)
    copy = ZaakType(
        identificatie=latest.identificatie,
        versie=latest.versie + 1,
        omschrijving=latest.omschrijving,
        toelichting=latest.toelichting,
        doel=latest.doel,
        aanleiding=latest.aanleiding,
        vertrouwelijkheidaanduiding=latest.vertrouwelijkheidaanduiding,
        doorlooptijd=latest.doorlooptijd,
        servicenorm=latest.servicenorm,
        trefwoorden=list(latest.trefwoorden),
        referentieproces=latest.referentieproces,
        selectielijst_procestype=latest.selectielijst_procestype,
        concept=True,
        afdeling_id=latest.afdeling_id,
        statustypen=[
            StatusType(
                volgnummer=s.volgnummer,
                omschrijving=s.omschrijving,
                doorlooptijd=s.doorlooptijd,
                informeren=s.informeren,
                toelichting=s.toelichting,
            )
            for s in latest.statustypen
        ],
        resultaattypen=[
            ResultaatType(
                omschrijving=r.omschrijving,
                toelichting=r.toelichting,
                selectielijstklasse=r.selectielijstklasse,
                archiefnominatie=r.archiefnominatie,
                archiefactietermijn=r.archiefactietermijn,
                afleidingswijze=r.afleidingswijze,
                procestermijn=r.procestermijn,
                datumkenmerk=r.datumkenmerk,
            )
            for r in latest.resultaattypen
        ],
        roltypen=[
            RolType(omschrijving=r.omschrijving, omschrijving_generiek=r.omschrijving_generiek)
            for r in latest.roltypen
        ],
        eigenschappen=[
            Eigenschap(
                naam=e.naam,
                definitie=e.definitie,
                formaat=e.formaat,
                lengte=e.lengte,
                waardenverzameling=list(e.waardenverzameling),
                verplicht=e.verplicht,
                agenda_weekdag=e.agenda_weekdag,
                agenda_capaciteit=e.agenda_capaciteit,
                agenda_sluiting_dagen=e.agenda_sluiting_dagen,
            )
            for e in latest.eigenschappen
        ],
        informatieobjecttypen=[
            ZaakTypeInformatieObjectType(
                informatieobjecttype_id=link.informatieobjecttype_id,
                richting=link.richting,
                volgnummer=link.volgnummer,
            )
            for link in latest.informatieobjecttypen
        ],
    )
    session.add(copy)
    session.flush()
    audit.record(session, actor, "zaaktype.nieuwe_versie", "zaaktype", _ref(copy))
    return copy


def version_valid_on(session: Session, identificatie: str, on: date) -> ZaakType | None:
    return session.scalar(
        select(ZaakType).where(
            ZaakType.identificatie == identificatie,
            ZaakType.concept.is_(False),
            ZaakType.datum_begin_geldigheid <= on,
            (ZaakType.datum_einde_geldigheid.is_(None)) | (ZaakType.datum_einde_geldigheid >= on),
        )
    )


def create_zaaktype(
    session: Session,
    actor,
    *,
    identificatie: str,
    omschrijving: str,
    vertrouwelijkheidaanduiding: str,
    statustypen: list[str],
    resultaattypen: list[str | ResultaatTypeGegevens],
    roltypen: list[tuple[str, str]] | None = None,
    afdeling: Afdeling | None = None,
    toelichting: str = "",
    publiceren: bool = True,
    datum_begin_geldigheid: date | None = None,
) -> ZaakType:
    """A complete zaaktype in one call (templates, demo, tests); published by default.

    A resultaattype given as a plain name is kept permanently unless stated otherwise —
    the safe default when nobody chose a selectielijst class.
    """
    zaaktype = create_concept(
        session,
        actor,
        ZaakTypeGegevens(
            identificatie=identificatie,
            omschrijving=omschrijving,
            vertrouwelijkheidaanduiding=vertrouwelijkheidaanduiding,
            toelichting=toelichting,
        ),
        afdeling=afdeling,
    )
    for naam in statustypen:
        add_statustype(session, actor, zaaktype, omschrijving=naam)
    for rt in resultaattypen:
        if isinstance(rt, str):
            rt = ResultaatTypeGegevens(omschrijving=rt, archiefnominatie="blijvend_bewaren")
        add_resultaattype(session, actor, zaaktype, rt)
    for omschrijving_rol, generiek in roltypen or [
        ("Behandelaar", "behandelaar"),
        ("Initiator", "initiator"),
    ]:
        add_roltype(
            session, actor, zaaktype, omschrijving=omschrijving_rol, omschrijving_generiek=generiek
        )
    if publiceren:
        publish(
            session,
            actor,
            zaaktype,
            datum_begin_geldigheid=datum_begin_geldigheid or date(2000, 1, 1),
        )
    return zaaktype


# -- eigenschap values -----------------------------------------------------------------------


def validate_eigenschap_value(eigenschap: Eigenschap, raw) -> str:
    """Normalise a value to its stored text form, or raise ValueError with a Dutch message."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        if eigenschap.verplicht:
            raise ValueError("Dit veld is verplicht.")
        return ""
    if eigenschap.lengte and len(text) > eigenschap.lengte:
        raise ValueError(f"Maximaal {eigenschap.lengte} tekens.")
    if eigenschap.formaat == "getal":
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError("Vul een getal in.") from None
        if not number.is_finite():
            raise ValueError("Vul een getal in.")
        return str(number)
    if eigenschap.formaat == "datum":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("Vul een datum in als JJJJ-MM-DD.") from None
    if eigenschap.formaat == "datum_tijd":
        try:
            return datetime.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("Vul datum en tijd in als JJJJ-MM-DDTUU:MM.") from None
    if eigenschap.formaat == "keuze" and text not in eigenschap.waardenverzameling:
        raise ValueError(f"Kies een van: {', '.join(eigenschap.waardenverzameling)}.")
    return text


def validate_eigenschappen(zaaktype: ZaakType, values: dict[str, object]) -> dict[int, str]:
    """All values for a zaak at once: every problem reported, keyed by eigenschap naam."""
    errors: dict[str, list[str]] = {}
    by_name = {e.naam: e for e in zaaktype.eigenschappen}
    for naam in values:
        if naam not in by_name:
            errors[f"eigenschappen.{naam}"] = ["Deze eigenschap hoort niet bij het zaaktype."]
    result: dict[int, str] = {}
    for naam, eigenschap in by_name.items():
        try:
            text = validate_eigenschap_value(eigenschap, values.get(naam))
        except ValueError as exc:
            errors[f"eigenschappen.{naam}"] = [str(exc)]
            continue
        if text:
            result[eigenschap.id] = text
    _raise(errors)
    return result


# -- document types and lookups ------------------------------------------------------------


IOT_VELDEN = ("omschrijving", "categorie", "vertrouwelijkheidaanduiding", "toegestane_formaten")


def _check_informatieobjecttype(
    omschrijving: str, vertrouwelijkheidaanduiding: str, categorie: str, formaten: list[str]
) -> None:
    from archive.ingest import ALLOWED_FORMATS

    errors = _errors()
    if not (omschrijving or "").strip():
        errors["omschrijving"] = ["Geef een omschrijving."]
    elif len(omschrijving.strip()) > 200:
        errors["omschrijving"] = ["Maximaal 200 tekens."]
    if len(categorie or "") > 80:
        errors["categorie"] = ["Maximaal 80 tekens."]
    _check_level(vertrouwelijkheidaanduiding, "vertrouwelijkheidaanduiding", errors)
    unknown = [f for f in formaten if f not in ALLOWED_FORMATS]
    if unknown:
        errors["toegestane_formaten"] = [
            f"Niet in de toegestane lijst van het archief: {', '.join(unknown)}."
        ]
    _raise(errors)


def _check_omschrijving_free(session: Session, omschrijving: str, iot_id: int | None) -> None:
    exists = select(InformatieObjectType.id).where(
        InformatieObjectType.omschrijving == omschrijving
    )
    if iot_id is not None:
        exists = exists.where(InformatieObjectType.id != iot_id)
    if session.scalar(exists) is not None:
        raise Conflict(f"Documenttype '{omschrijving}' bestaat al.", field="omschrijving")


@beheerder_only
def create_informatieobjecttype(
    session: Session,
    actor,
    *,
    omschrijving: str,
    vertrouwelijkheidaanduiding: str,
    categorie: str = "",
    toegestane_formaten: list[str] | None = None,
) -> InformatieObjectType:
    formaten = list(dict.fromkeys(toegestane_formaten or []))
    _check_informatieobjecttype(omschrijving, vertrouwelijkheidaanduiding, categorie, formaten)
    _check_omschrijving_free(session, omschrijving.strip(), None)
    iot = InformatieObjectType(
        omschrijving=omschrijving.strip(),
        categorie=categorie,
        vertrouwelijkheidaanduiding=vertrouwelijkheidaanduiding,
        toegestane_formaten=formaten,
    )
    session.add(iot)
    session.flush()
    audit.record(
        session,
        actor,
        "informatieobjecttype.aangemaakt",
        "informatieobjecttype",
        str(iot.id),
        na={"omschrijving": iot.omschrijving},
    )
    return iot


@beheerder_only
def update_informatieobjecttype(
    session: Session,
    actor,
    iot: InformatieObjectType,
    *,
    omschrijving: str,
    vertrouwelijkheidaanduiding: str,
    categorie: str = "",
    toegestane_formaten: list[str] | None = None,
) -> InformatieObjectType:
    """Change a document type. Documents already filed keep their own confidentiality and
    versions; the new default and formats apply to what is filed from now on (new versions
    included)."""
    formaten = list(dict.fromkeys(toegestane_formaten or []))
    _check_informatieobjecttype(omschrijving, vertrouwelijkheidaanduiding, categorie, formaten)
    _check_omschrijving_free(session, omschrijving.strip(), iot.id)
    voor = {v: getattr(iot, v) for v in IOT_VELDEN}
    iot.omschrijving = omschrijving.strip()
    iot.categorie = categorie or ""
    iot.vertrouwelijkheidaanduiding = vertrouwelijkheidaanduiding
    iot.toegestane_formaten = formaten
    session.flush()
    na = {v: getattr(iot, v) for v in IOT_VELDEN}
    changed = [v for v in IOT_VELDEN if voor[v] != na[v]]
    if changed:
        audit.record(
            session,
            actor,
            "informatieobjecttype.gewijzigd",
            "informatieobjecttype",
            str(iot.id),
            voor={v: voor[v] for v in changed},
            na={v: na[v] for v in changed},
        )
    return iot


def list_zaaktypen(session: Session, *, include_concepts: bool = True) -> list[ZaakType]:
    query = select(ZaakType).order_by(ZaakType.omschrijving, ZaakType.versie)
    if not include_concepts:
        query = query.where(ZaakType.concept.is_(False))
    return list(session.scalars(query))


def list_afdelingen(session: Session) -> list[Afdeling]:
    return list(session.scalars(select(Afdeling).order_by(Afdeling.naam)))


def list_informatieobjecttypen(session: Session) -> list[InformatieObjectType]:
    return list(
        session.scalars(select(InformatieObjectType).order_by(InformatieObjectType.omschrijving))
    )


# catalogue ids and versie numbers are 32-bit integer columns
MAX_ID = 2**31 - 1


def _by_id(session: Session, model, ref: int | str):
    """A row by id; an id no column can hold is simply absent (not a database overflow)."""
    number = int(ref)
    return session.get(model, number) if 0 < number <= MAX_ID else None


def get_zaaktype(session: Session, ref: int | str) -> ZaakType:
    """By id, by ``identificatie@versie``, or by identificatie (latest version)."""
    found = None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        found = _by_id(session, ZaakType, ref)
    elif "@" in ref:
        ident, _, versie = ref.rpartition("@")
        if versie.isdigit() and int(versie) <= MAX_ID:
            found = session.scalar(
                select(ZaakType).where(
                    ZaakType.identificatie == ident, ZaakType.versie == int(versie)
                )
            )
    else:
        found = session.scalar(
            select(ZaakType).where(ZaakType.identificatie == ref).order_by(ZaakType.versie.desc())
        )
    if found is None:
        raise NotFound(f"Zaaktype '{ref}' bestaat niet.", field="zaaktype")
    return found


def get_afdeling(session: Session, ref: int | str) -> Afdeling:
    """An int is an id (forms); a string is always a code (URLs, API, CLI), even "123"."""
    if isinstance(ref, int):
        found = _by_id(session, Afdeling, ref)
    else:
        found = session.scalar(select(Afdeling).where(Afdeling.code == ref.strip().upper()))
    if found is None:
        raise NotFound(f"Afdeling '{ref}' bestaat niet.", field="afdeling")
    return found


def get_informatieobjecttype(session: Session, ref: int | str) -> InformatieObjectType:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        found = _by_id(session, InformatieObjectType, ref)
    else:
        found = session.scalar(
            select(InformatieObjectType).where(InformatieObjectType.omschrijving == ref)
        )
    if found is None:
        raise NotFound(f"Documenttype '{ref}' bestaat niet.", field="informatieobjecttype")
    return found
