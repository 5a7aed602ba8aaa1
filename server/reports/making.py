"""The worker's report step: make what was asked for, and a new version of what late data
changed. Each report is gathered and stored in a transaction of its own, so one that cannot be
made is marked failed and the rest are made; bytes are stored (content-addressed, by their
SHA-256) before the row that names them is committed, so no made report names missing bytes.
"""

import hashlib
import logging
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from server.domain import photos
from server.domain.models import Report, ReportFormat, ReportKind
from server.domain.reports import making, schedules
from server.domain.reports.facts import Gathered
from server.reports import asset_month, audit, compliance, daily_activity
from server.reports.pdf import render_pdf
from server.storage import BlobStore

log = logging.getLogger("vigil.reports")
PER_PASS = 20  # reports made in one pass at most; the rest wait for the next


def make(session: Session, blobs: BlobStore, now: datetime) -> int:
    """Make what is asked for, then amend what changed; how many reports were made. Each
    report commits on its own."""
    made = 0
    while made < PER_PASS:
        waiting = making.requested(session, 1)
        if not waiting:
            break
        made += _make_one(session, blobs, waiting[0], now)
    stale = [report.id for report in making.stale(session, now, PER_PASS - made)]
    session.commit()  # what was looked at and found unchanged is not looked at again soon
    for report_id in stale:
        report = session.get(Report, report_id)
        assert report is not None
        gathered = making.gather(session, report)
        amended = making.amendment(session, report, gathered, now)
        if amended is None:
            session.commit()
            continue
        _store(
            session, blobs, amended, gathered, render(session, blobs, amended, gathered, now), now
        )
        made += 1
    return made


def _make_one(session: Session, blobs: BlobStore, report: Report, now: datetime) -> int:
    try:
        with session.begin_nested():  # what a failed making did is undone, nothing before it
            gathered = making.gather(session, report)
            data = render(session, blobs, report, gathered, now)
    except Exception as error:  # a report that cannot be made must not stop the others
        log.exception("report not made", extra={"report_id": report.id})
        making.failed(session, report, str(error) or repr(error))
        session.commit()
        return 0
    _store(session, blobs, report, gathered, data, now)
    return 1


def _store(
    session: Session,
    blobs: BlobStore,
    report: Report,
    gathered: Gathered,
    data: bytes,
    now: datetime,
) -> None:
    sha256 = hashlib.sha256(data).hexdigest()
    if not blobs.exists(sha256):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report"
            path.write_bytes(data)
            blobs.put_file(sha256, path)
    making.made(session, report, gathered, sha256, len(data), now)
    schedules.made(session, report, now)  # its recipients are told in the same commit
    session.commit()


def render(
    session: Session, blobs: BlobStore, report: Report, gathered: Gathered, now: datetime
) -> bytes:
    """The report's file, in its format."""
    if (report.kind, report.format) == (ReportKind.DAILY_ACTIVITY, ReportFormat.PDF):
        laid_out = daily_activity.document(
            gathered.data, _thumbnails(blobs), now, tuple(report.changes)
        )
        return render_pdf(laid_out)
    if (report.kind, report.format) == (ReportKind.ASSET_MONTH, ReportFormat.PDF):
        return render_pdf(asset_month.document(gathered.data, now, tuple(report.changes)))
    if (report.kind, report.format) == (ReportKind.AUDIT, ReportFormat.PDF):
        laid_out = audit.document(gathered.data, _thumbnails(blobs), now, tuple(report.changes))
        return render_pdf(laid_out)
    if report.kind is ReportKind.COMPLIANCE:
        return compliance.render(report.format, gathered.data, now, tuple(report.changes))
    raise LookupError(f"no renderer for {report.kind} as {report.format}")


def _thumbnails(blobs: BlobStore) -> Any:
    """A photo's thumbnail (upright, no metadata) by sha256; None when it cannot be read."""

    def read(sha256: str) -> bytes | None:
        try:
            with blobs.open(photos.derived_key(blobs, sha256, "thumbnail")) as blob:
                return blob.read()
        except (OSError, ValueError):
            return None

    return read
