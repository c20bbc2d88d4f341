# %% [markdown]
# # The eps sweep: truncation against round-off
# The same *correct* network is checked with $\varepsilon$ from $10^{-1}$ down to
# $10^{-12}$. Left: the relative error of the whole check (`gradient_check`, which
# always computes in float64). Right: the first layer's weights nudged by hand in float64
# and in float32, to see why float32 needs a much larger $\varepsilon$.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.gradcheck import gradient_check
from deepnotes.layers import Dense, Sigmoid, Tanh
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential

hidden = 4  # @param {min: 1, max: 16, step: 1}
course_eps = 1e-7

rng = np.random.default_rng(0)
model = Sequential(
    [
        Dense(3, hidden, init="xavier", rng=rng),
        Tanh(),
        Dense(hidden, 1, init="xavier", rng=rng),
        Sigmoid(),
    ]
)
X = rng.standard_normal((8, 3))
Y = (X[:, :1] > 0).astype(float)  # (8, 1)
loss = BinaryCrossEntropy()

eps_values = np.geomspace(1e-1, 1e-12, 12)
errors = np.array([gradient_check(model, loss, X, Y, eps=eps) for eps in eps_values])
best = eps_values[np.argmin(errors)]

# The first layer's weights nudged by hand, in float64 and in float32 (gradient_check
# itself always converts to float64, because float32 cannot resolve small errors).
loss.forward(model.forward(X), Y)
model.backward(loss.backward())
exact = model.gradients()["0.W"].copy()  # backprop, float64


def nudge_by_hand(dtype, eps):
    """Relative error of the two-sided differences for every entry of W[0], in `dtype`."""
    net = model.astype(dtype)
    W = net.parameters()["0.W"]
    Xd, Yd = X.astype(dtype), Y.astype(dtype)
    approx = np.empty_like(exact)
    for i in np.ndindex(W.shape):
        theta = W[i]
        W[i] = theta + dtype(eps)
        J_plus = loss.forward(net.forward(Xd), Yd)
        W[i] = theta - dtype(eps)
        J_minus = loss.forward(net.forward(Xd), Yd)
        W[i] = theta
        approx[i] = (J_plus - J_minus) / (2 * eps)
    return np.linalg.norm(approx - exact) / (np.linalg.norm(approx) + np.linalg.norm(exact))


by_hand = {
    dtype.__name__: np.array([nudge_by_hand(dtype, e) for e in eps_values])
    for dtype in (np.float64, np.float32)
}
best32 = eps_values[np.argmin(by_hand["float32"])]

# %%
# @alt: Two log-log plots of error against eps. Left, the overall relative error of the gradient check on a correct float64 network forms a V: it falls like eps squared from 1e-1, bottoms out near 1e-5 to 1e-6, then rises like one over eps, passing the course's eps = 1e-7 on the rising side. Right, the same relative error for the first layer's weights nudged by hand: the float64 curve has the same V, while the float32 curve bottoms out near eps = 1e-2 to 1e-3 at a much higher error and is useless (error near 1) by eps = 1e-7.
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax.loglog(eps_values, errors, "o-", color="C0", ms=4, label="gradient_check (float64)")
ax.loglog(
    eps_values,
    errors.min() * (eps_values / best) ** 2,
    "--",
    color="C1",
    lw=1,
    label=r"truncation $\propto \varepsilon^2$",
)
ax.loglog(
    eps_values,
    errors.min() * (best / eps_values),
    ":",
    color="C2",
    lw=1.5,
    label=r"round-off $\propto 1/\varepsilon$",
)
ax.axvline(course_eps, color="grey", lw=1)
ax.text(course_eps, ax.get_ylim()[1], " course's eps", va="top", fontsize=8)
for level, label in [(1e-7, "ok"), (1e-5, "wrong")]:
    ax.axhline(level, color="grey", ls="--", lw=0.7)
    ax.text(1e-1, level, f"{label} ", ha="right", va="bottom", fontsize=8)
ax.set_ylim(errors.min() / 10, 1)
ax.set_xlabel("eps")
ax.set_ylabel("relative error")
ax.set_title("Whole check, correct network", fontsize=10)
ax.legend(fontsize=8, loc="lower left")
ax.invert_xaxis()

for (name, err), colour in zip(by_hand.items(), ["C0", "C3"], strict=True):
    ax2.loglog(eps_values, np.maximum(err, 1e-16), "o-", ms=4, color=colour, label=name)
ax2.axvline(course_eps, color="grey", lw=1)
ax2.set_xlabel("eps")
ax2.set_ylabel("relative error")
ax2.set_title("First layer's weights by hand: float64 vs float32", fontsize=10)
ax2.legend(fontsize=8)
ax2.invert_xaxis()
fig.tight_layout()

at_course = np.argmin(abs(eps_values - course_eps))
print(f"float64 check:   smallest error {errors.min():.1e} at eps = {best:.0e}")
print(f"                 at the course's eps = 1e-7: {errors[at_course]:.1e}")
print(f"float32 by hand: smallest error {by_hand['float32'].min():.1e} at eps = {best32:.0e}")
print(f"                 at the course's eps = 1e-7: {by_hand['float32'][at_course]:.1e}")
plt.show()
