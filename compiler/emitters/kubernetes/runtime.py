"""What real images need to start: credentials, writable paths, user ids, low ports.

Phase: emit.
Input: a workload builder whose template is an ``xfactor.nodes.CNF`` or a deployed
``xfactor.nodes.BackingService`` (the profile properties ``secret_env``, ``run_as``,
``run_as_root``, ``writable_paths``, ``bind_low_ports``; docs/xfactor.md §6), or any other
workload (SOL001 / TOSCA types, which ask through template ``metadata`` only).
Output: ``secretKeyRef`` env entries, ``emptyDir`` volumes and mounts, the pod
``securityContext`` (numeric ``runAsUser`` / ``runAsGroup`` / ``fsGroup``, and the
``net.ipv4.ip_unprivileged_port_start`` sysctl when low ports are asked for).

Decisions (docs/conversion.md, "What images need"):

* Credentials are never literal: ``secret_env: {VAR: {secret, key}}`` becomes
  ``env[].valueFrom.secretKeyRef``; the Secret is the operator's (its name may come from an
  input).  Users of a backing service get the same references as
  ``<SERVICE>_<VAR>`` (see workloads.add_backing_env).
* ``runAsNonRoot: true`` only holds for an image whose user is root or a name when the pod
  gives a numeric user: ``run_as`` (the image's own ids, e.g. postgres 999), else 65532
  for user, group and fsGroup (the "nonroot" id of distroless images; high enough not to
  collide with host users).
* ``run_as_root: true`` (or metadata ``xfactor.io/run-as-root``) is the explicit opt-out:
  no user ids, ``runAsNonRoot: false``, a ``k8s-insecure`` warning at the property.
* A declared port below 1024 cannot be bound by a non-root process: without
  ``bind_low_ports: true`` (or metadata ``xfactor.io/bind-low-ports``) it draws
  ``k8s-low-port`` at the port; with it the pod lowers
  ``net.ipv4.ip_unprivileged_port_start`` (a namespaced sysctl in the Kubernetes safe set
  since 1.22) to the lowest such port, and ``k8s-insecure`` says so at the property.

* Probes: a readiness and a liveness probe on the first TCP port (``tcpSocket``), unless
  ``probes: {readiness|liveness: {http_path, port}}`` asks for an ``httpGet`` of the
  image's own health endpoint (a TCP probe only says the socket is open).  The HTTP
  probe's port defaults to the first TCP port; with neither, no probe of that kind is
  written and ``unsupported`` says why, at the property.

Codes: k8s-insecure, k8s-low-port, unsupported.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from ... import bounds
from ...model.xfactor import BACKING_TYPE
from .common import Ctx, dns_label
from .security import truthy
from ...unsupported import unsupported

DEFAULT_ID = 65532
LOW_PORT_SYSCTL = "net.ipv4.ip_unprivileged_port_start"
# a Secret's name is a DNS-1123 subdomain; a key is [-._a-zA-Z0-9]+
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_SECRET_KEY = re.compile(r"[-._a-zA-Z0-9]+\Z")
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")


def _profiled(node) -> bool:
    return node.is_a("xfactor.nodes.CNF") or node.is_a(BACKING_TYPE)


def _path(node, prop: str) -> str:
    return f'topology_template.node_templates["{node.name}"].properties["{prop}"]'


def runs_as_root(node) -> bool:
    p = node.properties if _profiled(node) else {}
    return p.get("run_as_root") is True or truthy((node.metadata or {}).get("xfactor.io/run-as-root"))


def secret_env(ctx: Ctx, node) -> list[dict]:
    """``secret_env`` as env entries reading Secret keys (sorted by name); entries whose
    Secret name, key or variable name Kubernetes would refuse are warned about and left out."""
    refs = node.properties.get("secret_env") if _profiled(node) else None
    out: list[dict] = []
    for var, ref in sorted(refs.items()) if isinstance(refs, dict) else ():
        if not isinstance(ref, dict):
            continue
        secret, key = ref.get("secret"), ref.get("key")
        problem = None
        if not isinstance(var, str) or not _ENV_NAME.match(var):
            problem = f"'{var}' is not an environment variable name"
        elif not isinstance(secret, str) or len(secret) > 253 or not _SUBDOMAIN.match(secret):
            problem = f"'{secret}' is not a Secret name (a DNS-1123 subdomain)"
        elif not isinstance(key, str) or len(key) > 253 or not _SECRET_KEY.match(key):
            problem = f"'{key}' is not a Secret key ([-._a-zA-Z0-9]+)"
        if problem:
            unsupported(ctx.diags, "kubernetes",
                node.name,
                f"'secret_env' entry {var}: {problem}; the variable is left out",
                ctx.value_span(node, "secret_env", var),
                path=_path(node, "secret_env") + f'["{var}"]',
            )
            continue
        out.append({"name": var, "valueFrom": {"secretKeyRef": {"key": key, "name": secret}}})
    return out


def writable_paths(ctx: Ctx, w) -> None:
    """An emptyDir per ``writable_paths`` entry, mounted in every container."""
    node = w.node
    paths = node.properties.get("writable_paths") if _profiled(node) else None
    for i, raw in enumerate(paths if isinstance(paths, list) else []):
        path = posixpath.normpath(raw) if isinstance(raw, str) and raw.startswith("/") else None
        if path is None or path == "/" or ".." in str(raw).split("/"):
            unsupported(ctx.diags, "kubernetes",
                node.name,
                f"'writable_paths' entry '{raw}' is not an absolute path below '/'; "
                "it is left out",
                ctx.value_span(node, "writable_paths", i),
                path=_path(node, "writable_paths") + f"[{i}]",
            )
            continue
        mounted = {m["mountPath"] for c in w.containers for m in c.get("volumeMounts", [])}
        if path in mounted:
            continue  # /tmp has its scratch emptyDir; a declared volume already covers it
        vname = "xf-w-" + dns_label(path, 58)
        w.volumes.append({"emptyDir": {}, "name": vname})
        for c in w.containers:
            c.setdefault("volumeMounts", []).append({"mountPath": path, "name": vname})


def pod_security(ctx: Ctx, w) -> dict:
    """The pod securityContext: numeric ids under runAsNonRoot, or root on request."""
    node = w.node
    sc: dict[str, Any] = {"seccompProfile": {"type": "RuntimeDefault"}}
    if runs_as_root(node):
        prop = "run_as_root" if _profiled(node) and node.properties.get("run_as_root") is True else None
        if prop:  # metadata asks are reported by security.container_security
            ctx.diags.add(
                "k8s-insecure",
                f"{node.name}: run_as_root: true runs the image as root (runAsNonRoot: false); "
                "a container escape then starts as root on the node",
                ctx.node_span(node, prop),
                path=_path(node, prop),
                hint="prefer run_as with the image's own numeric user, and writable_paths",
            )
            if isinstance(node.properties.get("run_as"), dict) and node.properties["run_as"]:
                unsupported(ctx.diags, "kubernetes",
                    node.name,
                    f"'run_as' is not applied: run_as_root: true runs the image "
                    "as root, with no user ids",
                    ctx.node_span(node, "run_as"),
                    path=_path(node, "run_as"),
                )
        return sc
    run_as = node.properties.get("run_as") if _profiled(node) else None
    run_as = run_as if isinstance(run_as, dict) else {}

    def num(key: str) -> int:
        v = run_as.get(key)
        return v if isinstance(v, int) and not isinstance(v, bool) else DEFAULT_ID

    user = num("user")
    group = num("group") if "group" in run_as else (user if "user" in run_as else DEFAULT_ID)
    fs_group = num("fs_group") if "fs_group" in run_as else group
    sc.update({"fsGroup": fs_group, "runAsGroup": group, "runAsNonRoot": True, "runAsUser": user})
    return sc


def low_ports(ctx: Ctx, w, pod_sc: dict) -> None:
    """Ports below 1024 on a non-root pod: the sysctl on request, else a warning."""
    node = w.node
    low = sorted({p["port"] for p in w.ports if p["port"] < 1024})
    if not low or runs_as_root(node):
        return
    asked_prop = _profiled(node) and node.properties.get("bind_low_ports") is True
    asked = asked_prop or truthy((node.metadata or {}).get("xfactor.io/bind-low-ports"))
    if asked:
        pod_sc["sysctls"] = [{"name": LOW_PORT_SYSCTL, "value": str(low[0])}]
        ctx.diags.add(
            "k8s-insecure",
            f"{node.name}: bind_low_ports lets the pod's non-root processes bind ports from "
            f"{low[0]} ({LOW_PORT_SYSCTL}={low[0]}) for port(s) {', '.join(map(str, low))}",
            ctx.node_span(node, "bind_low_ports") if asked_prop else node.span,
            path=_path(node, "bind_low_ports") if asked_prop else
            f'topology_template.node_templates["{node.name}"].metadata',
        )
        return
    declared = node.properties.get("ports") if _profiled(node) else None
    for port in low:
        idx = next((i for i, p in enumerate(declared or []) if isinstance(p, dict) and p.get("port") == port), None)
        span = ctx.value_span(node, "ports", idx, "port") if idx is not None else node.span
        ctx.diags.add(
            "k8s-low-port",
            f"{node.name}: port {port} is below 1024, which the non-root user of the pod "
            "cannot bind; the container will fail to listen",
            span,
            path=_path(node, "ports") + (f"[{idx}]" if idx is not None else ""),
            hint="set bind_low_ports: true (metadata xfactor.io/bind-low-ports: \"true\" on "
            "SOL001 types), or configure the image to listen on a port from 1024",
        )


__all__ = ["DEFAULT_ID", "LOW_PORT_SYSCTL", "low_ports", "pod_security", "runs_as_root",
           "secret_env", "writable_paths"]


# the same timings for a TCP and an HTTP probe: ready fast, restarted only after 3 misses
_PROBE_TIMINGS = {
    "readinessProbe": {"initialDelaySeconds": 5, "periodSeconds": 5},
    "livenessProbe": {"initialDelaySeconds": 15, "periodSeconds": 10, "failureThreshold": 3},
}


def probes(ctx: Ctx, w: Any, container: dict, tcp_port: int | None) -> None:
    """Set ``readinessProbe`` and ``livenessProbe`` of ``container`` (the workload's first):
    ``httpGet`` where the template's ``probes`` asks for it, else ``tcpSocket`` on
    ``tcp_port`` (none without a TCP port)."""
    node = w.node
    asked = node.properties.get("probes")
    for kind, fld in (("readiness", "readinessProbe"), ("liveness", "livenessProbe")):
        spec = asked.get(kind) if isinstance(asked, dict) else None
        if isinstance(spec, dict) and spec.get("http_path") is not None:
            path = spec.get("http_path")
            where = f"probes.{kind}"
            span = ctx.value_span(node, "probes", kind, "http_path")
            if not isinstance(path, str) or not re.fullmatch(r"/[!-~]*", path):
                unsupported(ctx.diags, "kubernetes", node.name,
                              f"{where}.http_path must be an absolute path of printable ASCII "
                              f"(got {str(path)[:60]!r}); no {kind} probe is written", span)
                continue
            port = tcp_port
            if spec.get("port") is not None:
                port = bounds.port(spec.get("port"), f"{node.name}: {where}.port",
                                   ctx.value_span(node, "probes", kind, "port"), ctx.diags)
                if port is None:
                    continue
            if port is None:
                unsupported(ctx.diags, "kubernetes", node.name,
                              f"{where} gives no port and the template declares no TCP port: "
                              f"no {kind} probe is written; give probes.{kind}.port", span)
                continue
            container[fld] = dict({"httpGet": {"path": path, "port": port}}, **_PROBE_TIMINGS[fld])
        elif tcp_port is not None:
            container[fld] = dict({"tcpSocket": {"port": tcp_port}}, **_PROBE_TIMINGS[fld])
