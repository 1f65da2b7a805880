"""Retention on the zaak page: enter the brondatum a pending calculation waits for, link a
deelzaak to its hoofdzaak, and reopen a closed zaak. Thin adapters over archive.archivering
and archive.zaken."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from archive import access, archivering
from archive import zaken as zaken_service
from archive.errors import DomainError, NotFound
from archive.validation import MAX_IDENTIFICATIE
from web.app import db_session
from web.ui import bp, forms


class BrondatumForm(FlaskForm):
    brondatum = forms.DatumField(
        _l("Brondatum"),
        validators=[Optional()],
        description=_l("Als dd-mm-jjjj; leeg laten om de datum te wissen."),
    )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class HoofdzaakForm(FlaskForm):
    hoofdzaak = StringField(
        _l("Hoofdzaak"),
        validators=[Optional(), Length(max=MAX_IDENTIFICATIE)],
        filters=[_strip],
        description=_l(
            "De identificatie van de hoofdzaak, zoals ZAAK-2026-0000000001; leeg laten om "
            "de koppeling te verwijderen."
        ),
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


@bp.app_template_global()
def hoofdzaak_formulier(zaak) -> HoofdzaakForm | None:
    """The zaak page's hoofdzaak form, for whoever may change the zaak (open or closed:
    a deelzaak closed with a hoofdzaak resultaat waits for this link)."""
    from web.ui.views import _user

    if not access.can_change_zaak(_user(), zaak):
        return None
    form = HoofdzaakForm(formdata=None)
    hoofdzaak = zichtbare_hoofdzaak(zaak)
    form.hoofdzaak.data = hoofdzaak.identificatie if hoofdzaak else ""
    return form


@bp.app_template_global()
def zichtbare_hoofdzaak(zaak):
    """The zaak's hoofdzaak when the current user may see it; otherwise nothing, as if
    there were none (a hidden record stays absent)."""
    from web.ui.views import _user

    hoofdzaak = zaak.hoofdzaak
    if hoofdzaak is None or not access.can_view_zaak(_user(), hoofdzaak):
        return None
    return hoofdzaak


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


def _set_hoofdzaak(zaak, identificatie: str | None) -> None:
    """Look the hoofdzaak up as the user sees it (a hidden one is not found) and link."""
    from web.ui.views import _user

    session, user = db_session(), _user()
    hoofdzaak = None
    if identificatie:
        try:
            hoofdzaak = zaken_service.get_zaak(session, user, identificatie)
        except NotFound as exc:
            raise NotFound(exc.message, field="hoofdzaak") from None
    archivering.set_hoofdzaak(session, user, zaak, hoofdzaak)


@bp.route("/zaken/<identificatie>/hoofdzaak", methods=["GET", "POST"])
@login_required
def zaak_hoofdzaak(identificatie: str):
    form = HoofdzaakForm()
    if not form.is_submitted():
        zaak = _zaak(identificatie)
        hoofdzaak = zichtbare_hoofdzaak(zaak)
        form.hoofdzaak.data = hoofdzaak.identificatie if hoofdzaak else ""
        return render_template("zaken/hoofdzaak.html", form=form, zaak=zaak)
    done = (
        _("Zaak %(id)s is nu de hoofdzaak.", id=form.hoofdzaak.data)
        if form.hoofdzaak.data
        else _("De zaak is geen deelzaak meer.")
    )
    return _form_page(
        identificatie,
        form,
        "zaken/hoofdzaak.html",
        lambda zaak: _set_hoofdzaak(zaak, form.hoofdzaak.data),
        done,
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
