"""Central differences for the engine-core tests, written independently of deepnotes.gradcheck."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

TOLERANCE = 1e-7  # relative error every backward pass must reach in float64


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Two-sided difference of the scalar ``f()`` with respect to each entry of ``x``.

    ``x`` is perturbed in place (and restored), so it must be the array ``f`` reads.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        f_plus = f()
        x[index] = old - eps
        f_minus = f()
        x[index] = old
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||), 0 when both are 0."""
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def check_layer_gradients(layer, x: np.ndarray, rng: np.random.Generator, **forward_kwargs) -> None:
    """Assert dx and every parameter gradient of ``layer`` match central differences.

    The scalar checked is ``sum(forward(x) * G)`` for a fixed random ``G``, so
    ``backward(G)`` must return its gradient.
    """
    out = layer.forward(x, **forward_kwargs)
    G = rng.standard_normal(out.shape)
    dx = layer.backward(G)
    grads = {key: value.copy() for key, value in layer.grads.items()}

    def f() -> float:
        return float(np.sum(layer.forward(x, **forward_kwargs) * G))

    assert rel_error(dx, numerical_gradient(f, x)) < TOLERANCE
    for key, param in layer.params.items():
        error = rel_error(grads[key], numerical_gradient(f, param))
        assert error < TOLERANCE, f"{key}: {error:.2e}"
