"""Relationships as entities of their own: relationship templates (TOSCA 1.3 §3.9) and the
relationship of each requirement assignment, with properties evaluated lazily so that
functions can name them (TOSCA 1.3 §4.4.2, §4.5.1: ``SELF`` in a relationship, a
relationship template's name as the entity, ``SOURCE``/``TARGET`` in the relationship's
properties and interface inputs).

Phase: resolve.  A mixin of :class:`compiler.resolve.templates.TemplateResolver`, like
:mod:`.binding`.  Each relationship is a :class:`_Rel` under a key: a template's name, or
the path of the requirement assignment whose relationship it is.  A property is
evaluated once, in the context of its relationship (SELF is the relationship, SOURCE the
node holding the requirement, TARGET the node it is bound to), memoised, and a property
met again while it is evaluated is a cycle.

A relationship template is evaluated on its own (the ``relationships`` of the
``Topology``) in the context of the first requirement that uses it; one used by no
requirement has no SOURCE or TARGET, and a value that names them is left out with a
warning.

Codes: tosca-wrong-type, tosca-unknown-property, tosca-missing-property,
tosca-function-cycle, tosca-function (warning: SOURCE/TARGET in an unused template),
limit-exceeded (more templates than ``Limits.max_relationship_templates``: none is read),
plus those of property evaluation.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..diagnostics import Span
from ..limits import exceeded
from ..loader.yamlpos import PMap
from .functions import Context, Unresolved, did_you_mean
from .host import ResolverHost

_ABSENT = object()  # evaluation failed (reported)
_NOVALUE = object()  # an optional property with no value


class _Rel:
    """One relationship while it is being resolved."""

    __slots__ = ("key", "type", "pdefs", "raw", "span", "path", "source", "target", "memo",
                 "busy", "label")

    def __init__(self, key: str, type_: str, pdefs: Mapping[str, Any], raw: Any, span: Span,
                 path: str, source: str | None, target: str | None, label: str) -> None:
        self.key, self.type, self.pdefs, self.span, self.path = key, type_, pdefs, span, path
        self.raw = raw if isinstance(raw, PMap) else PMap()
        self.source, self.target, self.label = source, target, label
        self.memo: dict[str, Any] = {}
        self.busy: set[str] = set()

    def context(self, path: str) -> Context:
        return Context(None, source=self.source, target=self.target, path=path,
                       self_kind="relationship", relationship=self.key)


class RelationshipsMixin(ResolverHost):
    """Relationship templates and requirement relationships for the TemplateResolver."""

    # ------------------------------------------------------------------ index
    def index_relationships(self, raw: Any, container: PMap | None, path: str) -> None:
        if raw is None:
            return
        if not isinstance(raw, PMap):
            self.diags.add("tosca-wrong-type", "relationship_templates must be a mapping",
                           _vspan(container, "relationship_templates"), path=path)
            return
        from .templates import REL_KEYS

        if len(raw) > self.ev.limits.max_relationship_templates:
            # each is evaluated with its source and target (and again for each requirement
            # naming it): thousands with long concats over SOURCE/TARGET took 18 s, 865 MB
            exceeded(self.diags, "max_relationship_templates", self.ev.limits,
                     f"{len(raw):,} relationship templates",
                     container.key_span("relationship_templates") if isinstance(container, PMap)
                     else raw.span,
                     hint="xfc refuses input beyond max_relationship_templates; a requirement "
                          "can carry its relationship's properties itself (docs/robustness.md)")
            return
        for name, body in raw.items():
            rpath = f'{path}["{name}"]'
            if not isinstance(body, PMap):
                self.diags.add("tosca-wrong-type", f"relationship template {name!r} must be a "
                               "mapping", raw.value_span(name), path=rpath)
                continue
            self._check_keys(body, REL_KEYS, f"relationship template {name!r}", rpath)
            t = self._want_type(body, "relationship", f"relationship template {name!r}",
                                rpath, raw.key_span(name))
            if t is not None:
                self.rel_templates[str(name)] = (t, body)
                self.rel_spans[str(name)] = raw.key_span(name)

    def _template_uses(self) -> dict[str, tuple[str, str | None]]:
        """(source, target) of the first requirement that names each relationship template,
        in source order: one pass over the requirement assignments."""
        if self._rel_uses is not None:
            return self._rel_uses
        uses: dict[str, tuple[str, str | None]] = {}
        for node in self.nodes.values():
            reqs = node.raw.get("requirements")
            items = reqs if isinstance(reqs, list) else [reqs] if isinstance(reqs, PMap) else []
            for item in items:
                if not isinstance(item, PMap):
                    continue
                for body in item.values():
                    if not isinstance(body, PMap):
                        continue
                    rel = body.get("relationship")
                    if isinstance(rel, str) and rel in self.rel_templates and rel not in uses:
                        t = body.get("node")
                        uses[rel] = (node.name, t if isinstance(t, str) and t in self.nodes
                                     else None)
        self._rel_uses = uses
        return uses

    def add_relationship(self, key: str, type_: str, raw_props: Any, span: Span, path: str,
                         source: str | None, target: str | None, label: str) -> _Rel:
        """Register the relationship of a requirement assignment under ``key``."""
        rel = _Rel(key, type_, self.reg.properties("relationship", type_), raw_props, span,
                   path, source, target, label)
        self.rels[key] = rel
        return rel

    def _rel(self, key: str) -> _Rel | None:
        rel = self.rels.get(key)
        if rel is None and key in self.rel_templates:
            t, body = self.rel_templates[key]
            source, target = self._template_uses().get(key, (None, None))
            rel = _Rel(key, t, self.reg.properties("relationship", t), body.get("properties"),
                       self.rel_spans.get(key, body.span),
                       f'topology_template.relationship_templates["{key}"]', source, target,
                       f"relationship template {key!r}")
            rel.source = source
            self.rels[key] = rel
        return rel

    # ------------------------------------------------------------------ Scope
    def relationship_exists(self, name: str) -> bool:
        return name in self.rel_templates

    def relationship_has_property(self, key: str, name: str) -> bool:
        rel = self._rel(key)
        return rel is not None and name in rel.pdefs

    def relationship_property_names(self, key: str) -> Iterable[str]:
        rel = self._rel(key)
        return rel.pdefs.keys() if rel is not None else ()

    def relationship_has_attribute(self, key: str, name: str) -> bool:
        rel = self._rel(key)
        return rel is not None and (name in rel.pdefs
                                    or name in self.reg.attributes("relationship", rel.type))

    def relationship_label(self, key: str) -> str:
        rel = self._rel(key)
        return rel.label if rel is not None else repr(key)

    def relationship_property(self, key: str, name: str, span: Span) -> Any:
        """Evaluated, validated property of a relationship; KeyError when the type does not
        define it or it has no value."""
        rel = self._rel(key)
        if rel is None or name not in rel.pdefs:
            raise KeyError(name)
        if name in rel.memo:
            v = rel.memo[name]
            if v is _NOVALUE:
                raise KeyError(name)
            if v is _ABSENT:
                raise Unresolved(name)
            return v
        if name in rel.busy:
            self.diags.add("tosca-function-cycle", f"property {name!r} of {rel.label} depends "
                           "on itself through get_property", span, path=rel.path)
            raise Unresolved(name)
        rel.busy.add(name)
        try:
            pdef = rel.pdefs[name]
            path = f'{rel.path}.properties["{name}"]'
            if name in rel.raw:
                value, vspan = rel.raw[name], rel.raw.value_span(name)
            elif pdef.has_default:
                value, vspan = pdef.default, pdef.default_span
            else:
                rel.memo[name] = _NOVALUE
                raise KeyError(name)
            v = self.value(value, pdef, rel.context(path), vspan, path)
            rel.memo[name] = _ABSENT if v is self._ABSENT else v
            if v is self._ABSENT:
                raise Unresolved(name)
            return v
        finally:
            rel.busy.discard(name)

    def relationship_properties(self, key: str, span: Span, *, check_required: bool
                                ) -> tuple[dict[str, Any], dict[str, Span]]:
        """Every property of a relationship, checked against its type (unknown names,
        required ones without a value), each evaluated once."""
        rel = self._rel(key)
        if rel is None:
            return {}, {}
        raw = rel.raw
        for p in raw:
            if p not in rel.pdefs:
                self.diags.add("tosca-unknown-property", f"{rel.label} ({rel.type}) defines no "
                               f"property {p!r}", raw.key_span(p),
                               path=f'{rel.path}.properties["{p}"]',
                               hint=did_you_mean(p, list(rel.pdefs)) or _choices(rel.pdefs))
        out: dict[str, Any] = {}
        spans: dict[str, Span] = {}
        for name, pdef in rel.pdefs.items():
            if name not in raw and not pdef.has_default:
                if pdef.required and check_required:
                    self.diags.add("tosca-missing-property", f"{rel.label} ({rel.type}) "
                                   f"requires property {name!r}, which has no value and no "
                                   "default", span, path=f'{rel.path}.properties["{name}"]')
                continue
            try:
                out[name] = self.relationship_property(key, name, span)
            except (KeyError, Unresolved):
                continue
            spans[name] = raw.value_span(name) if name in raw else pdef.default_span
        return out, spans

    def unbound_entity(self, ctx: Context, keyword: str, span: Span) -> None:
        """SOURCE/TARGET in a relationship template that no requirement uses: nothing to
        name, and nothing will be deployed from it; the value is left out, said here."""
        label = self.relationship_label(ctx.relationship) if ctx.relationship else \
            "this relationship"
        why = f"{label} is used by no requirement" if ctx.source is None else \
            "the requirement names no node template (the target is chosen at deployment)"
        self.diags.add("tosca-function", f"{why}, so {keyword} names no node; this value "
                       "is left out", span, path=ctx.path, severity=_warning())

    # ------------------------------------------------------------------ build
    def build_relationships(self, raw: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, (t, body) in self.rel_templates.items():
            rel = self._rel(name)
            assert rel is not None
            props, _ = self.relationship_properties(name, rel.span, check_required=True)
            out[name] = {"type": t, "types": tuple(self.reg.ancestry("relationship", t)),
                         "properties": props,
                         "interfaces": self.interfaces(body, "relationship", t,
                                                       rel.context(rel.path), rel.path)}
        return out


def _warning() -> Any:
    from ..diagnostics import Severity

    return Severity.WARNING


def _choices(m: Mapping) -> str:
    from .binding import choices_hint

    return choices_hint(m)


def _vspan(m: Any, k: Any) -> Span:
    return m.value_span(k) if isinstance(m, PMap) else getattr(m, "span", Span("<unknown>"))
