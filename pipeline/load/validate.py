"""Validate: every batch of every table against its Great Expectations suite before publishing.

Suites are JSON files (one per table, reviewed in git), shipped as package data in
`pipeline/load/expectations/`; a caller may name another directory. Frames are pandas,
built from the Arrow tables (GX over DuckDB/SQLAlchemy fails here). Failing rows are traced
back to their articles: those articles are held back whole (quarantined with the
expectations they failed) and the rest of the batch is published. A table-level failure
(row count) holds back the whole batch. GX is imported only here, when validation runs.

Data Docs show the values that failed, and GX's renderer writes them into the page as they
are: a scraped title holding `<script>` would run in the browser of whoever opens the docs.
So the docs are built from a copy of each result whose values are HTML-escaped and cut short.
The site is built in a local folder, named by the run (GX's run name is the run's id);
`pipeline.load.data_docs` makes it work offline and stores it in the warehouse.

A run is validated a group of batches at a time, and its cost must not grow with the run: an
expectation's parameters are copied and serialised many times per validation, so the set of
known article ids each table is checked against is cut to the ids its rows name (the same
verdict); each group's pages are built as it is validated, after which GX's store keeps only the
result's header (what the index lists); the index and the suites' pages are built once, by
`build_docs_index`.
"""

from __future__ import annotations

import copy
import functools
import html
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

# Found through the package, not the source tree, so an installed wheel finds them too.
PACKAGED_EXPECTATIONS = resources.files(__package__).joinpath("expectations")
# Sanity ceiling for one batch; more rows than this means something upstream went wrong.
MAX_BATCH_ROWS = 5_000_000
# Longest value shown in Data Docs; longer ones are cut there (the data itself is untouched).
DOCS_VALUE_CHARS = 200


@dataclass
class Validation:
    results: list[dict]  # rows of the validation_results table
    failed_articles: dict[str, set[str]] = field(default_factory=dict)  # article_id → expectations failed
    failed_rows: dict[str, dict[int, list[str]]] = field(default_factory=dict)  # table → row → expectations
    batch_failures: list[str] = field(default_factory=list)  # table-level failures: the whole batch is held
    docs_dir: str | None = None


def _describe(config) -> str:
    kwargs = config.kwargs
    column = kwargs.get("column") or "/".join(filter(None, [kwargs.get("column_A"), kwargs.get("column_B")]))
    return f"{config.type}({column})" if column else config.type


def _escaped(value, limit: int | None = DOCS_VALUE_CHARS):
    """`value` with every string in it HTML-escaped, and cut to `limit` characters first."""
    if isinstance(value, str):
        if limit is not None and len(value) > limit:
            value = value[:limit] + "…"
        return html.escape(value)
    if isinstance(value, dict):
        return {key: _escaped(item, limit) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(item, limit) for item in value]
    return value


def _build_pages(context, identifier, suite_result) -> None:
    """Replace the stored result with one safe to render and build its Data Docs page; then
    leave only its header in the store, for the index (memory stays that of one group)."""
    shown = copy.copy(suite_result)
    shown.results = [copy.copy(result) for result in suite_result.results]
    for result in shown.results:
        result.result = _escaped(result.result)
        # GX's own diagnostics: escaped, but kept whole for debugging
        result.exception_info = _escaped(result.exception_info, limit=None)
    context.validation_results_store.set(identifier, shown)
    context.build_data_docs(site_names=["forum"], resource_identifiers=[identifier], build_index=False)
    header = copy.copy(suite_result)
    header.results = []
    context.validation_results_store.set(identifier, header)


def build_docs_index(docs_dir: str, expectations_dir: str | Path | None = None) -> None:
    """The index of the Data Docs site `validate` built in `docs_dir` (one line per page) and
    the suites' pages, once all of a run's groups are validated."""
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    context, checkpoints = _context(docs_dir, _expectations(expectations_dir))
    context.build_data_docs(site_names=["forum"],
                            resource_identifiers=[ExpectationSuiteIdentifier(name=name) for name in checkpoints])


def _expectations(expectations_dir: str | Path | None) -> Traversable:
    return Path(expectations_dir) if expectations_dir else PACKAGED_EXPECTATIONS


def _known_ids_named(table: pa.Table, article_ids: set[str]) -> list[str]:
    """The ids of `article_ids` that the table's rows name: for a check that its article_id
    values are in the set, the same verdict as the whole set, in a list the size of the batch
    rather than of everything published. The whole set when the table has no such column."""
    if "article_id" not in table.column_names:
        return sorted(article_ids)
    return sorted(article_ids.intersection(pc.unique(table["article_id"]).drop_null().to_pylist()))


@functools.lru_cache(maxsize=1)
def _context(docs_dir: str, expectations: Traversable):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no telemetry: this machine has no network
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.add_data_docs_site(site_name="forum", site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    datasource = context.data_sources.add_pandas("forum")
    checkpoints = {}
    suites = sorted((path for path in expectations.iterdir() if path.name.endswith(".json")), key=lambda path: path.name)
    for path in suites:
        suite_json = json.loads(path.read_text(encoding="utf-8"))
        name = suite_json["name"]
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=suite_json["expectations"], meta=suite_json.get("meta", {})))
        batch = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe("batch")
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
        checkpoints[name] = context.checkpoints.add(gx.Checkpoint(
            name=name, validation_definitions=[definition],
            actions=[],  # Data Docs are built by _build_docs, from escaped results
            result_format={"result_format": "COMPLETE"},
        ))
    return context, checkpoints


def validate(tables: dict[str, pa.Table], article_ids: set[str], run_id: str, now: datetime,
             docs_dir: str | None = None, expectations_dir: str | Path | None = None) -> Validation:
    """Validate each table that has a suite (from `expectations_dir`, by default the packaged
    suites); `article_ids` are those a speech, paragraph or term may refer to (already
    published plus this batch). GX builds the batch's Data Docs pages in the local folder
    `docs_dir` (default: a new temporary one), named by `run_id`; `build_docs_index` adds the
    site's index once the run's batches are validated."""
    from great_expectations.core.run_identifier import RunIdentifier

    docs_dir = docs_dir or tempfile.mkdtemp(prefix="forum-etl-docs-")
    context, checkpoints = _context(docs_dir, _expectations(expectations_dir))
    validation = Validation(results=[], docs_dir=docs_dir)
    for name, table in tables.items():
        if name not in checkpoints or table.num_rows == 0:
            continue
        frame = table.to_pandas()
        ids = None  # the article of each row, read once and only if a row fails
        parameters = {"now": now.isoformat(), "max_rows": MAX_BATCH_ROWS,
                      "article_ids": _known_ids_named(table, article_ids)}
        # GX reads a time out of a run name with dateutil, and a bare id "…Z-7888" parses as an
        # impossible offset that breaks its page titles: the name is "run_id=RUN", which no date
        # parser takes, and the time is given (each group of a run gets pages of its own).
        outcome = checkpoints[name].run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters,
                                        run_id=RunIdentifier(run_name=f"run_id={run_id}", run_time=datetime.now(UTC)))
        for identifier, run_result in outcome.run_results.items():
            _build_pages(context, identifier, run_result)
            for result in run_result.results:
                described = _describe(result.expectation_config)
                validation.results.append({
                    "run_id": run_id, "table_name": name, "expectation": described, "success": bool(result.success),
                    "element_count": result.result.get("element_count"),
                    "unexpected_count": result.result.get("unexpected_count"), "validated_at": now,
                })
                if result.success:
                    continue
                rows = result.result.get("unexpected_index_list")
                if rows is None:  # a table-level expectation
                    validation.batch_failures.append(f"{name}: {described}")
                    continue
                failed = validation.failed_rows.setdefault(name, {})
                ids = ids or table.column("article_id").to_pylist()
                for row in rows:
                    failed.setdefault(int(row), []).append(described)
                    validation.failed_articles.setdefault(ids[int(row)], set()).add(f"{name}: {described}")
    return validation
