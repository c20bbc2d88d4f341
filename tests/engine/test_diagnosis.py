"""diagnose(): the course's four cases, Bayes error, validation, printing."""

from __future__ import annotations

import pytest

from deepnotes.diagnosis import RECIPE, Diagnosis, diagnose


@pytest.mark.parametrize(
    ("train", "dev", "bayes", "verdict"),
    [
        (0.01, 0.11, 0.0, "high variance"),
        (0.15, 0.16, 0.0, "high bias"),
        (0.15, 0.30, 0.0, "high bias and high variance"),
        (0.005, 0.01, 0.0, "fine"),
        (0.15, 0.16, 0.15, "fine"),  # blurry images: 15% is as good as it gets
    ],
)
def test_the_course_cases(train, dev, bayes, verdict):
    d = diagnose(train, dev, bayes_error=bayes)
    assert isinstance(d, Diagnosis)
    assert d.verdict == verdict
    assert d.avoidable_bias == pytest.approx(train - bayes)
    assert d.variance == pytest.approx(dev - train)
    assert d.high_bias == ("bias" in verdict)
    assert d.high_variance == ("variance" in verdict)


def test_recipe_follows_the_notes():
    bias = diagnose(0.2, 0.21).recipe
    assert any("bigger network" in step for step in bias)
    assert any("train longer" in step for step in bias)
    variance = diagnose(0.01, 0.2).recipe
    assert any("more" in step and "data" in step for step in variance)
    assert any("regularization" in step for step in variance)
    both = diagnose(0.2, 0.4).recipe
    assert both == RECIPE["high bias"] + RECIPE["high variance"]  # bias first


def test_tolerance_decides_what_is_high():
    assert diagnose(0.05, 0.08).verdict == "high bias and high variance"
    assert diagnose(0.05, 0.08, tolerance=0.1).verdict == "fine"


def test_notes_for_odd_inputs():
    assert any("Bayes" in n for n in diagnose(0.01, 0.02, bayes_error=0.1).notes)
    assert any("dev error is below" in n for n in diagnose(0.2, 0.1, bayes_error=0.2).notes)


def test_str_is_readable():
    text = str(diagnose(0.01, 0.11))
    assert "train error 1.0%, dev error 11.0%" in text
    assert "-> high variance" in text
    assert "next:" in text


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        ((15, 16), ValueError, "looks like a percentage: pass 0.15"),
        ((0.1, 1.5), ValueError, "looks like a percentage"),
        ((-0.1, 0.1), ValueError, r"train_error must be in \[0, 1\]"),
        ((0.1, 200), ValueError, r"dev_error must be in \[0, 1\]"),
        ((0.1, float("nan")), ValueError, "finite"),
        (("0.1", 0.2), TypeError, "train_error"),
        ((0.1, 0.2, 2.0), ValueError, "bayes_error"),
    ],
)
def test_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        diagnose(*args)


def test_a_gap_equal_to_the_tolerance_is_not_high_despite_rounding_noise():
    from deepnotes import diagnose

    d = diagnose(train_error=0.08, dev_error=0.10, bayes_error=0.075)  # 0.1 - 0.08 > 0.02
    assert d.variance == 0.02 and d.avoidable_bias == 0.005
    assert d.verdict == "fine"
