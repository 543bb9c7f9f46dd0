# cython: language_level=3, boundscheck=False, wraparound=False
"""Page bytes → UTF-8 for the parser, in C, for the two encodings nearly all pages use.

libxml2 parses UTF-8 bytes directly; any other input is converted first. Python's GB18030
decoder writes one character at a time and costs a quarter of a page's parse, and decoding
to str only to encode it again doubles that. Here a GBK/GB18030 page becomes UTF-8 in one
pass through a table made from Python's own codec (so both agree on every character), and
a UTF-8 page is only checked.

Both return None for what they do not handle (an invalid byte, a four-byte GB18030
sequence): the caller then decodes in Python, whose rules also tolerate a few bad bytes.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport uint64_t
from libc.string cimport memcpy

cdef enum:
    FIRST_LEAD = 0x81
    FIRST_TRAIL = 0x40
    TRAILS = 0xFF - 0x40  # trail bytes 0x40–0xFE

# UTF-8 of each two-byte GBK code (at most 3 bytes), and its length (0: not a character).
cdef unsigned char _utf8[(0xFF - FIRST_LEAD) * TRAILS][3]
cdef unsigned char _utf8_length[(0xFF - FIRST_LEAD) * TRAILS]
cdef bint _table_ready = False


cdef inline bint _eight_ascii(const unsigned char* bytes_) noexcept:
    """True when the 8 bytes from `bytes_` are all ASCII: markup is most of a page."""
    cdef uint64_t word
    memcpy(&word, bytes_, 8)
    return (word & 0x8080808080808080ULL) == 0


cdef void _build_table() except *:
    global _table_ready
    cdef int lead, trail, slot, size
    for lead in range(FIRST_LEAD, 0xFF):
        for trail in range(FIRST_TRAIL, 0xFF):
            slot = (lead - FIRST_LEAD) * TRAILS + (trail - FIRST_TRAIL)
            try:
                encoded = bytes((lead, trail)).decode("gb18030").encode("utf-8")
            except UnicodeDecodeError:
                _utf8_length[slot] = 0
                continue
            size = len(encoded)
            _utf8_length[slot] = size if size <= 3 else 0
            for index in range(min(size, 3)):
                _utf8[slot][index] = encoded[index]
    _table_ready = True


def gb18030_to_utf8(bytes raw not None):
    """The page re-encoded as UTF-8, or None when it holds anything but ASCII and valid
    two-byte GBK codes."""
    if not _table_ready:
        _build_table()
    cdef const unsigned char* source = <const unsigned char*>PyBytes_AS_STRING(raw)
    cdef Py_ssize_t length = PyBytes_GET_SIZE(raw), at = 0, out = 0
    cdef unsigned char* target = <unsigned char*>PyMem_Malloc(length * 3 // 2 + 16)
    cdef unsigned char byte, trail
    cdef int slot, size
    if target is NULL:
        raise MemoryError()
    try:
        while at < length:
            if at + 8 <= length and _eight_ascii(source + at):
                memcpy(target + out, source + at, 8)
                out += 8
                at += 8
                continue
            byte = source[at]
            if byte < 0x80:
                target[out] = byte
                out += 1
                at += 1
                continue
            if byte < FIRST_LEAD or byte == 0xFF or at + 1 >= length:
                return None
            trail = source[at + 1]
            if trail < FIRST_TRAIL or trail == 0xFF:
                return None  # a four-byte sequence (second byte a digit) or not GBK
            slot = (byte - FIRST_LEAD) * TRAILS + (trail - FIRST_TRAIL)
            size = _utf8_length[slot]
            if size == 0:
                return None
            # Two bytes in, at most three out: the buffer holds 1.5 × the input, and ASCII
            # is copied eight bytes at a time only where eight bytes remain.
            target[out] = _utf8[slot][0]
            if size > 1:
                target[out + 1] = _utf8[slot][1]
            if size > 2:
                target[out + 2] = _utf8[slot][2]
            out += size
            at += 2
        return PyBytes_FromStringAndSize(<char*>target, out)
    finally:
        PyMem_Free(target)


def is_utf8(bytes raw not None):
    """True when `raw` is valid UTF-8 as Python's strict decoder sees it (no overlong forms,
    no surrogates, nothing above U+10FFFF)."""
    cdef const unsigned char* s = <const unsigned char*>PyBytes_AS_STRING(raw)
    cdef Py_ssize_t length = PyBytes_GET_SIZE(raw), at = 0
    cdef unsigned char c, second
    while at < length:
        if at + 8 <= length and _eight_ascii(s + at):
            at += 8
            continue
        c = s[at]
        if c < 0x80:
            at += 1
        elif 0xC2 <= c <= 0xDF:
            if at + 1 >= length or s[at + 1] & 0xC0 != 0x80:
                return False
            at += 2
        elif 0xE0 <= c <= 0xEF:
            if at + 2 >= length:
                return False
            second = s[at + 1]
            if (second & 0xC0 != 0x80 or s[at + 2] & 0xC0 != 0x80
                    or (c == 0xE0 and second < 0xA0) or (c == 0xED and second > 0x9F)):
                return False
            at += 3
        elif 0xF0 <= c <= 0xF4:
            if at + 3 >= length:
                return False
            second = s[at + 1]
            if (second & 0xC0 != 0x80 or s[at + 2] & 0xC0 != 0x80 or s[at + 3] & 0xC0 != 0x80
                    or (c == 0xF0 and second < 0x90) or (c == 0xF4 and second > 0x8F)):
                return False
            at += 4
        else:
            return False
    return True
