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
from typing import TextIO

from ..api import verbs
from ..usage import batch_wanted
from .common import declare

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
    declare("check", parser)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if isinstance(args.path, list):  # from the command line: one PATH or a batch
        if batch_wanted(args):
            from .. import batch  # only a batch imports batch mode

            return batch.run("check", args, out)
        args.path = args.path[0]
    return verbs.check(args, out)
