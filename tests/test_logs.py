"""The command line's logging: formats, levels, and a set-up undone after each command."""

from __future__ import annotations

import json
import logging

from pipeline.logs import command_logging


def test_json_records_carry_the_standard_and_the_extra_fields(capsys):
    with command_logging(verbosity=1, log_format="json") as run_fields:
        run_fields.fields.update(command="crawl", run_id="r1")
        logging.getLogger("pipeline.acquire.crawl").info("%s: %s", "http://h/a", "HTTP 404",
                                                         extra={"url": "http://h/a", "stage": "fetch"})
        logging.getLogger("pipeline.cli").error("crawl failed: 中文 and \"quotes\"\nover two lines")
    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert first == {"time": first["time"], "level": "INFO", "logger": "pipeline.acquire.crawl",
                     "message": "http://h/a: HTTP 404", "url": "http://h/a", "stage": "fetch",
                     "command": "crawl", "run_id": "r1"}
    assert first["time"].endswith("+00:00")
    assert second["message"] == "crawl failed: 中文 and \"quotes\"\nover two lines"  # one line of JSON all the same


def test_an_exception_is_one_field_of_its_record(capsys):
    with command_logging(log_format="json"):
        try:
            raise ValueError("bad")
        except ValueError:
            logging.getLogger("pipeline.cli").exception("it broke")
    [record] = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert record["message"] == "it broke" and "ValueError: bad" in record["exception"]


def test_text_shows_warnings_as_the_commands_error_lines_and_the_rest_as_they_are(capsys):
    with command_logging():
        logging.getLogger("pipeline.cli").info("publish r1: 3 articles published")
        logging.getLogger("pipeline.load.transform").warning("http://h/a: not text")
        logging.getLogger("pipeline.load.publish").info("a library event, shown with -v only")
    assert capsys.readouterr().err == "publish r1: 3 articles published\nforum-etl: http://h/a: not text\n"


def test_verbosity_levels_and_other_libraries_held_at_warning(capsys):
    def say_everything() -> list[str]:
        for name in ("pipeline.cli", "pipeline.acquire.fetch", "httpx"):
            for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
                logging.getLogger(name).log(level, "%s %s", name, logging.getLevelName(level))
        return capsys.readouterr().err.splitlines()

    heard = {}
    for verbosity in (-1, 0, 1, 2):
        with command_logging(verbosity):
            heard[verbosity] = {line.removeprefix("forum-etl: ") for line in say_everything()}
    assert heard[-1] == {f"{name} ERROR" for name in ("pipeline.cli", "pipeline.acquire.fetch", "httpx")}
    assert "pipeline.cli INFO" in heard[0] and "pipeline.acquire.fetch INFO" not in heard[0]
    assert "pipeline.acquire.fetch INFO" in heard[1] and "pipeline.acquire.fetch DEBUG" not in heard[1]
    assert "pipeline.acquire.fetch DEBUG" in heard[2] and "pipeline.cli DEBUG" in heard[2]
    assert all("httpx INFO" not in said and "httpx WARNING" in said for said in list(heard.values())[1:])


def test_the_set_up_is_undone_after_the_command():
    root, library = logging.getLogger(), logging.getLogger("pipeline")
    before = (list(root.handlers), root.level, library.level)
    with command_logging(2, "json"):
        assert len(root.handlers) == len(before[0]) + 1
    assert (list(root.handlers), root.level, library.level) == before
