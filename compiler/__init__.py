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
read-only caches (bounded, locked, keyed by content), so concurrent use is safe, and no
call changes anything process-wide (the garbage collector is left as the host set it).

Exceptions (:mod:`compiler.errors`; bad *input* never raises, it ends in diagnostics):

* :class:`XfcError` — the base of the three below;
* :class:`OptionsError` (also a ``ValueError``) — invalid options: an unknown emitter,
  target or ``Options`` field, a namespace that is not a DNS-1123 label;
* :class:`PluginError` — a back-end plugin cannot be loaded or used;
* :class:`InternalError` — a bug in xfc (the original exception is its ``__cause__``).

Codes: none of its own; a result carries the diagnostics of the phases that ran.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .diagnostics import Diagnostic, Diagnostics, Severity, Span
from .errors import InternalError, OptionsError, PluginError, XfcError
from .pipeline import Compilation, Options, validate_options

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "analyse",
    "check",
    "compile",
    "load",
    "Options",
    "Compilation",
    "Diagnostic",
    "Diagnostics",
    "Severity",
    "Span",
    "XfcError",
    "OptionsError",
    "PluginError",
    "InternalError",
]


def _options(options: Options | None, overrides: dict[str, Any]) -> Options:
    opts = options or Options()
    if overrides:
        fixed = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
        try:
            opts = replace(opts, **fixed)
        except TypeError as exc:  # an override that is no field of Options
            raise OptionsError(str(exc).replace("Options.__init__()", "Options")) from None
    return opts


def _guarded(fn, path: str, opts: Options) -> Compilation:
    """Run one call; only the documented exceptions (compiler.errors) leave it.

    Bad input ends in diagnostics inside the phases; any other exception escaping from
    here is a bug in xfc and becomes :class:`InternalError` (the original chained), which
    the CLI reports with exit code 3.  A MemoryError passes through unwrapped: running out
    of the memory a caller allowed (``xfc serve``'s per-request limit) is that limit, not a
    bug.  Nothing process-wide is touched: not the garbage collector, not a global.
    """
    try:
        return fn(path, opts, Diagnostics())
    except (XfcError, MemoryError):
        raise
    except RecursionError as exc:
        raise InternalError(f"recursion too deep while compiling {path}") from exc
    except Exception as exc:  # noqa: BLE001 - the API's contract: documented types only
        raise InternalError(f"{type(exc).__name__}: {exc}") from exc


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
    """What ``xfc check`` runs, with the same diagnostics: load, resolve and check, then the
    back ends that :func:`compile` runs (their files dropped), and every deployment
    flavour of a multi-flavour VNFD when ``flavour`` is not set (the diagnostics of some
    flavours only say which; :mod:`compiler.checking`).  ``result.ok`` is False when it has
    errors.  :func:`analyse` runs the front end only.

    ``overrides`` set fields of :class:`Options` by name, e.g.
    ``check(p, flavour="simple", inputs={"replicas": 2})``.
    """
    return check_flavours(path, options, **overrides)[0]


def check_flavours(path: str, options: Options | None = None,
                   **overrides: Any) -> tuple[Compilation, tuple[str, ...]]:
    """:func:`check`, and the flavours it checked one by one (``()`` when one compilation
    said all): the CLI names them in its summary."""
    from .checking import check_flavours as run

    opts = _options(options, overrides)
    validate_options(opts, emit=True)
    return _guarded(lambda p, o, d: run(p, o, d), str(path), opts)  # type: ignore[return-value]


def analyse(path: str, options: Options | None = None, **overrides: Any) -> Compilation:
    """The front end only: load, resolve, normalise, the graph and the checks, one flavour
    (``xfc graph``, ``explain`` and ``simulate`` read its ``topology`` and ``plan``).  No
    back end runs, so a problem only a back end finds is not reported: :func:`check` is
    the verdict."""
    from .pipeline import front_end

    opts = _options(options, overrides)
    validate_options(opts, emit=False)
    return _guarded(front_end, str(path), opts)


def compile(path: str, options: Options | None = None, **overrides: Any) -> Compilation:  # noqa: A001
    """Check, then run the back ends; ``result.outputs`` lists the files to write.

    Nothing is written to disk: :func:`compiler.output.write_outputs` does that atomically.
    """
    from .pipeline import back_end, front_end

    def run(p: str, o: Options, d: Diagnostics) -> Compilation:
        return back_end(front_end(p, o, d))

    opts = _options(options, overrides)
    validate_options(opts, emit=True)  # before the front end: a bad option costs nothing
    return _guarded(run, str(path), opts)
