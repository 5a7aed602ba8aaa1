"""An alert's title told in a language, from the kinds' templates and the title's arguments."""

import string
from collections.abc import Mapping
from typing import Any

from server.domain.alerts.kinds import KINDS, NAMES, AlertKind

LANGUAGES = ("en", "zh")

# Words a title argument may hold, by language: {argument:one.side} reads "below" or "低于".
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "tag": {
        "tag_malformed": ("malformed", "格式错误的"),
        "tag_unknown_key": ("unknown key", "密钥未知的"),
        "tag_retired_key": ("retired key", "密钥已停用的"),
        "tag_bad_signature": ("bad signature", "签名无效的"),
        "tag_other_tenant": ("other tenant", "其他单位的"),
        "tag_unknown_tag": ("unknown tag", "未登记的"),
        "tag_revoked": ("revoked", "已作废的"),
        "tag_superseded": ("superseded", "已被替换的"),
        "tag_inactive": ("inactive", "所属点已停用的"),
    },
    "timing": {"early": ("early", "过早"), "late": ("late", "过晚")},
    "task": {"photo": ("photo", "照片"), "note": ("note", "备注")},
    "side": {"low": ("below", "低于"), "high": ("above", "高于")},
    "level": {
        "low": ("low", "提示"),
        "warning": ("warning", "警告"),
        "critical": ("critical", "严重"),
    },
}
_JOIN = {"and": (" and ", "和"), "list": (", ", "、")}


class _Sentence(string.Formatter):
    """str.format with Vigil's specs: one.<words>, and.<words>, list, who, late."""

    def __init__(self, language: str) -> None:
        self.n = LANGUAGES.index(language)

    def format_field(self, value: Any, spec: str) -> str:
        how, _, words = spec.partition(".")
        if how == "one":
            return WORDS[words][value][self.n]
        if how == "and":
            return _JOIN["and"][self.n].join(WORDS[words][v][self.n] for v in value)
        if how == "list":
            return _JOIN["list"][self.n].join(str(v) for v in value)
        if how == "who":  # a person's name, or the handheld's label when no one signed in
            if "person" in value:
                return str(value["person"])
            return ("Handheld ", "手持机 ")[self.n] + str(value["handheld"])
        if how == "late":  # {"days": n}, or {"hours": n} when under a day
            if "days" in value:
                days = value["days"]
                return (f"{days} day{'s' if days != 1 else ''}", f"{days} 天")[self.n]
            return (f"{value['hours']} h", f"{value['hours']} 小时")[self.n]
        return super().format_field(value, spec)


def render(kind: AlertKind, args: Mapping[str, Any], language: str = "en") -> str:
    """The title of an alert of this kind, from its title arguments, in a language."""
    title = KINDS[kind].titles[args.get("variant", "")]
    return _Sentence(language).format(getattr(title, language), **args)


def name(kind: str, language: str = "en") -> str:
    """What a kind is called, in a language (the kind's code for one this release lacks)."""
    if kind not in set(AlertKind):
        return kind
    return getattr(NAMES[AlertKind(kind)], language)
