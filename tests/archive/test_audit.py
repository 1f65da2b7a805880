"""The audit chain detects edits, removals and truncation; PostgreSQL refuses changes."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from archive import audit
from archive.audit import AuditEvent, verify_chain
from tests import factories
from tests.conftest import backend


def _events(db, world, n=3):
    for i in range(n):
        factories.make_zaak(
            db,
            world.medewerker,
            zaaktype=world.zaaktype,
            afdeling=world.afdeling,
            omschrijving=f"zaak {i}",
        )
    db.flush()


def _tamper(db, sql, **params):
    """Bypass the append-only trigger as a database superuser could."""
    if backend() == "postgresql":
        db.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
    db.execute(text(sql), params)
    if backend() == "postgresql":
        db.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    db.expire_all()


def test_intact_chain_verifies(db, world):
    _events(db, world)
    report = verify_chain(db)
    assert report.ok, report.problems
    assert report.checked >= 3


def test_chain_links_each_event_to_the_previous(db, world):
    _events(db, world, 2)
    events = db.query(AuditEvent).order_by(AuditEvent.volgnummer).all()
    for previous, current in zip(events, events[1:], strict=False):
        assert current.vorige_hash == previous.hash
        assert current.volgnummer == previous.volgnummer + 1
        assert current.hash == audit.compute_hash(current)


def test_edited_event_is_detected(db, world):
    _events(db, world)
    target = db.query(AuditEvent).order_by(AuditEvent.volgnummer.desc()).offset(1).first()
    _tamper(db, "UPDATE audit_event SET actie = 'zaak.verwijderd' WHERE id = :id", id=target.id)
    report = verify_chain(db)
    assert not report.ok
    assert any(
        f"Gebeurtenis {target.volgnummer} " in p and "gewijzigd" in p for p in report.problems
    )


def test_edited_payload_is_detected(db, world):
    _events(db, world)
    target = db.query(AuditEvent).filter(AuditEvent.na.is_not(None)).first()
    cast = "CAST(:na AS JSON)" if backend() == "postgresql" else ":na"
    _tamper(
        db,
        f"UPDATE audit_event SET na = {cast} WHERE id = :id",
        id=target.id,
        na='{"rol": "verzonnen"}',
    )
    assert not verify_chain(db).ok


def test_removed_event_is_detected(db, world):
    _events(db, world)
    target = db.query(AuditEvent).order_by(AuditEvent.volgnummer.desc()).offset(1).first()
    _tamper(db, "DELETE FROM audit_event WHERE id = :id", id=target.id)
    report = verify_chain(db)
    assert any("ontbreekt" in p for p in report.problems)


def test_removed_tail_is_detected(db, world):
    _events(db, world)
    last = db.query(AuditEvent).order_by(AuditEvent.volgnummer.desc()).first()
    _tamper(db, "DELETE FROM audit_event WHERE id = :id", id=last.id)
    report = verify_chain(db)
    assert any("kop van de keten" in p for p in report.problems)


@pytest.mark.skipif(backend() != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete(db, world):
    _events(db, world, 1)
    for sql in ("UPDATE audit_event SET actie = 'x'", "DELETE FROM audit_event"):
        savepoint = db.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(sql))
        savepoint.rollback()


def _head_locks(db):
    """Count the statements that lock the chain's head on ``db``'s connection."""
    from sqlalchemy import event

    seen = []

    def count(_conn, _cursor, statement, *_args):
        if "audit_kop" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(engine, "before_cursor_execute", count)


def test_the_head_is_locked_once_per_transaction(db, world):
    audit.record(db, world.medewerker, "test.eerste", "test", "0")  # the head exists now
    db.commit()
    seen, stop = _head_locks(db)
    try:
        for i in range(5):
            audit.record(db, world.medewerker, "test.reeks", "test", str(i))
        assert len(seen) == 1
        db.commit()  # a new transaction locks it again
        audit.record(db, world.medewerker, "test.daarna", "test", "6")
        assert len(seen) == 2
    finally:
        stop()
    assert verify_chain(db).ok


def test_a_rolled_back_savepoint_forgets_the_locked_head(db, world):
    audit.record(db, world.medewerker, "test.voor", "test", "0")
    nested = db.begin_nested()
    audit.record(db, world.medewerker, "test.teruggedraaid", "test", "1")
    nested.rollback()
    event = audit.record(db, world.medewerker, "test.na", "test", "2")
    events = db.query(AuditEvent).order_by(AuditEvent.volgnummer).all()
    assert [e.actie for e in events[-2:]] == ["test.voor", "test.na"]
    assert event.volgnummer == events[-2].volgnummer + 1
    report = verify_chain(db)
    assert report.ok, report.problems


def test_an_expunged_head_is_locked_and_read_again(db, world):
    first = audit.record(db, world.medewerker, "test.voor", "test", "0")
    volgnummer = first.volgnummer
    db.expunge_all()  # as verify_chain does while reading in batches
    event = audit.record(db, world.medewerker, "test.na", "test", "1")
    assert event.volgnummer == volgnummer + 1
    assert verify_chain(db).ok
