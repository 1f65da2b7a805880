"""``dossierhuis destruction …``: destruction lists from the command line, a thin adapter
over ``retention.vernietiging`` like the web UI and the API. Every step names the person
taking it (``--as``): the list and the verklaring record who drafted, reviewed, approved
and executed."""

from __future__ import annotations

import json
import sys

import click

from archive.db import transaction
from archive.errors import ValidationFailed
from retention.vernietiging import STATUSSEN
from web.cli import Context, with_context


def _user(session, username: str):
    from archive import users

    return users.get_user(session, username)


def _lijst(session, actor, lijst_id: int):
    from retention import vernietiging

    return vernietiging.get_list(session, actor, lijst_id)


as_option = click.option(
    "--as", "username", required=True, metavar="GEBRUIKER", help="Wie deze stap zet."
)
lijst_argument = click.argument("lijst_id", metavar="LIJST", type=click.IntRange(1, 2**62))


@click.group("destruction")
def destruction() -> None:
    """Vernietigingslijsten: opstellen uit een selectie, beoordelen, goedkeuren, na de
    bedenktijd uitvoeren, en de verklaring van vernietiging."""


@destruction.command("create")
@as_option
@click.option(
    "--naam", required=True, help="Naam van de lijst, bijvoorbeeld 'Vernietiging 2026-1'."
)
@click.option("--afdeling", default=None, metavar="CODE", help="Alleen zaken van deze afdeling.")
@click.option("--zaaktype", default=None, metavar="ID", help="Alleen zaken van dit zaaktype.")
@click.option(
    "--voor",
    "voor",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Alleen zaken met een archiefactiedatum vóór deze datum (JJJJ-MM-DD).",
)
@click.option(
    "--beoordelaar",
    "beoordelaars",
    multiple=True,
    metavar="GEBRUIKER",
    help="Beoordelaar (herhaalbaar): een archivaris, beheerder of regie van een afdeling.",
)
@click.option("--toelichting", default="", help="Waarom deze lijst.")
@with_context
def create(ctx: Context, username, naam, afdeling, zaaktype, voor, beoordelaars, toelichting):
    """Stel een nieuwe lijst op met alle zaken uit de selectie die nu te vernietigen zijn
    (niet bevroren, niet uitgezonderd, niet al op een andere lijst)."""
    from retention import vernietiging

    with transaction(ctx.sessions) as session:
        lijst = vernietiging.create_list(
            session,
            _user(session, username),
            naam=naam,
            selectie=vernietiging.Selectie(
                afdeling=afdeling,
                zaaktype=zaaktype,
                archiefactiedatum_voor=voor.date() if voor else None,
            ),
            beoordelaars=list(beoordelaars),
            toelichting=toelichting,
        )
        click.echo(f"Vernietigingslijst {lijst.id} aangemaakt met {len(lijst.items)} zaak/zaken.")


@destruction.command("submit")
@lijst_argument
@as_option
@with_context
def submit(ctx: Context, lijst_id: int, username: str) -> None:
    """Dien de lijst (opnieuw) in bij de beoordelaars (alleen de opsteller)."""
    from retention import vernietiging

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        lijst = vernietiging.submit(session, actor, _lijst(session, actor, lijst_id))
        click.echo(f"Lijst {lijst.id} is ter beoordeling (ronde {lijst.ronde}).")


def _exclusions(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    problems = []
    for value in values:
        zaak, sep, reden = value.partition("=")
        if not sep or not zaak.strip():
            problems.append(f"'{value}': gebruik ZAAK-ID=reden.")
            continue
        out[zaak.strip()] = reden
    if problems:
        raise ValidationFailed({"uitsluiten": problems})
    return out


@destruction.command("review")
@lijst_argument
@as_option
@click.option(
    "--uitsluiten",
    multiple=True,
    metavar="ZAAK=REDEN",
    help="Sluit een zaak uit met de reden (herhaalbaar); zonder: akkoord met de hele lijst.",
)
@click.option("--toelichting", default="", help="Toelichting bij het oordeel.")
@with_context
def review(ctx: Context, lijst_id: int, username: str, uitsluiten, toelichting: str) -> None:
    """Beoordeel de lijst als aangewezen beoordelaar: akkoord, of zaken uitsluiten."""
    from retention import vernietiging

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        lijst = _lijst(session, actor, lijst_id)
        beoordeling = vernietiging.review(
            session, actor, lijst, uitsluiten=_exclusions(uitsluiten), toelichting=toelichting
        )
        click.echo(
            f"Oordeel vastgelegd: {beoordeling.besluit}; de lijst is nu "
            f"{vernietiging.STATUS_LABEL[lijst.status]}."
        )


@destruction.command("answer")
@lijst_argument
@click.argument("zaak")
@as_option
@click.option(
    "--besluit",
    type=click.Choice(["verwijderen", "handhaven"]),
    required=True,
    help="verwijderen: de zaak gaat van de lijst; handhaven: ze blijft, met uitleg.",
)
@click.option("--antwoord", default="", help="Uitleg (verplicht bij handhaven).")
@with_context
def answer(ctx: Context, lijst_id: int, zaak: str, username: str, besluit: str, antwoord: str):
    """Beantwoord als opsteller de opmerkingen van de beoordelaars bij één zaak."""
    from retention import vernietiging

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        lijst = _lijst(session, actor, lijst_id)
        vernietiging.answer(session, actor, lijst, zaak, besluit=besluit, antwoord=antwoord)
        open_ = len(vernietiging.open_opmerkingen(lijst))
        click.echo(f"Antwoord vastgelegd bij {zaak}; nog {open_} open opmerking(en).")


@destruction.command("approve")
@lijst_argument
@as_option
@with_context
def approve(ctx: Context, lijst_id: int, username: str) -> None:
    """Keur de lijst definitief goed (een archivaris, niet de opsteller); de bedenktijd
    begint."""
    from retention import vernietiging

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        lijst = vernietiging.approve(session, actor, _lijst(session, actor, lijst_id))
        click.echo(
            f"Lijst {lijst.id} is goedgekeurd; bedenktijd tot "
            f"{lijst.bedenktijd_tot:%Y-%m-%d %H:%M} (UTC)."
        )


@destruction.command("cancel")
@lijst_argument
@as_option
@click.option("--reden", required=True, help="Waarom de lijst wordt afgebroken.")
@with_context
def cancel(ctx: Context, lijst_id: int, username: str, reden: str) -> None:
    """Breek een lijst af vóór de uitvoering (ook in de bedenktijd); er wordt niets
    vernietigd."""
    from retention import vernietiging

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        vernietiging.cancel(session, actor, _lijst(session, actor, lijst_id), reden=reden)
        click.echo(f"Lijst {lijst_id} is afgebroken.")


@destruction.command("execute")
@lijst_argument
@as_option
@with_context
def execute(ctx: Context, lijst_id: int, username: str) -> None:
    """Voer de lijst uit na de bedenktijd, met voortgang. Elke zaak krijgt een eigen
    transactie: na een onderbreking gaat een nieuwe aanroep verder waar het stopte.
    Een zaak die nu bevroren, uitgezonderd of niet meer te vernietigen is, wordt
    geweigerd en overgeslagen. Daarna wordt de verklaring van vernietiging gearchiveerd."""
    from retention import vernietiging

    settings = ctx.settings
    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        lijst = _lijst(session, actor, lijst_id)
        total = sum(1 for i in lijst.items if i.status != "uitgezonderd")
        done = sum(1 for i in lijst.items if i.status in ("vernietigd", "geweigerd"))
        with click.progressbar(length=total, label="Vernietigen", show_pos=True) as bar:
            bar.update(done)
            try:
                result = vernietiging.execute(
                    session,
                    actor,
                    lijst,
                    store=ctx.store(),
                    max_bytes=settings.max_upload_bytes,
                    progress=lambda _done, _total: bar.update(1),
                )
            except KeyboardInterrupt:
                click.echo("\nOnderbroken; voer dezelfde opdracht opnieuw uit om verder te gaan.")
                sys.exit(130)
        for identificatie, reden in result.geweigerd.items():
            click.echo(f"GEWEIGERD {identificatie}: {reden}")
        click.echo(
            f"Lijst {lijst.id} is uitgevoerd: {len(result.vernietigd)} zaak/zaken vernietigd "
            f"in deze ronde, {len(result.geweigerd)} geweigerd."
        )
        click.echo(
            f"Verklaring van vernietiging: {lijst.verklaring_pdf} (PDF), "
            f"{lijst.verklaring_csv} (CSV)"
        )


@destruction.command("list")
@as_option
@click.option("--status", type=click.Choice(STATUSSEN), default=None, help="Alleen deze status.")
@with_context
def list_cmd(ctx: Context, username: str, status: str | None) -> None:
    """De lijsten die u mag zien (archivaris: alle; beoordelaar: waarvoor aangewezen)."""
    from retention import vernietiging

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        lijsten = vernietiging.list_lists(session, actor, status=status)
        counts = vernietiging.item_counts(session, [lijst.id for lijst in lijsten])
        for lijst in lijsten:
            c = counts[lijst.id]
            click.echo(
                f"{lijst.id:>5}  {lijst.status:<22} {sum(c.values()):>4} zaken  "
                f"{lijst.auteur.username:<12} {lijst.naam}"
            )
        if not lijsten:
            click.echo("Geen vernietigingslijsten.")


def _show_dict(session, actor, lijst) -> dict:
    from retention import vernietiging

    return {
        "id": lijst.id,
        "naam": lijst.naam,
        "status": lijst.status,
        "ronde": lijst.ronde,
        "auteur": lijst.auteur.username,
        "beoordelaars": [b.user.username for b in lijst.beoordelaars],
        "bedenktijd_tot": lijst.bedenktijd_tot.isoformat() if lijst.bedenktijd_tot else None,
        "verklaring": [lijst.verklaring_pdf, lijst.verklaring_csv]
        if lijst.verklaring_pdf
        else None,
        "zaken": [
            {
                "identificatie": i.zaak_identificatie,
                "status": i.status,
                "melding": i.melding or None,
                "archiefactiedatum": i.gegevens.get("archiefactiedatum"),
                "zaaktype": i.gegevens.get("zaaktype"),
                "omschrijving": vernietiging.visible_omschrijving(actor, i),
                "opmerkingen": [
                    {
                        "ronde": o.beoordeling.ronde,
                        "beoordelaar": o.beoordeling.beoordelaar.username,
                        "reden": o.reden,
                        "antwoord": o.antwoord_besluit,
                        "toelichting": o.antwoord or None,
                    }
                    for o in i.opmerkingen
                ],
            }
            for i in lijst.items
        ],
    }


@destruction.command("show")
@lijst_argument
@as_option
@click.option("--json", "as_json", is_flag=True, help="Als JSON, voor scripts.")
@with_context
def show(ctx: Context, lijst_id: int, username: str, as_json: bool) -> None:
    """Eén lijst met haar zaken, opmerkingen en antwoorden (bewaargegevens, geen inhoud)."""
    from retention import vernietiging

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        data = _show_dict(session, actor, _lijst(session, actor, lijst_id))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"Lijst {data['id']}: {data['naam']}")
    click.echo(f"  status: {vernietiging.STATUS_LABEL[data['status']]} (ronde {data['ronde']})")
    click.echo(
        f"  opsteller: {data['auteur']}; beoordelaars: {', '.join(data['beoordelaars']) or '-'}"
    )
    if data["bedenktijd_tot"]:
        click.echo(f"  bedenktijd tot: {data['bedenktijd_tot']}")
    if data["verklaring"]:
        click.echo(f"  verklaring: {', '.join(data['verklaring'])}")
    for z in data["zaken"]:
        extra = f"  ({z['melding']})" if z["melding"] else ""
        click.echo(
            f"  {z['identificatie']}  {z['status']:<12} {z['archiefactiedatum'] or '-'}{extra}"
        )
        for o in z["opmerkingen"]:
            antwoord = f" → {o['antwoord']}: {o['toelichting'] or ''}" if o["antwoord"] else ""
            click.echo(f"      ronde {o['ronde']} {o['beoordelaar']}: {o['reden']}{antwoord}")
