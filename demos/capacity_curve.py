# %% [markdown]
# # Error against capacity
# Networks with two hidden layers of `width` units each, for widths from 2 to
# 64, are trained the same way on the same `n_train` noisy half-moon points,
# without regularization. We record the training and dev error of each.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.train import evaluate, fit

n_train = 120  # @param {min: 40, max: 2000, step: 40}
epochs = 300  # @param {min: 50, max: 1000, step: 50}
noise = 0.3  # @param {options: [0.2, 0.25, 0.3, 0.35]}
widths = [2, 4, 8, 16, 32, 64]
rng = np.random.default_rng(0)

X_train, Y_train = data.moons(n_train, noise=noise, rng=rng)
X_dev, Y_dev = data.moons(1000, noise=noise, rng=rng)
BAYES_ERROR = {0.2: 0.028, 0.25: 0.056, 0.3: 0.087, 0.35: 0.114}[noise]  # see capacity_boundaries

loss = BinaryCrossEntropy()
train_errors, dev_errors = [], []
for width in widths:
    net_rng = np.random.default_rng(10)  # same seed for every width: only the size changes
    model = Sequential(
        [
            Dense(2, width, rng=net_rng),
            ReLU(),
            Dense(width, width, rng=net_rng),
            ReLU(),
            Dense(width, 1, rng=net_rng),
            Sigmoid(),
        ]
    )
    fit(model, loss, Adam(lr=0.02), X_train, Y_train, epochs=epochs, rng=net_rng)
    train_errors.append(1 - evaluate(model, loss, X_train, Y_train)[1])
    dev_errors.append(1 - evaluate(model, loss, X_dev, Y_dev)[1])
train_errors, dev_errors = np.array(train_errors), np.array(dev_errors)

# %%
# @alt: Training and dev error against the width of the hidden layers, from 2 to 64 units on a log axis. The training error falls to zero as the network grows; the dev error falls at first, then stops improving and drifts up, so the gap between the two curves, shaded and labelled variance, widens on the right. A dotted line marks the Bayes error.
fig, ax = plt.subplots(figsize=(7.5, 4))
ax.plot(widths, 100 * train_errors, "o-", color="#0072B2", label="training error")
ax.plot(widths, 100 * dev_errors, "s--", color="#D55E00", label="dev error")
ax.fill_between(
    widths,
    100 * train_errors,
    100 * dev_errors,
    color="#D55E00",
    alpha=0.12,
    label="gap = variance",
)
ax.axhline(100 * BAYES_ERROR, color="grey", ls=":", label=f"Bayes error {BAYES_ERROR:.1%}")
ax.set_xscale("log", base=2)
ax.set_xticks(widths)
ax.set_xticklabels([str(w) for w in widths])
ax.set_xlabel("units in each of the two hidden layers (capacity)")
ax.set_ylabel("error (%)")
ax.set_ylim(bottom=0)
ax.annotate(
    "high bias",
    xy=(widths[0], 100 * train_errors[0]),
    xytext=(0, 12),
    textcoords="offset points",
    fontsize=9,
)
ax.annotate(
    "high variance",
    xy=(widths[-1], 100 * dev_errors[-1]),
    xytext=(-60, 12),
    textcoords="offset points",
    fontsize=9,
)
ax.set_title(f"{n_train} training points, {epochs} epochs of Adam, no regularization", fontsize=10)
ax.legend(fontsize=8, loc="center left")
fig.tight_layout()

print("width   train error   dev error   gap")
for width, tr, dv in zip(widths, train_errors, dev_errors, strict=True):
    print(f"{width:5d}   {tr:11.1%}   {dv:9.1%}   {dv - tr:+.1%}")
plt.show()
