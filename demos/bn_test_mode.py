# %% [markdown]
# # Batch norm: training mode vs test mode
# One BatchNorm layer with 3 features, as if it had been trained (gamma and beta
# set by hand), fed mini-batches from a fixed distribution.

# %%
import textwrap

import matplotlib.pyplot as plt
import numpy as np

from deepnotes.layers import BatchNorm

batch_size = 16  # @param {options: [2, 4, 8, 16, 64, 256]}
momentum = 0.9  # @param {min: 0, max: 0.99, step: 0.01}
steps = 60  # @param {min: 10, max: 300, step: 10}

rng = np.random.default_rng(0)
true_mean = np.array([5.0, -2.0, 0.5])  # what the layer's inputs average to
true_std = np.array([2.0, 0.5, 1.0])

bn = BatchNorm(3, momentum=momentum)
bn.params["gamma"][:] = [2.0, 0.5, 1.0]  # pretend these were learned
bn.params["beta"][:] = [1.0, -1.0, 0.0]

running_means = []
for _ in range(steps):  # "training": each forward pass updates the running averages
    batch = true_mean + true_std * rng.standard_normal((batch_size, 3))
    bn.forward(batch, training=True)
    running_means.append(bn.running_mean.copy())
running_means = np.array(running_means)  # (steps, 3)

# %%
# A batch of ONE example. In training mode its mean is itself and its variance
# is 0, so the layer refuses it.
x = np.array([[6.0, -2.5, 0.0]])  # (1, 3)
try:
    bn.forward(x, training=True)
except ValueError as error:
    message = textwrap.fill(str(error), 70)
    print("training mode refuses it:\n" + textwrap.indent(message, "  "))

# Test mode uses the running averages, so one example is fine:
y_test = bn.forward(x, training=False)
gamma, beta = bn.params["gamma"], bn.params["beta"]
x_norm = (x - bn.running_mean) / np.sqrt(bn.running_var + bn.eps)
y_formula = gamma * x_norm + beta
test_mode_error = float(np.max(np.abs(y_test - y_formula)))
print("test mode output:    ", y_test.round(4))
print("running-stat formula:", y_formula.round(4))
print(f"largest difference:   {test_mode_error:.1e}")

# The same example inside different training batches: a different output each time.
train_outputs = []
for _ in range(200):
    others = true_mean + true_std * rng.standard_normal((batch_size - 1, 3))
    batch = np.vstack([x, others])  # x is row 0
    train_outputs.append(bn.forward(batch, training=True)[0])
train_outputs = np.array(train_outputs)  # (200, 3)
print(f"feature 1 of x in 200 training batches of {batch_size}:")
feature_1 = train_outputs[:, 0]
print(f"  mean {feature_1.mean():.3f}, spread (std) {feature_1.std():.3f}")

# %%
# @alt: Left: the running mean of each of the three features against the training step, starting at 0 and climbing towards the true means shown as dashed lines. Right: histogram of the output for one fixed example inside 200 different training batches, with a vertical line at its single test-mode output.
fig, (ax_run, ax_out) = plt.subplots(1, 2, figsize=(9, 3.4))
for j in range(3):
    ax_run.plot(running_means[:, j], color=f"C{j}", label=f"feature {j + 1}")
    ax_run.axhline(true_mean[j], color=f"C{j}", ls="--", lw=0.8)
ax_run.set_xlabel("training step")
ax_run.set_ylabel("running_mean")
ax_run.set_title(f"running_mean (momentum {momentum}) vs true mean", fontsize=10)
ax_run.legend(fontsize=8)

ax_out.hist(feature_1, bins=30, color="C0", alpha=0.8, label="training mode, 200 batches")
ax_out.axvline(y_test[0, 0], color="C3", lw=2, label="test mode")
ax_out.set_xlabel("BN output for feature 1 of the same example")
ax_out.set_title(f"One example, batch size {batch_size}", fontsize=10)
ax_out.legend(fontsize=8)
fig.tight_layout()
plt.show()
