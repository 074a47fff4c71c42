"""``xfc operator``'s controller: kopf watches the FailurePolicies, this acts on them.

Phase: none (the operator, a face).  Input: a namespace, a kubeconfig (``KUBECONFIG`` or
the Pod's service account), and the FailurePolicies kopf delivers.  Output: the actions of
spec §6, carried out by :mod:`.kube` as :mod:`.decide` chooses them.  Codes: none.

kopf runs one timer per FailurePolicy (every ``interval`` seconds); each tick, if this
process holds the Lease, reads the namespace (:meth:`Kube.observe`), asks
:func:`decide.tick` what to do, **writes the status first**, removes a drill annotation
once the drill is recorded, then does the actions and posts one Event per decision on the
FailurePolicy, naming the wiring.  An action the API server refuses turns its wiring to
``Error`` (status and a Warning Event).  kopf adds its finalizer to each FailurePolicy it
runs a timer for and removes it when the object is deleted while the operator runs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

import kopf
from kubernetes import client, config

from . import decide
from .decide import Notify, Scale, WiringStatus
from .kube import ActionError, Kube, Lease
from .policy import API_GROUP, API_VERSION, DRILL_ANNOTATION, PLURAL, PolicyError, parse

log = logging.getLogger("xfc.operator")


class ConfigError(Exception):
    """No kubeconfig and not in a cluster."""


def api_client() -> client.ApiClient:
    """The client for ``KUBECONFIG`` (or ~/.kube/config), else the in-cluster account."""
    try:
        config.load_incluster_config()
    except config.ConfigException:
        try:
            config.load_kube_config()
        except (config.ConfigException, OSError, TypeError) as exc:
            raise ConfigError("no Kubernetes configuration: set KUBECONFIG, or run in a "
                              f"Pod with a service account ({exc})") from None
    return client.ApiClient()


@dataclass
class Controller:
    """The state one operator process keeps between ticks (none of it is needed to resume:
    the detection windows start again after a restart)."""

    kube: Kube
    lease: Lease
    unready: dict[str, dict[str, float]] = field(default_factory=dict)  # policy -> since
    bad_spec: dict[str, str] = field(default_factory=dict)  # policy -> last error reported
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reconcile(self, name: str, spec: Any, status: Any, annotations: Any) -> None:
        with self.lock:  # one tick at a time: the Lease and the windows are shared
            if not self.lease.held():
                return
            self._tick(name, spec, status or {}, annotations or {})

    def _ref(self, name: str) -> dict[str, Any]:
        return {"api_version": f"{API_GROUP}/{API_VERSION}", "kind": "FailurePolicy",
                "name": name}

    def _tick(self, name: str, spec: Any, status: Any, annotations: Any) -> None:
        kube, ref = self.kube, self._ref(name)
        drill = annotations.get(DRILL_ANNOTATION)
        try:
            policy = parse(spec)
        except PolicyError as exc:
            if self.bad_spec.get(name) != str(exc):
                self.bad_spec[name] = str(exc)
                kube.event(ref, "InvalidSpec", f"not acted on: {exc}", warning=True)
            return
        self.bad_spec.pop(name, None)
        known = {s.name: s for s in map(WiringStatus.from_json, status.get("wirings") or [])
                 if s is not None}
        drills = set()
        if isinstance(drill, str) and drill:
            if policy.wiring(drill) is None:
                kube.event(ref, "DrillIgnored", f"drill of wiring {drill} ignored: the policy "
                                                "has no such wiring", warning=True)
            else:
                drills.add(drill)
        result = decide.tick(policy, known, kube.observe(policy), time.time(),
                             unready_since=self.unready.get(name), drills=drills)
        self.unready[name] = result.unready_since
        statuses = {w.name: known.get(w.name) or WiringStatus(name=w.name)
                    for w in policy.wirings}
        for d in result.decisions:
            statuses[d.wiring] = d.status
        if result.decisions:
            kube.write_status(name, list(statuses.values()))  # before any action
        if drill is not None:
            kube.remove_drill(name)  # the drill is recorded in the status
            if drills:
                kube.event(ref, "Drill", f"drill of wiring {drill} recorded")
        for d in result.decisions:
            note = ""
            try:
                if isinstance(d.action, Scale):
                    kube.scale(policy.workloads[d.action.workload], d.action.replicas)
                elif isinstance(d.action, Notify):
                    missed = kube.notify(policy, d.action, d.wiring)
                    if missed:
                        note = f"; not delivered: {'; '.join(missed)}"
            except ActionError as exc:
                statuses[d.wiring] = replace(d.status, phase="Error", message=str(exc))
                kube.write_status(name, list(statuses.values()))
                kube.event(ref, "Error", f"wiring {d.wiring}: {exc}", warning=True)
                continue
            if note:
                statuses[d.wiring] = replace(d.status, message=d.status.message + note)
                kube.write_status(name, list(statuses.values()))
                kube.event(ref, "NotifyFailed", f"wiring {d.wiring}{note}", warning=True)
            if d.reason:
                kube.event(ref, d.reason, d.message)


def registry_for(controller: Controller, interval: float) -> kopf.OperatorRegistry:
    registry = kopf.OperatorRegistry()

    @kopf.timer(API_GROUP, API_VERSION, PLURAL, interval=interval, backoff=max(interval, 1.0),
                registry=registry)
    def failure_policy(name: str, spec: Any, status: Any, annotations: Any, **_: Any) -> None:
        controller.reconcile(name, dict(spec), dict(status), dict(annotations))

    @kopf.on.login(registry=registry)
    def login(**kwargs: Any) -> Any:  # KUBECONFIG or the Pod's account, as api_client()
        return kopf.login_via_client(**kwargs)

    @kopf.on.startup(registry=registry)
    def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
        settings.scanning.disabled = True  # one namespace: no cluster-wide CRD/namespace watch
        settings.posting.level = logging.WARNING
        settings.persistence.finalizer = "xfactor.io/operator"

    @kopf.on.cleanup(registry=registry)
    def release(**_: Any) -> None:
        controller.lease.release()

    return registry


def identity() -> str:
    return os.environ.get("POD_NAME") or f"{socket.gethostname()}-{os.getpid()}"


def run(namespace: str, *, interval: float = 1.0, lease_name: str = "xfc-operator",
        lease_duration: int = 15, stop_flag: Any = None) -> None:
    """Run the operator until stopped (SIGINT/SIGTERM, or ``stop_flag``)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("kopf.objects").setLevel(logging.WARNING)  # not every timer tick
    api = api_client()
    controller = Controller(kube=Kube(namespace, api),
                            lease=Lease(api, namespace, lease_name, identity(), lease_duration))
    registry = registry_for(controller, interval)
    kopf.run(registry=registry, standalone=True, namespaces=[namespace], clusterwide=False,
             stop_flag=stop_flag)


__all__ = ["ConfigError", "Controller", "api_client", "registry_for", "run"]
