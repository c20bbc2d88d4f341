"""MkDocs hook: a Content-Security-Policy ``<meta>`` in every built page.

The policy allows our own origin only (``'self'``), so a page of the self-hosted build cannot
load or run anything from a third party, even if some content managed to inject markup:

* ``script-src 'self'`` plus the SHA-256 hashes of the few inline scripts Material for MkDocs
  emits (palette, tabs, ``__md_scope``). The hashes are collected over the *whole* site after
  the build, and every page gets the same list: Material's instant navigation swaps pages
  without reloading, so a page must accept the inline scripts of every other page.
  ``'wasm-unsafe-eval'`` is kept for WebAssembly on the page (the Python worker is a separate
  script with its own policy: a worker loaded from a URL is not governed by the page's meta).
* ``worker-src 'self' blob:`` for the Python worker, Material's search worker and the
  offline service worker; ``img-src 'self' data:`` for figures (PNG data URLs);
  ``style-src 'self' 'unsafe-inline'``: KaTeX, CodeMirror and notebook pages set inline styles
  (styles cannot run code); ``object-src 'none'``, ``base-uri 'self'``, ``form-action 'self'``.
* With ``extra.deepnotes.pyodide_source: cdn`` the pinned jsDelivr directory of that Pyodide
  version (and nothing else of the CDN) is allowed for scripts and fetches.

A ``<meta>`` policy cannot set ``frame-ancestors`` or reporting; a host that can send headers
should send the same policy as a header (see :func:`policy`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import re
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.security")

CDN = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"
META_NAME = "Content-Security-Policy"
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
_EXISTING = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
_DATA_TYPES = {"application/json", "application/ld+json", "text/template", "importmap"}


def inline_script_hashes(page_html: str) -> set[str]:
    """Return the CSP source expressions (``'sha256-...'``) of a page's inline scripts.

    Scripts with a ``src`` and data blocks (``type="application/json"``) are not executed
    as inline code and are skipped.

    Examples
    --------
    >>> sorted(inline_script_hashes('<script>var a=1</script><script src="x.js"></script>'))
    ["'sha256-...'"]
    >>> inline_script_hashes('<script id="c" type="application/json">{}</script>')
    set()
    """
    found = set()
    for match in _INLINE_SCRIPT.finditer(page_html):
        attrs, body = match.group(1), match.group(2)
        if re.search(r"\bsrc\s*=", attrs, re.I):
            continue
        kind = re.search(r"""\btype\s*=\s*["']?([^"'\s>]+)""", attrs, re.I)
        if kind and kind.group(1).lower() in _DATA_TYPES:
            continue
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        found.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return found


def policy(script_hashes: set[str], cdn: str | None = None) -> str:
    """Return the policy text for the site (``cdn``: the only third-party URL allowed).

    Examples
    --------
    >>> text = policy(set())
    >>> "default-src 'self'" in text and "https:" not in text
    True
    >>> "script-src 'self' 'wasm-unsafe-eval' https://x/p/" in policy(set(), cdn="https://x/p/")
    True
    """
    extra = f" {cdn}" if cdn else ""
    hashes = "".join(f" {item}" for item in sorted(script_hashes))
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'wasm-unsafe-eval'{extra}{hashes}",
        f"connect-src 'self'{extra}",
        "worker-src 'self' blob:",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def add_policy(page_html: str, text: str) -> str:
    """Put the policy ``<meta>`` first in ``<head>`` (after the charset), replacing an old one.

    Examples
    --------
    >>> out = add_policy('<head><meta charset="utf-8"><script>x</script>', "default-src 'self'")
    >>> print(out)
    <head><meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="default-src &#x27;self&#x27;">
    <script>x</script>
    """
    page_html = _EXISTING.sub("", page_html)
    meta = f'\n<meta http-equiv="{META_NAME}" content="{html.escape(text)}">\n'
    anchor = _CHARSET.search(page_html) or _HEAD.search(page_html)
    if anchor is None:
        return page_html
    return page_html[: anchor.end()] + meta + page_html[anchor.end() :].lstrip("\n")


def _cdn(config: Any) -> str | None:
    extra = (config.extra or {}).get("deepnotes", {}) or {}
    if extra.get("pyodide_source", "self") != "cdn":
        return None
    return CDN.format(version=extra.get("pyodide_version", "0.27.7"))


def on_post_build(config: Any) -> None:
    """Add the same policy (with every page's inline-script hashes) to every built page."""
    site = Path(config.site_dir)
    # Pyodide's own files are hard links into the verified cache: never rewrite them.
    pages = [
        path
        for path in sorted(site.rglob("*.html"))
        if path.relative_to(site).parts[0] not in {"pyodide", "wheels"}
    ]
    texts = {path: path.read_text(encoding="utf-8") for path in pages}
    hashes: set[str] = set()
    for text in texts.values():
        hashes |= inline_script_hashes(text)
    rule = policy(hashes, _cdn(config))
    for path, text in texts.items():
        updated = add_policy(text, rule)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
    log.info("security: CSP in %d pages (%d inline script hashes)", len(pages), len(hashes))
