"""Reports: managers ask for, list, read and fetch the reports of their sites."""

from tests.access.case import MANAGERS, Case, fixed

REPORTS = "/api/v1/reports"
ITEM = f"{REPORTS}/<id:report_id>"


def _at(suffix: str = ""):
    return lambda p, w: (f"{REPORTS}/{p.report.id}{suffix}", None)


REPORT_CASES = [
    Case("GET", REPORTS, MANAGERS, fixed(REPORTS)),
    # Asking for one the place already has made answers with it: 200. Another tenant's site,
    # or a site the supervisor does not work on, is as unknown as a made-up one: 422.
    Case(
        "POST",
        REPORTS,
        MANAGERS,
        lambda p, w: (
            REPORTS,
            {"site_id": p.site.id, "kind": "daily_activity", "day": "2026-12-01", "shift": "20:00"},
        ),
        "site",
        success=200,
    ),
    Case("GET", ITEM, MANAGERS, _at(), "site"),
    Case("GET", f"{ITEM}/versions", MANAGERS, _at("/versions"), "site"),
    Case("GET", f"{ITEM}/file", MANAGERS, _at("/file"), "site"),
]
