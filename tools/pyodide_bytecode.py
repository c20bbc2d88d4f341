"""Precompile a Pyodide distribution's Python files to bytecode, inside that very Pyodide.

Upstream Pyodide 0.27.7 ships its standard library (``python_stdlib.zip``) and the package
wheels as ``.py`` sources, and Pyodide never writes bytecode caches: every fresh Pyodide (every
page load, every worker restart) compiles again each module it imports. In Node on this
machine that is ~5 s of a ~11 s start (``loadPyodide`` 3.1 -> 1.3 s, ``import numpy`` 0.9 ->
0.25 s, ``import matplotlib.pyplot`` 3.4-4.8 -> 1.7-2.1 s).

:func:`compile_archive` rewrites a zip (the stdlib zip or a wheel) with every ``.py`` replaced
by its ``.pyc`` at the same place (a *sourceless* module, what ``pyodide py-compile`` from
pyodide-build produces); files that do not compile (test data in old syntax) stay as sources;
a wheel's ``RECORD`` is rewritten to list the new files with their hashes. ``__pycache__`` is
never used: Pyodide's import system finds ``x.pyc`` next to where ``x.py`` was.

Why inside Pyodide (``tools/pyodide_bytecode.mjs`` runs this file in it under Node) and not
``pyodide py-compile``: bytecode is specific to the interpreter's minor version, and
pyodide-build compiles with the *host* Python, which must then be exactly 3.12; compiling with
Pyodide's own interpreter matches by construction, on any host. The module also runs in CPython
(the tests exercise it there, with that interpreter's bytecode).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import marshal
import zipfile
from pathlib import Path

#: Flags of a hash-based pyc whose source is never checked (PEP 552): a sourceless module has
#: no source to check, and the header then carries no timestamp, so output is reproducible.
UNCHECKED_HASH_FLAGS = 0b01


def pyc_bytes(source: bytes, filename: str) -> bytes:
    """The ``.pyc`` file for ``source``: header + ``marshal`` of the compiled module.

    The header (PEP 552) is ``MAGIC_NUMBER`` (4 bytes), flags (4 bytes, little-endian,
    :data:`UNCHECKED_HASH_FLAGS`) and ``importlib.util.source_hash(source)`` (8 bytes).
    Compiled without optimization: docstrings are kept (matplotlib builds some of its
    docstrings from others at import time). ``filename`` is what tracebacks show.

    Raises
    ------
    SyntaxError
        ``source`` does not compile with this interpreter.

    Examples
    --------
    >>> import importlib.util
    >>> data = pyc_bytes(b"x = 1", "/lib/x.py")
    >>> data[:4] == importlib.util.MAGIC_NUMBER
    True
    """
    code = compile(source, filename, "exec", dont_inherit=True, optimize=0)
    header = importlib.util.MAGIC_NUMBER + UNCHECKED_HASH_FLAGS.to_bytes(4, "little")
    return header + importlib.util.source_hash(source) + marshal.dumps(code)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def compile_archive(
    path: Path | str, module_prefix: str, keep_sources: bool = False
) -> dict[str, int]:
    """Rewrite the zip at ``path`` with each ``.py`` replaced by its ``.pyc``; returns counts.

    ``module_prefix`` is where the archive's top level lands at run time (for a wheel
    ``/lib/python3.12/site-packages/``): ``prefix + name`` becomes each module's filename.
    ``keep_sources``: keep each ``.py`` and add its ``.pyc`` where the import system looks
    for a cached one (``pkg/__pycache__/mod.cpython-312.pyc``, this interpreter's cache
    tag); the pyc is used without checking the source (unchecked hash), and tracebacks,
    ``inspect.getsource`` and the reader's ``help()`` still find the source. For the
    engine's own wheel, whose readers may look at its code.
    Entries keep their order, timestamps and compression; a ``*.dist-info/RECORD`` is
    rewritten for the new file list (``name,sha256=<urlsafe b64>,size``). An archive that
    holds no ``.py`` is left untouched. The rewrite goes to ``path + ".tmp"`` first and then
    replaces ``path``, so an error (a full disk) leaves the original in place and no ``.tmp``.

    Returns
    -------
    dict
        ``{"compiled": n, "kept_source": m}``: modules compiled, ``.py`` files kept because
        they do not compile with this interpreter.
    """
    path = Path(path)
    compiled = kept = 0
    entries: list[tuple[zipfile.ZipInfo, bytes]] = []
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if not any(info.filename.endswith(".py") for info in infos):
            return {"compiled": 0, "kept_source": 0}
        for info in infos:
            data = archive.read(info)
            if info.filename.endswith(".py"):
                try:
                    data = pyc_bytes(data, module_prefix + info.filename)
                except (SyntaxError, ValueError):
                    kept += 1
                else:
                    compiled += 1
                    if keep_sources:
                        entries.append((info, archive.read(info)))
                        info = _renamed(info, importlib.util.cache_from_source(info.filename))
                    else:
                        info = _renamed(info, info.filename + "c")
            entries.append((info, data))
    records = [info.filename for info, _ in entries if info.filename.endswith(".dist-info/RECORD")]
    if records:
        lines = [_record_line(i.filename, d) for i, d in entries if i.filename not in records]
        text = "\n".join([*lines, *(f"{name},," for name in records)]) + "\n"
        entries = [(i, text.encode() if i.filename in records else d) for i, d in entries]
    tmp = path.with_name(path.name + ".tmp")
    try:
        with zipfile.ZipFile(tmp, "w") as out:
            for info, data in entries:
                out.writestr(info, data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {"compiled": compiled, "kept_source": kept}


def _renamed(info: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    """A copy of ``info`` (date, compression, permissions) under another name."""
    renamed = zipfile.ZipInfo(name, date_time=info.date_time)
    renamed.compress_type = info.compress_type
    renamed.external_attr = info.external_attr
    renamed.create_system = info.create_system
    return renamed
