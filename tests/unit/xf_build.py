"""Builders for X-factor unit tests: Topology IR objects made in memory, no front end."""

from __future__ import annotations

from typing import Any

from compiler.diagnostics import Span
from compiler.model import Group, NodeTemplate, Policy, Requirement, Topology

CNF = ("xfactor.nodes.CNF", "tosca.nodes.Root")
BACKING = ("xfactor.nodes.BackingService", "tosca.nodes.Root")
VDU = ("tosca.nodes.nfv.Vdu.Compute", "tosca.nodes.Root")
STORAGE = ("tosca.nodes.nfv.Vdu.VirtualBlockStorage", "tosca.nodes.Root")
CHAIN = ("xfactor.groups.Chain", "tosca.groups.Root")
PROC = ("xfactor.policies.Process", "tosca.policies.Root")
WIRING = ("xfactor.policies.Wiring", "tosca.policies.Root")

_line = [0]


def sp() -> Span:
    _line[0] += 1
    return Span("t.yaml", _line[0], 1)


def req(name: str, node: str | None, relationship: str | None = None, **props: Any) -> Requirement:
    return Requirement(name=name, node=node, relationship=relationship, properties=props, span=sp())


def wire(node: str, **props: Any) -> Requirement:
    return req("wiring", node, "xfactor.relationships.Wiring", **props)


def node(name: str, types: tuple[str, ...] = CNF, requirements: tuple = (), **props: Any) -> NodeTemplate:
    return NodeTemplate(name=name, type=types[0], types=types, properties=props,
                        requirements=tuple(requirements), span=sp(),
                        property_spans={k: sp() for k in props})


def chain(name: str, *members: str, fragile: bool = False) -> Group:
    return Group(name=name, type=CHAIN[0], types=CHAIN, members=members,
                 properties={"fragile": fragile}, span=sp())


def policy(name: str, types: tuple[str, ...], targets: tuple[str, ...] = (), **props: Any) -> Policy:
    return Policy(name=name, type=types[0], types=types, targets=targets, properties=props,
                  span=sp(), property_spans={k: sp() for k in props},
                  target_spans=tuple(sp() for _ in targets))


def topo(*nodes: NodeTemplate, groups: tuple = (), policies: tuple = ()) -> Topology:
    return Topology(file="t.yaml", version="tosca_simple_yaml_1_3",
                    nodes={n.name: n for n in nodes}, groups={g.name: g for g in groups},
                    policies={p.name: p for p in policies})
