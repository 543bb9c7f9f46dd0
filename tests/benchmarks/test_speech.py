"""The speech benchmark's scoring: what counts as a turn found, a speaker right, a false speech."""

from __future__ import annotations

from benchmarks.speech import Score, Turn, key, naive_turns, score_page, seed_html

PAGE = {"layout": "dialogue", "turns": [
    {"label": "主持人：", "name": None, "org": None, "position": None, "role": "host",
     "start": "欢迎各位来到今天的访谈", "end": "请您谈谈看法。", "paragraphs": 1},
    {"label": "王强：", "name": "王强", "org": "某省交通厅", "position": "副厅长", "role": "guest",
     "start": "谢谢主持人。今年我们的", "end": "这是我们的目标。", "paragraphs": 2},
]}


def turn(name: str, text: str, org: str = "", position: str = "") -> Turn:
    return Turn(key(name), key(org), key(position), key(text))


def test_key_keeps_letters_and_digits_and_folds_traditional():
    assert key("宮 鳴，2022年！") == "宫鸣2022年"


def test_a_turn_is_right_only_with_its_start_speaker_and_end():
    score = Score()
    score_page(score, PAGE, [turn("主持人", "欢迎各位来到今天的访谈节目。请您谈谈看法。"),
                             turn("王强", "谢谢主持人。今年我们的工作重点是安全。这是我们的目标。", "某省交通厅", "副厅长")])
    assert (score.gold_turns, score.starts, score.exact_starts, score.speakers, score.whole) == (2, 2, 2, 2, 2)
    assert (score.attributes, score.attributes_right, score.false_on_speech_pages) == (2, 2, 0)


def test_merged_turns_wrong_speakers_and_extra_speeches_are_counted():
    score = Score()
    merged = turn("主持人", "欢迎各位来到今天的访谈节目。请您谈谈看法。王强：谢谢主持人。今年我们的工作。这是我们的目标。")
    score_page(score, PAGE, [merged, turn("李四", "谢谢主持人。今年我们的工作重点。这是我们的目标。"), turn("记者", "本报记者 张三")])
    assert (score.starts, score.speakers, score.whole) == (2, 1, 0)  # the host's turn runs on past its end
    assert score.false_on_speech_pages == 1


def test_speeches_on_a_page_without_any_are_false():
    score = Score()
    score_page(score, {"layout": "none", "turns": []}, [turn("某某", "他表示，今年将继续推进。")])
    assert (score.false_on_news_pages, score.news_pages_with_false, score.gold_turns) == (1, 1, 0)


def test_the_naive_baseline_reads_every_short_label_as_a_speaker():
    raw = seed_html("访谈实录\n主持人：欢迎各位来到今天的访谈节目。\n王强：谢谢主持人。\n今年我们的工作重点是安全。\n"
                    "来源：本报").encode("utf-8")
    turns = naive_turns(raw, "http://example.invalid/a.html")
    assert [t.name for t in turns] == [key("主持人"), key("王强"), key("来源")]
    assert turns[1].text == key("谢谢主持人。今年我们的工作重点是安全。")
