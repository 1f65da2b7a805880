"""The records core: users, zaken, betrokkenen, documents with versions, audit, outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    exists,
    or_,
    select,
    text,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column, relationship

from archive.audit import AuditEvent
from archive.db import Base, BigId, utcnow
from zaaktypen.models import (
    VERTROUWELIJKHEID_LEN,
    Afdeling,
    Eigenschap,
    InformatieObjectType,
    ResultaatType,
    RolType,
    StatusType,
    ZaakType,
)

__all__ = ["AuditEvent"]


class User(Base):
    __tablename__ = "gebruiker"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    naam: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    mislukte_pogingen: Mapped[int] = mapped_column(default=0)
    geblokkeerd_tot: Mapped[datetime | None]

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])

    # Flask-Login protocol, kept here so every adapter sees the same notion of "active".
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(Base):
    """A revocable bearer token; only the sha256 of the secret is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    naam: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    verloopt_op: Mapped[datetime | None]
    ingetrokken_op: Mapped[datetime | None]
    laatst_gebruikt_op: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class IdentificatieTeller(Base):
    """Per-year counters for identificaties; the row lock serialises concurrent creators."""

    __tablename__ = "identificatie_teller"

    soort: Mapped[str] = mapped_column(String(16), primary_key=True)
    jaar: Mapped[int] = mapped_column(primary_key=True)
    waarde: Mapped[int] = mapped_column(BigInteger, default=0)


# the conditions of retention.werkvoorraad's "ontbrekend" and "wachtend" soorten
ZONDER_NOMINATIE = "einddatum IS NOT NULL AND archiefnominatie IS NULL"
WACHT_OP = "einddatum IS NOT NULL AND archief_wacht_op IS NOT NULL"


class Zaak(Base):
    __tablename__ = "zaak"
    __table_args__ = (
        Index("ix_zaak_afdeling_registratie", "afdeling_id", "registratiedatum"),
        Index("ix_zaak_zaaktype", "zaaktype_id"),
        Index("ix_zaak_einddatum", "einddatum"),
        Index("ix_zaak_archief", "archiefnominatie", "archiefactiedatum"),
        # the foreign key below is checked on every deleted zaak (migration 0013)
        Index("ix_zaak_hoofdzaak", "hoofdzaak_id"),
        # the archivist's "closed without retention data" and "waiting for a date" tiles:
        # few zaken among 600,000 closed ones (migration 0014)
        Index(
            "ix_zaak_zonder_nominatie",
            "einddatum",
            postgresql_where=text(ZONDER_NOMINATIE),
            sqlite_where=text(ZONDER_NOMINATIE),
        ),
        Index(
            "ix_zaak_wacht_op",
            "einddatum",
            postgresql_where=text(WACHT_OP),
            sqlite_where=text(WACHT_OP),
        ),
        # ids are never handed out twice: the audit trail and the access log keep the ids
        # of destroyed zaken (migration 0010; PostgreSQL's sequences never reuse)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    identificatie: Mapped[str] = mapped_column(String(40), unique=True)
    zaaktype_id: Mapped[int] = mapped_column(ForeignKey("zaaktype.id"))
    afdeling_id: Mapped[int] = mapped_column(ForeignKey("afdeling.id"))
    omschrijving: Mapped[str] = mapped_column(String(200))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    registratiedatum: Mapped[date]
    startdatum: Mapped[date]
    einddatum: Mapped[date | None]
    vertrouwelijkheidaanduiding: Mapped[str] = mapped_column(String(VERTROUWELIJKHEID_LEN))
    resultaattype_id: Mapped[int | None] = mapped_column(ForeignKey("resultaattype.id"))
    resultaat_toelichting: Mapped[str] = mapped_column(Text, default="")
    archiefnominatie: Mapped[str | None] = mapped_column(String(32))
    archiefactiedatum: Mapped[date | None]
    archiefstatus: Mapped[str] = mapped_column(String(48), default="nog_te_archiveren")
    # retention (zaaktypen.bewaring): the start of the period, the facts it may need, and
    # what it still waits for while the calculation is pending
    brondatum: Mapped[date | None]
    handmatige_brondatum: Mapped[date | None]  # ander_datumkenmerk, besluit-based ones
    hoofdzaak_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("zaak.id"))
    archief_wacht_op: Mapped[str | None] = mapped_column(String(80))
    archiefnominatie_bron: Mapped[str] = mapped_column(String(300), default="")
    aangemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    zaaktype: Mapped[ZaakType] = relationship()
    afdeling: Mapped[Afdeling] = relationship()
    resultaattype: Mapped[ResultaatType | None] = relationship()
    hoofdzaak: Mapped[Zaak | None] = relationship(remote_side="Zaak.id")
    statussen: Mapped[list[ZaakStatus]] = relationship(
        back_populates="zaak", order_by="ZaakStatus.id", cascade="all, delete-orphan"
    )
    rollen: Mapped[list[Rol]] = relationship(
        back_populates="zaak", order_by="Rol.id", cascade="all, delete-orphan"
    )
    eigenschappen: Mapped[list[ZaakEigenschap]] = relationship(
        back_populates="zaak", order_by="ZaakEigenschap.id", cascade="all, delete-orphan"
    )
    document_links: Mapped[list[ZaakDocument]] = relationship(
        back_populates="zaak", order_by="ZaakDocument.id", cascade="all, delete-orphan"
    )

    # the current status alone (no later one), for lists: joined into their one query
    # instead of every status in a query of its own (issue 8)
    laatste_status: Mapped[ZaakStatus | None] = relationship(
        primaryjoin=lambda: _is_laatste_status(),
        viewonly=True,
        uselist=False,
    )

    @property
    def huidige_status(self) -> ZaakStatus | None:
        loaded = sa_inspect(self).dict
        if "statussen" not in loaded and "laatste_status" in loaded:
            return loaded["laatste_status"]
        return self.statussen[-1] if self.statussen else None

    @property
    def is_open(self) -> bool:
        return self.einddatum is None


class ZaakEigenschap(Base):
    """A value of an eigenschap on a zaak, stored as text and validated by the catalogue."""

    __tablename__ = "zaak_eigenschap"
    __table_args__ = (UniqueConstraint("zaak_id", "eigenschap_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id", ondelete="CASCADE"), index=True)
    eigenschap_id: Mapped[int] = mapped_column(ForeignKey("eigenschap.id"))
    waarde: Mapped[str] = mapped_column(Text)

    zaak: Mapped[Zaak] = relationship(back_populates="eigenschappen")
    # catalogue rows loaded with the values (a zaak page or API answer shows every value by
    # its eigenschap's name: one query, not one per value)
    eigenschap: Mapped[Eigenschap] = relationship(lazy="joined")


def _is_laatste_status():
    later = aliased(ZaakStatus)
    return and_(
        ZaakStatus.zaak_id == Zaak.id,
        ~exists().where(later.zaak_id == ZaakStatus.zaak_id, later.id > ZaakStatus.id),
    )


class ZaakStatus(Base):
    __tablename__ = "zaakstatus"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id", ondelete="CASCADE"), index=True)
    statustype_id: Mapped[int] = mapped_column(ForeignKey("statustype.id"))
    datum: Mapped[datetime] = mapped_column(default=utcnow)
    toelichting: Mapped[str] = mapped_column(Text, default="")
    gezet_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))

    zaak: Mapped[Zaak] = relationship(back_populates="statussen")
    # loaded with the statuses (every status is shown by its statustype: one query, not one
    # per status)
    statustype: Mapped[StatusType] = relationship(lazy="joined")
    gezet_door: Mapped[User | None] = relationship()


class Betrokkene(Base):
    """A person or organisation; one BSN is one person across all zaken."""

    __tablename__ = "betrokkene"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (see Zaak)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    bsn: Mapped[str | None] = mapped_column(String(9), unique=True)
    kvk_nummer: Mapped[str | None] = mapped_column(String(8), index=True)
    rsin: Mapped[str | None] = mapped_column(String(9), index=True)
    identificatie: Mapped[str | None] = mapped_column(String(80), index=True)
    voornamen: Mapped[str] = mapped_column(String(200), default="")
    voorvoegsel: Mapped[str] = mapped_column(String(20), default="")
    geslachtsnaam: Mapped[str] = mapped_column(String(200), default="")
    geboortedatum: Mapped[date | None]
    naam: Mapped[str] = mapped_column(String(300), default="")
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def weergavenaam(self) -> str:
        if self.type == "natuurlijk_persoon":
            parts = [self.voornamen, self.voorvoegsel, self.geslachtsnaam]
            return " ".join(p for p in parts if p) or self.naam
        return self.naam


class Rol(Base):
    """A betrokkene in a zaak: in one of the zaaktype's roltypen (``roltype``, e.g.
    "Procesregie (gemeente)"), or only in a generic role. ``omschrijving`` is always the
    generic role (the roltype's omschrijving_generiek when there is one)."""

    __tablename__ = "rol"
    __table_args__ = (
        # once per roltype; NULLs never clash here, so generic roles have their own index
        UniqueConstraint("zaak_id", "betrokkene_id", "roltype_id"),
        Index(
            "uq_rol_generiek",
            "zaak_id",
            "betrokkene_id",
            "omschrijving",
            unique=True,
            sqlite_where=text("roltype_id IS NULL"),
            postgresql_where=text("roltype_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id", ondelete="CASCADE"), index=True)
    betrokkene_id: Mapped[int] = mapped_column(ForeignKey("betrokkene.id"), index=True)
    omschrijving: Mapped[str] = mapped_column(String(40))
    roltype_id: Mapped[int | None] = mapped_column(ForeignKey("roltype.id"))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    zaak: Mapped[Zaak] = relationship(back_populates="rollen")
    betrokkene: Mapped[Betrokkene] = relationship()
    roltype: Mapped[RolType | None] = relationship()


class Document(Base):
    """An enkelvoudig informatieobject; content lives in its versions."""

    __tablename__ = "document"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (see Zaak)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    identificatie: Mapped[str] = mapped_column(String(40), unique=True)
    titel: Mapped[str] = mapped_column(String(300))
    auteur: Mapped[str] = mapped_column(String(200), default="")
    informatieobjecttype_id: Mapped[int] = mapped_column(ForeignKey("informatieobjecttype.id"))
    vertrouwelijkheidaanduiding: Mapped[str] = mapped_column(String(VERTROUWELIJKHEID_LEN))
    creatiedatum: Mapped[date]
    ontvangstdatum: Mapped[date | None]
    verzenddatum: Mapped[date | None]
    richting: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), default="in_bewerking")
    taal: Mapped[str] = mapped_column(String(3), default="nld")
    bijlage_van_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    aangemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    informatieobjecttype: Mapped[InformatieObjectType] = relationship()
    versies: Mapped[list[DocumentVersie]] = relationship(
        back_populates="document", order_by="DocumentVersie.versie", cascade="all, delete-orphan"
    )
    zaak_links: Mapped[list[ZaakDocument]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    bijlage_van: Mapped[Document | None] = relationship(remote_side="Document.id")

    @property
    def laatste_versie(self) -> DocumentVersie | None:
        return self.versies[-1] if self.versies else None


class DocumentVersie(Base):
    __tablename__ = "documentversie"
    __table_args__ = (
        UniqueConstraint("document_id", "versie"),
        {"sqlite_autoincrement": True},  # ids never reused (see Zaak)
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    versie: Mapped[int]
    bestandsnaam: Mapped[str] = mapped_column(String(255))
    formaat: Mapped[str] = mapped_column(String(120))
    bestandsomvang: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    paginas: Mapped[int | None]
    tekst: Mapped[str | None] = mapped_column(Text)
    geen_tekstlaag: Mapped[bool] = mapped_column(default=False)
    kenmerken: Mapped[dict] = mapped_column(default=dict)
    risico: Mapped[list] = mapped_column(default=list)
    aangemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versies")
    aangemaakt_door: Mapped[User | None] = relationship()


class ZaakDocument(Base):
    """Links a document to a zaak; one document can be in several zaken."""

    __tablename__ = "zaak_document"
    __table_args__ = (UniqueConstraint("zaak_id", "document_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)

    zaak: Mapped[Zaak] = relationship(back_populates="document_links")
    document: Mapped[Document] = relationship(back_populates="zaak_links")


class SearchOutbox(Base):
    """Changes for the search index, applied by the index worker after commit."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(BigId)
    actie: Mapped[str] = mapped_column(String(16))
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    verwerkt_op: Mapped[datetime | None] = mapped_column(index=True)


class ZaakTelling(Base):
    """How many zaken there are per department, zaaktype, level and open/closed — kept by
    database triggers on ``zaak`` (migration 0013), never written by the application. A
    list's exact count is a sum over the few rows a user's access selects
    (``archive.zaken.count_zaken``) instead of a count over up to a million zaken."""

    __tablename__ = "zaak_telling"

    afdeling_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    zaaktype_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    vertrouwelijkheidaanduiding: Mapped[str] = mapped_column(
        String(VERTROUWELIJKHEID_LEN), primary_key=True
    )
    open: Mapped[bool] = mapped_column(primary_key=True)
    aantal: Mapped[int] = mapped_column(BigInteger)


class Machtiging(Base):
    """An explicit grant on one zaak for someone outside its department (a partner
    professional), with a reason and an expiry date."""

    __tablename__ = "machtiging"
    __table_args__ = (Index("ix_machtiging_user_zaak", "user_id", "zaak_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    rol: Mapped[str] = mapped_column(String(16), default="lezen")  # lezen | behandelen
    clearance: Mapped[str] = mapped_column(String(VERTROUWELIJKHEID_LEN))
    reden: Mapped[str] = mapped_column(Text)
    verloopt_op: Mapped[date]
    verleend_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    verleend_op: Mapped[datetime] = mapped_column(default=utcnow)
    ingetrokken_op: Mapped[datetime | None]

    zaak: Mapped[Zaak] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    verleend_door: Mapped[User | None] = relationship(foreign_keys=[verleend_door_id])


class ToegangslogRegel(Base):
    """Who viewed or downloaded a confidential record, when, and through which path
    (NEN 7513). Written for zaakvertrouwelijk and higher."""

    __tablename__ = "toegangslog"
    __table_args__ = (
        Index("ix_toegangslog_zaak", "zaak_id", "tijdstip"),
        Index("ix_toegangslog_user", "user_id", "tijdstip"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tijdstip: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    actie: Mapped[str] = mapped_column(String(20))  # bekeken | gedownload
    object_type: Mapped[str] = mapped_column(String(20))  # zaak | document
    object_id: Mapped[str] = mapped_column(String(40))
    zaak_id: Mapped[int | None] = mapped_column(BigId)
    vertrouwelijkheidaanduiding: Mapped[str] = mapped_column(String(VERTROUWELIJKHEID_LEN))
    pad: Mapped[str] = mapped_column(String(20))  # ui | api | cli | zoeken | export

    user: Mapped[User] = relationship()


class Uitzondering(Base):
    """An exception from destruction (hotspot): what falls under it is kept permanently.

    ``scope`` says which field selects the zaken: ``afdeling`` (afdeling_id), ``zaaktype``
    (zaaktype_identificatie, so every version), ``periode`` (the zaak's startdatum within
    periode_van..periode_tot, inclusive), ``zoekselectie`` (zoekvraag, resolved once to the
    zaken in ``zaken``) or ``zaken`` (single zaken in ``zaken``). Removing keeps the row.
    """

    __tablename__ = "uitzondering"
    __table_args__ = (Index("ix_uitzondering_scope", "scope", "verwijderd_op"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    omschrijving: Mapped[str] = mapped_column(String(200))
    toelichting: Mapped[str] = mapped_column(Text)
    besluitkenmerk: Mapped[str] = mapped_column(String(200))
    afdeling_id: Mapped[int | None] = mapped_column(ForeignKey("afdeling.id"))
    zaaktype_identificatie: Mapped[str | None] = mapped_column(String(80))
    periode_van: Mapped[date | None]
    periode_tot: Mapped[date | None]
    zoekvraag: Mapped[str | None] = mapped_column(Text)
    aangemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    verwijderd_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    verwijderd_op: Mapped[datetime | None]

    afdeling: Mapped[Afdeling | None] = relationship()
    aangemaakt_door: Mapped[User | None] = relationship(foreign_keys=[aangemaakt_door_id])
    verwijderd_door: Mapped[User | None] = relationship(foreign_keys=[verwijderd_door_id])
    zaak_links: Mapped[list[UitzonderingZaak]] = relationship(
        back_populates="uitzondering", cascade="all, delete-orphan"
    )

    @property
    def actief(self) -> bool:
        return self.verwijderd_op is None


class UitzonderingZaak(Base):
    """A zaak an exception names explicitly (single zaken, or a resolved search)."""

    __tablename__ = "uitzondering_zaak"

    uitzondering_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("uitzondering.id", ondelete="CASCADE"), primary_key=True
    )
    zaak_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("zaak.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    uitzondering: Mapped[Uitzondering] = relationship(back_populates="zaak_links")


class Bevriezing(Base):
    """A legal hold on one zaak or one document (Woo-verzoek, rechtszaak,
    calamiteitenonderzoek): while active, the object may not be destroyed or deleted.
    Lifting sets ``opgeheven_op``; the row stays, with the object's identificatie, so the
    history outlives the object."""

    __tablename__ = "bevriezing"
    __table_args__ = (
        CheckConstraint("(zaak_id IS NULL) OR (document_id IS NULL)", name="zaak_of_document"),
        Index("ix_bevriezing_zaak", "zaak_id", "opgeheven_op"),
        Index("ix_bevriezing_document", "document_id", "opgeheven_op"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    object_type: Mapped[str] = mapped_column(String(16))  # zaak | document
    object_identificatie: Mapped[str] = mapped_column(String(40))
    zaak_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("zaak.id", ondelete="SET NULL"))
    document_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("document.id", ondelete="SET NULL")
    )
    grond: Mapped[str] = mapped_column(String(32))
    kenmerk: Mapped[str] = mapped_column(String(200), default="")
    reden: Mapped[str] = mapped_column(Text)
    eigenaar_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    startdatum: Mapped[date]
    geplaatst_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    geplaatst_op: Mapped[datetime] = mapped_column(default=utcnow)
    opgeheven_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    opgeheven_op: Mapped[datetime | None]
    opheffing_toelichting: Mapped[str] = mapped_column(Text, default="")

    zaak: Mapped[Zaak | None] = relationship()
    document: Mapped[Document | None] = relationship()
    eigenaar: Mapped[User] = relationship(foreign_keys=[eigenaar_id])
    geplaatst_door: Mapped[User | None] = relationship(foreign_keys=[geplaatst_door_id])
    opgeheven_door: Mapped[User | None] = relationship(foreign_keys=[opgeheven_door_id])

    @property
    def actief(self) -> bool:
        return self.opgeheven_op is None


@event.listens_for(Session, "before_flush")
def _refuse_deleting_held(session: Session, _flush_context, _instances) -> None:
    """The last line of defence for legal holds: no delete path, present or future, may
    remove a zaak or document under an active bevriezing (``retention.bevriezingen``)."""
    from archive.errors import Conflict

    zaak_ids = [o.id for o in session.deleted if isinstance(o, Zaak) and o.id is not None]
    document_ids = [o.id for o in session.deleted if isinstance(o, Document) and o.id is not None]
    if not zaak_ids and not document_ids:
        return
    clauses = []
    if zaak_ids:
        clauses.append(Bevriezing.zaak_id.in_(zaak_ids))
    if document_ids:
        clauses.append(Bevriezing.document_id.in_(document_ids))
    with session.no_autoflush:
        held = session.scalars(
            select(Bevriezing.object_identificatie)
            .where(Bevriezing.opgeheven_op.is_(None), or_(*clauses))
            .limit(1)
        ).first()
    if held is not None:
        raise Conflict(f"{held} is bevroren (legal hold) en kan niet verwijderd worden.")


class Vernietigingslijst(Base):
    """A destruction list (``retention.vernietiging``): drafted by an archivaris from a
    selection of due zaken, reviewed by named reviewers, approved by another archivaris,
    executed after the bedenktijd. Kept for good after execution, as the record behind
    the verklaring van vernietiging."""

    __tablename__ = "vernietigingslijst"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default="nieuw", index=True)
    selectie: Mapped[dict] = mapped_column(default=dict)  # the filter it was built from
    ronde: Mapped[int] = mapped_column(default=0)  # review round, +1 per submission
    auteur_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    ingediend_op: Mapped[datetime | None]
    beoordeeld_op: Mapped[datetime | None]
    goedgekeurd_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    goedgekeurd_op: Mapped[datetime | None]
    bedenktijd_tot: Mapped[datetime | None]
    uitgevoerd_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    uitvoering_gestart_op: Mapped[datetime | None]
    vernietigd_op: Mapped[datetime | None]
    afgebroken_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    afgebroken_op: Mapped[datetime | None]
    afbreek_reden: Mapped[str] = mapped_column(Text, default="")
    # the verklaring van vernietiging, filed as documents (identificaties: they outlive
    # nothing here, the documents are kept permanently)
    verklaring_pdf: Mapped[str | None] = mapped_column(String(40))
    verklaring_csv: Mapped[str | None] = mapped_column(String(40))

    auteur: Mapped[User] = relationship(foreign_keys=[auteur_id])
    goedgekeurd_door: Mapped[User | None] = relationship(foreign_keys=[goedgekeurd_door_id])
    uitgevoerd_door: Mapped[User | None] = relationship(foreign_keys=[uitgevoerd_door_id])
    afgebroken_door: Mapped[User | None] = relationship(foreign_keys=[afgebroken_door_id])
    items: Mapped[list[VernietigingslijstItem]] = relationship(
        back_populates="lijst", order_by="VernietigingslijstItem.id", cascade="all, delete-orphan"
    )
    beoordelaars: Mapped[list[VernietigingslijstBeoordelaar]] = relationship(
        back_populates="lijst",
        order_by="VernietigingslijstBeoordelaar.id",
        cascade="all, delete-orphan",
    )
    beoordelingen: Mapped[list[VernietigingslijstBeoordeling]] = relationship(
        back_populates="lijst",
        order_by="VernietigingslijstBeoordeling.id",
        cascade="all, delete-orphan",
    )


class VernietigingslijstBeoordelaar(Base):
    """A named reviewer of one destruction list."""

    __tablename__ = "vernietigingslijst_beoordelaar"
    __table_args__ = (UniqueConstraint("lijst_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lijst_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("vernietigingslijst.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), index=True)

    lijst: Mapped[Vernietigingslijst] = relationship(back_populates="beoordelaars")
    user: Mapped[User] = relationship()


class VernietigingslijstItem(Base):
    """One zaak on a destruction list. ``gegevens`` is the snapshot of its retention
    metadata for the verklaring (taken when added, refreshed just before destruction), so
    the proof outlives the zaak; ``status``: op_lijst, uitgezonderd (taken off after
    review), vernietigd, geweigerd (refused at execution, ``melding`` says why).
    ``blobs_te_verwijderen``: content to remove once the destruction committed."""

    __tablename__ = "vernietigingslijst_item"
    __table_args__ = (UniqueConstraint("lijst_id", "zaak_identificatie"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lijst_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("vernietigingslijst.id", ondelete="CASCADE"), index=True
    )
    zaak_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("zaak.id", ondelete="SET NULL"), index=True
    )
    zaak_identificatie: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="op_lijst")
    gegevens: Mapped[dict] = mapped_column(default=dict)
    uitgevoerd_op: Mapped[datetime | None]
    melding: Mapped[str] = mapped_column(Text, default="")
    documenten_vernietigd: Mapped[int] = mapped_column(default=0)
    documenten_ontkoppeld: Mapped[int] = mapped_column(default=0)
    blobs_te_verwijderen: Mapped[list] = mapped_column(default=list)

    lijst: Mapped[Vernietigingslijst] = relationship(back_populates="items")
    zaak: Mapped[Zaak | None] = relationship()
    opmerkingen: Mapped[list[VernietigingslijstOpmerking]] = relationship(
        back_populates="item",
        order_by="VernietigingslijstOpmerking.id",
        cascade="all, delete-orphan",
    )


class VernietigingslijstBeoordeling(Base):
    """One reviewer's verdict in one round: akkoord, or wijzigingen (items excluded, each
    with its reason in an opmerking)."""

    __tablename__ = "vernietigingslijst_beoordeling"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lijst_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("vernietigingslijst.id", ondelete="CASCADE"), index=True
    )
    beoordelaar_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    ronde: Mapped[int]
    besluit: Mapped[str] = mapped_column(String(16))  # akkoord | wijzigingen
    toelichting: Mapped[str] = mapped_column(Text, default="")
    beoordeeld_op: Mapped[datetime] = mapped_column(default=utcnow)

    lijst: Mapped[Vernietigingslijst] = relationship(back_populates="beoordelingen")
    beoordelaar: Mapped[User] = relationship()
    opmerkingen: Mapped[list[VernietigingslijstOpmerking]] = relationship(
        back_populates="beoordeling", order_by="VernietigingslijstOpmerking.id"
    )


class VernietigingslijstOpmerking(Base):
    """A reviewer's exclusion of one item (with its mandatory reason) and the author's
    answer: ``verwijderen`` (taken off the list) or ``handhaven`` (kept, with why)."""

    __tablename__ = "vernietigingslijst_opmerking"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("vernietigingslijst_item.id", ondelete="CASCADE"), index=True
    )
    beoordeling_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("vernietigingslijst_beoordeling.id", ondelete="CASCADE"), index=True
    )
    reden: Mapped[str] = mapped_column(Text)
    antwoord_besluit: Mapped[str | None] = mapped_column(String(16))
    antwoord: Mapped[str] = mapped_column(Text, default="")
    beantwoord_op: Mapped[datetime | None]

    item: Mapped[VernietigingslijstItem] = relationship(back_populates="opmerkingen")
    beoordeling: Mapped[VernietigingslijstBeoordeling] = relationship(back_populates="opmerkingen")


class Overbrenging(Base):
    """A transfer to the e-Depot: the SIP exported (``geexporteerd``), then confirmed by an
    archivist once the e-Depot has received it (``bevestigd``; the zaken are *overgedragen*).
    ``bestanden`` lists what the package holds (document, versie, sha256), so confirming
    knows exactly which local content it may remove."""

    __tablename__ = "overbrenging"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    naam: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="geexporteerd", index=True)
    pakket_pad: Mapped[str] = mapped_column(Text)
    zip_pad: Mapped[str | None] = mapped_column(Text)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    aantal_zaken: Mapped[int] = mapped_column(default=0)
    aantal_documenten: Mapped[int] = mapped_column(default=0)
    omvang: Mapped[int] = mapped_column(BigInteger, default=0)
    bestanden: Mapped[list] = mapped_column(default=list)
    aangemaakt_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    bevestigd_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    bevestigd_op: Mapped[datetime | None]
    bevestiging_toelichting: Mapped[str] = mapped_column(Text, default="")
    inhoud_verwijderd: Mapped[bool] = mapped_column(default=False)

    aangemaakt_door: Mapped[User | None] = relationship(foreign_keys=[aangemaakt_door_id])
    bevestigd_door: Mapped[User | None] = relationship(foreign_keys=[bevestigd_door_id])
    zaak_links: Mapped[list[OverbrengingZaak]] = relationship(
        back_populates="overbrenging",
        order_by="OverbrengingZaak.id",
        cascade="all, delete-orphan",
    )


class OverbrengingZaak(Base):
    """A zaak in a transfer; its identificatie is copied so the record outlives the row."""

    __tablename__ = "overbrenging_zaak"
    __table_args__ = (UniqueConstraint("overbrenging_id", "zaak_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    overbrenging_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("overbrenging.id", ondelete="CASCADE")
    )
    zaak_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("zaak.id", ondelete="SET NULL"), index=True
    )
    zaak_identificatie: Mapped[str] = mapped_column(String(40))

    overbrenging: Mapped[Overbrenging] = relationship(back_populates="zaak_links")
    zaak: Mapped[Zaak | None] = relationship()


# -- notifications (archive/notificaties) ---------------------------------------------------


class Volging(Base):
    """A user follows a zaak, a person (betrokkene) or a department. Rows made by a role
    (``reden`` melder/behandelaar/regisseur) are never re-activated once the user
    unfollowed (``actief`` false): unfollowing sticks."""

    __tablename__ = "volging"
    __table_args__ = (
        UniqueConstraint("user_id", "soort", "object_id"),
        Index("ix_volging_object", "soort", "object_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id", ondelete="CASCADE"))
    soort: Mapped[str] = mapped_column(String(16))  # zaak | persoon | afdeling
    object_id: Mapped[int] = mapped_column(BigInteger)
    reden: Mapped[str] = mapped_column(String(16), default="handmatig")
    actief: Mapped[bool] = mapped_column(default=True)
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    gewijzigd_op: Mapped[datetime] = mapped_column(default=utcnow)


class NotificatieGebeurtenis(Base):
    """The notification outbox: one row per event, written in the transaction of the
    change itself. ``kenmerk`` is the idempotency key receivers use to drop duplicates.
    Only ids and identificaties, never names, BSNs or content."""

    __tablename__ = "notificatie_gebeurtenis"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kenmerk: Mapped[str] = mapped_column(String(36), unique=True)
    soort: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id", ondelete="SET NULL"))
    # plain ids, no foreign keys: the event outlives nothing it names (destruction deletes
    # the notifications of a zaak explicitly) and must not block a delete
    zaak_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    document_id: Mapped[int | None] = mapped_column(BigInteger)
    afdeling_id: Mapped[int | None]
    betrokkene_id: Mapped[int | None] = mapped_column(BigInteger)
    vernietigingslijst_id: Mapped[int | None]
    gegevens: Mapped[dict] = mapped_column(default=dict)
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    verwerkt_op: Mapped[datetime | None] = mapped_column(index=True)


class Notificatie(Base):
    """One inbox entry: an event delivered to one user (at most once: the unique key)."""

    __tablename__ = "notificatie"
    __table_args__ = (
        UniqueConstraint("gebeurtenis_id", "user_id"),
        Index("ix_notificatie_user", "user_id", "gelezen_op"),
        # destruction deletes by zaak OR document: without it, a scan per destroyed zaak
        Index("ix_notificatie_document", "document_id"),
        Index("ix_notificatie_aangemaakt_op", "aangemaakt_op"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    gebeurtenis_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("notificatie_gebeurtenis.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id", ondelete="CASCADE"))
    soort: Mapped[str] = mapped_column(String(40))
    reden: Mapped[str] = mapped_column(String(16))
    zaak_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    document_id: Mapped[int | None] = mapped_column(BigInteger)
    afdeling_id: Mapped[int | None]
    vernietigingslijst_id: Mapped[int | None]
    # e-mail: geen | direct (a MailBericht was queued) | digest (waits for the daily mail)
    mail: Mapped[str] = mapped_column(String(12), default="geen")
    gemaild_op: Mapped[datetime | None]
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    gelezen_op: Mapped[datetime | None]

    gebeurtenis: Mapped[NotificatieGebeurtenis] = relationship()


class NotificatieVoorkeur(Base):
    """How a user wants to hear about notifications by e-mail."""

    __tablename__ = "notificatie_voorkeur"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(12), default="dagelijks")  # geen|direct|dagelijks
    digest_uur: Mapped[int] = mapped_column(default=7)
    laatste_digest_op: Mapped[datetime | None]
    gewijzigd_op: Mapped[datetime] = mapped_column(default=utcnow)


class MailBericht(Base):
    """The mail outbox: a neutral message (identificaties and links only) for one user.
    The address is read at sending time; ``kenmerk`` is the Message-ID."""

    __tablename__ = "mail_bericht"
    __table_args__ = (Index("ix_mail_bericht_wachtend", "status", "volgende_poging_op"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kenmerk: Mapped[str] = mapped_column(String(120), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id", ondelete="CASCADE"))
    onderwerp: Mapped[str] = mapped_column(String(200))
    tekst: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="wachtend")  # |verzonden|mislukt
    pogingen: Mapped[int] = mapped_column(default=0)
    volgende_poging_op: Mapped[datetime] = mapped_column(default=utcnow)
    geclaimd_tot: Mapped[datetime | None]
    laatste_fout: Mapped[str] = mapped_column(String(300), default="")
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    verzonden_op: Mapped[datetime | None]


class Webhook(Base):
    """An outgoing webhook for another system; the secret is stored encrypted."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    geheim_versleuteld: Mapped[str] = mapped_column(Text)
    soorten: Mapped[list] = mapped_column(default=list)  # empty: every kind
    afdeling_ids: Mapped[list] = mapped_column(default=list)  # empty: every department
    actief: Mapped[bool] = mapped_column(default=True)
    aangemaakt_door_id: Mapped[int | None] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="SET NULL")
    )
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookAflevering(Base):
    """One event for one webhook: wachtend → afgeleverd, or dood (dead letter) after the
    last retry; a replay puts it back to wachtend."""

    __tablename__ = "webhook_aflevering"
    __table_args__ = (
        UniqueConstraint("webhook_id", "gebeurtenis_id"),
        Index("ix_webhook_aflevering_wachtend", "status", "volgende_poging_op"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    gebeurtenis_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("notificatie_gebeurtenis.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16), default="wachtend")
    pogingen: Mapped[int] = mapped_column(default=0)
    volgende_poging_op: Mapped[datetime] = mapped_column(default=utcnow)
    geclaimd_tot: Mapped[datetime | None]
    laatste_fout: Mapped[str] = mapped_column(String(300), default="")
    laatste_http_status: Mapped[int | None]
    aangemaakt_op: Mapped[datetime] = mapped_column(default=utcnow)
    afgeleverd_op: Mapped[datetime | None]

    webhook: Mapped[Webhook] = relationship()
    gebeurtenis: Mapped[NotificatieGebeurtenis] = relationship()
