"""Failure alerts: a JSON POST to a webhook and/or a mail through SMTP, each sent only when the
deployment configured it; with neither configured an alert is a no-op.

The front (the DAGs' failure callback) passes its environment in; this module reads none:

- FORUM_ETL_ALERT_WEBHOOK: a URL that receives `{"text": ..., **alert}` as JSON (the `text`
  key is what Slack, Mattermost and Teams incoming webhooks display).
- FORUM_ETL_ALERT_SMTP_HOST and FORUM_ETL_ALERT_MAIL_TO (comma-separated) turn mail on;
  FORUM_ETL_ALERT_SMTP_PORT (default 587 with STARTTLS, 25 with FORUM_ETL_ALERT_SMTP_STARTTLS=false),
  FORUM_ETL_ALERT_SMTP_USER / FORUM_ETL_ALERT_SMTP_PASSWORD (login when given) and
  FORUM_ETL_ALERT_MAIL_FROM (default forum-etl@<host name>).

A channel that fails is logged and the other still tried: an alert must never be the reason a
second thing breaks, nor hide the first failure.
"""

from __future__ import annotations

import json
import logging
import smtplib
import socket
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Alert:
    """What failed, in words an on-call person can act on."""

    dag_id: str
    run_id: str
    task_id: str | None
    error: str
    log_url: str | None = None

    @property
    def subject(self) -> str:
        where = f"{self.dag_id}.{self.task_id}" if self.task_id else self.dag_id
        return f"[forum-etl] {where} failed ({self.run_id})"

    @property
    def text(self) -> str:
        lines = [self.subject, f"error: {self.error}"]
        if self.log_url:
            lines.append(f"log: {self.log_url}")
        return "\n".join(lines)


def webhook_payload(alert: Alert) -> bytes:
    return json.dumps({"text": alert.text, "dag_id": alert.dag_id, "run_id": alert.run_id, "task_id": alert.task_id,
                       "error": alert.error, "log_url": alert.log_url}, ensure_ascii=False).encode("utf-8")


def mail_message(alert: Alert, environment: Mapping[str, str]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = environment.get("FORUM_ETL_ALERT_MAIL_FROM") or f"forum-etl@{socket.getfqdn()}"
    message["To"] = ", ".join(_recipients(environment))
    message.set_content(alert.text)
    return message


def _recipients(environment: Mapping[str, str]) -> list[str]:
    return [address.strip() for address in environment.get("FORUM_ETL_ALERT_MAIL_TO", "").split(",") if address.strip()]


def send_alert(alert: Alert, environment: Mapping[str, str]) -> list[str]:
    """Send `alert` through every configured channel; the channels that took it."""
    sent = []
    if url := environment.get("FORUM_ETL_ALERT_WEBHOOK", "").strip():
        try:
            request = urllib.request.Request(url, data=webhook_payload(alert), method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
                sent.append("webhook")
        except OSError:
            log.exception("the failure alert could not be posted to FORUM_ETL_ALERT_WEBHOOK")
    if (host := environment.get("FORUM_ETL_ALERT_SMTP_HOST", "").strip()) and _recipients(environment):
        try:
            _send_mail(host, mail_message(alert, environment), environment)
            sent.append("mail")
        except (OSError, smtplib.SMTPException, ValueError):  # ValueError: a port that is no number
            log.exception("the failure alert could not be mailed through FORUM_ETL_ALERT_SMTP_HOST")
    return sent


def _send_mail(host: str, message: EmailMessage, environment: Mapping[str, str]) -> None:
    starttls = environment.get("FORUM_ETL_ALERT_SMTP_STARTTLS", "true").strip().lower() not in ("false", "0", "no")
    port = int(environment.get("FORUM_ETL_ALERT_SMTP_PORT") or (587 if starttls else 25))
    with smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS) as smtp:
        if starttls:
            smtp.starttls()
        if user := environment.get("FORUM_ETL_ALERT_SMTP_USER"):
            smtp.login(user, environment.get("FORUM_ETL_ALERT_SMTP_PASSWORD", ""))
        smtp.send_message(message)


def alert_from_context(context: Mapping) -> Alert:
    """The Alert for an Airflow failure callback's context (a DAG's or a task's): read by
    attribute, so this module needs no Airflow import."""
    dag_run = context.get("dag_run")
    task_instance = context.get("ti") or context.get("task_instance")
    dag_id = getattr(dag_run, "dag_id", None) or getattr(task_instance, "dag_id", "?")
    run_id = getattr(dag_run, "run_id", None) or getattr(task_instance, "run_id", "?")
    error = context.get("exception") or context.get("reason") or "failed"
    return Alert(dag_id=dag_id, run_id=run_id, task_id=getattr(task_instance, "task_id", None), error=str(error),
                 log_url=getattr(task_instance, "log_url", None))
