# %% [markdown]
# # What dropout does to one layer
# A batch of 30 examples goes through a hidden layer of 20 ReLU units and then
# through `Dropout(keep_prob)`, three times in training mode and once in test
# mode. We look at the masks, and at the average activation with and without the
# division by `keep_prob`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.layers import Dense, Dropout, ReLU
from deepnotes.model import Sequential

keep_prob = 0.8  # @param {min: 0.1, max: 1, step: 0.05}
n_passes = 1000  # @param {min: 100, max: 10000, step: 100}
rng = np.random.default_rng(0)

X = rng.standard_normal((30, 5))  # (30 examples, 5 features)
hidden = Sequential([Dense(5, 20, rng=rng), ReLU()])
a = hidden.forward(X, training=False)  # (30, 20) activations going into dropout
drop = Dropout(keep_prob, rng=rng)

masks = []
for _ in range(3):
    drop.forward(a, training=True)
    masks.append(drop.mask.copy())  # (30, 20) True = kept

# Average over many training passes: inverted dropout (what the layer returns)
# and the plain mask without the division (what the notes' test-time scaling
# compensates for).
inverted_sum = np.zeros_like(a)
plain_sum = np.zeros_like(a)
for _ in range(n_passes):
    inverted_sum += drop.forward(a, training=True)  # a * mask / keep_prob
    plain_sum += a * drop.mask  # a * mask, no division
inverted_mean = (inverted_sum / n_passes).mean()
plain_mean = (plain_sum / n_passes).mean()
test_mean = drop.forward(a, training=False).mean()  # test time: identity
kept_fraction = np.mean(masks)

# %%
# @alt: Three black-and-white grids of 30 examples by 20 units, one per training pass, showing which units dropout kept (light) and dropped (dark); the pattern is different in every pass and every row. Below, bars show of the mean activation: inverted dropout during training and the test-time network match, while dropout without the division is smaller by the factor keep_prob.
fig = plt.figure(figsize=(9, 6.4))
grid = fig.add_gridspec(2, 3, height_ratios=[1, 0.8])
axes = [fig.add_subplot(grid[0, i]) for i in range(3)] + [fig.add_subplot(grid[1, :])]
for i, (ax, mask) in enumerate(zip(axes[:3], masks, strict=True), start=1):
    ax.imshow(mask, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_title(f"pass {i}: {mask.mean():.0%} kept (white)", fontsize=10)
    ax.set_xlabel("unit")
    ax.set_ylabel("example" if i == 1 else "")
names = ["training, inverted\n(a * d / p)", "training, no division\n(a * d)", "test time\n(a)"]
values = [inverted_mean, plain_mean, test_mean]
axes[3].bar(names, values, color=["#0072B2", "#BBBBBB", "#009E73"])
for i, v in enumerate(values):
    axes[3].text(i, v, f"{v:.3f}", ha="center", va="bottom", fontsize=9)
axes[3].set_ylabel("mean activation")
axes[3].set_title(f"keep_prob = {keep_prob:g}, {n_passes} passes", fontsize=10)
axes[3].set_ylim(0, 1.15 * max(values))
fig.tight_layout()

print(f"units kept in the three passes: {kept_fraction:.1%} (keep_prob {keep_prob:g})")
print("mean activation")
print(f"   at test time (no dropout, no scaling):   {test_mean:.4f}")
print(f"   training, inverted dropout (a*d/p):      {inverted_mean:.4f}")
print(f"   training, without the division (a*d):    {plain_mean:.4f}", end="")
print(f" = {plain_mean / test_mean:.3f} x test time")
plt.show()
