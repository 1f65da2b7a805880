"""The moment of a token's last use is kept to the minute, not written on every request
(issue 8: a write per API read serialised concurrent clients on the token's row lock)."""

from datetime import timedelta

from sqlalchemy import event

from archive import users
from archive.db import utcnow
from archive.models import ApiToken
from tests import factories


def _updates_of_api_token(db, fn) -> int:
    seen = []

    def count(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE API_TOKEN"):
            seen.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
        db.flush()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_first_use_is_recorded(db):
    user = factories.make_user(db)
    token, secret = users.create_token(db, None, user, "script", None)
    assert token.laatst_gebruikt_op is None
    now = utcnow()
    assert users.user_for_token(db, secret, now=now) == user
    assert token.laatst_gebruikt_op == now


def test_use_within_the_resolution_writes_nothing(db):
    user = factories.make_user(db)
    token, secret = users.create_token(db, None, user, "script", None)
    first = utcnow()
    users.user_for_token(db, secret, now=first)
    db.flush()
    later = first + users.TOKEN_GEBRUIK_RESOLUTIE - timedelta(seconds=1)
    updates = _updates_of_api_token(db, lambda: users.user_for_token(db, secret, now=later))
    assert updates == 0
    assert db.get(ApiToken, token.id).laatst_gebruikt_op == first


def test_use_after_the_resolution_is_recorded(db):
    user = factories.make_user(db)
    token, secret = users.create_token(db, None, user, "script", None)
    first = utcnow()
    users.user_for_token(db, secret, now=first)
    db.flush()
    later = first + users.TOKEN_GEBRUIK_RESOLUTIE + timedelta(seconds=1)
    updates = _updates_of_api_token(db, lambda: users.user_for_token(db, secret, now=later))
    assert updates == 1
    assert token.laatst_gebruikt_op == later


def test_a_last_use_in_the_future_is_corrected(db):
    """A clock that jumped back must not freeze the value until it catches up."""
    user = factories.make_user(db)
    token, secret = users.create_token(db, None, user, "script", None)
    now = utcnow()
    token.laatst_gebruikt_op = now + timedelta(hours=2)
    db.flush()
    users.user_for_token(db, secret, now=now)
    assert token.laatst_gebruikt_op == now
