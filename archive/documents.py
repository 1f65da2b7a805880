"""Filing documents into zaken: inspect, store the blob, then rows + audit + outbox.

Order matters for "nothing is lost": every file is inspected (and possibly refused) before
anything is written; blobs are written and fsynced before the rows that point to them are
flushed; the caller's transaction boundary commits or rolls everything back. A crash after
the blob write leaves at most an unreferenced blob, which ``dossierhuis fixity --orphans``
removes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive import access, audit, toegangslog
from archive.blobstore import BlobStore
from archive.enums import DocumentStatus, Richting, Vertrouwelijkheid
from archive.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from archive.identificatie import next_identificatie
from archive.ingest import Inspectie, inspect_file
from archive.models import Document, DocumentVersie, SearchOutbox, User, Zaak, ZaakDocument
from archive.notificaties import soorten as notificatiesoorten
from archive.notificaties.gebeurtenissen import emit
from archive.notificaties.volgen import auto_follow
from archive.validation import is_possible_identificatie
from zaaktypen.models import InformatieObjectType

log = logging.getLogger(__name__)

MAX_TITEL = 300
FILING_STATUSES = (
    DocumentStatus.in_bewerking,
    DocumentStatus.ter_vaststelling,
    DocumentStatus.definitief,
)
EMAIL_FORMATS = {"message/rfc822", "application/vnd.ms-outlook"}


@dataclass
class Upload:
    """A file received at the boundary, already streamed to a temporary path."""

    path: Path
    bestandsnaam: str


@dataclass
class DocumentGegevens:
    informatieobjecttype: InformatieObjectType
    titel: str = ""
    vertrouwelijkheidaanduiding: str | None = None
    richting: str = Richting.inkomend.value
    auteur: str = ""
    creatiedatum: date | None = None
    ontvangstdatum: date | None = None
    verzenddatum: date | None = None
    status: str = DocumentStatus.in_bewerking.value
    taal: str = "nld"
    extra: dict = field(default_factory=dict)


@dataclass
class FilingResult:
    document: Document
    bijlagen: list[Document]
    geweigerde_bijlagen: list[dict]


def _validate(gegevens: DocumentGegevens) -> None:
    errors: dict[str, list[str]] = {}
    if len(gegevens.titel or "") > MAX_TITEL:
        errors["titel"] = [f"Maximaal {MAX_TITEL} tekens."]
    if gegevens.richting not in Richting.__members__:
        errors["richting"] = ["Kies inkomend, uitgaand of intern."]
    if gegevens.status not in [s.value for s in FILING_STATUSES]:
        errors["status"] = ["Kies in_bewerking, ter_vaststelling of definitief."]
    if gegevens.vertrouwelijkheidaanduiding and (
        gegevens.vertrouwelijkheidaanduiding not in Vertrouwelijkheid.__members__
    ):
        errors["vertrouwelijkheidaanduiding"] = ["Onbekend vertrouwelijkheidsniveau."]
    today = date.today()
    for name in ("creatiedatum", "ontvangstdatum", "verzenddatum"):
        value = getattr(gegevens, name)
        if value is not None and value > today:
            errors[name] = ["Deze datum kan niet in de toekomst liggen."]
    if len(gegevens.taal or "") != 3 or not (gegevens.taal or "").isalpha():
        errors["taal"] = ["Gebruik een taalcode van drie letters (ISO 639-2), bijvoorbeeld nld."]
    if errors:
        raise ValidationFailed(errors)


def _email_date(inspectie: Inspectie) -> date | None:
    raw = inspectie.kenmerken.get("datum")
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError:
        return None


def _default_title(inspectie: Inspectie) -> str:
    k = inspectie.kenmerken
    title = k.get("onderwerp") or k.get("xmp_titel") or Path(inspectie.bestandsnaam).stem
    return (title or inspectie.bestandsnaam)[:MAX_TITEL]


def _versie(
    document: Document, nummer: int, inspectie: Inspectie, actor: User, extra_kenmerken=None
) -> DocumentVersie:
    versie = DocumentVersie(
        versie=nummer,
        bestandsnaam=inspectie.bestandsnaam,
        formaat=inspectie.formaat,
        bestandsomvang=inspectie.bestandsomvang,
        sha256=inspectie.sha256,
        paginas=inspectie.paginas,
        tekst=inspectie.tekst,
        geen_tekstlaag=inspectie.geen_tekstlaag,
        kenmerken=dict(inspectie.kenmerken) | (extra_kenmerken or {}),
        risico=list(inspectie.risico),
        aangemaakt_door_id=actor.id,
    )
    document.versies.append(versie)
    return versie


def _store(store: BlobStore, path: Path, inspectie: Inspectie) -> None:
    sha256, size = store.put_file(path)
    if sha256 != inspectie.sha256 or size != inspectie.bestandsomvang:
        # the temp file changed between inspection and storage: refuse rather than guess
        raise DomainError("Het bestand veranderde tijdens het opslaan. Probeer het opnieuw.")


def _new_document(
    session: Session,
    actor: User,
    zaak: Zaak,
    gegevens: DocumentGegevens,
    inspectie: Inspectie,
    *,
    titel: str,
    bijlage_van: Document | None = None,
    extra_kenmerken: dict | None = None,
) -> Document:
    iot = gegevens.informatieobjecttype
    level = Vertrouwelijkheid.strictest(
        gegevens.vertrouwelijkheidaanduiding or iot.vertrouwelijkheidaanduiding,
        bijlage_van.vertrouwelijkheidaanduiding if bijlage_van else None,
    )
    email_date = _email_date(inspectie) if inspectie.formaat in EMAIL_FORMATS else None
    ontvangst = gegevens.ontvangstdatum
    verzend = gegevens.verzenddatum
    if email_date:
        verzend = verzend or email_date
        if gegevens.richting == Richting.inkomend:
            ontvangst = ontvangst or email_date
    document = Document(
        identificatie=next_identificatie(session, "DOC", date.today().year),
        titel=titel,
        auteur=(gegevens.auteur or inspectie.kenmerken.get("xmp_auteur") or "")[:200],
        informatieobjecttype=iot,
        vertrouwelijkheidaanduiding=level.value,
        creatiedatum=gegevens.creatiedatum or date.today(),
        ontvangstdatum=ontvangst,
        verzenddatum=verzend,
        richting=gegevens.richting,
        status=gegevens.status,
        taal=gegevens.taal.lower(),
        bijlage_van=bijlage_van,
        aangemaakt_door_id=actor.id,
    )
    session.add(document)
    _versie(document, 1, inspectie, actor, extra_kenmerken)
    session.add(ZaakDocument(zaak=zaak, document=document))
    session.flush()
    audit.record(
        session,
        actor,
        "document.gearchiveerd",
        "document",
        document.identificatie,
        zaak_id=zaak.id,
        na={
            "zaak": zaak.identificatie,
            "versie": 1,
            "formaat": inspectie.formaat,
            "bestandsomvang": inspectie.bestandsomvang,
            "sha256": inspectie.sha256,
            "vertrouwelijkheidaanduiding": level.value,
            "bijlage_van": bijlage_van.identificatie if bijlage_van else None,
        },
    )
    session.add(SearchOutbox(object_type="document", object_id=document.id, actie="index"))
    return document


def _check_can_file(actor: User, zaak: Zaak) -> None:
    if not access.can_change_zaak(actor, zaak):
        raise Forbidden("U mag geen documenten aan deze zaak toevoegen.")
    if not zaak.is_open:
        raise Conflict(f"Zaak {zaak.identificatie} is afgesloten; voeg geen documenten meer toe.")


def _check_type_fits_zaak(zaak: Zaak, iot: InformatieObjectType) -> None:
    """Where the zaaktype names its document types, only those may be filed in its zaken."""
    links = zaak.zaaktype.informatieobjecttypen
    if links and all(link.informatieobjecttype_id != iot.id for link in links):
        namen = sorted({link.informatieobjecttype.omschrijving for link in links})
        raise ValidationFailed(
            {
                "informatieobjecttype": [
                    f"Documenttype '{iot.omschrijving}' hoort niet bij zaaktype "
                    f"'{zaak.zaaktype.omschrijving}'. Kies een van: {', '.join(namen)}."
                ]
            }
        )


def _check_format_fits_type(
    inspectie: Inspectie,
    iot: InformatieObjectType,
    *,
    advies: str = "Zet het bestand om of kies een ander documenttype.",
) -> None:
    """Also for an inspection made earlier without the type's narrower list."""
    from archive.errors import IngestRefused
    from archive.ingest.formats import describe

    allowed = list(iot.toegestane_formaten or [])
    if allowed and inspectie.formaat not in allowed:
        inspectie.cleanup()
        raise IngestRefused(
            f"Dit bestand is een {describe(inspectie.formaat)}. Bij documenttype "
            f"'{iot.omschrijving}' zijn alleen toegestaan: "
            f"{', '.join(describe(m) for m in allowed)}. {advies}",
            code="format_not_allowed_for_type",
        )


def inspect_upload(upload: Upload, *, max_bytes: int, allowed: list[str] | None = None):
    """Inspect one upload; raises IngestRefused before anything is written."""
    return inspect_file(
        upload.path, upload.bestandsnaam, max_bytes=max_bytes, allowed_formats=allowed
    )


def file_document(
    session: Session,
    actor: User,
    zaak: Zaak,
    upload: Upload,
    gegevens: DocumentGegevens,
    *,
    store: BlobStore,
    max_bytes: int,
    inspectie: Inspectie | None = None,
) -> FilingResult:
    """File one file (an e-mail also files each attachment as its own linked document)."""
    _check_can_file(actor, zaak)
    _validate(gegevens)
    _check_type_fits_zaak(zaak, gegevens.informatieobjecttype)
    toegestaan = list(gegevens.informatieobjecttype.toegestane_formaten or [])
    inspectie = inspectie or inspect_upload(upload, max_bytes=max_bytes)
    _check_format_fits_type(inspectie, gegevens.informatieobjecttype)  # names the type
    bijlage_inspecties: list[tuple[Inspectie, Path]] = []
    geweigerd: list[dict] = []
    try:
        for bijlage in inspectie.bijlagen:
            try:
                sub = inspect_file(
                    bijlage.path,
                    bijlage.bestandsnaam,
                    max_bytes=max_bytes,
                    allowed_formats=toegestaan,
                )
            except DomainError as refusal:
                # The message itself is still a record (its original bytes hold every
                # attachment); a refused attachment is noted on it, not silently dropped.
                geweigerd.append({"bestandsnaam": bijlage.bestandsnaam, "reden": refusal.message})
                continue
            bijlage_inspecties.append((sub, bijlage.path))

        _store(store, upload.path, inspectie)
        for sub, path in bijlage_inspecties:
            _store(store, path, sub)

        extra = {"geweigerde_bijlagen": geweigerd} if geweigerd else None
        titel = (gegevens.titel or "").strip() or _default_title(inspectie)
        document = _new_document(
            session, actor, zaak, gegevens, inspectie, titel=titel, extra_kenmerken=extra
        )
        bijlagen = [
            _new_document(
                session,
                actor,
                zaak,
                gegevens,
                sub,
                titel=sub.bestandsnaam[:MAX_TITEL],
                bijlage_van=document,
            )
            for sub, _path in bijlage_inspecties
        ]
    finally:
        for sub, _path in bijlage_inspecties:
            sub.cleanup()
        inspectie.cleanup()
    # who files a report into a zaak follows it: the next report reaches them
    auto_follow(session, actor.id, "zaak", zaak.id, "melder")
    emit(
        session,
        notificatiesoorten.DOCUMENT_TOEGEVOEGD,
        actor,
        zaak=zaak,
        document=document,
        gegevens={"bijlagen": len(bijlagen)},
    )
    log.info(
        "document filed: %s in %s (%d attachments)",
        document.identificatie,
        zaak.identificatie,
        len(bijlagen),
    )
    return FilingResult(document=document, bijlagen=bijlagen, geweigerde_bijlagen=geweigerd)


def file_new_version(
    session: Session,
    actor: User,
    document: Document,
    upload: Upload,
    *,
    store: BlobStore,
    max_bytes: int,
) -> DocumentVersie:
    """A new version keeps every earlier one; e-mail attachments are not re-split.

    The version must fit the document's type (its allowed formats) like the first one did;
    a document the actor may not see is absent, whatever they may do in its zaken.
    """
    if not access.can_view_document(actor, document):
        raise NotFound(f"Document '{document.identificatie}' bestaat niet.")
    zaken = [link.zaak for link in document.zaak_links]
    if not any(access.can_change_zaak(actor, z) for z in zaken):
        raise Forbidden("U mag dit document niet wijzigen.")
    if document.status == DocumentStatus.gearchiveerd:
        raise Conflict("Een gearchiveerd document krijgt geen nieuwe versie.")
    if not any(z.is_open for z in zaken):
        raise Conflict("Alle zaken van dit document zijn afgesloten.")
    iot = document.informatieobjecttype
    # inspected against the whole allow-list, then refused naming the type (as file_document)
    inspectie = inspect_upload(upload, max_bytes=max_bytes)
    _check_format_fits_type(inspectie, iot, advies="Zet het bestand om naar een van deze formaten.")
    try:
        _store(store, upload.path, inspectie)
        nummer = (document.laatste_versie.versie if document.laatste_versie else 0) + 1
        versie = _versie(document, nummer, inspectie, actor)
        session.flush()
    finally:
        inspectie.cleanup()
    audit.record(
        session,
        actor,
        "document.nieuwe_versie",
        "document",
        document.identificatie,
        zaak_id=zaken[0].id,
        na={"versie": nummer, "sha256": inspectie.sha256, "formaat": inspectie.formaat},
    )
    session.add(SearchOutbox(object_type="document", object_id=document.id, actie="index"))
    emit(
        session,
        notificatiesoorten.DOCUMENT_NIEUWE_VERSIE,
        actor,
        zaak=zaken[0],
        document=document,
        gegevens={"versie": nummer},
    )
    return versie


def get_document(
    session: Session, user: User, identificatie: str, *, pad: str | None = None
) -> Document:
    """The document if ``user`` may see it; otherwise NotFound, as if it did not exist.
    With ``pad`` the view is written to the access log (confidential documents)."""
    document = (
        session.scalar(
            select(Document)
            .where(Document.identificatie == identificatie)
            .options(selectinload(Document.versies), selectinload(Document.zaak_links))
        )
        if is_possible_identificatie(identificatie)
        else None
    )
    if document is None or not access.can_view_document(user, document):
        raise NotFound(f"Document '{identificatie}' bestaat niet.")
    if pad is not None:
        toegangslog.log_read(session, user, document, pad=pad)
    return document


def visible_zaken(user: User, document: Document) -> list[Zaak]:
    """The zaken of ``document`` that ``user`` may see: a zaak in another department must
    stay absent from the document's page and API answer."""
    return [link.zaak for link in document.zaak_links if access.can_view_zaak(user, link.zaak)]


def visible_bijlage_van(user: User, document: Document) -> Document | None:
    """The message this attachment came with, if ``user`` may see it."""
    parent = document.bijlage_van
    return parent if parent is not None and access.can_view_document(user, parent) else None


def documents_of_zaak(session: Session, user: User, zaak: Zaak) -> list[Document]:
    documents = session.scalars(
        select(Document)
        .join(ZaakDocument, ZaakDocument.document_id == Document.id)
        .where(ZaakDocument.zaak_id == zaak.id)
        .options(
            selectinload(Document.versies),
            selectinload(Document.informatieobjecttype),
            selectinload(Document.zaak_links).selectinload(ZaakDocument.zaak),
        )
        .order_by(Document.id)
    )
    return [d for d in documents if access.can_view_document(user, d)]


def open_content(
    session: Session,
    user: User,
    document: Document,
    *,
    store: BlobStore,
    versie: int | None = None,
    pad: str | None = None,
) -> tuple[DocumentVersie, BinaryIO]:
    if not access.can_view_document(user, document):
        raise NotFound(f"Document '{document.identificatie}' bestaat niet.")
    chosen = document.laatste_versie
    if versie is not None:
        chosen = next((v for v in document.versies if v.versie == versie), None)
    if chosen is None:
        raise NotFound(f"Versie {versie} van document {document.identificatie} bestaat niet.")
    if pad is not None:
        toegangslog.log_read(session, user, document, pad=pad, actie="gedownload")
    return chosen, store.open(chosen.sha256)


def link_document(session: Session, actor: User, document: Document, zaak: Zaak) -> ZaakDocument:
    """File an existing document in another zaak too (e.g. one report for two cases).

    The actor must be able to see the document and change the target zaak; its
    confidentiality stays its own, so the link never lowers who may read it.
    """
    if not access.can_view_document(actor, document):
        raise NotFound(f"Document '{document.identificatie}' bestaat niet.")
    _check_can_file(actor, zaak)
    if any(link.zaak_id == zaak.id for link in document.zaak_links):
        raise Conflict(f"Document {document.identificatie} zit al in zaak {zaak.identificatie}.")
    link = ZaakDocument(zaak=zaak, document=document)
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor,
        "document.gekoppeld",
        "document",
        document.identificatie,
        zaak_id=zaak.id,
        na={"zaak": zaak.identificatie},
    )
    session.add(SearchOutbox(object_type="document", object_id=document.id, actie="index"))
    emit(session, notificatiesoorten.DOCUMENT_TOEGEVOEGD, actor, zaak=zaak, document=document)
    return link
