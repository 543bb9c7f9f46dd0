from __future__ import annotations

from lxml import etree

from pipeline.text.extract import rules
from pipeline.text.extract.body import compiled_rules, page_lines

PROSE = "知识产权保护工作取得积极进展，各地加大执法力度，维护了公平竞争的市场秩序。"
NAV = "".join(f'<li><a href="/s{i}">栏目{i}</a></li>' for i in range(12))
RELATED = "".join(f'<li><a href="/a{i}">相关文章标题第{i}篇，点击查看详情</a></li>' for i in range(8))


def lines_of(html: str) -> list[str]:
    return page_lines(etree.fromstring(html, etree.HTMLParser())).content_texts


def test_article_is_found_between_navigation_and_related_links():
    html = f"""<html><body><ul class="menu">{NAV}</ul>
      <div><h1>标题</h1><p>{PROSE}</p><p>第二段：{PROSE}</p></div>
      <ul>{RELATED}</ul></body></html>"""
    assert lines_of(html) == ["标题", PROSE, f"第二段：{PROSE}"]


def test_br_separated_paragraphs_in_one_cell():
    html = f"<html><body><table><tr><td>{NAV}</td><td>{PROSE}<br>{PROSE}<br/>短句</td></tr></table></body></html>"
    assert lines_of(html) == [PROSE, PROSE, "短句"]


def test_formatting_tags_do_not_split_lines():
    html = f"<html><body><p><b>主持人：</b>请您<font color=red>谈谈</font>看法，{PROSE}</p></body></html>"
    assert lines_of(html) == [f"主持人：请您谈谈看法，{PROSE}"]


def test_regions_named_as_furniture_are_left_out():
    html = f"""<html><body><div class="content"><p>{PROSE}</p><p>{PROSE}</p></div>
      <div id="comment_list"><p>网友甲：{PROSE}</p></div>
      <div class="sidebar"><p>{PROSE}</p></div></body></html>"""
    assert lines_of(html) == [PROSE, PROSE]


def test_comment_heading_ends_the_article_even_without_class_names():
    html = f"""<html><body><td><p>{PROSE}</p><p>{PROSE}</p>
      <p>网友评论</p><p>甲 [2022-04-28 09:12]：{PROSE}</p><p>乙：{PROSE}{PROSE}</p></td></body></html>"""
    assert lines_of(html) == [PROSE, PROSE]


def test_stamp_of_the_next_post_ends_a_forum_thread():
    html = f"""<html><body><div><p>楼主 发表于 2005-05-17 22:11</p><p>{PROSE}</p><p>{PROSE}</p>
      <p>〓 留言板 发布时间 2005/05/18 13:45:40 by 网友 〓</p><p>回复：{PROSE}{PROSE}</p></div></body></html>"""
    assert lines_of(html)[-2:] == [PROSE, PROSE]
    assert not any(line.startswith("回复") for line in lines_of(html))


def test_site_notices_are_not_the_article():
    notice = "本网站所有内容版权所有，未经书面许可不得转载、摘编或利用其它方式使用上述作品，违者必究。" * 3
    html = f"<html><body><div><p>{PROSE}</p></div><div><p>{notice}</p></div></body></html>"
    assert lines_of(html) == [PROSE]


def test_heading_and_speaker_line_before_the_first_paragraph_stay():
    html = f"""<html><body><div>{NAV}</div><div><p>全面加强知识产权保护</p><p>国家知识产权局局长 申长雨</p>
      <p>{PROSE}{PROSE}</p></div></body></html>"""
    assert lines_of(html)[:2] == ["全面加强知识产权保护", "国家知识产权局局长 申长雨"]


def test_page_without_prose_has_no_content_lines_but_keeps_its_text():
    root = etree.fromstring(f"<html><body><ul>{NAV}</ul></body></html>", etree.HTMLParser())
    lines = page_lines(root)
    assert lines.content == [] or all("栏目" in line for line in lines.content_texts)
    assert "栏目0" in lines.texts


def test_scripts_and_styles_never_reach_the_text():
    html = f"<html><head><style>p{{color:red}}</style></head><body><script>var s='脚本文字';</script><p>{PROSE}</p></body></html>"
    assert lines_of(html) == [PROSE]


def test_a_dated_metadata_line_under_the_headline_is_not_the_next_post():
    html = f"""<html><body><div><p>当前位置：首页 > 高层论坛 > 正文</p>
      <p>地理标志保护如何助力乡村振兴——访青州市市场监督管理局局长何振东</p>
      <p>发布日期：2015-01-02 13:00 来源：中国知识产权报</p><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"""
    assert lines_of(html)[-2:] == [PROSE, PROSE]


def test_rules_passed_in_from_python_decide_the_content():
    html = f'<html><body><div class="byline"><p>{PROSE}</p></div><div><p>{PROSE}</p></div></body></html>'
    root = etree.fromstring(html, etree.HTMLParser())
    assert page_lines(root).content_texts == [PROSE, PROSE]
    changed = compiled_rules(furniture_words=rules.FURNITURE_WORDS + ("byline",))
    assert page_lines(root, changed).content_texts == [PROSE]


def test_prose_about_copyright_law_at_the_end_of_an_article_stays():
    law = "根据著作权法的规定，作品的版权所有者享有复制权和信息网络传播权，平台应当建立侵权投诉处理机制。"
    html = f"<html><body><div><p>{PROSE}</p><p>{PROSE}</p><p>{law}</p></div></body></html>"
    assert lines_of(html) == [PROSE, PROSE, law]


def test_a_disclaimer_after_the_article_is_left_out():
    article = [PROSE + PROSE] * 3
    disclaimer = "某网声明：某网转载上述内容出于传递更多信息之目的，不表明证实其描述或赞同其观点，不构成投资建议。"
    html = f"""<html><body><div><p>{"</p><p>".join(article)}</p><p>{disclaimer}</p></div></body></html>"""
    assert lines_of(html) == article


def test_the_sites_contact_box_after_the_article_is_left_out():
    article = [PROSE + PROSE] * 3
    contacts = ["新闻热线：010-12345678，欢迎读者提供新闻线索。", "电话：010-12345678 传真：010-87654321 地址：某市某区某路一号"]
    html = f"""<html><body><div><p>{"</p><p>".join(article + contacts)}</p></div></body></html>"""
    assert lines_of(html) == article


def test_one_phone_number_at_the_end_of_an_article_is_not_a_contact_box():
    article = [PROSE + PROSE, "活动免费参加，名额有限，报名请拨打咨询电话：010-12345678，先到先得。"]
    assert lines_of(f"<html><body><div><p>{'</p><p>'.join(article)}</p></div></body></html>") == article


def test_a_notice_heading_ends_the_article():
    terms = "本站刊登的所有内容均由合作方提供，相关责任由合作方承担，读者使用时请自行判断其真实性与准确性。"
    html = f"""<html><body><div><p>{PROSE}</p><p>{PROSE}</p>
      <p>版权与免责声明</p><p>{terms}</p><p>{terms}</p></div></body></html>"""
    assert lines_of(html) == [PROSE, PROSE]


def test_teasers_cut_short_with_a_link_to_the_rest_are_not_the_article():
    teasers = "".join(f"<li>【嘉宾做客本网第{i}期】主持人与嘉宾就市民关心的出行问题展开交流 ...... <a href='/t{i}'>[详情]</a></li>"
                      for i in range(3))
    html = f"""<html><body><div><h1>标题</h1><p>{PROSE}</p></div><div><ul>{teasers}</ul></div></body></html>"""
    assert lines_of(html) == ["标题", PROSE]


def test_an_article_wrapped_in_one_link_is_found():
    html = f"""<html><body><ul>{RELATED}</ul>
      <div><a href="/full-text">{PROSE}<br><br>{PROSE}<br><br>{PROSE}</a></div></body></html>"""
    assert lines_of(html) == [PROSE, PROSE, PROSE]


def test_an_article_inside_a_layout_column_named_like_furniture_is_found():
    html = f"""<html><body><ul>{NAV}</ul><div class="twosidebarL"><div class="newsbody">
      <h1>标题</h1><p>{PROSE}</p><p>{PROSE}</p></div><ul>{RELATED}</ul></div></body></html>"""
    assert lines_of(html) == ["标题", PROSE, PROSE]


def test_the_editors_credit_closes_the_article():
    pick = "一季度国内生产总值同比增长，市场分析人士认为经济运行总体平稳，物价涨幅有所回落。"
    picks = "".join(f"<div><h4>编辑推荐</h4><p>第{i}则：{pick}</p></div>" for i in range(2))
    html = f"""<html><body><div><h1>标题</h1><p>{PROSE}</p><p>{PROSE}</p><p>（责任编辑：某某）</p>{picks}</div></body></html>"""
    assert lines_of(html) == ["标题", PROSE, PROSE, "（责任编辑：某某）"]


def test_an_editor_named_above_the_article_does_not_close_it():
    html = f"""<html><body><div><h1>标题</h1><p>编辑：某某</p><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"""
    assert lines_of(html)[-2:] == [PROSE, PROSE]
