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
