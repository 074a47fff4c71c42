"""What every ``xfc`` verb that reads a descriptor shares: input flags, options, reporting.

Phase: CLI.  ``add_input_arguments`` declares the flags, ``options_from_args`` turns
them into :class:`compiler.pipeline.Options`, ``report`` prints the diagnostics (text
with source excerpts, or JSON) and returns the exit code: 0 clean (warnings and notes
allowed), 1 the descriptor has errors.  Command-line misuse raises :class:`UsageError`
(exit 2).  ``add_backend_arguments`` and ``compile_unit`` are the back-end flags and the
in-memory compilation that ``compile`` and ``check`` share (``check`` is compile without
writing); ``terminate_as_interrupt`` makes SIGTERM/SIGHUP unwind like Ctrl-C.  An
``--inputs`` file that is not a regular file (a FIFO, a device) is refused before it is
opened.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import stat
import sys
import threading
from typing import Any, Iterator, TextIO

from ..diagnostics import Diagnostics, Severity
from ..api import Compilation, Options
from ..api.inputs import empty_inputs, is_input_mapping, quirks, read_input_values, set_input
from ..usage import UsageError  # noqa: F401 - the verbs raise it from here


NOTES_PER_CODE = 10


def add_input_arguments(parser: argparse.ArgumentParser, verb: str, *,
                        many: bool = False) -> None:
    """The flags of every verb that reads a descriptor; ``--format`` takes the choices
    and the meaning :data:`compiler.commands.formats.FORMATS` gives ``verb``."""
    from .formats import FORMATS, help_for

    if many:  # batch mode (compiler.batch): several paths, '-' reads them from stdin
        parser.add_argument("path", metavar="PATH", nargs="+",
                            help="a descriptor (.yaml), a CSAR directory, or a .csar/.zip "
                                 "archive; several run in parallel, '-' reads paths from stdin")
    else:
        parser.add_argument("path", metavar="PATH",
                            help="a descriptor (.yaml), a CSAR directory, or a .csar/.zip archive")
    g = parser.add_argument_group("inputs and deployment flavour")
    g.add_argument("--inputs", metavar="FILE",
                   help="YAML or JSON file with values for the topology's inputs")
    g.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], dest="set_values",
                   help="set one input (repeatable); VALUE is read as a YAML 1.2 scalar, "
                        "so --set replicas=3 is the integer 3; wins over --inputs")
    g.add_argument("--flavour", "--flavor", metavar="ID", dest="flavour",
                   help="SOL001 deployment flavour to compile (needed when the VNFD has several)")
    g.add_argument("--vnf", metavar="PATH", action="append", default=[], dest="vnfs",
                   help="a VNFD (file, CSAR folder or archive) that substitutes VNF nodes of "
                        "the NSD being compiled, besides the NSD's own imports (repeatable)")
    g.add_argument("--ns-level", metavar="ID", dest="ns_level",
                   help="NS instantiation level of an NSD (default: its default_level): "
                        "sets each VNF's number of instances")
    g.add_argument("--profile-path", metavar="DIR", action="append", default=[],
                   dest="profile_paths",
                   help="extra directory for imports that are not in the package "
                        "(repeatable; also XFC_PROFILE_PATH, separated by ':')")
    g.add_argument("--root", metavar="DIR",
                   help="package root of a lone descriptor file: its relative imports may "
                        "reach files anywhere below DIR, never outside (also XFC_ROOT; "
                        "default: no root, relative .yaml imports resolve anywhere on the "
                        "local disk; a CSAR is always its own root)")
    g.add_argument("--allow-missing-artifacts", action="store_true", default=None,
                   help="a package kept in a source tree without its binaries: a missing "
                        "image, script or chart archive named in TOSCA.meta or the manifest "
                        "is a warning, not an error (hash errors of present files stay)")
    g.add_argument("--quirk", metavar="NAME", action="append", dest="quirks",
                   help="named leniencies for real-world descriptors (docs/quirks.md); all are "
                        "on by default and reported as notes. --quirk=none turns them all off, "
                        "--quirk=-NAME turns one off, --quirk=NAME turns one on (repeatable)")
    g.add_argument("--check", metavar="NAME", action="append", dest="checks",
                   help="also run a check plugin (entry-point group xfc.checks; repeatable)")
    o = parser.add_argument_group("output")
    formats = FORMATS[verb].choices
    o.add_argument("--format", choices=formats, default=formats[0], help=help_for(verb))
    if "sarif" in formats:
        add_sarif_root(o)
    o.add_argument("--quiet", "-q", action="store_true", help="print errors only, no notes or summary")
    o.add_argument("--all-notes", action="store_true",
                   help="print every note (by default at most %d of one code, then a count)" % NOTES_PER_CODE)
    o.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour diagnostics (default: auto, when writing to a terminal)")


def add_sarif_root(g: Any) -> None:
    g.add_argument("--sarif-root", metavar="DIR", default=None,
                   help="with --format sarif: write file URIs relative to DIR, declared as "
                        "uriBaseId SRCROOT in originalUriBaseIds (default: relative to the "
                        "working directory, undeclared), e.g. the repository root")
    g.add_argument("--sarif-help-base", metavar="URL", default=None, type=_help_base,
                   help="with --format sarif: the http(s) URL where xfc's docs/ folder is "
                        "served; the tool's informationUri is URL and each rule's helpUri "
                        "URL/codes.md#CODE (default: $XFC_SARIF_HELP_BASE, else no links; "
                        "each rule's help text is in the log either way)")


def _help_base(value: str) -> str:
    from ..sarif import help_base_problem

    why = help_base_problem(value)
    if why is not None:
        raise argparse.ArgumentTypeError(why)
    return value


def sarif_docs(args: argparse.Namespace) -> str | None:
    """The SARIF documentation base: ``--sarif-help-base``, else ``$XFC_SARIF_HELP_BASE``
    (a value that is not an http(s) URL is misuse, exit 2), else None."""
    import os

    from ..sarif import HELP_BASE_ENV, help_base_problem

    explicit = getattr(args, "sarif_help_base", None)
    if explicit:
        return explicit
    env = os.environ.get(HELP_BASE_ENV, "").strip()
    if env and help_base_problem(env) is not None:
        raise UsageError(f"{HELP_BASE_ENV}: {help_base_problem(env)}")
    return env or None


def sarif_root(args: argparse.Namespace) -> str:
    """The folder SARIF URIs are relative to: ``--sarif-root``, else the working folder."""
    import os

    return os.path.abspath(getattr(args, "sarif_root", None) or os.getcwd())


def add_backend_arguments(g: Any) -> None:
    """The back-end flags that ``compile`` and ``check`` share (``check`` runs the same
    back ends, so it rejects whatever ``compile`` would)."""
    g.add_argument("--namespace", metavar="NS", default=None,
                   help="Kubernetes namespace for every namespaced object (default: none set)")
    from ..plugins import BUILTIN_EMITTERS, BUILTIN_TARGETS

    g.add_argument("--emit", metavar="BACKEND", action="append",
                   help="back end to run (repeatable; default: the built-in "
                        + ", ".join(BUILTIN_EMITTERS) + "; a third-party back end "
                        "(xfc.emitters entry point) runs when named)")
    g.add_argument("--target", metavar="ORCH", action="append", dest="targets",
                   help="orchestrator the failure policies are written for (repeatable: "
                        + ", ".join(BUILTIN_TARGETS) + " or a third-party xfc.targets plugin; "
                        "default: kubernetes). 'tacker' labels alerts for Tacker's Prometheus plugin")
    g.add_argument("--param", metavar="KEY=VALUE", action="append", default=[], dest="params",
                   help="a value for the back ends that is not a topology input (repeatable): "
                        "vnf_instance_id=ID (needed by --target tacker), helm_chart=REPO/CHART "
                        "(the OSM KDU)")
    g.add_argument("--no-network-policies", action="store_false", dest="network_policies",
                   default=None,
                   help="leave out the NetworkPolicy objects (default: deny ingress to every "
                        "generated pod except along wirings, backing-service uses and exposed ports)")
    g.add_argument("--no-operator", action="store_false", dest="operator", default=None,
                   help="leave out operator/ (the Deployment, ServiceAccount and Role that run "
                        "`xfc operator` on the FailurePolicy; docs/operator.md)")
    g.add_argument("--operator-image", metavar="IMAGE", default=None,
                   help="the image of the operator's Deployment (default: xfc:VERSION, as the "
                        "Containerfile tags it)")
    add_kube_version_argument(g)


def add_kube_version_argument(g: Any) -> None:
    """``--kube-version``, shared by compile, check and bundle."""
    g.add_argument("--kube-version", metavar="MAJOR.MINOR", default=None, dest="kube_version",
                   help="write the API versions and fields that this Kubernetes release "
                        "serves, e.g. 1.20 (policy/v1beta1 PodDisruptionBudgets, "
                        "autoscaling/v2beta2 HPAs; docs/kubernetes-versions.md); "
                        "oldest 1.20, default: the current release")


def compile_unit(args: argparse.Namespace, runner: Any = None) -> Compilation:
    """Front end and the chosen back ends (``--emit``, ``--target``, ``--param``), in
    memory: what ``compile`` writes and ``check`` discards.  Raises :class:`UsageError`
    for an unknown back end or bad options."""
    from .. import api
    from ..plugins import BUILTIN_EMITTERS, available, known

    def compile_(path: str, options: Options) -> Compilation:
        return api.compile(api.CompileRequest(path=path, options=options)).unit

    # names only: no plugin is imported until the compilation runs the ones chosen, and
    # built-in names need no scan of the installed distributions (compiler.plugins)
    chosen = tuple(args.emit or BUILTIN_EMITTERS)
    unknown = [e for e in chosen if not known("emitter", e)]
    if unknown:
        raise UsageError(f"unknown back end {unknown[0]!r}; available: {available('emitter')}")
    options = options_from_args(args, emitters=chosen)
    problems = api.option_problems(options)
    if problems:
        raise UsageError(problems[0])
    return (runner or compile_)(args.path, options)
def _utf8(item: str, flag: str) -> None:
    """Refuse an argument that was not UTF-8: Python keeps its bytes as lone surrogates,
    which no YAML or JSON output can hold."""
    try:
        item.encode("utf-8")
    except UnicodeEncodeError:
        shown = item.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        raise UsageError(f"{flag} {shown} is not UTF-8 text") from None


def read_inputs(args: argparse.Namespace) -> dict[str, Any]:
    """``--inputs FILE`` and ``--set KEY=VALUE`` as one mapping of input values.

    The file is read with positions (a PMap), so that a wrong value is reported at its
    line and column in FILE; a ``--set`` value is reported as ``--set KEY``.
    """
    values = empty_inputs("<inputs>")
    if getattr(args, "inputs", None):
        path = args.inputs
        try:
            # a FIFO or a device would block or never end: refused before it is opened
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise UsageError(f"--inputs file {path} is not a regular file")
            with open(path, "rb") as fh:
                raw = fh.read(8 * 1024 * 1024 + 1)
        except OSError as exc:
            raise UsageError(f"cannot read --inputs file {path}: {exc.strerror or exc}") from None
        if len(raw) > 8 * 1024 * 1024:
            raise UsageError(f"--inputs file {path} is larger than 8 MiB")
        diags = Diagnostics()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UsageError(f"--inputs file {path} is not UTF-8 text") from None
        data = read_input_values(text, path, diags)
        if diags.has_errors:
            raise UsageError("--inputs file has errors:\n" + diags.render_text())
        if data is not None and not is_input_mapping(data):
            raise UsageError(f"--inputs file {path} must hold a mapping of input names to values")
        if data is not None:
            values = data
    for item in getattr(args, "set_values", []) or []:
        key, sep, value = item.partition("=")
        # a value that is not UTF-8 is bad input, reported at --set KEY by the resolver
        # (input-encoding, exit 1); a key that is not is misuse
        _utf8(key if sep else item, "--set")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--set takes KEY=VALUE, not {item!r}")
        set_input(values, key, value, f"--set {key}")
    return values


def options_from_args(args: argparse.Namespace, **extra: Any) -> Options:
    opts: dict[str, Any] = {
        "inputs": read_inputs(args),
        "flavour": getattr(args, "flavour", None),
        "profile_paths": tuple(getattr(args, "profile_paths", []) or ()),
        "vnfs": tuple(getattr(args, "vnfs", []) or ()),  # issue 26 (compiler/ns)
        "ns_level": getattr(args, "ns_level", None),
    }
    for name in ("namespace", "tosca_parser", "root", "allow_missing_artifacts",
                 "network_policies", "operator", "operator_image", "kube_version"):
        if getattr(args, name, None) is not None:
            opts[name] = getattr(args, name)
    if "root" not in opts and os.environ.get("XFC_ROOT") and hasattr(args, "root"):
        opts["root"] = os.environ["XFC_ROOT"]  # confines lone files in pipelines
        if not os.path.isdir(opts["root"]):
            raise UsageError(f"XFC_ROOT {opts['root']!r} is not a directory")
    params = {}
    for item in getattr(args, "params", None) or []:
        _utf8(item, "--param")
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param takes KEY=VALUE, not {item!r}")
        params[key.strip()] = value
    if params:
        opts["params"] = params
    for p in opts["vnfs"]:
        if not os.path.exists(p):
            raise UsageError(f"--vnf {p!r} does not exist")
    for p in opts["profile_paths"]:
        if not os.path.isdir(p):
            raise UsageError(f"--profile-path {p!r} is not a directory")
    if getattr(args, "root", None) is not None and not os.path.isdir(args.root):
        raise UsageError(f"--root {args.root!r} is not a directory")
    if getattr(args, "quirks", None):
        QUIRKS = quirks()
        for q in args.quirks:
            name = q[1:] if q.startswith("-") else q
            if name not in QUIRKS and name not in ("all", "none"):
                from ..suggest import close_matches

                near = close_matches(name, list(QUIRKS))
                hint = f"; did you mean {near[0]!r}?" if near else "; see docs/quirks.md"
                raise UsageError(f"unknown quirk {name!r}{hint}")
        sel = list(args.quirks)
        # naming only exclusions (or opt-in quirks, which "all" leaves off) keeps the
        # others on
        if all(q.startswith("-") or (q in QUIRKS and QUIRKS[q].opt_in) for q in sel):
            sel = ["all"] + sel
        opts["quirks"] = tuple(sel)
    if getattr(args, "targets", None):
        opts["targets"] = tuple(args.targets)
    if getattr(args, "emit", None):
        opts["emitters"] = tuple(args.emit)
    if getattr(args, "checks", None):
        from ..plugins import names

        known = names("check")
        for name in args.checks:
            if name not in known:
                raise UsageError(f"unknown check {name!r}; installed: {', '.join(known) or 'none'}")
        opts["checks"] = tuple(dict.fromkeys(args.checks))
    opts.update(extra)
    return Options(**opts)


def _use_color(args: argparse.Namespace, out: TextIO) -> bool:
    mode = getattr(args, "color", "auto")
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(out, "isatty", lambda: False)())


def summary(unit: Compilation, flavours: tuple[str, ...] = ()) -> str:
    d = unit.diagnostics
    e, w, n = d.count(Severity.ERROR), d.count(Severity.WARNING), d.count(Severity.NOTE)
    parts = [f"{e} error{'s' * (e != 1)}", f"{w} warning{'s' * (w != 1)}", f"{n} note{'s' * (n != 1)}"]
    verdict = "FAILED" if d.has_errors else "ok"
    what = ""
    if unit.topology is not None:
        t = unit.topology
        what = f" ({len(t.nodes)} node templates"
        if unit.xmodel is not None:
            what += f", {len(unit.xmodel.wirings)} wirings, {len(unit.xmodel.chains)} chains"
        if t.flavour:
            what += f", flavour {t.flavour}"
        what += ")"
    if flavours:
        what = f" ({len(flavours)} deployment flavours checked: {', '.join(flavours)})"
    return f"xfc: {verdict}: {unit.path}{what}: {', '.join(parts)}"


def report(unit: Compilation, args: argparse.Namespace, out: TextIO, *, json_extra: dict | None = None,
           flavours: tuple[str, ...] = ()) -> int:
    """Print the diagnostics of ``unit`` and return the exit code (0 or 1), also when the
    reader has gone away (``xfc check ... | head``): the verdict is the exit code."""
    try:
        _print_report(unit, args, out, json_extra, flavours)
    except BrokenPipeError:
        pass
    return 1 if unit.diagnostics.has_errors else 0


def _print_report(unit: Compilation, args: argparse.Namespace, out: TextIO,
                  json_extra: dict | None, flavours: tuple[str, ...] = ()) -> None:
    diags = unit.diagnostics
    minimum = Severity.ERROR if getattr(args, "quiet", False) else Severity.NOTE
    if getattr(args, "format", "text") == "sarif":
        from ..sarif import render as render_sarif

        out.write(render_sarif(diags, min_severity=minimum, root=sarif_root(args),
                               declare_root=getattr(args, "sarif_root", None) is not None,
                               input_path=str(unit.path),
                               category=getattr(args, "verb", None) or "check",
                               docs=sarif_docs(args)))
    elif getattr(args, "format", "text") == "json":
        import json

        doc = {
            "path": unit.path,
            "ok": not diags.has_errors,
            "diagnostics": json.loads(diags.render_json(min_severity=minimum)),
        }
        if json_extra:
            doc.update(json_extra)
        out.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    else:
        text = diags.render_text(
            color=_use_color(args, out), min_severity=minimum,
            notes_per_code=None if getattr(args, "all_notes", False) else NOTES_PER_CODE)
        if text:
            out.write(text)
        if not getattr(args, "quiet", False):
            out.write(summary(unit, flavours) + "\n")


def err_stream() -> TextIO:
    return sys.stderr


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind like Ctrl-C (exit 130), so that every ``finally`` runs and
    no temporary folder is left behind (compiler.output, the tosca-parser sandbox).
    SIGKILL cannot be caught: the next compile sweeps what it leaves (docs/architecture.md)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s]
    saved = {s: signal.signal(s, interrupt) for s in wanted}
    try:
        yield
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)
