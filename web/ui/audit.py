"""The auditor's pages: the audit trail across the system, the chain check and the access
report per person (BSN), with a CSV download.

An auditor is no member of any department: these pages show identificaties, actions, users
and times from the logs, never document content or a zaak's description. The services
(``archive.auditlog``, ``archive.toegangslog``) refuse anyone without the role auditor.
"""

from __future__ import annotations

import functools
from datetime import datetime, time, timedelta

from flask import make_response, render_template, request, url_for
from flask_login import login_required

from archive import auditlog, toegangslog
from archive.errors import DomainError, NotFound
from web.app import db_session
from web.ui import admin_forms as af
from web.ui import bp, forms

PER_PAGE = 50


def _user():
    from web.ui.views import _user as current

    return current()


def audit_page(fn):
    """Logged in and auditor; anyone else gets the 403 page."""

    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        auditlog.require_auditor(_user())
        return fn(*args, **kwargs)

    return login_required(guarded)


@bp.app_context_processor
def audit_layout_context() -> dict:
    from flask_login import current_user

    return {
        "is_auditor": bool(current_user.is_authenticated) and auditlog.is_auditor(_user()),
    }


@bp.route("/audit")
@audit_page
def audit():
    return render_template("audit/index.html")


@bp.route("/audit/gebeurtenissen")
@audit_page
def audit_gebeurtenissen():
    session_ = db_session()
    auditor = _user()
    form = af.AuditFilterForm(request.args)
    form.fill(auditlog.acties(session_, auditor))
    result = None
    status = 200
    if form.validate():
        filters = auditlog.AuditFilter(
            object=form.object.data or None,
            gebruiker=form.gebruiker.data or None,
            actie=form.actie.data or None,
            vanaf=form.vanaf.data,
            tot=form.tot.data,
        )
        pagina = request.args.get("pagina", "")
        try:
            result = auditlog.list_events(
                session_,
                auditor,
                filters,
                page=int(pagina) if pagina.isdigit() else 1,
                per_page=PER_PAGE,
            )
        except DomainError as exc:
            forms.apply_errors(form, exc)
            status = 422
    else:
        status = 422
    args = {k: v for k, v in request.args.items() if k != "pagina" and v}
    return render_template("audit/gebeurtenissen.html", form=form, result=result, args=args), status


@bp.route("/audit/keten", methods=["GET", "POST"])
@audit_page
def audit_keten():
    """GET explains; POST (a button, with CSRF) recomputes the whole chain."""
    report = None
    if request.method == "POST":
        form = af.ActieForm()
        if form.validate_on_submit():
            report = auditlog.verify(db_session(), _user())
    return render_template("audit/keten.html", report=report)


def _periode(form) -> tuple[datetime | None, datetime | None]:
    """The chosen days as moments in the server's time zone; ``tot`` includes its day."""
    vanaf = form.vanaf.data
    tot = form.tot.data + timedelta(days=1) if form.tot.data else None
    return (
        datetime.combine(vanaf, time.min).astimezone() if vanaf else None,
        datetime.combine(tot, time.min).astimezone() if tot else None,
    )


@bp.route("/audit/toegang")
@audit_page
def audit_toegang():
    """Who has seen anything about the person with this BSN, and when (AVG, NEN 7513)."""
    form = af.InzageForm(request.args)
    gevraagd = bool(request.args)
    rows = None
    status = 200
    if gevraagd:
        if form.validate():
            vanaf, tot = _periode(form)
            try:
                rows = toegangslog.who_has_seen_person(
                    db_session(), _user(), form.bsn.data, vanaf=vanaf, tot=tot
                )
            except DomainError as exc:
                if isinstance(exc, NotFound) and exc.field == "bsn":
                    rows = []  # no such person: nobody has seen anything about them
                else:
                    forms.apply_errors(form, exc)
                    status = 422
        else:
            status = 422
    if rows is not None and request.args.get("formaat") == "csv":
        response = make_response(toegangslog.inzage_csv(rows).encode("utf-8"))
        response.mimetype = "text/csv"
        response.charset = "utf-8"
        response.headers["Content-Disposition"] = 'attachment; filename="inzage.csv"'
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store, private"
        return response
    csv_url = (
        url_for(
            "ui.audit_toegang",
            **{k: v for k, v in request.args.items() if k != "formaat" and v},
            formaat="csv",
        )
        if rows
        else None
    )
    response = make_response(
        render_template("audit/toegang.html", form=form, rows=rows, csv_url=csv_url), status
    )
    response.headers["Cache-Control"] = "no-store, private"
    return response
