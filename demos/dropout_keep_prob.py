# %% [markdown]
# # Dropout: turn down keep_prob
# The overfitting network of the L2 demo (two hidden layers of 64 units, 120
# noisy half-moon points), now with a `Dropout` layer after each hidden layer.
# It is trained from the same initial weights with `keep_prob = 1` (no dropout)
# and with your `keep_prob`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data
from deepnotes.layers import Dense, Dropout, ReLU, Sigmoid
from deepnotes.live import live_callback, report_outcome
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import decision_boundary
from deepnotes.train import evaluate, fit

# @predict: Compared with no dropout, will dropout make the dev error go up or down? | up | down*
keep_prob = 0.5  # @param {min: 0.1, max: 1, step: 0.05}
epochs = 300  # @param {min: 50, max: 1000, step: 50}
rng = np.random.default_rng(0)
X_train, Y_train = data.moons(120, noise=0.3, rng=rng)
X_dev, Y_dev = data.moons(1000, noise=0.3, rng=rng)


def train(keep_prob):
    net_rng = np.random.default_rng(10)  # same initial weights for both runs
    model = Sequential(
        [
            Dense(2, 64, rng=net_rng),
            ReLU(),
            Dropout(keep_prob, rng=net_rng),
            Dense(64, 64, rng=net_rng),
            ReLU(),
            Dropout(keep_prob, rng=net_rng),
            Dense(64, 1, rng=net_rng),
            Sigmoid(),
        ]
    )
    watch = live_callback(
        f"keep_prob={keep_prob:g}", epochs=epochs, boundary=(model, X_train, Y_train)
    )
    fit(model, loss, Adam(lr=0.02), X_train, Y_train, epochs=epochs, rng=net_rng, callback=watch)
    # Errors are measured in inference mode: dropout is off when we evaluate.
    train_error = 1 - evaluate(model, loss, X_train, Y_train)[1]
    dev_error = 1 - evaluate(model, loss, X_dev, Y_dev)[1]
    return model, train_error, dev_error


loss = BinaryCrossEntropy()
runs = [(1.0, *train(1.0)), (keep_prob, *train(keep_prob))]
(_, _, train_error_plain, dev_error_plain), (_, _, train_error_dropout, dev_error_dropout) = runs
gap_plain = dev_error_plain - train_error_plain
gap_dropout = dev_error_dropout - train_error_dropout
report_outcome("down" if dev_error_dropout < dev_error_plain else "up")

# %%
# @alt: Top, decision boundaries without dropout, with islands around noisy points, and with dropout, a smoother boundary between the moons. Below, bars of training and dev error for both runs: without dropout the training error is zero and the dev error high; with dropout the training error rises a little and the dev error falls, so the gap shrinks.
fig = plt.figure(figsize=(9, 7))
grid = fig.add_gridspec(2, 2, height_ratios=[1, 0.6])
axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])]
for ax, (kp, model, tr, dv) in zip(axes[:2], runs, strict=True):
    decision_boundary(model, X_train, Y_train, ax=ax, resolution=150)
    ax.set_title(
        f"keep_prob = {kp:g}\ntrain {tr:.1%}, dev {dv:.1%}, gap {dv - tr:+.1%}", fontsize=10
    )
x = np.arange(2)
axes[2].bar(
    x - 0.18,
    [100 * train_error_plain, 100 * train_error_dropout],
    width=0.36,
    color="#0072B2",
    label="training error",
)
axes[2].bar(
    x + 0.18,
    [100 * dev_error_plain, 100 * dev_error_dropout],
    width=0.36,
    color="#D55E00",
    label="dev error",
)
axes[2].set_xticks(x)
axes[2].set_xticklabels(["keep_prob = 1", f"keep_prob = {keep_prob:g}"])
axes[2].set_ylabel("error (%)")
axes[2].set_title("Dropout trades training fit for dev error", fontsize=10)
axes[2].legend(fontsize=8)
fig.tight_layout()

print(
    f"keep_prob = 1:    train {train_error_plain:.1%}, dev {dev_error_plain:.1%}, "
    f"gap {gap_plain:+.1%}"
)
print(
    f"keep_prob = {keep_prob:<4g}: train {train_error_dropout:.1%}, dev {dev_error_dropout:.1%}, "
    f"gap {gap_dropout:+.1%}"
)
plt.show()
