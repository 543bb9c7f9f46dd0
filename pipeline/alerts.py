"""Failure alerts: a JSON POST to a webhook and/or a mail through SMTP, each sent only when the
deployment configured it; with neither configured an alert is a no-op.

The front (the DAGs' failure callback) passes its `Settings` in (pipeline.settings resolves
them from the environment):

- alert_webhook (FORUM_ETL_ALERT_WEBHOOK): a URL that receives `{"text": ..., **alert}` as JSON
  (the `text` key is what Slack, Mattermost and Teams incoming webhooks display).
- alert_smtp_host and alert_mail_to (FORUM_ETL_ALERT_SMTP_HOST, FORUM_ETL_ALERT_MAIL_TO,
  comma-separated) turn mail on; alert_smtp_port (FORUM_ETL_ALERT_SMTP_PORT, default 587 with
  STARTTLS, 25 with FORUM_ETL_ALERT_SMTP_STARTTLS=false), alert_smtp_user / alert_smtp_password
  (login when given) and alert_mail_from (default forum-etl@<host name>).

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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.settings import Settings

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


def mail_message(alert: Alert, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = settings.alert_mail_from or f"forum-etl@{socket.getfqdn()}"
    message["To"] = ", ".join(settings.alert_mail_to)
    message.set_content(alert.text)
    return message


def send_alert(alert: Alert, settings: Settings) -> list[str]:
    """Send `alert` through every configured channel; the channels that took it."""
    sent = []
    if url := settings.alert_webhook:
        try:
            request = urllib.request.Request(url, data=webhook_payload(alert), method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
                sent.append("webhook")
        except OSError:
            log.exception("the failure alert could not be posted to FORUM_ETL_ALERT_WEBHOOK")
    if settings.alert_smtp_host and settings.alert_mail_to:
        try:
            _send_mail(mail_message(alert, settings), settings)
            sent.append("mail")
        except (OSError, smtplib.SMTPException):
            log.exception("the failure alert could not be mailed through FORUM_ETL_ALERT_SMTP_HOST")
    return sent


def _send_mail(message: EmailMessage, settings: Settings) -> None:
    port = settings.alert_smtp_port or (587 if settings.alert_smtp_starttls else 25)
    with smtplib.SMTP(settings.alert_smtp_host, port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.alert_smtp_starttls:
            smtp.starttls()
        if settings.alert_smtp_user:
            smtp.login(settings.alert_smtp_user, settings.alert_smtp_password or "")
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
