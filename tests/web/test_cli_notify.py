"""`dossierhuis notify …`: the worker (one round, and a clean stop on SIGTERM), the dead
letters and their replay, and webhook administration — against a committed database and a
real HTTP receiver on loopback."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from archive import users, zaken
from archive.models import Notificatie, User, WebhookAflevering
from archive.notificaties import volgen, webhooks
from tests import factories
from tests.archive.notificaties.conftest import Receiver, dossierhuis, worker_env
from tests.web.test_cli import cli as cli  # noqa: F401 (fixture)

GEHEIM = ("Jantje", "Verschuuren", "111222333", "Overlast Kerkstraat")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def opzet(cli, receiver, monkeypatch):  # noqa: F811
    """A follower, a webhook to the receiver (made as the CLI would, with its SECRET_KEY)
    and two pending events: a zaak about a person, and its status."""
    from archive.config import Settings

    monkeypatch.setenv("NOTIFY_WEBHOOK_MAX_POGINGEN", "2")
    monkeypatch.setenv("NOTIFY_WEBHOOK_BACKOFF_SECONDS", "0")
    with cli.session() as s:
        world = factories.World.build(s)
        volger = factories.make_user(s, username="volger")
        factories.make_member(s, world.afdeling, volger)
        volgen.follow(s, volger, "afdeling", world.afdeling.code)
        webhooks.create_webhook(
            s, s.get(User, world.beheerder.id), Settings.from_env(), naam="Ontvanger",
            url=receiver.url,
        )  # fmt: skip
        zaak = factories.make_zaak(
            s, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling,
            omschrijving="Overlast Kerkstraat",
        )  # fmt: skip
        zaken.add_betrokkene(
            s, world.medewerker, zaak,
            zaken.BetrokkeneGegevens(
                type="natuurlijk_persoon", bsn="111222333", voornamen="Jantje",
                geslachtsnaam="Verschuuren",
            ),
            rol="belanghebbende",
        )  # fmt: skip
        return {
            "beheerder": world.beheerder.username,
            "medewerker": world.medewerker.username,
            "zaak": zaak.identificatie,
        }


def ok(result):
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def refused(result, text: str, code: int = 1):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert text in result.output, result.output


def test_worker_once_delivers_and_says_what_it_did(cli, opzet, receiver):  # noqa: F811
    out = ok(cli("notify", "worker", "--once"))
    assert "2 gebeurtenis(sen) bezorgd" in out
    assert "Webhooks: 2 afgeleverd, 0 later opnieuw, 0 dood." in out
    assert len(receiver.calls) == 2
    with cli.session() as s:
        assert s.scalar(select(func.count()).select_from(Notificatie)) == 2  # the follower's
    out = ok(cli("notify", "worker", "--once"))
    assert "0 gebeurtenis(sen) bezorgd" in out and "Webhooks: 0 afgeleverd" in out


def test_dead_letters_are_listed_and_replayed(cli, opzet, receiver):  # noqa: F811
    u = opzet
    receiver.status = 500
    ok(cli("notify", "worker", "--once"))
    out = ok(cli("notify", "worker", "--once"))  # second and last attempt (max 2)
    assert "Webhooks: 0 afgeleverd, 0 later opnieuw, 2 dood." in out
    listed = json.loads(ok(cli("notify", "dead-letters", "--as", u["beheerder"], "--json")))
    assert listed["count"] == 2
    with cli.session() as s:
        rows = {r.id: r for r in s.scalars(select(WebhookAflevering))}
        kenmerken = {r.id: r.gebeurtenis.kenmerk for r in rows.values()}
    for entry in listed["results"]:
        assert entry["webhook"] == "Ontvanger"
        assert entry["kenmerk"] == kenmerken[entry["id"]]
        assert (entry["pogingen"], entry["laatste_http_status"]) == (2, 500)
        assert entry["laatste_fout"] == "HTTP 500"
        assert entry["soort"] in ("zaak.aangemaakt", "zaak.betrokkene_toegevoegd")
        assert entry["aangemaakt_op"] and entry["laatste_poging_op"]
    text = ok(cli("notify", "dead-letters", "--as", u["beheerder"]))
    assert "2 dode aflevering(en)" in text
    for word in GEHEIM:
        assert word not in text and word not in json.dumps(listed)
    by_hook = ok(cli("notify", "dead-letters", "--as", u["beheerder"], "--webhook", "Ontvanger"))
    assert "2 dode aflevering(en)" in by_hook
    one = json.loads(
        ok(cli("notify", "dead-letters", "--as", u["beheerder"], "--limit", "1", "--json"))
    )
    assert one["count"] == 1

    receiver.status = 200
    first = min(rows)
    out = ok(cli("notify", "replay", "--as", u["beheerder"], "--id", str(first)))
    assert "1 aflevering(en) opnieuw aangeboden" in out
    assert "Webhooks: 1 afgeleverd" in ok(cli("notify", "worker", "--once"))
    assert receiver.calls[-1].kenmerk == kenmerken[first]
    out = ok(cli("notify", "replay", "--as", u["beheerder"], "--webhook", "Ontvanger"))
    assert "1 aflevering(en) opnieuw aangeboden" in out
    assert "Webhooks: 1 afgeleverd" in ok(cli("notify", "worker", "--once"))
    assert "Geen dode afleveringen." in ok(cli("notify", "dead-letters", "--as", u["beheerder"]))
    assert "0 aflevering(en)" in ok(cli("notify", "replay", "--as", u["beheerder"], "--all"))
    assert set(receiver.kenmerken) == set(kenmerken.values())


def test_replay_refusals_are_clear(cli, opzet, receiver):  # noqa: F811
    u = opzet
    ok(cli("notify", "worker", "--once"))  # delivered: nothing is dead
    refused(cli("notify", "replay", "--as", u["beheerder"]), "precies één", code=2)
    refused(
        cli("notify", "replay", "--as", u["beheerder"], "--id", "1", "--all"), "precies één", code=2
    )
    refused(cli("notify", "replay", "--as", u["beheerder"], "--id", "1"), "Geen dode aflevering")
    refused(cli("notify", "replay", "--as", u["beheerder"], "--webhook", "Nee"), "bestaat niet")
    refused(cli("notify", "replay", "--as", u["medewerker"], "--all"), "Alleen beheerders")
    refused(cli("notify", "dead-letters", "--as", u["medewerker"]), "Alleen beheerders")
    refused(cli("notify", "dead-letters", "--as", "niemand"), "bestaat niet")
    refused(cli("notify", "replay", "--all"), "--as", code=2)


def test_webhook_create_shows_the_secret_once_list_and_delete(cli, opzet, receiver):  # noqa: F811
    u = opzet
    out = ok(
        cli(
            "notify", "webhook", "create", "--as", u["beheerder"], "--naam", "Zaaksysteem",
            "--url", receiver.url + "?nieuw", "--soort", "zaak.status_gewijzigd",
        )
    )  # fmt: skip
    geheim = out.split("Geheim (wordt niet opnieuw getoond): ", 1)[1].strip()
    listed = ok(cli("notify", "webhook", "list", "--as", u["beheerder"]))
    assert "Zaaksysteem" in listed and "zaak.status_gewijzigd" in listed and geheim not in listed
    as_json = json.loads(ok(cli("notify", "webhook", "list", "--as", u["beheerder"], "--json")))
    assert [h["naam"] for h in as_json] == ["Ontvanger", "Zaaksysteem"]
    assert geheim not in json.dumps(as_json)
    # the printed secret verifies what the new webhook receives
    with cli.session() as s:
        medewerker = users.get_user(s, u["medewerker"])
        zaak = zaken.get_zaak(s, medewerker, u["zaak"])
        statustype = zaak.zaaktype.statustypen[1]
        zaken.set_status(s, medewerker, zaak, statustype_id=statustype.id)
    ok(cli("notify", "worker", "--once"))
    [call] = [c for c in receiver.calls if c.path.endswith("?nieuw")]
    h = call.headers
    ts, sig = h["X-Dossierhuis-Timestamp"], h["X-Dossierhuis-Signature"]
    assert webhooks.verify(geheim, ts, call.body, sig)

    refused(
        cli(
            "notify", "webhook", "create", "--as", u["beheerder"], "--naam", "Zaaksysteem",
            "--url", "ftp://x", "--soort", "zaak.gestolen",
        ),
        "url: Geef een volledige http- of https-URL",
    )  # fmt: skip
    refused(
        cli(
            "notify", "webhook", "create", "--as", u["medewerker"], "--naam", "X",
            "--url", receiver.url,
        ),
        "Alleen beheerders",
    )  # fmt: skip
    assert "Webhook 'Zaaksysteem' verwijderd." in ok(
        cli("notify", "webhook", "delete", "Zaaksysteem", "--as", u["beheerder"])
    )
    refused(
        cli("notify", "webhook", "delete", "Zaaksysteem", "--as", u["beheerder"]), "bestaat niet"
    )
    left = json.loads(ok(cli("notify", "webhook", "list", "--as", u["beheerder"], "--json")))
    assert [h["naam"] for h in left] == ["Ontvanger"]


def test_every_notify_command_explains_itself(cli):  # noqa: F811
    for path in (
        ["notify"],
        ["notify", "worker"],
        ["notify", "dead-letters"],
        ["notify", "replay"],
        ["notify", "webhook"],
        ["notify", "webhook", "create"],
        ["notify", "webhook", "list"],
        ["notify", "webhook", "delete"],
    ):
        out = ok(cli(*path, "--help"))
        assert "Usage:" in out and len(out.splitlines()) > 4, path


def test_the_worker_stops_cleanly_on_sigterm(isolated_database, tmp_path):
    process = subprocess.Popen(
        [*dossierhuis(), "notify", "worker", "--poll", "30"],
        env=worker_env(isolated_database, tmp_path / "var"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first = process.stdout.readline()
        assert "Notificatieworker gestart" in first, first
        process.terminate()  # SIGTERM, mid-pause of 30 s: it does not wait that out
        output = process.communicate(timeout=20)[0]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "Notificatieworker gestopt." in output
    assert "Traceback" not in output
