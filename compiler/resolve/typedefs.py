"""Reading TOSCA type definitions: the typed, positioned form of ``*_types`` sections.

Phase: resolve (type collection).  Input: one file's positioned YAML (PMap) and its
namespace prefix.  Output: frozen definitions — :class:`TypeDef` with its
:class:`PropertyDef` / :class:`RequirementDef` / :class:`CapabilityDef` /
:class:`InterfaceDef` / :class:`ArtifactDef` parts — exactly as written (nothing
inherited yet; :mod:`compiler.resolve.types` links and merges).  Keynames follow TOSCA 1.3
§3.6 (definitions) and §3.7 (types); 1.0–1.2 files are a subset, except that interface
types there list operations directly, which is accepted in every version.

Codes: tosca-unknown-field (a keyname not allowed, with a "did you mean"),
tosca-wrong-type (a keyname with a value of the wrong YAML type), tosca-missing-field
(a definition lacking ``type``/``capability``).  Constraint clauses: see
``compiler.resolve.constraints``.

Files marked *trusted* (the normative definitions shipped with tosca-parser) are read
leniently: their known slips (a property written ``version: version``, a stray
``credential`` key, ``occurrences: 2``) are accepted and nothing is reported.
"""

from __future__ import annotations

from ..suggest import close_matches
import math
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from ..diagnostics import NO_SPAN, Diagnostics, Severity, Span
from ..loader.yamlpos import PMap, PSeq
from .constraints import UNBOUNDED, Constraint, parse_constraint, parse_version

KINDS = ("artifact", "data", "capability", "interface", "relationship", "node", "group", "policy")
SECTIONS: dict[str, str] = {
    "artifact": "artifact_types",
    "data": "data_types",
    "capability": "capability_types",
    "interface": "interface_types",
    "relationship": "relationship_types",
    "node": "node_types",
    "group": "group_types",
    "policy": "policy_types",
}
_COMMON = ("derived_from", "version", "metadata", "description")
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "artifact": _COMMON + ("mime_type", "file_ext", "properties"),
    "data": _COMMON + ("constraints", "properties", "key_schema", "entry_schema"),
    "capability": _COMMON + ("properties", "attributes", "valid_source_types"),
    "interface": _COMMON + ("inputs", "operations", "notifications"),
    "relationship": _COMMON + ("properties", "attributes", "interfaces", "valid_target_types"),
    "node": _COMMON
    + ("properties", "attributes", "requirements", "capabilities", "interfaces", "artifacts"),
    "group": _COMMON
    + ("properties", "attributes", "members", "requirements", "capabilities", "interfaces"),
    "policy": _COMMON + ("properties", "targets", "triggers"),
}
PROPERTY_KEYS = (
    "type", "description", "required", "default", "status", "constraints",
    "key_schema", "entry_schema", "metadata", "external-schema",
)
ATTRIBUTE_KEYS = (
    "type", "description", "default", "status", "key_schema", "entry_schema", "metadata",
)
PARAMETER_KEYS = PROPERTY_KEYS + ("value",)
SCHEMA_KEYS = ("type", "description", "constraints", "key_schema", "entry_schema")
REQUIREMENT_KEYS = ("description", "capability", "node", "relationship", "occurrences")
CAPABILITY_KEYS = (
    "type", "description", "properties", "attributes", "valid_source_types", "occurrences",
)
OPERATION_KEYS = ("description", "implementation", "inputs", "outputs")
ARTIFACT_KEYS = (
    "type", "file", "repository", "description", "deploy_path", "artifact_version",
    "checksum", "checksum_algorithm", "properties",
)
STATUSES = ("supported", "unsupported", "experimental", "deprecated")
_YAML11_BOOL = {"yes": True, "no": False, "on": True, "off": False, "true": True, "false": False}


class _Missing:
    """The absence of a default (``None``, ``False``, ``0`` and ``""`` are defaults)."""

    _inst: "_Missing | None" = None

    def __new__(cls) -> "_Missing":
        if cls._inst is None:
            cls._inst = super().__new__(cls)
        return cls._inst

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_Missing, ())


MISSING: Any = _Missing()


# --------------------------------------------------------------------------- the IR


@dataclass(frozen=True, slots=True, kw_only=True)
class Schema:
    """An entry_schema / key_schema (TOSCA 1.3 §3.6.6)."""

    type: str
    description: str = ""
    constraints: tuple[Constraint, ...] = ()
    entry_schema: "Schema | None" = None
    key_schema: "Schema | None" = None
    scope: str = field(default="", compare=False)  # namespace prefix of the defining file
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyDef:
    """A property, attribute or parameter definition (TOSCA 1.3 §3.6.10, 3.6.12, 3.6.14)."""

    name: str
    type: str
    required: bool = True  # TOSCA default; attributes are never required
    default: Any = MISSING  # MISSING when absent; False/0/"" are real defaults
    constraints: tuple[Constraint, ...] = ()
    entry_schema: Schema | None = None
    key_schema: Schema | None = None
    status: str = "supported"
    description: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False)
    value: Any = MISSING  # parameters only (TOSCA 1.3 §3.6.14 "value")
    kind: str = "property"  # property | attribute | parameter
    # keynames actually written, so that a refinement inherits what it leaves out
    given: frozenset[str] = field(default=frozenset(), compare=False)
    scope: str = field(default="", compare=False)
    span: Span = field(default=NO_SPAN, compare=False)
    type_span: Span = field(default=NO_SPAN, compare=False)
    default_span: Span = field(default=NO_SPAN, compare=False)

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING


@dataclass(frozen=True, slots=True, kw_only=True)
class RequirementDef:
    name: str
    capability: str | None
    node: str | None = None
    relationship: str | None = None
    occurrences: tuple[int, float] = (1, 1)  # upper bound math.inf for UNBOUNDED
    description: str = ""
    relationship_interfaces: Mapping[str, Any] = field(default_factory=dict, compare=False)
    scope: str = field(default="", compare=False)
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class CapabilityDef:
    name: str
    type: str | None  # None only in a refinement that leaves the type to the parent
    properties: Mapping[str, PropertyDef] = field(default_factory=dict)
    attributes: Mapping[str, PropertyDef] = field(default_factory=dict)
    valid_source_types: tuple[str, ...] | None = None
    occurrences: tuple[int, float] | None = None  # None: TOSCA default [1, UNBOUNDED]
    description: str = ""
    scope: str = field(default="", compare=False)
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationDef:
    name: str
    description: str = ""
    implementation: Any = None  # as written (a string or a mapping)
    inputs: Mapping[str, Any] = field(default_factory=dict)  # as written
    outputs: Mapping[str, Any] = field(default_factory=dict)
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class InterfaceDef:
    """An interface definition inside a node/relationship/group type, or an interface type."""

    name: str
    type: str | None
    operations: Mapping[str, OperationDef] = field(default_factory=dict)
    inputs: Mapping[str, Any] = field(default_factory=dict)  # as written
    scope: str = field(default="", compare=False)
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtifactDef:
    name: str
    type: str | None
    file: str | None = None
    repository: str | None = None
    deploy_path: str | None = None
    description: str = ""
    properties: Mapping[str, Any] = field(default_factory=dict)
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeDef:
    """One type definition as written in one file (own parts only, nothing inherited)."""

    kind: str
    name: str  # fully qualified (namespace prefix applied)
    derived_from: str | None = None  # as written
    description: str = ""
    version: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False)
    properties: Mapping[str, PropertyDef] = field(default_factory=dict)
    attributes: Mapping[str, PropertyDef] = field(default_factory=dict)
    requirements: tuple[RequirementDef, ...] = ()
    capabilities: Mapping[str, CapabilityDef] = field(default_factory=dict)
    interfaces: Mapping[str, InterfaceDef] = field(default_factory=dict)
    artifacts: Mapping[str, ArtifactDef] = field(default_factory=dict)
    operations: Mapping[str, OperationDef] = field(default_factory=dict)  # interface types
    inputs: Mapping[str, Any] = field(default_factory=dict)  # interface types, as written
    valid_target_types: tuple[str, ...] | None = None  # relationship types
    valid_source_types: tuple[str, ...] | None = None  # capability types
    members: tuple[str, ...] | None = None  # group types
    targets: tuple[str, ...] | None = None  # policy types
    mime_type: str | None = None  # artifact types
    file_ext: tuple[str, ...] = ()
    constraints: tuple[Constraint, ...] = ()  # data types
    entry_schema: Schema | None = None  # data types derived from list/map
    key_schema: Schema | None = None
    primitive: str | None = None  # built-in primitive data types: their own name
    normative: bool = False  # from the normative / NFV profile definitions
    scope: str = field(default="", compare=False)
    file: str = ""
    raw: Any = field(default=None, compare=False, repr=False)
    span: Span = field(default=NO_SPAN, compare=False)
    derived_span: Span = field(default=NO_SPAN, compare=False)


# --------------------------------------------------------------------------- reading


class Reader:
    """Reads definitions from one file; reports into ``diags`` (silently when trusted)."""

    def __init__(self, diags: Diagnostics, *, scope: str = "", trusted: bool = False,
                 quirks: Any = None) -> None:
        self.diags = diags
        self.scope = scope
        self.trusted = trusted
        self.quirks = quirks  # a compiler.loader.quirks.QuirkReporter, or None: all allowed

    def quirk(self, name: str, span: Span, path: str) -> bool:
        if self.trusted:
            return True
        if self.quirks is None:
            from ..loader.quirks import QuirkReporter

            return QuirkReporter(("all",), self.diags).allow(name, span, path=path)
        saved, self.quirks.diags = self.quirks.diags, self.diags
        try:
            return self.quirks.allow(name, span, path=path)
        finally:
            self.quirks.diags = saved

    # -- reporting helpers ------------------------------------------------
    def report(self, code: str, message: str, span: Span, path: str, hint: str = "") -> None:
        if not self.trusted:
            self.diags.add(code, message, span, path=path, hint=hint)

    def keys(self, m: PMap, allowed: tuple[str, ...], path: str, what: str) -> None:
        for k in m:
            if k not in allowed:
                close = close_matches(str(k), allowed)
                self.report(
                    "tosca-unknown-field",
                    f"{what} does not allow the keyname {k!r}",
                    m.key_span(k),
                    path,
                    f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed),
                )

    def want(self, m: PMap, key: str, types: type | tuple, what: str, path: str) -> Any:
        """``m[key]`` when it has one of ``types``; reports and returns None otherwise."""
        if key not in m:
            return None
        v = m[key]
        if isinstance(v, types) and not (isinstance(v, bool) and bool not in _tuple(types)):
            return v
        self.report(
            "tosca-wrong-type",
            f"{key} of {what} must be {_type_word(types)}, not {_yaml_type(v)}",
            m.value_span(key),
            f"{path}.{key}",
        )
        return None

    def text(self, m: PMap, key: str, what: str, path: str) -> str:
        v = m.get(key)
        if v is None:
            return ""
        if isinstance(v, (str, int, float)) and not isinstance(v, bool):
            return str(v)
        return self.want(m, key, str, what, path) or ""

    def entries(self, raw: PMap, key: str, what: str, path: str
                ) -> Iterator[tuple[Any, Any, PMap, str]]:
        """(name, body, the mapping, the entry's path) for each entry of the mapping
        ``raw[key]``; nothing when it is absent or not a mapping (:meth:`want` reports)."""
        m = self.want(raw, key, dict, what, path)
        for name, body in (m or {}).items():
            yield name, body, m, f'{path}.{key}["{name}"]'

    def names(self, m: PMap, key: str, what: str, path: str) -> tuple[str, ...] | None:
        v = m.get(key, MISSING)
        if v is MISSING:
            return None
        if v is None:
            return ()
        if isinstance(v, str) and self.trusted:
            return (v,)
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            return tuple(v)
        self.report(
            "tosca-wrong-type", f"{key} of {what} must be a list of type names",
            m.value_span(key), f"{path}.{key}",
        )
        return None

    # -- a type -------------------------------------------------------------
    def type_def(self, kind: str, name: str, raw: Any, span: Span, key_span: Span,
                 file: str) -> TypeDef | None:
        qname = f"{self.scope}.{name}" if self.scope else name
        path = f'{SECTIONS[kind]}["{name}"]'
        what = f"{kind} type {name!r}"
        if raw is None:
            return TypeDef(kind=kind, name=qname, scope=self.scope, file=file, span=key_span,
                           normative=self.trusted, raw=raw)
        if not isinstance(raw, PMap):
            self.report("tosca-wrong-type", f"the definition of {what} must be a mapping, not "
                        f"{_yaml_type(raw)}", span, path)
            return None
        if kind != "interface":
            allowed = TYPE_KEYS[kind] + (("credential",) if self.trusted else ())
            self.keys(raw, allowed, path, what)
        derived = self.want(raw, "derived_from", str, what, path)
        version = None
        if "version" in raw and raw["version"] is not None:
            try:
                parse_version(raw["version"])
                version = str(raw["version"])
            except ValueError as exc:
                self.report("tosca-wrong-type", f"version of {what}: {exc}",
                            raw.value_span("version"), f"{path}.version")
        meta = self.want(raw, "metadata", dict, what, path) or {}
        kw: dict[str, Any] = {}
        if kind in ("artifact", "data", "capability", "relationship", "node", "group", "policy"):
            kw["properties"] = self.prop_defs(raw, "properties", path, what, "property")
        if kind in ("capability", "relationship", "node", "group"):
            kw["attributes"] = self.prop_defs(raw, "attributes", path, what, "attribute")
        if kind in ("node", "group"):
            kw["requirements"] = self.requirements(raw, path, what)
            kw["capabilities"] = self.capabilities(raw, path, what)
        if kind in ("node", "relationship", "group"):
            kw["interfaces"] = self.interfaces(raw, path, what)
        if kind == "node":
            kw["artifacts"] = self.artifacts(raw, path, what)
        if kind == "interface":
            ops, inputs = self.interface_body(raw, path, what, type_level=True)
            kw["operations"], kw["inputs"] = ops, inputs
        if kind == "relationship":
            kw["valid_target_types"] = self.names(raw, "valid_target_types", what, path)
        if kind == "capability":
            kw["valid_source_types"] = self.names(raw, "valid_source_types", what, path)
        if kind == "group":
            kw["members"] = self.names(raw, "members", what, path)
        if kind == "policy":
            kw["targets"] = self.names(raw, "targets", what, path)
        if kind == "artifact":
            kw["mime_type"] = self.text(raw, "mime_type", what, path) or None
            ext = raw.get("file_ext")
            if isinstance(ext, list) and all(isinstance(x, str) for x in ext):
                kw["file_ext"] = tuple(ext)
            elif ext is not None:
                self.report("tosca-wrong-type", f"file_ext of {what} must be a list of strings",
                            raw.value_span("file_ext"), f"{path}.file_ext")
        if kind == "data":
            kw["constraints"] = self.constraints(raw, path)
            kw["entry_schema"] = self.schema(raw, "entry_schema", path)
            kw["key_schema"] = self.schema(raw, "key_schema", path)
            if self.trusted and isinstance(raw.get("type"), str):
                # tosca-parser's PortDef: "derived_from: Root" plus "type: integer"
                derived = raw["type"]
        return TypeDef(
            kind=kind, name=qname, derived_from=derived,
            description=self.text(raw, "description", what, path),
            version=version, metadata=meta, normative=self.trusted, scope=self.scope,
            file=file, raw=raw, span=key_span,
            derived_span=raw.value_span("derived_from") if "derived_from" in raw else key_span,
            **kw,
        )

    # -- properties, attributes, parameters ---------------------------------
    def prop_defs(self, raw: PMap, key: str, path: str, what: str, kind: str
                  ) -> dict[str, PropertyDef]:
        out: dict[str, PropertyDef] = {}
        for name, body, m, ppath in self.entries(raw, key, what, path):
            d = self.prop_def(str(name), body, m.value_span(name), m.key_span(name), ppath,
                              kind)
            if d is not None:
                out[str(name)] = d
        return out

    def prop_def(self, name: str, body: Any, span: Span, key_span: Span, path: str,
                 kind: str = "property") -> PropertyDef | None:
        what = f"{kind} {name!r}"
        if isinstance(body, str) and self.trusted:  # "version: version" short form
            return PropertyDef(name=name, type=body, kind=kind, scope=self.scope,
                               required=kind == "property", given=frozenset({"type"}),
                               span=key_span, type_span=span)
        allowed = {"property": PROPERTY_KEYS, "attribute": ATTRIBUTE_KEYS,
                   "parameter": PARAMETER_KEYS}[kind]
        if kind != "parameter" and (not isinstance(body, PMap) or (
                body and not any(k in allowed for k in body))):
            # a value written where a definition belongs; tosca-parser ignores these
            if not self.trusted:
                self.diags.add(
                    "tosca-wrong-type",
                    f"{what} is written as a value ({_yaml_type(body)}), not a definition; "
                    "ignored", span, path=path,
                    hint="a type defines properties as {type: ..., default: ...}; "
                    "values belong in templates", severity=Severity.WARNING)
            return None
        if not isinstance(body, PMap):
            self.report("tosca-wrong-type", f"the definition of {what} must be a mapping, not "
                        f"{_yaml_type(body)}", span, path)
            return None
        self.keys(body, allowed, path, f"the definition of {what}")
        ptype = self.want(body, "type", str, what, path)
        if ptype is None and kind == "property" and "type" not in body:
            # a refinement may leave the type to the parent definition (TOSCA 1.3 §3.6.10.4)
            ptype = ""
        required = kind == "property" or kind == "parameter"
        if "required" in body:
            r = body["required"]
            if isinstance(r, str) and r.lower() in _YAML11_BOOL:
                r = _YAML11_BOOL[r.lower()]  # YAML 1.1 spelling, as tosca-parser reads it
            if isinstance(r, bool):
                required = r
            else:
                self.report("tosca-wrong-type", f"required of {what} must be true or false, "
                            f"not {_yaml_type(r)}", body.value_span("required"),
                            f"{path}.required")
        status = "supported"
        if "status" in body:
            s = body["status"]
            if s in STATUSES:
                status = s
            else:
                self.report("tosca-wrong-type", f"status of {what} must be one of "
                            f"{', '.join(STATUSES)}", body.value_span("status"), f"{path}.status")
        return PropertyDef(
            name=name, type=ptype or "", required=required,
            default=body["default"] if "default" in body else MISSING,
            constraints=self.constraints(body, path),
            entry_schema=self.schema(body, "entry_schema", path),
            key_schema=self.schema(body, "key_schema", path),
            status=status, description=self.text(body, "description", what, path),
            metadata=body["metadata"] if isinstance(body.get("metadata"), dict) else {},
            value=body["value"] if "value" in body else MISSING,
            kind=kind, given=frozenset(body), scope=self.scope, span=key_span,
            type_span=body.value_span("type") if "type" in body else key_span,
            default_span=body.value_span("default") if "default" in body else key_span,
        )

    def constraints(self, body: PMap, path: str) -> tuple[Constraint, ...]:
        raw = body.get("constraints")
        if raw is None:
            return ()
        if not isinstance(raw, PSeq):
            self.report("tosca-wrong-type", "constraints must be a list of clauses",
                        body.value_span("constraints"), f"{path}.constraints")
            return ()
        out = []
        sink = self.diags if not self.trusted else Diagnostics()
        for i, c in enumerate(raw):
            parsed = parse_constraint(c, raw.item_span(i), sink, f"{path}.constraints[{i}]")
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    def schema(self, body: PMap, key: str, path: str) -> Schema | None:
        raw = body.get(key)
        if raw is None:
            return None
        span = body.value_span(key)
        if isinstance(raw, str):  # entry_schema: string (short form)
            return Schema(type=raw, scope=self.scope, span=span)
        if not isinstance(raw, PMap):
            self.report("tosca-wrong-type", f"{key} must be a mapping or a type name", span,
                        f"{path}.{key}")
            return None
        self.keys(raw, SCHEMA_KEYS, f"{path}.{key}", key)
        t = self.want(raw, "type", str, key, f"{path}.{key}")
        if t is None:
            if "type" not in raw:
                self.report("tosca-missing-field", f"{key} lacks its type", span, f"{path}.{key}")
            return None
        return Schema(
            type=t, description=self.text(raw, "description", key, path),
            constraints=self.constraints(raw, f"{path}.{key}"),
            entry_schema=self.schema(raw, "entry_schema", f"{path}.{key}"),
            key_schema=self.schema(raw, "key_schema", f"{path}.{key}"),
            scope=self.scope, span=raw.value_span("type"),
        )

    # -- requirements and capabilities ----------------------------------------
    def occurrences(self, m: PMap, path: str, what: str) -> tuple[int, float] | None:
        if "occurrences" not in m:
            return None
        v = m["occurrences"]
        if self.trusted and isinstance(v, int):
            return (v, v)
        if (isinstance(v, list) and len(v) == 2 and _is_int(v[0]) and v[0] >= 0
                and (v[1] == UNBOUNDED or (_is_int(v[1]) and v[1] >= max(v[0], 1)))):
            return (v[0], math.inf if v[1] == UNBOUNDED else v[1])
        self.report("tosca-wrong-type", f"occurrences of {what} must be [<min>, <max>] with "
                    "0 <= min <= max, max an integer >= 1 or UNBOUNDED",
                    m.value_span("occurrences"), f"{path}.occurrences")
        return None

    def requirements(self, raw: PMap, path: str, what: str) -> tuple[RequirementDef, ...]:
        seq = raw.get("requirements")
        if seq is None:
            return ()
        if not isinstance(seq, PSeq):
            self.report("tosca-wrong-type", f"requirements of {what} must be a list of "
                        "one-entry mappings", raw.value_span("requirements"),
                        f"{path}.requirements")
            return ()
        out = []
        for i, item in enumerate(seq):
            ipath = f"{path}.requirements[{i}]"
            if not isinstance(item, PMap) or len(item) != 1:
                self.report("tosca-wrong-type", "a requirement definition is a one-entry "
                            "mapping 'name: {capability: ...}'", seq.item_span(i), ipath)
                continue
            name, body = next(iter(item.items()))
            rwhat = f"requirement {name!r}"
            span = item.key_span(name)
            if isinstance(body, str):
                out.append(RequirementDef(name=name, capability=body, scope=self.scope,
                                          span=span))
                continue
            if not isinstance(body, PMap):
                self.report("tosca-wrong-type", f"the definition of {rwhat} must be a mapping "
                            "or a capability type name", item.value_span(name), ipath)
                continue
            self.keys(body, REQUIREMENT_KEYS, ipath, f"the definition of {rwhat}")
            cap = self.want(body, "capability", str, rwhat, ipath)
            if "capability" not in body and not self.trusted:
                # TOSCA 1.3 §3.6.3 requires it; tosca-parser does not, and a node type alone
                # still selects a target
                self.diags.add("tosca-missing-field", f"{rwhat} lacks its capability", span,
                               path=ipath, severity=Severity.WARNING)
            rel = body.get("relationship")
            rel_ifaces: dict[str, Any] = {}
            if isinstance(rel, PMap):
                self.keys(rel, ("type", "interfaces", "description"), f"{ipath}.relationship",
                          "a relationship definition")
                rel_ifaces = rel["interfaces"] if isinstance(rel.get("interfaces"),
                                                                 dict) else {}
                rel = self.want(rel, "type", str, "relationship", f"{ipath}.relationship")
            elif rel is not None:
                rel = self.want(body, "relationship", str, rwhat, ipath)
            occ = self.occurrences(body, ipath, rwhat)
            out.append(RequirementDef(
                name=name, capability=cap, node=self.want(body, "node", str, rwhat, ipath),
                relationship=rel, occurrences=occ or (1, 1),
                description=self.text(body, "description", rwhat, ipath),
                relationship_interfaces=rel_ifaces, scope=self.scope, span=span,
            ))
        return tuple(out)

    def capabilities(self, raw: PMap, path: str, what: str) -> dict[str, CapabilityDef]:
        out: dict[str, CapabilityDef] = {}
        for name, body, m, cpath in self.entries(raw, "capabilities", what, path):
            cwhat = f"capability {name!r}"
            span = m.key_span(name)
            if isinstance(body, str):
                out[name] = CapabilityDef(name=name, type=body, scope=self.scope, span=span)
                continue
            if not isinstance(body, PMap):
                self.report("tosca-wrong-type", f"the definition of {cwhat} must be a mapping "
                            "or a capability type name", m.value_span(name), cpath)
                continue
            self.keys(body, CAPABILITY_KEYS, cpath, f"the definition of {cwhat}")
            out[name] = CapabilityDef(
                name=name, type=self.want(body, "type", str, cwhat, cpath),
                properties=self.prop_defs(body, "properties", cpath, cwhat, "property"),
                attributes=self.prop_defs(body, "attributes", cpath, cwhat, "attribute"),
                valid_source_types=self.names(body, "valid_source_types", cwhat, cpath),
                occurrences=self.occurrences(body, cpath, cwhat),
                description=self.text(body, "description", cwhat, cpath),
                scope=self.scope, span=span,
            )
        return out

    # -- interfaces and artifacts ---------------------------------------------
    def interfaces(self, raw: PMap, path: str, what: str) -> dict[str, InterfaceDef]:
        out: dict[str, InterfaceDef] = {}
        for name, body, m, ipath in self.entries(raw, "interfaces", what, path):
            if body is None:
                out[name] = InterfaceDef(name=name, type=None, scope=self.scope,
                                         span=m.key_span(name))
                continue
            if not isinstance(body, PMap):
                self.report("tosca-wrong-type", f"the definition of interface {name!r} must be "
                            "a mapping", m.value_span(name), ipath)
                continue
            itype = self.want(body, "type", str, f"interface {name!r}", ipath)
            ops, inputs = self.interface_body(body, ipath, f"interface {name!r}",
                                              type_level=False)
            out[name] = InterfaceDef(name=name, type=itype, operations=ops, inputs=inputs,
                                     scope=self.scope, span=m.key_span(name))
        return out

    def interface_body(self, body: PMap, path: str, what: str, *, type_level: bool
                       ) -> tuple[dict[str, OperationDef], dict[str, Any]]:
        reserved = ("derived_from", "version", "metadata", "description", "type", "inputs",
                    "operations", "notifications")
        ops: dict[str, OperationDef] = {}
        sources: list[tuple[PMap, str]] = [(body, path)]
        nested = body.get("operations")
        if isinstance(nested, PMap):
            sources.append((nested, f"{path}.operations"))
        elif nested is not None:
            self.report("tosca-wrong-type", f"operations of {what} must be a mapping",
                        body.value_span("operations"), f"{path}.operations")
        for src, spath in sources:
            for op, obody in src.items():
                if src is body and op in reserved:
                    continue
                ops[op] = self.operation(op, obody, src, f'{spath}["{op}"]')
        inputs = body["inputs"] if isinstance(body.get("inputs"), dict) else {}
        if "inputs" in body and body["inputs"] is not None and not isinstance(body["inputs"],
                                                                              dict):
            self.report("tosca-wrong-type", f"inputs of {what} must be a mapping",
                        body.value_span("inputs"), f"{path}.inputs")
        return ops, inputs

    def operation(self, name: str, body: Any, parent: PMap, path: str) -> OperationDef:
        span = parent.key_span(name)
        if body is None or isinstance(body, str):
            return OperationDef(name=name, implementation=body, span=span)
        if isinstance(body, list) and not body and self.quirk(
                "operation.list", parent.value_span(name), path):
            return OperationDef(name=name, span=span)
        if not isinstance(body, PMap):
            self.report("tosca-wrong-type", f"operation {name!r} must be a mapping or an "
                        "implementation artifact name", parent.value_span(name), path)
            return OperationDef(name=name, span=span)
        self.keys(body, OPERATION_KEYS, path, f"operation {name!r}")
        return OperationDef(
            name=name, description=self.text(body, "description", name, path),
            implementation=body.get("implementation"),
            inputs=body["inputs"] if isinstance(body.get("inputs"), dict) else {},
            outputs=body["outputs"] if isinstance(body.get("outputs"), dict) else {},
            span=span,
        )

    def artifacts(self, raw: PMap, path: str, what: str) -> dict[str, ArtifactDef]:
        out: dict[str, ArtifactDef] = {}
        for name, body, m, apath in self.entries(raw, "artifacts", what, path):
            span = m.key_span(name)
            if isinstance(body, str):
                out[name] = ArtifactDef(name=name, type=None, file=body, span=span)
                continue
            if not isinstance(body, PMap):
                self.report("tosca-wrong-type", f"artifact {name!r} must be a mapping or a "
                            "file name", m.value_span(name), apath)
                continue
            self.keys(body, ARTIFACT_KEYS, apath, f"artifact {name!r}")
            out[name] = ArtifactDef(
                name=name, type=self.want(body, "type", str, f"artifact {name!r}", apath),
                file=self.want(body, "file", str, f"artifact {name!r}", apath),
                repository=self.want(body, "repository", str, f"artifact {name!r}", apath),
                deploy_path=self.want(body, "deploy_path", str, f"artifact {name!r}", apath),
                description=self.text(body, "description", name, apath),
                properties=body["properties"] if isinstance(body.get("properties"),
                                                                dict) else {},
                span=span,
            )
        return out


def read_types(data: Any, file: str, diags: Diagnostics, *, scope: str = "",
               trusted: bool = False,
               per_type: dict[tuple[str, str], Diagnostics] | None = None,
               quirks: Any = None) -> list[TypeDef]:
    """Every type defined in the ``*_types`` sections of one file, in source order.

    With ``per_type``, what is found inside one type's definition is recorded there under
    (kind, qualified name) instead of in ``diags`` (the registry decides its severity)."""
    out: list[TypeDef] = []
    if not isinstance(data, PMap):
        return out
    rd = Reader(diags, scope=scope, trusted=trusted, quirks=quirks)
    file_diags = diags
    for kind, section in SECTIONS.items():
        if section not in data or data[section] is None:
            continue
        sec = data[section]
        if not isinstance(sec, PMap):
            rd.report("tosca-wrong-type", f"{section} must be a mapping of type names to "
                      f"definitions, not {_yaml_type(sec)}", data.value_span(section), section)
            continue
        for name, raw in sec.items():
            if per_type is not None:
                rd.diags = per_type.setdefault((kind, _qualify(scope, str(name))),
                                               Diagnostics())
            td = rd.type_def(kind, str(name), raw, sec.value_span(name), sec.key_span(name),
                             file)
            rd.diags = file_diags
            if td is not None:
                out.append(td)
    return out


def _qualify(scope: str, name: str) -> str:
    return f"{scope}.{name}" if scope else name


def read_definition(name: str, raw: Any, span: Span, key_span: Span, diags: Diagnostics, *,
                    kind: str = "parameter", path: str = "", scope: str = ""
                    ) -> PropertyDef | None:
    """One property/attribute/parameter definition (inputs and outputs use ``parameter``)."""
    return Reader(diags, scope=scope).prop_def(name, raw, span, key_span, path, kind)


# --------------------------------------------------------------------------- helpers


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _tuple(t: type | tuple) -> tuple:
    return t if isinstance(t, tuple) else (t,)


def _type_word(t: type | tuple) -> str:
    words = {str: "a string", dict: "a mapping", list: "a list", bool: "true or false",
             int: "an integer", float: "a number"}
    return " or ".join(words.get(x, x.__name__) for x in _tuple(t))


def _yaml_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    return type(v).__name__


yaml_type = _yaml_type
