"""Transfer (overbrenging) to the e-Depot: export a SIP, then confirm its receipt.

``export`` selects zaken due for transfer (werkvoorraad's ``overbrengen`` list, optionally
narrowed), writes per zaak an MDTO Dossier, per document an Archiefstuk, per file its
``bestand`` record and the file itself, and wraps it all in a BagIt bag (RFC 8493, sha256
manifests). Every XML is validated against the MDTO XSD before it is written; the package
is built in a hidden temp directory next to the target and renamed into place only when
everything — XML, copies, bag validation, the database rows — succeeded, so a refused
export leaves nothing behind.

``confirm`` records that the e-Depot received the package: its zaken become
*overgedragen*; with ``OVERBRENGING_INHOUD_VERWIJDEREN=1`` the local copies of the
exported files are removed after the commit (metadata stays, noting the transfer), except
content that a zaak staying here, another document or a legal hold still needs.

Archivists only; ``actor=None`` is the operator at the command line.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import bagit
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from archive import audit, toegangslog
from archive.blobstore import BlobStore
from archive.db import utcnow
from archive.errors import Conflict, DomainError, NotFound, ValidationFailed
from archive.models import (
    Bevriezing,
    Document,
    DocumentVersie,
    Overbrenging,
    OverbrengingZaak,
    Rol,
    User,
    Zaak,
    ZaakDocument,
    ZaakStatus,
)
from retention import archiefstatus, mdto, werkvoorraad
from retention.werkvoorraad import require_archivaris
from zaaktypen.models import Afdeling, ZaakType

ARCHIEFVORMER_ENV = "ARCHIEFVORMER"
INHOUD_VERWIJDEREN_ENV = "OVERBRENGING_INHOUD_VERWIJDEREN"
STATUSSEN = ("geexporteerd", "bevestigd")
MAX_ZAKEN = 10_000
_CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


# -- configuration ----------------------------------------------------------------------------


def archiefvormer(environ: dict[str, str] | None = None) -> mdto.Archiefvormer:
    """The organisation named as archiefvormer in every package, from the environment:
    ``ARCHIEFVORMER`` (its name, required), ``ARCHIEFVORMER_ID`` (e.g. its TOOI URI),
    ``ARCHIEFVORMER_ID_BRON`` (default TOOI), ``MDTO_IDENTIFICATIEBRON`` (default
    Dossierhuis: where the identificaties come from)."""
    env = os.environ if environ is None else environ
    naam = (env.get(ARCHIEFVORMER_ENV) or "").strip()
    if not naam:
        raise Conflict(
            "Stel eerst de archiefvormer in (ARCHIEFVORMER, bijvoorbeeld 'Gemeente "
            "Voorbeeldstad', en liefst ARCHIEFVORMER_ID met de TOOI-URI van de organisatie); "
            "elk MDTO-bestand noemt haar."
        )
    return mdto.Archiefvormer(
        naam=naam,
        kenmerk=(env.get("ARCHIEFVORMER_ID") or "").strip() or None,
        kenmerk_bron=(env.get("ARCHIEFVORMER_ID_BRON") or "").strip() or "TOOI",
        identificatiebron=(env.get("MDTO_IDENTIFICATIEBRON") or "").strip() or "Dossierhuis",
    )


def remove_content_configured(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    raw = (env.get(INHOUD_VERWIJDEREN_ENV) or "0").strip().lower()
    if raw in ("1", "true", "yes", "ja"):
        return True
    if raw in ("0", "false", "no", "nee", ""):
        return False
    raise Conflict(f"{INHOUD_VERWIJDEREN_ENV} moet 1 of 0 zijn, niet '{raw}'.")


def packages_dir(data_dir: Path) -> Path:
    """Where the web UI and the API write packages: ``<data dir>/overbrengingen``."""
    return Path(data_dir) / "overbrengingen"


# -- selection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selectie:
    """Which due zaken go into one package; empty fields do not narrow."""

    identificaties: tuple[str, ...] = ()
    afdeling: str | None = None  # code
    zaaktype: str | None = None  # identificatie
    limit: int | None = None


def in_open_transfer():
    """A SELECT of the ids of zaken in an exported package that awaits the e-Depot's
    confirmation: such a zaak is not exported again, nor destroyed (retention.vernietiging)."""
    return (
        select(OverbrengingZaak.zaak_id)
        .join(Overbrenging, Overbrenging.id == OverbrengingZaak.overbrenging_id)
        .where(Overbrenging.status == "geexporteerd", OverbrengingZaak.zaak_id.is_not(None))
    )


def open_transfer_of(session: Session, zaak_id: int) -> str | None:
    """The name of the exported, unconfirmed package holding the zaak, or ``None``."""
    return session.scalar(
        select(Overbrenging.naam)
        .join(OverbrengingZaak, OverbrengingZaak.overbrenging_id == Overbrenging.id)
        .where(Overbrenging.status == "geexporteerd", OverbrengingZaak.zaak_id == zaak_id)
        .order_by(Overbrenging.id)
        .limit(1)
    )


def open_transfers_of(session: Session, identificaties: list[str]) -> dict[str, str]:
    """Of these zaken, those in an exported package awaiting confirmation, with its name
    (for the work queue: such a zaak is due, but no new export takes it)."""
    if not identificaties:
        return {}
    rows = session.execute(
        select(OverbrengingZaak.zaak_identificatie, Overbrenging.naam)
        .join(Overbrenging, Overbrenging.id == OverbrengingZaak.overbrenging_id)
        .where(
            Overbrenging.status == "geexporteerd",
            OverbrengingZaak.zaak_identificatie.in_(identificaties),
        )
    )
    return dict(rows.all())


def due_zaken(
    session: Session,
    actor: User | None,
    selectie: Selectie = Selectie(),
    *,
    today: date | None = None,
) -> list[Zaak]:
    """The zaken due for transfer (blijvend bewaren, transfer term passed, not transferred
    yet) that are not already in an exported, unconfirmed package, nor under a legal hold
    (a Woo request or a court case needs the records here, as they are)."""
    require_archivaris(actor)
    query = (
        select(Zaak)
        # the same rule as the archivist's work queue (one definition of "due", which
        # leaves out zaken under a legal hold)
        .where(werkvoorraad._where("overbrengen", today or date.today()))
        .where(Zaak.id.not_in(in_open_transfer()))
        .options(selectinload(Zaak.zaaktype), selectinload(Zaak.afdeling))
        .order_by(Zaak.archiefactiedatum, Zaak.id)
    )
    if selectie.identificaties:
        query = query.where(Zaak.identificatie.in_(selectie.identificaties))
    if selectie.afdeling:
        query = query.join(Afdeling, Afdeling.id == Zaak.afdeling_id).where(
            Afdeling.code == selectie.afdeling
        )
    if selectie.zaaktype:
        query = query.join(ZaakType, ZaakType.id == Zaak.zaaktype_id).where(
            ZaakType.identificatie == selectie.zaaktype
        )
    query = query.limit(min(selectie.limit or MAX_ZAKEN, MAX_ZAKEN))
    return list(session.scalars(query))


def _check_selection(selectie: Selectie, zaken: list[Zaak]) -> None:
    """Named zaken that are not due are refused by name, not silently left out."""
    if not selectie.identificaties:
        return
    found = {z.identificatie for z in zaken}
    missing = [i for i in selectie.identificaties if i not in found]
    if missing:
        raise ValidationFailed(
            {
                "zaken": [
                    f"Niet over te brengen (onbekend, niet blijvend te bewaren, nog niet aan de "
                    f"beurt, bevroren of al in een pakket): {', '.join(missing[:20])}"
                ]
            }
        )


def _load(session: Session, zaak_ids: list[int]) -> list[Zaak]:
    return list(
        session.scalars(
            select(Zaak)
            .where(Zaak.id.in_(zaak_ids))
            .options(
                selectinload(Zaak.zaaktype),
                selectinload(Zaak.resultaattype),
                selectinload(Zaak.hoofdzaak),
                selectinload(Zaak.statussen).selectinload(ZaakStatus.statustype),
                selectinload(Zaak.rollen).selectinload(Rol.betrokkene),
                selectinload(Zaak.rollen).selectinload(Rol.roltype),
                selectinload(Zaak.document_links)
                .selectinload(ZaakDocument.document)
                .options(
                    selectinload(Document.versies),
                    selectinload(Document.informatieobjecttype),
                    selectinload(Document.bijlage_van),
                ),
            )
            .order_by(Zaak.archiefactiedatum, Zaak.id)
        )
    )


# -- export ---------------------------------------------------------------------------------


def _safe(name: str, fallback: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip("._")[:120]
    return cleaned or fallback


@dataclass
class _Plan:
    """Where every document goes: the first zaak in the package that holds it."""

    houder: dict[int, Zaak] = field(default_factory=dict)
    dossiers: dict[int, list[Zaak]] = field(default_factory=dict)


def _plan(zaken: list[Zaak]) -> _Plan:
    plan = _Plan()
    for zaak in zaken:
        for link in zaak.document_links:
            plan.houder.setdefault(link.document_id, zaak)
            plan.dossiers.setdefault(link.document_id, []).append(zaak)
    return plan


def _write_xml(root, path: Path, naam: str) -> None:
    """Validate first: an invalid MDTO file is never written."""
    try:
        mdto.validate(root, naam)
    except mdto.MdtoInvalid as exc:
        raise ValidationFailed(
            {"mdto": [str(exc)]},
            f"De export is gestopt: {naam} voldoet niet aan het MDTO-schema ({exc.message}).",
        ) from None
    path.write_bytes(mdto.serialize(root))


def _copy_blob(store: BlobStore, versie: DocumentVersie, target: Path, document: str) -> bytes:
    """Copy one blob, hashing on the way; a missing or damaged blob stops the export.
    Returns the first bytes (for the format version)."""
    hasher = hashlib.sha256()
    kop = b""
    try:
        with store.open(versie.sha256) as src, open(target, "xb") as out:
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                if not kop:
                    kop = chunk[:1024]
                hasher.update(chunk)
                out.write(chunk)
    except FileNotFoundError:
        raise Conflict(
            f"De export is gestopt: de inhoud van {document} versie {versie.versie} ontbreekt "
            "in de opslag (draai 'dossierhuis fixity')."
        ) from None
    if hasher.hexdigest() != versie.sha256:
        raise Conflict(
            f"De export is gestopt: de inhoud van {document} versie {versie.versie} is "
            "beschadigd (de sha256 klopt niet; draai 'dossierhuis fixity')."
        )
    return kop


_ODF_VERSION = re.compile(rb'office:version="(\d\.\d)"')


def _odf_version(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as zf:
            for part in ("meta.xml", "content.xml"):
                if part in zf.namelist():
                    with zf.open(part) as fh:
                        match = _ODF_VERSION.search(fh.read(64 * 1024))
                    if match:
                        return match.group(1).decode()
    except (zipfile.BadZipFile, OSError):
        return None
    return None


def _formaat(versie: DocumentVersie, path: Path, kop: bytes) -> mdto.Formaat:
    kenmerken = versie.kenmerken or {}
    odf = _odf_version(path) if "opendocument" in (versie.formaat or "") else None
    return mdto.formaat(versie.formaat, kop=kop, pdfa=kenmerken.get("pdfa"), odf_versie=odf)


def _onderdeel(zaak_or_doc) -> mdto.Onderdeel:
    naam = getattr(zaak_or_doc, "omschrijving", None) or getattr(zaak_or_doc, "titel", "")
    return mdto.Onderdeel(
        naam=naam or zaak_or_doc.identificatie, identificatie=zaak_or_doc.identificatie
    )


def _bestand_id(document: Document, versie: DocumentVersie) -> str:
    return f"{document.identificatie}-v{versie.versie}"


def _build(
    root: Path,
    zaken: list[Zaak],
    vormer: mdto.Archiefvormer,
    store: BlobStore,
    progress: Callable[[int, int], object] | None,
) -> tuple[list[dict], int, int]:
    """Write the payload under ``root``; returns (bestanden, documents, bytes)."""
    plan = _plan(zaken)
    bestanden: list[dict] = []
    documenten = omvang = 0
    moment = utcnow()
    for done, zaak in enumerate(zaken, start=1):
        zaak_dir = root / _safe(zaak.identificatie, f"zaak-{zaak.id}")
        zaak_dir.mkdir()
        docs = [link.document for link in zaak.document_links]
        _write_xml(
            mdto.dossier(zaak, vormer, [_onderdeel(d) for d in docs]),
            zaak_dir / f"{zaak_dir.name}.mdto.xml",
            f"{zaak.identificatie}.mdto.xml",
        )
        for document in docs:
            if plan.houder[document.id] is not zaak:
                continue  # written once, in the first dossier of the package holding it
            documenten += 1
            doc_dir = zaak_dir / _safe(document.identificatie, f"document-{document.id}")
            doc_dir.mkdir()
            versie = document.laatste_versie
            representaties = []
            if versie is not None:
                representaties.append(
                    mdto.Onderdeel(
                        naam=versie.bestandsnaam, identificatie=_bestand_id(document, versie)
                    )
                )
            _write_xml(
                mdto.archiefstuk(
                    document,
                    zaak,
                    vormer,
                    [_onderdeel(z) for z in plan.dossiers[document.id]],
                    representaties,
                ),
                doc_dir / f"{doc_dir.name}.mdto.xml",
                f"{document.identificatie}.mdto.xml",
            )
            if versie is None:
                continue
            bestandsnaam = _safe(versie.bestandsnaam, f"bestand-v{versie.versie}")
            if bestandsnaam.endswith(".mdto.xml") or bestandsnaam == f"{doc_dir.name}.mdto.xml":
                bestandsnaam = f"bestand-{bestandsnaam}"
            target = doc_dir / bestandsnaam
            kop = _copy_blob(store, versie, target, document.identificatie)
            _write_xml(
                mdto.bestand(
                    _bestand_id(document, versie),
                    versie.bestandsnaam,
                    versie.bestandsomvang,
                    _formaat(versie, target, kop),
                    versie.sha256,
                    moment,
                    vormer,
                    _onderdeel(document),
                ),
                doc_dir / f"{bestandsnaam}.bestand.mdto.xml",
                f"{bestandsnaam}.bestand.mdto.xml",
            )
            omvang += versie.bestandsomvang
            bestanden.append(
                {
                    "document": document.identificatie,
                    "versie": versie.versie,
                    "sha256": versie.sha256,
                    "pad": f"data/{target.relative_to(root).as_posix()}",
                }
            )
        if progress is not None:
            progress(done, len(zaken))
    return bestanden, documenten, omvang


def _zip(bag_dir: Path, target: Path) -> None:
    """Zip the bag (top folder = the package name) via a temp file and a rename."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with zipfile.ZipFile(tmp, "x", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(bag_dir.rglob("*")):
                if path.is_file():
                    zf.write(path, f"{bag_dir.name}/{path.relative_to(bag_dir).as_posix()}")
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def export(
    session: Session,
    actor: User | None,
    *,
    out_dir: Path,
    store: BlobStore,
    selectie: Selectie = Selectie(),
    maak_zip: bool = False,
    today: date | None = None,
    progress: Callable[[int, int], object] | None = None,
    environ: dict[str, str] | None = None,
) -> Overbrenging:
    """Export the selected due zaken as one SIP under ``out_dir`` (and a zip beside it).
    The transfer is recorded as ``geexporteerd``; nothing changes on the zaken yet."""
    require_archivaris(actor)
    vormer = archiefvormer(environ)
    gekozen = due_zaken(session, actor, selectie, today=today)
    _check_selection(selectie, gekozen)
    if not gekozen:
        raise Conflict("Er zijn geen zaken die nu over te brengen zijn (met deze selectie).")
    zaken = _load(session, [z.id for z in gekozen])
    _require_archivable(session, zaken)

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    naam = f"overbrenging-{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    final = out_dir / naam
    zip_path = out_dir / f"{naam}.zip" if maak_zip else None
    tmp = out_dir / f".{naam}.tmp"
    tmp.mkdir()
    renamed = False
    try:
        bestanden, documenten, omvang = _build(tmp, zaken, vormer, store, progress)
        manifest = _bag(tmp, naam, vormer, len(zaken))
        overbrenging = Overbrenging(
            naam=naam,
            status="geexporteerd",
            pakket_pad=str(final),
            zip_pad=str(zip_path) if zip_path else None,
            manifest_sha256=manifest,
            aantal_zaken=len(zaken),
            aantal_documenten=documenten,
            omvang=omvang,
            bestanden=bestanden,
            aangemaakt_door_id=actor.id if actor is not None else None,
            zaak_links=[
                OverbrengingZaak(zaak_id=z.id, zaak_identificatie=z.identificatie) for z in zaken
            ],
        )
        session.add(overbrenging)
        session.flush()
        _audit_export(session, actor, overbrenging, zaken)
        os.rename(tmp, final)
        renamed = True
        if zip_path is not None:
            _zip(final, zip_path)
    except BaseException:
        if renamed:  # the zip failed: take the package back too, the boundary rolls back
            shutil.rmtree(final, ignore_errors=True)
        raise
    finally:
        if not renamed:
            shutil.rmtree(tmp, ignore_errors=True)
    return overbrenging


def _bag(payload: Path, naam: str, vormer: mdto.Archiefvormer, zaken: int) -> str:
    """Turn ``payload`` into a BagIt bag (sha256), validate it as written; returns the
    sha256 of its payload manifest."""
    try:
        bag = bagit.make_bag(
            str(payload),
            bag_info={
                "Source-Organization": vormer.naam,
                "External-Identifier": naam,
                "External-Description": (
                    f"Overbrenging naar het e-Depot: {zaken} zaak/zaken, MDTO 1.0.1"
                ),
            },
            checksums=["sha256"],
        )
        bag.validate()
    except bagit.BagError as exc:
        raise Conflict(f"De export is gestopt: het BagIt-pakket klopt niet ({exc}).") from None
    return hashlib.sha256((payload / "manifest-sha256.txt").read_bytes()).hexdigest()


def _audit_export(session: Session, actor, overbrenging: Overbrenging, zaken: list[Zaak]) -> None:
    audit.record(
        session,
        actor,
        "overbrenging.geexporteerd",
        "overbrenging",
        str(overbrenging.id),
        na={
            "naam": overbrenging.naam,
            "zaken": [z.identificatie for z in zaken],
            "documenten": overbrenging.aantal_documenten,
            "bestanden": len(overbrenging.bestanden),
            "manifest_sha256": overbrenging.manifest_sha256,
        },
    )
    for zaak in zaken:
        audit.record(
            session,
            actor,
            "zaak.overbrenging_geexporteerd",
            "zaak",
            zaak.identificatie,
            zaak_id=zaak.id,
            na={"overbrenging": overbrenging.id, "naam": overbrenging.naam},
        )
        if actor is not None:
            toegangslog.log_read(session, actor, zaak, pad="export", actie="geexporteerd")
            for link in zaak.document_links:
                toegangslog.log_read(
                    session, actor, link.document, pad="export", actie="geexporteerd", zaak=zaak
                )


# -- reading --------------------------------------------------------------------------------


def get(session: Session, actor: User | None, overbrenging_id: int) -> Overbrenging:
    require_archivaris(actor)
    found = (
        session.get(Overbrenging, overbrenging_id)
        if isinstance(overbrenging_id, int) and 0 < overbrenging_id < 2**63
        else None
    )
    if found is None:
        raise NotFound(f"Overbrenging {overbrenging_id} bestaat niet.")
    return found


def list_transfers(
    session: Session, actor: User | None, *, limit: int = 100, offset: int = 0
) -> tuple[int, list[Overbrenging]]:
    from sqlalchemy import func

    require_archivaris(actor)
    total = session.scalar(select(func.count()).select_from(Overbrenging)) or 0
    rows = list(
        session.scalars(
            select(Overbrenging)
            .options(
                selectinload(Overbrenging.aangemaakt_door),
                selectinload(Overbrenging.bevestigd_door),
                selectinload(Overbrenging.zaak_links),
            )
            .order_by(Overbrenging.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    return total, rows


def zip_file(overbrenging: Overbrenging) -> Path:
    """The package's zip, made now if the export had none (the bag itself is kept)."""
    pakket = Path(overbrenging.pakket_pad)
    if overbrenging.zip_pad and Path(overbrenging.zip_pad).is_file():
        return Path(overbrenging.zip_pad)
    if not pakket.is_dir():
        raise NotFound(f"Het pakket van overbrenging {overbrenging.id} is niet meer aanwezig.")
    target = pakket.with_name(f"{pakket.name}.zip")
    if not target.is_file():
        _zip(pakket, target)
    return target


# -- confirm --------------------------------------------------------------------------------


def _require_archivable(session: Session, zaken: list[Zaak]) -> None:
    """A zaak not archived yet must be archivable now (closed, retention known, every
    document definitief): it is archived at confirmation, on its way to overgedragen."""
    for zaak in zaken:
        if zaak.archiefstatus == "nog_te_archiveren":
            try:
                archiefstatus.check_transition(session, zaak, "gearchiveerd")
            except DomainError as exc:
                raise Conflict(
                    f"Zaak {zaak.identificatie} kan nog niet overgebracht worden: {exc.message}"
                ) from None


def _set_overgedragen(session: Session, actor: User | None, zaak: Zaak, overbrenging) -> None:
    """archiefstatus → overgedragen through retention.archiefstatus (archived first when it
    was not yet), plus an event naming the transfer on the zaak's trail."""
    if zaak.archiefstatus == "nog_te_archiveren":
        archiefstatus.set_archiefstatus(session, zaak, "gearchiveerd", actor)
    archiefstatus.set_archiefstatus(session, zaak, "overgedragen", actor, via_overbrenging=True)
    audit.record(
        session,
        actor,
        "zaak.overgedragen",
        "zaak",
        zaak.identificatie,
        zaak_id=zaak.id,
        na={"overbrenging": overbrenging.id, "naam": overbrenging.naam},
    )


@dataclass
class Bevestiging:
    overbrenging: Overbrenging
    te_verwijderen: list[str]  # blobs removed after the commit
    behouden: list[str]  # exported content kept here (and why), by document


def _removable(
    session: Session, overbrenging: Overbrenging, zaak_ids: set[int]
) -> tuple[list[tuple[DocumentVersie, str]], list[str]]:
    """Exported versions whose blob may go: not needed by a zaak that stays, another
    document's version, or a legal hold."""
    exported = {(b["document"], b["versie"]): b["sha256"] for b in overbrenging.bestanden}
    if not exported:
        return [], []
    documenten = list(
        session.scalars(
            select(Document)
            .where(Document.identificatie.in_({d for d, _ in exported}))
            .options(selectinload(Document.versies), selectinload(Document.zaak_links))
        )
    )
    doc_ids = {d.id for d in documenten}
    held_docs = set(
        session.scalars(
            select(Bevriezing.document_id).where(
                Bevriezing.document_id.in_(doc_ids), Bevriezing.opgeheven_op.is_(None)
            )
        )
    )
    held_zaken = set(
        session.scalars(
            select(Bevriezing.zaak_id).where(
                Bevriezing.zaak_id.in_(zaak_ids), Bevriezing.opgeheven_op.is_(None)
            )
        )
    )
    out: list[tuple[DocumentVersie, str]] = []
    kept: list[str] = []
    for document in documenten:
        other_zaken = {link.zaak_id for link in document.zaak_links} - zaak_ids
        if other_zaken:
            kept.append(f"{document.identificatie}: ook in een zaak die hier blijft")
            continue
        if document.id in held_docs or {link.zaak_id for link in document.zaak_links} & held_zaken:
            kept.append(f"{document.identificatie}: bevroren")
            continue
        for versie in document.versies:
            sha = exported.get((document.identificatie, versie.versie))
            if sha is not None and sha == versie.sha256:
                out.append((versie, sha))
    shas = {sha for _, sha in out}
    mine = {v.id for v, _ in out}
    still_used = set(
        session.scalars(
            select(DocumentVersie.sha256).where(
                DocumentVersie.sha256.in_(shas), DocumentVersie.id.not_in(mine)
            )
        )
    )
    return [(v, s) for v, s in out if s not in still_used], kept


def confirm(
    session: Session,
    actor: User | None,
    overbrenging_id: int,
    *,
    store: BlobStore,
    toelichting: str = "",
    environ: dict[str, str] | None = None,
) -> Bevestiging:
    """The e-Depot confirmed receipt: the zaken become overgedragen; with content removal
    configured, the exported local copies are removed once this transaction commits."""
    overbrenging = get(session, actor, overbrenging_id)
    if overbrenging.status != "geexporteerd":
        raise Conflict(f"Overbrenging {overbrenging.id} is al {overbrenging.status}.")
    if len(toelichting) > 2000:
        raise ValidationFailed({"toelichting": ["Geef hoogstens 2000 tekens."]})
    verwijderen = remove_content_configured(environ)
    zaken = [link.zaak for link in overbrenging.zaak_links if link.zaak is not None]
    if not zaken:
        raise Conflict(f"De zaken van overbrenging {overbrenging.id} bestaan niet meer.")
    for zaak in zaken:
        _set_overgedragen(session, actor, zaak, overbrenging)

    te_verwijderen: list[str] = []
    behouden: list[str] = []
    if verwijderen:
        removable, behouden = _removable(session, overbrenging, {z.id for z in zaken})
        for versie, sha in removable:
            versie.kenmerken = dict(versie.kenmerken or {}) | {
                "overgedragen": {"overbrenging": overbrenging.id, "inhoud_verwijderd": True}
            }
            te_verwijderen.append(sha)
        te_verwijderen = sorted(set(te_verwijderen))
        _remove_after_commit(session, store, te_verwijderen)
    overbrenging.status = "bevestigd"
    overbrenging.bevestigd_door_id = actor.id if actor is not None else None
    overbrenging.bevestigd_op = utcnow()
    overbrenging.bevestiging_toelichting = toelichting.strip()
    overbrenging.inhoud_verwijderd = bool(te_verwijderen)
    session.flush()
    audit.record(
        session,
        actor,
        "overbrenging.bevestigd",
        "overbrenging",
        str(overbrenging.id),
        voor={"status": "geexporteerd"},
        na={
            "status": "bevestigd",
            "zaken": [z.identificatie for z in zaken],
            "inhoud_verwijderd": len(te_verwijderen),
            "inhoud_behouden": behouden,
        },
    )
    return Bevestiging(overbrenging, te_verwijderen, behouden)


_PENDING = "overbrenging.te_verwijderen"


def _remove_after_commit(session: Session, store: BlobStore, shas: list[str]) -> None:
    """Blobs go only after the commit that records their transfer; a rollback forgets
    them (content is never lost to a failed transaction)."""
    if not shas:
        return
    pending = session.info.setdefault(_PENDING, [])
    if not pending:

        def after_commit(sess: Session) -> None:
            for sha in sess.info.pop(_PENDING, []):
                store.delete(sha)

        def after_rollback(sess: Session, _previous) -> None:
            sess.info.pop(_PENDING, None)

        event.listen(session, "after_commit", after_commit, once=True)
        event.listen(session, "after_soft_rollback", after_rollback, once=True)
    pending.extend(shas)
