"""Confidential reads are logged with their path; the auditor can ask who saw a person."""

import pytest
from sqlalchemy import select

from archive import documents, toegangslog, zaken
from archive.errors import Forbidden, NotFound, ValidationFailed
from archive.models import ToegangslogRegel
from archive.zaken import BetrokkeneGegevens
from tests import corpus, factories

BSN = "111222333"


def _rows(db):
    return db.scalars(select(ToegangslogRegel).order_by(ToegangslogRegel.id)).all()


def _zaak(db, world, level):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        vertrouwelijkheidaanduiding=level,
    )
    zaken.add_betrokkene(
        db,
        world.medewerker,
        zaak,
        BetrokkeneGegevens(type="natuurlijk_persoon", bsn=BSN, geslachtsnaam="Jansen"),
        rol="belanghebbende",
    )
    return zaak


def test_confidential_views_are_logged_public_ones_not(db, world):
    geheim = _zaak(db, world, "vertrouwelijk")
    intern = _zaak(db, world, "intern")
    zaken.get_zaak(db, world.medewerker, geheim.identificatie, pad="ui")
    zaken.get_zaak(db, world.medewerker, intern.identificatie, pad="ui")
    zaken.get_zaak(db, world.medewerker, geheim.identificatie)  # internal read: no person
    [regel] = _rows(db)
    assert (regel.object_id, regel.pad, regel.actie, regel.user_id) == (
        geheim.identificatie,
        "ui",
        "bekeken",
        world.medewerker.id,
    )


def test_refused_reads_are_not_logged_as_views(db, world):
    geheim = _zaak(db, world, "vertrouwelijk")
    with pytest.raises(NotFound):
        zaken.get_zaak(db, world.buitenstaander, geheim.identificatie, pad="api")
    assert _rows(db) == []


def test_downloads_are_logged(db, world, store, tmp_path):
    zaak = _zaak(db, world, "intern")
    path = corpus.normal_pdf(tmp_path / "a.pdf", text="x")
    doc = factories.file(
        db, world.medewerker, zaak, path, world.iot, store, vertrouwelijkheidaanduiding="geheim"
    ).document
    versie, content = documents.open_content(db, world.medewerker, doc, store=store, pad="api")
    content.close()
    [regel] = _rows(db)
    assert (regel.object_type, regel.actie, regel.pad, regel.zaak_id) == (
        "document",
        "gedownload",
        "api",
        zaak.id,
    )


def test_auditor_sees_who_has_seen_the_person(db, world, store, tmp_path):
    geheim = _zaak(db, world, "vertrouwelijk")
    path = corpus.normal_pdf(tmp_path / "a.pdf", text="x")
    doc = factories.file(
        db,
        world.medewerker,
        geheim,
        path,
        world.iot,
        store,
        vertrouwelijkheidaanduiding="vertrouwelijk",
    ).document
    ander = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        vertrouwelijkheidaanduiding="geheim",
    )
    zaken.get_zaak(db, world.medewerker, geheim.identificatie, pad="ui")
    documents.get_document(db, world.medewerker, doc.identificatie, pad="api")
    zaken.get_zaak(db, world.medewerker, ander.identificatie, pad="ui")  # other person
    rows = toegangslog.who_has_seen_person(db, world.auditor, BSN)
    assert [(r.object_id, r.pad) for r in rows] == [
        (geheim.identificatie, "ui"),
        (doc.identificatie, "api"),
    ]
    assert all(r.gebruiker == world.medewerker.username for r in rows)
    csv_text = toegangslog.inzage_csv(rows)
    assert csv_text.splitlines()[0].startswith("tijdstip,gebruiker")
    assert len(csv_text.splitlines()) == 3


def test_only_auditors_ask_and_bsn_is_checked(db, world):
    with pytest.raises(Forbidden):
        toegangslog.who_has_seen_person(db, world.medewerker, BSN)
    with pytest.raises(ValidationFailed):
        toegangslog.who_has_seen_person(db, world.auditor, "123456789")
    with pytest.raises(NotFound):
        toegangslog.who_has_seen_person(db, world.auditor, "123456782")
