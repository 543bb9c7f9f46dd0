"""Scores used by the accuracy benchmarks.

Body text is scored as the F1 of character-bigram multisets over letters and digits only
(NFKC-normalised, whitespace and punctuation dropped), so that layout and punctuation choices
do not count, only which words were kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import datetime


def _letters_and_digits(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def bigrams(text: str) -> Counter[str]:
    chars = _letters_and_digits(text)
    return Counter(chars[i : i + 2] for i in range(len(chars) - 1))


def bigram_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    """(F1, precision, recall) of the character-bigram multisets; F1 is 1.0 when both are empty."""
    pred, ref = bigrams(predicted), bigrams(gold)
    predicted_total, gold_total = sum(pred.values()), sum(ref.values())
    overlap = sum((pred & ref).values())
    f1 = 2 * overlap / (predicted_total + gold_total) if predicted_total + gold_total else 1.0
    return f1, overlap / max(1, predicted_total), overlap / max(1, gold_total)


def bigram_f1(predicted: str, gold: str) -> float:
    """F1 of the character-bigram multisets; 1.0 when both are empty."""
    return bigram_scores(predicted, gold)[0]


_GOLD_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:\s+(\d{1,2})[-:](\d{1,2}))?")


def date_matches(predicted: datetime | None, gold: str, fields: int = 5) -> bool | None:
    """Whether `predicted` agrees with the first `fields` of year, month, day, hour, minute,
    as far as the gold date gives them (3 = the publish date, 5 = to the minute).

    Returns None when the gold date is unknown, so callers can leave such pages out.
    """
    match = _GOLD_DATE.match(gold.strip())
    if not match:
        return None
    if predicted is None:
        return False
    wanted = [int(part) for part in match.groups() if part is not None][:fields]
    have = [predicted.year, predicted.month, predicted.day, predicted.hour, predicted.minute]
    return have[: len(wanted)] == wanted
