"""A static HTML report of the published speeches, for an analyst with a browser and no server
or network: every page holds its own styles and scripts (no CDN, no fonts fetched), charts are
inline SVG with axes and units, and big tables are JSON in the page, drawn a page of rows at a
time by a small script (sort, search, paging), so a large warehouse makes large data, not a
large DOM.

  index.html           figures, charts, top terms, validation runs (with their Data Docs)
  speeches.html        every speech: speaker, organisation, position, title, article, day
  speakers.html        every speaker, each linking to
  speakers/ID.html     one person: names and posts over time, speeches and quotes with links
  quarantine.html      rows held back by validation, with the expectations they failed

The report's own words are English (ASCII), so they stay legible on a machine without a CJK
font; Chinese values are marked lang="zh" and rendered with the font stack in report.css.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from datetime import UTC, date, datetime
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from pipeline.serve.catalog import open_catalog
from pipeline.serve.charts import Bar, bars, monthly_columns
from pipeline.warehouse.storage import Warehouse

TOP_SPEAKERS = 15
QUOTED_ROWS = 30
TERM_SPEAKERS = 6
EXCERPT_CHARS = 100  # of a speech, on its speaker's page
SPEAKER_DIR = "speakers"
# The day a row was published: its published_date (the page's own day), or for rows published
# before that column existed the local (Asia/Shanghai) day of the UTC instant.
PUBLISH_DAY_MACRO = ("CREATE TEMP MACRO publish_day(day, instant) AS "
                     "coalesce(day, CAST(instant AT TIME ZONE 'Asia/Shanghai' AS DATE))")
# The same for times that carry no day of their own (a speaker's first and last appearance).
INSTANT_DAY_MACRO = "CREATE TEMP MACRO instant_day(instant) AS CAST(instant AT TIME ZONE 'Asia/Shanghai' AS DATE)"
_ASSETS = resources.files(__package__).joinpath("report_assets")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


REPORT = "report"  # the report's folder inside the warehouse


def speaker_file(speaker_id: str) -> str:
    """A speaker's page, relative to the report folder."""
    return f"{SPEAKER_DIR}/{_UNSAFE_NAME.sub('_', speaker_id)}.html"


def speaker_label(name: str | None, org: str | None) -> str:
    """A person as the charts and tables name them: the organisation beside the name tells
    namesakes apart."""
    return f"{name or '(unnamed)'} · {org}" if org else (name or "(unnamed)")


def _zh(text: object) -> str:
    """Data text, escaped, marked Chinese so a browser picks a CJK face for it."""
    return f'<span lang="zh">{escape(str(text))}</span>' if text not in (None, "") else ""


def _day(value: date | datetime | None) -> str:
    return value.isoformat()[:10] if value else ""


def _day_cell(value: date | datetime | None) -> str:
    return f'<span class="day">{_day(value)}</span>'


def _json(data) -> str:
    """JSON for a block a script reads; "<" escaped so no value can end the block."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_day).replace("<", "\\u003c")


def _embedded_json(element_id: str, data: dict) -> str:
    return f'<script type="application/json" id="{element_id}">{_json(data)}</script>'


@functools.cache  # read once, not once per page (a report has a page per speaker)
def _asset(name: str) -> str:
    return _ASSETS.joinpath(name).read_text(encoding="utf-8")


def _page_parts(title: str, depth: int = 0, scripted: bool = False) -> tuple[str, str]:
    """A page's beginning (to the start of its body) and end; `scripted` pages carry table.js."""
    up = "../" * depth
    style = _asset("report.css")
    script = f"<script>{_asset('table.js')}</script>" if scripted else ""
    nav = " ".join(f'<a href="{up}{href}">{label}</a>' for href, label in (
        ("index.html", "Overview"), ("speeches.html", "Speeches"), ("speakers.html", "Speakers"),
        ("quarantine.html", "Quarantine")))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f"<style>{style}</style></head>\n<body><nav>{nav}</nav>\n", f"\n{script}</body></html>\n")


def _page(title: str, body: str, depth: int = 0, scripted: bool = False) -> str:
    head, foot = _page_parts(title, depth, scripted)
    return head + body + foot


def _table(headers: list[str], rows: list[list[str]], element_id: str, numeric: set[int] = frozenset()) -> str:
    """A small static table; cells are HTML already."""
    head = "".join(f'<th class="number">{h}</th>' if i in numeric else f"<th>{h}</th>" for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td class="number">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<table id="{element_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _link(text: str, href: str | None) -> str:
    return f'<a href="{escape(href, quote=True)}">{text}</a>' if href else text


class _Lookup:
    """Values stored once in a table's JSON, cells holding their index."""

    def __init__(self) -> None:
        self.values: list = []
        self._index: dict = {}

    def index(self, key, value) -> int:
        if key not in self._index:
            self._index[key] = len(self.values)
            self.values.append(value)
        return self._index[key]


def build_report(warehouse: Warehouse, out_dir: str | Path | None = None, catalog_file: str | None = None,
                 docs_dir: str | None = None) -> str:
    """Write the report into `out_dir` (default: `report/` inside the warehouse, also on object
    storage, where readers of the warehouse find it: built aside, then copied in) from the catalog
    `catalog_file` (default: catalog_path's), linking each validation run to its Data Docs
    (stored below `docs_dir`, default the warehouse's _data_docs/); returns where index.html is:
    a local path or an s3:// location."""
    if out_dir is None and not warehouse.is_local:
        with tempfile.TemporaryDirectory(prefix="forum-etl-report-") as aside:
            _write_report(warehouse, Path(aside), catalog_file, docs_dir)
            warehouse.upload_folder(aside, REPORT)
            written = {page.name for page in (Path(aside) / SPEAKER_DIR).glob("*.html")}
        for stale in warehouse.files(f"{REPORT}/{SPEAKER_DIR}", ".html"):  # speakers that no longer exist
            if stale.rsplit("/", 1)[-1] not in written:
                warehouse.filesystem.delete_file(stale)
        return warehouse.location(REPORT, "index.html")
    return str(_write_report(warehouse, Path(out_dir or warehouse.path(REPORT)), catalog_file, docs_dir))


def _write_report(warehouse: Warehouse, out: Path, catalog_file: str | None, docs_dir: str | None) -> Path:
    (out / SPEAKER_DIR).mkdir(parents=True, exist_ok=True)
    connection = open_catalog(warehouse, catalog_file)  # one connection for every query of the report
    try:
        connection.execute(PUBLISH_DAY_MACRO)
        connection.execute(INSTANT_DAY_MACRO)
        _write_speeches_page(connection, out / "speeches.html")
        _write(out, "speakers.html", _speakers_page(connection))
        written = _speaker_pages(connection, out)
        runs = _validation_runs(connection, warehouse, docs_dir, out)
        _write(out, "quarantine.html", _quarantine_page(connection, runs))
        index = _write(out, "index.html", _index_page(connection, warehouse, runs))
    finally:
        connection.close()
    for stale in (out / SPEAKER_DIR).glob("*.html"):  # speakers that no longer exist (ids merged, data removed)
        if stale.name not in written:
            stale.unlink()
    return index


def _write(out: Path, name: str, html: str) -> Path:
    path = out / name
    path.write_text(html, encoding="utf-8")
    return path


def _rows(connection, sql: str) -> list[dict]:
    return connection.sql(sql).to_arrow_table().to_pylist()


def _index_page(connection, warehouse: Warehouse, runs: list[dict]) -> str:
    counts = _rows(connection, "SELECT (SELECT count(*) FROM articles) AS a, (SELECT count(*) FROM speeches) AS s, "
                               "(SELECT count(*) FROM quotes) AS q, (SELECT count(*) FROM speakers) AS p")[0]
    top = _rows(connection, f"""
        SELECT v.speaker_id, p.speaker_name, p.speaker_org, sum(v.speeches)::BIGINT AS n
        FROM speeches_per_speaker_per_year v JOIN speakers p USING (speaker_id)
        GROUP BY ALL ORDER BY n DESC, p.speaker_name, v.speaker_id LIMIT {TOP_SPEAKERS}""")
    statements = _rows(connection, f"""
        SELECT v.speaker_id, p.speaker_name, p.speaker_org, sum(v.speeches)::BIGINT AS speeches,
               sum(v.quotes)::BIGINT AS quotes
        FROM statements_per_speaker_per_year v JOIN speakers p USING (speaker_id)
        GROUP BY ALL ORDER BY sum(v.statements) DESC, p.speaker_name, v.speaker_id LIMIT {TOP_SPEAKERS}""")
    quoted = _rows(connection, "SELECT speaker_kind, speaker_key, speaker_name, speaker_org, quotes, direct_quotes, "
                               f"articles FROM most_quoted LIMIT {QUOTED_ROWS}")
    months = {table: {row["month"]: row["n"] for row in _rows(connection, f"""
        SELECT date_trunc('month', publish_day(published_date, published_at))::DATE AS month, count(*) AS n FROM {table}
        WHERE published_at IS NOT NULL AND canonical_id = {key} GROUP BY 1""")}
        for table, key in (("articles", "article_id"), ("speeches", "speech_id"))}
    terms = _rows(connection, f"""
        SELECT t.speaker_id, p.speaker_name, p.speaker_org, t.term, t.uses
        FROM top_terms_per_speaker t JOIN speakers p USING (speaker_id)
        WHERE t.speaker_id IN (SELECT speaker_id FROM speakers ORDER BY n_speeches DESC, speaker_name, speaker_id
                               LIMIT {TERM_SPEAKERS})
        ORDER BY p.n_speeches DESC, p.speaker_name, t.speaker_id, t.rank""")

    top_chart = bars([Bar(speaker_label(r["speaker_name"], r["speaker_org"]), r["n"], speaker_file(r["speaker_id"]), "zh")
                      for r in top], "speeches (count, each story once)")
    month_chart = monthly_columns({"articles": ("#1f3f7a", months["articles"]), "speeches": ("#8fb3e0", months["speeches"])},
                                  "items per month (count)", "publish month (Asia/Shanghai)")
    by_speaker: dict[str, list] = {}
    for row in terms:
        by_speaker.setdefault(row["speaker_id"], []).append(row)
    term_blocks = "".join(
        f'<div><h3>{_link(_zh(speaker_label(items[0]["speaker_name"], items[0]["speaker_org"])), speaker_file(key))}</h3>'
        + bars([Bar(r["term"], r["uses"], lang="zh") for r in items], "uses (count)", width=360, bar_height=18,
               color="#4f8f6a", label_width=110) + "</div>"
        for key, items in by_speaker.items())
    statement_rows = [[_link(_zh(r["speaker_name"]), speaker_file(r["speaker_id"])), _zh(r["speaker_org"]),
                       str(r["speeches"]), str(r["quotes"])] for r in statements]
    quoted_rows = [[escape(r["speaker_kind"]),
                    _link(_zh(r["speaker_name"]), speaker_file(r["speaker_key"]) if r["speaker_kind"] == "person" else None),
                    _zh(r["speaker_org"]), str(r["quotes"]), str(r["direct_quotes"]), str(r["articles"])] for r in quoted]
    run_rows = [[escape(r["run_id"]), _day_cell(r["validated_at"]), str(r["checked"]), str(r["failed"]),
                 _link(str(r["held"]), f"quarantine.html#run-{quote(r['run_id'])}" if r["held"] else None),
                 _link("Data Docs", r["docs_href"]) if r["docs_href"] else escape(r["docs_note"])] for r in runs]
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = f"""<h1>Forum speeches report</h1>
<p class="note">Generated {generated} from {escape(warehouse.uri)}. Days are publish days in Asia/Shanghai.
Chinese names and titles need a CJK font (for example Noto Sans CJK); without one they show as boxes.</p>
<p class="figures"><span><b>{counts['a']}</b> articles</span><span><b>{counts['s']}</b> speeches</span>
<span><b>{counts['q']}</b> quotes</span><span><b>{counts['p']}</b> speakers</span></p>
<h2>Speeches per speaker (top {TOP_SPEAKERS})</h2>
<div id="chart-speakers">{top_chart}</div>
<h2>Articles and speeches per month</h2>
<div id="chart-months">{month_chart}</div>
<h2>Speeches and quotes per person</h2>
{_table(["Person", "Organisation", "Speeches", "Quoted in news"], statement_rows, "statements", {2, 3})}
<h2>Most quoted people, offices and organisations</h2>
{_table(["Kind", "Speaker", "Organisation", "Quotes", "Direct", "Articles"], quoted_rows, "quoted", {3, 4, 5})}
<h2>Top terms per speaker</h2>
<div id="chart-terms" class="terms">{term_blocks or '<p class="empty">No data yet.</p>'}</div>
<h2>Validation runs</h2>
<p class="note">Each publish run's rows are checked by Great Expectations; articles whose rows fail are held back
(<a href="quarantine.html">quarantine</a>).</p>
{_table(["Run", "Validated", "Expectations", "Failed", "Articles held", "Data Docs"], run_rows, "runs", {2, 3, 4})}
<p><a href="speeches.html">All {counts['s']} speeches</a> | <a href="speakers.html">All {counts['p']} speakers</a></p>"""
    return _page("forum-etl report", body)


def _write_speeches_page(connection, path: Path) -> None:
    """Every speech, written as it streams from the catalog: rows first, then the speakers and
    articles they refer to, so memory holds those lookups, not the rows."""
    total = connection.execute("SELECT count(*) FROM speeches").fetchone()[0]
    columns = [{"label": "Speaker", "lookup": "speakers"}, {"label": "Position"}, {"label": "Role"}, {"label": "Title"},
               {"label": "Characters", "kind": "number"}, {"label": "Article", "lookup": "articles"}, {"label": "Day", "kind": "day"},
               {"label": "Copy of another"}]
    head, foot = _page_parts("Speeches - forum-etl report", scripted=True)
    speakers, articles = _Lookup(), _Lookup()
    result = connection.execute("""
        SELECT s.speaker_id, s.speaker_name, s.speaker_org, s.speaker_position, s.role, s.title, s.char_count,
               s.canonical_id <> s.speech_id AS is_copy, s.article_id, a.title AS article_title, a.url,
               publish_day(s.published_date, s.published_at) AS day
        FROM speeches s JOIN articles a USING (article_id)
        ORDER BY s.published_at DESC NULLS LAST, s.article_id, s.speech_index""")
    with path.open("w", encoding="utf-8") as page:
        page.write(f"""{head}<h1>Speeches</h1>
<p class="note">All {total} speeches, newest first; click a heading to sort, type to search. Day: publish day
(Asia/Shanghai). "copy": the same speech published before elsewhere (counted once in the charts).</p>
<div id="speeches" lang="zh" data-table="speeches-data"></div>
<script type="application/json" id="speeches-data">{{"columns":{_json(columns)},"rows":[""")
        separator = ""
        while batch := result.fetchmany(10_000):
            rows = []
            for speaker_id, name, org, position, role, title, chars, is_copy, article_id, article_title, url, day in batch:
                speaker = speakers.index((speaker_id, name, org), [speaker_label(name, org),
                                                                   speaker_file(speaker_id) if speaker_id else None])
                article = articles.index(article_id, [article_title, url])
                rows.append(_json([speaker, position, role, title, chars, article, _day(day), "copy" if is_copy else ""]))
            page.write(separator + ",".join(rows))
            separator = ","
        lookups = _json({"speakers": speakers.values, "articles": articles.values})
        page.write(f'],"lookups":{lookups}}}</script>{foot}')


def _speakers_page(connection) -> str:
    rows = [[[speaker_label(name, org), speaker_file(speaker_id)], org, speeches, quotes, _day(first), _day(last)]
            for speaker_id, name, org, speeches, quotes, first, last in connection.sql("""
        SELECT p.speaker_id, p.speaker_name, p.speaker_org, p.n_speeches, p.n_quotes,
               instant_day(list_min([n.first_published_at FOR n IN p.names_seen])),
               instant_day(list_max([n.last_published_at FOR n IN p.names_seen]))
        FROM speakers p ORDER BY p.n_speeches + p.n_quotes DESC, p.speaker_name, p.speaker_id""").fetchall()]
    data = {"columns": [{"label": "Speaker"}, {"label": "Organisation"}, {"label": "Speeches", "kind": "number"},
                        {"label": "Quotes", "kind": "number"}, {"label": "First seen", "kind": "day"},
                        {"label": "Last seen", "kind": "day"}],
            "rows": rows}
    body = f"""<h1>Speakers</h1>
<p class="note">{len(rows)} people, as told apart at publishing (a namesake in another organisation is
another person); each links to their page.</p>
<div id="speakers" lang="zh" data-table="speakers-data"></div>{_embedded_json("speakers-data", data)}"""
    return _page("Speakers - forum-etl report", body, scripted=True)


def _speaker_pages(connection, out: Path) -> set[str]:
    """One page per speaker, written as the statements stream past in speaker order, so memory
    holds one speaker's statements at a time; returns the file names written."""
    people = connection.execute("SELECT speaker_id, speaker_name, speaker_org, names_seen, positions_seen "
                                "FROM speakers ORDER BY speaker_id").fetchall()
    # each statement once, with how many other articles carried it
    result = connection.execute(f"""
        WITH speech_copies AS (SELECT canonical_id, count(*) - 1 AS copies FROM speeches GROUP BY canonical_id),
             quote_copies AS (SELECT canonical_id, count(*) - 1 AS copies FROM quotes GROUP BY canonical_id)
        SELECT s.speaker_id, 'speech' AS kind, publish_day(s.published_date, s.published_at) AS day, s.title, s.speaker_position,
               left(s.text, {EXCERPT_CHARS}), length(s.text) > {EXCERPT_CHARS}, s.article_id, a.title, a.url, c.copies
        FROM speeches s JOIN articles a USING (article_id) JOIN speech_copies c ON c.canonical_id = s.speech_id
        WHERE s.speaker_id IS NOT NULL
        UNION ALL
        SELECT q.speaker_id, 'quote', publish_day(q.published_date, q.published_at), q.kind || ', ' || q.cue, q.speaker_position,
               q.text, false, q.article_id, a.title, a.url, c.copies
        FROM quotes q JOIN articles a USING (article_id) JOIN quote_copies c ON c.canonical_id = q.quote_id
        WHERE q.speaker_id IS NOT NULL
        ORDER BY 1, 3 DESC NULLS LAST, 2""")

    def statements():
        while batch := result.fetchmany(10_000):
            yield from batch

    stream = statements()
    pending = next(stream, None)
    written = set()
    for speaker_id, name, org, names, posts in people:  # both in speaker_id order (hex ids: one collation)
        own = []
        while pending is not None and pending[0] <= speaker_id:
            if pending[0] == speaker_id:
                own.append(pending[1:])
            pending = next(stream, None)
        path = out / speaker_file(speaker_id)
        path.write_text(_speaker_page(speaker_id, name, org, names, posts, own), encoding="utf-8")
        written.add(path.name)
    return written


def _speaker_page(speaker_id: str, name: str, org: str | None, names: list[dict], posts: list[dict],
                  statements: list[tuple]) -> str:
    career = sorted(posts or [], key=lambda post: (post["first_published_at"] or datetime.min.replace(tzinfo=UTC)))
    career_rows = [[_zh(post["org"]), _zh(post["position"]), _day_cell(post["first_published_at"]),
                    _day_cell(post["last_published_at"])] for post in career]
    name_rows = [[_zh(seen["name"]), _day_cell(seen["first_published_at"]), _day_cell(seen["last_published_at"])]
                 for seen in sorted(names or [], key=lambda seen: seen["name"])]
    # speeches and quotes as paged tables: a much-quoted official has thousands
    articles, sections = _Lookup(), {"speech": [], "quote": []}
    for kind, day, title, position, text, cut, article_id, article_title, url, copies in statements:
        sections[kind].append([_day(day), title, position, (text or "") + ("…" if cut else ""),
                               articles.index(article_id, [article_title, url]), copies])

    def statement_table(kind: str, element_id: str, title_label: str, text_label: str) -> str:
        data = {"columns": [{"label": "Day", "kind": "day"}, {"label": title_label}, {"label": "Position"},
                            {"label": text_label}, {"label": "Article", "lookup": "articles"},
                            {"label": "Copies elsewhere", "kind": "number"}],
                "rows": sections[kind], "lookups": {"articles": articles.values}}
        return (f'<div id="{element_id}" lang="zh" data-table="{element_id}-data"></div>'
                + _embedded_json(f"{element_id}-data", data))

    body = f"""<h1><span lang="zh">{escape(speaker_label(name, org))}</span></h1>
<p class="note">Speaker id {escape(speaker_id)}. Dates are publish days (Asia/Shanghai) of the articles that
name them.</p>
<h2>Career: organisations and positions over time</h2>
{_table(["Organisation", "Position", "First seen", "Last seen"], career_rows, "career")}
<h2>Names written</h2>
{_table(["Name", "First seen", "Last seen"], name_rows, "names")}
<h2>Speeches ({len(sections["speech"])})</h2>
{statement_table("speech", "speeches", "Title", "Beginning")}
<h2>Quoted in news ({len(sections["quote"])})</h2>
{statement_table("quote", "quotes", "Kind, cue", "Quote")}"""
    return _page(f"{speaker_label(name, org)} - forum-etl report", body, depth=1, scripted=True)


def _validation_runs(connection, warehouse: Warehouse, docs_dir: str | None, out: Path) -> list[dict]:
    """Each validation run, newest first, with how its Data Docs are reached from the report."""
    from pipeline.load.data_docs import docs_storage, run_index

    storage, root = docs_storage(warehouse, docs_dir)
    runs = _rows(connection, """
        SELECT v.run_id, min(v.validated_at) AS validated_at, count(*) AS checked, count(*) FILTER (NOT v.success) AS failed,
               (SELECT count(DISTINCT q.article_id) FROM quarantine q WHERE q.run_id = v.run_id) AS held
        FROM validation_results v GROUP BY v.run_id ORDER BY v.run_id DESC""")
    for run in runs:
        location = run_index(storage, root, run["run_id"])
        run["docs_href"] = run["docs_note"] = None
        if location is None:
            run["docs_note"] = "none kept"
        elif storage.is_local:
            run["docs_href"] = quote(os.path.relpath(location, out.resolve()))
        else:  # object storage: a browser cannot open it, so say where it is
            run["docs_note"] = location
    return runs


def _quarantine_page(connection, runs: list[dict]) -> str:
    held = _rows(connection, """
        SELECT run_id, table_name, article_id, failed_expectations, json_extract_string(row_json, '$.title') AS title,
               json_extract_string(row_json, '$.url') AS url, quarantined_at
        FROM quarantine ORDER BY run_id DESC, article_id, table_name""")
    docs = {run["run_id"]: run for run in runs}
    sections = []
    for run_id in dict.fromkeys(row["run_id"] for row in held):
        run = docs.get(run_id, {})
        where = _link("Data Docs", run.get("docs_href")) if run.get("docs_href") else escape(run.get("docs_note") or "")
        rows = [[escape(row["table_name"]), escape(row["article_id"]),
                 "<br>".join(escape(failed) for failed in row["failed_expectations"]),
                 _link(_zh(row["title"]), row["url"]) if row["title"] else ""] for row in held if row["run_id"] == run_id]
        sections.append(f'<h2 id="run-{escape(quote(run_id), quote=True)}">Run {escape(run_id)}: {where}</h2>'
                        + _table(["Table", "Article", "Expectations failed", "Article title"], rows, f"held-{len(sections)}"))
    body = f"""<h1>Quarantine</h1>
<p class="note">Rows held back by validation, per publish run: an article with a failing row is held back whole.
The quarantine table in the catalog has every row as JSON.</p>
{"".join(sections) or "<p>Nothing held back.</p>"}"""
    return _page("Quarantine - forum-etl report", body)
