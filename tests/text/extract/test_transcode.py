from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pipeline.text.extract._transcode import gb18030_to_utf8, is_utf8

# Characters GBK can hold: ASCII, CJK, full-width forms and punctuation.
GBK_TEXT = st.text(
    alphabet=st.characters(codec="gbk", blacklist_categories=("Cs",)), max_size=200
)


@given(GBK_TEXT)
def test_gbk_text_converts_exactly_as_pythons_codec_decodes(text):
    raw = text.encode("gbk")
    assert gb18030_to_utf8(raw) == raw.decode("gb18030").encode("utf-8")


@given(st.binary(max_size=200))
def test_any_bytes_convert_as_python_decodes_or_are_left_to_python(raw):
    converted = gb18030_to_utf8(raw)
    if converted is not None:
        assert converted == raw.decode("gb18030").encode("utf-8")


def test_what_is_left_to_python():
    assert gb18030_to_utf8("知识产权".encode("gb18030") + b"\x81\x7f") is None  # not a GBK code
    assert gb18030_to_utf8("€".encode("gb18030") + "\x80".encode("gb18030")) is None  # four-byte form
    assert gb18030_to_utf8("末尾".encode("gb18030")[:-1]) is None  # cut inside a character


@given(st.binary(max_size=64))
def test_is_utf8_agrees_with_pythons_strict_decoder(raw):
    try:
        raw.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert is_utf8(raw) == valid


@given(st.text(max_size=100))
def test_any_text_encoded_is_utf8(text):
    assert is_utf8(text.encode("utf-8", "surrogatepass")) == (not any("\ud800" <= c <= "\udfff" for c in text))
