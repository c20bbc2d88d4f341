# %% [markdown]
# # Underfit, just right, overfit
# Three networks of growing capacity learn the same `n_train` noisy half-moon
# points: logistic regression (no hidden layer), one hidden layer of 16 units
# with a touch of L2, and two hidden layers of 64 units trained to fit every
# point. Each panel's title gives the training and dev errors and what
# `deepnotes.diagnose` makes of them.

# %%
import textwrap

import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data, diagnose
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import decision_boundary
from deepnotes.train import evaluate, fit

noise = 0.3  # @param {options: [0.2, 0.25, 0.3, 0.35]}
n_train = 120  # @param {min: 40, max: 1000, step: 20}
rng = np.random.default_rng(0)

X_train, Y_train = data.moons(n_train, noise=noise, rng=rng)
X_dev, Y_dev = data.moons(1000, noise=noise, rng=rng)
# Bayes error of these moons (the best any classifier can do), computed once
# from the known generating process by numerical integration over the
# half-circles.
BAYES_ERROR = {0.2: 0.028, 0.25: 0.056, 0.3: 0.087, 0.35: 0.114}[noise]


def network(hidden, rng):
    """Dense + ReLU for each width in `hidden`, then a sigmoid output unit."""
    layers, n_in = [], 2
    for n_h in hidden:
        layers += [Dense(n_in, n_h, rng=rng), ReLU()]
        n_in = n_h
    return Sequential([*layers, Dense(n_in, 1, rng=rng), Sigmoid()])


# name: (hidden layer widths, lambd). Each network gets its own seeded
# generator.
candidates = {
    "logistic regression": ((), 0.0),
    "16 hidden units, L2 (lambd=1)": ((16,), 1.0),
    "2 x 64 hidden units": ((64, 64), 0.0),
}

loss = BinaryCrossEntropy()
models, results = {}, {}
for name, (hidden, lambd) in candidates.items():
    net_rng = np.random.default_rng(10)
    model = network(hidden, net_rng)
    fit(model, loss, Adam(lr=0.02), X_train, Y_train, epochs=300, lambd=lambd, rng=net_rng)
    train_error = 1 - evaluate(model, loss, X_train, Y_train)[1]
    dev_error = 1 - evaluate(model, loss, X_dev, Y_dev)[1]
    models[name] = model
    results[name] = diagnose(train_error, dev_error, bayes_error=BAYES_ERROR)

# %%
# @alt: Three decision-boundary maps of the same noisy half-moon training points and a bar chart. Logistic regression draws a straight line that misclassifies the tips of both moons: high bias. A small network with L2 follows the moons smoothly: fine. A large network wraps small islands around individual noisy points: high variance. The bars show training and dev error of the three: both about 14% for logistic regression, about 10% and 12% for the small network, 0% and 16% for the large one, against a Bayes error of 8.7%.
fig, axes = plt.subplots(2, 2, figsize=(9, 7.6))
axes = axes.ravel()
for ax, (name, model) in zip(axes[:3], models.items(), strict=True):
    d = results[name]
    decision_boundary(model, X_train, Y_train, ax=ax, resolution=150)
    ax.set_title(f"{name}\n{d.verdict}", fontsize=10)
# Fourth panel: the numbers behind the verdicts.
x = np.arange(len(results))
diagnoses = list(results.values())
axes[3].bar(
    x - 0.18,
    [100 * d.train_error for d in diagnoses],
    width=0.36,
    color="#0072B2",
    label="training",
)
axes[3].bar(
    x + 0.18, [100 * d.dev_error for d in diagnoses], width=0.36, color="#D55E00", label="dev"
)
axes[3].axhline(100 * BAYES_ERROR, color="grey", ls=":", label="Bayes error")
axes[3].set_xticks(x)
axes[3].set_xticklabels(["logistic\nregression", "16 units\n+ L2", "2 x 64\nunits"])
axes[3].set_ylabel("error (%)")
axes[3].set_title(f"{n_train} training points, 1,000 dev points", fontsize=10)
axes[3].legend(fontsize=8)
fig.tight_layout()

for name, d in results.items():
    print(f"== {name}")
    for line in str(d).splitlines():  # the diagnosis, wrapped to fit the page
        print(textwrap.fill(line, 76, subsequent_indent="        "))
plt.show()
