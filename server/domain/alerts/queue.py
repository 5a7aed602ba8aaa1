"""The alert queue as a supervisor works it: one page, most urgent first, with the counts."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from server.domain.alerts.handling import SORTABLE, list_query
from server.domain.listing import PageRequest, fetch_page
from server.domain.models import Alert, AlertSeverity, AlertState

# The queue's order unless asked otherwise: the worst first, the newest first within it.
URGENT_FIRST = "-severity,-raised_at"


@dataclass(frozen=True)
class Queue:
    """A page of alerts, how many match, and how the matches split by state and severity."""

    alerts: list[Alert]
    total: int
    by_state: dict[AlertState, int]
    by_severity: dict[AlertSeverity, int]


def queue(session: Session, filters: dict[str, Any], page: PageRequest) -> Queue:
    """One page of the alerts matching filters. The counts come from one grouped query over
    the same filters without the state and severity ones (so each tab can show its number),
    and the page's total from those counts: nothing is counted twice."""
    broad = {k: v for k, v in filters.items() if k not in ("state", "severity")}
    grouped = list_query(broad).with_only_columns(
        Alert.state, Alert.severity, func.count(), maintain_column_froms=True
    )
    rows = session.execute(grouped.group_by(Alert.state, Alert.severity)).all()
    by_state = dict.fromkeys(AlertState, 0)
    by_severity = dict.fromkeys(AlertSeverity, 0)
    total = 0
    for state, severity, count in rows:
        by_state[state] += count
        if filters.get("state") in (None, state):
            by_severity[severity] += count
            if filters.get("severity") in (None, severity):
                total += count
    ordered = PageRequest(page.page, page.page_size, page.sort or URGENT_FIRST)
    alerts, _ = fetch_page(session, list_query(filters), Alert, ordered, SORTABLE, total)
    return Queue(alerts, total, by_state, by_severity)
