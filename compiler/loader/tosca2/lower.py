"""A TOSCA 2.0 file, lowered to the TOSCA 1.3 form the resolver reads.

Phase: load (the TOSCA 2.0 front end, :mod:`compiler.tosca2`).  Input: one parsed,
positioned TOSCA 2.0 file (``tosca_definitions_version: tosca_2_0``).  Output: a new
positioned mapping in the TOSCA 1.3 grammar with the same meaning, every key and value at
the position it was written in the 2.0 file, so that the resolver builds the same IR
(:class:`compiler.model.Topology`) and every diagnostic points into the 2.0 text.

What changes, by clause of TOSCA 2.0 (csd06); docs/tosca-2.md has the full table:

* §6.1 file keynames: ``service_template`` → ``topology_template``; ``profile`` (the name
  the file's types are imported by) is read and dropped; ``functions`` (§6.6) is refused.
* §6.8 imports: ``url`` → ``file``, ``namespace`` → ``namespace_prefix`` (a type is then
  named ``ns:Type``, which the 1.3 registry reads as ``ns.Type``); ``profile`` → a
  catalog file (:data:`compiler.tosca2.PROFILES`) or, for the TOSCA simple profile, the
  normative types xfc has built in (whose short names, ``Compute``, are the 2.0 names).
* §9.3/§9.5 property, attribute and parameter definitions and schema definitions:
  ``validation`` → ``constraints`` (:mod:`.functions`); a property's fixed ``value`` is
  read as its ``default``, with a warning.
* §8.5 requirement definitions: ``count_range`` → ``occurrences`` (none: ``[0,
  UNBOUNDED]``, written out, since 1.3's default is ``[1, 1]``); §8.2 capability
  definitions and types: ``valid_source_node_types`` → ``valid_source_types``; §7.4
  relationship types: ``valid_capability_types`` → ``valid_target_types``.
* §6.9.3 node templates: ``count`` 1 is dropped, any other count is kept under the key
  :data:`.count.COUNT` for the resolver, which multiplies a workload's replicas by it
  or refuses it (:mod:`.count`, §14.1);
  §8.7 requirement assignments: ``count: 1`` dropped, ``optional``, ``allocation`` and
  ``directives`` refused, a ``node_filter`` selects the target among the service
  template's node templates (:mod:`.selection`); §16.5 policy ``triggers``: a warning.
* every value: ``$``-functions and ``$$`` (:mod:`.functions`), boolean functions on
  written values evaluated (:mod:`.conditions`), ``<tosca_path>`` over ``RELATIONSHIP``
  walked (:mod:`.paths`).
* data types derived from ``scalar`` and ``type: bytes`` (§9.1.1.5): 1.3 strings with
  a pattern (:mod:`.scalars`); §7.2/§7.4 ``copy`` of templates (:mod:`.copies`).

Anything else is carried as written, so the 1.3 reader reports a key it does not know
with its position (never a silent drop).

Codes: tosca2-unsupported, tosca-unsupported, tosca-unknown-field, tosca-wrong-type
(``profile`` not a string), import-invalid, import-unresolved, tosca-quirk
(``profile.simple-alias``), plus those of :mod:`.functions`.
"""

from __future__ import annotations

from typing import Any

from ...diagnostics import Diagnostics, Span
from ..yamlpos import PMap, PSeq
from .functions import Values
from .count import COUNT
from .copies import copies
from ...limits import DEFAULT_LIMITS, Limits
from .scalars import bytes_def, scalar_type, scalar_type_names
from .paths import Graph
from .selection import Selector

V13 = "tosca_simple_yaml_1_3"
FILE_KEYS = ("tosca_definitions_version", "description", "metadata", "dsl_definitions",
             "artifact_types", "data_types", "capability_types", "interface_types",
             "relationship_types", "node_types", "group_types", "policy_types",
             "repositories", "functions", "profile", "imports", "service_template")
SERVICE_KEYS = ("description", "metadata", "inputs", "outputs", "node_templates",
                "relationship_templates", "groups", "workflows", "policies",
                "substitution_mappings")
TYPE_SECTIONS = ("artifact_types", "data_types", "capability_types", "interface_types",
                 "relationship_types", "node_types", "group_types", "policy_types")
# key renames of TOSCA 2.0 → 1.3, per place
_CAP_RENAME = {"valid_source_node_types": "valid_source_types"}
_REL_RENAME = {"valid_capability_types": "valid_target_types"}
_REQDEF_RENAME = {"count_range": "occurrences"}
# keys 2.0 defines that 1.3 has no form for, per place, with their clause.  These only
# narrow what a valid template may do: not enforcing them changes no valid descriptor's
# meaning, so they are accepted with a warning (tosca-unsupported)
_CAP_ONLY2 = {"valid_relationship_types": "§8.2"}
_REL_ONLY2 = {"valid_target_node_types": "§7.4", "valid_source_node_types": "§7.4"}
_REQDEF_ONLY2 = {"node_filter": "§8.5"}
# the simple profile's interface type names that are not short names of the 1.3
# normative types (the other 58 of its 60 type names are, §6.7.2)
_INTERFACE_NAMES = {
    "Lifecycle.Standard": "tosca.interfaces.node.lifecycle.Standard",
    "Relationship.Configure": "tosca.interfaces.relationship.Configure",
}
_NARROWING = {"valid_relationship_types", "valid_target_node_types",
              "valid_source_node_types", "node_filter"}
_REQASSIGN_ONLY2 = {"allocation": "§8.7.1", "optional": "§8.7.1", "directives": "§8.7.1"}


class Lowerer:
    """Lowers one TOSCA 2.0 file (a fresh instance per file)."""

    def __init__(self, diags: Diagnostics, profiles: dict[str, str | None],
                 aliases: dict[str, str], quirks: Any, limits: Limits = DEFAULT_LIMITS) -> None:
        self.diags = diags
        self.limits = limits
        self.quirks = quirks  # a compiler.loader.quirks.QuirkReporter
        self.v = Values(diags)
        self.profiles = profiles
        self.aliases = aliases

    # ------------------------------------------------------------------ helpers
    def put(self, out: PMap, key: Any, value: Any, src: PMap, src_key: Any) -> None:
        Values.put(out, key, value, src, src_key)

    def unsupported(self, what: str, clause: str, span: Span, path: str, hint: str = "") -> None:
        self.diags.add("tosca2-unsupported",
                       f"{what} (TOSCA 2.0 {clause}) is not read by xfc yet", span, path=path,
                       hint=hint or "docs/tosca-2.md lists what xfc reads of TOSCA 2.0")

    def each(self, m: Any, path: str, fn: Any) -> Any:
        """A map of named definitions, each lowered by ``fn(body, path)``."""
        if not isinstance(m, PMap):
            return m
        out = PMap(span=m.span)
        for k, body in m.items():
            self.put(out, k, fn(body, f"{path}.{k}"), m, k)
        return out

    def named_list(self, body: Any, fn: Any) -> Any:
        """A list of single-key maps (requirement definitions and assignments, policies),
        each value lowered by ``fn(name, value)``; other items carried as written."""
        if not isinstance(body, PSeq):
            return body
        out = PSeq(span=body.span)
        for i, item in enumerate(body):
            if isinstance(item, PMap) and len(item) == 1:
                (name, d), = item.items()
                new = PMap(span=item.span)
                self.put(new, name, fn(name, d), item, name)
                item = new
            out.append(item)
            out.item_spans.append(body.item_span(i))
        return out

    def keyed(self, m: Any, path: str, fields: dict[str, Any],
              rename: dict[str, str] | None = None, only2: dict[str, str] | None = None) -> Any:
        """A definition: each key in ``fields`` lowered by its function, renames applied,
        2.0-only keys reported, other keys carried as written."""
        if not isinstance(m, PMap):
            return m
        out = PMap(span=m.span)
        for k, body in m.items():
            if only2 and k == "triggers":
                self.triggers(m, path, only2[k])
                continue
            if only2 and k in only2:
                # node_filter narrows only in a requirement definition (§8.5)
                narrowing = k in _NARROWING and (k != "node_filter" or only2 is _REQDEF_ONLY2)
                if narrowing:
                    self.diags.add("tosca-unsupported", f"the keyname {k!r} (TOSCA 2.0 "
                                   f"{only2[k]}) is accepted but not enforced: it only "
                                   "narrows what a template may do", m.key_span(k), path=path)
                else:
                    self.unsupported(f"the keyname {k!r}", only2[k], m.key_span(k), path)
                continue
            nk = (rename or {}).get(k, k)
            fn = fields.get(k)
            self.put(out, nk, fn(body, m.value_span(k), f"{path}.{k}") if fn else body, m, k)
        return out

    def triggers(self, m: PMap, path: str, clause: str) -> None:
        """A policy's or policy type's ``triggers`` (§16.5): event, condition, action
        tuples for a policy engine, which xfc is not; each is named in a warning (the
        policy's other keynames are read)."""
        body = m["triggers"]
        names = [str(k) for k in body] if isinstance(body, PMap) else []
        events = []
        for name in names:
            t = body[name]
            ev = t.get("event") if isinstance(t, PMap) else None
            events.append(f"{name!r}" + (f" (event {ev!r})" if isinstance(ev, str) else ""))
        what = ("the triggers " + ", ".join(events)) if events else "its triggers"
        self.diags.add("tosca-unsupported", f"{what} of {path.rsplit('.', 1)[-1]!r} are not "
                       f"acted on (TOSCA 2.0 {clause}, §16.5): xfc runs no policy engine, so "
                       "no event, condition or action of a trigger changes what it builds",
                       m.key_span("triggers"), path=f"{path}.triggers",
                       hint="the failure handling xfc builds is the wirings' on_failure "
                            "ladders (docs/xfactor.md)")

    def val(self, body: Any, span: Span, path: str) -> Any:
        return self.v.value(body, span, path)

    def values(self, m: Any, span: Span, path: str) -> Any:
        """A map of assigned values (properties, attributes), each lowered."""
        if not isinstance(m, PMap):
            return m
        out = PMap(span=m.span)
        for k, body in m.items():
            self.put(out, k, self.val(body, m.value_span(k), f"{path}.{k}"), m, k)
        return out

    # ------------------------------------------------------------------ file
    def file(self, data: PMap) -> PMap:
        out = PMap(span=data.span)
        own = data.get("interface_types")
        self.interface_names = {k: v for k, v in _INTERFACE_NAMES.items()
                                if not (isinstance(own, PMap) and k in own)}
        self.scalar_types = scalar_type_names(data.get("data_types"))
        self.data_types = data.get("data_types")
        for k, body in data.items():
            span = data.value_span(k)
            if k == "tosca_definitions_version":
                self.put(out, k, V13, data, k)
            elif k == "profile":
                if not isinstance(body, str):
                    self.diags.add("tosca-wrong-type", "profile must be a string (TOSCA 2.0 "
                                   "§6.7)", span, path="profile")
                if "service_template" in data:
                    self.diags.add("tosca-unknown-field", "a TOSCA file that defines a "
                                   "profile must not define a service_template (TOSCA 2.0 "
                                   "§6.1)", data.key_span("service_template"),
                                   path="service_template")
            elif k == "functions":
                # the definitions change nothing until called; a call is reported there
                self.diags.add("tosca-unsupported", "function definitions (TOSCA 2.0 §6.6) "
                               "are accepted, not evaluated: a call of one is an error",
                               data.key_span(k), path=str(k))
            elif k == "imports":
                self.put(out, k, self.imports(body), data, k)
            elif k == "service_template":
                self.put(out, "topology_template", self.service_template(body, data, out),
                         data, k)
            elif k in TYPE_SECTIONS:
                kind = k[:-len("_types")]
                self.put(out, k, self.each(body, k, lambda b, p, kind=kind:
                                           self.type_def(kind, b, p)), data, k)
            elif k in FILE_KEYS:
                self.put(out, k, body, data, k)
            else:
                self.diags.add("tosca-unknown-field", f"a TOSCA 2.0 file does not allow the "
                               f"keyname {k!r} (TOSCA 2.0 §6.1)", data.key_span(k),
                               path=str(k), hint="allowed: " + ", ".join(FILE_KEYS))
        return out

    # ------------------------------------------------------------------ imports (§6.8)
    def imports(self, body: Any) -> Any:
        if not isinstance(body, PSeq):
            return body  # the loader says 'imports' must be a list
        out = PSeq(span=body.span)
        for i, item in enumerate(body):
            span = body.item_span(i)
            new = self.import_def(item, span)
            if new is not None:
                out.append(new)
                out.item_spans.append(span)
        return out

    def import_def(self, item: Any, span: Span) -> Any:
        if not isinstance(item, PMap):
            return item  # a bare URL or path: as in 1.3
        keys = set(item)
        unknown = sorted(keys - {"url", "profile", "repository", "namespace", "description",
                                 "metadata"})
        if unknown:
            self.diags.add("import-invalid", f"unknown key {unknown[0]!r} in an import "
                           "definition (TOSCA 2.0 §6.8.1)", item.key_span(unknown[0]),
                           hint="an import definition takes url or profile, repository, "
                                "namespace, description and metadata")
            return None
        if ("url" in keys) == ("profile" in keys):
            self.diags.add("import-invalid", "an import definition names either a url or a "
                           "profile, not both and not neither (TOSCA 2.0 §6.8.1)", span)
            return None
        ns = item.get("namespace")
        if ns is not None and not isinstance(ns, str):
            self.diags.add("import-invalid", "'namespace' must be a string",
                           item.value_span("namespace"))
            return None
        if "profile" in keys:
            return self.profile_import(item, ns, span)
        out = PMap(span=item.span)
        self.put(out, "file", item.get("url"), item, "url")
        if "repository" in item:
            self.put(out, "repository", item["repository"], item, "repository")
        if ns:
            self.put(out, "namespace_prefix", ns, item, "namespace")
        return out

    def profile_import(self, item: PMap, ns: Any, span: Span) -> Any:
        name = item.get("profile")
        at = item.value_span("profile")
        if "repository" in item:
            self.diags.add("import-invalid", "a profile import takes no repository (TOSCA "
                           "2.0 §6.8.1)", item.key_span("repository"))
            return None
        if isinstance(name, str) and name in self.aliases and self.quirks.allow(
                "profile.simple-alias", at, f"{name!r} read as {self.aliases[name]!r}"):
            name = self.aliases[name]
        if not isinstance(name, str) or name not in self.profiles:
            self.diags.add("import-unresolved", f"unknown profile {name!r}: xfc resolves "
                           "profiles from its own catalog, never from the network",
                           at, hint="profiles in xfc's catalog: " + ", ".join(sorted(
                               self.profiles)))
            return None
        ref = self.profiles[name]
        if ref is None:
            # the TOSCA simple profile: xfc's built-in normative types, by short name
            if ns not in (None, "", "tosca"):
                self.unsupported(f"the namespace {ns!r} for profile {name!r}", "§6.8.2.1",
                                 item.value_span("namespace"), "imports",
                                 "import the simple profile without a namespace, or as "
                                 "namespace: tosca")
            return None
        out = PMap(span=item.span)
        self.put(out, "file", "profile://" + name, item, "profile")
        if ns:
            self.put(out, "namespace_prefix", ns, item, "namespace")
        return out

    # ------------------------------------------------------------------ types
    def type_def(self, kind: str, body: Any, path: str) -> Any:
        props = lambda b, s, p: self.each(b, p, self.prop_def)  # noqa: E731
        fields: dict[str, Any] = {"properties": props, "attributes": props}
        rename: dict[str, str] = {}
        only2: dict[str, str] = {}
        if kind == "data":
            fields.update(key_schema=self.schema, entry_schema=self.schema)
            rename["validation"] = "constraints"
            fields["validation"] = self.v.validation
        elif kind == "capability":
            rename.update(_CAP_RENAME)
            only2.update(_CAP_ONLY2)
        elif kind == "relationship":
            rename.update(_REL_RENAME)
            only2.update(_REL_ONLY2)
            fields["interfaces"] = lambda b, s, p: self.each(b, p, self.interface)
        elif kind == "interface":
            fields["derived_from"] = self.interface_type_name
            fields["inputs"] = props
            fields["operations"] = lambda b, s, p: self.each(b, p, self.operation)
            fields["notifications"] = lambda b, s, p: self.each(b, p, self.operation)
        elif kind in ("node", "group"):
            fields["requirements"] = self.requirement_defs
            fields["capabilities"] = lambda b, s, p: self.each(b, p, self.capability_def)
            fields["interfaces"] = lambda b, s, p: self.each(b, p, self.interface)
        elif kind == "policy":
            only2["triggers"] = "§16.3"
        out = self.keyed(body, path, fields, rename, only2)
        if kind == "data" and isinstance(body, PMap) and body.get("derived_from") == "scalar":
            out = scalar_type(out, body, self.diags, path, self.data_types)
        return out

    def validation(self, body: PMap) -> Any:
        """The lowering of ``body``'s validation clause: none for a value of a scalar
        type of this file, whose magnitude xfc does not know (units are not converted:
        '1 KiB' and '1 GB' compared as strings would be a wrong verdict)."""
        if body.get("type") in getattr(self, "scalar_types", ()):
            def warn(clause: Any, span: Span, path: str) -> None:
                self.diags.add("tosca-unsupported", f"a validation clause on a value of the "
                               f"scalar type {body['type']!r} is accepted but not enforced: "
                               "xfc checks a scalar's form, not its magnitude", span,
                               path=path)
            return warn
        return self.v.validation

    def definition(self, body: PMap, path: str, values: bool = True) -> Any:
        """A property, parameter (``values``: with ``default`` and ``value``) or schema
        definition: values and schemas lowered, ``validation`` as 1.3 ``constraints``
        (left out when the clause has no 1.3 form)."""
        fields: dict[str, Any] = {"key_schema": self.schema, "entry_schema": self.schema,
                                  "validation": self.validation(body)}
        if values:
            fields.update(default=self.val, value=self.val)
        out = self.keyed(body, path, fields, {"validation": "constraints"})
        if isinstance(out, PMap) and out.get("constraints", 1) is None:
            dict.__delitem__(out, "constraints")
        return out

    def prop_def(self, body: Any, path: str) -> Any:
        if not isinstance(body, PMap):
            return body
        out = self.definition(body, path)
        if isinstance(out, PMap) and "value" in out:
            # §9.5 fixed value: 1.3 has no such keyname for a property; read as default
            if "default" not in out:
                Values.put(out, "default", out["value"], body, "value")
            dict.__delitem__(out, "value")
            self.diags.add("tosca-unsupported", "a fixed property value (TOSCA 2.0 §9.5 "
                           "'value') is read as the default: a template may still assign "
                           "another", body.key_span("value"), path=path)
        return self.nil(bytes_def(out, body, self.diags, path))

    def nil(self, out: Any) -> Any:
        """§9.1.1.6: ``nil``, whose one value is null, is TOSCA 1.3's ``null`` type (a
        required nil property must still be assigned, ``null``); unless the file defines
        a data type of that name."""
        if isinstance(self.data_types, PMap) and "nil" in self.data_types:
            return out
        if out == "nil":  # an entry_schema / key_schema short form
            return "null"
        if isinstance(out, PMap) and out.get("type") == "nil":
            dict.__setitem__(out, "type", "null")
        return out

    def param_def(self, body: Any, path: str) -> Any:
        """An input or output parameter (§9.6): fixed ``value`` kept (1.3 has it)."""
        if not isinstance(body, PMap):
            return body
        return self.nil(bytes_def(self.definition(body, path), body, self.diags, path))

    def schema(self, body: Any, span: Span, path: str) -> Any:
        if not isinstance(body, PMap):
            return self.nil(bytes_def(body, body, self.diags, path, span))
        return self.nil(bytes_def(self.definition(body, path, values=False), body, self.diags,
                                  path))

    def requirement_defs(self, body: Any, span: Span, path: str) -> Any:
        if isinstance(body, PSeq):  # the 1.3 short form, a capability type name
            items = PSeq(span=body.span)
            items.item_spans.extend(body.item_spans)
            for item in body:
                if isinstance(item, PMap) and len(item) == 1 and \
                        isinstance(next(iter(item.values())), str):
                    (name, cap), = item.items()
                    at = item.value_span(name)
                    long = PMap(span=at)
                    dict.__setitem__(long, "capability", cap)
                    long.key_spans["capability"] = long.value_spans["capability"] = at
                    new = PMap(span=item.span)
                    Values.put(new, name, long, item, name)
                    item = new
                items.append(item)
            body = items
        return self.named_list(body, lambda name, d: self.requirement_def(d, f"{path}.{name}"))

    def requirement_def(self, d: Any, path: str) -> Any:
        """§8.5: ``count_range`` is 1.3's ``occurrences``; without one the range is
        ``[0, UNBOUNDED]`` (1.3's default is ``[1, 1]``, so it is written out).  The 1.3
        short form (a capability type name) is read as ``capability:``, with that range."""
        out = self.keyed(d, path, {
            "relationship": lambda b, s, p: self.keyed(b, p, {
                "interfaces": lambda b2, s2, p2: self.each(b2, p2, self.interface)}),
        }, _REQDEF_RENAME, _REQDEF_ONLY2)
        out = _no_metadata(out)
        if isinstance(out, PMap) and "occurrences" not in out:
            default = PSeq([0, "UNBOUNDED"], span=d.span)
            default.item_spans.extend([d.span, d.span])
            dict.__setitem__(out, "occurrences", default)
            out.key_spans["occurrences"] = d.span
            out.value_spans["occurrences"] = d.span
        return out

    def capability_def(self, body: Any, path: str) -> Any:
        props = lambda b, s, p: self.each(b, p, self.prop_def)  # noqa: E731
        return _no_metadata(self.keyed(body, path, {"properties": props, "attributes": props},
                                       _CAP_RENAME, _CAP_ONLY2))

    def capability_assignment(self, body: Any, path: str) -> Any:
        """§8.4: properties and attributes; ``directives`` (processing instructions to an
        orchestrator) accepted with a warning."""
        values = self.values
        if isinstance(body, PMap) and "directives" in body:
            self.diags.add("tosca-unsupported", "a capability's directives (TOSCA 2.0 §8.4) "
                           "are accepted, not acted on: they are processing instructions to "
                           "an orchestrator, and change no object xfc builds",
                           body.key_span("directives"), path=f"{path}.directives")
            kept = PMap(span=body.span)
            for k in body:
                if k != "directives":
                    self.put(kept, k, body[k], body, k)
            body = kept
        return self.keyed(body, path, {"properties": values, "attributes": values})

    def interface_type_name(self, name: Any, span: Span, path: str) -> Any:
        return self.interface_names.get(name, name) if isinstance(name, str) else name

    def interface(self, body: Any, path: str) -> Any:
        """An interface definition or assignment: ``inputs`` and operations' values."""
        if not isinstance(body, PMap):
            return body
        return self.keyed(body, path, {
            "type": self.interface_type_name,
            "inputs": lambda b, s, p: self.each(b, p, self.input_or_value),
            "operations": lambda b, s, p: self.each(b, p, self.operation),
            "notifications": lambda b, s, p: self.each(b, p, self.operation),
        })

    def operation(self, body: Any, path: str) -> Any:
        if not isinstance(body, PMap):
            return body
        return self.keyed(body, path, {
            "inputs": lambda b, s, p: self.each(b, p, self.input_or_value),
            "outputs": lambda b, s, p: self.each(b, p, self.input_or_value),
        })

    def input_or_value(self, body: Any, path: str) -> Any:
        if isinstance(body, PMap) and "type" in body:
            return self.param_def(body, path)
        return self.val(body, getattr(body, "span", Span("<tosca2>")), path)

    # ------------------------------------------------------------------ service template (§6.9)
    def service_template(self, st: Any, data: PMap, file_out: PMap) -> Any:
        if not isinstance(st, PMap):
            return st
        path = "service_template"
        out = PMap(span=st.span)
        values = self.values
        # the node templates, copies done, before any value is lowered: a node_filter
        # (§8.8) and a <tosca_path> over RELATIONSHIP (§10.3) read them
        nts = st.get("node_templates")
        if isinstance(nts, PMap):
            nts = copies(nts, self.diags, f"{path}.node_templates", "§7.2")
        self.selector = Selector(self.diags, nts)
        self.v.graph = Graph(self.diags, nts, self.limits)
        for k, body in st.items():
            span = st.value_span(k)
            if k not in SERVICE_KEYS:
                self.diags.add("tosca-unknown-field", f"a service template does not allow the "
                               f"keyname {k!r} (TOSCA 2.0 §6.9.1)", st.key_span(k), path=path,
                               hint="allowed: " + ", ".join(SERVICE_KEYS))
                continue
            if k == "metadata":
                if "metadata" in data:
                    self.diags.add("tosca-unsupported", "the service template's metadata is "
                                   "not kept beside the file's metadata", st.key_span(k),
                                   path=f"{path}.metadata")
                else:
                    self.put(file_out, "metadata", body, st, k)
                continue
            if k in ("inputs", "outputs"):
                body = self.each(body, f"{path}.{k}", self.param_def)
            elif k == "node_templates":
                body = self.each(nts, f"{path}.{k}", self.node_template)
            elif k == "relationship_templates":
                body = self.each(copies(body, self.diags, f"{path}.{k}", "§7.4"),
                                 f"{path}.{k}", lambda b, p: self.keyed(b, p, {
                    "properties": values, "attributes": values,
                    "interfaces": lambda b2, s2, p2: self.each(b2, p2, self.interface)}))
            elif k == "groups":
                body = self.each(body, f"{path}.{k}", lambda b, p: self.keyed(b, p, {
                    "properties": values, "attributes": values}))
            elif k == "policies":
                body = self.policies(body, f"{path}.{k}", values)
            elif k == "substitution_mappings":
                body = _input_mappings(self.val(body, span, f"{path}.{k}"))
            self.put(out, k, body, st, k)
        return out

    def node_template(self, body: Any, path: str) -> Any:
        if not isinstance(body, PMap):
            return body
        self.source = path.split(".", 2)[2]  # service_template.node_templates.<name>
        self.v.self_node = self.source
        try:
            return self._node_template(body, path)
        finally:
            self.v.self_node = None

    def _node_template(self, body: PMap, path: str) -> Any:
        values = self.values
        out = PMap(span=body.span)
        for k, v in body.items():
            if k == "count":
                if v != 1 or isinstance(v, bool):
                    # §14.1: count N is N node representations; the resolver reads it
                    # once the node's type is known (compiler/loader/tosca2/count.py)
                    self.put(out, COUNT, self.val(v, body.value_span(k), f"{path}.{k}"),
                             body, k)
                continue
            if k in ("properties", "attributes"):
                v = values(v, body.value_span(k), f"{path}.{k}")
            elif k == "requirements":
                v = self.requirement_assignments(v, f"{path}.{k}", values)
            elif k == "capabilities":
                v = self.each(v, f"{path}.{k}", self.capability_assignment)
            elif k == "interfaces":
                v = self.each(v, f"{path}.{k}", self.interface)
            elif k == "artifacts":
                v = self.each(v, f"{path}.{k}", lambda b, p: self.keyed(b, p, {
                    "properties": values}))
            elif k == "node_filter":
                self.unsupported("a node template's node_filter", "§7.2", body.key_span(k), path)
                continue
            self.put(out, k, v, body, k)
        return out

    def requirement_assignments(self, body: Any, path: str, values: Any) -> Any:
        return self.named_list(body, lambda name, a: self.requirement(a, f"{path}.{name}",
                                                                      values))

    def requirement(self, a: Any, path: str, values: Any) -> Any:
        if isinstance(a, PSeq):  # the short form [template, index] (§8.7.2)
            self.unsupported("a node given as [template, index]", "§8.7.2", a.span, path,
                             "name the node template")
            return PMap(span=a.span)
        if not isinstance(a, PMap):
            return a  # the short form: a node template name (§8.7.2)
        out = PMap(span=a.span)
        selected = None
        if "node_filter" in a:
            name = path.rsplit(".", 1)[-1]
            selected = self.selector.select(self.source, name, a, path)
            if selected is None:
                return None
        for k, v in a.items():
            if k == "node_filter":
                continue
            if k in _REQASSIGN_ONLY2:
                self.unsupported(f"the requirement keyname {k!r}", _REQASSIGN_ONLY2[k],
                                 a.key_span(k), path)
                continue
            if k == "count":
                if v != 1 or isinstance(v, bool):
                    self.unsupported(f"count {v!r} on a requirement assignment", "§8.7.4",
                                     a.value_span(k), path,
                                     "write one requirement assignment per relationship")
                continue
            if k == "node" and isinstance(v, PSeq):
                self.unsupported("a node given as [template, index]", "§8.7.2",
                                 a.value_span(k), path, "name the node template")
                continue
            if k == "relationship" and isinstance(v, PMap):
                v = self.keyed(v, f"{path}.relationship", {
                    "properties": values, "attributes": values,
                    "interfaces": lambda b2, s2, p2: self.each(b2, p2, self.interface)})
            self.put(out, k, v, a, k)
        if selected is not None:
            dict.__setitem__(out, "node", selected)
            out.key_spans["node"] = a.key_span("node_filter")
            out.value_spans["node"] = a.value_span("node_filter")
        return out

    def policies(self, body: Any, path: str, values: Any) -> Any:
        if isinstance(body, PMap):  # a mapping: the resolver's policies.map quirk reads it
            return self.each(body, path, lambda d, p: self.keyed(
                d, p, {"properties": values}, None, {"triggers": "§16.4"}))
        return self.named_list(body, lambda name, d: self.keyed(
            d, f"{path}.{name}", {"properties": values}, None, {"triggers": "§16.4"}))


__all__ = ["Lowerer", "V13"]


def _no_metadata(m: Any) -> Any:
    """A capability or requirement definition without its ``metadata`` (§8.2, §8.5: a map
    of information for people and tools; 1.3 has no such keyname there, and it changes
    nothing xfc builds)."""
    if not isinstance(m, PMap) or "metadata" not in m:
        return m
    out = PMap(span=m.span)
    for k in m:
        if k != "metadata":
            Values.put(out, k, m[k], m, k)
    return out


def _input_mappings(sm: Any) -> Any:
    """§15.2: a property mapping ``<property_name>: <input_name>`` names an input, which
    1.3 writes ``[ <input_name> ]`` (a bare value is a constant in 1.3)."""
    props = sm.get("properties") if isinstance(sm, PMap) else None
    if not isinstance(props, PMap):
        return sm
    for name, v in list(props.items()):
        if isinstance(v, str):
            one = PSeq([v], span=props.value_span(name))
            one.item_spans.append(props.value_span(name))
            dict.__setitem__(props, name, one)
    return sm
