"""Grants on one zaak for a partner outside its department ("Toegang voor partners").

Only the regie of the zaak's department (or a beheerder who can see the zaak) manages them;
``archive.machtigingen`` holds that rule and the rules on reason and expiry. The zaak is
fetched through the access policy first, so a zaak one may not see stays a 404.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from archive import machtigingen
from archive import users as user_service
from archive import zaken as zaken_service
from archive.errors import DomainError, Forbidden, NotFound, ValidationFailed
from archive.models import Machtiging
from web.app import db_session
from web.ui import admin_forms as af
from web.ui import bp, forms


def zaak_context(session, user, zaak) -> dict:
    """What the zaak page shows of the grants: only to those who may manage them."""
    if not machtigingen.may_grant(user, zaak):
        return {"mag_machtigen": False, "machtigingen": [], "machtiging_form": None}
    form = af.MachtigingForm(formdata=None, prefix="toegang")
    form.fill(zaak, user)
    return {
        "mag_machtigen": True,
        "machtigingen": machtigingen.active_grants(session, zaak),
        "machtiging_form": form,
    }


def _zaak(identificatie: str):
    from web.ui.views import _user

    user = _user()
    found = zaken_service.get_zaak(
        db_session(), user, identificatie, pad="ui" if request.method == "GET" else None
    )
    if not machtigingen.may_grant(user, found):
        raise Forbidden(_("Alleen de regie van de afdeling verleent toegang tot deze zaak."))
    return user, found


def _page(zaak, form, status: int = 200, actie_fout: str = ""):
    return render_template(
        "zaken/toegang.html",
        zaak=zaak,
        form=form,
        machtigingen=machtigingen.active_grants(db_session(), zaak),
        actie_fout=actie_fout,
    ), status


def _status(exc: DomainError) -> int:
    return exc.status if exc.status >= 400 else 422


@bp.route("/zaken/<identificatie>/toegang", methods=["GET", "POST"])
@login_required
def zaak_toegang(identificatie: str):
    """The grants of one zaak and the form for a new one (also shown on the zaak page)."""
    session_ = db_session()
    user, zaak = _zaak(identificatie)
    form = af.MachtigingForm(prefix="toegang")
    form.fill(zaak, user)
    if not form.is_submitted():
        return _page(zaak, form)
    if not form.validate_on_submit():
        return _page(zaak, form, 422)
    try:
        try:
            partner = user_service.get_user(session_, form.user.data)
        except NotFound as exc:
            raise ValidationFailed({"user": [exc.message]}) from exc
        machtigingen.grant(
            session_,
            user,
            zaak,
            partner,
            reden=form.reden.data or "",
            verloopt_op=form.verloopt_op.data,
            rol=form.rol.data,
            clearance=form.clearance.data or None,
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden) and not exc.field_errors():
            raise
        forms.apply_errors(form, exc)
        return _page(zaak, form, _status(exc))
    flash(
        _("%(naam)s heeft toegang tot zaak %(id)s.", naam=partner.naam, id=zaak.identificatie),
        "succes",
    )
    return redirect(url_for("ui.zaak", identificatie=zaak.identificatie) + "#toegang")


@bp.route("/zaken/<identificatie>/toegang/<int:machtiging_id>/intrekken", methods=["POST"])
@login_required
def zaak_toegang_intrekken(identificatie: str, machtiging_id: int):
    session_ = db_session()
    user, zaak = _zaak(identificatie)
    form = af.ActieForm()
    if not form.validate_on_submit():
        return _page(zaak, _empty_form(zaak), 400, actie_fout=_("Het formulier is verlopen."))
    machtiging = session_.get(Machtiging, machtiging_id)
    if machtiging is None or machtiging.zaak_id != zaak.id:
        raise NotFound(_("Deze machtiging bestaat niet."))
    machtigingen.revoke(session_, user, machtiging.id)
    flash(_("De toegang van %(naam)s is ingetrokken.", naam=machtiging.user.naam), "succes")
    return redirect(url_for("ui.zaak", identificatie=zaak.identificatie) + "#toegang")


def _empty_form(zaak):
    from web.ui.views import _user

    form = af.MachtigingForm(formdata=None, prefix="toegang")
    form.fill(zaak, _user())
    return form
