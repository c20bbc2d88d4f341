// Self-hosted KaTeX for pymdownx.arithmatex (generic mode): renders `\( … \)` and `\[ … \]` inside
// `.arithmatex` elements, on the first page and after every Material instant-navigation swap.
// Only the fallback: hooks/katex.py renders the math at build time and then drops this script from
// the pages; if it is loaded anyway, it skips what is already rendered.
import katex from "katex";
import renderMathInElement from "katex/contrib/auto-render";

window.katex = window.katex || katex;

function render() {
  for (const el of document.querySelectorAll(".arithmatex")) {
    if (el.querySelector(".katex")) continue; // rendered at build time
    renderMathInElement(el, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  }
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(render);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", render);
} else {
  render();
}
