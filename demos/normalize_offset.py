# %% [markdown]
# # Centring matters as much as scaling
# One feature with a large `mean` and a `spread` different from 1, fitted by a linear
# model $\hat y = w x + b$ with batch gradient descent, after four kinds of
# preprocessing. Each run uses the learning rate $1/\lambda_{\max}$: half the largest
# step its own cost surface tolerates, so every run is as fast as it can safely be.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import Standardizer
from deepnotes.layers import Dense
from deepnotes.losses import MeanSquaredError
from deepnotes.model import Sequential
from deepnotes.optim import SGD
from deepnotes.train import fit

mean = 5.0  # @param {min: 0, max: 20, step: 0.5}
spread = 2.0  # @param {min: 0.1, max: 10, scale: log}
max_steps = 3000  # @param {min: 100, max: 10000, step: 100}
tolerance = 1e-3  # converged when the excess cost is below this fraction of the start's

rng = np.random.default_rng(1)
m = 200
x = mean + spread * rng.standard_normal((m, 1))  # (m, 1)
Y = 3.0 * (x - mean) / spread + 1.0 + 0.1 * rng.standard_normal((m, 1))

scaler = Standardizer().fit(x)
variants = {
    "raw": x,
    "centred only": x - scaler.mean,
    "scaled only": x / scaler.std,
    "standardized": scaler.transform(x),
}


def curvature(X):
    """Largest and smallest eigenvalue of the cost's Hessian H = (2/m) [X 1]^T [X 1]."""
    A = np.column_stack([X, np.ones(len(X))])  # (m, 2)
    eigenvalues = np.linalg.eigvalsh(2 / len(X) * A.T @ A)
    return eigenvalues[-1], eigenvalues[0]


def steps_to_converge(X):
    """Batch gradient descent from w = b = 0 at lr = 1/lambda_max; steps until converged."""
    lam_max, _ = curvature(X)
    A = np.column_stack([X, np.ones(m)])
    J_star = float(np.mean((A @ np.linalg.lstsq(A, Y, rcond=None)[0] - Y) ** 2))
    J_start = float(np.mean(Y**2))  # the cost at w = b = 0
    model = Sequential([Dense(1, 1, init="zeros")])
    history = fit(
        model,
        MeanSquaredError(),
        SGD(1 / lam_max),
        X,
        Y,
        epochs=max_steps,
        callback=lambda epoch, h: h.train_cost[-1] - J_star > tolerance * (J_start - J_star),
    )
    threshold = J_star + tolerance * (J_start - J_star)
    return len(history.train_cost), [J_start, *history.train_cost], threshold


results = {}
for name, X in variants.items():
    lam_max, lam_min = curvature(X)
    steps, costs, threshold = steps_to_converge(X)
    results[name] = {"steps": steps, "kappa": lam_max / lam_min, "costs": costs}

# %%
# @alt: Left, a bar chart of the number of gradient-descent steps to converge for raw, centred-only, scaled-only and standardized inputs on a log scale: raw and centred-only or scaled-only need tens to thousands of steps, standardized needs one or two. Right, the training cost against the step for the four variants, on log axes, all starting from the same cost; the standardized run reaches the dotted convergence line after one step.
fig, (ax_bar, ax_cost) = plt.subplots(1, 2, figsize=(10, 3.8))
names = list(results)
bars = ax_bar.bar(names, [results[n]["steps"] for n in names], color=["C3", "C1", "C2", "C0"])
ax_bar.set_yscale("log")
ax_bar.set_ylabel("steps to converge")
for bar, n in zip(bars, names, strict=True):
    capped = results[n]["steps"] >= max_steps
    text = f"{'>' if capped else ''}{results[n]['steps']}\nκ = {results[n]['kappa']:.0f}"
    ax_bar.annotate(
        text,
        (bar.get_x() + bar.get_width() / 2, bar.get_height()),
        ha="center",
        va="bottom",
        fontsize=8,
    )
ax_bar.set_ylim(0.5, max_steps * 8)
ax_bar.set_title(f"x with mean {mean:g} and spread {spread:g}", fontsize=10)
for n, colour in zip(names, ["C3", "C1", "C2", "C0"], strict=True):
    costs = results[n]["costs"]
    ax_cost.plot(
        np.arange(len(costs)), costs, color=colour, marker="." if len(costs) < 20 else "", label=n
    )
ax_cost.axhline(threshold, color="grey", ls=":", lw=1, label="converged below this")
ax_cost.set_xscale("symlog", linthresh=1)
ax_cost.set_yscale("log")
ax_cost.set_xlim(0, None)
ax_cost.set_xlabel("step (0 = start)")
ax_cost.set_ylabel("training cost")
ax_cost.legend(fontsize=8)
fig.tight_layout()

for n in names:
    r = results[n]
    steps = f"> {max_steps}" if r["steps"] >= max_steps else str(r["steps"])
    print(f"{n:>13}: condition number {r['kappa']:8.1f}, steps to converge {steps:>6}")
plt.show()
