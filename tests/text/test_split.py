from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.records import Article
from pipeline.text.split import speaker_line, split

P = "知识产权保护工作取得积极进展，各地加大执法力度，维护了公平竞争的市场秩序。"


def article(paragraphs: list[str], title: str = "某某论坛发言摘编", byline: str = "") -> Article:
    return Article(url="http://x.example/a", article_id="a" * 16, canonical_url="", raw_sha256="", encoding="utf-8",
                   title=title, byline=byline, paragraphs=list(paragraphs), paragraphs_raw=list(paragraphs))


def speakers(result: Article) -> list[tuple]:
    return [(s.speaker_name, s.role, s.title, s.paragraphs) for s in result.speeches]


def test_keynotes_with_heading_before_the_speaker_line_and_a_lead():
    result = split(article(["导语：论坛在京举行。", "加强保护", "国家知识产权局局长 申长雨", P, P, "优化环境", "北京市副市长 殷 勇", P]))
    assert speakers(result) == [("申长雨", "speaker", "加强保护", (P, P)), ("殷勇", "speaker", "优化环境", (P,))]
    assert [s.speaker_label for s in result.speeches] == ["国家知识产权局局长 申长雨", "北京市副市长 殷 勇"]


def test_keynotes_with_the_speaker_line_before_the_heading():
    result = split(article(["国家知识产权局局长 申长雨", "加强保护", P, "北京市副市长 殷勇", "优化环境", P]))
    assert [(s.speaker_name, s.title, s.paragraphs) for s in result.speeches] == [("申长雨", "加强保护", (P,)), ("殷勇", "优化环境", (P,))]


def test_dialogue_with_introductions_continuations_and_sub_headings():
    result = split(article([
        "受访嘉宾：国家知识产权局保护司司长 周明远", "主持人 王晓晨",
        "主持人：各位网友好，今天我们请来了周明远司长。", "周明远：大家好。" + P, P,
        "一、关于源头保护", "记者：请问下一步有什么打算？", "周明远:" + P, "网友：什么时候出台新规？",
    ]))
    assert [(s.speaker_name, s.speaker_position, s.role, len(s.paragraphs)) for s in result.speeches] == [
        ("王晓晨", "", "host", 1), ("周明远", "司长", "guest", 2), ("", "", "journalist", 1),
        ("周明远", "司长", "guest", 1), ("", "", "audience", 1)]
    assert all("关于源头保护" not in p for s in result.speeches for p in s.paragraphs)


def test_every_introduction_word_is_a_role_word():
    result = split(article(["采访对象：国家知识产权局保护司司长 周明远", "记者：请问下一步有什么打算？", "周明远：" + P]))
    assert [(s.speaker_name, s.role) for s in result.speeches] == [("", "journalist"), ("周明远", "guest")]


def test_question_and_answer_interview_names_the_interviewee_from_the_title():
    result = split(article(["问：进展如何？", "答：" + P, "问：下一步？", "答：" + P],
                           title="地理标志如何助力振兴——访青州市市场监督管理局局长何振东"))
    assert [(s.speaker_name, s.role) for s in result.speeches] == [("", "journalist"), ("何振东", "guest")] * 2


def test_single_speech_after_an_editors_note():
    result = split(article(["编者按：会议在北京召开。", "同志们：", P, P], title="李明哲在2023年全国知识产权保护工作会议上的讲话",
                           byline="国家知识产权局副局长 李明哲"))
    [speech] = result.speeches
    assert (speech.speaker_name, speech.speaker_org, speech.speaker_position, speech.paragraphs) == (
        "李明哲", "国家知识产权局", "副局长", ("同志们：", P, P))


def test_reported_speech_and_plain_news_have_no_speeches():
    narrative = ["4月26日，宣传周活动启动。", "申长雨表示，" + P, "他指出，" + P, "会议指出：" + P, "陈光远强调：“" + P + "”"]
    assert split(article(narrative)).speeches == []
    assert split(article([P, P])).speeches == []


def test_a_lone_name_label_is_not_a_dialogue():
    assert split(article(["时间：2023年4月26日", "地点：北京", P])).speeches == []


def test_speaker_line_needs_a_post_and_a_name():
    assert speaker_line("国家知识产权局局长 申长雨").name == "申长雨"
    assert speaker_line("全面加强知识产权保护 推动经济社会高质量发展") is None
    assert speaker_line("国家知识产权局局长申长雨表示，要加强保护。") is None
    assert speaker_line("新华社记者廖宇杰摄") is None  # a photo credit names the photographer


paragraph_text = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["国家知识产权局局长 申长雨", "主持人：", "记者：你好", "周明远：" + P, "加强保护", P, "", "问：", "答：好"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(paragraph_text, max_size=30), st.text(max_size=40))
def test_random_paragraph_lists_split_into_ordered_non_overlapping_slices(paragraphs, title):
    result = split(article(paragraphs, title=title))
    body = result.body_text
    end = -1
    for number, speech in enumerate(result.speeches):
        assert speech.index == number
        assert speech.start_offset > end
        assert body[speech.start_offset : speech.end_offset] == "\n".join(speech.paragraphs)
        assert speech.role in {"speaker", "host", "journalist", "guest", "audience"}
        end = speech.end_offset


def test_form_fields_and_an_agenda_are_not_a_dialogue():
    """Labels under which nothing is ever said in a sentence are fields, whatever they look like."""
    result = split(article(["时 间：7:00－9:30", "主持人：南开大学经济学院院长 周立群教授", "时 间：下午2:30",
                            "主持人：逄锦聚（南开大学副校长）", "简介：关注身边事，关注你我他", "简介：第一社区微圈"]))
    assert result.speeches == []


def test_a_reporters_credit_line_is_no_keynote_speaker():
    for credit in ("本报记者 葛灵丹", "记者 刘涛", "特约记者 王小明", "通讯员 李华"):
        assert speaker_line(credit) is None, credit
    assert split(article([P, "□ 本报记者 葛灵丹", P])).speeches == []


def test_a_traditional_keynote_page_gives_the_same_speakers_with_folded_posts():
    from opencc import OpenCC

    to_traditional = OpenCC("s2t").convert
    simplified = ["加强保护", "国家知识产权局局长 申长雨", P, "强化综合司法保护",
                  "最高人民检察院检察委员会副部级专职委员 宫 鸣", P]
    traditional = split(article([to_traditional(p) for p in simplified]))
    expected = [(s.speaker_name, s.speaker_org, s.speaker_position) for s in split(article(simplified)).speeches]
    assert [(s.speaker_name, s.speaker_org, s.speaker_position) for s in traditional.speeches] == expected
    assert expected == [("申长雨", "国家知识产权局", "局长"), ("宫鸣", "最高人民检察院", "检察委员会副部级专职委员")]


# The failure classes seen on real transcripts (made-up text of the same shape).

def test_a_turns_text_is_without_its_label_which_is_kept_apart():
    result = split(article(["记者：请问进展如何？", "王强：谢谢。" + P, P, "记者:还有呢？", "王强：", P]))
    assert [(s.speaker_label, s.paragraphs) for s in result.speeches] == [
        ("记者：", ("请问进展如何？",)), ("王强：", ("谢谢。" + P, P)), ("记者:", ("还有呢？",)), ("王强：", (P,))]
    body = result.body_text
    for speech in result.speeches:
        assert body[speech.start_offset : speech.end_offset] == "\n".join(speech.paragraphs)


def test_an_introduced_pen_name_with_two_descriptors_and_a_link_suffix_labels_its_turns():
    result = split(article(["受访嘉宾：资深财经评论员 某某日报副总编辑 老段(微博)", "主持人：欢迎老段。今天聊聊楼市。",
                            "老段：谢谢。" + P, "主持人：您怎么看？", "老段：" + P]))
    assert [(s.speaker_name, s.speaker_org, s.speaker_position, s.role) for s in result.speeches] == [
        ("", "", "", "host"), ("老段", "某某日报", "副总编辑", "guest"), ("", "", "", "host"), ("老段", "某某日报", "副总编辑", "guest")]


def test_an_introduction_whose_descriptors_are_separated_by_commas_is_one_person():
    result = split(article(["访谈嘉宾：资深财经评论员，某某日报副总编辑，老段", "主持人：欢迎。今天聊聊楼市。", "老段：谢谢。" + P]))
    assert [(s.speaker_name, s.speaker_org, s.role) for s in result.speeches] == [("", "", "host"), ("老段", "某某日报", "guest")]


def test_a_guest_introduced_only_in_the_lead_who_speaks_once_is_kept_with_the_post_the_lead_gives():
    result = split(article(["下面连线江南省交通运输厅副厅长王强，请他介绍春运情况。", "记者：今年春运有什么新变化？",
                            "王强：今年我们新开了十条线路。" + P]))
    assert [(s.speaker_name, s.speaker_org, s.speaker_position, s.role) for s in result.speeches] == [
        ("", "", "", "journalist"), ("王强", "江南省交通运输厅", "副厅长", "guest")]


def test_a_guests_post_stated_after_the_name_anywhere_in_the_article_is_taken():
    result = split(article(["个人简介：", "李金山同志现任江北农机有限责任公司党委书记、董事长兼总经理。",
                            "记者：请问农机补贴怎么看？", "李金山：" + P, "记者：下一步呢？", "李金山：" + P]))
    assert {(s.speaker_name, s.speaker_org, s.speaker_position) for s in result.speeches if s.speaker_name} == {
        ("李金山", "江北农机有限责任公司", "党委书记、董事长兼总经理")}


def test_credits_question_headings_and_narration_end_a_guests_turn():
    result = split(article(["记者：请问进展如何？", "王强：" + P, P, "本报记者 张三", "记者：还有呢？", "王强：" + P,
                            "如何破解融资难？", P, "记者：最后一个问题？", "王强：" + P, "记者了解到，该市今年已投入三亿元。"]))
    guest_texts = [s.paragraphs for s in result.speeches if s.speaker_name == "王强"]
    assert guest_texts == [(P, P), (P,), (P,)]


def test_a_label_with_a_post_names_the_same_guest_in_an_earlier_bare_turn():
    result = split(article(["方舟：" + P, "叶文(著名科普作家)：" + P, "方舟(著名科技打假人)：" + P]))
    assert [(s.speaker_name, s.speaker_position) for s in result.speeches] == [
        ("方舟", "科技打假人"), ("叶文", "科普作家"), ("方舟", "科技打假人")]


def test_a_list_of_labelled_comments_is_a_dialogue_but_numbered_points_are_not():
    comments = split(article(["网友们怎么看：", "将就：这只能说明问题复杂。", "马青松：都是钱在作祟。", "杨烨：不能堵，应该疏。"]))
    assert [(s.speaker_name, s.role) for s in comments.speeches] == [("将就", "audience"), ("马青松", "audience"), ("杨烨", "audience")]
    points = split(article(["例一：2月2日，一幢楼房倒塌。", "例二：4月1日，一座厂房倒塌。", "例三：4月15日，又一起事故。"]))
    assert points.speeches == []


def test_a_single_speech_named_only_in_a_title_with_a_quoted_topic():
    result = split(article([P, P], title="台湾著名教育家许明先生“关于亲子”演讲精选2"))
    assert [(s.speaker_name, s.speaker_position, len(s.paragraphs)) for s in result.speeches] == [("许明", "教育家", 2)]


def test_an_agenda_under_a_speaker_line_is_no_keynote():
    agenda = ["会议议程", "李 扬（中国社科院金融所 所长）", "巫明（台湾大学管理学院 教授）“金融市场秩序”",
              "陈东（北京大学 教授）“资本市场”",
              "茶歇", "张华（复旦大学 教授）“宏观经济”"]
    assert split(article(agenda)).speeches == []


def test_a_traditional_transcript_splits_like_the_simplified_one():
    from opencc import OpenCC

    to_traditional = OpenCC("s2t").convert
    simplified_page = ["受访嘉宾：国家知识产权局保护司司长 周明远", "记者：请问下一步有什么打算？", "周明远：" + P,
                       "记者：还有呢？", "周明远：" + P]
    traditional = split(article([to_traditional(p) for p in simplified_page]))
    expected = [(s.speaker_name, s.speaker_org, s.speaker_position, s.role) for s in split(article(simplified_page)).speeches]
    assert [(s.speaker_name, s.speaker_org, s.speaker_position, s.role) for s in traditional.speeches] == expected
    assert expected[1] == ("周明远", "国家知识产权局保护司", "司长", "guest")


def test_a_person_introduced_in_the_lead_is_recognised_under_a_short_form_label():
    result = split(article([
        "日前，本报记者专访了国家知识产权局局长申长雨和北京大学法学院教授易明。",
        "记者：今年的重点是什么？", "申局长：今年我们将加强保护。" + P, "记者：您怎么看？", "易教授：我同意。" + P,
        "记者：还有呢？", "申：" + P]))
    assert [(s.speaker_name, s.speaker_org, s.speaker_position) for s in result.speeches if s.role != "journalist"] == [
        ("申长雨", "国家知识产权局", "局长"), ("易明", "北京大学法学院", "教授"), ("申长雨", "国家知识产权局", "局长")]


def test_latin_q_and_a_and_bracketed_labels_are_turns():
    qa = split(article(["Q：进展如何？", "A：" + P, "Q：下一步？", "A：" + P], title="知识产权如何保护——访北京市知识产权局局长杨志国"))
    assert [(s.speaker_name, s.role) for s in qa.speeches] == [("", "journalist"), ("杨志国", "guest")] * 2
    bracketed = split(article(["【记者】进展如何？", "【杨志国】" + P, "【记者】下一步？", "【杨志国】" + P]))
    assert [(s.speaker_name, s.role, s.speaker_label) for s in bracketed.speeches][:2] == [
        ("", "journalist", "【记者】"), ("杨志国", "guest", "【杨志国】")]
    assert split(article(["【加强源头保护】", P, "【完善协同保护】", P])).speeches == []


def test_a_recurring_label_that_alternates_with_the_interviewer_is_a_speaker_whatever_its_form():
    result = split(article(["记者：您好。请介绍一下情况。", "老段：好的。" + P, "记者：下一步呢？", "老段：" + P]))
    assert [(s.speaker_name, s.role) for s in result.speeches] == [("", "journalist"), ("老段", "guest")] * 2


def test_a_paragraph_telling_of_him_or_her_with_no_i_or_you_is_narration_that_ends_a_turn():
    result = split(article(["记者：您怎么看？", "王强：我认为要加强保护。" + P, "他说完看了看表，起身和大家握手告别。",
                            "记者：还有呢？", "王强：他们的做法值得学习，我们也在推广。" + P, "“他是我的老师”这句话，你们也常听到。"]))
    assert [s.paragraphs for s in result.speeches if s.speaker_name] == [
        ("我认为要加强保护。" + P,), ("他们的做法值得学习，我们也在推广。" + P, "“他是我的老师”这句话，你们也常听到。")]
