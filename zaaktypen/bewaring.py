"""The archiefactiedatum: from a resultaattype and the facts of one zaak to the archive
action and the date from which it may happen (RGBZ / ZGW brondatum-afleidingswijzen).

Pure and side-effect free, so closing a zaak, a changed eigenschap, a hotspot and the
nightly completion of pending calculations all give the same answer for the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from zaaktypen import durations

# afleidingswijze → the fact it needs, for the archivist's "pending" list
BENODIGD = {
    "afgehandeld": "einddatum",
    "termijn": "einddatum",
    "eigenschap": "eigenschap",
    "hoofdzaak": "einddatum van de hoofdzaak",
    "ander_datumkenmerk": "handmatige brondatum",
    "ingangsdatum_besluit": "ingangsdatum van het besluit (handmatig)",
    "vervaldatum_besluit": "vervaldatum van het besluit (handmatig)",
}


@dataclass(frozen=True)
class Feiten:
    """What a zaak knows that a brondatum can be derived from."""

    einddatum: date | None
    eigenschappen: dict[str, str]  # naam → stored value (ISO date for date eigenschappen)
    hoofdzaak_einddatum: date | None = None
    handmatige_brondatum: date | None = None  # ander_datumkenmerk, besluit-based ones


@dataclass(frozen=True)
class Berekening:
    archiefnominatie: str | None
    brondatum: date | None
    archiefactiedatum: date | None
    wacht_op: str | None = None  # which fact is still unknown (calculation pending)

    @property
    def pending(self) -> bool:
        return self.wacht_op is not None


def _as_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            return None


def brondatum(afleidingswijze: str, procestermijn: str | None, kenmerk: str, feiten: Feiten):
    """The start of the retention period, or ``None`` while the needed fact is unknown."""
    if afleidingswijze == "afgehandeld":
        return feiten.einddatum
    if afleidingswijze == "termijn":
        if feiten.einddatum is None or not procestermijn:
            return None
        return durations.parse(procestermijn).add_to(feiten.einddatum)
    if afleidingswijze == "eigenschap":
        return _as_date(feiten.eigenschappen.get(kenmerk))
    if afleidingswijze == "hoofdzaak":
        return feiten.hoofdzaak_einddatum
    if afleidingswijze in ("ander_datumkenmerk", "ingangsdatum_besluit", "vervaldatum_besluit"):
        return feiten.handmatige_brondatum
    raise ValueError(f"onbekende afleidingswijze {afleidingswijze!r}")


OVERBRENGINGSTERMIJN = "P20Y"  # Archiefwet 1995; the new Archiefwet brings P10Y


def bereken(
    resultaattype,
    feiten: Feiten,
    *,
    blijvend_bewaren: bool = False,
    overbrengingstermijn: str = OVERBRENGINGSTERMIJN,
) -> Berekening:
    """Nominatie, brondatum and archiefactiedatum for a zaak closed with ``resultaattype``.

    For *vernietigen* the archiefactiedatum is the date destruction may happen (brondatum
    + archiefactietermijn); for *blijvend bewaren* the date transfer to the e-Depot is due
    (brondatum + ``overbrengingstermijn``). ``blijvend_bewaren``: a hotspot (uitzondering
    van vernietiging) applies — kept permanently whatever the selectielijst says.
    """
    nominatie = "blijvend_bewaren" if blijvend_bewaren else resultaattype.archiefnominatie
    wijze = resultaattype.afleidingswijze or "afgehandeld"
    start = brondatum(wijze, resultaattype.procestermijn, resultaattype.datumkenmerk, feiten)
    if start is None:
        wacht = BENODIGD[wijze]
        if wijze == "eigenschap":
            wacht = f"eigenschap '{resultaattype.datumkenmerk}'"
        return Berekening(nominatie, None, None, wacht_op=wacht)
    if nominatie == "blijvend_bewaren":
        return Berekening(nominatie, start, durations.parse(overbrengingstermijn).add_to(start))
    if not resultaattype.archiefactietermijn:
        return Berekening(nominatie, start, None, wacht_op="archiefactietermijn")
    termijn = durations.parse(resultaattype.archiefactietermijn)
    return Berekening(nominatie, start, termijn.add_to(start))
