"""A real browser for checking that what forum-etl shows a person is inert: payloads that mark
the page if they run, and headless Chromium to open a page and return its DOM afterwards."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Each payload leaves a marker in the DOM if it runs: the page title, or an attribute on <body>.
PAYLOAD = ("<script>document.title='PWNED'</script>"
           "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">")
TOO_LONG = "长" * 300  # the title expectation allows 300 characters at most


def ran_script(dom: str) -> bool:
    return "<title>PWNED</title>" in dom or re.search(r"<body[^>]*data-pwned=", dom) is not None


def dump_dom(page: Path, scratch: Path) -> str:
    """The DOM of a local page after its scripts ran, as headless Chromium serialises it
    (`CHROMIUM` must be set: Debian's package chromium)."""
    if CHROMIUM is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND",  # the docs link CDN scripts and styles: none is fetched
         f"--user-data-dir={scratch / 'profile'}", "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0 or "<body" not in result.stdout:
        raise RuntimeError(f"chromium could not open {page}: {result.stderr[-2000:]}")
    return result.stdout
