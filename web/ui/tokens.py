"""API tokens, self-service: every user lists, creates and revokes their own tokens.

The secret is shown exactly once, on the response to the POST that created it (never
stored in clear, never in a redirect or flash message). ``archive.users.revoke_token``
answers 404 for someone else's token.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from archive import users as user_service
from archive.errors import DomainError, Forbidden, NotFound
from web.app import db_session
from web.ui import admin_forms as af
from web.ui import bp, forms


def _user():
    from web.ui.views import _user as current

    return current()


def _page(form, status: int = 200, actie_fout: str = ""):
    return render_template(
        "tokens/lijst.html",
        form=form,
        tokens=user_service.list_tokens(db_session(), _user()),
        actie_fout=actie_fout,
    ), status


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = af.TokenForm()
    if not form.is_submitted():
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 422)
    user = _user()
    # valid through the chosen day, as ``dossierhuis token create --expires`` counts it
    verloopt_op = datetime.combine(form.verloopt_op.data + timedelta(days=1), time.min, tzinfo=UTC)
    try:
        token, secret = user_service.create_token(
            db_session(), user, user, form.naam.data, verloopt_op
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden) and not exc.field_errors():
            raise
        forms.apply_errors(form, exc)
        return _page(form, exc.status if exc.status >= 400 else 422)
    response = make_response(render_template("tokens/geheim.html", token=token, secret=secret))
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.route("/tokens/<int:token_id>/intrekken", methods=["POST"])
@login_required
def token_intrekken(token_id: int):
    form = af.ActieForm()
    if not form.validate_on_submit():
        return _page(af.TokenForm(formdata=None), 400, actie_fout=_("Het formulier is verlopen."))
    token = user_service.revoke_token(db_session(), _user(), token_id)
    flash(_("Token %(naam)s is ingetrokken.", naam=token.naam), "succes")
    return redirect(url_for("ui.tokens"))
