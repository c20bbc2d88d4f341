"""The Content-Security-Policy in a real browser (issue 10): a demo runs Python and a quiz is
answered on a page of the self-hosted build without a single CSP violation, and the policy
really blocks a third-party script. Static checks of the policy: tests/build/test_security.py.
"""

from __future__ import annotations

from typing import Any

from demo_page import COLD_TIMEOUT_MS, LiveDemo

RECORD = """
window.__dnViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__dnViolations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_demo_and_quiz_work_without_csp_violations(new_context: Any, isolated_url: str) -> None:
    context = new_context()
    context.add_init_script(RECORD)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.goto(isolated_url + "topics/regularization/")
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "default-src 'self'" in policy

    demo = LiveDemo(page)
    state, _ = demo.run(timeout_ms=COLD_TIMEOUT_MS)  # the page's own demo: figures, numpy, engine
    assert state == "done", demo.status
    assert demo.output.locator("img").count() >= 1

    question = page.locator(".dn-q").first
    question.scroll_into_view_if_needed()
    question.locator(".dn-q__option input").first.check()
    question.get_by_role("button", name="Check").click()
    assert question.locator(".dn-q__status").inner_text().strip()

    # Material's instant navigation to another page and back keeps working under the policy.
    page.evaluate(
        "() => document.querySelector('.md-sidebar--primary a[href*=\"optimizers/\"]').click()"
    )
    page.wait_for_url("**/topics/optimizers/")
    LiveDemo(page)

    # A script from another origin is refused by the policy (the network guard would abort it
    # anyway; the violation shows the policy itself forbids it).
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.src = 'https://example.com/x.js'; document.head.append(s); }"
    )
    page.wait_for_function("() => window.__dnViolations.length > 0")
    violations = page.evaluate("() => window.__dnViolations")
    context.close()
    assert len(violations) == 1 and "https://example.com/x.js" in violations[0], violations
    csp_console = [t for t in console if "Content Security Policy" in t and "example.com" not in t]
    assert csp_console == [], csp_console
