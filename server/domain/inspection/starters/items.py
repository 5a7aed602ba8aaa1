"""Building blocks of the starter forms: labelled items and sections."""

from typing import Any


def label(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def number(key: str, en: str, zh: str, unit: str, decimals: int = 1, **extra: Any) -> dict:
    return {
        "key": key,
        "type": "number",
        "label": label(en, zh),
        "unit": unit,
        "decimals": decimals,
        **extra,
    }


def meter(key: str, en: str, zh: str, unit: str, **extra: Any) -> dict:
    return {"key": key, "type": "meter", "label": label(en, zh), "unit": unit, **extra}


def check(key: str, en: str, zh: str, **extra: Any) -> dict:
    return {"key": key, "type": "check", "label": label(en, zh), **extra}


def section(key: str, en: str, zh: str, *items: dict) -> dict:
    return {"key": key, "title": label(en, zh), "items": list(items)}


NOTES = {"key": "notes", "type": "text", "label": label("Remarks", "备注"), "required": False}
PHOTO = {"key": "photo", "type": "photo", "label": label("Photo", "照片"), "required": False}
