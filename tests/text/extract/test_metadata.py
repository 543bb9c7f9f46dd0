from __future__ import annotations

from lxml import etree

from pipeline.text.extract.metadata import (
    MetadataElements,
    canonical_url,
    document_title,
    element_text,
    language,
    meta_tags,
    title,
)


def parse(html: str) -> etree._Element:
    return etree.fromstring(html, etree.HTMLParser())


def elements(html: str) -> MetadataElements:
    return MetadataElements.of(parse(html))


def test_elements_are_gathered_in_document_order():
    gathered = elements("<html><head><title>t</title><meta name=a content=1></head><body><h2>二</h2>"
                        "<h1>一</h1><div><meta itemprop=b content=2><h3>三</h3></div></body></html>")
    assert [e.tag for e in gathered.headings] == ["h2", "h1", "h3"]
    assert [e.get("content") for e in gathered.metas] == ["1", "2"]
    assert len(gathered.titles) == 1 and gathered.links == [] and gathered.scripts == []


def test_element_text_is_the_joined_text_of_the_subtree_without_its_tail():
    heading = parse("<body><h1> 标题<span>一\n二</span><a href=x>三</a>&amp;<br>四 <i>五</i> </h1>尾</body>").find(".//h1")
    assert element_text(heading) == "标题一 二三&四 五"
    assert element_text(heading) == " ".join("".join(heading.itertext()).split())
    assert element_text(parse("<body><h2></h2></body>").find(".//h2")) == ""


def test_meta_tags_and_json_ld():
    page = elements("""<html><head>
      <meta property="og:title" content=" 标题 "><meta name="PubDate" content="2022-04-27 18:40">
      <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-04-27T18:40:00+08:00",
        "author": [{"@type": "Person", "name": "杨柳"}, {"name": "薛佩雯"}]}</script>
      </head><body></body></html>""")
    meta = meta_tags(page)
    assert meta["og:title"] == "标题" and meta["pubdate"] == "2022-04-27 18:40"
    assert meta["datepublished"] == "2022-04-27T18:40:00+08:00" and meta["author"] == "杨柳 薛佩雯"


def test_broken_json_ld_is_ignored():
    assert meta_tags(elements('<html><head><script type="application/ld+json">{oops</script></head></html>')) == {}


def test_title_is_the_heading_quoted_in_the_document_title():
    page = elements("<html><head><title>两会特稿：保护创新_新闻_某某网</title></head>"
                    "<body><h1>某某网</h1><h2>两会特稿：保护创新</h2></body></html>")
    assert title(document_title(page), page, {}, [], 0) == "两会特稿：保护创新"


def test_title_from_a_line_above_the_article_when_there_is_no_heading():
    doc_title = "地理标志保护如何助力乡村振兴——访某局局长_高层论坛_某某网"
    lines = ["首页", "地理标志保护如何助力乡村振兴——访某局局长", "正文第一段……"]
    assert title(doc_title, elements("<html><body></body></html>"), {}, lines, 2) == "地理标志保护如何助力乡村振兴——访某局局长"


def test_title_falls_back_to_og_title_then_document_title():
    page = elements("<html><body></body></html>")
    assert title("文章标题 - 某某网", page, {"og:title": "社交标题"}, [], 0) == "社交标题"
    assert title("文章标题很长的部分 - 某某网", page, {}, [], 0) == "文章标题很长的部分"


def test_canonical_url_resolves_relative_links():
    page = elements('<html><head><link rel="canonical" href="/a/b.html"></head></html>')
    assert canonical_url(page, {}, "http://www.x.example/a/b.html?from=list") == "http://www.x.example/a/b.html"
    assert canonical_url(elements("<html></html>"), {"og:url": "http://y.example/c"}, "http://x") == "http://y.example/c"
    assert canonical_url(elements("<html></html>"), {}, "http://x.example/p") == "http://x.example/p"


def test_language_by_script_not_by_declaration():
    root = parse('<html lang="zh-CN"><body></body></html>')
    assert language("香港特區政府知識產權署公布統計數字，這個數字較去年上升。", root) == "zh-Hant"
    assert language("香港特区政府知识产权署公布统计数字，这个数字较去年上升。", root) == "zh-Hans"
    assert language("The forum opened in Beijing on Tuesday.", parse("<html><body></body></html>")) == "en"
    assert language("2022", root) == "zh-CN"


def test_json_ld_too_deep_for_the_parser_or_of_the_wrong_shape_is_ignored():
    for depth in (1_000, 100_000):
        nested = "[" * depth + "]" * depth
        assert meta_tags(elements(f'<html><head><script type="application/ld+json">{nested}</script></head></html>')) == {}
    for shape in ('{"@graph": 5}', '{"@graph": {"datePublished": "2022-04-27"}}', "5", '"text"', "null"):
        assert meta_tags(elements(f'<html><head><script type="application/ld+json">{shape}</script></head></html>')) == {}
