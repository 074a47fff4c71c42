"""compiler.loader.yamlpos: positions, YAML 1.2 scalars, duplicate keys, limits."""

import math
import time

import pytest

from compiler.diagnostics import Diagnostics
from compiler.loader.yamlpos import (
    DEFAULT_LIMITS,
    Limits,
    PMap,
    PSeq,
    load_yaml,
    resolve_plain,
    to_plain,
)


def load(text, limits=DEFAULT_LIMITS):
    d = Diagnostics()
    return load_yaml(text, "t.yaml", d, limits), d


@pytest.mark.parametrize(
    "text,value",
    [
        ("1:20", "1:20"),  # YAML 1.1 sexagesimal: a string in 1.2
        ("yes", "yes"),
        ("No", "No"),
        ("on", "on"),
        ("010", 10),  # decimal in 1.2, not octal
        ("0o10", 8),
        ("0x1F", 31),
        ("1e3", 1000.0),
        ("-.5", -0.5),
        (".inf", math.inf),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("2024-01-01", "2024-01-01"),  # no timestamp type in the core schema
        ("256 MiB", "256 MiB"),
        ("+12", 12),
    ],
)
def test_yaml_1_2_core_schema(text, value):
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_quoted_scalars_stay_strings():
    data, d = load('a: "010"\nb: \'true\'\nc: !!str 5\nd: !!int "7"\n')
    assert data == {"a": "010", "b": "true", "c": "5", "d": 7}
    assert not d.has_errors


def test_positions_of_keys_values_and_items():
    data, d = load("top:\n  list:\n    - one\n    - {k: v}\n  s: 'q'\n")
    assert isinstance(data, PMap) and isinstance(data["top"]["list"], PSeq)
    top = data["top"]
    assert (top.key_span("list").line, top.key_span("list").column) == (2, 3)
    assert (top.value_span("s").line, top.value_span("s").column, top.value_span("s").style) == (5, 6, "'")
    lst = top["list"]
    assert (lst.item_span(0).line, lst.item_span(0).column) == (3, 7)
    assert (lst.item_span(1).line, lst.item_span(1).column) == (4, 7)
    assert lst[1].key_span("k").column == 8


def test_keys_are_strings():
    data, _ = load("1: a\ntrue: b\n1.5: c\n")
    assert set(data) == {"1", "true", "1.5"}


def test_duplicate_key_is_an_error_at_the_second_key():
    data, d = load("a: 1\nb: 2\na: 3\n")
    (diag,) = d.errors()
    assert diag.code == "yaml-duplicate-key"
    assert (diag.span.line, diag.span.column) == (3, 1)
    assert data["a"] == 1


def test_merge_keys_and_aliases_are_copies():
    data, d = load("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\ne: *b\n")
    assert to_plain(data["d"]) == {"x": 1, "y": 3}
    data["e"]["x"] = 99
    assert data["base"]["x"] == 1  # an alias never shares state with its anchor
    assert not d.has_errors


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_billion_laughs_fails_fast():
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    prev = "a"
    for i in range(9):
        n = chr(ord("b") + i)
        lines.append(f"{n}: &{n} [" + ", ".join([f"*{prev}"] * 10) + "]")
        prev = n
    t = time.perf_counter()
    data, d = load("\n".join(lines))
    assert time.perf_counter() - t < 2
    assert data is None and d.codes() == ["yaml-alias-limit"]


def test_deep_nesting_fails_without_recursion():
    data, d = load("a: " + "[" * 200_000)
    assert data is None and d.codes() == ["yaml-too-deep"]


# Deeper than libyaml's own limit (1,000 levels since PyYAML 6.0.4) and shallower: xfc's
# limit fires first, at the same position, on the C and on the pure-Python parser.
@pytest.mark.parametrize("levels", [150, 999, 1000, 5000])
@pytest.mark.parametrize("shape", ["flow", "block"])
def test_depth_limit_is_ours_on_every_parser(monkeypatch, levels, shape):
    import yaml

    from compiler.loader import yamlpos

    if shape == "flow":
        text = "k: v\nk: w\na: " + "[" * levels + "]" * levels + "\n"
        where = (3, 3 + DEFAULT_LIMITS.max_depth)  # the 101st '[' (line 3, 1-based col)
    else:
        text = "k: v\nk: w\na:\n" + "".join("  " * i + "-\n" for i in range(levels))
        where = (4 + DEFAULT_LIMITS.max_depth - 1, 2 * (DEFAULT_LIMITS.max_depth - 1) + 1)
    seen = []
    for loader in {yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)}:
        monkeypatch.setattr(yamlpos, "_Loader", loader)
        data, d = load(text)
        assert data is None
        assert d.codes() == ["yaml-duplicate-key", "yaml-too-deep"], d.codes()
        deep = [x for x in d if x.code == "yaml-too-deep"][0]
        seen.append((deep.span.line, deep.span.column, deep.message))
    assert {s[:2] for s in seen} == {where}
    assert len(set(seen)) == 1


def test_scalar_limit():
    data, d = load("a: " + "x" * 100, Limits(max_scalar_chars=50))
    assert data is None and d.codes() == ["yaml-scalar-too-large"]


def test_python_tags_are_inert():
    data, d = load("a: !!python/object/apply:os.system ['echo hi']\n")
    assert "yaml-syntax" in d.codes()


def test_syntax_error_position_and_context():
    _, d = load("a: [1, 2\nb: 3\n")
    (diag,) = d.errors()
    assert diag.code == "yaml-syntax"
    assert "started at line 1, column 4" in diag.message


def test_multiple_documents_refused():
    _, d = load("a: 1\n---\nb: 2\n")
    assert d.codes() == ["yaml-multiple-documents"]


def test_render_shows_source_line_and_caret():
    _, d = load("a: 1\na: 2\n")
    text = d.render_text()
    assert "t.yaml:2:1: error[yaml-duplicate-key]" in text
    assert "   2 | a: 2" in text and "| ^" in text


# TOSCA 2.0 function calls as map keys (§10.1; read by compiler/loader/tosca2/keys.py) ----------------
def test_a_call_key_is_kept_only_when_asked_in_a_declared_tosca_2_0_document():
    from compiler.loader.yamlpos import CallKey

    text = "tosca_definitions_version: tosca_2_0\nm: { { $concat: [ a, b ] }: 1, $$x: 2 }\n"
    d = Diagnostics()
    data = load_yaml(text, "t.yaml", d, call_keys=True)
    (key, _plain) = list(data["m"])
    assert not d.has_errors and isinstance(key, CallKey)
    assert dict(key.call) == {"$concat": ["a", "b"]} and (key.span.line, key.span.column) == (2, 6)
    assert data["m"][key] == 1 and data["m"].key_span(key) == key.span
    for other in (text.replace("tosca_2_0", "tosca_simple_yaml_1_3"),  # a 1.x document
                  "m: { { $concat: [ a ] }: 1 }\ntosca_definitions_version: tosca_2_0\n",  # late
                  "tosca_definitions_version: tosca_2_0\nm: { { $$x: 1 }: 2 }\n"):  # escaped
        d = Diagnostics()
        load_yaml(other, "t.yaml", d, call_keys=True)
        assert [x.code for x in d] == ["yaml-complex-key"], other
    d = Diagnostics()
    load_yaml(text, "t.yaml", d)  # not asked (Kubernetes manifests, inputs files)
    assert [x.code for x in d] == ["yaml-complex-key"]
