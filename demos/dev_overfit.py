# %% [markdown]
# # Picking the best on dev overstates it
# A small random search: `n_candidates` networks with randomly drawn width,
# learning rate and L2 strength are trained on the same 200 examples. Each
# candidate's true accuracy is measured on 5,000 fresh examples. Then we play
# the selection game many times: draw a dev set of `dev_size` examples, keep the
# candidate with the best dev accuracy, and compare its dev score with its true
# score.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.train import fit
from deepnotes.tuning import log_uniform

n_candidates = 16  # @param {min: 2, max: 40, step: 1}
dev_size = 50  # @param {options: [25, 50, 100, 200, 500, 1000, 2000]}
n_dev_sets = 500  # @param {min: 100, max: 2000, step: 100}
rng = np.random.default_rng(7)

X_train, Y_train = data.moons(200, noise=0.3, rng=rng)
X_pool, Y_pool = data.moons(5000, noise=0.3, rng=rng)  # dev sets are drawn from here

# The random search: each candidate gets its own width, learning rate and
# lambda.
hidden_units = np.rint(log_uniform(4, 64, n_candidates, rng=rng)).astype(int)
learning_rates = log_uniform(1e-2, 1e-1, n_candidates, rng=rng)
lambdas = log_uniform(1e-3, 1.0, n_candidates, rng=rng)

correct = []  # correct[k][i]: does candidate k classify pool example i correctly?
for n_h, lr, lambd in zip(hidden_units, learning_rates, lambdas, strict=True):
    model = Sequential([Dense(2, n_h, rng=rng), ReLU(), Dense(n_h, 1, rng=rng), Sigmoid()])
    fit(model, BinaryCrossEntropy(), Adam(lr=lr), X_train, Y_train, epochs=40, lambd=lambd, rng=rng)
    correct.append((model.predict(X_pool) >= 0.5) == Y_pool)
correct = np.hstack(correct).astype(float)  # (5000, n_candidates)
true_accuracy = correct.mean(axis=0)  # what each candidate really does

# Many dev sets, each a random draw of dev_size pool examples.
dev_accuracy = np.array(
    [
        correct[rng.choice(len(X_pool), dev_size, replace=False)].mean(axis=0)
        for _ in range(n_dev_sets)
    ]
)  # (n_dev_sets, n_candidates)
winners = np.argmax(dev_accuracy, axis=1)
rows = np.arange(n_dev_sets)
winner_dev = dev_accuracy[rows, winners]
winner_true = true_accuracy[winners]
overstatement = winner_dev - winner_true  # one value per dev set
unselected = dev_accuracy[:, 0] - true_accuracy[0]  # a model fixed before looking at dev

# Average overstatement when only the first k candidates are tried.
by_budget = [
    np.mean(
        np.max(dev_accuracy[:, :k], axis=1) - true_accuracy[np.argmax(dev_accuracy[:, :k], axis=1)]
    )
    for k in range(1, n_candidates + 1)
]

# %%
# @alt: Top left, for one dev set, each candidate's true accuracy against its dev accuracy, with the diagonal; the dev winner, a star, sits right of the diagonal. Top right, histograms over many dev sets: dev minus true accuracy of a model fixed in advance is centred on zero, that of the dev winner is shifted to the right. Below, the average overstatement of the winner grows with the number of candidates tried.
fig = plt.figure(figsize=(9, 7))
grid = fig.add_gridspec(2, 2, height_ratios=[1, 0.7])
axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])]
first = dev_accuracy[0]
axes[0].scatter(100 * first, 100 * true_accuracy, s=18, color="#0072B2", label="candidates")
axes[0].scatter(
    100 * first[winners[0]],
    100 * true_accuracy[winners[0]],
    s=120,
    marker="*",
    color="#D55E00",
    label="chosen on dev",
    zorder=3,
)
low = 100 * min(first.min(), true_accuracy.min()) - 2
high = 100 * max(first.max(), true_accuracy.max()) + 2
axes[0].plot([low, high], [low, high], "k--", lw=0.8, label="dev = true")
axes[0].set_xlabel(f"dev accuracy (%), {dev_size} examples")
axes[0].set_ylabel("true accuracy (%), 5,000 examples")
axes[0].set_title("One dev set: every candidate", fontsize=10)
axes[0].legend(fontsize=8, loc="upper left")

step = max(1 / dev_size, 0.01)  # one bin per possible accuracy value (or 1 point)
half = int(np.ceil(0.2 / step))  # bins covering -20 to +20 points
bins = 100 * step * (np.arange(-half, half + 1) + 0.5)
axes[1].hist(
    100 * unselected, bins=bins, alpha=0.6, color="#0072B2", label="model fixed in advance"
)
axes[1].hist(100 * overstatement, bins=bins, alpha=0.6, color="#D55E00", label="winner on dev")
axes[1].axvline(100 * overstatement.mean(), color="#D55E00", lw=1.5)
axes[1].axvline(100 * unselected.mean(), color="#0072B2", lw=1.5)
axes[1].set_xlabel("dev accuracy − true accuracy (points)")
axes[1].set_ylabel("dev sets")
axes[1].set_title(f"{n_dev_sets} dev sets of {dev_size} examples", fontsize=10)
axes[1].legend(fontsize=8, loc="upper left")

axes[2].plot(np.arange(1, n_candidates + 1), 100 * np.array(by_budget), "o-", ms=3, color="#D55E00")
axes[2].axhline(0, color="grey", lw=0.8)
axes[2].set_xlabel("candidates tried")
axes[2].set_ylabel("average overstatement (points)")
axes[2].set_title("The more you pick, the more dev flatters", fontsize=10)
fig.tight_layout()

print(f"true accuracy of the candidates: {true_accuracy.min():.1%} to {true_accuracy.max():.1%}")
print(f"model fixed in advance: dev - true = {unselected.mean():+.1%} on average (unbiased)")
print(f"winner on dev:          dev - true = {overstatement.mean():+.1%} on average")
print(
    f"the winner was the truly best candidate in {np.mean(winners == np.argmax(true_accuracy)):.0%} "
    f"of the dev sets"
)
plt.show()
