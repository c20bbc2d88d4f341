# %% [markdown]
# # The effect of initialization on training
# The same deep network (`depth` hidden layers of `width` units) is trained on the
# two moons from each initializer, with the same plain gradient descent, learning rate
# and number of epochs. Only the initial weights differ.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import moons
from deepnotes.layers import Dense, ReLU, Sigmoid, Tanh
from deepnotes.live import live_callback
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import SGD
from deepnotes.train import fit

activation = "relu"  # @param {options: ["relu", "tanh"]}
depth = 10  # @param {min: 1, max: 20, step: 1}
width = 16  # @param {min: 4, max: 128, step: 4}
lr = 0.05  # @param {min: 0.001, max: 1, scale: log}
epochs = 150  # @param {min: 50, max: 1000, step: 50}
inits = ["zeros", "random", "xavier", "he"]

X, Y = moons(m=200, noise=0.15, rng=np.random.default_rng(0))


def build(init):
    rng = np.random.default_rng(1)
    act = {"relu": ReLU, "tanh": Tanh}[activation]
    layers, n_in = [], 2
    for _ in range(depth):
        layers += [Dense(n_in, width, init=init, rng=rng), act()]
        n_in = width
    return Sequential([*layers, Dense(n_in, 1, init=init, rng=rng), Sigmoid()])


histories = {}
for init in inits:
    model = build(init)
    watch = live_callback(init, epochs=epochs)
    histories[init] = fit(model, BinaryCrossEntropy(), SGD(lr), X, Y, epochs=epochs, callback=watch)

# %%
# @alt: Training cost against epoch for the four initializers on the same deep network. Zeros and small random weights stay flat at about 0.69, the cost of guessing one half; xavier decreases slowly; he decreases fastest and lowest.
fig, ax = plt.subplots(figsize=(8, 3.8))
for init, colour in zip(inits, ["0.5", "C3", "C1", "C0"], strict=True):
    label = "random (0.01)" if init == "random" else init
    ax.plot(
        histories[init].train_cost,
        color=colour,
        lw=2,
        ls="--" if init == "zeros" else "-",
        zorder=3 if init == "zeros" else 2,  # on top of "random", which it hides otherwise
        label=label,
    )
ax.axhline(np.log(2), color="grey", ls=":", lw=1, label="ln 2: always predicting 1/2")
ax.set_xlabel("epoch")
ax.set_ylabel("training cost")
ax.set_title(
    f"{depth} hidden {activation} layers of {width} units, gradient descent, lr = {lr:g}",
    fontsize=10,
)
ax.legend(fontsize=8)
fig.tight_layout()

for init in inits:
    h = histories[init]
    print(
        f"{init:>7}: cost {h.train_cost[0]:.3f} -> {h.train_cost[-1]:.3f}, "
        f"training accuracy {h.train_accuracy[-1]:.0%}"
    )
plt.show()
