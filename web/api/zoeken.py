"""Search API: ``GET /api/v1/zoeken`` and a person's dossier ``GET /api/v1/personen/{bsn}``.

Thin adapters over ``search.service``, access-filtered exactly as the web pages: the
backend filters inside the query (hits, count and facets), the person's dossier is read
from the database, and the confidential zaken and documents returned are recorded in the
access log (path ``zoeken``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import marshmallow as ma
from flask import request, url_for
from flask.views import MethodView
from marshmallow import fields, validate
from werkzeug.datastructures import MultiDict

from archive.errors import ValidationFailed
from archive.validation import is_valid_bsn
from search import service as search_service
from search.backend import FACETS, TYPES
from web.api.auth import api_user, authenticate_request
from web.api.common import problems
from web.api.core import Blueprint
from web.api.schemas import (
    MAX_PAGE,
    BetrokkeneSchema,
    Datum,
    Geheel,
    InvoerSchema,
    Tekst,
    max_length,
)
from web.app import db_session, search_backend, settings
from web.errors import problem

MAX_ZOEK_PAGE_SIZE = 100
BSN_FOUT = "Geef een geldig BSN: 9 cijfers die de elfproef doorstaan."

zoeken_blp = Blueprint(
    "zoeken",
    __name__,
    url_prefix="/api/v1",
    description="Zoeken in zaken, documenten en personen, en het dossier van één persoon; "
    "alleen wat u mag zien.",
)
zoeken_blp.before_request(authenticate_request)


# --- schemas ----------------------------------------------------------------------------------


def _keuze(choices) -> validate.OneOf:
    return validate.OneOf(list(choices), error="Kies een van: {choices}.")


class ZoekQuerySchema(InvoerSchema):
    q = Tekst(
        load_default="",
        validate=max_length(500),
        metadata={
            "description": 'De zoekvraag: woorden, "zinnen", AND/OR/NOT (EN/OF/NIET), '
            "voorvoegsel*, naam~, veldfilters zaaktype:, afdeling:, jaar:, type:, "
            "datum:[20240101 to 20241231]. Leeg: alles wat u mag zien, nieuwste eerst."
        },
    )
    type = fields.List(
        Tekst(validate=_keuze(TYPES)),
        load_default=list,
        metadata={"description": "Alleen deze soort(en); herhaal de parameter voor meer."},
    )
    zaaktype = fields.List(
        Tekst(validate=max_length(200)),
        load_default=list,
        metadata={"description": "Identificatie van het zaaktype (facet zaaktype)."},
    )
    afdeling = fields.List(
        Tekst(validate=max_length(200)),
        load_default=list,
        metadata={"description": "Code van de afdeling (facet afdeling)."},
    )
    jaar = fields.List(
        Geheel(validate=validate.Range(min=1000, max=9999, error="Geef een jaartal (JJJJ).")),
        load_default=list,
        metadata={"description": "Jaar van de datum van het item (facet jaar)."},
    )
    informatieobjecttype = fields.List(
        Tekst(validate=max_length(200)),
        load_default=list,
        metadata={"description": "Omschrijving van het documenttype (facet)."},
    )
    van = Datum(metadata={"description": "Vanaf deze datum (JJJJ-MM-DD)."})
    tot = Datum(metadata={"description": "Tot en met deze datum (JJJJ-MM-DD)."})
    sortering = Tekst(
        load_default="relevance",
        validate=_keuze(("relevance", "date")),
        metadata={"description": "relevance (standaard) of date (nieuwste eerst)."},
    )
    page = Geheel(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE, error="Kies een pagina van 1 tot {max}."),
        metadata={"description": "Paginanummer, vanaf 1."},
    )
    page_size = Geheel(
        load_default=20,
        validate=validate.Range(
            min=1, max=MAX_ZOEK_PAGE_SIZE, error="Kies een paginagrootte van 1 tot {max}."
        ),
        metadata={"description": "Aantal resultaten per pagina (maximaal 100)."},
    )

    @ma.validates_schema
    def _periode(self, data, **kwargs):
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            raise ma.ValidationError({"tot": ["'tot' ligt voor 'van'."]})


class SegmentSchema(ma.Schema):
    tekst = fields.String()
    gemarkeerd = fields.Boolean(metadata={"description": "true: een treffer van de zoekvraag."})


class FragmentSchema(ma.Schema):
    tekst = fields.String(metadata={"description": "Het fragment als platte tekst."})
    segmenten = fields.List(
        fields.Nested(SegmentSchema),
        metadata={"description": "Hetzelfde fragment in stukken; gemarkeerd zijn de treffers."},
    )


class TrefferSchema(ma.Schema):
    type = fields.String(metadata={"description": "zaak, document of persoon"})
    identificatie = fields.String(
        metadata={"description": "Zaak- of documentnummer; bij een persoon BSN of KvK-nummer."}
    )
    titel = fields.String()
    snippet = fields.Nested(FragmentSchema)
    datum = fields.Date(allow_none=True)
    url = fields.String(allow_none=True, metadata={"description": "Het item in deze API."})


class FacetWaardeSchema(ma.Schema):
    waarde = fields.String(metadata={"description": "Te gebruiken als filter (zelfde naam)."})
    label = fields.String()
    aantal = fields.Integer()


class ZoekPaginaSchema(ma.Schema):
    count = fields.Integer(metadata={"description": "Totaal aantal resultaten dat u mag zien."})
    count_exact = fields.Boolean(
        metadata={
            "description": "Onwaar bij zeer veel treffers (PostgreSQL-zoekindex): count en de "
            "facetaantallen zijn dan geschat uit een steekproef van de treffers, en alleen die "
            "steekproef is op relevantie te bladeren."
        }
    )
    next = fields.String(allow_none=True, metadata={"description": "URL van de volgende pagina."})
    previous = fields.String(allow_none=True, metadata={"description": "URL van de vorige."})
    results = fields.List(fields.Nested(TrefferSchema))
    facets = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(FacetWaardeSchema)),
        metadata={"description": "Per facet (zaaktype, afdeling, jaar, informatieobjecttype)."},
    )


class DossierRegelSchema(ma.Schema):
    type = fields.String(metadata={"description": "zaak of document"})
    datum = fields.Date()
    identificatie = fields.String()
    titel = fields.String()
    zaak = fields.String(metadata={"description": "De zaak waarin het document staat."})
    afdeling = fields.String(metadata={"description": "Code van de afdeling van die zaak."})
    url = fields.String()


class ContactSchema(ma.Schema):
    naam = fields.String()
    email = fields.String(allow_none=True)


class AndereAfdelingSchema(ma.Schema):
    code = fields.String()
    naam = fields.String()
    contactpersonen = fields.List(fields.Nested(ContactSchema))


class PersoonDossierSchema(ma.Schema):
    betrokkene = fields.Nested(BetrokkeneSchema)
    dossier = fields.List(
        fields.Nested(DossierRegelSchema),
        metadata={"description": "Zaken en documenten over deze persoon, oudste eerst."},
    )
    andere_afdelingen = fields.List(
        fields.Nested(AndereAfdelingSchema),
        metadata={
            "description": "Alleen voor regie: andere afdelingen met een zaak over deze "
            "persoon, met hun regiecontacten, zonder inhoud."
        },
    )


# --- shaping ----------------------------------------------------------------------------------


def snippet_dict(segments: list[tuple[str, bool]]) -> dict:
    """A snippet as plain text plus its (text, highlighted) segments."""
    return {
        "tekst": "".join(text for text, _hit in segments),
        "segmenten": [{"tekst": text, "gemarkeerd": bool(hit)} for text, hit in segments],
    }


def _hit_url(hit) -> str | None:
    if hit.type == "zaak":
        return url_for("zaken.ZaakDetail", identificatie=hit.identificatie, _external=True)
    if hit.type == "document":
        return url_for("documenten.DocumentDetail", identificatie=hit.identificatie, _external=True)
    if hit.type == "persoon" and is_valid_bsn(hit.identificatie):
        return url_for("zoeken.PersoonDossier", bsn=hit.identificatie, _external=True)
    return None


def _page_url(page: int) -> str:
    query = MultiDict(request.args)
    query.setlist("page", [str(page)])
    return f"{request.base_url}?{urlencode(list(query.items(multi=True)))}"


def facet_lists(result) -> dict[str, list[dict]]:
    """Per facet its values with display label and count (API and CLI)."""
    out = {}
    for name in FACETS:
        labels = result.labels.get(name, {})
        out[name] = [
            {"waarde": value, "label": labels.get(value) or value, "aantal": count}
            for value, count in (result.facets.get(name) or {}).items()
        ]
    return out


# --- resources --------------------------------------------------------------------------------


@zoeken_blp.route("/zoeken")
class Zoeken(MethodView):
    @zoeken_blp.arguments(ZoekQuerySchema, location="query", as_kwargs=False)
    @zoeken_blp.response(200, ZoekPaginaSchema)
    @zoeken_blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @problems(zoeken_blp)
    def get(self, args: dict):
        """Zoek in zaken, documenten en personen: alleen wat u mag zien, ook in het aantal
        en de facetten. Een onleesbare zoekvraag geeft 422 met de reden bij ``q``."""
        session = db_session()
        user = api_user()
        page, per_page = args["page"], args["page_size"]
        result = search_service.search(
            session,
            user,
            args["q"],
            {
                "types": args["type"],
                "zaaktype": args["zaaktype"],
                "afdeling": args["afdeling"],
                "jaar": args["jaar"],
                "informatieobjecttype": args["informatieobjecttype"],
                "van": args.get("van"),
                "tot": args.get("tot"),
            },
            page=page,
            sort=args["sortering"],
            backend=search_backend(),
            per_page=per_page,
        )
        if result.index_ontbreekt:
            response = problem(503, result.fout or "", code="index_unavailable")
            response.headers["Retry-After"] = "60"
            return response
        if result.fout:
            raise ValidationFailed({"q": [result.fout]})
        search_service.log_shown_hits(session, user, result.hits)
        return {
            "count": result.total,
            # false: "count" and the facet counts are estimated from a sample of the hits
            "count_exact": not result.geschat,
            "next": _page_url(page + 1) if result.has_next else None,
            "previous": _page_url(min(page - 1, result.pages)) if page > 1 else None,
            "results": [
                {
                    "type": hit.type,
                    "identificatie": hit.identificatie,
                    "titel": hit.titel,
                    "snippet": snippet_dict(hit.snippet),
                    "datum": hit.datum,
                    "url": _hit_url(hit),
                }
                for hit in result.hits
            ],
            "facets": facet_lists(result),
        }


def _regel(regel) -> dict:
    item = regel.object
    if regel.type == "zaak":
        url = url_for("zaken.ZaakDetail", identificatie=item.identificatie, _external=True)
        titel = item.omschrijving
    else:
        url = url_for("documenten.DocumentDetail", identificatie=item.identificatie, _external=True)
        titel = item.titel
    return {
        "type": regel.type,
        "datum": regel.datum,
        "identificatie": item.identificatie,
        "titel": titel,
        "zaak": regel.zaak.identificatie,
        "afdeling": regel.zaak.afdeling.code,
        "url": url,
    }


@zoeken_blp.route("/personen/<bsn>")
class PersoonDossier(MethodView):
    @zoeken_blp.response(200, PersoonDossierSchema)
    @zoeken_blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @problems(zoeken_blp, 404)
    def get(self, bsn: str):
        """Het dossier van een persoon: alle zaken en documenten over deze persoon die u mag
        zien, oudste eerst, over alle afdelingen. Een BSN dat de elfproef niet doorstaat
        geeft 422; een onbekende persoon, of een van wie u geen zaak mag zien, 404."""
        if len(bsn) > 9 or not bsn.isascii() or not is_valid_bsn(bsn):
            raise ValidationFailed({"bsn": [BSN_FOUT]})
        session = db_session()
        user = api_user()
        dossier = search_service.person_dossier(
            session,
            user,
            bsn,
            toon_andere_afdelingen=settings().search_other_departments,
        )
        search_service.log_shown_dossier(session, user, dossier)
        return {
            "betrokkene": dossier.betrokkene,
            "dossier": [_regel(r) for r in dossier.regels],
            "andere_afdelingen": [
                {
                    "code": a.afdeling.code,
                    "naam": a.afdeling.naam,
                    "contactpersonen": [
                        {"naam": c.naam, "email": c.email} for c in a.contactpersonen
                    ],
                }
                for a in dossier.andere_afdelingen
            ],
        }
