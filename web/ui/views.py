"""UI views: thin adapters over the services (which ask the access policy on every read).

A view parses the request, calls services, and renders; it never commits. A refusal from a
service comes back on the form with its status (>= 400), so the request boundary rolls the
whole request back: nothing of a refused submission is kept.
"""

from __future__ import annotations

import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from archive import access, auditlog
from archive import documents as document_service
from archive import zaken as zaken_service
from archive.documents import DocumentGegevens, Upload
from archive.errors import DomainError, Forbidden, IngestRefused, NotFound, ValidationFailed
from archive.models import User
from web.app import LANGUAGES, blob_store, db_session, settings
from web.ui import bp, forms, labels
from zaaktypen import afdelingen as afdeling_service
from zaaktypen import services as catalogus

PER_PAGE = 25
TAAL_COOKIE_SECONDS = int(timedelta(days=365).total_seconds())


def _user() -> User:
    """The real User behind Flask-Login's proxy: services take a model, not a proxy."""
    return current_user._get_current_object()


def _local_path(target: str | None) -> str:
    """Only a path on this site: never redirect to another host (open-redirect guard)."""
    fallback = url_for("ui.index")
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(unicodedata.category(c)[0] == "C" for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def _render_form(template: str, form, status: int = 200, **context):
    return render_template(template, form=form, **context), status


def _refused(template: str, form, exc: DomainError, **context):
    """Show a service's refusal on the form; NotFound and Forbidden keep their own page."""
    if isinstance(exc, NotFound | Forbidden):
        raise exc
    forms.apply_errors(form, exc)
    status = exc.status if exc.status >= 400 else 422
    return _render_form(template, form, status, **context)


# --- layout helpers -------------------------------------------------------------------


@bp.app_context_processor
def layout_context() -> dict:
    user = current_user if current_user.is_authenticated else None
    return {
        "get_locale": get_locale,
        "mag_zaak_maken": bool(user) and access.can_create_zaak(_user()),
        "is_beheerder": bool(user) and _is_beheerder(_user()),
        "huidige_pad": request.full_path.rstrip("?") if request else "/",
        "form_error_list": forms.error_list,
        "labels": labels,
    }


def _is_beheerder(user: User) -> bool:
    try:
        catalogus.require_beheerder(user)
    except Forbidden:
        return False
    return True


@bp.app_template_filter("label")
def label_filter(code: str | None, table: str) -> str:
    return labels.label(getattr(labels, table), code)


@bp.app_template_filter("omvang")
def omvang_filter(size: int | None) -> str:
    from flask_babel import format_decimal

    if size is None:
        return ""
    if size < 1024:
        return _("%(n)s bytes", n=format_decimal(size))
    for unit in ("kB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{format_decimal(round(size, 1))} {unit}"
    return str(size)  # pragma: no cover


@bp.app_template_filter("datum")
def datum_filter(value) -> str:
    from flask_babel import format_date

    return format_date(value, "medium") if value else ""


@bp.app_template_filter("eigenschapdatum")
def eigenschapdatum_filter(value: str) -> str:
    """A stored ISO date of an eigenschap, shown like other dates (as stored if odd)."""
    try:
        return datum_filter(date.fromisoformat(value))
    except (TypeError, ValueError):
        return value or ""


@bp.app_template_filter("tijdstip")
def tijdstip_filter(value) -> str:
    from flask_babel import format_datetime

    return format_datetime(value, "short") if value else ""


# --- navigation and language --------------------------------------------------------


@bp.route("/")
@login_required
def index():
    """Beheerders land on their dashboard (departments near their end); others on zaken."""
    if _is_beheerder(_user()):
        return redirect(url_for("ui.beheer"))
    return redirect(url_for("ui.zaken"))


@bp.route("/taal", methods=["GET", "POST"])
def taal():
    """Set the language cookie and go back to where the user was (a local path only)."""
    code = request.values.get("taal", "")
    response = redirect(_local_path(request.values.get("volgende")))
    if code in LANGUAGES:
        response.set_cookie(
            "taal",
            code,
            max_age=TAAL_COOKIE_SECONDS,
            samesite="Lax",
            httponly=True,
            secure=settings().session_cookie_secure,
        )
    return response


# --- zaken ----------------------------------------------------------------------------


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/zaken")
@login_required
def zaken():
    session = db_session()
    status = request.args.get("status", "")
    zoek = request.args.get("zoek", "").strip()
    filt = zaken_service.ZaakFilter(
        zaaktype_id=_int_arg("zaaktype"),
        afdeling_id=_int_arg("afdeling"),
        open={"open": True, "gesloten": False}.get(status),
        zoek=zoek or None,
    )
    result = zaken_service.list_zaken(
        session, _user(), filt, page=_int_arg("pagina") or 1, per_page=PER_PAGE
    )
    return render_template(
        "zaken/lijst.html",
        result=result,
        zaaktypen=catalogus.list_zaaktypen(session),
        afdelingen=catalogus.list_afdelingen(session),
        gekozen={
            "zaaktype": filt.zaaktype_id,
            "afdeling": filt.afdeling_id,
            "status": status,
            "zoek": zoek,
        },
        args={k: v for k, v in request.args.items() if k != "pagina" and v},
    )


def _geldig_vandaag(zaaktypen) -> list:
    today = date.today()
    return [
        zt
        for zt in zaaktypen
        if not zt.concept
        and zt.datum_begin_geldigheid <= today
        and (zt.datum_einde_geldigheid is None or zt.datum_einde_geldigheid >= today)
    ]


def _gegroepeerde_zaaktypen(session) -> dict[str, list]:
    """Published zaaktypen valid today: the generic ones, then each department's own."""
    groepen: dict[str, list] = {str(_("Generieke zaaktypen")): []}
    for zt in _geldig_vandaag(catalogus.list_zaaktypen(session, include_concepts=False)):
        if zt.afdeling is None:
            groepen[str(_("Generieke zaaktypen"))].append(zt)
        else:
            groepen.setdefault(str(_("Alleen voor %(afdeling)s", afdeling=zt.afdeling.naam)), [])
            groepen[str(_("Alleen voor %(afdeling)s", afdeling=zt.afdeling.naam))].append(zt)
    return {k: v for k, v in groepen.items() if v}


def _gekozen(session, value, lookup):
    """The object behind a posted or linked id, or None (the form reports what is missing)."""
    raw = str(value or "")
    if not raw.isdigit():
        return None
    try:
        return lookup(session, int(raw))
    except NotFound:
        return None


def _zaak_form(form_class, afdeling=None):
    """The zaak fields; once an afdeling is chosen, only the zaaktypen usable there."""
    session = db_session()
    form = form_class()
    actief = [a for a in catalogus.list_afdelingen(session) if a.status == "actief"]
    if afdeling is not None and afdeling.status == "actief":
        zaaktypen = afdeling_service.zaaktypen_for(session, afdeling)
    else:
        zaaktypen = _gegroepeerde_zaaktypen(session)
    if afdeling is not None and afdeling not in actief:
        actief.append(afdeling)  # keep the posted one selectable, so its refusal shows
    form.fill(zaaktypen, actief)
    if afdeling is not None and not form.is_submitted():
        form.afdeling.data = afdeling.id  # a link such as /zaken/nieuw?afdeling=3
    return form


def _open_zaak(form, eigenschappen: dict | None = None) -> object:
    session = db_session()
    try:
        zaaktype = catalogus.get_zaaktype(session, form.zaaktype.data)
        afdeling = catalogus.get_afdeling(session, form.afdeling.data)
    except NotFound as exc:
        raise ValidationFailed(exc.field_errors() or {"zaaktype": [exc.message]}) from exc
    return zaken_service.open_zaak(
        session,
        _user(),
        zaaktype=zaaktype,
        afdeling=afdeling,
        omschrijving=form.omschrijving.data or "",
        toelichting=form.toelichting.data or "",
        startdatum=form.startdatum.data,
        vertrouwelijkheidaanduiding=form.vertrouwelijkheidaanduiding.data or None,
        eigenschappen=eigenschappen,
    )


def _require_create() -> None:
    if not access.can_create_zaak(_user()):
        raise Forbidden(_("U mag geen zaken aanmaken."))


@bp.route("/zaken/nieuw", methods=["GET", "POST"])
@login_required
def zaak_nieuw():
    """A new zaak. Without JavaScript in steps: choosing an afdeling and pressing
    "Bijwerken" narrows the zaaktypen to those usable there; a zaaktype with eigenschappen
    shows their inputs before the zaak is created."""
    _require_create()
    session = db_session()
    afdeling = _gekozen(session, request.values.get("afdeling"), catalogus.get_afdeling)
    zaaktype = _gekozen(session, request.values.get("zaaktype"), catalogus.get_zaaktype)
    form = _zaak_form(forms.ZaakForm, afdeling)
    posted = request.form if form.is_submitted() else None
    velden = forms.eigenschap_velden(zaaktype, posted=posted)
    template = "zaken/nieuw.html"

    def page(status: int, melding: str = ""):
        return _render_form(
            template,
            form,
            status,
            velden=velden,
            eigen_fouten=forms.eigenschap_fouten(velden),
            eigenschappen_van=zaaktype.id if zaaktype is not None and velden else "",
            melding=melding,
        )

    if form.is_submitted() and request.form.get("actie") == "bijwerken":
        return page(200)
    if not form.validate_on_submit():
        return page(422 if form.is_submitted() else 200)
    if velden and request.form.get("eigenschappen_van") != str(zaaktype.id):
        melding = _("Dit zaaktype heeft eigenschappen. Vul ze in en kies opnieuw Zaak aanmaken.")
        return page(200, melding)
    fouten: dict[str, list[str]] = {}
    try:
        zaak = _open_zaak(form, forms.eigenschap_waarden(velden))
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        forms.apply_errors(form, exc, eigenschappen=fouten)
        velden = forms.eigenschap_velden(zaaktype, fouten=fouten, posted=request.form)
        return page(_status_of(exc))
    flash(_("Zaak %(id)s is aangemaakt.", id=zaak.identificatie), "succes")
    return redirect(url_for("ui.zaak", identificatie=zaak.identificatie))


def _status_of(exc: DomainError) -> int:
    return exc.status if exc.status >= 400 else 422


@bp.route("/zaken/<identificatie>")
@login_required
def zaak(identificatie: str):
    session = db_session()
    user = _user()
    found = zaken_service.get_zaak(session, user, identificatie, pad="ui")
    docs = document_service.documents_of_zaak(session, user, found)
    ids = {d.id for d in docs}
    bijlagen: dict[int, list] = defaultdict(list)
    hoofd = []
    for doc in docs:
        if doc.bijlage_van_id in ids:
            bijlagen[doc.bijlage_van_id].append(doc)
        else:
            hoofd.append(doc)
    waarden = {e.eigenschap.naam: e.waarde for e in found.eigenschappen}
    from web.ui import toegang  # grants ("Toegang voor partners"), for the regie only

    return render_template(
        "zaken/detail.html",
        zaak=found,
        eigenschappen=[(e, waarden.get(e.naam, "")) for e in found.zaaktype.eigenschappen],
        documenten=hoofd,
        bijlagen=bijlagen,
        audit=zaken_service.audit_trail(session, user, found),
        mag_wijzigen=access.can_change_zaak(user, found) and found.is_open,
        **toegang.zaak_context(session, user, found),
    )


def _zaak_for_change(identificatie: str):
    """A change form shows the zaak: showing it (GET) is a view for the access log."""
    pad = "ui" if request.method == "GET" else None
    return zaken_service.get_zaak_for_change(db_session(), _user(), identificatie, pad=pad)


@bp.route("/zaken/<identificatie>/eigenschappen", methods=["GET", "POST"])
@login_required
def zaak_eigenschappen(identificatie: str):
    found = _zaak_for_change(identificatie)
    form = forms.EigenschappenForm()
    huidige = {e.eigenschap.naam: e.waarde for e in found.eigenschappen}
    posted = request.form if form.is_submitted() else None
    velden = forms.eigenschap_velden(found.zaaktype, huidige, posted=posted)
    template = "zaken/eigenschappen.html"
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _render_form(template, form, status, zaak=found, velden=velden, eigen_fouten=[])
    fouten: dict[str, list[str]] = {}
    try:
        zaken_service.set_eigenschappen(
            db_session(), _user(), found, forms.eigenschap_waarden(velden)
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        forms.apply_errors(form, exc, eigenschappen=fouten)
        velden = forms.eigenschap_velden(found.zaaktype, fouten=fouten, posted=request.form)
        return _render_form(
            template,
            form,
            _status_of(exc),
            zaak=found,
            velden=velden,
            eigen_fouten=forms.eigenschap_fouten(velden),
        )
    flash(_("De eigenschappen zijn opgeslagen."), "succes")
    return redirect(url_for("ui.zaak", identificatie=found.identificatie) + "#eigenschappen")


@bp.route("/zaken/<identificatie>/status", methods=["GET", "POST"])
@login_required
def zaak_status(identificatie: str):
    found = _zaak_for_change(identificatie)
    form = forms.StatusForm()
    form.fill(found)
    template = "zaken/status.html"
    if not form.validate_on_submit():
        return _render_form(template, form, 422 if form.is_submitted() else 200, zaak=found)
    try:
        zaken_service.set_status(
            db_session(),
            _user(),
            found,
            statustype_id=form.statustype.data,
            toelichting=form.toelichting.data or "",
        )
    except DomainError as exc:
        return _refused(template, form, exc, zaak=found)
    flash(_("De status is gewijzigd."), "succes")
    return redirect(url_for("ui.zaak", identificatie=found.identificatie))


@bp.route("/zaken/<identificatie>/afsluiten", methods=["GET", "POST"])
@login_required
def zaak_afsluiten(identificatie: str):
    found = _zaak_for_change(identificatie)
    form = forms.AfsluitenForm()
    form.fill(found)
    template = "zaken/afsluiten.html"
    if not form.validate_on_submit():
        return _render_form(template, form, 422 if form.is_submitted() else 200, zaak=found)
    try:
        zaken_service.close_zaak(
            db_session(),
            _user(),
            found,
            resultaattype_id=form.resultaattype.data,
            toelichting=form.toelichting.data or "",
            einddatum=form.einddatum.data,
        )
    except DomainError as exc:
        return _refused(template, form, exc, zaak=found)
    flash(_("Zaak %(id)s is afgesloten.", id=found.identificatie), "succes")
    return redirect(url_for("ui.zaak", identificatie=found.identificatie))


@bp.route("/zaken/<identificatie>/betrokkenen/nieuw", methods=["GET", "POST"])
@login_required
def betrokkene_nieuw(identificatie: str):
    found = _zaak_for_change(identificatie)
    form = forms.BetrokkeneForm()
    form.fill(found)
    template = "zaken/betrokkene.html"
    if not form.validate_on_submit():
        return _render_form(template, form, 422 if form.is_submitted() else 200, zaak=found)
    gegevens = zaken_service.BetrokkeneGegevens(
        type=form.type.data,
        bsn=(form.bsn.data or "").strip(),
        kvk_nummer=(form.kvk_nummer.data or "").strip(),
        rsin=(form.rsin.data or "").strip(),
        identificatie=form.identificatie.data or "",
        voornamen=form.voornamen.data or "",
        voorvoegsel=form.voorvoegsel.data or "",
        geslachtsnaam=form.geslachtsnaam.data or "",
        geboortedatum=form.geboortedatum.data,
        naam=form.naam.data or "",
    )
    try:
        zaken_service.add_betrokkene(
            db_session(),
            _user(),
            found,
            gegevens,
            **form.rol_keuze(),
            toelichting=form.toelichting.data or "",
        )
    except DomainError as exc:
        return _refused(template, form, exc, zaak=found)
    flash(_("De betrokkene is toegevoegd."), "succes")
    return redirect(url_for("ui.zaak", identificatie=found.identificatie) + "#betrokkenen")


# --- documents ------------------------------------------------------------------------


@dataclass(eq=False)
class _Refusal(Exception):
    """A file of a multi-file submission was refused; ``fields`` are where to show it."""

    error: DomainError
    bestandsnaam: str
    fields: dict

    def __str__(self) -> str:  # pragma: no cover - only for logs
        return self.error.message


def _upload_dir() -> tempfile.TemporaryDirectory:
    """A private temp dir for this request's files, on the data volume (not a small /tmp)."""
    base = settings().data_dir / "uploads"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="upload-", dir=base)


def _row_fields(form, rij) -> dict:
    """Service field names mapped to the fields of the row (or the shared defaults)."""
    source = rij if rij is not None else form
    return {
        "bestand": rij.bestand if rij is not None else form.bestanden,
        "titel": rij.titel if rij is not None else form.bestanden,
        "informatieobjecttype": source.informatieobjecttype,
        "vertrouwelijkheidaanduiding": source.vertrouwelijkheidaanduiding,
        "richting": source.richting,
    }


def _file_all(zaak, form) -> list:
    """File every chosen file into ``zaak``; all are inspected before any is stored.

    Raises _Refusal naming the file; the caller answers >= 400, which rolls back every row
    of this request (the zaak of a snelle registratie included).
    """
    session = db_session()
    user = _user()
    max_bytes = settings().max_upload_bytes
    iots = {iot.id: iot for iot in catalogus.list_informatieobjecttypen(session)}
    prepared = []
    with _upload_dir() as tmp:
        try:
            for i, (storage, rij, _field_id) in enumerate(form.gekozen_bestanden()):
                path = Path(tmp) / f"upload-{i}"
                storage.save(path)  # streamed copy; the name is metadata only
                upload = Upload(path=path, bestandsnaam=storage.filename or "bestand")
                source = rij if rij is not None else form
                gegevens = DocumentGegevens(
                    informatieobjecttype=iots[source.informatieobjecttype.data],
                    titel=(rij.titel.data or "").strip() if rij is not None else "",
                    vertrouwelijkheidaanduiding=source.vertrouwelijkheidaanduiding.data or None,
                    richting=source.richting.data or "inkomend",
                )
                fields = _row_fields(form, rij)
                try:
                    inspectie = document_service.inspect_upload(upload, max_bytes=max_bytes)
                except IngestRefused as exc:
                    raise _Refusal(exc, upload.bestandsnaam, fields) from exc
                prepared.append([upload, gegevens, inspectie, fields])
            filed = []
            for upload, gegevens, inspectie, fields in prepared:
                try:
                    filed.append(
                        document_service.file_document(
                            session,
                            user,
                            zaak,
                            upload,
                            gegevens,
                            store=blob_store(),
                            max_bytes=max_bytes,
                            inspectie=inspectie,
                        )
                    )
                except DomainError as exc:
                    if isinstance(exc, NotFound | Forbidden):
                        raise
                    raise _Refusal(exc, upload.bestandsnaam, fields) from exc
            return filed
        finally:
            for _upload, _gegevens, inspectie, _fields in prepared:
                inspectie.cleanup()  # idempotent; file_document also cleans up its own


def _show_refusal(form, refusal: _Refusal) -> None:
    exc = refusal.error
    errors = exc.field_errors() or {"bestand": [exc.message]}
    for name, messages in errors.items():
        field = refusal.fields.get(name)
        text = [f"{refusal.bestandsnaam}: {m}" for m in messages]
        if field is None:
            form.form_errors.extend(text)
        else:
            field.errors = list(field.errors or []) + text


def _documenten_form(form_class):
    form = form_class()
    form.fill_documenten(catalogus.list_informatieobjecttypen(db_session()))
    return form


def _flash_filed(filed: list) -> None:
    count = sum(1 + len(r.bijlagen) for r in filed)
    flash(
        ngettext("%(num)s document toegevoegd.", "%(num)s documenten toegevoegd.", count), "succes"
    )
    for result in filed:
        for geweigerd in result.geweigerde_bijlagen:
            flash(
                _(
                    "Bijlage %(naam)s van %(doc)s is niet apart opgeslagen: %(reden)s",
                    naam=geweigerd.get("bestandsnaam", ""),
                    doc=result.document.identificatie,
                    reden=geweigerd.get("reden", ""),
                ),
                "waarschuwing",
            )


@bp.route("/zaken/<identificatie>/documenten/nieuw", methods=["GET", "POST"])
@login_required
def documenten_nieuw(identificatie: str):
    found = _zaak_for_change(identificatie)
    form = _documenten_form(forms.DocumentenForm)
    template = "documenten/nieuw.html"
    context = {"zaak": found, "max_mb": settings().max_upload_mb}
    if not form.validate_on_submit():
        return _render_form(template, form, 422 if form.is_submitted() else 200, **context)
    try:
        filed = _file_all(found, form)
    except _Refusal as refusal:
        _show_refusal(form, refusal)
        return _render_form(template, form, max(refusal.error.status, 400), **context)
    _flash_filed(filed)
    return redirect(url_for("ui.zaak", identificatie=found.identificatie) + "#documenten")


@bp.route("/snelle-registratie", methods=["GET", "POST"])
@login_required
def snelle_registratie():
    _require_create()
    form = _zaak_form(forms.SnelleRegistratieForm)  # grouped: the service checks the pair
    form.fill_documenten(catalogus.list_informatieobjecttypen(db_session()))
    template = "snelle_registratie.html"
    context = {"max_mb": settings().max_upload_mb}
    if not form.validate_on_submit():
        return _render_form(template, form, 422 if form.is_submitted() else 200, **context)
    try:
        nieuwe_zaak = _open_zaak(form)
        filed = _file_all(nieuwe_zaak, form)
    except _Refusal as refusal:
        _show_refusal(form, refusal)
        return _render_form(template, form, max(refusal.error.status, 400), **context)
    except DomainError as exc:
        return _refused(template, form, _verplichte_eigenschappen(exc), **context)
    flash(_("Zaak %(id)s is aangemaakt.", id=nieuwe_zaak.identificatie), "succes")
    _flash_filed(filed)
    return redirect(url_for("ui.zaak", identificatie=nieuwe_zaak.identificatie))


def _verplichte_eigenschappen(exc: DomainError) -> DomainError:
    """Snelle registratie has no eigenschap inputs: required ones send the user to the
    full form, said on the zaaktype field."""
    errors = exc.field_errors()
    namen = [k.partition(".")[2] for k in errors if k.startswith("eigenschappen.")]
    if not namen:
        return exc
    rest = {k: v for k, v in errors.items() if not k.startswith("eigenschappen.")}
    rest.setdefault("zaaktype", []).append(
        _(
            "Dit zaaktype vraagt eigenschappen (%(namen)s). Registreer de zaak via "
            "Nieuwe zaak en voeg de documenten daarna toe.",
            namen=", ".join(namen),
        )
    )
    return ValidationFailed(rest)


def _namen(user_ids) -> dict[int, str]:
    """Names of the users who made versions (mostly already in the session's identity map)."""
    session = db_session()
    found = {}
    for user_id in {i for i in user_ids if i is not None}:
        user = session.get(User, user_id)
        found[user_id] = user.naam if user is not None else ""
    return found


@bp.route("/documenten/<identificatie>", methods=["GET"])
@login_required
def document(identificatie: str):
    session = db_session()
    user = _user()
    found = document_service.get_document(session, user, identificatie, pad="ui")
    return _document_page(found, forms.NieuweVersieForm())


def _document_page(found, form, status: int = 200):
    user = _user()
    zaken_links = document_service.visible_zaken(user, found)
    mag_wijzigen = any(access.can_change_zaak(user, z) and z.is_open for z in zaken_links)
    return render_template(
        "documenten/detail.html",
        document=found,
        zaken=zaken_links,
        namen=_namen(v.aangemaakt_door_id for v in found.versies),
        form=form,
        mag_wijzigen=mag_wijzigen,
        max_mb=settings().max_upload_mb,
        audit=auditlog.document_trail(db_session(), user, found),
        bijlage_van=document_service.visible_bijlage_van(user, found),
    ), status


@bp.route("/documenten/<identificatie>/versies", methods=["POST"])
@login_required
def document_nieuwe_versie(identificatie: str):
    session = db_session()
    found = document_service.get_document(session, _user(), identificatie)
    form = forms.NieuweVersieForm()
    if not form.validate_on_submit():
        return _document_page(found, form, 422)
    storage = form.bestand.data
    with _upload_dir() as tmp:
        path = Path(tmp) / "upload"
        storage.save(path)
        upload = Upload(path=path, bestandsnaam=storage.filename or "bestand")
        try:
            versie = document_service.file_new_version(
                session,
                _user(),
                found,
                upload,
                store=blob_store(),
                max_bytes=settings().max_upload_bytes,
            )
        except DomainError as exc:
            if isinstance(exc, NotFound | Forbidden):
                raise
            form.bestand.errors = [f"{upload.bestandsnaam}: {exc.message}"]
            return _document_page(found, form, max(exc.status, 400))
    flash(_("Versie %(n)s is toegevoegd.", n=versie.versie), "succes")
    return redirect(url_for("ui.document", identificatie=found.identificatie))


def _download_name(bestandsnaam: str, document) -> str:
    """A harmless file name for Content-Disposition: no paths, quotes or control chars."""
    name = unicodedata.normalize("NFC", bestandsnaam or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join("_" if unicodedata.category(c)[0] == "C" or c in '"<>:|?*;' else c for c in name)
    name = name.strip(" .")[:150]
    return name or f"{document.identificatie}.bin"


@bp.route("/documenten/<identificatie>/inhoud")
@login_required
def document_inhoud(identificatie: str):
    session = db_session()
    user = _user()
    found = document_service.get_document(session, user, identificatie)
    raw = request.args.get("versie")
    if raw is not None and not raw.isdigit():
        abort(404)
    versie, content = document_service.open_content(
        session, user, found, store=blob_store(), versie=int(raw) if raw else None, pad="ui"
    )
    response = send_file(
        content,
        mimetype=versie.formaat or "application/octet-stream",
        as_attachment=True,
        download_name=_download_name(versie.bestandsnaam, found),
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.content_length = versie.bestandsomvang
    # never rendered by the browser: a download, not sniffed, sandboxed if opened anyway
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; sandbox; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "no-store, private"
    return response
