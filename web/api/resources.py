"""API resources: thin adapters that translate JSON/multipart into service calls.

Rules live in the services; here we only look up referenced catalogue entries, call the
service, and shape the answer. The request boundary (web.app) commits or rolls back.
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import request, send_file, url_for
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import documents as documents_service
from archive import zaken as zaken_service
from archive.errors import NotFound, ValidationFailed
from archive.models import Document, Zaak
from web.api import schemas as s
from web.api.auth import api_user, authenticate_request
from web.api.common import MAX_ID
from web.api.common import problems as _problems
from web.api.core import Blueprint
from web.app import blob_store, db_session, settings
from zaaktypen.models import Afdeling, InformatieObjectType, ZaakType

log = logging.getLogger(__name__)

IDENTIFICATIE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")

zaken_blp = Blueprint(
    "zaken", __name__, url_prefix="/api/v1/zaken", description="Zaken, hun statussen en dossier."
)
documenten_blp = Blueprint(
    "documenten", __name__, url_prefix="/api/v1/documenten", description="Documenten en inhoud."
)


def hidden_is_absent() -> None:
    """``before_request`` (after authentication): a zaak or document the user may not see
    answers 404 before the body is parsed — a 422 for a hidden record would betray it."""
    identificatie = (request.view_args or {}).get("identificatie")
    if identificatie is None:
        return None
    if request.blueprint == documenten_blp.name:
        _document(identificatie, pad=None)
    else:
        _checked_identificatie(identificatie, "Zaak")
        zaken_service.get_zaak(db_session(), api_user(), identificatie)
    return None


for _blp in (zaken_blp, documenten_blp):
    _blp.before_request(authenticate_request)
    _blp.before_request(hidden_is_absent)


# --- lookups ------------------------------------------------------------------------------


def _checked_identificatie(identificatie: str, soort: str) -> str:
    """Reject what cannot be an identificatie before it reaches the database (404)."""
    if not IDENTIFICATIE.match(identificatie):
        raise NotFound(f"{soort} '{identificatie[:60]}' bestaat niet.")
    return identificatie


def _zaak(identificatie: str) -> Zaak:
    _checked_identificatie(identificatie, "Zaak")
    return zaken_service.get_zaak(db_session(), api_user(), identificatie, pad="api")


def _zaak_for_change(identificatie: str) -> Zaak:
    _checked_identificatie(identificatie, "Zaak")
    # the answer carries the whole zaak: a view for the access log
    return zaken_service.get_zaak_for_change(db_session(), api_user(), identificatie, pad="api")


def _document(identificatie: str, *, pad: str | None = "api") -> Document:
    _checked_identificatie(identificatie, "Document")
    return documents_service.get_document(db_session(), api_user(), identificatie, pad=pad)


def _zaaktype(session: Session, identificatie: str) -> ZaakType | None:
    """The newest version of a zaaktype by its identificatie."""
    return session.scalar(
        select(ZaakType)
        .where(ZaakType.identificatie == identificatie)
        .order_by(ZaakType.versie.desc())
        .limit(1)
    )


def _afdeling(session: Session, code: str) -> Afdeling | None:
    return session.scalar(select(Afdeling).where(Afdeling.code == code))


def _informatieobjecttype(session: Session, ref: int | str) -> InformatieObjectType:
    if isinstance(ref, int):
        found = session.get(InformatieObjectType, ref) if ref <= MAX_ID else None
    else:
        found = session.scalar(
            select(InformatieObjectType).where(InformatieObjectType.omschrijving == ref)
        )
    if found is None:
        message = f"Documenttype '{ref}' bestaat niet. Zie /api/v1/informatieobjecttypen."
        raise ValidationFailed({"informatieobjecttype": [message]})
    return found


def _choose(options, ref: int | str, *, number_attr: str, field: str, soort: str):
    """Pick a statustype/resultaattype of the zaak's zaaktype by number or omschrijving."""
    if isinstance(ref, int):
        found = next((o for o in options if getattr(o, number_attr) == ref), None)
    else:
        wanted = ref.casefold()
        found = next((o for o in options if o.omschrijving.casefold() == wanted), None)
    if found is None:
        allowed = ", ".join(f"{getattr(o, number_attr)} ({o.omschrijving})" for o in options)
        raise ValidationFailed(
            {field: [f"Onbekend {soort} '{ref}' voor dit zaaktype. Kies een van: {allowed}."]}
        )
    return found


def _page_url(args: dict, page: int) -> str:
    query = {k: v for k, v in args.items() if v is not None and k != "page"}
    if "open" in query:
        query["open"] = "true" if query["open"] else "false"
    return url_for("zaken.ZaakCollection", _external=True, page=page, **query)


# --- zaken ----------------------------------------------------------------------------


@zaken_blp.route("")
class ZaakCollection(MethodView):
    @zaken_blp.arguments(s.ZaakFilterSchema, location="query", as_kwargs=False)
    @zaken_blp.response(200, s.ZaakPaginaSchema)
    @_problems(zaken_blp)
    def get(self, args: dict):
        """Zaken die u mag zien, nieuwste eerst, per pagina."""
        session = db_session()
        empty = False
        zaaktype_id = afdeling_id = None
        if args.get("zaaktype"):
            zaaktype = _zaaktype(session, args["zaaktype"])
            empty = zaaktype is None
            zaaktype_id = zaaktype.id if zaaktype else None
        if args.get("afdeling"):
            afdeling = _afdeling(session, args["afdeling"])
            empty = empty or afdeling is None
            afdeling_id = afdeling.id if afdeling else None
        page, per_page = args["page"], args["page_size"]
        if empty:
            return {"count": 0, "next": None, "previous": None, "results": []}
        result = zaken_service.list_zaken(
            session,
            api_user(),
            zaken_service.ZaakFilter(
                zaaktype_id=zaaktype_id, afdeling_id=afdeling_id, open=args.get("open")
            ),
            page=page,
            per_page=per_page,
        )
        return {
            "count": result.total,
            "next": _page_url(args, page + 1) if page < result.pages else None,
            "previous": _page_url(args, min(page - 1, result.pages)) if page > 1 else None,
            "results": result.items,
        }

    @zaken_blp.arguments(s.ZaakInvoerSchema)
    @zaken_blp.response(201, s.ZaakDetailSchema)
    @_problems(zaken_blp, 403)
    def post(self, data: dict):
        """Registreer een nieuwe zaak; antwoordt met 201 en een Location-header."""
        session = db_session()
        zaaktype = _zaaktype(session, data["zaaktype"])
        afdeling = _afdeling(session, data["afdeling"])
        errors: dict[str, list[str]] = {}
        if zaaktype is None:
            errors["zaaktype"] = [
                f"Zaaktype '{data['zaaktype']}' bestaat niet. Zie /api/v1/zaaktypen."
            ]
        if afdeling is None:
            errors["afdeling"] = [
                f"Afdeling '{data['afdeling']}' bestaat niet. Zie /api/v1/afdelingen."
            ]
        if errors:
            raise ValidationFailed(errors)
        zaak = zaken_service.open_zaak(
            session,
            api_user(),
            zaaktype=zaaktype,
            afdeling=afdeling,
            omschrijving=data["omschrijving"],
            toelichting=data.get("toelichting") or "",
            startdatum=data.get("startdatum"),
            vertrouwelijkheidaanduiding=data.get("vertrouwelijkheidaanduiding"),
            eigenschappen=data.get("eigenschappen") or {},
        )
        location = url_for("zaken.ZaakDetail", identificatie=zaak.identificatie, _external=True)
        return zaak, 201, {"Location": location}


@zaken_blp.route("/<identificatie>")
class ZaakDetail(MethodView):
    @zaken_blp.response(200, s.ZaakDetailSchema)
    @_problems(zaken_blp, 404)
    def get(self, identificatie: str):
        """Eén zaak met statusverloop, resultaat en eigenschappen."""
        return _zaak(identificatie)


@zaken_blp.route("/<identificatie>/eigenschappen")
class ZaakEigenschappen(MethodView):
    @zaken_blp.arguments(s.ZaakEigenschappenInvoerSchema)
    @zaken_blp.response(200, s.ZaakDetailSchema)
    @_problems(zaken_blp, 403, 404, 409)
    def put(self, data: dict, identificatie: str):
        """Vervang de eigenschappen van de zaak; elke waarde wordt gecontroleerd tegen het
        zaaktype (een eigenschap die ontbreekt, wordt leeg)."""
        zaak = _zaak_for_change(identificatie)
        return zaken_service.set_eigenschappen(
            db_session(), api_user(), zaak, data["eigenschappen"]
        )


@zaken_blp.route("/<identificatie>/status")
class ZaakStatus(MethodView):
    @zaken_blp.arguments(s.StatusInvoerSchema)
    @zaken_blp.response(201, s.ZaakDetailSchema)
    @_problems(zaken_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str):
        """Zet een volgende status (de eindstatus gaat via afsluiten)."""
        zaak = _zaak_for_change(identificatie)
        statustype = _choose(
            zaak.zaaktype.statustypen,
            data["statustype"],
            number_attr="volgnummer",
            field="statustype",
            soort="statustype",
        )
        zaken_service.set_status(
            db_session(),
            api_user(),
            zaak,
            statustype_id=statustype.id,
            toelichting=data.get("toelichting") or "",
        )
        location = url_for("zaken.ZaakDetail", identificatie=zaak.identificatie, _external=True)
        return zaak, 201, {"Location": location}


@zaken_blp.route("/<identificatie>/afsluiten")
class ZaakAfsluiten(MethodView):
    @zaken_blp.arguments(s.AfsluitenInvoerSchema)
    @zaken_blp.response(200, s.ZaakDetailSchema)
    @_problems(zaken_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str):
        """Sluit de zaak af met een resultaat."""
        zaak = _zaak_for_change(identificatie)
        resultaattype = _choose(
            zaak.zaaktype.resultaattypen,
            data["resultaattype"],
            number_attr="id",
            field="resultaattype",
            soort="resultaattype",
        )
        return zaken_service.close_zaak(
            db_session(),
            api_user(),
            zaak,
            resultaattype_id=resultaattype.id,
            toelichting=data.get("toelichting") or "",
            einddatum=data.get("einddatum"),
        )


@zaken_blp.route("/<identificatie>/betrokkenen")
class ZaakBetrokkenen(MethodView):
    @zaken_blp.response(200, s.RolSchema(many=True))
    @_problems(zaken_blp, 404)
    def get(self, identificatie: str):
        """De betrokkenen van de zaak, elk met hun rol."""
        return list(_zaak(identificatie).rollen)

    @zaken_blp.arguments(s.BetrokkeneInvoerSchema)
    @zaken_blp.response(201, s.RolSchema)
    @_problems(zaken_blp, 403, 404, 409)
    def post(self, data: dict, identificatie: str):
        """Voeg een persoon of organisatie met een rol toe (één BSN is één betrokkene)."""
        zaak = _zaak_for_change(identificatie)
        gegevens = zaken_service.BetrokkeneGegevens(
            type=data["type"],
            bsn=data["bsn"].strip(),
            kvk_nummer=data["kvk_nummer"].strip(),
            rsin=data["rsin"].strip(),
            identificatie=data["identificatie"],
            voornamen=data["voornamen"],
            voorvoegsel=data["voorvoegsel"],
            geslachtsnaam=data["geslachtsnaam"],
            geboortedatum=data.get("geboortedatum"),
            naam=data["naam"],
        )
        roltype = None
        if data.get("roltype") is not None:
            roltype = _choose(
                zaak.zaaktype.roltypen,
                data["roltype"],
                number_attr="id",
                field="roltype",
                soort="roltype",
            )
        rol = zaken_service.add_betrokkene(
            db_session(),
            api_user(),
            zaak,
            gegevens,
            rol=data.get("rol"),
            roltype_id=roltype.id if roltype is not None else None,
            toelichting=data.get("toelichting") or "",
        )
        location = url_for(
            "zaken.ZaakBetrokkenen", identificatie=zaak.identificatie, _external=True
        )
        return rol, 201, {"Location": location}


@dataclass
class _Archivering:
    """The filed document with its attachments, shaped for ArchiveringSchema."""

    result: documents_service.FilingResult

    def __getattr__(self, name: str):
        if name == "bijlagen":
            return self.result.bijlagen
        if name == "geweigerde_bijlagen":
            return self.result.geweigerde_bijlagen
        return getattr(self.result.document, name)


@zaken_blp.route("/<identificatie>/documenten")
class ZaakDocumenten(MethodView):
    @zaken_blp.response(200, s.DocumentSchema(many=True))
    @_problems(zaken_blp, 404)
    def get(self, identificatie: str):
        """De documenten van de zaak die u mag zien."""
        zaak = _zaak(identificatie)
        return documents_service.documents_of_zaak(db_session(), api_user(), zaak)

    @zaken_blp.arguments(s.DocumentInvoerSchema, location="multipart")
    @zaken_blp.response(201, s.ArchiveringSchema)
    @_problems(zaken_blp, 403, 404, 409, 413)
    def post(self, data: dict, identificatie: str):
        """Archiveer een bestand in de zaak (multipart/form-data; een e-mail met bijlagen)."""
        session = db_session()
        zaak = _zaak_for_change(identificatie)
        gegevens = documents_service.DocumentGegevens(
            informatieobjecttype=_informatieobjecttype(session, data["informatieobjecttype"]),
            titel=data["titel"],
            vertrouwelijkheidaanduiding=data.get("vertrouwelijkheidaanduiding"),
            richting=data["richting"],
            auteur=data["auteur"],
            creatiedatum=data.get("creatiedatum"),
            ontvangstdatum=data.get("ontvangstdatum"),
            verzenddatum=data.get("verzenddatum"),
            status=data["status"],
            taal=data["taal"],
        )
        storage = data["bestand"]
        tmp_dir = Path(settings().data_dir) / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=tmp_dir, prefix="upload-", delete=False) as tmp:
            path = Path(tmp.name)
        try:
            storage.save(path)
            result = documents_service.file_document(
                session,
                api_user(),
                zaak,
                documents_service.Upload(path=path, bestandsnaam=storage.filename or path.name),
                gegevens,
                store=blob_store(),
                max_bytes=settings().max_upload_bytes,
            )
        finally:
            storage.close()
            path.unlink(missing_ok=True)
        location = url_for(
            "documenten.DocumentDetail",
            identificatie=result.document.identificatie,
            _external=True,
        )
        return _Archivering(result), 201, {"Location": location}


# --- documenten -------------------------------------------------------------------------


@documenten_blp.route("/<identificatie>")
class DocumentDetail(MethodView):
    @documenten_blp.response(200, s.DocumentSchema)
    @_problems(documenten_blp, 404)
    def get(self, identificatie: str):
        """Metadata van een document, met zijn versies en de zaken waarin het zit."""
        return _document(identificatie)


@documenten_blp.route("/<identificatie>/inhoud")
class DocumentInhoud(MethodView):
    @documenten_blp.arguments(s.InhoudQuerySchema, location="query", as_kwargs=False)
    @documenten_blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/octet-stream",
        description="De bytes van de versie, als bijlage; Content-Type is het opgeslagen "
        "formaat, de ETag de sha256.",
    )
    @_problems(documenten_blp, 404)
    def get(self, args: dict, identificatie: str):
        """Download de inhoud (standaard de laatste versie; ``?versie=N`` voor een eerdere)."""
        document = _document(identificatie, pad=None)  # the download itself is logged
        versie, content = documents_service.open_content(
            db_session(),
            api_user(),
            document,
            store=blob_store(),
            versie=args.get("versie"),
            pad="api",
        )
        response = send_file(
            content,
            mimetype=versie.formaat or "application/octet-stream",
            as_attachment=True,
            download_name=versie.bestandsnaam or f"{document.identificatie}.bin",
            etag=versie.sha256,
            conditional=True,
            max_age=None,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        log.info("document content served: %s v%d", document.identificatie, versie.versie)
        return response
