"""The ``q`` filter writes readable YAML and stays injection-proof: a property-style test.

hypothesis is not a dependency, so the strings come from a deterministic generator: every
string up to length 3 over an alphabet of the characters YAML cares about, every spelling
of the YAML 1.1 / 1.2 special words and numbers (with case variants, prefixes and
suffixes), and seeded random strings over a wider alphabet.  Each string is rendered by
the real template as a value, a key and a list item, then read back by PyYAML
(``yaml.safe_load``, YAML 1.1) and by our YAML 1.2 reader
(``compiler.loader.yamlpos.load_yaml``): both must give exactly the view model.  Strings
written plain are also checked against the YAML 1.1 and 1.2 type regexes of the specs
themselves (yaml.org type repository, YAML 1.2 core and JSON schemas), which cover
readers other than PyYAML (go-yaml's ``y``/``n``, the spec's ``1.2.3`` float).
"""

from __future__ import annotations

import itertools
import random
import re

import pytest
import yaml

from compiler.diagnostics import Diagnostics
from compiler.emitters.kubernetes.render import K8sObject, check_rendered, is_plain_safe, quote, render
from compiler.loader.yamlpos import load_yaml, to_plain

# --------------------------------------------------------------------------- oracles

_YAML11 = [
    r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
    r"~|null|Null|NULL|",
    r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+",
    r"[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)",
    r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
    r"(\.[0-9]*)?(([ \t]*)Z|[-+][0-9][0-9]?(:[0-9][0-9])?)?",
    r"<<",
    r"=",
]
_YAML12 = [
    r"null|Null|NULL|~|",
    r"true|True|TRUE|false|False|FALSE",
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN",
    # JSON schema
    r"-?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?",
    # go-yaml / strconv extras: binary and octal prefixes with a sign, underscores
    r"[-+]?0[bBoOxX][0-9a-fA-F_]+",
]
_TYPED = [re.compile(rf"(?:{p})\Z") for p in _YAML11 + _YAML12]


def implicitly_typed(text: str) -> bool:
    """Does any YAML 1.1 or 1.2 schema resolve the plain scalar ``text`` to a non-string?"""
    return any(p.match(text) for p in _TYPED)


# --------------------------------------------------------------------------- generator

WORDS = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "~",
         ".inf", "-.inf", ".nan", "<<", "=", "NULL", "Null", "YES", "Off", "oN", "Y", "N"]
NUMBERS = ["0", "1", "-1", "+1", "010", "0o17", "0x1F", "0X1f", "0b101", "1_000", "1e3", "1E3",
           "1e+3", "1.0e+3", "1.", ".5", "1.2.3", "1:20", "1:20:30", "190:20:30.15", "0.1",
           "2024-01-01", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
           "2002-12-14", "12e03", "6.8523015e+5", "685.230_15e+03", "0x_0A_74_AE", "0b1010_0111",
           "-0", "1e", "0x", "0b", "1_", "0.", "00", "09", "1e-3", "123456789012345678901234567890"]
AFFIXES = ["", "a", "0", "-", ".", ":", "_", "/", "@", " ", "#", "e", "x", "Mi", "m", "G", "i", "\n"]
HOSTILE = ["a\nb: c", "x\n---\napiVersion: v1\nkind: Secret", "key: value", "'s' \"d\"",
           "!!python/object/apply:os.system ['id']", "&anchor *alias", "- item", "# comment",
           "? key", "| literal", "> folded", "%TAG ! tag:evil:", "{a: 1}", "[1, 2]", "a, b",
           "tab\there", "nel\u0085line\u2028sep\u2029end", "del\x7fx", "bom\ufeff", "emoji 😀",
           "\\backslash\\", "trailing ", " leading", "a:", "a: ", ":a", "a #b", "a#b", "---",
           "...", "--- a", "-", "?", ":", "@at", "`back`", "\x00nul", "\x1bescape", "é", "ß"]
SMALL_ALPHABET = "0189aexbtZyn.:_-+/@# "
WIDE_ALPHABET = (
    "abcdefnotxyzABEFNOTXYZ0123456789" "._/-@:+~=<>!&*|%?,[]{}#'\"`\\ \t\n\r"
    "\x00\x07\x1b\x7f\x85\xa0\u2028\u2029\ufeffé😀"
)


def tricky_strings() -> list[str]:
    out: set[str] = set()
    for n in range(4):
        out.update("".join(t) for t in itertools.product(SMALL_ALPHABET, repeat=n))
    for base in WORDS + NUMBERS + HOSTILE:
        for pre, post in itertools.product(AFFIXES, repeat=2):
            out.add(pre + base + post)
        out.update({base.upper(), base.lower(), base.title()})
    rng = random.Random(20240601)
    for _ in range(3000):
        n = rng.choice((1, 2, 3, 5, 8, 13, 40))
        out.add("".join(rng.choice(WIDE_ALPHABET) for _ in range(n)))
    return sorted(out)


STRINGS = tricky_strings()


def _read_back_12(text: str):
    diags = Diagnostics()
    tree = load_yaml(text, "q.yaml", diags)
    assert not list(diags), [d.message for d in diags]
    return to_plain(tree)


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


# --------------------------------------------------------------------------- tests


def test_the_generator_is_large_and_covers_both_styles():
    plain = [s for s in STRINGS if is_plain_safe(s)]
    assert len(STRINGS) > 15000
    assert len(plain) > 1000 and len(STRINGS) - len(plain) > 10000


def _item(s: str) -> dict:
    # keys already in the order render() writes them (sorted)
    return {"l": [s, {s: [s]}], "m": {s: s}, "v": s}


def _round_trip_problem(body: dict) -> str | None:
    text = render(K8sObject(path="kubernetes/x.yaml", body=body))
    docs = list(yaml.load_all(text, Loader=_LOADER_11))
    if len(docs) != 1 or not _same(docs[0], body):
        return "yaml 1.1: " + text
    if not _same(_read_back_12(text), body):
        return "yaml 1.2: " + text
    return None


_LOADER_11 = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parser, PyYAML's resolver


def test_every_tricky_string_round_trips_through_yaml_11_and_12():
    """Chunks of strings in one object each (fast); a failing chunk is narrowed per string."""
    failures = []
    for start in range(0, len(STRINGS), 400):
        chunk = STRINGS[start : start + 400]
        if _round_trip_problem({"items": [_item(s) for s in chunk]}) is None:
            continue
        for s in chunk:
            problem = _round_trip_problem({"items": [_item(s)]})
            if problem:
                failures.append((s, problem))
        assert failures, "a chunk failed but no string alone does"
    assert not failures, failures[:5]


def test_pyyaml_pure_python_reader_agrees_on_a_sample():
    sample = STRINGS[::37]
    body = {"items": [_item(s) for s in sample]}
    text = render(K8sObject(path="kubernetes/x.yaml", body=body))
    assert _same(yaml.safe_load(text), body)


def test_plain_strings_are_strings_under_every_schema():
    for s in STRINGS:
        if is_plain_safe(s):
            assert not implicitly_typed(s), s
            assert quote(s) == s


@pytest.mark.parametrize("value", [
    "apps/v1", "Deployment", "app.kubernetes.io/name", "xfactor.io/source", "RollingUpdate",
    "IfNotPresent", "256Mi", "500m", "1Gi", "10G", "nginx:1.25", "reg.example.net/web:1.0.0",
    "img@sha256:0123abcd", "5g-core-slice", "vnfd.yaml:50", "10.1.0.0/24", "x-5g", "TCP",
    "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit", "xf-tmp", "/tmp", "A", "CACHE_DB_LOCATOR",
])
def test_ordinary_manifest_values_are_plain(value):
    assert quote(value) == value


@pytest.mark.parametrize("value", [
    "yes", "Yes", "no", "NO", "y", "Y", "n", "on", "Off", "true", "False", "null", "Null", "~",
    "", "1e3", "0x1", "010", "0o7", "1:20", "2024-01-01", ".inf", "-.inf", ".nan", "1.0", "1",
    "1_000", "1.2.3", "0b1", "nan", "Infinity", "a b", "a: b", "a:", "# c", "a #b", "a#b",
    "-a", "---", "'q'", '"q"', "!tag", "&a", "*a", "a\nb", "{}", "[]", "%x", "@x", "?x", ":x",
    ".hidden", "é", "a,b", "<<", "=",
])
def test_ambiguous_values_are_double_quoted(value):
    text = quote(value)
    assert text.startswith('"') and text.endswith('"')
    assert yaml.safe_load(f"k: {text}") == {"k": value}


def test_a_whole_object_reads_like_a_manifest():
    body = {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"},
                         "annotations": {"xfactor.io/description": "the web: front end"}},
            "spec": {"replicas": 2, "paused": False, "template": {"x": None, "ratio": 0.5}}}
    obj = K8sObject(path="kubernetes/deployment-web.yaml", body=body)
    text = render(obj)
    assert text.splitlines() == [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  annotations:",
        '    xfactor.io/description: "the web: front end"',
        "  labels:",
        "    app.kubernetes.io/name: web",
        "  name: web",
        "spec:",
        "  paused: false",
        "  replicas: 2",
        "  template:",
        "    ratio: 0.5",
        "    x: null",
    ]
    assert check_rendered(obj, text) is None
