"""The type registry: every TOSCA type a package can use, linked and queryable.

Phase: resolve (first step).  Input: a :class:`~compiler.loader.package.Package` (every file's
``*_types`` sections, each under its import's namespace prefix) and the
``tosca_definitions_version``, which selects the built-in types (normative types for
``tosca_simple_yaml_1_0`` .. ``1_3``; plus the NFV profile 1.0 types for
``tosca_simple_profile_for_nfv_1_0_0``; see :mod:`compiler.resolve.normative`).
Output: a :class:`TypeRegistry`, read-only after :meth:`TypeRegistry.build`, answering
``get``/``canonical``/``ancestry``/``is_a`` in O(1) and the merged (inherited and
refined) properties, attributes, requirements, capabilities and interfaces of a type,
memoised (those views are in :mod:`compiler.resolve.merged`).

Names (TOSCA 1.3 §3.1, §5.1): a normative type can be named in full
(``tosca.nodes.Compute``), by its short name (``Compute``) or its qualified name
(``tosca:Compute``).  A file imported with ``namespace_prefix: p`` defines ``p.Name``
(as tosca-parser does; ``p:Name`` is accepted as well); inside that file, ``Name`` refers
to ``p.Name`` first.

Redefinitions: a user type may shadow a built-in one.  Two files defining the same name
identically (a type file imported twice, by different paths) is fine; differently is a
``namespace-conflict``.

Codes: namespace-conflict, tosca-unknown-type, tosca-derivation-cycle, limit-exceeded, tosca-missing-field
(a property or capability with no type, here or inherited), tosca-wrong-type (a type
defined in the section of another kind; a constraint argument that is not a valid
value), plus those of
:mod:`compiler.resolve.typedefs` (definition syntax), :mod:`compiler.resolve.constraints`
(constraint clauses) and :mod:`compiler.resolve.values` (defaults that are not valid
values of their type).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Any, Iterable, Mapping

from ..diagnostics import Diagnostics, Severity, Span
from ..limits import DEFAULT_LIMITS, Limits, exceeded
from . import normative
from .constraints import check_definition
from .merged import MergedViews, refines
from .typedefs import (
    KINDS,
    MISSING,
    SECTIONS,
    ArtifactDef,
    CapabilityDef,
    InterfaceDef,
    OperationDef,
    PropertyDef,
    RequirementDef,
    Schema,
    Reader,
    TypeDef,
    read_definition,
    read_types,
)

SHORT_PREFIX: dict[str, str] = {
    "artifact": "tosca.artifacts.",
    "data": "tosca.datatypes.",
    "capability": "tosca.capabilities.",
    "interface": "tosca.interfaces.",
    "relationship": "tosca.relationships.",
    "node": "tosca.nodes.",
    "group": "tosca.groups.",
    "policy": "tosca.policies.",
}

# per-process cache of the definitions read from one file: (display, prefix, quirks,
# digest of its *_types sections) -> (type definitions, per-type and file diagnostics)
_FILE_CACHE: "OrderedDict[tuple, Any]" = OrderedDict()
_FILE_CACHE_MAX = 256
_file_lock = threading.Lock()


def _digest(data: Any) -> str:
    """Identity of a file's type sections: their content (a dict's repr carries no
    positions) plus where the sections and the file start and end, so that an edit that
    moves lines also changes the key."""
    sections = [(s, data.get(s)) for s in SECTIONS.values() if s in data]
    where = [str(data.value_span(s)) for s, _ in sections] if hasattr(data, "value_span") else []
    span = getattr(data, "span", None)
    if span is not None:
        where.append(f"{span.end_line}:{span.end_column}")
    blob = repr(sections).encode() + repr(where).encode()
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


_Read = tuple[list[TypeDef], dict[tuple[str, str], Diagnostics], Diagnostics]


def _read_file(data: Any, display: str, prefix: str, quirks: tuple[str, ...]) -> _Read:
    if not any(s in data for s in SECTIONS.values()):
        return [], {}, Diagnostics()
    key = (display, prefix, quirks, _digest(data))
    with _file_lock:
        hit = _FILE_CACHE.get(key)
        if hit is not None:
            _FILE_CACHE.move_to_end(key)
            return hit
    from ..loader.quirks import QuirkReporter

    rec = Diagnostics()
    per_type: dict[tuple[str, str], Diagnostics] = {}
    defs = read_types(data, display, rec, scope=prefix, per_type=per_type,
                      quirks=QuirkReporter(quirks, rec))
    result = (defs, per_type, rec)
    with _file_lock:
        _FILE_CACHE[key] = result
        while len(_FILE_CACHE) > _FILE_CACHE_MAX:
            _FILE_CACHE.popitem(last=False)
    return result


def _emit(src: Diagnostics, into: Diagnostics, used: bool) -> None:
    """Copy ``src`` into ``into``; errors in a type the topology does not use become
    warnings (tosca-parser checks types lazily; see docs/type-system.md)."""
    for d in src:
        sev = d.severity if used else min(d.severity, Severity.WARNING)
        msg = d.message if used or d.severity < Severity.ERROR else (
            d.message + " (in a type the topology does not use)")
        into.add(d.code, msg, d.span, path=d.path, hint=d.hint, severity=sev)


class TypeRegistry(MergedViews):
    """All types of one compilation.  Build with :meth:`build`; then read-only."""

    def __init__(self, version: str = "tosca_simple_yaml_1_3") -> None:
        self.version = version
        self._types: dict[str, dict[str, TypeDef]] = {k: {} for k in KINDS}
        self._short: dict[str, dict[str, str]] = {k: {} for k in KINDS}
        self._parent: dict[str, dict[str, str | None]] = {k: {} for k in KINDS}
        self._ancestry: dict[tuple[str, str], tuple[str, ...]] = {}
        self._memo: dict[tuple, Any] = {}
        self._lock = threading.Lock()
        self.limits = DEFAULT_LIMITS

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, package: Any, diags: Diagnostics, version: str, *,
              quirks: tuple[str, ...] = ("all",), limits: Limits = DEFAULT_LIMITS) -> "TypeRegistry":
        """Collect, link and check every type of ``package`` for ``version``.

        ``quirks`` is ``Options.quirks`` (the named leniencies of compiler.loader.quirks);
        ``limits`` is ``Options.limits`` (``max_derivation_depth``).
        """
        # The host's garbage collector is left alone (no process-global state): a pause
        # here sped up 10,000-type registries but switched the collector off for every
        # thread of the host process (issue 11).
        return cls._build(package, diags, version, tuple(quirks), limits)

    @classmethod
    def _build(cls, package: Any, diags: Diagnostics, version: str,
               quirks: tuple[str, ...], limits: Limits = DEFAULT_LIMITS) -> "TypeRegistry":
        reg = cls(version)
        reg.limits = limits
        for td in normative.types_for(version):
            reg._types[td.kind][td.name] = td
        reg._index_short()
        user: list[TypeDef] = []
        records: dict[tuple[str, str], Diagnostics] = {}
        first: dict[tuple[str, str], TypeDef] = {}
        roots: list[tuple[str, str, str]] = []
        for sf in getattr(package, "files", ()) or ():
            data = getattr(sf, "data", None)
            if not isinstance(data, dict):
                continue
            prefix = getattr(sf, "prefix", "") or ""
            roots.extend(_topology_roots(data, prefix))
            defs, per_type, rec = _read_file(data, sf.display, prefix, quirks)
            diags.extend(rec)
            if len(user) + len(defs) > limits.max_types:
                # each namespace_prefix import defines its file's types again: 2,000
                # prefixed imports of the SOL001 types took 20 s and 580 MB (issue 22)
                over = defs[limits.max_types - len(user)] if defs else None
                exceeded(diags, "max_types", limits,
                         f"the types of {sf.display}"
                         + (f" (imported with namespace_prefix '{prefix}')" if prefix else "")
                         + f" bring the types of the package past {limits.max_types:,}",
                         over.span if over is not None else None)
                break
            for td in defs:
                seen = first.get((td.kind, td.name))
                if seen is not None:
                    if _plain(seen.raw) != _plain(td.raw):
                        diags.add(
                            "namespace-conflict",
                            f"{td.kind} type {td.name!r} is also defined, differently, at "
                            f"{seen.span}",
                            td.span,
                            path=f'{SECTIONS[td.kind]}["{td.name}"]',
                            hint="import one definition only, or give one of the imports a "
                            "namespace_prefix",
                        )
                    continue
                first[(td.kind, td.name)] = td
                reg._types[td.kind][td.name] = td
                user.append(td)
                if (td.kind, td.name) in per_type:
                    records[(td.kind, td.name)] = per_type[(td.kind, td.name)]
        user = reg._relocate(user, records)
        reg._finish(user, records, roots, diags)
        return reg

    def _relocate(self, user: list[TypeDef], records: dict[tuple[str, str], Diagnostics]
                  ) -> list[TypeDef]:
        """A type written in the wrong section (a data type under ``node_types``, as some
        Tacker samples do) is moved to the kind its ``derived_from`` names, with a
        warning: tosca-parser keeps all types in one table and never notices."""
        changed = True
        while changed:
            changed = False
            for i, td in enumerate(user):
                if td.derived_from is None or self.canonical(td.kind, td.derived_from,
                                                             td.scope):
                    continue
                kinds = [k for k in KINDS if k != td.kind
                         and self.canonical(k, td.derived_from, td.scope)
                         and td.name not in self._types[k]]
                if len(kinds) != 1:
                    continue
                kind = kinds[0]
                records.pop((td.kind, td.name), None)
                rec = Diagnostics()
                bare = td.name[len(td.scope) + 1:] if td.scope else td.name
                moved = Reader(rec, scope=td.scope).type_def(
                    kind, bare, td.raw, getattr(td.raw, "span", td.span), td.span, td.file
                ) or replace(td, kind=kind)
                del self._types[td.kind][td.name]
                self._types[kind][td.name] = moved
                rec.add(
                    "tosca-wrong-type",
                    f"{td.name!r} is defined under {SECTIONS[td.kind]} but derives from "
                    f"{kind} type {td.derived_from!r}; read as {_a(kind)} type",
                    td.span, path=f'{SECTIONS[td.kind]}["{td.name}"]',
                    hint=f"move it to {SECTIONS[kind]}", severity=Severity.WARNING,
                )
                records[(kind, td.name)] = rec
                user[i] = moved
                changed = True
        return user

    @classmethod
    def from_types(cls, types: Iterable[TypeDef], diags: Diagnostics,
                   version: str = "tosca_simple_yaml_1_3") -> "TypeRegistry":
        """A registry of the built-ins plus ``types``, all treated as used (for tests)."""
        reg = cls(version)
        for td in normative.types_for(version):
            reg._types[td.kind][td.name] = td
        reg._index_short()
        user = list(types)
        for td in user:
            reg._types[td.kind][td.name] = td
        reg._finish(user, {}, [(td.kind, td.name, "") for td in user], diags)
        return reg

    def _finish(self, user: list[TypeDef], records: dict[tuple[str, str], Diagnostics],
                roots: list[tuple[str, str, str]], diags: Diagnostics) -> None:
        links = self._link()
        used = self._reachable(roots)
        self.used = frozenset(used)
        checks = self._check(user)
        for td in user:
            key = (td.kind, td.name)
            for src in (records.get(key), links.get(key), checks.get(key)):
                if src is not None:
                    _emit(src, diags, key in used)

    def _check_refined_type(self, p: PropertyDef, inherited: PropertyDef | None, path: str,
                            diags: Diagnostics) -> None:
        """TOSCA 1.3 §3.6.10.4: a refinement's ``type`` is the parent's or derived from
        it (before 1.3 a re-declaration replaces the definition, so any type goes).  A
        parent property from tosca-parser's file is exempt: that file has known slips
        (``tosca.artifacts.Root``'s ``version: version``, which the spec does not define
        and SOL001 3.x's SwImage declares as a string)."""
        if inherited is None or not inherited.type or not refines(self.version):
            return
        if str(getattr(inherited.span, "file", "")).startswith("<tosca-parser>"):
            return
        mine = self.canonical("data", p.type, p.scope)
        theirs = self.canonical("data", inherited.type, inherited.scope)
        if mine is None or theirs is None or theirs in self.ancestry("data", mine):
            return
        diags.add("tosca-wrong-type",
                  f"{p.kind} {p.name!r} refines the inherited {theirs} with {mine}, which is "
                  f"not derived from it (TOSCA 1.3 §3.6.10.4)", p.type_span, path=f"{path}.type",
                  hint=f"keep type {theirs} (or a type derived from it), or give the "
                  f"{p.kind} another name")

    def _index_short(self) -> None:
        for kind, table in self._types.items():
            prefix = SHORT_PREFIX[kind]
            last: dict[str, list[str]] = {}
            for name, td in table.items():
                if not td.normative or not name.startswith(prefix):
                    continue
                rest = name[len(prefix):]
                self._short[kind][rest] = name
                last.setdefault(rest.rsplit(".", 1)[-1], []).append(name)
            for short, full in last.items():  # "PortInfo" for tosca.datatypes.network.PortInfo
                if len(full) == 1:
                    self._short[kind].setdefault(short, full[0])

    def _link(self) -> dict[tuple[str, str], Diagnostics]:
        """Resolve every ``derived_from``; cut cycles.  Problems recorded per type."""
        out: dict[tuple[str, str], Diagnostics] = {}

        def rec(kind: str, name: str) -> Diagnostics:
            return out.setdefault((kind, name), Diagnostics())

        for kind, table in self._types.items():
            parents = self._parent[kind]
            for name, td in table.items():
                if td.derived_from is None:
                    parents[name] = None
                    continue
                p = self.canonical(kind, td.derived_from, td.scope)
                if p is None and td.normative:  # "tosca.relationships.root" in the NFV file
                    low = td.derived_from.lower()
                    p = next((n for n in table if n.lower() == low), None)
                if p is None and not td.normative:
                    rec(kind, name).add(
                        "tosca-unknown-type",
                        f"{kind} type {name!r} is derived from {td.derived_from!r}, which is "
                        f"not {_a(kind)} type",
                        td.derived_span,
                        path=f'{SECTIONS[kind]}["{name}"].derived_from',
                        hint=self._did_you_mean(kind, td.derived_from),
                    )
                parents[name] = p
            # cycles: follow each chain once, colouring what is done
            state: dict[str, int] = {}
            for start in table:
                if start in state:
                    continue
                chain: list[str] = []
                on_chain: dict[str, int] = {}
                cur: str | None = start
                while cur is not None and cur not in state:
                    if cur in on_chain:
                        cycle = chain[on_chain[cur]:] + [cur]
                        td = table[cur]
                        rec(kind, cur).add(
                            "tosca-derivation-cycle",
                            f"{kind} types derive from each other in a cycle: "
                            + " -> ".join(cycle),
                            td.derived_span,
                            path=f'{SECTIONS[kind]}["{cur}"].derived_from',
                        )
                        parents[chain[-1]] = None  # cut the cycle
                        break
                    on_chain[cur] = len(chain)
                    chain.append(cur)
                    cur = parents.get(cur)
                # depth: merged definitions recurse once per level (500 levels: exit 3),
                # so a chain longer than the limit is cut where it passes it
                depth = state.get(cur, 0) if cur is not None else 0
                for n in reversed(chain):
                    depth += 1
                    if depth > self.limits.max_derivation_depth and parents.get(n) is not None:
                        exceeded(rec(kind, n), "max_derivation_depth", self.limits,
                                 f"the derived_from chain of {kind} type {n!r} ({depth} types)",
                                 table[n].derived_span)
                        parents[n] = None  # cut the chain here
                        depth = 1
                    state[n] = depth
        return out

    def _reachable(self, roots: list[tuple[str, str, str]]) -> set[tuple[str, str]]:
        """The types the topology uses, directly or through other types' definitions."""
        seen: set[tuple[str, str]] = set()
        stack: list[tuple[str, str]] = []

        def push(kind: str, name: Any, scope: str = "", *alts: str) -> None:
            for k in (kind,) + alts:
                c = self.canonical(k, name, scope)
                if c is not None:
                    if (k, c) not in seen:
                        seen.add((k, c))
                        stack.append((k, c))
                    return

        def props(defs: Mapping[str, PropertyDef]) -> None:
            for p in defs.values():
                push("data", p.type, p.scope)
                for sch in (p.entry_schema, p.key_schema):
                    while sch is not None:
                        push("data", sch.type, sch.scope)
                        sch = sch.entry_schema
        for kind, name, scope in roots:
            push(kind, name, scope)
        while stack:
            kind, name = stack.pop()
            td = self._types[kind][name]
            parent = self._parent[kind].get(name)
            if parent:
                push(kind, parent)
            props(td.properties)
            props(td.attributes)
            for sch in (td.entry_schema, td.key_schema):
                if sch is not None:
                    push("data", sch.type, sch.scope)
            for r in td.requirements:
                push("capability", r.capability, r.scope)
                push("node", r.node, r.scope)
                push("relationship", r.relationship, r.scope)
            for c in td.capabilities.values():
                push("capability", c.type, c.scope)
                props(c.properties)
                props(c.attributes)
                for t in c.valid_source_types or ():
                    push("node", t, c.scope)
            for i in td.interfaces.values():
                push("interface", i.type, i.scope)
            for a in td.artifacts.values():
                push("artifact", a.type, td.scope)
            for t in td.valid_target_types or ():
                push("capability", t, td.scope, "node")
            for t in td.valid_source_types or ():
                push("node", t, td.scope)
            for t in (td.members or ()) + (td.targets or ()):
                push("node", t, td.scope, "group")
        return seen

    def _did_you_mean(self, kind: str, name: str) -> str:
        from ..suggest import NAME_CUTOFF, close_matches

        close = close_matches(name, list(self._types[kind]), cutoff=NAME_CUTOFF)
        return f"did you mean {close[0]!r}?" if close else ""

    # ------------------------------------------------------------------ checks of user types
    def _check(self, user: list[TypeDef]) -> dict[tuple[str, str], Diagnostics]:
        """Checks of user types that need the whole registry, recorded per type."""
        from .values import validate_value  # values imports types; break the cycle here

        out: dict[tuple[str, str], Diagnostics] = {}
        diags = Diagnostics()

        def need(kind: str, name: str | None, scope: str, span: Span, path: str,
                 also: tuple[str, ...] = ()) -> None:
            if name is None or self.canonical(kind, name, scope) is not None:
                return
            if any(self.canonical(k, name, scope) for k in also):
                return
            # an undefined property/attribute type is an error only once a value has to be
            # checked against it (values.py); tosca-parser is as lazy, and Tacker's
            # single-file samples rely on it
            sev = Severity.WARNING if kind == "data" else None
            diags.add("tosca-unknown-type", f"{name!r} is not {_a(kind)} type", span, path=path,
                      hint=self._did_you_mean(kind, name), severity=sev)

        def prop(p: PropertyDef, path: str, inherited: PropertyDef | None) -> None:
            ptype = p.type or (inherited.type if inherited else "")
            if not p.type:
                if inherited is None and p.kind != "attribute":
                    diags.add("tosca-missing-field", f"{p.kind} {p.name!r} lacks its type",
                              p.span, path=path)
                    return
            else:
                need("data", p.type, p.scope, p.type_span, f"{path}.type")
                self._check_refined_type(p, inherited, path, diags)
            base = self.primitive_of(ptype, p.scope) if ptype else None
            self._check_schema(p.entry_schema, p.scope, diags, f"{path}.entry_schema", need)
            self._check_schema(p.key_schema, p.scope, diags, f"{path}.key_schema", need)
            eff = p if p.type or inherited is None else self._refine(inherited, p)
            for c in p.constraints:
                check_definition(c, base or "", diags, f"{path}.constraints",
                                 lambda a, s: _valid(a, eff, s))
            if p.has_default and ptype and self.canonical("data", ptype, p.scope):
                validate_value(p.default, eff, self, p.default_span, f"{path}.default", diags)

        def _valid(arg: Any, d: PropertyDef, span: Span) -> bool:
            bare = replace(d, constraints=())
            probe = Diagnostics()
            validate_value(arg, bare, self, span, "", probe)
            for x in probe:
                diags.add("tosca-wrong-type", f"constraint argument: {x.message}", span)
            return not probe.has_errors

        for td in user:
            diags = out[(td.kind, td.name)] = Diagnostics()
            path = f'{SECTIONS[td.kind]}["{td.name}"]'
            parent = self._parent[td.kind].get(td.name)
            inh_props = self.properties(td.kind, parent) if parent else {}
            inh_attrs = self.attributes(td.kind, parent) if parent else {}
            for n, p in td.properties.items():
                prop(p, f'{path}.properties["{n}"]', inh_props.get(n))
            for n, p in td.attributes.items():
                prop(p, f'{path}.attributes["{n}"]', inh_attrs.get(n))
            if td.kind == "data":
                base = self.primitive_of(td.name) or ""
                for con in td.constraints:
                    check_definition(con, base, diags, f"{path}.constraints")
                self._check_schema(td.entry_schema, td.scope, diags, f"{path}.entry_schema",
                                   need)
                self._check_schema(td.key_schema, td.scope, diags, f"{path}.key_schema", need)
            for r in td.requirements:
                rp = f'{path}.requirements["{r.name}"]'
                need("capability", r.capability, r.scope, r.span, f"{rp}.capability")
                need("node", r.node, r.scope, r.span, f"{rp}.node")
                need("relationship", r.relationship, r.scope, r.span, f"{rp}.relationship")
            inh_caps = self.capabilities(parent) if parent and td.kind == "node" else {}
            for n, c in td.capabilities.items():
                cp = f'{path}.capabilities["{n}"]'
                if c.type is None and n not in inh_caps:
                    diags.add("tosca-missing-field", f"capability {n!r} lacks its type", c.span,
                              path=cp)
                need("capability", c.type, c.scope, c.span, f"{cp}.type")
                for t in c.valid_source_types or ():
                    need("node", t, c.scope, c.span, f"{cp}.valid_source_types")
                ctype = self.canonical("capability", c.type or "", c.scope) or (
                    inh_caps[n].type if n in inh_caps else None)
                cprops = self.properties("capability", ctype) if ctype else {}
                for pn, p in c.properties.items():
                    prop(p, f'{cp}.properties["{pn}"]', cprops.get(pn))
            for n, i in td.interfaces.items():
                need("interface", i.type, i.scope, i.span, f'{path}.interfaces["{n}"].type')
            for n, a in td.artifacts.items():
                need("artifact", a.type, td.scope, a.span, f'{path}.artifacts["{n}"].type')
            for t in td.valid_target_types or ():
                need("capability", t, td.scope, td.span, f"{path}.valid_target_types",
                     also=("node",))
            for t in td.valid_source_types or ():
                need("node", t, td.scope, td.span, f"{path}.valid_source_types")
            for t in td.members or ():
                need("node", t, td.scope, td.span, f"{path}.members", also=("group",))
            for t in td.targets or ():
                need("node", t, td.scope, td.span, f"{path}.targets", also=("group",))
        return out

    def _check_schema(self, s: Schema | None, scope: str, diags: Diagnostics, path: str,
                      need: Any) -> None:
        if s is None:
            return
        need("data", s.type, s.scope or scope, s.span, f"{path}.type")
        base = self.primitive_of(s.type, s.scope or scope) or ""
        for c in s.constraints:
            check_definition(c, base, diags, f"{path}.constraints")
        self._check_schema(s.entry_schema, scope, diags, f"{path}.entry_schema", need)
        self._check_schema(s.key_schema, scope, diags, f"{path}.key_schema", need)

    # ------------------------------------------------------------------ lookups
    def canonical(self, kind: str, name: Any, scope: str = "") -> str | None:
        """The registered name that ``name`` denotes (short and qualified forms resolved)."""
        if not isinstance(name, str) or kind not in self._types:
            return None
        table = self._types[kind]
        if scope:
            q = f"{scope}.{name}"
            if q in table:
                return q
        if name in table:
            return name
        if ":" in name:
            ns, _, rest = name.partition(":")
            if ns == "tosca":
                full = SHORT_PREFIX[kind] + rest
                return full if full in table else self._short[kind].get(rest)
            q = f"{ns}.{rest}"
            return q if q in table else None
        return self._short[kind].get(name)

    def get(self, kind: str, name: Any, scope: str = "") -> TypeDef | None:
        c = self.canonical(kind, name, scope)
        return self._types[kind][c] if c is not None else None

    def types_of(self, kind: str) -> Mapping[str, TypeDef]:
        return self._types[kind]

    @property
    def artifact_types(self) -> Mapping[str, TypeDef]:
        return self._types["artifact"]

    def has_prefix(self, prefix: str) -> bool:
        """Whether any type name (of any kind) starts with ``prefix``, e.g. ``"xfactor."``."""
        key = ("has_prefix", prefix)
        hit = self._memo.get(key)
        if hit is None:
            hit = any(n.startswith(prefix) for t in self._types.values() for n in t)
            self._memo[key] = hit
        return hit

    def ancestry(self, kind: str, name: Any, scope: str = "") -> tuple[str, ...]:
        """The type and its ancestors, most derived first; () for an unknown type."""
        c = self.canonical(kind, name, scope)
        if c is None:
            return ()
        key = (kind, c)
        hit = self._ancestry.get(key)
        if hit is not None:
            return hit
        chain: list[str] = []
        parents = self._parent[kind]
        cur: str | None = c
        while cur is not None and cur not in chain:
            known = self._ancestry.get((kind, cur))
            if known is not None:
                chain.extend(known)
                break
            chain.append(cur)
            cur = parents.get(cur)
        hit = tuple(chain)
        self._ancestry[key] = hit
        return hit

    def broken_ancestry(self, kind: str, name: Any, scope: str = "") -> bool:
        """True when the type or one of its ancestors derives from a type that does not
        exist (an error reported at that ``derived_from``): what the type lacks then only
        follows from that error."""
        parents = self._parent[kind]
        for t in self.ancestry(kind, name, scope):
            td = self._types[kind].get(t)
            if td is not None and td.derived_from is not None and parents.get(t) is None:
                return True
        return False

    def parent(self, kind: str, name: str) -> str | None:
        c = self.canonical(kind, name)
        return self._parent[kind].get(c) if c else None

    def is_a(self, kind: str, name: Any, base: Any, scope: str = "") -> bool:
        b = self.canonical(kind, base)
        return b is not None and b in self.ancestry(kind, name, scope)

    def primitive_of(self, type_name: str, scope: str = "") -> str | None:
        """The primitive a data type is (or derives from); None for complex data types.
        Kept per name (every value checked asks it)."""
        key = ("primitive_of", type_name, scope)
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        prim = None
        chain = self.ancestry("data", type_name, scope)
        for n in chain:
            prim = self._types["data"][n].primitive
            if prim:
                break
        prim = prim or None
        if chain:  # (a name not defined yet is asked again: ancestry keeps none either)
            self._memo[key] = prim
        return prim

    def __len__(self) -> int:
        return sum(len(t) for t in self._types.values())


def _topology_roots(data: Mapping[str, Any], scope: str) -> list[tuple[str, str, str]]:
    """(kind, type name, scope) of every type a file's topology_template names."""
    topo = data.get("topology_template")
    if not isinstance(topo, dict):
        return []
    out: list[tuple[str, str, str]] = []

    def typed(section: Any, kind: str) -> None:
        items: Iterable[Any] = ()
        if isinstance(section, dict):
            items = section.values()
        elif isinstance(section, list):  # policies: a list of one-entry mappings
            items = (v for m in section if isinstance(m, dict) for v in m.values())
        for body in items:
            if not isinstance(body, dict):
                continue
            if isinstance(body.get("type"), str):
                out.append((kind, body["type"], scope))
            if kind == "node":
                arts = body.get("artifacts")
                for a in arts.values() if isinstance(arts, dict) else ():
                    if isinstance(a, dict) and isinstance(a.get("type"), str):
                        out.append(("artifact", a["type"], scope))
                reqs = body.get("requirements")
                for r in reqs if isinstance(reqs, list) else ():
                    for v in r.values() if isinstance(r, dict) else ():
                        rel = v.get("relationship") if isinstance(v, dict) else None
                        if isinstance(rel, dict):
                            rel = rel.get("type")
                        if isinstance(rel, str):
                            out.append(("relationship", rel, scope))

    typed(topo.get("node_templates"), "node")
    typed(topo.get("relationship_templates"), "relationship")
    typed(topo.get("groups"), "group")
    typed(topo.get("policies"), "policy")
    typed(topo.get("inputs"), "data")
    typed(topo.get("outputs"), "data")
    sub = topo.get("substitution_mappings")
    if isinstance(sub, dict) and isinstance(sub.get("node_type"), str):
        out.append(("node", sub["node_type"], scope))
    return out


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _plain(v: Any) -> Any:
    """Like ``loader.yamlpos.to_plain``, but NaN becomes ``"nan"``: two definitions that
    both write ``.nan`` are the same definition, though NaN != NaN."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    return v


__all__ = [
    "TypeRegistry",
    "TypeDef",
    "PropertyDef",
    "RequirementDef",
    "CapabilityDef",
    "InterfaceDef",
    "OperationDef",
    "ArtifactDef",
    "Schema",
    "MISSING",
    "KINDS",
    "SECTIONS",
    "read_definition",
]
