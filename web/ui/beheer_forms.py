"""Forms of the beheer pages (catalogue, document types, departments, wizard).

As elsewhere, a form only checks what a browser can get wrong; the catalogue and department
services decide what is allowed and their field errors come back on these fields. Every form
that shares a page with others has its own prefix, so ids and names never clash.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from web.ui import labels
from web.ui.forms import DatumField, _int_or_none

DUUR_HINT = _l("ISO 8601-duur, bijvoorbeeld P6W (6 weken), P3M (3 maanden) of P1Y (1 jaar).")


def _duur(label) -> StringField:
    return StringField(
        label, validators=[Optional(), Length(max=40)], description=DUUR_HINT, filters=[_strip]
    )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _level_choices() -> list[tuple[str, str]]:
    return labels.choices(labels.VERTROUWELIJKHEID)


class ActieForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ZaakTypeForm(FlaskForm):
    """The fields of a zaaktype; ``identificatie`` and ``afdeling`` only when creating."""

    identificatie = StringField(
        _l("Identificatie"),
        validators=[DataRequired(_l("Geef een identificatie.")), Length(max=80)],
        description=_l("Uniek en zonder spaties, bijvoorbeeld OPVANG-LOCATIE."),
        filters=[_strip],
    )
    afdeling = SelectField(
        _l("Afdeling"),
        coerce=_int_or_none,
        validate_choice=False,
        description=_l("Generiek (voor alle afdelingen) of alleen voor één afdeling."),
    )
    omschrijving = StringField(
        _l("Omschrijving"),
        validators=[DataRequired(_l("Geef een omschrijving.")), Length(max=200)],
    )
    vertrouwelijkheidaanduiding = SelectField(
        _l("Standaard vertrouwelijkheidaanduiding"), default="zaakvertrouwelijk"
    )
    doel = TextAreaField(_l("Doel"), validators=[Optional()])
    aanleiding = TextAreaField(_l("Aanleiding"), validators=[Optional()])
    toelichting = TextAreaField(_l("Toelichting"), validators=[Optional()])
    doorlooptijd = _duur(_l("Doorlooptijd"))
    servicenorm = _duur(_l("Servicenorm"))
    trefwoorden = StringField(
        _l("Trefwoorden"),
        validators=[Optional()],
        description=_l("Gescheiden door komma's."),
    )
    referentieproces = StringField(_l("Referentieproces"), validators=[Optional(), Length(max=200)])
    selectielijst_procestype = SelectField(
        _l("Selectielijst-procestype"),
        coerce=_int_or_none,
        validate_choice=False,
        description=_l("Beperkt de selectielijstklassen van de resultaattypen tot dit procestype."),
    )

    def fill(self, procestypen, afdelingen=None) -> None:
        self.vertrouwelijkheidaanduiding.choices = _level_choices()
        self.selectielijst_procestype.choices = [(None, _l("— Geen —"))] + [
            (p.nummer, f"{p.nummer}. {p.naam}") for p in procestypen
        ]
        self.afdeling.choices = [(None, _l("Generiek (alle afdelingen)"))] + [
            (a.id, a.naam) for a in afdelingen or []
        ]

    def for_edit(self) -> None:
        """The identificatie never changes and the owner stays; drop both from the form."""
        del self.identificatie
        del self.afdeling


class StatusTypeForm(FlaskForm):
    omschrijving = StringField(
        _l("Omschrijving van de status"),
        validators=[DataRequired(_l("Geef de status een omschrijving.")), Length(max=200)],
    )
    doorlooptijd = _duur(_l("Doorlooptijd van de status"))
    informeren = BooleanField(_l("Initiator informeren bij deze status"))


class ResultaatTypeForm(FlaskForm):
    omschrijving = StringField(
        _l("Omschrijving van het resultaat"),
        validators=[DataRequired(_l("Geef het resultaat een omschrijving.")), Length(max=200)],
    )
    selectielijstklasse = StringField(
        _l("Selectielijstklasse"),
        validators=[Optional(), Length(max=20)],
        description=_l(
            "Het nummer van een resultaat uit de selectielijst 2020, bijvoorbeeld 11.1.2. "
            "Zoek het op met het zoekveld hierboven."
        ),
        filters=[_strip],
    )
    archiefnominatie = SelectField(
        _l("Archiefnominatie"),
        default="",
        validate_choice=False,
        description=_l("Leeg laten: komt uit de selectielijstklasse."),
    )
    archiefactietermijn = StringField(
        _l("Archiefactietermijn"),
        validators=[Optional(), Length(max=40)],
        description=_l("Leeg laten: komt uit de selectielijstklasse. ") + DUUR_HINT,
        filters=[_strip],
    )
    afleidingswijze = SelectField(_l("Brondatum-afleidingswijze"), default="afgehandeld")
    procestermijn = StringField(
        _l("Procestermijn"),
        validators=[Optional(), Length(max=40)],
        description=_l("Alleen bij afleidingswijze 'termijn'. ") + DUUR_HINT,
        filters=[_strip],
    )
    datumkenmerk = StringField(
        _l("Datumkenmerk"),
        validators=[Optional(), Length(max=80)],
        description=_l(
            "Alleen bij 'eigenschap' (naam van een datum-eigenschap) of 'ander datumkenmerk'."
        ),
        filters=[_strip],
    )
    toelichting = TextAreaField(_l("Toelichting bij het resultaat"), validators=[Optional()])

    def fill(self) -> None:
        self.archiefnominatie.choices = [("", _l("— Uit de selectielijst —"))] + labels.choices(
            labels.ARCHIEFNOMINATIE
        )
        self.afleidingswijze.choices = labels.choices(labels.AFLEIDINGSWIJZE)


class RolTypeForm(FlaskForm):
    omschrijving = StringField(
        _l("Omschrijving van de rol"),
        validators=[DataRequired(_l("Geef de rol een omschrijving.")), Length(max=200)],
    )
    omschrijving_generiek = SelectField(_l("Generieke rol"), default="behandelaar")

    def fill(self) -> None:
        self.omschrijving_generiek.choices = labels.choices(labels.ROL)


class EigenschapForm(FlaskForm):
    naam = StringField(
        _l("Naam van de eigenschap"),
        validators=[DataRequired(_l("Geef de eigenschap een naam.")), Length(max=80)],
    )
    definitie = TextAreaField(_l("Definitie"), validators=[Optional()])
    formaat = SelectField(_l("Formaat"), default="tekst")
    lengte = IntegerField(
        _l("Maximale lengte"),
        validators=[Optional(), NumberRange(min=1, message=_l("De lengte is een positief getal."))],
        description=_l("Aantal tekens; leeg laten voor geen grens."),
    )
    waardenverzameling = TextAreaField(
        _l("Keuzewaarden"),
        validators=[Optional()],
        description=_l("Alleen bij formaat 'keuze': één waarde per regel."),
    )
    verplicht = BooleanField(_l("Verplicht bij een nieuwe zaak"))
    agenda_weekdag = SelectField(
        _l("Agenda: weekdag"),
        coerce=_int_or_none,
        validate_choice=False,
        description=_l("Alleen voor een agendadatum (formaat datum)."),
    )
    agenda_capaciteit = IntegerField(
        _l("Agenda: zaken per datum"),
        validators=[Optional()],
        description=_l("Bijvoorbeeld 4 signalen per Informatieplein."),
    )
    agenda_sluiting_dagen = IntegerField(
        _l("Agenda: sluit dagen vooraf"),
        validators=[Optional()],
        description=_l("Hoeveel dagen vóór de datum de agenda sluit."),
    )

    def fill(self) -> None:
        self.formaat.choices = labels.choices(labels.EIGENSCHAP_FORMAAT)
        self.agenda_weekdag.choices = [(None, _l("— Geen agenda —"))] + [
            (int(k), str(v)) for k, v in labels.WEEKDAG.items()
        ]

    def keuzewaarden(self) -> list[str]:
        return [r.strip() for r in (self.waardenverzameling.data or "").splitlines() if r.strip()]


class DocumenttypeKoppelingForm(FlaskForm):
    informatieobjecttype = SelectField(
        _l("Documenttype"), coerce=_int_or_none, validate_choice=False
    )
    richting = SelectField(_l("Richting"), default="inkomend")

    def fill(self, iots) -> None:
        self.informatieobjecttype.choices = [(None, _l("— Kies een documenttype —"))] + [
            (i.id, i.omschrijving) for i in iots
        ]
        self.richting.choices = labels.choices(labels.RICHTING)

    def validate_informatieobjecttype(self, field):
        if field.data is None:
            raise ValidationError(_l("Kies een documenttype."))


class PublicerenForm(FlaskForm):
    datum_begin_geldigheid = DatumField(
        _l("Geldig vanaf"),
        validators=[Optional()],
        description=_l("Als dd-mm-jjjj; leeg laten voor vandaag."),
    )


class EindeGeldigheidForm(FlaskForm):
    datum_einde_geldigheid = DatumField(
        _l("Geldig tot en met"),
        validators=[Optional()],
        description=_l("Als dd-mm-jjjj; leeg laten om het einde weer open te zetten."),
    )


class InformatieObjectTypeForm(FlaskForm):
    omschrijving = StringField(
        _l("Omschrijving"),
        validators=[DataRequired(_l("Geef een omschrijving.")), Length(max=200)],
    )
    categorie = StringField(_l("Categorie"), validators=[Optional(), Length(max=80)])
    vertrouwelijkheidaanduiding = SelectField(
        _l("Standaard vertrouwelijkheidaanduiding"), default="zaakvertrouwelijk"
    )
    toegestane_formaten = SelectMultipleField(
        _l("Toegestane formaten"),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
        description=_l("Niets aangevinkt: alle formaten die het archief accepteert."),
    )

    def fill(self, formats: dict[str, str]) -> None:
        self.vertrouwelijkheidaanduiding.choices = _level_choices()
        self.toegestane_formaten.choices = list(formats.items())


class LidForm(FlaskForm):
    user = SelectField(_l("Medewerker"), coerce=_int_or_none, validate_choice=False)
    rol = SelectField(_l("Rol in de afdeling"), default="behandelen")
    clearance = SelectField(
        _l("Clearance"),
        default="zaakvertrouwelijk",
        description=_l("Het hoogste vertrouwelijkheidsniveau dat dit lid mag zien."),
    )

    def fill(self, users) -> None:
        self.user.choices = [(None, _l("— Kies een medewerker —"))] + [
            (u.id, f"{u.naam} ({u.username})") for u in users
        ]
        self.rol.choices = labels.choices(labels.LIDROL)
        self.clearance.choices = _level_choices()

    def validate_user(self, field):
        if field.data is None:
            raise ValidationError(_l("Kies een medewerker."))


class GeneriekZaakTypeForm(FlaskForm):
    zaaktype = SelectField(_l("Generiek zaaktype"), validate_choice=False)

    def fill(self, zaaktypen) -> None:
        self.zaaktype.choices = [("", _l("— Kies een zaaktype —"))] + [
            (zt.identificatie, f"{zt.omschrijving} ({zt.identificatie})") for zt in zaaktypen
        ]

    def validate_zaaktype(self, field):
        if not field.data:
            raise ValidationError(_l("Kies een zaaktype."))


# -- the department wizard -------------------------------------------------------------------


class WizardSjabloonForm(FlaskForm):
    sjabloon = SelectField(_l("Beginnen met"), validate_choice=False, default="")

    def fill(self, sjablonen) -> None:
        self.sjabloon.choices = [("", _l("Leeg beginnen (zonder sjabloon)"))] + [
            (s.code, s.naam) for s in sjablonen
        ]


class WizardGegevensForm(FlaskForm):
    naam = StringField(
        _l("Naam"),
        validators=[DataRequired(_l("Geef de afdeling een naam.")), Length(max=200)],
        description=_l("Bijvoorbeeld Vluchtelingenopvang 2026."),
    )
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Geef een code.")), Length(max=40)],
        description=_l("Letters, cijfers, - of _; bijvoorbeeld OPVANG-2026."),
        filters=[_strip],
    )
    virtueel = BooleanField(_l("Virtuele (tijdelijke) afdeling"), default=True)
    doel = TextAreaField(_l("Doel"), validators=[Optional()])
    startdatum = DatumField(_l("Startdatum"), validators=[Optional()])
    geplande_einddatum = DatumField(
        _l("Geplande einddatum"),
        validators=[Optional()],
        description=_l("Als dd-mm-jjjj. Kan later nog schuiven; DIV krijgt een seintje."),
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
        ] + _level_choices()
        self.retentiebeleid.choices = labels.choices(labels.RETENTIEBELEID)


class WizardLedenForm(FlaskForm):
    """Only the token: the member rows are parsed by the view (one row per user)."""


class WizardZaakTypenForm(FlaskForm):
    zaaktypen = SelectMultipleField(
        _l("Generieke zaaktypen"),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
    )

    def fill(self, zaaktypen) -> None:
        self.zaaktypen.choices = [
            (zt.identificatie, f"{zt.omschrijving} ({zt.identificatie})") for zt in zaaktypen
        ]


class WizardBevestigenForm(FlaskForm):
    """Only the token: the state is in the session."""
