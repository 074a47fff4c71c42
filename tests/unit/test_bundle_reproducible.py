"""Bundles are reproducible: same input, same bytes; archives carry no time, owner or order."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

from compiler.bundlers import targz_bytes, zip_bytes
from compiler.cli import main


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_two_runs_are_byte_identical(tmp_path, capsys):
    args = ["samples/sol001-v4-container-vnf/vnfd.yaml", "-f", "helm", "-f", "kustomize",
            "-f", "csar", "--target", "onap", "-q"]
    assert main(["bundle", *args, "-o", str(tmp_path / "a")]) == 0
    assert main(["bundle", *args, "-o", str(tmp_path / "b")]) == 0
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a and a == b
    assert "cims-vnfd.csar" in a


def test_archive_entries_are_sorted_and_fixed():
    files = {"b/z.txt": b"z", "a.txt": b"a", "b/a.txt": b"ba"}
    blob = zip_bytes(files)
    assert blob == zip_bytes(dict(reversed(list(files.items()))))
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == ["a.txt", "b/a.txt", "b/z.txt"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}

    tgz = targz_bytes(files)
    assert tgz == targz_bytes(dict(reversed(list(files.items()))))
    assert tgz[4:8] == b"\0\0\0\0"  # gzip MTIME field is zero
    assert not tgz[3] & 0x08  # no FNAME in the gzip header
    with tarfile.open(fileobj=io.BytesIO(tgz)) as tf:
        members = tf.getmembers()
    assert [m.name for m in members] == ["a.txt", "b", "b/a.txt", "b/z.txt"]
    for m in members:
        assert (m.mtime, m.uid, m.gid, m.uname, m.gname) == (0, 0, 0, "", "")
        assert m.mode == (0o755 if m.isdir() else 0o644)
    assert gzip.decompress(tgz)


def test_cli_usage_errors(tmp_path, capsys):
    assert main(["bundle", "samples/5g-core-slice/slice.yaml", "-f", "nope", "-o",
                 str(tmp_path)]) == 2
    assert "unknown --format 'nope'" in capsys.readouterr().err
    assert main(["bundle", "samples/5g-core-slice/slice.yaml", "-f", "csar", "--target", "onap",
                 "--target", "tacker", "-o", str(tmp_path)]) == 2
    assert main(["bundle", "samples/5g-core-slice/slice.yaml", "-f", "csar", "--sign-key",
                 "k.pem", "-o", str(tmp_path)]) == 2
    assert main(["bundle", "samples/5g-core-slice/slice.yaml", "-f", "csar", "--release-date",
                 "yesterday", "-o", str(tmp_path)]) == 2
    assert not any(tmp_path.iterdir())


def test_descriptor_errors_write_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template: [\n")
    out = tmp_path / "out"
    assert main(["bundle", str(bad), "-f", "helm", "-o", str(out)]) == 1
    assert "bad.yaml:" in capsys.readouterr().out
    assert not out.exists()


def test_help_examples_work(tmp_path, capsys):
    assert main(["bundle", "--help"]) == 0
    text = capsys.readouterr().out.replace("\\\n", " ")
    # the signing example needs a key pair: tests/unit/test_examples.py runs it with one
    examples = [line.split()[2:] for line in text.splitlines()
                if line.strip().startswith("xfc bundle samples/") and "--sign-key" not in line]
    assert len(examples) >= 4
    for i, argv in enumerate(examples):
        argv = [str(tmp_path / str(i)) if a == "out/" else a for a in argv]
        assert main(["bundle", *argv, "-q"]) == 0, argv


def test_a_third_party_bundler_gets_the_protocol_call(tmp_path, monkeypatch, capsys):
    """The protocol is bundle(unit, files, diags): only the built-ins take settings."""
    from compiler.model import OutputFile

    calls = []

    class Tiny:
        name = "tiny"
        description = "one file"

        def bundle(self, unit, files, diags):
            calls.append(len(files))
            return [OutputFile(path="tiny.txt", content=b"tiny\n", producer="tiny")]

    from compiler import plugins

    real_names, real_bundler = plugins.names, plugins.bundler
    monkeypatch.setattr(plugins, "names",
                        lambda kind: real_names(kind) + (["tiny"] if kind == "bundler" else []))
    monkeypatch.setattr(plugins, "bundler",
                        lambda name: Tiny() if name == "tiny" else real_bundler(name))
    assert main(["bundle", "samples/5g-core-slice/slice.yaml", "-f", "tiny", "-o",
                 str(tmp_path), "-q"]) == 0
    assert calls and (tmp_path / "tiny.txt").read_bytes() == b"tiny\n"


def test_signed_bundles_are_reproducible_with_rsa(tmp_path, capsys):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "xfc rsa signer")])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(7).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=365)).sign(key, hashes.SHA256()))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    args = ["samples/5g-core-slice/slice.yaml", "-f", "csar", "-f", "osm", "-f", "onap-helm",
            "--sign-key", str(tmp_path / "key.pem"), "--sign-cert", str(tmp_path / "cert.pem"),
            "-q"]
    assert main(["bundle", *args, "-o", str(tmp_path / "a")]) == 0
    assert main(["bundle", *args, "-o", str(tmp_path / "b")]) == 0
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    # .xfc-manifest: what xfc owns in the output directory (compiler/output.py)
    assert sorted(a) == [".xfc-manifest", "5g-core-slice-helm.zip", "5g-core-slice.csar",
                         "5g-core-slice_knf.tar.gz"]
    assert a == b
