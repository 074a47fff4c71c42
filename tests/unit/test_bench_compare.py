"""bench/compare.py judges issue 22's targets on the whole-process figures: PASS, MISS, or
"no figure" when a cell is missing, failed or skipped; and writes them as markdown."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import compare  # noqa: E402


def _m(cpu: float, rss: float = 50.0) -> dict:
    return {"cpu": cpu, "seconds": cpu, "rss_mb": rss}


def _row(n: int, **cells: dict) -> dict:
    row = {"nodes": n, "kib": 1, "w_yaml": _m(1.0), "w_tosca": _m(10.0), "w_check": _m(1.0),
           "w_compile": _m(1.0)}
    row.update(cells)
    return row


def _median(cpu: float, rss: float) -> dict:
    return dict(_m(cpu, rss), cpu_min=cpu * 0.9, cpu_max=cpu * 1.1, runs=3)


def test_each_target_is_judged_on_its_own_threshold() -> None:
    rows = [_row(1000, w_compile=_m(0.9), w_tosca=_m(1.0)),
            _row(10000, w_compile=_m(2.0), w_yaml=_m(1.0), w_tosca=_m(19.0))]
    extra = {"dense": _median(2.9, 249.0), "dense_n": 60, "tacker": _median(0.21, 30.0)}
    got = {t: v for t, _, v in compare.targets(rows, extra)}
    assert got == {
        "compile of 10,000 nodes <= 2x the CSafeLoader load": "PASS",  # 2.0x exactly
        "compile of 10,000 nodes <= 0.1x tosca-parser's parse": "MISS",  # 0.105x
        "compile of 1,000 nodes faster than tosca-parser's parse": "PASS",
        "dense 60 CNFs, every target, < 3 s and < 250 MB": "PASS",
        "a Tacker CSAR checked cold in < 0.2 s": "MISS",
    }
    extra["dense"] = _median(2.9, 251.0)  # memory alone misses
    assert dict((t, v) for t, _, v in compare.targets(rows, extra))[
        "dense 60 CNFs, every target, < 3 s and < 250 MB"] == "MISS"


def test_a_missing_failed_or_skipped_cell_is_no_figure() -> None:
    rows = [_row(1000, w_tosca={"error": "timed out after 600 s"}),
            _row(10000, w_tosca={"skipped": "--tosca-max 1000"})]
    extra = {"dense": _median(1.0, 30.0), "dense_n": 4}  # another size than the target's
    verdicts = [v for _, _, v in compare.targets(rows, extra)]
    assert verdicts == ["PASS", "no figure", "no figure", "no figure", "no figure"]
    assert compare.fmt(rows[1]["w_tosca"]) == "skipped"
    assert compare.ratio(rows[1]["w_compile"], rows[1]["w_tosca"]) == "-"


def test_the_markdown_holds_the_whole_process_table_and_the_targets() -> None:
    rows = [_row(1000, w_compile=_m(1.5), w_tosca=_m(2.5))]
    extra = {"tacker": _median(0.18, 29.0), "version": _median(0.05, 14.0)}
    text = compare.markdown(rows, extra, "a note")
    assert text.startswith("a note\n")
    assert "| 1,000 | 1.00 s / 50 MB | 2.50 s / 50 MB | 1.00 s / 50 MB | 1.50 s / 50 MB | 1.50 | 0.60 |" in text
    assert "| a Tacker CSAR checked cold in < 0.2 s | 180 ms (162-198 ms) | PASS |" in text
    assert "`xfc --version`: 50 ms CPU (median of 3)" in text
