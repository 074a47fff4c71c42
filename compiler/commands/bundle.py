"""``xfc bundle PATH --format F -o OUT``: compile, then package for a consumer.

Phase: CLI.  Runs the front end and the emitters like ``xfc compile`` (on errors nothing
is written, exit 1), then each chosen bundler (:mod:`compiler.bundlers`, looked up in
:func:`compiler.plugins.bundler`, by name) turns the compilation into a package; every file
lands in OUT atomically through :mod:`compiler.output`.  A package that cannot be built
(:class:`compiler.bundlers.BundleError`) is reported on one line, exit 1.  Several PATHs
(or ``-``) run as a batch (:mod:`compiler.batch`): one subfolder of OUT per input.
``--diagnostics-format json|sarif`` prints the diagnostics as ``check`` does (``xfc
serve``'s ``/v1/bundle`` answers them), with every other line on standard error.

Codes: none of its own (it prints those of the phases it runs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
from typing import TextIO

from .. import api, batch, plugins
from ..diagnostics import render_text
from ..errors import PluginError
from ..output import OutputError, write_outputs
from .common import (UsageError, add_input_arguments, add_kube_version_argument, options_from_args,
                     report)
from .formats import help_for

HELP = "package a descriptor: Helm chart, Kustomize, SOL004 CSAR, ONAP Helm, OSM KNF"
DESCRIPTION = """\
Check and compile the descriptor, then write one package per --format under OUT:
  helm        OUT/helm/<chart>/   Chart.yaml, values.yaml, values.schema.json,
              templates/ and crds/; default values render what `xfc compile` writes
  kustomize   OUT/kustomize/base/ (and overlays/<flavour>/ for a VNFD with several
              deployment flavours)
  csar        OUT/<name>.csar     an ETSI SOL004 CSAR (TOSCA.meta, the descriptor
              and its type files, manifest with SHA-256 hashes, change log, licence);
              --target onap adds the Helm chart as the onap_cnf_helm artifact,
              --target tacker the manifests under Files/kubernetes/
  onap-helm   OUT/<name>-helm.zip ONAP SDC's native Helm package (MANIFEST.json, chart)
  osm         OUT/<name>_knf.tar.gz an OSM KNF package (VNFD with a Helm KDU, chart,
              checksums.txt)
A network service (an NSD) gives a Helm parent chart with a subchart per VNF
(--ns-layout flat: one chart), a Kustomize component per VNF, an OSM KNF package per
VNF plus the NS package <ns>_ns.tar.gz naming them, an ONAP Helm package with a chart
per VNF, and a CSAR with the NSD as entry and the SOL007 NS manifest metadata.
Several PATHs (or '-' for a list on stdin) run in parallel, each into its own
subfolder OUT/<input name>/ (as `xfc compile` does in batch mode).
--verify reads each package back and runs its consumer's offline gate (docs/bundles.md).
Output is deterministic: the same input gives the same bytes (archives have sorted
entries, fixed times, modes and owners).  OUT is xfc's as in `xfc compile`: its
.xfc-manifest names the command that wrote it, and a bundle refuses (exit 2) to
replace files it did not write, or the output of another command (`xfc compile`, a
bundle of other formats), unless --force.

examples:
  xfc bundle samples/5g-core-slice/slice.yaml --format helm -o out/
  xfc bundle samples/5g-core-slice/slice.yaml --format helm --format kustomize -o out/
  xfc bundle samples/5g-core-slice/slice.yaml samples/xfc-service/xfc-service.yaml -f helm -o out/
  xfc bundle samples/sol001-firewall-chain -f csar --target tacker --param vnf_instance_id=3f2a-77 -o out/
  xfc bundle samples/sol001-v4-container-vnf/vnfd.yaml --format csar --target onap -o out/
  xfc bundle samples/5g-core-slice/slice.yaml -f onap-helm -f helm --verify -o out/
  xfc bundle samples/sol001-v4-container-vnf/vnfd.yaml -f osm --verify -o out/
  xfc bundle samples/5g-core-slice-ns/nsd.yaml -f helm -f kustomize -f osm --verify -o out/
  xfc bundle samples/5g-core-slice-ns/nsd.yaml -f helm --ns-layout flat -o out/

Signing a CSAR (--sign-key, --sign-cert) needs the 'bundle' extra: pip install 'xfc[bundle]'.
"""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})\Z")


def _known() -> str:
    """Bundler names (built-ins, then xfc.bundlers entry points, then any distribution
    refused for claiming a built-in name); no plugin is imported."""
    try:
        return plugins.available("bundler")
    except Exception:  # plugin discovery errors are reported when bundling
        return ""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, "check", many=True)  # the format flag gives way below
    batch.add_arguments(parser)
    # Here --format names the package formats (issue 13); the shared flag of the same
    # name gives way, and --diagnostics-format says how diagnostics are printed.
    parser.conflict_handler = "resolve"
    parser.add_argument("--diagnostics-format", choices=("text", "json", "sarif"),
                        default="text", dest="format",
                        help="how to print diagnostics (default: %(default)s); json and "
                             "sarif print only the diagnostics document on standard output")
    if "--sarif-root" not in parser._option_string_actions:  # check's flags may bring it
        from .common import add_sarif_root

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
                   help=help_for("bundle") + "; available here: " + _known())
    g.add_argument("--namespace", metavar="NS", default=None,
                   help="Kubernetes namespace for every namespaced object (default: none set)")
    add_kube_version_argument(g)
    g.add_argument("--target", metavar="ORCH", action="append", dest="targets",
                   choices=sorted(plugins.BUILTIN_TARGETS),  # the one table of targets
                   help="orchestrator (repeatable): the failure policies are written for it, "
                        "and a CSAR is laid out for 'onap' or 'tacker' (at most one of them)")
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


def _settings(args: argparse.Namespace):
    from datetime import datetime, timezone

    csar_targets = [t for t in (args.targets or ()) if t in ("onap", "tacker")]
    if len(set(csar_targets)) > 1:
        raise UsageError("a CSAR is laid out for one orchestrator: give --target onap or "
                         "--target tacker, not both")
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
          "sign_key": key, "sign_cert": cert,
          "ns_layout": getattr(args, "ns_layout", "subcharts")}
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


def run(args: argparse.Namespace, out: TextIO) -> int:
    if isinstance(args.path, list):  # from the command line: one PATH or a batch
        if batch.wanted(args):
            return batch.run("bundle", args, out)
        args.path = args.path[0]
    # with a JSON or SARIF diagnostics document on stdout, everything else goes to stderr
    # so that stdout stays one parseable document
    text = getattr(args, "format", "text") == "text"
    say = out if text else sys.stderr
    # by name: only the bundlers this call names are imported (a broken third-party one
    # fails only the calls that name it, with its distribution named)
    names = plugins.names("bundler")
    formats = list(dict.fromkeys(args.formats))
    unknown = [f for f in formats if f not in names]
    if unknown:
        raise UsageError(f"unknown --format {unknown[0]!r}; available: "
                         f"{plugins.available('bundler')}")
    try:
        chosen = api.bundlers_for(formats)
    except PluginError as exc:
        say.write(f"xfc: error[plugin-error]: {exc}\n")
        return 1
    settings = _settings(args)
    why = api.signing_problem(settings, f"--sign-key {args.sign_key}",
                              f"--sign-cert {args.sign_cert}")
    if why is not None:  # refused before the compile, not after it
        say.write(f"xfc: error: cannot sign the CSAR: {why}\n")
        return 1
    options = options_from_args(args)
    problems = api.option_problems(options)
    if problems:
        raise UsageError(problems[0])
    unit = api.compile(api.CompileRequest(path=args.path, options=options)).unit
    code = report(unit, args, out)
    if code != 0:
        return code
    result = api.package(unit, chosen, settings)
    if result.problem is not None:
        say.write(f"xfc: error: cannot build the {result.problem.format} bundle: "
                  f"{result.problem.message}\n")
        return 1
    files = list(result.files)
    if result.late and text:  # the bundlers' warnings
        say.write(render_text(list(result.late), unit.diagnostics.sources))
    try:
        write_outputs(files, args.output, force=args.force, writer=writer(formats))
    except (OutputError, OSError) as exc:
        raise UsageError(f"cannot write to {args.output}: {exc}") from None
    if not args.quiet and text:
        tops = sorted({f.path.split("/", 1)[0] for f in files})
        out.write(f"xfc: wrote {', '.join(tops)} to {args.output} ({len(files)} files)\n")
    if args.verify:
        return _verify(files, args.output, say)
    return 0


def writer(formats: list[str]) -> str:
    """The command named in OUT/.xfc-manifest: a bundle of other formats into OUT would
    delete these files, so it is refused like a compile into OUT (compiler.output)."""
    return "xfc bundle " + " ".join(f"--format {f}" for f in sorted(set(formats)))


def _verify(files: list, output: str, out: TextIO) -> int:
    """Run the offline gates on every package written; 1 when any finds an error."""
    roots = set()
    for f in files:
        parts = f.path.split("/")
        if f.producer == "helm":
            roots.add("/".join(parts[:2]))
        elif f.producer == "csar" and parts[0] == "csar":
            roots.add("/".join(parts[:2]))
        elif f.path.endswith((".csar", ".zip", ".tar.gz")):
            roots.add(f.path)
    requests = {f.path[:-len("-instantiate.json")]: f for f in files
                if f.producer == "csar" and f.path.endswith("-instantiate.json")}
    failed = False
    for root in sorted(roots):
        path = os.path.join(output, root)
        findings = api.verify(path)
        gates = sorted({x.gate for x in findings}) or ["offline rules"]
        stem = root[:-len(".csar")] if root.endswith(".csar") else root.split("/", 1)[-1]
        if stem in requests:  # laid out for Tacker: Tacker's own code judges it too
            request = json.loads(requests[stem].content)
            gate, judged = api.tacker_verdict(path, request)
            if judged is None:
                out.write(f"xfc: verify: {root}: Tacker is not installed (bash .ci/tacker.sh); "
                          "only xfc's offline Tacker rules ran\n")
            else:
                findings += judged
                gates.append(gate + " (Tacker's own code)")
        failed = failed or any(x.severity == "error" for x in findings)
        for x in findings:
            out.write(f"{root}: {x.render()}\n")
        verdict = "FAILED" if any(x.severity == "error" for x in findings) else "ok"
        out.write(f"xfc: verify {verdict}: {root} ({len(findings)} findings; gates: "
                  f"{', '.join(dict.fromkeys(gates))})\n")
    return 1 if failed else 0
