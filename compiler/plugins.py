"""Plugins: emitters, bundlers, policy targets and checks, loaded lazily by name.

Phase: emit / bundle / check (lookup only).  Like sqlglot's dialects: the built-ins are
a static table of ``name -> "module:attr"`` per kind, and third parties register through
one entry-point group per kind:

=========  ================  ====================  ===========================================
kind       group             built-ins             protocol
=========  ================  ====================  ===========================================
emitter    ``xfc.emitters``  BUILTIN_EMITTERS      ``name``, ``description``, ``emit(ir, diags)``
bundler    ``xfc.bundlers``  BUILTIN_BUNDLERS      ``name``, ``description``, ``needs``, ``package(inp)``
target     ``xfc.targets``   BUILTIN_TARGETS       :class:`Target` (e.g. a ``PolicyTarget`` subclass)
check      ``xfc.checks``    BUILTIN_CHECKS        ``name``, ``description``, ``check(unit, diags)``
layout     ``xfc.layouts``   BUILTIN_LAYOUTS       :class:`CsarLayout`: ``name``, ``lay_out(inp, parts)``
gate       ``xfc.gates``     BUILTIN_GATES         :class:`Gate`: ``name``, ``description``, ``verify(pkg)``
=========  ================  ====================  ===========================================

What belongs to a target or a bundle format is named in the table, not decided by a
caller that knows the names: a target names its CSAR layout (``package_layout``, a
layout's name) and its gates (``gates``, gate names); a bundle format names the gates
its packages go through (``gates``).  ``xfc bundle --verify`` runs, on each package, the
gates of the format that wrote it and, for a package laid out for a target, the
target's (:func:`gates_for`).

Nothing is imported until a call names it: :func:`get` imports one plugin, and
:func:`names` lists the names of a kind from the table and from the installed
distributions' metadata without importing any plugin.  So a third-party plugin whose
import raises breaks only the calls that name it, and the error says which distribution
it came from (``ep.dist.name``).  A loaded plugin is type-checked against its protocol
and must call itself by the name it is registered under; two distributions cannot
register one name.  Loaded plugins are kept in a bounded, lock-protected cache keyed by
(kind, name); the entry points are scanned once per process (:func:`refresh` forgets
both).

A built-in name always means xfc's own plugin: it is loaded from the static table and the
installed distributions are not scanned for it (the scan, with ``importlib.metadata``,
costs tens of milliseconds of a cold ``xfc check``; :func:`known` answers for a built-in
name from the table alone).  So a third party that registers a built-in's name replaces
nothing.  Whenever xfc does scan (a listing, a name that is not built in), such a
distribution is refused: each of its plugins fails to load with a :class:`PluginError`
that names the built-in name it claims, and :func:`refused` lists it for the messages
that show the available names.

A third-party check reports its findings under codes of its own, written
``<check>/<slug>`` (e.g. ``acme/no-debug-image``), with an explicit severity
(:meth:`compiler.diagnostics.Diagnostics.add`); xfc's registered codes stay xfc's.

Codes: none here; callers turn :class:`PluginError` into ``plugin-error`` diagnostics
(compile) or usage errors (the CLI's ``--emit``/``--target``/``--check`` choices).
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Protocol, cast, runtime_checkable

if TYPE_CHECKING:  # imported when first scanned: a run of built-ins alone never scans
    from importlib import metadata

    # annotations of the protocols only: importing the IR here would import the
    # X-factor model into every run, one that stops at load included
    from .bundle_api import BundleInput, CsarParts, Finding, WrittenPackage
    from .model.ir import Analysed, BackEndInput

from .diagnostics import Diagnostics
from .model import OutputFile

if TYPE_CHECKING:  # the Target protocol's types; a check that stops early builds no X-factor model
    from .model.xfactor import ResolvedWiring
    from .target_api import Context, Realisation, TargetInput


@runtime_checkable
class Emitter(Protocol):
    name: str
    description: str

    # path, options and the IR (topology without its syntax, X-factor model, plan)
    def emit(self, ir: BackEndInput, diags: Diagnostics) -> list[OutputFile]: ...


@runtime_checkable
class Bundler(Protocol):
    """xfc's bundler call (issue 25): ``package(inp)`` with a
    :class:`compiler.bundle_api.BundleInput`; ``needs`` names what the application layer
    computes for it beyond the compilation (``"variants"``, ``"wiring"``, ``"sources"``).

    Optional (read with :func:`gates_of`, as a third party may leave it out): ``gates``,
    the names of the gates (:data:`BUILTIN_GATES`) every package of this format goes
    through under ``xfc bundle --verify``; ``lays_out``, whether its packages are laid
    out for a target's ``package_layout`` (the CSAR), so that the target's gates run on
    them too."""

    name: str
    description: str
    needs: frozenset[str]

    def package(self, inp: BundleInput) -> list[OutputFile]: ...


@runtime_checkable
class UnitBundler(Protocol):
    """The older third-party call, still honoured: ``bundle(unit, files, diags)`` with the
    compilation, its files and its diagnostics."""

    name: str
    description: str

    def bundle(self, unit: Analysed, files: list[OutputFile],
               diags: Diagnostics) -> list[OutputFile]: ...


@runtime_checkable
class Check(Protocol):
    name: str
    description: str

    # the compilation the checks ran on (compiler.pipeline.Compilation)
    def check(self, unit: Analysed, diags: Diagnostics) -> None: ...


@runtime_checkable
class Target(Protocol):
    """An orchestrator the failure policies are written for (``--target NAME``): the one
    place that says what it can express (``realise``: what it loses becomes an
    ``unsupported`` warning, :mod:`compiler.unsupported`), the files it adds under
    ``policies/`` and what it needs from the caller.  The types are
    :mod:`compiler.target_api`'s; ``compiler.emitters.policies.targets.PolicyTarget`` is
    the base class the built-ins override.

    Optional, with PolicyTarget's defaults when absent (read with ``getattr``, as a third
    party may leave them out): ``labels_alerts`` (bool) and ``alert_labels(ctx, rw, index)
    -> (labels, annotations)``, what the target adds to the PrometheusRule's alerts;
    ``package_layout`` (str | None), the CSAR layout it asks of ``xfc bundle --format
    csar`` (a :class:`CsarLayout`'s name, :data:`BUILTIN_LAYOUTS`); ``gates``
    (tuple[str, ...]), the gates a package laid out for it goes through under
    ``--verify`` (:data:`BUILTIN_GATES`); ``deploys_manifests`` (bool), whether it
    deploys the package's Kubernetes manifests itself (the Kubernetes back end then
    applies its rules)."""

    name: str
    title: str

    def realise(self, ctx: Context, rw: ResolvedWiring, index: int) -> Realisation: ...

    def documents(self, ctx: Context) -> Mapping[str, tuple[object, str]]: ...

    def check(self, unit: TargetInput, ctx: Context, diags: Diagnostics) -> None: ...


@runtime_checkable
class CsarLayout(Protocol):
    """What a target asks of a SOL004 CSAR (``xfc bundle --format csar --target NAME``,
    named by the target's ``package_layout``): ``min_spec``, the least SOL004 version
    its manifest declares (None: the imported SOL001 types' version), and
    ``lay_out(inp, parts)``, which adds the target's files, TOSCA.meta blocks, non-MANO
    artifact sets and files written beside the CSAR to ``parts``."""

    name: str
    min_spec: str | None

    def lay_out(self, inp: BundleInput, parts: CsarParts) -> None: ...


@runtime_checkable
class Gate(Protocol):
    """A consumer's rules, run on a package as written (``xfc bundle --verify``):
    ``verify(pkg)`` returns its findings, or None when the consumer's code it runs is not
    installed.  Optional: ``listed`` (str), the name the verdict line always lists it by
    (a gate whose findings come from the consumer's own code); ``missing`` (str), what
    ``--verify`` says when it returned None."""

    name: str
    description: str

    def verify(self, pkg: WrittenPackage) -> list[Finding] | None: ...


BUILTIN_EMITTERS: dict[str, str] = {
    "kubernetes": "compiler.emitters.kubernetes:EMITTER",
    "policies": "compiler.emitters.policies:EMITTER",
    "operator": "compiler.emitters.operator:EMITTER",
}

BUILTIN_BUNDLERS: dict[str, str] = {
    "helm": "compiler.bundlers.helm:BUNDLER",
    "kustomize": "compiler.bundlers.kustomize:BUNDLER",
    "csar": "compiler.bundlers.csar:BUNDLER",
    "onap-helm": "compiler.bundlers.onap:BUNDLER",
    "osm": "compiler.bundlers.osm:BUNDLER",
}

# The orchestrators the failure policies are written for (``--target``).
# Table order is the order of explanations and warnings.
BUILTIN_TARGETS: dict[str, str] = {
    "kubernetes": "compiler.emitters.policies.targets:KUBERNETES",
    "tacker": "compiler.emitters.policies.targets:TACKER",
    "onap": "compiler.emitters.policies.targets:ONAP",
    "osm": "compiler.emitters.policies.targets:OSM",
}

# Opt-in checks run by name (``--check``); xfc's own rules always run (compiler.checks).
BUILTIN_CHECKS: dict[str, str] = {}

# The CSAR layouts the targets name (``package_layout``).
BUILTIN_LAYOUTS: dict[str, str] = {
    "onap": "compiler.bundlers.layouts:ONAP",
    "tacker": "compiler.bundlers.layouts:TACKER",
}

# The consumers' gates the bundle formats and the targets name (``gates``).
BUILTIN_GATES: dict[str, str] = {
    "helm-lint": "compiler.bundlers.gate_table:HELM_LINT",
    "sdc-helm-package": "compiler.bundlers.gate_table:SDC_HELM_PACKAGE",
    "sdc-sol004": "compiler.bundlers.gate_table:SDC_SOL004",
    "vtp": "compiler.bundlers.gate_table:VTP",
    "osm": "compiler.bundlers.gate_table:OSM",
    "tacker": "compiler.bundlers.gate_table:TACKER",
    "tacker-code": "compiler.bundlers.gate_table:TACKER_CODE",
}


@dataclass(frozen=True, slots=True)
class Kind:
    group: str
    builtins: dict[str, str]
    protocol: type
    what: str
    also: type | None = None  # an older protocol still accepted (bundlers: UnitBundler)


KINDS: dict[str, Kind] = {
    "emitter": Kind("xfc.emitters", BUILTIN_EMITTERS, Emitter, "back end"),
    "bundler": Kind("xfc.bundlers", BUILTIN_BUNDLERS, Bundler, "bundler", UnitBundler),
    "target": Kind("xfc.targets", BUILTIN_TARGETS, Target, "policy target"),
    "check": Kind("xfc.checks", BUILTIN_CHECKS, Check, "check"),
    "layout": Kind("xfc.layouts", BUILTIN_LAYOUTS, CsarLayout, "CSAR layout"),
    "gate": Kind("xfc.gates", BUILTIN_GATES, Gate, "gate"),
}


from .errors import PluginError  # noqa: E402  (part of the library API: compiler.errors)


_EP_CACHE: dict[str, dict[str, list[metadata.EntryPoint]]] = {}
# distribution -> the built-in names it registers: [(kind, "back end 'kubernetes' (xfc.emitters)")]
_SHADOWING: dict[str, list[tuple[str, str]]] = {}
_EP_LOCK = threading.Lock()


def _entry_points(group: str) -> dict[str, list[metadata.EntryPoint]]:
    """The entry points of one xfc group by name.  Scanning the installed distributions'
    metadata takes tens of milliseconds, so it is done once for all xfc groups and kept
    (:func:`refresh` forgets it, e.g. after installing a plugin in a running process).
    Loading or validating a built-in name never calls it (see the module docstring)."""
    from importlib import metadata  # noqa: PLC0415 - tens of ms, only for third parties

    with _EP_LOCK:
        if not _EP_CACHE:
            every = metadata.entry_points()  # one scan; .select() filters it
            for kind_name, k in sorted(KINDS.items(), key=lambda kv: kv[1].group):
                _EP_CACHE[k.group] = {}
                for ep in every.select(group=k.group):
                    _EP_CACHE[k.group].setdefault(ep.name, []).append(ep)
                    if ep.name in k.builtins:
                        _SHADOWING.setdefault(_dist(ep), []).append(
                            (kind_name, f"{k.what} {ep.name!r} ({k.group})"))
        return _EP_CACHE.get(group, {})


def refresh() -> None:
    """Forget the scanned entry points and the loaded plugins."""
    with _EP_LOCK:
        _EP_CACHE.clear()
        _SHADOWING.clear()
    with _LOCK:
        _CACHE.clear()


def _dist(ep: metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return getattr(dist, "name", None) or "an unknown distribution"


def names(kind: str) -> list[str]:
    """Every name of ``kind`` a call may use: built-ins, then third parties (sorted);
    no plugin is imported.  This scans the installed distributions."""
    k = KINDS[kind]
    extra = sorted(n for n in _entry_points(k.group) if n not in k.builtins)
    return list(k.builtins) + extra


def known(kind: str, name: str) -> bool:
    """Whether ``name`` is a plugin of ``kind`` (built in, or registered by an installed
    distribution); a built-in name is answered from the table, without a scan."""
    k = KINDS[kind]
    return name in k.builtins or name in _entry_points(k.group)


def refused(kind: str | None = None) -> list[str]:
    """One line per installed distribution that registers a built-in name (of ``kind``,
    or of any kind): its plugins are refused, and the built-ins stay xfc's.  Scans."""
    _entry_points(KINDS[kind].group if kind else "")
    with _EP_LOCK:
        return [f"distribution {dist!r} registers xfc's own {', '.join(t for _, t in claims)}; "
                "its plugins are refused"
                for dist, claims in sorted(_SHADOWING.items())
                if kind is None or any(k == kind for k, _ in claims)]


def available(kind: str) -> str:
    """The names of ``kind`` for a message (``names``, then any refused distribution)."""
    text = ", ".join(names(kind)) or "none"
    bad = refused(kind)
    return text + (f" ({'; '.join(bad)})" if bad else "")


def _load_ref(ref: str) -> Any:
    module, _, attr = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def _check(kind: Kind, name: str, obj: Any, origin: str) -> Any:
    if isinstance(obj, type):
        obj = obj()
    if not isinstance(obj, kind.protocol) and not (kind.also is not None and isinstance(obj, kind.also)):
        raise PluginError(f"{kind.what} plugin {name!r} from {origin} does not implement "
                          f"{kind.protocol.__name__}")
    if getattr(obj, "name", None) != name:
        raise PluginError(f"{kind.what} plugin registered as {name!r} by {origin} calls itself "
                          f"{getattr(obj, 'name', None)!r}")
    return obj


def _load(kind_name: str, name: str) -> Any:
    kind = KINDS[kind_name]
    if name in kind.builtins:  # always xfc's own, from the table: no scan (module docstring)
        return _check(kind, name, _load_ref(kind.builtins[name]), "xfc")
    eps = _entry_points(kind.group).get(name, [])
    if not eps:
        raise PluginError(f"no {kind.what} named {name!r} (available: {available(kind_name)})")
    if len({_dist(ep) for ep in eps}) > 1:
        dists = ", ".join(sorted({_dist(ep) for ep in eps}))
        raise PluginError(f"{kind.what} {name!r} is registered in {kind.group} by more than one "
                          f"distribution: {dists}")
    with _EP_LOCK:
        claims = [text for _, text in _SHADOWING.get(_dist(eps[0]), ())]
    if claims:
        raise PluginError(f"{kind.what} plugin {name!r} is refused: distribution "
                          f"{_dist(eps[0])!r} also registers xfc's own {', '.join(claims)} "
                          "(built-in names always mean xfc's plugins)")
    ep = eps[0]
    origin = f"distribution {_dist(ep)!r}"
    try:
        obj = ep.load()
    except Exception as exc:  # noqa: BLE001 - a broken third-party plugin fails only this call
        raise PluginError(f"{kind.what} plugin {name!r} from {origin} ({ep.value}) cannot be "
                          f"loaded: {type(exc).__name__}: {exc}") from exc
    try:
        return _check(kind, name, obj, origin)
    except PluginError:
        raise
    except Exception as exc:  # noqa: BLE001 - its constructor raised
        raise PluginError(f"{kind.what} plugin {name!r} from {origin} cannot be created: "
                          f"{type(exc).__name__}: {exc}") from exc


_CACHE: dict[tuple[str, str], Any] = {}
_CACHE_MAX = 256
_LOCK = threading.Lock()


def get(kind: str, name: str) -> Any:
    """The plugin of ``kind`` registered as ``name``, imported on first use.

    Raises :class:`PluginError` when there is none or it cannot be used; failures are not
    cached (after :func:`refresh`, an installed fix is seen by the next call).
    """
    if kind not in KINDS:
        raise PluginError(f"no plugin kind {kind!r} (kinds: {', '.join(KINDS)})")
    key = (kind, name)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    obj = _load(kind, name)
    with _LOCK:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        return _CACHE.setdefault(key, obj)


# get() has checked the plugin against its kind's protocol (_check): the casts say so

def emitter(name: str) -> Emitter:
    return cast(Emitter, get("emitter", name))


def bundler(name: str) -> Bundler | UnitBundler:
    return cast("Bundler | UnitBundler", get("bundler", name))


def target(name: str) -> Target:
    return cast(Target, get("target", name))


def check(name: str) -> Check:
    return cast(Check, get("check", name))


def layout(name: str) -> CsarLayout:
    return cast(CsarLayout, get("layout", name))


def gate(name: str) -> Gate:
    return cast(Gate, get("gate", name))


def gates_of(plugin: object) -> tuple[str, ...]:
    """The gate names a bundler or a target names (its ``gates``; none when absent)."""
    named = getattr(plugin, "gates", ())
    return tuple(str(g) for g in named) if isinstance(named, (tuple, list)) else ()


def gates_for(fmt: str, layout: str | None, targets: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The gates ``xfc bundle --verify`` runs on a package of bundle format ``fmt``: the
    format's, then, for a package laid out in ``layout`` (a format that ``lays_out``),
    those of each target in ``targets`` whose ``package_layout`` it is; each once."""
    b = bundler(fmt)
    names = list(gates_of(b))
    if layout is not None and getattr(b, "lays_out", False):
        for t in targets:
            plugin = target(t)
            if getattr(plugin, "package_layout", None) == layout:
                names += gates_of(plugin)
    return tuple(dict.fromkeys(names))


def emitters() -> dict[str, Emitter]:
    """Every built-in emitter, loaded (third-party ones are loaded only by name)."""
    return {name: emitter(name) for name in BUILTIN_EMITTERS}


def bundlers() -> dict[str, Bundler | UnitBundler]:
    """Every built-in bundler, loaded (third-party ones are loaded only by name)."""
    return {name: bundler(name) for name in BUILTIN_BUNDLERS}


__all__ = [
    "BUILTIN_BUNDLERS", "BUILTIN_CHECKS", "BUILTIN_EMITTERS", "BUILTIN_GATES", "BUILTIN_LAYOUTS",
    "BUILTIN_TARGETS", "Bundler", "UnitBundler", "Check", "CsarLayout", "Emitter", "Gate", "KINDS",
    "PluginError", "Target", "available", "bundler", "bundlers", "check", "emitter", "emitters",
    "gate", "gates_for", "gates_of", "get", "known", "layout", "names", "refresh", "refused",
    "target",
]
