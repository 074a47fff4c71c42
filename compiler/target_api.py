"""The types of the target plugin protocol: what a policy target is given and returns.

Phase: emit (the policy targets, :data:`compiler.plugins.BUILTIN_TARGETS`).  A target
(:class:`compiler.plugins.Target`) is given a :class:`Context` (the plan, the X-factor
model and the values every target reads, computed once per compilation by
:func:`compiler.emitters.policies.common.build_context`) and answers per step with a
:class:`Realisation` (how the step is carried out there, and what is lost: the message of
its ``unsupported`` warning).  They live below the emitters, beside the plugin table, so
that :mod:`compiler.plugins` can type the protocol without importing a back end.

Codes: none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Protocol

from .model import Topology
from .model.xfactor import Plan, ResolvedWiring, XModel
from .options import Options


class TargetInput(Protocol):
    """What a target reads of the back end's input (``compiler.pipeline.BackEndInput``):
    the IR and the options, nothing read from disk."""

    @property
    def path(self) -> str: ...

    @property
    def options(self) -> Options: ...

    @property
    def topology(self) -> Topology: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Realisation:
    """How one step is carried out on one target, and what (if anything) is lost."""

    how: str
    lost: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What every target module needs, computed once per emit."""

    service: str  # DNS-1123 name of the service (the topology)
    namespace: str | None
    plan: Plan
    xmodel: XModel
    wirings: tuple[ResolvedWiring, ...]  # sorted by wiring name
    chains: tuple[tuple[str, bool, tuple[str, ...]], ...]  # (name, fragile, startup order)
    targets: tuple[str, ...]
    inputs: Mapping[str, Any] = field(default_factory=dict)
    flavour: str | None = None
    version: str = "1.0"
    description: str = ""
    source_file: str = ""
    topology: Topology | None = None  # the resolved IR, for names shared with other back ends
    # node -> its namespace when not ``namespace`` (--ns-namespaces per-vnf)
    node_namespaces: Mapping[str, str] = field(default_factory=dict)
    # node -> its Deployment / StatefulSet as the Kubernetes back end writes it (.workloads)
    workloads: Mapping[str, Any] = field(default_factory=dict)
    # member tuple (startup order) -> scope name, as the FailurePolicy's spec.scopes has them
    scope_names: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    # what two targets build alike, made once per context: the PrometheusRule parts of
    # kubernetes and tacker (prometheus.build), each node's alert expression; never
    # compared, never shown
    made: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # wiring name -> its FailurePolicy propagate: {upstream: scope, downstream: scope}
    propagate_scopes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def scope(self, members: Iterable[str]) -> str:
        """The name of the FailurePolicy scope holding ``members`` (startup order)."""
        return self.scope_names[tuple(members)]

    def stateful(self, node: str) -> bool:
        proc = self.xmodel.processes.get(node)
        return (proc is not None and proc.state == "stateful") or node in self.xmodel.backing

    def input(self, name: str) -> Any:
        return self.inputs.get(name)


__all__ = ["Context", "Realisation", "TargetInput"]
