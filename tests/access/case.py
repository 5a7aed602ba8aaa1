"""The parts of the access table: roles, the row for one endpoint, and helpers to aim it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.world import Place, World

ADMIN, SUP, GUARD, ENG = "admin", "supervisor", "guard", "engineer"
EVERYONE = frozenset({ADMIN, SUP, GUARD, ENG})
MANAGERS = frozenset({ADMIN, SUP})
ONLY_ADMIN = frozenset({ADMIN})
INSPECT = frozenset({ADMIN, SUP, ENG})
NOBODY: frozenset[str] = frozenset()
SUCCESS = {"GET": 200, "POST": 201, "PATCH": 200, "DELETE": 204}

Target = Callable[[Place, World], tuple[str, dict[str, Any] | bytes | None]]


@dataclass(frozen=True)
class Case:
    """One endpoint: who may call it, and how to aim it at a place's objects."""

    method: str
    rule: str
    allowed: frozenset[str]
    target: Target
    # "site": bound to a place's site; "tenant": to its organization; None: to nothing.
    scope: str | None = None
    success: int | None = None  # when not the method's usual code
    multipart: bool = False  # the body is a form with a file
    upload: str | None = None  # the body is bytes sent as they are, with this content type
    # What an outsider (another tenant, or staff of another site) gets, when not the usual:
    # 404 for an object, 422 for a create naming a site as unknown.
    outsider: int | None = None

    def outsider_code(self) -> int:
        return self.outsider or (422 if self.method == "POST" else 404)

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}"


def fixed(path: str, body: dict[str, Any] | None = None) -> Target:
    return lambda place, world: (path, body)


def by_id(collection: str, attr: str, body: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"/api/v1/{collection}/{getattr(p, attr).id}", body)


def create(collection: str, body: Callable[[Place], dict[str, Any]]) -> Target:
    return lambda p, w: (f"/api/v1/{collection}", body(p))


def registry_cases(
    collection: str, attr: str, body: Callable[[Place], dict[str, Any]]
) -> list[Case]:
    rule = f"/api/v1/{collection}"
    item = f"{rule}/<id:{attr}_id>"
    return [
        Case("GET", rule, EVERYONE, fixed(rule)),
        Case("POST", rule, MANAGERS, create(collection, body), "site"),
        Case("GET", item, EVERYONE, by_id(collection, attr), "site"),
        Case("PATCH", item, MANAGERS, by_id(collection, attr, {"name": "Renamed"}), "site"),
    ]


def organization(body: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"/api/v1/organizations/{p.site.org_id}", body)
