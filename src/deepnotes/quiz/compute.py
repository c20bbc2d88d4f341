"""Compute a numeric question's key with the engine, from a small declarative spec.

A numeric question's ``compute`` names an engine function (or class), its
arguments, and a few follow-up steps that turn the result into one number.
The validator compares that number with the keyed option, so the key can never
drift from the code. The spec is plain data, not code: nothing is ``eval``-ed
and only names under ``deepnotes.`` can be called.

Spec fields:

- ``call``: dotted name under ``deepnotes.``, e.g. ``deepnotes.ewma`` or
  ``deepnotes.layers.Dense``;
- ``args`` (list) and ``kwargs`` (mapping): its arguments;
- ``then`` (list, optional): steps applied in order to the result, each a
  mapping with exactly one of
  ``index`` (subscript: ``-1``, ``"W"``, ``[0, 0]``),
  ``attr`` (attribute name),
  ``apply`` (call the current value with this list of arguments),
  ``method`` (call a method; with ``args``, ``kwargs`` and ``keep: true`` to go on
  with the object rather than the method's result),
  ``reduce`` (one of ``mean``, ``median``, ``std``, ``min``, ``max``, ``sum``).

Argument values are YAML scalars and lists, plus two tagged mappings:
``{array: [[1.0, 2.0]]}`` becomes a float NumPy array and ``{rng: 0}`` a seeded
``numpy.random.Generator``.

Examples
--------
>>> spec = {"call": "deepnotes.ewma", "args": [[10.0, 20.0]], "kwargs": {"beta": 0.9},
...         "then": [{"index": -1}]}
>>> check_spec(spec)
[]
>>> round(evaluate(spec), 4)
15.2632
>>> describe(spec)
'deepnotes.ewma([10.0, 20.0], beta=0.9)[-1]'
"""

from __future__ import annotations

import importlib
import math
import numbers
from collections.abc import Mapping
from typing import Any

__all__ = ["REDUCERS", "ComputeError", "check_spec", "describe", "evaluate"]

REDUCERS: tuple[str, ...] = ("mean", "median", "std", "min", "max", "sum")
_SPEC_KEYS = ("call", "args", "kwargs", "then")
_STEP_KINDS = ("index", "attr", "apply", "method", "reduce")
_METHOD_KEYS = ("method", "args", "kwargs", "keep")


class ComputeError(ValueError):
    """The engine could not compute a numeric key (bad spec, or the engine raised)."""


def check_spec(spec: object) -> list[str]:
    """Return the structural problems of a ``compute`` spec (empty when it is well formed).

    Parameters
    ----------
    spec : object
        The value of a question's ``compute`` field.

    Returns
    -------
    list of str
        One message per problem; nothing is imported or run.

    Examples
    --------
    >>> check_spec({"call": "os.system", "args": ["ls"]})
    ["call must name something under 'deepnotes.', e.g. deepnotes.ewma; got 'os.system'"]
    >>> check_spec({"call": "deepnotes.ewma", "then": [{"reduce": "mode"}]})
    ["then step 1: reduce must be one of mean, median, std, min, max, sum; got 'mode'"]
    """
    if not isinstance(spec, Mapping):
        return [f"must be a mapping with 'call', 'args', 'kwargs', 'then'; got {spec!r}"]
    problems = [
        f"unknown field '{key}' (allowed: {', '.join(_SPEC_KEYS)})"
        for key in spec
        if key not in _SPEC_KEYS
    ]
    call = spec.get("call")
    if not isinstance(call, str) or not call.startswith("deepnotes.") or call == "deepnotes.":
        problems.append(
            f"call must name something under 'deepnotes.', e.g. deepnotes.ewma; got {call!r}"
        )
    problems += _check_arguments(spec.get("args", []), spec.get("kwargs", {}), "")
    then = spec.get("then", [])
    if not isinstance(then, list):
        return [*problems, f"then must be a list of steps; got {then!r}"]
    for number, step in enumerate(then, 1):
        problems += [f"then step {number}: {message}" for message in _check_step(step)]
    return problems


def _check_step(step: object) -> list[str]:
    if not isinstance(step, Mapping):
        return [f"must be a mapping like {{index: -1}}; got {step!r}"]
    kinds = [key for key in _STEP_KINDS if key in step]
    if len(kinds) != 1:
        return [f"must have exactly one of {', '.join(_STEP_KINDS)}; got {sorted(step)}"]
    kind = kinds[0]
    if kind == "method":
        problems = [
            f"unknown field '{key}' (allowed: {', '.join(_METHOD_KEYS)})"
            for key in step
            if key not in _METHOD_KEYS
        ]
        if not isinstance(step["method"], str) or step["method"].startswith("_"):
            problems.append(f"method must be a public method name; got {step['method']!r}")
        if not isinstance(step.get("keep", False), bool):
            problems.append(f"keep must be true or false; got {step['keep']!r}")
        return problems + _check_arguments(step.get("args", []), step.get("kwargs", {}), "")
    if len(step) != 1:
        return [f"a '{kind}' step has no other fields; got {sorted(step)}"]
    value = step[kind]
    if kind == "attr" and (not isinstance(value, str) or value.startswith("_")):
        return [f"attr must be a public attribute name; got {value!r}"]
    if kind == "reduce" and value not in REDUCERS:
        return [f"reduce must be one of {', '.join(REDUCERS)}; got {value!r}"]
    if kind == "apply":
        return _check_arguments(value, {}, "apply ")
    if kind == "index" and not isinstance(value, int | str | list):
        return [f"index must be an int, a key or a list of ints; got {value!r}"]
    return []


def _check_arguments(args: object, kwargs: object, prefix: str) -> list[str]:
    problems = []
    if not isinstance(args, list):
        problems.append(f"{prefix}args must be a list; got {args!r}")
        args = []
    if not isinstance(kwargs, Mapping):
        problems.append(f"{prefix}kwargs must be a mapping; got {kwargs!r}")
        kwargs = {}
    for value in [*args, *kwargs.values()]:
        problems += _check_value(value)
    return problems


def _check_value(value: object) -> list[str]:
    if isinstance(value, Mapping):
        if set(value) == {"array"} and isinstance(value["array"], list | numbers.Real):
            return []
        if set(value) == {"rng"} and isinstance(value["rng"], int):
            return []
        return [f"a mapping argument must be {{array: [...]}} or {{rng: SEED}}; got {value!r}"]
    if isinstance(value, list):
        return [problem for item in value for problem in _check_value(item)]
    if value is None or isinstance(value, str | bool | numbers.Real):
        return []
    return [f"unsupported argument {value!r}"]


def _build(value: Any) -> Any:
    import numpy as np

    if isinstance(value, Mapping):
        if "array" in value:
            return np.asarray(value["array"], dtype=np.float64)
        return np.random.default_rng(value["rng"])
    if isinstance(value, list):
        return [_build(item) for item in value]
    return value


def _build_kwargs(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _build(value) for name, value in kwargs.items()}


def _resolve(name: str) -> Any:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if attr.startswith("_") or not hasattr(target, attr):
                raise ComputeError(f"{name}: the engine has no {attr!r} here")
            target = getattr(target, attr)
        return target
    raise ComputeError(f"{name}: cannot import it")  # pragma: no cover - deepnotes imports


def _apply_step(value: Any, step: Mapping[str, Any]) -> Any:
    import numpy as np

    if "index" in step:
        index = step["index"]
        return value[tuple(index)] if isinstance(index, list) else value[index]
    if "attr" in step:
        return getattr(value, step["attr"])
    if "apply" in step:
        return value(*_build(step["apply"]))
    if "method" in step:
        result = getattr(value, step["method"])(
            *_build(step.get("args", [])), **_build_kwargs(step.get("kwargs", {}))
        )
        return value if step.get("keep", False) else result
    return getattr(np, step["reduce"])(np.asarray(value))


def evaluate(spec: Mapping[str, Any]) -> float:
    """Run a ``compute`` spec with the engine and return the number it gives.

    Parameters
    ----------
    spec : mapping
        A well-formed spec (see ``check_spec``).

    Returns
    -------
    float

    Raises
    ------
    ComputeError
        If the spec is malformed, the engine raises, or the result is not one
        finite real number; the message says which.

    Examples
    --------
    >>> evaluate({"call": "deepnotes.schedules.inverse_time",
    ...           "kwargs": {"lr0": 0.2, "decay_rate": 1.0}, "then": [{"apply": [3]}]})
    0.05
    """
    problems = check_spec(spec)
    if problems:
        raise ComputeError("; ".join(problems))
    import numpy as np

    try:
        value = _resolve(spec["call"])(
            *_build(spec.get("args", [])), **_build_kwargs(spec.get("kwargs", {}))
        )
        for step in spec.get("then", []):
            value = _apply_step(value, step)
    except ComputeError:
        raise
    except Exception as exc:
        raise ComputeError(f"{describe(spec)} raised {type(exc).__name__}: {exc}") from exc
    array = np.asarray(value)
    if array.size != 1 or array.dtype.kind not in "iuf":
        raise ComputeError(
            f"{describe(spec)} gave {type(value).__name__} of shape {array.shape}, not one "
            "number; add an 'index' or 'reduce' step"
        )
    number = float(array.reshape(()))
    if not math.isfinite(number):
        raise ComputeError(f"{describe(spec)} gave {number}, not a finite number")
    return number


def _show(value: Any) -> str:
    if isinstance(value, Mapping):
        key = next(iter(value))
        return f"np.asarray({value[key]!r})" if key == "array" else f"default_rng({value[key]!r})"
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    return repr(value)


def _show_call(args: list[Any], kwargs: Mapping[str, Any]) -> str:
    parts = [_show(a) for a in args] + [f"{k}={_show(v)}" for k, v in kwargs.items()]
    return "(" + ", ".join(parts) + ")"


def describe(spec: Mapping[str, Any]) -> str:
    """Write a spec as the Python expression it runs (for messages and the terminal quiz).

    Examples
    --------
    >>> describe({"call": "deepnotes.layers.Dense",
    ...           "kwargs": {"n_in": 512, "n_out": 256, "rng": {"rng": 0}},
    ...           "then": [{"attr": "params"}, {"index": "W"}, {"reduce": "std"}]})
    "np.std(deepnotes.layers.Dense(n_in=512, n_out=256, rng=default_rng(0)).params['W'])"
    """
    text = str(spec.get("call")) + _show_call(spec.get("args", []), spec.get("kwargs", {}))
    statements = []
    for step in spec.get("then", []):
        if "index" in step:
            index = step["index"]
            inner = ", ".join(map(repr, index)) if isinstance(index, list) else repr(index)
            text += f"[{inner}]"
        elif "attr" in step:
            text += f".{step['attr']}"
        elif "apply" in step:
            text += _show_call(step["apply"], {})
        elif "method" in step:
            call = f".{step['method']}" + _show_call(step.get("args", []), step.get("kwargs", {}))
            if step.get("keep"):
                if text != "x":
                    statements.append(f"x = {text}")
                    text = "x"
                statements.append(f"x{call}")
            else:
                text += call
        elif "reduce" in step:
            text = f"np.{step['reduce']}({text})"
    return "; ".join([*statements, text])
