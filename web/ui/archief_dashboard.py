"""The archivist's dashboard at /archivering: what is due for destruction and transfer,
closed zaken without retention data, calculations waiting for a date, a chart of what
becomes due per year, and shortcuts to destruction lists, transfer, holds and exceptions;
plus one paginated list per kind. Thin adapters over retention.werkbank and
retention.werkvoorraad; archivists only (403 for anyone else, as on the other
/archivering pages). Reads only: a GET filter form without CSRF token."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from archive.errors import DomainError
from retention import werkbank
from retention import werkvoorraad as wv
from web.app import db_session
from web.ui import bp, forms
from web.ui.uitzonderingen import _user, archief_page

PER_PAGE = 50
MAX_PAGE = 100_000
SOORT_LABELS = {
    "vernietigen": _l("Te vernietigen"),
    "overbrengen": _l("Over te brengen"),
    "ontbrekend": _l("Zonder bewaargegevens"),
    "wachtend": _l("Berekening wacht"),
}
TAAK_LABELS = {
    "beoordelen": _l("Uw beoordeling wordt gevraagd"),
    "goedkeuren": _l("Wacht op definitieve goedkeuring door een tweede archivaris"),
    "antwoorden": _l("De beoordelaars vragen uw antwoord"),
}
FILTER_ARGS = ("afdeling", "zaaktype", "peildatum")


class WerkbankFilterForm(FlaskForm):
    """A question, not a change (GET, no CSRF token)."""

    class Meta:
        csrf = False

    # validate_choice=False: the service refuses an unknown department or zaaktype itself,
    # with a message that names it
    afdeling = SelectField(_l("Afdeling"), validators=[Optional()], validate_choice=False)
    zaaktype = SelectField(_l("Zaaktype"), validators=[Optional()], validate_choice=False)
    peildatum = forms.DatumField(
        _l("Peildatum"),
        validators=[Optional()],
        description=_l("Wat is op deze datum aan de beurt? Als dd-mm-jjjj; leeg: vandaag."),
    )


def _form():
    from web.ui.vernietiging import _choices  # the same choices as a new destruction list

    form = WerkbankFilterForm(request.args)
    form.afdeling.choices, form.zaaktype.choices = _choices(db_session())
    return form


def _filter(form: WerkbankFilterForm) -> wv.Filter:
    return wv.Filter(afdeling=form.afdeling.data or None, zaaktype=form.zaaktype.data or None)


def _args() -> dict[str, str]:
    """The filters as given, to keep them in links (pagination, 'all of this kind')."""
    return {k: v for k in FILTER_ARGS if (v := request.args.get(k, "").strip())}


def _chart(per_jaar: dict[int, dict[str, int]]) -> dict:
    """Rows and scale of the bar chart (the template draws it as inline SVG)."""
    rows = [
        (jaar, n.get("vernietigen", 0), n.get("blijvend_bewaren", 0))
        for jaar, n in sorted(per_jaar.items())
    ]
    top = max((max(v, b) for _j, v, b in rows), default=0)
    return {"rows": rows, "max": top}


def _selectie(w: werkbank.Werkbank) -> dict[str, str]:
    """The fields of the destruction-list form for this selection. Only what is due today
    can go on a list; a peildatum in the past narrows it to what was due then."""
    velden = {"afdeling": w.filter.afdeling or "", "zaaktype": w.filter.zaaktype or ""}
    if w.peildatum < date.today():
        velden["archiefactiedatum_voor"] = (w.peildatum + timedelta(days=1)).strftime("%d-%m-%Y")
    return velden


@bp.app_template_global()
def werkvoorraad_label(soort: str) -> str:
    return str(SOORT_LABELS.get(soort, soort))


@bp.route("/archivering")
@archief_page
def archief():
    session, user = db_session(), _user()
    form = _form()
    overzicht = None
    status = 200
    if form.validate():
        try:
            overzicht = werkbank.overzicht(
                session, user, peildatum=form.peildatum.data, filter=_filter(form)
            )
        except DomainError as exc:
            forms.apply_errors(form, exc)
            status = exc.status if exc.status >= 400 else 422
    else:
        status = 422
    return render_template(
        "archivering/dashboard.html",
        form=form,
        w=overzicht,
        chart=_chart(overzicht.per_jaar) if overzicht else None,
        selectie=_selectie(overzicht) if overzicht else None,
        soorten=wv.SOORTEN,
        taak_labels=TAAK_LABELS,
        args=_args(),
    ), status


@bp.route("/archivering/werkvoorraad")
@archief_page
def werkvoorraad_lijst():
    soort = request.args.get("soort", "vernietigen")
    if soort not in wv.SOORTEN:
        abort(404)
    session, user = db_session(), _user()
    form = _form()
    pagina_arg = request.args.get("pagina", "")
    pagina = min(int(pagina_arg), MAX_PAGE) if pagina_arg.isdigit() and int(pagina_arg) else 1
    result = None
    status = 200
    if form.validate():
        try:
            total, rijen = wv.due(
                session,
                user,
                soort,
                today=form.peildatum.data,
                limit=PER_PAGE,
                offset=(pagina - 1) * PER_PAGE,
                filter=_filter(form),
            )
            result = {
                "total": total,
                "rijen": rijen,
                "pagina": pagina,
                "paginas": max(1, -(-total // PER_PAGE)),
            }
        except DomainError as exc:
            forms.apply_errors(form, exc)
            status = exc.status if exc.status >= 400 else 422
    else:
        status = 422
    return render_template(
        "archivering/werkvoorraad.html", form=form, soort=soort, result=result, args=_args()
    ), status
