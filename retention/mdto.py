"""MDTO XML (Nationaal Archief, schema 1.0.1) for a transfer package: a zaak is a *Dossier*
informatieobject, a document an *Archiefstuk*, every file a *bestand* with its checksum.

The builders are pure (models in, an lxml element out); :func:`validate` checks an element
against the XSD that ships with the package, so nothing leaves the archive that the e-Depot
would refuse. Element order follows the XSD's sequences exactly; labels and codes come from
the MDTO begrippenlijsten where MDTO has one, otherwise from a list named after this system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources

from lxml import etree

from zaaktypen import selectielijst

NS = "https://www.nationaalarchief.nl/mdto"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_FILE = "MDTO-XML1.0.1.xsd"
SCHEMA_LOCATION = f"{NS} https://www.nationaalarchief.nl/mdto/{SCHEMA_FILE}"

# MDTO begrippenlijsten (names as in the official examples)
AGGREGATIENIVEAUS = "Begrippenlijst Aggregatieniveaus MDTO"
WAARDERINGEN = "Begrippenlijst Waarderingen MDTO"
EVENTTYPEN = "Begrippenlijst EventTypeLijst MDTO"
CHECKSUMALGORITMEN = "Begrippenlijst ChecksumAlgoritme MDTO"
PRONOM_REGISTER = "PRONOM-register"
MEDIATYPEN = "IANA Media Types"  # where a format has no PRONOM id we know of
SELECTIELIJST = "Selectielijst gemeenten en intergemeentelijke organen 2020"
VERTROUWELIJKHEID = "Vertrouwelijkheidaanduiding (RGBZ)"

WAARDERING = {
    "blijvend_bewaren": ("Blijvend te bewaren", "B"),
    "vernietigen": ("Tijdelijk te bewaren", "V"),
}

_AFLEIDING = {
    "afgehandeld": "Afhandeling zaak",
    "termijn": "Afhandeling zaak plus procestermijn",
    "eigenschap": "Datum in eigenschap van de zaak",
    "hoofdzaak": "Afhandeling hoofdzaak",
    "ander_datumkenmerk": "Ander datumkenmerk",
    "ingangsdatum_besluit": "Ingangsdatum besluit",
    "vervaldatum_besluit": "Vervaldatum besluit",
}

_TAAL = {"nld": "nl", "dut": "nl", "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr"}


class MdtoInvalid(Exception):
    """An MDTO document does not validate against the XSD; ``message`` is lxml's first
    error line (line, element and what is wrong)."""

    def __init__(self, naam: str, message: str):
        super().__init__(f"{naam}: {message}")
        self.naam = naam
        self.message = message


# -- configuration of the package -------------------------------------------------------


@dataclass(frozen=True)
class Archiefvormer:
    """The organisation that formed the archive (``archiefvormer`` in every
    informatieobject) and the source of the identificaties (``identificatieBron``)."""

    naam: str
    kenmerk: str | None = None  # e.g. the TOOI URI or OIN of the organisation
    kenmerk_bron: str = "TOOI"
    identificatiebron: str = "Dossierhuis"


# -- the schema -----------------------------------------------------------------------------


@cache
def schema() -> etree.XMLSchema:
    """The MDTO XSD shipped as package data (parsed once, no network)."""
    data = resources.files("retention.schemas").joinpath(SCHEMA_FILE).read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.fromstring(data, parser))


def validate(root: etree._Element, naam: str = "MDTO") -> None:
    """Raise :class:`MdtoInvalid` with lxml's error line unless ``root`` is valid MDTO."""
    xsd = schema()
    if not xsd.validate(root):
        error = xsd.error_log.last_error
        line = f"regel {error.line}: {error.message}" if error is not None else "ongeldig"
        raise MdtoInvalid(naam, line)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- small builders ---------------------------------------------------------------------------


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = _clean(text)
    return element


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """XML 1.0 cannot carry control characters; drop them rather than fail the export."""
    return _CONTROL.sub("", str(text))


def _identificatie(parent, name: str, kenmerk: str, bron: str) -> None:
    ident = _el(parent, name)
    _el(ident, "identificatieKenmerk", kenmerk)
    _el(ident, "identificatieBron", bron)


def _verwijzing(parent, name: str, naam: str, kenmerk: str | None = None, bron: str = "") -> None:
    ref = _el(parent, name)
    _el(ref, "verwijzingNaam", naam or "-")
    if kenmerk:
        _identificatie(ref, "verwijzingIdentificatie", kenmerk, bron)


def _begrip(parent, name: str, label: str, lijst: str, code: str | None = None) -> None:
    begrip = _el(parent, name)
    _el(begrip, "begripLabel", label)
    if code:
        _el(begrip, "begripCode", code)
    _verwijzing(begrip, "begripBegrippenlijst", lijst)


def _root(kind: str) -> tuple[etree._Element, etree._Element]:
    root = etree.Element(f"{{{NS}}}MDTO", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    return root, _el(root, kind)


def _event(parent, label: str, tijd: date | datetime, resultaat: str | None = None) -> None:
    event = _el(parent, "event")
    _begrip(event, "eventType", label, EVENTTYPEN)
    _el(event, "eventTijd", _tijd(tijd))
    if resultaat:
        _el(event, "eventResultaat", resultaat)


def _tijd(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    return value.isoformat()


def _archiefvormer(parent, vormer: Archiefvormer) -> None:
    _verwijzing(parent, "archiefvormer", vormer.naam, vormer.kenmerk, vormer.kenmerk_bron)


def _beperking(parent, vertrouwelijkheid: str) -> None:
    """The confidentiality as a restriction on use. Openbaarheidsbeperkingen under the
    Archiefwet are the archivist's decision at transfer; this records what the system knew."""
    beperking = _el(parent, "beperkingGebruik")
    label = vertrouwelijkheid.replace("_", " ")
    _begrip(beperking, "beperkingGebruikType", label, VERTROUWELIJKHEID, vertrouwelijkheid)
    _el(
        beperking,
        "beperkingGebruikNadereBeschrijving",
        f"Vertrouwelijkheidaanduiding in het zaaksysteem: {label}.",
    )


def _waardering(parent, archiefnominatie: str | None) -> None:
    label, code = WAARDERING.get(archiefnominatie or "", ("Nog niet bepaald", None))
    _begrip(parent, "waardering", label, WAARDERINGEN, code)


def _informatiecategorie(parent, zaak) -> None:
    klasse = zaak.resultaattype.selectielijstklasse if zaak.resultaattype else None
    if not klasse:
        return
    gevonden = selectielijst.resultaat(klasse)
    label = gevonden.naam if gevonden else klasse
    _begrip(parent, "informatiecategorie", label, SELECTIELIJST, klasse)


def _bewaartermijn(parent, zaak) -> None:
    """The retention period's start (brondatum by the afleidingswijze); a duration and end
    only for what is to be destroyed (what is kept permanently has no end)."""
    if zaak.brondatum is None or zaak.resultaattype is None:
        return
    termijn = _el(parent, "bewaartermijn")
    wijze = zaak.resultaattype.afleidingswijze
    _begrip(
        termijn,
        "termijnTriggerStartLooptijd",
        _AFLEIDING.get(wijze, wijze),
        "Afleidingswijzen brondatum archiefprocedure (ZGW)",
        wijze,
    )
    _el(termijn, "termijnStartdatumLooptijd", zaak.brondatum.isoformat())
    if zaak.archiefnominatie == "vernietigen" and zaak.resultaattype.archiefactietermijn:
        _el(termijn, "termijnLooptijd", zaak.resultaattype.archiefactietermijn)
        if zaak.archiefactiedatum:
            _el(termijn, "termijnEinddatum", zaak.archiefactiedatum.isoformat())


@dataclass(frozen=True)
class Onderdeel:
    """A reference to another object in the package: naam and identificatie."""

    naam: str
    identificatie: str


# -- the three kinds of file ----------------------------------------------------------------


def dossier(zaak, vormer: Archiefvormer, documenten: list[Onderdeel]) -> etree._Element:
    """The zaak as a Dossier: zaaktype, period, status history, result, retention,
    betrokkenen (names and KvK numbers, never BSNs) and its documents as onderdelen."""
    root, io = _root("informatieobject")
    bron = vormer.identificatiebron
    _identificatie(io, "identificatie", zaak.identificatie, bron)
    _el(io, "naam", zaak.omschrijving or zaak.identificatie)
    _begrip(io, "aggregatieniveau", "Dossier", AGGREGATIENIVEAUS)
    _begrip(
        io,
        "classificatie",
        zaak.zaaktype.omschrijving,
        f"Zaaktypecatalogus {vormer.naam}",
        zaak.zaaktype.identificatie,
    )
    if zaak.toelichting:
        _el(io, "omschrijving", zaak.toelichting)
    dekking = _el(io, "dekkingInTijd")
    _begrip(dekking, "dekkingInTijdType", "Looptijd zaak", f"{bron} begrippenlijst")
    _el(dekking, "dekkingInTijdBegindatum", zaak.startdatum.isoformat())
    if zaak.einddatum:
        _el(dekking, "dekkingInTijdEinddatum", zaak.einddatum.isoformat())
    _event(io, "Registratie", zaak.registratiedatum)
    for status in zaak.statussen:
        _event(io, status.statustype.omschrijving, status.datum, status.toelichting or None)
    if zaak.einddatum:
        resultaat = zaak.resultaattype.omschrijving if zaak.resultaattype else None
        if resultaat and zaak.resultaat_toelichting:
            resultaat = f"{resultaat}: {zaak.resultaat_toelichting}"
        _event(io, "Afsluiting", zaak.einddatum, resultaat)
    _waardering(io, zaak.archiefnominatie)
    _bewaartermijn(io, zaak)
    _informatiecategorie(io, zaak)
    if zaak.hoofdzaak is not None:
        _verwijzing(
            io, "isOnderdeelVan", zaak.hoofdzaak.omschrijving, zaak.hoofdzaak.identificatie, bron
        )
    for onderdeel in documenten:
        _verwijzing(io, "bevatOnderdeel", onderdeel.naam, onderdeel.identificatie, bron)
    _archiefvormer(io, vormer)
    for rol in zaak.rollen:
        _betrokkene(io, rol)
    _beperking(io, zaak.vertrouwelijkheidaanduiding)
    return root


def _betrokkene(parent, rol) -> None:
    persoon = rol.betrokkene
    betrokkene = _el(parent, "betrokkene")
    label = rol.roltype.omschrijving if rol.roltype is not None else rol.omschrijving
    _begrip(betrokkene, "betrokkeneTypeRelatie", label, "Roltypen (ZGW)", rol.omschrijving)
    kenmerk, bron = (persoon.kvk_nummer, "KVK") if persoon.kvk_nummer else (None, "")
    _verwijzing(betrokkene, "betrokkeneActor", persoon.weergavenaam, kenmerk, bron)


def archiefstuk(
    document,
    zaak,
    vormer: Archiefvormer,
    dossiers: list[Onderdeel],
    bestanden: list[Onderdeel],
) -> etree._Element:
    """A document as an Archiefstuk of its dossier(s), with its files as representations.
    Waardering and informatiecategorie are those of ``zaak`` (the dossier it is filed in)."""
    root, io = _root("informatieobject")
    bron = vormer.identificatiebron
    _identificatie(io, "identificatie", document.identificatie, bron)
    _el(io, "naam", document.titel or document.identificatie)
    _begrip(io, "aggregatieniveau", "Archiefstuk", AGGREGATIENIVEAUS)
    _begrip(
        io,
        "classificatie",
        document.informatieobjecttype.omschrijving,
        f"Informatieobjecttypen {vormer.naam}",
    )
    if document.taal:
        _el(io, "taal", _TAAL.get(document.taal.lower(), document.taal.lower()))
    _event(io, "Creatie", document.creatiedatum)
    if document.ontvangstdatum:
        _event(io, "Ontvangst", document.ontvangstdatum)
    if document.verzenddatum:
        _event(io, "Verzending", document.verzenddatum)
    _waardering(io, zaak.archiefnominatie)
    _informatiecategorie(io, zaak)
    for onderdeel in dossiers:
        _verwijzing(io, "isOnderdeelVan", onderdeel.naam, onderdeel.identificatie, bron)
    for onderdeel in bestanden:
        _verwijzing(io, "heeftRepresentatie", onderdeel.naam, onderdeel.identificatie, bron)
    if document.bijlage_van is not None:
        relatie = _el(io, "gerelateerdInformatieobject")
        parent = document.bijlage_van
        _verwijzing(
            relatie,
            "gerelateerdInformatieobjectVerwijzing",
            parent.titel,
            parent.identificatie,
            bron,
        )
        _begrip(relatie, "gerelateerdInformatieobjectTypeRelatie", "Bijlage", f"{bron} relaties")
    _archiefvormer(io, vormer)
    if document.auteur:
        auteur = _el(io, "betrokkene")
        _begrip(auteur, "betrokkeneTypeRelatie", "Auteur", f"{bron} begrippenlijst")
        _verwijzing(auteur, "betrokkeneActor", document.auteur)
    _beperking(io, document.vertrouwelijkheidaanduiding)
    return root


@dataclass(frozen=True)
class Formaat:
    """The file format as MDTO ``bestandsformaat``: the PRONOM name and PUID where known,
    otherwise the media type (MDTO requires the element, the code is optional)."""

    label: str
    puid: str | None
    lijst: str


def bestand(
    identificatie: str,
    naam: str,
    omvang: int,
    formaat: Formaat,
    sha256: str,
    checksum_tijd: datetime,
    vormer: Archiefvormer,
    representatie_van: Onderdeel,
) -> etree._Element:
    root, el = _root("bestand")
    bron = vormer.identificatiebron
    _identificatie(el, "identificatie", identificatie, bron)
    _el(el, "naam", naam)
    _el(el, "omvang", str(omvang))
    _begrip(el, "bestandsformaat", formaat.label, formaat.lijst, formaat.puid)
    checksum = _el(el, "checksum")
    _begrip(checksum, "checksumAlgoritme", "SHA256", CHECKSUMALGORITMEN)
    _el(checksum, "checksumWaarde", sha256)
    _el(checksum, "checksumDatum", _tijd(checksum_tijd))
    _verwijzing(
        el, "isRepresentatieVan", representatie_van.naam, representatie_van.identificatie, bron
    )
    return root


# -- PRONOM ---------------------------------------------------------------------------------

# The formats the ingest allow-list accepts (archive.ingest.formats), by what libmagic and
# the container check call them. Version-dependent formats are refined by ``formaat``.
_PRONOM: dict[str, tuple[str, str | None]] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "Microsoft Word for Windows 2007 onwards",
        "fmt/412",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "Microsoft Excel 2007 onwards",
        "fmt/214",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "Microsoft Powerpoint for Windows 2007 onwards",
        "fmt/215",
    ),
    "application/msword": ("Microsoft Word for Windows 97 - 2003", "fmt/40"),
    "application/vnd.ms-excel": ("Microsoft Excel 97 Workbook (xls)", "fmt/61"),
    "text/plain": ("Plain Text File", "x-fmt/111"),
    "text/csv": ("Comma Separated Values", "x-fmt/18"),
    "application/xml": ("Extensible Markup Language", "fmt/101"),
    "message/rfc822": ("Internet Message Format", "fmt/278"),
    "application/vnd.ms-outlook": ("Microsoft Outlook Email Message", "x-fmt/430"),
    "image/png": ("Portable Network Graphics 1.2", "fmt/13"),
    "image/tiff": ("Tagged Image File Format", "fmt/353"),
}

_PDF_VERSIONS = {
    "1.0": "fmt/14",
    "1.1": "fmt/15",
    "1.2": "fmt/16",
    "1.3": "fmt/17",
    "1.4": "fmt/18",
    "1.5": "fmt/19",
    "1.6": "fmt/20",
    "1.7": "fmt/276",
    "2.0": "fmt/1129",
}
_PDFA = {
    "1a": "fmt/95",
    "1b": "fmt/354",
    "2a": "fmt/476",
    "2b": "fmt/477",
    "2u": "fmt/478",
    "3a": "fmt/479",
    "3b": "fmt/480",
    "3u": "fmt/481",
}
_ODF = {
    "application/vnd.oasis.opendocument.text": (
        "OpenDocument Text",
        {"1.0": "fmt/136", "1.1": "fmt/290", "1.2": "fmt/291"},
    ),
    "application/vnd.oasis.opendocument.spreadsheet": (
        "OpenDocument Spreadsheet",
        {"1.0": "fmt/137", "1.1": "fmt/294", "1.2": "fmt/295"},
    ),
    "application/vnd.oasis.opendocument.presentation": (
        "OpenDocument Presentation",
        {"1.0": "fmt/138", "1.1": "fmt/292", "1.2": "fmt/293"},
    ),
}
_JFIF = {(1, 0): "fmt/42", (1, 1): "fmt/43", (1, 2): "fmt/44"}


def formaat(mime: str, *, kop: bytes = b"", pdfa: str | None = None, odf_versie: str | None = None):
    """The MDTO bestandsformaat of a file: ``mime`` as sniffed at ingest, ``kop`` the first
    bytes of the file (PDF and JFIF versions), ``pdfa`` the PDF/A claim recorded at ingest
    (``"2b"``), ``odf_versie`` the ODF ``office:version``. Unknown → no PUID."""
    mime = (mime or "application/octet-stream").split(";")[0].strip().lower()
    if mime == "application/pdf":
        if pdfa and pdfa.lower() in _PDFA:
            part = pdfa.lower()
            return Formaat(f"PDF/A-{part[0]}{part[1:]}", _PDFA[part], PRONOM_REGISTER)
        match = re.match(rb"%PDF-(\d\.\d)", kop)
        if match and match.group(1).decode() in _PDF_VERSIONS:
            versie = match.group(1).decode()
            return Formaat(
                f"Acrobat PDF {versie} - Portable Document Format",
                _PDF_VERSIONS[versie],
                PRONOM_REGISTER,
            )
        return Formaat("Portable Document Format", None, PRONOM_REGISTER)
    if mime == "image/jpeg":
        if len(kop) >= 13 and kop[6:11] == b"JFIF\x00":
            puid = _JFIF.get((kop[11], kop[12]))
            if puid:
                return Formaat(
                    f"JPEG File Interchange Format {kop[11]}.0{kop[12]}", puid, PRONOM_REGISTER
                )
        return Formaat("JPEG", None, PRONOM_REGISTER)
    if mime in _ODF:
        naam, versies = _ODF[mime]
        puid = versies.get(odf_versie or "")
        return Formaat(f"{naam} {odf_versie}" if puid else naam, puid, PRONOM_REGISTER)
    if mime in _PRONOM:
        label, puid = _PRONOM[mime]
        return Formaat(label, puid, PRONOM_REGISTER)
    return Formaat(mime, None, MEDIATYPEN)
