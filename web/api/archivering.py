"""Retention API: a zaak's brondatum, hoofdzaak and reopening (for its handlers), and the
archivist's work queue. Thin adapters over archive.archivering and retention.werkvoorraad."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from marshmallow import fields, validate

from archive import access, archivering
from archive import zaken as zaken_service
from archive.errors import NotFound
from archive.validation import MAX_IDENTIFICATIE
from retention import werkvoorraad
from web.api import schemas as s
from web.api.auth import api_user, authenticate_request
from web.api.common import problems
from web.api.core import Blueprint
from web.api.resources import hidden_is_absent
from web.app import db_session

archivering_blp = Blueprint(
    "archivering",
    __name__,
    url_prefix="/api/v1",
    description="Bewaring: brondatum en heropenen van een zaak; de werkvoorraad van de "
    "archivaris (te vernietigen, over te brengen, ontbrekend, wachtend).",
)
MAX_PAGE_SIZE = 500


archivering_blp.before_request(authenticate_request)
# a zaak the caller may not see answers 404 before its body is read, as in resources
archivering_blp.before_request(hidden_is_absent)


class BrondatumInvoerSchema(s.InvoerSchema):
    brondatum = s.Datum(
        required=True,
        allow_none=True,
        metadata={"description": "De datum die de afleidingswijze vraagt; null wist hem."},
    )


class HoofdzaakInvoerSchema(s.InvoerSchema):
    hoofdzaak = s.Tekst(
        required=True,
        allow_none=True,
        validate=validate.Length(
            min=1, max=MAX_IDENTIFICATIE, error="Geef een identificatie van 1 tot {max} tekens."
        ),
        metadata={"description": "De identificatie van de hoofdzaak; null: geen hoofdzaak."},
    )


class ZaakMetHoofdzaakSchema(s.ZaakDetailSchema):
    hoofdzaak = fields.Method(
        "_hoofdzaak",
        allow_none=True,
        metadata={
            "type": "string",
            "nullable": True,
            "description": "De identificatie van de hoofdzaak, als u die mag zien; anders null.",
        },
    )

    def _hoofdzaak(self, zaak) -> str | None:
        hoofdzaak = zaak.hoofdzaak
        if hoofdzaak is None or not access.can_view_zaak(api_user(), hoofdzaak):
            return None
        return hoofdzaak.identificatie


class HeropenenInvoerSchema(s.InvoerSchema):
    toelichting = s.Tekst(
        required=True,
        validate=validate.Length(min=1, max=2000, error="Geef 1 tot {max} tekens."),
    )


class WerkvoorraadQuerySchema(s.InvoerSchema):
    soort = s.Tekst(
        load_default="vernietigen",
        validate=validate.OneOf(
            werkvoorraad.SOORTEN, error=f"Kies een van: {', '.join(werkvoorraad.SOORTEN)}."
        ),
    )
    page = s.Geheel(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = s.Geheel(load_default=100, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class RegelSchema(ma.Schema):
    identificatie = fields.String()
    zaaktype = fields.String()
    afdeling = fields.String()
    einddatum = fields.Date(allow_none=True)
    archiefnominatie = fields.String(allow_none=True)
    archiefactiedatum = fields.Date(allow_none=True)
    archief_wacht_op = fields.String(allow_none=True)
    bron = fields.String()
    omschrijving = fields.String(
        allow_none=True,
        metadata={"description": "Alleen als u de zaak zelf mag zien; anders null."},
    )


class WerkvoorraadSchema(ma.Schema):
    count = fields.Integer()
    next = fields.String(allow_none=True)
    results = fields.List(fields.Nested(RegelSchema))


class OverzichtSchema(ma.Schema):
    aantallen = fields.Dict(keys=fields.String(), values=fields.Integer())
    per_jaar = fields.Dict(
        keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer())
    )


@archivering_blp.route("/zaken/<identificatie>/brondatum")
class ZaakBrondatum(MethodView):
    @archivering_blp.arguments(BrondatumInvoerSchema)
    @archivering_blp.response(200, s.ZaakDetailSchema)
    @problems(archivering_blp, 403, 404, 409)
    def put(self, data: dict, identificatie: str):
        """Leg de brondatum vast die de afleidingswijze van het resultaat vraagt (ook na het
        afsluiten); de archiefactiedatum wordt opnieuw berekend."""
        session = db_session()
        zaak = zaken_service.get_zaak_for_change(session, api_user(), identificatie, pad="api")
        return archivering.set_brondatum(session, api_user(), zaak, data["brondatum"])


@archivering_blp.route("/zaken/<identificatie>/hoofdzaak")
class ZaakHoofdzaak(MethodView):
    @archivering_blp.arguments(HoofdzaakInvoerSchema)
    @archivering_blp.response(200, ZaakMetHoofdzaakSchema)
    @problems(archivering_blp, 403, 404, 409)
    def put(self, data: dict, identificatie: str):
        """Maak de zaak een deelzaak van een hoofdzaak (of, met null, niet meer). Leidt het
        resultaat de brondatum af van de hoofdzaak, dan volgt de berekening haar einddatum.
        Een hoofdzaak die u niet mag zien bestaat niet (404)."""
        session, user = db_session(), api_user()
        zaak = zaken_service.get_zaak_for_change(session, user, identificatie, pad="api")
        hoofdzaak = None
        if data["hoofdzaak"] is not None:
            try:
                hoofdzaak = zaken_service.get_zaak(session, user, data["hoofdzaak"])
            except NotFound as exc:
                raise NotFound(exc.message, field="hoofdzaak") from None
        return archivering.set_hoofdzaak(session, user, zaak, hoofdzaak)


@archivering_blp.route("/zaken/<identificatie>/heropenen")
class ZaakHeropenen(MethodView):
    @archivering_blp.arguments(HeropenenInvoerSchema)
    @archivering_blp.response(200, s.ZaakDetailSchema)
    @problems(archivering_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str):
        """Heropen een afgesloten zaak; resultaat en bewaardata vervallen."""
        session = db_session()
        zaak = zaken_service.get_zaak_for_change(session, api_user(), identificatie, pad="api")
        return zaken_service.reopen_zaak(session, api_user(), zaak, toelichting=data["toelichting"])


@archivering_blp.route("/archivering/werkvoorraad")
class Werkvoorraad(MethodView):
    @archivering_blp.arguments(WerkvoorraadQuerySchema, location="query", as_kwargs=False)
    @archivering_blp.response(200, WerkvoorraadSchema)
    @problems(archivering_blp, 403)
    def get(self, args: dict):
        """Zaken van één soort: te vernietigen, over te brengen, zonder bewaargegevens, of met
        een berekening die op een datum wacht. Alleen voor een archivaris."""
        page, size = args["page"], args["page_size"]
        total, rows = werkvoorraad.due(
            db_session(), api_user(), args["soort"], limit=size, offset=(page - 1) * size
        )
        more = page * size < total
        return {
            "count": total,
            "next": url_for(
                "archivering.Werkvoorraad",
                soort=args["soort"],
                page=page + 1,
                page_size=size,
                _external=True,
            )
            if more
            else None,
            "results": rows,
        }


@archivering_blp.route("/archivering/overzicht")
class Overzicht(MethodView):
    @archivering_blp.response(200, OverzichtSchema)
    @problems(archivering_blp, 403)
    def get(self):
        """Aantallen per soort en wat per jaar zijn archiefactiedatum bereikt."""
        session, user = db_session(), api_user()
        return {
            "aantallen": werkvoorraad.counts(session, user),
            "per_jaar": {str(k): v for k, v in werkvoorraad.per_jaar(session, user).items()},
        }
