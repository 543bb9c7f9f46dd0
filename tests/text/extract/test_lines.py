from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from pipeline.text.extract._lines import Substrings, cut_lines, main_content

from pipeline.text.extract import rules
from pipeline.text.extract.body import RULES, compiled_rules


def cut(html: str, selector: str | None = None):
    root = etree.fromstring(html.encode(), etree.HTMLParser(encoding="utf-8"))
    if selector:
        root = root.xpath(selector)[0]
    texts, owners, link_chars, parents, ends, furniture, _ = cut_lines(root, RULES)
    return dict(texts=texts, owners=owners, link_chars=link_chars, parents=parents, ends=ends, furniture=furniture)


def test_inline_tags_dissolve_and_blocks_cut_lines():
    result = cut("<html><body><div>甲<b>乙</b><span>丙</span><p>丁</p>戊<i>己</i></div></body></html>")
    assert result["texts"] == ["甲乙丙", "丁", "戊己"]
    # html 0, body 1, div 2, p 3: the text after <p> belongs to the div again.
    assert result["owners"] == [2, 3, 2]
    assert result["parents"] == [-1, 0, 1, 2]
    assert result["ends"] == [4, 4, 4, 4]


def test_br_and_newlines_end_lines_and_blanks_collapse():
    result = cut("<html><body><p>\u3000\u3000第一行\xa0 末尾 <br>第二行\n第三行\t\u2003空白</p></body></html>")
    assert result["texts"] == ["第一行 末尾", "第二行", "第三行 空白"]


def test_unwanted_elements_are_skipped_with_their_content_but_not_their_tail():
    html = "<html><head><title>标题</title><style>p{}</style></head><body><p>前<script>var x;</script>后</p>" \
           "<select><option>选项</option></select>尾</body></html>"
    assert cut(html)["texts"] == ["前后", "尾"]


def test_link_characters_are_counted_without_blanks():
    result = cut('<html><body><p>正文<a href="/x">链 接<b>加粗</b></a>文字</p><p><a href="/y">全是链接</a></p></body></html>')
    assert result["texts"] == ["正文链 接加粗文字", "全是链接"]
    assert result["link_chars"] == [4, 4]  # 链 接 加 粗


def test_text_of_a_block_inside_a_link_is_not_link_text():
    result = cut('<html><body><a href="/x">链接<div>块里的字</div></a></body></html>')
    assert result["texts"] == ["链接", "块里的字"]
    assert result["link_chars"] == [2, 0]



def test_link_text_over_several_lines_is_plain_text():
    result = cut('<html><body><p><a href="/full">第一段。<br>第二段。<br>第三段。</a></p>'
                 '<p>· <a href="/x">\n栏目\n</a></p></body></html>')
    assert result["texts"] == ["第一段。", "第二段。", "第三段。", "·", "栏目"]
    # The wrapped paragraphs are not link text; a link on one line stays one, however its source is laid out.
    assert result["link_chars"] == [0, 0, 0, 0, 2]

@pytest.mark.parametrize(
    "attributes, furniture",
    [
        ('class="news-sidebar"', True),
        ('id="commentList"', True),
        ('class="NavBar"', True),
        ('class="canvas-wrap"', False),  # "nav" only at the start of a word
        ('class="ad"', True),
        ('class="top-ads"', True),
        ('class="header"', False),  # "ad" only as a whole word
        ('class="hot"', True),
        ('class="shot"', False),
        ('style="display: none"', True),
        ('style="VISIBILITY:hidden"', True),
        ('style="color: red"', False),
        ('class="content" id="main"', False),
    ],
)
def test_furniture_by_class_id_or_style(attributes, furniture):
    result = cut(f"<html><body><div {attributes}><p>文字</p></div><p>正文</p></body></html>")
    assert result["furniture"][2:4] == [furniture, furniture]  # the div and the p inside it
    assert result["furniture"][4] is False


def test_furniture_tags_and_page_level_classes():
    result = cut('<html class="comment"><body class="sidebar"><nav><p>导航</p></nav><footer>页脚</footer><p>正文</p></body></html>')
    assert result["furniture"] == [False, False, True, True, True, False]


def test_a_subtree_can_be_cut_on_its_own():
    result = cut("<html><body><div id='a'>甲<p>乙</p></div>丙</body></html>", "//div")
    assert result["texts"] == ["甲", "乙"]
    assert result["parents"] == [-1, 0]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00<>&"), max_size=200))
def test_lines_are_the_text_split_and_collapsed(text):
    root = etree.Element("p")
    try:
        root.text = text
    except ValueError:  # a character XML cannot hold
        return
    texts = cut_lines(root, RULES)[0]
    assert texts == [" ".join(line.split()) for line in text.split("\n") if line.split()]


def test_inconsistent_blocks_are_refused_not_read_out_of_bounds():
    texts, owners, link_chars, parents, ends, furniture, _ = cut_lines(
        etree.fromstring("<html><body><p>正文</p></body></html>", etree.HTMLParser()), RULES)
    with pytest.raises(ValueError):
        main_content(texts, [99] * len(owners), link_chars, parents, ends, furniture, set(), set(), RULES)
    with pytest.raises(ValueError):
        main_content(texts, owners, link_chars, [-1, 5, 1], ends, furniture, set(), set(), RULES)
    assert main_content(texts, owners, link_chars, parents, ends, furniture, set(), set(), RULES) == [0]


def test_nesting_deeper_than_a_parser_builds_is_refused():
    root = etree.Element("div")
    element = root
    for _ in range(5000):
        element = etree.SubElement(element, "div")
    element.text = "深处"
    with pytest.raises(ValueError, match="nested deeper"):
        cut_lines(root, RULES)


def test_very_long_class_names_stay_within_bounds():
    classes = " ".join(f"c{i}" for i in range(400))
    result = cut(f'<html><body><div class="{classes} sidebar" id="{classes}"><p>文字</p></div></body></html>')
    assert result["texts"] == ["文字"]  # "sidebar" is past the examined length: not furniture


def test_lists_of_unequal_length_or_type_are_refused():
    texts, owners, link_chars, parents, ends, furniture, _ = cut_lines(
        etree.fromstring("<html><body><p>正文</p></body></html>", etree.HTMLParser()), RULES)
    with pytest.raises(ValueError):
        main_content(texts, owners, link_chars, parents + [0], ends, furniture, set(), set(), RULES)
    with pytest.raises(ValueError):
        main_content(texts * 3, owners, link_chars, parents, ends, furniture, set(), set(), RULES)
    with pytest.raises(TypeError):
        main_content([12345], owners, link_chars, parents, ends, furniture, set(), set(), RULES)


def test_hidden_text_inside_a_line_is_left_out():
    result = cut('<html><body><p>正文<span style="display: none">干扰码</span>继续<a style="visibility:hidden">隐</a>完</p>'
                 '<table><tr style="DISPLAY:NONE"><td>隐藏行</td></tr></table></body></html>')
    assert result["texts"] == ["正文继续完"]


def test_substrings_are_found_ignoring_ascii_case():
    substrings = Substrings((("copyright", "icp"), ("版权",)))
    html = "<html><body><p>CopyRight 2024</p><p>京ICP备123号</p><p>版权所有</p><p>无关</p></body></html>"
    found = cut_lines(etree.fromstring(html, etree.HTMLParser()), RULES, substrings)[6]
    assert found == [[0, 1], [2]]


# The rules come from Python (pipeline.text.extract.rules), not from the compiled module.

_NAME_PIECES = st.one_of(
    st.sampled_from(rules.FURNITURE_WORDS + rules.FURNITURE_WORD_STARTS + rules.FURNITURE_WHOLE_WORDS),
    st.sampled_from(("NAV", "Ad", "Hot", "Sidebar", "canvas", "head", "shot", "main", "content")),
    st.text(alphabet="abcdhostv-_ 0", max_size=4),
)


def _names_furniture(names: str) -> bool:
    """The furniture-word rule of rules.py, written in Python."""
    names = names.lower()
    return (
        any(word in names for word in rules.FURNITURE_WORDS)
        or any(re.search(f"(?<![a-z]){word}", names) for word in rules.FURNITURE_WORD_STARTS)
        or any(re.search(f"(?<![a-z]){word}(?![a-z])", names) for word in rules.FURNITURE_WHOLE_WORDS)
    )


@given(st.lists(_NAME_PIECES, max_size=6).map("".join))
def test_furniture_by_class_is_the_rule_in_python(names):
    root = etree.fromstring(f'<html><body><div class="{names}"><p>文字</p></div></body></html>', etree.HTMLParser())
    assert cut_lines(root, RULES)[5][2] is _names_furniture(names)


def test_tags_of_each_kind_are_the_lists_in_python():
    for tag in rules.INLINE_TAGS + rules.LINK_TAGS:
        assert cut(f"<html><body><div>甲<{tag}>乙</{tag}>丙</div></body></html>")["texts"] == ["甲乙丙"], tag
    for tag in rules.UNWANTED_TAGS:
        html = f"<html><body><div>甲<{tag}>乙</{tag}>丙</div></body></html>"
        if etree.fromstring(html, etree.HTMLParser()).find(f".//{tag}").text == "乙":  # not <input>: empty
            assert cut(html)["texts"] == ["甲丙"], tag
    for tag in rules.FURNITURE_TAGS:
        assert cut(f"<html><body><{tag}>甲</{tag}><p>乙</p></body></html>")["furniture"] == [False, False, True, False]


def test_a_rule_changed_in_python_changes_the_cut_without_a_recompile():
    html = '<html><body><div class="byline">记者 某某</div><p>正文<span>一</span>二</p></body></html>'
    assert cut(html)["furniture"] == [False, False, False, False]
    changed = compiled_rules(furniture_words=rules.FURNITURE_WORDS + ("byline",),
                             inline_tags=tuple(tag for tag in rules.INLINE_TAGS if tag != "span"))
    texts, _, _, _, _, furniture, _ = cut_lines(etree.fromstring(html, etree.HTMLParser()), changed)
    assert furniture == [False, False, True, False, False]
    assert texts == ["记者 某某", "正文", "一", "二"]  # <span> is a block under the changed rules
    assert cut(html)["furniture"] == [False, False, False, False]  # the default rules are untouched


def test_a_threshold_changed_in_python_changes_the_scoring():
    html = f'<html><body><p>{"正文" * 30}</p><p>{"字" * 12}<a href="/x">{"链" * 10}</a></p></body></html>'
    root = etree.fromstring(html, etree.HTMLParser())
    texts, owners, link_chars, parents, ends, furniture, _ = cut_lines(root, RULES)
    assert main_content(texts, owners, link_chars, parents, ends, furniture, set(), set(), RULES) == [0]
    lenient = compiled_rules(max_link_density=0.5)
    assert main_content(texts, owners, link_chars, parents, ends, furniture, set(), set(), lenient) == [0, 1]


@pytest.mark.parametrize(
    "changes",
    [
        dict(furniture_words=("Sidebar",)),  # not lower case
        dict(furniture_words=("side bar",)),
        dict(hidden_styles=("",)),
        dict(furniture_words=tuple(f"w{i}" for i in range(200))),
        dict(inline_tags=rules.INLINE_TAGS + ("div",), furniture_tags=("div",)),  # one tag, two kinds
        dict(sentence_punctuation="。" * 100),
    ],
)
def test_rules_the_tables_cannot_hold_are_refused(changes):
    with pytest.raises(ValueError):
        compiled_rules(**changes)
