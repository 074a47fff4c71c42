"""The OSM KNF package bundler (``xfc bundle --format osm``).

Phase: bundle.  Input: a :class:`~compiler.bundlers.BundleInput`.  Output: one OutputFile
``<name>_knf.tar.gz``, a reproducible gzipped tar with one top folder ``<name>_knf/``
(the layout ``osm package-build`` makes; formats.md §3, §7):

* ``<name>_vnfd.yaml``: the VNFD in OSM's SOL006-based form: ``vnfd`` with ``id``,
  ``provider``, ``product-name``, ``software-version``, ``version``, ``vnfm-info``,
  ``description``, ``mgmt-cp``, one ``ext-cpd`` on the cluster network
  (``k8s-cluster-net``), ``k8s-cluster.nets``, one ``kdu`` whose ``helm-chart`` is the
  chart shipped in the package, and ``df`` (the compiled flavour's id, else
  ``default-df``) with one ``instantiation-level`` (SOL006 asks for one when no default
  is named).  The ``healing-aspect`` entries the OSM policy back end writes
  (``--target osm``) are *not* put in the package: OSM heals VDUs only, a KNF has none,
  and OSM's NBI refuses a healing ``vdu-id`` that is not a VDU of an instantiation level,
  so they would make the package unonboardable (the policy back end already warns,
  ``unsupported``, that OSM cannot realise them).  The compile output
  ``policies/osm/`` keeps them for reference.
* ``helm-charts/<name>/``: the chart of :mod:`compiler.bundlers.helm`, named by the KDU's
  ``helm-chart`` without a repository.  Where OSM looks for a chart inside a package is
  not verified (formats.md §3).
* ``checksums.txt``: one ``<md5>  <path>`` line per other file (``md5sum`` format,
  paths relative to the folder, sorted).

The descriptor file name ends in ``vnfd.yaml`` (osmclient recognises descriptors by
``nfd.yaml``), and the chart is not at the top level, so ``osm package-validate
--recursive`` never reads chart YAML as a descriptor.

An NSD gives one KNF package per VNF and an NS package that names them
(:mod:`compiler.bundlers.ns_package`).

Codes: none.
"""

from __future__ import annotations

import hashlib
from typing import Any, Sequence

from ..model import OutputFile
from . import BundleInput, Identity, K8sObject, dump_yaml, identity, targz_bytes

MGMT_CP = "mgmt-ext"
MGMT_NET = "mgmtnet"


def build_vnfd(inp: BundleInput, ident: Identity,
               links: Sequence[tuple[str, str, list[str]]] = ()) -> dict[str, Any]:
    """The KNF VNFD; ``links``: (ext-cpd id, network, layer protocols) of each connection
    point that joins an NS virtual link (a VNF of a network service), one ext-cpd and one
    cluster network each, besides the management ones."""
    df = {"id": inp.topology.flavour or "default-df",
          "instantiation-level": [{"id": "default"}]}
    vnfd: dict[str, Any] = {
        "id": ident.name,
        "provider": ident.provider,
        "product-name": ident.product,
        "software-version": ident.software_version,
        "version": ident.version,
        "vnfm-info": list(ident.vnfm_info) or ["OSM"],
    }
    vnfd["description"] = ident.description
    vnfd.update({
        "mgmt-cp": MGMT_CP,
        "ext-cpd": [{"id": MGMT_CP, "k8s-cluster-net": MGMT_NET,
                     "layer-protocol": ["ethernet"]}] + [
            {"id": cpd, "k8s-cluster-net": net, "layer-protocol": list(protocols)}
            for cpd, net, protocols in links],
        "k8s-cluster": {"nets": [{"id": MGMT_NET}] + [
            {"id": net} for net in dict.fromkeys(net for _, net, _ in links)]},
        "kdu": [{"name": ident.name, "helm-chart": ident.name, "helm-version": "v3"}],
        "df": [df],
    })
    return {"vnfd": vnfd}


def build_package(inp: BundleInput, objects: list[K8sObject] | None = None,
                  ident: Identity | None = None,
                  links: Sequence[tuple[str, str, list[str]]] = ()) -> tuple[str, dict[str, bytes]]:
    """(top folder name, files by path inside it); ``objects`` and ``ident``: the package
    of a part of them (one VNF of a network service, :mod:`compiler.bundlers.ns_package`)."""
    from .helm import build_chart

    if objects is None:
        _, objects = inp.without_operator()  # the orchestrator acts on its own policy formats
    chart = build_chart(inp, objects, ident)
    ident = ident or identity(inp, objects)
    folder = f"{ident.name}_knf"
    content: dict[str, bytes] = {
        f"{ident.name}_vnfd.yaml": (b"# OSM KNF descriptor written by xfc\n"
                                    + dump_yaml(build_vnfd(inp, ident, links))),
    }
    content.update({f"helm-charts/{chart.name}/{p}": d for p, d in chart.files.items()})
    content["checksums.txt"] = "".join(
        f"{hashlib.md5(content[p]).hexdigest()}  {p}\n" for p in sorted(content)).encode()
    return folder, content


class OsmBundler:
    name = "osm"
    description = "an OSM KNF package (<name>_knf.tar.gz: VNFD with a Helm KDU, checksums)"

    needs = frozenset({"wiring"})
    gates = ("osm",)  # --verify: osmclient's and OSM NBI's rules

    def package(self, inp: BundleInput) -> list[OutputFile]:
        from .ns_split import is_ns

        if is_ns(inp):  # a network service: a KNF per VNF and the NS package
            from .ns_package import osm_files

            return osm_files(inp, self.name)
        folder, content = build_package(inp)
        blob = targz_bytes({f"{folder}/{p}": d for p, d in content.items()})
        return [OutputFile(path=f"{folder}.tar.gz", content=blob, producer=self.name)]


BUNDLER = OsmBundler()
