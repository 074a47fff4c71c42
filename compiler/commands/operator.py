"""``xfc operator --namespace NS``: act on the namespace's FailurePolicies (spec §6).

Phase: CLI (a face; the controller is :mod:`compiler.operator`).  Runs until SIGTERM or
Ctrl-C, which kopf handles: it stops its timers and the Lease is given up; the process
then ends by the signal (143 in a shell), as Kubernetes expects.  Exit 2
on misuse: a namespace that is no DNS label, bad timing values, the ``operator`` extra
missing, no Kubernetes configuration (``KUBECONFIG`` unset and not in a Pod).

Codes: none.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from ..names import is_dns_label
from .common import UsageError

# kopf handles SIGINT/SIGTERM itself (stops the timers, runs the cleanup that releases
# the Lease): the CLI leaves them alone
OWN_SIGNALS = True

DESCRIPTION = """\
Run xfc's controller for one namespace: for each FailurePolicy (xfactor.io/v1alpha2) there,
watch each wiring's target; when it has had no Ready Pod for the wiring's detect_after,
or the policy carries the annotation xfactor.io/drill: <wiring>, run the wiring's ladder
(reconnect, notify, reinstantiate, shutdown_chain) as `xfc simulate --fail` describes it,
writing status.wirings before each action and an Event naming the wiring for each.  Reads
KUBECONFIG (or ~/.kube/config), or the Pod's service account in a cluster.  Only the
holder of the Lease --lease-name acts, so several replicas may run.  `xfc compile` writes
a Deployment, ServiceAccount and Role for it under operator/ (docs/operator.md).

examples:
  xfc operator --namespace 5g-core
  xfc operator --namespace 5g-core --interval 2 --lease-duration 30
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--namespace", "-n", required=True,
                        help="the namespace whose FailurePolicies it acts on")
    parser.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                        help="how often each FailurePolicy is looked at (default: %(default)s)")
    parser.add_argument("--lease-name", default="xfc-operator",
                        help="the coordination.k8s.io Lease that elects the acting replica "
                             "(default: %(default)s)")
    parser.add_argument("--lease-duration", type=int, default=15, metavar="SECONDS",
                        help="how long a Lease not renewed stays held (default: %(default)s)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if not is_dns_label(args.namespace):
        raise UsageError(f"--namespace {args.namespace!r} is not a DNS-1123 label")
    if not 0 < args.interval <= 3600 or not 1 <= args.lease_duration <= 3600:
        raise UsageError("--interval must be in (0, 3600] and --lease-duration in [1, 3600]")
    if not is_dns_label(args.lease_name):
        raise UsageError(f"--lease-name {args.lease_name!r} is not a DNS-1123 label")
    try:
        from ..operator import run as operator
    except ModuleNotFoundError as exc:
        raise UsageError(f"xfc operator needs the 'operator' extra ({exc.name} is missing): "
                         "pip install 'xfc[operator]'") from None
    try:
        operator.api_client()
    except operator.ConfigError as exc:
        raise UsageError(str(exc)) from None
    out.write(f"xfc: operator for namespace {args.namespace} (Lease {args.lease_name})\n")
    out.flush()
    operator.run(args.namespace, interval=args.interval, lease_name=args.lease_name,
                 lease_duration=args.lease_duration)
    return 0
