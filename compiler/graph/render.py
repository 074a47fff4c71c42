"""Renderers of the dependency graph: Graphviz DOT, a Mermaid flowchart and JSON.

Phase: graph (presentation).  Input: a clean front-end :class:`compiler.pipeline.Compilation`
(its ``plan`` from :func:`compiler.graph.build_plan` and its ``xmodel``).  Output: text
(DOT: workloads coloured by state, backing services as cylinders, wirings drawn by
stickiness, chains as clusters, the VNFs of a network service as clusters that hold
their templates (compiler/ns, ``XModel.units``), short type names with the full name as the tooltip, and
a legend as the graph's label; Mermaid: the same as a flowchart, the legend as a
subgraph of its own, every label escaped (HTML entities, Markdown backslashes) so that
any template name renders as written) or a JSON-ready dict (nodes, edges with kinds and positions,
waves, chains in startup order, the wirings' sides as shared scopes, resolved wirings
with their typed step arguments).
``xfc graph`` (:mod:`compiler.commands.graph`) is the command around it; ``xfc report``
(:mod:`compiler.report`) draws with the same colours, styles and legend (``LEGEND``).

Codes: none (data only).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Callable

from ..model.ir import Analysed, BackEndInput, complete
from ..model.xfactor import Edge, GraphNode, Plan, ResolvedStep, SideReach, Wiring, side_closure

STATE_COLOURS = {"stateless": "#cfe8ff", "stateful": "#ffd8a8", "backing": "#e0e0e0"}
# stickiness -> (DOT style, pen width, colour); Mermaid arrows below
WIRING_STYLE = {
    "none": ("solid", 1.2, "#1f4e79"),
    "connection": ("dashed", 1.6, "#1f4e79"),
    "session": ("bold", 2.5, "#b35900"),
    "pinned": ("bold", 3.5, "#c00000"),
}
MERMAID_ARROW = {"none": "-->", "connection": "-.->", "session": "==>", "pinned": "==>"}
USES_STYLE = ("dashed", 1.0, "#666666")  # a backing-service use
OTHER_EDGE_COLOUR = "#999999"  # a plain requirement or relationship
CHAIN_COLOURS = {True: "#c00000", False: "#555555"}  # fragile -> frame colour

# One legend for every drawing (DOT, Mermaid, the HTML report): (kind, key, words).
LEGEND_NODES = (
    ("stateless", "stateless workload (Deployment)"),
    ("stateful", "stateful workload (StatefulSet)"),
    ("backing", "backing service"),
)
LEGEND_EDGES = (
    ("none", "wiring, stickiness none"),
    ("connection", "wiring, stickiness connection"),
    ("session", "wiring, stickiness session"),
    ("pinned", "wiring, stickiness pinned"),
    ("uses", "uses a backing service"),
    ("requirement", "other requirement"),
)
LEGEND_NOTE = ("an arrow points from a node to what it depends on",
               "a dashed frame is a chain (red: fragile)")


def short_type(name: str) -> str:
    """A type name without its namespace: ``xfactor.nodes.CNF`` -> ``CNF``,
    ``tosca.nodes.nfv.Vdu.Compute`` -> ``Vdu.Compute`` (the segments after the last
    all-lower-case one; the last segment when every one is lower case)."""
    parts = str(name).split(".")
    if len(parts) < 2:
        return str(name)
    lower = [i for i, p in enumerate(parts) if p and p == p.lower() and not p.isdigit()]
    start = lower[-1] + 1 if lower else 0
    if start >= len(parts):
        start = len(parts) - 1
    return ".".join(parts[start:]) or str(name)


# --------------------------------------------------------------------------- views


def _fill(node: GraphNode) -> str:
    kind, state = node.kind, node.state
    if kind == "backing":
        return STATE_COLOURS["backing"]
    if kind == "workload" and state is not None:
        return STATE_COLOURS.get(state, "#ffffff")
    return "#ffffff"


def _complete(unit: Analysed) -> BackEndInput:
    """``unit``'s IR: the graph is drawn from a clean front end (a plan, on a topology
    and a model)."""
    ir = complete(unit)
    if ir is None:
        raise ValueError(f"{unit.path}: no dependency graph to draw (the front end stopped)")
    return ir


def _wiring_of(unit: BackEndInput, edge: Edge) -> Wiring | None:
    w = unit.plan.wirings.get(edge.label)
    return w.wiring if w is not None else None


class Frame:
    """A frame of the drawing: a chain or a VNF of a network service, its nodes and the
    frames nested in it."""

    __slots__ = ("kind", "name", "index", "nodes", "frames")

    def __init__(self, kind: str, name: str, index: int) -> None:
        self.kind, self.name, self.index = kind, name, index  # kind: chain | vnf
        self.nodes: list[str] = []
        self.frames: list[Frame] = []


def frames(unit: BackEndInput) -> tuple[list[Frame], set[str]]:
    """The top-level frames (chains, then the VNFs no chain wraps) and the nodes drawn in
    some frame.  Without VNF units every node is drawn in the first chain (source order)
    that holds it.  A VNF of a network service (``XModel.units``) is a frame holding its
    VNF node and its VNFD's templates; a chain inside one VNF is drawn inside it; a chain
    across VNFs wraps their whole frames (a VNF already wrapped by an earlier chain
    leaves a later one unframed: frames cannot overlap)."""
    plan, xm = unit.plan, unit.xmodel
    units = dict(getattr(xm, "units", {}) or {})
    unit_of = {m: v for v, ms in units.items() for m in (v, *ms) if m in plan.nodes}
    vnf_frames = {v: Frame("vnf", v, j) for j, v in enumerate(units)}
    chain_frames: dict[str, Frame] = {}
    parent: dict[str, str | None] = {}  # chain -> the VNF it is drawn in (None: top)
    wrapped: dict[str, str] = {}  # VNF -> the chain that wraps it
    for i, (chain, members) in enumerate(plan.chains.items()):
        vnfs = {unit_of.get(m) for m in members}
        inside = sorted(v for v in vnfs if v is not None)
        if len(inside) == 1 and None not in vnfs:
            parent[chain] = inside[0]
        elif inside and any(v in wrapped for v in inside):
            continue  # it would overlap another chain's frame: not framed
        else:
            parent[chain] = None
            for v in inside:
                wrapped[v] = chain
        chain_frames[chain] = Frame("chain", chain, i)
    drawn: set[str] = set()
    for name in plan.nodes:
        v = unit_of.get(name)
        home = next((c for c, members in plan.chains.items()
                     if c in chain_frames and parent[c] == v and name in members), None)
        if home is not None:
            chain_frames[home].nodes.append(name)
        elif v is not None:
            vnf_frames[v].nodes.append(name)
        else:
            continue
        drawn.add(name)
    for chain, frame in chain_frames.items():
        members = plan.chains[chain]
        frame.nodes.sort(key=lambda n: members.index(n) if n in members else len(members))
    top: list[Frame] = []
    for chain, frame in chain_frames.items():
        (vnf_frames[parent[chain]].frames if parent[chain] is not None else top).append(frame)
    for v, frame in vnf_frames.items():
        if v in wrapped:
            chain_frames[wrapped[v]].frames.append(frame)
        elif frame.nodes or frame.frames:
            top.append(frame)
    return top, drawn


def vnf_label(unit: BackEndInput, vnf: str) -> str:
    node = unit.plan.nodes.get(vnf)
    return f"VNF {vnf}" + (f" ({short_type(node.type)})" if node is not None else "")


VNF_FRAME_COLOUR = "#1f4e79"


def to_json(unit: Analysed) -> dict[str, Any]:
    ir = _complete(unit)
    plan, xm = ir.plan, ir.xmodel
    wave_of = {n: i for i, wave in enumerate(plan.waves) for n in wave}
    nodes = []
    for name, a in plan.nodes.items():
        item: dict[str, Any] = {"name": name, "type": a.type, "kind": a.kind, "wave": wave_of.get(name)}
        if a.state:
            item["state"] = a.state
        nodes.append(item)
    edges = []
    for e in plan.edges:
        item = {"source": e.source, "target": e.target, "kind": e.kind, "label": e.label,
                "file": e.span.file, "line": e.span.line, "column": e.span.column}
        w = _wiring_of(ir, e) if e.kind == "wiring" else None
        if w is not None:
            item["stickiness"] = w.stickiness
        edges.append(item)
    chains = [{"name": name, "fragile": xm.chains[name].fragile, "members": list(members)}
              for name, members in plan.chains.items()]
    sides = _Sides(plan)
    wirings = []
    for name, rw in plan.wirings.items():
        w = rw.wiring
        up = sides.name("upstream", rw.chain, w.source, rw.upstream)
        down = sides.name("downstream", rw.chain, w.target, rw.downstream[::-1])
        wirings.append({
            "name": name, "source": w.source, "target": w.target, "form": w.form,
            "stickiness": w.stickiness, "chain": rw.chain, "upstream": up,
            "downstream": down, "propagate": w.propagate,
            "propagate_to": {"upstream": [up], "downstream": [down], "both": [up, down]}.get(
                w.propagate, []),
            "on_failure": [_step_json(s) for s in rw.steps],
        })
    out: dict[str, Any] = {"nodes": nodes, "edges": edges, "waves": [list(w) for w in plan.waves],
           "chains": chains, "sides": sides.documents(), "wirings": wirings,
           "acyclic": plan.acyclic}
    units = getattr(xm, "units", None)
    if units:  # a network service: each VNF node and the templates that move with it
        out["units"] = [{"name": v, "members": [m for m in members if m in plan.nodes]}
                        for v, members in units.items()]
    return out


def _step_json(step: ResolvedStep) -> dict[str, Any]:
    """One resolved step; a ``shutdown_chain`` names its chain, whose members ``chains``
    lists once in startup order (its shutdown order is their reverse), instead of
    repeating them per wiring."""
    doc: dict[str, Any] = {"action": step.action,
                           "args": {k: list(v) if isinstance(v, tuple) else v
                                    for k, v in step.args.as_dict().items()}}
    if step.action == "reinstantiate":
        doc["shutdown_order"] = list(step.shutdown_order)
        doc["startup_order"] = list(step.startup_order)
    return doc


class _Sides:
    """The sides of the wirings as named, shared scopes, as the FailurePolicy writes
    them (docs/policies.md, "Decision: sides are scopes"; docs/xfactor.md, "The graph
    as JSON"): in an acyclic chain the side of member ``m`` is
    ``<direction>:<chain>:<m>``, holding ``m`` and including the sides of the members
    next to it; a side of one node is ``node:<m>``; in a chain with a cycle a side lists
    all of its members.  Each is written once, so a chain's sides cost its members plus
    its edges, where a list per wiring cost its members squared."""

    def __init__(self, plan: Plan) -> None:
        self._reach = SideReach(plan)
        self._of: dict[tuple[str, str | None, str], str] = {}  # (direction, chain, end)
        self._docs: dict[str, dict[str, Any]] = {}

    def name(self, direction: str, chain: str | None, end: str,
             members: tuple[str, ...]) -> str:
        """The side of ``end`` (``members``: that side in startup order)."""
        found = self._of.get((direction, chain, end))
        if found is not None:
            return found
        reach = self._reach.of(chain, direction, end)
        if reach is None:
            return self._add((direction, chain, end), members, ())
        for node in side_closure(reach, end, lambda n: (direction, chain, n) in self._of):
            self._add((direction, chain, node), (node,),
                      tuple(self._of[(direction, chain, n)] for n in reach[node]))
        return self._of[(direction, chain, end)]

    def _add(self, key: tuple[str, str | None, str], members: tuple[str, ...],
             includes: tuple[str, ...]) -> str:
        direction, chain, end = key
        if len(members) == 1 and not includes:
            name = f"node:{members[0]}"
        else:
            name = f"{direction}:{chain}:{end}"
            if name in self._docs:  # names with colons that spell one name
                digest = hashlib.sha256(f"{chain}\n{end}".encode("utf-8")).hexdigest()[:16]
                name = f"{direction}:{digest}"
        self._of[key] = name
        if name not in self._docs:
            doc: dict[str, Any] = {"name": name, "members": list(members)}
            if includes:
                doc["includes"] = list(includes)
            self._docs[name] = doc
        return name

    def documents(self) -> list[dict[str, Any]]:
        """Every side named, each after the sides it includes."""
        return list(self._docs.values())


def _html(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


VNF_NOTE = "a solid blue frame is a VNF: its workloads move together"


def dot_legend(units: bool = False) -> str:
    """The legend as a Graphviz HTML-like table (the graph's label): no extra nodes, so
    a tool that reads the graph sees only the topology.  ``units``: the drawing has VNF
    frames (a network service), which the legend then explains."""
    rows = []
    for key, words in LEGEND_NODES:
        rows.append(f'<TR><TD BGCOLOR="{STATE_COLOURS[key]}" FIXEDSIZE="TRUE" WIDTH="30" '
                    f'HEIGHT="12"> </TD><TD ALIGN="LEFT">{_html(words)}</TD></TR>')
    for key, words in LEGEND_EDGES:
        colour, glyph = _legend_edge(key)
        rows.append(f'<TR><TD FIXEDSIZE="TRUE" WIDTH="30" HEIGHT="12"><FONT COLOR="{colour}">'
                    f'{glyph}</FONT></TD><TD ALIGN="LEFT">{_html(words)}</TD></TR>')
    for words in LEGEND_NOTE + ((VNF_NOTE,) if units else ()):
        rows.append(f'<TR><TD> </TD><TD ALIGN="LEFT">{_html(words)}</TD></TR>')
    return ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
            '<TR><TD ALIGN="LEFT"><B>legend</B></TD><TD> </TD></TR>' + "".join(rows) + "</TABLE>")


def _legend_edge(key: str) -> tuple[str, str]:
    """(colour, a line drawn in text) for a legend row of an edge style."""
    if key in WIRING_STYLE:
        style, width, colour = WIRING_STYLE[key]
        glyph = {"solid": "&#8212;&#8212;&#8212;", "dashed": "- - -"}.get(style, "&#9473;&#9473;&#9473;")
        return colour, glyph
    if key == "uses":
        return USES_STYLE[2], "- - -"
    return OTHER_EDGE_COLOUR, "&#8212;&#8212;&#8212;"


def dot_quote(text: str) -> str:
    """``text`` as a DOT double-quoted string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def walk_frames(top: list[Frame], node_line: Callable[[str], str],
                opening: Callable[[Frame, str], list[str]], closing: str) -> list[str]:
    """The lines of the frames ``top`` (:func:`frames`), nested, for any drawing: each
    frame's ``opening(frame, pad)`` lines, its nodes by ``node_line``, the frames nested
    in it, then ``closing``; the top frames at two spaces, each level two more."""
    out: list[str] = []

    def frame(f: Frame, pad: str) -> None:
        out.extend(opening(f, pad))
        for m in f.nodes:
            out.append(f"{pad}  " + node_line(m))
        for sub in f.frames:
            frame(sub, pad + "  ")
        out.append(pad + closing)

    for f in top:
        frame(f, "  ")
    return out


def dot_frames(unit: BackEndInput, top: list[Frame], node_line: Callable[[str], str], *,
               ids: bool = False) -> list[str]:
    """The DOT clusters of :func:`frames` (chains dashed, VNFs solid), nested, each
    member by ``node_line``; with ``ids`` each cluster gets the id the report's page uses
    (``c<index>`` for a chain, ``v<index>`` for a VNF)."""
    xm = unit.xmodel

    def opening(f: Frame, pad: str) -> list[str]:
        if f.kind == "chain":
            fragile = bool(xm.chains[f.name].fragile) if f.name in xm.chains else False
            ident = f"id={dot_quote(f'c{f.index}')}; " if ids else ""
            return [f"{pad}subgraph {dot_quote(f'cluster_{f.index}')} {{",
                    f"{pad}  {ident}label="
                    f"{dot_quote(f'chain {f.name}' + (' (fragile)' if fragile else ''))};",
                    f"{pad}  style=dashed; color={dot_quote(CHAIN_COLOURS[fragile])};"]
        ident = f"id={dot_quote(f'v{f.index}')}; " if ids else ""
        return [f"{pad}subgraph {dot_quote(f'cluster_vnf_{f.index}')} {{",
                f"{pad}  {ident}label={dot_quote(vnf_label(unit, f.name))};",
                f"{pad}  style=solid; color={dot_quote(VNF_FRAME_COLOUR)};"]

    return walk_frames(top, node_line, opening, "}")


def to_dot(unit: Analysed, title: str) -> str:
    ir = _complete(unit)
    plan, xm = ir.plan, ir.xmodel
    out = [f"digraph {dot_quote(title)} {{",
           "  rankdir=BT;",
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=9];',
           '  labelloc=b; labeljust=l; fontname="Helvetica"; fontsize=9;',
           f"  label=<{dot_legend(bool(getattr(xm, 'units', None)))}>;"]
    top, drawn = frames(ir)

    def node_line(name: str) -> str:
        a = plan.nodes[name]
        label = f"{name}\n{short_type(a.type)}"
        if a.kind == "workload":
            label += f"\n{a.state}"
        shape = ', shape=cylinder, style="filled"' if a.kind == "backing" else ""
        return (f"{dot_quote(name)} [label={dot_quote(label)}, tooltip={dot_quote(f'{name}: {a.type}')}, "
                f"fillcolor={dot_quote(_fill(a))}{shape}];")

    for name in plan.nodes:
        if name not in drawn:
            out.append("  " + node_line(name))
    out += dot_frames(ir, top, node_line)
    for e in plan.edges:
        attrs: list[str] = []
        w = _wiring_of(ir, e) if e.kind == "wiring" else None
        if w is not None:
            style, width, colour = WIRING_STYLE.get(w.stickiness, WIRING_STYLE["none"])
            attrs += [f"label={dot_quote(f'{e.label} ({w.stickiness})')}", f"style={style}",
                      f"penwidth={width}", f"color={dot_quote(colour)}"]
        elif e.kind == "backing_service":
            attrs += [f"label={dot_quote('uses')}", "style=dashed", f"color={dot_quote(USES_STYLE[2])}"]
        else:
            attrs += [f"label={dot_quote(e.label)}", f"color={dot_quote(OTHER_EDGE_COLOUR)}",
                      f"fontcolor={dot_quote('#777777')}"]
        out.append(f"  {dot_quote(e.source)} -> {dot_quote(e.target)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


# What Mermaid (11.4, the flowchart renderer, securityLevel strict) does to a label, and
# so how each character is written (checked in Chromium: tests/unit/test_report_browser.py):
# a label is HTML, so '<', '>', '&' and the '"' that would end it are HTML entities;
# Mermaid's own "#name;" entity codes are turned into placeholders that 11.4 no longer
# turns back, so '#' is "&num;" (no '#' reaches the label); the label is then read as
# Markdown, so '\\', '`', '*', '_' (but inside a word), '~', '[' and ']' are escaped
# with a backslash (a label that starts with '`' would also be a Markdown string), and a
# line that would start a list ("- ", "+ ", "1. ") has its marker escaped.
_MERMAID_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "#": "&num;",
                     "`": "\\`", "\\": "\\\\", "*": "\\*", "_": "\\_", "~": "\\~",
                     "[": "\\[", "]": "\\]"}
_MERMAID_LIST = re.compile(r"^(\s*)(?:([-+])|(\d+)([.)]))(?=\s|$)")


def mermaid_text(text: str) -> str:
    """One line of a Mermaid label, escaped (see _MERMAID_ENTITIES)."""
    line = str(text).replace("\r", " ")
    m = _MERMAID_LIST.match(line)
    head = ""
    if m:
        head = m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4))
        line = line[m.end():]
    out = []
    for i, ch in enumerate(line):
        if ch == "_" and 0 < i < len(line) - 1 and line[i - 1].isalnum() and line[i + 1].isalnum():
            out.append(ch)  # inside a word ("vdu_1"): never emphasis in Markdown
        else:
            out.append(_MERMAID_ENTITIES.get(ch, ch))
    return head + "".join(out)


def _mq(text: str) -> str:
    return '"' + "<br/>".join(mermaid_text(line) for line in str(text).split("\n")) + '"'


def to_mermaid(unit: Analysed) -> str:
    ir = _complete(unit)
    plan, xm = ir.plan, ir.xmodel
    ids = {name: f"n{i}" for i, name in enumerate(plan.nodes)}
    top, drawn = frames(ir)
    out = ["flowchart BT"]

    def node_line(name: str) -> str:
        a = plan.nodes[name]
        label = f"{name}\n{short_type(a.type)}" + (f"\n{a.state}" if a.kind == "workload" else "")
        cls = "backing" if a.kind == "backing" else (a.state or "other")
        if a.kind == "backing":
            return f"{ids[name]}[({_mq(label)})]:::{cls}"
        return f"{ids[name]}[{_mq(label)}]:::{cls}"

    def opening(f: Frame, pad: str) -> list[str]:
        if f.kind == "chain":
            fragile = xm.chains[f.name].fragile
            label = f"chain {f.name}" + (" (fragile)" if fragile else "")
            return [f"{pad}subgraph c{f.index}[{_mq(label)}]"]
        return [f"{pad}subgraph v{f.index}[{_mq(vnf_label(ir, f.name))}]"]

    for name in plan.nodes:
        if name not in drawn:
            out.append("  " + node_line(name))
    out += walk_frames(top, node_line, opening, "end")
    styles: list[str] = []
    for k, e in enumerate(plan.edges):
        w = _wiring_of(ir, e) if e.kind == "wiring" else None
        if w is not None:
            arrow = MERMAID_ARROW.get(w.stickiness, "-->")
            label = f"{e.label} ({w.stickiness})"
            colour = WIRING_STYLE.get(w.stickiness, WIRING_STYLE["none"])[2]
            styles.append(f"  linkStyle {k} stroke:{colour}")
        elif e.kind == "backing_service":
            arrow, label = "-.->", "uses"
            styles.append(f"  linkStyle {k} stroke:#666666")
        else:
            arrow, label = "-->", e.label
            styles.append(f"  linkStyle {k} stroke:#999999")
        out.append(f"  {ids[e.source]} {arrow}|{_mq(label)}| {ids[e.target]}")
    out.extend(_mermaid_legend(len(plan.edges), styles))
    out.extend(styles)
    out.append(f"  classDef stateless fill:{STATE_COLOURS['stateless']},stroke:#1f4e79")
    out.append(f"  classDef stateful fill:{STATE_COLOURS['stateful']},stroke:#b35900")
    out.append(f"  classDef backing fill:{STATE_COLOURS['backing']},stroke:#555555")
    out.append("  classDef other fill:#ffffff,stroke:#999999")
    return "\n".join(out) + "\n"


def _mermaid_legend(first_link: int, styles: list[str]) -> list[str]:
    """The legend as a subgraph of its own (ids ``legend_*``, which no template gets):
    one box per kind of node, one arrow per kind of edge; its link styles go to ``styles``."""
    out = ['  subgraph legend["legend"]']
    for key, words in LEGEND_NODES:
        shape = ("[(", ")]") if key == "backing" else ("[", "]")
        out.append(f"    legend_{key}{shape[0]}{_mq(words)}{shape[1]}:::{key}")
    k = first_link
    for i, (key, words) in enumerate(LEGEND_EDGES):
        if key in WIRING_STYLE:
            arrow, colour = MERMAID_ARROW[key], WIRING_STYLE[key][2]
        elif key == "uses":
            arrow, colour = "-.->", USES_STYLE[2]
        else:
            arrow, colour = "-->", OTHER_EDGE_COLOUR
        out.append(f'    legend_e{i}a[" "]:::other {arrow}|{_mq(words)}| legend_e{i}b[" "]:::other')
        styles.append(f"  linkStyle {k} stroke:{colour}")
        k += 1
    out.append("  end")
    return out


def render(unit: Analysed, fmt: str) -> str:
    """The graph of a clean front-end result in ``fmt`` (dot, mermaid or json)."""
    if fmt == "json":
        return json.dumps(to_json(unit), indent=2, sort_keys=True) + "\n"
    if fmt == "mermaid":
        return to_mermaid(unit)
    title = unit.topology.file if unit.topology is not None else unit.path
    return to_dot(unit, title)


__all__ = ["CHAIN_COLOURS", "LEGEND_EDGES", "LEGEND_NODES", "LEGEND_NOTE", "MERMAID_ARROW",
           "Frame", "OTHER_EDGE_COLOUR", "STATE_COLOURS", "USES_STYLE", "VNF_FRAME_COLOUR", "VNF_NOTE",
           "WIRING_STYLE", "dot_legend", "frames", "walk_frames",
           "mermaid_text", "render", "short_type", "to_dot", "vnf_label", "to_json", "to_mermaid"]
