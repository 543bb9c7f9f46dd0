"""Airflow runs for tests and benchmarks: the sample site with hostile pages, and
forum_articles under dag.test() in a process of its own."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from pathlib import Path

from devkit.sample_site import site_file
from devkit.sample_site.server import Fault

REPO = Path(__file__).resolve().parents[1]


SEED = "/zscqb/2022/04/27/gclt-zzyj.html"
BINARY = "/zscqb/2021/09/14/ft-dlbz.html"


def hostile_pages() -> dict[str, Fault]:
    """Two articles of the sample site served hostile: the seed as GBK declaring the IDNA codec
    (decoding it as declared raised UnicodeError and failed its whole batch), another as binary."""
    idna = site_file(SEED).read_bytes().decode("utf-8").replace("charset=utf-8", "charset=idna")
    return {SEED: Fault("body", body=idna.encode("gbk", errors="xmlcharrefreplace")),
            BINARY: Fault("body", body=random.Random(7).randbytes(20_000))}


def dag_test_state(env: dict[str, str], logical_date: str | None = None) -> str:
    """Run forum_articles with dag.test() in a subprocess (at `logical_date`, ISO 8601, when
    given); the run's final state."""
    script = textwrap.dedent("""
        import sys
        from datetime import datetime
        sys.path.insert(0, sys.argv[1])
        from forum_etl import forum_articles
        dates = {"logical_date": datetime.fromisoformat(sys.argv[2])} if len(sys.argv) > 2 else {}
        print("STATE", forum_articles().test(**dates).state)
        """)
    result = subprocess.run([sys.executable, "-c", script, str(REPO / "dags"), *([logical_date] if logical_date else [])],
                            env=env, capture_output=True, text=True, timeout=600)
    states = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("STATE ")]
    if not states:
        raise RuntimeError("dag.test() ended without a state: " + result.stdout[-3000:] + result.stderr[-3000:])
    return states[0]
