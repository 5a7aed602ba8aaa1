"""Logging in and out: hashed secrets, expiry, revocation and throttling."""

from datetime import timedelta

from sqlalchemy import select, text

from server.domain.actor import Role
from server.domain.clock import set_clock, utcnow
from server.domain.models import ApiToken
from server.testing.factories import PASSWORD

LOGIN = "/api/v1/auth/token"


def login(client, login_, password=PASSWORD, addr="10.0.0.1"):
    return client.post(
        LOGIN, json={"login": login_, "password": password}, environ_base={"REMOTE_ADDR": addr}
    )


class TestLogin:
    def test_right_password_gives_a_token_that_works(self, client, make):
        org = make.org()
        user = make.user(org, Role.SUPERVISOR, [make.site(org)], login="li.super")
        response = login(client, "LI.Super")  # logins are case-insensitive
        assert response.status_code == 201
        assert response.json["token_type"] == "Bearer"
        assert response.json["user"]["id"] == user.id
        assert "password" not in response.json["user"]
        me = client.get(
            "/api/v1/auth/me", headers={"Authorization": f"Bearer {response.json['token']}"}
        )
        assert me.status_code == 200 and me.json["login"] == "li.super"

    def test_passwords_are_stored_as_argon2id_and_tokens_as_sha256(self, client, make, db):
        user = make.user(make.org(), login="zhang")
        token = login(client, "zhang").json["token"]
        assert user.password_hash.startswith("$argon2id$")
        stored = db.scalars(select(ApiToken.token_hash).where(ApiToken.user_id == user.id)).all()
        assert token not in stored and len(stored[0]) == 64
        dump = " ".join(str(r) for r in db.execute(text("SELECT * FROM api_tokens")).all())
        assert token not in dump

    def test_wrong_password_and_unknown_login_get_the_same_answer(self, client, make):
        make.user(make.org(), login="wang")
        wrong = login(client, "wang", "not the password")
        unknown = login(client, "nobody", "not the password")
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json == unknown.json
        assert wrong.json["message"] == "wrong login or password"

    def test_deactivated_user_cannot_log_in(self, client, make):
        make.user(make.org(), login="gone", active=False)
        assert login(client, "gone").status_code == 401

    def test_users_of_a_deactivated_organization_cannot_log_in(self, client, make):
        make.user(make.org(), login="orphan")
        org = make.org()
        make.user(org, login="member")
        org.active = False
        make.session.flush()
        assert login(client, "member").status_code == 401
        assert login(client, "orphan").status_code == 201


class TestThrottling:
    def test_five_failures_lock_the_login_even_for_the_right_password(self, client, make):
        make.user(make.org(), login="target")
        for _ in range(5):
            assert login(client, "target", "guess").status_code == 401
        locked = login(client, "target")
        assert locked.status_code == 429
        assert locked.json["code"] == 429
        assert int(locked.headers["Retry-After"]) > 0

    def test_the_lock_lifts_after_the_window(self, client, make):
        make.user(make.org(), login="target")
        for _ in range(5):
            login(client, "target", "guess")
        later = utcnow() + timedelta(minutes=16)
        set_clock(lambda: later)
        assert login(client, "target").status_code == 201

    def test_a_success_clears_earlier_failures(self, client, make):
        make.user(make.org(), login="target")
        for _ in range(4):
            login(client, "target", "typo")
        assert login(client, "target").status_code == 201
        for _ in range(4):
            login(client, "target", "typo")
        assert login(client, "target").status_code == 201

    def test_one_address_spraying_many_logins_is_throttled(self, app, make, client):
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
        try:
            for n in range(3):
                login(client, f"someone{n}", "guess", addr="203.0.113.9")
            assert login(client, "someone9", "guess", addr="203.0.113.9").status_code == 429
            assert login(client, "someone9", "guess", addr="198.51.100.1").status_code == 401
        finally:
            app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 50


class TestTokens:
    def test_logout_revokes_the_token(self, client, make):
        user = make.user(make.org())
        headers = make.auth(user)
        assert client.delete(LOGIN, headers=headers).status_code == 204
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 401

    def test_forged_and_misused_tokens_are_refused_alike(self, client, make, world):
        real = make.auth(make.user(make.org()))["Authorization"]
        device = make.device_auth(world.places["A1"].device)
        last = real[-1]
        forged = [
            real[:-1] + ("A" if last != "A" else "B"),  # one character off
            "Bearer " + "x" * 43,
            "Bearer",
            "Basic " + real.split()[1],
            device["Authorization"],  # a handheld's token opens no user endpoint
        ]
        for header in forged:
            response = client.get("/api/v1/auth/me", headers={"Authorization": header})
            assert response.status_code == 401, header
            assert response.headers["WWW-Authenticate"] == "Bearer"
        # ...and a person's token opens no handheld endpoint.
        response = client.get(
            "/api/v1/device/config", headers={"Authorization": real, "Vigil-Protocol": "1"}
        )
        assert response.status_code == 401

    def test_expired_token_is_refused(self, client, make):
        headers = make.auth(make.user(make.org()))
        later = utcnow() + timedelta(hours=2)
        set_clock(lambda: later)
        response = client.get("/api/v1/auth/me", headers=headers)
        assert response.status_code == 401
        assert response.json["message"] == "invalid, expired or revoked token"

    def test_tokens_expire_after_the_configured_lifetime(self, client, make):
        make.user(make.org(), login="shift")
        issued = login(client, "shift").json
        assert issued["expires_at"] > (utcnow() + timedelta(hours=11, minutes=59)).isoformat()
        assert issued["expires_at"] < (utcnow() + timedelta(hours=12, minutes=1)).isoformat()

    def test_deactivating_a_user_kills_their_tokens(self, client, make):
        org = make.org()
        admin = make.user(org, Role.ADMIN)
        guard = make.user(org, Role.GUARD)
        guard_headers = make.auth(guard)
        response = client.patch(
            f"/api/v1/users/{guard.id}", json={"active": False}, headers=make.auth(admin)
        )
        assert response.status_code == 200
        assert client.get("/api/v1/auth/me", headers=guard_headers).status_code == 401

    def test_a_new_password_revokes_old_tokens_and_works(self, client, make):
        org = make.org()
        admin = make.user(org, Role.ADMIN)
        guard = make.user(org, Role.GUARD, login="reset.me")
        old = make.auth(guard)
        response = client.patch(
            f"/api/v1/users/{guard.id}",
            json={"password": "a brand new password"},
            headers=make.auth(admin),
        )
        assert response.status_code == 200
        assert client.get("/api/v1/auth/me", headers=old).status_code == 401
        assert login(client, "reset.me", "a brand new password").status_code == 201
        assert login(client, "reset.me").status_code == 401


class TestOwnPassword:
    URL = "/api/v1/auth/password"

    def test_a_guard_changes_their_password_and_other_sessions_end(self, client, make):
        make.user(make.org(), login="guard.wang")
        phone = {"Authorization": f"Bearer {login(client, 'guard.wang').json['token']}"}
        handheld = {"Authorization": f"Bearer {login(client, 'guard.wang').json['token']}"}
        body = {"current_password": PASSWORD, "new_password": "my own new password"}
        assert client.post(self.URL, json=body, headers=phone).status_code == 204
        assert client.get("/api/v1/auth/me", headers=phone).status_code == 200
        assert client.get("/api/v1/auth/me", headers=handheld).status_code == 401
        assert login(client, "guard.wang", "my own new password").status_code == 201
        assert login(client, "guard.wang").status_code == 401

    def test_the_current_password_must_be_right(self, client, make):
        headers = make.auth(make.user(make.org()))
        body = {"current_password": "not it", "new_password": "my own new password"}
        response = client.post(self.URL, json=body, headers=headers)
        assert response.status_code == 422
        assert response.json["errors"] == {"current_password": ["does not match"]}

    def test_guessing_the_current_password_is_throttled_like_a_login(self, client, make):
        make.user(make.org(), login="stolen.token")
        headers = {"Authorization": f"Bearer {login(client, 'stolen.token').json['token']}"}
        guess = {"current_password": "guess", "new_password": "my own new password"}
        for _ in range(5):
            assert client.post(self.URL, json=guess, headers=headers).status_code == 422
        right = {"current_password": PASSWORD, "new_password": "my own new password"}
        locked = client.post(self.URL, json=right, headers=headers)
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
        # The guesses count against the login too.
        assert login(client, "stolen.token").status_code == 429

    def test_the_new_password_must_be_long_enough(self, client, make):
        headers = make.auth(make.user(make.org()))
        body = {"current_password": PASSWORD, "new_password": "short"}
        response = client.post(self.URL, json=body, headers=headers)
        assert response.status_code == 422 and "password" in response.json["errors"]
