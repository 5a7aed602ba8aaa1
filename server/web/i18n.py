"""Chinese and English: the browser's language unless the switch chose one; times in site time."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, request
from flask_babel import Babel, get_locale

LANGUAGES = ("zh", "en")
COOKIE = "vigil_lang"
TRANSLATIONS = Path(__file__).parent / "translations"


def language() -> str:
    """The page's language: the switch's choice (a cookie), else the browser's, else English."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def lang() -> str:
    """The language of the page being rendered, as the domain names it ('zh' or 'en')."""
    return str(get_locale() or "en")[:2]


def site_time(when: datetime | None, timezone: str, with_date: bool = True) -> str:
    """An instant as the site's clock shows it, with the offset: '2026-12-03 02:10 +08:00'."""
    if when is None:
        return ""
    local = when.astimezone(ZoneInfo(timezone))
    offset = local.strftime("%z")
    shown = local.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")
    return f"{shown} {offset[:3]}:{offset[3:]}"


def init_i18n(app: Flask) -> None:
    """Flask-Babel with Vigil's catalogues and language choice; helpers for the templates."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, default_locale="en", locale_selector=language)
    app.jinja_env.globals.update(lang=lang, LANGUAGES=LANGUAGES)
    app.jinja_env.filters["site_time"] = site_time
