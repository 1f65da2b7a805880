"""The verklaring van vernietiging: lists exactly the destroyed zaken, leaves out what is
sensitive, opens as a PDF, and is filed in a DIV zaak that is kept permanently."""

from __future__ import annotations

import csv
import io
from datetime import date

import pikepdf
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from archive import archivering, zaken
from archive.audit import AuditEvent
from archive.errors import Conflict, ValidationFailed
from archive.models import Document, Zaak
from retention import bevriezingen, verklaring, vernietiging, werkvoorraad
from tests import factories
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
    # a third archivist executes, so the CSV's executor cannot be the author or approver
    uitvoerder = factories.make_user(db, roles=("archivaris",))
    db.commit()
    vernietiging.execute(
        db, uitvoerder, lijst, store=store, max_bytes=MAX, now=h.after_bedenktijd()
    )
    return people, archief, lijst


def _content(store, db, identificatie) -> tuple[Document, bytes]:
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
    assert first["opgesteld_op"] == f"{lijst.aangemaakt_op:%Y-%m-%d %H:%M} UTC"
    assert people.beoordelaar.naam in first["beoordeeld_door"]
    assert first["goedgekeurd_door"] == people.tweede.naam
    assert first["goedgekeurd_op"] == f"{lijst.goedgekeurd_op:%Y-%m-%d %H:%M} UTC"
    uitvoerder = lijst.uitgevoerd_door
    assert uitvoerder not in (people.auteur, people.tweede)
    assert first["uitgevoerd_door"] == uitvoerder.naam
    assert first["vernietigd_op"]
    assert list(rows[0]) == verklaring.CSV_HEADER


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
    for person in (people.auteur, people.beoordelaar, people.tweede, lijst.uitgevoerd_door):
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


def test_the_div_zaak_is_kept_permanently_from_the_start(db, uitgevoerd, store):
    people, _archief, lijst = uitgevoerd
    pdf, _ = _content(store, db, lijst.verklaring_pdf)
    (zaak,) = {link.zaak for link in pdf.zaak_links}
    uitvoerder = lijst.uitgevoerd_door  # a member of DIV since filing
    assert zaak.is_open
    assert zaak.archiefnominatie == "blijvend_bewaren"
    assert zaak.archiefnominatie_bron == archivering.VOORAF + verklaring.NOMINATIE_BRON
    assert "19.1.18" in zaak.archiefnominatie_bron
    assert zaak.archiefactiedatum is None and zaak.brondatum is None
    event = db.scalar(
        select(AuditEvent).where(
            AuditEvent.actie == "zaak.archivering_berekend", AuditEvent.zaak_id == zaak.id
        )
    )
    assert event.na["archiefnominatie"] == "blijvend_bewaren"
    # a recompute of the open zaak keeps it
    assert archivering.apply(db, None, zaak) is False
    assert zaak.archiefnominatie == "blijvend_bewaren"
    # open, it is never due, not even with a date in the past
    zaak.archiefactiedatum = date(2000, 1, 1)
    db.flush()
    far = date(2200, 1, 1)
    for soort in ("vernietigen", "overbrengen"):
        _total, rows = werkvoorraad.due(db, people.auteur, soort, today=far, limit=1000)
        assert zaak.identificatie not in {r.identificatie for r in rows}, soort
    zaak.archiefactiedatum = None
    # closing it computes the same nominatie, now from its resultaat
    zaken.close_zaak(db, uitvoerder, zaak, resultaattype_id=zaak.zaaktype.resultaattypen[0].id)
    assert zaak.archiefnominatie == "blijvend_bewaren"
    assert "19.1.18" in zaak.archiefnominatie_bron
    assert not zaak.archiefnominatie_bron.startswith(archivering.VOORAF)
    assert zaak.archiefactiedatum is not None  # due for transfer, after the term
    # a new year's zaak gets it too, and a zaak of old that lacked it gets it on use
    zaken.reopen_zaak(db, uitvoerder, zaak, toelichting="Nog een verklaring")
    assert zaak.archiefnominatie is None
    assert verklaring.verklaring_zaak(db, uitvoerder, zaak.startdatum.year).id == zaak.id
    assert zaak.archiefnominatie == "blijvend_bewaren"
    volgend = verklaring.verklaring_zaak(db, uitvoerder, zaak.startdatum.year + 1)
    assert volgend.id != zaak.id and volgend.archiefnominatie == "blijvend_bewaren"


def test_a_preset_nominatie_is_for_open_zaken_only(db, uitgevoerd, store):
    people, _archief, lijst = uitgevoerd
    zaak = verklaring.verklaring_zaak(db, people.tweede, 2031)
    with pytest.raises(ValidationFailed):
        archivering.preset_nominatie(db, None, zaak, "misschien", "x")
    assert zaak.archiefnominatie == "blijvend_bewaren"
    zaken.close_zaak(db, people.tweede, zaak, resultaattype_id=zaak.zaaktype.resultaattypen[0].id)
    with pytest.raises(Conflict):
        archivering.preset_nominatie(db, None, zaak, "vernietigen", "x")
    assert zaak.archiefnominatie == "blijvend_bewaren"


def test_regels_skip_refused_and_excluded_items(db, uitgevoerd):
    _people, archief, lijst = uitgevoerd
    assert [r.identificatie for r in verklaring.regels(lijst)] == [
        z.identificatie for z in archief.due[:2]
    ]
    assert [i.status for i in lijst.items] == ["vernietigd", "vernietigd", "geweigerd"]
