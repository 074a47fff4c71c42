"""``xfc report`` without a browser: the page's content, escaping, fallback layout, exit
codes; and the legend, short names and Mermaid escaping of ``xfc graph``.
(tests/unit/test_report_browser.py opens the page in Chromium.)"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import compiler
from compiler.cli import main
from compiler.graph.render import mermaid_text, short_type, to_mermaid
from compiler.report import build_view, render_report
from compiler.report.layout import sanitise_svg

SLICE = "samples/5g-core-slice/slice.yaml"
HOSTILE = '</script><script>alert(1)</script>&"#`'

DESCRIPTOR = """\
tosca_definitions_version: tosca_simple_yaml_1_3
imports: [ xfactor/1.0/profile.yaml ]
topology_template:
  node_templates:
    'NAME':
      type: xfactor.nodes.CNF
      properties: {{ image: "r.example/a:1", process: {{ state: stateless }} }}
    db:
      type: xfactor.nodes.BackingService
      properties: {{ kind: database, image: "r.example/db:1" }}
    front:
      type: xfactor.nodes.CNF
      properties: {{ image: "r.example/f:1", process: {{ state: stateless }} }}
      requirements:
        - backing_service: db
  policies:
    - w:
        type: xfactor.policies.Wiring
        properties: {{ source: front, target: 'NAME', stickiness: none }}
"""


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out), out.getvalue()


@pytest.fixture
def hostile(tmp_path: Path) -> str:
    name = HOSTILE.replace("'", "''")
    p = tmp_path / "hostile.yaml"
    p.write_text(DESCRIPTOR.format().replace("NAME", name))
    return str(p)


def test_short_type_names() -> None:
    assert short_type("xfactor.nodes.CNF") == "CNF"
    assert short_type("tosca.nodes.nfv.Vdu.Compute") == "Vdu.Compute"
    assert short_type("tosca.nodes.nfv.VduCp") == "VduCp"
    assert short_type("my.custom.type") == "type"
    assert short_type("Plain") == "Plain"


def test_mermaid_labels_escape_what_would_end_or_inject() -> None:
    assert mermaid_text('a<b>&"#`') == "a&lt;b&gt;&amp;&quot;&num;\\`"
    assert mermaid_text("vdu_1 *x* _y_ [z]") == "vdu_1 \\*x\\* \\_y\\_ \\[z\\]"
    assert mermaid_text("- a") == "\\- a" and mermaid_text("2. b") == "2\\. b"


def test_graph_outputs_carry_the_legend_and_short_names(hostile: str) -> None:
    code, dot = _run("graph", SLICE)
    assert code == 0 and "label=<<TABLE" in dot and "stickiness pinned" in dot
    assert 'label="upf\\nCNF\\nstateless", tooltip="upf: xfactor.nodes.CNF"' in dot
    code, mmd = _run("graph", SLICE, "--format", "mermaid")
    assert code == 0 and 'subgraph legend["legend"]' in mmd and '"upf<br/>CNF<br/>stateless"' in mmd
    unit = compiler.check(hostile)
    assert unit.ok, unit.diagnostics.render_text()
    text = to_mermaid(unit)
    label = re.search(r'n0\["([^"]*)"\]', text).group(1)
    assert "<" not in label.replace("<br/>", "") and "#" not in label
    assert "`" not in label.replace("\\`", "")
    assert label.startswith("&lt;/script&gt;")


def test_report_escapes_every_value_and_fetches_nothing(hostile: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, _ = _run("report", hostile, "-o", str(out), "-q")
    assert code == 0
    page = out.read_text()
    assert "alert(1)</script>" not in page  # neither in the HTML nor in the embedded data
    assert page.count("<script") == 2  # the data and the page's own script
    assert not re.search(r'\b(src|href)="(https?:)?//', page) and "<link" not in page
    assert "@import" not in page and "url(" not in page


def test_slice_report_has_every_part(tmp_path: Path) -> None:
    unit = compiler.compile(SLICE)
    view = build_view(unit)
    assert [n["name"] for n in view["nodes"]] == list(unit.plan.nodes)
    assert view["graph"]["engine"] in ("graphviz", "xfc")
    sims = view["data"]["sims"]
    strings = view["data"]["strings"]
    from compiler.graph.simulate import render_text, simulate

    for n in view["nodes"]:
        text = "\n".join(strings[i] for i in sims[n["id"]]["text"])
        assert text == render_text(simulate(unit, n["name"]))
    assert set(view["data"]["ladders"]) == set(unit.plan.wirings)
    objects = {g["workload"]: [o["kind"] for o in g["objects"]] for g in view["objects"]}
    assert objects["upf"] == ["Deployment", "HorizontalPodAutoscaler", "NetworkPolicy",
                              "PodDisruptionBudget", "Service"]
    assert "FailurePolicy" in objects["(the whole service)"]
    page = render_report(unit)
    assert page == render_report(compiler.compile(SLICE))  # deterministic


def test_without_dot_the_page_says_so_and_uses_its_own_layout(monkeypatch) -> None:
    monkeypatch.setenv("XFC_DOT", "")
    page = render_report(compiler.compile(SLICE))
    assert 'data-engine="xfc"' in page and "Graphviz dot is not installed" in page
    assert page.count('class="node"') == 7 and 'id="c0" class="cluster"' in page


def test_a_descriptor_with_errors_gets_a_page_showing_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template:\n"
                   "  node_templates:\n    a:\n      type: xfactor.nodes.CNF\n")
    out = tmp_path / "bad.html"
    code, text = _run("report", str(bad), "-o", str(out))
    assert code == 1 and "error[" in text
    page = out.read_text()
    assert 'class="diag error"' in page and "type: xfactor.nodes.CNF" in page  # the source line
    assert 'id="missing"' in page


def test_report_misuse_is_exit_2(tmp_path: Path) -> None:
    assert _run("report", SLICE, "-o", str(tmp_path / "no" / "x.html"))[0] == 2
    assert _run("report", SLICE, "-o", str(tmp_path))[0] == 2


def test_svg_sanitiser_keeps_shapes_and_drops_the_rest() -> None:
    svg = ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
           'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
           '<script>alert(1)</script><g id="n0" class="node" onclick="x()"><title>a</title>'
           '<a xlink:href="http://x"><text x="1" y="2">&lt;b&gt;</text></a>'
           '<image href="http://x/y.png"/></g></svg>')
    out = sanitise_svg(svg, {"n0": "a: full.Type"})
    assert "script" not in out and "onclick" not in out and "http" not in out and "image" not in out
    assert "<title>a: full.Type</title>" in out and "&lt;b&gt;" in out
