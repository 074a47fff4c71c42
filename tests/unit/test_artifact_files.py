"""Artifact files of a package (issue 21 item 3, issue 22 item 4): every file a descriptor
of a CSAR names is in it, or an error at its declaration (a warning under
--allow-missing-artifacts); image references are not looked for; an absolute path or one
that leaves the package is an error; one cause, one diagnostic."""

from __future__ import annotations

import zipfile
from pathlib import Path

from compiler import check
from compiler.diagnostics import Severity
from compiler.loader.artifacts import is_image_reference

META = ("TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: t\n"
        "Entry-Definitions: Definitions/main.yaml\n")
HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"


def _pkg(tmp_path: Path, main: str, files: dict[str, str] | None = None,
         meta_extra: str = "") -> Path:
    pkg = tmp_path / "pkg"
    (pkg / "TOSCA-Metadata").mkdir(parents=True)
    (pkg / "TOSCA-Metadata" / "TOSCA.meta").write_text(META + meta_extra)
    (pkg / "Definitions").mkdir()
    (pkg / "Definitions" / "main.yaml").write_text(HEAD + main)
    for name, text in (files or {}).items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(text)
    return pkg


def _found(pkg: Path, allow: bool = False) -> list[tuple[str, str, int, int]]:
    unit = check(str(pkg), allow_missing_artifacts=allow)
    return [(d.code, d.severity.name, d.span.line, d.span.column) for d in unit.diagnostics
            if d.code.startswith(("artifact-", "csar-entry")) and d.severity >= Severity.WARNING]


NODE = """\
topology_template:
  node_templates:
    vdu:
      type: tosca.nodes.Compute
      artifacts:
        disk:
          type: tosca.artifacts.Deployment.Image.VM
          file: {file}
"""


def test_missing_image_is_an_error_at_its_declaration(tmp_path):
    pkg = _pkg(tmp_path, NODE.format(file="../Artifacts/images/ubuntu_16.04"))
    assert _found(pkg) == [("artifact-missing", "ERROR", 9, 17)]
    msg = next(d.message for d in check(str(pkg)).diagnostics if d.code == "artifact-missing")
    assert "'disk'" in msg and "'vdu'" in msg and "ubuntu_16.04" in msg


def test_missing_binary_is_a_warning_with_the_flag(tmp_path):
    pkg = _pkg(tmp_path, NODE.format(file="../Artifacts/images/ubuntu_16.04"))
    assert _found(pkg, allow=True) == [("artifact-missing", "WARNING", 9, 17)]
    assert check(str(pkg), allow_missing_artifacts=True).ok


def test_missing_yaml_artifact_stays_an_error_with_the_flag(tmp_path):
    # xfc reads YAML artifacts itself: a missing one is not a binary kept elsewhere
    pkg = _pkg(tmp_path, NODE.format(file="../Files/kubernetes/deployment.yaml"))
    assert _found(pkg, allow=True) == [("artifact-missing", "ERROR", 9, 17)]


def test_present_file_relative_to_the_file_or_the_root(tmp_path):
    pkg = _pkg(tmp_path, NODE.format(file="../Artifacts/images/disk.qcow2"),
               {"Artifacts/images/disk.qcow2": "x"})
    assert _found(pkg) == []
    pkg2 = _pkg(tmp_path / "b", NODE.format(file="Artifacts/images/disk.qcow2"),
                {"Artifacts/images/disk.qcow2": "x"})
    assert _found(pkg2) == []


def test_image_references_are_not_looked_for(tmp_path):
    for ref in ("docker.io/acme/app:v1.0", "nginx:1.25",
                "registry.example.com:5000/team/app:2024.1",
                "quay.io/acme/app@sha256:" + "a" * 64):
        assert is_image_reference(ref), ref
        pkg = _pkg(tmp_path / ref.replace("/", "_").replace(":", "_"), NODE.format(file=ref))
        assert _found(pkg) == [], ref
    for path in ("Files/images/ubuntu_16.04", "../Artifacts/disk.img", "cirros"):
        assert not is_image_reference(path), path


def test_helm_chart_folder_and_archive(tmp_path):
    main = """\
topology_template:
  node_templates:
    vdu:
      type: tosca.nodes.SoftwareComponent
      artifacts:
        chart: { type: tosca.artifacts.Deployment, file: ../Files/charts/web }
        packed: { type: tosca.artifacts.Deployment, file: ../Files/charts/db-1.0.tgz }
"""
    pkg = _pkg(tmp_path, main, {"Files/charts/web/Chart.yaml": "name: web\n"})
    assert _found(pkg) == [("artifact-missing", "ERROR", 8, 59)]


def test_scripts_named_by_operations(tmp_path):
    main = """\
topology_template:
  node_templates:
    app:
      type: tosca.nodes.SoftwareComponent
      artifacts:
        driver: { type: tosca.artifacts.Implementation.Python, file: ../Scripts/driver.py }
      interfaces:
        Standard:
          create: ../Scripts/create.sh
          configure:
            implementation:
              primary: ../Scripts/configure.sh
              dependencies: [ ../Scripts/lib.sh ]
          start: driver
"""
    pkg = _pkg(tmp_path, main, {"Scripts/driver.py": "", "Scripts/create.sh": ""})
    assert _found(pkg) == [("artifact-missing", "ERROR", 13, 24),
                           ("artifact-missing", "ERROR", 14, 31)]


def test_absolute_and_escaping_paths_are_errors_even_when_the_file_exists(tmp_path):
    outside = tmp_path / "outside.sh"
    outside.write_text("#!/bin/sh\n")
    main = """\
topology_template:
  node_templates:
    app:
      type: tosca.nodes.SoftwareComponent
      artifacts:
        a: { type: tosca.artifacts.Implementation.Bash, file: /etc/passwd }
        b: { type: tosca.artifacts.Implementation.Bash, file: ../../outside.sh }
"""
    pkg = _pkg(tmp_path, main)
    assert _found(pkg) == [("artifact-outside-package", "ERROR", 7, 63),
                           ("artifact-outside-package", "ERROR", 8, 63)]
    msgs = [d.message for d in check(str(pkg)).diagnostics
            if d.code == "artifact-outside-package"]
    assert "absolute path" in msgs[0] and "outside the package" in msgs[1]


def test_zip_package_is_checked_too(tmp_path):
    pkg = _pkg(tmp_path, NODE.format(file="../Artifacts/images/ubuntu_16.04"))
    zpath = tmp_path / "pkg.csar"
    with zipfile.ZipFile(zpath, "w") as z:
        for f in sorted(pkg.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(pkg).as_posix())
    assert _found(zpath) == [("artifact-missing", "ERROR", 9, 17)]


def test_a_file_listed_in_tosca_meta_is_reported_once(tmp_path):
    pkg = _pkg(tmp_path, NODE.format(file="../Artifacts/images/ubuntu_16.04"),
               meta_extra="\nName: Artifacts/images/ubuntu_16.04\nContent-Type: application/x-iso9660-image\n")
    found = _found(pkg)
    assert [c for c, *_ in found] == ["csar-entry-missing"]


def test_lone_descriptor_is_not_a_package(tmp_path):
    f = tmp_path / "lone.yaml"
    f.write_text(HEAD + NODE.format(file="images/ubuntu_16.04"))
    assert [d.code for d in check(str(f)).diagnostics if d.code.startswith("artifact-")] == []
