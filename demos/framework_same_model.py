# %% [markdown]
# # The same model in deepnotes
# A 2-16-16-1 ReLU network with a sigmoid output, He initialization, binary
# cross-entropy and Adam (lr 0.01), trained for 100 epochs in mini-batches of 64
# on 300 moons. The PyTorch and Keras tabs build exactly this model.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import moons
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import cost_curves, decision_boundary
from deepnotes.train import fit

lr = 0.01  # @param {min: 0.0001, max: 0.3, scale: log}
epochs = 100  # @param {min: 10, max: 300, step: 10}

X, Y = moons(m=300, noise=0.2, rng=0)  # X (300, 2), Y (300, 1) of 0/1

rng = np.random.default_rng(0)
model = Sequential([
    Dense(2, 16, init="he", rng=rng), ReLU(),
    Dense(16, 16, init="he", rng=rng), ReLU(),
    Dense(16, 1, init="he", rng=rng), Sigmoid(),
])  # fmt: skip
loss = BinaryCrossEntropy()
optimizer = Adam(lr=lr)

# fit: for each epoch, for each shuffled mini-batch of 64:
#   forward -> cost -> backward (hand-written in every layer) -> optimizer.step
history = fit(model, loss, optimizer, X, Y, epochs=epochs, batch_size=64, rng=1)

print(model.summary())
print(
    f"after {epochs} epochs: cost {history.train_cost[-1]:.4f}, "
    f"accuracy {history.train_accuracy[-1]:.1%}"
)

# %%
# @alt: Left: training cost per epoch on a log scale, falling from about 0.45 after the first epoch to about 0.04. Right: the decision boundary the network learned on the two moons.
fig, (ax_cost, ax_boundary) = plt.subplots(1, 2, figsize=(9, 3.4))
cost_curves(history, ax=ax_cost, log_scale=True, title="training cost")
decision_boundary(model, X, Y, ax=ax_boundary, resolution=150, title="boundary")
fig.tight_layout()
plt.show()
