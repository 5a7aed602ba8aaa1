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

SCHEDULES = "/api/v1/report-schedules"
SCHEDULE = f"{SCHEDULES}/<id:report_schedule_id>"


def _schedule(body: dict | None = None):
    return lambda p, w: (f"{SCHEDULES}/{p.report_schedule.id}", body)


REPORT_CASES += [
    Case("GET", SCHEDULES, MANAGERS, fixed(SCHEDULES)),
    # Another tenant's site, or one the supervisor does not work on, is unknown: 422.
    Case(
        "POST",
        SCHEDULES,
        MANAGERS,
        lambda p, w: (
            SCHEDULES,
            {
                "site_id": p.site.id,
                "name": "夜班日报",
                "kind": "daily_activity",
                "endpoint_ids": [p.notify_endpoint.id],
            },
        ),
        "site",
    ),
    Case("GET", SCHEDULE, MANAGERS, _schedule(), "site"),
    Case("PATCH", SCHEDULE, MANAGERS, _schedule({"name": "Renamed"}), "site"),
]
