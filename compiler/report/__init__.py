"""``xfc report``: one self-contained HTML page about a descriptor, for people.

Phase: report (a face over the library API, after ``compile``).  Input: a
:class:`compiler.pipeline.Compilation` (compiled in memory, as ``xfc check`` does; one
with errors too).  Output: the page as text (:func:`render_report`), built from a plain
data view (:func:`build_view`) by the jinja2 template ``templates/report/report.html.j2``
with autoescaping on: the template only loops and branches.  The page shows

* the dependency graph (:mod:`compiler.report.layout`: Graphviz when installed, else a
  simple layout of our own, and the page says which), with a legend (the one of
  :mod:`compiler.graph.render`), short type names and the full ones on hover;
* for every node, its blast radius: the exact text ``xfc simulate --fail NODE`` prints
  (:func:`compiler.graph.simulate.render_text`), and what it stops, restarts, notifies
  and breaks, highlighted on the graph when the node is clicked;
* every wiring's ladder as ``xfc explain`` gives it, per orchestrator, with what is lost
  (:func:`compiler.emitters.policies.explain.describe_step` and each target's
  ``realise``, the functions ``explain`` prints);
* the diagnostics with their source lines, and the emitted objects per workload.

Everything the page needs is inside it (inline CSS, SVG, a small script, its data as
JSON in a ``<script type="application/json">``); it fetches nothing when viewed.  No
timestamps: the same input gives the same bytes (with the same Graphviz).

Codes: none (the diagnostics shown are those of the phases that ran).
"""

from __future__ import annotations

from typing import Any

from ..model.ir import BackEndInput, Compiled, complete

from ..version import __version__
from ..diagnostics import Severity, render_text

SEVERITIES = ("error", "warning", "note")


def _ids(unit: BackEndInput) -> dict[str, str]:
    return {name: f"n{i}" for i, name in enumerate(unit.plan.nodes)}


def _diagnostics(unit: Compiled) -> list[dict[str, Any]]:
    diags = unit.diagnostics
    out = []
    for d in diags:
        block = render_text([d], diags.sources)
        out.append({"severity": str(d.severity), "code": d.code, "where": str(d.span),
                    "message": d.message, "text": block.rstrip("\n")})
    return out


_HEAD_KEYS = ("apiVersion:", "kind:", "metadata:")


def _heads(text: str) -> list[dict[str, Any]]:
    """``apiVersion``, ``kind`` and ``metadata`` of every Kubernetes object in ``text``.

    xfc's one YAML writer (compiler.yamlout) writes block style with the top-level keys
    at column 0 and ``apiVersion, kind, metadata`` first, so each document's head is cut
    out by its lines and only that is read: a dense topology's policies hold megabytes
    of ``spec`` that the page does not show.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out = []
    for chunk in ("\n" + text).split("\n---"):
        kept, inside = [], False
        for line in chunk.splitlines():
            if line and not line[0].isspace() and not line.startswith("#"):
                inside = line.startswith(_HEAD_KEYS)
            if inside:
                kept.append(line)
        if not kept:
            continue
        doc = yaml.load("\n".join(kept), Loader=loader)  # noqa: S506 - a safe loader
        if isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc:
            out.append(doc)
    return out


def _objects(unit: Compiled) -> list[dict[str, Any]]:
    """The emitted Kubernetes objects grouped by the node template they come from (the
    ``xfactor.io/template`` annotation), then those of the whole service."""
    if not unit.outputs:
        return []
    groups: dict[str, list[dict[str, str]]] = {}
    order = list(unit.plan.nodes) if unit.plan is not None else []
    for f in sorted(unit.outputs, key=lambda f: f.path):
        if not f.path.endswith((".yaml", ".yml")):
            continue
        for doc in _heads(f.content.decode("utf-8")):
            meta = doc.get("metadata") or {}
            template = str((meta.get("annotations") or {}).get("xfactor.io/template", ""))
            groups.setdefault(template, []).append(
                {"kind": str(doc["kind"]), "name": str(meta.get("name", "")), "file": f.path,
                 "api": str(doc["apiVersion"])})
    rank = {n: i for i, n in enumerate(order)}
    keys = sorted(groups, key=lambda t: (t == "", rank.get(t, len(rank)), t))
    return [{"workload": k or "(the whole service)", "objects": groups[k]} for k in keys]


def _simulations(unit: BackEndInput, edge_of: dict[str, list[str]], ids: dict[str, str],
                 s: Any) -> dict[str, Any]:
    from ..graph.simulate import render_text as sim_text
    from ..graph.simulate import simulate

    out: dict[str, Any] = {}
    for name in unit.plan.nodes:
        sim = simulate(unit, name)
        broken: list[str] = []
        lost: list[str] = []
        notified: list[str] = []
        affected: list[str] = []
        stopped: list[str] = []
        started: list[str] = []
        for e in sim.events:
            if e.kind == "detect" and e.wiring:  # the wiring failed: its ladder runs
                broken += edge_of.get(e.wiring, [])
            elif e.kind == "lost" and e.wiring:  # went down with its source
                lost += edge_of.get(e.wiring, [])
            elif e.kind == "affected" and e.node:
                affected.append(e.node)
            elif e.kind == "step":
                notified += e.recipients
                stopped += e.scale_down
                started += e.scale_up
        final_stopped = [n for n, st in sim.state.items() if st == "stopped"]
        out[ids[name]] = {
            "name": name,
            # the lines of the text, as indexes into the page's string table: at 60
            # CNFs every simulation repeats the same 60-name orders
            "text": [s(line) for line in sim_text(sim).split("\n")],
            "broken": sorted(set(broken), key=broken.index),
            "lost": sorted(set(lost), key=lost.index),
            "notified": [ids[n] for n in dict.fromkeys(notified) if n in ids],
            "affected": [ids[n] for n in dict.fromkeys(affected) if n in ids],
            "stopped": [ids[n] for n in dict.fromkeys(stopped) if n in ids],
            "started": [ids[n] for n in dict.fromkeys(started) if n in ids],
            "down": [ids[n] for n in final_stopped if n in ids],
            "outcomes": dict(sim.phases),
        }
    return out


def _ladders(unit: BackEndInput, s: Any) -> tuple[dict[str, Any], list[str]]:
    """Every wiring's ladder as ``explain`` gives it, as indexes into the string table
    (a dense topology repeats the same long texts across wirings)."""
    from ..emitters.policies.common import build_context
    from ..emitters.policies.explain import describe_step, explained_targets

    ctx = build_context(unit)
    if ctx is None:
        return {}, []
    targets = explained_targets(ctx)
    ladders: dict[str, Any] = {}
    for name, rw in unit.plan.wirings.items():
        steps = []
        for i in range(len(rw.steps)):
            row = []
            for t in targets:
                r = t.realise(ctx, rw, i)
                row.append([s(t.title), int(t.name in ctx.targets), s(r.how),
                            s(r.lost) if r.lost else -1])
            steps.append({"d": s(describe_step(rw, i)), "t": row})
        ladders[name] = steps
    return ladders, list(ctx.targets)


def build_view(unit: Compiled, *, title: str | None = None) -> dict[str, Any]:
    """The page as plain data (lists, dicts, strings, numbers), for the template."""
    from ..graph.render import (LEGEND_EDGES, LEGEND_NODES, LEGEND_NOTE, STATE_COLOURS, VNF_NOTE,
                                short_type)
    from .layout import _edge_style, draw

    diags = unit.diagnostics
    counts = {sev: diags.count(Severity[sev.upper()]) for sev in SEVERITIES}
    topo = unit.topology
    units = dict(unit.xmodel.units) if unit.xmodel is not None else {}
    meta = dict(topo.metadata or {}) if topo is not None and topo.metadata else {}
    view: dict[str, Any] = {
        "title": title or str(meta.get("template_name") or unit.path),
        "path": unit.path,
        "generator": f"xfc {__version__}",
        "ok": not diags.has_errors,
        "counts": counts,
        "description": " ".join(str(topo.description or "").split()) if topo is not None else "",
        "diagnostics": _diagnostics(unit),
        "legend": {"nodes": [{"key": k, "words": w, "fill": STATE_COLOURS[k]} for k, w in LEGEND_NODES],
                   "edges": [{"key": k, "words": w} for k, w in LEGEND_EDGES],
                   "note": list(LEGEND_NOTE) + ([VNF_NOTE] if units else [])},
        "graph": None,
        "nodes": [], "waves": [], "chains": [], "wirings": [], "objects": [],
        "data": {"nodes": {}, "sims": {}, "strings": [], "ladders": {}, "wirings": {}},
    }
    plan = unit.plan
    if plan is None or unit.xmodel is None:
        view["missing"] = ("the descriptor has errors that stop xfc before the dependency "
                           "graph: fix the diagnostics below to see the rest of the report")
        return view
    ir = complete(unit)  # a plan is built on a topology and a model
    assert ir is not None, "the graph is drawn from a complete IR"
    ids = _ids(ir)
    wave_of = {n: i for i, wave in enumerate(plan.waves) for n in wave}
    chain_names = {m: c for c, members in plan.chains.items() for m in members}
    edge_of: dict[str, list[str]] = {}
    for k, e in enumerate(plan.edges):
        if e.kind == "wiring":
            edge_of.setdefault(e.label, []).append(f"e{k}")
    titles = {}
    for name, a in plan.nodes.items():
        titles[ids[name]] = f"{name}: {a.type}" + (f" ({a.state})" if a.state else "")
        node = {"id": ids[name], "name": name, "type": a.type, "short": short_type(a.type),
                "kind": a.kind, "state": a.state or "", "wave": wave_of.get(name),
                "chain": chain_names.get(name, "")}
        if units:  # a network service: the VNF whose unit holds the node
            node["vnf"] = next((v for v, ms in units.items() if name == v or name in ms), "")
        view["nodes"].append(node)
        view["data"]["nodes"][ids[name]] = {"name": name, "type": a.type}
    for k, e in enumerate(plan.edges):
        titles[f"e{k}"] = f"{e.source} -> {e.target}: " + (
            f"wiring {e.label}" if e.kind == "wiring" else e.kind.replace("_", " ")
            + (f" {e.label}" if e.label and e.kind != "backing_service" else ""))
    drawing = draw(ir, ids, titles, float(unit.options.limits.layout_seconds))
    view["graph"] = {"engine": drawing.engine, "note": drawing.note, "svg": drawing.svg,
                     "simple": drawing.simple, "hidden": drawing.hidden_edges,
                     "edges": len(plan.edges)}
    view["waves"] = [list(w) for w in plan.waves]
    view["chains"] = [{"name": c, "members": list(m),
                       "fragile": bool(unit.xmodel.chains[c].fragile) if c in unit.xmodel.chains else False}
                      for c, m in plan.chains.items()]
    for name, rw in plan.wirings.items():
        w = rw.wiring
        edges = edge_of.get(name, [])
        view["wirings"].append({
            "name": name, "source": w.source, "target": w.target, "stickiness": w.stickiness,
            "chain": rw.chain or "", "propagate": w.propagate,
            "context_to": ", ".join(rw.propagate_to) or "nobody",
            "steps": [s.action for s in rw.steps],
            "colour": _edge_style(ir, plan.edges[int(edges[0][1:])])[2] if edges else "#000",
            "drawn": any(e in drawing.drawn_edges for e in edges),
        })
        view["data"]["wirings"][name] = {"edges": edges, "source": ids.get(w.source),
                                         "target": ids.get(w.target)}
    strings: dict[str, int] = {}

    def s(text: str) -> int:
        return strings.setdefault(text, len(strings))

    view["data"]["sims"] = _simulations(ir, edge_of, ids, s)
    view["data"]["ladders"], chosen = _ladders(ir, s)
    view["data"]["strings"] = list(strings)
    view["chosen_targets"] = chosen
    view["objects"] = _objects(unit)
    return view


def render_report(unit: Compiled, *, title: str | None = None) -> str:
    """The report page of ``unit`` as HTML text."""
    from .html import render

    return render(build_view(unit, title=title))


__all__ = ["build_view", "render_report"]
