"""The synthetic municipality (``archive.generator``): bulk-written, yet with every invariant
the services keep — checked here against the services' own rules and functions.

One municipality is generated per module into a database of its own (committed, as the
command does); each test reads it in a transaction that is rolled back. The refusal and
determinism tests generate into the test's own rolled-back ``db`` session.
"""

from __future__ import annotations

import hashlib
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from archive import access, archivering, audit
from archive.blobstore import BlobStore
from archive.db import make_engine, make_session_factory, transaction
from archive.documents import DocumentGegevens, Upload, file_document
from archive.enums import Vertrouwelijkheid
from archive.errors import Conflict, ValidationFailed
from archive.generator import Omvang, Samenvatting, generate, pdf_bytes
from archive.generator_data import FUNCTIEWOORDEN
from archive.ingest import inspect_file
from archive.models import (
    Betrokkene,
    Document,
    DocumentVersie,
    IdentificatieTeller,
    Rol,
    SearchOutbox,
    User,
    Zaak,
    ZaakDocument,
)
from archive.validation import is_valid_bsn
from archive.zaken import BetrokkeneGegevens, add_betrokkene, open_zaak
from retention import archiefstatus, vernietiging, werkvoorraad
from tests import factories
from tests.databases import backend
from zaaktypen import bewaring
from zaaktypen import services as catalogus
from zaaktypen.afdelingen import check_can_open_zaak, zaaktypen_for
from zaaktypen.models import Afdeling, AfdelingLid, ZaakType

OMVANG = Omvang(zaken=200, documenten=300, personen=80, seed=11, batch=64)
ZAAK_ID = re.compile(r"ZAAK-(\d{4})-(\d{10})")
DOC_ID = re.compile(r"DOC-(\d{4})-(\d{10})")
LEVEL = {v.value: v.rank for v in Vertrouwelijkheid}


@dataclass
class Gemeente:
    engine: Engine
    store: BlobStore
    samenvatting: Samenvatting


@pytest.fixture(scope="module")
def gemeente(databases, tmp_path_factory):
    url = databases.copy()
    engine = make_engine(url)
    store = BlobStore(tmp_path_factory.mktemp("gemeente") / "blobs")
    with transaction(make_session_factory(engine)) as session:
        samenvatting = generate(session, store, OMVANG)
    try:
        yield Gemeente(engine, store, samenvatting)
    finally:
        engine.dispose()
        databases.drop(url)


@pytest.fixture
def s(gemeente) -> Session:
    """A session on the generated municipality; whatever a test changes is rolled back."""
    connection = gemeente.engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# -- what is there ------------------------------------------------------------------------------


def test_the_requested_numbers_and_no_search_outbox(s, gemeente):
    assert _count(s, Zaak) == 200
    assert _count(s, Document) == 300
    personen = s.scalar(select(func.count()).where(Betrokkene.type == "natuurlijk_persoon"))
    assert personen == 80
    assert _count(s, SearchOutbox) == 0  # the index is rebuilt, not fed row by row
    rijen = gemeente.samenvatting.rijen
    assert rijen["zaak"] == 200 and rijen["document"] == 300
    assert rijen["documentversie"] >= 300 and rijen["zaak_document"] >= 300
    assert gemeente.samenvatting.totaal_rijen == sum(rijen.values())


def test_twenty_departments_some_virtual_each_with_regie_and_behandelaar(s):
    afdelingen = list(s.scalars(select(Afdeling).options(selectinload(Afdeling.leden))))
    assert len(afdelingen) == 20
    virtueel = [a for a in afdelingen if a.virtueel]
    assert len(virtueel) >= 3
    for afdeling in virtueel:
        assert afdeling.startdatum and afdeling.geplande_einddatum
        assert afdeling.startdatum < date.today() < afdeling.geplande_einddatum
    assert any(a.retentiebeleid == "blijvend_bewaren" for a in afdelingen)
    for afdeling in afdelingen:
        rollen = {lid.rol for lid in afdeling.leden}
        assert {"regie", "behandelen"} <= rollen, afdeling.code
        assert rollen <= {"lezen", "behandelen", "regie"}
        assert all(lid.clearance in LEVEL for lid in afdeling.leden)
    per_user = Counter(s.scalars(select(AfdelingLid.user_id)))
    assert max(per_user.values()) >= 3 and min(per_user.values()) == 1
    zoeker = s.scalar(select(User).where(User.username == "medewerker001"))
    assert per_user[zoeker.id] == 3


def test_catalogue_came_through_the_services_with_real_retention(s):
    zaaktypen = list(s.scalars(select(ZaakType)))
    assert 10 <= len(zaaktypen) <= 25
    assert all(zt.gepubliceerd and zt.statustypen and zt.resultaattypen for zt in zaaktypen)
    for zt in zaaktypen:
        for rt in zt.resultaattypen:
            assert rt.selectielijstklasse and rt.archiefnominatie
    # the catalogue and the departments are audited like any other change
    acties = Counter(s.scalars(select(audit.AuditEvent.actie)))
    assert acties["afdeling.lid_gezet"] == _count(s, AfdelingLid)
    assert acties["zaaktype.gepubliceerd"] == len(zaaktypen)
    assert acties["demo.gegenereerd"] == 1
    assert audit.verify_chain(s).ok


def test_the_zaak_counters_agree_with_the_bulk_written_zaken(s):
    """``zaak_telling`` is kept by triggers on ``zaak``; a COPY or INSERT batch counts too."""
    from archive.models import ZaakTelling

    telling = {
        (t.afdeling_id, t.zaaktype_id, t.vertrouwelijkheidaanduiding, t.open): t.aantal
        for t in s.scalars(select(ZaakTelling))
        if t.aantal
    }
    echt = Counter(
        (z.afdeling_id, z.zaaktype_id, z.vertrouwelijkheidaanduiding, z.einddatum is None)
        for z in s.scalars(select(Zaak))
    )
    assert telling == dict(echt)


# -- identificaties and counters ---------------------------------------------------------------


def test_identificaties_unique_in_service_format_numbered_per_year(s):
    zaken = s.execute(select(Zaak.identificatie, Zaak.registratiedatum)).all()
    assert len({z.identificatie for z in zaken}) == len(zaken)
    per_jaar = defaultdict(list)
    for identificatie, registratie in zaken:
        match = ZAAK_ID.fullmatch(identificatie)
        assert match, identificatie
        assert int(match[1]) == registratie.year
        per_jaar[registratie.year].append(int(match[2]))
    for nummers in per_jaar.values():
        assert sorted(nummers) == list(range(1, len(nummers) + 1))
    tellers = {(t.soort, t.jaar): t.waarde for t in s.scalars(select(IdentificatieTeller))}
    for jaar, nummers in per_jaar.items():
        assert tellers[("ZAAK", jaar)] == max(nummers)

    documenten = s.execute(select(Document.identificatie, Document.creatiedatum)).all()
    assert len({d.identificatie for d in documenten}) == len(documenten)
    doc_jaar = defaultdict(list)
    for identificatie, creatie in documenten:
        match = DOC_ID.fullmatch(identificatie)
        assert match and int(match[1]) == creatie.year, identificatie
        doc_jaar[creatie.year].append(int(match[2]))
    for jaar, nummers in doc_jaar.items():
        assert sorted(nummers) == list(range(1, len(nummers) + 1))
        assert tellers[("DOC", jaar)] == max(nummers)


def test_the_services_continue_after_the_generated_ones(s, gemeente, tmp_path):
    user = s.scalar(select(User).where(User.username == "medewerker001"))
    lid = s.scalars(
        select(AfdelingLid).where(AfdelingLid.user_id == user.id, AfdelingLid.rol == "behandelen")
    ).first()
    afdeling = s.get(Afdeling, lid.afdeling_id)
    zaaktype = zaaktypen_for(s, afdeling)[0]
    verplicht = {e.naam: e.waardenverzameling[0] for e in zaaktype.eigenschappen if e.verplicht}
    jaar = date.today().year
    tellers = {(t.soort, t.jaar): t.waarde for t in s.scalars(select(IdentificatieTeller))}
    hoogste_zaak = s.scalar(select(func.max(Zaak.id)))
    hoogste_doc = s.scalar(select(func.max(Document.id)))

    zaak = open_zaak(
        s, user, zaaktype=zaaktype, afdeling=afdeling, omschrijving="Na de demo",
        eigenschappen=verplicht,
    )  # fmt: skip
    # the counter moved on from the generated numbers: no collision, no gap
    assert zaak.identificatie == f"ZAAK-{jaar}-{tellers.get(('ZAAK', jaar), 0) + 1:010d}"
    assert zaak.id > hoogste_zaak

    path = tmp_path / "notitie.pdf"
    path.write_bytes(pdf_bytes(["Een notitie na het genereren."])[0])
    iot = zaaktype.informatieobjecttypen[0].informatieobjecttype
    result = file_document(
        s, user, zaak, Upload(path, "notitie.pdf"), DocumentGegevens(iot),
        store=gemeente.store, max_bytes=10**6,
    )  # fmt: skip
    assert result.document.identificatie == f"DOC-{jaar}-{tellers.get(('DOC', jaar), 0) + 1:010d}"
    assert result.document.id > hoogste_doc
    assert result.document.laatste_versie.tekst == "Een notitie na het genereren."

    # one BSN is one person: the service finds the generated betrokkene
    bestaand = s.scalars(select(Betrokkene).where(Betrokkene.bsn.is_not(None))).first()
    rol = add_betrokkene(
        s, user, zaak, BetrokkeneGegevens(type="natuurlijk_persoon", bsn=bestaand.bsn),
        rol="belanghebbende",
    )  # fmt: skip
    assert rol.betrokkene_id == bestaand.id


# -- persons -----------------------------------------------------------------------------------


def test_bsns_pass_the_elfproef_once_per_person_in_one_or_more_zaken(s):
    personen = list(s.scalars(select(Betrokkene).where(Betrokkene.type == "natuurlijk_persoon")))
    bsns = [p.bsn for p in personen]
    assert all(is_valid_bsn(b) for b in bsns)
    assert len(set(bsns)) == len(bsns) == 80
    links = s.execute(
        select(Rol.betrokkene_id, Rol.zaak_id, Zaak.afdeling_id).join(Zaak, Zaak.id == Rol.zaak_id)
    ).all()
    zaken = defaultdict(set)
    afdelingen = defaultdict(set)
    for betrokkene_id, zaak_id, afdeling_id in links:
        zaken[betrokkene_id].add(zaak_id)
        afdelingen[betrokkene_id].add(afdeling_id)
    for persoon in personen:
        assert 1 <= len(zaken[persoon.id]) <= 30
    assert sum(len(zaken[p.id]) > 1 for p in personen) >= 10  # repeat clients
    assert sum(len(afdelingen[p.id]) > 1 for p in personen) >= 5  # across departments
    assert all(p.geslachtsnaam and p.voornamen and p.geboortedatum for p in personen)
    # no person twice in one zaak
    per_zaak = Counter((b, z) for b, z, _ in links)
    assert max(per_zaak.values()) == 1


# -- documents and blobs -----------------------------------------------------------------------


def test_every_version_is_a_real_blob_and_holds_what_ingest_extracts(s, gemeente):
    versies = list(s.scalars(select(DocumentVersie).order_by(DocumentVersie.id)))
    assert {v.formaat for v in versies} == {"text/plain", "application/pdf"}
    for versie in versies:
        path = gemeente.store.path(versie.sha256)
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == versie.sha256 == path.name
        assert len(data) == versie.bestandsomvang
        inspectie = inspect_file(path, versie.bestandsnaam, max_bytes=10**8)
        assert inspectie.formaat == versie.formaat
        assert inspectie.bestandsnaam == versie.bestandsnaam
        assert inspectie.sha256 == versie.sha256
        assert inspectie.bestandsomvang == versie.bestandsomvang
        assert inspectie.tekst == versie.tekst, versie.bestandsnaam
        assert inspectie.paginas == versie.paginas
        assert inspectie.kenmerken == versie.kenmerken
        assert inspectie.risico == versie.risico == []
        assert inspectie.geen_tekstlaag is versie.geen_tekstlaag is False
    assert not list(gemeente.store.tmp.iterdir())  # every temp file was renamed into place


def test_document_texts_have_a_realistic_length_and_word_distribution(s):
    laatste = s.execute(
        select(DocumentVersie.document_id, func.max(DocumentVersie.versie)).group_by(
            DocumentVersie.document_id
        )
    ).all()
    wanted = {(d, v) for d, v in laatste}
    teksten = [
        v.tekst for v in s.scalars(select(DocumentVersie)) if (v.document_id, v.versie) in wanted
    ]
    woorden = [len(t.split()) for t in teksten]
    assert min(woorden) >= 120
    assert max(woorden) <= 6100
    assert 300 <= statistics.median(woorden) <= 1200
    assert sum(w > 1500 for w in woorden) >= 3  # some long ones
    tokens = Counter(
        w.strip(".,").lower() for t in teksten for w in t.split() if w.strip(".,").isalpha()
    )
    top = [w for w, _ in tokens.most_common(10)]
    assert sum(w in FUNCTIEWOORDEN for w in top) >= 7  # Zipf: function words lead
    assert len(tokens) > 3000  # and a long tail
    singles = sum(1 for c in tokens.values() if c == 1)
    assert singles > len(tokens) * 0.1
    # documents differ: no two share a text
    assert len(set(teksten)) == len(teksten)


def test_documents_fit_their_zaak_type_and_are_not_less_confidential_than_their_type(s):
    documenten = list(
        s.scalars(
            select(Document).options(
                selectinload(Document.informatieobjecttype),
                selectinload(Document.zaak_links).selectinload(ZaakDocument.zaak),
            )
        )
    )
    assert sum(len(d.zaak_links) > 1 for d in documenten) >= 1  # some in two zaken
    for document in documenten:
        iot = document.informatieobjecttype
        assert LEVEL[document.vertrouwelijkheidaanduiding] >= LEVEL[iot.vertrouwelijkheidaanduiding]
        # filed in a zaak of a type that names this document type, while that zaak ran
        assert any(
            iot.id in {k.informatieobjecttype_id for k in link.zaak.zaaktype.informatieobjecttypen}
            and link.zaak.startdatum
            <= document.creatiedatum
            <= (link.zaak.einddatum or date.today())
            for link in document.zaak_links
        ), document.identificatie
        formaten = iot.toegestane_formaten or []
        assert not formaten or document.laatste_versie.formaat in formaten
        if any(not link.zaak.is_open for link in document.zaak_links):
            assert document.status == "definitief"
    niveaus = Counter(d.vertrouwelijkheidaanduiding for d in documenten)
    assert len(niveaus) >= 4


# -- zaken, statuses and retention -----------------------------------------------------------


def test_zaken_use_a_valid_zaaktype_of_their_department_with_its_eigenschappen(s):
    zaken = list(
        s.scalars(
            select(Zaak).options(
                selectinload(Zaak.zaaktype), selectinload(Zaak.afdeling),
                selectinload(Zaak.eigenschappen), selectinload(Zaak.statussen),
            )
        )
    )  # fmt: skip
    for zaak in zaken:
        versie = catalogus.version_valid_on(s, zaak.zaaktype.identificatie, zaak.startdatum)
        assert versie is not None and versie.id == zaak.zaaktype_id, zaak.identificatie
        check_can_open_zaak(zaak.afdeling, zaak.zaaktype)
        waarden = {e.eigenschap.naam: e.waarde for e in zaak.eigenschappen}
        catalogus.validate_eigenschappen(zaak.zaaktype, waarden)  # required ones present
        assert zaak.startdatum <= zaak.registratiedatum <= date.today()
        ids = [st.statustype_id for st in zaak.statussen]
        own = [st.id for st in zaak.zaaktype.statustypen]
        assert ids == own[: len(ids)] or ids == own[: len(ids) - 1] + [own[-1]]
        datums = [st.datum for st in zaak.statussen]
        assert datums == sorted(datums)
        eind = zaak.zaaktype.eindstatus.id
        if zaak.is_open:
            assert zaak.resultaattype_id is None and zaak.archiefactiedatum is None
            assert eind not in ids or len(own) == 1
        else:
            assert zaak.huidige_status.statustype_id == eind
            assert zaak.resultaattype.zaaktype_id == zaak.zaaktype_id
            assert zaak.startdatum <= zaak.einddatum <= date.today()
    niveaus = Counter(z.vertrouwelijkheidaanduiding for z in zaken)
    assert len(niveaus) >= 4


def test_closed_zaken_carry_exactly_the_retention_archivering_computes(s, gemeente):
    zaken = list(s.scalars(select(Zaak).order_by(Zaak.id)))
    closed = [z for z in zaken if not z.is_open]
    assert 0.45 <= len(closed) / len(zaken) <= 0.75
    assert gemeente.samenvatting.afgesloten == len(closed)
    for zaak in zaken:
        # the real function: it reports whether it had to change anything
        assert archivering.apply(s, None, zaak) is False, zaak.identificatie
    for zaak in closed:
        assert zaak.archiefnominatie and zaak.brondatum and zaak.archiefactiedatum
        uitkomst = bewaring.bereken(
            zaak.resultaattype,
            bewaring.Feiten(
                zaak.einddatum, {e.eigenschap.naam: e.waarde for e in zaak.eigenschappen}
            ),
            blijvend_bewaren=archivering.hotspot_of(zaak) is not None,
        )
        assert zaak.archiefactiedatum == uitkomst.archiefactiedatum
    hotspot = [z for z in closed if z.afdeling.retentiebeleid == "blijvend_bewaren"]
    assert hotspot and all(z.archiefnominatie == "blijvend_bewaren" for z in hotspot)
    assert all(z.archiefnominatie_bron.startswith("hotspot afdeling") for z in hotspot)
    assert not s.scalar(select(func.count()).select_from(audit.AuditEvent).where(
        audit.AuditEvent.actie == "zaak.archivering_berekend"
    ))  # fmt: skip


def test_the_archivists_work_queue_and_destruction_lists_find_the_due_ones(s, gemeente):
    total, rows = werkvoorraad.due(s, None, "vernietigen", limit=1000)
    assert total == gemeente.samenvatting.te_vernietigen > 0
    assert all(r.archiefactiedatum <= date.today() for r in rows)
    archivaris = s.scalar(select(User).where(User.username == "archivaris"))
    lijst = vernietiging.create_list(
        s, archivaris, naam="Vernietiging demo", selectie=vernietiging.Selectie()
    )
    assert {i.zaak_identificatie for i in lijst.items} == {r.identificatie for r in rows}


def test_archived_zaken_meet_the_archiefstatus_rules(s):
    gearchiveerd = list(s.scalars(select(Zaak).where(Zaak.archiefstatus == "gearchiveerd")))
    assert gearchiveerd
    for zaak in gearchiveerd:
        assert not zaak.is_open and zaak.archiefactiedatum
        assert archiefstatus.unfinished_documents(s, zaak) == []


def test_members_see_their_departments_zaken_within_their_clearance(s):
    user = s.scalar(select(User).where(User.username == "medewerker001"))
    zaken = list(s.scalars(select(Zaak).options(selectinload(Zaak.afdeling))))
    eigen = {
        lid.afdeling_id
        for lid in s.scalars(select(AfdelingLid).where(AfdelingLid.user_id == user.id))
    }
    zichtbaar = [z for z in zaken if access.can_view_zaak(user, z)]
    assert zichtbaar and all(z.afdeling_id in eigen for z in zichtbaar)
    assert len(zichtbaar) < len(zaken)


# -- refusing, validating, determinism -------------------------------------------------------


def _all_counts(db: Session) -> dict[str, int]:
    from archive.db import Base

    return {
        t.name: db.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
    }


def test_refuses_a_database_with_data_and_leaves_nothing_behind(db, store):
    user = factories.make_user(db)
    afdeling = factories.make_afdeling(db)
    factories.make_member(db, afdeling, user)
    factories.make_zaak(db, user, zaaktype=factories.make_zaaktype(db), afdeling=afdeling)
    db.flush()
    voor = _all_counts(db)
    with pytest.raises(Conflict) as refused:
        generate(db, store, Omvang(zaken=20, documenten=20, personen=10))
    assert "bevat al zaken" in refused.value.message and "niets geschreven" in refused.value.message
    db.flush()
    assert _all_counts(db) == voor
    assert list(store.iter_hashes()) == []


def test_refuses_users_with_the_demo_names(db, store):
    factories.make_user(db, username="archivaris")
    with pytest.raises(Conflict, match="archivaris"):
        generate(db, store, Omvang(zaken=20, documenten=20, personen=10))


@pytest.mark.parametrize(
    "omvang",
    [
        Omvang(zaken=0, documenten=1, personen=1),
        Omvang(zaken=10, documenten=-1, personen=1),
        Omvang(zaken=10, documenten=1, personen=0),
        Omvang(zaken=10, documenten=1, personen=41),
        Omvang(zaken=10, documenten=1, personen=1, batch=0),
    ],
)
def test_refuses_impossible_sizes(db, store, omvang):
    with pytest.raises(ValidationFailed):
        generate(db, store, omvang)
    assert db.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.skipif(backend() == "postgresql", reason="COPY exists on PostgreSQL")
def test_copy_is_refused_on_sqlite(db, store):
    with pytest.raises(ValidationFailed) as refused:
        generate(db, store, Omvang(zaken=5, documenten=5, personen=5), methode="copy")
    assert "PostgreSQL" in refused.value.errors["methode"][0]
    assert db.scalar(select(func.count()).select_from(User)) == 0


def _fingerprint(db: Session, store: BlobStore) -> tuple:
    zaken = db.execute(
        select(
            Zaak.identificatie, Zaak.omschrijving, Zaak.registratiedatum, Zaak.einddatum,
            Zaak.vertrouwelijkheidaanduiding, Zaak.archiefactiedatum, Zaak.archiefstatus,
        ).order_by(Zaak.identificatie)
    ).all()  # fmt: skip
    documenten = db.execute(
        select(Document.identificatie, Document.titel, DocumentVersie.versie, DocumentVersie.sha256)
        .join(DocumentVersie, DocumentVersie.document_id == Document.id)
        .order_by(Document.identificatie, DocumentVersie.versie)
    ).all()
    personen = db.execute(
        select(Betrokkene.bsn, Betrokkene.geslachtsnaam, Betrokkene.geboortedatum).order_by(
            Betrokkene.bsn
        )
    ).all()
    rollen = db.execute(
        select(Zaak.identificatie, Betrokkene.bsn, Betrokkene.naam, Rol.omschrijving)
        .join(Zaak, Zaak.id == Rol.zaak_id)
        .join(Betrokkene, Betrokkene.id == Rol.betrokkene_id)
        .order_by(Zaak.identificatie, Betrokkene.bsn, Betrokkene.naam)
    ).all()
    blobs = {sha: store.path(sha).read_bytes() for *_rest, sha in documenten}
    return zaken, documenten, personen, rollen, blobs


def test_the_same_seed_gives_the_same_municipality(db, tmp_path):
    omvang = Omvang(zaken=40, documenten=60, personen=20, seed=5, batch=16)
    today = date(2026, 6, 1)
    methods = ["insert", "copy"] if backend() == "postgresql" else ["insert", "insert"]
    prints = []
    for n, methode in enumerate(methods):
        store = BlobStore(tmp_path / f"blobs{n}")
        generate(db, store, omvang, today=today, methode=methode)
        prints.append(_fingerprint(db, store))
        db.rollback()
    assert prints[0] == prints[1]
    assert len(prints[0][0]) == 40 and len(prints[0][4]) >= 60

    store = BlobStore(tmp_path / "other")
    generate(db, store, Omvang(zaken=40, documenten=60, personen=20, seed=6), today=today)
    other = _fingerprint(db, store)
    assert other[0] != prints[0][0] and other[2] != prints[0][2]
    assert not set(other[4]) & set(prints[0][4])


def test_progress_counts_every_person_zaak_and_document(db, store):
    gezien = []
    omvang = Omvang(zaken=30, documenten=25, personen=12, batch=7)
    generate(db, store, omvang, progress=gezien.append)
    assert sum(gezien) == omvang.eenheden
    assert len(gezien) > 3  # in batches, not at the end only


def test_blob_written_is_read_only_and_in_the_store_layout(db, store):
    generate(db, store, Omvang(zaken=10, documenten=5, personen=5))
    hashes = list(store.iter_hashes())
    assert len(hashes) >= 5
    for sha in hashes:
        assert store.verify(sha)
        assert (Path(store.path(sha)).stat().st_mode & 0o777) == 0o440
    referenced = set(db.scalars(select(DocumentVersie.sha256)))
    assert referenced == set(hashes)
