"""Offline gates: the rules each consumer applies to a package, run before upload.

Phase: bundle (verification).  Input: a bundle as its files (path -> bytes): a Helm
chart directory, an ONAP native Helm package (``.zip``), or a SOL004 CSAR (``.csar`` or
a directory).  Output: :class:`Finding` lists, each naming the gate and the consumer's
own rule; nothing is printed and nothing raised for a bad package.

Gates and their rules (sources: /work/shared/formats.md §1, §2, §7):

* ``helm-lint`` (helm ``pkg/lint/rules/chartfile.go``, ``values.go``):
  ``chartfile.yaml`` (Chart.yaml parses to a mapping), ``chartfile.apiVersion`` (v1 or
  v2), ``chartfile.name`` (present, ``^[a-z0-9-]+$``), ``chartfile.version`` (SemVer
  above 0.0.0-0), ``chartfile.versionType`` and ``chartfile.appVersionType`` (strings,
  not YAML numbers), ``templates.dir`` (a ``templates/`` folder; a warning, which
  ``--strict`` makes fatal), ``values.schema`` (``values.yaml`` valid against
  ``values.schema.json``).
* ``sdc-helm-package`` (SDC ``CnfPackageValidator``, ``Messages``): ``zip`` (a
  ``.zip``, not a ``.csar``), ``manifest`` (``MANIFEST.json`` with ``data`` entries whose
  files exist), ``isBase-missing``, ``isBase-not-unique``, ``isBase-not-set`` with SDC's
  own messages.
* ``sdc-sol004`` (SDC ``SOL004MetaDirectoryValidator``, ``ManifestTokenType``,
  ``ETSIServiceImpl``): ``meta.syntax``, ``meta.sol004-entries`` (the three block-0
  keys that make a CSAR SOL004), ``meta.version`` (``TOSCA-Meta-File-Version: 1.0``,
  ``CSAR-Version`` 1.0 or 1.1), ``meta.created-by`` (spelled ``Created-By``),
  ``meta.unsupported-entry``, ``meta.licenses-folder``, ``manifest.name`` (entry stem +
  ``.mf``), ``manifest.metadata-count`` (4 keys, or 8 from 2.7.1),
  ``manifest.ns-metadata`` (an NS package's manifest: the five SOL007 ``nsd_*`` keys,
  no VNF key), ``manifest.all-sources``, ``non-mano.onap-cnf-helm`` (at most one, and it exists),
  ``non-mano.set-id``.
* ``vtp`` (vnfsdk VTP): ``r01123`` (every artifact listed with algorithm and a hash
  that matches), ``r146092`` (non-MANO set keys from VTP's list).  VTP's list lacks
  ``onap_cnf_helm``, which SDC accepts: the finding says the two gates disagree.
* ``osm`` (osmclient ``package_tool``, OSM NBI): ``layout.one-top-folder``,
  ``layout.descriptor`` (one ``*nfd.yaml`` holding a ``vnfd``), ``checksums.listed`` and
  ``checksums.md5`` (every file in ``checksums.txt`` with its MD5), ``kdu.helm-chart`` (a
  local chart exists under ``helm-charts/``), ``healing.vdu-id`` (NBI
  ``validate_healing_group_descriptor``: a healing ``vdu-id`` must be in a ``vdu-level``).
  An NS package (one ``*nsd.yaml``) is checked for its references instead
  (:func:`_osm_nsd`: ``nsd.shape``, ``nsd.vnfd-id``, ``nsd.virtual-link``,
  ``nsd.constituent``, ``nsd.vnf-package`` against the VNF packages beside it).
* ``tacker`` (Tacker v2 CNF guide; run on a CSAR whose TOSCA.meta has per-file blocks):
  ``files.hash`` (each ``Files/kubernetes/`` file listed in TOSCA.meta with a matching
  SHA-256), ``files.yaml`` (they parse), ``vdu-name`` (a warning for a Deployment or
  StatefulSet named as no VDU's ``properties.name``: Tacker will not treat it as a
  VNFC), ``namespace`` (one namespace).

Codes: none (gate findings are not descriptor diagnostics; ``xfc bundle --verify``
prints them).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Any, Callable

import yaml

from ..bundle_api import Finding
from . import _SEMVER

#: SDC Messages.java, word for word.
IS_BASE_MISSING = "Definition of 'isBase' is missing in %d charts."
IS_BASE_NOT_UNIQUE = "More than one chart is marked as 'isBase'."
IS_BASE_NOT_SET = "None of charts is marked as 'isBase'."

#: SDC ToscaMetaEntryVersion261 (+ Other-Definitions of the v3/v4 validators).
SDC_BLOCK0 = ("TOSCA-Meta-File-Version", "CSAR-Version", "Created-By", "Entry-Definitions",
              "ETSI-Entry-Manifest", "ETSI-Entry-Change-Log", "ETSI-Entry-Tests",
              "ETSI-Entry-Licenses", "ETSI-Entry-Certificate", "Other-Definitions")
SDC_NON_MANO = ("onap_ves_events", "onap_pm_dictionary", "onap_yang_modules",
                "onap_ansible_playbooks", "onap_scripts", "onap_others",
                "onap_pnf_sw_information", "onap_cnf_helm")
VTP_NON_MANO = ("onap_ansible_playbooks", "onap_others", "onap_pm_dictionary",
                "onap_pnf_sw_information", "onap_scripts", "onap_ves_events",
                "onap_yang_modules")
#: SOL007 §4.3.2 (osmclient SOL007Package, ONAP VF-C's NSD parser).
NS_MANIFEST_KEYS = ("nsd_designer", "nsd_invariant_id", "nsd_name", "nsd_release_date_time",
                    "nsd_file_structure_version")
_ALGORITHMS = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512", "sha224": "sha224"}


# --------------------------------------------------------------------------- reading

def read_bundle(path: str | Path) -> tuple[str, dict[str, bytes]]:
    """(kind, files) of a bundle on disk; kind is chart | helm-package | csar | unknown."""
    p = Path(path)
    files: dict[str, bytes] = {}
    if p.is_dir():
        for f in sorted(p.rglob("*")):
            if f.is_file():
                files[f.relative_to(p).as_posix()] = f.read_bytes()
    elif p.name.endswith((".tar.gz", ".tgz")) and tarfile.is_tarfile(p):
        with tarfile.open(p) as tf:
            for m in tf.getmembers():
                if m.isfile() and m.size <= 256 << 20:
                    data = tf.extractfile(m)
                    if data is not None:
                        files[m.name] = data.read()
        return "osm", files
    elif zipfile.is_zipfile(p):
        with zipfile.ZipFile(p) as zf:
            for info in zf.infolist():
                if not info.is_dir() and info.file_size <= 256 << 20:
                    files[info.filename] = zf.read(info)
    if "Chart.yaml" in files:
        return "chart", files
    if "MANIFEST.json" in files:
        return "helm-package", files
    if "TOSCA-Metadata/TOSCA.meta" in files:
        return "csar", files
    return "unknown", files


def verify(path: str | Path) -> list[Finding]:
    """Every offline gate that applies to the package at ``path``, told by its content:
    for a package given without the bundle that wrote it (a test, an older bundle).
    ``xfc bundle --verify`` does not guess: it runs the gates the plugin table names for
    the format and the target (:func:`compiler.api.bundle.verify_written`)."""
    kind, files = read_bundle(path)
    name = Path(path).name
    if kind == "chart":
        return helm_lint(files)
    if kind == "helm-package":
        return sdc_helm_package(files, name)
    if kind == "csar":
        out = sdc_sol004(files) + vtp(files)
        meta, _, _ = _parse(files)
        if meta is not None and meta.files:  # per-file blocks: laid out for Tacker
            out += tacker(files, _request_beside(Path(path)))
        return out
    if kind == "osm":
        return osm(files, _osm_vnfds_beside(Path(path)))
    return [Finding("bundle", "kind", "error", "not a chart, ONAP Helm package, CSAR or OSM "
                    "package", name)]


def _osm_vnfds_beside(path: Path) -> dict[str, set[str]]:
    """The VNFDs of the OSM packages beside ``path`` (the VNF packages an NS package names,
    written into the same folder): VNFD id -> its ext-cpd ids."""
    out: dict[str, set[str]] = {}
    if not path.is_file():
        return out
    for other in sorted(path.parent.glob("*.tar.gz")):
        if other == path:
            continue
        try:
            kind, files = read_bundle(other)
        except (OSError, tarfile.TarError, EOFError):
            continue
        if kind != "osm":
            continue
        for name, data in files.items():
            if name.count("/") != 1 or not name.endswith("nfd.yaml"):
                continue
            try:
                vnfd = (yaml.safe_load(data) or {}).get("vnfd")
            except (yaml.YAMLError, AttributeError):
                continue
            if isinstance(vnfd, dict) and vnfd.get("id") is not None:
                out[str(vnfd["id"])] = {str((c or {}).get("id")) for c in vnfd.get("ext-cpd") or ()
                                        if isinstance(c, dict)}
    return out


def _request_beside(path: Path) -> dict | None:
    """The instantiate request xfc wrote beside a Tacker CSAR (``<name>-instantiate.json``
    next to ``<name>.csar``, or two folders up from ``csar/<name>/``)."""
    stem = path.name[:-len(".csar")] if path.name.endswith(".csar") else path.name
    for cand in (path.with_name(f"{stem}-instantiate.json"),
                 path.parent.parent / f"{stem}-instantiate.json"):
        try:
            doc = json.loads(cand.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        return doc if isinstance(doc, dict) else None
    return None


# --------------------------------------------------------------------------- helm lint

def helm_lint(files: dict[str, bytes]) -> list[Finding]:
    """The chart's rules, and each subchart's in ``charts/<name>/`` (``helm lint`` lints
    a chart's dependencies too); a subchart's findings name its files by their path."""
    out = _helm_lint_one(files)
    subs = sorted({n.split("/")[1] for n in files
                   if n.startswith("charts/") and n.count("/") == 2 and n.endswith("/Chart.yaml")})
    for sub in subs:
        prefix = f"charts/{sub}/"
        for f in helm_lint({n[len(prefix):]: d for n, d in files.items() if n.startswith(prefix)}):
            out.append(Finding(f.gate, f.rule, f.severity, f.message, prefix + f.file, f.line))
    return out


def _helm_lint_one(files: dict[str, bytes]) -> list[Finding]:
    out: list[Finding] = []

    def err(rule: str, msg: str, sev: str = "error", f: str = "Chart.yaml") -> None:
        out.append(Finding("helm-lint", rule, sev, msg, f))

    try:
        chart = yaml.safe_load(files["Chart.yaml"])
    except yaml.YAMLError as exc:
        err("chartfile.yaml", f"Chart.yaml does not parse: {exc}")
        return out
    if not isinstance(chart, dict):
        err("chartfile.yaml", "Chart.yaml is not a mapping")
        return out
    if chart.get("apiVersion") not in ("v1", "v2"):
        err("chartfile.apiVersion", f"apiVersion {chart.get('apiVersion')!r} is not v1 or v2")
    name = chart.get("name")
    if not isinstance(name, str) or not name:
        err("chartfile.name", "name is required")
    elif not re.fullmatch(r"[a-z0-9-]+", name):
        err("chartfile.name", f"chart name {name!r} must match ^[a-z0-9-]+$")
    version = chart.get("version")
    if version is None:
        err("chartfile.version", "version is required")
    elif not isinstance(version, str):
        err("chartfile.versionType", f"version should be of type string but it's of type "
            f"{type(version).__name__} (quote it)")
    elif not _SEMVER.match(version) or version == "0.0.0":
        err("chartfile.version", f"version {version!r} is not a valid SemVer above 0.0.0-0")
    app = chart.get("appVersion")
    if app is not None and not isinstance(app, str):
        err("chartfile.appVersionType", f"appVersion should be of type string but it's of "
            f"type {type(app).__name__} (quote it)")
    if not any(n.startswith("templates/") for n in files):
        err("templates.dir", "chart directory is missing these dirs: templates", "warning")
    if "values.schema.json" in files:
        try:
            import jsonschema
        except ImportError:  # not a core dependency: say the rule did not run
            err("values.schema", "jsonschema is not installed: values.yaml was not checked "
                "against values.schema.json", "note", "values.schema.json")
            return out
        try:
            schema = json.loads(files["values.schema.json"])
            values = yaml.safe_load(files.get("values.yaml", b"")) or {}
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(values), key=str)
        except (ValueError, yaml.YAMLError, jsonschema.SchemaError) as exc:
            err("values.schema", f"cannot apply values.schema.json: {exc}", f="values.schema.json")
        else:
            for e in errors[:20]:
                path = ".".join(str(p) for p in e.absolute_path) or "(root)"
                err("values.schema", f"values.yaml at {path}: {e.message}", f="values.yaml")
    return out


# --------------------------------------------------------------------------- SDC helm

def sdc_helm_package(files: dict[str, bytes], name: str) -> list[Finding]:
    out: list[Finding] = []
    g = "sdc-helm-package"
    if not name.endswith(".zip"):
        out.append(Finding(g, "zip", "error", "SDC takes a native Helm package only as a .zip "
                           "(a .csar goes down the SOL004 route)", name))
    try:
        manifest = json.loads(files["MANIFEST.json"])
        data = manifest["data"]
        if not isinstance(data, list):
            raise TypeError("data is not a list")
    except (KeyError, ValueError, TypeError) as exc:
        out.append(Finding(g, "manifest", "error", f"MANIFEST.json has no data list ({exc})",
                           "MANIFEST.json"))
        return out
    helm = []
    for entry in data:
        if not isinstance(entry, dict):
            out.append(Finding(g, "manifest", "error", "a data entry is not an object",
                               "MANIFEST.json"))
            continue
        if entry.get("file") not in files:
            out.append(Finding(g, "manifest", "error",
                               f"data entry file {entry.get('file')!r} is not in the package",
                               "MANIFEST.json"))
        if entry.get("type") == "HELM":
            helm.append(entry)
    # SDC reads isBase as a Boolean: absent -> null, "true"/true -> base
    missing = sum(1 for e in helm if e.get("isBase") is None)
    base = sum(1 for e in helm if str(e.get("isBase")).lower() == "true")
    if missing:
        out.append(Finding(g, "isBase-missing", "error", IS_BASE_MISSING % missing, "MANIFEST.json"))
    if base == 0:
        out.append(Finding(g, "isBase-not-set", "error", IS_BASE_NOT_SET, "MANIFEST.json"))
    elif base > 1:
        out.append(Finding(g, "isBase-not-unique", "error", IS_BASE_NOT_UNIQUE, "MANIFEST.json"))
    return out


# --------------------------------------------------------------------------- SOL004

def _parse(files: dict[str, bytes]) -> tuple[Any, Any, str]:
    from ..diagnostics import Diagnostics
    from ..loader.manifest import parse_manifest, parse_tosca_meta

    sink = Diagnostics()
    meta = parse_tosca_meta(files["TOSCA-Metadata/TOSCA.meta"].decode("utf-8", "replace"),
                            "TOSCA-Metadata/TOSCA.meta", sink)
    mf_name = ""
    manifest = None
    entry = meta.get("ETSI-Entry-Manifest") if meta is not None else None
    if entry is not None:
        mf_name = entry.value
        if mf_name in files:
            manifest = parse_manifest(files[mf_name].decode("utf-8", "replace"), mf_name, sink)
    return meta, manifest, mf_name


def sdc_sol004(files: dict[str, bytes]) -> list[Finding]:
    g = "sdc-sol004"
    out: list[Finding] = []
    meta, manifest, mf_name = _parse(files)
    tm = "TOSCA-Metadata/TOSCA.meta"
    if meta is None:
        return [Finding(g, "meta.syntax", "error", "TOSCA.meta does not parse or has no "
                        "Entry-Definitions", tm)]
    written = {f.written: f for f in meta.block0}
    for key in ("Entry-Definitions", "ETSI-Entry-Manifest", "ETSI-Entry-Change-Log"):
        if key not in written:
            out.append(Finding(g, "meta.sol004-entries", "error", f"block 0 has no {key}: SDC "
                               "treats the package as an ONAP CSAR, not SOL004", tm))
    if getattr(written.get("TOSCA-Meta-File-Version"), "value", None) != "1.0":
        out.append(Finding(g, "meta.version", "error", "TOSCA-Meta-File-Version must be 1.0", tm))
    if getattr(written.get("CSAR-Version"), "value", None) not in ("1.0", "1.1"):
        out.append(Finding(g, "meta.version", "error", "CSAR-Version must be 1.0 or 1.1", tm))
    if "Created-By" not in written:
        near = [w for w in written if w.lower() == "created-by"]
        out.append(Finding(g, "meta.created-by", "error", "block 0 has no Created-By" +
                           (f" (written {near[0]!r}: SDC compares keys exactly)" if near else ""),
                           tm, near and written[near[0]].span.line or 0))
    # read block 0 as written: xfc's own parser leaves keys it does not know out
    raw = files[tm].decode("utf-8", "replace").replace("\r\n", "\n")
    for lineno, line in enumerate(raw.split("\n\n", 1)[0].splitlines(), 1):
        key = line.split(":", 1)[0].strip()
        if ":" in line and not line[:1].isspace() and key not in SDC_BLOCK0 \
                and key.lower() != "created-by":
            out.append(Finding(g, "meta.unsupported-entry", "error",
                               f"unsupported TOSCA.meta entry {key!r}", tm, lineno))
    lic = written.get("ETSI-Entry-Licenses")
    if lic is not None and not any(n.startswith(lic.value.rstrip("/") + "/") for n in files):
        out.append(Finding(g, "meta.licenses-folder", "error",
                           f"ETSI-Entry-Licenses {lic.value!r} is not a folder of the package",
                           tm, lic.span.line))
    entry = meta.get("Entry-Definitions").value
    stem = posixpath.splitext(posixpath.basename(entry))[0]
    if mf_name and posixpath.basename(mf_name) != f"{stem}.mf":
        out.append(Finding(g, "manifest.name", "error", f"the manifest {mf_name!r} must be named "
                           f"{stem}.mf after the entry definitions", tm))
    if manifest is None:
        out.append(Finding(g, "manifest.name", "error", "the manifest is missing or does not "
                           "parse", mf_name or tm))
        return out
    md = manifest.metadata_dict()
    spec = md.get("compatible_specification_versions", "")
    nums = tuple(int(x) for x in re.findall(r"\d+", spec.split(",")[-1])[:3]) if spec else ()
    want = 8 if nums >= (2, 7, 1) else 4
    if any(k.startswith("nsd_") for k in md):  # an NS package (SOL007 §4.3.2)
        missing = [k for k in NS_MANIFEST_KEYS if k not in md]
        other = [k for k in md if k not in NS_MANIFEST_KEYS
                 and k != "compatible_specification_versions"]
        if missing or other:
            out.append(Finding(g, "manifest.ns-metadata", "error", "an NS package manifest "
                               "has the SOL007 metadata " + ", ".join(NS_MANIFEST_KEYS) +
                               (f"; missing: {', '.join(missing)}" if missing else "") +
                               (f"; not NS keys: {', '.join(other)}" if other else ""), mf_name))
    elif len(md) != want:
        out.append(Finding(g, "manifest.metadata-count", "error", f"the manifest metadata has "
                           f"{len(md)} entries; SDC requires exactly {want}", mf_name))
    listed = {s.path for s in manifest.all_sources()}
    cert = getattr(meta.get("ETSI-Entry-Certificate"), "value", None)
    for name in sorted(files):
        if name not in listed and name not in (mf_name, cert):
            out.append(Finding(g, "manifest.all-sources", "error",
                               f"{name} is not a Source of the manifest", mf_name))
    helm = [s for st in manifest.non_mano_sets if st.set_id == "onap_cnf_helm" for s in st.sources]
    if len(helm) > 1:
        out.append(Finding(g, "non-mano.onap-cnf-helm", "error",
                           "more than one onap_cnf_helm artifact", mf_name, helm[1].span.line))
    for s in helm:
        if s.path not in files:
            out.append(Finding(g, "non-mano.onap-cnf-helm", "error",
                               f"onap_cnf_helm artifact {s.path} is not in the package",
                               mf_name, s.span.line))
    for st in manifest.non_mano_sets:
        if st.set_id not in SDC_NON_MANO:
            out.append(Finding(g, "non-mano.set-id", "error",
                               f"unknown non-MANO artifact set {st.set_id!r}", mf_name, st.span.line))
    return out


def _digest_ok(files: dict[str, bytes], path: str, alg: str, want: str) -> bool:
    algo = _ALGORITHMS.get(re.sub(r"[\s_\-]", "", alg).lower())
    return algo is not None and path in files and \
        hashlib.new(algo, files[path]).hexdigest() == want.strip().lower()


def vtp(files: dict[str, bytes]) -> list[Finding]:
    out: list[Finding] = []
    meta, manifest, mf_name = _parse(files)
    if manifest is None:
        return [Finding("vtp", "r01123", "error", "no manifest to list the artifacts", mf_name)]
    for s in manifest.sources:
        if s.external:
            continue
        if s.algorithm is None or s.hash is None:
            out.append(Finding("vtp", "r01123", "error", f"{s.path} is listed without an "
                               "algorithm and hash", mf_name, s.span.line))
        elif not _digest_ok(files, s.path, s.algorithm.value, s.hash.value):
            out.append(Finding("vtp", "r01123", "error", f"the {s.algorithm.value} hash of "
                               f"{s.path} does not match", mf_name, s.hash.span.line))
    for st in manifest.non_mano_sets:
        if st.set_id in VTP_NON_MANO:
            continue
        if st.set_id in SDC_NON_MANO:
            out.append(Finding("vtp", "r146092", "warning", f"VTP does not list the non-MANO "
                               f"set {st.set_id!r}, which ONAP SDC accepts: the two gates "
                               "disagree; SDC is the one that onboards", mf_name, st.span.line))
        else:
            out.append(Finding("vtp", "r146092", "error", f"non-MANO set {st.set_id!r} is not "
                               "one VTP allows", mf_name, st.span.line))
    return out


# --------------------------------------------------------------------------- Tacker

#: Tacker 16.0.0 sol_refactored/infra_drivers/kubernetes: the kinds it sets a namespace on
#: (``SUPPORTED_NAMESPACE_KIND``) and the kinds it has a class for (others: "Not support
#: kind ... ignored").
TACKER_NAMESPACED = frozenset((
    "Binding ConfigMap ControllerRevision DaemonSet Deployment HorizontalPodAutoscaler Job "
    "Lease LimitRange LocalSubjectAccessReview NetworkPolicy PersistentVolumeClaim Pod "
    "PodTemplate ReplicaSet ResourceQuota Role RoleBinding Secret Service ServiceAccount "
    "StatefulSet").split())
TACKER_KINDS = TACKER_NAMESPACED | frozenset((
    "APIService ClusterRole ClusterRoleBinding ComponentStatus Namespace Node PersistentVolume "
    "PriorityClass SelfSubjectAccessReview SelfSubjectRulesReview StorageClass "
    "SubjectAccessReview TokenReview VolumeAttachment").split())


def _chart_dirs(files: dict[str, bytes]) -> set[str]:
    return {posixpath.dirname(n) + "/" for n in files
            if n.startswith("Files/kubernetes/") and posixpath.basename(n) == "Chart.yaml"}


def tacker(files: dict[str, bytes], request: dict | None = None) -> list[Finding]:
    """Tacker's rules, offline (they agree with the ``tacker-16.0.0`` gate on xfc's
    packages and Tacker's own samples: tests/integration/test_tacker_gate.py)."""
    out: list[Finding] = []
    meta, manifest, _ = _parse(files)
    tm = "TOSCA-Metadata/TOSCA.meta"
    blocks = {b.name: b for b in (meta.files if meta else ())}
    charts = _chart_dirs(files)
    workloads: list[tuple[str, str, str]] = []
    docs_of: dict[str, list] = {}
    for path in sorted(n for n in files if n.startswith("Files/kubernetes/")):
        b = blocks.get(path)
        alg, hsh = (b.get("Algorithm"), b.get("Hash")) if b else (None, None)
        if b is None or alg is None or hsh is None:
            out.append(Finding("tacker", "files.hash", "error",
                               f"{path} has no Name/Algorithm/Hash block in TOSCA.meta", tm))
        elif not _digest_ok(files, path, alg.value, hsh.value):
            out.append(Finding("tacker", "files.hash", "error",
                               f"the {alg.value} hash of {path} does not match", tm, hsh.span.line))
        if path.endswith((".tgz", ".tar.gz")):  # a Helm chart archive: read as an archive
            try:
                with tarfile.open(fileobj=__import__("io").BytesIO(files[path]), mode="r:gz") as tf:
                    if not any(m.name.endswith("/Chart.yaml") for m in tf.getmembers()):
                        raise tarfile.TarError("no Chart.yaml")
            except (tarfile.TarError, OSError, EOFError) as exc:
                out.append(Finding("tacker", "files.chart", "error",
                                   f"{path} is not a Helm chart archive ({exc})", path))
            continue
        if not path.endswith((".yaml", ".yml")) or any(path.startswith(c) for c in charts):
            continue  # a chart's templates are Go templates, not manifests
        try:
            docs = [d for d in yaml.safe_load_all(files[path]) if isinstance(d, dict)]
        except yaml.YAMLError:
            out.append(Finding("tacker", "files.yaml", "error", f"{path} does not parse", path))
            continue
        docs_of[path] = docs
        for d in docs:
            if d.get("kind") in ("Deployment", "StatefulSet"):
                workloads.append((path, d["kind"], str((d.get("metadata") or {}).get("name"))))
    defs = _definitions(files)
    out += _tacker_vnfd(files, defs, request)
    params = (request or {}).get("additionalParams") or {}
    chosen = params.get("lcm-kubernetes-def-files")
    if request is None:  # no request beside the CSAR: judge every manifest, as deployed
        chosen = sorted(docs_of)
    if isinstance(chosen, list):
        listed = {s.path for s in manifest.all_sources()} if manifest is not None else set()
        listed |= set(blocks)
        missing = [f for f in chosen if f not in listed]
        if missing:
            out.append(Finding("tacker", "def-files", "error", "lcm-kubernetes-def-files names "
                               f"{', '.join(missing)}, which the package does not list "
                               "(Tacker: CnfDefinitionNotFound)", tm))
        deployed = [(f, d) for f in chosen for d in docs_of.get(f, ())]
        namespace = params.get("namespace")
        if namespace is None:  # Tacker puts a namespaced object without one in "default"
            spaces = {str((d.get("metadata") or {}).get("namespace") or "default")
                      for _, d in deployed if d.get("kind") in TACKER_NAMESPACED}
            if len(spaces) > 1:
                out.append(Finding("tacker", "namespace", "error", "the deployed manifests "
                                   f"name more than one namespace ({', '.join(sorted(spaces))}; "
                                   "none is \"default\"): Tacker refuses them with "
                                   "NamespaceNotUniform; give --namespace", tm))
        for f, d in deployed:
            if d.get("kind") not in TACKER_KINDS:
                out.append(Finding("tacker", "kind", "warning", f"{d.get('kind')} "
                                   f"{(d.get('metadata') or {}).get('name')!r}: Tacker's "
                                   "Kubernetes driver has no class for this kind and ignores "
                                   "it", f))
        names = {str((d.get("metadata") or {}).get("name")) for _, d in deployed
                 if d.get("kind") in ("Pod", "Deployment", "DaemonSet", "StatefulSet",
                                      "ReplicaSet")}
        flavour = request.get("flavourId") if request else None
        for vdu, vname in sorted(_vdus_of_flavour(defs, flavour).items()):
            if vname not in names:
                out.append(Finding("tacker", "vdu-empty", "warning", f"VDU {vdu} "
                                   f"(properties.name {vname!r}) has no workload among the "
                                   "deployed files: Tacker leaves it empty", tm))
    vdus = _vdu_names(files)
    for path, kind, name in workloads:
        if name not in vdus:
            # Tacker maps a workload to a VNFC by the VDU's properties.name; one named as no
            # VDU is deployed but never scaled or healed as a VNFC (a backing service may be
            # meant that way), so this is a warning.
            out.append(Finding("tacker", "vdu-name", "warning", f"{kind} {name!r} is named as "
                               f"no VDU (VDU names: {', '.join(sorted(vdus)) or 'none'}): Tacker "
                               "will not treat it as a VNFC", path))
    return out


def _definitions(files: dict[str, bytes]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, data in sorted(files.items()):
        if path.startswith("Definitions/") and path.endswith((".yaml", ".yml")):
            try:
                doc = yaml.safe_load(data)
            except yaml.YAMLError:
                continue
            if isinstance(doc, dict):
                out[path] = doc
    return out


def _node_types(defs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for d in defs.values() for k, v in (d.get("node_types") or {}).items()
            if isinstance(v, dict)}


def _tacker_vnfd(files: dict[str, bytes], defs: dict[str, Any], request: dict | None
                 ) -> list[Finding]:
    """What Tacker's onboarding and Vnfd require of the descriptor."""
    out: list[Finding] = []
    types = _node_types(defs)
    for path, doc in defs.items():
        for ref in doc.get("imports") or ():
            ref = ref.get("file") if isinstance(ref, dict) else ref
            if not isinstance(ref, str):
                continue
            if posixpath.normpath(posixpath.join(posixpath.dirname(path), ref)) not in files:
                out.append(Finding("tacker", "imports", "error", f"imports {ref}, which is not "
                                   "a file of the package: Tacker fetches it (and fails "
                                   "offline)", path))
        nodes = (doc.get("topology_template") or {}).get("node_templates") or {}
        for name, node in nodes.items() if isinstance(nodes, dict) else ():
            for art in ((node or {}).get("artifacts") or {}).values():
                if isinstance(art, dict) and "SwImage" in str(art.get("type", "")) \
                        and isinstance(art.get("file"), str) and posixpath.normpath(
                            posixpath.join(posixpath.dirname(path), art["file"])) not in files:
                    out.append(Finding("tacker", "sw-image", "error", f"{name}: software "
                                       f"image {art['file']} is not a file of the package: "
                                       "tosca-parser (in Tacker) refuses the CSAR", path))
    vnf_types = {"tosca.nodes.nfv.VNF"} | {k for k, v in types.items()
                                            if v.get("derived_from") == "tosca.nodes.nfv.VNF"}
    if not any((n or {}).get("type") in vnf_types for d in defs.values()
               for n in ((d.get("topology_template") or {}).get("node_templates") or {}).values()
               if isinstance(n, dict)):
        out.append(Finding("tacker", "vnf-node", "error", "no node template of a type derived "
                           "from tosca.nodes.nfv.VNF: Tacker refuses the package (\"VNF "
                           "properties are mandatory\")", "Definitions/"))
    flavours = {str(((d.get("topology_template") or {}).get("substitution_mappings") or {})
                    .get("properties", {}).get("flavour_id")): p
                for p, d in defs.items() if posixpath.dirname(p) == "Definitions"
                and isinstance((d.get("topology_template") or {}).get("substitution_mappings"), dict)}
    flavours.pop("None", None)
    if not flavours:
        out.append(Finding("tacker", "flavour", "error", "no substitution_mappings with "
                           "properties.flavour_id in a file of Definitions/: Tacker finds no "
                           "deployment flavour", "Definitions/"))
    elif request and request.get("flavourId") not in flavours:
        out.append(Finding("tacker", "flavour", "error", f"the request's flavourId "
                           f"{request.get('flavourId')!r} is none of the package's "
                           f"({', '.join(sorted(flavours))}): FlavourIdNotFound", "Definitions/"))
    for path, d in defs.items():
        topo = d.get("topology_template") or {}
        sub = topo.get("substitution_mappings")
        if not isinstance(sub, dict) or not isinstance(topo.get("inputs"), dict):
            continue
        props = set((types.get(str(sub.get("node_type"))) or {}).get("properties") or {})
        props |= {"descriptor_id", "descriptor_version", "provider", "product_name",
                  "software_version", "vnfm_info", "flavour_id", "flavour_description"}
        for iname, idef in topo["inputs"].items():
            if isinstance(idef, dict) and "default" not in idef and iname not in props:
                out.append(Finding("tacker", "inputs", "error", f"input {iname} has no default "
                                   f"and is no property of {sub.get('node_type')}: tosca-parser "
                                   "(in Tacker) refuses it (MissingDefaultValueError)", path))
    for tname, t in types.items():
        if t.get("derived_from") != "tosca.nodes.nfv.VNF":
            continue
        tprops = t.get("properties") or {}
        for key in ("descriptor_id", "descriptor_version", "provider", "product_name",
                    "software_version", "vnfm_info", "flavour_id", "flavour_description"):
            if not isinstance(tprops.get(key), dict) or "default" not in tprops[key]:
                out.append(Finding("tacker", "vnf-type", "error", f"the VNF type {tname} gives "
                                   f"no default for {key}: tosca-parser (in Tacker) wants an "
                                   "input for each required property of a substituted type",
                                   "Definitions/"))
    return out


def _vdus_of_flavour(defs: dict[str, Any], flavour: str | None) -> dict[str, str]:
    """VDU template -> properties.name in the flavour's file (Tacker's Vnfd.get_vdu_nodes)."""
    for path, d in defs.items():
        topo = d.get("topology_template") or {}
        sub = topo.get("substitution_mappings") or {}
        if posixpath.dirname(path) != "Definitions" or not isinstance(sub, dict) \
                or (sub.get("properties") or {}).get("flavour_id") != flavour:
            continue
        return {n: str((v.get("properties") or {}).get("name"))
                for n, v in (topo.get("node_templates") or {}).items()
                if isinstance(v, dict) and str(v.get("type", "")) in (
                    "tosca.nodes.nfv.Vdu.Compute", "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit")}
    return {}


def _vdu_names(files: dict[str, bytes]) -> set[str]:
    names: set[str] = set()
    for path, data in files.items():
        if not (path.startswith("Definitions/") and path.endswith((".yaml", ".yml"))):
            continue
        try:
            doc = yaml.safe_load(data)
        except yaml.YAMLError:
            continue
        nodes = ((doc or {}).get("topology_template") or {}).get("node_templates") \
            if isinstance(doc, dict) else None
        for tname, node in (nodes or {}).items():
            if isinstance(node, dict) and re.search(r"Vdu\.(Compute|OsContainerDeployableUnit)$",
                                                    str(node.get("type", ""))):
                props = node.get("properties") or {}
                names.add(str(props.get("name", tname)))
    return names


# --------------------------------------------------------------------------- OSM

def osm(files: dict[str, bytes], vnfds: dict[str, set[str]] | None = None) -> list[Finding]:
    """OSM package layout, checksums, KDU charts and healing references; for an NS
    package, the NSD's references (:func:`_osm_nsd`), to ``vnfds`` (VNFD id -> ext-cpd
    ids of the VNF packages onboarded with it) when given."""
    g = "osm"
    tops = {n.split("/", 1)[0] for n in files}
    if len(tops) != 1 or any("/" not in n for n in files):
        return [Finding(g, "layout.one-top-folder", "error", "the archive must hold exactly one "
                        f"top folder (found: {', '.join(sorted(tops)) or 'nothing'})")]
    (top,) = tops
    inner = {n.split("/", 1)[1]: d for n, d in files.items()}
    out: list[Finding] = []
    descriptors = [n for n in inner if "/" not in n and n.endswith("nfd.yaml")]
    nsds = [n for n in inner if "/" not in n and n.endswith("nsd.yaml")]
    if len(descriptors) + len(nsds) != 1:
        out.append(Finding(g, "layout.descriptor", "error", "the top folder must hold one "
                           "descriptor named *nfd.yaml or *nsd.yaml (found "
                           f"{len(descriptors) + len(nsds)})", top))
    sums: dict[str, str] = {}
    if "checksums.txt" not in inner:
        out.append(Finding(g, "checksums.listed", "error", "checksums.txt is missing", top))
    else:
        for lineno, line in enumerate(inner["checksums.txt"].decode("utf-8", "replace")
                                      .splitlines(), 1):
            m = re.fullmatch(r"([0-9a-fA-F]{32})\s+\*?(.+)", line.strip())
            if m:
                sums[m[2]] = m[1].lower()
            elif line.strip():
                out.append(Finding(g, "checksums.listed", "error", "not an '<md5>  <path>' "
                                   "line", f"{top}/checksums.txt", lineno))
        for name in sorted(inner):
            if name == "checksums.txt":
                continue
            if name not in sums:
                out.append(Finding(g, "checksums.listed", "error",
                                   f"{name} is not in checksums.txt", f"{top}/checksums.txt"))
            elif hashlib.md5(inner[name]).hexdigest() != sums[name]:
                out.append(Finding(g, "checksums.md5", "error",
                                   f"the MD5 of {name} does not match", f"{top}/checksums.txt"))
        for name in sorted(set(sums) - set(inner)):
            out.append(Finding(g, "checksums.listed", "error",
                               f"checksums.txt lists {name}, which is not in the package",
                               f"{top}/checksums.txt"))
    for d in nsds:
        out += _osm_nsd(inner[d], f"{top}/{d}", vnfds)
    for d in descriptors:
        try:
            vnfd = (yaml.safe_load(inner[d]) or {}).get("vnfd")
        except (yaml.YAMLError, AttributeError):
            vnfd = None
        if not isinstance(vnfd, dict):
            out.append(Finding(g, "layout.descriptor", "error", f"{d} holds no vnfd mapping",
                               f"{top}/{d}"))
            continue
        for kdu in vnfd.get("kdu") or ():
            chart = str((kdu or {}).get("helm-chart", ""))
            if chart and "/" not in chart and f"helm-charts/{chart}/Chart.yaml" not in inner:
                out.append(Finding(g, "kdu.helm-chart", "error", f"KDU {kdu.get('name')!r} names "
                                   f"the local chart {chart!r}, which is not in helm-charts/",
                                   f"{top}/{d}"))
        for df in vnfd.get("df") or ():
            levels = {str(v.get("vdu-id")) for il in (df or {}).get("instantiation-level") or ()
                      for v in (il or {}).get("vdu-level") or ()}
            for aspect in (df or {}).get("healing-aspect") or ():
                for pol in (aspect or {}).get("healing-policy") or ():
                    if str(pol.get("vdu-id")) not in levels:
                        # OSM NBI validate_healing_group_descriptor
                        out.append(Finding(g, "healing.vdu-id", "error",
                                           f"healing-policy vdu-id {pol.get('vdu-id')!r} is in no "
                                           "instantiation-level vdu-level: OSM's NBI refuses it",
                                           f"{top}/{d}"))
    return out


def _osm_nsd(data: bytes, where: str, vnfds: dict[str, set[str]] | None) -> list[Finding]:
    """An OSM NSD's references (SOL006 ``nsd``; OSM NBI's reference checks on upload):
    ``nsd.shape`` (``nsd.nsd`` is one NSD with an ``id``), ``nsd.vnfd-id`` (a vnf-profile's
    ``vnfd-id`` is in the NSD's ``vnfd-id`` list), ``nsd.virtual-link`` (a connectivity's
    ``virtual-link-profile-id`` is a virtual-link-profile or -desc of the NSD),
    ``nsd.constituent`` (its ``constituent-base-element-id`` is the profile's own id),
    ``nsd.vnf-package`` (every ``vnfd-id`` is the VNFD of a VNF package given with the NS
    package, and each ``constituent-cpd-id`` is one of that VNFD's ``ext-cpd``)."""
    g = "osm"
    out: list[Finding] = []
    try:
        doc = yaml.safe_load(data)
    except yaml.YAMLError:
        doc = None
    nsd_list = ((doc or {}).get("nsd") or {}).get("nsd") if isinstance(doc, dict) else None
    if not isinstance(nsd_list, list) or len(nsd_list) != 1 or \
            not isinstance(nsd_list[0], dict) or not nsd_list[0].get("id"):
        return [Finding(g, "nsd.shape", "error", "the descriptor must hold nsd: {nsd: [one NSD "
                        "with an id]}", where)]
    nsd = nsd_list[0]
    ids = [str(v) for v in nsd.get("vnfd-id") or ()]
    links = {str((v or {}).get("id")) for v in nsd.get("virtual-link-desc") or ()}
    for df in nsd.get("df") or ():
        profiles = {str((p or {}).get("id")) for p in (df or {}).get("virtual-link-profile") or ()}
        for vp in (df or {}).get("vnf-profile") or ():
            vp = vp or {}
            vid = str(vp.get("vnfd-id"))
            if vid not in ids:
                out.append(Finding(g, "nsd.vnfd-id", "error", f"vnf-profile {vp.get('id')!r} "
                                   f"names vnfd-id {vid!r}, which is not in the NSD's vnfd-id "
                                   "list", where))
            for conn in vp.get("virtual-link-connectivity") or ():
                conn = conn or {}
                link = str(conn.get("virtual-link-profile-id"))
                if link not in profiles | links:
                    out.append(Finding(g, "nsd.virtual-link", "error", f"vnf-profile "
                                       f"{vp.get('id')!r} joins {link!r}, which is no virtual "
                                       "link of the NSD", where))
                for cpd in conn.get("constituent-cpd-id") or ():
                    cpd = cpd or {}
                    if str(cpd.get("constituent-base-element-id")) != str(vp.get("id")):
                        out.append(Finding(g, "nsd.constituent", "error", "constituent-base-"
                                           f"element-id {cpd.get('constituent-base-element-id')!r}"
                                           f" is not vnf-profile {vp.get('id')!r}", where))
                    cp = str(cpd.get("constituent-cpd-id"))
                    if vnfds is not None and vid in vnfds and cp not in vnfds[vid]:
                        out.append(Finding(g, "nsd.vnf-package", "error", f"vnf-profile "
                                           f"{vp.get('id')!r}: {cp!r} is no ext-cpd of VNFD "
                                           f"{vid!r}", where))
    if vnfds is not None:
        for vid in ids:
            if vid not in vnfds:
                out.append(Finding(g, "nsd.vnf-package", "error", f"vnfd-id {vid!r} is the "
                                   "VNFD of no VNF package beside the NS package: OSM refuses "
                                   "an NSD that names a VNFD not onboarded", where))
    return out


GATES: dict[str, Callable[..., list[Finding]]] = {
    "helm-lint": helm_lint, "sdc-helm-package": sdc_helm_package, "sdc-sol004": sdc_sol004,
    "vtp": vtp, "tacker": tacker, "osm": osm,
}
