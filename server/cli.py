"""Flask commands: prepare the database, create tenants, load the demo."""

import dataclasses
import json
import secrets
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from server import demo, migrate, worker
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.errors import DomainError
from server.domain.models import Organization, Site, User
from server.domain.registry import organizations
from server.ingest import wand

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
            created = demo.load(session, current_app.extensions["vigil"].blobs)
        finally:
            reset_actor(token)
        session.commit()
    click.echo("Demo tenant loaded." if created else "Demo tenant already present.")
    click.echo(f"Organization: {demo.ORG_NAME}\nLogins (password for all: {demo.PASSWORD}):")
    for login, role, name in demo.PEOPLE:
        click.echo(f"  {login:<14} {role:<11} {name}")
    serials = " and ".join(serial for serial, _ in demo.SERIALS)
    click.echo(f"Handhelds {serials} are enrolled and have synced a week of rounds.")
    click.echo("Log in as demo-super and open /api/v1/alerts and /api/v1/rounds/summary.")


def _flag(field: str) -> str:
    """The command-line option for a form field of the wand import ("tag_column": --tag-column)."""
    if field in {f.name for f in dataclasses.fields(wand.Options)}:
        return "--" + field.replace("clock_", "").replace("_", "-")
    return field


@click.command("import-wand")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--site-id", type=int, required=True)
@click.option("--kind", type=click.Choice(wand.WAND_KINDS), default="ibutton", show_default=True)
@click.option("--wand-serial", help="The wand's serial, when the file has no wand column")
@click.option("--offset-seconds", type=float, default=0.0, help="PC time minus wand time")
@click.option("--tag-column", help="The chip id column: header, 1-based number or letter")
@click.option("--time-column", help="The time column; '日期+时间' joins a date and a time column")
@click.option("--wand-column")
@click.option("--guard-column", help="Names, staff numbers (logins) or person tags")
@click.option("--time-format", help="strptime format, e.g. '%d-%m-%Y %Hh%M'")
@click.option(
    "--dry-run", is_flag=True, help="Show the columns, first reads and counts; store nothing"
)
def import_wand_command(path: str, site_id: int, dry_run: bool, **options: Any) -> None:
    """Import a classic wand export (CSV, text or Excel) as scans; safe to run again."""
    with _session() as session:
        site = session.get(Site, site_id)
        if site is None:
            raise click.ClickException(f"no site {site_id}")
        token = set_actor(Actor(None, site.org_id, Role.ADMIN, label="console import"))
        try:
            report = wand.import_file(
                session,
                site_id,
                Path(path).read_bytes(),
                Path(path).name,
                wand.Options(
                    kind=options["kind"],
                    wand_serial=options["wand_serial"],
                    clock_offset_seconds=options["offset_seconds"],
                    tag_column=options["tag_column"],
                    time_column=options["time_column"],
                    wand_column=options["wand_column"],
                    guard_column=options["guard_column"],
                    time_format=options["time_format"],
                ),
                dry_run=dry_run,
            )
        except DomainError as error:
            details = "".join(
                f"\n  {_flag(field)}: {'; '.join(map(str, problems))}"
                for field, problems in (error.errors or {}).items()
            )
            raise click.ClickException(error.message + details) from error
        finally:
            reset_actor(token)
        session.commit()
    click.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))


@click.group("vigil")
def vigil_group() -> None:
    """Vigil's long-running processes."""


@vigil_group.command("worker")
@with_appcontext
@click.option(
    "--interval", type=float, default=15.0, show_default=True, help="Seconds between sweeps"
)
@click.option("--once", is_flag=True, help="Run one sweep and exit")
def worker_command(interval: float, once: bool) -> None:
    """Make rounds ahead, take in new scans, judge due rounds and raise alerts; repeat."""
    vigil = current_app.extensions["vigil"]
    if once:
        click.echo(json.dumps(dataclasses.asdict(worker.run_once(vigil))))
        return
    worker.run_forever(vigil, interval)


def init_cli(app: Flask) -> None:
    """Register the commands on app."""
    for command in (
        init_command,
        create_org_command,
        demo_command,
        import_wand_command,
        vigil_group,
    ):
        app.cli.add_command(command)
