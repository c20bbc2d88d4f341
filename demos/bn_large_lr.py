# %% [markdown]
# # Batch norm at a large learning rate
# Two copies of a 4-hidden-layer ReLU network with the same initial weights,
# one with a BatchNorm layer between each Dense layer and its ReLU, trained with
# plain mini-batch gradient descent at the same (large) learning rate. After
# every epoch we record what each ReLU receives.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import spirals
from deepnotes.layers import BatchNorm, Dense, ReLU, Sigmoid
from deepnotes.live import live_callback
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import SGD
from deepnotes.plots import activations_per_layer, cost_curves
from deepnotes.train import fit

lr = 2.0  # @param {min: 0.01, max: 5, scale: log}
epochs = 30  # @param {min: 5, max: 100, step: 5}
depth, width = 4, 16

X, Y = spirals(m=200, k=2, noise=0.1, rng=0)
Y = Y.reshape(-1, 1)  # (m, 1) 0/1 labels for the sigmoid output


def make_model(batch_norm):
    rng = np.random.default_rng(1)  # same weights for both networks
    layers, n_in = [], 2
    for _ in range(depth):
        layers.append(Dense(n_in, width, rng=rng))
        if batch_norm:
            layers.append(BatchNorm(width))
        layers.append(ReLU())
        n_in = width
    return Sequential([*layers, Dense(n_in, 1, rng=rng), Sigmoid()])


def relu_inputs(model):
    """What each ReLU receives on the whole training set (inference mode)."""
    outputs = list(activations_per_layer(model, X).values())
    relus = [i for i, layer in enumerate(model.layers) if isinstance(layer, ReLU)]
    return [outputs[i - 1] for i in relus]  # the output of the layer before each ReLU


histories, percentiles = {}, {}
for name, batch_norm in [("without BN", False), ("with BN", True)]:
    model = make_model(batch_norm)
    trace = [[np.percentile(z, [5, 50, 95]) for z in relu_inputs(model)]]  # before training

    watch = live_callback(name, epochs=epochs)  # live curves in the browser

    def after_epoch(epoch, history, model=model, trace=trace, watch=watch):
        trace.append([np.percentile(z, [5, 50, 95]) for z in relu_inputs(model)])
        return watch(epoch, history)

    histories[name] = fit(
        model, BinaryCrossEntropy(), SGD(lr), X, Y,
        epochs=epochs, batch_size=32, rng=2, callback=after_epoch,
    )  # fmt: skip
    percentiles[name] = np.array(trace)  # (epochs + 1, depth, 3)
final_cost = {name: h.train_cost[-1] for name, h in histories.items()}

# %%
# @alt: Training cost per epoch for the network with and without batch norm at the same large learning rate.
fig, ax = plt.subplots(figsize=(7, 3.4))
cost_curves(histories, ax=ax, title=f"Plain gradient descent, lr = {lr}")
fig.tight_layout()

# %%
# @alt: A grid of small plots, one row per network and one column per hidden layer, each showing the 5th, 50th and 95th percentiles of that layer's ReLU input over the epochs.
fig, axes = plt.subplots(2, depth, figsize=(9, 4.4), sharex=True)
for row, (name, trace) in zip(axes, percentiles.items(), strict=True):
    for layer, ax in enumerate(row):
        low, median, high = trace[:, layer].T  # (3, epochs + 1)
        epochs_axis = np.arange(len(trace))
        ax.fill_between(epochs_axis, low, high, alpha=0.3, label="5-95th percentile")
        ax.plot(median, lw=1.5, label="median")
        ax.axhline(0, color="grey", lw=0.6)
        ax.set_title(f"{name}, layer {layer + 1}", fontsize=8)
    row[0].set_ylabel("ReLU input")
for ax in axes[1]:
    ax.set_xlabel("epoch")
axes[0, 0].legend(fontsize=7)
fig.tight_layout()

for name, h in histories.items():
    cost, accuracy = h.train_cost[-1], h.train_accuracy[-1]
    print(f"{name:11s} final cost {cost:.3f}   accuracy {accuracy:.1%}")
plt.show()
