from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from pipeline.text.extract._lines import Substrings, cut_lines, main_content


def cut(html: str, selector: str | None = None):
    root = etree.fromstring(html.encode(), etree.HTMLParser(encoding="utf-8"))
    if selector:
        root = root.xpath(selector)[0]
    texts, owners, link_chars, parents, ends, furniture, _ = cut_lines(root)
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
    texts = cut_lines(root)[0]
    assert texts == [" ".join(line.split()) for line in text.split("\n") if line.split()]


def test_inconsistent_blocks_are_refused_not_read_out_of_bounds():
    texts, owners, link_chars, parents, ends, furniture, _ = cut_lines(
        etree.fromstring("<html><body><p>正文</p></body></html>", etree.HTMLParser()))
    with pytest.raises(ValueError):
        main_content(texts, [99] * len(owners), link_chars, parents, ends, furniture, set(), set())
    with pytest.raises(ValueError):
        main_content(texts, owners, link_chars, [-1, 5, 1], ends, furniture, set(), set())
    assert main_content(texts, owners, link_chars, parents, ends, furniture, set(), set()) == [0]


def test_nesting_deeper_than_a_parser_builds_is_refused():
    root = etree.Element("div")
    element = root
    for _ in range(5000):
        element = etree.SubElement(element, "div")
    element.text = "深处"
    with pytest.raises(ValueError, match="nested deeper"):
        cut_lines(root)


def test_very_long_class_names_stay_within_bounds():
    classes = " ".join(f"c{i}" for i in range(400))
    result = cut(f'<html><body><div class="{classes} sidebar" id="{classes}"><p>文字</p></div></body></html>')
    assert result["texts"] == ["文字"]  # "sidebar" is past the examined length: not furniture


def test_lists_of_unequal_length_or_type_are_refused():
    texts, owners, link_chars, parents, ends, furniture, _ = cut_lines(
        etree.fromstring("<html><body><p>正文</p></body></html>", etree.HTMLParser()))
    with pytest.raises(ValueError):
        main_content(texts, owners, link_chars, parents + [0], ends, furniture, set(), set())
    with pytest.raises(ValueError):
        main_content(texts * 3, owners, link_chars, parents, ends, furniture, set(), set())
    with pytest.raises(TypeError):
        main_content([12345], owners, link_chars, parents, ends, furniture, set(), set())


def test_hidden_text_inside_a_line_is_left_out():
    result = cut('<html><body><p>正文<span style="display: none">干扰码</span>继续<a style="visibility:hidden">隐</a>完</p>'
                 '<table><tr style="DISPLAY:NONE"><td>隐藏行</td></tr></table></body></html>')
    assert result["texts"] == ["正文继续完"]


def test_substrings_are_found_ignoring_ascii_case():
    substrings = Substrings((("copyright", "icp"), ("版权",)))
    html = "<html><body><p>CopyRight 2024</p><p>京ICP备123号</p><p>版权所有</p><p>无关</p></body></html>"
    found = cut_lines(etree.fromstring(html, etree.HTMLParser()), substrings)[6]
    assert found == [[0, 1], [2]]
