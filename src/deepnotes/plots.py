"""Plots for the notes: decision boundaries, cost curves, optimizer paths, per-layer histograms.

Needs matplotlib (the ``plots`` extra). Every function draws on the ``ax`` (or
``fig``) you pass, or makes a new one, and returns it so you can keep styling.
Colours come from the Okabe-Ito palette, which stays distinguishable with the
common forms of colour blindness; lines also differ by style, not colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from deepnotes._checks import as_float_array, check_int

__all__ = [
    "PALETTE",
    "activations_per_layer",
    "cost_curves",
    "decision_boundary",
    "layer_histograms",
    "optimizer_paths",
]

PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
"""Okabe-Ito colours (colour-blind friendly), in the order the plots use them."""
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_LINESTYLES = ("-", "--", "-.", ":")


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    return ax


def _class_index(output: np.ndarray, threshold: float) -> np.ndarray:
    """Class per row of a network output: threshold one column, argmax several."""
    if output.ndim == 2 and output.shape[1] > 1:
        return np.argmax(output, axis=1)
    return (output.reshape(-1) >= threshold).astype(np.int64)


def decision_boundary(
    model,
    X: object,
    Y: object,
    ax: Axes | None = None,
    *,
    resolution: int = 200,
    padding: float = 0.5,
    threshold: float = 0.5,
    title: str | None = None,
) -> Axes:
    """Colour the plane by the class ``model`` predicts, with the examples on top.

    The model is evaluated in inference mode (``model.predict``) on a
    ``resolution x resolution`` grid covering ``X`` plus ``padding``. A single
    output column is read as a probability (class 1 where $\\hat y \\ge$
    ``threshold``); several columns as scores (class $\\arg\\max_k \\hat y_k$).

    Parameters
    ----------
    model : Sequential
        A trained network with 2 inputs.
    X : array-like of shape (m, 2)
    Y : array-like
        ``(m, 1)`` 0/1, ``(m,)`` ints or one-hot ``(m, k)`` labels.
    ax : matplotlib Axes, optional
    resolution : int, default 200
        Grid points per axis (>= 2).
    padding : float, default 0.5
        Margin around the data, in data units.
    threshold : float, default 0.5
        Decision threshold for a single output column (use 0 for a model that
        outputs logits, e.g. trained with ``BinaryCrossEntropyWithLogits``).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from deepnotes.data import blobs
    >>> from deepnotes.layers import Dense, Sigmoid
    >>> from deepnotes.model import Sequential
    >>> X, Y = blobs(m=40, rng=0)
    >>> ax = decision_boundary(Sequential([Dense(2, 1, rng=0), Sigmoid()]), X, Y)
    >>> ax.get_xlabel()
    '$x_1$'
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"decision_boundary needs X with 2 features; got X.shape={X.shape}")
    labels = np.asarray(Y)
    if labels.ndim == 2 and labels.shape[1] > 1:
        labels = np.argmax(labels, axis=1)
    labels = labels.reshape(-1).astype(np.int64)
    if labels.shape[0] != X.shape[0]:
        raise ValueError(f"Y must have one label per row of X ({X.shape[0]}); got {Y!r:.60}")
    resolution = check_int(resolution, "resolution", minimum=2)
    ax = _axes(ax)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    x1, x2 = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.column_stack([x1.ravel(), x2.ravel()])  # (resolution**2, 2)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        predicted = _class_index(np.asarray(model.predict(grid)), threshold)
    n_classes = int(max(labels.max(), predicted.max())) + 1
    colours = [PALETTE[i % len(PALETTE)] for i in range(n_classes)]
    ax.contourf(
        x1,
        x2,
        predicted.reshape(x1.shape),
        levels=np.arange(n_classes + 1) - 0.5,
        cmap=ListedColormap(colours),
        alpha=0.25,
    )
    for k in range(n_classes):
        mask = labels == k
        if mask.any():
            ax.scatter(
                X[mask, 0],
                X[mask, 1],
                s=14,
                color=colours[k],
                marker=_MARKERS[k % len(_MARKERS)],
                edgecolors="white",
                linewidths=0.4,
                label=f"class {k}",
            )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.legend(loc="upper right", fontsize="small", framealpha=0.8)
    if title:
        ax.set_title(title)
    return ax


def cost_curves(
    history: object,
    ax: Axes | None = None,
    *,
    metric: str = "cost",
    log_scale: bool = False,
    title: str | None = None,
) -> Axes:
    """Plot training (solid) and dev (dashed) curves per epoch for one or several runs.

    Parameters
    ----------
    history : History or dict of str to History
        One run, or several runs by name (each gets its own colour).
    ax : matplotlib Axes, optional
    metric : {"cost", "accuracy", "error", "batch"}, default "cost"
        ``"cost"`` plots ``train_cost``/``dev_cost``, ``"accuracy"`` the accuracies,
        ``"error"`` one minus them, ``"batch"`` the cost of every mini-batch.
    log_scale : bool, default False
        Logarithmic y axis.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from deepnotes.train import History
    >>> h = History(epochs=[0, 1, 2], train_cost=[0.7, 0.5, 0.4], dev_cost=[0.7, 0.6, 0.6])
    >>> ax = cost_curves({"Adam": h})
    >>> [line.get_label() for line in ax.get_lines()]
    ['Adam train', 'Adam dev']
    """
    from deepnotes.train import History

    if isinstance(history, History):
        runs = {"": history}
    elif isinstance(history, Mapping) and all(isinstance(h, History) for h in history.values()):
        runs = dict(history)
    else:
        raise TypeError(f"history must be a History or a dict name -> History; got {history!r:.80}")
    if metric not in ("cost", "accuracy", "error", "batch"):
        raise ValueError(f"metric must be 'cost', 'accuracy', 'error' or 'batch'; got {metric!r}")
    ax = _axes(ax)
    for i, (name, h) in enumerate(runs.items()):
        colour = PALETTE[i % len(PALETTE)]
        prefix = f"{name} " if name else ""
        if metric == "batch":
            ax.plot(h.batch_costs, color=colour, lw=1, label=f"{prefix}mini-batch cost".strip())
            continue
        if metric == "cost":
            train, dev = h.train_cost, h.dev_cost
        else:
            train, dev = h.train_accuracy, h.dev_accuracy
            if metric == "error":
                train, dev = [1 - a for a in train], [1 - a for a in dev]
        if train:
            ax.plot(h.epochs[: len(train)], train, color=colour, ls="-", label=f"{prefix}train")
        if dev:
            ax.plot(h.epochs[: len(dev)], dev, color=colour, ls="--", label=f"{prefix}dev")
    ax.set_xlabel("mini-batch (iteration)" if metric == "batch" else "epoch")
    ax.set_ylabel({"cost": "cost $J$", "batch": "cost $J$"}.get(metric, metric))
    if log_scale:
        ax.set_yscale("log")
    if ax.get_lines():
        ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def optimizer_paths(
    loss_fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: Mapping[str, object],
    ax: Axes | None = None,
    *,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    levels: int | Sequence[float] = 30,
    resolution: int = 200,
    log_levels: bool = True,
    title: str | None = None,
) -> Axes:
    """Draw the paths several optimizers take across the contours of a 2-D loss.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(w1, w2)`` on two same-shape arrays, returning the loss per point
        (vectorised, e.g. ``lambda w1, w2: w1**2 + 10 * w2**2``).
    paths : dict of str to array-like of shape (k, 2)
        Each optimizer's successive positions $(w_1, w_2)$, start first.
    ax : matplotlib Axes, optional
    xlim, ylim : (float, float), optional
        Plot range; by default the paths' extent plus a margin.
    levels : int or sequence of float, default 30
        Number of contour levels or the levels themselves.
    resolution : int, default 200
        Grid points per axis (>= 2).
    log_levels : bool, default True
        Space the automatic levels logarithmically (shows narrow valleys better).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> path = np.array([[-2.0, 1.0], [-1.0, 0.5], [0.0, 0.0]])
    >>> ax = optimizer_paths(lambda a, b: a**2 + 10 * b**2, {"GD": path})
    >>> ax.get_lines()[0].get_label()
    'GD'
    """
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable(w1, w2); got {type(loss_fn).__name__}")
    if not isinstance(paths, Mapping) or not paths:
        raise TypeError("paths must be a non-empty dict name -> array of shape (k, 2)")
    arrays = {}
    for name, path in paths.items():
        arr = as_float_array(path, f"paths[{name!r}]", ndim=2)
        if arr.shape[1] != 2:
            raise ValueError(f"paths[{name!r}] must have shape (k, 2); got {arr.shape}")
        arrays[name] = arr
    resolution = check_int(resolution, "resolution", minimum=2)
    points = np.concatenate(list(arrays.values()))
    span = np.ptp(points, axis=0)
    margin = 0.15 * np.where(span > 0, span, 1.0)
    xlim = xlim or (points[:, 0].min() - margin[0], points[:, 0].max() + margin[0])
    ylim = ylim or (points[:, 1].min() - margin[1], points[:, 1].max() + margin[1])
    w1, w2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        Z = np.asarray(loss_fn(w1, w2), dtype=np.float64) * np.ones_like(w1)
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        raise ValueError("loss_fn gave no finite value on the plotted range")
    if isinstance(levels, int) and log_levels and np.ptp(finite) > 0:
        shift = finite.min() - 1e-3 * np.ptp(finite)  # geomspace needs positive bounds
        levels = shift + np.geomspace(finite.min() - shift, finite.max() - shift, levels)
    ax = _axes(ax)
    ax.contour(w1, w2, Z, levels=levels, cmap="Greys", linewidths=0.7, alpha=0.8)
    for i, (name, path) in enumerate(arrays.items()):
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(
            path[:, 0],
            path[:, 1],
            color=colour,
            ls=_LINESTYLES[i % len(_LINESTYLES)],
            marker=_MARKERS[i % len(_MARKERS)],
            markersize=3,
            lw=1.5,
            label=name,
        )
        ax.plot(*path[-1], marker="*", markersize=10, color=colour)
    ax.plot(*points[0], marker="o", markersize=7, color="black", fillstyle="none")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def activations_per_layer(model, X: object) -> dict[str, np.ndarray]:
    """Run ``X`` through ``model`` in inference mode and keep every layer's output.

    Parameters
    ----------
    model : Sequential
    X : array-like of shape (m, n)

    Returns
    -------
    dict of str to ndarray
        ``"0 Dense"``, ``"1 ReLU"``, ... -> that layer's output, in order.

    Examples
    --------
    >>> from deepnotes.layers import Dense, Tanh
    >>> from deepnotes.model import Sequential
    >>> acts = activations_per_layer(Sequential([Dense(2, 3, rng=0), Tanh()]), np.ones((4, 2)))
    >>> list(acts), acts["1 Tanh"].shape
    (['0 Dense', '1 Tanh'], (4, 3))
    """
    a = as_float_array(X, "X", ndim=2)
    outputs = {}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i, layer in enumerate(model.layers):
            a = layer.forward(a, training=False)
            outputs[f"{i} {type(layer).__name__}"] = a
    return outputs


def layer_histograms(
    values: Mapping[str, object] | Sequence[object],
    fig: Figure | None = None,
    *,
    bins: int = 50,
    xlabel: str = "value",
    title: str | None = None,
) -> Figure:
    """One histogram per layer, side by side: watch activations or gradients vanish or explode.

    Each panel's title shows the layer name and the standard deviation of its
    values, so shrinking or growing scales are readable without comparing axes.

    Parameters
    ----------
    values : dict of str to array-like, or sequence of array-like
        Values per layer (activations, gradients, weights), any shape each.
    fig : matplotlib Figure, optional
        Drawn into (its existing axes are cleared); by default a new figure.
    bins : int, default 50
        Histogram bins (>= 1).
    xlabel : str, default "value"
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> fig = layer_histograms({"layer 1": rng.normal(size=100), "layer 2": rng.normal(size=100)})
    >>> len(fig.axes)
    2
    """
    if isinstance(values, Mapping):
        items = list(values.items())
    elif isinstance(values, Sequence) and not isinstance(values, str | bytes):
        items = [(f"layer {i + 1}", v) for i, v in enumerate(values)]
    else:
        raise TypeError("values must be a dict name -> array or a list of arrays")
    if not items:
        raise ValueError("values is empty: pass at least one layer's values")
    bins = check_int(bins, "bins", minimum=1)
    arrays = [(str(name), as_float_array(v, f"values[{name!r}]").ravel()) for name, v in items]
    n = len(arrays)
    if fig is None:
        fig = plt.figure(figsize=(min(2.6 * n, 14), 2.8), layout="constrained")
    elif not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure or None; got {type(fig).__name__}")
    else:
        fig.clear()
    axes = fig.subplots(1, n, sharey=True, squeeze=False)[0]
    for i, (ax, (name, arr)) in enumerate(zip(axes, arrays, strict=True)):
        ax.hist(arr, bins=bins, color=PALETTE[i % len(PALETTE)], alpha=0.85)
        ax.set_title(f"{name}\nstd {arr.std():.2g}", fontsize="small")
        ax.set_xlabel(xlabel)
    axes[0].set_ylabel("count")
    if title:
        fig.suptitle(title)
    return fig
