"""E-mail: a neutral subject, the object's identificatie and a link — never a name, a BSN
or any content. Sent at once or as one daily digest, as the user chose."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.db import utcnow
from archive.models import MailBericht, Notificatie, NotificatieVoorkeur, User, Zaak
from archive.notificaties import soorten, wachtrij

log = logging.getLogger(__name__)

TIJDZONE = ZoneInfo("Europe/Amsterdam")
ONDERWERP = "Dossierhuis: nieuwe notificatie"
MAX_POGINGEN = 6
BACKOFF_SECONDS = 60


def message_id(local: str) -> str:
    return f"<{local}.{uuid.uuid4().hex}@dossierhuis>"


def identificatie(session: Session, n: Notificatie) -> str:
    """What the mail may name: an identificatie or code, nothing else."""
    gegevens = n.gebeurtenis.gegevens or {}
    if n.soort in (soorten.DOCUMENT_TOEGEVOEGD, soorten.DOCUMENT_NIEUWE_VERSIE):
        return gegevens.get("document", "")
    if n.soort == soorten.VERNIETIGINGSLIJST_TER_BEOORDELING:
        return f"vernietigingslijst {n.vernietigingslijst_id}"
    if n.soort == soorten.AFDELING_EINDE_NADERT:
        return gegevens.get("afdeling", "")
    # zaak kinds and signals: the zaak the recipient works on (for a signal: their own —
    # never the event's zaak, which is the source the signal must not name)
    zaak = session.get(Zaak, n.zaak_id) if n.zaak_id else None
    if zaak is not None:
        return zaak.identificatie
    return "" if n.soort == soorten.PERSOON_SIGNAAL else gegevens.get("zaak", "")


def render_direct(session: Session, n: Notificatie, base_url: str) -> tuple[str, str]:
    tekst = (
        "Er is een nieuwe notificatie voor u in Dossierhuis.\n\n"
        f"Betreft: {identificatie(session, n)}\n"
        f"Bekijken: {base_url}/inbox/{n.id}\n\n"
        "Deze e-mail bevat bewust geen inhoud: log in om de notificatie te lezen.\n"
        f"Uw e-mailvoorkeur wijzigt u op {base_url}/voorkeuren/notificaties\n"
    )
    return ONDERWERP, tekst


def render_digest(session: Session, items: list[Notificatie], base_url: str) -> tuple[str, str]:
    regels = [f"- {identificatie(session, n)}: {base_url}/inbox/{n.id}" for n in items]
    aantal = len(items)
    onderwerp = (
        "Dossierhuis: 1 nieuwe notificatie"
        if aantal == 1
        else f"Dossierhuis: {aantal} nieuwe notificaties"
    )
    tekst = (
        f"Sinds uw vorige overzicht {'is er' if aantal == 1 else 'zijn er'} {aantal} nieuwe "
        f"{'notificatie' if aantal == 1 else 'notificaties'} voor u in Dossierhuis:\n\n"
        + "\n".join(regels)
        + f"\n\nAlle notificaties: {base_url}/inbox\n\n"
        "Deze e-mail bevat bewust geen inhoud: log in om de notificaties te lezen.\n"
        f"Uw e-mailvoorkeur wijzigt u op {base_url}/voorkeuren/notificaties\n"
    )
    return onderwerp, tekst


def _digest_moment(voorkeur: NotificatieVoorkeur | None, now: datetime) -> datetime:
    """The latest digest moment at or before ``now``: today at the user's hour
    (Europe/Amsterdam), or yesterday's when that hour has not come yet today."""
    uur = voorkeur.digest_uur if voorkeur is not None else 7
    lokaal = now.astimezone(TIJDZONE)
    moment = lokaal.replace(hour=uur, minute=0, second=0, microsecond=0)
    return moment - timedelta(days=1) if moment > lokaal else moment


def _digest_due(voorkeur: NotificatieVoorkeur | None, now: datetime) -> datetime | None:
    """The digest moment to send for, if its digest has not gone yet."""
    moment = _digest_moment(voorkeur, now)
    laatste = voorkeur.laatste_digest_op if voorkeur is not None else None
    return moment if laatste is None or laatste < moment else None


def enqueue_digests(session: Session, settings, *, now: datetime | None = None) -> int:
    """Queue one digest per user whose hour has come, of the waiting notifications they
    may still see (access re-checked now); the caller commits. Returns mails queued."""
    from archive.notificaties.inbox import visible

    now = now or utcnow()
    user_ids = list(
        session.scalars(
            select(Notificatie.user_id)
            .where(Notificatie.mail == "digest", Notificatie.gemaild_op.is_(None))
            .distinct()
        )
    )
    queued = 0
    for uid in user_ids:
        voorkeur = session.get(NotificatieVoorkeur, uid)
        if voorkeur is not None and voorkeur.email != "dagelijks":
            # the user changed their mind: nothing waits for a digest any more
            _mark_waiting(session, uid, now)
            continue
        moment = _digest_due(voorkeur, now)
        if moment is None:
            continue
        # what came in after the digest moment waits for the next one: the digest goes at
        # the user's hour, not whenever something arrives on a day it had nothing to send
        waiting = list(
            session.scalars(
                select(Notificatie)
                .where(
                    Notificatie.user_id == uid,
                    Notificatie.mail == "digest",
                    Notificatie.gemaild_op.is_(None),
                    Notificatie.aangemaakt_op <= moment,
                )
                .order_by(Notificatie.id)
            )
        )
        if not waiting:
            continue
        user = session.get(User, uid)
        shown = visible(session, user, waiting) if user is not None else []
        for n in waiting:
            n.gemaild_op = now
        if voorkeur is None:
            voorkeur = NotificatieVoorkeur(user_id=uid)
            session.add(voorkeur)
        voorkeur.laatste_digest_op = now
        if shown and user.email and settings.smtp_host:
            onderwerp, tekst = render_digest(
                session, [v.notificatie for v in shown], settings.base_url
            )
            session.add(
                MailBericht(
                    kenmerk=message_id(f"digest{uid}"),
                    user_id=uid,
                    onderwerp=onderwerp,
                    tekst=tekst,
                    volgende_poging_op=now,
                    aangemaakt_op=now,
                )
            )
            queued += 1
    session.flush()
    return queued


def _mark_waiting(session: Session, user_id: int, now: datetime) -> None:
    for n in session.scalars(
        select(Notificatie).where(
            Notificatie.user_id == user_id,
            Notificatie.mail == "digest",
            Notificatie.gemaild_op.is_(None),
        )
    ):
        n.mail = "geen"


def _connect(settings) -> smtplib.SMTP:
    timeout = settings.webhook_timeout_seconds
    if settings.smtp_tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password)
    return smtp


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


def _prepare(session: Session, settings, mail_id: int) -> EmailMessage | str | None:
    """The message to send, the reason it cannot be sent, or None when it is gone."""
    bericht = session.get(MailBericht, mail_id)
    if bericht is None:
        return None
    user = session.get(User, bericht.user_id)
    if user is None or not user.active or not user.email:
        return "geen actief e-mailadres"
    return _message(settings, bericht, user.email)


def _record(session: Session, mail_id: int, fout: str, definitief: bool, now, counts) -> None:
    bericht = session.get(MailBericht, mail_id)
    if bericht is None:
        return
    bericht.pogingen += 1
    bericht.geclaimd_tot = None
    if not fout:
        bericht.status = "verzonden"
        bericht.verzonden_op = utcnow()
        counts["verzonden"] += 1
        return
    bericht.laatste_fout = fout[:300]
    if definitief or bericht.pogingen >= MAX_POGINGEN:
        bericht.status = "mislukt"
        counts["mislukt"] += 1
    else:
        bericht.volgende_poging_op = now + wachtrij.backoff(BACKOFF_SECONDS, bericht.pogingen)
        counts["opnieuw"] += 1
    log.warning("mail %d niet verzonden: %s", mail_id, fout)


def send_pending(
    session_factory: Callable[[], Session], settings, *, now: datetime | None = None
) -> dict[str, int]:
    """Send the claimed mails over one SMTP connection; each result commits on its own.
    No transaction is open while talking to the server: a slow one holds no locks (on
    SQLite it would hold the database's write lock)."""
    now = now or utcnow()
    counts = {"verzonden": 0, "mislukt": 0, "opnieuw": 0}
    if not settings.smtp_host:
        return counts
    smtp = None
    try:
        for mail_id in wachtrij.claimed(
            session_factory, MailBericht, now, timeout_seconds=settings.webhook_timeout_seconds
        ):
            message = _in_session(session_factory, _prepare, settings, mail_id)
            if message is None:
                continue
            fout, definitief = "", False
            if isinstance(message, str):
                fout, definitief = message, True
            else:
                try:
                    if smtp is None:
                        smtp = _connect(settings)
                    smtp.send_message(message)
                except (smtplib.SMTPException, OSError) as exc:
                    if smtp is not None:
                        with contextlib.suppress(smtplib.SMTPException, OSError):
                            smtp.close()
                    smtp = None
                    fout = f"{type(exc).__name__}: {str(exc)[:200]}"
            _in_session(session_factory, _record, mail_id, fout, definitief, now, counts)
    finally:
        if smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
    return counts


def _message(settings, bericht: MailBericht, adres: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = bericht.onderwerp
    msg["From"] = settings.smtp_from
    msg["To"] = adres
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = bericht.kenmerk
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(bericht.tekst)
    return msg
