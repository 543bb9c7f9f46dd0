"""The quotes benchmark's scoring: a statement found, a prediction right, a vague source taken."""

from __future__ import annotations

from collections import Counter

from benchmarks.quotes import Found, Tally, key, score_page

BODY = "国家知识产权局局长申长雨表示，要加强保护。他说，“我们将推进强国建设。保护就是创新。”业内人士表示，政策利好市场。"
PAGE = {
    "quotes": [
        {"speaker": "申长雨", "speaker_kind": "person", "via": "name", "kind": "indirect", "start": "要加强保护", "end": "要加强保护。"},
        {"speaker": "申长雨", "speaker_kind": "person", "via": "coref", "kind": "direct", "start": "我们将推进强国建设",
         "end": "保护就是创新。"},
    ],
    "vague": ["业内人士表示，政策利好市场"],
}


def found(speaker: str, text: str, kind: str, as_written: str = "") -> Found:
    return Found(key(speaker), as_written or speaker, key(text), kind, key(BODY).find(key(text)))


def tally() -> Tally:
    return Tally(Counter(), Counter(), Counter(), Counter())


def test_statements_found_need_the_speaker_and_the_start():
    score = tally()
    score_page(score, PAGE, [found("申长雨", "要加强保护。", "indirect"), found("王强", "我们将推进强国建设。", "direct")], key(BODY))
    assert (score.gold["all"], score.matched["all"], score.right["all"], score.predicted["all"]) == (2, 1, 1, 2)
    assert score.matched["name"] == 1 and score.matched["coref"] == 0


def test_splitting_a_statement_finer_is_right_but_finds_nothing_more():
    score = tally()
    score_page(score, PAGE, [found("申长雨", "我们将推进强国建设。", "direct"), found("申长雨", "保护就是创新。", "direct")], key(BODY))
    assert (score.matched["all"], score.right["all"], score.predicted["all"]) == (1, 2, 2)


def test_a_vague_source_taken_for_a_speaker_is_counted():
    score = tally()
    score_page(score, PAGE, [found("业内人士", "政策利好市场。", "indirect")], key(BODY))
    assert score.vague_taken == 1 and score.right["all"] == 0


def test_a_quote_on_text_beyond_the_reference_the_annotators_read_is_not_scored():
    score = tally()
    beyond = Found(key("王强"), "王强", key("这一段在参考文本之外。"), "indirect", len(key(BODY)))
    score_page(score, PAGE, [found("申长雨", "要加强保护。", "indirect"), beyond], key(BODY + "这一段在参考文本之外。"), key(BODY))
    assert (score.predicted["all"], score.right["all"], score.outside) == (1, 1, 1)


def test_an_office_with_or_without_its_count_is_the_same_speaker():
    page = {"quotes": [{"speaker": "杭州市建委一位负责人", "speaker_kind": "office", "via": "name", "kind": "indirect",
                        "start": "资质是由他们负责", "end": "资质是由他们负责。"}], "vague": []}
    body = "杭州市建委一位负责人说，资质是由他们负责。"
    score = tally()
    score_page(score, page, [Found(key("杭州市建委负责人"), "杭州市建委一位负责人", key("资质是由他们负责。"), "indirect",
                                   key(body).find(key("资质是由")))], key(body))
    assert (score.matched["all"], score.right["all"]) == (1, 1)
