"""The alert kinds' table: every kind reads in English and Chinese, and its keys round-trip."""

import re

import pytest

from server.domain.alerts.kinds import KINDS, AlertKey, AlertKind
from server.domain.alerts.titles import LANGUAGES, render
from server.domain.inspection import checks
from server.domain.inspection.problem_kinds import KINDS as INSPECTION_KINDS
from server.domain.inspection.problem_kinds import LASTING
from server.domain.patrol.judging import _KINDS as ROUND_KINDS

ROUND = {"route": "夜巡 Night", "due": "2026-11-20 22:00", "checkpoint": "北门 North gate"}
READING = {"subject": "1# 发电机", "label": "油压 Oil pressure"}
# Title arguments as the features give them, one set per kind and variant.
SAMPLES: dict[tuple[AlertKind, str], dict] = {
    (AlertKind.SUSPICIOUS_TAG, ""): {"flag": "tag_bad_signature"},
    (AlertKind.FAR_SCAN, ""): {"checkpoint": "北门", "distance": 420},
    (AlertKind.TWIN_SCAN, ""): {"seconds": 12},
    (AlertKind.IMPOSSIBLE_SPEED, ""): {
        "from": "北门",
        "to": "配电房",
        "distance": 315,
        "seconds": 27,
    },
    (AlertKind.ROUND_MISSED, ""): ROUND,
    (AlertKind.ROUND_INCOMPLETE, ""): ROUND | {"missed": ["北门", "B2"]},
    (AlertKind.ROUND_LATE_START, ""): ROUND | {"grace": 10},
    (AlertKind.ROUND_LATE_START, "started_late"): ROUND | {"grace": 10},
    (AlertKind.ROUND_OUT_OF_ORDER, ""): ROUND,
    (AlertKind.ROUND_TIMING, ""): ROUND | {"timing": "late"},
    (AlertKind.ROUND_TASK, ""): ROUND | {"missing": ["photo", "note"]},
    (AlertKind.ROUND_RUSHED, ""): ROUND,
    (AlertKind.GUARD_INACTIVE, ""): {"who": {"person": "王伟"}, "since": "22:20", "limit": 30},
    (AlertKind.GUARD_INACTIVE, "resumed"): {
        "who": {"handheld": "HT-1"},
        "since": "22:00",
        "until": "22:50",
        "minutes": 50,
        "limit": 30,
    },
    (AlertKind.INSPECTION_OUT_OF_BOUNDS, ""): READING
    | {"value": "0.1 MPa", "limit": "0.2 MPa", "side": "low", "level": "critical"},
    (AlertKind.INSPECTION_ABOVE_USUAL, ""): READING
    | {"value": "95 °C", "usual": "80 °C", "max_above": 10},
    (AlertKind.INSPECTION_CHECK_FAILED, ""): READING,
    (AlertKind.INSPECTION_ABNORMAL_CHOICE, ""): READING | {"value": "手动"},
    (AlertKind.INSPECTION_FLATLINE, ""): READING | {"records": 5},
    (AlertKind.INSPECTION_METER_BACKWARDS, ""): READING | {"previous": 120.5, "value": 118},
    (AlertKind.INSPECTION_METER_JUMP, ""): READING | {"per_day": 30},
    (AlertKind.INSPECTION_UNEXPLAINED_DROP, ""): READING | {"drop": "18 %"},
    (AlertKind.INSPECTION_UNEXPLAINED_DROP, "short_run"): READING
    | {"drop": "24 %", "rise": 0.2, "least": 0.5},
    (AlertKind.INSPECTION_AUDIT_FAILED, ""): READING
    | {"score": 72.5, "grade": "fail", "grade_zh": "不合格"},
    (AlertKind.INSPECTION_TOO_SOON, ""): READING | {"days": 10, "least": 20},
    (AlertKind.INSPECTION_TOO_SOON, "hours"): READING | {"hours": 10, "least": 12},
    (AlertKind.INSPECTION_INCOMPLETE, ""): READING | {"missing": ["油压 Oil pressure", "水温"]},
    (AlertKind.INSPECTION_OVERDUE, ""): {
        "asset": "1# 发电机",
        "form": "发电机月检 Generator monthly",
        "late": {"days": 3},
        "due": "2026-11-20 09:00",
    },
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_kind_and_variant_has_a_sample():
    assert set(SAMPLES) == {(k, v) for k, spec in KINDS.items() for v in spec.titles}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("kind", "variant"), list(SAMPLES), ids=lambda x: str(x) or "-")
def test_every_title_reads_as_a_sentence_in_both_languages(kind, variant, language):
    args = SAMPLES[(kind, variant)] | ({"variant": variant} if variant else {})
    title = render(kind, args, language)
    assert "{" not in title and "}" not in title
    assert "None" not in title
    if language == "zh":
        # Chinese words of its own, not only the names it was given.
        names = "".join(str(v) for v in args.values())
        assert set(CJK.findall(title)) - set(CJK.findall(names))
    else:
        assert not set(CJK.findall(title)) - set(CJK.findall("".join(map(str, args.values()))))


@pytest.mark.parametrize(
    ("kind", "args", "english", "chinese"),
    [
        (
            AlertKind.SUSPICIOUS_TAG,
            {"flag": "tag_bad_signature"},
            "Scan of a bad signature tag",
            "扫描了签名无效的标签",
        ),
        (
            AlertKind.ROUND_TASK,
            ROUND | {"missing": ["photo", "note"]},
            "北门 North gate scanned without photo and note",
            "北门 North gate 扫描时缺少照片和备注",
        ),
        (
            AlertKind.INSPECTION_OUT_OF_BOUNDS,
            SAMPLES[(AlertKind.INSPECTION_OUT_OF_BOUNDS, "")],
            "1# 发电机: 油压 Oil pressure 0.1 MPa, below the critical limit 0.2 MPa",
            "1# 发电机：油压 Oil pressure 0.1 MPa，低于严重限值 0.2 MPa",
        ),
        (
            AlertKind.INSPECTION_OVERDUE,
            SAMPLES[(AlertKind.INSPECTION_OVERDUE, "")] | {"late": {"days": 1}},
            "1# 发电机: 发电机月检 Generator monthly overdue by 1 day (due 2026-11-20 09:00)",
            "1# 发电机：发电机月检 Generator monthly 已逾期 1 天（应于 2026-11-20 09:00）",
        ),
        (
            AlertKind.INSPECTION_OVERDUE,
            SAMPLES[(AlertKind.INSPECTION_OVERDUE, "")] | {"late": {"hours": 5}},
            "1# 发电机: 发电机月检 Generator monthly overdue by 5 h (due 2026-11-20 09:00)",
            "1# 发电机：发电机月检 Generator monthly 已逾期 5 小时（应于 2026-11-20 09:00）",
        ),
        (
            AlertKind.INSPECTION_UNEXPLAINED_DROP,
            READING | {"drop": "24 %", "rise": 0.2, "least": 0.5, "variant": "short_run"},
            "1# 发电机: 油压 Oil pressure fell 24 % since the last record; a run of 0.2 h does"
            " not explain it (at least 0.5 h does)",
            "1# 发电机：油压 Oil pressure 自上次记录以来下降 24 %；运行 0.2 小时不足以解释"
            "（至少 0.5 小时）",
        ),
        (
            AlertKind.GUARD_INACTIVE,
            SAMPLES[(AlertKind.GUARD_INACTIVE, "resumed")] | {"variant": "resumed"},
            "Handheld HT-1 was silent 50 min, 22:00 to 22:50, while clocked in",
            "手持机 HT-1 在岗期间 22:00 至 22:50 无信号 50 分钟",
        ),
    ],
)
def test_a_title_says_the_same_facts_in_each_language(kind, args, english, chinese):
    assert render(kind, args, "en") == english
    assert render(kind, args, "zh") == chinese


class TestAlertKey:
    @pytest.mark.parametrize(
        ("key", "text"),
        [
            (AlertKey.of(AlertKind.ROUND_MISSED, 42), "round_missed:42"),
            (AlertKey.of(AlertKind.ROUND_TIMING, 42, 3), "round_timing:42:3"),
            (
                AlertKey.of(AlertKind.SUSPICIOUS_TAG, 7, "tag_revoked", "ab12"),
                "tag:7:tag_revoked:ab12",
            ),
            (
                AlertKey.of(AlertKind.INSPECTION_OVERDUE, 5, "2026-11-20T01:00:00+00:00"),
                "inspection_overdue:5:2026-11-20T01:00:00+00:00",
            ),
            (
                AlertKey.of(AlertKind.INSPECTION_OUT_OF_BOUNDS, 9, "oil_kpa", 77),
                "inspection_out_of_bounds:9:oil_kpa:77",
            ),
        ],
    )
    def test_a_key_is_stored_as_before_and_reads_back_the_same(self, key, text):
        assert str(key) == text
        assert AlertKey.parse(text) == key

    def test_the_parts_are_read_by_name(self):
        key = AlertKey.parse("inspection_overdue:5:2026-11-20T01:00:00+00:00")
        assert key["schedule_id"] == "5"
        assert key["due_at"] == "2026-11-20T01:00:00+00:00"

    def test_a_key_with_the_wrong_parts_cannot_be_built(self):
        with pytest.raises(ValueError, match="round_missed"):
            AlertKey.of(AlertKind.ROUND_MISSED, 42, 3)
        with pytest.raises(KeyError):
            AlertKey.parse("no_such_kind:1")

    def test_a_lasting_problem_is_named_by_its_key_without_the_record(self):
        key = AlertKey.of(AlertKind.INSPECTION_FLATLINE, "s3", "t12", 501)
        assert key.subject == "inspection_flatline:s3:t12"
        assert key.subject == AlertKey.subject_of(AlertKind.INSPECTION_FLATLINE, "s3", "t12")
        assert AlertKey.of(AlertKind.INSPECTION_TOO_SOON, 501, "-").subject is None


def test_the_features_raise_only_kinds_of_the_table_and_agree_on_what_lasts():
    assert set(ROUND_KINDS.values()) | set(INSPECTION_KINDS.values()) <= set(KINDS)
    assert {INSPECTION_KINDS[code] for code in checks.LASTING} == LASTING
    assert {k for k, spec in KINDS.items() if spec.lasting} == LASTING


def test_every_kind_has_a_name_in_both_languages():
    from server.domain.alerts.kinds import NAMES
    from server.domain.alerts.titles import name

    assert set(NAMES) == set(AlertKind)
    for kind in AlertKind:
        assert name(kind.value, "en") and name(kind.value, "zh") != name(kind.value, "en")
    assert name("retired_kind", "zh") == "retired_kind"
