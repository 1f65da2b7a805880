"""Ready-made department templates (sjablonen), derived from the seed processes.

A template is a catalogue document in the exchange format (see zaaktypen.uitwisseling) with
a small ``sjabloon`` header and exactly one afdeling entry: its code, naam and dates are
placeholders the wizard fills in; its other fields (virtueel, doel, vertrouwelijkheid,
retentiebeleid and reden) are the template's defaults. Applying a template writes the
department, its own zaaktypen (published, identificaties prefixed with the department code),
the generic zaaktypen it chooses (created when missing) and the document types (created
when missing, by omschrijving) — all validated before anything is written.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from sqlalchemy.orm import Session

from archive.enums import Vertrouwelijkheid
from archive.errors import NotFound, ValidationFailed
from zaaktypen import afdelingen as afdeling_services
from zaaktypen import uitwisseling
from zaaktypen.afdelingen import AfdelingGegevens
from zaaktypen.models import Afdeling
from zaaktypen.services import require_beheerder

# The afdeling entry of a template carries this code until the wizard fills it in.
PLACEHOLDER_CODE = "SJABLOON"


@dataclass(frozen=True)
class ZaakTypeSamenvatting:
    identificatie: str  # as in the template (own zaaktypen get the department code prefix)
    omschrijving: str
    generiek: bool
    statustypen: tuple[str, ...]
    resultaattypen: tuple[tuple[str, str | None], ...]  # (omschrijving, selectielijstklasse)
    eigenschappen: tuple[str, ...]


@dataclass(frozen=True)
class Sjabloon:
    code: str
    naam: str
    omschrijving: str
    toelichting: str
    virtueel: bool
    doel: str
    vertrouwelijkheidaanduiding: str | None
    retentiebeleid: str | None
    retentie_reden: str
    zaaktypen: tuple[ZaakTypeSamenvatting, ...]
    informatieobjecttypen: tuple[str, ...]
    document: dict  # the template as stored; copy before changing it


def _summary(zt: dict, generiek: bool) -> ZaakTypeSamenvatting:
    return ZaakTypeSamenvatting(
        identificatie=zt["identificatie"],
        omschrijving=zt["omschrijving"],
        generiek=generiek,
        statustypen=tuple(s["omschrijving"] for s in zt["statustypen"]),
        resultaattypen=tuple(
            (r["omschrijving"], r.get("selectielijstklasse")) for r in zt["resultaattypen"]
        ),
        eigenschappen=tuple(e["naam"] for e in zt.get("eigenschappen", [])),
    )


def _load(name: str) -> Sjabloon:
    doc = json.loads(resources.files("zaaktypen.sjablonen").joinpath(name).read_text("utf-8"))
    header = doc["sjabloon"]
    (afdeling,) = doc["afdelingen"]
    generiek = set(afdeling.get("generieke_zaaktypen", []))
    return Sjabloon(
        code=header["code"],
        naam=header["naam"],
        omschrijving=header["omschrijving"],
        toelichting=header.get("toelichting", ""),
        virtueel=afdeling.get("virtueel", False),
        doel=afdeling.get("doel", ""),
        vertrouwelijkheidaanduiding=afdeling.get("vertrouwelijkheidaanduiding"),
        retentiebeleid=afdeling.get("retentiebeleid"),
        retentie_reden=afdeling.get("retentie_reden", ""),
        zaaktypen=tuple(
            _summary(zt, zt["identificatie"] in generiek)
            for zt in doc["zaaktypen"]
            if zt["versie"] == 1
        ),
        informatieobjecttypen=tuple(i["omschrijving"] for i in doc["informatieobjecttypen"]),
        document=doc,
    )


@cache
def _all() -> tuple[Sjabloon, ...]:
    names = sorted(
        entry.name
        for entry in resources.files("zaaktypen.sjablonen").iterdir()
        if entry.name.endswith(".json")
    )
    return tuple(_load(name) for name in names)


def list_sjablonen() -> list[Sjabloon]:
    """Every template, by naam (for the wizard and the CLI)."""
    return sorted(_all(), key=lambda s: s.naam)


def get_sjabloon(code: str) -> Sjabloon:
    for sjabloon in _all():
        if sjabloon.code == code:
            return sjabloon
    known = ", ".join(s.code for s in list_sjablonen())
    raise NotFound(f"Sjabloon '{code}' bestaat niet. Kies een van: {known}.", field="sjabloon")


def _check_leden(leden: Iterable[tuple]) -> None:
    errors: dict[str, list[str]] = {}
    for i, (_user, rol, clearance) in enumerate(leden):
        if rol not in afdeling_services.LIDROLLEN:
            errors[f"leden[{i}].rol"] = [f"Kies een van: {', '.join(afdeling_services.LIDROLLEN)}."]
        if clearance not in Vertrouwelijkheid.__members__:
            errors[f"leden[{i}].clearance"] = ["Onbekend vertrouwelijkheidsniveau."]
    if errors:
        raise ValidationFailed(errors)


def _fill_in(sjabloon: Sjabloon, gegevens: AfdelingGegevens, extra_generiek: Iterable[str]) -> dict:
    """The template as a concrete catalogue document for this department."""
    doc = copy.deepcopy(sjabloon.document)
    doc.pop("sjabloon", None)
    (afd,) = doc["afdelingen"]
    code = (gegevens.code or "").strip().upper()

    def choose(given, default):
        return default if given is None else given

    afd.update(
        code=code,
        naam=gegevens.naam,
        virtueel=gegevens.virtueel,
        doel=gegevens.doel or afd.get("doel", ""),
        startdatum=gegevens.startdatum.isoformat() if gegevens.startdatum else None,
        geplande_einddatum=(
            gegevens.geplande_einddatum.isoformat() if gegevens.geplande_einddatum else None
        ),
        vertrouwelijkheidaanduiding=choose(
            gegevens.vertrouwelijkheidaanduiding, afd.get("vertrouwelijkheidaanduiding")
        )
        or None,
        retentiebeleid=choose(gegevens.retentiebeleid, afd.get("retentiebeleid")) or None,
        retentie_reden=gegevens.retentie_reden or afd.get("retentie_reden", ""),
        retentie_besluit=gegevens.retentie_besluit or afd.get("retentie_besluit", ""),
        sjabloon=sjabloon.code,
    )
    generiek = list(afd.get("generieke_zaaktypen", []))
    for ident in [*gegevens.generieke_zaaktypen, *extra_generiek]:
        if ident not in generiek:
            generiek.append(ident)
    afd["generieke_zaaktypen"] = generiek

    prefix = {ident: f"{code}-{ident}" for ident in afd.get("zaaktypen", [])}
    afd["zaaktypen"] = [prefix[ident] for ident in afd.get("zaaktypen", [])]
    begin = (gegevens.startdatum or date.today()).isoformat()
    for zt in doc["zaaktypen"]:
        zt["identificatie"] = prefix.get(zt["identificatie"], zt["identificatie"])
        if not zt.get("concept", False) and zt.get("datum_begin_geldigheid") is None:
            zt["datum_begin_geldigheid"] = begin
    return doc


def _field_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Paths into the department entry become the wizard's own field names."""
    result: dict[str, list[str]] = {}
    for key, messages in errors.items():
        name = key.removeprefix("afdelingen[0].")
        result.setdefault(name, []).extend(messages)
    return result


def apply_sjabloon(
    session: Session,
    actor,
    code: str,
    gegevens: AfdelingGegevens,
    leden: Iterable[tuple] = (),
    extra_generieke_zaaktypen: Iterable[str] = (),
) -> Afdeling:
    """Create a department from a template, with its zaaktypen, document types and members.

    ``gegevens`` fields left as None (vertrouwelijkheidaanduiding, retentiebeleid) or empty
    (doel, retentie_reden) take the template's default; "" for vertrouwelijkheidaanduiding
    or retentiebeleid means explicitly none. ``gegevens.virtueel`` is taken as given (the
    wizard pre-fills it from Sjabloon.virtueel). ``leden`` holds (user, rol, clearance).
    """
    require_beheerder(actor)
    sjabloon = get_sjabloon(code)
    leden = list(leden)
    _check_leden(leden)
    doc = _fill_in(sjabloon, gegevens, list(extra_generieke_zaaktypen))
    try:
        afdeling = uitwisseling.import_sjabloon_document(session, actor, doc)
    except ValidationFailed as exc:
        raise ValidationFailed(_field_errors(exc.errors), exc.message) from None
    except uitwisseling.ImportConflict as exc:
        raise uitwisseling.ImportConflict(_field_errors(exc.errors), exc.message) from None
    for user, rol, clearance in leden:
        afdeling_services.set_member(session, actor, afdeling, user, rol=rol, clearance=clearance)
    return afdeling
