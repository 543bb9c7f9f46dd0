"""The published tables: each schema defined once, here, with column docs; rows derived
from articles by the functions below. Everything else (validation frames, the DuckDB
catalog, the report) takes its columns from these schemas.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

import pyarrow as pa

from pipeline import __version__
from pipeline.records import Article


def documented(name: str, kind: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    """A schema field carrying its documentation (Parquet field metadata "doc")."""
    return pa.field(name, kind, nullable=nullable, metadata={"doc": doc})



TIMESTAMP = pa.timestamp("us", tz="UTC")
_PARTITION_FIELDS = [
    documented("year", pa.int16(), "publish year (Asia/Shanghai), hive partition; 0 when unknown", nullable=False),
    documented("month", pa.int8(), "publish month, hive partition; 0 when unknown", nullable=False),
]

ARTICLES = pa.schema([
    documented("article_id", pa.string(), "16 hex digits of the SHA-256 of the canonical URL", nullable=False),
    documented("url", pa.string(), "canonical URL", nullable=False),
    documented("title", pa.string(), "headline", nullable=False),
    documented("source", pa.string(), "publication named as 来源"),
    documented("published_at", TIMESTAMP, "publish time (UTC instant; the page's zone is Asia/Shanghai unless stated)"),
    documented("published_precision", pa.dictionary(pa.int8(), pa.string()), "time | day | month: how much the page gave"),
    documented("authors", pa.list_(pa.string()), "reporters and authors"),
    documented("editor", pa.string(), "editor (责任编辑)"),
    documented("photographers", pa.list_(pa.string()), "credited photographers"),
    documented("language", pa.dictionary(pa.int8(), pa.string()), "BCP 47: zh-Hans, zh-Hant, …"),
    documented("byline", pa.string(), "line under the headline naming the author or speaker"),
    documented("body_text", pa.string(), "cleaned body, paragraphs joined by newlines", nullable=False),
    documented("n_paragraphs", pa.int32(), "paragraphs in the body", nullable=False),
    documented("n_speeches", pa.int32(), "speeches found in the body", nullable=False),
    documented("char_count", pa.int32(), "characters in body_text", nullable=False),
    documented("raw_sha256", pa.string(), "SHA-256 of the first page's raw bytes", nullable=False),
    documented("extracted_at", TIMESTAMP, "when this row was extracted", nullable=False),
    documented("pipeline_version", pa.string(), "forum-etl version that extracted it", nullable=False),
    *_PARTITION_FIELDS,
])

SPEECHES = pa.schema([
    documented("speech_id", pa.string(), "article_id-index, stable", nullable=False),
    documented("article_id", pa.string(), "the article it belongs to", nullable=False),
    documented("speech_index", pa.int16(), "order within the article, from 0", nullable=False),
    documented("speaker_id", pa.string(), "stable id of the speaker (see speaker_id()), null when anonymous"),
    documented("speaker_name", pa.string(), "normalised name (no inner spaces, Simplified); null when anonymous"),
    documented("speaker_name_raw", pa.string(), "name as the page wrote it"),
    documented("speaker_position", pa.string(), "post, e.g. 局长, 检察委员会副部级专职委员"),
    documented("speaker_org", pa.string(), "organisation, e.g. 国家知识产权局"),
    documented("role", pa.dictionary(pa.int8(), pa.string()), "speaker | host | journalist | guest | audience", nullable=False),
    documented("title", pa.string(), "speech heading, if any"),
    documented("text", pa.string(), "the speech, paragraphs joined by newlines", nullable=False),
    documented("n_paragraphs", pa.int32(), "paragraphs in the speech", nullable=False),
    documented("char_count", pa.int32(), "characters in text", nullable=False),
    documented("start_offset", pa.int32(), "offset of the speech in the article's body_text", nullable=False),
    documented("end_offset", pa.int32(), "end offset (exclusive) in body_text", nullable=False),
    documented("published_at", TIMESTAMP, "the article's publish time"),
    *_PARTITION_FIELDS,
])

PARAGRAPHS = pa.schema([
    documented("paragraph_id", pa.string(), "article_id-index", nullable=False),
    documented("article_id", pa.string(), "the article", nullable=False),
    documented("speech_id", pa.string(), "the speech it belongs to; null for lead and unattributed text"),
    documented("paragraph_index", pa.int32(), "order in the body, from 0", nullable=False),
    documented("text", pa.string(), "cleaned paragraph", nullable=False),
    documented("char_count", pa.int32(), "characters", nullable=False),
    *_PARTITION_FIELDS,
])

_SEEN = pa.struct([("position", pa.string()), ("org", pa.string()),
                   ("first_published_at", TIMESTAMP), ("last_published_at", TIMESTAMP)])
SPEAKERS = pa.schema([
    documented("speaker_id", pa.string(), "see speaker_id()", nullable=False),
    documented("speaker_name", pa.string(), "normalised name", nullable=False),
    documented("speaker_org", pa.string(), "organisation in the id (may be empty)"),
    documented("names_seen", pa.list_(pa.string()), "raw spellings seen"),
    documented("positions_seen", pa.list_(_SEEN), "posts and orgs seen, with first and last publish time"),
    documented("n_speeches", pa.int32(), "speeches published", nullable=False),
])

SPEECH_TERMS = pa.schema([
    documented("speech_id", pa.string(), "the speech", nullable=False),
    documented("article_id", pa.string(), "the article of the speech", nullable=False),
    documented("speaker_id", pa.string(), "its speaker (null when anonymous)"),
    documented("term", pa.string(), "one of the speech's 40 most frequent words (jieba, stop words removed)", nullable=False),
    documented("count", pa.int32(), "occurrences in the speech", nullable=False),
    *_PARTITION_FIELDS,
])

VALIDATION_RESULTS = pa.schema([
    documented("run_id", pa.string(), "publish run", nullable=False),
    documented("table_name", pa.string(), "table validated", nullable=False),
    documented("expectation", pa.string(), "expectation type and column", nullable=False),
    documented("success", pa.bool_(), "whether the batch met it", nullable=False),
    documented("element_count", pa.int64(), "rows checked"),
    documented("unexpected_count", pa.int64(), "rows that failed it"),
    documented("validated_at", TIMESTAMP, "when", nullable=False),
])

QUARANTINE = pa.schema([
    documented("run_id", pa.string(), "publish run", nullable=False),
    documented("table_name", pa.string(), "table the row was meant for", nullable=False),
    documented("article_id", pa.string(), "article whose rows were held back", nullable=False),
    documented("failed_expectations", pa.list_(pa.string()), "expectations this row failed (empty: held back with its article)"),
    documented("row_json", pa.string(), "the rejected row, as JSON", nullable=False),
    documented("quarantined_at", TIMESTAMP, "when", nullable=False),
])

EXTRACT_ERRORS = pa.schema([
    documented("url", pa.string(), "first-page URL of the article that failed", nullable=False),
    documented("source", pa.string(), "configured source"),
    documented("raw_sha256", pa.string(), "SHA-256 of the raw bytes of the page that failed (the first page's when "
               "joining, cleaning or splitting the article failed)", nullable=False),
    documented("error_class", pa.string(), "why, one stable phrase: empty page, no main content, not text … "
               "(the exception's class name for an unexpected error)", nullable=False),
    documented("message", pa.string(), "details, one line", nullable=False),
    documented("run_id", pa.string(), "run", nullable=False),
    documented("failed_at", TIMESTAMP, "when", nullable=False),
])

PUBLISHED_TABLES = {"articles": ARTICLES, "speeches": SPEECHES, "paragraphs": PARAGRAPHS, "speech_terms": SPEECH_TERMS}
# Every table the manifest names: the published ones and speakers, derived from them.
MANIFEST_TABLES = {**PUBLISHED_TABLES, "speakers": SPEAKERS}

_STOP_WORDS = frozenset(
    "我们 你们 他们 这个 那个 一个 一些 这些 那些 以及 进一步 同时 方面 工作 问题 没有 已经 可以 就是 还是 因为 所以 如果 "
    "但是 而且 并且 通过 对于 关于 其中 目前 今年 去年 近年来 一是 二是 三是 四是 五是 第一 第二 第三 第四 第五 不断 更加 "
    "加强 推动 推进 坚持 全面 积极 有效 重要 持续 不仅 还有 为了 以及 之间 之一 其他 进行 开展 实现 提升 提高 一步 一方面 另一方面".split()
)
# The terms kept per speech: its most frequent ones are what top-term reports rank, and the
# long tail would make speech_terms the biggest table by far.
TERMS_PER_SPEECH = 40
_TERM = re.compile(r"^[\u4e00-\u9fff]{2,8}$|^[A-Za-z][A-Za-z0-9\-]{2,}$")


def speaker_id(name: str | None, org: str | None) -> str | None:
    """Stable id of a speaker: the first 16 hex digits of SHA-256 over "name|org", both
    normalised (no inner spaces, Simplified). The same person under another org is another
    speaker id: orgs distinguish namesakes, and posts change while orgs mostly do not."""
    if not name:
        return None
    key = f"{name}|{(org or '').replace(' ', '')}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def terms(text: str) -> Counter[str]:
    import logging

    import jieba  # loads its dictionary on first use; only publishing needs it

    jieba.setLogLevel(logging.WARNING)
    return Counter(word for word in jieba.cut(text) if _TERM.match(word) and word not in _STOP_WORDS)


def _partition(article: Article) -> tuple[int, int]:
    if article.published_at is None:
        return 0, 0
    from pipeline.text.extract.dates import DEFAULT_ZONE

    local = article.published_at.astimezone(DEFAULT_ZONE)
    return local.year, local.month


def rows(articles: Iterable[Article], extracted_at: datetime) -> dict[str, pa.Table]:
    """The rows every published table gets from these articles."""
    out: dict[str, list[dict]] = {name: [] for name in PUBLISHED_TABLES}
    for article in articles:
        year, month = _partition(article)
        body = article.body_text
        out["articles"].append({
            "article_id": article.article_id, "url": article.canonical_url or article.url, "title": article.title,
            "source": article.source or None, "published_at": article.published_at,
            "published_precision": article.published_precision or None, "authors": article.authors,
            "editor": article.editor or None, "photographers": article.photographers,
            "language": article.language or None, "byline": article.byline or None, "body_text": body,
            "n_paragraphs": len(article.paragraphs), "n_speeches": len(article.speeches), "char_count": len(body),
            "raw_sha256": article.raw_sha256, "extracted_at": extracted_at, "pipeline_version": __version__,
            "year": year, "month": month,
        })
        speech_of_paragraph: dict[int, str] = {}
        offsets, position = [], 0
        for text in article.paragraphs:
            offsets.append(position)
            position += len(text) + 1
        for speech in article.speeches:
            speech_key = f"{article.article_id}-{speech.index}"
            for index, start in enumerate(offsets):
                if speech.start_offset <= start < speech.end_offset:
                    speech_of_paragraph[index] = speech_key
            text = "\n".join(speech.paragraphs)
            identity = speaker_id(speech.speaker_name, speech.speaker_org)
            out["speeches"].append({
                "speech_id": speech_key, "article_id": article.article_id, "speech_index": speech.index,
                "speaker_id": identity, "speaker_name": speech.speaker_name or None,
                "speaker_name_raw": speech.speaker_name_raw or None, "speaker_position": speech.speaker_position or None,
                "speaker_org": speech.speaker_org or None, "role": speech.role, "title": speech.title or None,
                "text": text, "n_paragraphs": len(speech.paragraphs), "char_count": len(text),
                "start_offset": speech.start_offset, "end_offset": speech.end_offset,
                "published_at": article.published_at, "year": year, "month": month,
            })
            for term, count in terms(text).most_common(TERMS_PER_SPEECH):
                out["speech_terms"].append({"speech_id": speech_key, "article_id": article.article_id,
                                            "speaker_id": identity, "term": term,
                                            "count": count, "year": year, "month": month})
        for index, text in enumerate(article.paragraphs):
            out["paragraphs"].append({
                "paragraph_id": f"{article.article_id}-{index}", "article_id": article.article_id,
                "speech_id": speech_of_paragraph.get(index), "paragraph_index": index, "text": text,
                "char_count": len(text), "year": year, "month": month,
            })
    return {name: pa.Table.from_pylist(out[name], schema=PUBLISHED_TABLES[name]) for name in PUBLISHED_TABLES}


# The speech columns the speakers table is derived from.
SPEAKER_SOURCE_COLUMNS = ["speaker_id", "speaker_name", "speaker_name_raw", "speaker_position", "speaker_org", "published_at"]


def speakers(speeches: pa.Table) -> pa.Table:
    """The speakers table, derived from every published speech."""
    by_id: dict[str, dict] = {}
    for row in speeches.select(SPEAKER_SOURCE_COLUMNS).to_pylist():
        if row["speaker_id"] is None:
            continue
        entry = by_id.setdefault(row["speaker_id"], {
            "speaker_id": row["speaker_id"], "speaker_name": row["speaker_name"], "speaker_org": row["speaker_org"],
            "names": set(), "posts": {}, "n_speeches": 0,
        })
        entry["n_speeches"] += 1
        if row["speaker_name_raw"]:
            entry["names"].add(row["speaker_name_raw"])
        post = (row["speaker_position"], row["speaker_org"])
        first, last = entry["posts"].get(post, (row["published_at"], row["published_at"]))
        moment = row["published_at"]
        if moment is not None:
            first = moment if first is None or moment < first else first
            last = moment if last is None or moment > last else last
        entry["posts"][post] = (first, last)
    table_rows = [
        {"speaker_id": e["speaker_id"], "speaker_name": e["speaker_name"], "speaker_org": e["speaker_org"],
         "names_seen": sorted(e["names"]),
         "positions_seen": [{"position": p, "org": o, "first_published_at": f, "last_published_at": l}
                            for (p, o), (f, l) in sorted(e["posts"].items(), key=lambda item: (item[0][0] or "", item[0][1] or ""))],
         "n_speeches": e["n_speeches"]}
        for e in sorted(by_id.values(), key=lambda e: e["speaker_id"])
    ]
    return pa.Table.from_pylist(table_rows, schema=SPEAKERS)
