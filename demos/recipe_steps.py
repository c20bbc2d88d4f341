# %% [markdown]
# # The basic recipe, one step at a time
# We start from a network that is far too small for noisy half-moons and let the
# recipe drive: train, diagnose with `deepnotes.diagnose` (Bayes error of this
# data set: 8.7%), apply the fix the diagnosis calls for, and repeat until the
# verdict is "fine". Bias first: fix the fit on the training set before worrying
# about the dev set.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data, diagnose
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.train import evaluate, fit

bias_fix = "bigger network"  # @param {options: ["bigger network", "more data", "L2"]}
n_available = 480  # @param {min: 120, max: 1200, step: 60}
BAYES_ERROR = 0.087  # moons with noise 0.3 (computed from the generating process)
rng = np.random.default_rng(1)

X_all, Y_all = data.moons(max(n_available, 120), noise=0.3, rng=rng)
X_dev, Y_dev = data.moons(1000, noise=0.3, rng=rng)
loss = BinaryCrossEntropy()


def train_and_diagnose(hidden, lambd, n_train, epochs):
    """Train a ReLU network with hidden layers `hidden`; return its diagnosis."""
    net_rng = np.random.default_rng(10)
    layers, n_in = [], 2
    for n_h in hidden:
        layers += [Dense(n_in, n_h, rng=net_rng), ReLU()]
        n_in = n_h
    model = Sequential([*layers, Dense(n_in, 1, rng=net_rng), Sigmoid()])
    X, Y = X_all[:n_train], Y_all[:n_train]
    fit(model, loss, Adam(lr=0.02), X, Y, epochs=epochs, lambd=lambd, rng=net_rng)
    train_error = 1 - evaluate(model, loss, X, Y)[1]
    dev_error = 1 - evaluate(model, loss, X_dev, Y_dev)[1]
    return diagnose(train_error, dev_error, bayes_error=BAYES_ERROR)


def apply_fix(fix, setup):
    """Return the changed setup and a description, or (None, why) if the fix is used up."""
    if fix == "bigger network":
        if setup["hidden"] == (32, 32):
            return None, "network already as big as we allow"
        return {**setup, "hidden": (32, 32), "epochs": 250}, "bigger network, train longer"
    if fix == "more data":
        if setup["n_train"] >= n_available:
            return None, "no more data available"
        return {**setup, "n_train": n_available}, f"more data ({n_available} examples)"
    if setup["lambd"] >= 3:
        return None, "L2 already strong"
    lambd = 1.0 if setup["lambd"] == 0 else 3 * setup["lambd"]
    return {**setup, "lambd": lambd}, f"L2 regularization (lambd={lambd:g})"


setup = {"hidden": (2,), "lambd": 0.0, "n_train": 120, "epochs": 100}
change = "start: 2 hidden units, 120 examples"
steps = []
for _ in range(5):
    d = train_and_diagnose(**setup)
    steps.append((change, d))
    print(f"step {len(steps)}: {change}")
    print(f"   train {d.train_error:.1%}, dev {d.dev_error:.1%} -> {d.verdict}")
    if d.verdict == "fine":
        print("   done: measure once on the test set")
        break
    if d.high_bias:  # bias first
        fix = bias_fix
    else:  # variance: more data while there is some, then regularization
        fix = "more data" if setup["n_train"] < n_available else "L2"
    new_setup, change = apply_fix(fix, setup)
    if new_setup is None:
        print(f"   stuck: {change}")
        break
    print(f"   {d.verdict} -> {change}")
    setup = new_setup

# %%
# @alt: Grouped bars of training and dev error for each step of the recipe, with the Bayes error as a dotted line and the verdict above each pair. The first network has high bias; after the bigger network the training error drops to almost zero but the dev error stays high (high variance); more data and then L2 bring the dev error down towards the Bayes error.
fig, ax = plt.subplots(figsize=(9, 4.2))
x = np.arange(len(steps))
train_errors = [100 * d.train_error for _, d in steps]
dev_errors = [100 * d.dev_error for _, d in steps]
ax.bar(x - 0.18, train_errors, width=0.36, color="#0072B2", label="training error")
ax.bar(x + 0.18, dev_errors, width=0.36, color="#D55E00", label="dev error")
ax.axhline(100 * BAYES_ERROR, color="grey", ls=":", label="Bayes error")
for i, (_, d) in enumerate(steps):
    ax.text(i, max(train_errors[i], dev_errors[i]) + 0.8, d.verdict, ha="center", fontsize=8)
ax.set_xticks(x)
ax.set_xticklabels([f"{i + 1}. {what}" for i, (what, _) in enumerate(steps)], fontsize=8)
ax.set_ylabel("error (%)")
ax.set_ylim(0, max(dev_errors + train_errors) + 6)
ax.legend(fontsize=8, loc="upper right")
ax.set_title(f"Diagnose, fix, diagnose again (bias fix: {bias_fix})", fontsize=10)
fig.tight_layout()
plt.show()
