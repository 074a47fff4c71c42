"""``xfc codes``: list every diagnostic code with its severity and meaning.

Phase: CLI.

Codes: none.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from ..codes import CODES

DESCRIPTION = "List the stable diagnostic codes (the [code] in each message), their default severity and meaning."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prefix", nargs="?", default="", help="only codes starting with this (e.g. xf-)")
    from ..formats import FORMATS, help_for

    parser.add_argument("--format", choices=FORMATS["codes"].choices, default="text",
                        help=help_for("codes"))


def run(args: argparse.Namespace, out: TextIO) -> int:
    # a retired code's name finds the code it was merged into (compiler.codes.ALIASES)
    rows = [c for c in CODES.values()
            if any(n.startswith(args.prefix) for n in (c.code, *c.aliases))]
    if args.format == "json":
        import json

        out.write(json.dumps([{"code": c.code, "severity": c.severity.name.lower(),
                               "summary": c.summary, "aliases": list(c.aliases)}
                              for c in rows], indent=2) + "\n")
        return 0
    width = max((len(c.code) for c in rows), default=0)
    for c in rows:
        formerly = f" (formerly {', '.join(c.aliases)})" if c.aliases else ""
        out.write(f"{c.code:<{width}}  {c.severity.name.lower():<7}  {c.summary}{formerly}\n")
    return 0
