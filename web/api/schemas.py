"""Marshmallow schemas of the API: input validation with Dutch messages, and output shapes.

Input schemas only check form (types, enums, lengths the database would otherwise refuse);
the rules themselves live in the services, whose ValidationFailed also becomes a 422.
The OpenAPI document is generated from these classes.
"""

from __future__ import annotations

from urllib.parse import quote

import marshmallow as ma
from flask import g, url_for
from flask_smorest.fields import Upload
from marshmallow import fields, validate
from werkzeug.datastructures import FileStorage

from archive.enums import BetrokkeneType, DocumentStatus, Richting, Rol, Vertrouwelijkheid

REQUIRED = "Dit veld is verplicht."
NULL = "Dit veld mag niet leeg (null) zijn."
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200


def _choices(enum) -> list[str]:
    return [member.value for member in enum]


def one_of(enum) -> validate.OneOf:
    return validate.OneOf(_choices(enum), error="Kies een van: {choices}.")


def max_length(n: int) -> validate.Length:
    return validate.Length(max=n, error="Maximaal {max} tekens.")


# --- fields with Dutch messages ---------------------------------------------------------


class Tekst(fields.String):
    """A string the database can store: no NUL byte, valid Unicode (no lone surrogates)."""

    default_error_messages = {
        "required": REQUIRED,
        "null": NULL,
        "invalid": "Geef tekst op.",
        "invalid_utf8": "Geen geldige UTF-8-tekst.",
        "control": "De tekst bevat een ongeldig teken (NUL of een losse surrogaat).",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("control")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("control") from None
        return text


class Datum(fields.Date):
    default_error_messages = {
        "required": REQUIRED,
        "null": NULL,
        "invalid": "Geen geldige datum; gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-31.",
        "format": "Geen geldige datum; gebruik JJJJ-MM-DD.",
    }


class Geheel(fields.Integer):
    default_error_messages = {
        "required": REQUIRED,
        "null": NULL,
        "invalid": "Geef een geheel getal.",
        "too_large": "Dit getal is te groot.",
    }


class JaNee(fields.Boolean):
    default_error_messages = {
        "required": REQUIRED,
        "null": NULL,
        "invalid": "Geef true of false.",
    }


class NummerOfOmschrijving(fields.Field):
    """A catalogue reference: an integer (volgnummer or id) or a text (omschrijving)."""

    default_error_messages = {
        "required": REQUIRED,
        "null": NULL,
        "invalid": "Geef een nummer of een omschrijving.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"].setdefault("oneOf", [{"type": "integer"}, {"type": "string"}])
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> int | str:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int):
            if not 0 < value < 2**31:
                raise self.make_error("invalid")
            return value
        if isinstance(value, str) and value.strip() and "\x00" not in value:
            text = value.strip()
            if text.isdigit() and len(text) < 10:
                return int(text)
            if len(text) <= 200:
                return text
        raise self.make_error("invalid")


class Bestand(Upload):
    default_error_messages = {
        "required": "Kies een bestand om te uploaden (veld 'bestand').",
        "null": NULL,
        "invalid": "Stuur het bestand als multipart/form-data in het veld 'bestand'.",
    }

    def _deserialize(self, value, attr, data, **kwargs) -> FileStorage:
        if not isinstance(value, FileStorage) or not value.filename:
            raise self.make_error("invalid")
        return value


MAX_EIGENSCHAPPEN = 200
MAX_EIGENSCHAP_TEKST = 10_000


class EigenschapWaarden(fields.Field):
    """``{naam: waarde}`` for a zaak's eigenschappen; each value is checked by the schema
    (messages per eigenschap, as ``eigenschappen.<naam>``) and then by the catalogue."""

    default_error_messages = {
        "required": REQUIRED,
        "null": NULL,
        "invalid": "Geef een object met per eigenschap (naam) een waarde.",
        "too_many": f"Maximaal {MAX_EIGENSCHAPPEN} eigenschappen.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"].setdefault("type", "object")
        kwargs["metadata"].setdefault(
            "additionalProperties",
            {"oneOf": [{"type": "string"}, {"type": "number"}], "nullable": True},
        )
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> dict:
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        if len(value) > MAX_EIGENSCHAPPEN:
            raise self.make_error("too_many")
        return dict(value)

    def _serialize(self, value, attr, obj, **kwargs):
        return value


def _is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def eigenschap_errors(values: dict) -> dict[str, list[str]]:
    """Form errors of eigenschap values: scalars only, text the database can store."""
    errors: dict[str, list[str]] = {}
    for naam, waarde in values.items():
        if not naam or len(naam) > 80 or not _is_storable(naam):
            errors.setdefault("eigenschappen", []).append(
                "Een eigenschapnaam is 1 tot 80 tekens, zonder NUL-teken."
            )
            continue
        key = f"eigenschappen.{naam}"
        if isinstance(waarde, bool) or not isinstance(waarde, str | int | float | None):
            errors[key] = ["Geef tekst, een getal of een datum (JJJJ-MM-DD)."]
        elif isinstance(waarde, float) and waarde != waarde:  # NaN
            errors[key] = ["Vul een getal in."]
        elif isinstance(waarde, str) and not _is_storable(waarde):
            errors[key] = ["De tekst bevat een ongeldig teken (NUL of een losse surrogaat)."]
        elif isinstance(waarde, str) and len(waarde) > MAX_EIGENSCHAP_TEKST:
            errors[key] = [f"Maximaal {MAX_EIGENSCHAP_TEKST} tekens."]
    return errors


class MetEigenschappen:
    """Mixin for input schemas with an ``eigenschappen`` field."""

    @ma.validates_schema(skip_on_field_errors=False)
    def _check_eigenschappen(self, data, **kwargs):
        errors = eigenschap_errors(data.get("eigenschappen") or {})
        if errors:
            raise ma.ValidationError(errors)


class InvoerSchema(ma.Schema):
    """Base of input schemas: Dutch messages for unknown fields and non-object bodies."""

    error_messages = {
        "type": "Ongeldige invoer: stuur een JSON-object met velden.",
        "unknown": "Onbekend veld.",
    }


# --- input ------------------------------------------------------------------------------


class ZaakFilterSchema(InvoerSchema):
    page = Geheel(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE, error="Kies een pagina van 1 tot {max}."),
        metadata={"description": "Paginanummer, vanaf 1."},
    )
    page_size = Geheel(
        load_default=25,
        validate=validate.Range(
            min=1, max=MAX_PAGE_SIZE, error="Kies een paginagrootte van 1 tot {max}."
        ),
        metadata={"description": "Aantal zaken per pagina (maximaal 200)."},
    )
    zaaktype = Tekst(
        validate=max_length(80), metadata={"description": "Identificatie van het zaaktype."}
    )
    afdeling = Tekst(validate=max_length(40), metadata={"description": "Code van de afdeling."})
    open = JaNee(metadata={"description": "true: alleen open zaken; false: alleen afgesloten."})


class ZaakInvoerSchema(MetEigenschappen, InvoerSchema):
    zaaktype = Tekst(
        required=True,
        validate=[validate.Length(min=1, max=80, error="Geef de identificatie van het zaaktype.")],
        metadata={"description": "Identificatie van het zaaktype, bijvoorbeeld 'MELDING'."},
    )
    afdeling = Tekst(
        required=True,
        validate=[validate.Length(min=1, max=40, error="Geef de code van de afdeling.")],
        metadata={"description": "Code van de afdeling."},
    )
    omschrijving = Tekst(required=True, metadata={"description": "Korte omschrijving."})
    toelichting = Tekst(allow_none=True, load_default="")
    startdatum = Datum(allow_none=True, metadata={"description": "Standaard vandaag."})
    vertrouwelijkheidaanduiding = Tekst(
        allow_none=True,
        validate=one_of(Vertrouwelijkheid),
        metadata={"description": "Standaard die van het zaaktype."},
    )
    eigenschappen = EigenschapWaarden(
        allow_none=True,
        metadata={"description": "Waarden van de eigenschappen van het zaaktype: {naam: waarde}."},
    )


class ZaakEigenschappenInvoerSchema(MetEigenschappen, InvoerSchema):
    eigenschappen = EigenschapWaarden(
        required=True,
        metadata={
            "description": "Alle eigenschappen van de zaak: {naam: waarde}; wat ontbreekt, "
            "wordt leeg."
        },
    )


class StatusInvoerSchema(InvoerSchema):
    statustype = NummerOfOmschrijving(
        required=True,
        metadata={"description": "Volgnummer of omschrijving van een status van het zaaktype."},
    )
    toelichting = Tekst(allow_none=True, load_default="")


class AfsluitenInvoerSchema(InvoerSchema):
    resultaattype = NummerOfOmschrijving(
        required=True,
        metadata={"description": "Omschrijving (of id) van een resultaat van het zaaktype."},
    )
    toelichting = Tekst(allow_none=True, load_default="")
    einddatum = Datum(allow_none=True, metadata={"description": "Standaard vandaag."})


class BetrokkeneInvoerSchema(InvoerSchema):
    type = Tekst(required=True, validate=one_of(BetrokkeneType))
    rol = Tekst(
        validate=one_of(Rol),
        metadata={"description": "Generieke rol; niet nodig bij een roltype (dat heeft er een)."},
    )
    roltype = NummerOfOmschrijving(
        metadata={
            "description": "Id of omschrijving van een roltype van het zaaktype, "
            "bijvoorbeeld 'Procesregie (gemeente)'."
        },
    )
    toelichting = Tekst(allow_none=True, load_default="")
    bsn = Tekst(load_default="", validate=max_length(9))
    kvk_nummer = Tekst(load_default="", validate=max_length(8))
    rsin = Tekst(load_default="", validate=max_length(9))
    identificatie = Tekst(load_default="", validate=max_length(80))
    voornamen = Tekst(load_default="", validate=max_length(200))
    voorvoegsel = Tekst(load_default="", validate=max_length(20))
    geslachtsnaam = Tekst(load_default="", validate=max_length(200))
    geboortedatum = Datum(allow_none=True, load_default=None)
    naam = Tekst(load_default="", validate=max_length(300))

    @ma.validates_schema
    def _rol_of_roltype(self, data, **kwargs):
        if not data.get("rol") and data.get("roltype") is None:
            raise ma.ValidationError(
                "Geef een rol: een roltype van het zaaktype of een generieke rol.", "rol"
            )


class DocumentInvoerSchema(InvoerSchema):
    """multipart/form-data: the file in ``bestand``, metadata in the other fields."""

    bestand = Bestand(required=True)
    titel = Tekst(load_default="", validate=max_length(300))
    informatieobjecttype = NummerOfOmschrijving(
        required=True, metadata={"description": "Omschrijving of id van het documenttype."}
    )
    vertrouwelijkheidaanduiding = Tekst(validate=one_of(Vertrouwelijkheid))
    richting = Tekst(load_default=Richting.inkomend.value, validate=one_of(Richting))
    auteur = Tekst(load_default="", validate=max_length(200))
    creatiedatum = Datum()
    ontvangstdatum = Datum()
    verzenddatum = Datum()
    status = Tekst(
        load_default=DocumentStatus.in_bewerking.value,
        validate=validate.OneOf(
            [
                DocumentStatus.in_bewerking.value,
                DocumentStatus.ter_vaststelling.value,
                DocumentStatus.definitief.value,
            ],
            error="Kies een van: {choices}.",
        ),
    )
    taal = Tekst(load_default="nld", validate=max_length(3))


class InhoudQuerySchema(InvoerSchema):
    versie = Geheel(
        validate=validate.Range(min=1, max=2**31 - 1, error="Een versie is 1 of hoger."),
        metadata={"description": "Versienummer; standaard de laatste versie."},
    )


# --- output -----------------------------------------------------------------------------


_PLEK = "__waarde__"  # where the value goes in a cached URL pattern


def _url(endpoint: str, **values: str | int) -> str:
    """``url_for(endpoint, **values, _external=True)``. With one value (an identificatie,
    a code) the rule is built once per request and endpoint: a list of 25 zaken built 25
    URLs the full way (issue 8). The value is quoted as werkzeug's string converter quotes
    a path segment."""
    if len(values) != 1:
        return url_for(endpoint, _external=True, **values)
    ((name, value),) = values.items()
    patterns = g.setdefault("api_url_patterns", {})
    key = (endpoint, name)
    if key not in patterns:
        pattern = url_for(endpoint, _external=True, **{name: _PLEK}).split(_PLEK)
        # only a value in the path, once (a query string is quoted otherwise)
        patterns[key] = pattern if len(pattern) == 2 and "?" not in pattern[0] else None
    pattern = patterns[key]
    if pattern is None:
        return url_for(endpoint, _external=True, **values)
    return quote(str(value), safe="!$&'()*+,/:;=@").join(pattern)


class ZaakStatusSchema(ma.Schema):
    volgnummer = fields.Integer(attribute="statustype.volgnummer")
    omschrijving = fields.String(attribute="statustype.omschrijving")
    datum = fields.DateTime()
    toelichting = fields.String()


class ZaakSchema(ma.Schema):
    url = fields.Method("_url")
    identificatie = fields.String()
    zaaktype = fields.String(attribute="zaaktype.identificatie")
    afdeling = fields.String(attribute="afdeling.code")
    omschrijving = fields.String()
    toelichting = fields.String()
    registratiedatum = fields.Date()
    startdatum = fields.Date()
    einddatum = fields.Date(allow_none=True)
    vertrouwelijkheidaanduiding = fields.String()
    status = fields.Nested(ZaakStatusSchema, attribute="huidige_status", allow_none=True)
    archiefnominatie = fields.String(allow_none=True)
    archiefactiedatum = fields.Date(allow_none=True)
    archiefstatus = fields.String()
    brondatum = fields.Date(allow_none=True)
    archiefnominatie_bron = fields.String()
    archief_wacht_op = fields.String(
        allow_none=True, metadata={"description": "Welk gegeven de berekening nog mist."}
    )

    def _url(self, zaak) -> str:
        return _url("zaken.ZaakDetail", identificatie=zaak.identificatie)


class ResultaatSchema(ma.Schema):
    omschrijving = fields.String()
    archiefnominatie = fields.String(allow_none=True)


class ZaakDetailSchema(ZaakSchema):
    statussen = fields.List(fields.Nested(ZaakStatusSchema))
    resultaat = fields.Nested(ResultaatSchema, attribute="resultaattype", allow_none=True)
    resultaat_toelichting = fields.String()
    eigenschappen = fields.Method(
        "_eigenschappen",
        metadata={
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "De eigenschappen van de zaak: {naam: waarde}.",
        },
    )
    betrokkenen = fields.Method("_betrokkenen")
    documenten = fields.Method("_documenten")

    def _eigenschappen(self, zaak) -> dict[str, str]:
        return {e.eigenschap.naam: e.waarde for e in zaak.eigenschappen}

    def _betrokkenen(self, zaak) -> str:
        return _url("zaken.ZaakBetrokkenen", identificatie=zaak.identificatie)

    def _documenten(self, zaak) -> str:
        return _url("zaken.ZaakDocumenten", identificatie=zaak.identificatie)


class ZaakPaginaSchema(ma.Schema):
    count = fields.Integer(metadata={"description": "Totaal aantal zaken dat u mag zien."})
    next = fields.String(allow_none=True, metadata={"description": "URL van de volgende pagina."})
    previous = fields.String(allow_none=True, metadata={"description": "URL van de vorige."})
    results = fields.List(fields.Nested(ZaakSchema))


class BetrokkeneSchema(ma.Schema):
    type = fields.String()
    bsn = fields.String(allow_none=True)
    kvk_nummer = fields.String(allow_none=True)
    rsin = fields.String(allow_none=True)
    identificatie = fields.String(allow_none=True)
    voornamen = fields.String()
    voorvoegsel = fields.String()
    geslachtsnaam = fields.String()
    geboortedatum = fields.Date(allow_none=True)
    naam = fields.String()
    weergavenaam = fields.String()


class RolSchema(ma.Schema):
    id = fields.Integer()
    rol = fields.String(attribute="omschrijving")
    roltype = fields.String(
        attribute="roltype.omschrijving",
        allow_none=True,
        metadata={"description": "De rol uit het zaaktype, als er een gekozen is."},
    )
    toelichting = fields.String()
    aangemaakt_op = fields.DateTime()
    betrokkene = fields.Nested(BetrokkeneSchema)


class VersieSchema(ma.Schema):
    versie = fields.Integer()
    bestandsnaam = fields.String()
    formaat = fields.String()
    bestandsomvang = fields.Integer()
    sha256 = fields.String()
    paginas = fields.Integer(allow_none=True)
    aangemaakt_op = fields.DateTime()
    inhoud = fields.Method("_inhoud")

    def _inhoud(self, versie) -> str:
        return _url(
            "documenten.DocumentInhoud",
            identificatie=versie.document.identificatie,
            versie=versie.versie,
        )


class DocumentSchema(ma.Schema):
    url = fields.Method("_url")
    identificatie = fields.String()
    titel = fields.String()
    auteur = fields.String()
    informatieobjecttype = fields.String(attribute="informatieobjecttype.omschrijving")
    vertrouwelijkheidaanduiding = fields.String()
    creatiedatum = fields.Date()
    ontvangstdatum = fields.Date(allow_none=True)
    verzenddatum = fields.Date(allow_none=True)
    richting = fields.String()
    status = fields.String()
    taal = fields.String()
    bijlage_van = fields.Method("_bijlage_van", allow_none=True)
    inhoud = fields.Method("_inhoud")
    versies = fields.List(fields.Nested(VersieSchema))
    zaken = fields.Method("_zaken")

    # Only what the caller may see: a zaak or parent message above their clearance is
    # absent here, as everywhere else.
    def _bijlage_van(self, document) -> str | None:
        from archive.documents import visible_bijlage_van
        from web.api.auth import api_user

        parent = visible_bijlage_van(api_user(), document)
        return parent.identificatie if parent is not None else None

    def _url(self, document) -> str:
        return _url("documenten.DocumentDetail", identificatie=document.identificatie)

    def _inhoud(self, document) -> str:
        return _url("documenten.DocumentInhoud", identificatie=document.identificatie)

    def _zaken(self, document) -> list[str]:
        from archive.documents import visible_zaken
        from web.api.auth import api_user

        return sorted(z.identificatie for z in visible_zaken(api_user(), document))


class GeweigerdeBijlageSchema(ma.Schema):
    bestandsnaam = fields.String()
    reden = fields.String()


class ArchiveringSchema(DocumentSchema):
    """The filed document plus, for an e-mail, its attachments filed as linked documents."""

    bijlagen = fields.List(fields.Nested(DocumentSchema))
    geweigerde_bijlagen = fields.List(fields.Nested(GeweigerdeBijlageSchema))


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (application/problem+json)."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Per veld de meldingen."},
    )
