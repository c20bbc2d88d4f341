# %% [markdown]
# # Exponentially weighted averages of a noisy series
# A year of made-up daily temperatures (a seasonal curve plus noise), smoothed with
# `deepnotes.ewma` for three values of $\beta$. The second plot zooms on the first
# weeks, where the zero start $v_0 = 0$ matters, with and without bias correction.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import ewma

beta = 0.98  # @param {min: 0.5, max: 0.995, step: 0.005}
noise = 4.0  # @param {min: 0, max: 10, step: 0.5}

rng = np.random.default_rng(0)
days = np.arange(1, 366)
season = 20 - 8 * np.cos(2 * np.pi * (days - 15) / 365)  # degrees, coldest mid-January
theta = season + noise * rng.standard_normal(days.size)  # one noisy reading per day

betas = [0.5, 0.9, 0.98]
smoothed = {b: ewma(theta, beta=b) for b in betas}  # bias-corrected (the default)
corrected = ewma(theta, beta=beta)
uncorrected = ewma(theta, beta=beta, bias_correction=False)

# %%
# @alt: Daily temperatures over a year as grey dots with three smoothed curves: beta 0.5 follows the noise closely, beta 0.9 is smooth and close to the seasonal curve, beta 0.98 is very smooth but shifted to the right, lagging the seasons by weeks.
fig, ax = plt.subplots(figsize=(10, 3.6))
ax.plot(days, theta, ".", ms=3, color="0.6", label="daily reading")
for b, colour in zip(betas, ["C1", "C2", "C3"], strict=True):
    ax.plot(
        days, smoothed[b], color=colour, lw=1.6, label=f"beta = {b} (about {1 / (1 - b):.0f} days)"
    )
ax.plot(days, season, "k--", lw=1, label="the seasonal curve (unknown in practice)")
ax.set_xlabel("day")
ax.set_ylabel("temperature")
ax.set_title("Larger beta: smoother, but later", fontsize=10)
ax.legend(fontsize=8, ncol=2, loc="upper left")
fig.tight_layout()

# %%
# @alt: The first 60 days only. The readings hover around 12 degrees. The bias-corrected average starts at the first reading and follows the data, while the uncorrected average with the same beta starts near 0 and needs weeks to climb up to the data.
first = 60
fig, ax = plt.subplots(figsize=(10, 3.4))
ax.plot(days[:first], theta[:first], ".", ms=5, color="0.6", label="daily reading")
ax.plot(days[:first], corrected[:first], color="C3", lw=2, label=f"beta = {beta}, corrected")
ax.plot(
    days[:first],
    uncorrected[:first],
    color="C3",
    lw=2,
    ls=":",
    label=f"beta = {beta}, uncorrected ($v_0 = 0$)",
)
ax.axhline(0, color="0.8", lw=0.8)
ax.set_xlabel("day")
ax.set_ylabel("temperature")
ax.set_title("The first weeks: bias correction removes the pull toward 0", fontsize=10)
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()

print(f"first 5 readings:           {np.round(theta[:5], 1)}")
print(f"beta = {beta}, corrected:   {np.round(corrected[:5], 1)}")
print(f"beta = {beta}, uncorrected: {np.round(uncorrected[:5], 2)}")
plt.show()
