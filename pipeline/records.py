"""The records that flow between stages.

One `Article` travels through extract → clean → split; each stage returns a new record
(`dataclasses.replace`) rather than mutating, so a stage can be rerun on its input alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class ExtractionError(ValueError):
    """A page that cannot be turned into an article; `reason` is one short, stable phrase."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(slots=True, frozen=True)
class Speech:
    """A contiguous stretch of an article attributed to one speaker."""

    index: int
    speaker_name: str
    speaker_name_raw: str
    speaker_position: str
    speaker_org: str
    role: str
    title: str
    paragraphs: tuple[str, ...]
    start_offset: int
    end_offset: int


@dataclass(slots=True)
class Article:
    """One article page, from raw bytes to cleaned paragraphs and speeches."""

    url: str
    article_id: str
    canonical_url: str
    raw_sha256: str
    encoding: str
    title: str = ""
    source: str = ""
    published_at: datetime | None = None
    # How much of published_at the page gave: "time", "day" (midnight stands for no time)
    # or "month" (the 1st stands for no day); "" when published_at is None.
    published_precision: str = ""
    authors: list[str] = field(default_factory=list)
    editor: str = ""
    photographers: list[str] = field(default_factory=list)
    language: str = ""
    # Lines between the headline and the body that name the author or speaker
    # ("国家知识产权局副局长 李明哲" under a speech's title).
    byline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    # Same length as `paragraphs`: each paragraph as the page wrote it (whitespace collapsed
    # only), so the cleaned form never loses the original spelling of a name.
    paragraphs_raw: list[str] = field(default_factory=list)
    speeches: list[Speech] = field(default_factory=list)

    @property
    def body_text(self) -> str:
        """The cleaned body; speech offsets index into this string."""
        return "\n".join(self.paragraphs)


def article_record(article: Article, **extra: object) -> dict[str, object]:
    """The article as a JSON-ready dict (the CLI's output record); `extra` keys come first."""
    return {
        **extra,
        "url": article.canonical_url or article.url,
        "article_id": article.article_id,
        "raw_sha256": article.raw_sha256,
        "encoding": article.encoding,
        "title": article.title,
        "source": article.source,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "published_precision": article.published_precision,
        "authors": article.authors,
        "editor": article.editor,
        "photographers": article.photographers,
        "language": article.language,
        "byline": article.byline,
        "paragraphs": article.paragraphs,
        "speeches": [
            {
                "index": s.index,
                "speaker_name": s.speaker_name,
                "speaker_name_raw": s.speaker_name_raw,
                "speaker_position": s.speaker_position,
                "speaker_org": s.speaker_org,
                "role": s.role,
                "title": s.title,
                "paragraphs": list(s.paragraphs),
                "start_offset": s.start_offset,
                "end_offset": s.end_offset,
            }
            for s in article.speeches
        ],
    }
