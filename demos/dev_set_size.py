# %% [markdown]
# # How many dev examples do you need?
# A model with true error `true_error` is measured on many random dev sets of
# each size. Left: how much the measured error wobbles. Right: how often a dev
# set ranks it ahead of a model that is worse by `gap`. Last: the split sizes
# `deepnotes.data.split` gives.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from deepnotes import data

true_error = 0.10  # @param {min: 0.01, max: 0.5, step: 0.01}
gap = 0.01  # @param {min: 0.001, max: 0.05, step: 0.001}
n_dev_sets = 1000  # @param {min: 100, max: 5000, step: 100}
rng = np.random.default_rng(0)

dev_sizes = np.array([100, 300, 1_000, 3_000, 10_000, 30_000])
sizes = dev_sizes[:, None]  # (6, 1): one row per dev-set size

# Each dev example is misclassified with probability true_error, so the number
# of mistakes on n examples is binomial. measured[i, k] = error measured on dev
# set k of size i.
measured = rng.binomial(sizes, true_error, (len(dev_sizes), n_dev_sets)) / sizes
standard_error = np.sqrt(true_error * (1 - true_error) / dev_sizes)
spread = measured.std(axis=1)  # the wobble we observe, one value per size

# A second model that is worse by `gap`, measured on its own dev sets. How often
# does the dev set rank the better model first? (Ties count as half right.)
worse = rng.binomial(sizes, true_error + gap, (len(dev_sizes), n_dev_sets)) / sizes
p_correct = np.mean(measured < worse, axis=1) + 0.5 * np.mean(measured == worse, axis=1)
se_difference = np.sqrt(
    (true_error * (1 - true_error) + (true_error + gap) * (1 - true_error - gap)) / dev_sizes
)
p_correct_formula = [0.5 * (1 + math.erf(gap / s / math.sqrt(2))) for s in se_difference]

# %%
# @alt: Left, for six dev-set sizes from 100 to 30,000 on a log axis, a cloud of measured error rates around the true 10% that narrows as the size grows, with the plus or minus 1.96 standard error band. Right, the fraction of dev sets that rank the better of two models first, rising from about 0.6 at 100 examples to nearly 1 at 10,000.
fig, (ax_left, ax_right) = plt.subplots(1, 2, figsize=(9, 3.8))
jitter = np.exp(rng.uniform(-0.12, 0.12, n_dev_sets))  # spread the dots sideways a little
for n, errors in zip(dev_sizes, measured, strict=True):
    ax_left.scatter(n * jitter, 100 * errors, s=2, alpha=0.15, color="#0072B2")
ax_left.plot(dev_sizes, 100 * (true_error + 1.96 * standard_error), "k--", lw=1, label="±1.96 SE")
ax_left.plot(dev_sizes, 100 * (true_error - 1.96 * standard_error), "k--", lw=1)
ax_left.axhline(100 * true_error, color="#D55E00", lw=1.2, label=f"true error {true_error:.0%}")
ax_left.set_xscale("log")
ax_left.set_xlabel("dev-set size n")
ax_left.set_ylabel("measured dev error (%)")
ax_left.set_title(f"The same model, measured on {n_dev_sets:,} dev sets per size", fontsize=10)
ax_left.legend(fontsize=8)

ax_right.plot(dev_sizes, p_correct, "o-", color="#0072B2", label="simulated")
ax_right.plot(dev_sizes, p_correct_formula, "--", color="#E69F00", label="normal approximation")
ax_right.axhline(0.95, color="grey", lw=0.8, ls=":")
ax_right.set_xscale("log")
ax_right.set_ylim(0.45, 1.02)
ax_right.set_xlabel("dev-set size n")
ax_right.set_ylabel("P(better model ranked first)")
ax_right.set_title(f"Telling {true_error:.1%} from {true_error + gap:.1%} error apart", fontsize=10)
ax_right.legend(fontsize=8, loc="lower right")
fig.tight_layout()

# %%
print("dev size   standard error   observed spread   P(correct ranking)")
for n, se, s, p in zip(dev_sizes, standard_error, spread, p_correct, strict=True):
    print(f"{n:8,d}   {se:14.2%}   {s:15.2%}   {p:18.2f}")

# The same rules of thumb with deepnotes.data.split (only the sizes matter
# here).
print()
for m, fractions in [(1_000, (0.6, 0.2, 0.2)), (1_000_000, (0.98, 0.01, 0.01))]:
    X, Y = np.zeros((m, 1)), np.zeros((m, 1))
    parts = data.split(X, Y, fractions, rng=rng)
    train_size, dev_size, test_size = (len(part_Y) for _, part_Y in parts)
    dev_se = math.sqrt(true_error * (1 - true_error) / dev_size)
    print(f"m = {m:,} examples, split {fractions}:")
    print(f"   train {train_size:,}, dev {dev_size:,}, test {test_size:,}")
    print(f"   standard error of the dev error: {dev_se:.2%}")
plt.show()
