"""Write a benchmark's section into BENCHMARKS.md, replacing the previous run's."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def write_section(name: str, command: str, body: str) -> None:
    """Replace the `<!-- name -->` … `<!-- /name -->` section (appending it if absent)."""
    begin, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = f"{begin}\nRun `{command}` on {stamp} — {machine()}.\n\n{body.rstrip()}\n{end}"
    text = BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    BENCHMARKS_MD.write_text(text, encoding="utf-8")
    print(f"\nwritten to {BENCHMARKS_MD.name} ({name})", file=sys.stderr)
