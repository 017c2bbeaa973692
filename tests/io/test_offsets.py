"""Offsets of other programs: UTF-16 code units to code points, against Python's encoder."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statecode import DataError, utf16_to_codepoints
from statecode.io._annotations import Utf16Offsets


@given(text=st.text(st.characters(exclude_categories=("Cs",))), data=st.data())
def test_utf16_offsets_match_the_encoder(text: str, data: st.DataObject) -> None:
    offsets = Utf16Offsets(text)
    assert offsets.length == len(text.encode("utf-16-le")) // 2
    cp = data.draw(st.integers(0, len(text)))
    utf16 = len(text[:cp].encode("utf-16-le")) // 2
    assert offsets.to_code_points(utf16) == cp
    if cp < len(text) and ord(text[cp]) > 0xFFFF:
        assert offsets.to_code_points(utf16 + 1) is None
    assert offsets.to_code_points(-1) is None
    assert offsets.to_code_points(offsets.length + 1) is None


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=30))
def test_utf16_offsets_of_every_boundary(text: str) -> None:
    for i in range(len(text) + 1):
        units = len(text[:i].encode("utf-16-le")) // 2
        assert utf16_to_codepoints(text, units) == i


@pytest.mark.parametrize("offset", [-1, 3, 13])
def test_utf16_offset_that_is_no_boundary(offset: int) -> None:
    text = "ab🕊" + "x" * 8  # 12 UTF-16 units; unit 3 splits the dove
    with pytest.raises(DataError) as exc:
        utf16_to_codepoints(text, offset)
    assert str(exc.value) == (
        f"UTF-16 offset {offset} is not a character boundary of a text of 12 UTF-16 code units "
        "(it lies outside the text or splits a surrogate pair); check the offsets"
    )
