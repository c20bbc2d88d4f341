r"""A network as a list of layers run one after another: [`Sequential`][deepnotes.model.Sequential].

Forward propagation runs the layers in order, backward propagation in reverse, each
layer passing $\partial J / \partial \mathrm{out}$ to the one before it (the chain rule).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from deepnotes._checks import as_float_array
from deepnotes.layers import Layer, _check_dtype, _check_training

__all__ = ["Sequential"]


class Sequential:
    r"""Layers applied in order: $\hat{Y} = f_{L}(\dots f_2(f_1(X)))$.

    Parameters
    ----------
    layers : sequence of Layer
        The layers, first to last. Widths must chain: a layer expecting ``n_in``
        features must follow one producing ``n_in`` (checked here).

    Attributes
    ----------
    layers : list of Layer
        The layers; ``model[i]`` is ``model.layers[i]``.

    Raises
    ------
    TypeError
        If ``layers`` is not a sequence of [`Layer`][deepnotes.layers.Layer].
    ValueError
        If it is empty, holds the same layer object twice, mixes float32 and float64
        layers, or the widths do not chain.

    Examples
    --------
    >>> from deepnotes.layers import Dense, ReLU, Sigmoid
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential([Dense(2, 4, rng=rng), ReLU(), Dense(4, 1, rng=rng), Sigmoid()])
    >>> sorted(model.parameters())
    ['0.W', '0.b', '2.W', '2.b']
    >>> model.parameters()["0.W"] is model.layers[0].params["W"]
    True
    >>> Y_hat = model.forward(np.zeros((5, 2)))
    >>> Y_hat.shape
    (5, 1)
    >>> model.backward(np.ones_like(Y_hat))  # fills the layers' grads
    >>> model.n_params
    17
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        if isinstance(layers, Layer | str) or not isinstance(layers, Sequence):
            raise TypeError(
                f"layers must be a list of layers, e.g. Sequential([Dense(2, 3), ReLU()]); "
                f"got {type(layers).__name__}"
            )
        if len(layers) == 0:
            raise ValueError("layers is empty; a Sequential needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layers[{i}] must be a deepnotes layer (Dense, ReLU, ...); "
                    f"got {type(layer).__name__}"
                )
            if any(layer is other for other in layers[:i]):
                raise ValueError(
                    f"layers[{i}] is the same object as an earlier layer; a layer keeps the "
                    "values of its own forward pass, so create a new one for each position"
                )
        self.layers = list(layers)
        self._check_dtypes()
        self._check_widths()
        self._out_shape: tuple[int, ...] | None = None

    def _check_dtypes(self) -> None:
        dtypes = {i: layer.dtype for i, layer in enumerate(self.layers) if layer.dtype}
        if len(set(dtypes.values())) > 1:
            found = ", ".join(f"layer {i}: {dtype}" for i, dtype in dtypes.items())
            raise ValueError(
                f"all layers must use one dtype (pass the same dtype= to each); got {found}"
            )

    def _check_widths(self) -> None:
        width, source = None, None
        for i, layer in enumerate(self.layers):
            if layer.n_in is not None and width is not None and layer.n_in != width:
                raise ValueError(
                    f"layer {i} ({layer!r}) expects {layer.n_in} input features, but layer "
                    f"{source} ({self.layers[source]!r}) outputs {width}"
                )
            if layer.n_out is not None:
                width, source = layer.n_out, i

    @property
    def dtype(self) -> np.dtype | None:
        """dtype of the parameters (``None`` if no layer has any)."""
        for layer in self.layers:
            if layer.dtype is not None:
                return layer.dtype
        return None

    @property
    def n_params(self) -> int:
        """Total number of trainable numbers (entries of all parameter arrays)."""
        return sum(value.size for value in self.parameters().values())

    def parameters(self) -> dict[str, np.ndarray]:
        """Every parameter array, keyed ``"<layer index>.<name>"`` (e.g. ``"0.W"``, ``"2.gamma"``).

        The arrays are the layers' own objects, not copies: an optimizer that updates
        them in place updates the model.
        """
        return {
            f"{i}.{key}": value
            for i, layer in enumerate(self.layers)
            for key, value in layer.params.items()
        }

    def gradients(self) -> dict[str, np.ndarray]:
        """The gradient arrays of the last ``backward``, same keys as ``parameters``."""
        return {
            f"{i}.{key}": value
            for i, layer in enumerate(self.layers)
            for key, value in layer.grads.items()
        }

    def forward(self, X: Any, training: bool = True) -> np.ndarray:
        """Run every layer on ``X`` in order; each saves what ``backward`` needs.

        Parameters
        ----------
        X : array_like
            Inputs, shape ``(m, n_features)``, one example per row. Converted once to
            the model's dtype.
        training : bool
            Training mode (dropout active, batch-norm batch statistics) or not.

        Returns
        -------
        ndarray
            Output of the last layer.

        Raises
        ------
        ValueError
            If ``X`` is not 2-D, is empty, holds NaN/inf, or has the wrong number of
            features.
        TypeError
            If ``X`` is not numeric or ``training`` is not a bool.
        """
        training = _check_training(training)
        X = as_float_array(X, "X", ndim=2)
        # elementwise layers keep the width, so the first layer that knows n_in decides
        first = next((layer for layer in self.layers if layer.n_in is not None), None)
        if first is not None and X.shape[1] != first.n_in:
            raise ValueError(
                f"X must have shape (m, {first.n_in}) for {first!r}; got shape {X.shape}"
            )
        out = X.astype(self.dtype or X.dtype, copy=False)  # (m, n_features)
        for layer in self.layers:
            out = layer._forward(out, training)
            layer._out_shape = out.shape
        self._out_shape = out.shape
        return out

    def backward(self, dout: Any, *, input_grad: bool = False) -> np.ndarray | None:
        r"""Backpropagate ``dout`` through the layers in reverse, filling their ``grads``.

        Backward stops at the first layer with parameters: a training step never
        needs $\partial J / \partial X$, and for a first ``Dense`` layer it would cost
        a matrix product as large as the forward one.

        Parameters
        ----------
        dout : array_like
            $\partial J / \partial \hat{Y}$ (e.g. ``loss.backward()``), the shape of the
            last output.
        input_grad : bool
            Also compute and return $\partial J / \partial X$.

        Returns
        -------
        ndarray or None
            $\partial J / \partial X$ if ``input_grad`` is True, otherwise None.

        Raises
        ------
        RuntimeError
            If ``forward`` has not been called yet.
        ValueError
            If ``dout`` does not have the shape of the last output or holds NaN/inf.
        """
        if self._out_shape is None:
            raise RuntimeError("call forward before backward")
        dout = as_float_array(dout, "dout")
        if dout.shape != self._out_shape:
            raise ValueError(
                f"dout must have the shape of the last output {self._out_shape}; "
                f"got shape {dout.shape}"
            )
        dout = dout.astype(self.dtype or dout.dtype, copy=False)
        first = next((i for i, layer in enumerate(self.layers) if layer.params), None)
        if input_grad or first is None:
            for layer in reversed(self.layers):
                dout = layer._backward(dout)
            return dout if input_grad else None
        for layer in reversed(self.layers[first + 1 :]):
            dout = layer._backward(dout)
        self.layers[first]._backward(dout, input_grad=False)  # type: ignore[call-arg]
        return None

    def predict(self, X: Any) -> np.ndarray:
        """Output in inference mode: ``forward(X, training=False)``.

        Dropout is off and batch norm uses its running averages. Like every forward
        pass it replaces what ``backward`` would use, so call it after a
        training step's ``backward``, not between its ``forward`` and ``backward``.
        """
        return self.forward(X, training=False)

    def astype(self, dtype: Any) -> Sequential:
        """Return a copy of the model with parameters, gradients and running averages in ``dtype``.

        Examples
        --------
        >>> from deepnotes.layers import Dense
        >>> Sequential([Dense(2, 1, rng=0)]).astype(np.float32).dtype
        dtype('float32')
        """
        dtype = _check_dtype(dtype)
        clone = copy.deepcopy(self)
        for layer in clone.layers:
            layer._cast(dtype)
        return clone

    def summary(self) -> str:
        """A table of the layers, their output widths and parameter counts.

        Examples
        --------
        >>> from deepnotes.layers import Dense, ReLU
        >>> print(Sequential([Dense(2, 8, rng=0), ReLU(), Dense(8, 1, rng=0)]).summary())
        #  layer                               out  params
        0  Dense(n_in=2, n_out=8, init='he')     8      24
        1  ReLU()                                8       0
        2  Dense(n_in=8, n_out=1, init='he')     1       9
        total: 33 parameters (float64)
        """
        rows, width = [], None
        for i, layer in enumerate(self.layers):
            width = layer.n_out if layer.n_out is not None else width
            n = sum(value.size for value in layer.params.values())
            rows.append((str(i), repr(layer), "?" if width is None else str(width), str(n)))
        w_layer = max(len("layer"), *(len(r[1]) for r in rows))
        w_idx = max(len(r[0]) for r in rows)
        lines = [f"{'#':<{w_idx}}  {'layer':<{w_layer}}  {'out':>4}  {'params':>6}"]
        lines += [f"{a:<{w_idx}}  {b:<{w_layer}}  {c:>4}  {d:>6}" for a, b, c, d in rows]
        lines.append(f"total: {self.n_params:,} parameters ({self.dtype or 'no parameters'})")
        return "\n".join(lines)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Layer:
        return self.layers[index]

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = "".join(f"\n  {i}: {layer!r}," for i, layer in enumerate(self.layers))
        return f"Sequential([{inner}\n])"
