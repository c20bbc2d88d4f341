# %% [markdown]
# # Find the bug with the per-parameter report
# A small network is checked twice: once as written, once with a bug planted in the
# backward pass of one `Dense` layer. The bug is a classic: the notes write
# $dW = \frac{1}{m} dZ^\top A$, but the engine's loss already divides by $m$, so
# copying the formula divides by $m$ a second time.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.gradcheck import gradient_check_report
from deepnotes.layers import Dense, Sigmoid, Tanh
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential

buggy_layer = 2  # @param {options: [0, 2, 4]}
eps = 1e-7  # @param {min: 1e-10, max: 1e-3, scale: log}


class BuggyDense(Dense):
    """A Dense layer whose backward pass divides dW by m once too often."""

    def _backward(self, dout, input_grad=True):
        dx = super()._backward(dout, input_grad)
        self.grads["W"] /= dout.shape[0]  # the bug: dW = dZ^T X / m, but dZ already has 1/m
        return dx


def build(bug_at=None):
    rng = np.random.default_rng(0)  # the same weights for both networks
    widths = [(4, 5), (5, 3), (3, 1)]
    layers = []
    for i, (n_in, n_out) in enumerate(widths):
        cls = BuggyDense if 2 * i == bug_at else Dense
        layers += [cls(n_in, n_out, init="xavier", rng=rng), Tanh() if n_out > 1 else Sigmoid()]
    return Sequential(layers)


rng = np.random.default_rng(1)
X = rng.standard_normal((10, 4))  # a few examples are enough to check the code
Y = (X[:, :1] + X[:, 1:2] > 0).astype(float)  # (10, 1)
loss = BinaryCrossEntropy()

correct = gradient_check_report(build(), loss, X, Y, eps=eps)
buggy = gradient_check_report(build(bug_at=buggy_layer), loss, X, Y, eps=eps)

print(f"Correct network: relative error {correct.relative_error:.1e} ({correct.verdict})")
worst = correct.worst
print(f"  its largest, {worst.name}: {worst.relative_error:.1e} ({worst.verdict})")
print(f"\nNetwork with the bug in layer {buggy_layer}:")
print(buggy)
suspect = int(buggy.worst.name.split(".")[0])  # "2.W" -> layer 2
print(
    f"Worst: {buggy.worst.name} -> read the backward pass of layer {suspect}, "
    f"a {type(build(buggy_layer).layers[suspect]).__name__}"
)

# %%
# @alt: Bar chart of the relative error of each parameter array on a log scale, for the correct network and the buggy one. The correct network's bars all sit far below the 1e-7 line; the buggy network's bars match them except one weight matrix, whose bar reaches almost 1.
names = list(correct.parameters)
x = np.arange(len(names))
fig, ax = plt.subplots(figsize=(8, 3.6))
ax.bar(
    x - 0.2, [correct.parameters[n].relative_error for n in names], 0.4, label="correct", color="C0"
)
ax.bar(
    x + 0.2,
    [buggy.parameters[n].relative_error for n in names],
    0.4,
    label=f"bug in layer {buggy_layer}",
    color="C3",
)
ax.axhline(1e-7, color="grey", ls="--", lw=1)
ax.axhline(1e-5, color="grey", ls=":", lw=1)
ax.text(len(names) - 0.5, 1e-7, " ok below", va="bottom", ha="right", fontsize=8)
ax.text(len(names) - 0.5, 1e-5, " wrong above", va="bottom", ha="right", fontsize=8)
ax.set_yscale("log")
ax.set_xticks(x, names)
ax.set_xlabel("parameter (layer index . name)")
ax.set_ylabel("relative error")
ax.set_title(f"Gradient check per parameter, eps = {eps:g}", fontsize=10)
ax.legend(fontsize=8, loc="center left")
fig.tight_layout()
plt.show()
