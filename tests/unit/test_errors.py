"""The library API raises the documented exception types only (compiler.errors), and the
driver stops at each phase boundary with errors (compiler.pipeline)."""

from __future__ import annotations

from pathlib import Path

import pytest

import compiler
from compiler import errors, pipeline

REPO = Path(__file__).resolve().parents[2]
SAMPLE = str(REPO / "samples/5g-core-slice/slice.yaml")
NORMALIZE_ERROR = str(REPO / "tests/diagnostics/xf-process-conflict/fail.yaml")


def test_the_exceptions_are_documented_and_exported():
    for name in ("XfcError", "OptionsError", "PluginError", "InternalError"):
        cls = getattr(compiler, name)
        assert cls is getattr(errors, name)
        assert f":class:`{name}`" in compiler.__doc__, name
        assert issubclass(cls, compiler.XfcError)
    assert issubclass(compiler.OptionsError, ValueError)
    from compiler.diagnostics import InternalError
    from compiler.plugins import PluginError

    assert InternalError is compiler.InternalError and PluginError is compiler.PluginError


@pytest.mark.parametrize("overrides,field", [
    ({"targets": ("nowhere",)}, "Options.targets"),
    ({"namespace": "Not_A_Label"}, "Options.namespace"),
    ({"no_such_option": 1}, "no_such_option"),
])
def test_bad_options_raise_options_error_naming_the_field(overrides, field):
    with pytest.raises(compiler.OptionsError) as info:
        compiler.compile(SAMPLE, **overrides)
    assert field in str(info.value)
    assert "--" not in str(info.value)  # a library message names no command-line flag


def test_an_unknown_emitter_is_not_a_key_error():
    # emitters are plugins loaded by name: an unknown one fails the call that names it
    # with a plugin-error diagnostic (never KeyError), and the others still run
    try:
        unit = compiler.compile(SAMPLE, emitters=("kubernetes", "nope"))
    except KeyError:  # pragma: no cover - the bug this test pins
        pytest.fail("compile() raised KeyError for an unknown emitter")
    assert not unit.ok and unit.diagnostics.codes() == ["plugin-error"]
    assert "'nope'" in unit.diagnostics.errors()[0].message
    assert unit.outputs and all(f.producer == "kubernetes" for f in unit.outputs)


def test_check_refuses_bad_targets_and_reports_emitters_as_compile_does():
    with pytest.raises(compiler.OptionsError):
        compiler.check(SAMPLE, targets=("nowhere",))
    # check() runs the back ends compile() runs (xfc check's contract): an unknown emitter
    # is the same plugin-error there; the front end alone (analyse) runs no emitter
    unit = compiler.check(SAMPLE, emitters=("nope",))
    assert not unit.ok and unit.diagnostics.codes() == ["plugin-error"]
    assert compiler.analyse(SAMPLE, emitters=("nope",)).ok


def test_an_unexpected_exception_becomes_internal_error(monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr("compiler.graph.build_plan", broken)
    with pytest.raises(compiler.InternalError, match="RuntimeError: boom") as info:
        compiler.check(SAMPLE)
    assert isinstance(info.value.__cause__, RuntimeError)


def test_the_driver_stops_after_normalize_reports_errors(monkeypatch):
    called = []
    monkeypatch.setattr("compiler.graph.build_plan", lambda *a, **k: called.append("graph"))
    monkeypatch.setattr("compiler.checks.run_checks", lambda *a, **k: called.append("checks"))
    unit = compiler.compile(NORMALIZE_ERROR)
    assert "xf-process-conflict" in unit.diagnostics.codes()
    assert unit.xmodel is not None and unit.plan is None and unit.outputs == []
    assert called == []


def test_the_driver_runs_every_phase_on_a_clean_input():
    unit = compiler.compile(SAMPLE)
    assert unit.ok and unit.plan is not None and unit.outputs


def test_back_end_validates_its_options():
    unit = pipeline.front_end(SAMPLE, pipeline.Options(targets=("nowhere",)))
    with pytest.raises(compiler.OptionsError, match="Options.targets"):
        pipeline.back_end(unit)
    unit = pipeline.back_end(pipeline.front_end(SAMPLE, pipeline.Options(emitters=("nope",))))
    assert unit.diagnostics.codes() == ["plugin-error"] and unit.outputs == []
