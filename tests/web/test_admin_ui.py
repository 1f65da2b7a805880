"""Issue 4 in the UI: user and membership administration (beheerder), grants on a zaak
(regie), the auditor's pages, API-token self-service, and the department edit form."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from archive import machtigingen, users
from archive.audit import AuditEvent
from archive.models import ApiToken, Machtiging, User
from archive.zaken import BetrokkeneGegevens, add_betrokkene
from tests import factories
from tests.conftest import backend
from zaaktypen.models import Afdeling, AfdelingLid

VALID_BSN = "111222333"
XSS = '<script>alert("x")</script>'


def login(client, user) -> None:
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def make_zaak(db, world, **kwargs):
    return factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling, **kwargs
    )


def regie(db, world) -> User:
    user = factories.make_user(db, roles=("medewerker",))
    factories.make_member(db, world.afdeling, user, rol="regie", clearance="geheim")
    db.commit()
    return user


def assert_clean_and_labelled(html: str, page: str) -> None:
    assert "<style" not in html and " style=" not in html
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        found = re.search(r'id="([^"]+)"', tag)
        assert found and found.group(1) in labelled, f"{page}: {tag}"


# --- access to the pages --------------------------------------------------------------------

BEHEERDER_PAGES = ["/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/gebruikers/{uid}"]
AUDITOR_PAGES = [
    "/audit",
    "/audit/gebeurtenissen",
    "/audit/keten",
    "/audit/toegang",
    f"/audit/toegang?bsn={VALID_BSN}",
]


@pytest.mark.parametrize("page", BEHEERDER_PAGES)
def test_user_pages_render_for_beheerder_only(client, world, page):
    target = page.format(uid=world.medewerker.id)
    for other in (world.medewerker, world.auditor):
        login(client, other)
        assert client.get(target).status_code == 403
        client.post("/logout")
    login(client, world.beheerder)
    response = client.get(target)
    assert response.status_code == 200
    assert_clean_and_labelled(text_of(response), target)
    assert 'href="/beheer/gebruikers"' in text_of(response)  # in the navigation


@pytest.mark.parametrize("page", AUDITOR_PAGES)
def test_audit_pages_render_for_auditor_only(client, world, page):
    for other in (world.medewerker, world.beheerder):
        login(client, other)
        assert client.get(page).status_code == 403
        client.post("/logout")
    login(client, world.auditor)
    response = client.get(page)
    assert response.status_code == 200, text_of(response)
    assert_clean_and_labelled(text_of(response), page)
    assert 'href="/audit"' in text_of(response)


@pytest.mark.parametrize(
    "page", ["/beheer/gebruikers", "/audit", "/tokens", "/audit/toegang?bsn=111222333"]
)
def test_anonymous_is_sent_to_login(client, world, page):
    response = client.get(page)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_user_has_their_tokens_page(client, world):
    for user in (world.medewerker, world.auditor, world.beheerder):
        login(client, user)
        response = client.get("/tokens")
        assert response.status_code == 200
        assert 'href="/tokens"' in text_of(response)
        assert_clean_and_labelled(text_of(response), "/tokens")
        client.post("/logout")


def test_posts_need_a_csrf_token(app, db, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text_of(page))
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', text_of(page))
    client.post(
        "/login",
        data={
            "username": world.beheerder.username,
            "password": factories.PASSWORD,
            "csrf_token": token.group(1),
        },
    )
    for url in (
        "/beheer/gebruikers/nieuw",
        f"/beheer/gebruikers/{world.medewerker.id}/deactiveren",
        "/tokens",
    ):
        response = client.post(url, data={"username": "zonder.token", "naam": "x"})
        assert response.status_code in (400, 422), url
    db.expire_all()
    assert world.medewerker.active
    assert db.scalar(select(User).where(User.username == "zonder.token")) is None


# --- user administration --------------------------------------------------------------------


def new_user(client, **extra):
    data = {
        "username": "nieuwe.collega",
        "naam": "Nieuwe Collega",
        "email": "collega@example.org",
        "rollen": ["medewerker"],
        "password": "een-lang-genoeg-wachtwoord",
    }
    data.update(extra)
    return client.post("/beheer/gebruikers/nieuw", data=data)


def test_create_user_with_password_then_list_shows_it(client, db, world):
    login(client, world.beheerder)
    response = new_user(client)
    assert response.status_code == 302, text_of(response)
    created = users.get_user(db, "nieuwe.collega")
    assert created.roles == ["medewerker"] and created.email == "collega@example.org"
    lijst = text_of(client.get("/beheer/gebruikers"))
    assert "nieuwe.collega" in lijst and "Nieuwe Collega" in lijst
    assert users.authenticate(db, "nieuwe.collega", "een-lang-genoeg-wachtwoord") is not None


def test_create_user_with_generated_password_shown_once(client, db, world):
    login(client, world.beheerder)
    response = new_user(client, password="", genereren="y")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    secret = re.search(r'<code class="geheim" id="wachtwoord">([^<]+)</code>', text_of(response))
    assert secret
    password = secret.group(1)
    assert users.authenticate(db, "nieuwe.collega", password) is not None
    created = users.get_user(db, "nieuwe.collega")
    assert password not in text_of(client.get(f"/beheer/gebruikers/{created.id}"))
    assert password not in text_of(client.get("/beheer/gebruikers"))


def test_weak_password_and_duplicate_username_are_field_errors(client, db, world):
    login(client, world.beheerder)
    response = new_user(client, password="kort")
    assert response.status_code == 422
    html = text_of(response)
    assert "Er is een probleem" in html and 'href="#password"' in html
    assert "minstens 12 tekens" in html
    response = new_user(client, username=world.medewerker.username)
    assert response.status_code == 409
    assert 'href="#username"' in text_of(response) and "bestaat al" in text_of(response)
    response = new_user(client, password="", genereren="")
    assert response.status_code == 422


def test_edit_user_roles_and_xss_is_escaped(client, db, world):
    login(client, world.beheerder)
    response = client.post(
        f"/beheer/gebruikers/{world.lezer.id}/gegevens",
        data={"gegevens-naam": XSS, "gegevens-email": "", "gegevens-rollen": ["archivaris"]},
    )
    assert response.status_code == 302, text_of(response)
    db.expire_all()
    assert world.lezer.roles == ["archivaris"] and world.lezer.naam == XSS
    html = text_of(client.get(f"/beheer/gebruikers/{world.lezer.id}"))
    assert XSS not in html and "&lt;script&gt;" in html
    response = client.post(
        f"/beheer/gebruikers/{world.lezer.id}/gegevens",
        data={"gegevens-naam": "X", "gegevens-email": "geen-adres"},
    )
    assert response.status_code == 422
    assert 'href="#gegevens-email"' in text_of(response)


def test_beheerder_cannot_deactivate_or_demote_themselves(client, db, world):
    login(client, world.beheerder)
    page = text_of(client.get(f"/beheer/gebruikers/{world.beheerder.id}"))
    assert f"/beheer/gebruikers/{world.beheerder.id}/deactiveren" not in page
    response = client.post(f"/beheer/gebruikers/{world.beheerder.id}/deactiveren")
    assert response.status_code == 409
    assert "eigen account niet deactiveren" in text_of(response)
    response = client.post(
        f"/beheer/gebruikers/{world.beheerder.id}/gegevens",
        data={"gegevens-naam": "Ik", "gegevens-rollen": ["medewerker"]},
    )
    assert response.status_code == 422
    db.expire_all()
    assert world.beheerder.active and "beheerder" in world.beheerder.roles


def test_deactivate_and_activate_a_user(client, db, world):
    login(client, world.beheerder)
    response = client.post(f"/beheer/gebruikers/{world.lezer.id}/deactiveren")
    assert response.status_code == 302
    db.expire_all()
    assert not world.lezer.active
    assert users.authenticate(db, world.lezer.username, factories.PASSWORD) is None
    assert client.post(f"/beheer/gebruikers/{world.lezer.id}/activeren").status_code == 302
    db.expire_all()
    assert world.lezer.active
    acties = db.scalars(
        select(AuditEvent.actie).where(AuditEvent.object_id == str(world.lezer.id))
    ).all()
    assert "gebruiker.gedeactiveerd" in acties and "gebruiker.geactiveerd" in acties


def test_reset_password_and_unlock(client, db, world):
    world.lezer.geblokkeerd_tot = factories_now() + timedelta(minutes=10)
    db.commit()
    login(client, world.beheerder)
    page = text_of(client.get(f"/beheer/gebruikers/{world.lezer.id}"))
    assert "Blokkade opheffen" in page
    assert client.post(f"/beheer/gebruikers/{world.lezer.id}/deblokkeren").status_code == 302
    db.expire_all()
    assert world.lezer.geblokkeerd_tot is None
    response = client.post(f"/beheer/gebruikers/{world.lezer.id}/wachtwoord")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    password = re.search(r'id="wachtwoord">([^<]+)<', text_of(response)).group(1)
    assert len(password) >= 12
    assert users.authenticate(db, world.lezer.username, password) is not None
    assert password not in text_of(client.get(f"/beheer/gebruikers/{world.lezer.id}"))


def factories_now():
    from archive.db import utcnow

    return utcnow()


def test_memberships_per_user_add_change_remove(client, db, world):
    login(client, world.beheerder)
    user = world.auditor
    url = f"/beheer/gebruikers/{user.id}"
    assert "Geen lidmaatschappen" in text_of(client.get(url))
    data = {"lid-afdeling": world.afdeling.code, "lid-rol": "lezen", "lid-clearance": "intern"}
    response = client.post(f"{url}/lidmaatschappen", data=data)
    assert response.status_code == 302, text_of(response)
    page = text_of(client.get(url))
    assert world.afdeling.naam in page and f"/beheer/afdelingen/{world.afdeling.code}" in page
    data.update({"lid-rol": "regie", "lid-clearance": "geheim"})
    assert client.post(f"{url}/lidmaatschappen", data=data).status_code == 302
    lid = db.scalar(select(AfdelingLid).where(AfdelingLid.user_id == user.id))
    db.refresh(lid)
    assert (lid.rol, lid.clearance) == ("regie", "geheim")
    lijst = text_of(client.get("/beheer/gebruikers"))
    assert lijst  # the count column renders
    response = client.post(f"{url}/lidmaatschappen/{world.afdeling.code}/verwijderen")
    assert response.status_code == 302
    assert db.scalar(select(AfdelingLid).where(AfdelingLid.user_id == user.id)) is None


def test_membership_form_refusals(client, db, world):
    login(client, world.beheerder)
    url = f"/beheer/gebruikers/{world.auditor.id}/lidmaatschappen"
    response = client.post(url, data={"lid-afdeling": "", "lid-rol": "lezen"})
    assert response.status_code == 422 and 'href="#lid-afdeling"' in text_of(response)
    response = client.post(
        url, data={"lid-afdeling": world.afdeling.code, "lid-rol": "baas", "lid-clearance": "x"}
    )
    assert response.status_code == 422
    response = client.post(
        url, data={"lid-afdeling": "BESTAAT-NIET", "lid-rol": "lezen", "lid-clearance": "intern"}
    )
    assert response.status_code == 422
    assert client.get("/beheer/gebruikers/999999").status_code == 404


def test_user_services_refuse_a_non_beheerder(db, world):
    from archive.errors import Forbidden

    with pytest.raises(Forbidden):
        users.set_active(db, world.medewerker, world.lezer, False)
    with pytest.raises(Forbidden):
        users.create_user(db, world.medewerker, username="x", naam="x", password="x" * 12, roles=[])
    with pytest.raises(Forbidden):
        users.reset_password(db, world.auditor, world.lezer)
    with pytest.raises(Forbidden):
        users.unlock(db, world.medewerker, world.lezer)


# --- grants on a zaak -----------------------------------------------------------------------


def grant_data(username: str, **extra):
    data = {
        "toegang-user": username,
        "toegang-rol": "lezen",
        "toegang-clearance": "zaakvertrouwelijk",
        "toegang-reden": "Casusoverleg met de reclassering",
        "toegang-verloopt_op": (date.today() + timedelta(days=30)).strftime("%d-%m-%Y"),
    }
    data.update(extra)
    return data


def test_regie_sees_the_grants_section_others_do_not(client, db, world):
    zaak = make_zaak(db, world)
    baas = regie(db, world)
    login(client, world.medewerker)
    page = text_of(client.get(f"/zaken/{zaak.identificatie}"))
    assert "Toegang voor partners" not in page
    client.post("/logout")
    login(client, baas)
    response = client.get(f"/zaken/{zaak.identificatie}")
    assert "Toegang voor partners" in text_of(response)
    assert_clean_and_labelled(text_of(response), "zaak")
    assert client.get(f"/zaken/{zaak.identificatie}/toegang").status_code == 200


def test_regie_grants_a_partner_who_then_sees_exactly_that_zaak(client, db, world):
    zaak = make_zaak(db, world, omschrijving="Gedeelde zaak")
    make_zaak(db, world, omschrijving="Andere zaak")
    db.commit()
    baas = regie(db, world)
    partner = world.buitenstaander
    login(client, baas)
    response = client.post(
        f"/zaken/{zaak.identificatie}/toegang", data=grant_data(partner.username)
    )
    assert response.status_code == 302, text_of(response)
    page = text_of(client.get(f"/zaken/{zaak.identificatie}"))
    assert partner.naam in page and "Casusoverleg met de reclassering" in page
    client.post("/logout")
    login(client, partner)
    assert client.get(f"/zaken/{zaak.identificatie}").status_code == 200
    lijst = text_of(client.get(f"/zaken?afdeling={world.afdeling.id}"))
    assert "Gedeelde zaak" in lijst and "Andere zaak" not in lijst


def test_grant_refusals_show_on_the_fields(client, db, world):
    zaak = make_zaak(db, world)
    baas = regie(db, world)
    login(client, baas)
    url = f"/zaken/{zaak.identificatie}/toegang"
    gisteren = (date.today() - timedelta(days=1)).strftime("%d-%m-%Y")
    response = client.post(url, data=grant_data("user-bestaat-niet"))
    assert response.status_code == 422 and 'href="#toegang-user"' in text_of(response)
    response = client.post(
        url, data=grant_data(world.buitenstaander.username, **{"toegang-verloopt_op": gisteren})
    )
    assert response.status_code == 422
    assert 'href="#toegang-verloopt_op"' in text_of(response)
    assert "toekomst" in text_of(response)
    response = client.post(
        url, data=grant_data(world.buitenstaander.username, **{"toegang-reden": ""})
    )
    assert response.status_code == 422 and 'href="#toegang-reden"' in text_of(response)
    response = client.post(
        url, data=grant_data(world.buitenstaander.username, **{"toegang-reden": "   "})
    )
    assert response.status_code == 422 and 'href="#toegang-reden"' in text_of(response)
    assert db.scalar(select(Machtiging).where(Machtiging.zaak_id == zaak.id)) is None


def test_grant_by_non_regie_is_refused(client, db, world):
    zaak = make_zaak(db, world)
    data = grant_data(world.auditor.username)
    login(client, world.medewerker)  # behandelen, not regie: sees the zaak, may not grant
    assert client.post(f"/zaken/{zaak.identificatie}/toegang", data=data).status_code == 403
    assert client.get(f"/zaken/{zaak.identificatie}/toegang").status_code == 403
    client.post("/logout")
    login(client, world.buitenstaander)  # cannot see the zaak at all
    assert client.post(f"/zaken/{zaak.identificatie}/toegang", data=data).status_code == 404
    client.post("/logout")
    login(client, world.beheerder)  # a role, no membership: the zaak is absent
    assert client.post(f"/zaken/{zaak.identificatie}/toegang", data=data).status_code == 404
    assert db.scalar(select(Machtiging).where(Machtiging.zaak_id == zaak.id)) is None


def test_revoke_a_grant(client, db, world):
    zaak = make_zaak(db, world)
    andere = make_zaak(db, world)
    baas = regie(db, world)
    machtiging = machtigingen.grant(
        db,
        baas,
        zaak,
        world.buitenstaander,
        reden="Overleg",
        verloopt_op=date.today() + timedelta(days=7),
    )
    db.commit()
    login(client, world.medewerker)
    url = f"/zaken/{zaak.identificatie}/toegang/{machtiging.id}/intrekken"
    assert client.post(url).status_code == 403
    client.post("/logout")
    login(client, baas)
    wrong = f"/zaken/{andere.identificatie}/toegang/{machtiging.id}/intrekken"
    assert client.post(wrong).status_code == 404
    assert client.post(url).status_code == 302
    db.refresh(machtiging)
    assert machtiging.ingetrokken_op is not None
    client.post("/logout")
    login(client, world.buitenstaander)
    assert client.get(f"/zaken/{zaak.identificatie}").status_code == 404


# --- auditor --------------------------------------------------------------------------------


def test_audit_events_filters_and_pagination(client, db, world):
    zaak = make_zaak(db, world, omschrijving="Geheime omschrijving")
    for _ in range(3):
        make_zaak(db, world)
    db.commit()
    login(client, world.auditor)
    response = client.get(f"/audit/gebeurtenissen?object={zaak.identificatie}")
    html = text_of(response)
    assert response.status_code == 200 and zaak.identificatie in html
    assert "(zaak.aangemaakt)" in html and "Geheime omschrijving" not in html
    response = client.get(f"/audit/gebeurtenissen?gebruiker={world.medewerker.username}")
    assert zaak.identificatie in text_of(response)
    response = client.get(f"/audit/gebeurtenissen?gebruiker={world.auditor.username}")
    assert "(gebruiker.ingelogd)" in text_of(response)
    assert zaak.identificatie not in text_of(response)
    response = client.get("/audit/gebeurtenissen?actie=gebruiker.aangemaakt")
    assert "(zaak.aangemaakt)" not in text_of(response)
    assert "(gebruiker.aangemaakt)" in text_of(response)
    morgen = (date.today() + timedelta(days=1)).strftime("%d-%m-%Y")
    response = client.get(f"/audit/gebeurtenissen?vanaf={morgen}")
    assert "0 gebeurtenissen" in text_of(response)
    vandaag = date.today().strftime("%d-%m-%Y")
    response = client.get(f"/audit/gebeurtenissen?vanaf={vandaag}&tot={vandaag}")
    assert zaak.identificatie in text_of(response)
    response = client.get(f"/audit/gebeurtenissen?vanaf={morgen}&tot={vandaag}")
    assert response.status_code == 422 and 'href="#tot"' in text_of(response)
    response = client.get("/audit/gebeurtenissen?vanaf=32-13-2024")
    assert response.status_code == 422 and 'href="#vanaf"' in text_of(response)


def test_audit_events_query_count_is_flat(client, db, world):
    from sqlalchemy import event

    login(client, world.auditor)
    client.get("/audit/gebeurtenissen")
    counts = []
    for _ in range(2):
        for _ in range(5):
            make_zaak(db, world)
        db.commit()
        statements: list[str] = []

        def count(conn, cursor, statement, *args, statements=statements):
            statements.append(statement)

        event.listen(db.get_bind(), "before_cursor_execute", count)
        try:
            assert client.get("/audit/gebeurtenissen").status_code == 200
        finally:
            event.remove(db.get_bind(), "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_audit_events_page_two(client, db, world):
    for _ in range(55):
        make_zaak(db, world)
    db.commit()
    login(client, world.auditor)
    first = text_of(client.get("/audit/gebeurtenissen"))
    assert "Pagina 1 van" in first and "pagina=2" in first
    assert client.get("/audit/gebeurtenissen?pagina=2").status_code == 200


def _tamper(db, sql, **params):
    """Bypass the append-only trigger as a database superuser could (inside the test)."""
    if backend() == "postgresql":
        db.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
    db.execute(text(sql), params)
    if backend() == "postgresql":
        db.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    db.expire_all()


def test_chain_page_shows_ok_then_the_tampered_event(client, db, world):
    make_zaak(db, world)
    db.commit()
    login(client, world.auditor)
    assert "Keten nu controleren" in text_of(client.get("/audit/keten"))
    response = client.post("/audit/keten")
    assert response.status_code == 200
    assert "De keten is intact" in text_of(response)
    target = db.scalar(select(AuditEvent).where(AuditEvent.actie == "zaak.aangemaakt"))
    _tamper(db, "UPDATE audit_event SET actie = 'zaak.verwijderd' WHERE id = :id", id=target.id)
    response = client.post("/audit/keten")
    html = text_of(response)
    assert "niet intact" in html
    assert f"Gebeurtenis {target.volgnummer} (zaak.verwijderd" in html
    # the logged-in user survives the check (the page still renders the header)
    assert world.auditor.naam in text_of(client.get("/audit"))


def _seen_person(client, db, world):
    zaak = make_zaak(db, world)
    add_betrokkene(
        db,
        world.medewerker,
        zaak,
        BetrokkeneGegevens(type="natuurlijk_persoon", bsn=VALID_BSN, geslachtsnaam="Jansen"),
        rol="belanghebbende",
    )
    db.commit()
    login(client, world.medewerker)
    assert client.get(f"/zaken/{zaak.identificatie}").status_code == 200  # logged (ui)
    client.post("/logout")
    return zaak


def test_bsn_report_and_csv_attachment(client, db, world):
    zaak = _seen_person(client, db, world)
    login(client, world.auditor)
    response = client.get(f"/audit/toegang?bsn={VALID_BSN}")
    html = text_of(response)
    assert response.status_code == 200
    assert world.medewerker.username in html and zaak.identificatie in html
    assert "Jansen" not in html and "Testzaak" not in html
    assert "no-store" in response.headers["Cache-Control"]
    response = client.get(f"/audit/toegang?bsn={VALID_BSN}&formaat=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert [(r["gebruiker"], r["object_id"], r["pad"]) for r in rows] == [
        (world.medewerker.username, zaak.identificatie, "ui")
    ]
    morgen = (date.today() + timedelta(days=1)).strftime("%d-%m-%Y")
    response = client.get(f"/audit/toegang?bsn={VALID_BSN}&vanaf={morgen}")
    assert "Niemand heeft" in text_of(response)


def test_bsn_report_refusals(client, db, world):
    login(client, world.auditor)
    response = client.get("/audit/toegang?bsn=123456789")
    assert response.status_code == 422 and 'href="#bsn"' in text_of(response)
    response = client.get("/audit/toegang?bsn=")
    assert response.status_code == 422
    response = client.get("/audit/toegang?bsn=123")  # fails the elfproef
    assert response.status_code == 422
    response = client.get(f"/audit/toegang?bsn={VALID_BSN}")  # unknown person: nobody
    assert response.status_code == 200 and "Niemand heeft" in text_of(response)
    client.post("/logout")
    login(client, world.medewerker)
    assert client.get(f"/audit/toegang?bsn={VALID_BSN}&formaat=csv").status_code == 403


# --- API tokens -----------------------------------------------------------------------------


def test_token_secret_shown_once_and_works(client, db, world):
    login(client, world.medewerker)
    verloopt = (date.today() + timedelta(days=90)).strftime("%d-%m-%Y")
    response = client.post("/tokens", data={"naam": "scanstraat", "verloopt_op": verloopt})
    assert response.status_code == 200, text_of(response)
    assert "no-store" in response.headers["Cache-Control"]
    secret = re.search(r'id="geheim">([^<]+)<', text_of(response)).group(1)
    assert secret.startswith(users.TOKEN_PREFIX)
    assert users.user_for_token(db, secret).id == world.medewerker.id
    later = text_of(client.get("/tokens"))
    assert "scanstraat" in later and secret not in later and secret[:10] in later
    assert secret not in text_of(client.get("/zaken"))


def test_token_form_refusals(client, world):
    login(client, world.medewerker)
    for verloopt in (
        (date.today() - timedelta(days=1)).strftime("%d-%m-%Y"),
        (date.today() + timedelta(days=400)).strftime("%d-%m-%Y"),
        "",
        "morgen",
    ):
        response = client.post("/tokens", data={"naam": "x", "verloopt_op": verloopt})
        assert response.status_code == 422, verloopt
        assert 'href="#verloopt_op"' in text_of(response)
    response = client.post("/tokens", data={"naam": "", "verloopt_op": "01-01-2099"})
    assert response.status_code == 422 and 'href="#naam"' in text_of(response)


def test_revoke_own_token_and_not_someone_elses(client, db, world):
    mine, _s = users.create_token(db, None, world.medewerker, "mijn", None)
    theirs, _t = users.create_token(db, None, world.lezer, "van een ander", None)
    db.commit()
    login(client, world.medewerker)
    page = text_of(client.get("/tokens"))
    assert "mijn" in page and "van een ander" not in page
    assert client.post(f"/tokens/{theirs.id}/intrekken").status_code == 404
    db.refresh(theirs)
    assert theirs.ingetrokken_op is None
    assert client.post(f"/tokens/{mine.id}/intrekken").status_code == 302
    db.refresh(mine)
    assert mine.ingetrokken_op is not None
    assert client.post("/tokens/999999/intrekken").status_code == 404
    assert db.get(ApiToken, theirs.id).ingetrokken_op is None


# --- the department page (issue-3 leftovers) ------------------------------------------------


def virtual_department(db) -> Afdeling:
    from zaaktypen import afdelingen as afdeling_service

    afdeling = afdeling_service.create_department(
        db,
        None,
        afdeling_service.AfdelingGegevens(
            code="OPVANG-T",
            naam="Opvang test",
            startdatum=date.today(),
            geplande_einddatum=date.today() + timedelta(days=10),
        ),
    )
    db.commit()
    return afdeling


def test_department_edit_form(client, db, world):
    afdeling = virtual_department(db)
    login(client, world.beheerder)
    dashboard = text_of(client.get("/beheer"))
    assert "/beheer/afdelingen/OPVANG-T#wijzigen" in dashboard
    page = client.get("/beheer/afdelingen/OPVANG-T")
    assert 'id="wijzigen"' in text_of(page)
    assert_clean_and_labelled(text_of(page), "afdeling")
    einde = date.today() + timedelta(days=200)
    data = {
        "afdeling-naam": "Opvang verlengd",
        "afdeling-doel": "Opvang",
        "afdeling-startdatum": date.today().strftime("%d-%m-%Y"),
        "afdeling-geplande_einddatum": einde.strftime("%d-%m-%Y"),
        "afdeling-vertrouwelijkheidaanduiding": "vertrouwelijk",
        "afdeling-retentiebeleid": "blijvend_bewaren",
        "afdeling-retentie_reden": "",
        "afdeling-retentie_besluit": "",
    }
    response = client.post("/beheer/afdelingen/OPVANG-T/gegevens", data=data)
    assert response.status_code == 422
    assert 'href="#afdeling-retentie_reden"' in text_of(response)
    data.update({"afdeling-retentie_reden": "Hotspot", "afdeling-retentie_besluit": "B&W 1"})
    response = client.post("/beheer/afdelingen/OPVANG-T/gegevens", data=data)
    assert response.status_code == 302, text_of(response)
    db.refresh(afdeling)
    assert afdeling.naam == "Opvang verlengd" and afdeling.geplande_einddatum == einde
    assert afdeling.retentiebeleid == "blijvend_bewaren"
    data["afdeling-geplande_einddatum"] = (date.today() - timedelta(days=5)).strftime("%d-%m-%Y")
    response = client.post("/beheer/afdelingen/OPVANG-T/gegevens", data=data)
    assert response.status_code == 422
    assert 'href="#afdeling-geplande_einddatum"' in text_of(response)
    client.post("/logout")
    login(client, world.medewerker)
    assert client.post("/beheer/afdelingen/OPVANG-T/gegevens", data=data).status_code == 403


def test_department_policy_from_the_page_recomputes_its_closed_zaken(
    client, db, world, archief_zaaktype
):
    from tests.fixtures_archivering import nieuwe_zaak, sluit

    zaak = nieuwe_zaak(db, world, archief_zaaktype, startdatum=date(2024, 1, 10))
    sluit(db, world, zaak, "Afgehandeld", date(2024, 2, 29))
    db.commit()
    assert zaak.archiefnominatie == "vernietigen"
    login(client, world.beheerder)
    code = world.afdeling.code
    data = {
        "afdeling-naam": world.afdeling.naam,
        "afdeling-retentiebeleid": "blijvend_bewaren",
        "afdeling-retentie_reden": "Calamiteit",
        "afdeling-retentie_besluit": "B&W 7",
    }
    response = client.post(f"/beheer/afdelingen/{code}/gegevens", data=data)
    assert response.status_code == 302, text_of(response)
    db.refresh(zaak)
    assert zaak.archiefnominatie == "blijvend_bewaren"
    assert zaak.archiefnominatie_bron == f"hotspot afdeling {code}: Calamiteit (B&W 7)"
    data |= {k: "" for k in data if k.startswith("afdeling-retentie")}
    response = client.post(f"/beheer/afdelingen/{code}/gegevens", data=data)
    assert response.status_code == 302, text_of(response)
    db.refresh(zaak)
    assert zaak.archiefnominatie == "vernietigen" and "7.1" in zaak.archiefnominatie_bron


def test_unchoose_a_generic_zaaktype(client, db, world):
    from zaaktypen import afdelingen as afdeling_service

    afdeling = virtual_department(db)
    afdeling_service.choose_generic_zaaktype(db, None, afdeling, world.zaaktype.identificatie)
    db.commit()
    login(client, world.beheerder)
    url = f"/beheer/afdelingen/OPVANG-T/zaaktypen/{world.zaaktype.identificatie}/verwijderen"
    assert url in text_of(client.get("/beheer/afdelingen/OPVANG-T"))
    assert client.post(url).status_code == 302
    db.refresh(afdeling)
    assert afdeling.generieke_zaaktypen == []
    assert client.post(url).status_code == 404


def test_pages_in_english(client, world):
    client.set_cookie("taal", "en")
    login(client, world.beheerder)
    assert "My API tokens" in text_of(client.get("/tokens"))
    assert "Create user" in text_of(client.get("/beheer/gebruikers/nieuw"))
    client.post("/logout")
    login(client, world.auditor)
    assert "Verify the chain now" in text_of(client.get("/audit/keten"))
