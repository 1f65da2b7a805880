"""What a file really is: content sniffing, the allow-list and the names users know formats by.

libmagic decides from the bytes; zip and compound-file (OLE/CFB) containers are opened to
tell DOCX from XLSX or DOC from MSG, because the container alone says little and the
filename says nothing we may trust.
"""

from __future__ import annotations

import zipfile
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path

import magic
import olefile
from defusedxml import ElementTree

from archive.ingest import zipcheck

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
RTF = "application/rtf"
TXT = "text/plain"
CSV = "text/csv"
XML = "application/xml"
EML = "message/rfc822"
MSG = "application/vnd.ms-outlook"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
ZIP = "application/zip"
CFB = "application/x-ole-storage"
# A password-protected OOXML file is a CFB container holding an encrypted package.
ENCRYPTED_OOXML = "application/x-ooxml-encrypted"

ALLOWED_FORMATS: dict[str, str] = {
    PDF: "PDF-document",
    DOCX: "Word-document (DOCX)",
    XLSX: "Excel-werkmap (XLSX)",
    PPTX: "PowerPoint-presentatie (PPTX)",
    ODT: "OpenDocument-tekst (ODT)",
    ODS: "OpenDocument-rekenblad (ODS)",
    ODP: "OpenDocument-presentatie (ODP)",
    DOC: "Word 97-2003-document (DOC)",
    XLS: "Excel 97-2003-werkmap (XLS)",
    RTF: "RTF-document",
    TXT: "tekstbestand",
    CSV: "CSV-bestand",
    XML: "XML-bestand",
    EML: "e-mailbericht (EML)",
    MSG: "Outlook-bericht (MSG)",
    JPEG: "JPEG-afbeelding",
    PNG: "PNG-afbeelding",
    TIFF: "TIFF-afbeelding",
}

OOXML = {DOCX, XLSX, PPTX}
ODF = {ODT, ODS, ODP}
TEXT_FORMATS = {TXT, CSV, XML}
IMAGES = {JPEG, PNG, TIFF}

# Names for formats that are refused, so the refusal can say what the file really is.
_OTHER_NAMES = {
    ZIP: "ZIP-archief",
    CFB: "Microsoft-compound-bestand van onbekende soort",
    PPT: "PowerPoint 97-2003-presentatie (PPT)",
    "application/vnd.ms-word.document.macroEnabled.12": "Word-document met macro's (DOCM)",
    "application/vnd.ms-excel.sheet.macroEnabled.12": "Excel-werkmap met macro's (XLSM)",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.12": (
        "PowerPoint-presentatie met macro's (PPTM)"
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template": (
        "Word-sjabloon (DOTX)"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow": (
        "PowerPoint-diavoorstelling (PPSX)"
    ),
    "application/vnd.oasis.opendocument.graphics": "OpenDocument-tekening (ODG)",
    "application/epub+zip": "e-boek (EPUB)",
    "application/x-dosexec": "Windows-programma",
    "application/x-executable": "programma",
    "application/x-pie-executable": "programma",
    "application/x-sharedlib": "programmabibliotheek",
    "application/x-msi": "Windows-installatiepakket",
    "application/x-shellscript": "script",
    "application/javascript": "JavaScript-bestand",
    "text/html": "HTML-pagina",
    "image/svg+xml": "SVG-afbeelding",
    "image/gif": "GIF-afbeelding",
    "image/webp": "WebP-afbeelding",
    "image/heic": "HEIC-foto",
    "image/bmp": "BMP-afbeelding",
    "application/gzip": "gzip-archief",
    "application/x-7z-compressed": "7-Zip-archief",
    "application/x-rar": "RAR-archief",
    "application/x-tar": "TAR-archief",
    "application/octet-stream": "bestand van onbekend (binair) type",
    "inode/x-empty": "leeg bestand",
    "application/encrypted": "versleuteld bestand",
}


def describe(mime: str) -> str:
    """The Dutch name of a format, for messages."""
    if mime in ALLOWED_FORMATS:
        return ALLOWED_FORMATS[mime]
    if mime in _OTHER_NAMES:
        return _OTHER_NAMES[mime]
    if mime.startswith("video/"):
        return f"videobestand ({mime})"
    if mime.startswith("audio/"):
        return f"geluidsbestand ({mime})"
    if mime.startswith("image/"):
        return f"afbeelding van het type {mime}"
    return f"bestand van het type {mime}"


# Which sniffed formats each extension may carry. Extensions of refused or risky formats are
# listed too, so an allowed file cannot travel under a name that would open it as something
# else (a PDF named .exe, a text file named .html).
_TEXTUAL = frozenset({TXT, CSV})
EXTENSIONS: dict[str, frozenset[str]] = {
    "pdf": frozenset({PDF}),
    "docx": frozenset({DOCX}),
    "xlsx": frozenset({XLSX}),
    "pptx": frozenset({PPTX}),
    "odt": frozenset({ODT}),
    "ods": frozenset({ODS}),
    "odp": frozenset({ODP}),
    "doc": frozenset({DOC}),
    "xls": frozenset({XLS}),
    "rtf": frozenset({RTF}),
    "txt": _TEXTUAL,
    "text": _TEXTUAL,
    "csv": _TEXTUAL,
    "xml": frozenset({XML}),
    "eml": frozenset({EML}),
    "msg": frozenset({MSG}),
    "jpg": frozenset({JPEG}),
    "jpeg": frozenset({JPEG}),
    "jpe": frozenset({JPEG}),
    "jfif": frozenset({JPEG}),
    "png": frozenset({PNG}),
    "tif": frozenset({TIFF}),
    "tiff": frozenset({TIFF}),
}
_FOREIGN = [
    "exe",
    "com",
    "bat",
    "cmd",
    "scr",
    "pif",
    "msi",
    "dll",
    "cpl",
    "hta",
    "js",
    "jse",
    "vbs",
    "vbe",
    "wsf",
    "ps1",
    "psm1",
    "lnk",
    "jar",
    "sh",
    "app",
    "html",
    "htm",
    "xhtml",
    "svg",
    "shtml",
    "mht",
    "docm",
    "xlsm",
    "pptm",
    "dotm",
    "xltm",
    "zip",
    "7z",
    "rar",
    "gz",
    "tar",
    "iso",
    "img",
    "ppt",
    "pps",
    "ppsx",
    "gif",
    "bmp",
    "webp",
    "heic",
    "mp3",
    "mp4",
    "mov",
    "avi",
    "wav",
    ").split(",
]
for _ext in _FOREIGN:
    EXTENSIONS.setdefault(_ext, frozenset())


def _from_magic(path: Path) -> str:
    return magic.from_file(str(path), mime=True)


_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_MAIN_SUFFIX = ".main+xml"
_OOXML_PREFIXES = ("application/vnd.openxmlformats-officedocument.", "application/vnd.ms-")
_ODF_PREFIX = "application/vnd.oasis.opendocument."
_SMALL_PART = 1024 * 1024


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """A small container part (content types, mimetype), read with a hard cap."""
    info = zf.getinfo(name)
    if info.file_size > _SMALL_PART:
        return None
    with zf.open(info) as fh:
        return fh.read(_SMALL_PART + 1)[:_SMALL_PART]


def _ooxml_kind(content_types: bytes) -> str | None:
    root = ElementTree.fromstring(content_types)
    for element in root:
        content_type = element.get("ContentType", "")
        if content_type in _OOXML_MAIN:
            return _OOXML_MAIN[content_type]
    for element in root:
        content_type = element.get("ContentType", "")
        if content_type.startswith(_OOXML_PREFIXES) and content_type.endswith(_MAIN_SUFFIX):
            base = content_type[: -len(_MAIN_SUFFIX)]
            # Macro-enabled parts are spelled ...macroEnabled.main+xml; their type ends in .12.
            return base + ".12" if base.endswith("macroEnabled") else base
    return None


def _zip_kind(path: Path) -> str | None:
    """DOCX/XLSX/PPTX from [Content_Types].xml, ODF from its ``mimetype`` entry."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                raw = _read_small(zf, "mimetype")
                declared = (raw or b"").decode("ascii", "replace").strip()
                # Only an ODF family type is believed; anything else stays a plain zip.
                if declared.startswith(_ODF_PREFIX):
                    return declared
            if "[Content_Types].xml" in names:
                raw = _read_small(zf, "[Content_Types].xml")
                if raw:
                    return _ooxml_kind(raw)
    except Exception:  # corrupt container: keep libmagic's verdict, the handler refuses it
        return None
    return None


def _cfb_kind(path: Path) -> str | None:
    """Tell the compound-file formats apart by their streams, as Office itself does."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            top = {entry[0] for entry in ole.listdir(streams=True, storages=True)}
    except Exception:
        return None
    if "EncryptedPackage" in top:
        return ENCRYPTED_OOXML
    if "__properties_version1.0" in top and any(n.startswith("__substg1.0_") for n in top):
        return MSG
    if "WordDocument" in top:
        return DOC
    if "Workbook" in top or "Book" in top:
        return XLS
    if "PowerPoint Document" in top:
        return PPT
    return None


_ZIPISH = {ZIP, "application/x-zip-compressed", "application/octet-stream"} | OOXML | ODF
_CFBISH = {
    CFB,
    "application/CDFV2",
    "application/cdfv2",
    "application/vnd.ms-office",
    "application/encrypted",
    DOC,
    XLS,
    PPT,
    MSG,
}
_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path) -> str:
    """The format of the file by its content, before any filename is considered."""
    mime = _from_magic(path)
    if mime in _ZIPISH or mime in _CFBISH:
        with open(path, "rb") as fh:
            head = fh.read(8)
        if head.startswith(_ZIP_MAGIC):
            zipcheck.precheck(path)
            return _zip_kind(path) or mime
        if head == _CFB_MAGIC:
            return _cfb_kind(path) or (mime if mime in _CFBISH else CFB)
    if mime == "text/xml":
        return XML
    if mime == "text/rtf":
        return RTF
    return mime


_EMAIL_HEADERS = {"from", "to", "date", "subject", "message-id", "received", "mime-version"}


def looks_like_email(path: Path) -> bool:
    """A text file that starts with RFC 822 headers (libmagic does not always see it)."""
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    message = BytesHeaderParser(policy=compat32).parsebytes(head)
    found = {key.lower() for key in message} & _EMAIL_HEADERS
    return len(found) >= 2 and "from" in found


def looks_like_xml(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(1024)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def canonical(sniffed: str, extension: str, path: Path) -> str:
    """Settle a textual format: the extension may choose among text subtypes, nothing more."""
    textual = sniffed.startswith("text/") or sniffed in {
        "application/csv",
        "application/json",
        XML,
        RTF,
        EML,
    }
    if not textual:
        return sniffed
    # Lenient for .txt and .csv: whatever text it is, it is kept and searched as text.
    if extension in {"txt", "text"}:
        return TXT
    if extension == "csv":
        return CSV
    if sniffed in {RTF, XML, EML}:
        return sniffed
    if extension == "eml" and looks_like_email(path):
        return EML
    if extension == "xml" and looks_like_xml(path):
        return XML
    if sniffed in {TXT, CSV, "application/csv"}:
        return CSV if sniffed != TXT else TXT
    if sniffed.startswith("text/x-") and not extension:
        return TXT  # source code and the like without a name: plain text
    return sniffed
