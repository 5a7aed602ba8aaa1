"""Every flag an event may carry is told in words, in English and Chinese."""

import pytest

from device_protocol.flags import Flag
from server.domain import flag_words


def test_every_flag_has_words_in_both_languages():
    assert set(flag_words.WORDS) == set(Flag)
    for english, chinese in flag_words.WORDS.values():
        assert english and chinese and english != chinese


@pytest.mark.parametrize(
    "flag,language,words",
    [
        (Flag.MANUAL_ENTRY, "en", "code typed in, not scanned"),
        ("manual_entry", "zh", "手动输入编号，未扫描"),
        ("tag_revoked", "zh", "二维码已作废"),
    ],
)
def test_a_flag_as_stored_reads_as_words(flag, language, words):
    assert flag_words.say(flag, language) == words


def test_words_differ_from_flag_to_flag():
    for n in (0, 1):
        said = [words[n] for words in flag_words.WORDS.values()]
        assert len(set(said)) == len(said)
