"""Engine step time against scikit-learn, PyTorch (CPU) and pure matrix products.

One training step = forward, loss, backward and an Adam update, on a batch.
Shapes: the demo-size net ``2-64-64-1`` (batch 64) and ``784-256-256-10``
(batch 256), in float32 and float64, all libraries held to the same number of
BLAS/intra-op threads.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from tools.bench.timing import Timing, interleaved


@dataclass(frozen=True)
class NetShape:
    """Layer widths and batch size of a benchmarked MLP."""

    widths: tuple[int, ...]
    batch: int

    @property
    def name(self) -> str:
        return "-".join(map(str, self.widths)) + f" (batch {self.batch})"

    @property
    def n_classes(self) -> int:
        return self.widths[-1]


DEMO_NET = NetShape((2, 64, 64, 1), 64)
LARGE_NET = NetShape((784, 256, 256, 10), 256)


def _data(shape: NetShape, dtype: type, rng: np.random.Generator):
    X = rng.standard_normal((shape.batch, shape.widths[0])).astype(dtype)  # (m, n0)
    if shape.n_classes == 1:
        y = (rng.random(shape.batch) < 0.5).astype(int)  # (m,)
        Y = y.reshape(-1, 1).astype(dtype)  # (m, 1)
    else:
        y = rng.integers(0, shape.n_classes, shape.batch)  # (m,)
        Y = y
    return X, Y, y


def engine_step(shape: NetShape, dtype: type, rng: np.random.Generator) -> Callable[[], None]:
    """One deepnotes step: forward, loss, backward, Adam."""
    X, Y, _ = _data(shape, dtype, rng)
    layers: list = []
    widths = shape.widths
    for i, (n_in, n_out) in enumerate(itertools.pairwise(widths)):
        layers.append(Dense(n_in, n_out, init="he", rng=rng, dtype=dtype))
        if i < len(widths) - 2:
            layers.append(ReLU())
    if shape.n_classes == 1:
        layers.append(Sigmoid())
        loss = BinaryCrossEntropy()
    else:
        loss = SoftmaxCrossEntropy()
    model = Sequential(layers)
    optimizer = Adam(lr=1e-3)
    params, grads = model.parameters(), model.gradients()

    def step() -> None:
        out = model.forward(X, training=True)
        loss.forward(out, Y)
        model.backward(loss.backward())
        optimizer.step(params, grads)

    return step


def adam_only(shape: NetShape, dtype: type, rng: np.random.Generator) -> Callable[[], None]:
    """Only the step's Adam update (parameters and gradients of the net's shapes)."""
    params, grads = {}, {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(shape.widths)):
        params[f"{i}.W"] = rng.standard_normal((n_out, n_in)).astype(dtype)
        params[f"{i}.b"] = np.zeros(n_out, dtype=dtype)
        grads[f"{i}.W"] = rng.standard_normal((n_out, n_in)).astype(dtype) * 1e-3
        grads[f"{i}.b"] = rng.standard_normal(n_out).astype(dtype) * 1e-3
    optimizer = Adam(lr=1e-3)

    def step() -> None:
        optimizer.step(params, grads)

    return step


def matmul_only(shape: NetShape, dtype: type, rng: np.random.Generator) -> Callable[[], None]:
    """Only the matrix products a step needs: the limit pure BLAS sets."""
    widths = shape.widths
    X = rng.standard_normal((shape.batch, widths[0])).astype(dtype)  # (m, n0)
    Ws = [
        rng.standard_normal((n_out, n_in)).astype(dtype)  # (n_out, n_in)
        for n_in, n_out in itertools.pairwise(widths)
    ]

    def step() -> None:
        activations = [X]
        for W in Ws:
            activations.append(activations[-1] @ W.T)  # (m, n_out)
        dZ = activations[-1]
        for i in range(len(Ws) - 1, -1, -1):
            dZ.T @ activations[i]  # dW: (n_out, n_in)
            if i > 0:
                dZ = dZ @ Ws[i]  # dA: (m, n_in)

    return step


def sklearn_step(shape: NetShape, dtype: type, rng: np.random.Generator) -> Callable[[], None]:
    """scikit-learn's MLPClassifier: one ``partial_fit`` on one batch is one Adam step."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, _, y = _data(shape, dtype, rng)
    clf = MLPClassifier(
        hidden_layer_sizes=shape.widths[1:-1],
        solver="adam",
        batch_size=shape.batch,
        learning_rate_init=1e-3,
        random_state=0,
    )
    classes = np.arange(max(2, shape.n_classes))
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf.partial_fit(X, y, classes=classes)
    return lambda: clf.partial_fit(X, y)


def torch_step(shape: NetShape, dtype: type, rng: np.random.Generator) -> Callable[[], None]:
    """PyTorch CPU: the same MLP, loss and Adam."""
    import torch

    X, Y, y = _data(shape, dtype, rng)
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    widths = shape.widths
    modules: list = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(widths)):
        modules.append(torch.nn.Linear(n_in, n_out, dtype=tdtype))
        if i < len(widths) - 2:
            modules.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*modules)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    Xt = torch.from_numpy(X)
    if shape.n_classes == 1:
        loss_fn = torch.nn.BCEWithLogitsLoss()
        Yt = torch.from_numpy(Y)
    else:
        loss_fn = torch.nn.CrossEntropyLoss()
        Yt = torch.from_numpy(y)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss_fn(net(Xt), Yt).backward()
        optimizer.step()

    return step


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def run(
    threads: int | None = None,
    repeats: int = 21,
    cpu_time: bool = False,
    shapes: tuple[NetShape, ...] = (DEMO_NET, LARGE_NET),
) -> list[dict]:
    """Every shape x dtype: the engine against each peer and against pure matmuls.

    ``cpu_time``: time with the process's CPU clock, on one thread (steady on a busy machine).
    """
    threads = 1 if cpu_time else threads or os.cpu_count() or 1
    clock = time.process_time if cpu_time else time.perf_counter
    rows = []
    if torch_available():
        import torch

        torch.set_num_threads(threads)
    with threadpool_limits(limits=threads):
        for shape in shapes:
            for dtype in (np.float32, np.float64):
                rng = np.random.default_rng(0)
                sides = {
                    "deepnotes": engine_step(shape, dtype, rng),
                    "matmul only": matmul_only(shape, dtype, rng),
                    "Adam only": adam_only(shape, dtype, rng),
                    "scikit-learn": sklearn_step(shape, dtype, rng),
                }
                if torch_available():
                    sides["PyTorch"] = torch_step(shape, dtype, rng)
                times: dict[str, Timing] = interleaved(sides, repeats=repeats, clock=clock)
                rows.append(
                    {"net": shape.name, "dtype": np.dtype(dtype).name, "threads": threads}
                    | {"clock": "CPU time" if cpu_time else "wall time"}
                    | {name: t for name, t in times.items()}
                )
    return rows
