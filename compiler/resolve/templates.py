"""Templates: node and relationship templates (TOSCA 1.3 §3.8, §3.9); with the mixins of
:mod:`.binding` (requirement binding) and :mod:`.grouping` (groups, policies,
substitution mappings), the resolver of a whole topology template.

Phase: resolve.  Input: one ``topology_template`` (positioned YAML), the
:class:`~compiler.resolve.types.TypeRegistry`, the evaluated inputs.  Output: the
:class:`~compiler.model.NodeTemplate`, ``Group``, ``Policy`` and ``Substitution`` IR.

How it works, in linear time: (1) index every node template by name, checking its
keynames, its type and which properties it assigns; (2) bind requirements
(:mod:`.binding`: a name lookup per assignment, never a scan over all nodes); (3)
evaluate properties lazily — ``get_property`` on another template asks for that
template's property, which is evaluated once, memoised, and validated by
``compiler.resolve.values.validate_value``; a property met again while it is being
evaluated is a cycle.  Functions are evaluated before validation, so a data-type value
built by ``concat`` is checked like a literal.

Codes: tosca-unknown-field, tosca-missing-field, tosca-wrong-type, tosca-unknown-type,
tosca-unknown-property, tosca-missing-property, tosca-function-cycle, tosca-quirk,
tosca-unsupported (copy), xf-missing-import (an xfactor.* type without the profile),
plus those of :mod:`.binding` (tosca-requirement, tosca-unknown-template),
:mod:`.grouping`, :mod:`.functions` and ``values``.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..diagnostics import Diagnostics, Span
from ..limits import DEFAULT_LIMITS, Limits
from ..loader.yamlpos import PMap, PSeq, to_plain
from ..model import (
    Artifact,
    Capability,
    NodeTemplate,
    Requirement,
    RuntimeRef,
)
from ..images import container_image
from ..model.frozen import freeze_properties
from ..loader.tosca2.count import COUNT, counted
from .binding import HOSTED_ON as HOSTED_ON  # re-exported: defined here before the split
from .binding import REQ_KEYS as REQ_KEYS
from .binding import REQ_REL_KEYS as REQ_REL_KEYS
from .binding import RequirementsMixin, choices_hint
from .functions import (Context, Evaluator, Unresolved, contains_function, did_you_mean,
                        function_name, function_paths)
from .grouping import GroupsMixin, _kspan, _vspan, check_node_filter
from ..loader.quirks import QuirkReporter
from .relationships import RelationshipsMixin

NODE_KEYS = ("type", "description", "metadata", "directives", "properties", "attributes",
             "requirements", "capabilities", "interfaces", "artifacts", "node_filter", "copy")
REL_KEYS = ("type", "description", "metadata", "properties", "attributes", "interfaces", "copy")
CAP_KEYS = ("properties", "attributes", "occurrences")
# SOL001 2.x (etsi_nfv_sol001_vnfd_types.yaml): the VM image artifact type and its parent
SWIMAGE = "tosca.artifacts.nfv.SwImage"
SWIMAGE_BASE = "tosca.artifacts.Deployment.Image"
ARTIFACT_KEYS = ("type", "file", "repository", "description", "deploy_path",
                 "artifact_version", "checksum", "checksum_algorithm", "properties")

_ABSENT = object()  # evaluation failed (reported)
_NOVALUE = object()  # an optional property with no value


class _Node:
    """A node template while it is being resolved."""

    __slots__ = ("name", "raw", "span", "path", "type", "types", "pdefs", "assigned",
                 "memo", "busy", "reqs", "caps", "cap_assign", "host", "file", "req_index")

    def __init__(self, name: str, raw: PMap, span: Span, path: str) -> None:
        self.name, self.raw, self.span, self.path = name, raw, span, path
        self.type: str = ""
        self.types: tuple[str, ...] = ()
        self.pdefs: Mapping[str, Any] = {}
        self.assigned: dict[str, tuple[Any, Span]] = {}
        self.memo: dict[str, Any] = {}
        self.busy: set[str] = set()
        self.reqs: list[Requirement] = []
        self.req_index: dict[str, Requirement] = {}
        self.caps: dict[str, Any] = {}  # name -> CapabilityDef (merged)
        self.cap_assign: dict[str, PMap] = {}
        self.host: str | None = None


def _direct_inputs(raw: Any, at: tuple[Any, ...]) -> list[tuple[str, tuple[Any, ...]]]:
    """(NAME, (node, property, key or index, ...)) for every ``get_input: NAME`` (or
    ``[NAME]``) in ``raw`` that is a value of its own, not an argument of another call."""
    out: list[tuple[str, tuple[Any, ...]]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(raw, at)]
    while stack:
        v, where = stack.pop()
        fn = function_name(v)
        if fn == "get_input":
            arg = v["get_input"]
            if isinstance(arg, list) and len(arg) == 1:
                arg = arg[0]
            if isinstance(arg, str):
                out.append((arg, where))
        elif fn is not None:
            continue  # an expression: its get_input reads are not sites
        elif isinstance(v, dict):
            stack.extend((x, where + (k,)) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((x, where + (i,)) for i, x in enumerate(v))
    return sorted(out, key=repr)


class TemplateResolver(RequirementsMixin, RelationshipsMixin, GroupsMixin):
    """Resolves the templates of one topology template (also the :class:`Scope`)."""

    _ABSENT = _ABSENT

    def __init__(self, reg: Any, diags: Diagnostics, quirks: QuirkReporter,
                 inputs: Any, *, base: "TemplateResolver | None" = None,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.reg = reg
        self.diags = diags
        self.quirks = quirks
        self.inputs = inputs  # InputTable
        self.nodes: dict[str, _Node] = {}
        # node properties whose whole value is ``get_input: NAME``: NAME -> [(node, property)]
        self.input_sites: dict[str, list[tuple[str, str]]] = {}
        self.by_type: dict[str, list[str]] | None = None
        self.rel_templates: dict[str, tuple[str, PMap]] = {}
        self.rel_spans: dict[str, Span] = {}
        self.rels: dict[str, Any] = {}  # a _Rel by template name or requirement path
        self._rel_uses: dict[str, tuple[str, str | None]] | None = None
        self.artifacts: dict[str, dict[str, Artifact]] = {}
        self.ev = Evaluator(self, diags, limits)
        self.base = base  # the top-level template of a flavour (names visible from here)
        self.version = getattr(reg, "version", "")
        self._cap_defaults: dict[tuple[str, str], tuple[dict, tuple[str, ...]]] = {}

    # ======================================================================= index
    def index_nodes(self, raw: Any, container: PMap | None, path: str) -> None:
        if raw is None:
            return
        if not isinstance(raw, PMap):
            self.diags.add("tosca-wrong-type", "node_templates must be a mapping of names to "
                           "node templates", _vspan(container, "node_templates"), path=path)
            return
        for name, body in raw.items():
            npath = f'{path}["{name}"]'
            kspan = raw.key_span(name)
            if not isinstance(body, PMap):
                self.diags.add("tosca-wrong-type", f"node template {name!r} must be a mapping",
                               raw.value_span(name), path=npath)
                continue
            node = _Node(str(name), body, kspan, npath)
            if "copy" in body:
                self.diags.add("tosca-unsupported", f"node template {name!r}: 'copy' is not "
                               "processed; write the template out", body.key_span("copy"),
                               path=npath)
            self.nodes[node.name] = node
            self._check_keys(body, NODE_KEYS, f"node template {name!r}", npath)
            tname = self._want_type(body, "node", f"node template {name!r}", npath, kspan)
            if tname is None:
                continue
            if "node_filter" in body:
                check_node_filter(body["node_filter"], body.value_span("node_filter"),
                                  self.diags, f"{npath}.node_filter")
            node.type = tname
            node.types = tuple(self.reg.ancestry("node", tname))
            node.pdefs = self.reg.properties("node", tname)
            props = body.get("properties")
            if props is not None and not isinstance(props, PMap):
                self.diags.add("tosca-wrong-type", "properties must be a mapping",
                               body.value_span("properties"), path=npath)
            elif props:
                for p, v in props.items():
                    if p not in node.pdefs:
                        self.diags.mark_failed(("property", node.name, p), props.key_span(p))
                        if self.reg.broken_ancestry("node", tname):
                            continue  # follows from the derived_from error of its type
                        self.diags.add(
                            "tosca-unknown-property",
                            f"node type {tname!r} defines no property {p!r}",
                            props.key_span(p), path=f'{npath}.properties["{p}"]',
                            hint=did_you_mean(p, list(node.pdefs)) or choices_hint(node.pdefs),
                        )
                        continue
                    node.assigned[p] = (v, props.value_span(p))
            node.caps = dict(self.reg.capabilities(tname))

    def _check_keys(self, body: PMap, allowed: tuple[str, ...], what: str, path: str) -> None:
        for k in body:
            if k not in allowed and k is not COUNT:  # COUNT: a TOSCA 2.0 count, below
                self.diags.add(
                    "tosca-unknown-field", f"{what} does not allow the keyname {k!r}",
                    body.key_span(k), path=path,
                    hint=did_you_mean(k, allowed) or "allowed: " + ", ".join(allowed),
                )

    def _want_type(self, body: PMap, kind: str, what: str, path: str, span: Span) -> str | None:
        if "type" not in body:
            self.diags.add("tosca-missing-field", f"{what} has no type", span, path=path)
            return None
        t = body["type"]
        if not isinstance(t, str):
            self.diags.add("tosca-wrong-type", f"the type of {what} must be a type name",
                           body.value_span("type"), path=f"{path}.type")
            return None
        c = self.reg.canonical(kind, t)
        if c is None and t.startswith("xfactor.") and not self.reg.has_prefix("xfactor."):
            # X-factor profile §1: using its types without importing it
            self.diags.add("xf-missing-import", f"{what} uses the X-factor type {t!r}, but "
                           "the X-factor profile is not imported", body.value_span("type"),
                           path=f"{path}.type",
                           hint="add to the service template: imports: "
                           "[ xfactor/1.0/profile.yaml ]")
            return None
        if c is None:
            self.diags.add("tosca-unknown-type", f"{what} has an unknown {kind} type {t!r}",
                           body.value_span("type"), path=f"{path}.type",
                           hint=did_you_mean(t, list(self.reg.types_of(kind))))
            return None
        return c

    # ======================================================================= properties
    def eval_properties(self, pdefs: Mapping[str, Any], raw: Any, ctx: Context, path: str,
                        what: str, span: Span, *, check_required: bool = True,
                        check_unknown: bool = True, missing_quirk: str = ""
                        ) -> tuple[dict[str, Any], dict[str, Span]]:
        """Evaluate and validate a property assignment block against definitions."""
        out: dict[str, Any] = {}
        spans: dict[str, Span] = {}
        if raw is not None and not isinstance(raw, PMap):
            self.diags.add("tosca-wrong-type", "properties must be a mapping", span, path=path)
            raw = None
        raw = raw or {}
        if check_unknown:
            for p in raw:
                if p not in pdefs:
                    self.diags.add("tosca-unknown-property", f"{what} defines no property "
                                   f"{p!r}", _kspan(raw, p), path=f'{path}.properties["{p}"]',
                                   hint=did_you_mean(p, list(pdefs)) or choices_hint(pdefs))
        for name, pdef in pdefs.items():
            ppath = f'{path}.properties["{name}"]'
            if name in raw:
                value, vspan = raw[name], _vspan(raw, name)
            elif pdef.has_default:
                value, vspan = pdef.default, pdef.default_span
            else:
                if pdef.required and check_required and not (
                        missing_quirk and self.quirks.allow(
                            missing_quirk, span, path=ppath, detail=f"{what}: {name}")):
                    self.diags.add("tosca-missing-property", f"{what} requires property "
                                   f"{name!r}, which has no value and no default", span,
                                   path=ppath)
                continue
            v = self.value(value, pdef, ctx, vspan, ppath)
            if v is not _ABSENT:
                out[name] = v
                spans[name] = vspan
        return out, spans

    def value(self, value: Any, pdef: Any, ctx: Context, span: Span, path: str) -> Any:
        """Evaluate functions in ``value``, then validate it against ``pdef``."""
        from .values import validate_value

        computed: frozenset[str] = frozenset()
        if contains_function(value):
            computed = function_paths(value, path)
            try:
                value = self.ev.evaluate(value, Context(ctx.self_node, source=ctx.source,
                                                        target=ctx.target, path=path,
                                                        self_kind=ctx.self_kind,
                                                        relationship=ctx.relationship), span)
            except Unresolved:
                return _ABSENT
        if isinstance(value, RuntimeRef) or pdef is None or _has_runtime(value):
            return to_plain(value)
        return to_plain(validate_value(value, pdef, self.reg, span, path, self.diags,
                                     self.quirks, computed))

    # --------------------------------------------------------------- Scope protocol
    def input_value(self, name: str, span: Span) -> Any:
        if name in self.inputs.invalid:
            raise Unresolved(name)
        if name in self.inputs.values:
            return self.inputs.values[name]
        raise KeyError(name)

    def input_names(self) -> list[str]:
        return self.inputs.names()

    def node_exists(self, name: str) -> bool:
        return name in self.nodes and bool(self.nodes[name].type)

    def node_names(self) -> list[str]:
        return list(self.nodes)

    def property_names(self, node: str) -> Iterable[str]:
        return self.nodes[node].pdefs.keys() if node in self.nodes else ()

    def has_property(self, node: str, name: str) -> bool:
        return node in self.nodes and name in self.nodes[node].pdefs

    def attribute_type(self, node: str, name: str) -> str | None:
        n = self.nodes.get(node)
        if n is None or not n.type:
            return None
        d = self.reg.attributes("node", n.type).get(name) or n.pdefs.get(name)
        return d.type if d is not None else None

    def capability_has_attribute(self, node: str, name: str) -> bool:
        n = self.nodes.get(node)
        return n is not None and any(name in c.attributes or name in c.properties
                                     for c in n.caps.values())

    def has_attribute(self, node: str, name: str) -> bool:
        n = self.nodes.get(node)
        if n is None or not n.type:
            return False
        return name in self.reg.attributes("node", n.type) or name in n.pdefs

    def node_property(self, node: str, name: str, span: Span) -> Any:
        n = self.nodes[node]
        if name not in n.pdefs:
            raise KeyError(name)
        if name in n.memo:
            v = n.memo[name]
            if v is _NOVALUE:
                raise KeyError(name)
            if v is _ABSENT:
                raise Unresolved(name)
            return v
        if name in n.busy:
            self.diags.add("tosca-function-cycle", f"property {name!r} of {node!r} depends on "
                           "itself through get_property", span, path=n.path)
            raise Unresolved(name)
        n.busy.add(name)
        try:
            pdef = n.pdefs[name]
            path = f'{n.path}.properties["{name}"]'
            if name in n.assigned:
                raw, vspan = n.assigned[name]
            elif pdef.has_default:
                raw, vspan = pdef.default, pdef.default_span
            else:
                n.memo[name] = _ABSENT if pdef.required else _NOVALUE
                if pdef.required:
                    props = n.raw.get("properties")
                    self.diags.add(
                        "tosca-missing-property",
                        f"node template {node!r} ({n.type}) requires property {name!r}, "
                        "which has no value and no default",
                        n.raw.key_span("properties") if isinstance(props, PMap) else n.span,
                        path=path,
                    )
                    raise Unresolved(name)
                raise KeyError(name)
            v = self.value(raw, pdef, Context(node, path=path), vspan, path)
            n.memo[name] = v
            if v is _ABSENT:
                raise Unresolved(name)
            for input_name, where in _direct_inputs(raw, (node, name)):
                self.input_sites.setdefault(input_name, []).append(where)
            return v
        finally:
            n.busy.discard(name)

    def capability_of(self, node: str, name: str) -> str | None:
        n = self.nodes.get(node)
        return name if n is not None and name in n.caps else None

    def capability_property(self, node: str, cap: str, name: str, span: Span) -> Any:
        n = self.nodes[node]
        pdefs = self.cap_pdefs(n.caps[cap])
        if name not in pdefs:
            raise KeyError(name)
        assign = n.raw.get("capabilities", {})
        body = assign.get(cap) if isinstance(assign, PMap) else None
        props = body.get("properties") if isinstance(body, PMap) else None
        pdef = pdefs[name]
        path = f'{n.path}.capabilities["{cap}"].properties["{name}"]'
        if isinstance(props, PMap) and name in props:
            raw, vspan = props[name], props.value_span(name)
        elif pdef.has_default:
            raw, vspan = pdef.default, pdef.default_span
        else:
            raise KeyError(name)
        v = self.value(raw, pdef, Context(node, path=path), vspan, path)
        if v is _ABSENT:
            raise Unresolved(name)
        return v

    def capability_defines(self, node: str, cap: str, name: str) -> bool:
        n = self.nodes.get(node)
        return n is not None and cap in n.caps and name in self.cap_pdefs(n.caps[cap])

    def cap_pdefs(self, cdef: Any) -> Mapping[str, Any]:
        return getattr(cdef, "properties", None) or {}

    def requirement_target(self, node: str, name: str) -> tuple[str | None, str | None] | None:
        n = self.nodes.get(node)
        if n is None or name not in n.req_index:
            return None
        r = n.req_index[name]
        return (r.node, r.capability)

    def host_of(self, node: str) -> str | None:
        n = self.nodes.get(node)
        return n.host if n is not None else None

    def artifact_file(self, node: str, name: str) -> str | None:
        arts = self.artifacts.get(node)
        if arts is None:
            arts = self.node_artifacts(self.nodes[node])
        a = arts.get(name)
        return a.file if a is not None else None

    def nodes_of_type(self, type_name: str) -> list[str] | None:
        t = self.reg.canonical("node", type_name)
        if t is None:
            return None
        if self.by_type is None:
            self.by_type = {}
            for n in self.nodes.values():
                for tt in n.types:
                    self.by_type.setdefault(tt, []).append(n.name)
        return list(self.by_type.get(t, []))

    # ======================================================================= build nodes
    def build_nodes(self) -> dict[str, NodeTemplate]:
        out: dict[str, NodeTemplate] = {}
        for n in self.nodes.values():
            if not n.type:
                continue
            props: dict[str, Any] = {}
            spans: dict[str, Span] = {}
            for pname in n.pdefs:
                try:
                    props[pname] = self.node_property(n.name, pname, n.span)
                except (KeyError, Unresolved):
                    continue
                spans[pname] = n.assigned[pname][1] if pname in n.assigned \
                    else n.pdefs[pname].default_span
            # frozen with the positions of the YAML each value was evaluated from
            raw_props = n.raw.get("properties") if isinstance(n.raw, dict) else None
            props = freeze_properties(props, raw_props if isinstance(raw_props, dict) else None)
            out[n.name] = NodeTemplate(
                name=n.name, type=n.type, types=n.types, properties=props,
                attributes=self.node_attributes(n), capabilities=self.node_capabilities(n),
                requirements=tuple(n.reqs), artifacts=self.node_artifacts(n),
                interfaces=self.interfaces(n.raw, "node", n.type, Context(n.name, path=n.path),
                                           n.path),
                directives=_directives(n.raw, self.diags, n.path),
                metadata=to_plain(n.raw.get("metadata")) if isinstance(n.raw.get("metadata"),
                                                                     dict) else {},
                span=n.span, property_spans=spans,
            )
            if out[n.name].artifacts:
                self._image_conflict(out[n.name])
            if COUNT in n.raw:  # a TOSCA 2.0 node template's count (compiler/loader/tosca2/count.py)
                cspan = n.raw.value_span(COUNT)
                value = self.value(n.raw[COUNT], None, Context(n.name, path=n.path), cspan,
                                   f"{n.path}.count")
                built = counted(out[n.name], None if value is _ABSENT else value, cspan,
                                f"{n.path}.count", self.diags, raw_props)
                if built is not None:  # else reported: the node stays as written
                    out[n.name] = built
        return out

    def _image_conflict(self, node: NodeTemplate) -> None:
        """An image artifact's registry reference and sw_image_data naming two images:
        the reference wins (SOL001 4.x precedence, compiler.images), said here."""
        choice = container_image(node.properties, node.artifacts)
        if choice is None or choice.overridden is None:
            return
        art = node.artifacts[choice.artifact or ""]
        self.diags.add("tosca-image-conflict",
                       f"{node.name}: artifact {choice.artifact!r} names the image "
                       f"'{choice.image}' and sw_image_data names '{choice.overridden}'; "
                       f"'{choice.image}' is used (the artifact's file comes first)",
                       art.span, path=f'topology_template.node_templates["{node.name}"]'
                       f'.artifacts["{choice.artifact}"]',
                       hint="make sw_image_data (or the artifact's name and version) name the "
                            "same image")

    def node_attributes(self, n: _Node) -> dict[str, Any]:
        adefs = self.reg.attributes("node", n.type)
        raw: Any = n.raw.get("attributes")  # checked below
        out: dict[str, Any] = {}
        if raw is not None and not isinstance(raw, PMap):
            self.diags.add("tosca-wrong-type", "attributes must be a mapping",
                           n.raw.value_span("attributes"), path=n.path)
            raw = None
        for a, v in (raw or {}).items():
            apath = f'{n.path}.attributes["{a}"]'
            if a not in adefs:
                self.diags.mark_failed(("attribute", n.name, a), raw.key_span(a))
                if self.reg.broken_ancestry("node", n.type):
                    continue  # follows from the derived_from error of its type
                self.diags.add("tosca-unknown-property", f"node type {n.type!r} defines no "
                               f"attribute {a!r}", raw.key_span(a), path=apath,
                               hint=did_you_mean(a, list(adefs)))
                continue
            v = self.value(v, adefs[a], Context(n.name, path=apath), raw.value_span(a), apath)
            if v is not _ABSENT:
                out[a] = v
        return out

    def node_capabilities(self, n: _Node) -> dict[str, Capability]:
        raw: Any = n.raw.get("capabilities")  # checked below
        if raw is not None and not isinstance(raw, PMap):
            self.diags.add("tosca-wrong-type", "capabilities must be a mapping",
                           n.raw.value_span("capabilities"), path=n.path)
            raw = None
        raw = raw or {}
        for c in raw:
            if c not in n.caps:
                self.diags.mark_failed(("capability", n.name, c), raw.key_span(c))
                if self.reg.broken_ancestry("node", n.type):
                    continue  # follows from the derived_from error of its type
                self.diags.add("tosca-unknown-field", f"node type {n.type!r} defines no "
                               f"capability {c!r}", raw.key_span(c),
                               path=f'{n.path}.capabilities["{c}"]',
                               hint=did_you_mean(c, list(n.caps)) or choices_hint(n.caps))
        out: dict[str, Capability] = {}
        for cname, cdef in n.caps.items():
            if not cdef.type:
                continue
            cpath = f'{n.path}.capabilities["{cname}"]'
            body = raw.get(cname)
            props_raw = None
            if body is not None:
                if not isinstance(body, PMap):
                    self.diags.add("tosca-wrong-type", f"capability {cname!r} must be a mapping",
                                   raw.value_span(cname), path=cpath)
                else:
                    for k in body:
                        if k == "occurrences" and self.quirks.allow(
                                "capability.occurrences-in-template", body.key_span(k),
                                path=cpath):
                            continue
                        if k not in CAP_KEYS[:2]:
                            self.diags.add("tosca-unknown-field", f"capability {cname!r} does "
                                           f"not allow the keyname {k!r}", body.key_span(k),
                                           path=cpath, hint=did_you_mean(k, CAP_KEYS[:2]))
                    props_raw = body.get("properties")
            # an unassigned capability's defaults are the same for every template of the
            # type (unless they call functions): evaluate them once per type
            key = (n.type, cname)
            cached = self._cap_defaults.get(key) if body is None else None
            if cached is None:
                pdefs = self.cap_pdefs(cdef)
                props, _ = self.eval_properties(
                    pdefs, props_raw, Context(n.name, path=cpath), cpath,
                    f"capability {cname!r} ({cdef.type})",
                    raw.key_span(cname) if body is not None else n.span,
                    check_required=body is not None,
                )
                types = tuple(self.reg.ancestry("capability", cdef.type))
                props = freeze_properties(props, props_raw)
                if body is None and not any(p.has_default and contains_function(p.default)
                                            for p in pdefs.values()):
                    self._cap_defaults[key] = (props, types)
            else:  # frozen: one copy serves every template of the type
                props, types = cached
            out[cname] = Capability(name=cname, type=cdef.type, types=types,
                                    properties=props, span=raw.key_span(cname) if body
                                    is not None else n.span)
        return out

    def node_artifacts(self, n: _Node) -> dict[str, Artifact]:
        if n.name in self.artifacts:
            return self.artifacts[n.name]
        out: dict[str, Artifact] = {}
        self.artifacts[n.name] = out
        raw: Any = n.raw.get("artifacts")  # checked below
        path = f"{n.path}.artifacts"
        if isinstance(raw, PSeq):  # TOSCA 1.0 list form: [ {name: def}, ... ]
            merged = PMap(span=raw.span)
            for item in raw:
                if isinstance(item, PMap):
                    for k, v in item.items():
                        dict.__setitem__(merged, k, v)
                        merged.key_spans[k] = item.key_span(k)
                        merged.value_spans[k] = item.value_span(k)
            raw = merged
        if raw is not None and not isinstance(raw, PMap):
            self.diags.add("tosca-wrong-type", "artifacts must be a mapping",
                           n.raw.value_span("artifacts"), path=path)
            return out
        if raw is None:
            return out
        for name, body in raw.items():
            apath = f'{path}["{name}"]'
            span = raw.key_span(name)
            if isinstance(body, str):
                out[name] = Artifact(name=name, type="tosca.artifacts.File", file=body,
                                     span=span)
                continue
            if not isinstance(body, PMap):
                self.diags.add("tosca-wrong-type", f"artifact {name!r} must be a file name or "
                               "a mapping", raw.value_span(name), path=apath)
                continue
            self._check_keys(body, ARTIFACT_KEYS, f"artifact {name!r}", apath)
            body = self._augment_artifact(n, name, body)
            written = self._undefined_swimage(body, apath)
            atype = self.reg.canonical("artifact", SWIMAGE_BASE) if written else \
                self._want_type(body, "artifact", f"artifact {name!r}", apath, span)
            if "file" not in body:
                self.diags.add("tosca-missing-field", f"artifact {name!r} has no file", span,
                               path=apath)
                continue
            if atype is None:
                continue
            # required artifact properties are checked only when the template gives
            # properties at all: Tacker describes the image in the VDU's sw_image_data
            props, _ = self.eval_properties(
                self.reg.properties("artifact", atype), body.get("properties"),
                Context(n.name, path=apath), apath, f"artifact type {atype!r}", span,
                check_required="properties" in body,
            )
            out[name] = Artifact(
                name=name, type=written or atype, file=str(body["file"]),
                repository=body.get("repository") if isinstance(body.get("repository"),
                                                                str) else None,
                deploy_path=body.get("deploy_path") if isinstance(body.get("deploy_path"),
                                                                  str) else None,
                properties=props, span=span,
            )
        return out

    def _augment_artifact(self, n: _Node, name: str, body: PMap) -> PMap:
        """A template's artifact ``name`` augments the node type's artifact definition of
        that name (TOSCA 1.3 §3.8.3, 2.0 §7.2 "augment or replace"): when the template
        writes no type or no file (before, an error), the keynames it does not write (type, file, repository, deploy_path, properties not
        assigned) are the definition's, placed at the template's artifact."""
        inherited = self.reg.artifacts(n.type).get(name) if n.type else None
        if inherited is None or ("type" in body and "file" in body):
            # a complete artifact replaces the definition: as before, nothing is merged
            return body
        out = PMap(body, span=body.span)
        out.key_spans.update(body.key_spans)
        out.value_spans.update(body.value_spans)
        for key in ("type", "file", "repository", "deploy_path"):
            if key not in body and getattr(inherited, key) is not None:
                dict.__setitem__(out, key, getattr(inherited, key))
                out.key_spans[key] = out.value_spans[key] = inherited.span
        if inherited.properties:
            props = PMap(inherited.properties, span=inherited.span)
            if isinstance(inherited.properties, PMap):
                props.key_spans.update(inherited.properties.key_spans)
                props.value_spans.update(inherited.properties.value_spans)
            own = body.get("properties")
            if isinstance(own, PMap):
                for k, v in own.items():
                    dict.__setitem__(props, k, v)
                    props.key_spans[k] = own.key_span(k)
                    props.value_spans[k] = own.value_span(k)
                props.span = own.span
            if own is None or isinstance(own, PMap):
                dict.__setitem__(out, "properties", props)
                out.key_spans.setdefault("properties", inherited.span)
                out.value_spans.setdefault("properties", props.span)
        return out

    def _undefined_swimage(self, body: PMap, apath: str) -> str | None:
        """Quirk artifact.swimage-undefined: ``tosca.artifacts.nfv.SwImage`` named by a
        package that neither defines nor imports it (Tacker's single-file VNFDs), on an
        artifact without properties, is read as SOL001 2.x defines it: derived from
        tosca.artifacts.Deployment.Image, no properties of its own.  Returns the name."""
        t = body.get("type")
        if t != SWIMAGE or "properties" in body or self.reg.canonical("artifact", t) \
                is not None or self.reg.canonical("artifact", SWIMAGE_BASE) is None:
            return None
        if not self.quirks.allow("artifact.swimage-undefined", body.value_span("type"),
                                 path=f"{apath}.type"):
            return None
        return t


def _has_runtime(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, RuntimeRef):
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _directives(raw: PMap, diags: Diagnostics, path: str) -> tuple[str, ...]:
    d = raw.get("directives")
    if d is None:
        return ()
    if isinstance(d, list) and all(isinstance(x, str) for x in d):
        return tuple(d)
    diags.add("tosca-wrong-type", "directives must be a list of strings",
              raw.value_span("directives"), path=f"{path}.directives")
    return ()

