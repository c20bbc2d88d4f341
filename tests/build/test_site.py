"""The built site: the API reference covers every public name, links resolve, pages stay light.

These tests read ``site/`` as ``make build`` (``mkdocs build --strict``) left it; ``make test``
builds first.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
MODULES = [
    "layers", "model", "losses", "optim", "schedules", "averages", "data",
    "gradcheck", "train", "diagnosis", "tuning", "plots", "live", "sandbox", "quiz",
]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not (SITE / "index.html").exists(), reason="needs the built site (make build)"
)


class _Links(HTMLParser):
    """Collects ids and the href/src targets of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        for key in ("href", "src"):
            if values.get(key):
                self.links.append(values[key])


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def pages() -> dict[Path, _Links]:
    return {page: _parse(page) for page in SITE.rglob("*.html")}


@pytest.mark.parametrize("module", MODULES)
def test_reference_page_documents_every_public_name(module: str) -> None:
    mod = importlib.import_module(f"deepnotes.{module}")
    page = SITE / "reference" / module / "index.html"
    assert page.exists(), f"no reference page for deepnotes.{module}"
    ids = _parse(page).ids
    public = getattr(mod, "__all__", None)
    assert public, f"deepnotes.{module} has no __all__"
    missing = [name for name in public if f"deepnotes.{module}.{name}" not in ids]
    assert not missing, f"reference/{module} lacks {missing}"


def _site_path() -> str:
    """The path the site is deployed under (``site_url``'s, e.g. ``/deepnotes/``): pages that
    can be served from any URL, like 404.html, link to their assets by absolute path."""
    locs = re.findall(r"<loc>(.*?)</loc>", (SITE / "sitemap.xml").read_text(encoding="utf-8"))
    return urlparse(min(locs, key=len)).path if locs else "/"


def test_every_internal_link_and_anchor_resolves(pages: dict[Path, _Links]) -> None:
    broken = []
    site_path = _site_path()
    for page, parsed in pages.items():
        base = "file://" + str(page)
        for link in parsed.links:
            if urlparse(link).scheme in ("http", "https", "mailto", "data", "javascript"):
                continue
            if link.startswith(site_path):  # absolute: from the site's root
                link = os.path.relpath(SITE / link[len(site_path) :], page.parent)
            target, anchor = urldefrag(urljoin(base, link))
            path = Path(unquote(urlparse(target).path))
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(SITE)} -> {link} (no file)")
                continue
            if anchor and path.suffix == ".html":
                ids = pages[path].ids if path in pages else _parse(path).ids
                if anchor not in ids:
                    broken.append(f"{page.relative_to(SITE)} -> {link} (no anchor)")
    assert not broken, "broken links:\n" + "\n".join(sorted(set(broken))[:50])


def test_search_index_holds_no_images_and_stays_small() -> None:
    index = SITE / "search" / "search_index.json"
    text = index.read_text(encoding="utf-8")
    # No inlined image: no data: URL, no long base64 run (the word "base64" may appear in text).
    assert "data:image" not in text
    assert re.search(r"[A-Za-z0-9+/]{400,}", text) is None
    docs = json.loads(text)["docs"]
    assert len(text) < 3_000_000, f"search index is {len(text) / 1e6:.1f} MB"
    assert any(d["location"].startswith("topics/") for d in docs)


def test_no_page_requests_a_third_party_origin(pages: dict[Path, _Links]) -> None:
    offenders = set()
    for page, parsed in pages.items():
        for link in parsed.links:
            host = urlparse(link).hostname
            if host and re.search(r"(cdn|fonts|googleapis|unpkg|jsdelivr)", host):
                offenders.add(f"{page.relative_to(SITE)}: {link}")
    assert not offenders, sorted(offenders)[:20]


def test_the_engine_wheel_carries_bytecode_for_pyodides_python() -> None:
    """Pyodide never writes bytecode: without it in the wheel every start of Python in a page
    compiles the engine again. Each module keeps its source and has a pyc for CPython 3.12
    (Pyodide 0.27.7's Python; magic number 3531) that the import system uses unchecked."""
    import zipfile

    html = (SITE / "index.html").read_text(encoding="utf-8")
    meta = json.loads(
        re.search(r'<meta name="deepnotes-runtime" content="([^"]+)"', html)
        .group(1)
        .replace("&quot;", '"')
    )
    with zipfile.ZipFile(SITE / meta["wheel"]) as wheel:
        names = set(wheel.namelist())
        sources = sorted(n for n in names if n.startswith("deepnotes/") and n.endswith(".py"))
        assert len(sources) > 20, sources
        for source in sources:
            folder, _, stem = source.rpartition("/")
            pyc = f"{folder}/__pycache__/{stem[:-3]}.cpython-312.pyc"
            assert pyc in names, f"{source} has no {pyc}"
            header = wheel.read(pyc)[:8]
            assert header[:4] == (3531).to_bytes(2, "little") + b"\r\n", (pyc, header)
            assert int.from_bytes(header[4:8], "little") == 0b01, f"{pyc} is not unchecked"
