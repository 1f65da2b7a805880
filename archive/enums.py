"""Value lists from the standards (RGBZ / ZGW); part of the kernel, imports nothing."""

from __future__ import annotations

from enum import StrEnum


class Vertrouwelijkheid(StrEnum):
    """Ordered from least to most confidential; compare with ``rank``."""

    openbaar = "openbaar"
    beperkt_openbaar = "beperkt_openbaar"
    intern = "intern"
    zaakvertrouwelijk = "zaakvertrouwelijk"
    vertrouwelijk = "vertrouwelijk"
    confidentieel = "confidentieel"
    geheim = "geheim"
    zeer_geheim = "zeer_geheim"

    @property
    def rank(self) -> int:
        return list(Vertrouwelijkheid).index(self)

    @classmethod
    def strictest(cls, *levels: Vertrouwelijkheid | str | None) -> Vertrouwelijkheid:
        present = [cls(level) for level in levels if level]
        return max(present, key=lambda v: v.rank) if present else cls.openbaar


class Richting(StrEnum):
    inkomend = "inkomend"
    uitgaand = "uitgaand"
    intern = "intern"


class DocumentStatus(StrEnum):
    in_bewerking = "in_bewerking"
    ter_vaststelling = "ter_vaststelling"
    definitief = "definitief"
    gearchiveerd = "gearchiveerd"


class Archiefnominatie(StrEnum):
    blijvend_bewaren = "blijvend_bewaren"
    vernietigen = "vernietigen"


class Archiefstatus(StrEnum):
    nog_te_archiveren = "nog_te_archiveren"
    gearchiveerd = "gearchiveerd"
    gearchiveerd_procestermijn_onbekend = "gearchiveerd_procestermijn_onbekend"
    overgedragen = "overgedragen"


class BetrokkeneType(StrEnum):
    natuurlijk_persoon = "natuurlijk_persoon"
    niet_natuurlijk_persoon = "niet_natuurlijk_persoon"
    organisatorische_eenheid = "organisatorische_eenheid"
    medewerker = "medewerker"


class Rol(StrEnum):
    """Generic roles (omschrijving_generiek in the ZGW Catalogi API)."""

    initiator = "initiator"
    behandelaar = "behandelaar"
    belanghebbende = "belanghebbende"
    adviseur = "adviseur"
    zaakcoordinator = "zaakcoordinator"
    beslisser = "beslisser"
    klantcontacter = "klantcontacter"
    mede_initiator = "mede_initiator"


class Gebruikersrol(StrEnum):
    beheerder = "beheerder"
    medewerker = "medewerker"
    archivaris = "archivaris"
    auditor = "auditor"
    systeembeheerder = "systeembeheerder"
