"""A ``<tosca_path>`` that traverses ``RELATIONSHIP`` (TOSCA 2.0 §10.2.1.2, §10.3), walked
at load to the node it reaches.

Phase: load (the TOSCA 2.0 front end, :mod:`compiler.tosca2`).  Input: the arguments of a
``$get_property``/``$get_attribute`` call whose path has a ``RELATIONSHIP`` step, the
node template the call is written in (``SELF``), and the service template's node
templates as written.  Output: the same arguments in the form the 1.3 resolver reads
(``[<node template>, <property>, ...]``, ``[<node>, CAPABILITY, <capability>, ...]`` or
1.3's two-level ``[<node>, <requirement>, <property>]``), one per path reached (several
with ``ALL``), or None after an error.

Why at load: xfc has one node representation per template (docs/tosca-2.md), and the
target of a requirement assignment is written in the file (a template name, or the one a
``node_filter`` selects, :mod:`.selection`), so the node a path reaches is known before
the resolver runs; the resolver then reads the property as for 1.3 (its checks, its
defaults).  Read: ``RELATIONSHIP, <requirement>, <idx>`` (the idx-th assignment of that
name; no idx is 0) followed by ``TARGET`` (the target node, whose context may continue,
over further ``RELATIONSHIP`` steps), ``SOURCE`` (back to the node) or ``CAPABILITY``
(the target capability: the capability the assignment names when the target template
writes it, else, for the first assignment, 1.3's two-level form, which is that
capability's property, or the target node's when the capability has none of that name).
``ALL`` in place of an index (§10.3) reads every assignment of the requirement, in the
order written (after a node template name: its one representation), and the call's value
is the list of the values of every path reached, merged into one list when ``ALL`` is
written more than once.  Not read (``tosca2-unsupported``, naming §10.3): an index
other than 0 after a node template name (one representation), a property of the
relationship itself, and a target the file does not name (a node type, an open
requirement; with ``ALL``, a requirement the template does not assign).  The incoming
relationships of a capability (``CAPABILITY, c, RELATIONSHIP, <idx>``) are the
assignments in the file whose target is the node and that name ``c``, in file order;
one into the node that names no capability (the resolver picks it by type) makes them
unknown at load, an error.

Codes: tosca2-unsupported, limit-exceeded (``max_value_items``: the paths ``ALL`` reaches,
which multiply from step to step).
"""

from __future__ import annotations

from typing import Any

from ...diagnostics import Diagnostics, Span
from ...limits import DEFAULT_LIMITS, Limits, exceeded
from ..yamlpos import PMap, PSeq
from .selection import Selector

_WHERE = "TOSCA 2.0 §10.3"


class _Silent:
    """A sink for the selection a path repeats: its errors are reported at the
    requirement assignment, where the lowering selects."""

    def add(self, *args: Any, **kw: Any) -> None:
        return None


def _index(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class Graph:
    def __init__(self, diags: Diagnostics, templates: Any,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.diags = diags
        self.templates = templates if isinstance(templates, PMap) else PMap()
        self.limits = limits
        self._assigned: dict[tuple[str, Any], list[tuple[str | None, str | None]]] = {}
        self._into: dict[tuple[str, Any], tuple[list[Any], str | None]] = {}

    def assignments(self, node: str, req: Any) -> list[tuple[str | None, str | None]]:
        """(target template, capability name or None) of each assignment of requirement
        ``req`` of ``node``, in the order written (None: a target the file does not name)."""
        key = (node, req)
        if key not in self._assigned:  # a node_filter is evaluated once, not once per path
            self._assigned[key] = self._assignments(node, req)
        return self._assigned[key]

    def _assignments(self, node: str, req: Any) -> list[tuple[str | None, str | None]]:
        t = self.templates.get(node)
        reqs = t.get("requirements") if isinstance(t, PMap) else None
        if not isinstance(reqs, PSeq):
            return []
        out: list[tuple[str | None, str | None]] = []
        for item in reqs:
            if not (isinstance(item, PMap) and len(item) == 1 and req in item):
                continue
            body = item[req]
            if isinstance(body, str):
                out.append(((body if body in self.templates else None), None))
                continue
            if not isinstance(body, PMap):
                out.append((None, None))
                continue
            if "node_filter" in body:
                tgt = Selector(_Silent(), self.templates).select(node, str(req), body, "")
            else:
                tgt = body.get("node") if isinstance(body.get("node"), str) else None
                tgt = tgt if tgt in self.templates else None
            cap = body.get("capability")
            tt = self.templates.get(tgt) if tgt else None
            caps = tt.get("capabilities") if isinstance(tt, PMap) else None
            out.append((tgt, (cap if isinstance(caps, PMap) and cap in caps else None)))
        return out

    def walk(self, fn: str, items: list[Any], spans: list[Span], self_node: str | None,
             path: str) -> tuple[list[tuple[list[Any], list[Span]]], bool] | None:
        """The paths ``items`` reaches, in 1.3's form, and whether it wrote ``ALL`` (its
        value is then the list of their values, §10.3), or None after an error."""
        n = len(items)

        def fail(msg: str, i: int) -> Any:
            self.diags.add("tosca2-unsupported", f"${fn} path: {msg} ({_WHERE}), not read "
                           "by xfc", spans[min(i, n - 1)], path=path,
                           hint="docs/tosca-2.md lists the <tosca_path> steps xfc reads")
            return None

        if items[0] == "SELF":
            if self_node is None:
                return fail("SELF is a node template only in the values of a node template", 0)
            node = self_node
        elif isinstance(items[0], str) and items[0] in self.templates:
            node = items[0]
        else:
            return fail(f"{items[0]!r} is no node template of this service template", 0)
        many = False
        i = 1
        if items[0] != "SELF" and i < n and (_index(items[i]) or items[i] == "ALL"):
            if items[i] == "ALL":
                many = True  # every representation: xfc has one per template (§14.1)
            elif items[i] != 0:
                return fail("a node template has one representation, index 0", i)
            i += 1
        # the contexts reached so far: (node, the span that names it)
        states: list[tuple[str, Span]] = [(node, spans[0])]
        while i < n and (items[i] == "RELATIONSHIP" or (
                items[i] == "CAPABILITY" and i + 2 < n and items[i + 2] == "RELATIONSHIP")):
            incoming = items[i] == "CAPABILITY"
            if i + 1 >= n:
                return fail("RELATIONSHIP names no requirement", i)
            name, j = items[i + 1], i + (3 if incoming else 2)
            every = j < n and items[j] == "ALL"
            idx = items[j] if j < n and _index(items[j]) else 0
            if every or (j < n and _index(items[j])):
                j += 1
            many = many or every
            step = items[j] if j < n else None
            reached: list[tuple[str, Span]] = []
            ends: list[tuple[list[Any], list[Span]]] = []
            for node, at in states:
                if incoming:
                    rels, problem = self.incoming(node, name)
                    if problem:
                        return fail(problem, i + 1)
                else:
                    rels = [(node, name, k, tgt, cap)
                            for k, (tgt, cap) in enumerate(self.assignments(node, name))]
                    if every and not rels:
                        return fail(f"{node!r} assigns no requirement {name!r} (ALL reads "
                                    "the relationships whose targets the file names)", i + 1)
                picked = rels if every else \
                    ([rels[idx]] if 0 <= idx < len(rels) else [(node, name, idx, None, None)])
                if len(reached) + len(ends) + len(picked) > self.limits.max_value_items:
                    # ALL after ALL multiplies: 100 relationships over ten steps are 100^10
                    exceeded(self.diags, "max_value_items", self.limits,
                             f"${fn} path: the paths ALL reaches", spans[i])
                    return None
                for src, req, k, tgt, cap in picked:
                    if tgt is None and incoming:
                        return fail(f"the file has no relationship {k} into capability "
                                    f"{name!r} of {node!r}", i + 1)
                    if tgt is None:
                        return fail(f"{src!r} has no assignment {k} of requirement {req!r} "
                                    "whose target is a node template named in the file", i + 1)
                    if step == "TARGET":
                        reached.append((tgt, spans[j]))
                    elif step == "SOURCE":
                        reached.append((src, spans[j] if incoming else at))
                    elif step == "CAPABILITY" and not (j + 1 < n and
                                                       items[j + 1] == "RELATIONSHIP"):
                        rest, rspans = items[j + 1:], spans[j + 1:]
                        if cap is not None:
                            ends.append(([tgt, "CAPABILITY", cap, *rest],
                                         [spans[j], spans[j], spans[j], *rspans]))
                        elif k == 0:
                            ends.append(([src, req, *rest], [at, spans[i + 1], *rspans]))
                        else:
                            return fail(f"the target capability of relationship {k} of "
                                        f"{req!r}, which the assignment does not name", j)
            if step == "CAPABILITY" and j + 1 < n and items[j + 1] == "RELATIONSHIP":
                return fail("the other relationships of a requirement", j + 1)
            if step == "CAPABILITY":
                return ends, many
            if step not in ("TARGET", "SOURCE"):
                return fail("a property of a relationship reached over RELATIONSHIP", j)
            states, i = reached, j + 1
        return [([node, *items[i:]], [at, *spans[i:]]) for node, at in states], many

    def incoming(self, node: str, cap: Any) -> tuple[list[Any], str | None]:
        """The relationships into capability ``cap`` of ``node``: (source, requirement,
        index, node, cap) of each assignment in the file whose target is ``node`` and
        that names ``cap``, in the order of the file (templates, then their
        assignments); or a problem when an assignment into ``node`` names no capability
        the file shows to be ``cap`` or another (the resolver picks it by type)."""
        key = (node, cap)
        if key not in self._into:  # once per capability, not once per path
            self._into[key] = self._incoming(node, cap)
        return self._into[key]

    def _incoming(self, node: str, cap: Any) -> tuple[list[Any], str | None]:
        target = self.templates.get(node)
        written = target.get("capabilities") if isinstance(target, PMap) else None
        out: list[Any] = []
        for src, t in self.templates.items():
            reqs = t.get("requirements") if isinstance(t, PMap) else None
            seen: dict[Any, int] = {}
            for item in reqs if isinstance(reqs, PSeq) else []:
                if not (isinstance(item, PMap) and len(item) == 1):
                    continue
                (req, body), = item.items()
                k = seen[req] = seen.get(req, -1) + 1
                found = self.assignments(src, req)
                if k >= len(found) or found[k][0] != node:
                    continue
                named = body.get("capability") if isinstance(body, PMap) else None
                if named == cap:
                    out.append((src, req, k, node, cap))
                elif not (isinstance(named, str) and isinstance(written, PMap) and
                          named in written):
                    return [], (f"{src!r} requirement {req!r} targets {node!r} without naming "
                                "a capability of it (the resolver picks it by type), so "
                                f"whether it is a relationship into {cap!r} is not known at "
                                "load")
        return out, None


__all__ = ["Graph"]
