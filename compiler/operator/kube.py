"""The operator's Kubernetes I/O: what it reads and does through the official client.

Phase: none (the operator).  Input: a namespace and a configured
``kubernetes.client.ApiClient``.  Output: :class:`~compiler.operator.decide.Observed`
snapshots, and the actions of spec §6 carried out: scaling a workload through its
``scale`` subresource, writing ``status.wirings`` through the ``status`` subresource,
Events (on the FailurePolicy, naming the wiring, and on a notified workload), HTTP
notifications to Ready Pods, signals through ``pods/exec``, removing a drill annotation,
and holding the ``coordination.k8s.io`` Lease that makes one replica the actor.

Every verb used here is one the operator's Role grants
(:mod:`compiler.emitters.operator`, ``RULES``); ``tests/unit/test_operator_rbac.py``
holds the two lists together.  Codes: none.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from kubernetes import client
from kubernetes.client.rest import ApiException

from .decide import Notify, Observed, WiringStatus, rfc3339
from .policy import API_GROUP, API_VERSION, DRILL_ANNOTATION, PLURAL, Policy, Workload

HTTP_TIMEOUT = 3.0
MERGE = "application/merge-patch+json"  # RFC 7386; a null removes a key


class ActionError(Exception):
    """The API server refused an action (the message says which)."""


def _why(exc: ApiException) -> str:
    try:
        return json.loads(exc.body or "{}").get("message") or f"{exc.status} {exc.reason}"
    except (ValueError, AttributeError):
        return f"{exc.status} {exc.reason}"


def _ready(pod: Any) -> bool:
    conds = (pod.status.conditions if pod.status else None) or []
    return any(c.type == "Ready" and c.status == "True" for c in conds)


def _selector(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


@dataclass
class Kube:
    namespace: str
    api: client.ApiClient

    def __post_init__(self) -> None:
        self.core = client.CoreV1Api(self.api)
        self.apps = client.AppsV1Api(self.api)
        self.custom = client.CustomObjectsApi(self.api)

    def of(self, w: Workload) -> str:
        """The namespace of workload ``w``: its own (an NSD compiled with
        ``--ns-namespaces per-vnf``), else the policy's."""
        return w.namespace or self.namespace

    # --- reading ---------------------------------------------------------------------

    def pods(self, w: Workload) -> list[Any]:
        """The Pods the workload's selector picks, those being deleted left out (none
        without a selector: such a workload is not actionable)."""
        if not w.selector:
            return []
        items = self.core.list_namespaced_pod(self.of(w),
                                              label_selector=_selector(w.selector)).items
        return [p for p in items if p.metadata is None or p.metadata.deletion_timestamp is None]

    def replicas(self, w: Workload) -> int | None:
        read = (self.apps.read_namespaced_deployment_scale if w.kind == "Deployment"
                else self.apps.read_namespaced_stateful_set_scale)
        try:
            spec = read(w.object, self.of(w)).spec
            return (spec.replicas or 0) if spec is not None else 0
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def observe(self, policy: Policy) -> Observed:
        pods, ready, replicas = {}, {}, {}
        for name, w in policy.workloads.items():
            if not w.actionable:
                continue
            found = self.pods(w)
            pods[name] = len(found)
            ready[name] = sum(_ready(p) for p in found)
            r = self.replicas(w)
            if r is not None:
                replicas[name] = r
        return Observed(pods=pods, ready=ready, replicas=replicas)

    # --- acting ----------------------------------------------------------------------

    def scale(self, w: Workload, replicas: int) -> None:
        patch = (self.apps.patch_namespaced_deployment_scale if w.kind == "Deployment"
                 else self.apps.patch_namespaced_stateful_set_scale)
        try:
            patch(w.object, self.of(w), {"spec": {"replicas": replicas}},
                  _content_type=MERGE)
        except ApiException as exc:
            raise ActionError(f"scaling {w.kind} {w.object} to {replicas} was refused: "
                              f"{_why(exc)}") from None

    def write_status(self, policy_name: str, statuses: list[WiringStatus]) -> None:
        body = {"status": {"wirings": [s.to_json() for s in statuses]}}
        try:
            self.custom.patch_namespaced_custom_object_status(
                API_GROUP, API_VERSION, self.namespace, PLURAL, policy_name, body,
                _content_type=MERGE)
        except ApiException as exc:
            raise ActionError(f"writing the status of FailurePolicy {policy_name} was "
                              f"refused: {_why(exc)}") from None

    def remove_drill(self, policy_name: str) -> None:
        body = {"metadata": {"annotations": {DRILL_ANNOTATION: None}}}
        self.custom.patch_namespaced_custom_object(
            API_GROUP, API_VERSION, self.namespace, PLURAL, policy_name, body,
            _content_type=MERGE)

    def event(self, involved: dict[str, Any], reason: str, message: str, *,
              warning: bool = False, namespace: str | None = None) -> None:
        """A core/v1 Event on ``involved`` (an object reference in ``namespace``, default
        the policy's); best effort."""
        now = datetime.now(timezone.utc)
        ns = namespace or self.namespace  # an Event lives in its object's namespace
        body = client.CoreV1Event(
            metadata=client.V1ObjectMeta(generate_name=f"{involved['name']}.",
                                         namespace=ns),
            involved_object=client.V1ObjectReference(namespace=ns, **involved),
            reason=reason, message=message[:1024], type="Warning" if warning else "Normal",
            first_timestamp=now, last_timestamp=now, count=1,
            source=client.V1EventSource(component="xfc-operator"))
        try:
            self.core.create_namespaced_event(ns, body)
        except ApiException:
            pass  # an Event is a record, never a reason to stop acting

    def notify(self, policy: Policy, n: Notify, wiring: str) -> list[str]:
        """Deliver a notification to every recipient; returns what could not be delivered."""
        context = {"wiring": wiring, "step": n.step, "action": "notify", "failed": n.failed,
                   "time": rfc3339(datetime.now(timezone.utc).timestamp())}
        missed = []
        for name in n.recipients:
            context = {**context, "recipient": name}
            w = policy.workloads.get(name)
            if w is None or not w.actionable:
                missed.append(f"{name}: no Kubernetes workload")
                continue
            if n.via == "event":
                ref = {"api_version": "apps/v1", "kind": w.kind, "name": w.object}
                self.event(ref, "WiringFailed", json.dumps(context, sort_keys=True),
                           namespace=self.of(w))
                continue
            # each Ready Pod (a process that is not Ready may not be there to hear it),
            # as `xfc simulate` counts a node without one as not reached
            pods = [p for p in self.pods(w) if _ready(p) and (n.via != "http" or p.status.pod_ip)]
            if not pods:
                missed.append(f"{name}: no Ready Pod")
            for pod in pods:
                err = (self._post(pod.status.pod_ip, n, context) if n.via == "http"
                       else self._signal(pod.metadata.name, n.signal or "SIGTERM", self.of(w)))
                if err:
                    missed.append(f"{name} Pod {pod.metadata.name}: {err}")
        return missed

    def _post(self, ip: str, n: Notify, context: dict[str, Any]) -> str | None:
        host = f"[{ip}]" if ":" in ip else ip
        path = n.path or "/"
        url = f"http://{host}:{n.port}{path if path.startswith('/') else '/' + path}"
        req = urllib.request.Request(url, data=json.dumps(context, sort_keys=True).encode(),
                                     headers={"Content-Type": "application/json"},
                                     method="POST")
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as resp:  # noqa: S310
                return None if 200 <= resp.status < 300 else f"HTTP {resp.status}"
        except urllib.error.HTTPError as exc:
            return f"HTTP {exc.code}"
        except (OSError, ValueError) as exc:
            return f"POST {url} failed: {exc}"

    def _signal(self, pod: str, signal: str, namespace: str | None = None) -> str | None:
        from kubernetes.stream import stream  # noqa: PLC0415 - only signals need websockets

        sig = signal.upper().removeprefix("SIG")
        try:
            stream(self.core.connect_get_namespaced_pod_exec, pod, namespace or self.namespace,
                   command=["kill", "-s", sig, "1"], stderr=True, stdout=True, stdin=False,
                   tty=False, _request_timeout=HTTP_TIMEOUT)
        except ApiException as exc:
            return f"exec refused: {_why(exc)}"
        except Exception as exc:  # noqa: BLE001 - websocket errors of every kind
            return f"exec failed: {exc}"
        return None


@dataclass
class Lease:
    """One acting replica (spec §6 "One actor"): a ``coordination.k8s.io/v1`` Lease that
    this process holds and renews; another takes it over once it is not renewed for
    ``duration`` seconds.  Optimistic concurrency (the resourceVersion of a replace)
    keeps two processes from taking it at once."""

    api: client.ApiClient
    namespace: str
    name: str
    identity: str
    duration: int = 15
    _held_until: datetime | None = None

    def held(self) -> bool:
        now = datetime.now(timezone.utc)
        if self._held_until is not None and now < self._held_until - \
                timedelta(seconds=self.duration * 2 / 3):
            return True  # renewed recently enough
        coord = client.CoordinationV1Api(self.api)
        try:
            lease = coord.read_namespaced_lease(self.name, self.namespace)
        except ApiException as exc:
            if exc.status != 404:
                raise
            body = client.V1Lease(
                metadata=client.V1ObjectMeta(name=self.name, namespace=self.namespace),
                spec=client.V1LeaseSpec(holder_identity=self.identity, acquire_time=now,
                                        renew_time=now, lease_duration_seconds=self.duration,
                                        lease_transitions=0))
            try:
                coord.create_namespaced_lease(self.namespace, body)
            except ApiException as exc2:
                if exc2.status == 409:
                    return False
                raise
            self._held_until = now + timedelta(seconds=self.duration)
            return True
        spec = lease.spec
        if spec is None:  # a Lease someone left without a spec: held by nobody
            spec = lease.spec = client.V1LeaseSpec()
        mine = spec.holder_identity == self.identity
        renew = spec.renew_time
        expired = renew is None or now > renew + timedelta(
            seconds=spec.lease_duration_seconds or self.duration)
        if not (mine or not spec.holder_identity or expired):
            self._held_until = None
            return False
        if not mine:
            spec.acquire_time = now
            spec.lease_transitions = (spec.lease_transitions or 0) + 1
            spec.holder_identity = self.identity
        spec.renew_time = now
        spec.lease_duration_seconds = self.duration
        try:
            coord.replace_namespaced_lease(self.name, self.namespace, lease)
        except ApiException as exc:
            if exc.status == 409:
                self._held_until = None
                return False
            raise
        self._held_until = now + timedelta(seconds=self.duration)
        return True

    def release(self) -> None:
        """Give the Lease up (on a clean stop), so a successor need not wait it out."""
        if self._held_until is None:
            return
        coord = client.CoordinationV1Api(self.api)
        try:
            lease = coord.read_namespaced_lease(self.name, self.namespace)
            if lease.spec is not None and lease.spec.holder_identity == self.identity:
                lease.spec.holder_identity = None
                lease.spec.renew_time = None
                coord.replace_namespaced_lease(self.name, self.namespace, lease)
        except ApiException:
            pass
        self._held_until = None


__all__ = ["ActionError", "Kube", "Lease"]
