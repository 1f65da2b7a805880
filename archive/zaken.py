"""Zaak services: open, status, betrokkenen, close, and access-checked reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from archive import access, archivering, audit, toegangslog
from archive.enums import BetrokkeneType, Vertrouwelijkheid
from archive.enums import Rol as RolOmschrijving
from archive.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from archive.identificatie import next_identificatie
from archive.models import (
    Betrokkene,
    Rol,
    User,
    Zaak,
    ZaakEigenschap,
    ZaakStatus,
    ZaakTelling,
)
from archive.notificaties import soorten as notificatiesoorten
from archive.notificaties.gebeurtenissen import emit
from archive.notificaties.volgen import auto_follow, follow_for_role
from archive.validation import (
    check_text,
    is_possible_identificatie,
    is_valid_bsn,
    is_valid_kvk,
    is_valid_rsin,
)
from zaaktypen import afdelingen
from zaaktypen import services as catalogus
from zaaktypen.models import Afdeling, Eigenschap, ResultaatType, RolType, StatusType, ZaakType

MAX_OMSCHRIJVING = 200


def _level(value: str | None, field: str) -> Vertrouwelijkheid | None:
    if value in (None, ""):
        return None
    try:
        return Vertrouwelijkheid(value)
    except ValueError:
        allowed = ", ".join(v.value for v in Vertrouwelijkheid)
        message = f"Onbekend niveau '{value}'. Kies een van: {allowed}."
        raise ValidationFailed({field: [message]}) from None


def open_zaak(
    session: Session,
    actor: User,
    *,
    zaaktype: ZaakType,
    afdeling: Afdeling,
    omschrijving: str,
    toelichting: str = "",
    startdatum: date | None = None,
    vertrouwelijkheidaanduiding: str | None = None,
    eigenschappen: dict[str, object] | None = None,
    today: date | None = None,
) -> Zaak:
    """Register a zaak in the zaaktype version valid on its startdatum.

    It gets the first status, and unless given, the stricter of the department's and the
    zaaktype's confidentiality default.
    """
    if not access.can_create_zaak(actor):
        raise Forbidden("U mag geen zaken aanmaken.")
    today = today or date.today()
    startdatum = startdatum or today
    errors: dict[str, list[str]] = {}
    omschrijving = (omschrijving or "").strip()
    if not omschrijving:
        errors["omschrijving"] = ["Geef een korte omschrijving van de zaak."]
    elif len(omschrijving) > MAX_OMSCHRIJVING:
        errors["omschrijving"] = [f"Maximaal {MAX_OMSCHRIJVING} tekens."]
    check_text(errors, "omschrijving", omschrijving)
    check_text(errors, "toelichting", toelichting)
    if startdatum > today:
        errors["startdatum"] = ["De startdatum kan niet in de toekomst liggen."]
    level = _level(vertrouwelijkheidaanduiding, "vertrouwelijkheidaanduiding")
    if errors:
        raise ValidationFailed(errors)
    versie = catalogus.version_valid_on(session, zaaktype.identificatie, startdatum)
    if versie is None:
        raise ValidationFailed(
            {
                "zaaktype": [
                    f"Zaaktype '{zaaktype.omschrijving}' heeft geen gepubliceerde versie "
                    "die geldig is "
                    f"op {startdatum.isoformat()}."
                ]
            }
        )
    afdelingen.check_can_open_zaak(afdeling, versie)
    if not access.can_create_zaak(actor, afdeling):
        raise Forbidden(
            f"U bent geen behandelaar of regisseur in afdeling {afdeling.naam}; vraag de "
            "beheerder om toegang."
        )
    waarden = catalogus.validate_eigenschappen(versie, eigenschappen or {})
    _check_agenda(session, versie, waarden, today=today, zaak=None)

    zaak = Zaak(
        identificatie=next_identificatie(session, "ZAAK", today.year),
        zaaktype=versie,
        afdeling=afdeling,
        omschrijving=omschrijving,
        toelichting=(toelichting or "").strip(),
        registratiedatum=today,
        startdatum=startdatum,
        vertrouwelijkheidaanduiding=(
            level
            or Vertrouwelijkheid.strictest(
                versie.vertrouwelijkheidaanduiding, afdeling.vertrouwelijkheidaanduiding
            )
        ).value,
        aangemaakt_door_id=actor.id,
    )
    zaak.statussen.append(
        ZaakStatus(statustype=versie.statustypen[0], gezet_door_id=actor.id, toelichting="")
    )
    zaak.eigenschappen.extend(
        ZaakEigenschap(eigenschap_id=eid, waarde=waarde) for eid, waarde in waarden.items()
    )
    session.add(zaak)
    session.flush()
    audit.record(
        session,
        actor,
        "zaak.aangemaakt",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        na=_zaak_snapshot(zaak),
    )
    _outbox(session, "zaak", zaak.id)
    # the one who registers a zaak (the reporter of a melding) follows it
    auto_follow(session, actor.id, "zaak", zaak.id, "melder")
    emit(session, notificatiesoorten.ZAAK_AANGEMAAKT, actor, zaak=zaak)
    return zaak


WEEKDAGEN = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def _check_agenda(
    session: Session, zaaktype: ZaakType, waarden: dict[int, str], *, today: date, zaak
) -> None:
    """Agenda dates (e.g. the RIEC Informatieplein: Thursdays, at most 4 signals, agenda
    closes on Monday) are enforced here, with an explanation the user can act on."""
    errors: dict[str, list[str]] = {}
    for eigenschap in zaaktype.eigenschappen:
        value = waarden.get(eigenschap.id)
        if not eigenschap.is_agenda or not value:
            continue
        if zaak is not None and any(
            e.eigenschap_id == eigenschap.id and e.waarde == value for e in zaak.eigenschappen
        ):
            continue  # unchanged: it already holds its place on that agenda
        datum = date.fromisoformat(value)
        key = f"eigenschappen.{eigenschap.naam}"
        if eigenschap.agenda_weekdag is not None and datum.weekday() != eigenschap.agenda_weekdag:
            dag = WEEKDAGEN[eigenschap.agenda_weekdag]
            errors[key] = [f"{eigenschap.naam} valt altijd op een {dag}; kies een {dag}."]
            continue
        if eigenschap.agenda_sluiting_dagen is not None:
            sluiting = datum - timedelta(days=eigenschap.agenda_sluiting_dagen)
            if today > sluiting:
                errors[key] = [
                    f"De agenda voor {datum.isoformat()} sloot op {WEEKDAGEN[sluiting.weekday()]} "
                    f"{sluiting.isoformat()}; kies een latere datum."
                ]
                continue
        if eigenschap.agenda_capaciteit is not None:
            taken = session.scalar(
                select(func.count())
                .select_from(ZaakEigenschap)
                .join(Eigenschap, Eigenschap.id == ZaakEigenschap.eigenschap_id)
                .join(ZaakType, ZaakType.id == Eigenschap.zaaktype_id)
                .where(
                    ZaakType.identificatie == zaaktype.identificatie,
                    Eigenschap.naam == eigenschap.naam,
                    ZaakEigenschap.waarde == value,
                )
            )
            if taken >= eigenschap.agenda_capaciteit:
                errors[key] = [
                    f"De agenda van {datum.isoformat()} is vol: maximaal "
                    f"{eigenschap.agenda_capaciteit} per keer. Kies een volgende datum."
                ]
    if errors:
        raise ValidationFailed(errors)


def set_eigenschappen(session: Session, actor: User, zaak: Zaak, values: dict[str, object]) -> Zaak:
    """Replace the zaak's eigenschap values, each validated against its definition."""
    if not access.can_change_zaak(actor, zaak):
        raise Forbidden("U mag deze zaak niet wijzigen.")
    _require_open(zaak)
    waarden = catalogus.validate_eigenschappen(zaak.zaaktype, values)
    _check_agenda(session, zaak.zaaktype, waarden, today=date.today(), zaak=zaak)
    voor = {e.eigenschap.naam: e.waarde for e in zaak.eigenschappen}
    zaak.eigenschappen.clear()
    session.flush()
    zaak.eigenschappen.extend(
        ZaakEigenschap(eigenschap_id=eid, waarde=waarde) for eid, waarde in waarden.items()
    )
    session.flush()
    na = {e.eigenschap.naam: e.waarde for e in zaak.eigenschappen}
    audit.record(
        session,
        actor,
        "zaak.eigenschappen_gezet",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        voor=voor,
        na=na,
    )
    _outbox(session, "zaak", zaak.id)
    return zaak


def _zaak_snapshot(zaak: Zaak) -> dict:
    return {
        "zaaktype": zaak.zaaktype.identificatie,
        "afdeling": zaak.afdeling.code,
        "startdatum": zaak.startdatum.isoformat(),
        "einddatum": zaak.einddatum.isoformat() if zaak.einddatum else None,
        "vertrouwelijkheidaanduiding": zaak.vertrouwelijkheidaanduiding,
        "status": zaak.huidige_status.statustype.omschrijving if zaak.huidige_status else None,
    }


def _outbox(session: Session, object_type: str, object_id: int, actie: str = "index") -> None:
    from archive.models import SearchOutbox

    session.add(SearchOutbox(object_type=object_type, object_id=object_id, actie=actie))


def get_zaak(session: Session, user: User, identificatie: str, *, pad: str | None = None) -> Zaak:
    """The zaak if ``user`` may see it; otherwise NotFound, exactly as if it did not exist.

    With ``pad`` (ui, api, cli, …) the read is a view by a person and is written to the
    access log when the zaak is confidential enough.
    """
    zaak = (
        session.scalar(
            select(Zaak)
            .where(Zaak.identificatie == identificatie)
            .options(joinedload(Zaak.zaaktype), joinedload(Zaak.afdeling))
        )
        if is_possible_identificatie(identificatie)
        else None
    )
    if zaak is None or not access.can_view_zaak(user, zaak):
        raise NotFound(f"Zaak '{identificatie}' bestaat niet.")
    if pad is not None:
        toegangslog.log_read(session, user, zaak, pad=pad)
    return zaak


def get_zaak_for_change(
    session: Session, user: User, identificatie: str, *, pad: str | None = None
) -> Zaak:
    """The zaak for a change form; with ``pad`` showing the form counts as a view."""
    zaak = get_zaak(session, user, identificatie)
    if not access.can_change_zaak(user, zaak):
        raise Forbidden("U mag deze zaak niet wijzigen.")
    if pad is not None:
        toegangslog.log_read(session, user, zaak, pad=pad)
    return zaak


@dataclass(frozen=True)
class ZaakFilter:
    zaaktype_id: int | None = None
    afdeling_id: int | None = None
    open: bool | None = None  # True: open only, False: closed only
    zoek: str | None = None


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _filter_conditions(filt: ZaakFilter) -> list:
    conditions = []
    if filt.zaaktype_id:
        conditions.append(Zaak.zaaktype_id == filt.zaaktype_id)
    if filt.afdeling_id:
        conditions.append(Zaak.afdeling_id == filt.afdeling_id)
    if filt.open is True:
        conditions.append(Zaak.einddatum.is_(None))
    elif filt.open is False:
        conditions.append(Zaak.einddatum.is_not(None))
    if filt.zoek:
        conditions.append(Zaak.identificatie == filt.zoek.strip().upper())
    return conditions


def _count_query(user: User, filt: ZaakFilter):
    """How many zaken ``user`` may see under ``filt``, as one statement — exactly the rows
    ``list_zaken`` pages through, without counting them: the zaken reached through a
    department are summed from ``ZaakTelling`` (kept by triggers), those reached only
    through a grant are counted (a handful). Issue 8: counting a million-row list took a
    third of a second per page. Correlated with nothing: it also rides along in the
    page's own query."""
    if filt.zoek:  # one identificatie: at most one row, on its unique index
        return (
            select(func.count())
            .select_from(Zaak)
            .where(access.zaak_filter(user), *_filter_conditions(filt))
            .correlate(None)
        )
    telling = [
        access.afdeling_filter(
            user, ZaakTelling.afdeling_id, ZaakTelling.vertrouwelijkheidaanduiding
        )
    ]
    if filt.zaaktype_id:
        telling.append(ZaakTelling.zaaktype_id == filt.zaaktype_id)
    if filt.afdeling_id:
        telling.append(ZaakTelling.afdeling_id == filt.afdeling_id)
    if filt.open is not None:
        telling.append(ZaakTelling.open.is_(filt.open))
    total = (
        select(func.coalesce(func.sum(ZaakTelling.aantal), 0))
        .where(*telling)
        .correlate(None)
        .scalar_subquery()
    )
    grants = access.grant_only_filter(user)
    if grants is not None:
        total = total + (
            select(func.count())
            .select_from(Zaak)
            .where(grants, *_filter_conditions(filt))
            .correlate(None)
            .scalar_subquery()
        )
    return select(total)


def count_zaken(session: Session, user: User, filt: ZaakFilter) -> int:
    """How many zaken ``user`` may see under ``filt`` (:func:`_count_query`)."""
    return int(session.scalar(_count_query(user, filt)) or 0)


def list_zaken(
    session: Session, user: User, filt: ZaakFilter, *, page: int = 1, per_page: int = 25
) -> Page:
    """A page of visible zaken, newest first; the count covers only what ``user`` may see.
    One round trip: the count rides along as a column (asked again only for a page past
    the end, which has no rows to carry it)."""
    page = max(1, page)
    per_page = min(max(1, per_page), 200)
    conditions = [access.zaak_filter(user), *_filter_conditions(filt)]
    totaal = _count_query(user, filt).scalar_subquery().label("totaal")
    # the page's ids first, so the joins below are made for its rows only (not for the
    # rows an offset skips: page 40 would join a thousand)
    pagina = (
        select(Zaak.id)
        .where(*conditions)
        .order_by(Zaak.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery()
    )
    rows = session.execute(
        select(Zaak, totaal)
        .join(pagina, pagina.c.id == Zaak.id)
        .options(
            # the catalogue rows and the current status (with its statustype) in the
            # same round trip
            joinedload(Zaak.zaaktype),
            joinedload(Zaak.afdeling),
            joinedload(Zaak.laatste_status),
        )
        .order_by(Zaak.id.desc())
    ).all()
    items = [row[0] for row in rows]
    total = int(rows[0][1] or 0) if rows else count_zaken(session, user, filt)
    return Page(items=items, total=total, page=page, per_page=per_page)


def _require_open(zaak: Zaak) -> None:
    if not zaak.is_open:
        raise Conflict(f"Zaak {zaak.identificatie} is afgesloten en kan niet meer wijzigen.")


def set_status(
    session: Session, actor: User, zaak: Zaak, *, statustype_id: int, toelichting: str = ""
) -> ZaakStatus:
    """Move the zaak to a status of its own zaaktype; the eindstatus only through close_zaak."""
    if not access.can_change_zaak(actor, zaak):
        raise Forbidden("U mag deze zaak niet wijzigen.")
    _require_open(zaak)
    statustype = session.get(StatusType, statustype_id)
    if statustype is None or statustype.zaaktype_id != zaak.zaaktype_id:
        raise ValidationFailed({"statustype": ["Deze status hoort niet bij het zaaktype."]})
    if statustype.id == zaak.zaaktype.eindstatus.id and len(zaak.zaaktype.statustypen) > 1:
        raise ValidationFailed(
            {"statustype": ["De eindstatus zet u door de zaak af te sluiten met een resultaat."]}
        )
    _check_toelichting(toelichting)
    vorige = zaak.huidige_status.statustype.omschrijving if zaak.huidige_status else None
    status = ZaakStatus(
        statustype=statustype, toelichting=(toelichting or "").strip(), gezet_door_id=actor.id
    )
    zaak.statussen.append(status)
    session.flush()
    audit.record(
        session,
        actor,
        "zaak.status_gezet",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        voor={"status": vorige},
        na={"status": statustype.omschrijving},
    )
    _outbox(session, "zaak", zaak.id)
    emit(
        session,
        notificatiesoorten.ZAAK_STATUS_GEWIJZIGD,
        actor,
        zaak=zaak,
        gegevens={"statustype": statustype.id},
    )
    return status


def close_zaak(
    session: Session,
    actor: User,
    zaak: Zaak,
    *,
    resultaattype_id: int,
    toelichting: str = "",
    einddatum: date | None = None,
) -> Zaak:
    """Close with a resultaat: sets the eindstatus and einddatum and computes the retention
    (archive.archivering)."""
    if not access.can_change_zaak(actor, zaak):
        raise Forbidden("U mag deze zaak niet wijzigen.")
    _require_open(zaak)
    resultaattype = session.get(ResultaatType, resultaattype_id)
    if resultaattype is None or resultaattype.zaaktype_id != zaak.zaaktype_id:
        raise ValidationFailed({"resultaattype": ["Dit resultaat hoort niet bij het zaaktype."]})
    _check_toelichting(toelichting)
    einddatum = einddatum or date.today()
    if einddatum < zaak.startdatum:
        raise ValidationFailed({"einddatum": ["De einddatum ligt vóór de startdatum."]})
    if einddatum > date.today():
        raise ValidationFailed({"einddatum": ["De einddatum kan niet in de toekomst liggen."]})
    voor = _zaak_snapshot(zaak)
    zaak.statussen.append(
        ZaakStatus(
            statustype=zaak.zaaktype.eindstatus,
            toelichting=(toelichting or "").strip(),
            gezet_door_id=actor.id,
        )
    )
    zaak.resultaattype = resultaattype
    zaak.resultaat_toelichting = (toelichting or "").strip()
    zaak.einddatum = einddatum
    session.flush()
    na = _zaak_snapshot(zaak) | {"resultaat": resultaattype.omschrijving}
    audit.record(
        session,
        actor,
        "zaak.afgesloten",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        voor=voor,
        na=na,
    )
    archivering.apply(session, actor, zaak)
    _outbox(session, "zaak", zaak.id)
    emit(
        session,
        notificatiesoorten.ZAAK_AFGESLOTEN,
        actor,
        zaak=zaak,
        gegevens={"einddatum": einddatum.isoformat()},
    )
    return zaak


def reopen_zaak(session: Session, actor: User, zaak: Zaak, *, toelichting: str) -> Zaak:
    """Reopen a closed zaak (not yet archived): back to its last status before the
    eindstatus, resultaat and retention dates cleared."""
    if not access.can_change_zaak(actor, zaak):
        raise Forbidden("U mag deze zaak niet wijzigen.")
    archivering.require_reopenable(zaak)
    if not (toelichting or "").strip():
        raise ValidationFailed({"toelichting": ["Leg vast waarom de zaak heropend wordt."]})
    _check_toelichting(toelichting)
    voor = _zaak_snapshot(zaak)
    eerdere = [s for s in zaak.statussen if s.statustype_id != zaak.zaaktype.eindstatus.id]
    terug = eerdere[-1].statustype if eerdere else zaak.zaaktype.statustypen[0]
    zaak.statussen.append(
        ZaakStatus(statustype=terug, toelichting=toelichting.strip(), gezet_door_id=actor.id)
    )
    zaak.einddatum = None
    zaak.resultaattype = None
    zaak.resultaat_toelichting = ""
    session.flush()
    audit.record(
        session,
        actor,
        "zaak.heropend",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        voor=voor,
        na=_zaak_snapshot(zaak) | {"toelichting": toelichting.strip()},
    )
    archivering.apply(session, actor, zaak)
    _outbox(session, "zaak", zaak.id)
    emit(session, notificatiesoorten.ZAAK_HEROPEND, actor, zaak=zaak)
    return zaak


@dataclass
class BetrokkeneGegevens:
    """Input for a betrokkene; which fields matter depends on ``type``."""

    type: str
    bsn: str = ""
    kvk_nummer: str = ""
    rsin: str = ""
    identificatie: str = ""
    voornamen: str = ""
    voorvoegsel: str = ""
    geslachtsnaam: str = ""
    geboortedatum: date | None = None
    naam: str = ""


def _check_toelichting(toelichting: str | None) -> None:
    errors: dict[str, list[str]] = {}
    check_text(errors, "toelichting", toelichting)
    if errors:
        raise ValidationFailed(errors)


def _validate_betrokkene(data: BetrokkeneGegevens) -> None:
    errors: dict[str, list[str]] = {}
    for name in (
        "bsn",
        "kvk_nummer",
        "rsin",
        "identificatie",
        "voornamen",
        "voorvoegsel",
        "geslachtsnaam",
        "naam",
    ):
        check_text(errors, name, getattr(data, name), max_len=300)
    if errors:
        raise ValidationFailed(errors)
    try:
        soort = BetrokkeneType(data.type)
    except ValueError:
        allowed = ", ".join(t.value for t in BetrokkeneType)
        raise ValidationFailed({"type": [f"Kies een van: {allowed}."]}) from None
    if soort is BetrokkeneType.natuurlijk_persoon:
        if data.bsn and not is_valid_bsn(data.bsn):
            errors["bsn"] = ["Dit is geen geldig BSN (9 cijfers die de elfproef doorstaan)."]
        if not data.bsn and not data.geslachtsnaam.strip():
            errors["geslachtsnaam"] = ["Geef een BSN of ten minste een achternaam."]
        if data.geboortedatum and data.geboortedatum > date.today():
            errors["geboortedatum"] = ["De geboortedatum kan niet in de toekomst liggen."]
    elif soort is BetrokkeneType.niet_natuurlijk_persoon:
        if data.kvk_nummer and not is_valid_kvk(data.kvk_nummer):
            errors["kvk_nummer"] = ["Een KvK-nummer bestaat uit 8 cijfers."]
        if data.rsin and not is_valid_rsin(data.rsin):
            errors["rsin"] = ["Dit is geen geldig RSIN (9 cijfers, elfproef)."]
        if not (data.naam.strip() or data.kvk_nummer or data.rsin):
            errors["naam"] = ["Geef een naam, KvK-nummer of RSIN."]
    elif not data.naam.strip() and not data.identificatie.strip():
        errors["naam"] = ["Geef een naam of identificatie."]
    if errors:
        raise ValidationFailed(errors)


def find_or_create_betrokkene(session: Session, data: BetrokkeneGegevens) -> Betrokkene:
    """The same BSN (or KvK/RSIN) is always the same betrokkene across all zaken."""
    _validate_betrokkene(data)
    existing = None
    if data.type == BetrokkeneType.natuurlijk_persoon and data.bsn:
        existing = session.scalar(select(Betrokkene).where(Betrokkene.bsn == data.bsn))
    elif data.type == BetrokkeneType.niet_natuurlijk_persoon and (data.kvk_nummer or data.rsin):
        key = (
            Betrokkene.kvk_nummer == data.kvk_nummer
            if data.kvk_nummer
            else Betrokkene.rsin == data.rsin
        )
        existing = session.scalar(
            select(Betrokkene).where(Betrokkene.type == data.type, key).limit(1)
        )
    if existing is not None:
        return existing
    betrokkene = Betrokkene(
        type=data.type,
        bsn=data.bsn or None,
        kvk_nummer=data.kvk_nummer or None,
        rsin=data.rsin or None,
        identificatie=data.identificatie.strip() or None,
        voornamen=data.voornamen.strip(),
        voorvoegsel=data.voorvoegsel.strip(),
        geslachtsnaam=data.geslachtsnaam.strip(),
        geboortedatum=data.geboortedatum,
        naam=data.naam.strip(),
    )
    session.add(betrokkene)
    session.flush()
    return betrokkene


def _rol_keuze(
    session: Session, zaak: Zaak, rol: str | None, roltype_id: int | None
) -> tuple[str, RolType | None]:
    """The generic role and, when chosen, the zaaktype's own roltype it comes from."""
    if roltype_id is not None:
        # roltype.id is a 32-bit integer: a larger number is simply absent, not a DB error
        roltype = session.get(RolType, roltype_id) if 0 < roltype_id < 2**31 else None
        if roltype is None or roltype.zaaktype_id != zaak.zaaktype_id:
            namen = ", ".join(r.omschrijving for r in zaak.zaaktype.roltypen) or "geen"
            raise ValidationFailed(
                {
                    "roltype": [
                        f"Deze rol hoort niet bij zaaktype '{zaak.zaaktype.omschrijving}'. "
                        f"Kies een van: {namen}."
                    ]
                }
            )
        if rol and rol != roltype.omschrijving_generiek:
            raise ValidationFailed(
                {
                    "rol": [
                        f"Rol '{roltype.omschrijving}' is een {roltype.omschrijving_generiek}, "
                        f"geen {rol}. Laat de generieke rol leeg of kies die van het roltype."
                    ]
                }
            )
        return roltype.omschrijving_generiek, roltype
    try:
        return RolOmschrijving(rol or "").value, None
    except ValueError:
        allowed = ", ".join(r.value for r in RolOmschrijving)
        message = f"Kies een van: {allowed}, of een rol van het zaaktype."
        raise ValidationFailed({"rol": [message]}) from None


def add_betrokkene(
    session: Session,
    actor: User,
    zaak: Zaak,
    data: BetrokkeneGegevens,
    *,
    rol: str | None = None,
    roltype_id: int | None = None,
    toelichting: str = "",
) -> Rol:
    """Link a betrokkene to the zaak in one of its zaaktype's roltypen (``roltype_id``), or
    only in a generic role (``rol``, kept for callers that know no roltypen)."""
    if not access.can_change_zaak(actor, zaak):
        raise Forbidden("U mag deze zaak niet wijzigen.")
    _require_open(zaak)
    _check_toelichting(toelichting)
    generiek, roltype = _rol_keuze(session, zaak, rol, roltype_id)
    betrokkene = find_or_create_betrokkene(session, data)
    duplicate = session.scalar(
        select(Rol.id).where(
            Rol.zaak_id == zaak.id,
            Rol.betrokkene_id == betrokkene.id,
            Rol.roltype_id == roltype.id
            if roltype is not None
            else (Rol.roltype_id.is_(None) & (Rol.omschrijving == generiek)),
        )
    )
    if duplicate is not None:
        field = "roltype" if roltype is not None else "rol"
        raise Conflict("Deze betrokkene heeft deze rol al in de zaak.", field=field)
    link = Rol(
        betrokkene=betrokkene,
        omschrijving=generiek,
        roltype=roltype,
        toelichting=(toelichting or "").strip(),
    )
    zaak.rollen.append(link)
    session.flush()
    # ids only: the audit trail must not become a second register of personal data
    na = {"betrokkene_id": betrokkene.id, "rol": generiek}
    if roltype is not None:
        na |= {"roltype_id": roltype.id, "roltype": roltype.omschrijving}
    audit.record(
        session,
        actor,
        "zaak.betrokkene_toegevoegd",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        na=na,
    )
    _outbox(session, "zaak", zaak.id)
    follow_for_role(session, zaak, link)
    emit(
        session,
        notificatiesoorten.ZAAK_BETROKKENE_TOEGEVOEGD,
        actor,
        zaak=zaak,
        betrokkene=betrokkene,
        # a second role of the same person is no new zaak about them for their followers
        gegevens={
            "rol": generiek,
            "eerste_rol": not any(
                r.betrokkene_id == betrokkene.id for r in zaak.rollen if r is not link
            ),
        },
    )
    return link


def audit_trail(session: Session, user: User, zaak: Zaak) -> list:
    from archive.audit import AuditEvent
    from archive.models import Document, ZaakDocument

    if not access.can_view_zaak(user, zaak):
        raise NotFound(f"Zaak '{zaak.identificatie}' bestaat niet.")
    events = list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.zaak_id == zaak.id)
            .options(selectinload(AuditEvent.user))
            .order_by(AuditEvent.id)
        )
    )
    # A document above the viewer's clearance must look absent here too: its events
    # (filed, new version, linked) would betray that it exists.
    doc_ids = {e.object_id for e in events if e.object_type == "document"}
    if not doc_ids:
        return events
    zichtbaar = {
        d.identificatie
        for d in session.scalars(
            select(Document)
            .where(Document.identificatie.in_(doc_ids))
            .options(selectinload(Document.zaak_links).selectinload(ZaakDocument.zaak))
        )
        if access.can_view_document(user, d)
    }
    return [e for e in events if e.object_type != "document" or e.object_id in zichtbaar]


__all__ = [
    "BetrokkeneGegevens",
    "DomainError",
    "Page",
    "ZaakFilter",
    "add_betrokkene",
    "audit_trail",
    "close_zaak",
    "count_zaken",
    "get_zaak",
    "get_zaak_for_change",
    "list_zaken",
    "open_zaak",
    "set_status",
]
