"""Every table's schema, defined once, here, with column docs (Parquet field metadata "doc"):
the raw archive's, the published tables', and the records of each run (validation results,
quarantine, extract errors). Everything else (row building, validation frames, the DuckDB
catalog, the report) takes its columns from these schemas.
"""

from __future__ import annotations

import pyarrow as pa


def documented(name: str, kind: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    """A schema field carrying its documentation (Parquet field metadata "doc")."""
    return pa.field(name, kind, nullable=nullable, metadata={"doc": doc})


def documented_table(doc: str, fields: list[pa.Field]) -> pa.Schema:
    """A table's schema carrying what one row is (Parquet schema metadata "doc")."""
    return pa.schema(fields, metadata={"doc": doc})


TIMESTAMP = pa.timestamp("us", tz="UTC")
# Hive partitions: the values live in the folder names (year=2024/month=03), never inside the
# files, so that readers pointed at a table's folder (pandas, polars, pyarrow.dataset, Spark)
# take them from there without a type conflict (pipeline.warehouse.tables).
PARTITION_COLUMNS = ("year", "month")
_PARTITION_FIELDS = [
    documented("year", pa.int16(), "publish year (Asia/Shanghai), hive partition; 0 when unknown", nullable=False),
    documented("month", pa.int8(), "publish month, hive partition; 0 when unknown", nullable=False),
]
_PUBLISHED_DATE_DOC = ("publish day as the page gives it, in the page's zone (Asia/Shanghai unless stated): the day to "
                       "count and filter by, where published_at's UTC date can be the day before")

# The raw archive (bronze): see pipeline.warehouse.archive.
RAW_PAGES_SCHEMA = documented_table("the raw archive: one row per page fetched, its body as received", [
    documented("url", pa.string(), "requested URL, canonicalised", nullable=False),
    documented("final_url", pa.string(), "URL after redirects"),
    documented("kind", pa.string(), "article | listing | sitemap | feed", nullable=False),
    documented("article_url", pa.string(), "URL of page 1 of the article this page belongs to (articles only)"),
    documented("page_number", pa.int16(), "1 for single pages; n for page n of a multi-page article"),
    documented("status", pa.int16(), "HTTP status", nullable=False),
    documented("content_type", pa.string(), "Content-Type header"),
    documented("charset", pa.string(), "charset named by the Content-Type header, if any"),
    documented("etag", pa.string(), "ETag header, for conditional revisits"),
    documented("last_modified", pa.string(), "Last-Modified header, for conditional revisits"),
    documented("fetched_at", TIMESTAMP, "when the response arrived", nullable=False),
    documented("sha256", pa.string(), "SHA-256 of body", nullable=False),
    documented("body", pa.binary(), "the response body as received (after transfer decoding)", nullable=False),
    documented("source", pa.string(), "name of the configured source", nullable=False),
    documented("run_id", pa.string(), "crawl run that fetched it", nullable=False),
])

FETCH_ERRORS_SCHEMA = documented_table("one row per URL the crawler gave up on, and why", [
    documented("url", pa.string(), "URL that failed", nullable=False),
    documented("kind", pa.string(), "article | listing | sitemap | feed | robots", nullable=False),
    documented("error_class", pa.string(), "HTTP 404, ConnectError, ReadTimeout, BodyTooLarge, RobotsDisallowed …", nullable=False),
    documented("message", pa.string(), "readable description", nullable=False),
    documented("attempts", pa.int16(), "requests made before giving up (0: never requested)", nullable=False),
    documented("status", pa.int16(), "HTTP status of the last answer, if there was one"),
    documented("failed_at", TIMESTAMP, "when the crawler gave up", nullable=False),
    documented("source", pa.string(), "name of the configured source", nullable=False),
    documented("run_id", pa.string(), "crawl run", nullable=False),
])

CRAWL_STATE_SCHEMA = documented_table("one row per known URL: what the crawler last saw of it", [
    documented("url", pa.string(), "canonicalised URL", nullable=False),
    documented("kind", pa.string(), "article | listing | sitemap | feed", nullable=False),
    documented("article_url", pa.string(), "page 1 of the article (articles only)"),
    documented("page_number", pa.int16(), "page within the article"),
    documented("etag", pa.string(), "last ETag seen"),
    documented("last_modified", pa.string(), "last Last-Modified seen"),
    documented("sha256", pa.string(), "SHA-256 of the last body archived"),
    documented("last_status", pa.int16(), "status of the last answer (304 included)"),
    documented("first_seen", TIMESTAMP, "first fetch", nullable=False),
    documented("last_fetched", TIMESTAMP, "last time a body was archived"),
    documented("last_checked", TIMESTAMP, "last request of any outcome", nullable=False),
    documented("source", pa.string(), "name of the configured source", nullable=False),
])


# The published tables (silver).
ARTICLES = documented_table("one row per published article (its latest extraction); each story once: canonical_id = article_id", [
    documented("article_id", pa.string(), "16 hex digits of the SHA-256 of the canonical URL", nullable=False),
    documented("url", pa.string(), "URL the article was fetched from (its first page, after redirects)", nullable=False),
    documented("canonical_url", pa.string(), "URL the page declares canonical (<link rel=canonical>, og:url), which may be "
               "on the site it was copied from; `url` when it declares none", nullable=False),
    documented("title", pa.string(), "headline", nullable=False),
    documented("source", pa.string(), "publication named as 来源"),
    documented("published_at", TIMESTAMP, "publish time (UTC instant; the page's zone is Asia/Shanghai unless stated)"),
    documented("published_date", pa.date32(), "the " + _PUBLISHED_DATE_DOC),
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
    documented("canonical_id", pa.string(), "the article this one copies, the earliest published of its near-duplicates "
               "(pipeline.load.dedup); its own article_id when unique", nullable=False),
    documented("extracted_at", TIMESTAMP, "when this row was extracted", nullable=False),
    documented("pipeline_version", pa.string(), "forum-etl version that extracted it", nullable=False),
    *_PARTITION_FIELDS,
])

SPEECHES = documented_table("one row per speech of a forum article, split by speaker; each once: canonical_id = speech_id", [
    documented("speech_id", pa.string(), "article_id-index, stable", nullable=False),
    documented("article_id", pa.string(), "the article it belongs to", nullable=False),
    documented("speech_index", pa.int16(), "order within the article, from 0", nullable=False),
    documented("speaker_id", pa.string(), "one person, across articles, orgs given or not, and scripts "
               "(see pipeline.load.identity); null when anonymous"),
    documented("speaker_name", pa.string(), "normalised name (no inner spaces, Simplified); null when anonymous"),
    documented("speaker_name_raw", pa.string(), "name as the page wrote it"),
    documented("speaker_position", pa.string(), "post, e.g. 局长, 检察委员会副部级专职委员"),
    documented("speaker_org", pa.string(), "organisation, e.g. 国家知识产权局"),
    documented("role", pa.dictionary(pa.int8(), pa.string()), "speaker | host | journalist | guest | audience", nullable=False),
    documented("title", pa.string(), "speech heading, if any"),
    documented("speaker_label", pa.string(), "the turn's label or the keynote's speaker line as written (王强：, 北京市副市长 殷 勇)"),
    documented("canonical_id", pa.string(), "the speech this one copies (the earliest published of its near-duplicates, also "
               "inside a shorter or longer article); its own speech_id when unique", nullable=False),
    documented("text", pa.string(), "the speech without its label or heading, paragraphs joined by newlines", nullable=False),
    documented("n_paragraphs", pa.int32(), "paragraphs in the speech", nullable=False),
    documented("char_count", pa.int32(), "characters in text", nullable=False),
    documented("start_offset", pa.int32(), "offset of the speech in the article's body_text", nullable=False),
    documented("end_offset", pa.int32(), "end offset (exclusive) in body_text", nullable=False),
    documented("published_at", TIMESTAMP, "the article's publish time (UTC instant)"),
    documented("published_date", pa.date32(), "the article's " + _PUBLISHED_DATE_DOC),
    *_PARTITION_FIELDS,
])

QUOTES = documented_table("one row per statement reported in narrative news (who said what); each once: canonical_id = quote_id", [
    documented("quote_id", pa.string(), "article_id-q-index, stable", nullable=False),
    documented("article_id", pa.string(), "the article it is quoted in", nullable=False),
    documented("raw_sha256", pa.string(), "SHA-256 of the article's raw page (lineage to the archive)", nullable=False),
    documented("quote_index", pa.int16(), "order within the article, from 0", nullable=False),
    documented("speaker_id", pa.string(), "one person, as in speeches (see pipeline.load.identity); null for offices and "
               "organisations"),
    documented("speaker_name", pa.string(), "a person's normalised name; an office or organisation as written", nullable=False),
    documented("speaker_name_raw", pa.string(), "the words naming the speaker in the clause (他, 申局长, 申长雨)"),
    documented("speaker_position", pa.string(), "the person's post as the article states it"),
    documented("speaker_org", pa.string(), "the person's or office's organisation"),
    documented("speaker_kind", pa.dictionary(pa.int8(), pa.string()), "person | office | organisation", nullable=False),
    documented("cue", pa.string(), "the cue verb as written: 表示, 指出, 说, 称, …", nullable=False),
    documented("kind", pa.dictionary(pa.int8(), pa.string()), "direct (quoted words) | indirect (reported content)", nullable=False),
    documented("via", pa.dictionary(pa.int8(), pa.string()), "name (the clause names the speaker) | coref (a pronoun or short "
               "form resolved to someone named earlier)", nullable=False),
    documented("text", pa.string(), "the attributed content", nullable=False),
    documented("canonical_id", pa.string(), "the quote this one repeats (same speaker, same words, earliest published); "
               "its own quote_id when unique", nullable=False),
    documented("paragraph_index", pa.int32(), "the paragraph it is in", nullable=False),
    documented("start_offset", pa.int32(), "offset of the content in the article's body_text", nullable=False),
    documented("end_offset", pa.int32(), "end offset (exclusive) in body_text", nullable=False),
    documented("published_at", TIMESTAMP, "the article's publish time (UTC instant)"),
    documented("published_date", pa.date32(), "the article's " + _PUBLISHED_DATE_DOC),
    *_PARTITION_FIELDS,
])

PARAGRAPHS = documented_table("one row per cleaned body paragraph, with the speech it belongs to", [
    documented("paragraph_id", pa.string(), "article_id-index", nullable=False),
    documented("article_id", pa.string(), "the article", nullable=False),
    documented("speech_id", pa.string(),
               "the speech whose text it holds; null for the lead, headings, speaker lines and unattributed text"),
    documented("paragraph_index", pa.int32(), "order in the body, from 0", nullable=False),
    documented("text", pa.string(), "cleaned paragraph", nullable=False),
    documented("char_count", pa.int32(), "characters", nullable=False),
    *_PARTITION_FIELDS,
])

_NAME_SEEN = pa.struct([("name", pa.string()), ("first_published_at", TIMESTAMP), ("last_published_at", TIMESTAMP)])
_SEEN = pa.struct([("position", pa.string()), ("org", pa.string()),
                   ("first_published_at", TIMESTAMP), ("last_published_at", TIMESTAMP)])
SPEAKERS = documented_table("one row per person (speaker_id), derived from every published speech and quote", [
    documented("speaker_id", pa.string(), "one person (see pipeline.load.identity)", nullable=False),
    documented("speaker_name", pa.string(), "normalised name (Simplified, no spaces)", nullable=False),
    documented("speaker_org", pa.string(), "the organisation most often given with their speeches"),
    documented("names_seen", pa.list_(_NAME_SEEN), "spellings seen (宮 鳴, 宫 鸣), with first and last publish time"),
    documented("positions_seen", pa.list_(_SEEN), "posts and orgs seen, with first and last publish time"),
    documented("n_speeches", pa.int32(), "speeches published, each once however often republished", nullable=False),
    documented("n_quotes", pa.int32(), "statements quoted in narrative news (the quotes table), each once", nullable=False),
])

SPEECH_TERMS = documented_table("one row per speech and term: its most frequent words (jieba)", [
    documented("speech_id", pa.string(), "the speech", nullable=False),
    documented("article_id", pa.string(), "the article of the speech", nullable=False),
    documented("speaker_id", pa.string(), "its speaker (null when anonymous)"),
    documented("term", pa.string(), "one of the speech's 40 most frequent words (jieba, stop words removed)", nullable=False),
    documented("count", pa.int32(), "occurrences in the speech", nullable=False),
    *_PARTITION_FIELDS,
])

VALIDATION_RESULTS = documented_table("one row per expectation checked, per publish run", [
    documented("run_id", pa.string(), "publish run", nullable=False),
    documented("table_name", pa.string(), "table validated", nullable=False),
    documented("expectation", pa.string(), "expectation type and column", nullable=False),
    documented("success", pa.bool_(), "whether the batch met it", nullable=False),
    documented("element_count", pa.int64(), "rows checked"),
    documented("unexpected_count", pa.int64(), "rows that failed it"),
    documented("validated_at", TIMESTAMP, "when", nullable=False),
])

QUARANTINE = documented_table("one row per row validation held back, with the expectations it failed", [
    documented("run_id", pa.string(), "publish run", nullable=False),
    documented("table_name", pa.string(), "table the row was meant for", nullable=False),
    documented("article_id", pa.string(), "article whose rows were held back", nullable=False),
    documented("failed_expectations", pa.list_(pa.string()), "expectations this row failed (empty: held back with its article)"),
    documented("row_json", pa.string(), "the rejected row, as JSON", nullable=False),
    documented("quarantined_at", TIMESTAMP, "when", nullable=False),
])

EXTRACT_ERRORS = documented_table("one row per archived page that could not become an article, and why", [
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

# One row per run of crawl, publish or reprocess (pipeline.runs): what an on-call person asks
# first, in one place, as dbt's run_results.json.
RUNS = documented_table("one row per run of crawl, publish or reprocess: its summary", [
    documented("run_id", pa.string(), "the run (the run_id of its fetch_errors, extract_errors, validation rows …)",
               nullable=False),
    documented("command", pa.string(), "crawl | publish | reprocess", nullable=False),
    documented("status", pa.string(), "success | failed", nullable=False),
    documented("exit_code", pa.int8(), "the command's exit status (0 success, 1 failed, 2 usage)", nullable=False),
    documented("failed_because", pa.string(), "why the run failed, one sentence naming the commonest causes"),
    documented("started_at", TIMESTAMP, "when the run began", nullable=False),
    documented("ended_at", TIMESTAMP, "when it ended", nullable=False),
    documented("seconds", pa.float64(), "how long it took", nullable=False),
    documented("counts", pa.map_(pa.string(), pa.int64()), "what it did: discovered, fetched, failed, published, …"),
    documented("failures", pa.map_(pa.string(), pa.int64()), "failed URLs or pages per error class"),
    documented("durations", pa.map_(pa.string(), pa.float64()), "seconds per stage"),
    documented("versions", pa.map_(pa.string(), pa.string()), "versions of forum-etl, Python and the key libraries"),
    documented("arguments", pa.map_(pa.string(), pa.string()), "the options and settings it ran with"),
])

# The near-duplicate index (pipeline.load.dedup), kept with the warehouse so that every new item
# is matched against all earlier ones; one file per publish, rows never rewritten.
DEDUP_INDEX = documented_table("the near-duplicate index: one row per published article, speech and quote", [
    documented("item_kind", pa.dictionary(pa.int8(), pa.string()), "article | speech | quote", nullable=False),
    documented("item_id", pa.string(), "article_id, speech_id or quote_id", nullable=False),
    documented("canonical_id", pa.string(), "its canonical item", nullable=False),
    documented("published_at", TIMESTAMP, "publish time (order of election)"),
    documented("exact_sha256", pa.string(), "SHA-256 of the compared text (exact copies)", nullable=False),
    documented("n_shingles", pa.int32(), "character shingles of the compared text", nullable=False),
    documented("signature", pa.binary(), "MinHash values (uint32, little-endian); empty under the shingle minimum"),
])

# Publish rewrites them in this order: speeches and quotes before speech_terms, whose speaker ids come from speeches.
PUBLISHED_TABLES = {"articles": ARTICLES, "speeches": SPEECHES, "quotes": QUOTES, "paragraphs": PARAGRAPHS,
                    "speech_terms": SPEECH_TERMS}
# Every table the manifest names: the published ones and speakers, derived from them.
MANIFEST_TABLES = {**PUBLISHED_TABLES, "speakers": SPEAKERS, "dedup_index": DEDUP_INDEX}
