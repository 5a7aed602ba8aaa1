"""Logging in and out."""

from datetime import timedelta

from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest.error_handler import ErrorSchema

from server.api.auth.schemas import LoginSchema, PasswordChangeSchema, TokenSchema
from server.api.blueprint import Blueprint
from server.api.users.schemas import UserSchema
from server.domain.actor import current_actor
from server.domain.errors import Unauthenticated, WrongPassword
from server.domain.models import User
from server.domain.registry import auth, users
from server.http.session import db_session

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Bearer tokens")


def _policy() -> auth.AuthPolicy:
    config = current_app.config
    return auth.AuthPolicy(
        token_ttl=timedelta(hours=config["TOKEN_TTL_HOURS"]),
        window=timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
        max_failures_per_login=config["LOGIN_MAX_FAILURES"],
        max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
    )


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="Wrong login or password")
    @blp.alt_response(429, schema=ErrorSchema, description="Too many failed logins")
    def post(self, data):
        """Exchange login and password for a bearer token"""
        session = db_session()
        try:
            issued = auth.login(
                session, data["login"], data["password"], request.remote_addr or "", _policy()
            )
        except Unauthenticated:
            session.commit()  # the failure counts towards throttling
            raise
        session.commit()
        record = issued.record
        return {
            "token": issued.token,
            "token_type": "Bearer",
            "expires_at": record.expires_at,
            "user": record.user,
        }

    @blp.authenticated
    @blp.response(204)
    def delete(self):
        """Log out: revoke the token used for this request"""
        auth.revoke(db_session(), g.token_id)
        db_session().commit()


@blp.route("/me")
class Me(MethodView):
    @blp.authenticated
    @blp.response(200, UserSchema)
    def get(self):
        """The user the token belongs to"""
        return db_session().get(User, current_actor().user_id)


@blp.route("/password")
class Password(MethodView):
    @blp.authenticated
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.alt_response(429, schema=ErrorSchema, description="Too many wrong passwords")
    def post(self, data):
        """Change your own password; your other tokens are revoked, this one keeps working"""
        session = db_session()
        try:
            users.change_own_password(
                session,
                data["current_password"],
                data["new_password"],
                g.token_id,
                request.remote_addr or "",
                _policy(),
            )
        except WrongPassword:
            session.commit()  # the failure counts towards throttling
            raise
        session.commit()
