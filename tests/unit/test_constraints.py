"""compiler.resolve.constraints: clause shapes, typed definitions, and checks of values."""

from __future__ import annotations

import math

import pytest

from compiler.diagnostics import Diagnostics
from compiler.loader.yamlpos import load_yaml
from compiler.resolve.constraints import (
    Version,
    check_definition,
    parse_constraint,
    parse_range,
    parse_timestamp,
    parse_version,
    violation,
)


def clauses(text: str) -> tuple[list, Diagnostics]:
    d = Diagnostics()
    seq = load_yaml(text, "c.yaml", d)
    out = [parse_constraint(c, seq.item_span(i), d) for i, c in enumerate(seq)]
    return out, d


def one(text: str):
    (c,), d = clauses(text)
    assert not d.has_errors, d.render_text()
    return c


@pytest.mark.parametrize(
    "clause, base, good, bad",
    [
        ("- equal: 3", "integer", 3, 4),
        ("- greater_than: 1", "integer", 2, 1),
        ("- greater_or_equal: 1", "integer", 1, 0),
        ("- less_than: 5", "float", 4.5, 5),
        ("- less_or_equal: 5", "integer", 5, 6),
        ("- in_range: [1, 65535]", "integer", 65535, 0),
        ("- in_range: [1, UNBOUNDED]", "integer", 10**9, 0),
        ("- valid_values: [udp, tcp]", "string", "tcp", "sctp"),
        ("- length: 3", "string", "abc", "ab"),
        ("- min_length: 2", "list", [1, 2], [1]),
        ("- max_length: 1", "map", {"a": 1}, {"a": 1, "b": 2}),
        ("- pattern: '[a-z]+'", "string", "abc", "abc1"),  # the whole string must match
        ("- greater_or_equal: 0.1 GHz", "scalar-unit.frequency", "100 MHz", "99 MHz"),
        ("- in_range: [1 GiB, 2 GiB]", "scalar-unit.size", "1500 MiB", "2049 MiB"),
        ("- less_than: 1 m", "scalar-unit.time", "59 s", "60 s"),
        ("- greater_than: 1.2", "version", "1.10", "1.2.0"),
        ("- greater_than: 2024-01-01", "timestamp", "2024-01-01T00:00:01Z", "2023-12-31"),
        ("- equal: 1 GiB", "scalar-unit.size", "1024 MiB", "1 GB"),
        ("- in_range: [1, 10]", "range", [2, 3], [0, 3]),
    ],
)
def test_operators(clause: str, base: str, good: object, bad: object) -> None:
    c = one(clause)
    assert check_definition(c, base, Diagnostics())
    assert violation(c, good, base) is None
    assert violation(c, bad, base)


def test_unknown_operator_is_positioned_with_hint() -> None:
    (c,), d = clauses("- greater_then: 3\n")
    assert c is None
    [diag] = list(d)
    assert (diag.code, diag.span.line, diag.span.column) == ("tosca-unknown-field", 1, 3)
    assert diag.hint == "did you mean 'greater_than'?"


@pytest.mark.parametrize(
    "text, col",
    [
        ("- in_range: [1]\n", 13),
        ("- valid_values: tcp\n", 17),
        ("- min_length: -1\n", 15),
        ("- pattern: '('\n", 12),
        ("- greater_than: [1, 2]\n", 17),
        ("- {equal: 1, less_than: 2}\n", 3),
    ],
)
def test_malformed_clauses(text: str, col: int) -> None:
    (c,), d = clauses(text)
    assert c is None
    [diag] = list(d)
    assert (diag.code, diag.span.line, diag.span.column) == ("tosca-wrong-type", 1, col)


def test_definition_needs_comparable_arguments() -> None:
    d = Diagnostics()
    assert not check_definition(one("- greater_than: abc"), "integer", d)
    assert not check_definition(one("- greater_than: 1"), "boolean", d)
    assert not check_definition(one("- greater_or_equal: 1"), "scalar-unit.size", d)  # no unit
    assert not check_definition(one("- in_range: [5, 1]"), "integer", d)
    assert not check_definition(one("- pattern: x"), "integer", d)
    assert not check_definition(one("- min_length: 1"), "integer", d)
    assert [x.code for x in d] == ["tosca-wrong-type"] * 6
    assert any("expects comparable values" in x.message for x in d)


def test_versions() -> None:
    assert parse_version("1.2.3.beta-4") == Version(1, 2, 3, "beta", 4)
    assert parse_version(2) == Version(2)
    assert parse_version(1.0) == Version(1, 0)
    assert parse_version("1.10") > parse_version("1.9")
    for bad in ("1.x", "", "1.2.3.4.5", True, None):
        with pytest.raises(ValueError):
            parse_version(bad)


def test_timestamps() -> None:
    t = parse_timestamp("2001-12-14t21:59:43.10-05:00")
    assert t.utcoffset().total_seconds() == -5 * 3600
    assert parse_timestamp("2001-12-14 21:59:43.10 -5") == t
    assert parse_timestamp("2002-12-14").year == 2002
    assert parse_timestamp("2001-12-15T02:59:43.1Z") == t
    for bad in ("2001-02-30", "yesterday", 20011214, "2001-12-14T21:59:61Z"):
        with pytest.raises(ValueError):
            parse_timestamp(bad)


def test_a_leap_second_is_a_timestamp() -> None:
    # ISO 8601 (and YAML's timestamp) admit second 60: the instant after second 59
    leap = parse_timestamp("1990-12-31T15:59:60-08:00")
    assert leap == parse_timestamp("1991-01-01T00:00:00Z")
    assert leap > parse_timestamp("1990-12-31T23:59:59Z")


def test_ranges() -> None:
    assert parse_range([1, "UNBOUNDED"]) == (1, math.inf)
    assert parse_range([2, 2]) == (2, 2)
    for bad in ([3, 1], [1], ["UNBOUNDED", 2], [1.5, 2], "1-2", [True, 2]):
        with pytest.raises(ValueError):
            parse_range(bad)


def test_bool_is_not_equal_to_one() -> None:
    assert violation(one("- valid_values: [1, 2]"), True, "integer")
    assert violation(one("- equal: false"), 0, "") is not None
