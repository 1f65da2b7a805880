"""The ingest entry point: decide whether a file may be archived and what it holds.

Order matters: cheap checks first (size), then what the file really is (content, never the
name), then whether that matches its name and the document type, and only then the
type-specific work. Every refusal is an ``IngestRefused`` with a stable code and a Dutch
message; nothing is written anywhere except the temp files of e-mail attachments, which
``Inspectie.cleanup`` removes.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import IngestRefused, TooLarge
from archive.ingest import formats, office, pdf
from archive.ingest.filenames import extension_of, sanitize_filename
from archive.ingest.formats import ALLOWED_FORMATS, describe
from archive.ingest.mail import Bijlage, MailFeiten, inspect_eml, inspect_msg

_MB = 1024 * 1024


@dataclass
class Inspectie:
    """What the pipeline learned about one file; the caller stores it or discards it."""

    bestandsnaam: str
    formaat: str
    bestandsomvang: int
    sha256: str
    paginas: int | None = None
    tekst: str | None = None
    geen_tekstlaag: bool = False
    kenmerken: dict = field(default_factory=dict)
    risico: list[str] = field(default_factory=list)
    bijlagen: list[Bijlage] = field(default_factory=list)
    _tempdir: Path | None = field(default=None, repr=False, compare=False)

    def cleanup(self) -> None:
        """Remove the temp files of the attachments; safe to call more than once."""
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None
        for bijlage in self.bijlagen:
            bijlage.path.unlink(missing_ok=True)

    def __enter__(self) -> Inspectie:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def _megabytes(n: int) -> str:
    value = n / _MB
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",")


def _size_text(n: int) -> str:
    if n < _MB // 10:
        return f"{max(1, round(n / 1024))} kB"
    return f"{_megabytes(n)} MB"


def _bytes(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _refuse_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        groot, grens = _size_text(size), _size_text(max_bytes)
        if groot == grens:  # just over the limit: rounding would hide the difference
            groot, grens = f"{_bytes(size)} bytes", f"{grens} ({_bytes(max_bytes)} bytes)"
        raise TooLarge(
            f"Dit bestand is {groot}; de grens is {grens}. Maak "
            "het bestand kleiner (bijvoorbeeld door het te splitsen of afbeeldingen te "
            "comprimeren) en dien het opnieuw in.",
            code="too_large",
        )
    if size == 0:
        raise IngestRefused(
            "Dit bestand is leeg (0 bytes). Controleer of u het juiste bestand hebt gekozen "
            "en dien het opnieuw in.",
            code="empty",
        )


def _allowed_list(mimes: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(ALLOWED_FORMATS.get(m, m) for m in mimes))


def _check_format(formaat: str, naam: str, allowed_formats: Iterable[str] | None) -> None:
    if formaat == formats.ENCRYPTED_OOXML:
        raise IngestRefused(
            "Dit Office-bestand is versleuteld met een wachtwoord. Verwijder het wachtwoord "
            "en dien het opnieuw in.",
            code="encrypted",
        )
    if formaat not in ALLOWED_FORMATS:
        raise IngestRefused(
            f"Dit bestand is een {describe(formaat)}; dat formaat kan niet worden "
            f"gearchiveerd. Toegestaan zijn: {_allowed_list(ALLOWED_FORMATS)}. Zet het om "
            "naar een van deze formaten (bij voorkeur PDF) en dien het opnieuw in.",
            code="format_not_allowed",
        )
    extension = extension_of(naam)
    fitting = formats.EXTENSIONS.get(extension)
    if fitting is not None and formaat not in fitting:
        raise IngestRefused(
            f"Dit bestand heet .{extension} maar is een {describe(formaat)}. Controleer of u "
            "het juiste bestand hebt gekozen; zo ja, geef het de juiste extensie en dien het "
            "opnieuw in.",
            code="extension_mismatch",
        )
    allowed = list(allowed_formats or [])
    if allowed and formaat not in allowed:
        raise IngestRefused(
            f"Dit bestand is een {describe(formaat)}. Bij dit documenttype zijn alleen "
            f"toegestaan: {_allowed_list(allowed)}. Zet het bestand om of kies een ander "
            "documenttype.",
            code="format_not_allowed_for_type",
        )


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_MB), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def inspect_file(
    path: Path,
    bestandsnaam: str,
    *,
    max_bytes: int,
    allowed_formats: Iterable[str] | None = None,
) -> Inspectie:
    """Inspect an uploaded file; raises ``IngestRefused`` when it may not be archived.

    ``allowed_formats`` narrows the global allow-list for a document type (MIME types; an
    empty or absent list means no narrowing). ``bestandsnaam`` is only metadata.
    """
    path = Path(path)
    naam = sanitize_filename(bestandsnaam)
    size = path.stat().st_size
    _refuse_size(size, max_bytes)
    formaat = formats.canonical(formats.sniff(path), extension_of(naam), path)
    _check_format(formaat, naam, allowed_formats)
    inspectie = Inspectie(
        bestandsnaam=naam, formaat=formaat, bestandsomvang=size, sha256=_sha256(path)
    )
    if formaat == formats.PDF:
        feiten = pdf.inspect_pdf(path)
        inspectie.paginas = feiten.paginas
        inspectie.tekst = feiten.tekst
        inspectie.geen_tekstlaag = feiten.geen_tekstlaag
        inspectie.kenmerken = feiten.kenmerken
        inspectie.risico = feiten.risico
    elif formaat in formats.OOXML or formaat in formats.ODF:
        office_feiten = office.inspect_zip_document(path, formaat)
        inspectie.tekst, inspectie.risico = office_feiten.tekst, office_feiten.risico
    elif formaat in (formats.DOC, formats.XLS):
        office_feiten = office.inspect_ole_document(path, formaat)
        inspectie.tekst, inspectie.risico = office_feiten.tekst, office_feiten.risico
    elif formaat == formats.RTF:
        inspectie.tekst = office.rtf_text(path)
    elif formaat == formats.XML:
        inspectie.tekst = office.xml_text(path)
    elif formaat in formats.TEXT_FORMATS:
        inspectie.tekst = office.decode_text(path)
    elif formaat in (formats.EML, formats.MSG):
        mail: MailFeiten = inspect_eml(path) if formaat == formats.EML else inspect_msg(path)
        inspectie.tekst = mail.tekst
        inspectie.kenmerken = mail.kenmerken
        inspectie.bijlagen = mail.bijlagen
        inspectie._tempdir = mail.tempdir
    # Images (JPEG/PNG/TIFF) pass as they are: no text, nothing to refuse.
    return inspectie
