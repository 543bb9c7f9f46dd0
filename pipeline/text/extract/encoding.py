"""Bytes → text: find the page's real encoding even when its declaration is wrong or missing."""

from __future__ import annotations

import codecs
import functools
import re
import string

from pipeline.text.extract._transcode import gb18030_to_utf8, is_utf8

# A tiny share of undecodable bytes is normal on real pages (a truncated character, a stray
# byte in an ad snippet); more than this means the encoding is wrong.
_MAX_ERROR_RATE = 0.001

# What follows "charset" in a <meta> tag, in the lower-cased head of the page. The tag is
# found from each "charset" back to its "<meta": a pattern that starts at "<meta" would
# backtrack through every meta tag of the page.
_CHARSET_VALUE = re.compile(rb"""\s*=\s*["']?\s*([a-z0-9_.:-]+)""")
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)

# Labels that mean a subset of a wider codec: decode with the superset so that characters
# the page's CMS wrote outside the declared set still come out right (the WHATWG rule).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_cn": "gb18030",
    "hz": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "latin_1": "cp1252",
    "ascii": "cp1252",
    "iso8859_1": "cp1252",
    "utf_8": "utf-8",
}


_HIGH_BYTES = bytes(range(0x80, 0x100))


def _looks_double_byte(raw: bytes) -> bool:
    """True when high bytes are too many for Western text, which has them only sparsely.

    Only a hint: the GB18030 decode that follows must still be clean to be taken.
    """
    sample = raw[:65536]
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    return high > 200 or high > 0.05 * len(sample)


# ASCII as page markup uses it, with the escape syntaxes of Python codecs that are not
# document encodings (unicode_escape's \\u, UTF-7's +…-) written in it. The backslash is
# only in the escape: a lone one is an invalid escape that unicode_escape warns about.
_ASCII_PROBE = (string.printable.replace("\\", "") + "\\u0041 +AGE-").encode("ascii")
_EVERY_BYTE = bytes(range(256))


@functools.cache
def _reads_html(codec: str) -> bool:
    """True for a codec a page can be in after declaring it (in ASCII, in a <meta> or an
    HTTP header): it decodes ASCII to itself, and any bytes with replacement characters.

    Rules out codecs Python has that are not document encodings: transforms (base64,
    rot13), escape codecs (unicode_escape, UTF-7) and IDNA / punycode, which raise
    UnicodeError on bytes they cannot read even when told to replace; EBCDIC; UTF-16 and
    UTF-32, which a page announces by its byte-order mark, read before any declaration.
    """
    try:
        return _ASCII_PROBE.decode(codec) == _ASCII_PROBE.decode("ascii") and bool(_EVERY_BYTE.decode(codec, "replace"))
    except (ValueError, LookupError):  # UnicodeError is a ValueError; non-text codecs raise LookupError
        return False


@functools.cache
def _single_byte(codec: str) -> bool:
    """True for a codec of one character per byte (Western, Cyrillic, DOS and Mac code pages …)."""
    return len(_EVERY_BYTE.decode(codec, "replace")) == len(_EVERY_BYTE)


def canonical_codec(label: str | None) -> str | None:
    """Python codec name for a declared charset label; None if the label is unknown or
    names no encoding an HTML page can be in (see _reads_html)."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    name = _SUPERSETS.get(name, name)
    return name if _reads_html(name) else None


def declared_charsets(raw: bytes) -> list[str]:
    """Charsets the page declares about itself (XML declaration, then <meta>), in order."""
    head = raw[:16384]
    labels = [m.group(1).decode("ascii") for m in _XML_DECLARATION.finditer(head)]
    lowered = head.lower()
    position = lowered.find(b"charset")
    while position >= 0:
        tag = lowered.rfind(b"<meta", 0, position)
        value = _CHARSET_VALUE.match(lowered, position + len(b"charset"))
        if tag >= 0 and value and b">" not in lowered[tag:position]:
            labels.append(value.group(1).decode("ascii"))
        position = lowered.find(b"charset", position + 1)
    return labels


def _decode_if_clean(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    text = raw.decode(codec, errors="replace")
    if text.count("\ufffd") <= max(1, len(text) * _MAX_ERROR_RATE):
        return text
    return None


def _declared_codecs(raw: bytes, http_charset: str | None) -> list[str]:
    """The codecs the page is said to be in (HTTP header, then the page itself), in order;
    single-byte ones dropped when the bytes look double-byte."""
    candidates = [canonical_codec(http_charset)] + [canonical_codec(c) for c in declared_charsets(raw)]
    candidates = [c for c in candidates if c]
    if any(map(_single_byte, candidates)) and _looks_double_byte(raw):
        # Old Chinese sites often declare a Western charset over GBK bytes; a single-byte
        # codec would decode them without error, as mojibake.
        candidates = [c for c in candidates if not _single_byte(c)]
    return candidates


# Bad bytes a page in some encoding may still hold (a truncated character, a stray byte in an
# ad snippet) when the question is which of two encodings it is in: GBK bytes read as Big5
# fail every few hundred bytes.
_STRAY_BYTES = 2


def _without_stray_bytes(raw: bytes, codec: str) -> bytes | None:
    """`raw` without the few bytes `codec` cannot decode, or None when there are more than
    _STRAY_BYTES. Strict decodes, each resumed past the bad byte: bytes in another encoding
    fail fast instead of being decoded whole."""
    view, clean = memoryview(raw), []
    while True:
        try:
            str(view, codec)
        except UnicodeDecodeError as error:
            if len(clean) == _STRAY_BYTES:
                return None
            clean.append(view[: error.start])
            view = view[error.end :]
        else:
            return b"".join([*clean, view]) if clean else raw


def _undeclared_chinese_codec(raw: bytes) -> str:
    """GB18030 or Big5 for double-byte bytes that declare neither. Most Big5 text is also valid
    GB18030 (as rare characters: mojibake), so when the bytes decode as Big5, which of the two
    reads as text is charset_normalizer's measure of decoding quality to decide (a few ms, for
    these pages only; a stray byte left out, as it fails every candidate)."""
    big5 = _without_stray_bytes(raw, "big5hkscs")
    if big5 is None:
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(big5[:65536], cp_isolation=["big5hkscs", "gb18030"]).best()
    return "big5hkscs" if best is not None and best.encoding == "big5hkscs" else "gb18030"


def _cut_inside_a_character(raw: bytes) -> bool:
    """Valid UTF-8 but for a character cut off at the very end (a truncated download)."""
    try:
        raw.decode("utf-8")  # not valid UTF-8 (the caller knows): fails at the first bad byte
    except UnicodeDecodeError as error:
        return error.start >= len(raw) - 3 and error.reason == "unexpected end of data"
    return False


def decode_html(raw: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns (text, codec used).

    Order: byte-order mark; strict UTF-8 when the bytes hold multi-byte sequences (GBK text
    is almost never valid UTF-8, while pages that say gb2312 but are UTF-8 are common);
    the HTTP charset; the page's own declarations; GB18030 (Big5 when nothing but UTF-8 is
    declared and the bytes read better so); statistical detection.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace"), codec
    if raw.isascii():
        return raw.decode("ascii"), "ascii"
    if is_utf8(raw):
        text = raw.decode("utf-8")
        return repair_double_encoding(text) or (text, "utf-8")
    if _cut_inside_a_character(raw):
        return raw.decode("utf-8", errors="replace"), "utf-8"
    seen: set[str] = {"utf-8"}
    declared = _declared_codecs(raw, http_charset)
    chinese = "gb18030" if any(c != "utf-8" for c in declared) else _undeclared_chinese_codec(raw)
    for codec in [*declared, chinese]:
        if codec not in seen:
            seen.add(codec)
            text = _decode_if_clean(raw, codec)
            if text is not None:
                return text, codec
    return _detect(raw)


# Runs of Latin-1 letters as a Chinese page double-encoded comes out: GBK or Big5 bytes read as
# ISO-8859-15 or Windows-1252 and saved as UTF-8 ("Ž¬³€±»ÓÎÂÖ" for 船长被游轮).
_MOJIBAKE = re.compile(r"[\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u20ac]{8,}")  # not NBSP: indentation
# The same, as UTF-8 bytes: two-byte sequences of Latin-1 letters, or the € of ISO-8859-15.
_MOJIBAKE_BYTES = re.compile(rb"(?:\xc2[\xa1-\xbf]|\xc3[\x80-\xbf]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xe2\x82\xac){8,}")
# A mangled page is mangled from its head on: its first bytes tell (and the check stays cheap).
_MOJIBAKE_SAMPLE = 16384
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _may_be_double_encoded(raw: bytes) -> bool:
    """A cheap look at UTF-8 bytes: GBK read as a single-byte codec puts its many lead bytes
    0xC0–0xFF into UTF-8 as 0xC3 0x80–0xBF (counted in C first; the pattern only then)."""
    return raw.count(b"\xc3", 0, _MOJIBAKE_SAMPLE) >= 8 and _MOJIBAKE_BYTES.search(raw, 0, _MOJIBAKE_SAMPLE) is not None


def repair_double_encoding(text: str) -> tuple[str, str] | None:
    """(repaired text, codec chain) when `text` is a Chinese page whose GBK bytes were once
    decoded with a single-byte codec and saved as UTF-8: it has runs of Latin-1 letters and
    hardly any Chinese, and it goes back to bytes through that codec and decodes cleanly as
    GB18030 into mostly Chinese. None otherwise (most pages: one regex search). Big5 pages
    mangled alike are not recognised yet: their second bytes are often ASCII letters, which
    break the runs this looks for."""
    if not _MOJIBAKE.search(text, 0, _MOJIBAKE_SAMPLE) or len(_HAN.findall(text)) > len(text) // 50:
        return None
    for single_byte in ("iso8859_15", "cp1252", "latin-1"):
        try:
            raw = text.encode(single_byte)
        except UnicodeEncodeError:
            continue
        try:
            repaired = raw.decode("gb18030")
        except UnicodeDecodeError:
            continue
        if len(_HAN.findall(repaired)) > len(repaired) // 20:
            return repaired, f"gb18030 (double-encoded as {single_byte})"
    return None


def utf8_page(raw: bytes, http_charset: str | None = None) -> tuple[bytes, str]:
    """The page as UTF-8 bytes for the parser, and the codec it was in: what decode_html
    gives, encoded, but without a Python str in between for clean UTF-8 and GBK pages."""
    if raw.isascii():
        return raw, "ascii"
    if not raw.startswith(_BOM_PREFIXES):
        if is_utf8(raw) and not _may_be_double_encoded(raw):
            return raw, "utf-8"
        if _cut_inside_a_character(raw):
            return raw.decode("utf-8", errors="replace").encode("utf-8"), "utf-8"
        codecs_said = [c for c in _declared_codecs(raw, http_charset) if c != "utf-8"]
        if (codecs_said[:1] or [_undeclared_chinese_codec(raw)]) == ["gb18030"]:
            converted = gb18030_to_utf8(raw)
            if converted is not None:
                return converted, "gb18030"
    text, codec = decode_html(raw, http_charset)
    return text.encode("utf-8"), codec


def _detect(raw: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # only for pages no declaration explains

    best = from_bytes(raw[:65536]).best()
    codec = canonical_codec(best.encoding) if best is not None else None
    codec = codec or "gb18030"
    return raw.decode(codec, errors="replace"), codec
