"""What an import did, or would do: the columns it chose, counts, and what needs a look."""

from dataclasses import dataclass, field
from typing import Any

ECHO = 100  # characters of a cell repeated in a report


@dataclass
class Report:
    """An import's outcome; a dry run's says what the import would store."""

    dry_run: bool = False
    mapping: dict[str, Any] = field(default_factory=dict)
    preview: list[dict[str, Any]] = field(default_factory=list)
    reads: int = 0
    imported: int = 0  # new scans
    duplicates: int = 0  # already stored, nothing to add
    completed: int = 0  # already stored without a guard, now given one
    conflicts: int = 0  # already stored with another guard, which is kept
    person_reads: int = 0
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    unknown_guards: list[dict[str, Any]] = field(default_factory=list)
    bad_rows: list[dict[str, Any]] = field(default_factory=list)
    wands: list[str] = field(default_factory=list)
    flags: dict[str, int] = field(default_factory=dict)

    def bad(self, line: int, reason: str) -> None:
        self.bad_rows.append({"line": line, "reason": reason})
