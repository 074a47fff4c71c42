"""``xfc version``: the versions of xfc and of what it was built against.

Phase: CLI.

Codes: none.
"""

from __future__ import annotations

import argparse
import platform
from importlib import metadata
from typing import TextIO

from ..version import __version__

DESCRIPTION = "Print xfc's version, the Python it runs on, and the versions of its dependencies."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..api.formats import FORMATS, help_for

    parser.add_argument("--format", choices=FORMATS["version"].choices, default="text",
                        help=help_for("version"))


def run(args: argparse.Namespace, out: TextIO) -> int:
    deps = {}
    for name in ("pyyaml", "lark", "jinja2", "networkx", "tosca-parser"):
        try:
            deps[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            deps[name] = "not installed"
    if args.format == "json":
        import json

        out.write(json.dumps({"xfc": __version__, "python": platform.python_version(),
                              "dependencies": deps}, indent=2, sort_keys=True) + "\n")
    else:
        out.write(f"xfc {__version__} (Python {platform.python_version()})\n")
        for k, v in deps.items():
            out.write(f"  {k} {v}\n")
    return 0
