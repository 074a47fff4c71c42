"""`xfc operator` end to end on a real kube-apiserver (tests/support/apiserver.py).

The 5G core slice is compiled for Kubernetes 1.20 and applied for real, each scenario
in a namespace of its own, with the operator's ServiceAccount, Role and RoleBinding from
``operator/``.  The operator runs as a subprocess (``python3 -m compiler operator``)
**as that ServiceAccount** (a token from the TokenRequest API), so every call it makes
is checked by the server's RBAC against the compiled Role.

No kubelet, scheduler or controller-manager runs here, so the test plays their part
(:class:`Kubelet`): for each workload of the FailurePolicy it creates or deletes Pods to
match ``spec.replicas``, writes their status through the ``status`` subresource (Ready,
``podIP`` 127.0.0.1 — a workload the scenario breaks gets Pods that never become Ready),
and writes the workload's status the same way.  A local HTTP server on 127.0.0.1 at the
port of the wiring's ``notify(via=http)`` step stands in for the Pods' endpoints.

Each failure is also played by ``xfc simulate --fail`` (:func:`compiler.graph.simulate`),
and the API server must end as it predicts: the same workloads scaled down and up in the
same order, the same notifications, the same outcome per wiring.  Then the operator is
killed in the middle of a ``reinstantiate`` and a new one must finish it without
repeating an action.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

kubernetes = pytest.importorskip("kubernetes", reason="the operator extra is not installed")
pytest.importorskip("kopf", reason="the operator extra is not installed")

from kubernetes import client, config  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402

import compiler  # noqa: E402
from compiler.graph.simulate import simulate  # noqa: E402
from compiler.pipeline import Options  # noqa: E402
support = pytest.importorskip("tests.support.apiserver",
                              reason="tests/support/apiserver.py is not in this tree")
apiserver = support.apiserver  # the session's API server (a fixture)
ApiServer = support.ApiServer

REPO = Path(__file__).resolve().parents[2]
SLICE = "samples/5g-core-slice/slice.yaml"
GROUP, VERSION, PLURAL = "xfactor.io", "v1alpha2", "failurepolicies"
POLICY = "5g-core-slice"


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def unit():
    u = compiler.compile(SLICE, Options(kube_version="1.20"))
    assert u.ok, u.diagnostics.render_text()
    return u


@pytest.fixture(scope="module")
def files(unit) -> dict[str, str]:
    out = {f.path: f.content.decode() for f in unit.outputs}
    fp = yaml.safe_load(out["policies/failurepolicy.yaml"])
    if fp["apiVersion"] != f"{GROUP}/{VERSION}":
        pytest.skip(f"the compiled FailurePolicy is {fp['apiVersion']}; the operator reads "
                    f"{GROUP}/{VERSION} (spec §5)")
    return out


@pytest.fixture(scope="module")
def admin(apiserver: ApiServer):  # noqa: F811
    return config.new_client_from_config(config_file=str(apiserver.kubeconfig))


@pytest.fixture(scope="module")
def crd(apiserver: ApiServer, files):  # noqa: F811
    rc, out = apiserver.apply(files["policies/failurepolicy-crd.yaml"], dry_run=False,
                              server_side=True)
    assert rc == 0, out
    apiserver.wait_established(f"{PLURAL}.{GROUP}")


def _sa_kubeconfig(apiserver: ApiServer, api, ns: str, path: Path) -> Path:  # noqa: F811
    """A kubeconfig that authenticates as the operator's ServiceAccount."""
    req = client.AuthenticationV1TokenRequest(spec=client.V1TokenRequestSpec(
        audiences=["https://kubernetes.default.svc"], expiration_seconds=3600))
    token = client.CoreV1Api(api).create_namespaced_service_account_token(
        "xfc-operator", ns, req).status.token
    cfg = yaml.safe_load(apiserver.kubeconfig.read_text())
    cfg["users"] = [{"name": "xfc-operator", "user": {"token": token}}]
    cfg["contexts"][0]["context"]["user"] = "xfc-operator"
    path.write_text(json.dumps(cfg))
    return path


class Kubelet(threading.Thread):
    """Plays the kubelet and the workload controllers (nothing else does here): Pods to
    match ``spec.replicas``, their status and the workloads' status, written through the
    status subresources.  Records every change of ``spec.replicas`` it sees."""

    def __init__(self, api, ns: str, workloads: list[dict[str, Any]]):
        super().__init__(daemon=True)
        self.core, self.apps = client.CoreV1Api(api), client.AppsV1Api(api)
        self.ns, self.workloads = ns, workloads
        self.broken: set[str] = set()  # node names whose Pods never become Ready
        self.repair_on_zero: set[str] = set()  # broken until scaled to 0 (a restart heals)
        self.log: list[tuple[str, int]] = []
        self.replicas: dict[str, int] = {}
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.synced = threading.Event()

    def _scale(self, w) -> int:
        read = (self.apps.read_namespaced_deployment_scale if w["kind"] == "Deployment"
                else self.apps.read_namespaced_stateful_set_scale)
        return read(w["object"], self.ns).spec.replicas or 0

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                for w in self.workloads:
                    self.sync(w)
                self.synced.set()
                time.sleep(0.2)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def sync(self, w: dict[str, Any]) -> None:
        name = w["name"]
        want = self._scale(w)
        if name in self.replicas and self.replicas[name] != want:
            self.log.append((name, want))
        self.replicas[name] = want
        if want == 0 and name in self.repair_on_zero:
            self.broken.discard(name)
        sel = ",".join(f"{k}={v}" for k, v in sorted(w["selector"].items()))
        pods = sorted(self.core.list_namespaced_pod(self.ns, label_selector=sel).items,
                      key=lambda p: p.metadata.name)
        for pod in pods[want:]:
            try:
                self.core.delete_namespaced_pod(pod.metadata.name, self.ns, grace_period_seconds=0)
            except ApiException as exc:
                if exc.status != 404:
                    raise
        names = {p.metadata.name for p in pods[:want]}
        for i in range(want):
            pod_name = f"{w['object']}-{i}"
            if len(names) >= want:
                break
            if pod_name in names:
                continue
            body = {"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": pod_name, "labels": dict(w["selector"])},
                    "spec": {"containers": [{"name": "main", "image": "example.invalid/x:1"}]}}
            try:
                self.core.create_namespaced_pod(self.ns, body)
                names.add(pod_name)
            except ApiException as exc:
                if exc.status != 409:
                    raise
        ready = "False" if name in self.broken else "True"
        n_ready = 0
        for pod_name in sorted(names):
            pod = self.core.read_namespaced_pod(pod_name, self.ns)
            conds = {c.type: c.status for c in (pod.status.conditions or [])}
            if conds.get("Ready") != ready or pod.status.pod_ip != "127.0.0.1":
                self.core.patch_namespaced_pod_status(pod_name, self.ns, {"status": {
                    "phase": "Running", "podIP": "127.0.0.1", "podIPs": [{"ip": "127.0.0.1"}],
                    "conditions": [{"type": "Ready", "status": ready}]}})
            n_ready += ready == "True"
        status = {"status": {"replicas": len(names), "readyReplicas": n_ready,
                             "observedGeneration": 1}}
        if w["kind"] == "Deployment":
            status["status"]["availableReplicas"] = n_ready
            self.apps.patch_namespaced_deployment_status(w["object"], self.ns, status)
        else:
            status["status"]["currentReplicas"] = len(names)
            self.apps.patch_namespaced_stateful_set_status(w["object"], self.ns, status)


class Receiver(ThreadingHTTPServer):
    """The Pods' HTTP endpoints, on loopback: records every POST."""

    def __init__(self, port: int):
        self.posts: list[tuple[str, dict[str, Any]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                n = int(self.headers.get("Content-Length") or 0)
                outer.posts.append((self.path, json.loads(self.rfile.read(n) or b"{}")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):  # quiet
                pass

        super().__init__(("127.0.0.1", port), Handler)


class Scenario:
    """One namespace with the slice applied, a Kubelet, and an operator process."""

    def __init__(self, apiserver: ApiServer, api, files: dict[str, str], tmp: Path):  # noqa: F811
        self.apiserver, self.api, self.tmp = apiserver, api, tmp
        self.ns = apiserver.namespace("op")
        self.custom = client.CustomObjectsApi(api)
        for prefix in ("kubernetes/", "operator/", "policies/failurepolicy.yaml"):
            docs = [t for p, t in sorted(files.items()) if p.startswith(prefix)]
            rc, out = apiserver.apply("\n---\n".join(docs), namespace=self.ns, dry_run=False,
                                      server_side=True)
            assert rc == 0, out
        self.policy = self.get()
        self.kubelet = Kubelet(api, self.ns, self.policy["spec"]["workloads"])
        self.kubelet.start()
        assert self.kubelet.synced.wait(60), self.kubelet.error
        self.kubeconfig = _sa_kubeconfig(apiserver, api, self.ns, tmp / f"{self.ns}.kubeconfig")
        self.procs: list[subprocess.Popen] = []

    def get(self) -> dict[str, Any]:
        return self.custom.get_namespaced_custom_object(GROUP, VERSION, self.ns, PLURAL, POLICY)

    def start_operator(self) -> subprocess.Popen:
        env = {**self.apiserver.env, "KUBECONFIG": str(self.kubeconfig),
               "PYTHONPATH": str(REPO)}
        log = open(self.tmp / f"{self.ns}-operator-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "compiler", "operator", "--namespace", self.ns,
             "--interval", "0.5", "--lease-duration", "3"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:]
                         for p in sorted(self.tmp.glob(f"{self.ns}-operator-*.log")))

    def wiring_status(self) -> dict[str, dict[str, Any]]:
        return {w["name"]: w for w in (self.get().get("status") or {}).get("wirings") or []}

    def wait(self, what, timeout: float = 120) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.kubelet.error is None, self.kubelet.error
            got = what()
            if got:
                return got
            for p in self.procs:
                assert p.poll() is None or p.returncode == -signal.SIGKILL, \
                    f"operator exited {p.returncode}:\n{self.logs()}"
            time.sleep(0.3)
        pytest.fail(f"timed out; status {json.dumps(self.wiring_status(), indent=1)}\n"
                    f"scales {self.kubelet.log}\noperator log:\n{self.logs()}")

    def events(self, **match) -> list[Any]:
        items = client.CoreV1Api(self.api).list_namespaced_event(self.ns).items
        return [e for e in items
                if all(getattr(e.involved_object, k) == v for k, v in match.items())]

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.kubelet.stop.set()
        self.kubelet.join(10)


@pytest.fixture
def scenario(apiserver, admin, files, crd, tmp_path):  # noqa: F811
    s = Scenario(apiserver, admin, files, tmp_path)
    yield s
    s.close()


@pytest.fixture(scope="module")
def receiver(files):
    fp = yaml.safe_load(files["policies/failurepolicy.yaml"])
    ports = {s["port"] for w in fp["spec"]["wirings"] for s in w["steps"]
             if s["action"] == "notify" and s.get("via") == "http"}
    (port,) = ports
    try:
        server = Receiver(port)
    except OSError as exc:
        pytest.fail(f"the Pods' stand-in cannot listen on 127.0.0.1:{port}: {exc}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


# ----------------------------------------------------------------------------- expected

def predicted(unit, failed: str, *, instance: bool = False) -> dict[str, Any]:
    """What `xfc simulate --fail` says: the scale actions in order, the notifications
    (wiring, via, recipient, delivered) and each wiring's last phase."""
    sim = simulate(unit, failed, instance=instance)
    wl = {w["name"]: w for w in yaml.safe_load(
        [f for f in unit.outputs if f.path == "policies/failurepolicy.yaml"][0].content
    )["spec"]["workloads"]}
    return {"scales": [(a["node"], a["replicas"]) for a in sim.scaling],
            "notes": list(sim.notifications), "phases": dict(sim.phases),
            "state": dict(sim.state),
            "replicas": {n: w["replicas"] for n, w in wl.items() if w.get("kind")}}


def ended(scenario, want) -> Any:
    """The status once every wiring simulate names has reached its last phase (a ladder
    that ended without recovery: ``Failing`` one step past its last)."""
    steps = {w["name"]: len(w["steps"]) for w in scenario.policy["spec"]["wirings"]}

    def done():
        st = scenario.wiring_status()
        for name, phase in want["phases"].items():
            w = st.get(name, {})
            if w.get("phase") != phase:
                return None
            if phase == "Failing" and w.get("step") != steps[name] + 1:
                return None
        return st
    return scenario.wait(done, timeout=150)


def check_final(scenario, want) -> None:
    assert scenario.kubelet.log == want["scales"], (scenario.kubelet.log, want["scales"])
    for node, state in want["state"].items():
        if node not in want["replicas"]:
            continue
        expect = 0 if state == "stopped" else want["replicas"][node]
        assert scenario.kubelet.replicas[node] == expect, (node, state)
    status = scenario.wiring_status()
    for w in scenario.policy["spec"]["wirings"]:
        phase = status.get(w["name"], {}).get("phase", "Healthy")
        assert phase == want["phases"].get(w["name"], "Healthy"), (w["name"], status)
    # every decision is an Event on the FailurePolicy that names the wiring
    evs = scenario.events(kind="FailurePolicy", name=POLICY)
    for name in want["phases"]:
        assert [e for e in evs if name in (e.message or "")], name


# ----------------------------------------------------------------------------- scenarios

@pytest.mark.parametrize("failed", ["upf", "udr", "smf", "udm"])
def test_operator_agrees_with_simulate(unit, scenario, receiver, failed):
    """Each kind of wiring of the sample fails (reconnect then reinstantiate; notify by
    signal then reinstantiate; reconnect then notify by HTTP; notify by Event)."""
    want = predicted(unit, failed)
    ready_before = dict(scenario.kubelet.replicas)
    receiver.posts.clear()
    scenario.kubelet.broken.add(failed)
    if any(e for e in want["scales"] if e == (failed, 0)):
        scenario.kubelet.repair_on_zero.add(failed)  # the restart heals it, as simulate assumes
    scenario.start_operator()
    ended(scenario, want)
    time.sleep(2)  # nothing more happens after the ladder ends
    check_final(scenario, want)
    wl = {w["name"]: w for w in scenario.policy["spec"]["workloads"]}
    warnings = [e.message for e in scenario.events(kind="FailurePolicy", name=POLICY)
                if e.reason == "NotifyFailed"]
    for n in want["notes"]:
        wiring, to, via = n["wiring"], n["to"], n["via"]
        if via == "http":
            got = [(p, b) for p, b in receiver.posts
                   if b.get("wiring") == wiring and b.get("recipient") == to]
            assert len(got) == (ready_before[to] if n["delivered"] else 0), (to, got)
            assert all(p == n["path"] and b["failed"] == failed for p, b in got)
        elif via == "event":
            evs = [e for e in scenario.events(kind=wl[to]["kind"], name=wl[to]["object"])
                   if json.loads(e.message).get("wiring") == wiring]
            assert bool(evs) == n["delivered"], to
        else:  # signal: pods/exec needs a kubelet, so even a Ready Pod is not reached here
            assert [m for m in warnings if wiring in m and f"{to}" in m], (to, warnings)
    assert len(receiver.posts) == sum(ready_before[n["to"]] for n in want["notes"]
                                      if n["via"] == "http" and n["delivered"])


def test_drill(unit, scenario):
    """A drill on a healthy wiring is recorded, its annotation removed, and its ladder
    runs as for a real failure: step 1, reconnect, finds the target Ready at once, so the
    wiring is Recovered and nothing is scaled."""
    scenario.start_operator()
    scenario.wait(lambda: scenario.get()["metadata"].get("finalizers"))  # kopf serves it
    client.CustomObjectsApi(scenario.api).patch_namespaced_custom_object(
        GROUP, VERSION, scenario.ns, PLURAL, POLICY,
        {"metadata": {"annotations": {"xfactor.io/drill": "smf.wiring"}}},
        _content_type="application/merge-patch+json")
    st = scenario.wait(lambda: scenario.wiring_status().get("smf.wiring", {}).get("phase")
                       == "Recovered" and scenario.wiring_status()["smf.wiring"])
    assert st["step"] == 1 and "drill" in " ".join(
        e.message for e in scenario.events(kind="FailurePolicy", name=POLICY))
    scenario.wait(lambda: "xfactor.io/drill" not in (scenario.get()["metadata"].get("annotations") or {}))
    reasons = [e.reason for e in scenario.events(kind="FailurePolicy", name=POLICY)
               if "smf.wiring" in (e.message or "")]
    assert {"Drill", "WiringFailed", "Recovered"} <= set(reasons), reasons
    time.sleep(2)
    assert scenario.kubelet.log == []
    assert {w: s.get("phase") for w, s in scenario.wiring_status().items()
            if w != "smf.wiring"} <= {w: "Healthy" for w in scenario.wiring_status()}


def test_restart_in_the_middle_of_reinstantiate(unit, scenario):
    """Killed (SIGKILL) after the reinstantiate's first scale actions, the operator's
    successor takes the Lease over and finishes the step from the status: the scale
    actions are the predicted ones, each once."""
    want = predicted(unit, "upf")
    scenario.kubelet.broken.add("upf")
    scenario.kubelet.repair_on_zero.add("upf")
    first = scenario.start_operator()

    def mid():
        w = scenario.wiring_status().get("smf.wiring", {})
        return w.get("step") == 2 and w.get("attempt", 0) >= 2
    scenario.wait(mid)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    cut = list(scenario.kubelet.log)
    assert cut and cut != want["scales"]
    scenario.start_operator()
    ended(scenario, want)
    time.sleep(2)
    check_final(scenario, want)
    assert scenario.wiring_status()["smf.wiring"]["phase"] == "Recovered"
