"""MkDocs hook: small accessibility repairs of markup we do not write ourselves.

* Notebook pages (mkdocs-jupyter): code cells scroll sideways but could not be reached by
  keyboard (axe: scrollable-region-focusable); each gets ``tabindex="0"``.

tests/browser/test_a11y.py runs axe-core over every page of the built site.
"""

from __future__ import annotations

import re
from typing import Any

_SCROLLING_CELL = re.compile(r'<div class="(highlight-ipynb[^"]*)"(?![^>]*tabindex)')


def focusable_code_cells(page_html: str) -> str:
    """Make notebook code cells reachable by keyboard.

    Examples
    --------
    >>> focusable_code_cells('<div class="highlight-ipynb hl-python"><pre>x</pre></div>')
    '<div class="highlight-ipynb hl-python" tabindex="0"><pre>x</pre></div>'
    """
    return _SCROLLING_CELL.sub(r'<div class="\1" tabindex="0"', page_html)


def on_post_page(output: str, page: Any, config: Any) -> str:
    if "highlight-ipynb" not in output:
        return output
    return focusable_code_cells(output)
