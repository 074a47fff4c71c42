"""compiler.durations (one reader and the writers of time spans) and compiler.defaults."""

from __future__ import annotations

import math

import pytest

from compiler import defaults, durations
from compiler.normalize.steps import ARGUMENTS


@pytest.mark.parametrize("value,secs", [
    ("500ms", 0.5), ("2m", 120.0), ("1.5h", 5400.0), (" 3 s ", 3.0), ("30 s", 30.0),
    ("2 m", 120.0), ("1 d", 86400.0), (5, 5.0), (0.25, 0.25),
])
def test_every_spelling_reads_as_seconds(value, secs):
    assert durations.seconds(value) == secs


@pytest.mark.parametrize("value", [None, True, "soon", "", float("inf"), float("nan"), 10**400,
                                   "1e305 d", [], {}])
def test_what_is_not_a_finite_duration_gives_the_default(value):
    assert durations.seconds(value) is None
    assert durations.seconds(value, 7.0) == 7.0


def test_an_object_with_seconds():
    class D:
        seconds = 4
    assert durations.seconds(D()) == 4.0


@pytest.mark.parametrize("secs,step,go", [
    (0, "0s", "0s"), (0.5, "500ms", "500ms"), (90, "90s", "1m30s"), (120, "2m", "2m"),
    (7200, "2h", "2h"), (1.5, "1500ms", "1s500ms"),
])
def test_spellings(secs, step, go):
    assert durations.format_step(secs) == step
    assert durations.go(secs) == go
    assert durations.parse_step(step) == secs


def test_whole_seconds_round_up_to_at_least_one():
    assert durations.whole_seconds(0.2) == 1 and durations.whole_seconds(2.0) == 2
    assert durations.whole_seconds(2.1) == 3
    assert durations.parse_step("9" * 400 + "s") is None and math.isinf(float("9" * 400))


def test_step_defaults_come_from_the_one_table():
    for action, args in defaults.STEP_ARGUMENTS.items():
        for name, value in args.items():
            assert ARGUMENTS[action][name].default == value
    assert defaults.ATTEMPTS == 3 and defaults.BACKOFF == 1.0
