"""Beheer pages for DIV (role beheerder): catalogue, document types, departments, wizard.

Thin adapters like the other views: they parse, call the catalogue and department services
and render. Every page asks ``require_beheerder`` first, so a medewerker gets 403 even on
pages that only read; the mutating services check it again themselves.
"""

from __future__ import annotations

import functools
from datetime import date

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required

from archive import afdelingen as afdeling_sluiting
from archive import users as user_service
from archive.errors import DomainError, Forbidden, NotFound, ValidationFailed
from web.app import db_session
from web.ui import admin_forms as af
from web.ui import beheer_forms as bf
from web.ui import bp, forms, labels
from web.ui.views import _user
from zaaktypen import afdelingen as afdeling_service
from zaaktypen import selectielijst
from zaaktypen import services as catalogus
from zaaktypen.models import ZaakType


def beheer_page(fn):
    """Logged in and beheerder; anyone else gets the 403 page."""

    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        catalogus.require_beheerder(_user())
        return fn(*args, **kwargs)

    return login_required(guarded)


def _status(exc: DomainError) -> int:
    return exc.status if exc.status >= 400 else 422


def _show_error(form, exc: DomainError) -> int:
    """A refusal on ``form``; NotFound and Forbidden keep their own page."""
    if isinstance(exc, NotFound | Forbidden) and not exc.field_errors():
        raise exc
    forms.apply_errors(form, exc)
    return _status(exc)


# --- dashboard ------------------------------------------------------------------------------


@bp.route("/beheer")
@beheer_page
def beheer():
    session_ = db_session()
    return render_template(
        "beheer/index.html",
        bijna_einde=afdeling_service.departments_near_end(session_),
        aantal_zaaktypen=len(catalogus.list_zaaktypen(session_)),
        aantal_afdelingen=len(catalogus.list_afdelingen(session_)),
    )


# --- catalogue ------------------------------------------------------------------------------


@bp.route("/beheer/zaaktypen")
@beheer_page
def beheer_zaaktypen():
    return render_template(
        "beheer/zaaktypen.html", zaaktypen=catalogus.list_zaaktypen(db_session())
    )


def _zaaktype_gegevens(form, identificatie: str) -> catalogus.ZaakTypeGegevens:
    return catalogus.ZaakTypeGegevens(
        identificatie=identificatie,
        omschrijving=(form.omschrijving.data or "").strip(),
        vertrouwelijkheidaanduiding=form.vertrouwelijkheidaanduiding.data,
        doel=form.doel.data or "",
        aanleiding=form.aanleiding.data or "",
        toelichting=form.toelichting.data or "",
        doorlooptijd=form.doorlooptijd.data or None,
        servicenorm=form.servicenorm.data or None,
        trefwoorden=[t.strip() for t in (form.trefwoorden.data or "").split(",") if t.strip()],
        referentieproces=form.referentieproces.data or "",
        selectielijst_procestype=form.selectielijst_procestype.data,
    )


@bp.route("/beheer/zaaktypen/nieuw", methods=["GET", "POST"])
@beheer_page
def beheer_zaaktype_nieuw():
    session_ = db_session()
    form = bf.ZaakTypeForm()
    form.fill(selectielijst.procestypen(), catalogus.list_afdelingen(session_))
    template = "beheer/zaaktype_nieuw.html"
    if not form.validate_on_submit():
        return render_template(template, form=form), 422 if form.is_submitted() else 200
    try:
        afdeling = (
            catalogus.get_afdeling(session_, form.afdeling.data) if form.afdeling.data else None
        )
        zaaktype = catalogus.create_concept(
            session_, _user(), _zaaktype_gegevens(form, form.identificatie.data), afdeling=afdeling
        )
    except DomainError as exc:
        status = _show_error(form, exc)
        return render_template(template, form=form), status
    flash(_("Concept %(id)s is aangemaakt.", id=zaaktype.identificatie), "succes")
    return redirect(_zaaktype_url(zaaktype))


def _zaaktype_url(zaaktype: ZaakType, anker: str = "") -> str:
    url = url_for(
        "ui.beheer_zaaktype", identificatie=zaaktype.identificatie, versie=zaaktype.versie
    )
    return url + (f"#{anker}" if anker else "")


def _get_zaaktype(identificatie: str, versie: int) -> ZaakType:
    return catalogus.get_zaaktype(db_session(), f"{identificatie}@{versie}")


PART_FORMS = {
    "gegevens": bf.ZaakTypeForm,
    "statustype": bf.StatusTypeForm,
    "resultaattype": bf.ResultaatTypeForm,
    "roltype": bf.RolTypeForm,
    "eigenschap": bf.EigenschapForm,
    "documenttype": bf.DocumenttypeKoppelingForm,
    "publiceren": bf.PublicerenForm,
    "einde": bf.EindeGeldigheidForm,
    "actie": bf.ActieForm,
}


def _part_form(name: str, zaaktype: ZaakType, *, bound: bool):
    """The form ``name`` of the zaaktype page; only the submitted one reads the request."""
    kwargs: dict = {"prefix": name}
    if not bound:
        kwargs["formdata"] = None
    if name in ("gegevens", "einde"):
        kwargs["obj"] = zaaktype
    form = PART_FORMS[name](**kwargs)
    if name == "gegevens":
        form.fill(selectielijst.procestypen())
        form.for_edit()
        if not bound:
            form.trefwoorden.data = ", ".join(zaaktype.trefwoorden or [])
    elif name == "documenttype":
        form.fill(catalogus.list_informatieobjecttypen(db_session()))
    elif hasattr(form, "fill"):
        form.fill()
    return form


def _zaaktype_page(zaaktype: ZaakType, posted=None, status: int = 200, actie_fout: str = ""):
    posted = posted or {}
    page_forms = {
        name: posted.get(name) or _part_form(name, zaaktype, bound=False) for name in PART_FORMS
    }
    session_ = db_session()
    versies = [
        zt
        for zt in catalogus.list_zaaktypen(session_)
        if zt.identificatie == zaaktype.identificatie
    ]
    zoekterm = (request.args.get("q") or "").strip()
    treffers = selectielijst.search(zoekterm) if zoekterm else []
    if zaaktype.selectielijst_procestype is not None:
        treffers = [t for t in treffers if t.procestype_nummer == zaaktype.selectielijst_procestype]
    klassen = {
        rt.selectielijstklasse: selectielijst.resultaat(rt.selectielijstklasse)
        for rt in zaaktype.resultaattypen
        if rt.selectielijstklasse
    }
    return render_template(
        "beheer/zaaktype.html",
        zaaktype=zaaktype,
        f=page_forms,
        fout_form=next(iter(posted.values()), None),
        versies=versies,
        problemen=catalogus.publication_problems(zaaktype) if zaaktype.concept else [],
        zoekterm=zoekterm,
        treffers=treffers,
        klassen=klassen,
        procestype=(
            selectielijst.procestype(zaaktype.selectielijst_procestype)
            if zaaktype.selectielijst_procestype is not None
            else None
        ),
        actie_fout=actie_fout,
    ), status


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>")
@beheer_page
def beheer_zaaktype(identificatie: str, versie: int):
    return _zaaktype_page(_get_zaaktype(identificatie, versie))


def _zaaktype_actie(identificatie: str, versie: int, name: str, action, anker: str, melding):
    """Validate the form ``name``, run ``action(form, zaaktype)``, or show what was wrong."""
    zaaktype = _get_zaaktype(identificatie, versie)
    form = _part_form(name, zaaktype, bound=True)
    if not form.validate_on_submit():
        return _zaaktype_page(zaaktype, {name: form}, 422)
    try:
        result = action(form, zaaktype)
    except DomainError as exc:
        if not exc.field_errors():  # e.g. 409 on a published version: not about one field
            if isinstance(exc, NotFound | Forbidden):
                raise
            return _zaaktype_page(zaaktype, {}, _status(exc), actie_fout=exc.message)
        status = _show_error(form, exc)
        return _zaaktype_page(zaaktype, {name: form}, status)
    flash(melding, "succes")
    target = result if isinstance(result, ZaakType) else zaaktype
    return redirect(_zaaktype_url(target, anker))


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>/gegevens", methods=["POST"])
@beheer_page
def beheer_zaaktype_gegevens(identificatie: str, versie: int):
    def action(form, zt):
        return catalogus.update_concept(
            db_session(), _user(), zt, _zaaktype_gegevens(form, zt.identificatie)
        )

    return _zaaktype_actie(
        identificatie, versie, "gegevens", action, "gegevens", _("De gegevens zijn opgeslagen.")
    )


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>/statustypen", methods=["POST"])
@beheer_page
def beheer_statustype_nieuw(identificatie: str, versie: int):
    def action(form, zt):
        catalogus.add_statustype(
            db_session(),
            _user(),
            zt,
            omschrijving=form.omschrijving.data,
            doorlooptijd=form.doorlooptijd.data or None,
            informeren=bool(form.informeren.data),
        )

    return _zaaktype_actie(
        identificatie, versie, "statustype", action, "statustypen", _("Status toegevoegd.")
    )


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>/resultaattypen", methods=["POST"])
@beheer_page
def beheer_resultaattype_nieuw(identificatie: str, versie: int):
    def action(form, zt):
        catalogus.add_resultaattype(
            db_session(),
            _user(),
            zt,
            catalogus.ResultaatTypeGegevens(
                omschrijving=form.omschrijving.data,
                selectielijstklasse=form.selectielijstklasse.data or None,
                archiefnominatie=form.archiefnominatie.data or None,
                archiefactietermijn=form.archiefactietermijn.data or None,
                afleidingswijze=form.afleidingswijze.data,
                procestermijn=form.procestermijn.data or None,
                datumkenmerk=form.datumkenmerk.data or "",
                toelichting=form.toelichting.data or "",
            ),
        )

    return _zaaktype_actie(
        identificatie, versie, "resultaattype", action, "resultaattypen", _("Resultaat toegevoegd.")
    )


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>/roltypen", methods=["POST"])
@beheer_page
def beheer_roltype_nieuw(identificatie: str, versie: int):
    def action(form, zt):
        catalogus.add_roltype(
            db_session(),
            _user(),
            zt,
            omschrijving=form.omschrijving.data,
            omschrijving_generiek=form.omschrijving_generiek.data,
        )

    return _zaaktype_actie(
        identificatie, versie, "roltype", action, "roltypen", _("Rol toegevoegd.")
    )


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>/eigenschappen", methods=["POST"])
@beheer_page
def beheer_eigenschap_nieuw(identificatie: str, versie: int):
    def action(form, zt):
        catalogus.add_eigenschap(
            db_session(),
            _user(),
            zt,
            catalogus.EigenschapGegevens(
                naam=form.naam.data,
                formaat=form.formaat.data,
                definitie=form.definitie.data or "",
                lengte=form.lengte.data,
                waardenverzameling=form.keuzewaarden(),
                verplicht=bool(form.verplicht.data),
                agenda_weekdag=form.agenda_weekdag.data,
                agenda_capaciteit=form.agenda_capaciteit.data,
                agenda_sluiting_dagen=form.agenda_sluiting_dagen.data,
            ),
        )

    return _zaaktype_actie(
        identificatie, versie, "eigenschap", action, "eigenschappen", _("Eigenschap toegevoegd.")
    )


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>/documenttypen", methods=["POST"])
@beheer_page
def beheer_documenttype_koppelen(identificatie: str, versie: int):
    def action(form, zt):
        session_ = db_session()
        iot = catalogus.get_informatieobjecttype(session_, form.informatieobjecttype.data)
        catalogus.link_informatieobjecttype(session_, _user(), zt, iot, richting=form.richting.data)

    return _zaaktype_actie(
        identificatie, versie, "documenttype", action, "documenttypen", _("Documenttype gekoppeld.")
    )


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>/publiceren", methods=["POST"])
@beheer_page
def beheer_zaaktype_publiceren(identificatie: str, versie: int):
    def action(form, zt):
        catalogus.publish(
            db_session(), _user(), zt, datum_begin_geldigheid=form.datum_begin_geldigheid.data
        )

    return _zaaktype_actie(
        identificatie, versie, "publiceren", action, "", _("Het zaaktype is gepubliceerd.")
    )


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>/einde-geldigheid", methods=["POST"])
@beheer_page
def beheer_zaaktype_einde(identificatie: str, versie: int):
    def action(form, zt):
        catalogus.end_validity(db_session(), _user(), zt, form.datum_einde_geldigheid.data)

    return _zaaktype_actie(
        identificatie, versie, "einde", action, "geldigheid", _("De geldigheid is aangepast.")
    )


@bp.route("/beheer/zaaktypen/<identificatie>/<int:versie>/nieuwe-versie", methods=["POST"])
@beheer_page
def beheer_zaaktype_nieuwe_versie(identificatie: str, versie: int):
    def action(form, zt):
        return catalogus.new_version(db_session(), _user(), zt.identificatie)

    return _zaaktype_actie(
        identificatie, versie, "actie", action, "", _("Een nieuwe conceptversie is aangemaakt.")
    )


PART_KINDS = {
    "statustype": "statustypen",
    "resultaattype": "resultaattypen",
    "roltype": "roltypen",
    "eigenschap": "eigenschappen",
    "documenttype": "informatieobjecttypen",
}


@bp.route(
    "/beheer/zaaktypen/<identificatie>/<int:versie>/<soort>/<int:part_id>/verwijderen",
    methods=["POST"],
)
@beheer_page
def beheer_onderdeel_verwijderen(identificatie: str, versie: int, soort: str, part_id: int):
    if soort not in PART_KINDS:
        raise NotFound(_("Onbekend onderdeel."))

    def action(form, zt):
        part = next((p for p in getattr(zt, PART_KINDS[soort]) if p.id == part_id), None)
        if part is None:
            raise NotFound(_("Dit onderdeel hoort niet bij het zaaktype."))
        catalogus.remove_part(db_session(), _user(), zt, part)

    zaaktype = _get_zaaktype(identificatie, versie)
    form = bf.ActieForm()  # the remove buttons post a plain csrf_token
    if not form.validate_on_submit():
        return _zaaktype_page(zaaktype, {}, 400, actie_fout=_("Het formulier is verlopen."))
    try:
        action(form, zaaktype)
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        return _zaaktype_page(zaaktype, {}, _status(exc), actie_fout=exc.message)
    flash(_("Het onderdeel is verwijderd."), "succes")
    return redirect(_zaaktype_url(zaaktype, PART_KINDS[soort]))


@bp.route("/beheer/selectielijst")
@beheer_page
def beheer_selectielijst():
    """Search the selectielijst 2020 by number or words; ``partial=1`` gives only the list."""
    zoekterm = (request.args.get("q") or "").strip()
    treffers = selectielijst.search(zoekterm) if zoekterm else []
    template = (
        "beheer/_selectielijst_treffers.html"
        if request.args.get("partial")
        else "beheer/selectielijst.html"
    )
    return render_template(template, zoekterm=zoekterm, treffers=treffers)


# --- document types -------------------------------------------------------------------------


def _allowed_formats() -> dict[str, str]:
    from archive.ingest import ALLOWED_FORMATS

    return ALLOWED_FORMATS


@bp.route("/beheer/informatieobjecttypen", methods=["GET", "POST"])
@beheer_page
def beheer_informatieobjecttypen():
    session_ = db_session()
    form = bf.InformatieObjectTypeForm()
    formats = _allowed_formats()
    form.fill(formats)
    status = 200
    if form.validate_on_submit():
        try:
            iot = catalogus.create_informatieobjecttype(
                session_,
                _user(),
                omschrijving=form.omschrijving.data,
                categorie=form.categorie.data or "",
                vertrouwelijkheidaanduiding=form.vertrouwelijkheidaanduiding.data,
                toegestane_formaten=list(form.toegestane_formaten.data or []),
            )
        except DomainError as exc:
            status = _show_error(form, exc)
        else:
            flash(_("Documenttype %(naam)s is aangemaakt.", naam=iot.omschrijving), "succes")
            return redirect(url_for("ui.beheer_informatieobjecttypen"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "beheer/informatieobjecttypen.html",
        form=form,
        iots=catalogus.list_informatieobjecttypen(session_),
        formats=formats,
    ), status


@bp.route("/beheer/informatieobjecttypen/<int:iot_id>", methods=["GET", "POST"])
@beheer_page
def beheer_informatieobjecttype(iot_id: int):
    session_ = db_session()
    try:
        iot = catalogus.get_informatieobjecttype(session_, iot_id)
    except NotFound as exc:
        raise NotFound(exc.message) from None  # the page, not a field error
    form = bf.InformatieObjectTypeForm(obj=iot)
    form.fill(_allowed_formats())
    status = 200
    if form.validate_on_submit():
        try:
            catalogus.update_informatieobjecttype(
                session_,
                _user(),
                iot,
                omschrijving=form.omschrijving.data,
                categorie=form.categorie.data or "",
                vertrouwelijkheidaanduiding=form.vertrouwelijkheidaanduiding.data,
                toegestane_formaten=list(form.toegestane_formaten.data or []),
            )
        except DomainError as exc:
            status = _show_error(form, exc)
        else:
            flash(_("Documenttype %(naam)s is gewijzigd.", naam=iot.omschrijving), "succes")
            return redirect(url_for("ui.beheer_informatieobjecttypen"))
    elif form.is_submitted():
        status = 422
    return render_template("beheer/informatieobjecttype.html", form=form, iot=iot), status


# --- departments ----------------------------------------------------------------------------


@bp.route("/beheer/afdelingen")
@beheer_page
def beheer_afdelingen():
    session_ = db_session()
    return render_template(
        "beheer/afdelingen.html",
        afdelingen=catalogus.list_afdelingen(session_),
        bijna_einde=afdeling_service.departments_near_end(session_),
    )


def _get_afdeling(code: str):
    return catalogus.get_afdeling(db_session(), code)


def _generieke_zaaktypen() -> list[ZaakType]:
    """Published generic zaaktypen, one (the latest) per identificatie."""
    latest: dict[str, ZaakType] = {}
    for zt in catalogus.list_zaaktypen(db_session(), include_concepts=False):
        vorige = latest.get(zt.identificatie)
        if zt.afdeling_id is None and (vorige is None or zt.versie > vorige.versie):
            latest[zt.identificatie] = zt
    return sorted(latest.values(), key=lambda z: z.omschrijving)


def _users() -> list:
    return [u for u in user_service.list_users(db_session()) if u.is_active]


def _afdeling_page(
    afdeling, *, lid_form=None, zaaktype_form=None, gegevens_form=None, status=200, actie_fout=""
):
    session_ = db_session()
    users = _users()
    if gegevens_form is None:
        gegevens_form = af.AfdelingWijzigenForm(formdata=None, obj=afdeling, prefix="afdeling")
        gegevens_form.vertrouwelijkheidaanduiding.data = afdeling.vertrouwelijkheidaanduiding or ""
        gegevens_form.retentiebeleid.data = afdeling.retentiebeleid or ""
    gegevens_form.fill()
    if lid_form is None:
        lid_form = bf.LidForm(formdata=None)
        lid_form.clearance.data = afdeling.vertrouwelijkheidaanduiding or "zaakvertrouwelijk"
    lid_form.fill(users)
    gekozen = {k.zaaktype_identificatie for k in afdeling.generieke_zaaktypen}
    generiek = _generieke_zaaktypen()
    if zaaktype_form is None:
        zaaktype_form = bf.GeneriekZaakTypeForm(formdata=None)
    zaaktype_form.fill([zt for zt in generiek if zt.identificatie not in gekozen])
    eigen = [zt for zt in catalogus.list_zaaktypen(session_) if zt.afdeling_id == afdeling.id]
    return render_template(
        "beheer/afdeling.html",
        afdeling=afdeling,
        lid_form=lid_form,
        zaaktype_form=zaaktype_form,
        gegevens_form=gegevens_form,
        actie_form=bf.ActieForm(formdata=None),
        gekozen=[zt for zt in generiek if zt.identificatie in gekozen],
        gekozen_onbekend=sorted(gekozen - {zt.identificatie for zt in generiek}),
        eigen=eigen,
        lidrollen=labels.choices(labels.LIDROL),
        niveaus=labels.choices(labels.VERTROUWELIJKHEID),
        actie_fout=actie_fout,
    ), status


@bp.route("/beheer/afdelingen/<code>")
@beheer_page
def beheer_afdeling(code: str):
    return _afdeling_page(_get_afdeling(code))


def _afdeling_url(afdeling, anker: str = "") -> str:
    return url_for("ui.beheer_afdeling", code=afdeling.code) + (f"#{anker}" if anker else "")


@bp.route("/beheer/afdelingen/<code>/leden", methods=["POST"])
@beheer_page
def beheer_afdeling_lid(code: str):
    session_ = db_session()
    afdeling = _get_afdeling(code)
    form = bf.LidForm()
    form.fill(_users())
    if not form.validate_on_submit():
        return _afdeling_page(afdeling, lid_form=form, status=422)
    try:
        user = session_.get(user_service.User, form.user.data) if form.user.data else None
        if user is None:
            raise ValidationFailed({"user": [_("Deze medewerker bestaat niet.")]})
        afdeling_service.set_member(
            session_, _user(), afdeling, user, rol=form.rol.data, clearance=form.clearance.data
        )
    except DomainError as exc:
        status = _show_error(form, exc)
        return _afdeling_page(afdeling, lid_form=form, status=status)
    flash(_("Lid %(naam)s is opgeslagen.", naam=user.naam), "succes")
    return redirect(_afdeling_url(afdeling, "leden"))


def _afdeling_actie(code: str, action, melding: str, anker: str = ""):
    afdeling = _get_afdeling(code)
    form = bf.ActieForm()
    if not form.validate_on_submit():
        return _afdeling_page(afdeling, status=400, actie_fout=_("Het formulier is verlopen."))
    try:
        action(afdeling)
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        return _afdeling_page(afdeling, status=_status(exc), actie_fout=exc.message)
    flash(melding, "succes")
    return redirect(_afdeling_url(afdeling, anker))


@bp.route("/beheer/afdelingen/<code>/leden/<int:user_id>/verwijderen", methods=["POST"])
@beheer_page
def beheer_afdeling_lid_verwijderen(code: str, user_id: int):
    session_ = db_session()

    def action(afdeling):
        user = session_.get(user_service.User, user_id)
        if user is None:
            raise NotFound(_("Deze medewerker bestaat niet."))
        afdeling_service.remove_member(session_, _user(), afdeling, user)

    return _afdeling_actie(code, action, _("Het lid is verwijderd."), "leden")


@bp.route("/beheer/afdelingen/<code>/zaaktypen", methods=["POST"])
@beheer_page
def beheer_afdeling_zaaktype(code: str):
    afdeling = _get_afdeling(code)
    form = bf.GeneriekZaakTypeForm()
    if not form.validate_on_submit():
        return _afdeling_page(afdeling, zaaktype_form=form, status=422)
    try:
        afdeling_service.choose_generic_zaaktype(
            db_session(), _user(), afdeling, form.zaaktype.data
        )
    except DomainError as exc:
        if "zaaktypen" in exc.field_errors():
            exc = ValidationFailed({"zaaktype": exc.field_errors()["zaaktypen"]})
        status = _show_error(form, exc)
        return _afdeling_page(afdeling, zaaktype_form=form, status=status)
    flash(_("Het zaaktype is toegevoegd."), "succes")
    return redirect(_afdeling_url(afdeling, "zaaktypen"))


@bp.route("/beheer/afdelingen/<code>/gegevens", methods=["POST"])
@beheer_page
def beheer_afdeling_gegevens(code: str):
    """Change name, purpose, dates, default confidentiality or retention policy."""
    afdeling = _get_afdeling(code)
    form = af.AfdelingWijzigenForm(prefix="afdeling")
    form.fill()
    if not form.validate_on_submit():
        return _afdeling_page(afdeling, gegevens_form=form, status=422)
    gegevens = afdeling_service.AfdelingGegevens(
        code=afdeling.code,
        naam=form.naam.data or "",
        virtueel=afdeling.virtueel,
        doel=form.doel.data or "",
        startdatum=form.startdatum.data,
        geplande_einddatum=form.geplande_einddatum.data,
        vertrouwelijkheidaanduiding=form.vertrouwelijkheidaanduiding.data or None,
        retentiebeleid=form.retentiebeleid.data or None,
        retentie_reden=form.retentie_reden.data or "",
        retentie_besluit=form.retentie_besluit.data or "",
    )
    try:
        # through the records core: a changed retention policy recomputes the zaken
        afdeling_sluiting.update_department(db_session(), _user(), afdeling, gegevens)
    except DomainError as exc:
        if not exc.field_errors():
            if isinstance(exc, NotFound | Forbidden):
                raise
            return _afdeling_page(afdeling, status=_status(exc), actie_fout=exc.message)
        status = _show_error(form, exc)
        return _afdeling_page(afdeling, gegevens_form=form, status=status)
    flash(_("De gegevens van de afdeling zijn opgeslagen."), "succes")
    return redirect(_afdeling_url(afdeling, "gegevens"))


@bp.route("/beheer/afdelingen/<code>/zaaktypen/<identificatie>/verwijderen", methods=["POST"])
@beheer_page
def beheer_afdeling_zaaktype_verwijderen(code: str, identificatie: str):
    def action(afdeling):
        afdeling_service.unchoose_generic_zaaktype(db_session(), _user(), afdeling, identificatie)

    return _afdeling_actie(
        code,
        action,
        _("Het zaaktype is van de afdeling gehaald; lopende zaken houden het."),
        "zaaktypen",
    )


@bp.route("/beheer/afdelingen/<code>/sluiting-starten", methods=["POST"])
@beheer_page
def beheer_afdeling_sluiting_starten(code: str):
    def action(afdeling):
        afdeling_service.start_closing(db_session(), _user(), afdeling)

    return _afdeling_actie(
        code, action, _("De afdeling is sluitend: er komen geen nieuwe zaken meer bij.")
    )


@bp.route("/beheer/afdelingen/<code>/sluiten", methods=["POST"])
@beheer_page
def beheer_afdeling_sluiten(code: str):
    def action(afdeling):
        afdeling_sluiting.close(db_session(), _user(), afdeling)

    return _afdeling_actie(
        code,
        action,
        _("De afdeling is gesloten. Het sluitingsrapport staat klaar."),
        "rapport",
    )


@bp.route("/beheer/afdelingen/<code>/rapport.<formaat>")
@beheer_page
def beheer_afdeling_rapport(code: str, formaat: str):
    from archive.errors import Conflict

    if formaat not in ("pdf", "csv"):
        raise NotFound(_("Het rapport is er als PDF of CSV."))
    afdeling = _get_afdeling(code)
    if afdeling.status != "gesloten":
        raise Conflict(_("Het sluitingsrapport is er pas als de afdeling gesloten is."))
    rows = afdeling_sluiting.report_rows(db_session(), afdeling, _user())
    if formaat == "pdf":
        response = make_response(afdeling_sluiting.report_pdf(afdeling, rows))
        response.mimetype = "application/pdf"
    else:
        response = make_response(afdeling_sluiting.report_csv(rows).encode("utf-8"))
        response.mimetype = "text/csv"
        response.charset = "utf-8"
    name = f"sluitingsrapport-{afdeling.code.lower()}.{formaat}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store, private"
    return response


# --- the department wizard ------------------------------------------------------------------
#
# The state lives in the (signed) Flask session cookie: ids and short strings only. Every
# step is a POST with CSRF and a "Terug" button; only the last one writes anything.

STAPPEN = ("sjabloon", "gegevens", "leden", "zaaktypen", "bevestigen")
WIZARD_KEY = "afdeling_wizard"


def _stap_titels() -> dict[str, str]:
    return {
        "sjabloon": _("Sjabloon"),
        "gegevens": _("Naam en data"),
        "leden": _("Leden"),
        "zaaktypen": _("Zaaktypen"),
        "bevestigen": _("Bevestigen"),
    }


def _sjablonen() -> list:
    """The templates, once zaaktypen.sjablonen exists; none before."""
    try:
        from zaaktypen import sjablonen
    except ImportError:  # pragma: no cover - only while the module is being written
        return []
    return list(sjablonen.list_sjablonen())


def _sjabloon(code: str | None):
    if not code:
        return None
    return next((s for s in _sjablonen() if s.code == code), None)


def _state() -> dict:
    return dict(session.get(WIZARD_KEY) or {})


def _save(state: dict) -> None:
    session[WIZARD_KEY] = state
    session.modified = True


def _wizard_url(stap: str) -> str:
    return url_for("ui.beheer_afdeling_wizard", stap=stap)


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _gegevens(state: dict) -> afdeling_service.AfdelingGegevens:
    g = state.get("gegevens") or {}
    return afdeling_service.AfdelingGegevens(
        code=g.get("code", ""),
        naam=g.get("naam", ""),
        virtueel=bool(g.get("virtueel", True)),
        doel=g.get("doel", ""),
        startdatum=_date(g.get("startdatum")),
        geplande_einddatum=_date(g.get("geplande_einddatum")),
        # "" is an explicit "none" (a template's default was shown and cleared)
        vertrouwelijkheidaanduiding=g.get("vertrouwelijkheidaanduiding", ""),
        retentiebeleid=g.get("retentiebeleid", ""),
        retentie_reden=g.get("retentie_reden", ""),
        retentie_besluit=g.get("retentie_besluit", ""),
        sjabloon=state.get("sjabloon") or None,
    )


def _prefill(sjabloon) -> dict:
    """The department fields a template suggests (all can still be changed)."""
    if sjabloon is None:
        return {"virtueel": True, "startdatum": date.today().isoformat()}
    return {
        "naam": sjabloon.naam,
        "virtueel": bool(getattr(sjabloon, "virtueel", True)),
        "doel": getattr(sjabloon, "doel", "") or getattr(sjabloon, "omschrijving", "") or "",
        "startdatum": date.today().isoformat(),
        "vertrouwelijkheidaanduiding": getattr(sjabloon, "vertrouwelijkheidaanduiding", "") or "",
        "retentiebeleid": getattr(sjabloon, "retentiebeleid", "") or "",
        "retentie_reden": getattr(sjabloon, "retentie_reden", "") or "",
    }


def _template_zaaktypen(sjabloon) -> list[str]:
    """What the template brings along, for display (its own and its generic zaaktypen)."""
    if sjabloon is None:
        return []
    found = []
    for item in getattr(sjabloon, "zaaktypen", None) or []:
        naam = str(getattr(item, "omschrijving", None) or item)
        found.append(
            _("%(naam)s (generiek)", naam=naam) if getattr(item, "generiek", False) else naam
        )
    return found


def _dry_run(fn) -> None:
    """Run a service inside a savepoint that is always rolled back: its checks, no writes."""
    nested = db_session().begin_nested()
    try:
        fn()
    finally:
        if nested.is_active:
            nested.rollback()


def _wizard_page(stap: str, state: dict, status: int = 200, **context):
    return render_template(
        f"beheer/wizard_{stap}.html",
        stap=stap,
        stappen=STAPPEN,
        stap_titels=_stap_titels(),
        stap_nummer=STAPPEN.index(stap) + 1,
        state=state,
        sjabloon=_sjabloon(state.get("sjabloon")),
        **context,
    ), status


@bp.route("/beheer/afdelingen/nieuw")
@beheer_page
def beheer_afdeling_nieuw():
    """The wizard's entry: continue where the user was, or start over with ``opnieuw``."""
    if request.args.get("opnieuw"):
        session.pop(WIZARD_KEY, None)
    return redirect(_wizard_url("sjabloon"))


@bp.route("/beheer/afdelingen/nieuw/<stap>", methods=["GET", "POST"])
@beheer_page
def beheer_afdeling_wizard(stap: str):
    if stap not in STAPPEN:
        raise NotFound(_("Deze stap bestaat niet."))
    state = _state()
    bereikt = state.get("bereikt", 0)
    if STAPPEN.index(stap) > bereikt:
        return redirect(_wizard_url(STAPPEN[bereikt]))
    terug = request.form.get("actie") == "terug"
    vorige = STAPPEN[max(STAPPEN.index(stap) - 1, 0)]
    volgende = STAPPEN[min(STAPPEN.index(stap) + 1, len(STAPPEN) - 1)]
    return WIZARD_STEPS[stap](state, terug=terug, vorige=vorige, volgende=volgende)


def _advance(state: dict, volgende: str):
    state["bereikt"] = max(state.get("bereikt", 0), STAPPEN.index(volgende))
    _save(state)
    return redirect(_wizard_url(volgende))


def _stap_sjabloon(state: dict, *, terug: bool, vorige: str, volgende: str):
    sjablonen = _sjablonen()
    form = bf.WizardSjabloonForm(data={"sjabloon": state.get("sjabloon", "")})
    form.fill(sjablonen)
    if form.validate_on_submit():
        code = form.sjabloon.data or ""
        if code and _sjabloon(code) is None:
            form.sjabloon.errors = [_("Kies een sjabloon uit de lijst.")]
            return _wizard_page("sjabloon", state, 422, form=form, sjablonen=sjablonen)
        if code != state.get("sjabloon") or "gegevens" not in state:
            state = {"sjabloon": code, "gegevens": _prefill(_sjabloon(code)), "bereikt": 0}
            state["leden"], state["zaaktypen"] = [], []
        return _advance(state, volgende)
    status = 422 if form.is_submitted() else 200
    return _wizard_page("sjabloon", state, status, form=form, sjablonen=sjablonen)


def _gegevens_form() -> bf.WizardGegevensForm:
    state = _state()
    g = dict(state.get("gegevens") or {})
    g["startdatum"] = _date(g.get("startdatum"))
    g["geplande_einddatum"] = _date(g.get("geplande_einddatum"))
    form = bf.WizardGegevensForm(data=g)
    form.fill()
    return form


def _store_gegevens(state: dict, form) -> None:
    state["gegevens"] = {
        "naam": (form.naam.data or "").strip(),
        "code": (form.code.data or "").strip().upper(),
        "virtueel": bool(form.virtueel.data),
        "doel": form.doel.data or "",
        "startdatum": _iso(form.startdatum.data),
        "geplande_einddatum": _iso(form.geplande_einddatum.data),
        "vertrouwelijkheidaanduiding": form.vertrouwelijkheidaanduiding.data or "",
        "retentiebeleid": form.retentiebeleid.data or "",
        "retentie_reden": form.retentie_reden.data or "",
        "retentie_besluit": form.retentie_besluit.data or "",
    }


def _stap_gegevens(state: dict, *, terug: bool, vorige: str, volgende: str):
    form = _gegevens_form()
    if form.is_submitted() and terug:
        form.validate()  # parse what can be parsed; keep it for when the user comes back
        _store_gegevens(state, form)
        _save(state)
        return redirect(_wizard_url(vorige))
    if not form.validate_on_submit():
        return _wizard_page("gegevens", state, 422 if form.is_submitted() else 200, form=form)
    _store_gegevens(state, form)
    try:
        gegevens = _gegevens(state)
        _dry_run(lambda: afdeling_service.create_department(db_session(), _user(), gegevens))
    except DomainError as exc:
        status = _show_error(form, exc)
        return _wizard_page("gegevens", state, status, form=form)
    return _advance(state, volgende)


def _stap_leden(state: dict, *, terug: bool, vorige: str, volgende: str):
    users = _users()
    form = bf.WizardLedenForm()
    rollen = dict(labels.choices(labels.LIDROL))
    niveaus = dict(labels.choices(labels.VERTROUWELIJKHEID))
    standaard = (state.get("gegevens") or {}).get("vertrouwelijkheidaanduiding") or (
        "zaakvertrouwelijk"
    )
    fouten: dict[int, str] = {}
    if form.validate_on_submit():
        gekozen = {int(v) for v in request.form.getlist("lid") if v.isdigit()}
        leden = []
        for user in users:
            if user.id not in gekozen:
                continue
            rol = request.form.get(f"rol-{user.id}", "behandelen")
            clearance = request.form.get(f"clearance-{user.id}", standaard)
            if rol not in rollen or clearance not in niveaus:
                fouten[user.id] = _("Kies een rol en een clearance.")
            leden.append([user.id, rol, clearance])
        state["leden"] = leden
        if terug:
            _save(state)
            return redirect(_wizard_url(vorige))
        if not fouten:
            return _advance(state, volgende)
    huidige = {lid[0]: lid for lid in state.get("leden") or []}
    return _wizard_page(
        "leden",
        state,
        422 if fouten or (form.is_submitted() and not terug) else 200,
        form=form,
        users=users,
        huidige=huidige,
        standaard=standaard,
        lidrollen=list(rollen.items()),
        niveaus=list(niveaus.items()),
        fouten=fouten,
    )


def _stap_zaaktypen(state: dict, *, terug: bool, vorige: str, volgende: str):
    generiek = _generieke_zaaktypen()
    form = bf.WizardZaakTypenForm(data={"zaaktypen": state.get("zaaktypen") or []})
    form.fill(generiek)
    if form.validate_on_submit():
        bekend = {zt.identificatie for zt in generiek}
        state["zaaktypen"] = [i for i in form.zaaktypen.data or [] if i in bekend]
        if terug:
            _save(state)
            return redirect(_wizard_url(vorige))
        return _advance(state, volgende)
    return _wizard_page(
        "zaaktypen",
        state,
        422 if form.is_submitted() else 200,
        form=form,
        sjabloon_zaaktypen=_template_zaaktypen(_sjabloon(state.get("sjabloon"))),
    )


def _create_from_state(state: dict):
    session_ = db_session()
    actor = _user()
    gegevens = _gegevens(state)
    leden = []
    for user_id, rol, clearance in state.get("leden") or []:
        user = session_.get(user_service.User, user_id)
        if user is not None:
            leden.append((user, rol, clearance))
    zaaktypen = list(state.get("zaaktypen") or [])
    if gegevens.sjabloon:
        from zaaktypen import sjablonen

        return sjablonen.apply_sjabloon(
            session_,
            actor,
            gegevens.sjabloon,
            gegevens,
            leden=leden,
            extra_generieke_zaaktypen=zaaktypen,
        )
    gegevens.generieke_zaaktypen = zaaktypen
    afdeling = afdeling_service.create_department(session_, actor, gegevens)
    for user, rol, clearance in leden:
        afdeling_service.set_member(session_, actor, afdeling, user, rol=rol, clearance=clearance)
    return afdeling


def _stap_bevestigen(state: dict, *, terug: bool, vorige: str, volgende: str):
    form = bf.WizardBevestigenForm()
    users = {u.id: u for u in _users()}
    context = {
        "form": form,
        "gegevens": _gegevens(state),
        "leden": [
            (users.get(uid), rol, clearance)
            for uid, rol, clearance in state.get("leden") or []
            if uid in users
        ],
        "zaaktypen": [
            zt
            for zt in _generieke_zaaktypen()
            if zt.identificatie in set(state.get("zaaktypen") or [])
        ],
        "sjabloon_zaaktypen": _template_zaaktypen(_sjabloon(state.get("sjabloon"))),
    }
    if form.is_submitted() and terug:
        return redirect(_wizard_url(vorige))
    if not form.validate_on_submit():
        return _wizard_page("bevestigen", state, 422 if form.is_submitted() else 200, **context)
    try:
        afdeling = _create_from_state(state)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        forms.apply_errors(form, exc)
        return _wizard_page("bevestigen", state, _status(exc), **context)
    session.pop(WIZARD_KEY, None)
    flash(_("Afdeling %(naam)s is aangemaakt.", naam=afdeling.naam), "succes")
    return redirect(_afdeling_url(afdeling))


WIZARD_STEPS = {
    "sjabloon": _stap_sjabloon,
    "gegevens": _stap_gegevens,
    "leden": _stap_leden,
    "zaaktypen": _stap_zaaktypen,
    "bevestigen": _stap_bevestigen,
}
