# %% [markdown]
# # Where the window and the bias come from
# Unrolled, $v_t = (1-\beta)\sum_{k=0}^{t-1} \beta^k \theta_{t-k}$: the value $k$ steps
# back gets the weight $(1-\beta)\beta^k$. Left: those weights. Right: their running
# total $1-\beta^t$, which is what the uncorrected average is short of, measured here by
# feeding `deepnotes.ewma` a constant series of ones.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import ewma

beta = 0.9  # @param {min: 0.5, max: 0.995, step: 0.005}

betas = sorted({0.5, 0.9, 0.98, beta})
k = np.arange(0, 151)
ones = np.ones(300)
# The uncorrected EWMA of a constant 1 is exactly the total weight 1 - beta^t it has used.
total_weight = {b: ewma(ones, beta=b, bias_correction=False) for b in betas}
corrected = {b: ewma(ones, beta=b) for b in betas}

# %%
# @alt: Left, the weight each past value receives, against how many steps back it is, for several betas on a log scale: straight lines falling faster for small beta, each crossing a third of its starting weight (1/e) at about 1/(1-beta) steps, marked with a dot. Right, the running total of the weights, 1 - beta^t, climbing from 1-beta toward 1: quickly for beta 0.5, after tens of steps for 0.9 and hundreds for 0.98; the bias-corrected average of a constant stays exactly at 1.
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
for i, b in enumerate(betas):
    colour = f"C{i}"
    weights = (1 - b) * b**k
    window = 1 / (1 - b)
    ax.semilogy(
        k,
        weights,
        color=colour,
        lw=2 if b == beta else 1,
        label=f"beta = {b:g}: window 1/(1-beta) = {window:.0f}",
    )
    if window <= k[-1]:
        ax.plot(window, (1 - b) * b**window, "o", color=colour)
    t = np.arange(1, ones.size + 1)
    ax2.plot(t, total_weight[b], color=colour, lw=2 if b == beta else 1, label=f"beta = {b:g}")
ax.set_ylim(1e-5, 1)
ax.set_xlabel("steps back (k)")
ax.set_ylabel("weight (1-beta) beta^k")
ax.set_title("Weights decay by 1/e over about 1/(1-beta) steps", fontsize=10)
ax.legend(fontsize=8)
ax2.plot(t, corrected[beta], "k--", lw=1, label="corrected (any beta): exactly 1")
ax2.set_xscale("log")
ax2.set_xlabel("step t")
ax2.set_ylabel("uncorrected EWMA of a constant 1")
ax2.set_title("The total weight 1 - beta^t: the bias", fontsize=10)
ax2.legend(fontsize=8)
fig.tight_layout()

window = 1 / (1 - beta)
print(f"beta = {beta}: window 1/(1-beta) = {window:.0f} steps")
print(f"beta^(1/(1-beta)) = {beta**window:.3f}, close to 1/e = {np.exp(-1):.3f}")
print("uncorrected average of ones (= 1 - beta^t) and corrected one:")
for t in [1, 2, 5, int(window), int(3 * window)]:
    print(f"  t = {t:4d}: {total_weight[beta][t - 1]:.3f}   {corrected[beta][t - 1]:.3f}")
plt.show()
