"""Fan-out: each pending event becomes inbox entries for the users who follow what it is
about and may see it *now*, mail for those who want it at once, and webhook deliveries.

One batch of events is one transaction (the worker commits): a crash leaves either every
notification of an event or none, and the unique keys (event, user) and (webhook, event)
make a re-run harmless. On PostgreSQL concurrent workers skip each other's rows
(``FOR UPDATE SKIP LOCKED``); on SQLite the write lock queues them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import access, audit, rollen
from archive.db import utcnow
from archive.models import (
    Betrokkene,
    Document,
    MailBericht,
    Notificatie,
    NotificatieGebeurtenis,
    NotificatieVoorkeur,
    Rol,
    User,
    Vernietigingslijst,
    VernietigingslijstBeoordelaar,
    Volging,
    Webhook,
    WebhookAflevering,
    Zaak,
)
from archive.notificaties import mail, soorten
from archive.notificaties.volgen import role_reason
from zaaktypen.models import Afdeling, AfdelingLid

log = logging.getLogger(__name__)

ZAAK_SOORTEN = frozenset(
    {
        soorten.ZAAK_AANGEMAAKT,
        soorten.ZAAK_STATUS_GEWIJZIGD,
        soorten.ZAAK_AFGESLOTEN,
        soorten.ZAAK_HEROPEND,
        soorten.ZAAK_BETROKKENE_TOEGEVOEGD,
    }
)
DOCUMENT_SOORTEN = frozenset({soorten.DOCUMENT_TOEGEVOEGD, soorten.DOCUMENT_NIEUWE_VERSIE})
SIGNAAL_BRONNEN = frozenset({soorten.ZAAK_BETROKKENE_TOEGEVOEGD, soorten.DOCUMENT_TOEGEVOEGD})


@dataclass(frozen=True)
class Ontvanger:
    soort: str  # the notification's kind (an event kind, or a derived one)
    reden: str  # zaak | persoon | afdeling | beoordelaar | beheer | signaal
    zaak_id: int | None = None


def may_see(
    user: User,
    soort: str,
    *,
    zaak: Zaak | None,
    document: Document | None,
    lijst: Vernietigingslijst | None,
    afdeling: Afdeling | None,
) -> bool:
    """The one rule for delivering and for showing a notification: the access policy on
    the object as it is now. What is gone, or out of sight, is absent."""
    if not user.is_active:
        return False
    if soort in DOCUMENT_SOORTEN:
        return document is not None and access.can_view_document(user, document)
    if soort in ZAAK_SOORTEN or soort in (soorten.PERSOON_NIEUWE_ZAAK, soorten.PERSOON_SIGNAAL):
        return zaak is not None and access.can_view_zaak(user, zaak)
    if soort == soorten.VERNIETIGINGSLIJST_TER_BEOORDELING:
        return lijst is not None and any(b.user_id == user.id for b in lijst.beoordelaars)
    if soort == soorten.AFDELING_EINDE_NADERT:
        return afdeling is not None and (
            rollen.is_beheerder(user) or afdeling.id in access.toegang(user).afdelingen
        )
    return False


def _followers(session: Session, soort: str, ids: Iterable[int]) -> list[int]:
    ids = sorted(set(ids))
    if not ids:
        return []
    return list(
        session.scalars(
            select(Volging.user_id)
            .where(Volging.soort == soort, Volging.object_id.in_(ids), Volging.actief.is_(True))
            .order_by(Volging.user_id)
            .distinct()
        )
    )


def _personen(session: Session, zaak_ids: list[int]) -> list[int]:
    return list(
        session.scalars(
            select(Rol.betrokkene_id)
            .join(Betrokkene, Betrokkene.id == Rol.betrokkene_id)
            .where(Rol.zaak_id.in_(zaak_ids), Betrokkene.type == "natuurlijk_persoon")
            .distinct()
        )
    )


def regisseurs(session: Session, zaak: Zaak) -> list[int]:
    """Who runs a zaak: medewerkers in a regie role on it (identificatie = username), or
    else the department's members with the role regie."""
    rows = session.execute(
        select(Rol, User.id)
        .join(Betrokkene, Betrokkene.id == Rol.betrokkene_id)
        .join(User, User.username == func.lower(Betrokkene.identificatie))
        .where(Rol.zaak_id == zaak.id, Betrokkene.type == "medewerker")
    ).all()
    named = sorted({uid for rol, uid in rows if role_reason(rol) == "regisseur"})
    if named:
        return named
    return list(
        session.scalars(
            select(AfdelingLid.user_id).where(
                AfdelingLid.afdeling_id == zaak.afdeling_id, AfdelingLid.rol == "regie"
            )
        )
    )


class _Fanout:
    def __init__(self, session: Session, settings, now: datetime):
        self.session, self.settings, self.now = session, settings, now
        self.webhooks = list(session.scalars(select(Webhook).where(Webhook.actief.is_(True))))

    # -- who ---------------------------------------------------------------------------

    def recipients(self, ev: NotificatieGebeurtenis, zaak, document) -> dict[int, Ontvanger]:
        out: dict[int, Ontvanger] = {}

        def add(user_ids, soort, reden, zaak_id=None):
            for uid in user_ids:
                out.setdefault(uid, Ontvanger(soort, reden, zaak_id))

        session = self.session
        if ev.soort in ZAAK_SOORTEN or ev.soort in DOCUMENT_SOORTEN:
            if zaak is None:
                return out
            zaken = [zaak]
            if ev.soort == soorten.DOCUMENT_NIEUWE_VERSIE and document is not None:
                zaken = [link.zaak for link in document.zaak_links] or zaken
            zaak_ids = [z.id for z in zaken]
            if (
                ev.soort == soorten.ZAAK_BETROKKENE_TOEGEVOEGD
                and ev.betrokkene_id
                and (ev.gegevens or {}).get("eerste_rol", True)
            ):
                # the people following this person hear of the new zaak about them
                add(
                    _followers(session, "persoon", [ev.betrokkene_id]),
                    soorten.PERSOON_NIEUWE_ZAAK,
                    "persoon",
                    zaak.id,
                )
            add(_followers(session, "zaak", zaak_ids), ev.soort, "zaak", zaak.id)
            # a person's followers hear of a new zaak once, when the person is added to it
            # (persoon.nieuwe_zaak), not also of its creation: the worker may run between
            # the two, or after both
            if ev.soort not in (soorten.ZAAK_BETROKKENE_TOEGEVOEGD, soorten.ZAAK_AANGEMAAKT):
                add(
                    _followers(session, "persoon", _personen(session, zaak_ids)),
                    ev.soort,
                    "persoon",
                    zaak.id,
                )
            add(
                _followers(session, "afdeling", {z.afdeling_id for z in zaken}),
                ev.soort,
                "afdeling",
                zaak.id,
            )
        elif ev.soort == soorten.VERNIETIGINGSLIJST_TER_BEOORDELING:
            add(
                session.scalars(
                    select(VernietigingslijstBeoordelaar.user_id).where(
                        VernietigingslijstBeoordelaar.lijst_id == ev.vernietigingslijst_id
                    )
                ),
                ev.soort,
                "beoordelaar",
            )
        elif ev.soort == soorten.AFDELING_EINDE_NADERT and ev.afdeling_id:
            add(_followers(session, "afdeling", [ev.afdeling_id]), ev.soort, "afdeling")
            add(
                session.scalars(
                    select(AfdelingLid.user_id).where(
                        AfdelingLid.afdeling_id == ev.afdeling_id, AfdelingLid.rol == "regie"
                    )
                ),
                ev.soort,
                "afdeling",
            )
            beheer = session.scalars(select(User).where(User.active.is_(True)))
            add([u.id for u in beheer if rollen.is_beheerder(u)], ev.soort, "beheer")
        out.pop(ev.actor_id, None)  # nobody is told of their own change
        return out

    # -- deliver -------------------------------------------------------------------------

    def deliver(self, ev: NotificatieGebeurtenis) -> list[Notificatie]:
        session = self.session
        zaak = session.get(Zaak, ev.zaak_id) if ev.zaak_id else None
        document = session.get(Document, ev.document_id) if ev.document_id else None
        lijst = (
            session.get(Vernietigingslijst, ev.vernietigingslijst_id)
            if ev.vernietigingslijst_id
            else None
        )
        afdeling = session.get(Afdeling, ev.afdeling_id) if ev.afdeling_id else None
        if lijst is not None and lijst.status != "ter_beoordeling":
            lijst = None  # reviewed or withdrawn meanwhile: nothing to ask any more
        ontvangers = self.recipients(ev, zaak, document)
        users = self._users(ontvangers)
        made: list[Notificatie] = []
        for uid, ontvanger in ontvangers.items():
            user = users.get(uid)
            if user is None or not may_see(
                user, ontvanger.soort, zaak=zaak, document=document, lijst=lijst, afdeling=afdeling
            ):
                continue
            if ontvanger.soort in DOCUMENT_SOORTEN and not access.can_view_zaak(user, zaak):
                # the document is in several zaken: name one the user sees it through
                via = access.document_visible_via(user, document)
                ontvanger = replace(ontvanger, zaak_id=via.id)
            made.append(self._notificatie(ev, user, ontvanger))
        if zaak is not None and ev.soort in SIGNAAL_BRONNEN and zaak.afdeling.signalering_actief:
            # who was told already needs no signal; who was refused sight may get one
            made += self._signals(ev, zaak, already={n.user_id for n in made} | {ev.actor_id})
        self._webhooks(ev)
        session.flush()
        self._mail(made)
        return made

    def _users(self, ontvangers) -> dict[int, User]:
        if not ontvangers:
            return {}
        return {
            u.id: u for u in self.session.scalars(select(User).where(User.id.in_(list(ontvangers))))
        }

    def _notificatie(self, ev, user, ontvanger: Ontvanger, afdeling_id=None) -> Notificatie:
        # a signal points at the recipient's own zaak only, never at the source's document
        signaal = ontvanger.soort == soorten.PERSOON_SIGNAAL
        row = Notificatie(
            gebeurtenis_id=ev.id,
            user_id=user.id,
            soort=ontvanger.soort,
            reden=ontvanger.reden,
            zaak_id=ontvanger.zaak_id if ontvanger.zaak_id is not None else ev.zaak_id,
            document_id=None if signaal else ev.document_id,
            afdeling_id=afdeling_id if afdeling_id is not None else ev.afdeling_id,
            vernietigingslijst_id=None if signaal else ev.vernietigingslijst_id,
            aangemaakt_op=self.now,
        )
        self.session.add(row)
        return row

    def _signals(self, ev, zaak: Zaak, already: set) -> list[Notificatie]:
        """Tell the regisseurs of this person's open zaken elsewhere that there is a new
        registration here, and whom to contact: no names, no BSN, no zaak of ours."""
        session = self.session
        if ev.soort == soorten.ZAAK_BETROKKENE_TOEGEVOEGD:
            persoon = session.get(Betrokkene, ev.betrokkene_id) if ev.betrokkene_id else None
            personen = [persoon.id] if persoon and persoon.type == "natuurlijk_persoon" else []
        else:
            personen = _personen(session, [zaak.id])
        if not personen:
            return []
        elders = session.scalars(
            select(Zaak)
            .where(
                Zaak.id.in_(select(Rol.zaak_id).where(Rol.betrokkene_id.in_(personen))),
                Zaak.afdeling_id != zaak.afdeling_id,
                Zaak.einddatum.is_(None),
            )
            .order_by(Zaak.id)
        )
        made: list[Notificatie] = []
        for eigen in elders:
            for uid in regisseurs(session, eigen):
                if uid in already:
                    continue
                user = session.get(User, uid)
                if user is None or not may_see(
                    user,
                    soorten.PERSOON_SIGNAAL,
                    zaak=eigen,
                    document=None,
                    lijst=None,
                    afdeling=None,
                ):
                    continue
                already.add(uid)
                made.append(
                    self._notificatie(
                        ev,
                        user,
                        Ontvanger(soorten.PERSOON_SIGNAAL, "signaal", eigen.id),
                        afdeling_id=zaak.afdeling_id,
                    )
                )
                audit.record(
                    session,
                    None,
                    "notificatie.signaal",
                    "zaak",
                    eigen.identificatie,
                    zaak_id=eigen.id,
                    na={
                        "ontvanger_id": uid,
                        "bron_afdeling": zaak.afdeling.code,
                        "gebeurtenis": ev.kenmerk,
                    },
                )
        return made

    def _webhooks(self, ev) -> None:
        for hook in self.webhooks:
            if hook.soorten and ev.soort not in hook.soorten:
                continue
            if hook.afdeling_ids and ev.afdeling_id not in hook.afdeling_ids:
                continue
            self.session.add(
                WebhookAflevering(
                    webhook_id=hook.id,
                    gebeurtenis_id=ev.id,
                    volgende_poging_op=self.now,
                    aangemaakt_op=self.now,
                )
            )

    def _mail(self, made: list[Notificatie]) -> None:
        if not made:
            return
        if not self.settings.smtp_host:
            return
        session = self.session
        ids = {n.user_id for n in made}
        voorkeur = {
            v.user_id: v.email
            for v in session.scalars(
                select(NotificatieVoorkeur).where(NotificatieVoorkeur.user_id.in_(ids))
            )
        }
        for n in made:
            user = session.get(User, n.user_id)
            keuze = voorkeur.get(n.user_id, "dagelijks")
            if not user.email or keuze == "geen":
                continue
            if keuze == "direct":
                n.mail = "direct"
                n.gemaild_op = self.now
                onderwerp, tekst = mail.render_direct(session, n, self.settings.base_url)
                session.add(
                    MailBericht(
                        kenmerk=mail.message_id(f"n{n.id}"),
                        user_id=n.user_id,
                        onderwerp=onderwerp,
                        tekst=tekst,
                        volgende_poging_op=self.now,
                        aangemaakt_op=self.now,
                    )
                )
            else:
                n.mail = "digest"


def fan_out(session: Session, settings, *, batch: int = 100, now: datetime | None = None) -> int:
    """Deliver up to ``batch`` pending events; the caller commits. Returns how many."""
    now = now or utcnow()
    events = list(
        session.scalars(
            select(NotificatieGebeurtenis)
            .where(NotificatieGebeurtenis.verwerkt_op.is_(None))
            .order_by(NotificatieGebeurtenis.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    )
    if not events:
        return 0
    fanout = _Fanout(session, settings, now)
    for ev in events:
        made = fanout.deliver(ev)
        ev.verwerkt_op = now
        log.debug("notificaties: gebeurtenis %d → %d ontvangers", ev.id, len(made))
    session.flush()
    return len(events)
