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


def machine() -> str:
    import threadpoolctl

    blas = threadpoolctl.threadpool_info()
    blas_text = ", ".join(f"{b['internal_api']} {b.get('version')}" for b in blas if b) or "?"
    return (
        f"Python {platform.python_version()}, NumPy {np.__version__} ({blas_text}), "
        f"{platform.machine()}, measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
