"""A synthetic warehouse of N speeches with realistic shapes, written straight as Parquet
(generated into a temporary directory, never committed).

Speakers follow a Zipf law over 5,000 people in 600 organisations (a few officials speak
very often); speech lengths are log-normal around 900 characters; ten articles' worth of
speeches per article on average; publish dates spread over 2010–2025; each speech has ~12
terms from a vocabulary of 20,000.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.load.rows import speakers
from pipeline.warehouse.layout import partition_file, speakers_file
from pipeline.warehouse.manifest import commit
from pipeline.warehouse.schemas import ARTICLES, QUOTES, SPEAKERS, SPEECH_TERMS, SPEECHES
from pipeline.warehouse.storage import Warehouse
from pipeline.warehouse.tables import write_table

CJK = np.array([chr(c) for c in range(0x4E00, 0x4E00 + 3000)])


def _texts(rng: np.random.Generator, count: int, mean_chars: int) -> list[str]:
    lengths = np.clip(rng.lognormal(np.log(mean_chars), 0.5, count).astype(int), 20, 20_000)
    return ["".join(rng.choice(CJK, size=length)) for length in lengths]


def _chunked_take(values: pa.Array, indices: np.ndarray, chunk: int = 200_000) -> pa.ChunkedArray:
    """`values.take(indices)` in chunks: one string array holds at most 2 GB."""
    return pa.chunked_array([values.take(pa.array(indices[start : start + chunk])) for start in range(0, len(indices), chunk)])


def generate(warehouse: Warehouse, n_speeches: int, seed: int = 7) -> dict[str, int]:
    """Write articles, speeches, speech_terms and speakers for `n_speeches`; returns row counts."""
    rng = np.random.default_rng(seed)
    n_articles = max(1, n_speeches // 10)
    n_people, n_orgs = 5000, 600
    names = [f"人名{index:04d}" for index in range(n_people)]
    orgs = [f"机构{index:03d}局" for index in range(n_orgs)]
    person_org = rng.integers(0, n_orgs, n_people)
    positions = np.array(["局长", "副局长", "院长", "副院长", "主任", "教授", "董事长", "司长", "副市长", "委员"])
    pool = _texts(rng, 2000, 900)  # speech bodies are drawn from a pool: realistic sizes, cheap to make

    start, span = datetime(2010, 1, 1, tzinfo=UTC).timestamp(), 16 * 365 * 86400
    article_time = (start + rng.random(n_articles) * span) * 1e6
    article_ids = [hashlib.sha256(str(i).encode()).hexdigest()[:16] for i in range(n_articles)]
    article_of = np.sort(rng.integers(0, n_articles, n_speeches))
    person = np.minimum(rng.zipf(1.3, n_speeches) - 1, n_people - 1)
    body = rng.integers(0, len(pool), n_speeches)
    lengths = np.array([len(text) for text in pool])[body]
    times = pa.array(article_time[article_of].astype("int64"), pa.timestamp("us", tz="UTC"))
    years = pc.year(pc.assume_timezone(pc.cast(times, pa.timestamp("us")), "UTC")).cast(pa.int16())
    months = pc.month(pc.cast(times, pa.timestamp("us"))).cast(pa.int8())
    index_in_article = np.zeros(n_speeches, dtype=np.int16)
    boundaries = np.r_[0, np.flatnonzero(np.diff(article_of)) + 1]
    for first, last in zip(boundaries, np.r_[boundaries[1:], n_speeches]):
        index_in_article[first:last] = np.arange(last - first)
    speaker_ids = [hashlib.sha256(f"{names[p]}|{orgs[person_org[p]]}".encode()).hexdigest()[:16] for p in range(n_people)]
    aid = pa.array(article_ids).take(pa.array(article_of))
    speech_ids = pc.binary_join_element_wise(aid, pa.array(index_in_article.astype(str)), "-")
    speeches_table = pa.table({
        "speech_id": speech_ids, "article_id": aid, "speech_index": pa.array(index_in_article),
        "speaker_id": pa.array(speaker_ids).take(pa.array(person)), "speaker_name": pa.array(names).take(pa.array(person)),
        "speaker_name_raw": pa.array(names).take(pa.array(person)),
        "speaker_position": pa.array(positions[rng.integers(0, len(positions), n_speeches)]),
        "speaker_org": pa.array(orgs).take(pa.array(person_org[person])),
        "role": pa.array(np.where(rng.random(n_speeches) < 0.8, "speaker", "guest")).dictionary_encode(),
        "title": pa.nulls(n_speeches, pa.string()), "speaker_label": pa.nulls(n_speeches, pa.string()),
        "canonical_id": speech_ids, "text": _chunked_take(pa.array(pool), body),
        "n_paragraphs": pa.array(np.maximum(1, lengths // 200).astype("int32")), "char_count": pa.array(lengths.astype("int32")),
        "start_offset": pa.array(np.zeros(n_speeches, "int32")), "end_offset": pa.array(lengths.astype("int32")),
        "published_at": times, "year": years, "month": months,
    }).cast(SPEECHES)
    counts = np.bincount(article_of, minlength=n_articles)
    a_times = pa.array(article_time.astype("int64"), pa.timestamp("us", tz="UTC"))
    articles_table = pa.table({
        "article_id": pa.array(article_ids), "url": pa.array([f"https://news.example/a/{i}.html" for i in range(n_articles)]),
        "canonical_url": pa.array([f"https://news.example/a/{i}.html" for i in range(n_articles)]),
        "title": pa.array([f"论坛文章{i}" for i in range(n_articles)]), "source": pa.array(["中国知识产权报"] * n_articles),
        "published_at": a_times, "published_precision": pa.array(["time"] * n_articles).dictionary_encode(),
        "authors": pa.array([["记者甲"]] * n_articles), "editor": pa.array(["编辑乙"] * n_articles),
        "photographers": pa.array([[]] * n_articles, pa.list_(pa.string())),
        "language": pa.array(["zh-Hans"] * n_articles).dictionary_encode(), "byline": pa.nulls(n_articles, pa.string()),
        "body_text": pa.array(["……"] * n_articles), "n_paragraphs": pa.array((counts * 3).astype("int32")),
        "n_speeches": pa.array(counts.astype("int32")), "char_count": pa.array((counts * 900).astype("int32")),
        "raw_sha256": pa.array(["0" * 64] * n_articles), "canonical_id": pa.array(article_ids), "extracted_at": a_times,
        "pipeline_version": pa.array(["bench"] * n_articles),
        "year": pc.year(pc.cast(a_times, pa.timestamp("us"))).cast(pa.int16()),
        "month": pc.month(pc.cast(a_times, pa.timestamp("us"))).cast(pa.int8()),
    }).cast(ARTICLES)
    vocabulary = pa.array([f"词{index:05d}" for index in range(20_000)])
    per_speech = 12
    term_speech = np.repeat(np.arange(n_speeches), per_speech)
    terms_table = pa.table({
        "speech_id": speech_ids.take(pa.array(term_speech)), "article_id": aid.take(pa.array(term_speech)),
        "speaker_id": speeches_table["speaker_id"].take(pa.array(term_speech)),
        "term": vocabulary.take(pa.array(np.minimum(rng.zipf(1.2, len(term_speech)) - 1, 19_999))),
        "count": pa.array(rng.integers(1, 9, len(term_speech)).astype("int32")),
        "year": speeches_table["year"].take(pa.array(term_speech)), "month": speeches_table["month"].take(pa.array(term_speech)),
    }).cast(SPEECH_TERMS)

    manifest = {"version": 1, "committed_at": datetime.now(UTC).isoformat(), "run_id": "generated", "tables": {}}
    for name, table in (("articles", articles_table), ("speeches", speeches_table), ("speech_terms", terms_table)):
        files = []
        keys = pc.add(pc.multiply(table["year"].cast(pa.int32()), 100), table["month"].cast(pa.int32()))
        for key in np.unique(keys.to_numpy()):
            part = table.filter(pc.equal(keys, int(key)))
            relative = partition_file(name, int(key) // 100, int(key) % 100, version=1)
            write_table(warehouse, relative, part)
            files.append(relative)
        manifest["tables"][name] = sorted(files)
    speakers_relative = speakers_file(version=1)
    write_table(warehouse, speakers_relative, speakers(speeches_table, QUOTES.empty_table()).cast(SPEAKERS))
    manifest["tables"]["speakers"] = [speakers_relative]
    manifest["tables"]["paragraphs"] = []
    if not commit(warehouse, manifest):
        raise RuntimeError(f"{warehouse.uri} already holds a published version; generate into an empty warehouse")
    return {"articles": articles_table.num_rows, "speeches": n_speeches, "speech_terms": terms_table.num_rows}
