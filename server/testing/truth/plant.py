"""The plant room: an engineer inspects the standby generator every two days, with faults.

Every eight days come a starter battery reading below its warning limit, a skipped visit that
leaves the inspection overdue until the next one, and at that one a fuel drop with no run logged.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.testing.truth.model import (
    DAY,
    HOUR,
    MINUTE,
    Asset,
    Expected,
    Fault,
    Reading,
    Site,
    overdue_subject,
    reading_subject,
)

FORM = "generator_weekly"
CHECKS = (
    "charger_ok",
    "terminals_ok",
    "oil_level_ok",
    "no_leaks",
    "coolant_level_ok",
    "heater_ok",
    "auto_mode",
    "no_alarms",
)


@dataclass
class Plant:
    readings: list[Reading] = field(default_factory=list)
    expected: list[Expected] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    offline: list[tuple[datetime, datetime]] = field(default_factory=list)


def schedule_start(site: Site, setup_at: datetime) -> datetime:
    """The inspection schedule's start_local: 09:00 on the day it is set up."""
    zone = ZoneInfo(site.timezone)
    return datetime.combine(setup_at.astimezone(zone).date(), time(9), tzinfo=zone)


def visits(
    site: Site, asset: Asset, rng: random.Random, setup_at: datetime, end: datetime
) -> Plant:
    zone = ZoneInfo(site.timezone)
    day = setup_at.astimezone(zone).date() + DAY
    planned = []
    while (at := _visit_time(day, zone, rng)) < end - HOUR:
        planned.append(at)
        day += 2 * DAY
    # From the second visit on, every fourth: a low battery, then a visit skipped, then a fuel
    # drop at the visit after it (against the low-battery visit's reading, four days before).
    odd: dict[int, str] = {}
    for k in range(1, len(planned) - 2, 4):
        odd |= {k: "battery_low", k + 1: "skipped_visit", k + 2: "fuel_drop"}
    plant = Plant()
    fuel, hours = rng.randint(88, 96), round(rng.uniform(300, 900), 1)
    done = [schedule_start(site, setup_at)]
    for index, at in enumerate(planned):
        fault = odd.get(index)
        if fault is not None:
            plant.faults.append(Fault(fault, f"{asset.code} visit of {at:%Y-%m-%d %H:%M}Z", at))
        if fault == "skipped_visit":
            continue  # the engineer was off sick: nobody came
        battery = round(rng.uniform(13.3, 13.7), 1)
        if fault == "battery_low":
            battery = round(rng.uniform(11.2, 11.7), 1)
            plant.expected.append(
                Expected(
                    "inspection_out_of_bounds",
                    reading_subject(asset.code, "battery_v", at),
                    "open",  # back within bounds next time: noted, still owed a rectification
                    f"battery_low: {asset.code} at {at:%Y-%m-%d %H:%M}Z",
                )
            )
        if fault == "fuel_drop":
            fuel -= rng.randint(15, 25)  # a quarter of the tank gone, the run-hour meter still
            plant.expected.append(
                Expected(
                    "inspection_unexplained_drop",
                    reading_subject(asset.code, "fuel_pct", at),
                    "open",
                    f"fuel_drop: {asset.code} at {at:%Y-%m-%d %H:%M}Z",
                )
            )
        else:
            fuel = rng.randint(94, 98) if fuel < 80 else fuel - rng.randint(1, 3)
            if rng.random() < 0.3:  # an exercise run since the last visit
                hours, fuel = round(hours + rng.uniform(0.5, 1.0), 1), fuel - rng.randint(1, 3)
        values: dict[str, object] = {"battery_v": battery, "fuel_pct": fuel, "run_hours": hours}
        values |= dict.fromkeys(CHECKS, True)
        plant.readings.append(Reading(at, asset.engineer, asset.code, values))
        plant.offline.append((at - 5 * MINUTE, at + 10 * MINUTE))  # the plant room: no signal
        done.append(at)
    plant.expected += _overdue(asset, done, end)
    return plant


def _visit_time(day, zone: ZoneInfo, rng: random.Random) -> datetime:
    """About ten in the morning: an hour early to two hours late."""
    at = datetime.combine(day, time(10), tzinfo=zone) + rng.randint(-60, 120) * MINUTE
    return at.astimezone(UTC)


def _overdue(asset: Asset, done: list[datetime], end: datetime) -> list[Expected]:
    """Due max_days after the last record (or the start); overdue once the grace has passed too.

    Visits come two days apart, give or take three hours, so a gap is either plainly within the
    spacing or plainly beyond it and its grace: no expectation rests on a sweep's timing.
    """
    found = []
    spacing, grace = timedelta(days=asset.max_days), timedelta(hours=asset.grace_hours)
    for last, following in zip(done, [*done[1:], None], strict=True):
        due = last + spacing
        if (following or end) <= due + grace + HOUR:
            continue
        found.append(
            Expected(
                "inspection_overdue",
                overdue_subject(asset.code, FORM, due),
                "auto_resolved" if following else "open",
                f"skipped_visit: {asset.code} due {due:%Y-%m-%d %H:%M}Z",
            )
        )
    return found
