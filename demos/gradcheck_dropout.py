# %% [markdown]
# # Gradient checking and dropout
# A network with a dropout layer. With dropout on, every forward pass draws a new
# mask, so the cost itself is random; `gradient_check` refuses to run and says why.
# The workflow: set `keep_prob = 1`, check, then turn dropout back on and train.

# %%
import textwrap

import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import moons
from deepnotes.gradcheck import gradient_check
from deepnotes.layers import Dense, Dropout, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.train import fit

keep_prob = 0.8  # @param {min: 0.3, max: 1, step: 0.05}
eps = 1e-7

rng = np.random.default_rng(0)
X, Y = moons(m=200, noise=0.2, rng=rng)
model = Sequential(
    [
        Dense(2, 16, rng=rng),
        ReLU(),
        Dropout(keep_prob, rng=rng),
        Dense(16, 1, init="xavier", rng=rng),
        Sigmoid(),
    ]
)
loss = BinaryCrossEntropy()
X_check, Y_check = X[:8], Y[:8]  # a few examples are enough for a check

# 1. Ask for a check with dropout on.
refusal = None
try:
    error = gradient_check(model, loss, X_check, Y_check, eps=eps)
    print(f"check with keep_prob = {keep_prob}: relative error {error:.1e}")
except ValueError as why:
    refusal = why
    print(textwrap.fill(f"refused: {why}", width=64), end="\n\n")

# Why: the same parameters, evaluated again and again, give different costs ...
costs_on = [loss.forward(model.forward(X_check, training=True), Y_check) for _ in range(40)]
spread_on = np.ptp(costs_on)
cost_off = loss.forward(model.forward(X_check, training=False), Y_check)  # dropout off
# ... while nudging one parameter by eps changes the cost by about 2 * eps * |dJ/dtheta|.
model.backward(loss.backward())
typical_gradient = np.mean([np.abs(g).mean() for g in model.gradients().values()])
signal = 2 * eps * typical_gradient
print(f"same parameters, 40 passes with dropout on: J varies by {spread_on:.1e}")
print(f"a nudge of eps = {eps:g} changes the cost by about {signal:.0e}:")
print(f"the masks' noise is {spread_on / signal:.0e} times larger than the signal\n")

# 2. The workflow: dropout off, check, dropout on again.
dropouts = [layer for layer in model.layers if isinstance(layer, Dropout)]
for layer in dropouts:
    layer.keep_prob = 1.0
error = gradient_check(model, loss, X_check, Y_check, eps=eps)
print(f"check with keep_prob = 1: relative error {error:.1e} (right)")
for layer in dropouts:
    layer.keep_prob = keep_prob
history = fit(model, loss, Adam(lr=0.01), X, Y, epochs=100, batch_size=64, rng=rng)
print(
    f"then trained with keep_prob = {keep_prob}: training accuracy {history.train_accuracy[-1]:.0%}"
)

# %%
# @alt: Left, the cost of the same network with the same parameters evaluated 40 times with dropout on: the values scatter over a visible band, while with dropout off they would all be identical. Right, the training cost per epoch after the check passed with dropout off and dropout was turned back on.
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
ax.plot(costs_on, "o", ms=4, color="C3", label=f"dropout on (keep_prob = {keep_prob})")
ax.axhline(cost_off, color="C0", label="dropout off: always the same")
ax.set_xlabel("forward pass (same parameters)")
ax.set_ylabel("cost J")
ax.set_title(f"Spread from the masks: {spread_on:.1e}", fontsize=10)
ax.legend(fontsize=8)
ax2.plot(history.train_cost, color="C0")
ax2.set_xlabel("epoch")
ax2.set_ylabel("training cost")
ax2.set_title(f"Check passed ({error:.0e}), then trained with dropout", fontsize=10)
fig.tight_layout()
plt.show()
