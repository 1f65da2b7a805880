"""Outgoing webhooks: signed JSON events for other systems, retried with exponential
backoff, parked as dead letters after the last attempt, replayable by an administrator.

The body follows the ZGW Notificaties API (kanaal, hoofdObject, resource, resourceUrl,
actie, aanmaakdatum, kenmerken) with identificaties and URLs only. Headers:
``Idempotency-Key`` (the event's kenmerk: receivers drop repeats), ``X-Dossierhuis-Event``,
``X-Dossierhuis-Timestamp`` and ``X-Dossierhuis-Signature: sha256=<hex>`` — the HMAC-SHA256
of ``<timestamp>.<body>`` with the webhook's secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from archive import audit, rollen
from archive.db import utcnow
from archive.errors import Forbidden, NotFound, ValidationFailed
from archive.models import NotificatieGebeurtenis, User, Webhook, WebhookAflevering
from archive.notificaties import soorten, wachtrij
from zaaktypen.models import Afdeling

log = logging.getLogger(__name__)

STATUSSEN = ("wachtend", "afgeleverd", "dood")
MAX_NAAM = 100
MAX_URL = 500


def require_admin(user: User | None) -> User:
    """Webhooks send events out of the system: DIV / system administrators only."""
    if not rollen.is_beheerder(user):
        raise Forbidden("Alleen beheerders beheren webhooks.")
    return user


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"dossierhuis-webhook-geheim:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(secret_key: str, geheim: str) -> str:
    return _fernet(secret_key).encrypt(geheim.encode()).decode()


def decrypt_secret(secret_key: str, versleuteld: str) -> str:
    try:
        return _fernet(secret_key).decrypt(versleuteld.encode()).decode()
    except InvalidToken:
        raise ValueError(
            "het webhookgeheim is niet te ontsleutelen (is SECRET_KEY veranderd?)"
        ) from None


def sign(geheim: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(geheim.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(geheim: str, timestamp: str, body: bytes, signature: str) -> bool:
    """For receivers (and the tests): constant-time comparison."""
    return hmac.compare_digest(sign(geheim, timestamp, body), signature)


# -- administration ------------------------------------------------------------------------


def _validate(session: Session, naam: str, url: str, soort_lijst, afdeling_codes, webhook=None):
    errors: dict[str, list[str]] = {}
    naam = (naam or "").strip()
    url = (url or "").strip()
    if not naam:
        errors["naam"] = ["Geef de webhook een naam."]
    elif len(naam) > MAX_NAAM:
        errors["naam"] = [f"Maximaal {MAX_NAAM} tekens."]
    elif session.scalar(
        select(Webhook.id).where(
            Webhook.naam == naam, Webhook.id != (webhook.id if webhook else -1)
        )
    ):
        errors["naam"] = ["Er is al een webhook met deze naam."]
    parts = urlsplit(url)
    if len(url) > MAX_URL:
        errors["url"] = [f"Maximaal {MAX_URL} tekens."]
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        errors["url"] = [
            "Geef een volledige http- of https-URL, bijvoorbeeld https://systeem.example/hook."
        ]
    elif parts.username or parts.password:
        errors["url"] = [
            "Zet geen gebruikersnaam of wachtwoord in de URL; de handtekening bewijst de afzender."
        ]
    gekozen = [s for s in (soort_lijst or []) if s]
    onbekend = [s for s in gekozen if s not in soorten.EVENTS]
    if onbekend:
        errors["soorten"] = [
            f"Onbekende soort: {', '.join(onbekend)}. Kies uit: {', '.join(soorten.EVENTS)}."
        ]
    codes = [c for c in (afdeling_codes or []) if c]
    afdelingen = (
        list(session.scalars(select(Afdeling).where(Afdeling.code.in_(codes)))) if codes else []
    )
    missing = sorted(set(codes) - {a.code for a in afdelingen})
    if missing:
        errors["afdelingen"] = [f"Onbekende afdeling: {', '.join(missing)}."]
    if errors:
        raise ValidationFailed(errors)
    return naam, url, sorted(set(gekozen)), sorted(a.id for a in afdelingen)


def create_webhook(
    session: Session,
    actor: User,
    settings,
    *,
    naam: str,
    url: str,
    soort_lijst: list[str] | None = None,
    afdeling_codes: list[str] | None = None,
) -> tuple[Webhook, str]:
    """Returns the webhook and its secret — shown this once, stored only encrypted."""
    require_admin(actor)
    naam, url, gekozen, afdeling_ids = _validate(session, naam, url, soort_lijst, afdeling_codes)
    geheim = secrets.token_urlsafe(32)
    hook = Webhook(
        naam=naam,
        url=url,
        geheim_versleuteld=encrypt_secret(settings.secret_key, geheim),
        soorten=gekozen,
        afdeling_ids=afdeling_ids,
        aangemaakt_door_id=actor.id,
    )
    session.add(hook)
    session.flush()
    audit.record(
        session,
        actor,
        "webhook.aangemaakt",
        "webhook",
        str(hook.id),
        na={"naam": naam, "url": url, "soorten": gekozen, "afdeling_ids": afdeling_ids},
    )
    return hook, geheim


def update_webhook(
    session: Session,
    actor: User,
    hook: Webhook,
    *,
    naam: str,
    url: str,
    soort_lijst: list[str] | None,
    afdeling_codes: list[str] | None,
    actief: bool,
) -> Webhook:
    require_admin(actor)
    voor = {
        "naam": hook.naam,
        "url": hook.url,
        "soorten": hook.soorten,
        "afdeling_ids": hook.afdeling_ids,
        "actief": hook.actief,
    }
    naam, url, gekozen, afdeling_ids = _validate(
        session, naam, url, soort_lijst, afdeling_codes, hook
    )
    hook.naam, hook.url, hook.soorten, hook.afdeling_ids, hook.actief = (
        naam,
        url,
        gekozen,
        afdeling_ids,
        bool(actief),
    )
    if hook.actief and not voor["actief"]:
        # switched on again: what waited while it was off goes out now
        session.execute(
            update(WebhookAflevering)
            .where(WebhookAflevering.webhook_id == hook.id, WebhookAflevering.status == "wachtend")
            .values(volgende_poging_op=utcnow(), geclaimd_tot=None)
        )
    session.flush()
    audit.record(
        session,
        actor,
        "webhook.gewijzigd",
        "webhook",
        str(hook.id),
        voor=voor,
        na={
            "naam": naam,
            "url": url,
            "soorten": gekozen,
            "afdeling_ids": afdeling_ids,
            "actief": hook.actief,
        },
    )
    return hook


def rotate_secret(session: Session, actor: User, settings, hook: Webhook) -> str:
    require_admin(actor)
    geheim = secrets.token_urlsafe(32)
    hook.geheim_versleuteld = encrypt_secret(settings.secret_key, geheim)
    session.flush()
    audit.record(session, actor, "webhook.geheim_vernieuwd", "webhook", str(hook.id))
    return geheim


def delete_webhook(session: Session, actor: User, hook: Webhook) -> None:
    require_admin(actor)
    audit.record(
        session,
        actor,
        "webhook.verwijderd",
        "webhook",
        str(hook.id),
        voor={"naam": hook.naam, "url": hook.url},
    )
    session.delete(hook)
    session.flush()


def get_webhook(session: Session, actor: User, webhook_id: int) -> Webhook:
    require_admin(actor)
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(f"Webhook {webhook_id} bestaat niet.")
    return hook


def list_webhooks(session: Session, actor: User) -> list[Webhook]:
    require_admin(actor)
    return list(session.scalars(select(Webhook).order_by(Webhook.naam)))


def delivery_counts(session: Session, actor: User) -> dict[int, dict[str, int]]:
    require_admin(actor)
    out: dict[int, dict[str, int]] = {}
    for webhook_id, status, n in session.execute(
        select(WebhookAflevering.webhook_id, WebhookAflevering.status, func.count()).group_by(
            WebhookAflevering.webhook_id, WebhookAflevering.status
        )
    ):
        out.setdefault(webhook_id, {s: 0 for s in STATUSSEN})[status] = n
    return out


def list_deliveries(
    session: Session,
    actor: User,
    *,
    status: str | None = "dood",
    webhook_id: int | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[WebhookAflevering]:
    """The dead-letter list (status dood) or any other state, newest first."""
    require_admin(actor)
    if status is not None and status not in STATUSSEN:
        raise ValidationFailed({"status": [f"Kies een van: {', '.join(STATUSSEN)}."]})
    query = select(WebhookAflevering).options(
        selectinload(WebhookAflevering.webhook), selectinload(WebhookAflevering.gebeurtenis)
    )
    if status is not None:
        query = query.where(WebhookAflevering.status == status)
    if webhook_id is not None:
        query = query.where(WebhookAflevering.webhook_id == webhook_id)
    query = query.order_by(WebhookAflevering.id.desc()).offset(offset).limit(limit)
    return list(session.scalars(query))


def replay(
    session: Session,
    actor: User,
    *,
    aflevering_ids: list[int] | None = None,
    webhook_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Put dead letters back in the queue (all, of one webhook, or the given ones)."""
    require_admin(actor)
    query = select(WebhookAflevering).where(WebhookAflevering.status == "dood")
    if aflevering_ids is not None:
        query = query.where(WebhookAflevering.id.in_(aflevering_ids))
        found = set(
            session.scalars(
                select(WebhookAflevering.id).where(
                    WebhookAflevering.id.in_(aflevering_ids), WebhookAflevering.status == "dood"
                )
            )
        )
        missing = sorted(set(aflevering_ids) - found)
        if missing:
            raise NotFound(f"Geen dode aflevering met nummer {', '.join(map(str, missing))}.")
    if webhook_id is not None:
        query = query.where(WebhookAflevering.webhook_id == webhook_id)
    now = now or utcnow()
    rows = list(session.scalars(query))
    for row in rows:
        row.status = "wachtend"
        row.pogingen = 0
        row.volgende_poging_op = now
        row.geclaimd_tot = None
    session.flush()
    if rows:
        audit.record(
            session,
            actor,
            "webhook.opnieuw_aangeboden",
            "webhook_aflevering",
            ",".join(str(r.id) for r in rows[:50]),
            na={"aantal": len(rows)},
        )
    return len(rows)


# -- delivery ------------------------------------------------------------------------------


def payload(ev: NotificatieGebeurtenis, base_url: str) -> dict:
    g = ev.gegevens or {}
    api = f"{base_url}/api/v1"
    hoofd = f"{api}/zaken/{g['zaak']}" if g.get("zaak") else None
    if g.get("document"):
        resource, url = "document", f"{api}/documenten/{g['document']}"
    elif g.get("zaak"):
        resource, url = "zaak", hoofd
    elif ev.vernietigingslijst_id:
        resource, url = (
            "vernietigingslijst",
            f"{api}/vernietigingslijsten/{ev.vernietigingslijst_id}",
        )
        hoofd = url
    else:
        resource, url = "afdeling", f"{api}/afdelingen/{g.get('afdeling', '')}"
        hoofd = url
    return {
        "kenmerk": ev.kenmerk,
        "kanaal": soorten.KANAAL.get(ev.soort, "overig"),
        "actie": ev.soort,
        "hoofdObject": hoofd,
        "resource": resource,
        "resourceUrl": url,
        "aanmaakdatum": ev.aangemaakt_op.isoformat(),
        "kenmerken": {
            k: v
            for k, v in g.items()
            if isinstance(v, str | int)
            and k
            in (
                "zaak",
                "zaaktype",
                "document",
                "afdeling",
                "versie",
                "einddatum",
                "geplande_einddatum",
            )
        },
    }


@dataclass(frozen=True)
class Resultaat:
    ok: bool
    http_status: int | None
    fout: str


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Resultaat:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Resultaat(200 <= response.status < 300, response.status, "")
    except urllib.error.HTTPError as exc:
        return Resultaat(False, exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Resultaat(False, None, f"{type(exc).__name__}: {str(reason)[:200]}")


def _prepare(session: Session, settings, aflevering_id: int, now: datetime):
    """The call to make for one claimed delivery: (url, body, headers), or a failed
    Resultaat when the secret cannot be read; None when there is nothing to send (the
    delivery is gone, or its webhook was switched off: it waits, parked, until the
    webhook is switched on again)."""
    row = session.get(WebhookAflevering, aflevering_id)
    if row is None:
        return None
    hook, ev = row.webhook, row.gebeurtenis
    if not hook.actief:
        row.geclaimd_tot = None
        row.volgende_poging_op = now + wachtrij.MAX_BACKOFF
        return None
    body = json.dumps(payload(ev, settings.base_url), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    try:
        geheim = decrypt_secret(settings.secret_key, hook.geheim_versleuteld)
    except ValueError as exc:
        return Resultaat(False, None, str(exc))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Dossierhuis-webhook/1",
        "Idempotency-Key": ev.kenmerk,
        "X-Dossierhuis-Event": ev.soort,
        "X-Dossierhuis-Timestamp": timestamp,
        "X-Dossierhuis-Signature": sign(geheim, timestamp, body),
    }
    return hook.url, body, headers


def _record(session: Session, settings, aflevering_id: int, result: Resultaat, now, counts):
    row = session.get(WebhookAflevering, aflevering_id)
    if row is None:
        return  # the webhook was deleted meanwhile
    row.pogingen += 1
    row.geclaimd_tot = None
    row.laatste_http_status = result.http_status
    if result.ok:
        row.status = "afgeleverd"
        row.afgeleverd_op = utcnow()
        row.laatste_fout = ""
        counts["afgeleverd"] += 1
    else:
        row.laatste_fout = result.fout[:300]
        if row.pogingen >= settings.webhook_max_pogingen:
            row.status = "dood"
            counts["dood"] += 1
            log.warning(
                "webhook %d: aflevering %d is dood (%s)", row.webhook_id, row.id, result.fout
            )
        else:
            row.volgende_poging_op = now + wachtrij.backoff(
                settings.webhook_backoff_seconds, row.pogingen
            )
            counts["opnieuw"] += 1


def _in_session(session_factory, step, *args):
    session = session_factory()
    try:
        result = step(session, *args)
        session.commit()
        return result
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def send_pending(
    session_factory: Callable[[], Session], settings, *, now: datetime | None = None
) -> dict[str, int]:
    """Send every claimed delivery; each result commits on its own, so a kill loses at
    most the call in flight, which is repeated after its lease (same Idempotency-Key).
    No transaction is open during a call: a slow receiver holds no locks (on SQLite it
    would hold the database's write lock)."""
    now = now or utcnow()
    counts = {"afgeleverd": 0, "opnieuw": 0, "dood": 0}
    for aflevering_id in wachtrij.claimed(
        session_factory, WebhookAflevering, now, timeout_seconds=settings.webhook_timeout_seconds
    ):
        call = _in_session(session_factory, _prepare, settings, aflevering_id, now)
        if call is None:
            continue
        if isinstance(call, Resultaat):
            result = call
        else:
            url, body, headers = call
            result = post(url, body, headers, settings.webhook_timeout_seconds)
        _in_session(session_factory, _record, settings, aflevering_id, result, now, counts)
    return counts
