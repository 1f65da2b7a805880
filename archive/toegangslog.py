"""The access log (NEN 7513): who viewed or downloaded which confidential record, when and
through which path, and the auditor's question "who has seen anything about BSN X"."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from archive import rollen
from archive.enums import Vertrouwelijkheid
from archive.errors import Forbidden, NotFound, ValidationFailed
from archive.models import (
    Betrokkene,
    Document,
    Rol,
    ToegangslogRegel,
    User,
    Zaak,
    ZaakDocument,
)
from archive.validation import csv_safe, is_valid_bsn

LOGGED_FROM = Vertrouwelijkheid.zaakvertrouwelijk
PADEN = ("ui", "api", "cli", "zoeken", "export")


def needs_logging(level: str) -> bool:
    return Vertrouwelijkheid(level).rank >= LOGGED_FROM.rank


def log_read(
    session: Session,
    user: User,
    record: Zaak | Document,
    *,
    pad: str,
    actie: str = "bekeken",
    zaak: Zaak | None = None,
) -> ToegangslogRegel | None:
    """Record a view or download of ``record`` when it is confidential enough to log."""
    if pad not in PADEN:
        raise ValueError(f"unknown access path {pad!r}")
    if not needs_logging(record.vertrouwelijkheidaanduiding):
        return None
    if isinstance(record, Zaak):
        object_type, zaak_id = "zaak", record.id
    else:
        object_type = "document"
        zaak_id = (
            zaak.id
            if zaak is not None
            else (record.zaak_links[0].zaak_id if record.zaak_links else None)
        )
    regel = ToegangslogRegel(
        user_id=user.id,
        actie=actie,
        object_type=object_type,
        object_id=record.identificatie,
        zaak_id=zaak_id,
        vertrouwelijkheidaanduiding=record.vertrouwelijkheidaanduiding,
        pad=pad,
    )
    session.add(regel)
    return regel


@dataclass(frozen=True)
class Inzage:
    tijdstip: datetime
    gebruiker: str
    naam: str
    actie: str
    object_type: str
    object_id: str
    vertrouwelijkheidaanduiding: str
    pad: str


def _require_auditor(user: User) -> None:
    if not rollen.is_auditor(user):
        raise Forbidden("Alleen een auditor mag de toegangslog raadplegen.")


def who_has_seen_person(
    session: Session,
    auditor: User,
    bsn: str,
    *,
    vanaf: datetime | None = None,
    tot: datetime | None = None,
) -> list[Inzage]:
    """Every logged view of a zaak about the person, or of a document in such a zaak."""
    _require_auditor(auditor)
    bsn = (bsn or "").strip()
    if not is_valid_bsn(bsn):
        raise ValidationFailed({"bsn": ["Geef een geldig BSN (9 cijfers, elfproef)."]})
    persoon = session.scalar(select(Betrokkene).where(Betrokkene.bsn == bsn))
    if persoon is None:
        raise NotFound("Er is geen persoon met dit BSN bekend.", field="bsn")
    zaak_ids = select(Rol.zaak_id).where(Rol.betrokkene_id == persoon.id)
    document_ids = (
        select(Document.identificatie)
        .join(ZaakDocument, ZaakDocument.document_id == Document.id)
        .where(ZaakDocument.zaak_id.in_(zaak_ids))
    )
    query = (
        select(ToegangslogRegel)
        .where(
            or_(
                (ToegangslogRegel.object_type == "zaak") & ToegangslogRegel.zaak_id.in_(zaak_ids),
                (ToegangslogRegel.object_type == "document")
                & ToegangslogRegel.object_id.in_(document_ids),
            )
        )
        .options(selectinload(ToegangslogRegel.user))
        .order_by(ToegangslogRegel.tijdstip, ToegangslogRegel.id)
    )
    if vanaf is not None:
        query = query.where(ToegangslogRegel.tijdstip >= vanaf)
    if tot is not None:
        query = query.where(ToegangslogRegel.tijdstip < tot)
    return [
        Inzage(
            r.tijdstip,
            r.user.username,
            r.user.naam,
            r.actie,
            r.object_type,
            r.object_id,
            r.vertrouwelijkheidaanduiding,
            r.pad,
        )
        for r in session.scalars(query)
    ]


def inzage_csv(rows: list[Inzage]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "tijdstip",
            "gebruiker",
            "naam",
            "actie",
            "object_type",
            "object_id",
            "vertrouwelijkheidaanduiding",
            "pad",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.tijdstip.isoformat(),
                csv_safe(r.gebruiker),
                csv_safe(r.naam),
                r.actie,
                r.object_type,
                r.object_id,
                r.vertrouwelijkheidaanduiding,
                r.pad,
            ]
        )
    return out.getvalue()
