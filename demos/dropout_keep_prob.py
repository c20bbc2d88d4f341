# %% [markdown]
# # Dropout: turn down keep_prob
# The overfitting network of the L2 demo (two hidden layers of 64 units, 120 noisy
# half-moon points), now with a `Dropout` layer after each hidden layer. It is trained from
# the same initial weights with `keep_prob = 1` (no dropout) and with your `keep_prob`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data
from deepnotes.layers import Dense, Dropout, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import cost_curves, decision_boundary
from deepnotes.train import fit

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
    history = fit(
        model,
        BinaryCrossEntropy(),
        Adam(lr=0.02),
        X_train,
        Y_train,
        epochs=epochs,
        dev=(X_dev, Y_dev),
        rng=net_rng,
    )
    return model, history


runs = [(1.0, *train(1.0)), (keep_prob, *train(keep_prob))]
# Errors are measured in inference mode: dropout is off when we evaluate.
(_, _, history_plain), (_, _, history_dropout) = runs
gap_plain = history_plain.dev_error - history_plain.train_error
gap_dropout = history_dropout.dev_error - history_dropout.train_error

# %%
# @alt: Left and middle, decision boundaries without dropout, with islands around noisy points, and with dropout, a smoother boundary between the moons. Right, training and dev error per epoch for both runs: without dropout the training error reaches zero while the dev error climbs; with dropout the two stay closer.
fig, axes = plt.subplots(1, 3, figsize=(13, 4))
for ax, (kp, model, h) in zip(axes[:2], runs, strict=True):
    decision_boundary(model, X_train, Y_train, ax=ax, resolution=150)
    ax.set_title(
        f"keep_prob = {kp:g}\ntrain {h.train_error:.1%}, dev {h.dev_error:.1%}, "
        f"gap {h.dev_error - h.train_error:+.1%}",
        fontsize=10,
    )
cost_curves(
    {"keep_prob=1": history_plain, f"keep_prob={keep_prob:g}": history_dropout},
    ax=axes[2],
    metric="error",
)
axes[2].set_title("Error per epoch (solid: train, dashed: dev)", fontsize=10)
fig.tight_layout()

print(
    f"keep_prob = 1:    train {history_plain.train_error:.1%}, "
    f"dev {history_plain.dev_error:.1%}, gap {gap_plain:+.1%}"
)
print(
    f"keep_prob = {keep_prob:<4g}: train {history_dropout.train_error:.1%}, "
    f"dev {history_dropout.dev_error:.1%}, gap {gap_dropout:+.1%}"
)
plt.show()
