"""Shared helpers of the Kubernetes back end: names, labels, annotations, quantities.

Phase: emit.
Input: the compilation unit (topology, xmodel, plan, options).
Output: :class:`Ctx`, which every view-model builder (workloads, network, storage,
tacker) receives and into which it adds :class:`render.K8sObject` bodies.

Names follow the rule of their kind (:data:`NAME_RULES`, :func:`object_name`): Service
names are RFC 1035 labels (they become DNS names, so they start with a letter: ``x-`` is
put before one that would not); every other object xfc names, and containers, volumes
and claims, take DNS-1123 labels (RFC 1123: lower case, digits, ``-``, alphanumeric at
both ends — and they may start with a digit); port names are IANA service names (at most
15 characters, at least one letter).  The cleaners themselves are in :mod:`compiler.names`
(re-exported here): a name that has to be cut keeps a short stable hash of the full name
(sha256, not Python's salted ``hash``), so runs agree.

Codes: unsupported (via :meth:`Ctx.not_expressible` and :func:`compiler.unsupported.unsupported`).
"""

from __future__ import annotations

import json
import math
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...diagnostics import Diagnostics, Span
from ...model import NodeTemplate, Topology
from ...model.ir import Analysed

if TYPE_CHECKING:  # render imports this module
    from .render import K8sObject
from ...model.frozen import plain as plain, span_at as span_at  # re-exported to the builders
from ... import durations, kubeversions
from ...names import (dns1035_label as dns1035_label, dns_label as dns_label,  # re-exported
                      env_name as env_name, is_dns_label as is_dns_label,  # to the builders
                      label_value as label_value, port_name as port_name)
from ...unsupported import unsupported

GROUP = "xfactor.io"
ANN_SOURCE = f"{GROUP}/source"
ANN_TEMPLATE = f"{GROUP}/template"
ANN_TYPE = f"{GROUP}/type"
ANN_DESCRIPTION = f"{GROUP}/description"
ANN_STATE = f"{GROUP}/state"
ANN_ORIGIN = f"{GROUP}/origin"  # "shipped" for Tacker objects read from the package
LABEL_NAME = "app.kubernetes.io/name"
LABEL_PART_OF = "app.kubernetes.io/part-of"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_COMPONENT = "app.kubernetes.io/component"
MULTUS_ANNOTATION = "k8s.v1.cni.cncf.io/networks"

# Which rule names an object of a kind (Kubernetes API validation): a Service's name is a
# DNS label of its own (RFC 1035); the others accept DNS-1123 subdomains, of which the
# DNS-1123 labels xfc makes are a subset (workloads keep to labels: their name is also
# the pods' host name prefix and their containers' and Services' source).
NAME_RULES = {"Service": dns1035_label}


def object_name(kind: str, text: str, limit: int = 63) -> str:
    """The name of an object of ``kind`` made from ``text``, by the kind's rule."""
    return NAME_RULES.get(kind, dns_label)(text, limit)


MCIO = "mcio_identification_data"
_WORKLOADISH = (
    "xfactor.nodes.CNF",
    "xfactor.nodes.BackingService",
    "tosca.nodes.nfv.Vdu.Compute",
    "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit",
    "tosca.nodes.Container.Application",
)


def mcio_name(node: NodeTemplate) -> str | None:
    """The name ``mcio_identification_data`` asks for, as a DNS-1123 label, or None."""
    data = node.properties.get(MCIO) if node.is_a("tosca.nodes.nfv.Vdu.OsContainerDeployableUnit") else None
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name:
        return None
    return name if is_dns_label(name) else dns_label(name)


def workload_name(topology: Topology, template: str) -> str:
    """The ``metadata.name`` of the Deployment / StatefulSet realising ``template``.

    The MCIO name when one is given (SOL001 4.4.1) and no other workload template claims
    it (by its own template name or MCIO name), else the template name as a DNS-1123
    label.  A pure function of the topology, so other back ends (pod name patterns) can
    name the same pods without running this one.
    """
    node = topology.nodes.get(template)
    wanted = mcio_name(node) if node is not None else None
    if wanted is None:
        return dns_label(template)
    for other in topology.nodes.values():
        if other.name == template or not any(other.is_a(t) for t in _WORKLOADISH):
            continue
        if wanted in (dns_label(other.name), mcio_name(other)):
            return dns_label(template)
    return wanted


def cpu_quantity(cores: float) -> str | None:
    """Cores as a Kubernetes quantity: ``0.5`` -> ``500m``, ``2`` -> ``2``; None for an
    infinite amount (``.inf``, ``1e308``: no limit), which no quantity writes."""
    if not math.isfinite(float(cores) * 1000):
        return None
    milli = max(1, int(round(float(cores) * 1000)))
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"


def bytes_quantity(n: float) -> str | None:
    """Bytes as a Kubernetes quantity, in the unit (binary or decimal) that divides it
    exactly and gives the smallest number: ``268435456`` -> ``256Mi``, ``1e10`` -> ``10G``.
    None for an infinite amount (``1e308 GiB`` overflows: no limit)."""
    if not math.isfinite(n):
        return None
    n = max(1, int(math.ceil(n)))
    best = str(n)
    best_n = n
    for suffix, factor in (("Ti", 1024**4), ("Gi", 1024**3), ("Mi", 1024**2), ("Ki", 1024),
                           ("T", 1000**4), ("G", 1000**3), ("M", 1000**2), ("k", 1000)):
        if n % factor == 0 and n // factor < best_n:
            best, best_n = f"{n // factor}{suffix}", n // factor
    return best


def size_quantity(text: Any) -> str | None:
    """``"256 MiB"`` -> ``"256Mi"``; None when the value is not a scalar-unit.size."""
    from ...units import ScalarError, to_bytes

    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return bytes_quantity(text)
    try:
        return bytes_quantity(to_bytes(text))
    except (ScalarError, TypeError, ValueError):
        return None


def seconds(text: Any) -> float | None:
    """A scalar-unit.time (or a bare number of seconds) as float seconds
    (:func:`compiler.durations.seconds`); None when it is not a finite duration."""
    return durations.seconds(text)


def compact_json(value: Any) -> str:
    """JSON text with sorted keys and no spaces: for annotations and CNI configs."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(slots=True)
class Ctx:
    """Everything the builders share for one run of the back end."""

    unit: Analysed  # a BackEndInput, or a compilation (policies.workloads.table)
    diags: Diagnostics
    topology: Topology
    namespace: str | None
    part_of: str
    objects: list[K8sObject] = field(default_factory=list)
    # workload template name -> its Kubernetes name and pod selector labels
    workload_names: dict[str, str] = field(default_factory=dict)
    # workload template name -> ports a VirtualCp / VnfExtCp Service exposes (NetworkPolicy)
    exposed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # network services (compiler.ns.namespaces): the namespace of each template's objects
    # with --ns-namespaces per-vnf; None: every object in ``namespace``
    placement: Any = None

    def ns_of(self, template: str | None) -> str | None:
        """The namespace of the objects written for ``template`` (None: none written)."""
        return self.placement.of(template) if self.placement is not None else self.namespace

    # -- the Kubernetes release written for (--kube-version) -----------------
    def api_version(self, kind: str) -> str:
        """The apiVersion of ``kind`` that the target release serves (compiler.kubeversions)."""
        return kubeversions.api_version(kind, kubeversions.of(self.unit.options))

    def serves(self, field: str) -> bool:
        """Whether the target release keeps ``field`` (a key of kubeversions.FIELDS)."""
        return kubeversions.serves(field, kubeversions.of(self.unit.options))

    # -- positions --------------------------------------------------------
    def source_of(self, span: Span | None) -> str:
        """``file:line`` for the ``xfactor.io/source`` annotation.

        The file is named relative to the package root (the CSAR root, or the folder of
        a lone descriptor), never as the user spelled the path, so that the output bytes
        do not depend on the working directory or on ``./``, ``..`` or absolute spellings.
        """
        if span is None or not span.file or span.file == "<unknown>":
            return self.package_name(self.topology.file)
        file = self.package_name(span.file)
        return f"{file}:{span.line}" if span.line else file

    def package_name(self, display: str) -> str:
        """The name inside the package of a file shown to users as ``display``."""
        label = self.topology.source_label
        if label and label not in ("", "."):
            prefix = label.rstrip("/") + "/"
            if display.startswith(prefix):
                return display[len(prefix):]
        name = self.topology.source_names.get(display)
        if name is not None:
            return name
        return posixpath.basename(display) if display.startswith("/") else display

    def node_span(self, node: NodeTemplate, prop: str | None = None) -> Span:
        if prop is not None and prop in node.property_spans:
            return node.property_spans[prop]
        return node.span

    def value_span(self, node: NodeTemplate, prop: str, *path: Any) -> Span:
        """Where the value at ``properties.<prop>.<path...>`` of ``node`` is written (the
        IR's frozen values carry the positions of the YAML they were read from), else
        where ``prop`` is (e.g. a ``get_input``)."""
        return span_at(node.properties.get(prop), path, self.node_span(node, prop))

    # -- metadata ---------------------------------------------------------
    def labels(self, name: str, component: str | None = None) -> dict[str, str]:
        out = {
            LABEL_NAME: label_value(name),
            LABEL_PART_OF: label_value(self.part_of),
            LABEL_MANAGED_BY: "xfc",
        }
        if component:
            out[LABEL_COMPONENT] = label_value(component)
        return out

    def selector(self, name: str) -> dict[str, str]:
        return {LABEL_NAME: label_value(name), LABEL_PART_OF: label_value(self.part_of)}

    def metadata(
        self,
        name: str,
        *,
        template: str,
        span: Span | None,
        component: str | None = None,
        extra: dict[str, str] | None = None,
        namespaced: bool = True,
    ) -> dict[str, Any]:
        annotations = {ANN_SOURCE: self.source_of(span), ANN_TEMPLATE: template}
        annotations.update(extra or {})
        meta: dict[str, Any] = {
            "name": name,
            "labels": self.labels(name, component),
            "annotations": annotations,
        }
        ns = self.ns_of(template)
        if namespaced and ns:
            meta["namespace"] = ns
        return meta

    # -- diagnostics ------------------------------------------------------
    def not_expressible(self, node: NodeTemplate, key: str, why: str) -> None:
        unsupported(self.diags, "kubernetes",
            node.name,
            f"'{key}' of {node.type} has no Kubernetes equivalent; {why}",
            self.node_span(node, key.split(".")[0]),
            path=f'topology_template.node_templates["{node.name}"].properties["{key.split(".")[0]}"]',
        )

    def add(self, kind: str, name: str, body: dict[str, Any]) -> None:
        from .render import K8sObject

        self.objects.append(K8sObject(path=f"kubernetes/{kind.lower()}-{name}.yaml", body=body))


def deploying_targets(unit: Analysed) -> list[str]:
    """The chosen ``--target`` orchestrators that deploy the package's Kubernetes manifests
    themselves (``PolicyTarget.deploys_manifests``: Tacker), asked of the target plugins
    rather than named here.  A target that cannot be loaded counts as none: the policies
    back end reports it (``plugin-error``)."""
    from ... import plugins

    out = []
    for name in dict.fromkeys(unit.options.targets or ()):
        try:
            target = plugins.target(name)
        except plugins.PluginError:
            continue
        if getattr(target, "deploys_manifests", False):
            out.append(name)
    return out
