"""A staged run validated a group of batches at a time reaches the verdict one validation of
everything reaches, and its Data Docs index links every group's pages."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from devkit.publish_helpers import sample_articles
from pipeline.load import quarantine
from pipeline.load.quarantine import validate_staged, validation_results
from pipeline.load.stage import stage
from pipeline.warehouse.storage import Warehouse

NOW = datetime(2026, 12, 2, tzinfo=UTC)


def staged_run(root: Path) -> tuple[Warehouse, str]:
    """The sample articles staged two to a batch, the third's title too long (it fails)."""
    articles = list(sample_articles())
    articles[2] = dataclasses.replace(articles[2], title="长" * 400)
    warehouse = Warehouse.open(str(root))
    for number in range(0, len(articles), 2):
        stage(warehouse, "r1", f"{number:05d}", articles[number:number + 2], NOW)
    return warehouse, articles[2].article_id


def test_groups_reach_the_verdict_of_one_validation_and_the_index_links_every_groups_pages(tmp_path, monkeypatch):
    verdicts, results = {}, {}
    for group_articles in (2, 1000):
        monkeypatch.setattr(quarantine, "VALIDATION_GROUP_ARTICLES", group_articles)
        warehouse, too_long = staged_run(tmp_path / str(group_articles))
        verdicts[group_articles] = validate_staged(warehouse, "r1", NOW)
        results[group_articles] = sorted((row["table_name"], row["expectation"], row["success"])
                                         for row in validation_results(warehouse).to_pylist() if not row["success"])
    assert verdicts[2].quarantined == verdicts[1000].quarantined == {
        too_long: {"articles: expect_column_value_lengths_to_be_between(title)"}}
    assert results[2] == results[1000] != []

    index = Path(verdicts[2].docs_index)
    pages = sorted(path.relative_to(index.parent).as_posix() for path in (index.parent / "validations").rglob("*.html"))
    groups = -(-len(sample_articles()) // 2)
    assert len([page for page in pages if page.startswith("validations/articles/")]) == groups
    linked = {unquote(link) for link in re.findall(r'validations/[^"\']+\.html', index.read_text(encoding="utf-8"))}
    assert linked == set(pages)
