"""The VNFD of a Tacker CSAR: what Tacker's onboarding requires, added to the descriptor.

Phase: bundle (``xfc bundle -f csar --target tacker``).  Input: the compilation and the
CSAR's files as :func:`compiler.bundlers.csar.definitions` laid them out.  Output: the
same files, edited where Tacker 16.0.0 would refuse them (read in its
``tacker.common.csar_utils`` and ``sol_refactored.common.vnfd_utils``):

* **A VNF node and a flavour.**  ``_get_vnf_data`` wants a node template of a type derived
  from ``tosca.nodes.nfv.VNF`` ("VNF properties are mandatory"), ``_populate_flavour_data``
  a ``substitution_mappings.properties.flavour_id`` ("No VNF flavours are available"), and
  the v2 ``Vnfd`` finds a flavour by that property in a file directly under
  ``Definitions/``.  A descriptor without a VNF node gets one (``VNF``, or ``xfc-vnf`` when
  that name is taken) of the generated type ``xfc.tacker.VNF`` (in
  ``Definitions/<entry stem>_tacker_types.yaml``, which imports the SOL001 type files, also
  shipped), with the package's identity as its properties, and ``substitution_mappings``
  naming that type and the flavour compiled (``--flavour``, else ``default``).
* **Container images by registry reference.**  Tacker's v2 CNF samples name the image in
  the Kubernetes manifest only; a ``tosca.artifacts.nfv.SwImage`` artifact whose ``file``
  is a registry reference (no file of the package) makes tosca-parser refuse the CSAR
  ("The resource ... does not exist").  Such artifacts are left out of the shipped
  descriptor (the image stays in the manifests xfc compiled).

A TOSCA 2.0 descriptor is refused (:class:`~compiler.bundlers.BundleError`): Tacker's
tosca-parser reads TOSCA 1.x only, so no edit makes its CSAR one Tacker onboards.

Edits are made on the text, line by line at the positions the loader recorded, so that the
rest of the descriptor (comments, layout) travels byte for byte; a descriptor written in a
way these edits cannot reach (flow style) raises :class:`~compiler.bundlers.BundleError`.

Codes: none.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from . import BundleError, Identity
from .csar_layout import DEFINITIONS, moves_entry

VNF_TYPE = "xfc.tacker.VNF"
_TOSCA2 = re.compile(rb"^tosca_definitions_version:[ \t]*[\"']?tosca_2_0\b", re.M)
SOL001_FILES = ("etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml")


def shipped_name(src: Any, name: str) -> str:
    """Where the CSAR ships the package's TOSCA file ``name`` (csar_layout.py); ``src``
    is the input package as data (:class:`~compiler.bundlers.Sources`)."""
    return DEFINITIONS + name if moves_entry(src.kind, src.entry) else name


def _q(v: Any) -> str:
    """A YAML scalar for ``v`` (JSON is YAML: a double-quoted string, a number)."""
    return json.dumps(v, ensure_ascii=False)


def _indent(line: bytes) -> int:
    return len(line) - len(line.lstrip(b" "))


def _block_end(lines: list[bytes], start: int) -> int:
    """The index after the block whose key is on line ``start`` (0-based)."""
    col = _indent(lines[start])
    i = start + 1
    while i < len(lines):
        s = lines[i].strip()
        if s and not s.startswith(b"#") and _indent(lines[i]) <= col:
            break
        i += 1
    while i > start + 1 and not lines[i - 1].strip():
        i -= 1  # leave the blank lines before the next block
    return i


def is_registry_reference(ref: str, names: set[str], here: str) -> bool:
    """Whether an artifact ``file`` names a container image in a registry, not a file."""
    if posixpath.normpath(posixpath.join(here, ref)) in names or ref.lstrip("./") in names:
        return False
    last = ref.rsplit("/", 1)[-1]
    return "/" in ref and (":" in last or "@" in last) or "://" not in ref and ":" in last


def adapt(inp: Any, files: dict[str, bytes], entry: str, ident: Identity,
          catalog_file) -> None:
    """Edit ``files`` (path -> bytes) in place as the module docstring says.

    ``catalog_file(name)`` returns the bytes of a SOL001 type file from xfc's catalog."""
    pkg = inp.sources
    names = set(files)
    for sf in pkg.files:
        dest = shipped_name(pkg, sf.name)
        if not sf.from_catalog and dest in files and _TOSCA2.search(files[dest]):
            raise BundleError(f"{dest}: a TOSCA 2.0 file, and Tacker 16.0.0 reads TOSCA 1.x "
                              "only (its tosca-parser refuses tosca_2_0 at onboarding): "
                              "bundle it without --target tacker, or write the descriptor "
                              "in TOSCA 1.3 (docs/tosca-2.md)")
    edits: dict[str, list[tuple[int, int, list[bytes]]]] = {}
    for sf in pkg.files:
        if sf.from_catalog or not isinstance(sf.data, dict):
            continue
        dest = shipped_name(pkg, sf.name)
        if dest not in files:
            continue
        nodes = (sf.data.get("topology_template") or {}).get("node_templates") \
            if isinstance(sf.data.get("topology_template"), dict) else None
        for node in (nodes or {}).values():
            arts = node.get("artifacts") if isinstance(node, dict) else None
            if not isinstance(arts, dict) or not hasattr(arts, "key_span"):
                continue
            drop = [k for k, a in arts.items() if isinstance(a, dict)
                    and "SwImage" in str(a.get("type", ""))
                    and isinstance(a.get("file"), str)
                    and is_registry_reference(a["file"], names, posixpath.dirname(dest))]
            if not drop:
                continue
            whole = len(drop) == len(arts)
            spans = [node.key_span("artifacts")] if whole else [arts.key_span(k) for k in drop]
            for span in spans:
                edits.setdefault(dest, []).append((span.line - 1, -1, []))
    vnf_present = any("tosca.nodes.nfv.VNF" in n.types for n in inp.topology.nodes.values())
    if not vnf_present:
        _add_vnf(inp, files, entry, ident, catalog_file, edits)
    for dest, changes in edits.items():
        lines = files[dest].split(b"\n")
        for line, count, new in sorted(changes, key=lambda c: c[0], reverse=True):
            if count == -1:  # a block at this key line
                end = _block_end(lines, line)
                lines[line:end] = new
            else:
                lines[line:line + count] = new
        files[dest] = b"\n".join(lines)


def _add_vnf(inp: Any, files: dict[str, bytes], entry: str, ident: Identity, catalog_file,
             edits: dict[str, list[tuple[int, int, list[bytes]]]]) -> None:
    pkg = inp.sources
    entry_sf = next((sf for sf in pkg.files if not sf.from_catalog
                     and shipped_name(pkg, sf.name) == entry),
                    None)
    data: Any = entry_sf.data if entry_sf is not None else None  # the YAML as the loader read it
    topo = data.get("topology_template") if isinstance(data, dict) else None
    if not isinstance(topo, dict) or not hasattr(topo, "key_span") \
            or not isinstance(topo.get("node_templates"), dict) or "substitution_mappings" in topo:
        raise BundleError(f"{entry}: Tacker needs a VNF node and a flavour, and xfc can add "
                          "them only to a block-style topology_template with node_templates")
    here = posixpath.dirname(entry)
    for name in SOL001_FILES:
        path = posixpath.join(here, name)
        files.setdefault(path, catalog_file(name))
    stem = posixpath.splitext(posixpath.basename(entry))[0]
    types_name = f"{stem}_tacker_types.yaml"
    flavour = inp.topology.flavour or "default"
    props = {
        "descriptor_id": ident.descriptor_id, "descriptor_version": ident.version,
        "provider": ident.provider, "product_name": ident.product,
        "software_version": ident.software_version,
        "vnfm_info": list(ident.vnfm_info) or ["Tacker"],
        "flavour_id": flavour,
        "flavour_description": f"{ident.product}, compiled by xfc",
    }
    ptypes = []
    for k, v in props.items():
        if isinstance(v, list):
            ptypes.append(f"      {k}:\n        type: list\n        entry_schema:\n"
                          f"          type: string\n        default: {_q(v)}")
        else:
            ptypes.append(f"      {k}:\n        type: string\n        constraints:\n"
                          f"          - valid_values: [{_q(v)}]\n        default: {_q(v)}")
    # tosca-parser (as Tacker runs it) wants each topology input without a default to be
    # a property of the substituted type (MissingDefaultValueError otherwise)
    inputs = topo.get("inputs")
    if not isinstance(inputs, dict):
        inputs = {}
    for iname, idef in inputs.items():
        if isinstance(idef, dict) and "default" not in idef and iname not in props:
            ptypes.append(f"      {iname}:\n        type: {_q(str(idef.get('type', 'string')))}"
                          "\n        required: false")
    files[posixpath.join(here, types_name)] = (
        "tosca_definitions_version: tosca_simple_yaml_1_3\n\n"
        f"description: The VNF node type Tacker requires of {_q(ident.product)}'s VNFD "
        "(written by xfc)\n\n"
        "imports:\n" + "".join(f"  - {n}\n" for n in SOL001_FILES) + "\n"
        f"node_types:\n  {VNF_TYPE}:\n    derived_from: tosca.nodes.nfv.VNF\n"
        "    properties:\n" + "\n".join(ptypes) + "\n").encode("utf-8")

    lines = files[entry].split(b"\n")
    changes = edits.setdefault(entry, [])
    imports = data.get("imports")
    if isinstance(imports, list) and imports and hasattr(imports, "item_span"):
        last = imports.item_span(len(imports) - 1).line - 1
        text = lines[last]
        dash = text.find(b"- ")
        if dash < 0 or last + 1 == data.key_span("imports").line:
            raise BundleError(f"{entry}: imports written in flow style; xfc cannot add the "
                              "VNF type's file for Tacker")
        changes.append((last + 1, 0, [text[:dash] + b"- " + types_name.encode()]))
    else:
        if "imports" in data:
            raise BundleError(f"{entry}: an empty or flow-style imports; xfc cannot add the "
                              "VNF type's file for Tacker")
        line = data.key_span("tosca_definitions_version").line
        changes.append((line, 0, [b"", b"imports:", b"  - " + types_name.encode()]))
    nt = topo.key_span("node_templates")
    key_col = nt.column - 1
    first = next(iter(topo["node_templates"]), None)
    inner = (topo["node_templates"].key_span(first).column - 1) if first is not None \
        and hasattr(topo["node_templates"], "key_span") else key_col + 2
    step = max(inner - key_col, 1)
    pad, pad2, pad3 = (b" " * key_col, b" " * inner, b" " * (inner + step))
    node_name = "VNF" if "VNF" not in topo["node_templates"] else "xfc-vnf"
    sub = [pad + b"substitution_mappings:",
           pad + b" " * step + f"node_type: {VNF_TYPE}".encode(),
           pad + b" " * step + b"properties:",
           pad + b" " * (2 * step) + f"flavour_id: {_q(flavour)}".encode(), b""]
    node = [pad2 + f"{node_name}:".encode(), pad3 + f"type: {VNF_TYPE}".encode(),
            pad3 + b"properties:"]
    node += [pad3 + b" " * step + f"{k}: {_q(v)}".encode() for k, v in props.items()]
    node.append(b"")
    changes.append((nt.line - 1, 0, sub))
    changes.append((nt.line, 0, node))
    if len(lines) < nt.line:
        raise BundleError(f"{entry}: cannot place the VNF node for Tacker")
