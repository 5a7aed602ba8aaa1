"""The evaluator loop: `flask vigil worker` runs a sweep every few seconds until stopped."""

import logging
import signal
import threading
from typing import Any

from server import serving
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.clock import utcnow
from server.domain.patrol import sweep

log = logging.getLogger("vigil.worker")
# The evaluator acts for no user; the audit trail names it.
EVALUATOR = Actor(user_id=None, org_id=0, role=Role.ADMIN, label="evaluator")


def run_once(vigil: Any) -> sweep.PassCounts:
    """One sweep in its own transaction, as of now."""
    token = set_actor(EVALUATOR)
    try:
        with vigil.sessionmaker() as session:
            counts = sweep.run(session, utcnow())
            session.commit()
            return counts
    finally:
        reset_actor(token)


def run_forever(vigil: Any, interval: float, stop: threading.Event | None = None) -> None:
    """Sweep every interval seconds until stop is set or SIGTERM arrives."""
    stop = stop or threading.Event()
    serving.settle()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.is_set():
        try:
            counts = run_once(vigil)
            if any(counts.__dict__.values()):
                log.info("sweep", extra={"counts": counts.__dict__})
        except Exception:  # one bad pass must not end the loop; the next one retries
            log.exception("sweep failed")
        stop.wait(interval)
