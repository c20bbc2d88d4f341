"""KaTeX at build time: one long-lived Node process (``tools/katex_render.mjs``) per build.

``hooks/katex.py`` sends it one batch of formulas per page and gets KaTeX's HTML back, so
Node starts once per build (about 0.2 s) instead of once per formula. The npm ``katex`` comes
from ``web/node_modules`` (``make web``), the same copy the browser bundle is built from.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "katex_render.mjs"
WEB = ROOT / "web"


class KatexError(RuntimeError):
    """KaTeX cannot run at build time (no Node, no npm katex, or the process failed)."""


def katex_version(web: Path = WEB) -> str:
    """The version of the npm ``katex`` installed under ``web/node_modules`` (no Node needed).

    Raises
    ------
    KatexError
        If the package is not installed.
    """
    manifest = web / "node_modules" / "katex" / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError) as exc:
        raise KatexError(f"no npm katex in {web / 'node_modules'} (run `make web`)") from exc


def available(web: Path = WEB) -> str:
    """The npm ``katex`` version when KaTeX can run at build time (Node and the package are
    both there); without starting Node.

    Raises
    ------
    KatexError
        If Node or the npm ``katex`` is missing.
    """
    version = katex_version(web)
    if shutil.which("node") is None:
        raise KatexError("node is not installed")
    return version


class KatexRenderer:
    """``node tools/katex_render.mjs``, started on first use and answering one batch at a time.

    Examples
    --------
    >>> with KatexRenderer() as katex:  # doctest: +SKIP
    ...     katex.render([("x^2", False)])[0][:40]
    '<span class="katex"><span class="katex-m'
    """

    def __init__(self, web: Path = WEB) -> None:
        self.web = web
        self.version: str | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: IO[str] | None = None

    def start(self) -> str:
        """Start Node (if not running) and return the KaTeX version it loaded."""
        if self._proc is not None and self._proc.poll() is None and self.version:
            return self.version
        node = shutil.which("node")
        if node is None:
            raise KatexError("node is not installed")
        katex_version(self.web)  # a clear error before Node's own
        # stderr to a file: nobody reads it until something fails, and a full pipe would stall.
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self._proc = subprocess.Popen(
            [node, str(SCRIPT), str(self.web)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        self.version = str(self._reply()["katex"])
        return self.version

    def render(self, formulas: list[tuple[str, bool]]) -> list[dict[str, str]]:
        """KaTeX's answer for each ``(tex, display)``: ``{"html": ...}`` or ``{"error": ...}``."""
        if not formulas:
            return []
        self.start()
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(formulas) + "\n")
            self._proc.stdin.flush()
        except OSError as exc:
            raise KatexError(f"katex_render.mjs is gone: {self._stderr_tail()}") from exc
        answers = self._reply()
        if not isinstance(answers, list) or len(answers) != len(formulas):
            raise KatexError("katex_render.mjs answered a different number of formulas")
        return answers

    def close(self) -> None:
        """End the Node process (it exits when its stdin closes)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> KatexRenderer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _reply(self) -> Any:
        assert self._proc is not None and self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise KatexError(f"katex_render.mjs stopped: {self._stderr_tail()}")
        return json.loads(line)

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read()[-2000:].strip() or "(no output)"
