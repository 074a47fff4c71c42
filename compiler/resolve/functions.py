"""TOSCA intrinsic functions: get_input, get_property, get_attribute, concat, join, token,
get_artifact, get_operation_output, get_nodes_of_type (TOSCA 1.3 §4).

Phase: resolve.  Input: a property/attribute/output value as written (positioned YAML,
possibly holding function calls anywhere inside lists, maps and data-type values) and a
:class:`Scope` that answers questions about the topology (input values, other templates'
evaluated properties, requirement targets, hosts, artifacts).  Output: the value with
every function evaluated; ``get_attribute`` and ``get_operation_output`` become
:class:`~compiler.model.RuntimeRef`; ``concat``/``join``/``token`` over a runtime value
become a ``RuntimeRef`` of that function with evaluated arguments, so back ends can map
them (for example to an environment-variable reference).

A function call is a single-key mapping whose key is a function name: other single-key
mappings are data.  Errors are positioned at the function key.

Codes: tosca-function (wrong arity, bad argument, unknown entity, property or
attribute), tosca-unknown-input (get_input names no input), tosca-function-cycle
(raised by the scope when property references loop), tosca-unknown-template,
limit-exceeded (``max_function_depth``, ``max_value_chars``, ``max_built_chars``, ``max_value_items``,
``max_depth`` of a result: a chain of concat(prev, prev) doubles at each step).
"""

from __future__ import annotations

from typing import Any, Iterable, Protocol

from ..diagnostics import Diagnostics, Span
from ..limits import DEFAULT_LIMITS, Limits, exceeded
from ..loader.yamlpos import PMap, PSeq
from ..model import RuntimeRef

# Functions evaluated at compile time, and the ones kept as runtime references.
STATIC = frozenset(
    {"get_input", "get_property", "concat", "join", "token", "get_artifact", "get_nodes_of_type"}
)
RUNTIME = frozenset({"get_attribute", "get_operation_output"})
FUNCTIONS = STATIC | RUNTIME

# Entity keywords of get_property / get_attribute (TOSCA 1.3 §4.1).
KEYWORDS = ("SELF", "SOURCE", "TARGET", "HOST")


class Unresolved(Exception):
    """Evaluation failed and a diagnostic was recorded; the caller drops the value."""


class Scope(Protocol):
    """What the evaluator needs to know about the topology (implemented by templates)."""

    version: str  # the tosca_definitions_version being read

    def input_value(self, name: str, span: Span) -> Any:
        """The value of input ``name``; raises KeyError when no such input is declared."""

    def input_names(self) -> list[str]: ...

    def node_exists(self, name: str) -> bool: ...

    def node_names(self) -> list[str]: ...

    def node_property(self, node: str, name: str, span: Span) -> Any:
        """Evaluated, validated property; raises KeyError when not defined by the type."""

    def has_property(self, node: str, name: str) -> bool: ...

    def has_attribute(self, node: str, name: str) -> bool: ...

    def attribute_type(self, node: str, name: str) -> str | None: ...

    def capability_has_attribute(self, node: str, name: str) -> bool: ...

    def capability_of(self, node: str, name: str) -> str | None:
        """``name`` when it names a capability of ``node``, else None."""

    def capability_property(self, node: str, cap: str, name: str, span: Span) -> Any:
        """Evaluated capability property; raises KeyError when not defined."""

    def requirement_target(self, node: str, name: str) -> tuple[str | None, str | None] | None:
        """(target node, target capability) of requirement ``name``; None if no such
        requirement is assigned on ``node``."""

    def host_of(self, node: str) -> str | None: ...

    def artifact_file(self, node: str, name: str) -> str | None: ...

    def nodes_of_type(self, type_name: str) -> list[str] | None:
        """Node template names of a type; None when the type is unknown."""

    # relationship templates and the relationships of requirements, by template name or
    # requirement path (``key``)
    def relationship_label(self, key: str) -> str: ...

    def relationship_property(self, key: str, name: str, span: Span) -> Any: ...

    def relationship_has_property(self, key: str, name: str) -> bool: ...

    def relationship_property_names(self, key: str) -> Iterable[str]: ...

    def relationship_has_attribute(self, key: str, name: str) -> bool: ...

    def unbound_entity(self, ctx: Context, keyword: str, span: Span) -> None:
        """SOURCE or TARGET where no node is bound: reported, the value left out."""


class Context:
    """Where a value is evaluated: the entities SELF/SOURCE/TARGET stand for."""

    __slots__ = ("self_node", "source", "target", "path", "self_kind", "relationship")

    def __init__(
        self,
        self_node: str | None = None,
        *,
        source: str | None = None,
        target: str | None = None,
        path: str = "",
        self_kind: str = "node",
        relationship: str | None = None,
    ) -> None:
        self.self_node = self_node
        self.source = source
        self.target = target
        self.path = path
        self.self_kind = self_kind  # node | group | policy | output | relationship
        # the relationship SELF stands for (a template name or a requirement's path)
        self.relationship = relationship


def function_name(value: Any) -> str | None:
    """The function a value calls, if it is a function call."""
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key in FUNCTIONS:
            return key
    return None


def contains_function(value: Any) -> bool:
    """True when a function call occurs anywhere inside ``value`` (cheap pre-check)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if function_name(v):
                return True
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def function_paths(value: Any, path: str) -> frozenset[str]:
    """The paths (written as the validator writes them: ``p["key"]``, ``p[0]``) at which
    ``value`` holds a function call."""
    out: set[str] = set()
    stack = [(value, path)]
    while stack:
        v, p = stack.pop()
        if function_name(v) is not None:
            out.add(p)
        elif isinstance(v, dict):
            stack.extend((x, f'{p}["{k}"]') for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((x, f"{p}[{i}]") for i, x in enumerate(v))
    return frozenset(out)


def is_runtime(value: Any) -> bool:
    return isinstance(value, RuntimeRef)


class Evaluator:
    """Evaluates function calls inside values against a :class:`Scope`."""

    def __init__(self, scope: Scope, diags: Diagnostics, limits: Limits = DEFAULT_LIMITS) -> None:
        self.scope = scope
        self.diags = diags
        self.limits = limits
        self.depth = 0  # calls being evaluated now: nested calls and get_property hops
        self.built_chars = 0  # characters of every text concat and join built so far
        self.nesting = 0  # containers being evaluated now, across those calls
        # (items, characters, depth, value) of every container built here, by id: a
        # result may hold another result many times (n: [*prev, *prev]), so weighing it
        # as a tree would be exponential; as a DAG it is linear
        self._weights: dict[int, tuple[int, int, int, Any]] = {}
        # records for the Helm bundler (compiler.api.wiring): how often each input was
        # read by get_input, and which node properties get_property read
        self.input_reads: dict[str, int] = {}
        self.props_read: set[tuple[str, str]] = set()

    # -- walking values -------------------------------------------------------
    def evaluate(self, value: Any, ctx: Context, span: Span | None = None) -> Any:
        """``value`` with every function call replaced by its result.

        Raises :class:`Unresolved` (after recording a diagnostic) when a call fails, so
        that a broken value is not validated again with a misleading message.
        """
        if isinstance(value, dict):
            fn = function_name(value)
            if fn is not None:
                return self._call(fn, value, ctx)
            if not contains_function(value):
                return value
            out = PMap(span=getattr(value, "span", span))
            self._descend(out.span)
            try:
                for k, v in value.items():
                    dict.__setitem__(out, k, self.evaluate(v, ctx, _vspan(value, k, span)))
            finally:
                self.nesting -= 1
            if isinstance(value, PMap):
                out.key_spans = value.key_spans
                out.value_spans = value.value_spans
            return self._bounded(out, out.span, ctx)
        if isinstance(value, list):
            if not contains_function(value):
                return value
            self._descend(getattr(value, "span", span))
            try:
                seq = PSeq(
                    [self.evaluate(v, ctx, _ispan(value, i, span)) for i, v in enumerate(value)],
                    span=getattr(value, "span", span),
                )
            finally:
                self.nesting -= 1
            if isinstance(value, PSeq):
                seq.item_spans = value.item_spans
            return self._bounded(seq, seq.span, ctx)
        return value

    # -- limits (compiler.limits) ---------------------------------------------
    def _descend(self, span: Span | None) -> None:
        """Enter one container level.  The levels entered across get_property hops are the
        depth the result will have; they are counted on the way down, since the walk
        recurses before any result exists (30 hops into 45-deep lists: RecursionError)."""
        if self.nesting >= self.limits.max_depth:
            exceeded(self.diags, "max_depth", self.limits,
                     f"a result nested {self.nesting + 1} levels deep (across get_property)",
                     span)
            raise Unresolved("max_depth")
        self.nesting += 1

    def _weigh(self, value: Any) -> tuple[int, int, int]:
        """(items, characters, depth) of a value, counting shared parts each time."""
        if isinstance(value, str):
            return 1, len(value), 0
        if not isinstance(value, (dict, list)):
            return 1, 0, 0
        hit = self._weights.get(id(value))
        if hit is not None and hit[3] is value:
            return hit[0], hit[1], hit[2]
        items, chars, depth = 1, 0, 0
        parts = [x for kv in value.items() for x in kv] if isinstance(value, dict) else value
        for part in parts:
            i, c, d = self._weigh(part)
            items, chars, depth = items + i, chars + c, max(depth, d)
        self._weights[id(value)] = (items, chars, depth + 1, value)
        return items, chars, depth + 1

    def _bounded(self, value: Any, span: Span, ctx: Context) -> Any:
        """``value`` if it is within the result limits; else report and raise Unresolved."""
        items, chars, depth = self._weigh(value)
        lim = self.limits
        for name, got, what in (("max_value_items", items, f"a result of {items:,} items"),
                                ("max_value_chars", chars, f"a result of {chars:,} characters"),
                                ("max_depth", depth, f"a result nested {depth} levels deep")):
            if got > getattr(lim, name):
                exceeded(self.diags, name, lim, what, span)
                raise Unresolved(name)
        return value

    def _text_bounded(self, parts: list[str], sep: str, span: Span, ctx: Context) -> str:
        """``sep.join(parts)``, refused before it is built when it would pass the limit."""
        size = sum(len(p) for p in parts) + len(sep) * max(len(parts) - 1, 0)
        if size > self.limits.max_value_chars:
            exceeded(self.diags, "max_value_chars", self.limits, f"a result of {size:,} characters",
                     span)
            raise Unresolved("max_value_chars")
        # each result is bounded, their sum too: a thousand relationship templates each
        # concatenating their SOURCE's long property took 865 MB (issue 22)
        if self.built_chars + size > self.limits.max_built_chars:
            if self.built_chars <= self.limits.max_built_chars:  # reported once: one cause
                exceeded(self.diags, "max_built_chars", self.limits,
                         f"a result of {size:,} characters, after {self.built_chars:,} built "
                         "by the functions before it,", span)
                self.built_chars = self.limits.max_built_chars + 1
            raise Unresolved("max_built_chars")
        self.built_chars += size
        return sep.join(parts)

    # -- dispatch -------------------------------------------------------------
    def _call(self, fn: str, call: dict, ctx: Context) -> Any:
        span = _kspan(call, fn)
        raw = call[fn]
        args_span = _vspan(call, fn, span)
        handler = getattr(self, "_fn_" + fn)
        if self.depth >= self.limits.max_function_depth:
            # every get_property hop and nested call recurses (300 hops: exit 3)
            exceeded(self.diags, "max_function_depth", self.limits,
                     f"{fn}: a chain of {self.depth + 1} nested or chained calls", span)
            raise Unresolved("max_function_depth")
        if isinstance(raw, list) and len(raw) > self.limits.max_function_args:
            # 100,000 arguments: each evaluated and its text joined before any other
            # limit could stop it
            exceeded(self.diags, "max_function_args", self.limits,
                     f"{fn}: a call of {len(raw):,} arguments", span)
            raise Unresolved("max_function_args")
        self.depth += 1
        try:
            return handler(raw, span, args_span, call, ctx)
        finally:
            self.depth -= 1

    def _fail(self, message: str, span: Span, ctx: Context, hint: str = "", code: str = "tosca-function") -> Unresolved:
        self.diags.add(code, message, span, path=ctx.path, hint=hint)
        return Unresolved(message)

    def _args(self, raw: Any, call: dict, fn: str, ctx: Context) -> list[Any]:
        """Evaluate the arguments of a call (nested calls allowed)."""
        if not isinstance(raw, list):
            raw = [raw]
        return [self.evaluate(a, ctx, _ispan(raw, i, _vspan(call, fn))) for i, a in enumerate(raw)]

    # -- get_input ------------------------------------------------------------
    def _fn_get_input(self, raw: Any, span: Span, args_span: Span, call: dict, ctx: Context) -> Any:
        # TOSCA 1.3 §4.4.1: get_input: <name> | [ <name>, <nested key or index>, ... ]
        if isinstance(raw, list):
            if not raw:
                raise self._fail("get_input takes an input name", span, ctx)
            if len(raw) > 1 and getattr(self.scope, "version", "") != "tosca_simple_yaml_1_3":
                raise self._fail(
                    f"get_input takes one input name in {self.scope.version}; nested "
                    "paths came with tosca_simple_yaml_1_3", span, ctx)
            args = self._args(raw, call, "get_input", ctx)
            name, path = args[0], args[1:]
        else:
            name, path = raw, []
        if not isinstance(name, str):
            raise self._fail(f"get_input takes an input name, not {_show(name)}", args_span, ctx)
        try:
            value = self.scope.input_value(name, span)
        except KeyError:
            raise self._fail(
                f"get_input names no input {name!r}",
                args_span,
                ctx,
                hint=did_you_mean(name, self.scope.input_names()) or "declare it under topology_template.inputs",
                code="tosca-unknown-input",
            ) from None
        self.input_reads[name] = self.input_reads.get(name, 0) + 1
        return self._walk(value, path, "get_input", args_span, ctx)

    # -- get_property ---------------------------------------------------------
    def _fn_get_property(self, raw: Any, span: Span, args_span: Span, call: dict, ctx: Context) -> Any:
        # TOSCA 1.3 §4.4.2: [ <entity>, <optional req or cap name>, <property>, <nested>... ]
        args = self._entity_args(raw, call, "get_property", span, ctx)
        rel = self._relationship(args[0], ctx)
        if rel is not None:
            return self._rel_property(rel, args[1], args[2:], raw, args_span, ctx)
        entity = self._entity(args[0], "get_property", _ispan(raw, 0, args_span), ctx)
        rest = args[1:]
        if args[0] == "HOST":
            entity = self._host_having(entity, lambda n: self.scope.has_property(n, rest[0])
                                       or self.scope.capability_of(n, rest[0]) is not None)
        # A capability or requirement name may come first; a property of the same name
        # as a capability is a rarity, so a capability/requirement wins when two or more
        # names follow (TOSCA 1.3 §4.4.2.2).
        if len(rest) >= 2 and isinstance(rest[0], str):
            cap = self.scope.capability_of(entity, rest[0])
            if cap is not None:
                return self._cap_property(entity, cap, rest[1], rest[2:], raw, args_span, ctx)
            req = self.scope.requirement_target(entity, rest[0])
            if req is not None and not self.scope.has_property(entity, rest[0]):
                target, tcap = req
                if target is None:
                    raise self._fail(
                        f"requirement {rest[0]!r} of {entity!r} is not bound to a node",
                        _ispan(raw, 1, args_span), ctx,
                    )
                if tcap is not None:
                    cap = self.scope.capability_of(target, tcap)
                    if cap is not None and self._cap_has(target, cap, rest[1]):
                        return self._cap_property(target, cap, rest[1], rest[2:], raw, args_span, ctx)
                return self._node_property(target, rest[1], rest[2:], raw, 2, args_span, ctx)
        return self._node_property(entity, rest[0], rest[1:], raw, 1, args_span, ctx)

    # -- relationships as entities ---------------------------------------------
    def _relationship(self, name: str, ctx: Context) -> str | None:
        """The relationship an entity names: SELF inside a relationship (its own
        properties, TOSCA 1.3 §4.1), or a relationship template's name (§4.4.2: the
        entity is 'the name of a node template or relationship template')."""
        if name == "SELF":
            return ctx.relationship if ctx.self_kind == "relationship" else None
        if name in KEYWORDS or self.scope.node_exists(name):
            return None
        exists = getattr(self.scope, "relationship_exists", None)
        return name if exists is not None and exists(name) else None

    def _rel_property(self, rel: str, prop: Any, path: list, raw: Any, args_span: Span,
                      ctx: Context) -> Any:
        pspan = _ispan(raw, 1, args_span)
        if not isinstance(prop, str):
            raise self._fail(f"a property name is a string, not {_show(prop)}", pspan, ctx)
        label = self.scope.relationship_label(rel)
        try:
            value = self.scope.relationship_property(rel, prop, pspan)
        except KeyError:
            if self.scope.relationship_has_property(rel, prop):
                raise self._fail(
                    f"property {prop!r} of {label} has no value (it is optional, has no "
                    "default and is not assigned)", pspan, ctx) from None
            raise self._fail(
                f"{label} has no property {prop!r}", pspan, ctx,
                hint=did_you_mean(prop, list(self.scope.relationship_property_names(rel))),
            ) from None
        return self._walk(value, path, "get_property", args_span, ctx)

    def _cap_has(self, node: str, cap: str, prop: Any) -> bool:
        try:
            self.scope.capability_property(node, cap, prop, Span("<probe>"))
        except KeyError:
            return False
        except Unresolved:
            return True
        return True

    def _node_property(self, node: str, prop: Any, path: list, raw: Any, index: int, args_span: Span, ctx: Context) -> Any:
        pspan = _ispan(raw, index, args_span)
        if not isinstance(prop, str):
            raise self._fail(f"a property name is a string, not {_show(prop)}", pspan, ctx)
        self.props_read.add((node, prop))
        try:
            value = self.scope.node_property(node, prop, pspan)
        except KeyError:
            if self.scope.has_property(node, prop):
                raise self._fail(
                    f"property {prop!r} of node template {node!r} has no value (it is "
                    "optional, has no default and is not assigned)", pspan, ctx,
                ) from None
            if self.diags.failed_at(("property", node, prop), ("capability", node, prop),
                                    ("requirement", node, prop)):
                # follows from the error already reported about that name
                raise Unresolved(f"node template {node!r} has no property {prop!r}") from None
            raise self._fail(
                f"node template {node!r} has no property {prop!r}", pspan, ctx,
                hint=did_you_mean(prop, list(self._prop_names(node))),
            ) from None
        return self._walk(value, path, "get_property", args_span, ctx)

    def _prop_names(self, node: str) -> list[str]:
        names = getattr(self.scope, "property_names", None)
        return list(names(node)) if names else []

    def _cap_property(self, node: str, cap: str, prop: Any, path: list, raw: Any, args_span: Span, ctx: Context) -> Any:
        pspan = _ispan(raw, 2, args_span)
        if not isinstance(prop, str):
            raise self._fail(f"a property name is a string, not {_show(prop)}", pspan, ctx)
        try:
            value = self.scope.capability_property(node, cap, prop, pspan)
        except KeyError:
            defines = getattr(self.scope, "capability_defines", None)
            if defines is not None and defines(node, cap, prop):
                raise self._fail(f"property {prop!r} of capability {cap!r} of {node!r} has no "
                                 "value (it is optional, has no default and is not assigned)",
                                 pspan, ctx) from None
            if self.diags.failed_at(("capability", node, cap), ("requirement", node, cap)):
                raise Unresolved(f"capability {cap!r} of {node!r} has no property {prop!r}") from None
            raise self._fail(f"capability {cap!r} of {node!r} has no property {prop!r}", pspan, ctx) from None
        return self._walk(value, path, "get_property", args_span, ctx)

    def _entity_args(self, raw: Any, call: dict, fn: str, span: Span, ctx: Context) -> list[Any]:
        if not isinstance(raw, list) or len(raw) < 2:
            raise self._fail(
                f"{fn} takes [ <entity>, <property>, ... ] (at least two arguments), "
                f"got {_show(raw)}",
                span, ctx,
            )
        args = self._args(raw, call, fn, ctx)
        for i, a in enumerate(args[:2]):
            if not isinstance(a, str):
                raise self._fail(f"{fn} argument {i + 1} must be a name, not {_show(a)}", _ispan(raw, i, span), ctx)
        return args

    def _entity(self, name: str, fn: str, span: Span, ctx: Context) -> str:
        """The node template an entity keyword or name stands for."""
        if name == "SELF":
            if ctx.self_node is None or ctx.self_kind not in ("node", "relationship"):
                raise self._fail(f"{fn}: SELF has no node template here", span, ctx)
            if ctx.self_kind == "relationship":
                raise self._fail(f"{fn}: SELF is a relationship here; use SOURCE or TARGET", span, ctx)
            return ctx.self_node
        if name in ("SOURCE", "TARGET"):
            node = ctx.source if name == "SOURCE" else ctx.target
            if node is None:
                if ctx.self_kind == "relationship" and ctx.relationship is not None:
                    # a template no requirement uses, or a target left to deployment
                    self.scope.unbound_entity(ctx, name, span)
                    raise Unresolved(name)
                raise self._fail(f"{fn}: {name} is only meaningful in a relationship", span, ctx)
            return node
        if name == "HOST":
            if ctx.self_node is None or ctx.self_kind != "node":
                raise self._fail(f"{fn}: HOST has no node template here", span, ctx)
            host = self.scope.host_of(ctx.self_node)
            if host is None:
                raise self._fail(f"{fn}: node template {ctx.self_node!r} has no host (no HostedOn requirement)", span, ctx)
            return host
        if not self.scope.node_exists(name):
            if name in self.scope.node_names():
                # the template exists, but its type could not be read: that error was
                # reported where the type is named; this one would only follow from it
                raise Unresolved(name)
            raise self._fail(
                f"{fn} names no node template {name!r}", span, ctx,
                hint=did_you_mean(name, self.scope.node_names()),
                code="tosca-unknown-template",
            )
        return name

    # -- runtime references ---------------------------------------------------
    def _fn_get_attribute(self, raw: Any, span: Span, args_span: Span, call: dict, ctx: Context) -> Any:
        # TOSCA 1.3 §4.5.1: kept for run time; the entity and attribute are checked now.
        args = self._entity_args(raw, call, "get_attribute", span, ctx)
        entity = args[0]
        node = None
        rel = self._relationship(entity, ctx)
        if rel is not None:
            if not self.scope.relationship_has_attribute(rel, args[1]):
                raise self._fail(f"{self.scope.relationship_label(rel)} has no attribute "
                                 f"{args[1]!r}", _ispan(raw, 1, span), ctx)
            return RuntimeRef(function="get_attribute", args=tuple(args), span=span)
        if entity == "HOST":
            node = self._entity(entity, "get_attribute", _ispan(raw, 0, span), ctx)
            node = self._host_having(node, lambda n: self._has_attr(n, args[1]))
        elif entity in KEYWORDS and entity != "HOST":
            if ctx.self_kind in ("group", "policy", "output") and entity == "SELF":
                node = None
            else:
                node = self._entity(entity, "get_attribute", _ispan(raw, 0, span), ctx)
        else:
            node = self._entity(entity, "get_attribute", _ispan(raw, 0, span), ctx)
        if node is not None and not self._has_attr(node, args[1]):
            if self.diags.failed_at(("attribute", node, args[1]), ("capability", node, args[1]),
                                    ("requirement", node, args[1])):
                # follows from the error already reported about that name
                raise Unresolved(f"node template {node!r} has no attribute {args[1]!r}")
            raise self._fail(f"node template {node!r} has no attribute {args[1]!r}",
                             _ispan(raw, 1, span), ctx)
        if node is not None and len(args) > 2:
            # TOSCA 1.3 §4.5.1: an index only into a list, a key only into a map/data type
            atype = self.scope.attribute_type(node, args[1])
            step = args[2]
            if atype is not None and isinstance(step, int) and not isinstance(step, bool) \
                    and atype not in ("list", "map"):
                raise self._fail(f"get_attribute: attribute {args[1]!r} of {node!r} is a "
                                 f"{atype}, not a list; it takes no index {step}",
                                 _ispan(raw, 2, span), ctx)
        return RuntimeRef(function="get_attribute", args=tuple(args), node=node or "", span=span)

    def _fn_get_operation_output(self, raw: Any, span: Span, args_span: Span, call: dict, ctx: Context) -> Any:
        # TOSCA 1.3 §4.6.1: [ <entity>, <interface>, <operation>, <output> ]
        if not isinstance(raw, list) or len(raw) != 4:
            raise self._fail(
                "get_operation_output takes [ <entity>, <interface>, <operation>, <output variable> ]",
                span, ctx,
            )
        args = self._args(raw, call, "get_operation_output", ctx)
        node = None
        if args[0] in ("SELF", "SOURCE", "TARGET") or isinstance(args[0], str) and self.scope.node_exists(args[0]):
            try:
                node = self._entity(args[0], "get_operation_output", _ispan(raw, 0, span), ctx)
            except Unresolved:
                node = None
        return RuntimeRef(function="get_operation_output", args=tuple(args), node=node or "", span=span)

    def _has_attr(self, node: str, attr: Any) -> bool:
        """An attribute of the node, a property (TOSCA 1.3 §3.6.12: every property is also
        an attribute), or a capability/requirement name (the two-level form)."""
        return (
            self.scope.has_attribute(node, attr)
            or self.scope.capability_of(node, attr) is not None
            or self.scope.requirement_target(node, attr) is not None
            or self.scope.capability_has_attribute(node, attr)
        )

    def _host_having(self, first: str, pred: Any) -> str:
        """HOST: the first node up the HostedOn chain with the wanted name (TOSCA 1.3
        §4.1: 'the node that hosts the node ... and so on')."""
        node: str | None = first
        seen: set[str] = set()
        while node is not None and node not in seen:
            if pred(node):
                return node
            seen.add(node)
            node = self.scope.host_of(node)
        return first

    # -- string functions -----------------------------------------------------
    def _fn_concat(self, raw: Any, span: Span, args_span: Span, call: dict, ctx: Context) -> Any:
        # TOSCA 1.3 §4.3.1: concat: [ <string>, ... ] (at least one)
        if not isinstance(raw, list) or not raw:
            raise self._fail(f"concat takes a list of at least one value, got {_show(raw)}", span, ctx)
        args = self._args(raw, call, "concat", ctx)
        if any(isinstance(a, RuntimeRef) for a in args):
            return RuntimeRef(function="concat", args=tuple(args), span=span)
        for i, a in enumerate(args):
            if isinstance(a, (dict, list)):
                raise self._fail(f"concat joins scalars, argument {i + 1} is {_show(a)}", _ispan(raw, i, span), ctx)
        return self._text_bounded([_text(a) for a in args], "", span, ctx)

    def _fn_join(self, raw: Any, span: Span, args_span: Span, call: dict, ctx: Context) -> Any:
        # TOSCA 1.3 §4.3.2: join: [ <list of strings>, <optional delimiter> ]
        if not isinstance(raw, list) or not 1 <= len(raw) <= 2:
            raise self._fail("join takes [ <list of strings>, <optional delimiter> ]", span, ctx)
        args = self._args(raw, call, "join", ctx)
        items = args[0]
        delim = args[1] if len(args) == 2 else ""
        if isinstance(items, RuntimeRef) or isinstance(delim, RuntimeRef):
            return RuntimeRef(function="join", args=tuple(args), span=span)
        if not isinstance(items, list):
            raise self._fail(f"join: the first argument must be a list, got {_show(items)}", _ispan(raw, 0, span), ctx)
        if not isinstance(delim, str):
            raise self._fail(f"join: the delimiter must be a string, got {_show(delim)}", _ispan(raw, 1, span), ctx)
        if any(isinstance(a, RuntimeRef) for a in items):
            return RuntimeRef(function="join", args=(tuple(items), delim), span=span)
        for i, a in enumerate(items):
            if isinstance(a, (dict, list)):
                raise self._fail(f"join: item {i + 1} is {_show(a)}, not a string", _ispan(raw, 0, span), ctx)
        return self._text_bounded([_text(a) for a in items], delim, span, ctx)

    def _fn_token(self, raw: Any, span: Span, args_span: Span, call: dict, ctx: Context) -> Any:
        # TOSCA 1.3 §4.3.3: token: [ <string>, <separator characters>, <index> ]
        if not isinstance(raw, list) or len(raw) != 3:
            raise self._fail(
                "token takes [ <string>, <separator characters>, <substring index> ]", span, ctx
            )
        args = self._args(raw, call, "token", ctx)
        text, seps, index = args
        if isinstance(text, RuntimeRef):
            return RuntimeRef(function="token", args=tuple(args), span=span)
        if not isinstance(text, str):
            raise self._fail(f"token: the first argument must be a string, got {_show(text)}", _ispan(raw, 0, span), ctx)
        if not isinstance(seps, str) or not seps:
            raise self._fail("token: the separators must be a non-empty string", _ispan(raw, 1, span), ctx)
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise self._fail(f"token: the index must be a non-negative integer, got {_show(index)}", _ispan(raw, 2, span), ctx)
        parts = [text]
        for sep in seps:
            parts = [p for part in parts for p in part.split(sep)]
        if index >= len(parts):
            raise self._fail(
                f"token: index {index} is out of range ({text!r} has {len(parts)} tokens)",
                _ispan(raw, 2, span), ctx,
            )
        return parts[index]

    # -- artifacts and types --------------------------------------------------
    def _fn_get_artifact(self, raw: Any, span: Span, args_span: Span, call: dict, ctx: Context) -> Any:
        # TOSCA 1.3 §4.8.1: [ <entity>, <artifact>, <location>, <remove> ]
        if not isinstance(raw, list) or not 2 <= len(raw) <= 4:
            raise self._fail("get_artifact takes [ <entity>, <artifact name>, <location>, <remove> ]", span, ctx)
        args = self._args(raw, call, "get_artifact", ctx)
        if not isinstance(args[0], str) or not isinstance(args[1], str):
            raise self._fail("get_artifact takes names as its first two arguments", span, ctx)
        node = self._entity(args[0], "get_artifact", _ispan(raw, 0, span), ctx)
        file = self.scope.artifact_file(node, args[1])
        if file is None:
            raise self._fail(f"node template {node!r} has no artifact {args[1]!r}", _ispan(raw, 1, span), ctx)
        if len(args) >= 3 and isinstance(args[2], str) and args[2] != "LOCAL_FILE":
            # a deployment location is chosen by the orchestrator: the path is known then
            return RuntimeRef(function="get_artifact", args=tuple(args), node=node, span=span)
        return file

    def _fn_get_nodes_of_type(self, raw: Any, span: Span, args_span: Span, call: dict, ctx: Context) -> Any:
        # TOSCA 1.0 §4.7.1: the names of every node template of a type
        if isinstance(raw, list):
            if len(raw) != 1:
                raise self._fail("get_nodes_of_type takes one node type name", span, ctx)
            raw = raw[0]
        if not isinstance(raw, str):
            raise self._fail("get_nodes_of_type takes one node type name", span, ctx)
        names = self.scope.nodes_of_type(raw)
        if names is None:
            raise self._fail(f"get_nodes_of_type names no node type {raw!r}", args_span, ctx, code="tosca-function")
        return PSeq(names, span=args_span)

    # -- nested paths ---------------------------------------------------------
    def _walk(self, value: Any, path: list, fn: str, span: Span, ctx: Context) -> Any:
        """Follow nested keys/indexes into a value (TOSCA 1.3 §4.4.1.2, §4.4.2.2)."""
        for step in path:
            if isinstance(value, RuntimeRef):
                return RuntimeRef(function=value.function, args=value.args + tuple(path), node=value.node, span=value.span)
            if isinstance(value, dict):
                if step not in value:
                    raise self._fail(
                        f"{fn}: no key {step!r} in the value (keys: {', '.join(map(str, value)) or 'none'})",
                        span, ctx,
                    )
                value = value[step]
            elif isinstance(value, list):
                if isinstance(step, bool) or not isinstance(step, int) or not -len(value) <= step < len(value):
                    raise self._fail(
                        f"{fn}: index {step!r} is out of range for a list of {len(value)}", span, ctx
                    )
                value = value[step]
            else:
                raise self._fail(f"{fn}: cannot take {step!r} of {_show(value)}", span, ctx)
        return value


# --------------------------------------------------------------------------- helpers


def did_you_mean(name: Any, choices: list[str] | Any) -> str:
    """'did you mean ...?' for the closest choice, or an empty string."""
    from ..suggest import closest

    if not isinstance(name, str):
        return ""
    # never the name the user wrote: it is wrong for another reason (issue 21 item 7)
    choices = [c for c in choices if isinstance(c, str) and c != name]
    found = closest(name, choices)
    close = [found] if found is not None else []
    if not close:
        lower = {c.lower(): c for c in choices}
        if name.lower() in lower:
            close = [lower[name.lower()]]
    return f"did you mean {close[0]!r}?" if close else ""


def _kspan(container: Any, key: Any) -> Span:
    if isinstance(container, PMap):
        return container.key_span(key)
    return getattr(container, "span", None) or Span("<unknown>")


def _vspan(container: Any, key: Any, default: Span | None = None) -> Span:
    if isinstance(container, PMap):
        return container.value_span(key)
    return getattr(container, "span", None) or default or Span("<unknown>")


def _ispan(container: Any, index: int, default: Span | None = None) -> Span:
    if isinstance(container, PSeq):
        return container.item_span(index)
    return getattr(container, "span", None) or default or Span("<unknown>")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, RuntimeRef):
        return f"a run-time value ({value.function})"
    return repr(value)
