"""The application layer: one typed request → result function per thing xfc does.

Phase: api.  Every face (the ``xfc`` command line, batch mode, the KRM function, the HTTP
service, the report) calls these functions and nothing else of the compiler's phases.
A request is a frozen dataclass naming the input and the :class:`Options`; a result is a
frozen dataclass holding the :class:`Compilation` (the IR and the diagnostics) and what
the verb made of it.  Nothing here prints, exits or writes a file: the faces render
results and write outputs.

===========  ===================  =====================  =============================
function     request              result                 what it runs
===========  ===================  =====================  =============================
load         LoadRequest          LoadResult             the loader only
check        CheckRequest         CheckResult            front end + back ends in
                                                         memory (every flavour when
                                                         ``all_flavours`` and none named)
compile      CompileRequest       CompileResult          front end + back ends
bundle       BundleRequest        BundleResult           compile + the named bundlers
graph        GraphRequest         GraphResult            front end + a graph rendering
simulate     SimulateRequest      SimulateResult         front end + the FailurePolicy's
                                                         executor, played out
explain      ExplainRequest       ExplainResult          front end + each target's
                                                         realisation of one ladder
report       ReportRequest        ReportResult           compile + the HTML page
===========  ===================  =====================  =============================

Exceptions are those of :mod:`compiler.errors` only: :class:`OptionsError` for options no
input can make valid (checked before any phase runs), :class:`PluginError`, and
:class:`InternalError` wrapping any other exception (a bug).  Bad input never raises; it
ends in the result's diagnostics.

Codes: none of its own; a result carries the diagnostics of the phases that ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ..diagnostics import Diagnostics
from ..errors import InternalError, XfcError
from ..pipeline import Compilation, Options, option_problems, validate_options

if TYPE_CHECKING:  # annotations only
    from ..model import OutputFile

__all__ = [
    "LoadRequest", "LoadResult", "load",
    "CheckRequest", "CheckResult", "check",
    "CompileRequest", "CompileResult", "compile",
    "BundleRequest", "BundleResult", "BundleProblem", "bundle", "bundlers_for",
    "signing_problem", "package", "settings", "verify", "verify_written",
    "GraphRequest", "GraphResult", "graph",
    "SimulateRequest", "SimulateResult", "simulate",
    "ExplainRequest", "ExplainResult", "explain",
    "ReportRequest", "ReportResult", "report",
    "option_problems", "emitter_names", "Options", "Compilation",
]

_T = TypeVar("_T")


# ------------------------------------------------------------------ the guard


def guarded(fn: Callable[[], _T], path: str) -> _T:
    """Run one call; only the documented exceptions (compiler.errors) leave it.

    Bad input ends in diagnostics inside the phases; any other exception escaping from
    here is a bug in xfc and becomes :class:`InternalError` (the original chained), which
    the CLI reports with exit code 3.  A MemoryError passes through unwrapped: running out
    of the memory a caller allowed (``xfc serve``'s per-request limit) is that limit, not a
    bug.  Nothing process-wide is touched: not the garbage collector, not a global.
    """
    try:
        return fn()
    except (XfcError, MemoryError):
        raise
    except RecursionError as exc:
        raise InternalError(f"recursion too deep while compiling {path}") from exc
    except Exception as exc:  # noqa: BLE001 - the API's contract: documented types only
        raise InternalError(f"{type(exc).__name__}: {exc}") from exc


def emitter_names() -> list[str]:
    """The built-in back ends, each loaded (a third-party one loads only when named)."""
    from ..plugins import emitters

    return sorted(emitters())


# ------------------------------------------------------------------ load


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadRequest:
    path: str
    options: Options = field(default_factory=Options)


@dataclass(frozen=True, slots=True)
class LoadResult:
    unit: Compilation  # ``unit.package`` holds the files read

    @property
    def ok(self) -> bool:
        return self.unit.ok


def load(req: LoadRequest) -> LoadResult:
    """Read the package (entry and imports) only."""
    from ..loader import load as _load

    path = str(req.path)

    def run() -> Compilation:
        unit = Compilation(path=path, options=req.options, diagnostics=Diagnostics())
        unit.package = _load(path, req.options, unit.diagnostics)
        return unit

    return LoadResult(guarded(run, path))


# ------------------------------------------------------------------ compile and check


@dataclass(frozen=True, slots=True, kw_only=True)
class CompileRequest:
    path: str
    options: Options = field(default_factory=Options)


@dataclass(frozen=True, slots=True)
class CompileResult:
    unit: Compilation

    @property
    def ok(self) -> bool:
        return self.unit.ok

    @property
    def outputs(self) -> list[OutputFile]:
        return self.unit.outputs


def front_end(path: str, options: Options) -> Compilation:
    """Load, resolve, normalise, build the graph and run the checks (no back end)."""
    from ..pipeline import front_end as _front_end

    validate_options(options, emit=False)
    return guarded(lambda: _front_end(str(path), options, Diagnostics()), str(path))


def compile(req: CompileRequest) -> CompileResult:  # noqa: A001 - the verb's name
    """Front end, then the back ends the options name; the files stay in memory."""
    from ..pipeline import back_end
    from ..pipeline import front_end as _front_end

    path = str(req.path)
    validate_options(req.options, emit=True)  # before the front end: a bad option costs nothing
    unit = guarded(lambda: back_end(_front_end(path, req.options, Diagnostics())), path)
    return CompileResult(unit)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckRequest:
    path: str
    options: Options = field(default_factory=Options)
    # a VNFD with several deployment flavours and no ``options.flavour``: check each one
    # and merge the diagnostics (``xfc check``); False checks the flavour the resolver picks
    all_flavours: bool = False


@dataclass(frozen=True, slots=True)
class CheckResult:
    unit: Compilation  # with ``all_flavours``: the diagnostics merged across flavours
    flavours: tuple[str, ...] = ()  # the flavours checked, when several were

    @property
    def ok(self) -> bool:
        return self.unit.ok


def check(req: CheckRequest) -> CheckResult:
    """Front end and back ends in memory: check rejects whatever compile would."""
    if not req.all_flavours:
        return CheckResult(compile(CompileRequest(path=req.path, options=req.options)).unit)
    from .flavours import check_flavours

    validate_options(req.options, emit=True)  # before the front end, as compile does
    # one loader pass: every other flavour is resolved from the package loaded once
    unit, ids = guarded(lambda: check_flavours(str(req.path), req.options), str(req.path))
    return CheckResult(unit, ids)


# ------------------------------------------------------------------ bundle, and the analysis verbs

from .bundle import (BundleProblem, BundleRequest, BundleResult, bundle,  # noqa: E402
                     bundlers_for, package, settings, signing_problem, verify,
                     verify_written)

# The analysis verbs (graph, simulate, explain, report; :mod:`.analysis`) are imported when
# one of their names is first asked for (PEP 562), so that a check or a compile does not
# build their classes.  (No name there is that of a submodule, which the import system
# would bind over it.)
_LAZY = frozenset((
    "GraphRequest", "GraphResult", "graph", "SimulateRequest", "SimulateResult", "simulate",
    "ExplainRequest", "ExplainResult", "explain", "ReportRequest", "ReportResult", "report"))


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import analysis

    for each in _LAZY:
        globals()[each] = getattr(analysis, each)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
