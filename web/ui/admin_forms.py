"""Forms of the user, grant, audit and token pages (issue 4).

As elsewhere, a form only checks what a browser can get wrong; the services decide what is
allowed and their field errors come back on these fields.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from archive.enums import Gebruikersrol
from archive.users import MIN_PASSWORD_LENGTH
from web.ui import labels
from web.ui.forms import DatumField

TOKEN_MAX_DAGEN = 365

# Global roles (archive.enums.Gebruikersrol), translated.
GEBRUIKERSROL = {
    "beheerder": _l("Beheerder (DIV)"),
    "medewerker": _l("Medewerker"),
    "archivaris": _l("Archivaris"),
    "auditor": _l("Auditor"),
    "systeembeheerder": _l("Systeembeheerder"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _rollen():
    return [(r.value, labels.label(GEBRUIKERSROL, r.value)) for r in Gebruikersrol]


def _checkboxes(label, **kwargs) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
        **kwargs,
    )


class GebruikerGegevensForm(FlaskForm):
    naam = StringField(
        _l("Naam"),
        validators=[DataRequired(_l("Geef de naam van de gebruiker.")), Length(max=200)],
        filters=[_strip],
    )
    email = EmailField(
        _l("E-mailadres"),
        validators=[
            Optional(),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Geef een geldig e-mailadres.")),
            Length(max=254),
        ],
        filters=[_strip],
    )
    rollen = _checkboxes(
        _l("Rollen"),
        description=_l("Een rol geeft geen toegang tot zaken: dat doet het lidmaatschap."),
    )

    def fill(self) -> None:
        self.rollen.choices = _rollen()


class NieuweGebruikerForm(GebruikerGegevensForm):
    username = StringField(
        _l("Gebruikersnaam"),
        validators=[DataRequired(_l("Geef een gebruikersnaam.")), Length(max=80)],
        description=_l("Letters, cijfers, punt, streepje of liggend streepje."),
        filters=[_strip],
    )
    genereren = BooleanField(_l("Wachtwoord laten genereren (wordt één keer getoond)"))
    password = PasswordField(
        _l("Beginwachtwoord"),
        validators=[Optional()],
        description=_l(
            "Minstens %(n)s tekens. Leeg laten als het wachtwoord gegenereerd wordt.",
            n=MIN_PASSWORD_LENGTH,
        ),
    )

    def validate_password(self, field):
        if not self.genereren.data and not field.data:
            raise ValidationError(_l("Geef een beginwachtwoord of laat er een genereren."))
        if field.data and len(field.data) < MIN_PASSWORD_LENGTH:
            raise ValidationError(
                _l("Een wachtwoord heeft minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH)
            )


class ActieForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class LidmaatschapForm(FlaskForm):
    afdeling = SelectField(_l("Afdeling"), validate_choice=False)
    rol = SelectField(_l("Rol in de afdeling"), default="behandelen")
    clearance = SelectField(
        _l("Clearance"),
        default="zaakvertrouwelijk",
        description=_l("Het hoogste vertrouwelijkheidsniveau dat dit lid mag zien."),
    )

    def fill(self, afdelingen) -> None:
        self.afdeling.choices = [("", _l("— Kies een afdeling —"))] + [
            (a.code, f"{a.naam} ({a.code})") for a in afdelingen
        ]
        self.rol.choices = labels.choices(labels.LIDROL)
        self.clearance.choices = labels.choices(labels.VERTROUWELIJKHEID)

    def validate_afdeling(self, field):
        if not field.data:
            raise ValidationError(_l("Kies een afdeling."))


class MachtigingForm(FlaskForm):
    user = StringField(
        _l("Gebruikersnaam van de partner"),
        validators=[DataRequired(_l("Geef de gebruikersnaam van de partner.")), Length(max=80)],
        filters=[_strip],
    )
    rol = SelectField(_l("Rol"), default="lezen")
    clearance = SelectField(
        _l("Clearance"),
        description=_l("Standaard het niveau van de zaak."),
    )
    reden = TextAreaField(
        _l("Reden"),
        validators=[InputRequired(_l("Leg vast waarom deze persoon toegang nodig heeft."))],
        description=_l("Waarom heeft deze partner toegang nodig?"),
    )
    verloopt_op = DatumField(
        _l("Verloopt op"),
        validators=[InputRequired(_l("Geef een vervaldatum."))],
        description=_l("Als dd-mm-jjjj; hoogstens een jaar vooruit."),
    )

    def fill(self, zaak, user=None) -> None:
        self.rol.choices = [(r, labels.label(labels.LIDROL, r)) for r in ("lezen", "behandelen")]
        from archive import access
        from archive.enums import Vertrouwelijkheid

        # only what the granter may pass on: from the zaak's level up to their own ceiling
        ceiling = access.grant_ceiling(user, zaak) if user is not None else None
        low = Vertrouwelijkheid(zaak.vertrouwelijkheidaanduiding).rank
        high = Vertrouwelijkheid(ceiling).rank if ceiling else len(Vertrouwelijkheid) - 1
        self.clearance.choices = [
            (code, naam)
            for code, naam in labels.choices(labels.VERTROUWELIJKHEID)
            if low <= Vertrouwelijkheid(code).rank <= high
        ]
        if not self.clearance.data:
            self.clearance.data = zaak.vertrouwelijkheidaanduiding


class AuditFilterForm(FlaskForm):
    """A search form (GET): no CSRF token, nothing changes."""

    class Meta:
        csrf = False

    object = StringField(
        _l("Object"),
        validators=[Optional(), Length(max=80)],
        description=_l("Identificatie van een zaak of document."),
        filters=[_strip],
    )
    gebruiker = StringField(
        _l("Gebruiker"), validators=[Optional(), Length(max=80)], filters=[_strip]
    )
    actie = SelectField(_l("Actie"), validate_choice=False, default="")
    vanaf = DatumField(_l("Vanaf"), validators=[Optional()])
    tot = DatumField(_l("Tot en met"), validators=[Optional()])

    def fill(self, acties: list[str]) -> None:
        self.actie.choices = [("", _l("— Alle acties —"))] + [
            (a, labels.label(labels.AUDIT_ACTIE, a)) for a in acties
        ]


class InzageForm(FlaskForm):
    """The BSN report: a question, not a change (GET, no CSRF token)."""

    class Meta:
        csrf = False

    bsn = StringField(
        _l("BSN"),
        validators=[
            DataRequired(_l("Geef het BSN van de persoon.")),
            Length(max=9, message=_l("Een BSN heeft 9 cijfers.")),
        ],
        description=_l("9 cijfers"),
        filters=[_strip],
    )
    vanaf = DatumField(_l("Vanaf"), validators=[Optional()])
    tot = DatumField(_l("Tot en met"), validators=[Optional()])

    def validate_tot(self, field):
        if field.data and self.vanaf.data and field.data < self.vanaf.data:
            raise ValidationError(_l("De einddatum ligt vóór de begindatum."))


class TokenForm(FlaskForm):
    naam = StringField(
        _l("Naam van de token"),
        validators=[DataRequired(_l("Geef de token een naam.")), Length(max=200)],
        description=_l("Waarvoor gebruikt u hem, bijvoorbeeld 'koppeling scanstraat'."),
        filters=[_strip],
    )
    verloopt_op = DatumField(
        _l("Verloopt op"),
        validators=[InputRequired(_l("Geef een vervaldatum."))],
        description=_l("Als dd-mm-jjjj; hoogstens een jaar vooruit."),
    )

    def validate_verloopt_op(self, field):
        today = date.today()
        if field.data is None:
            return
        if field.data <= today:
            raise ValidationError(_l("De vervaldatum ligt in de toekomst."))
        if field.data > today + timedelta(days=TOKEN_MAX_DAGEN):
            raise ValidationError(_l("Een token is hoogstens een jaar geldig."))


class AfdelingWijzigenForm(FlaskForm):
    """The department's data that may change (the code and kind stay)."""

    naam = StringField(
        _l("Naam"),
        validators=[DataRequired(_l("Geef de afdeling een naam.")), Length(max=200)],
        filters=[_strip],
    )
    doel = TextAreaField(_l("Doel"), validators=[Optional()])
    startdatum = DatumField(_l("Startdatum"), validators=[Optional()])
    geplande_einddatum = DatumField(
        _l("Geplande einddatum"),
        validators=[Optional()],
        description=_l("Als dd-mm-jjjj. Verleng hem als de afdeling langer nodig is."),
    )
    vertrouwelijkheidaanduiding = SelectField(
        _l("Standaard vertrouwelijkheidaanduiding"),
        default="",
        description=_l("Een nieuwe zaak krijgt de strengste van deze en die van het zaaktype."),
    )
    retentiebeleid = SelectField(_l("Bewaarbeleid"), default="")
    retentie_reden = TextAreaField(
        _l("Reden van de uitzondering"),
        validators=[Optional()],
        description=_l("Alleen bij blijvend bewaren."),
    )
    retentie_besluit = StringField(
        _l("Besluit (kenmerk)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Het besluit waarin de uitzondering is vastgesteld."),
    )

    def fill(self) -> None:
        self.vertrouwelijkheidaanduiding.choices = [
            ("", _l("— Geen (die van het zaaktype) —"))
        ] + labels.choices(labels.VERTROUWELIJKHEID)
        self.retentiebeleid.choices = labels.choices(labels.RETENTIEBELEID)
