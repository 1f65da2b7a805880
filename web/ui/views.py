"""UI views: thin adapters over the services."""

from __future__ import annotations

from flask import redirect, url_for
from flask_login import login_required

from web.ui import bp


@bp.route("/")
@login_required
def index():
    return redirect(url_for("ui.zaken"))


@bp.route("/zaken")
@login_required
def zaken():
    return "zaken"
