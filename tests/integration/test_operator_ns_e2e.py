"""`xfc operator` on a network service whose VNFs each have a namespace (issue 26 item 2).

The 5G core slice as an NS (samples/5g-core-slice-ns) is compiled with
``--ns-namespaces per-vnf``: its workloads go to the namespaces ``cp``, ``up`` and ``sd``,
the FailurePolicy and the operator to the service's namespace, and the FailurePolicy's
workloads name their namespaces.  Everything is applied for real on the session's
kube-apiserver 1.20 and the operator runs **as its ServiceAccount** (as in
test_operator_e2e.py, whose stand-ins for the kubelet are reused: one per namespace), so
the server's RBAC checks that the compiled Role and RoleBinding of each VNF namespace
let it act there.  The UPF fails; wiring ``n4`` (SMF -> UPF) escalates to its
``reinstantiate(scope=[up-upf, cp-smf])``, which scales workloads of two VNF namespaces,
and the server must end as ``xfc simulate`` predicts.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

e2e = pytest.importorskip("tests.integration.test_operator_e2e")

import compiler  # noqa: E402
from compiler.pipeline import Options  # noqa: E402

NSD = "samples/5g-core-slice-ns/nsd.yaml"
POLICY = "5g-core-slice-ns"
apiserver = e2e.apiserver  # the session's API server (a fixture)
admin = e2e.admin


class _Kubelets:
    """One :class:`Kubelet` per VNF namespace sharing one record of scale changes."""

    def __init__(self, api, workloads: list[dict], default_ns: str):
        by_ns: dict[str, list[dict]] = {}
        for w in workloads:
            if w.get("kind"):
                by_ns.setdefault(w.get("namespace", default_ns), []).append(w)
        self.log: list[tuple[str, int]] = []
        self.replicas: dict[str, int] = {}
        self.broken: set[str] = set()
        self.repair_on_zero: set[str] = set()
        self.parts = []
        for ns, ws in sorted(by_ns.items()):
            k = e2e.Kubelet(api, ns, ws)
            k.log, k.replicas, k.broken, k.repair_on_zero = (
                self.log, self.replicas, self.broken, self.repair_on_zero)
            self.parts.append(k)

    @property
    def error(self):
        return next((k.error for k in self.parts if k.error is not None), None)

    def start(self) -> bool:
        for k in self.parts:
            k.start()
        return all(k.synced.wait(60) for k in self.parts)


class _Scenario(e2e.Scenario):
    def __init__(self, apiserver, api, tmp: Path):  # noqa: F811 - the fixture's name
        self.apiserver, self.api, self.tmp = apiserver, api, tmp
        self.ns = apiserver.namespace("opns")
        self.unit = compiler.compile(NSD, Options(kube_version="1.20", ns_namespaces="per-vnf",
                                                  namespace=self.ns))
        assert self.unit.ok, self.unit.diagnostics.render_text()
        files = {f.path: f.content.decode() for f in self.unit.outputs}
        rc, out = apiserver.apply(files["policies/failurepolicy-crd.yaml"], dry_run=False,
                                  server_side=True)
        assert rc == 0, out
        apiserver.wait_established(f"{e2e.PLURAL}.{e2e.GROUP}")
        self.custom = e2e.client.CustomObjectsApi(api)
        spaces = [t for p, t in sorted(files.items()) if p.startswith("kubernetes/namespace-")]
        assert len(spaces) == 3
        rc, out = apiserver.apply("\n---\n".join(spaces), dry_run=False, server_side=True)
        assert rc == 0, out
        for prefix in ("kubernetes/", "operator/", "policies/failurepolicy.yaml"):
            docs = [t for p, t in sorted(files.items())
                    if p.startswith(prefix) and not p.startswith("kubernetes/namespace-")]
            # no -n: every object names its namespace (the VNF's or the service's)
            rc, out = apiserver.apply("\n---\n".join(docs), dry_run=False, server_side=True)
            assert rc == 0, out
        self.policy = self.get()
        self.kubelet = _Kubelets(api, self.policy["spec"]["workloads"], self.ns)
        assert self.kubelet.start(), self.kubelet.error
        self.kubeconfig = e2e._sa_kubeconfig(apiserver, api, self.ns,
                                             tmp / f"{self.ns}.kubeconfig")
        self.procs = []

    def get(self):
        return self.custom.get_namespaced_custom_object(e2e.GROUP, e2e.VERSION, self.ns,
                                                        e2e.PLURAL, POLICY)

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                p.wait(30)
        for k in self.kubelet.parts:
            k.stop.set()
            k.join(10)


@pytest.fixture
def scenario(apiserver, admin, tmp_path):  # noqa: F811
    s = _Scenario(apiserver, admin, tmp_path)
    yield s
    s.close()


def test_operator_acts_across_vnf_namespaces(scenario):
    fp = yaml.safe_load(next(f.content for f in scenario.unit.outputs
                             if f.path == "policies/failurepolicy.yaml"))
    spaces = {w["name"]: w.get("namespace") for w in fp["spec"]["workloads"]}
    assert spaces["up-upf"] == "up" and spaces["cp-smf"] == "cp"
    want = e2e.predicted(scenario.unit, "up-upf")
    assert {n for n, _ in want["scales"]} == {"up-upf", "cp-smf"}  # two namespaces
    scenario.kubelet.broken.add("up-upf")
    scenario.kubelet.repair_on_zero.add("up-upf")
    scenario.start_operator()
    e2e.ended(scenario, want)
    time.sleep(2)  # nothing more happens after the ladder ends
    assert scenario.kubelet.log == want["scales"], (scenario.kubelet.log, want["scales"])
    assert scenario.wiring_status()["n4"]["phase"] == "Recovered"
    for node, n in want["replicas"].items():
        assert scenario.kubelet.replicas.get(node, n) == n, node
