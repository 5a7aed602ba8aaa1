"""Two batches about the same generator at once: one alert for one problem, no error."""

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server import migrate
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.inspection import intake
from server.domain.inspection import templates as inspection_templates
from server.domain.inspection.intake import Submission
from server.domain.models import Alert, InspectionRecord, InspectionTemplate, TemplateVersion
from server.testing.factories import Factory
from tests.conftest import make_test_app
from tests.inspection.plant import weekly

AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_two_batches_with_the_same_bad_reading_make_one_alert(fresh_database_url):
    migrate.upgrade(fresh_database_url)
    app = make_test_app(fresh_database_url)
    vigil = app.extensions["vigil"]
    with vigil.sessionmaker() as session:
        make = Factory(session)
        org = make.org()
        site = make.site(org)
        generator = make.asset(site)
        token = set_actor(Actor(None, org.id, Role.ADMIN, label="test"))
        try:
            inspection_templates.install_starters(session)
        finally:
            reset_actor(token)
        session.commit()
        ids = (org.id, site.id, generator.id)
    ready = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit(minutes: int) -> None:
        token = set_actor(Actor(None, ids[0], Role.ENGINEER, frozenset({ids[1]}), label="t"))
        try:
            ready.wait()  # SQLite writers take the lock at their first statement: start together
            with vigil.sessionmaker() as session:
                template = session.scalar(
                    select(InspectionTemplate).where(InspectionTemplate.code == "generator_weekly")
                )
                version = session.scalar(
                    select(TemplateVersion).where(TemplateVersion.template_id == template.id)
                )
                asset = session.get(type(generator), ids[2])
                at = AT + timedelta(minutes=minutes)
                sent = Submission(
                    ids[0], ids[1], asset, template, version, at, weekly(battery_v=11.7), {}
                )
                intake.take_many(session, [sent])
                session.commit()
        except BaseException as error:
            errors.append(error)
        finally:
            reset_actor(token)

    threads = [threading.Thread(target=submit, args=(m,)) for m in (0, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        with vigil.sessionmaker() as session:
            assert len(session.scalars(select(InspectionRecord)).all()) == 2
            found = session.scalars(select(Alert).where(Alert.kind != "inspection_flatline")).all()
            assert [(a.kind, a.evidence["item"]) for a in found] == [
                ("inspection_out_of_bounds", "battery_v")
            ]
            assert len(found[0].history) == 2  # raised by one batch, updated by the other
    finally:
        vigil.engine.dispose()
