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
from typing import TextIO

from ..api import verbs
from ..usage import batch_wanted
from .common import declare

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
        if batch_wanted(args):
            from .. import batch  # only a batch imports batch mode

            return batch.run("bundle", args, out)
        args.path = args.path[0]
    return verbs.bundle(args, out, force=args.force)
