"""The ``dossierhuis`` command: a thin adapter over the services, like the web UI and the API.

Every command reads its settings from the environment, opens one transaction at its own
boundary (``archive.db.transaction``) and calls services; the services hold the rules. A
refusal (``DomainError``) is printed as its message with a non-zero exit code, never as a
traceback.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import click
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from archive.config import Settings
from archive.db import make_engine, make_session_factory, transaction
from archive.enums import Gebruikersrol, Richting, Vertrouwelijkheid
from archive.errors import DomainError

PASSWORD_FILE = "demo-wachtwoorden.txt"


# -- plumbing -------------------------------------------------------------------------------


class Context:
    """Settings, engine and session factory, created on first use and shared per command."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._engine: Engine | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    def store(self):
        from archive.blobstore import BlobStore

        return BlobStore(self.settings.blob_dir)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _describe(error: DomainError) -> str:
    lines = [error.message]
    for field, messages in error.field_errors().items():
        for message in messages:
            if message != error.message:
                lines.append(f"  {field}: {message}")
    return "\n".join(lines)


class DossierGroup(click.Group):
    """Turns refusals and database trouble into a clear message and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(_describe(error)) from None
        except sa_exc.DBAPIError as error:
            detail = str(getattr(error, "orig", error)).strip().splitlines()[0]
            raise click.ClickException(
                f"De database gaf een fout: {detail}\n"
                "Controleer DATABASE_URL en werk de database bij met 'dossierhuis db upgrade'."
            ) from None


pass_ctx = click.make_pass_decorator(Context)


def with_context(fn: Callable) -> Callable:
    """Hand the command the shared Context and dispose of the engine afterwards."""

    @pass_ctx
    @functools.wraps(fn)
    def wrapper(ctx: Context, *args, **kwargs):
        try:
            return fn(ctx, *args, **kwargs)
        finally:
            ctx.close()

    return wrapper


@click.group(cls=DossierGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(click_ctx: click.Context) -> None:
    """Dossierhuis: zaakgericht archief voor gemeenten en hun zorg- en veiligheidsnetwerken.

    Instellingen komen uit de omgeving: DOSSIERHUIS_DATA_DIR (standaard ./var),
    DATABASE_URL (standaard SQLite in de datamap), SECRET_KEY, MAX_UPLOAD_MB,
    SEARCH_BACKEND, SEARCH_INDEX_DIR, SEARCH_WORKER en SEARCH_OTHER_DEPARTMENTS.
    """
    click_ctx.obj = Context()


# -- init / serve / db ----------------------------------------------------------------------


def _write_passwords(path: Path, passwords: dict[str, str]) -> None:
    """Readable by the owner only; rewritten as a whole if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# Dossierhuis demo-accounts (gebruikersnaam: wachtwoord)\n")
        for username, password in passwords.items():
            fh.write(f"{username}: {password}\n")


@main.command()
@click.option("--demo", is_flag=True, help="Maak demogegevens aan als er nog geen gebruikers zijn.")
@with_context
def init(ctx: Context, demo: bool) -> None:
    """Maak de datamap en de database klaar.

    Met --demo ook demogegevens, als er nog geen gebruikers zijn.
    Veilig om vaker te draaien: bestaande gegevens blijven staan.
    """
    from archive.migrate import upgrade
    from archive.models import User

    settings = ctx.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    click.echo(f"Datamap: {settings.data_dir}")
    upgrade(ctx.engine)
    click.echo("Database bijgewerkt naar de nieuwste versie.")
    if not demo:
        return
    from archive.demo import create_demo

    password_file = settings.data_dir / PASSWORD_FILE
    with transaction(ctx.sessions) as session:
        if session.scalar(select(func.count(User.id))):
            click.echo(
                "Er zijn al gebruikers; er worden geen demogegevens aangemaakt. "
                f"De demo-wachtwoorden staan (als de demo hier is gemaakt) in {password_file}."
            )
            return
        click.echo("Demogegevens aanmaken…")
        passwords = create_demo(session, ctx.store(), max_bytes=settings.max_upload_bytes)
        # Written before the commit: if this fails, no accounts exist whose password is lost.
        _write_passwords(password_file, passwords)
    click.echo(f"Demo aangemaakt. Accounts (ook opgeslagen in {password_file}, alleen voor u):")
    for username, password in passwords.items():
        click.echo(f"  {username:<12} {password}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres om op te luisteren.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--reuse-port",
    is_flag=True,
    help="Deel de poort met andere 'serve'-processen op deze machine (SO_REUSEPORT): de "
    "kernel verdeelt de verbindingen. Start er zo één per processorkern.",
)
@with_context
def serve(ctx: Context, host: str, port: int, threads: int, reuse_port: bool) -> None:
    """Start de webserver.

    Waitress: een productiewaardige WSGI-server; zet er TLS (een reverse proxy) voor.
    Met SEARCH_WORKER=in-process (standaard) draait de indexworker in dit proces; eerst
    wordt een ontbrekende of beschadigde zoekindex opnieuw opgebouwd. Met
    NOTIFY_WORKER=in-process (standaard) bezorgt dit proces ook de notificaties.
    """
    import waitress

    from web.app import (
        create_app,
        start_notify_worker,
        start_search_worker,
        stop_notify_worker,
        stop_search_worker,
    )

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(ctx.settings)
    # bound before any worker starts: a port in use stops here with nothing to clean up
    listen = (
        {"sockets": [_shared_socket(host, port)]} if reuse_port else {"host": host, "port": port}
    )
    if ctx.settings.notify_worker == "in-process":
        start_notify_worker(app)
    else:
        click.echo(
            "NOTIFY_WORKER=extern: start 'dossierhuis notify worker' apart voor notificaties."
        )
    if ctx.settings.search_worker == "in-process":
        # checks the index first: a missing or corrupt one is rebuilt (with a log line)
        start_search_worker(app)
    else:
        click.echo(
            "SEARCH_WORKER=extern: start 'dossierhuis index worker' apart voor de zoekindex."
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Dossierhuis draait op http://{shown}:{port} (stoppen met Ctrl+C)")
    try:
        waitress.serve(app, threads=threads, ident="Dossierhuis", **listen)
    finally:
        stop_notify_worker(app)
        stop_search_worker(app)
        engine = app.extensions.get("dossierhuis.engine")
        if engine is not None:
            engine.dispose()  # close the pool's connections now, not at some later GC


def _shared_socket(host: str, port: int) -> socket.socket:
    """A listening socket other processes may bind too: one Python process runs one core
    (the GIL), so a machine's cores are used by one server process each on one port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"Kan niet luisteren op {host}:{port}: {exc.strerror}.") from exc
    sock.listen(1024)
    return sock


@main.group()
def db() -> None:
    """Databaseschema (Alembic-migraties)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Doelversie.")
@with_context
def db_upgrade(ctx: Context, revision: str) -> None:
    """Werk de database bij naar de nieuwste (of de gegeven) versie."""
    from archive.migrate import upgrade

    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(ctx.engine, revision)
    click.echo(f"Database bijgewerkt ({revision}).")


@db.command("current")
@with_context
def db_current(ctx: Context) -> None:
    """Toon de huidige en de nieuwste schemaversie."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from archive.migrate import alembic_config

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    with ctx.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    click.echo(f"Huidig:  {', '.join(current) or '(leeg)'}")
    click.echo(f"Nieuwst: {', '.join(heads)}")
    if set(current) != set(heads):
        click.echo("De database loopt achter: draai 'dossierhuis db upgrade'.")


# -- users and tokens -----------------------------------------------------------------------


def _read_password(password: str | None, from_stdin: bool) -> str:
    if password is not None and from_stdin:
        raise click.UsageError("Gebruik --password of --password-stdin, niet allebei.")
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise click.UsageError("Geen wachtwoord op standaardinvoer.")
        return line.rstrip("\r\n")
    if password is not None:
        return password
    return click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)


_password_options = [
    click.option(
        "--password",
        help="Het wachtwoord (zichtbaar in de proceslijst; liever --password-stdin of de vraag).",
    ),
    click.option(
        "--password-stdin", is_flag=True, help="Lees het wachtwoord als één regel van stdin."
    ),
]


def password_options(fn: Callable) -> Callable:
    for option in reversed(_password_options):
        fn = option(fn)
    return fn


@main.group()
def user() -> None:
    """Gebruikers beheren."""


@user.command("create")
@click.argument("username")
@click.option("--naam", required=True, help="Volledige naam.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Gebruikersrol]),
    help="Rol; herhaal de optie voor meer rollen.",
)
@click.option("--email", default=None, help="E-mailadres (optioneel).")
@password_options
@with_context
def user_create(
    ctx: Context,
    username: str,
    naam: str,
    roles: tuple[str, ...],
    email: str | None,
    password: str | None,
    password_stdin: bool,
) -> None:
    """Maak een gebruiker aan (wachtwoord minstens 12 tekens)."""
    from archive import users

    secret = _read_password(password, password_stdin)
    with transaction(ctx.sessions) as session:
        created = users.create_user(
            session,
            None,
            username=username,
            naam=naam,
            password=secret,
            roles=list(roles),
            email=email,
        )
        click.echo(f"Gebruiker '{created.username}' aangemaakt ({', '.join(created.roles)}).")


@user.command("list")
@with_context
def user_list(ctx: Context) -> None:
    """Toon alle gebruikers met hun rollen."""
    from archive import users

    with transaction(ctx.sessions) as session:
        rows = users.list_users(session)
        if not rows:
            click.echo("Er zijn nog geen gebruikers.")
            return
        click.echo(f"{'GEBRUIKERSNAAM':<20} {'ACTIEF':<7} {'ROLLEN':<28} NAAM")
        for u in rows:
            actief = "ja" if u.active else "nee"
            click.echo(f"{u.username:<20} {actief:<7} {', '.join(u.roles or []):<28} {u.naam}")


@user.command("set-password")
@click.argument("username")
@password_options
@with_context
def user_set_password(
    ctx: Context, username: str, password: str | None, password_stdin: bool
) -> None:
    """Geef een gebruiker een nieuw wachtwoord."""
    from archive import users

    secret = _read_password(password, password_stdin)
    with transaction(ctx.sessions) as session:
        found = users.get_user(session, username)
        users.set_password(session, None, found, secret)
        click.echo(f"Wachtwoord van '{found.username}' gewijzigd.")


@main.group()
def token() -> None:
    """API-tokens beheren (voor Authorization: Bearer …)."""


def _expiry(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter("Gebruik JJJJ-MM-DD, bijvoorbeeld 2027-01-31.") from None
    # Valid up to and including that day (UTC).
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


@token.command("create")
@click.argument("username")
@click.option(
    "--naam", required=True, help="Waarvoor het token dient, bijvoorbeeld 'koppeling DMS'."
)
@click.option("--expires", default=None, help="Laatste geldige dag, JJJJ-MM-DD (UTC).")
@with_context
def token_create(ctx: Context, username: str, naam: str, expires: str | None) -> None:
    """Maak een API-token; het geheim wordt één keer getoond en nergens bewaard."""
    from archive import users

    verloopt_op = _expiry(expires)
    with transaction(ctx.sessions) as session:
        owner = users.get_user(session, username)
        created, secret = users.create_token(session, None, owner, naam, verloopt_op)
        token_id = created.id
    click.echo(f"Token {token_id} aangemaakt voor '{owner.username}'. Bewaar het geheim nu;")
    click.echo("het wordt niet opnieuw getoond:")
    click.echo(secret)


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
@with_context
def token_revoke(ctx: Context, token_id: int) -> None:
    """Trek een API-token in (werkt direct)."""
    from archive import users

    with transaction(ctx.sessions) as session:
        users.revoke_token(session, None, token_id)
    click.echo(f"Token {token_id} ingetrokken.")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@token.command("list")
@click.argument("username", required=False)
@with_context
def token_list(ctx: Context, username: str | None) -> None:
    """Toon tokens (zonder geheimen), eventueel van één gebruiker."""
    from archive import users

    with transaction(ctx.sessions) as session:
        owner = users.get_user(session, username) if username else None
        rows = users.list_tokens(session, owner)
        if not rows:
            click.echo("Geen tokens.")
            return
        click.echo(
            f"{'ID':>5} {'GEBRUIKER':<16} {'PREFIX':<11} {'AANGEMAAKT':<17} {'VERLOOPT':<17} "
            f"{'INGETROKKEN':<17} NAAM"
        )
        for t in rows:
            click.echo(
                f"{t.id:>5} {t.user.username:<16} {t.prefix:<11} {_when(t.aangemaakt_op):<17} "
                f"{_when(t.verloopt_op):<17} {_when(t.ingetrokken_op):<17} {t.naam}"
            )


# -- filing ---------------------------------------------------------------------------------


@main.command("file")
@click.option(
    "--zaak", "zaak_id", required=True, metavar="ZAAK-ID", help="Identificatie van de zaak."
)
@click.option("--as", "username", required=True, metavar="GEBRUIKER", help="Wie archiveert.")
@click.option(
    "--type",
    "iot_ref",
    required=True,
    metavar="INFORMATIEOBJECTTYPE",
    help="Documenttype (omschrijving of id), bijvoorbeeld Brief.",
)
@click.option("--titel", default="", help="Titel (standaard uit het bestand).")
@click.option(
    "--vertrouwelijkheid",
    type=click.Choice([v.value for v in Vertrouwelijkheid]),
    default=None,
    help="Standaard die van het documenttype.",
)
@click.option(
    "--richting",
    type=click.Choice([r.value for r in Richting]),
    default=Richting.inkomend.value,
    show_default=True,
)
@click.argument(
    "paths",
    metavar="PAD...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
)
@with_context
def file_cmd(
    ctx: Context,
    zaak_id: str,
    username: str,
    iot_ref: str,
    titel: str,
    vertrouwelijkheid: str | None,
    richting: str,
    paths: tuple[Path, ...],
) -> None:
    """Archiveer bestanden in een zaak.

    Dezelfde controles als in de webinterface en de API.
    Elk bestand krijgt een eigen transactie: een geweigerd bestand houdt de andere niet
    tegen. De exitcode is 1 als er iets is geweigerd.
    """
    from archive import users
    from archive.documents import DocumentGegevens, Upload, file_document
    from archive.zaken import get_zaak_for_change
    from zaaktypen.services import get_informatieobjecttype

    settings = ctx.settings
    store = ctx.store()
    # Fail fast (one message, not one per file) when the user, zaak or type is wrong.
    with transaction(ctx.sessions) as session:
        actor = users.get_user(session, username)
        get_zaak_for_change(session, actor, zaak_id)
        get_informatieobjecttype(session, iot_ref)

    refused = 0
    for path in paths:
        try:
            with transaction(ctx.sessions) as session:
                actor = users.get_user(session, username)
                zaak = get_zaak_for_change(session, actor, zaak_id)
                result = file_document(
                    session,
                    actor,
                    zaak,
                    Upload(path=path, bestandsnaam=path.name),
                    DocumentGegevens(
                        informatieobjecttype=get_informatieobjecttype(session, iot_ref),
                        titel=titel,
                        vertrouwelijkheidaanduiding=vertrouwelijkheid,
                        richting=richting,
                    ),
                    store=store,
                    max_bytes=settings.max_upload_bytes,
                )
                identificatie = result.document.identificatie
                bijlagen = [d.identificatie for d in result.bijlagen]
                geweigerd = list(result.geweigerde_bijlagen)
        except DomainError as error:
            refused += 1
            click.echo(f"GEWEIGERD {path}: {_describe(error)}")
            continue
        extra = f" met bijlagen {', '.join(bijlagen)}" if bijlagen else ""
        click.echo(f"OK        {path} -> {identificatie}{extra}")
        for bijlage in geweigerd:
            click.echo(f"          bijlage {bijlage['bestandsnaam']} geweigerd: {bijlage['reden']}")
    total = len(paths)
    click.echo(f"{total - refused} van {total} bestand(en) gearchiveerd in {zaak_id}.")
    if refused:
        sys.exit(1)


# -- fixity ---------------------------------------------------------------------------------


@main.command()
@click.option(
    "--orphans",
    is_flag=True,
    help="Verwijder ook bestanden in de opslag waar geen documentversie naar verwijst.",
)
@click.option(
    "--min-age",
    default=3600,
    show_default=True,
    type=click.IntRange(0),
    help="Met --orphans: laat bestanden jonger dan zoveel seconden staan (lopende uploads).",
)
@with_context
def fixity(ctx: Context, orphans: bool, min_age: int) -> None:
    """Controleer alle opgeslagen bestanden opnieuw op hun sha256.

    De exitcode is 1 als een bestand ontbreekt of niet meer klopt.
    """
    import time as _time

    from archive.blobstore import find_orphans, fixity_check
    from archive.models import Document, DocumentVersie

    store = ctx.store()
    with transaction(ctx.sessions) as session:
        expected = sorted(set(session.scalars(select(DocumentVersie.sha256).distinct())))

    with click.progressbar(
        length=len(expected), label="Bestanden controleren", show_pos=True, file=sys.stderr
    ) as bar:

        def progress(done: int) -> None:
            bar.update(done - bar.pos)

        report = fixity_check(store, expected, progress=progress)

    click.echo(f"{report.checked} bestand(en) gecontroleerd.")
    bad = sorted(set(report.mismatched) | set(report.missing))
    if bad:
        with transaction(ctx.sessions) as session:
            rows = session.execute(
                select(DocumentVersie.sha256, Document.identificatie, DocumentVersie.versie)
                .join(Document, Document.id == DocumentVersie.document_id)
                .where(DocumentVersie.sha256.in_(bad))
                .order_by(Document.identificatie)
            ).all()
        where: dict[str, list[str]] = {}
        for sha, identificatie, versie in rows:
            where.setdefault(sha, []).append(f"{identificatie} v{versie}")
        for sha in report.mismatched:
            click.echo(f"BESCHADIGD {sha} ({', '.join(where.get(sha, []))})")
        for sha in report.missing:
            click.echo(f"ONTBREEKT  {sha} ({', '.join(where.get(sha, []))})")

    if orphans:
        cutoff = _time.time() - min_age
        # The blob listing comes first and the referenced set after it, so a blob whose row
        # committed in between is seen as referenced; --min-age covers uncommitted filings.
        candidates = [sha for sha in store.iter_hashes() if _mtime(store, sha) <= cutoff]
        with transaction(ctx.sessions) as session:
            referenced = set(session.scalars(select(DocumentVersie.sha256).distinct()))
        removed = find_orphans(store, referenced)
        removed = [sha for sha in removed if sha in set(candidates)]
        for sha in removed:
            store.delete(sha)
        store.clean_tmp(older_than_seconds=min_age)
        click.echo(f"{len(removed)} onbereikbaar bestand(en) verwijderd.")

    if bad:
        click.echo(
            f"{len(report.mismatched)} beschadigd, {len(report.missing)} ontbrekend: "
            "herstel ze uit de back-up."
        )
        sys.exit(1)
    click.echo("Alle bestanden zijn in orde.")


def _mtime(store, sha: str) -> float:
    try:
        return store.path(sha).stat().st_mtime
    except FileNotFoundError:
        return float("inf")


@main.group()
def audit() -> None:
    """De audittrail: controleren dat er niets is gewijzigd of verwijderd."""


@audit.command("verify")
@with_context
def audit_verify(ctx: Context) -> None:
    """Herbereken de hashketen van de audittrail.

    De exitcode is 1 als een gebeurtenis is gewijzigd, verwijderd of tussengevoegd.
    """
    from sqlalchemy import func

    from archive.audit import AuditEvent, verify_chain

    with transaction(ctx.sessions) as session:
        total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        with click.progressbar(
            length=total, label="Audittrail controleren", show_pos=True, file=sys.stderr
        ) as bar:
            report = verify_chain(session, progress=bar.update)
    click.echo(f"{report.checked} gebeurtenis(sen) gecontroleerd.")
    if not report.ok:
        for problem in report.problems:
            click.echo(f"FOUT: {problem}")
        click.echo(
            "De audittrail is niet meer intact: meld dit aan de functionaris "
            "gegevensbescherming en herstel uit de back-up."
        )
        sys.exit(1)
    click.echo("De audittrail is intact.")


# -- catalogus / afdelingen -----------------------------------------------------------------


@main.group()
def catalogus() -> None:
    """De catalogus: zaaktypen, documenttypen en afdelingen uitwisselen als JSON."""


@catalogus.command("export")
@click.option(
    "--zaaktype",
    "zaaktype_id",
    metavar="IDENTIFICATIE",
    help="Alleen dit zaaktype (alle versies) met zijn documenttypen.",
)
@click.option(
    "--afdeling",
    "afdeling_code",
    metavar="CODE",
    help="Alleen deze afdeling met haar eigen en gekozen generieke zaaktypen.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    help="Schrijf naar dit bestand in plaats van naar standaard-uit.",
)
@with_context
def catalogus_export(
    ctx: Context, zaaktype_id: str | None, afdeling_code: str | None, out: str | None
) -> None:
    """Exporteer de catalogus (of één zaaktype of afdeling) als één JSON-document."""
    from zaaktypen import uitwisseling

    if zaaktype_id and afdeling_code:
        raise click.UsageError("Kies --zaaktype of --afdeling, niet allebei.")
    with transaction(ctx.sessions) as session:
        if zaaktype_id:
            doc = uitwisseling.export_zaaktype(session, zaaktype_id)
        elif afdeling_code:
            doc = uitwisseling.export_afdeling(session, afdeling_code)
        else:
            doc = uitwisseling.export_catalogus(session)
    text = uitwisseling.dumps(doc)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"Geëxporteerd naar {out}.", err=True)
    else:
        click.echo(text, nl=False)


@catalogus.command("import")
@click.argument("bestand", type=click.File("rb"))
@click.option("--controleer", is_flag=True, help="Alleen controleren, niets schrijven (droge run).")
@with_context
def catalogus_import(ctx: Context, bestand, controleer: bool) -> None:
    """Importeer een catalogusdocument: eerst alles controleren, dan alles of niets schrijven.

    Elk probleem wordt gemeld met zijn plaats in het document, bijvoorbeeld
    zaaktypen[2].resultaattypen[0].selectielijstklasse.
    """
    from zaaktypen import uitwisseling

    doc = uitwisseling.loads(bestand.read())
    with transaction(ctx.sessions) as session:
        if controleer:
            uitwisseling.validate_document(session, doc)
            click.echo("Het document is in orde; er is niets geschreven.")
            return
        result = uitwisseling.import_document(session, None, doc)
    made = ", ".join(f"{n} {soort}" for soort, n in result.aangemaakt.items())
    click.echo(f"Geïmporteerd: {made}.")
    for path in result.overgeslagen:
        click.echo(f"  hergebruikt: {path}")


@main.group()
def afdeling() -> None:
    """Afdelingen, ook tijdelijke (virtuele): aanmaken, tonen en sluiten."""


def _date_option(value: str | None, name: str):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"Gebruik JJJJ-MM-DD, niet '{value}'.", param_hint=name) from None


@afdeling.command("create")
@click.option("--code", required=True, help="Korte code, bijvoorbeeld VLOP26.")
@click.option("--naam", required=True)
@click.option(
    "--template",
    "sjabloon",
    metavar="SJABLOON",
    help="Een kant-en-klaar sjabloon (zie 'afdeling templates').",
)
@click.option(
    "--virtueel/--staand",
    default=None,
    help="Tijdelijke (virtuele) of staande afdeling; standaard volgt het sjabloon.",
)
@click.option("--start", "startdatum", metavar="JJJJ-MM-DD")
@click.option(
    "--einde",
    "geplande_einddatum",
    metavar="JJJJ-MM-DD",
    help="Geplande einddatum (kan later schuiven).",
)
@click.option("--doel", default=None)
@click.option("--vertrouwelijkheid", default=None, help="Standaard voor nieuwe zaken.")
@click.option(
    "--bewaren-reden",
    default=None,
    help="Uitzondering van vernietiging (blijvend bewaren): de reden.",
)
@click.option(
    "--besluit",
    "retentie_besluit",
    default="",
    help="Kenmerk van het besluit over de uitzondering.",
)
@click.option(
    "--lid",
    "leden",
    multiple=True,
    metavar="GEBRUIKER:ROL:CLEARANCE",
    help="Lid, bv. sanne:regie:geheim (rol: lezen, behandelen of regie). Herhaalbaar.",
)
@with_context
def afdeling_create(
    ctx: Context,
    code,
    naam,
    sjabloon,
    virtueel,
    startdatum,
    geplande_einddatum,
    doel,
    vertrouwelijkheid,
    bewaren_reden,
    retentie_besluit,
    leden,
) -> None:
    """Richt een afdeling in, leeg of vanuit een sjabloon, met haar leden."""
    from archive import users
    from zaaktypen import sjablonen
    from zaaktypen.afdelingen import AfdelingGegevens, create_department, set_member

    start = _date_option(startdatum, "--start")
    einde = _date_option(geplande_einddatum, "--einde")
    parsed = []
    for lid in leden:
        parts = lid.split(":")
        if len(parts) != 3:
            raise click.BadParameter(
                f"'{lid}' is niet GEBRUIKER:ROL:CLEARANCE.", param_hint="--lid"
            )
        parsed.append(parts)
    template = sjablonen.get_sjabloon(sjabloon) if sjabloon else None
    is_virtueel = virtueel if virtueel is not None else (template.virtueel if template else False)
    gegevens = AfdelingGegevens(
        code=code,
        naam=naam,
        virtueel=is_virtueel,
        doel=doel if doel is not None else "",
        startdatum=start or (date.today() if is_virtueel else None),
        geplande_einddatum=einde,
        vertrouwelijkheidaanduiding=vertrouwelijkheid,
        retentiebeleid="blijvend_bewaren" if bewaren_reden else None,
        retentie_reden=bewaren_reden or "",
        retentie_besluit=retentie_besluit,
    )
    with transaction(ctx.sessions) as session:
        members = [(users.get_user(session, u), rol, clr) for u, rol, clr in parsed]
        if template is not None:
            if doel is None:
                gegevens.doel = None
            if bewaren_reden is None:
                gegevens.retentiebeleid = None
                gegevens.retentie_reden = None
            made = sjablonen.apply_sjabloon(session, None, template.code, gegevens, leden=members)
        else:
            made = create_department(session, None, gegevens)
            for user, rol, clearance in members:
                set_member(session, None, made, user, rol=rol, clearance=clearance)
        zaaktypen = [zt.identificatie for zt in made_zaaktypen(session, made)]
        click.echo(
            f"Afdeling {made.naam} ({made.code}) ingericht"
            + (f" vanuit sjabloon {template.code}" if template else "")
            + "."
        )
        if zaaktypen:
            click.echo(f"  zaaktypen: {', '.join(zaaktypen)}")
        click.echo(f"  leden: {len(members)}")


def made_zaaktypen(session, afdeling):
    from zaaktypen.afdelingen import zaaktypen_for

    return zaaktypen_for(session, afdeling)


@afdeling.command("templates")
def afdeling_templates() -> None:
    """Toon de beschikbare sjablonen."""
    from zaaktypen import sjablonen

    for s in sjablonen.list_sjablonen():
        soort = "virtueel" if s.virtueel else "staand"
        click.echo(f"{s.code:<36} {soort:<9} {s.naam}")


@afdeling.command("list")
@with_context
def afdeling_list(ctx: Context) -> None:
    """Toon alle afdelingen met status, geplande einddatum en aantal leden."""
    from zaaktypen.afdelingen import departments_near_end
    from zaaktypen.services import list_afdelingen

    with transaction(ctx.sessions) as session:
        near = {a.id: days for a, days in departments_near_end(session)}
        click.echo(f"{'CODE':<14} {'STATUS':<9} {'SOORT':<9} {'EINDE':<11} {'LEDEN':>5}  NAAM")
        for a in list_afdelingen(session):
            einde = a.geplande_einddatum.isoformat() if a.geplande_einddatum else "-"
            waarschuwing = ""
            if a.id in near:
                days = near[a.id]
                waarschuwing = (
                    f"  (einde over {days} dagen)"
                    if days >= 0
                    else f"  (einde {-days} dagen verstreken)"
                )
            soort = "virtueel" if a.virtueel else "staand"
            click.echo(
                f"{a.code:<14} {a.status:<9} {soort:<9} {einde:<11} {len(a.leden):>5}  "
                f"{a.naam}{waarschuwing}"
            )


@afdeling.command("close")
@click.argument("code")
@click.option(
    "--rapport",
    "rapport_dir",
    type=click.Path(file_okay=False),
    help="Map voor het sluitingsrapport (PDF en CSV); standaard de huidige map.",
)
@with_context
def afdeling_close(ctx: Context, code: str, rapport_dir: str | None) -> None:
    """Sluit een afdeling: eerst 'sluitend' (geen nieuwe zaken), daarna — als al haar zaken
    zijn afgesloten — 'gesloten', met een sluitingsrapport in PDF en CSV."""
    from archive import afdelingen as lifecycle
    from zaaktypen.afdelingen import start_closing
    from zaaktypen.services import get_afdeling

    with transaction(ctx.sessions) as session:
        target = get_afdeling(session, code)
        if target.status == "actief":
            start_closing(session, None, target)
            click.echo(f"Afdeling {target.naam} is nu 'sluitend': er komen geen nieuwe zaken bij.")
    with transaction(ctx.sessions) as session:
        target = get_afdeling(session, code)
        rows = lifecycle.close(session, None, target)
        folder = Path(rapport_dir or ".")
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"sluitingsrapport-{target.code.lower()}"
        pdf_path, csv_path = stem.with_suffix(".pdf"), stem.with_suffix(".csv")
        pdf_path.write_bytes(lifecycle.report_pdf(target, rows))
        csv_path.write_text(lifecycle.report_csv(rows), encoding="utf-8")
    click.echo(f"Afdeling {target.naam} is gesloten ({len(rows)} zaken).")
    click.echo(f"  rapport: {pdf_path} en {csv_path}")


# -- search ---------------------------------------------------------------------------------


def _search_backend(ctx: Context):
    """The backend SEARCH_BACKEND names (Whoosh files or the PostgreSQL tables)."""
    from search import make_backend

    return make_backend(ctx.settings, ctx.sessions)


def _segments_text(segments: list[tuple[str, bool]]) -> str:
    """A snippet for the terminal: highlights in bold (plain when not a terminal)."""
    return "".join(click.style(text, bold=True) if hit else text for text, hit in segments)


@main.command("search")
@click.argument("query", metavar="ZOEKVRAAG")
@click.option(
    "--as",
    "username",
    required=True,
    metavar="GEBRUIKER",
    help="Zoek met de rechten van deze gebruiker (lidmaatschappen, clearance, machtigingen).",
)
@click.option("--json", "as_json", is_flag=True, help="Antwoord als JSON (zoals de API).")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(["zaak", "document", "persoon"]),
    help="Alleen deze soort; herhaal de optie voor meer.",
)
@click.option("--page", default=1, show_default=True, type=click.IntRange(1, 100_000))
@click.option(
    "--page-size", default=20, show_default=True, type=click.IntRange(1, 100), help="Per pagina."
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
    help="Volgorde: relevantie of datum (nieuwste eerst).",
)
@with_context
def search_cmd(
    ctx: Context,
    query: str,
    username: str,
    as_json: bool,
    types: tuple[str, ...],
    page: int,
    page_size: int,
    sort: str,
) -> None:
    """Zoek in zaken, documenten en personen, met de rechten van één gebruiker.

    De zoektaal is die van het zoekvak: woorden, "zinnen", AND/OR/NOT (EN/OF/NIET),
    voorvoegsel*, naam~, zaaktype:, afdeling:, jaar:, type:, datum:[20240101 to 20241231].
    Getoonde vertrouwelijke zaken en documenten komen in de toegangslog (pad zoeken).
    """
    import json

    from archive import users
    from search import service
    from web.api.zoeken import facet_lists, snippet_dict

    backend = _search_backend(ctx)
    with transaction(ctx.sessions) as session:
        user = users.get_user(session, username)
        result = service.search(
            session,
            user,
            query,
            {"types": list(types)},
            page=page,
            sort=sort,
            backend=backend,
            per_page=page_size,
        )
        if result.fout:
            hint = " Draai 'dossierhuis reindex'." if result.index_ontbreekt else ""
            raise click.ClickException(f"{result.fout}{hint}")
        service.log_shown_hits(session, user, result.hits)
    if as_json:
        doc = {
            "count": result.total,
            "count_exact": not result.geschat,
            "page": result.page,
            "pages": result.pages,
            "results": [
                {
                    "type": hit.type,
                    "identificatie": hit.identificatie,
                    "titel": hit.titel,
                    "snippet": snippet_dict(hit.snippet),
                    "datum": hit.datum.isoformat() if hit.datum else None,
                }
                for hit in result.hits
            ],
            "facets": facet_lists(result),
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    about = "ongeveer " if result.geschat else ""
    click.echo(
        f"{about}{result.total} resultaat/resultaten voor '{query}' "
        f"(pagina {result.page} van {result.pages})."
    )
    if result.geschat:
        click.echo("(geschat uit een steekproef van de treffers; verfijn voor exacte aantallen)")
    for hit in result.hits:
        datum = hit.datum.isoformat() if hit.datum else "-"
        click.echo(f"{hit.type:<9} {hit.identificatie:<24} {datum:<10}  {hit.titel}")
        if hit.snippet:
            click.echo(f"          {_segments_text(hit.snippet)}")


@main.command()
@with_context
def reindex(ctx: Context) -> None:
    """Bouw de zoekindex opnieuw op uit de database.

    De nieuwe index komt in een verse map en wordt in één keer in gebruik genomen; zoeken
    blijft intussen werken op de oude. Wijzigingen tijdens het opbouwen gaan niet verloren.
    """
    from search.documents import count_all
    from search.worker import rebuild_from_database

    backend = _search_backend(ctx)
    factory = ctx.sessions
    with transaction(factory) as session:
        total = count_all(session)
    with click.progressbar(
        length=total, label="Zoekindex opbouwen", show_pos=True, file=sys.stderr
    ) as bar:

        def progress(done: int) -> None:
            bar.update(max(0, min(done, total) - bar.pos))

        count = rebuild_from_database(factory, backend, progress)
        bar.update(total - bar.pos)  # the count was an upper bound (unlinked items are skipped)
    click.echo(f"Zoekindex opnieuw opgebouwd in {backend.location}: {count} item(s).")


@main.group("index")
def index_group() -> None:
    """De zoekindex: de indexworker en de toestand."""


@index_group.command("worker")
@click.option(
    "--poll",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.05, 3600),
    metavar="SECONDEN",
    help="Hoe vaak de outbox wordt gelezen.",
)
@click.option("--once", is_flag=True, help="Verwerk wat er nu in de outbox staat en stop.")
@with_context
def index_worker(ctx: Context, poll: float, once: bool) -> None:
    """Verwerk de wijzigingen (outbox) in de zoekindex, als apart proces.

    Voor SEARCH_WORKER=extern (anders doet 'dossierhuis serve' dit zelf). Ontbreekt de
    index of is hij beschadigd, dan wordt hij eerst opnieuw opgebouwd. Meer workers tegelijk
    kan geen kwaad: ze wachten op elkaar. Stoppen met Ctrl+C of SIGTERM.
    """
    import contextlib
    import signal
    import threading

    from search.worker import ensure_index, process_outbox, run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    backend = _search_backend(ctx)
    factory = ctx.sessions
    ensure_index(factory, backend)
    if once:
        done = process_outbox(factory, backend)
        click.echo(f"{done} outbox-regel(s) verwerkt.")
        return
    stop = threading.Event()

    def request_stop(_signum, _frame) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    click.echo(f"Indexworker gestart op {backend.location} (stoppen met Ctrl+C).")
    with contextlib.suppress(KeyboardInterrupt):
        run_worker(stop, poll, factory, backend)
    click.echo("Indexworker gestopt.")


@index_group.command("status")
@with_context
def index_status(ctx: Context) -> None:
    """Toon de toestand van de zoekindex en hoeveel wijzigingen nog wachten.

    De exitcode is 1 als de index ontbreekt of beschadigd is ('dossierhuis reindex' of een
    start van de worker herstelt dat).
    """
    from archive.models import SearchOutbox

    backend = _search_backend(ctx)
    health = backend.health()
    with transaction(ctx.sessions) as session:
        pending, oldest = session.execute(
            select(func.count(SearchOutbox.id), func.min(SearchOutbox.aangemaakt_op)).where(
                SearchOutbox.verwerkt_op.is_(None)
            )
        ).one()
    toestand = {"ok": "in orde", "missing": "ontbreekt", "corrupt": "beschadigd"}[health.status]
    click.echo(f"Zoekindex:  {backend.location}")
    if health.ok:
        click.echo(f"Toestand:   {toestand} (generatie {health.detail}, {health.documenten} items)")
    else:
        click.echo(f"Toestand:   {toestand} ({health.detail})")
    since = f" (oudste van {_when(oldest)})" if pending else ""
    click.echo(f"Wachtend:   {pending} outbox-regel(s){since}")
    if not health.ok:
        sys.exit(1)


# -- retention ------------------------------------------------------------------------------


@main.group()
def retention() -> None:
    """Bewaring: wat te vernietigen of over te brengen is, en wachtende berekeningen."""


@retention.command("due")
@click.option(
    "--soort",
    type=click.Choice(["vernietigen", "overbrengen", "ontbrekend", "wachtend"]),
    default="vernietigen",
    show_default=True,
    help="vernietigen: archiefactiedatum verstreken, niet bevroren of uitgezonderd; "
    "overbrengen: blijvend te bewaren, de overbrengingstermijn verstreken, niet bevroren; "
    "ontbrekend: afgesloten zonder bewaargegevens; wachtend: berekening wacht op een datum. "
    "Een zaak die al op een vernietigingslijst of in een overbrenging staat krijgt die "
    "aantekening.",
)
@click.option(
    "--op",
    "peildatum",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Peildatum (JJJJ-MM-DD); standaard vandaag.",
)
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Als JSON, voor scripts.")
@with_context
def retention_due(ctx: Context, soort: str, peildatum, limit: int, as_json: bool) -> None:
    """Toon de zaken van één soort uit de werkvoorraad van de archivaris (alleen
    bewaargegevens, geen inhoud)."""
    import json as json_module

    from retention import in_behandeling, werkvoorraad

    today = peildatum.date() if peildatum else None
    with transaction(ctx.sessions) as session:
        total, rows = werkvoorraad.due(session, None, soort, today=today, limit=limit)
        notes = in_behandeling.notes(session, [r.identificatie for r in rows])
        if as_json:
            click.echo(
                json_module.dumps(
                    {
                        "count": total,
                        "results": [
                            {
                                "identificatie": r.identificatie,
                                "zaaktype": r.zaaktype,
                                "afdeling": r.afdeling,
                                "einddatum": r.einddatum.isoformat() if r.einddatum else None,
                                "archiefnominatie": r.archiefnominatie,
                                "archiefactiedatum": (
                                    r.archiefactiedatum.isoformat() if r.archiefactiedatum else None
                                ),
                                "wacht_op": r.archief_wacht_op,
                                "in_behandeling": notes.get(r.identificatie, []),
                            }
                            for r in rows
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        click.echo(f"{total} zaak/zaken ({soort}); de eerste {len(rows)}:")
        for r in rows:
            datum = r.archiefactiedatum.isoformat() if r.archiefactiedatum else "-"
            extra = f"  wacht op {r.archief_wacht_op}" if r.archief_wacht_op else ""
            if r.identificatie in notes:
                extra += f"  [{'; '.join(notes[r.identificatie])}]"
            click.echo(f"{r.identificatie}  {datum:<10}  {r.afdeling:<12} {r.zaaktype}{extra}")


@retention.command("complete-pending")
@with_context
def retention_complete_pending(ctx: Context) -> None:
    """Reken wachtende berekeningen opnieuw uit (na een ingevoerde datum of afgesloten
    hoofdzaak); voor een dagelijkse taak."""
    from archive import archivering

    with transaction(ctx.sessions) as session:
        done = archivering.complete_pending(session)
    click.echo(f"{done} berekening(en) voltooid.")


@retention.command("hoofdzaak")
@click.argument("zaak_id", metavar="ZAAK")
@click.argument("hoofdzaak_id", metavar="HOOFDZAAK", required=False)
@click.option(
    "--geen", is_flag=True, help="De zaak is geen deelzaak meer (in plaats van HOOFDZAAK)."
)
@click.option(
    "--door",
    "username",
    required=True,
    metavar="GEBRUIKERSNAAM",
    help="Wie dit doet: moet de zaak mogen wijzigen en de hoofdzaak mogen zien.",
)
@with_context
def retention_hoofdzaak(
    ctx: Context, zaak_id: str, hoofdzaak_id: str | None, geen: bool, username: str
) -> None:
    """Maak ZAAK een deelzaak van HOOFDZAAK, of met --geen niet meer. Leidt het resultaat
    van de deelzaak de brondatum af van de hoofdzaak, dan volgt de berekening haar
    einddatum (en wacht zolang de hoofdzaak open is)."""
    from archive import archivering, users
    from archive.errors import NotFound
    from archive.zaken import get_zaak, get_zaak_for_change

    if geen == (hoofdzaak_id is not None):
        raise click.UsageError("Geef óf HOOFDZAAK óf --geen.")
    with transaction(ctx.sessions) as session:
        actor = users.get_user(session, username)
        zaak = get_zaak_for_change(session, actor, zaak_id, pad="cli")
        hoofdzaak = None
        if hoofdzaak_id is not None:
            try:
                hoofdzaak = get_zaak(session, actor, hoofdzaak_id)
            except NotFound as exc:
                raise NotFound(f"Hoofdzaak: {exc.message}", field="hoofdzaak") from None
        archivering.set_hoofdzaak(session, actor, zaak, hoofdzaak)
        if hoofdzaak is None:
            click.echo(f"Zaak {zaak.identificatie} is geen deelzaak meer.")
        else:
            click.echo(
                f"Zaak {zaak.identificatie} is nu een deelzaak van {hoofdzaak.identificatie}."
            )
        if not zaak.is_open:
            if zaak.archiefactiedatum:
                click.echo(f"Archiefactiedatum: {zaak.archiefactiedatum.isoformat()}")
            elif zaak.archief_wacht_op:
                click.echo(f"De berekening wacht op: {zaak.archief_wacht_op}")


@retention.command("recompute")
@click.option(
    "--afdeling",
    "afdeling_code",
    metavar="CODE",
    default=None,
    help="Alleen de zaken van deze afdeling; standaard alle afgesloten zaken.",
)
@with_context
def retention_recompute(ctx: Context, afdeling_code: str | None) -> None:
    """Reken de bewaring van afgesloten zaken (nog niet overgedragen) opnieuw uit, na een
    gewijzigde invoer buiten de zaak zelf: een andere OVERBRENGINGSTERMIJN of het
    retentiebeleid van een afdeling. Elke gewijzigde zaak krijgt een auditgebeurtenis."""
    from archive import archivering
    from zaaktypen.services import get_afdeling

    archivering.overbrengingstermijn()  # a bad term stops here, before any work
    with transaction(ctx.sessions) as session:
        afdeling_id = get_afdeling(session, afdeling_code).id if afdeling_code else None
        changed = archivering.recompute_closed(session, None, afdeling_id=afdeling_id)
    click.echo(f"{changed} zaak/zaken gewijzigd.")


# -- transfer (overbrenging) ----------------------------------------------------------------


def _register_transfer() -> None:
    """``transfer`` lives in its own module, imported here (not at the top) to avoid a cycle."""
    from web.cli_overbrenging import transfer

    main.add_command(transfer)


_register_transfer()


def _register_uitzonderingen() -> None:
    """``hold`` and ``exception`` live in web.cli_uitzonderingen (imported here, at the
    end, because that module imports this one)."""
    from web.cli_uitzonderingen import exception, hold

    main.add_command(hold)
    main.add_command(exception)


_register_uitzonderingen()


def _register_vernietiging() -> None:
    """``destruction …`` lives in web/cli_vernietiging.py (imported here, not at the top,
    because it imports this module's Context)."""
    from web.cli_vernietiging import destruction

    main.add_command(destruction)


_register_vernietiging()


def _register_notify() -> None:
    """``notify …`` (the notify worker, dead letters, webhooks) lives in web/cli_notify.py
    (imported here, not at the top, because it imports this module's Context)."""
    from web.cli_notify import notify

    main.add_command(notify)


_register_notify()


def _register_demo() -> None:
    """``demo generate`` (a synthetic municipality) lives in web/cli_demo.py (imported
    here, not at the top, because it imports this module's Context)."""
    from web.cli_demo import demo

    main.add_command(demo)


_register_demo()


if __name__ == "__main__":  # pragma: no cover
    main()
