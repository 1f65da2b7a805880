"""The demo data: built through the services, with real files in the blob store."""

from __future__ import annotations

from sqlalchemy import select

from archive import users
from archive.demo import create_demo, demo_bsns, docx_bytes
from archive.enums import BetrokkeneType
from archive.models import Betrokkene, Document, User, Zaak
from archive.validation import is_valid_bsn


def test_demo_bsns_pass_the_elfproef():
    bsns = list(demo_bsns(10))
    assert len(set(bsns)) == 10
    assert all(is_valid_bsn(b) for b in bsns)


def test_demo_creates_users_zaken_and_documents(db, store, settings):
    passwords = create_demo(db, store, max_bytes=settings.max_upload_bytes)

    assert {"beheerder", "medewerker", "medewerker2", "archivaris", "auditor"} == set(passwords)
    assert len(set(passwords.values())) == len(passwords)
    for username, password in passwords.items():
        assert len(password) >= users.MIN_PASSWORD_LENGTH
        assert users.authenticate(db, username, password) is not None
    roles = {u.username: u.roles for u in db.scalars(select(User))}
    assert roles["beheerder"] == ["beheerder"]

    zaken = list(db.scalars(select(Zaak).where(Zaak.identificatie.is_not(None))))
    demo_zaken = [z for z in zaken if z.afdeling.code in {"ZVH", "RIEC", "10IT", "VO2026"}]
    assert len(demo_zaken) >= 5
    assert sum(1 for z in demo_zaken if not z.is_open) == 1
    assert any(len(z.statussen) > 1 for z in demo_zaken if z.is_open)
    assert any(z.afdeling.virtueel for z in demo_zaken)

    personen = list(
        db.scalars(select(Betrokkene).where(Betrokkene.type == BetrokkeneType.natuurlijk_persoon))
    )
    assert personen and all(is_valid_bsn(p.bsn) for p in personen if p.bsn)

    documenten = [link.document for z in demo_zaken for link in z.document_links]
    formaten = {d.versies[-1].formaat for d in documenten}
    assert "application/pdf" in formaten
    assert "message/rfc822" in formaten
    assert any("wordprocessingml" in f for f in formaten)
    for document in documenten:
        for versie in document.versies:
            assert store.exists(versie.sha256)
            assert store.verify(versie.sha256)
    email = next(d for d in documenten if d.versies[-1].formaat == "message/rfc822")
    bijlagen = list(db.scalars(select(Document).where(Document.bijlage_van_id == email.id)))
    assert [b.versies[-1].formaat for b in bijlagen] == ["application/pdf"]
    pdfs = [d for d in documenten if d.versies[-1].formaat == "application/pdf"]
    assert any("RIEC" in (d.versies[-1].tekst or "") for d in pdfs)


def test_demo_docx_is_a_real_word_document(tmp_path):
    import docx

    path = tmp_path / "demo.docx"
    path.write_bytes(docx_bytes(["Eerste alinea", "Tweede & laatste <alinea>"]))
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert paragraphs == ["Eerste alinea", "Tweede & laatste <alinea>"]
