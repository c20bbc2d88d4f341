"""Debian's chromium, as the browser tests and the benchmarks launch it through Playwright.

``playwright install`` cannot download a browser here, so Playwright drives the system
chromium (``make chromium`` installs it with apt). ``DEEPNOTES_CHROMIUM`` points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PATH = Path(os.environ.get("DEEPNOTES_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # Belt and braces: no host name resolves, so nothing could reach another machine even if
    # a route guard missed a request.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def launch(playwright: Any) -> Any:
    """Launch chromium headless with `ARGS`; a clear error when it is not installed."""
    if not PATH.exists():
        raise FileNotFoundError(f"no chromium at {PATH}: install Debian's chromium (make chromium)")
    return playwright.chromium.launch(executable_path=str(PATH), args=ARGS)
