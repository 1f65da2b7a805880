"""The kinds of events and notifications (part of the API: webhook ``actie`` values)."""

from __future__ import annotations

DOCUMENT_TOEGEVOEGD = "document.toegevoegd"
DOCUMENT_NIEUWE_VERSIE = "document.nieuwe_versie"
ZAAK_AANGEMAAKT = "zaak.aangemaakt"
ZAAK_STATUS_GEWIJZIGD = "zaak.status_gewijzigd"
ZAAK_AFGESLOTEN = "zaak.afgesloten"
ZAAK_HEROPEND = "zaak.heropend"
ZAAK_BETROKKENE_TOEGEVOEGD = "zaak.betrokkene_toegevoegd"
VERNIETIGINGSLIJST_TER_BEOORDELING = "vernietigingslijst.ter_beoordeling"
AFDELING_EINDE_NADERT = "afdeling.einde_nadert"
# derived at delivery, never events of their own
PERSOON_NIEUWE_ZAAK = "persoon.nieuwe_zaak"
PERSOON_SIGNAAL = "persoon.signaal"

EVENTS = (
    DOCUMENT_TOEGEVOEGD,
    DOCUMENT_NIEUWE_VERSIE,
    ZAAK_AANGEMAAKT,
    ZAAK_STATUS_GEWIJZIGD,
    ZAAK_AFGESLOTEN,
    ZAAK_HEROPEND,
    ZAAK_BETROKKENE_TOEGEVOEGD,
    VERNIETIGINGSLIJST_TER_BEOORDELING,
    AFDELING_EINDE_NADERT,
)
NOTIFICATIES = EVENTS + (PERSOON_NIEUWE_ZAAK, PERSOON_SIGNAAL)

# what a user can follow
VOLG_SOORTEN = ("zaak", "persoon", "afdeling")
# why a user follows: by hand, or through a role on the zaak
REDENEN = ("handmatig", "melder", "behandelaar", "regisseur")
# e-mail preference
EMAIL_KEUZES = ("geen", "direct", "dagelijks")

# the kanaal of a webhook event (as in the ZGW Notificaties API)
KANAAL = {
    DOCUMENT_TOEGEVOEGD: "documenten",
    DOCUMENT_NIEUWE_VERSIE: "documenten",
    ZAAK_AANGEMAAKT: "zaken",
    ZAAK_STATUS_GEWIJZIGD: "zaken",
    ZAAK_AFGESLOTEN: "zaken",
    ZAAK_HEROPEND: "zaken",
    ZAAK_BETROKKENE_TOEGEVOEGD: "zaken",
    VERNIETIGINGSLIJST_TER_BEOORDELING: "vernietigingslijsten",
    AFDELING_EINDE_NADERT: "afdelingen",
}
