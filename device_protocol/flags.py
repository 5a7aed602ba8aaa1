"""The flags an accepted event may carry (docs/device-protocol.md): written once, read as types."""

import enum


class Flag(enum.StrEnum):
    """Why an accepted event needs a supervisor's eye; the event is stored either way."""

    # The QR payload did not verify (docs/tags.md).
    TAG_MALFORMED = "tag_malformed"
    TAG_UNKNOWN_KEY = "tag_unknown_key"
    TAG_RETIRED_KEY = "tag_retired_key"
    TAG_BAD_SIGNATURE = "tag_bad_signature"
    TAG_OTHER_TENANT = "tag_other_tenant"
    TAG_UNKNOWN_TAG = "tag_unknown_tag"
    TAG_REVOKED = "tag_revoked"
    TAG_SUPERSEDED = "tag_superseded"
    TAG_INACTIVE = "tag_inactive"
    # Could not be placed at a checkpoint.
    UNKNOWN_CHIP = "unknown_chip"
    UNKNOWN_CODE = "unknown_code"
    AMBIGUOUS_CODE = "ambiguous_code"
    UNKNOWN_CHECKPOINT = "unknown_checkpoint"
    MANUAL_ENTRY = "manual_entry"  # identified by a typed code, not a scan
    OTHER_SITE = "other_site"  # a checkpoint of a site the handheld is not enrolled for
    INACTIVE_CHECKPOINT = "inactive_checkpoint"
    # Inspections and voluntary rounds naming what this handheld may not use.
    UNKNOWN_ASSET = "unknown_asset"
    UNKNOWN_TEMPLATE = "unknown_template"
    INSPECTION_ITEM_ERRORS = "inspection_item_errors"
    INSPECTION_INCOMPLETE = "inspection_incomplete"
    UNKNOWN_ROUTE = "unknown_route"
    # The person named.
    UNKNOWN_USER = "unknown_user"
    USER_OTHER_SITE = "user_other_site"
    # The event's time.
    TIME_IN_FUTURE = "time_in_future"
    TIME_BEFORE_ENROLLMENT = "time_before_enrollment"
    DEVICE_CLOCK_OFF = "device_clock_off"


TAG_FLAGS = frozenset(
    {
        Flag.TAG_MALFORMED,
        Flag.TAG_UNKNOWN_KEY,
        Flag.TAG_RETIRED_KEY,
        Flag.TAG_BAD_SIGNATURE,
        Flag.TAG_OTHER_TENANT,
        Flag.TAG_UNKNOWN_TAG,
        Flag.TAG_REVOKED,
        Flag.TAG_SUPERSEDED,
        Flag.TAG_INACTIVE,
    }
)


def read(stored: list[str]) -> tuple[Flag, ...]:
    """Flags as a stored event keeps them (JSON text), back as Flags."""
    return tuple(Flag(f) for f in stored)
