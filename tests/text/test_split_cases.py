"""Made-up transcripts, keynotes, single speeches and colon-heavy news in the formats real sites
use (data/split_cases.json, written by a reviewer who did not look at the splitter's rules):
each must split into exactly the expected speeches. A regression suite, not an accuracy figure —
accuracy is measured on real pages (make bench-speech)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.records import Article
from pipeline.text.names import simplified
from pipeline.text.split import split

CASES = json.loads((Path(__file__).parent / "data" / "split_cases.json").read_text(encoding="utf-8"))


def _matches(expected, actual: str) -> bool:
    """An expected value (null: anything; a list: any of them) against the output, both folded."""
    if expected is None:
        return True
    options = expected if isinstance(expected, list) else [expected]
    return simplified(actual) in {simplified(option) for option in options}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["id"])
def test_case_splits_into_the_expected_speeches(case):
    paragraphs = case["paragraphs"]
    article = Article(url="http://x.example/a", article_id="a" * 16, canonical_url="", raw_sha256="", encoding="utf-8",
                      title=case["title"], byline=case.get("byline", ""), paragraphs=list(paragraphs),
                      paragraphs_raw=list(paragraphs))
    speeches = split(article).speeches
    assert len(speeches) == len(case["expected"]), [(s.speaker_label, s.speaker_name) for s in speeches]
    for speech, expected in zip(speeches, case["expected"], strict=True):
        roles = expected["role"] if isinstance(expected["role"], list) else [expected["role"]]
        assert speech.speaker_name == expected["name"] and speech.role in roles, (speech, expected)
        assert _matches(expected["org"], speech.speaker_org) and _matches(expected["position"], speech.speaker_position), speech
        assert speech.paragraphs[-1] == paragraphs[expected["end"]].strip() or paragraphs[expected["end"]].endswith(speech.paragraphs[-1])
        starts = expected["start"] if isinstance(expected["start"], list) else [expected["start"]]  # either is right
        assert any(paragraphs[start].endswith(speech.paragraphs[0]) for start in starts), (speech.paragraphs[0], starts)
