"""Requirement binding: the requirement assignments of node templates (TOSCA 1.3
§3.8.2, §3.7.2), checked against the node type's requirement definitions and bound to
a target node template, a target capability and a relationship.

Phase: resolve.  A mixin of :class:`compiler.resolve.templates.TemplateResolver`, kept in
its own module like :mod:`.grouping`: it uses the resolver's node index (every template
with its type and merged capability definitions), its relationship templates, its
keyname and type checks (``_check_keys``, ``_want_type``), its property evaluation
(``eval_properties``, for relationship properties) and its quirk reporter.  Output: on
each indexed node, ``reqs`` (:class:`~compiler.model.Requirement` IR, in source order),
``req_index`` (the first assignment of each name) and ``host`` (the target of its first
``HostedOn`` relationship).  A name lookup per assignment, never a scan over all nodes.

A target is a node template, or left open (``node`` None) when the assignment names a
node type (selected at deployment).  The target capability is found by name on the
target, else by type (TOSCA 1.3 §3.8.2).

Codes: tosca-wrong-type, tosca-unknown-field, tosca-requirement (no such requirement
definition, too many assignments, wrong target node type, no matching capability),
tosca-unknown-template, tosca-unknown-type, tosca-quirk (requirements.map,
requirement.node-type, requirement.capability-supertype), plus those of property
evaluation for relationship properties.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Mapping

from ..diagnostics import Span
from ..limits import exceeded
from ..loader.yamlpos import PMap, PSeq
from ..model import Requirement
from ..model.frozen import freeze_properties
from .functions import Context, did_you_mean
from .grouping import _vspan, check_node_filter
from .host import ResolverHost

REQ_KEYS = ("capability", "node", "relationship", "node_filter", "occurrences")
REQ_REL_KEYS = ("type", "properties", "interfaces")
HOSTED_ON = "tosca.relationships.HostedOn"

if TYPE_CHECKING:
    from .typedefs import RequirementDef


class RequirementsMixin(ResolverHost):
    """bind_requirements for the TemplateResolver."""

    def bind_requirements(self) -> None:
        self._pending_rels: list[tuple[Any, int, str, Span, bool, Any, PMap]] = []
        for node in self.nodes.values():
            if node.type:
                self._bind(node)
        # relationship values next, once every requirement is bound: [SOURCE, <req>, p]
        # may name the very requirement the relationship belongs to
        for node, i, rpath, rel_span, check, raw_props, owner in self._pending_rels:
            req = node.reqs[i]
            props, spans = self.relationship_properties(rpath, rel_span, check_required=check)
            interfaces = self.interfaces(owner, "relationship", req.relationship,
                                         self.rels[rpath].context(rpath), rpath)
            new = replace(req, properties=freeze_properties(props, raw_props),
                          property_spans=spans, interfaces=interfaces)
            node.reqs[i] = new
            if node.req_index.get(req.name) is req:
                node.req_index[req.name] = new
        self._pending_rels = []

    def _bind(self, node: Any) -> None:
        raw = node.raw.get("requirements")
        if raw is None:
            return
        path = f"{node.path}.requirements"
        if isinstance(raw, PMap) and self.quirks.allow(
                "requirements.map", node.raw.key_span("requirements"), path=path):
            items = []
            for k in raw:
                m = PMap({k: raw[k]}, span=raw.key_span(k))
                m.key_spans[k] = raw.key_span(k)
                m.value_spans[k] = raw.value_span(k)
                items.append(m)
            raw = PSeq(items, span=raw.span)
            raw.item_spans = [m.span for m in items]
        if not isinstance(raw, PSeq):
            self.diags.add("tosca-wrong-type", "requirements must be a list of one-entry "
                           "mappings", node.raw.value_span("requirements"), path=path)
            return
        if len(raw) > self.ev.limits.max_requirements:
            # each assignment is matched against the others' occurrences: 100,000 of one
            # node took minutes
            exceeded(self.diags, "max_requirements", self.ev.limits,
                     f"{len(raw):,} requirement assignments of node template '{node.name}'",
                     node.raw.key_span("requirements"))
            return
        defs: dict[str, Any] = {}
        d: RequirementDef | None
        for d in self.reg.requirements(node.type):
            defs.setdefault(d.name, d)
        counts: dict[str, int] = {}
        for i, item in enumerate(raw):
            ipath = f"{path}[{i}]"
            if not isinstance(item, PMap) or len(item) != 1:
                self.diags.add("tosca-wrong-type", "a requirement assignment is a one-entry "
                               "mapping 'name: node' or 'name: {node: ..., capability: ...}'",
                               raw.item_span(i), path=ipath)
                continue
            rname, body = next(iter(item.items()))
            rspan = item.key_span(rname)
            d = defs.get(rname)
            if d is None:
                self.diags.mark_failed(("requirement", node.name, rname), rspan)
                if self.reg.broken_ancestry("node", node.type):
                    continue  # follows from the derived_from error of its type
                self.diags.add(
                    "tosca-requirement",
                    f"node type {node.type!r} defines no requirement {rname!r}", rspan,
                    path=ipath,
                    hint=did_you_mean(rname, list(defs)) or choices_hint(defs),
                )
                continue
            counts[rname] = counts.get(rname, 0) + 1
            if counts[rname] == int(min(d.occurrences[1], 1 << 30)) + 1:
                self.diags.add(
                    "tosca-requirement",
                    f"requirement {rname!r} is assigned more often than its occurrences "
                    f"allow (at most {_bound(d.occurrences[1])})", rspan, path=ipath,
                )
            req = self._assign(node, rname, body, item, d, rspan, ipath)
            if req is not None:
                if req.relationship:
                    self._pending_rels[-1] = (node, len(node.reqs), *self._pending_rels[-1][2:])
                node.reqs.append(req)
                node.req_index.setdefault(rname, req)
                if node.host is None and req.node and req.relationship and \
                        self.reg.is_a("relationship", req.relationship, HOSTED_ON):
                    node.host = req.node

    def _assign(self, node: Any, rname: str, body: Any, item: PMap, d: Any, rspan: Span,
                path: str) -> Requirement | None:
        target_name: Any = None
        cap_name: Any = None
        rel: Any = None
        tspan = item.value_span(rname)
        if isinstance(body, str):
            target_name = body
        elif isinstance(body, PMap):
            self._check_keys(body, REQ_KEYS, f"requirement {rname!r}", path)
            if "node_filter" in body:
                check_node_filter(body["node_filter"], body.value_span("node_filter"),
                                  self.diags, f"{path}.node_filter")
            target_name = body.get("node")
            cap_name = body.get("capability")
            rel = body.get("relationship")
            tspan = body.value_span("node") if "node" in body else rspan
            for key, val in (("node", target_name), ("capability", cap_name)):
                if val is not None and not isinstance(val, str):
                    self.diags.add("tosca-wrong-type", f"{key} of requirement {rname!r} must "
                                   "be a name", body.value_span(key), path=f"{path}.{key}")
                    return None
        elif body is not None:
            self.diags.add("tosca-wrong-type", f"requirement {rname!r} must name a node "
                           "template or be a mapping", tspan, path=path)
            return None
        target: str | None = None
        if target_name is not None:
            if target_name in self.nodes:
                target = target_name
            elif self.reg.canonical("node", target_name) is not None:
                target = None  # a node type: selected at deployment (left open)
            else:
                self.diags.mark_failed(("requirement", node.name, rname), tspan)
                self.diags.add(
                    "tosca-unknown-template",
                    f"requirement {rname!r} names no node template or node type "
                    f"{target_name!r}", tspan, path=path,
                    hint=did_you_mean(target_name, list(self.nodes)),
                )
                return None
        tnode = self.nodes.get(target) if target else None
        if tnode is not None and tnode.type and d.node:
            want = self.reg.canonical("node", d.node, d.scope)
            if want and want not in tnode.types and not self.quirks.allow(
                    "requirement.node-type", tspan, path=path,
                    detail=f"{rname!r} wants a {d.node}, {target!r} is a {tnode.type}"):
                self.diags.add(
                    "tosca-requirement",
                    f"requirement {rname!r} needs a {d.node}, but {target!r} is a "
                    f"{tnode.type}", tspan, path=path,
                )
        # the target capability: by name on the target, else by type (TOSCA 1.3 §3.8.2)
        cap_out: str | None = cap_name or d.capability
        if tnode is not None and tnode.type:
            wanted = cap_name or d.capability
            # a definition's names are read in the scope of the file defining it
            wscope = "" if cap_name else d.scope
            found = None
            ctype = None
            if wanted in tnode.caps:
                found = wanted
            else:
                ctype = self.reg.canonical("capability", wanted, wscope) if wanted else None
                if ctype:
                    for cname, cdef in tnode.caps.items():
                        if cdef.type and self.reg.is_a("capability", cdef.type, ctype):
                            found = cname
                            break
                elif wanted:
                    self.diags.add("tosca-unknown-type", f"requirement {rname!r} names an "
                                   f"unknown capability {wanted!r}",
                                   _vspan(body, "capability") if cap_name else rspan,
                                   path=path)
                    return None
            if found is None and ctype:
                for cname, cdef in tnode.caps.items():
                    if cdef.type and self.reg.is_a("capability", ctype, cdef.type) and \
                            self.quirks.allow("requirement.capability-supertype", tspan,
                                              path=path, detail=f"{cname} ({cdef.type}) for "
                                              f"{ctype}"):
                        found = cname
                        break
            if found is None and wanted:
                self.diags.add(
                    "tosca-requirement",
                    f"{target!r} ({tnode.type}) offers no capability {wanted!r} for "
                    f"requirement {rname!r}", tspan, path=path,
                    hint="capabilities: " + (", ".join(tnode.caps) or "none"),
                )
            cap_out = found or wanted
        # relationship: a template name, a type name, or {type, properties, interfaces}
        rel_type = self.reg.canonical("relationship", d.relationship, d.scope) \
            if d.relationship else None
        rel_tpl: str | None = None
        rel_props: Any = None
        rel_span = rspan
        if isinstance(rel, str):
            rel_span = body.value_span("relationship")
            if rel in self.rel_templates:
                rel_tpl = rel
                rel_type = self.rel_templates[rel][0]
            else:
                c = self.reg.canonical("relationship", rel)
                if c is None:
                    self.diags.add(
                        "tosca-unknown-type",
                        f"requirement {rname!r} names no relationship template or type "
                        f"{rel!r}", rel_span, path=f"{path}.relationship",
                        hint=did_you_mean(rel, list(self.rel_templates)),
                    )
                    return None
                rel_type = c
        elif isinstance(rel, PMap):
            rel_span = body.value_span("relationship")
            self._check_keys(rel, REQ_REL_KEYS, "a relationship assignment",
                             f"{path}.relationship")
            if "type" in rel:
                c = self._want_type(rel, "relationship", "relationship", f"{path}.relationship",
                                    rel_span)
                if c is None:
                    return None
                rel_type = c
            rel_props = rel.get("properties")
        elif rel is not None:
            self.diags.add("tosca-wrong-type", "relationship must be a name or a mapping",
                           _vspan(body, "relationship"), path=f"{path}.relationship")
        raw_props = rel_props
        if rel_type:
            # the relationship of this assignment, an entity of its own (SELF in its
            # values; SOURCE this node, TARGET the bound one: TOSCA 1.3 §4.1)
            owner = rel if isinstance(rel, PMap) else PMap()
            label = f"the relationship of requirement {rname!r} of {node.name!r}"
            if rel_tpl is not None:
                owner = self.rel_templates[rel_tpl][1]
                raw_props = owner.get("properties")
                label = f"relationship template {rel_tpl!r}"
            rpath = f"{path}.relationship"
            self.add_relationship(rpath, rel_type, raw_props, rel_span, rpath, node.name,
                                  target, label)
            # evaluated by bind_requirements once every requirement is bound
            self._pending_rels.append((node, -1, rpath, rel_span, rel_tpl is None
                                       and rel_props is not None, raw_props, owner))
        return Requirement(
            name=rname, node=target, capability=cap_out, relationship=rel_type,
            relationship_types=self.reg.ancestry("relationship", rel_type) if rel_type else (),
            relationship_template=rel_tpl, span=rspan,
        )


def choices_hint(m: Mapping) -> str:
    """The hint listing the names a mapping defines (at most 12)."""
    names = list(m)
    if not names:
        return "none are defined"
    if len(names) > 12:
        return "defined: " + ", ".join(names[:12]) + ", ..."
    return "defined: " + ", ".join(names)


def _bound(x: float) -> str:
    return "UNBOUNDED" if x == float("inf") else str(int(x))
