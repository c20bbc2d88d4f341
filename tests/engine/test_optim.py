"""Each optimizer against its formula written out independently, over many steps."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deepnotes.optim import (
    SGD,
    Adam,
    AdamW,
    GradientOverflow,
    Momentum,
    Nesterov,
    RMSprop,
    clip_gradients,
)
from deepnotes.schedules import exponential

STEPS = 50
SHAPES = {"0.W": (3, 4), "0.b": (3,), "2.W": (1, 3)}


def _random_run(rng: np.random.Generator):
    """Initial parameters and a sequence of random gradients (some large, some tiny)."""
    params = {k: rng.normal(size=s) for k, s in SHAPES.items()}
    grads = [
        {k: rng.normal(size=s) * 10.0 ** rng.uniform(-3, 2) for k, s in SHAPES.items()}
        for _ in range(STEPS)
    ]
    return params, grads


def _run_engine(opt, params, grads_seq):
    W = {k: v.copy() for k, v in params.items()}
    arrays = dict(W)
    for grads in grads_seq:
        opt.step(W, grads)
    for k in W:  # updated in place: still the very same arrays
        assert W[k] is arrays[k]
    return W


def _reference(params, grads_seq, update):
    """Apply ``update(w, g, state, t)`` elementwise, one float at a time (plain loops)."""
    out = {}
    for key, W0 in params.items():
        flat = W0.ravel().tolist()
        result = []
        for i, w in enumerate(flat):
            state: dict[str, float] = {}
            for t, grads in enumerate(grads_seq, start=1):
                w = update(w, float(grads[key].ravel()[i]), state, t)
            result.append(w)
        out[key] = np.array(result).reshape(W0.shape)
    return out


def _check(opt, update, seed=0):
    rng = np.random.default_rng(seed)
    params, grads_seq = _random_run(rng)
    got = _run_engine(opt, params, grads_seq)
    want = _reference(params, grads_seq, update)
    for key in params:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-10, atol=1e-12, err_msg=key)
    assert opt.t == STEPS


def test_sgd_matches_formula():
    lr = 0.03

    def update(w, g, s, t):
        return w - lr * g

    _check(SGD(lr), update)


@pytest.mark.parametrize("beta", [0.0, 0.9, 0.99])
def test_momentum_matches_notes_formula(beta):
    lr = 0.05

    def update(w, g, s, t):
        s["v"] = beta * s.get("v", 0.0) + (1 - beta) * g
        return w - lr * s["v"]

    _check(Momentum(lr, beta=beta), update)


def test_nesterov_matches_lookahead_formula():
    lr, beta = 0.05, 0.9

    def update(w, g, s, t):
        s["v"] = beta * s.get("v", 0.0) + (1 - beta) * g
        return w - lr * (beta * s["v"] + (1 - beta) * g)

    _check(Nesterov(lr, beta=beta), update)


def test_rmsprop_matches_formula():
    lr, beta, eps = 0.01, 0.9, 1e-8

    def update(w, g, s, t):
        s["s"] = beta * s.get("s", 0.0) + (1 - beta) * g * g
        return w - lr * g / (math.sqrt(s["s"]) + eps)

    _check(RMSprop(lr, beta=beta, eps=eps), update)


@pytest.mark.parametrize(("beta1", "beta2"), [(0.9, 0.999), (0.5, 0.9), (0.0, 0.0)])
def test_adam_matches_formula_with_bias_correction(beta1, beta2):
    lr, eps = 0.01, 1e-8

    def update(w, g, s, t):
        s["v"] = beta1 * s.get("v", 0.0) + (1 - beta1) * g
        s["s"] = beta2 * s.get("s", 0.0) + (1 - beta2) * g * g
        v_hat = s["v"] / (1 - beta1**t)
        s_hat = s["s"] / (1 - beta2**t)
        return w - lr * v_hat / (math.sqrt(s_hat) + eps)

    _check(Adam(lr, beta1=beta1, beta2=beta2, eps=eps), update)


def test_adamw_decays_matrices_only():
    lr, beta1, beta2, eps, wd = 0.01, 0.9, 0.999, 1e-8, 0.1
    rng = np.random.default_rng(3)
    params, grads_seq = _random_run(rng)

    def adam_update(decay):
        def update(w, g, s, t):
            s["v"] = beta1 * s.get("v", 0.0) + (1 - beta1) * g
            s["s"] = beta2 * s.get("s", 0.0) + (1 - beta2) * g * g
            v_hat = s["v"] / (1 - beta1**t)
            s_hat = s["s"] / (1 - beta2**t)
            return w - lr * (v_hat / (math.sqrt(s_hat) + eps) + decay * w)

        return update

    got = _run_engine(AdamW(lr, beta1, beta2, eps, weight_decay=wd), params, grads_seq)
    for key in params:
        decay = wd if params[key].ndim >= 2 else 0.0  # biases are not decayed
        want = _reference({key: params[key]}, grads_seq, adam_update(decay))[key]
        np.testing.assert_allclose(got[key], want, rtol=1e-10, atol=1e-12, err_msg=key)


def test_l2_is_not_weight_decay_under_adam():
    """Under Adam an L2 term in the gradient is normalised away; AdamW's decay is not."""
    big_grad = np.array([[100.0, 100.0]])  # weights with a large data gradient
    lambd_over_m = 0.1
    W_plain, W_l2, W_wd = (np.full((1, 2), 5.0) for _ in range(3))
    plain, l2, wd = Adam(lr=0.01), Adam(lr=0.01), AdamW(lr=0.01, weight_decay=lambd_over_m)
    for _ in range(100):
        plain.step({"W": W_plain}, {"W": big_grad.copy()})
        l2.step({"W": W_l2}, {"W": big_grad + lambd_over_m * W_l2})
        wd.step({"W": W_wd}, {"W": big_grad.copy()})
    decay_by_l2 = float(W_plain[0, 0] - W_l2[0, 0])
    decay_by_adamw = float(W_plain[0, 0] - W_wd[0, 0])
    assert decay_by_adamw > 0.3
    assert decay_by_adamw > 100 * abs(decay_by_l2)


def test_state_is_kept_per_key_and_float32_stays_float32():
    opt = Adam(lr=0.1)
    W = np.ones(3, dtype=np.float32)
    b = np.ones(2, dtype=np.float32)
    opt.step({"W": W, "b": b}, {"W": np.ones(3), "b": -np.ones(2)})
    assert W.dtype == np.float32 and b.dtype == np.float32
    assert set(opt.state) == {"W", "b"}
    np.testing.assert_allclose(W, 0.9, rtol=1e-6)
    np.testing.assert_allclose(b, 1.1, rtol=1e-6)


def test_schedule_as_lr_reads_the_epoch():
    opt = SGD(exponential(1.0, base=0.5))
    W = np.zeros(1)
    assert opt.current_lr == 1.0
    opt.set_epoch(3)
    assert opt.current_lr == 0.125
    opt.step({"W": W}, {"W": np.ones(1)})
    assert W[0] == -0.125
    assert "exponential" in repr(opt)


def test_bad_schedule_output_is_refused():
    opt = SGD(lambda epoch: float("nan"))
    with pytest.raises(ValueError, match="schedule"):
        opt.step({"W": np.zeros(1)}, {"W": np.ones(1)})


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: SGD(0), "lr must be > 0"),
        (lambda: SGD(-1.0), "lr must be > 0"),
        (lambda: Momentum(0.1, beta=1.0), r"beta must be in \[0, 1\)"),
        (lambda: RMSprop(0.1, eps=0), "eps must be > 0"),
        (lambda: Adam(beta1=-0.1), "beta1"),
        (lambda: Adam(beta2=1.5), "beta2"),
        (lambda: AdamW(weight_decay=-1), "weight_decay"),
    ],
)
def test_bad_hyperparameters_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_lr_of_wrong_type_raises_type_error():
    with pytest.raises(TypeError, match="lr"):
        SGD("fast")


def test_mismatched_keys_and_shapes_are_named():
    opt = SGD(0.1)
    with pytest.raises(ValueError, match=r"missing in grads: \['b'\]"):
        opt.step({"W": np.zeros(2), "b": np.zeros(1)}, {"W": np.zeros(2)})
    with pytest.raises(ValueError, match=r"grads\['W'\].*\(2,\).*\(3,\)"):
        opt.step({"W": np.zeros(2)}, {"W": np.zeros(3)})
    with pytest.raises(ValueError, match="NaN or inf"):
        opt.step({"W": np.zeros(2)}, {"W": np.array([np.nan, 0.0])})
    with pytest.raises(TypeError, match="floating-point numpy array"):
        opt.step({"W": [0.0, 0.0]}, {"W": np.zeros(2)})
    with pytest.raises(TypeError, match="dicts"):
        opt.step([np.zeros(2)], [np.zeros(2)])
    assert opt.t == 0  # nothing counted for refused steps


def test_repr_shows_hyperparameters():
    assert repr(SGD(0.1)) == "SGD(lr=0.1)"
    assert repr(Momentum(0.1)) == "Momentum(lr=0.1, beta=0.9)"
    assert repr(RMSprop(0.1)) == "RMSprop(lr=0.1, beta=0.999, eps=1e-08)"
    assert repr(AdamW()) == "AdamW(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01)"


def test_set_epoch_validates():
    opt = SGD(0.1)
    with pytest.raises(ValueError, match="epoch"):
        opt.set_epoch(-1)
    with pytest.raises(TypeError, match="epoch"):
        opt.set_epoch(1.5)


def test_clip_gradients_scales_global_norm_in_place():
    rng = np.random.default_rng(0)
    grads = {"W": rng.normal(size=(5, 5)) * 100, "b": rng.normal(size=5)}
    before = {k: v.copy() for k, v in grads.items()}
    norm = clip_gradients(grads, max_norm=2.0)
    expected_norm = math.sqrt(sum(float(np.sum(g**2)) for g in before.values()))
    assert norm == pytest.approx(expected_norm)
    total = math.sqrt(sum(float(np.sum(g**2)) for g in grads.values()))
    assert total == pytest.approx(2.0)
    for k in grads:  # same direction
        np.testing.assert_allclose(grads[k], before[k] * 2.0 / expected_norm)


def test_clip_gradients_leaves_small_gradients_alone():
    grads = {"W": np.array([0.3, 0.4])}
    assert clip_gradients(grads, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(grads["W"], [0.3, 0.4])


def test_clip_gradients_errors():
    with pytest.raises(ValueError, match="max_norm"):
        clip_gradients({"W": np.ones(2)}, 0.0)
    with pytest.raises(ValueError, match="NaN or inf"):
        clip_gradients({"W": np.array([np.inf])}, 1.0)
    with pytest.raises(TypeError, match="grads"):
        clip_gradients([np.ones(2)], 1.0)
    with pytest.raises(TypeError, match="floating-point"):
        clip_gradients({"W": [1.0]}, 1.0)


def test_an_overflowing_step_raises_gradient_overflow():
    W = np.ones(2)
    with pytest.raises(GradientOverflow, match=r"step for params\['W'\] overflowed"):
        SGD(lr=1e300).step({"W": W}, {"W": np.full(2, 1e100)})
    with pytest.raises(GradientOverflow, match=r"\|dW\| = 1e\+200"):
        Adam().step({"W": W}, {"W": np.full(2, 1e200)})
    # Found by hypothesis inside Pyodide: AdamW's decay term times a huge lr overflows on the
    # second step (the first moved W to -4e154); the error names the learning rate.
    W, opt = np.zeros((1, 1)), AdamW(4.24e154, beta1=0.0, beta2=0.0, weight_decay=0.1)
    opt.step({"W": W}, {"W": np.ones((1, 1))})
    with pytest.raises(GradientOverflow, match=r"smaller learning rate than 4\.24e\+154"):
        opt.step({"W": W}, {"W": np.zeros((1, 1))})
    assert issubclass(GradientOverflow, ValueError)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 1e200, -1e200])
def test_a_bad_gradient_anywhere_stops_the_step_before_any_update(bad):
    W, b = np.ones((3, 4)), np.ones(3)
    dW, db = np.full((3, 4), 0.5), np.full(3, 0.5)
    db[1] = bad  # the last key: W would be updated first if the check came late
    problem = r"grads\['b'\] contains (NaN or inf|\|dW\| = 1e\+200)"
    with pytest.raises(GradientOverflow, match=problem):
        Adam(lr=0.1).step({"W": W, "b": b}, {"W": dW, "b": db})
    np.testing.assert_array_equal(W, 1.0)
    np.testing.assert_array_equal(b, 1.0)


@pytest.mark.parametrize("make", [SGD, Momentum, Nesterov, RMSprop, Adam, AdamW])
def test_a_step_changes_only_the_params(make):
    rng = np.random.default_rng(0)
    params = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=3).astype(np.float32)}
    grads = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=3).astype(np.float32)}
    kept = {k: v.copy() for k, v in grads.items()}
    opt = make(lr=0.1)
    for _ in range(3):
        opt.step(params, grads)
    for key in grads:
        np.testing.assert_array_equal(grads[key], kept[key])
        assert params[key].dtype == kept[key].dtype
        for name, slot in opt.state.get(key, {}).items():  # running averages: own arrays
            assert slot.dtype == params[key].dtype, name
            assert not np.shares_memory(slot, grads[key])
            assert not np.shares_memory(slot, params[key])
