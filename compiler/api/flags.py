"""The flags of the verbs that read a descriptor, declared once for every face.

Phase: api (what the faces share).  ``xfc check``, ``compile``, ``bundle`` and ``report``
declare their flags here (:func:`declare`), so that the command line and the HTTP
service (which offers the same options as query parameters, :mod:`compiler.service.options`)
build the same parser (:func:`parser`) and read it the same way: :func:`options_from_args`
turns the flags into :class:`Options` (``--inputs`` and ``--set`` through
:func:`read_inputs`), :func:`compile_unit` runs the compilation check and compile share,
:func:`bundle_settings` the settings of ``bundle``.  Wrong flags raise
:class:`compiler.usage.UsageError` (the faces answer it with exit 2, or 400); nothing here
prints or exits.  An ``--inputs`` file that is not a regular file (a FIFO, a device) is
refused before it is opened.

Codes: none.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import stat
from typing import Any, Callable, Iterator

from ..diagnostics import Diagnostics
from ..pipeline import Compilation, Options
from ..usage import Parser, UsageError
from .inputs import empty_inputs, is_input_mapping, quirks, read_input_values, set_input
from .render import NOTES_PER_CODE


def add_input_arguments(parser: argparse.ArgumentParser, verb: str, *,
                        many: bool = False) -> None:
    """The flags of every verb that reads a descriptor; ``--format`` takes the choices
    and the meaning :data:`compiler.formats.FORMATS` gives ``verb``."""
    from ..formats import FORMATS, help_for

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
    from ..options import NS_NAMESPACE_MODES

    g.add_argument("--ns-namespaces", choices=NS_NAMESPACE_MODES, default=None,
                   dest="ns_namespaces",
                   help="where an NSD's objects go: 'single' (default) puts the whole service "
                        "in --namespace; 'per-vnf' puts each VNF node's objects in a "
                        "namespace named after it and the service's own (NS links, "
                        "FailurePolicy, operator) in --namespace, else one named after the "
                        "service (docs/conversion.md)")
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


class TargetChoices:
    """The ``--target`` choices of every verb: the target plugin table
    (:data:`compiler.plugins.BUILTIN_TARGETS` and the ``xfc.targets`` entry points), asked
    when a value is checked, not copied into a list.  A built-in name is answered from the
    table (``plugins.known``: no scan of the installed distributions on a plain run);
    listing them (a wrong name's message, ``--help``, the service's OpenAPI enum) scans."""

    def __contains__(self, name: object) -> bool:
        from .. import plugins

        return isinstance(name, str) and plugins.known("target", name)

    def __iter__(self) -> Iterator[str]:
        from .. import plugins

        return iter(plugins.names("target"))

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "TargetChoices()"


TARGETS = TargetChoices()


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
                   choices=TARGETS,  # the one table of targets
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
    for name in ("namespace", "ns_namespaces", "tosca_parser", "root", "allow_missing_artifacts",
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




def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of several inputs at once (:mod:`compiler.batch`)."""
    g = parser.add_argument_group("several inputs (batch)")
    g.add_argument("--jobs", "-j", metavar="N", type=int, default=None,
                   help="worker processes (default: every core)")
    g.add_argument("--timeout", metavar="SECONDS", type=float, default=None,
                   help="give up on one input after SECONDS and report it as timed out "
                        "(the other inputs go on)")


def _declare_check(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, "check", many=True)
    add_batch_arguments(parser)
    parser.add_argument("--tosca-parser", action="store_true", dest="tosca_parser", default=None,
                        help="also run tosca-parser (Tacker's parser) offline in a subprocess "
                             "and report whether it accepts the package")
    add_backend_arguments(parser.add_argument_group("back ends run (as compile, nothing written)"))


def _declare_compile(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, "compile", many=True)
    add_batch_arguments(parser)
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


def _declare_report(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, "report")
    parser.add_argument("-o", "--output", metavar="FILE", required=True,
                        help="the HTML file to write ('-' writes it to standard output)")
    add_backend_arguments(parser.add_argument_group("back ends run (as compile, nothing written)"))


def _known_bundlers() -> str:
    """Bundler names (built-ins, then xfc.bundlers entry points, then any distribution
    refused for claiming a built-in name); no plugin is imported."""
    from .. import plugins

    try:
        return plugins.available("bundler")
    except Exception:  # plugin discovery errors are reported when bundling
        return ""


def _declare_bundle(parser: argparse.ArgumentParser) -> None:
    from .. import plugins
    from ..formats import help_for

    add_input_arguments(parser, "check", many=True)  # the format flag gives way below
    add_batch_arguments(parser)
    # Here --format names the package formats (issue 13); the shared flag of the same
    # name gives way, and --diagnostics-format says how diagnostics are printed.
    parser.conflict_handler = "resolve"
    parser.add_argument("--diagnostics-format", choices=("text", "json", "sarif"),
                        default="text", dest="format",
                        help="how to print diagnostics (default: %(default)s); json and "
                             "sarif print only the diagnostics document on standard output")
    if "--sarif-root" not in parser._option_string_actions:  # check's flags may bring it
        add_sarif_root(parser)
    g = parser.add_argument_group("what to write")
    g.add_argument("-o", "--output", metavar="OUT", required=True,
                   help="output directory (created if absent)")
    g.add_argument("--force", action="store_true",
                   help="write into OUT although it holds files xfc did not write (they "
                        "are kept), edited files xfc wrote or the output of another xfc "
                        "command (`xfc compile`, a bundle of other formats: it is replaced)")
    g.add_argument("--format", "-f", metavar="FORMAT", action="append", dest="formats",
                   required=True,
                   help=help_for("bundle") + "; available here: " + _known_bundlers())
    g.add_argument("--namespace", metavar="NS", default=None,
                   help="Kubernetes namespace for every namespaced object (default: none set)")
    add_kube_version_argument(g)
    g.add_argument("--target", metavar="ORCH", action="append", dest="targets",
                   choices=TARGETS,  # the one table of targets
                   help="orchestrator (repeatable): the failure policies are written for it, "
                        "and a CSAR is laid out for "
                        + " or ".join(f"'{n}'" for n in sorted(package_layouts()))
                        + " (at most one of them)")
    g.add_argument("--param", metavar="KEY=VALUE", action="append", default=[], dest="params",
                   help="a value for the back ends that is not a topology input (repeatable)")
    g.add_argument("--verify", action="store_true",
                   help="after writing, run each consumer's offline gate on the bundles "
                        "(Helm lint's chart rules, SDC's SOL004 and isBase rules, VTP r01123 "
                        "and r146092, Tacker's naming); errors exit 1")
    g.add_argument("--ns-layout", choices=("subcharts", "flat"), default="subcharts",
                   help="helm, for a network service (an NSD): a parent chart with one "
                        "subchart per VNF in charts/<vnf>/ (default), or one flat chart")
    c = parser.add_argument_group("csar")
    c.add_argument("--csar-dir", action="store_true",
                   help="write the CSAR as a directory OUT/csar/<name>/ instead of a .csar zip")
    c.add_argument("--sign-key", metavar="PEM",
                   help="private key to sign the manifest with (CMS, SOL004 §5.3)")
    c.add_argument("--sign-cert", metavar="PEM", help="certificate of --sign-key")
    c.add_argument("--release-date", metavar="DATE",
                   help="the manifest's vnf_release_date_time, e.g. 2026-01-31T10:00:00+00:00 "
                        "(default: SOURCE_DATE_EPOCH if set, else 1980-01-01T00:00:00+00:00, "
                        "so that bundles are reproducible)")


# verb -> what declares its flags: the verbs that read a descriptor and that a face other
# than the command line (the HTTP service) also runs
DECLARE: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "check": _declare_check,
    "compile": _declare_compile,
    "report": _declare_report,
    "bundle": _declare_bundle,
}


def declare(verb: str, parser: argparse.ArgumentParser) -> None:
    """Declare the flags of ``xfc VERB`` on ``parser``."""
    DECLARE[verb](parser)


@functools.lru_cache(maxsize=None)
def _parsers(verb: str) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    top = Parser(prog="xfc")
    top.add_argument("--debug", action="store_true",
                     help="show Python tracebacks for internal errors")
    sub = top.add_subparsers(dest="verb", metavar="COMMAND", parser_class=Parser)
    p = sub.add_parser(verb, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help="show Python tracebacks for internal errors")
    declare(verb, p)
    return top, p


def parser(verb: str) -> argparse.ArgumentParser:
    """The parser of ``xfc VERB`` as the command line builds it (prog ``xfc VERB``, with
    ``--debug``), without its help texts: the options a face other than the command line
    offers are read from it (:mod:`compiler.service.options`)."""
    return _parsers(verb)[1]


def parse(verb: str, words: list[str]) -> argparse.Namespace:
    """``xfc VERB WORDS`` parsed as the command line parses it: a wrong flag gets the
    command line's own message on standard error and raises SystemExit(2)."""
    return _parsers(verb)[0].parse_args([verb, *words])


def package_layouts() -> dict[str, str]:
    """Built-in target -> the CSAR layout it asks for (``PolicyTarget.package_layout``),
    for the targets that ask for one: the plugin table says, not a list kept here."""
    from .. import plugins

    out: dict[str, str] = {}
    for name in plugins.BUILTIN_TARGETS:
        layout = getattr(plugins.target(name), "package_layout", None)
        if layout:
            out[name] = str(layout)
    return out


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})\Z")


def bundle_settings(args: argparse.Namespace) -> Any:
    """The bundlers' settings ``xfc bundle``'s flags give (:func:`compiler.api.settings`)."""
    from datetime import datetime, timezone

    from .. import api

    layouts = package_layouts()
    csar_targets = [layouts[t] for t in (args.targets or ()) if t in layouts]
    if len(set(csar_targets)) > 1:
        raise UsageError("a CSAR is laid out for one orchestrator: give "
                         + " or ".join(f"--target {n}" for n in sorted(layouts))
                         + ", not both")
    if bool(args.sign_key) != bool(args.sign_cert):
        raise UsageError("--sign-key and --sign-cert go together")
    key = cert = None
    if args.sign_key:
        key, cert = _read_pem("--sign-key", args.sign_key), _read_pem("--sign-cert", args.sign_cert)
    date = args.release_date
    if date is None and os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        stamp = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), tz=timezone.utc)
        date = stamp.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if date is not None and not _DATE.match(date):
        raise UsageError(f"--release-date {date!r} is not YYYY-MM-DDThh:mm:ss+hh:mm")
    kw = {"target": csar_targets[0] if csar_targets else None, "archive": not args.csar_dir,
          "sign_key": key, "sign_cert": cert, "ns_layout": args.ns_layout}
    if date is not None:
        kw["release_date"] = date
    return api.settings(**kw)


def _read_pem(flag: str, path: str) -> bytes:
    """A key or certificate file: a regular file (a FIFO would block the read for ever,
    a device would be read to the limit), read up to 1 MiB."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{flag} {path}: not a regular file")
        with open(path, "rb") as fh:
            return fh.read(1 << 20)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{flag} {path}: cannot be read: "
                         f"{getattr(exc, 'strerror', None) or exc}") from None


__all__ = ["Parser", "UsageError", "add_input_arguments", "add_sarif_root", "add_backend_arguments",
           "add_kube_version_argument", "add_batch_arguments", "compile_unit", "read_inputs",
           "options_from_args", "declare", "parser", "parse", "bundle_settings", "DECLARE"]
