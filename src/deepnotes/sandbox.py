"""Run a learner's code like a notebook cell and return what it printed and drew.

One function, :func:`run_code`, is used twice with the same result format:
at build time (CPython, in a subprocess per demo) to pre-render each demo's
output into the page, and in the browser's Web Worker (Pyodide) when the
reader presses Run. So the page shows the same thing before and after a run.

How figures are captured (the simplest approach that survives user code):

* ``MPLBACKEND=agg`` is put in the environment before the code runs, so a
  matplotlib imported by the code starts on the non-interactive Agg backend
  (the DOM backends do not work in a worker). If matplotlib was already
  imported (an earlier run), the backend is switched to Agg instead.
* ``matplotlib.pyplot`` is imported **only if the code imports it** (it costs
  1-2 s in Pyodide). A small import hook (a ``sys.meta_path`` finder) patches
  ``pyplot.show`` right after pyplot is first imported; when pyplot is already
  loaded the patch is applied directly. The patched ``show`` encodes every
  open figure and closes it, so each figure appears once, in order, and
  several ``plt.show()`` calls give several figures. ``matplotlib.use(...)``
  in the code does not undo the patch (``pyplot.show`` stays ours).
* After the run, figures still open are collected too, then ``pyplot.show``
  is restored and the hook removed.

Figures are PNG (dpi 100, tight bounding box, no version metadata so the bytes
do not change between matplotlib versions), base64-encoded, with their pixel
size and an alt text: the ``# @alt: ...`` comment lines of the source, in
figure order, or else the figure's suptitle/axes titles. A figure is drawn once
and cut to its tight bounding box ([`figure_png`][deepnotes.sandbox.figure_png]):
the picture ``savefig(bbox_inches="tight")`` gives, in two passes over the figure
instead of three. While a figure is measured (and while ``tight_layout`` or
constrained layout measure it) each axis's ticks are computed once, not once per
spine, label and title.
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import functools
import importlib.abc
import io
import linecache
import os
import re
import sys
import time
import traceback
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "DPI",
    "OUTPUT_EAGER_WRITES",
    "OUTPUT_INTERVAL_S",
    "PNG_COMPRESS_LEVEL",
    "alt_texts",
    "figure_png",
    "run_code",
]

_ALT_LINE = re.compile(r"^\s*#\s*@alt:\s*(.*?)\s*$")
_PYPLOT = "matplotlib.pyplot"


def alt_texts(source: str) -> list[str]:
    """Return the ``# @alt: ...`` texts of ``source``, in order (one per figure).

    Examples
    --------
    >>> alt_texts("# @alt: Cost falls with epochs\\nx = 1\\n  #  @alt:  Boundary  \\n")
    ['Cost falls with epochs', 'Boundary']
    """
    texts = []
    for line in source.splitlines():
        match = _ALT_LINE.match(line)
        if match and match.group(1):
            texts.append(match.group(1))
    return texts


OUTPUT_EAGER_WRITES = 200
"""``run_code(on_output=...)`` hears of each of the first this many writes at once (the few
prints of a program that then hangs are what its reader needs to see) ..."""

OUTPUT_INTERVAL_S = 0.25
"""... and of later ones at most this often (seconds), so a flood of prints costs few calls."""


class _CappedText(io.TextIOBase):
    """A text stream keeping at most ``limit`` characters (shared by stdout and stderr).

    With ``on_output``, the text kept since the last call is passed on while the code runs:
    at each of the first ``OUTPUT_EAGER_WRITES`` writes, later at a write once
    ``OUTPUT_INTERVAL_S`` has passed since the last call.
    """

    def __init__(self, limit: int, on_output: Callable[[str], object] | None = None) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False
        self.on_output = on_output
        self.passed_on = 0  # parts already given to on_output
        self.passed_at = time.monotonic()
        self.writes = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.limit - self.size
        if len(text) > room:
            self.truncated = True
            text = text[: max(room, 0)]
        if text:
            self.parts.append(text)
            self.size += len(text)
            self.writes += 1
            if self.on_output is not None and (
                self.writes <= OUTPUT_EAGER_WRITES
                or time.monotonic() - self.passed_at >= OUTPUT_INTERVAL_S
            ):
                self.pass_on()
        return len(text)

    def pass_on(self) -> None:
        """Give ``on_output`` the text kept since its last call."""
        new = "".join(self.parts[self.passed_on :])
        self.passed_on = len(self.parts)
        self.passed_at = time.monotonic()
        if new:
            self.on_output(new)

    def getvalue(self) -> str:
        return "".join(self.parts)


class _Run:
    """State of one run: captured figures, alt texts, notes."""

    def __init__(self, source: str, max_figures: int) -> None:
        self.alts = alt_texts(source)
        self.max_figures = max_figures
        self.figures: list[dict[str, Any]] = []
        self.dropped = 0
        self.figure_errors: list[str] = []

    def capture_open_figures(self, plt: Any) -> None:
        """Encode every open pyplot figure (in creation order) and close it."""
        for num in plt.get_fignums():
            fig = plt.figure(num)
            try:
                if len(self.figures) >= self.max_figures:
                    self.dropped += 1
                else:
                    self.figures.append(self._encode(fig))
            except Exception as exc:  # a broken artist must not lose the other figures
                self.figure_errors.append(
                    f"Figure {len(self.figures) + self.dropped + 1} could not be drawn: "
                    f"{type(exc).__name__}: {exc}"
                )
            finally:
                plt.close(fig)

    def _encode(self, fig: Any) -> dict[str, Any]:
        png = figure_png(fig)
        width = int.from_bytes(png[16:20], "big")
        height = int.from_bytes(png[20:24], "big")
        index = len(self.figures)
        alt = self.alts[index] if index < len(self.alts) else _describe_figure(fig, index)
        return {
            "png": base64.b64encode(png).decode("ascii"),
            "alt": alt,
            "width": width,
            "height": height,
        }


DPI = 100
"""Figures are drawn at this dpi (``savefig(dpi=...)``); the page reserves their pixel size."""

PNG_COMPRESS_LEVEL = 3 if sys.platform == "emscripten" else 6
"""zlib level of the PNGs.

At build time a figure is a file the site serves: Pillow's default, 6. In the browser
(Pyodide) it never crosses the network (the worker hands it to the page as a data URL):
level 3 encodes in 10-15 ms less per figure, for 5-20 % more bytes.
"""

_EDGE_BAND = 2  # pixels along a canvas edge that must be background for the crop to pass it


def figure_png(fig: Any) -> bytes:
    """PNG bytes of ``fig`` at [`DPI`][deepnotes.sandbox.DPI], cropped to its tight bounding box.

    What ``fig.savefig(format="png", dpi=DPI, bbox_inches="tight")`` gives, in two passes
    over the figure instead of three: ``savefig`` lays the figure out with a draw that
    renders nothing, measures the tight box, then draws again into a canvas of that size.
    Here the figure is drawn once, at its own size, the tight box is measured on that
    drawing, and the PNG is cut out of the drawn pixels. Where the padded box reaches past
    the canvas (the padding, not the content) that margin is the figure's flat background
    colour, as ``savefig`` paints it, provided nothing is drawn along that edge of the
    canvas (its two outermost pixels are background) and the content's box overhangs it by
    at most a pixel (the blank edge of a text's box). Content drawn outside the canvas (a legend
    placed right of the figure, a label cut by the edge) cannot be cut out of it: such
    figures, and figures whose savefig settings this shortcut does not reproduce
    (another dpi, a frame line, ``savefig.*`` rcParams changed), go through ``savefig``.

    The result can differ from ``savefig``'s by under a pixel in where the crop falls
    (the crop starts on a whole pixel; ``savefig`` shifts the drawing by the fraction).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (any backend; only Agg canvases take the one-draw path).

    Returns
    -------
    bytes
        A PNG without a ``Software`` text chunk (stable bytes across matplotlib versions).

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(4, 3))
    >>> canvas = FigureCanvasAgg(fig)
    >>> label = fig.add_subplot().set_ylabel("cost")
    >>> png = figure_png(fig)
    >>> png[1:4], int.from_bytes(png[16:20], "big") < 4 * DPI  # width: cropped
    (b'PNG', True)
    """
    import matplotlib as mpl
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    rc = mpl.rcParams
    pad = rc["savefig.pad_inches"]
    if (
        not isinstance(fig.canvas, FigureCanvasAgg)
        or fig.dpi != DPI
        or rc["savefig.transparent"]
        or any(rc[f"savefig.{key}"] != "auto" for key in ("facecolor", "edgecolor"))
        or isinstance(pad, str)
    ):
        return _savefig_png(fig, "tight")
    canvas = fig.canvas
    saving = canvas.is_saving()
    canvas._is_saving = True  # as in savefig: animated artists are drawn too
    try:
        canvas.draw()  # runs the figure's layout engine too, as savefig's first draw does
    finally:
        canvas._is_saving = saving
    renderer = canvas.get_renderer()
    with _ticks_computed_once():
        content = fig.get_tightbbox(renderer)  # inches
    if content is None or not np.all(np.isfinite(content.extents)):
        return _savefig_png(fig, "tight")
    box = content.padded(pad)
    pixels = np.asarray(renderer.buffer_rgba())  # (H, W, 4), row 0 at the top
    height, width = pixels.shape[:2]
    w, h = _whole_pixels(box.width * DPI), _whole_pixels(box.height * DPI)
    left = round(box.x0 * DPI)
    top = round(height - box.y0 * DPI - h)
    if left >= 0 and top >= 0 and left + w <= width and top + h <= height:
        crop = np.ascontiguousarray(pixels[top : top + h, left : left + w])
    else:
        fill = _background(fig)
        x0, y0, x1, y1 = (v * DPI for v in content.extents)
        overhang = max(-x0, -y0, x1 - width, y1 - height)  # content past the canvas, pixels
        edges = [  # the drawn pixels along each canvas edge the crop reaches past
            pixels[:, :_EDGE_BAND] if left < 0 else None,
            pixels[:_EDGE_BAND] if top < 0 else None,
            pixels[:, -_EDGE_BAND:] if left + w > width else None,
            pixels[-_EDGE_BAND:] if top + h > height else None,
        ]
        drawn_at_edge = any(edge is not None and (edge != fill).any() for edge in edges)
        if fill is None or overhang > 1 or drawn_at_edge:
            return _savefig_png(fig, box)
        crop = np.empty((h, w, 4), np.uint8)  # (h, w, RGBA)
        crop[...] = fill
        rows = slice(max(top, 0), min(top + h, height))
        cols = slice(max(left, 0), min(left + w, width))
        crop[rows.start - top : rows.stop - top, cols.start - left : cols.stop - left] = pixels[
            rows, cols
        ]
    buffer = io.BytesIO()
    mpl.image.imsave(
        buffer,
        memoryview(crop),
        format="png",
        dpi=DPI,
        metadata={"Software": None},
        pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL},
    )
    return buffer.getvalue()


@contextlib.contextmanager
def _ticks_computed_once() -> Iterator[None]:
    """Compute each axis's ticks once while a drawn figure is measured.

    ``Figure.get_tightbbox`` recomputes an axis's ticks (locator, formatter, tick
    positions) from every spine, label and title it measures: a dozen times per axis, a
    third of the measuring in Pyodide's matplotlib 3.8. Nothing changes a drawn figure
    while it is measured, so the first result per axis (and axes position and view
    limits, for safety) is reused. ``Axis._update_ticks`` is private: without it (another
    matplotlib) the figure is measured as it is.
    """
    from matplotlib.axis import Axis

    original = _unpatched(Axis.__dict__.get("_update_ticks"))
    if original is None:
        yield
        return
    computed: dict[tuple[Any, ...], tuple[Any, list[Any]]] = {}

    def update_ticks(axis: Any) -> list[Any]:
        key = (id(axis), axis.axes.bbox.bounds, tuple(axis.get_view_interval()))
        if key not in computed:
            computed[key] = (axis, original(axis))  # the axis kept alive: its id stays its own
        return list(computed[key][1])

    update_ticks._deepnotes_original = original  # type: ignore[attr-defined]
    Axis._update_ticks = update_ticks
    try:
        yield
    finally:
        Axis._update_ticks = original


def _layouts_compute_ticks_once() -> Callable[[], None]:
    """Run the tight and constrained layout engines under ``_ticks_computed_once``.

    ``fig.tight_layout()`` measures every axes (as ``Figure.get_tightbbox`` does) before it
    moves any; constrained layout measures, moves the axes, and measures again (the axes
    position is part of the key, so a moved axis gets its ticks anew). The engines' results
    are unchanged; returns the function that puts the original ``execute`` methods back.
    """
    from matplotlib import layout_engine

    originals = []
    for engine in (layout_engine.TightLayoutEngine, layout_engine.ConstrainedLayoutEngine):
        original = _unpatched(engine.__dict__.get("execute"))
        if original is None:
            continue

        @functools.wraps(original)
        def execute(self: Any, fig: Any, _original: Any = original) -> Any:
            with _ticks_computed_once():
                return _original(self, fig)

        execute._deepnotes_original = original  # type: ignore[attr-defined]
        engine.execute = execute
        originals.append((engine, original))

    def restore() -> None:
        for engine, original in originals:
            engine.execute = original

    return restore


def _unpatched(function: Any) -> Any:
    """``function`` itself, or the matplotlib function under our wrapper(s) of it.

    A wrapper left in place (a run stopped inside the ``finally`` that removes it) is
    never wrapped again: the next run wraps, and puts back, matplotlib's own function.
    """
    while hasattr(function, "_deepnotes_original"):
        function = function._deepnotes_original
    return function


def _savefig_png(fig: Any, bbox_inches: Any) -> bytes:
    """``fig.savefig`` as PNG at ``DPI`` (the general path of ``figure_png``)."""
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=DPI,
        bbox_inches=bbox_inches,
        metadata={"Software": None},
        pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL},
    )
    return buffer.getvalue()


def _whole_pixels(size: float) -> int:
    """Pixels of a canvas ``size`` pixels wide, as matplotlib's Agg canvas counts them."""
    whole = int(size)
    return whole + 1 if size - whole > 1 - 1e-8 else whole


def _background(fig: Any) -> tuple[int, int, int, int] | None:
    """The RGBA ``savefig`` paints where nothing is drawn; None if not one flat colour."""
    import matplotlib as mpl

    patch = fig.patch
    if not patch.get_visible():
        return (255, 255, 255, 0)  # what matplotlib's Agg renderer clears to
    rgba = mpl.colors.to_rgba(patch.get_facecolor())
    if rgba[3] != 1 or patch.get_linewidth() != 0 or patch.get_hatch():
        return None
    return (round(rgba[0] * 255), round(rgba[1] * 255), round(rgba[2] * 255), 255)


def _describe_figure(fig: Any, index: int) -> str:
    """Fallback alt text: the suptitle and axes titles, else 'Figure N'."""
    titles = []
    get_suptitle = getattr(fig, "get_suptitle", None)
    suptitle = get_suptitle() if get_suptitle else ""
    if suptitle:
        titles.append(suptitle)
    for ax in fig.get_axes():
        for loc in ("center", "left", "right"):
            title = ax.get_title(loc)
            if title:
                titles.append(title)
    return "; ".join(titles) if titles else f"Figure {index + 1}"


class _PyplotImportHook(importlib.abc.MetaPathFinder):
    """Call ``on_import(module)`` right after ``matplotlib.pyplot`` is first executed."""

    def __init__(self, on_import: Any) -> None:
        self.on_import = on_import

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != _PYPLOT:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                break
        else:
            return None
        exec_module = spec.loader.exec_module
        on_import = self.on_import

        def exec_then_patch(module: types.ModuleType) -> None:
            exec_module(module)
            on_import(module)

        spec.loader.exec_module = exec_then_patch  # type: ignore[method-assign]
        return spec


class _ShowPatch:
    """Makes ``plt.show()`` capture the open figures of the current run.

    Also makes the tight and constrained layout engines compute each axis's ticks once per
    measurement (``_layouts_compute_ticks_once``) for the run.
    """

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.pyplot: Any = None
        self.original_show: Any = None
        self.restore_layouts: Any = None
        self.hook = _PyplotImportHook(self.patch)

    def patch(self, pyplot: types.ModuleType) -> None:
        self.pyplot = pyplot
        self.original_show = pyplot.show
        if self.restore_layouts is None:
            self.restore_layouts = _layouts_compute_ticks_once()
        run = self.run

        def show(*args: Any, **kwargs: Any) -> None:
            """Show the open figures below the code (captured by deepnotes.sandbox)."""
            run.capture_open_figures(pyplot)

        pyplot.show = show

    def __enter__(self) -> _ShowPatch:
        if "matplotlib" in sys.modules:
            _use_agg()
        else:
            os.environ["MPLBACKEND"] = "agg"
        if _PYPLOT in sys.modules:
            pyplot = sys.modules[_PYPLOT]
            pyplot.close("all")  # figures left over from an earlier run are not ours
            self.patch(pyplot)
        else:
            sys.meta_path.insert(0, self.hook)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.hook in sys.meta_path:
            sys.meta_path.remove(self.hook)
        if self.pyplot is not None:
            self.pyplot.show = self.original_show
        if self.restore_layouts is not None:
            self.restore_layouts()


def _use_agg() -> None:
    """Switch an already imported matplotlib to Agg (cheap when pyplot is not loaded)."""
    matplotlib = sys.modules["matplotlib"]
    if _PYPLOT in sys.modules:
        pyplot = sys.modules[_PYPLOT]
        if pyplot.get_backend().lower() != "agg":
            pyplot.switch_backend("agg")
    else:
        matplotlib.use("agg")


def _print_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Print a warning the way Python does by default, to the run's captured stderr."""
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _user_traceback(exc: BaseException, filename: str) -> str:
    """Format ``exc`` keeping only the frames of the user's code (like a notebook)."""
    tb = traceback.TracebackException.from_exception(exc)
    seen = set()
    todo = [tb]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        frames = [frame for frame in item.stack if frame.filename == filename]
        item.stack = traceback.StackSummary.from_list(frames)
        todo.extend(x for x in (item.__cause__, item.__context__) if x is not None)
        todo.extend(getattr(item, "exceptions", None) or [])
    return "".join(tb.format()).rstrip("\n")


def _last_user_line(exc: BaseException, filename: str) -> int | None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    return frames[-1].lineno if frames else None


class _ProcessExit(SystemExit):
    """Raised instead of ending the interpreter when the code calls ``os._exit``."""


def _refuse_process_exit(status: int = 0) -> None:
    """Stand-in for ``os._exit`` during a run: the page's Python must outlive the code."""
    raise _ProcessExit(status)


_NO_PAGE = (
    "The code runs in a background worker, away from the page: it has no `document` or "
    "`window` to read or change."
)


def _page_hint(exc: BaseException) -> str | None:
    """Explain an AttributeError on the browser's ``js`` module (``js.document`` in a worker)."""
    js = sys.modules.get("js")
    if js is None or not isinstance(exc, AttributeError):
        return None
    obj = getattr(exc, "obj", None)  # None when raised by a JsProxy
    if obj is not None and obj is not js:
        return None
    name = getattr(exc, "name", None) or str(exc)
    words = ("document", "window", "alert", "localStorage")
    return _NO_PAGE if any(word in name for word in words) else None


def run_code(
    source: str,
    *,
    name: str = "demo",
    max_output_chars: int = 200_000,
    max_figures: int = 20,
    main_module: types.ModuleType | None = None,
    on_output: Callable[[str], object] | None = None,
) -> dict[str, Any]:
    """Run ``source`` as a fresh ``__main__`` script; return its output and figures.

    Parameters
    ----------
    source : str
        Python code (a demo or the reader's edit of it).
    name : str
        Shown as the file name in tracebacks: ``File "<name>", line N``.
    max_output_chars : int
        Printed text (stdout and stderr together) kept; the rest is dropped
        with a note and ``truncated=True``.
    max_figures : int
        Figures encoded; further ones are closed with a note.
    main_module : module, optional
        Run in this module's namespace instead of a fresh ``__main__``: the code
        cells of one notebook share one, so a cell sees what earlier cells defined.
    on_output : callable, optional
        Called while the code runs with the printed text kept since its last call: at
        each of the first ``OUTPUT_EAGER_WRITES`` writes, then at most every
        ``OUTPUT_INTERVAL_S`` seconds (when something is printed). The page keeps what a
        run printed even if the run never returns (Stop without cross-origin isolation
        ends the whole worker). The result's ``stdout`` still holds all of it. An
        exception it raises ends the run like one of the code's.

    Returns
    -------
    dict
        ``{"stdout": str, "figures": [{"png": base64 str, "alt": str, "width": int,
        "height": int}], "error": str | None, "truncated": bool, "notes": [str]}``.
        ``error`` is the traceback trimmed to the user's frames; ``SystemExit``
        with code 0/None is a note, not an error; ``KeyboardInterrupt`` (Stop)
        gives ``"Stopped ..."``.

    Raises
    ------
    TypeError
        If ``source`` or ``name`` is not a string, a limit is not an integer, or
        ``main_module`` is not a module.
    ValueError
        If a limit is below 1 (figures: below 0).

    Examples
    --------
    >>> result = run_code("print(6 * 7)")
    >>> result["stdout"], result["error"], result["figures"]
    ('42\\n', None, [])
    >>> print(run_code("x = 1\\nraise ValueError('x')", name="demo")["error"])
    Traceback (most recent call last):
      File "<demo>", line 2, in <module>
        raise ValueError('x')
    ValueError: x
    >>> print(run_code("print('a' * 10)", max_output_chars=4)["notes"][0])
    Output truncated: only the first 4 characters are shown.
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str of Python code; got {type(source).__name__}")
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str; got {name!r}")
    for label, value, minimum in (
        ("max_output_chars", max_output_chars, 1),
        ("max_figures", max_figures, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{label} must be an int; got {type(value).__name__}")
        if value < minimum:
            raise ValueError(f"{label} must be >= {minimum}; got {value}")

    filename = f"<{name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    run = _Run(source, max_figures)
    notes: list[str] = []
    error: str | None = None
    if main_module is not None and not isinstance(main_module, types.ModuleType):
        raise TypeError(f"main_module must be a module; got {type(main_module).__name__}")
    if on_output is not None and not callable(on_output):
        raise TypeError(f"on_output must be callable or None; got {type(on_output).__name__}")
    output = _CappedText(max_output_chars, on_output)
    main = main_module if main_module is not None else types.ModuleType("__main__")
    main.__dict__["__builtins__"] = builtins
    saved = sys.stdout, sys.stderr, sys.modules.get("__main__"), list(sys.argv), os._exit
    sys.stdout = sys.stderr = output
    os._exit = _refuse_process_exit
    sys.modules["__main__"] = main
    sys.argv[:] = [filename]
    try:
        with _ShowPatch(run) as show_patch, warnings.catch_warnings():
            warnings.resetwarnings()
            warnings.simplefilter("default")
            warnings.showwarning = _print_warning  # even under a recording catch_warnings
            try:
                code = compile(source, filename, "exec", dont_inherit=True)
                exec(code, main.__dict__)
            except _ProcessExit as exc:
                error = (
                    f"The code called os._exit({exc.code}): a demo cannot end the Python "
                    "process, so the run stopped there."
                )
            except SystemExit as exc:
                if exc.code in (None, 0):
                    notes.append("The code called exit(); the run stopped there.")
                else:
                    error = f"SystemExit: {exc.code}"
            except KeyboardInterrupt as exc:
                line = _last_user_line(exc, filename)
                error = "Stopped" + (f" at line {line}" if line else "") + " (KeyboardInterrupt)."
            except MemoryError as exc:
                error = (
                    _user_traceback(exc, filename)
                    + "\nThe code ran out of memory: make the arrays smaller "
                    "(the browser gives Python about 2 GB at most)."
                )
            except RecursionError as exc:
                error = _user_traceback(exc, filename)
            except Exception as exc:
                error = _user_traceback(exc, filename)
                hint = _page_hint(exc)
                if hint:
                    error += "\n" + hint
            if _PYPLOT in sys.modules:
                if show_patch.pyplot is None:  # imported some other way: patch missed
                    show_patch.pyplot = sys.modules[_PYPLOT]
                    show_patch.original_show = show_patch.pyplot.show
                run.capture_open_figures(sys.modules[_PYPLOT])
    finally:
        sys.stdout, sys.stderr, previous_main, sys.argv[:], os._exit = saved
        if previous_main is not None:
            sys.modules["__main__"] = previous_main
        else:  # pragma: no cover - a Python without __main__ is not one we run in
            del sys.modules["__main__"]
    if output.truncated:
        notes.append(f"Output truncated: only the first {max_output_chars:,} characters are shown.")
    if run.dropped:
        notes.append(
            f"Only the first {max_figures} figures are shown; {run.dropped} more were closed."
        )
    if run.figure_errors and error is None:
        error = "\n".join(run.figure_errors)
    return {
        "stdout": output.getvalue(),
        "figures": run.figures,
        "error": error,
        "truncated": output.truncated,
        "notes": notes,
    }
