"""Upload names are untrusted metadata: clean them for display, never build a path from them."""

from __future__ import annotations

import re
import unicodedata

MAX_NAAM = 200
_FALLBACK = "bestand"
_MAX_EXTENSIE = 16
# Categories dropped outright: control, format (bidi overrides, zero-width), surrogates.
_DROP = {"Cc", "Cf", "Cs"}
# Line/paragraph separators become a plain space.
_SPACE = {"Zl", "Zp"}
_RESERVED = re.compile(r'[<>:"|?*]')
_DOTS = re.compile(r"\.{2,}")
_SPACES = re.compile(r"\s+")
_EXT = re.compile(r"[A-Za-z0-9]{1,10}")


def _clean_chars(name: str) -> str:
    out = []
    for ch in name:
        category = unicodedata.category(ch)
        if category in _DROP:
            continue
        out.append(" " if category in _SPACE else ch)
    return "".join(out)


def sanitize_filename(name: str) -> str:
    """A safe display name: basename only, no control or bidi characters, at most 200 chars.

    The result is only ever shown or sent as a download name; storage is by sha256, so a
    hostile name cannot reach the filesystem however it is spelled.
    """
    text = unicodedata.normalize("NFC", str(name))
    text = _clean_chars(text)
    text = re.split(r"[/\\]", text)[-1]
    text = _RESERVED.sub("_", text)
    text = _DOTS.sub(".", text)
    text = _SPACES.sub(" ", text)
    text = text.strip().lstrip(".").strip().rstrip(". ")
    text = unicodedata.normalize("NFC", text)
    text = _clean_chars(text)  # NFC never adds them, but be certain
    if len(text) > MAX_NAAM:
        stem, dot, ext = text.rpartition(".")
        if dot and stem and len(ext) <= _MAX_EXTENSIE:
            text = stem[: MAX_NAAM - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            text = text[:MAX_NAAM].rstrip(". ")
    return text or _FALLBACK


def extension_of(name: str) -> str:
    """Lower-case extension without the dot, or "" when the name has none that looks real."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not _EXT.fullmatch(ext):
        return ""
    return ext.lower()
