"""The training loop: mini-batch gradient descent with any optimizer, L2, schedules, early stopping.

:func:`fit` runs epochs of forward -> cost -> backward -> (+ L2 gradient) ->
optimizer step over mini-batches and records a :class:`History`. Epochs count
from 0 everywhere (schedules, ``History.epochs``, ``best_epoch``, callbacks).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from deepnotes import losses
from deepnotes._checks import (
    as_float_array,
    check_in_range,
    check_int,
    check_positive,
    check_rng,
    check_same_rows,
)
from deepnotes.data import minibatches
from deepnotes.diagnosis import Diagnosis, diagnose
from deepnotes.optim import GradientOverflow, clip_gradients

__all__ = ["History", "TrainingDiverged", "accuracy", "evaluate", "fit"]


class TrainingDiverged(FloatingPointError):
    """The cost became NaN or infinite: the run diverged (usually: learning rate too large).

    Attributes
    ----------
    epoch : int
        Epoch (from 0) in which the cost stopped being finite.
    lr : float
        Learning rate in use at that moment.
    cost : float
        The offending cost (``nan`` or ``inf``), or the last cost when a gradient
        overflowed first.
    """

    def __init__(self, epoch: int, lr: float, cost: float, reason: str | None = None) -> None:
        self.epoch, self.lr, self.cost = epoch, lr, cost
        reason = reason or f"the training cost became {cost}"
        super().__init__(
            f"Training diverged at epoch {epoch}: {reason}. "
            f"The learning rate was {lr:g}; try a smaller one (e.g. lr={lr / 10:g}), "
            "normalize the inputs, or clip the gradients."
        )


@dataclass
class History:
    """What happened during :func:`fit`, one entry per finished epoch.

    Attributes
    ----------
    epochs : list of int
        Epoch numbers, from 0.
    train_cost : list of float
        Cost $J$ on the whole training set at the end of each epoch, in inference
        mode (dropout off, batch norm on running statistics), *including* the L2
        penalty $\\frac{\\lambda}{2m}\\sum\\lVert W\\rVert^2$: what gradient descent minimises.
    train_loss : list of float
        The same without the L2 penalty (comparable with ``dev_cost``).
    dev_cost : list of float
        Loss on the dev set (no penalty), empty without ``dev``.
    train_accuracy, dev_accuracy : list of float
        Fraction classified correctly; empty for regression (``MeanSquaredError``).
    lr : list of float
        Learning rate used in each epoch.
    batch_costs : list of float
        Cost of every mini-batch as it was trained on (training mode, with the
        penalty): the noisy curve of mini-batch gradient descent.
    best_epoch : int or None
        Epoch with the lowest dev cost (train cost without ``dev``).
    stopped_early : bool
        Early stopping ended the run.
    stopped_by_callback : bool
        The callback returned ``False``.
    """

    epochs: list[int] = field(default_factory=list)
    train_cost: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    dev_cost: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    dev_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    batch_costs: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    stopped_by_callback: bool = False

    def __len__(self) -> int:
        return len(self.epochs)

    @property
    def train_error(self) -> float | None:
        """Last training error, ``1 - accuracy`` (None for regression or before training)."""
        return 1.0 - self.train_accuracy[-1] if self.train_accuracy else None

    @property
    def dev_error(self) -> float | None:
        """Last dev error, ``1 - accuracy`` (None without a dev set or for regression)."""
        return 1.0 - self.dev_accuracy[-1] if self.dev_accuracy else None

    def diagnose(self, bayes_error: float = 0.0, tolerance: float = 0.02) -> Diagnosis:
        """Bias/variance diagnosis of the last epoch (see :func:`deepnotes.diagnose`)."""
        if self.train_error is None or self.dev_error is None:
            raise ValueError("diagnose needs train and dev accuracy: fit a classifier with dev=")
        return diagnose(self.train_error, self.dev_error, bayes_error, tolerance)

    def as_dict(self) -> dict[str, object]:
        """Plain lists and numbers (JSON-friendly, e.g. to stream to the browser)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def __repr__(self) -> str:
        if not self.epochs:
            return "History(0 epochs)"
        parts = [f"{len(self)} epochs", f"train_cost={self.train_cost[-1]:.4g}"]
        if self.dev_cost:
            parts.append(f"dev_cost={self.dev_cost[-1]:.4g}")
        if self.train_accuracy:
            parts.append(f"train_accuracy={self.train_accuracy[-1]:.3f}")
        if self.dev_accuracy:
            parts.append(f"dev_accuracy={self.dev_accuracy[-1]:.3f}")
        parts.append(f"best_epoch={self.best_epoch}")
        return "History(" + ", ".join(parts) + ")"


def _predicted_labels(y_hat: np.ndarray, loss: object) -> np.ndarray | None:
    """Class predictions from the network output, or None for regression losses."""
    if isinstance(loss, losses.BinaryCrossEntropy):
        return (y_hat >= 0.5).astype(np.int64)  # probabilities -> 0/1, (m, 1)
    if isinstance(loss, losses.BinaryCrossEntropyWithLogits):
        return (y_hat >= 0.0).astype(np.int64)  # logits -> 0/1, (m, 1)
    if isinstance(loss, losses.SoftmaxCrossEntropy):
        return np.argmax(y_hat, axis=1)  # logits -> class index, (m,)
    return None


def _true_labels(Y: np.ndarray, loss: object) -> np.ndarray:
    if isinstance(loss, losses.SoftmaxCrossEntropy) and Y.ndim == 2:
        return np.argmax(Y, axis=1)  # one-hot -> class index
    return Y.astype(np.int64)


def _accuracy_of(y_hat: np.ndarray, Y: np.ndarray, loss: object) -> float | None:
    predicted = _predicted_labels(y_hat, loss)
    if predicted is None:
        return None
    return float(np.mean(predicted == _true_labels(Y, loss).reshape(predicted.shape)))


def _check_data(X: object, Y: object, name_X: str = "X", name_Y: str = "Y"):
    X = as_float_array(X, name_X, ndim=2)
    Y = np.asarray(Y)
    if Y.dtype.kind not in "biuf":
        raise TypeError(f"{name_Y} must hold numbers; got dtype {Y.dtype}")
    if Y.ndim not in (1, 2):
        raise ValueError(
            f"{name_Y} must be (m, 1) binary labels, (m,) class indices or (m, k) targets; "
            f"got shape {Y.shape}"
        )
    if Y.dtype.kind == "f" and not np.all(np.isfinite(Y)):
        raise ValueError(f"{name_Y} contains NaN or infinite values; clean the labels first")
    check_same_rows(X, Y, name_X, name_Y)
    return X, Y


def evaluate(model, loss, X: object, Y: object) -> tuple[float, float | None]:
    """Cost and accuracy of ``model`` on ``(X, Y)`` in inference mode.

    Accuracy is $\\frac{1}{m}\\sum_i [\\hat y^{(i)} = y^{(i)}]$, with predictions
    $\\hat y = [a \\ge 0.5]$ for ``BinaryCrossEntropy`` (probabilities),
    $\\hat y = [z \\ge 0]$ for ``BinaryCrossEntropyWithLogits`` and
    $\\hat y = \\arg\\max_k z_k$ for ``SoftmaxCrossEntropy`` (logits); ``None`` for
    ``MeanSquaredError`` (regression has no accuracy).

    Parameters
    ----------
    model : Sequential
    loss : BinaryCrossEntropy, SoftmaxCrossEntropy or MeanSquaredError
    X : array-like of shape (m, n)
    Y : array-like
        Labels in the loss's format.

    Returns
    -------
    cost : float
        Mean loss (no regularization term).
    accuracy : float or None

    Examples
    --------
    >>> from deepnotes.layers import Dense, Sigmoid
    >>> from deepnotes.losses import BinaryCrossEntropy
    >>> from deepnotes.model import Sequential
    >>> model = Sequential([Dense(2, 1, init="zeros"), Sigmoid()])
    >>> cost, acc = evaluate(model, BinaryCrossEntropy(), [[1.0, 2.0], [3.0, 4.0]], [[1], [0]])
    >>> round(cost, 4), acc  # all outputs 0.5: cost ln 2, half right (ties count as 1)
    (0.6931, 0.5)
    """
    X, Y = _check_data(X, Y)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        y_hat = model.forward(X, training=False)
        cost = float(loss.forward(y_hat, Y))
    return cost, _accuracy_of(y_hat, Y, loss)


def accuracy(model, loss, X: object, Y: object) -> float | None:
    """Fraction of ``(X, Y)`` that ``model`` classifies correctly (see :func:`evaluate`).

    Examples
    --------
    >>> from deepnotes.layers import Dense, Sigmoid
    >>> from deepnotes.losses import BinaryCrossEntropy
    >>> from deepnotes.model import Sequential
    >>> model = Sequential([Dense(1, 1, init="zeros"), Sigmoid()])
    >>> accuracy(model, BinaryCrossEntropy(), [[1.0], [2.0]], [[1], [1]])
    1.0
    """
    return evaluate(model, loss, X, Y)[1]


_OVERFLOW = "the network's output overflowed to inf or NaN"


def _evaluate_in_fit(model, loss, X, Y, epoch: int, lr: float) -> tuple[float, float | None]:
    """:func:`evaluate` on data ``fit`` already checked: a ValueError there can only mean
    the network's output overflowed, which is a diverged run."""
    try:
        return evaluate(model, loss, X, Y)
    except ValueError as exc:
        raise TrainingDiverged(epoch, lr, math.nan, _OVERFLOW) from exc


def _snapshot(model) -> dict[str, np.ndarray]:
    """Copies of the parameters and batch-norm running statistics (to restore later)."""
    state = {f"param:{k}": v.copy() for k, v in model.parameters().items()}
    for i, layer in enumerate(model.layers):
        for attr in ("running_mean", "running_var"):
            value = getattr(layer, attr, None)
            if isinstance(value, np.ndarray):
                state[f"{i}.{attr}"] = value.copy()
    return state


def _restore(model, state: dict[str, np.ndarray]) -> None:
    params = model.parameters()
    for key, value in state.items():
        if key.startswith("param:"):
            params[key[len("param:") :]][...] = value
        else:
            i, attr = key.split(".", 1)
            getattr(model.layers[int(i)], attr)[...] = value


def fit(
    model,
    loss,
    optimizer,
    X: object,
    Y: object,
    epochs: int,
    batch_size: int | None = None,
    lambd: float = 0.0,
    schedule: Callable[[int], float] | None = None,
    dev: tuple[object, object] | None = None,
    early_stopping: int | None = None,
    rng: object = None,
    callback: Callable[[int, History], bool | None] | None = None,
    max_grad_norm: float | None = None,
) -> History:
    """Train ``model`` with mini-batch gradient descent and return its :class:`History`.

    For each epoch the examples are shuffled into mini-batches; on each batch of
    $m_b$ examples:

    $$J = \\frac{1}{m_b}\\sum_i \\mathcal L(\\hat y^{(i)}, y^{(i)})
    + \\frac{\\lambda}{2 m_b}\\sum_l \\lVert W^{[l]}\\rVert_F^2, \\qquad
    dW^{[l]} = dW^{[l]}_{\\text{backprop}} + \\frac{\\lambda}{m_b} W^{[l]}$$

    then ``optimizer.step(params, grads)``. After each epoch the whole training
    set (and the dev set) is evaluated in inference mode.

    Parameters
    ----------
    model : Sequential
        The network, changed in place.
    loss : BinaryCrossEntropy, SoftmaxCrossEntropy or MeanSquaredError
    optimizer : Optimizer
        E.g. ``Adam(lr=0.01)``; keeps its state across calls.
    X : array-like of shape (m, n)
    Y : array-like
        Labels in the loss's format (``(m, 1)`` 0/1, ``(m,)`` ints or one-hot, targets).
    epochs : int
        Passes over the training set, >= 1.
    batch_size : int, optional
        Mini-batch size; ``None`` (default) is batch gradient descent (all $m$
        examples per step), 1 is stochastic gradient descent. With batch norm in
        the model, a last mini-batch of a single example is skipped (its variance
        is 0); the shuffle gives that example a batch in the next epoch.
    lambd : float, default 0.0
        L2 regularization strength $\\lambda \\ge 0$ (biases and batch-norm
        parameters are not penalised).
    schedule : callable, optional
        ``epoch -> lr`` (see :mod:`deepnotes.schedules`); replaces ``optimizer.lr``.
    dev : (X_dev, Y_dev), optional
        Dev set evaluated after every epoch.
    early_stopping : int, optional
        Patience: stop when the dev cost has not improved for this many epochs,
        then **restore the weights (and batch-norm statistics) of the best dev
        epoch**. Needs ``dev``.
    rng : numpy.random.Generator or int, optional
        Shuffles the mini-batches.
    callback : callable, optional
        ``callback(epoch, history)`` after every epoch; returning ``False`` stops
        training (anything else continues).
    max_grad_norm : float, optional
        Clip the global gradient norm to this value each step
        (:func:`deepnotes.optim.clip_gradients`).

    Returns
    -------
    History

    Raises
    ------
    TrainingDiverged
        If a cost becomes NaN or infinite; the message names the epoch and the
        learning rate and suggests a smaller one.
    ValueError, TypeError
        On bad arguments (shapes, ranges, a missing ``dev`` for early stopping).

    Examples
    --------
    >>> from deepnotes.data import circles
    >>> from deepnotes.layers import Dense, ReLU, Sigmoid
    >>> from deepnotes.losses import BinaryCrossEntropy
    >>> from deepnotes.model import Sequential
    >>> from deepnotes.optim import Adam
    >>> rng = np.random.default_rng(0)
    >>> X, Y = circles(m=200, noise=0.05, rng=rng)
    >>> model = Sequential([Dense(2, 8, rng=rng), ReLU(), Dense(8, 1, rng=rng), Sigmoid()])
    >>> history = fit(model, BinaryCrossEntropy(), Adam(lr=0.05), X, Y, epochs=100,
    ...               batch_size=32, rng=rng)
    >>> history.train_accuracy[-1] > 0.9
    True
    """
    X, Y = _check_data(X, Y)
    epochs = check_int(epochs, "epochs", minimum=1)
    m = X.shape[0]
    batch_size = m if batch_size is None else min(check_int(batch_size, "batch_size"), m)
    lambd = check_in_range(lambd, "lambd", 0.0, math.inf)
    if max_grad_norm is not None:
        max_grad_norm = check_positive(max_grad_norm, "max_grad_norm")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method; got {optimizer!r}")
    if schedule is not None:
        if not callable(schedule):
            raise TypeError(f"schedule must be a callable epoch -> lr; got {schedule!r}")
        optimizer.lr = schedule
    if dev is not None:
        if not (isinstance(dev, tuple | list) and len(dev) == 2):
            raise TypeError("dev must be a pair (X_dev, Y_dev)")
        X_dev, Y_dev = _check_data(*dev, name_X="X_dev", name_Y="Y_dev")
        if X_dev.shape[1] != X.shape[1]:
            raise ValueError(
                f"X_dev must have {X.shape[1]} features like X; got X_dev.shape={X_dev.shape}"
            )
    if early_stopping is not None:
        early_stopping = check_int(early_stopping, "early_stopping", minimum=1)
        if dev is None:
            raise ValueError("early_stopping needs a dev set: pass dev=(X_dev, Y_dev)")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable(epoch, history); got {callback!r}")
    rng = check_rng(rng)

    has_batch_norm = any(hasattr(layer, "running_mean") for layer in model.layers)
    if has_batch_norm and batch_size == 1 and m > 1:
        raise ValueError(
            "batch_size=1 cannot train a model with BatchNorm: the variance of one example "
            "is 0; use mini-batches of at least 2 examples"
        )
    history = History()
    best_cost, best_state = math.inf, None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(epochs):
            if hasattr(optimizer, "set_epoch"):
                optimizer.set_epoch(epoch)
            lr = float(getattr(optimizer, "current_lr", math.nan))
            for X_batch, Y_batch in minibatches(X, Y, batch_size, rng):
                m_b = X_batch.shape[0]
                if m_b == 1 and has_batch_norm and m > 1:
                    continue  # batch norm cannot normalise one example; it is reshuffled next epoch
                y_hat = model.forward(X_batch, training=True)
                if not np.all(np.isfinite(y_hat)):
                    raise TrainingDiverged(epoch, lr, math.nan, _OVERFLOW)
                cost = float(loss.forward(y_hat, Y_batch))
                if lambd:
                    cost += float(losses.l2_penalty(model, lambd, m_b))
                if not math.isfinite(cost):
                    raise TrainingDiverged(epoch, lr, cost)
                history.batch_costs.append(cost)
                model.backward(loss.backward())
                grads = dict(model.gradients())
                if lambd:
                    for key, dW_l2 in losses.l2_gradients(model, lambd, m_b).items():
                        grads[key] = grads[key] + dW_l2
                try:
                    if max_grad_norm is not None:
                        clip_gradients(grads, max_grad_norm)
                    optimizer.step(model.parameters(), grads)
                except GradientOverflow as exc:
                    raise TrainingDiverged(epoch, lr, cost, "a gradient overflowed") from exc

            train_loss, train_acc = _evaluate_in_fit(model, loss, X, Y, epoch, lr)
            penalty = float(losses.l2_penalty(model, lambd, m)) if lambd else 0.0
            if not math.isfinite(train_loss + penalty):
                raise TrainingDiverged(epoch, lr, train_loss + penalty)
            history.epochs.append(epoch)
            history.lr.append(lr)
            history.train_loss.append(train_loss)
            history.train_cost.append(train_loss + penalty)
            if train_acc is not None:
                history.train_accuracy.append(train_acc)
            monitored = train_loss + penalty
            if dev is not None:
                dev_cost, dev_acc = _evaluate_in_fit(model, loss, X_dev, Y_dev, epoch, lr)
                if not math.isfinite(dev_cost):
                    raise TrainingDiverged(epoch, lr, dev_cost, f"the dev cost became {dev_cost}")
                history.dev_cost.append(dev_cost)
                if dev_acc is not None:
                    history.dev_accuracy.append(dev_acc)
                monitored = dev_cost
            if monitored < best_cost:
                best_cost, history.best_epoch = monitored, epoch
                if early_stopping is not None:
                    best_state = _snapshot(model)

            verdict = callback(epoch, history) if callback is not None else None
            if verdict is False or verdict is np.False_:  # only False stops, not None or 0
                history.stopped_by_callback = True
                break
            if early_stopping is not None and epoch - history.best_epoch >= early_stopping:
                history.stopped_early = True
                break
    if best_state is not None:
        _restore(model, best_state)
    return history
