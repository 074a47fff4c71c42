"""``xfc compile PATH -o DIR``: check, then write Kubernetes manifests and failure policies.

Phase: CLI.  Runs the front end; on errors nothing is written (exit 1).  Otherwise every
selected back end (``--emit``) produces files, which land in DIR atomically
(:mod:`compiler.output`), or are streamed as one multi-document YAML with ``--stdout``.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from .. import compile as compile_
from ..output import OutputError, write_outputs
from ..pipeline import option_problems
from ..plugins import emitters
from .common import UsageError, add_input_arguments, options_from_args, report

HELP = "compile a descriptor to Kubernetes manifests and failure policies"
DESCRIPTION = """\
Check the descriptor, then write, under DIR:
  kubernetes/   one file per Kubernetes object (Deployments, StatefulSets, Services,
                PodDisruptionBudgets, NetworkAttachmentDefinitions, HPAs, ConfigMaps …)
  policies/     the FailurePolicy document and its CRD, a PrometheusRule, and the
                ONAP / OSM policies for the chosen --target orchestrators
Output is deterministic (same input, same bytes) and written atomically: when the
descriptor has errors, DIR is left untouched.

examples:
  xfc compile samples/5g-core-slice/slice.yaml -o out/
  xfc compile vnf_package/ -o out/ --flavour simple --namespace core
  xfc compile slice.yaml --stdout | kubectl apply --dry-run=client -f -
  xfc compile slice.yaml -o out/ --target onap --target osm
  xfc compile slice.yaml -o out/ --target tacker --param vnf_instance_id=3f2a-77
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    g = parser.add_argument_group("what to write")
    dest = g.add_mutually_exclusive_group()
    dest.add_argument("-o", "--output", metavar="DIR", help="output directory (created if absent)")
    dest.add_argument("--stdout", action="store_true",
                      help="stream all YAML documents to standard output instead of writing files")
    g.add_argument("--namespace", metavar="NS", default=None,
                   help="Kubernetes namespace for every namespaced object (default: none set)")
    g.add_argument("--emit", metavar="BACKEND", action="append",
                   help="back end to run (repeatable; default: all of "
                        + ", ".join(sorted(_known_emitters())) + ")")
    g.add_argument("--target", metavar="ORCH", action="append", dest="targets",
                   choices=("kubernetes", "onap", "osm", "tacker"),
                   help="orchestrator the failure policies are written for (repeatable: "
                        "kubernetes, onap, osm, tacker; default: kubernetes). "
                        "'tacker' labels alerts for Tacker's Prometheus plugin")
    g.add_argument("--param", metavar="KEY=VALUE", action="append", default=[], dest="params",
                   help="a value for the back ends that is not a topology input (repeatable): "
                        "vnf_instance_id=ID (needed by --target tacker), helm_chart=REPO/CHART "
                        "(the OSM KDU)")
    g.add_argument("--no-network-policies", action="store_false", dest="network_policies",
                   help="leave out the NetworkPolicy objects (default: deny ingress to every "
                        "generated pod except along wirings, backing-service uses and exposed ports)")


def _known_emitters() -> list[str]:
    try:
        return list(emitters())
    except Exception:  # plugin discovery errors are reported when compiling
        return []


def run(args: argparse.Namespace, out: TextIO) -> int:
    if not args.output and not args.stdout:
        raise UsageError("compile needs -o DIR or --stdout")
    available = emitters()
    chosen = tuple(args.emit or sorted(available))
    unknown = [e for e in chosen if e not in available]
    if unknown:
        raise UsageError(f"unknown back end {unknown[0]!r}; available: {', '.join(sorted(available))}")
    options = options_from_args(args, emitters=chosen, network_policies=args.network_policies)
    problems = option_problems(options)
    if problems:
        raise UsageError(problems[0])
    unit = compile_(args.path, options)
    diag_out = sys.stderr if args.stdout else out
    code = report(unit, args, diag_out)
    if code != 0:
        return code
    if args.stdout:
        for f in unit.outputs:
            if f.path.endswith((".yaml", ".yml")):
                text = f.content.decode("utf-8")
                out.write(f"---\n# Source: {f.path}\n")
                out.write(text if text.endswith("\n") else text + "\n")
        return 0
    try:
        write_outputs(unit.outputs, args.output)
    except (OutputError, OSError) as exc:
        raise UsageError(f"cannot write to {args.output}: {exc}") from None
    if not getattr(args, "quiet", False) and args.format == "text":
        by_dir: dict[str, int] = {}
        for f in unit.outputs:
            by_dir[f.path.split("/", 1)[0]] = by_dir.get(f.path.split("/", 1)[0], 0) + 1
        listing = ", ".join(f"{d}/ ({n} files)" for d, n in sorted(by_dir.items())) or "nothing"
        out.write(f"xfc: wrote {listing} to {args.output} (back ends: {', '.join(chosen)})\n")
    return 0
