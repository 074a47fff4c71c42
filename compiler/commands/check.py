"""``xfc check PATH``: compile a descriptor for the chosen targets, and write nothing.

Phase: CLI.  Runs the front end and then the same back ends as ``compile`` (``--emit``,
``--target``, ``--param``, ``--namespace``), discarding their files, so that anything
``compile`` would reject, ``check`` rejects (back-end codes such as
``k8s-object-missing`` included).  Exit 0 when the descriptor has no errors (warnings and
notes allowed), 1 when it has errors, 2 for misuse (as ``compile``).

Every deployment flavour (issue 21, item 6): without ``--flavour``, a SOL001 VNFD with
several flavours is checked once per flavour (:func:`check_flavours`).  A diagnostic
that every flavour reports is printed once, as it is; one that only some flavours
report ends in ``(in flavour 'F')`` (or ``(in flavours 'F', 'G')``); the summary names
the flavours checked.  ``--tosca-parser`` runs once, on the package.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TextIO

from .. import batch
from .. import compile as compile_
from ..diagnostics import Diagnostics
from ..pipeline import Compilation, Options
from .common import add_backend_arguments, add_input_arguments, compile_unit, report

HELP = "check a descriptor or CSAR and report problems (writes nothing)"
DESCRIPTION = """\
Read the descriptor (a .yaml file, a CSAR directory, or a .csar/.zip archive), resolve
its imports, types, inputs and functions, build the dependency graph and run every
X-factor check, then run the back ends that compile would run (--emit, --target,
--param, --namespace: the same flags as compile) and write nothing: check rejects
whatever compile would reject.  A VNFD with several deployment flavours is checked in
every flavour unless --flavour names one; a problem of some flavours only says which.
Problems are printed as
file:line:col: severity[code]: message with the source line; `xfc codes` lists every
code.

examples:
  xfc check samples/5g-core-slice/slice.yaml
  xfc check samples/sol001-v4-container-vnf/vnfd.yaml --flavour default
  xfc check samples/5g-core-slice/slice.yaml --set slice_id=01-000002
  xfc check samples/sol001-firewall-chain --format sarif > xfc.sarif   # for code scanning
  xfc check samples/sol001-firewall-chain --target tacker --param vnf_instance_id=3f2a-77
  xfc check samples/sol001-v4-container-vnf/vnfd.yaml --tosca-parser   # and Tacker's parser
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, "check", many=True)
    batch.add_arguments(parser)
    parser.add_argument("--tosca-parser", action="store_true", dest="tosca_parser", default=None,
                        help="also run tosca-parser (Tacker's parser) offline in a subprocess "
                             "and report whether it accepts the package")
    add_backend_arguments(parser.add_argument_group("back ends run (as compile, nothing written)"))


def check(path: str, options: Options) -> Compilation:
    """Front end and back ends in memory; the files are dropped, never written."""
    return compile_(path, options)


# the resolver's word when no flavour can be chosen: superseded by checking each one
_CHOOSE = "deployment flavours; choose one with --flavour"


def _flavours_of(unit: Compilation) -> tuple[str, ...]:
    """The flavour ids to check ``unit``'s package in, when it has several and no
    ``--flavour`` named one; else ``()``."""
    if unit.options.flavour is not None or unit.package is None:
        return ()
    if unit.topology is not None:
        ids = tuple(unit.topology.flavours or ())
    elif any(d.code == "tosca-flavour" and _CHOOSE in d.message for d in unit.diagnostics):
        from ..resolve.flavours import flavour_ids

        ids = flavour_ids(unit.package, unit.options)
    else:
        return ()
    return ids if len(ids) > 1 else ()


def merge_flavours(units: dict[str, Compilation], first: Compilation) -> Diagnostics:
    """One set of diagnostics for the flavours' compilations: what every flavour reports
    once, as it is; what only some report, with the flavours named in the message.
    ``first`` is the compilation without ``--flavour``: its tosca-parser verdict and its
    flavour problems other than "choose one" are kept."""
    merged = Diagnostics(max_per_code=first.diagnostics.max_per_code)
    found: dict[tuple, tuple[object, list[str]]] = {}
    for fid, unit in units.items():
        merged.sources.update(unit.diagnostics.sources)
        merged.chains.update(unit.diagnostics.chains)
        for d in unit.diagnostics:
            if d.code.startswith("tosca-parser"):
                continue  # the package's verdict, taken from ``first`` below
            key = (d.code, d.message, d.span, d.severity, d.path, d.hint)
            found.setdefault(key, (d, []))[1].append(fid)
    merged.sources.update(first.diagnostics.sources)
    merged.chains.update(first.diagnostics.chains)
    for d in first.diagnostics:
        if d.code.startswith("tosca-parser") or (d.code == "tosca-flavour" and _CHOOSE not in d.message):
            found.setdefault((d.code, d.message, d.span, d.severity, d.path, d.hint),
                             (d, list(units)))
    for d, fids in found.values():
        message = d.message
        if len(fids) < len(units):
            names = ", ".join(repr(f) for f in fids)
            message += f" (in flavour{'s' * (len(fids) > 1)} {names})"
        merged.add(d.code, message, d.span, path=d.path, hint=d.hint, severity=d.severity)
    return merged


def check_flavours(path: str, options: Options) -> tuple[Compilation, tuple[str, ...]]:
    """``check``, in every deployment flavour when ``options`` names none and the VNFD has
    several.  Returns the compilation to report (its diagnostics merged across flavours)
    and the flavours checked (``()`` when one compilation said all)."""
    first = check(path, options)
    ids = _flavours_of(first)
    if not ids:
        return first, ()
    units: dict[str, Compilation] = {}
    for fid in ids:
        if first.topology is not None and first.topology.flavour == fid:
            units[fid] = first  # the flavour the VNF names: already checked
        else:  # tosca-parser judges the package, not a flavour: once is enough
            units[fid] = check(path, replace(options, flavour=fid, tosca_parser=False))
    merged = merge_flavours(units, first)
    return Compilation(path=first.path, options=options, diagnostics=merged,
                       package=first.package), ids


def run(args: argparse.Namespace, out: TextIO) -> int:
    if isinstance(args.path, list):  # from the command line: one PATH or a batch
        if batch.wanted(args):
            return batch.run("check", args, out)
        args.path = args.path[0]
    checked: tuple[str, ...] = ()

    def runner(path: str, options: Options) -> Compilation:
        nonlocal checked
        unit, checked = check_flavours(path, options)
        return unit

    unit = compile_unit(args, runner=runner)
    return report(unit, args, out, flavours=checked,
                  json_extra={"flavours": list(checked)} if checked else None)
