"""Retention on the zaak: archiefnominatie, brondatum and archiefactiedatum kept right.

The calculation itself is ``zaaktypen.bewaring`` (pure); this module gathers a zaak's facts,
applies the department's hotspot, stores the outcome and recomputes whenever an input
changes: closing, a changed eigenschap, a hand-entered brondatum, the hoofdzaak closing,
and — for many zaken at once, ``recompute_closed`` — a department's retention policy.
Reopening clears the dates. A zaak whose purpose fixes its nominatie from the start (DIV's
verklaringen) gets it preset while open (``preset_nominatie``). Services only flush; the
boundary commits.
"""

from __future__ import annotations

import os
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive import access, audit, hotspots
from archive.errors import Conflict, Forbidden, ValidationFailed
from archive.models import User, Zaak, ZaakEigenschap
from zaaktypen import bewaring, durations

OVERBRENGINGSTERMIJN_ENV = "OVERBRENGINGSTERMIJN"


def overbrengingstermijn() -> str:
    """The term after which what is kept permanently is due for transfer (default P20Y,
    P10Y under the new Archiefwet), from the environment."""
    value = os.environ.get(OVERBRENGINGSTERMIJN_ENV, bewaring.OVERBRENGINGSTERMIJN)
    if not durations.is_valid(value):
        raise SystemExit(f"{OVERBRENGINGSTERMIJN_ENV} moet een ISO 8601-duur zijn, zoals P20Y.")
    return value


def hotspot_of(zaak: Zaak) -> str | None:
    """Why ``zaak`` is exempt from destruction, or ``None``: the department's retention
    policy (a virtual department kept permanently, with its reason and decision). The
    archivist's recorded exceptions come after it (``archive.hotspots``)."""
    afdeling = zaak.afdeling
    if afdeling is not None and afdeling.retentiebeleid == "blijvend_bewaren":
        besluit = f" ({afdeling.retentie_besluit})" if afdeling.retentie_besluit else ""
        return f"hotspot afdeling {afdeling.code}: {afdeling.retentie_reden}{besluit}"[:300]
    return None


def _feiten(zaak: Zaak) -> bewaring.Feiten:
    return bewaring.Feiten(
        einddatum=zaak.einddatum,
        eigenschappen={e.eigenschap.naam: e.waarde for e in zaak.eigenschappen},
        hoofdzaak_einddatum=zaak.hoofdzaak.einddatum if zaak.hoofdzaak else None,
        handmatige_brondatum=zaak.handmatige_brondatum,
    )


def _snapshot(zaak: Zaak) -> dict:
    return {
        "archiefnominatie": zaak.archiefnominatie,
        "brondatum": zaak.brondatum.isoformat() if zaak.brondatum else None,
        "archiefactiedatum": (
            zaak.archiefactiedatum.isoformat() if zaak.archiefactiedatum else None
        ),
        "wacht_op": zaak.archief_wacht_op,
        "bron": zaak.archiefnominatie_bron,
    }


VOORAF = "vooraf vastgesteld: "  # how the source of a preset nominatie begins


def _record(session: Session, actor: User | None, zaak: Zaak, voor: dict, na: dict) -> None:
    audit.record(
        session,
        actor,
        "zaak.archivering_berekend",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        voor=voor,
        na=na,
    )


def preset_nominatie(
    session: Session, actor: User | None, zaak: Zaak, nominatie: str, reden: str
) -> bool:
    """Record on an open zaak the archiefnominatie its purpose fixes from the start (DIV's
    zaak of verklaringen van vernietiging is kept permanently), with ``reden`` as source.
    No dates: those still come from closing, whose calculation replaces this; an open zaak
    is never due (``retention.werkvoorraad`` asks for closed zaken). Returns whether it
    changed; an audit event when it did."""
    if not zaak.is_open:
        raise Conflict("Een gesloten zaak krijgt haar archiefnominatie uit haar resultaat.")
    if nominatie not in ("blijvend_bewaren", "vernietigen"):
        raise ValidationFailed({"archiefnominatie": ["Kies blijvend_bewaren of vernietigen."]})
    voor = _snapshot(zaak)
    zaak.archiefnominatie = nominatie
    zaak.archiefnominatie_bron = (VOORAF + reden)[:300]
    na = _snapshot(zaak)
    if na == voor:
        return False
    session.flush()
    _record(session, actor, zaak, voor, na)
    return True


def apply(session: Session, actor: User | None, zaak: Zaak) -> bool:
    """(Re)compute the retention of a closed zaak; an audit event when anything changed.
    Returns whether it changed. An open zaak has no retention dates, and no nominatie
    unless one was preset (``preset_nominatie``), which it keeps."""
    voor = _snapshot(zaak)
    if zaak.is_open or zaak.resultaattype is None:
        zaak.brondatum = zaak.archiefactiedatum = None
        zaak.archief_wacht_op = None
        if not (zaak.is_open and zaak.archiefnominatie_bron.startswith(VOORAF)):
            zaak.archiefnominatie = None
            zaak.archiefnominatie_bron = ""
    else:
        hotspot = hotspot_of(zaak) or hotspots.exception_source(session, zaak)
        uitkomst = bewaring.bereken(
            zaak.resultaattype,
            _feiten(zaak),
            blijvend_bewaren=hotspot is not None,
            overbrengingstermijn=overbrengingstermijn(),
        )
        zaak.archiefnominatie = uitkomst.archiefnominatie
        zaak.brondatum = uitkomst.brondatum
        zaak.archiefactiedatum = uitkomst.archiefactiedatum
        zaak.archief_wacht_op = uitkomst.wacht_op
        klasse = zaak.resultaattype.selectielijstklasse
        zaak.archiefnominatie_bron = (
            hotspot
            or (
                f"resultaattype {zaak.resultaattype.omschrijving}"
                + (f" (selectielijst 2020, {klasse})" if klasse else "")
            )[:300]
        )
    na = _snapshot(zaak)
    if na == voor:
        return False
    session.flush()
    _record(session, actor, zaak, voor, na)
    # deelzaken deriving their brondatum from this zaak follow it
    for deelzaak in session.scalars(select(Zaak).where(Zaak.hoofdzaak_id == zaak.id)):
        if (
            not deelzaak.is_open
            and deelzaak.resultaattype is not None
            and deelzaak.resultaattype.afleidingswijze == "hoofdzaak"
        ):
            apply(session, actor, deelzaak)
    return True


def _require_change(actor: User, zaak: Zaak) -> None:
    if not access.can_change_zaak(actor, zaak):
        raise Forbidden("U mag deze zaak niet wijzigen.")


HANDMATIG = ("ander_datumkenmerk", "ingangsdatum_besluit", "vervaldatum_besluit")


def set_brondatum(session: Session, actor: User, zaak: Zaak, brondatum: date | None) -> Zaak:
    """Enter the date the resultaattype's afleidingswijze needs once it is known — also
    after closing: by hand (ander_datumkenmerk, besluit-based) or as the value of the
    named date eigenschap — and recompute. ``None`` clears it (the calculation waits)."""
    _require_change(actor, zaak)
    resultaattype = zaak.resultaattype
    if resultaattype is None:
        raise Conflict("Sluit de zaak eerst af met een resultaat.")
    wijze = resultaattype.afleidingswijze
    if wijze == "eigenschap":
        eigenschap = next(
            (e for e in zaak.zaaktype.eigenschappen if e.naam == resultaattype.datumkenmerk), None
        )
        if eigenschap is None:  # the catalogue validates this; a guard for old data
            raise Conflict(f"Het zaaktype kent de eigenschap '{resultaattype.datumkenmerk}' niet.")
        current = next((w for w in zaak.eigenschappen if w.eigenschap_id == eigenschap.id), None)
        if current is not None:
            zaak.eigenschappen.remove(current)
            session.flush()
        if brondatum is not None:
            zaak.eigenschappen.append(
                ZaakEigenschap(eigenschap=eigenschap, waarde=brondatum.isoformat())
            )
    elif wijze in HANDMATIG:
        zaak.handmatige_brondatum = brondatum
    else:
        raise ValidationFailed(
            {
                "brondatum": [
                    f"Het resultaat van deze zaak leidt de brondatum zelf af ({wijze}); "
                    "een ingevoerde datum telt niet."
                ]
            }
        )
    session.flush()
    apply(session, actor, zaak)
    return zaak


def set_hoofdzaak(session: Session, actor: User, zaak: Zaak, hoofdzaak: Zaak | None) -> Zaak:
    """Make ``zaak`` a deelzaak of ``hoofdzaak`` (or no longer one)."""
    _require_change(actor, zaak)
    if hoofdzaak is not None:
        if not access.can_view_zaak(actor, hoofdzaak):
            raise ValidationFailed({"hoofdzaak": ["Deze hoofdzaak bestaat niet."]})
        if hoofdzaak.id == zaak.id or hoofdzaak.hoofdzaak_id is not None:
            raise ValidationFailed(
                {"hoofdzaak": ["Een hoofdzaak is geen deelzaak en niet de zaak zelf."]}
            )
        # one level only, from this side too (no chains; no cycle can form); the deelzaken
        # are not named: the user may not see them all
        deelzaak = select(Zaak.id).where(Zaak.hoofdzaak_id == zaak.id).limit(1)
        if session.scalar(deelzaak) is not None:
            raise Conflict(
                "Deze zaak is zelf hoofdzaak van een of meer deelzaken en kan daarom geen "
                "deelzaak worden."
            )
    zaak.hoofdzaak = hoofdzaak
    session.flush()
    audit.record(
        session,
        actor,
        "zaak.hoofdzaak_gezet",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        na={"hoofdzaak": hoofdzaak.identificatie if hoofdzaak else None},
    )
    apply(session, actor, zaak)
    return zaak


def complete_pending(session: Session, actor: User | None = None) -> int:
    """Recompute every closed zaak whose calculation waits for a date (the nightly run and
    the archivist's button); returns how many are complete now."""
    done = 0
    for zaak in session.scalars(
        select(Zaak).where(Zaak.archief_wacht_op.is_not(None), Zaak.einddatum.is_not(None))
    ):
        apply(session, actor, zaak)
        done += zaak.archief_wacht_op is None
    return done


RECOMPUTE_BATCH = 200


def recompute_closed(
    session: Session, actor: User | None, *, afdeling_id: int | None = None
) -> int:
    """Re-apply the retention calculation (``apply``, as closing does) to every closed zaak
    not yet overgedragen — of one department with ``afdeling_id`` — after an input that
    is not the zaak's own changed (a department's retention policy). Returns how many
    changed; ``apply`` records one audit event per changed zaak.

    Walks the ids in batches (keyset on id) so memory stays flat however many zaken
    there are; the session's weak identity map lets each batch go once flushed.
    Deelzaken go first: ``apply`` on a hoofdzaak also recomputes its deelzaken, and a
    deelzaak already brought up to date is then unchanged, so each change is counted once.
    """
    changed = 0
    for deelzaken in (True, False):
        clauses = [
            Zaak.einddatum.is_not(None),
            Zaak.archiefstatus != "overgedragen",
            Zaak.hoofdzaak_id.is_not(None) if deelzaken else Zaak.hoofdzaak_id.is_(None),
        ]
        if afdeling_id is not None:
            clauses.append(Zaak.afdeling_id == afdeling_id)
        last = 0
        while True:
            ids = list(
                session.scalars(
                    select(Zaak.id)
                    .where(*clauses, Zaak.id > last)
                    .order_by(Zaak.id)
                    .limit(RECOMPUTE_BATCH)
                )
            )
            if not ids:
                break
            last = ids[-1]
            batch = session.scalars(
                select(Zaak)
                .where(Zaak.id.in_(ids))
                .options(
                    selectinload(Zaak.afdeling),
                    selectinload(Zaak.resultaattype),
                    selectinload(Zaak.eigenschappen).selectinload(ZaakEigenschap.eigenschap),
                    selectinload(Zaak.hoofdzaak),
                )
                .order_by(Zaak.id)
            ).all()
            for zaak in batch:
                changed += apply(session, actor, zaak)
            session.flush()
    return changed


def require_reopenable(zaak: Zaak) -> None:
    """Only a closed zaak, not yet archived, in a department that is not closed."""
    if zaak.is_open:
        raise Conflict("Deze zaak is nog open.")
    if zaak.archiefstatus != "nog_te_archiveren":
        raise Conflict(
            f"Deze zaak is {zaak.archiefstatus.replace('_', ' ')} en kan niet meer heropend worden."
        )
    if zaak.afdeling.status == "gesloten":
        raise Conflict(f"Afdeling {zaak.afdeling.naam} is gesloten; haar zaken blijven dicht.")


def is_reopenable(zaak: Zaak) -> bool:
    try:
        require_reopenable(zaak)
    except Conflict:
        return False
    return True


def takes_brondatum(zaak: Zaak) -> bool:
    """Whether the zaak's resultaat derives its brondatum from an entered date."""
    wijze = zaak.resultaattype.afleidingswijze if zaak.resultaattype else None
    return wijze == "eigenschap" or wijze in HANDMATIG
