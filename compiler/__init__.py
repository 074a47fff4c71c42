"""xfc — the X-factor CNF descriptor compiler, as a library.

Phase: public API.  Toolchains call these functions directly; they never print, never
exit, and report every problem as a :class:`~compiler.diagnostics.Diagnostic` in the
returned result.  They are thin over the application layer, :mod:`compiler.api`
(typed requests and results for every verb), which the ``xfc`` command line
(:mod:`compiler.cli`) and the other faces call.

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

from typing import TYPE_CHECKING, Any, Sequence

from .errors import InternalError, OptionsError, PluginError, XfcError
from .version import __version__

if TYPE_CHECKING:
    from .diagnostics import Diagnostic, Diagnostics, Severity, Span
    from .pipeline import Compilation, Options

# Imported on first use (PEP 562), so that ``import compiler`` (which every
# ``python -m compiler`` run makes) costs no more than the command needs: ``xfc --version``
# needs none of them, ``xfc check`` imports them when it runs (docs/performance.md).
_LAZY = {"Diagnostic": "diagnostics", "Diagnostics": "diagnostics", "Severity": "diagnostics",
         "Span": "diagnostics", "Compilation": "pipeline", "Options": "pipeline"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'compiler' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "__version__",
    "analyse",
    "bundle",
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
    from dataclasses import replace

    from .pipeline import Options

    opts = options or Options()
    if overrides:
        fixed: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
        try:
            opts = replace(opts, **fixed)
        except TypeError as exc:  # an override that is no field of Options
            raise OptionsError(str(exc).replace("Options.__init__()", "Options")) from None
    return opts


def load(path: str, options: Options | None = None, **overrides: Any) -> Compilation:
    """Read the package (entry and imports) only; ``result.package`` holds the files."""
    from . import api

    return api.load(api.LoadRequest(path=str(path), options=_options(options, overrides))).unit


def check(path: str, options: Options | None = None, **overrides: Any) -> Compilation:
    """What ``xfc check`` runs, with the same diagnostics: load, resolve and check, then the
    back ends that :func:`compile` runs (their files dropped), and every deployment
    flavour of a multi-flavour VNFD when ``flavour`` is not set (the diagnostics of some
    flavours only say which; ``compiler.api.check`` with ``all_flavours``, as the CLI).  ``result.ok`` is False when it has
    errors.  :func:`analyse` runs the front end only.

    ``overrides`` set fields of :class:`Options` by name, e.g.
    ``check(p, flavour="simple", inputs={"replicas": 2})``.
    """
    return check_flavours(path, options, **overrides)[0]


def check_flavours(path: str, options: Options | None = None,
                   **overrides: Any) -> tuple[Compilation, tuple[str, ...]]:
    """:func:`check`, and the flavours it checked one by one (``()`` when one compilation
    said all): the CLI names them in its summary."""
    from . import api

    result = api.check(api.CheckRequest(path=str(path), options=_options(options, overrides),
                                        all_flavours=True))
    result.unit.outputs = []  # check writes nothing: the back ends' files are dropped
    return result.unit, result.flavours


def analyse(path: str, options: Options | None = None, **overrides: Any) -> Compilation:
    """The front end only: load, resolve, normalise, the graph and the checks, one flavour
    (``xfc graph``, ``explain`` and ``simulate`` read its ``topology`` and ``plan``).  No
    back end runs, so a problem only a back end finds is not reported: :func:`check` is
    the verdict."""
    from . import api

    return api.front_end(str(path), _options(options, overrides))


def compile(path: str, options: Options | None = None, **overrides: Any) -> Compilation:  # noqa: A001
    """Check, then run the back ends; ``result.outputs`` lists the files to write.

    Nothing is written to disk: :func:`compiler.output.write_outputs` does that atomically.
    """
    from . import api

    opts = _options(options, overrides)
    return api.compile(api.CompileRequest(path=str(path), options=opts)).unit


def bundle(path: str, formats: Sequence[str], options: Options | None = None, *,
           settings: Any = None, **overrides: Any) -> Any:
    """Compile, then build the packages ``formats`` name (``helm``, ``kustomize``,
    ``csar``, ``onap-helm``, ``osm``, or a third-party bundler): an
    :class:`compiler.api.BundleResult` whose ``files`` are the packages' files, in memory.
    ``settings`` is a :class:`compiler.bundlers.Settings` (CSAR layout, signing, date).
    """
    from . import api

    opts = _options(options, overrides)
    return api.bundle(api.BundleRequest(path=str(path), formats=tuple(formats), options=opts,
                                        settings=settings))
