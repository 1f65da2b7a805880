"""The ingest pipeline against real files built at test time (tests/corpus.py); no mocks."""

from __future__ import annotations

import hashlib
import json
import time
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.errors import IngestRefused, TooLarge
from archive.ingest import ALLOWED_FORMATS, Bijlage, Inspectie, inspect_file, sanitize_filename
from tests import corpus

MB = 1024 * 1024
LIMIT = 20 * MB
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def inspect(path: Path, name: str | None = None, **kwargs) -> Inspectie:
    kwargs.setdefault("max_bytes", LIMIT)
    return inspect_file(path, name or path.name, **kwargs)


def refused(path: Path, name: str | None = None, **kwargs) -> IngestRefused:
    with pytest.raises(IngestRefused) as info:
        inspect(path, name, **kwargs)
    assert info.value.message
    assert info.value.field == "bestand"
    return info.value


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- allow-list -------------------------------------------------------------------------------


def test_allowed_formats_cover_the_agreed_list():
    assert set(ALLOWED_FORMATS) == {
        "application/pdf",
        DOCX,
        XLSX,
        PPTX,
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/msword",
        "application/vnd.ms-excel",
        "application/rtf",
        "text/plain",
        "text/csv",
        "application/xml",
        "message/rfc822",
        "application/vnd.ms-outlook",
        "image/jpeg",
        "image/png",
        "image/tiff",
    }
    assert all(ALLOWED_FORMATS.values())


# -- PDF --------------------------------------------------------------------------------------


def test_normal_pdf(tmp_path):
    path = corpus.normal_pdf(tmp_path / "brief.pdf", text="Geachte heer, betreft uw melding")
    result = inspect(path)
    assert result.formaat == "application/pdf"
    assert result.bestandsnaam == "brief.pdf"
    assert result.bestandsomvang == path.stat().st_size
    assert result.sha256 == _digest(path)
    assert result.paginas == 2
    assert "betreft uw melding" in result.tekst
    assert not result.geen_tekstlaag
    assert result.risico == []
    assert result.bijlagen == []
    k = result.kenmerken
    assert k["javascript"] is False and k["launch"] is False and k["embedded_files"] is False
    assert k["pdfa"] is None
    json.dumps(k)


@pytest.mark.parametrize(
    ("builder", "risk"),
    [
        (corpus.pdf_with_javascript, "javascript"),
        (corpus.pdf_with_names_javascript, "javascript"),
        (corpus.pdf_with_launch_action, "launch"),
        (corpus.pdf_with_embedded_file, "embedded_files"),
    ],
)
def test_active_pdf_content_is_flagged_and_file_untouched(tmp_path, builder, risk):
    path = builder(tmp_path / "actief.pdf")
    before = _digest(path)
    result = inspect(path)
    assert risk in result.risico
    assert result.kenmerken["embedded_files" if risk == "embedded_files" else risk] is True
    assert result.sha256 == before == _digest(path)


def test_harmless_pdf_has_no_false_alarms(tmp_path):
    result = inspect(corpus.pdfa_claim_pdf(tmp_path / "a.pdf"))
    assert result.risico == []


def test_password_protected_pdf_is_refused(tmp_path):
    error = refused(corpus.encrypted_pdf(tmp_path / "geheim.pdf"))
    assert error.code == "encrypted"
    assert "wachtwoord" in error.message


def test_owner_password_only_pdf_is_refused_too(tmp_path):
    error = refused(corpus.encrypted_pdf(tmp_path / "beperkt.pdf", user=""))
    assert error.code == "encrypted"


def test_truncated_pdf_is_refused_as_corrupt(tmp_path):
    error = refused(corpus.truncated_pdf(tmp_path / "kapot.pdf"))
    assert error.code == "corrupt"
    assert "beschadigd" in error.message


def test_pdf_without_text_layer_is_flagged(tmp_path):
    result = inspect(corpus.image_only_pdf(tmp_path / "scan.pdf", pages=2))
    assert result.paginas == 2
    assert result.geen_tekstlaag is True
    assert result.tekst is None


def test_pdf_text_is_extracted_per_page_with_plain_line_ends(tmp_path):
    result = inspect(corpus.normal_pdf(tmp_path / "brief.pdf", "Besluit over café De Zwaan", 3))
    assert result.tekst.split("\n") == [
        f"Besluit over café De Zwaan (pagina {n})" for n in (1, 2, 3)
    ]
    assert "\r" not in result.tekst


def test_pdf_text_from_many_threads_at_once_is_each_file_own_text(tmp_path):
    """PDFium is not thread-safe; waitress files uploads on several threads at once."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [
        corpus.normal_pdf(tmp_path / f"d{i}.pdf", f"Document nummer {i}", 4) for i in range(16)
    ]
    with ThreadPoolExecutor(8) as pool:
        texts = list(pool.map(lambda p: inspect(p).tekst, paths * 4))
    assert texts == [inspect(p).tekst for p in paths] * 4
    assert all(f"Document nummer {i}" in texts[i] for i in range(16))


def test_pdfa_claim_and_xmp_are_recorded(tmp_path):
    path = corpus.pdfa_claim_pdf(tmp_path / "besluit.pdf", titel="Besluit subsidie", auteur="Ria")
    k = inspect(path).kenmerken
    assert k["pdfa"] == "2b"
    assert k["xmp_titel"] == "Besluit subsidie"
    assert k["xmp_auteur"] == "Ria"
    assert k["xmp_creatiedatum"] == "2024-03-01T10:30:00+01:00"


# -- size and emptiness -----------------------------------------------------------------------


def test_oversized_file_is_refused_with_limit_in_mb(tmp_path):
    path = corpus.oversized(tmp_path / "groot.txt", 3 * MB)
    with pytest.raises(TooLarge) as info:
        inspect_file(path, "groot.txt", max_bytes=2 * MB)
    assert info.value.code == "too_large"
    assert info.value.status == 413
    assert "2 MB" in info.value.message


def test_file_exactly_at_limit_passes(tmp_path):
    path = corpus.oversized(tmp_path / "precies.txt", 4096)
    assert inspect_file(path, "precies.txt", max_bytes=4096).bestandsomvang == 4096


def test_empty_file_is_refused(tmp_path):
    error = refused(corpus.empty(tmp_path / "leeg.pdf"))
    assert error.code == "empty"
    assert "leeg" in error.message


# -- sniffing, extensions, allow-lists --------------------------------------------------------


def test_png_named_pdf_is_an_extension_mismatch(tmp_path):
    path = corpus.png(tmp_path / "x")
    error = refused(path, "scan.pdf")
    assert error.code == "extension_mismatch"
    assert ".pdf" in error.message and "PNG-afbeelding" in error.message


def test_pdf_named_exe_is_an_extension_mismatch(tmp_path):
    error = refused(corpus.normal_pdf(tmp_path / "x"), "factuur.pdf.exe")
    assert error.code == "extension_mismatch"


def test_docx_named_xlsx_is_an_extension_mismatch(tmp_path):
    error = refused(corpus.docx(tmp_path / "x.docx"), "begroting.xlsx")
    assert error.code == "extension_mismatch"
    assert "Word-document" in error.message


def test_missing_or_unknown_extension_is_allowed(tmp_path):
    assert inspect(corpus.png(tmp_path / "x"), "scan").formaat == "image/png"
    assert inspect(corpus.normal_pdf(tmp_path / "y"), "rapport.definitief").paginas == 2


@pytest.mark.parametrize(
    ("name", "content", "code", "says"),
    [
        ("archief.zip", None, "format_not_allowed", "ZIP-archief"),
        ("pagina.html", b"<!DOCTYPE html><html><body>hoi</body></html>", None, "HTML-pagina"),
        ("setup.exe", b"MZ" + bytes(300), None, "Windows-programma"),
    ],
)
def test_format_outside_allow_list_is_named(tmp_path, name, content, code, says):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("a.txt", "hoi")
    else:
        path.write_bytes(content)
    error = refused(path)
    assert error.code == "format_not_allowed"
    assert says in error.message
    assert "PDF" in error.message  # tells what is allowed


@pytest.mark.parametrize(
    ("member", "content"),
    [
        ("mimetype", "image/png"),
        (
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/x.xml" ContentType="image/png.main+xml"/></Types>',
        ),
    ],
)
def test_zip_cannot_declare_itself_an_allowed_format(tmp_path, member, content):
    path = tmp_path / "x"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, content)
    error = refused(path, "plaatje")
    assert error.code == "format_not_allowed"
    assert "ZIP-archief" in error.message


def test_document_type_narrows_the_allow_list(tmp_path):
    path = corpus.png(tmp_path / "foto.png")
    error = refused(path, allowed_formats=["application/pdf"])
    assert error.code == "format_not_allowed_for_type"
    assert "PNG-afbeelding" in error.message and "PDF-document" in error.message
    assert inspect(path, allowed_formats=["application/pdf", "image/png"]).formaat == "image/png"


def test_browser_type_and_name_are_never_trusted(tmp_path):
    # Executable content under an allowed name is refused for what it is.
    path = tmp_path / "brief.pdf"
    path.write_bytes(b"MZ" + bytes(300))
    assert refused(path).code == "format_not_allowed"


# -- images -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "name", "mime"),
    [
        (corpus.png, "a.png", "image/png"),
        (corpus.jpeg, "a.jpg", "image/jpeg"),
        (corpus.jpeg, "a.jpeg", "image/jpeg"),
        (corpus.tiff, "a.tif", "image/tiff"),
    ],
)
def test_images_pass_without_text(tmp_path, builder, name, mime):
    result = inspect(builder(tmp_path / name))
    assert result.formaat == mime
    assert result.tekst is None and result.paginas is None and result.risico == []


def test_truncated_image_is_accepted(tmp_path):
    path = corpus.png(tmp_path / "a.png")
    path.write_bytes(path.read_bytes()[:40])
    assert inspect(path).formaat == "image/png"


# -- office and OpenDocument ------------------------------------------------------------------


def test_docx_text(tmp_path):
    path = corpus.docx(tmp_path / "verslag.docx", "Eerste alinea\nTweede alinea over de wijk")
    result = inspect(path)
    assert result.formaat == DOCX
    assert result.tekst.splitlines() == ["Eerste alinea", "Tweede alinea over de wijk"]
    assert result.paginas is None and result.risico == []


def test_xlsx_text_from_shared_and_inline_strings(tmp_path):
    path = corpus.xlsx(tmp_path / "lijst.xlsx", cellen=("Naam", "Straat"), inline="Kerkweg 3")
    result = inspect(path)
    assert result.formaat == XLSX
    assert {"Naam", "Straat", "Kerkweg 3"} <= set(result.tekst.splitlines())


def test_pptx_text_in_slide_order(tmp_path):
    path = corpus.pptx(tmp_path / "p.pptx", ("Dia een", "Dia twee", "Dia drie"))
    result = inspect(path)
    assert result.formaat == PPTX
    assert result.tekst.splitlines() == ["Dia een", "Dia twee", "Dia drie"]


def test_odt_and_ods_text(tmp_path):
    odt = inspect(corpus.odt(tmp_path / "n.odt", "Notulen\nBesluit: akkoord"))
    assert odt.formaat == "application/vnd.oasis.opendocument.text"
    assert odt.tekst.splitlines() == ["Notulen", "Besluit: akkoord"]
    ods = inspect(corpus.ods(tmp_path / "b.ods", "Begroting 2025"))
    assert ods.formaat == "application/vnd.oasis.opendocument.spreadsheet"
    assert ods.tekst == "Begroting 2025"


def test_decompression_bomb_is_refused_before_inflating(tmp_path):
    path = corpus.decompression_bomb_docx(tmp_path / "bom.docx")
    started = time.perf_counter()
    error = refused(path)
    assert error.code == "decompression_bomb"
    assert time.perf_counter() - started < 2


def test_zip_with_too_many_entries_is_refused(tmp_path):
    error = refused(corpus.many_entries_zip(tmp_path / "veel.docx"))
    assert error.code == "decompression_bomb"


def test_zip_that_lies_about_sizes_is_refused(tmp_path):
    path = corpus.lying_zip_docx(tmp_path / "leugen.docx")
    error = refused(path)
    assert error.code in {"corrupt", "decompression_bomb"}


def test_corrupt_docx_is_refused(tmp_path):
    assert refused(corpus.corrupt_docx(tmp_path / "kapot.docx")).code == "corrupt"


def test_docx_with_entity_expansion_is_kept_without_text(tmp_path):
    path = tmp_path / "entiteiten.docx"
    corpus.docx(path, "x")
    evil = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    rewritten = tmp_path / "nieuw.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rewritten, "w") as dst:
        for info in src.infolist():
            data = evil.encode() if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info, data)
    result = inspect(rewritten, "entiteiten.docx")
    assert result.formaat == DOCX
    assert result.tekst is None


def test_password_protected_office_file_is_refused(tmp_path):
    error = refused(corpus.encrypted_docx(tmp_path / "geheim.docx"))
    assert error.code == "encrypted"


def test_legacy_doc_and_xls_without_text_structures_pass_without_text(tmp_path):
    # A FIB that points to no piece table; a workbook whose only sheet record has no sheet.
    doc = inspect(corpus.legacy_doc(tmp_path / "oud.doc"))
    assert doc.formaat == "application/msword"
    assert doc.tekst is None and doc.risico == []
    xls = inspect(corpus.legacy_xls(tmp_path / "oud.xls"))
    assert xls.formaat == "application/vnd.ms-excel"
    assert xls.tekst is None


_DOC_STUKKEN = (
    # An 8-bit (cp1252) piece with a merge field: its code is dropped, its result kept.
    ("Verslag \x13 MERGEFIELD naam \\* MERGEFORMAT \x14Jansen\x15 over\r", True),
    # A UTF-16 piece: a line break, and a table row of two cells.
    ("één café\x0bNaam\x07Adres\x07\x07", False),
)


@pytest.mark.parametrize("tabel", ["1Table", "0Table"])
def test_legacy_doc_text_through_the_piece_table(tmp_path, tabel):
    path = corpus.legacy_doc(tmp_path / "oud.doc", stukken=_DOC_STUKKEN, tabel=tabel)
    result = inspect(path)
    assert result.formaat == "application/msword"
    assert result.tekst.splitlines() == ["Verslag Jansen over", "één café", "Naam\tAdres"]
    assert "MERGEFIELD" not in result.tekst and result.risico == []


def test_legacy_doc_text_with_macros_is_flagged_too(tmp_path):
    path = corpus.legacy_doc(tmp_path / "m.doc", macros=True, stukken=[("Met macro's\r", True)])
    result = inspect(path)
    assert result.tekst == "Met macro's" and result.risico == ["macros"]


def test_legacy_doc_text_is_capped(tmp_path):
    regel = "Een lange regel tekst in een oud Word-document.\r"
    path = corpus.legacy_doc(tmp_path / "lang.doc", stukken=[(regel * 60_000, True)])
    result = inspect(path)
    assert result.bestandsomvang > 2 * MB
    assert 1_000_000 < len(result.tekst) <= 2_000_000


@pytest.mark.parametrize("defect", ["clx", "cps", "piece", "fcclx"])
def test_legacy_doc_with_broken_piece_table_is_kept_without_text(tmp_path, defect):
    path = corpus.legacy_doc(tmp_path / "kapot.doc", stukken=_DOC_STUKKEN, defect=defect)
    result = inspect(path)
    assert result.formaat == "application/msword"
    assert result.tekst is None and result.risico == []


def test_legacy_xls_text_of_every_sheet(tmp_path):
    bladen = {
        "Begroting": [["Post", "Bedrag"], ["Koffie café", 12.5], ["Één € 3", 7, date(2024, 3, 1)]],
        "Adressen": [[None, "Kerkweg 3"], [], ["Dorpsstraat 1"]],
    }
    result = inspect(corpus.legacy_xls(tmp_path / "oud.xls", bladen=bladen))
    assert result.formaat == "application/vnd.ms-excel"
    assert result.tekst.splitlines() == [
        "Begroting",
        "Post\tBedrag",
        "Koffie café\t12.5",
        "Één € 3\t7\t2024-03-01",
        "Adressen",
        "\tKerkweg 3",
        "Dorpsstraat 1",
    ]
    assert result.risico == []


def test_legacy_doc_with_macros_is_flagged(tmp_path):
    assert inspect(corpus.legacy_doc(tmp_path / "m.doc", macros=True)).risico == ["macros"]


def test_encrypted_legacy_doc_is_refused(tmp_path):
    assert refused(corpus.legacy_doc(tmp_path / "g.doc", encrypted=True)).code == "encrypted"


def test_encrypted_legacy_xls_is_refused(tmp_path):
    assert refused(corpus.legacy_xls(tmp_path / "g.xls", encrypted=True)).code == "encrypted"


# -- text, CSV, XML, RTF ----------------------------------------------------------------------


def test_utf8_text(tmp_path):
    path = tmp_path / "notitie.txt"
    path.write_text("Één notitie over café De Zwaan\n", encoding="utf-8")
    result = inspect(path)
    assert result.formaat == "text/plain"
    assert result.tekst == "Één notitie over café De Zwaan"


def test_search_text_is_capped(tmp_path):
    path = corpus.oversized(tmp_path / "lang.txt", 3 * MB)
    result = inspect(path)
    assert result.bestandsomvang == 3 * MB
    assert 1_000_000 < len(result.tekst) <= 2_000_000


def test_cp1252_text_falls_back(tmp_path):
    path = tmp_path / "oud.txt"
    path.write_bytes("Vergadering in café – € 12".encode("cp1252"))
    assert inspect(path).tekst == "Vergadering in café – € 12"


def test_csv_is_text_csv(tmp_path):
    path = tmp_path / "adressen.csv"
    path.write_text("naam;adres\nJan;Dorpsstraat 1\nPiet;Kerkweg 2\n", encoding="utf-8")
    result = inspect(path)
    assert result.formaat == "text/csv"
    assert "Dorpsstraat 1" in result.tekst


def test_txt_and_csv_are_lenient_about_kinds_of_text(tmp_path):
    path = tmp_path / "x"
    path.write_text("<?xml version='1.0'?><lijst><regel>een</regel></lijst>", encoding="utf-8")
    assert inspect(path, "export.txt").formaat == "text/plain"
    assert inspect(path, "export.csv").formaat == "text/csv"


def test_xml_text_without_tags(tmp_path):
    path = tmp_path / "bericht.xml"
    path.write_text(
        "<?xml version='1.0'?><bericht><onderwerp>Aanvraag</onderwerp><tekst>Graag een "
        "vergunning</tekst></bericht>",
        encoding="utf-8",
    )
    result = inspect(path)
    assert result.formaat == "application/xml"
    assert "Aanvraag" in result.tekst and "vergunning" in result.tekst
    assert "<" not in result.tekst


def test_text_named_xml_is_a_mismatch(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text("gewoon een zin zonder opmaak\n", encoding="utf-8")
    assert refused(path).code == "extension_mismatch"


def test_rtf_text(tmp_path):
    result = inspect(corpus.rtf(tmp_path / "brief.rtf", "Brief aan de raad"))
    assert result.formaat == "application/rtf"
    assert result.tekst.splitlines() == ["Brief aan de raad", "Tweede regel met café."]
    assert "Times" not in result.tekst and "Iemand" not in result.tekst


# -- e-mail -----------------------------------------------------------------------------------


def test_eml_with_attachments(tmp_path):
    pdf = corpus.normal_pdf(tmp_path / "bijlage.pdf", text="Rapportage wijkagent")
    path = corpus.eml_with_attachments(
        tmp_path / "melding.eml",
        attachments=[
            ("rapport.pdf", pdf.read_bytes(), "application/pdf"),
            ("notitie.txt", b"korte notitie", "text/plain"),
        ],
    )
    with inspect(path) as result:
        assert result.formaat == "message/rfc822"
        k = result.kenmerken
        assert k["afzender"] == "Melder <melder@example.org>"
        assert k["ontvangers"] == [
            "Team Wijk <wijk@gemeente.example>",
            "Jan <jan@gemeente.example>",
        ]
        assert k["cc"] == ["archief@gemeente.example"]
        assert k["onderwerp"] == "Melding overlast Dorpsstraat"
        assert k["datum"] == "2024-05-06T09:15:00+00:00"
        json.dumps(k)
        assert result.tekst.startswith("Melding overlast Dorpsstraat")
        assert "Hierbij de melding." in result.tekst
        assert [b.bestandsnaam for b in result.bijlagen] == ["rapport.pdf", "notitie.txt"]
        assert all(isinstance(b, Bijlage) for b in result.bijlagen)
        rapport, notitie = result.bijlagen
        assert rapport.path.read_bytes() == pdf.read_bytes()
        assert notitie.path.read_bytes() == b"korte notitie"
        sub = inspect_file(rapport.path, rapport.bestandsnaam, max_bytes=LIMIT)
        assert sub.formaat == "application/pdf" and "wijkagent" in sub.tekst
        paths = [b.path for b in result.bijlagen]
    assert not any(p.exists() for p in paths)
    assert not paths[0].parent.exists()


def test_eml_cleanup_is_idempotent(tmp_path):
    path = corpus.eml_with_attachments(
        tmp_path / "m.eml", attachments=[("a.txt", b"a", "text/plain")]
    )
    result = inspect(path)
    result.cleanup()
    result.cleanup()
    assert not result.bijlagen[0].path.exists()


def test_eml_html_body_becomes_text_and_is_not_an_attachment(tmp_path):
    path = corpus.eml_with_attachments(
        tmp_path / "m.eml",
        body="Platte tekst",
        html="<html><head><style>p{color:red}</style></head><body><p>Opgemaakte</p>"
        "<p>tekst &amp; meer</p><script>alert(1)</script></body></html>",
    )
    result = inspect(path)
    assert "Platte tekst" in result.tekst
    assert result.bijlagen == []


def test_eml_attachment_with_hostile_name_gets_a_safe_name(tmp_path):
    path = corpus.eml_with_attachments(
        tmp_path / "m.eml",
        attachments=[("../../etc/passwd", b"root:x:0:0", "application/octet-stream")],
    )
    with inspect(path) as result:
        (bijlage,) = result.bijlagen
        assert bijlage.bestandsnaam == "passwd"
        assert bijlage.path.name.startswith("bijlage-")
    assert not (tmp_path.parent / "etc" / "passwd").exists()


def test_eml_with_attached_message_keeps_it_as_eml(tmp_path):
    from email import message_from_bytes, policy

    inner = corpus.eml_with_attachments(tmp_path / "inner.eml", subject="Doorgestuurd bericht")
    outer_path = corpus.eml_with_attachments(tmp_path / "outer.eml")
    outer = message_from_bytes(outer_path.read_bytes(), policy=policy.default)
    outer.add_attachment(message_from_bytes(inner.read_bytes(), policy=policy.default))
    outer_path.write_bytes(bytes(outer))
    with inspect(outer_path) as result:
        (bijlage,) = result.bijlagen
        assert bijlage.bestandsnaam.endswith(".eml")
        with inspect_file(bijlage.path, bijlage.bestandsnaam, max_bytes=LIMIT) as sub:
            assert sub.formaat == "message/rfc822"
            assert sub.kenmerken["onderwerp"] == "Doorgestuurd bericht"


def test_eml_that_is_only_an_attachment(tmp_path):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "scanner@gemeente.example"
    message["Subject"] = "Scan"
    data = corpus.png(tmp_path / "s.png").read_bytes()
    message.set_content(data, "image", "png", disposition="attachment", filename="scan.png")
    path = tmp_path / "scan.eml"
    path.write_bytes(bytes(message))
    with inspect(path) as result:
        assert result.formaat == "message/rfc822"
        assert [b.bestandsnaam for b in result.bijlagen] == ["scan.png"]


def test_eml_that_libmagic_calls_text_is_still_email(tmp_path):
    path = tmp_path / "kort.eml"
    path.write_bytes(
        b"Subject: Korte vraag\nFrom: a@example.org\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\n"
        b"Wanneer is het loket open?\n"
    )
    result = inspect(path)
    assert result.formaat == "message/rfc822"
    assert result.kenmerken["onderwerp"] == "Korte vraag"
    assert result.kenmerken["datum"] == "2024-01-01T10:00:00+00:00"


def test_plain_text_named_eml_is_a_mismatch(tmp_path):
    path = tmp_path / "geen-mail.eml"
    path.write_text("Dit is gewoon een notitie zonder kopregels.\n", encoding="utf-8")
    assert refused(path).code == "extension_mismatch"


def test_msg_with_attachment(tmp_path):
    path = corpus.msg(
        tmp_path / "bericht.msg",
        subject="Vraag over vergunning",
        attachments=[("plattegrond.txt", b"schets van de tuin"), ("../x\x00y.txt", b"z")],
    )
    with inspect(path) as result:
        assert result.formaat == "application/vnd.ms-outlook"
        k = result.kenmerken
        assert k["onderwerp"] == "Vraag over vergunning"
        assert k["afzender"] == "Burger Bakker <b.bakker@example.org>"
        assert k["ontvangers"] == ["Team Vergunningen <vergunningen@gemeente.example>"]
        assert k["cc"] == []
        assert k["datum"] == "2024-02-03T14:00:00+00:00"
        json.dumps(k)
        assert "informatie over de vergunning" in result.tekst
        assert [b.bestandsnaam for b in result.bijlagen] == ["plattegrond.txt", "xy.txt"]
        assert result.bijlagen[0].path.read_bytes() == b"schets van de tuin"


def test_truncated_msg_is_refused(tmp_path):
    path = corpus.msg(tmp_path / "kapot.msg")
    path.write_bytes(path.read_bytes()[:3000])
    assert refused(path).code in {"corrupt", "format_not_allowed"}


# -- filenames --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("brief.pdf", "brief.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\win.ini", "win.ini"),
        ("C:\\Users\\jan\\Bureaublad\\besluit.docx", "besluit.docx"),
        ("rap\x00port\n.pdf", "rapport.pdf"),
        ("..", "bestand"),
        ("", "bestand"),
        ("   ", "bestand"),
        ("/", "bestand"),
        ("...verborgen", "verborgen"),
        ("a..b...c.pdf", "a.b.c.pdf"),
        ("factuur\u202efdp.exe", "factuurfdp.exe"),
        ('Notulen: 12 "mei" <concept>?.docx', "Notulen_ 12 _mei_ _concept__.docx"),
        ("cafe\u0301.txt", "café.txt"),
    ],
)
def test_sanitize_filename_examples(raw, expected):
    assert sanitize_filename(raw) == expected


def test_sanitize_filename_caps_length_and_keeps_extension():
    name = sanitize_filename("x" * 1000 + ".pdf")
    assert len(name) == 200
    assert name.endswith(".pdf")
    assert len(sanitize_filename("y" * 1000)) == 200


def test_hostile_names_are_metadata_only(tmp_path):
    path = corpus.normal_pdf(tmp_path / "x.pdf")
    for hostile in ["../../etc/passwd.pdf", "..\\..\\win.ini.pdf", "a\x00b\nc.pdf", "q" * 1000]:
        result = inspect(path, hostile)
        assert "/" not in result.bestandsnaam and "\\" not in result.bestandsnaam
        assert ".." not in result.bestandsnaam
        assert len(result.bestandsnaam) <= 200
    assert not (tmp_path.parent / "etc").exists()


def test_rtl_override_cannot_disguise_the_extension(tmp_path):
    # "rapport<RLO>fdp.exe" displays as "rapportexe.pdf"; the override is dropped and the
    # real extension (.exe) then does not fit the PDF content.
    path = corpus.normal_pdf(tmp_path / "x.pdf")
    error = refused(path, "rapport\u202efdp.exe")
    assert error.code == "extension_mismatch"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_sanitize_filename_is_always_safe(raw):
    name = sanitize_filename(raw)
    assert name
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs"} for ch in name)
    assert ".." not in name
    assert len(name) <= 200
    assert not name.startswith((".", " "))
    assert sanitize_filename(name) == name
