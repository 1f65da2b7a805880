"""What a user may not see stays absent on the pages and answers that show related records:
a zaak's audit trail, a document's links, a closing report, a department's members, and
grants that would pass on more than the granter may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from archive import access, machtigingen, zaken
from archive.documents import link_document
from archive.errors import Forbidden, ValidationFailed
from archive.models import ToegangslogRegel
from archive.users import create_token
from tests import corpus, factories
from web.ui import admin_forms


@pytest.fixture
def intern_reader_zaak(db, world, store, tmp_path):
    """An 'intern' zaak the lezer may see, with a public document and a geheim one."""
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        omschrijving="Intern dossier",
        vertrouwelijkheidaanduiding="intern",
    )
    open_doc = factories.file(
        db,
        world.medewerker,
        zaak,
        corpus.normal_pdf(tmp_path / "open.pdf", text="Gewone brief"),
        world.iot,
        store,
        titel="Gewone brief",
        vertrouwelijkheidaanduiding="intern",
    ).document
    secret = factories.file(
        db,
        world.medewerker,
        zaak,
        corpus.normal_pdf(tmp_path / "geheim.pdf", text="Psychiatrisch rapport"),
        world.iot,
        store,
        titel="Psychiatrisch rapport",
        vertrouwelijkheidaanduiding="geheim",
    ).document
    db.commit()
    return zaak, open_doc, secret


def login(client, user) -> None:
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def bearer(db, user) -> dict:
    _token, secret = create_token(db, None, user, "test", None)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_zaak_audit_trail_leaves_out_events_of_hidden_documents(db, world, intern_reader_zaak):
    zaak, open_doc, secret = intern_reader_zaak
    seen_by_reader = {e.object_id for e in zaken.audit_trail(db, world.lezer, zaak)}
    assert open_doc.identificatie in seen_by_reader
    assert secret.identificatie not in seen_by_reader
    seen_by_handler = {e.object_id for e in zaken.audit_trail(db, world.medewerker, zaak)}
    assert secret.identificatie in seen_by_handler


def test_zaak_page_does_not_name_a_hidden_document(client, world, intern_reader_zaak):
    zaak, open_doc, secret = intern_reader_zaak
    login(client, world.lezer)
    body = client.get(f"/zaken/{zaak.identificatie}").get_data(as_text=True)
    assert open_doc.identificatie in body
    assert secret.identificatie not in body
    assert "Psychiatrisch" not in body


def test_document_page_shows_its_own_history(client, world, intern_reader_zaak):
    _zaak, open_doc, _secret = intern_reader_zaak
    login(client, world.lezer)
    response = client.get(f"/documenten/{open_doc.identificatie}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="audit"' in body
    assert world.medewerker.naam in body  # who filed it


def test_api_document_lists_only_zaken_the_caller_sees(db, client, world, store, tmp_path):
    mine = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        omschrijving="A",
        vertrouwelijkheidaanduiding="intern",
    )
    other = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.andere_afdeling,
        omschrijving="Elders",
    )
    document = factories.file(
        db,
        world.medewerker,
        mine,
        corpus.normal_pdf(tmp_path / "d.pdf", text="Gedeeld"),
        world.iot,
        store,
        titel="Gedeeld",
        vertrouwelijkheidaanduiding="intern",
    ).document
    link_document(db, world.medewerker, document, other)
    factories.make_member(db, world.afdeling, world.buitenstaander, rol="lezen", clearance="geheim")
    db.commit()
    # the buitenstaander now reads in afdeling but works in andere_afdeling: sees both
    both = client.get(
        f"/api/v1/documenten/{document.identificatie}", headers=bearer(db, world.buitenstaander)
    ).get_json()
    assert set(both["zaken"]) == {mine.identificatie, other.identificatie}
    # the lezer (afdeling only) must not learn of the zaak in andere_afdeling
    only_mine = client.get(
        f"/api/v1/documenten/{document.identificatie}", headers=bearer(db, world.lezer)
    ).get_json()
    assert only_mine["zaken"] == [mine.identificatie]


def test_closing_report_api_is_for_div_only(db, client, world):
    response = client.get(
        f"/api/v1/afdelingen/{world.afdeling.code}/rapport", headers=bearer(db, world.medewerker)
    )
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    # DIV reaches it (still open: 409, the report exists once the department is closed)
    response = client.get(
        f"/api/v1/afdelingen/{world.afdeling.code}/rapport", headers=bearer(db, world.beheerder)
    )
    assert response.status_code == 409


def test_department_members_are_shown_to_div_and_members_only(db, client, world):
    url = f"/api/v1/afdelingen/{world.afdeling.code}"
    member_view = client.get(url, headers=bearer(db, world.medewerker)).get_json()
    assert {lid["gebruikersnaam"] for lid in member_view["leden"]} >= {world.lezer.username}
    div_view = client.get(url, headers=bearer(db, world.beheerder)).get_json()
    assert div_view["leden"] == member_view["leden"]
    outsider_view = client.get(url, headers=bearer(db, world.buitenstaander)).get_json()
    assert outsider_view["leden"] == []
    assert outsider_view["naam"] == world.afdeling.naam  # the department itself is public


def test_grant_never_passes_on_more_than_the_granter_may_see(db, world):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        omschrijving="Zaak",
        vertrouwelijkheidaanduiding="zaakvertrouwelijk",
    )
    regie = factories.make_user(db)
    factories.make_member(db, world.afdeling, regie, rol="regie", clearance="vertrouwelijk")
    partner = factories.make_user(db)
    until = date.today() + timedelta(days=30)
    assert access.grant_ceiling(regie, zaak) == "vertrouwelijk"
    assert access.grant_ceiling(world.beheerder, zaak) == "zaakvertrouwelijk"
    assert access.grant_ceiling(world.medewerker, zaak) is None  # behandelen, not regie

    with pytest.raises(ValidationFailed) as too_high:
        machtigingen.grant(
            db, regie, zaak, partner, reden="casus", verloopt_op=until, clearance="zeer_geheim"
        )
    assert "hoogstens clearance 'vertrouwelijk'" in too_high.value.errors["clearance"][0]
    with pytest.raises(ValidationFailed) as too_low:
        machtigingen.grant(
            db, regie, zaak, partner, reden="casus", verloopt_op=until, clearance="openbaar"
        )
    assert "ziet de partner deze zaak niet" in too_low.value.errors["clearance"][0]
    with pytest.raises(ValidationFailed):
        machtigingen.grant(
            db, world.beheerder, zaak, partner, reden="x", verloopt_op=until, clearance="geheim"
        )
    granted = machtigingen.grant(
        db, regie, zaak, partner, reden="casus", verloopt_op=until, clearance="vertrouwelijk"
    )
    assert granted.clearance == "vertrouwelijk"


def test_regie_that_cannot_see_the_zaak_cannot_grant(db, world):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        omschrijving="Geheim",
        vertrouwelijkheidaanduiding="geheim",
    )
    regie = factories.make_user(db)
    factories.make_member(db, world.afdeling, regie, rol="regie", clearance="intern")
    with pytest.raises(Forbidden):
        machtigingen.grant(
            db,
            regie,
            zaak,
            world.buitenstaander,
            reden="x",
            verloopt_op=date.today() + timedelta(days=3),
        )


def test_grant_form_offers_only_levels_the_granter_may_pass_on(app, db, world):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        omschrijving="Zaak",
        vertrouwelijkheidaanduiding="zaakvertrouwelijk",
    )
    regie = factories.make_user(db)
    factories.make_member(db, world.afdeling, regie, rol="regie", clearance="vertrouwelijk")
    with app.test_request_context():
        form = admin_forms.MachtigingForm(formdata=None)
        form.fill(zaak, regie)
    assert [code for code, _naam in form.clearance.choices] == [
        "zaakvertrouwelijk",
        "vertrouwelijk",
    ]


def test_change_forms_count_as_views_in_the_access_log(db, client, world):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        omschrijving="Vertrouwelijk",
        vertrouwelijkheidaanduiding="vertrouwelijk",
    )
    db.commit()
    login(client, world.medewerker)
    for suffix in ("status", "afsluiten", "betrokkenen/nieuw"):
        assert client.get(f"/zaken/{zaak.identificatie}/{suffix}").status_code == 200
    rows = db.scalars(
        select(ToegangslogRegel).where(ToegangslogRegel.object_id == zaak.identificatie)
    ).all()
    assert len(rows) == 3
    assert {r.pad for r in rows} == {"ui"}
