"""E-mail (.eml and Outlook .msg): header facts, the body as search text, attachments as files.

Each attachment is written to a private temp directory under a neutral name; its
sanitised original name travels alongside as metadata only. The caller inspects each one
like any upload and removes the directory through ``Inspectie.cleanup``.
"""

from __future__ import annotations

import contextlib
import email.policy
import html
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from archive.errors import IngestRefused
from archive.ingest import refusals
from archive.ingest.filenames import sanitize_filename

MAX_TEKST = 2_000_000
MAX_BIJLAGEN = 500
_MAX_HEADER = 2000


@dataclass
class Bijlage:
    """An attachment of an e-mail, extracted to a temp file."""

    bestandsnaam: str
    path: Path


@dataclass
class MailFeiten:
    tekst: str | None
    kenmerken: dict
    bijlagen: list[Bijlage] = field(default_factory=list)
    tempdir: Path | None = None


class _Attachments:
    """Writes attachments one by one into a temp dir created on first use."""

    def __init__(self) -> None:
        self.dir: Path | None = None
        self.items: list[Bijlage] = []

    def add(self, name: str | None, data: bytes, fallback: str) -> None:
        if len(self.items) >= MAX_BIJLAGEN:
            raise refusals.too_many_attachments(MAX_BIJLAGEN)
        if self.dir is None:
            self.dir = Path(tempfile.mkdtemp(prefix="dossierhuis-bijlagen-"))
        target = self.dir / f"bijlage-{len(self.items) + 1:04d}"
        target.write_bytes(data)
        self.items.append(Bijlage(bestandsnaam=sanitize_filename(name or fallback), path=target))

    def discard(self) -> None:
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)


def _short(value: object) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text[:_MAX_HEADER] or None


class _HTMLText:
    """HTML to plain text for search: drop tags, scripts and styles; keep line structure."""

    _DROP = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
    _BREAK = re.compile(r"<(br|/p|/div|/tr|/li|/h[1-6])\b[^>]*>", re.IGNORECASE)
    _TAG = re.compile(r"<[^>]*>")

    @classmethod
    def convert(cls, markup: str) -> str:
        text = cls._DROP.sub(" ", markup)
        text = cls._BREAK.sub("\n", text)
        text = html.unescape(cls._TAG.sub(" ", text))
        text = re.sub(r"[ \t\r\f\v]+", " ", text)
        return re.sub(r"\s*\n\s*", "\n", text).strip()


def _compose_text(onderwerp: str | None, body: str | None) -> str | None:
    text = "\n\n".join(part for part in (onderwerp, (body or "").strip()) if part)
    return text[:MAX_TEKST] or None


# -- .eml -------------------------------------------------------------------------------------


def _addresses(message: EmailMessage, name: str) -> list[str]:
    try:
        header = message[name]
        if header is None:
            return []
        return [_short(address) or "" for address in header.addresses][:500]
    except Exception:  # malformed address lists: keep the raw text
        raw = message.get(name)
        return [_short(raw)] if raw else []


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        return _short(message[name])
    except Exception:
        return None


def _date(message: EmailMessage) -> str | None:
    try:
        header = message["Date"]
        moment = getattr(header, "datetime", None) if header is not None else None
        return moment.isoformat() if moment else None
    except Exception:
        return None


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace")
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        return _HTMLText.convert(content)
    return content


def _eml_body(message: EmailMessage) -> tuple[str | None, EmailMessage | None]:
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    if body is None:
        return None, None
    return _part_text(body)[:MAX_TEKST], body


def _collect(part: EmailMessage, body: EmailMessage | None, out: _Attachments) -> None:
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, EmailMessage):
            name = part.get_filename() or f"{_short(inner.get('Subject')) or 'bericht'}.eml"
            out.add(name, inner.as_bytes(policy=email.policy.default), "bericht.eml")
        return
    if part.is_multipart():
        for child in part.iter_parts():
            _collect(child, body, out)
        return
    if part is body:
        return
    filename = part.get_filename()
    disposition = part.get_content_disposition()
    if not filename and disposition != "attachment" and part.get_content_maintype() == "text":
        return  # an alternative rendering of the body, not an attachment
    data = part.get_payload(decode=True)
    if data is None:
        return
    out.add(filename, data, "bijlage")


def inspect_eml(path: Path) -> MailFeiten:
    """Parse an RFC 822 message; refuses what has no headers at all."""
    try:
        with open(path, "rb") as fh:
            message = BytesParser(policy=email.policy.default).parse(fh)
    except Exception:
        raise refusals.corrupt("Dit e-mailbericht") from None
    if not isinstance(message, EmailMessage) or not message.keys():
        raise refusals.corrupt("Dit e-mailbericht", "heeft geen berichtkoppen")
    onderwerp = _header(message, "Subject")
    kenmerken = {
        "afzender": _header(message, "From"),
        "ontvangers": _addresses(message, "To"),
        "cc": _addresses(message, "Cc"),
        "onderwerp": onderwerp,
        "datum": _date(message),
    }
    body_text, body = _eml_body(message)
    out = _Attachments()
    try:
        if message.is_multipart():
            for child in message.iter_parts():
                _collect(child, body, out)
        elif message.get_content_maintype() != "text":
            _collect(message, body, out)  # a message that is nothing but one attachment
    except IngestRefused:
        out.discard()
        raise
    except Exception:
        out.discard()
        raise refusals.corrupt("Dit e-mailbericht") from None
    return MailFeiten(
        tekst=_compose_text(onderwerp, body_text),
        kenmerken=kenmerken,
        bijlagen=out.items,
        tempdir=out.dir,
    )


# -- .msg -------------------------------------------------------------------------------------


def _msg_recipients(message, kind) -> list[str]:
    result = []
    for recipient in getattr(message, "recipients", None) or []:
        if getattr(recipient, "type", None) != kind:
            continue
        formatted = getattr(recipient, "formatted", None)
        if not formatted:
            name, address = getattr(recipient, "name", None), getattr(recipient, "email", None)
            formatted = f"{name} <{address}>" if name and address else (name or address)
        if formatted:
            result.append(_short(formatted) or "")
    return result[:500]


def _msg_date(message) -> str | None:
    moment = getattr(message, "date", None)
    return moment.isoformat() if isinstance(moment, datetime) else None


def _msg_body(message) -> str | None:
    body = getattr(message, "body", None)
    if body:
        return str(body)[:MAX_TEKST]
    html_body = getattr(message, "htmlBody", None)
    if html_body:
        if isinstance(html_body, bytes):
            html_body = html_body.decode("utf-8", "replace")
        return _HTMLText.convert(html_body)[:MAX_TEKST]
    return None


def _msg_attachments(message, out: _Attachments) -> None:
    from extract_msg.enums import AttachmentType

    for attachment in getattr(message, "attachments", None) or []:
        name = (
            getattr(attachment, "longFilename", None)
            or getattr(attachment, "shortFilename", None)
            or getattr(attachment, "displayName", None)
        )
        kind = getattr(attachment, "type", None)
        if kind == AttachmentType.DATA and isinstance(attachment.data, bytes):
            out.add(name, attachment.data, "bijlage")
        elif kind == AttachmentType.MSG:
            # An attached Outlook item: kept as a .msg of its own when it can be exported.
            try:
                data = attachment.data.exportBytes()
            except Exception:
                continue
            base = name or _short(getattr(attachment.data, "subject", None)) or "bericht"
            out.add(base if base.lower().endswith(".msg") else f"{base}.msg", data, "bericht.msg")
        # Web links, signed-message parts and broken attachments carry no file to keep.


def inspect_msg(path: Path) -> MailFeiten:
    """Parse an Outlook .msg with extract-msg; refuses what it cannot read."""
    import extract_msg

    try:
        message = extract_msg.openMsg(str(path))
    except Exception:
        raise refusals.corrupt("Dit Outlook-bericht") from None
    out = _Attachments()
    try:
        from extract_msg.enums import RecipientType

        onderwerp = _short(getattr(message, "subject", None))
        kenmerken = {
            "afzender": _short(getattr(message, "sender", None)),
            "ontvangers": _msg_recipients(message, RecipientType.TO),
            "cc": _msg_recipients(message, RecipientType.CC),
            "onderwerp": onderwerp,
            "datum": _msg_date(message),
        }
        tekst = _compose_text(onderwerp, _msg_body(message))
        _msg_attachments(message, out)
    except IngestRefused:
        out.discard()
        raise
    except Exception:
        out.discard()
        raise refusals.corrupt("Dit Outlook-bericht") from None
    finally:
        with contextlib.suppress(Exception):
            message.close()
    return MailFeiten(tekst=tekst, kenmerken=kenmerken, bijlagen=out.items, tempdir=out.dir)
