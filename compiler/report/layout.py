"""The drawing of ``xfc report``: the dependency graph as SVG, laid out by Graphviz.

Phase: report (presentation, after the front end).  Input: a :class:`compiler.pipeline.
Compilation` with a plan, and the ids the page gives nodes (``n<i>``), edges (``e<k>``)
and chains (``c<i>``).  Output: a :class:`Drawing` — either the SVG that Graphviz ``dot``
wrote (parsed, reduced to an allow-list of SVG elements and attributes and written out
again, so nothing but shapes and text reaches the page), or, when ``dot`` is not
installed, fails or runs past ``Limits.layout_seconds``, a simple layout of our own as
plain data (boxes in one column per deployment wave, straight or arched lines between
box sides; no path routing) that the template draws.

Waves run left to right (wave 0, what starts first, on the left: ``rankdir=RL`` with the
arrows from a dependent to what it depends on), one Graphviz rank per wave
(``newrank`` with ``rank=same`` groups), chains are clusters, and so are the VNFs of a
network service (ids ``v<j>``, as ``xfc graph`` frames them; the simple layout draws
chains only).  Above
``ALL_EDGES_UP_TO`` edges, only the edges of the transitive reduction are drawn (an edge
A -> C is left out when A -> B -> C is drawn); the page says how many are hidden, and
lists every wiring anyway.  ``dot`` lays a complete 60-node DAG (1,770 edges) out in
minutes; its reduction in a fraction of a second.

Codes: none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

from ..model.ir import BackEndInput
from xml.etree import ElementTree

from ..graph.render import (CHAIN_COLOURS, OTHER_EDGE_COLOUR, STATE_COLOURS, USES_STYLE,
                            WIRING_STYLE, dot_frames, dot_quote, frames, short_type)

ALL_EDGES_UP_TO = 300  # more edges than this: draw the transitive reduction

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}"
_TAGS = {"svg", "g", "title", "path", "polygon", "polyline", "ellipse", "text", "a"}
_ATTRS = {"id", "class", "width", "height", "viewBox", "transform", "fill", "stroke",
          "stroke-width", "stroke-dasharray", "points", "d", "cx", "cy", "rx", "ry", "x",
          "y", "text-anchor", "font-family", "font-size", "font-weight", "font-style"}


@dataclass
class Drawing:
    engine: str  # "graphviz" | "xfc"
    note: str  # what the page says about the layout
    svg: str | None = None  # Graphviz's SVG, sanitised (engine "graphviz")
    simple: dict[str, Any] | None = None  # the fallback layout as plain data (engine "xfc")
    hidden_edges: int = 0  # edges not drawn (transitive reduction)
    drawn_edges: set[str] = field(default_factory=set)  # ids of the edges drawn


def _drawn_edges(unit: BackEndInput) -> list[int]:
    """Indexes (into ``plan.edges``) of the edges to draw."""
    plan = unit.plan
    every = list(range(len(plan.edges)))
    if len(plan.edges) <= ALL_EDGES_UP_TO or not plan.acyclic:
        return every
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(plan.nodes)
    g.add_edges_from((e.source, e.target) for e in plan.edges if e.source != e.target)
    keep = set(nx.transitive_reduction(g).edges())
    return [k for k, e in enumerate(plan.edges) if (e.source, e.target) in keep]


def _chain_of(plan: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for chain, members in plan.chains.items():
        for m in members:
            out.setdefault(m, chain)
    return out


def _edge_style(unit: BackEndInput, e: Any) -> tuple[str, float, str]:
    if e.kind == "wiring" and e.label in unit.plan.wirings:
        return WIRING_STYLE.get(unit.plan.wirings[e.label].wiring.stickiness, WIRING_STYLE["none"])
    if e.kind == "backing_service":
        return USES_STYLE
    return ("solid", 1.0, OTHER_EDGE_COLOUR)


def node_fill(node: Any) -> str:
    if node.kind == "backing":
        return STATE_COLOURS["backing"]
    if node.kind == "workload":
        return STATE_COLOURS.get(node.state or "", "#ffffff")
    return "#ffffff"


def node_label(node: Any) -> list[str]:
    lines = [node.name, short_type(node.type)]
    if node.kind == "workload" and node.state:
        lines.append(node.state)
    return lines


def to_layout_dot(unit: BackEndInput, node_ids: dict[str, str], edges: list[int]) -> str:
    """The DOT the report hands to Graphviz (ids for the page's script; no tooltips:
    the page writes each node's ``<title>`` itself)."""
    plan, xm = unit.plan, unit.xmodel
    labels = len(edges) <= 60  # wiring names on the arrows of small graphs only
    out = ["digraph xfc {", "  rankdir=RL; newrank=true; nodesep=0.25; ranksep=0.6;",
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.7];',
           '  graph [fontname="Helvetica", fontsize=10];']
    top, drawn = frames(unit)  # chains, and the VNFs of a network service as boxes

    def node_line(name: str) -> str:
        a = plan.nodes[name]
        shape = ', shape=cylinder, style="filled"' if a.kind == "backing" else ""
        return (f"{dot_quote(name)} [id={dot_quote(node_ids[name])}, label={dot_quote(chr(10).join(node_label(a)))}, "
                f"fillcolor={dot_quote(node_fill(a))}{shape}];")

    for name in plan.nodes:
        if name not in drawn:
            out.append("  " + node_line(name))
    out += dot_frames(unit, top, node_line, ids=True)
    for wave in plan.waves:
        if len(wave) > 1:
            out.append("  { rank=same; " + " ".join(dot_quote(n) + ";" for n in wave) + " }")
    for k in edges:
        e = plan.edges[k]
        style, width, colour = _edge_style(unit, e)
        attrs = [f"id={dot_quote(f'e{k}')}", f"style={style}", f"penwidth={width}", f"color={dot_quote(colour)}"]
        if labels and e.kind == "wiring":
            attrs.append(f"label={dot_quote(e.label)}")
        out.append(f"  {dot_quote(e.source)} -> {dot_quote(e.target)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def dot_binary() -> str | None:
    """The ``dot`` program on PATH (``XFC_DOT`` names another; ``XFC_DOT=`` none)."""
    if "XFC_DOT" in os.environ:
        return os.environ["XFC_DOT"] or None
    return shutil.which("dot")


def _dot_version(dot: str) -> str:
    try:
        proc = subprocess.run([dot, "-V"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    words = (proc.stderr or proc.stdout).split()
    return words[words.index("version") + 1] if "version" in words[:-1] else ""


def _run_dot(dot: str, source: str, seconds: float) -> tuple[str | None, str]:
    try:
        proc = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True,
                              timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        return None, f"Graphviz dot ran longer than {seconds:g} s (Limits.layout_seconds)"
    except OSError as exc:
        return None, f"Graphviz dot could not be run ({exc.strerror or exc})"
    if proc.returncode != 0 or "<svg" not in proc.stdout:
        why = (proc.stderr or "").strip().splitlines()[:1]
        return None, "Graphviz dot failed" + (f" ({why[0][:200]})" if why else "")
    return proc.stdout, ""


def _clean(elem: ElementTree.Element, titles: dict[str, str], out: list[str]) -> None:
    """Write ``elem`` as SVG markup: allowed tags and attributes only, every text and
    attribute value escaped, a node's ``<title>`` replaced by ``titles[id]``."""
    tag = elem.tag.replace(_SVG, "")
    if tag not in _TAGS:
        return
    attrs = []
    for key, value in elem.attrib.items():
        name = key.replace(_XLINK, "xlink:")
        if name == "xlink:title":
            continue
        if name in _ATTRS:
            attrs.append(f' {name}="{_esc(value)}"')
    ident = elem.get("id", "")
    out.append(f"<{tag}{''.join(attrs)}>")
    if tag == "title":
        out.append(_esc(elem.text or ""))
    elif elem.text and tag == "text":
        out.append(_esc(elem.text))
    for child in elem:
        if child.tag.replace(_SVG, "") == "title" and ident in titles:
            out.append(f"<title>{_esc(titles[ident])}</title>")
        else:
            _clean(child, titles, out)
    out.append(f"</{tag}>")


def _esc(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def sanitise_svg(svg: str, titles: dict[str, str]) -> str:
    """Graphviz's SVG reduced to shapes and text (no script, link or external reference)."""
    start = svg.index("<svg")
    root = ElementTree.fromstring(svg[start:])
    out: list[str] = []
    _clean(root, titles, out)
    return "".join(out)


# ---------------------------------------------------------------- our own layout

BOX_W, BOX_H, COL_GAP, ROW_GAP, PAD = 150, 48, 70, 22, 30


def simple_layout(unit: BackEndInput, node_ids: dict[str, str], edges: list[int]) -> dict[str, Any]:
    """Boxes in one column per wave (wave 0 on the left), rows ordered by chain then by
    source order; chains framed by the box around their members; edges straight from a
    dependent's left side to its dependency's right side, arched when they skip columns."""
    plan, xm = unit.plan, unit.xmodel
    chain_of = _chain_of(plan)
    # each chain gets a band of rows of its own (as tall as its largest wave), the nodes
    # of no chain the last band, so that chain frames never overlap
    groups = list(plan.chains) + [""]
    band_rows = {g: max((sum(1 for n in wave if chain_of.get(n, "") == g) for wave in plan.waves),
                        default=0) for g in groups}
    top, offset = {}, 0.0
    for g in groups:
        top[g] = offset
        offset += band_rows[g] + (0.6 if band_rows[g] else 0)
    place: dict[str, tuple[float, float]] = {}
    for col, wave in enumerate(plan.waves):
        seen: dict[str, int] = {}
        for name in sorted(wave, key=lambda n: plan.nodes[n].index):
            g = chain_of.get(name, "")
            row = top[g] + seen.get(g, 0)
            seen[g] = seen.get(g, 0) + 1
            place[name] = (PAD + col * (BOX_W + COL_GAP), PAD + 24 + row * (BOX_H + ROW_GAP))
    boxes = []
    for name, (x, y) in place.items():
        a = plan.nodes[name]
        boxes.append({"id": node_ids[name], "name": name, "x": x, "y": y, "w": BOX_W, "h": BOX_H,
                      "fill": node_fill(a), "lines": node_label(a), "backing": a.kind == "backing",
                      "title": f"{name}: {a.type}"})
    frames = []
    for i, (chain, members) in enumerate(plan.chains.items()):
        pts = [place[m] for m in members if m in place]
        if not pts:
            continue
        fragile = bool(xm.chains[chain].fragile) if chain in xm.chains else False
        x0, y0 = min(p[0] for p in pts) - 10, min(p[1] for p in pts) - 22
        x1, y1 = max(p[0] for p in pts) + BOX_W + 10, max(p[1] for p in pts) + BOX_H + 10
        frames.append({"id": f"c{i}", "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0,
                       "colour": CHAIN_COLOURS[fragile],
                       "label": f"chain {chain}" + (" (fragile)" if fragile else "")})
    lines = []
    for k in edges:
        e = plan.edges[k]
        if e.source not in place or e.target not in place:
            continue
        (sx, sy), (tx, ty) = place[e.source], place[e.target]
        x1, y1 = sx, sy + BOX_H / 2  # the dependent's left side
        x2, y2 = tx + BOX_W, ty + BOX_H / 2  # the dependency's right side
        span = abs(x1 - x2)
        bend = 0.0 if span <= COL_GAP + 1 else min(span / 4, 200) * (1 if k % 2 else -1)
        style, width, colour = _edge_style(unit, e)
        lines.append({"id": f"e{k}", "d": f"M{x1:.1f},{y1:.1f} Q{(x1 + x2) / 2:.1f},"
                                          f"{(y1 + y2) / 2 + bend:.1f} {x2:.1f},{y2:.1f}",
                      "colour": colour, "width": width,
                      "dash": "6,4" if style == "dashed" else "",
                      "title": f"{e.source} -> {e.target} ({e.label or e.kind})"})
    width = PAD * 2 + max(1, len(plan.waves)) * (BOX_W + COL_GAP)
    height = PAD * 2 + 24 + max(offset, 1) * (BOX_H + ROW_GAP)
    return {"width": width, "height": height, "boxes": boxes, "frames": frames, "lines": lines}


def draw(unit: BackEndInput, node_ids: dict[str, str], titles: dict[str, str], seconds: float) -> Drawing:
    """The drawing of ``unit``'s plan: Graphviz when it can, else our own layout."""
    edges = _drawn_edges(unit)
    hidden = len(unit.plan.edges) - len(edges)
    drawn = {f"e{k}" for k in edges}
    dot = dot_binary()
    why = "Graphviz dot is not installed (Debian package graphviz)"
    if dot is not None:
        svg, why = _run_dot(dot, to_layout_dot(unit, node_ids, edges), seconds)
        if svg is not None:
            version = _dot_version(dot)
            try:
                clean = sanitise_svg(svg, titles)
            except (ElementTree.ParseError, ValueError) as exc:
                why = f"Graphviz dot wrote SVG that could not be read ({exc})"
            else:
                return Drawing("graphviz", f"laid out by Graphviz dot {version}".strip(),
                               svg=clean, hidden_edges=hidden, drawn_edges=drawn)
    return Drawing("xfc", f"{why}: a simple layout of xfc's own (one column per wave, "
                          "straight or arched lines)",
                   simple=simple_layout(unit, node_ids, edges), hidden_edges=hidden,
                   drawn_edges=drawn)


__all__ = ["ALL_EDGES_UP_TO", "Drawing", "draw", "dot_binary", "sanitise_svg", "simple_layout",
           "to_layout_dot"]
