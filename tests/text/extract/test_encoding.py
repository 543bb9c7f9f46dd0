from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.extract.encoding import canonical_codec, decode_html, utf8_page

TEXT = "知识产权保护高层论坛在北京举行，与会代表围绕“全链条保护”展开讨论。"


def page(body: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("label", "codec"),
    [("gb2312", "gb18030"), ("GBK", "gb18030"), ("utf8", "utf-8"), ("UTF-8", "utf-8"),
     ("big5", "big5hkscs"), ("iso-8859-1", "cp1252"), ("no-such-charset", None), ("", None)],
)
def test_labels_map_to_superset_codecs(label, codec):
    assert canonical_codec(label) == codec


def test_utf8_page():
    text, codec = decode_html(page(TEXT, '<meta charset="utf-8">').encode("utf-8"))
    assert codec == "utf-8" and TEXT in text


def test_gbk_declared_gb2312_decodes_as_gb18030():
    raw = page(TEXT, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk")
    text, codec = decode_html(raw)
    assert codec == "gb18030" and TEXT in text


def test_characters_outside_gb2312_survive():
    body = "镕基 与 喆 都不在 GB2312 里"  # common in names, absent from the declared charset
    text, codec = decode_html(page(body, "<meta charset=gb2312>").encode("gb18030"))
    assert body in text


def test_gbk_bytes_declared_utf8_are_recovered():
    text, codec = decode_html(page(TEXT, '<meta charset="utf-8">').encode("gbk"), http_charset="utf-8")
    assert codec == "gb18030" and TEXT in text


def test_utf8_bytes_declared_gb2312_are_read_as_utf8():
    text, codec = decode_html(page(TEXT, "<meta charset=gb2312>").encode("utf-8"))
    assert codec == "utf-8" and TEXT in text


def test_gbk_bytes_declared_latin1_are_not_mojibake():
    raw = page(TEXT * 5, '<meta charset="iso-8859-1">').encode("gbk")
    text, _ = decode_html(raw, http_charset="ISO-8859-1")
    assert TEXT in text


def test_western_page_keeps_its_declared_charset():
    body = "Café, naïve résumé — déjà vu."
    text, codec = decode_html(page(body, '<meta charset="windows-1252">').encode("cp1252"))
    assert codec == "cp1252" and body in text


def test_byte_order_mark_wins():
    raw = codecs.BOM_UTF8 + page(TEXT, "<meta charset=gb2312>").encode("utf-8")
    text, codec = decode_html(raw)
    assert codec == "utf-8-sig" and TEXT in text


def test_page_cut_inside_its_last_character_is_still_utf8():
    raw = f"<html><body><p>{TEXT}".encode() + "论".encode()[:2]
    text, codec = decode_html(raw)
    assert codec == "utf-8" and text.endswith("\ufffd")


def test_no_declaration_is_detected():
    text, codec = decode_html(page(TEXT * 3).encode("gb18030"))
    assert TEXT in text


def test_ascii_page():
    assert decode_html(b"<html><body>plain</body></html>") == ("<html><body>plain</body></html>", "ascii")


PAGES = [
    page(TEXT).encode("ascii", "ignore"),
    page(TEXT, '<meta charset="utf-8">').encode("utf-8"),
    page(TEXT, "<meta charset=gb2312>").encode("gb18030"),
    page(TEXT, "<meta charset=gb2312>").encode("utf-8"),  # declared wrong
    page(TEXT, '<meta charset="utf-8">').encode("gbk"),  # declared wrong the other way
    page(TEXT, "<meta charset=gbk>").encode("gbk").replace(b"</p>", b"\x81\x7f</p>"),  # one bad byte
    page(TEXT + "€", "<meta charset=gb18030>").encode("gb18030") + "\x80".encode("gb18030"),
    codecs.BOM_UTF8 + page(TEXT).encode("utf-8"),
    page(TEXT).encode("utf-8")[:-9] + "知".encode()[:2],  # cut inside a character
    page("Café déjà vu", '<meta charset="windows-1252">').encode("cp1252"),
    page(TEXT, '<meta charset="big5">').encode("big5", "ignore"),
]


@pytest.mark.parametrize("raw", PAGES)
def test_utf8_page_is_decode_html_encoded(raw):
    text, codec = decode_html(raw)
    assert utf8_page(raw) == (text.encode("utf-8"), codec)


@given(st.sampled_from(PAGES), st.binary(max_size=8), st.integers(min_value=0, max_value=400))
def test_utf8_page_agrees_with_decode_html_on_damaged_pages(raw, noise, at):
    damaged = raw[:at] + noise + raw[at:]
    text, codec = decode_html(damaged)
    assert utf8_page(damaged) == (text.encode("utf-8"), codec)


# Codecs Python has that no HTML page is written in after declaring it in ASCII: IDNA and
# punycode raise UnicodeError on such bytes, the others decode them as mojibake.
NOT_DOCUMENT_ENCODINGS = ["idna", "punycode", "utf-16", "utf-16le", "utf-32", "utf-7", "unicode_escape",
                          "raw_unicode_escape", "base64", "rot13", "cp037"]


@pytest.mark.parametrize("label", NOT_DOCUMENT_ENCODINGS)
def test_declarations_naming_no_document_encoding_are_ignored(label):
    assert canonical_codec(label) is None
    in_meta = page(TEXT, f'<meta charset="{label}">').encode("gbk")
    assert decode_html(in_meta) == (in_meta.decode("gb18030"), "gb18030")
    assert utf8_page(in_meta) == (in_meta.decode("gb18030").encode("utf-8"), "gb18030")
    in_header = page(TEXT).encode("gbk")
    assert decode_html(in_header, http_charset=label) == (in_header.decode("gb18030"), "gb18030")
    assert utf8_page(in_header, http_charset=label) == (in_header.decode("gb18030").encode("utf-8"), "gb18030")


def test_a_page_with_a_byte_order_mark_is_still_read_as_utf16():
    raw = page(TEXT, '<meta charset="utf-16">').encode("utf-16")
    text, codec = decode_html(raw)
    assert codec == "utf-16" and TEXT in text


def test_a_chinese_page_double_encoded_through_a_single_byte_codec_is_repaired():
    from pipeline.text.extract.encoding import decode_html, repair_double_encoding

    page = ("<html><head><title>船长被游轮公司认定责任</title></head>"
            "<body><p>意大利游轮运营商首席执行官表示，船长负有责任。</p></body></html>")
    for single_byte in ("iso8859_15", "latin-1"):
        text, used = decode_html(page.encode("gbk").decode(single_byte).encode("utf-8"))
        assert page in text and used.startswith("gb18030"), (single_byte, used)
    assert repair_double_encoding(page) is None  # a clean page is left as it is
    assert repair_double_encoding("Café déjà vu, naïve façade — ordinary European text.") is None


TRADITIONAL = "立法院今日三讀通過著作權法修正案，網路平台須建立侵權通知與移除機制，違者將處以罰鍰。"


def test_big5_page_without_a_declaration_is_not_read_as_gb18030():
    raw = page(TRADITIONAL * 3).encode("big5")
    raw.decode("gb18030")  # the trap: Big5 bytes are valid GB18030 too, as other characters
    text, codec = decode_html(raw)
    assert codec == "big5hkscs" and TRADITIONAL in text
    utf8, codec = utf8_page(raw)
    assert codec == "big5hkscs" and TRADITIONAL in utf8.decode("utf-8")


def test_big5_page_with_a_stray_byte_is_still_big5():
    raw = page(TRADITIONAL * 3).encode("big5").replace(b"<p>", b"<p>\xff", 1)
    assert utf8_page(raw)[1] == "big5hkscs"


def test_gbk_page_without_a_declaration_stays_gb18030():
    for text in (TEXT, "國際知識產權論壇在臺北舉行，與會代表討論網絡著作權保護。"):  # also GBK in Traditional script
        raw = page(text * 3).encode("gbk")
        assert decode_html(raw) == (page(text * 3), "gb18030")
        assert utf8_page(raw)[1] == "gb18030"
