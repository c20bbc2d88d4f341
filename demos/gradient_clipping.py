# %% [markdown]
# # Gradient clipping against an exploding start
# A deep ReLU network whose weights start too large (`scale` well above He's
# $\sqrt{2/32} = 0.25$), so activations and gradients grow layer after layer. It is
# trained twice with the same mini-batches and learning rate: once as is, once with
# every gradient clipped to a global norm of at most `max_norm` before the step.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from deepnotes import ewma
from deepnotes.data import minibatches, moons
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import SGD, clip_gradients

scale = 0.5  # @param {min: 0.05, max: 1, step: 0.05}
max_norm = 1.0  # @param {min: 0.01, max: 100, scale: log}
lr = 0.05  # @param {min: 0.001, max: 0.5, scale: log}
epochs = 40  # @param {min: 10, max: 200, step: 10}
depth, width = 8, 32

X, Y = moons(m=200, noise=0.15, rng=np.random.default_rng(0))
loss = BinaryCrossEntropy()


def build():
    rng = np.random.default_rng(1)  # the same initial weights for both runs
    layers, n_in = [], 2
    for _ in range(depth):
        layers += [Dense(n_in, width, init="random", scale=scale, rng=rng), ReLU()]
        n_in = width
    return Sequential([*layers, Dense(n_in, 1, init="random", scale=scale, rng=rng), Sigmoid()])


def train(clip):
    """Mini-batch gradient descent; returns the cost and gradient norm of every step."""
    model, optimizer, rng = build(), SGD(lr), np.random.default_rng(2)
    costs, norms, stopped = [], [], None
    for _ in range(epochs):
        for X_batch, Y_batch in minibatches(X, Y, batch_size=32, rng=rng):
            with np.errstate(over="ignore", invalid="ignore"):
                costs.append(loss.forward(model.forward(X_batch), Y_batch))
                model.backward(loss.backward())
            grads = model.gradients()
            try:
                if clip:
                    norms.append(clip_gradients(grads, max_norm))  # the norm before clipping
                else:
                    norms.append(math.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
                optimizer.step(model.parameters(), grads)
            except ValueError as error:  # NaN/inf gradients: the run has blown up
                stopped = str(error)
                return costs, norms, stopped
    return costs, norms, stopped


runs = {"no clipping": train(clip=False), f"clipped to {max_norm:g}": train(clip=True)}

# %%
# @alt: Left, the cost of every mini-batch for the two runs on a log scale, with a smoothed line each: without clipping the cost jumps within the first steps to about 15 and stays there, because one huge step threw the weights into a region where the output saturates; with clipping the cost falls to about 0.1. Right, the global gradient norm of every step on a log scale: both runs start with gradients far above max_norm; the unclipped run's norm then collapses off the bottom of the chart (a dead, saturated network), while the clipped run keeps gradients of order 1 to 100 and its steps are capped at the dashed max_norm line.
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
for (name, (costs, norms, _)), colour in zip(runs.items(), ["C3", "C0"], strict=True):
    ax.semilogy(costs, color=colour, lw=0.6, alpha=0.4)
    ax.semilogy(ewma(costs, beta=0.9), color=colour, lw=2, label=f"{name} (EWMA of the costs)")
    ax2.semilogy(norms, color=colour, lw=1, label=f"{name}: norm before clipping")
ax2.axhline(max_norm, color="C0", ls="--", lw=1, label="max_norm: the clipped step's length")
ax.set_xlabel("step")
ax.set_ylabel("mini-batch cost")
ax.set_title(f"weights start with std {scale:g} (He: 0.25)", fontsize=10)
ax.legend(fontsize=8)
ax2.set_xlabel("step")
ax2.set_ylabel("global gradient norm")
ax2.set_ylim(1e-8, 1e4)
ax2.set_title("Gradient norm per step (below 1e-8: off the chart)", fontsize=10)
ax2.legend(fontsize=8)
fig.tight_layout()

for name, (costs, norms, stopped) in runs.items():
    end = f"stopped at step {len(costs)}: {stopped}" if stopped else "finished"
    print(f"{name}: gradient norm {norms[0]:.0f} at the start, {max(norms):.0f} at most")
    print(f"  mean cost of the last 7 batches {np.mean(costs[-7:]):.3f} ({end})")
plt.show()
