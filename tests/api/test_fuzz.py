"""Schemathesis fuzzes every operation from the OpenAPI document, as each role: no 5xx, no drift."""

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from server.api.query import openapi_path
from server.testing.factories import Factory
from tests.access import DEVICE, PUBLIC
from tests.world import Place, World

USERS = ("admin", "supervisor", "guard", "engineer")
DEVICE_OPS = {(method, openapi_path(rule)) for method, rule in DEVICE}
PUBLIC_OPS = {(method, openapi_path(rule)) for method, rule in PUBLIC}
# Examples per operation and role; bounded so the suite stays quick (CI runs it on both databases).
EXAMPLES = 6
# Every built-in check runs. A schema-valid request may still be refused with 422 where JSON Schema
# cannot say why (a wrong current password, a site id of another tenant, an end before its start),
# or 412 for a stale If-Match; any other 4xx for valid data is a finding. Handhelds without a
# supported Vigil-Protocol header get 412, as docs/device-protocol.md promises them.
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "429"]
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2XX", "3XX", "401", "403", "404", "409", "412", "422", "429"]
            },
            "negative_data_rejection": {"expected-statuses": REJECTED},
            "missing_required_header": {"expected-statuses": REJECTED},
        }
    }
)


# Where a path parameter names a real object of site A1, so fuzzed bodies reach real rows too.
REAL_IDS: dict[str, Callable[[Place, World], Any]] = {
    "org_id": lambda p, w: p.site.org_id,
    "site_id": lambda p, w: p.site.id,
    "zone_id": lambda p, w: p.zone.id,
    "checkpoint_id": lambda p, w: p.checkpoint.id,
    "asset_id": lambda p, w: p.asset.id,
    "tag_id": lambda p, w: p.tag.id,
    "user_id": lambda p, w: p.guard.id,
    "device_id": lambda p, w: p.device.id,
    "code_id": lambda p, w: p.enrollment_code.id,
    "route_id": lambda p, w: p.route.id,
    "round_id": lambda p, w: p.round.id,
    "alert_id": lambda p, w: p.alert.id,
    "template_id": lambda p, w: p.template.id,
    "record_id": lambda p, w: p.inspection.id,
    "version": lambda p, w: 1,
    "item_key": lambda p, w: "temperature",
    "sha256": lambda p, w: p.photo,
}


def real_ids(path: str, names: list[str], place: Place, world: World) -> dict[str, Any]:
    """Site A1's objects for an operation's path parameters (those it has)."""
    found = {}
    for name in names:
        if name == "schedule_id":
            inspection = path.startswith("/api/v1/inspection-schedules")
            found[name] = (place.inspection_schedule if inspection else place.schedule).id
        elif name in REAL_IDS:
            found[name] = REAL_IDS[name](place, world)
    return found


def reachable(role: str, method: str, path: str) -> bool:
    """Operations a caller of this kind can reach at all."""
    op = (method.upper(), path)
    if role == "device":
        return op in DEVICE_OPS
    if role == "anonymous":
        return op in PUBLIC_OPS
    return op not in DEVICE_OPS and op not in PUBLIC_OPS


def credentials(role: str, make: Factory, world: World) -> dict[str, str]:
    """Headers of the role: a user of tenant A scoped to A1, a handheld of A1, or nobody."""
    if role == "device":  # the protocol header is the fuzzer's to vary
        return {"Authorization": make.device_auth(world.places["A1"].device)["Authorization"]}
    if role == "anonymous":
        return {}
    return make.auth(world.actors[role])


@pytest.mark.parametrize("role", [*USERS, "device", "anonymous"])
def test_fuzzed_requests_never_fail_the_server_or_the_document(
    role: str, app: Flask, make: Factory, world: World
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)
    place = world.places["A1"]
    headers = credentials(role, make, world)
    failures = {}
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:
        if not reachable(role, operation.method, operation.path):
            continue
        names = [p.name for p in operation.path_parameters]
        real = real_ids(operation.path, names, place, world)
        cases = st.one_of(
            *(
                operation.as_strategy(mode, path_parameters=fixed)
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                for fixed in ({}, real)
            )
        )

        @given(case=cases)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            sent = headers
            if (case.method.upper(), case.path) == ("DELETE", "/api/v1/auth/token"):
                # Signing out spends the token: sign out a fresh one.
                sent = make.auth(world.actors[role])
            response = case.call_and_validate(app=app, headers=sent)
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # report every operation's failure
            failures[operation.label] = error
    # Not a vacuous pass: the role's credentials got real answers, not only 401s and 422s.
    answered = [label for label, codes in statuses.items() if any(200 <= c < 300 for c in codes)]
    assert len(answered) * 4 >= len(statuses), f"{role} got a 2xx from only {answered}"
    report = (f"{label}:\n{error}"[:3000] for label, error in failures.items())
    assert not failures, "\n\n".join(report)
