# %% [markdown]
# # Race your own optimizer against Adam
# `MyOptimizer` only needs a `step(params, grads)` method that changes the
# arrays of `params` in place. Edit it, run, and compare the curves.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import moons
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.live import live_callback
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import cost_curves
from deepnotes.train import fit


class MyOptimizer:
    """Sign descent with momentum, in the style of Lion (Chen et al., 2023).

    m is a momentum average of the gradients; every weight moves by exactly lr,
    in the direction of the sign of a mix of m and the new gradient.
    """

    def __init__(self, lr=0.01, beta1=0.9, beta2=0.99):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.m = {}  # one momentum array per parameter, created on first use

    def step(self, params, grads):
        for key, W in params.items():
            dW = grads[key]
            m = self.m.setdefault(key, np.zeros_like(W))
            direction = np.sign(self.beta1 * m + (1 - self.beta1) * dW)
            W -= self.lr * direction  # in place: the model sees the change
            m *= self.beta2
            m += (1 - self.beta2) * dW


lr_adam = 0.01  # @param {min: 0.0001, max: 0.3, scale: log}
epochs = 60  # @param {min: 10, max: 200, step: 10}

X, Y = moons(m=300, noise=0.2, rng=0)


def make_model():
    rng = np.random.default_rng(1)  # both racers start from the same weights
    return Sequential([
        Dense(2, 16, rng=rng), ReLU(),
        Dense(16, 16, rng=rng), ReLU(),
        Dense(16, 1, rng=rng), Sigmoid(),
    ])  # fmt: skip


racers = {"Adam": Adam(lr=lr_adam), "MyOptimizer": MyOptimizer()}
histories = {}
for name, optimizer in racers.items():  # rng=2: both see the same mini-batches
    histories[name] = fit(
        make_model(), BinaryCrossEntropy(), optimizer, X, Y,
        epochs=epochs, batch_size=64, rng=2, callback=live_callback(name, epochs=epochs),
    )  # fmt: skip
final_cost = {name: h.train_cost[-1] for name, h in histories.items()}

# @alt: Training cost per epoch on a log scale for Adam and for the reader's optimizer.
fig, ax = plt.subplots(figsize=(7, 3.6))
cost_curves(histories, ax=ax, log_scale=True, title="Adam vs MyOptimizer")
fig.tight_layout()

for name, cost in final_cost.items():
    print(f"{name:12s} final cost {cost:.4f}")
winner = min(final_cost, key=final_cost.get)
print(f"winner: {winner}")
plt.show()
