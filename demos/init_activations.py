# %% [markdown]
# # Activations and gradients through a deep network, per initializer
# A batch of inputs goes forward through `depth` layers of `width` units, with tanh
# and with ReLU, once per initializer; then a cost's gradient comes back. Top: the
# standard deviation of each layer's activations $A^{[l]}$. Bottom: the size of the
# gradient arriving at each layer from above, $\lVert dA^{[l]} \rVert$. The vertical
# axes are logarithmic, so a straight sloping line is exponential decay.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes.layers import Dense, ReLU, Sigmoid, Tanh
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.plots import activations_per_layer

depth = 15  # @param {min: 2, max: 40, step: 1}
width = 100  # @param {min: 10, max: 500, step: 10}
scale = 0.01  # @param {min: 0.001, max: 2, scale: log}
inits = ["random", "xavier", "he"]  # "glorot" equals "xavier" here: every layer is square

rng = np.random.default_rng(0)
X = rng.standard_normal((256, width))  # (m, width): standardized inputs
Y = (X[:, :1] > 0).astype(float)  # (m, 1), any labels will do
loss = BinaryCrossEntropy()


def build(init, activation):
    rng = np.random.default_rng(1)
    layers = []
    for _ in range(depth):
        layers += [Dense(width, width, init=init, scale=scale, rng=rng), activation()]
    layers += [Dense(width, 1, init=init, scale=scale, rng=rng), Sigmoid()]
    return Sequential(layers)


def measure(init, activation):
    """Std of every hidden activation A[l], norm of dA[l], and norm of every hidden dW[l]."""
    model = build(init, activation)
    outputs = activations_per_layer(model, X)  # every layer's output, in order
    stds = [a.std() for name, a in outputs.items() if activation.__name__ in name]
    loss.forward(model.forward(X), Y)
    dout, dA_norms = loss.backward(), []
    for layer in reversed(model.layers):  # backprop layer by layer to see every dA
        dout = layer.backward(dout)
        if isinstance(layer, Dense):  # dout is now dA of the activation below this layer
            dA_norms.append(np.linalg.norm(dout))
    dA_norms = dA_norms[-2::-1]  # drop dX (below the first layer); order: layer 1 first
    grads = model.gradients()
    dW_norms = [np.linalg.norm(grads[f"{2 * l}.W"]) for l in range(depth)]
    return np.array(stds), np.array(dA_norms), np.array(dW_norms)


results = {(act.__name__, init): measure(init, act) for act in (Tanh, ReLU) for init in inits}
zeros = {act.__name__: measure("zeros", act) for act in (Tanh, ReLU)}

# %%
# @alt: A two by two grid of log-scale line plots against layer number, tanh on the left and ReLU on the right, activation standard deviation on top and the norm of the gradient arriving at each layer below. Small random weights (0.01) fall in a straight line by many orders of magnitude: the activations toward the deep layers, the gradients toward the first layers. With tanh, xavier and he both stay roughly level. With ReLU, he stays level while xavier drifts down by about two orders of magnitude over 15 layers, forward and backward.
fig, axes = plt.subplots(2, 2, figsize=(10, 6.4), sharex=True)
layer_numbers = np.arange(1, depth + 1)
for col, act in enumerate(["Tanh", "ReLU"]):
    for init, colour in zip(inits, ["C3", "C1", "C0"], strict=True):
        stds, dA_norms, _ = results[(act, init)]
        label = f"random ({scale:g})" if init == "random" else init
        axes[0, col].semilogy(
            layer_numbers, np.maximum(stds, 1e-300), "o-", ms=3, color=colour, label=label
        )
        axes[1, col].semilogy(
            layer_numbers, np.maximum(dA_norms, 1e-300), "o-", ms=3, color=colour, label=label
        )
    axes[0, col].set_title(f"{act}: activation std per layer", fontsize=10)
    axes[1, col].set_title(f"{act}: gradient ||dA|| arriving at each layer", fontsize=10)
    axes[1, col].set_xlabel("layer")
axes[0, 0].set_ylabel("std of activations")
axes[1, 0].set_ylabel("||dA||")
axes[0, 0].legend(fontsize=8)
fig.tight_layout()

span = f"layer 1 -> {depth}"
print(f"{'':13}{'activation std':<16}{'||dA||':<16}||dW||")
print(f"{'':13}{span:<16}{span:<16}min .. max")
for act in ["Tanh", "ReLU"]:
    for init in inits:
        stds, dA, dW = results[(act, init)]
        print(
            f"{act:>4} {init:>7} {stds[0]:.0e} -> {stds[-1]:.0e}  {dA[0]:.0e} -> {dA[-1]:.0e}  "
            f"{dW.min():.0e} .. {dW.max():.0e}"
        )
    stds, dA, dW = zeros[act]
    print(f"{act:>4}   zeros all activations {stds.max():.0f}, all hidden dW {dW.max():.0f}")
print("(zeros: only the output layer's bias can learn)")
plt.show()
