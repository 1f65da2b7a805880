"""The verklaring van vernietiging: lists exactly the destroyed zaken, leaves out what is
sensitive, opens as a PDF, and is filed in a DIV zaak that is kept permanently."""

from __future__ import annotations

import csv
import io

import pikepdf
import pytest
from pypdf import PdfReader

from archive.models import Document, Zaak
from retention import bevriezingen, verklaring, vernietiging
from tests import vernietiging_helpers as h

MAX = 5 * 1024 * 1024


@pytest.fixture
def uitgevoerd(db, world, archief_zaaktype, store, tmp_path):
    people = h.cast(db, world)
    archief = h.build(db, world, archief_zaaktype, store, tmp_path)
    lijst = h.to_bedenktijd(db, people)
    held = archief.due[2]
    bevriezingen.place_hold(
        db,
        people.auteur,
        bevriezingen.BevriezingGegevens(
            grond="woo_verzoek",
            reden="Woo",
            eigenaar=people.auteur.username,
            zaak=held.identificatie,
        ),
    )
    db.commit()
    vernietiging.execute(
        db, people.tweede, lijst, store=store, max_bytes=MAX, now=h.after_bedenktijd()
    )
    return people, archief, lijst


def _content(store, db, identificatie) -> tuple[Document, bytes]:
    from sqlalchemy import select

    document = db.scalar(select(Document).where(Document.identificatie == identificatie))
    with store.open(document.laatste_versie.sha256) as fh:
        return document, fh.read()


def test_csv_lists_exactly_the_destroyed_zaken(db, uitgevoerd, store):
    people, archief, lijst = uitgevoerd
    destroyed = [z.identificatie for z in archief.due[:2]]
    document, data = _content(store, db, lijst.verklaring_csv)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [r["zaak"] for r in rows] == destroyed
    first, sensitive = rows
    assert first["omschrijving"] == "Te vernietigen 0"
    assert sensitive["omschrijving"] == verklaring.WEGGELATEN  # vertrouwelijk
    assert "Te vernietigen 1" not in data.decode("utf-8")
    assert first["selectielijstklasse"] == "7.1" and first["selectielijst_versie"] == "2020"
    assert first["resultaat"] == "Afgehandeld"
    assert first["startdatum"] == "2020-01-02" and first["einddatum"] == "2020-06-01"
    assert first["archiefactiedatum"] == "2025-06-01"
    assert first["opgesteld_door"] == people.auteur.naam
    assert people.beoordelaar.naam in first["beoordeeld_door"]
    assert first["goedgekeurd_door"] == people.tweede.naam
    assert first["vernietigd_op"]


def test_pdf_opens_and_names_everyone_and_every_destroyed_zaak(db, uitgevoerd, store):
    people, archief, lijst = uitgevoerd
    document, data = _content(store, db, lijst.verklaring_pdf)
    assert document.laatste_versie.formaat == "application/pdf"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 1
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    for zaak in archief.due[:2]:
        assert zaak.identificatie in text
    assert archief.due[2].identificatie not in text  # held: not destroyed, not listed
    assert "Te vernietigen 1" not in text
    for person in (people.auteur, people.beoordelaar, people.tweede):
        assert person.naam in text


def test_filed_in_a_div_zaak_kept_permanently(db, uitgevoerd, store):
    people, _archief, lijst = uitgevoerd
    pdf, _ = _content(store, db, lijst.verklaring_pdf)
    csv_doc, _ = _content(store, db, lijst.verklaring_csv)
    (zaak,) = {link.zaak for link in pdf.zaak_links} | {link.zaak for link in csv_doc.zaak_links}
    assert zaak.afdeling.code == verklaring.DIV_AFDELING
    assert zaak.zaaktype.identificatie == verklaring.ZAAKTYPE
    assert zaak.omschrijving.startswith("Vernietigingsverklaringen ")
    assert [r.archiefnominatie for r in zaak.zaaktype.resultaattypen] == ["blijvend_bewaren"]
    assert zaak.zaaktype.resultaattypen[0].selectielijstklasse == "19.1.18"
    assert pdf.status == "definitief" and pdf.informatieobjecttype.omschrijving == (
        verklaring.DOCUMENTTYPE
    )
    # a second list files into the same zaak of the year
    again = verklaring.verklaring_zaak(db, people.tweede, lijst.vernietigd_op.year)
    assert again.id == zaak.id
    assert db.get(Zaak, zaak.id).is_open


def test_regels_skip_refused_and_excluded_items(db, uitgevoerd):
    _people, archief, lijst = uitgevoerd
    assert [r.identificatie for r in verklaring.regels(lijst)] == [
        z.identificatie for z in archief.due[:2]
    ]
    assert [i.status for i in lijst.items] == ["vernietigd", "vernietigd", "geweigerd"]
