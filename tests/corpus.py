"""Real files for ingest tests, built at test time into a directory the test owns.

Every builder writes ``path`` and returns it. Nothing is mocked: the PDFs come from
reportlab/pikepdf, the office files are real zip containers, the .msg is a genuine
compound file (CFB) written with extract-msg's own OLE writer.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

# -- PDF --------------------------------------------------------------------------------------


def _pdf_bytes(text: str = "Dossierhuis testdocument", pages: int = 2, *, tekst: bool = True):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("Testdocument")
    for n in range(pages):
        if tekst:
            c.drawString(72, 760, f"{text} (pagina {n + 1})")
        else:
            # A "scan": only graphics, no text operators at all.
            c.setFillGray(0.5)
            c.rect(72, 400, 300, 300, fill=1)
            c.line(72, 380, 372, 380)
        c.showPage()
    c.save()
    return buf.getvalue()


def normal_pdf(path: Path, text: str = "Dossierhuis testdocument", pages: int = 2) -> Path:
    path.write_bytes(_pdf_bytes(text, pages))
    return path


def _modify_pdf(path: Path, change, text: str = "Document met een actie") -> Path:
    with pikepdf.open(io.BytesIO(_pdf_bytes(text, 1))) as pdf:
        change(pdf)
        pdf.save(path)
    return path


def pdf_with_javascript(path: Path) -> Path:
    def change(pdf: pikepdf.Pdf) -> None:
        action = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hoi');"))
        )
        pdf.Root.OpenAction = action

    return _modify_pdf(path, change)


def pdf_with_names_javascript(path: Path) -> Path:
    """JavaScript only in the document-level /Names tree (runs on open in Acrobat)."""

    def change(pdf: pikepdf.Pdf) -> None:
        action = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.print();"))
        )
        pdf.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), action]))
        )

    return _modify_pdf(path, change)


def pdf_with_launch_action(path: Path) -> Path:
    def change(pdf: pikepdf.Pdf) -> None:
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
        annot = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=pikepdf.Array([72, 700, 300, 720]),
                A=launch,
            )
        )
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([annot]))

    return _modify_pdf(path, change)


def pdf_with_embedded_file(path: Path) -> Path:
    def change(pdf: pikepdf.Pdf) -> None:
        spec = pikepdf.AttachedFileSpec(pdf, b"verborgen inhoud", mime_type="text/plain")
        pdf.attachments["verborgen.txt"] = spec

    return _modify_pdf(path, change)


def encrypted_pdf(path: Path, *, user: str = "geheim", owner: str = "eigenaar") -> Path:
    """With ``user=""`` the PDF opens without a password (owner password only)."""
    with pikepdf.open(io.BytesIO(_pdf_bytes("Vertrouwelijk", 1))) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=user, owner=owner))
    return path


def truncated_pdf(path: Path) -> Path:
    """The first tenth of a real PDF: header and little else, no page tree."""
    data = _pdf_bytes("Afgebroken", 3)
    path.write_bytes(data[: max(60, len(data) // 10)])
    return path


def image_only_pdf(path: Path, pages: int = 1) -> Path:
    path.write_bytes(_pdf_bytes(pages=pages, tekst=False))
    return path


def pdfa_claim_pdf(path: Path, *, titel: str = "Besluit", auteur: str = "Gemeente") -> Path:
    """A PDF whose XMP claims PDF/A-2b (a claim, not validated conformance)."""
    with pikepdf.open(io.BytesIO(_pdf_bytes("Archiefwaardig", 1))) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
            meta["dc:title"] = titel
            meta["dc:creator"] = [auteur]
            meta["xmp:CreateDate"] = "2024-03-01T10:30:00+01:00"
        pdf.save(path)
    return path


# -- images -----------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(path: Path, width: int = 4, height: int = 3) -> Path:
    """A valid 8-bit greyscale PNG, written byte by byte."""
    raw = b"".join(b"\x00" + bytes([(x * 60) % 256 for x in range(width)]) for _ in range(height))
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(raw))
        + _png_chunk(b"IEND", b"")
    )
    path.write_bytes(data)
    return path


def jpeg(path: Path) -> Path:
    """A valid 8x8 grey baseline JPEG: one block whose DC and AC codes are both '0'."""

    def segment(marker: int, body: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body

    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\x00" + bytes([1] * 64)
    sof = struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"
    # One code of length 1 per table: DC symbol 0 (no difference), AC symbol 0 (end of block).
    dht_dc = b"\x00" + bytes([1] + [0] * 15) + b"\x00"
    dht_ac = b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    sos = b"\x01\x01\x00\x00\x3f\x00"
    data = (
        b"\xff\xd8"
        + segment(0xE0, jfif)
        + segment(0xDB, dqt)
        + segment(0xC0, sof)
        + segment(0xC4, dht_dc)
        + segment(0xC4, dht_ac)
        + segment(0xDA, sos)
        + b"\x3f"  # bits 0 (DC) 0 (EOB), padded with ones
        + b"\xff\xd9"
    )
    path.write_bytes(data)
    return path


def tiff(path: Path) -> Path:
    """A 1x1 8-bit greyscale baseline TIFF (little-endian)."""
    entries = [
        (256, 3, 1, 1),  # ImageWidth
        (257, 3, 1, 1),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # Photometric: black is zero
        (273, 4, 1, 0),  # StripOffsets (patched below)
        (278, 3, 1, 1),  # RowsPerStrip
        (279, 4, 1, 1),  # StripByteCounts
    ]
    ifd_offset = 8
    pixel_offset = ifd_offset + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        if tag == 273:
            value = pixel_offset
        packed = struct.pack("<H", value) + b"\x00\x00" if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    ifd += struct.pack("<I", 0)
    path.write_bytes(b"II*\x00" + struct.pack("<I", ifd_offset) + ifd + b"\x80")
    return path


# -- office -----------------------------------------------------------------------------------


def docx(path: Path, text: str = "Verslag van het overleg") -> Path:
    import docx as python_docx

    document = python_docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))
    return path


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xlsx(
    path: Path, cellen: tuple[str, ...] = ("Naam", "Adres"), inline: str = "Inline tekst"
) -> Path:
    """A minimal spreadsheet: shared strings in row 1 and one inline string in row 2."""
    shared = "".join(f"<si><t>{_xml_escape(c)}</t></si>" for c in cellen)
    refs = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(cellen)))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1">{refs}</row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{_xml_escape(inline)}</t></is></c>'
        '<c r="B2"><v>42</v></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in _XLSX_PARTS.items():
            zf.writestr(name, body)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        zf.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(cellen)}" uniqueCount="{len(cellen)}">{shared}</sst>',
        )
    return path


def pptx(path: Path, dia_teksten: tuple[str, ...] = ("Eerste dia", "Tweede dia")) -> Path:
    """A minimal presentation container: content types plus one XML part per slide."""
    overrides = "".join(
        f'<Override PartName="/ppt/slides/slide{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.presentationml.slide+xml"/>'
        for n in range(1, len(dia_teksten) + 1)
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/ppt/presentation.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
        f"{overrides}</Types>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr(
            "ppt/presentation.xml",
            '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/'
            'main"/>',
        )
        for n, tekst in enumerate(dia_teksten, start=1):
            zf.writestr(
                f"ppt/slides/slide{n}.xml",
                '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
                'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld>'
                f"<p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{_xml_escape(tekst)}</a:t></a:r>"
                "</a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>",
            )
    return path


def odt(path: Path, text: str = "Notulen van de vergadering") -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for line in text.split("\n"):
        document.text.addElement(P(text=line))
    document.save(str(path))
    return path


def ods(path: Path, waarde: str = "Begroting wijkteam") -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Blad1")
    row = TableRow()
    cell = TableCell(valuetype="string")
    cell.addElement(P(text=waarde))
    row.addElement(cell)
    table.addElement(row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def decompression_bomb_docx(path: Path, megabytes: int = 200) -> Path:
    """A docx-looking zip whose document part inflates to ``megabytes`` MB of zeros."""
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _DOCX_TYPES)
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return path


def lying_zip_docx(path: Path, megabytes: int = 60) -> Path:
    """A docx whose central directory understates the document part's size.

    The declared sizes look harmless, so only a cap on what is actually inflated stops it.
    """
    payload = b"<w:document>" + bytes(megabytes * 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _DOCX_TYPES)
        zf.writestr("word/document.xml", payload)
    data = bytearray(buf.getvalue())
    real = struct.pack("<I", len(payload))
    fake = struct.pack("<I", 1000)
    # Patch the uncompressed size in both the local header and the central directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (pos := data.find(signature, start)) != -1:
            if data[pos + offset : pos + offset + 4] == real:
                data[pos + offset : pos + offset + 4] = fake
            start = pos + 4
    path.write_bytes(bytes(data))
    return path


def many_entries_zip(path: Path, entries: int = 10_001) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", _DOCX_TYPES)
        for n in range(entries):
            zf.writestr(f"word/media/x{n}.xml", b"")
    return path


def corrupt_docx(path: Path) -> Path:
    """A real docx with its central directory cut off."""
    docx(path, "Dit wordt afgebroken")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def rtf(path: Path, text: str = "Brief aan de raad") -> Path:
    body = text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
    path.write_bytes(
        b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}"
        b"{\\info{\\author Iemand}}\\f0\\fs24 "
        + body.encode("cp1252")
        + b"\\par Tweede regel met caf\\'e9.\\par}"
    )
    return path


def _compound_file(path: Path, streams: dict[str, bytes | None]) -> Path:
    """A CFB container with the given streams (``None`` makes a storage)."""
    from extract_msg.ole_writer import OleWriter

    writer = OleWriter()
    for name, data in streams.items():
        if data is None:
            writer.addEntry(name, storage=True)
        else:
            writer.addEntry(name, data)
    writer.write(str(path))
    return path


_DOC_DEFECTS = {"clx", "cps", "piece", "fcclx"}


def legacy_doc(
    path: Path,
    *,
    encrypted: bool = False,
    macros: bool = False,
    stukken: Sequence[tuple[str, bool]] = (),
    tabel: str = "1Table",
    defect: str | None = None,
) -> Path:
    """A Word 97-2003 document ([MS-DOC]): a WordDocument stream that starts with a FIB.

    Without ``stukken`` the FIB points to no text. ``stukken`` are the pieces of the main
    text, each ``(text, compressed)``: compressed pieces are stored as 8-bit cp1252, the
    others as UTF-16LE, all described by one piece table (a Clx, after one Prc) in the table
    stream ``tabel`` ("1Table" or "0Table", as the FIB's fWhichTblStm says). ``defect``
    breaks the piece table: ``"clx"`` (an unknown Clx entry), ``"cps"`` (character positions
    out of order), ``"piece"`` (a piece beyond the end of the stream) or ``"fcclx"`` (the
    Clx pointer past the end of the table stream).
    """
    assert tabel in {"0Table", "1Table"} and (defect is None or defect in _DOC_DEFECTS)
    text_start = 0x400
    body = b""
    cps, fcs = [0], []
    for text, compressed in stukken:
        offset = text_start + len(body)
        if compressed:
            data, fc = text.encode("cp1252"), (offset * 2) | 0x40000000
        else:
            data, fc = text.encode("utf-16-le"), offset
        body += data + (b"\x00" if len(data) % 2 else b"")  # keep every piece at an even offset
        cps.append(cps[-1] + len(text))
        fcs.append(fc)
    ccp_text = cps[-1]
    word_size = text_start + len(body) + 4096

    clx, clx_offset = b"", 0x100
    if stukken:
        if defect == "cps":
            cps[-1] = 0
        if defect == "piece":
            fcs[-1] = word_size + 0x1000
        pcds = b"".join(struct.pack("<HIH", 0, fc, 0) for fc in fcs)
        plc = struct.pack(f"<{len(cps)}I", *cps) + pcds
        prc = b"\x01" + struct.pack("<h", 3) + struct.pack("<HB", 0x0835, 1)  # sprmCFBold
        clx = prc + b"\x02" + struct.pack("<I", len(plc)) + plc
        if defect == "clx":
            clx = b"\x07" + clx[1:]
    table = (bytes(clx_offset) + clx).ljust(4096, b"\x00")
    fc_clx = len(table) + 16 if defect == "fcclx" else clx_offset

    flags = 0x1000  # fExtChar, always set by Word 97 and later
    flags |= 0x0100 if encrypted else 0
    flags |= 0x0200 if tabel == "1Table" else 0
    fib_base = struct.pack(
        "<HHHHHHHIBBHHII", 0xA5EC, 0x00C1, 0, 0x0413, 0, flags, 0x00BF, 0, 0, 0, 0, 0, 0, 0
    )
    rg_w = struct.pack("<H", 14) + bytes(2 * 14)
    rg_lw = struct.pack("<H", 22) + struct.pack("<22i", word_size, 0, 0, ccp_text, *[0] * 18)
    fc_lcb = [0] * (2 * 0x5D)
    fc_lcb[2 * 33], fc_lcb[2 * 33 + 1] = fc_clx, len(clx)  # fcClx, lcbClx at 0x01A2
    rg_fc_lcb = struct.pack("<H", 0x5D) + struct.pack(f"<{len(fc_lcb)}I", *fc_lcb)
    fib = fib_base + rg_w + rg_lw + rg_fc_lcb + struct.pack("<H", 0)  # cswNew
    assert len(fib) == 900 and fib[0x1A2:0x1A6] == struct.pack("<I", fc_clx)
    word = (fib.ljust(text_start, b"\x00") + body).ljust(word_size, b"\x00")

    streams: dict[str, bytes | None] = {"WordDocument": word, tabel: table}
    if macros:
        streams["Macros"] = None
        streams["Macros/PROJECT"] = b'ID="{00000000}"'
    return _compound_file(path, streams)


def _biff(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _biff_string(text: str, length_format: str) -> bytes:
    """An XLUnicodeString: 8-bit when every character fits, else UTF-16LE (fHighByte)."""
    wide = any(ord(c) > 0xFF for c in text)
    chars = text.encode("utf-16-le") if wide else text.encode("latin-1")
    return struct.pack(length_format, len(text)) + bytes([1 if wide else 0]) + chars


def _biff_bof(kind: int) -> bytes:
    return _biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def legacy_xls(
    path: Path,
    *,
    encrypted: bool = False,
    bladen: dict[str, list[list[str | float | date | None]]] | None = None,
) -> Path:
    """An Excel 97-2003 workbook: a Workbook stream of BIFF8 records ([MS-XLS]).

    Without ``bladen``: BOF, optionally FILEPASS, then one empty sheet record, no sheet
    behind it. With ``bladen`` (sheet name -> rows of cells): a real, minimal workbook that
    Excel's readers accept, strings in the shared string table (LABELSST), numbers and dates
    as NUMBER records.
    """
    filepass = _biff(0x002F, bytes(6)) if encrypted else b""
    if bladen is None:
        stub = _biff_bof(0x0005) + filepass + _biff(0x0085, bytes(8))
        return _compound_file(path, {"Workbook": stub.ljust(4096, b"\x00")})

    strings: list[str] = []
    sheets = []
    for rows in bladen.values():
        records = b""
        for rowx, row in enumerate(rows):
            for colx, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    if value not in strings:
                        strings.append(value)
                    cell = struct.pack("<HHHI", rowx, colx, 1, strings.index(value))
                    records += _biff(0x00FD, cell)  # LABELSST
                elif isinstance(value, date):
                    serial = (value - date(1899, 12, 30)).days
                    records += _biff(0x0203, struct.pack("<HHHd", rowx, colx, 2, serial))
                else:
                    records += _biff(0x0203, struct.pack("<HHHd", rowx, colx, 1, value))
        width = max((len(row) for row in rows), default=0)
        dimensions = _biff(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        sheets.append(_biff_bof(0x0010) + dimensions + records + _biff(0x000A, b""))

    def xf(format_key: int, style: bool) -> bytes:
        type_par = 0xFFF5 if style else 0x0001  # style XF, or locked cell XF of style 0
        return _biff(
            0x00E0, struct.pack("<HHHBBBBIiH", 0, format_key, type_par, 0x20, 0, 0, 0, 0, 0, 0x20C0)
        )

    sst_body = struct.pack("<II", len(strings), len(strings)) + b"".join(
        _biff_string(text, "<H") for text in strings
    )
    assert len(sst_body) <= 8224, "keep the test strings short: no CONTINUE records"

    def globals_(positions: list[int]) -> bytes:
        boundsheets = b"".join(
            _biff(0x0085, struct.pack("<IBB", position, 0, 0) + _biff_string(name, "<B"))
            for position, name in zip(positions, bladen, strict=True)
        )
        return (
            _biff_bof(0x0005)
            + filepass
            + _biff(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
            + _biff(0x0022, struct.pack("<H", 0))  # DATEMODE: 1900 system
            + xf(0, True)
            + xf(0, False)
            + xf(0x0E, False)  # built-in date format
            + boundsheets
            + _biff(0x00FC, sst_body)
            + _biff(0x000A, b"")
        )

    position = len(globals_([0] * len(sheets)))
    positions = []
    for sheet in sheets:
        positions.append(position)
        position += len(sheet)
    workbook = globals_(positions) + b"".join(sheets)
    return _compound_file(path, {"Workbook": workbook.ljust(4096, b"\x00")})


def encrypted_docx(path: Path) -> Path:
    """What Office writes for a password-protected .docx: a CFB with an encrypted package."""
    return _compound_file(path, {"EncryptionInfo": bytes(256), "EncryptedPackage": bytes(8192)})


# -- e-mail -----------------------------------------------------------------------------------


def eml_with_attachments(
    path: Path,
    attachments: list[tuple[str, bytes, str]] | None = None,
    *,
    subject: str = "Melding overlast Dorpsstraat",
    body: str = "Beste collega,\n\nHierbij de melding.\n",
    html: str | None = None,
) -> Path:
    message = EmailMessage()
    message["From"] = "Melder <melder@example.org>"
    message["To"] = "Team Wijk <wijk@gemeente.example>, Jan <jan@gemeente.example>"
    message["Cc"] = "archief@gemeente.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2024, 5, 6, 9, 15, tzinfo=UTC))
    message["Message-ID"] = "<test-1@example.org>"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, data, mime in attachments or []:
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path.write_bytes(bytes(message))
    return path


def _msg_property(tag: int, kind: int, value: bytes = b"", size: int | None = None) -> bytes:
    """One 16-byte entry of a __properties_version1.0 stream ([MS-OXMSG] 2.4.2)."""
    head = struct.pack("<II", (tag << 16) | kind, 0x06)
    if size is not None:  # variable-length property: the value lives in its own stream
        return head + struct.pack("<II", size, 0)
    return head + value.ljust(8, b"\x00")


def _filetime(moment: datetime) -> bytes:
    return struct.pack("<Q", int(moment.timestamp() * 10_000_000) + 116444736000000000)


def msg(
    path: Path,
    *,
    subject: str = "Vraag over vergunning",
    body: str = "Goedemiddag, graag ontvang ik informatie over de vergunning.",
    attachments: list[tuple[str, bytes]] | None = None,
) -> Path:
    """A genuine Outlook .msg (CFB container, [MS-OXMSG] layout) with one recipient.

    Written with ``extract_msg.ole_writer.OleWriter`` (the CFB writer that ships with
    extract-msg); default attachment: a small text file.
    """
    from extract_msg.ole_writer import OleWriter

    if attachments is None:
        attachments = [("notitie.txt", b"korte notitie bij de vraag")]
    writer = OleWriter(rootClsid=bytes.fromhex("0b0d020000000000c000000000000046"))

    def text(storage: str, prop: int, value: str) -> tuple[bytes, int]:
        data = value.encode("utf-16-le")
        name = f"__substg1.0_{prop:04X}001F"
        writer.addEntry(f"{storage}{name}" if storage else name, data)
        return data, len(data) + 2

    def binary(storage: str, prop: int, data: bytes) -> int:
        writer.addEntry(f"{storage}__substg1.0_{prop:04X}0102", data)
        return len(data)

    props = []
    for prop, value in (
        (0x001A, "IPM.Note"),
        (0x0037, subject),
        (0x1000, body),
        (0x0C1A, "Burger Bakker"),
        (0x0C1F, "b.bakker@example.org"),
        (0x5D01, "b.bakker@example.org"),
        (0x0E04, "Team Vergunningen"),
        (0x0E03, ""),
    ):
        _data, size = text("", prop, value)
        props.append(_msg_property(prop, 0x001F, size=size))
    moment = _filetime(datetime(2024, 2, 3, 14, 0, tzinfo=UTC))
    props.append(_msg_property(0x0039, 0x0040, moment))  # PidTagClientSubmitTime
    props.append(_msg_property(0x0E06, 0x0040, moment))  # PidTagMessageDeliveryTime
    props.append(_msg_property(0x0E07, 0x0003, struct.pack("<I", 0)))  # message flags
    header = struct.pack("<8xIIII8x", 1, len(attachments), 1, len(attachments))
    writer.addEntry("__properties_version1.0", header + b"".join(props))

    recip = "__recip_version1.0_#00000000/"
    writer.addEntry(recip.rstrip("/"), storage=True)
    rprops = []
    for prop, value in (
        (0x3001, "Team Vergunningen"),
        (0x39FE, "vergunningen@gemeente.example"),
        (0x3003, "vergunningen@gemeente.example"),
    ):
        _data, size = text(recip, prop, value)
        rprops.append(_msg_property(prop, 0x001F, size=size))
    rprops.append(_msg_property(0x0C15, 0x0003, struct.pack("<I", 1)))  # MAPI_TO
    writer.addEntry(recip + "__properties_version1.0", bytes(8) + b"".join(rprops))

    for n, (name, data) in enumerate(attachments):
        att = f"__attach_version1.0_#{n:08X}/"
        writer.addEntry(att.rstrip("/"), storage=True)
        aprops = []
        for prop, value in ((0x3707, name), (0x3704, name[:12]), (0x370E, "text/plain")):
            _data, size = text(att, prop, value)
            aprops.append(_msg_property(prop, 0x001F, size=size))
        aprops.append(_msg_property(0x3701, 0x0102, size=binary(att, 0x3701, data)))
        aprops.append(_msg_property(0x3705, 0x0003, struct.pack("<I", 1)))  # ATTACH_BY_VALUE
        aprops.append(_msg_property(0x0E21, 0x0003, struct.pack("<I", n)))  # attach number
        writer.addEntry(att + "__properties_version1.0", bytes(8) + b"".join(aprops))

    writer.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    writer.write(str(path))
    return path


# -- odds and ends ----------------------------------------------------------------------------


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def oversized(path: Path, n: int) -> Path:
    """``n`` bytes of plain text."""
    line = b"regel tekst voor een te groot bestand\n"
    path.write_bytes((line * (n // len(line) + 1))[:n])
    return path
