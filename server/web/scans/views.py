"""The scan log: what handhelds reported on a site, filtered, a keyset page at a time, or as CSV."""

import re
import unicodedata
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response, request, stream_with_context

from device_protocol.flags import Flag
from server.domain import events, flag_words, names, site_choices
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.models import DeviceEvent
from server.http.session import db_session
from server.web.i18n import lang
from server.web.pages import group, page, render
from server.web.scans import form as scan_form

blp = group("scans")
PAGE_SIZE = 50
# Characters a file name may not hold on Windows, macOS or Linux.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@page(blp, "/scans")
def index():
    form = scan_form.read(request.args)
    choices = site_choices.at_site(db_session(), form.ids.get("site_id"))
    if form.problems:
        return _page(form, choices, None, {}, 422)
    found = events.page(db_session(), form.filter(choices.site.timezone), form.cursor, PAGE_SIZE)
    return _page(form, choices, found, _names(found.items), 200)


@page(blp, "/scans.csv")
def export():
    form = scan_form.read(request.args)
    choices = site_choices.at_site(db_session(), form.ids.get("site_id"))
    if form.problems:
        return _page(form, choices, None, {}, 422)
    lines = events.export(db_session, form.filter(choices.site.timezone))
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = _attachment(_file_name(form, choices.site))
    return response


def _page(
    form: scan_form.ScanForm,
    choices: site_choices.Choices,
    found: events.Page | None,
    named: dict[str, dict[int, str]],
    status: int,
) -> tuple[str, int]:
    form.args.setdefault("site_id", str(choices.site.id))  # links keep the site the page shows
    return render(
        "scans/index.html",
        status,
        form=form,
        choices=choices,
        site=choices.site,
        options=_options(choices),
        found=found,
        names=named | {"checkpoints": {c.id: c.name for c in choices.checkpoints}},
        say_flag=flag_words.say,
    )


def _options(choices: site_choices.Choices) -> dict[str, list[tuple[str, str]]]:
    """(value, text) for each select of the form, flags in the page's language."""
    return {
        "site_id": [(str(s.id), s.name) for s in choices.sites],
        "guard": [(str(c.id), c.name) for c in choices.people],
        "handheld": [(str(c.id), c.name) for c in choices.handhelds],
        "checkpoint": [(str(c.id), c.name) for c in choices.checkpoints],
        # In the protocol's order, which keeps related flags together.
        "flag": [(flag.value, flag_words.say(flag, lang())) for flag in Flag],
    }


def _names(items: list[DeviceEvent]) -> dict[str, dict[int, str]]:
    """Who carried which handheld, by name, for the page's events."""
    actor, session = current_actor(), db_session()
    return {
        "people": names.lookup(
            session, actor, names.Named.PERSON, (e.user_id for e in items if e.user_id)
        ),
        "handhelds": names.lookup(
            session, actor, names.Named.HANDHELD, (e.device_id for e in items)
        ),
    }


def _file_name(form: scan_form.ScanForm, site: site_choices.SiteChoice) -> str:
    """scans_<site>_<from>_<to>.csv, dates as the form gave them (site-local)."""
    today = utcnow().astimezone(ZoneInfo(site.timezone)).date().isoformat()
    since = form.since.date().isoformat() if form.since else "all"
    until = form.until.date().isoformat() if form.until else today
    return _UNSAFE.sub("-", f"scans_{site.name}_{since}_{until}") + ".csv"


def _attachment(name: str) -> str:
    """Content-Disposition for any name: ASCII for old clients, UTF-8 (RFC 6266) for the rest."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"\s+", " ", plain.replace('"', "")).strip()
    plain = re.sub(r" *_[ _]*", "_", plain) or "scans.csv"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
