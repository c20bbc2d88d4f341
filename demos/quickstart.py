# %% [markdown]
# # Train a small network on the moons
# A 2-16-16-1 network learns to separate two interleaving half-moons.
# Change the learning rate or the number of epochs and press Run.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import moons
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import decision_boundary
from deepnotes.train import fit

lr = 0.01  # @param {min: 0.0001, max: 1, scale: log}
epochs = 50  # @param {min: 5, max: 300, step: 5}

rng = np.random.default_rng(0)
X, Y = moons(m=300, noise=0.2, rng=rng)  # X (300, 2), Y (300, 1)

model = Sequential(
    [
        Dense(2, 16, rng=rng),
        ReLU(),
        Dense(16, 16, rng=rng),
        ReLU(),
        Dense(16, 1, rng=rng),
        Sigmoid(),
    ]
)
history = fit(model, BinaryCrossEntropy(), Adam(lr), X, Y, epochs=epochs, batch_size=32, rng=rng)
print(
    f"after {epochs} epochs: cost {history.train_cost[-1]:.3f}, "
    f"accuracy {history.train_accuracy[-1]:.1%}"
)

# %%
# @alt: Two half-moons on the plane coloured by the predicted class; a curved boundary between them
fig, ax = plt.subplots(figsize=(5, 4))
decision_boundary(model, X, Y, ax=ax, title=f"Decision boundary after {epochs} epochs")
plt.show()
