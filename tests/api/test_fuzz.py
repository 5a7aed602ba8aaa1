"""Schemathesis fuzzes every operation as each role, plain and made hostile: no 5xx, no drift.

The machinery is server/testing/fuzz.py and hostile.py; `make bench` runs the same fuzz deeper.
"""

import json
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.api.query import openapi_path
from server.domain.models import DeviceEvent
from server.testing import fuzz
from server.testing.factories import Factory
from server.testing.hostile import BIG_INTS, INSTANTS, PLAIN, kinds, sync_body, sync_event
from server.testing.world import World
from tests.access import CASES, DEVICE, PUBLIC

# Examples per operation and role: a plain schemathesis pass, then each hostile class the operation
# has a place for. Bounded so the suite stays quick (CI runs it on both databases).
EXAMPLES, HOSTILE_EXAMPLES = 5, 2


def failure_text(error: BaseException) -> str:
    """Hypothesis' minimal failing examples, each as fuzz.describe wrote it."""
    if isinstance(error, BaseExceptionGroup):
        return "\n".join(failure_text(e) for e in error.exceptions)
    return "\n".join([str(error), *getattr(error, "__notes__", [])])[:3000]


def test_the_document_says_who_may_call_each_operation(app: Flask) -> None:
    """The fuzzer picks each role's operations from the document's security: it must be right."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    said = {
        (op.method.upper(), op.path): fuzz.audience(op)
        for op in (result.ok() for result in schema.get_all_operations())
    }
    table = {(method, openapi_path(rule)) for method, rule in DEVICE | PUBLIC}
    assert {op: who for op, who in said.items() if who != "user"} == {
        op: "device" if op in {(m, openapi_path(r)) for m, r in DEVICE} else "anonymous"
        for op in table
    }


@pytest.mark.parametrize("role", fuzz.ROLES)
def test_fuzzed_requests_never_fail_the_server_or_the_document(
    role: str, app: Flask, make: Factory, world: World
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=fuzz.CONFIG)
    headers = fuzz.credentials(role, make, world)
    failures: dict[str, str] = {}
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:
        if not fuzz.reachable(role, operation):
            continue
        real = fuzz.real_ids(operation, world)
        for kind in (PLAIN, *kinds(operation)):

            @given(drawn=fuzz.strategy(operation, kind, real))
            @settings(
                max_examples=EXAMPLES if kind == PLAIN else HOSTILE_EXAMPLES,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no explain: it is slow
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(drawn: fuzz.Drawn) -> None:
                case, mutation = drawn
                sent = headers
                if (case.method.upper(), case.path) == ("DELETE", "/api/v1/auth/token"):
                    # Signing out spends the token: sign out a fresh one.
                    sent = make.auth(world.actors[role])
                verdict = fuzz.probe(case, app, sent)
                statuses.setdefault(case.operation.label, set()).add(verdict.status)
                if verdict.problems:
                    raise AssertionError(fuzz.describe(case, role, mutation, verdict))

            try:
                run()
            except (Exception, BaseExceptionGroup) as error:  # report every operation's failure
                # The text only: the exception holds hypothesis' whole run alive.
                failures[f"{operation.label} [{kind}]"] = failure_text(error)
    # Not a vacuous pass: the role's credentials got real answers, not only 401s and 422s.
    # Operations the role may not call answer 403 before reading anything; leave those out.
    allowed = {f"{c.method} {openapi_path(c.rule)}": c.allowed for c in CASES}
    open_to_role = {
        label: codes for label, codes in statuses.items() if role in allowed.get(label, {role})
    }
    answered = [
        label for label, codes in open_to_role.items() if any(200 <= c < 300 for c in codes)
    ]
    assert len(answered) * 4 >= len(open_to_role), f"{role} got a 2xx from only {answered}"
    report = (f"{label}:\n{text}" for label, text in failures.items())
    assert not failures, "\n\n".join(report)


def _renamed(event: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {new if key == old else key: value for key, value in event.items()}


# One event of a valid batch made hostile, each way the fuzzer does it.
HOSTILE_EVENTS = {
    "surrogate in a value": lambda e: e | {"note": "交接\ud800完毕"},
    "surrogate in a key": lambda e: _renamed(e, "note", "no\udfffte"),
    "surrogate in the uuid": lambda e: e | {"uuid": e["uuid"][:-1] + "\udc00"},
    **{f"device_time {t}": (lambda e, t=t: e | {"device_time": t}) for t in INSTANTS},
    **{f"monotonic_ms {n}": (lambda e, n=n: e | {"monotonic_ms": n}) for n in BIG_INTS},
    "user_id 2**64": lambda e: e | {"user_id": 2**64},
}


def _sync(client: FlaskClient, make: Factory, world: World, body: dict[str, Any]) -> Any:
    """POST a batch as A1's handheld, as JSON text with \\uXXXX escapes (as a handheld sends it)."""
    return client.post(
        "/api/v1/device/sync",
        data=json.dumps(body, ensure_ascii=True),
        content_type="application/json",
        headers=make.device_auth(world.places["A1"].device),
    )


@pytest.mark.parametrize("hostile", HOSTILE_EVENTS.values(), ids=HOSTILE_EVENTS.keys())
def test_a_hostile_event_costs_only_itself(
    hostile: Any, client: FlaskClient, make: Factory, world: World, db: Session
) -> None:
    events = [sync_event(0), hostile(sync_event(1)), sync_event(2)]
    response = _sync(client, make, world, sync_body(events))
    assert response.status_code == 200, response.json
    results = response.json["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert results[1]["reason"] and results[1]["event_id"] is None
    good = [events[0]["uuid"], events[2]["uuid"]]
    kept = db.scalars(select(DeviceEvent.uuid).where(DeviceEvent.uuid.in_(good))).all()
    assert sorted(kept) == sorted(good)


@pytest.mark.parametrize(
    "envelope",
    [{"sent_at": t} for t in INSTANTS]
    + [{"monotonic_ms": n} for n in BIG_INTS]
    + [{"boot_id": "f\ud800zz"}, {"sent_at": "2026-01-01T00:00:00\udfffZ"}],
    ids=str,
)
def test_a_hostile_envelope_is_refused_whole_in_the_error_shape(
    envelope: dict[str, Any], client: FlaskClient, make: Factory, world: World, db: Session
) -> None:
    body = sync_body([sync_event(0), sync_event(1)]) | envelope
    response = _sync(client, make, world, body)
    assert 400 <= response.status_code < 500, response.data
    assert response.json["code"] == response.status_code and response.json["message"]
    uuids = [e["uuid"] for e in body["events"]]
    assert db.scalars(select(DeviceEvent).where(DeviceEvent.uuid.in_(uuids))).all() == []
