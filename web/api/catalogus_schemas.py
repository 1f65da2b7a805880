"""Schemas of the catalogue, department and selectielijst API.

As in web.api.schemas: input schemas check form only (types, enums, lengths and integer
ranges the database would otherwise refuse); the rules — durations, selectielijst classes,
consistency, validity, department lifecycle — live in the services and come back as 422.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from archive.enums import Archiefnominatie, Richting, Rol, Vertrouwelijkheid
from web.api.schemas import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    Datum,
    Geheel,
    InvoerSchema,
    JaNee,
    NummerOfOmschrijving,
    Tekst,
    _url,
    max_length,
    one_of,
)
from zaaktypen.afdelingen import LIDROLLEN
from zaaktypen.services import AFLEIDINGSWIJZEN, EIGENSCHAP_FORMATEN

MAX_INT = 2**31 - 1
STATUS_KEUZES = ("concept", "gepubliceerd")
RAPPORT_FORMATEN = ("csv", "pdf")


def keuze(values) -> validate.OneOf:
    return validate.OneOf(list(values), error="Kies een van: {choices}.")


class Getal(Geheel):
    """An integer the database can store (32 bits)."""

    def _validated(self, value):
        number = super()._validated(value)
        if number is not None and not -MAX_INT <= number <= MAX_INT:
            raise self.make_error("too_large")
        return number


class Lijst(fields.List):
    default_error_messages = {
        "required": "Dit veld is verplicht.",
        "null": "Dit veld mag niet leeg (null) zijn.",
        "invalid": "Geef een lijst.",
    }


def _tekst(n: int, **kwargs) -> Tekst:
    return Tekst(validate=max_length(n), **kwargs)


def _duur(**kwargs) -> Tekst:
    kwargs.setdefault("metadata", {})
    kwargs["metadata"].setdefault("description", "ISO 8601-duur, bijvoorbeeld P6W of P1Y.")
    return Tekst(allow_none=True, validate=max_length(40), **kwargs)


# --- zaaktypen: input -----------------------------------------------------------------------


class ZaakTypeFilterSchema(InvoerSchema):
    page = Geheel(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE, error="Kies een pagina van 1 tot {max}."),
        metadata={"description": "Paginanummer, vanaf 1."},
    )
    page_size = Geheel(
        load_default=100,
        validate=validate.Range(
            min=1, max=MAX_PAGE_SIZE, error="Kies een paginagrootte van 1 tot {max}."
        ),
        metadata={"description": "Aantal versies per pagina (standaard 100, maximaal 200)."},
    )
    identificatie = _tekst(80, metadata={"description": "Alleen de versies van dit zaaktype."})
    status = Tekst(
        validate=keuze(STATUS_KEUZES), metadata={"description": "concept of gepubliceerd."}
    )
    afdeling = _tekst(
        40, metadata={"description": "Alleen de eigen zaaktypen van deze afdeling (code)."}
    )


class ZaakTypeWijzigSchema(InvoerSchema):
    """PATCH of a concept: only the fields sent change."""

    omschrijving = Tekst(validate=validate.Length(min=1, max=200, error="Geef 1 tot {max} tekens."))
    vertrouwelijkheidaanduiding = Tekst(
        validate=one_of(Vertrouwelijkheid),
        metadata={"description": "Standaard vertrouwelijkheid van zaken van dit type."},
    )
    doel = Tekst(allow_none=True)
    aanleiding = Tekst(allow_none=True)
    toelichting = Tekst(allow_none=True)
    doorlooptijd = _duur()
    servicenorm = _duur(metadata={"description": "ISO 8601-duur, niet langer dan de doorlooptijd."})
    trefwoorden = Lijst(
        _tekst(100), allow_none=True, validate=validate.Length(max=50, error="Maximaal {max}.")
    )
    referentieproces = _tekst(200, allow_none=True)
    selectielijst_procestype = Getal(
        allow_none=True, metadata={"description": "Nummer van het procestype (selectielijst 2020)."}
    )


class ZaakTypeInvoerSchema(ZaakTypeWijzigSchema):
    """A new zaaktype: its first version, as concept."""

    identificatie = Tekst(
        required=True,
        validate=[
            validate.Length(min=1, max=80, error="Geef 1 tot {max} tekens, zonder spaties."),
            # the identificatie is a path segment of every zaaktype URL
            validate.Regexp(
                r"^[^/]*$", error="Een identificatie bevat geen '/'; gebruik bijvoorbeeld '-'."
            ),
        ],
        metadata={"description": "Unieke code, bijvoorbeeld 'MELDING-OVERLAST'."},
    )
    omschrijving = Tekst(
        required=True, validate=validate.Length(min=1, max=200, error="Geef 1 tot {max} tekens.")
    )
    vertrouwelijkheidaanduiding = Tekst(required=True, validate=one_of(Vertrouwelijkheid))
    afdeling = _tekst(
        40,
        allow_none=True,
        metadata={
            "description": "Code van de afdeling die het zaaktype als eigen type krijgt; "
            "leeg voor een generiek zaaktype."
        },
    )


class StatusTypeInvoerSchema(InvoerSchema):
    omschrijving = Tekst(
        required=True, validate=validate.Length(min=1, max=200, error="Geef 1 tot {max} tekens.")
    )
    doorlooptijd = _duur()
    informeren = JaNee(load_default=False, metadata={"description": "Initiator informeren."})


class ResultaatTypeInvoerSchema(InvoerSchema):
    omschrijving = Tekst(
        required=True, validate=validate.Length(min=1, max=200, error="Geef 1 tot {max} tekens.")
    )
    toelichting = Tekst(allow_none=True)
    selectielijstklasse = _tekst(
        20,
        allow_none=True,
        metadata={"description": "Resultaatnummer uit de selectielijst 2020, bijvoorbeeld 11.1."},
    )
    archiefnominatie = Tekst(
        allow_none=True,
        validate=one_of(Archiefnominatie),
        metadata={"description": "Standaard die van de selectielijstklasse."},
    )
    archiefactietermijn = _duur(metadata={"description": "Standaard die van de klasse."})
    afleidingswijze = Tekst(
        load_default="afgehandeld",
        validate=keuze(AFLEIDINGSWIJZEN),
        metadata={"description": "Brondatum-afleidingswijze."},
    )
    procestermijn = _duur(metadata={"description": "Alleen bij afleidingswijze 'termijn'."})
    datumkenmerk = _tekst(80, allow_none=True)


class RolTypeInvoerSchema(InvoerSchema):
    omschrijving = Tekst(
        required=True, validate=validate.Length(min=1, max=200, error="Geef 1 tot {max} tekens.")
    )
    omschrijving_generiek = Tekst(required=True, validate=one_of(Rol))


class EigenschapInvoerSchema(InvoerSchema):
    naam = Tekst(
        required=True, validate=validate.Length(min=1, max=80, error="Geef 1 tot {max} tekens.")
    )
    definitie = Tekst(allow_none=True)
    formaat = Tekst(load_default="tekst", validate=keuze(EIGENSCHAP_FORMATEN))
    lengte = Getal(allow_none=True, metadata={"description": "Maximaal aantal tekens."})
    waardenverzameling = Lijst(
        _tekst(200),
        allow_none=True,
        validate=validate.Length(max=200, error="Maximaal {max} waarden."),
        metadata={"description": "De keuzes bij formaat 'keuze'."},
    )
    verplicht = JaNee(load_default=False)
    agenda_weekdag = Getal(
        allow_none=True, metadata={"description": "Agendadatum: weekdag 0 (maandag) t/m 6."}
    )
    agenda_capaciteit = Getal(
        allow_none=True, metadata={"description": "Agendadatum: zaken per datum."}
    )
    agenda_sluiting_dagen = Getal(
        allow_none=True,
        metadata={"description": "Agendadatum: zoveel dagen vooraf sluit de agenda."},
    )


class ZaakTypeInformatieObjectTypeInvoerSchema(InvoerSchema):
    informatieobjecttype = NummerOfOmschrijving(
        required=True, metadata={"description": "Omschrijving of id van het documenttype."}
    )
    richting = Tekst(required=True, validate=one_of(Richting))


class PublicerenInvoerSchema(InvoerSchema):
    datum_begin_geldigheid = Datum(
        allow_none=True, metadata={"description": "Standaard vandaag (of de al gezette datum)."}
    )


class EindeGeldigheidInvoerSchema(InvoerSchema):
    datum_einde_geldigheid = Datum(
        required=True,
        allow_none=True,
        metadata={"description": "Laatste geldige dag; null maakt de geldigheid weer open."},
    )


class InformatieObjectTypeInvoerSchema(InvoerSchema):
    omschrijving = Tekst(
        required=True, validate=validate.Length(min=1, max=200, error="Geef 1 tot {max} tekens.")
    )
    categorie = _tekst(80, load_default="")
    vertrouwelijkheidaanduiding = Tekst(required=True, validate=one_of(Vertrouwelijkheid))
    toegestane_formaten = Lijst(
        _tekst(120),
        load_default=list,
        validate=validate.Length(max=50, error="Maximaal {max} formaten."),
        metadata={"description": "MIME-types; leeg is de hele toegestane lijst van het archief."},
    )


class InformatieObjectTypeWijzigSchema(InvoerSchema):
    """PATCH of a document type: only the fields sent change."""

    omschrijving = Tekst(validate=validate.Length(min=1, max=200, error="Geef 1 tot {max} tekens."))
    categorie = _tekst(80, allow_none=True)
    vertrouwelijkheidaanduiding = Tekst(
        validate=one_of(Vertrouwelijkheid),
        metadata={"description": "Standaard voor documenten die vanaf nu worden gearchiveerd."},
    )
    toegestane_formaten = Lijst(
        _tekst(120),
        allow_none=True,
        validate=validate.Length(max=50, error="Maximaal {max} formaten."),
        metadata={"description": "MIME-types; leeg is de hele toegestane lijst van het archief."},
    )


# --- zaaktypen: output ----------------------------------------------------------------------


class StatusTypeSchema(ma.Schema):
    id = fields.Integer()
    volgnummer = fields.Integer()
    omschrijving = fields.String()
    doorlooptijd = fields.String(allow_none=True)
    informeren = fields.Boolean()
    toelichting = fields.String()


class ResultaatTypeSchema(ma.Schema):
    id = fields.Integer()
    omschrijving = fields.String()
    toelichting = fields.String()
    selectielijstklasse = fields.String(allow_none=True)
    archiefnominatie = fields.String(allow_none=True)
    archiefactietermijn = fields.String(allow_none=True)
    afleidingswijze = fields.String()
    procestermijn = fields.String(allow_none=True)
    datumkenmerk = fields.String()


class RolTypeSchema(ma.Schema):
    id = fields.Integer()
    omschrijving = fields.String()
    omschrijving_generiek = fields.String()


class EigenschapSchema(ma.Schema):
    id = fields.Integer()
    naam = fields.String()
    definitie = fields.String()
    formaat = fields.String()
    lengte = fields.Integer(allow_none=True)
    waardenverzameling = fields.List(fields.String())
    verplicht = fields.Boolean()
    agenda_weekdag = fields.Integer(allow_none=True)
    agenda_capaciteit = fields.Integer(allow_none=True)
    agenda_sluiting_dagen = fields.Integer(allow_none=True)


class ZaakTypeInformatieObjectTypeSchema(ma.Schema):
    id = fields.Integer()
    informatieobjecttype = fields.String(attribute="informatieobjecttype.omschrijving")
    informatieobjecttype_id = fields.Integer()
    richting = fields.String()
    volgnummer = fields.Integer()


def _status(zaaktype) -> str:
    return "concept" if zaaktype.concept else "gepubliceerd"


def _versie_url(zaaktype) -> str:
    return _url(
        "catalogus.ZaakTypeVersie",
        identificatie=zaaktype.identificatie,
        versie=zaaktype.versie,
    )


def _afdeling_code(zaaktype) -> str | None:
    return zaaktype.afdeling.code if zaaktype.afdeling else None


class ZaakTypeSchema(ma.Schema):
    """One version, with its statuses and results (the list shape)."""

    url = fields.Function(_versie_url)
    identificatie = fields.String()
    versie = fields.Integer()
    status = fields.Function(_status, metadata={"description": "concept of gepubliceerd."})
    concept = fields.Boolean()
    datum_begin_geldigheid = fields.Date(allow_none=True)
    datum_einde_geldigheid = fields.Date(allow_none=True)
    omschrijving = fields.String()
    toelichting = fields.String()
    vertrouwelijkheidaanduiding = fields.String()
    afdeling = fields.Function(
        _afdeling_code,
        metadata={
            "type": "string",
            "nullable": True,
            "description": "Eigen afdeling; null is generiek.",
        },
    )
    statustypen = fields.List(fields.Nested(StatusTypeSchema))
    resultaattypen = fields.List(fields.Nested(ResultaatTypeSchema))


class ZaakTypeVersieSchema(ZaakTypeSchema):
    """One version with all its parts."""

    doel = fields.String()
    aanleiding = fields.String()
    doorlooptijd = fields.String(allow_none=True)
    servicenorm = fields.String(allow_none=True)
    trefwoorden = fields.List(fields.String())
    referentieproces = fields.String()
    selectielijst_procestype = fields.Integer(allow_none=True)
    roltypen = fields.List(fields.Nested(RolTypeSchema))
    eigenschappen = fields.List(fields.Nested(EigenschapSchema))
    informatieobjecttypen = fields.List(fields.Nested(ZaakTypeInformatieObjectTypeSchema))
    publicatieproblemen = fields.Method(
        "_problemen",
        metadata={"description": "Wat publiceren nog tegenhoudt (leeg als het kan)."},
    )

    def _problemen(self, zaaktype) -> list[str]:
        from zaaktypen.services import publication_problems

        return publication_problems(zaaktype) if zaaktype.concept else []


class VersieSamenvattingSchema(ma.Schema):
    url = fields.Function(_versie_url)
    versie = fields.Integer()
    status = fields.Function(_status)
    omschrijving = fields.String()
    datum_begin_geldigheid = fields.Date(allow_none=True)
    datum_einde_geldigheid = fields.Date(allow_none=True)


class ZaakTypeOverzichtSchema(ma.Schema):
    """A zaaktype over all its versions."""

    url = fields.Method("_url")
    identificatie = fields.String()
    omschrijving = fields.String(metadata={"description": "Van de nieuwste versie."})
    afdeling = fields.String(allow_none=True)
    geldige_versie = fields.Integer(
        allow_none=True, metadata={"description": "De versie die vandaag geldt."}
    )
    versies = fields.List(fields.Nested(VersieSamenvattingSchema))

    def _url(self, overzicht) -> str:
        return _url("catalogus.ZaakTypeDetail", identificatie=overzicht["identificatie"])


class InformatieObjectTypeSchema(ma.Schema):
    id = fields.Integer()
    omschrijving = fields.String()
    categorie = fields.String()
    vertrouwelijkheidaanduiding = fields.String()
    toegestane_formaten = fields.List(fields.String())


# --- selectielijst ----------------------------------------------------------------------------


class SelectielijstQuerySchema(InvoerSchema):
    q = _tekst(
        200,
        load_default="",
        metadata={"description": "Een nummer(begin), bijvoorbeeld 11.1, of woorden."},
    )


class SelectielijstResultaatSchema(ma.Schema):
    url = fields.Method("_url")
    nummer = fields.String()
    naam = fields.String()
    omschrijving = fields.String()
    toelichting = fields.String()
    waardering = fields.String(metadata={"description": "vernietigen of blijvend_bewaren."})
    bewaartermijn = fields.String(allow_none=True)
    procestermijn = fields.String(allow_none=True)
    procestype = fields.Integer(attribute="procestype_nummer")
    procestype_naam = fields.String()
    generiek = fields.Boolean()
    label = fields.String()

    def _url(self, resultaat) -> str:
        return _url("catalogus.SelectielijstResultaat", nummer=resultaat.nummer)


# --- afdelingen -------------------------------------------------------------------------------


class LidInvoerSchema(InvoerSchema):
    rol = Tekst(required=True, validate=keuze(LIDROLLEN))
    clearance = Tekst(
        required=True,
        validate=one_of(Vertrouwelijkheid),
        metadata={"description": "Het hoogste vertrouwelijkheidsniveau dat het lid mag zien."},
    )


class NieuwLidSchema(LidInvoerSchema):
    gebruikersnaam = _tekst(80, required=True)


class AfdelingInvoerSchema(InvoerSchema):
    code = Tekst(
        required=True,
        validate=validate.Length(min=1, max=40, error="Geef 1 tot {max} tekens."),
        metadata={"description": "Letters, cijfers, - of _; wordt in hoofdletters bewaard."},
    )
    naam = Tekst(
        required=True, validate=validate.Length(min=1, max=200, error="Geef 1 tot {max} tekens.")
    )
    virtueel = JaNee(
        metadata={"description": "Tijdelijke afdeling; standaard true, of wat het sjabloon zegt."}
    )
    doel = Tekst(allow_none=True)
    startdatum = Datum(allow_none=True)
    geplande_einddatum = Datum(allow_none=True)
    vertrouwelijkheidaanduiding = Tekst(
        allow_none=True,
        validate=one_of(Vertrouwelijkheid),
        metadata={
            "description": "Standaard voor nieuwe zaken (de strengste van afdeling en "
            "zaaktype geldt)."
        },
    )
    retentiebeleid = Tekst(
        allow_none=True,
        validate=keuze(["blijvend_bewaren"]),
        metadata={"description": "Leeg, of blijvend_bewaren (hotspot) met reden en besluit."},
    )
    retentie_reden = Tekst(allow_none=True)
    retentie_besluit = _tekst(200, allow_none=True)
    generieke_zaaktypen = Lijst(
        _tekst(80),
        load_default=list,
        validate=validate.Length(max=100, error="Maximaal {max}."),
        metadata={"description": "Identificaties van generieke zaaktypen voor deze afdeling."},
    )
    leden = Lijst(
        fields.Nested(NieuwLidSchema),
        load_default=list,
        validate=validate.Length(max=200, error="Maximaal {max} leden."),
    )
    sjabloon = _tekst(
        60,
        allow_none=True,
        metadata={
            "description": "Code van een sjabloon (zie /api/v1/sjablonen): de afdeling "
            "krijgt er de zaaktypen van."
        },
    )

    def handle_error(self, error: ma.ValidationError, data, *, many: bool, **kwargs):
        """Name the fields of each lid by path (``leden[0].rol``), as the services do."""
        messages = error.messages
        if not isinstance(messages, dict) or not isinstance(messages.get("leden"), dict):
            return
        flat = {k: v for k, v in messages.items() if k != "leden"}
        for index, item in messages["leden"].items():
            if not isinstance(item, dict):
                flat[f"leden[{index}]"] = item
                continue
            for name, msgs in item.items():
                key = f"leden[{index}]" if name == "_schema" else f"leden[{index}].{name}"
                flat[key] = msgs
        raise ma.ValidationError(flat) from error


class GeneriekZaakTypeInvoerSchema(InvoerSchema):
    identificatie = Tekst(
        required=True,
        validate=validate.Length(min=1, max=80, error="Geef de identificatie van het zaaktype."),
    )


class RapportQuerySchema(InvoerSchema):
    formaat = Tekst(load_default="csv", validate=keuze(RAPPORT_FORMATEN))


def _afdeling_url(afdeling) -> str:
    return _url("afdelingen.AfdelingDetail", code=afdeling.code)


class AfdelingSchema(ma.Schema):
    url = fields.Function(_afdeling_url)
    code = fields.String()
    naam = fields.String()
    virtueel = fields.Boolean()
    status = fields.String(metadata={"description": "actief, sluitend of gesloten."})
    startdatum = fields.Date(allow_none=True)
    geplande_einddatum = fields.Date(allow_none=True)


class LidSchema(ma.Schema):
    gebruikersnaam = fields.String(attribute="user.username")
    naam = fields.String(attribute="user.naam")
    rol = fields.String()
    clearance = fields.String()
    aangemaakt_op = fields.DateTime()


class EigenZaakTypeSchema(ma.Schema):
    url = fields.Function(_versie_url)
    identificatie = fields.String()
    versie = fields.Integer()
    status = fields.Function(_status)
    omschrijving = fields.String()
    datum_begin_geldigheid = fields.Date(allow_none=True)
    datum_einde_geldigheid = fields.Date(allow_none=True)


class AfdelingDetailSchema(AfdelingSchema):
    doel = fields.String()
    vertrouwelijkheidaanduiding = fields.String(allow_none=True)
    retentiebeleid = fields.String(allow_none=True)
    retentie_reden = fields.String()
    retentie_besluit = fields.String()
    sjabloon = fields.String(allow_none=True)
    aangemaakt_op = fields.DateTime()
    gesloten_op = fields.DateTime(allow_none=True)
    leden = fields.List(fields.Nested(LidSchema))
    generieke_zaaktypen = fields.Method("_generiek")
    zaaktypen = fields.List(
        fields.Nested(EigenZaakTypeSchema),
        metadata={"description": "De eigen zaaktypen van de afdeling (alle versies)."},
    )
    rapport = fields.Method("_rapport", metadata={"description": "Sluitingsrapport (gesloten)."})

    def _generiek(self, afdeling) -> list[str]:
        return sorted(k.zaaktype_identificatie for k in afdeling.generieke_zaaktypen)

    def _rapport(self, afdeling) -> str | None:
        if afdeling.status != "gesloten":
            return None
        return _url("afdelingen.AfdelingRapport", code=afdeling.code)


class RapportRegelSchema(ma.Schema):
    identificatie = fields.String()
    zaaktype = fields.String()
    omschrijving = fields.String()
    startdatum = fields.Date()
    einddatum = fields.Date(allow_none=True)
    resultaat = fields.String()
    documenten = fields.Integer()
    archiefnominatie = fields.String()
    archiefactiedatum = fields.Date(allow_none=True)


class SluitingsrapportSchema(ma.Schema):
    afdeling = fields.String()
    naam = fields.String()
    status = fields.String()
    gesloten_op = fields.DateTime(allow_none=True)
    aantal_zaken = fields.Integer()
    aantal_documenten = fields.Integer()
    regels = fields.List(fields.Nested(RapportRegelSchema))
    csv = fields.String()
    pdf = fields.String()


class SjabloonResultaatSchema(ma.Schema):
    omschrijving = fields.Function(lambda r: r[0])
    selectielijstklasse = fields.Function(
        lambda r: r[1], metadata={"type": "string", "nullable": True}
    )


class SjabloonZaakTypeSchema(ma.Schema):
    identificatie = fields.String(
        metadata={
            "description": "Zoals in het sjabloon; eigen zaaktypen krijgen de afdelingscode ervoor."
        }
    )
    omschrijving = fields.String()
    generiek = fields.Boolean()
    statustypen = fields.List(fields.String())
    resultaattypen = fields.List(fields.Nested(SjabloonResultaatSchema))
    eigenschappen = fields.List(fields.String())


class SjabloonSchema(ma.Schema):
    code = fields.String(metadata={"description": "Voor 'sjabloon' in POST /afdelingen."})
    naam = fields.String()
    omschrijving = fields.String()
    toelichting = fields.String()
    virtueel = fields.Boolean()
    doel = fields.String()
    vertrouwelijkheidaanduiding = fields.String(allow_none=True)
    retentiebeleid = fields.String(allow_none=True)
    retentie_reden = fields.String()
    zaaktypen = fields.List(fields.Nested(SjabloonZaakTypeSchema))
    informatieobjecttypen = fields.List(fields.String())
