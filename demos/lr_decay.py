# %% [markdown]
# # Learning-rate decay: the schedules and what they do to the final cost
# Each schedule from `deepnotes.schedules` is a pure function epoch -> lr.
# We plot them, then train the same network with Adam from the same lr0 under each.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import schedules
from deepnotes.data import moons
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.live import live_callback
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import PALETTE, cost_curves
from deepnotes.train import fit

lr0 = 0.1  # @param {min: 0.001, max: 0.3, scale: log}
decay_rate = 0.1  # @param {min: 0, max: 1, step: 0.05}
base = 0.95  # @param {min: 0.5, max: 1, step: 0.01}
epochs = 40  # @param {min: 10, max: 100, step: 10}
batch_size = 32  # @param {options: [8, 16, 32, 64]}

plans = {
    "constant": schedules.constant(lr0),
    f"inverse time ({decay_rate=})": schedules.inverse_time(lr0, decay_rate),
    f"exponential ({base=})": schedules.exponential(lr0, base=base),
    "step (halve every 10 epochs)": schedules.step(lr0, factor=0.5, every=10),
}

# %%
# @alt: Learning rate against epoch for the constant, inverse-time, exponential and step schedules, all starting at the same lr0.
fig, ax = plt.subplots(figsize=(7, 3.2))
epoch_axis = np.arange(epochs)
for i, (name, plan) in enumerate(plans.items()):
    colour = PALETTE[i]  # the colours cost_curves uses below
    ax.plot(epoch_axis, plan(epoch_axis), drawstyle="steps-post", color=colour, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("learning rate")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
X, Y = moons(m=300, noise=0.2, rng=0)


def make_model():
    rng = np.random.default_rng(1)  # the same initial weights every time
    return Sequential([
        Dense(2, 16, rng=rng), ReLU(),
        Dense(16, 16, rng=rng), ReLU(),
        Dense(16, 1, rng=rng), Sigmoid(),
    ])  # fmt: skip


histories = {}
for name, plan in plans.items():
    optimizer = Adam(lr=plan)  # a schedule instead of a number
    histories[name] = fit(
        make_model(), BinaryCrossEntropy(), optimizer, X, Y,
        epochs=epochs, batch_size=batch_size, rng=2, callback=live_callback(name, epochs=epochs),
    )  # fmt: skip
# the end of a noisy curve: average the last 5 epochs
final_cost = {name: np.mean(h.train_cost[-5:]) for name, h in histories.items()}

# @alt: Training cost per epoch on a log scale for the four schedules; the constant learning rate keeps bouncing at the end while the decayed ones settle lower.
fig, ax = plt.subplots(figsize=(7, 3.6))
title = f"Adam, lr0 = {lr0}, batch size {batch_size}"
cost_curves(histories, ax=ax, log_scale=True, title=title)
fig.tight_layout()

print("training cost, averaged over the last 5 epochs:")
for name, cost in final_cost.items():
    print(f"  {cost:.4f}  {name}")
plt.show()
