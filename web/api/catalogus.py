"""Catalogue API: zaaktypen with their versions and parts, document types, the selectielijst.

Thin adapters, as in web.api.resources: look up what the path names, call the service in
zaaktypen.services (which holds every rule and refuses non-beheerders), shape the answer.
Reads are open to every authenticated user; writes need the role beheerder.
"""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask.views import MethodView
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from archive.errors import NotFound, ValidationFailed
from web.api import catalogus_schemas as cs
from web.api.auth import api_user, authenticate_request
from web.api.common import (
    PAGING_HEADERS_DOC,
    checked_number,
    checked_text,
    paging_headers,
    problems,
    writes_need_beheerder,
)
from web.api.core import Blueprint
from web.app import db_session
from zaaktypen import selectielijst
from zaaktypen import services as catalogus
from zaaktypen.models import Afdeling, InformatieObjectType, ZaakType

catalogus_blp = Blueprint(
    "catalogus",
    __name__,
    url_prefix="/api/v1",
    description="Zaaktypen met versies en onderdelen, documenttypen en de selectielijst. "
    "Lezen mag iedereen met een token; wijzigen alleen een beheerder.",
)
catalogus_blp.before_request(authenticate_request)
catalogus_blp.before_request(writes_need_beheerder)

VERSIE = "/zaaktypen/<identificatie>/versies/<int:versie>"
DELEN = ("statustypen", "resultaattypen", "roltypen", "eigenschappen", "informatieobjecttypen")


# --- lookups ----------------------------------------------------------------------------------


def _versions(session: Session, identificatie: str) -> list[ZaakType]:
    checked_text(identificatie, "Zaaktype")
    versions = list(
        session.scalars(
            select(ZaakType)
            .where(ZaakType.identificatie == identificatie)
            .options(selectinload(ZaakType.afdeling))
            .order_by(ZaakType.versie)
        )
    )
    if not versions:
        raise NotFound(f"Zaaktype '{identificatie}' bestaat niet.")
    return versions


def _version(identificatie: str, versie: int) -> ZaakType:
    checked_text(identificatie, "Zaaktype")
    checked_number(versie, f"Versie van zaaktype '{identificatie}'")
    found = db_session().scalar(
        select(ZaakType).where(ZaakType.identificatie == identificatie, ZaakType.versie == versie)
    )
    if found is None:
        raise NotFound(f"Zaaktype '{identificatie}' versie {versie} bestaat niet.")
    return found


def _afdeling_field(session: Session, code: str) -> Afdeling:
    """A department named in a request body: unknown is a field error (422)."""
    found = session.scalar(select(Afdeling).where(Afdeling.code == code.strip().upper()))
    if found is None:
        raise ValidationFailed(
            {"afdeling": [f"Afdeling '{code}' bestaat niet. Zie /api/v1/afdelingen."]}
        )
    return found


def _informatieobjecttype_field(session: Session, ref: int | str) -> InformatieObjectType:
    try:
        return catalogus.get_informatieobjecttype(session, ref)
    except NotFound:
        message = f"Documenttype '{ref}' bestaat niet. Zie /api/v1/informatieobjecttypen."
        raise ValidationFailed({"informatieobjecttype": [message]}) from None


def _version_location(zaaktype: ZaakType) -> dict[str, str]:
    url = url_for(
        "catalogus.ZaakTypeVersie",
        identificatie=zaaktype.identificatie,
        versie=zaaktype.versie,
        _external=True,
    )
    return {"Location": url}


def _text(value: str | None) -> str:
    return value or ""


# --- zaaktypen --------------------------------------------------------------------------------


@catalogus_blp.route("/zaaktypen")
class ZaakTypen(MethodView):
    @catalogus_blp.arguments(cs.ZaakTypeFilterSchema, location="query", as_kwargs=False)
    @catalogus_blp.response(200, cs.ZaakTypeSchema(many=True), headers=PAGING_HEADERS_DOC)
    @problems(catalogus_blp)
    def get(self, args: dict):
        """Alle versies van alle zaaktypen met hun statussen en resultaten, per pagina.

        Het antwoord is een lijst; het totaal staat in ``X-Total-Count`` en de volgende en
        vorige pagina in de ``Link``-header.
        """
        session = db_session()
        conditions = []
        if args.get("identificatie"):
            conditions.append(ZaakType.identificatie == args["identificatie"])
        if args.get("status"):
            conditions.append(ZaakType.concept.is_(args["status"] == "concept"))
        if args.get("afdeling"):
            code = args["afdeling"].strip().upper()
            conditions.append(
                ZaakType.afdeling_id.in_(select(Afdeling.id).where(Afdeling.code == code))
            )
        page, per_page = args["page"], args["page_size"]
        total = session.scalar(select(func.count()).select_from(ZaakType).where(*conditions))
        items = list(
            session.scalars(
                select(ZaakType)
                .where(*conditions)
                .options(
                    selectinload(ZaakType.afdeling),
                    selectinload(ZaakType.statustypen),
                    selectinload(ZaakType.resultaattypen),
                )
                .order_by(ZaakType.omschrijving, ZaakType.identificatie, ZaakType.versie)
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
        )
        return items, 200, paging_headers(total or 0, page, per_page)

    @catalogus_blp.arguments(cs.ZaakTypeInvoerSchema)
    @catalogus_blp.response(201, cs.ZaakTypeVersieSchema)
    @problems(catalogus_blp, 403, 409)
    def post(self, data: dict):
        """Maak een nieuw zaaktype aan: versie 1, als concept (alleen beheerder)."""
        session = db_session()
        afdeling = _afdeling_field(session, data["afdeling"]) if data.get("afdeling") else None
        gegevens = catalogus.ZaakTypeGegevens(
            identificatie=data["identificatie"],
            omschrijving=data["omschrijving"],
            vertrouwelijkheidaanduiding=data["vertrouwelijkheidaanduiding"],
            doel=_text(data.get("doel")),
            aanleiding=_text(data.get("aanleiding")),
            toelichting=_text(data.get("toelichting")),
            doorlooptijd=data.get("doorlooptijd"),
            servicenorm=data.get("servicenorm"),
            trefwoorden=list(data.get("trefwoorden") or []),
            referentieproces=_text(data.get("referentieproces")),
            selectielijst_procestype=data.get("selectielijst_procestype"),
        )
        zaaktype = catalogus.create_concept(session, api_user(), gegevens, afdeling=afdeling)
        return zaaktype, 201, _version_location(zaaktype)


@catalogus_blp.route("/zaaktypen/<identificatie>")
class ZaakTypeDetail(MethodView):
    @catalogus_blp.response(200, cs.ZaakTypeOverzichtSchema)
    @problems(catalogus_blp, 404)
    def get(self, identificatie: str):
        """Een zaaktype met al zijn versies (samenvatting) en de versie die vandaag geldt."""
        session = db_session()
        versions = _versions(session, identificatie)
        latest = versions[-1]
        geldig = catalogus.version_valid_on(session, identificatie, date.today())
        return {
            "identificatie": latest.identificatie,
            "omschrijving": latest.omschrijving,
            "afdeling": latest.afdeling.code if latest.afdeling else None,
            "geldige_versie": geldig.versie if geldig else None,
            "versies": versions,
        }


@catalogus_blp.route("/zaaktypen/<identificatie>/versies")
class ZaakTypeVersies(MethodView):
    @catalogus_blp.response(201, cs.ZaakTypeVersieSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def post(self, identificatie: str):
        """Nieuwe versie: een concept-kopie van de nieuwste versie met al haar onderdelen."""
        session = db_session()
        _versions(session, identificatie)
        zaaktype = catalogus.new_version(session, api_user(), identificatie)
        return zaaktype, 201, _version_location(zaaktype)


@catalogus_blp.route(VERSIE)
class ZaakTypeVersie(MethodView):
    @catalogus_blp.response(200, cs.ZaakTypeVersieSchema)
    @problems(catalogus_blp, 404)
    def get(self, identificatie: str, versie: int):
        """Eén versie met alle onderdelen; bij een concept ook wat publiceren nog tegenhoudt."""
        return _version(identificatie, versie)

    @catalogus_blp.arguments(cs.ZaakTypeWijzigSchema)
    @catalogus_blp.response(200, cs.ZaakTypeVersieSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def patch(self, data: dict, identificatie: str, versie: int):
        """Wijzig een concept (alleen de meegestuurde velden); gepubliceerd geeft 409."""
        zaaktype = _version(identificatie, versie)
        gegevens = catalogus.ZaakTypeGegevens(
            identificatie=zaaktype.identificatie,
            omschrijving=zaaktype.omschrijving,
            vertrouwelijkheidaanduiding=zaaktype.vertrouwelijkheidaanduiding,
            doel=zaaktype.doel,
            aanleiding=zaaktype.aanleiding,
            toelichting=zaaktype.toelichting,
            doorlooptijd=zaaktype.doorlooptijd,
            servicenorm=zaaktype.servicenorm,
            trefwoorden=list(zaaktype.trefwoorden or []),
            referentieproces=zaaktype.referentieproces,
            selectielijst_procestype=zaaktype.selectielijst_procestype,
        )
        for name, value in data.items():
            if name in ("doel", "aanleiding", "toelichting", "referentieproces"):
                value = _text(value)
            elif name == "trefwoorden":
                value = list(value or [])
            setattr(gegevens, name, value)
        return catalogus.update_concept(db_session(), api_user(), zaaktype, gegevens)


@catalogus_blp.route(f"{VERSIE}/publiceren")
class ZaakTypePubliceren(MethodView):
    @catalogus_blp.arguments(cs.PublicerenInvoerSchema, required=False)
    @catalogus_blp.response(200, cs.ZaakTypeVersieSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str, versie: int):
        """Publiceer een concept; 422 noemt in ``errors.publiceren`` wat er nog ontbreekt."""
        zaaktype = _version(identificatie, versie)
        return catalogus.publish(
            db_session(),
            api_user(),
            zaaktype,
            datum_begin_geldigheid=data.get("datum_begin_geldigheid"),
        )


@catalogus_blp.route(f"{VERSIE}/einde-geldigheid")
class ZaakTypeEindeGeldigheid(MethodView):
    @catalogus_blp.arguments(cs.EindeGeldigheidInvoerSchema)
    @catalogus_blp.response(200, cs.ZaakTypeVersieSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str, versie: int):
        """Zet (of wis) het einde van de geldigheid van een gepubliceerde versie."""
        zaaktype = _version(identificatie, versie)
        return catalogus.end_validity(
            db_session(), api_user(), zaaktype, data["datum_einde_geldigheid"]
        )


# --- parts of a version -----------------------------------------------------------------------


@catalogus_blp.route(f"{VERSIE}/statustypen")
class ZaakTypeStatusTypen(MethodView):
    @catalogus_blp.arguments(cs.StatusTypeInvoerSchema)
    @catalogus_blp.response(201, cs.StatusTypeSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str, versie: int):
        """Voeg een status toe (achteraan: de laatste is de eindstatus)."""
        zaaktype = _version(identificatie, versie)
        statustype = catalogus.add_statustype(
            db_session(),
            api_user(),
            zaaktype,
            omschrijving=data["omschrijving"],
            doorlooptijd=data.get("doorlooptijd"),
            informeren=data["informeren"],
        )
        return statustype, 201, _version_location(zaaktype)


@catalogus_blp.route(f"{VERSIE}/resultaattypen")
class ZaakTypeResultaatTypen(MethodView):
    @catalogus_blp.arguments(cs.ResultaatTypeInvoerSchema)
    @catalogus_blp.response(201, cs.ResultaatTypeSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str, versie: int):
        """Voeg een resultaat toe; archiefnominatie en -termijn komen zo nodig uit de
        selectielijstklasse."""
        zaaktype = _version(identificatie, versie)
        gegevens = catalogus.ResultaatTypeGegevens(
            omschrijving=data["omschrijving"],
            selectielijstklasse=data.get("selectielijstklasse") or None,
            archiefnominatie=data.get("archiefnominatie") or None,
            archiefactietermijn=data.get("archiefactietermijn") or None,
            afleidingswijze=data["afleidingswijze"],
            procestermijn=data.get("procestermijn") or None,
            datumkenmerk=_text(data.get("datumkenmerk")),
            toelichting=_text(data.get("toelichting")),
        )
        resultaattype = catalogus.add_resultaattype(db_session(), api_user(), zaaktype, gegevens)
        return resultaattype, 201, _version_location(zaaktype)


@catalogus_blp.route(f"{VERSIE}/roltypen")
class ZaakTypeRolTypen(MethodView):
    @catalogus_blp.arguments(cs.RolTypeInvoerSchema)
    @catalogus_blp.response(201, cs.RolTypeSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str, versie: int):
        """Voeg een rol toe, met de generieke rol (initiator, behandelaar, …)."""
        zaaktype = _version(identificatie, versie)
        roltype = catalogus.add_roltype(
            db_session(),
            api_user(),
            zaaktype,
            omschrijving=data["omschrijving"],
            omschrijving_generiek=data["omschrijving_generiek"],
        )
        return roltype, 201, _version_location(zaaktype)


@catalogus_blp.route(f"{VERSIE}/eigenschappen")
class ZaakTypeEigenschappen(MethodView):
    @catalogus_blp.arguments(cs.EigenschapInvoerSchema)
    @catalogus_blp.response(201, cs.EigenschapSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str, versie: int):
        """Voeg een eigenschap toe (een eigen veld op zaken van dit type)."""
        zaaktype = _version(identificatie, versie)
        gegevens = catalogus.EigenschapGegevens(
            naam=data["naam"],
            formaat=data["formaat"],
            definitie=_text(data.get("definitie")),
            lengte=data.get("lengte"),
            waardenverzameling=list(data.get("waardenverzameling") or []),
            verplicht=data["verplicht"],
            agenda_weekdag=data.get("agenda_weekdag"),
            agenda_capaciteit=data.get("agenda_capaciteit"),
            agenda_sluiting_dagen=data.get("agenda_sluiting_dagen"),
        )
        eigenschap = catalogus.add_eigenschap(db_session(), api_user(), zaaktype, gegevens)
        return eigenschap, 201, _version_location(zaaktype)


@catalogus_blp.route(f"{VERSIE}/informatieobjecttypen")
class ZaakTypeInformatieObjectTypen(MethodView):
    @catalogus_blp.arguments(cs.ZaakTypeInformatieObjectTypeInvoerSchema)
    @catalogus_blp.response(201, cs.ZaakTypeInformatieObjectTypeSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str, versie: int):
        """Koppel een documenttype met een richting (inkomend, uitgaand, intern)."""
        session = db_session()
        zaaktype = _version(identificatie, versie)
        iot = _informatieobjecttype_field(session, data["informatieobjecttype"])
        link = catalogus.link_informatieobjecttype(
            session, api_user(), zaaktype, iot, richting=data["richting"]
        )
        return link, 201, _version_location(zaaktype)


@catalogus_blp.route(f"{VERSIE}/<any({', '.join(DELEN)}):deel>/<int:deel_id>")
class ZaakTypeDeel(MethodView):
    @catalogus_blp.response(204)
    @problems(catalogus_blp, 403, 404, 409)
    def delete(self, identificatie: str, versie: int, deel: str, deel_id: int):
        """Verwijder een onderdeel van een concept (statussen worden hernummerd)."""
        zaaktype = _version(identificatie, versie)
        part = next((p for p in getattr(zaaktype, deel) if p.id == deel_id), None)
        if part is None:
            raise NotFound(f"Onderdeel {deel}/{deel_id} hoort niet bij deze versie.")
        catalogus.remove_part(db_session(), api_user(), zaaktype, part)
        return None


# --- informatieobjecttypen --------------------------------------------------------------------


@catalogus_blp.route("/informatieobjecttypen")
class InformatieObjectTypen(MethodView):
    @catalogus_blp.response(200, cs.InformatieObjectTypeSchema(many=True))
    @problems(catalogus_blp)
    def get(self):
        """Alle documenttypen."""
        return catalogus.list_informatieobjecttypen(db_session())

    @catalogus_blp.arguments(cs.InformatieObjectTypeInvoerSchema)
    @catalogus_blp.response(201, cs.InformatieObjectTypeSchema)
    @problems(catalogus_blp, 403, 409)
    def post(self, data: dict):
        """Maak een documenttype aan (alleen beheerder)."""
        iot = catalogus.create_informatieobjecttype(
            db_session(),
            api_user(),
            omschrijving=data["omschrijving"],
            vertrouwelijkheidaanduiding=data["vertrouwelijkheidaanduiding"],
            categorie=data["categorie"],
            toegestane_formaten=list(data["toegestane_formaten"]),
        )
        url = url_for("catalogus.InformatieObjectTypeDetail", iot_id=iot.id, _external=True)
        return iot, 201, {"Location": url}


@catalogus_blp.route("/informatieobjecttypen/<int:iot_id>")
class InformatieObjectTypeDetail(MethodView):
    @catalogus_blp.response(200, cs.InformatieObjectTypeSchema)
    @problems(catalogus_blp, 404)
    def get(self, iot_id: int):
        """Eén documenttype."""
        checked_number(iot_id, "Documenttype")
        return catalogus.get_informatieobjecttype(db_session(), iot_id)

    @catalogus_blp.arguments(cs.InformatieObjectTypeWijzigSchema)
    @catalogus_blp.response(200, cs.InformatieObjectTypeSchema)
    @problems(catalogus_blp, 403, 404, 409)
    def patch(self, data: dict, iot_id: int):
        """Wijzig een documenttype (alleen de meegestuurde velden; alleen beheerder).

        Geldt voor wat vanaf nu wordt gearchiveerd, nieuwe versies inbegrepen; documenten
        die er al zijn houden hun eigen vertrouwelijkheidaanduiding."""
        checked_number(iot_id, "Documenttype")
        session = db_session()
        iot = catalogus.get_informatieobjecttype(session, iot_id)
        return catalogus.update_informatieobjecttype(
            session,
            api_user(),
            iot,
            omschrijving=data.get("omschrijving", iot.omschrijving),
            categorie=_text(data.get("categorie", iot.categorie)),
            vertrouwelijkheidaanduiding=data.get(
                "vertrouwelijkheidaanduiding", iot.vertrouwelijkheidaanduiding
            ),
            toegestane_formaten=list(
                data.get("toegestane_formaten", iot.toegestane_formaten) or []
            ),
        )


# --- selectielijst ----------------------------------------------------------------------------


@catalogus_blp.route("/selectielijst")
class Selectielijst(MethodView):
    @catalogus_blp.arguments(cs.SelectielijstQuerySchema, location="query", as_kwargs=False)
    @catalogus_blp.response(200, cs.SelectielijstResultaatSchema(many=True))
    @problems(catalogus_blp)
    def get(self, args: dict):
        """Zoek resultaten in de selectielijst 2020 op nummer(begin) of op woorden (max. 50)."""
        return selectielijst.search(args["q"])


@catalogus_blp.route("/selectielijst/<nummer>")
class SelectielijstResultaat(MethodView):
    @catalogus_blp.response(200, cs.SelectielijstResultaatSchema)
    @problems(catalogus_blp, 404)
    def get(self, nummer: str):
        """Eén resultaat uit de selectielijst 2020, bijvoorbeeld 11.1.2."""
        checked_text(nummer, "Selectielijstresultaat", max_len=20)
        found = selectielijst.resultaat(nummer)
        if found is None:
            raise NotFound(
                f"Resultaat {nummer} staat niet in de selectielijst {selectielijst.VERSIE}."
            )
        return found
