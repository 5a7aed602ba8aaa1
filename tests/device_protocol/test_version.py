"""The Vigil-App header: a version is kept as stated, anything else is ignored."""

import pytest

from device_protocol.version import MAX_APP_VERSION, app_version


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("2.4.1", "2.4.1"),
        (" 2.4.1 ", "2.4.1"),
        ("2.4.1 (build 77; arm64)", "2.4.1 (build 77; arm64)"),
        ("<b>&", "<b>&"),
        ("9" * MAX_APP_VERSION, "9" * MAX_APP_VERSION),
    ],
)
def test_a_version_of_printable_ascii_is_kept(raw, kept):
    assert app_version(raw) == kept


@pytest.mark.parametrize(
    "raw",
    [None, "", "   ", "9" * (MAX_APP_VERSION + 1), "版本2", "2.4\x00", "2.4\x7f", "a\tb", "2.4\n1"],
)
def test_anything_else_is_no_version(raw):
    assert app_version(raw) is None
