"""Transfer to the e-Depot: the exported SIP is a valid BagIt bag whose every MDTO file
validates against the XSD, checksums match, a refused export leaves nothing, and
confirming makes the zaken overgedragen (and may remove local content, safely)."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import bagit
import pytest
from lxml import etree
from sqlalchemy import func, select

from archive.audit import AuditEvent
from archive.errors import Conflict, Forbidden, NotFound, ValidationFailed
from archive.models import Document, Overbrenging, ToegangslogRegel
from retention import mdto, werkvoorraad
from retention import overbrenging as ob
from tests import factories
from tests.overbrenging_helpers import ARCHIEFVORMER, PEILDATUM, configure, due_zaak

NS = {"m": mdto.NS}


@pytest.fixture(autouse=True)
def _config(monkeypatch):
    configure(monkeypatch)


@pytest.fixture
def twee(db, world, archief_zaaktype, store, tmp_path):
    first = due_zaak(db, world, archief_zaaktype, store, tmp_path)
    second = due_zaak(db, world, archief_zaaktype, store, tmp_path, omschrijving="Tweede", files=3)
    db.commit()
    return first, second


def export(db, actor, store, out, **kwargs):
    kwargs.setdefault("today", PEILDATUM)
    return ob.export(db, actor, out_dir=out, store=store, **kwargs)


def xml_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.mdto.xml"))


def test_the_package_is_a_valid_bag_of_valid_mdto(db, world, store, tmp_path, twee):
    first, second = twee
    out = tmp_path / "out"
    seen = []
    result = export(
        db, world.archivaris, store, out, maak_zip=True, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(1, 2), (2, 2)]
    package = Path(result.pakket_pad)
    assert package.parent == out.resolve() and package.is_dir()
    assert sorted(p.name for p in out.iterdir()) == [package.name, f"{package.name}.zip"]

    bag = bagit.Bag(str(package))
    bag.validate()  # raises on any mismatch
    assert bag.info["Source-Organization"] == ARCHIEFVORMER
    assert bag.info["External-Identifier"] == result.naam
    assert (
        result.manifest_sha256
        == hashlib.sha256((package / "manifest-sha256.txt").read_bytes()).hexdigest()
    )

    files = xml_files(package / "data")
    assert len(files) == 2 + 5 + 5  # dossiers, archiefstukken, bestanden
    for path in files:
        mdto.validate(etree.parse(str(path)).getroot(), path.name)

    dossier = etree.parse(
        str(package / "data" / first.identificatie / f"{first.identificatie}.mdto.xml")
    ).getroot()
    io = dossier.find("m:informatieobject", NS)
    assert io.findtext("m:identificatie/m:identificatieKenmerk", namespaces=NS) == (
        first.identificatie
    )
    assert io.findtext("m:aggregatieniveau/m:begripLabel", namespaces=NS) == "Dossier"
    assert io.findtext("m:waardering/m:begripCode", namespaces=NS) == "B"
    assert io.findtext("m:informatiecategorie/m:begripCode", namespaces=NS) == "1.1.1"
    assert io.findtext("m:dekkingInTijd/m:dekkingInTijdBegindatum", namespaces=NS) == "2020-01-06"
    assert io.findtext("m:dekkingInTijd/m:dekkingInTijdEinddatum", namespaces=NS) == "2020-03-01"
    assert io.findtext("m:archiefvormer/m:verwijzingNaam", namespaces=NS) == ARCHIEFVORMER
    assert (
        io.findtext("m:beperkingGebruik/m:beperkingGebruikType/m:begripCode", namespaces=NS)
        == first.vertrouwelijkheidaanduiding
    )
    labels = [
        e.findtext("m:eventType/m:begripLabel", namespaces=NS) for e in io.findall("m:event", NS)
    ]
    assert labels[0] == "Registratie" and labels[-1] == "Afsluiting" and "Afgehandeld" in labels
    onderdelen = {
        e.findtext("m:verwijzingIdentificatie/m:identificatieKenmerk", namespaces=NS)
        for e in io.findall("m:bevatOnderdeel", NS)
    }
    documenten = {link.document.identificatie for link in first.document_links}
    assert onderdelen == documenten and len(documenten) == 2

    # every file: its bestand record names the right checksum, size and document
    for entry in result.bestanden:
        payload = package / entry["pad"]
        data = payload.read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        record = etree.parse(str(payload) + ".bestand.mdto.xml").getroot()
        assert (
            record.findtext("m:bestand/m:checksum/m:checksumWaarde", namespaces=NS)
            == (entry["sha256"])
        )
        assert record.findtext("m:bestand/m:omvang", namespaces=NS) == str(len(data))
        assert (
            record.findtext(
                "m:bestand/m:isRepresentatieVan/m:verwijzingIdentificatie/m:identificatieKenmerk",
                namespaces=NS,
            )
            == entry["document"]
        )
        stuk = etree.parse(str(payload.parent / f"{payload.parent.name}.mdto.xml")).getroot()
        assert (
            stuk.findtext("m:informatieobject/m:aggregatieniveau/m:begripLabel", namespaces=NS)
            == "Archiefstuk"
        )
        assert (
            stuk.findtext(
                "m:informatieobject/m:isOnderdeelVan/m:verwijzingIdentificatie/"
                "m:identificatieKenmerk",
                namespaces=NS,
            )
            == payload.parent.parent.name
        )
    codes = {
        etree.parse(str(p))
        .getroot()
        .findtext("m:bestand/m:bestandsformaat/m:begripCode", namespaces=NS)
        for p in files
        if p.name.endswith(".bestand.mdto.xml")
    }
    assert {"x-fmt/111", "fmt/13"} <= codes

    # the zip holds the same bag under the package's name
    with zipfile.ZipFile(result.zip_pad) as zf:
        names = set(zf.namelist())
    assert f"{result.naam}/bagit.txt" in names
    assert f"{result.naam}/{result.bestanden[0]['pad']}" in names

    # the record, its zaken, the audit trail and the access log
    assert result.status == "geexporteerd" and result.aantal_zaken == 2
    assert result.aantal_documenten == 5 and len(result.bestanden) == 5
    assert {link.zaak_identificatie for link in result.zaak_links} == {
        first.identificatie,
        second.identificatie,
    }
    acties = db.scalars(select(AuditEvent.actie).order_by(AuditEvent.id)).all()
    assert "overbrenging.geexporteerd" in acties
    assert acties.count("zaak.overbrenging_geexporteerd") == 2
    assert db.scalar(
        select(func.count()).select_from(ToegangslogRegel).where(ToegangslogRegel.pad == "export")
    )
    # nothing changes on the zaken yet, but they are no longer offered for another package
    assert first.archiefstatus == "nog_te_archiveren"
    assert ob.due_zaken(db, world.archivaris, today=PEILDATUM) == []
    with pytest.raises(Conflict, match="geen zaken"):
        export(db, world.archivaris, store, out)


def test_an_invalid_xml_stops_the_export_and_leaves_nothing(db, world, store, tmp_path, twee):
    first, _ = twee
    document = first.document_links[0].document
    document.taal = "1"  # legacy data no xsd:language accepts
    db.flush()
    out = tmp_path / "out"
    with pytest.raises(ValidationFailed) as info:
        export(db, world.archivaris, store, out, maak_zip=True)
    message = info.value.message
    assert "MDTO-schema" in message and document.identificatie in message and "taal" in message
    assert list(out.iterdir()) == []  # no package, no temp dir, no zip
    assert db.scalar(select(func.count()).select_from(Overbrenging)) == 0


def test_a_tampered_file_fails_bag_validation(db, world, store, tmp_path, twee):
    result = export(db, world.archivaris, store, tmp_path / "out")
    package = Path(result.pakket_pad)
    bagit.Bag(str(package)).validate()
    target = package / result.bestanden[0]["pad"]
    target.chmod(0o644)
    target.write_bytes(target.read_bytes() + b"x")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(package)).validate()


def test_a_damaged_blob_stops_the_export(db, world, store, tmp_path, twee):
    first, _ = twee
    versie = first.document_links[0].document.laatste_versie
    blob = store.path(versie.sha256)
    blob.chmod(0o644)
    blob.write_bytes(b"anders")
    out = tmp_path / "out"
    with pytest.raises(Conflict, match="beschadigd"):
        export(db, world.archivaris, store, out)
    assert list(out.iterdir()) == []


def test_confirm_makes_the_zaken_overgedragen(db, world, store, tmp_path, twee):
    first, second = twee
    result = export(db, world.archivaris, store, tmp_path / "out")
    db.commit()
    bevestiging = ob.confirm(
        db, world.archivaris, result.id, store=store, toelichting="Ontvangstbewijs e-Depot 42"
    )
    db.commit()
    assert first.archiefstatus == second.archiefstatus == "overgedragen"
    assert result.status == "bevestigd" and result.bevestigd_door_id == world.archivaris.id
    assert result.bevestigd_op is not None and result.bevestiging_toelichting.endswith("42")
    assert bevestiging.te_verwijderen == [] and not result.inhoud_verwijderd
    for link in first.document_links:  # content stays by default
        assert store.exists(link.document.laatste_versie.sha256)
    acties = db.scalars(select(AuditEvent.actie)).all()
    assert "overbrenging.bevestigd" in acties and acties.count("zaak.overgedragen") == 2
    assert werkvoorraad.due(db, world.archivaris, "overbrengen", today=PEILDATUM)[0] == 0
    with pytest.raises(Conflict, match="bevestigd"):
        ob.confirm(db, world.archivaris, result.id, store=store)


def test_confirm_may_remove_local_content_but_not_what_is_still_needed(
    db, world, store, tmp_path, twee, monkeypatch
):
    first, second = twee
    # the same bytes filed in a zaak that stays here: that blob must survive
    stays = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    same = tmp_path / "kopie.txt"
    same.write_text("Notitie over het monument aan de Kerkstraat.\n", encoding="utf-8")
    factories.file(db, world.medewerker, stays, same, world.iot, store)
    db.commit()
    result = export(db, world.archivaris, store, tmp_path / "out")
    db.commit()
    monkeypatch.setenv("OVERBRENGING_INHOUD_VERWIJDEREN", "1")

    # a rolled-back confirmation removes nothing
    bevestiging = ob.confirm(db, world.archivaris, result.id, store=store)
    assert bevestiging.te_verwijderen
    db.rollback()
    assert all(store.exists(b["sha256"]) for b in result.bestanden)

    db.expire_all()
    bevestiging = ob.confirm(db, world.archivaris, result.id, store=store)
    db.commit()
    text_sha = next(b["sha256"] for b in result.bestanden if b["pad"].endswith(".txt"))
    assert text_sha not in bevestiging.te_verwijderen and store.exists(text_sha)
    for sha in bevestiging.te_verwijderen:
        assert not store.exists(sha)
    assert result.inhoud_verwijderd
    pdf = next(link.document for link in first.document_links if link.document.titel != "notitie")
    versie = db.get(Document, pdf.id).laatste_versie
    if versie.sha256 in bevestiging.te_verwijderen:
        assert versie.kenmerken["overgedragen"]["overbrenging"] == result.id
    # metadata stays
    assert db.scalar(select(func.count()).select_from(Document)) >= 6


def test_only_an_archivaris_and_unknown_ids_are_absent(db, world, store, tmp_path, twee):
    for actor in (world.medewerker, world.beheerder, world.auditor):
        with pytest.raises(Forbidden):
            export(db, actor, store, tmp_path / "out")
        with pytest.raises(Forbidden):
            ob.list_transfers(db, actor)
    assert not (tmp_path / "out").exists()
    result = export(db, world.archivaris, store, tmp_path / "out")
    with pytest.raises(Forbidden):
        ob.confirm(db, world.medewerker, result.id, store=store)
    with pytest.raises(Forbidden):
        ob.get(db, world.medewerker, result.id)
    for unknown in (999_999, 0, -1, 2**70):
        with pytest.raises(NotFound):
            ob.get(db, world.archivaris, unknown)
        with pytest.raises(NotFound):
            ob.confirm(db, world.archivaris, unknown, store=store)
    assert ob.list_transfers(db, world.archivaris)[0] == 1


def test_refusals_name_what_is_wrong(db, world, store, tmp_path, twee, monkeypatch):
    first, _ = twee
    out = tmp_path / "out"
    with pytest.raises(ValidationFailed) as info:
        export(db, world.archivaris, store, out, selectie=ob.Selectie(identificaties=("ZAAK-X",)))
    assert "ZAAK-X" in info.value.errors["zaken"][0]
    with pytest.raises(Conflict, match="geen zaken"):
        export(db, world.archivaris, store, out, today=PEILDATUM.replace(year=2030))
    with pytest.raises(Conflict, match="geen zaken"):
        export(db, world.archivaris, store, out, selectie=ob.Selectie(afdeling="GEEN"))
    monkeypatch.delenv("ARCHIEFVORMER")
    with pytest.raises(Conflict, match="ARCHIEFVORMER"):
        export(db, world.archivaris, store, out)
    monkeypatch.setenv("ARCHIEFVORMER", ARCHIEFVORMER)
    monkeypatch.setenv("OVERBRENGING_INHOUD_VERWIJDEREN", "misschien")
    result = export(db, world.archivaris, store, out, selectie=ob.Selectie(limit=1))
    assert result.aantal_zaken == 1
    with pytest.raises(Conflict, match="OVERBRENGING_INHOUD_VERWIJDEREN"):
        ob.confirm(db, world.archivaris, result.id, store=store)


def test_a_zaak_with_unfinished_documents_is_not_exported(
    db, world, archief_zaaktype, store, tmp_path
):
    zaak = due_zaak(db, world, archief_zaaktype, store, tmp_path, files=1)
    document = zaak.document_links[0].document
    document.status = "in_bewerking"
    db.flush()
    with pytest.raises(Conflict, match=zaak.identificatie):
        export(db, world.archivaris, store, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_a_filtered_selection(db, world, store, tmp_path, twee):
    first, second = twee
    result = export(
        db,
        world.archivaris,
        store,
        tmp_path / "out",
        selectie=ob.Selectie(identificaties=(second.identificatie,), afdeling=world.afdeling.code),
    )
    assert [link.zaak_identificatie for link in result.zaak_links] == [second.identificatie]
    assert [z.identificatie for z in ob.due_zaken(db, None, today=PEILDATUM)] == [
        first.identificatie
    ]
