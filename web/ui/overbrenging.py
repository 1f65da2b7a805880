"""The archivist's transfer pages: what is due, export a package (into the data directory),
download its zip, confirm receipt. Thin adapters over retention.overbrenging; one
transaction per request (the boundary commits, and only then is local content removed)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from archive.errors import DomainError
from retention import overbrenging as ob
from web.app import blob_store, db_session, settings
from web.common import private_download
from web.ui import bp, forms
from web.ui.uitzonderingen import _user, archief_page

MAX_DUE_SHOWN = 200


class ExportForm(FlaskForm):
    zaken = TextAreaField(
        _l("Alleen deze zaken"),
        validators=[Optional(), Length(max=50_000)],
        description=_l("Identificaties, één per regel; leeg: alle zaken die aan de beurt zijn."),
    )
    afdeling = StringField(_l("Afdeling (code)"), validators=[Optional(), Length(max=40)])
    zaaktype = StringField(_l("Zaaktype (identificatie)"), validators=[Optional(), Length(max=80)])
    maak_zip = BooleanField(_l("Ook een zip maken"), default=True)


class BevestigForm(FlaskForm):
    toelichting = TextAreaField(
        _l("Toelichting"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Bijvoorbeeld het kenmerk van het ontvangstbewijs van het e-Depot."),
    )


def _status(exc: DomainError) -> int:
    return exc.status if exc.status >= 400 else 422


def _page(form, status: int = 200):
    session, user = db_session(), _user()
    due = ob.due_zaken(session, user, ob.Selectie(limit=MAX_DUE_SHOWN))
    total, rijen = ob.list_transfers(session, user, limit=100)
    return (
        render_template(
            "overbrenging/overzicht.html",
            form=form,
            bevestig=BevestigForm(),
            due=due,
            max_due=MAX_DUE_SHOWN,
            rijen=rijen,
            totaal=total,
        ),
        status,
    )


@bp.route("/archivering/overbrengingen", methods=["GET", "POST"])
@archief_page
def archief_overbrengingen():
    form = ExportForm()
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, 422)
    raw = (form.zaken.data or "").replace(",", "\n")
    selectie = ob.Selectie(
        identificaties=tuple(line.strip() for line in raw.splitlines() if line.strip()),
        afdeling=(form.afdeling.data or "").strip() or None,
        zaaktype=(form.zaaktype.data or "").strip() or None,
    )
    try:
        result = ob.export(
            db_session(),
            _user(),
            out_dir=ob.packages_dir(settings().data_dir),
            store=blob_store(),
            selectie=selectie,
            maak_zip=bool(form.maak_zip.data),
        )
    except DomainError as exc:
        forms.apply_errors(form, exc)
        return _page(form, _status(exc))
    flash(
        _(
            "Overbrenging %(id)s is geëxporteerd: %(n)s zaak/zaken. Bevestig de overbrenging "
            "zodra het e-Depot het pakket heeft ontvangen.",
            id=result.id,
            n=result.aantal_zaken,
        ),
        "succes",
    )
    return redirect(url_for("ui.archief_overbrengingen"))


def _get(overbrenging_id: int):
    try:
        return ob.get(db_session(), _user(), overbrenging_id)
    except DomainError as exc:
        abort(exc.status if exc.status in (403, 404) else 404)


@bp.route("/archivering/overbrengingen/<int:overbrenging_id>/zip")
@archief_page
def archief_overbrenging_zip(overbrenging_id: int):
    try:
        path = ob.zip_file(_get(overbrenging_id))
    except DomainError:
        abort(404)
    return private_download(path, mimetype="application/zip", download_name=path.name)


@bp.route("/archivering/overbrengingen/<int:overbrenging_id>/bevestigen", methods=["POST"])
@archief_page
def archief_overbrenging_bevestigen(overbrenging_id: int):
    form = BevestigForm()
    overbrenging = _get(overbrenging_id)
    if not form.validate():
        flash(_("De toelichting is te lang (hoogstens 2000 tekens)."), "fout")
        return redirect(url_for("ui.archief_overbrengingen")), 303
    try:
        bevestiging = ob.confirm(
            db_session(),
            _user(),
            overbrenging.id,
            store=blob_store(),
            toelichting=form.toelichting.data or "",
        )
    except DomainError as exc:
        flash(exc.message, "fout")
        return redirect(url_for("ui.archief_overbrengingen")), 303
    flash(
        _(
            "Overbrenging %(id)s is bevestigd; de zaken zijn overgedragen.",
            id=overbrenging_id,
        )
        + (
            " "
            + _("Lokale inhoud verwijderd: %(n)s bestand(en).", n=len(bevestiging.te_verwijderen))
            if bevestiging.te_verwijderen
            else ""
        ),
        "succes",
    )
    return redirect(url_for("ui.archief_overbrengingen"))
