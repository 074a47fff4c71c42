"""The pipeline: load → resolve → normalize → graph → check → emit.

Phase: driver.  Input: a path and the :class:`Options`.  Output: a :class:`Compilation`
holding every phase's result and the diagnostics.  Each phase is a function
``phase(input, ..., diags) -> output``; the driver stops at a phase boundary when errors
exist, so later phases may assume a clean input.  Nothing here prints or exits: results
carry their diagnostics.  Bundlers (:mod:`compiler.plugins`) are declared but none is
built in, and :func:`back_end` does not run them yet.

Codes: none of its own (those of the phases it runs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .diagnostics import Diagnostics
from .loader.yamlpos import DEFAULT_LIMITS, Limits
from .model import OutputFile, Package, Topology
from .xfactor.model import Plan, XModel


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """Everything a caller can set; the CLI maps its flags one to one onto these."""

    inputs: Mapping[str, Any] = field(default_factory=dict)  # --inputs FILE / --set k=v
    flavour: str | None = None  # --flavour ID (SOL001 deployment flavour)
    profile_paths: tuple[str, ...] = ()  # --profile-path, XFC_PROFILE_PATH
    root: str | None = None  # --root: package root of a lone descriptor (default: its dir)
    namespace: str | None = None  # --namespace
    emitters: tuple[str, ...] = ("kubernetes", "policies")  # --emit: back ends to run
    # --target: the orchestrators the failure policies are written for (kubernetes, onap,
    # osm, tacker); "tacker" also switches PrometheusRule labels to Tacker's plugin.
    targets: tuple[str, ...] = ("kubernetes",)
    # --param KEY=VALUE: values for the back ends that are not the topology's inputs, e.g.
    # vnf_instance_id (Tacker alert labels) and helm_chart (the OSM KDU); see docs/policies.md
    params: Mapping[str, Any] = field(default_factory=dict)
    tosca_parser: bool = False  # --tosca-parser: also ask tosca-parser (compat check)
    limits: Limits = DEFAULT_LIMITS
    quirks: tuple[str, ...] = ("all",)  # named leniencies enabled (see docs/quirks.md)
    network_policies: bool = True  # --no-network-policies leaves NetworkPolicy objects out


_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z")


def option_problems(options: Options) -> list[str]:
    """Problems with the caller's options (not the descriptor): the CLI exits 2 on them."""
    problems = []
    ns = options.namespace
    if ns is not None and not _DNS_LABEL.match(ns):
        problems.append(f"--namespace {ns!r} is not a DNS-1123 label (lower-case letters, "
                        "digits and '-', at most 63 characters, starting and ending alphanumeric)")
    unknown = sorted(set(options.targets) - {"kubernetes", "onap", "osm", "tacker"})
    if unknown:
        problems.append(f"unknown --target {unknown[0]!r}; choose from kubernetes, onap, osm, tacker")
    return problems


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

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def front_end(path: str, options: Options, diags: Diagnostics | None = None) -> Compilation:
    """Load, resolve, normalise, build the graph and run the checks."""
    from .loader import load

    diags = diags if diags is not None else Diagnostics()
    unit = Compilation(path=path, options=options, diagnostics=diags)
    unit.package = load(path, options, diags)
    if unit.package is not None and options.tosca_parser:
        # asked for even when xfc refuses the package: the user wants Tacker's verdict
        from .tosca.compat import tosca_parser_verdict

        tosca_parser_verdict(unit.package, options, diags)
    if unit.package is None or diags.has_errors:
        return unit
    from .tosca import resolve

    unit.topology = resolve(unit.package, options, diags)
    if unit.topology is None or diags.has_errors:
        return unit
    from .checks import run_checks
    from .graph import build_plan
    from .xfactor.normalize import normalize

    unit.xmodel = normalize(unit.topology, diags)
    unit.plan = build_plan(unit.topology, unit.xmodel, diags)
    run_checks(unit, diags)
    return unit


def back_end(unit: Compilation) -> Compilation:
    """Run the selected emitters (and later bundlers) on a clean front-end result."""
    from .plugins import emitters

    if not unit.ok or unit.topology is None:
        return unit
    problems = option_problems(unit.options)
    if problems:
        raise ValueError(problems[0])
    available = emitters()
    for name in unit.options.emitters:
        emitter = available[name]
        unit.outputs.extend(emitter.emit(unit, unit.diagnostics))
    unit.outputs.sort(key=lambda f: f.path)
    return unit
