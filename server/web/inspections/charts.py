"""An asset page's charts: each numeric item's trend with its alerts marked and latest readings."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from server.domain.alerts import titles
from server.domain.alerts.kinds import AlertKind
from server.domain.inspection.asset_trends import AssetTrends, ItemTrend
from server.domain.models import Alert
from server.web.inspections.trend import Chart, Mark, Sample, chart, samples_of

LATEST = 5  # readings in each chart's table, for screen readers


@dataclass(frozen=True)
class ItemChart:
    """One item's chart, its newest readings (newest first) and how many it was drawn from."""

    trend: ItemTrend
    chart: Chart
    latest: list[Sample]
    count: int
    thinned: bool


def alert_title(alert: Alert, language: str) -> str:
    """An alert's title in the page's language (its English title when it kept no facts)."""
    if alert.title_args is None or alert.kind not in set(AlertKind):
        return alert.title
    return titles.render(AlertKind(alert.kind), alert.title_args, language)


def item_charts(trends: AssetTrends, language: str) -> list[ItemChart]:
    """A chart per item; an alert marks its item's chart, one about no item marks every chart."""
    zone = ZoneInfo(trends.site.timezone)
    found = []
    for trend in trends.items:
        samples = samples_of(trend.series)
        marks = [
            Mark(a.raised_at, a.id, alert_title(a, language), a.severity)
            for a in trends.alerts
            if a.evidence.get("item") in (None, trend.item.key)
        ]
        drawn = chart(samples, trend.bounds, trends.since, trends.until, zone, marks)
        found.append(
            ItemChart(
                trend=trend,
                chart=drawn,
                latest=samples[: -LATEST - 1 : -1],
                count=trend.series["count"],
                thinned="buckets" in trend.series,
            )
        )
    return found
