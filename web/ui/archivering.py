"""Retention on the zaak page: enter the brondatum a pending calculation waits for, and
reopen a closed zaak. Thin adapters over archive.archivering and archive.zaken."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from archive import access, archivering
from archive import zaken as zaken_service
from archive.errors import DomainError
from web.app import db_session
from web.ui import bp, forms


class BrondatumForm(FlaskForm):
    brondatum = forms.DatumField(
        _l("Brondatum"),
        validators=[Optional()],
        description=_l("Als dd-mm-jjjj; leeg laten om de datum te wissen."),
    )


class HeropenenForm(FlaskForm):
    toelichting = TextAreaField(
        _l("Reden"),
        validators=[
            InputRequired(_l("Leg vast waarom de zaak heropend wordt.")),
            Length(max=2000),
        ],
    )


@bp.app_template_global()
def bewaring_acties(zaak) -> dict:
    """Which retention actions the zaak page offers the current user."""
    from web.ui.views import _user

    mag = not zaak.is_open and access.can_change_zaak(_user(), zaak)
    return {
        "brondatum": mag and archivering.takes_brondatum(zaak),
        "heropenen": mag and archivering.is_reopenable(zaak),
    }


def _zaak(identificatie: str):
    from web.ui.views import _zaak_for_change

    return _zaak_for_change(identificatie)


def _status(exc: DomainError) -> int:
    return exc.status if exc.status >= 400 else 422


def _form_page(identificatie: str, form, template: str, change, done: str):
    """GET shows the form; a valid POST calls ``change(zaak)`` and returns to the zaak; a
    refusal comes back on the form with its status (the boundary rolls it back)."""
    zaak = _zaak(identificatie)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(template, form=form, zaak=zaak), status
    try:
        change(zaak)
    except DomainError as exc:
        forms.apply_errors(form, exc)
        return render_template(template, form=form, zaak=zaak), _status(exc)
    flash(done, "succes")
    return redirect(url_for("ui.zaak", identificatie=zaak.identificatie))


@bp.route("/zaken/<identificatie>/brondatum", methods=["GET", "POST"])
@login_required
def zaak_brondatum(identificatie: str):
    from web.ui.views import _user

    form = BrondatumForm()
    return _form_page(
        identificatie,
        form,
        "zaken/brondatum.html",
        lambda zaak: archivering.set_brondatum(db_session(), _user(), zaak, form.brondatum.data),
        _("De brondatum is vastgelegd en de archiefactiedatum herberekend."),
    )


@bp.route("/zaken/<identificatie>/heropenen", methods=["GET", "POST"])
@login_required
def zaak_heropenen(identificatie: str):
    from web.ui.views import _user

    form = HeropenenForm()
    return _form_page(
        identificatie,
        form,
        "zaken/heropenen.html",
        lambda zaak: zaken_service.reopen_zaak(
            db_session(), _user(), zaak, toelichting=form.toelichting.data
        ),
        _("Zaak %(id)s is heropend.", id=identificatie),
    )
