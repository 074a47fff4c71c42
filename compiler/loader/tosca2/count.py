"""A node template's ``count`` (TOSCA 2.0 §6.9.3, §14.1): how many node representations
the template stands for.

Phase: load (the lowering keeps the count, :data:`COUNT`) and resolve (the resolver's
:meth:`~compiler.resolve.templates.TemplateResolver.build_nodes` calls :func:`counted`
once the node's type and properties are known).  Input: the count as written (a literal,
or a ``$get_input`` the resolver has evaluated) and the built node template.  Output: the
node template, its instances multiplied; or None after a positioned diagnostic (the
resolver then keeps the node as written: the error fails the run).

The reading (docs/tosca-2.md, "Node template count"): a node template that becomes a
workload (``xfactor.nodes.CNF``, so ``Microservice`` of ``io.xfactor.kubernetes:1.0``
too) is one Deployment or StatefulSet whose ``replicas`` are its instances; ``count: n``
makes it ``n`` such representations, so its ``replicas.min`` and ``replicas.max`` are
multiplied by ``n`` (an absent ``replicas`` is one instance), as an NS's
``VnfToLevelMapping`` multiplies the replicas of a VNF's workloads (compiler/ns).  Every
representation has the template's relationships: a caller reaches all of them through
the workload's one Service, and each instance calls what the template's requirements
name.  A node that becomes one object of another kind (a backing service, a Compute, a
network) cannot be ``n`` objects without names and relationship fan-outs the file does
not give (§14.3's patterns): that count is ``tosca2-unsupported``, naming the clause; so
is ``count: 0`` (no representation: the template would have to vanish with every
relationship to it).  ``$node_index`` (§10.2.1.6) is not evaluated anywhere (its call is
an error of its own), so no representation can differ from another.

Codes: tosca2-unsupported, tosca-wrong-type (a count that is not a non-negative integer).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...diagnostics import Diagnostics, Span
from ...model import NodeTemplate, RuntimeRef
from ...model.frozen import freeze_properties
from ..yamlpos import to_plain

WORKLOAD = "xfactor.nodes.CNF"
CLAUSE = "§6.9.3, §14.1"


class _Count:
    """The key under which a lowered node template keeps its 2.0 ``count``: not a string,
    so no TOSCA 1.x file can write it, and the same object after pickling."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "count"

    def __reduce__(self) -> str:
        return "COUNT"


COUNT = _Count()


def counted(node: NodeTemplate, value: Any, span: Span, path: str, diags: Diagnostics,
            raw_props: Any = None) -> NodeTemplate | None:
    """``node`` standing for ``value`` representations (None after a diagnostic);
    ``raw_props`` is the template's ``properties`` as written (for positions)."""
    if isinstance(value, RuntimeRef) or value is None:
        diags.add("tosca2-unsupported", f"the count of {node.name!r} (TOSCA 2.0 {CLAUSE}) has "
                  "no value when xfc compiles: give its input a value (--set, --inputs) or a "
                  "default", span, path=path)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        diags.add("tosca-wrong-type", f"the count of {node.name!r} must be a non-negative "
                  f"integer (TOSCA 2.0 §6.9.3), not {to_plain(value)!r}", span, path=path)
        return None
    if value == 1:
        return node
    if value == 0:
        diags.add("tosca2-unsupported", f"count 0 on {node.name!r} (TOSCA 2.0 {CLAUSE}): no "
                  "representation of the template, and so none of its relationships, is not "
                  "read by xfc", span, path=path,
                  hint="leave the template out of the service template instead")
        return None
    if WORKLOAD not in node.types:
        diags.add("tosca2-unsupported", f"count {value} on {node.name!r} (TOSCA 2.0 {CLAUSE}) "
                  f"is not read by xfc for a {node.type}: it becomes one object, and {value} "
                  "of them would need names and relationships the file does not give; only "
                  f"a workload ({WORKLOAD} and its subtypes) is {value} representations, "
                  "its replicas multiplied", span, path=path,
                  hint="write one template per node")
        return None
    props = to_plain(node.properties)
    replicas = props.get("replicas")
    replicas = dict(replicas) if isinstance(replicas, dict) else {}
    for bound in ("min", "max"):
        v = replicas.get(bound, 1)
        if isinstance(v, int) and not isinstance(v, bool):
            replicas[bound] = v * value
    props["replicas"] = replicas
    spans = dict(node.property_spans)
    spans.setdefault("replicas", span)
    return replace(node, properties=freeze_properties(props, raw_props), property_spans=spans)
