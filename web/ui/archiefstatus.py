"""The archivist sets a zaak's archiefstatus: a small form on the zaak page (for an
archivist who may see the zaak) and a page under /archivering with the zaak's retention
metadata only (for any archivist, as the API's ``/archivering/zaken/{id}``). A thin adapter
over retention.archiefstatus; one transaction per request (the boundary commits)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from archive import access
from archive.enums import Archiefstatus
from archive.errors import DomainError, NotFound
from retention import archiefstatus, bevriezingen, uitzonderingen
from web.app import db_session
from web.ui import bp, forms, labels
from web.ui.uitzonderingen import archief_page


class ArchiefstatusForm(FlaskForm):
    # the service checks the value and the transition, with the reason when it refuses
    archiefstatus = SelectField(
        _l("Nieuwe archiefstatus"),
        validators=[InputRequired(_l("Kies de nieuwe archiefstatus."))],
        validate_choice=False,
    )


def _user():
    from web.ui.views import _user as user

    return user()


def choices_for(zaak) -> list[tuple[str, str]]:
    """What the form offers: the next states the rules allow, except *overgedragen*
    (only the transfer sets it); nothing for an open zaak (it is not archived)."""
    if zaak.is_open:
        return []
    allowed = archiefstatus.ALLOWED.get(zaak.archiefstatus, frozenset())
    return [
        (code, text)
        for code, text in labels.choices(labels.ARCHIEFSTATUS)
        if code in allowed and code != Archiefstatus.overgedragen
    ]


def _form(zaak, **kwargs) -> ArchiefstatusForm:
    form = ArchiefstatusForm(**kwargs)
    form.archiefstatus.choices = choices_for(zaak)
    return form


@bp.app_template_global()
def archiefstatus_form(zaak) -> ArchiefstatusForm | None:
    """The zaak page's form, for an archivist when there is a state to move to."""
    if not access.is_archivaris(_user()) or not choices_for(zaak):
        return None
    return _form(zaak, formdata=None)


def _page(zaak, form, status: int = 200):
    session, user = db_session(), _user()
    return (
        render_template(
            "archivering/archiefstatus.html",
            zaak=zaak,
            form=form,
            zichtbaar=access.can_view_zaak(user, zaak),
            uitgezonderd=uitzonderingen.exemption_source(session, zaak),
            bevroren=bevriezingen.is_held(session, zaak.id),
        ),
        status,
    )


@bp.route("/archivering/zaken/<identificatie>/archiefstatus", methods=["GET", "POST"])
@archief_page
def archief_zaak_archiefstatus(identificatie: str):
    session, user = db_session(), _user()
    try:
        zaak = archiefstatus.zaak_for_archivaris(session, user, identificatie)
    except NotFound:
        abort(404)
    form = _form(zaak)
    if not form.is_submitted():
        return _page(zaak, form)
    if not form.validate():
        return _page(zaak, form, 422)
    voor = zaak.archiefstatus
    try:
        archiefstatus.set_archiefstatus(session, zaak, form.archiefstatus.data, user)
    except DomainError as exc:
        forms.apply_errors(form, exc)
        return _page(zaak, form, exc.status if exc.status >= 400 else 422)
    flash(
        _(
            "De archiefstatus van zaak %(id)s is nu %(nieuw)s (was %(voor)s).",
            id=zaak.identificatie,
            nieuw=labels.label(labels.ARCHIEFSTATUS, zaak.archiefstatus),
            voor=labels.label(labels.ARCHIEFSTATUS, voor),
        ),
        "succes",
    )
    if access.can_view_zaak(user, zaak):
        return redirect(url_for("ui.zaak", identificatie=zaak.identificatie))
    return redirect(url_for("ui.archief_zaak_archiefstatus", identificatie=zaak.identificatie))
