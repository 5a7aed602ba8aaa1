"""Fitting label text: Chinese breaks anywhere, Latin at spaces, shrink before cutting."""

import pytest

from qr import sheets, textfit

FONT = sheets.FONT
WIDTH = 65.0  # points: the small sticker's text column on A4


@pytest.fixture(autouse=True, scope="module")
def _font():
    sheets.render_pdf(sheets_labels())  # registers the embedded font


def sheets_labels() -> list[sheets.Label]:
    return [sheets.Label("V1:C:1:1:1:AAAAAAAAAAAAAAAA", "配电房", "湖畔花园", "CP-1")]


def fitted(text: str, lines: int = 2, height: float = 100.0, width: float = WIDTH):
    return textfit.fit(text, FONT, width, height, largest=8.5, smallest=6, max_lines=lines)


def test_a_short_name_keeps_its_size_on_one_line():
    assert fitted("配电房") == textfit.Fitted(("配电房",), 8.5)


def test_chinese_wraps_between_any_two_characters():
    name = "湖畔花园二期地下车库消防水泵房"
    result = fitted(name)
    assert len(result.lines) == 2 and "".join(result.lines) == name


def test_latin_wraps_at_spaces_and_keeps_words_whole():
    name = "North substation high voltage switchgear room"
    result = fitted(name, lines=4)
    assert " ".join(result.lines) == name
    assert all(word in name.split() for line in result.lines for word in line.split())


def test_mixed_text_breaks_inside_chinese_but_not_inside_a_latin_word():
    name = "3号楼地下二层配电房东侧高压开关柜 North Substation HV switchgear"
    result = fitted(name, lines=4)
    assert "".join(result.lines).replace(" ", "") == name.replace(" ", "")
    assert not any(name.split()[0] in line for line in result.lines)  # broken inside the Chinese
    latin = " ".join(result.lines).split()
    assert {"North", "Substation", "HV", "switchgear"} <= set(latin)


def test_closing_marks_never_start_a_line_and_opening_marks_never_end_one():
    for width in range(30, 90, 3):
        result = fitted("配电房（东侧），高压开关柜（北）。", lines=6, width=width)
        assert not any(line[0] in "，。）" for line in result.lines), result
        assert not any(line[-1] == "（" for line in result.lines), result


def test_two_lines_not_enough_shrinks_before_anything_is_cut():
    sizes = [fitted("配电房东侧高压开关柜" * n).size for n in (1, 2)]
    assert sizes[0] == 8.5 and 6 <= sizes[1] < 8.5
    assert textfit.ELLIPSIS not in "".join(fitted("配电房东侧高压开关柜" * 2).lines)


def test_only_past_the_smallest_size_is_the_name_cut_and_the_cut_is_marked():
    result = fitted("配电房东侧高压开关柜" * 5)
    assert result.size == 6 and len(result.lines) == 2
    assert result.lines[-1].endswith(textfit.ELLIPSIS)
    assert all(textfit._width(FONT, line) * 6 <= WIDTH for line in result.lines)


def test_a_word_is_split_only_when_no_size_lets_it_stand_whole():
    whole = fitted("Transformerroom", lines=2, width=60)
    assert whole.lines == ("Transformerroom",) and whole.size < 8.5
    split = fitted("Transformerroomnorthsubstation", lines=2, width=60)
    assert "".join(split.lines) == "Transformerroomnorthsubstation" and len(split.lines) == 2


def test_height_limits_the_lines_as_well_as_max_lines():
    one_line = 8.5 * textfit.LEADING
    result = fitted("湖畔花园二期地下车库消防水泵房", lines=4, height=one_line)
    assert len(result.lines) == 1
