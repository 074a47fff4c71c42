"""Storage: CNF volumes and SOL001 virtual block and file storage.

Phase: emit.
Input: the ``volumes`` of xfactor CNFs, the data volume of backing services
(a PersistentVolumeClaim template), and the ``Vdu.VirtualBlockStorage`` / ``Vdu.VirtualFileStorage``
templates that workloads require through ``virtual_storage``.
Output: emptyDir volumes, ``volumeClaimTemplates`` (StatefulSet) or
``PersistentVolumeClaim`` bodies, and the matching ``volumeMounts``.

Decisions: a non-persistent CNF volume is an emptyDir (``sizeLimit`` = ``size``); a
persistent one is a claim of ``size`` (1Gi when none is given), ReadWriteOnce.  SOL001 gives
storage no mount path, so it is mounted at ``/mnt/<storage template name>``.  A stateful
workload gets one claim per replica (``volumeClaimTemplates``) unless the storage says
``per_vnfc_instance: false``, which is one claim that every replica mounts; a stateless one
always a single shared claim (which the X-factor checks already reject as local state,
spec §4).  File storage (SOL001 §6.8.x ``VirtualFileStorage``) is shared by nature, so
its claim is ReadWriteMany; ``file_system_protocol`` (NFS, CephFS, ...) is the
StorageClass's choice and warns.  Block storage's ``rdma_enabled: true`` and
``vdu_storage_requirements`` warn.

Codes: unsupported, value-out-of-range (via :mod:`compiler.bounds`: a size out
of range).
"""

from __future__ import annotations

from typing import Any

from ... import bounds
from .common import ANN_TYPE, Ctx, bytes_quantity, dns_label
from .workloads import Workload
from ...unsupported import unsupported

DEFAULT_CLAIM = "1Gi"


def _claim_spec(size: str | None, mode: str = "ReadWriteOnce") -> dict:
    return {"accessModes": [mode], "resources": {"requests": {"storage": size or DEFAULT_CLAIM}}}


def _mount(w: Workload, vname: str, path: str) -> None:
    for c in w.containers[:1] if w.node.is_a("xfactor.nodes.CNF") else w.containers:
        mounts = c.setdefault("volumeMounts", [])
        if any(m["mountPath"] == path for m in mounts):
            continue
        if path == "/tmp":  # a declared /tmp replaces the default scratch mount
            mounts[:] = [m for m in mounts if m["name"] != "xf-tmp"]
        mounts.append({"mountPath": path, "name": vname})


def _claim(ctx: Ctx, w: Workload, vname: str, size: str | None, template: str, span, extra=None,
           *, per_instance: bool = True, mode: str = "ReadWriteOnce") -> None:
    if w.stateful and per_instance:
        w.claim_templates.append({"metadata": {"name": vname}, "spec": _claim_spec(size, mode)})
        return
    cname = dns_label(f"{w.name}-{vname}")
    ctx.add(
        "PersistentVolumeClaim",
        cname,
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": ctx.metadata(cname, template=template, span=span, extra=extra),
            "spec": _claim_spec(size, mode),
        },
    )
    w.volumes.append({"name": vname, "persistentVolumeClaim": {"claimName": cname}})


def attach(ctx: Ctx, w: Workload) -> None:
    node = w.node
    used = {v["name"] for v in w.volumes}
    profiled = node.is_a("xfactor.nodes.CNF") or node.is_a("xfactor.nodes.BackingService")
    for vol in node.properties.get("volumes") or [] if profiled else []:
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
        if st is None:
            continue
        if st.is_a("tosca.nodes.nfv.Vdu.VirtualBlockStorage"):
            prop, mode = "virtual_block_storage_data", "ReadWriteOnce"
        elif st.is_a("tosca.nodes.nfv.Vdu.VirtualFileStorage"):
            prop, mode = "virtual_file_storage_data", "ReadWriteMany"
        else:  # object storage: its keys warn through the conversion matrix
            continue
        vname = dns_label(st.name)
        if vname in used:
            continue
        used.add(vname)
        data: Any = st.properties.get(prop)
        data = data if isinstance(data, dict) else {}
        n = bounds.byte_size(data.get("size_of_storage"), f"{st.name}: size_of_storage",
                             ctx.value_span(st, prop, "size_of_storage"),
                             ctx.diags) if data.get("size_of_storage") is not None else None
        size = bytes_quantity(n) if n is not None else None
        per_instance = st.properties.get("per_vnfc_instance") is not False
        _claim(ctx, w, vname, size, st.name, st.span, {ANN_TYPE: st.type},
               per_instance=per_instance, mode=mode)
        _mount(w, vname, f"/mnt/{vname}")
        _storage_warnings(ctx, st, prop, data)


_STORAGE_DROPPED = {
    "rdma_enabled": "RDMA needs a device plugin and a StorageClass xfc cannot choose",
    "vdu_storage_requirements": "NFVI-specific storage requirements have no claim field",
    "file_system_protocol": "the StorageClass of the cluster decides the file system protocol",
}


def _storage_warnings(ctx: Ctx, st, prop: str, data: dict) -> None:
    for key, why in _STORAGE_DROPPED.items():
        if data.get(key) in (None, False, {}, [], ""):
            continue
        unsupported(ctx.diags, "kubernetes",
            st.name,
            f"'{key}' of {prop} has no Kubernetes equivalent; {why}",
            ctx.value_span(st, prop, key),
            path=f'topology_template.node_templates["{st.name}"].properties["{prop}"]["{key}"]',
        )
