"""A report's language and clock: the words it says and the site times it prints."""

from datetime import datetime
from zoneinfo import ZoneInfo

from server.domain.models import AssetKind
from server.reports.document import Language

# The console's words for these (its catalogue), which the worker, outside Flask, cannot reach.
ASSET_KINDS = {
    AssetKind.GENERATOR: ("generator", "发电机"),
    AssetKind.TRANSFORMER: ("transformer", "变压器"),
    AssetKind.SWITCHGEAR: ("switchgear", "开关柜"),
    AssetKind.UPS: ("UPS", "UPS"),
    AssetKind.FIRE_PUMP: ("fire pump", "消防泵"),
    AssetKind.OTHER: ("other", "其他"),
}


class Words:
    """What a report says, in its language, at its site's times."""

    def __init__(self, language: str, timezone: str) -> None:
        self.zh = language == "zh"
        self.language: Language = "zh" if self.zh else "en"
        self.zone = ZoneInfo(timezone)

    def say(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def pair(self, words: tuple[str, str]) -> str:
        return words[1] if self.zh else words[0]

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.zone)

    def day_time(self, at: datetime | None) -> str:
        """ "11-20 09:00": a time within the report's month."""
        return "" if at is None else f"{self.local(at):%m-%d %H:%M}"

    def when(self, at: datetime) -> str:
        """ "2026-11-20 09:00 +08:00": a time on its own."""
        local = self.local(at)
        offset = local.strftime("%z")
        return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def number(value: float, decimals: int | None = None) -> str:
    """A value with its item's decimals ("13.5"), or as few as it needs ("86", "79.5")."""
    return f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
