"""Every word the console shows has its Chinese, and the compiled catalogue is the current one."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEB = Path("server/web")
CATALOGUE = WEB / "translations/zh/LC_MESSAGES"
METHODS = [("**.py", "python"), ("**.html", "jinja2"), ("**.svg", "jinja2")]


def _po():
    with (CATALOGUE / "messages.po").open("rb") as file:
        return read_po(file)


def _key(message_id):
    return message_id[0] if isinstance(message_id, tuple | list) else message_id


def _text(string):
    return tuple(string) if isinstance(string, tuple | list) else string


def test_every_message_in_code_and_templates_is_in_the_catalogue():
    used = {
        _key(m[2])
        for m in extract_from_dir(
            WEB,
            METHODS,
            keywords={
                "_": None,
                "_l": None,
                "gettext": None,
                "ngettext": (1, 2),
                "lazy_gettext": None,
            },
        )
    }
    known = {_key(m.id) for m in _po() if m.id}
    assert used - known == set(), "run `make translations` and translate what is new"


def test_every_message_has_its_chinese():
    missing = [m.id for m in _po() if m.id and not (m.string[0] if m.pluralizable else m.string)]
    assert missing == []


def test_the_compiled_catalogue_matches_its_source():
    with (CATALOGUE / "messages.mo").open("rb") as file:
        compiled = {_key(m.id): _text(m.string) for m in read_mo(file) if m.id}
    source = {_key(m.id): _text(m.string) for m in _po() if m.id}
    assert compiled == source, "run `make translations` to compile the catalogue"
