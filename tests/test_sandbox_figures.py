"""deepnotes.sandbox figure capture: one draw, cut to the tight box, the picture savefig gives.

``figure_png`` replaces ``savefig(bbox_inches="tight")`` (three passes over the figure) by
one draw and a crop. These tests hold it to savefig's picture: the same pixel size (the
page reserves it), nothing clipped, at most a sub-pixel shift of where the crop falls;
and the tick caches it uses while measuring must leave matplotlib as it found it.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import layout_engine
from matplotlib.axis import Axis
from PIL import Image

from deepnotes import sandbox
from deepnotes.sandbox import DPI, PNG_COMPRESS_LEVEL, figure_png, run_code

DEMOS = Path(__file__).resolve().parents[1] / "demos"


def savefig_png(fig: plt.Figure) -> bytes:
    """What the sandbox produced before figure_png (and still does on its general path)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def rgba(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)  # (h, w, 4)


def ink(image: np.ndarray) -> tuple[int, int, int, int]:
    """Bounds (top, left, bottom, right) of the pixels that differ from the corner pixel."""
    rows, cols = np.nonzero(np.abs(image - image[0, 0]).max(axis=2) > 0)
    return rows.min(), cols.min(), rows.max(), cols.max()


def assert_same_picture(png: bytes, reference: bytes) -> None:
    """Same size, same margins around the drawing (so nothing clipped), and the pixels equal
    up to a shift of at most one pixel (the crop starts on a whole pixel)."""
    a, b = rgba(png), rgba(reference)
    assert a.shape == b.shape
    assert np.abs(np.subtract(ink(a), ink(b))).max() <= 1
    best = min(
        (np.abs(np.roll(a, (dy, dx), axis=(0, 1)) - b).max(axis=2)[2:-2, 2:-2] > 64).mean()
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
    )
    assert best < 0.01, f"{best:.1%} of the pixels differ"


def line_figure(**subplots: object) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(5, 3), **subplots)
    x = np.linspace(0, 10, 200)
    ax.plot(x, np.sin(x), label="sin")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    ax.set_title("A line")
    ax.legend()
    return fig


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_a_laid_out_figure_is_cut_out_of_one_drawing():
    fig = line_figure()
    fig.tight_layout()
    reference = savefig_png(fig)
    draws = []
    fig.canvas.mpl_connect("draw_event", draws.append)
    png = figure_png(fig)
    assert len(draws) == 1
    assert_same_picture(png, reference)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"Software" not in png


def test_a_long_label_outside_the_canvas_is_kept_whole():
    # No layout: the long y-label and the tick labels start left of the figure's edge.
    fig = plt.figure(figsize=(4, 3))
    ax = fig.add_axes((0.02, 0.15, 0.9, 0.75))
    ax.plot([0, 1], [0, 1_000_000])
    ax.set_ylabel("a long label that would be clipped", fontsize=14)
    png = figure_png(fig)
    assert_same_picture(png, savefig_png(fig))
    image = rgba(png)
    assert image.shape[1] > 4 * DPI  # wider than the figure: the label is in the PNG
    top, left, bottom, right = ink(image)
    assert left >= 5 and top >= 5  # the padding is there: nothing touches the edge
    assert image.shape[1] - right >= 5 and image.shape[0] - bottom >= 5


def test_a_legend_right_of_the_axes_is_kept_whole():
    fig = line_figure()
    fig.axes[0].legend(bbox_to_anchor=(1.02, 1), loc="upper left", title="a legend outside")
    assert_same_picture(figure_png(fig), savefig_png(fig))


@pytest.mark.parametrize("facecolor", ["white", "#f0e68c"])
def test_constrained_layout_padding_past_the_canvas_is_the_background(facecolor):
    # Constrained layout leaves 3 points at the edges; savefig pads 0.1 inch: the PNG is
    # larger than the figure, the extra margin painted in the figure's colour.
    fig = line_figure(layout="constrained")
    fig.set_facecolor(facecolor)
    png = figure_png(fig)
    assert_same_picture(png, savefig_png(fig))
    image = rgba(png)
    assert image.shape[1] > 5 * DPI
    colour = np.round(np.array(matplotlib.colors.to_rgba(facecolor)) * 255)
    assert (image[:, 0] == colour).all() and (image[0] == colour).all()


def test_transparent_and_framed_figures_match_savefig():
    fig = line_figure(layout="constrained")
    fig.patch.set_visible(False)
    png = figure_png(fig)
    assert_same_picture(png, savefig_png(fig))
    assert (rgba(png)[0, :, 3] == 0).all()
    framed = line_figure(layout="constrained")
    framed.patch.set_linewidth(3)
    framed.patch.set_edgecolor("red")
    assert_same_picture(figure_png(framed), savefig_png(framed))


def test_other_dpi_and_savefig_settings_are_honoured():
    fig = line_figure(dpi=72)
    fig.tight_layout()
    assert figure_png(fig) == savefig_png(fig)
    with matplotlib.rc_context({"savefig.facecolor": "black", "savefig.pad_inches": 0.3}):
        fig = line_figure()
        png = figure_png(fig)
        assert_same_picture(png, savefig_png(fig))
    assert (rgba(png)[0, 0] == [0, 0, 0, 255]).all()


def test_many_kinds_of_axes_measure_the_same_with_the_tick_cache():
    fig, axes = plt.subplots(2, 2, figsize=(7, 5), sharex="col")
    axes[0, 0].semilogy(np.logspace(-9, -1, 20))
    twin = axes[0, 1].twinx()
    twin.plot([0, 1e6])
    axes[0, 1].plot([3, 1])
    image = axes[1, 0].imshow(np.arange(12).reshape(3, 4))
    fig.colorbar(image, ax=axes[1, 0], label="value")
    axes[1, 1].plot([0, 1], [2e-7, 3e-7])  # an offset text above the axis
    fig.suptitle("Four kinds")
    fig.tight_layout()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    plain = fig.get_tightbbox(renderer).extents
    with sandbox._ticks_computed_once():
        cached = fig.get_tightbbox(renderer).extents
    assert list(plain) == list(cached)
    assert_same_picture(figure_png(fig), savefig_png(fig))


def test_layouts_are_the_same_with_the_tick_cache():
    def positions() -> list[tuple[float, ...]]:
        tight = line_figure()
        tight.tight_layout()
        constrained = line_figure(layout="constrained")
        constrained.canvas.draw()
        return [ax.get_position().bounds for f in (tight, constrained) for ax in f.axes]

    plain = positions()
    restore = sandbox._layouts_compute_ticks_once()
    try:
        cached = positions()
    finally:
        restore()
    assert plain == cached


def test_matplotlib_is_left_as_it_was():
    update_ticks = Axis._update_ticks
    engines = (layout_engine.TightLayoutEngine, layout_engine.ConstrainedLayoutEngine)
    executes = [engine.execute for engine in engines]
    code = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nfig.tight_layout()\n"
    assert run_code(code)["error"] is None
    assert run_code(code + "raise ValueError('after the layout')")["error"]
    assert Axis._update_ticks is update_ticks
    assert [engine.execute for engine in engines] == executes


def test_browser_pngs_encode_fast_build_pngs_small():
    import sys

    assert PNG_COMPRESS_LEVEL == (3 if sys.platform == "emscripten" else 6)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ewma_beta", "coarse_to_fine", "grid_vs_random"])
def test_demo_figures_keep_their_size(name):
    """A demo's figures through run_code: the sizes savefig gives them, within a pixel."""
    source = (DEMOS / f"{name}.py").read_text(encoding="utf-8")
    figures = run_code(source, name=name)["figures"]
    expected = []
    original_show = plt.show
    plt.show = lambda *args, **kwargs: None
    try:
        exec(compile(source, name, "exec"), {"__name__": "__main__"})
        for num in plt.get_fignums():
            expected.append(rgba(savefig_png(plt.figure(num))).shape[1::-1])
    finally:
        plt.show = original_show
    sizes = [(f["width"], f["height"]) for f in figures]
    assert len(sizes) == len(expected) >= 1
    for size, reference in zip(sizes, expected, strict=True):
        assert np.abs(np.subtract(size, reference)).max() <= 1
    for figure in figures:
        png = base64.b64decode(figure["png"])
        assert rgba(png).shape[1::-1] == (figure["width"], figure["height"])


def test_animated_artists_are_drawn_as_savefig_draws_them():
    fig = line_figure()
    fig.axes[0].plot([0, 10], [-1, 1], lw=4, color="red", animated=True)
    fig.tight_layout()
    png = figure_png(fig)
    assert_same_picture(png, savefig_png(fig))
    assert not fig.canvas.is_saving()
    red = (rgba(png)[..., :3] == [255, 0, 0]).all(axis=2)
    assert red.sum() > 100


def test_a_wrapper_left_behind_is_replaced_by_matplotlibs_own():
    # A run stopped at the wrong moment could leave a tick cache in place: the next run
    # must put matplotlib's own method back, not the leftover.
    update_ticks = Axis._update_ticks
    execute = layout_engine.TightLayoutEngine.execute
    with sandbox._ticks_computed_once():
        leftover = Axis._update_ticks
    restore = sandbox._layouts_compute_ticks_once()
    leftover_execute = layout_engine.TightLayoutEngine.execute
    try:
        Axis._update_ticks = leftover
        layout_engine.TightLayoutEngine.execute = leftover_execute
        assert run_code("import matplotlib.pyplot as plt\nplt.subplots()[0].tight_layout()")[
            "figures"
        ]
        assert Axis._update_ticks is update_ticks
        assert layout_engine.TightLayoutEngine.execute is execute
    finally:
        restore()
        Axis._update_ticks = update_ticks


def test_ink_at_the_canvas_edge_is_not_cut_by_the_crop():
    # The line's box lies on the canvas (its path is at y = 0), its 6-pixel stroke does
    # not: half of it is drawn below the canvas, where savefig's padded PNG shows it.
    fig = line_figure(layout="constrained")
    fig.add_artist(matplotlib.lines.Line2D([0.2, 0.8], [0, 0], lw=4.5, color="red"))
    png = figure_png(fig)
    assert_same_picture(png, savefig_png(fig))
    red = lambda image: (image[..., :3] == [255, 0, 0]).all(axis=2).sum()  # noqa: E731
    assert red(rgba(png)) == red(rgba(savefig_png(fig))) > 5 * 0.6 * 5 * DPI
