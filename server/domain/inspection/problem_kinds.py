"""Which alert kind each of the inspection checks' problems is raised as."""

from server.domain.alerts.kinds import AlertKind
from server.domain.inspection import checks

# What each of the checks' problems is raised as.
KINDS = {
    "out_of_bounds": AlertKind.INSPECTION_OUT_OF_BOUNDS,
    "above_usual": AlertKind.INSPECTION_ABOVE_USUAL,
    "check_failed": AlertKind.INSPECTION_CHECK_FAILED,
    "abnormal_choice": AlertKind.INSPECTION_ABNORMAL_CHOICE,
    "flatline": AlertKind.INSPECTION_FLATLINE,
    "meter_backwards": AlertKind.INSPECTION_METER_BACKWARDS,
    "meter_jump": AlertKind.INSPECTION_METER_JUMP,
    "unexplained_drop": AlertKind.INSPECTION_UNEXPLAINED_DROP,
    "audit_failed": AlertKind.INSPECTION_AUDIT_FAILED,
    "too_soon": AlertKind.INSPECTION_TOO_SOON,
    "incomplete": AlertKind.INSPECTION_INCOMPLETE,
}
# Kinds that last from record to record: a later record continues or settles their alert.
LASTING = frozenset(KINDS[code] for code in checks.LASTING)
