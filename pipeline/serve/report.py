"""A static HTML report of the published speeches: charts as inline SVG, no scripts, fonts
or styles from anywhere else, so it opens from disk in any browser with no network."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from pipeline.serve.catalog import open_catalog
from pipeline.warehouse.storage import Warehouse

SPEECH_ROWS = 500
QUOTED_ROWS = 30
_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{font-size:22px} h2{font-size:17px;margin-top:32px;border-bottom:1px solid #d5dbe3;padding-bottom:4px}
.figures span{display:inline-block;margin-right:28px;font-size:15px} .figures b{font-size:22px;color:#1f3f7a}
svg text{font-size:12px;fill:#1d2733} table{border-collapse:collapse;font-size:13px;width:100%}
th,td{border-bottom:1px solid #e3e7ed;padding:4px 6px;text-align:left;vertical-align:top} th{background:#f2f5f9}
.terms{display:flex;flex-wrap:wrap;gap:18px} .terms div{min-width:230px}
"""


def _bars(items: list[tuple[str, float]], width: int = 720, bar_height: int = 22, color: str = "#2f6db5",
          label_width: int = 220) -> str:
    """Horizontal bar chart."""
    if not items:
        return '<p class="empty">No data yet.</p>'
    top = 6
    largest = max(value for _, value in items) or 1
    height = top + len(items) * bar_height + 6
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for index, (label, value) in enumerate(items):
        y = top + index * bar_height
        length = max(2, (width - label_width - 60) * value / largest)
        parts.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{bar_height - 7}" fill="{color}"/>'
                     f'<text x="{label_width + length + 6:.1f}" y="{y + 15}">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _columns(items: list[tuple[str, float, float]], width: int = 720, height: int = 220) -> str:
    """Vertical bars per month: articles (dark) and speeches (light)."""
    if not items:
        return '<p class="empty">No data yet.</p>'
    bottom, left = height - 40, 36
    slot = (width - left - 10) / len(items)
    largest = max(max(a, s) for _, a, s in items) or 1
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
             f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#8a96a6"/>']
    for index, (label, articles, speeches) in enumerate(items):
        x = left + index * slot
        bar = max(3.0, slot / 2 - 3)
        for offset, value, color in ((0, articles, "#1f3f7a"), (bar + 1, speeches, "#8fb3e0")):
            length = (bottom - 20) * value / largest
            parts.append(f'<rect x="{x + offset:.1f}" y="{bottom - length:.1f}" width="{bar:.1f}" '
                         f'height="{max(length, 1):.1f}" fill="{color}"/>')
        parts.append(f'<text x="{x + bar:.1f}" y="{bottom + 14}" text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<text x="{left}" y="{height - 6}">■ articles  </text>'
                 f'<text x="{left + 90}" y="{height - 6}" fill="#8fb3e0">■ speeches</text>')
    parts.append("</svg>")
    return "".join(parts)


REPORT = "report"  # the report's folder inside the warehouse


def build_report(warehouse: Warehouse, out_dir: str | Path | None = None, catalog_file: str | None = None) -> str:
    """Write index.html into `out_dir` (default: `report/` inside the warehouse, also on object
    storage, where readers of the warehouse find it), from the catalog `catalog_file`
    (default: catalog_path's); returns where it is: a local path or an s3:// location."""
    if out_dir is None and not warehouse.is_local:
        with tempfile.TemporaryDirectory(prefix="forum-etl-report-") as aside:
            _write_report(warehouse, Path(aside), catalog_file)
            warehouse.upload_folder(aside, REPORT)
        return warehouse.location(REPORT, "index.html")
    return str(_write_report(warehouse, Path(out_dir or warehouse.path(REPORT)), catalog_file))


def _write_report(warehouse: Warehouse, out: Path, catalog_file: str | None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    connection = open_catalog(warehouse, catalog_file)  # one connection for every query of the report

    def rows(sql: str) -> list[dict]:
        return connection.sql(sql).to_arrow_table().to_pylist()

    try:
        counts = rows("SELECT (SELECT count(*) FROM articles) AS a, (SELECT count(*) FROM speeches) AS s, "
                      "(SELECT count(*) FROM quotes) AS q, (SELECT count(*) FROM speakers) AS p")[0]
        statements = rows("SELECT speaker_name, sum(speeches)::BIGINT AS speeches, sum(quotes)::BIGINT AS quotes "
                          "FROM statements_per_speaker_per_year GROUP BY speaker_id, speaker_name "
                          "ORDER BY sum(statements) DESC, speaker_name LIMIT 15")
        quoted = rows("SELECT speaker_kind, speaker_name, speaker_org, quotes, direct_quotes, articles FROM most_quoted "
                      f"LIMIT {QUOTED_ROWS}")
        per_speaker = rows("SELECT speaker_name, sum(speeches)::BIGINT AS n FROM speeches_per_speaker_per_year "
                           "GROUP BY speaker_id, speaker_name ORDER BY n DESC, speaker_name LIMIT 15")
        per_month = rows("SELECT year, month, articles, speeches FROM articles_per_month")
        terms = rows("SELECT speaker_name, term, uses FROM top_terms_per_speaker WHERE speaker_id IN "
                     "(SELECT speaker_id FROM speakers ORDER BY n_speeches DESC, speaker_name LIMIT 6) "
                     "ORDER BY speaker_name, rank")
        speeches = rows(f"""
            SELECT s.speaker_name, s.speaker_org, s.speaker_position, s.role, s.title, s.char_count,
                   a.title AS article_title, a.url, s.published_at, s.published_date
            FROM speeches s JOIN articles a USING (article_id)
            ORDER BY s.published_at DESC NULLS LAST, s.article_id, s.speech_index LIMIT {SPEECH_ROWS}""")
    finally:
        connection.close()

    by_speaker: dict[str, list[tuple[str, float]]] = {}
    for row in terms:
        by_speaker.setdefault(row["speaker_name"], []).append((row["term"], row["uses"]))
    term_blocks = "".join(f"<div><h3>{escape(name)}</h3>"
                          f"{_bars(items[:10], width=300, bar_height=18, color='#4f8f6a', label_width=90)}</div>"
                          for name, items in by_speaker.items())
    table_rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in (
            row["speaker_name"] or "（未署名）", row["speaker_org"] or "", row["speaker_position"] or "", row["role"],
            row["title"] or "", row["char_count"])) +
        f'<td><a href="{escape(row["url"], quote=True)}">{escape(row["article_title"])}</a></td>'
        f'<td>{row["published_date"].isoformat() if row["published_date"] else ""}</td></tr>'
        for row in speeches
    )
    statement_rows = "".join(f"<tr><td>{escape(row['speaker_name'])}</td><td>{row['speeches']}</td><td>{row['quotes']}</td></tr>"
                             for row in statements)
    quoted_rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in (
            row["speaker_kind"], row["speaker_name"], row["speaker_org"] or "", row["quotes"], row["direct_quotes"], row["articles"]))
        + "</tr>" for row in quoted)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    html = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>forum-etl report</title><style>{_STYLE}</style></head>
<body>
<h1>Forum speeches report</h1>
<p>Generated {generated} from {escape(warehouse.uri)}.</p>
<p class="figures">
<span><b>{counts['a']}</b> articles</span><span><b>{counts['s']}</b> speeches</span><span><b>{counts['q']}</b> quotes</span>
<span><b>{counts['p']}</b> speakers</span></p>
<h2>Speeches per speaker</h2>
<div id="chart-speakers">{_bars([(r['speaker_name'], r['n']) for r in per_speaker])}</div>
<h2>Speeches and quotes per person</h2>
<table id="statements"><thead><tr><th>person</th><th>speeches</th><th>quoted in news</th></tr></thead>
<tbody>{statement_rows}</tbody></table>
<h2>Most quoted people, offices and organisations</h2>
<table id="quoted"><thead><tr><th>kind</th><th>speaker</th><th>organisation</th><th>quotes</th><th>direct</th><th>articles</th></tr></thead>
<tbody>{quoted_rows}</tbody></table>
<h2>Articles and speeches per month</h2>
<div id="chart-months">{_columns([(f"{r['year']}-{r['month']:02d}", r['articles'], r['speeches']) for r in per_month])}</div>
<h2>Top terms per speaker</h2>
<div id="chart-terms" class="terms">{term_blocks or '<p class="empty">No data yet.</p>'}</div>
<h2>Speeches</h2>
<table id="speeches"><thead><tr><th>speaker</th><th>organisation</th><th>position</th><th>role</th><th>title</th>
<th>characters</th><th>article</th><th>published</th></tr></thead><tbody>{table_rows}</tbody></table>
</body></html>
"""
    index = out / "index.html"
    index.write_text(html, encoding="utf-8")
    return index
