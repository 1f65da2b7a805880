"""MDTO XML: the shipped XSD accepts the Nationaal Archief's own examples, refuses a broken
document with lxml's error line, and the file-format mapping gives PRONOM ids."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from retention import mdto

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "standards" / "mdto"
VORMER = mdto.Archiefvormer(
    naam="Gemeente Voorbeeldstad",
    kenmerk="https://identifier.overheid.nl/tooi/id/gemeente/gm9999",
)


def test_the_shipped_schema_is_the_standard_one():
    shipped = Path(mdto.__file__).parent / "schemas" / mdto.SCHEMA_FILE
    original = EXAMPLES / mdto.SCHEMA_FILE
    if not original.exists():
        pytest.skip("the shared standards are not next to this checkout")
    assert shipped.read_bytes() == original.read_bytes()


@pytest.mark.parametrize(
    "voorbeeld",
    [
        "voorbeeld-dossier-informatieobject.xml",
        "voorbeeld-archiefstuk-informatieobject.xml",
        "voorbeeld-bestand.xml",
        "voorbeeld-serie-informatieobject.xml",
    ],
)
def test_the_official_examples_validate(voorbeeld):
    path = EXAMPLES / voorbeeld
    if not path.exists():
        pytest.skip("the shared standards are not next to this checkout")
    mdto.validate(etree.parse(str(path)).getroot(), voorbeeld)


def _bestand(**overrides):
    values = dict(
        identificatie="DOC-2024-0000000001-v1",
        naam="brief.pdf",
        omvang=1234,
        formaat=mdto.formaat("application/pdf", kop=b"%PDF-1.7\n"),
        sha256="a" * 64,
        checksum_tijd=datetime(2041, 1, 2, 3, 4, 5, tzinfo=UTC),
        vormer=VORMER,
        representatie_van=mdto.Onderdeel("Brief", "DOC-2024-0000000001"),
    )
    values.update(overrides)
    return mdto.bestand(**values)


def test_a_bestand_record_validates_and_carries_checksum_and_pronom():
    root = _bestand()
    mdto.validate(root)
    ns = {"m": mdto.NS}
    assert root.findtext("m:bestand/m:omvang", namespaces=ns) == "1234"
    assert root.findtext("m:bestand/m:checksum/m:checksumWaarde", namespaces=ns) == "a" * 64
    assert (
        root.findtext("m:bestand/m:checksum/m:checksumAlgoritme/m:begripLabel", namespaces=ns)
        == "SHA256"
    )
    assert root.findtext("m:bestand/m:checksum/m:checksumDatum", namespaces=ns) == (
        "2041-01-02T03:04:05Z"
    )
    assert root.findtext("m:bestand/m:bestandsformaat/m:begripCode", namespaces=ns) == "fmt/276"
    text = mdto.serialize(root)
    assert text.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_an_unknown_format_has_no_pronom_code_and_still_validates():
    root = _bestand(formaat=mdto.formaat("application/x-onbekend"))
    mdto.validate(root)
    formaat = root.find(f"{{{mdto.NS}}}bestand/{{{mdto.NS}}}bestandsformaat")
    assert formaat.find(f"{{{mdto.NS}}}begripCode") is None
    assert formaat.findtext(f"{{{mdto.NS}}}begripLabel") == "application/x-onbekend"


def test_a_broken_document_is_refused_with_the_error_line():
    root = _bestand()
    omvang = root.find(f"{{{mdto.NS}}}bestand/{{{mdto.NS}}}omvang")
    omvang.text = "veel"
    with pytest.raises(mdto.MdtoInvalid) as info:
        mdto.validate(root, "brief.pdf.bestand.mdto.xml")
    assert "omvang" in info.value.message and "regel" in info.value.message
    assert str(info.value).startswith("brief.pdf.bestand.mdto.xml: ")
    # a missing mandatory element too
    root = _bestand()
    bestand = root.find(f"{{{mdto.NS}}}bestand")
    bestand.remove(bestand.find(f"{{{mdto.NS}}}checksum"))
    with pytest.raises(mdto.MdtoInvalid, match="checksum|URLBestand|isRepresentatieVan"):
        mdto.validate(root)


@pytest.mark.parametrize(
    ("mime", "kwargs", "puid"),
    [
        ("application/pdf", {"pdfa": "2b"}, "fmt/477"),
        ("application/pdf", {"pdfa": "1b"}, "fmt/354"),
        ("application/pdf", {"kop": b"%PDF-1.4\n%\xe2\xe3"}, "fmt/18"),
        ("application/pdf", {}, None),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            {},
            "fmt/412",
        ),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {}, "fmt/214"),
        ("application/vnd.oasis.opendocument.text", {"odf_versie": "1.2"}, "fmt/291"),
        ("application/vnd.oasis.opendocument.text", {}, None),
        ("image/png", {}, "fmt/13"),
        ("image/jpeg", {"kop": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01"}, "fmt/43"),
        ("image/jpeg", {"kop": b"\xff\xd8\xff\xe1"}, None),
        ("image/tiff", {}, "fmt/353"),
        ("text/plain", {}, "x-fmt/111"),
        ("message/rfc822", {}, "fmt/278"),
        ("application/vnd.ms-outlook", {}, "x-fmt/430"),
        ("application/octet-stream", {}, None),
    ],
)
def test_pronom_ids_for_the_accepted_formats(mime, kwargs, puid):
    formaat = mdto.formaat(mime, **kwargs)
    assert formaat.puid == puid
    assert formaat.label
    assert (formaat.lijst == mdto.MEDIATYPEN) == (mime == "application/octet-stream")
