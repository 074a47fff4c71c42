"""The quoting filter, the parse-back check, injection-proof output and determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compiler.emitters.kubernetes import EMITTER
from compiler.emitters.kubernetes.render import K8sObject, check_rendered, quote, render
from tests.support.validators import validate_object
from tests.unit.k8s_fixtures import node, unit

REPO = Path(__file__).resolve().parents[2]

HOSTILE = [
    "a\nb: c",
    "x\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: evil}",
    "key: value",
    "'single' \"double\" `back`",
    "!!python/object/apply:os.system ['id']",
    "&anchor *alias",
    "- item",
    "# comment",
    "true", "null", "1.0", "0x1F", "~", "yes", "",
    "tab\there", "nel\u0085line\u2028sep\u2029end", "del\x7fx", "bom\ufeff", "emoji 😀",
    "{a: 1}", "[1, 2]", "%TAG ! tag:evil:", "| literal", "> folded", "\\backslash\\",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_quote_round_trips(value):
    text = quote(value)
    assert yaml.safe_load(f"k: {text}") == {"k": value}
    assert "\n" not in text


@pytest.mark.parametrize("value", [0, -3, 10**20, 1.5, 1e-7, 1e22, -0.0, True, False, None])
def test_quote_scalars_keep_their_type(value):
    back = yaml.safe_load(f"k: {quote(value)}")["k"]
    assert back == value and type(back) is type(value)


def test_quote_refuses_non_scalars():
    with pytest.raises(TypeError):
        quote({"a": 1})


def test_hostile_property_values_add_no_object_or_key():
    env = {f"V{i}": v for i, v in enumerate(HOSTILE)}
    u = unit(
        [node("web", "xfactor.nodes.CNF", 10, {
            "image": "reg/web:1\n---\nkind: Secret",
            "command": HOSTILE[:4],
            "env": env,
            "description": "d: x\n---\n!!binary",
        })],
        inputs={"evil\n---": "x\n---\nkind: Secret", "n": {"a: b": ["- c"]}},
    )
    files = EMITTER.emit(u, u.diagnostics)
    assert [f.path for f in files] == [
        "kubernetes/configmap-demo-inputs.yaml",
        "kubernetes/deployment-web.yaml",
        "kubernetes/networkpolicy-web.yaml",  # every workload has one (netpolicy.py)
    ]
    for f in files:
        docs = list(yaml.safe_load_all(f.content))
        assert len(docs) == 1
        assert validate_object(docs[0]) == []
    dep = yaml.safe_load(files[1].content)
    assert set(dep) == {"apiVersion", "kind", "metadata", "spec"}
    assert set(dep["spec"]) == {"replicas", "selector", "strategy", "template"}
    c = dep["spec"]["template"]["spec"]["containers"][0]
    assert set(c) == {"name", "image", "imagePullPolicy", "command", "env", "resources",
                      "securityContext", "volumeMounts"}
    assert c["image"] == "reg/web:1\n---\nkind: Secret"
    assert c["command"] == HOSTILE[:4]
    assert {e["name"]: e["value"] for e in c["env"]} == env
    cm = yaml.safe_load(files[0].content)
    assert cm["data"] == {"evil_---": "x\n---\nkind: Secret", "n": '{"a: b":["- c"]}'}


def test_parse_back_check_catches_differences():
    obj = K8sObject(path="kubernetes/configmap-a.yaml",
                    body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"},
                          "data": {"k": "1"}})
    assert check_rendered(obj, render(obj)) is None
    assert "differs" in check_rendered(obj, render(obj).replace('"1"', "1"))
    assert "2 documents" in check_rendered(obj, render(obj) + "---\nkind: Secret\n")
    assert "does not parse" in check_rendered(obj, "a: [")


def test_a_template_bug_is_an_internal_error(monkeypatch):
    import compiler.emitters.kubernetes as k8s
    from compiler.diagnostics import InternalError

    monkeypatch.setattr(k8s, "render", lambda obj: render(obj) + "extra: key\n")
    u = unit([node("web", "xfactor.nodes.CNF", 10, {"image": "a:1"})])
    with pytest.raises(InternalError, match="does not read back"):
        k8s.EMITTER.emit(u, u.diagnostics)


def _web_units(n):
    return unit([node(f"web{i}", "xfactor.nodes.CNF", 10 + i, {"image": f"a:{i}"})
                 for i in range(n)])


def test_one_whole_read_back_per_template_and_value_kinds(monkeypatch):
    """Within one emit, an object whose kind and scalar kinds were read back whole is
    checked as the writer's own text with its scalars proved: four workloads make two
    objects each (Deployment, NetworkPolicy), so two whole read-backs, not eight."""
    r = sys.modules["compiler.emitters.kubernetes.render"]  # (the package's `render` is the function)
    whole = []
    real = r.read_back_problem
    monkeypatch.setattr(r, "read_back_problem", lambda doc, text: whole.append(doc) or real(doc, text))
    u = _web_units(4)
    files = EMITTER.emit(u, u.diagnostics)
    assert len(files) == 8
    assert sorted(d["kind"] for d in whole) == ["Deployment", "NetworkPolicy"]
    for f in files:  # and each text is what a reader gives back as the file's data
        assert yaml.safe_load(f.content) == f.documents[0]


def test_a_template_bug_in_a_later_object_is_an_internal_error(monkeypatch):
    """The objects after the first of a shape are not parsed back, but their text must
    be the writer's own: a rendering that changes only the third object is caught."""
    import compiler.emitters.kubernetes as k8s
    from compiler.diagnostics import InternalError

    def bad(obj):
        text = render(obj)
        return text.replace("a:2", "a:3") if obj.name == "web2" else text

    monkeypatch.setattr(k8s, "render", bad)
    u = _web_units(4)
    with pytest.raises(InternalError, match="web2 does not read back: the rendered text is not"):
        k8s.EMITTER.emit(u, u.diagnostics)


def test_a_scalar_that_does_not_read_back_is_caught_in_a_proved_object(monkeypatch):
    """A quoting bug in a value that only a later object of a shape holds is still found:
    each distinct scalar is read back (yamlout.dump_proved_kinds)."""
    import compiler.yamlout as yo
    from compiler.emitters.kubernetes.render import check_rendered as check

    def obj(value):
        return K8sObject(path="kubernetes/configmap-a.yaml",
                         body={"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "a"}, "data": {"k": value}})

    shapes: set = set()
    first = obj("plain-value")
    assert check(first, render(first), shapes) is None and len(shapes) == 1
    real = yo._quote_str
    monkeypatch.setattr(yo, "_quote_str", lambda v: "yes" if v == "broken-value" else real(v))
    later = obj("broken-value")
    assert "differs" in check(later, render(later), shapes)


_SCRIPT = """
import sys, hashlib
sys.path.insert(0, {repo!r})
from tests.unit.test_k8s_emitter import xfactor_unit, sol001_unit
from compiler.emitters.kubernetes import EMITTER
h = hashlib.sha256()
for make in (xfactor_unit, sol001_unit):
    u = make(namespace="ns")
    for f in EMITTER.emit(u, u.diagnostics):
        h.update(f.path.encode() + b"\\0" + f.content + b"\\0")
print(h.hexdigest())
"""


def test_output_is_byte_identical_across_hash_seeds():
    digests = set()
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", _SCRIPT.format(repo=str(REPO))], env=env,
                             capture_output=True, text=True, check=True, cwd=REPO)
        digests.add(out.stdout.strip())
    assert len(digests) == 1
