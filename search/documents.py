"""Build index items from the database: zaken, documents and persons (betrokkenen).

Only what an item itself says is indexed on it: a document carries its own text, not the
names from its zaken, because a document can also sit in a zaak the searcher may not see.
Per item the zaken it belongs to (``ZaakLink``) carry what access filtering needs.

Loading is batched with ``selectinload`` and keyset pagination, one short transaction per
batch (on SQLite every transaction takes the write lock, so none may stay open long).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from archive.models import (
    Betrokkene,
    Document,
    DocumentVersie,
    Rol,
    Zaak,
    ZaakDocument,
    ZaakStatus,
)
from search.backend import IndexDocument, ZaakLink, rank

ZAAK_LOAD = (
    selectinload(Zaak.zaaktype),
    selectinload(Zaak.afdeling),
    selectinload(Zaak.statussen).selectinload(ZaakStatus.statustype),
    selectinload(Zaak.rollen).selectinload(Rol.betrokkene),
    selectinload(Zaak.eigenschappen),
)


def _link(zaak: Zaak) -> ZaakLink:
    return ZaakLink(
        zaak_id=zaak.id,
        afdeling_id=zaak.afdeling_id,
        afdeling=zaak.afdeling.code,
        zaaktype=zaak.zaaktype.identificatie,
        niveau=rank(zaak.vertrouwelijkheidaanduiding),
    )


def zaak_item(zaak: Zaak) -> IndexDocument:
    status = zaak.huidige_status.statustype.omschrijving if zaak.huidige_status else ""
    betrokkenen = [rol.betrokkene for rol in zaak.rollen]
    tekst = "\n".join(
        part
        for part in (
            zaak.toelichting,
            zaak.zaaktype.omschrijving,
            status,
            zaak.resultaat_toelichting,
            *(e.waarde for e in zaak.eigenschappen),
        )
        if part
    )
    return IndexDocument(
        type="zaak",
        object_id=zaak.id,
        identificatie=zaak.identificatie,
        titel=zaak.omschrijving,
        links=[_link(zaak)],
        tekst=tekst,
        namen=[b.weergavenaam for b in betrokkenen if b.weergavenaam],
        bsn=[b.bsn for b in betrokkenen if b.bsn],
        kvk=[b.kvk_nummer for b in betrokkenen if b.kvk_nummer],
        kenmerken=[x for b in betrokkenen for x in (b.rsin, b.identificatie) if x],
        status=status,
        datum=zaak.registratiedatum,
    )


def document_item(document: Document, zaken: list[Zaak], versie: DocumentVersie | None):
    """None for a document in no zaak: nobody may see it, so it is not indexed."""
    if not zaken:
        return None
    tekst = (versie.tekst or "") if versie is not None else ""
    if document.auteur:
        tekst = f"{tekst}\n{document.auteur}" if tekst else document.auteur
    return IndexDocument(
        type="document",
        object_id=document.id,
        identificatie=document.identificatie,
        titel=document.titel,
        links=[_link(z) for z in zaken],
        niveau=rank(document.vertrouwelijkheidaanduiding),
        tekst=tekst,
        bestandsnaam=versie.bestandsnaam if versie is not None else "",
        informatieobjecttype=document.informatieobjecttype.omschrijving,
        status=document.status,
        datum=document.ontvangstdatum or document.verzenddatum or document.creatiedatum,
    )


def persoon_item(betrokkene: Betrokkene, zaken: list[Zaak]):
    """A person or organisation, visible to whoever sees one of their zaken."""
    if not zaken:
        return None
    identificatie = (
        betrokkene.bsn
        or betrokkene.kvk_nummer
        or betrokkene.rsin
        or betrokkene.identificatie
        or str(betrokkene.id)
    )
    return IndexDocument(
        type="persoon",
        object_id=betrokkene.id,
        identificatie=identificatie,
        titel=betrokkene.weergavenaam or identificatie,
        links=[_link(z) for z in zaken],
        namen=[n for n in (betrokkene.weergavenaam, betrokkene.naam) if n],
        bsn=[betrokkene.bsn] if betrokkene.bsn else [],
        kvk=[betrokkene.kvk_nummer] if betrokkene.kvk_nummer else [],
        kenmerken=[x for x in (betrokkene.rsin, betrokkene.identificatie) if x],
        datum=max(z.registratiedatum for z in zaken),
        geboortedatum=betrokkene.geboortedatum,
    )


def _zaken_by_id(session: Session, ids: Iterable[int]) -> dict[int, Zaak]:
    ids = list(set(ids))
    if not ids:
        return {}
    rows = session.scalars(
        select(Zaak)
        .where(Zaak.id.in_(ids))
        .options(selectinload(Zaak.zaaktype), selectinload(Zaak.afdeling))
    )
    return {z.id: z for z in rows}


def load_zaken(session: Session, ids: Iterable[int]) -> tuple[list[IndexDocument], set[int]]:
    """Items for the zaken that exist, and the ids that no longer do."""
    ids = set(ids)
    zaken = list(session.scalars(select(Zaak).where(Zaak.id.in_(ids)).options(*ZAAK_LOAD)))
    return [zaak_item(z) for z in zaken], ids - {z.id for z in zaken}


def _latest_versions(session: Session, document_ids: list[int]) -> dict[int, DocumentVersie]:
    if not document_ids:
        return {}
    latest = (
        select(DocumentVersie.document_id, func.max(DocumentVersie.versie).label("versie"))
        .where(DocumentVersie.document_id.in_(document_ids))
        .group_by(DocumentVersie.document_id)
        .subquery()
    )
    rows = session.scalars(
        select(DocumentVersie).join(
            latest,
            (DocumentVersie.document_id == latest.c.document_id)
            & (DocumentVersie.versie == latest.c.versie),
        )
    )
    return {v.document_id: v for v in rows}


def load_documents(session: Session, ids: Iterable[int]) -> tuple[list[IndexDocument], set[int]]:
    """Items for existing documents in at least one zaak; the rest are to be removed."""
    ids = set(ids)
    documents = list(
        session.scalars(
            select(Document)
            .where(Document.id.in_(ids))
            .options(selectinload(Document.informatieobjecttype))
        )
    )
    found = [d.id for d in documents]
    links: dict[int, list[int]] = defaultdict(list)
    for doc_id, zaak_id in session.execute(
        select(ZaakDocument.document_id, ZaakDocument.zaak_id)
        .where(ZaakDocument.document_id.in_(found))
        .order_by(ZaakDocument.id)
    ):
        links[doc_id].append(zaak_id)
    zaken = _zaken_by_id(session, (z for zs in links.values() for z in zs))
    versies = _latest_versions(session, found)
    items, gone = [], ids - set(found)
    for document in documents:
        item = document_item(
            document, [zaken[z] for z in links[document.id]], versies.get(document.id)
        )
        if item is None:
            gone.add(document.id)
        else:
            items.append(item)
    return items, gone


def load_personen(session: Session, ids: Iterable[int]) -> tuple[list[IndexDocument], set[int]]:
    ids = set(ids)
    betrokkenen = list(session.scalars(select(Betrokkene).where(Betrokkene.id.in_(ids))))
    found = [b.id for b in betrokkenen]
    links: dict[int, list[int]] = defaultdict(list)
    for betrokkene_id, zaak_id in session.execute(
        select(Rol.betrokkene_id, Rol.zaak_id)
        .where(Rol.betrokkene_id.in_(found))
        .distinct()
        .order_by(Rol.zaak_id)
    ):
        links[betrokkene_id].append(zaak_id)
    zaken = _zaken_by_id(session, (z for zs in links.values() for z in zs))
    items, gone = [], ids - set(found)
    for betrokkene in betrokkenen:
        item = persoon_item(betrokkene, [zaken[z] for z in links[betrokkene.id]])
        if item is None:
            gone.add(betrokkene.id)
        else:
            items.append(item)
    return items, gone


LOADERS = {"zaak": load_zaken, "document": load_documents, "persoon": load_personen}


@dataclass
class Doelen:
    """What to re-read: ids per item type."""

    ids: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, object_type: str, object_id: int) -> None:
        self.ids[object_type].add(int(object_id))

    def add_key(self, key: str) -> None:
        object_type, _, object_id = key.partition(":")
        if object_type in LOADERS and object_id.isdigit():
            self.add(object_type, int(object_id))


def expand_zaken(session: Session, doelen: Doelen) -> None:
    """A zaak change reaches its documents and persons: their access data come from it."""
    zaak_ids = list(doelen.ids.get("zaak", ()))
    if not zaak_ids:
        return
    for (doc_id,) in session.execute(
        select(ZaakDocument.document_id).where(ZaakDocument.zaak_id.in_(zaak_ids))
    ):
        doelen.add("document", doc_id)
    for (betrokkene_id,) in session.execute(
        select(Rol.betrokkene_id).where(Rol.zaak_id.in_(zaak_ids))
    ):
        doelen.add("persoon", betrokkene_id)


def load(session: Session, doelen: Doelen) -> tuple[list[IndexDocument], list[str]]:
    """Current state of every target: items to (re)index, keys to remove."""
    items: list[IndexDocument] = []
    gone: list[str] = []
    for object_type, ids in doelen.ids.items():
        loader = LOADERS.get(object_type)
        if loader is None or not ids:
            continue
        for chunk in _chunks(sorted(ids), 500):
            found, missing = loader(session, chunk)
            items.extend(found)
            gone.extend(f"{object_type}:{i}" for i in sorted(missing))
    return items, gone


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _first_linked(
    session: Session, link_model, owner_column, zaak_ids: list[int], *, in_several: bool
) -> list[int]:
    """Owners (documents or persons) whose first link (lowest link id) is to one of
    ``zaak_ids``, and that are in one zaak only or (``in_several``) in more: every linked
    owner belongs to exactly one batch of zaken in one of the two passes.

    Asked with EXISTS, which stops at the first row that answers it: a count or a minimum
    over all of an owner's links read every role of a behandelaar in thousands of zaken,
    for each batch they appear in (at 1M zaken 0.25–0.4 s a batch, an hour of a rebuild)."""
    link = link_model.__table__
    owner = link.c[owner_column.key]
    earlier = link.alias("earlier_link")
    elsewhere = link.alias("other_zaak_link")
    is_first = ~(
        select(earlier.c.id)
        .where(earlier.c[owner_column.key] == owner, earlier.c.id < link.c.id)
        .exists()
    )
    in_other_zaak = (
        select(elsewhere.c.id)
        .where(elsewhere.c[owner_column.key] == owner, elsewhere.c.zaak_id != link.c.zaak_id)
        .exists()
    )
    return sorted(
        set(
            session.scalars(
                select(owner).where(
                    link.c.zaak_id.in_(zaak_ids),
                    is_first,
                    in_other_zaak if in_several else ~in_other_zaak,
                )
            )
        )
    )


def iter_all(
    session_factory: Callable[[], Session],
    *,
    batch: int = 200,
    close_sessions: bool = True,
) -> Iterator[IndexDocument]:
    """Every item in the database for ``rebuild``, grouped by department and zaak: batches
    of zaken (ordered by afdeling, then id), each followed by the documents and persons in
    that zaak only; then, in a second pass, the documents and persons in several zaken
    (by their first zaak). One short transaction per batch.

    Why the order: the index numbers items in the order they are added, and a search skips
    every block of postings that holds nothing the user may see (``search.whoosh_sets``).
    With a department's items side by side, a user in 3 of 20 departments reads about
    3/20 of each word's postings instead of all of them; the few items in zaken of several
    departments would otherwise sit in every block, so they get a region of their own."""
    for in_several in (False, True):
        yield from _iter_pass(session_factory, batch, close_sessions, in_several=in_several)


def _iter_pass(
    session_factory: Callable[[], Session], batch: int, close_sessions: bool, *, in_several: bool
) -> Iterator[IndexDocument]:
    last: tuple[int, int] = (0, 0)
    while True:
        session = session_factory()
        try:
            rows = session.execute(
                select(Zaak.afdeling_id, Zaak.id)
                .where(
                    (Zaak.afdeling_id > last[0])
                    | ((Zaak.afdeling_id == last[0]) & (Zaak.id > last[1]))
                )
                .order_by(Zaak.afdeling_id, Zaak.id)
                .limit(batch)
            ).all()
            zaak_ids = [r.id for r in rows]
            items: list[IndexDocument] = []
            if zaak_ids:
                if not in_several:
                    items += load_zaken(session, zaak_ids)[0]
                for link_model, owner_column, object_type in (
                    (ZaakDocument, ZaakDocument.document_id, "document"),
                    (Rol, Rol.betrokkene_id, "persoon"),
                ):
                    owners = _first_linked(
                        session, link_model, owner_column, zaak_ids, in_several=in_several
                    )
                    for chunk in _chunks(owners, 500):
                        items += LOADERS[object_type](session, chunk)[0]
            if close_sessions:
                session.rollback()
        finally:
            if close_sessions:
                session.close()
        if not rows:
            break
        # a batch can span two departments: keep each department's items together
        items.sort(key=lambda item: item.links[0].afdeling_id if item.links else 0)
        yield from items
        last = (rows[-1].afdeling_id, rows[-1].id)


def count_all(session: Session) -> int:
    """Upper bound of the number of items (for a progress bar)."""
    return sum(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Zaak, Document, Betrokkene)
    )
