"""Protocol versions and the limits both sides agree on (docs/device-protocol.md)."""

HEADER = "Vigil-Protocol"
SUPPORTED_HEADER = "Vigil-Protocol-Supported"
CURRENT = "1"
SUPPORTED = ("1",)

MAX_EVENTS = 500  # events in one sync batch
MAX_BATCH_BYTES = 2 * 1024 * 1024  # one sync request body
MAX_TEXT = 4000  # characters in a note or incident text
MAX_PHOTOS = 10  # photo hashes on one event
BATCHES_PER_MINUTE = 60  # per device; a handheld syncing faster is misbehaving
