"""Where the command line's log records go, and how they look.

The library only logs, through a logger per module (`logging.getLogger(__name__)`); a front
decides where records go: the DAGs leave that to Airflow's task logs, and the CLI calls
`command_logging` once per command. Two formats:

- text (the default): a warning or error as `forum-etl: MESSAGE` (the CLI's error lines
  always looked so), anything else as the message alone;
- json: one JSON object per line, with `time` (UTC, ISO 8601), `level`, `logger`, `message`
  and every extra field a record carries (`url`, `stage`, `run_id`, `error_class`, …), for a
  log shipper. Nothing else is written on stderr then.

Verbosity: -q shows errors only; by default the library's warnings and the command's own
report; -v adds the library's events (each failed page and its cause, stage counts, the
publish commit); -vv every page fetched and every retry. Other libraries' records pass at
warning level (error with -q), whatever the verbosity, so that -vv is not flooded by httpx
or Great Expectations.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

LOG_FORMATS = ("text", "json")
_CLI_LOGGER = "pipeline.cli"
# The attributes every LogRecord has; whatever else a record holds came as `extra`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        return f"forum-etl: {message}" if record.levelno >= logging.WARNING else message


class RunFields(logging.Filter):
    """Stamps every record with the fields of the run it belongs to (command, run_id), so that
    a library record can be joined to its run without the library knowing the run."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, object] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in self.fields.items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def levels(verbosity: int) -> tuple[int, int, int]:
    """(library, command, other libraries) levels for a verbosity: -1 for -q, 0, 1 for -v, 2+."""
    if verbosity < 0:
        return logging.ERROR, logging.ERROR, logging.ERROR
    library = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    return library, min(library, logging.INFO), logging.WARNING


@contextlib.contextmanager
def command_logging(verbosity: int = 0, log_format: str = "text") -> Iterator[RunFields]:
    """Send log records to stderr for one command; yields the filter whose `fields` stamp
    every record. The logging set-up before it is restored afterwards (a command run inside
    a test, or called twice in one process, leaves nothing behind)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    run_fields = RunFields()
    handler.addFilter(run_fields)
    library_level, command_level, others_level = levels(verbosity)
    root, library, command = logging.getLogger(), logging.getLogger("pipeline"), logging.getLogger(_CLI_LOGGER)
    saved = [(logger, logger.level) for logger in (root, library, command)]
    root.addHandler(handler)
    root.setLevel(others_level)
    library.setLevel(library_level)
    command.setLevel(command_level)
    try:
        yield run_fields
    finally:
        root.removeHandler(handler)
        for logger, level in saved:
            logger.setLevel(level)
