"""Security of the built site (issue 10): a Content-Security-Policy in every page that allows
no third-party origin, no inline event handlers, escaped quiz text.

The browser side (no CSP violation while a demo runs and a quiz is answered):
tests/browser/test_security_browser.py.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import repo_files

from deepnotes.quiz.bank import load_bank
from deepnotes.quiz.render import render_question

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("DEEPNOTES_SITE", ROOT / "site"))
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
INLINE_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.S)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


security = repo_files.load("hooks/security.py", "_dn_security")


def built_pages() -> list[Path]:
    if not (SITE / "index.html").is_file():
        pytest.skip("the site is not built (make build)")
    return [
        path
        for path in sorted(SITE.rglob("*.html"))
        if path.relative_to(SITE).parts[0] not in {"pyodide", "wheels"}
    ]


def test_every_page_has_a_self_only_policy_before_any_script():
    pages = built_pages()
    assert len(pages) > 20
    policies = set()
    for path in pages:
        text = path.read_text(encoding="utf-8")
        match = CSP_META.search(text)
        assert match, f"{path.relative_to(SITE)} has no CSP meta"
        first_script = text.find("<script")
        assert first_script == -1 or match.start() < first_script, path
        policies.add(match.group(1))
    assert len(policies) == 1, "every page gets the same policy (instant navigation)"
    policy = policies.pop().replace("&#x27;", "'")
    directives = dict(item.strip().split(" ", 1) for item in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "'unsafe-eval'" not in policy
    assert not re.search(r"https?:|\*", policy), f"a third-party origin is allowed: {policy}"
    assert re.fullmatch(
        r"'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+", directives["script-src"]
    )


def test_every_inline_script_is_allowed_by_its_hash():
    pages = built_pages()
    policy = CSP_META.search(pages[0].read_text(encoding="utf-8")).group(1)
    for path in pages:
        hashes = security.inline_script_hashes(path.read_text(encoding="utf-8"))
        missing = [h for h in hashes if h not in policy.replace("&#x27;", "'")]
        assert not missing, f"{path.relative_to(SITE)}: inline script not in the policy"


def test_no_inline_event_handlers_or_javascript_urls():
    offenders = []
    for path in built_pages():
        text = path.read_text(encoding="utf-8")
        # Code blocks may *show* such markup (escaped as &lt;...); real tags start with "<".
        for pattern in (INLINE_HANDLER, JS_URL):
            match = pattern.search(text)
            if match:
                offenders.append(f"{path.relative_to(SITE)}: {match.group(0)[:120]}")
    assert not offenders, "\n".join(offenders)


def test_our_templates_have_no_inline_event_handlers():
    sources = [*ROOT.glob("overrides/**/*.html"), *ROOT.glob("hooks/*.py")]
    sources += [*ROOT.glob("docs/assets/deepnotes/*.js"), *ROOT.glob("web/src/*.js")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert not INLINE_HANDLER.search(text), path
        assert ".innerHTML" not in text and "insertAdjacentHTML" not in text, path


def test_cdn_build_allows_only_the_pinned_pyodide_directory():
    config = SimpleNamespace(
        extra={"deepnotes": {"pyodide_source": "cdn", "pyodide_version": "0.27.7"}}
    )
    cdn = security._cdn(config)
    assert cdn == "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/"
    policy = security.policy({"'sha256-abc='"}, cdn)
    assert re.findall(r"https://[^\s;]+", policy) == [cdn, cdn]  # script-src and connect-src only
    self_config = SimpleNamespace(extra={"deepnotes": {"pyodide_source": "self"}})
    assert security._cdn(self_config) is None


def test_policy_meta_is_replaced_not_duplicated():
    page = '<html><head><meta charset="utf-8"><title>x</title></head></html>'
    once = security.add_policy(page, "default-src 'self'")
    twice = security.add_policy(once, "default-src 'none'")
    assert twice.count("Content-Security-Policy") == 1 and "'none'" in twice.replace("&#x27;", "'")


def test_quiz_text_is_escaped():
    question = load_bank()[0]
    payload = '<img src=x onerror="alert(1)">'
    hostile = dataclasses.replace(
        question,
        question=payload,
        options={letter: payload for letter in question.options},
        explanations={letter: payload for letter in question.explanations},
    )
    rendered = render_question(hostile, 1, 1, link=lambda target: target)
    assert "<img" not in rendered
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in rendered
