"""Speaker lines and labels of many real-world forms, parsed to name / org / position."""

from __future__ import annotations

import pytest

from pipeline.text.speakers import (
    Speaker,
    described_people,
    is_position,
    normalize_name,
    parse_description,
    split_org_position,
)

# (text, name, raw name, org, position)
SPEAKER_LINES = [
    ("国家知识产权局局长 申长雨", "申长雨", "申长雨", "国家知识产权局", "局长"),
    ("最高人民法院副院长 贺小荣", "贺小荣", "贺小荣", "最高人民法院", "副院长"),
    ("最高人民检察院检察委员会副部级专职委员 宫 鸣", "宫鸣", "宫 鸣", "最高人民检察院", "检察委员会副部级专职委员"),
    ("北京市副市长 殷 勇", "殷勇", "殷 勇", "北京市", "副市长"),
    ("国务院新闻办新闻局局长、新闻发言人 胡凯红", "胡凯红", "胡凯红", "国务院新闻办新闻局", "局长、新闻发言人"),
    ("国家知识产权局知识产权保护司司长 周明远", "周明远", "周明远", "国家知识产权局知识产权保护司", "司长"),
    ("国家知识产权局办公室主任、新闻发言人 林静怡", "林静怡", "林静怡", "国家知识产权局", "办公室主任、新闻发言人"),
    ("世界知识产权组织副总干事 马丁·霍夫曼", "马丁·霍夫曼", "马丁·霍夫曼", "世界知识产权组织", "副总干事"),
    ("世界知识产权组织总干事 邓鸿森", "邓鸿森", "邓鸿森", "世界知识产权组织", "总干事"),
    ("中科瀚海集团有限公司首席知识产权官 孙建国", "孙建国", "孙建国", "中科瀚海集团有限公司", "首席知识产权官"),
    ("中华全国专利代理师协会副会长 郑文涛", "郑文涛", "郑文涛", "中华全国专利代理师协会", "副会长"),
    ("北京知链科技有限公司董事长 韩雪梅", "韩雪梅", "韩雪梅", "北京知链科技有限公司", "董事长"),
    ("北京市知识产权局局长 杨志国", "杨志国", "杨志国", "北京市知识产权局", "局长"),
    ("上海市高级人民法院副院长 茆荣华", "茆荣华", "茆荣华", "上海市高级人民法院", "副院长"),
    ("江苏省人民政府副省长 马 欣", "马欣", "马 欣", "江苏省人民政府", "副省长"),
    ("广东省市场监督管理局（知识产权局）局长 朱 伟", "朱伟", "朱 伟", "广东省市场监督管理局（知识产权局）", "局长"),
    ("青州市市场监督管理局（知识产权局）局长何振东", "何振东", "何振东", "青州市市场监督管理局（知识产权局）", "局长"),
    ("国家市场监督管理总局副局长 甘 霖", "甘霖", "甘 霖", "国家市场监督管理总局", "副局长"),
    ("中国人民大学法学院教授 刘春田", "刘春田", "刘春田", "中国人民大学法学院", "教授"),
    ("北京大学知识产权学院常务副院长 易继明", "易继明", "易继明", "北京大学知识产权学院", "常务副院长"),
    ("中国社会科学院知识产权中心主任 李明德", "李明德", "李明德", "中国社会科学院知识产权中心", "主任"),
    ("华为技术有限公司知识产权部部长 丁建新", "丁建新", "丁建新", "华为技术有限公司知识产权部", "部长"),
    ("腾讯公司副总裁、法务总监 江 波", "江波", "江 波", "腾讯公司", "副总裁、法务总监"),
    ("最高人民法院知识产权法庭副庭长 郃中林", "郃中林", "郃中林", "最高人民法院知识产权法庭", "副庭长"),
    ("中国专利保护协会秘书长 王 玲", "王玲", "王 玲", "中国专利保护协会", "秘书长"),
    ("国家版权局版权管理司司长 于慈珂", "于慈珂", "于慈珂", "国家版权局版权管理司", "司长"),
    ("海关总署综合业务司副司长 陈振冲", "陈振冲", "陈振冲", "海关总署综合业务司", "副司长"),
    ("公安部经济犯罪侦查局副局长 王 宏", "王宏", "王 宏", "公安部经济犯罪侦查局", "副局长"),
    ("中共北京市委常委、宣传部部长 莫高义", "莫高义", "莫高义", "中共北京市委", "常委、宣传部部长"),
    ("国家发展和改革委员会副主任 林念修", "林念修", "林念修", "国家发展和改革委员会", "副主任"),
    ("欧洲专利局局长 安东尼奥·坎普诺斯", "安东尼奥·坎普诺斯", "安东尼奥·坎普诺斯", "欧洲专利局", "局长"),
    ("美国专利商标局前局长 戴维·卡波斯", "戴维·卡波斯", "戴维·卡波斯", "美国专利商标局", "前局长"),
    ("日本特许厅长官 森清", "森清", "森清", "日本特许厅", "长官"),
    ("香港特區政府知識產權署署長 黃福來", "黄福来", "黃福來", "香港特區政府知識產權署", "署長"),
    ("台灣大學法律學院教授 謝銘洋", "谢铭洋", "謝銘洋", "台灣大學法律學院", "教授"),
    ("澳門特別行政區經濟及科技發展局局長 戴建業", "戴建业", "戴建業", "澳門特別行政區經濟及科技發展局", "局長"),
    ("全国人大常委会委员 吕 薇", "吕薇", "吕 薇", "全国人大", "常委会委员"),
    ("全国政协委员、中国科学院院士 张 杰", "张杰", "张 杰", "全国政协", "委员、中国科学院院士"),
    ("浙江大学光华法学院院长 胡 铭", "胡铭", "胡 铭", "浙江大学光华法学院", "院长"),
    ("中国贸促会专利商标事务所所长 吴玉和", "吴玉和", "吴玉和", "中国贸促会专利商标事务所", "所长"),
    ("金杜律师事务所合伙人 张 毅", "张毅", "张 毅", "金杜律师事务所", "合伙人"),
    ("国家工业信息安全发展研究中心 副主任 陈思远", "陈思远", "陈思远", "国家工业信息安全发展研究中心", "副主任"),
    ("申长雨 国家知识产权局局长", "申长雨", "申长雨", "国家知识产权局", "局长"),
    ("国家知识产权局局长申长雨", "申长雨", "申长雨", "国家知识产权局", "局长"),
    ("北京市副市长殷勇", "殷勇", "殷勇", "北京市", "副市长"),
    ("国家知识产权局党组书记、局长 申长雨", "申长雨", "申长雨", "国家知识产权局", "党组书记、局长"),
    ("最高人民检察院副检察长 童建明", "童建明", "童建明", "最高人民检察院", "副检察长"),
    ("国家知识产权局副局长　何志敏", "何志敏", "何志敏", "国家知识产权局", "副局长"),  # ideographic space
    ("联合国教科文组织助理总干事 沙 托", "沙托", "沙 托", "联合国教科文组织", "助理总干事"),
    ("欧阳明（中国知识产权研究会 副理事长）", "欧阳明", "欧阳明", "中国知识产权研究会", "副理事长"),
]

# Labels of transcript turns and introductions: (text, name, org, position)
LABELS = [
    ("刘建华（东海政法大学知识产权学院院长）", "刘建华", "东海政法大学知识产权学院", "院长"),
    ("陈思远（国家工业信息安全发展研究中心 副主任）", "陈思远", "国家工业信息安全发展研究中心", "副主任"),
    ("孙婉清（云帆网络科技有限公司 法务总监）", "孙婉清", "云帆网络科技有限公司", "法务总监"),
    ("张三(北京大学法学院教授)", "张三", "北京大学法学院", "教授"),
    ("李四（腾讯公司副总裁）", "李四", "腾讯公司", "副总裁"),
    ("王晓晨", "王晓晨", "", ""),
    ("周 洁", "周洁", "", ""),
    ("劉德華", "刘德华", "", ""),
    ("马丁·霍夫曼", "马丁·霍夫曼", "", ""),
    ("司马南", "司马南", "", ""),
    ("諸葛明（台北科技大學教授）", "诸葛明", "台北科技大學", "教授"),
    ("何振东 青州市市场监督管理局局长", "何振东", "青州市市场监督管理局", "局长"),
]

NOT_SPEAKERS = [
    "全面加强知识产权保护 推动经济社会高质量发展",
    "第一，优化知识产权保护顶层设计。",
    "一、2022年知识产权保护工作取得新成效",
    "同志们",
    "编者按",
    "陈光远强调",
    "会议指出",
    "加强知识产权司法保护 优化创新创造创业法治环境",
    "【加强源头保护】",
    "2022年4月27日",
    "知识产权保护",
]


@pytest.mark.parametrize(("text", "name", "name_raw", "org", "position"), SPEAKER_LINES, ids=[c[0] for c in SPEAKER_LINES])
def test_speaker_lines(text, name, name_raw, org, position):
    speaker = parse_description(text)
    assert speaker is not None
    assert (speaker.name, speaker.name_raw, speaker.org, speaker.position) == (name, name_raw, org, position)


@pytest.mark.parametrize(("text", "name", "org", "position"), LABELS, ids=[c[0] for c in LABELS])
def test_labels(text, name, org, position):
    speaker = parse_description(text)
    assert (speaker.name, speaker.org, speaker.position) == (name, org, position)


@pytest.mark.parametrize("text", NOT_SPEAKERS)
def test_headings_and_phrases_are_not_speakers(text):
    speaker = parse_description(text)
    assert speaker is None or not speaker.position


def test_enough_forms_are_covered():
    assert len(SPEAKER_LINES) + len(LABELS) >= 60


@pytest.mark.parametrize(
    ("description", "org", "position"),
    [
        ("最高人民检察院检察委员会副部级专职委员", "最高人民检察院", "检察委员会副部级专职委员"),
        ("国家知识产权局局长", "国家知识产权局", "局长"),
        ("副院长", "", "副院长"),
        ("没有职务的一段文字", "", "没有职务的一段文字"),
    ],
)
def test_split_org_position(description, org, position):
    assert split_org_position(description) == (org, position)


def test_positions():
    assert is_position("检察委员会副部级专职委员") and is_position("局长、新闻发言人") and is_position("署長")
    assert not is_position("") and not is_position("保护司") and not is_position("级专职委员")


def test_normalize_name():
    assert normalize_name("宫 鸣") == "宫鸣"
    assert normalize_name("黃福來") == "黄福来"
    assert normalize_name("马丁•霍夫曼") == "马丁·霍夫曼"
    assert normalize_name("Daren Tang") == "Daren Tang"


def test_a_name_followed_by_the_title_it_goes_by():
    assert parse_description("刘天模教授(重庆大学材料科学系)") == Speaker("刘天模", "刘天模", "教授", "重庆大学材料科学系")
    assert parse_description("陈昌国教授") == Speaker("陈昌国", "陈昌国", "教授", "")
    assert parse_description("纪小龙(武警总医院病理室主任)") == Speaker("纪小龙", "纪小龙", "主任", "武警总医院病理室")
    assert parse_description("教授(重庆大学)") is None  # a title alone names nobody


def test_the_position_grammar_compiles_the_same_in_every_process():
    import os
    import subprocess
    import sys

    probe = "from pipeline.text.speakers import _POSITION; print(_POSITION.pattern)"
    patterns = {subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(patterns) == 1


def test_a_person_described_before_or_after_the_name_in_running_text():
    from pipeline.text.speakers import describe_in_text

    lead = ("下面连线江南省交通运输厅副厅长王强。记者专访了国家知识产权局局长申长雨和北京大学法学院教授易明。"
            "李金山同志现任江北农机有限责任公司董事长兼总经理。")
    assert describe_in_text("王强", lead) == Speaker("王强", "王强", "副厅长", "江南省交通运输厅")
    assert describe_in_text("易明", lead) == Speaker("易明", "易明", "教授", "北京大学法学院")
    assert describe_in_text("李金山", lead) == Speaker("李金山", "李金山", "董事长兼总经理", "江北农机有限责任公司")
    assert describe_in_text("张三", lead) is None


def test_a_short_form_means_the_one_person_of_that_surname_and_post():
    from pipeline.text.speakers import person_by_short_form

    text = "记者专访了国家知识产权局局长申长雨和北京大学法学院教授申明。"
    assert person_by_short_form("申局长", {}, text).name == "申长雨"
    assert person_by_short_form("申教授", {}, text).name == "申明"
    assert person_by_short_form("申", {}, text) is None  # two people named 申
    assert person_by_short_form("老申", {"申长雨": Speaker("申长雨", "申长雨")}, "").name == "申长雨"
    assert person_by_short_form("时间", {}, text) is None


def test_a_two_character_name_before_a_verb_of_speech_is_not_read_as_three():
    assert [person.name for person in described_people("中国人民大学讲师刘菲指出，邮票很受欢迎。")] == ["刘菲"]
