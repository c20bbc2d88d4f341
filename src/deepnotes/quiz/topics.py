"""The topic pages a quiz question can belong to (slug -> page title).

The slugs are the file names of ``docs/topics/<slug>.md`` and the ``topic`` field
of every question in the bank; the titles match the site's navigation.

Examples
--------
>>> TOPICS["batch-norm"]
'Batch normalization'
>>> topic_page("batch-norm")
'topics/batch-norm.md'
"""

from __future__ import annotations

__all__ = ["TOPICS", "topic_page"]

TOPICS: dict[str, str] = {
    "data-splits": "Train / dev / test sets",
    "bias-variance": "Bias, variance and the basic recipe",
    "regularization": "Regularization",
    "normalizing-inputs": "Normalizing inputs",
    "initialization": "Vanishing gradients and initialization",
    "gradient-checking": "Gradient checking",
    "minibatch-ewma": "Mini-batches and weighted averages",
    "optimizers": "Momentum, RMSprop, Adam and decay",
    "hyperparameter-tuning": "Hyperparameter tuning",
    "batch-norm": "Batch normalization",
    "frameworks": "Frameworks",
}
"""The topics, in the site's order: page slug (``docs/topics/<slug>.md``) -> page title.
Every quiz question names one of these slugs as its ``topic``."""


def topic_page(topic: str) -> str:
    """Return the docs path of a topic's page, e.g. ``'topics/optimizers.md'``.

    Parameters
    ----------
    topic : str
        One of the slugs in ``TOPICS``.

    Raises
    ------
    ValueError
        If ``topic`` is not a known slug.
    """
    if topic not in TOPICS:
        raise ValueError(f"topic must be one of {', '.join(TOPICS)}; got {topic!r}")
    return f"topics/{topic}.md"
