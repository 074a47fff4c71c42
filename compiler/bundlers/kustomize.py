"""The Kustomize bundler (``xfc bundle --format kustomize``).

Phase: bundle.  Input: a :class:`~compiler.bundlers.BundleInput`.  Output: OutputFiles
under ``kustomize/``:

* ``base/``: every compiled Kubernetes object file, byte for byte, and a
  ``kustomization.yaml`` (``kustomize.config.k8s.io/v1beta1``) listing them as
  ``resources``;
* ``overlays/<flavour>/`` when the descriptor is a SOL001 VNFD with several deployment
  flavours (SOL001 §6.8) and ``--flavour`` names none (with ``--flavour F`` the bundle is
  flavour F alone, as every other format is): the base is the flavour the VNF names,
  the package is compiled once per flavour and each overlay
  turns the base into that flavour's objects: objects only that flavour has are
  resources of the overlay, objects it lacks are removed with a ``$patch: delete``
  strategic-merge patch, and an object that differs gets an RFC 6902 patch replacing
  each top-level field that differs (whole fields, so no list-merge rule of Kubernetes
  can blend old and new).

* for an NSD, ``base/`` holds the service's own objects and lists a ``Component`` per
  VNF node, ``components/<vnf>/`` with that VNF's objects
  (:mod:`compiler.bundlers.ns_layout`);
* ``components/operator/``: the operator's objects (``operator/``, docs/operator.md) as an
  optional Kustomize ``Component``: an overlay that lists it under ``components`` runs
  the operator beside the base.

``kubectl kustomize base`` renders exactly what ``xfc compile`` writes (less
``operator/``; with the component, all of it), and
``kubectl kustomize overlays/F`` exactly what ``xfc compile --flavour F`` writes
(tests/unit/test_bundle_kustomize.py).  A flavour that does not compile fails the bundle
with that flavour's first error quoted (never a warning or a note).

Codes: none.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import OutputFile
from . import OPERATOR_DIR, BundleError, BundleInput, K8sObject, dump_yaml

KUSTOMIZATION = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
COMPONENT = {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component"}


def _key(o: K8sObject) -> tuple[str, str, str, str]:
    meta = o.body.get("metadata") or {}
    return (str(o.body.get("apiVersion")), o.kind, str(meta.get("namespace") or ""), o.name)


def _target(o: K8sObject) -> dict[str, str]:
    group, _, version = str(o.body.get("apiVersion")).rpartition("/")
    t = {"group": group, "version": version, "kind": o.kind, "name": o.name}
    ns = (o.body.get("metadata") or {}).get("namespace")
    if ns:
        t["namespace"] = ns
    return t


def _pointer(key: str) -> str:
    return "/" + key.replace("~", "~0").replace("/", "~1")


def overlay(base: list[K8sObject], flavour: list[K8sObject], files: dict[str, bytes]
            ) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The kustomization and extra files that turn ``base`` into ``flavour``."""
    old = {_key(o): o for o in base}
    new = {_key(o): o for o in flavour}
    resources = ["../../base"]
    extra: dict[str, bytes] = {}
    patches: list[dict[str, Any]] = []
    for key in sorted(new.keys() - old.keys()):
        o = new[key]
        name = o.path.rsplit("/", 1)[-1]
        extra[name] = files[o.path]
        resources.append(name)
    for key in sorted(old.keys() - new.keys()):
        o = old[key]
        meta = {"name": o.name}
        if _target(o).get("namespace"):
            meta["namespace"] = _target(o)["namespace"]
        doc = {"apiVersion": o.body["apiVersion"], "kind": o.kind, "metadata": meta,
               "$patch": "delete"}
        patches.append({"patch": dump_yaml(doc).decode("utf-8")})
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key].body, new[key].body
        ops = []
        for field in b:
            if field not in a:
                ops.append({"op": "add", "path": _pointer(field), "value": b[field]})
            elif a[field] != b[field]:
                ops.append({"op": "replace", "path": _pointer(field), "value": b[field]})
        for field in a:
            if field not in b:
                ops.append({"op": "remove", "path": _pointer(field)})
        if ops:
            patches.append({"target": _target(new[key]),
                            "patch": json.dumps(ops, sort_keys=True, ensure_ascii=False)})
    kust: dict[str, Any] = dict(KUSTOMIZATION, resources=resources[:1] + sorted(resources[1:]))
    if patches:
        kust["patches"] = patches
    return kust, extra


class KustomizeBundler:
    name = "kustomize"
    description = "a Kustomize base (and an overlay per SOL001 deployment flavour)"
    needs = frozenset({"variants"})

    def package(self, inp: BundleInput) -> list[OutputFile]:
        operator = [f for f in inp.files if f.path.startswith(OPERATOR_DIR)]
        files, base = inp.without_operator()
        if not base:
            raise BundleError("the compilation wrote no Kubernetes objects to bundle")
        by_path = {f.path: f.content for f in files}
        out: dict[str, bytes] = {}
        names = []
        from .ns_split import is_ns

        if is_ns(inp):  # a network service: a component per VNF (compiler.bundlers.ns_layout)
            from .ns_layout import kustomize_components

            out.update(kustomize_components(inp))
        else:
            for path in sorted({o.path for o in base}):
                name = path.rsplit("/", 1)[-1]
                if name in names:
                    name = path.replace("/", "-")
                names.append(name)
                out[f"base/{name}"] = by_path[path]
            out["base/kustomization.yaml"] = dump_yaml(dict(KUSTOMIZATION, resources=names))
        for variant in inp.variants:  # several flavours and --flavour named none
            if variant.problem is not None:
                raise BundleError(f"flavour {variant.flavour!r} does not compile: "
                                  + variant.problem)
            flavour_files = {f.path: f.content for f in variant.files}
            kust, extra = overlay(base, [o for o in variant.objects
                                         if not o.path.startswith(OPERATOR_DIR)], flavour_files)
            out[f"overlays/{variant.flavour}/kustomization.yaml"] = dump_yaml(kust)
            for name, data in extra.items():
                out[f"overlays/{variant.flavour}/{name}"] = data
        if operator:
            names = []
            for f in sorted(operator, key=lambda f: f.path):
                name = f.path.rsplit("/", 1)[-1]
                names.append(name)
                out[f"components/operator/{name}"] = f.content
            out["components/operator/kustomization.yaml"] = dump_yaml(
                dict(COMPONENT, resources=names))
        return [OutputFile(path=f"kustomize/{p}", content=data, producer=self.name)
                for p, data in sorted(out.items())]


BUNDLER = KustomizeBundler()
