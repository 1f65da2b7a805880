"""Decompression-bomb limits for zip containers (OOXML, ODF), checked before inflating.

Two stages: :func:`precheck` reads only the end-of-central-directory record, so a zip with
millions of entries is refused before ``zipfile`` builds an object per entry;
:func:`check_zip` then judges the declared sizes. Reads are capped separately by the
callers, because declared sizes can lie.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from archive.ingest import refusals

MAX_ENTRIES = 10_000
MAX_TOTAL = 1024**3
MAX_RATIO = 100
RATIO_FLOOR = 50 * 1024**2
# A central directory this large holds far more entries than any real office document.
MAX_CENTRAL_DIRECTORY = 4 * 1024**2

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_MAX_COMMENT = 65535


def _declared(path: Path) -> tuple[int, int] | None:
    """(entries, central directory size) from the end record, or None if there is none."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        start = max(0, size - (_MAX_COMMENT + 22 + 20))
        fh.seek(start)
        tail = fh.read()
        pos = tail.rfind(_EOCD)
        if pos < 0 or pos + 22 > len(tail):
            return None
        entries = int.from_bytes(tail[pos + 10 : pos + 12], "little")
        cd_size = int.from_bytes(tail[pos + 12 : pos + 16], "little")
        if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
            loc = tail.rfind(_ZIP64_LOCATOR, 0, pos)
            if loc >= 0 and loc + 20 <= len(tail):
                offset = int.from_bytes(tail[loc + 8 : loc + 16], "little")
                fh.seek(offset)
                record = fh.read(56)
                if record[:4] == _ZIP64_EOCD and len(record) == 56:
                    entries = int.from_bytes(record[32:40], "little")
                    cd_size = int.from_bytes(record[40:48], "little")
    return entries, cd_size


def precheck(path: Path) -> None:
    """Refuse a zip whose directory alone is unreasonably large; reads a few bytes only."""
    declared = _declared(path)
    if declared is None:
        return  # no end record: zipfile will call it corrupt
    entries, cd_size = declared
    if entries > MAX_ENTRIES or cd_size > MAX_CENTRAL_DIRECTORY:
        raise refusals.decompression_bomb()


def check_zip(zf: zipfile.ZipFile) -> None:
    """Refuse on declared sizes alone, before a single byte is inflated."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise refusals.decompression_bomb()
    total = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if total > MAX_TOTAL or (total > MAX_RATIO * packed and total > RATIO_FLOOR):
        raise refusals.decompression_bomb()
    if any(info.flag_bits & 0x1 for info in infos):
        raise refusals.encrypted()
