"""One row of the console's access table."""

from dataclasses import dataclass

from tests.access.case import Target


@dataclass(frozen=True)
class Page:
    """One console route: who may use it, how to aim it, what success answers."""

    method: str
    rule: str
    allowed: frozenset[str]
    target: Target
    scope: str | None = None  # "site": aimed at a place's object
    success: int = 200

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}"
