"""Quotes: what narrative news says people said — "国家知识产权局局长申长雨在致辞中表示，……",
"“我们将……”，他说。", "据王强介绍，……" — each statement with its speaker, cue and content.

A statement is a clause whose subject is a speaker and whose verb is a cue (表示, 指出, 说, 称,
介绍, …), followed by the content: the words in quotation marks (`direct`) or the rest of the
sentence (`indirect`). The subject decides everything:
- a person, named ("申长雨", "国家知识产权局局长申长雨") or referred to ("他", "申局长",
  "王强" shortened) and resolved to someone the article named before (`via` = `coref`);
- an office, an unnamed post of a named body ("外交部发言人", "国家海洋局有关负责人"),
  or "该负责人" for the last office quoted;
- an organisation ("国家统计局表示");
- anything else is no speaker: the reporter ("记者了解到"), vague sources ("业内人士表示",
  "据悉", "有网友说"), documents and media ("报告显示", "据新华社报道"), first person.

Paragraphs that are speeches of a transcript or keynote are the split stage's, not quotes.
All matching runs on the text folded to Simplified (offsets hold); names as written are cut
from the page's spelling. Regular expressions only: no model, no segmenter on the hot path.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import re
from collections.abc import Iterator

from pipeline.records import Article, Quote
from pipeline.text.names import (
    COMPOUND_SURNAMES,
    SURNAMES,
    TRANSLITERATION_CHARS,
    is_cjk,
    is_frequent_word,
    is_name,
    is_proper_noun,
    is_surname,
    is_transliterated_name,
    simplified,
    starts_with_a_verb,
)
from pipeline.text.speakers import (
    AFTER_A_NAME,
    ORG_SUFFIXES,
    Speaker,
    describe_in_text,
    described_people,
    is_position,
    is_short_form,
    normalize_name,
    parse_description,
    person_by_short_form,
)
from pipeline.text.textlines import line_starts

# Cue verbs, longest first so "告诉记者" wins over "告诉" and "表示" over "示".
CUES = tuple(sorted(set("""
    告诉记者 告诉本报记者 告诉他 告诉她 告诉我们 告诉大家 对记者说 向记者介绍 对记者表示 接受采访时说
    报告说 报告称 发表声明称 回应是 解释是 回答是 看法是 说法是 说过 宣称 表示 指出 强调 认为 透露 介绍 坦言 直言 解释 建议 呼吁 回应
    回答 提醒 预计 估计 相信 承认 宣布 谈到 分析 补充 说道 表态 坦承 重申 披露 证实 否认 说明 称 说 问道 提出 介绍说 补充说
    告诉 警告 感慨 感叹 笑称 直说 坦承 认定 判断 表明 自称 声称 坚称 指责 质疑 回忆 写道 讲述 抱怨 告诫 答复 辟谣 反问 预测 要求 评价 评论
    释疑 担心 希望 描述 举例 解答 称赞 批评 直言不讳 提到 说起 谈及 坦陈
""".split()), key=lambda cue: (-len(cue), cue)))
# Verbs that report speech only when a comma or colon opens what was said ("微软声明，…",
# "他觉得，…"); otherwise they take an object ("公布了名单", "发现问题").
_CUES_BEFORE_PUNCTUATION = frozenset("""
    分析 觉得 公布 声明 号召 怀疑 指示 期望 揭示 讲述 描述 表明 证实 提出 要求 希望 担心 评价 回忆 发现 预期 反映 指
""".split())
CUES = tuple(sorted(set(CUES) | _CUES_BEFORE_PUNCTUATION, key=lambda cue: (-len(cue), cue)))
_CUE = "|".join(CUES)
# Words that end in a one-character cue but say nothing of a speaker ("小说", "据说", "职称"):
# the cue inside them is no cue ("人称" and "并称" are left out: "负责人称", "并称" = "and said").
_WORDS_ENDING_IN_A_CUE = frozenset("""
    来说 听说 小说 传说 所说 再说 据说 学说 要说 别说 虽说 胡说 劝说 演说 诉说 解说 按说 假说 述说 瞎说 评说 难说 乱说
    游说 细说 叙说 推说 论说 图说 手指 戒指 所指 意指 直指 遥指 屈指 一指 拇指 食指 中指 十指
    名称 简称 改称 号称 俗称 通称 堪称 著称 对称 统称 全称 职称 总称 古称 合称 据称 相称 匀称 尊称 别称 素称 美称 泛称 代称 见称 指称 报称
""".split())
_CUE_AT = re.compile(_CUE)
# A quotation mark or colon, searched apart from the cues: one pattern joining both scans several times slower.
_QUOTE_OR_COLON = re.compile("[“「：:]")
# A clause ends at these; a subject never spans one.
_BOUNDARY = "，。！？；：,!?;:\n“”「」"
# subject + cue, then a comma or colon (or an opening quotation mark) before the content.
_CUE_THEN = re.compile(
    rf"(?P<cue>{_CUE})(?![师员家者])(?:道|说|称)?(?:(?<=告诉)[^，。：“”\n]{{1,20}}?记者)?"  # "告诉本报记者"
    rf"\s*(?P<punct>[，,：:]?)\s*(?:自己(?=[“「]))?(?P<open>[“「]?)"
)
# A paragraph that opens with who speaks and a colon, then their words in quotation marks.
_LABELLED_QUOTATION = re.compile(rf"(?P<subject>[^{_BOUNDARY}]{{2,30}})[：:]\s*[“「]")
_CLAUSE_BOUNDARY = re.compile(rf"[{_BOUNDARY}]")
_SUBJECT_CHARS = 80
# “content”，subject + cue — the cue after the quotation.
_CUE_AFTER = re.compile(
    rf"[“「](?P<content>[^”」]{{2,}})[”」]\s*[，,]?\s*(?P<subject>[^{_BOUNDARY}]{{1,30}}?)(?P<cue>{_CUE})(?:道)?\s*[。，,：:！!]"
)
# Connectives and "according to" before a subject, "的" after it ("而根据…袁绍宏的介绍").
# A manner before the cue ("乐观地", "一脸幸福地", "很认真地"), honorifics after a name aside.
_MANNER_CHARS = 6
# How long a "…后" clause between a subject and its cue may be ("听闻后", "看完这则报道后").
_AFTER_CLAUSE_CHARS = 12
# One-character adverbs that may also end a given name ("张纪正", "王志强"... "正" as in 正在).
_ADVERB_CHARS = frozenset("正便再仍即却只才就已也还则又更都均亦")
_TITLE_IN_SUBJECT = re.compile(r"教授|博士|医生|医师|老师|律师|院士|研究员|工程师|先生|女士|小姐|同志")
_TITLE_AFTER_NAME = re.compile(f"(?:{_TITLE_IN_SUBJECT.pattern})$")
_LATIN_BEFORE_TITLE = re.compile(r"[A-Za-z.\-]$")
# A news lead's dateline before the subject ("人民网北京1月12日电 （记者 刘军涛）").
_DATELINE = r"(?:[^，。（(]{0,24}(?:电|讯)\s*[（(][^）)]{0,30}[）)]\s*)?"
_LEADING = re.compile(r"^" + _DATELINE
                      + r"(?:而|但|但是|并|并且|另外|此外|同时|对此|其中|不过|然而|因为|因此|所以|如果|虽然|可是|于是|随后|后来|当时)?"
                      r"(?:次日|当晚|昨晚|今晚|今天|今日|昨天|昨日|当天|当日|日前|近日|近期|目前|开始|(?:昨晚|今晨)?\d{1,2}点(?:\d{1,2}分)?)*"
                      r"(?:根据|据|按照|依照|照|正如|经|其后|之后|此后)?(?:一位|一名)?(?:其所在的|所在的)?(?:\d{1,2}月\d{1,2}日)?(?:在[^，。]{1,16}中)?")
# Modal verbs and "的" after the subject ("普通人可能会说", "袁绍宏的介绍"), and "X地" manners ("感慨万千地说").
_TRAILING_OF = re.compile(
    r"(?:的话|的|可能会|也许会|就会|将会|不会|(?<![协学商工总分委议国大全社事员合金究进])会|将|要|应该|可以|一直|总是|自嘲|[^，。]{2,12}后|(?:用[^，。]{0,16})?发(?:微博|博文|声明|文章)|发出警告|发出|发表(?:研究)?(?:报告|文章|声明|评论|讲话)?|撰文|发文"
    r"|在(?:微博|网上|博客)上?|[（(]\s*微博\s*[）)]|在|[（(][A-Za-z .\-]+[）)]"
    r"|(?:本|上|这)?(?:星期|周)[一二三四五六日天]|(?:本|上)?(?:星期|周|月)早些时候|早些时候"
    r"|在[^，。]{0,12}(?:讲话|发言|致辞|报告|采访|会议|会|访问|座谈)(?:中|时|上)|(?:讲话|发言|致辞)(?:中|时)|(?<=.)(?:向|对|跟|给|通过|为)[^，。]{1,24}"
    r")$"
)
# Adverbials between the subject and its cue ("申长雨在致辞中表示", "他还表示", "王强日前对记者说").
_TRAILING_ADVERBIALS = re.compile(
    r"(?:在[^，。]{0,30}?(?:上|中|时候|时|期间|后|前|里|间)|接受[^，。]{0,24}?采访时|对记者|向记者|对本报记者|向本报记者|告诉记者"
    r"|日前|近日|昨天|昨日|今天|今日|当天|当日|此前|随后|最后|首先|接着|同时|也|还|则|又|更|都|均|亦|就此|对此|为此|进一步|明确|再次|一再|多次"
    r"|就|已|已经|正|正在|便|再|仍|仍然|即|随即|当即|不禁|却|只|才|始终|一度|先后|分别|纷纷|甚至|郑重|私下|反复|坦率|公开|随后又"
    r"|曾经|曾|特别|专门|公开|坦率地|坦然|坦率|笑着|激动|感慨|直接|积极|还是|坚持|及时|主动|由此|因此|据此|(?:上|本|这)(?:周|月|星期)|去年|今年|\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|不无担忧地|笑着|激动地|深有感触地|\d{1,2}月\d{1,2}日|\d{1,2}日|后来|当时|昨|早前|稍后)+$"
)
# Who is never a speaker: vague sources, the reporter, the first person (anywhere in the
# subject), and documents and media (the subject's head noun, at its end).
_NO_SPEAKER = re.compile(
    r"^(?:现在|也|还|又|另)*有|^(?:大部分|大多数|多数|许多|很多|不少|一些|部分|关于)|人士|专家|学者|网友|有人|不少人|很多人|多数人|市民|群众|居民|村民|记者|本报|笔者|本网|据悉|据了解|了解到|据报道|分析师们|我|咱|你|您"
    r"|(?:报道|报告|通知|文件|公告|数据|调查|研究|消息|新闻|资料|文章|评论|社论|声明|规定|条例|办法|意见|方案|纲要|规划|法律|协议|合同"
    r"|网站|媒体|外电|外媒|日报|晚报|早报|时报|周刊|杂志|报社|通讯社|新华社|电视台|电台|统计数据|结果|显示|白皮书|蓝皮书|公报|年报|财报|全会|大会|会议)$"
)
# Before a person named as an object rather than a subject.
_OBJECT_MARKERS = frozenset("为向对给跟和与把被让叫替")
# A netizen quoted by handle: 网友“王慧慧儿”发微博说…
_HANDLE_BEFORE = re.compile(r"(?:网友|博主|微博用户|用户|网名)[“「](?P<handle>[^”」]{1,20})[”」]$")
_PRONOUN = re.compile(r"^(?:他|她|其)$")
_DEMONSTRATIVE_PERSON = re.compile(
    r"^(?:这位|这名|该名|此位)[^，。]{0,20}(?:[人工者员生师士手家]|先生|女士)$|^(?:该|此)(?:女士|男子|男士|女子|先生|老人|患者|司机)$"
)
# A subject that is a clause of its own or speaks of what was said ("正如诺斯所说", "他们", "人们").
_NOT_A_SUBJECT = re.compile(
    r"(?<![研究事务派出诊住场处易])所$|们|^[这那][种些个]|的.*[队组会]$|^(?:对|从|就|拿|在)[^，。]*来$|后$|怎么|^[和与及跟同]"
)
# How a description before a name ends: a post, an occupation, or "的" ("农民工黎永芬", "副主席尤良海").
_DESCRIBES = re.compile(r"(?:[员长家师工者生士官手任席理事授总监裁董警医将帅星斗宾人]|的|[A-Z]{2,})$")
# "…负责人叶小姐", "…网友刘先生": a surname and how the article addresses the person.
_ADDRESSED = re.compile(r"(?P<name>[\u3400-\u9fff](?:先生|女士|小姐|老师|师傅|阿姨|大爷))$")
_LATIN_NAME_AT_END = re.compile(r"\s?[A-Z][a-z][A-Za-z.\-]*(?: [A-Z][A-Za-z.\-]+){0,3}$")
_POST_END = re.compile(r"[员长家师官任席理事授总监裁董宾人]")
_DOTTED_NAME = re.compile(r"(?<![\u3400-\u9fff·])[\u3400-\u9fff]{1,6}·[\u3400-\u9fff]{1,8}")
_NAME_OF_A_BODY = re.compile(r"[\u3400-\u9fff]+")
_TRANSLITERATION_CHARS = "".join(sorted(TRANSLITERATION_CHARS))
_TRANSLITERATION_RUN = f"[{_TRANSLITERATION_CHARS}]"
_SPACED_FOREIGN_NAME = re.compile(rf"(?<={_TRANSLITERATION_RUN}) (?={_TRANSLITERATION_RUN}{{2}})")
# How far an abbreviation's characters may spread in the full name, per character.
_ABBREVIATED_SPAN = 3
_NAME_PART_CHARS = 12
_COUNTING = frozenset("一这那该每几两某")
_ADDRESSED_ANYWHERE = re.compile(r"[\u3400-\u9fff](?:先生|女士|小姐)")
_ADDRESSED_AS_MAN = re.compile(r"先生$")
_ADDRESSED_AS_WOMAN = re.compile(r"(?:女士|小姐)$")
# One-character verbs of speech that may follow a two-character name ("刘菲指", "王强称").
_SPEECH_VERB_CHARS = frozenset("说称指道问答讲")
_DOTTED_NAME_AT_END = re.compile(r"[\u3400-\u9fff]{1,8}·[\u3400-\u9fff]{1,8}$")
# A speaker written in Latin letters ("Parker", "Antonio Perez").
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z.\-]*(?: [A-Z][A-Za-z.\-]*){0,3}$")
_OFFICE = re.compile(
    r"^(?P<org>.{2,30}?)(?:的)?(?:一位|一名|有关|相关)?(?:高层)?(?:新闻发言人|发言人|负责人|主要负责人|负责同志|官员|人员|工作人员|员工|律师|民警"
    r"|警察|职员|代表|人士|高层|管理层)$"
)
# An office opening a clause, whose next clause may go on with its cue ("陆娟的律师目前已经…，认为…").
_OFFICE_OPENING = re.compile(r"[^，。！？；：,\n“”]{2,20}?(?:新闻发言人|发言人|负责人|律师)")
# Someone of a body the subject names, known by what they do there ("华东电网公司一位参与电价政策改革的人士").
_BODY_PERSON = re.compile(r"^(?P<org>[^，。的]{2,20}?(?:%s|厂|店))(?:的)?(?:一位|一名)?(?:[^，。]{2,16}的)?人士$"
                          % "|".join(map(re.escape, ORG_SUFFIXES)))
_NEGATED = re.compile(r"(?:没有|没|未|不|并未|从未|拒绝|不愿|无法)$")
_COUNTED = re.compile(r"(?<=.)(?:一位|一名)(?=.)")
_OF_THE_BODY = re.compile(r"有关|相关|高层")
# "广汽方面": the organisation's side.
_SIDE = re.compile(r"^(?P<org>.{2,20}?)方面$")
# A party an article names by its side: the hospital (院方), the police (警方), China (中方).
_PARTY = re.compile(r"^(?:[院校警厂资劳店园馆军检控辩甲乙买卖]|[中美日俄英法德韩朝印欧台港澳外])方$")
# An organisation named before, referred to again ("该行表示", "公司表示", "该集团称").
_ORG_COREF = re.compile(r"^(?:(?:该|这家|此|本)(?:行|院|厂|店|局|所|公司|集团|机构|企业|银行|医院)|公司|集团)$")
# Someone of the body the reporter called or visited ("记者致电X，工作人员告诉记者…").
_STAFF = re.compile(r"^(?:[\u3400-\u9fff]{1,6}(?P<of>的))?(?:一位|一名)?"
                    r"(?P<staff>工作人员|员工|民警|店员|客服人员|客服|保安|值班人员|接线员|女士|先生)$")
_REPORTER_CONTACTS = re.compile(r"记者(?:先后)?(?:致电|联系|电话联系|来到|走访|拨打|暗访|探访)(?P<org>[^，。；！？“”\n]{2,24})[，。；]")
_CONTACT_REACH = 80
_THAT_OFFICE = r"(?:该|这位|此位)(?:负责人|官员|发言人|负责同志|人士|工作人员)"  # "该负责人": the office named before
_OFFICE_COREF = re.compile(rf"^(?:{_THAT_OFFICE}|(?:新闻)?发言人|负责人)$")
_OFFICE_COREF_AT = re.compile(_THAT_OFFICE)
_ORG_SUFFIX = re.compile("(?:%s)$" % "|".join(map(re.escape, ORG_SUFFIXES)))
# News outlets report; they are not the speaker ("法国星期天报说", "人民网称").
_MEDIA = re.compile(r"(?:报|报纸|网|电视台|电台|通讯社|社|杂志|周刊|频道)$")
_LATIN_ORG = re.compile(r"^[A-Za-z][A-Za-z&.\-]+$")
# No named body: "业内人士", "知情人士", "消息人士".
_VAGUE_ORG = re.compile(
    r"业内|知情|消息|分析|权威|有关|相关|某|一些|不少|多位|网友|市场|一家|一个|一所|有的|各|^(?:欧洲|亚洲|非洲|西方|国际|海外|国外|境外|地方)"
)
_ORG_SUFFIX_ANYWHERE = re.compile("(?:%s)" % "|".join(map(re.escape, sorted(ORG_SUFFIXES, key=len, reverse=True))))
# How a body's name never starts: a determiner, or a verb or adverb of the clause ("接到退市警告", "还被授予…代表团").
_NOT_A_BODYS_START = ("该", "这", "此", "各", "一些", "有的", "本", "除了", "必须", "还", "被", "把", "将", "已", "对", "向", "在",
                      "从", "给", "让", "接到", "获得", "授予", "成为", "作为", "加入", "进入", "离开")
_ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十\d]+[、.．]|第)")
# What news reports mention: reporters, agencies, reporting, and the days of the events.
# Words counted with str.count: a regex alternation of them scans several times slower.
_REPORTING_WORDS = ("记者", "本报", "本台", "通讯员", "日电", "新华社", "中新社", "路透", "美联社", "法新社", "报道", "据悉", "消息",
                    "采访", "发布会", "日前", "近日", "昨日", "昨天", "昨晚", "今天", "今日", "上午", "下午", "晚间", "当天", "当日")
_DAY_OF_MONTH = re.compile(r"\d{1,2}月\d{1,2}日")
# A text of this many characters or more with fewer than one such mention per _REPORTING_PER_CHARS
# is no report (measured on the gold pages: essays and papers 0–0.7 per 2,000, reports 1–17; BENCHMARKS.md).
_REPORT_CHECK_CHARS = 2000
_REPORTING_PER_CHARS = 2000
# A report narrates in the third person; a narration (quotations aside) saying 我/你 once in fewer
# than this many characters is a blog, a sermon or a pamphlet (gold pages: reports at most one in
# 300, first-person texts one in 24 to 143; BENCHMARKS.md).
_FIRST_OR_SECOND_PERSON = re.compile(r"[我你您咱]")
_PERSONAL_PER_CHARS = 200
_QUOTED_WORDS = re.compile(r"[“「][^”」]*[”」]")
# What a cue takes as its object rather than introducing content ("回应麦田的质疑，并…", "质疑…的说法"):
# a first clause ending in a noun of what others said.
_OBJECT_OF_THE_CUE = re.compile(r"[^，。！？；：,\n]{0,24}的(?:质疑|说法|言论|观点|批评|指责|传言|传闻|报道|文章|博文|提问|问题|消息|声明)"
                                r"(?=[，。！？；,]|$)")
# "希望民众…", "要求市民…": an appeal to the public is said, whatever the verb otherwise takes.
_ADDRESSING_THE_PUBLIC = re.compile(r"(?:广大|全体|各位)?(?:民众|市民|公众|大家|各界|社会各界|游客|消费者|家长|网友|居民|群众)")
_ADDRESSEE_THEN_COMMA = re.compile(r"(?:您|你们|大家|各位|(?:广大)?(?:民众|市民|公众|消费者|游客|家长|网友))[，,：:]")
# A word or two on how something was said between the cue and the quotation.
_MANNER_THEN_QUOTE = re.compile(r"[^，。！？；：,“”「」\n]{1,4}[，,：:]\s*[“「]")
_CUES_TAKING_OBJECTS = frozenset("回应 质疑 评论 批评 怀疑 反驳 否认 驳斥 回答 澄清 证实 评价".split())
_MIN_CONTENT = 4
_TERM_CHARS = 12
_SENTENCE_MARK = re.compile(r"[。！？!?]")
# A quotation long enough to be someone's statement, not a quoted term ("“雪鹰”号").
_QUOTATION = re.compile(r"[“「]([^”」]{12,})[”」]")
_SPLIT_QUOTE = re.compile(r"[，,：:]\s*[“「]")
_COLON_THEN_QUOTE = re.compile(r"[：:]\s*[“「]")
# The connectives before a cue whose subject is the clause before's ("表示…，并称…").
_ZERO_SUBJECT = frozenset(("并", "还", "也", "又", "同时", "随后", "并且", "则", "更", "他还", "并再次"))
# What follows a cue word that is not speech ("表示了歉意", "称为", "说明书", "说得好").
_ZERO_SUBJECT_CUES = frozenset(("称", "表示", "强调", "指出", "说", "认为", "透露", "坦言", "直言", "评价", "补充", "相信", "建议"))
_NOT_CONTENT = re.compile(r"为(?!了)|得|过|着|明|出|起|到|法|的|了(?:歉意|感谢|谢意|祝贺|欢迎|慰问|支持|同情|关注|关切|哀悼|遗憾)")
# "X如是说": X said the words quoted before.
_SO_SAID = re.compile(r"(?:如是|这样|如此)$")
# The subject of "…，并称…": the speaker of the statement before.
_SAME_SPEAKER = "\0"
# "，并称…", "，还表示…": a clause that goes on to a new statement of the same speaker.
_GOES_ON_TO_SAY = re.compile(r"(?:并|还|同时|并且|(?:他|她)(?:还|也|又|并)?)(?:再次|进一步|又)?"
                             r"(?:称|表示|强调|指出|说|认为|透露|坦言|直言|评价|补充|建议)")
# Where a clause starts: a name there is its subject ("孙启勤坦言", "。李某承认", "张梅英仍旧…").
# Posts and occupations a name follows ("画家田庆华", "导演彭浩翔", "编剧朱耀廷").
_DESCRIPTION_WORDS = (
    r"(?:记者|主任|经理|局长|部长|厅长|处长|科长|市长|省长|县长|镇长|村长|厂长|校长|院长|所长|会长|队长|社长|行长|董事长|秘书长"
    r"|主席|总裁|总监|书记|委员|代表|发言人|负责人|创始人|主持人|导演|编剧|作家|画家|艺术家|科学家|企业家|专家|学者|教授|讲师"
    r"|人士|医生|医师|护士|律师|法官|警官|民警|工程师|研究员|分析师|设计师|演员|歌手|教练|球员|选手|运动员|官员|大使|总统|总理|首相|博士"
    r"|农民工|工人|司机|村民|店主|老板|摊主|车主|业主|志愿者|收藏家)"
)
_AFTER_DESCRIPTION = re.compile(_DESCRIPTION_WORDS + r"(?=[\u3400-\u9fff])")
_ENDS_WITH_DESCRIPTION = re.compile(_DESCRIPTION_WORDS + "$")
# A clause opening with someone unnamed ("一位私募基金的医药行业研究员也不看好…").
_SOMEONE_UNNAMED = re.compile(r"(?:^|[。！？\n])(?P<someone>(?:一位|一名)[^，。！？；\n]{0,20}?(?:员|师|家|者|士|生|工|官|人))")
_CLAUSE_START = re.compile(r"(?:^|[，。！？；：\n“”])(?=[\u3400-\u9fff])")
# A short epithet in quotation marks before a name describes it ("“最美女孩”刁娜", "“拐杖老师”谭定才").
_AFTER_EPITHET = re.compile(r"[“「][^”」，。！？!?\n]{2,8}[”」](?=[\u3400-\u9fff])")
_STRAIGHT_QUOTATION = re.compile(r'"([^"\n]+)"')
# A paragraph that is one quotation, and one that only says who said it ("中国社会科学院金融研究所所长李扬说。").
_WHOLE_QUOTATION = re.compile(r"\s*[“「][^“”「」]{2,}[”」]\s*")
_ATTRIBUTION_ALONE = re.compile(rf"\s*[^{_BOUNDARY}]{{2,30}}?(?:{_CUE})道?\s*[。.！!]?\s*")
# The rest of a paragraph opening with a quotation when it holds only more quotations.
_QUOTATIONS_ONLY = re.compile(r"(?:\s*[“「][^”」]*[”」])*\s*[。！？!?]?\s*")
# A cue whose clause goes on to "…时" and another cue ("在谈到专利审查时表示，…"): the later cue is the statement's.
_WHEN_THEN_CUE = re.compile(rf"[^{_BOUNDARY}]{{0,30}}?(?:时|的时候|之际)(?:{_CUE})")


def _subject(text: str, article: str = "") -> str:
    """The speaker part of the words before a cue: adverbials and "据" stripped, a manner
    ("一脸幸福地"), and a title after a name ("洪友廉教授")."""
    text = _without_manner(_LEADING.sub("", text.strip()), article)
    while True:
        if article and text[-1:] in _ADVERB_CHARS and is_name(text[-3:]) and _recurs(text[-3:], article):
            return text  # "张纪正": a name the article repeats, whose last character only looks like an adverb
        stripped = _TRAILING_OF.sub("", _TRAILING_ADVERBIALS.sub("", text)).strip()
        if not stripped and text:  # "胡先生看完这则报道后": an adverbial ate the subject; keep the name it opened with
            return _opening_name(text, article) or _before_when_done(_TRAILING_ADVERBIALS.sub("", text).strip(), article)
        title = _TITLE_AFTER_NAME.search(stripped)
        if title and (_LATIN_BEFORE_TITLE.search(stripped[: title.start()].rstrip()) or any(
                is_name(name := stripped[: title.start()].rstrip()[-size:]) and not _ORG_SUFFIX.search(name) for size in (3, 2))):
            stripped = stripped[: title.start()].rstrip()
        if stripped == text:
            return text
        text = stripped


def _before_when_done(text: str, article: str) -> str:
    """The subject before the shortest "…后" that leaves a name at its end ("著名导演冯小刚听闻后"
    → 著名导演冯小刚), or ""."""
    if not text.endswith("后"):
        return ""
    for size in range(3, min(_AFTER_CLAUSE_CHARS, len(text) - 2) + 1):
        rest = text[:-size]
        for length in (3, 2):  # a name the article repeats, or one after a post ("导演冯小刚")
            if is_name(rest[-length:]) and (_recurs(rest[-length:], article) or _ENDS_WITH_DESCRIPTION.search(rest[:-length])):
                return _subject(rest, article)
    return ""


def _opening_name(text: str, article: str) -> str:
    """The name a clause opens with, with how it addresses the person ("胡先生", "王强"), or ""."""
    addressed = _ADDRESSED.match(text[:3])
    if addressed and is_surname(text[0]):
        return addressed.group()
    return next((text[:size] for size in (3, 2) if len(text) > size and is_name(text[:size])
                 and (_recurs(text[:size], article) or _TITLE_IN_SUBJECT.match(text, size))), "")  # "宋国青教授…"


def _without_manner(subject: str, article: str) -> str:
    """"姚明一脸幸福地" → 姚明, "刘先生困惑地" → 刘先生, "苹果CEO乔布斯乐观地" → 苹果CEO乔布斯,
    "他很认真地" → 他: the speaker before a manner ending in 地. Where the name ends is not
    written; the article tells by repeating the name ("姚明" recurs, "姚明一" does not)."""
    if len(subject) < 3 or not subject.endswith("地"):
        return subject
    before = subject[:-1]
    if before[:1] in ("他", "她"):
        return before[:1]
    shortest = len(before) - _MANNER_CHARS  # the manner is one to six characters
    names = [(start, before[start : start + size]) for start in range(max(0, shortest - 3), len(before)) for size in (3, 2)
             if shortest <= start + size < len(before) and is_name(before[start : start + size])]
    if names:
        start, name = max(names, key=lambda found: (_occurrences(found[1], article), len(found[1]), -found[0]))
        return before[: start + len(name)]
    ends = [match.end() for pattern in (_TITLE_IN_SUBJECT, _ORG_SUFFIX_ANYWHERE) for match in pattern.finditer(before)
            if shortest <= match.end() < len(before) and len(match.group()) >= 2]
    if ends:  # "梁星人博士自豪地", "英特尔公司乐观地"
        return before[: max(ends)]
    # Most manners are two characters ("乐观", "坦然"); "严格地说", "简单地说" have no subject.
    return before[:-2] if len(before) > 4 else ""


def _occurrences(name: str, article: str) -> int:
    return article.count(name) if article else 0


@dataclasses.dataclass(slots=True)
class _Context:
    """What the article says around a quote: who is named where, to resolve 他 and 王局长."""

    text: str  # the whole article, folded
    people: dict[str, Speaker] = dataclasses.field(default_factory=dict)
    mentions: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (offset, name), sorted
    last_office: tuple[str, str] | None = None  # (office as written, its org)
    last_org: str = ""  # the organisation quoted last, whom "该行" or "公司" means
    offices: set[str] = dataclasses.field(default_factory=set)  # offices quoted, mentioned like people for 他
    clauses_read: bool = False  # names opening clauses are looked for only when a 他 or 申局长 needs them
    descriptions: dict[str, Speaker | None] = dataclasses.field(default_factory=dict)
    pending: Quote | None = None  # a statement whose cue ends its paragraph: its words open the next
    dotted_names: dict[str, set[str]] | None = None  # a part of a foreign name → the full names it is part of
    full_names: dict[str, str | None] = dataclasses.field(default_factory=dict)  # full_name's answers

    def describe(self, name: str) -> Speaker | None:
        """What the article says of `name` (describe_in_text), once per name."""
        if name not in self.descriptions:
            self.descriptions[name] = describe_in_text(name, self.text)
        return self.descriptions[name]

    def full_name(self, part: str) -> str | None:
        """The one foreign name written in full in the article ("劳伦斯·洛克菲勒") of which `part`
        is the given or family name, or None."""
        if self.dotted_names is None:
            self.dotted_names = {}
            for _, given, family in _dotted_names(self.text):
                for name_part in (given, family):
                    self.dotted_names.setdefault(name_part, set()).add(f"{given}·{family}")
        if part in self.full_names:
            return self.full_names[part]
        found = self.dotted_names.get(part, set())
        if _LATIN_NAME.fullmatch(part) and " " not in part:  # "Parker" for Edward Parker
            written_in_full = re.finditer(rf"(?:[A-Z][a-z]+ ){{1,2}}{re.escape(part)}(?![A-Za-z])", self.text)
            found = found | {match.group().strip() for match in written_in_full}
        self.full_names[part] = next(iter(found)) if len(found) == 1 else None
        return self.full_names[part]

    def full_body(self, short: str) -> str | None:
        """The body the article names in full of which `short` is the usual abbreviation — its
        characters in order, same first and last ("疾管局" for 疾病管制局, "劳委会" for
        劳工委员会, "发改委" for 发展和改革委员会) — or None."""
        if not 2 <= len(short) <= 5 or not all(is_cjk(char) for char in short) or not _ORG_SUFFIX.search(short[-1]):
            return None  # an abbreviation keeps the full name's last character, the kind of body ("局", "会")
        for match in re.finditer(re.escape(short[0]), self.text):
            window = self.text[match.start() : match.start() + _ABBREVIATED_SPAN * len(short)]
            at, spans = 0, []
            for char in short:
                at = window.find(char, at)
                if at < 0:
                    break
                spans.append(at)
                at += 1
            else:
                full = window[: spans[-1] + 1]
                if len(full) > len(short) and short not in full and _NAME_OF_A_BODY.fullmatch(full):
                    return full
        return None

    def mention(self, at: int, speaker: Speaker) -> None:
        self.people.setdefault(speaker.name, speaker)
        bisect.insort(self.mentions, (at, speaker.name))

    def read_clauses(self) -> None:
        """Mention every name that opens a clause ("孙启勤坦言…", "。李某承认…") or follows a post
        or occupation ("编剧朱耀廷一直…", "画家田庆华，特地…")."""
        if self.clauses_read:
            return
        self.clauses_read = True
        text = self.text
        for at, described in itertools.chain(((match.end(), False) for match in _CLAUSE_START.finditer(text)),
                                             ((match.end(), True) for match in _AFTER_DESCRIPTION.finditer(text)),
                                             ((match.end(), True) for match in _AFTER_EPITHET.finditer(text))):
            name = _name_at(text, at, self.people, described)
            if name and not (text[at - 1 : at] in "“「" and text[at + len(name) : at + len(name) + 1] in "”」"):  # "“刘老根”": a title
                self.mention(at, self.people.get(name) or Speaker(name, name))
        for match in _SOMEONE_UNNAMED.finditer(text):  # "一位…研究员也不看好…。他表示": 他 is that unnamed one
            self.mentions.append((match.start("someone"), ""))
        self.mentions.sort()
        for match in _ADDRESSED_ANYWHERE.finditer(text):  # "香港移民杜女士昨日…": how the article addresses someone
            if is_surname(match.group()[0]) and text[match.start() - 1 : match.start()] not in _COUNTING:  # not "一位先生"
                self.mention(match.start(), self.people.get(match.group()) or Speaker(match.group(), match.group()))
        for start, given, family in _dotted_names(text):  # "劳伦斯·洛克菲勒周日去世": foreign names written in full
            name = f"{given}·{family}"
            self.mention(start, self.people.get(name) or Speaker(name, name))

    def _mention_index(self, at: int) -> int:
        """Where mentions at or after `at` start, every clause's names read."""
        self.read_clauses()
        return bisect.bisect_left(self.mentions, (at, ""))

    def subject_named_in(self, start: int, end: int) -> tuple[int, str] | None:
        """(where, name) of the first person named between `start` and `end` (a clause) after a
        post or at its start — not as an object ("为郑定祥创作了…") nor as whose ("陆娟的律师") —, or None."""
        index = self._mention_index(start)
        for offset, name in self.mentions[index:]:
            if offset >= end:
                return None
            if (name and name not in self.offices and self.text[offset - 1 : offset] not in _OBJECT_MARKERS
                    and self.text[offset + len(name) : offset + len(name) + 1] != "的"):  # not "陆娟的律师"
                return offset, name
        return None

    def named_in_full(self, given: str, at: int) -> Speaker | None:
        """The one person named before `at` whose three-character name ends with `given`."""
        index = self._mention_index(at)
        found = {name for _, name in self.mentions[:index] if len(name) == 3 and name.endswith(given)}
        return self.people[found.pop()] if len(found) == 1 else None

    def holder_before(self, post: str, at: int) -> Speaker | None:
        """The person named last before `at` whom the article gives the post `post`."""
        index = self._mention_index(at)
        for offset, name in reversed(self.mentions[:index]):
            if not name:
                continue
            if offset >= len(post) and self.text[offset - len(post) : offset] == post:  # "主任医师邱健群"
                return self.people[name]
            described = self.people[name] if self.people[name].position else self.describe(name)
            if described and described.position.endswith(post):
                return described
        return None

    def person_before(self, at: int, pronoun: str = "") -> Speaker | None:
        """The person named last before `at` as a subject: whom a "他" or "她" there means —
        not someone named as an object ("为郑定祥创作了…，他说"), nor "王先生" for 她 or "杜女士" for 他."""
        index = self._mention_index(at)
        other_sex = _ADDRESSED_AS_MAN if pronoun == "她" else _ADDRESSED_AS_WOMAN if pronoun == "他" else None
        for offset, name in reversed(self.mentions[:index]):
            if (offset <= 0 or self.text[offset - 1] not in _OBJECT_MARKERS) and not (other_sex and other_sex.search(name)):
                return self.people[name] if name else None  # "" is someone the article does not name
        return None


def _dotted_names(text: str) -> Iterator[tuple[int, str, str]]:
    """(where it starts, given name, family name) of each foreign name written with a middle dot,
    read outwards from the dot — a regex tried at every character costs more — as far as the
    characters that spell foreign names go ("时任总统乔治·布什誉为" → 乔治, 布什)."""
    dot = text.find("·")
    while dot >= 0:
        before, after = text[max(0, dot - _NAME_PART_CHARS) : dot], text[dot + 1 : dot + 1 + _NAME_PART_CHARS]
        given_length = len(before) - len(before.rstrip(_TRANSLITERATION_CHARS))
        family_length = len(after) - len(after.lstrip(_TRANSLITERATION_CHARS))
        if given_length >= 2 and family_length >= 2:
            yield dot - given_length, before[len(before) - given_length :], after[:family_length]
        dot = text.find("·", dot + 1)


def _context(text: str, title: str = "") -> _Context:
    """The people the article describes after a post, with their offsets, for 他/她 (names
    that open clauses are added when first needed: _Context.read_clauses); people the title
    names count as mentioned before the body."""
    context = _Context(text)
    for person in described_people(title):
        context.mention(-1, person)
    for name in {title[at : at + size] for at in range(len(title)) for size in (3, 2)}:
        if name not in context.people and is_name(name) and not is_frequent_word(name) and _recurs(name, text):
            context.mention(-1, Speaker(name, name))
    for person in described_people(text):
        start = text.find(person.name)
        while start >= 0:
            context.mention(start, person)
            start = text.find(person.name, start + 1)
    return context


@functools.lru_cache(maxsize=1024)  # asked of the same names many times per article
def _recurs(name: str, text: str) -> bool:
    """`name` occurs twice or more, and not always before the same character: "龙年邮" recurs
    only inside "龙年邮票", a name is followed by many words."""
    followers = set()
    at = text.find(name)
    count = 0
    while at >= 0:
        count += 1
        followers.add(text[at + len(name) : at + len(name) + 1])
        at = text.find(name, at + len(name))
    return count >= 2 and len(followers) >= 2


def _name_at(text: str, at: int, known: dict[str, Speaker], described: bool = False) -> str | None:
    """The name starting at `at`: three characters unless the third starts a cue ("王强表示"
    is 王强, "王志强表示" is 王志强). A name recurs, a chance trigram rarely does; after a post
    or occupation (`described`: "画家田庆华，") a name said once counts where what follows it
    is what follows names."""
    if text[at : at + 1] not in SURNAMES and text[at : at + 2] not in COMPOUND_SURNAMES and text[at : at + 2] not in known:
        return None  # most clauses do not start with a surname: no need to look further
    for size in (3, 2):
        name = text[at : at + size]
        if size == 3 and (_CUE_AT.match(text, at + 2) or text[at + 2 : at + 3] in _SPEECH_VERB_CHARS):  # "刘菲指…", "王强称"
            continue
        if name in known:
            return name
        if _may_name(name) and (_recurs(name, text) or (described and (text[at + size : at + size + 1] in AFTER_A_NAME
                                                                        or starts_with_a_verb(text[at + size : at + size + 2])))):
            return name
    return None


@functools.lru_cache(maxsize=4096)  # the same candidates open clause after clause
def _may_name(text: str) -> bool:
    """A name a clause may open with: not a word jieba tags as a name but mostly is not ("熊猫"),
    nor a surname and a title ("金医生": how the article refers to someone it names in full)."""
    return is_name(text) and not is_frequent_word(text) and not is_short_form(text) and not _is_a_people(text)


def _is_a_people(text: str) -> bool:
    """"蒙古人", "日本人": a people, not someone's name."""
    return text.endswith("人") and len(text) >= 3 and is_proper_noun(text[:-1])


def _speaker(subject: str, context: _Context, at: int) -> tuple[Speaker, str, str] | None:
    """(speaker, kind, via) for the subject of a cue, or None when it is no speaker."""
    if not subject or _NOT_A_SUBJECT.search(subject):
        return None
    if subject.startswith(("他的", "她的")) and _OFFICE.match("某某" + subject[1:]):  # "他的发言人": whose the pronoun says
        person = context.person_before(at)
        if person is None:
            return None
        whose = context.full_name(person.name) or person.name
        return Speaker(_COUNTED.sub("", whose + subject[1:]), subject, "", whose), "office", "coref"
    if _is_a_people(subject):
        return None  # "蒙古人认为…": a people, no speaker
    body_person = _BODY_PERSON.match(subject)  # "国电谏壁发电厂的人士", "华东电网公司一位参与电价政策改革的人士"
    if body_person and len(body_person.group("org")) >= 4 and not _VAGUE_ORG.search(body_person.group("org")):  # not "旅行社人士"
        return Speaker(_COUNTED.sub("", subject), subject, "", body_person.group("org")), "office", "name"
    office = _OFFICE.match(subject)  # "上海汇达丰律师事务所有关律师", "耐克香港发言人", "HTC一位发言人": a named body's people
    if office and subject.endswith("人士") and len(office.group("org")) < 4 and not _OF_THE_BODY.search(subject):
        office = None  # "旅行社人士": a kind of body, not one named ("广汽有关人士" is one's)
    if office and (_ORG_SUFFIX.search(office.group("org")) or _LATIN_ORG.match(office.group("org"))
                   or subject.endswith(("发言人", "负责人")) or _OF_THE_BODY.search(subject)) \
            and not _VAGUE_ORG.search(office.group("org")) and not _NO_SPEAKER.search(office.group("org")):
        # "HTC一位发言人" is HTC's spokesperson: the count is no part of the office.
        return Speaker(_COUNTED.sub("", subject), subject, "", office.group("org")), "office", "name"
    if office and not _OF_THE_BODY.search(subject) and _of_someone_named(office.group("org"), context):
        return Speaker(_COUNTED.sub("", subject), subject, "", office.group("org")), "office", "name"  # "陆娟的律师"
    if _OFFICE_COREF.match(subject):  # "该人士": the office quoted last, although 人士 alone is no one
        return (Speaker(context.last_office[0], subject, "", context.last_office[1]), "office", "coref") if context.last_office else None
    if _NO_SPEAKER.search(subject) and not _names_someone(subject, context.text):
        return None
    if _PRONOUN.match(subject) or _DEMONSTRATIVE_PERSON.match(subject):  # 他, 这位…农民工
        person = context.person_before(at, subject)
        if person is None:
            return None
        return person, "office" if person.name in context.offices else "person", "coref"  # "…的人士坦承…。他说"
    if _ORG_COREF.match(subject):
        return (Speaker(context.last_org, subject, "", context.last_org), "organisation", "coref") if context.last_org else None
    if _PARTY.match(subject):
        return Speaker(subject, subject, "", subject), "organisation", "name"
    staff = _STAFF.match(subject)
    if staff:
        paragraph_start = context.text.rfind("\n", 0, at) + 1
        contacted = list(_REPORTER_CONTACTS.finditer(context.text, max(paragraph_start, at - _CONTACT_REACH), at))
        if not contacted:
            return None
        org = contacted[-1].group("org")
        return Speaker(org + (staff.group("of") or "") + staff.group("staff"), subject, "", org), "office", "name"
    if len(subject) <= 4 and is_position(subject):  # "局长表示", "医师指出": the holder named before
        holder = context.holder_before(subject, at)
        return (holder, "person", "coref") if holder else None
    if subject in context.people and not _ADDRESSED.fullmatch(subject):  # named before, described there ("专家言茂松" … "言茂松认为")
        return context.people[subject], "person", "name"
    if len(subject) == 2 and (given := context.named_in_full(subject, at)):  # "思浩" for 梁思浩
        return given, "person", "coref"
    if len(subject) <= 5 and is_short_form(subject):  # "申局长", "老王"
        context.read_clauses()
        short = person_by_short_form(subject, context.people, context.text[:at])
        if short:
            return Speaker(short.name, subject, short.position, short.org), "person", "coref"
        return Speaker(subject, subject), "person", "name"  # "王护士长": how the article calls someone it never names
    described = parse_description(subject)
    if described is not None and not described.position and _ORG_SUFFIX.search(subject):
        described = None  # "柯达公司": an organisation, whatever its first character
    if described is not None and described.name and (described.position or is_name(described.name)):
        known = context.people.get(described.name)
        if not described.position and known:
            described = Speaker(known.name, described.name_raw, known.position, known.org)
        elif not described.position:
            found = context.describe(described.name)
            if found:
                described = Speaker(described.name, described.name_raw, found.position, found.org)
        if not described.position and described.name == subject and is_frequent_word(subject):
            return Speaker(subject, subject, "", subject), "organisation", "name"  # "柯达宣布": a brand, not a 柯 named 达
        return described, "person", "name"
    named = _trailing_name(subject, context.text)
    if named:  # "在珠三角打工多年的农民工黎永芬"
        found = context.describe(named)
        return Speaker(named, named, found.position if found else "", found.org if found else ""), "person", "name"
    if _LATIN_NAME.match(subject) or is_transliterated_name(subject):  # "Parker", "亚里斯多德"
        return Speaker(subject, subject), "person", "name"
    side = _SIDE.match(subject)
    if side and not _VAGUE_ORG.search(side.group("org")):
        return Speaker(side.group("org"), subject, "", side.group("org")), "organisation", "name"
    if is_proper_noun(subject) and not _MEDIA.search(subject):  # "美国指责…", "英特尔预计…", "联合国呼吁…"
        return Speaker(subject, subject, "", subject), "organisation", "name"
    body = subject.rpartition("的")[2]  # "长期从事鞋与健康研究的北京正之本人体力学研究所"
    if body != subject and is_proper_noun(body) and not _MEDIA.search(body):  # "为超级本投入已超3亿美元的英特尔"
        return Speaker(body, body, "", body), "organisation", "name"
    if (3 <= len(body) <= 20 and _ORG_SUFFIX.search(body) and not _MEDIA.search(body) and not _ENUMERATION.match(body)
            and "、" not in body and not body.startswith(_NOT_A_BODYS_START)):
        return Speaker(body, body, "", body), "organisation", "name"
    return None


def _of_someone_named(whose: str, context: _Context) -> bool:
    """Whether `whose` ("陆娟的" in "陆娟的律师") is a person the article names."""
    context.read_clauses()
    return whose.removesuffix("的") in context.people


def _trailing_name(subject: str, text: str) -> str | None:
    """The name a longer subject ends with, after a description the post grammar does not
    know ("…的农民工黎永芬", "工地工会副主席尤良海") or one the article names again, or None."""
    for size in range(min(len(subject) - 1, 6), 2, -1):  # "研制人员弗雷德里克"
        if _DESCRIBES.search(subject[:-size]) and is_transliterated_name(subject[-size:]):
            return subject[-size:]
    latin = _LATIN_NAME_AT_END.search(subject)
    if latin and latin.start() > 0:  # "加拿大邮政局零售部门负责人Greg Kabatoff"
        return latin.group().strip()
    addressed = _ADDRESSED.search(subject)
    if addressed and addressed.start() > 0 and is_surname(addressed.group("name")[0]) and _DESCRIBES.search(subject[: addressed.start()]):
        return addressed.group("name")
    dotted = _DOTTED_NAME_AT_END.search(subject)
    if dotted and dotted.start() > 0:  # "传统基金会主席埃德温·福乐": the given name starts after the post
        given, _, family = dotted.group().partition("·")
        cut = max((match.end() for match in _POST_END.finditer(given)), default=0)
        return f"{given[cut:]}·{family}" if cut < len(given) else None
    for size in (3, 2):
        name, before = subject[-size:], subject[:-size]
        if (before and (_DESCRIBES.search(before) or _ENDS_WITH_DESCRIPTION.search(before) or _recurs(name, text))
                and is_name(name) and not _NO_SPEAKER.search(name)
                and not _ORG_SUFFIX.search(name)):
            return name
    return None


def _names_someone(subject: str, text: str) -> bool:
    """The subject names a person despite a word such as 专家 ("北京大学专家王强", "电信专家付亮")."""
    described = parse_description(subject)
    if described is not None and bool(described.name) and not _NO_SPEAKER.search(described.name):
        return True
    named = _trailing_name(subject, text)
    # The name must stand after the word, not inside it ("白皮书" is no 白 named 皮书).
    return named is not None and all(match.end() <= len(subject) - len(named) for match in _NO_SPEAKER.finditer(subject))


def _indirect_content(paragraph: str, start: int) -> int:
    """Where indirect speech starting at `start` ends: the end of its sentence (quotation
    marks inside it included), or before a quotation the sentence goes on to ("…，“…”")."""
    depth = 0
    for index in range(start, len(paragraph)):
        char = paragraph[index]
        if (char in "“「" and depth == 0 and index > start + 1 and paragraph[index - 1] in "，,：:"
                and _SENTENCE_MARK.search(paragraph, index, _closing_quote(paragraph, index) + 2)):
            return index - 1  # "…，“…。”": the speaker's own sentences follow, a direct statement of their own
        if char in "“「":
            depth += 1
        elif char in "”」":
            depth = max(0, depth - 1)
        elif depth == 0 and char in "。！？!?":
            return index + 1
        elif depth == 0 and char in "，," and _GOES_ON_TO_SAY.match(paragraph, index + 1):
            return index + 1  # "…，并评价道：…": the same speaker's next statement starts
    return len(paragraph)


def _opens_a_term(paragraph: str, start: int) -> bool:
    """The quotation starting at `start` is a short quoted term inside a sentence that goes on
    ("“红顶奖”的评审…"), not someone's words."""
    close = _closing_quote(paragraph, start)
    return (close - start < _TERM_CHARS and close + 1 < len(paragraph) and paragraph[close + 1] not in _BOUNDARY + "。！？!?"
            and paragraph[close - 1 : close] not in "。！？!?…")


def _closing_quote(paragraph: str, start: int) -> int:
    close = min((i for i in (paragraph.find("”", start), paragraph.find("」", start)) if i >= 0), default=-1)
    return close if close >= 0 else len(paragraph)


def attribute_quotes(article: Article) -> Article:
    """A new Article with `quotes` filled from its paragraphs outside speeches."""
    paragraphs = article.paragraphs
    if not paragraphs:
        return dataclasses.replace(article, quotes=[])
    offsets = line_starts(paragraphs)
    folded, in_speech = _folded_paragraphs(article, offsets)
    if not reads_as_a_report("".join(text for index, text in enumerate(folded) if index not in in_speech)):
        return dataclasses.replace(article, quotes=[])
    context = _context("\n".join(folded), simplified(article.title))
    found: list[Quote] = []
    for index, text in enumerate(folded):
        if index in in_speech:
            continue
        last = found[-1] if found and found[-1].paragraph == index - 1 else None  # a statement just before this paragraph
        if last is None and context.pending and context.pending.paragraph == index - 1:
            last = context.pending  # "姚明及时表态，" ⏎ "“对不起，…”"
        context.pending = None
        if not (_QUOTE_OR_COLON.search(text) or _CUE_AT.search(text)):
            continue  # most paragraphs hold no cue and no quotation: nothing to attribute
        raw = paragraphs[index]
        if (_WHOLE_QUOTATION.fullmatch(text) and index + 1 < len(folded) and index + 1 not in in_speech
                and _ATTRIBUTION_ALONE.fullmatch(folded[index + 1])):
            # "“…。”" ⏎ "研究所所长李扬说。": one sentence the page broke in two; the body keeps the break
            text, raw = f"{text}\n{folded[index + 1]}", f"{raw}\n{paragraphs[index + 1]}"
        quoted = _paragraph_quotes(text, index, offsets[index], context, raw)
        for quote in _continued(quoted, text, index, offsets[index], raw, last):
            found.append(dataclasses.replace(quote, index=len(found)))
    return dataclasses.replace(article, quotes=found)


def _folded_paragraphs(article: Article, offsets: list[int]) -> tuple[list[str], set[int]]:
    """The paragraphs folded to Simplified, and the indexes of those that are speeches."""
    paragraphs = article.paragraphs
    in_speech = {index for speech in article.speeches for index, start in enumerate(offsets)
                 if start < speech.end_offset and start + len(paragraphs[index]) > speech.start_offset}
    # One middle dot for foreign names, also where a space stands for it ("安东尼 彼里茨"), and
    # straight quotation marks paired as curly ones ('"该罚钱罚钱。"' is “该罚钱罚钱。”): offsets hold.
    folded = [simplified(text).replace("・", "·") for text in paragraphs]
    folded = [_STRAIGHT_QUOTATION.sub(r"“\1”", text) if '"' in text else text for text in folded]
    return [_SPACED_FOREIGN_NAME.sub("·", text) if " " in text else text for text in folded], in_speech


def is_a_report(article: Article) -> bool:
    """Whether the article's narration (its paragraphs outside speeches) reads as a news report."""
    folded, in_speech = _folded_paragraphs(article, line_starts(article.paragraphs))
    return reads_as_a_report("".join(text for index, text in enumerate(folded) if index not in in_speech))


def reads_as_a_report(narration: str) -> bool:
    """News reports say who reported and when ("记者", "新华社", "据悉", "昨日", "1月12日") every
    few hundred characters, and tell in the third person; a long text (its paragraphs outside
    speeches, folded) that almost never mentions reporting, or whose own words say 我 or 你, is an
    essay, a paper, a blog, a sermon or a story, whose "柏拉图认为" and "他说" are no statements
    to record (the gold's rule, README)."""
    if len(narration) < _REPORT_CHECK_CHARS:
        return True
    own_words = _QUOTED_WORDS.sub("", narration)
    if len(_FIRST_OR_SECOND_PERSON.findall(own_words)) * _PERSONAL_PER_CHARS >= len(own_words):
        return False
    needed = len(narration) / _REPORTING_PER_CHARS
    reporting = len(_DAY_OF_MONTH.findall(narration)) if "月" in narration else 0
    for word in _REPORTING_WORDS:  # a report passes after its first few words
        if reporting >= needed:
            return True
        reporting += narration.count(word)
    return reporting >= needed


def _continued(quoted: list[Quote], text: str, index: int, offset: int, raw: str, last: Quote | None) -> list[Quote]:
    """`quoted` and the quotations that go on without a cue: a quotation after a statement in
    the same paragraph ("黎永芬说，…。“企业本来…”"), and a paragraph's opening quotation — the words
    of the speaker the paragraph names next in a statement ("“…。”…宋国青表示，“…”", "“…。”…梁和平
    认为，…"), or, with none, of the statement that ended the paragraph before."""
    statements = sorted(quoted, key=lambda quote: quote.start_offset)
    spans = [(quote.start_offset - offset, quote.end_offset - offset) for quote in statements]
    more = []
    for match in _QUOTATION.finditer(text):
        start, end = match.start(1), match.end(1)
        if any(a <= start < b for a, b in spans):
            continue
        before = [quote for quote in statements if quote.end_offset - offset <= start]
        after = [quote for quote in statements if quote.start_offset - offset >= end]
        opening = match.start() == 0
        if before:
            speaker = before[-1]
        elif opening:
            speaker = after[0] if after else last if last and _goes_on(last, text, match.end()) else None
        else:
            speaker = None
        if speaker is not None:
            more.append(dataclasses.replace(speaker, kind="direct", text=raw[start:end].strip(), paragraph=index,
                                            start_offset=offset + start, end_offset=offset + end))
    return sorted(statements + more, key=lambda quote: quote.start_offset)


def _goes_on(last: Quote, text: str, end: int) -> bool:
    """Whether the speaker of the paragraph before says the quotation opening this one, which ends
    at `end`: a paragraph of quotations only, or one whose sentence names that speaker again
    ("“…。”此是裴逸群质疑之二。") — not one that goes on to other narration ("“…”在主持人的结束语中，…")."""
    if _QUOTATIONS_ONLY.fullmatch(text, end):
        return True
    sentence_end = _SENTENCE_MARK.search(text, end)
    sentence = text[end : sentence_end.start() if sentence_end else len(text)]
    return any(name and name in sentence for name in (last.speaker_name, simplified(last.speaker_name_raw)))


def _in_parentheses(text: str, at: int) -> bool:
    return max(text.rfind("（", 0, at), text.rfind("(", 0, at)) > max(text.rfind("）", 0, at), text.rfind(")", 0, at))


def _introduced_quotations(text: str, boundaries: list[int], context: _Context) -> list[tuple[int, int, int, str, str, str]]:
    """Quotations a person introduces without a cue: a clause opening with a name the article
    gives, or 他/她, and ending in a colon before the quotation ("晏守强记忆深刻：“…”",
    "袁柯紧紧握住陈文原的手说：“…”"). A name right after a quotation ("“…。”何建栋掰着手指…")
    is left alone: as often the next sentence's subject as the speaker."""
    found = []
    for match in _COLON_THEN_QUOTE.finditer(text):
        clause = bisect.bisect_right(boundaries, match.start() - 1) - 1
        clause_start = boundaries[clause] if clause >= 0 else 0
        subject = _introducing_person(text, clause_start, context)
        if subject:
            start = match.end()
            found.append((start, _closing_quote(text, start), clause_start, subject, "：", "direct"))
    return found


def _introducing_person(text: str, at: int, context: _Context) -> str:
    """The person a clause starting at `at` opens with — a name the article gives (not "王强的…",
    whose words these are not) or 他/她 — or ""."""
    if text[at : at + 1] in ("他", "她") and text[at + 1 : at + 2] not in ("们", "的"):
        return text[at]
    office = _OFFICE_COREF_AT.match(text, at)  # "该人士付之一笑：“…”"
    if office:
        return office.group()
    context.read_clauses()
    name = _name_at(text, at, context.people)
    return name if name and text[at + len(name) : at + len(name) + 1] not in ("的", "们") else ""


def _paragraph_quotes(text: str, index: int, offset: int, context: _Context, raw: str) -> list[Quote]:
    candidates: list[tuple[int, int, int, str, str, str]] = []  # (content start, content end, subject start, subject, cue, kind)
    # Each cue, with the words from its clause's start as the subject: found cue first, since
    # a regex trying every clause start against every cue costs several times more.
    boundaries = [match.end() for match in _CLAUSE_BOUNDARY.finditer(text)]
    for match in _CUE_THEN.finditer(text):
        clause = bisect.bisect_right(boundaries, match.start()) - 1
        clause_start = boundaries[clause] if clause >= 0 else 0
        words = text[clause_start : match.start()]
        if (len(words) > _SUBJECT_CHARS or (words.endswith("的") and _CUE_AT.search(words))  # "回应麦田的质疑": a noun
                or (len(match.group("cue")) == 1 and text[match.start() - 1 : match.start() + 1] in _WORDS_ENDING_IN_A_CUE)
                or _NEGATED.search(words)):
            continue  # "维罗达没有说明…": what someone did not say is no statement
        if _WHEN_THEN_CUE.match(text, match.end()):
            continue  # "他在谈到专利审查时表示，…": the statement is the later cue's
        so_said = _SO_SAID.search(words)
        if so_said and text[:1] in "“「" and match.group("cue") in _ZERO_SUBJECT_CUES:
            # "“…”在昨日的…仪式现场，…，姚明如是说。": the words are the quotation the paragraph opened with
            subject = _subject(words[: so_said.start()], context.text)
            if subject:
                candidates.append((1, _closing_quote(text, 1), clause_start + max(0, words.find(subject)), subject,
                                   match.group("cue"), "direct"))
            continue
        handle = _HANDLE_BEFORE.search(text, 0, clause_start) if clause_start and text[clause_start - 1] in "”」" else None
        subject = handle.group("handle") if handle else _subject(words, context.text)
        if handle:  # the handle names the speaker: treat it as a name the text gives
            context.mention(offset + handle.start("handle"), Speaker(subject, subject))
        start = match.end()
        if not subject:  # "…，并称…": the subject of the clause before speaks on
            if not (words in _ZERO_SUBJECT or not words) or match.group("cue") not in _ZERO_SUBJECT_CUES \
                    or not clause_start or text[clause_start - 1] not in "，,”」" or _in_parentheses(text, match.start()):
                continue  # "（Psoriasis，又称牛皮癣）": "also called", no statement
            if words or match.group("open"):
                subject = _SAME_SPEAKER
            else:  # "郭德纲大吐苦水，称…": the name that opened the clause before
                before = boundaries[clause - 1] if clause >= 1 else 0
                opening = _name_at(text, before, context.people)
                if opening and text[before + len(opening) : before + len(opening) + 1] != "的":
                    subject, clause_start, words = opening, before, opening
                elif office := _OFFICE_OPENING.match(text, before):  # "耐克的英国发言人倒颇有绅士风度，表示…"
                    subject, clause_start, words = office.group(), before, office.group()
                else:  # "讲师郭春宁昨日便率先抢购龙年邮票，称…": the person its description names
                    described = context.subject_named_in(offset + before, offset + clause_start)
                    if described is None:
                        continue
                    at, subject = described[0] - offset, described[1]
                    clause_start, words = at, subject
        if match.group("open") and _opens_a_term(text, start):  # "称，“红顶奖”的评审…": a quoted term opens indirect speech
            start = match.start("open")
            end, kind = _indirect_content(text, start), "indirect"
        elif match.group("open"):
            end, kind = _closing_quote(text, start), "direct"
        elif manner := _MANNER_THEN_QUOTE.match(text, start):  # "回答巧妙，“…”", "回答肯定，“…”"
            start = manner.end()
            end, kind = _closing_quote(text, start), "direct"
        elif addressee := _ADDRESSEE_THEN_COMMA.match(text, start):  # "提醒大家，…", "呼吁您，…": what follows is said
            start = addressee.end()
            end, kind = _indirect_content(text, start), "indirect"
        elif match.group("punct") or _ADDRESSING_THE_PUBLIC.match(text, start) or (
                not _NOT_CONTENT.match(text, start) and match.group("cue") not in _CUES_BEFORE_PUNCTUATION
                                      and not (match.group("cue") in _CUES_TAKING_OBJECTS and _OBJECT_OF_THE_CUE.match(text, start))):
            end, kind = _indirect_content(text, start), "indirect"
        else:
            continue
        subject_start = clause_start + max(0, words.find(subject))
        candidates.append((start, end, subject_start, subject, match.group("cue"), kind))
    for match in _CUE_AFTER.finditer(text):
        if _AFTER_EPITHET.match(text, match.start()):
            continue  # "“拐杖老师”谭定才说，…": the quotation is what the speaker is called
        subject = _subject(match.group("subject"), context.text)
        if subject:
            end = match.end("content")
            # "“…，”他说，“…”": one sentence split around its cue, one statement; after a whole
            # sentence ("“…。”韩寒说：“…”") the next quotation is a statement of its own.
            rest = _SPLIT_QUOTE.match(text, match.end() - 1)
            if rest and not _SENTENCE_MARK.search(match.group("content").rstrip()[-1:]):
                end = _closing_quote(text, rest.end())
            candidates.append((match.start("content"), end, match.start("subject"), subject, match.group("cue"), "direct"))
    labelled = _LABELLED_QUOTATION.match(text)  # "醫學美容中心主任楊麗珍：「…」", a soundbite in a report
    if labelled and not _CUE_AT.search(labelled.group("subject")):  # "X告诉记者：“…”" is a cue's, found above
        subject = _subject(labelled.group("subject"), context.text)
        if subject:
            start = labelled.end()
            candidates.append((start, _closing_quote(text, start), labelled.start("subject"), subject, "：", "direct"))
    candidates += _introduced_quotations(text, boundaries, context)
    quotes_found: list[Quote] = []
    taken_until = -1
    for start, end, subject_start, subject, cue, kind in sorted(candidates):
        ends_paragraph = start >= len(text.rstrip())  # "姚明及时表态，": the words are the next paragraph
        if (end - start < _MIN_CONTENT and not ends_paragraph) or start < taken_until:
            continue
        if subject == _SAME_SPEAKER and quotes_found:  # "…，并评价道：…": who made the statement before goes on
            quote = dataclasses.replace(quotes_found[-1], cue=cue, kind=kind, text=raw[start:end].strip(),
                                        start_offset=offset + start, end_offset=offset + end)
            quotes_found.append(quote)
            taken_until = end
            continue
        # context.text is the body, folded; a zero subject with no statement before is 他
        resolved = _speaker("他" if subject == _SAME_SPEAKER else subject, context, offset + subject_start)
        if resolved is None:
            continue
        speaker, speaker_kind, via = resolved
        if via == "coref" and _ADDRESSED.fullmatch(subject) and text[max(0, subject_start - 2) : subject_start] in ("一位", "一名"):
            speaker, via = Speaker(subject, subject), "name"  # "一位张先生": someone new, not the 张 named before
        if speaker_kind == "person" and "·" not in speaker.name and (full := context.full_name(speaker.name)):
            speaker, via = dataclasses.replace(speaker, name=full), "coref"  # "劳伦斯" for 劳伦斯·洛克菲勒
        if speaker_kind == "organisation" and (full := context.full_body(speaker.name)):
            speaker = Speaker(full, speaker.name_raw, "", full)  # "疾管局" for 疾病管制局
        if speaker_kind == "person":
            context.mention(offset + subject_start, speaker)
        elif speaker_kind == "office":
            context.last_office = (speaker.name, speaker.org)
            context.offices.add(speaker.name)
            context.mention(offset + subject_start, speaker)
        if speaker.org and speaker_kind != "person":
            context.last_org = speaker.org
        name_raw = raw[subject_start : subject_start + len(subject)] if via == "name" and speaker_kind == "person" else subject
        if speaker_kind == "person" and via == "name":
            at_name = subject.rfind(speaker.name_raw) if speaker.name_raw else -1
            name_raw = raw[subject_start + at_name : subject_start + at_name + len(speaker.name_raw)] if at_name >= 0 else speaker.name_raw
        quote = Quote(
            index=0, speaker_name=normalize_name(speaker.name) if speaker_kind == "person" else speaker.name,
            speaker_name_raw=name_raw, speaker_org=simplified(speaker.org), speaker_position=simplified(speaker.position),
            speaker_kind=speaker_kind, cue=cue, kind=kind, via=via, text=raw[start:end].strip(),
            paragraph=index, start_offset=offset + start, end_offset=offset + end,
        )
        if ends_paragraph:
            context.pending = quote
            continue
        quotes_found.append(quote)
        taken_until = end
    return quotes_found
