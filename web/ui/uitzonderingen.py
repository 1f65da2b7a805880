"""The archivist's pages for uitzonderingen (hotspots) and bevriezingen (legal holds), and
what the zaak page shows of them. Thin adapters over retention.uitzonderingen and
retention.bevriezingen; one transaction per request (the boundary commits)."""

from __future__ import annotations

from functools import wraps

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from archive import access
from archive.errors import DomainError
from retention import bevriezingen, uitzonderingen
from web.app import db_session, search_backend
from web.ui import bp, forms, labels

SCOPE_LABELS = {
    "afdeling": _l("Afdeling"),
    "zaaktype": _l("Zaaktype"),
    "periode": _l("Periode (startdatum van de zaak)"),
    "zoekselectie": _l("Zoekselectie"),
    "zaken": _l("Losse zaken"),
}
OBJECT_LABELS = {"zaak": _l("Een zaak"), "document": _l("Een document")}
GROND_LABELS = {
    "woo_verzoek": _l("Woo-verzoek"),
    "rechtszaak": _l("Rechtszaak"),
    "calamiteitenonderzoek": _l("Calamiteitenonderzoek"),
}


def _user():
    from web.ui.views import _user as user

    return user()


def archief_page(view):
    """Logged in and archivaris; anyone else gets 403 (as the work queue does)."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not access.is_archivaris(_user()):
            abort(403)
        return view(*args, **kwargs)

    return login_required(guarded)


@bp.app_context_processor
def archief_layout_context() -> dict:
    return {
        "is_archivaris": bool(current_user.is_authenticated) and access.is_archivaris(_user()),
    }


@bp.app_template_global()
def bevriezingen_van(zaak) -> list:
    """The active holds on a zaak (and its documents), for the zaak page: ground, mark and
    start only; the reasons stay on the archivist's pages."""
    return bevriezingen.holds_for_zaak(db_session(), zaak.id)


@bp.app_template_global()
def grond_label(grond: str) -> str:
    return str(GROND_LABELS.get(grond, grond))


# -- forms ----------------------------------------------------------------------------------


class UitzonderingForm(FlaskForm):
    scope = SelectField(_l("Wat valt eronder"))
    omschrijving = StringField(
        _l("Naam"),
        validators=[InputRequired(_l("Geef de uitzondering een naam.")), Length(max=200)],
        description=_l("Bijvoorbeeld: hotspot Asielopvang 2026."),
    )
    toelichting = TextAreaField(
        _l("Reden"),
        validators=[
            InputRequired(_l("Leg vast waarom dit blijvend bewaard wordt.")),
            Length(max=2000),
        ],  # fmt: skip
    )
    besluitkenmerk = StringField(
        _l("Besluit"),
        validators=[InputRequired(_l("Noem het besluit.")), Length(max=200)],
        description=_l("Kenmerk van het besluit, bijvoorbeeld B&W 2026/123."),
    )
    afdeling = StringField(_l("Afdeling (code)"), validators=[Optional(), Length(max=40)])
    zaaktype = StringField(_l("Zaaktype (identificatie)"), validators=[Optional(), Length(max=80)])
    periode_van = forms.DatumField(_l("Startdatum vanaf"), validators=[Optional()])
    periode_tot = forms.DatumField(_l("Startdatum tot en met"), validators=[Optional()])
    zoekvraag = StringField(_l("Zoekvraag"), validators=[Optional(), Length(max=2000)])
    zaken = TextAreaField(
        _l("Zaken"),
        validators=[Optional(), Length(max=200_000)],
        description=_l("Identificaties, één per regel of gescheiden door komma's."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = labels.choices(SCOPE_LABELS)


class BevriezingForm(FlaskForm):
    object_soort = SelectField(_l("Wat bevriest u"))
    identificatie = StringField(
        _l("Identificatie"),
        validators=[InputRequired(_l("Noem de zaak of het document.")), Length(max=40)],
    )
    grond = SelectField(_l("Grond"))
    kenmerk = StringField(
        _l("Kenmerk"),
        validators=[Optional(), Length(max=200)],
        description=_l("Bijvoorbeeld het nummer van het Woo-verzoek of het rolnummer."),
    )
    reden = TextAreaField(
        _l("Reden"),
        validators=[InputRequired(_l("Geef de reden van de bevriezing.")), Length(max=2000)],
    )
    eigenaar = StringField(
        _l("Eigenaar (gebruikersnaam)"),
        validators=[InputRequired(_l("Kies een eigenaar.")), Length(max=80)],
    )
    startdatum = forms.DatumField(
        _l("Startdatum"), validators=[Optional()], description=_l("Leeg: vandaag.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.object_soort.choices = labels.choices(OBJECT_LABELS)
        self.grond.choices = labels.choices(GROND_LABELS)


class OpheffenForm(FlaskForm):
    toelichting = TextAreaField(
        _l("Waarom opheffen"),
        validators=[
            InputRequired(_l("Leg vast waarom de bevriezing vervalt.")),
            Length(max=2000),
        ],  # fmt: skip
    )


def _status(exc: DomainError) -> int:
    return exc.status if exc.status >= 400 else 422


# -- uitzonderingen -------------------------------------------------------------------------


def _uitzonderingen_page(form, status: int = 200):
    session, user = db_session(), _user()
    return (
        render_template(
            "archivering/uitzonderingen.html",
            form=form,
            rijen=uitzonderingen.list_exceptions(session, user),
            beleid=uitzonderingen.department_policies(session, user),
            bereik=uitzonderingen.scope_label,
            bron=uitzonderingen.hotspots.bron,
            scope_labels=SCOPE_LABELS,
        ),
        status,
    )


@bp.route("/archivering/uitzonderingen", methods=["GET", "POST"])
@archief_page
def archief_uitzonderingen():
    form = UitzonderingForm()
    if not form.is_submitted():
        return _uitzonderingen_page(form)
    if not form.validate():
        return _uitzonderingen_page(form, 422)
    raw = (form.zaken.data or "").replace(",", "\n")
    gegevens = uitzonderingen.UitzonderingGegevens(
        scope=form.scope.data,
        omschrijving=form.omschrijving.data,
        toelichting=form.toelichting.data,
        besluitkenmerk=form.besluitkenmerk.data,
        afdeling=form.afdeling.data or None,
        zaaktype=form.zaaktype.data or None,
        periode_van=form.periode_van.data,
        periode_tot=form.periode_tot.data,
        zoekvraag=form.zoekvraag.data or None,
        zaken=[line.strip() for line in raw.splitlines() if line.strip()],
    )
    try:
        u, changed = uitzonderingen.add_exception(
            db_session(), _user(), gegevens, backend=search_backend()
        )
    except DomainError as exc:
        forms.apply_errors(form, exc)
        return _uitzonderingen_page(form, _status(exc))
    flash(
        _("Uitzondering %(id)s is vastgelegd; %(n)s zaak/zaken herberekend.", id=u.id, n=changed),
        "succes",
    )
    return redirect(url_for("ui.archief_uitzonderingen"))


@bp.route("/archivering/uitzonderingen/<int:uitzondering_id>/verwijderen", methods=["POST"])
@archief_page
def archief_uitzondering_verwijderen(uitzondering_id: int):
    try:
        u, changed = uitzonderingen.remove_exception(db_session(), _user(), uitzondering_id)
    except DomainError as exc:
        if exc.status == 404:
            abort(404)
        flash(exc.message, "fout")
        return redirect(url_for("ui.archief_uitzonderingen")), 303
    flash(
        _("Uitzondering %(id)s is ingetrokken; %(n)s zaak/zaken herberekend.", id=u.id, n=changed),
        "succes",
    )
    return redirect(url_for("ui.archief_uitzonderingen"))


# -- bevriezingen ---------------------------------------------------------------------------


def _bevriezingen_page(form, status: int = 200, opheffen=None):
    session, user = db_session(), _user()
    return (
        render_template(
            "archivering/bevriezingen.html",
            form=form,
            opheffen=opheffen or OpheffenForm(formdata=None),
            rijen=bevriezingen.list_holds(session, user),
            rapport=bevriezingen.report(session, user),
        ),
        status,
    )


@bp.route("/archivering/bevriezingen", methods=["GET", "POST"])
@archief_page
def archief_bevriezingen():
    form = BevriezingForm()
    if not form.is_submitted():
        return _bevriezingen_page(form)
    if not form.validate():
        return _bevriezingen_page(form, 422)
    ref = form.identificatie.data.strip()
    gegevens = bevriezingen.BevriezingGegevens(
        grond=form.grond.data,
        reden=form.reden.data,
        eigenaar=form.eigenaar.data,
        zaak=ref if form.object_soort.data == "zaak" else None,
        document=ref if form.object_soort.data == "document" else None,
        kenmerk=form.kenmerk.data or "",
        startdatum=form.startdatum.data,
    )
    try:
        hold = bevriezingen.place_hold(db_session(), _user(), gegevens)
    except DomainError as exc:
        forms.apply_errors(
            form, exc, fields={"zaak": form.identificatie, "document": form.identificatie}
        )
        return _bevriezingen_page(form, _status(exc))
    flash(_("%(obj)s is bevroren.", obj=hold.object_identificatie), "succes")
    return redirect(url_for("ui.archief_bevriezingen"))


@bp.route("/archivering/bevriezingen/<int:hold_id>/opheffen", methods=["POST"])
@archief_page
def archief_bevriezing_opheffen(hold_id: int):
    session, user = db_session(), _user()
    try:
        bevriezingen.get_hold(session, user, hold_id)
    except DomainError:
        abort(404)
    form = OpheffenForm()
    if not form.validate():
        return _bevriezingen_page(BevriezingForm(formdata=None), 422, opheffen=form)
    try:
        hold = bevriezingen.lift_hold(session, user, hold_id, toelichting=form.toelichting.data)
    except DomainError as exc:
        forms.apply_errors(form, exc)
        return _bevriezingen_page(BevriezingForm(formdata=None), _status(exc), opheffen=form)
    flash(_("De bevriezing van %(obj)s is opgeheven.", obj=hold.object_identificatie), "succes")
    return redirect(url_for("ui.archief_bevriezingen"))


@bp.route("/archivering/bevriezingen.csv")
@archief_page
def archief_bevriezingen_csv():
    body = bevriezingen.export_csv(db_session(), _user())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="bevriezingen.csv"'},
    )
