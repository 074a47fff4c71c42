"""Shipped YAML files: the package's Kubernetes manifests and YAML artifacts, read once.

Phase: load.  Input: the package file system, the TOSCA files already read, the limits.
Output: a tuple of :class:`compiler.model.ShippedFile`, each holding every document of
one file as deep-frozen positioned YAML, for ``Package.shipped`` (and from there
``Topology.shipped``).

Which files: every ``*.yaml``/``*.yml`` below ``Files/kubernetes/`` (the folder in which
Tacker CNF packages ship their Kubernetes objects; Tacker's user guide "ETSI NFV-SOL CNF
deployment", and SOL004 §4.1 for ``Files/``), and every YAML file that a node template of
the package names as an artifact (TOSCA 1.3 §3.6.7: relative to the file that declares
it).  Files inside a Helm chart (a folder holding ``Chart.yaml``) are Go templates, which
Tacker hands to Helm: they are not read.  They are read here, with the loader's limits (file size, scalar size, depth, the
alias budget), so that a hostile manifest ends in a positioned diagnostic in ``check`` as
well as in ``compile``, and no back end ever parses a file.

Manifests are multi-document streams whose plain scalars are read as YAML 1.1, as the
Kubernetes API machinery (go-yaml) reads them (``defaultMode: 0644`` is octal).

Codes: input-too-large, input-encoding, input-not-found (via the loader's reader), and
those of :mod:`.yamlpos` (yaml-syntax, yaml-alias-limit, yaml-too-deep, ...).
"""

from __future__ import annotations

from typing import Iterable

from ..diagnostics import Diagnostics, Span
from ..model import ShippedFile
from .package import SourceFile
from ..model.frozen import freeze
from .fs import PackageFS, normalize
from .yamlpos import Limits, PMap, load_yaml_all

KUBE_DIR = "Files/kubernetes/"
YAML_SUFFIXES = (".yaml", ".yml")


def read_shipped(fs: PackageFS, files: Iterable[SourceFile], diags: Diagnostics,
                 limits: Limits) -> tuple[ShippedFile, ...]:
    """Every shipped YAML file of the package (``files``: the TOSCA files read, for their
    artifacts), parsed once."""
    from . import _read_text as read_text  # size limit, UTF-8, BOM: as for TOSCA files

    wanted: dict[str, Span | None] = {}
    at: Span | None  # where a file is named: none for one found only by its folder
    owners: dict[str, list[str]] = {}
    names = fs.names(KUBE_DIR)
    charts = {n[: -len("Chart.yaml")] for n in names if n.endswith("/Chart.yaml")}
    for name in names:
        # a Helm chart's files are Go templates, not YAML: Tacker hands the chart to Helm
        if name.startswith(KUBE_DIR) and name.endswith(YAML_SUFFIXES) \
                and not any(name.startswith(c) for c in charts):
            wanted[name] = None
    kube = set(wanted)
    for name, at, node in _artifact_files(files):
        if name in wanted or fs.exists(name):
            wanted.setdefault(name, at)
            if node not in owners.setdefault(name, []):
                owners[name].append(node)
    out: list[ShippedFile] = []
    for name, at in wanted.items():
        display = fs.display(name)
        text = read_text(fs, name, display, diags, limits, at)
        if text is None:
            continue
        docs = load_yaml_all(text, display, diags, limits, yaml11=True)
        if docs is None:
            continue
        out.append(ShippedFile(name=name, display=display, documents=tuple(freeze(d) for d in docs),
                               kubernetes=name in kube, artifact_of=tuple(owners.get(name, ()))))
    return tuple(out)


def _artifact_files(files: Iterable[SourceFile]) -> Iterable[tuple[str, Span, str]]:
    """(package name, span, node template) of each YAML artifact file a template names."""
    for sf in files:
        if sf.from_catalog or not isinstance(sf.data, PMap):
            continue
        tt = sf.data.get("topology_template")
        nts = tt.get("node_templates") if isinstance(tt, PMap) else None
        if not isinstance(nts, PMap):
            continue
        for node, body in nts.items():
            arts = body.get("artifacts") if isinstance(body, PMap) else None
            if not isinstance(arts, PMap):
                continue
            for key, art in arts.items():
                ref = art.get("file") if isinstance(art, PMap) else art
                if not isinstance(ref, str) or "://" in ref or not ref.endswith(YAML_SUFFIXES):
                    continue
                name = normalize(sf.name, ref)
                if name is not None:
                    yield name, arts.value_span(key), str(node)


__all__ = ["KUBE_DIR", "read_shipped"]
