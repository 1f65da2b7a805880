"""Forms of the web UI (Flask-WTF, CSRF on every one); rules stay in the services.

The forms only check what a browser can get wrong (missing or malformed input); what is
allowed is decided by the services, whose field errors are put back on these fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields import DateField, FieldList
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from archive.errors import DomainError
from web.ui import labels

FILE_ROWS = 3


class DatumField(DateField):
    """A date typed as dd-mm-jjjj (also accepts jjjj-mm-dd); a text box, not a picker."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("description", _l("Als dd-mm-jjjj, bijvoorbeeld 31-03-2024."))
        super().__init__(label, validators, format=["%d-%m-%Y", "%Y-%m-%d"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(
                _l("Vul een bestaande datum in als dd-mm-jjjj, bijvoorbeeld 31-03-2024.")
            ) from None


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _standaard(level: str) -> str:
    return str(_l("standaard: %(niveau)s", niveau=labels.label(labels.VERTROUWELIJKHEID, level)))


def _level_choices(default_label) -> list[tuple[str, str]]:
    return [("", default_label), *labels.choices(labels.VERTROUWELIJKHEID)]


class ZaakVelden(FlaskForm):
    # validate_choice=False: which zaaktype fits which afdeling is the service's rule, and
    # its refusal says why (another department's zaaktype, a closing department).
    zaaktype = SelectField(
        _l("Zaaktype"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(_l("Kies een zaaktype."))],
    )
    afdeling = SelectField(
        _l("Afdeling"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(_l("Kies een afdeling."))],
    )
    omschrijving = StringField(
        _l("Omschrijving"),
        validators=[
            DataRequired(_l("Geef een korte omschrijving van de zaak.")),
            Length(max=200, message=_l("Gebruik maximaal 200 tekens.")),
        ],
        description=_l("Kort en herkenbaar, maximaal 200 tekens."),
    )
    toelichting = TextAreaField(_l("Toelichting"), validators=[Optional()])
    startdatum = DatumField(
        _l("Startdatum"),
        validators=[Optional()],
        description=_l("Als dd-mm-jjjj; leeg laten voor vandaag."),
    )
    vertrouwelijkheidaanduiding = SelectField(
        _l("Vertrouwelijkheidaanduiding"), validators=[Optional()]
    )

    def fill(self, zaaktypen, afdelingen) -> None:
        """Options from the catalogue; the zaaktype shows its default confidentiality.

        ``zaaktypen`` is a list, or a dict of groups ({group label: [zaaktype, ...]}) shown
        as optgroups when no afdeling has been chosen yet.
        """
        placeholder = (None, _l("— Kies een zaaktype —"))

        def option(zt):
            return (zt.id, f"{zt.omschrijving} ({_standaard(zt.vertrouwelijkheidaanduiding)})")

        if isinstance(zaaktypen, dict):
            self.zaaktype.choices = {None: [placeholder]} | {
                str(group): [option(zt) for zt in items] for group, items in zaaktypen.items()
            }
        else:
            self.zaaktype.choices = [placeholder] + [option(zt) for zt in zaaktypen]
        self.afdeling.choices = [(None, _l("— Kies een afdeling —"))] + [
            (a.id, a.naam) for a in afdelingen
        ]
        self.vertrouwelijkheidaanduiding.choices = _level_choices(_l("Standaard van zaaktype"))

    def validate_zaaktype(self, field):
        if field.data is None:
            raise ValidationError(_l("Kies een zaaktype."))

    def validate_afdeling(self, field):
        if field.data is None:
            raise ValidationError(_l("Kies een afdeling."))


class ZaakForm(ZaakVelden):
    pass


class DocumentRij(Form):
    """One file with its metadata; a row without a file is ignored."""

    bestand = FileField(_l("Bestand"))
    titel = StringField(
        _l("Titel"),
        validators=[Optional(), Length(max=300, message=_l("Gebruik maximaal 300 tekens."))],
        description=_l("Leeg laten: de titel komt uit het bestand."),
    )
    informatieobjecttype = SelectField(
        _l("Documenttype"), coerce=_int_or_none, validate_choice=False
    )
    vertrouwelijkheidaanduiding = SelectField(
        _l("Vertrouwelijkheidaanduiding"), validate_choice=False
    )
    richting = SelectField(_l("Richting"), default="inkomend", validate_choice=False)

    @property
    def heeft_bestand(self) -> bool:
        data = self.bestand.data
        return isinstance(data, FileStorage) and bool(data.filename)


class DocumentenVelden(FlaskForm):
    """N file rows, plus one ``multiple`` input whose files share the common defaults."""

    rijen = FieldList(FormField(DocumentRij), min_entries=FILE_ROWS, max_entries=FILE_ROWS)
    bestanden = MultipleFileField(
        _l("Meer bestanden tegelijk"),
        description=_l(
            "Deze bestanden krijgen het documenttype, de vertrouwelijkheid en de richting "
            "hieronder; de titel komt uit het bestand."
        ),
    )
    informatieobjecttype = SelectField(
        _l("Documenttype"), coerce=_int_or_none, validate_choice=False
    )
    vertrouwelijkheidaanduiding = SelectField(
        _l("Vertrouwelijkheidaanduiding"), validate_choice=False
    )
    richting = SelectField(_l("Richting"), default="inkomend", validate_choice=False)

    def fill_documenten(self, iots) -> None:
        iot_choices = [(iot.id, iot.omschrijving) for iot in iots]
        self._iot_ids = {iot.id for iot in iots}
        levels = _level_choices(_l("Standaard van documenttype"))
        richtingen = labels.choices(labels.RICHTING)
        for rij in [entry.form for entry in self.rijen.entries]:
            rij.informatieobjecttype.choices = iot_choices
            rij.vertrouwelijkheidaanduiding.choices = levels
            rij.richting.choices = richtingen
        self.informatieobjecttype.choices = iot_choices
        self.vertrouwelijkheidaanduiding.choices = levels
        self.richting.choices = richtingen

    def gekozen_bestanden(self) -> list[tuple[FileStorage, object, str | None]]:
        """(file, row-or-None, field id) for every file chosen, in form order."""
        chosen: list = []
        for entry in self.rijen.entries:
            if entry.form.heeft_bestand:
                chosen.append((entry.form.bestand.data, entry.form, entry.form.bestand.id))
        for storage in self.bestanden.data or []:
            if isinstance(storage, FileStorage) and storage.filename:
                chosen.append((storage, None, self.bestanden.id))
        return chosen

    _iot_ids: set[int] = set()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.gekozen_bestanden():
            self.rijen.entries[0].form.bestand.errors = [
                str(_l("Kies ten minste één bestand om toe te voegen."))
            ]
            return False
        for entry in self.rijen.entries:
            rij = entry.form
            if rij.heeft_bestand and rij.informatieobjecttype.data not in self._iot_ids:
                rij.informatieobjecttype.errors = [str(_l("Kies een documenttype."))]
                ok = False
        gedeeld = [s for s in self.bestanden.data or [] if getattr(s, "filename", None)]
        if gedeeld and self.informatieobjecttype.data not in self._iot_ids:
            self.informatieobjecttype.errors = [str(_l("Kies een documenttype."))]
            ok = False
        return ok


class DocumentenForm(DocumentenVelden):
    pass


class SnelleRegistratieForm(ZaakVelden, DocumentenVelden):
    """A zaak and its documents in one go, for the urgent ad-hoc letter."""


class NieuweVersieForm(FlaskForm):
    bestand = FileField(_l("Nieuwe versie"))

    def validate_bestand(self, field):
        if not (isinstance(field.data, FileStorage) and field.data.filename):
            raise ValidationError(_l("Kies het bestand met de nieuwe versie."))


class StatusForm(FlaskForm):
    statustype = SelectField(
        _l("Nieuwe status"),
        coerce=_int_or_none,
        validators=[InputRequired(_l("Kies een status."))],
    )
    toelichting = TextAreaField(_l("Toelichting"), validators=[Optional()])

    def fill(self, zaak) -> None:
        statustypen = list(zaak.zaaktype.statustypen)
        if len(statustypen) > 1:
            statustypen = statustypen[:-1]  # the eindstatus comes with closing
        self.statustype.choices = [(st.id, st.omschrijving) for st in statustypen]


class AfsluitenForm(FlaskForm):
    resultaattype = SelectField(
        _l("Resultaat"),
        coerce=_int_or_none,
        validators=[InputRequired(_l("Kies een resultaat."))],
    )
    einddatum = DatumField(
        _l("Einddatum"),
        validators=[Optional()],
        description=_l("Als dd-mm-jjjj; leeg laten voor vandaag."),
    )
    toelichting = TextAreaField(_l("Toelichting"), validators=[Optional()])

    def fill(self, zaak) -> None:
        self.resultaattype.choices = [(None, _l("— Kies een resultaat —"))] + [
            (rt.id, rt.omschrijving) for rt in zaak.zaaktype.resultaattypen
        ]

    def validate_resultaattype(self, field):
        if field.data is None:
            raise ValidationError(_l("Kies een resultaat."))


ROLTYPE_KEUZE = "roltype-"


class BetrokkeneForm(FlaskForm):
    type = SelectField(_l("Soort betrokkene"), default="natuurlijk_persoon")
    rol = SelectField(_l("Rol in de zaak"), default="belanghebbende")
    # natuurlijk persoon
    bsn = StringField(
        _l("BSN"),
        validators=[Optional(), Length(max=9, message=_l("Een BSN heeft 9 cijfers."))],
        description=_l("9 cijfers"),
    )
    voornamen = StringField(_l("Voornamen"), validators=[Optional(), Length(max=200)])
    voorvoegsel = StringField(_l("Voorvoegsel"), validators=[Optional(), Length(max=20)])
    geslachtsnaam = StringField(_l("Achternaam"), validators=[Optional(), Length(max=200)])
    geboortedatum = DatumField(_l("Geboortedatum"), validators=[Optional()])
    # niet-natuurlijk persoon
    kvk_nummer = StringField(
        _l("KvK-nummer"),
        validators=[Optional(), Length(max=8, message=_l("Een KvK-nummer heeft 8 cijfers."))],
        description=_l("8 cijfers"),
    )
    rsin = StringField(
        _l("RSIN"),
        validators=[Optional(), Length(max=9, message=_l("Een RSIN heeft 9 cijfers."))],
        description=_l("9 cijfers"),
    )
    # organisatie, organisatorische eenheid, medewerker
    naam = StringField(_l("Naam"), validators=[Optional(), Length(max=300)])
    identificatie = StringField(
        _l("Identificatie"),
        validators=[Optional(), Length(max=80)],
        description=_l("Bijvoorbeeld een afdelingscode of personeelsnummer."),
    )
    toelichting = TextAreaField(_l("Toelichting"), validators=[Optional()])

    # a service's refusal of the roltype belongs on the one role select
    error_aliases = {"roltype": "rol"}

    def fill(self, zaak=None) -> None:
        """The zaaktype's own roltypen first (as ``roltype-<id>``), then the generic roles."""
        self.type.choices = labels.choices(labels.BETROKKENE_TYPE)
        generiek = labels.choices(labels.ROL)
        roltypen = list(zaak.zaaktype.roltypen) if zaak is not None else []
        if not roltypen:
            self.rol.choices = generiek
            return
        self.rol.choices = {
            str(_l("Rollen van dit zaaktype")): [
                (
                    f"{ROLTYPE_KEUZE}{r.id}",
                    f"{r.omschrijving} ({labels.ROL.get(r.omschrijving_generiek, '')})",
                )
                for r in roltypen
            ],
            str(_l("Generieke rollen")): generiek,
        }

    def rol_keuze(self) -> dict:
        """The chosen role as add_betrokkene's ``rol`` / ``roltype_id`` arguments."""
        value = self.rol.data or ""
        nummer = value.removeprefix(ROLTYPE_KEUZE)
        if value.startswith(ROLTYPE_KEUZE) and nummer.isdigit():
            return {"rol": None, "roltype_id": int(nummer)}
        return {"rol": value, "roltype_id": None}


def apply_errors(
    form: FlaskForm,
    exc: DomainError,
    *,
    fields: dict | None = None,
    eigenschappen: dict | None = None,
) -> None:
    """Put a service's refusal on the form: field errors on their fields, the rest on top.

    ``fields`` maps a service field name to a form field where the names differ (rows);
    errors on ``eigenschappen.<naam>`` go into ``eigenschappen`` when given.
    """
    fields = fields or {}
    aliases = getattr(form, "error_aliases", {})
    errors = exc.field_errors()
    for name, messages in errors.items():
        if eigenschappen is not None and name.startswith("eigenschappen."):
            eigenschappen.setdefault(name.partition(".")[2], []).extend(messages)
            continue
        field = fields.get(name) or form._fields.get(aliases.get(name, name))
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = list(field.errors or []) + list(messages)
    if not errors:
        form.form_errors.append(exc.message)


def error_list(form) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every error, nested rows included, for the summary."""
    found: list[tuple[str, str, str]] = []
    for message in getattr(form, "form_errors", []) or []:
        found.append(("", "", str(message)))

    def walk(fields, rij: str = ""):
        for field in fields:
            if isinstance(field, FieldList):
                for i, entry in enumerate(field.entries, 1):
                    walk([entry], str(_l("Bestand %(n)s", n=i)))
            elif isinstance(field, FormField):
                walk(list(field.form), rij)
            else:
                label = field.label.text
                if rij:
                    label = rij if field.short_name == "bestand" else f"{rij} – {label}"
                for message in field.errors or []:
                    if not isinstance(message, dict | list):
                        found.append((field.id, str(label), str(message)))

    walk([f for f in form if f.type not in ("CSRFTokenField",)])
    return found


# -- eigenschappen of a zaak -----------------------------------------------------------------

INPUT_TYPES = {
    "tekst": "text",
    "getal": "number",
    "datum": "date",
    "datum_tijd": "datetime-local",
    "keuze": "select",
}


@dataclass
class EigenschapVeld:
    """One input for an eigenschap of the zaaktype; its rules are checked by the service."""

    eigenschap: object
    waarde: str = ""
    fouten: list[str] = dc_field(default_factory=list)

    @property
    def id(self) -> str:
        return f"eigenschap-{self.eigenschap.id}"

    @property
    def label(self) -> str:
        return self.eigenschap.naam

    @property
    def soort(self) -> str:
        return INPUT_TYPES.get(self.eigenschap.formaat, "text")


def eigenschap_velden(zaaktype, values=None, fouten=None, *, posted=None) -> list[EigenschapVeld]:
    """Inputs for the eigenschappen of ``zaaktype``: from the posted form, else ``values``."""
    values = values or {}
    fouten = fouten or {}
    velden = []
    for eigenschap in zaaktype.eigenschappen if zaaktype is not None else []:
        veld = EigenschapVeld(eigenschap, fouten=list(fouten.get(eigenschap.naam, [])))
        if posted is not None:
            veld.waarde = posted.get(veld.id, "")
        else:
            veld.waarde = values.get(eigenschap.naam, "")
        if eigenschap.formaat == "datum_tijd" and len(veld.waarde) > 16:
            veld.waarde = veld.waarde[:16]  # datetime-local shows minutes
        velden.append(veld)
    return velden


def eigenschap_waarden(velden: list[EigenschapVeld]) -> dict[str, str]:
    return {v.eigenschap.naam: v.waarde for v in velden}


def eigenschap_fouten(velden: list[EigenschapVeld]) -> list[tuple[str, str, str]]:
    """(field id, label, message) for the error summary."""
    return [(v.id, v.label, m) for v in velden for m in v.fouten]


class EigenschappenForm(FlaskForm):
    """Only the token: the eigenschap inputs follow the zaaktype (see EigenschapVeld)."""
