"""Turn benchmark rows into the Markdown of ``docs/performance.md``."""

from __future__ import annotations

import platform
from datetime import UTC, datetime

import numpy as np

from tools.bench.timing import Timing


def ratio(a: Timing, b: Timing) -> str:
    return f"{a.median / b.median:.2f}x"


def engine_table(rows: list[dict]) -> str:
    has_torch = any("PyTorch" in row for row in rows)
    head = ["Net", "dtype", "deepnotes step", "vs matmul only", "vs scikit-learn"]
    if has_torch:
        head.append("vs PyTorch")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        ours: Timing = row["deepnotes"]
        cells = [
            row["net"],
            row["dtype"],
            ours.ms(),
            ratio(ours, row["matmul only"]),
            ratio(ours, row["scikit-learn"]),
        ]
        if has_torch:
            cells.append(ratio(ours, row["PyTorch"]) if "PyTorch" in row else "n/a")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def engine_one_thread(rows: list[dict], one: list[dict]) -> str:
    """The large net again on one thread: how much of *vs matmul only* is the thread count.

    BLAS splits each matrix product over every thread it is given; NumPy's elementwise
    passes (Adam's update, ReLU, the bias adds) run on one core whatever the count. The
    same step against the same products on one thread shows the engine's own overhead.
    """
    lines = [
        "### The large net on one thread",
        "",
        "BLAS splits each matrix product over the threads it is given; NumPy's elementwise "
        "passes (Adam's update over the 270k parameters, ReLU, the bias adds) run on one core "
        "whatever the count. So the same step on one thread, against the same products on one "
        "thread, shows the engine's own overhead apart from how well BLAS uses a second core:",
        "",
        "| Net | dtype | threads | deepnotes step | matmul only | vs matmul only "
        "| vs scikit-learn |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in one:
        many = _row(rows, row["net"].split()[0], row["dtype"])
        for r in (many, row) if many else (row,):
            lines.append(
                f"| {r['net']} | {r['dtype']} | {r['threads']} | {r['deepnotes'].ms()} | "
                f"{r['matmul only'].ms()} | {ratio(r['deepnotes'], r['matmul only'])} | "
                f"{ratio(r['deepnotes'], r['scikit-learn'])} |"
            )
    return "\n".join(lines)


def engine_why(rows: list[dict], one: list[dict]) -> str:
    """Where the large net's step goes beyond its matrix products, for the missed targets."""
    lines = []
    for dtype in ("float32", "float64"):
        row = _row(rows, "784-256-256-10", dtype)
        single = _row(one, "784-256-256-10", dtype)
        if row is None or "Adam only" not in row:
            continue
        step, products, adam = (row[k].median for k in ("deepnotes", "matmul only", "Adam only"))
        rest = step - products - adam
        text = (
            f"{dtype}: of the {step * 1e3:.2f} ms step, the products take "
            f"{products * 1e3:.2f} ms (on {row['threads']} threads), the Adam update "
            f"{adam * 1e3:.2f} ms (one core) and the rest {max(rest, 0) * 1e3:.2f} ms (ReLU, "
            "bias adds, softmax and loss, input checks)"
        )
        if single is not None:
            single_ratio = ratio(single["deepnotes"], single["matmul only"])
            text += f"; on one thread the step is {single_ratio} its products"
        peer = row.get("scikit-learn")
        if peer is not None and step / peer.median > 0.5:
            text += (
                f"; being 2x faster than scikit-learn ({peer.ms()}) would leave "
                f"{max(peer.median / 2 - products, 0) * 1e3:.2f} ms for everything but the products"
            )
        lines.append(f"- {text}.")
    if not lines:
        return ""
    return (
        "**Where the large net's step goes** (medians, the same A B A B run). Adam's update is "
        "12 elementwise passes over the 270k parameters, the fewest NumPy ufuncs allow while "
        "`opt.state` keeps $v$ and $s$ as the formula has them; it streams ~5 arrays of "
        "1-2 MB through the cache each step. Tried and measured, no clear gain: "
        "cache-sized chunks, and each half of the arrays on its own thread.\n\n" + "\n".join(lines)
    )


def machine() -> str:
    import threadpoolctl

    blas = threadpoolctl.threadpool_info()
    blas_text = ", ".join(f"{b['internal_api']} {b.get('version')}" for b in blas if b) or "?"
    return (
        f"Python {platform.python_version()}, NumPy {np.__version__} ({blas_text}), "
        f"{platform.machine()}, measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def _row(rows: list[dict], net: str, dtype: str) -> dict | None:
    return next((r for r in rows if r["net"].startswith(net) and r["dtype"] == dtype), None)


def engine_targets(rows: list[dict]) -> str:
    """The issue's engine targets, each with the measured ratio and met/missed."""
    checks = []  # (target, row, peer, limit)
    for dtype in ("float32", "float64"):
        checks.append(("step <= 0.33x PyTorch, demo-size net", "2-64-64-1", dtype, "PyTorch", 0.33))
    checks.append(("step <= 1.3x PyTorch, large net", "784-256-256-10", "float32", "PyTorch", 1.3))
    for net in ("2-64-64-1", "784-256-256-10"):
        for dtype in ("float32", "float64"):
            checks.append(
                ("step <= 0.5x scikit-learn (2x faster)", net, dtype, "scikit-learn", 0.5)
            )
    for dtype in ("float32", "float64"):
        checks.append(
            ("step <= 1.5x matmul only, large net", "784-256-256-10", dtype, "matmul only", 1.5)
        )
    lines = ["| Target | Net | dtype | measured | |", "|---|---|---|---|---|"]
    for target, net, dtype, peer, limit in checks:
        row = _row(rows, net, dtype)
        if row is None or peer not in row:
            lines.append(f"| {target} | {net} | {dtype} | not measured | |")
            continue
        value = row["deepnotes"].median / row[peer].median
        verdict = "met" if value <= limit else "**missed**"
        lines.append(f"| {target} | {net} | {dtype} | {value:.2f}x | {verdict} |")
    return "\n".join(lines)
