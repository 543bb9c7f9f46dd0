"""Servers that tests start outside containers: free ports on 127.0.0.1, waits with a deadline,
and processes run in sessions of their own so that stopping one stops everything it forked."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check: Callable[[], object], seconds: float, what: str, errors: tuple[type[Exception], ...] = (httpx.HTTPError,)):
    """`check()`'s first truthy result, asked once a second; `errors` count as not yet."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except errors:
            pass
        time.sleep(1)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


class ProcessGroups:
    """Long-running processes, each the leader of a session of its own with its output in
    `logs/NAME.log`; `stop()` ends every one with all its children (SIGTERM, then SIGKILL)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: Sequence[str], env: dict[str, str], **popen) -> subprocess.Popen:
        self.logs.mkdir(parents=True, exist_ok=True)
        with (self.logs / f"{name}.log").open("w") as output:
            process = subprocess.Popen(list(argv), env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
                                       **popen)
        self.running[name] = process
        return process

    def check_running(self) -> None:
        """Fail at once, with its last lines, when a process has exited (instead of at the end of a wait)."""
        for name, process in self.running.items():
            if process.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
                raise AssertionError(f"{name} exited with status {process.returncode}:\n{tail}")

    def stop(self, grace_seconds: float = 20) -> None:
        for process in self.running.values():
            self._signal(process, signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(process, signal.SIGKILL)
                process.wait()
        self.running.clear()

    @staticmethod
    def _signal(process: subprocess.Popen, signum: int) -> None:
        # The group outlives its leader when a child still runs (a Celery worker's pool).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)

    def __enter__(self) -> ProcessGroups:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
