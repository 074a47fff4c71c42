"""``xfc compile PATH -o DIR``: check, then write Kubernetes manifests and failure policies.

Phase: CLI.  Runs the front end; on errors nothing is written (exit 1).  Otherwise every
selected back end (``--emit``) produces files, which land in DIR atomically
(:mod:`compiler.output`), or are streamed as one multi-document YAML with ``--stdout``.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from ..api import verbs
from ..usage import batch_wanted
from .common import declare

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
    declare("compile", parser)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if isinstance(args.path, list):  # from the command line: one PATH or a batch
        if batch_wanted(args):
            from .. import batch  # only a batch imports batch mode

            return batch.run("compile", args, out)
        args.path = args.path[0]
    return verbs.compile_(args, out, force=args.force, announce=True)
