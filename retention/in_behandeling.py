"""What already has a due zaak in hand: a destruction list, a transfer package awaiting the
e-Depot's confirmation, or a legal hold.

The work queue (``retention.werkvoorraad``) says what is due; a new destruction list
(``retention.vernietiging.select_due``) and a new export (``retention.overbrenging.due_zaken``)
take only what nothing else has in hand. These notes tell the archivist why the two differ.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import Zaak
from retention import bevriezingen, overbrenging, vernietiging


def notes(session: Session, identificaties: list[str]) -> dict[str, list[str]]:
    """Per zaak (identificatie) the short notes that apply, in Dutch; a fixed number of
    queries, whatever the number of zaken. Zaken without notes are left out."""
    if not identificaties:
        return {}
    out: dict[str, list[str]] = {}
    for ident, lijst_id in vernietiging.active_lists_of(session, identificaties).items():
        out.setdefault(ident, []).append(f"op vernietigingslijst {lijst_id}")
    for ident, naam in overbrenging.open_transfers_of(session, identificaties).items():
        out.setdefault(ident, []).append(f"in overbrenging {naam}")
    ids = dict(
        session.execute(
            select(Zaak.id, Zaak.identificatie).where(Zaak.identificatie.in_(identificaties))
        ).all()
    )
    for zaak_id in bevriezingen.held_zaak_ids(session, list(ids)):
        out.setdefault(ids[zaak_id], []).append("bevroren")
    return out
