# %% [markdown]
# # Optimizer paths on an elongated bowl
# Four optimizers from `deepnotes.optim` start at the same point of a quadratic bowl
# whose curvature is 100 times larger in one direction than in the other, and take the
# same number of steps.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.optim import SGD, Adam, Momentum, RMSprop

# Each optimizer has its own learning rate: for gradient descent and momentum the step is
# lr * gradient, for RMSprop and Adam it is about lr in each coordinate (different units).
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

# The bowl: curvatures 1 (flat direction) and 100 (steep direction), rotated by `angle` degrees.
theta = np.deg2rad(angle)
rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
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
    f"Gradient descent (lr={lr_gd})": SGD(lr_gd),
    f"Momentum (lr={lr_momentum}, beta={beta})": Momentum(lr_momentum, beta=beta),
    f"RMSprop (lr={lr_rmsprop}, beta={beta_rms})": RMSprop(lr_rmsprop, beta=beta_rms),
    f"Adam (lr={lr_adam}, beta1={beta1}, beta2={beta2})": Adam(lr_adam, beta1=beta1, beta2=beta2),
}
paths = {name: follow(opt) for name, opt in optimizers.items()}
final_cost = {name: cost(path[-1]) for name, path in paths.items()}

# %%
# @alt: Four contour plots of the same elongated bowl, one per optimizer, each with the path it took from the same start point towards the minimum at the centre.
w1, w2 = np.meshgrid(np.linspace(-5, 5, 200), np.linspace(-2.5, 2.5, 120))
grid = np.stack([w1, w2], axis=-1) - w_star  # (120, 200, 2)
J = 0.5 * np.einsum("...i,ij,...j->...", grid, H, grid)

fig, axes = plt.subplots(2, 2, figsize=(10, 5.6), sharex=True, sharey=True)
for ax, (name, path) in zip(axes.flat, paths.items()):
    ax.contour(w1, w2, J, levels=np.geomspace(0.05, 80, 12), cmap="Greys", linewidths=0.7)
    ax.plot(path[:, 0], path[:, 1], "o-", color="C3", ms=2.5, lw=1.2)
    ax.plot(*w_star, "k*", ms=10)
    diverged = cost(path[-1]) > 1e4
    status = "diverged" if diverged else f"cost after {steps} steps: {final_cost[name]:.1e}"
    ax.set_title(f"{name}\n{status}", fontsize=9)
    ax.set_xlim(-5, 5)
    ax.set_ylim(-2.5, 2.5)
fig.suptitle(f"Same start, {steps} steps each" + (f", bowl rotated by {angle} degrees" if angle else ""))
fig.tight_layout()

# %%
# @alt: Cost against step number on a log scale for the four optimizers.
fig, ax = plt.subplots(figsize=(7, 3.4))
for name, path in paths.items():
    ax.semilogy([cost(w) for w in path], label=name)
ax.set_xlabel("step")
ax.set_ylabel("cost J(w)")
ax.legend(fontsize=8)
fig.tight_layout()

print(f"cost after {steps} steps (it starts at {cost(w_start):.0f}):")
for name, value in final_cost.items():
    print(f"  {value:9.2e}  {name}")
plt.show()
