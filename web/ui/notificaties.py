"""Notifications in the UI: the unread badge, the inbox, follow buttons, the preferences
page, the department's network signal and the webhook administration (issue 7).

Thin adapters over ``archive.notificaties``: the services decide who may see, follow or
administer what (an object one may not see answers 404, exactly as an absent one); the
views parse, call and render. Every change is a POST with a CSRF token that redirects
back, so each page works without JavaScript.
"""

from __future__ import annotations

import functools
import logging

from flask import flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

from archive import access
from archive.errors import DomainError, Forbidden, NotFound
from archive.models import Volging
from archive.notificaties import inbox, soorten, volgen, voorkeuren, webhooks
from web.app import db_session, settings
from web.ui import bp, forms
from web.ui.views import _local_path, _user
from zaaktypen import afdelingen as afdeling_service
from zaaktypen import services as catalogus
from zaaktypen.models import Afdeling

log = logging.getLogger(__name__)

# what a webhook can be told about (soorten.EVENTS), for people
SOORT_LABELS = {
    soorten.DOCUMENT_TOEGEVOEGD: _l("Document toegevoegd"),
    soorten.DOCUMENT_NIEUWE_VERSIE: _l("Nieuwe versie van een document"),
    soorten.ZAAK_AANGEMAAKT: _l("Zaak aangemaakt"),
    soorten.ZAAK_STATUS_GEWIJZIGD: _l("Status van een zaak gewijzigd"),
    soorten.ZAAK_AFGESLOTEN: _l("Zaak afgesloten"),
    soorten.ZAAK_HEROPEND: _l("Zaak heropend"),
    soorten.ZAAK_BETROKKENE_TOEGEVOEGD: _l("Betrokkene toegevoegd"),
    soorten.VERNIETIGINGSLIJST_TER_BEOORDELING: _l("Vernietigingslijst ter beoordeling"),
    soorten.AFDELING_EINDE_NADERT: _l("Geplande einde van een afdeling nadert"),
    soorten.PERSOON_NIEUWE_ZAAK: _l("Nieuwe zaak over een gevolgde persoon"),
    soorten.PERSOON_SIGNAAL: _l("Netwerksignaal"),
}
# why an entry is in the inbox (Notificatie.reden)
REDEN_LABELS = {
    "zaak": _l("U volgt deze zaak."),
    "persoon": _l("U volgt een persoon in deze zaak."),
    "afdeling": _l("U volgt deze afdeling of werkt er met regie."),
    "beoordelaar": _l("U bent beoordelaar van deze lijst."),
    "beheer": _l("U bent beheerder (DIV)."),
    "signaal": _l("Signaal uit het netwerk, zonder inhoud."),
}
# how a follow came about (Volging.reden)
VOLG_REDENEN = {
    "handmatig": _l("zelf gekozen"),
    "melder": _l("automatisch als melder"),
    "behandelaar": _l("automatisch als behandelaar"),
    "regisseur": _l("automatisch als regisseur"),
}
VOLG_SOORTEN = {"zaak": _l("Zaak"), "persoon": _l("Persoon"), "afdeling": _l("Afdeling")}
AFLEVER_STATUS = {
    "wachtend": _l("wachtend"),
    "afgeleverd": _l("afgeleverd"),
    "dood": _l("dood"),
}


def _soort_label(soort: str) -> str:
    return str(SOORT_LABELS.get(soort, soort))


# -- the unread badge ----------------------------------------------------------------------


def _ongelezen() -> int:
    """The logged-in user's unread count, once per request (a few queries, however many
    entries: ``inbox.unread_count`` stops at 100)."""
    if "notificaties_ongelezen" not in g:
        aantal = 0
        if current_user.is_authenticated:
            try:
                aantal = inbox.unread_count(db_session(), _user())
            except SQLAlchemyError:  # an error page after a failed query: no badge
                log.debug("notificaties: ongelezen niet te tellen", exc_info=True)
        g.notificaties_ongelezen = aantal
    return g.notificaties_ongelezen


@bp.app_context_processor
def notificatie_layout_context() -> dict:
    """``ongelezen_notificaties()`` for the header; only a page that shows it pays for it."""
    return {"ongelezen_notificaties": _ongelezen, "max_telling": inbox.MAX_TELLING}


# -- forms ---------------------------------------------------------------------------------


def _checkboxes(label, **kwargs) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
        **kwargs,
    )


class ActieForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class VoorkeurenForm(FlaskForm):
    # the service checks the values (its messages come back on these fields)
    email = RadioField(
        _l("E-mail over notificaties"),
        choices=[
            SelectChoice("geen", _l("Geen e-mail; ik kijk in de inbox")),
            SelectChoice("direct", _l("Direct: één e-mail per notificatie")),
            SelectChoice("dagelijks", _l("Dagelijks: één overzicht per dag")),
        ],
        validate_choice=False,
    )
    digest_uur = StringField(
        _l("Uur van het dagelijkse overzicht"),
        widget=NumberInput(min=0, max=23, step=1),
        description=_l("Een heel uur van 0 tot en met 23, Nederlandse tijd. Bijvoorbeeld 7."),
        validators=[Optional()],
    )


class SignaleringForm(FlaskForm):
    actief = BooleanField(_l("Netwerksignaal aan"))
    contact = TextAreaField(
        _l("Contact voor andere afdelingen"),
        description=_l(
            "Wie de andere afdelingen kunnen bellen of mailen, bijvoorbeeld een functie en "
            "een telefoonnummer of functionele mailbox. Geen persoonsgegevens van cliënten."
        ),
        validators=[Length(max=300, message=_l("Gebruik maximaal 300 tekens."))],
    )
    error_aliases = {"signaal_contact": "contact"}


class WebhookForm(FlaskForm):
    naam = StringField(
        _l("Naam"), description=_l("Herkenbaar voor beheerders, maximaal 100 tekens.")
    )
    url = StringField(
        _l("URL"),
        description=_l(
            "Het adres dat de gebeurtenissen ontvangt, met http:// of https://, bijvoorbeeld "
            "https://systeem.example/hook."
        ),
    )
    soort_lijst = _checkboxes(
        _l("Soorten gebeurtenissen"),
        description=_l("Niets aangevinkt: alle soorten."),
    )
    afdeling_codes = _checkboxes(
        _l("Afdelingen"),
        description=_l("Niets aangevinkt: alle afdelingen."),
    )
    actief = BooleanField(_l("Actief: gebeurtenissen worden bezorgd"), default=True)
    error_aliases = {"soorten": "soort_lijst", "afdelingen": "afdeling_codes"}

    def fill(self, afdelingen) -> None:
        self.soort_lijst.choices = [(s, _soort_label(s)) for s in soorten.EVENTS]
        self.afdeling_codes.choices = [(a.code, f"{a.naam} ({a.code})") for a in afdelingen]


def _csrf_ok() -> bool:
    return ActieForm().validate_on_submit()


def _expired() -> DomainError:
    """A button without a valid CSRF token (CSRFProtect refuses those first, with 400)."""
    return DomainError(_("Het formulier is verlopen. Laad de pagina opnieuw."))


def _back(fallback: str) -> str:
    """Back to the page the button was on (a local path only), or ``fallback``."""
    target = request.form.get("volgende")
    return _local_path(target) if target else fallback


# -- the inbox -----------------------------------------------------------------------------


@bp.app_template_global()
def notificatie_zin(item: inbox.InboxItem) -> str:
    """One readable sentence per kind, from what the reader may see now. A signal names
    the reader's own zaak and the other department, never the other zaak."""
    n = item.notificatie
    zaak = item.zaak.identificatie if item.zaak is not None else ""
    document = item.document.identificatie if item.document is not None else ""
    soort = n.soort
    if soort == soorten.DOCUMENT_TOEGEVOEGD:
        return _("Nieuw document %(document)s in zaak %(zaak)s", document=document, zaak=zaak)
    if soort == soorten.DOCUMENT_NIEUWE_VERSIE:
        gegevens = (n.gebeurtenis.gegevens if n.gebeurtenis is not None else None) or {}
        return _(
            "Nieuwe versie %(versie)s van document %(document)s in zaak %(zaak)s",
            versie=gegevens.get("versie", ""),
            document=document,
            zaak=zaak,
        )
    if soort == soorten.ZAAK_AANGEMAAKT:
        return _("Nieuwe zaak %(zaak)s", zaak=zaak)
    if soort == soorten.ZAAK_STATUS_GEWIJZIGD:
        return _("Status van zaak %(zaak)s gewijzigd", zaak=zaak)
    if soort == soorten.ZAAK_AFGESLOTEN:
        return _("Zaak %(zaak)s is afgesloten", zaak=zaak)
    if soort == soorten.ZAAK_HEROPEND:
        return _("Zaak %(zaak)s is heropend", zaak=zaak)
    if soort == soorten.ZAAK_BETROKKENE_TOEGEVOEGD:
        return _("Nieuwe betrokkene in zaak %(zaak)s", zaak=zaak)
    if soort == soorten.PERSOON_NIEUWE_ZAAK:
        return _("Nieuwe zaak %(zaak)s over een persoon die u volgt", zaak=zaak)
    if soort == soorten.PERSOON_SIGNAAL:
        afdeling = item.afdeling.naam if item.afdeling is not None else _("een andere afdeling")
        contact = item.signaal_contact or _("de regie van die afdeling")
        return _(
            "Er is een nieuwe registratie over een persoon met wie u werkt in afdeling "
            "%(afdeling)s; neem contact op met %(contact)s. Het gaat om de persoon in uw "
            "zaak %(zaak)s.",
            afdeling=afdeling,
            contact=contact,
            zaak=zaak,
        )
    if soort == soorten.VERNIETIGINGSLIJST_TER_BEOORDELING:
        naam = item.lijst.naam if item.lijst is not None else ""
        return _("Vernietigingslijst %(naam)s wacht op uw beoordeling", naam=naam)
    if soort == soorten.AFDELING_EINDE_NADERT:
        from flask_babel import format_date

        afdeling = item.afdeling
        datum = (
            format_date(afdeling.geplande_einddatum, "medium")
            if afdeling is not None and afdeling.geplande_einddatum
            else ""
        )
        return _(
            "De geplande einddatum van afdeling %(afdeling)s (%(datum)s) nadert",
            afdeling=afdeling.naam if afdeling is not None else "",
            datum=datum,
        )
    return _soort_label(soort)


@bp.app_template_global()
def notificatie_reden(item: inbox.InboxItem) -> str:
    return str(REDEN_LABELS.get(item.notificatie.reden, ""))


def _inbox_url(pagina: int = 1, alleen_ongelezen: bool = False) -> str:
    args = {}
    if alleen_ongelezen:
        args["ongelezen"] = "1"
    if pagina > 1:
        args["pagina"] = pagina
    return url_for("ui.inbox", **args)


@bp.route("/inbox", endpoint="inbox")
@login_required
def inbox_pagina():
    raw = request.args.get("pagina", "")
    pagina = int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1
    alleen_ongelezen = request.args.get("ongelezen") == "1"
    result = inbox.list_inbox(
        db_session(), _user(), pagina=pagina, alleen_ongelezen=alleen_ongelezen
    )
    g.notificaties_ongelezen = result.ongelezen  # the badge: counted once
    return render_template(
        "notificaties/inbox.html",
        pagina=result,
        alleen_ongelezen=alleen_ongelezen,
        hier=_inbox_url(pagina, alleen_ongelezen),
        vorige_url=_inbox_url(pagina - 1, alleen_ongelezen) if pagina > 1 else None,
        volgende_url=_inbox_url(pagina + 1, alleen_ongelezen) if result.heeft_volgende else None,
    )


def _doel_url(item: inbox.InboxItem) -> str:
    doel = item.doel
    if doel is None:
        return url_for("ui.inbox")
    kind, ref = doel
    if kind == "zaak":
        return url_for("ui.zaak", identificatie=ref)
    if kind == "document":
        return url_for("ui.document", identificatie=ref)
    if kind == "vernietigingslijst":
        return url_for("ui.vernietigingslijst", lijst_id=int(ref))
    if access.is_beheerder(_user()):
        return url_for("ui.beheer_afdeling", code=ref)
    return url_for("ui.notificatie_voorkeuren") + "#afdelingen"


@bp.route("/inbox/<int:notificatie_id>")
@login_required
def inbox_openen(notificatie_id: int):
    """Open an entry: it is read now, and the user lands on its object (404 if gone)."""
    item = inbox.mark_read(db_session(), _user(), notificatie_id)
    return redirect(_doel_url(item))


@bp.route("/inbox/<int:notificatie_id>/gelezen", methods=["POST"])
@login_required
def inbox_gelezen(notificatie_id: int):
    if not _csrf_ok():
        raise _expired()
    inbox.mark_read(db_session(), _user(), notificatie_id)
    flash(_("De notificatie is als gelezen gemarkeerd."), "succes")
    return redirect(_back(url_for("ui.inbox")))


@bp.route("/inbox/<int:notificatie_id>/ongelezen", methods=["POST"])
@login_required
def inbox_ongelezen(notificatie_id: int):
    if not _csrf_ok():
        raise _expired()
    inbox.mark_unread(db_session(), _user(), notificatie_id)
    flash(_("De notificatie is als ongelezen gemarkeerd."), "succes")
    return redirect(_back(url_for("ui.inbox")))


@bp.route("/inbox/alles-gelezen", methods=["POST"])
@login_required
def inbox_alles_gelezen():
    if not _csrf_ok():
        raise _expired()
    aantal = inbox.mark_all_read(db_session(), _user())
    flash(
        ngettext(
            "%(num)s notificatie als gelezen gemarkeerd.",
            "%(num)s notificaties als gelezen gemarkeerd.",
            aantal,
        ),
        "succes",
    )
    return redirect(_back(url_for("ui.inbox")))


# -- following -----------------------------------------------------------------------------


@bp.app_template_global()
def volgstatus(soort: str, object_id: int) -> Volging | None:
    """The user's active follow of an object on the page (one query), or None."""
    if not current_user.is_authenticated:
        return None
    row = db_session().scalar(
        select(Volging).where(
            Volging.user_id == _user().id, Volging.soort == soort, Volging.object_id == object_id
        )
    )
    return row if row is not None and row.actief else None


@bp.app_template_global()
def volgreden(volging: Volging | None) -> str:
    """Why the user follows ("automatisch als melder"), only when a role made it."""
    if volging is None or volging.reden == "handmatig":
        return ""
    return str(VOLG_REDENEN.get(volging.reden, volging.reden))


def _volg_actie(soort: str, ref, fallback: str, *, aan: bool):
    if not _csrf_ok():
        raise _expired()
    session = db_session()
    user = _user()
    target = volgen.resolve(session, user, soort, ref)  # 404 before anything else
    if aan:
        volgen.follow(session, user, soort, ref)
    else:
        volgen.unfollow(session, user, soort, ref)
    wat = {
        "zaak": _("zaak %(ref)s", ref=target.label),
        "persoon": _("deze persoon"),
        "afdeling": _("afdeling %(ref)s", ref=target.label),
    }[soort]
    if aan:
        flash(_("U volgt %(wat)s nu.", wat=wat), "succes")
    else:
        flash(_("U volgt %(wat)s niet meer.", wat=wat), "succes")
    return redirect(_back(fallback))


@bp.route("/zaken/<identificatie>/volgen", methods=["POST"])
@login_required
def zaak_volgen(identificatie: str):
    return _volg_actie(
        "zaak", identificatie, url_for("ui.zaak", identificatie=identificatie), aan=True
    )


@bp.route("/zaken/<identificatie>/niet-meer-volgen", methods=["POST"])
@login_required
def zaak_ontvolgen(identificatie: str):
    return _volg_actie(
        "zaak", identificatie, url_for("ui.zaak", identificatie=identificatie), aan=False
    )


@bp.route("/personen/<int:betrokkene_id>/volgen", methods=["POST"])
@login_required
def persoon_volgen(betrokkene_id: int):
    return _volg_actie(
        "persoon", betrokkene_id, url_for("ui.persoon", betrokkene_id=betrokkene_id), aan=True
    )


@bp.route("/personen/<int:betrokkene_id>/niet-meer-volgen", methods=["POST"])
@login_required
def persoon_ontvolgen(betrokkene_id: int):
    return _volg_actie(
        "persoon", betrokkene_id, url_for("ui.persoon", betrokkene_id=betrokkene_id), aan=False
    )


def _afdeling_fallback() -> str:
    return url_for("ui.notificatie_voorkeuren") + "#afdelingen"


@bp.route("/afdelingen/<code>/volgen", methods=["POST"])
@login_required
def afdeling_volgen(code: str):
    """Members follow their own departments; a beheerder any department."""
    return _volg_actie("afdeling", code, _afdeling_fallback(), aan=True)


@bp.route("/afdelingen/<code>/niet-meer-volgen", methods=["POST"])
@login_required
def afdeling_ontvolgen(code: str):
    return _volg_actie("afdeling", code, _afdeling_fallback(), aan=False)


# -- preferences ---------------------------------------------------------------------------


def _mijn_afdelingen(user) -> list[tuple[Afdeling, bool]]:
    """The departments the user is a member of, each with whether they follow it."""
    session = db_session()
    ids = sorted(access.toegang(user).afdelingen)
    if not ids:
        return []
    gevolgd = set(
        session.scalars(
            select(Volging.object_id).where(
                Volging.user_id == user.id,
                Volging.soort == "afdeling",
                Volging.actief.is_(True),
                Volging.object_id.in_(ids),
            )
        )
    )
    afdelingen = session.scalars(
        select(Afdeling).where(Afdeling.id.in_(ids)).order_by(Afdeling.naam)
    )
    return [(a, a.id in gevolgd) for a in afdelingen]


def _volg_url(gevolgd: volgen.GevolgdObject) -> str | None:
    soort = gevolgd.volging.soort
    if soort == "zaak":
        return url_for("ui.zaak", identificatie=gevolgd.ref)
    if soort == "persoon":
        return url_for("ui.persoon", betrokkene_id=int(gevolgd.ref))
    if access.is_beheerder(_user()):
        return url_for("ui.beheer_afdeling", code=gevolgd.ref)
    return None


def _voorkeuren_page(form: VoorkeurenForm, status: int = 200):
    session = db_session()
    user = _user()
    gevolgd = volgen.list_follows(session, user)
    return render_template(
        "notificaties/voorkeuren.html",
        form=form,
        geen_smtp=not settings().smtp_host,
        geen_email=not user.email,
        gevolgd=gevolgd,
        volg_url=_volg_url,
        volg_soorten=VOLG_SOORTEN,
        mijn_afdelingen=_mijn_afdelingen(user),
    ), status


@bp.route("/voorkeuren/notificaties", methods=["GET", "POST"])
@login_required
def notificatie_voorkeuren():
    session = db_session()
    user = _user()
    if request.method == "GET":
        huidig = voorkeuren.get_preferences(session, user)
        form = VoorkeurenForm(formdata=None, email=huidig.email, digest_uur=str(huidig.digest_uur))
        return _voorkeuren_page(form)
    form = VoorkeurenForm()
    if not form.validate_on_submit():
        return _voorkeuren_page(form, 400 if "csrf_token" in form.errors else 422)
    try:
        voorkeuren.set_preferences(
            session, user, email=form.email.data or "", digest_uur=form.digest_uur.data
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        forms.apply_errors(form, exc)
        return _voorkeuren_page(form, exc.status if exc.status >= 400 else 422)
    flash(_("Uw voorkeuren voor notificaties zijn opgeslagen."), "succes")
    return redirect(url_for("ui.notificatie_voorkeuren"))


@bp.route("/voorkeuren/notificaties/volgen/<int:volging_id>/stoppen", methods=["POST"])
@login_required
def volging_stoppen(volging_id: int):
    if not _csrf_ok():
        raise _expired()
    volgen.unfollow_by_id(db_session(), _user(), volging_id)
    flash(_("U volgt dit niet meer."), "succes")
    return redirect(url_for("ui.notificatie_voorkeuren") + "#gevolgd")


# -- the department's network signal (beheer) ----------------------------------------------


@bp.app_template_global()
def signalering_form(afdeling: Afdeling) -> SignaleringForm:
    """The form on the beheer department page: as posted after a refusal, else current."""
    posted = g.get("signalering_form")
    if posted is not None:
        return posted
    return SignaleringForm(
        formdata=None, actief=afdeling.signalering_actief, contact=afdeling.signaal_contact
    )


@bp.route("/beheer/afdelingen/<code>/signalering", methods=["POST"])
@login_required
def beheer_afdeling_signalering(code: str):
    from web.ui import beheer

    catalogus.require_beheerder(_user())
    afdeling = catalogus.get_afdeling(db_session(), code)
    form = SignaleringForm()
    if not form.validate_on_submit():
        g.signalering_form = form
        return beheer._afdeling_page(afdeling, status=400 if "csrf_token" in form.errors else 422)
    try:
        afdeling_service.set_signalering(
            db_session(),
            _user(),
            afdeling,
            actief=bool(form.actief.data),
            contact=form.contact.data or "",
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        forms.apply_errors(form, exc)
        g.signalering_form = form
        return beheer._afdeling_page(afdeling, status=exc.status if exc.status >= 400 else 422)
    if afdeling.signalering_actief:
        flash(_("Het netwerksignaal van deze afdeling staat aan."), "succes")
    else:
        flash(_("Het netwerksignaal van deze afdeling staat uit."), "succes")
    return redirect(url_for("ui.beheer_afdeling", code=afdeling.code) + "#signalering")


# -- webhooks (beheer) ---------------------------------------------------------------------


def webhook_page(fn):
    """Logged in and beheerder (``webhooks.require_admin``); anyone else gets 403, as on
    the other beheer pages."""

    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        webhooks.require_admin(_user())
        return fn(*args, **kwargs)

    return login_required(guarded)


def _no_store(response):
    """A page with a secret: not kept by the browser or a proxy."""
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Pragma"] = "no-cache"
    return response


def _afdeling_codes(afdelingen, ids) -> list[str]:
    by_id = {a.id: a.code for a in afdelingen}
    return [by_id.get(i, str(i)) for i in ids]


@bp.route("/beheer/webhooks")
@webhook_page
def beheer_webhooks():
    session = db_session()
    user = _user()
    afdelingen = catalogus.list_afdelingen(session)
    return render_template(
        "notificaties/webhooks.html",
        hooks=webhooks.list_webhooks(session, user),
        tellingen=webhooks.delivery_counts(session, user),
        codes=lambda hook: _afdeling_codes(afdelingen, hook.afdeling_ids),
        soort_label=_soort_label,
    )


def _webhook_form_page(template: str, form: WebhookForm, status: int = 200, **context):
    return render_template(template, form=form, **context), status


@bp.route("/beheer/webhooks/nieuw", methods=["GET", "POST"])
@webhook_page
def beheer_webhook_nieuw():
    session = db_session()
    form = WebhookForm()
    form.fill(catalogus.list_afdelingen(session))
    template = "notificaties/webhook_nieuw.html"
    if not form.is_submitted():
        return _webhook_form_page(template, form)
    if not form.validate_on_submit():
        return _webhook_form_page(template, form, 400)
    try:
        hook, geheim = webhooks.create_webhook(
            session,
            _user(),
            settings(),
            naam=form.naam.data or "",
            url=form.url.data or "",
            soort_lijst=form.soort_lijst.data or [],
            afdeling_codes=form.afdeling_codes.data or [],
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        forms.apply_errors(form, exc)
        return _webhook_form_page(template, form, exc.status if exc.status >= 400 else 422)
    log.info("webhook %d aangemaakt", hook.id)
    return _no_store(
        make_response(
            render_template(
                "notificaties/webhook_geheim.html", hook=hook, geheim=geheim, nieuw=True
            )
        )
    )


def _bewerk_page(hook, form: WebhookForm, status: int = 200):
    session = db_session()
    tellingen = webhooks.delivery_counts(session, _user()).get(hook.id, {})
    return render_template(
        "notificaties/webhook.html",
        hook=hook,
        form=form,
        bewerken=True,
        telling={s: tellingen.get(s, 0) for s in webhooks.STATUSSEN},
    ), status


@bp.route("/beheer/webhooks/<int:webhook_id>", methods=["GET", "POST"])
@webhook_page
def beheer_webhook(webhook_id: int):
    session = db_session()
    hook = webhooks.get_webhook(session, _user(), webhook_id)
    afdelingen = catalogus.list_afdelingen(session)
    if request.method == "GET":
        form = WebhookForm(
            formdata=None,
            naam=hook.naam,
            url=hook.url,
            soort_lijst=list(hook.soorten or []),
            afdeling_codes=_afdeling_codes(afdelingen, hook.afdeling_ids or []),
            actief=hook.actief,
        )
        form.fill(afdelingen)
        return _bewerk_page(hook, form)
    form = WebhookForm()
    form.fill(afdelingen)
    if not form.validate_on_submit():
        return _bewerk_page(hook, form, 400)
    try:
        webhooks.update_webhook(
            session,
            _user(),
            hook,
            naam=form.naam.data or "",
            url=form.url.data or "",
            soort_lijst=form.soort_lijst.data or [],
            afdeling_codes=form.afdeling_codes.data or [],
            actief=bool(form.actief.data),
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        forms.apply_errors(form, exc)
        return _bewerk_page(hook, form, exc.status if exc.status >= 400 else 422)
    flash(_("Webhook %(naam)s is opgeslagen.", naam=hook.naam), "succes")
    return redirect(url_for("ui.beheer_webhooks"))


@bp.route("/beheer/webhooks/<int:webhook_id>/geheim", methods=["POST"])
@webhook_page
def beheer_webhook_geheim(webhook_id: int):
    """A new secret, shown once on this answer; the old one stops working at once."""
    session = db_session()
    hook = webhooks.get_webhook(session, _user(), webhook_id)
    if not _csrf_ok():
        raise _expired()
    geheim = webhooks.rotate_secret(session, _user(), settings(), hook)
    return _no_store(
        make_response(
            render_template(
                "notificaties/webhook_geheim.html", hook=hook, geheim=geheim, nieuw=False
            )
        )
    )


@bp.route("/beheer/webhooks/<int:webhook_id>/verwijderen", methods=["GET", "POST"])
@webhook_page
def beheer_webhook_verwijderen(webhook_id: int):
    """GET asks for confirmation; the POST from that page deletes."""
    session = db_session()
    hook = webhooks.get_webhook(session, _user(), webhook_id)
    if request.method == "GET":
        telling = webhooks.delivery_counts(session, _user()).get(hook.id, {})
        return render_template(
            "notificaties/webhook_verwijderen.html",
            hook=hook,
            telling={s: telling.get(s, 0) for s in webhooks.STATUSSEN},
        )
    if not _csrf_ok():
        raise _expired()
    naam = hook.naam
    webhooks.delete_webhook(session, _user(), hook)
    flash(_("Webhook %(naam)s is verwijderd.", naam=naam), "succes")
    return redirect(url_for("ui.beheer_webhooks"))


@bp.route("/beheer/webhooks/dode-afleveringen")
@webhook_page
def beheer_webhook_dood():
    session = db_session()
    user = _user()
    raw = request.args.get("webhook", "")
    gekozen = webhooks.get_webhook(session, user, int(raw)) if raw.isdigit() else None
    rijen = webhooks.list_deliveries(
        session, user, status="dood", webhook_id=gekozen.id if gekozen else None
    )
    return render_template(
        "notificaties/dode_afleveringen.html",
        rijen=rijen,
        gekozen=gekozen,
        hooks=webhooks.list_webhooks(session, user),
        hier=request.full_path.rstrip("?"),
        soort_label=_soort_label,
    )


def _replayed(aantal: int):
    flash(
        ngettext(
            "%(num)s aflevering opnieuw aangeboden; de worker verstuurt haar bij de "
            "volgende ronde.",
            "%(num)s afleveringen opnieuw aangeboden; de worker verstuurt ze bij de volgende "
            "ronde.",
            aantal,
        ),
        "succes",
    )
    return redirect(_back(url_for("ui.beheer_webhook_dood")))


@bp.route("/beheer/webhooks/afleveringen/<int:aflevering_id>/opnieuw", methods=["POST"])
@webhook_page
def beheer_aflevering_opnieuw(aflevering_id: int):
    if not _csrf_ok():
        raise _expired()
    return _replayed(webhooks.replay(db_session(), _user(), aflevering_ids=[aflevering_id]))


@bp.route("/beheer/webhooks/<int:webhook_id>/opnieuw", methods=["POST"])
@webhook_page
def beheer_webhook_opnieuw(webhook_id: int):
    session = db_session()
    hook = webhooks.get_webhook(session, _user(), webhook_id)
    if not _csrf_ok():
        raise _expired()
    return _replayed(webhooks.replay(session, _user(), webhook_id=hook.id))


@bp.route("/beheer/webhooks/dode-afleveringen/opnieuw", methods=["POST"])
@webhook_page
def beheer_webhook_alles_opnieuw():
    if not _csrf_ok():
        raise _expired()
    return _replayed(webhooks.replay(db_session(), _user()))


@bp.app_template_global()
def aflever_status_label(status: str) -> str:
    return str(AFLEVER_STATUS.get(status, status))
