"""Validate an OSM KNF VNFD against the ETSI SOL006 YANG model (yangson, pyang's IETF modules).

Phase: test support.  Input: a VNFD as OSM writes it (YAML, unqualified names).  Output:
``None`` when valid, else the error yangson reports.

The model is the SOL006 source in /work/shared/corpus/etsi-nfv-sol006/src/yang, copied
to a temporary directory with one change: yangson cannot evaluate ``deref()`` in a leafref
path, so those leafrefs (17, all cross-references between lists) are read as strings.
``tests/support/yang/xfc-osm-knf.yang`` adds what OSM's KNF descriptor has and SOL006
lacks (``description``, ``kdu``, ``k8s-cluster``, ``mgmt-cp``, ``ext-cpd/k8s-cluster-net``,
``df/healing-aspect``), written from OSM's documented fields, and relaxes, as YANG
deviations, what a KNF cannot meet (at least one ``vdu``, ``vdu-profile`` and
``vdu-level``; SOL006 3.6.1's mandatory snapshot operation parameters).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.validators import _strict_ci

SOL006 = Path("/work/shared/corpus/etsi-nfv-sol006/src/yang")
HERE = Path(__file__).resolve().parent
KNF_MODULE = HERE / "yang" / "xfc-osm-knf.yang"
NS_MODULE = HERE / "yang" / "xfc-osm-ns.yang"
REVISION = "2022-03-08"
_DEREF_LEAFREF = re.compile(r'type leafref \{\s*path\s+"deref\((?:[^"]|"\s*\+\s*")*";\s*\}')

# names OSM adds to the SOL006 VNFD (qualified with our module in RFC 7951 JSON)
_KNF_VNFD = ("kdu", "k8s-cluster", "mgmt-cp", "description")
_KNF_EXT_CPD = ("k8s-cluster-net",)
_KNF_DF = ("healing-aspect",)


def _ietf_dir() -> Path | None:
    for base in {sys.prefix, sysconfig.get_paths()["data"]}:
        d = Path(base) / "share" / "yang" / "modules" / "ietf"
        if (d / "ietf-inet-types.yang").is_file():
            return d
    return None


def _skip(reason: str) -> None:
    if _strict_ci():
        pytest.fail(f"{reason} (required: CI=true and XFC_REQUIRE_TOOLS=1)", pytrace=False)
    pytest.skip(reason)


@functools.cache
def _model(ns: bool = False) -> Any:
    """The VNFD model (with xfc-osm-knf's additions); ``ns``: also the NSD module."""
    from yangson import DataModel

    ietf = _ietf_dir()
    work = Path(tempfile.mkdtemp(prefix="xfc-sol006-"))
    for f in SOL006.glob("*.yang"):
        (work / f.name).write_text(_DEREF_LEAFREF.sub("type string;", f.read_text()))
    shutil.copy(KNF_MODULE, work)
    shutil.copy(NS_MODULE, work)
    sub = [{"name": n, "revision": REVISION}
           for n in ("etsi-nfv-common", "etsi-nfv-ns", "etsi-nfv-vnf", "etsi-nfv-pnf")]
    lib = {"ietf-yang-library:modules-state": {"module-set-id": "xfc-knf", "module": [
        {"name": "etsi-nfv-vnfd", "revision": REVISION, "conformance-type": "implement",
         "namespace": "urn:etsi:nfv:yang:etsi-nfv-vnfd",
         "deviation": [{"name": "xfc-osm-knf", "revision": "2026-12-01"}]},
        {"name": "xfc-osm-knf", "revision": "2026-12-01", "conformance-type": "implement",
         "namespace": "urn:xfc:yang:xfc-osm-knf"},
        {"name": "etsi-nfv-descriptors", "revision": REVISION, "conformance-type": "implement",
         "namespace": "urn:etsi:nfv:yang:etsi-nfv-descriptors", "submodule": sub},
        *([{"name": "etsi-nfv-nsd", "revision": REVISION, "conformance-type": "implement",
            "namespace": "urn:etsi:nfv:yang:etsi-nfv-nsd",
            "deviation": [{"name": "xfc-osm-ns", "revision": "2026-12-07"}]},
           {"name": "xfc-osm-ns", "revision": "2026-12-07", "conformance-type": "implement",
            "namespace": "urn:xfc:yang:xfc-osm-ns"}] if ns else []),
        {"name": "ietf-inet-types", "revision": "2013-07-15", "conformance-type": "import",
         "namespace": "urn:ietf:params:xml:ns:yang:ietf-inet-types"},
        {"name": "ietf-yang-types", "revision": "2013-07-15", "conformance-type": "import",
         "namespace": "urn:ietf:params:xml:ns:yang:ietf-yang-types"},
    ]}}
    return DataModel(json.dumps(lib), [str(work), str(ietf)])


def _qualify(vnfd: dict[str, Any]) -> dict[str, Any]:
    """OSM's YAML in RFC 7951 JSON: augmented names and identities get their module."""
    q = "xfc-osm-knf:"
    out = {(q + k if k in _KNF_VNFD else k): v for k, v in vnfd.items()}
    out["ext-cpd"] = [
        {(q + k if k in _KNF_EXT_CPD else k):
         ([f"etsi-nfv-descriptors:{x}" for x in v] if k == "layer-protocol" else v)
         for k, v in cpd.items()} for cpd in vnfd.get("ext-cpd", [])]
    out["df"] = [{(q + k if k in _KNF_DF else k): v for k, v in df.items()}
                 for df in vnfd.get("df", [])]
    return {"etsi-nfv-vnfd:vnfd": out}


def sol006_errors(doc: dict[str, Any]) -> str | None:
    """None when ``doc`` (``{"vnfd": {...}}``, or an OSM NSD ``{"nsd": {"nsd": [...]}}``)
    is valid, else yangson's message."""
    try:
        import yangson  # noqa: F401
        from yangson.enumerations import ContentType, ValidationScope
    except ImportError:
        _skip("yangson is not installed (pip install '.[test]')")
    if _ietf_dir() is None:
        _skip("pyang's IETF YANG modules are not installed (pip install '.[test]')")
    if not SOL006.is_dir():
        _skip(f"the SOL006 YANG model is not at {SOL006}")
    from yangson.exceptions import YangsonException

    try:
        if "nsd" in doc:  # OSM's one addition (mgmt-network) gets its module's name
            nsd = json.loads(json.dumps(doc["nsd"]))
            for n in nsd.get("nsd", ()):
                for vl in n.get("virtual-link-desc", ()):
                    ct = vl.get("connectivity-type") or {}
                    if "layer-protocol" in ct:  # identities get their module
                        ct["layer-protocol"] = [f"etsi-nfv-descriptors:{x}"
                                                for x in ct["layer-protocol"]]
                    if "mgmt-network" in vl:
                        vl["xfc-osm-ns:mgmt-network"] = vl.pop("mgmt-network")
                for df in n.get("df", ()):  # RFC 7951: a uint64 is a JSON string
                    for vlp in df.get("virtual-link-profile", ()):
                        for k in ("max-bitrate-requirements", "min-bitrate-requirements"):
                            for leaf, v in (vlp.get(k) or {}).items():
                                vlp[k][leaf] = str(v) if isinstance(v, int) else v
            inst = _model(True).from_raw({"etsi-nfv-nsd:nsd": nsd})
        else:
            inst = _model().from_raw(_qualify(doc["vnfd"]))
        inst.validate(ValidationScope.all, ContentType.config)
    except YangsonException as exc:
        return f"{type(exc).__name__}: {exc}"
    except TypeError as exc:
        # yangson 1.7 raises this while wording the error for a mandatory choice with
        # no case present (schemanode._check_schema_pattern): the data is invalid
        return f"a mandatory choice has no case ({exc})"
    return None
