# %% [markdown]
# # Optimizer paths on an elongated bowl
# Four optimizers from `deepnotes.optim` start at the same point of a quadratic bowl
# whose curvature is 100 times larger in one direction than in the other, and take the
# same number of steps.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.optim import SGD, Adam, Momentum, RMSprop
from deepnotes.plots import PALETTE

# Each optimizer has its own learning rate. For gradient descent and momentum the
# step is lr * gradient; for RMSprop and Adam it is about lr in each coordinate.
# The defaults are each one's best lr for this bowl and budget (found by a sweep).
lr_gd = 0.018  # @param {min: 0.001, max: 1, scale: log}
lr_momentum = 0.05  # @param {min: 0.001, max: 1, scale: log}
beta = 0.9  # @param {min: 0, max: 0.99, step: 0.01}
lr_rmsprop = 0.1  # @param {min: 0.001, max: 1, scale: log}
beta_rms = 0.9  # @param {options: [0.5, 0.9, 0.99, 0.999]}
lr_adam = 0.5  # @param {min: 0.001, max: 1, scale: log}
beta1 = 0.9  # @param {min: 0, max: 0.99, step: 0.01}
beta2 = 0.999  # @param {options: [0.9, 0.99, 0.999]}
steps = 60  # @param {min: 5, max: 200, step: 5}
angle = 0  # @param {min: 0, max: 90, step: 15}

# The bowl: curvature 1 along the valley, 100 across it, rotated by `angle` degrees.
c, s = np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))
rotation = np.array([[c, -s], [s, c]])
H = rotation @ np.diag([1.0, 100.0]) @ rotation.T  # (2, 2) Hessian
w_star = np.zeros(2)
w_start = np.array([-4.0, 1.5])


def cost(w):
    d = w - w_star
    return 0.5 * d @ H @ d


def gradient(w):
    return H @ (w - w_star)


def follow(optimizer):
    """Step a 2-vector with `optimizer`; stop early if it flies off the map."""
    w = w_start.copy()
    path = [w.copy()]
    for _ in range(steps):
        optimizer.step({"w": w}, {"w": gradient(w)})  # updates w in place
        path.append(w.copy())
        if cost(w) > 1e4:  # diverged: stop before the numbers overflow
            break
    return np.array(path)


optimizers = {
    "Gradient descent": SGD(lr_gd),
    "Momentum": Momentum(lr_momentum, beta=beta),
    "RMSprop": RMSprop(lr_rmsprop, beta=beta_rms),
    "Adam": Adam(lr_adam, beta1=beta1, beta2=beta2),
}
paths = {name: follow(opt) for name, opt in optimizers.items()}
final_cost = {name: cost(path[-1]) for name, path in paths.items()}

# %%
# @alt: Four contour plots of the same elongated bowl, one per optimizer, each with the path it took from the same start point towards the minimum at the centre.
w1, w2 = np.meshgrid(np.linspace(-5, 5, 200), np.linspace(-2.5, 2.5, 120))
grid = np.stack([w1, w2], axis=-1) - w_star  # (120, 200, 2)
J = 0.5 * np.einsum("...i,ij,...j->...", grid, H, grid)

levels = np.geomspace(0.05, 80, 12)
fig, axes = plt.subplots(2, 2, figsize=(8, 5), sharex=True, sharey=True)
for ax, (name, path) in zip(axes.flat, paths.items(), strict=True):
    ax.contour(w1, w2, J, levels=levels, cmap="Greys", linewidths=0.7)
    ax.plot(path[:, 0], path[:, 1], "o-", color="C3", ms=2.5, lw=1.2)
    ax.plot(*w_star, "k*", ms=10)
    if final_cost[name] > 1e4:
        status = "diverged"
    else:
        status = f"cost after {steps} steps: {final_cost[name]:.1e}"
    ax.set_title(f"{optimizers[name]!r}\n{status}", fontsize=8)
    ax.set_xlim(-5, 5)
    ax.set_ylim(-2.5, 2.5)
rotated = f", bowl rotated by {angle} degrees" if angle else ""
fig.suptitle(f"Same start, {steps} steps each{rotated}")
fig.tight_layout()

# %%
# @alt: Cost against step number on a log scale for the four optimizers.
fig, ax = plt.subplots(figsize=(7, 3.4))
for i, (name, path) in enumerate(paths.items()):
    colour = PALETTE[i]
    ax.semilogy([cost(w) for w in path], color=colour, label=name)
ax.set_xlabel("step")
ax.set_ylabel("cost J(w)")
ax.legend(fontsize=8)
fig.tight_layout()

print(f"cost after {steps} steps (it starts at {cost(w_start):.0f}):")
for name, value in final_cost.items():
    print(f"  {value:9.2e}  {optimizers[name]!r}")
plt.show()
