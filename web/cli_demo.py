"""``dossierhuis demo generate``: a synthetic municipality for demos and measurements, a thin
adapter over ``archive.generator`` (registered in web.cli)."""

from __future__ import annotations

import sys
import time

import click

from archive.db import transaction
from web.cli import PASSWORD_FILE, Context, _write_passwords, reindex, with_context


@click.group("demo")
def demo() -> None:
    """Synthetische gegevens: een complete gemeente om te tonen en te meten."""


def _size(n: int) -> str:
    value, unit = float(n), "B"
    for unit in ("B", "kB", "MB", "GB", "TB"):  # noqa: B007 - the last unit is kept
        if value < 1024 or unit == "TB":
            break
        value /= 1024
    return f"{value:.1f} {unit}".replace(".", ",")


@demo.command("generate")
@click.option("--zaken", type=click.IntRange(1, 100_000_000), required=True, help="Aantal zaken.")
@click.option(
    "--documenten", type=click.IntRange(0, 100_000_000), required=True, help="Aantal documenten."
)
@click.option(
    "--personen",
    type=click.IntRange(1, 100_000_000),
    required=True,
    help="Aantal personen (elk met een eigen BSN, in één of meer zaken).",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Zelfde seed, zelfde gemeente."
)
@click.option(
    "--batch",
    type=click.IntRange(1, 1_000_000),
    default=5000,
    show_default=True,
    help="Rijen per schrijfopdracht aan de database.",
)
@click.option(
    "--reindex",
    "herindexeren",
    is_flag=True,
    help="Bouw daarna meteen de zoekindex op (zoals 'dossierhuis reindex').",
)
@click.option(
    "--bulk",
    type=click.Choice(["auto", "copy", "insert"]),
    default="auto",
    show_default=True,
    help="Hoe de rijen erin gaan: COPY (alleen PostgreSQL; auto kiest die daar) of "
    "INSERT-batches (SQLAlchemy Core). Voor metingen.",
)
@click.pass_context
@with_context
def generate(
    ctx: Context,
    click_ctx: click.Context,
    zaken: int,
    documenten: int,
    personen: int,
    seed: int,
    batch: int,
    herindexeren: bool,
    bulk: str,
) -> None:
    """Vul een lege database met een synthetische gemeente: 20 afdelingen (waarvan enkele
    virtueel), medewerkers met rollen en clearances, zaaktypen uit de sjablonen en de
    selectielijst, ZAKEN zaken (een deel afgesloten, met resultaat en bewaartermijn),
    PERSONEN personen met een geldig BSN en DOCUMENTEN documenten met echte bestanden
    (tekst en PDF) in de bestandsopslag.

    Snel: de grote tabellen gaan er in batches in, niet object voor object; de catalogus,
    afdelingen en leden via de gewone diensten. Weigert een database die al zaken,
    documenten, betrokkenen, afdelingen of zaaktypen heeft (er wordt dan niets
    geschreven). Schrijft geen wijzigingen voor de zoekindex: draai daarna
    'dossierhuis reindex' (of geef --reindex). De wachtwoorden van de accounts komen in
    demo-wachtwoorden.txt in de datamap.
    """
    from archive.generator import Omvang, generate, refresh_statistics

    settings = ctx.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    omvang = Omvang(zaken=zaken, documenten=documenten, personen=personen, seed=seed, batch=batch)
    omvang.check()
    password_file = settings.data_dir / PASSWORD_FILE
    started = time.perf_counter()
    with (
        transaction(ctx.sessions) as session,
        click.progressbar(
            length=omvang.eenheden, label="Gemeente genereren", show_pos=True, file=sys.stderr
        ) as bar,
    ):
        samenvatting = generate(session, ctx.store(), omvang, progress=bar.update, methode=bulk)
        # Written before the commit: if this fails, no accounts exist whose password is lost.
        _write_passwords(password_file, samenvatting.wachtwoorden)
    with transaction(ctx.sessions) as session:
        refresh_statistics(session)
    seconden = time.perf_counter() - started
    rijen = samenvatting.rijen
    click.echo(
        f"Klaar in {seconden:.1f} s: {rijen.get('zaak', 0)} zaken, "
        f"{rijen.get('document', 0)} documenten ({rijen.get('documentversie', 0)} versies, "
        f"{_size(samenvatting.blob_bytes)} in de bestandsopslag), "
        f"{rijen.get('betrokkene', 0)} betrokkenen; {samenvatting.totaal_rijen} rijen, "
        f"{samenvatting.totaal_rijen / seconden:.0f} rijen/s ({samenvatting.methode})."
    )
    click.echo(
        f"Afgesloten: {samenvatting.afgesloten} zaken; te vernietigen (archiefactiedatum "
        f"verstreken): {samenvatting.te_vernietigen}."
    )
    click.echo(f"Accounts en wachtwoorden: {password_file} (alleen voor u leesbaar).")
    if herindexeren:
        click_ctx.invoke(reindex)
    else:
        click.echo("De zoekindex kent deze gegevens nog niet: draai nu 'dossierhuis reindex'.")
