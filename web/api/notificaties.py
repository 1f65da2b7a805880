"""Notifications in the API: what you follow (volgen), your inbox and your e-mail preference;
for administrators the outgoing webhooks with their dead letters, and a department's
network signal. Thin adapters over archive.notificaties and zaaktypen.afdelingen; the
services hold every rule (access is asked when a notification is shown, not only when it
was delivered).

A BSN never travels in a URL or query string here (it would end up in access logs): a
person is followed by betrokkene id, or by BSN in the JSON body only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from archive.errors import NotFound, ValidationFailed
from archive.models import Betrokkene, User, Volging, Webhook, WebhookAflevering
from archive.notificaties import inbox, soorten, volgen, voorkeuren, webhooks
from archive.validation import is_valid_bsn
from web.api import schemas as s
from web.api.auth import api_user, authenticate_request
from web.api.common import MAX_ID, checked_text, problems, writes_need_beheerder
from web.api.core import Blueprint
from web.app import db_session, settings
from zaaktypen import afdelingen as afdelingen_service
from zaaktypen.models import Afdeling

MAX_BIG_ID = 2**63 - 1
BSN_FOUT = "Geef een geldig BSN: 9 cijfers die de elfproef doorstaan."
GEEN_VOLGING = "Dit volgen bestaat niet."
GEEN_NOTIFICATIE = "Deze notificatie bestaat niet."

notificaties_blp = Blueprint(
    "notificaties",
    __name__,
    url_prefix="/api/v1",
    description="Volgen (zaken, personen, afdelingen), de inbox met notificaties en uw "
    "voorkeur voor e-mail. Alleen over wat u mag zien: wat u niet (meer) mag zien, bestaat "
    "hier niet.",
)
notificaties_blp.before_request(authenticate_request)

webhooks_blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/webhooks",
    description="Uitgaande webhooks voor andere systemen: ondertekende JSON-gebeurtenissen "
    "(HMAC-SHA256), herhaald met toenemende wachttijd, en de lijst van dode afleveringen om "
    "opnieuw aan te bieden. Alleen voor beheerders.",
)


def _only_admin() -> None:
    """``before_request`` after authentication: 403 for anyone else, before any lookup."""
    webhooks.require_admin(api_user())


webhooks_blp.before_request(authenticate_request)
webhooks_blp.before_request(_only_admin)

signalering_blp = Blueprint(
    "signalering",
    __name__,
    url_prefix="/api/v1/afdelingen",
    description="Het netwerksignaal van een afdeling: een nieuwe registratie over een persoon "
    "hier meldt de regisseurs van diens zaken elders, zonder inhoud, wie zij kunnen "
    "benaderen. Lezen mag iedereen met een token; wijzigen alleen een beheerder.",
)
signalering_blp.before_request(authenticate_request)
signalering_blp.before_request(writes_need_beheerder)


def _id(value: int, message: str, *, max_id: int = MAX_BIG_ID) -> int:
    """An id from the URL the database can hold, else the record is simply absent."""
    if not 0 < value <= max_id:
        raise NotFound(message)
    return value


def _page_range(max_size: int = s.MAX_PAGE_SIZE) -> tuple:
    page = s.Geheel(
        load_default=1,
        validate=validate.Range(min=1, max=s.MAX_PAGE, error="Kies een pagina van 1 tot {max}."),
        metadata={"description": "Paginanummer, vanaf 1."},
    )
    size = s.Geheel(
        load_default=25,
        validate=validate.Range(
            min=1, max=max_size, error="Kies een paginagrootte van 1 tot {max}."
        ),
        metadata={"description": f"Aantal per pagina (maximaal {max_size})."},
    )
    return page, size


def _pages(endpoint: str, args: dict, total: int, page: int, per_page: int) -> dict:
    """``next``/``previous`` links of a list, keeping its other query parameters."""
    pages = max(1, -(-total // per_page))
    query = {k: v for k, v in args.items() if k != "page" and v is not None}
    query = {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in query.items()}

    def link(n: int) -> str:
        return url_for(endpoint, _external=True, page=n, **query)

    return {
        "count": total,
        "next": link(page + 1) if page < pages else None,
        "previous": link(min(page - 1, pages)) if page > 1 else None,
    }


class PaginaSchema(ma.Schema):
    count = fields.Integer(metadata={"description": "Totaal aantal over alle pagina's."})
    next = fields.String(allow_none=True, metadata={"description": "URL van de volgende pagina."})
    previous = fields.String(allow_none=True, metadata={"description": "URL van de vorige."})


# -- volgen ---------------------------------------------------------------------------------

_OBJECT_VELDEN = {"zaak": ("zaak",), "persoon": ("persoon", "bsn"), "afdeling": ("afdeling",)}
_ONTBREEKT = {
    "zaak": "Geef de identificatie van de zaak.",
    "persoon": "Geef het id van de betrokkene (persoon), of het BSN in 'bsn'.",
    "afdeling": "Geef de code van de afdeling.",
}


def _check_bsn(value: str) -> None:
    if len(value) > 9 or not value.isascii() or not is_valid_bsn(value):
        raise ma.ValidationError(BSN_FOUT)


class VolgenQuerySchema(s.InvoerSchema):
    soort = s.Tekst(
        load_default=None,
        validate=validate.OneOf(soorten.VOLG_SOORTEN, error="Kies een van: {choices}."),
        metadata={"description": "Alleen zaak, persoon of afdeling."},
    )


class VolgenInvoerSchema(s.InvoerSchema):
    soort = s.Tekst(
        required=True,
        validate=validate.OneOf(soorten.VOLG_SOORTEN, error="Kies een van: {choices}."),
    )
    zaak = s.Tekst(
        validate=validate.Length(min=1, max=40, error="Geef de identificatie van de zaak."),
        metadata={"description": "Bij soort zaak: de identificatie."},
    )
    persoon = s.Geheel(
        strict=True,
        validate=validate.Range(min=1, max=MAX_BIG_ID, error="Geef het id van een betrokkene."),
        metadata={"description": "Bij soort persoon: het id van de betrokkene."},
    )
    bsn = s.Tekst(
        validate=_check_bsn,
        metadata={
            "description": "Bij soort persoon, in plaats van ``persoon``: het BSN. Alleen in "
            "de body, nooit in een URL."
        },
    )
    afdeling = s.Tekst(
        validate=validate.Length(min=1, max=40, error="Geef de code van de afdeling."),
        metadata={"description": "Bij soort afdeling: de code."},
    )

    @ma.validates_schema
    def _one_object(self, data, **kwargs):
        soort = data["soort"]
        wanted = _OBJECT_VELDEN[soort]
        errors = {
            veld: [f"Hoort niet bij soort {soort}."]
            for veld in ("zaak", "persoon", "bsn", "afdeling")
            if veld in data and veld not in wanted
        }
        given = [veld for veld in wanted if veld in data]
        if not given:
            errors[wanted[0]] = [_ONTBREEKT[soort]]
        elif len(given) > 1:
            errors["bsn"] = ["Geef persoon of bsn, niet allebei."]
        if errors:
            raise ma.ValidationError(errors)


class VolgingSchema(ma.Schema):
    id = fields.Integer()
    url = fields.String(metadata={"description": "Dit volgen (GET, DELETE)."})
    soort = fields.String(metadata={"description": "zaak, persoon of afdeling"})
    zaak = fields.String(allow_none=True, metadata={"description": "Identificatie."})
    persoon = fields.Integer(allow_none=True, metadata={"description": "Id van de betrokkene."})
    afdeling = fields.String(allow_none=True, metadata={"description": "Code."})
    object_url = fields.String(
        metadata={
            "description": "De zaak of afdeling in de API; bij een persoon de persoonspagina "
            "(op id, zonder BSN)."
        }
    )
    reden = fields.String(
        metadata={"description": "handmatig, of door een rol: melder, behandelaar, regisseur."}
    )
    aangemaakt_op = fields.DateTime()


class VolgingLijstSchema(ma.Schema):
    count = fields.Integer()
    results = fields.List(fields.Nested(VolgingSchema))


def _volging(row: Volging, ref: str) -> dict:
    """``ref``: the zaak identificatie, the betrokkene id or the afdeling code."""
    out = {
        "id": row.id,
        "url": url_for("notificaties.VolgingDetail", volging_id=row.id, _external=True),
        "soort": row.soort,
        "zaak": None,
        "persoon": None,
        "afdeling": None,
        "reden": row.reden,
        "aangemaakt_op": row.aangemaakt_op,
    }
    if row.soort == "zaak":
        out["zaak"] = ref
        out["object_url"] = url_for("zaken.ZaakDetail", identificatie=ref, _external=True)
    elif row.soort == "persoon":
        out["persoon"] = int(ref)
        out["object_url"] = url_for("ui.persoon", betrokkene_id=int(ref), _external=True)
    else:
        out["afdeling"] = ref
        out["object_url"] = url_for("afdelingen.AfdelingDetail", code=ref, _external=True)
    return out


@contextmanager
def _reported_as(field: str) -> Iterator[None]:
    """An object named in the body that does not exist (or is hidden): 404, and the
    message under the body's field — the same answer for both."""
    try:
        yield
    except NotFound as exc:
        raise NotFound(exc.message, field=field) from None


def _object_ref(data: dict) -> tuple[str, str | int]:
    """(body field, reference for volgen.resolve) of a valid VolgenInvoerSchema body."""
    soort = data["soort"]
    if soort == "zaak":
        return "zaak", data["zaak"]
    if soort == "afdeling":
        return "afdeling", data["afdeling"].upper()
    if "persoon" in data:
        return "persoon", data["persoon"]
    betrokkene_id = db_session().scalar(select(Betrokkene.id).where(Betrokkene.bsn == data["bsn"]))
    if betrokkene_id is None:
        # the message of a person one may not see (volgen.resolve): absent looks the same
        raise NotFound("Deze persoon bestaat niet.", field="bsn")
    return "bsn", betrokkene_id


@notificaties_blp.route("/volgen")
class Volgen(MethodView):
    @notificaties_blp.arguments(VolgenQuerySchema, location="query", as_kwargs=False)
    @notificaties_blp.response(200, VolgingLijstSchema)
    @problems(notificaties_blp)
    def get(self, args: dict):
        """Wat u volgt (met de hand of door een rol), van wat u nog mag zien."""
        rows = volgen.list_follows(db_session(), api_user())
        if args["soort"]:
            rows = [g for g in rows if g.volging.soort == args["soort"]]
        return {"count": len(rows), "results": [_volging(g.volging, g.ref) for g in rows]}

    @notificaties_blp.arguments(VolgenInvoerSchema)
    @notificaties_blp.response(201, VolgingSchema)
    @notificaties_blp.alt_response(200, schema=VolgingSchema, description="U volgde dit al.")
    @problems(notificaties_blp, 404)
    def post(self, data: dict):
        """Volg een zaak, een persoon of een afdeling die u mag zien. Nogmaals volgen geeft
        het bestaande volgen terug (200); een zaak of persoon die u niet mag zien, bestaat
        niet (404)."""
        session, user = db_session(), api_user()
        field, ref = _object_ref(data)
        with _reported_as(field):
            target = volgen.resolve(session, user, data["soort"], ref)
            already = volgen.is_following(session, user, target.soort, target.object_id)
            row = volgen.follow(session, user, data["soort"], ref)
        ref_out = str(target.object_id) if target.soort == "persoon" else target.label
        location = url_for("notificaties.VolgingDetail", volging_id=row.id, _external=True)
        return _volging(row, ref_out), 200 if already else 201, {"Location": location}


@notificaties_blp.route("/volgen/<int:volging_id>")
class VolgingDetail(MethodView):
    @notificaties_blp.response(200, VolgingSchema)
    @problems(notificaties_blp, 404)
    def get(self, volging_id: int):
        """Eén volgen van u."""
        _id(volging_id, GEEN_VOLGING)
        for gevolgd in volgen.list_follows(db_session(), api_user()):
            if gevolgd.volging.id == volging_id:
                return _volging(gevolgd.volging, gevolgd.ref)
        raise NotFound(GEEN_VOLGING)

    @notificaties_blp.response(204)
    @problems(notificaties_blp, 404)
    def delete(self, volging_id: int):
        """Stop met volgen. Volgen door een rol blijft daarna uit."""
        _id(volging_id, GEEN_VOLGING)
        volgen.unfollow_by_id(db_session(), api_user(), volging_id)
        return None


# -- inbox ----------------------------------------------------------------------------------

_inbox_page, _inbox_size = _page_range()


class InboxQuerySchema(s.InvoerSchema):
    ongelezen = s.JaNee(
        load_default=False, metadata={"description": "true: alleen ongelezen notificaties."}
    )
    page = _inbox_page
    page_size = _inbox_size


class InboxObjectSchema(ma.Schema):
    type = fields.String(metadata={"description": "zaak, document, vernietigingslijst, afdeling"})
    identificatie = fields.String(
        metadata={"description": "Identificatie; bij een lijst haar id, bij een afdeling de code."}
    )
    url = fields.String(metadata={"description": "Het object in de API."})


class SignaalSchema(ma.Schema):
    afdeling = fields.String(metadata={"description": "Code van de afdeling met de registratie."})
    afdeling_naam = fields.String()
    contact = fields.String(metadata={"description": "Wie u daar kunt benaderen."})


class NotificatieSchema(ma.Schema):
    id = fields.Integer()
    url = fields.String()
    soort = fields.String(metadata={"description": ", ".join(soorten.NOTIFICATIES)})
    reden = fields.String(
        metadata={
            "description": "Waarom u dit krijgt: zaak, persoon, afdeling (u volgt die), "
            "beoordelaar, beheer of signaal."
        }
    )
    aangemaakt_op = fields.DateTime()
    gelezen_op = fields.DateTime(allow_none=True)
    object = fields.Nested(
        InboxObjectSchema,
        allow_none=True,
        metadata={"description": "Waar de notificatie over gaat; bij een signaal uw eigen zaak."},
    )
    signaal = fields.Nested(
        SignaalSchema,
        allow_none=True,
        metadata={
            "description": "Alleen bij persoon.signaal: de afdeling van de nieuwe registratie "
            "en wie u daar kunt benaderen — geen naam, BSN of inhoud."
        },
    )


class InboxPaginaSchema(PaginaSchema):
    ongelezen = fields.Integer(metadata={"description": "Aantal ongelezen notificaties."})
    results = fields.List(fields.Nested(NotificatieSchema))


class AantalSchema(ma.Schema):
    aantal = fields.Integer()


_OBJECT_ENDPOINTS = {
    "zaak": ("zaken.ZaakDetail", "identificatie"),
    "document": ("documenten.DocumentDetail", "identificatie"),
    "vernietigingslijst": ("vernietiging.Lijst", "lijst_id"),
    "afdeling": ("afdelingen.AfdelingDetail", "code"),
}


def _notificatie(item: inbox.InboxItem) -> dict:
    n = item.notificatie
    obj = None
    if item.doel is not None:
        kind, ref = item.doel
        endpoint, param = _OBJECT_ENDPOINTS[kind]
        value = int(ref) if param == "lijst_id" else ref
        obj = {
            "type": kind,
            "identificatie": ref,
            "url": url_for(endpoint, _external=True, **{param: value}),
        }
    signaal = None
    if n.soort == soorten.PERSOON_SIGNAAL and item.afdeling is not None:
        signaal = {
            "afdeling": item.afdeling.code,
            "afdeling_naam": item.afdeling.naam,
            "contact": item.signaal_contact,
        }
    return {
        "id": n.id,
        "url": url_for("notificaties.InboxNotificatie", notificatie_id=n.id, _external=True),
        "soort": n.soort,
        "reden": n.reden,
        "aangemaakt_op": n.aangemaakt_op,
        "gelezen_op": n.gelezen_op,
        "object": obj,
        "signaal": signaal,
    }


@notificaties_blp.route("/inbox")
class Inbox(MethodView):
    @notificaties_blp.arguments(InboxQuerySchema, location="query", as_kwargs=False)
    @notificaties_blp.response(200, InboxPaginaSchema)
    @problems(notificaties_blp)
    def get(self, args: dict):
        """Uw notificaties, nieuwste eerst, per pagina; alleen over wat u nu mag zien (ook
        in de aantallen)."""
        page, per_page = args["page"], args["page_size"]
        overzicht = inbox.overview(
            db_session(),
            api_user(),
            pagina=page,
            per_pagina=per_page,
            alleen_ongelezen=args["ongelezen"],
        )
        return {
            **_pages("notificaties.Inbox", args, overzicht.totaal, page, per_page),
            "ongelezen": overzicht.ongelezen,
            "results": [_notificatie(item) for item in overzicht.items],
        }


@notificaties_blp.route("/inbox/gelezen")
class InboxAllesGelezen(MethodView):
    @notificaties_blp.response(200, AantalSchema)
    @problems(notificaties_blp)
    def post(self):
        """Markeer al uw notificaties als gelezen; ``aantal``: hoeveel er ongelezen waren."""
        session, user = db_session(), api_user()
        aantal = inbox.overview(session, user, per_pagina=0, alleen_ongelezen=True).totaal
        inbox.mark_all_read(session, user)
        return {"aantal": aantal}


@notificaties_blp.route("/inbox/<int:notificatie_id>")
class InboxNotificatie(MethodView):
    @notificaties_blp.response(200, NotificatieSchema)
    @problems(notificaties_blp, 404)
    def get(self, notificatie_id: int):
        """Eén notificatie (ze blijft ongelezen)."""
        _id(notificatie_id, GEEN_NOTIFICATIE)
        return _notificatie(inbox.get_item(db_session(), api_user(), notificatie_id))


@notificaties_blp.route("/inbox/<int:notificatie_id>/gelezen")
class InboxGelezen(MethodView):
    @notificaties_blp.response(200, NotificatieSchema)
    @problems(notificaties_blp, 404)
    def post(self, notificatie_id: int):
        """Markeer de notificatie als gelezen."""
        _id(notificatie_id, GEEN_NOTIFICATIE)
        return _notificatie(inbox.mark_read(db_session(), api_user(), notificatie_id))


@notificaties_blp.route("/inbox/<int:notificatie_id>/ongelezen")
class InboxOngelezen(MethodView):
    @notificaties_blp.response(200, NotificatieSchema)
    @problems(notificaties_blp, 404)
    def post(self, notificatie_id: int):
        """Markeer de notificatie weer als ongelezen."""
        _id(notificatie_id, GEEN_NOTIFICATIE)
        return _notificatie(inbox.mark_unread(db_session(), api_user(), notificatie_id))


# -- voorkeuren -----------------------------------------------------------------------------


class VoorkeurInvoerSchema(s.InvoerSchema):
    email = s.Tekst(
        required=True,
        validate=validate.OneOf(soorten.EMAIL_KEUZES, error="Kies een van: {choices}."),
        metadata={
            "description": "geen; direct (een e-mail per notificatie); dagelijks (een "
            "overzicht per dag)."
        },
    )
    digest_uur = s.Geheel(
        strict=True,
        validate=validate.Range(min=0, max=23, error="Kies een heel uur van 0 tot en met 23."),
        metadata={
            "description": "Uur (Europe/Amsterdam) van het dagelijkse overzicht; "
            "standaard ongewijzigd."
        },
    )


class VoorkeurSchema(ma.Schema):
    email = fields.String()
    digest_uur = fields.Integer()


def _voorkeur(row) -> dict:
    return {"email": row.email, "digest_uur": row.digest_uur}


@notificaties_blp.route("/voorkeuren/notificaties")
class Voorkeuren(MethodView):
    @notificaties_blp.response(200, VoorkeurSchema)
    @problems(notificaties_blp)
    def get(self):
        """Hoe u per e-mail over notificaties hoort. De e-mail noemt alleen de identificatie
        en een link, nooit namen, BSN's of inhoud."""
        return _voorkeur(voorkeuren.get_preferences(db_session(), api_user()))

    @notificaties_blp.arguments(VoorkeurInvoerSchema)
    @notificaties_blp.response(200, VoorkeurSchema)
    @problems(notificaties_blp)
    def put(self, data: dict):
        """Kies geen, direct of dagelijks e-mail (en het uur van het overzicht)."""
        session, user = db_session(), api_user()
        uur = data.get("digest_uur")
        if uur is None:
            uur = voorkeuren.get_preferences(session, user).digest_uur
        row = voorkeuren.set_preferences(session, user, email=data["email"], digest_uur=uur)
        return _voorkeur(row)


# -- webhooks -------------------------------------------------------------------------------

_LIJST = {"invalid": "Geef een lijst.", "null": s.NULL}


def _codes_field(**kwargs):
    return fields.List(
        s.Tekst(validate=s.max_length(40)),
        validate=validate.Length(max=1000, error="Maximaal {max}."),
        error_messages=_LIJST,
        **kwargs,
    )


class WebhookInvoerSchema(s.InvoerSchema):
    naam = s.Tekst(required=True, metadata={"description": "Uniek, maximaal 100 tekens."})
    url = s.Tekst(
        required=True,
        metadata={"description": "Het http(s)-adres dat de gebeurtenissen ontvangt."},
    )
    soorten = _codes_field(
        load_default=list,
        metadata={"description": f"Leeg: alle. Kies uit {', '.join(soorten.EVENTS)}."},
    )
    afdelingen = _codes_field(
        load_default=list, metadata={"description": "Codes; leeg: alle afdelingen."}
    )


class WebhookWijzigingSchema(s.InvoerSchema):
    naam = s.Tekst()
    url = s.Tekst()
    soorten = _codes_field()
    afdelingen = _codes_field()
    actief = s.JaNee(metadata={"description": "false: tijdelijk niets versturen."})


class AfleveringTellingSchema(ma.Schema):
    wachtend = fields.Integer()
    afgeleverd = fields.Integer()
    dood = fields.Integer()


class WebhookSchema(ma.Schema):
    id = fields.Integer()
    url = fields.String(metadata={"description": "Het adres dat de gebeurtenissen ontvangt."})
    naam = fields.String()
    soorten = fields.List(fields.String())
    afdelingen = fields.List(fields.String(), metadata={"description": "Codes."})
    actief = fields.Boolean()
    aangemaakt_op = fields.DateTime()
    aangemaakt_door = fields.String(allow_none=True)
    afleveringen = fields.Nested(AfleveringTellingSchema)


class WebhookMetGeheimSchema(WebhookSchema):
    geheim = fields.String(
        metadata={
            "description": "Het geheim voor de HMAC-SHA256-handtekening. Alleen nu te zien: "
            "bewaar het bij de ontvanger."
        }
    )


class WebhookLijstSchema(ma.Schema):
    count = fields.Integer()
    results = fields.List(fields.Nested(WebhookSchema))


_aflevering_page, _aflevering_size = _page_range()


class AfleveringQuerySchema(s.InvoerSchema):
    status = s.Tekst(
        load_default="dood",
        validate=validate.OneOf((*webhooks.STATUSSEN, "alle"), error="Kies een van: {choices}."),
        metadata={"description": "Standaard dood (de dode afleveringen); alle: elke status."},
    )
    webhook = s.Geheel(
        load_default=None,
        validate=validate.Range(min=1, max=MAX_ID, error="Geef het id van een webhook."),
        metadata={"description": "Alleen van deze webhook (id)."},
    )
    page = _aflevering_page
    page_size = _aflevering_size


class GebeurtenisSchema(ma.Schema):
    kenmerk = fields.String(metadata={"description": "De Idempotency-Key bij de ontvanger."})
    actie = fields.String()
    aangemaakt_op = fields.DateTime()


class AfleveringSchema(ma.Schema):
    id = fields.Integer()
    webhook = fields.Integer()
    webhook_naam = fields.String()
    status = fields.String()
    pogingen = fields.Integer()
    laatste_http_status = fields.Integer(allow_none=True)
    laatste_fout = fields.String()
    volgende_poging_op = fields.DateTime()
    aangemaakt_op = fields.DateTime()
    afgeleverd_op = fields.DateTime(allow_none=True)
    gebeurtenis = fields.Nested(GebeurtenisSchema)


class AfleveringPaginaSchema(PaginaSchema):
    results = fields.List(fields.Nested(AfleveringSchema))


class OpnieuwInvoerSchema(s.InvoerSchema):
    ids = fields.List(
        s.Geheel(strict=True, validate=validate.Range(min=1, max=MAX_BIG_ID)),
        validate=validate.Length(min=1, max=10_000, error="Geef 1 tot {max} nummers."),
        error_messages=_LIJST,
        metadata={"description": "Deze dode afleveringen."},
    )
    webhook = s.Geheel(
        strict=True,
        validate=validate.Range(min=1, max=MAX_ID, error="Geef het id van een webhook."),
        metadata={"description": "Alle dode afleveringen van deze webhook."},
    )
    alle = s.JaNee(metadata={"description": "true: alle dode afleveringen."})

    @ma.validates_schema
    def _one_choice(self, data, **kwargs):
        if data.get("alle") is False:
            raise ma.ValidationError("Geef true, of laat het veld weg.", "alle")
        given = [k for k in ("ids", "webhook", "alle") if k in data]
        if len(given) != 1:
            raise ma.ValidationError(
                {
                    k: ["Geef precies één van ids, webhook of alle."]
                    for k in (given or ["ids", "webhook", "alle"])
                }
            )


def _webhooks_out(hooks: list[Webhook]) -> list[dict]:
    """The webhooks as answered: delivery counts, department codes and creator's name
    loaded once for all of them."""
    session, user = db_session(), api_user()
    tellingen = webhooks.delivery_counts(session, user)
    afdeling_ids = {i for hook in hooks for i in hook.afdeling_ids or []}
    codes: dict[int, str] = {}
    if afdeling_ids:
        query = select(Afdeling.id, Afdeling.code).where(Afdeling.id.in_(afdeling_ids))
        codes = dict(session.execute(query).all())
    user_ids = {hook.aangemaakt_door_id for hook in hooks if hook.aangemaakt_door_id}
    names: dict[int, str] = {}
    if user_ids:
        query = select(User.id, User.username).where(User.id.in_(user_ids))
        names = dict(session.execute(query).all())
    return [
        {
            "id": hook.id,
            "url": hook.url,
            "naam": hook.naam,
            "soorten": list(hook.soorten or []),
            "afdelingen": sorted(codes[i] for i in hook.afdeling_ids or [] if i in codes),
            "actief": hook.actief,
            "aangemaakt_op": hook.aangemaakt_op,
            "aangemaakt_door": names.get(hook.aangemaakt_door_id),
            "afleveringen": tellingen.get(hook.id, dict.fromkeys(webhooks.STATUSSEN, 0)),
        }
        for hook in hooks
    ]


def _get_webhook(webhook_id: int) -> Webhook:
    _id(webhook_id, f"Webhook {webhook_id} bestaat niet.", max_id=MAX_ID)
    return webhooks.get_webhook(db_session(), api_user(), webhook_id)


def _location(hook: Webhook) -> dict[str, str]:
    return {"Location": url_for("webhooks.WebhookDetail", webhook_id=hook.id, _external=True)}


@webhooks_blp.route("")
class Webhooks(MethodView):
    @webhooks_blp.response(200, WebhookLijstSchema)
    @problems(webhooks_blp, 403)
    def get(self):
        """Alle webhooks, met per status het aantal afleveringen (het geheim nooit)."""
        rows = _webhooks_out(webhooks.list_webhooks(db_session(), api_user()))
        return {"count": len(rows), "results": rows}

    @webhooks_blp.arguments(WebhookInvoerSchema)
    @webhooks_blp.response(201, WebhookMetGeheimSchema)
    @problems(webhooks_blp, 403)
    def post(self, data: dict):
        """Maak een webhook. Het antwoord bevat het geheim (``geheim``) voor de handtekening:
        alleen dit ene keer."""
        hook, geheim = webhooks.create_webhook(
            db_session(),
            api_user(),
            settings(),
            naam=data["naam"],
            url=data["url"],
            soort_lijst=data["soorten"],
            afdeling_codes=[c.upper() for c in data["afdelingen"]],
        )
        return {**_webhooks_out([hook])[0], "geheim": geheim}, 201, _location(hook)


@webhooks_blp.route("/<int:webhook_id>")
class WebhookDetail(MethodView):
    @webhooks_blp.response(200, WebhookSchema)
    @problems(webhooks_blp, 403, 404)
    def get(self, webhook_id: int):
        """Eén webhook (zonder geheim)."""
        return _webhooks_out([_get_webhook(webhook_id)])[0]

    @webhooks_blp.arguments(WebhookWijzigingSchema)
    @webhooks_blp.response(200, WebhookSchema)
    @problems(webhooks_blp, 403, 404)
    def patch(self, data: dict, webhook_id: int):
        """Wijzig naam, adres, soorten, afdelingen of actief; wat u weglaat, blijft."""
        hook = _get_webhook(webhook_id)
        codes = data.get("afdelingen")
        if codes is None:
            codes = _webhooks_out([hook])[0]["afdelingen"]
        webhooks.update_webhook(
            db_session(),
            api_user(),
            hook,
            naam=data.get("naam", hook.naam),
            url=data.get("url", hook.url),
            soort_lijst=data.get("soorten", hook.soorten),
            afdeling_codes=[c.upper() for c in codes],
            actief=data.get("actief", hook.actief),
        )
        return _webhooks_out([hook])[0]

    @webhooks_blp.response(204)
    @problems(webhooks_blp, 403, 404)
    def delete(self, webhook_id: int):
        """Verwijder de webhook met zijn afleveringen."""
        webhooks.delete_webhook(db_session(), api_user(), _get_webhook(webhook_id))
        return None


@webhooks_blp.route("/<int:webhook_id>/geheim")
class WebhookGeheim(MethodView):
    @webhooks_blp.response(200, WebhookMetGeheimSchema)
    @problems(webhooks_blp, 403, 404)
    def post(self, webhook_id: int):
        """Vervang het geheim; het nieuwe staat alleen in dit antwoord. Wat nog wacht, wordt
        met het nieuwe ondertekend."""
        hook = _get_webhook(webhook_id)
        geheim = webhooks.rotate_secret(db_session(), api_user(), settings(), hook)
        return {**_webhooks_out([hook])[0], "geheim": geheim}


def _aflevering(row: WebhookAflevering) -> dict:
    ev = row.gebeurtenis
    return {
        "id": row.id,
        "webhook": row.webhook_id,
        "webhook_naam": row.webhook.naam,
        "status": row.status,
        "pogingen": row.pogingen,
        "laatste_http_status": row.laatste_http_status,
        "laatste_fout": row.laatste_fout,
        "volgende_poging_op": row.volgende_poging_op,
        "aangemaakt_op": row.aangemaakt_op,
        "afgeleverd_op": row.afgeleverd_op,
        "gebeurtenis": {
            "kenmerk": ev.kenmerk,
            "actie": ev.soort,
            "aangemaakt_op": ev.aangemaakt_op,
        },
    }


@webhooks_blp.route("/afleveringen")
class Afleveringen(MethodView):
    @webhooks_blp.arguments(AfleveringQuerySchema, location="query", as_kwargs=False)
    @webhooks_blp.response(200, AfleveringPaginaSchema)
    @problems(webhooks_blp, 403)
    def get(self, args: dict):
        """De afleveringen, nieuwste eerst: standaard de dode (na de laatste poging), om te
        bekijken en opnieuw aan te bieden."""
        session, user = db_session(), api_user()
        status = None if args["status"] == "alle" else args["status"]
        page, per_page = args["page"], args["page_size"]
        tellingen = webhooks.delivery_counts(session, user)
        total = sum(
            n
            for webhook_id, per_status in tellingen.items()
            if args["webhook"] in (None, webhook_id)
            for naam, n in per_status.items()
            if status in (None, naam)
        )
        rows = webhooks.list_deliveries(
            session,
            user,
            status=status,
            webhook_id=args["webhook"],
            limit=per_page,
            offset=(page - 1) * per_page,
        )
        return {
            **_pages("webhooks.Afleveringen", args, total, page, per_page),
            "results": [_aflevering(row) for row in rows],
        }


@webhooks_blp.route("/afleveringen/opnieuw")
class AfleveringenOpnieuw(MethodView):
    @webhooks_blp.arguments(OpnieuwInvoerSchema)
    @webhooks_blp.response(200, AantalSchema)
    @problems(webhooks_blp, 403)
    def post(self, data: dict):
        """Bied dode afleveringen opnieuw aan: de gegeven (``ids``), alle van één webhook
        (``webhook``) of alle (``alle``: true). ``aantal``: hoeveel er weer wachten."""
        session, user = db_session(), api_user()
        webhook_id = data.get("webhook")
        if webhook_id is not None and session.get(Webhook, webhook_id) is None:
            raise ValidationFailed({"webhook": [f"Webhook {webhook_id} bestaat niet."]})
        try:
            aantal = webhooks.replay(
                session, user, aflevering_ids=data.get("ids"), webhook_id=webhook_id
            )
        except NotFound as exc:
            raise ValidationFailed({"ids": [exc.message]}) from None
        return {"aantal": aantal}


# -- signalering van een afdeling -----------------------------------------------------------


class SignaleringInvoerSchema(s.InvoerSchema):
    signalering_actief = s.JaNee(
        required=True,
        metadata={"description": "true: nieuwe registraties hier signaleren aan elders."},
    )
    signaal_contact = s.Tekst(
        load_default="",
        validate=s.max_length(300),
        metadata={
            "description": "Wie de andere afdelingen kunnen benaderen (een functie en een "
            "telefoonnummer of mailbox); verplicht als de signalering aan staat."
        },
    )


class SignaleringSchema(ma.Schema):
    afdeling = fields.String(attribute="code")
    naam = fields.String()
    signalering_actief = fields.Boolean()
    signaal_contact = fields.String()


def _signalering_afdeling(code: str) -> Afdeling:
    checked_text(code, "Afdeling", max_len=40)
    found = db_session().scalar(select(Afdeling).where(Afdeling.code == code.upper()))
    if found is None:
        raise NotFound(f"Afdeling '{code}' bestaat niet.")
    return found


@signalering_blp.route("/<code>/signalering")
class Signalering(MethodView):
    @signalering_blp.response(200, SignaleringSchema)
    @problems(signalering_blp, 404)
    def get(self, code: str):
        """Of de afdeling nieuwe registraties over een persoon signaleert, en wie de
        regisseurs elders dan kunnen benaderen."""
        return _signalering_afdeling(code)

    @signalering_blp.arguments(SignaleringInvoerSchema)
    @signalering_blp.response(200, SignaleringSchema)
    @problems(signalering_blp, 403, 404, 409)
    def put(self, data: dict, code: str):
        """Zet het signaal aan of uit (beheerder; vastgelegd in de audittrail)."""
        return afdelingen_service.set_signalering(
            db_session(),
            api_user(),
            _signalering_afdeling(code),
            actief=data["signalering_actief"],
            contact=data["signaal_contact"],
        )
