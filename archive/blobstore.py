"""Content-addressed blob store: every file is kept once, under its sha256, read-only.

Blobs are written to ``tmp/`` first, fsynced, then renamed into place and the directory
fsynced, so a crash leaves either the whole blob or nothing under the shard directories
(at most a stray temp file, which :meth:`BlobStore.clean_tmp` removes). Rows point to blobs,
never the other way round: a blob without a row is an orphan, found by :func:`find_orphans`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHARD = re.compile(r"[0-9a-f]{2}")
_CHUNK = 1024 * 1024
BLOB_MODE = 0o440


def _validate(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError("Een sha256 bestaat uit 64 kleine hexadecimale tekens.")
    return sha256


def _fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobStore:
    """Blobs under ``root/<sha[0:2]>/<sha[2:4]>/<sha>``; temp files under ``root/tmp``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    # -- writing -----------------------------------------------------------------------------

    def put_file(self, src: Path) -> tuple[str, int]:
        """Store the content of ``src``; returns (sha256, size). Idempotent per content."""
        with open(src, "rb") as fh:
            return self._put_stream(fh)

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        """Store ``data``; returns (sha256, size)."""
        digest = hashlib.sha256(data).hexdigest()
        if self.exists(digest):
            return digest, len(data)
        return self._put_chunks(iter([data]))

    def _put_stream(self, fh: BinaryIO) -> tuple[str, int]:
        return self._put_chunks(iter(lambda: fh.read(_CHUNK), b""))

    def _put_chunks(self, chunks: Iterator[bytes]) -> tuple[str, int]:
        hasher = hashlib.sha256()
        size = 0
        tmp = self.tmp / f"{secrets.token_hex(16)}.part"
        try:
            with open(tmp, "xb") as out:
                for chunk in chunks:
                    hasher.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = hasher.hexdigest()
            final = self.path(digest)
            if final.exists():
                # Refresh the age so an orphan sweep cannot take a blob this filing reuses.
                os.utime(final)
                return digest, size
            os.chmod(tmp, BLOB_MODE)
            self._make_shard(final.parent)
            self._replace(tmp, final)
            _fsync_dir(final.parent)
            return digest, size
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def _make_shard(self, shard: Path) -> None:
        """Create the two shard levels, fsyncing each parent that gained an entry."""
        for directory in (shard.parent, shard):
            if not directory.is_dir():
                directory.mkdir(exist_ok=True)
                _fsync_dir(directory.parent)

    def _replace(self, src: Path, dst: Path) -> None:
        """The atomic step; a seam so tests can simulate a crash right before it."""
        os.replace(src, dst)

    # -- reading -----------------------------------------------------------------------------

    def path(self, sha256: str) -> Path:
        _validate(sha256)
        return self.root / sha256[0:2] / sha256[2:4] / sha256

    def open(self, sha256: str) -> BinaryIO:
        """Open a blob for reading; FileNotFoundError when it is not stored."""
        return open(self.path(sha256), "rb")  # noqa: SIM115 - the caller closes it

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def delete(self, sha256: str) -> None:
        """Remove a blob (destruction or orphan cleanup only); missing is not an error."""
        path = self.path(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        _fsync_dir(path.parent)

    def iter_hashes(self) -> Iterator[str]:
        """Every stored blob, in no particular order; temp files are skipped."""
        for first in sorted(self.root.iterdir()):
            if not (_SHARD.fullmatch(first.name) and first.is_dir()):
                continue
            for second in sorted(first.iterdir()):
                if not (_SHARD.fullmatch(second.name) and second.is_dir()):
                    continue
                for blob in sorted(second.iterdir()):
                    name = blob.name
                    if (
                        _SHA256.fullmatch(name)
                        and name[0:2] == first.name
                        and name[2:4] == second.name
                        and blob.is_file()
                    ):
                        yield name

    def verify(self, sha256: str) -> bool:
        """Re-hash the stored bytes; False when the blob is missing or does not match."""
        hasher = hashlib.sha256()
        try:
            with self.open(sha256) as fh:
                for chunk in iter(lambda: fh.read(_CHUNK), b""):
                    hasher.update(chunk)
        except FileNotFoundError:
            return False
        return hasher.hexdigest() == sha256

    def clean_tmp(self, older_than_seconds: float = 3600) -> int:
        """Remove temp files left by crashed writes; young ones may still be in flight."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for entry in self.tmp.iterdir():
            try:
                info = entry.lstat()
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    entry.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


@dataclass
class FixityReport:
    """Outcome of a fixity run: which expected blobs are damaged or gone."""

    checked: int = 0
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatched and not self.missing


def fixity_check(
    store: BlobStore,
    expected: Iterable[str],
    progress: Callable[[int], object] | None = None,
) -> FixityReport:
    """Re-hash every expected blob; ``progress(n_done)`` is called after each one."""
    report = FixityReport()
    for done, sha256 in enumerate(expected, start=1):
        report.checked += 1
        try:
            present = store.exists(sha256)
        except ValueError:
            present = False
        if not present:
            report.missing.append(sha256)
        elif not store.verify(sha256):
            report.mismatched.append(sha256)
        if progress is not None:
            progress(done)
    return report


def find_orphans(store: BlobStore, referenced: set[str]) -> list[str]:
    """Blobs no row points to (e.g. left by a crash between blob write and commit)."""
    return sorted(sha for sha in store.iter_hashes() if sha not in referenced)
