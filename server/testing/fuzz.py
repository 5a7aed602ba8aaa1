"""The API fuzzer of tests/api/test_fuzz.py (a quick pass) and benchmarks/fuzz.py (a deep one).

Schemathesis generates requests from the OpenAPI document, as each role; on top of that a case may
be made hostile on purpose (server/testing/hostile.py). A 4xx in the API's error shape is the right
answer to anything; a 5xx, or a response the document does not describe, is a failure.
"""

import copy
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NotSet
from schemathesis.core.failures import Failure

from device_protocol import version
from server.testing.factories import Factory
from server.testing.hostile import PLAIN, SYNC, Mutation, mutate, slots, sync_mutation
from server.testing.world import Place, World

USERS = ("admin", "supervisor", "guard", "engineer")
ROLES = (*USERS, "device", "anonymous")

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
    "endpoint_id": lambda p, w: p.notify_endpoint.id,
    "notification_id": lambda p, w: p.notification.id,
    "policy_id": lambda p, w: p.escalation_policy.id,
    "report_id": lambda p, w: p.report.id,
    "report_schedule_id": lambda p, w: p.report_schedule.id,
    "version": lambda p, w: 1,
    "item_key": lambda p, w: "temperature",
    "sha256": lambda p, w: p.photo,
}


def real_ids(operation: Any, world: World) -> dict[str, Any]:
    """Site A1's objects for an operation's path parameters (those it has)."""
    place, found = world.places["A1"], {}
    for name in (p.name for p in operation.path_parameters):
        if name == "schedule_id":
            inspection = operation.path.startswith("/api/v1/inspection-schedules")
            found[name] = (place.inspection_schedule if inspection else place.schedule).id
        elif name in REAL_IDS:
            found[name] = REAL_IDS[name](place, world)
    return found


def audience(operation: Any) -> str:
    """Who the document says may call it: 'user', 'device' (a handheld's token) or 'anonymous'."""
    schemes = {name for need in operation.definition.raw.get("security") or [] for name in need}
    if not schemes:
        return "anonymous"
    return "device" if "deviceToken" in schemes else "user"


def reachable(role: str, operation: Any) -> bool:
    """Operations a caller of this kind can reach at all."""
    return audience(operation) == (role if role in ("device", "anonymous") else "user")


def credentials(role: str, make: Factory, world: World) -> dict[str, str]:
    """Headers of the role: a user of tenant A scoped to A1, a handheld of A1, or nobody."""
    if role == "device":  # the protocol header is the fuzzer's to vary
        return {"Authorization": make.device_auth(world.places["A1"].device)["Authorization"]}
    if role == "anonymous":
        return {}
    return make.auth(world.actors[role])


class Drawn:
    """A case and what was done to it on purpose; hypothesis shows it as the request it sends."""

    def __init__(self, case: Any, mutation: Mutation) -> None:
        self.case, self.mutation = case, mutation

    def __iter__(self) -> Iterator[Any]:
        return iter((self.case, self.mutation))

    def __repr__(self) -> str:
        where = f" at {self.mutation.where}" if self.mutation.where else ""
        return f"<{self.mutation.kind}{where}: {request(self.case)}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def explicit(operation: Any, generated: Any) -> Any:
    """The generated case as an explicit one, to be made hostile.

    An explicit case has no generation metadata, so schemathesis neither revalidates it (its
    validator cannot take a lone surrogate) nor judges it as positive or negative data: any 4xx
    is a fine answer to a hostile value, as long as it is in the document's error shape.
    """
    body = generated.body  # NOT_SET, the sentinel, must stay itself
    return operation.Case(
        path_parameters=dict(generated.path_parameters or {}),
        headers=dict(generated.headers or {}),
        cookies=dict(generated.cookies or {}),
        query=dict(generated.query or {}),
        body=body if isinstance(body, NotSet) else copy.deepcopy(body),
        media_type=generated.media_type,
    )


def strategy(operation: Any, kind: str, real: dict[str, Any]) -> st.SearchStrategy[Drawn]:
    """Schemathesis' own cases (kind PLAIN), or valid ones made hostile on purpose.

    The role's credentials replace the case's Authorization when it is sent, so schemathesis is
    told there is one: a case "missing" it would be judged as negative data it never was.
    Vigil-App is set too, to a valid value: the server ignores a bad one rather than refusing
    the request (docs/device-protocol.md), which schemathesis would judge as accepting invalid
    data; tests/ingest/test_app_version.py sends the bad ones.
    """
    fixed = ({}, real)
    given = {"Authorization": "Bearer (the role's)"} if audience(operation) != "anonymous" else {}
    if any(p.name == version.APP_HEADER for p in operation.headers):
        given[version.APP_HEADER] = "fuzz-1.0"
    if kind == PLAIN:
        modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        cases = [
            operation.as_strategy(mode, path_parameters=ids, headers=given)
            for mode in modes
            for ids in fixed
        ]
        return st.one_of(*cases).map(lambda case: Drawn(case, Mutation()))
    base = st.one_of(*(operation.as_strategy(path_parameters=f, headers=given) for f in fixed))
    sync = f"{operation.method.upper()} {operation.path}" == SYNC

    @st.composite
    def hostile(draw: st.DrawFn) -> Drawn:
        case = explicit(operation, draw(base))
        if sync:
            return Drawn(case, draw(sync_mutation(case, kind)))
        return Drawn(case, mutate(draw, case, kind, slots(operation, case)))

    return hostile()


# --- sending and judging ------------------------------------------------------------------
@dataclass
class Verdict:
    """One case's answer: its status and what was wrong with it (nothing, when all is well)."""

    status: int
    problems: list[str] = field(default_factory=list)


def _short(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class Unhandled(logging.Filter):
    """Notes the exception behind each 500 the API logs (vigil.api); quiet also drops the line."""

    def __init__(self) -> None:
        super().__init__()
        self.last: BaseException | None = None
        self.quiet = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            self.last = record.exc_info[1]
        return not self.quiet


UNHANDLED = Unhandled()
logging.getLogger("vigil.api").addFilter(UNHANDLED)


def _said(message: str) -> str:
    """A check's message without the statuses it expected (our own CONFIG, said once above)."""
    return " ".join(line for line in message.splitlines() if not line.startswith("Expected: "))


def _server_error(error: BaseException | None) -> str:
    return "Server error" + (f": {type(error).__name__}: {error}" if error else "")


def _only_our_credentials(case: Any, failure: Any) -> bool:
    """A "negative" case whose only fault was a missing Authorization, which the role's
    credentials then supplied (and an extra query key that did not survive into the URL): the
    request the server saw was valid, so accepting it is right."""
    if not isinstance(failure, Failure) or "Schema-violating request accepted" not in failure.title:
        return False
    message = failure.message
    if "(was Authorization)" not in message:
        return False
    documented = {p.name for p in case.operation.query}
    sent = set(case.query or {})
    return sent <= documented and "body:" not in message and "path:" not in message


def probe(case: Any, app: Any, headers: dict[str, str]) -> Verdict:
    """Send the case to the app in-process and run schemathesis' checks; never raises.

    A 5xx is one problem, named by the exception behind it; other checks failing on it say no more.
    """
    UNHANDLED.last = None
    try:
        response = case.call(app=app, headers=headers)
    except Exception as error:  # the app raised: a 500 in production
        return Verdict(500, [_short(_server_error(error))])
    if response.status_code >= 500:
        return Verdict(response.status_code, [_short(_server_error(UNHANDLED.last))])
    try:
        case.validate_response(
            response, headers=headers, transport_kwargs={"app": app, "headers": headers}
        )
    except (Exception, BaseExceptionGroup) as error:  # schemathesis' checks failed
        found = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
        found = [f for f in found if not _only_our_credentials(case, f)]
        texts = [
            f"{f.title}: {_said(f.message)}" if isinstance(f, Failure) else repr(f) for f in found
        ]
        if texts:
            return Verdict(response.status_code, [_short(text, 400) for text in texts])
    return Verdict(response.status_code)


def request(case: Any) -> str:
    """The request a case sends, to replay it by hand: method, path, query, its headers (the role's
    credentials replace any Authorization it has), the JSON body with escapes."""
    query = f"?{urlencode(case.query, doseq=True)}" if case.query else ""
    own = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    headers = "".join(f" {k}: {v!r}" for k, v in own.items())
    body = "" if isinstance(case.body, NotSet) else f" {_short(json.dumps(case.body), 300)}"
    return f"{case.method.upper()} {case.formatted_path}{query}{headers}{body}"


def describe(case: Any, role: str, mutation: Mutation, verdict: Verdict) -> str:
    """One line per failure: operation, role, class, where, status, what went wrong, the request."""
    place = f" at {mutation.where} = {mutation.value}" if mutation.kind != PLAIN else ""
    return "\n".join(
        f"{case.operation.label} as {role}: {mutation.kind}{place} -> {verdict.status}: "
        f"{problem}; sent {request(case)}"
        for problem in verdict.problems
    )
