# %% [markdown]
# # Batch, mini-batch and stochastic gradient descent at equal compute
# The same network, data, optimizer and learning rate, trained for the same number of
# epochs with four batch sizes. Every run processes exactly `epochs` x m examples;
# only how often the weights are updated differs.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from deepnotes import ewma
from deepnotes.data import moons
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import SGD
from deepnotes.train import fit

lr = 0.1  # @param {min: 0.001, max: 1, scale: log}
epochs = 5  # @param {min: 1, max: 40, step: 1}
m = 512  # @param {min: 128, max: 2048, step: 128}

X, Y = moons(m=m, noise=0.2, rng=np.random.default_rng(0))
batch_sizes = {"batch (m)": None, "mini-batch 128": 128, "mini-batch 64": 64, "stochastic (1)": 1}


def train(batch_size):
    rng = np.random.default_rng(1)  # the same initial weights and shuffles for every run
    model = Sequential(
        [
            Dense(2, 16, rng=rng),
            ReLU(),
            Dense(16, 16, rng=rng),
            ReLU(),
            Dense(16, 1, init="xavier", rng=rng),
            Sigmoid(),
        ]
    )
    loss = BinaryCrossEntropy()
    start_cost = loss.forward(model.forward(X, training=False), Y)
    start = time.perf_counter()
    history = fit(model, loss, SGD(lr), X, Y, epochs=epochs, batch_size=batch_size, rng=rng)
    seconds = time.perf_counter() - start
    return history, [start_cost, *history.train_cost], seconds


runs = {name: train(b) for name, b in batch_sizes.items()}

# %%
# @alt: Left, the cost on the whole training set against epochs (examples processed divided by m) for batch, mini-batch 128, mini-batch 64 and stochastic gradient descent; batch gradient descent has barely moved after five epochs while the mini-batch and stochastic runs are far lower. Right, the cost of each mini-batch of size 64 as it was used, a noisy downward band, with its exponentially weighted average as a smooth line, next to the few smooth steps of batch gradient descent.
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for (name, (_, costs, _)), colour in zip(runs.items(), ["C0", "C1", "C2", "C3"], strict=True):
    ax.plot(np.arange(len(costs)), costs, "o-", ms=3, color=colour, label=name)
ax.set_xlabel("epochs (examples processed / m)")
ax.set_ylabel("cost on the whole training set")
ax.set_title(f"Equal compute: {epochs} x {m} examples each", fontsize=10)
ax.legend(fontsize=8)

mini = runs["mini-batch 64"][0].batch_costs
steps_per_epoch = int(np.ceil(m / 64))
x_mini = np.arange(1, len(mini) + 1) / steps_per_epoch
ax2.plot(x_mini, mini, color="C2", lw=0.8, alpha=0.6, label="mini-batch 64: cost of each batch")
ax2.plot(x_mini, ewma(mini, beta=0.9), color="C2", lw=2, label="its EWMA (beta = 0.9)")
batch = runs["batch (m)"][0].batch_costs
ax2.plot(
    np.arange(1, len(batch) + 1), batch, "o-", color="C0", ms=3, label="batch: one step per epoch"
)
ax2.set_xlabel("epochs")
ax2.set_ylabel("cost measured on the batch used")
ax2.set_title("Mini-batch costs are noisy but trend down", fontsize=10)
ax2.legend(fontsize=8)
fig.tight_layout()

print(f"{'':>15} {'steps':>6} {'final cost':>10} {'seconds/epoch':>14}")
for name, (history, costs, seconds) in runs.items():
    print(f"{name:>15} {len(history.batch_costs):6d} {costs[-1]:10.3f} {seconds / epochs:14.4f}")
plt.show()
