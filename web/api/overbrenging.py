"""Transfer (overbrenging) API: list transfers, export a package server-side into the data
directory, download its zip, confirm receipt. Thin adapters over retention.overbrenging;
only an archivaris (everyone else gets 403 before the body is read)."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from marshmallow import fields, validate

from retention import overbrenging as ob
from retention.werkvoorraad import require_archivaris
from web.api import schemas as s
from web.api.auth import api_user, authenticate_request
from web.api.common import checked_number, problems
from web.api.core import Blueprint
from web.app import blob_store, db_session, settings
from web.common import private_download

overbrenging_blp = Blueprint(
    "overbrenging",
    __name__,
    url_prefix="/api/v1/archivering",
    description="Overbrenging naar het e-Depot: een MDTO-pakket (BagIt) exporteren, de zip "
    "downloaden en de ontvangst bevestigen. Alleen voor een archivaris.",
)
MAX_PAGE_SIZE = 200


def _only_archivaris() -> None:
    require_archivaris(api_user())


overbrenging_blp.before_request(authenticate_request)
overbrenging_blp.before_request(_only_archivaris)


class LijstQuerySchema(s.InvoerSchema):
    page = s.Geheel(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = s.Geheel(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class ExportInvoerSchema(s.InvoerSchema):
    zaken = fields.List(
        s.Tekst(validate=validate.Length(min=1, max=40)),
        load_default=list,
        validate=validate.Length(max=ob.MAX_ZAKEN),
        metadata={"description": "Alleen deze zaken (identificaties); elk moet aan de beurt zijn."},
    )
    afdeling = s.Tekst(load_default=None, validate=validate.Length(max=40))
    zaaktype = s.Tekst(load_default=None, validate=validate.Length(max=80))
    limit = s.Geheel(load_default=None, validate=validate.Range(min=1, max=ob.MAX_ZAKEN))
    zip = s.JaNee(load_default=True, metadata={"description": "Maak ook de zip (standaard)."})


class BevestigInvoerSchema(s.InvoerSchema):
    toelichting = s.Tekst(
        load_default="",
        validate=validate.Length(max=2000, error="Geef hoogstens {max} tekens."),
        metadata={"description": "Bijvoorbeeld het kenmerk van het ontvangstbewijs."},
    )


class OverbrengingSchema(ma.Schema):
    id = fields.Integer()
    naam = fields.String()
    status = fields.String(metadata={"description": "geexporteerd of bevestigd"})
    aantal_zaken = fields.Integer()
    aantal_documenten = fields.Integer()
    aantal_bestanden = fields.Function(lambda o: len(o.bestanden or []))
    omvang = fields.Integer(metadata={"description": "Bytes aan bestanden in het pakket."})
    manifest_sha256 = fields.String()
    zaken = fields.Function(lambda o: [link.zaak_identificatie for link in o.zaak_links])
    aangemaakt_op = fields.DateTime()
    bevestigd_op = fields.DateTime(allow_none=True)
    bevestiging_toelichting = fields.String()
    inhoud_verwijderd = fields.Boolean()
    zip = fields.Function(
        lambda o: url_for("overbrenging.OverbrengingZip", overbrenging_id=o.id, _external=True)
    )


class OverbrengingPaginaSchema(ma.Schema):
    count = fields.Integer()
    next = fields.String(allow_none=True)
    results = fields.List(fields.Nested(OverbrengingSchema))


class BevestigingSchema(ma.Schema):
    overbrenging = fields.Nested(OverbrengingSchema)
    inhoud_verwijderd = fields.Function(lambda b: len(b.te_verwijderen))
    inhoud_behouden = fields.List(fields.String(), attribute="behouden")


def _get(overbrenging_id: int):
    checked_number(overbrenging_id, "Overbrenging")
    return ob.get(db_session(), api_user(), overbrenging_id)


@overbrenging_blp.route("/overbrengingen")
class Overbrengingen(MethodView):
    @overbrenging_blp.arguments(LijstQuerySchema, location="query", as_kwargs=False)
    @overbrenging_blp.response(200, OverbrengingPaginaSchema)
    @problems(overbrenging_blp, 403)
    def get(self, args: dict):
        """De overbrengingen, nieuwste eerst."""
        page, size = args["page"], args["page_size"]
        total, rows = ob.list_transfers(
            db_session(), api_user(), limit=size, offset=(page - 1) * size
        )
        more = page * size < total
        return {
            "count": total,
            "next": url_for(
                "overbrenging.Overbrengingen", page=page + 1, page_size=size, _external=True
            )
            if more
            else None,
            "results": rows,
        }

    @overbrenging_blp.arguments(ExportInvoerSchema)
    @overbrenging_blp.response(201, OverbrengingSchema)
    @problems(overbrenging_blp, 403, 409)
    def post(self, data: dict):
        """Exporteer de zaken die nu over te brengen zijn (eventueel een selectie) als één
        pakket in de datamap; elk MDTO-bestand is tegen het schema gecontroleerd. Een fout
        stopt de export en laat niets achter (422 of 409 met de melding)."""
        return ob.export(
            db_session(),
            api_user(),
            out_dir=ob.packages_dir(settings().data_dir),
            store=blob_store(),
            selectie=ob.Selectie(
                identificaties=tuple(data["zaken"]),
                afdeling=data["afdeling"],
                zaaktype=data["zaaktype"],
                limit=data["limit"],
            ),
            maak_zip=data["zip"],
        )


@overbrenging_blp.route("/overbrengingen/<int:overbrenging_id>")
class OverbrengingDetail(MethodView):
    @overbrenging_blp.response(200, OverbrengingSchema)
    @problems(overbrenging_blp, 403, 404)
    def get(self, overbrenging_id: int):
        """Eén overbrenging."""
        return _get(overbrenging_id)


@overbrenging_blp.route("/overbrengingen/<int:overbrenging_id>/zip")
class OverbrengingZip(MethodView):
    @overbrenging_blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/zip",
        description="Het pakket (BagIt-zak) als zip, als bijlage.",
    )
    @problems(overbrenging_blp, 403, 404)
    def get(self, overbrenging_id: int):
        """Download het pakket als zip (gemaakt als de export er geen maakte)."""
        path = ob.zip_file(_get(overbrenging_id))
        return private_download(path, mimetype="application/zip", download_name=path.name)


@overbrenging_blp.route("/overbrengingen/<int:overbrenging_id>/bevestigen")
class OverbrengingBevestigen(MethodView):
    @overbrenging_blp.arguments(BevestigInvoerSchema)
    @overbrenging_blp.response(200, BevestigingSchema)
    @problems(overbrenging_blp, 403, 404, 409)
    def post(self, data: dict, overbrenging_id: int):
        """Bevestig dat het e-Depot het pakket ontving: de zaken worden overgedragen; met
        OVERBRENGING_INHOUD_VERWIJDEREN=1 verdwijnt daarna de lokale inhoud."""
        checked_number(overbrenging_id, "Overbrenging")
        return ob.confirm(
            db_session(),
            api_user(),
            overbrenging_id,
            store=blob_store(),
            toelichting=data["toelichting"],
        )
