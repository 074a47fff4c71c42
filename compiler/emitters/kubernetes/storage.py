"""Storage: CNF volumes and SOL001 virtual block storage.

Phase: emit.
Input: the ``volumes`` of xfactor CNFs and the ``Vdu.VirtualBlockStorage`` templates that
workloads require through ``virtual_storage``.
Output: emptyDir volumes, ``volumeClaimTemplates`` (StatefulSet) or
``PersistentVolumeClaim`` bodies (Deployment), and the matching ``volumeMounts``.

Decisions: a non-persistent CNF volume is an emptyDir (``sizeLimit`` = ``size``); a
persistent one is a claim of ``size`` (1Gi when none is given), ReadWriteOnce.  SOL001 gives
block storage no mount path, so it is mounted at ``/mnt/<storage template name>``.  A
stateful workload gets one claim per replica (``volumeClaimTemplates``); a stateless one a
single shared claim (which the X-factor checks already reject as local state, spec §4).

Codes: value-out-of-range (via :mod:`compiler.bounds`: a size out of range).
"""

from __future__ import annotations

from typing import Any

from ... import bounds
from .common import ANN_TYPE, Ctx, bytes_quantity, dns_label
from .workloads import Workload

DEFAULT_CLAIM = "1Gi"


def _claim_spec(size: str | None) -> dict:
    return {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size or DEFAULT_CLAIM}}}


def _mount(w: Workload, vname: str, path: str) -> None:
    for c in w.containers[:1] if w.node.is_a("xfactor.nodes.CNF") else w.containers:
        mounts = c.setdefault("volumeMounts", [])
        if any(m["mountPath"] == path for m in mounts):
            continue
        if path == "/tmp":  # a declared /tmp replaces the default scratch mount
            mounts[:] = [m for m in mounts if m["name"] != "xf-tmp"]
        mounts.append({"mountPath": path, "name": vname})


def _claim(ctx: Ctx, w: Workload, vname: str, size: str | None, template: str, span, extra=None) -> None:
    if w.stateful:
        w.claim_templates.append({"metadata": {"name": vname}, "spec": _claim_spec(size)})
        return
    cname = dns_label(f"{w.name}-{vname}")
    ctx.add(
        "PersistentVolumeClaim",
        cname,
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": ctx.metadata(cname, template=template, span=span, extra=extra),
            "spec": _claim_spec(size),
        },
    )
    w.volumes.append({"name": vname, "persistentVolumeClaim": {"claimName": cname}})


def attach(ctx: Ctx, w: Workload) -> None:
    node = w.node
    used = {v["name"] for v in w.volumes}
    for vol in node.properties.get("volumes") or [] if node.is_a("xfactor.nodes.CNF") else []:
        if not isinstance(vol, dict) or not isinstance(vol.get("mount_path"), str):
            continue
        vname = dns_label(str(vol.get("name") or "data"))
        if vname in used:
            continue
        used.add(vname)
        n = bounds.byte_size(vol.get("size"), f"{node.name}: volumes[].size",
                             ctx.node_span(node, "volumes"), ctx.diags)
        size = bytes_quantity(n) if n is not None else None
        if vol.get("persistent") is True:
            _claim(ctx, w, vname, size, node.name, ctx.node_span(node, "volumes"))
        else:
            w.volumes.append({"name": vname, "emptyDir": {"sizeLimit": size} if size else {}})
        _mount(w, vname, vol["mount_path"])
    for req in node.requirements:
        if req.name != "virtual_storage" or not req.node:
            continue
        st = ctx.topology.nodes.get(req.node)
        if st is None or not st.is_a("tosca.nodes.nfv.Vdu.VirtualBlockStorage"):
            continue
        vname = dns_label(st.name)
        if vname in used:
            continue
        used.add(vname)
        data: Any = st.properties.get("virtual_block_storage_data")
        n = bounds.byte_size(data.get("size_of_storage"), f"{st.name}: size_of_storage",
                             ctx.value_span(st, "virtual_block_storage_data", "size_of_storage"),
                             ctx.diags) if isinstance(data, dict) else None
        size = bytes_quantity(n) if n is not None else None
        _claim(ctx, w, vname, size, st.name, st.span, {ANN_TYPE: st.type})
        _mount(w, vname, f"/mnt/{vname}")
