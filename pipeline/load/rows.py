"""Table rows from articles: every published table's rows, and the speakers table derived from
the published speeches."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

import pyarrow as pa

from pipeline import __version__
from pipeline.load.terms import TERMS_PER_SPEECH, terms
from pipeline.records import Article, article_fields
from pipeline.warehouse.schemas import ARTICLES, PUBLISHED_TABLES, SPEAKERS, SPEECHES


def speaker_id(name: str | None, org: str | None) -> str | None:
    """Stable id of a speaker: the first 16 hex digits of SHA-256 over "name|org", both
    normalised (no inner spaces, Simplified). The same person under another org is another
    speaker id: orgs distinguish namesakes, and posts change while orgs mostly do not."""
    if not name:
        return None
    key = f"{name}|{(org or '').replace(' ', '')}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _partition(article: Article) -> tuple[int, int]:
    if article.published_at is None:
        return 0, 0
    from pipeline.text.extract.dates import DEFAULT_ZONE

    local = article.published_at.astimezone(DEFAULT_ZONE)
    return local.year, local.month


def _columns(fields: dict[str, object], schema: pa.Schema) -> dict[str, object]:
    """The fields that are columns of `schema`; an empty text is null where the column allows."""
    return {column.name: None if fields[column.name] == "" and column.nullable else fields[column.name]
            for column in schema if column.name in fields}


def rows(articles: Iterable[Article], extracted_at: datetime) -> dict[str, pa.Table]:
    """The rows every published table gets from these articles."""
    out: dict[str, list[dict]] = {name: [] for name in PUBLISHED_TABLES}
    for article in articles:
        year, month = _partition(article)
        body = article.body_text
        fields = article_fields(article)
        out["articles"].append({
            **_columns(fields, ARTICLES), "body_text": body, "n_paragraphs": len(article.paragraphs),
            "n_speeches": len(article.speeches), "char_count": len(body), "extracted_at": extracted_at,
            "pipeline_version": __version__, "year": year, "month": month,
        })
        speech_of_paragraph: dict[int, str] = {}
        offsets, position = [], 0
        for text in article.paragraphs:
            offsets.append(position)
            position += len(text) + 1
        for speech, speech_record in zip(article.speeches, fields["speeches"]):
            speech_key = f"{article.article_id}-{speech.index}"
            for index, start in enumerate(offsets):
                if speech.start_offset <= start < speech.end_offset:
                    speech_of_paragraph[index] = speech_key
            text = "\n".join(speech.paragraphs)
            identity = speaker_id(speech.speaker_name, speech.speaker_org)
            out["speeches"].append({
                **_columns(speech_record, SPEECHES), "speech_id": speech_key, "article_id": article.article_id,
                "speech_index": speech.index, "speaker_id": identity, "text": text,
                "n_paragraphs": len(speech.paragraphs), "char_count": len(text),
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
         "positions_seen": [{"position": p, "org": o, "first_published_at": first, "last_published_at": last}
                            for (p, o), (first, last) in sorted(e["posts"].items(), key=lambda item: (item[0][0] or "", item[0][1] or ""))],
         "n_speeches": e["n_speeches"]}
        for e in sorted(by_id.values(), key=lambda e: e["speaker_id"])
    ]
    return pa.Table.from_pylist(table_rows, schema=SPEAKERS)
