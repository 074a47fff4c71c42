"""The ``operator`` back end: what runs ``xfc operator`` in the cluster (spec §6).

Phase: emit.  Input: a clean :class:`compiler.pipeline.Compilation`: whether it has a
FailurePolicy to act on (wirings or chains), ``options.namespace``,
``options.operator`` (``--no-operator``) and ``options.operator_image``
(``--operator-image``).  Output (OutputFiles under ``operator/``, none when there is no
FailurePolicy or with ``--no-operator``):

* ``serviceaccount.yaml``: the ServiceAccount ``xfc-operator``;
* ``role.yaml`` and ``rolebinding.yaml``: a namespaced Role with exactly the verbs the
  operator uses (:data:`RULES`; no ``*`` verb, resource or group) bound to it.  The
  operator acts in its own namespace only, so no ClusterRole is needed: the CRD it reads
  is applied by whoever installs the policies, and API discovery is open to every
  authenticated account;
* with ``--ns-namespaces per-vnf`` (an NSD whose VNFs each have a namespace,
  :mod:`compiler.ns.namespaces`), also ``role-<ns>.yaml`` and ``rolebinding-<ns>.yaml``
  in each VNF namespace: the rules on pods, events and scales (:data:`WORKLOAD_RULES`),
  bound to the operator's ServiceAccount in the service namespace, which the FailurePolicy
  and the operator's own objects are in;
* ``deployment.yaml``: one replica of the image (default ``xfc:<version>``, the
  Containerfile's tag) running ``xfc operator --namespace $(POD_NAMESPACE)``, the
  namespace and the Lease identity taken from the downward API, so the same files work
  in whatever namespace they are applied to.

The objects are the same for every service (named ``xfc-operator``, no ``part-of``
label), so two services compiled for one namespace write identical objects and applying
both gives one operator, which acts on both FailurePolicies.  Codes: none.
"""

from __future__ import annotations

from typing import Any

from .. import yamlout
from ..diagnostics import Diagnostics
from ..model import OutputFile
from ..model.ir import Analysed, BackEndInput

NAME = "operator"
OBJECT = "xfc-operator"
# the Containerfile's tag, xfc:<version> (compiler.__version__; a test holds them together)
DEFAULT_IMAGE = "xfc:0.1.0"
LABELS = {"app.kubernetes.io/component": "operator", "app.kubernetes.io/managed-by": "xfc",
          "app.kubernetes.io/name": OBJECT}

#: Every (API group, resources, verbs) the operator uses: compiler/operator/kube.py and
#: kopf (list/watch of FailurePolicies, patch for its finalizer; core Events).
RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("xfactor.io", ("failurepolicies",), ("list", "patch", "watch")),
    ("xfactor.io", ("failurepolicies/status",), ("patch",)),
    ("", ("pods",), ("list",)),
    ("", ("pods/exec",), ("create", "get")),
    ("", ("events",), ("create",)),
    ("apps", ("deployments/scale", "statefulsets/scale"), ("get", "patch")),
    ("coordination.k8s.io", ("leases",), ("create", "get", "update")),
)


#: what the operator does in a namespace of workloads that is not its own (an NSD compiled
#: with --ns-namespaces per-vnf): the rules of RULES on pods, events and scales
WORKLOAD_RULES = tuple(r for r in RULES if r[0] in ("", "apps"))


def vnf_access(namespace: str, vnf_namespaces: list[str]) -> dict[str, dict[str, Any]]:
    """A Role and a RoleBinding in each VNF namespace, binding the operator's
    ServiceAccount of ``namespace`` (so the subject names its namespace)."""
    out: dict[str, dict[str, Any]] = {}
    for ns in vnf_namespaces:
        out[f"role-{ns}.yaml"] = {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": _meta(OBJECT, ns),
            "rules": [{"apiGroups": [group], "resources": list(res), "verbs": list(verbs)}
                      for group, res, verbs in WORKLOAD_RULES]}
        out[f"rolebinding-{ns}.yaml"] = {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": _meta(OBJECT, ns),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": OBJECT},
            "subjects": [{"kind": "ServiceAccount", "name": OBJECT, "namespace": namespace}]}
    return out


def _meta(name: str, namespace: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"labels": dict(LABELS), "name": name}
    if namespace:
        meta["namespace"] = namespace
    return meta


def objects(namespace: str | None, image: str) -> dict[str, dict[str, Any]]:
    """The operator's objects by file name (plain data)."""
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(OBJECT, namespace)}
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": _meta(OBJECT, namespace),
            "rules": [{"apiGroups": [group], "resources": list(res), "verbs": list(verbs)}
                      for group, res, verbs in RULES]}
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": _meta(OBJECT, namespace),
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                           "name": OBJECT},
               "subjects": [{"kind": "ServiceAccount", "name": OBJECT}]}
    # no subject namespace: RBAC reads a ServiceAccount subject of a RoleBinding without
    # one as the binding's own namespace, so the files work in any namespace (and Helm's
    # namespace value moves them together)
    field = {"POD_NAMESPACE": "metadata.namespace", "POD_NAME": "metadata.name"}
    container = {
        "name": "operator",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "args": ["operator", "--namespace", "$(POD_NAMESPACE)"],
        "env": [{"name": k, "valueFrom": {"fieldRef": {"fieldPath": v}}}
                for k, v in field.items()],
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"},
                      "limits": {"cpu": "500m", "memory": "256Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False,
                            "capabilities": {"drop": ["ALL"]},
                            "readOnlyRootFilesystem": True, "runAsNonRoot": True},
    }
    selector = {"app.kubernetes.io/name": OBJECT}
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(OBJECT, namespace),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": selector},
            "strategy": {"type": "Recreate"},  # the Lease elects one actor anyway
            "template": {
                "metadata": {"labels": dict(LABELS)},
                "spec": {
                    "serviceAccountName": OBJECT,
                    "automountServiceAccountToken": True,  # it talks to the API server
                    "containers": [container],
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001,
                                        "runAsGroup": 10001,
                                        "seccompProfile": {"type": "RuntimeDefault"}},
                    "terminationGracePeriodSeconds": 30,
                },
            },
        },
    }
    return {"serviceaccount.yaml": sa, "role.yaml": role, "rolebinding.yaml": binding,
            "deployment.yaml": deployment}


def wanted(unit: Analysed) -> bool:
    """Whether this compilation gets an operator: a FailurePolicy and no --no-operator."""
    plan, opts = unit.plan, unit.options
    if plan is None or not opts.operator:
        return False
    return bool(plan.wirings or plan.chains)


class OperatorEmitter:
    name = NAME
    description = "the operator that acts on the FailurePolicy: Deployment, ServiceAccount, Role"

    def emit(self, unit: BackEndInput, diags: Diagnostics) -> list[OutputFile]:
        if not wanted(unit):
            return []
        opts = unit.options
        image = opts.operator_image or DEFAULT_IMAGE
        out = []
        from ..ns.namespaces import placement

        place = placement(unit.topology, unit.xmodel, opts)
        docs = objects(place.namespace, image)
        if place.per_vnf and place.namespace:  # its workloads are in the VNFs' namespaces
            docs.update(vnf_access(place.namespace, sorted(set(place.vnfs.values()))))
        for file, doc in docs.items():
            text = yamlout.write(doc, what=f"operator/{file}", head=("apiVersion", "kind", "metadata"),
                                 header=(f"{doc['kind']} of xfc's operator (docs/operator.md)",
                                         "Generated by xfc; do not edit."))
            out.append(OutputFile(path=f"operator/{file}", content=text.encode("utf-8"),
                                  producer=NAME, documents=(yamlout.as_read(
                                      doc, ("apiVersion", "kind", "metadata")),)))
        return sorted(out, key=lambda f: f.path)


EMITTER = OperatorEmitter()
