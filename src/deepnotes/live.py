"""Watch training live: a :func:`~deepnotes.train.fit` callback that streams each epoch to the page.

In the browser (the demo runner's Pyodide worker) :func:`live_callback` posts
every epoch's costs and accuracies - and, if asked, the model's predictions on
a small grid for the decision boundary - to the page, which redraws the cost
curves while training runs. The page's Pause / Step / Stop buttons act through
the same callback: it waits while the run is paused and returns ``False``
(stop) when asked to. In plain CPython (the build's pre-render, a notebook, the
tests) nothing is posted: frames are only recorded in ``callback.frames``, so a
demo runs unchanged everywhere.

The page side listens to the worker's ``stream`` messages of kind ``"live"``
(frames) and ``"outcome"`` (:func:`report_outcome`, the answer a run gives to
the demo's "predict, then run" question).

Examples
--------
>>> import numpy as np
>>> from deepnotes import data
>>> from deepnotes.layers import Dense, Sigmoid
>>> from deepnotes.losses import BinaryCrossEntropy
>>> from deepnotes.model import Sequential
>>> from deepnotes.optim import Adam
>>> from deepnotes.train import fit
>>> X, Y = data.moons(60, rng=0)
>>> model = Sequential([Dense(2, 1, rng=np.random.default_rng(0)), Sigmoid()])
>>> watch = live_callback("Adam", boundary=(model, X, Y))
>>> history = fit(model, BinaryCrossEntropy(), Adam(lr=0.05), X, Y, epochs=3, callback=watch)
>>> len(watch.frames), sorted(watch.frames[0])[:4]
(3, ['accuracy', 'boundary', 'cost', 'dev_accuracy'])
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from deepnotes._checks import check_int

__all__ = ["LiveCallback", "in_browser", "live_callback", "report_outcome"]

#: What the page's control channel can answer (see web/src/worker.js).
RUN, STOP = 0, 3
_MAX_POINTS = 300  # data points sent with the first boundary frame


def _bridge() -> Any:
    """The worker's JavaScript module ``_deepnotes_bridge``, or None outside the browser."""
    try:
        import _deepnotes_bridge  # type: ignore[import-not-found]
    except ImportError:
        return None
    return _deepnotes_bridge


def in_browser() -> bool:
    """True when running in the demo runner's worker (frames reach the page).

    Examples
    --------
    >>> in_browser()
    False
    """
    return _bridge() is not None


def _number(value: float) -> float | None:
    """A JSON-safe float (NaN/inf -> None), rounded to 6 significant digits."""
    value = float(value)
    return float(f"{value:.6g}") if math.isfinite(value) else None


def _last(values: list[float]) -> float | None:
    return _number(values[-1]) if values else None


class LiveCallback:
    """Callable ``(epoch, history) -> bool`` that streams each epoch; see :func:`live_callback`.

    Attributes
    ----------
    frames : list of dict
        Every frame this callback produced, posted or not (the CPython record).
    stopped : bool
        The page asked the run to stop (the callback returned ``False``).
    """

    def __init__(
        self,
        label: str,
        every: int,
        boundary: tuple[Any, np.ndarray, np.ndarray] | None,
        boundary_every: int,
        resolution: int,
        epochs: int | None,
    ) -> None:
        self.label = label
        self.every = every
        self.boundary = boundary
        self.boundary_every = boundary_every
        self.resolution = resolution
        self.epochs = epochs
        self.frames: list[dict[str, Any]] = []
        self.stopped = False
        self._bridge = _bridge()
        self._grid: np.ndarray | None = None
        self._extent: list[float] | None = None
        self._points_sent = False

    def __repr__(self) -> str:
        return (
            f"LiveCallback(label={self.label!r}, every={self.every}, "
            f"boundary={'yes' if self.boundary else 'no'}, resolution={self.resolution})"
        )

    def _boundary_grid(self) -> dict[str, Any]:
        """Predicted probabilities on a ``resolution x resolution`` grid over the data."""
        model, X, Y = self.boundary
        if self._grid is None:
            X = np.asarray(X, dtype=float)
            low, high = X[:, :2].min(axis=0), X[:, :2].max(axis=0)
            pad = 0.1 * (high - low) + 1e-9
            low, high = low - pad, high + pad
            xs = np.linspace(low[0], high[0], self.resolution)
            ys = np.linspace(low[1], high[1], self.resolution)
            gx, gy = np.meshgrid(xs, ys)  # (r, r) each, row 0 = lowest y
            self._grid = np.column_stack([gx.ravel(), gy.ravel()])  # (r*r, 2)
            self._extent = [float(low[0]), float(high[0]), float(low[1]), float(high[1])]
        out = np.asarray(model.predict(self._grid), dtype=float)  # (r*r, 1) or (r*r, C)
        if out.ndim == 2 and out.shape[1] > 1:
            out = out.argmax(axis=1) / (out.shape[1] - 1)
        probs = np.clip(out.reshape(-1), 0.0, 1.0)
        frame: dict[str, Any] = {
            "size": self.resolution,
            "extent": self._extent,
            "values": [round(float(p), 3) for p in probs],
        }
        if not self._points_sent:
            X = np.asarray(X, dtype=float)
            labels = np.asarray(Y).reshape(len(X), -1)
            labels = labels.argmax(axis=1) if labels.shape[1] > 1 else labels[:, 0]
            step = max(1, len(X) // _MAX_POINTS)
            frame["points"] = [
                [round(float(x0), 3), round(float(x1), 3), int(label)]
                for (x0, x1), label in zip(X[::step, :2], labels[::step], strict=True)
            ]
            self._points_sent = True
        return frame

    def __call__(self, epoch: int, history: Any) -> bool:
        """Post the epoch's frame; wait while paused; return ``False`` when asked to stop."""
        last_epoch = self.epochs is not None and epoch == self.epochs - 1
        if epoch % self.every == 0 or last_epoch:
            frame: dict[str, Any] = {
                "label": self.label,
                "epoch": int(epoch),
                "epochs": self.epochs,
                "cost": _last(history.train_cost),
                "dev_cost": _last(history.dev_cost),
                "accuracy": _last(history.train_accuracy),
                "dev_accuracy": _last(history.dev_accuracy),
                "lr": _last(history.lr),
            }
            if self.boundary is not None and (epoch % self.boundary_every == 0 or last_epoch):
                frame["boundary"] = self._boundary_grid()
            self.frames.append(frame)
            if self._bridge is not None:
                self._bridge.post("live", json.dumps(frame))
        if self._bridge is not None and int(self._bridge.control()) == STOP:
            self.stopped = True
            return False
        return True


def live_callback(
    label: str = "train",
    *,
    every: int = 1,
    boundary: tuple[Any, np.ndarray, np.ndarray] | None = None,
    boundary_every: int = 5,
    resolution: int = 40,
    epochs: int | None = None,
) -> LiveCallback:
    """Return a ``fit`` callback that shows training live on the page.

    Each ``every``-th epoch becomes a frame: the last train cost $J$ (with the L2
    penalty), dev cost, accuracies and learning rate of ``history``. With
    ``boundary=(model, X, Y)`` every ``boundary_every``-th frame also carries the
    model's prediction $\\hat{y}$ on a ``resolution`` x ``resolution`` grid over
    the first two features of ``X`` (and, once, up to 300 of the points), so the
    page can redraw the decision boundary.

    Parameters
    ----------
    label : str
        Name of this training run in the page's legend (e.g. the optimizer).
    every : int
        Post one frame every ``every`` epochs (the last epoch always, if
        ``epochs`` is given).
    boundary : tuple (model, X, Y), optional
        Model and 2-D data whose decision boundary to stream.
    boundary_every : int
        Epochs between two boundary grids.
    resolution : int
        Grid points per axis of the boundary (between 5 and 100).
    epochs : int, optional
        The run's number of epochs, to fix the chart's x axis from the start.

    Returns
    -------
    LiveCallback
        Pass it as ``fit(..., callback=...)``. In the browser it posts frames and
        obeys Pause / Step / Stop; elsewhere it only records ``frames``.

    Raises
    ------
    TypeError
        If ``label`` is not a string or a count is not an integer.
    ValueError
        If ``every`` or ``boundary_every`` is below 1, ``resolution`` outside
        [5, 100], or ``boundary`` is not a ``(model, X, Y)`` triple.

    Examples
    --------
    >>> watch = live_callback("SGD", every=2)
    >>> watch
    LiveCallback(label='SGD', every=2, boundary=no, resolution=40)
    >>> live_callback(every=0)
    Traceback (most recent call last):
    ...
    ValueError: every must be >= 1; got 0
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a str naming the run; got {type(label).__name__}")
    check_int(every, "every", minimum=1)
    check_int(boundary_every, "boundary_every", minimum=1)
    check_int(resolution, "resolution", minimum=5)
    if resolution > 100:
        raise ValueError(f"resolution must be between 5 and 100; got {resolution}")
    if epochs is not None:
        check_int(epochs, "epochs", minimum=1)
    if boundary is not None:
        if not (isinstance(boundary, tuple | list) and len(boundary) == 3):
            raise ValueError(
                f"boundary must be a (model, X, Y) triple; got {type(boundary).__name__}"
            )
        X = np.asarray(boundary[1])
        if X.ndim != 2 or X.shape[1] < 2:
            raise ValueError(f"boundary X must be 2-D with >= 2 features; got shape {X.shape}")
        boundary = (boundary[0], X, np.asarray(boundary[2]))
    return LiveCallback(label, every, boundary, boundary_every, resolution, epochs)


def report_outcome(answer: str) -> str:
    """Tell the page what this run answered to the demo's ``# @predict:`` question.

    The page compares it with the reader's prediction. Outside the browser it
    only returns ``answer``.

    Parameters
    ----------
    answer : str
        One of the options of the demo's ``# @predict: question | a | b`` line.

    Returns
    -------
    str
        ``answer``, unchanged.

    Raises
    ------
    TypeError
        If ``answer`` is not a string.

    Examples
    --------
    >>> report_outcome("down")
    'down'
    """
    if not isinstance(answer, str):
        raise TypeError(f"answer must be a str (one of the prediction's options); got {answer!r}")
    bridge = _bridge()
    if bridge is not None:
        bridge.post("outcome", json.dumps({"answer": answer}))
    return answer
