"""Groups, policies and substitution mappings of a topology template (TOSCA 1.3 §3.8.5,
§3.8.6, §3.8.13), interface assignments (§3.6.21), and the shape of node filters (§3.6.5).

Phase: resolve.  A mixin of :class:`compiler.resolve.templates.TemplateResolver`, kept in
its own module so that each stays readable: it uses the resolver's node index, its
property evaluation (``eval_properties``) and its quirk reporter.  Output: ``Group``,
``Policy`` and ``Substitution`` IR.

Interfaces come out as plain data: ``{name: {type, inputs, operations: {op:
{implementation, inputs}}}}``, the type's operations first, operation inputs evaluated.

Codes: tosca-unknown-field, tosca-wrong-type, tosca-unknown-template, tosca-unknown-type,
tosca-substitution, tosca-unsupported (policy triggers), tosca-quirk.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..diagnostics import Diagnostics, Span
from ..loader.yamlpos import PMap, PSeq, to_plain
from ..model import Group, Policy, Substitution
from ..model.frozen import freeze_properties
from .constraints import violation
from .functions import Context, Unresolved, did_you_mean, function_name
from .host import ResolverHost

OP_KEYS = ("description", "implementation", "inputs", "outputs")

GROUP_KEYS = ("type", "description", "metadata", "properties", "members", "interfaces")
POLICY_KEYS = ("type", "description", "metadata", "properties", "targets", "triggers")
SUB_KEYS = ("node_type", "substitution_filter", "properties", "capabilities", "requirements",
            "attributes", "interfaces")


def _kspan(m: Any, k: Any) -> Span:
    return m.key_span(k) if isinstance(m, PMap) else getattr(m, "span", Span("<unknown>"))


def _vspan(m: Any, k: Any) -> Span:
    return m.value_span(k) if isinstance(m, PMap) else getattr(m, "span", Span("<unknown>"))


class GroupsMixin(ResolverHost):
    """build_groups / build_policies / substitution for the TemplateResolver."""

    def build_groups(self, raw: Any, container: PMap | None, path: str) -> dict[str, Group]:
        out: dict[str, Group] = {}
        if raw is None:
            return out
        if not isinstance(raw, PMap):
            self.diags.add("tosca-wrong-type", "groups must be a mapping of names to groups",
                           _vspan(container, "groups"), path=path)
            return out
        for name, body in raw.items():
            gpath = f'{path}["{name}"]'
            kspan = raw.key_span(name)
            if not isinstance(body, PMap):
                self.diags.add("tosca-wrong-type", f"group {name!r} must be a mapping",
                               raw.value_span(name), path=gpath)
                continue
            self._check_keys(body, GROUP_KEYS, f"group {name!r}", gpath)
            t = self._want_type(body, "group", f"group {name!r}", gpath, kspan)
            if t is None:
                continue
            members, mspans = self._names(body, "members", gpath, set(raw), "group")
            allowed = self._allowed("group", t, "members")
            for m, ms in zip(members, mspans, strict=True):
                n = self.nodes.get(m)
                if allowed and n is not None and n.type and not any(
                        self.reg.canonical("node", a) in n.types for a in allowed):
                    if not self.quirks.allow("group.members-unknown-to-type", ms,
                                             detail=f"{m} is a {n.type}", path=gpath):
                        self.diags.add("tosca-wrong-type", f"group type {t!r} takes members of "
                                       f"types {', '.join(allowed)}; {m!r} is a {n.type}", ms,
                                       path=gpath)
            props, spans = self.eval_properties(
                self.reg.properties("group", t), body.get("properties"),
                Context(None, path=gpath, self_kind="group"), gpath, f"group type {t!r}", kspan,
                missing_quirk="group.required-property",
            )
            out[str(name)] = Group(name=str(name), type=t, types=tuple(self.reg.ancestry("group", t)),
                                   members=tuple(members),
                                   properties=freeze_properties(props, body.get("properties")),
                                   span=kspan,
                                   property_spans=spans, member_spans=tuple(mspans))
        return out

    def _allowed(self, kind: str, t: str, what: str) -> tuple[str, ...]:
        """The member/target types a group/policy type (or its ancestors) allows."""
        for a in self.reg.ancestry(kind, t):
            td = self.reg.get(kind, a)
            v = getattr(td, what, None) if td is not None else None
            if v:
                return tuple(v)
        return ()

    def _names(self, body: PMap, key: str, path: str, groups: set, what: str
               ) -> tuple[list[str], list[Span]]:
        raw = body.get(key)
        if raw is None:
            return [], []
        if not isinstance(raw, PSeq):
            self.diags.add("tosca-wrong-type", f"{key} must be a list of template names",
                           body.value_span(key), path=f"{path}.{key}")
            return [], []
        names, spans = [], []
        for i, m in enumerate(raw):
            span = raw.item_span(i)
            if not isinstance(m, str):
                self.diags.add("tosca-wrong-type", f"{key} must be a list of template names",
                               span, path=f"{path}.{key}[{i}]")
                continue
            if m not in self.nodes and m not in groups:
                self.diags.add("tosca-unknown-template", f"{what} {key} names no node "
                               f"template{' or group' if what == 'policy' else ''} {m!r}",
                               span, path=f"{path}.{key}[{i}]",
                               hint=did_you_mean(m, list(self.nodes) + sorted(groups)))
                continue
            names.append(m)
            spans.append(span)
        return names, spans

    def build_policies(self, raw: Any, container: PMap | None, path: str,
                       groups: Mapping[str, Group]) -> dict[str, Policy]:
        out: dict[str, Policy] = {}
        if raw is None:
            return out
        items: list[tuple[str, Any, Span, Span, PMap]] = []
        if isinstance(raw, PSeq):
            for i, item in enumerate(raw):
                if not isinstance(item, PMap) or len(item) != 1:
                    self.diags.add("tosca-wrong-type", "a policy is a one-entry mapping "
                                   "'name: {type: ...}'", raw.item_span(i),
                                   path=f"{path}[{i}]")
                    continue
                (k, v), = item.items()
                items.append((str(k), v, item.key_span(k), item.value_span(k), item))
        elif isinstance(raw, PMap) and self.quirks.allow(
                "policies.map", _kspan(container, "policies"), path=path):
            for k, v in raw.items():
                items.append((str(k), v, raw.key_span(k), raw.value_span(k), raw))
        else:
            self.diags.add("tosca-wrong-type", "policies must be a list of one-entry mappings",
                           _vspan(container, "policies"), path=path)
            return out
        for name, body, kspan, vspan, _ in items:
            ppath = f'{path}["{name}"]'
            if not isinstance(body, PMap):
                self.diags.add("tosca-wrong-type", f"policy {name!r} must be a mapping", vspan,
                               path=ppath)
                continue
            self._check_keys(body, POLICY_KEYS, f"policy {name!r}", ppath)
            t = self._want_type(body, "policy", f"policy {name!r}", ppath, kspan)
            if t is None:
                continue
            if "triggers" in body:
                self.diags.add("tosca-unsupported", f"policy {name!r}: triggers are accepted "
                               "but not processed (xfc acts on wirings' on_failure steps)",
                               body.key_span("triggers"), path=ppath)
            targets, tspans = self._names(body, "targets", ppath, set(groups), "policy")
            allowed = self._allowed("policy", t, "targets")
            if allowed:
                for tg, ts in zip(targets, tspans, strict=True):
                    types = self.nodes[tg].types if tg in self.nodes else groups[tg].types
                    if not types:
                        continue
                    if not any(self.reg.canonical("node", a) in types
                               or self.reg.canonical("group", a) in types for a in allowed):
                        if not self.quirks.allow("policy.targets-unknown-to-type", ts,
                                                 detail=f"{tg} is a {types[0]}", path=ppath):
                            self.diags.add("tosca-wrong-type", f"policy type {t!r} targets "
                                           f"{', '.join(allowed)}; {tg!r} is a {types[0]}",
                                           ts, path=ppath)
            props, spans = self.eval_properties(
                self.reg.properties("policy", t), body.get("properties"),
                Context(None, path=ppath, self_kind="policy"), ppath, f"policy type {t!r}",
                kspan,
            )
            out[name] = Policy(name=name, type=t, types=tuple(self.reg.ancestry("policy", t)),
                               targets=tuple(targets),
                               properties=freeze_properties(props, body.get("properties")),
                               span=kspan,
                               property_spans=spans, target_spans=tuple(tspans))
        return out

    # ======================================================================= substitution
    def substitution(self, raw: Any, container: PMap, path: str) -> Substitution | None:
        if raw is None:
            return None
        span = container.key_span("substitution_mappings")
        if not isinstance(raw, PMap):
            self.diags.add("tosca-substitution", "substitution_mappings must be a mapping",
                           container.value_span("substitution_mappings"), path=path)
            return None
        for k in raw:
            if k not in SUB_KEYS:
                self.diags.add("tosca-unknown-field", f"substitution_mappings does not allow "
                               f"the keyname {k!r}", raw.key_span(k), path=path,
                               hint=did_you_mean(k, SUB_KEYS) or "allowed: " + ", ".join(SUB_KEYS))
        if "substitution_filter" in raw:
            sf, sspan = raw["substitution_filter"], raw.value_span("substitution_filter")
            if isinstance(sf, PMap) and list(sf) == ["node_filter"] and self.quirks.allow(
                    "substitution.filter-wrapper", sf.key_span("node_filter"), path=path):
                sf, sspan = sf["node_filter"], sf.value_span("node_filter")
            check_node_filter(sf, sspan, self.diags, f"{path}.substitution_filter")
        if "node_type" not in raw:
            self.diags.add("tosca-substitution", "substitution_mappings has no node_type",
                           span, path=path)
            return None
        nt = raw["node_type"]
        t = self.reg.canonical("node", nt) if isinstance(nt, str) else None
        if t is None:
            self.diags.add("tosca-unknown-type", f"substitution_mappings names an unknown node "
                           f"type {nt!r}", raw.value_span("node_type"), path=f"{path}.node_type",
                           hint=did_you_mean(nt, list(self.reg.types_of("node"))))
            return None
        pdefs = self.reg.properties("node", t)
        props: dict[str, Any] = {}
        praw = raw.get("properties")
        if isinstance(praw, PMap):
            for p, v in praw.items():
                if p not in pdefs:
                    self.diags.add("tosca-substitution", f"node type {t!r} defines no property "
                                   f"{p!r} to map", praw.key_span(p), path=f"{path}.properties",
                                   hint=did_you_mean(p, list(pdefs)))
                    continue
                if isinstance(v, PSeq) and len(v) == 1 and isinstance(v[0], str):
                    if v[0] not in self.inputs.values:
                        self.diags.add("tosca-substitution", f"property {p!r} is mapped to an "
                                       f"unknown input {v[0]!r}", v.item_span(0),
                                       path=f"{path}.properties",
                                       hint=did_you_mean(v[0], self.inputs.names()))
                        continue
                    props[p] = to_plain(self.inputs.values[v[0]])
                elif p == "flavour_id" and self._flavour_id_quirk(t, v, pdefs[p],
                                                               praw.value_span(p), path):
                    props[p] = to_plain(v)
                else:
                    v2 = self.value(v, pdefs[p], Context(None, path=path, self_kind="output"),
                                    praw.value_span(p), f'{path}.properties["{p}"]')
                    if v2 is not self._ABSENT:
                        props[p] = v2
        caps = self._sub_map(raw, "capabilities", t, path, set(self.reg.capabilities(t)),
                             self.capability_of)
        req_names = {d.name for d in self.reg.requirements(t)}
        reqs = self._sub_map(raw, "requirements", t, path, req_names,
                             lambda n, r: r if self.requirement_target(n, r) is not None
                             or r in {d.name for d in self.reg.requirements(self.nodes[n].type)}
                             else None)
        return Substitution(node_type=t, properties=props, capabilities=caps,
                            requirements=reqs, span=span)

    def _flavour_id_quirk(self, t: str, v: Any, pdef: Any, span: Span, path: str) -> bool:
        """True (with the quirk's warning) when a VNF flavour's ``flavour_id`` is a string
        that breaks only its type's constraints, and the quirk accepts it as written."""
        if not isinstance(v, str) or not self.reg.is_a("node", t, "tosca.nodes.nfv.VNF") \
                or pdef.type != "string":
            return False
        broken = [why for c in pdef.constraints if (why := violation(c, str(v), "string"))]
        return bool(broken) and self.quirks.allow(
            "substitution.flavour-id-valid-values", span, path=f'{path}.properties["flavour_id"]',
            detail="; ".join(broken))

    def _sub_map(self, raw: PMap, key: str, t: str, path: str, names: set[str], lookup
                 ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        m = raw.get(key)
        if m is None:
            return out
        kpath = f"{path}.{key}"
        if isinstance(m, PSeq) and all(isinstance(x, PMap) and len(x) == 1 for x in m) and \
                self.quirks.allow("substitution.mapping-list", raw.key_span(key), path=kpath):
            entries = [(k, v, x.key_span(k), x.value_span(k)) for x in m for k, v in x.items()]
        elif not isinstance(m, PMap):
            self.diags.add("tosca-substitution", f"{key} of substitution_mappings must be a "
                           "mapping", raw.value_span(key), path=kpath)
            return out
        else:
            entries = [(k, v, m.key_span(k), m.value_span(k)) for k, v in m.items()]
        what = key[:-1] if key == "requirements" else "capability"
        for name, v, nspan, vspan in entries:
            if name not in names:
                vnf = key == "requirements" and self.reg.is_a("node", t, "tosca.nodes.nfv.VNF")
                if not vnf or not self.quirks.allow("substitution.undefined-name",
                                                    nspan,
                                         detail=f"{what} {name!r} of {t}", path=kpath):
                    self.diags.add("tosca-substitution", f"node type {t!r} defines no {what} "
                                   f"{name!r} to map", nspan, path=kpath,
                                   hint=did_you_mean(name, sorted(names)))
                    continue
            if isinstance(v, PSeq) and len(v) == 0 and key == "requirements" and \
                    self.quirks.allow("substitution.requirement-list", vspan,
                                      detail=name, path=kpath):
                out[name] = None
                continue
            if not (isinstance(v, PSeq) and len(v) == 2 and all(isinstance(x, str) for x in v)):
                self.diags.add("tosca-substitution", f"{what} mapping {name!r} must be "
                               "[ <node template>, <name> ]", vspan, path=kpath)
                continue
            node, inner = v
            vnf_req = key == "requirements" and self.reg.is_a("node", t, "tosca.nodes.nfv.VNF")
            if node not in self.nodes:
                if not (vnf_req and self.quirks.allow(
                        "substitution.missing-node", v.item_span(0), path=kpath,
                        detail=f"requirement {name!r} mapped to {node!r}")):
                    self.diags.add("tosca-unknown-template", f"{what} mapping {name!r} names "
                                   f"no node template {node!r}", v.item_span(0), path=kpath,
                                   hint=did_you_mean(node, list(self.nodes)))
                continue
            if self.nodes[node].type and lookup(node, inner) is None:
                if not (vnf_req and self.quirks.allow(
                        "substitution.missing-requirement", v.item_span(1), path=kpath,
                        detail=f"requirement {name!r} mapped to {inner!r} of {node!r}")):
                    self.diags.add("tosca-substitution", f"node template {node!r} has no "
                                   f"{what} {inner!r}", v.item_span(1), path=kpath)
                continue
            if name in out and isinstance(out[name], tuple):
                out[name] = (out[name], (node, inner)) if isinstance(out[name][0], str) \
                    else out[name] + ((node, inner),)
            else:
                out[name] = (node, inner)
        return out

    # ------------------------------------------------------------------ interfaces
    def interfaces(self, raw_owner: PMap, kind: str, type_name: str, ctx: Context, path: str
                   ) -> dict[str, Any]:
        """Interfaces as plain data: {name: {type, inputs, operations: {op: {...}}}}."""
        idefs = self.reg.interfaces(kind, type_name)
        raw: Any = raw_owner.get("interfaces")  # checked below
        out: dict[str, Any] = {}
        if raw is not None and not isinstance(raw, PMap):
            self.diags.add("tosca-wrong-type", "interfaces must be a mapping",
                           raw_owner.value_span("interfaces"), path=path)
            raw = None
        raw = raw or {}
        for iname, body in raw.items():
            ipath = f'{path}.interfaces["{iname}"]'
            if iname not in idefs:
                self.diags.add("tosca-unknown-field", f"type {type_name!r} defines no "
                               f"interface {iname!r}", raw.key_span(iname), path=ipath,
                               hint=did_you_mean(iname, list(idefs)) or "defined: " + (", ".join(idefs) or "none"))
                continue
            idef = idefs[iname]
            entry: dict[str, Any] = {"type": idef.type, "inputs": {}, "operations": {}}
            for op, odef in (idef.operations or {}).items():
                entry["operations"][op] = {"implementation": to_plain(odef.implementation),
                                           "inputs": {}}
            if body is None:
                out[iname] = entry
                continue
            if not isinstance(body, PMap):
                self.diags.add("tosca-wrong-type", f"interface {iname!r} must be a mapping",
                               raw.value_span(iname), path=ipath)
                continue
            known_ops = set(idef.operations or {})
            vnflcm = bool(idef.type) and self.reg.is_a("interface", idef.type,
                                                       "tosca.interfaces.nfv.Vnflcm")
            sources = [(body, ipath)]
            if isinstance(body.get("operations"), PMap):
                sources.append((body["operations"], f"{ipath}.operations"))
            for src, spath in sources:
                for op, obody in src.items():
                    if src is body and op in ("type", "inputs", "operations", "notifications",
                                              "description"):
                        continue
                    opath = f'{spath}["{op}"]'
                    if known_ops and op not in known_ops and not (
                            vnflcm and self.quirks.allow(
                                "operation.undefined", src.key_span(op), path=opath,
                                detail=f"{iname}.{op}")):
                        self.diags.add("tosca-unknown-field", f"interface {iname!r} defines no "
                                       f"operation {op!r}", src.key_span(op), path=opath,
                                       hint=did_you_mean(op, sorted(known_ops)))
                        continue
                    entry["operations"][op] = self._operation(op, obody, src, ctx, opath)
            if isinstance(body.get("inputs"), PMap):
                entry["inputs"] = self._free_values(body["inputs"], ctx, f"{ipath}.inputs")
            out[iname] = entry
        if kind == "relationship":
            self._type_level_inputs(idefs, out, ctx, path)
        return out

    def _type_level_inputs(self, idefs: Mapping[str, Any], out: dict[str, Any], ctx: Context,
                           path: str) -> None:
        """Input values a relationship type writes in its interfaces (function calls, not
        parameter definitions) evaluated for this relationship: SOURCE and TARGET are
        its nodes (TOSCA 1.3 §4.1, §3.7.5).  A template's own input of that name wins."""
        for iname, idef in idefs.items():
            ipath = f'{path}.interfaces["{iname}"]'
            levels = [(idef.inputs, None)] + [(od.inputs, op) for op, od in
                                               (idef.operations or {}).items()]
            for inputs, op in levels:
                calls = PMap(span=getattr(inputs, "span", None))
                for k, v in (inputs or {}).items():
                    if function_name(v) is not None:
                        dict.__setitem__(calls, k, v)
                        if isinstance(inputs, PMap):
                            calls.value_spans[k] = inputs.value_span(k)
                            calls.key_spans[k] = inputs.key_span(k)
                if not calls:
                    continue
                entry = out.setdefault(iname, {"type": idef.type, "inputs": {}, "operations": {
                    o: {"implementation": to_plain(od.implementation), "inputs": {}}
                    for o, od in (idef.operations or {}).items()}})
                where = entry["inputs"] if op is None else \
                    entry["operations"].setdefault(op, {"implementation": None, "inputs": {}})[
                        "inputs"]
                spath = f"{ipath}.inputs" if op is None else f'{ipath}["{op}"].inputs'
                for k, v in self._free_values(calls, ctx, spath).items():
                    where.setdefault(k, v)

    def _operation(self, op: str, body: Any, src: PMap, ctx: Context, path: str) -> dict:
        if body is None or isinstance(body, str):
            return {"implementation": body, "inputs": {}}
        if isinstance(body, PSeq) and self.quirks.allow(
                "operation.list", src.value_span(op), detail=op, path=path):
            return {"implementation": None, "inputs": {}}
        if not isinstance(body, PMap):
            self.diags.add("tosca-wrong-type", f"operation {op!r} must be an implementation "
                           "name or a mapping", src.value_span(op), path=path)
            return {"implementation": None, "inputs": {}}
        self._check_keys(body, OP_KEYS, f"operation {op!r}", path)
        inputs = body.get("inputs")
        return {
            "implementation": to_plain(body.get("implementation")),
            "inputs": self._free_values(inputs, ctx, f"{path}.inputs")
            if isinstance(inputs, PMap) else {},
        }

    def _free_values(self, raw: PMap, ctx: Context, path: str) -> dict[str, Any]:
        """Untyped values (operation inputs): functions evaluated, no validation."""
        out = {}
        for k, v in raw.items():
            kpath = f'{path}["{k}"]'
            try:
                out[k] = to_plain(self.ev.evaluate(v, Context(
                    ctx.self_node, source=ctx.source, target=ctx.target, path=kpath,
                    self_kind=ctx.self_kind, relationship=ctx.relationship),
                    raw.value_span(k)))
            except Unresolved:
                continue
        return out


FILTER_KEYS = ("properties", "capabilities")


def check_node_filter(raw: Any, span: Span, diags: Diagnostics, path: str) -> None:
    """The shape of a node filter (TOSCA 1.3 §3.6.5): ``properties`` a list of one-entry
    mappings, ``capabilities`` a list of one-entry mappings to ``{properties: [...]}``."""
    if not isinstance(raw, PMap):
        diags.add("tosca-wrong-type", "a node filter must be a mapping", span, path=path)
        return
    for k, v in raw.items():
        kpath = f"{path}.{k}"
        if k not in FILTER_KEYS:
            diags.add("tosca-unknown-field", f"a node filter does not allow the keyname {k!r}",
                      raw.key_span(k), path=kpath,
                      hint=did_you_mean(k, FILTER_KEYS) or "allowed: properties, capabilities")
            continue
        if not isinstance(v, PSeq):
            diags.add("tosca-wrong-type", f"{k} of a node filter must be a list of one-entry "
                      "mappings", raw.value_span(k), path=kpath)
            continue
        for i, item in enumerate(v):
            if not isinstance(item, PMap) or len(item) != 1:
                diags.add("tosca-wrong-type", f"each entry of {k} in a node filter is a "
                          "one-entry mapping", v.item_span(i), path=f"{kpath}[{i}]")
                continue
            if k == "capabilities":
                (cname, body), = item.items()
                if not isinstance(body, PMap):
                    diags.add("tosca-wrong-type", f"the filter of capability {cname!r} must be "
                              "a mapping with properties", item.value_span(cname),
                              path=f"{kpath}[{i}]")
                    continue
                check_node_filter(body, item.value_span(cname), diags, f"{kpath}[{i}]")


