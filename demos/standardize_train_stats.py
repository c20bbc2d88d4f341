# %% [markdown]
# # Standardize the dev set with the training set's statistics
# A classifier is trained on standardized inputs. Its dev set has a different class
# mix (`dev_positive_fraction` of class 1 instead of half). The dev set is then
# standardized two ways: with the training set's $\mu, \sigma$ (right) and with its
# own (wrong), and the same trained model is evaluated on both.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import Standardizer, blobs
from deepnotes.layers import Dense, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import decision_boundary
from deepnotes.train import accuracy, fit

dev_positive_fraction = 0.9  # @param {min: 0.05, max: 0.95, step: 0.05}
m_dev = 200  # @param {min: 20, max: 1000, step: 20}

rng = np.random.default_rng(3)
units_scale, units_offset = np.array([40.0, 0.5]), np.array([170.0, 3.0])  # raw units


def raw_data(m, rng):
    """Two classes in raw units (feature 1 around 170 +- 40, feature 2 around 3 +- 0.5)."""
    X, Y = blobs(m=m, k=2, std=1.0, spread=2.5, rng=rng)
    return X * units_scale + units_offset, Y


X_train, Y_train = raw_data(400, rng)
X_pool, Y_pool = raw_data(4000, rng)  # the dev set is drawn from here with another class mix
n_pos = round(dev_positive_fraction * m_dev)
positives = np.flatnonzero(Y_pool[:, 0] == 1)[:n_pos]
negatives = np.flatnonzero(Y_pool[:, 0] == 0)[: m_dev - n_pos]
dev = np.concatenate([positives, negatives])
X_dev, Y_dev = X_pool[dev], Y_pool[dev]

scaler = Standardizer().fit(X_train)  # mu and sigma of the training set only
model = Sequential([Dense(2, 1, init="zeros"), Sigmoid()])
fit(
    model,
    BinaryCrossEntropy(),
    Adam(lr=0.05),
    scaler.transform(X_train),
    Y_train,
    epochs=150,
    rng=rng,
)

dev_right = scaler.transform(X_dev)  # the training statistics
dev_wrong = Standardizer().fit_transform(X_dev)  # the dev set's own statistics
loss = BinaryCrossEntropy()
acc_train = accuracy(model, loss, scaler.transform(X_train), Y_train)
acc_right = accuracy(model, loss, dev_right, Y_dev)
acc_wrong = accuracy(model, loss, dev_wrong, Y_dev)

# %%
# @alt: Three scatter plots in standardized coordinates over the same decision boundary. Left, the balanced training set split cleanly by the boundary. Middle, the dev set (mostly class 1) standardized with the training statistics: it sits where the training data sat and is classified almost perfectly. Right, the same dev set standardized with its own statistics: the class-1 cloud has slid toward the centre and many of its points cross the boundary.
fig, axes = plt.subplots(1, 3, figsize=(11, 4.1), sharex=True, sharey=True, layout="constrained")
panels = [
    (scaler.transform(X_train), Y_train, f"training set (accuracy {acc_train:.0%})"),
    (dev_right, Y_dev, f"dev set, training μ and σ ({acc_right:.0%})"),
    (dev_wrong, Y_dev, f"dev set, its own μ and σ ({acc_wrong:.0%})"),
]
for ax, (X, Y, title) in zip(axes, panels, strict=True):
    decision_boundary(model, X, Y, ax=ax, padding=4.0, title=title)
    ax.set_xlim(-3.2, 3.2)
    ax.set_ylim(-3.2, 3.2)
    ax.set_aspect("equal")
    ax.title.set_fontsize(10)

print(f"training mean {np.round(scaler.mean, 2)}, dev mean {np.round(X_dev.mean(axis=0), 2)}")
print(f"dev accuracy, standardized with the training statistics: {acc_right:.1%}")
print(f"dev accuracy, standardized with its own statistics:      {acc_wrong:.1%}")

# One example at a time, as in production: its own mean is itself and its spread is 0,
# so "standardizing it with its own statistics" turns every example into the same zeros.
one = X_dev[:1]
p_wrong = model.predict(Standardizer().fit_transform(one))[0, 0]
p_right = model.predict(scaler.transform(one))[0, 0]
print(f"one example {np.round(one[0], 1)}, standardized ...")
print(f"  with its own statistics: {Standardizer().fit_transform(one)[0]} -> p = {p_wrong:.2f}")
print(f"  with the training statistics -> p = {p_right:.2f}")
plt.show()
