"""A requirement assignment's ``node_filter`` (TOSCA 2.0 §8.7.1, §8.8): the target chosen
at load among the node templates of the service template.

Phase: load (the TOSCA 2.0 front end, :mod:`compiler.tosca2`).  Input: one requirement
assignment (2.0 form) of node template ``source`` and the service template's node
templates as written.  Output: the name of the one node template the filter selects,
which the lowering writes as the assignment's ``node`` (the 1.3 resolver then checks its
node type and capability as for a named target), or None after an error.

The reading: xfc creates one node representation per template (docs/tosca-2.md, count),
so the representations a filter can select are the other node templates of the same
service template.  The filter's condition clause (§8.8) is evaluated once per candidate
(:mod:`.conditions`); its ``SELF`` is the relationship to the candidate, so
``[SELF, TARGET, p, ...]`` reads the candidate's property ``p`` (keys or indexes after
it go inside), ``[SELF, TARGET, CAPABILITY, c, p]`` a property of its capability ``c``,
``[SELF, CAPABILITY, p]`` one of the capability the assignment names, and ``[SELF, p]``
a property the assignment gives its relationship.  Values are those the templates
write: a property a candidate does not write makes the clause false for it (a type's
default is not seen at load); a property written as a call (``$get_input``) has no value
at load, an error.  When the assignment names a node type (``node: Type``), the
candidates are the templates of exactly that type (a derived type is not known at load).
When it names a node template, that template must pass the filter (§8.7.2).

Codes: tosca-requirement (no candidate, or more than one, passes; a named target fails),
tosca2-unsupported (the clause has no value at load), tosca-function (a malformed clause),
tosca-wrong-type (a node filter in TOSCA 1.3's form).
"""

from __future__ import annotations

import functools
from typing import Any

from ...diagnostics import Diagnostics, Span
from ..yamlpos import PMap, PSeq
from .conditions import ConditionError, Evaluator, NotEvaluable, is_call

_CLAUSE = "TOSCA 2.0 §8.7.1, §8.8"


class _Absent(Exception):
    """The candidate does not write the property the path reads: the clause is false."""


class Selector:
    def __init__(self, diags: Diagnostics | Any, templates: Any) -> None:
        self.diags = diags
        self.templates = templates if isinstance(templates, PMap) else PMap()

    def select(self, source: str, rname: str, a: PMap, path: str) -> str | None:
        clause = a["node_filter"]
        fspan = a.value_span("node_filter")
        if isinstance(clause, PMap) and clause and all(
                k in ("properties", "capabilities") for k in clause):
            self.diags.add("tosca-wrong-type", "a TOSCA 2.0 node_filter is a condition clause "
                           f"({_CLAUSE}), not TOSCA 1.3's lists of property constraints",
                           fspan, path=f"{path}.node_filter",
                           hint="for example: node_filter: { $less_than: [ { $get_property: "
                                "[ SELF, TARGET, <property> ] }, <value> ] }")
            return None
        named = a.get("node")
        if isinstance(named, str) and named in self.templates:
            candidates = [named]
        else:
            candidates = [n for n, t in self.templates.items()
                          if n != source and isinstance(t, PMap) and
                          (not isinstance(named, str) or t.get("type") == named)]
        matched: list[str] = []
        for name in candidates:
            ev = Evaluator(functools.partial(self._path, name, a))
            try:
                ok = ev.truth(clause, fspan)
            except _Absent:
                ok = False
            except ConditionError as e:
                self.diags.add("tosca-function", f"node_filter: {e.args[0]}", e.args[1],
                               path=f"{path}.node_filter")
                return None
            except NotEvaluable as e:
                self.diags.add("tosca2-unsupported", f"this node_filter ({_CLAUSE}) has no "
                               f"value at load for {name!r}: {e.args[0]}", e.args[1],
                               path=f"{path}.node_filter",
                               hint="a node filter reads the literal property values the "
                                    "node templates write, with $get_property: [SELF, "
                                    "TARGET, <property>] (docs/tosca-2.md)")
                return None
            if ok:
                matched.append(name)
        at = a.key_span("node_filter")
        if isinstance(named, str) and named in self.templates:
            if not matched:
                self.diags.add("tosca-requirement", f"requirement {rname!r} names {named!r}, "
                               f"which does not pass its node_filter ({_CLAUSE})", at,
                               path=path)
                return None
            return named
        if len(matched) == 1:
            return matched[0]
        if not matched:
            self.diags.add("tosca-requirement", f"no node template passes the node_filter of "
                           f"requirement {rname!r} ({_CLAUSE})", at, path=path,
                           hint="candidates: " + (", ".join(candidates) or "none") +
                                "; a property a template does not write does not match")
        else:
            self.diags.add("tosca-requirement", f"{len(matched)} node templates pass the "
                           f"node_filter of requirement {rname!r}: {', '.join(matched)}; "
                           f"xfc binds one target per assignment ({_CLAUSE})", at, path=path,
                           hint="narrow the filter, or name the target with node:")
        return None

    # ------------------------------------------------------------------ paths
    def _path(self, cand: str, a: PMap, fn: str, arg: Any, at: Span) -> Any:
        if fn != "get_property":
            raise NotEvaluable(f"${fn} has no value at load (attributes are runtime state)",
                               at)
        steps = list(arg) if isinstance(arg, PSeq) else [arg]
        if not steps or steps[0] != "SELF" or len(steps) < 2:
            raise NotEvaluable("a node_filter path starts at SELF, the relationship to the "
                               "candidate (§8.8)", at)
        rest = steps[1:]
        tpl = self.templates.get(cand)
        if rest[0] == "TARGET":
            rest = rest[1:]
            if rest[:1] == ["CAPABILITY"]:
                if len(rest) < 3:
                    raise NotEvaluable("[SELF, TARGET, CAPABILITY, <capability>, <property>] "
                                       "names a capability and a property", at)
                props = _get(_get(_get(tpl, "capabilities"), rest[1]), "properties")
                rest = rest[2:]
            else:
                props = _get(tpl, "properties")
        elif rest[0] == "CAPABILITY":
            cap = a.get("capability")
            if not isinstance(cap, str):
                raise NotEvaluable("[SELF, CAPABILITY, ...] needs the assignment to name "
                                   "its capability; or write [SELF, TARGET, CAPABILITY, "
                                   "<capability>, <property>]", at)
            props = _get(_get(_get(tpl, "capabilities"), cap), "properties")
            rest = rest[1:]
        elif rest[0] in ("SOURCE", "RELATIONSHIP", "HOST"):
            raise NotEvaluable(f"the path step {rest[0]} is not read in a node_filter", at)
        else:
            rel = a.get("relationship")
            props = _get(rel, "properties") if isinstance(rel, PMap) else None
            if props is None:
                raise _Absent()
        if not rest:
            raise NotEvaluable("the path names no property", at)
        value: Any = props
        for step in rest:
            if isinstance(value, PMap):
                if step not in value:
                    raise _Absent()
                value = value[step]
            elif isinstance(value, PSeq) and isinstance(step, int) and \
                    not isinstance(step, bool):
                if not 0 <= step < len(value):
                    raise _Absent()
                value = value[step]
            else:
                raise _Absent()
            if is_call(value) is not None:
                raise NotEvaluable(f"{cand}'s value at {'.'.join(map(str, rest))} is a "
                                   f"function call", at)
        return Evaluator().value(value, at)


def _get(m: Any, key: str) -> Any:
    if not isinstance(m, PMap) or key not in m:
        raise _Absent()
    return m[key]


__all__ = ["Selector"]
