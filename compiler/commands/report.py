"""``xfc report PATH -o report.html``: one self-contained HTML page about a descriptor.

Phase: CLI.  Compiles the descriptor in memory with ``check``'s input and back-end flags
(inputs, flavour, back ends, targets, params; not ``--tosca-parser`` nor several paths), then writes the page of :mod:`compiler.report`:
the topology drawn by deployment waves, the blast radius of every node (what ``xfc
simulate --fail NODE`` prints, highlighted on the graph), every wiring's ladder as
``xfc explain`` gives it, the diagnostics with their source lines and the emitted objects
per workload.  A descriptor with errors still gets a page (showing them), with exit 1.
Exit 0 clean, 1 errors, 2 misuse (a missing ``-o`` folder included).

Codes: none of its own (the page shows those of the phases it runs).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from ..api import verbs
from .common import UsageError, declare, report

DESCRIPTION = """\
Compile the descriptor in memory (check's input and back-end flags) and write one
HTML page that a person reads before deploying it: the topology drawn with deployment
waves left to right, chains framed, wirings styled by stickiness and a legend (laid out by Graphviz
dot when it is installed, else by a simple layout of xfc's own, and the page says so);
clicking a node shows its blast radius, the text `xfc simulate --fail NODE` prints,
highlighted on the graph; every wiring's failure ladder per orchestrator with what is
lost (as `xfc explain`); the diagnostics with their source lines; the emitted objects
per workload.  The page fetches nothing when opened.  A descriptor with errors still
gets a page that shows them (exit 1).

examples:
  xfc report samples/5g-core-slice/slice.yaml -o slice.html
  xfc report samples/sol001-firewall-chain -o chain.html --target onap --target osm
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    declare("report", parser)


def _write(path: str, text: str) -> None:
    """Write ``path`` whole or not at all (a temporary file beside it, then a rename)."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"-o {path}: folder {folder} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"-o {path} is a folder; name the HTML file to write")
    tmp = f"{path}.xfc-tmp-{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot write -o {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def run(args: argparse.Namespace, out: TextIO) -> int:
    unit, html = verbs.report_page(args)
    if args.output == "-":
        out.write(html)
        stream = sys.stderr
    else:
        _write(args.output, html)
        stream = out
    return report(unit, args, stream)
