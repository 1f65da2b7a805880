"""Search services for the web pages, the API and the CLI (thin adapters call these).

``search`` asks the backend, which filters by access inside the query. As a second line
of defence the hits of the returned page are checked against the database: between a
change (destruction, a zaak moved to a stricter level) and the worker applying it, the
index may be a moment behind, and a page must never show such a record.

``person_dossier`` reads the database directly: a person's page is a short list and must
be exact at once, not a moment later.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive.errors import NotFound
from archive.models import Betrokkene, Document, Rol, User, Zaak, ZaakDocument
from search.backend import Rechten, SearchBackend, Treffer, Zoekresultaat, Zoekvraag
from zaaktypen.models import Afdeling, AfdelingLid, ZaakType

FILTER_KEYS = ("types", "zaaktype", "afdeling", "jaar", "informatieobjecttype")


def rechten_voor(user: User) -> Rechten:
    """The user's rights from the access policy (memberships and grants)."""
    if not user.is_active:
        return Rechten()
    from archive import access

    return Rechten.from_toegang(access.toegang(user))


def _tuple(value) -> tuple:
    if value is None or value == "":
        return ()
    if isinstance(value, str | int):
        return (value,)
    return tuple(value)


def search(
    session: Session,
    user: User,
    q: str,
    filters: dict | None = None,
    page: int = 1,
    sort: str = "relevance",
    *,
    backend: SearchBackend,
    per_page: int = 20,
    facets: bool = True,
) -> Zoekresultaat:
    """One search box for zaken, documents and persons; only what the user may see.

    ``filters``: types, zaaktype, afdeling, jaar, informatieobjecttype (each a value or a
    list), van/tot (dates). An unreadable query gives an empty result with ``fout``.
    """
    from search.backend import IndexMissing

    filters = filters or {}
    vraag = Zoekvraag(
        q=q or "",
        types=tuple(str(t) for t in _tuple(filters.get("types"))),
        zaaktype=tuple(str(v) for v in _tuple(filters.get("zaaktype"))),
        afdeling=tuple(str(v) for v in _tuple(filters.get("afdeling"))),
        jaar=tuple(int(v) for v in _tuple(filters.get("jaar"))),
        informatieobjecttype=tuple(str(v) for v in _tuple(filters.get("informatieobjecttype"))),
        van=filters.get("van"),
        tot=filters.get("tot"),
        page=max(1, int(page or 1)),
        per_page=per_page,
        sort="date" if sort == "date" else "relevance",
        facets=facets,
    )
    try:
        result = backend.search(vraag, rechten_voor(user))
    except IndexMissing:
        return Zoekresultaat(
            [],
            0,
            vraag.page,
            per_page,
            {},
            fout="De zoekindex wordt opgebouwd. Probeer het over een minuut opnieuw.",
            index_ontbreekt=True,
        )
    visible = _still_visible(session, user, result.hits)
    dropped = len(result.hits) - len(visible)
    result = replace(result, hits=visible, total=result.total - dropped)
    result.labels = _labels(session, result.facets)
    return result


def _still_visible(session: Session, user: User, hits: list[Treffer]) -> list[Treffer]:
    """The hits that exist and that the access policy lets ``user`` see right now."""
    from archive import access

    ids: dict[str, set[int]] = defaultdict(set)
    for hit in hits:
        ids[hit.type].add(hit.object_id)
    ok: set[tuple[str, int]] = set()
    if ids["zaak"]:
        for zaak in session.scalars(select(Zaak).where(Zaak.id.in_(ids["zaak"]))):
            if access.can_view_zaak(user, zaak):
                ok.add(("zaak", zaak.id))
    if ids["document"]:
        for document in session.scalars(
            select(Document)
            .where(Document.id.in_(ids["document"]))
            .options(selectinload(Document.zaak_links).selectinload(ZaakDocument.zaak))
        ):
            if access.can_view_document(user, document):
                ok.add(("document", document.id))
    if ids["persoon"]:
        rows = session.execute(
            select(Rol.betrokkene_id, Zaak)
            .join(Zaak, Zaak.id == Rol.zaak_id)
            .where(Rol.betrokkene_id.in_(ids["persoon"]))
        )
        for betrokkene_id, zaak in rows:
            if access.can_view_zaak(user, zaak):
                ok.add(("persoon", betrokkene_id))
    return [h for h in hits if (h.type, h.object_id) in ok]


def _labels(session: Session, facets: dict) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    codes = list(facets.get("afdeling", {}))
    if codes:
        rows = session.execute(
            select(Afdeling.code, Afdeling.naam).where(Afdeling.code.in_(codes))
        ).all()
        labels["afdeling"] = {code: naam for code, naam in rows}
    idents = list(facets.get("zaaktype", {}))
    if idents:
        rows = session.execute(
            select(ZaakType.identificatie, ZaakType.omschrijving)
            .where(ZaakType.identificatie.in_(idents))
            .order_by(ZaakType.versie)
        )
        # ordered by version: the latest version's name wins
        labels["zaaktype"] = {ident: naam for ident, naam in rows.all()}
    return labels


# -- the person page ------------------------------------------------------------------------


@dataclass
class DossierRegel:
    """One line in a person's dossier: a zaak or a document, with its date."""

    type: str
    datum: date
    object: Zaak | Document
    zaak: Zaak  # the zaak through which it appears


@dataclass
class AndereAfdeling:
    """A department with a zaak about this person that the user cannot see: no content,
    only whom to contact (for regie; the Veiligheidshuis information hub)."""

    afdeling: Afdeling
    contactpersonen: list[User]


@dataclass
class PersoonDossier:
    betrokkene: Betrokkene
    regels: list[DossierRegel]
    andere_afdelingen: list[AndereAfdeling] = field(default_factory=list)


def person_dossier(
    session: Session,
    user: User,
    bsn: str | None = None,
    *,
    betrokkene_id: int | None = None,
    toon_andere_afdelingen: bool = True,
) -> PersoonDossier:
    """Every zaak and document about one person that the user may see, in time order,
    across departments. The person is named by BSN (the API) or by betrokkene id (the web
    page, so that no BSN ends up in a URL). NotFound when the user sees none of their
    zaken — exactly as if the person were unknown.

    With the role regie in some department (and ``toon_andere_afdelingen``), also which
    other departments have a zaak about this person and their regie contacts.
    """
    from archive import access

    if (bsn is None) == (betrokkene_id is None):
        raise TypeError("person_dossier: give either bsn or betrokkene_id")
    if betrokkene_id is not None:
        betrokkene = session.get(Betrokkene, betrokkene_id) if 0 < betrokkene_id < 2**63 else None
    else:
        betrokkene = session.scalar(select(Betrokkene).where(Betrokkene.bsn == bsn))
    if betrokkene is None:
        raise NotFound("Deze persoon is niet bekend.")
    zaken = list(
        session.scalars(
            select(Zaak)
            .join(Rol, Rol.zaak_id == Zaak.id)
            .where(Rol.betrokkene_id == betrokkene.id)
            .distinct()
            .options(selectinload(Zaak.afdeling), selectinload(Zaak.zaaktype))
        )
    )
    zichtbaar = [z for z in zaken if access.can_view_zaak(user, z)]
    if not zichtbaar:
        raise NotFound("Deze persoon is niet bekend.")
    regels = [DossierRegel("zaak", z.registratiedatum, z, z) for z in zichtbaar]
    links = session.execute(
        select(ZaakDocument.zaak_id, Document)
        .join(Document, Document.id == ZaakDocument.document_id)
        .where(ZaakDocument.zaak_id.in_([z.id for z in zichtbaar]))
        .options(selectinload(Document.zaak_links).selectinload(ZaakDocument.zaak))
    ).all()
    by_id = {z.id: z for z in zichtbaar}
    gezien: set[int] = set()
    for zaak_id, document in links:
        if document.id in gezien:
            continue
        if access.can_view_document(user, document):
            gezien.add(document.id)
            datum = document.ontvangstdatum or document.verzenddatum or document.creatiedatum
            regels.append(DossierRegel("document", datum, document, by_id[zaak_id]))
    regels.sort(key=lambda r: (r.datum, r.type != "zaak", r.object.id))
    dossier = PersoonDossier(betrokkene, regels)
    is_regie = user.is_active and any(
        rol == "regie" for rol, _c in access.toegang(user).afdelingen.values()
    )
    if toon_andere_afdelingen and is_regie:
        zichtbare_ids = {z.id for z in zichtbaar}
        andere = {z.afdeling_id for z in zaken if z.id not in zichtbare_ids}
        andere -= {z.afdeling_id for z in zichtbaar}
        for afdeling in session.scalars(
            select(Afdeling).where(Afdeling.id.in_(andere)).order_by(Afdeling.naam)
        ):
            contacts = list(
                session.scalars(
                    select(User)
                    .join(AfdelingLid, AfdelingLid.user_id == User.id)
                    .where(AfdelingLid.afdeling_id == afdeling.id, AfdelingLid.rol == "regie")
                    .order_by(User.naam)
                )
            )
            dossier.andere_afdelingen.append(AndereAfdeling(afdeling, contacts))
    return dossier


# -- the access log -------------------------------------------------------------------------


def log_shown_hits(session: Session, user: User, hits: list[Treffer]) -> int:
    """Record in the access log the confidential zaken and documents on a result page
    (path ``zoeken``); ``toegangslog.log_read`` decides which levels need it. Returns how
    many rows were written."""
    from archive import access, toegangslog

    written = 0
    zaak_ids = [h.object_id for h in hits if h.type == "zaak"]
    doc_ids = [h.object_id for h in hits if h.type == "document"]
    if zaak_ids:
        for zaak in session.scalars(select(Zaak).where(Zaak.id.in_(zaak_ids)).order_by(Zaak.id)):
            written += toegangslog.log_read(session, user, zaak, pad="zoeken") is not None
    if doc_ids:
        for document in session.scalars(
            select(Document)
            .where(Document.id.in_(doc_ids))
            .order_by(Document.id)
            .options(selectinload(Document.zaak_links).selectinload(ZaakDocument.zaak))
        ):
            via = access.document_visible_via(user, document)
            written += (
                toegangslog.log_read(session, user, document, pad="zoeken", zaak=via) is not None
            )
    return written


def log_shown_dossier(session: Session, user: User, dossier: PersoonDossier) -> int:
    """Record the confidential zaken and documents of a person's dossier as seen."""
    from archive import toegangslog

    written = 0
    for regel in dossier.regels:
        zaak = regel.zaak if regel.type == "document" else None
        written += (
            toegangslog.log_read(session, user, regel.object, pad="zoeken", zaak=zaak) is not None
        )
    return written
