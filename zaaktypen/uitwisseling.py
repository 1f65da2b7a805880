"""Catalogue import and export: one versioned JSON document with a published JSON Schema.

The format (``dossierhuis-catalogus`` versie 1, schema in ``zaaktypen/schema``) carries
document types, zaaktypen with every version and all their parts, and departments with their
own and chosen generic zaaktypen. Members are not exchanged: users are local to an instance.

Export is deterministic (sorted, fixed formatting), so export → import into an empty
database → export gives the same document. Import validates everything first — the schema,
then the catalogue rules, then clashes with what the database already holds — and reports
every problem with its JSON path; only a document without problems is written, through the
catalogue services (so the same rules and the audit trail apply).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.errors import Conflict, ValidationFailed
from zaaktypen import afdelingen as afdeling_services
from zaaktypen import durations
from zaaktypen import services as catalogus
from zaaktypen.models import (
    Afdeling,
    Eigenschap,
    InformatieObjectType,
    ResultaatType,
    RolType,
    StatusType,
    ZaakType,
)

FORMAAT = "dossierhuis-catalogus"
VERSIE = 1
SCHEMA_BESTAND = "catalogus-v1.schema.json"

# Defaults for fields a hand-written document (or a template) may leave out.
_IOT_DEFAULTS = {"categorie": "", "toegestane_formaten": []}
_ZAAKTYPE_DEFAULTS = {
    "concept": False,
    "datum_begin_geldigheid": None,
    "datum_einde_geldigheid": None,
    "doel": "",
    "aanleiding": "",
    "toelichting": "",
    "doorlooptijd": None,
    "servicenorm": None,
    "trefwoorden": [],
    "referentieproces": "",
    "selectielijst_procestype": None,
    "eigenschappen": [],
    "informatieobjecttypen": [],
}
_STATUSTYPE_DEFAULTS = {"doorlooptijd": None, "informeren": False, "toelichting": ""}
_RESULTAATTYPE_DEFAULTS = {
    "toelichting": "",
    "selectielijstklasse": None,
    "archiefnominatie": None,
    "archiefactietermijn": None,
    "afleidingswijze": "afgehandeld",
    "procestermijn": None,
    "datumkenmerk": "",
}
_EIGENSCHAP_DEFAULTS = {
    "definitie": "",
    "lengte": None,
    "waardenverzameling": [],
    "verplicht": False,
    "agenda_weekdag": None,
    "agenda_capaciteit": None,
    "agenda_sluiting_dagen": None,
}
_AFDELING_DEFAULTS = {
    "virtueel": False,
    "doel": "",
    "startdatum": None,
    "geplande_einddatum": None,
    "vertrouwelijkheidaanduiding": None,
    "retentiebeleid": None,
    "retentie_reden": "",
    "retentie_besluit": "",
    "sjabloon": None,
    "zaaktypen": [],
    "generieke_zaaktypen": [],
}


@cache
def schema() -> dict:
    """The published JSON Schema (package data)."""
    text = resources.files("zaaktypen.schema").joinpath(SCHEMA_BESTAND).read_text("utf-8")
    return json.loads(text)


# -- export ----------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _iot_dict(iot: InformatieObjectType) -> dict:
    return {
        "omschrijving": iot.omschrijving,
        "categorie": iot.categorie,
        "vertrouwelijkheidaanduiding": iot.vertrouwelijkheidaanduiding,
        "toegestane_formaten": list(iot.toegestane_formaten or []),
    }


def _zaaktype_dict(zt: ZaakType) -> dict:
    return {
        "identificatie": zt.identificatie,
        "versie": zt.versie,
        "concept": zt.concept,
        "datum_begin_geldigheid": _iso(zt.datum_begin_geldigheid),
        "datum_einde_geldigheid": _iso(zt.datum_einde_geldigheid),
        "omschrijving": zt.omschrijving,
        "doel": zt.doel,
        "aanleiding": zt.aanleiding,
        "toelichting": zt.toelichting,
        "vertrouwelijkheidaanduiding": zt.vertrouwelijkheidaanduiding,
        "doorlooptijd": zt.doorlooptijd,
        "servicenorm": zt.servicenorm,
        "trefwoorden": list(zt.trefwoorden or []),
        "referentieproces": zt.referentieproces,
        "selectielijst_procestype": zt.selectielijst_procestype,
        "statustypen": [
            {
                "volgnummer": s.volgnummer,
                "omschrijving": s.omschrijving,
                "doorlooptijd": s.doorlooptijd,
                "informeren": s.informeren,
                "toelichting": s.toelichting,
            }
            for s in sorted(zt.statustypen, key=lambda s: s.volgnummer)
        ],
        "resultaattypen": [
            {
                "omschrijving": r.omschrijving,
                "toelichting": r.toelichting,
                "selectielijstklasse": r.selectielijstklasse,
                "archiefnominatie": r.archiefnominatie,
                "archiefactietermijn": r.archiefactietermijn,
                "afleidingswijze": r.afleidingswijze,
                "procestermijn": r.procestermijn,
                "datumkenmerk": r.datumkenmerk,
            }
            for r in sorted(zt.resultaattypen, key=lambda r: r.id)
        ],
        "roltypen": [
            {"omschrijving": r.omschrijving, "omschrijving_generiek": r.omschrijving_generiek}
            for r in sorted(zt.roltypen, key=lambda r: r.id)
        ],
        "eigenschappen": [
            {
                "naam": e.naam,
                "definitie": e.definitie,
                "formaat": e.formaat,
                "lengte": e.lengte,
                "waardenverzameling": list(e.waardenverzameling or []),
                "verplicht": e.verplicht,
                "agenda_weekdag": e.agenda_weekdag,
                "agenda_capaciteit": e.agenda_capaciteit,
                "agenda_sluiting_dagen": e.agenda_sluiting_dagen,
            }
            for e in sorted(zt.eigenschappen, key=lambda e: e.id)
        ],
        # The order is the volgnummer; it is renumbered 1..n on import.
        "informatieobjecttypen": [
            {"omschrijving": link.informatieobjecttype.omschrijving, "richting": link.richting}
            for link in sorted(zt.informatieobjecttypen, key=lambda k: (k.volgnummer, k.id))
        ],
    }


def _afdeling_dict(session: Session, afdeling: Afdeling) -> dict:
    eigen = session.scalars(
        select(ZaakType.identificatie).where(ZaakType.afdeling_id == afdeling.id).distinct()
    )
    return {
        "code": afdeling.code,
        "naam": afdeling.naam,
        "virtueel": afdeling.virtueel,
        "doel": afdeling.doel,
        "startdatum": _iso(afdeling.startdatum),
        "geplande_einddatum": _iso(afdeling.geplande_einddatum),
        "vertrouwelijkheidaanduiding": afdeling.vertrouwelijkheidaanduiding,
        "retentiebeleid": afdeling.retentiebeleid,
        "retentie_reden": afdeling.retentie_reden,
        "retentie_besluit": afdeling.retentie_besluit,
        "sjabloon": afdeling.sjabloon,
        "zaaktypen": sorted(eigen),
        "generieke_zaaktypen": sorted(
            {k.zaaktype_identificatie for k in afdeling.generieke_zaaktypen}
        ),
    }


def _document(
    iots: Iterable[InformatieObjectType],
    zaaktypen: Iterable[ZaakType],
    afdeling_dicts: list[dict],
) -> dict:
    return {
        "formaat": FORMAAT,
        "versie": VERSIE,
        "informatieobjecttypen": [
            _iot_dict(i) for i in sorted(set(iots), key=lambda i: i.omschrijving)
        ],
        "zaaktypen": [
            _zaaktype_dict(z)
            for z in sorted(set(zaaktypen), key=lambda z: (z.identificatie, z.versie))
        ],
        "afdelingen": sorted(afdeling_dicts, key=lambda a: a["code"]),
    }


def _versions(session: Session, identificaties: Iterable[str]) -> list[ZaakType]:
    idents = sorted(set(identificaties))
    if not idents:
        return []
    return list(session.scalars(select(ZaakType).where(ZaakType.identificatie.in_(idents))))


def _used_iots(zaaktypen: Iterable[ZaakType]) -> set[InformatieObjectType]:
    return {link.informatieobjecttype for zt in zaaktypen for link in zt.informatieobjecttypen}


def export_catalogus(session: Session) -> dict:
    """The whole catalogue: every document type, zaaktype version and department."""
    zaaktypen = list(session.scalars(select(ZaakType)))
    iots = list(session.scalars(select(InformatieObjectType)))
    afdelingen = [_afdeling_dict(session, a) for a in session.scalars(select(Afdeling))]
    return _document(iots, zaaktypen, afdelingen)


def export_zaaktype(session: Session, identificatie: str) -> dict:
    """Every version of one zaaktype with the document types it uses.

    A department's own zaaktype exported alone imports as a generic one; export the
    department to keep it where it belongs.
    """
    versions = _versions(session, [identificatie])
    if not versions:
        catalogus.get_zaaktype(session, identificatie)  # raises NotFound with its message
    return _document(_used_iots(versions), versions, [])


def export_afdeling(session: Session, code: str) -> dict:
    """A department with its own zaaktypen, the generic ones it chose, and their documents."""
    afdeling = catalogus.get_afdeling(session, code)
    eigen = list(session.scalars(select(ZaakType).where(ZaakType.afdeling_id == afdeling.id)))
    generiek = _versions(session, [k.zaaktype_identificatie for k in afdeling.generieke_zaaktypen])
    zaaktypen = eigen + generiek
    return _document(_used_iots(zaaktypen), zaaktypen, [_afdeling_dict(session, afdeling)])


def dumps(doc: dict) -> str:
    """The canonical text form: sorted keys, two-space indent, UTF-8 as is, final newline."""
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def loads(text: str | bytes) -> dict:
    """Parse a document; malformed JSON is a validation error, not a crash."""
    try:
        doc = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            {"document": [f"Geen geldige JSON: {exc}. Exporteer het document opnieuw."]},
            "Het document kon niet gelezen worden.",
        ) from None
    return doc


# -- import: errors --------------------------------------------------------------------------


class ImportConflict(Conflict):
    """The document is valid but clashes with what the database already holds."""

    def __init__(self, errors: dict[str, list[str]], message: str):
        super().__init__(message)
        self.errors = errors

    def field_errors(self) -> dict[str, list[str]]:
        return self.errors


@dataclass
class ImportResultaat:
    """What an import wrote (counts per kind) and what it reused instead (with paths)."""

    aangemaakt: dict[str, int] = field(
        default_factory=lambda: {"informatieobjecttypen": 0, "zaaktypen": 0, "afdelingen": 0}
    )
    overgeslagen: list[str] = field(default_factory=list)


class _Problemen:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.conflicts: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        bucket = self.errors.setdefault(path, [])
        if message not in bucket:
            bucket.append(message)

    def conflict(self, path: str, message: str) -> None:
        self.conflicts.setdefault(path, []).append(message)

    def absorb(self, prefix: str, exc: ValidationFailed) -> None:
        for key, messages in exc.errors.items():
            for message in messages:
                self.add(f"{prefix}.{key}", message)

    def raise_if_any(self) -> None:
        if self.errors:
            merged = {k: list(v) for k, v in self.errors.items()}
            for key, messages in self.conflicts.items():
                merged.setdefault(key, []).extend(messages)
            n = sum(len(v) for v in merged.values())
            raise ValidationFailed(
                merged, f"Het document heeft {n} probleem/problemen; er is niets ingelezen."
            )
        if self.conflicts:
            raise ImportConflict(
                self.conflicts,
                "Het document botst met wat al in de catalogus staat; er is niets ingelezen.",
            )


def _path(parts: Iterable) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "document"


_TYPE_NAMES = {
    "string": "tekst",
    "integer": "een geheel getal",
    "number": "een getal",
    "boolean": "true of false",
    "array": "een lijst",
    "object": "een object",
    "null": "null",
}


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _schema_problems(doc, problemen: _Problemen) -> None:
    """Every schema violation with its path and a Dutch message."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())

    def order(error) -> list:
        return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.path]

    for error in sorted(validator.iter_errors(doc), key=order):
        parts = list(error.absolute_path)
        path = _path(parts)
        kind = error.validator
        if kind == "required":
            for name in error.validator_value:
                if isinstance(error.instance, dict) and name not in error.instance:
                    problemen.add(_path([*parts, name]), "Dit verplichte veld ontbreekt.")
        elif kind == "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            for name in error.instance:
                if name not in allowed:
                    problemen.add(_path([*parts, name]), "Onbekend veld; controleer de spelling.")
        elif kind == "type":
            wanted = error.validator_value
            wanted = wanted if isinstance(wanted, list) else [wanted]
            names = " of ".join(_TYPE_NAMES.get(w, w) for w in wanted)
            got = _TYPE_NAMES.get(_json_type(error.instance), "iets anders")
            problemen.add(path, f"Verwacht {names}, maar dit is {got}.")
        elif kind == "const" and path == "formaat":
            problemen.add(
                path,
                f"Onbekend formaat {error.instance!r}; dit is geen {FORMAAT}-document.",
            )
        elif kind == "const" and path == "versie":
            problemen.add(
                path,
                f"Versie {error.instance!r} wordt niet ondersteund; "
                f"deze Dossierhuis leest versie {VERSIE}.",
            )
        elif kind in ("enum", "const"):
            options = error.validator_value if kind == "enum" else [error.validator_value]
            shown = ", ".join("null" if o is None else str(o) for o in options)
            problemen.add(path, f"Onbekende waarde {error.instance!r}. Kies een van: {shown}.")
        elif kind == "pattern":
            problemen.add(
                path, error.schema.get("x-melding") or f"Ongeldige waarde {error.instance!r}."
            )
        elif kind == "minLength":
            problemen.add(path, "Mag niet leeg zijn.")
        elif kind == "maxLength":
            problemen.add(path, f"Maximaal {error.validator_value} tekens.")
        elif kind == "minimum":
            problemen.add(path, f"Minimaal {error.validator_value}.")
        elif kind == "maximum":
            problemen.add(path, f"Maximaal {error.validator_value}.")
        else:  # pragma: no cover - the schema uses only the keywords above
            problemen.add(path, error.message)


# -- import: semantic checks -----------------------------------------------------------------


def _with_defaults(doc: dict) -> dict:
    """A deep copy with every optional field filled in, so later code reads one shape."""
    doc = copy.deepcopy(doc)
    doc.setdefault("afdelingen", [])
    for iot in doc["informatieobjecttypen"]:
        for key, value in _IOT_DEFAULTS.items():
            iot.setdefault(key, copy.deepcopy(value))
    for zt in doc["zaaktypen"]:
        for key, value in _ZAAKTYPE_DEFAULTS.items():
            zt.setdefault(key, copy.deepcopy(value))
        for i, st in enumerate(zt["statustypen"], 1):
            st.setdefault("volgnummer", i)
            for key, value in _STATUSTYPE_DEFAULTS.items():
                st.setdefault(key, value)
        for rt in zt["resultaattypen"]:
            for key, value in _RESULTAATTYPE_DEFAULTS.items():
                rt.setdefault(key, value)
        for e in zt["eigenschappen"]:
            for key, value in _EIGENSCHAP_DEFAULTS.items():
                e.setdefault(key, copy.deepcopy(value))
    for afd in doc["afdelingen"]:
        for key, value in _AFDELING_DEFAULTS.items():
            afd.setdefault(key, copy.deepcopy(value))
        afd["code"] = afd["code"].strip().upper()
    return doc


def _parse_date(value: str | None, path: str, problemen: _Problemen) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problemen.add(path, f"'{value}' is geen bestaande datum (JJJJ-MM-DD).")
        return None


def _gegevens(zt: dict) -> catalogus.ZaakTypeGegevens:
    return catalogus.ZaakTypeGegevens(
        identificatie=zt["identificatie"],
        omschrijving=zt["omschrijving"],
        vertrouwelijkheidaanduiding=zt["vertrouwelijkheidaanduiding"],
        doel=zt["doel"],
        aanleiding=zt["aanleiding"],
        toelichting=zt["toelichting"],
        doorlooptijd=zt["doorlooptijd"],
        servicenorm=zt["servicenorm"],
        trefwoorden=list(zt["trefwoorden"]),
        referentieproces=zt["referentieproces"],
        selectielijst_procestype=zt["selectielijst_procestype"],
    )


def _eigenschap_gegevens(e: dict) -> catalogus.EigenschapGegevens:
    return catalogus.EigenschapGegevens(
        naam=e["naam"],
        formaat=e["formaat"],
        definitie=e["definitie"],
        lengte=e["lengte"],
        waardenverzameling=list(e["waardenverzameling"]),
        verplicht=e["verplicht"],
        agenda_weekdag=e["agenda_weekdag"],
        agenda_capaciteit=e["agenda_capaciteit"],
        agenda_sluiting_dagen=e["agenda_sluiting_dagen"],
    )


def _resultaat_gegevens(r: dict) -> catalogus.ResultaatTypeGegevens:
    return catalogus.ResultaatTypeGegevens(
        omschrijving=r["omschrijving"],
        selectielijstklasse=r["selectielijstklasse"],
        archiefnominatie=r["archiefnominatie"],
        archiefactietermijn=r["archiefactietermijn"],
        afleidingswijze=r["afleidingswijze"],
        procestermijn=r["procestermijn"],
        datumkenmerk=r["datumkenmerk"],
        toelichting=r["toelichting"],
    )


def _check_eigenschap(e: dict, seen: set[str], prefix: str, problemen: _Problemen) -> None:
    """The rules of services.add_eigenschap, reported per field."""
    naam = e["naam"].strip()
    if not naam:
        problemen.add(f"{prefix}.naam", "Geef de eigenschap een naam (maximaal 80 tekens).")
    elif naam in seen:
        problemen.add(f"{prefix}.naam", f"Eigenschap '{naam}' komt twee keer voor.")
    seen.add(naam)
    if e["formaat"] == "keuze" and not e["waardenverzameling"]:
        problemen.add(
            f"{prefix}.waardenverzameling", "Een keuze-eigenschap heeft een waardenverzameling."
        )
    agenda = (e["agenda_weekdag"], e["agenda_capaciteit"], e["agenda_sluiting_dagen"])
    if any(v is not None for v in agenda) and e["formaat"] != "datum":
        problemen.add(f"{prefix}.formaat", "Een agenda-eigenschap heeft formaat datum.")


def _check_zaaktype(
    zt: dict, prefix: str, iot_names: set[str], problemen: _Problemen
) -> tuple[date | None, date | None]:
    """One version on its own: fields, parts, publication rules. Returns its period."""
    try:
        catalogus.validate_zaaktype_fields(_gegevens(zt))
    except ValidationFailed as exc:
        problemen.absorb(prefix, exc)

    begin = _parse_date(zt["datum_begin_geldigheid"], f"{prefix}.datum_begin_geldigheid", problemen)
    einde = _parse_date(zt["datum_einde_geldigheid"], f"{prefix}.datum_einde_geldigheid", problemen)
    if zt["concept"]:
        for key in ("datum_begin_geldigheid", "datum_einde_geldigheid"):
            if zt[key] is not None:
                problemen.add(
                    f"{prefix}.{key}",
                    "Een concept heeft nog geen geldigheid; laat dit veld leeg (null).",
                )
    else:
        if zt["datum_begin_geldigheid"] is None:
            problemen.add(
                f"{prefix}.datum_begin_geldigheid",
                "Een gepubliceerde versie heeft een begin van de geldigheid.",
            )
        if begin and einde and einde < begin:
            problemen.add(f"{prefix}.datum_einde_geldigheid", "Het einde ligt vóór het begin.")

    statustypen = []
    for j, st in enumerate(zt["statustypen"]):
        sp = f"{prefix}.statustypen[{j}]"
        if st["volgnummer"] != j + 1:
            problemen.add(
                f"{sp}.volgnummer",
                f"Volgnummer {st['volgnummer']} past niet: de statustypen zijn genummerd "
                f"1, 2, 3 … in de volgorde van de lijst (hier {j + 1}).",
            )
        if not st["omschrijving"].strip():
            problemen.add(f"{sp}.omschrijving", "Geef de status een omschrijving.")
        if st["doorlooptijd"] and not durations.is_valid(st["doorlooptijd"]):
            problemen.add(
                f"{sp}.doorlooptijd",
                f"'{st['doorlooptijd']}' is geen ISO 8601-duur (bijvoorbeeld P6W, P3M of P1Y).",
            )
        statustypen.append(StatusType(volgnummer=j + 1, omschrijving=st["omschrijving"]))

    seen: set[str] = set()
    eigenschappen = []
    for j, e in enumerate(zt["eigenschappen"]):
        _check_eigenschap(e, seen, f"{prefix}.eigenschappen[{j}]", problemen)
        eigenschappen.append(Eigenschap(naam=e["naam"].strip(), formaat=e["formaat"]))

    # Transient objects (never added to the session) so the services' own rules can run.
    probe = ZaakType(
        identificatie=zt["identificatie"],
        selectielijst_procestype=zt["selectielijst_procestype"],
        eigenschappen=eigenschappen,
        statustypen=statustypen,
    )
    resultaattypen = []
    for j, r in enumerate(zt["resultaattypen"]):
        try:
            fields = catalogus.validate_resultaattype(probe, _resultaat_gegevens(r))
        except ValidationFailed as exc:
            problemen.absorb(f"{prefix}.resultaattypen[{j}]", exc)
            fields = {"omschrijving": r["omschrijving"], "archiefnominatie": "vernietigen"}
        resultaattypen.append(
            ResultaatType(
                omschrijving=fields["omschrijving"],
                selectielijstklasse=fields.get("selectielijstklasse"),
                archiefnominatie=fields.get("archiefnominatie"),
            )
        )

    for j, rol in enumerate(zt["roltypen"]):
        if not rol["omschrijving"].strip():
            problemen.add(f"{prefix}.roltypen[{j}].omschrijving", "Geef de rol een omschrijving.")

    links = set()
    for j, link in enumerate(zt["informatieobjecttypen"]):
        lp = f"{prefix}.informatieobjecttypen[{j}]"
        if link["omschrijving"] not in iot_names:
            problemen.add(
                f"{lp}.omschrijving",
                f"Documenttype '{link['omschrijving']}' staat niet in het document en niet in "
                "de catalogus; neem het op onder informatieobjecttypen.",
            )
        key = (link["omschrijving"], link["richting"])
        if key in links:
            problemen.add(lp, "Dit documenttype is al gekoppeld met deze richting.")
        links.add(key)

    if not zt["concept"]:
        probe.resultaattypen = resultaattypen
        probe.roltypen = [
            RolType(
                omschrijving=r["omschrijving"], omschrijving_generiek=r["omschrijving_generiek"]
            )
            for r in zt["roltypen"]
        ]
        for problem in catalogus.publication_problems(probe):
            problemen.add(prefix, f"Kan niet gepubliceerd worden: {problem}")
    return begin, einde


def _check_versions(
    ident: str, entries: list[tuple[int, dict, date | None, date | None]], problemen: _Problemen
) -> None:
    """Versions 1..n, only the last a concept, and no overlapping validity.

    Mirrors services.publish and end_validity as the import will call them: each version is
    published in turn (ending an open-ended earlier one the day before), then given its end.
    """
    entries = sorted(entries, key=lambda e: e[1]["versie"])
    seen_versions: set[int] = set()
    for n, (i, zt, _b, _e) in enumerate(entries, 1):
        versie = zt["versie"]
        if versie in seen_versions:
            problemen.add(
                f"zaaktypen[{i}].versie", f"Versie {versie} van {ident} komt twee keer voor."
            )
        elif versie != n:
            problemen.add(
                f"zaaktypen[{i}].versie",
                f"De versies van {ident} lopen van 1 tot en met {len(entries)} zonder gaten; "
                f"versie {versie} past daar niet in.",
            )
        seen_versions.add(versie)
        if zt["concept"] and n != len(entries):
            problemen.add(
                f"zaaktypen[{i}].concept",
                f"Alleen de laatste versie van {ident} kan een concept zijn.",
            )
    published: list[list] = []  # [versie, begin, einde]
    for i, zt, begin, einde in entries:
        if zt["concept"] or begin is None:
            continue
        for other in published:  # publish ends an open-ended earlier version
            if other[2] is None and other[1] < begin:
                other[2] = begin - timedelta(days=1)
        # A concept has no end yet, so publishing checks the open-ended period.
        clash = next((o for o in published if begin <= (o[2] or date.max)), None)
        if clash is not None:
            versie, o_begin, o_einde = clash
            problemen.add(
                f"zaaktypen[{i}].datum_begin_geldigheid",
                f"De geldigheid overlapt met versie {versie} van {ident} "
                f"({o_begin.isoformat()} – {o_einde.isoformat() if o_einde else '…'}).",
            )
            continue
        published.append([zt["versie"], begin, einde])


@dataclass
class _Plan:
    doc: dict
    skip_iots: set[str] = field(default_factory=set)
    skip_zaaktypen: set[str] = field(default_factory=set)
    overgeslagen: list[str] = field(default_factory=list)


def _check_document(session: Session, doc, *, sjabloon: bool = False) -> _Plan:
    """Validate everything; raise with every problem, or return what to write."""
    problemen = _Problemen()
    if not isinstance(doc, dict):
        problemen.add("document", "Het document is geen JSON-object.")
        problemen.raise_if_any()
    _schema_problems(doc, problemen)
    if problemen.errors:
        raise ValidationFailed(
            problemen.errors,
            f"Het document voldoet niet aan het schema {FORMAAT} versie {VERSIE}; "
            "er is niets ingelezen.",
        )
    doc = _with_defaults(doc)
    plan = _Plan(doc=doc)

    # Document types: unique, allowed formats, and how they meet the database.
    from archive.ingest import ALLOWED_FORMATS

    existing_iots = {i.omschrijving: i for i in session.scalars(select(InformatieObjectType))}
    iot_names: set[str] = set(existing_iots)
    doc_iots: set[str] = set()
    for i, iot in enumerate(doc["informatieobjecttypen"]):
        path = f"informatieobjecttypen[{i}]"
        naam = iot["omschrijving"].strip()
        iot["omschrijving"] = naam
        if not naam:
            problemen.add(f"{path}.omschrijving", "Geef een omschrijving.")
        elif naam in doc_iots:
            problemen.add(f"{path}.omschrijving", f"Documenttype '{naam}' komt twee keer voor.")
        doc_iots.add(naam)
        unknown = [f for f in iot["toegestane_formaten"] if f not in ALLOWED_FORMATS]
        if unknown:
            problemen.add(
                f"{path}.toegestane_formaten",
                f"Niet in de toegestane lijst van het archief: {', '.join(unknown)}.",
            )
        bestaand = existing_iots.get(naam)
        if bestaand is not None:
            if sjabloon or _iot_dict(bestaand) == iot:
                plan.skip_iots.add(naam)
                plan.overgeslagen.append(f"{path}: documenttype '{naam}' bestond al.")
            else:
                problemen.conflict(
                    path,
                    f"Documenttype '{naam}' bestaat al met andere gegevens; pas het document "
                    "of de catalogus aan.",
                )
    iot_names |= doc_iots

    # Departments: their own fields, and which zaaktypen they own or choose.
    owner: dict[str, int] = {}
    codes: set[str] = set()
    for a, afd in enumerate(doc["afdelingen"]):
        path = f"afdelingen[{a}]"
        if afd["code"] in codes:
            problemen.add(f"{path}.code", f"Afdeling '{afd['code']}' komt twee keer voor.")
        codes.add(afd["code"])
        if not afd["naam"].strip():
            problemen.add(f"{path}.naam", "Geef de afdeling een naam.")
        startdatum = _parse_date(afd["startdatum"], f"{path}.startdatum", problemen)
        einddatum = _parse_date(afd["geplande_einddatum"], f"{path}.geplande_einddatum", problemen)
        try:
            afdeling_services.validate_afdeling(_afdeling_gegevens(afd, startdatum, einddatum))
        except ValidationFailed as exc:
            problemen.absorb(path, exc)
        for j, ident in enumerate(afd["zaaktypen"]):
            if ident in owner:
                problemen.add(
                    f"{path}.zaaktypen[{j}]",
                    f"Zaaktype {ident} hoort al bij afdelingen[{owner[ident]}]; "
                    "een zaaktype hoort bij één afdeling.",
                )
            owner.setdefault(ident, a)
        if session.scalar(select(Afdeling.id).where(Afdeling.code == afd["code"])) is not None:
            problemen.conflict(f"{path}.code", f"Afdeling '{afd['code']}' bestaat al.")

    # Zaaktypen: each version on its own, then per identificatie.
    groups: dict[str, list] = {}
    for i, zt in enumerate(doc["zaaktypen"]):
        zt["identificatie"] = zt["identificatie"].strip()
        begin, einde = _check_zaaktype(zt, f"zaaktypen[{i}]", iot_names, problemen)
        groups.setdefault(zt["identificatie"], []).append((i, zt, begin, einde))
    generiek_gekozen = {ident for afd in doc["afdelingen"] for ident in afd["generieke_zaaktypen"]}
    for ident, entries in groups.items():
        _check_versions(ident, entries, problemen)
        existing = list(session.scalars(select(ZaakType).where(ZaakType.identificatie == ident)))
        if not existing:
            continue
        first = entries[0][0]
        reusable = (
            sjabloon
            and ident not in owner
            and ident in generiek_gekozen
            and all(v.afdeling_id is None for v in existing)
        )
        if reusable:
            plan.skip_zaaktypen.add(ident)
            plan.overgeslagen.append(
                f"zaaktypen[{first}]: generiek zaaktype {ident} bestond al en is gekozen."
            )
        else:
            problemen.conflict(
                f"zaaktypen[{first}].identificatie",
                f"Zaaktype {ident} bestaat al (versie "
                f"{', '.join(str(v.versie) for v in sorted(existing, key=lambda v: v.versie))})."
                " Een import voegt geen versies toe aan een bestaand zaaktype.",
            )
    for ident, a in owner.items():
        if ident not in groups:
            j = doc["afdelingen"][a]["zaaktypen"].index(ident)
            problemen.add(
                f"afdelingen[{a}].zaaktypen[{j}]",
                f"Zaaktype {ident} staat niet in het document.",
            )

    # Chosen generic zaaktypen: in the document (and not owned) or generic in the database.
    for a, afd in enumerate(doc["afdelingen"]):
        for j, ident in enumerate(afd["generieke_zaaktypen"]):
            path = f"afdelingen[{a}].generieke_zaaktypen[{j}]"
            if ident in owner:
                problemen.add(path, f"Zaaktype {ident} hoort bij een afdeling en is niet generiek.")
            elif ident not in groups:
                existing = list(
                    session.scalars(select(ZaakType).where(ZaakType.identificatie == ident))
                )
                if not existing:
                    problemen.add(
                        path,
                        f"Zaaktype {ident} staat niet in het document en niet in de catalogus.",
                    )
                elif any(v.afdeling_id is not None for v in existing):
                    problemen.add(
                        path, f"Zaaktype {ident} hoort bij één afdeling en is niet generiek."
                    )
    problemen.raise_if_any()
    return plan


def _afdeling_gegevens(
    afd: dict, startdatum: date | None, einddatum: date | None
) -> afdeling_services.AfdelingGegevens:
    return afdeling_services.AfdelingGegevens(
        code=afd["code"],
        naam=afd["naam"],
        virtueel=afd["virtueel"],
        doel=afd["doel"],
        startdatum=startdatum,
        geplande_einddatum=einddatum,
        vertrouwelijkheidaanduiding=afd["vertrouwelijkheidaanduiding"],
        retentiebeleid=afd["retentiebeleid"],
        retentie_reden=afd["retentie_reden"],
        retentie_besluit=afd["retentie_besluit"],
        sjabloon=afd["sjabloon"],
    )


# -- import: writing -------------------------------------------------------------------------


def _add_parts(session: Session, actor, zaaktype: ZaakType, zt: dict, iots: dict) -> None:
    for st in zt["statustypen"]:
        catalogus.add_statustype(
            session,
            actor,
            zaaktype,
            omschrijving=st["omschrijving"],
            doorlooptijd=st["doorlooptijd"],
            informeren=st["informeren"],
            toelichting=st["toelichting"],
        )
    for e in zt["eigenschappen"]:
        catalogus.add_eigenschap(session, actor, zaaktype, _eigenschap_gegevens(e))
    for r in zt["resultaattypen"]:
        catalogus.add_resultaattype(session, actor, zaaktype, _resultaat_gegevens(r))
    for rol in zt["roltypen"]:
        catalogus.add_roltype(
            session,
            actor,
            zaaktype,
            omschrijving=rol["omschrijving"],
            omschrijving_generiek=rol["omschrijving_generiek"],
        )
    for link in zt["informatieobjecttypen"]:
        catalogus.link_informatieobjecttype(
            session, actor, zaaktype, iots[link["omschrijving"]], richting=link["richting"]
        )
    session.flush()


def _write(session: Session, actor, plan: _Plan) -> tuple[ImportResultaat, dict[str, Afdeling]]:
    doc = plan.doc
    resultaat = ImportResultaat(overgeslagen=list(plan.overgeslagen))
    iots = {i.omschrijving: i for i in session.scalars(select(InformatieObjectType))}
    for iot in doc["informatieobjecttypen"]:
        if iot["omschrijving"] in plan.skip_iots:
            continue
        iots[iot["omschrijving"]] = catalogus.create_informatieobjecttype(
            session,
            actor,
            omschrijving=iot["omschrijving"],
            vertrouwelijkheidaanduiding=iot["vertrouwelijkheidaanduiding"],
            categorie=iot["categorie"],
            toegestane_formaten=list(iot["toegestane_formaten"]),
        )
        resultaat.aangemaakt["informatieobjecttypen"] += 1

    afdelingen: dict[str, Afdeling] = {}
    owner: dict[str, Afdeling] = {}
    for afd in doc["afdelingen"]:
        gegevens = _afdeling_gegevens(
            afd,
            date.fromisoformat(afd["startdatum"]) if afd["startdatum"] else None,
            date.fromisoformat(afd["geplande_einddatum"]) if afd["geplande_einddatum"] else None,
        )
        afdeling = afdeling_services.create_department(session, actor, gegevens)
        afdelingen[afdeling.code] = afdeling
        for ident in afd["zaaktypen"]:
            owner[ident] = afdeling
        resultaat.aangemaakt["afdelingen"] += 1

    for zt in sorted(doc["zaaktypen"], key=lambda z: (z["identificatie"], z["versie"])):
        ident = zt["identificatie"]
        if ident in plan.skip_zaaktypen:
            continue
        if zt["versie"] == 1:
            zaaktype = catalogus.create_concept(
                session, actor, _gegevens(zt), afdeling=owner.get(ident)
            )
        else:
            zaaktype = catalogus.new_version(session, actor, ident)
            catalogus.update_concept(session, actor, zaaktype, _gegevens(zt))
            for collection in (
                zaaktype.informatieobjecttypen,
                zaaktype.eigenschappen,
                zaaktype.resultaattypen,
                zaaktype.roltypen,
                zaaktype.statustypen,
            ):
                for part in list(collection):
                    catalogus.remove_part(session, actor, zaaktype, part)
        _add_parts(session, actor, zaaktype, zt, iots)
        if not zt["concept"]:
            catalogus.publish(
                session,
                actor,
                zaaktype,
                datum_begin_geldigheid=date.fromisoformat(zt["datum_begin_geldigheid"]),
            )
            if zt["datum_einde_geldigheid"]:
                catalogus.end_validity(
                    session, actor, zaaktype, date.fromisoformat(zt["datum_einde_geldigheid"])
                )
        resultaat.aangemaakt["zaaktypen"] += 1

    for afd in doc["afdelingen"]:
        afdeling = afdelingen[afd["code"]]
        for ident in afd["generieke_zaaktypen"]:
            afdeling_services.choose_generic_zaaktype(session, actor, afdeling, ident)
    session.flush()
    return resultaat, afdelingen


def validate_document(session: Session, doc) -> None:
    """Check a document without writing anything (a dry run); raises like import_document."""
    _check_document(session, doc)


def import_document(session: Session, actor, doc: dict) -> ImportResultaat:
    """Validate the whole document, then write it through the catalogue services.

    Raises ValidationFailed (schema or rule problems, conflicts included) or ImportConflict
    (only clashes with the database), each with every problem keyed by its JSON path, before
    anything is written. Document types that already exist with the same data are reused
    and listed as skipped.
    """
    catalogus.require_beheerder(actor)
    plan = _check_document(session, doc)
    resultaat, _ = _write(session, actor, plan)
    return resultaat


def import_sjabloon_document(session: Session, actor, doc: dict) -> Afdeling:
    """Write a filled-in template (one department): existing document types and chosen
    generic zaaktypen are reused instead of refused. Used by zaaktypen.sjablonen."""
    catalogus.require_beheerder(actor)
    plan = _check_document(session, doc, sjabloon=True)
    _, afdelingen = _write(session, actor, plan)
    (afdeling,) = afdelingen.values()
    return afdeling
