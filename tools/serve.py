"""Serve the built site locally, cross-origin isolated, so the demos' Stop button keeps the session.

``python tools/serve.py`` (``make serve`` builds first) serves ``site/`` on
http://127.0.0.1:8000 with:

* ``Cross-Origin-Opener-Policy: same-origin`` and
  ``Cross-Origin-Embedder-Policy: require-corp``: the page is
  ``crossOriginIsolated``, so ``SharedArrayBuffer`` exists and the runner can
  give Pyodide an interrupt buffer (Stop raises ``KeyboardInterrupt`` in the
  worker instead of killing it). ``--no-isolation`` leaves them out, to try
  the fallback a plain static host gets (Stop restarts the worker).
* MIME types Pyodide needs (``.wasm`` as ``application/wasm`` for streaming
  compilation, ``.mjs`` as JavaScript, ``.whl``/``.zip`` as binary, ``.json``).
* ``Cache-Control: no-cache`` for HTML and anything unversioned (the browser
  revalidates, unchanged files answer 304); files under ``pyodide/<version>/``
  and ``wheels/<hash>/`` never change and are cached as immutable.
* the site's ``404.html`` for missing paths; threads per request; no traceback when a
  browser drops a connection mid-file (a closed tab); ``--quiet``.

Tests start it in a thread with :func:`start_server`.
"""

from __future__ import annotations

import argparse
import functools
import signal
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

REPO = Path(__file__).resolve().parent.parent

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".whl": "application/octet-stream",
    ".zip": "application/zip",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".ipynb": "application/x-ipynb+json",
}
IMMUTABLE_PREFIXES = ("/pyodide/", "/wheels/")


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with isolation headers, the right MIME types and cache policy."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        **MIME_TYPES,
    }
    isolation = True
    quiet = False

    def end_headers(self) -> None:
        if self.isolation:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        path = self.path.split("?", 1)[0]
        if path.startswith(IMMUTABLE_PREFIXES) and not path.endswith((".html", "/")):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404, message)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class SiteServer(ThreadingHTTPServer):
    """A threaded server that takes a reader leaving mid-download calmly."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A browser that closes a tab or a connection while a file is still being sent (the
        ~31 MB of Pyodide, say) is normal: no traceback for that, anything else as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # reset, broken pipe, aborted
            return
        super().handle_error(request, client_address)


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    isolation: bool = True,
    quiet: bool = False,
) -> SiteServer:
    """Return a (not yet serving) threaded HTTP server for the directory ``root``."""
    root = Path(root)
    if not (root / "index.html").is_file():
        raise FileNotFoundError(f"{root} has no index.html; build the site first (make build)")
    handler = type(
        "ConfiguredSiteHandler", (SiteHandler,), {"isolation": isolation, "quiet": quiet}
    )
    return SiteServer((host, port), functools.partial(handler, directory=str(root)))


@dataclass
class RunningServer:
    """A server running in a background thread; ``url`` ends with a slash."""

    url: str
    server: SiteServer
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_server(
    root: Path = REPO / "site",
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    isolation: bool = True,
    quiet: bool = True,
) -> RunningServer:
    """Serve ``root`` from a daemon thread (port 0: any free port); return its URL and handle."""
    server = make_server(root, host, port, isolation=isolation, quiet=quiet)
    thread = threading.Thread(target=server.serve_forever, name="deepnotes-serve", daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    return RunningServer(f"http://{bound_host}:{bound_port}/", server, thread)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """`kill` stops the server as cleanly as Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--root", type=Path, default=REPO / "site")
    parser.add_argument(
        "--no-isolation", action="store_true", help="omit COOP/COEP (like a plain static host)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    try:
        server = make_server(
            args.root, args.host, args.port, isolation=not args.no_isolation, quiet=args.quiet
        )
    except (FileNotFoundError, OSError) as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 1
    isolated = "cross-origin isolated" if not args.no_isolation else "NOT isolated"
    print(f"Serving {args.root} on http://{args.host}:{args.port}/ ({isolated}); Ctrl-C stops")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nserve: stopped")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
