"""Objects a cluster would run (issue 9 item 3): ids, writable paths, credentials, ports.

The official images' needs are written down here from their Dockerfiles and entrypoints
(docker-library postgres, redis, nginx; see docs/conversion.md "What images need"), and
every sample workload running one of them must meet them.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
import yaml

from compiler import compile as compile_
from compiler.pipeline import Options
from tests.support.validators import validate_object

REPO = Path(__file__).resolve().parents[2]

# image -> what it needs to start under runAsNonRoot and a read-only root file system
OFFICIAL = {
    # useradd --uid=999 postgres; initdb writes $PGDATA, the server its socket in
    # /var/run/postgresql; the entrypoint refuses to initialise without POSTGRES_PASSWORD
    "docker.io/library/postgres": {"uid": 999, "ports": {5432}, "writes": ["$PGDATA", "/var/run/postgresql"],
                                   "secrets": {"POSTGRES_PASSWORD"}},
    # useradd -u 999 redis; WORKDIR/VOLUME /data holds dump.rdb / appendonly files
    "docker.io/library/redis": {"uid": 999, "ports": {6379}, "writes": ["/data"], "secrets": set()},
    # useradd --uid 101 nginx; the stock nginx.conf listens on 80, writes nginx.pid under
    # /var/run and its client/proxy temp files under /var/cache/nginx
    "docker.io/library/nginx": {"uid": 101, "ports": {80}, "writes": ["/var/cache/nginx", "/var/run/nginx.pid"],
                                "secrets": set()},
}


def _compile(path: Path):
    unit = compile_(str(path), Options(emitters=("kubernetes",)))
    assert unit.ok, unit.diagnostics.render_text()
    objs = {f.path: yaml.safe_load(f.content) for f in unit.outputs}
    for p, obj in objs.items():
        assert validate_object(obj) == [], p
    return unit, objs


SAMPLES = [REPO / "samples" / "5g-core-slice" / "slice.yaml", REPO / "samples" / "sol001-firewall-chain",
           REPO / "samples" / "oam-console" / "console.yaml"]


def _workloads(objs):
    return [o for o in objs.values() if o["kind"] in ("Deployment", "StatefulSet")]


def _covered(path: str, mounts: list[str]) -> bool:
    return any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounts)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.parent.name if p.is_file() else p.name)
def test_official_images_in_samples_get_what_they_need(sample):
    _, objs = _compile(sample)
    seen = 0
    for wl in _workloads(objs):
        pod = wl["spec"]["template"]["spec"]
        for c in pod["containers"]:
            repo = c["image"].rsplit(":", 1)[0]
            need = OFFICIAL.get(repo)
            if need is None:
                continue
            seen += 1
            sc = pod["securityContext"]
            assert (sc["runAsUser"], sc["runAsGroup"], sc["fsGroup"]) == (need["uid"],) * 3, c["name"]
            assert sc["runAsNonRoot"] is True and c["securityContext"]["readOnlyRootFilesystem"] is True
            mounts = [m["mountPath"] for m in c["volumeMounts"]]
            env = {e["name"]: e for e in c.get("env", [])}
            for path in need["writes"]:
                if path == "$PGDATA":
                    path = env["PGDATA"]["value"]
                assert _covered(path, mounts), (c["name"], path)
            ports = {p["containerPort"] for p in c["ports"]}
            assert need["ports"] <= ports
            low = [p for p in ports if p < 1024]
            if low:
                sysctls = {s["name"]: int(s["value"]) for s in sc.get("sysctls", [])}
                assert sysctls["net.ipv4.ip_unprivileged_port_start"] <= min(low)
            for name in need["secrets"]:
                assert "secretKeyRef" in env[name]["valueFrom"], name
            # stateful data lives on a claim, not on the node
            if wl["kind"] == "StatefulSet" and need["writes"][0] in ("$PGDATA", "/data"):
                claims = {t["metadata"]["name"] for t in wl["spec"].get("volumeClaimTemplates", [])}
                data = posixpath.dirname(env["PGDATA"]["value"]) if "PGDATA" in env else "/data"
                [mount] = [m for m in c["volumeMounts"] if m["mountPath"] == data]
                assert mount["name"] in claims
    assert seen, "the sample runs no official image"


def test_credentials_are_never_literal_and_users_get_the_reference():
    _, objs = _compile(SAMPLES[0])
    text = yaml.safe_dump(list(objs.values()))
    for wl in _workloads(objs):
        for c in wl["spec"]["template"]["spec"]["containers"]:
            for e in c.get("env", []):
                if re.search(r"PASSWORD|SECRET|TOKEN", e["name"]):
                    assert "value" not in e and "secretKeyRef" in e["valueFrom"], e
    udr = objs["kubernetes/statefulset-udr.yaml"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in udr["env"]}
    assert env["SUBSCRIBER_DB_POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "key": "password", "name": "subscriber-db-credentials"}
    assert env["SUBSCRIBER_DB_LOCATOR"]["value"] == "subscriber-db"
    assert "password:" not in text.replace("key: password", "")


def _one(tmp_path, props: str, extra: str = "") -> tuple:
    path = tmp_path / "svc.yaml"
    path.write_text(
        "tosca_definitions_version: tosca_simple_yaml_1_3\n"
        "imports: [ xfactor/1.0/profile.yaml ]\n"
        "topology_template:\n  node_templates:\n    web:\n      type: xfactor.nodes.CNF\n"
        f"{extra}"
        "      properties:\n        image: registry.example.net/web:1.0\n" + props,
        encoding="utf-8")
    unit, objs = _compile(path)
    return unit, objs["kubernetes/deployment-web.yaml"]["spec"]["template"]["spec"]


def test_default_ids_are_numeric_and_non_root(tmp_path):
    unit, pod = _one(tmp_path, "")
    assert {k: pod["securityContext"][k] for k in ("runAsUser", "runAsGroup", "fsGroup", "runAsNonRoot")} == {
        "runAsUser": 65532, "runAsGroup": 65532, "fsGroup": 65532, "runAsNonRoot": True}
    assert not [d for d in unit.diagnostics if d.code in ("k8s-insecure", "k8s-low-port")]


def test_run_as_root_is_explicit_and_warned_at_the_property(tmp_path):
    unit, pod = _one(tmp_path, "        run_as_root: true\n")
    assert "runAsUser" not in pod["securityContext"] and "runAsNonRoot" not in pod["securityContext"]
    assert pod["containers"][0]["securityContext"]["runAsNonRoot"] is False
    [d] = [d for d in unit.diagnostics if d.code == "k8s-insecure"]
    assert (d.span.line, d.span.column) == (9, 22) and "run_as_root" in d.message
    unit, pod = _one(tmp_path, "        run_as_root: true\n        run_as: { user: 1000 }\n")
    assert "runAsUser" not in pod["securityContext"]
    [d] = [d for d in unit.diagnostics if d.code == "unsupported"]
    assert "'run_as' is not applied" in d.message and d.span.line == 10


def test_low_port_warns_at_the_port_unless_asked_for(tmp_path):
    ports = "        ports:\n          - { name: http, port: 80 }\n"
    unit, pod = _one(tmp_path, ports)
    [d] = [d for d in unit.diagnostics if d.code == "k8s-low-port"]
    assert (d.span.line, d.span.column) == (10, 33)
    assert "sysctls" not in pod["securityContext"]
    unit, pod = _one(tmp_path, ports + "        bind_low_ports: true\n")
    assert not [d for d in unit.diagnostics if d.code == "k8s-low-port"]
    assert pod["securityContext"]["sysctls"] == [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "80"}]
    [d] = [d for d in unit.diagnostics if d.code == "k8s-insecure"]
    assert d.span.line == 11


def test_writable_paths_and_bad_secret_names(tmp_path):
    unit, pod = _one(tmp_path, (
        "        writable_paths: [ /var/cache/app, relative/path, /tmp ]\n"
        "        secret_env:\n"
        "          API_TOKEN: { secret: api-credentials, key: token }\n"
        "          BAD: { secret: Not_A_Name, key: token }\n"))
    c = pod["containers"][0]
    assert {"mountPath": "/var/cache/app", "name": "xf-w-var-cache-app"} in c["volumeMounts"]
    assert [m["mountPath"] for m in c["volumeMounts"]].count("/tmp") == 1
    assert c["env"] == [{"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"key": "token", "name": "api-credentials"}}}]
    warned = sorted(d.message.split(":")[1].strip()[:20] for d in unit.diagnostics if d.code == "unsupported")
    assert len(warned) == 2  # the relative path and the bad Secret name


def test_http_probes_replace_the_tcp_probes_of_their_kind(tmp_path):
    ports = "        ports:\n          - { name: http, port: 8080 }\n          - { name: admin, port: 9090 }\n"
    unit, pod = _one(tmp_path, ports)
    c = pod["containers"][0]
    assert c["readinessProbe"]["tcpSocket"] == {"port": 8080} and "httpGet" not in c["livenessProbe"]
    unit, pod = _one(tmp_path, ports + "        probes:\n          readiness: { http_path: /readyz, port: 9090 }\n")
    c = pod["containers"][0]
    assert c["readinessProbe"] == {"httpGet": {"path": "/readyz", "port": 9090},
                                   "initialDelaySeconds": 5, "periodSeconds": 5}
    assert c["livenessProbe"]["tcpSocket"] == {"port": 8080}  # the kind not asked for stays TCP
    unit, pod = _one(tmp_path, ports + "        probes: { liveness: { http_path: /healthz } }\n")
    assert pod["containers"][0]["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": 8080}
    assert not [d for d in unit.diagnostics if d.code == "unsupported"]


def test_an_http_probe_without_a_port_or_with_a_bad_path_is_reported(tmp_path):
    # no TCP port to default to: no probe, a warning at the path
    unit, pod = _one(tmp_path, "        probes: { readiness: { http_path: /readyz } }\n")
    assert "readinessProbe" not in pod["containers"][0]
    [d] = [d for d in unit.diagnostics if d.code == "unsupported"]
    assert "probes.readiness gives no port" in d.message and (d.span.line, d.span.column) == (9, 43)
    # the profile's pattern refuses a relative path and a port out of range
    path = tmp_path / "bad.yaml"
    path.write_text(
        "tosca_definitions_version: tosca_simple_yaml_1_3\n"
        "imports: [ xfactor/1.0/profile.yaml ]\n"
        "topology_template:\n  node_templates:\n    web:\n      type: xfactor.nodes.CNF\n"
        "      properties:\n        image: registry.example.net/web:1.0\n"
        "        probes: { readiness: { http_path: readyz, port: 70000 } }\n", encoding="utf-8")
    unit = compile_(str(path), Options(emitters=("kubernetes",)))
    assert not unit.ok
    errors = [(d.code, d.span.column) for d in unit.diagnostics if d.severity.name == "ERROR"]
    assert errors == [("tosca-constraint", 43), ("tosca-constraint", 57)], unit.diagnostics.render_text()
