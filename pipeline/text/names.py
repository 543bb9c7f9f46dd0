"""Chinese personal names: which characters start one, names typeset with a space inside,
and Traditional script folded to Simplified for matching.

Chinese newspapers pad two-character names to the width of three ("宫 鸣", "杨 柳"); the
pipeline joins such pairs back into one name but only when the first character is a surname,
so a spaced heading or list of single characters is left alone. Surnames are listed once, in
Simplified script; a Traditional page's "宮 鳴" is recognised by folding the character.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NamedTuple

# The most common single-character surnames (together they cover well over 95 % of people).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕"
    "楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣"
    "晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉"
    "银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    # less common, but seen as speakers in news ("洪友廉", "言茂松")
    "洪言汝蔚郦眭缑羿荀牧郗郇訾邴昌扶堵凤贝庚寿莘滑郏濮宦鱼慎庾暨弘禄阙殳夔厍敖阚毋乜巢蒯竺逯仉督郈鄢钦佴伯赏墨谯笪"
)
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 澹台 轩辕 呼延"
    " 西门 南宫 万俟 闻人 申屠 濮阳".split()
)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
# Two lone CJK characters separated by one space, each standing apart from other CJK text.
_SPACED_PAIR = re.compile(rf"(?<![{_CJK}])([{_CJK}]) ([{_CJK}])(?: ([{_CJK}]))?(?![{_CJK}])")


# The CJK blocks whose Traditional characters have a Simplified form: Unified Ideographs,
# Extension A and the compatibility ideographs (the rarer planes are left as written).
_CJK_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@functools.cache
def _t2s_table() -> dict[int, str]:
    """Every character OpenCC folds to another single character, as a str.translate table:
    its t2s conversion, and its Hong Kong one for the variants t2s keeps ("衞" → 卫, "綫" →
    线). Building it costs ~0.2 s once, and folding a page is then a C loop instead of a
    converter call per character (~2 µs each)."""
    import opencc  # pure-Python converter; loaded only when Traditional text needs folding

    converters = [opencc.OpenCC("t2s").convert, opencc.OpenCC("hk2s").convert]
    table = {}
    for start, end in _CJK_BLOCKS:
        for code in range(start, end):
            for convert in converters:
                folded = convert(chr(code))
                if len(folded) == 1 and folded != chr(code):
                    table[code] = folded
                    break
    return table


@functools.cache
def _traditional_chars() -> re.Pattern:
    """Any character the table folds: a C-speed test that spares most (Simplified) text the
    per-character dictionary lookups of str.translate."""
    return re.compile("[%s]" % "".join(map(chr, sorted(_t2s_table()))))


def build_tables() -> None:
    """Build now the tables this module builds on first use (a process pool's fork server
    does, once for all the workers it forks)."""
    _t2s_table()
    _traditional_chars()
    _surname_chars()
    _common_words()


def simplified(text: str) -> str:
    """Traditional → Simplified, character by character so that offsets stay aligned."""
    if text.isascii() or not _traditional_chars().search(text):
        return text
    return text.translate(_t2s_table())


@functools.cache
def _surname_chars() -> frozenset[str]:
    """The surnames in both scripts ("宮" as well as "宫"): one set lookup per character."""
    return SURNAMES | {chr(code) for code, folded in _t2s_table().items() if folded in SURNAMES}


def is_surname(char: str) -> bool:
    return char in _surname_chars()


def is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u4dbf" or "\u4e00" <= char <= "\u9fff"


def join_spaced_names(text: str) -> str:
    """"北京市副市长 殷 勇" → "北京市副市长 殷勇", "張 文 華" → "張文華"; other spaced characters
    stay as they are, unless the whole line is letter-spaced (join_letter_spacing)."""
    if " " not in text:
        return text
    text = join_letter_spacing(text)
    return _SPACED_PAIR.sub(
        lambda m: m.group(1) + m.group(2) + (m.group(3) or "") if is_surname(m.group(1)) else m.group(0), text
    )


# A CJK character or CJK punctuation and one space beside it: how a letter-spaced line is typeset.
_CJK_OR_PUNCTUATION = rf"[{_CJK}\u3000-\u303f\uff00-\uffef]"
_SPACED_CJK = re.compile(rf"(?<={_CJK_OR_PUNCTUATION}) (?=[^ ])|(?<=[^ ]) (?={_CJK_OR_PUNCTUATION})")
_CJK_CHAR = re.compile(f"[{_CJK}]")
# The spaces after such a character, counted from the character: a pattern that opens with a class scans fast.
_CJK_THEN_SPACE = re.compile(rf"{_CJK_OR_PUNCTUATION}(?= [^ ])")
_LETTER_SPACED_SHARE = 0.5
_LETTER_SPACED_MIN = 6


def join_letter_spacing(text: str) -> str:
    """"衞 生 署 表 示 ， 一 名 男 子" → "衞生署表示，一名男子": some sites space every character
    of a line; where at least half the CJK characters of a line stand apart, the spaces next to
    CJK characters go (those between Latin words stay: "Windows 8")."""
    if text.count(" ") < _LETTER_SPACED_MIN:
        return text
    spaced = len(_CJK_THEN_SPACE.findall(text))
    if spaced < _LETTER_SPACED_MIN:
        return text
    cjk = len(_CJK_CHAR.findall(text))
    return _SPACED_CJK.sub("", text) if spaced >= _LETTER_SPACED_SHARE * cjk else text


_MIDDLE_DOTS = re.compile(r"[·•]")
_CJK_ONLY = re.compile(rf"[{_CJK}]+")


def looks_like_name(text: str) -> bool:
    """A plausible Chinese personal name (2–4 CJK characters starting with a surname), or a
    transliterated foreign name written with the middle dot."""
    if "·" in text or "•" in text:
        parts = _MIDDLE_DOTS.split(text)
        return all(parts) and all(all(is_cjk(c) for c in part) for part in parts) and len(text) <= 20
    if not 2 <= len(text) <= 4 or not _CJK_ONLY.fullmatch(text):
        return False
    return is_surname(text[0]) or simplified(text[:2]) in COMPOUND_SURNAMES


class _Dictionary(NamedTuple):
    """What names need of jieba's dictionary."""

    words: frozenset[str]  # 2–3 characters, starting with a surname's character, not names ("应该", "简单")
    function_words: frozenset[str]  # two characters
    proper_nouns: frozenset[str]  # places, organisations, brands ("美国", "英特尔")
    name_tagged_words: frozenset[str]  # tagged as names but mostly words ("明白", "熊猫", "于今")
    verbs: frozenset[str]  # frequent, two characters ("取得", "认为")


@functools.cache
def _common_words() -> _Dictionary:
    """jieba's dictionary read for names: once, ~0.4 s, when a quote's subject first needs
    telling a name from a word."""
    import jieba  # its dictionary ships with it: no download

    words, function_words, proper_nouns, name_tagged_words, verbs = set(), set(), set(), set(), set()
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as lines:
        for line in lines:
            word, frequency, tag = line.split()
            if tag in _PROPER_NOUN_TAGS and 2 <= len(word) <= 8:
                proper_nouns.add(word)
            if len(word) == 2 and tag[0] in _FUNCTION_TAGS and int(frequency) >= 20:
                function_words.add(word)
            if len(word) == 2 and tag == "v" and int(frequency) >= _FREQUENT_VERB:
                verbs.add(word)
            if 2 <= len(word) <= 3 and int(frequency) >= 20 and is_surname(word[0]):
                if not tag.startswith("nr"):
                    words.add(word)
                elif len(word) == 2 and int(frequency) >= _FREQUENT_NAME_TAGGED:
                    name_tagged_words.add(word)
    return _Dictionary(frozenset(words), frozenset(function_words), frozenset(proper_nouns), frozenset(name_tagged_words),
                       frozenset(verbs))


def starts_with_a_verb(text: str) -> bool:
    """Whether `text` opens with a frequent two-character verb: what may follow a name
    ("史宝银取得了联系")."""
    return simplified(text[:2]) in _common_words().verbs


# jieba tags many everyday two-character words as names; past this count in its dictionary
# they are words in most of their uses ("明白" 10875, "熊猫" 286, "于今" 209; "姚明" 97).
_FREQUENT_NAME_TAGGED = 100
# Verbs this frequent in jieba's dictionary are everyday predicates ("取得" 28,000; "联系" 17,000).
_FREQUENT_VERB = 1000


# jieba's tags of words no given name is: adverbs, numerals, prepositions, conjunctions,
# particles, pronouns, measure words, places in time and space ("曾多次", "王不禁").
_FUNCTION_TAGS = frozenset("dmpcurqft")
# Places, organisations and other proper nouns ("美国", "联合国", "英特尔", "华尔街").
_PROPER_NOUN_TAGS = frozenset(("ns", "nt", "nz"))
_NEVER_IN_A_NAME = re.compile(
    r"[他她它我你们的了着过吗呢吧啊是]|[被将不也还就在对向把让给从和与及都又再只已自仍亦却局院部委厅署司处所庭站社馆会团组队系科]$|^[那这哪和与及但而或且]"
)


def is_name(text: str) -> bool:
    """A plausible name (looks_like_name) that is not a common word starting with a surname's
    character, nor a surname before a function word: stricter, for running text, where
    "应该说", "曾多次" or "但她" must not name a speaker."""
    if not looks_like_name(text) or _NEVER_IN_A_NAME.search(text):
        return False
    if "·" in text:
        return True
    dictionary = _common_words()
    folded = simplified(text)
    return folded not in dictionary.words and not (len(folded) == 3 and folded[1:] in dictionary.function_words)


def is_frequent_word(text: str) -> bool:
    """A two-character word jieba tags as a name but that is mostly an everyday word ("明白",
    "熊猫"): a name only where the text describes someone by it."""
    return simplified(text) in _common_words().name_tagged_words


def is_proper_noun(text: str) -> bool:
    """A place, organisation or brand jieba's dictionary knows ("美国", "联合国", "英特尔")."""
    return simplified(text) in _common_words().proper_nouns


# Characters Chinese uses to spell foreign names by sound (the usual 译音用字).
TRANSLITERATION_CHARS = frozenset(
    "阿埃艾爱安奥巴拜班贝本比彼波伯布查达戴丹道德迪蒂丁杜多厄恩法菲费芬弗福盖戈格古哈海汉赫亨胡霍基吉加贾杰金卡凯坎康柯"
    "科克肯库奎拉莱兰朗劳勒雷里利连林琳卢鲁伦罗洛马迈麦曼梅门蒙米明莫姆穆纳内尼努诺欧帕佩皮珀普乔切琼萨塞桑瑟森沙尚舍施"
    "什斯索塔泰坦汤特提图托瓦万威韦维温沃乌西希谢休雅亚扬耶伊因英尤约泽扎詹朱"
    "尔夫茨兹契奇士东华勃妮娜莉丽娅黛琪乐昂邦鲍宾登根贡豪赖列隆潘庞恰绍旺木"
)


def is_transliterated_name(text: str) -> bool:
    """A foreign name spelt by sound without a middle dot ("弗雷德里克", "亚里斯多德"), not a
    place or company jieba knows ("英特尔", "维基百科")."""
    return 3 <= len(text) <= 8 and all(char in TRANSLITERATION_CHARS for char in simplified(text)) and not is_proper_noun(text)
