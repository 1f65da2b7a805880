"""Factories for test data: real rows through the real services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy.orm import Session

from archive import users
from archive.models import User, Zaak
from archive.zaken import open_zaak
from zaaktypen import services as catalogus
from zaaktypen.models import Afdeling, InformatieObjectType, ZaakType

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_user(db: Session, *, roles=("medewerker",), username: str | None = None) -> User:
    n = next(_seq)
    return users.create_user(
        db,
        None,
        username=username or f"user{n}",
        naam=f"Gebruiker {n}",
        password=PASSWORD,
        roles=list(roles),
    )


def make_afdeling(db: Session, *, code: str | None = None, naam: str | None = None) -> Afdeling:
    n = next(_seq)
    return catalogus.create_afdeling(db, None, code=code or f"AFD{n}", naam=naam or f"Afdeling {n}")


def make_zaaktype(
    db: Session,
    *,
    identificatie: str | None = None,
    vertrouwelijkheidaanduiding: str = "zaakvertrouwelijk",
    statussen=("Ontvangen", "In behandeling", "Afgehandeld"),
    resultaten=("Toegekend", "Afgewezen"),
    afdeling: Afdeling | None = None,
) -> ZaakType:
    n = next(_seq)
    return catalogus.create_zaaktype(
        db,
        None,
        identificatie=identificatie or f"ZT{n}",
        omschrijving=f"Zaaktype {n}",
        vertrouwelijkheidaanduiding=vertrouwelijkheidaanduiding,
        statustypen=list(statussen),
        resultaattypen=list(resultaten),
        afdeling=afdeling,
    )


def make_iot(
    db: Session,
    *,
    omschrijving: str | None = None,
    vertrouwelijkheidaanduiding: str = "zaakvertrouwelijk",
) -> InformatieObjectType:
    n = next(_seq)
    return catalogus.create_informatieobjecttype(
        db,
        None,
        omschrijving=omschrijving or f"Documenttype {n}",
        vertrouwelijkheidaanduiding=vertrouwelijkheidaanduiding,
    )


def make_zaak(
    db: Session,
    actor: User,
    *,
    zaaktype: ZaakType,
    afdeling: Afdeling,
    omschrijving: str = "Testzaak",
    **kwargs,
) -> Zaak:
    return open_zaak(
        db, actor, zaaktype=zaaktype, afdeling=afdeling, omschrijving=omschrijving, **kwargs
    )


def file(
    db, actor, zaak, path, iot, store, *, bestandsnaam=None, max_bytes=5 * 1024 * 1024, **gegevens
):
    from archive.documents import DocumentGegevens, Upload, file_document

    return file_document(
        db,
        actor,
        zaak,
        Upload(path=path, bestandsnaam=bestandsnaam or path.name),
        DocumentGegevens(informatieobjecttype=iot, **gegevens),
        store=store,
        max_bytes=max_bytes,
    )


def make_member(
    db: Session,
    afdeling: Afdeling,
    user: User,
    *,
    rol: str = "behandelen",
    clearance: str = "geheim",
):
    from zaaktypen.afdelingen import set_member

    return set_member(db, None, afdeling, user, rol=rol, clearance=clearance)


@dataclass
class World:
    """Two departments. The medewerker handles cases in both (clearance geheim); the lezer
    only reads in ``afdeling`` up to 'intern'; the buitenstaander works only in
    ``andere_afdeling``; beheerder, auditor and archivaris have no memberships."""

    afdeling: Afdeling
    andere_afdeling: Afdeling
    zaaktype: ZaakType
    iot: InformatieObjectType
    medewerker: User
    beheerder: User
    auditor: User
    archivaris: User
    lezer: User
    buitenstaander: User

    @classmethod
    def build(cls, db: Session) -> World:
        world = cls(
            afdeling=make_afdeling(db),
            andere_afdeling=make_afdeling(db),
            zaaktype=make_zaaktype(db),
            iot=make_iot(db),
            medewerker=make_user(db, roles=("medewerker",)),
            beheerder=make_user(db, roles=("beheerder",)),
            auditor=make_user(db, roles=("auditor",)),
            archivaris=make_user(db, roles=("archivaris",)),
            lezer=make_user(db, roles=("medewerker",)),
            buitenstaander=make_user(db, roles=("medewerker",)),
        )
        make_member(db, world.afdeling, world.medewerker)
        make_member(db, world.andere_afdeling, world.medewerker)
        make_member(db, world.afdeling, world.lezer, rol="lezen", clearance="intern")
        make_member(db, world.andere_afdeling, world.buitenstaander)
        return world
