# %% [markdown]
# # Sampling on the right scale
# The same number of random learning rates and betas, drawn uniformly on a
# linear scale or on the scale where equal steps mean equal changes.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.tuning import log_uniform, sample_beta

n_samples = 1000  # @param {min: 10, max: 5000, scale: log}
lr_low, lr_high = 1e-4, 1.0
beta_low, beta_high = 0.9, 0.999

rng = np.random.default_rng(0)
lr_linear = rng.uniform(lr_low, lr_high, n_samples)
lr_log = log_uniform(lr_low, lr_high, n_samples, rng=rng)
beta_linear = rng.uniform(beta_low, beta_high, n_samples)
beta_log = sample_beta(beta_low, beta_high, n_samples, rng=rng)

decades = np.array([1e-4, 1e-3, 1e-2, 1e-1, 1.0])
lr_share_linear = np.histogram(lr_linear, decades)[0] / n_samples
lr_share_log = np.histogram(lr_log, decades)[0] / n_samples
# beta averages about 1/(1 - beta) values: 10 for 0.9, 100 for 0.99, ...
windows = np.array([10.0, 100.0, 1000.0])
beta_share_linear = np.histogram(1 / (1 - beta_linear), windows)[0] / n_samples
beta_share_log = np.histogram(1 / (1 - beta_log), windows)[0] / n_samples

# %%
# @alt: Two bar charts. Left: share of learning-rate samples in each decade from 0.0001 to 1, about 90 percent in the last decade for uniform sampling and about 25 percent in each for log sampling. Right: share of beta samples averaging 10 to 100 values versus 100 to 1000 values, about 91 to 9 percent for uniform sampling and 50 to 50 for the 1 - beta log scale.
fig, (ax_lr, ax_beta) = plt.subplots(1, 2, figsize=(9, 3.4))
x = np.arange(4)
ax_lr.bar(x - 0.2, lr_share_linear, 0.4, label="uniform in lr")
ax_lr.bar(x + 0.2, lr_share_log, 0.4, label="uniform in log10(lr)")
ax_lr.set_xticks(x, ["1e-4..1e-3", "1e-3..1e-2", "1e-2..0.1", "0.1..1"])
ax_lr.set_ylabel("share of samples")
ax_lr.set_title("learning rate in [0.0001, 1]")
ax_lr.legend()

x = np.arange(2)
ax_beta.bar(x - 0.2, beta_share_linear, 0.4, label="uniform in beta")
ax_beta.bar(x + 0.2, beta_share_log, 0.4, label="uniform in log10(1 - beta)")
ax_beta.set_xticks(x, ["0.9..0.99\n(10-100 values)", "0.99..0.999\n(100-1000 values)"])
ax_beta.set_title("beta in [0.9, 0.999]")
ax_beta.legend()
fig.tight_layout()

print("share of learning rates per decade (1e-4..1e-3, ..., 0.1..1)")
print("  uniform:    ", np.round(lr_share_linear, 3))
print("  log scale:  ", np.round(lr_share_log, 3))
print("share of betas with window 10-100 / 100-1000 values")
print("  uniform:    ", np.round(beta_share_linear, 3))
print("  1-beta log: ", np.round(beta_share_log, 3))
plt.show()
