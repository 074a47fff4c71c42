"""``--tosca-parser`` (compiler.checks.tosca_parser): tosca-parser's verdict, offline and isolated.

Each test runs the real tosca-parser in its subprocess unless it replaces the child
command on purpose (timeout, unavailable, broken child).
"""

from __future__ import annotations

import http.server
import io
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

import compiler
from compiler.cli import main as cli_main
from compiler.diagnostics import Diagnostics, Severity
from compiler.loader import load
from compiler.pipeline import Options
from compiler.checks import tosca_parser as compat

toscaparser = pytest.importorskip("toscaparser")
from importlib.metadata import version as _dist_version

TP = f"tosca-parser {_dist_version('tosca-parser')}"
REPO = Path(__file__).resolve().parents[2]
FORGE = "https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1"
# pytest-xdist: one worker runs this module, so that no other test of it leaves tosca-parser's
# temporary folders in the system directory while test_no_temporary_files_left_... counts them
pytestmark = pytest.mark.xdist_group("compat")

VNFD = """\
tosca_definitions_version: tosca_simple_yaml_1_2
description: one VDU; the ETSI types are imported as {how}

imports:
  - {prefix}etsi_nfv_sol001_common_types.yaml
  - {prefix}etsi_nfv_sol001_vnfd_types.yaml

topology_template:
  node_templates:
    VDU1:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: vdu1
        description: the only VDU
        vdu_profile:
          min_number_of_instances: 1
          max_number_of_instances: 1
      capabilities:
        virtual_compute:
          properties:
            virtual_memory:
              virtual_mem_size: 512 MB
            virtual_cpu:
              num_virtual_cpu: 1
"""

SIMPLE = """\
tosca_definitions_version: {version}
description: a single server

topology_template:
  node_templates:
    server:
      type: tosca.nodes.Compute
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def _check(path: Path | str, **opts) -> Diagnostics:
    return compiler.check(str(path), Options(tosca_parser=True, **opts)).diagnostics


def _ours(diags: Diagnostics) -> list:
    return [d for d in diags if d.code.startswith("tosca-parser")]


def _verdict_only(path: Path, profile_paths: tuple[str, ...] = ()) -> Diagnostics:
    """Load ``path`` (whatever the loader thinks of it) and run only the verdict."""
    load_diags = Diagnostics()
    package = load(str(path), Options(profile_paths=profile_paths), load_diags)
    assert package is not None, load_diags.render_text()
    diags = Diagnostics()
    compat.tosca_parser_verdict(package, Options(tosca_parser=True, profile_paths=profile_paths),
                                diags)
    return diags


TACKER_TYPES = str(REPO / "compiler" / "profiles" / "etsi-nfv-sol001" / "2.6.1")


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary-files directory of this test's own, so leftovers can be counted exactly."""
    d = tmp_path / "systmp"
    d.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(d))
    monkeypatch.setenv("TMPDIR", str(d))
    return d


# ----------------------------------------------------------------------- acceptance


def test_corpus_package_accepted(corpus: Path) -> None:
    # a Tacker CSAR directory whose Definitions/ lack the ETSI files (Tacker's test code
    # copies them in): they are served from xfc's catalog, and tosca-parser accepts it
    pkg = corpus / "tacker/samples/tests/etc/samples/etsi/nfv/functional"
    diags = _check(pkg)
    got = [(d.code, d.span.file, d.span.line, d.span.column) for d in _ours(diags)]
    assert got == [("tosca-parser-accepts", f"{pkg}/Definitions/helloworld3_top.vnfd.yaml", 1, 1)]
    note = _ours(diags)[0]
    assert note.severity == Severity.NOTE
    assert note.message == f"{TP} accepts this package"
    assert "etsi_nfv_sol001_vnfd_types.yaml" in note.hint


@pytest.mark.parametrize("how,prefix", [("forge URLs", FORGE + "/"), ("bare names", "")])
def test_self_made_sol001_file_accepted(tmp_path: Path, how: str, prefix: str) -> None:
    path = _write(tmp_path, "vnfd.yaml", VNFD.format(how=how, prefix=prefix))
    # a bare name carries no version: the user chooses one with --profile-path (issue 21
    # item 4), and tosca-parser's child reads the same files
    from compiler.resources import profiles_dir

    opts = {} if prefix else {
        "profile_paths": (str(profiles_dir() / "etsi-nfv-sol001" / "2.6.1"),)}
    diags = _check(path, **opts)
    assert [(d.code, d.span.line, d.span.column) for d in _ours(diags)] == [
        ("tosca-parser-accepts", 1, 1)
    ], diags.render_text()
    assert "etsi_nfv_sol001_common_types.yaml" in _ours(diags)[0].hint
    assert not diags.has_errors, diags.render_text()


def test_without_the_option_nothing_runs(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_1"))
    diags = compiler.check(str(path), Options()).diagnostics
    assert _ours(diags) == []


# ----------------------------------------------------------------------- rejection


def test_version_rejected_at_the_version(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_1"))
    diags = _check(path)
    ours = _ours(diags)
    assert [(d.code, d.severity, d.span.line, d.span.column) for d in ours] == [
        ("tosca-parser-verdict", Severity.WARNING, 1, 28)
    ]
    assert ours[0].message.startswith(
        f'{TP} would reject this package: InvalidTemplateVersion: The template version '
        '"tosca_simple_yaml_1_1" is invalid.'
    )
    assert "Tacker" in ours[0].hint
    assert not diags.has_errors  # xfc itself reads TOSCA 1.1


def test_unknown_field_placed_in_its_template(tmp_path: Path) -> None:
    text = SIMPLE.format(version="tosca_simple_yaml_1_3") + "      colour: red\n"
    text += "    other:\n      type: tosca.nodes.Compute\n      colour: blue\n"
    path = _write(tmp_path, "s.yaml", text)
    diags = _verdict_only(path)
    got = sorted((d.span.line, d.span.column, d.message) for d in _ours(diags))
    assert got == [
        (8, 7, (f'{TP} would reject this package: UnknownFieldError: Node template "server" '
                'contains unknown field "colour". Refer to the definition to verify valid values.')),
        (11, 7, (f'{TP} would reject this package: UnknownFieldError: Node template "other" '
                 'contains unknown field "colour". Refer to the definition to verify valid values.')),
    ]


def test_every_error_is_reported(tmp_path: Path) -> None:
    # tosca-parser collects several errors; each is one warning
    text = """\
tosca_definitions_version: tosca_simple_yaml_1_3
node_types:
  Sized:
    derived_from: tosca.nodes.Root
    properties:
      size:
        type: integer
topology_template:
  node_templates:
    a:
      type: Sized
      properties:
        size: big
    b:
      type: Sized
      properties:
        size: huge
"""
    diags = _verdict_only(_write(tmp_path, "s.yaml", text))
    got = sorted((d.span.line, d.span.column) for d in _ours(diags))
    assert got == [(13, 15), (17, 15)], diags.render_text()
    assert all('"big"' in d.message or '"huge"' in d.message for d in _ours(diags))


def test_crash_reported_as_crash(tmp_path: Path) -> None:
    # a property definition without a type makes tosca-parser 2.15 raise KeyError
    text = """\
tosca_definitions_version: tosca_simple_yaml_1_3
node_types:
  Broken:
    derived_from: tosca.nodes.Root
    properties:
      size:
        default: 1
topology_template:
  node_templates:
    b:
      type: Broken
"""
    diags = _verdict_only(_write(tmp_path, "s.yaml", text))
    crash = [d for d in _ours(diags) if "crashed" in d.message]
    assert len(crash) == 1
    assert crash[0].message.startswith("tosca-parser crashed on this package: KeyError: 'type' (toscaparser/")
    assert (crash[0].span.line, crash[0].span.column) == (1, 1)
    assert "onboarding would fail" in crash[0].hint
    # what it had collected before crashing is reported too, at the property it names
    schema = [d for d in _ours(diags) if "InvalidSchemaError" in d.message]
    assert [(d.span.line, d.span.column) for d in schema] == [(6, 7)]


# ----------------------------------------------------------------------- offline


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        body = b"tosca_definitions_version: tosca_simple_yaml_1_3\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_network_never_touched(tmp_path: Path) -> None:
    # a live server on localhost that would answer: tosca-parser must not reach it
    _Recorder.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/types.yaml"
        text = SIMPLE.format(version="tosca_simple_yaml_1_3").replace(
            "description:", f"imports:\n  - {url}\ndescription:")
        path = _write(tmp_path, "s.yaml", text)
        assert "import-network" in _check(path).codes()  # xfc refuses it itself
        start = time.monotonic()
        diags = _verdict_only(path)
        elapsed = time.monotonic() - start
    finally:
        server.shutdown()
        server.server_close()
    assert _Recorder.hits == []
    assert elapsed < 60
    blocked = [d for d in _ours(diags) if url in d.message]
    assert blocked, diags.render_text()
    d = blocked[0]
    assert d.code == "tosca-parser-verdict"
    assert f'Failed to reach server "{url}"' in d.message
    assert "network access is blocked by xfc" in d.message
    assert "offline" in d.hint
    assert (d.span.line, d.span.column) == (3, 5)  # the import naming the URL


def test_unknown_forge_version_is_not_fetched(tmp_path: Path) -> None:
    url = "https://forge.etsi.org/rep/nfv/SOL001/raw/v9.9.9/etsi_nfv_sol001_common_types.yaml"
    text = SIMPLE.format(version="tosca_simple_yaml_1_3").replace(
        "description:", f"imports:\n  - {url}\ndescription:")
    diags = _verdict_only(_write(tmp_path, "s.yaml", text))
    assert any(url in d.message and "blocked" in d.message for d in _ours(diags)), diags.render_text()


# ----------------------------------------------------------------------- isolation


def test_two_calls_share_nothing(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", SIMPLE.format(version="tosca_simple_yaml_1_1"))
    good = _write(tmp_path, "good.yaml", SIMPLE.format(version="tosca_simple_yaml_1_3"))
    first = _check(bad)
    second = _check(good)
    assert [d.code for d in _ours(first)] == ["tosca-parser-verdict"]
    assert [d.code for d in _ours(second)] == ["tosca-parser-accepts"]


def test_parent_never_imports_tosca_parser(tmp_path: Path) -> None:
    # its globals live only in the child: a fresh interpreter that runs the check has not
    # loaded tosca-parser's parser or its error collector (xfc's own type reader may import
    # the bare package, to find its normative type files)
    import subprocess

    path = _write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_1"))
    prog = ("import sys, compiler; from compiler.pipeline import Options; "
            "r = compiler.check(sys.argv[1], Options(tosca_parser=True)); "
            "print(sorted(r.diagnostics.codes()), "
            "[m for m in ('toscaparser.tosca_template', 'toscaparser.common.exception') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", prog, str(path)], capture_output=True, text=True,
                          timeout=120, cwd=REPO, check=True)
    assert proc.stdout.strip().endswith("[]"), proc.stdout + proc.stderr
    assert "tosca-parser-verdict" in proc.stdout


def test_no_temporary_files_left(tmp_path: Path, private_tmp: Path, corpus: Path) -> None:
    # a CSAR directory is zipped into the child's directory and tosca-parser extracts it
    # (twice) into its TMPDIR; a .csar archive is extracted the same way
    csar_dir = corpus / "tacker/samples/tests/etc/samples/etsi/nfv/functional"
    csar_zip = corpus / "tosca-parser/samples/tests/data/CSAR/csar_hello_world.zip"
    for pkg in (csar_dir, csar_zip):
        before = sorted(os.listdir(private_tmp))
        diags = _check(pkg)
        assert [d.code for d in _ours(diags)] == ["tosca-parser-accepts"], diags.render_text()
        assert sorted(os.listdir(private_tmp)) == before == []


def test_no_temporary_files_left_in_the_system_dir(tmp_path: Path) -> None:
    # the same against the real temporary directory: nothing of ours may remain there
    mine = ("xfc-tosca-parser-",)
    before = {n for n in os.listdir(tempfile.gettempdir()) if n.startswith(mine)}
    _check(_write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_1")))
    after = {n for n in os.listdir(tempfile.gettempdir()) if n.startswith(mine)}
    assert after == before


# ----------------------------------------------------------------------- no verdict


@pytest.mark.timing  # a bound on time: runs alone (tests/support/cpu_lock.py)
def test_timeout(tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat, "TIMEOUT", 1.0)
    monkeypatch.setattr(compat, "_child_argv", lambda: [sys.executable, "-c", "import time; time.sleep(30)"])
    path = _write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_3"))
    start = time.monotonic()
    diags = _check(path)
    assert time.monotonic() - start < 20
    ours = _ours(diags)
    assert [(d.code, d.message) for d in ours] == [
        ("tosca-parser-verdict", "tosca-parser did not finish within 1 s: no verdict")
    ]
    assert os.listdir(private_tmp) == []


def test_not_installed_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = compat.importlib.util.find_spec
    monkeypatch.setattr(compat.importlib.util, "find_spec",
                        lambda name, *a: None if name == "toscaparser" else real(name, *a))
    diags = _check(_write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_3")))
    assert [(d.code, d.message, d.span.line) for d in _ours(diags)] == [
        ("tosca-parser-verdict", "tosca-parser is not installed: the --tosca-parser check was not run", 1)
    ]


def test_not_importable_in_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    boot = ("import sys; sys.modules['toscaparser'] = None; sys.path.insert(0, sys.argv[1]); "
            "from compiler.checks._tp_child import main; raise SystemExit(main())")
    monkeypatch.setattr(compat, "_child_argv", lambda: [sys.executable, "-c", boot, str(REPO)])
    diags = _check(_write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_3")))
    ours = _ours(diags)
    assert [d.code for d in ours] == ["tosca-parser-verdict"]
    assert ours[0].message.startswith("tosca-parser cannot be imported (ModuleNotFoundError: ")
    assert ours[0].message.endswith("the --tosca-parser check was not run")


def test_broken_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prog = "import sys; print('not json'); sys.stderr.write('boom'); sys.exit(3)"
    monkeypatch.setattr(compat, "_child_argv", lambda: [sys.executable, "-c", prog])
    diags = _check(_write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_3")))
    assert [(d.code, d.message) for d in _ours(diags)] == [
        ("tosca-parser-verdict", ("tosca-parser gave no verdict: the tosca-parser process ended "
                                  "with exit status 3: boom"))
    ]


def test_child_protocol(tmp_path: Path) -> None:
    # the child speaks JSON on stdin/stdout and nothing else goes to stdout
    import subprocess

    path = _write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_1"))
    proc = subprocess.run(compat._child_argv(), input=json.dumps({"path": str(path)}),
                          capture_output=True, text=True, timeout=120, check=True)
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert answer["status"] == "rejected"
    assert [e["kind"] for e in answer["errors"]] == ["InvalidTemplateVersion"]
    assert answer["blocked"] == [] and answer["redirected"] == {}


# ----------------------------------------------------------------------- CLI


def test_cli_check_tosca_parser(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.yaml", SIMPLE.format(version="tosca_simple_yaml_1_1"))
    out = io.StringIO()
    code = cli_main(["check", str(path), "--tosca-parser", "--format", "json"], out)
    assert code == 0  # a warning: xfc itself accepts the file
    doc = json.loads(out.getvalue())
    got = [(d["code"], d["severity"]) for d in doc["diagnostics"] if d["code"].startswith("tosca-parser")]
    assert got == [("tosca-parser-verdict", "warning")]
    out = io.StringIO()
    assert cli_main(["check", str(path), "--tosca-parser"], out) == 0
    text = out.getvalue()
    assert f"{path}:1:28: warning[tosca-parser-verdict]: {TP} would reject this package" in text
    # without the flag, no tosca-parser diagnostics
    out = io.StringIO()
    assert cli_main(["check", str(path)], out) == 0
    assert "tosca-parser" not in out.getvalue()


# ----------------------------------------------------------------------- agreement


@pytest.mark.parametrize("rel", [
    "tacker/samples/mgmt_driver/ansible/ansible_vnf_package/Definitions/helloworld3_top.vnfd.yaml",
    "tacker/samples/etsi_getting_started/tosca/sample_vnf_package_csar/Definitions/sample_vnfd_top.yaml",
    "tacker/samples/tests/etc/samples/etsi/nfv/multi_flavour_deployment/Definitions/helloworld3_df_simple.yaml",
])
def test_agrees_with_the_corpus_index(corpus: Path, rel: str) -> None:
    # INDEX.tsv records tosca-parser 2.15 run by hand with the ETSI files supplied
    # locally (parse_B_2.15: ok | validation_error | crash); the check must say the same
    import csv

    with open(corpus / "INDEX.tsv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh, delimiter="\t") if r["path"] == rel)
    # ... "with the ETSI files supplied locally": Tacker's SOL001 2.6.1 (SOURCES.md), which
    # a bare-name import no longer gets from xfc's catalog without being asked (issue 21)
    diags = _verdict_only(corpus / rel, profile_paths=(TACKER_TYPES,))
    ours = _ours(diags)
    if any(d.code == "tosca-parser-accepts" for d in ours):
        got = "ok"
    elif any("crashed" in d.message for d in ours):
        got = "crash"
    else:
        got = "validation_error"
    assert got == row["parse_B_2.15"], diags.render_text()
    first = row["first_error_B"].split(": ", 1)[-1][:60]
    if got != "ok":
        assert any(first in d.message for d in ours), (first, diags.render_text())


# ----------------------------------------------------------------------- staging


def _csar_dir(tmp_path: Path, imports: str = "", artifact: str = "../Files/big.img") -> Path:
    pkg = tmp_path / "pkg"
    _write(pkg, "TOSCA-Metadata/TOSCA.meta",
           "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: xfc tests\n"
           "Entry-Definitions: Definitions/top.yaml\n")
    _write(pkg, "Definitions/top.yaml", f"""\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - types.yaml{imports}
topology_template:
  node_templates:
    server:
      type: tosca.nodes.Compute
      artifacts:
        image: {artifact}
""")
    _write(pkg, "Definitions/types.yaml", "tosca_definitions_version: tosca_simple_yaml_1_3\n")
    big = pkg / "Files" / "big.img"
    big.parent.mkdir(parents=True)
    big.write_bytes(b"\0" * (3 * compat.PLACEHOLDER_BYTES))
    return pkg


def test_csar_directory_checked_as_an_archive(tmp_path: Path, private_tmp: Path) -> None:
    # the directory is zipped (a large artifact as an empty placeholder, which is enough
    # for tosca-parser's existence check) and tosca-parser's CSAR checks run on it
    pkg = _csar_dir(tmp_path)
    assert [d.code for d in _ours(_verdict_only(pkg))] == ["tosca-parser-accepts"]
    missing = _csar_dir(tmp_path / "second", artifact="../Files/other.img")
    diags = _verdict_only(missing)
    assert [(d.span.file, d.span.line, d.span.column, d.message) for d in _ours(diags)] == [
        (f"{missing}/Definitions/top.yaml", 9, 16,
         f'{TP} would reject this package: ValueError: The resource "../Files/other.img" does not exist.')
    ]
    assert os.listdir(private_tmp) == []


def test_messages_name_the_users_files(tmp_path: Path) -> None:
    # tosca-parser names the files it extracted to its temporary directory; the report
    # names the package's own
    pkg = _csar_dir(tmp_path, imports="\n  - Definitions/nope.yaml")
    diags = _verdict_only(pkg)
    text = " ".join(d.message for d in _ours(diags))
    assert f"{pkg}/Definitions/nope.yaml" in text, text
    assert "xfc-tosca-parser-" not in text
