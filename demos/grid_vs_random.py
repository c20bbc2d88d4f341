# %% [markdown]
# # Grid search vs random search at the same budget
# Two hyperparameters, but the score depends (almost) only on the learning rate.
# A 3 x 3 grid tries 3 learning rates; 9 random trials try 9.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.tuning import Param, grid_search, random_search

budget = 9  # @param {options: [4, 9, 16, 25]}
beta_weight = 0.0  # @param {min: 0, max: 1, step: 0.1}
seed = 0  # @param {min: 0, max: 50, step: 1}

lr_best = 0.003  # where the (made-up) dev error is lowest
space = {"lr": Param(1e-4, 1.0, "log"), "beta": Param(0.9, 0.999, "1-beta log")}


def dev_error(lr, beta):
    """A stand-in for 'train, then measure the dev error'.

    A valley in log10(lr); beta_weight = 0 means beta does not matter at all,
    1 makes it as important as lr.
    """
    lr_term = (np.log10(lr) - np.log10(lr_best)) ** 2
    beta_term = (np.log10(1 - beta) + 2) ** 2  # best beta is 0.99
    return 0.05 + 0.02 * (lr_term + beta_weight * beta_term)


grid = grid_search(dev_error, space, budget=budget)
rand = random_search(dev_error, space, budget=budget, rng=seed)


def miss(result):
    """How far the best trial's lr is from lr_best, in decades (powers of 10)."""
    return abs(np.log10(result.best.settings["lr"]) - np.log10(lr_best))


# Repeat the random search with 200 seeds: how often does it beat the grid?
random_misses = np.array([
    miss(random_search(dev_error, space, budget=budget, rng=s)) for s in range(200)
])  # fmt: skip
random_wins = float(np.mean(random_misses < miss(grid)))

# %%
# @alt: Two panels over the same map of dev error against learning rate (log axis) and 1 - beta (log axis): left, the grid's points stacked on three vertical lines; right, the random points spread over nine different learning rates; a dashed line marks the best learning rate.
# the map is a little wider than the search space, so its edges show
lr_axis = np.geomspace(10**-4.3, 10**0.3, 200)
one_minus_beta_axis = np.geomspace(10**-3.2, 10**-0.8, 100)
LR, OMB = np.meshgrid(lr_axis, one_minus_beta_axis)
error_map = dev_error(LR, 1 - OMB)

fig, axes = plt.subplots(1, 2, figsize=(8.5, 3.6), sharey=True, layout="constrained")
searches = {"Grid search": grid, "Random search": rand}
for ax, (title, result) in zip(axes, searches.items(), strict=True):
    mesh = ax.pcolormesh(LR, OMB, error_map, cmap="viridis_r", shading="auto")
    lrs, betas = result.values("lr"), result.values("beta")
    ax.plot(lrs, 1 - betas, "wo", mec="k", ms=7)
    # red ticks on the lr axis: the learning rates this search tried
    ax.plot(lrs, np.full_like(lrs, 10**-3.15), "r|", ms=14, mew=2)
    ax.axvline(lr_best, color="w", ls="--", lw=1)
    best = result.best.settings["lr"]
    n_distinct = len(set(np.round(lrs, 12)))
    ax.set_title(f"{title}: {n_distinct} distinct lrs, best lr = {best:.2g}", fontsize=9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate")
axes[0].set_ylabel("1 - beta")
fig.colorbar(mesh, ax=axes, label="dev error (made up)", shrink=0.9)

# %%
# @alt: Histogram of how far random search's best learning rate lands from the true best, in decades, over 200 seeds, with a vertical line at the grid's fixed miss.
fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(random_misses, bins=30, color="C0", label="random search, 200 seeds")
ax.axvline(miss(grid), color="C3", lw=2, label="grid search (always the same)")
ax.set_xlabel("distance of the best lr found from the true best (decades)")
ax.set_ylabel("seeds")
ax.legend()
fig.tight_layout()

print(
    f"grid:   {budget} trials, best lr {grid.best.settings['lr']:.3g}, "
    f"{miss(grid):.2f} decades from {lr_best}"
)
print(
    f"random: {budget} trials, best lr {rand.best.settings['lr']:.3g}, "
    f"{miss(rand):.2f} decades from {lr_best}"
)
print(f"random search lands closer in {random_wins:.0%} of 200 seeds")
plt.show()
