"""One identity per person: scripts, spacing, orgs given or not, namesakes, and ids that never move."""

from __future__ import annotations

import pyarrow as pa

from pipeline.load.identity import SpeakerRegistry, name_id, name_key, registry_of, speaker_ids


def test_a_name_is_folded_to_one_key_whatever_the_script_and_spacing():
    assert name_key("宮 鳴") == name_key("宫鸣") == name_key("宫　鸣") == "宫鸣"
    assert name_id("宮 鳴") == name_id("宫鸣") and name_id("") is None and name_id(None) is None


def test_the_same_person_with_and_without_an_org_is_one_id_in_either_order():
    first = SpeakerRegistry()
    assert first.resolve("申长雨", "国家知识产权局") == first.resolve("申长雨", "") == first.resolve("申长雨", None)
    second = SpeakerRegistry()
    assert second.resolve("申长雨", "") == second.resolve("申长雨", "国家知识产权局") == name_id("申长雨")


def test_an_org_that_contains_or_is_contained_in_one_seen_is_the_same_person():
    registry = SpeakerRegistry()
    known = registry.resolve("宫鸣", "最高人民检察院")
    assert registry.resolve("宫鸣", "最高人民检察院检察委员会") == known
    assert registry.resolve("宮 鳴", "最高人民檢察院") == known


def test_namesakes_in_different_orgs_stay_apart_and_a_bare_name_goes_to_the_first():
    registry = SpeakerRegistry()
    professor = registry.resolve("王强", "江城大学法学院")
    official = registry.resolve("王强", "江南省交通运输厅")
    assert professor != official
    assert registry.resolve("王强", "江南省交通运输厅") == official
    assert registry.resolve("王强", None) == professor == name_id("王强")


def test_ids_already_published_never_move():
    registry = SpeakerRegistry()
    published = [(registry.resolve(name, org), name, org)
                 for name, org in [("王强", "江城大学法学院"), ("王强", "江南省交通运输厅"), ("王强", "")]]
    rebuilt = SpeakerRegistry(published)
    for speaker_id, name, org in published:
        assert rebuilt.resolve(name, org) == speaker_id


def test_a_batch_is_resolved_in_publish_order_against_the_published_speeches():
    published = pa.table({"speaker_id": [name_id("王强")], "speaker_name": ["王强"], "speaker_org": ["江城大学法学院"]})
    batch = pa.table({
        "published_at": [2, 1, 3], "article_id": ["b", "a", "c"], "speech_index": [0, 0, 0],
        "speech_id": ["b-0", "a-0", "c-0"], "speaker_name": ["王强", "王強", None], "speaker_org": ["", "江南省交通运输厅", None],
    })
    ids = speaker_ids(registry_of([published]), "speeches", batch)
    assert ids["b-0"] == name_id("王强")  # no org: the name's first person
    assert ids["a-0"] not in (None, name_id("王强"))  # a namesake elsewhere
    assert ids["c-0"] is None


def test_quotes_share_the_registry_and_offices_get_no_person_id():
    registry = registry_of([pa.table({"speaker_id": [name_id("申长雨")], "speaker_name": ["申长雨"], "speaker_org": ["国家知识产权局"]})])
    quotes = pa.table({
        "published_at": [1, 2], "article_id": ["a", "a"], "quote_index": [0, 1], "quote_id": ["a-q0", "a-q1"],
        "speaker_name": ["申長雨", "外交部发言人"], "speaker_org": ["", "外交部"], "speaker_kind": ["person", "office"],
    })
    assert speaker_ids(registry, "quotes", quotes) == {"a-q0": name_id("申长雨"), "a-q1": None}
