"""The archivist's exceptions (hotspots), legal holds and archiefstatus: thin adapters over
retention.uitzonderingen, retention.bevriezingen and retention.archiefstatus. Only an
archivaris: everyone else gets 403 before the body is read, as in the work queue."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, url_for
from flask.views import MethodView
from marshmallow import fields, validate

from retention import archiefstatus, bevriezingen, uitzonderingen
from retention.werkvoorraad import require_archivaris
from web.api import schemas as s
from web.api.auth import api_user, authenticate_request
from web.api.common import problems
from web.api.core import Blueprint
from web.app import db_session, search_backend

uitzonderingen_blp = Blueprint(
    "uitzonderingen",
    __name__,
    url_prefix="/api/v1/archivering",
    description="Uitzonderingen van vernietiging (hotspots), bevriezingen (legal holds) en "
    "de archiefstatus van zaken. Alleen voor een archivaris.",
)


def _only_archivaris() -> None:
    """``before_request`` after authentication: 403 for anyone else, before any lookup."""
    require_archivaris(api_user())


uitzonderingen_blp.before_request(authenticate_request)
uitzonderingen_blp.before_request(_only_archivaris)

ACTIEF = ("ja", "nee", "alle")


def _actief(value: str) -> bool | None:
    return {"ja": True, "nee": False, "alle": None}[value]


# -- schemas --------------------------------------------------------------------------------


class LijstQuerySchema(s.InvoerSchema):
    actief = s.Tekst(
        load_default="ja",
        validate=validate.OneOf(ACTIEF, error="Kies ja, nee of alle."),
        metadata={"description": "ja (standaard): alleen geldende; nee: verwijderde; alle."},
    )


class UitzonderingInvoerSchema(s.InvoerSchema):
    scope = s.Tekst(
        required=True,
        validate=validate.OneOf(
            uitzonderingen.SCOPES, error=f"Kies een van: {', '.join(uitzonderingen.SCOPES)}."
        ),
    )
    omschrijving = s.Tekst(required=True, validate=s.max_length(200))
    toelichting = s.Tekst(required=True, validate=s.max_length(uitzonderingen.MAX_TEKST))
    besluitkenmerk = s.Tekst(required=True, validate=s.max_length(200))
    afdeling = s.Tekst(load_default=None, metadata={"description": "Code, bij scope afdeling."})
    zaaktype = s.Tekst(
        load_default=None, metadata={"description": "Identificatie, bij scope zaaktype."}
    )
    periode_van = s.Datum(
        load_default=None, metadata={"description": "Bij scope periode: startdatum vanaf."}
    )
    periode_tot = s.Datum(
        load_default=None, metadata={"description": "Bij scope periode: startdatum t/m."}
    )
    zoekvraag = s.Tekst(load_default=None, validate=s.max_length(uitzonderingen.MAX_TEKST))
    zaken = fields.List(
        s.Tekst(validate=s.max_length(40)),
        load_default=list,
        validate=validate.Length(max=10_000),
        metadata={"description": "Identificaties, bij scope zaken."},
    )


class UitzonderingSchema(ma.Schema):
    id = fields.Integer()
    scope = fields.String()
    bereik = fields.String(metadata={"description": "Wat de uitzondering omvat, leesbaar."})
    omschrijving = fields.String()
    toelichting = fields.String()
    besluitkenmerk = fields.String()
    bron = fields.String(metadata={"description": "Zoals de archiefnominatie haar noemt."})
    afdeling = fields.String(allow_none=True)
    zaaktype = fields.String(allow_none=True)
    periode_van = fields.Date(allow_none=True)
    periode_tot = fields.Date(allow_none=True)
    zoekvraag = fields.String(allow_none=True)
    aantal_zaken = fields.Integer()
    zaken = fields.List(fields.String(), metadata={"description": "Alleen in het detail."})
    actief = fields.Boolean()
    aangemaakt_door = fields.String(allow_none=True)
    aangemaakt_op = fields.DateTime()
    verwijderd_door = fields.String(allow_none=True)
    verwijderd_op = fields.DateTime(allow_none=True)
    herberekend = fields.Integer(
        metadata={"description": "Na toevoegen of verwijderen: hoeveel zaken veranderden."}
    )


class UitzonderingLijstSchema(ma.Schema):
    count = fields.Integer()
    results = fields.List(fields.Nested(UitzonderingSchema))
    afdelingsbeleid = fields.List(
        fields.Dict(),
        metadata={"description": "Afdelingen die zelf blijvend bewaren (beheer)."},
    )


class BevriezingInvoerSchema(s.InvoerSchema):
    zaak = s.Tekst(load_default=None, metadata={"description": "Identificatie van de zaak."})
    document = s.Tekst(
        load_default=None, metadata={"description": "Identificatie van het document."}
    )
    grond = s.Tekst(
        required=True,
        validate=validate.OneOf(
            bevriezingen.GRONDEN, error=f"Kies een van: {', '.join(bevriezingen.GRONDEN)}."
        ),
    )
    reden = s.Tekst(required=True, validate=s.max_length(bevriezingen.MAX_TEKST))
    eigenaar = s.Tekst(required=True, metadata={"description": "Gebruikersnaam."})
    kenmerk = s.Tekst(load_default="", validate=s.max_length(200))
    startdatum = s.Datum(load_default=None, metadata={"description": "Standaard vandaag."})


class OpheffenInvoerSchema(s.InvoerSchema):
    toelichting = s.Tekst(
        required=True,
        validate=validate.Length(min=1, max=2000, error="Geef 1 tot {max} tekens."),
    )


class BevriezingSchema(ma.Schema):
    id = fields.Integer()
    object_type = fields.String()
    object = fields.String(attribute="object_identificatie")
    grond = fields.String()
    kenmerk = fields.String()
    reden = fields.String()
    eigenaar = fields.Function(lambda b: b.eigenaar.username)
    startdatum = fields.Date()
    actief = fields.Boolean()
    geplaatst_door = fields.Function(
        lambda b: b.geplaatst_door.username if b.geplaatst_door else None
    )
    geplaatst_op = fields.DateTime()
    opgeheven_door = fields.Function(
        lambda b: b.opgeheven_door.username if b.opgeheven_door else None
    )
    opgeheven_op = fields.DateTime(allow_none=True)
    opheffing_toelichting = fields.String()


class BevriezingLijstSchema(ma.Schema):
    count = fields.Integer()
    results = fields.List(fields.Nested(BevriezingSchema))


class RapportSchema(ma.Schema):
    totaal = fields.Integer()
    per_grond = fields.Dict(keys=fields.String(), values=fields.Integer())
    per_object = fields.Dict(keys=fields.String(), values=fields.Integer())


class ArchiefstatusInvoerSchema(s.InvoerSchema):
    archiefstatus = s.Tekst(required=True)


class ArchiefstatusSchema(ma.Schema):
    identificatie = fields.String()
    archiefstatus = fields.String()
    archiefnominatie = fields.String(allow_none=True)
    archiefactiedatum = fields.Date(allow_none=True)
    archiefnominatie_bron = fields.String()
    uitgezonderd = fields.Boolean()
    bevroren = fields.Boolean()


# -- helpers --------------------------------------------------------------------------------


def _uitzondering(u, *, detail: bool = False, herberekend: int | None = None) -> dict:
    out = {
        "id": u.id,
        "scope": u.scope,
        "bereik": uitzonderingen.scope_label(u),
        "omschrijving": u.omschrijving,
        "toelichting": u.toelichting,
        "besluitkenmerk": u.besluitkenmerk,
        "bron": uitzonderingen.hotspots.bron(u),
        "afdeling": u.afdeling.code if u.afdeling else None,
        "zaaktype": u.zaaktype_identificatie,
        "periode_van": u.periode_van,
        "periode_tot": u.periode_tot,
        "zoekvraag": u.zoekvraag,
        "aantal_zaken": len(u.zaak_links),
        "actief": u.actief,
        "aangemaakt_door": u.aangemaakt_door.username if u.aangemaakt_door else None,
        "aangemaakt_op": u.aangemaakt_op,
        "verwijderd_door": u.verwijderd_door.username if u.verwijderd_door else None,
        "verwijderd_op": u.verwijderd_op,
    }
    if detail:
        out["zaken"] = uitzonderingen.zaak_identificaties(db_session(), u)
    if herberekend is not None:
        out["herberekend"] = herberekend
    return out


def _zaak_archief(zaak) -> dict:
    session = db_session()
    return {
        "identificatie": zaak.identificatie,
        "archiefstatus": zaak.archiefstatus,
        "archiefnominatie": zaak.archiefnominatie,
        "archiefactiedatum": zaak.archiefactiedatum,
        "archiefnominatie_bron": zaak.archiefnominatie_bron,
        "uitgezonderd": uitzonderingen.is_exempted(session, zaak),
        "bevroren": bevriezingen.is_held(session, zaak.id),
    }


# -- uitzonderingen -------------------------------------------------------------------------


@uitzonderingen_blp.route("/uitzonderingen")
class Uitzonderingen(MethodView):
    @uitzonderingen_blp.arguments(LijstQuerySchema, location="query", as_kwargs=False)
    @uitzonderingen_blp.response(200, UitzonderingLijstSchema)
    @problems(uitzonderingen_blp, 403)
    def get(self, args: dict):
        """De uitzonderingen van vernietiging, nieuwste eerst, en de afdelingen die zelf
        blijvend bewaren."""
        session, user = db_session(), api_user()
        rows = uitzonderingen.list_exceptions(session, user, actief=_actief(args["actief"]))
        return {
            "count": len(rows),
            "results": [_uitzondering(u) for u in rows],
            "afdelingsbeleid": [
                {"afdeling": a.code, "reden": a.retentie_reden, "besluit": a.retentie_besluit}
                for a in uitzonderingen.department_policies(session, user)
            ],
        }

    @uitzonderingen_blp.arguments(UitzonderingInvoerSchema)
    @uitzonderingen_blp.response(201, UitzonderingSchema)
    @problems(uitzonderingen_blp, 403)
    def post(self, data: dict):
        """Leg een uitzondering vast: wat zij omvat wordt blijvend bewaard. Een zoekselectie
        wordt nu opgelost (wat u mag zien) en de gevonden zaken worden vastgelegd."""
        session, user = db_session(), api_user()
        u, changed = uitzonderingen.add_exception(
            session,
            user,
            uitzonderingen.UitzonderingGegevens(**data),
            backend=search_backend(),
        )
        location = url_for("uitzonderingen.Uitzondering", uitzondering_id=u.id, _external=True)
        return _uitzondering(u, detail=True, herberekend=changed), 201, {"Location": location}


@uitzonderingen_blp.route("/uitzonderingen/<int:uitzondering_id>")
class Uitzondering(MethodView):
    @uitzonderingen_blp.response(200, UitzonderingSchema)
    @problems(uitzonderingen_blp, 403, 404)
    def get(self, uitzondering_id: int):
        """Eén uitzondering, met de zaken die zij bij naam noemt."""
        u = uitzonderingen.get_exception(db_session(), api_user(), uitzondering_id)
        return _uitzondering(u, detail=True)

    @uitzonderingen_blp.response(200, UitzonderingSchema)
    @problems(uitzonderingen_blp, 403, 404, 409)
    def delete(self, uitzondering_id: int):
        """Trek de uitzondering in (zij blijft in de geschiedenis); de zaken krijgen weer hun
        berekende archiefnominatie, tenzij iets anders ze nog uitzondert."""
        u, changed = uitzonderingen.remove_exception(db_session(), api_user(), uitzondering_id)
        return _uitzondering(u, herberekend=changed)


# -- bevriezingen ---------------------------------------------------------------------------


@uitzonderingen_blp.route("/bevriezingen")
class Bevriezingen(MethodView):
    @uitzonderingen_blp.arguments(LijstQuerySchema, location="query", as_kwargs=False)
    @uitzonderingen_blp.response(200, BevriezingLijstSchema)
    @problems(uitzonderingen_blp, 403)
    def get(self, args: dict):
        """De bevriezingen, nieuwste eerst (standaard alleen de geldende)."""
        rows = bevriezingen.list_holds(db_session(), api_user(), actief=_actief(args["actief"]))
        return {"count": len(rows), "results": rows}

    @uitzonderingen_blp.arguments(BevriezingInvoerSchema)
    @uitzonderingen_blp.response(201, BevriezingSchema)
    @problems(uitzonderingen_blp, 403, 409)
    def post(self, data: dict):
        """Bevries één zaak of één document: het kan niet vernietigd of verwijderd worden
        tot de bevriezing is opgeheven."""
        hold = bevriezingen.place_hold(
            db_session(), api_user(), bevriezingen.BevriezingGegevens(**data)
        )
        location = url_for("uitzonderingen.Bevriezing", hold_id=hold.id, _external=True)
        return hold, 201, {"Location": location}


@uitzonderingen_blp.route("/bevriezingen/rapport")
class BevriezingRapport(MethodView):
    @uitzonderingen_blp.response(200, RapportSchema)
    @problems(uitzonderingen_blp, 403)
    def get(self):
        """Aantallen geldende bevriezingen: totaal, per grond en per soort object."""
        return bevriezingen.report(db_session(), api_user())


@uitzonderingen_blp.route("/bevriezingen.csv")
class BevriezingCsv(MethodView):
    @uitzonderingen_blp.response(200, content_type="text/csv")
    @problems(uitzonderingen_blp, 403)
    def get(self):
        """De geldende bevriezingen als CSV (metagegevens, zonder redenen)."""
        body = bevriezingen.export_csv(db_session(), api_user())
        return Response(
            body,
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="bevriezingen.csv"'},
        )


@uitzonderingen_blp.route("/bevriezingen/<int:hold_id>")
class Bevriezing(MethodView):
    @uitzonderingen_blp.response(200, BevriezingSchema)
    @problems(uitzonderingen_blp, 403, 404)
    def get(self, hold_id: int):
        """Eén bevriezing, ook een opgeheven."""
        return bevriezingen.get_hold(db_session(), api_user(), hold_id)


@uitzonderingen_blp.route("/bevriezingen/<int:hold_id>/opheffen")
class BevriezingOpheffen(MethodView):
    @uitzonderingen_blp.arguments(OpheffenInvoerSchema)
    @uitzonderingen_blp.response(200, BevriezingSchema)
    @problems(uitzonderingen_blp, 403, 404, 409)
    def post(self, data: dict, hold_id: int):
        """Hef de bevriezing op; wie en wanneer worden vastgelegd, de rij blijft."""
        return bevriezingen.lift_hold(
            db_session(), api_user(), hold_id, toelichting=data["toelichting"]
        )


# -- archiefstatus --------------------------------------------------------------------------


@uitzonderingen_blp.route("/zaken/<identificatie>")
class ZaakArchief(MethodView):
    @uitzonderingen_blp.response(200, ArchiefstatusSchema)
    @problems(uitzonderingen_blp, 403, 404)
    def get(self, identificatie: str):
        """De bewaargegevens van een zaak: status, nominatie en haar bron, uitgezonderd of
        bevroren (metagegevens, geen inhoud)."""
        zaak = archiefstatus.zaak_for_archivaris(db_session(), api_user(), identificatie)
        return _zaak_archief(zaak)


@uitzonderingen_blp.route("/zaken/<identificatie>/archiefstatus")
class ZaakArchiefstatus(MethodView):
    @uitzonderingen_blp.arguments(ArchiefstatusInvoerSchema)
    @uitzonderingen_blp.response(200, ArchiefstatusSchema)
    @problems(uitzonderingen_blp, 403, 404, 409)
    def put(self, data: dict, identificatie: str):
        """Zet de archiefstatus (gearchiveerd, gearchiveerd_procestermijn_onbekend);
        overgedragen zet alleen de overbrenging."""
        session, user = db_session(), api_user()
        zaak = archiefstatus.zaak_for_archivaris(session, user, identificatie)
        archiefstatus.set_archiefstatus(session, zaak, data["archiefstatus"], user)
        return _zaak_archief(zaak)
