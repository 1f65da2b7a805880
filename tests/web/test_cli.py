"""The ``dossierhuis`` command line, run in-process against a database of its own.

CLI commands open their own connections and commit, so these tests cannot use the rolled-back
``db`` session: each gets ``isolated_database`` (migrated here) and a data dir in tmp_path.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from archive import users
from archive.blobstore import BlobStore
from archive.db import make_engine, make_session_factory, transaction
from archive.migrate import upgrade
from archive.models import Document, DocumentVersie, User, Zaak
from tests import corpus, factories
from web.cli import PASSWORD_FILE, main


@dataclass
class Cli:
    runner: CliRunner
    engine: Engine
    data_dir: Path

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(main, list(args), input=input, catch_exceptions=False)

    def session(self):
        return transaction(make_session_factory(self.engine))

    @property
    def store(self) -> BlobStore:
        return BlobStore(self.data_dir / "blobs")


@pytest.fixture
def cli(isolated_database, tmp_path, monkeypatch) -> Iterator[Cli]:
    data_dir = tmp_path / "var"
    monkeypatch.setenv("DOSSIERHUIS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DATABASE_URL", isolated_database)
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret")
    monkeypatch.setenv("MAX_UPLOAD_MB", "5")
    engine = make_engine(isolated_database)
    upgrade(engine)
    try:
        yield Cli(CliRunner(), engine, data_dir)
    finally:
        engine.dispose()


@dataclass
class Dossier:
    zaak: str
    username: str
    iot: str


@pytest.fixture
def dossier(cli) -> Dossier:
    """A committed user, catalogue and open zaak to file into."""
    with cli.session() as s:
        medewerker = factories.make_user(s, username="sanne")
        afdeling = factories.make_afdeling(s)
        zaaktype = factories.make_zaaktype(s)
        iot = factories.make_iot(s, omschrijving="Brief")
        factories.make_member(s, afdeling, medewerker)
        zaak = factories.make_zaak(s, medewerker, zaaktype=zaaktype, afdeling=afdeling)
        return Dossier(zaak=zaak.identificatie, username="sanne", iot=iot.omschrijving)


def _no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output


# -- --help -----------------------------------------------------------------------------------


def _walk(command: click.Command, path: list[str]) -> Iterator[list[str]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, [*path, name])


def test_every_command_has_help():
    runner = CliRunner()
    paths = list(_walk(main, []))
    assert len(paths) >= 14
    for path in paths:
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        # a docstring, not just the usage line
        assert len(result.output.splitlines()) > 3, path


# -- init -------------------------------------------------------------------------------------


def test_init_demo_creates_demo_once_with_private_password_file(cli):
    result = cli("init", "--demo")
    assert result.exit_code == 0, result.output
    password_file = cli.data_dir / PASSWORD_FILE
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    lines = [line for line in password_file.read_text().splitlines() if not line.startswith("#")]
    passwords = dict(line.split(": ", 1) for line in lines)
    assert {"beheerder", "medewerker", "archivaris", "auditor"} <= set(passwords)
    for username, password in passwords.items():
        assert password in result.output  # printed once, for the person running init
        with cli.session() as s:
            assert users.authenticate(s, username, password) is not None
    with cli.session() as s:
        n_users = s.scalar(select(func.count(User.id)))
        n_zaken = s.scalar(select(func.count(Zaak.id)))
    assert n_zaken >= 4

    before = password_file.read_text()
    again = cli("init", "--demo")
    assert again.exit_code == 0, again.output
    assert "al gebruikers" in again.output
    assert password_file.read_text() == before
    with cli.session() as s:
        assert s.scalar(select(func.count(User.id))) == n_users
        assert s.scalar(select(func.count(Zaak.id))) == n_zaken


def test_init_without_demo_only_migrates(cli):
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert not (cli.data_dir / PASSWORD_FILE).exists()
    with cli.session() as s:
        assert s.scalar(select(func.count(User.id))) == 0


def test_db_upgrade_and_current(cli):
    assert cli("db", "upgrade").exit_code == 0
    current = cli("db", "current")
    assert current.exit_code == 0
    assert "achter" not in current.output


# -- users ------------------------------------------------------------------------------------


def test_user_create_list_and_set_password(cli):
    created = cli(
        "user", "create", "Jdevries", "--naam", "Jan de Vries",
        "--role", "medewerker", "--role", "archivaris",
        "--password", "een-lang-wachtwoord",
    )  # fmt: skip
    assert created.exit_code == 0, created.output

    listed = cli("user", "list")
    assert listed.exit_code == 0
    assert "jdevries" in listed.output
    assert "archivaris, medewerker" in listed.output
    assert "Jan de Vries" in listed.output

    weak = cli("user", "set-password", "jdevries", "--password", "kort")
    assert weak.exit_code == 1
    assert "minstens 12 tekens" in weak.output
    _no_traceback(weak)

    changed = cli(
        "user", "set-password", "jdevries", "--password-stdin", input="nieuw-en-lang-genoeg\n"
    )
    assert changed.exit_code == 0, changed.output
    with cli.session() as s:
        assert users.authenticate(s, "jdevries", "nieuw-en-lang-genoeg") is not None
        assert users.authenticate(s, "jdevries", "een-lang-wachtwoord") is None


def test_user_create_asks_for_the_password_twice(cli):
    result = cli(
        "user", "create", "piet", "--naam", "Piet", "--role", "auditor",
        input="geheim-wachtwoord-1\ngeheim-wachtwoord-1\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "geheim-wachtwoord-1" not in result.output


def test_user_create_refusals_are_messages_not_tracebacks(cli):
    args = ["user", "create", "anna", "--naam", "Anna", "--role", "medewerker"]
    assert cli(*args, "--password", "lang-genoeg-wachtwoord").exit_code == 0
    duplicate = cli(*args, "--password", "lang-genoeg-wachtwoord")
    assert duplicate.exit_code == 1
    assert "bestaat al" in duplicate.output
    _no_traceback(duplicate)
    weak = cli(
        "user", "create", "bert", "--naam", "Bert", "--role", "medewerker", "--password", "x"
    )
    assert weak.exit_code == 1
    assert "minstens 12 tekens" in weak.output
    unknown = cli("user", "set-password", "niemand", "--password", "lang-genoeg-wachtwoord")
    assert unknown.exit_code == 1
    assert "bestaat niet" in unknown.output


# -- tokens -----------------------------------------------------------------------------------


def test_token_create_list_and_revoke(cli, dossier):
    created = cli("token", "create", "sanne", "--naam", "koppeling", "--expires", "2099-12-31")
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    assert secret.startswith(users.TOKEN_PREFIX)
    with cli.session() as s:
        assert users.user_for_token(s, secret).username == "sanne"

    listed = cli("token", "list", "sanne")
    assert listed.exit_code == 0
    assert "koppeling" in listed.output
    assert "2100-01-01" in listed.output
    assert secret not in listed.output
    token_id = listed.output.splitlines()[1].split()[0]

    revoked = cli("token", "revoke", token_id)
    assert revoked.exit_code == 0, revoked.output
    with cli.session() as s:
        assert users.user_for_token(s, secret) is None

    unknown = cli("token", "revoke", "999999")
    assert unknown.exit_code == 1
    assert "bestaat niet" in unknown.output


def test_token_refusals(cli, dossier):
    past = cli("token", "create", "sanne", "--naam", "oud", "--expires", "2001-01-01")
    assert past.exit_code == 1
    assert "verleden" in past.output
    bad_date = cli("token", "create", "sanne", "--naam", "x", "--expires", "31-12-2099")
    assert bad_date.exit_code == 2
    assert "JJJJ-MM-DD" in bad_date.output


# -- file -------------------------------------------------------------------------------------


def test_file_stores_the_good_file_and_reports_the_refused_one(cli, dossier, tmp_path):
    good = corpus.normal_pdf(tmp_path / "besluit.pdf", text="Besluit op bezwaar")
    fake = corpus.png(tmp_path / "nep.png").rename(tmp_path / "nep.pdf")
    result = cli(
        "file", "--zaak", dossier.zaak, "--as", dossier.username, "--type", dossier.iot,
        "--richting", "uitgaand", str(good), str(fake),
    )  # fmt: skip
    assert result.exit_code == 1
    _no_traceback(result)
    lines = result.output.splitlines()
    assert any(line.startswith("OK") and "besluit.pdf" in line for line in lines)
    refused = [line for line in lines if line.startswith("GEWEIGERD")]
    assert len(refused) == 1 and "nep.pdf" in refused[0]
    assert "PNG" in result.output  # says what the file really is

    with cli.session() as s:
        zaak = s.scalar(select(Zaak).where(Zaak.identificatie == dossier.zaak))
        documents = [link.document for link in zaak.document_links]
        assert [d.richting for d in documents] == ["uitgaand"]
        versie = documents[0].versies[0]
        assert versie.bestandsnaam == "besluit.pdf"
        assert cli.store.exists(versie.sha256)
    assert len(list(cli.store.iter_hashes())) == 1  # nothing of the refused file stays


def test_file_with_unknown_zaak_fails_once(cli, dossier, tmp_path):
    pdf = corpus.normal_pdf(tmp_path / "a.pdf")
    result = cli(
        "file", "--zaak", "ZAAK-1900-0000000000", "--as", "sanne", "--type", "Brief", str(pdf)
    )
    assert result.exit_code == 1
    assert "bestaat niet" in result.output
    _no_traceback(result)


# -- fixity -----------------------------------------------------------------------------------


@pytest.fixture
def filed(cli, dossier, tmp_path) -> str:
    pdf = corpus.normal_pdf(tmp_path / "rapport.pdf", text="Rapportage")
    result = cli("file", "--zaak", dossier.zaak, "--as", "sanne", "--type", "Brief", str(pdf))
    assert result.exit_code == 0, result.output
    with cli.session() as s:
        return s.scalar(select(DocumentVersie.sha256))


def test_fixity_clean_run(cli, filed):
    result = cli("fixity")
    assert result.exit_code == 0, result.output
    assert "1 bestand(en) gecontroleerd" in result.output


def test_fixity_names_a_damaged_blob(cli, filed):
    path = cli.store.path(filed)
    os.chmod(path, 0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    result = cli("fixity")
    assert result.exit_code == 1
    assert f"BESCHADIGD {filed}" in result.output
    with cli.session() as s:
        identificatie = s.scalar(select(Document.identificatie))
    assert identificatie in result.output


def test_fixity_names_a_missing_blob(cli, filed):
    cli.store.delete(filed)
    result = cli("fixity")
    assert result.exit_code == 1
    assert f"ONTBREEKT  {filed}" in result.output


def test_fixity_orphans_removes_only_unreferenced_old_blobs(cli, filed):
    orphan, _size = cli.store.put_bytes(b"achtergebleven na een crash")
    young = cli("fixity", "--orphans")
    assert young.exit_code == 0, young.output
    assert "0 onbereikbaar" in young.output
    assert cli.store.exists(orphan)  # may belong to a filing still in flight

    result = cli("fixity", "--orphans", "--min-age", "0")
    assert result.exit_code == 0, result.output
    assert "1 onbereikbaar bestand(en) verwijderd" in result.output
    assert not cli.store.exists(orphan)
    assert cli.store.exists(filed)


def test_audit_verify_passes_then_detects_tampering(cli, dossier):
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    with cli.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        conn.exec_driver_sql(
            "UPDATE audit_event SET object_id = 'ZAAK-0000-0000000000' "
            "WHERE actie = 'zaak.aangemaakt'"
        )
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "is gewijzigd na het vastleggen" in result.output
    _no_traceback(result)


def test_catalogus_export_import_round_trip(cli, dossier, tmp_path):
    out = tmp_path / "catalogus.json"
    result = cli("catalogus", "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["formaat"] == "dossierhuis-catalogus" and doc["zaaktypen"]
    # importing the same catalogue again clashes with every object, and says where
    again = cli("catalogus", "import", str(out))
    assert again.exit_code == 1
    assert "zaaktypen[0]" in again.output
    _no_traceback(again)
    broken = tmp_path / "kapot.json"
    broken.write_text('{"formaat": "dossierhuis-catalogus", "versie": 1, "zaaktypen": [{}]}')
    result = cli("catalogus", "import", "--controleer", str(broken))
    assert result.exit_code == 1 and "zaaktypen[0]" in result.output
    garbage = tmp_path / "geen.json"
    garbage.write_text("dit is geen json")
    result = cli("catalogus", "import", str(garbage))
    assert result.exit_code == 1
    _no_traceback(result)


def test_afdeling_create_from_template_list_and_close(cli, dossier, tmp_path):
    result = cli("afdeling", "templates")
    assert "vluchtelingenopvang" in result.output
    result = cli(
        "afdeling",
        "create",
        "--template",
        "vluchtelingenopvang",
        "--code",
        "VLOP26",
        "--naam",
        "Vluchtelingenopvang 2026",
        "--einde",
        "2027-06-30",
        "--besluit",
        "B&W 2026/123",
        "--lid",
        f"{dossier.username}:regie:geheim",
    )
    assert result.exit_code == 0, result.output
    assert "VLOP26-" in result.output
    listing = cli("afdeling", "list")
    assert "VLOP26" in listing.output and "actief" in listing.output
    result = cli("afdeling", "close", "VLOP26", "--rapport", str(tmp_path / "rapport"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rapport" / "sluitingsrapport-vlop26.pdf").read_bytes()[:4] == b"%PDF"
    assert "identificatie" in (tmp_path / "rapport" / "sluitingsrapport-vlop26.csv").read_text()
    assert "gesloten" in cli("afdeling", "list").output


def test_afdeling_close_refused_while_zaken_are_open(cli, dossier):
    with cli.session() as s:
        code = s.scalar(select(Zaak).where(Zaak.identificatie == dossier.zaak)).afdeling.code
    result = cli("afdeling", "close", code)
    assert result.exit_code == 1
    assert "open zaak" in result.output
    _no_traceback(result)


def test_afdeling_create_refusals(cli, dossier):
    result = cli("afdeling", "create", "--code", "X", "--naam", "X", "--virtueel")
    assert result.exit_code == 1  # a virtual department needs a planned end
    assert "geplande_einddatum" in result.output
    result = cli("afdeling", "create", "--code", "Y", "--naam", "Y", "--einde", "31-12-2026")
    assert result.exit_code == 2 and "JJJJ-MM-DD" in result.output
    result = cli("afdeling", "create", "--code", "Z", "--naam", "Z", "--template", "bestaatniet")
    assert result.exit_code == 1
    _no_traceback(result)
