"""compiler.loader: imports, the profile catalog, package roots, one parse per file."""

from pathlib import Path

import pytest

from compiler.diagnostics import Diagnostics
from compiler.loader import load
from compiler.loader import catalog
from compiler.pipeline import Options


def write(root: Path, name: str, text: str) -> Path:
    p = root / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"


def run(path, **opts):
    d = Diagnostics()
    pkg = load(str(path), Options(**opts), d)
    return pkg, d


def test_relative_imports_resolve_against_the_importing_file(tmp_path):
    write(tmp_path, "Definitions/types/b.yaml", HEAD + "imports: [../c.yaml]\n")
    write(tmp_path, "Definitions/c.yaml", HEAD)
    main = write(tmp_path, "Definitions/main.yaml", HEAD + "imports:\n  - types/b.yaml\n  - c.yaml\n")
    pkg, d = run(main)
    assert not d.has_errors, d.render_text()
    assert [f.name for f in pkg.files] == ["main.yaml", "types/b.yaml", "c.yaml"]


def test_each_file_is_parsed_once_even_when_imported_twice(tmp_path):
    write(tmp_path, "common.yaml", HEAD)
    write(tmp_path, "a.yaml", HEAD + "imports: [common.yaml]\n")
    main = write(tmp_path, "main.yaml", HEAD + "imports: [a.yaml, common.yaml, ./common.yaml]\n")
    pkg, d = run(main)
    assert [f.name for f in pkg.files] == ["main.yaml", "a.yaml", "common.yaml"]


def test_namespace_prefix_is_recorded(tmp_path):
    write(tmp_path, "t.yaml", HEAD)
    main = write(tmp_path, "main.yaml", HEAD + "imports:\n  - file: t.yaml\n    namespace_prefix: ext\n")
    pkg, d = run(main)
    assert pkg.files[1].prefix == "ext"


def test_tosca_1_0_named_import_form(tmp_path):
    write(tmp_path, "t.yaml", HEAD)
    main = write(tmp_path, "main.yaml", HEAD + "imports:\n  - my_types: t.yaml\n")
    pkg, d = run(main)
    assert not d.has_errors and pkg.files[1].name == "t.yaml"


@pytest.mark.parametrize(
    "ref,version",
    [
        ("https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml", "2.6.1"),
        ("https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_vnfd_types.yaml", "4.4.1"),
        ("https://forge.etsi.org/rep/nfv/SOL001/-/raw/v3.3.1/etsi_nfv_sol001_nsd_types.yaml", "3.3.1"),
        # a bare name: the version a sibling forge-URL import declares (issue 21 item 4)
        ("https://forge.etsi.org/rep/nfv/SOL001/raw/v3.3.1/etsi_nfv_sol001_common_types.yaml"
         "\n  - etsi_nfv_sol001_vnfd_types.yaml", "3.3.1"),
    ],
)
def test_catalog_resolves_sol001_by_url_and_bare_name(tmp_path, ref, version):
    main = write(tmp_path, "main.yaml", HEAD + f"imports:\n  - {ref}\n")
    pkg, d = run(main)
    assert not d.has_errors, d.render_text()
    names = [f.display for f in pkg.files]
    assert any(f"etsi-nfv-sol001/{version}/" in n for n in names), names
    assert all(f.from_catalog for f in pkg.files[1:])


def test_catalog_resolves_the_xfactor_profile(tmp_path):
    main = write(tmp_path, "main.yaml", HEAD + "imports: [xfactor/1.0/profile.yaml]\n")
    pkg, d = run(main)
    assert not d.has_errors, d.render_text()
    assert pkg.files[1].display.endswith("xfactor/1.0/profile.yaml")


def test_a_file_in_the_package_wins_over_the_catalog(tmp_path):
    write(tmp_path, "etsi_nfv_sol001_common_types.yaml", HEAD + "description: mine\n")
    main = write(tmp_path, "main.yaml", HEAD + "imports: [etsi_nfv_sol001_common_types.yaml]\n")
    pkg, d = run(main)
    assert pkg.files[1].data["description"] == "mine" and not pkg.files[1].from_catalog


def test_profile_path_and_environment(tmp_path, monkeypatch):
    extra = tmp_path / "profiles"
    write(extra, "vendor/types.yaml", HEAD)
    pkgdir = tmp_path / "pkg"
    main = write(pkgdir, "main.yaml", HEAD + "imports: [vendor/types.yaml]\n")
    pkg, d = run(main)
    assert d.codes() == ["import-unresolved"]
    assert "XFC_PROFILE_PATH" in d.errors()[0].hint
    pkg, d = run(main, profile_paths=(str(extra),))
    assert not d.has_errors
    monkeypatch.setenv("XFC_PROFILE_PATH", str(extra))
    pkg, d = run(main)
    assert not d.has_errors


def test_unresolved_import_says_where_it_looked(tmp_path):
    main = write(tmp_path, "main.yaml", HEAD + "imports:\n  - nowhere.yaml\n")
    _, d = run(main)
    (diag,) = d.errors()
    assert diag.code == "import-unresolved" and (diag.span.line, diag.span.column) == (3, 5)
    assert "nowhere.yaml" in diag.message and "xfc catalog" in diag.message


def test_imports_never_leave_the_root_or_touch_the_network(tmp_path, monkeypatch):
    import socket

    def no_network(*a, **k):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    main = write(tmp_path, "main.yaml",
                 HEAD + "imports:\n  - ../../etc/passwd\n  - /etc/passwd\n  - http://example.com/x.yaml\n")
    _, d = run(main)
    assert sorted(d.codes()) == ["import-network", "import-outside-root", "import-outside-root"]


def test_diagnostic_in_imported_file_carries_the_import_chain(tmp_path):
    write(tmp_path, "b.yaml", HEAD + "x: 1\nx: 2\n")
    write(tmp_path, "a.yaml", HEAD + "imports: [b.yaml]\n")
    main = write(tmp_path, "main.yaml", HEAD + "imports: [a.yaml]\n")
    _, d = run(main)
    (diag,) = d.errors()
    assert diag.code == "yaml-duplicate-key"
    assert [s.line for s in diag.chain] == [2, 2]
    assert "imported from" in d.render_text()


def test_root_widens_a_lone_descriptor_package(tmp_path):
    write(tmp_path, "custom_types/t.yaml", HEAD)
    main = write(tmp_path, "tests/main.yaml", HEAD + "imports: [../custom_types/t.yaml]\n")
    # confined to its own directory, the import leaves the root; the hint names the
    # --root that would admit it
    _, d = run(main, root=str(tmp_path / "tests"))
    assert d.codes() == ["import-outside-root"]
    (diag,) = d.errors()
    assert f"--root {tmp_path.resolve()}" in diag.hint
    pkg, d = run(main, root=str(tmp_path))
    assert not d.has_errors, d.render_text()
    assert [f.name for f in pkg.files] == ["tests/main.yaml", "custom_types/t.yaml"]
    _, d = run(main, root=str(tmp_path / "custom_types"))
    assert d.codes() == ["input-not-found"]


def test_same_file_under_two_prefixes_is_listed_twice_and_parsed_once(tmp_path, monkeypatch):
    import compiler.loader as loader_mod

    write(tmp_path, "t.yaml", HEAD)
    main = write(tmp_path, "main.yaml", HEAD + "imports:\n"
                 "  - {file: t.yaml, namespace_prefix: one}\n"
                 "  - {file: t.yaml, namespace_prefix: two}\n"
                 "  - {file: t.yaml, namespace_prefix: one}\n")
    calls = []
    real = loader_mod.load_yaml
    monkeypatch.setattr(loader_mod, "load_yaml", lambda text, f, *a, **kw: calls.append(f) or real(text, f, *a, **kw))
    pkg, d = run(main)
    assert not d.has_errors
    assert [(f.name, f.prefix) for f in pkg.files] == [("main.yaml", ""), ("t.yaml", "one"), ("t.yaml", "two")]
    assert pkg.files[1].data is pkg.files[2].data
    assert sorted(calls) == sorted([str(main), str(tmp_path / "t.yaml")])


def test_ancestor_relative_import_is_a_named_quirk(tmp_path):
    write(tmp_path, "custom_types/base.yaml", HEAD)
    write(tmp_path, "custom_types/nested.yaml", HEAD + "imports:\n  - custom_types/base.yaml\n")
    main = write(tmp_path, "main.yaml", HEAD + "imports: [custom_types/nested.yaml]\n")
    pkg, d = run(main)
    assert [f.name for f in pkg.files] == ["main.yaml", "custom_types/nested.yaml", "custom_types/base.yaml"]
    (note,) = [x for x in d if x.code == "tosca-quirk"]
    assert "import.ancestor-relative" in note.message and note.span.line == 3
    _, d = run(main, quirks=("all", "-import.ancestor-relative"))
    assert d.codes() == ["import-unresolved"]


@pytest.mark.parametrize("ref", ["x" * 300 + ".yaml", "d/" * 3000 + "x.yaml", "a\x01b.yaml"])
def test_an_import_name_the_os_cannot_look_up_is_unresolved_not_a_crash(tmp_path, ref):
    # fuzzer finding: a 300-character import name made Path.is_file() raise ENAMETOOLONG
    main = write(tmp_path, "main.yaml", HEAD + f"imports:\n  - {ref!r}\n".replace("'", '"'))
    pkg, d = run(main)
    assert [(x.code, x.span.line, x.span.column) for x in d] == [("import-unresolved", 3, 5)]


@pytest.mark.parametrize("text", ["", "# nothing\n", "~\n", "---\n...\n"])
def test_an_empty_file_is_an_empty_mapping_not_silently_dropped(tmp_path, text):
    # fuzzer finding: an empty entry made load() return None with no diagnostic, so
    # `xfc compile` said "ok" and wrote an empty output directory
    write(tmp_path, "empty.yaml", text)
    pkg, d = run(tmp_path / "empty.yaml")
    assert not d.has_errors
    assert [dict(f.data) for f in pkg.files] == [{}]
    assert (pkg.files[0].data.span.line, pkg.files[0].data.span.column) == (1, 1)
    main = write(tmp_path, "main.yaml", HEAD + "imports: [empty.yaml]\n")
    pkg, d = run(main)
    assert [f.name for f in pkg.files] == ["main.yaml", "empty.yaml"]


def test_dirfs_names_walks_only_the_folder_asked_for(tmp_path, monkeypatch):
    from compiler.loader.fs import DirFS

    write(tmp_path, "Files/kubernetes/a.yaml", "kind: Pod\n")
    write(tmp_path, "Definitions/main.yaml", HEAD)
    write(tmp_path, "big/tree/x.txt", "x")
    fs = DirFS(tmp_path)
    assert fs.names() == ["Definitions/main.yaml", "Files/kubernetes/a.yaml", "big/tree/x.txt"]
    walked = []
    real_scandir = __import__("os").scandir
    monkeypatch.setattr("compiler.loader.fs.os.scandir",
                        lambda top: walked.append(top) or real_scandir(top))
    assert fs.names("Files/kubernetes/") == ["Files/kubernetes/a.yaml"]
    assert walked == [str(tmp_path.resolve() / "Files/kubernetes")]
    assert fs.names("nope/") == [] and fs.names("../") == []


def test_dirfs_names_skips_entries_it_cannot_examine(tmp_path, monkeypatch):
    # fuzzing the CLI: `xfc compile x.yaml --root /` hit PermissionError on /proc/1/cwd
    # while listing the package and exited 3
    from compiler.loader.fs import DirFS

    write(tmp_path, "a.yaml", HEAD)
    write(tmp_path, "locked.yaml", HEAD)
    real_scandir = __import__("os").scandir

    class Locked:  # an entry whose type cannot be examined (the listing uses os.scandir)
        def __init__(self, entry):
            self.entry, self.path, self.name = entry, entry.path, entry.name

        def _refuse(self, *a, **kw):
            raise PermissionError(13, "Permission denied", self.path)

        is_dir = is_file = is_symlink = _refuse

    class Listing:
        def __init__(self, top):
            self.it = real_scandir(top)

        def __enter__(self):
            return (Locked(e) if e.name == "locked.yaml" else e for e in self.it.__enter__())

        def __exit__(self, *exc):
            return self.it.__exit__(*exc)

    monkeypatch.setattr("compiler.loader.fs.os.scandir", Listing)
    assert DirFS(tmp_path).names() == ["a.yaml"]


def test_lone_descriptor_imports_resolve_anywhere_without_a_root(tmp_path):
    # heat-translator's and tosca-parser's test data layout: ../nfv/defs.yaml
    write(tmp_path, "nfv/defs.yaml", HEAD + "imports: [more/types.yaml]\n")
    write(tmp_path, "nfv/more/types.yaml", HEAD)
    main = write(tmp_path, "tests/main.yaml", HEAD + "imports: [../nfv/defs.yaml]\n")
    pkg, d = run(main)
    assert not d.has_errors, d.render_text()
    assert [f.name for f in pkg.files] == [
        "main.yaml", "../nfv/defs.yaml", "../nfv/more/types.yaml"]
    assert pkg.files[1].display == str(tmp_path / "nfv" / "defs.yaml")
    # a missing one says where it looked
    main.write_text(HEAD + "imports: [../nfv/nothing.yaml]\n")
    _, d = run(main)
    (diag,) = d.errors()
    assert diag.code == "import-unresolved"
    assert str(tmp_path / "nfv" / "nothing.yaml") in diag.message


def test_lone_descriptor_reads_only_yaml_outside_its_directory(tmp_path):
    (tmp_path / "secret.txt").write_text("a: 1\n")
    main = write(tmp_path, "tests/main.yaml", HEAD + "imports: [../secret.txt]\n")
    _, d = run(main)
    (diag,) = d.errors()
    assert diag.code == "import-outside-root" and ".yaml/.yml" in diag.hint


def test_csar_imports_stay_inside_the_package(tmp_path):
    write(tmp_path, "outside.yaml", HEAD)
    pkg = tmp_path / "pkg"
    write(pkg, "TOSCA-Metadata/TOSCA.meta",
          "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: t\n"
          "Entry-Definitions: Definitions/main.yaml\n")
    write(pkg, "Definitions/main.yaml", HEAD + "imports: [../../outside.yaml]\n")
    _, d = run(pkg)
    (diag,) = d.errors()
    assert diag.code == "import-outside-root" and "CSAR" in diag.hint


def test_xfc_root_environment_confines_a_lone_descriptor(tmp_path, monkeypatch):
    import io

    from compiler import cli

    write(tmp_path, "nfv/defs.yaml", HEAD)
    main = write(tmp_path, "tests/main.yaml", HEAD + "imports: [../nfv/defs.yaml]\n")
    out = io.StringIO()
    assert cli.main(["check", str(main)], out=out) == 0, out.getvalue()
    monkeypatch.setenv("XFC_ROOT", str(tmp_path / "tests"))
    out = io.StringIO()
    assert cli.main(["check", str(main)], out=out) == 1
    assert "import-outside-root" in out.getvalue()
    assert f"--root {tmp_path.resolve()}" in out.getvalue()


def test_xfc_root_that_is_not_a_directory_is_a_usage_error(tmp_path, monkeypatch, capsys):
    import io

    from compiler import cli

    main = write(tmp_path, "main.yaml", HEAD)
    monkeypatch.setenv("XFC_ROOT", str(tmp_path / "nowhere"))
    out = io.StringIO()
    assert cli.main(["check", str(main)], out=out) == 2
    assert "XFC_ROOT" in out.getvalue() + capsys.readouterr().err
