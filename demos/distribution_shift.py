# %% [markdown]
# # Web cats, app cats
# The "web" data are two noisy half-moons. The "app" data follow the same
# labelling rule but are seen through another camera: rotated by `shift_degrees`
# and noisier. A network trained on web data is measured on a held-out web set
# (the *train-dev* set) and on app data.

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

shift_degrees = 40  # @param {min: 0, max: 90, step: 5}
app_noise = 0.25  # @param {min: 0.05, max: 0.5, step: 0.05}
n_app_in_train = 0  # @param {min: 0, max: 300, step: 25}
rng = np.random.default_rng(3)

# Web pictures: plenty. Split them into the training set and a train-dev set.
X_web, Y_web = data.moons(600, noise=0.2, rng=rng)
(X_train, Y_train), (X_train_dev, Y_train_dev) = data.split(X_web, Y_web, (0.5, 0.5), rng=rng)

# App pictures: same classes, new camera. Dev and test come from here only.
X_app, Y_app = data.moons(1000 + n_app_in_train, noise=app_noise, rng=rng)
X_app = data.shift(X_app, rotate=shift_degrees)
X_dev, Y_dev = X_app[:1000], Y_app[:1000]
# Optionally move a few app examples into the training set (dev stays pure app).
X_train = np.vstack([X_train, X_app[1000:]])
Y_train = np.vstack([Y_train, Y_app[1000:]])

model = Sequential(
    [
        Dense(2, 32, rng=rng),
        ReLU(),
        Dense(32, 32, rng=rng),
        ReLU(),
        Dense(32, 1, rng=rng),
        Sigmoid(),
    ]
)
loss = BinaryCrossEntropy()
fit(model, loss, Adam(lr=0.01), X_train, Y_train, epochs=300, rng=rng)

train_error = 1 - evaluate(model, loss, X_train, Y_train)[1]
train_dev_error = 1 - evaluate(model, loss, X_train_dev, Y_train_dev)[1]
app_dev_error = 1 - evaluate(model, loss, X_dev, Y_dev)[1]

# %%
# @alt: Three panels. Top left, the learned decision boundary over the web training points, which it separates well. Top right, the same boundary over the rotated app dev points, many of which fall on the wrong side. Below, bars for training, train-dev and app dev error, with the small step from training to train-dev labelled variance and the large step to app dev labelled data mismatch.
fig = plt.figure(figsize=(9, 7))
grid = fig.add_gridspec(2, 2, height_ratios=[1, 0.7])
axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])]
# Both maps show the same region, so that you can see the app points move.
both = np.vstack([X_train, X_dev])
lo, hi = both.min(axis=0) - 0.3, both.max(axis=0) + 0.3
panels = [
    (X_train, Y_train, f"web (train): {train_error:.1%} error"),
    (X_dev, Y_dev, f"app (dev), rotated {shift_degrees}°: {app_dev_error:.1%} error"),
]
for ax, (X_shown, Y_shown, title) in zip(axes[:2], panels, strict=True):
    padding = max(np.max(X_shown.min(axis=0) - lo), np.max(hi - X_shown.max(axis=0)))
    decision_boundary(model, X_shown, Y_shown, ax=ax, padding=padding, title=title)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])

names = ["training", "train-dev\n(web, unseen)", "dev\n(app)"]
errors = [train_error, train_dev_error, app_dev_error]
axes[2].bar(names, [100 * e for e in errors], color=["#0072B2", "#56B4E9", "#D55E00"])
for i, e in enumerate(errors):
    axes[2].text(i, 100 * e + 0.5, f"{e:.1%}", ha="center", fontsize=9)
axes[2].annotate(
    f"variance\n{train_dev_error - train_error:+.1%}",
    xy=(0.5, 100 * train_dev_error + 6),
    ha="center",
    fontsize=8,
)
axes[2].annotate(
    f"data mismatch\n{app_dev_error - train_dev_error:+.1%}",
    xy=(1.5, 100 * app_dev_error + 6),
    ha="center",
    fontsize=8,
)
axes[2].set_ylim(0, max(100 * app_dev_error + 16, 20))
axes[2].set_ylabel("error (%)")
axes[2].set_title("Where the dev error comes from", fontsize=10)
fig.tight_layout()

print(f"training error       {train_error:6.1%}  (web, seen in training)")
print(f"train-dev error      {train_dev_error:6.1%}  (web, unseen): variance")
print(f"app dev error        {app_dev_error:6.1%}  (app, unseen): data mismatch on top")
print(f"app examples in the training set: {n_app_in_train}")
plt.show()
