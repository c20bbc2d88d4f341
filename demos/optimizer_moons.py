# %% [markdown]
# # Gradient descent vs momentum vs Adam on the moons
# The same network, the same initial weights, the same mini-batches and the same
# learning rate; only the optimizer changes.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import moons
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.live import live_callback
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import SGD, Adam, Momentum
from deepnotes.plots import cost_curves, decision_boundary
from deepnotes.train import fit

lr = 0.01  # @param {min: 0.001, max: 1, scale: log}
beta = 0.9  # @param {min: 0, max: 0.99, step: 0.01}
epochs = 60  # @param {min: 10, max: 200, step: 10}
batch_size = 64  # @param {options: [16, 32, 64, 128, 300]}

X, Y = moons(m=300, noise=0.2, rng=0)


def make_model():
    """A fresh 2-16-16-1 network; the fixed seed gives every optimizer the same start."""
    rng = np.random.default_rng(1)
    return Sequential([
        Dense(2, 16, rng=rng), ReLU(),
        Dense(16, 16, rng=rng), ReLU(),
        Dense(16, 1, rng=rng), Sigmoid(),
    ])  # fmt: skip


optimizers = {
    "gradient descent": SGD(lr),
    "momentum": Momentum(lr, beta=beta),
    "Adam": Adam(lr),
}
models, histories = {}, {}
for name, optimizer in optimizers.items():
    models[name] = make_model()
    # rng=2: every optimizer sees the same mini-batches in the same order
    histories[name] = fit(
        models[name], BinaryCrossEntropy(), optimizer, X, Y,
        epochs=epochs, batch_size=batch_size, rng=2, callback=live_callback(name, epochs=epochs),
    )  # fmt: skip
final_cost = {name: h.train_cost[-1] for name, h in histories.items()}
adam_vs_gd = final_cost["Adam"] / final_cost["gradient descent"]

# %%
# @alt: Training cost per epoch on a log scale for gradient descent, momentum and Adam at the same learning rate; Adam's curve drops much faster and ends far lower.
fig, ax = plt.subplots(figsize=(7, 3.6))
title = f"Same lr = {lr}, batch size {batch_size}"
cost_curves(histories, ax=ax, log_scale=True, title=title)
fig.tight_layout()

# %%
# @alt: Three decision boundaries on the moons data, one per optimizer, after the same number of epochs.
fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
for ax, (name, model) in zip(axes, models.items(), strict=True):
    title = f"{name}: cost {final_cost[name]:.3f}"
    decision_boundary(model, X, Y, ax=ax, resolution=120, title=title)
fig.tight_layout()

for name, h in histories.items():
    cost, accuracy = h.train_cost[-1], h.train_accuracy[-1]
    print(f"{name:17s} cost {cost:.4f}   accuracy {accuracy:.1%}")
print(f"Adam's final cost / gradient descent's: {adam_vs_gd:.2f}")
plt.show()
