"""Display labels for the standards' value lists, translated; codes stay as stored."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

VERTROUWELIJKHEID = {
    "openbaar": _l("Openbaar"),
    "beperkt_openbaar": _l("Beperkt openbaar"),
    "intern": _l("Intern"),
    "zaakvertrouwelijk": _l("Zaakvertrouwelijk"),
    "vertrouwelijk": _l("Vertrouwelijk"),
    "confidentieel": _l("Confidentieel"),
    "geheim": _l("Geheim"),
    "zeer_geheim": _l("Zeer geheim"),
}

RICHTING = {
    "inkomend": _l("Inkomend"),
    "uitgaand": _l("Uitgaand"),
    "intern": _l("Intern"),
}

DOCUMENTSTATUS = {
    "in_bewerking": _l("In bewerking"),
    "ter_vaststelling": _l("Ter vaststelling"),
    "definitief": _l("Definitief"),
    "gearchiveerd": _l("Gearchiveerd"),
}

BETROKKENE_TYPE = {
    "natuurlijk_persoon": _l("Natuurlijk persoon"),
    "niet_natuurlijk_persoon": _l("Niet-natuurlijk persoon"),
    "organisatorische_eenheid": _l("Organisatorische eenheid"),
    "medewerker": _l("Medewerker"),
}

ROL = {
    "initiator": _l("Initiator"),
    "behandelaar": _l("Behandelaar"),
    "belanghebbende": _l("Belanghebbende"),
    "adviseur": _l("Adviseur"),
    "zaakcoordinator": _l("Zaakcoördinator"),
    "beslisser": _l("Beslisser"),
    "klantcontacter": _l("Klantcontacter"),
    "mede_initiator": _l("Mede-initiator"),
}

ARCHIEFNOMINATIE = {
    "blijvend_bewaren": _l("Blijvend bewaren"),
    "vernietigen": _l("Vernietigen"),
}

ARCHIEFSTATUS = {
    "nog_te_archiveren": _l("Nog te archiveren"),
    "gearchiveerd": _l("Gearchiveerd"),
    "gearchiveerd_procestermijn_onbekend": _l("Gearchiveerd, procestermijn onbekend"),
    "overgedragen": _l("Overgedragen"),
}

AUDIT_ACTIE = {
    "zaak.aangemaakt": _l("Zaak aangemaakt"),
    "zaak.status_gezet": _l("Status gezet"),
    "zaak.afgesloten": _l("Zaak afgesloten"),
    "zaak.heropend": _l("Zaak heropend"),
    "zaak.archivering_berekend": _l("Archiefactiedatum berekend"),
    "zaak.hoofdzaak_gezet": _l("Hoofdzaak gekoppeld"),
    "zaak.betrokkene_toegevoegd": _l("Betrokkene toegevoegd"),
    "document.gearchiveerd": _l("Document toegevoegd"),
    "document.nieuwe_versie": _l("Nieuwe documentversie"),
    "document.gedownload": _l("Document gedownload"),
    "document.ingezien": _l("Document ingezien"),
    "zaak.ingezien": _l("Zaak ingezien"),
    "zaak.eigenschappen_gezet": _l("Eigenschappen gewijzigd"),
}

AFDELING_STATUS = {
    "actief": _l("Actief"),
    "sluitend": _l("Sluitend"),
    "gesloten": _l("Gesloten"),
}

# The role of a member in a department (zaaktypen.afdelingen.LIDROLLEN).
LIDROL = {
    "lezen": _l("Lezen"),
    "behandelen": _l("Behandelen"),
    "regie": _l("Regie"),
}

EIGENSCHAP_FORMAAT = {
    "tekst": _l("Tekst"),
    "getal": _l("Getal"),
    "datum": _l("Datum"),
    "datum_tijd": _l("Datum en tijd"),
    "keuze": _l("Keuze uit een lijst"),
}

# Brondatum-afleidingswijze of a resultaattype (ZGW).
AFLEIDINGSWIJZE = {
    "afgehandeld": _l("Afgehandeld (einddatum van de zaak)"),
    "termijn": _l("Termijn (einddatum plus procestermijn)"),
    "eigenschap": _l("Eigenschap (een datum-eigenschap van de zaak)"),
    "hoofdzaak": _l("Hoofdzaak"),
    "ander_datumkenmerk": _l("Ander datumkenmerk"),
    "ingangsdatum_besluit": _l("Ingangsdatum besluit"),
    "vervaldatum_besluit": _l("Vervaldatum besluit"),
}

WEEKDAG = {
    "0": _l("maandag"),
    "1": _l("dinsdag"),
    "2": _l("woensdag"),
    "3": _l("donderdag"),
    "4": _l("vrijdag"),
    "5": _l("zaterdag"),
    "6": _l("zondag"),
}

RETENTIEBELEID = {
    "": _l("Geen uitzondering (de selectielijst geldt)"),
    "blijvend_bewaren": _l("Blijvend bewaren (hotspot)"),
}

# Risk codes written by the ingest pipeline on a version (DocumentVersie.risico).
RISICO = {
    "javascript": _l("bevat JavaScript"),
    "launch": _l("bevat een startactie (launch)"),
    "launch_actie": _l("bevat een startactie (launch)"),
    "embedded_files": _l("bevat ingesloten bestanden"),
    "ingesloten_bestanden": _l("bevat ingesloten bestanden"),
    "macro": _l("bevat macro's"),
    "macros": _l("bevat macro's"),
    "hersteld": _l("beschadigd, hersteld bij openen"),
    "geen_tekstlaag": _l("geen tekstlaag"),
}

# Titles of the error page (web/errors.py passes them in Dutch; these make them translatable).
FOUTTITELS = {
    "Ongeldig verzoek": _l("Ongeldig verzoek"),
    "Niet ingelogd": _l("Niet ingelogd"),
    "Geen toegang": _l("Geen toegang"),
    "Niet gevonden": _l("Niet gevonden"),
    "Methode niet toegestaan": _l("Methode niet toegestaan"),
    "Conflict": _l("Conflict"),
    "Bestand te groot": _l("Bestand te groot"),
    "Niet-ondersteund formaat": _l("Niet-ondersteund formaat"),
    "Ongeldige invoer": _l("Ongeldige invoer"),
    "Te veel pogingen": _l("Te veel pogingen"),
    "Interne fout": _l("Interne fout"),
    "Fout": _l("Fout"),
}


def label(table: dict, code: str | None) -> str:
    """The translated label of ``code``; an unknown code is shown as it is stored."""
    if code is None:
        return ""
    found = table.get(code)
    return str(found) if found is not None else str(code).replace("_", " ")


def choices(table: dict) -> list[tuple[str, str]]:
    return [(code, str(text)) for code, text in table.items()]
