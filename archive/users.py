"""Users, passwords (argon2) and API tokens (stored as sha256 only)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import secrets
from datetime import date, datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from archive import access, audit, rollen
from archive.db import utcnow
from archive.enums import Gebruikersrol
from archive.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from archive.models import ApiToken, User

_hasher = PasswordHasher()
# A hash of a random password: verifying against it for unknown users keeps timing equal.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def use_cheap_hashing_for_tests() -> None:
    """Tests create hundreds of users; production parameters would cost ~0.1 s each."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "dh_"
ADMIN_ROLES = rollen.BEHEER


def is_user_admin(actor: User | None) -> bool:
    """Users and their rights are DIV's work; ``None`` is the system (CLI, demo, tests)."""
    if actor is None:
        return True
    return rollen.is_beheerder(actor)


def require_user_admin(actor: User | None) -> None:
    if not is_user_admin(actor):
        raise Forbidden("Alleen een beheerder mag gebruikers beheren.")


def generate_password() -> str:
    """A random password well above the policy, for a new account or a reset."""
    return secrets.token_urlsafe(15)


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            {"password": [f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens."]}
        )


def create_user(
    session: Session,
    actor: User | None,
    *,
    username: str,
    naam: str,
    password: str,
    roles: list[str],
    email: str | None = None,
) -> User:
    require_user_admin(actor)
    username = username.strip().lower()
    errors: dict[str, list[str]] = {}
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        errors["username"] = ["Gebruik letters, cijfers, punt, streepje of liggend streepje."]
    unknown = [r for r in roles if r not in Gebruikersrol.__members__]
    if unknown:
        errors["roles"] = [f"Onbekende rol: {', '.join(unknown)}."]
    if errors:
        raise ValidationFailed(errors)
    check_password_policy(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"De gebruikersnaam '{username}' bestaat al.", field="username")
    user = User(
        username=username,
        naam=naam.strip() or username,
        email=email,
        password_hash=_hasher.hash(password),
        roles=sorted(set(roles)),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "gebruiker.aangemaakt",
        "gebruiker",
        str(user.id),
        na={"username": username, "roles": user.roles},
    )
    return user


def set_password(session: Session, actor: User | None, user: User, password: str) -> None:
    require_user_admin(actor)
    check_password_policy(password)
    user.password_hash = _hasher.hash(password)
    audit.record(session, actor, "gebruiker.wachtwoord_gewijzigd", "gebruiker", str(user.id))


MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class AccountLocked(DomainError):
    status = 429


def authenticate(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> User | None:
    """The user for these credentials, or None; inactive users cannot log in.

    After MAX_FAILED_LOGINS failures in a row the account is locked for LOCKOUT; the
    caller must commit even when it answers with an error, or the count is lost.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
            _hasher.verify(_DUMMY_HASH, password)  # equal timing for unknown usernames
        return None
    if user.geblokkeerd_tot is not None and user.geblokkeerd_tot > now:
        raise AccountLocked(
            "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het "
            f"na {user.geblokkeerd_tot.astimezone():%H:%M} opnieuw of vraag de beheerder.",
            code="account_locked",
        )
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.mislukte_pogingen += 1
        if user.mislukte_pogingen >= MAX_FAILED_LOGINS:
            user.geblokkeerd_tot = now + LOCKOUT
            user.mislukte_pogingen = 0
            audit.record(
                session,
                None,
                "gebruiker.geblokkeerd",
                "gebruiker",
                str(user.id),
                na={"tot": user.geblokkeerd_tot.isoformat()},
            )
        return None
    if not user.active:
        return None
    user.mislukte_pogingen = 0
    user.geblokkeerd_tot = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def unlock(session: Session, actor: User | None, user: User) -> None:
    require_user_admin(actor)
    user.mislukte_pogingen = 0
    user.geblokkeerd_tot = None
    audit.record(session, actor, "gebruiker.gedeblokkeerd", "gebruiker", str(user.id))


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"Gebruiker '{username}' bestaat niet.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def list_tokens(session: Session, user: User | None = None) -> list[ApiToken]:
    """Token metadata only; the secrets were never stored."""
    query = select(ApiToken).order_by(ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session, actor: User | None, user: User, naam: str, verloopt_op: datetime | None
) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and never stored."""
    if verloopt_op is not None and verloopt_op <= utcnow():
        raise DomainError("De vervaldatum ligt in het verleden.", field="verloopt_op")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        naam=naam,
        prefix=secret[:10],
        token_hash=_hash_token(secret),
        verloopt_op=verloopt_op,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor,
        "token.aangemaakt",
        "api_token",
        str(token.id),
        na={"user_id": user.id, "naam": naam},
    )
    return token, secret


def revoke_token(session: Session, actor: User | None, token_id: int) -> ApiToken:
    """Its owner or a beheerder revokes a token; to anyone else it does not exist."""
    token = session.get(ApiToken, token_id)
    if token is None or not (
        is_user_admin(actor) or (actor.is_active and token.user_id == actor.id)
    ):
        raise NotFound(f"Token {token_id} bestaat niet.")
    if token.ingetrokken_op is None:
        token.ingetrokken_op = utcnow()
        audit.record(session, actor, "token.ingetrokken", "api_token", str(token.id))
    return token


# How stale ``ApiToken.laatst_gebruikt_op`` may get. Writing it on every request made each
# API read a write transaction, and concurrent requests with one token queued on that row's
# lock (issue 8: 16 clients were served one at a time); a minute is precise enough to see
# which tokens are in use.
TOKEN_GEBRUIK_RESOLUTIE = timedelta(minutes=1)


@functools.cache
def _token_query():
    """The token with its user and the user's memberships and grants, in one round trip
    (``access.toegang_columns``); built once: building it cost more than running it."""
    return (
        select(ApiToken, *access.toegang_columns(ApiToken.user_id))
        .where(ApiToken.token_hash == bindparam("token_hash"))
        .options(joinedload(ApiToken.user))
    )


def user_for_token(session: Session, secret: str, *, now: datetime | None = None) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token. The moment of last use
    is recorded at most once per ``TOKEN_GEBRUIK_RESOLUTIE``."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = now or utcnow()
    row = session.execute(
        _token_query(),
        {"token_hash": _hash_token(secret), access.TOEGANG_VANDAAG: date.today()},
    ).first()
    token = row[0] if row is not None else None
    if token is None or token.ingetrokken_op is not None:
        return None
    if token.verloopt_op is not None and token.verloopt_op <= now:
        return None
    if not token.user.active:
        return None
    access.remember_toegang(token.user, row[1], row[2])
    last = token.laatst_gebruikt_op
    if last is None or not (now - TOKEN_GEBRUIK_RESOLUTIE < last <= now):
        token.laatst_gebruikt_op = now
    return token.user


def get_user_by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Gebruiker {user_id} bestaat niet.")
    return user


def update_user(
    session: Session,
    actor: User | None,
    user: User,
    *,
    naam: str,
    email: str | None,
    roles: list[str],
) -> User:
    """Change name, e-mail and global roles; a beheerder keeps their own beheer role."""
    require_user_admin(actor)
    errors: dict[str, list[str]] = {}
    unknown = [r for r in roles if r not in Gebruikersrol.__members__]
    if unknown:
        errors["roles"] = [f"Onbekende rol: {', '.join(unknown)}."]
    elif actor is not None and actor.id == user.id and not ADMIN_ROLES & set(roles):
        errors["roles"] = ["U kunt uzelf de rol beheerder niet afnemen; vraag een collega."]
    if not (naam or "").strip():
        errors["naam"] = ["Geef de naam van de gebruiker."]
    if errors:
        raise ValidationFailed(errors)
    voor = {"naam": user.naam, "email": user.email, "roles": list(user.roles or [])}
    user.naam = naam.strip()
    user.email = (email or "").strip() or None
    user.roles = sorted(set(roles))
    na = {"naam": user.naam, "email": user.email, "roles": user.roles}
    session.flush()
    audit.record(
        session,
        actor,
        "gebruiker.gewijzigd",
        "gebruiker",
        str(user.id),
        voor={k: v for k, v in voor.items() if na[k] != v},
        na={k: v for k, v in na.items() if voor[k] != v},
    )
    return user


def set_active(session: Session, actor: User | None, user: User, active: bool) -> User:
    """(De)activate an account: an inactive user cannot log in and no token of theirs works.

    A beheerder cannot deactivate themselves (someone must remain to undo it)."""
    require_user_admin(actor)
    if not active and actor is not None and actor.id == user.id:
        raise Conflict("U kunt uw eigen account niet deactiveren.", field="active")
    if user.active != active:
        user.active = active
        session.flush()
        audit.record(
            session,
            actor,
            "gebruiker.geactiveerd" if active else "gebruiker.gedeactiveerd",
            "gebruiker",
            str(user.id),
        )
    return user


def reset_password(session: Session, actor: User | None, user: User) -> str:
    """A new generated password (returned once, to hand over) and the lock lifted."""
    require_user_admin(actor)
    secret = generate_password()
    set_password(session, actor, user, secret)
    user.mislukte_pogingen = 0
    user.geblokkeerd_tot = None
    return secret
