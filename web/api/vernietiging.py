"""Destruction lists in the API: create from a selection, submit, review, answer, approve,
cancel, execute, and download the verklaring van vernietiging. Thin adapters over
retention.vernietiging and retention.verklaring; the services hold every rule."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from marshmallow import fields, validate

from retention import verklaring, vernietiging
from web.api import schemas as s
from web.api.auth import api_user, authenticate_request
from web.api.common import problems
from web.api.core import Blueprint
from web.app import blob_store, db_session, settings
from web.common import private_download

vernietiging_blp = Blueprint(
    "vernietiging",
    __name__,
    url_prefix="/api/v1/vernietigingslijsten",
    description="Vernietigingslijsten: opstellen uit een selectie van te vernietigen zaken, "
    "beoordelen (per zaak uitsluiten met reden), beantwoorden, definitief goedkeuren (vier "
    "ogen), bedenktijd, uitvoeren en de verklaring van vernietiging. Voor archivarissen en "
    "de aangewezen beoordelaars.",
)
vernietiging_blp.before_request(authenticate_request)


@vernietiging_blp.before_request
def _may_use() -> None:
    """Asked first, so a medewerker gets 403 for every call, also for a body that would
    otherwise have been refused as invalid (422)."""
    vernietiging.require_use(api_user())


MAX_ITEMS = 100_000


def _tekst(max_len: int = vernietiging.MAX_TEKST, **kwargs):
    return s.Tekst(validate=validate.Length(max=max_len, error="Maximaal {max} tekens."), **kwargs)


class LijstInvoerSchema(s.InvoerSchema):
    naam = s.Tekst(
        required=True,
        validate=validate.Length(
            min=1, max=vernietiging.MAX_NAAM, error="Geef 1 tot {max} tekens."
        ),
    )
    toelichting = _tekst(load_default="")
    afdeling = s.Tekst(load_default=None, allow_none=True, metadata={"description": "Code."})
    zaaktype = s.Tekst(
        load_default=None, allow_none=True, metadata={"description": "Identificatie."}
    )
    archiefactiedatum_voor = s.Datum(load_default=None, allow_none=True)
    beoordelaars = fields.List(
        s.Tekst(), load_default=list, metadata={"description": "Gebruikersnamen."}
    )


class UitsluitingSchema(s.InvoerSchema):
    zaak = s.Tekst(required=True)
    reden = s.Tekst(required=True)


class BeoordelingInvoerSchema(s.InvoerSchema):
    uitsluiten = fields.List(fields.Nested(UitsluitingSchema), load_default=list)
    toelichting = _tekst(load_default="")


class AntwoordInvoerSchema(s.InvoerSchema):
    zaak = s.Tekst(required=True)
    besluit = s.Tekst(
        required=True,
        validate=validate.OneOf(vernietiging.ANTWOORDEN, error="Kies verwijderen of handhaven."),
    )
    antwoord = _tekst(load_default="")


class AfbrekenInvoerSchema(s.InvoerSchema):
    reden = s.Tekst(required=True)


class BeoordelaarsInvoerSchema(s.InvoerSchema):
    beoordelaars = fields.List(s.Tekst(), required=True, error_messages={"required": s.REQUIRED})


class UitvoerenInvoerSchema(s.InvoerSchema):
    max_zaken = s.Geheel(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ITEMS),
        metadata={"description": "Hoogstens zoveel zaken in deze aanroep; daarna opnieuw."},
    )


class LijstQuerySchema(s.InvoerSchema):
    status = s.Tekst(
        load_default=None,
        validate=validate.OneOf(vernietiging.STATUSSEN, error="Onbekende status."),
    )


class VerklaringQuerySchema(s.InvoerSchema):
    formaat = s.Tekst(
        load_default="pdf", validate=validate.OneOf(("pdf", "csv"), error="Kies pdf of csv.")
    )


class OpmerkingSchema(ma.Schema):
    ronde = fields.Integer()
    beoordelaar = fields.String()
    reden = fields.String()
    antwoord_besluit = fields.String(allow_none=True)
    antwoord = fields.String()


class ItemSchema(ma.Schema):
    identificatie = fields.String()
    status = fields.String(
        metadata={"description": "op_lijst, uitgezonderd, vernietigd, geweigerd"}
    )
    melding = fields.String()
    zaaktype = fields.String(allow_none=True)
    afdeling = fields.String(allow_none=True)
    omschrijving = fields.String(
        allow_none=True,
        metadata={"description": "Alleen als u de zaak mag zien en ze niet vertrouwelijk is."},
    )
    einddatum = fields.String(allow_none=True)
    resultaat = fields.String(allow_none=True)
    selectielijstklasse = fields.String(allow_none=True)
    archiefactiedatum = fields.String(allow_none=True)
    opmerkingen = fields.List(fields.Nested(OpmerkingSchema))


class BeoordelingSchema(ma.Schema):
    ronde = fields.Integer()
    beoordelaar = fields.String()
    besluit = fields.String()
    toelichting = fields.String()
    beoordeeld_op = fields.DateTime()


class LijstSchema(ma.Schema):
    id = fields.Integer()
    url = fields.String()
    naam = fields.String()
    status = fields.String()
    ronde = fields.Integer()
    auteur = fields.String()
    beoordelaars = fields.List(fields.String())
    aantallen = fields.Dict(keys=fields.String(), values=fields.Integer())
    aangemaakt_op = fields.DateTime()
    bedenktijd_tot = fields.DateTime(allow_none=True)


class LijstDetailSchema(LijstSchema):
    toelichting = fields.String()
    selectie = fields.Dict()
    goedgekeurd_door = fields.String(allow_none=True)
    goedgekeurd_op = fields.DateTime(allow_none=True)
    uitgevoerd_door = fields.String(allow_none=True)
    vernietigd_op = fields.DateTime(allow_none=True)
    afgebroken_op = fields.DateTime(allow_none=True)
    afbreek_reden = fields.String()
    verklaring = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    zaken = fields.List(fields.Nested(ItemSchema))
    beoordelingen = fields.List(fields.Nested(BeoordelingSchema))


class UitvoeringSchema(ma.Schema):
    vernietigd = fields.List(fields.String())
    geweigerd = fields.Dict(keys=fields.String(), values=fields.String())
    resterend = fields.Integer()
    klaar = fields.Boolean()
    lijst = fields.Nested(LijstDetailSchema)


def _summary(lijst, counts: dict[str, int]) -> dict:
    return {
        "id": lijst.id,
        "url": url_for("vernietiging.Lijst", lijst_id=lijst.id, _external=True),
        "naam": lijst.naam,
        "status": lijst.status,
        "ronde": lijst.ronde,
        "auteur": lijst.auteur.username,
        "beoordelaars": [b.user.username for b in lijst.beoordelaars],
        "aantallen": counts,
        "aangemaakt_op": lijst.aangemaakt_op,
        "bedenktijd_tot": lijst.bedenktijd_tot,
    }


def _detail(lijst) -> dict:
    user = api_user()
    counts = vernietiging.item_counts(db_session(), [lijst.id])[lijst.id]
    return _summary(lijst, counts) | {
        "toelichting": lijst.toelichting,
        "selectie": lijst.selectie,
        "goedgekeurd_door": lijst.goedgekeurd_door.username if lijst.goedgekeurd_door else None,
        "goedgekeurd_op": lijst.goedgekeurd_op,
        "uitgevoerd_door": lijst.uitgevoerd_door.username if lijst.uitgevoerd_door else None,
        "vernietigd_op": lijst.vernietigd_op,
        "afgebroken_op": lijst.afgebroken_op,
        "afbreek_reden": lijst.afbreek_reden,
        "verklaring": (
            {
                "pdf": url_for(
                    "vernietiging.Verklaring", lijst_id=lijst.id, formaat="pdf", _external=True
                ),
                "csv": url_for(
                    "vernietiging.Verklaring", lijst_id=lijst.id, formaat="csv", _external=True
                ),
            }
            if lijst.verklaring_pdf
            else None
        ),
        "zaken": [
            {
                "identificatie": i.zaak_identificatie,
                "status": i.status,
                "melding": i.melding,
                "zaaktype": i.gegevens.get("zaaktype"),
                "afdeling": i.gegevens.get("afdeling"),
                "omschrijving": vernietiging.visible_omschrijving(user, i),
                "einddatum": i.gegevens.get("einddatum"),
                "resultaat": i.gegevens.get("resultaat"),
                "selectielijstklasse": i.gegevens.get("selectielijstklasse"),
                "archiefactiedatum": i.gegevens.get("archiefactiedatum"),
                "opmerkingen": [
                    {
                        "ronde": o.beoordeling.ronde,
                        "beoordelaar": o.beoordeling.beoordelaar.username,
                        "reden": o.reden,
                        "antwoord_besluit": o.antwoord_besluit,
                        "antwoord": o.antwoord,
                    }
                    for o in i.opmerkingen
                ],
            }
            for i in lijst.items
        ],
        "beoordelingen": [
            {
                "ronde": b.ronde,
                "beoordelaar": b.beoordelaar.username,
                "besluit": b.besluit,
                "toelichting": b.toelichting,
                "beoordeeld_op": b.beoordeeld_op,
            }
            for b in lijst.beoordelingen
        ],
    }


def _lijst(lijst_id: int):
    return vernietiging.get_list(db_session(), api_user(), lijst_id)


@vernietiging_blp.route("")
class Lijsten(MethodView):
    @vernietiging_blp.arguments(LijstQuerySchema, location="query", as_kwargs=False)
    @vernietiging_blp.response(200, LijstSchema(many=True))
    @problems(vernietiging_blp, 403)
    def get(self, args: dict):
        """De lijsten die u mag zien: een archivaris alle, een beoordelaar de zijne."""
        session = db_session()
        lijsten = vernietiging.list_lists(session, api_user(), status=args["status"])
        counts = vernietiging.item_counts(session, [lijst.id for lijst in lijsten])
        return [_summary(lijst, counts[lijst.id]) for lijst in lijsten]

    @vernietiging_blp.arguments(LijstInvoerSchema)
    @vernietiging_blp.response(201, LijstDetailSchema)
    @problems(vernietiging_blp, 403)
    def post(self, data: dict):
        """Stel een lijst op met alle zaken uit de selectie die nu te vernietigen zijn."""
        lijst = vernietiging.create_list(
            db_session(),
            api_user(),
            naam=data["naam"],
            toelichting=data["toelichting"],
            selectie=vernietiging.Selectie(
                afdeling=data["afdeling"],
                zaaktype=data["zaaktype"],
                archiefactiedatum_voor=data["archiefactiedatum_voor"],
            ),
            beoordelaars=data["beoordelaars"],
        )
        return _detail(lijst)


@vernietiging_blp.route("/<int:lijst_id>")
class Lijst(MethodView):
    @vernietiging_blp.response(200, LijstDetailSchema)
    @problems(vernietiging_blp, 403, 404)
    def get(self, lijst_id: int):
        """Eén lijst met haar zaken (bewaargegevens), oordelen, opmerkingen en antwoorden."""
        return _detail(_lijst(lijst_id))


def _action(name: str, schema, call, doc: str) -> None:
    """A POST on /<id>/<name> calling ``call(session, user, lijst, data)``."""

    def post(self, data: dict, lijst_id: int):
        lijst = _lijst(lijst_id)
        call(db_session(), api_user(), lijst, data)
        return _detail(lijst)

    post.__doc__ = doc
    post = problems(vernietiging_blp, 403, 404, 409)(post)
    post = vernietiging_blp.response(200, LijstDetailSchema)(post)
    post = vernietiging_blp.arguments(schema)(post)
    view = type(f"Actie{name.capitalize()}", (MethodView,), {"post": post})
    vernietiging_blp.route(f"/<int:lijst_id>/{name}", endpoint=name)(view)


class LeegSchema(s.InvoerSchema):
    pass


_action(
    "beoordelaars",
    BeoordelaarsInvoerSchema,
    lambda db, u, lijst, d: vernietiging.set_reviewers(db, u, lijst, d["beoordelaars"]),
    "Wijs de beoordelaars aan (de opsteller, zolang de lijst nieuw is of wijzigingen vraagt).",
)
_action(
    "indienen",
    LeegSchema,
    lambda db, u, lijst, d: vernietiging.submit(db, u, lijst),
    "Dien de lijst (opnieuw) in bij de beoordelaars: een nieuwe ronde.",
)
_action(
    "beoordelen",
    BeoordelingInvoerSchema,
    lambda db, u, lijst, d: vernietiging.review(
        db,
        u,
        lijst,
        uitsluiten={x["zaak"]: x["reden"] for x in d["uitsluiten"]},
        toelichting=d["toelichting"],
    ),
    "Uw oordeel als aangewezen beoordelaar: akkoord (geen uitsluitingen) of zaken uitsluiten, "
    "elk met een reden.",
)
_action(
    "antwoorden",
    AntwoordInvoerSchema,
    lambda db, u, lijst, d: vernietiging.answer(
        db, u, lijst, d["zaak"], besluit=d["besluit"], antwoord=d["antwoord"]
    ),
    "Het antwoord van de opsteller op de opmerkingen bij één zaak: verwijderen of handhaven.",
)
_action(
    "goedkeuren",
    LeegSchema,
    lambda db, u, lijst, d: vernietiging.approve(db, u, lijst),
    "Definitieve goedkeuring door een archivaris die niet de opsteller is; de bedenktijd begint.",
)
_action(
    "afbreken",
    AfbrekenInvoerSchema,
    lambda db, u, lijst, d: vernietiging.cancel(db, u, lijst, reden=d["reden"]),
    "Breek de lijst af vóór de uitvoering (ook in de bedenktijd).",
)


@vernietiging_blp.route("/<int:lijst_id>/uitvoeren")
class Uitvoeren(MethodView):
    @vernietiging_blp.arguments(UitvoerenInvoerSchema)
    @vernietiging_blp.response(200, UitvoeringSchema)
    @problems(vernietiging_blp, 403, 404, 409)
    def post(self, data: dict, lijst_id: int):
        """Voer de lijst uit na de bedenktijd; elke zaak in een eigen transactie. Met
        ``max_zaken`` in delen: ``resterend`` zegt hoeveel er nog open staan (roep dan opnieuw
        aan). Geweigerde zaken (bevroren, uitgezonderd, niet meer te vernietigen) staan in
        ``geweigerd``. Klaar: de verklaring van vernietiging is gearchiveerd."""
        lijst = _lijst(lijst_id)
        result = vernietiging.execute(
            db_session(),
            api_user(),
            lijst,
            store=blob_store(),
            max_bytes=settings().max_upload_bytes,
            max_items=data["max_zaken"],
        )
        lijst = _lijst(lijst_id)
        return {
            "vernietigd": result.vernietigd,
            "geweigerd": result.geweigerd,
            "resterend": result.resterend,
            "klaar": result.klaar,
            "lijst": _detail(lijst),
        }


@vernietiging_blp.route("/<int:lijst_id>/verklaring")
class Verklaring(MethodView):
    @vernietiging_blp.arguments(VerklaringQuerySchema, location="query", as_kwargs=False)
    @vernietiging_blp.response(
        200, content_type="application/pdf", description="De verklaring als PDF of CSV."
    )
    @problems(vernietiging_blp, 403, 404, 409)
    def get(self, args: dict, lijst_id: int):
        """Download de verklaring van vernietiging (``?formaat=pdf`` of ``csv``)."""
        lijst = _lijst(lijst_id)
        _document, versie, content = verklaring.open_verklaring(
            db_session(), api_user(), lijst, args["formaat"], store=blob_store()
        )
        return private_download(content, mimetype=versie.formaat, download_name=versie.bestandsnaam)
