# %% [markdown]
# # Early stopping
# The overfitting network (two hidden layers of 64 units, 120 noisy half-moon
# points) is trained for `epochs` epochs while the dev cost is recorded after
# each. Then the same run is repeated with `fit(..., early_stopping=patience)`,
# which stops once the dev cost has not improved for `patience` epochs and
# restores the weights of the best epoch.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import cost_curves
from deepnotes.train import evaluate, fit

patience = 30  # @param {min: 1, max: 200, step: 1}
epochs = 300  # @param {min: 50, max: 1000, step: 50}
lr = 0.01  # @param {min: 1e-4, max: 0.1, scale: log}
rng = np.random.default_rng(0)
X_train, Y_train = data.moons(120, noise=0.3, rng=rng)
X_dev, Y_dev = data.moons(1000, noise=0.3, rng=rng)
loss = BinaryCrossEntropy()


def train(early_stopping):
    net_rng = np.random.default_rng(10)  # both runs follow exactly the same path
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
    history = fit(
        model,
        loss,
        Adam(lr=lr),
        X_train,
        Y_train,
        epochs=epochs,
        dev=(X_dev, Y_dev),
        early_stopping=early_stopping,
        rng=net_rng,
    )
    return model, history


full_model, full = train(early_stopping=None)
stopped_model, stopped = train(early_stopping=patience)
best = stopped.best_epoch
stop = stopped.epochs[-1]  # the last epoch the early-stopped run trained
final_errors = (full.train_error, full.dev_error)
best_errors = tuple(
    1 - evaluate(stopped_model, loss, X, Y)[1] for X, Y in [(X_train, Y_train), (X_dev, Y_dev)]
)

# %%
# @alt: Left, training cost falling steadily and dev cost falling, reaching a minimum, then rising, with a dashed line at the best epoch and a shaded patience window up to where early stopping ends the run. Right, training and dev error per epoch with the same markers: the training error keeps falling to zero while the dev error drifts up after the best epoch.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for ax, metric in zip(axes, ["cost", "error"], strict=True):
    cost_curves(full, ax=ax, metric=metric)
    ax.axvline(best, color="#D55E00", ls="--", lw=1.2, label=f"best epoch {best}")
    ax.axvspan(best, stop, color="#D55E00", alpha=0.1, label=f"patience: stop at {stop}")
    ax.legend(fontsize=8)
axes[0].set_title("Cost: the dev cost turns up", fontsize=10)
axes[1].set_title("Error: what the dev cost is warning about", fontsize=10)
fig.tight_layout()

print(f"best dev cost at epoch {best}; with patience {patience} the run stops after epoch {stop}")
print(
    f"kept weights (epoch {best}): train error {best_errors[0]:.1%}, dev error {best_errors[1]:.1%}"
)
print(
    f"trained to the end ({epochs}): train error {final_errors[0]:.1%}, "
    f"dev error {final_errors[1]:.1%}"
)
print(f"dev cost at the best epoch {full.dev_cost[best]:.3f}, at the end {full.dev_cost[-1]:.3f}")
plt.show()
