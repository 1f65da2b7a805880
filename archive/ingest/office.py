"""Office, OpenDocument, RTF and plain-text files: container checks and text for search.

OOXML and ODF files are zip containers, so they are checked for decompression bombs on
their declared sizes before anything is inflated, and every read is capped as well, since
declared sizes can lie. XML is parsed with defusedxml and streamed, so memory stays small.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from defusedxml import ElementTree

from archive.errors import IngestRefused
from archive.ingest import formats, refusals
from archive.ingest.zipcheck import check_zip, precheck

MAX_TEKST = 2_000_000


@dataclass
class OfficeFeiten:
    tekst: str | None
    risico: list[str] = field(default_factory=list)


class _Bomb(Exception):
    """More bytes came out of a member than its header promised."""


class _CappedReader:
    """File-like wrapper that refuses to yield more than ``limit`` bytes."""

    def __init__(self, raw: BinaryIO, limit: int):
        self.raw = raw
        self.left = limit

    def read(self, size: int = -1) -> bytes:
        want = 64 * 1024 if size is None or size < 0 else size
        data = self.raw.read(min(want, self.left + 1))
        self.left -= len(data)
        if self.left < 0:
            raise _Bomb
        return data


class _Text:
    """Collects text up to the cap; ``full`` tells the parser it may stop."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    @property
    def full(self) -> bool:
        return self.size >= MAX_TEKST

    def add(self, text: str) -> None:
        if text and not self.full:
            self.parts.append(text)
            self.size += len(text)

    def result(self) -> str | None:
        text = "".join(self.parts)[:MAX_TEKST].strip()
        return text or None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _clear(element) -> None:
    """Free a processed element but keep its tail, which belongs to the parent's text."""
    tail = element.tail
    element.clear()
    element.tail = tail


def _stream_blocks(
    zf: zipfile.ZipFile,
    name: str,
    blocks: set[str],
    render: Callable[[object], str],
    out: _Text,
) -> None:
    """Stream one member; each finished block (paragraph, string) is rendered, then freed.

    Elements outside blocks are dropped from their parent as soon as they end, so a huge
    sheet or document is parsed in roughly constant memory.
    """
    info = zf.getinfo(name)
    with zf.open(info) as raw:
        reader = _CappedReader(raw, info.file_size)
        stack: list = []
        inside = 0
        for event, element in ElementTree.iterparse(reader, events=("start", "end")):
            is_block = _local(element.tag) in blocks
            if event == "start":
                stack.append(element)
                inside += is_block
                continue
            stack.pop()
            if is_block:
                out.add(render(element) + "\n")
                _clear(element)
                inside -= 1
                if out.full:
                    return
            if inside == 0 and stack:
                stack[-1].remove(element)


def _runs(text_tags: set[str], tab: str = "tab", breaks: frozenset = frozenset({"br", "cr"})):
    def render(block) -> str:
        pieces = []
        for node in block.iter():
            local = _local(node.tag)
            if local in text_tags:
                pieces.append(node.text or "")
            elif local == tab:
                pieces.append("\t")
            elif local in breaks:
                pieces.append("\n")
        return "".join(pieces)

    return render


def _odf_render(block) -> str:
    pieces: list[str] = []

    def visit(node, top: bool) -> None:
        local = _local(node.tag)
        if local == "s":
            pieces.append(" " * int(node.get(f"{{{_ODF_TEXT}}}c", "1") or 1))
        elif local == "tab":
            pieces.append("\t")
        elif local == "line-break":
            pieces.append("\n")
        else:
            pieces.append(node.text or "")
            for child in node:
                visit(child, False)
        if not top:
            pieces.append(node.tail or "")

    visit(block, True)
    return "".join(pieces)


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _numbered(names: Iterator[str], pattern: str) -> list[str]:
    regex = re.compile(pattern)
    found = [(int(m.group(1)), n) for n in names if (m := regex.fullmatch(n))]
    return [n for _, n in sorted(found)]


def _ooxml_text(zf: zipfile.ZipFile, formaat: str) -> str | None:
    names = zf.namelist()
    out = _Text()
    if formaat == formats.DOCX:
        render = _runs({"t"})
        for part in ["word/document.xml", "word/footnotes.xml", "word/endnotes.xml"]:
            if part in names and not out.full:
                _stream_blocks(zf, part, {"p"}, render, out)
    elif formaat == formats.XLSX:
        render = _runs({"t"}, breaks=frozenset())
        if "xl/sharedStrings.xml" in names:
            _stream_blocks(zf, "xl/sharedStrings.xml", {"si"}, render, out)
        for part in _numbered(iter(names), r"xl/worksheets/sheet(\d+)\.xml"):
            if out.full:
                break
            _stream_blocks(zf, part, {"is"}, render, out)
    elif formaat == formats.PPTX:
        render = _runs({"t"}, breaks=frozenset({"br"}))
        for part in _numbered(iter(names), r"ppt/slides/slide(\d+)\.xml"):
            if out.full:
                break
            _stream_blocks(zf, part, {"p"}, render, out)
    return out.result()


def _odf_text(zf: zipfile.ZipFile) -> str | None:
    if "content.xml" not in zf.namelist():
        return None
    out = _Text()
    _stream_blocks(zf, "content.xml", {"p", "h"}, _odf_render, out)
    return out.result()


def _odf_encrypted(zf: zipfile.ZipFile) -> bool:
    name = "META-INF/manifest.xml"
    if name not in zf.namelist():
        return False
    info = zf.getinfo(name)
    with zf.open(info) as raw:
        manifest = _CappedReader(raw, info.file_size).read(info.file_size)
    return b"encryption-data" in manifest


def _macros(names: list[str]) -> bool:
    return any(
        n.lower().endswith("vbaproject.bin") or n.startswith(("Basic/", "Scripts/")) for n in names
    )


def inspect_zip_document(path: Path, formaat: str) -> OfficeFeiten:
    """DOCX/XLSX/PPTX/ODT/ODS/ODP: refuse bombs and broken containers, extract text."""
    precheck(path)
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf)
            if formaat in formats.ODF and _odf_encrypted(zf):
                raise refusals.encrypted()
            risico = ["macros"] if _macros(zf.namelist()) else []
            try:
                tekst = _odf_text(zf) if formaat in formats.ODF else _ooxml_text(zf, formaat)
            except (ElementTree.ParseError, ValueError):
                # Malformed XML, or DTDs/entities that defusedxml refuses: keep the file,
                # lose only its search text.
                tekst = None
            return OfficeFeiten(tekst=tekst, risico=risico)
    except IngestRefused:
        raise
    except _Bomb:
        raise refusals.decompression_bomb() from None
    except Exception:  # BadZipFile (bad CRC, truncation), EOFError, zlib.error, OSError ...
        raise refusals.corrupt() from None


_OLE_MACROS = {"Macros", "_VBA_PROJECT_CUR", "VBA"}


def _xls_has_filepass(head: bytes) -> bool:
    """BIFF records before the first sheet: a FILEPASS record means the workbook is encrypted."""
    offset = 0
    while offset + 4 <= len(head):
        kind = int.from_bytes(head[offset : offset + 2], "little")
        length = int.from_bytes(head[offset + 2 : offset + 4], "little")
        if kind == 0x002F:  # FILEPASS
            return True
        if kind == 0x0085:  # BOUNDSHEET: the globals are past the point FILEPASS may appear
            return False
        offset += 4 + length
    return False


def inspect_ole_document(path: Path, formaat: str) -> OfficeFeiten:
    """Legacy DOC/XLS: no text extraction; flag macros, refuse encrypted files."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            entries = ole.listdir(streams=True, storages=True)
            macros = any(entry[0] in _OLE_MACROS for entry in entries)
            encrypted = False
            if formaat == formats.DOC and ole.exists("WordDocument"):
                with ole.openstream("WordDocument") as stream:
                    fib = stream.read(12)
                # FIB flag fEncrypted (bit 8 of the word at offset 0x0A).
                encrypted = len(fib) >= 12 and bool(int.from_bytes(fib[10:12], "little") & 0x100)
            for stream in ("Workbook", "Book"):
                if formaat == formats.XLS and ole.exists(stream):
                    with ole.openstream(stream) as fh:
                        encrypted = _xls_has_filepass(fh.read(64 * 1024))
                    break
    except Exception:
        raise refusals.corrupt() from None
    if encrypted:
        raise refusals.encrypted()
    return OfficeFeiten(tekst=None, risico=["macros"] if macros else [])


# -- text, CSV, XML ---------------------------------------------------------------------------


def decode_text(path: Path) -> str | None:
    """UTF-8 (with or without BOM), else Windows-1252; capped at MAX_TEKST characters."""
    with open(path, "rb") as fh:
        raw = fh.read(MAX_TEKST * 4)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", "replace")
    else:
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=False)
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
    text = text.replace("\x00", "")[:MAX_TEKST].strip()
    return text or None


_TAG = re.compile(r"<[^>]*>")


def xml_text(path: Path) -> str | None:
    """Crude: the document without its tags. Nothing is parsed, so nothing can expand."""
    text = decode_text(path)
    if text is None:
        return None
    text = re.sub(r"[ \t]*\n\s*", "\n", _TAG.sub(" ", text))
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    return text or None


# -- RTF --------------------------------------------------------------------------------------

_RTF_TOKEN = re.compile(
    r"\\'(?P<hex>[0-9a-fA-F]{2})"
    r"|\\(?P<word>[a-zA-Z]+)(?P<arg>-?\d+)? ?"
    r"|\\(?P<sym>.)"
    r"|(?P<brace>[{}])"
    r"|(?P<nl>[\r\n]+)"
    r"|(?P<text>[^\\{}\r\n]+)",
    re.DOTALL,
)
_RTF_SKIP = {
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "header",
    "footer",
    "object",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "generator",
    "xmlnstbl",
    "filetbl",
    "revtbl",
}
_RTF_NEWLINE = {"par", "line", "row", "sect", "page"}


def rtf_text(path: Path) -> str | None:
    """Strip control words from RTF; good enough for search, not for display."""
    with open(path, "rb") as fh:
        raw = fh.read(MAX_TEKST * 4).decode("latin-1")
    out: list[str] = []
    size = 0
    depth = 0
    skip_from: int | None = None  # depth at which an ignored group started
    skip_chars = 0  # characters following \uN that stand in for it
    group_start = False
    for match in _RTF_TOKEN.finditer(raw):
        kind = match.lastgroup
        if kind == "brace":
            if match.group("brace") == "{":
                depth += 1
                group_start = True
            else:
                if skip_from is not None and depth <= skip_from:
                    skip_from = None
                depth -= 1
                group_start = False
            continue
        starts_group, group_start = group_start, False
        if kind == "sym" and match.group("sym") == "*" and starts_group and skip_from is None:
            skip_from = depth
            continue
        if kind == "word" and starts_group and match.group("word") in _RTF_SKIP:
            if skip_from is None:
                skip_from = depth
            continue
        if skip_from is not None or kind == "nl":
            continue
        piece = ""
        if kind == "hex":
            if skip_chars:
                skip_chars -= 1
                continue
            piece = bytes([int(match.group("hex"), 16)]).decode("cp1252", "replace")
        elif kind == "word":
            word, arg = match.group("word"), match.group("arg")
            if word in _RTF_NEWLINE:
                piece = "\n"
            elif word == "tab":
                piece = "\t"
            elif word == "u" and arg is not None:
                piece = chr(int(arg) % 65536)
                skip_chars = 1
        elif kind == "sym":
            sym = match.group("sym")
            piece = {"~": "\u00a0", "-": "", "_": "-"}.get(sym, sym if sym in "\\{}" else "")
        elif kind == "text":
            piece = match.group("text")
            if skip_chars:
                drop = min(skip_chars, len(piece))
                piece, skip_chars = piece[drop:], skip_chars - drop
        out.append(piece)
        size += len(piece)
        if size >= MAX_TEKST:
            break
    text = re.sub(r"[ \t]+\n", "\n", "".join(out))[:MAX_TEKST].strip()
    return text or None
