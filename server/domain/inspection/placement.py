"""Where an inspection belongs: the rules every way in (API, handheld sync) applies, once."""

from collections.abc import Callable
from dataclasses import dataclass

from device_protocol.flags import Flag
from server.domain.models import Asset, InspectionTemplate


@dataclass(frozen=True)
class Misplaced:
    """Why an inspection cannot be placed: the field at fault, in words, and the sync flag."""

    field: str
    message: str
    reason: str
    flag: Flag


def misplaced(
    template: InspectionTemplate | None,
    template_id: int,
    asset_id: int | None,
    asset: Asset | None,
    site_id: int | None,
    may_use_site: Callable[[int], bool],
) -> Misplaced | None:
    """None when the inspection may be recorded; otherwise what is wrong with it.

    template and asset are what the caller found for the ids it was sent (None: none the
    caller may see). A form about equipment needs an active asset on a site the caller may
    use; a form about the whole site (the supervisory audit) needs such a site instead.
    """
    if template is None:
        return Misplaced("template_id", f"template {template_id} not found", "unknown", _FORM)
    if not template.active:
        return Misplaced("template_id", f"template {template_id} is retired", "retired", _FORM)
    if asset_id is not None:
        if asset is None or not may_use_site(asset.site_id):
            return Misplaced("asset_id", f"asset {asset_id} not found", "unknown", _ASSET)
        if not asset.active:
            return Misplaced("asset_id", f"asset {asset_id} is deactivated", "deactivated", _ASSET)
        return None
    if template.asset_kind is not None or site_id is None:
        return Misplaced(
            "asset_id", "say which asset was inspected", "required for this template", _ASSET
        )
    if not may_use_site(site_id):
        return Misplaced("site_id", f"site {site_id} not found", "unknown site", _ASSET)
    return None


_FORM = Flag.UNKNOWN_TEMPLATE
_ASSET = Flag.UNKNOWN_ASSET
