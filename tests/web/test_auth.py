from archive.users import MAX_FAILED_LOGINS
from tests import factories


def _login(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def test_failed_logins_are_counted_and_lock_the_account(client, db, world):
    user = world.medewerker
    for _ in range(MAX_FAILED_LOGINS):
        response = _login(client, user.username, "verkeerd-wachtwoord")
        assert response.status_code == 401
    db.expire_all()
    assert user.geblokkeerd_tot is not None  # persisted although every answer was an error
    response = _login(client, user.username, factories.PASSWORD)
    assert response.status_code == 429
    assert "geblokkeerd" in response.get_data(as_text=True)


def test_open_redirect_after_login_is_refused(client, world):
    for target in ("//evil.example/x", "/\\evil.example", "https://evil.example/", "/%0d/x"):
        response = client.post(
            f"/login?next={target}",
            data={"username": world.medewerker.username, "password": factories.PASSWORD},
        )
        assert response.status_code == 302
        location = response.headers["Location"]
        assert "evil.example" not in location
        client.post("/logout")


def test_session_cookie_flags(client, world):
    response = _login(client, world.medewerker.username, factories.PASSWORD)
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
