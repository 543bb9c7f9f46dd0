"""The records that flow between stages.

One `Article` travels through extract → clean → split; each stage returns a new record
(`dataclasses.replace`) rather than mutating, so a stage can be rerun on its input alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")

# An error message is kept to one line of this length: it goes to stderr and into a table.
_MESSAGE_CHARS = 500


class ExtractionError(ValueError):
    """A page that cannot be turned into an article; `reason` is one short, stable phrase."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(slots=True, frozen=True)
class PageFailure:
    """Why a page did not become an article: one row of `extract_errors`."""

    error_class: str  # an ExtractionError's reason, else the exception's class name
    message: str  # one line
    raw_sha256: str  # of the raw bytes of the page that failed

    @classmethod
    def of(cls, error: Exception, raw: bytes) -> PageFailure:
        if isinstance(error, ExtractionError):
            error_class, message = error.reason, error.detail
        else:
            error_class, message = type(error).__name__, str(error)
        return cls(error_class, " ".join(message.split())[:_MESSAGE_CHARS], hashlib.sha256(raw).hexdigest())

    def __str__(self) -> str:
        return f"{self.error_class}: {self.message}" if self.message else self.error_class


def page_outcome(raw: bytes, make: Callable[..., T], *args: object, **kwargs: object) -> T | PageFailure:
    """What `make(*args, **kwargs)` returns, or the failure of the page `raw` when it raises.

    Hostile or broken input can raise anything in the libraries a page passes through
    (UnicodeError from a codec, RecursionError from a parser), and it must cost that page
    only. Running out of memory and interrupts still stop the run: no page explains them.
    """
    try:
        return make(*args, **kwargs)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 (every page error is recorded, see above)
        return PageFailure.of(error, raw)


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
    speaker_label: str  # the label or speaker line as written ("王强：", "北京市副市长 殷 勇"); not in the text
    paragraphs: tuple[str, ...]
    start_offset: int
    end_offset: int


@dataclass(slots=True, frozen=True)
class Quote:
    """A statement that narrative news attributes to a speaker (see pipeline.text.quotes)."""

    index: int
    speaker_name: str  # a person's normalised name; an office or organisation as written (Simplified)
    speaker_name_raw: str  # the words that name the speaker in the clause ("他", "申局长", "申长雨")
    speaker_org: str
    speaker_position: str
    speaker_kind: str  # person | office | organisation
    cue: str  # the verb as written: 表示, 指出, 说, …
    kind: str  # direct (quoted words) | indirect (reported content)
    via: str  # name (the clause names the speaker) | coref (resolved to someone named earlier)
    text: str  # the attributed content
    paragraph: int  # index into the article's paragraphs
    start_offset: int  # into body_text
    end_offset: int


@dataclass(slots=True)
class Article:
    """One article page, from raw bytes to cleaned paragraphs and speeches."""

    url: str  # the page fetched
    article_id: str
    canonical_url: str  # the URL the page declares its own (often on the site it was copied from), else `url`
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
    quotes: list[Quote] = field(default_factory=list)

    @property
    def body_text(self) -> str:
        """The cleaned body; speech offsets index into this string."""
        return "\n".join(self.paragraphs)


def article_fields(article: Article) -> dict[str, object]:
    """The article's fields by name, its speeches as dicts: the one mapping of an `Article` to
    named fields, from which the CLI's records and the published tables' rows are both made."""
    return {
        "url": article.url,
        "canonical_url": article.canonical_url or article.url,
        "article_id": article.article_id,
        "raw_sha256": article.raw_sha256,
        "encoding": article.encoding,
        "title": article.title,
        "source": article.source,
        "published_at": article.published_at,
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
                "speaker_label": s.speaker_label,
                "paragraphs": list(s.paragraphs),
                "start_offset": s.start_offset,
                "end_offset": s.end_offset,
            }
            for s in article.speeches
        ],
        "quotes": [dataclasses.asdict(q) for q in article.quotes],
    }


def article_record(article: Article, **extra: object) -> dict[str, object]:
    """The article as a JSON-ready dict (the CLI's output record); `extra` keys come first."""
    fields = article_fields(article)
    published = fields["published_at"]
    return {**extra, **fields, "published_at": published.isoformat() if published else None}
