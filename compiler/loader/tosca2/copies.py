"""TOSCA 2.0 ``copy`` of node templates (§7.2) and relationship templates (§7.4).

Phase: load (the TOSCA 2.0 front end, :mod:`compiler.tosca2`).  Input: a service
template's ``node_templates`` or ``relationship_templates`` map.  Output: the same map
with every ``copy`` done, each key at the position it was written (in the copying
template or in its source).  Codes: tosca-unknown-template (a copy of no template, or of
a template that itself uses copy).
"""

from __future__ import annotations

from typing import Any

from ...diagnostics import Diagnostics
from ..yamlpos import PMap

_MERGED = ("properties", "attributes", "capabilities", "interfaces", "artifacts", "metadata")


def copies(templates: Any, diags: Diagnostics, path: str, clause: str) -> Any:
    """``templates`` (a map of node or relationship templates) with every ``copy`` done:
    a template that writes ``copy: src`` gets every keyname of ``src`` it does not write;
    of the named maps (properties, attributes, capabilities, interfaces, artifacts,
    metadata) it gets each entry it does not write.  The source must be a template of the
    same map that does not itself use copy (the clause's MUST NOT)."""
    if not isinstance(templates, PMap) or not any(
            isinstance(b, PMap) and "copy" in b for b in templates.values()):
        return templates
    out = PMap(span=templates.span)
    for name, body in templates.items():
        if isinstance(body, PMap) and "copy" in body:
            body = _copy(templates, name, body, diags, f"{path}.{name}", clause)
        dict.__setitem__(out, name, body)
        out.key_spans[name] = templates.key_span(name)
        out.value_spans[name] = templates.value_span(name)
    return out


def _copy(templates: PMap, name: Any, body: PMap, diags: Diagnostics, path: str,
          clause: str) -> PMap:
    src_name = body["copy"]
    src = templates.get(src_name) if isinstance(src_name, str) else None
    at = body.value_span("copy")
    if not isinstance(src, PMap) or src_name == name:
        diags.add("tosca-unknown-template", f"copy names {src_name!r}, which is not another "
                  f"template of this service template (TOSCA 2.0 {clause})", at,
                  path=f"{path}.copy", hint="templates: " + ", ".join(
                      str(k) for k in templates if k != name))
        return _without_copy(body)
    if "copy" in src:
        diags.add("tosca-unknown-template", f"copy names {src_name!r}, which itself uses "
                  "copy: the source of a copy must be a complete template (TOSCA 2.0 "
                  f"{clause})", at, path=f"{path}.copy",
                  hint=f"copy {src['copy']!r} instead, or write {src_name!r} out")
        return _without_copy(body)
    out = PMap(span=body.span)
    for k in list(body) + [k for k in src if k not in body]:
        if k == "copy":
            continue
        own = k in body
        m = body if own else src
        v = m[k]
        if own and k in _MERGED and isinstance(v, PMap) and isinstance(src.get(k), PMap):
            merged = PMap(span=v.span)
            for part in (src[k], v):  # the template's own entries last, replacing
                for e, ev in part.items():
                    dict.__setitem__(merged, e, ev)
                    merged.key_spans[e] = part.key_span(e)
                    merged.value_spans[e] = part.value_span(e)
            v = merged
        dict.__setitem__(out, k, v)
        out.key_spans[k] = m.key_span(k)
        out.value_spans[k] = m.value_span(k)
    return out


def _without_copy(body: PMap) -> PMap:
    out = PMap(span=body.span)
    for k, v in body.items():
        if k != "copy":
            dict.__setitem__(out, k, v)
            out.key_spans[k] = body.key_span(k)
            out.value_spans[k] = body.value_span(k)
    return out
