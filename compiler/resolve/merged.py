"""Merged views of the type registry: what a type has once ``derived_from`` is followed.

Phase: resolve (type queries, after :meth:`compiler.resolve.types.TypeRegistry.build`).
A mixin of :class:`~compiler.resolve.types.TypeRegistry`, kept in its own module: it reads
the registry's linked definitions (``_types``, ``_parent``, ``ancestry``,
``canonical``).  Input: a type name.  Output: its properties, attributes, requirements,
capabilities, interfaces and artifacts with everything inherited, refinements applied
per the template's TOSCA version (:meth:`MergedViews._refine`), and the
constraints and schemas of a data type along its ancestry.  Each view is computed once
per type and memoised (``_memo``); a type's view is built from its parent's, so the cost
is linear in the number of types.

Codes: none (definitions are checked when the registry is built).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .constraints import Constraint
from .typedefs import (
    MISSING,
    ArtifactDef,
    CapabilityDef,
    InterfaceDef,
    OperationDef,
    PropertyDef,
    RequirementDef,
    Schema,
    TypeDef,
)


# Versions whose re-declared properties refine (TOSCA 1.3 §3.6.10.4) rather than replace
REPLACING_VERSIONS = frozenset({
    "tosca_simple_yaml_1_0", "tosca_simple_yaml_1_1", "tosca_simple_yaml_1_2",
    "tosca_simple_profile_for_nfv_1_0_0",
})


def refines(version: str) -> bool:
    """Whether ``version`` follows TOSCA 1.3's refinement clause (1.3 and anything later
    or unknown); 1.0-1.2 and the NFV profile 1.0 (built on 1.0) replace instead."""
    return version not in REPLACING_VERSIONS


class MergedViews:
    """The inherited views of the :class:`~compiler.resolve.types.TypeRegistry`."""

    # what the views read of the registry (set by TypeRegistry.__init__), for mypy
    _types: dict[str, dict[str, TypeDef]]
    _parent: dict[str, dict[str, str | None]]
    _memo: dict[tuple[Any, ...], Any]

    if TYPE_CHECKING:  # TypeRegistry's own
        def canonical(self, kind: str, name: Any, scope: str = "") -> str | None: ...

        def ancestry(self, kind: str, name: Any, scope: str = "") -> tuple[str, ...]: ...

    def _merged(self, key: tuple, compute: Any) -> Any:
        hit = self._memo.get(key, MISSING)
        if hit is MISSING:
            hit = compute()
            self._memo[key] = hit
        return hit

    def properties(self, kind: str, name: Any, scope: str = "") -> dict[str, PropertyDef]:
        """Property definitions along ``derived_from``, the most derived refinement winning."""
        return self._defs("properties", kind, name, scope)

    def attributes(self, kind: str, name: Any, scope: str = "") -> dict[str, PropertyDef]:
        return self._defs("attributes", kind, name, scope)

    def _defs(self, part: str, kind: str, name: Any, scope: str) -> dict[str, PropertyDef]:
        chain = self.ancestry(kind, name, scope)
        if not chain:
            return {}

        def compute() -> dict[str, PropertyDef]:
            parent = self._parent[kind].get(chain[0])
            out = dict(self._defs(part, kind, parent, "")) if parent else {}
            for n, p in getattr(self._types[kind][chain[0]], part).items():
                out[n] = self._refine(out[n], p) if n in out else p
            return out

        return self._merged((part, kind, chain[0]), compute)

    def _refine(self, base: PropertyDef, child: PropertyDef) -> PropertyDef:
        """``child`` re-declaring ``base`` in a derived type, by the version's own rule.

        TOSCA 1.3 §3.6.10.4 (refinement): unstated keynames are inherited and constraints
        accumulate, so a derived type can only narrow.  TOSCA 1.0-1.2 (§3.5.8, property
        definition) state no refinement rule; the derived type's definition is the
        definition, as tosca-parser reads it (``get_definition``: the child's entry
        replaces the parent's), so a wider ``valid_values`` is the new list.  Only
        ``type`` is taken from the parent when the child leaves it out (tosca-parser would
        fail on the missing keyname; xfc keeps the inherited type rather than invent one).
        """
        if not refines(getattr(self, "version", "")):
            if child.type:
                return child
            return replace(child, type=base.type, scope=base.scope, type_span=base.type_span)
        g = child.given
        return replace(
            child,
            type=child.type or base.type,
            required=child.required if "required" in g else base.required,
            default=child.default if "default" in g else base.default,
            default_span=child.default_span if "default" in g else base.default_span,
            constraints=base.constraints + child.constraints,
            entry_schema=child.entry_schema if "entry_schema" in g else base.entry_schema,
            key_schema=child.key_schema if "key_schema" in g else base.key_schema,
            status=child.status if "status" in g else base.status,
            description=child.description if "description" in g else base.description,
            scope=child.scope if child.type else base.scope,
            type_span=child.type_span if child.type else base.type_span,
        )

    def requirements(self, node_type: Any, kind: str = "node") -> list[RequirementDef]:
        """Requirement definitions, ancestors' first; a redefinition replaces in place."""
        chain = self.ancestry(kind, node_type)
        if not chain:
            return []

        def compute() -> tuple[RequirementDef, ...]:
            parent = self._parent[kind].get(chain[0])
            out = list(self.requirements(parent, kind)) if parent else []
            index = {r.name: i for i, r in enumerate(out)}
            for r in self._types[kind][chain[0]].requirements:
                if r.name in index:
                    out[index[r.name]] = r
                else:
                    index[r.name] = len(out)
                    out.append(r)
            return tuple(out)

        return list(self._merged(("requirements", kind, chain[0]), compute))

    def capabilities(self, node_type: Any, kind: str = "node") -> dict[str, CapabilityDef]:
        """Capability definitions with the capability type's properties merged in."""
        chain = self.ancestry(kind, node_type)
        if not chain:
            return {}

        def compute() -> dict[str, CapabilityDef]:
            parent = self._parent[kind].get(chain[0])
            out = dict(self.capabilities(parent, kind)) if parent else {}
            for n, c in self._types[kind][chain[0]].capabilities.items():
                base = out.get(n)
                ctype = self.canonical("capability", c.type, c.scope) if c.type else None
                if ctype is None:
                    ctype = c.type or (base.type if base else None)
                props = dict(base.properties) if base and (
                    c.type is None or ctype == base.type) else dict(
                    self.properties("capability", ctype) if ctype else {})
                attrs = dict(base.attributes) if base and (
                    c.type is None or ctype == base.type) else dict(
                    self.attributes("capability", ctype) if ctype else {})
                for pn, p in c.properties.items():
                    props[pn] = self._refine(props[pn], p) if pn in props else p
                for an, a in c.attributes.items():
                    attrs[an] = self._refine(attrs[an], a) if an in attrs else a
                tdef = self._types["capability"].get(ctype) if ctype else None
                vst = c.valid_source_types
                if vst is None:
                    vst = base.valid_source_types if base else (
                        tdef.valid_source_types if tdef else None)
                out[n] = replace(
                    c, type=ctype, properties=props, attributes=attrs, valid_source_types=vst,
                    occurrences=c.occurrences or (base.occurrences if base else None),
                    description=c.description or (base.description if base else ""),
                )
            return out

        return self._merged(("capabilities", kind, chain[0]), compute)

    def interfaces(self, kind: str, name: Any) -> dict[str, InterfaceDef]:
        """Interface definitions along ``derived_from``, with the interface type's
        operations (and its ancestors') merged under those the definition adds."""
        chain = self.ancestry(kind, name)
        if not chain:
            return {}
        if kind == "interface":
            return {chain[0]: self._interface_type(chain[0])}

        def compute() -> dict[str, InterfaceDef]:
            parent = self._parent[kind].get(chain[0])
            out = dict(self.interfaces(kind, parent)) if parent else {}
            for n, i in self._types[kind][chain[0]].interfaces.items():
                base = out.get(n)
                itype = self.canonical("interface", i.type, i.scope) if i.type else None
                if itype is None:
                    itype = i.type or (base.type if base else None)
                ops: dict[str, OperationDef] = {}
                if base is not None:
                    ops.update(base.operations)
                elif itype and itype in self._types["interface"]:
                    ops.update(self._interface_type(itype).operations)
                ops.update(i.operations)
                inputs = dict(base.inputs) if base else {}
                inputs.update(i.inputs)
                out[n] = replace(i, type=itype, operations=ops, inputs=inputs)
            return out

        return self._merged(("interfaces", kind, chain[0]), compute)

    def _interface_type(self, name: str) -> InterfaceDef:
        def compute() -> InterfaceDef:
            ops: dict[str, OperationDef] = {}
            inputs: dict[str, Any] = {}
            for n in reversed(self.ancestry("interface", name)):
                td = self._types["interface"][n]
                ops.update(td.operations)
                inputs.update(td.inputs)
            td = self._types["interface"][name]
            return InterfaceDef(name=name, type=name, operations=ops, inputs=inputs,
                                scope=td.scope, span=td.span)

        return self._merged(("interface-type", name), compute)

    def artifacts(self, node_type: Any) -> dict[str, ArtifactDef]:
        chain = self.ancestry("node", node_type)
        out: dict[str, ArtifactDef] = {}
        for n in reversed(chain):
            out.update(self._types["node"][n].artifacts)
        return out

    def constraints_of(self, data_type: str, scope: str = "") -> tuple[Constraint, ...]:
        """Constraints of a data type and its ancestors, ancestors' first (kept per name:
        every value checked asks it)."""
        key = ("constraints_of", data_type, scope)
        hit = self._memo.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        chain = self.ancestry("data", data_type, scope)
        out: tuple[Constraint, ...] = ()
        for n in reversed(chain):
            out += self._types["data"][n].constraints
        if chain:  # (a name not defined yet is asked again: ancestry keeps none either)
            self._memo[key] = out
        return out

    def schema_of(self, data_type: str, part: str, scope: str = "") -> Schema | None:
        """The nearest ``entry_schema``/``key_schema`` along a data type's ancestry."""
        for n in self.ancestry("data", data_type, scope):
            s = getattr(self._types["data"][n], part)
            if s is not None:
                return s
        return None
