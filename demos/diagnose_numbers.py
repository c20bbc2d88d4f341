# %% [markdown]
# # Diagnose your own numbers
# Put in your model's training and dev error and the best achievable error
# (Bayes error, or human-level error as its estimate), all as fractions: 0.08
# for 8%. `deepnotes.diagnose` splits the dev error into its parts and says what
# the basic recipe would try next. The figure compares your model with the four
# classic cases.

# %%
import matplotlib.pyplot as plt
import numpy as np

from deepnotes import diagnose

train_error = 0.08  # @param {min: 0, max: 0.5, step: 0.005}
dev_error = 0.11  # @param {min: 0, max: 0.5, step: 0.005}
bayes_error = 0.075  # @param {min: 0, max: 0.3, step: 0.005}

yours = diagnose(train_error, dev_error, bayes_error=bayes_error)
print(yours)

# The four cases of the course, for a task where people make almost no mistakes.
cases = {
    "your model": yours,
    "train 1%, dev 11%": diagnose(0.01, 0.11),
    "train 15%, dev 16%": diagnose(0.15, 0.16),
    "train 15%, dev 30%": diagnose(0.15, 0.30),
    "train 0.5%, dev 1%": diagnose(0.005, 0.01),
}

# %%
# @alt: Horizontal stacked bars, one per model: your model first, then the four classic cases (1% train and 11% dev error, 15% and 16%, 15% and 30%, 0.5% and 1%). Each bar splits the dev error into Bayes error in grey, avoidable bias in blue and variance in orange, and is labelled with its verdict.
fig, ax = plt.subplots(figsize=(9, 3.6))
names = list(cases)[::-1]  # your model on top
y = np.arange(len(names))
parts = [
    ("Bayes error", [cases[n].bayes_error for n in names], "#BBBBBB"),
    ("avoidable bias", [max(cases[n].avoidable_bias, 0) for n in names], "#0072B2"),
    ("variance", [max(cases[n].variance, 0) for n in names], "#E69F00"),
]
left = np.zeros(len(names))
for label, widths, colour in parts:
    widths = 100 * np.array(widths)
    ax.barh(y, widths, left=left, color=colour, label=label, height=0.6)
    left += widths
for i, n in enumerate(names):
    ax.text(left[i] + 0.5, i, cases[n].verdict, va="center", fontsize=9)
ax.set_yticks(y)
ax.set_yticklabels(names)
ax.set_xlabel("dev error (%) = Bayes error + avoidable bias + variance")
ax.set_xlim(0, max(left) + 22)
ax.legend(fontsize=8, loc="lower right")
ax.set_title("Where the dev error comes from", fontsize=10)
fig.tight_layout()
plt.show()
