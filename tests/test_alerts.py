"""Failure alerts: a real POST to a webhook on 127.0.0.1, a real mail to a local SMTP server
where the standard library still has one, and nothing at all when nothing is configured."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest

from pipeline.alerts import Alert, alert_from_context, mail_message, send_alert
from pipeline.settings import Settings, resolve_settings

ALERT = Alert(dag_id="forum_articles", run_id="scheduled__2025-01-01", task_id="fetch", error="HTTP 503 from robots.txt",
              log_url="http://airflow/log")


def configured(environment: dict[str, str]) -> Settings:
    """The alert settings a deployment's environment gives (the DAG file resolves them at parse)."""
    return resolve_settings(environment=environment, read_config_file=False)


@pytest.fixture
def webhook():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append({"content_type": self.headers["Content-Type"],
                             "body": json.loads(self.rfile.read(int(self.headers["Content-Length"])))})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def test_the_webhook_receives_the_alert_as_json(webhook):
    url, received = webhook
    assert send_alert(ALERT, configured({"FORUM_ETL_ALERT_WEBHOOK": url})) == ["webhook"]
    [request] = received
    assert request["content_type"] == "application/json"
    assert request["body"]["text"].startswith("[forum-etl] forum_articles.fetch failed (scheduled__2025-01-01)")
    assert (request["body"]["error"], request["body"]["log_url"]) == ("HTTP 503 from robots.txt", "http://airflow/log")


def test_nothing_configured_sends_nothing(webhook):
    _, received = webhook
    assert send_alert(ALERT, configured({})) == []
    assert send_alert(ALERT, configured({"FORUM_ETL_ALERT_SMTP_HOST": "127.0.0.1"})) == []  # no recipient: mail is off
    assert send_alert(ALERT, configured({"FORUM_ETL_ALERT_WEBHOOK": " "})) == []  # left empty in .env
    assert received == []


def test_an_unreachable_channel_is_logged_not_raised(caplog):
    environment = {"FORUM_ETL_ALERT_WEBHOOK": "http://127.0.0.1:9/nothing-listens",
                   "FORUM_ETL_ALERT_SMTP_HOST": "127.0.0.1", "FORUM_ETL_ALERT_SMTP_PORT": "9",
                   "FORUM_ETL_ALERT_MAIL_TO": "oncall@example.org"}
    assert send_alert(ALERT, configured(environment)) == []
    assert "FORUM_ETL_ALERT_WEBHOOK" in caplog.text and "FORUM_ETL_ALERT_SMTP_HOST" in caplog.text


def test_the_mail_names_what_failed_and_goes_to_every_recipient():
    message = mail_message(ALERT, configured({"FORUM_ETL_ALERT_MAIL_TO": "a@example.org, b@example.org",
                                              "FORUM_ETL_ALERT_MAIL_FROM": "etl@example.org"}))
    assert message["Subject"] == "[forum-etl] forum_articles.fetch failed (scheduled__2025-01-01)"
    assert (message["From"], message["To"]) == ("etl@example.org", "a@example.org, b@example.org")
    assert "HTTP 503 from robots.txt" in message.get_content() and "http://airflow/log" in message.get_content()


def test_a_mail_reaches_a_local_smtp_server():
    smtpd = pytest.importorskip("smtpd", reason="the standard library's SMTP server is gone from this Python")
    import asyncore

    received = []

    class Server(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
            received.append((mailfrom, rcpttos, data))

    server = Server(("127.0.0.1", 0), None, decode_data=True)
    thread = threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.1}, daemon=True)
    thread.start()
    try:
        environment = {"FORUM_ETL_ALERT_SMTP_HOST": "127.0.0.1", "FORUM_ETL_ALERT_SMTP_PORT": str(server.socket.getsockname()[1]),
                       "FORUM_ETL_ALERT_SMTP_STARTTLS": "false", "FORUM_ETL_ALERT_MAIL_TO": "oncall@example.org",
                       "FORUM_ETL_ALERT_MAIL_FROM": "etl@example.org"}
        assert send_alert(ALERT, configured(environment)) == ["mail"]
    finally:
        server.close()
        thread.join(timeout=5)
    [(mailfrom, recipients, data)] = received
    assert (mailfrom, recipients) == ("etl@example.org", ["oncall@example.org"])
    assert "Subject: [forum-etl] forum_articles.fetch failed" in data


def test_a_dag_level_callback_context_becomes_an_alert():
    """A DAG's failure callback gets the run and a reason; a task's gets its instance and exception."""
    dag_run = SimpleNamespace(dag_id="forum_reprocess", run_id="manual__1")
    assert alert_from_context({"dag_run": dag_run, "reason": "task_failure"}) == Alert(
        "forum_reprocess", "manual__1", None, "task_failure")
    task_instance = SimpleNamespace(dag_id="forum_articles", run_id="r", task_id="discover", log_url="http://log")
    assert alert_from_context({"ti": task_instance, "exception": TimeoutError("slow")}) == Alert(
        "forum_articles", "r", "discover", "slow", "http://log")
