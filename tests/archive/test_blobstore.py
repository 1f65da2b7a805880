"""The blob store on a real filesystem: content addressing, atomic writes, fixity, orphans."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

import pytest

from archive.blobstore import BlobStore, FixityReport, find_orphans, fixity_check


def _files_outside_tmp(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and "tmp" not in p.relative_to(root).parts]


def test_put_file_returns_hash_and_size_and_stores_read_only(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    src = tmp_path / "a.bin"
    src.write_bytes(b"inhoud van een document")
    sha, size = store.put_file(src)
    assert sha == hashlib.sha256(b"inhoud van een document").hexdigest()
    assert size == len(b"inhoud van een document")
    path = store.path(sha)
    assert path == tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0
    with store.open(sha) as fh:
        assert fh.read() == b"inhoud van een document"
    assert store.exists(sha)
    assert list(store.iter_hashes()) == [sha]


def test_identical_content_is_stored_once(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    src = tmp_path / "a.bin"
    src.write_bytes(b"zelfde")
    first = store.put_file(src)
    second = store.put_file(src)
    third = store.put_bytes(b"zelfde")
    assert first == second == third
    assert list(store.iter_hashes()) == [first[0]]
    assert _files_outside_tmp(store.root) == [store.path(first[0])]
    assert list(store.tmp.iterdir()) == []


def test_put_bytes_and_large_streamed_file(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    data = os.urandom(3 * 1024 * 1024 + 17)  # more than one copy chunk
    src = tmp_path / "groot.bin"
    src.write_bytes(data)
    sha, size = store.put_file(src)
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert store.verify(sha)
    sha2, size2 = store.put_bytes(b"")
    assert size2 == 0 and store.exists(sha2)


class _CrashBeforeRename(BlobStore):
    """Simulates a crash right after the temp file is written and fsynced."""

    def _replace(self, src, dst):
        assert Path(src).exists()  # the temp write really happened
        raise OSError("stroomstoring")


def test_crash_between_temp_write_and_rename_leaves_nothing_behind(tmp_path):
    store = _CrashBeforeRename(tmp_path / "blobs")
    src = tmp_path / "a.bin"
    src.write_bytes(b"half geschreven")
    with pytest.raises(OSError, match="stroomstoring"):
        store.put_file(src)
    with pytest.raises(OSError):
        store.put_bytes(b"ook half")
    assert _files_outside_tmp(store.root) == []
    assert list(store.iter_hashes()) == []
    assert list(store.tmp.iterdir()) == []
    # A healthy store on the same directory simply writes it.
    healthy = BlobStore(tmp_path / "blobs")
    sha, _ = healthy.put_file(src)
    assert healthy.verify(sha)


def test_clean_tmp_removes_only_old_leftovers(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    old = store.tmp / "achtergebleven.part"
    old.write_bytes(b"x")
    an_hour_ago = time.time() - 7200
    os.utime(old, (an_hour_ago, an_hour_ago))
    young = store.tmp / "bezig.part"
    young.write_bytes(b"y")
    assert store.clean_tmp(older_than_seconds=3600) == 1
    assert not old.exists() and young.exists()


@pytest.mark.parametrize(
    "bad", ["", "abc", "A" * 64, "g" * 64, "../" + "a" * 61, "a" * 63 + "/", "a" * 65]
)
def test_invalid_hash_is_rejected(tmp_path, bad):
    store = BlobStore(tmp_path / "blobs")
    with pytest.raises(ValueError):
        store.open(bad)
    with pytest.raises(ValueError):
        store.path(bad)


def test_open_missing_blob_raises_file_not_found(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)
    assert not store.exists("0" * 64)
    assert not store.verify("0" * 64)


def test_delete_removes_blob(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    sha, _ = store.put_bytes(b"te vernietigen")
    store.delete(sha)
    assert not store.exists(sha)
    store.delete(sha)  # already gone: no error
    assert list(store.iter_hashes()) == []


def test_iter_hashes_skips_tmp_and_stray_files(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    sha, _ = store.put_bytes(b"echt")
    (store.tmp / ("f" * 64)).write_bytes(b"tijdelijk")
    (store.root / "README").write_text("geen blob")
    (store.path(sha).parent / "notitie.txt").write_text("geen blob")
    assert list(store.iter_hashes()) == [sha]


def _flip_byte(path: Path) -> None:
    os.chmod(path, 0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_fixity_detects_flipped_byte_and_missing_blob(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    good, _ = store.put_bytes(b"ongeschonden")
    damaged, _ = store.put_bytes(b"wordt beschadigd door bitrot")
    gone, _ = store.put_bytes(b"verdwijnt")
    _flip_byte(store.path(damaged))
    store.path(gone).unlink()
    seen: list[int] = []
    report = fixity_check(store, [good, damaged, gone, "niet-een-hash"], progress=seen.append)
    assert isinstance(report, FixityReport)
    assert report.checked == 4
    assert report.mismatched == [damaged]
    assert report.missing == [gone, "niet-een-hash"]
    assert not report.ok
    assert seen == [1, 2, 3, 4]
    assert not store.verify(damaged)
    assert store.verify(good)


def test_fixity_ok_on_healthy_store(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    hashes = [store.put_bytes(bytes([n]) * 100)[0] for n in range(5)]
    report = fixity_check(store, iter(hashes))
    assert report.ok and report.checked == 5


def test_find_orphans(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    kept, _ = store.put_bytes(b"hoort bij een documentversie")
    orphan_a, _ = store.put_bytes(b"wees a")
    orphan_b, _ = store.put_bytes(b"wees b")
    assert find_orphans(store, {kept}) == sorted([orphan_a, orphan_b])
    assert find_orphans(store, {kept, orphan_a, orphan_b}) == []
