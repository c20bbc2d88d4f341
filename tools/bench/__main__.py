"""``python -m tools.bench [--only engine,browser,build] [--repeats N]``: run and report.

Writes ``docs/performance.md`` (a page of the site) and prints it.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

from tools.bench import report

# PyTorch's OpenMP threads spin for a while after each operation; on a 2-core machine they would
# steal the CPU from whichever side runs next in the A B A B order (measured: our step looked
# 1.6x slower). Passive waiting lets each side have the cores while it runs. Set before any
# library starts its thread pool.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "performance.md"
SECTIONS = ("engine", "browser", "build")  # of the page, in its order

INTRO = """# Performance

How fast the engine and the site are, measured with `make bench`. Every figure is a
**ratio of medians** of two sides timed in turn (A B A B ...) in one process, so a noisy
machine slows both alike; lower is better for "x" ratios of our time over theirs.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="engine: one thread, timed by CPU time (steady on a machine shared with other work)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(","))
    sections = [INTRO, f"_Machine: {report.machine()}._\n"]

    if "engine" in wanted:
        from tools.bench import engine

        rows = engine.run(threads=args.threads, repeats=args.repeats, cpu_time=args.cpu_time)
        blas_env = os.environ.get("OPENBLAS_NUM_THREADS")
        sections.append(
            "## Engine: one training step against peers\n\n"
            "Forward, loss, backward and an Adam update on one batch, all libraries held to "
            f"{rows[0]['threads']} thread(s), timed by {rows[0]['clock']}. *vs matmul only* is "
            "our step over the time of "
            "its matrix products alone (the limit pure BLAS sets); the other columns are our "
            "step over theirs (below 1 = deepnotes is faster). PyTorch and scikit-learn run "
            "the same MLP, loss and Adam on the same batch. OMP_WAIT_POLICY="
            f"{os.environ['OMP_WAIT_POLICY']} (idle OpenMP threads do not spin between the "
            "alternating sides).\n\n"
            + report.engine_table(rows)
            + "\n\nThe issue's targets for the engine, from the table above "
            "(OPENBLAS_NUM_THREADS "
            + (f"set to {blas_env}" if blas_env else "unset")
            + "):\n\n"
            + report.engine_targets(rows)
        )
        one = []
        if rows[0]["threads"] > 1:
            one = engine.run(threads=1, repeats=args.repeats, shapes=(engine.LARGE_NET,))
            sections.append(report.engine_one_thread(rows, one))
        sections.append(report.engine_why(rows, one))
    if "browser" in wanted:
        try:
            from tools.bench import browser
        except ImportError:
            browser = None
        if browser is not None:
            sections.append(browser.section(repeats=max(3, args.repeats // 7)))
    if "build" in wanted:
        try:
            from tools.bench import build
        except ImportError:
            build = None
        if build is not None:
            sections.append(build.section())

    text = "\n\n".join(s.strip() for s in sections) + "\n"
    if wanted != set(SECTIONS) and PAGE.is_file():  # --only: the page's other sections are kept
        stamp = f"_This section measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (`--only`)._"
        text = merge_sections(PAGE.read_text(encoding="utf-8"), text, stamp)
    print(text)
    if not args.no_write:
        PAGE.write_text(text, encoding="utf-8")
        print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


def _blocks(text: str) -> list[str]:
    """``text`` cut before each ``## `` heading (the first block is what comes before any)."""
    blocks, current = [], []
    for line in text.splitlines():
        if line.startswith("## ") and current:
            blocks.append("\n".join(current).strip())
            current = []
        current.append(line)
    blocks.append("\n".join(current).strip())
    return blocks


def _stamped(block: str, stamp: str) -> str:
    heading, _, body = block.partition("\n")
    return f"{heading}\n\n{stamp}\n\n{body.strip()}"


def merge_sections(page: str, measured: str, stamp: str) -> str:
    """``page`` with each ``## `` section that ``measured`` holds replaced by the new one.

    The new sections carry ``stamp`` under their heading (the page's machine line dates the
    rest); sections the page does not have yet are added at its end.
    """
    new = {b.partition("\n")[0]: b for b in _blocks(measured) if b.startswith("## ")}
    out = []
    for block in _blocks(page):
        heading = block.partition("\n")[0]
        out.append(_stamped(new.pop(heading), stamp) if heading in new else block)
    out += [_stamped(block, stamp) for block in new.values()]
    return "\n\n".join(block.strip() for block in out) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
