"""Table rows from articles: every published table's rows, and the speakers table derived from
the published speeches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

import pyarrow as pa

from pipeline import __version__
from pipeline.load.identity import name_id
from pipeline.load.terms import TERMS_PER_SPEECH, terms
from pipeline.records import Article, article_fields
from pipeline.warehouse.schemas import ARTICLES, PUBLISHED_TABLES, SPEAKERS, SPEECHES


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


# The tables with many rows per article are built column by column: a dict per row, then
# pyarrow reading each row's dict back, cost more than the speech terms' segmentation.
_BY_COLUMN = ("speech_terms", "paragraphs")


def rows(articles: Iterable[Article], extracted_at: datetime) -> dict[str, pa.Table]:
    """The rows every published table gets from these articles."""
    out: dict[str, list[dict]] = {name: [] for name in PUBLISHED_TABLES if name not in _BY_COLUMN}
    columns: dict[str, dict[str, list]] = {name: {column: [] for column in PUBLISHED_TABLES[name].names} for name in _BY_COLUMN}
    term_columns, paragraph_columns = columns["speech_terms"], columns["paragraphs"]
    for article in articles:
        year, month = _partition(article)
        # The day in the page's own zone (published_at keeps it until Arrow stores the UTC instant).
        published_date = article.published_at.date() if article.published_at else None
        body = article.body_text
        fields = article_fields(article)
        out["articles"].append({
            **_columns(fields, ARTICLES), "canonical_id": article.article_id,  # until publish finds its copies
            "published_date": published_date,
            "body_text": body, "n_paragraphs": len(article.paragraphs),
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
            for index, (start, text) in enumerate(zip(offsets, article.paragraphs, strict=True)):
                if start < speech.end_offset and start + len(text) > speech.start_offset:  # the paragraph holds speech text
                    speech_of_paragraph[index] = speech_key
            text = "\n".join(speech.paragraphs)
            identity = name_id(speech.speaker_name)  # until publish resolves namesakes (pipeline.load.identity)
            out["speeches"].append({
                **_columns(speech_record, SPEECHES), "speech_id": speech_key, "canonical_id": speech_key,
                "article_id": article.article_id,
                "speech_index": speech.index, "speaker_id": identity, "text": text,
                "n_paragraphs": len(speech.paragraphs), "char_count": len(text),
                "published_at": article.published_at, "published_date": published_date, "year": year, "month": month,
            })
            top = terms(text).most_common(TERMS_PER_SPEECH)
            for column, value in (("speech_id", speech_key), ("article_id", article.article_id), ("speaker_id", identity),
                                  ("year", year), ("month", month)):
                term_columns[column] += [value] * len(top)
            term_columns["term"] += [term for term, _ in top]
            term_columns["count"] += [count for _, count in top]
        for quote in article.quotes:
            out["quotes"].append({
                "quote_id": f"{article.article_id}-q{quote.index}", "canonical_id": f"{article.article_id}-q{quote.index}",
                "article_id": article.article_id,
                "raw_sha256": article.raw_sha256, "quote_index": quote.index,
                # offices and organisations are no person: no person id
                "speaker_id": name_id(quote.speaker_name) if quote.speaker_kind == "person" else None,
                **{name: getattr(quote, name) for name in ("speaker_name", "speaker_name_raw", "speaker_kind", "cue", "kind", "via",
                                                           "text", "start_offset", "end_offset")},
                "speaker_position": quote.speaker_position or None, "speaker_org": quote.speaker_org or None,
                "paragraph_index": quote.paragraph, "published_at": article.published_at, "published_date": published_date,
                "year": year, "month": month,
            })
        count = len(article.paragraphs)
        paragraph_columns["paragraph_id"] += [f"{article.article_id}-{index}" for index in range(count)]
        paragraph_columns["speech_id"] += [speech_of_paragraph.get(index) for index in range(count)]
        paragraph_columns["paragraph_index"] += range(count)
        paragraph_columns["text"] += article.paragraphs
        paragraph_columns["char_count"] += map(len, article.paragraphs)
        for column, value in (("article_id", article.article_id), ("year", year), ("month", month)):
            paragraph_columns[column] += [value] * count
    return {name: pa.Table.from_pydict(columns[name], schema=PUBLISHED_TABLES[name]) if name in _BY_COLUMN
            else pa.Table.from_pylist(out[name], schema=PUBLISHED_TABLES[name]) for name in PUBLISHED_TABLES}


# The speech and quote columns the speakers table is derived from.
SPEAKER_SOURCE_COLUMNS = ["speaker_id", "speaker_name", "speaker_name_raw", "speaker_position", "speaker_org", "published_at",
                          "speech_id", "canonical_id"]
QUOTE_SOURCE_COLUMNS = [*SPEAKER_SOURCE_COLUMNS[:-2], "quote_id", "canonical_id", "via"]


def _widen(span: tuple[datetime | None, datetime | None], moment: datetime | None) -> tuple[datetime | None, datetime | None]:
    """The (first, last) span stretched to cover `moment`."""
    first, last = span
    if moment is None:
        return span
    return (moment if first is None or moment < first else first, moment if last is None or moment > last else last)


def speakers(speeches: pa.Table, quotes: pa.Table) -> pa.Table:
    """The speakers table, derived from every published speech and quote of a person: one row
    per speaker_id, with every spelling, post and org seen and when (a career reads as one
    row), and how often they gave a speech and were quoted."""
    by_id: dict[str, dict] = {}
    statements = [("n_speeches", row, row["speech_id"]) for row in speeches.select(SPEAKER_SOURCE_COLUMNS).to_pylist()]
    statements += [("n_quotes", row, row["quote_id"]) for row in quotes.select(QUOTE_SOURCE_COLUMNS).to_pylist()]
    for count, row, own_id in statements:
        if row["speaker_id"] is None:
            continue
        entry = by_id.setdefault(row["speaker_id"], {"names": {}, "posts": {}, "orgs": Counter(), "n_speeches": 0, "n_quotes": 0})
        entry[count] += row["canonical_id"] in (None, own_id)  # a copy of a speech or quote counts once
        moment = row["published_at"]
        if row.get("via", "name") == "name":  # "他" or "申局长" is no spelling of the name
            spelling = row["speaker_name_raw"] or row["speaker_name"]
            entry["names"][spelling] = _widen(entry["names"].get(spelling, (None, None)), moment)
        post = (row["speaker_position"], row["speaker_org"])
        entry["posts"][post] = _widen(entry["posts"].get(post, (None, None)), moment)
        entry["orgs"][row["speaker_org"]] += bool(row["speaker_org"])
        entry.setdefault("name", row["speaker_name"])
    table_rows = [
        {"speaker_id": speaker_id, "speaker_name": e["name"],
         "speaker_org": max(e["orgs"].items(), key=lambda item: (item[1], item[0] or ""))[0] if any(e["orgs"].values()) else None,
         "names_seen": [{"name": name, "first_published_at": first, "last_published_at": last}
                        for name, (first, last) in sorted(e["names"].items())],
         "positions_seen": [{"position": p, "org": o, "first_published_at": first, "last_published_at": last}
                            for (p, o), (first, last) in sorted(e["posts"].items(), key=lambda item: (item[0][0] or "", item[0][1] or ""))],
         "n_speeches": e["n_speeches"], "n_quotes": e["n_quotes"]}
        for speaker_id, e in sorted(by_id.items())
    ]
    return pa.Table.from_pylist(table_rows, schema=SPEAKERS)
