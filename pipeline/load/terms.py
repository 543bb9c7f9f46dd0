"""Word counts of a speech (jieba's segmentation, run by jieba-rs): the terms of `speech_terms`."""

from __future__ import annotations

import re
from collections import Counter

_STOP_WORDS = frozenset(
    "我们 你们 他们 这个 那个 一个 一些 这些 那些 以及 进一步 同时 方面 工作 问题 没有 已经 可以 就是 还是 因为 所以 如果 "
    "但是 而且 并且 通过 对于 关于 其中 目前 今年 去年 近年来 一是 二是 三是 四是 五是 第一 第二 第三 第四 第五 不断 更加 "
    "加强 推动 推进 坚持 全面 积极 有效 重要 持续 不仅 还有 为了 以及 之间 之一 其他 进行 开展 实现 提升 提高 一步 一方面 另一方面".split()
)
# The terms kept per speech: its most frequent ones are what top-term reports rank, and the
# long tail would make speech_terms the biggest table by far.
TERMS_PER_SPEECH = 40
_TERM = re.compile(r"^[\u4e00-\u9fff]{2,8}$|^[A-Za-z][A-Za-z0-9\-]{2,}$")


def terms(text: str) -> Counter[str]:
    """How often each word worth ranking occurs in `text`: Chinese words of 2–8 characters and
    Latin ones of 3 or more, stop words left out."""
    import rjieba  # imported, its dictionary loaded, on first use: only staging needs it

    # Counted first, then filtered: each distinct word is matched once. Ties keep the order
    # of first occurrence either way.
    counts = Counter(rjieba.cut(text))
    return Counter({word: count for word, count in counts.items() if word not in _STOP_WORDS and _TERM.match(word)})
