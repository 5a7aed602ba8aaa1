"""Words for what the inspection setup pages show: kinds of equipment, kinds of item, levels."""

from flask_babel import lazy_gettext as _l

from server.domain.models import AssetKind

ASSET_KIND = {
    AssetKind.GENERATOR.value: _l("Generator"),
    AssetKind.TRANSFORMER.value: _l("Transformer"),
    AssetKind.SWITCHGEAR.value: _l("Switchgear"),
    AssetKind.UPS.value: _l("UPS"),
    AssetKind.FIRE_PUMP.value: _l("Fire pump"),
    AssetKind.OTHER.value: _l("Other equipment"),
}
ITEM_TYPE = {
    "number": _l("Number"),
    "meter": _l("Meter (a counter that only rises)"),
    "check": _l("Check (passed or failed)"),
    "choice": _l("Choice"),
    "text": _l("Text"),
    "photo": _l("Photo"),
    "derived": _l("Computed from other items"),
    "audit": _l("Audit item (scored)"),
}
LEVEL = {"warning": _l("Warning"), "critical": _l("Critical")}
RANGE = {
    "normal": _l("Normal range"),
    "warning": _l("Warning limits"),
    "critical": _l("Critical limits"),
}


def kind_word(kind: object) -> str:
    """An equipment kind in the page's language; a site-wide form has none."""
    value = getattr(kind, "value", kind)
    return str(ASSET_KIND.get(str(value), value)) if value else str(_l("Whole site"))


WORDS = {
    "kind_word": kind_word,
    "item_type_word": lambda t: str(ITEM_TYPE.get(t, t)),
    "level_word": lambda level: str(LEVEL.get(level, level)),
    "range_word": lambda name: str(RANGE.get(name, name)),
    "ASSET_KINDS": ASSET_KIND,
}


# The domain's refusals of a form or a limit, said in the page's language; any other message
# is shown as the domain wrote it.
PROBLEMS = {
    "the template definition is not valid": _l("The form is not valid: see the marked items."),
    "the limits are not valid": _l("The limits are not valid."),
    "low is above high": _l("the low limit is above the high one"),
    "[low, high], either may be null": _l("numbers, or left empty"),
    "lower-case letters, digits and _, starting with a letter": _l(
        "lower-case letters, digits and _, starting with a letter"
    ),
    'a text, or {"en": ..., "zh": ...}': _l("give a label in English or Chinese"),
    "an integer from 0 to 6": _l("a whole number from 0 to 6"),
    "1 to 50 distinct texts": _l("1 to 50 different choices, one a line"),
    "choices mapped to warning or critical": _l("only choices listed above"),
    "a non-empty list": _l("at least one"),
    "the warning low limit is above the normal one": _l(
        "the warning low limit is above the normal range's low end"
    ),
    "the warning high limit is below the normal one": _l(
        "the warning high limit is below the normal range's high end"
    ),
    "the critical low limit is above the warning one": _l(
        "the critical low limit is above the warning low limit"
    ),
    "the critical high limit is below the warning one": _l(
        "the critical high limit is below the warning high limit"
    ),
    "give an rrule, or max_days or max_hours": _l(
        "Say when it is due: a calendar, or a spacing's most."
    ),
    "an RRULE, or set max_days or max_hours": _l("a calendar, or a spacing's most"),
    "an rrule needs start_local": _l("A calendar needs its start."),
    "YYYY-MM-DDTHH:MM": _l("a date and a time"),
    "min_days is above max_days": _l("The least is above the most."),
    "min_hours is above max_hours": _l("The least is above the most."),
    "at most max_days": _l("at most the most"),
    "at most max_hours": _l("at most the most"),
    "an active user of this site": _l("someone who works on this site"),
}


def problem_word(message: str) -> str:
    return str(PROBLEMS.get(message, message))
