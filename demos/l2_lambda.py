# %% [markdown]
# # L2 regularization: turn up lambda
# The same overfitting network (two hidden layers of 64 units, 120 noisy
# half-moon points) is trained twice from the same initial weights: without
# regularization and with L2 strength `lambd`. Compare the boundaries, the
# weights and the train-dev gap.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.live import live_callback, report_outcome
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import decision_boundary
from deepnotes.train import evaluate, fit

# @predict: With L2 (lambd > 0), will the train-dev gap shrink or grow? | shrink* | grow
lambd = 1.0  # @param {min: 0, max: 10, step: 0.1}
epochs = 300  # @param {min: 50, max: 1000, step: 50}
rng = np.random.default_rng(0)
X_train, Y_train = data.moons(120, noise=0.3, rng=rng)
X_dev, Y_dev = data.moons(1000, noise=0.3, rng=rng)
loss = BinaryCrossEntropy()


def train(lambd):
    net_rng = np.random.default_rng(10)  # same initial weights for both runs
    model = Sequential(
        [
            Dense(2, 64, rng=net_rng),
            ReLU(),
            Dense(64, 64, rng=net_rng),
            ReLU(),
            Dense(64, 1, rng=net_rng),
            Sigmoid(),
        ]
    )
    watch = live_callback(f"lambd={lambd:g}", epochs=epochs, boundary=(model, X_train, Y_train))
    fit(
        model, loss, Adam(lr=0.02), X_train, Y_train,
        epochs=epochs, lambd=lambd, rng=net_rng, callback=watch,
    )  # fmt: skip
    train_error = 1 - evaluate(model, loss, X_train, Y_train)[1]
    dev_error = 1 - evaluate(model, loss, X_dev, Y_dev)[1]
    weights = np.concatenate(
        [W.ravel() for name, W in model.parameters().items() if name.endswith("W")]
    )
    return model, train_error, dev_error, weights


runs = [(0.0, train(0.0)), (lambd, train(lambd))]
(_, train_error_0, dev_error_0, weights_0) = runs[0][1]
(_, train_error_l2, dev_error_l2, weights_l2) = runs[1][1]
gap_0, gap_l2 = dev_error_0 - train_error_0, dev_error_l2 - train_error_l2
report_outcome("shrink" if gap_l2 < gap_0 else "grow")

# %%
# @alt: Top, decision boundaries of the network without regularization, which wraps islands around noisy points, and with L2, which draws a smooth curve between the moons. Below, histograms of all weights for both runs: with L2 the weights crowd much closer to zero.
fig = plt.figure(figsize=(9, 7))
grid = fig.add_gridspec(2, 2, height_ratios=[1, 0.7])
axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])]
for ax, (value, (model, tr, dv, _)) in zip(axes[:2], runs, strict=True):
    decision_boundary(model, X_train, Y_train, ax=ax, resolution=150)
    ax.set_title(
        f"lambd = {value:g}\ntrain {tr:.1%}, dev {dv:.1%}, gap {dv - tr:+.1%}", fontsize=10
    )
limit = np.abs(weights_0).max()
bins = np.linspace(-limit, limit, 60)
axes[2].hist(weights_0, bins=bins, alpha=0.6, color="#0072B2", label="lambd = 0")
axes[2].hist(weights_l2, bins=bins, alpha=0.6, color="#D55E00", label=f"lambd = {lambd:g}")
axes[2].set_yscale("log")
axes[2].set_xlabel("weight value (all layers)")
axes[2].set_ylabel("number of weights (log)")
axes[2].set_title("L2 pulls the weights towards zero", fontsize=10)
axes[2].legend(fontsize=8)
fig.tight_layout()

print(
    f"lambd = 0:     train {train_error_0:.1%}, dev {dev_error_0:.1%}, gap {gap_0:+.1%}, "
    f"sum of W^2 = {np.sum(weights_0**2):.0f}"
)
print(
    f"lambd = {lambd:<5g}: train {train_error_l2:.1%}, dev {dev_error_l2:.1%}, gap {gap_l2:+.1%}, "
    f"sum of W^2 = {np.sum(weights_l2**2):.0f}"
)
plt.show()
