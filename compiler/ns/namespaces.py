"""Network services: which Kubernetes namespace each object of a service goes to.

Phase: normalize (:func:`compiler.ns.compose` checks the names, so that every back end
and ``xfc check`` report them) and emit (the Kubernetes, policies and operator back ends
share the placement, so that their objects and references agree).  Input: the compiled service (its topology, its
X-factor model's ``units`` — VNF node -> its templates — and the options:
``ns_namespaces`` from ``--ns-namespaces``, ``namespace`` from ``--namespace``).
Output: a :class:`Placement`, and the diagnostics of the names it could not use.

* ``single`` (the default) and any input that is no network service: every namespaced
  object goes to ``--namespace`` (or none is written), as before.
* ``per-vnf``: each VNF node's objects go to a namespace named after the VNF node (its
  name as a DNS-1123 label: lower case, ``_`` and other characters become ``-``); the
  service's own objects (NS virtual links, the FailurePolicy, the PrometheusRule, the
  operator) go to the *service namespace*: ``--namespace``, else the service's name.
  A VNF namespace that is not a DNS-1123 label of at most 63 characters once cleaned,
  that two VNF nodes would share, or that is the service namespace or one of
  Kubernetes' own (``default``, ``kube-*``) is an error at the VNF node.

Codes: ns-namespace (error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..diagnostics import Diagnostics
from ..names import DNS_LABEL_MAX, dns_label, is_dns_label, service_name
from ..options import NS_NAMESPACE_MODES, Options

MODES = NS_NAMESPACE_MODES
DEFAULT_MODE = MODES[0]
_NON_DNS = re.compile(r"[^a-z0-9]+")
_RESERVED = ("default", "kube-system", "kube-public", "kube-node-lease")


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the objects of one compiled service go."""

    namespace: str | None  # the service namespace: --namespace, or per-vnf's own
    vnfs: Mapping[str, str] = field(default_factory=dict)  # VNF node -> its namespace
    templates: Mapping[str, str] = field(default_factory=dict)  # template -> its VNF's

    @property
    def per_vnf(self) -> bool:
        return bool(self.vnfs)

    def of(self, template: str | None) -> str | None:
        """The namespace of the objects written for ``template`` (a node template, or a
        group/policy name of a VNF); None: no namespace written."""
        if template is not None and template in self.templates:
            return self.templates[template]
        if template is not None and template in self.vnfs:
            return self.vnfs[template]
        return self.namespace

    def all(self) -> list[str]:
        """Every namespace the service's objects use, the service's first."""
        out = [self.namespace] if self.namespace else []
        return out + sorted(set(self.vnfs.values()) - set(out))


def _candidate(name: str) -> str:
    return _NON_DNS.sub("-", name.lower()).strip("-")


def placement(topology: Any, xmodel: Any, options: Options,
              diags: Diagnostics | None = None) -> Placement:
    """The :class:`Placement` of the service; errors go to ``diags`` when given
    (:func:`compiler.ns.compose` reports them, whatever back ends run; the back ends only
    read the placement)."""
    namespace = options.namespace or None
    units: Mapping[str, tuple[str, ...]] = getattr(xmodel, "units", None) or {}
    if options.ns_namespaces != "per-vnf" or not units:
        return Placement(namespace=namespace)
    service = namespace or service_name(topology)
    vnfs: dict[str, str] = {}
    taken: dict[str, str] = {}
    for vnf in units:  # the NSD's order: a name taken is reported at the second node
        node = topology.nodes.get(vnf) if topology is not None else None
        span = node.span if node is not None else getattr(topology, "span", None)
        name = _candidate(vnf)
        problem = None
        if len(name) > DNS_LABEL_MAX:
            problem = (f"the namespace {name!r} is {len(name)} characters long; Kubernetes "
                       f"allows {DNS_LABEL_MAX}", "give the VNF node a shorter name")
        elif not name or not is_dns_label(name):
            problem = (f"its name gives no DNS-1123 label (cleaned: {name!r})",
                       "name VNF nodes with letters, digits and '-'")
        elif name in taken:
            problem = (f"the namespace {name!r} is also VNF node '{taken[name]}''s",
                       "rename one of the VNF nodes")
        elif name == service:
            problem = (f"the namespace {name!r} is the service's own (the NS links, "
                       "FailurePolicy and operator go there)",
                       "give --namespace another name, or rename the VNF node")
        elif name in _RESERVED or name.startswith("kube-"):
            problem = (f"the namespace {name!r} is one Kubernetes keeps for itself",
                       "rename the VNF node")
        if problem is not None:
            if diags is not None:
                diags.add("ns-namespace", f"VNF node '{vnf}' gets no namespace of its own "
                          f"(--ns-namespaces per-vnf): {problem[0]}", span, hint=problem[1])
            name = dns_label(vnf, fallback="vnf")  # placeholder; the run has failed
        taken.setdefault(name, vnf)
        vnfs[vnf] = name
    templates = {t: vnfs[v] for v, members in units.items() for t in members}
    return Placement(namespace=service, vnfs=vnfs, templates=templates)


__all__ = ["MODES", "DEFAULT_MODE", "Placement", "placement"]
