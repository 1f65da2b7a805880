"""The refusals of the ingest pipeline: one stable code each, a Dutch message a user can act on."""

from __future__ import annotations

from archive.errors import IngestRefused

OPNIEUW = "dien het opnieuw in"


def encrypted(wat: str = "Dit bestand") -> IngestRefused:
    return IngestRefused(
        f"{wat} is versleuteld of met een wachtwoord beveiligd, waardoor de inhoud niet "
        f"betrouwbaar gearchiveerd kan worden. Verwijder het wachtwoord en {OPNIEUW}.",
        code="encrypted",
    )


def corrupt(wat: str = "Dit bestand", waarom: str = "is beschadigd of onvolledig") -> IngestRefused:
    return IngestRefused(
        f"{wat} {waarom} en kan niet worden geopend. Sla het opnieuw op vanuit het "
        f"programma waarin het gemaakt is (of vraag de afzender om een nieuw exemplaar) en "
        f"{OPNIEUW}.",
        code="corrupt",
    )


def decompression_bomb() -> IngestRefused:
    return IngestRefused(
        "Dit bestand pakt uit tot een onredelijk grote hoeveelheid gegevens (of bestaat uit "
        "extreem veel onderdelen) en wordt daarom niet verwerkt. Sla het document opnieuw op "
        f"als gewoon bestand, bijvoorbeeld als PDF, en {OPNIEUW}.",
        code="decompression_bomb",
    )


def too_many_attachments(limiet: int) -> IngestRefused:
    return IngestRefused(
        f"Dit e-mailbericht heeft meer dan {limiet} bijlagen. Sla de bijlagen apart op en "
        "dien ze in delen in.",
        code="too_many_attachments",
    )
