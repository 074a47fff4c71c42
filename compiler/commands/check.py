"""``xfc check PATH``: load, resolve and check a descriptor; write nothing.

Phase: CLI.  Exit 0 when the descriptor has no errors (warnings and notes allowed),
1 when it has errors.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from .. import batch, check
from .common import add_input_arguments, options_from_args, report

HELP = "check a descriptor or CSAR and report problems (writes nothing)"
DESCRIPTION = """\
Read the descriptor (a .yaml file, a CSAR directory, or a .csar/.zip archive), resolve
its imports, types, inputs and functions, build the dependency graph and run every
X-factor check.  Problems are printed as file:line:col: severity[code]: message with the
source line; `xfc codes` lists every code.

examples:
  xfc check samples/5g-core-slice/slice.yaml
  xfc check vnf_package/ --flavour simple --set vnf_instance_id=abc
  xfc check pkg.csar --format json | jq '.diagnostics[].code'
  xfc check vnfd.yaml --tosca-parser      # also ask tosca-parser (what Tacker uses)
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, formats=("text", "json", "sarif"), many=True)
    batch.add_arguments(parser)
    parser.add_argument("--tosca-parser", action="store_true", dest="tosca_parser", default=None,
                        help="also run tosca-parser (Tacker's parser) offline in a subprocess "
                             "and report whether it accepts the package")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if isinstance(args.path, list):  # from the command line: one PATH or a batch
        if batch.wanted(args):
            return batch.run("check", args, out)
        args.path = args.path[0]
    unit = check(args.path, options_from_args(args))
    return report(unit, args, out)
