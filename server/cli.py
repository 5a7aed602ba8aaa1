"""Flask commands: prepare the database, create tenants, load the demo."""

import secrets
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from server import migrate
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.models import Organization, User
from server.domain.services import demo, organizations
from server.ingest import demo as demo_device

# Acts for commands run on the server itself, outside any login.
CONSOLE = Actor(user_id=None, org_id=0, role=Role.ADMIN, is_superuser=True, label="console")


def _session() -> Any:
    return current_app.extensions["vigil"].sessionmaker()


def _new_password() -> str:
    return secrets.token_urlsafe(12)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or migrate the database; on a first start, create an admin and print how to log in."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    with _session() as session:
        if session.scalar(select(func.count()).select_from(User)):
            click.echo("Database ready.")
            return
        password = _new_password()
        token = set_actor(CONSOLE)
        try:
            org = organizations.create(
                session,
                "Vigil",
                {
                    "name": "Administrator",
                    "login": "admin",
                    "password": password,
                    "is_superuser": True,
                },
            )
        finally:
            reset_actor(token)
        session.commit()
        click.echo(
            f"Created organization '{org.name}' and its first admin.\n"
            f"  login:    admin\n  password: {password}\n"
            "This password is shown once: keep it, then change it (POST /api/v1/auth/password)."
        )


@click.command("create-org")
@with_appcontext
@click.argument("name")
@click.option("--admin-login", required=True, help="Login of the organization's first admin")
@click.option("--admin-name", default="Administrator", show_default=True)
def create_org_command(name: str, admin_login: str, admin_name: str) -> None:
    """Create an organization with its first admin; prints the admin's generated password."""
    password = _new_password()
    with _session() as session:
        if session.scalar(select(Organization).where(Organization.name == name)):
            raise click.ClickException(f"organization '{name}' already exists")
        token = set_actor(CONSOLE)
        try:
            organizations.create(
                session, name, {"name": admin_name, "login": admin_login, "password": password}
            )
        finally:
            reset_actor(token)
        session.commit()
    click.echo(f"Created '{name}'. Admin login: {admin_login.lower()}  password: {password}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo tenant (a residential estate) and print its logins."""
    with _session() as session:
        token = set_actor(CONSOLE)
        try:
            created = demo.load(session)
        finally:
            reset_actor(token)
        if created:
            demo_device.load(session, current_app.extensions["vigil"].blobs)
        session.commit()
    click.echo("Demo tenant loaded." if created else "Demo tenant already present.")
    click.echo(f"Organization: {demo.ORG_NAME}\nLogins (password for all: {demo.PASSWORD}):")
    for login, role, name in demo.PEOPLE:
        click.echo(f"  {login:<14} {role:<11} {name}")
    click.echo(f"Handheld {demo_device.SERIAL} is enrolled and has synced last night's patrol.")


def init_cli(app: Flask) -> None:
    """Register the commands on app."""
    for command in (init_command, create_org_command, demo_command):
        app.cli.add_command(command)
