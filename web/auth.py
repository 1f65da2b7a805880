"""Login and logout for the web; API authentication lives in web.api.auth."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from archive import audit
from archive.users import AccountLocked, authenticate
from web.app import db_session

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("Gebruikersnaam", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Wachtwoord", validators=[DataRequired(), Length(max=1024)])


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another host after login."""
    if not target:
        return url_for("ui.index")
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return url_for("ui.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("ui.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        g.commit_despite_error = True  # the failed-attempt count must persist
        try:
            user = authenticate(db_session(), form.username.data, form.password.data)
        except AccountLocked as locked:
            return render_template("login.html", form=form, error=locked.message), 429
        if user is not None:
            session.clear()
            session.permanent = True
            login_user(user)
            audit.record(db_session(), user, "gebruiker.ingelogd", "gebruiker", str(user.id))
            return redirect(_safe_next(request.args.get("next")))
        error = _("Onbekende gebruikersnaam of onjuist wachtwoord.")
    status = 401 if error else 200
    if error is None and request.method == "POST":
        status = 400
    return render_template("login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))
