"""Generators of hostile input shapes, shared by tests/hostile and the mutation fuzzer.

Each shape is legal-looking input that grows one dimension xfc must bound (issue 12):
chains (imports, ``derived_from``, ``get_property`` hops), doubling functions (each node
``concat(prev, prev)`` or ``[prev, prev]``), extreme numbers, archive shapes (many
highly compressed members, a name that is a file and a folder, a lying member count,
a package of many names).  Text builders return YAML text; ``grow`` applies a shape to
a plain YAML tree for the fuzzer.
"""

from __future__ import annotations

import math
import random
import struct
import zipfile
from pathlib import Path
from typing import Any

HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"
XF_HEAD = HEAD + "imports:\n  - xfactor/1.0/profile.yaml\n"
META = ("TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: hostile\n"
        "Entry-Definitions: Definitions/main.yaml\n")
#: Stands for an integer Python cannot convert (more than 4,300 digits): the fuzzer dumps
#: trees with PyYAML, whose representer would call int.__str__ and fail itself.
BIGINT_MARK = "XFC-BIGINT-5000"
BIGINT = "9" * 5000


# ------------------------------------------------------------------------------- chains

def import_chain(root: Path, n: int) -> Path:
    """``main.yaml`` importing ``i0.yaml`` importing ... ``i{n-1}.yaml``; returns main."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.yaml").write_text(HEAD + "imports:\n  - i0.yaml\n")
    for i in range(n):
        nxt = f"imports:\n  - i{i + 1}.yaml\n" if i < n - 1 else ""
        (root / f"i{i}.yaml").write_text(HEAD + nxt)
    return root / "main.yaml"


def derivation_chain(n: int) -> str:
    """Node types T1 ... Tn, each derived from the one before; one template of type Tn."""
    out = [HEAD, "node_types:\n  T0:\n    derived_from: tosca.nodes.Root\n"]
    out += [f"  T{i}:\n    derived_from: T{i - 1}\n" for i in range(1, n + 1)]
    out.append(f"topology_template:\n  node_templates:\n    a:\n      type: T{n}\n")
    return "".join(out)


def property_hops(n: int) -> str:
    """n0.name = get_property(n1, name), ..., the last one a literal: n hops from n0."""
    out = [HEAD, "topology_template:\n  node_templates:\n"]
    for i in range(n + 1):
        value = "end" if i == n else f"{{ get_property: [ n{i + 1}, name ] }}"
        out.append(f"    n{i}:\n      type: tosca.nodes.ObjectStorage\n"
                   f"      properties:\n        name: {value}\n")
    return "".join(out)


def nested_hops(n: int, depth: int) -> str:
    """Like :func:`property_hops`, each hop ``depth`` lists deep: the walk descends
    ``n * depth`` levels before any result exists."""
    out = [HEAD, "node_types:\n  L:\n    derived_from: tosca.nodes.Root\n    properties:\n"
                 "      items:\n        type: list\n        required: false\n",
           "topology_template:\n  node_templates:\n"]
    for i in range(n + 1):
        value = "[end]" if i == n else \
            "[" * depth + f"{{ get_property: [ n{i + 1}, items ] }}" + "]" * depth
        out.append(f"    n{i}:\n      type: L\n      properties:\n        items: {value}\n")
    return "".join(out)


# ---------------------------------------------------------------------------- doubling

def doubling(n: int, *, lists: bool = False, seed: str = "x" * 64) -> str:
    """n nodes each doubling the one before: ``concat(prev, prev)`` or ``[prev, prev]``."""
    if lists:  # a list-valued property needs a type that declares one
        out = [HEAD, "node_types:\n  L:\n    derived_from: tosca.nodes.Root\n    properties:\n"
                     "      items:\n        type: list\n        required: false\n",
               "topology_template:\n  node_templates:\n",
               "    n0:\n      type: L\n      properties:\n        items: [x, y]\n"]
        prop, typ = "items", "L"
    else:
        out = [HEAD, "topology_template:\n  node_templates:\n",
               f"    n0:\n      type: tosca.nodes.ObjectStorage\n      properties:\n"
               f"        name: {seed}\n"]
        prop, typ = "name", "tosca.nodes.ObjectStorage"
    for i in range(1, n + 1):
        ref = f"{{ get_property: [ n{i - 1}, {prop} ] }}"
        value = f"[ {ref}, {ref} ]" if lists else f"{{ concat: [ {ref}, {ref} ] }}"
        out.append(f"    n{i}:\n      type: {typ}\n      properties:\n        {prop}: {value}\n")
    return "".join(out)


def concat_of_input(n: int) -> str:
    """One ``concat`` of ``n`` times the input ``big`` (given with --inputs)."""
    args = ", ".join(["{ get_input: big }"] * n)
    return (HEAD + "topology_template:\n  inputs:\n    big:\n      type: string\n"
            "  node_templates:\n    n0:\n      type: tosca.nodes.ObjectStorage\n"
            f"      properties:\n        name: {{ concat: [ {args} ] }}\n")


# ------------------------------------------------------------------------------ numbers

def cnf(process: str = "{ state: stateless }", replicas: str = "{ min: 1, max: 2 }",
        resources: str = "{ cpu: 1, memory: 1 GiB }", extra: str = "") -> str:
    """A one-CNF X-factor descriptor; each argument is the YAML text of that property.
    Lines: 10 ``replicas``, 11 ``resources``, 12 ``process``."""
    return (XF_HEAD + "topology_template:\n  node_templates:\n    upf:\n"
            "      type: xfactor.nodes.CNF\n      properties:\n"
            "        image: registry.example.net/upf:1.0\n"
            f"        replicas: {replicas}\n        resources: {resources}\n"
            f"        process: {process}\n{extra}")


#: Values that reach the edge of what a consumer stores: (YAML text, what it is).
EXTREME_NUMBERS: tuple[tuple[str, str], ...] = (
    (BIGINT, "an integer Python refuses to convert"),
    (str(2**63), "2^63, past int64"),
    (str(2**31), "2^31, past int32"),
    ("-1", "negative"),
    ("1e305", "a float whose seconds overflow"),
    ("1e305 d", "a duration past int64 seconds"),
    ("-5 MiB", "a negative size"),
    ("1e300 TiB", "a size past int64 bytes"),
    (".inf", "infinity"),
)


# ----------------------------------------------------------------------------- archives

def zip_many_members(path: Path, members: int, size: int) -> Path:
    """A CSAR with ``members`` members of ``size`` zero bytes each (about 1000x)."""
    blob = bytes(size)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("TOSCA-Metadata/TOSCA.meta", META)
        zf.writestr("Definitions/main.yaml", HEAD)
        for i in range(members):
            zf.writestr(f"Files/zeros{i}.bin", blob)
    return path


def zip_file_and_folder(path: Path) -> Path:
    """``Definitions/main.yaml`` is a file, and the folder of ``Definitions/main.yaml/x.yaml``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("TOSCA-Metadata/TOSCA.meta", META)
        zf.writestr("Definitions/main.yaml", HEAD)
        zf.writestr("Definitions/main.yaml/x.yaml", HEAD)
    return path


def zip_declaring_members(path: Path, declared: int) -> Path:
    """A small CSAR whose end record claims ``declared`` members (at most 65,535)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("TOSCA-Metadata/TOSCA.meta", META)
        zf.writestr("Definitions/main.yaml", HEAD)
    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, eocd + 8, declared, declared)
    path.write_bytes(bytes(data))
    return path


def zip_overlapping(path: Path, copies: int) -> Path:
    """A CSAR whose central directory lists ``copies`` more members that all point at the
    data of one member (the overlap of the "non-recursive zip bomb")."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("TOSCA-Metadata/TOSCA.meta", META)
        zf.writestr("Definitions/main.yaml", HEAD)
        zf.writestr("Files/kernel.bin", bytes(1 << 16))
    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    count, cd_size, cd_offset = struct.unpack_from("<HII", data, eocd + 10)
    central = bytes(data[cd_offset:cd_offset + cd_size])
    last = central.rfind(b"PK\x01\x02")
    record = central[last:]
    name_len = struct.unpack_from("<H", record, 28)[0]
    extra = b""
    for i in range(copies):
        alias = f"Files/copy{i:04d}.bin".encode()
        rec = bytearray(record[:46]) + alias + record[46 + name_len:]
        struct.pack_into("<H", rec, 28, len(alias))
        extra += bytes(rec)
    out = bytearray(data[:cd_offset]) + central + extra
    tail = bytearray(data[eocd:])
    struct.pack_into("<HHII", tail, 8, count + copies, count + copies, cd_size + len(extra), cd_offset)
    path.write_bytes(bytes(out + tail))
    return path


def package_of_missing_names(root: Path, files: int, missing: int) -> Path:
    """A CSAR folder of ``files`` files whose manifest lists ``missing`` absent ones, each
    close to a present name (the quadratic "did you mean" walked them all)."""
    (root / "TOSCA-Metadata").mkdir(parents=True, exist_ok=True)
    (root / "Definitions").mkdir(exist_ok=True)
    (root / "Files").mkdir(exist_ok=True)
    (root / "TOSCA-Metadata" / "TOSCA.meta").write_text(META + "ETSI-Entry-Manifest: main.mf\n")
    (root / "Definitions" / "main.yaml").write_text(HEAD)
    for i in range(files):
        (root / "Files" / f"file{i}.txt").write_text("x")
    lines = ["metadata:", "  vnf_provider_id: a", "  vnf_product_name: b",
             "  vnf_release_date_time: 2020-01-01T00:00:00+00:00", "  vnf_package_version: 1.0", ""]
    lines += [f"Source: Files/fil{i}.txt" for i in range(missing)]
    (root / "main.mf").write_text("\n".join(lines) + "\n")
    return root


def archive_shape(rng: random.Random, path: Path) -> tuple[Path, str]:
    """One archive shape for the fuzzer, small enough to build in milliseconds."""
    how = rng.randrange(5)
    if how == 4:
        return zip_overlapping(path, rng.randrange(1, 40)), "members sharing one member's data"
    if how == 0:
        return zip_many_members(path, rng.randrange(2, 12), (1 << 20) * rng.randrange(1, 4)), \
            "members of zeros past the inflation ratio"
    if how == 1:
        return zip_file_and_folder(path), "a name that is a file and a folder"
    if how == 2:
        return zip_declaring_members(path, rng.choice((100_001 % 65536, 65535))), \
            "a lying member count"
    return zip_many_members(path, 1, rng.choice((1 << 19, (1 << 20) - 1))), \
        "a member just under the ratio floor (accepted)"


# ------------------------------------------------------------------ tree-level (fuzzer)

def grow(rng: random.Random, tree: dict, log: list[str]) -> bool:
    """Add a growth shape to a seed's ``topology_template.node_templates``."""
    tt = tree.get("topology_template")
    nodes = tt.get("node_templates") if isinstance(tt, dict) else None
    if not isinstance(nodes, dict):
        return False
    how = rng.randrange(4)
    n = rng.choice((40, 70, 150, 300))
    if how == 0:  # get_property hops, evaluated from the far end
        for i in range(n + 1):
            value: Any = "end" if i == n else {"get_property": [f"xh{i + 1}", "name"]}
            nodes[f"xh{i}"] = {"type": "tosca.nodes.ObjectStorage", "properties": {"name": value}}
        log.append(f"grow {n} get_property hops")
    elif how == 1:  # concat(prev, prev)
        n = rng.choice((25, 41, 60))
        nodes["xd0"] = {"type": "tosca.nodes.ObjectStorage", "properties": {"name": "x" * 64}}
        for i in range(1, n + 1):
            ref = {"get_property": [f"xd{i - 1}", "name"]}
            nodes[f"xd{i}"] = {"type": "tosca.nodes.ObjectStorage",
                               "properties": {"name": {"concat": [ref, dict(ref)]}}}
        log.append(f"grow {n} doubling concats")
    elif how == 2:  # one concat over many references
        n = rng.choice((100, 500, 2000))
        nodes["xc0"] = {"type": "tosca.nodes.ObjectStorage", "properties": {"name": "y" * 4096}}
        nodes["xc1"] = {"type": "tosca.nodes.ObjectStorage", "properties": {
            "name": {"concat": [{"get_property": ["xc0", "name"]} for _ in range(n)]}}}
        log.append(f"grow a concat of {n} references")
    else:  # an extreme number somewhere under a node template
        text, what = rng.choice(EXTREME_NUMBERS)
        name = rng.choice(sorted(nodes))
        body = nodes[name]
        if not isinstance(body, dict):
            return False
        props = body.setdefault("properties", {})
        if not isinstance(props, dict):
            return False
        key = rng.choice(sorted(props) or ["size"])
        props[key] = BIGINT_MARK if text == BIGINT else _scalar(text)
        log.append(f"extreme number at {name}.{key}: {what}")
    return True


def _scalar(text: str) -> Any:
    if text == ".inf":
        return math.inf
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            continue
    return text
