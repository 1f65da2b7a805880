"""Office, OpenDocument, RTF and plain-text files: container checks and text for search.

OOXML and ODF files are zip containers, so they are checked for decompression bombs on
their declared sizes before anything is inflated, and every read is capped as well, since
declared sizes can lie. XML is parsed with defusedxml and streamed, so memory stays small.

Legacy DOC and XLS files are compound files (OLE/CFB). Word text is read through the piece
table of the document ([MS-DOC]), Excel cells with xlrd. Text is a convenience for search:
a legacy file whose structures do not add up is kept, only without text.
"""

from __future__ import annotations

import codecs
import re
import struct
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


# -- Word 97-2003 ------------------------------------------------------------------------------

_WORD_IDENT = 0xA5EC
_NFIB_WORD97 = 0x00C0  # Word 97 and later; 0x00C0 is the empty "new document" template
_FIB_ENCRYPTED = 0x0100
_FIB_TABLE_1 = 0x0200  # fWhichTblStm: the table stream is 1Table, else 0Table
_FIB_BASE = 32
_LW_CCP_TEXT = 3  # FibRgLw97.ccpText: characters in the main document
_FCLCB_CLX = 33  # FibRgFcLcb97.fcClx/lcbClx (offset 0x01A2 in a Word 97 FIB)
_FC_COMPRESSED = 0x40000000
_FC_MASK = 0x3FFFFFFF
_WORD_CHUNK = 64 * 1024  # characters decoded at a time

# Compressed pieces are 8-bit text: Latin-1, except 0x80-0x9F, which Word reads as cp1252.
_CP1252_HIGH = {
    byte: char
    for byte in range(0x80, 0xA0)
    if (char := bytes([byte]).decode("cp1252", "replace")) != "\ufffd"
}

# Word's control characters as plain text; other C0 characters are anchors (pictures,
# footnote references, drawn objects) and are dropped.
_WORD_CHARS: dict[int, str | None] = {c: None for c in range(0x20)}
_WORD_CHARS.update(
    {
        0x09: "\t",
        0x0A: "\n",
        0x0B: "\n",  # manual line break
        0x0C: "\n",  # page or section break
        0x0D: "\n",  # paragraph mark
        0x0E: "\n",  # column break
        0x1E: "-",  # non-breaking hyphen
        0x1F: None,  # optional hyphen
    }
)
_FIELD_MARK = re.compile(r"[\x13\x14\x15]|[^\x13\x14\x15]+")
_CELL_MARKS = re.compile(r"\x07+")


class _Malformed(Exception):
    """A Word structure points outside its stream or contradicts itself."""


def _cell_marks(match: re.Match) -> str:
    # A cell ends in \x07; so does a table row, right after the mark of its last cell.
    run = len(match.group())
    return "\t" if run == 1 else "\t" * (run - 2) + "\n"


class _WordText:
    """Turns the raw character stream of a Word document into text.

    Fields are ``\x13 code \x14 result \x15`` and may nest; only results are kept. The
    state carries over between pieces, since a field (or a run of cell marks) may span them.
    """

    def __init__(self, out: _Text) -> None:
        self.out = out
        self.fields: list[bool] = []  # per open field: has its result started?
        self.in_code = 0  # open fields still in their code part
        self.pending = ""  # trailing cell marks, which the next piece may continue

    def feed(self, raw: str) -> None:
        raw = self.pending + raw
        body = raw.rstrip("\x07")
        self.pending = raw[len(body) :]
        for match in _FIELD_MARK.finditer(body):
            token = match.group()
            if token == "\x13":
                self.fields.append(False)
                self.in_code += 1
            elif token == "\x14":
                if self.fields and not self.fields[-1]:
                    self.fields[-1] = True
                    self.in_code -= 1
            elif token == "\x15":
                if self.fields and not self.fields.pop():
                    self.in_code -= 1
            elif not self.in_code:
                self._emit(token)

    def finish(self) -> None:
        if self.pending and not self.in_code:
            self._emit(self.pending)
        self.pending = ""

    def _emit(self, text: str) -> None:
        self.out.add(_CELL_MARKS.sub(_cell_marks, text).translate(_WORD_CHARS))


def _read_at(stream: BinaryIO, size: int, offset: int, length: int) -> bytes:
    if offset < 0 or length < 0 or offset + length > size:
        raise _Malformed
    stream.seek(offset)
    data = stream.read(length)
    if len(data) != length:
        raise _Malformed
    return data


def _u16(stream: BinaryIO, size: int, offset: int) -> int:
    return struct.unpack("<H", _read_at(stream, size, offset, 2))[0]


def _piece_table(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """The pieces of a Clx: (first CP, CP after the last, stream offset, compressed)."""
    pos = 0
    while pos < len(clx):
        clxt = clx[pos]
        if clxt == 0x01:  # Prc: property modifiers of fast-saved files, not needed for text
            (cb_grpprl,) = struct.unpack_from("<h", clx, pos + 1)
            if cb_grpprl < 0:
                raise _Malformed
            pos += 3 + cb_grpprl
        elif clxt == 0x02:  # Pcdt: the PlcPcd, n+1 CPs then n piece descriptors
            (lcb,) = struct.unpack_from("<I", clx, pos + 1)
            plc = clx[pos + 5 : pos + 5 + lcb]
            if len(plc) != lcb or lcb < 16 or (lcb - 4) % 12:
                raise _Malformed
            n = (lcb - 4) // 12
            cps = struct.unpack_from(f"<{n + 1}I", plc)
            if cps[0] != 0 or any(a >= b for a, b in zip(cps, cps[1:], strict=False)):
                raise _Malformed
            pieces = []
            for i in range(n):
                (fc,) = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)
                compressed = bool(fc & _FC_COMPRESSED)
                offset = (fc & _FC_MASK) // 2 if compressed else fc & _FC_MASK
                pieces.append((cps[i], cps[i + 1], offset, compressed))
            return pieces
        else:
            raise _Malformed
    raise _Malformed  # no piece table at all


def _word_text(ole) -> str | None:
    """The main text of a Word 97-2003 document, through its piece table ([MS-DOC] 2.4.1)."""
    word_size = ole.get_size("WordDocument")
    with ole.openstream("WordDocument") as word:
        ident, nfib = struct.unpack("<HH", _read_at(word, word_size, 0, 4))
        flags = _u16(word, word_size, 0x0A)
        if ident != _WORD_IDENT or nfib < _NFIB_WORD97 or flags & _FIB_ENCRYPTED:
            return None  # Word 95 and older have another layout; encrypted text is noise
        # The FIB is variable-length: read the counts rather than trust fixed offsets.
        csw = _u16(word, word_size, _FIB_BASE)
        pos = _FIB_BASE + 2 + 2 * csw
        cslw = _u16(word, word_size, pos)
        if cslw <= _LW_CCP_TEXT:
            raise _Malformed
        (ccp_text,) = struct.unpack("<i", _read_at(word, word_size, pos + 2 + 4 * _LW_CCP_TEXT, 4))
        pos += 2 + 4 * cslw
        cb_rg_fc_lcb = _u16(word, word_size, pos)
        if cb_rg_fc_lcb <= _FCLCB_CLX:
            raise _Malformed
        fc_clx, lcb_clx = struct.unpack(
            "<II", _read_at(word, word_size, pos + 2 + 8 * _FCLCB_CLX, 8)
        )
        table_name = "1Table" if flags & _FIB_TABLE_1 else "0Table"
        if ccp_text <= 0 or lcb_clx == 0 or not ole.exists(table_name):
            return None
        table_size = ole.get_size(table_name)
        with ole.openstream(table_name) as table:
            clx = _read_at(table, table_size, fc_clx, lcb_clx)
        pieces = _piece_table(clx)

        out = _Text()
        text = _WordText(out)
        for first, after, offset, compressed in pieces:
            if first >= ccp_text or out.full:
                break
            count = min(after, ccp_text) - first
            width = 1 if compressed else 2
            _read_at(word, word_size, offset + count * width - 1, 1)  # the piece must fit
            decoder = codecs.getincrementaldecoder("latin-1" if compressed else "utf-16-le")(
                "replace"
            )
            done = 0
            while done < count and not out.full:
                step = min(_WORD_CHUNK, count - done)
                raw = _read_at(word, word_size, offset + done * width, step * width)
                chars = decoder.decode(raw, final=done + step == count)
                text.feed(chars.translate(_CP1252_HIGH) if compressed else chars)
                done += step
        text.finish()
    result = out.result()
    return re.sub(r"[ \t]+\n", "\n", result) if result else None


def _doc_text(ole) -> str | None:
    """Search text of a DOC, or None: a broken Word structure costs the text, not the file."""
    try:
        return _word_text(ole)
    except Exception:  # _Malformed, struct.error, OSError from olefile, ...
        return None


# -- Excel 97-2003 ----------------------------------------------------------------------------


class _Discard:
    """xlrd writes its warnings to a file; these go nowhere."""

    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _xls_cell(cell, datemode: int) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value.replace("\r\n", "\n").replace("\n", " ").replace("\t", " ")
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        value = cell.value
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate_as_datetime(cell.value, datemode)
        except Exception:
            return ""
        midnight = not (moment.hour or moment.minute or moment.second or moment.microsecond)
        return moment.date().isoformat() if midnight else moment.isoformat(" ")
    return ""  # empty, blank, boolean, error


def _xls_text(path: Path) -> str | None:
    """Cell text of every sheet: the sheet's name, then its rows, cells tab-separated."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True, logfile=_Discard())
    except Exception:
        return None
    out = _Text()
    try:
        for index in range(book.nsheets):
            if out.full:
                break
            sheet = book.sheet_by_index(index)
            out.add(sheet.name + "\n")
            for rowx in range(sheet.nrows):
                cells = [_xls_cell(cell, book.datemode) for cell in sheet.row(rowx)]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    out.add("\t".join(cells) + "\n")
                if out.full:
                    break
            book.unload_sheet(index)
    except Exception:  # XLRDError, CompDocError, struct.error, ... on a malformed workbook
        return None
    finally:
        book.release_resources()
    return out.result()


# -- legacy containers ------------------------------------------------------------------------


def inspect_ole_document(path: Path, formaat: str) -> OfficeFeiten:
    """Legacy DOC/XLS: flag macros, refuse encrypted files, extract text for search."""
    import olefile

    tekst = None
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
                if not encrypted:
                    tekst = _doc_text(ole)
            for stream in ("Workbook", "Book"):
                if formaat == formats.XLS and ole.exists(stream):
                    with ole.openstream(stream) as fh:
                        encrypted = _xls_has_filepass(fh.read(64 * 1024))
                    break
    except Exception:
        raise refusals.corrupt() from None
    if encrypted:
        raise refusals.encrypted()
    if formaat == formats.XLS:
        tekst = _xls_text(path)
    return OfficeFeiten(tekst=tekst, risico=["macros"] if macros else [])


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
