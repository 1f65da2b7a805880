"""Catalogue and departments: the minimal set zaken need (extended by the catalogue issue)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.db import Base, utcnow

VERTROUWELIJKHEID_LEN = 32


class Afdeling(Base):
    """A department; ``virtueel`` ones are temporary (refugee reception, a pilot)."""

    __tablename__ = "afdeling"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    naam: Mapped[str] = mapped_column(String(200))
    virtueel: Mapped[bool] = mapped_column(default=False)
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)


class ZaakType(Base):
    __tablename__ = "zaaktype"
    __table_args__ = (UniqueConstraint("identificatie", "versie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identificatie: Mapped[str] = mapped_column(String(80))
    versie: Mapped[int] = mapped_column(default=1)
    omschrijving: Mapped[str] = mapped_column(String(200))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    vertrouwelijkheidaanduiding: Mapped[str] = mapped_column(String(VERTROUWELIJKHEID_LEN))
    afdeling_id: Mapped[int | None] = mapped_column(ForeignKey("afdeling.id"))

    statustypen: Mapped[list[StatusType]] = relationship(
        back_populates="zaaktype", order_by="StatusType.volgnummer", cascade="all, delete-orphan"
    )
    resultaattypen: Mapped[list[ResultaatType]] = relationship(
        back_populates="zaaktype", order_by="ResultaatType.id", cascade="all, delete-orphan"
    )
    afdeling: Mapped[Afdeling | None] = relationship()

    @property
    def eindstatus(self) -> StatusType | None:
        return self.statustypen[-1] if self.statustypen else None


class StatusType(Base):
    __tablename__ = "statustype"
    __table_args__ = (UniqueConstraint("zaaktype_id", "volgnummer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zaaktype_id: Mapped[int] = mapped_column(ForeignKey("zaaktype.id", ondelete="CASCADE"))
    volgnummer: Mapped[int]
    omschrijving: Mapped[str] = mapped_column(String(200))

    zaaktype: Mapped[ZaakType] = relationship(back_populates="statustypen")


class ResultaatType(Base):
    """A possible outcome; retention fields arrive with the catalogue and retention issues."""

    __tablename__ = "resultaattype"

    id: Mapped[int] = mapped_column(primary_key=True)
    zaaktype_id: Mapped[int] = mapped_column(ForeignKey("zaaktype.id", ondelete="CASCADE"))
    omschrijving: Mapped[str] = mapped_column(String(200))
    archiefnominatie: Mapped[str | None] = mapped_column(String(32))

    zaaktype: Mapped[ZaakType] = relationship(back_populates="resultaattypen")


class InformatieObjectType(Base):
    __tablename__ = "informatieobjecttype"

    id: Mapped[int] = mapped_column(primary_key=True)
    omschrijving: Mapped[str] = mapped_column(String(200), unique=True)
    vertrouwelijkheidaanduiding: Mapped[str] = mapped_column(String(VERTROUWELIJKHEID_LEN))
