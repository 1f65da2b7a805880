"""The in-app inbox: a user's notifications about what they may still see.

Each entry is checked against the access policy when it is shown, as when it was
delivered: an entry about a zaak the user lost sight of (or that was destroyed) is absent
from the list, the unread count and its link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from archive.db import utcnow
from archive.errors import NotFound
from archive.models import Document, Notificatie, User, Vernietigingslijst, Zaak, ZaakDocument
from archive.notificaties import soorten
from archive.notificaties.bezorging import may_see
from zaaktypen.models import Afdeling

# the badge counts this many at most ("99+")
MAX_TELLING = 99
PER_PAGINA = 25


@dataclass(frozen=True)
class InboxItem:
    notificatie: Notificatie
    zaak: Zaak | None
    document: Document | None
    afdeling: Afdeling | None  # for a signal: the department where the registration is
    lijst: Vernietigingslijst | None

    @property
    def soort(self) -> str:
        return self.notificatie.soort

    @property
    def gelezen(self) -> bool:
        return self.notificatie.gelezen_op is not None

    @property
    def signaal_contact(self) -> str:
        return self.afdeling.signaal_contact if self.afdeling is not None else ""

    @property
    def doel(self) -> tuple[str, str] | None:
        """Where the entry leads: (kind, ref) for the web layer to link."""
        n = self.notificatie
        if n.soort in (soorten.DOCUMENT_TOEGEVOEGD, soorten.DOCUMENT_NIEUWE_VERSIE):
            return ("document", self.document.identificatie) if self.document else None
        if n.soort == soorten.VERNIETIGINGSLIJST_TER_BEOORDELING:
            return ("vernietigingslijst", str(self.lijst.id)) if self.lijst else None
        if n.soort == soorten.AFDELING_EINDE_NADERT:
            return ("afdeling", self.afdeling.code) if self.afdeling else None
        return ("zaak", self.zaak.identificatie) if self.zaak else None


def _load(session: Session, model, ids) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(model).where(model.id.in_(ids)))}


def visible(session: Session, user: User, rows: list[Notificatie]) -> list[InboxItem]:
    """The rows ``user`` may see now, with their objects loaded in a few queries."""
    zaken = _load(session, Zaak, (n.zaak_id for n in rows))
    documenten = {
        d.id: d
        for d in session.scalars(
            select(Document)
            .options(selectinload(Document.zaak_links).selectinload(ZaakDocument.zaak))
            .where(Document.id.in_({n.document_id for n in rows if n.document_id}))
        )
    }
    afdelingen = _load(session, Afdeling, (n.afdeling_id for n in rows))
    lijst_ids = {n.vernietigingslijst_id for n in rows if n.vernietigingslijst_id}
    lijsten = (
        {
            lijst.id: lijst
            for lijst in session.scalars(
                select(Vernietigingslijst)
                .options(selectinload(Vernietigingslijst.beoordelaars))
                .where(Vernietigingslijst.id.in_(lijst_ids))
            )
        }
        if lijst_ids
        else {}
    )
    out = []
    for n in rows:
        item = InboxItem(
            n,
            zaken.get(n.zaak_id),
            documenten.get(n.document_id),
            afdelingen.get(n.afdeling_id),
            lijsten.get(n.vernietigingslijst_id),
        )
        if may_see(
            user,
            n.soort,
            zaak=item.zaak,
            document=item.document,
            lijst=item.lijst,
            afdeling=item.afdeling,
        ):
            out.append(item)
    return out


@dataclass(frozen=True)
class InboxPagina:
    items: list[InboxItem]
    pagina: int
    heeft_volgende: bool
    ongelezen: int


def list_inbox(
    session: Session,
    user: User,
    *,
    pagina: int = 1,
    per_pagina: int = PER_PAGINA,
    alleen_ongelezen: bool = False,
) -> InboxPagina:
    """Newest first. Pages are cut after the access check, so every page is full."""
    pagina = max(pagina, 1)
    query = select(Notificatie).where(Notificatie.user_id == user.id)
    if alleen_ongelezen:
        query = query.where(Notificatie.gelezen_op.is_(None))
    query = query.options(selectinload(Notificatie.gebeurtenis)).order_by(Notificatie.id.desc())
    wanted = pagina * per_pagina + 1
    shown: list[InboxItem] = []
    offset, chunk = 0, max(wanted, 100)
    while len(shown) < wanted:
        rows = list(session.scalars(query.offset(offset).limit(chunk)))
        if not rows:
            break
        shown += visible(session, user, rows)
        if len(rows) < chunk:
            break  # that was the last of them
        offset += chunk
    start = (pagina - 1) * per_pagina
    return InboxPagina(
        shown[start : start + per_pagina],
        pagina,
        len(shown) > start + per_pagina,
        unread_count(session, user),
    )


def unread_count(session: Session, user: User) -> int:
    """Unread entries the user may see, up to MAX_TELLING + 1 (shown as "99+")."""
    if user is None or not user.is_active:
        return 0
    total = session.scalar(
        select(func.count())
        .select_from(Notificatie)
        .where(Notificatie.user_id == user.id, Notificatie.gelezen_op.is_(None))
    )
    if not total:
        return 0
    rows = list(
        session.scalars(
            select(Notificatie)
            .where(Notificatie.user_id == user.id, Notificatie.gelezen_op.is_(None))
            .order_by(Notificatie.id.desc())
            .limit(MAX_TELLING + 1)
        )
    )
    return len(visible(session, user, rows))


def get_item(session: Session, user: User, notificatie_id: int) -> InboxItem:
    n = session.get(Notificatie, notificatie_id)
    if n is None or n.user_id != user.id:
        raise NotFound("Deze notificatie bestaat niet.")
    found = visible(session, user, [n])
    if not found:
        raise NotFound("Deze notificatie bestaat niet.")
    return found[0]


def mark_read(
    session: Session, user: User, notificatie_id: int, *, now: datetime | None = None
) -> InboxItem:
    item = get_item(session, user, notificatie_id)
    if item.notificatie.gelezen_op is None:
        item.notificatie.gelezen_op = now or utcnow()
        session.flush()
    return item


def mark_unread(session: Session, user: User, notificatie_id: int) -> InboxItem:
    item = get_item(session, user, notificatie_id)
    item.notificatie.gelezen_op = None
    session.flush()
    return item


def mark_all_read(session: Session, user: User, *, now: datetime | None = None) -> int:
    result = session.execute(
        update(Notificatie)
        .where(Notificatie.user_id == user.id, Notificatie.gelezen_op.is_(None))
        .values(gelezen_op=now or utcnow())
    )
    return result.rowcount or 0


def forget_zaken(session: Session, zaak_ids: list[int], document_ids: list[int]) -> None:
    """Destruction: nothing of destroyed zaken stays in anyone's inbox or follows."""
    from sqlalchemy import delete, or_

    from archive.models import Volging

    if not zaak_ids and not document_ids:
        return
    conditions = [Notificatie.zaak_id.in_(zaak_ids)] if zaak_ids else []
    if document_ids:
        conditions.append(Notificatie.document_id.in_(document_ids))
    session.execute(delete(Notificatie).where(or_(*conditions)))
    if zaak_ids:
        session.execute(
            delete(Volging).where(Volging.soort == "zaak", Volging.object_id.in_(zaak_ids))
        )


def forget_personen(session: Session, betrokkene_ids: list[int]) -> None:
    """Destruction removed persons: their follows go too."""
    from sqlalchemy import delete

    from archive.models import Volging

    if betrokkene_ids:
        session.execute(
            delete(Volging).where(Volging.soort == "persoon", Volging.object_id.in_(betrokkene_ids))
        )


# -- one pass for the API: a page and exact counts ------------------------------------------


@dataclass(frozen=True)
class InboxOverzicht:
    """One page of entries, with how many the user may see in all and how many unread."""

    items: list[InboxItem]
    totaal: int  # visible entries matching the filter
    ongelezen: int  # visible unread entries (exact, not capped as the badge is)


def overview(
    session: Session,
    user: User,
    *,
    pagina: int = 1,
    per_pagina: int = PER_PAGINA,
    alleen_ongelezen: bool = False,
    chunk: int = 500,
) -> InboxOverzicht:
    """Newest first; every entry is access-checked, so the totals count only what the user
    may see now (an API count must not betray entries about hidden zaken)."""
    start = (max(pagina, 1) - 1) * per_pagina
    query = select(Notificatie).where(Notificatie.user_id == user.id)
    if alleen_ongelezen:
        query = query.where(Notificatie.gelezen_op.is_(None))
    query = query.order_by(Notificatie.id.desc()).limit(chunk)
    page: list[InboxItem] = []
    totaal = ongelezen = 0
    last_id: int | None = None
    while True:
        step = query if last_id is None else query.where(Notificatie.id < last_id)
        rows = list(session.scalars(step))
        if not rows:
            break
        last_id = rows[-1].id
        for item in visible(session, user, rows):
            if start <= totaal < start + per_pagina:
                page.append(item)
            totaal += 1
            ongelezen += item.notificatie.gelezen_op is None
        if len(rows) < chunk:
            break
    return InboxOverzicht(page, totaal, ongelezen)
