"""Following zaken, persons and departments, by hand or through a role on a zaak.

A follow opens nothing: what a follower is told is decided by the access policy when a
notification is delivered. Following needs sight of the object now, so that the follow
button cannot be used to probe for zaken, persons or departments one may not see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive import access, audit
from archive.db import utcnow
from archive.errors import NotFound, ValidationFailed
from archive.models import Betrokkene, Rol, User, Volging, Zaak
from archive.notificaties import soorten
from zaaktypen.models import Afdeling

# generic roles and roltype words that make a medewerker the zaak's behandelaar/regisseur
_BEHANDELAAR_ROLLEN = ("behandelaar",)
_REGISSEUR_ROLLEN = ("zaakcoordinator",)
_REGISSEUR_WOORDEN = ("regie", "regisseur", "coördinator", "coordinator")


@dataclass(frozen=True)
class Volgobject:
    """What a follow points at, resolved and access-checked."""

    soort: str
    object_id: int
    label: str  # identificatie, afdeling code, or "persoon <id>" (never a name or BSN)


def _insert(session: Session):
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(
        Volging
    )


def auto_follow(session: Session, user_id: int | None, soort: str, object_id: int, reden: str):
    """Follow through a role; a follow the user ended stays ended."""
    if user_id is None:
        return
    now = utcnow()
    session.execute(
        _insert(session)
        .values(
            user_id=user_id,
            soort=soort,
            object_id=object_id,
            reden=reden,
            actief=True,
            aangemaakt_op=now,
            gewijzigd_op=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "soort", "object_id"])
    )


def follow_for_role(session: Session, zaak: Zaak, rol: Rol) -> None:
    """A medewerker betrokkene whose identificatie is a username follows the zaak when
    the role makes them its behandelaar or regisseur."""
    betrokkene = rol.betrokkene
    if betrokkene.type != "medewerker" or not betrokkene.identificatie:
        return
    reden = role_reason(rol)
    if reden is None:
        return
    # usernames are stored in lower case (archive.users.create_user)
    user_id = session.scalar(
        select(User.id).where(User.username == betrokkene.identificatie.strip().lower())
    )
    auto_follow(session, user_id, "zaak", zaak.id, reden)


def role_reason(rol: Rol) -> str | None:
    roltype = (rol.roltype.omschrijving if rol.roltype is not None else "").lower()
    if rol.omschrijving in _REGISSEUR_ROLLEN or any(w in roltype for w in _REGISSEUR_WOORDEN):
        return "regisseur"
    if rol.omschrijving in _BEHANDELAAR_ROLLEN:
        return "behandelaar"
    return None


def _visible_persons(session: Session, user: User, betrokkene_ids) -> set[int]:
    """Which of these persons ``user`` sees: those in at least one zaak the user sees."""
    ids = sorted(set(betrokkene_ids))
    if not ids:
        return set()
    # an explicit join: for a user who sees no zaak the filter is false(), and an AND with
    # false() drops the join condition (a cartesian product, and SQLAlchemy warns)
    return set(
        session.scalars(
            select(Rol.betrokkene_id)
            .join(Zaak, Zaak.id == Rol.zaak_id)
            .where(Rol.betrokkene_id.in_(ids), access.zaak_filter(user))
            .distinct()
        )
    )


def _person_visible(session: Session, user: User, betrokkene_id: int) -> bool:
    return betrokkene_id in _visible_persons(session, user, [betrokkene_id])


def _storable(text: str) -> bool:
    if not text or len(text) > 80 or "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def resolve(session: Session, user: User, soort: str, ref: str | int) -> Volgobject:
    """The object to follow, or NotFound exactly as if it did not exist.

    ``ref``: a zaak identificatie, a betrokkene id, or an afdeling code."""
    if soort not in soorten.VOLG_SOORTEN:
        raise ValidationFailed({"soort": [f"Kies een van: {', '.join(soorten.VOLG_SOORTEN)}."]})
    if soort != "persoon" and not _storable(str(ref)):
        # what no record can be called is absent, before it reaches the database (NUL
        # bytes and lone surrogates break PostgreSQL)
        raise NotFound(f"{'Zaak' if soort == 'zaak' else 'Afdeling'} bestaat niet.")
    if soort == "zaak":
        zaak = session.scalar(select(Zaak).where(Zaak.identificatie == str(ref)))
        if zaak is None or not access.can_view_zaak(user, zaak):
            raise NotFound(f"Zaak '{ref}' bestaat niet.")
        return Volgobject("zaak", zaak.id, zaak.identificatie)
    if soort == "persoon":
        try:
            betrokkene_id = int(ref)
        except (TypeError, ValueError):
            raise NotFound("Deze persoon bestaat niet.") from None
        if not 0 < betrokkene_id < 2**63:  # beyond any id the database can hold
            raise NotFound("Deze persoon bestaat niet.")
        betrokkene = session.get(Betrokkene, betrokkene_id)
        if betrokkene is None or not _person_visible(session, user, betrokkene_id):
            raise NotFound("Deze persoon bestaat niet.")
        return Volgobject("persoon", betrokkene_id, f"persoon {betrokkene_id}")
    afdeling = session.scalar(select(Afdeling).where(Afdeling.code == str(ref)))
    if afdeling is None or not (
        access.is_beheerder(user) or afdeling.id in access.toegang(user).afdelingen
    ):
        raise NotFound(f"Afdeling '{ref}' bestaat niet.")
    return Volgobject("afdeling", afdeling.id, afdeling.code)


def _row(session: Session, user: User, soort: str, object_id: int) -> Volging | None:
    return session.scalar(
        select(Volging).where(
            Volging.user_id == user.id, Volging.soort == soort, Volging.object_id == object_id
        )
    )


def follow(session: Session, user: User, soort: str, ref: str | int) -> Volging:
    """Follow by hand (also: resume a follow one ended)."""
    target = resolve(session, user, soort, ref)
    row = _row(session, user, target.soort, target.object_id)
    if row is None:
        row = Volging(user_id=user.id, soort=target.soort, object_id=target.object_id)
        session.add(row)
    elif row.actief:
        return row
    else:
        row.actief = True
        row.reden = "handmatig"
        row.gewijzigd_op = utcnow()
    session.flush()
    audit.record(session, user, "volging.gestart", target.soort, target.label)
    return row


def unfollow(session: Session, user: User, soort: str, ref: str | int) -> None:
    """Stop following; a follow made by a role is kept as ended so it does not return."""
    target = resolve(session, user, soort, ref)
    row = _row(session, user, target.soort, target.object_id)
    if row is None or not row.actief:
        return
    row.actief = False
    row.gewijzigd_op = utcnow()
    session.flush()
    audit.record(session, user, "volging.gestopt", target.soort, target.label)


def unfollow_by_id(session: Session, user: User, volging_id: int) -> None:
    row = session.get(Volging, volging_id)
    if row is None or row.user_id != user.id or not row.actief:
        raise NotFound("Dit volgen bestaat niet.")
    row.actief = False
    row.gewijzigd_op = utcnow()
    session.flush()
    audit.record(session, user, "volging.gestopt", row.soort, str(row.object_id))


def is_following(session: Session, user: User, soort: str, object_id: int) -> bool:
    row = _row(session, user, soort, object_id)
    return row is not None and row.actief


@dataclass(frozen=True)
class GevolgdObject:
    volging: Volging
    label: str  # zaak identificatie, afdeling naam, or the person's display name
    ref: str  # what the web layer links with: identificatie, betrokkene id, afdeling code


def list_follows(session: Session, user: User) -> list[GevolgdObject]:
    """The user's active follows of what they may still see (others look absent)."""
    rows = list(
        session.scalars(
            select(Volging)
            .where(Volging.user_id == user.id, Volging.actief.is_(True))
            .order_by(Volging.soort, Volging.id)
        )
    )
    ids = {s: [r.object_id for r in rows if r.soort == s] for s in soorten.VOLG_SOORTEN}
    zaken = {z.id: z for z in session.scalars(select(Zaak).where(Zaak.id.in_(ids["zaak"])))}
    afdelingen = {
        a.id: a for a in session.scalars(select(Afdeling).where(Afdeling.id.in_(ids["afdeling"])))
    }
    personen = {
        b.id: b
        for b in session.scalars(select(Betrokkene).where(Betrokkene.id.in_(ids["persoon"])))
    }
    zichtbare_personen = _visible_persons(session, user, personen)
    out: list[GevolgdObject] = []
    for row in rows:
        if row.soort == "zaak":
            zaak = zaken.get(row.object_id)
            if zaak is not None and access.can_view_zaak(user, zaak):
                out.append(GevolgdObject(row, zaak.identificatie, zaak.identificatie))
        elif row.soort == "afdeling":
            afdeling = afdelingen.get(row.object_id)
            if afdeling is not None and (
                access.is_beheerder(user) or afdeling.id in access.toegang(user).afdelingen
            ):
                out.append(GevolgdObject(row, afdeling.naam, afdeling.code))
        else:
            persoon = personen.get(row.object_id)
            if persoon is not None and persoon.id in zichtbare_personen:
                out.append(GevolgdObject(row, persoon.weergavenaam, str(persoon.id)))
    return out
