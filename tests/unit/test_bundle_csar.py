"""The SOL004 CSAR bundler: layout, hashes (checked with hashlib), signature, xfc check."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
import zipfile

import pytest
import yaml

import compiler
from compiler.bundlers import BundleError, Settings
from compiler.pipeline import Options
from tests.support.samples import is_tosca2
from tests.unit.bundle_support import FIXTURES, NS_SAMPLES, REPO, SAMPLES, bundle, bundle_input

TACKER = {"params": {"vnf_instance_id": "3f2a-77"}, "targets": ("tacker",)}


def _csar(tmp_path, sample, target=None, namespace=None, **settings):
    opts = dict(TACKER) if target == "tacker" else {}
    if namespace:
        opts["namespace"] = namespace
    unit, files = bundle(sample, "csar", tmp_path, Settings(target=target, **settings), **opts)
    (path,) = [tmp_path / f.path for f in files if f.path.endswith(".csar")]
    with zipfile.ZipFile(path) as zf:
        content = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    return unit, path, content


def _meta(content) -> dict[str, str]:
    block0 = content["TOSCA-Metadata/TOSCA.meta"].decode().split("\n\n")[0]
    return dict(line.split(": ", 1) for line in block0.splitlines())


def _manifest(content, meta) -> tuple[dict[str, str], dict[str, str], str]:
    """(metadata keys, Source -> sha256 as listed, the text)."""
    text = content[meta["ETSI-Entry-Manifest"]].decode()
    head, _, rest = text.partition("\n\n")
    assert head.splitlines()[0] == "metadata:"
    keys = dict(line.strip().split(": ", 1) for line in head.splitlines()[1:])
    listed = {}
    for m in re.finditer(r"^Source: (.+)\nAlgorithm: (.+)\nHash: (.+)$", rest, re.M):
        assert m[2] == "SHA-256"
        listed[m[1]] = m[3]
    return keys, listed, text


# a TOSCA 2.0 sample is not bundled for Tacker, which reads TOSCA 1.x only (xfc refuses
# it: test_tosca2_kubernetes.py)
LAYOUT_CASES = [(s, t) for s in SAMPLES for t in (None, "onap", "tacker")
                if not (t == "tacker" and is_tosca2(REPO / s))]


@pytest.mark.parametrize("sample,target", LAYOUT_CASES)
def test_layout_hashes_and_xfc_check(tmp_path, sample, target):
    unit, path, content = _csar(tmp_path, sample, target)
    meta = _meta(content)
    # the block-0 keys that make SDC take the package as SOL004, spelled as SDC compares
    assert list(meta)[:7] == ["TOSCA-Meta-File-Version", "CSAR-Version", "Created-By",
                              "Entry-Definitions", "ETSI-Entry-Manifest",
                              "ETSI-Entry-Change-Log", "ETSI-Entry-Licenses"]
    assert meta["TOSCA-Meta-File-Version"] == "1.0" and meta["CSAR-Version"] == "1.1"
    entry = meta["Entry-Definitions"]
    assert entry.startswith("Definitions/") and entry in content
    # the manifest is named after the entry definitions
    assert meta["ETSI-Entry-Manifest"] == entry.rsplit("/", 1)[1].rsplit(".", 1)[0] + ".mf"
    assert meta["ETSI-Entry-Change-Log"] in content
    assert any(n.startswith(meta["ETSI-Entry-Licenses"] + "/") for n in content)
    keys, listed, text = _manifest(content, meta)
    # every file but the manifest is listed, and every hash is right (independent check)
    assert set(listed) == set(content) - {meta["ETSI-Entry-Manifest"]}
    for name, digest in listed.items():
        assert hashlib.sha256(content[name]).hexdigest() == digest, name
    # SDC counts the metadata keys: 4, or 8 from compatible_specification_versions 2.7.1 on
    four = ["vnf_provider_id", "vnf_product_name", "vnf_release_date_time", "vnf_package_version"]
    spec = keys.get("compatible_specification_versions")
    if sample in NS_SAMPLES:  # an NS package: SOL007's five NS keys, no VNF key
        assert list(keys) == ["nsd_designer", "nsd_invariant_id", "nsd_name",
                              "nsd_release_date_time", "nsd_file_structure_version"]
    elif spec is not None and tuple(map(int, spec.split("."))) >= (2, 7, 1):
        assert list(keys) == four + ["vnfd_id", "vnf_software_version",
                                     "compatible_specification_versions", "vnfm_info"]
    else:
        assert list(keys) == four
    # the descriptor's imports travel with it
    assert any(n.endswith("xfactor/1.0/profile.yaml") for n in content)
    # the repo's own loader reads the CSAR clean, and so does tosca-parser
    for extra in ({}, {"tosca_parser": True}):
        again = compiler.check(str(path), **extra)
        assert again.ok, again.diagnostics.render_text()


def test_onap_chart_is_the_one_onap_cnf_helm_artifact(tmp_path):
    unit, path, content = _csar(tmp_path, "samples/5g-core-slice/slice.yaml", "onap")
    keys, listed, text = _manifest(content, _meta(content))
    assert keys["compatible_specification_versions"] == "2.7.1"  # SDC's CNF route
    sets = text.split("non_mano_artifact_sets:\n", 1)[1]
    assert re.findall(r"^    (\w+):$", sets, re.M) == ["onap_cnf_helm"]
    (chart,) = re.findall(r"^        Source: (.+)$", sets, re.M)
    assert chart in listed and chart.endswith(".tgz")
    with tarfile.open(fileobj=io.BytesIO(content[chart])) as tf:
        names = tf.getnames()
        assert {n.split("/")[0] for n in names} == {"5g-core-slice"}
        chart_yaml = yaml.safe_load(tf.extractfile("5g-core-slice/Chart.yaml"))
    assert chart_yaml["apiVersion"] == "v2"
    assert "5g-core-slice/values.schema.json" in names


def test_tacker_files_request_and_vdu_names(tmp_path):
    unit, path, content = _csar(tmp_path, "samples/sol001-v4-container-vnf/vnfd.yaml", "tacker")
    meta_text = content["TOSCA-Metadata/TOSCA.meta"].decode()
    blocks = meta_text.split("\n\n")[1:]
    named = {}
    for b in blocks:
        fields = dict(line.split(": ", 1) for line in b.strip().splitlines())
        assert fields["Algorithm"] == "SHA-256"
        named[fields["Name"]] = fields["Hash"]
    k8s = sorted(n for n in content if n.startswith("Files/kubernetes/"))
    assert k8s and sorted(named) == k8s
    for name in k8s:
        assert hashlib.sha256(content[name]).hexdigest() == named[name]
    request = json.loads((tmp_path / "cims-vnfd-instantiate.json").read_text())
    assert request["additionalParams"]["lcm-kubernetes-def-files"] == k8s
    # Tacker matches each VDU's properties.name to its object's metadata.name
    vdus = {n.properties["name"] for n in unit.topology.nodes.values()
            if "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit" in n.types}
    workloads = set()
    for name in k8s:
        doc = yaml.safe_load(content[name])
        if doc["kind"] in ("Deployment", "StatefulSet"):
            workloads.add(doc["metadata"]["name"])
    assert workloads == vdus


def test_tacker_refuses_an_object_not_named_as_its_vdu(tmp_path):
    src = (FIXTURES / "two-flavours")
    pkg = tmp_path / "pkg"
    shutil.copytree(src, pkg)
    df = pkg / "df_small.yaml"
    df.write_text(df.read_text().replace("mcio_identification_data: { name: web,",
                                         "mcio_identification_data: { name: web-front,"))
    unit = compiler.compile(str(pkg / "top.yaml"), Options(**TACKER))
    assert unit.ok, unit.diagnostics.render_text()
    from compiler.bundlers.csar import build_csar

    # the MCIO name, not the VDU's properties.name, names the Deployment
    assert "kubernetes/deployment-web-front.yaml" in {f.path for f in unit.outputs}
    with pytest.raises(BundleError, match="not named as its VDU"):
        build_csar(bundle_input(unit, Settings(target="tacker")))


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "xfc test signer")])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    d = tmp_path_factory.mktemp("signer")
    (d / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                  serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    (d / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return d


def test_signed_manifest_verifies(tmp_path, signer):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs7

    key, cert = (signer / "key.pem").read_bytes(), (signer / "cert.pem").read_bytes()
    unit, path, content = _csar(tmp_path, "samples/sol001-firewall-chain", "onap",
                                sign_key=key, sign_cert=cert)
    meta = _meta(content)
    assert content[meta["ETSI-Entry-Certificate"]] == cert
    text = content[meta["ETSI-Entry-Manifest"]]
    signed, sep, block = text.partition(b"\n-----BEGIN CMS-----\n")
    assert sep and block.endswith(b"-----END CMS-----\n")
    import base64

    der = base64.b64decode(block.split(b"-----END CMS-----")[0])
    # the CMS carries our certificate ...
    (embedded,) = pkcs7.load_der_pkcs7_certificates(der)
    assert embedded == x509.load_pem_x509_certificate(cert)
    # ... and its signature verifies, with cryptography, over the manifest text before it
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    signature = _signer_info_signature(der)
    public = embedded.public_key()
    public.verify(signature, signed, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        public.verify(signature, signed.replace(b"Hash: ", b"Hash:  ", 1), ec.ECDSA(hashes.SHA256()))
    # and with openssl's CMS verifier, when the machine has one
    openssl = shutil.which("openssl")
    if openssl is None:
        return
    (tmp_path / "sig.der").write_bytes(der)
    (tmp_path / "content").write_bytes(signed)
    (tmp_path / "tampered").write_bytes(signed.replace(b"Hash: ", b"Hash:  ", 1))
    ok = subprocess.run([openssl, "cms", "-verify", "-binary", "-inform", "DER",
                         "-in", str(tmp_path / "sig.der"), "-content", str(tmp_path / "content"),
                         "-CAfile", str(signer / "cert.pem"), "-purpose", "any",
                         "-out", "/dev/null"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([openssl, "cms", "-verify", "-binary", "-inform", "DER",
                          "-in", str(tmp_path / "sig.der"), "-content", str(tmp_path / "tampered"),
                          "-CAfile", str(signer / "cert.pem"), "-purpose", "any",
                          "-out", "/dev/null"], capture_output=True, text=True)
    assert bad.returncode != 0
    # every listed hash still verifies, and xfc reads the signed CSAR clean
    keys, listed, _ = _manifest(content, meta)
    for name, digest in listed.items():
        assert hashlib.sha256(content[name]).hexdigest() == digest
    assert compiler.check(str(path)).ok


def _tlv(data: bytes, i: int = 0) -> tuple[int, bytes, int]:
    """One DER element at ``i``: (tag byte, contents, index after it)."""
    tag, n = data[i], data[i + 1]
    i += 2
    if n & 0x80:
        width = n & 0x7F
        n = int.from_bytes(data[i:i + width], "big")
        i += width
    return tag, data[i:i + n], i + n


def _children(data: bytes) -> list[tuple[int, bytes]]:
    out, i = [], 0
    while i < len(data):
        tag, body, i = _tlv(data, i)
        out.append((tag, body))
    return out


def _signer_info_signature(der: bytes) -> bytes:
    """The signature of the one SignerInfo of a CMS SignedData (RFC 5652 §5.3)."""
    _, content_info, _ = _tlv(der)
    oid, explicit = _children(content_info)[:2]
    assert oid[1] == bytes.fromhex("2a864886f70d010702")  # id-signedData
    (signed_data,) = _children(explicit[1])
    signer_infos = _children(signed_data[1])[-1]
    assert signer_infos[0] == 0x31  # SET OF SignerInfo
    (signer,) = _children(signer_infos[1])
    fields = _children(signer[1])
    assert not any(tag == 0xA0 for tag, _ in fields)  # no signed attributes
    (signature,) = [body for tag, body in fields if tag == 0x04]
    return signature


def test_directory_form(tmp_path):
    unit, files = bundle("samples/5g-core-slice/slice.yaml", "csar", tmp_path,
                         Settings(archive=False))
    root = tmp_path / "csar" / "5g-core-slice"
    assert (root / "TOSCA-Metadata" / "TOSCA.meta").is_file()
    assert compiler.check(str(root)).ok


def test_a_csar_input_keeps_its_other_files(tmp_path):
    pkg = tmp_path / "in"
    unit, files = bundle("samples/sol001-firewall-chain", "csar", pkg, Settings(archive=False))
    root = pkg / "csar" / "fw-nat-router"
    (root / "Files" / "scripts").mkdir(parents=True)
    (root / "Files" / "scripts" / "probe.sh").write_text("#!/bin/sh\nexit 0\n")
    unit2, path, content = _csar(tmp_path / "out", root)
    assert content["Files/scripts/probe.sh"] == b"#!/bin/sh\nexit 0\n"
    meta = _meta(content)
    keys, listed, _ = _manifest(content, meta)
    assert "Files/scripts/probe.sh" in listed
    assert [n for n in content if n.endswith(".mf")] == [meta["ETSI-Entry-Manifest"]]
    assert compiler.check(str(path)).ok


def test_tacker_input_csar_files_are_all_listed(tmp_path):
    import os

    from compiler.bundlers.gates import sdc_sol004, tacker, vtp

    src = "/work/shared/corpus/tacker/samples/tests/etc/samples/etsi/nfv/test_cnf_multi_ns"
    if not os.path.isdir(src):
        pytest.skip(f"the Tacker corpus sample is not at {src}")
    # with all its files and no namespace, the package is refused (Tacker:
    # NamespaceNotUniform; tests/integration/test_tacker_gate.py runs Tacker on it)
    refused = compiler.compile(src, Options(**TACKER))
    assert "k8s-namespace-not-uniform" in [d.code for d in refused.diagnostics.errors()]
    unit, path, content = _csar(tmp_path, src, "tacker", namespace="tenant-a")
    blocks = content["TOSCA-Metadata/TOSCA.meta"].decode().split("\n\n")[1:]
    named = {dict(line.split(": ", 1) for line in b.strip().splitlines())["Name"] for b in blocks}
    assert named == {n for n in content if n.startswith("Files/kubernetes/")}
    assert "Files/kubernetes/namespace01.yaml" in named  # the package's own manifest
    request = {"flavourId": "simple", "additionalParams": {"lcm-kubernetes-def-files": sorted(
        n for n in content if n.startswith("Files/kubernetes/") and "namespace0" not in n
        and "_namespace" not in n), "namespace": "tenant-a"}}
    findings = sdc_sol004(content) + vtp(content) + tacker(content, request)
    assert [(f.gate, f.rule) for f in findings if f.severity == "error"] == [], findings
    # the same files without the request's namespace: Tacker's NamespaceNotUniform
    findings = tacker(content, dict(request, additionalParams={
        "lcm-kubernetes-def-files": request["additionalParams"]["lcm-kubernetes-def-files"]
        + ["Files/kubernetes/deployment_has_namespace.yaml"]}))
    assert [(f.gate, f.rule) for f in findings if f.severity == "error"] == \
        [("tacker", "namespace")], findings


ROOT_ENTRY = """\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - types/local.yaml
topology_template:
  node_templates:
    web:
      type: example.Web
      artifacts:
        start:
          type: tosca.artifacts.Implementation.Bash
          file: scripts/start.sh
"""

LOCAL_TYPES = """\
tosca_definitions_version: tosca_simple_yaml_1_3
node_types:
  example.Web:
    derived_from: tosca.nodes.Root
"""


@pytest.mark.parametrize("target", [None, "onap"])
def test_a_folder_whose_entry_is_at_its_root_is_bundled_under_definitions(tmp_path, target):
    """SOL004 and Tacker read the descriptors under Definitions/ (Tacker finds no flavour in
    a root entry): the TOSCA files move there together, the files they name stay where
    they were, and the references follow (tests/integration/test_tacker_gate.py runs
    Tacker on such a package)."""
    src = tmp_path / "in"
    (src / "types").mkdir(parents=True)
    (src / "scripts").mkdir()
    (src / "main.yaml").write_text(ROOT_ENTRY)
    (src / "types" / "local.yaml").write_text(LOCAL_TYPES)
    (src / "scripts" / "start.sh").write_text("#!/bin/sh\nexit 0\n")
    unit, path, content = _csar(tmp_path / "out", src, target)
    meta = _meta(content)
    assert meta["Entry-Definitions"] == "Definitions/main.yaml"
    assert "main.yaml" not in content and "types/local.yaml" not in content
    assert content["Definitions/types/local.yaml"] == LOCAL_TYPES.encode()
    assert content["scripts/start.sh"] == b"#!/bin/sh\nexit 0\n"
    entry = content["Definitions/main.yaml"].decode()
    assert "file: ../scripts/start.sh" in entry and "  - types/local.yaml" in entry
    again = compiler.check(str(path))
    assert again.ok, again.diagnostics.render_text()
