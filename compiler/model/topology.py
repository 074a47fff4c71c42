"""The resolved service template: :class:`Topology` and the templates it holds.

Phase: IR (produced by ``resolve``; see :mod:`compiler.model`, which re-exports every name
here, so callers write ``from compiler.model import Topology``).  A module of its own so
that a run that stops at load does not create these frozen dataclasses: each costs about
a millisecond on Python 3.11 (docs/performance.md, "A Tacker CSAR checked cold");
:mod:`compiler.model` imports this module on the first use of one of its names (PEP 562).

Codes: none (data only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..diagnostics import NO_SPAN, Span
from . import ShippedFile
from .frozen import freeze_fields


@dataclass(frozen=True, slots=True, kw_only=True)
class RuntimeRef:
    """A value known only at run time: ``get_attribute`` (TOSCA 1.3 §4.5.1)."""

    function: str  # "get_attribute" | "get_operation_output"
    args: tuple[Any, ...]
    node: str = ""  # the template that the reference resolves against, if known
    span: Span = field(default=NO_SPAN, compare=False)

    def __post_init__(self) -> None:
        freeze_fields(self, "args")


@dataclass(frozen=True, slots=True, kw_only=True)
class Capability:
    name: str
    type: str
    types: tuple[str, ...]  # the type and its ancestors, most derived first
    properties: Mapping[str, Any] = field(default_factory=dict)
    span: Span = field(default=NO_SPAN, compare=False)

    def __post_init__(self) -> None:
        freeze_fields(self, "properties")


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    """One requirement assignment, bound (or left open for substitution)."""

    name: str  # the requirement name, e.g. "virtual_link", "wiring"
    node: str | None  # the target node template; None when left open (SOL001 VNFD)
    capability: str | None = None  # target capability name or type
    relationship: str | None = None  # relationship type
    # the relationship type and its ancestors, most derived first (as NodeTemplate.types)
    relationship_types: tuple[str, ...] = ()
    relationship_template: str | None = None  # named relationship template, if any
    properties: Mapping[str, Any] = field(default_factory=dict)  # relationship properties
    property_spans: Mapping[str, Span] = field(default_factory=dict, compare=False)
    # the relationship's interfaces, inputs evaluated in its context (SOURCE/TARGET)
    interfaces: Mapping[str, Any] = field(default_factory=dict)
    span: Span = field(default=NO_SPAN, compare=False)

    def __post_init__(self) -> None:
        freeze_fields(self, "properties", "property_spans", "interfaces")


@dataclass(frozen=True, slots=True, kw_only=True)
class Artifact:
    name: str
    type: str
    file: str
    repository: str | None = None
    deploy_path: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)
    span: Span = field(default=NO_SPAN, compare=False)

    def __post_init__(self) -> None:
        freeze_fields(self, "properties")


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeTemplate:
    name: str
    type: str
    types: tuple[str, ...]  # the type and its ancestors, most derived first
    properties: Mapping[str, Any] = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    capabilities: Mapping[str, Capability] = field(default_factory=dict)
    requirements: tuple[Requirement, ...] = ()
    artifacts: Mapping[str, Artifact] = field(default_factory=dict)
    interfaces: Mapping[str, Any] = field(default_factory=dict)
    directives: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    span: Span = field(default=NO_SPAN, compare=False)
    property_spans: Mapping[str, Span] = field(default_factory=dict, compare=False)

    def is_a(self, type_name: str) -> bool:
        return type_name in self.types

    def __post_init__(self) -> None:
        freeze_fields(self, "properties", "attributes", "capabilities", "artifacts", "interfaces", "directives", "metadata", "property_spans", "requirements")


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    name: str
    type: str
    types: tuple[str, ...]
    members: tuple[str, ...] = ()
    properties: Mapping[str, Any] = field(default_factory=dict)
    span: Span = field(default=NO_SPAN, compare=False)
    property_spans: Mapping[str, Span] = field(default_factory=dict, compare=False)
    member_spans: tuple[Span, ...] = field(default=(), compare=False)

    def is_a(self, type_name: str) -> bool:
        return type_name in self.types

    def __post_init__(self) -> None:
        freeze_fields(self, "properties", "property_spans", "members")


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    name: str
    type: str
    types: tuple[str, ...]
    targets: tuple[str, ...] = ()  # node template or group names, as written
    properties: Mapping[str, Any] = field(default_factory=dict)
    span: Span = field(default=NO_SPAN, compare=False)
    property_spans: Mapping[str, Span] = field(default_factory=dict, compare=False)
    target_spans: tuple[Span, ...] = field(default=(), compare=False)

    def is_a(self, type_name: str) -> bool:
        return type_name in self.types

    def __post_init__(self) -> None:
        freeze_fields(self, "properties", "property_spans", "targets")


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraint:
    """One constraint clause as written: ``operator: args`` (TOSCA 1.3 §3.6.3).  Read by
    the resolver (compiler.resolve.constraints checks values against it) and carried on
    in the IR on each input (``Parameter.constraints``: a Helm chart's values schema)."""

    operator: str
    args: Any  # plain data as written (a scalar, or a list for in_range/valid_values)
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    """An input or output.  ``constraints`` are an input's, as its definition writes them."""

    name: str
    type: str | None = None
    value: Any = None
    description: str = ""
    required: bool = True
    constraints: tuple[Constraint, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)

    def __post_init__(self) -> None:
        freeze_fields(self, "value")


@dataclass(frozen=True, slots=True, kw_only=True)
class Substitution:
    node_type: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    capabilities: Mapping[str, Any] = field(default_factory=dict)
    requirements: Mapping[str, Any] = field(default_factory=dict)
    span: Span = field(default=NO_SPAN, compare=False)

    def __post_init__(self) -> None:
        freeze_fields(self, "properties", "capabilities", "requirements")


@dataclass(frozen=True, slots=True)
class InputUse:
    """Where resolve put one input's value (the Helm bundler's wiring,
    :mod:`compiler.api.wiring`): ``sites``, the (node template, property) pairs whose
    whole value is ``get_input: NAME``; ``direct_only`` is False when the input is also
    used any other way (inside an expression, a capability, an output, a flavour's
    inputs) or a site is read by ``get_property``, so that changing it at the sites alone
    would not be what resolving with another value gives.  A site is (node, property,
    key or index, ...): where the value sits inside the property."""

    sites: tuple[tuple[Any, ...], ...] = ()
    direct_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Topology:
    """The resolved service template (one deployment flavour, inputs applied)."""

    file: str  # display name of the entry file
    version: str  # tosca_definitions_version
    description: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    inputs: Mapping[str, Parameter] = field(default_factory=dict)
    outputs: Mapping[str, Parameter] = field(default_factory=dict)
    nodes: Mapping[str, NodeTemplate] = field(default_factory=dict)  # in source order
    relationships: Mapping[str, Any] = field(default_factory=dict)  # relationship templates
    groups: Mapping[str, Group] = field(default_factory=dict)
    policies: Mapping[str, Policy] = field(default_factory=dict)
    substitution: Substitution | None = None
    flavour: str | None = None  # the selected SOL001 deployment flavour, if any
    # every deployment flavour id a --flavour may name for this package (sorted; () when
    # the VNF has no flavour files): a Kustomize overlay per flavour is built from it
    flavours: tuple[str, ...] = ()
    # whether the X-factor profile's types (xfactor.*) are imported, decided by resolve
    uses_profile: bool = False
    # the package's shipped YAML files (``Package.shipped``), for the back ends and checks
    shipped: tuple[ShippedFile, ...] = ()
    # how resolve used each input (name -> InputUse), recorded while evaluating get_input
    input_uses: Mapping[str, InputUse] = field(default_factory=dict, compare=False)
    # no type registry and no Package here (issue 25, item 3): the IR holds frozen
    # values with spans; is-a questions are answered by NodeTemplate.types (the
    # ancestry resolve recorded), and the syntax stays with the loader (Compilation.package)
    span: Span = field(default=NO_SPAN, compare=False)
    # the package's own files (not catalog profiles): display name -> name inside the
    # package, and the label of its root, so back ends name files without the Package
    source_names: Mapping[str, str] = field(default_factory=dict, compare=False)
    source_label: str = field(default="", compare=False)

    # type name -> the nodes of that type or a derived one, in source order: built on the
    # first nodes_of() call, in one pass over the nodes (a scan per call made a back end
    # that asks once per workload quadratic: 33 million is_a calls at 10,000 nodes)
    _by_type: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def nodes_of(self, type_name: str) -> list[NodeTemplate]:
        index = self._by_type
        if not index and self.nodes:
            for n in self.nodes.values():
                for t in dict.fromkeys(n.types):
                    index.setdefault(t, []).append(n)
        return list(index.get(type_name, ()))

    def imports_profile(self) -> bool:
        """Whether the X-factor profile's types (``xfactor.*``) are imported."""
        return self.uses_profile

    def __post_init__(self) -> None:
        freeze_fields(self, "metadata", "inputs", "outputs", "nodes", "relationships", "groups", "policies", "shipped",
                      "source_names", "input_uses")
