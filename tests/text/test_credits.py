from __future__ import annotations

import pytest

from pipeline.text.credits import (
    Credits,
    is_caption_line,
    is_credit_line,
    is_furniture_line,
    is_meta_line,
    lead_credits,
    parse_credits,
)


@pytest.mark.parametrize(
    ("line", "authors", "photographers", "editor", "source"),
    [
        ("(本报记者 杨 柳 实习记者 薛佩雯 整理,图片由记者 蒋文杰 摄)", ["杨柳", "薛佩雯"], ["蒋文杰"], "", ""),
        ("（本报记者 许可 整理\u3000图片由记者 蒋文杰 摄）", ["许可"], ["蒋文杰"], "", ""),
        ("(编辑:晏如)", [], [], "晏如", ""),
        ("【責任編輯：李文安】", [], [], "李文安", ""),
        ("责任编辑：赵六", [], [], "赵六", ""),
        ("（通讯员 钟宁 记者 冯雪）", ["钟宁", "冯雪"], [], "", ""),
        ("（記者 林嘉明 香港報道）", ["林嘉明"], [], "", ""),
        ("新京报记者 彭冲 山东冠县报道", ["彭冲"], [], "", ""),
        ("作者：王建宏 张文攀", ["王建宏", "张文攀"], [], "", ""),
        ("文/周思博", ["周思博"], [], "", ""),
        ("文章来源: 中国知识产权报/中国知识产权资讯网 发布时间: 2022/4/27 18:40:00", [], [], "", "中国知识产权报/中国知识产权资讯网"),
        ("来源：中国知识产权报发布时间：2023-09-06 10:15阅读量：3249", [], [], "", "中国知识产权报"),
        ("来源：香港知識產權資訊（合作媒體） 時間：2021-12-08", [], [], "", "香港知識產權資訊（合作媒體）"),
        ("（来源：新华社）", [], [], "", "新华社"),
        ("图为启动仪式现场。本报记者 钱锋 摄", [], ["钱锋"], "", ""),
        # Page furniture after the source: comment counters and links, "read on your phone", keywords.
        ("来源: 第一财经日报 网友评论 0 条", [], [], "", "第一财经日报"),
        ("来源：海口晚报 参与互动(0)", [], [], "", "海口晚报"),
        ("来源: 网易财经 有0人参与 手机看新闻", [], [], "", "网易财经"),
        ("来源：搜狐娱乐 我来说两句", [], [], "", "搜狐娱乐"),
        ("来源：燕赵晚报 关键字：住宅租赁;年薪", [], [], "", "燕赵晚报"),
        ("来源：新京报评论", [], [], "", "新京报评论"),
        ("来源：[ 人民网 ]\ue5c2", [], [], "", "人民网"),
        # A label glued on after the editor's name; a CMS account is no editor's name.
        ("责任编辑：黄敏标签：郭德纲", [], [], "黄敏", ""),
        ("责任编辑：AP0015", [], [], "", ""),
        ("责任编辑：ritafan", [], [], "ritafan", ""),
        # A domain, an organisation or a phrase is no author; a Latin name stays whole.
        ("作者：www.yunnan.cn,云南日报报业集团", [], [], "", ""),
        ("作者：Discuz! Team and Comsenz UI Team", [], [], "", ""),
        ("作者：Designer by Netsourcer", [], [], "", ""),
        ("作者： 周思博 (Joel Spolsky)", ["周思博", "Joel Spolsky"], [], "", ""),
        ("作者：Ludwig van Beethoven", ["Ludwig van Beethoven"], [], "", ""),
        ("作者:zboygirl", ["zboygirl"], [], "", ""),
        ("党的十八大以来，知识产权工作取得显著成效。", [], [], "", ""),
    ],
)
def test_parse_credits(line, authors, photographers, editor, source):
    assert parse_credits(line) == Credits(authors, photographers, editor, source)


def test_place_names_after_a_reporter_are_not_names():
    assert parse_credits("新京报记者 彭冲 山东冠县报道").authors == ["彭冲"]


@pytest.mark.parametrize(
    "line", ["(编辑:晏如)", "（记者 李晓东 通讯员 郑宁）", "责任编辑：孙悦", "新京报记者 彭冲 山东冠县报道"]
)
def test_credit_lines(line):
    assert is_credit_line(line)


@pytest.mark.parametrize(
    "line",
    ["记者从会上获悉，今年以来，各地知识产权管理部门进一步加大行政保护力度。",
     "最高人民法院副院长 贺小荣", "（一）加强海外知识产权纠纷应对指导。"],
)
def test_sentences_and_speaker_lines_are_not_credit_lines(line):
    assert not is_credit_line(line)


@pytest.mark.parametrize(
    "line",
    ["当前位置：首页 > 高层论坛 > 正文", "分享到：微信 微博", "(中国知识产权报独家稿件,未经授权不得转载。)",
     "主办单位:中国知识产权报社 未经许可不得复制", "ICP备案编号:京ICP备08103642号-2", "上一篇：某某文章"],
)
def test_furniture_lines(line):
    assert is_furniture_line(line)


def test_meta_lines():
    assert is_meta_line("2020-11-26 08:04 来源:中国新闻网")
    assert is_meta_line("发布时间: 2022/4/27 18:40:00")
    assert not is_meta_line("2022年4月26日，国家知识产权局召开新闻发布会。")


def test_lead_dateline_credits():
    assert lead_credits("本报讯（记者 赵婧 孙小雨）4月26日，活动在北京启动。").authors == ["赵婧", "孙小雨"]
    assert lead_credits("4月26日，活动在北京启动（图）。") == Credits()


def test_caption_lines():
    assert is_caption_line("图为启动仪式现场。本报记者 钱锋 摄")
    assert not is_caption_line("他表示，要加强保护。")
