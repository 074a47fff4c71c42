"""Line-break characters YAML readers fold: NEL (U+0085), LS (U+2028), PS (U+2029).

A wiring named with U+0085 failed the policies back end's read-back (InternalError,
exit 3): PyYAML wrote the character raw in single quotes and read it back as a space.
The name is legal TOSCA; it must come out as written, in every target.
"""

from __future__ import annotations

import pytest
import yaml

from tests.hostile import shapes
from tests.hostile.harness import CPU_BUDGET, run


@pytest.mark.parametrize("char", ["\\N", "\\L", "\\P"])
def test_a_wiring_name_with_a_yaml_line_break_character(tmp_path, char):
    wiring = (
        "    smf:\n      type: xfactor.nodes.CNF\n      properties:\n"
        "        image: registry.example.net/smf:1.0\n        process: { state: stateless }\n"
        f'  policies:\n    - "w{char}1":\n        type: xfactor.policies.Wiring\n'
        "        properties:\n          source: upf\n          target: smf\n"
        '          on_failure: [ "notify(via=event)" ]\n')
    p = tmp_path / "w.yaml"
    p.write_text(shapes.cnf(extra=wiring))
    name = yaml.safe_load(p.read_text())["topology_template"]["policies"][0].popitem()[0]
    out_dir = tmp_path / "out"
    out = run(["compile", p, "-o", out_dir, "--target", "onap", "--target", "osm"])
    assert out.rc == 0 and "Traceback" not in out.stderr, out.show()
    assert out.cpu < CPU_BUDGET, out.show()
    for rel in ("policies/failurepolicy.yaml", "policies/onap/unchained.yaml"):
        doc = yaml.load((out_dir / rel).read_text(), Loader=yaml.CSafeLoader)
        assert any(name in text for text in _strings(doc)), f"{rel} lost {name!r}"


def _strings(value):
    """Every string inside a loaded YAML document (keys and values)."""
    stack, out = [value], []
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return out
