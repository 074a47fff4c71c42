"""compiler.yamlout, the one YAML writer: layouts, quoting, the read-back self-check."""

from __future__ import annotations

import pytest
import yaml

from compiler import yamlout
from compiler.diagnostics import InternalError

ruamel_yaml = pytest.importorskip("ruamel.yaml", reason="ruamel.yaml is in the test extra")

# the brief's list: every one of these must be quoted, and read back as the same string
AMBIGUOUS = ["1e3", "yes", "no", "on", "off", "y", "n", "0o10", "010", "0x1F", "~", "null",
             ".inf", ".nan", "1:20", "0123", "2001-12-14", "2001-12-14 21:59:43.10 -5",
             "a: b", "a #b", "-a", "?a", "&a", "*a", "!a", "|a", ">a", "%a", "@a", "`a",
             "a\u0085b", "a\u2028b", "a\u2029b", "a\x00b", "a\x1bb", "a\tb", "a\nb", "",
             "=", "<<", "True", "NULL", "1.0.0", "+1", "-.inf", " a", "a "]


@pytest.mark.parametrize("value", AMBIGUOUS)
def test_ambiguous_strings_are_quoted_and_read_back_by_yaml_11_and_12(value):
    text = yamlout.write({"k": value, "l": [value], value: 1}, what="t")
    assert '"' in text
    assert yaml.safe_load(text) == {"k": value, "l": [value], value: 1}
    assert ruamel_yaml.YAML(typ="safe", pure=True).load(text) == {"k": value, "l": [value], value: 1}


def test_kubectl_layout_indents_sequences_and_puts_the_head_first():
    doc = {"spec": {"b": [1, {"x": 1, "a": None}], "a": {}}, "kind": "K", "apiVersion": "v1",
           "z": [[1, 2], []]}
    assert yamlout.dump(doc, head=("apiVersion", "kind")).splitlines() == [
        "apiVersion: v1",
        "kind: K",
        "spec:",
        "  a: {}",
        "  b:",
        "    - 1",
        "    - a: null",
        "      x: 1",
        "z:",
        "  -",
        "    - 1",
        "    - 2",
        "  - []",
    ]


def test_pyyaml_layout_matches_safe_dump_where_both_write_plain():
    doc = {"top": {"list": [{"a": 1, "b": [True, 2.5, None]}, [1, [2, 3]], "s"], "m": {}},
           "w": []}
    text = yamlout.dump(doc, indent_sequences=False)
    assert text == yaml.safe_dump(doc, sort_keys=True, default_flow_style=False)


def test_header_comments_and_line_breaks_in_them():
    text = yamlout.write({"a": 1}, what="t", header=("one", "two"))
    assert text == "# one\n# two\na: 1\n"
    with pytest.raises(InternalError):
        yamlout.dump({"a": 1}, header=("x\ny",))


def test_types_survive_exactly():
    doc = {"i": 1, "b": True, "f": 1.0, "big": 10**30, "e": 1e22, "neg": -0.5, "n": None,
           "inf": float("inf"), "t": (1, "2")}
    back = yaml.safe_load(yamlout.write(doc, what="t"))
    assert yamlout.same(back, doc)
    assert type(back["i"]) is int and type(back["b"]) is bool and type(back["f"]) is float


def test_same_tells_types_apart():
    assert not yamlout.same({"a": 1}, {"a": True})
    assert not yamlout.same({"a": 1}, {"a": 1.0})
    assert not yamlout.same({"a": "1"}, {"a": 1})
    assert yamlout.same({"a": [1, (2,)]}, {"a": [1, [2]]})
    assert yamlout.same({"a": float("nan")}, {"a": float("nan")})
    assert not yamlout.same({"a": 1, "b": 2}, {"a": 1, "c": 2})
    assert not yamlout.same({1: "a"}, {True: "a"})  # one dict key to Python, two to YAML


def test_a_mismatch_or_a_non_scalar_is_an_internal_error(monkeypatch):
    monkeypatch.setattr(yamlout, "dump", lambda doc, **kw: "a: 2\n")
    with pytest.raises(InternalError, match="does not read back"):
        yamlout.write({"a": 1}, what="the thing")
    monkeypatch.undo()
    with pytest.raises(InternalError, match="the thing"):
        yamlout.write({"a": object()}, what="the thing")
    assert "2 documents" in yamlout.read_back_problem({"a": 1}, "a: 1\n---\nb: 2\n")
    assert "does not parse" in yamlout.read_back_problem({"a": 1}, "a: [")


def test_deep_data_does_not_reach_the_recursion_limit():
    doc: dict = {}
    cur = doc
    for _ in range(5000):
        cur["a"] = {}
        cur = cur["a"]
    text = yamlout.dump(doc)
    assert text.count("\n") == 5000
    assert yamlout.canonical(doc) is not doc


def test_output_is_deterministic_whatever_the_insertion_order():
    a = {"b": 1, "a": {"y": 2, "x": 3}}
    b = {"a": {"x": 3, "y": 2}, "b": 1}
    assert yamlout.dump(a) == yamlout.dump(b)


def test_a_lone_surrogate_is_refused_by_name():
    with pytest.raises(InternalError, match="lone surrogate U\\+DCFF"):
        yamlout.write({"k": "a\udcffb"}, what="t")


# --------------------------------------------------------------------------- the event walk

def _load_compare(doc, text):
    """The reference the event walk replaces: load with libyaml + PyYAML's safe
    constructor, then compare.  True when the text is the data."""
    try:
        docs = list(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except yaml.YAMLError:
        return False
    return len(docs) == 1 and yamlout.same(docs[0], doc)


NAN = float("nan")
PAIRS = [
    ("a: 1\n", {"a": 1}), ("a: 1\n", {"a": True}), ("a: 1\n", {"a": "1"}), ("a: 1\n", {"a": 1.0}),
    ("a: 1.0\n", {"a": 1.0}), ("a: 1.0\n", {"a": 1}), ("a: yes\n", {"a": True}),
    ("a: yes\n", {"a": "yes"}), ("a: '1'\n", {"a": "1"}), ("a: \"1\"\n", {"a": 1}),
    ("a: 0o10\n", {"a": "0o10"}), ("a: 010\n", {"a": 8}), ("a: 0x1F\n", {"a": 31}),
    ("a: 1_000\n", {"a": 1000}), ("a: 1:20\n", {"a": 80}), ("a: 2001-12-14\n", {"a": "2001-12-14"}),
    ("a: [1, 2]\n", {"a": [1, 2]}), ("a: [1, 2]\n", {"a": (1, 2)}), ("a: [1, 2]\n", {"a": [1]}),
    ("a: [1, 2]\n", {"a": [1, 2, 3]}), ("a: [1, 2]\n", {"a": {"x": 1}}), ("a: {x: 1}\n", {"a": [1]}),
    ("{}\n", {}), ("[]\n", []), ("\n", {}), ("a: 1\n---\n", {"a": 1}), ("--- 1\n--- 2\n", 1),
    ("a: .nan\n", {"a": NAN}), ("a: .nan\n", {"a": 1.0}), ("a: ~\n", {"a": None}),
    ("a: null\n", {"a": None}), ("a:\n", {"a": None}), ("a:\n", {"a": ""}), ("a: ''\n", {"a": ""}),
    ("1: a\n", {1: "a"}), ("1: a\n", {"1": "a"}), ("1: a\n", {True: "a"}),
    ("true: a\n", {True: "a"}), ("true: a\n", {1: "a"}), ("1.5: a\n", {1.5: "a"}),
    ("a: 1\nb: 2\n", {"a": 1}), ("a: 1\n", {"a": 1, "b": 2}), ("a: 1\nc: 2\n", {"a": 1, "b": 2}),
    ("- a\n- - b\n  - c\n", ["a", ["b", "c"]]), ("- a\n- - b\n  - c\n", ["a", ["b"]]),
    ("a: \"x\\u2028y\"\n", {"a": "x\u2028y"}), ("a: x\n", "a: x"), ("a: [\n", {"a": []}),
    ("? [1]\n: x\n", {"a": "x"}), ("a: 1e3\n", {"a": "1e3"}), ("a: 1.0e+3\n", {"a": 1000.0}),
    ("a: -.inf\n", {"a": float("-inf")}), ("a: !!binary aGk=\n", {"a": "aGk="}),
]
# Texts the writer never produces, on which the walk is deliberately stricter than a
# load: an anchor/alias, a repeated key (a load keeps the last), an explicit tag.
STRICTER = [
    ("a: &x 1\nb: *x\n", {"a": 1, "b": 1}),
    ("a: 1\na: 1\n", {"a": 1}),
    ("a: !!str 1\n", {"a": "1"}),
]


@pytest.mark.parametrize("text,doc", PAIRS)
def test_the_event_walk_agrees_with_load_and_compare(text, doc):
    assert (yamlout.read_back_problem(doc, text) is None) == _load_compare(doc, text)


@pytest.mark.parametrize("text,doc", STRICTER)
def test_the_event_walk_refuses_what_the_writer_never_writes(text, doc):
    assert _load_compare(doc, text)
    assert yamlout.read_back_problem(doc, text) is not None


def test_the_event_walk_on_random_documents_and_their_mutations():
    import random

    rng = random.Random(20261201)
    scalars = AMBIGUOUS + [0, 1, -7, 10**20, 1.5, -0.0, 1e300, True, False, None, "a", "b-1",
                           "256Mi", "nginx:1.25"]

    def gen(depth):
        r = rng.random()
        if depth > 4 or r < 0.45:
            return rng.choice(scalars)
        if r < 0.75:
            return {rng.choice(["a", "b", "c", "1", "yes", "x y"]): gen(depth + 1)
                    for _ in range(rng.randint(0, 4))}
        return [gen(depth + 1) for _ in range(rng.randint(0, 4))]

    for _ in range(400):
        doc = gen(0)
        for layout in (True, False):
            text = yamlout.dump(doc, indent_sequences=layout)
            assert yamlout.read_back_problem(doc, text) is None, text
            other = gen(0)
            assert (yamlout.read_back_problem(other, text) is None) == _load_compare(other, text), (text, other)


def test_keys_that_are_not_strings_are_matched_by_kind_and_value():
    doc = {"m": {1: "int", 2.5: "float", None: "null", False: "bool", "1": "str",
                 **{i: i for i in range(10, 2000)}}}
    text = yamlout.write(doc, what="t")  # raises if the walk disagrees
    assert yamlout.read_back_problem({"m": {**doc["m"], 1: "other"}}, text) is not None
    swapped = {"m": {**{k: v for k, v in doc["m"].items() if k is not False}, 0: "bool"}}
    assert yamlout.read_back_problem(swapped, text) is not None  # false is not 0


def test_the_scalar_caches_keep_short_texts_only():
    long_text = "x" * (yamlout._CACHED_CHARS + 1)
    before = (yamlout._quote_short.cache_info().currsize, yamlout._plain_short.cache_info().currsize)
    text = yamlout.write({"a": long_text, "b": long_text + "y"}, what="t")
    assert long_text in text
    after = (yamlout._quote_short.cache_info().currsize, yamlout._plain_short.cache_info().currsize)
    # only the two short keys "a" and "b" may have been added
    assert after[0] - before[0] <= 2 and after[1] - before[1] <= 2
    assert yamlout._quote_short.cache_info().maxsize == yamlout._plain_short.cache_info().maxsize == 1 << 16


def test_a_self_check_message_shows_a_long_value_cut():
    problem = yamlout.read_back_problem({"a": "y" * 10_000}, "a: " + "x" * 10_000 + "\n")
    assert problem is not None and problem.startswith("the written YAML differs") and len(problem) < 300


# --------------------------------------------------------------------------- the proof
# dump_proved (the policy files' writer) reads back each distinct scalar once per process
# instead of the whole text: the layout around the scalars is _dump's own, whatever the
# values.  These tests hold that layout to the whole read-back, and the proof to the
# differences a whole read-back finds.


def _random_documents(seed: int, count: int):
    import random

    rng = random.Random(seed)
    scalars = AMBIGUOUS + [0, 1, -7, 10**20, 1.5, -0.0, 1e300, float("inf"), True, False, None,
                           "a", "b-1", "256Mi", "nginx:1.25", "x" * 300, "é\u2028\x85\t", ""]

    def gen(depth):
        r = rng.random()
        if depth > 5 or r < 0.4:
            return rng.choice(scalars)
        if r < 0.75:
            return {rng.choice(["a", "b", "c", "1", "yes", "x y", 1, 2.5, None, True]): gen(depth + 1)
                    for _ in range(rng.randint(0, 4))}
        return [gen(depth + 1) for _ in range(rng.randint(0, 4))]

    return [gen(0) for _ in range(count)]


def test_a_proved_text_is_the_dumped_text_and_reads_back_whole(monkeypatch):
    monkeypatch.setattr(yamlout, "_PROVEN", {})
    for doc in _random_documents(20261208, 300):
        for layout in (True, False):
            text, problem = yamlout.dump_proved(doc, indent_sequences=layout, head=("b",),
                                                header=("h",))
            assert problem is None, text
            assert text == yamlout.dump(doc, indent_sequences=layout, head=("b",), header=("h",))
            assert yamlout.read_back_problem(doc, text) is None, text
            assert yamlout.write(doc, what="t", indent_sequences=layout, proved=True) == \
                yamlout.write(doc, what="t", indent_sequences=layout)


def test_a_scalar_written_wrong_is_found_by_the_proof(monkeypatch):
    """A quoting bug (here: "yes" and 010 written plain, which a YAML 1.1 reader takes for
    true and 8) is found as the whole read-back finds it, in a value and in a key."""
    monkeypatch.setattr(yamlout, "_PROVEN", {})
    real = yamlout._quote_str
    monkeypatch.setattr(yamlout, "_quote_str", lambda v: v if v in ("yes", "010") else real(v))
    for doc in ({"k": ["a", "yes"]}, {"m": {"010": 1}}):
        text, problem = yamlout.dump_proved(doc)
        assert problem is not None and "differs" in problem, text
        assert yamlout.read_back_problem(doc, text) is not None
        with pytest.raises(InternalError, match="does not read back"):
            yamlout.write(doc, what="t", proved=True)


def test_a_key_too_long_for_a_reader_is_found_by_the_proof(monkeypatch):
    """libyaml reads a key of at most 1,024 characters: a longer one is proved in a key's
    position, not only as a value."""
    monkeypatch.setattr(yamlout, "_PROVEN", {})
    for doc in ({"a" * 1030: 1}, {"m": {"\u2028" * 250: 1}}):  # the second: 250 chars, escaped
        text, problem = yamlout.dump_proved(doc)
        assert yamlout.read_back_problem(doc, text) is not None
        assert problem is not None and "does not parse" in problem
    assert yamlout.dump_proved({"a" * 1000: 1})[1] is None


def test_the_proof_remembers_short_scalars_only_and_is_bounded(monkeypatch):
    monkeypatch.setattr(yamlout, "_PROVEN", {})
    calls = []
    real = yamlout.read_back_problem
    monkeypatch.setattr(yamlout, "read_back_problem", lambda d, t: calls.append(d) or real(d, t))
    long_text = "y" * (yamlout._CACHED_CHARS + 1)
    doc = {"a": [1, 1, True, "x", long_text, None, 1.5], "b": "x"}
    assert yamlout.dump_proved(doc)[1] is None
    assert len(calls) == 1 and sorted(map(repr, calls[0])) == sorted(
        map(repr, ["a", "b", "x", 1, True, long_text, None, 1.5]))  # each once
    assert (str, long_text) not in yamlout._PROVEN and (int, 1) in yamlout._PROVEN
    assert (bool, True) in yamlout._PROVEN and (bool, 1) in yamlout._PROVEN  # True is 1
    assert (bool, False) not in yamlout._PROVEN and (float, 1.5) in yamlout._PROVEN
    calls.clear()
    assert yamlout.dump_proved(doc)[1] is None
    assert calls == [[long_text]]  # a long text is read back each time, the rest not again
    monkeypatch.setattr(yamlout, "_PROVEN_MAX", 8)
    for i in range(20):
        assert yamlout.dump_proved({f"k{i}": i})[1] is None
        assert len(yamlout._PROVEN) <= 8


def test_a_deep_document_is_read_back_whole(monkeypatch):
    monkeypatch.setattr(yamlout, "proof_problem", lambda written: "not used")
    doc: dict = {}
    cur = doc
    for _ in range(yamlout._PROOF_DEPTH // 2 + 2):
        cur["a"] = {}
        cur = cur["a"]
    assert yamlout.dump_proved(doc)[1] is None
    assert yamlout.dump_proved({"a": {"b": [1]}})[1] == "not used"


def test_as_read_documents_are_made_on_first_use_and_pickle_as_a_tuple(monkeypatch):
    import pickle

    made = []
    real = yamlout.as_read
    monkeypatch.setattr(yamlout, "as_read", lambda d, h=(): made.append(d) or real(d, h))
    doc = {"b": (1, "x"), "a": {"z": True, "y": None}, "kind": "K"}
    docs = yamlout.AsRead(doc, head=("kind",))
    assert made == []  # nothing copied until asked
    assert len(docs) == 1 and made == []
    assert list(docs) == [real(doc, ("kind",))] and list(docs[0]) == ["kind", "a", "b"]
    assert docs[0] is docs[0] and len(made) == 1  # made once
    back = pickle.loads(pickle.dumps(docs))
    assert type(back) is tuple and back == (real(doc, ("kind",)),)
