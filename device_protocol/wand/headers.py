"""The header names cradle software gives each column, in Chinese and English.

Compared after normalising: lower case, no spaces, underscores, hyphens, dots or slashes, and
without a bracketed aside, so "Tag ID", "tag_id" and "卡号(Card No.)" all match.
"""

import re

TIME = frozenset(
    {
        # English (Patrol Master, GuardTour, Deggy, generic exports)
        *("time", "datetime", "date", "timestamp", "readtime", "visittime", "scantime"),
        *("patroltime", "eventtime", "checktime", "touchtime", "readdate", "readdatetime"),
        *("actualtime", "arrivaltime", "recordtime"),
        # Chinese (巡更/巡检 suites)
        *("时间", "日期", "日期时间", "巡检时间", "巡更时间", "巡逻时间", "巡查时间", "刷卡时间"),
        *("读卡时间", "打卡时间", "签到时间", "到达时间", "记录时间", "采集时间", "巡检日期"),
        *("巡更日期", "巡检日期时间", "巡更日期时间", "实际时间", "实到时间", "时刻"),
    }
)
CHIP = frozenset(
    {
        *("tag", "tagid", "tagno", "tagnumber", "tagcode", "taguid", "card", "cardno", "cardid"),
        *("cardnumber", "chip", "chipid", "button", "buttonid", "buttonno", "ibutton", "rfid"),
        *("uid", "checkpointid", "checkpointtag", "checkpointno", "pointid", "locationid"),
        *("钮号", "卡号", "信息钮", "信息钮号", "标签号", "标签", "标签编号", "标签id", "点号"),
        *("地点钮", "地点钮号", "巡检钮", "巡更钮", "巡检钮号", "巡更钮号", "卡片号", "卡号码"),
        *("钮号码", "芯片号", "id卡号", "ic卡号", "rfid号", "卡片编号", "点位卡号", "巡检卡号"),
    }
)
# A checkpoint column holds names in most exports, chip ids in some: the cells decide.
PLACE = frozenset(
    {
        *("checkpoint", "checkpointname", "point", "pointname", "location", "locationname"),
        *("place", "placename", "station", "tourpoint"),
        *("巡更点", "巡检点", "地点", "点名称", "地点名称", "巡检点名称", "巡更点名称", "点位"),
        *("点位名称", "巡逻点", "检查点", "名称", "位置", "巡检地点", "巡更地点", "巡检位置"),
    }
)
WAND = frozenset(
    {
        *("wand", "wandid", "wandno", "wandserial", "reader", "readerid", "readerno", "device"),
        *("deviceid", "deviceno", "deviceserial", "serial", "serialno", "serialnumber"),
        *("machine", "machineno", "terminal", "terminalid", "collector", "patrolwand", "pipe"),
        *("巡更棒", "巡检棒", "巡更棒号", "巡检棒号", "棒号", "机号", "设备号", "设备编号"),
        *("设备", "巡检器", "巡更器", "巡检机", "巡更机", "巡检机号", "巡检器号", "巡更机号"),
        *("终端号", "读卡器", "采集器", "巡检设备", "巡更设备", "机器号", "设备序列号"),
    }
)
GUARD = frozenset(
    {
        *("guard", "guardname", "guardid", "officer", "officername", "person", "personname"),
        *("patroller", "patrolman", "staff", "staffname", "staffno", "staffid", "staffnumber"),
        *("employee", "employeename", "employeeno", "employeeid", "user", "username", "worker"),
        *("巡检员", "巡更员", "巡逻员", "人员", "人员名称", "人员姓名", "姓名", "工号"),
        *("保安", "保安员", "巡检人", "巡更人", "巡检人员", "巡更人员", "巡逻人员", "员工"),
        *("员工号", "员工编号", "员工姓名", "人员钮", "人员钮号", "人员编号", "巡检员工号"),
    }
)
# Columns that are never a chip, whatever their cells look like.
NEVER_CHIP = frozenset(
    {"no", "index", "#", "序号", "编号", "行号", "event", "eventtype", "事件", "事件类型", "类型"}
)

_NOISE = re.compile(r"[\s_\-./]")
_ASIDE = re.compile(r"[(（\[【].*?[)）\]】]")


def normalise(header: str) -> str:
    """A header as the tables above spell it."""
    return _NOISE.sub("", header).lower()


def names(header: str) -> set[str]:
    """The spellings to look up: the header, and the header without its bracketed aside."""
    return {normalise(header), normalise(_ASIDE.sub("", header))} - {""}


def matches(table: frozenset[str], header: str) -> bool:
    """Whether the header is one of the table's names."""
    return bool(names(header) & table)
