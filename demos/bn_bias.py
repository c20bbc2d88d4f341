# %% [markdown]
# # Why a Dense layer before batch norm needs no bias
# BN subtracts the batch mean of each feature, so a constant b added to every
# example is subtracted right back out: it changes nothing, its gradient is zero.

# %%
import numpy as np

from deepnotes.layers import BatchNorm, Dense
from deepnotes.model import Sequential

bias_scale = 10.0  # @param {min: 0, max: 100, step: 1}

rng = np.random.default_rng(0)
X = rng.standard_normal((32, 3))  # a mini-batch: 32 examples, 3 features
model = Sequential([Dense(3, 4, rng=rng), BatchNorm(4)])

out_b0 = model.forward(X, training=True)  # b = 0 (its initial value)
model.layers[0].params["b"][:] = bias_scale * rng.standard_normal(4)  # any other b
out_b = model.forward(X, training=True)
output_change = float(np.max(np.abs(out_b - out_b0)))
print("b is now", model.layers[0].params["b"].round(2))
print(f"largest change in the BN output: {output_change:.1e}")

dout = rng.standard_normal(out_b.shape)  # any gradient coming from above
model.backward(dout)
db = model.layers[0].grads["b"]
dbeta = model.layers[1].grads["beta"]
max_abs_db = float(np.max(np.abs(db)))
print(f"largest |db|: {max_abs_db:.1e}  (zero up to rounding: b never moves)")
print("dbeta =", dbeta.round(3), " (BN's own shift does the job)")
