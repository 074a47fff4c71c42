"""compiler.suggest: one "did you mean" helper, bounded work on huge inputs."""

from __future__ import annotations

import time

import pytest

from compiler import suggest


def test_suggests_the_closest_word():
    assert suggest.closest("atempts", ["attempts", "backoff"]) == "attempts"
    assert suggest.did_you_mean("atempts", ["attempts"]) == "did you mean 'attempts'?"
    assert suggest.did_you_mean("zzz", ["attempts"], otherwise="none") == "none"
    assert suggest.close_matches("atempts", ["attempts"]) == ["attempts"]
    assert suggest.close_matches("zzz", ["attempts"]) == []


def test_paths_use_the_stricter_cutoff():
    names = ["Definitions/main.yaml", "Definitions/types.yaml"]
    assert suggest.closest("Definitions/mian.yaml", names, cutoff=suggest.NAME_CUTOFF) == names[0]
    assert suggest.closest("Files/other.txt", names, cutoff=suggest.NAME_CUTOFF) is None


def test_long_words_and_non_strings_get_nothing():
    assert suggest.closest("x" * (suggest.MAX_WORD + 1), ["x" * (suggest.MAX_WORD + 1)]) is None
    assert suggest.closest(None, ["a"]) is None
    assert suggest.closest("a", [None, 3]) is None


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_many_candidates_stay_fast_and_still_find_the_typo():
    names = [f"Files/images/layer-{i:05d}.bin" for i in range(50000)]
    start = time.perf_counter()
    found = suggest.closest("Files/images/layr-12345.bin", names, cutoff=suggest.NAME_CUTOFF)
    assert time.perf_counter() - start < 2.0
    assert found is not None and found.startswith("Files/images/lay")


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_a_suggester_stops_after_its_budget():
    ask = suggest.Suggester([f"Definitions/f{i}.yaml" for i in range(20000)],
                            cutoff=suggest.NAME_CUTOFF, budget=3)
    start = time.perf_counter()
    answers = [ask(f"Definitions/g{i}.yaml") for i in range(20000)]
    assert time.perf_counter() - start < 2.0
    assert all(a is not None for a in answers[:3]) and set(answers[3:]) == {None}
