# %% [markdown]
# # A bug that hides at initialization
# The `Tanh` layer below forgets the factor $1 - \tanh^2 z$ in its backward pass.
# With small initial weights every $z$ is close to 0, where that factor is close to 1,
# so the wrong gradient is almost right. The network is checked at initialization and
# again while it trains (each network with its own gradients, right or wrong).

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.data import circles
from deepnotes.gradcheck import gradient_check
from deepnotes.layers import Dense, Sigmoid, Tanh
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.train import fit

init_scale = 0.003  # @param {min: 0.001, max: 1, scale: log}
epochs = 150  # @param {min: 50, max: 1000, step: 50}
check_every = 25
eps = 1e-6  # near the bottom of float64's V (see the eps sweep): less round-off than 1e-7


class ForgetfulTanh(Tanh):
    """tanh whose backward pass forgets the derivative 1 - a**2."""

    def _backward(self, dout):
        return dout  # the bug: should be dout * (1 - a**2)


def build(tanh_class):
    rng = np.random.default_rng(0)  # the same initial weights for both networks
    return Sequential(
        [
            Dense(2, 8, init="random", scale=init_scale, rng=rng),
            tanh_class(),
            Dense(8, 1, init="random", scale=init_scale, rng=rng),
            Sigmoid(),
        ]
    )


X, Y = circles(m=200, noise=0.05, rng=np.random.default_rng(1))
X_check, Y_check = X[:10], Y[:10]
loss = BinaryCrossEntropy()
runs = {}
for name, tanh_class in [("correct Tanh", Tanh), ("ForgetfulTanh (bug)", ForgetfulTanh)]:
    model = build(tanh_class)
    mean_a_init = np.abs(model.layers[1].forward(model.layers[0].forward(X))).mean()
    checked = {0: gradient_check(model, loss, X_check, Y_check, eps=eps)}

    def check(epoch, history, model=model, checked=checked):
        if (epoch + 1) % check_every == 0:
            checked[epoch + 1] = gradient_check(model, loss, X_check, Y_check, eps=eps)

    history = fit(model, loss, Adam(lr=0.05), X, Y, epochs=epochs, callback=check)
    spread = np.abs(model.layers[1].forward(model.layers[0].forward(X))).mean()
    runs[name] = {"checked": checked, "history": history, "mean |a|": (mean_a_init, spread)}

bug = runs["ForgetfulTanh (bug)"]["checked"]
print(f"bug, relative error at initialization: {bug[0]:.1e}")
print(f"bug, relative error after {epochs} epochs: {bug[max(bug)]:.1e}")
print(f"correct, largest relative error seen: {max(runs['correct Tanh']['checked'].values()):.1e}")
a_init, a_trained = runs["ForgetfulTanh (bug)"]["mean |a|"]
print(f"mean |tanh(z)| of the hidden units: {a_init:.4f} at initialization,")
print(f"{a_trained:.2f} after training")

# %%
# @alt: Left, the gradient check's relative error against the training epoch on a log scale. The correct network stays far below 1e-7 throughout. The network with the forgetful tanh starts in the look-closer band, a few times 1e-6 at initialization, and climbs by orders of magnitude to around 1e-1 as training makes its weights grow. Right, the training cost: the correct network learns the circles, the buggy one stays flat at about 0.69.
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
for (name, run), colour in zip(runs.items(), ["C0", "C3"], strict=True):
    checked = run["checked"]
    ax.semilogy(list(checked), list(checked.values()), "o-", ms=3, color=colour, label=name)
    ax2.plot(run["history"].train_cost, color=colour, label=name)
for level, label in [(1e-7, "ok below"), (1e-5, "wrong above")]:
    ax.axhline(level, color="grey", ls="--", lw=0.7)
    ax.text(epochs, level, label, ha="right", va="bottom", fontsize=8)
ax.set_xlabel("epoch")
ax.set_ylabel("gradient check: relative error")
ax.set_title("Checked at initialization and during training", fontsize=10)
ax.legend(fontsize=8)
ax2.set_xlabel("epoch")
ax2.set_ylabel("training cost")
ax2.set_title("Training cost: the bug stalls learning", fontsize=10)
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()
