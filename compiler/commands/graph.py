"""``xfc graph PATH --format dot|mermaid|json``: the dependency graph of a descriptor.

Phase: CLI (read-only on the front end's plan).  Output: Graphviz DOT or a Mermaid
flowchart (workloads coloured by state, backing services as cylinders, wirings drawn by
stickiness, chains as clusters), or JSON (nodes, edges with kinds and positions, waves,
chains in startup order, resolved wirings).  Exit 0, or 1 when the descriptor has
errors (diagnostics then go to the output instead of the graph).  With dot or mermaid,
warnings and notes go to stderr so that the output stays a clean graph.  The renderers
live with the graph, in :mod:`compiler.graph.render`; this module is the CLI shell.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from .. import api
from .common import add_input_arguments, options_from_args, report

DESCRIPTION = """\
Build the deployment-order graph of a descriptor: node templates, and an edge from each
dependent to what it depends on (requirements, relationships, wirings, backing-service
uses).  Workloads are coloured by process state (blue stateless, orange stateful), backing
services are grey cylinders, wirings are drawn by stickiness (none thin, connection
dashed, session bold, pinned bold red) and chains are boxed; each VNF of a network service
(an NSD) is a solid frame round its templates.  JSON also lists the deployment waves
(dependencies first), chain startup orders, every resolved wiring and, for an NSD, the
VNF units.

examples:
  xfc graph samples/5g-core-slice/slice.yaml > slice.dot   # Graphviz draws it: dot -Tsvg slice.dot
  xfc graph samples/sol001-firewall-chain --format mermaid
  xfc graph samples/5g-core-slice/slice.yaml --format json > graph.json   # .graph.waves: the order
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, "graph")


def run(args: argparse.Namespace, out: TextIO) -> int:
    result = api.graph(api.GraphRequest(path=args.path, options=options_from_args(args),
                                        format=args.format))
    unit = result.unit
    if not result.ok:
        return report(unit, args, out) or 1
    if args.format == "json":
        return report(unit, args, out, json_extra={"graph": result.data})
    if len(unit.diagnostics) and not getattr(args, "quiet", False):
        report(unit, args, sys.stderr)
    out.write(result.text or "")
    return 0
