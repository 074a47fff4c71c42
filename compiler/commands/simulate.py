"""``xfc simulate PATH --fail NODE``: what the executor of the FailurePolicy does when NODE fails.

Phase: CLI (read-only on the front end's plan; the model is
:mod:`compiler.graph.simulate`).  Output: the timed events — which wirings fail and when,
each step of their ladders with what it scales (down in shutdown order, up in startup
order) and whom it notifies, how — then each wiring's phase (spec §6), the scaling actions
and notifications in order, and the final state; or, with ``--format json``, the same as
one JSON document (docs/policies.md, "simulate --format json").  Exit 0, 1 when the
descriptor has errors, 2 when NODE is not a node template.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import argparse
from ..suggest import close_matches
import sys
from typing import TextIO

from .. import api
from .common import UsageError, add_input_arguments, options_from_args, report

DESCRIPTION = """\
Compile the descriptor's FailurePolicy and play it out, as xfc operator acts on it (spec
§6), for the failure of one node: every wiring towards it fails after its detect_after,
and its ladder runs step by step: reconnect waits for a Ready Pod, notify sends the
failure context to the source and the propagate nodes (Event, HTTP POST or signal) and
waits, reinstantiate scales its scope down in shutdown order and up in startup order,
shutdown_chain scales the chain down and leaves it down.  It ends with each wiring's
phase (Recovered, ShutDown, Failing, Healthy), every scaling action and notification in
order, and the final state.  By default every instance of NODE fails; --instance fails
one, which the executor does not see as a failure while NODE keeps another Ready Pod.

examples:
  xfc simulate samples/5g-core-slice/slice.yaml --fail upf
  xfc simulate samples/sol001-firewall-chain --fail nat --format json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, "simulate")
    parser.add_argument("--fail", metavar="NODE", required=True,
                        help="the node template that fails")
    parser.add_argument("--instance", action="store_true",
                        help="only one instance of NODE fails (no failure while NODE keeps a Ready Pod)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    result = api.simulate(api.SimulateRequest(path=args.path, options=options_from_args(args),
                                              node=args.fail, instance=args.instance))
    unit = result.unit
    if result.unknown_node:
        nodes = result.nodes
        close = close_matches(args.fail, list(nodes))
        hint = f"; did you mean {close[0]!r}?" if close else f"; node templates: {', '.join(nodes)}"
        raise UsageError(f"--fail {args.fail!r} names no node template of {args.path}{hint}")
    if not result.ok:
        return report(unit, args, out) or 1
    if args.format == "json":
        return report(unit, args, out, json_extra={"simulation": result.as_json()})
    if len(unit.diagnostics) and not getattr(args, "quiet", False):
        report(unit, args, sys.stderr)
    out.write(result.as_text())
    return 0
