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

from .. import batch
from ..output import OutputError, write_outputs
from .common import UsageError, add_backend_arguments, add_input_arguments, compile_unit, report

WRITER = "xfc compile"  # named in DIR/.xfc-manifest (compiler.output)
DESCRIPTION = """\
Check the descriptor, then write, under DIR:
  kubernetes/   one file per Kubernetes object (Deployments, StatefulSets, Services,
                PodDisruptionBudgets, NetworkAttachmentDefinitions, HPAs, ConfigMaps …)
  policies/     the FailurePolicy document and its CRD, a PrometheusRule, and the
                ONAP / OSM policies for the chosen --target orchestrators
Output is deterministic (same input, same bytes, wherever xfc runs) and written
atomically: when the descriptor has errors, DIR is left untouched.

DIR is xfc's: DIR/.xfc-manifest lists every file a compile wrote (sha256sum format), and
the next compile replaces that whole set, so no file of an earlier compile survives.
Files xfc did not write are never deleted: while DIR holds any (or a file xfc wrote was
edited), compile refuses with exit 2, unless --force, which writes beside them (and
discards edits to xfc's own files).  Even --force never overwrites a file xfc did not
write.  The manifest names the command that wrote DIR: compile refuses (exit 2) to
replace the output of another command (an `xfc bundle` into the same DIR), and says
whose it is, unless --force.

examples:
  xfc compile samples/5g-core-slice/slice.yaml -o out/
  xfc compile samples/sol001-v4-container-vnf/vnfd.yaml -o out/ --flavour default --namespace core
  xfc compile samples/5g-core-slice/slice.yaml --stdout > slice.yaml   # one stream, for kubectl apply -f
  xfc compile samples/5g-core-slice/slice.yaml -o out/ --target onap --target osm
  xfc compile samples/sol001-firewall-chain -o out/ --target tacker --param vnf_instance_id=3f2a-77
  xfc compile samples/sol001-firewall-chain -o out/ --force     # out/ also holds your own files
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, "compile", many=True)
    batch.add_arguments(parser)
    g = parser.add_argument_group("what to write")
    dest = g.add_mutually_exclusive_group()
    dest.add_argument("-o", "--output", metavar="DIR", help="output directory (created if absent)")
    dest.add_argument("--stdout", action="store_true",
                      help="stream all YAML documents to standard output instead of writing files")
    g.add_argument("--force", action="store_true",
                   help="write into DIR although it holds files xfc did not write (they are "
                        "kept), edited files xfc wrote (the edits are discarded) or the "
                        "output of another xfc command (it is replaced)")
    add_backend_arguments(g)

def run(args: argparse.Namespace, out: TextIO) -> int:
    if isinstance(args.path, list):  # from the command line: one PATH or a batch
        if batch.wanted(args):
            return batch.run("compile", args, out)
        args.path = args.path[0]
    if not args.output and not args.stdout:
        raise UsageError("compile needs -o DIR or --stdout")
    unit = compile_unit(args)
    chosen = unit.options.emitters
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
        write_outputs(unit.outputs, args.output, force=args.force, writer=WRITER)
    except (OutputError, OSError) as exc:
        raise UsageError(f"cannot write to {args.output}: {exc}") from None
    if not getattr(args, "quiet", False) and args.format == "text":
        by_dir: dict[str, int] = {}
        for f in unit.outputs:
            by_dir[f.path.split("/", 1)[0]] = by_dir.get(f.path.split("/", 1)[0], 0) + 1
        listing = ", ".join(f"{d}/ ({n} files)" for d, n in sorted(by_dir.items())) or "nothing"
        out.write(f"xfc: wrote {listing} to {args.output} (back ends: {', '.join(chosen)})\n")
    return 0
