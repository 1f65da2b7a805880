"""The catalogue (ZGW Catalogi model) and the departments, standing and virtual."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.db import Base, utcnow

VERTROUWELIJKHEID_LEN = 32


class Afdeling(Base):
    """A department; ``virtueel`` ones are temporary (refugee reception, a pilot).

    Lifecycle: actief → sluitend (no new zaken) → gesloten (read-only, all zaken closed).
    """

    __tablename__ = "afdeling"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    naam: Mapped[str] = mapped_column(String(200))
    virtueel: Mapped[bool] = mapped_column(default=False)
    doel: Mapped[str] = mapped_column(Text, default="")
    startdatum: Mapped[date | None]
    geplande_einddatum: Mapped[date | None]
    vertrouwelijkheidaanduiding: Mapped[str | None] = mapped_column(String(VERTROUWELIJKHEID_LEN))
    status: Mapped[str] = mapped_column(String(16), default="actief")
    # Retention policy: None, or "blijvend_bewaren" as a hotspot (applied by retention/).
    retentiebeleid: Mapped[str | None] = mapped_column(String(32))
    retentie_reden: Mapped[str] = mapped_column(Text, default="")
    retentie_besluit: Mapped[str] = mapped_column(String(200), default="")
    sjabloon: Mapped[str | None] = mapped_column(String(60))
    # network signal: a new registration about a person here tells the regisseurs of that
    # person's zaken in other departments, without content, to contact ``signaal_contact``
    signalering_actief: Mapped[bool] = mapped_column(default=False)
    signaal_contact: Mapped[str] = mapped_column(String(300), default="")
    gesloten_op: Mapped[datetime | None]
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    leden: Mapped[list[AfdelingLid]] = relationship(
        back_populates="afdeling", cascade="all, delete-orphan", order_by="AfdelingLid.id"
    )
    generieke_zaaktypen: Mapped[list[AfdelingZaakType]] = relationship(
        back_populates="afdeling", cascade="all, delete-orphan"
    )


class AfdelingLid(Base):
    """Membership: a role in the department and a clearance (max vertrouwelijkheid)."""

    __tablename__ = "afdeling_lid"
    __table_args__ = (UniqueConstraint("afdeling_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    afdeling_id: Mapped[int] = mapped_column(ForeignKey("afdeling.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), index=True)
    rol: Mapped[str] = mapped_column(String(16))  # lezen | behandelen | regie
    clearance: Mapped[str] = mapped_column(String(VERTROUWELIJKHEID_LEN))
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    afdeling: Mapped[Afdeling] = relationship(back_populates="leden")
    user = relationship("User")


class AfdelingZaakType(Base):
    """A generic zaaktype (by identificatie, so every version) chosen for a department."""

    __tablename__ = "afdeling_zaaktype"
    __table_args__ = (UniqueConstraint("afdeling_id", "zaaktype_identificatie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    afdeling_id: Mapped[int] = mapped_column(ForeignKey("afdeling.id", ondelete="CASCADE"))
    zaaktype_identificatie: Mapped[str] = mapped_column(String(80))

    afdeling: Mapped[Afdeling] = relationship(back_populates="generieke_zaaktypen")


class ZaakType(Base):
    """One version of a zaaktype; ``concept`` until published, then frozen."""

    __tablename__ = "zaaktype"
    __table_args__ = (UniqueConstraint("identificatie", "versie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identificatie: Mapped[str] = mapped_column(String(80))
    versie: Mapped[int] = mapped_column(default=1)
    omschrijving: Mapped[str] = mapped_column(String(200))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    doel: Mapped[str] = mapped_column(Text, default="")
    aanleiding: Mapped[str] = mapped_column(Text, default="")
    vertrouwelijkheidaanduiding: Mapped[str] = mapped_column(String(VERTROUWELIJKHEID_LEN))
    doorlooptijd: Mapped[str | None] = mapped_column(String(40))
    servicenorm: Mapped[str | None] = mapped_column(String(40))
    trefwoorden: Mapped[list] = mapped_column(default=list)
    referentieproces: Mapped[str] = mapped_column(String(200), default="")
    selectielijst_procestype: Mapped[int | None]
    concept: Mapped[bool] = mapped_column(default=True)
    datum_begin_geldigheid: Mapped[date | None]
    datum_einde_geldigheid: Mapped[date | None]
    afdeling_id: Mapped[int | None] = mapped_column(ForeignKey("afdeling.id"))

    statustypen: Mapped[list[StatusType]] = relationship(
        back_populates="zaaktype", order_by="StatusType.volgnummer", cascade="all, delete-orphan"
    )
    resultaattypen: Mapped[list[ResultaatType]] = relationship(
        back_populates="zaaktype", order_by="ResultaatType.id", cascade="all, delete-orphan"
    )
    roltypen: Mapped[list[RolType]] = relationship(
        back_populates="zaaktype", order_by="RolType.id", cascade="all, delete-orphan"
    )
    eigenschappen: Mapped[list[Eigenschap]] = relationship(
        back_populates="zaaktype", order_by="Eigenschap.id", cascade="all, delete-orphan"
    )
    informatieobjecttypen: Mapped[list[ZaakTypeInformatieObjectType]] = relationship(
        back_populates="zaaktype",
        order_by="ZaakTypeInformatieObjectType.volgnummer",
        cascade="all, delete-orphan",
    )
    afdeling: Mapped[Afdeling | None] = relationship()

    @property
    def eindstatus(self) -> StatusType | None:
        return self.statustypen[-1] if self.statustypen else None

    @property
    def gepubliceerd(self) -> bool:
        return not self.concept


class StatusType(Base):
    __tablename__ = "statustype"
    __table_args__ = (UniqueConstraint("zaaktype_id", "volgnummer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zaaktype_id: Mapped[int] = mapped_column(ForeignKey("zaaktype.id", ondelete="CASCADE"))
    volgnummer: Mapped[int]
    omschrijving: Mapped[str] = mapped_column(String(200))
    doorlooptijd: Mapped[str | None] = mapped_column(String(40))
    informeren: Mapped[bool] = mapped_column(default=False)
    toelichting: Mapped[str] = mapped_column(Text, default="")

    zaaktype: Mapped[ZaakType] = relationship(back_populates="statustypen")


class ResultaatType(Base):
    """A possible outcome carrying retention (calculated by retention/)."""

    __tablename__ = "resultaattype"

    id: Mapped[int] = mapped_column(primary_key=True)
    zaaktype_id: Mapped[int] = mapped_column(ForeignKey("zaaktype.id", ondelete="CASCADE"))
    omschrijving: Mapped[str] = mapped_column(String(200))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    selectielijstklasse: Mapped[str | None] = mapped_column(String(20))
    archiefnominatie: Mapped[str | None] = mapped_column(String(32))
    archiefactietermijn: Mapped[str | None] = mapped_column(String(40))
    afleidingswijze: Mapped[str] = mapped_column(String(40), default="afgehandeld")
    procestermijn: Mapped[str | None] = mapped_column(String(40))
    datumkenmerk: Mapped[str] = mapped_column(String(80), default="")

    zaaktype: Mapped[ZaakType] = relationship(back_populates="resultaattypen")


class RolType(Base):
    __tablename__ = "roltype"

    id: Mapped[int] = mapped_column(primary_key=True)
    zaaktype_id: Mapped[int] = mapped_column(ForeignKey("zaaktype.id", ondelete="CASCADE"))
    omschrijving: Mapped[str] = mapped_column(String(200))
    omschrijving_generiek: Mapped[str] = mapped_column(String(40))

    zaaktype: Mapped[ZaakType] = relationship(back_populates="roltypen")


class Eigenschap(Base):
    """A custom field of a zaaktype; values on zaken are validated against it."""

    __tablename__ = "eigenschap"
    __table_args__ = (UniqueConstraint("zaaktype_id", "naam"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zaaktype_id: Mapped[int] = mapped_column(ForeignKey("zaaktype.id", ondelete="CASCADE"))
    naam: Mapped[str] = mapped_column(String(80))
    definitie: Mapped[str] = mapped_column(Text, default="")
    formaat: Mapped[str] = mapped_column(String(16))  # tekst|getal|datum|datum_tijd|keuze
    lengte: Mapped[int | None]
    waardenverzameling: Mapped[list] = mapped_column(default=list)
    verplicht: Mapped[bool] = mapped_column(default=False)
    # An agenda date (e.g. the RIEC Informatieplein): the weekday it must fall on (0=Monday),
    # how many zaken one date takes, and how many days before the date registration closes.
    agenda_weekdag: Mapped[int | None]
    agenda_capaciteit: Mapped[int | None]
    agenda_sluiting_dagen: Mapped[int | None]

    zaaktype: Mapped[ZaakType] = relationship(back_populates="eigenschappen")

    @property
    def is_agenda(self) -> bool:
        return self.formaat == "datum" and (
            self.agenda_weekdag is not None or self.agenda_capaciteit is not None
        )


class InformatieObjectType(Base):
    __tablename__ = "informatieobjecttype"

    id: Mapped[int] = mapped_column(primary_key=True)
    omschrijving: Mapped[str] = mapped_column(String(200), unique=True)
    categorie: Mapped[str] = mapped_column(String(80), default="")
    vertrouwelijkheidaanduiding: Mapped[str] = mapped_column(String(VERTROUWELIJKHEID_LEN))
    # MIME types narrowing the ingest allow-list; empty means the whole allow-list.
    toegestane_formaten: Mapped[list] = mapped_column(default=list)


class ZaakTypeInformatieObjectType(Base):
    __tablename__ = "zaaktype_informatieobjecttype"
    __table_args__ = (UniqueConstraint("zaaktype_id", "informatieobjecttype_id", "richting"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zaaktype_id: Mapped[int] = mapped_column(ForeignKey("zaaktype.id", ondelete="CASCADE"))
    informatieobjecttype_id: Mapped[int] = mapped_column(ForeignKey("informatieobjecttype.id"))
    richting: Mapped[str] = mapped_column(String(16))
    volgnummer: Mapped[int] = mapped_column(default=1)

    zaaktype: Mapped[ZaakType] = relationship(back_populates="informatieobjecttypen")
    informatieobjecttype: Mapped[InformatieObjectType] = relationship()
