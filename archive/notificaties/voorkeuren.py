"""A user's notification preferences: e-mail at once, as a daily digest, or not at all."""

from __future__ import annotations

from sqlalchemy.orm import Session

from archive import audit
from archive.db import utcnow
from archive.errors import ValidationFailed
from archive.models import NotificatieVoorkeur, User
from archive.notificaties import soorten

STANDAARD_EMAIL = "dagelijks"
STANDAARD_UUR = 7


def get_preferences(session: Session, user: User) -> NotificatieVoorkeur:
    """The stored preferences, or the defaults (not saved until changed)."""
    row = session.get(NotificatieVoorkeur, user.id)
    return row or NotificatieVoorkeur(
        user_id=user.id, email=STANDAARD_EMAIL, digest_uur=STANDAARD_UUR
    )


def set_preferences(
    session: Session, user: User, *, email: str, digest_uur: int | str | None = None
) -> NotificatieVoorkeur:
    errors: dict[str, list[str]] = {}
    if email not in soorten.EMAIL_KEUZES:
        errors["email"] = [f"Kies een van: {', '.join(soorten.EMAIL_KEUZES)}."]
    uur = STANDAARD_UUR
    if digest_uur not in (None, ""):
        try:
            uur = int(digest_uur)
        except (TypeError, ValueError):
            uur = -1
        if not 0 <= uur <= 23:
            errors["digest_uur"] = ["Kies een heel uur van 0 tot en met 23."]
    if errors:
        raise ValidationFailed(errors)
    row = session.get(NotificatieVoorkeur, user.id)
    voor = {"email": row.email, "digest_uur": row.digest_uur} if row else None
    if row is None:
        row = NotificatieVoorkeur(user_id=user.id)
        session.add(row)
    row.email = email
    row.digest_uur = uur
    row.gewijzigd_op = utcnow()
    session.flush()
    audit.record(
        session,
        user,
        "notificatie.voorkeur_gewijzigd",
        "gebruiker",
        str(user.id),
        voor=voor,
        na={"email": email, "digest_uur": uur},
    )
    return row
