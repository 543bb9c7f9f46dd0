from __future__ import annotations

import pytest

from pipeline.text.names import join_spaced_names, looks_like_name, simplified


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("最高人民检察院检察委员会副部级专职委员 宫 鸣", "最高人民检察院检察委员会副部级专职委员 宫鸣"),
        ("北京市副市长 殷 勇", "北京市副市长 殷勇"),
        ("本报记者 杨 柳 实习记者 薛佩雯", "本报记者 杨柳 实习记者 薛佩雯"),
        ("一 二 三", "一 二 三"),  # not a surname: left alone
        ("全面加强知识产权保护 推动经济社会高质量发展", "全面加强知识产权保护 推动经济社会高质量发展"),
        ("没有空格", "没有空格"),
    ],
)
def test_join_spaced_names(text, joined):
    assert join_spaced_names(text) == joined


@pytest.mark.parametrize("name", ["申长雨", "宫鸣", "欧阳明", "马丁·霍夫曼", "劉德華"])
def test_plausible_names(name):
    assert looks_like_name(name)


@pytest.mark.parametrize("text", ["山东冠县", "一", "知识产权保护工作", "A1", "·霍夫曼"])
def test_implausible_names(text):
    assert not looks_like_name(text)


def test_traditional_surnames_are_recognised_by_folding_not_by_a_second_list():
    assert join_spaced_names("最高人民檢察院檢察委員會副部級專職委員 宮 鳴") == "最高人民檢察院檢察委員會副部級專職委員 宮鳴"
    assert join_spaced_names("國家知識產權局局長 申 長雨") == "國家知識產權局局長 申 長雨"  # not a lone pair
    assert looks_like_name("宮鳴") and looks_like_name("歐陽修") and looks_like_name("鄧小平")
    assert not looks_like_name("會議")


def test_a_letter_spaced_line_is_joined_but_latin_words_keep_their_spaces():
    assert join_spaced_names("衞 生 署 表 示 ， 一 名 患 有 糖 尿 病 的 男 子 入 院 。") == "衞生署表示，一名患有糖尿病的男子入院。"
    assert join_spaced_names("微软 Windows 8 系统今天发布") == "微软 Windows 8 系统今天发布"
    assert join_spaced_names("他说 好 的 吧") == "他说 好 的 吧"  # a few spaces in a line are the author's


def test_hong_kong_variants_fold_to_simplified():
    assert simplified("衞生署表示") == "卫生署表示"
