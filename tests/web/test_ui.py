"""The server-rendered UI: pages, forms, uploads and downloads through the real services."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from archive.models import Betrokkene, Document, Rol, Zaak
from tests import corpus, factories

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
VALID_BSN = "111222333"  # passes the elfproef
INVALID_BSN = "123456789"


# --- helpers ------------------------------------------------------------------------------


def login(client, user) -> None:
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def make_zaak(db, world, **kwargs) -> Zaak:
    return factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling, **kwargs
    )


def pdf_file(path: Path, text: str = "Brief aan de burger") -> Path:
    return corpus.normal_pdf(path, text=text)


def docx_file(path: Path, text: str = "Verslag van het overleg") -> Path:
    return corpus.docx(path, text)


def png_as_pdf(path: Path) -> Path:
    """A PNG image wearing a .pdf name: the pipeline must see through it."""
    return corpus.png(path)


def upload(path: Path, name: str | None = None):
    return (io.BytesIO(path.read_bytes()), name or path.name)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def blobs(store) -> list[str]:
    return list(store.iter_hashes())


def row_data(world, **extra) -> dict:
    data = {
        "rijen-0-informatieobjecttype": str(world.iot.id),
        "rijen-0-richting": "inkomend",
        "rijen-0-vertrouwelijkheidaanduiding": "",
        "rijen-1-informatieobjecttype": str(world.iot.id),
        "rijen-1-richting": "uitgaand",
        "rijen-2-informatieobjecttype": str(world.iot.id),
        "rijen-2-richting": "inkomend",
        "informatieobjecttype": str(world.iot.id),
        "richting": "inkomend",
    }
    data.update(extra)
    return data


def zaak_data(world, **extra) -> dict:
    data = {
        "zaaktype": str(world.zaaktype.id),
        "afdeling": str(world.afdeling.id),
        "omschrijving": "Melding overlast",
        "toelichting": "",
        "startdatum": "",
        "vertrouwelijkheidaanduiding": "",
    }
    data.update(extra)
    return data


def download(client, identificatie: str, versie: int | None = None):
    url = f"/documenten/{identificatie}/inhoud"
    if versie is not None:
        url += f"?versie={versie}"
    response = client.get(url)
    body = response.get_data()
    headers = dict(response.headers)
    status = response.status_code
    response.close()
    return status, headers, body


# --- pages and access -----------------------------------------------------------------------


PAGES = [
    "/zaken",
    "/zaken/nieuw",
    "/snelle-registratie",
    "/zaken/{zaak}",
    "/zaken/{zaak}/status",
    "/zaken/{zaak}/afsluiten",
    "/zaken/{zaak}/betrokkenen/nieuw",
    "/zaken/{zaak}/documenten/nieuw",
]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_for_a_logged_in_user(client, db, world, page):
    zaak = make_zaak(db, world)
    login(client, world.medewerker)
    response = client.get(page.format(zaak=zaak.identificatie))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert world.medewerker.naam in html  # header shows who is logged in
    assert 'href="#inhoud"' in html  # skip link
    assert "<main" in html and "<nav" in html


@pytest.mark.parametrize("page", [*PAGES, "/", "/documenten/DOC-2024-0000000001"])
def test_anonymous_is_sent_to_login(client, db, world, page):
    zaak = make_zaak(db, world)
    response = client.get(page.format(zaak=zaak.identificatie))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_pages_have_no_inline_script_or_style(client, db, world):
    zaak = make_zaak(db, world)
    login(client, world.medewerker)
    for page in PAGES:
        html = client.get(page.format(zaak=zaak.identificatie)).get_data(as_text=True)
        assert "<style" not in html
        assert " style=" not in html
        for script in re.findall(r"<script[^>]*>", html):
            assert "src=" in script


def test_every_input_has_a_label(client, db, world):
    zaak = make_zaak(db, world)
    login(client, world.medewerker)
    for page in PAGES:
        html = client.get(page.format(zaak=zaak.identificatie)).get_data(as_text=True)
        labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            if 'type="hidden"' in tag or "type=hidden" in tag:
                continue
            found = re.search(r'id="([^"]+)"', tag)
            assert found and found.group(1) in labelled, f"{page}: {tag}"


def test_unknown_zaak_and_document_are_404(client, world):
    login(client, world.medewerker)
    for url in (
        "/zaken/ZAAK-2000-0000000000",
        "/zaken/ZAAK-2000-0000000000/status",
        "/zaken/ZAAK-2000-0000000000/documenten/nieuw",
        "/documenten/DOC-2000-0000000000",
        "/documenten/DOC-2000-0000000000/inhoud",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Niet gevonden" in response.get_data(as_text=True)


def test_user_without_working_role_cannot_create(client, world):
    login(client, world.auditor)
    assert client.get("/zaken/nieuw").status_code == 403
    html = client.get("/zaken").get_data(as_text=True)
    assert "/zaken/nieuw" not in html


# --- zaken ----------------------------------------------------------------------------------


def test_create_zaak_via_form(client, db, world):
    login(client, world.medewerker)
    response = client.post("/zaken/nieuw", data=zaak_data(world, toelichting="Eerste melding"))
    assert response.status_code == 302
    zaak = db.scalar(select(Zaak).where(Zaak.omschrijving == "Melding overlast"))
    assert zaak is not None
    assert response.headers["Location"].endswith(f"/zaken/{zaak.identificatie}")
    # confidentiality defaults from the zaaktype
    assert zaak.vertrouwelijkheidaanduiding == world.zaaktype.vertrouwelijkheidaanduiding
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Melding overlast" in html
    assert "Ontvangen" in html  # first status on the timeline
    assert "Zaak aangemaakt" in html  # audit trail


def test_create_zaak_with_explicit_confidentiality_and_date(client, db, world):
    login(client, world.medewerker)
    data = zaak_data(world, vertrouwelijkheidaanduiding="geheim", startdatum="01-02-2024")
    assert client.post("/zaken/nieuw", data=data).status_code == 302
    zaak = db.scalar(select(Zaak).where(Zaak.omschrijving == "Melding overlast"))
    assert zaak.vertrouwelijkheidaanduiding == "geheim"
    assert zaak.startdatum.isoformat() == "2024-02-01"


def test_missing_fields_rerender_with_422_and_summary(client, db, world):
    login(client, world.medewerker)
    before = count(db, Zaak)
    response = client.post("/zaken/nieuw", data=zaak_data(world, zaaktype="", omschrijving=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="foutoverzicht"' in html
    assert 'href="#zaaktype"' in html and 'href="#omschrijving"' in html
    assert "Kies een zaaktype." in html
    assert 'aria-invalid="true"' in html
    assert count(db, Zaak) == before


def test_invalid_date_gives_a_field_error(client, db, world):
    login(client, world.medewerker)
    before = count(db, Zaak)
    response = client.post("/zaken/nieuw", data=zaak_data(world, startdatum="31-02-2024"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Vul een bestaande datum in" in html
    assert 'href="#startdatum"' in html
    assert count(db, Zaak) == before


def test_future_date_refused_by_the_service_shows_on_the_field(client, db, world):
    login(client, world.medewerker)
    response = client.post("/zaken/nieuw", data=zaak_data(world, startdatum="2999-01-01"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "De startdatum kan niet in de toekomst liggen." in html
    assert 'id="startdatum-fout"' in html


def test_xss_in_omschrijving_is_escaped(client, db, world):
    zaak = make_zaak(db, world, omschrijving=XSS)
    login(client, world.medewerker)
    for url in ("/zaken", f"/zaken/{zaak.identificatie}"):
        html = client.get(url).get_data(as_text=True)
        assert XSS not in html
        assert "&lt;script&gt;" in html


def test_zaken_list_filters_and_search(client, db, world):
    open_zaak = make_zaak(db, world, omschrijving="Open zaak in afdeling 1")
    andere = make_zaak(
        db,
        world,
        omschrijving="Zaak van de andere afdeling",
    )
    andere.afdeling = world.andere_afdeling
    db.flush()
    login(client, world.medewerker)

    html = client.get(f"/zaken?afdeling={world.andere_afdeling.id}").get_data(as_text=True)
    assert "Zaak van de andere afdeling" in html and "Open zaak in afdeling 1" not in html

    html = client.get(f"/zaken?zoek={open_zaak.identificatie.lower()}").get_data(as_text=True)
    assert "Open zaak in afdeling 1" in html and "andere afdeling" not in html
    assert "1 zaak gevonden" in html

    html = client.get("/zaken?status=gesloten").get_data(as_text=True)
    assert "Open zaak in afdeling 1" not in html
    html = client.get(f"/zaken?status=open&zaaktype={world.zaaktype.id}").get_data(as_text=True)
    assert "Open zaak in afdeling 1" in html


def test_zaken_list_is_paginated(client, db, world):
    for i in range(27):
        make_zaak(db, world, omschrijving=f"Zaak nummer {i:02d}")
    login(client, world.medewerker)
    html = client.get("/zaken").get_data(as_text=True)
    assert "27 zaken gevonden" in html
    assert html.count('href="/zaken/ZAAK-') == 25
    assert "pagina=2" in html
    html = client.get("/zaken?pagina=2").get_data(as_text=True)
    assert html.count('href="/zaken/ZAAK-') == 2


def test_zaken_list_query_count_does_not_grow_with_zaken(client, db, world):
    """N+1 guard: a page of 13 zaken costs as many queries as a page of one."""
    login(client, world.medewerker)
    make_zaak(db, world)

    def queries_for_list() -> int:
        db.expire_all()  # as in production: nothing cached from an earlier request
        statements: list[str] = []

        def count_statement(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        bind = db.get_bind()
        event.listen(bind, "before_cursor_execute", count_statement)
        try:
            assert client.get("/zaken").status_code == 200
        finally:
            event.remove(bind, "before_cursor_execute", count_statement)
        return len(statements)

    queries_for_list()  # warm up (first use of the session after login)
    few = queries_for_list()
    for i in range(12):
        zaak = make_zaak(db, world, omschrijving=f"Extra {i}")
        if i % 2:
            zaak.afdeling = world.andere_afdeling
    db.flush()
    many = queries_for_list()
    assert many == few, (few, many)
    assert few <= 10


def test_set_status_and_close(client, db, world):
    zaak = make_zaak(db, world)
    login(client, world.medewerker)
    in_behandeling = world.zaaktype.statustypen[1]
    response = client.post(
        f"/zaken/{zaak.identificatie}/status",
        data={"statustype": str(in_behandeling.id), "toelichting": "Opgepakt"},
    )
    assert response.status_code == 302
    html = client.get(f"/zaken/{zaak.identificatie}").get_data(as_text=True)
    assert "In behandeling" in html and "Opgepakt" in html

    # the eindstatus is not offered on the status form; it comes with closing
    html = client.get(f"/zaken/{zaak.identificatie}/status").get_data(as_text=True)
    assert "Afgehandeld" not in html

    resultaat = world.zaaktype.resultaattypen[0]
    response = client.post(
        f"/zaken/{zaak.identificatie}/afsluiten",
        data={"resultaattype": str(resultaat.id), "toelichting": "Klaar", "einddatum": ""},
    )
    assert response.status_code == 302
    db.refresh(zaak)
    assert zaak.einddatum is not None
    assert zaak.resultaattype_id == resultaat.id
    html = client.get(f"/zaken/{zaak.identificatie}").get_data(as_text=True)
    assert "Toegekend" in html and "Afgehandeld" in html and "Zaak afgesloten" in html
    assert f"/zaken/{zaak.identificatie}/afsluiten" not in html  # no actions on a closed zaak

    # closing again is refused by the service, shown on the form
    response = client.post(
        f"/zaken/{zaak.identificatie}/afsluiten", data={"resultaattype": str(resultaat.id)}
    )
    assert response.status_code == 409
    assert "is afgesloten" in response.get_data(as_text=True)


def test_status_of_another_zaaktype_is_refused(client, db, world):
    zaak = make_zaak(db, world)
    other = factories.make_zaaktype(db)
    login(client, world.medewerker)
    response = client.post(
        f"/zaken/{zaak.identificatie}/status", data={"statustype": str(other.statustypen[0].id)}
    )
    assert response.status_code == 422


def test_close_with_invalid_einddatum(client, db, world):
    zaak = make_zaak(db, world)
    login(client, world.medewerker)
    resultaat = world.zaaktype.resultaattypen[0]
    response = client.post(
        f"/zaken/{zaak.identificatie}/afsluiten",
        data={"resultaattype": str(resultaat.id), "einddatum": "gisteren"},
    )
    assert response.status_code == 422
    assert "Vul een bestaande datum in" in response.get_data(as_text=True)
    db.refresh(zaak)
    assert zaak.einddatum is None


def test_add_betrokkene(client, db, world):
    zaak = make_zaak(db, world)
    login(client, world.medewerker)
    response = client.post(
        f"/zaken/{zaak.identificatie}/betrokkenen/nieuw",
        data={
            "type": "natuurlijk_persoon",
            "rol": "belanghebbende",
            "bsn": VALID_BSN,
            "voornamen": "Jan",
            "geslachtsnaam": "Jansen",
            "geboortedatum": "1980-05-04",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/zaken/{zaak.identificatie}").get_data(as_text=True)
    assert "Jan Jansen" in html and "Belanghebbende" in html

    response = client.post(
        f"/zaken/{zaak.identificatie}/betrokkenen/nieuw",
        data={"type": "niet_natuurlijk_persoon", "rol": "adviseur", "naam": "Woonstichting"},
    )
    assert response.status_code == 302
    assert "Woonstichting" in client.get(f"/zaken/{zaak.identificatie}").get_data(as_text=True)


def test_add_betrokkene_in_a_roltype_of_the_zaaktype(client, db, world):
    from zaaktypen import services as catalogus

    zaaktype = catalogus.create_zaaktype(
        db,
        None,
        identificatie="CLIENTDOSSIER-UI",
        omschrijving="Cliëntdossier",
        vertrouwelijkheidaanduiding="vertrouwelijk",
        statustypen=["Aangemeld", "Afgerond"],
        resultaattypen=["Afgerond"],
        roltypen=[("Procesregie (gemeente)", "zaakcoordinator"), ("Cliënt", "belanghebbende")],
    )
    procesregie = zaaktype.roltypen[0]
    zaak = factories.make_zaak(db, world.medewerker, zaaktype=zaaktype, afdeling=world.afdeling)
    login(client, world.medewerker)
    url = f"/zaken/{zaak.identificatie}/betrokkenen/nieuw"
    html = client.get(url).get_data(as_text=True)
    assert 'label="Rollen van dit zaaktype"' in html
    assert f'value="roltype-{procesregie.id}"' in html and "Procesregie (gemeente)" in html
    assert 'value="belanghebbende"' in html  # the generic roles stay available
    data = {
        "type": "niet_natuurlijk_persoon",
        "rol": f"roltype-{procesregie.id}",
        "kvk_nummer": "12345678",
        "naam": "Gemeente Almelo",
    }
    assert client.post(url, data=data).status_code == 302
    (rol,) = db.scalars(select(Rol).where(Rol.zaak_id == zaak.id)).all()
    assert rol.roltype_id == procesregie.id and rol.omschrijving == "zaakcoordinator"
    assert "Procesregie (gemeente)" in client.get(f"/zaken/{zaak.identificatie}").get_data(
        as_text=True
    )
    # the service's refusal lands on the role field
    response = client.post(url, data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "heeft deze rol al" in html and 'id="rol-fout"' in html
    # a roltype of another zaaktype is no choice here
    ander = world.zaaktype.roltypen[0]
    response = client.post(url, data=data | {"rol": f"roltype-{ander.id}"})
    assert response.status_code == 422
    assert len(db.scalars(select(Rol).where(Rol.zaak_id == zaak.id)).all()) == 1


def test_add_betrokkene_with_invalid_bsn_gives_a_field_error(client, db, world):
    zaak = make_zaak(db, world)
    login(client, world.medewerker)
    before = count(db, Betrokkene)
    response = client.post(
        f"/zaken/{zaak.identificatie}/betrokkenen/nieuw",
        data={"type": "natuurlijk_persoon", "rol": "initiator", "bsn": INVALID_BSN},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Dit is geen geldig BSN" in html
    assert 'id="bsn-fout"' in html and 'href="#bsn"' in html
    assert count(db, Betrokkene) == before
    assert count(db, Rol) == 0 or not db.scalars(select(Rol).where(Rol.zaak_id == zaak.id)).all()


# --- documents ------------------------------------------------------------------------------


def test_file_pdf_and_docx_and_download_byte_identical(client, db, world, tmp_path):
    zaak = make_zaak(db, world)
    pdf = pdf_file(tmp_path / "brief.pdf")
    docx = docx_file(tmp_path / "verslag.docx")
    login(client, world.medewerker)
    response = client.post(
        f"/zaken/{zaak.identificatie}/documenten/nieuw",
        data=row_data(
            world,
            **{
                "rijen-0-bestand": upload(pdf),
                "rijen-0-titel": "Brief aan bewoner",
                "rijen-1-bestand": upload(docx),
            },
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    docs = db.scalars(select(Document).order_by(Document.id)).all()
    filed = [d for d in docs if any(link.zaak_id == zaak.id for link in d.zaak_links)]
    assert len(filed) == 2
    brief = next(d for d in filed if d.titel == "Brief aan bewoner")
    verslag = next(d for d in filed if d is not brief)
    assert verslag.richting == "uitgaand"

    html = client.get(f"/zaken/{zaak.identificatie}").get_data(as_text=True)
    assert "Brief aan bewoner" in html and "application/pdf" in html

    for document, path in ((brief, pdf), (verslag, docx)):
        status, headers, body = download(client, document.identificatie)
        assert status == 200
        assert body == path.read_bytes()
        assert hashlib.sha256(body).hexdigest() == document.laatste_versie.sha256
        assert headers["Content-Disposition"].startswith("attachment")
        assert path.name in headers["Content-Disposition"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Type"].startswith(document.laatste_versie.formaat)

    html = client.get(f"/documenten/{brief.identificatie}").get_data(as_text=True)
    assert brief.laatste_versie.sha256 in html and "brief.pdf" in html


def test_multiple_input_files_share_the_defaults(client, db, world, tmp_path):
    zaak = make_zaak(db, world)
    a = pdf_file(tmp_path / "a.pdf", "A")
    b = pdf_file(tmp_path / "b.pdf", "B")
    login(client, world.medewerker)
    response = client.post(
        f"/zaken/{zaak.identificatie}/documenten/nieuw",
        data=row_data(world, bestanden=[upload(a), upload(b)], richting="intern"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    filed = [link.document for link in db.get(Zaak, zaak.id).document_links]
    assert len(filed) == 2
    assert {d.richting for d in filed} == {"intern"}


def test_refused_file_keeps_nothing(client, db, world, store, tmp_path):
    zaak = make_zaak(db, world)
    good = pdf_file(tmp_path / "goed.pdf")
    bad = png_as_pdf(tmp_path / "foto.pdf")
    login(client, world.medewerker)
    documents_before = count(db, Document)
    response = client.post(
        f"/zaken/{zaak.identificatie}/documenten/nieuw",
        data=row_data(world, **{"rijen-0-bestand": upload(good), "rijen-1-bestand": upload(bad)}),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "foto.pdf" in html
    assert 'href="#rijen-1-bestand"' in html
    assert count(db, Document) == documents_before
    assert blobs(store) == []


def test_email_attachments_are_shown_under_their_message(client, db, world, tmp_path):
    zaak = make_zaak(db, world)
    bijlage = pdf_file(tmp_path / "bijlage.pdf", "Bijlage bij de melding").read_bytes()
    eml = corpus.eml_with_attachments(
        tmp_path / "melding.eml",
        attachments=[("foto-verslag.pdf", bijlage, "application/pdf")],
    )
    login(client, world.medewerker)
    response = client.post(
        f"/zaken/{zaak.identificatie}/documenten/nieuw",
        data=row_data(world, **{"rijen-0-bestand": upload(eml)}),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(f"/zaken/{zaak.identificatie}").get_data(as_text=True)
    message_at = html.index("Melding overlast Dorpsstraat")
    attachment_at = html.index("foto-verslag.pdf")
    assert message_at < attachment_at
    assert 'class="bijlage-rij"' in html
    status, _headers, body = download(
        client,
        db.scalar(
            select(Document).where(Document.titel == "Melding overlast Dorpsstraat")
        ).identificatie,
    )
    assert status == 200 and body == eml.read_bytes()


def test_risky_pdf_is_flagged_and_still_only_downloaded(client, db, world, store, tmp_path):
    zaak = make_zaak(db, world)
    risky = corpus.pdf_with_javascript(tmp_path / "formulier.pdf")
    result = factories.file(db, world.medewerker, zaak, risky, world.iot, store)
    login(client, world.medewerker)
    assert result.document.laatste_versie.risico  # the pipeline flagged it
    for url in (f"/zaken/{zaak.identificatie}", f"/documenten/{result.document.identificatie}"):
        assert "bevat JavaScript" in client.get(url).get_data(as_text=True)
    status, headers, body = download(client, result.document.identificatie)
    assert body == risky.read_bytes()  # original bytes, untouched
    assert headers["Content-Disposition"].startswith("attachment")


def test_form_without_files_is_refused(client, db, world):
    zaak = make_zaak(db, world)
    login(client, world.medewerker)
    response = client.post(
        f"/zaken/{zaak.identificatie}/documenten/nieuw",
        data=row_data(world),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Kies ten minste één bestand" in response.get_data(as_text=True)


def test_new_version_and_download_of_each_version(client, db, world, store, tmp_path):
    zaak = make_zaak(db, world)
    first = pdf_file(tmp_path / "v1.pdf", "Eerste versie")
    second = pdf_file(tmp_path / "v2.pdf", "Tweede versie")
    result = factories.file(db, world.medewerker, zaak, first, world.iot, store)
    identificatie = result.document.identificatie
    login(client, world.medewerker)
    response = client.post(
        f"/documenten/{identificatie}/versies",
        data={"bestand": upload(second)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(f"/documenten/{identificatie}").get_data(as_text=True)
    assert "v1.pdf" in html and "v2.pdf" in html
    assert download(client, identificatie, 1)[2] == first.read_bytes()
    assert download(client, identificatie, 2)[2] == second.read_bytes()
    assert download(client, identificatie)[2] == second.read_bytes()
    assert download(client, identificatie, 9)[0] == 404

    # a refused new version keeps the old ones and says why
    bad = png_as_pdf(tmp_path / "plaatje.pdf")
    response = client.post(
        f"/documenten/{identificatie}/versies",
        data={"bestand": upload(bad)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "plaatje.pdf" in response.get_data(as_text=True)
    db.expire_all()
    document = db.scalar(select(Document).where(Document.identificatie == identificatie))
    assert len(document.versies) == 2


def test_hostile_filename_is_neutralised_in_the_download(client, db, world, store, tmp_path):
    zaak = make_zaak(db, world)
    pdf = pdf_file(tmp_path / "brief.pdf")
    result = factories.file(
        db, world.medewerker, zaak, pdf, world.iot, store, bestandsnaam='../../etc/"pw"\r\n.pdf'
    )
    login(client, world.medewerker)
    status, headers, body = download(client, result.document.identificatie)
    assert status == 200 and body == pdf.read_bytes()
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "/" not in disposition.split("filename", 1)[1] or "%2F" in disposition
    assert "\r" not in disposition and "\n" not in disposition


# --- snelle registratie ---------------------------------------------------------------------


def test_snelle_registratie_creates_zaak_and_documents(client, db, world, tmp_path):
    pdf = pdf_file(tmp_path / "spoedbrief.pdf")
    login(client, world.medewerker)
    response = client.post(
        "/snelle-registratie",
        data={
            **zaak_data(world, omschrijving="Spoedbrief aan gemeenteraad"),
            **row_data(world, **{"rijen-0-bestand": upload(pdf), "rijen-0-richting": "uitgaand"}),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    zaak = db.scalar(select(Zaak).where(Zaak.omschrijving == "Spoedbrief aan gemeenteraad"))
    assert zaak is not None
    assert len(zaak.document_links) == 1
    assert zaak.document_links[0].document.richting == "uitgaand"


def test_snelle_registratie_with_a_bad_file_leaves_no_zaak(client, db, world, store, tmp_path):
    good = pdf_file(tmp_path / "goed.pdf")
    bad = png_as_pdf(tmp_path / "nep.pdf")
    login(client, world.medewerker)
    zaken_before, documents_before = count(db, Zaak), count(db, Document)
    response = client.post(
        "/snelle-registratie",
        data={
            **zaak_data(world, omschrijving="Mag niet blijven bestaan"),
            **row_data(world, **{"rijen-0-bestand": upload(good), "rijen-2-bestand": upload(bad)}),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "nep.pdf" in response.get_data(as_text=True)
    assert count(db, Zaak) == zaken_before
    assert count(db, Document) == documents_before
    assert db.scalar(select(Zaak).where(Zaak.omschrijving == "Mag niet blijven bestaan")) is None
    assert blobs(store) == []


def test_snelle_registratie_invalid_zaak_fields_keep_nothing(client, db, world, tmp_path):
    pdf = pdf_file(tmp_path / "brief.pdf")
    login(client, world.medewerker)
    before = count(db, Document)
    response = client.post(
        "/snelle-registratie",
        data={
            **zaak_data(world, startdatum="2999-12-31"),
            **row_data(world, **{"rijen-0-bestand": upload(pdf)}),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "toekomst" in response.get_data(as_text=True)
    assert count(db, Document) == before


# --- language, CSRF, logout -----------------------------------------------------------------


def test_language_switch_shows_english(client, db, world):
    login(client, world.medewerker)
    assert "Nieuwe zaak" in client.get("/zaken").get_data(as_text=True)
    response = client.post("/taal", data={"taal": "en", "volgende": "/zaken?status=open"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/zaken?status=open")
    assert "taal=en" in response.headers["Set-Cookie"]
    html = client.get("/zaken").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "New case" in html and "Nederlands" in html
    client.get("/taal?taal=nl&volgende=/zaken")
    assert "Nieuwe zaak" in client.get("/zaken").get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_language_switch_only_redirects_locally(client, target):
    response = client.get("/taal", query_string={"taal": "en", "volgende": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location


def test_csrf_token_is_required(app, client, db, world):
    app.config["WTF_CSRF_ENABLED"] = True
    # log in with the token taken from the login form
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert token
    response = client.post(
        "/login",
        data={
            "username": world.medewerker.username,
            "password": factories.PASSWORD,
            "csrf_token": token.group(1),
        },
    )
    assert response.status_code == 302
    before = count(db, Zaak)
    response = client.post("/zaken/nieuw", data=zaak_data(world, omschrijving="Zonder token"))
    assert response.status_code == 400
    assert count(db, Zaak) == before
    # with the token from the page it works
    page = client.get("/zaken/nieuw").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    data = zaak_data(world, omschrijving="Met token", csrf_token=token.group(1))
    assert client.post("/zaken/nieuw", data=data).status_code == 302


def test_logout_is_a_post_form(client, world):
    login(client, world.medewerker)
    html = client.get("/zaken").get_data(as_text=True)
    assert 'action="/logout"' in html
    assert client.post("/logout").status_code == 302
    assert client.get("/zaken").status_code == 302
