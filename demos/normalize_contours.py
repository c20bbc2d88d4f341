# %% [markdown]
# # Gradient descent on raw and standardized features
# A linear model $\hat y = w_1 x_1 + w_2 x_2 + b$ is fitted by batch gradient descent
# to two centred features, the first `scale` times wider than the second. The same
# data are fitted again after standardizing. Both panels draw the contours of the
# cost over $(w_1, w_2)$ with the same aspect ratio, so a circle looks like a circle.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import Standardizer
from deepnotes.layers import Dense
from deepnotes.losses import MeanSquaredError
from deepnotes.model import Sequential
from deepnotes.optim import SGD
from deepnotes.plots import optimizer_paths
from deepnotes.train import fit

scale = 10.0  # @param {min: 1, max: 30, step: 1}
lr_raw = 0.0095  # @param {min: 0.0001, max: 0.05, scale: log}
# (gradient descent diverges above 2 / (2 * scale**2): 0.01 for scale = 10)
lr_std = 0.45  # @param {min: 0.01, max: 1.2, scale: log}
max_steps = 2000  # @param {min: 100, max: 5000, step: 100}
start_offset = np.array([-0.6, 1.2])  # where (w1, w2) starts, relative to the minimum
tolerance = 1e-3  # converged when the excess cost is below this fraction of var(Y)

rng = np.random.default_rng(0)
m = 200
X_raw = rng.standard_normal((m, 2)) * [scale, 1.0]  # (m, 2): x1 is `scale` times wider
X_raw -= X_raw.mean(axis=0)  # centred, so only the spreads differ (the next demo adds a mean)
Y = 2.0 * X_raw[:, :1] / scale - 1.5 * X_raw[:, 1:] + 0.5 + 0.1 * rng.standard_normal((m, 1))

X_std = Standardizer().fit_transform(X_raw)
loss = MeanSquaredError()


def best_cost(X):
    """The exact minimum of the cost (least squares), only to measure convergence."""
    A = np.column_stack([X, np.ones(m)])  # (m, 3)
    coef = np.linalg.lstsq(A, Y, rcond=None)[0]  # (3, 1)
    return float(np.mean((A @ coef - Y) ** 2)), coef[:2, 0]


def descend(X, lr):
    """Batch gradient descent from `start_offset` away from the minimum.

    Returns the (w1, w2) path and the number of steps to converge (None if it did not).
    """
    model = Sequential([Dense(2, 1, init="zeros")])
    J_star, w_best = best_cost(X)
    model.parameters()["0.W"][0] = w_best + start_offset
    J_start = loss.forward(model.forward(X), Y)
    path = [model.parameters()["0.W"][0].copy()]
    converged_at = []

    def record(epoch, history):  # one epoch = one step of batch gradient descent
        path.append(model.parameters()["0.W"][0].copy())
        excess = history.train_cost[-1] - J_star
        if excess > 1e3 * J_start:  # diverging: stop before the numbers overflow
            return False
        if excess < tolerance * Y.var():
            converged_at.append(epoch + 1)
            return False
        return True

    fit(model, loss, SGD(lr), X, Y, epochs=max_steps, callback=record)
    return np.array(path), (converged_at[0] if converged_at else None)


def cost_surface(X):
    """J(w1, w2) with b at its best value, evaluated with the engine's own model and loss."""
    probe = Sequential([Dense(2, 1, init="zeros")])
    probe.parameters()["0.b"][:] = Y.mean()  # the best b: both features are centred

    def J(w1, w2):
        probe.parameters()["0.W"][:] = [[w1, w2]]
        return loss.forward(probe.forward(X), Y)

    return np.vectorize(J)


runs = {
    "raw": (X_raw, lr_raw),
    "standardized": (X_std, lr_std),
}
paths, steps = {}, {}
for name, (X, lr) in runs.items():
    paths[name], steps[name] = descend(X, lr)

# %%
# @alt: Two contour plots of the cost over the weights w1 and w2 at equal aspect ratio, each with a gradient-descent path from the same offset. For raw features the contours are long thin vertical ellipses and the path zig-zags across the narrow direction, then crawls down the long one; for standardized features the contours are circles and the path goes straight to the minimum in a few steps.
fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
for ax, (name, (X, lr)) in zip(axes, runs.items(), strict=True):
    J_star, w_best = best_cost(X)
    surface = cost_surface(X)
    J_start = float(surface(*(w_best + start_offset)))
    levels = J_star + (J_start - J_star) * np.geomspace(0.002, 4, 14)
    path = paths[name]
    half = 1.5
    centre = w_best + start_offset / 2
    lim1 = (centre[0] - half, centre[0] + half)
    lim2 = (centre[1] - half, centre[1] + half)
    label = f"lr = {lr:g}"
    grid = {}

    def recorded(w1, w2, surface=surface, grid=grid):  # keep the grid to redraw it darker
        grid["w1"], grid["w2"], grid["J"] = w1, w2, surface(w1, w2)
        return grid["J"]

    optimizer_paths(
        recorded, {label: path[:400]}, ax=ax, xlim=lim1, ylim=lim2, resolution=60, levels=levels
    )
    ax.contour(grid["w1"], grid["w2"], grid["J"], levels=levels, colors="0.45", linewidths=0.7)
    ax.plot(*w_best, "k+", ms=12, mew=2)
    ax.set_aspect("equal")
    done = (
        f"converged in {steps[name]} steps"
        if steps[name]
        else f"not converged in {max_steps} steps"
    )
    ax.set_title(f"{name} features: {done}", fontsize=10)
fig.tight_layout()

for name in runs:
    print(f"{name:>13}: {steps[name] or f'> {max_steps}'} steps to reach the tolerance")
if steps["raw"] and steps["standardized"]:
    print(f"raw / standardized = {steps['raw'] / steps['standardized']:.0f}x more steps")
    print(f"(condition number of the raw problem: about scale^2 = {scale**2:.0f})")
plt.show()
