"""Near-duplicates: copies in other encodings, scripts and lengths meet their original, other
stories stay apart, and the earliest copy is everyone's canonical item, for good."""

from __future__ import annotations

from opencc import OpenCC

from pipeline.load.dedup import DedupIndex, canonical_ids, key_text

STORY = ("4月26日，2022中国知识产权保护高层论坛在北京举行。国家知识产权局局长申长雨在致辞中表示，要全面加强知识产权保护，"
         "推动构建新发展格局。最高人民法院副院长贺小荣指出，人民法院将持续加大知识产权司法保护力度，依法严惩侵权行为。"
         "北京市副市长殷勇介绍，北京将建设知识产权保护示范区，优化营商环境，服务首都高质量发展。论坛还发布了年度典型案例，"
         "涵盖专利、商标、著作权、地理标志等多个领域，为社会各界提供参考。与会代表围绕数据知识产权保护、人工智能生成内容的"
         "著作权认定等前沿问题展开了深入讨论。")
OTHER = ("记者从市交通运输局获悉，今年春运期间全市共发送旅客一千二百万人次，同比增长百分之八。铁路部门加开临时列车三十对，"
         "长途客运站延长售票时间，机场增加夜间航班。交通部门提醒旅客合理安排出行时间，提前购票，注意出行安全。"
         "据介绍，今年春运客流呈现返乡早、返程集中的特点，自驾出行比例明显上升，高速公路日均车流量创历史新高。")


def test_text_is_compared_by_letters_and_digits_in_one_script():
    assert key_text("國家知識產權局，２０２２年！ ABC") == key_text("国家知识产权局2022年abc")


def test_copies_in_other_scripts_credits_and_lengths_meet_the_earliest():
    traditional = OpenCC("s2t").convert(STORY)
    credited = "（本报记者 王明）" + STORY + "（责任编辑：张强）"
    excerpt = STORY[: len(STORY) * 2 // 3]
    ids = canonical_ids([("late", traditional, 30.0), ("first", STORY, 10.0), ("credited", credited, 20.0),
                         ("excerpt", excerpt, 40.0), ("other", OTHER, 15.0)])
    assert ids == {"first": "first", "late": "first", "credited": "first", "excerpt": "first", "other": "other"}


def test_a_story_reported_twice_by_different_reporters_stays_two():
    second = ("2022中国知识产权保护高层论坛26日在京召开。会议由国家知识产权局和最高人民法院共同指导，来自立法、司法、行政"
              "和企业界的代表出席。多位嘉宾在发言中谈到，知识产权保护是创新的基础，需要行政与司法协同发力，形成保护合力。"
              "会上，主办方介绍了过去一年知识产权保护工作的进展，并就完善惩罚性赔偿制度、加强跨境保护合作等议题听取了意见。")
    assert canonical_ids([("a", STORY, 1.0), ("b", second, 2.0)]) == {"a": "a", "b": "b"}


def test_canonical_ids_never_move_when_an_earlier_dated_copy_comes_later():
    index = DedupIndex()
    assert index.add("published-first", STORY, 100.0) == "published-first"
    assert index.add("dated-earlier", "（新华社）" + STORY, 50.0) == "published-first"


def test_short_texts_are_linked_only_when_identical():
    ids = canonical_ids([("a", "申长雨表示，要加强保护。", 1.0), ("b", "申长雨表示要加强保护", 2.0), ("c", "殷勇表示，要加强保护。", 3.0)])
    assert ids == {"a": "a", "b": "a", "c": "c"}


def test_signatures_are_datasketchs_own_values():
    import numpy as np
    from datasketch import MinHash

    from pipeline.load.dedup import NUM_PERM, _minhash, _permutations, key_text, shingles

    pieces = shingles(key_text(STORY))
    permutations, scheme = _permutations()
    reference = MinHash(num_perm=NUM_PERM, hashfunc=int, permutations=permutations, scheme=scheme)
    reference.update_batch(pieces.tolist())
    assert np.array_equal(_minhash(pieces).hashvalues, reference.hashvalues)
