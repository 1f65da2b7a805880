"""Department API: standing and virtual departments, members, zaaktypen, closing and report.

Thin adapters over zaaktypen.afdelingen (create, members, generic zaaktypen, start closing),
archive.afdelingen (close, report) and zaaktypen.sjablonen (templates). Reads are open to
every authenticated user; writes need the role beheerder (the services refuse others too).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import make_response, url_for
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import access
from archive import afdelingen as sluiting
from archive import users as users_service
from archive.errors import Conflict, NotFound, ValidationFailed
from archive.models import User
from web.api import catalogus_schemas as cs
from web.api.auth import api_user, authenticate_request
from web.api.common import checked_text, problems, writes_need_beheerder
from web.api.core import Blueprint
from web.app import db_session
from zaaktypen import afdelingen as afdelingen_service
from zaaktypen import sjablonen
from zaaktypen.models import Afdeling, ZaakType
from zaaktypen.services import list_afdelingen, require_beheerder

afdelingen_blp = Blueprint(
    "afdelingen",
    __name__,
    url_prefix="/api/v1",
    description="Afdelingen, ook tijdelijke (virtuele): leden, zaaktypen, sluiten en het "
    "sluitingsrapport. Lezen mag iedereen met een token; wijzigen alleen een beheerder.",
)
afdelingen_blp.before_request(authenticate_request)
afdelingen_blp.before_request(writes_need_beheerder)


@dataclass
class _AfdelingMetZaakTypen:
    """A department plus its own zaaktypen, shaped for AfdelingDetailSchema."""

    afdeling: Afdeling
    zaaktypen: list[ZaakType]
    leden: list

    def __getattr__(self, name: str):
        return getattr(self.afdeling, name)


def _afdeling(session: Session, code: str) -> Afdeling:
    checked_text(code, "Afdeling", max_len=40)
    found = session.scalar(select(Afdeling).where(Afdeling.code == code.upper()))
    if found is None:
        raise NotFound(f"Afdeling '{code}' bestaat niet.")
    return found


def _detail(session: Session, afdeling: Afdeling) -> _AfdelingMetZaakTypen:
    eigen = session.scalars(
        select(ZaakType)
        .where(ZaakType.afdeling_id == afdeling.id)
        .order_by(ZaakType.identificatie, ZaakType.versie)
    )
    # who works where, with which clearance, is for DIV and the department itself
    leden = afdeling.leden if access.can_see_members(api_user(), afdeling) else []
    return _AfdelingMetZaakTypen(afdeling, list(eigen), leden)


def _location(afdeling: Afdeling) -> dict[str, str]:
    return {"Location": url_for("afdelingen.AfdelingDetail", code=afdeling.code, _external=True)}


@contextmanager
def _fields_renamed(names: dict[str, str]) -> Iterator[None]:
    """Report a service's field errors under the names of this request's body.

    An unknown zaaktype named in the body is a field error (422), not a missing resource.
    """
    try:
        yield
    except ValidationFailed as exc:
        raise ValidationFailed(
            {names.get(k, k): v for k, v in exc.errors.items()}, exc.message
        ) from None
    except NotFound as exc:
        if exc.field not in names:
            raise
        raise ValidationFailed({names[exc.field]: [exc.message]}) from None


def _users(session: Session, leden: list[dict]) -> list[tuple[User, dict]]:
    """The users named in ``leden``; every unknown name reported with its path."""
    found, errors = [], {}
    for i, lid in enumerate(leden):
        try:
            found.append((users_service.get_user(session, lid["gebruikersnaam"]), lid))
        except NotFound as exc:
            errors[f"leden[{i}].gebruikersnaam"] = [exc.message]
    if errors:
        raise ValidationFailed(errors)
    return found


def _gegevens(data: dict, *, virtueel: bool, defaults: bool = False):
    """AfdelingGegevens from the body. With ``defaults`` (a template), a level or retention
    policy left out stays None — the template's default — while an explicit null means none."""

    def optional(name: str) -> str | None:
        if defaults:
            return (data[name] or "") if name in data else None
        return data.get(name) or None

    return afdelingen_service.AfdelingGegevens(
        code=data["code"],
        naam=data["naam"],
        virtueel=virtueel,
        doel=data.get("doel") or "",
        startdatum=data.get("startdatum"),
        geplande_einddatum=data.get("geplande_einddatum"),
        vertrouwelijkheidaanduiding=optional("vertrouwelijkheidaanduiding"),
        retentiebeleid=optional("retentiebeleid"),
        retentie_reden=data.get("retentie_reden") or "",
        retentie_besluit=data.get("retentie_besluit") or "",
    )


def _from_sjabloon(session: Session, actor: User, data: dict, leden, generiek) -> Afdeling:
    sjabloon = sjablonen.get_sjabloon(data["sjabloon"])
    gegevens = _gegevens(data, virtueel=data.get("virtueel", sjabloon.virtueel), defaults=True)
    return sjablonen.apply_sjabloon(
        session,
        actor,
        sjabloon.code,
        gegevens,
        leden=[(user, lid["rol"], lid["clearance"]) for user, lid in leden],
        extra_generieke_zaaktypen=generiek,
    )


# --- afdelingen -------------------------------------------------------------------------------


@afdelingen_blp.route("/afdelingen")
class Afdelingen(MethodView):
    @afdelingen_blp.response(200, cs.AfdelingSchema(many=True))
    @problems(afdelingen_blp)
    def get(self):
        """Alle afdelingen, ook virtuele, met hun status."""
        return list_afdelingen(db_session())

    @afdelingen_blp.arguments(cs.AfdelingInvoerSchema)
    @afdelingen_blp.response(201, cs.AfdelingDetailSchema)
    @problems(afdelingen_blp, 403, 409)
    def post(self, data: dict):
        """Richt een afdeling in, leeg of uit een sjabloon (met diens zaaktypen)."""
        session = db_session()
        actor = api_user()
        leden = _users(session, data["leden"])
        generiek = list(data["generieke_zaaktypen"])
        renamed = {"zaaktypen": "generieke_zaaktypen", "sjabloon": "sjabloon"}
        with _fields_renamed(renamed):
            if data.get("sjabloon"):
                afdeling = _from_sjabloon(session, actor, data, leden, generiek)
            else:
                gegevens = _gegevens(data, virtueel=data.get("virtueel", True))
                gegevens.generieke_zaaktypen = generiek
                afdeling = afdelingen_service.create_department(session, actor, gegevens)
                for user, lid in leden:
                    afdelingen_service.set_member(
                        session, actor, afdeling, user, rol=lid["rol"], clearance=lid["clearance"]
                    )
        return _detail(session, afdeling), 201, _location(afdeling)


@afdelingen_blp.route("/afdelingen/<code>")
class AfdelingDetail(MethodView):
    @afdelingen_blp.response(200, cs.AfdelingDetailSchema)
    @problems(afdelingen_blp, 404)
    def get(self, code: str):
        """Eén afdeling met leden, gekozen generieke zaaktypen, eigen zaaktypen en status."""
        session = db_session()
        return _detail(session, _afdeling(session, code))


@afdelingen_blp.route("/afdelingen/<code>/leden/<gebruikersnaam>")
class AfdelingLid(MethodView):
    @afdelingen_blp.arguments(cs.LidInvoerSchema)
    @afdelingen_blp.response(200, cs.LidSchema)
    @problems(afdelingen_blp, 403, 404, 409)
    def put(self, data: dict, code: str, gebruikersnaam: str):
        """Maak een gebruiker lid, of wijzig diens rol en clearance."""
        session = db_session()
        afdeling = _afdeling(session, code)
        checked_text(gebruikersnaam, "Gebruiker")
        user = users_service.get_user(session, gebruikersnaam)
        return afdelingen_service.set_member(
            session, api_user(), afdeling, user, rol=data["rol"], clearance=data["clearance"]
        )

    @afdelingen_blp.response(204)
    @problems(afdelingen_blp, 403, 404)
    def delete(self, code: str, gebruikersnaam: str):
        """Haal een lid uit de afdeling."""
        session = db_session()
        afdeling = _afdeling(session, code)
        checked_text(gebruikersnaam, "Gebruiker")
        user = users_service.get_user(session, gebruikersnaam)
        afdelingen_service.remove_member(session, api_user(), afdeling, user)
        return None


@afdelingen_blp.route("/afdelingen/<code>/generieke-zaaktypen")
class AfdelingGeneriekeZaakTypen(MethodView):
    @afdelingen_blp.arguments(cs.GeneriekZaakTypeInvoerSchema)
    @afdelingen_blp.response(200, cs.AfdelingDetailSchema)
    @problems(afdelingen_blp, 403, 404, 409)
    def post(self, data: dict, code: str):
        """Kies een generiek zaaktype (alle versies) voor deze afdeling."""
        session = db_session()
        afdeling = _afdeling(session, code)
        with _fields_renamed({"zaaktypen": "identificatie"}):
            afdelingen_service.choose_generic_zaaktype(
                session, api_user(), afdeling, data["identificatie"]
            )
        return _detail(session, afdeling)


@afdelingen_blp.route("/afdelingen/<code>/sluiting-starten")
class AfdelingSluitingStarten(MethodView):
    @afdelingen_blp.response(200, cs.AfdelingDetailSchema)
    @problems(afdelingen_blp, 403, 404, 409)
    def post(self, code: str):
        """actief → sluitend: geen nieuwe zaken meer; lopende zaken gaan door."""
        session = db_session()
        afdeling = afdelingen_service.start_closing(session, api_user(), _afdeling(session, code))
        return _detail(session, afdeling)


def _rapport(afdeling: Afdeling, rows: list) -> dict:
    return {
        "afdeling": afdeling.code,
        "naam": afdeling.naam,
        "status": afdeling.status,
        "gesloten_op": afdeling.gesloten_op,
        "aantal_zaken": len(rows),
        "aantal_documenten": sum(r.documenten for r in rows),
        "regels": rows,
        "csv": url_for(
            "afdelingen.AfdelingRapport", code=afdeling.code, formaat="csv", _external=True
        ),
        "pdf": url_for(
            "afdelingen.AfdelingRapport", code=afdeling.code, formaat="pdf", _external=True
        ),
    }


@afdelingen_blp.route("/afdelingen/<code>/sluiten")
class AfdelingSluiten(MethodView):
    @afdelingen_blp.response(200, cs.SluitingsrapportSchema)
    @problems(afdelingen_blp, 403, 404, 409)
    def post(self, code: str):
        """sluitend → gesloten, alleen als al haar zaken zijn afgesloten (anders 409).

        Antwoordt met het sluitingsrapport: per zaak zaaktype, resultaat, aantal documenten
        en de uitkomst voor de bewaring.
        """
        session = db_session()
        user = api_user()
        afdeling = _afdeling(session, code)
        rows = sluiting.close(session, user, afdeling)
        return _rapport(afdeling, rows)


@afdelingen_blp.route("/afdelingen/<code>/rapport")
class AfdelingRapport(MethodView):
    @afdelingen_blp.arguments(cs.RapportQuerySchema, location="query", as_kwargs=False)
    @afdelingen_blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="text/csv",
        description="Het sluitingsrapport als bijlage: text/csv (standaard) of, met "
        "?formaat=pdf, application/pdf.",
    )
    @problems(afdelingen_blp, 403, 404, 409)
    def get(self, args: dict, code: str):
        """Download het sluitingsrapport van een gesloten afdeling (CSV of PDF); voor DIV."""
        require_beheerder(api_user())
        session = db_session()
        afdeling = _afdeling(session, code)
        if afdeling.status != "gesloten":
            raise Conflict(
                f"Afdeling {afdeling.naam} is {afdeling.status}; het sluitingsrapport is er "
                "zodra de afdeling gesloten is."
            )
        rows = sluiting.report_rows(session, afdeling, api_user())
        naam = f"sluitingsrapport-{afdeling.code.lower()}"
        if args["formaat"] == "pdf":
            response = make_response(sluiting.report_pdf(afdeling, rows))
            response.mimetype = "application/pdf"
            naam += ".pdf"
        else:
            response = make_response(sluiting.report_csv(rows).encode("utf-8"))
            response.headers["Content-Type"] = "text/csv; charset=utf-8"
            naam += ".csv"
        response.headers["Content-Disposition"] = f'attachment; filename="{naam}"'
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response


# --- sjablonen --------------------------------------------------------------------------------


@afdelingen_blp.route("/sjablonen")
class Sjablonen(MethodView):
    @afdelingen_blp.response(200, cs.SjabloonSchema(many=True))
    @problems(afdelingen_blp)
    def get(self):
        """De sjablonen waaruit een afdeling ingericht kan worden (POST /afdelingen)."""
        return sjablonen.list_sjablonen()
