"""The pipeline: load → resolve → normalize → graph → check → emit.

Phase: driver.  Input: a path and the :class:`Options`.  Output: a :class:`Compilation`
holding every phase's result and the diagnostics.  Each phase is a function
``phase(input, ..., diags) -> output``; the driver stops at a phase boundary when errors
exist (after load, resolve, normalize and graph), so later phases may assume a clean
input.  Nothing here prints or exits: results carry their diagnostics; invalid options
raise :class:`compiler.errors.OptionsError` before any phase runs.  Emitters get a
:class:`BackEndInput` (the IR and the options).  Bundlers run after this, from
``xfc bundle`` (:mod:`compiler.commands.bundle`), on the compilation and its files.

Codes: ``plugin-error`` (an emitter the options name is unknown or cannot be loaded:
reported, and the other emitters still run), and those of the phases it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from .diagnostics import Diagnostics, Span
from .errors import OptionsError
from .model import OutputFile, Topology
from .names import is_dns_label
from .options import Options

if TYPE_CHECKING:  # the front end imports them when it builds them (the loader's package
    # too: a command that never loads does not import the loader); a run that stops
    # at load (a missing artifact) never does
    from .loader.package import Package
    from .model.ir import BackEndInput  # imports the X-factor model: made by back_end_input
    from .model.xfactor import Plan, XModel


def option_problems(options: Options, *, fields: bool = False) -> list[str]:
    """Problems with the caller's options (not the descriptor): the CLI exits 2 on them.

    Messages name the command-line flag, or with ``fields=True`` the ``Options`` field
    (what the library API raises as :class:`compiler.errors.OptionsError`)."""
    problems = []
    ns = options.namespace
    name = {True: ("Options.namespace", "Options.targets"),
            False: ("--namespace", "--target")}[fields]
    if ns is not None and not is_dns_label(ns):
        problems.append(f"{name[0]} {ns!r} is not a DNS-1123 label (lower-case letters, "
                        "digits and '-', at most 63 characters, starting and ending alphanumeric)")
    image = options.operator_image
    if image is not None and (not image or any(c.isspace() or not c.isprintable() for c in image)
                              or len(image) > 512):
        field_name = "Options.operator_image" if fields else "--operator-image"
        problems.append(f"{field_name} {image!r} is not an image reference")
    if options.kube_version is not None:
        from .kubeversions import problem

        why = problem(options.kube_version)
        if why is not None:
            flag = "Options.kube_version" if fields else "--kube-version"
            problems.append(f"{flag} {why}")
    # targets are plugins: built-ins (no scan needed) and xfc.targets entry points
    from .plugins import available, known

    unknown = sorted(t for t in set(options.targets) if not known("target", t))
    if unknown:
        what = f"{name[1]}: unknown target" if fields else "unknown --target"
        problems.append(f"{what} {unknown[0]!r}; choose from {available('target')}")
    return problems


def validate_options(options: Options, *, emit: bool) -> None:
    """Raise :class:`OptionsError` (naming the ``Options`` field) for options no input can
    make valid (a namespace that is no DNS label, a target no plugin provides).  ``emit``
    is kept for the callers' sake and changes nothing: an emitter is a plugin loaded by
    name in :func:`back_end`."""
    # An emitter is a plugin loaded by name in back_end: one that is unknown or broken is a
    # plugin-error diagnostic of the calls that name it (docs/architecture.md, Plugins),
    # so ``emit`` adds no check here.
    problems = option_problems(options, fields=True)
    if problems:
        raise OptionsError(problems[0])


@dataclass(slots=True, kw_only=True)
class Compilation:
    """What the phases have produced so far for one input."""

    path: str
    options: Options
    diagnostics: Diagnostics
    package: Package | None = None
    topology: Topology | None = None
    xmodel: XModel | None = None
    plan: Plan | None = None
    outputs: list[OutputFile] = field(default_factory=list)
    # a network service's NSD as resolve made it, before the middle end composed its VNFs
    # into ``topology`` (None otherwise): the Helm wiring reruns the middle end from it
    resolved: Topology | None = None
    # the VNFDs a network service's compose resolved (ns.compose's ``resolved``): shared
    # with the Helm wiring's reruns, which resolve again only the VNFDs a probe changes
    vnfds: dict[tuple[str | None, ...], tuple[Topology, XModel]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def front_end(path: str, options: Options, diags: Diagnostics | None = None) -> Compilation:
    """Load, resolve, normalise, build the graph and run the checks."""
    return after_load(load_phase(path, options, diags))


def load_phase(path: str, options: Options, diags: Diagnostics | None = None) -> Compilation:
    """Load only: the package, read once (the first step of :func:`front_end`; a check of
    every deployment flavour resolves each from it, :mod:`compiler.api.flavours`)."""
    from .loader import load

    diags = diags if diags is not None else Diagnostics()
    diags.max_per_code = options.limits.max_diagnostics_per_code
    unit = Compilation(path=path, options=options, diagnostics=diags)
    unit.package = load(path, options, diags)
    return unit


def after_load(unit: Compilation) -> Compilation:
    """The front end after :func:`load_phase`: the ``--tosca-parser`` verdict, resolve,
    and the middle end when they leave no error."""
    options, diags = unit.options, unit.diagnostics
    if unit.package is not None and options.tosca_parser:
        # asked for even when xfc refuses the package: the user wants Tacker's verdict
        from .checks.tosca_parser import tosca_parser_verdict

        tosca_parser_verdict(unit.package, options, diags)
    if unit.package is None or diags.has_errors:
        return unit
    from .resolve import resolve

    unit.topology = resolve(unit.package, options, diags)
    if unit.topology is None or diags.has_errors:
        return unit
    return middle_end(unit)


def middle_end(unit: Compilation) -> Compilation:
    """Normalise, build the graph and run the checks on a resolved topology (the part of
    :func:`front_end` after resolve; the Helm bundler's wiring runs it again on a topology
    with the inputs' values changed, :mod:`compiler.api.wiring`)."""
    assert unit.topology is not None
    options, diags = unit.options, unit.diagnostics
    from .checks import run_checks
    from .graph import build_plan
    from .normalize import normalize

    from .ns import compose, is_service

    if is_service(unit.topology, options):  # hook (issue 26): an NSD's VNFs, substituted
        assert unit.package is not None  # an NSD's VNF descriptors are in its package
        unit.resolved = unit.topology
        service = compose(unit.package, unit.topology, options, diags, unit.vnfds)
        if service is None or diags.has_errors:
            return unit
        unit.topology, unit.xmodel = service
    else:
        unit.xmodel = normalize(unit.topology, diags)
    if diags.has_errors:
        return unit
    unit.plan = build_plan(unit.topology, unit.xmodel, diags)
    if diags.has_errors:
        return unit
    run_checks(unit, diags)
    return unit


def back_end_input(unit: Compilation) -> BackEndInput:
    """The IR-only view of a clean front-end result (see
    :class:`compiler.model.ir.BackEndInput`, re-exported here)."""
    from .model.ir import BackEndInput

    assert unit.topology is not None and unit.xmodel is not None and unit.plan is not None
    return BackEndInput(path=unit.path, options=unit.options, topology=unit.topology,
                        xmodel=unit.xmodel, plan=unit.plan)


def back_end(unit: Compilation) -> Compilation:
    """Run the selected emitters on a clean front-end result; each gets the
    :class:`BackEndInput` (the IR and the options) and the call's diagnostics."""
    from .plugins import PluginError, emitter

    validate_options(unit.options, emit=True)
    if not unit.ok or unit.topology is None:
        return unit
    view = back_end_input(unit)
    for name in unit.options.emitters:
        try:  # loaded by name: a broken plugin fails only the compilations that name it
            plugin = emitter(name)
        except PluginError as exc:
            unit.diagnostics.add("plugin-error", str(exc), Span(unit.path))
            continue
        unit.outputs.extend(plugin.emit(view, unit.diagnostics))
    unit.outputs.sort(key=lambda f: f.path)
    return unit


__all__ = ["BackEndInput", "Compilation", "Options", "after_load", "back_end", "back_end_input",
           "front_end", "load_phase", "middle_end", "option_problems", "validate_options"]


def __getattr__(name: str) -> Any:
    """``BackEndInput``, re-exported from :mod:`compiler.model.ir` on first use (PEP 562):
    importing it here would import the X-factor model into every run, a check that
    stops at load included (tests/unit/test_lazy_imports.py)."""
    if name == "BackEndInput":
        from .model.ir import BackEndInput

        return BackEndInput
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
