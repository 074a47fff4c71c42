"""Did every fact of a descriptor reach a Kubernetes object, or draw a warning?

Used by tests/integration/test_corpus_facts.py (issue 9, item 2).  A *fact* is a property
(or capability property) that the descriptor gives a value: a key under ``properties``
of a node template, a policy or a group, or under ``capabilities.<name>.properties`` of
a node template, as the positioned YAML of the package has it; for node templates also
a default of a node type the package itself defines (the defaults of the SOL001 and
X-factor profiles from xfc's catalog are not facts of the descriptor).

A fact is *accounted for* when

* the conversion matrix (compiler/emitters/kubernetes/matrix.py) maps it to a Kubernetes
  field, and the object that would carry it exists: for a workload, link or connection
  point (:data:`WORKLOAD_TYPES`) an emitted object annotated
  ``xfactor.io/template: <template>`` (a VM VDU that becomes no object has not carried its
  ``vdu_profile`` anywhere); for a VduCp, such an object of its VDU; for the VNF's
  identification, its annotation on some object; or
* the back end reported a warning at a real position (a file and a line) whose message
  names the template and the property in quotes (``'vdu_profile'``).

Anything else is silence, which :func:`silent_facts` returns.
"""

from __future__ import annotations

from typing import Any, Iterator

import yaml

from compiler.diagnostics import Severity
from compiler.emitters.kubernetes import matrix
from compiler.loader.package import RawIndex, index_templates

# Types whose mapped properties only reach the cluster through the template's own objects
# (a workload, a NetworkAttachmentDefinition, a Service).
WORKLOAD_TYPES = (
    "xfactor.nodes.CNF",
    "xfactor.nodes.BackingService",
    "tosca.nodes.nfv.Vdu.Compute",
    "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit",
    "tosca.nodes.Container.Application",
    "tosca.nodes.nfv.VnfVirtualLink",
    "tosca.nodes.nfv.VirtualCp",
    "tosca.nodes.nfv.VnfExtCp",
)


def _written(body: Any, *path: str) -> list[str]:
    cur = body
    for key in path:
        if not isinstance(cur, dict):
            return []
        cur = cur.get(key)
    return [str(k) for k in cur] if isinstance(cur, dict) else []


def _has_value(v: Any) -> bool:
    return v not in (None, {}, [], "")


def facts(unit) -> Iterator[tuple[Any, str, str]]:
    """(entity, kind, key) for every fact: kind is node, capability, policy or group; key
    is the property name, or ``<capability>.<property>``."""
    topology = unit.topology
    pkg = unit.package  # the raw YAML (the loader's, not the IR's), read here independently
    if pkg is None:
        idx = RawIndex()
    else:
        idx = pkg.templates if pkg.templates is not None else index_templates(pkg.files)
    for node in topology.nodes.values():
        body = idx.nodes.get(node.name)
        # written in the template (read from the raw YAML here, independently of the
        # back end), or a default of a type the package defines
        pkg = unit.package
        own = {f.display for f in pkg.files if not f.from_catalog} if pkg is not None else set()
        given = set(_written(body, "properties"))
        given.update(p for p, sp in node.property_spans.items() if sp is not None and sp.file in own)
        for prop in sorted(given):
            if prop in node.properties and _has_value(node.properties[prop]):
                yield node, "node", prop
        caps = body.get("capabilities") if isinstance(body, dict) else None
        for cname in _written(body, "capabilities"):
            cap = node.capabilities.get(cname)
            if cap is None:
                continue
            for prop in _written(caps, cname, "properties"):
                if _has_value(cap.properties.get(prop)):
                    yield node, "capability", f"{cname}.{prop}"
    for policy in topology.policies.values():
        body = idx.policies.get(policy.name)
        for prop in _written(body, "properties"):
            if _has_value(policy.properties.get(prop)):
                yield policy, "policy", prop
    for group in topology.groups.values():
        body = idx.groups.get(group.name)
        for prop in _written(body, "properties"):
            if _has_value(group.properties.get(prop)):
                yield group, "group", prop


def _objects(unit) -> tuple[set[str], set[str]]:
    """(templates named by an object's xfactor.io/template, annotation keys of objects)."""
    templates: set[str] = set()
    keys: set[str] = set()
    for f in unit.outputs:
        if not f.path.startswith("kubernetes/"):
            continue
        for doc in yaml.safe_load_all(f.content):
            ann = ((doc or {}).get("metadata") or {}).get("annotations") or {}
            keys.update(ann)
            if ann.get("xfactor.io/template"):
                templates.add(ann["xfactor.io/template"])
    return templates, keys


def _reached(entity, kind: str, key: str, templates: set[str], keys: set[str]) -> bool:
    """Did a mapped fact reach an object?  Workload facts need the template's own object;
    the VNF's identification needs its annotation on some object; the rest are carried by
    the objects of the templates they configure (checked by their unit tests)."""
    from compiler.emitters.kubernetes.workloads import VNF_ANNOTATIONS

    if kind in ("node", "capability") and any(entity.is_a(t) for t in WORKLOAD_TYPES):
        return entity.name in templates
    if kind == "node" and entity.is_a("tosca.nodes.nfv.VNF") and key in VNF_ANNOTATIONS:
        return VNF_ANNOTATIONS[key] in keys
    if kind == "node" and entity.is_a("tosca.nodes.nfv.VduCp"):  # carried by its VDU's pods
        return any(r.name == "virtual_binding" and r.node in templates for r in entity.requirements)
    return True


def silent_facts(unit) -> list[str]:
    """Facts of a compiled unit that neither reached an object nor drew a warning."""
    templates, keys = _objects(unit)
    warned: list[str] = [
        d.message
        for d in unit.diagnostics
        if d.severity >= Severity.WARNING and d.span.line > 0 and d.span.file not in ("", "<unknown>")
    ]
    out = []
    for entity, kind, key in facts(unit):
        row = matrix.row_for(entity, kind, key)
        if row is not None and row[0] is not None and _reached(entity, kind, key, templates, keys):
            continue
        prop = key.split(".", 1)[1] if kind == "capability" else key
        if any(entity.name in m and f"'{prop}'" in m for m in warned):
            continue
        out.append(f"{kind} {entity.name} ({entity.type}): {key}")
    return out
