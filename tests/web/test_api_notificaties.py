"""The notification API: following, the inbox, e-mail preferences, webhooks with their dead
letters, and a department's network signal — problem details with per-field messages, 404
for what the caller may not see (alike for hidden and absent), 403 on webhooks for anyone
but an administrator, the webhook secret only in the create and rotate answers."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from archive import zaken as zaken_service
from archive.audit import AuditEvent
from archive.models import Notificatie, Volging, Webhook, WebhookAflevering, Zaak
from archive.notificaties import bezorging, soorten, webhooks
from archive.notificaties.gebeurtenissen import emit
from tests import factories
from tests.archive.notificaties.conftest import Receiver
from tests.fixtures_archivering import bearer
from tests.web.test_security import FUZZ, JSON_VALUES, QUERY_TEXT, _assert_answer

PROBLEM = "application/problem+json"
BSN = "111222333"
ANDER_BSN = "123456782"  # valid (elfproef), nobody has it


@dataclass
class Netwerk:
    """``world`` plus a colleague of the medewerker in ``afdeling`` and a zaak the colleague
    opened there (level zaakvertrouwelijk: the lezer, clearance intern, cannot see it)."""

    db: object
    world: factories.World
    settings: object
    collega: object
    zaak: Zaak

    def deliver(self) -> None:
        while bezorging.fan_out(self.db, self.settings):
            pass
        self.db.commit()

    def changes(self, n: int, zaak: Zaak | None = None) -> None:
        """``n`` status events on the zaak by the colleague, delivered."""
        for _ in range(n):
            emit(self.db, soorten.ZAAK_STATUS_GEWIJZIGD, self.collega, zaak=zaak or self.zaak)
        self.db.flush()
        self.deliver()


@pytest.fixture
def netwerk(db, world, settings) -> Netwerk:
    collega = factories.make_user(db)
    factories.make_member(db, world.afdeling, collega, rol="behandelen", clearance="geheim")
    zaak = factories.make_zaak(
        db, collega, zaaktype=world.zaaktype, afdeling=world.afdeling, omschrijving="Overlast"
    )
    db.commit()
    built = Netwerk(db, world, settings, collega, zaak)
    built.deliver()  # the zaak's own creation: out of the way
    return built


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return response.get_json()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def persoon(db, actor, zaak, bsn: str = BSN, naam: str = "Jansen"):
    rol = zaken_service.add_betrokkene(
        db,
        actor,
        zaak,
        zaken_service.BetrokkeneGegevens(
            type="natuurlijk_persoon", bsn=bsn, voornamen="Piet", geslachtsnaam=naam
        ),
        rol="belanghebbende",
    )
    db.commit()
    return rol.betrokkene


# -- volgen ----------------------------------------------------------------------------------


def test_follow_a_zaak_twice_list_it_and_stop(client, db, netwerk):
    headers = bearer(db, netwerk.world.medewerker)
    ident = netwerk.zaak.identificatie
    created = client.post("/api/v1/volgen", json={"soort": "zaak", "zaak": ident}, headers=headers)
    body = ok(created, 201)
    assert body["soort"] == "zaak" and body["zaak"] == ident
    assert body["persoon"] is None and body["afdeling"] is None
    assert body["reden"] == "handmatig" and body["aangemaakt_op"]
    assert body["object_url"].endswith(f"/api/v1/zaken/{ident}")
    assert created.headers["Location"] == body["url"]
    again = client.post("/api/v1/volgen", json={"soort": "zaak", "zaak": ident}, headers=headers)
    assert ok(again, 200)["id"] == body["id"]  # idempotent: the existing follow
    assert db.scalar(select(func.count()).select_from(Volging)) >= 1
    started = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actie == "volging.gestart", AuditEvent.object_id == ident
        )
    ).all()
    assert len(started) == 1  # written with the follow, in the request's transaction

    listed = ok(client.get("/api/v1/volgen", headers=headers))
    assert [v["id"] for v in listed["results"]] == [body["id"]] and listed["count"] == 1
    assert ok(client.get("/api/v1/volgen?soort=afdeling", headers=headers))["count"] == 0
    assert ok(client.get(body["url"], headers=headers)) == body

    assert client.delete(body["url"], headers=headers).status_code == 204
    assert ok(client.get("/api/v1/volgen", headers=headers))["count"] == 0
    problem(client.delete(body["url"], headers=headers), 404)
    problem(client.get(body["url"], headers=headers), 404)
    # following again after stopping: a new start (201), same row
    resumed = client.post("/api/v1/volgen", json={"soort": "zaak", "zaak": ident}, headers=headers)
    assert ok(resumed, 201)["id"] == body["id"]


def test_follow_a_person_by_id_or_by_bsn_in_the_body(client, db, netwerk):
    betrokkene = persoon(db, netwerk.collega, netwerk.zaak)
    headers = bearer(db, netwerk.world.medewerker)
    by_id = client.post(
        "/api/v1/volgen", json={"soort": "persoon", "persoon": betrokkene.id}, headers=headers
    )
    body = ok(by_id, 201)
    assert body["persoon"] == betrokkene.id and body["zaak"] is None
    assert body["object_url"].endswith(f"/personen/{betrokkene.id}")
    by_bsn = client.post("/api/v1/volgen", json={"soort": "persoon", "bsn": BSN}, headers=headers)
    assert ok(by_bsn, 200)["id"] == body["id"]
    for response in (by_id, by_bsn, client.get("/api/v1/volgen", headers=headers)):
        text = response.get_data(as_text=True)
        assert BSN not in text and "Jansen" not in text  # ids and URLs only
    assert BSN not in by_bsn.headers["Location"]


def test_a_person_one_may_not_see_is_absent_like_an_unknown_one(client, db, netwerk):
    betrokkene = persoon(db, netwerk.collega, netwerk.zaak)
    lezer = bearer(db, netwerk.world.lezer)  # cannot see the zaakvertrouwelijk zaak
    hidden = problem(
        client.post("/api/v1/volgen", json={"soort": "persoon", "bsn": BSN}, headers=lezer), 404
    )
    unknown = problem(
        client.post("/api/v1/volgen", json={"soort": "persoon", "bsn": ANDER_BSN}, headers=lezer),
        404,
    )
    assert hidden == unknown and list(hidden["errors"]) == ["bsn"]
    by_id = problem(
        client.post(
            "/api/v1/volgen", json={"soort": "persoon", "persoon": betrokkene.id}, headers=lezer
        ),
        404,
    )
    absent_id = problem(
        client.post(
            "/api/v1/volgen",
            json={"soort": "persoon", "persoon": betrokkene.id + 10_000},
            headers=lezer,
        ),
        404,
    )
    assert by_id == absent_id and list(by_id["errors"]) == ["persoon"]
    assert BSN not in str(hidden)
    assert (
        db.scalar(select(func.count()).select_from(Volging).where(Volging.soort == "persoon")) == 0
    )


def test_a_zaak_one_may_not_see_is_absent_like_an_unknown_one(client, db, netwerk):
    ident = netwerk.zaak.identificatie
    missing = ident[:-1] + ("9" if ident[-1] != "9" else "8")
    for user in (netwerk.world.lezer, netwerk.world.buitenstaander, netwerk.world.beheerder):
        headers = bearer(db, user)
        hidden = problem(
            client.post("/api/v1/volgen", json={"soort": "zaak", "zaak": ident}, headers=headers),
            404,
        )
        absent = problem(
            client.post("/api/v1/volgen", json={"soort": "zaak", "zaak": missing}, headers=headers),
            404,
        )
        assert hidden["errors"] == {"zaak": [f"Zaak '{ident}' bestaat niet."]}
        assert str(absent).replace(missing, ident) == str(hidden)
        assert netwerk.zaak.omschrijving not in str(hidden)


def test_follow_a_department(client, db, netwerk):
    w = netwerk.world
    headers = bearer(db, w.medewerker)
    code = w.afdeling.code
    body = ok(
        client.post(
            "/api/v1/volgen", json={"soort": "afdeling", "afdeling": code.lower()}, headers=headers
        ),
        201,
    )
    assert body["afdeling"] == code and body["object_url"].endswith(f"/api/v1/afdelingen/{code}")
    # the buitenstaander is no member of afdeling: absent, as an unknown code
    outsider = bearer(db, w.buitenstaander)
    hidden = problem(
        client.post(
            "/api/v1/volgen", json={"soort": "afdeling", "afdeling": code}, headers=outsider
        ),
        404,
    )
    absent = problem(
        client.post(
            "/api/v1/volgen", json={"soort": "afdeling", "afdeling": "NIETS"}, headers=outsider
        ),
        404,
    )
    assert list(hidden["errors"]) == list(absent["errors"]) == ["afdeling"]
    assert hidden["detail"].replace(code, "NIETS") == absent["detail"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"soort": "dossier", "zaak": "ZAAK-1"}, "soort", "Kies een van: zaak, persoon, afdeling."),
        ({"soort": "zaak"}, "zaak", "Geef de identificatie van de zaak."),
        ({"soort": "zaak", "zaak": ""}, "zaak", "Geef de identificatie van de zaak."),
        ({"soort": "zaak", "zaak": "Z", "afdeling": "A"}, "afdeling", "Hoort niet bij soort zaak."),
        ({"soort": "persoon"}, "persoon", "Geef het id van de betrokkene (persoon), of het BSN"),
        ({"soort": "persoon", "persoon": "12"}, "persoon", "Geef een geheel getal."),
        ({"soort": "persoon", "persoon": 0}, "persoon", "Geef het id van een betrokkene."),
        ({"soort": "persoon", "persoon": 1, "bsn": BSN}, "bsn", "niet allebei"),
        ({"soort": "persoon", "bsn": "123456789"}, "bsn", "elfproef"),
        ({"soort": "afdeling", "afdeling": "A\x00"}, "afdeling", "ongeldig teken"),
        ({"soort": "zaak", "zaak": "Z", "bsn": BSN}, "bsn", "Hoort niet bij soort zaak."),
        ({"zaak": "Z"}, "soort", "Dit veld is verplicht."),
        ({"soort": "zaak", "zaak": "Z", "x": 1}, "x", "Onbekend veld."),
    ],
)
def test_follow_refuses_bad_input_per_field(client, db, netwerk, body, field, message):
    response = client.post(
        "/api/v1/volgen", json=body, headers=bearer(db, netwerk.world.medewerker)
    )
    errors = problem(response, 422)["errors"]
    assert field in errors, errors
    assert any(message in m for m in errors[field]), errors


def test_another_users_follow_is_absent(client, db, netwerk):
    own = bearer(db, netwerk.world.medewerker)
    body = ok(
        client.post(
            "/api/v1/volgen",
            json={"soort": "zaak", "zaak": netwerk.zaak.identificatie},
            headers=own,
        ),
        201,
    )
    other = bearer(db, netwerk.collega)  # may see the zaak, but the follow is not theirs
    for method in ("GET", "DELETE"):
        answer = problem(client.open(body["url"], method=method, headers=other), 404)
        missing = problem(
            client.open(f"/api/v1/volgen/{body['id'] + 999}", method=method, headers=other), 404
        )
        assert answer["detail"] == missing["detail"] == "Dit volgen bestaat niet."
    assert db.get(Volging, body["id"]).actief
    for huge in (2**63, 10**30):
        problem(client.delete(f"/api/v1/volgen/{huge}", headers=own), 404)


def test_a_follow_of_what_one_lost_sight_of_leaves_the_list(client, db, netwerk):
    w = netwerk.world
    headers = bearer(db, w.medewerker)
    body = ok(
        client.post(
            "/api/v1/volgen",
            json={"soort": "zaak", "zaak": netwerk.zaak.identificatie},
            headers=headers,
        ),
        201,
    )
    factories.make_member(db, w.afdeling, w.medewerker, rol="behandelen", clearance="intern")
    db.commit()
    assert ok(client.get("/api/v1/volgen", headers=headers))["count"] == 0
    problem(client.get(body["url"], headers=headers), 404)


# -- inbox -----------------------------------------------------------------------------------


def _follow_zaak(client, headers, zaak) -> None:
    ok(
        client.post(
            "/api/v1/volgen", json={"soort": "zaak", "zaak": zaak.identificatie}, headers=headers
        ),
        201,
    )


def test_inbox_read_unread_and_all_read(client, db, netwerk, store, tmp_path):
    headers = bearer(db, netwerk.world.medewerker)
    _follow_zaak(client, headers, netwerk.zaak)
    netwerk.changes(1)
    from tests import corpus

    factories.file(
        db,
        netwerk.collega,
        netwerk.zaak,
        corpus.normal_pdf(tmp_path / "brief.pdf", text="Inhoud die niet in de inbox hoort"),
        netwerk.world.iot,
        store,
        titel="Brief over Jansen",
    )
    db.commit()
    netwerk.deliver()

    inbox = ok(client.get("/api/v1/inbox", headers=headers))
    assert inbox["count"] == 2 and inbox["ongelezen"] == 2 and inbox["next"] is None
    nieuw, oud = inbox["results"]  # newest first
    assert nieuw["id"] > oud["id"]
    assert nieuw["soort"] == soorten.DOCUMENT_TOEGEVOEGD and nieuw["reden"] == "zaak"
    assert nieuw["object"]["type"] == "document"
    assert nieuw["object"]["url"].endswith(f"/api/v1/documenten/{nieuw['object']['identificatie']}")
    assert oud["soort"] == soorten.ZAAK_STATUS_GEWIJZIGD
    assert oud["object"] == {
        "type": "zaak",
        "identificatie": netwerk.zaak.identificatie,
        "url": f"http://localhost/api/v1/zaken/{netwerk.zaak.identificatie}",
    }
    assert oud["signaal"] is None and oud["gelezen_op"] is None
    text = client.get("/api/v1/inbox", headers=headers).get_data(as_text=True)
    assert "Jansen" not in text and "Inhoud" not in text and netwerk.zaak.omschrijving not in text

    assert ok(client.get(oud["url"], headers=headers)) == oud
    read = ok(client.post(f"{oud['url']}/gelezen", headers=headers))
    assert read["gelezen_op"] is not None
    again = ok(client.post(f"{oud['url']}/gelezen", headers=headers))
    assert again["gelezen_op"] == read["gelezen_op"]  # reading twice keeps the first time
    unread_only = ok(client.get("/api/v1/inbox?ongelezen=true", headers=headers))
    assert [n["id"] for n in unread_only["results"]] == [nieuw["id"]]
    assert unread_only["count"] == unread_only["ongelezen"] == 1
    assert ok(client.get("/api/v1/inbox", headers=headers))["ongelezen"] == 1
    assert ok(client.post(f"{oud['url']}/ongelezen", headers=headers))["gelezen_op"] is None

    assert ok(client.post("/api/v1/inbox/gelezen", headers=headers)) == {"aantal": 2}
    after = ok(client.get("/api/v1/inbox", headers=headers))
    assert after["ongelezen"] == 0 and after["count"] == 2
    assert all(n["gelezen_op"] for n in after["results"])
    assert ok(client.post("/api/v1/inbox/gelezen", headers=headers)) == {"aantal": 0}


def test_inbox_pages_with_count_and_next(client, db, netwerk):
    headers = bearer(db, netwerk.world.medewerker)
    _follow_zaak(client, headers, netwerk.zaak)
    netwerk.changes(5)
    first = ok(client.get("/api/v1/inbox?page_size=2", headers=headers))
    assert first["count"] == 5 and first["ongelezen"] == 5 and first["previous"] is None
    assert len(first["results"]) == 2 and "page=2" in first["next"]
    second = ok(client.get(first["next"], headers=headers))
    third = ok(client.get(second["next"], headers=headers))
    assert len(third["results"]) == 1 and third["next"] is None and "page=2" in third["previous"]
    ids = [n["id"] for page in (first, second, third) for n in page["results"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5
    beyond = ok(client.get("/api/v1/inbox?page=9&page_size=2", headers=headers))
    assert beyond["results"] == [] and beyond["count"] == 5 and beyond["next"] is None
    for query, field in (
        ("page=0", "page"),
        ("page_size=201", "page_size"),
        ("ongelezen=x", "ongelezen"),
    ):
        errors = problem(client.get(f"/api/v1/inbox?{query}", headers=headers), 422)["errors"]
        assert field in errors


def test_inbox_entries_one_may_not_see_are_absent(client, db, netwerk):
    w = netwerk.world
    headers = bearer(db, w.medewerker)
    _follow_zaak(client, headers, netwerk.zaak)
    netwerk.changes(1)
    entry = ok(client.get("/api/v1/inbox", headers=headers))["results"][0]
    missing_url = f"/api/v1/inbox/{entry['id'] + 1000}"

    # another user: the entry is not theirs
    other = bearer(db, netwerk.collega)
    for suffix, method in (("", "GET"), ("/gelezen", "POST"), ("/ongelezen", "POST")):
        answer = problem(client.open(entry["url"] + suffix, method=method, headers=other), 404)
        missing = problem(client.open(missing_url + suffix, method=method, headers=other), 404)
        assert answer["detail"] == missing["detail"] == "Deze notificatie bestaat niet."
    assert ok(client.get("/api/v1/inbox", headers=other))["count"] == 0
    assert db.get(Notificatie, entry["id"]).gelezen_op is None

    # the medewerker loses sight of the zaak: the entry is gone from list, counts and link
    factories.make_member(db, w.afdeling, w.medewerker, rol="behandelen", clearance="intern")
    db.commit()
    inbox = ok(client.get("/api/v1/inbox", headers=headers))
    assert inbox["count"] == inbox["ongelezen"] == 0 and inbox["results"] == []
    problem(client.get(entry["url"], headers=headers), 404)
    problem(client.post(f"{entry['url']}/gelezen", headers=headers), 404)
    assert ok(client.post("/api/v1/inbox/gelezen", headers=headers)) == {"aantal": 0}
    for huge in (2**63, 10**30):
        problem(client.get(f"/api/v1/inbox/{huge}", headers=headers), 404)


def test_a_signal_shows_own_zaak_source_department_and_contact_only(client, db, netwerk):
    w = netwerk.world
    regisseur = factories.make_user(db)
    factories.make_member(db, w.afdeling, regisseur, rol="regie", clearance="geheim")
    persoon(db, netwerk.collega, netwerk.zaak)
    netwerk.deliver()
    contact = "Regie Veiligheidshuis, 053 123 45 67"
    ok(
        client.put(
            f"/api/v1/afdelingen/{w.andere_afdeling.code}/signalering",
            json={"signalering_actief": True, "signaal_contact": contact},
            headers=bearer(db, w.beheerder),
        )
    )
    elders = factories.make_zaak(
        db,
        w.buitenstaander,
        zaaktype=w.zaaktype,
        afdeling=w.andere_afdeling,
        omschrijving="Melding huiselijk geweld",
    )
    persoon(db, w.buitenstaander, elders)
    netwerk.deliver()

    response = client.get("/api/v1/inbox", headers=bearer(db, regisseur))
    inbox = ok(response)
    signals = [n for n in inbox["results"] if n["soort"] == soorten.PERSOON_SIGNAAL]
    assert len(signals) == 1, inbox
    signal = signals[0]
    assert signal["reden"] == "signaal"
    assert signal["object"]["type"] == "zaak"
    assert signal["object"]["identificatie"] == netwerk.zaak.identificatie  # their own zaak
    assert signal["signaal"] == {
        "afdeling": w.andere_afdeling.code,
        "afdeling_naam": w.andere_afdeling.naam,
        "contact": contact,
    }
    assert set(signal) == {
        "id", "url", "soort", "reden", "aangemaakt_op", "gelezen_op", "object", "signaal"
    }  # fmt: skip
    text = response.get_data(as_text=True)
    for secret in (elders.identificatie, BSN, "Jansen", "Piet", elders.omschrijving):
        assert secret not in text


def test_entries_for_a_destruction_list_and_a_department_link_to_them(
    client, db, settings, world, vernietiging_opzet
):
    people, _archief = vernietiging_opzet
    auteur = bearer(db, people.auteur)
    lijst = ok(
        client.post(
            "/api/v1/vernietigingslijsten",
            json={"naam": "Ter beoordeling", "beoordelaars": [people.beoordelaar.username]},
            headers=auteur,
        ),
        201,
    )
    ok(client.post(f"/api/v1/vernietigingslijsten/{lijst['id']}/indienen", json={}, headers=auteur))
    medewerker = bearer(db, world.medewerker)
    ok(
        client.post(
            "/api/v1/volgen",
            json={"soort": "afdeling", "afdeling": world.afdeling.code},
            headers=medewerker,
        ),
        201,
    )
    emit(db, soorten.AFDELING_EINDE_NADERT, None, afdeling=world.afdeling)
    db.commit()
    while bezorging.fan_out(db, settings):
        pass
    db.commit()

    review = ok(client.get("/api/v1/inbox", headers=bearer(db, people.beoordelaar)))
    entry = next(
        n for n in review["results"] if n["soort"] == soorten.VERNIETIGINGSLIJST_TER_BEOORDELING
    )
    assert entry["reden"] == "beoordelaar"
    assert entry["object"] == {
        "type": "vernietigingslijst",
        "identificatie": str(lijst["id"]),
        "url": lijst["url"],
    }
    assert ok(client.get(entry["object"]["url"], headers=bearer(db, people.beoordelaar)))

    einde = ok(client.get("/api/v1/inbox", headers=medewerker))["results"]
    assert [n["object"] for n in einde if n["soort"] == soorten.AFDELING_EINDE_NADERT] == [
        {
            "type": "afdeling",
            "identificatie": world.afdeling.code,
            "url": f"http://localhost/api/v1/afdelingen/{world.afdeling.code}",
        }
    ]


# -- voorkeuren ------------------------------------------------------------------------------


def test_preferences_read_and_change(client, db, netwerk):
    headers = bearer(db, netwerk.world.medewerker)
    url = "/api/v1/voorkeuren/notificaties"
    assert ok(client.get(url, headers=headers)) == {"email": "dagelijks", "digest_uur": 7}
    changed = ok(client.put(url, json={"email": "direct", "digest_uur": 6}, headers=headers))
    assert changed == {"email": "direct", "digest_uur": 6}
    assert ok(client.get(url, headers=headers)) == changed
    # leaving the hour out keeps it
    assert ok(client.put(url, json={"email": "geen"}, headers=headers)) == {
        "email": "geen",
        "digest_uur": 6,
    }
    other = bearer(db, netwerk.collega)
    assert ok(client.get(url, headers=other)) == {"email": "dagelijks", "digest_uur": 7}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"email": "wekelijks"}, "email", "Kies een van: geen, direct, dagelijks."),
        ({}, "email", "Dit veld is verplicht."),
        ({"email": "direct", "digest_uur": 24}, "digest_uur", "van 0 tot en met 23"),
        ({"email": "direct", "digest_uur": -1}, "digest_uur", "van 0 tot en met 23"),
        ({"email": "direct", "digest_uur": "x"}, "digest_uur", "Geef een geheel getal."),
        ({"email": "direct", "digest_uur": 7.5}, "digest_uur", "Geef een geheel getal."),
        ({"email": "direct", "digest_uur": True}, "digest_uur", "Geef een geheel getal."),
    ],
)
def test_preferences_refuse_bad_input_per_field(client, db, netwerk, body, field, message):
    headers = bearer(db, netwerk.world.medewerker)
    response = client.put("/api/v1/voorkeuren/notificaties", json=body, headers=headers)
    errors = problem(response, 422)["errors"]
    assert any(message in m for m in errors[field]), errors
    assert (
        ok(client.get("/api/v1/voorkeuren/notificaties", headers=headers))["email"] == "dagelijks"
    )


# -- webhooks --------------------------------------------------------------------------------


def _webhook_body(**overrides) -> dict:
    return {"naam": "Zaaksysteem", "url": "https://zaaksysteem.example/hook", **overrides}


def test_webhook_administration_and_the_secret_shown_once(client, db, netwerk, settings):
    w = netwerk.world
    headers = bearer(db, w.beheerder)
    created = client.post(
        "/api/v1/webhooks",
        json=_webhook_body(
            soorten=[soorten.DOCUMENT_TOEGEVOEGD], afdelingen=[w.afdeling.code.lower()]
        ),
        headers=headers,
    )
    body = ok(created, 201)
    geheim = body["geheim"]
    assert len(geheim) >= 32
    assert body["soorten"] == [soorten.DOCUMENT_TOEGEVOEGD] and body["afdelingen"] == [
        w.afdeling.code
    ]
    assert body["actief"] and body["aangemaakt_door"] == w.beheerder.username
    assert body["afleveringen"] == {"wachtend": 0, "afgeleverd": 0, "dood": 0}
    url = created.headers["Location"]
    stored = db.get(Webhook, body["id"])
    assert geheim not in stored.geheim_versleuteld  # stored encrypted, and it is this one
    assert webhooks.decrypt_secret(settings.secret_key, stored.geheim_versleuteld) == geheim

    listed = client.get("/api/v1/webhooks", headers=headers)
    detail = client.get(url, headers=headers)
    for response in (listed, detail):
        assert response.status_code == 200
        assert geheim not in response.get_data(as_text=True)
        assert "geheim" not in response.get_data(as_text=True)
    assert ok(listed)["count"] == 1
    assert {k: v for k, v in body.items() if k != "geheim"} == ok(detail)

    patched = ok(
        client.patch(url, json={"naam": "Zaaksysteem 2", "actief": False}, headers=headers)
    )
    assert patched["naam"] == "Zaaksysteem 2" and not patched["actief"]
    assert patched["url"] == body["url"] and patched["afdelingen"] == [w.afdeling.code]
    cleared = ok(client.patch(url, json={"afdelingen": [], "soorten": []}, headers=headers))
    assert (
        cleared["afdelingen"] == []
        and cleared["soorten"] == []
        and cleared["naam"] == "Zaaksysteem 2"
    )

    rotated = ok(client.post(f"{url}/geheim", headers=headers))
    assert rotated["geheim"] != geheim and rotated["id"] == body["id"]
    db.expire_all()
    assert (
        webhooks.decrypt_secret(settings.secret_key, db.get(Webhook, body["id"]).geheim_versleuteld)
        == rotated["geheim"]
    )
    assert rotated["geheim"] not in client.get(url, headers=headers).get_data(as_text=True)

    assert client.delete(url, headers=headers).status_code == 204
    problem(client.get(url, headers=headers), 404)
    problem(client.delete(url, headers=headers), 404)
    problem(client.get(f"/api/v1/webhooks/{2**31}", headers=headers), 404)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (_webhook_body(url="ftp://x.example/hook"), "url", "http- of https-URL"),
        (_webhook_body(url="zaaksysteem"), "url", "http- of https-URL"),
        (_webhook_body(url="https://user:pw@x.example/"), "url", "geen gebruikersnaam"),
        (_webhook_body(naam=""), "naam", "Geef de webhook een naam."),
        (_webhook_body(naam="x" * 101), "naam", "Maximaal 100 tekens."),
        (_webhook_body(soorten=["zaak.verdwenen"]), "soorten", "Onbekende soort: zaak.verdwenen"),
        (_webhook_body(afdelingen=["NIETS"]), "afdelingen", "Onbekende afdeling: NIETS"),
        (_webhook_body(soorten="alles"), "soorten", "Geef een lijst."),
        ({"naam": "Zonder adres"}, "url", "Dit veld is verplicht."),
    ],
)
def test_webhook_refuses_bad_input_per_field(client, db, netwerk, body, field, message):
    response = client.post(
        "/api/v1/webhooks", json=body, headers=bearer(db, netwerk.world.beheerder)
    )
    errors = problem(response, 422)["errors"]
    assert any(message in m for m in errors[field]), errors
    assert db.scalar(select(func.count()).select_from(Webhook)) == 0


def test_webhook_names_are_unique_also_when_renaming(client, db, netwerk):
    headers = bearer(db, netwerk.world.beheerder)
    ok(client.post("/api/v1/webhooks", json=_webhook_body(), headers=headers), 201)
    second = ok(
        client.post("/api/v1/webhooks", json=_webhook_body(naam="Ander"), headers=headers), 201
    )
    duplicate = problem(client.post("/api/v1/webhooks", json=_webhook_body(), headers=headers), 422)
    assert duplicate["errors"] == {"naam": ["Er is al een webhook met deze naam."]}
    renamed = problem(
        client.patch(
            f"/api/v1/webhooks/{second['id']}", json={"naam": "Zaaksysteem"}, headers=headers
        ),
        422,
    )
    assert renamed["errors"] == {"naam": ["Er is al een webhook met deze naam."]}
    bad_url = problem(
        client.patch(f"/api/v1/webhooks/{second['id']}", json={"url": "nergens"}, headers=headers),
        422,
    )
    assert "url" in bad_url["errors"]
    db.expire_all()
    assert db.get(Webhook, second["id"]).naam == "Ander"
    assert db.scalar(select(func.count()).select_from(Webhook)) == 2


def test_webhooks_are_for_administrators_only(client, db, netwerk):
    w = netwerk.world
    hook = ok(
        client.post("/api/v1/webhooks", json=_webhook_body(), headers=bearer(db, w.beheerder)), 201
    )
    calls = [
        ("GET", "/api/v1/webhooks", None),
        ("POST", "/api/v1/webhooks", {"naam": ""}),  # 403 before the body is judged
        ("GET", f"/api/v1/webhooks/{hook['id']}", None),
        ("GET", "/api/v1/webhooks/999999", None),  # 403 too: nothing to probe
        ("PATCH", f"/api/v1/webhooks/{hook['id']}", {"actief": False}),
        ("DELETE", f"/api/v1/webhooks/{hook['id']}", None),
        ("POST", f"/api/v1/webhooks/{hook['id']}/geheim", None),
        ("GET", "/api/v1/webhooks/afleveringen", None),
        ("POST", "/api/v1/webhooks/afleveringen/opnieuw", {"alle": True}),
    ]
    for user in (w.medewerker, w.archivaris, w.auditor, w.lezer):
        headers = bearer(db, user)
        for method, url, body in calls:
            kwargs = {"json": body} if body is not None else {}
            answer = problem(client.open(url, method=method, headers=headers, **kwargs), 403)
            assert answer["detail"] == "Alleen beheerders beheren webhooks."
            assert hook["geheim"] not in str(answer)
    for method, url, _body in calls:
        problem(client.open(url, method=method), 401)
    db.expire_all()
    assert db.get(Webhook, hook["id"]).actief


@pytest.fixture
def ontvanger():
    server = Receiver().start()
    try:
        yield server
    finally:
        server.stop()


class _Shared:
    """The test's session for the sender, which opens and closes its own sessions."""

    def __init__(self, session):
        self._session = session

    def __getattr__(self, name):
        return getattr(self._session, name)

    def close(self) -> None:
        pass


def test_dead_letters_are_listed_and_replayed(client, db, netwerk, settings, ontvanger):
    w = netwerk.world
    headers = bearer(db, w.beheerder)
    hook = ok(
        client.post("/api/v1/webhooks", json=_webhook_body(url=ontvanger.url), headers=headers), 201
    )
    other = ok(
        client.post(
            "/api/v1/webhooks", json=_webhook_body(naam="Ander", url=ontvanger.url), headers=headers
        ),
        201,
    )
    netwerk.changes(3)  # three events, each for both webhooks
    once = replace(settings, webhook_max_pogingen=1, webhook_timeout_seconds=5)
    ontvanger.status = 500
    sent = webhooks.send_pending(lambda: _Shared(db), once)
    assert sent == {"afgeleverd": 0, "opnieuw": 0, "dood": 6}
    db.expire_all()

    dead = ok(client.get(f"/api/v1/webhooks/afleveringen?webhook={hook['id']}", headers=headers))
    assert dead["count"] == 3 and len(dead["results"]) == 3
    first = dead["results"][0]
    assert (
        first["status"] == "dood" and first["pogingen"] == 1 and first["laatste_http_status"] == 500
    )
    assert first["webhook"] == hook["id"] and first["webhook_naam"] == "Zaaksysteem"
    assert first["gebeurtenis"]["actie"] == soorten.ZAAK_STATUS_GEWIJZIGD
    assert (
        ok(client.get(f"/api/v1/webhooks/{hook['id']}", headers=headers))["afleveringen"]["dood"]
        == 3
    )
    paged = ok(client.get("/api/v1/webhooks/afleveringen?status=dood&page_size=4", headers=headers))
    assert paged["count"] == 6 and len(paged["results"]) == 4 and paged["next"]
    rest = ok(client.get(paged["next"], headers=headers))
    assert len(rest["results"]) == 2 and rest["next"] is None
    assert {r["id"] for r in paged["results"]}.isdisjoint({r["id"] for r in rest["results"]})
    assert (
        ok(client.get("/api/v1/webhooks/afleveringen?status=afgeleverd", headers=headers))["count"]
        == 0
    )
    assert (
        ok(client.get("/api/v1/webhooks/afleveringen?status=alle", headers=headers))["count"] == 6
    )

    # replay one, then the rest of one webhook, then all
    replay = "/api/v1/webhooks/afleveringen/opnieuw"
    assert ok(client.post(replay, json={"ids": [first["id"]]}, headers=headers)) == {"aantal": 1}
    ontvanger.status = 200
    assert webhooks.send_pending(lambda: _Shared(db), once)["afgeleverd"] == 1
    call = ontvanger.calls[-1]
    assert webhooks.verify(
        hook["geheim"],
        call.headers["X-Dossierhuis-Timestamp"],
        call.body,
        call.headers["X-Dossierhuis-Signature"],
    )  # signed with the secret the create answer showed
    assert call.headers["Idempotency-Key"] == first["gebeurtenis"]["kenmerk"]
    db.expire_all()
    assert ok(client.post(replay, json={"webhook": hook["id"]}, headers=headers)) == {"aantal": 2}
    assert ok(client.post(replay, json={"alle": True}, headers=headers)) == {"aantal": 3}
    assert ok(client.post(replay, json={"alle": True}, headers=headers)) == {"aantal": 0}
    db.expire_all()
    states = db.scalars(
        select(WebhookAflevering.status).where(WebhookAflevering.webhook_id == other["id"])
    ).all()
    assert states == ["wachtend"] * 3


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "ids", "Geef precies één van ids, webhook of alle."),
        ({"ids": [1], "alle": True}, "ids", "Geef precies één van ids, webhook of alle."),
        ({"ids": []}, "ids", "Geef 1 tot"),
        ({"ids": ["een"]}, "ids", "Geef een geheel getal."),
        ({"alle": False}, "alle", "Geef true, of laat het veld weg."),
        ({"webhook": 99999}, "webhook", "Webhook 99999 bestaat niet."),
        ({"ids": [99999]}, "ids", "Geen dode aflevering met nummer 99999."),
    ],
)
def test_replay_refuses_bad_input_per_field(client, db, netwerk, body, field, message):
    response = client.post(
        "/api/v1/webhooks/afleveringen/opnieuw",
        json=body,
        headers=bearer(db, netwerk.world.beheerder),
    )
    errors = problem(response, 422)["errors"]
    assert any(message in str(m) for m in errors[field]), errors


def test_dead_letter_list_refuses_bad_queries(client, db, netwerk):
    headers = bearer(db, netwerk.world.beheerder)
    for query, field in (
        ("status=kapot", "status"),
        ("webhook=abc", "webhook"),
        ("page=0", "page"),
    ):
        response = client.get(f"/api/v1/webhooks/afleveringen?{query}", headers=headers)
        assert field in problem(response, 422)["errors"]
    empty = ok(client.get("/api/v1/webhooks/afleveringen?webhook=424242", headers=headers))
    assert empty == {"count": 0, "next": None, "previous": None, "results": []}


# -- signalering van een afdeling ------------------------------------------------------------


def test_department_signal_settings(client, db, netwerk):
    w = netwerk.world
    url = f"/api/v1/afdelingen/{w.afdeling.code.lower()}/signalering"
    medewerker, beheer = bearer(db, w.medewerker), bearer(db, w.beheerder)
    assert ok(client.get(url, headers=medewerker)) == {
        "afdeling": w.afdeling.code,
        "naam": w.afdeling.naam,
        "signalering_actief": False,
        "signaal_contact": "",
    }
    for body in ({"signalering_actief": True, "signaal_contact": "Regie"}, {"x": 1}):
        problem(client.put(url, json=body, headers=medewerker), 403)
    problem(client.put("/api/v1/afdelingen/NIETS/signalering", json={}, headers=medewerker), 403)
    no_contact = problem(client.put(url, json={"signalering_actief": True}, headers=beheer), 422)
    assert list(no_contact["errors"]) == ["signaal_contact"]
    missing = problem(client.put(url, json={"signaal_contact": "Regie"}, headers=beheer), 422)
    assert missing["errors"] == {"signalering_actief": ["Dit veld is verplicht."]}
    too_long = problem(
        client.put(
            url, json={"signalering_actief": True, "signaal_contact": "x" * 301}, headers=beheer
        ),
        422,
    )
    assert "signaal_contact" in too_long["errors"]
    body = {"signalering_actief": True, "signaal_contact": "Regie Veiligheidshuis, 053 123 45 67"}
    changed = ok(client.put(url, json=body, headers=beheer))
    assert changed["signalering_actief"] and changed["signaal_contact"] == body["signaal_contact"]
    assert ok(client.get(url, headers=medewerker)) == changed
    audit = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actie == "afdeling.signalering_gewijzigd",
            AuditEvent.object_id == w.afdeling.code,
        )
    ).all()
    assert len(audit) == 1 and audit[0].na["signalering_actief"] is True
    off = ok(client.put(url, json={"signalering_actief": False}, headers=beheer))
    assert off["signalering_actief"] is False
    problem(client.get("/api/v1/afdelingen/NIETS/signalering", headers=medewerker), 404)
    problem(client.put("/api/v1/afdelingen/NIETS/signalering", json=body, headers=beheer), 404)
    problem(client.get(url), 401)


# -- OpenAPI ---------------------------------------------------------------------------------


def test_openapi_describes_the_notification_api(client):
    from openapi_spec_validator import validate

    spec = ok(client.get("/api/v1/openapi.json"))
    validate(spec)
    expected = {
        "/api/v1/volgen": {"get", "post"},
        "/api/v1/volgen/{volging_id}": {"get", "delete"},
        "/api/v1/inbox": {"get"},
        "/api/v1/inbox/gelezen": {"post"},
        "/api/v1/inbox/{notificatie_id}": {"get"},
        "/api/v1/inbox/{notificatie_id}/gelezen": {"post"},
        "/api/v1/inbox/{notificatie_id}/ongelezen": {"post"},
        "/api/v1/voorkeuren/notificaties": {"get", "put"},
        "/api/v1/webhooks": {"get", "post"},
        "/api/v1/webhooks/{webhook_id}": {"get", "patch", "delete"},
        "/api/v1/webhooks/{webhook_id}/geheim": {"post"},
        "/api/v1/webhooks/afleveringen": {"get"},
        "/api/v1/webhooks/afleveringen/opnieuw": {"post"},
        "/api/v1/afdelingen/{code}/signalering": {"get", "put"},
    }
    paths = spec["paths"]
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
        for method in methods:
            assert "401" in paths[path][method]["responses"], (path, method)
    schemas = spec["components"]["schemas"]
    for name in ("Volging", "VolgenInvoer", "Notificatie", "InboxPagina", "Voorkeur", "Webhook"):
        assert name in schemas, name
    assert "geheim" in schemas["WebhookMetGeheim"]["properties"]
    assert "geheim" not in schemas["Webhook"]["properties"]
    assert "ongelezen" in schemas["InboxPagina"]["properties"]
    assert {"count", "next", "results"} <= set(schemas["InboxPagina"]["properties"])

    def ref(path, method, status):
        content = paths[path][method]["responses"][status]["content"]
        return content["application/json"]["schema"]["$ref"]

    assert ref("/api/v1/webhooks", "post", "201").endswith("/WebhookMetGeheim")
    assert ref("/api/v1/webhooks/{webhook_id}/geheim", "post", "200").endswith("/WebhookMetGeheim")
    assert ref("/api/v1/webhooks/{webhook_id}", "get", "200").endswith("/Webhook")
    assert "403" in paths["/api/v1/webhooks"]["get"]["responses"]
    assert "404" in paths["/api/v1/volgen"]["post"]["responses"]
    tags = {t["name"] for t in spec["tags"]}
    assert {"notificaties", "webhooks", "signalering"} <= tags


# -- fuzzing: any body or query is answered, never with a 500 ---------------------------------

_HINTS = st.sampled_from(
    ["zaak", "persoon", "afdeling", "direct", "dagelijks", BSN, ANDER_BSN, "ZAAK-0001"]
    + ["https://x.example/hook", "http://127.0.0.1:9/", soorten.DOCUMENT_TOEGEVOEGD]
)
_VALUES = st.one_of(JSON_VALUES, _HINTS, st.integers(min_value=-(2**70), max_value=2**70))


def _bodies(fields: list[str]):
    return st.one_of(
        st.dictionaries(st.sampled_from(fields), _VALUES, max_size=len(fields)), JSON_VALUES
    )


@pytest.fixture
def fuzz_api(client, db, netwerk):
    return client, bearer(db, netwerk.world.medewerker), bearer(db, netwerk.world.beheerder)


@FUZZ
@given(body=_bodies(["soort", "zaak", "persoon", "bsn", "afdeling"]))
def test_fuzz_volgen_post(fuzz_api, body):
    client, headers, _beheer = fuzz_api
    _assert_answer(client.post("/api/v1/volgen", json=body, headers=headers))


@FUZZ
@given(body=_bodies(["email", "digest_uur"]))
def test_fuzz_voorkeuren_put(fuzz_api, body):
    client, headers, _beheer = fuzz_api
    _assert_answer(client.put("/api/v1/voorkeuren/notificaties", json=body, headers=headers))


@FUZZ
@given(
    body=_bodies(["naam", "url", "soorten", "afdelingen", "actief"]),
    replay=_bodies(["ids", "webhook", "alle"]),
)
def test_fuzz_webhook_bodies(fuzz_api, body, replay):
    client, _headers, beheer = fuzz_api
    _assert_answer(client.post("/api/v1/webhooks", json=body, headers=beheer))
    _assert_answer(
        client.post("/api/v1/webhooks/afleveringen/opnieuw", json=replay, headers=beheer)
    )


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["page", "page_size", "ongelezen", "soort", "status", "webhook", "x"]),
        QUERY_TEXT,
        max_size=4,
    ),
    path=st.sampled_from(["/api/v1/inbox", "/api/v1/volgen", "/api/v1/webhooks/afleveringen"]),
)
def test_fuzz_list_queries(fuzz_api, query, path):
    client, headers, beheer = fuzz_api
    who = beheer if "webhooks" in path else headers
    _assert_answer(client.get(path, query_string=query, headers=who))
