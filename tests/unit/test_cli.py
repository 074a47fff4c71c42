"""compiler.cli: exit codes, help, internal errors, and the installed console script."""

import io
import json
import shutil
import subprocess
import sys

import pytest
from pathlib import Path

from compiler import cli


def run(*argv):
    out = io.StringIO()
    code = cli.main(list(argv), out=out)
    return code, out.getvalue()


def test_help_teaches(capsys):
    code, out = run("--help")
    assert code == 0
    text = capsys.readouterr().out + out
    for verb in ("check", "compile", "codes", "version"):
        assert verb in text
    assert "exit codes" in text


def test_no_command_is_misuse():
    code, out = run()
    assert code == 2 and "usage" in out


def test_unknown_flag_is_misuse(capsys):
    code, _ = run("check", "--no-such-flag", "x.yaml")
    assert code == 2
    assert "--help" in capsys.readouterr().err


def test_bad_set_is_misuse(tmp_path, capsys):
    code, _ = run("check", str(tmp_path), "--set", "novalue")
    assert code == 2 and "KEY=VALUE" in capsys.readouterr().err


def test_compile_needs_a_destination(tmp_path, capsys):
    code, _ = run("compile", str(tmp_path / "x.yaml"))
    assert code == 2 and "-o DIR" in capsys.readouterr().err


def test_missing_input_is_exit_1_with_diagnostic(tmp_path):
    code, out = run("check", str(tmp_path / "absent.yaml"))
    assert code == 1 and "error[input-not-found]" in out


def test_json_format(tmp_path):
    code, out = run("check", str(tmp_path / "absent.yaml"), "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False
    (d,) = doc["diagnostics"]
    assert set(d) >= {"code", "severity", "message", "file", "line", "column", "path"}


def test_internal_error_is_one_line_and_exit_3(monkeypatch, capsys, tmp_path):
    import compiler.api

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(compiler.api, "check", boom)  # the API call the verb makes
    code, _ = run("check", str(tmp_path))
    err = capsys.readouterr().err
    assert code == 3
    assert "internal error: RuntimeError: kaboom" in err and "--debug" in err
    assert "Traceback" not in err
    code, _ = run("check", str(tmp_path), "--debug")
    assert code == 3 and "Traceback" in capsys.readouterr().err


def test_version_and_codes():
    code, out = run("version")
    assert code == 0 and out.startswith("xfc ")
    code, out = run("codes", "xf-")
    assert code == 0 and "xf-dependency-cycle" in out and "yaml-syntax" not in out


@pytest.mark.skipif(shutil.which("xfc") is None, reason="xfc is not installed (pip install .)")
def test_console_script_runs():
    proc = subprocess.run(["xfc", "version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("xfc ")


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "compiler", "codes"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and "yaml-syntax" in proc.stdout


@pytest.mark.parametrize("ns", ["Core", "a_b", "x" * 64, "-a", "a\nb: c"])
def test_bad_namespace_is_misuse(tmp_path, capsys, ns):
    code, _ = run("compile", str(tmp_path / "x.yaml"), "-o", str(tmp_path / "out"), f"--namespace={ns}")
    assert code == 2 and "DNS-1123" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_param_reaches_the_policies_back_end(tmp_path):
    sample = Path(__file__).resolve().parents[2] / "samples/5g-core-slice/slice.yaml"
    out = tmp_path / "out"
    code, text = run("compile", str(sample), "-o", str(out), "--target", "tacker")
    assert code == 1 and "error[policy-missing-input]" in text and "--param vnf_instance_id" in text
    assert not out.exists()
    code, text = run("compile", str(sample), "-o", str(out), "--target", "tacker",
                     "--param", "vnf_instance_id=3f2a-77")
    assert code == 0, text
    # quoted: 3f2a-77 is spelt with number and timestamp characters only (compiler.yamlout)
    assert 'vnf_instance_id: "3f2a-77"' in (out / "policies/prometheusrule.yaml").read_text()


def test_many_notes_of_one_code_are_counted_not_flooded(tmp_path):
    nodes = "".join(
        f"    w{i}:\n      type: xfactor.nodes.CNF\n      properties: {{ image: 'r/w:{i}.0' }}\n"
        for i in range(12))
    f = tmp_path / "many.yaml"
    f.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\nimports: [xfactor/1.0/profile.yaml]\n"
                 "topology_template:\n  node_templates:\n" + nodes)
    code, out = run("check", str(f))
    assert code == 0
    assert out.count("note[xf-no-traits]") == 10
    assert "note: 2 more notes [xf-no-traits] not shown" in out
    code, out = run("check", str(f), "--all-notes")
    assert out.count("note[xf-no-traits]") == 12 and "more notes" not in out
    code, out = run("check", str(f), "--format", "json")
    assert sum(d["code"] == "xf-no-traits" for d in json.loads(out)["diagnostics"]) == 12


@pytest.mark.parametrize("flag", ["--quirk=bogus", "--quirk=-operaton.list", "--profile-path=/no/such/dir",
                                  "--root=/no/such/dir"])
def test_bad_selection_flags_are_misuse(tmp_path, capsys, flag):
    code, _ = run("check", str(tmp_path / "x.yaml"), flag)
    err = capsys.readouterr().err
    assert code == 2 and "xfc: error:" in err
    if "operaton" in flag:
        assert "did you mean 'operation.list'" in err


def test_wrong_input_values_are_reported_where_they_were_given(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template:\n"
                 "  inputs:\n    replicas:\n      type: integer\n    name:\n      type: string\n")
    vals = tmp_path / "vals.yaml"
    vals.write_text("name: web\nreplicas: many\n")
    code, out = run("check", str(f), "--inputs", str(vals))
    assert code == 1 and f"{vals}:2:11: error[tosca-wrong-type]" in out
    code, out = run("check", str(f), "--inputs", str(vals), "--set", "replicas=lots")
    assert code == 1 and "--set replicas: error[tosca-wrong-type]: lots is not an integer" in out
    code, out = run("check", str(f), "--inputs", str(vals), "--set", "replicas=3")
    assert code == 0, out


def test_a_set_value_that_is_not_utf8_is_an_error_at_the_set(tmp_path, capsys):
    # a value is bad input (exit 1, at --set KEY, issue 22), not misuse; nothing written
    sample = Path(__file__).resolve().parents[2] / "samples/5g-core-slice/slice.yaml"
    code, out = run("compile", str(sample), "-o", str(tmp_path / "out"), "--set",
                    "slice_id=\udcff\udcfe-01")
    assert code == 1, out
    assert "--set slice_id: error[input-encoding]: the value given for input 'slice_id' is " \
           "not UTF-8 text" in out + capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("flag,value", [("--set", "slice\udcff=01"),
                                        ("--param", "helm_chart=\udcff")])
def test_an_argument_that_is_not_utf8_is_misuse(tmp_path, capsys, flag, value):
    # Python keeps non-UTF-8 argv bytes as lone surrogates, which no YAML output can hold
    sample = Path(__file__).resolve().parents[2] / "samples/5g-core-slice/slice.yaml"
    code, _ = run("compile", str(sample), "-o", str(tmp_path / "out"), flag, value)
    assert code == 2 and "is not UTF-8 text" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
