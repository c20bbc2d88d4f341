# %% [markdown]
# # Coarse to fine on a real training objective
# Each trial trains a network with Adam and L2 on 60 noisy moons and returns
# its cost on 240 dev examples. Round 1 samples the whole (lr, lambda) box at
# random on log scales; round 2 samples inside a smaller box around the best.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullFormatter

from deepnotes.data import moons
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.train import TrainingDiverged, evaluate, fit
from deepnotes.tuning import Param, coarse_to_fine

trials_per_round = 12  # @param {min: 4, max: 30, step: 1}
shrink = 0.3  # @param {min: 0.1, max: 0.9, step: 0.05}
seed = 0  # @param {min: 0, max: 20, step: 1}

X, Y = moons(m=300, noise=0.35, rng=0)
X_train, Y_train, X_dev, Y_dev = X[:60], Y[:60], X[60:], Y[60:]


def dev_cost(lr, lambd):
    """Train with these hyperparameters, return the dev cost (lower is better)."""
    rng = np.random.default_rng(1)  # same initial weights in every trial
    model = Sequential([
        Dense(2, 32, rng=rng), ReLU(),
        Dense(32, 32, rng=rng), ReLU(),
        Dense(32, 1, rng=rng), Sigmoid(),
    ])  # fmt: skip
    try:
        # full batch (no batch_size): rng only fixes the order of the sums
        fit(
            model, BinaryCrossEntropy(), Adam(lr), X_train, Y_train,
            epochs=45, lambd=lambd, rng=2,
        )  # fmt: skip
    except TrainingDiverged:
        return float("nan")  # counts as the worst score
    return evaluate(model, BinaryCrossEntropy(), X_dev, Y_dev)[0]


space = {"lr": Param(1e-4, 1.0, "log"), "lambd": Param(1e-3, 10.0, "log")}
result = coarse_to_fine(
    dev_cost, space, budget_per_round=trials_per_round, rounds=2, rng=seed, shrink=shrink
)
rounds = np.array([t.round for t in result.trials])
scores = result.scores
best_per_round = [float(np.nanmin(scores[rounds == r])) for r in range(2)]
median_per_round = [float(np.nanmedian(scores[rounds == r])) for r in range(2)]

# %%
# @alt: Two scatter plots of trials over learning rate and lambda on log axes, coloured by dev cost. Left: the twelve coarse trials spread over the whole space, with a rectangle marking the zoomed box. Right: the twelve fine trials inside that box, mostly with low dev cost.
lrs, lambds = result.values("lr"), result.values("lambd")
# runs that diverged (NaN) are drawn with the worst colour
shown = np.where(np.isnan(scores), np.nanmax(scores), scores)
vmin, vmax = np.nanmin(scores), np.nanpercentile(scores, 90)
fig, axes = plt.subplots(1, 2, figsize=(8.5, 3.6), layout="constrained")
box = result.spaces[1]
for r, ax in enumerate(axes):
    sel = rounds == r
    points = ax.scatter(
        lrs[sel], lambds[sel], c=shown[sel], cmap="viridis_r",
        vmin=vmin, vmax=vmax, s=50, edgecolors="k",
    )  # fmt: skip
    best = np.nanargmin(np.where(sel, scores, np.nan))
    ax.plot(
        lrs[best],
        lambds[best],
        "o",
        ms=15,
        mfc="none",
        mec="C3",
        mew=2,
        label=f"best: {scores[best]:.3f}",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate")
    ax.legend(loc="upper left", fontsize=8)
low_lr, high_lr = box["lr"].low, box["lr"].high
low_l, high_l = box["lambd"].low, box["lambd"].high
box_width, box_height = high_lr - low_lr, high_l - low_l
dashed_box = Rectangle((low_lr, low_l), box_width, box_height, fill=False, ec="C3", ls="--")
axes[0].add_patch(dashed_box)
axes[0].set(
    xlim=(10**-4.2, 10**0.2),  # the search space plus a margin
    ylim=(10**-3.2, 10**1.2),
    ylabel="lambda (L2)",
    title=f"Round 1: {trials_per_round} trials, whole space",
)
# 5% margins on the log axes
margin_lr, margin_l = (high_lr / low_lr) ** 0.05, (high_l / low_l) ** 0.05
axes[1].set(
    xlim=(low_lr / margin_lr, high_lr * margin_lr),
    ylim=(low_l / margin_l, high_l * margin_l),
    title=f"Round 2: {trials_per_round} trials in the dashed box",
)
axes[1].xaxis.set_minor_formatter(NullFormatter())
axes[1].yaxis.set_minor_formatter(NullFormatter())
fig.colorbar(points, ax=axes, label="dev cost")

for r in range(2):
    print(f"round {r + 1}: best dev cost {best_per_round[r]:.3f}, median {median_per_round[r]:.3f}")
best = result.best.settings
print(
    f"best overall: lr = {best['lr']:.3g}, lambda = {best['lambd']:.3g}, "
    f"dev cost {result.best.score:.3f}"
)
plt.show()
