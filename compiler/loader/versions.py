"""Which SOL001 version a descriptor declares, for its imports of SOL001 type files by bare
name (``etsi_nfv_sol001_vnfd_types.yaml``), which carry no version of their own.

Phase: load.  Input: every file read (the package's own and the catalog's).  Output: a
:class:`Declared` (the version, where it is declared, and how) or ``None``.

Sources, first found wins, in reading order:

1. an import of a SOL001 file by its forge URL, which names the version
   (``https://forge.etsi.org/rep/nfv/SOL001/raw/v4.4.1/etsi_nfv_sol001_common_types.yaml``);
2. a SOL001 type file the package ships itself, whose ``metadata`` says which it is
   (``template_name: etsi_nfv_sol001_...``, ``template_version: 4.4.1``);
3. the VNFD's own fields: ``vnfm_info`` naming Tacker (a node template's value or a node
   type's default) — Tacker supplies the SOL001 2.6.1 type files for bare names.

A version the catalog does not hold is skipped.  Codes: none (the loader reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..diagnostics import Span
from .package import SourceFile
from . import catalog
from .yamlpos import PMap, PSeq

TACKER_SOL001 = "2.6.1"  # the type files Tacker ships and reads bare names as


@dataclass(frozen=True, slots=True)
class Declared:
    version: str
    span: Span
    how: str  # what declared it, for the note


def declared_sol001(files: Iterable[SourceFile]) -> Declared | None:
    """The SOL001 version the files declare (module docstring), or None."""
    known = set(catalog.sol001_versions())
    files = list(files)
    for sf in files:
        imports = sf.data.get("imports") if isinstance(sf.data, PMap) else None
        if not isinstance(imports, PSeq):
            continue
        for i, item in enumerate(imports):
            ref = item.get("file") if isinstance(item, PMap) else item
            ver = catalog.forge_version(ref.strip()) if isinstance(ref, str) else None
            if ver in known:
                return Declared(ver, imports.item_span(i), "the import of the SOL001 "
                                f"{ver} file by its forge URL")
    for sf in files:
        meta = sf.data.get("metadata") if not sf.from_catalog and isinstance(sf.data, PMap) \
            else None
        if isinstance(meta, PMap) and str(meta.get("template_name", "")).startswith(
                "etsi_nfv_sol001") and str(meta.get("template_version", "")) in known:
            ver = str(meta["template_version"])
            return Declared(ver, meta.value_span("template_version"),
                            f"the SOL001 {ver} type file the package ships "
                            f"({sf.display})")
    for sf in files:
        if sf.from_catalog or not isinstance(sf.data, PMap):
            continue
        span = _tacker_vnfm(sf.data)
        if span is not None and TACKER_SOL001 in known:
            return Declared(TACKER_SOL001, span, "vnfm_info names Tacker, which supplies the "
                            f"SOL001 {TACKER_SOL001} type files")
    return None


def _tacker_vnfm(data: PMap) -> Span | None:
    """Where ``vnfm_info`` names Tacker: a node template's value or a node type's
    definition (default or constraint)."""
    places: list[tuple[Any, Span]] = []
    tt = data.get("topology_template")
    nts = tt.get("node_templates") if isinstance(tt, PMap) else None
    for body in (nts.values() if isinstance(nts, PMap) else ()):
        props = body.get("properties") if isinstance(body, PMap) else None
        if isinstance(props, PMap) and "vnfm_info" in props:
            places.append((props["vnfm_info"], props.value_span("vnfm_info")))
    types = data.get("node_types")
    for body in (types.values() if isinstance(types, PMap) else ()):
        props = body.get("properties") if isinstance(body, PMap) else None
        if isinstance(props, PMap) and isinstance(props.get("vnfm_info"), PMap):
            places.append((props["vnfm_info"], props.value_span("vnfm_info")))
    for value, span in places:
        if _mentions_tacker(value):
            return span
    return None


def _mentions_tacker(value: Any) -> bool:
    stack, seen = [value], 0
    while stack and seen < 1000:
        v = stack.pop()
        seen += 1
        if isinstance(v, str) and "tacker" in v.lower():
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


__all__ = ["Declared", "declared_sol001"]
