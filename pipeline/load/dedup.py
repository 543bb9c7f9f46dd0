"""Near-duplicates: one story, one count. Every item (an article's body, a speech's text) is
reduced to the character shingles of its letters and digits (NFKC, Traditional folded to
Simplified — so a GBK copy, a Big5 copy and a Traditional re-edit of one text are one text),
summarised by a MinHash (datasketch) and looked up in an LSH index of everything indexed before.

- An exact copy (the same letters and digits, whatever the encoding, chrome or credits) is
  found by hash before any estimate.
- A near copy is a candidate from LSH confirmed by the estimated overlap: the Jaccard
  similarity, or the share of the shorter text found in the longer (a speech republished
  inside a shorter article, an article with paragraphs dropped).
- Every copy points at one canonical item: the earliest published of its group (ties: the
  smaller id), so counting canonical items counts each story once. An item that matches none
  is its own canonical item. Canonical ids never move: a later, earlier-dated copy joins the
  group it matches rather than re-electing it.

Thresholds are chosen on `make bench-dedup` (real pages re-rendered as copies, and hard
negatives: other articles on the same event or from the same site); precision first.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from pipeline.text.names import simplified

_NOT_ALNUM = re.compile(r"[\W_]+")
# Letters and digits NFKC rewrites: superscripts, circled and full-width digits and letters, ligatures.
_COMPATIBILITY = re.compile(
    r"[\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f\u2460-\u24ff\u3280-\u33ff\ufb00-\ufb4f"
    r"\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uff9f]"
)
SHINGLE = 5  # characters: long enough that two reports of one event share few, short enough for light edits
NUM_PERM = 64
# LSH finds candidates at this estimated Jaccard similarity; confirmation is stricter.
CANDIDATE_JACCARD = 0.25
SAME_JACCARD = 0.6  # two texts sharing this much are one story
CONTAINED = 0.8  # … or the shorter one found this much inside the longer
MIN_SHINGLES = 20  # shorter texts (a caption, a one-line quote) are never linked by estimate


def key_text(text: str) -> str:
    """What is compared: letters and digits only, NFKC, Simplified, lower case."""
    text = simplified(text)
    if _COMPATIBILITY.search(text):  # full-width letters and digits, ligatures…: NFKC only where it changes something
        text = unicodedata.normalize("NFKC", text)
    return _NOT_ALNUM.sub("", text).lower()


def shingles(key: str):
    """The 32-bit hashes of a key text's character shingles, one per position (numpy, one pass:
    no Python loop per shingle; a repeated shingle changes no MinHash, so none are removed).
    Stable across processes and versions: signatures are kept."""
    import numpy as np

    codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - len(codes), dtype=np.uint64)])
    windows = np.lib.stride_tricks.sliding_window_view(codes, SHINGLE)
    mixed = windows @ (np.uint64(0x100000001B3) ** np.arange(SHINGLE, dtype=np.uint64))
    mixed ^= mixed >> np.uint64(31)
    mixed *= np.uint64(0x9E3779B97F4A7C15)
    mixed ^= mixed >> np.uint64(29)
    return (mixed & np.uint64(0xFFFFFFFF)).astype(np.uint32)


@dataclass(slots=True)
class Entry:
    item_id: str
    published: float  # POSIX seconds; items with no date sort last
    size: int  # shingles (positions)
    canonical_id: str
    exact: str  # SHA-256 of the key text
    signature: object  # the MinHash's hash values (numpy), kept instead of the MinHash object: a third of the memory


class DedupIndex:
    """The items indexed so far; `add` returns an item's canonical id."""

    def __init__(self, candidate_jaccard: float = CANDIDATE_JACCARD, same_jaccard: float = SAME_JACCARD,
                 contained: float = CONTAINED):
        from datasketch import MinHashLSH  # numpy and scipy behind it: loaded only when deduplicating

        self._lsh = MinHashLSH(threshold=candidate_jaccard, num_perm=NUM_PERM)
        self._same_jaccard, self._contained = same_jaccard, contained
        self._entries: dict[str, Entry] = {}
        self._exact: dict[str, str] = {}  # hash of the key text → canonical id

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, item_id: str) -> bool:
        return item_id in self._entries

    def entry(self, item_id: str) -> Entry:
        return self._entries[item_id]

    def restore_entry(self, item_id: str, canonical_id: str, published: float | None, size: int, exact: str, signature) -> None:
        """Put back an item indexed by an earlier publish, as it was (its canonical id is kept)."""
        self._entries[item_id] = Entry(item_id, published if published is not None else float("inf"), size, canonical_id,
                                       exact, signature)
        self._exact.setdefault(exact, canonical_id)
        if signature is not None:
            permutations, scheme = _permutations()
            from datasketch import MinHash

            self._lsh.insert(item_id, MinHash(num_perm=NUM_PERM, hashvalues=signature, permutations=permutations, scheme=scheme))

    def add(self, item_id: str, text: str, published: float | None = None) -> str:
        """Index an item; its canonical id (its own when it copies nothing indexed)."""
        if item_id in self._entries:
            return self._entries[item_id].canonical_id
        key = key_text(text)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        when = published if published is not None else float("inf")
        if key and digest in self._exact:
            canonical = self._exact[digest]
            self._entries[item_id] = Entry(item_id, when, 0, canonical, digest, None)
            return canonical
        pieces = shingles(key) if key else None
        minhash = _minhash(pieces)
        canonical = item_id
        size = 0 if pieces is None else len(pieces)
        if size >= MIN_SHINGLES:
            matches = [self._entries[other] for other in self._lsh.query(minhash)
                       if self._same(minhash, size, self._entries[other])]
            if matches:
                canonical = min(matches, key=lambda entry: (entry.published, entry.item_id)).canonical_id
            self._lsh.insert(item_id, minhash)
        self._entries[item_id] = Entry(item_id, when, size, canonical, digest, minhash.hashvalues if size >= MIN_SHINGLES else None)
        if key:
            self._exact.setdefault(digest, canonical)
        return canonical

    def _same(self, minhash, size: int, other: Entry) -> bool:
        if other.signature is None:
            return False
        jaccard = float((minhash.hashvalues == other.signature).mean())  # MinHash's Jaccard estimate
        if jaccard >= self._same_jaccard:
            return True
        shared = jaccard * (size + other.size) / (1 + jaccard)  # |A ∩ B| from the Jaccard estimate and the sizes
        return shared / max(1, min(size, other.size)) >= self._contained


@functools.cache
def _permutations():
    from datasketch import MinHash

    template = MinHash(num_perm=NUM_PERM, scheme="affine32")  # 32-bit values: what _minhash computes
    return template.permutations, template.scheme  # drawn once (datasketch draws them per MinHash otherwise)


def _minhash(pieces):
    """The MinHash of shingle hashes (already hashed: the identity stands for datasketch's SHA-1).
    The values are datasketch's own — its scheme's mixing and permutations, as update_batch
    applies them — computed on the numpy array at once instead of through a Python call per
    shingle, which was a fifth of the indexing time (tests compare the two)."""
    import numpy as np
    from datasketch import MinHash
    from datasketch.minhash import _fmix

    permutations, scheme = _permutations()
    minhash = MinHash(num_perm=NUM_PERM, hashfunc=int, permutations=permutations, scheme=scheme)
    if pieces is not None and len(pieces):
        a, b = permutations
        mixed = _fmix(pieces.astype(np.uint32).reshape(-1, 1), 32)
        minhash.hashvalues = np.minimum(minhash.hashvalues, (mixed * a + b).min(axis=0))
    return minhash


def canonical_ids(items: list[tuple[str, str, float | None]], index: DedupIndex | None = None) -> dict[str, str]:
    """item id → canonical id for (id, text, published) items, indexed in publish order
    (earliest first, ties by id) so that the earliest copy is the canonical one."""
    index = index or DedupIndex()
    ordered = sorted(items, key=lambda item: (item[2] is None, item[2] or 0.0, item[0]))
    return {item_id: index.add(item_id, text, published) for item_id, text, published in ordered}



# How each table's items are compared: the column of their text (a quote: its speaker with its words).
ITEM_KINDS = {"articles": ("article", "article_id"), "speeches": ("speech", "speech_id"), "quotes": ("quote", "quote_id")}


def restore(rows: list[dict]) -> DedupIndex:
    """The index of the items already published (rows of the dedup_index table, one kind)."""
    import numpy as np

    index = DedupIndex()
    for row in sorted(rows, key=lambda row: (row["published_at"] is None, row["published_at"] or 0, row["item_id"])):
        signature = np.frombuffer(row["signature"], dtype="<u4").astype(np.uint32) if row["signature"] else None
        index.restore_entry(row["item_id"], row["canonical_id"], _seconds(row["published_at"]), row["n_shingles"],
                            row["exact_sha256"], signature)
    return index


def _seconds(moment) -> float | None:
    return moment.timestamp() if moment is not None else None


def link(index: DedupIndex, kind: str, items: list[tuple[str, str, object]]) -> tuple[dict[str, str], list[dict]]:
    """Canonical ids of a batch's (id, text, published_at) items, in publish order, and the
    index rows the batch adds (none for an item indexed before: a republished article)."""
    ordered = sorted(items, key=lambda item: (item[2] is None, _seconds(item[2]) or 0.0, item[0]))
    canonical, added = {}, []
    for item_id, text, published in ordered:
        new = item_id not in index
        canonical[item_id] = index.add(item_id, text, _seconds(published))
        if new:
            entry = index.entry(item_id)
            added.append({"item_kind": kind, "item_id": item_id, "canonical_id": entry.canonical_id, "published_at": published,
                          "exact_sha256": entry.exact, "n_shingles": entry.size,
                          "signature": entry.signature.astype("<u4").tobytes() if entry.signature is not None else b""})
    return canonical, added
