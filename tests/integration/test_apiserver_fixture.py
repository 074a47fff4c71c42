"""The real-API-server fixture (tests/support/apiserver.py) does what its docstring says.

With the binaries: the server is 1.20.2, RBAC is enforced (an impersonated
ServiceAccount is refused), fresh namespaces are made, a Pod's status can be written
through its subresource (what tests do in place of a kubelet), and server-side dry-run
refuses what the server refuses.  Without them: the fixture skips with the reason, and
fails under CI=true XFC_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import apiserver as support
from tests.support.apiserver import ApiServer, apiserver  # noqa: F401  (the fixture)

REPO = Path(__file__).resolve().parents[2]

POD = {
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
}


def test_server_version_and_rbac(apiserver: ApiServer) -> None:  # noqa: F811
    rc, out = apiserver.kubectl("version", "-o", "json")
    assert rc == 0, out
    assert json.loads(out)["serverVersion"]["gitVersion"].startswith("v1.20.")
    ns = apiserver.namespace("rbac")
    rc, out = apiserver.kubectl("get", "pods", "-n", ns, f"--as=system:serviceaccount:{ns}:nobody")
    assert rc != 0 and "forbidden" in out.lower(), out


def test_pods_and_their_status_are_written_by_the_test(apiserver: ApiServer) -> None:  # noqa: F811
    ns = apiserver.namespace("pods")
    rc, out = apiserver.apply(json.dumps(POD), namespace=ns, dry_run=False)
    assert rc == 0, out  # no ServiceAccount admission: no `default` account needed
    status = {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
    rc, out = apiserver.kubectl("patch", "pod", "web", "-n", ns, "--subresource=status",
                                "--type=merge", "-p", json.dumps(status))
    if rc != 0 and "unknown flag: --subresource" in out:  # kubectl 1.20 has no --subresource
        rc, out = apiserver.kubectl(
            "replace", "--raw", f"/api/v1/namespaces/{ns}/pods/web/status", "-f", "-",
            input=json.dumps({**apiserver.get_json("pod", "web", "-n", ns), **status}))
    assert rc == 0, out
    pod = apiserver.get_json("pod", "web", "-n", ns)
    assert pod["status"]["phase"] == "Running"
    assert {"type": "Ready", "status": "True"} in [
        {k: c[k] for k in ("type", "status")} for c in pod["status"]["conditions"]]


def test_dry_run_refuses_what_the_server_refuses(apiserver: ApiServer) -> None:  # noqa: F811
    ns = apiserver.namespace("refuse")
    bad_field = {**POD, "spec": {**POD["spec"], "noSuchField": True}}
    rc, out = apiserver.apply(json.dumps(bad_field), namespace=ns)
    assert rc != 0 and "noSuchField" in out, out
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "b"},
           "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "web"}}}}
    rc, out = apiserver.apply(json.dumps(pdb), namespace=ns)
    assert rc != 0 and "policy/v1" in out, out  # 1.20 serves policy/v1beta1 only
    bad_name = {**POD, "metadata": {"name": "Not_A_Name"}}
    rc, out = apiserver.apply(json.dumps(bad_name), namespace=ns)
    assert rc != 0 and "Invalid" in out, out
    assert apiserver.get_json("pods", "-n", ns)["items"] == []  # dry-run stored nothing


def test_missing_binaries_skip_with_the_reason(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(support, "BIN", tmp_path / "none")
    reason = support.missing_reason()
    assert reason is not None and "kube-apiserver" in reason and ".ci/apiserver.sh" in reason


def _run_fixture_test(tmp_path: Path, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    test = tmp_path / "test_uses_fixture.py"
    test.write_text("from tests.support.apiserver import apiserver  # noqa: F401\n\n"
                    "def test_it(apiserver):\n    assert apiserver.url\n")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "XFC_REQUIRE_TOOLS")}
    env.update(PYTHONPATH=str(REPO), XFC_TOOLS_CACHE=str(tmp_path / "empty-cache"), **env_extra)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                           str(test), "--rootdir", str(tmp_path)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=300)


def test_missing_binaries_fail_under_strict_ci(tmp_path: Path) -> None:
    relaxed = _run_fixture_test(tmp_path, {})
    assert relaxed.returncode == 0 and "1 skipped" in relaxed.stdout, relaxed.stdout
    strict = _run_fixture_test(tmp_path, {"CI": "true", "XFC_REQUIRE_TOOLS": "1"})
    assert strict.returncode == 1, strict.stdout
    assert "required: CI=true and XFC_REQUIRE_TOOLS=1" in strict.stdout
