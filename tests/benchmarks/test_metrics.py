from __future__ import annotations

from datetime import datetime

from benchmarks.metrics import bigram_f1, date_matches


def test_bigram_f1_ignores_whitespace_and_punctuation():
    assert bigram_f1("知识产权，保护。", "知识 产权保护") == 1.0
    assert bigram_f1("", "") == 1.0
    assert bigram_f1("完全不同", "毫无关系") == 0.0
    assert 0 < bigram_f1("知识产权保护", "知识产权") < 1


def test_date_matches_up_to_the_fields_the_gold_gives():
    moment = datetime(2005, 5, 7, 21, 23)
    assert date_matches(moment, "2005-5-7 21:23:57")
    assert date_matches(moment, "2005-05-07", fields=3)
    assert date_matches(moment, "2005-5", fields=3)
    assert not date_matches(moment, "2005-5-8")
    assert date_matches(moment, "UNKNOWN") is None
    assert date_matches(None, "2005-5-7") is False
