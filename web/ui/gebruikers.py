"""User administration for DIV (role beheerder): accounts, roles, passwords, memberships.

Thin adapters: ``archive.users`` holds the rules (and refuses anyone but a beheerder), the
department services hold the membership rules. A generated password is shown once, on the
response to the POST that made it, and never stored in clear.
"""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from archive import users as user_service
from archive.errors import DomainError, Forbidden, NotFound
from archive.models import User
from web.app import db_session
from web.ui import admin_forms as af
from web.ui import bp, forms, labels
from web.ui.beheer import beheer_page
from web.ui.views import _user
from zaaktypen import afdelingen as afdeling_service
from zaaktypen import services as catalogus
from zaaktypen.models import AfdelingLid


def _status(exc: DomainError) -> int:
    return exc.status if exc.status >= 400 else 422


def _show_error(form, exc: DomainError) -> int:
    if isinstance(exc, NotFound | Forbidden) and not exc.field_errors():
        raise exc
    forms.apply_errors(form, exc)
    return _status(exc)


def _no_store(response):
    """A page with a secret on it must not stay in any cache."""
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Pragma"] = "no-cache"
    return response


def _rol_label(code: str) -> str:
    return labels.label(af.GEBRUIKERSROL, code)


@bp.app_template_filter("gebruikersrol")
def gebruikersrol_filter(code: str) -> str:
    return _rol_label(code)


@bp.route("/beheer/gebruikers")
@beheer_page
def gebruikers():
    session_ = db_session()
    aantallen = dict(
        session_.execute(
            select(AfdelingLid.user_id, func.count()).group_by(AfdelingLid.user_id)
        ).all()
    )
    return render_template(
        "gebruikers/lijst.html",
        gebruikers=user_service.list_users(session_),
        aantallen=aantallen,
    )


@bp.route("/beheer/gebruikers/nieuw", methods=["GET", "POST"])
@beheer_page
def gebruiker_nieuw():
    session_ = db_session()
    form = af.NieuweGebruikerForm()
    form.fill()
    template = "gebruikers/nieuw.html"
    if not form.is_submitted():
        form.rollen.data = ["medewerker"]
    if not form.validate_on_submit():
        return render_template(template, form=form), 422 if form.is_submitted() else 200
    wachtwoord = user_service.generate_password() if form.genereren.data else form.password.data
    try:
        user = user_service.create_user(
            session_,
            _user(),
            username=form.username.data,
            naam=form.naam.data,
            email=form.email.data or None,
            password=wachtwoord,
            roles=list(form.rollen.data or []),
        )
    except DomainError as exc:
        status = _show_error(form, exc)
        return render_template(template, form=form), status
    if form.genereren.data:
        return _wachtwoord_page(user, wachtwoord, nieuw=True)
    flash(_("Gebruiker %(naam)s is aangemaakt.", naam=user.username), "succes")
    return redirect(url_for("ui.gebruiker", user_id=user.id))


def _wachtwoord_page(user: User, wachtwoord: str, *, nieuw: bool):
    response = make_response(
        render_template(
            "gebruikers/wachtwoord.html", gebruiker=user, wachtwoord=wachtwoord, nieuw=nieuw
        )
    )
    return _no_store(response)


def _get(user_id: int) -> User:
    return user_service.get_user_by_id(db_session(), user_id)


def _lidmaatschappen(user: User) -> list[AfdelingLid]:
    from sqlalchemy.orm import selectinload

    return list(
        db_session().scalars(
            select(AfdelingLid)
            .where(AfdelingLid.user_id == user.id)
            .options(selectinload(AfdelingLid.afdeling))
        )
    )


def _gebruiker_page(user: User, *, gegevens_form=None, lid_form=None, status=200, actie_fout=""):
    session_ = db_session()
    if gegevens_form is None:
        gegevens_form = af.GebruikerGegevensForm(formdata=None, prefix="gegevens", obj=user)
        gegevens_form.rollen.data = list(user.roles or [])
    gegevens_form.fill()
    leden = _lidmaatschappen(user)
    afdelingen = [a for a in catalogus.list_afdelingen(session_) if a.status != "gesloten"]
    if lid_form is None:
        lid_form = af.LidmaatschapForm(formdata=None, prefix="lid")
    lid_form.fill(afdelingen)
    return render_template(
        "gebruikers/detail.html",
        gebruiker=user,
        gegevens_form=gegevens_form,
        lid_form=lid_form,
        leden=sorted(leden, key=lambda lid: lid.afdeling.naam),
        lidrollen=labels.choices(labels.LIDROL),
        niveaus=labels.choices(labels.VERTROUWELIJKHEID),
        is_zelf=user.id == _user().id,
        tokens=user_service.list_tokens(session_, user),
        actie_fout=actie_fout,
    ), status


@bp.route("/beheer/gebruikers/<int:user_id>")
@beheer_page
def gebruiker(user_id: int):
    return _gebruiker_page(_get(user_id))


def _url(user: User, anker: str = "") -> str:
    return url_for("ui.gebruiker", user_id=user.id) + (f"#{anker}" if anker else "")


@bp.route("/beheer/gebruikers/<int:user_id>/gegevens", methods=["POST"])
@beheer_page
def gebruiker_gegevens(user_id: int):
    user = _get(user_id)
    form = af.GebruikerGegevensForm(prefix="gegevens")
    form.fill()
    if not form.validate_on_submit():
        return _gebruiker_page(user, gegevens_form=form, status=422)
    try:
        user_service.update_user(
            db_session(),
            _user(),
            user,
            naam=form.naam.data,
            email=form.email.data or None,
            roles=list(form.rollen.data or []),
        )
    except DomainError as exc:
        status = _show_error(form, exc)
        return _gebruiker_page(user, gegevens_form=form, status=status)
    flash(_("De gegevens van %(naam)s zijn opgeslagen.", naam=user.username), "succes")
    return redirect(_url(user))


def _actie(user_id: int, action, melding: str, anker: str = ""):
    user = _get(user_id)
    form = af.ActieForm()
    if not form.validate_on_submit():
        return _gebruiker_page(user, status=400, actie_fout=_("Het formulier is verlopen."))
    try:
        result = action(user)
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        return _gebruiker_page(user, status=_status(exc), actie_fout=exc.message)
    if isinstance(result, str):  # a generated password: shown on this response only
        return _wachtwoord_page(user, result, nieuw=False)
    flash(melding, "succes")
    return redirect(_url(user, anker))


@bp.route("/beheer/gebruikers/<int:user_id>/deactiveren", methods=["POST"])
@beheer_page
def gebruiker_deactiveren(user_id: int):
    def action(user):
        user_service.set_active(db_session(), _user(), user, False)

    return _actie(user_id, action, _("Het account is gedeactiveerd."))


@bp.route("/beheer/gebruikers/<int:user_id>/activeren", methods=["POST"])
@beheer_page
def gebruiker_activeren(user_id: int):
    def action(user):
        user_service.set_active(db_session(), _user(), user, True)

    return _actie(user_id, action, _("Het account is weer actief."))


@bp.route("/beheer/gebruikers/<int:user_id>/deblokkeren", methods=["POST"])
@beheer_page
def gebruiker_deblokkeren(user_id: int):
    def action(user):
        user_service.unlock(db_session(), _user(), user)

    return _actie(user_id, action, _("De blokkade is opgeheven."))


@bp.route("/beheer/gebruikers/<int:user_id>/wachtwoord", methods=["POST"])
@beheer_page
def gebruiker_wachtwoord(user_id: int):
    def action(user):
        return user_service.reset_password(db_session(), _user(), user)

    return _actie(user_id, action, "")


@bp.route("/beheer/gebruikers/<int:user_id>/lidmaatschappen", methods=["POST"])
@beheer_page
def gebruiker_lidmaatschap(user_id: int):
    """Add the user to a department, or change their role and clearance there."""
    session_ = db_session()
    user = _get(user_id)
    form = af.LidmaatschapForm(prefix="lid")
    form.fill([a for a in catalogus.list_afdelingen(session_) if a.status != "gesloten"])
    if not form.validate_on_submit():
        return _gebruiker_page(user, lid_form=form, status=422)
    try:
        afdeling = catalogus.get_afdeling(session_, form.afdeling.data)
        afdeling_service.set_member(
            session_, _user(), afdeling, user, rol=form.rol.data, clearance=form.clearance.data
        )
    except DomainError as exc:
        if isinstance(exc, NotFound) and exc.field == "afdeling":
            forms.apply_errors(form, exc)
            return _gebruiker_page(user, lid_form=form, status=422)
        status = _show_error(form, exc)
        return _gebruiker_page(user, lid_form=form, status=status)
    flash(_("Lidmaatschap van %(afdeling)s is opgeslagen.", afdeling=afdeling.naam), "succes")
    return redirect(_url(user, "lidmaatschappen"))


@bp.route("/beheer/gebruikers/<int:user_id>/lidmaatschappen/<code>/verwijderen", methods=["POST"])
@beheer_page
def gebruiker_lidmaatschap_verwijderen(user_id: int, code: str):
    def action(user):
        session_ = db_session()
        afdeling = catalogus.get_afdeling(session_, code)
        afdeling_service.remove_member(session_, _user(), afdeling, user)

    return _actie(user_id, action, _("Het lidmaatschap is verwijderd."), "lidmaatschappen")
