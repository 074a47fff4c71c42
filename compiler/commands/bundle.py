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
import sys
from typing import TextIO

from .. import api, batch
from ..api import support
from ..diagnostics import render_text
from ..errors import PluginError
from ..api.support import OutputError, write_outputs
from ..api.flags import bundle_settings
from ..api.render import bundle_writer, verify_bundles
from .common import UsageError, declare, options_from_args, report

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

def add_arguments(parser: argparse.ArgumentParser) -> None:
    declare("bundle", parser)


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
    names = support.names("bundler")
    formats = list(dict.fromkeys(args.formats))
    unknown = [f for f in formats if f not in names]
    if unknown:
        raise UsageError(f"unknown --format {unknown[0]!r}; available: "
                         f"{support.available('bundler')}")
    try:
        chosen = api.bundlers_for(formats)
    except PluginError as exc:
        say.write(f"xfc: error[plugin-error]: {exc}\n")
        return 1
    settings = bundle_settings(args)
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
        write_outputs(files, args.output, force=args.force, writer=bundle_writer(formats))
    except (OutputError, OSError) as exc:
        raise UsageError(f"cannot write to {args.output}: {exc}") from None
    if not args.quiet and text:
        tops = sorted({f.path.split("/", 1)[0] for f in files})
        out.write(f"xfc: wrote {', '.join(tops)} to {args.output} ({len(files)} files)\n")
    if args.verify:
        return verify_bundles(files, args.output, say)
    return 0
