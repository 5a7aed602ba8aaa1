"""An event's flags told in words, in English and Chinese, for people rather than programs."""

from device_protocol.flags import Flag

LANGUAGES = ("en", "zh")

# What each flag means to a supervisor reading the scan log (docs/device-protocol.md).
WORDS: dict[Flag, tuple[str, str]] = {
    Flag.TAG_MALFORMED: ("QR tag could not be read as a Vigil tag", "二维码不是有效的 Vigil 标签"),
    Flag.TAG_UNKNOWN_KEY: ("QR tag signed with an unknown key", "二维码签名密钥未知"),
    Flag.TAG_RETIRED_KEY: ("QR tag signed with a retired key", "二维码签名密钥已停用"),
    Flag.TAG_BAD_SIGNATURE: (
        "QR tag signature does not match: possibly forged",
        "二维码签名不符：可能是伪造的",
    ),
    Flag.TAG_OTHER_TENANT: ("QR tag of another organization", "其他单位的二维码"),
    Flag.TAG_UNKNOWN_TAG: ("QR tag never issued", "未发放过的二维码"),
    Flag.TAG_REVOKED: ("QR tag revoked", "二维码已作废"),
    Flag.TAG_SUPERSEDED: ("QR tag replaced by a newer one", "二维码已被新标签替换"),
    Flag.TAG_INACTIVE: (
        "QR tag of a deactivated checkpoint or asset",
        "二维码所属巡更点或设备已停用",
    ),
    Flag.UNKNOWN_CHIP: ("chip not registered to any checkpoint", "芯片未登记到任何巡更点"),
    Flag.UNKNOWN_CODE: ("typed code matches no checkpoint", "输入的编号不对应任何巡更点"),
    Flag.AMBIGUOUS_CODE: ("typed code matches several checkpoints", "输入的编号对应多个巡更点"),
    Flag.UNKNOWN_CHECKPOINT: ("checkpoint not found", "找不到巡更点"),
    Flag.MANUAL_ENTRY: ("code typed in, not scanned", "手动输入编号，未扫描"),
    Flag.OTHER_SITE: (
        "checkpoint of a site this handheld is not enrolled for",
        "巡更点不属于本手持机登记的项目",
    ),
    Flag.INACTIVE_CHECKPOINT: ("checkpoint deactivated", "巡更点已停用"),
    Flag.UNKNOWN_ASSET: ("asset this handheld may not inspect", "本手持机无权巡检的设备"),
    Flag.UNKNOWN_TEMPLATE: ("unknown inspection form", "未知的巡检表"),
    Flag.INSPECTION_ITEM_ERRORS: ("some values did not fit their items", "部分数值不符合检查项"),
    Flag.INSPECTION_INCOMPLETE: ("required items not filled in", "必填项未填写"),
    Flag.UNKNOWN_ROUTE: ("route not active on this handheld's sites", "路线未在本手持机的项目启用"),
    Flag.UNKNOWN_USER: ("unknown person: stored without one", "人员未知：未记录人员"),
    Flag.USER_OTHER_SITE: ("person not assigned to this site", "人员未分配到此项目"),
    Flag.TIME_IN_FUTURE: ("time in the future", "时间在未来"),
    Flag.TIME_BEFORE_ENROLLMENT: ("time before the handheld was enrolled", "时间早于手持机登记"),
    Flag.DEVICE_CLOCK_OFF: (
        "handheld clock off by five minutes or more",
        "手持机时钟偏差五分钟以上",
    ),
}


def say(flag: Flag | str, language: str = "en") -> str:
    """A flag in words in a language ('en' or 'zh'); a stored flag's text is read as a Flag."""
    return WORDS[Flag(flag)][LANGUAGES.index(language)]


__all__ = ["LANGUAGES", "WORDS", "say"]
