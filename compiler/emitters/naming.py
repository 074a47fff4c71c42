"""Names shared by every back end, so that their outputs agree on them.

Phase: emit.  Input: the resolved topology.  Output: the service's name — the value of the
``app.kubernetes.io/part-of`` label on every Kubernetes object, the FailurePolicy's
``metadata.name`` and the PrometheusRule's selectors — so an alert or a policy always
matches the objects it is about.  No codes.
"""

from __future__ import annotations

import posixpath
from typing import Any, Mapping

from ..names import dns_label


def service_name(topology: Any, path: str = "") -> str:
    """The service's name, as a DNS-1123 label.

    ``metadata.template_name`` (or ``name``), else the ``product_name`` of a SOL001 VNF
    node, else the entry file's stem.
    """
    meta = getattr(topology, "metadata", None) or {}
    if isinstance(meta, Mapping):
        for key in ("template_name", "name"):
            if isinstance(meta.get(key), str) and meta[key].strip():
                return dns_label(meta[key], fallback="xfc")
    nodes_of = getattr(topology, "nodes_of", None)
    if nodes_of is not None:
        for vnf in nodes_of("tosca.nodes.nfv.VNF"):
            if isinstance(vnf.properties.get("product_name"), str) and vnf.properties["product_name"].strip():
                return dns_label(vnf.properties["product_name"], fallback="xfc")
    base = posixpath.basename(str(getattr(topology, "file", "") or path).replace("\\", "/"))
    for suffix in (".yaml", ".yml", ".vnfd", ".csar", ".zip"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return dns_label(base, fallback="xfc")
