# cython: language_level=3, boundscheck=False, wraparound=False
"""Cut a parsed page into text lines and score them, in C over lxml's libxml2 tree.

This is the inner loop of extraction, run on every page of years of archives: a walk in
Python creates an object per element and per text, which costs more than parsing the page.
Here the walk reads libxml2's nodes directly (lxml's public C API) and creates Python
objects only for the lines it returns.

The cut: formatting elements (INLINE) dissolve into the line around them, <br> and newlines
end a line, elements that never hold article text (UNWANTED) are skipped with their content,
as are formatting elements and links hidden by their style (characters some sites plant in
the text against copying), and every other element is a block: it ends the line before it
and starts a new one. Text inside <a> (outside any block nested in it) counts as link text.
Blocks form a tree, numbered in document order; a block whose tag, class, id or style marks
page furniture marks its whole subtree.

The scoring (`main_content`) picks the article's block from the lines' values and trims it;
`pipeline.text.extract.body` describes the method and adds the pattern-based rules.

This module is mechanism only: which tags are which, the furniture words, the hidden styles
and the scoring thresholds come from `pipeline.text.extract.rules` as a `Rules` (C tables
built once at import), so a rule changes without a recompile.
"""

from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Realloc
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport memcmp, memset, strcmp, strlen

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Element

cetree.import_lxml__etree()

# Tag kinds.
cdef enum:
    BLOCK = 0
    UNWANTED = 1
    INLINE = 2
    LINK = 3
    BREAK = 4
    FURNITURE = 5  # a block that is page furniture by its tag alone
    PAGE = 6       # <html>, <body>: their classes describe the page, not a region of it

# The rules (which tags are which kind, the furniture words, the hidden styles, the scoring
# thresholds) are not here: `pipeline.text.extract.rules` holds them and hands them in as a
# `Rules`, built once, so that changing one needs no recompile.

# Tag names and furniture words in C, grouped by first letter, so that classifying an element
# costs a few short compares and creates no Python objects.
cdef enum:
    ANYWHERE = 0
    WORD_START = 1
    WHOLE_WORD = 2
    TABLE_SIZE = 128
    PUNCTUATION_SIZE = 64


cdef struct _Table:
    int starts[129]       # entries beginning with letter c: [starts[c], starts[c + 1])
    const char* names[TABLE_SIZE]
    int lengths[TABLE_SIZE]
    int values[TABLE_SIZE]


cdef int _fill(_Table* table, entries, list keep_alive, str what) except -1:
    """Fill `table` from (name, value) pairs: names lower-case ASCII without blanks."""
    encoded = []
    for name, value in entries:
        if not isinstance(name, str) or not name or not name.isascii() or name != name.lower() \
                or any(c.isspace() for c in name):
            raise ValueError(f"{what}: {name!r} is not a lower-case ASCII word without blanks")
        encoded.append((name.encode(), value))
    entries = sorted(encoded)
    if len(entries) > TABLE_SIZE:
        raise ValueError(f"{what}: at most {TABLE_SIZE} entries")
    keep_alive.append(entries)
    for position, (name, value) in enumerate(entries):
        table.names[position] = name
        table.lengths[position] = len(name)
        table.values[position] = value
    for letter in range(129):
        table.starts[letter] = sum(1 for name, _ in entries if name[0] < letter)
    return 0


cdef int _fill_characters(Py_UCS4* out, str characters, str what) except -1:
    if len(characters) > PUNCTUATION_SIZE:
        raise ValueError(f"{what}: at most {PUNCTUATION_SIZE} characters")
    for position, c in enumerate(characters):
        out[position] = c
    return len(characters)


cdef class Rules:
    """The rules the cut and the scoring apply, as C tables: see pipeline.text.extract.rules,
    whose names the keywords follow (lower-cased). Built once and passed to every call."""

    cdef _Table tags, words, styles
    cdef list _keep_alive  # the bytes the tables point into
    cdef Py_UCS4 punctuation[PUNCTUATION_SIZE]
    cdef Py_UCS4 sentence_ends[PUNCTUATION_SIZE]
    cdef Py_UCS4 sentence_ends_before_blank[PUNCTUATION_SIZE]
    cdef int punctuation_count, sentence_end_count, sentence_end_before_blank_count
    cdef readonly double label_chars, label_penalty, link_penalty, paragraph_chars, climb_tolerance
    cdef readonly double max_link_density

    def __cinit__(self, *, unwanted_tags, inline_tags, link_tags, break_tags, furniture_tags, page_tags,
                  furniture_words, furniture_word_starts, furniture_whole_words, hidden_styles,
                  double label_chars, double label_penalty, str sentence_punctuation, str sentence_ends,
                  str sentence_ends_before_blank, double link_penalty, double paragraph_chars,
                  double climb_tolerance, double max_link_density):
        self._keep_alive = []
        tags = [(name, kind) for names, kind in (
            (unwanted_tags, UNWANTED), (inline_tags, INLINE), (link_tags, LINK), (break_tags, BREAK),
            (furniture_tags, FURNITURE), (page_tags, PAGE)) for name in names]
        if len({name for name, _ in tags}) != len(tags):
            raise ValueError("tags: a tag is given twice")
        _fill(&self.tags, tags, self._keep_alive, "tags")
        _fill(&self.words, [(word, rule) for words, rule in (
            (furniture_words, ANYWHERE), (furniture_word_starts, WORD_START), (furniture_whole_words, WHOLE_WORD))
            for word in words], self._keep_alive, "furniture words")
        _fill(&self.styles, [(style, ANYWHERE) for style in hidden_styles], self._keep_alive, "hidden styles")
        self.punctuation_count = _fill_characters(self.punctuation, sentence_punctuation, "sentence punctuation")
        self.sentence_end_count = _fill_characters(self.sentence_ends, sentence_ends, "sentence ends")
        self.sentence_end_before_blank_count = _fill_characters(
            self.sentence_ends_before_blank, sentence_ends_before_blank, "sentence ends before a blank")
        self.label_chars, self.label_penalty, self.link_penalty = label_chars, label_penalty, link_penalty
        self.paragraph_chars, self.climb_tolerance = paragraph_chars, climb_tolerance
        self.max_link_density = max_link_density


cdef int _kind_by_name(const _Table* tags, const char* name) noexcept:
    cdef unsigned char first = <unsigned char>name[0]
    cdef int position
    if first >= 128:
        return BLOCK
    for position in range(tags.starts[first], tags.starts[first + 1]):
        if strcmp(name, tags.names[position]) == 0:
            return tags.values[position]
    return BLOCK


cdef enum:
    KIND_CACHE_SIZE = 256  # a power of two


cdef struct _KindCache:
    # libxml2 keeps one copy of each tag name per document, so a name's address identifies
    # it: one lookup per element instead of string compares.
    const void* names[KIND_CACHE_SIZE]
    int kinds[KIND_CACHE_SIZE]


cdef inline int _kind_of(_KindCache* cache, const _Table* tags, const char* name) noexcept:
    cdef size_t slot = (<size_t>name >> 3) & (KIND_CACHE_SIZE - 1)
    if cache.names[slot] != name:
        cache.names[slot] = name
        cache.kinds[slot] = _kind_by_name(tags, name)
    return cache.kinds[slot]


cdef inline bint _is_letter(unsigned char c) noexcept:
    return 97 <= c <= 122  # the text is lower-cased first


cdef bint _mentions(const _Table* table, const unsigned char* text, Py_ssize_t length) noexcept:
    """True when a word of `table` occurs in lower-cased `text` under its rule."""
    cdef Py_ssize_t at, end
    cdef int position
    cdef unsigned char first
    for at in range(length):
        first = text[at]
        if first >= 128:
            continue
        for position in range(table.starts[first], table.starts[first + 1]):
            end = at + table.lengths[position]
            if end > length or memcmp(text + at, table.names[position], table.lengths[position]) != 0:
                continue
            if table.values[position] != ANYWHERE and at > 0 and _is_letter(text[at - 1]):
                continue
            if table.values[position] == WHOLE_WORD and end < length and _is_letter(text[end]):
                continue
            return True
    return False


cdef Py_ssize_t _lowered(const unsigned char* value, unsigned char* out, Py_ssize_t at, Py_ssize_t size,
                         bint drop_blanks) noexcept:
    """Append `value` lower-cased to out[at:size]; returns the new end."""
    cdef unsigned char c
    while value[0] and at < size:
        c = value[0]
        value += 1
        if drop_blanks and (c == 32 or 9 <= c <= 13):
            continue
        out[at] = c + 32 if 65 <= c <= 90 else c
        at += 1
    return at


cdef bint _names_furniture(tree.xmlNode* node, const _Table* words) noexcept:
    """Its class or id names page furniture (the first 512 bytes of them are read)."""
    cdef unsigned char names[512]
    cdef Py_ssize_t length = 0
    cdef tree.xmlAttr* attribute = node.properties
    while attribute is not NULL:
        if attribute.children is not NULL and attribute.children.content is not NULL and (
                strcmp(<const char*>attribute.name, "class") == 0 or strcmp(<const char*>attribute.name, "id") == 0):
            if 0 < length < sizeof(names):
                names[length] = 32
                length += 1
            length = _lowered(<const unsigned char*>attribute.children.content, names, length, sizeof(names), False)
        attribute = attribute.next
    return _mentions(words, names, length)


cdef bint _is_hidden(tree.xmlNode* node, const _Table* styles) noexcept:
    """Its style attribute hides it (the first 2048 bytes of the style are read)."""
    cdef unsigned char style[2048]
    cdef Py_ssize_t length
    cdef tree.xmlAttr* attribute = node.properties
    while attribute is not NULL:
        if (attribute.children is not NULL and attribute.children.content is not NULL
                and strcmp(<const char*>attribute.name, "style") == 0):
            length = _lowered(<const unsigned char*>attribute.children.content, style, 0, sizeof(style), True)
            return _mentions(styles, style, length)
        attribute = attribute.next
    return False


cdef inline Py_ssize_t _space_length(const unsigned char* s, Py_ssize_t i, Py_ssize_t n) noexcept:
    """Byte length of the whitespace character at s[i] (as str.split() counts whitespace,
    the newline aside), or 0."""
    cdef unsigned char c = s[i]
    if c == 32 or c == 9 or c == 11 or c == 12 or c == 13 or (28 <= c <= 31):
        return 1
    if c == 0xC2 and i + 1 < n and (s[i + 1] == 0x85 or s[i + 1] == 0xA0):
        return 2
    if i + 2 < n:
        if c == 0xE3 and s[i + 1] == 0x80 and s[i + 2] == 0x80:
            return 3
        if c == 0xE2:
            if s[i + 1] == 0x80 and (s[i + 2] <= 0x8A or s[i + 2] == 0xA8 or s[i + 2] == 0xA9 or s[i + 2] == 0xAF):
                return 3
            if s[i + 1] == 0x81 and s[i + 2] == 0x9F:
                return 3
        if c == 0xE1 and s[i + 1] == 0x9A and s[i + 2] == 0x80:
            return 3
    return 0


cdef inline unsigned int _triple_slot(const unsigned char* bytes_) noexcept:
    """A 16-bit hash of three bytes."""
    return ((bytes_[0] << 16 | bytes_[1] << 8 | bytes_[2]) * 2654435761u) >> 16 & 0xFFFF


cdef unsigned char _ascii_lower[256]
for _byte in range(256):
    _ascii_lower[_byte] = _byte + 32 if 65 <= _byte <= 90 else _byte


def _case_spellings(bytes text):
    """Every spelling of `text` in upper and lower ASCII case."""
    spellings = [b""]
    for byte in text:
        cases = {byte, _ascii_lower[byte], byte - 32 if 97 <= byte <= 122 else byte}
        spellings = [spelling + bytes((case,)) for spelling in spellings for case in cases]
    return spellings


cdef class Substrings:
    """Groups of substrings to look for in every line as it is cut (see cut_lines), ignoring
    ASCII case: a cheap first pass for the pattern-based rules, which then search only the
    lines it found. Each substring is at least two bytes long in UTF-8."""

    cdef readonly int group_count
    cdef list _keep_alive
    # Bit sets that rule out almost every position before any compare: the first two bytes
    # of some substring; the first three (hashed; CJK and full-width forms share their first
    # two bytes); the first two of a two-byte substring.
    cdef unsigned char pairs[8192]
    cdef unsigned char triples[8192]
    cdef unsigned char short_pairs[8192]
    cdef int starts[257]  # entries whose first byte is b: [starts[b], starts[b + 1])
    cdef const unsigned char* names[128]
    cdef int lengths[128]
    cdef int groups[128]

    def __cinit__(self, groups):
        entries = sorted((text.encode().lower(), group) for group, texts in enumerate(groups) for text in texts)
        if len(entries) > 128 or len(groups) > 32 or any(len(name) < 2 for name, _ in entries):
            raise ValueError("at most 32 groups and 128 substrings of two bytes or more")
        self.group_count = len(groups)
        self._keep_alive = entries
        memset(self.pairs, 0, sizeof(self.pairs))
        memset(self.triples, 0, sizeof(self.triples))
        memset(self.short_pairs, 0, sizeof(self.short_pairs))
        cdef unsigned int pair, triple
        cdef unsigned char head[3]
        for position, (name, group) in enumerate(entries):
            self.names[position] = name
            self.lengths[position] = len(name)
            self.groups[position] = group
            # The filters hold every ASCII-case spelling of a beginning, so that the scan
            # needs no case folding until a candidate is compared.
            for spelling in _case_spellings(name[:3]):
                pair = spelling[0] << 8 | spelling[1]
                self.pairs[pair >> 3] |= 1 << (pair & 7)
                if len(name) == 2:
                    self.short_pairs[pair >> 3] |= 1 << (pair & 7)
                else:
                    head[0], head[1], head[2] = spelling[0], spelling[1], spelling[2]
                    triple = _triple_slot(head)
                    self.triples[triple >> 3] |= 1 << (triple & 7)
        for byte in range(257):
            self.starts[byte] = sum(1 for name, _ in entries if name[0] < byte)

    cdef unsigned int found_in(self, const unsigned char* text, Py_ssize_t length) noexcept:
        """Bit g set when a substring of group g occurs in text[:length]."""
        cdef unsigned int found = 0, pair, triple
        cdef Py_ssize_t at = 0, next_at, offset
        cdef int position, size
        cdef unsigned char first
        while at < length - 1:  # substrings start at a character: continuation bytes skipped
            first = text[at]
            next_at = at + (1 if first < 0xC0 else 2 if first < 0xE0 else 3 if first < 0xF0 else 4)
            pair = first << 8 | text[at + 1]
            if not self.pairs[pair >> 3] & (1 << (pair & 7)):
                at = next_at
                continue
            if not self.short_pairs[pair >> 3] & (1 << (pair & 7)):
                if at + 2 >= length:
                    at = next_at
                    continue
                triple = _triple_slot(text + at)
                if not self.triples[triple >> 3] & (1 << (triple & 7)):
                    at = next_at
                    continue
            first = _ascii_lower[first]
            for position in range(self.starts[first], self.starts[first + 1]):
                size = self.lengths[position]
                if at + size > length:
                    continue
                for offset in range(size):
                    if _ascii_lower[text[at + offset]] != self.names[position][offset]:
                        break
                else:
                    found |= 1u << self.groups[position]
            at = next_at
        return found


# The walk recurses once per level of nesting; libxml2's parser stops at 256 levels (2048
# with huge_tree), a tree built by hand might not.
cdef enum:
    MAX_DEPTH = 4096


cdef class _Cut:
    """The lines and blocks of one page, filled by a single walk. Text goes straight into the
    current line, blanks collapsed; a newline, <br> or block boundary ends the line. Finished
    lines stay in one buffer, newline-separated, and become str objects in one decode."""

    cdef unsigned char* page      # finished lines, each followed by a newline; then the current line
    cdef Py_ssize_t finished      # bytes of finished lines in `page`
    cdef Py_ssize_t length        # bytes of the current line, at page + finished
    cdef Py_ssize_t capacity, linked, line_count
    cdef Py_ssize_t linked_lines  # lines so far that hold link text
    cdef bint pending_space       # blanks seen since the last character of the line
    cdef list owners, link_chars, parents, ends, furniture, found
    cdef Substrings substrings
    cdef Rules rules
    cdef _KindCache kinds

    def __cinit__(self, Rules rules not None, Substrings substrings):
        self.rules = rules
        self.owners, self.link_chars = [], []
        self.parents, self.ends, self.furniture = [], [], []
        self.substrings = substrings
        memset(&self.kinds, 0, sizeof(_KindCache))
        self.found = [[] for _ in range(substrings.group_count if substrings is not None else 0)]

    def __dealloc__(self):
        PyMem_Free(self.page)

    cdef int _reserve(self, Py_ssize_t extra) except -1:
        cdef Py_ssize_t needed = self.finished + self.length + extra, capacity = self.capacity or 16384
        if needed <= self.capacity:
            return 0
        while capacity < needed:
            capacity *= 2
        self.page = <unsigned char*>PyMem_Realloc(self.page, capacity)
        if self.page is NULL:
            raise MemoryError()
        self.capacity = capacity
        return 0

    cdef list texts(self):
        """The finished lines as str."""
        if not self.line_count:
            return []
        return PyUnicode_DecodeUTF8(<char*>self.page, self.finished - 1, "replace").split("\n")

    cdef int _add_text(self, const unsigned char* s, bint in_link, int owner) except -1:
        """Add a text node's content to the current line, ending lines at newlines."""
        if s is NULL:
            return 0
        cdef Py_ssize_t n = strlen(<const char*>s), i = 0, size, k
        cdef unsigned char* line
        cdef unsigned char c
        # Each byte in makes at most one byte out (a run of blanks one space, a newline one
        # separator), plus a space carried from before and the separator that ends the line.
        self._reserve(n + 2)
        line = self.page + self.finished
        while i < n:
            c = s[i]
            if c < 0x80:
                if c == 10:
                    self._end_line(owner)
                    line = self.page + self.finished  # the next line starts after it
                    i += 1
                    continue
                if c == 32 or 9 <= c <= 13 or 28 <= c <= 31:
                    self.pending_space = self.length > 0
                    i += 1
                    continue
                size = 1
            else:
                if c == 0xC2 or c == 0xE1 or c == 0xE2 or c == 0xE3:
                    size = _space_length(s, i, n)
                    if size:
                        self.pending_space = self.length > 0
                        i += size
                        continue
                size = 2 if c < 0xE0 else 3 if c < 0xF0 else 4
                if i + size > n:
                    size = n - i
            if self.pending_space:
                line[self.length] = 32
                self.length += 1
                self.pending_space = False
            for k in range(size):
                line[self.length + k] = s[i + k]
            self.length += size
            self.linked += in_link
            i += size
        return 0

    cdef int _end_line(self, int owner) except -1:
        """The current line, if it holds anything, becomes a line of block `owner`."""
        if self.length:
            self._found_in_line()
            self.page[self.finished + self.length] = 10
            self.finished += self.length + 1
            self.line_count += 1
            self.owners.append(owner)
            self.link_chars.append(self.linked)
            self.linked_lines += self.linked > 0
        self.length = self.linked = 0
        self.pending_space = False
        return 0

    cdef int _found_in_line(self) except -1:
        """Note the current line under each group of substrings it holds."""
        cdef unsigned int found
        cdef int group
        if self.substrings is None:
            return 0
        found = self.substrings.found_in(self.page + self.finished, self.length)
        for group in range(self.substrings.group_count):
            if found & (1u << group):
                (<list>self.found[group]).append(self.line_count)
        return 0

    cdef int _block(self, tree.xmlNode* node, int parent, int kind, bint furniture, int depth) except -1:
        cdef int index = len(self.parents)
        self.parents.append(parent)
        self.ends.append(0)
        if not furniture:
            furniture = kind == FURNITURE or (
                kind != PAGE and node.properties is not NULL
                and (_names_furniture(node, &self.rules.words) or _is_hidden(node, &self.rules.styles)))
        self.furniture.append(furniture)
        self._walk(node, index, False, furniture, depth)
        self._end_line(index)
        self.ends[index] = len(self.parents)
        return 0

    cdef int _unlink(self, Py_ssize_t first_line) except -1:
        """No link text in the lines from `first_line` on, the current one included."""
        cdef Py_ssize_t line
        for line in range(first_line, self.line_count):
            self.link_chars[line] = 0
        self.linked = 0
        return 0

    cdef int _walk(self, tree.xmlNode* node, int owner, bint in_link, bint furniture, int depth) except -1:
        cdef tree.xmlNode* child = node.children
        cdef int kind
        cdef Py_ssize_t first_line, linked_lines
        if depth > MAX_DEPTH:
            raise ValueError(f"elements nested deeper than {MAX_DEPTH}")
        while child is not NULL:
            if child.type == tree.XML_TEXT_NODE or child.type == tree.XML_CDATA_SECTION_NODE:
                self._add_text(child.content, in_link, owner)
            elif child.type == tree.XML_ELEMENT_NODE:
                kind = _kind_of(&self.kinds, &self.rules.tags, <const char*>child.name)
                if (kind == INLINE or kind == LINK) and child.properties is not NULL \
                        and _is_hidden(child, &self.rules.styles):
                    pass  # hidden text inside a line: often characters planted against copying
                elif kind == INLINE:
                    self._walk(child, owner, in_link, furniture, depth + 1)
                elif kind == LINK:
                    first_line, linked_lines = self.line_count, self.linked_lines
                    self._walk(child, owner, True, furniture, depth + 1)
                    if self.linked_lines - linked_lines + (self.linked > 0) > 1:
                        # Link text on several lines wraps prose (a whole article linked to its
                        # full page), not a link list: it is plain text.
                        self._unlink(first_line)
                elif kind == BREAK:
                    self._end_line(owner)
                elif kind != UNWANTED:
                    self._end_line(owner)
                    self._block(child, owner, kind, furniture, depth + 1)
            child = child.next
        return 0


def cut_lines(_Element root not None, Rules rules not None, Substrings substrings=None):
    """(texts, owners, link_chars, parents, ends, furniture, found) of the page under `root`.

    texts: the lines in document order, blanks collapsed; owners: the block each line belongs
    to; link_chars: how many of its non-blank characters are link text. Blocks are numbered in
    document order from `root` (0): parents (−1 for root), ends (a block's subtree is the
    range [index, end)), furniture (inside an element that is page furniture by its tag, its
    class or id (`rules`' furniture words) or its style (its hidden styles)). found: per group of
    `substrings`, the lines that hold one of its substrings.
    """
    cdef _Cut cut = _Cut(rules, substrings)
    cdef tree.xmlNode* node = root._c_node
    cut._block(node, -1, _kind_by_name(&rules.tags, <const char*>node.name), False, 0)
    return cut.texts(), cut.owners, cut.link_chars, cut.parents, cut.ends, cut.furniture, cut.found


# Scoring the lines: which block is the article, and which of its lines are the content.

cdef inline bint _is_among(Py_UCS4 c, const Py_UCS4* characters, int count) noexcept:
    cdef int position
    for position in range(count):
        if characters[position] == c:
            return True
    return False


cdef bint _has_sentence_punctuation(Rules rules, str text) noexcept:
    cdef Py_UCS4 c
    for c in text:
        if _is_among(c, rules.punctuation, rules.punctuation_count):
            return True
    return False


cdef bint _ends_a_sentence(Rules rules, str text):
    """Holds one of the sentence ends (。！？), or of those that end a sentence only before a
    blank or at the end (. ! ?)."""
    cdef Py_ssize_t index, length = len(text)
    cdef Py_UCS4 c
    for index in range(length):
        c = text[index]
        if _is_among(c, rules.sentence_ends, rules.sentence_end_count):
            return True
        if _is_among(c, rules.sentence_ends_before_blank, rules.sentence_end_before_blank_count) \
                and (index + 1 == length or text[index + 1].isspace()):
            return True
    return False


def main_content(list texts, list owners, list link_chars, list parents, list ends, list furniture,
                 set notices, set stops, Rules rules not None):
    """Indexes of the lines that are the main content, ascending (see pipeline.text.extract.body).

    Each line gets two values: one for choosing the region, one for trimming its ends. Prose
    counts its non-link characters; link lists, furniture and lines that are never the article
    (`notices`: site notices, contact boxes, teasers) count against; short plain lines count
    against a region (menus are made of them) but are neutral when trimming, so a speaker line
    or sub-heading at the edge of the article stays.
    The region is the block whose subtree has the largest total, climbing to a parent that
    adds only a few labels; it is trimmed to the run from its first to its last paragraph,
    ending at the first stop line (`stops`) once a sentence has been read. The thresholds and
    weights are `rules`'.
    """
    cdef Py_ssize_t count = len(texts), blocks = len(parents)
    # The lists are read without bounds checks below: they must be what cut_lines returns.
    if len(owners) != count or len(link_chars) != count or len(ends) != blocks or len(furniture) != blocks:
        raise ValueError("texts, owners and link_chars, and parents, ends and furniture, must have equal lengths")
    if count == 0 or blocks == 0:
        return []
    cdef _Scores scores = _Scores(count, blocks)
    cdef Py_ssize_t index, owner, chars, linked
    for index in range(blocks):
        scores.parents[index] = parents[index]
        scores.furniture[index] = furniture[index]
        # The arrays below are indexed by these: a block's parent comes before it.
        if (scores.parents[index] != -1 if index == 0 else not 0 <= scores.parents[index] < index) \
                or not index < ends[index] <= blocks:
            raise ValueError(f"block {index}: parent {scores.parents[index]}, end {ends[index]} out of order")
    for index in stops:
        if 0 <= index < count:
            scores.stops[index] = True
    for index in range(count):
        text = <str?>texts[index]  # checked: TypeError for anything but a str
        chars = len(text)
        linked = link_chars[index]
        owner = owners[index]
        if not 0 <= owner < blocks:
            raise ValueError(f"line {index}: owner {owner} is not a block")
        scores.owners[index] = owner
        if scores.furniture[owner]:
            scores.region_values[index] = scores.trim_values[index] = -chars
        elif linked > rules.max_link_density * chars:
            # Link lists are dropped from the output anyway; they only weigh against a region.
            scores.region_values[index], scores.trim_values[index] = -rules.link_penalty * chars, -chars
        elif chars - linked < rules.label_chars and not _has_sentence_punctuation(rules, text):
            scores.region_values[index], scores.trim_values[index] = -rules.label_penalty * (chars - linked), 0.0
        elif index in notices:
            scores.region_values[index] = scores.trim_values[index] = -chars
        else:
            scores.region_values[index] = scores.trim_values[index] = chars - linked

    for index in range(count):
        scores.totals[scores.owners[index]] += scores.region_values[index]
    for index in range(blocks - 1, 0, -1):
        scores.totals[scores.parents[index]] += scores.totals[index]
    cdef Py_ssize_t best = 0
    for index in range(1, blocks):
        if scores.totals[index] > scores.totals[best]:
            best = index
    # A parent that adds only a few short labels (a heading, a speaker line above a lone
    # paragraph) is the article too.
    while scores.parents[best] >= 0 and scores.totals[scores.parents[best]] >= scores.totals[best] - rules.climb_tolerance:
        best = scores.parents[best]
    cdef Py_ssize_t first = best, last = ends[best], length = 0
    cdef bint keep_furniture = scores.furniture[best]
    for index in range(count):
        owner = scores.owners[index]
        if first <= owner < last and (keep_furniture or not scores.furniture[owner]):
            scores.region[length] = index
            length += 1
    start, stop = _trimmed(scores, length, texts, rules)
    return [
        scores.region[index] for index in range(start, stop)
        if link_chars[scores.region[index]] <= rules.max_link_density * len(<str>texts[scores.region[index]])
    ]


cdef class _Scores:
    """Working arrays of main_content, freed with it."""

    cdef double* region_values
    cdef double* trim_values
    cdef double* totals
    cdef Py_ssize_t* owners
    cdef Py_ssize_t* parents
    cdef Py_ssize_t* region
    cdef bint* furniture
    cdef bint* stops

    def __cinit__(self, Py_ssize_t count, Py_ssize_t blocks):
        self.region_values = <double*>PyMem_Calloc(count, sizeof(double))
        self.trim_values = <double*>PyMem_Calloc(count, sizeof(double))
        self.totals = <double*>PyMem_Calloc(blocks, sizeof(double))
        self.owners = <Py_ssize_t*>PyMem_Calloc(count, sizeof(Py_ssize_t))
        self.parents = <Py_ssize_t*>PyMem_Calloc(blocks, sizeof(Py_ssize_t))
        self.region = <Py_ssize_t*>PyMem_Calloc(count, sizeof(Py_ssize_t))
        self.furniture = <bint*>PyMem_Calloc(blocks, sizeof(bint))
        self.stops = <bint*>PyMem_Calloc(count, sizeof(bint))
        if not (self.region_values and self.trim_values and self.totals and self.owners
                and self.parents and self.region and self.furniture and self.stops):
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.region_values)
        PyMem_Free(self.trim_values)
        PyMem_Free(self.totals)
        PyMem_Free(self.owners)
        PyMem_Free(self.parents)
        PyMem_Free(self.region)
        PyMem_Free(self.furniture)
        PyMem_Free(self.stops)


cdef tuple _trimmed(_Scores scores, Py_ssize_t length, list texts, Rules rules):
    """The [start, stop) run of the region (scores.region[:length]) from the first to the
    last real paragraph, widened over the neutral or prose lines beside it (a heading and
    speaker line before; credits, a table of short cells after) up to the first link list or
    furniture line.

    A paragraph is a run of prose lines (hard-wrapped pages break one into many short lines)
    holding at least the rules' paragraph_chars of prose. A stop line (a comment-section heading, the
    stamp of the next post) ends the article whatever follows, once a sentence of it has been
    read (so the dated metadata line under a headline is not mistaken for the next post).
    """
    cdef Py_ssize_t* region = scores.region
    cdef double* values = scores.trim_values
    cdef Py_ssize_t index, run_start = 0, start, stop
    cdef Py_ssize_t first_run_start = -1, last_run_stop = -1
    cdef double run_total = 0.0, value
    cdef bint read_a_sentence = False, stop_here
    for index in range(length + 1):
        value = values[region[index]] if index < length else -1.0
        stop_here = read_a_sentence and index < length and scores.stops[region[index]]
        if not read_a_sentence and value > 0 and _ends_a_sentence(rules, texts[region[index]]):
            read_a_sentence = True
        if value > 0 and not stop_here:
            if run_total == 0:
                run_start = index
            run_total += value
            continue
        if run_total >= rules.paragraph_chars:
            if first_run_start < 0:
                first_run_start = run_start
            last_run_stop = index
        run_total = 0.0
        if stop_here:
            break
    if first_run_start < 0:
        return 0, length
    start, stop = first_run_start, last_run_stop
    while start > 0 and values[region[start - 1]] >= 0:
        start -= 1
    while stop < length and values[region[stop]] >= 0 and not scores.stops[region[stop]]:
        stop += 1
    return start, stop
