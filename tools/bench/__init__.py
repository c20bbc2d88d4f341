"""``make bench``: deepnotes' benchmarks, reported as ratios against a baseline run in turn.

Every figure is a ratio of medians of two sides timed in the same process, A B A B ...,
so that a noisy machine slows both sides alike. Nothing here is a timed assertion: the
targets live in the report (``docs/performance.md``), not in the tests.
"""
