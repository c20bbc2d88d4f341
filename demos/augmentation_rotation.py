# %% [markdown]
# # Data augmentation on circles
# On the *circles* data set the label depends only on the distance from the
# centre, so rotating a point about the centre never changes its label. We train
# the same network on `n_train` points as they are, and on the same points plus
# `copies` augmented copies of each: rotated by a random angle (if `rotate`) and
# moved by a little Gaussian `jitter`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import decision_boundary
from deepnotes.train import evaluate, fit

n_train = 16  # @param {min: 6, max: 200, step: 2}
copies = 15  # @param {min: 1, max: 50, step: 1}
rotate = True  # @param {options: [True, False]}
jitter = 0.05  # @param {min: 0, max: 0.3, step: 0.01}
rng = np.random.default_rng(2)

X_train, Y_train = data.circles(n_train, noise=0.1, rng=rng)
X_dev, Y_dev = data.circles(1000, noise=0.1, rng=rng)

# Augmented training set: the originals plus `copies` transformed copies of all
# of them.
X_parts, Y_parts = [X_train], [Y_train]
for _ in range(copies):
    angle = rng.uniform(0, 360) if rotate else 0.0  # one random angle per copy
    X_copy = data.shift(X_train, rotate=angle) + jitter * rng.standard_normal(X_train.shape)
    X_parts.append(X_copy)
    Y_parts.append(Y_train)  # the labels do not change: that is the point
X_augmented, Y_augmented = np.vstack(X_parts), np.vstack(Y_parts)

loss = BinaryCrossEntropy()


def train(X, Y):
    net_rng = np.random.default_rng(10)  # same initial weights for both runs
    model = Sequential(
        [
            Dense(2, 32, rng=net_rng),
            ReLU(),
            Dense(32, 32, rng=net_rng),
            ReLU(),
            Dense(32, 1, rng=net_rng),
            Sigmoid(),
        ]
    )
    fit(model, loss, Adam(lr=0.02), X, Y, epochs=200, rng=net_rng)
    return model, 1 - evaluate(model, loss, X_dev, Y_dev)[1]


model_plain, dev_error_plain = train(X_train, Y_train)
model_augmented, dev_error_augmented = train(X_augmented, Y_augmented)

# %%
# @alt: Two decision-boundary maps. Left, a network trained on 16 circle points draws a lopsided region that cuts into the outer ring. Right, trained on the same points plus rotated, jittered copies (shown faint), it draws a round inner region that matches the circles, and its dev error is much lower.
fig, axes = plt.subplots(1, 2, figsize=(9, 4.3))
view = 1.6  # both maps show the square [-1.6, 1.6]^2
padding = max(np.max(X_train.min(axis=0) + view), np.max(view - X_train.max(axis=0)))
decision_boundary(model_plain, X_train, Y_train, ax=axes[0], resolution=150, padding=padding)
axes[0].set_title(f"{n_train} original points\ndev error {dev_error_plain:.1%}", fontsize=10)
decision_boundary(model_augmented, X_train, Y_train, ax=axes[1], resolution=150, padding=padding)
axes[1].scatter(
    X_augmented[n_train:, 0],
    X_augmented[n_train:, 1],
    s=4,
    alpha=0.35,
    c=np.where(Y_augmented[n_train:, 0] == 1, "#E69F00", "#0072B2"),
)
kind = "rotated + jittered" if rotate else "jittered"
axes[1].set_title(
    f"+ {copies * n_train} {kind} copies (faint)\ndev error {dev_error_augmented:.1%}", fontsize=10
)
for ax in axes:
    ax.set_xlim(-view, view)
    ax.set_ylim(-view, view)
    ax.set_aspect("equal")
fig.tight_layout()

print(f"dev error, {n_train} original points:          {dev_error_plain:.1%}")
print(f"dev error, with {copies} augmented copies each: {dev_error_augmented:.1%}")
print(f"dev gain from augmentation:              {dev_error_plain - dev_error_augmented:+.1%}")
plt.show()
