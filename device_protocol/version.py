"""Protocol versions and the limits both sides agree on (docs/device-protocol.md)."""

HEADER = "Vigil-Protocol"
SUPPORTED_HEADER = "Vigil-Protocol-Supported"
CURRENT = "1"
SUPPORTED = ("1",)
APP_HEADER = "Vigil-App"  # optional: the handheld app's own version, e.g. "2.4.1"

MAX_EVENTS = 500  # events in one sync batch
MAX_BATCH_BYTES = 2 * 1024 * 1024  # one sync request body
MAX_TEXT = 4000  # characters in a note or incident text
MAX_PHOTOS = 10  # photo hashes on one event
BATCHES_PER_MINUTE = 60  # per device; a handheld syncing faster is misbehaving
MAX_APP_VERSION = 40  # characters of the Vigil-App header kept


def app_version(raw: str | None) -> str | None:
    """The app version a Vigil-App header states: 1 to 40 printable ASCII characters, else None.

    None for anything else too: the header is informative, so a bad one is ignored, not refused.
    """
    text = (raw or "").strip()
    if 0 < len(text) <= MAX_APP_VERSION and text.isascii() and text.isprintable():
        return text
    return None
