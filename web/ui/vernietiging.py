"""Destruction lists for archivists and their reviewers: the overview, a new list from a
selection, the list page with review (exclude per zaak with a reason), the author's
answers, approval, cancelling, execution with progress and the verklaring download.
Thin adapters over retention.vernietiging; one transaction per request, except the
execution, which commits per zaak (the service is its own boundary there)."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from archive import access
from archive.errors import DomainError
from retention import verklaring, vernietiging
from web.app import blob_store, db_session, settings
from web.common import private_download
from web.ui import bp, forms

UI_BATCH = 25  # zaken per request while executing; the page then offers to go on
STATUS_LABELS = {
    "nieuw": _l("Nieuw"),
    "ter_beoordeling": _l("Ter beoordeling"),
    "wijzigingen_gevraagd": _l("Wijzigingen gevraagd"),
    "goedgekeurd": _l("Goedgekeurd door de beoordelaars"),
    "bedenktijd": _l("Bedenktijd"),
    "in_uitvoering": _l("In uitvoering"),
    "vernietigd": _l("Vernietigd"),
    "afgebroken": _l("Afgebroken"),
}
ITEM_LABELS = {
    "op_lijst": _l("Op de lijst"),
    "uitgezonderd": _l("Van de lijst gehaald"),
    "vernietigd": _l("Vernietigd"),
    "geweigerd": _l("Geweigerd"),
}


def _user():
    from web.ui.views import _user as user

    return user()


def lijst_page(view):
    """Logged in, and an archivaris or someone who can be a reviewer; others get 403."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not vernietiging.may_use(_user()):
            abort(403)
        return view(*args, **kwargs)

    return login_required(guarded)


@bp.app_template_global()
def lijst_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global()
def item_status_label(status: str) -> str:
    return str(ITEM_LABELS.get(status, status))


# -- forms ----------------------------------------------------------------------------------


class NieuweLijstForm(FlaskForm):
    naam = StringField(
        _l("Naam van de lijst"),
        validators=[InputRequired(_l("Geef de lijst een naam.")), Length(max=200)],
    )
    toelichting = TextAreaField(_l("Toelichting"), validators=[Optional(), Length(max=2000)])
    afdeling = SelectField(_l("Afdeling"), validators=[Optional()])
    zaaktype = SelectField(_l("Zaaktype"), validators=[Optional()])
    archiefactiedatum_voor = forms.DatumField(
        _l("Archiefactiedatum vóór"),
        validators=[Optional()],
        description=_l(
            "Alleen zaken die al vóór deze datum vernietigd mochten worden (dd-mm-jjjj)."
        ),
    )
    beoordelaars = StringField(
        _l("Beoordelaars"),
        validators=[Optional(), Length(max=1000)],
        description=_l(
            "Gebruikersnamen, gescheiden door komma's: een archivaris, een beheerder (DIV) of "
            "de regie van een afdeling. U kunt ze later nog aanwijzen."
        ),
    )


class BeoordelaarsForm(FlaskForm):
    beoordelaars = StringField(
        _l("Beoordelaars"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Gebruikersnamen, gescheiden door komma's."),
    )


class AfbrekenForm(FlaskForm):
    reden = TextAreaField(
        _l("Reden van afbreken"),
        validators=[
            InputRequired(_l("Geef de reden waarom de lijst wordt afgebroken.")),
            Length(max=2000),
        ],
    )


class AntwoordForm(FlaskForm):
    zaak = StringField(validators=[InputRequired()])
    besluit = SelectField(_l("Uw besluit"), validators=[InputRequired()])
    antwoord = TextAreaField(_l("Uitleg"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.besluit.choices = [
            ("verwijderen", str(_l("Van de lijst halen"))),
            ("handhaven", str(_l("Op de lijst houden, met uitleg"))),
        ]


def _usernames(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").replace(";", ",").split(",") if part.strip()]


def _choices(session):
    from zaaktypen import services as catalogus

    afdelingen = [("", _("Alle afdelingen"))] + [
        (a.code, f"{a.code} · {a.naam}") for a in catalogus.list_afdelingen(session)
    ]
    seen: dict[str, str] = {}
    for zt in catalogus.list_zaaktypen(session, include_concepts=False):
        seen.setdefault(zt.identificatie, f"{zt.identificatie} · {zt.omschrijving}")
    zaaktypen = [("", _("Alle zaaktypen"))] + sorted(seen.items())
    return afdelingen, zaaktypen


# -- pages ----------------------------------------------------------------------------------


@bp.route("/archivering/vernietigingslijsten")
@lijst_page
def vernietigingslijsten():
    session, user = db_session(), _user()
    lijsten = vernietiging.list_lists(session, user)
    counts = vernietiging.item_counts(session, [lijst.id for lijst in lijsten])
    return render_template(
        "vernietiging/overzicht.html",
        lijsten=lijsten,
        counts=counts,
        mag_opstellen=access.is_archivaris(user),
    )


def _selectie(form: NieuweLijstForm) -> vernietiging.Selectie:
    return vernietiging.Selectie(
        afdeling=form.afdeling.data or None,
        zaaktype=form.zaaktype.data or None,
        archiefactiedatum_voor=form.archiefactiedatum_voor.data,
    )


@bp.route("/archivering/vernietigingslijsten/nieuw", methods=["GET", "POST"])
@lijst_page
def vernietigingslijst_nieuw():
    session, user = db_session(), _user()
    if not access.is_archivaris(user):
        abort(403)
    form = NieuweLijstForm()
    form.afdeling.choices, form.zaaktype.choices = _choices(session)
    voorbeeld = None
    status = 200
    if form.is_submitted():
        if "voorbeeld" in request.form:
            form.naam.validators = [Optional()]
        if not form.validate():
            status = 422
        else:
            try:
                if "voorbeeld" in request.form:
                    voorbeeld = vernietiging.select_due(session, user, _selectie(form), limit=500)
                else:
                    lijst = vernietiging.create_list(
                        session,
                        user,
                        naam=form.naam.data,
                        toelichting=form.toelichting.data or "",
                        selectie=_selectie(form),
                        beoordelaars=_usernames(form.beoordelaars.data),
                    )
                    flash(
                        _(
                            "Vernietigingslijst %(id)s is opgesteld met %(n)s zaken.",
                            id=lijst.id,
                            n=len(lijst.items),
                        ),
                        "succes",
                    )
                    return redirect(url_for("ui.vernietigingslijst", lijst_id=lijst.id))
            except DomainError as exc:
                forms.apply_errors(form, exc, fields={"selectie": "afdeling"})
                status = exc.status if exc.status >= 400 else 422
    return render_template("vernietiging/nieuw.html", form=form, voorbeeld=voorbeeld), status


def _page(lijst, *, status: int = 200, **forms_):
    session, user = db_session(), _user()
    counts = vernietiging.item_counts(session, [lijst.id])[lijst.id]
    total = sum(n for s, n in counts.items() if s != "uitgezonderd")
    done = counts.get("vernietigd", 0) + counts.get("geweigerd", 0)
    mag = vernietiging.allowed_actions(user, lijst)
    open_items = {o.item_id for o in vernietiging.open_opmerkingen(lijst)}
    omschrijvingen = {i.id: vernietiging.visible_omschrijving(user, i) for i in lijst.items}
    return (
        render_template(
            "vernietiging/lijst.html",
            lijst=lijst,
            counts=counts,
            total=total,
            done=done,
            mag=mag,
            open_items=open_items,
            omschrijvingen=omschrijvingen,
            pending=vernietiging.pending_reviewers(lijst),
            beoordelaars_form=forms_.get("beoordelaars_form")
            or BeoordelaarsForm(
                beoordelaars=", ".join(b.user.username for b in lijst.beoordelaars)
            ),
            afbreken_form=forms_.get("afbreken_form") or AfbrekenForm(formdata=None),
            fouten=forms_.get("fouten", []),
        ),
        status,
    )


def _lijst(lijst_id: int):
    return vernietiging.get_list(db_session(), _user(), lijst_id)


@bp.route("/archivering/vernietigingslijsten/<int:lijst_id>")
@lijst_page
def vernietigingslijst(lijst_id: int):
    return _page(_lijst(lijst_id))


def _refused(lijst, exc: DomainError, **forms_):
    fouten = [exc.message] + [
        m for messages in exc.field_errors().values() for m in messages if m != exc.message
    ]
    return _page(lijst, status=exc.status if exc.status >= 400 else 422, fouten=fouten, **forms_)


def _act(lijst_id: int, change, done: str):
    lijst = _lijst(lijst_id)
    try:
        change(lijst)
    except DomainError as exc:
        return _refused(lijst, exc)
    flash(done, "succes")
    return redirect(url_for("ui.vernietigingslijst", lijst_id=lijst_id))


@bp.route("/archivering/vernietigingslijsten/<int:lijst_id>/beoordelaars", methods=["POST"])
@lijst_page
def vernietigingslijst_beoordelaars(lijst_id: int):
    form = BeoordelaarsForm()
    lijst = _lijst(lijst_id)
    if not form.validate():
        return _page(lijst, status=422, beoordelaars_form=form)
    try:
        vernietiging.set_reviewers(db_session(), _user(), lijst, _usernames(form.beoordelaars.data))
    except DomainError as exc:
        forms.apply_errors(form, exc)
        return _refused(lijst, exc, beoordelaars_form=form)
    flash(_("De beoordelaars zijn aangewezen."), "succes")
    return redirect(url_for("ui.vernietigingslijst", lijst_id=lijst_id))


@bp.route("/archivering/vernietigingslijsten/<int:lijst_id>/indienen", methods=["POST"])
@lijst_page
def vernietigingslijst_indienen(lijst_id: int):
    return _act(
        lijst_id,
        lambda lijst: vernietiging.submit(db_session(), _user(), lijst),
        _("De lijst is ingediend bij de beoordelaars."),
    )


@bp.route("/archivering/vernietigingslijsten/<int:lijst_id>/beoordelen", methods=["POST"])
@lijst_page
def vernietigingslijst_beoordelen(lijst_id: int):
    lijst = _lijst(lijst_id)
    uitsluiten = {
        item.zaak_identificatie: request.form.get(f"reden-{item.id}", "")
        for item in lijst.items
        if item.status == "op_lijst" and request.form.get(f"uitsluiten-{item.id}")
    }
    try:
        vernietiging.review(
            db_session(),
            _user(),
            lijst,
            uitsluiten=uitsluiten,
            toelichting=request.form.get("toelichting", ""),
        )
    except DomainError as exc:
        return _refused(lijst, exc)
    flash(
        _("Uw beoordeling is vastgelegd: %(n)s zaak/zaken uitgesloten.", n=len(uitsluiten))
        if uitsluiten
        else _("Uw beoordeling is vastgelegd: akkoord."),
        "succes",
    )
    return redirect(url_for("ui.vernietigingslijst", lijst_id=lijst_id))


@bp.route("/archivering/vernietigingslijsten/<int:lijst_id>/antwoorden", methods=["POST"])
@lijst_page
def vernietigingslijst_antwoorden(lijst_id: int):
    form = AntwoordForm()
    lijst = _lijst(lijst_id)
    if not form.validate():
        return _page(lijst, status=422, fouten=[_("Kies een besluit bij de zaak.")])
    return _act(
        lijst_id,
        lambda lijst: vernietiging.answer(
            db_session(),
            _user(),
            lijst,
            form.zaak.data,
            besluit=form.besluit.data,
            antwoord=form.antwoord.data or "",
        ),
        _("Uw antwoord bij %(zaak)s is vastgelegd.", zaak=form.zaak.data),
    )


@bp.route("/archivering/vernietigingslijsten/<int:lijst_id>/goedkeuren", methods=["POST"])
@lijst_page
def vernietigingslijst_goedkeuren(lijst_id: int):
    return _act(
        lijst_id,
        lambda lijst: vernietiging.approve(db_session(), _user(), lijst),
        _("De lijst is goedgekeurd; de bedenktijd is begonnen."),
    )


@bp.route("/archivering/vernietigingslijsten/<int:lijst_id>/afbreken", methods=["POST"])
@lijst_page
def vernietigingslijst_afbreken(lijst_id: int):
    form = AfbrekenForm()
    lijst = _lijst(lijst_id)
    if not form.validate():
        return _page(lijst, status=422, afbreken_form=form)
    return _act(
        lijst_id,
        lambda lijst: vernietiging.cancel(db_session(), _user(), lijst, reden=form.reden.data),
        _("De lijst is afgebroken; er is niets vernietigd."),
    )


@bp.route("/archivering/vernietigingslijsten/<int:lijst_id>/uitvoeren", methods=["POST"])
@lijst_page
def vernietigingslijst_uitvoeren(lijst_id: int):
    lijst = _lijst(lijst_id)
    try:
        result = vernietiging.execute(
            db_session(),
            _user(),
            lijst,
            store=blob_store(),
            max_bytes=settings().max_upload_bytes,
            max_items=UI_BATCH,
        )
    except DomainError as exc:
        return _refused(lijst, exc)
    if result.klaar:
        flash(
            _("De lijst is uitgevoerd; de verklaring van vernietiging is gearchiveerd."), "succes"
        )
    else:
        flash(_("Nog %(n)s zaken te gaan: ga verder met uitvoeren.", n=result.resterend), "succes")
    return redirect(url_for("ui.vernietigingslijst", lijst_id=lijst_id))


@bp.route("/archivering/vernietigingslijsten/<int:lijst_id>/verklaring/<formaat>")
@lijst_page
def vernietigingslijst_verklaring(lijst_id: int, formaat: str):
    lijst = _lijst(lijst_id)
    try:
        _document, versie, content = verklaring.open_verklaring(
            db_session(), _user(), lijst, formaat, store=blob_store()
        )
    except DomainError as exc:
        return _refused(lijst, exc)
    return private_download(content, mimetype=versie.formaat, download_name=versie.bestandsnaam)


@bp.app_template_global()
def mag_vernietigingslijsten() -> bool:
    """Whether the navigation shows the destruction lists (archivists, possible reviewers)."""
    from flask_login import current_user

    return bool(current_user.is_authenticated) and vernietiging.may_use(_user())
