"""Workloads: which Kubernetes controller runs each process, with which containers.

Phase: emit.
Input: the workload templates of the X-factor model (``xmodel.workloads``: xfactor CNFs,
SOL001 ``Vdu.OsContainerDeployableUnit`` and container-image ``Vdu.Compute``, TOSCA
``Container.Application``), backing services with an ``image``, and their process traits.
Output: :class:`Workload` builders (mutable while network, storage and placement add to
them), then Deployment / StatefulSet, headless or ClusterIP Service,
HorizontalPodAutoscaler and PodDisruptionBudget bodies (spec §5).

Decisions (docs/conversion.md): stateless -> Deployment, stateful -> StatefulSet with a
headless Service of the same name (``serviceName``; Service names are RFC 1035 labels, so
``x-`` goes before a leading digit); ``graceful_shutdown`` ->
``terminationGracePeriodSeconds`` (rounded up); replicas = the initial delta or the
minimum; an HPA on CPU when the maximum exceeds the minimum; a PDB
(``maxUnavailable: 1``) whenever more than one replica may run.  Every container gets
requests and limits (defaults below when the descriptor gives none), a
read-only root with a writable ``/tmp`` emptyDir (sized by ``scratch.size``), and TCP
probes on its first TCP port, or the HTTP probes of ``probes`` (runtime.probes).  A
``Vdu.OsContainerDeployableUnit``'s
``mcio_identification_data`` names the workload (``name``) and is checked against the
kind (``type``): the process state decides the kind, a disagreement is a warning.

Codes: k8s-no-image, k8s-latest-tag, unsupported, value-out-of-range (via
:mod:`compiler.bounds`: replicas, ports, resources, graceful_shutdown, scratch size).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ... import bounds
from ...diagnostics import Span
from ...images import container_image
from ...model import NodeTemplate
from ...model.frozen import written
from ...model.xfactor import BACKING_TYPE, Process
from . import compute, runtime, security
from .common import (
    ANN_DESCRIPTION,
    ANN_STATE,
    ANN_TYPE,
    Ctx,
    bytes_quantity,
    compact_json,
    cpu_quantity,
    dns_label,
    env_name,
    mcio_name,
    object_name,
    plain,
    port_name,
    workload_name,
)
from ...unsupported import unsupported

DEFAULT_REQUESTS = {"cpu": "100m", "memory": "128Mi"}
DEFAULT_LIMITS = {"cpu": "500m", "memory": "256Mi"}
HPA_CPU_UTILIZATION = 80


@dataclass(slots=True)
class Workload:
    """A workload being built; turned into plain dicts by :func:`emit_workload`."""

    node: NodeTemplate
    name: str  # Kubernetes name
    stateful: bool
    containers: list[dict[str, Any]]
    grace: int = 30
    replicas: int = 1
    min_replicas: int = 1
    max_replicas: int = 1
    scale_step: int | None = None  # pods per HPA scale-up step (SOL001 deltas)
    ports: list[dict[str, Any]] = field(default_factory=list)  # {name, port, protocol}
    volumes: list[dict[str, Any]] = field(default_factory=list)
    claim_templates: list[dict[str, Any]] = field(default_factory=list)
    networks: list[dict[str, Any]] = field(default_factory=list)  # Multus selections
    extra_labels: dict[str, str] = field(default_factory=dict)
    env_from: list[dict[str, Any]] = field(default_factory=list)
    affinity: dict[str, Any] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    reconnect_sources: list[str] = field(default_factory=list)
    kind_label: str | None = None  # app.kubernetes.io/component
    node_selector: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- images


def check_tag(ctx: Ctx, node: NodeTemplate, image: str, span: Span | None) -> None:
    """Warn about an image without a tag or digest, or with the tag ``latest``."""
    last = image.rsplit("/", 1)[-1]
    if "@" in last:
        return
    tag = last.split(":", 1)[1] if ":" in last else None
    if tag is None or tag == "latest":
        what = "has no tag" if tag is None else "uses the tag 'latest'"
        ctx.diags.add(
            "k8s-latest-tag",
            f"{node.name}: image '{image}' {what}; rollouts are not reproducible",
            span,
            hint="pin a version tag or a digest (image@sha256:...)",
        )


def _artifact_image(node: NodeTemplate, _unused: Any = None) -> tuple[str | None, Any, bool]:
    """(image, span, is_container) from the node's image artifacts alone."""
    choice = container_image({}, node.artifacts)
    if choice is None:
        return None, None, False
    return choice.image, node.artifacts[choice.artifact or ""].span, choice.is_container


# --------------------------------------------------------------------------- resources


def _resources(requests: dict[str, Any], limits: dict[str, Any]) -> dict[str, Any]:
    req = {k: v for k, v in requests.items() if v is not None}
    lim = {k: v for k, v in limits.items() if v is not None}
    for key in ("cpu", "memory"):
        if key not in req and key not in lim:
            req[key], lim[key] = DEFAULT_REQUESTS[key], DEFAULT_LIMITS[key]
        elif key not in req:
            req[key] = lim[key]
        elif key not in lim:
            lim[key] = req[key]
    for key in ("ephemeral-storage",):
        if key in req and key not in lim:
            lim[key] = req[key]
        elif key in lim and key not in req:
            req[key] = lim[key]
    return {"limits": lim, "requests": req}


def _port_entry(port: Any, protocol: Any, name: Any) -> dict[str, Any] | None:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        return None
    proto = str(protocol or "TCP").upper()
    if proto not in ("TCP", "UDP", "SCTP"):
        proto = "TCP"
    pname = port_name(name) if isinstance(name, str) and name else None
    pname = pname or f"{proto.lower()}-{port}"
    return {"name": pname, "port": port, "protocol": proto}


def add_port(w: Workload, entry: dict[str, Any] | None) -> None:
    if entry is None or any(
        p["port"] == entry["port"] and p["protocol"] == entry["protocol"] for p in w.ports
    ):
        return
    if any(p["name"] == entry["name"] for p in w.ports):
        entry = dict(entry, name=f"{entry['protocol'].lower()}-{entry['port']}")
    w.ports.append(entry)


def _container(ctx: Ctx, node: NodeTemplate, name: str, image: str, span: Span | None) -> dict[str, Any]:
    check_tag(ctx, node, image, span)
    last = image.rsplit("/", 1)[-1]
    latest = "@" not in last and (":" not in last or last.endswith(":latest"))
    return {
        "name": dns_label(name),
        "image": image,
        "imagePullPolicy": "Always" if latest else "IfNotPresent",
        "securityContext": security.container_security(ctx, node),
        "resources": _resources({}, {}),
    }


def _env_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return compact_json(plain(v))
    return "" if v is None else str(plain(v))


# --------------------------------------------------------------------------- builders


def _cnf(ctx: Ctx, node: NodeTemplate, process: Process | None) -> Workload | None:
    p = node.properties
    image = p.get("image")
    if not isinstance(image, str) or not image.strip():
        ctx.diags.add("k8s-no-image", f"{node.name}: the CNF has no image", node.span)
        return None
    c = _container(ctx, node, node.name, image, ctx.node_span(node, "image"))
    _profile_container(ctx, node, c)
    w = Workload(node=node, name=dns_label(node.name), stateful=_stateful(process), containers=[c])
    _profile_ports(ctx, w)
    reps = p.get("replicas")
    if not isinstance(reps, dict):
        reps = {}
    lo, hi = (bounds.int32(reps.get(k, 1), f"{node.name}: replicas.{k}",
                           ctx.value_span(node, "replicas", k), ctx.diags)
              for k in ("min", "max"))
    _set_replicas(w, lo, hi, None)
    return w


def _profile_container(ctx: Ctx, node: NodeTemplate, c: dict[str, Any]) -> None:
    """command, args, env, secret_env and resources of a CNF or a deployed backing service."""
    p = node.properties
    for key in ("command", "args"):
        if isinstance(p.get(key), list) and p[key]:
            c[key] = [_env_value(x) for x in p[key]]
    env = []
    if isinstance(p.get("env"), dict) and p["env"]:
        env = [{"name": str(k), "value": _env_value(v)} for k, v in p["env"].items()]
    secrets = runtime.secret_env(ctx, node)
    names = {e["name"] for e in secrets}
    env = [e for e in env if e["name"] not in names] + secrets  # a secret wins over a value
    if env:
        c["env"] = sorted(env, key=lambda e: e["name"])
    res = p.get("resources")
    if not isinstance(res, dict):
        res = {}
    cpu = bounds.cores(res.get("cpu"), f"{node.name}: resources.cpu",
                       ctx.value_span(node, "resources", "cpu"), ctx.diags)
    cpu_q = cpu_quantity(cpu) if cpu is not None and cpu > 0 else None
    mem = bounds.byte_size(res.get("memory"), f"{node.name}: resources.memory",
                           ctx.value_span(node, "resources", "memory"), ctx.diags)
    mem_q = bytes_quantity(mem) if mem is not None else None
    c["resources"] = _resources({"cpu": cpu_q, "memory": mem_q}, {"cpu": cpu_q, "memory": mem_q})


def _profile_ports(ctx: Ctx, w: Workload) -> None:
    node = w.node
    for i, port in enumerate(node.properties.get("ports") or []):
        if isinstance(port, dict):
            number = bounds.port(port.get("port"), f"{node.name}: ports[{i}].port",
                                 ctx.value_span(node, "ports", i, "port"), ctx.diags)
            add_port(w, _port_entry(number, port.get("protocol"), port.get("name")))


def _stateful(process: Process | None) -> bool:
    return process is not None and process.state == "stateful"


def _os_container_du(ctx: Ctx, node: NodeTemplate, process: Process | None) -> Workload | None:
    containers: list[dict[str, Any]] = []
    sources: list[str] = []  # "<container>=<where its image came from>", in container order
    for req in node.requirements:
        if req.name != "container" or not req.node or req.node not in ctx.topology.nodes:
            continue
        cnode = ctx.topology.nodes[req.node]
        choice = container_image({}, cnode.artifacts)
        image, span, source = None, None, None
        if choice is not None:
            image, source = choice.image, choice.source
            span = cnode.artifacts[choice.artifact or ""].span
        if not image:  # a Tacker CSAR xfc wrote ships the image in its manifest only
            from .tacker import shipped_image

            image = shipped_image(ctx, node.name, str(cnode.properties.get("name") or cnode.name))
            source = "package manifest" if image else None
        if not image:
            ctx.diags.add(
                "k8s-no-image",
                f"{cnode.name}: the OsContainer has no sw_image artifact naming a container image",
                cnode.span,
            )
            continue
        cp = cnode.properties
        c = _container(ctx, node, str(cp.get("name") or cnode.name), image, span or cnode.span)

        def milli(key: str) -> str | None:
            # SOL001 gives CPU in millicores: the milli value must fit an int64
            n = bounds.millicores(cp.get(key), f"{cnode.name}: {key}",
                                  ctx.value_span(cnode, key), ctx.diags)
            return f"{n}m" if n else None

        def size(key: str) -> str | None:
            n = bounds.byte_size(cp.get(key), f"{cnode.name}: {key}",
                                 ctx.value_span(cnode, key), ctx.diags)
            return bytes_quantity(n) if n is not None else None

        requests = {
            "cpu": milli("requested_cpu_resources"),
            "memory": size("requested_memory_resources"),
            "ephemeral-storage": size("requested_ephemeral_storage_resources"),
        }
        limits = {
            "cpu": milli("cpu_resource_limit"),
            "memory": size("memory_resource_limit"),
            "ephemeral-storage": size("ephemeral_storage_resource_limit"),
        }
        c["resources"] = _resources(requests, limits)
        if any(x["name"] == c["name"] for x in containers):
            c["name"] = dns_label(f"{c['name']}-{len(containers)}")
        containers.append(c)
        sources.append(f"{c['name']}={source}")
    if not containers:
        if not any(r.name == "container" for r in node.requirements):
            ctx.diags.add("k8s-no-image", f"{node.name}: the deployable unit names no container", node.span)
        return None
    w = Workload(node=node, name=dns_label(node.name), stateful=_stateful(process), containers=containers)
    w.annotations["xfactor.io/image-source"] = ", ".join(sources)
    _sol001_replicas(ctx, w)
    _mcio_identification(ctx, w, process)
    return w


MCIO_KINDS = ("Deployment", "StatefulSet")


def _mcio_identification(ctx: Ctx, w: Workload, process: Process | None) -> None:
    """``mcio_identification_data`` (SOL001 4.4.1): ``name`` names the workload object,
    ``type`` must agree with the kind the process state demands (spec §5), which wins."""
    node = w.node
    data = node.properties.get("mcio_identification_data")
    if not isinstance(data, dict):
        return
    prop = "mcio_identification_data"
    path = f'topology_template.node_templates["{node.name}"].properties["{prop}"]'
    name = data.get("name")
    wanted = mcio_name(node)
    if isinstance(name, str) and wanted is not None:
        w.name = workload_name(ctx.topology, node.name)
        if w.name != wanted:
            why = f"the MCIO name '{name}' is already the name of another workload"
        elif wanted != name:
            why = (f"the MCIO name '{name}' is not a DNS-1123 label (at most 63 lower-case "
                   "letters, digits and '-', alphanumeric at both ends)")
        else:
            why = ""
        if why:
            unsupported(ctx.diags, "kubernetes",
                node.name,
                f"{why}; the workload is named '{w.name}'",
                ctx.value_span(node, prop, "name"),
                path=path + '["name"]',
            )
    kind = data.get("type")
    demanded = "StatefulSet" if w.stateful else "Deployment"
    if not isinstance(kind, str) or kind == demanded:
        return
    state = "stateful" if w.stateful else "stateless"
    if kind not in MCIO_KINDS:
        why = f"xfc emits a workload only as Deployment or StatefulSet; it emits a {demanded}"
        hint = ""
    elif process is None or process.origin == "default":
        why = (f"the workload declares no process traits, so X-factor treats it as stateless, "
               f"which is a {demanded}; the MCIO type is not followed")
        hint = "declare the process traits (state: stateful) to get a StatefulSet"
    else:
        why = (f"its process is {state}, which X-factor realises as a {demanded} (spec §5); "
               f"the MCIO type is not followed")
        hint = f"make the MCIO type {demanded}, or change the process state"
    unsupported(ctx.diags, "kubernetes",
        node.name,
        f"MCIO type '{kind}' cannot be honoured: {why}",
        ctx.value_span(node, prop, "type"),
        path=path + '["type"]',
        hint=hint,
    )


def _vdu_compute(ctx: Ctx, node: NodeTemplate, process: Process | None) -> Workload | None:
    # SOL001 precedence (compiler.images): an artifact's registry reference, then
    # sw_image_data, then the artifact's name/version; an artifact's choice is annotated
    choice = container_image(node.properties, node.artifacts)
    image, span, is_container = None, None, False
    if choice is not None:
        image, is_container = choice.image, choice.is_container
        span = node.artifacts[choice.artifact].span if choice.artifact \
            else ctx.node_span(node, "sw_image_data")
    if not image or not is_container:
        what = f"its software image '{image}' is a VM image" if image else "it has no container image"
        not_realised(ctx, node, f"{what} and the package ships no Kubernetes object named after it")
        return None
    c = _container(ctx, node, str(node.properties.get("name") or node.name), image, span or node.span)
    res, selector = compute.compute_resources(ctx, node)
    if res:
        c["resources"] = _resources(res, dict(res))
    w = Workload(node=node, name=dns_label(node.name), stateful=_stateful(process), containers=[c])
    w.node_selector.update(selector)
    w.annotations.update(compute.monitoring_annotation(node))
    if choice is not None and choice.artifact:
        w.annotations["xfactor.io/image-source"] = choice.source
    _sol001_replicas(ctx, w)
    return w


def not_realised(ctx: Ctx, node: NodeTemplate, why: str) -> None:
    """Warn that a Vdu.Compute becomes no workload, naming every fact lost with it."""
    facts = _written_facts(ctx, node)
    lost = f"; so {', '.join(facts)} reach no object" if facts else ""
    unsupported(ctx.diags, "kubernetes",
        node.name,
        f"no Kubernetes workload for this Vdu.Compute: {why}{lost}",
        node.span,
        hint="give the VDU a docker sw_image, or ship Files/kubernetes/<object>.yaml "
        "whose metadata.name is the VDU's name property",
    )


def _written_facts(ctx: Ctx, node: NodeTemplate) -> list[str]:
    """The properties (``'name'``) and capability properties (``'virtual_cpu' of
    virtual_compute``) the descriptor writes on ``node``, for a warning that says they are
    lost with it."""
    props = written(node.properties) or sorted(k for k in node.properties if k in node.property_spans)
    out = [f"'{k}'" for k in props if node.properties.get(k) not in (None, {}, [], "")]
    for cname in sorted(node.capabilities):
        out.extend(f"'{k}' of {cname}" for k in written(node.capabilities[cname].properties))
    return out


def _container_application(ctx: Ctx, node: NodeTemplate, process: Process | None) -> Workload | None:
    image, span, _ = _artifact_image(node, None)
    if not image:
        ctx.diags.add(
            "k8s-no-image",
            f"{node.name}: the Container.Application has no image artifact "
            "(tosca.artifacts.Deployment.Image)",
            node.span,
        )
        return None
    c = _container(ctx, node, node.name, image, span or node.span)
    return Workload(node=node, name=dns_label(node.name), stateful=_stateful(process), containers=[c])


def _backing(ctx: Ctx, node: NodeTemplate) -> Workload | None:
    image = node.properties.get("image")
    if not isinstance(image, str) or not image.strip():
        return None
    c = _container(ctx, node, node.name, image, ctx.node_span(node, "image"))
    _profile_container(ctx, node, c)
    w = Workload(node=node, name=dns_label(node.name), stateful=True, containers=[c])
    _profile_ports(ctx, w)
    kind = node.properties.get("kind")
    w.kind_label = str(kind) if isinstance(kind, str) else "backing-service"
    if node.properties.get("expiry") is not None:
        w.annotations["xfactor.io/expiry"] = _env_value(node.properties.get("expiry"))
    return w


# --------------------------------------------------------------------------- replicas


def _int(v: Any, default: int) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def _set_replicas(w: Workload, lo: Any, hi: Any, initial: Any) -> None:
    lo_i = max(0, _int(lo, 1))
    hi_i = max(1, _int(hi, max(lo_i, 1)), lo_i)
    start = _int(initial, lo_i)
    w.min_replicas, w.max_replicas = lo_i, hi_i
    w.replicas = min(max(start, lo_i), hi_i)


def default_level(ctx: Ctx) -> str | None:
    """The ``default_level`` of the topology's InstantiationLevels policy (SOL001
    §6.10.x), or its only level when it names none."""
    for pol in ctx.topology.policies.values():
        if pol.is_a("tosca.policies.nfv.InstantiationLevels"):
            level = pol.properties.get("default_level")
            levels = pol.properties.get("levels")
            if isinstance(level, str) and level:
                return level
            if isinstance(levels, dict) and len(levels) == 1:
                return str(next(iter(levels)))
    return None


def _level_instances(ctx: Ctx, w: Workload) -> Any:
    """number_of_instances of the VDU at the default instantiation level, or None."""
    level = default_level(ctx)
    for pol in ctx.topology.policies.values():
        if level is None or w.node.name not in pol.targets:
            continue
        if pol.is_a("tosca.policies.nfv.VduInstantiationLevels"):
            levels = pol.properties.get("levels")
            entry = levels.get(level) if isinstance(levels, dict) else None
            if isinstance(entry, dict):
                return entry.get("number_of_instances")
    return None


def _sol001_replicas(ctx: Ctx, w: Workload) -> None:
    """vdu_profile, VduInitialDelta (else the default instantiation level's
    VduInstantiationLevels count) and VduScalingAspectDeltas (SOL001 §6.10)."""
    prof = w.node.properties.get("vdu_profile")
    prof = prof if isinstance(prof, dict) else {}
    initial = None
    for pol in ctx.topology.policies.values():
        if w.node.name not in pol.targets:
            continue
        if pol.is_a("tosca.policies.nfv.VduInitialDelta"):
            delta = pol.properties.get("initial_delta")
            if isinstance(delta, dict):
                initial = delta.get("number_of_instances")
        elif pol.is_a("tosca.policies.nfv.VduScalingAspectDeltas"):
            deltas = pol.properties.get("deltas")
            for d in (deltas or {}).values() if isinstance(deltas, dict) else ():
                n = d.get("number_of_instances") if isinstance(d, dict) else None
                if isinstance(n, int) and not isinstance(n, bool) and n > 0:
                    w.scale_step = max(w.scale_step or 0, n)
    if initial is None:
        initial = _level_instances(ctx, w)
    lo, hi = (bounds.int32(prof.get(k, 1), f"{w.node.name}: vdu_profile.{k}",
                           ctx.value_span(w.node, "vdu_profile", k), ctx.diags)
              for k in ("min_number_of_instances", "max_number_of_instances"))
    _set_replicas(w, lo, hi, initial if isinstance(initial, int) and 0 <= initial <= bounds.INT32_MAX
                  else None)
    for key in sorted(k for k in prof if k not in ("min_number_of_instances", "max_number_of_instances")):
        if prof[key] in (None, {}, [], ""):  # (asked twice for Tacker VDUs: deduplicated)
            continue
        unsupported(  # SOL001 v3+: nfvi_maintenance_info, ...: the NFVI's, not a pod's
            ctx.diags, "kubernetes", w.node.name,
            f"'{key}' of vdu_profile has no Kubernetes equivalent; only the "
            "instance counts become replicas",
            ctx.value_span(w.node, "vdu_profile", key),
            path=f'topology_template.node_templates["{w.node.name}"].properties["vdu_profile"]["{key}"]',
        )


# --------------------------------------------------------------------------- entry


def build(ctx: Ctx, node: NodeTemplate, process: Process | None) -> Workload | None:
    """The workload builder for one template, or None (with a diagnostic) when none."""
    if node.is_a(BACKING_TYPE):
        w = _backing(ctx, node)
    elif node.is_a("xfactor.nodes.CNF"):
        w = _cnf(ctx, node, process)
    elif node.is_a("tosca.nodes.nfv.Vdu.OsContainerDeployableUnit"):
        w = _os_container_du(ctx, node, process)
    elif node.is_a("tosca.nodes.nfv.Vdu.Compute"):
        w = _vdu_compute(ctx, node, process)
    elif node.is_a("tosca.nodes.Container.Application"):
        w = _container_application(ctx, node, process)
    else:  # tosca.nodes.nfv.VNF: the VNF as a whole; its VDUs are the workloads
        return None
    if w is None:
        return None
    if process is not None:
        grace = bounds.seconds(process.graceful_shutdown, f"{node.name}: graceful_shutdown",
                               process.property_spans.get("graceful_shutdown", process.span),
                               ctx.diags)
        w.grace = grace if grace is not None else w.grace
        if process.scratch_size:
            w.annotations["xfactor.io/scratch"] = str(process.scratch_size)
    w.volumes.append({"name": "xf-tmp", "emptyDir": _scratch(ctx, process)})
    for c in w.containers:
        c.setdefault("volumeMounts", []).append({"mountPath": "/tmp", "name": "xf-tmp"})
    ctx.workload_names[node.name] = w.name
    return w


def _scratch(ctx: Ctx, process: Process | None) -> dict[str, Any]:
    if process is not None and process.scratch_size:
        n = bounds.byte_size(process.scratch_size, f"{process.node}: scratch.size",
                             process.property_spans.get("scratch", process.span), ctx.diags)
        q = bytes_quantity(n) if n is not None else None
        if q:
            return {"sizeLimit": q}
    return {}


def add_backing_env(ctx: Ctx, w: Workload, services: dict[str, Any]) -> None:
    """Every backing service a workload uses becomes ``<NAME>_LOCATOR`` in its env, and
    each of its ``secret_env`` references ``<NAME>_<VAR>`` (the same Secret key: the
    user needs the credentials the service was started with)."""
    for req in w.node.requirements:
        target = req.node
        if not target or target not in services:
            continue
        bs = services[target]
        value = bs.locator or object_name("Service", target)
        there = ctx.ns_of(target)
        if not bs.locator and there and there != ctx.ns_of(w.node.name):
            value = f"{value}.{there}"  # another VNF's namespace (--ns-namespaces per-vnf)
        entries = [{"name": f"{env_name(target)}_LOCATOR", "value": value}]
        tnode = ctx.topology.nodes.get(target)
        if tnode is not None:
            for e in runtime.secret_env(ctx, tnode):
                entries.append(dict(e, name=f"{env_name(target)}_{e['name']}"))
        for c in w.containers:
            env = c.setdefault("env", [])
            for entry in entries:
                if not any(e["name"] == entry["name"] for e in env):
                    env.append(entry)
            env.sort(key=lambda e: e["name"])


# --------------------------------------------------------------------------- objects


def emit_workload(ctx: Ctx, w: Workload, state: str) -> None:
    """Controller, Services, HPA and PDB bodies for one workload (spec §5)."""
    node = w.node
    extra = {ANN_TYPE: node.type, ANN_STATE: state}
    desc = node.properties.get("description")
    if isinstance(desc, str) and desc:
        extra[ANN_DESCRIPTION] = desc
    if node.is_a("tosca.nodes.nfv.Vdu.Compute") or node.is_a(
        "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit"
    ):
        if isinstance(node.properties.get("name"), str):
            extra["xfactor.io/vdu-name"] = node.properties["name"]
    extra.update(vnf_annotations(ctx, node.name))
    extra.update(w.annotations)
    kind = "StatefulSet" if w.stateful else "Deployment"
    selector = ctx.selector(w.name)
    pod_labels = dict(ctx.labels(w.name, w.kind_label))
    pod_labels.update(w.extra_labels)
    pod_ann = {"xfactor.io/template": node.name}
    if w.networks:
        pod_ann["k8s.v1.cni.cncf.io/networks"] = compact_json(w.networks)
    for c in w.containers:
        c["volumeMounts"] = sorted(c.get("volumeMounts", []), key=lambda m: m["mountPath"])
        if w.env_from:
            c["envFrom"] = list(w.env_from)
    tcp_port = None
    if w.ports:
        first = w.containers[0]
        first["ports"] = [
            {"containerPort": p["port"], "name": p["name"], "protocol": p["protocol"]}
            for p in sorted(w.ports, key=lambda p: (p["port"], p["protocol"]))
        ]
        tcp = [p for p in first["ports"] if p["protocol"] == "TCP"]
        tcp_port = tcp[0]["containerPort"] if tcp else None
    if w.containers:
        runtime.probes(ctx, w, w.containers[0], tcp_port)
    pod_sc = runtime.pod_security(ctx, w)
    runtime.low_ports(ctx, w, pod_sc)
    pod_spec: dict[str, Any] = {
        "automountServiceAccountToken": False,
        "containers": w.containers,
        "securityContext": pod_sc,
        "terminationGracePeriodSeconds": w.grace,
        "volumes": sorted(w.volumes, key=lambda v: v["name"]),
    }
    if w.affinity:
        pod_spec["affinity"] = w.affinity
    if w.node_selector:
        pod_spec["nodeSelector"] = dict(sorted(w.node_selector.items()))
    spec: dict[str, Any] = {
        "replicas": w.replicas,
        "selector": {"matchLabels": selector},
        "template": {"metadata": {"annotations": pod_ann, "labels": pod_labels}, "spec": pod_spec},
    }
    if w.stateful:
        spec["serviceName"] = object_name("Service", w.name)  # its headless Service
        spec["podManagementPolicy"] = "OrderedReady"
        spec["updateStrategy"] = {"type": "RollingUpdate"}
        if ctx.serves("StatefulSet.spec.persistentVolumeClaimRetentionPolicy"):
            spec["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Retain", "whenScaled": "Retain"}
        if w.claim_templates:
            spec["volumeClaimTemplates"] = sorted(w.claim_templates, key=lambda t: t["metadata"]["name"])
    else:
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    meta = ctx.metadata(w.name, template=node.name, span=node.span, component=w.kind_label, extra=extra)
    ctx.add(kind, w.name, {"apiVersion": "apps/v1", "kind": kind, "metadata": meta, "spec": spec})
    _emit_service(ctx, w, selector)
    if w.max_replicas > w.min_replicas:
        _emit_hpa(ctx, w, kind)
    if w.max_replicas > 1:
        pdb = {"maxUnavailable": 1, "selector": {"matchLabels": selector}}
        if ctx.serves("PodDisruptionBudget.spec.unhealthyPodEvictionPolicy"):
            pdb["unhealthyPodEvictionPolicy"] = "IfHealthyBudget" if w.stateful else "AlwaysAllow"
        ctx.add(
            "PodDisruptionBudget",
            w.name,
            {
                "apiVersion": ctx.api_version("PodDisruptionBudget"),
                "kind": "PodDisruptionBudget",
                "metadata": ctx.metadata(w.name, template=node.name, span=node.span),
                "spec": pdb,
            },
        )


# SOL001 VNF identification (tosca.nodes.nfv.VNF, §6.8.1) -> workload annotations, so the
# objects in the cluster say which VNFD, version and flavour they realise
VNF_ANNOTATIONS = {
    "descriptor_id": "xfactor.io/vnfd-id",
    "descriptor_version": "xfactor.io/vnfd-version",
    "provider": "xfactor.io/vnf-provider",
    "software_version": "xfactor.io/vnf-software-version",
    "flavour_id": "xfactor.io/flavour",
    "flavour_description": "xfactor.io/flavour-description",
    "vnfm_info": "xfactor.io/vnfm-info",  # a list: comma-separated
    "product_info_name": "xfactor.io/vnf-product-info-name",
}


def vnf_of(ctx: Ctx, workload: str) -> Any:
    """The VNF node a workload belongs to: the only VNF node, or in a network service
    (compiler/ns, issue 26) the VNF node whose requirements bind the workload."""
    vnfs = ctx.topology.nodes_of("tosca.nodes.nfv.VNF")
    if len(vnfs) == 1:
        return vnfs[0]
    return next((v for v in vnfs if any(r.node == workload for r in v.requirements)), None)


def vnf_annotations(ctx: Ctx, workload: str | None = None) -> dict[str, str]:
    """The VNF node's identification (the properties SOL001 requires of every VNF), when
    the topology has exactly one VNF node, or the workload is one VNF node's of a service."""
    vnf = vnf_of(ctx, workload) if workload is not None else None
    vnfs = [vnf] if vnf is not None else ctx.topology.nodes_of("tosca.nodes.nfv.VNF")
    if len(vnfs) != 1:
        return {}
    service = len(ctx.topology.nodes_of("tosca.nodes.nfv.VNF")) > 1
    out = {}
    for prop, ann in VNF_ANNOTATIONS.items():
        v = vnfs[0].properties.get(prop)
        if isinstance(v, list) and all(isinstance(x, str) for x in v) and v:
            out[ann] = ",".join(v)
        elif isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v):
            out[ann] = str(v)
    if not service and getattr(ctx.topology, "flavour", None) and "xfactor.io/flavour" in out:
        # the flavour compiled (--flavour), not the literal the top-level VNF node was
        # given: the objects realise the chosen flavour (issue 21 item 6)
        out["xfactor.io/flavour"] = str(ctx.topology.flavour)
    return out


def _emit_service(ctx: Ctx, w: Workload, selector: dict[str, Any]) -> None:
    """Headless for StatefulSets; ClusterIP when ports are known or a wiring reconnects."""
    if not w.stateful and not w.ports and not w.reconnect_sources:
        return
    extra: dict[str, str] = {}
    if w.reconnect_sources:
        extra["xfactor.io/reconnect-from"] = ",".join(sorted(set(w.reconnect_sources)))
    spec: dict[str, Any] = {"selector": selector, "sessionAffinity": "None"}
    if w.stateful or not w.ports:
        spec["clusterIP"] = "None"
        spec["publishNotReadyAddresses"] = False
    else:
        spec["type"] = "ClusterIP"
    if w.ports:
        spec["ports"] = [
            {"name": p["name"], "port": p["port"], "protocol": p["protocol"], "targetPort": p["port"]}
            for p in sorted(w.ports, key=lambda p: (p["port"], p["protocol"]))
        ]
    name = object_name("Service", w.name)
    meta = ctx.metadata(name, template=w.node.name, span=w.node.span, extra=extra)
    ctx.add("Service", name, {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec})


def _emit_hpa(ctx: Ctx, w: Workload, kind: str) -> None:
    spec: dict[str, Any] = {
        "maxReplicas": w.max_replicas,
        "metrics": [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": HPA_CPU_UTILIZATION},
                },
            }
        ],
        "minReplicas": max(1, w.min_replicas),
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": w.name},
    }
    if w.scale_step:
        spec["behavior"] = {
            "scaleUp": {"policies": [{"type": "Pods", "value": w.scale_step, "periodSeconds": 60}]}
        }
    meta = ctx.metadata(w.name, template=w.node.name, span=w.node.span)
    ctx.add(
        "HorizontalPodAutoscaler",
        w.name,
        {"apiVersion": ctx.api_version("HorizontalPodAutoscaler"), "kind": "HorizontalPodAutoscaler", "metadata": meta, "spec": spec},
    )


__all__ = ["Workload", "build", "emit_workload", "add_backing_env", "add_port", "check_tag", "bytes_quantity"]
