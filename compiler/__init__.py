"""xfc — the X-factor CNF descriptor compiler, as a library.

Phase: public API.  Toolchains call these functions directly; they never print, never
exit, and report every problem as a :class:`~compiler.diagnostics.Diagnostic` in the
returned result.  The ``xfc`` command line (:mod:`compiler.cli`) is a thin shell over them.

>>> import compiler
>>> result = compiler.check("samples/5g-core-slice/slice.yaml")
>>> result.ok, [d.code for d in result.diagnostics]
(True, [...])
>>> out = compiler.compile("samples/5g-core-slice/slice.yaml")
>>> sorted(f.path for f in out.outputs)[:2]
[...]

Each call owns its :class:`Diagnostics`; calls in different threads share nothing but
read-only caches, so concurrent use is safe.

Codes: none of its own; a result carries the diagnostics of the phases that ran.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from dataclasses import replace
from typing import Any, Iterator

from .diagnostics import Diagnostic, Diagnostics, Severity, Span
from .pipeline import Compilation, Options

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "check",
    "compile",
    "load",
    "Options",
    "Compilation",
    "Diagnostic",
    "Diagnostics",
    "Severity",
    "Span",
]


def _options(options: Options | None, overrides: dict[str, Any]) -> Options:
    opts = options or Options()
    if overrides:
        fixed = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
        opts = replace(opts, **fixed)
    return opts


_gc_lock = threading.Lock()
_gc_users = 0
_gc_restore = False


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a compilation runs.

    A compilation allocates hundreds of thousands of small containers that stay alive
    until it ends and form no cycles worth collecting; with the collector on, its full
    collections rescan them over and over and the 10,000-node check took twice as long
    and grew faster than linearly (bench/).  Reference counting still frees everything.
    Concurrent compilations share one pause; the collector's previous state is restored
    when the last of them ends.
    """
    global _gc_users, _gc_restore
    with _gc_lock:
        if _gc_users == 0:
            _gc_restore = gc.isenabled()
            gc.disable()
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and _gc_restore:
                gc.enable()


def _guarded(fn, path: str, opts: Options) -> Compilation:
    # Bad input ends in diagnostics inside the phases; an exception escaping from here is
    # a bug in xfc, which the CLI reports as an internal error (exit code 3).
    with _gc_paused():
        return fn(path, opts, Diagnostics())


def load(path: str, options: Options | None = None, **overrides: Any) -> Compilation:
    """Read the package (entry and imports) only; ``result.package`` holds the files."""
    from .loader import load as _load

    opts = _options(options, overrides)

    def run(p: str, o: Options, d: Diagnostics) -> Compilation:
        unit = Compilation(path=str(p), options=o, diagnostics=d)
        unit.package = _load(str(p), o, d)
        return unit

    return _guarded(run, str(path), opts)


def check(path: str, options: Options | None = None, **overrides: Any) -> Compilation:
    """Load, resolve and check a descriptor; ``result.ok`` is False when it has errors.

    ``overrides`` set fields of :class:`Options` by name, e.g.
    ``check(p, flavour="simple", inputs={"replicas": 2})``.
    """
    from .pipeline import front_end

    return _guarded(front_end, str(path), _options(options, overrides))


def compile(path: str, options: Options | None = None, **overrides: Any) -> Compilation:  # noqa: A001
    """Check, then run the back ends; ``result.outputs`` lists the files to write.

    Nothing is written to disk: :func:`compiler.output.write_outputs` does that atomically.
    """
    from .pipeline import back_end, front_end

    def run(p: str, o: Options, d: Diagnostics) -> Compilation:
        return back_end(front_end(p, o, d))

    return _guarded(run, str(path), _options(options, overrides))
