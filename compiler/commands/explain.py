"""``xfc explain PATH --wiring NAME``: how one wiring's failure ladder is realised.

Phase: CLI.  Runs the front end (load, resolve, normalise, graph, checks), then prints,
in plain words, each step of the wiring's ``on_failure`` ladder with its resolved
arguments and orders, how Kubernetes, Tacker, ONAP and OSM realise it, and what is
lost on the targets that cannot express it (compiler.emitters.policies.explain).
Exit 0 on success, 1 when the descriptor has errors, 2 for an unknown wiring name.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from .. import api
from ..errors import PluginError
from .common import UsageError, add_input_arguments, options_from_args, report

DESCRIPTION = """\
Check the descriptor, then print, for every step of the escalation ladder of the wiring
NAME, what the step does (arguments, shutdown and startup orders resolved), how each
target realises it (Kubernetes: what xfc operator does with the FailurePolicy, and the
PrometheusRule; Tacker's Prometheus plugin; ONAP operational policy; OSM
healing-aspect), and what is lost on a target that cannot express it.  --target marks the orchestrators you compile for.

examples:
  xfc explain samples/5g-core-slice/slice.yaml --wiring smf.wiring
  xfc explain samples/sol001-firewall-chain --wiring fw-to-nat --target onap --target osm
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, "explain")
    parser.add_argument("--wiring", metavar="NAME", required=True,
                        help="the wiring to explain (its policy name, or "
                             "<source>.<requirement> for the relationship form; an NS "
                             "wiring to or from a VNF node: every wiring it became)")
    parser.add_argument("--target", metavar="ORCH", action="append", dest="targets",
                        help="orchestrator compiled for (repeatable; default: kubernetes); "
                             "every built-in target is explained, and a chosen third-party "
                             "one; the chosen ones are marked")


def run(args: argparse.Namespace, out: TextIO) -> int:
    options = options_from_args(args)
    problems = api.option_problems(options)
    if problems:
        raise UsageError(problems[0])
    try:
        result = api.explain(api.ExplainRequest(path=args.path, options=options,
                                                wiring=args.wiring))
    except PluginError as exc:  # a chosen third-party target that cannot be loaded
        raise UsageError(str(exc)) from None
    unit, text = result.unit, result.text
    if not unit.ok:
        return report(unit, args, out)
    if text is None:
        known = ", ".join(result.wirings)
        raise UsageError(
            f"no wiring named {args.wiring!r} in {args.path}"
            + (f"; its wirings are: {known}" if known else "; it has no wirings")
        )
    if getattr(args, "format", "text") == "json":
        return report(unit, args, out, json_extra={"wiring": args.wiring, "explanation": text})
    out.write(text)
    return 0
