"""deepnotes.live: frames recorded in CPython, posted and obeying Stop with a (fake) page bridge."""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import pytest

from deepnotes import data, live
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.train import fit


def small_problem():
    X, Y = data.moons(80, noise=0.2, rng=0)
    rng = np.random.default_rng(1)
    model = Sequential([Dense(2, 8, rng=rng), ReLU(), Dense(8, 1, rng=rng), Sigmoid()])
    return model, X, Y


class FakeBridge(types.ModuleType):
    """Stands in for the worker's `_deepnotes_bridge` JS module."""

    def __init__(self, stop_after: int | None = None) -> None:
        super().__init__("_deepnotes_bridge")
        self.posted: list[tuple[str, dict]] = []
        self.stop_after = stop_after
        self.controls = 0

    def post(self, kind: str, text: str) -> None:
        self.posted.append((kind, json.loads(text)))

    def control(self) -> int:
        self.controls += 1
        if self.stop_after is not None and self.controls >= self.stop_after:
            return live.STOP
        return live.RUN


@pytest.fixture
def bridge(monkeypatch: pytest.MonkeyPatch):
    def install(**kwargs):
        fake = FakeBridge(**kwargs)
        monkeypatch.setitem(sys.modules, "_deepnotes_bridge", fake)
        return fake

    return install


def test_cpython_records_one_frame_per_epoch_without_posting():
    model, X, Y = small_problem()
    watch = live.live_callback("Adam", epochs=12)
    history = fit(model, BinaryCrossEntropy(), Adam(lr=0.05), X, Y, epochs=12, callback=watch)
    assert not live.in_browser()
    assert [f["epoch"] for f in watch.frames] == list(range(12))
    assert [f["cost"] for f in watch.frames] == pytest.approx(history.train_cost, rel=1e-5)
    assert watch.frames[0]["label"] == "Adam" and watch.frames[0]["epochs"] == 12


def test_every_thins_frames_but_keeps_the_last_epoch():
    model, X, Y = small_problem()
    watch = live.live_callback(every=5, epochs=12)
    fit(model, BinaryCrossEntropy(), Adam(lr=0.05), X, Y, epochs=12, callback=watch)
    assert [f["epoch"] for f in watch.frames] == [0, 5, 10, 11]


def test_boundary_grid_has_resolution_squared_probabilities_and_points_once():
    model, X, Y = small_problem()
    watch = live.live_callback(boundary=(model, X, Y), boundary_every=2, resolution=10)
    fit(model, BinaryCrossEntropy(), Adam(lr=0.05), X, Y, epochs=4, callback=watch)
    grids = [f["boundary"] for f in watch.frames if "boundary" in f]
    assert len(grids) == 2  # epochs 0 and 2
    assert len(grids[0]["values"]) == 100 and all(0 <= v <= 1 for v in grids[0]["values"])
    assert len(grids[0]["points"]) == 80 and "points" not in grids[1]
    x0, x1, y0, _y1 = grids[0]["extent"]
    assert x0 < X[:, 0].min() and x1 > X[:, 0].max() and y0 < X[:, 1].min()


def test_in_the_browser_frames_are_posted_as_json(bridge):
    fake = bridge()
    model, X, Y = small_problem()
    watch = live.live_callback("SGD")
    fit(model, BinaryCrossEntropy(), Adam(lr=0.05), X, Y, epochs=3, callback=watch)
    assert live.in_browser()
    assert [kind for kind, _ in fake.posted] == ["live"] * 3
    assert fake.posted[-1][1]["epoch"] == 2 and fake.posted[-1][1]["label"] == "SGD"


def test_stop_from_the_page_ends_fit_early(bridge):
    bridge(stop_after=4)
    model, X, Y = small_problem()
    watch = live.live_callback()
    history = fit(model, BinaryCrossEntropy(), Adam(lr=0.05), X, Y, epochs=50, callback=watch)
    assert len(history.train_cost) == 4 and history.stopped_by_callback and watch.stopped


def test_report_outcome_posts_the_answer(bridge):
    fake = bridge()
    assert live.report_outcome("down") == "down"
    assert fake.posted == [("outcome", {"answer": "down"})]


def test_nan_cost_becomes_null():
    assert live._number(float("nan")) is None and live._number(0.1234567) == 0.123457


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"label": 3}, TypeError, "label must be a str"),
        ({"every": 0}, ValueError, "every must be >= 1"),
        ({"resolution": 500}, ValueError, "resolution must be between 5 and 100"),
        ({"boundary": (1, 2)}, ValueError, r"\(model, X, Y\) triple"),
        ({"boundary": (None, np.zeros((3, 1)), np.zeros(3))}, ValueError, "2-D with >= 2"),
    ],
)
def test_bad_arguments_name_what_is_allowed(kwargs, error, match):
    with pytest.raises(error, match=match):
        live.live_callback(**kwargs)
