"""``dossierhuis transfer``: export a transfer package for the e-Depot, confirm its receipt,
list transfers. Thin adapters over retention.overbrenging; registered in web.cli."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archive.db import transaction
from web.cli import Context, with_context

door_option = click.option(
    "--door",
    "username",
    default=None,
    metavar="GEBRUIKER",
    help="Handel als deze archivaris (voor audit en toegangslog); standaard het systeem.",
)


def _actor(session, username: str | None):
    from archive import users
    from retention.werkvoorraad import require_archivaris

    if username is None:
        return None
    actor = users.get_user(session, username)
    require_archivaris(actor)
    return actor


@click.group("transfer")
def transfer() -> None:
    """Overbrenging naar het e-Depot: een MDTO-pakket (BagIt) exporteren, de ontvangst
    bevestigen, overbrengingen tonen."""


@transfer.command("export")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Map waarin het pakket komt (een nieuwe submap per overbrenging).",
)
@click.option("--zip", "maak_zip", is_flag=True, help="Maak ook een zip van het pakket.")
@click.option(
    "--zaak",
    "identificaties",
    multiple=True,
    metavar="ZAAK-ID",
    help="Alleen deze zaak (herhaal de optie voor meer); elke genoemde moet aan de beurt zijn.",
)
@click.option("--afdeling", default=None, metavar="CODE", help="Alleen zaken van deze afdeling.")
@click.option(
    "--zaaktype", default=None, metavar="ID", help="Alleen zaken van dit zaaktype (identificatie)."
)
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=None, help="Hoogstens zoveel zaken."
)
@click.option(
    "--op",
    "peildatum",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Peildatum (JJJJ-MM-DD); standaard vandaag.",
)
@door_option
@with_context
def transfer_export(
    ctx: Context,
    out_dir: Path,
    maak_zip: bool,
    identificaties: tuple[str, ...],
    afdeling: str | None,
    zaaktype: str | None,
    limit: int | None,
    peildatum,
    username: str | None,
) -> None:
    """Exporteer de zaken die over te brengen zijn als één pakket: per zaak een MDTO-dossier,
    per document een archiefstuk, per bestand een bestand-record met sha256, in een BagIt-zak.

    Elk XML-bestand wordt eerst tegen het MDTO-schema gecontroleerd; een fout stopt de export
    en laat niets achter. De zaken veranderen pas bij 'transfer confirm'.
    """
    from retention import overbrenging as ob

    today = peildatum.date() if peildatum else None
    selectie = ob.Selectie(
        identificaties=identificaties, afdeling=afdeling, zaaktype=zaaktype, limit=limit
    )
    with transaction(ctx.sessions) as session:
        actor = _actor(session, username)
        total = len(ob.due_zaken(session, actor, selectie, today=today))
        with click.progressbar(
            length=max(total, 1), label="Pakket samenstellen", show_pos=True, file=sys.stderr
        ) as bar:
            result = ob.export(
                session,
                actor,
                out_dir=out_dir,
                store=ctx.store(),
                selectie=selectie,
                maak_zip=maak_zip,
                today=today,
                progress=lambda done, _n: bar.update(done - bar.pos),
            )
        summary = _summary(result)
    click.echo(
        f"Overbrenging {summary['id']} geëxporteerd: {summary['naam']} "
        f"({summary['aantal_zaken']} zaak/zaken, {summary['aantal_documenten']} document(en), "
        f"{summary['aantal_bestanden']} bestand(en))."
    )
    click.echo(f"Pakket:  {summary['pakket']}")
    if summary["zip"]:
        click.echo(f"Zip:     {summary['zip']}")
    click.echo(f"Manifest (sha256): {summary['manifest_sha256']}")
    click.echo(
        f"Bevestig na ontvangst door het e-Depot: dossierhuis transfer confirm {summary['id']}"
    )


@transfer.command("confirm")
@click.argument("overbrenging_id", metavar="ID", type=int)
@click.option("--toelichting", default="", help="Bijvoorbeeld het kenmerk van het ontvangstbewijs.")
@door_option
@with_context
def transfer_confirm(
    ctx: Context, overbrenging_id: int, toelichting: str, username: str | None
) -> None:
    """Bevestig dat het e-Depot het pakket ontving: de zaken worden overgedragen. Met
    OVERBRENGING_INHOUD_VERWIJDEREN=1 verdwijnt daarna de lokale inhoud van de bestanden
    (de metagegevens blijven)."""
    from retention import overbrenging as ob

    with transaction(ctx.sessions) as session:
        actor = _actor(session, username)
        bevestiging = ob.confirm(
            session, actor, overbrenging_id, store=ctx.store(), toelichting=toelichting
        )
        zaken = [link.zaak_identificatie for link in bevestiging.overbrenging.zaak_links]
        removed = len(bevestiging.te_verwijderen)
        kept = list(bevestiging.behouden)
    click.echo(f"Overbrenging {overbrenging_id} bevestigd; overgedragen: {', '.join(zaken)}.")
    if removed:
        click.echo(f"Lokale inhoud verwijderd: {removed} bestand(en).")
    for reason in kept:
        click.echo(f"Inhoud behouden: {reason}")


@transfer.command("list")
@click.option("--json", "as_json", is_flag=True, help="Als JSON, voor scripts.")
@door_option
@with_context
def transfer_list(ctx: Context, as_json: bool, username: str | None) -> None:
    """Toon de overbrengingen, nieuwste eerst."""
    from retention import overbrenging as ob

    with transaction(ctx.sessions) as session:
        actor = _actor(session, username)
        total, rows = ob.list_transfers(session, actor, limit=1000)
        items = [_summary(r) for r in rows]
    if as_json:
        click.echo(json.dumps({"count": total, "results": items}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{total} overbrenging(en):")
    for item in items:
        click.echo(
            f"{item['id']:>5}  {item['status']:<12} {item['aangemaakt_op'][:19]}  "
            f"{item['aantal_zaken']:>4} zaak/zaken  {item['naam']}"
        )


def _summary(o) -> dict:
    return {
        "id": o.id,
        "naam": o.naam,
        "status": o.status,
        "aantal_zaken": o.aantal_zaken,
        "aantal_documenten": o.aantal_documenten,
        "aantal_bestanden": len(o.bestanden or []),
        "omvang": o.omvang,
        "pakket": o.pakket_pad,
        "zip": o.zip_pad,
        "manifest_sha256": o.manifest_sha256,
        "aangemaakt_op": o.aangemaakt_op.isoformat(),
        "bevestigd_op": o.bevestigd_op.isoformat() if o.bevestigd_op else None,
        "zaken": [link.zaak_identificatie for link in o.zaak_links],
    }
