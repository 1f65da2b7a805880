"""Filing through the real pipeline: real files, real blob store, real database."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import event, func, select

from archive import documents
from archive.audit import AuditEvent
from archive.documents import DocumentGegevens, Upload
from archive.errors import Conflict, IngestRefused, NotFound, ValidationFailed
from archive.models import Document, DocumentVersie, SearchOutbox, ZaakDocument
from archive.zaken import close_zaak
from tests import corpus, factories


@pytest.fixture
def zaak(db, world):
    return factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )


def _count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def _blobs(store):
    return set(store.iter_hashes())


def test_file_pdf_records_metadata_blob_audit_and_outbox(db, world, zaak, store, tmp_path):
    path = corpus.normal_pdf(tmp_path / "brief.pdf", text="Geachte heer, betreft uw melding")
    result = factories.file(
        db,
        world.medewerker,
        zaak,
        path,
        world.iot,
        store,
        titel="Brief aan bewoner",
        richting="uitgaand",
    )
    doc = result.document
    versie = doc.laatste_versie
    assert doc.identificatie.startswith("DOC-")
    assert doc.vertrouwelijkheidaanduiding == world.iot.vertrouwelijkheidaanduiding
    assert versie.formaat == "application/pdf"
    assert versie.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert versie.bestandsomvang == path.stat().st_size
    assert versie.paginas >= 1
    assert "melding" in (versie.tekst or "")
    assert versie.risico == []
    with store.open(versie.sha256) as fh:
        assert fh.read() == path.read_bytes()
    assert [
        e.actie
        for e in db.scalars(select(AuditEvent).where(AuditEvent.object_id == doc.identificatie))
    ] == ["document.gearchiveerd"]
    assert (
        db.scalar(
            select(func.count())
            .select_from(SearchOutbox)
            .where(SearchOutbox.object_type == "document", SearchOutbox.object_id == doc.id)
        )
        == 1
    )


def test_title_defaults_to_filename_stem(db, world, zaak, store, tmp_path):
    path = corpus.docx(tmp_path / "Verslag overleg.docx", "Verslag van het casusoverleg")
    result = factories.file(db, world.medewerker, zaak, path, world.iot, store)
    assert result.document.titel == "Verslag overleg"
    assert "casusoverleg" in result.document.laatste_versie.tekst


def test_email_is_split_into_message_and_attachments(db, world, zaak, store, tmp_path):
    pdf = corpus.normal_pdf(tmp_path / "bijlage.pdf", text="Rapportage wijkagent")
    path = corpus.eml_with_attachments(
        tmp_path / "melding.eml",
        attachments=[
            ("rapport.pdf", pdf.read_bytes(), "application/pdf"),
            ("notitie.txt", b"korte notitie over de situatie", "text/plain"),
        ],
    )
    result = factories.file(
        db,
        world.medewerker,
        zaak,
        path,
        world.iot,
        store,
        vertrouwelijkheidaanduiding="vertrouwelijk",
    )
    message = result.document
    assert message.laatste_versie.formaat == "message/rfc822"
    assert message.laatste_versie.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert message.laatste_versie.kenmerken.get("onderwerp")
    assert message.verzenddatum is not None and message.ontvangstdatum is not None
    assert sorted(d.titel for d in result.bijlagen) == ["notitie.txt", "rapport.pdf"]
    for bijlage in result.bijlagen:
        assert bijlage.bijlage_van_id == message.id
        assert bijlage.vertrouwelijkheidaanduiding == "vertrouwelijk"
        assert [link.zaak_id for link in bijlage.zaak_links] == [zaak.id]
        assert store.exists(bijlage.laatste_versie.sha256)
    rapport = next(d for d in result.bijlagen if d.titel == "rapport.pdf")
    assert rapport.laatste_versie.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()


def test_msg_is_filed_as_email(db, world, zaak, store, tmp_path):
    path = corpus.msg(tmp_path / "bericht.msg")
    result = factories.file(db, world.medewerker, zaak, path, world.iot, store)
    assert result.document.laatste_versie.formaat == "application/vnd.ms-outlook"


def test_new_version_keeps_earlier_ones(db, world, zaak, store, tmp_path):
    v1 = corpus.normal_pdf(tmp_path / "concept.pdf", text="eerste versie")
    v2 = corpus.normal_pdf(tmp_path / "definitief.pdf", text="tweede versie")
    doc = factories.file(db, world.medewerker, zaak, v1, world.iot, store).document
    documents.file_new_version(
        db, world.medewerker, doc, Upload(v2, "definitief.pdf"), store=store, max_bytes=10**7
    )
    assert [v.versie for v in doc.versies] == [1, 2]
    first, content = documents.open_content(db, world.medewerker, doc, store=store, versie=1)
    with content:
        assert content.read() == v1.read_bytes()
    latest, content = documents.open_content(db, world.medewerker, doc, store=store)
    with content:
        assert latest.versie == 2 and content.read() == v2.read_bytes()
    with pytest.raises(NotFound):
        documents.open_content(db, world.medewerker, doc, store=store, versie=9)


def test_new_version_must_fit_the_document_type(db, world, zaak, store, tmp_path):
    from zaaktypen import services as cat

    alleen_pdf = cat.create_informatieobjecttype(
        db,
        None,
        omschrijving="Besluit (alleen PDF)",
        vertrouwelijkheidaanduiding="intern",
        toegestane_formaten=["application/pdf"],
    )
    pdf = corpus.normal_pdf(tmp_path / "besluit.pdf", text="besluit")
    doc = factories.file(db, world.medewerker, zaak, pdf, alleen_pdf, store).document
    docx = corpus.docx(tmp_path / "besluit.docx", "gewijzigd besluit")
    before = (_count(db, DocumentVersie), _count(db, AuditEvent), _blobs(store))
    with pytest.raises(IngestRefused) as info:
        documents.file_new_version(
            db, world.medewerker, doc, Upload(docx, "besluit.docx"), store=store, max_bytes=10**7
        )
    assert info.value.code == "format_not_allowed_for_type"
    assert "Besluit (alleen PDF)" in info.value.message
    assert (_count(db, DocumentVersie), _count(db, AuditEvent), _blobs(store)) == before
    assert [v.versie for v in doc.versies] == [1]
    pdf2 = corpus.normal_pdf(tmp_path / "besluit2.pdf", text="gewijzigd besluit")
    documents.file_new_version(
        db, world.medewerker, doc, Upload(pdf2, "besluit2.pdf"), store=store, max_bytes=10**7
    )
    assert [v.versie for v in doc.versies] == [1, 2]


def test_new_version_of_a_document_above_clearance_is_not_found(db, world, store, tmp_path):
    behandelaar = factories.make_user(db)
    factories.make_member(db, world.afdeling, behandelaar, clearance="zaakvertrouwelijk")
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    pdf = corpus.normal_pdf(tmp_path / "geheim.pdf", text="geheim")
    doc = factories.file(
        db, world.medewerker, zaak, pdf, world.iot, store, vertrouwelijkheidaanduiding="geheim"
    ).document
    v2 = corpus.normal_pdf(tmp_path / "v2.pdf", text="overschreven")
    with pytest.raises(NotFound):
        documents.file_new_version(
            db, behandelaar, doc, Upload(v2, "v2.pdf"), store=store, max_bytes=10**7
        )
    assert [v.versie for v in doc.versies] == [1]
    documents.file_new_version(  # the zaak itself is theirs to change
        db,
        behandelaar,
        factories.file(db, behandelaar, zaak, pdf, world.iot, store).document,
        Upload(v2, "v2.pdf"),
        store=store,
        max_bytes=10**7,
    )


def test_identical_content_is_stored_once(db, world, zaak, store, tmp_path):
    path = corpus.normal_pdf(tmp_path / "a.pdf", text="zelfde inhoud")
    factories.file(db, world.medewerker, zaak, path, world.iot, store)
    factories.file(db, world.medewerker, zaak, path, world.iot, store)
    assert len(_blobs(store)) == 1
    assert _count(db, Document) == 2


@pytest.mark.parametrize(
    ("builder", "name", "code"),
    [
        (lambda p: corpus.png(p), "scan.pdf", "extension_mismatch"),
        (lambda p: corpus.encrypted_pdf(p), "geheim.pdf", "encrypted"),
        (lambda p: corpus.truncated_pdf(p), "kapot.pdf", "corrupt"),
        (lambda p: corpus.empty(p), "leeg.txt", "empty"),
        (lambda p: corpus.decompression_bomb_docx(p), "bom.docx", "decompression_bomb"),
    ],
)
def test_refused_file_leaves_nothing_behind(db, world, zaak, store, tmp_path, builder, name, code):
    path = tmp_path / name
    builder(path)
    before = (_count(db, Document), _count(db, DocumentVersie), _count(db, AuditEvent))
    with pytest.raises(IngestRefused) as info:
        factories.file(db, world.medewerker, zaak, path, world.iot, store, bestandsnaam=name)
    assert info.value.code == code
    assert info.value.message
    assert (_count(db, Document), _count(db, DocumentVersie), _count(db, AuditEvent)) == before
    assert _blobs(store) == set()


def test_oversized_file_is_refused(db, world, zaak, store, tmp_path):
    path = corpus.oversized(tmp_path / "groot.txt", 2048)
    with pytest.raises(IngestRefused) as info:
        factories.file(db, world.medewerker, zaak, path, world.iot, store, max_bytes=1024)
    assert info.value.code == "too_large"
    assert _blobs(store) == set()


def test_hostile_filename_is_metadata_only(db, world, zaak, store, tmp_path):
    path = corpus.normal_pdf(tmp_path / "x.pdf", text="inhoud")
    result = factories.file(
        db,
        world.medewerker,
        zaak,
        path,
        world.iot,
        store,
        bestandsnaam="../../etc/\x00passwd\n.pdf",
    )
    naam = result.document.laatste_versie.bestandsnaam
    assert "/" not in naam and "\x00" not in naam and "\n" not in naam and ".." not in naam
    assert not (tmp_path.parent / "etc").exists()


def test_risky_pdf_is_kept_untouched_and_flagged(db, world, zaak, store, tmp_path):
    path = corpus.pdf_with_javascript(tmp_path / "script.pdf")
    versie = factories.file(
        db, world.medewerker, zaak, path, world.iot, store
    ).document.laatste_versie
    assert "javascript" in versie.risico
    with store.open(versie.sha256) as fh:
        assert fh.read() == path.read_bytes()


def test_pdf_without_text_layer_is_flagged(db, world, zaak, store, tmp_path):
    path = corpus.image_only_pdf(tmp_path / "scan.pdf")
    versie = factories.file(
        db, world.medewerker, zaak, path, world.iot, store
    ).document.laatste_versie
    assert versie.geen_tekstlaag


def test_invalid_metadata_is_refused_before_inspection(db, world, zaak, store, tmp_path):
    path = corpus.normal_pdf(tmp_path / "a.pdf", text="x")
    with pytest.raises(ValidationFailed) as info:
        factories.file(
            db,
            world.medewerker,
            zaak,
            path,
            world.iot,
            store,
            richting="zijwaarts",
            taal="nederlands",
        )
    assert set(info.value.errors) == {"richting", "taal"}
    assert _blobs(store) == set()


def test_no_filing_into_a_closed_zaak(db, world, zaak, store, tmp_path):
    close_zaak(db, world.medewerker, zaak, resultaattype_id=world.zaaktype.resultaattypen[0].id)
    path = corpus.normal_pdf(tmp_path / "a.pdf", text="x")
    with pytest.raises(Conflict):
        factories.file(db, world.medewerker, zaak, path, world.iot, store)


def test_crash_between_blob_write_and_commit_leaves_no_row(db, world, zaak, store, tmp_path):
    """Fault injection: the commit fails after the blob is written. No row may survive, and
    the orphaned blob is exactly what the orphan sweep finds."""
    from archive.blobstore import find_orphans

    path = corpus.normal_pdf(tmp_path / "a.pdf", text="verloren?")
    db.commit()  # the test's own baseline (releases to a fresh SAVEPOINT)
    before = _count(db, Document)

    def fail(session):
        raise RuntimeError("stroomstoring")

    event.listen(db, "before_commit", fail)
    try:
        factories.file(db, world.medewerker, zaak, path, world.iot, store)
        with pytest.raises(RuntimeError):
            db.commit()
    finally:
        event.remove(db, "before_commit", fail)
    db.rollback()
    assert _count(db, Document) == before
    assert _count(db, ZaakDocument) == 0
    referenced = set(db.scalars(select(DocumentVersie.sha256)))
    orphans = find_orphans(store, referenced)
    assert orphans == [hashlib.sha256(path.read_bytes()).hexdigest()]
    for sha in orphans:
        store.delete(sha)
    assert _blobs(store) == set()


def test_get_unknown_document_is_not_found(db, world):
    with pytest.raises(NotFound):
        documents.get_document(db, world.medewerker, "DOC-2026-0000000000")


def test_document_gegevens_default_to_inkomend(world):
    assert DocumentGegevens(informatieobjecttype=world.iot).richting == "inkomend"


def test_document_can_be_linked_to_a_second_zaak(db, world, zaak, store, tmp_path):
    tweede = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.andere_afdeling
    )
    path = corpus.normal_pdf(tmp_path / "rapport.pdf", text="gedeeld rapport")
    doc = factories.file(db, world.medewerker, zaak, path, world.iot, store).document
    documents.link_document(db, world.medewerker, doc, tweede)
    assert sorted(link.zaak_id for link in doc.zaak_links) == sorted([zaak.id, tweede.id])
    assert [d.id for d in documents.documents_of_zaak(db, world.medewerker, tweede)] == [doc.id]
    with pytest.raises(Conflict):
        documents.link_document(db, world.medewerker, doc, tweede)
    close_zaak(db, world.medewerker, tweede, resultaattype_id=world.zaaktype.resultaattypen[0].id)
    derde = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    close_zaak(db, world.medewerker, derde, resultaattype_id=world.zaaktype.resultaattypen[0].id)
    with pytest.raises(Conflict):
        documents.link_document(db, world.medewerker, doc, derde)


def test_document_type_narrows_the_allowed_formats(db, world, zaak, store, tmp_path):
    from zaaktypen import services as cat

    alleen_pdf = cat.create_informatieobjecttype(
        db,
        None,
        omschrijving="Alleen PDF",
        vertrouwelijkheidaanduiding="intern",
        toegestane_formaten=["application/pdf"],
    )
    path = corpus.docx(tmp_path / "brief.docx", "tekst")
    with pytest.raises(IngestRefused) as info:
        factories.file(db, world.medewerker, zaak, path, alleen_pdf, store)
    assert info.value.code == "format_not_allowed_for_type"
    assert "Alleen PDF" in info.value.message
    pdf = corpus.normal_pdf(tmp_path / "brief.pdf", text="ok")
    factories.file(db, world.medewerker, zaak, pdf, alleen_pdf, store)
    # an inspection made before the type was known is checked as well
    inspectie = documents.inspect_upload(Upload(path, "brief.docx"), max_bytes=10**7)
    with pytest.raises(IngestRefused):
        documents.file_document(
            db,
            world.medewerker,
            zaak,
            Upload(path, "brief.docx"),
            DocumentGegevens(informatieobjecttype=alleen_pdf),
            store=store,
            max_bytes=10**7,
            inspectie=inspectie,
        )


def test_zaaktype_with_document_types_refuses_other_types(db, world, store, tmp_path):
    from zaaktypen import services as cat

    zt = cat.create_concept(
        db,
        None,
        cat.ZaakTypeGegevens(
            identificatie="MET-DOCTYPES",
            omschrijving="Met documenttypen",
            vertrouwelijkheidaanduiding="intern",
        ),
    )
    cat.add_statustype(db, None, zt, omschrijving="A")
    cat.add_statustype(db, None, zt, omschrijving="B")
    cat.add_resultaattype(db, None, zt, cat.ResultaatTypeGegevens("R", selectielijstklasse="11.1"))
    cat.add_roltype(db, None, zt, omschrijving="B", omschrijving_generiek="behandelaar")
    brief = factories.make_iot(db, omschrijving="Brief aan bewoner")
    cat.link_informatieobjecttype(db, None, zt, brief, richting="uitgaand")
    cat.publish(db, None, zt, datum_begin_geldigheid=date(2020, 1, 1))
    zaak = factories.make_zaak(db, world.medewerker, zaaktype=zt, afdeling=world.afdeling)
    path = corpus.normal_pdf(tmp_path / "a.pdf", text="x")
    with pytest.raises(ValidationFailed) as info:
        factories.file(db, world.medewerker, zaak, path, world.iot, store)
    assert "Brief aan bewoner" in info.value.errors["informatieobjecttype"][0]
    assert factories.file(db, world.medewerker, zaak, path, brief, store).document
