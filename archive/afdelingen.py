"""The department steps that need the zaken, which live in the records core: changing a
department (its retention policy recomputes its closed zaken) and closing it for good
(only when all its zaken are closed; produces a report)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from archive import access, archivering, audit, pdfrapport, toegangslog
from archive.db import utcnow
from archive.errors import Conflict
from archive.models import Zaak, ZaakDocument
from archive.validation import csv_safe
from zaaktypen import afdelingen as catalogus_afdelingen
from zaaktypen.models import Afdeling
from zaaktypen.services import beheerder_only

RETENTIEVELDEN = ("retentiebeleid", "retentie_reden", "retentie_besluit")


def update_department(
    session: Session, actor, afdeling: Afdeling, gegevens: catalogus_afdelingen.AfdelingGegevens
) -> Afdeling:
    """Change a department (``zaaktypen.afdelingen.update_department``) and, when its
    retention policy (or the reason or decision it names) changed, recompute its closed
    zaken: the policy is a hotspot, so they flip to blijvend bewaren with the policy as
    source, and back when it is removed. The catalogue sits below the records core and
    cannot reach the zaken itself, so every surface changes a department through here."""
    voor = tuple(getattr(afdeling, f) for f in RETENTIEVELDEN)
    catalogus_afdelingen.update_department(session, actor, afdeling, gegevens)
    if tuple(getattr(afdeling, f) for f in RETENTIEVELDEN) != voor:
        archivering.recompute_closed(session, actor, afdeling_id=afdeling.id)
    return afdeling


@dataclass(frozen=True)
class RapportRegel:
    identificatie: str
    zaaktype: str
    omschrijving: str
    startdatum: date
    einddatum: date | None
    resultaat: str
    documenten: int
    archiefnominatie: str
    archiefactiedatum: date | None


def _retention_outcome(afdeling: Afdeling, zaak: Zaak) -> str:
    if afdeling.retentiebeleid == "blijvend_bewaren":
        return "blijvend_bewaren (uitzondering afdeling)"
    return zaak.archiefnominatie or "nog niet bepaald"


AFGESCHERMD = "(afgeschermd)"


def report_rows(session: Session, afdeling: Afdeling, viewer=None) -> list[RapportRegel]:
    """Every zaak of the department — the report is DIV's archival record — but the
    omschrijving only where ``viewer`` may see the zaak (``None``: the system, all)."""
    counts = dict(
        session.execute(
            select(ZaakDocument.zaak_id, func.count())
            .join(Zaak, Zaak.id == ZaakDocument.zaak_id)
            .where(Zaak.afdeling_id == afdeling.id)
            .group_by(ZaakDocument.zaak_id)
        ).all()
    )
    zaken = list(
        session.scalars(
            select(Zaak)
            .where(Zaak.afdeling_id == afdeling.id)
            .options(selectinload(Zaak.zaaktype), selectinload(Zaak.resultaattype))
            .order_by(Zaak.id)
        )
    )
    if viewer is not None:
        # an export that names confidential zaken is a view of each (NEN 7513)
        for z in zaken:
            if access.can_view_zaak(viewer, z):
                toegangslog.log_read(session, viewer, z, pad="export")
    return [
        RapportRegel(
            identificatie=z.identificatie,
            zaaktype=z.zaaktype.omschrijving,
            omschrijving=(
                z.omschrijving if viewer is None or access.can_view_zaak(viewer, z) else AFGESCHERMD
            ),
            startdatum=z.startdatum,
            einddatum=z.einddatum,
            resultaat=z.resultaattype.omschrijving if z.resultaattype else "",
            documenten=counts.get(z.id, 0),
            archiefnominatie=_retention_outcome(afdeling, z),
            archiefactiedatum=z.archiefactiedatum,
        )
        for z in zaken
    ]


@beheerder_only
def close(session: Session, actor, afdeling: Afdeling) -> list[RapportRegel]:
    """sluitend → gesloten; refuses while any zaak is open. Returns the report rows."""
    if afdeling.status == "gesloten":
        raise Conflict(f"Afdeling {afdeling.naam} is al gesloten.")
    if afdeling.status != "sluitend":
        raise Conflict("Zet de afdeling eerst op 'sluitend', zodat er geen zaken meer bijkomen.")
    open_count = session.scalar(
        select(func.count())
        .select_from(Zaak)
        .where(Zaak.afdeling_id == afdeling.id, Zaak.einddatum.is_(None))
    )
    if open_count:
        raise Conflict(
            f"Afdeling {afdeling.naam} heeft nog {open_count} open zaak/zaken; sluit die eerst af."
        )
    afdeling.status = "gesloten"
    afdeling.gesloten_op = utcnow()
    rows = report_rows(session, afdeling, actor)
    session.flush()
    audit.record(
        session,
        actor,
        "afdeling.gesloten",
        "afdeling",
        afdeling.code,
        voor={"status": "sluitend"},
        na={
            "status": "gesloten",
            "zaken": len(rows),
            "documenten": sum(r.documenten for r in rows),
        },
    )
    return rows


CSV_HEADER = [
    "identificatie",
    "zaaktype",
    "omschrijving",
    "startdatum",
    "einddatum",
    "resultaat",
    "documenten",
    "archiefnominatie",
    "archiefactiedatum",
]


def report_csv(rows: list[RapportRegel]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow(
            [
                r.identificatie,
                _csv_safe(r.zaaktype),
                _csv_safe(r.omschrijving),
                r.startdatum.isoformat(),
                r.einddatum.isoformat() if r.einddatum else "",
                _csv_safe(r.resultaat),
                r.documenten,
                r.archiefnominatie,
                r.archiefactiedatum.isoformat() if r.archiefactiedatum else "",
            ]
        )
    return out.getvalue()


def _csv_safe(value: str | None) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    return csv_safe(value)


def report_pdf(afdeling: Afdeling, rows: list[RapportRegel]) -> bytes:
    from reportlab.platypus import Paragraph, Spacer

    styles = pdfrapport.styles()
    cell = styles["BodyText"]
    story = [
        Paragraph(f"Sluitingsrapport afdeling {afdeling.naam} ({afdeling.code})", styles["Title"]),
        Paragraph(
            f"Periode: {afdeling.startdatum or '—'} tot {afdeling.geplande_einddatum or '—'}; "
            + (
                f"gesloten op {afdeling.gesloten_op:%Y-%m-%d}. "
                if afdeling.gesloten_op
                else f"nog niet gesloten (voorlopige versie, status {afdeling.status}). "
            )
            + f"Zaken: {len(rows)}; documenten: "
            f"{sum(r.documenten for r in rows)}. Retentiebeleid: "
            f"{afdeling.retentiebeleid or 'geen uitzondering'}"
            + (f" ({afdeling.retentie_besluit})" if afdeling.retentie_besluit else "")
            + ".",
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    data = [
        [
            "Zaak",
            "Zaaktype",
            "Omschrijving",
            "Start",
            "Einde",
            "Resultaat",
            "Docs",
            "Archiefnominatie",
        ]
    ]
    for r in rows:
        data.append(
            [
                r.identificatie,
                Paragraph(pdfrapport.esc(r.zaaktype), cell),
                Paragraph(pdfrapport.esc(r.omschrijving), cell),
                r.startdatum.isoformat(),
                r.einddatum.isoformat() if r.einddatum else "",
                Paragraph(pdfrapport.esc(r.resultaat), cell),
                str(r.documenten),
                Paragraph(pdfrapport.esc(r.archiefnominatie), cell),
            ]
        )
    story.append(pdfrapport.zaken_table(data, [110, 110, 180, 60, 60, 90, 35, 120]))
    return pdfrapport.build(story, title=f"Sluitingsrapport {afdeling.naam}")
