"""Pod and container security settings: safe by default, loosened only on request.

Phase: emit.
Input: a workload's :class:`compiler.model.NodeTemplate` (its ``metadata`` may ask for a
looser setting), or a container of a Kubernetes object shipped in a Tacker package.
Output: ``securityContext`` mappings for the view model; warnings for every loosening.

Defaults for every container xfc generates (Kubernetes "restricted" Pod Security
Standard): ``runAsNonRoot: true``, ``allowPrivilegeEscalation: false``,
``capabilities.drop: [ALL]``, ``readOnlyRootFilesystem: true``, and at pod level
``seccompProfile: RuntimeDefault`` with numeric user ids (runtime.py).  The X-factor
types ask for root through their ``run_as_root`` property instead (runtime.py warns).  A template asks for less through its metadata (TOSCA
1.3 §3.9 ``metadata`` is free-form, so this adds no property to standard types):

* ``xfactor.io/run-as-root: "true"``   -> ``runAsNonRoot: false``
* ``xfactor.io/writable-root-fs: "true"`` -> ``readOnlyRootFilesystem: false``
* ``xfactor.io/add-capabilities: "NET_ADMIN,NET_RAW"`` -> ``capabilities.add``
* ``xfactor.io/privilege-escalation: "true"`` -> ``allowPrivilegeEscalation: true``
* ``xfactor.io/bind-low-ports: "true"`` -> the pod may bind ports below 1024 (runtime.py)

each with a ``k8s-insecure`` warning that says what was loosened and the reason the
template gives in ``xfactor.io/security-reason`` (or that it gave none).

Objects shipped in a Tacker package keep their security settings as written (the
package author tested them); each container that lacks a safe default gets one
``k8s-insecure`` warning listing what is missing.

Codes: k8s-insecure.
"""

from __future__ import annotations

import re
from typing import Any

from ...model import NodeTemplate


def _truthy(v: Any) -> bool:
    return v is True or (isinstance(v, str) and v.strip().lower() in ("true", "yes", "1"))


truthy = _truthy


def container_security(ctx, node: NodeTemplate) -> dict:
    """The container securityContext for a generated workload, with warnings."""
    meta = node.metadata or {}
    sc: dict[str, Any] = {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
    }
    loosened: list[str] = []
    if (node.is_a("xfactor.nodes.CNF") or node.is_a("xfactor.nodes.BackingService")) and (
        node.properties.get("run_as_root") is True
    ):
        sc["runAsNonRoot"] = False  # the profile property: runtime.pod_security warns
    if _truthy(meta.get("xfactor.io/run-as-root")):
        sc["runAsNonRoot"] = False
        loosened.append("runAsNonRoot: false")
    if _truthy(meta.get("xfactor.io/writable-root-fs")):
        sc["readOnlyRootFilesystem"] = False
        loosened.append("readOnlyRootFilesystem: false")
    if _truthy(meta.get("xfactor.io/privilege-escalation")):
        sc["allowPrivilegeEscalation"] = True
        loosened.append("allowPrivilegeEscalation: true")
    caps = meta.get("xfactor.io/add-capabilities")
    if isinstance(caps, str) and caps.strip():
        added = sorted({c for c in re.split(r"[,\s]+", caps.strip().upper()) if c})
        sc["capabilities"]["add"] = added
        loosened.append("capabilities.add: " + ", ".join(added))
    if loosened:
        reason = meta.get("xfactor.io/security-reason")
        why = f"reason given: {reason}" if isinstance(reason, str) and reason else "no reason given"
        ctx.diags.add(
            "k8s-insecure",
            f"{node.name}: the template asks for {'; '.join(loosened)} ({why})",
            node.span,
            path=f'topology_template.node_templates["{node.name}"].metadata',
            hint="set xfactor.io/security-reason in the template's metadata to record why",
        )
    return sc


def pod_runs_as_non_root(pod_spec: dict) -> bool:
    return bool((pod_spec.get("securityContext") or {}).get("runAsNonRoot"))


def missing_defaults(pod_spec: dict, container: dict) -> list[str]:
    """The safe defaults a shipped container lacks (for the k8s-insecure warning)."""
    sc = container.get("securityContext") or {}
    missing: list[str] = []
    if not (sc.get("runAsNonRoot") or pod_runs_as_non_root(pod_spec)):
        missing.append("runAsNonRoot")
    if sc.get("allowPrivilegeEscalation") is not False:
        missing.append("allowPrivilegeEscalation: false")
    if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
        missing.append("capabilities.drop: [ALL]")
    if sc.get("readOnlyRootFilesystem") is not True:
        missing.append("readOnlyRootFilesystem")
    if sc.get("privileged") is True:
        missing.append("privileged: false")
    if not (container.get("resources") or {}).get("limits"):
        missing.append("resources.limits")
    return missing
