"""The ``xfc`` command line: a thin shell over the library API.

Phase: CLI.  Parses arguments, dispatches to a verb module in :mod:`compiler.commands`,
and maps outcomes to exit codes:

  0  clean (warnings and notes allowed)
  1  the descriptor has errors
  2  command-line misuse
  3  internal error: one line and a hint to rerun with ``--debug`` (which shows the
     traceback); never a traceback without ``--debug``

Codes: none of its own; the verbs print the diagnostics of the phases they run.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import traceback
from typing import Protocol, Sequence, TextIO, cast

from .version import __version__
from .api.flags import Parser
from .api.formats import table as format_table

# verb -> (module, the one line ``xfc --help`` lists it with).  The line is kept here, not
# in the module, so that ``xfc --help`` and ``xfc --version`` import no verb (each imports
# what it runs).  A module may be absent in a partial build: its verb is then not offered.
VERBS: dict[str, tuple[str, str]] = {
    "check": ("compiler.commands.check",
              "check a descriptor or CSAR and report problems (writes nothing)"),
    "compile": ("compiler.commands.compile",
                "compile a descriptor to Kubernetes manifests and failure policies"),
    "graph": ("compiler.commands.graph",
              "print the dependency graph (DOT, Mermaid or JSON) with waves, chains and wirings"),
    "simulate": ("compiler.commands.simulate",
                 "simulate the failure of one node under the wiring failure policies"),
    "explain": ("compiler.commands.explain",
                "explain how a wiring's failure ladder is realised on each orchestrator"),
    "report": ("compiler.commands.report",
               "write one self-contained HTML page: graph, blast radius per node, ladders, diagnostics"),
    "codes": ("compiler.commands.codes",
              "list every diagnostic code xfc can report"),
    "version": ("compiler.commands.version",
                "print the version of xfc and its main dependencies"),
    "krm": ("compiler.commands.krm",
            "run as a KRM function (kpt fn eval/render): ResourceList on stdin, out on stdout"),
    "serve": ("compiler.commands.serve",
              "serve check, compile, bundle and report over HTTP (needs the 'serve' extra)"),
    "operator": ("compiler.commands.operator",
                 "act on the FailurePolicies of a namespace (needs the 'operator' extra)"),
    "bundle": ("compiler.commands.bundle",
               "package a descriptor: Helm chart, Kustomize, SOL004 CSAR, ONAP Helm, OSM KNF"),
}

class Verb(Protocol):
    """What a verb's module (:mod:`compiler.commands`) provides; ``DESCRIPTION`` and
    ``OWN_SIGNALS`` are optional (its one help line is in :data:`VERBS`)."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, out: TextIO) -> int: ...


EPILOG = """\
exit codes: 0 clean (warnings allowed), 1 the descriptor has errors,
            2 command-line misuse, 3 internal error (rerun with --debug)

start here:
  xfc check samples/5g-core-slice/slice.yaml
  xfc compile samples/5g-core-slice/slice.yaml -o out/
  xfc simulate samples/5g-core-slice/slice.yaml --fail upf
  xfc compile --help        # every command explains its flags, with examples
"""


_Parser = Parser  # exit code 2 on misuse, with a pointer to --help


def build_parser(only: str | None = None, *,
                 listing: bool = False) -> tuple[argparse.ArgumentParser, dict[str, Verb]]:
    """The parser with every verb, or with the verb ``only`` alone: a verb's module
    imports what the verb runs (bundlers, the server, ...), so a run imports one.  With
    ``listing``, every verb is named (with its line of :data:`VERBS`) and none imported,
    nor given its arguments: enough for ``xfc --help``, ``--version`` and a misspelt verb."""
    parser = _Parser(
        prog="xfc",
        description="xfc compiles TOSCA / ETSI NFV SOL001 descriptors and SOL004 CSARs with "
        "X-factor process and wiring-failure properties into Kubernetes manifests and "
        "orchestrator failure policies (Kubernetes, ONAP, OSM, Tacker).",
        epilog=EPILOG + "\n" + format_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"xfc {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show Python tracebacks for internal errors")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND", parser_class=_Parser)
    modules: dict[str, Verb] = {}
    for verb, (modname, help_line) in VERBS.items():
        if only is not None and verb != only:
            continue
        if listing and only is None:
            if importlib.util.find_spec(modname) is not None:  # else not part of this build
                sub.add_parser(verb, help=help_line)
            continue
        try:
            mod = cast(Verb, importlib.import_module(modname))
        except ModuleNotFoundError as exc:
            if exc.name == modname:
                continue  # not part of this build
            raise
        p = sub.add_parser(verb, help=help_line, description=getattr(mod, "DESCRIPTION", help_line),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show Python tracebacks for internal errors")
        mod.add_arguments(p)
        modules[verb] = mod
    return parser, modules


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    from .usage import UsageError

    # a closed stdout (``xfc check x >&-``) is None: the output is lost, the exit code is not
    out = out or sys.stdout or open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        given = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--debug"]
        verb = given[0] if given and given[0] in VERBS else None  # else: help or misuse
        parser, modules = build_parser(only=verb, listing=True)
        args = parser.parse_args(argv)
        if not args.verb:
            parser.print_help(out)
            return 2
        from .commands.common import terminate_as_interrupt

        mod = modules[args.verb]
        if getattr(mod, "OWN_SIGNALS", False):  # serve (uvicorn drains), operator (kopf stops)
            return int(mod.run(args, out))
        with terminate_as_interrupt():  # SIGTERM/SIGHUP: finally blocks run, temp folders go
            return int(mod.run(args, out))
    except UsageError as exc:
        sys.stderr.write(f"xfc: error: {exc}\n")
        return 2
    except SystemExit as exc:  # argparse: --help (0) or misuse (2)
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        sys.stderr.write("xfc: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except BaseException as exc:  # noqa: BLE001 - the one place that turns bugs into exit 3
        if debug:
            traceback.print_exc()
        else:
            msg = str(exc).splitlines()[0] if str(exc) else ""
            # the library's InternalError already names the exception it wraps
            kind = "" if type(exc).__name__ == "InternalError" and msg else type(exc).__name__
            sys.stderr.write(
                f"xfc: internal error: {kind}{': ' if kind and msg else ''}{msg[:200]}\n"
                "hint: rerun with --debug to see the traceback, and report it\n"
            )
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
