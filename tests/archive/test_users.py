from datetime import timedelta

import pytest

from archive import users
from archive.db import utcnow
from archive.errors import Conflict, DomainError, ValidationFailed
from tests import factories


def test_password_is_hashed_with_argon2_and_authenticates(db):
    user = factories.make_user(db)
    assert user.password_hash.startswith("$argon2")
    assert factories.PASSWORD not in user.password_hash
    assert users.authenticate(db, user.username, factories.PASSWORD) == user
    assert users.authenticate(db, user.username.upper(), factories.PASSWORD) == user
    assert users.authenticate(db, user.username, "wrong-password-123") is None
    assert users.authenticate(db, "nobody", factories.PASSWORD) is None


def test_inactive_user_cannot_log_in(db):
    user = factories.make_user(db)
    user.active = False
    assert users.authenticate(db, user.username, factories.PASSWORD) is None


def test_password_policy_and_duplicates(db):
    with pytest.raises(ValidationFailed) as info:
        users.create_user(db, None, username="kort", naam="K", password="short", roles=[])
    assert "password" in info.value.errors
    factories.make_user(db, username="dubbel")
    with pytest.raises(Conflict):
        factories.make_user(db, username="dubbel")
    with pytest.raises(ValidationFailed) as info:
        users.create_user(db, None, username="x y/", naam="K", password="x" * 12, roles=["keizer"])
    assert set(info.value.errors) == {"username", "roles"}


def test_token_lifecycle(db):
    user = factories.make_user(db)
    token, secret = users.create_token(db, None, user, "script", None)
    assert secret.startswith("dh_") and secret not in token.token_hash
    assert users.user_for_token(db, secret) == user
    assert users.user_for_token(db, secret + "x") is None
    assert users.user_for_token(db, "not-a-token") is None
    users.revoke_token(db, None, token.id)
    assert users.user_for_token(db, secret) is None


def test_expired_token_is_refused(db):
    user = factories.make_user(db)
    token, secret = users.create_token(db, None, user, "kort", utcnow() + timedelta(hours=1))
    token.verloopt_op = utcnow() - timedelta(seconds=1)
    assert users.user_for_token(db, secret) is None
    with pytest.raises(DomainError):
        users.create_token(db, None, user, "oud", utcnow() - timedelta(days=1))


def test_lockout_after_repeated_failures_and_reset_on_success(db):
    from archive.users import MAX_FAILED_LOGINS, AccountLocked

    user = factories.make_user(db)
    assert users.authenticate(db, user.username, "fout-wachtwoord-1") is None
    assert users.authenticate(db, user.username, factories.PASSWORD) == user
    assert user.mislukte_pogingen == 0
    now = utcnow()
    for _ in range(MAX_FAILED_LOGINS):
        assert users.authenticate(db, user.username, "fout-wachtwoord-1", now=now) is None
    with pytest.raises(AccountLocked) as info:
        users.authenticate(db, user.username, factories.PASSWORD, now=now)
    assert info.value.status == 429 and "geblokkeerd" in info.value.message
    later = now + users.LOCKOUT + timedelta(seconds=1)
    assert users.authenticate(db, user.username, factories.PASSWORD, now=later) == user
